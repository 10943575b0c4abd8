/* run.c - `rawcraft run`: a scripted exchange, step by step, with the
 * conversation view (relative numbers, the TCP state of both ends). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../craft/builder/build.h"
#include "../craft/util/clock.h"
#include "../craft/decode/decode.h"
#include "../craft/decode/describe.h"
#include "../craft/core/field.h"
#include "../craft/engine/neighbor.h"
#include "../craft/proto/proto.h"
#include "../craft/builder/resolve.h"
#include "../craft/wire/rstguard.h"
#include "../craft/lang/scenario.h"
#include "../craft/decode/tcpstate.h"
#include "../craft/lang/template.h"
#include "cli.h"
#include "privs.h"
#include "stop.h"

#define BACKLOG 128
#define RECENT 32

struct held {
	struct frame f;
	struct timeval ts;
};

struct runner {
	struct options *opt;
	const struct scenario *sc;
	struct printer pr;
	struct builder *b;
	struct capture *in, *kernel_rst;
	struct iface ifc;	/* the real interface */
	struct iface speaker;	/* the addresses the scenario speaks from */
	bool ghost;
	struct rstguard guard;
	struct vars vars;
	struct rng rng;
	struct frame last_sent;	/* decoded, for the reply scope */
	bool have_last;
	bool have_sport;
	uint16_t last_sport;
	struct held backlog[BACKLOG];	/* received, not yet taken by an expect */
	size_t nheld;
	size_t evicted;			/* dropped from the front when full */
	uint8_t *recent[RECENT];	/* what we injected, to tell our RSTs apart */
	size_t recent_len[RECENT];
	unsigned recent_next;
	char kernel_rst_seen[256];
	struct tuple { uint32_t src, dst; uint16_t sport, dport; } *tuples;
	size_t ntuples;		/* the TCP 4-tuples the scenario sent from */
	struct neighbors nb;
	struct tcp_ends ends;
	struct conv conv;
	struct strbuf warnings;
};

static int pump(struct runner *r, const struct deadline *deadline, bool one);

/* --- output ---------------------------------------------------------- */

/* One frame of the conversation: direction, step, relative numbers, states. */
static void show_frame(struct runner *r, const struct step *st, const struct frame *f,
		       const struct timeval *ts, bool sent)
{
	const struct layer *tcp = NULL;
	for (size_t i = 0; i < frame_own_layers(f); i++)
		if (f->layer[i].def->id == L_TCP)
			tcp = &f->layer[i];
	if (tcp)
		tcp_ends_segment(&r->ends, sent, (uint8_t)lv(tcp, TCP_FLAGS),
				 (uint32_t)lv(tcp, TCP_SEQ), (uint32_t)lv(tcp, TCP_ACK),
				 tcp_segment_len(f, (size_t)(tcp - f->layer)));
	struct strbuf line, json;
	sb_init(&line);
	sb_init(&json);
	sb_printf(&line, "%4u %s %-8s ", st ? st->pos.line : 0, sent ? ">" : "<",
		  st && st->name ? st->name : "");
	describe_conversation(f, &r->conv, &line);
	char states[96] = "";
	if (tcp)
		snprintf(states, sizeof states, "  [us %s, peer %s]",
			 tcp_state_name(r->ends.us.state), tcp_state_name(r->ends.peer.state));
	sb_printf(&json, "\"direction\":\"%s\",\"line\":%u", sent ? "sent" : "received",
		  st ? st->pos.line : 0);
	if (st && st->name) {
		sb_puts(&json, ",\"step\":");
		sb_json_str(&json, st->name, strlen(st->name));
	}
	if (tcp)
		sb_printf(&json, ",\"state_us\":\"%s\",\"state_peer\":\"%s\"",
			  tcp_state_name(r->ends.us.state), tcp_state_name(r->ends.peer.state));
	struct frame_note note = { .summary = line.s, .suffix = states, .json = json.s,
				   .recorded = !sent };
	printer_frame(&r->pr, f, ts, &note);
	sb_free(&line);
	sb_free(&json);
}

/* --- sending ---------------------------------------------------------- */

static void remember_sent(struct runner *r, const struct frame *f)
{
	unsigned i = r->recent_next++ % RECENT;
	free(r->recent[i]);
	r->recent[i] = malloc(f->len);
	if (!r->recent[i])
		abort();
	memcpy(r->recent[i], f->bytes, f->len);
	r->recent_len[i] = f->len;
}

static bool ours(const struct runner *r, const uint8_t *bytes, size_t len)
{
	for (unsigned i = 0; i < RECENT; i++)
		if (r->recent[i] && r->recent_len[i] == len && memcmp(r->recent[i], bytes, len) == 0)
			return true;
	return false;
}

static int inject(struct runner *r, struct frame *built, const struct step *st, bool show)
{
	char err[256];
	struct timeval ts;
	gettimeofday(&ts, NULL);
	if (builder_inject(r->b, built->bytes, built->len, err, sizeof err)) {
		fail("injecting on %s: %s", r->ifc.name, err);
		return -1;
	}
	remember_sent(r, built);
	struct frame shown;
	decode_frame(built->bytes, built->len, built->len, LINK_ETHERNET, &shown);
	if (show)
		show_frame(r, st, &shown, &ts, true);
	else
		printer_record(&r->pr, &shown, &ts);
	if (st) {
		frame_free(&r->last_sent);
		r->last_sent = shown;
		r->have_last = true;
		if (st->name)
			scenario_bind(&r->vars, st->name, &shown);
	} else {
		frame_free(&shown);
	}
	return 0;
}

/* The ARP exchange of a next-hop lookup: the reply also reaches r->in,
 * which records it, so only what we sent is recorded here. */
static void log_exchange(void *ctx, const struct frame *f, bool sent, const struct timeval *ts)
{
	struct runner *r = ctx;
	if (!sent)
		return;
	remember_sent(r, f);
	printer_record(&r->pr, f, ts);
}

/* A TCP send without sport keeps the conversation's port. */
static void keep_port(struct runner *r, struct frame *f)
{
	for (size_t i = 0; i < f->nlayers; i++) {
		struct layer *l = &f->layer[i];
		if (l->def->id != L_TCP)
			continue;
		if (!(l->given & (1u << TCP_SPORT)) && r->have_sport) {
			l->given |= 1u << TCP_SPORT;
			l->val[TCP_SPORT].u = r->last_sport;
		}
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

/* The frame's TCP 4-tuple, if it has one. */
static bool tuple_of(const struct frame *f, struct tuple *t)
{
	const struct layer *ip = frame_find(f, frame_own_layers(f), L_IPV4);
	const struct layer *tcp = frame_find(f, frame_own_layers(f), L_TCP);
	if (!ip || !tcp)
		return false;
	*t = (struct tuple){ (uint32_t)lv(ip, IPV4_SRC), (uint32_t)lv(ip, IPV4_DST),
			     (uint16_t)lv(tcp, TCP_SPORT), (uint16_t)lv(tcp, TCP_DPORT) };
	return true;
}

static bool known_tuple(const struct runner *r, const struct tuple *t)
{
	for (size_t i = 0; i < r->ntuples; i++)
		if (memcmp(&r->tuples[i], t, sizeof *t) == 0)
			return true;
	return false;
}

/* Each new 4-tuple the scenario speaks from: noted, and guarded. */
static int guard_tcp(struct runner *r, const struct frame *f)
{
	char err[256];
	struct tuple t;
	memset(&t, 0, sizeof t);
	if (!tuple_of(f, &t) || known_tuple(r, &t))
		return 0;
	struct tuple *grown = realloc(r->tuples, (r->ntuples + 1) * sizeof *grown);
	if (!grown)
		abort();
	r->tuples = grown;
	r->tuples[r->ntuples++] = t;
	if (r->guard.open && rstguard_add(&r->guard, t.src, t.sport, t.dst, t.dport, err,
					  sizeof err)) {
		fail("--block-rst: nft: %s", err);
		return -1;
	}
	return 0;
}

static int step_send(struct runner *r, const struct step *st)
{
	struct frame f;
	struct diag d;
	if (scenario_frame(st, &r->vars, NULL, NULL, &f, &d)) {
		print_diag("error", &d);
		return EXIT_INPUT;
	}
	keep_port(r, &f);
	struct resolve_env env = { .file = st->file, .iface = &r->speaker, .rng = &r->rng,
				   .nexthop_mac = neighbor_callback, .ctx = &r->nb };
	int rc = EXIT_OK;
	if (frame_resolve(&f, &env, &d) || build_frame(r->b, &f, &d)) {
		rc = resolve_failed(&r->nb, &d);
	} else if (guard_tcp(r, &f)) {
		rc = EXIT_SYSTEM;
	} else if (pump(r, &(struct deadline){ { 0, 0 } }, false) < 0) {
		rc = EXIT_SYSTEM;	/* what arrived so far goes first in -w */
	} else {
		note_port(r, &f);
		rc = inject(r, &f, st, true) ? EXIT_SYSTEM : EXIT_OK;
	}
	frame_free(&f);
	return rc;
}

/* --- receiving -------------------------------------------------------- */

/* Answers who-has and ping for the ghost address, as its host would. */
static void answer_for_ghost(struct runner *r, const struct frame *f)
{
	const struct layer *arp = frame_find(f, f->nlayers, L_ARP);
	const struct layer *ip = frame_find(f, f->nlayers, L_IPV4);
	const struct layer *icmp = frame_find(f, f->nlayers, L_ICMP);
	char a[16], b[16], m[24], gm[24];
	struct strbuf text;
	sb_init(&text);
	format_ipv4(r->speaker.ip, a, sizeof a);
	format_mac(r->speaker.mac, gm, sizeof gm);
	if (arp && lv(arp, ARP_OP) == ARP_OP_REQUEST && lv(arp, ARP_TPA) == r->speaker.ip &&
	    lv(arp, ARP_SPA) != r->speaker.ip) {
		format_mac(lv(arp, ARP_SHA), m, sizeof m);
		format_ipv4(lv(arp, ARP_SPA), b, sizeof b);
		sb_printf(&text, "eth dst=%s src=%s\narp op=reply sha=%s spa=%s tha=%s tpa=%s\n",
			  m, gm, gm, a, m, b);
	} else if (ip && icmp && lv(ip, IPV4_DST) == r->speaker.ip &&
		   lv(icmp, ICMP_TYPE) == ICMP_ECHO_REQUEST && icmp->csum == CS_CORRECT) {
		const struct layer *data = frame_find(f, f->nlayers, L_PAYLOAD);
		format_mac(lv(&f->layer[0], ETH_SRC), m, sizeof m);
		format_ipv4(lv(ip, IPV4_SRC), b, sizeof b);
		sb_printf(&text, "eth dst=%s src=%s\nipv4 src=%s dst=%s\n"
			  "icmp type=echo-reply id=%u seq=%u\n", m, gm, a, b,
			  (unsigned)lv(icmp, ICMP_ID), (unsigned)lv(icmp, ICMP_SEQ));
		if (data && data->val[PL_HEX].len) {	/* echo the data back whole */
			sb_puts(&text, "payload hex=");
			for (size_t i = 0; i < data->val[PL_HEX].len; i++)
				sb_printf(&text, "%02x", data->val[PL_HEX].bytes[i]);
			sb_putc(&text, '\n');
		}
	} else {
		return;
	}
	struct template_ctx tc = { .file = "(ghost)" };
	struct resolve_env env = { .file = tc.file, .iface = &r->speaker, .rng = &r->rng };
	struct frame reply;
	struct diag d;
	if (template_parse(&tc, text.s, text.len, &reply, &d) == 0) {
		if (frame_resolve(&reply, &env, &d) == 0 && build_frame(r->b, &reply, &d) == 0)
			inject(r, &reply, NULL, false);
		frame_free(&reply);
	}
	sb_free(&text);
}

static void on_kernel_rst(struct runner *r, const uint8_t *bytes, size_t caplen, size_t wire,
			  const struct timeval *ts)
{
	if (ours(r, bytes, caplen))
		return;
	struct frame f;
	struct tuple t;
	memset(&t, 0, sizeof t);
	decode_frame(bytes, caplen, wire, LINK_ETHERNET, &f);
	if (!tuple_of(&f, &t) || !known_tuple(r, &t)) {
		frame_free(&f);		/* another connection of this host's */
		return;
	}
	printer_record(&r->pr, &f, ts);
	if (!r->kernel_rst_seen[0]) {
		struct strbuf s;
		sb_init(&s);
		describe_summary(&f, &s);
		snprintf(r->kernel_rst_seen, sizeof r->kernel_rst_seen, "%s", s.s);
		if (!r->opt->json)
			printf("   ! the host kernel sent %s: it owns this address but has no "
			       "socket for the connection\n", s.s);
		sb_free(&s);
	}
	frame_free(&f);
}

static void hold(struct runner *r, const uint8_t *bytes, size_t caplen, size_t wire,
		 const struct timeval *ts)
{
	struct held *h;
	if (r->nheld == BACKLOG) {	/* oldest first out */
		frame_free(&r->backlog[0].f);
		memmove(&r->backlog[0], &r->backlog[1], (BACKLOG - 1) * sizeof r->backlog[0]);
		r->nheld--;
		r->evicted++;
	}
	h = &r->backlog[r->nheld++];
	decode_frame(bytes, caplen, wire, LINK_ETHERNET, &h->f);
	h->ts = *ts;
	printer_record(&r->pr, &h->f, ts);
	if (r->ghost)
		answer_for_ghost(r, &h->f);
}

/* Reads what arrived until `deadline` (or one frame, with `one`). */
static int pump(struct runner *r, const struct deadline *deadline, bool one)
{
	char err[256];
	while (!stop_requested()) {
		const uint8_t *bytes;
		size_t caplen, wire;
		struct timeval ts;
		int got;
		while (r->kernel_rst &&
		       (got = capture_next(r->kernel_rst, 0, &bytes, &caplen, &wire, &ts, err,
					   sizeof err)) == 1)
			on_kernel_rst(r, bytes, caplen, wire, &ts);
		long left = deadline_left(deadline);
		got = capture_next(r->in, left <= 0 ? 0 : left < 50000 ? left : 50000, &bytes,
				   &caplen, &wire, &ts, err, sizeof err);
		if (got < 0) {
			fail("capture on %s: %s", r->ifc.name, err);
			return -1;
		}
		if (got == 1)
			hold(r, bytes, caplen, wire, &ts);
		if ((one && got == 1) || (got == 0 && left <= 0))
			return 0;
	}
	return 0;
}

static void take(struct runner *r, size_t i)
{
	memmove(&r->backlog[i], &r->backlog[i + 1], (r->nheld - i - 1) * sizeof r->backlog[0]);
	r->nheld--;
}

static void explain_failure(struct runner *r, const struct step *st, const struct alternative *alts,
			    size_t nalts, const struct near_miss *misses)
{
	struct strbuf want;
	sb_init(&want);
	for (size_t i = 0; i < nalts; i++)
		sb_printf(&want, "%s%s%s%s", i ? " | " : "", alts[i].label, alts[i].label[0] ? ": " : "",
			  alts[i].expect.text[0] ? alts[i].expect.text : "any reply");
	const char *remedy = r->kernel_rst_seen[0] ?
		"the host kernel reset the connection: rerun with --block-rst (drops its RSTs "
		"while the scenario runs) or --ghost IP (speak from an address no host owns)" : NULL;
	if (r->opt->json) {
		struct strbuf s;
		sb_init(&s);
		sb_printf(&s, "{\"failed\":{\"line\":%u,\"step\":", st->pos.line);
		sb_json_str(&s, st->name, strlen(st->name));
		sb_puts(&s, ",\"expect\":");
		sb_json_str(&s, want.s, want.len);
		sb_printf(&s, ",\"within_us\":%ld,", st->usec);
		print_near_misses(misses, true, &s);
		if (remedy) {
			sb_puts(&s, ",\"remedy\":");
			sb_json_str(&s, remedy, strlen(remedy));
		}
		sb_puts(&s, "}}\n");
		fputs(s.s, stdout);
		sb_free(&s);
	} else {
		printf("%s:%u:%u: expect %s: nothing matched '%s' within %gs\n", st->file ? st->file :
		       r->sc->file, st->pos.line, st->pos.col, st->name, want.s, (double)st->usec / 1e6);
		struct strbuf s;
		sb_init(&s);
		print_near_misses(misses, false, &s);
		fputs(s.s, stdout);
		sb_free(&s);
		if (remedy)
			printf("  %s\n", remedy);
	}
	sb_free(&want);
}

static int step_expect(struct runner *r, const struct step *st)
{
	struct alternative *alts;
	size_t nalts;
	char otherwise[32];
	struct diag d;
	if (scenario_alternatives(st, &r->vars, &alts, &nalts, otherwise, sizeof otherwise, &d)) {
		print_diag("error", &d);
		return EXIT_INPUT;
	}
	struct expectation direct, quoted;
	expect_init(&direct);
	expect_init(&quoted);
	if (!st->any && r->have_last) {
		scope_of(&r->last_sent, &direct, &quoted);
		expect_forget(&direct, L_TCP, TCP_ACK);
	}
	struct near_miss misses[NEAR_MISSES + 1];
	memset(misses, 0, sizeof misses);
	struct deadline deadline;
	deadline_in(&deadline, st->usec);
	int rc = EXIT_NOMATCH;
	size_t checked = 0;
	for (;;) {
		for (; checked < r->nheld; checked++) {
			const struct frame *f = &r->backlog[checked].f;
			char why[256];
			bool scoped = expect_diffs(&direct, f, why, sizeof why) == 0 ||
				(!expect_empty(&quoted) && expect_diffs(&quoted, f, NULL, 0) == 0);
			if (!scoped)
				continue;
			for (size_t a = 0; a < nalts; a++) {
				unsigned diffs = expect_diffs(&alts[a].expect, f, why, sizeof why);
				if (diffs) {
					near_miss_note(misses, diffs, f, why);
					continue;
				}
				scenario_bind(&r->vars, st->name, f);
				char key[96];
				snprintf(key, sizeof key, "%s.label", st->name);
				vars_set(&r->vars, key, alts[a].label);
				show_frame(r, st, f, &r->backlog[checked].ts, false);
				frame_free(&r->backlog[checked].f);
				take(r, checked);
				rc = EXIT_OK;
				goto done;
			}
		}
		if (stop_requested() || deadline_left(&deadline) <= 0)
			break;
		size_t evicted = r->evicted;
		if (pump(r, &deadline, true) < 0) {
			rc = EXIT_SYSTEM;
			goto done;
		}
		/* The oldest frames made room: what we checked moved forward. */
		evicted = r->evicted - evicted;
		checked = checked > evicted ? checked - evicted : 0;
	}
	if (stop_requested()) {
		rc = 128 + stop_requested();
	} else if (otherwise[0]) {
		char key[96];
		snprintf(key, sizeof key, "%s.label", st->name);
		vars_set(&r->vars, key, otherwise);
		rc = EXIT_OK;
	} else {
		explain_failure(r, st, alts, nalts, misses);
	}
done:
	scenario_alternatives_free(alts, nalts);
	expect_free(&direct);
	expect_free(&quoted);
	return rc;
}

/* --- the run ------------------------------------------------------------ */

static int step_print(struct runner *r, const struct step *st)
{
	struct strbuf text;
	struct diag d;
	sb_init(&text);
	if (scenario_expand(&st->arg, r->sc->file, &r->vars, &text, &d)) {
		print_diag("error", &d);
		sb_free(&text);
		return EXIT_INPUT;
	}
	if (r->opt->json) {
		struct strbuf s;
		sb_init(&s);
		sb_printf(&s, "{\"print\":");
		sb_json_str(&s, text.s, text.len);
		sb_printf(&s, ",\"line\":%u}\n", st->pos.line);
		fputs(s.s, stdout);
		sb_free(&s);
	} else {
		printf("%s\n", text.s);
	}
	fflush(stdout);
	sb_free(&text);
	return EXIT_OK;
}

struct loop {
	size_t at;		/* the for step */
	char **values;
	size_t n, next;
};

static int execute(struct runner *r)
{
	struct loop loops[16];
	size_t depth = 0;
	int rc = EXIT_OK;
	struct strbuf text;
	sb_init(&text);
	for (size_t pc = 0; pc < r->sc->nsteps && rc == EXIT_OK && !stop_requested(); pc++) {
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
			if (scenario_expand(&st->arg, r->sc->file, &r->vars, &text, &d)) {
				print_diag("error", &d);
				rc = EXIT_INPUT;
			} else if (!vars_get(&r->opt->vars, st->name, strlen(st->name))) {
				vars_set(&r->vars, st->name, text.s);	/* -D wins */
			}
			break;
		case STEP_SLEEP:
			deadline_in(&until, st->usec);
			if (pump(r, &until, false) < 0)
				rc = EXIT_SYSTEM;
			break;
		case STEP_PRINT:
			rc = step_print(r, st);
			break;
		case STEP_FOR: {
			struct loop *l = &loops[depth++];
			l->at = pc;
			l->next = 0;
			if (scenario_for_values(st, &r->vars, &l->values, &l->n, &d)) {
				d.file = r->sc->file;
				print_diag("error", &d);
				rc = EXIT_INPUT;
				depth--;
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
			for (size_t i = 0; i < l->n; i++)
				free(l->values[i]);
			free(l->values);
			depth--;
			break;
		}
		}
	}
	while (depth--) {
		for (size_t i = 0; i < loops[depth].n; i++)
			free(loops[depth].values[i]);
		free(loops[depth].values);
	}
	sb_free(&text);
	if (stop_requested() && rc == EXIT_OK)
		rc = 128 + stop_requested();
	return rc;
}

static int parse_ghost(const char *spec, const struct iface *real, struct iface *out)
{
	char ip[32];
	const char *slash = strchr(spec, '/');
	size_t n = slash ? (size_t)(slash - spec) : strlen(spec);
	uint64_t addr, mac = real->mac;
	snprintf(ip, sizeof ip, "%.*s", (int)(n < 31 ? n : 31), spec);
	if (parse_ipv4(ip, &addr) || (slash && parse_mac(slash + 1, &mac))) {
		fail("--ghost takes IP or IP/MAC (10.9.0.99/02:00:00:00:00:99), got '%s'", spec);
		return -1;
	}
	*out = *real;
	out->ip = (uint32_t)addr;
	out->mac = mac;
	out->has_ip = out->has_mac = true;
	return 0;
}

static int open_all(struct runner *r, uint32_t dst)
{
	char err[512];
	int rc = choose_iface(r->opt->iface, dst, &r->ifc);
	if (rc != EXIT_OK)
		return rc;
	const char *dev = r->ifc.name;
	r->speaker = r->ifc;
	if (r->opt->ghost && parse_ghost(r->opt->ghost, &r->ifc, &r->speaker))
		return EXIT_INPUT;
	r->ghost = r->opt->ghost != NULL;
	r->b = builder_open(dev, err, sizeof err);
	if (!r->b) {
		fail("%s (%s)", PERMISSION_HINT, err);
		return EXIT_SYSTEM;
	}
	enum capture_error why;
	unsigned flags = r->ghost && r->speaker.mac != r->ifc.mac ? CAPTURE_PROMISC : 0;
	r->in = capture_open(dev, "", flags, 0, &why, err, sizeof err);
	if (r->in && !r->ghost)
		r->kernel_rst = capture_open(dev, "tcp[tcpflags] & tcp-rst != 0", CAPTURE_OUTGOING, 0,
					     &why, err, sizeof err);
	if (!r->in || (!r->ghost && !r->kernel_rst)) {
		return capture_failed(dev, why, err);
	}
	if (r->opt->block_rst && rstguard_open(&r->guard, err, sizeof err)) {
		fail("--block-rst: nft: %s", err);
		return EXIT_SYSTEM;
	}
	return EXIT_OK;
}

static void close_all(struct runner *r)
{
	rstguard_close(&r->guard);
	capture_close(r->in);
	capture_close(r->kernel_rst);
	neighbors_close(&r->nb);
	builder_close(r->b);
	frame_free(&r->last_sent);
	for (size_t i = 0; i < r->nheld; i++)
		frame_free(&r->backlog[i].f);
	for (unsigned i = 0; i < RECENT; i++)
		free(r->recent[i]);
	vars_free(&r->vars);
	sb_free(&r->warnings);
	free(r->tuples);
}

int cmd_run(struct options *opt)
{
	if (opt->nfiles != 1) {
		fail("run takes one scenario: rawcraft run FILE.lab (or a shipped name: handshake)");
		return EXIT_INPUT;
	}
	if (opt->ghost && opt->block_rst) {
		fail("--ghost and --block-rst are two remedies for the same problem: pick one");
		return EXIT_INPUT;
	}
	char *path;
	size_t len;
	char *text = load_source(opt->files[0], "examples", ".lab", &path, &len);
	if (!text)
		return EXIT_INPUT;
	struct scenario sc;
	struct diag d;
	struct runner *r = calloc(1, sizeof *r);
	if (!r)
		abort();
	r->opt = opt;
	r->sc = &sc;
	vars_init(&r->vars);
	for (size_t i = 0; i < opt->vars.n; i++)
		vars_set(&r->vars, opt->vars.v[i].name, opt->vars.v[i].value);
	int rc = EXIT_INPUT;
	uint32_t dst = 0;
	/* Every fault in the file is found before anything is sent. */
	set_iface_vars(&r->vars, NULL);
	if (scenario_parse(&sc, path, text, len, &d) ||
	    scenario_check(&sc, &r->vars, &dst, &d)) {
		print_diag("error", &d);
		goto out;
	}
	/* Before the nftables table exists, so no signal can strand it. */
	stop_catch();
	/* nft runs as this process runs: with file capabilities, pass them on. */
	if (opt->block_rst)
		privs_share_net_admin();
	rstguard_sweep();
	if ((rc = open_all(r, dst)) != EXIT_OK)
		goto out;
	set_iface_vars(&r->vars, &r->speaker);
	r->nb = (struct neighbors){ .b = r->b, .ifc = &r->speaker, .timeout_us = 1000000,
				    .log = log_exchange, .ctx = r };
	/* Every capture is open before any reply is read; then root goes,
	 * keeping only what nft needs to remove --block-rst's table. */
	char err[512];
	enum capture_error why;
	if (neighbors_open(&r->nb, &why, err, sizeof err)) {
		rc = capture_failed(r->ifc.name, why, err);
		goto out;
	}
	printer_open(&r->pr, opt);
	if (printer_prepare(&r->pr)) {
		rc = EXIT_SYSTEM;
		goto out;
	}
	if ((rc = privs_drop(opt->user, opt->block_rst)) != EXIT_OK)
		goto out;
	if (opt->seeded)
		rng_seed(&r->rng, opt->seed);
	else
		rng_seed_random(&r->rng);
	tcp_ends_init(&r->ends);
	conv_init(&r->conv);
	rc = execute(r);
	if (printer_close(&r->pr) && rc == EXIT_OK)
		rc = EXIT_SYSTEM;
out:
	close_all(r);
	stop_release();
	scenario_free(&sc);
	free(r);
	free(path);
	free(text);
	return rc;
}
