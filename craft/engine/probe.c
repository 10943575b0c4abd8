/* probe.c - probes one by one, and the replies that answer them. */
#include "probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decode/decode.h"
#include "../decode/describe.h"
#include "../match/flow.h"
#include "../proto/proto.h"
#include "../util/rto.h"
#include "../util/xalloc.h"
#include "internal.h"
#include "speaker.h"

/* Its own copy comes back through the capture within microseconds: a
 * probe is kept this long at least, even with -t 0, so that the copy is
 * not taken for a peer's frame. */
#define COPY_WAIT_US 10000
/* The host's kernel resets a SYN/ACK at once: after the last reply, this
 * long for its RST, when one may come. */
#define RST_WAIT_US 20000
/* Unguarded, the first few connections tell whether the kernel resets
 * them; a sweep's thousands need not be searched for each frame (`run`
 * watches all). */
#define RST_WATCHED 64
/* Destinations whose next hops are looked up before the first probe, at
 * most (a stream tells apart as many targets). */
#define PREFETCH_MAX (1u << 17)

/* One frame sent, kept from its send until it is answered or -t has
 * passed.  Its time is the clock's until its outgoing copy is seen, then
 * that copy's timestamp. */
struct probe {
	struct flow_key key;
	struct flow_ack ack;
	uint32_t older;		/* the previous live probe with the same key */
	uint64_t first, entry;	/* its first and last frames' numbers in the outbox */
	uint32_t frames, copies;	/* frames put (fragments), and their copies seen */
	size_t target;		/* the probe it sends (again, in a retry) */
	struct timeval at;
	bool keyed, matched;
	bool resent;		/* by a retry: which send a reply answers is unknown */
	bool recorded;		/* in -w: its copy seen, or written as built */
};

struct prober {
	struct engine *e;
	const struct expectation *want;
	const struct probe_params *pp;
	const struct probe_ops *ops;
	void *ctx;
	struct probe_result *res;
	struct capture *cap;
	/* Probes [head, res->sent) are live, probe i at ring[i & (room - 1)]:
	 * memory follows what is outstanding, not -c. */
	struct probe *ring;
	size_t room;
	uint32_t head;
	uint32_t unrecorded;		/* no live probe before it is unrecorded */
	struct flow_table flows;	/* probe key -> the newest live probe with it */
	bool until_done;		/* the wait ends once every probe is answered */
	struct speaker sp;
	struct rng ghost_rng;		/* the ghost's answers' draws */
	struct frag_send frag;
	uint8_t *answered;		/* with retries: a bit a target, set once matched
					 * or found to have no next hop */
	struct rto rto;
	unsigned retries;		/* pp's, at most PROBE_RETRIES */
};

static struct probe *probe_at(const struct prober *r, uint32_t i)
{
	return &r->ring[i & (r->room - 1)];
}

static bool live(const struct prober *r, uint64_t i)
{
	return i >= r->head && i < r->res->sent;
}

/* Room for one more live probe: the ring doubles when they fill it. */
static void make_room(struct prober *r)
{
	if (r->res->sent - r->head < r->room)
		return;
	size_t room = r->room * 2;
	struct probe *ring = xcalloc(room, sizeof *ring);
	for (uint32_t i = r->head; i < r->res->sent; i++)
		ring[i & (room - 1)] = *probe_at(r, i);
	free(r->ring);
	r->ring = ring;
	r->room = room;
}

/* Probe `i`'s frames whose copies were not seen into -w as they were
 * built, at its send time. */
static void record_built(struct prober *r, uint32_t i)
{
	struct probe *p = probe_at(r, i);
	size_t len;
	for (uint64_t n = p->first; n <= p->entry; n++) {
		const uint8_t *bytes = outbox_unseen_bytes(&r->e->sent, n, &len);
		if (bytes)
			engine_record_built(r->e, bytes, len, &p->at);
	}
	p->recorded = true;
}

/* Before a frame stamped `ts` goes into -w: the probes sent before it
 * whose copy the capture has not shown (it may never: an unknown
 * EtherType is captured one way only), so that -w is in time order. */
static void before_record(void *ctx, const struct timeval *ts)
{
	struct prober *r = ctx;
	if (r->unrecorded < r->head)
		r->unrecorded = r->head;
	for (; live(r, r->unrecorded); r->unrecorded++) {
		struct probe *p = probe_at(r, r->unrecorded);
		/* Some of its fragments seen: the rest follow them. */
		if (p->recorded || p->copies)
			continue;
		if (timercmp(&p->at, ts, >))
			break;
		record_built(r, r->unrecorded);
	}
}

/* Probes answered, or waited for long enough by `now`, give their state
 * back, oldest first; `all` at the end.  One never recorded goes into -w
 * now: no later frame has been recorded since (before_record). */
static void retire(struct prober *r, const struct timeval *now, bool all)
{
	long keep = r->pp->timeout_us > COPY_WAIT_US ? r->pp->timeout_us : COPY_WAIT_US;
	while (live(r, r->head)) {
		struct probe *p = probe_at(r, r->head);
		if (!all && !(p->recorded && p->matched) && usec_between(&p->at, now) < keep)
			break;
		if (!p->recorded)
			record_built(r, r->head);
		uint32_t newest;
		if (p->keyed && flow_table_get(&r->flows, &p->key, &newest) && newest == r->head)
			flow_table_del(&r->flows, &p->key);
		outbox_forget_through(&r->e->sent, p->entry);
		r->head++;
	}
}

/* Both directions on one handle: our own frames on the way out (for their
 * timestamps and the -w file), the replies coming in and, when the next
 * hop's MAC is to be found, ARP replies - one capture ring, not two (each
 * costs the kernel a grace period to set up). */
static bool on_frame(void *ctx, const uint8_t *bytes, size_t caplen, size_t wire,
		     const struct timeval *ts);

/* A frame the next hop's lookup read from the shared capture and did not
 * want: ours to look at. */
static void on_stray(void *ctx, const uint8_t *bytes, size_t caplen, size_t wire,
		     const struct timeval *ts)
{
	on_frame(ctx, bytes, caplen, wire, ts);
}

static int open_capture(struct prober *r, const struct frame *first)
{
	struct engine *e = r->e;
	char bpf[640];
	bool arp = frame_may_need_next_hop(first);
	if (r->sp.ghost) {
		/* Everything that comes, who-has for the ghost included; none
		 * of what leaves: its frames are ours or no concern of it. */
		engine_own_frames(e, 0, 0);
		return engine_capture(e, &r->cap, "", r->sp.ifc.mac != e->ifc.mac ?
				      CAPTURE_PROMISC : 0, 0);
	}
	uint64_t own_mac = exchange_bpf(first, arp, bpf, sizeof bpf) ?
			   lv(&first->layer[0], ETH_SRC) : 0;
	engine_own_frames(e, 0, own_mac);
	int rc = engine_capture(e, &r->cap, bpf, own_mac ? CAPTURE_BOTH : 0, 0);
	if (rc == ENGINE_OK && arp && own_mac) {
		e->nb.arp = r->cap;
		e->nb.stray = on_stray;
		e->nb.stray_ctx = r;
	}
	return rc;
}

/* With retries: whether probe `target` is done with (a matching reply, or
 * no next hop), and marking it so. */
static bool settled(const struct prober *r, size_t target)
{
	return r->answered[target / 8] >> (target % 8) & 1;
}

static void settle(struct prober *r, size_t target)
{
	if (r->answered)
		r->answered[target / 8] |= (uint8_t)(1u << (target % 8));
}

static void report_match(struct prober *r, size_t idx, const struct frame *f,
			 const struct timeval *ts)
{
	struct probe *p = probe_at(r, (uint32_t)idx);
	struct probe_result *res = r->res;
	long rtt = usec_between(&p->at, ts);
	if (rtt < 0)
		rtt = 0;
	p->matched = true;
	if (r->answered && settled(r, p->target)) {
		res->duplicates++;	/* its target's other send was answered */
		engine_record(r->e, f, ts);
		return;
	}
	res->matched++;
	if (res->matched == 1 || rtt < res->rtt_min)
		res->rtt_min = rtt;
	if (rtt > res->rtt_max)
		res->rtt_max = rtt;
	res->rtt_sum += (double)rtt;
	res->rtt_sq += (double)rtt * (double)rtt;
	if (!p->resent)	/* Karn: an RTT from the last send may be short */
		rto_note(&r->rto, rtt);
	if (r->answered) {
		settle(r, p->target);
		res->answered++;
	}
	engine_record(r->e, f, ts);
	if (r->ops->matched)
		r->ops->matched(r->ctx, p->target, f, ts, rtt);
}

/* The probe a reply answers: found by its flow key, newest first. */
static bool answered_probe(struct prober *r, const struct frame *f, size_t *idx)
{
	struct flow_reply fr;
	flow_of_reply(f, &fr);
	for (size_t n = 0; n < fr.n; n++) {
		uint32_t i;
		if (!flow_table_get(&r->flows, &fr.key[n], &i))
			continue;
		for (; i != FLOW_NONE && live(r, i); i = probe_at(r, i)->older)
			if (!probe_at(r, i)->matched && flow_ack_ok(&probe_at(r, i)->ack, &fr)) {
				*idx = i;
				return true;
			}
	}
	return false;
}

/* A frame from elsewhere: a reply to some probe, a near miss, or noise. */
static void take_reply(struct prober *r, const struct frame *f, const struct timeval *ts)
{
	size_t i;
	char why[256];
	if (answered_probe(r, f, &i)) {
		unsigned d = expect_diffs(r->want, f, why, sizeof why);
		if (d == 0) {
			report_match(r, i, f, ts);
			return;
		}
		near_miss_note(r->res->closest, d, f, why);
	} else if (r->res->sent) {
		unsigned d = expect_diffs(r->want, f, why, sizeof why);
		char scoped_why[300];
		snprintf(scoped_why, sizeof scoped_why, "%s%snot a reply to what was sent",
			 d ? why : "", d ? "; " : "");
		near_miss_note(r->res->closest, d + 1, f, scoped_why);
	}
	engine_record(r->e, f, ts);
}

/* What the ghost owes `f` (who-has, ping), on the wire and in -w. */
static void answer_for_ghost(struct prober *r, const struct frame *f)
{
	struct frame reply, shown;
	struct timeval now;
	if (speaker_answer(&r->sp, r->e, f, &r->ghost_rng, &reply)) {
		gettimeofday(&now, NULL);
		if (engine_inject(r->e, reply.bytes, reply.len, ENGINE_NO_TAG) == ENGINE_OK) {
			decode_built(&reply, &shown);
			engine_record(r->e, &shown, &now);
			frame_free(&shown);
		}
	}
	frame_free(&reply);
}

/* The host's kernel's frame: its first RST to a probe's connection is told. */
static void host_frame(struct prober *r, const struct frame *f)
{
	if (!speaker_kernel_rst(&r->sp, f) || !r->ops->kernel_rst)
		return;
	struct strbuf s;
	sb_init(&s);
	describe_summary(f, &s);
	r->ops->kernel_rst(r->ctx, s.s);
	sb_free(&s);
}

/* One captured frame: our own copy, the host's kernel's, or one from
 * elsewhere. */
static void classify(struct prober *r, const uint8_t *bytes, size_t caplen, size_t wire,
		     const struct timeval *ts)
{
	uint64_t tag;
	enum frame_origin from = outbox_origin(&r->e->sent, bytes, caplen, &tag);
	struct frame f;
	decode_frame(bytes, caplen, wire, LINK_ETHERNET, &f);
	/* Our own probe on its way out: its timestamp is the send time (unless
	 * a later frame came first and it went into -w as built).  The host's
	 * own frames (its RST to a SYN/ACK) are no replies either. */
	retire(r, ts, false);
	if (from == FROM_US && live(r, tag) && !probe_at(r, (uint32_t)tag)->recorded) {
		struct probe *p = probe_at(r, (uint32_t)tag);
		if (p->copies++ == 0)
			p->at = *ts;
		p->recorded = p->copies == p->frames;
		engine_record(r->e, &f, ts);
	}
	if (from == FROM_HOST)
		host_frame(r, &f);
	if (from == FROM_PEER) {
		struct frame whole;
		enum reasm_step st = reasm_take(&r->e->reasm, &f, ts, LINK_ETHERNET, &whole);
		if (st != REASM_NONE)
			engine_record(r->e, &f, ts);	/* the fragment; not what it completes */
		/* The ghost answers datagrams, as the expects take them: not a
		 * fragment that reads as a request before it is whole. */
		const struct frame *m = st == REASM_WHOLE ? &whole : &f;
		if (st != REASM_HELD) {
			take_reply(r, m, ts);
			answer_for_ghost(r, m);
		}
		if (st == REASM_WHOLE)
			frame_free(&whole);
	}
	frame_free(&f);
}

/* Every probe answered: with retries, once each. */
static bool all_answered(const struct prober *r)
{
	const struct probe_result *res = r->res;
	return r->answered ? res->answered + res->unreached == r->pp->count :
	       res->matched == res->sent;
}

static bool on_frame(void *ctx, const uint8_t *bytes, size_t caplen, size_t wire,
		     const struct timeval *ts)
{
	struct prober *r = ctx;
	classify(r, bytes, caplen, wire, ts);
	return r->until_done && all_answered(r);
}

/* Reads frames until `deadline`, or until every probe is answered when
 * `until_done`. */
static int wait_replies(struct prober *r, const struct deadline *deadline, bool until_done)
{
	char err[256];
	if (until_done && all_answered(r))
		return ENGINE_OK;
	r->until_done = until_done;
	struct pump p = engine_pump(r->e, r->cap, on_frame, r);
	return pump_run(&p, deadline, err, sizeof err) == PUMP_FAULT ?
	       engine_capture_fault(r->e, err) : ENGINE_OK;
}

/* Sends probe `target` as the `idx`th frame (again, in a retry). */
static int send_probe(struct prober *r, struct frame *built, size_t idx, size_t target,
		      bool retry)
{
	struct frame shown;
	decode_built(built, &shown);
	make_room(r);
	struct probe *p = probe_at(r, (uint32_t)idx);
	*p = (struct probe){ .older = FLOW_NONE, .first = outbox_next(&r->e->sent),
			     .target = target, .resent = retry };
	p->keyed = flow_of_probe(&shown, &p->key, &p->ack);
	if (p->keyed)
		p->older = flow_table_swap(&r->flows, &p->key, (uint32_t)idx);
	if (idx == 0) {
		struct strbuf s;
		sb_init(&s);
		describe_summary(&shown, &s);
		snprintf(r->res->first_summary, sizeof r->res->first_summary, "%s", s.s);
		sb_free(&s);
	}
	/* Before the write: on a veth the reply can arrive while it returns. */
	int rc = speaker_sends(&r->sp, r->e, &shown);
	gettimeofday(&p->at, NULL);
	size_t frames = 0;
	if (rc == ENGINE_OK)
		rc = engine_inject_cut(r->e, built, &r->frag, r->pp->path, idx, target,
				       &frames);
	p->frames = (uint32_t)frames;
	p->entry = p->first + (frames ? frames - 1 : 0);
	if (rc == ENGINE_OK) {
		r->res->sent = idx + 1;
		if (r->ops->sent)
			r->ops->sent(r->ctx, target, &shown, &p->at);
	}
	frame_free(&shown);
	return rc;
}

/* The probes of a pass (a retry's: those still unanswered), paced, with
 * the replies read between them; a status, and how many were sent. */
static int send_all(struct prober *r, struct frame *tmpl, bool retry, size_t *sent)
{
	struct engine *e = r->e;
	const struct probe_params *pp = r->pp;
	struct diag d;
	struct deadline next_send;
	deadline_in(&next_send, 0);
	uint64_t ahead = frame_cycle(tmpl) < pp->count ? frame_cycle(tmpl) : pp->count;
	int rc = retry ? ENGINE_OK :
		 engine_next_hops(e, tmpl, ahead < PREFETCH_MAX ? ahead : PREFETCH_MAX);
	if (rc != ENGINE_OK)
		return rc;
	*sent = 0;
	for (size_t i = 0; i < pp->count && !engine_stopped(e); i++) {
		if (retry && settled(r, i))
			continue;
		/* Every probe draws its random fields anew (ports, seq, ids);
		 * a retry the same as its first send. */
		if (engine_build_frame(e, tmpl, pp->path, pp->run, i, &d)) {
			/* A sweep goes on past a target whose next hop is silent;
			 * one probe alone says why it was not sent. */
			if (e->nb.failed <= 0 || !frame_next_hop_varies(tmpl) || pp->count == 1)
				return engine_resolve_failed(e, &d);
			int family = frame_destination(tmpl).family;
			r->res->unreached++;
			r->res->unreached_why = neighbor_silence(family);
			r->res->unreached_key = neighbor_silence_key(family);
			settle(r, i);	/* not retried: the lookup had its own */
			continue;
		}
		if (*sent > 0 && (rc = wait_replies(r, &next_send, false)) != ENGINE_OK)
			return rc;
		if (engine_stopped(e))
			break;	/* the wait ended on a signal: send no more */
		struct timeval now;
		gettimeofday(&now, NULL);
		retire(r, &now, false);
		if ((rc = send_probe(r, tmpl, r->res->sent, i, retry)) != ENGINE_OK)
			return rc;
		++*sent;
		deadline_in(&next_send, pp->interval_us);
	}
	return ENGINE_OK;
}

/* --retries: the probes still unanswered, sent again pass by pass; -t after
 * the last, the RTTs' timeout after the others. */
static int retry_passes(struct prober *r, struct frame *tmpl)
{
	const struct probe_params *pp = r->pp;
	int rc = ENGINE_OK;
	for (unsigned p = 0; p < r->retries && rc == ENGINE_OK && !engine_stopped(r->e) &&
			     !all_answered(r); p++) {
		size_t n;
		rc = send_all(r, tmpl, true, &n);
		r->res->reprobed[r->res->passes++ - 1] = n;
		struct deadline done;
		deadline_in(&done, p + 1 < r->retries ? rto_wait(&r->rto, pp->timeout_us) :
			    pp->timeout_us);
		if (rc == ENGINE_OK)
			rc = wait_replies(r, &done, true);
	}
	return rc;
}

static int probe_all(struct prober *r, struct frame *tmpl)
{
	struct engine *e = r->e;
	const struct probe_params *pp = r->pp;
	bool waiting = !expect_empty(r->want);
	/* Everything is open before anything is read, and root is gone. */
	int rc = engine_retries_ok(e, pp->retries, waiting);
	if (rc == ENGINE_OK)
		rc = engine_build_offline(e, tmpl, pp->run, pp->path);
	if (rc == ENGINE_OK)
		rc = engine_cut_ok(e, tmpl, &r->frag, pp->path);
	if (rc == ENGINE_OK)
		rc = engine_lookup_tags(e, tmpl, pp->path);
	if (rc == ENGINE_OK)
		rc = speaker_open(&r->sp, e);
	if (rc == ENGINE_OK)
		rc = open_capture(r, tmpl);
	if (rc == ENGINE_OK)
		rc = engine_neighbors(e, tmpl);
	if (rc == ENGINE_OK)
		rc = engine_ready(e);
	if (rc != ENGINE_OK)
		return rc;
	size_t sent;
	rc = send_all(r, tmpl, false, &sent);
	struct deadline done;
	deadline_in(&done, !waiting ? 0 : r->answered ? rto_wait(&r->rto, pp->timeout_us) :
		    pp->timeout_us);
	/* Without an expectation: only our own copies, to time and record them. */
	if (rc == ENGINE_OK)
		rc = wait_replies(r, &done, waiting);
	if (rc == ENGINE_OK && r->answered)
		rc = retry_passes(r, tmpl);
	if (rc == ENGINE_OK && r->res->matched && speaker_exposed(&r->sp) &&
	    !r->sp.kernel_rst_seen) {
		deadline_in(&done, RST_WAIT_US);
		rc = wait_replies(r, &done, false);
	}
	retire(r, NULL, true);
	/* A fault once probes are out (the interface gone): the figures so far
	 * still stand. */
	r->res->finished = rc == ENGINE_OK || (rc == ENGINE_SYSTEM && r->res->sent > 0);
	if (rc != ENGINE_OK)
		return rc;
	int sig = engine_stopped(e);
	if (sig)
		return ENGINE_STOPPED + sig;
	/* As a stream: a target not sent to fails an expectation only. */
	bool all = !waiting || (all_answered(r) && !r->res->unreached);
	return all ? ENGINE_OK : ENGINE_NOMATCH;
}

int probe_run(struct engine *e, struct frame *tmpl, const struct expectation *want,
	      const struct probe_params *pp, const struct probe_ops *ops, void *ctx,
	      struct probe_result *res)
{
	memset(res, 0, sizeof *res);
	struct prober r = { .e = e, .want = want, .pp = pp, .ops = ops, .ctx = ctx, .res = res,
			    .room = 64 };
	r.ring = xcalloc(r.room, sizeof *r.ring);
	res->passes = 1;
	/* reprobed[] holds this many. */
	r.retries = pp->retries < PROBE_RETRIES ? pp->retries : PROBE_RETRIES;
	if (r.retries && !expect_empty(want))
		r.answered = xcalloc(pp->count / 8 + 1, 1);
	flow_table_init(&r.flows);
	e->before_record = before_record;
	e->before_ctx = &r;
	speaker_init(&r.sp, &e->ifc, pp->ghost, pp->block_rst ? GUARD_KEPT : GUARD_NONE);
	r.sp.watched = RST_WATCHED;
	rng_for_frame(pp->run, UINT64_MAX, &r.ghost_rng);
	frag_send_init(&r.frag, pp->fragment, pp->frag_order, pp->run);
	const struct iface *own = e->nb.ifc;
	e->nb.ifc = &r.sp.ifc;	/* frames and lookups speak from the ghost's */
	int rc = probe_all(&r, tmpl);
	res->probed = r.answered ? pp->count - res->unreached : res->sent;
	res->lost = res->probed - (r.answered ? res->answered : res->matched);
	e->nb.ifc = own;
	speaker_close(&r.sp);
	e->before_record = NULL;
	free(r.ring);
	free(r.answered);
	flow_table_free(&r.flows);
	/* The lookups borrowed the capture: it is the engine's to close. */
	if (e->nb.arp == r.cap) {
		e->nb.arp = NULL;
		e->nb.stray = NULL;
	}
	return rc;
}
