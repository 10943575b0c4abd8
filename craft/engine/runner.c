/* runner.c - a scenario's steps on the wire, and the replies they take. */
#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/field.h"
#include "../decode/decode.h"
#include "../decode/describe.h"
#include "../match/flow.h"
#include "../proto/proto.h"
#include "../util/xalloc.h"
#include "../lang/peerstep.h"
#include "internal.h"
#include "peerrun.h"
#include "speaker.h"

#define BACKLOG 128
#define RECENT 256	/* our frames remembered, to tell ours from the kernel's */

struct held {
	struct frame f;
	struct timeval ts;
	uint32_t no;		/* as shown */
};

/* The expect waiting for a frame, for those that arrive while it does. */
struct waiting {
	const struct step *st;
	const struct alternative *alts;
	size_t nalts;
	struct near_miss *misses;
	bool took;
};

struct runner {
	struct engine *e;
	const struct runner_params *rp;
	const struct scenario *sc;
	const struct runner_ops *ops;
	void *ctx;
	struct capture *in;
	struct speaker sp;	/* the addresses the scenario speaks from */
	struct vars vars;
	struct rng rng;
	struct frame last_sent;	/* decoded, for the reply scope */
	bool have_last;
	bool have_sport;
	uint16_t last_sport;
	struct held backlog[BACKLOG];	/* received, not yet taken by an expect */
	size_t nheld;
	struct waiting *wait;	/* NULL between expects */
	struct analysis *an;	/* of every frame of the run */
	uint32_t frames;
	struct peer_run peer;	/* --peer: the peer kernel's sockets */
	bool acted;		/* a step did more than set variables (sent, took a
				 * frame, told an outcome, drove the peer): bad
				 * input no longer exits 2 */
	bool failed;		/* a point failed (--keep-going went on) */
};

static int pump(struct runner *r, const struct deadline *deadline);
static int step_fault(struct runner *r, const struct step *st, const struct diag *d);

/* A frame of the run: into -w, the analysis and the view, in one order,
 * so that the view numbers its frames as the file does. */
static uint32_t see(struct runner *r, const struct step *st, const struct frame *f,
		    const struct timeval *ts, enum run_from from)
{
	struct frame_analysis fa;
	engine_record(r->e, f, ts);
	analysis_frame(r->an, f, ++r->frames, ts, &fa);
	struct speaker_tuple t;
	if (fa.is_tcp && speaker_tuple_of(f, &t))
		peerrun_seen(&r->peer, &t.src, t.sport, &t.dst, t.dport,
			     from == RUN_PEER ? fa.tcp.src_state : fa.tcp.dst_state);
	if (r->ops->frame)
		r->ops->frame(r->ctx, st, f, ts, from, &fa);
	return r->frames;
}

/* --- outcomes --------------------------------------------------------- */

/* NAME's bindings, gone: `how` the step left them unmade, `failed` when a
 * failure is the cause.  What -D gave stays. */
static void unmake(struct runner *r, const struct step *st, const char *how, bool failed)
{
	char title[128], why[192];
	scenario_step_title(st, title, sizeof title);
	snprintf(why, sizeof why, "%s (line %u) %s", title, st->pos.line, how);
	vars_unmake(&r->vars, st->name, why, failed, r->rp->given);
}

static bool is_point(const struct step *st)
{
	return st->kind == STEP_EXPECT || st->kind == STEP_CHECK || st->kind == STEP_PEER_STATE;
}

void runner_point_title(const struct step *st, struct strbuf *out)
{
	char title[256];
	scenario_step_title(st, title, sizeof title);
	sb_puts(out, title);
}

/* A test point's outcome: titled, and counted when it failed. */
static void point(struct runner *r, struct lab_point *p)
{
	struct strbuf title;
	sb_init(&title);
	runner_point_title(p->st, &title);
	p->title = title.s;
	p->file = p->st->file;
	p->points = p->st->points;
	if (p->outcome == POINT_FAIL)
		r->failed = true;
	if (r->ops->point)
		r->ops->point(r->ctx, p);
	sb_free(&title);
}

/* A step that needs what another step never made: not done, and what it
 * would have made is unmade in turn, for the same cause. */
static void skip(struct runner *r, const struct step *st, const struct diag *d)
{
	if (is_point(st))
		point(r, &(struct lab_point){ .st = st, .outcome = POINT_SKIP, .why = d->msg });
	else if (r->ops->skipped)
		r->ops->skipped(r->ctx, st, d->msg);
	if (st->name)
		unmake(r, st, "was skipped", d->by_failure);
}

/* A step its values broke at run time.  One that needs a binding left
 * unmade is skipped - a test point only when a failure left it so (that
 * failure is counted once), else the point fails with what was missing.
 * Other faults are bad input (exit 2) while no step acted, else this
 * step's failure (execute() counts it); a check's point line tells it. */
static int step_fault(struct runner *r, const struct step *st, const struct diag *d)
{
	char got[sizeof d->msg + 8];
	if (d->unmade && (d->by_failure || !is_point(st))) {
		skip(r, st, d);
		return ENGINE_OK;
	}
	if (!d->unmade && !r->acted)
		return engine_bad_input(r->e, d);
	if (st->kind != STEP_CHECK && r->e->ops && r->e->ops->fault)
		r->e->ops->fault(r->e->ctx, ENGINE_FAULT_INPUT, d);
	snprintf(got, sizeof got, d->unmade ? "%s" : "error: %s", d->unmade ? d->why : d->msg);
	if (is_point(st))
		point(r, &(struct lab_point){ .st = st, .outcome = POINT_FAIL, .got = got,
					      .expected = d->unmade ? "every value it names" :
					      "valid values" });
	return ENGINE_NOMATCH;
}

/* --- sending ---------------------------------------------------------- */

static int inject(struct runner *r, struct frame *built, const struct step *st,
		  enum run_from from)
{
	struct timeval ts;
	gettimeofday(&ts, NULL);
	int rc = engine_inject(r->e, built->bytes, built->len, ENGINE_NO_TAG);
	if (rc != ENGINE_OK)
		return rc;
	struct frame shown;
	r->acted = true;
	decode_built(built, &shown);
	see(r, st, &shown, &ts, from);
	if (st) {
		frame_free(&r->last_sent);
		r->last_sent = shown;
		r->have_last = true;
		if (st->name) {	/* what an earlier pass bound goes first */
			unmake(r, st, "sent a frame without it", false);
			scenario_bind(&r->vars, st->name, &shown);
		}
	} else {
		frame_free(&shown);
	}
	return ENGINE_OK;
}

/* The ARP exchange of a next-hop lookup: the reply also reaches r->in,
 * which shows it, so only what we sent is shown here. */
static void log_exchange(void *ctx, const struct frame *f, bool sent, const struct timeval *ts)
{
	struct runner *r = ctx;
	if (!sent)
		return;
	r->acted = true;
	outbox_put(&r->e->sent, f->bytes, f->len, ENGINE_NO_TAG);
	struct frame shown;
	decode_built(f, &shown);
	see(r, NULL, &shown, ts, RUN_LOOKUP);
	frame_free(&shown);
}

/* A TCP send without sport keeps the conversation's port. */
static void keep_port(struct runner *r, struct frame *f)
{
	for (size_t i = 0; i < f->nlayers; i++) {
		struct layer *l = &f->layer[i];
		if (l->def->id != L_TCP)
			continue;
		if (!(l->given & (1u << TCP_SPORT)) && r->have_sport)
			layer_give(l, TCP_SPORT, r->last_sport);
		return;
	}
}

static void note_port(struct runner *r, const struct frame *f)
{
	for (size_t i = 0; i < f->nlayers; i++)
		if (f->layer[i].def->id == L_TCP) {
			r->last_sport = (uint16_t)lv(&f->layer[i], TCP_SPORT);
			r->have_sport = true;
			return;
		}
}

/* Each TCP frame the scenario sends: the peer's helper follows its
 * connection, and the speaker notes and guards it. */
static int guard_tcp(struct runner *r, const struct frame *f)
{
	struct speaker_tuple t;
	if (speaker_tuple_of(f, &t))
		peerrun_sent(&r->peer, &t.src, t.sport, &t.dst, t.dport);
	return speaker_sends(&r->sp, r->e, f);
}

static int step_send(struct runner *r, const struct step *st)
{
	struct frame f;
	struct diag d;
	if (scenario_frame(st, &r->vars, NULL, NULL, &f, &d))
		return step_fault(r, st, &d);
	keep_port(r, &f);
	struct resolve_env env = engine_env(r->e, st->file, &r->sp.ifc, &r->rng, 0);
	int rc = ENGINE_OK;
	r->e->nb.failed = 0;	/* an earlier send's silent next hop is not this one's */
	r->e->nb.tags = &f;	/* its next hop's lookup carries its VLAN tags */
	bool built = frame_resolve(&f, &env, &d) == 0 && build_frame(r->e->b, &f, &d) == 0;
	r->e->nb.tags = NULL;
	if (!built)
		rc = r->e->nb.failed || !r->acted ? engine_resolve_failed(r->e, &d) :
		     step_fault(r, st, &d);
	else if ((rc = guard_tcp(r, &f)) != ENGINE_OK)
		;
	/* What arrived so far goes first in -w. */
	else if ((rc = pump(r, &(struct deadline){ { 0, 0 } })) == ENGINE_OK) {
		note_port(r, &f);
		rc = inject(r, &f, st, RUN_STEP);
	}
	frame_free(&f);
	return rc;
}

/* --- receiving -------------------------------------------------------- */

static void answer_for_ghost(struct runner *r, const struct frame *f)
{
	struct frame reply;
	if (speaker_answer(&r->sp, r->e, f, &r->rng, &reply))
		inject(r, &reply, NULL, RUN_GHOST);
	frame_free(&reply);
}

static void set_label(struct runner *r, const struct step *st, const char *label)
{
	char key[96];
	snprintf(key, sizeof key, "%s.label", st->name);
	vars_set(&r->vars, key, label);
}

/* Whether `f` answers the last send (or the step takes any) and matches an
 * alternative: then bound, and its label set. */
static bool try_take(struct runner *r, const struct step *st, const struct frame *f,
		     const struct alternative *alts, size_t nalts, struct near_miss *misses)
{
	char why[256];
	/* The scenario's own expect says which ack it wants: a challenge ACK
	 * answers a SYN with another. */
	if (!st->any && r->have_last && !flow_answers(&r->last_sent, f, false))
		return false;
	for (size_t a = 0; a < nalts; a++) {
		unsigned diffs = expect_diffs(&alts[a].expect, f, why, sizeof why);
		if (diffs) {
			near_miss_note(misses, diffs, f, why);
			continue;
		}
		unmake(r, st, "took a frame without it", false);
		scenario_bind(&r->vars, st->name, f);
		set_label(r, st, alts[a].label);
		return true;
	}
	return false;
}

/* A frame the host's kernel sent: shown; the first RST of one of the
 * scenario's connections is reported. */
static void host_frame(struct runner *r, const struct frame *f, const struct timeval *ts)
{
	see(r, NULL, f, ts, RUN_KERNEL);
	if (!speaker_kernel_rst(&r->sp, f))
		return;
	struct strbuf s;
	sb_init(&s);
	describe_summary(f, &s);
	if (r->ops->kernel_rst)
		r->ops->kernel_rst(r->ctx, s.s);
	sb_free(&s);
}

/* A captured frame: our own on its way out (shown when sent), the host's
 * kernel's, or a received one - taken by the waiting expect, or kept for
 * the expects to come (oldest first out).  True once the expect took it. */
static bool on_frame(void *ctx, const uint8_t *bytes, size_t caplen, size_t wire,
		     const struct timeval *ts)
{
	struct runner *r = ctx;
	uint64_t tag;
	enum frame_origin from = outbox_origin(&r->e->sent, bytes, caplen, &tag);
	if (from == FROM_US)
		return false;
	struct frame f;
	decode_frame(bytes, caplen, wire, LINK_ETHERNET, &f);
	if (from == FROM_HOST) {
		host_frame(r, &f, ts);
		frame_free(&f);
		return false;
	}
	/* A fragment is shown as it came; its datagram, once whole, is what
	 * the expects take (numbered as its last fragment). */
	struct frame whole, *m = &f;
	enum reasm_step st = reasm_take(&r->e->reasm, &f, ts, LINK_ETHERNET, &whole);
	if (st == REASM_HELD) {
		see(r, NULL, &f, ts, RUN_PEER);
		frame_free(&f);
		return false;
	}
	if (st == REASM_WHOLE)
		m = &whole;
	struct waiting *w = r->wait;
	if (w && try_take(r, w->st, m, w->alts, w->nalts, w->misses)) {
		w->took = true;
		see(r, w->st, &f, ts, RUN_PEER);
	} else {
		if (r->nheld == BACKLOG) {
			frame_free(&r->backlog[0].f);
			memmove(&r->backlog[0], &r->backlog[1], (BACKLOG - 1) * sizeof r->backlog[0]);
			r->nheld--;
		}
		uint32_t no = see(r, NULL, &f, ts, RUN_PEER);
		r->backlog[r->nheld++] = (struct held){ *m, *ts, no };
	}
	answer_for_ghost(r, m);	/* the datagram, as probes do */
	if (w && w->took)
		frame_free(m);
	if (m != &f)
		frame_free(&f);
	return w && w->took;
}

/* Reads what arrived until `deadline`, or until the waiting expect took a
 * frame. */
static int pump(struct runner *r, const struct deadline *deadline)
{
	char err[256];
	struct pump in = engine_pump(r->e, r->in, on_frame, r);
	if (pump_run(&in, deadline, err, sizeof err) == PUMP_FAULT)
		return engine_capture_fault(r->e, err);
	return ENGINE_OK;
}

static void take(struct runner *r, size_t i)
{
	frame_free(&r->backlog[i].f);
	memmove(&r->backlog[i], &r->backlog[i + 1], (r->nheld - i - 1) * sizeof r->backlog[0]);
	r->nheld--;
}

static int step_expect(struct runner *r, const struct step *st)
{
	struct alternative *alts;
	size_t nalts;
	char otherwise[32];
	struct diag d;
	if (scenario_alternatives(st, &r->vars, &alts, &nalts, otherwise, sizeof otherwise, &d))
		return step_fault(r, st, &d);
	struct near_miss misses[NEAR_MISSES + 1];
	memset(misses, 0, sizeof misses);
	int rc = ENGINE_OK;
	char key[96];
	const char *label;
	snprintf(key, sizeof key, "%s.label", st->name);
	for (size_t i = 0; i < r->nheld; i++)
		if (try_take(r, st, &r->backlog[i].f, alts, nalts, misses)) {
			if (r->ops->took)
				r->ops->took(r->ctx, st, r->backlog[i].no);
			take(r, i);
			goto took;
		}
	struct waiting w = { st, alts, nalts, misses, false };
	struct deadline deadline;
	deadline_in(&deadline, st->usec);
	r->wait = &w;
	rc = pump(r, &deadline);
	r->wait = NULL;
	if (rc != ENGINE_OK)
		goto done;
	if (w.took)
		goto took;
	rc = ENGINE_NOMATCH;
	if (engine_stopped(r->e)) {
		rc = ENGINE_STOPPED + engine_stopped(r->e);
		goto done;
	}
	if (otherwise[0]) {
		char how[64];
		snprintf(how, sizeof how, "timed out (else %s)", otherwise);
		unmake(r, st, how, false);
		set_label(r, st, otherwise);
		rc = ENGINE_OK;
		goto took;
	}
	if (r->ops->missed) {
		const char *remedy = r->sp.kernel_rst_seen ?
			"the host kernel reset the connection: rerun with --block-rst (drops its "
			"RSTs while the scenario runs) or --ghost IP (speak from an address no "
			"host owns)" : NULL;
		r->ops->missed(r->ctx, st, alts, nalts, misses, remedy);
	}
	struct strbuf want;
	sb_init(&want);
	alternatives_text(alts, nalts, &want);
	point(r, &(struct lab_point){ .st = st, .outcome = POINT_FAIL, .expected = want.s,
				      .got = misses[0].diffs ? misses[0].summary : "nothing" });
	sb_free(&want);
	goto done;
took:
	label = vars_get(&r->vars, key, strlen(key));
	point(r, &(struct lab_point){ .st = st, .outcome = POINT_PASS,
				      .label = label && label[0] ? label : NULL });
done:
	scenario_alternatives_free(alts, nalts);
	return rc;
}

/* --- the run ------------------------------------------------------------ */

static int step_check(struct runner *r, const struct step *st)
{
	struct check_result res;
	struct diag d;
	if (check_eval(st, &r->vars, &res, &d))
		return step_fault(r, st, &d);
	point(r, &(struct lab_point){ .st = st, .outcome = res.held ? POINT_PASS : POINT_FAIL,
				      .expected = res.expected, .got = res.got,
				      .message = res.message[0] ? res.message : NULL });
	return res.held ? ENGINE_OK : ENGINE_NOMATCH;
}

/* print and set: the rest of the line substituted, then shown or kept. */
static int step_text(struct runner *r, const struct step *st)
{
	struct strbuf text;
	struct diag d;
	sb_init(&text);
	int rc = ENGINE_OK;
	if (scenario_expand(&st->arg, r->sc->file, &r->vars, &text, &d))
		rc = step_fault(r, st, &d);
	else if (st->kind == STEP_PRINT && r->ops->print)
		r->ops->print(r->ctx, st, text.s);
	else if (st->kind == STEP_SET &&
		 (!r->rp->given || !vars_get(r->rp->given, st->name, strlen(st->name))))
		vars_set(&r->vars, st->name, text.s);	/* -D wins */
	sb_free(&text);
	return rc;
}

static int pump_for(void *runner, long usec)
{
	struct deadline until;
	deadline_in(&until, usec);
	return pump(runner, &until);
}

static int fault_for(void *runner, const struct step *st, const struct diag *d)
{
	return step_fault(runner, st, d);
}

static int step_peer(struct runner *r, const struct step *st)
{
	struct peer_host h = { .e = r->e, .vars = &r->vars, .ops = r->ops, .ctx = r->ctx,
			       .pump = pump_for, .fault = fault_for, .runner = r };
	int rc = peerrun_step(&r->peer, &h, st);
	if (rc == ENGINE_NOMATCH && st->kind == STEP_PEER && st->peer == PEER_READ) {
		char why[64];
		snprintf(why, sizeof why, "peer read (line %u) failed", st->pos.line);
		vars_unmake(&r->vars, PEER_READ_VAR, why, true, r->rp->given);
	}
	return rc;
}

struct loop {
	size_t at;		/* the for step */
	char **values;
	size_t n, next;
};

static void loop_free(struct loop *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->values[i]);
	free(l->values);
}

static int execute(struct runner *r)
{
	struct loop loops[16];
	size_t depth = 0;
	int rc = ENGINE_OK;
	for (size_t pc = 0; pc < r->sc->nsteps && rc == ENGINE_OK && !engine_stopped(r->e); pc++) {
		const struct step *st = &r->sc->steps[pc];
		struct diag d;
		struct deadline until;
		switch (st->kind) {
		case STEP_SEND:
			rc = step_send(r, st);
			break;
		case STEP_EXPECT:
			rc = step_expect(r, st);
			break;
		case STEP_SET:
		case STEP_PRINT:
			rc = step_text(r, st);
			break;
		case STEP_CHECK:
			rc = step_check(r, st);
			break;
		case STEP_PEER:
		case STEP_PEER_STATE:
			rc = step_peer(r, st);
			break;
		case STEP_SLEEP:
			deadline_in(&until, st->usec);
			rc = pump(r, &until);
			break;
		case STEP_FOR: {
			struct loop *l = &loops[depth++];
			l->at = pc;
			l->next = 0;
			if (scenario_for_values(st, &r->vars, &l->values, &l->n, &d)) {
				d.file = r->sc->file;
				rc = step_fault(r, st, &d);
				depth--;
				pc = st->jump;	/* skipped or failed: the whole loop */
				break;
			}
			if (l->n == 0) {
				free(l->values);
				depth--;
				pc = st->jump;
				break;
			}
			vars_set(&r->vars, st->name, l->values[l->next++]);
			break;
		}
		case STEP_END: {
			struct loop *l = &loops[depth - 1];
			if (l->next < l->n) {
				vars_set(&r->vars, r->sc->steps[l->at].name, l->values[l->next++]);
				pc = l->at;
				break;
			}
			loop_free(l);
			depth--;
			break;
		}
		}
		/* A failed step (an expect, a check, a send whose next hop never
		 * answered) ends the run, unless --keep-going. */
		if (rc == ENGINE_NOMATCH) {
			r->failed = true;
			if (st->name)
				unmake(r, st, "failed", true);
			if (r->rp->keep_going)
				rc = ENGINE_OK;
		}
		if (st->kind != STEP_SET && st->kind != STEP_FOR && st->kind != STEP_END)
			r->acted = true;
	}
	while (depth--)
		loop_free(&loops[depth]);
	if (engine_stopped(r->e) && rc == ENGINE_OK)
		rc = ENGINE_STOPPED + engine_stopped(r->e);
	if (r->failed && rc == ENGINE_OK)
		rc = ENGINE_NOMATCH;
	return rc;
}

/* Every capture and the nftables table, while the privileges last. */
static int open_all(struct runner *r)
{
	struct engine *e = r->e;
	char err[512];
	/* A dead run's table goes, and the ghost is checked, before the
	 * capture opens: none of their frames in the view. */
	rstguard_sweep();
	int rc = speaker_open(&r->sp, e);
	if (rc != ENGINE_OK)
		return rc;
	/* From the host's own addresses, both ways on one capture: the host's
	 * kernel's frames (its RSTs) are seen in the order they passed.  A
	 * ghost's connections are no kernel's to reset. */
	rc = r->sp.ghost ? engine_capture(e, &r->in, "", r->sp.ifc.mac != e->ifc.mac ?
				       CAPTURE_PROMISC : 0, 0) :
	     engine_capture(e, &r->in, "", CAPTURE_BOTH, 0);
	if (rc != ENGINE_OK)
		return rc;
	/* setns takes root: the helper is forked before it goes. */
	if (r->rp->peer_netns &&
	    (rc = peerrun_open(&r->peer, e, r->rp->peer_netns, r->rp->user)) != ENGINE_OK)
		return rc;
	/* The lookups speak from the scenario's addresses; what they send is
	 * ours, not the kernel's. */
	e->nb.ifc = &r->sp.ifc;
	e->nb.timeout_us = 1000000;
	e->nb.log = log_exchange;
	e->nb.ctx = r;
	enum capture_error why;
	if (neighbors_open(&e->nb, &why, err, sizeof err))
		return engine_capture_failed(e, why, err);
	return ENGINE_OK;
}

/* Peer steps with no --peer, a --peer that names no namespace: bad input,
 * found before anything is opened. */
static int peer_input(struct runner *r)
{
	struct diag d;
	char err[320];
	if (!r->rp->peer_netns && peerstep_need_peer(r->sc, &d))
		return engine_bad_input(r->e, &d);
	if (r->rp->peer_netns && peer_name_check(r->rp->peer_netns, err, sizeof err)) {
		diag_set(&d, NULL, 0, 0, "%s", err);
		return engine_bad_input(r->e, &d);
	}
	return ENGINE_OK;
}

static void close_all(struct runner *r)
{
	peerrun_close(&r->peer);
	speaker_close(&r->sp);
	frame_free(&r->last_sent);
	for (size_t i = 0; i < r->nheld; i++)
		frame_free(&r->backlog[i].f);
	vars_free(&r->vars);
}

int runner_run(struct engine *e, const struct runner_params *rp, const struct runner_ops *ops,
	       void *ctx)
{
	struct runner *r = xcalloc(1, sizeof *r);
	*r = (struct runner){ .e = e, .rp = rp, .sc = rp->sc, .ops = ops, .ctx = ctx,
			      .rng = *rp->rng };
	speaker_init(&r->sp, &e->ifc, rp->ghost, rp->block_rst ? GUARD_RUN : GUARD_NONE);
	struct neighbors own = e->nb;	/* the lookups' settings, back after the run */
	vars_init(&r->vars);
	for (size_t i = 0; rp->given && i < rp->given->n; i++)
		vars_set(&r->vars, rp->given->v[i].name, rp->given->v[i].value);
	engine_iface_vars(&r->sp.ifc, &r->vars);
	r->an = analysis_new();
	/* What goes out is ours, or the host's kernel's: told by the MAC. */
	engine_own_frames(e, RECENT, r->sp.ghost ? 0 : e->ifc.mac);
	int rc = peer_input(r);
	if (rc == ENGINE_OK)
		rc = open_all(r);
	/* Root goes once everything is open, before any reply is read. */
	if (rc == ENGINE_OK)
		rc = engine_ready(e);
	if (rc == ENGINE_OK)
		rc = execute(r);
	close_all(r);
	e->nb.ifc = own.ifc;
	e->nb.timeout_us = own.timeout_us;
	e->nb.log = own.log;
	e->nb.ctx = own.ctx;
	analysis_free(r->an);
	free(r);
	return rc;
}
