/* probe.c - probes one by one, and the replies that answer them. */
#include "probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decode/decode.h"
#include "../decode/describe.h"
#include "../match/flow.h"
#include "../proto/proto.h"
#include "../util/xalloc.h"
#include "internal.h"

/* One frame sent.  Its time is the clock's until its outgoing copy is
 * seen, then that copy's timestamp. */
struct probe {
	struct flow_ack ack;
	uint32_t older;		/* the previous probe with the same key */
	struct timeval at;
	bool matched;
};

struct prober {
	struct engine *e;
	const struct expectation *want;
	const struct probe_params *pp;
	const struct probe_ops *ops;
	void *ctx;
	struct probe_result *res;
	struct capture *cap;
	struct probe *probes;
	struct flow_table flows;	/* probe key -> index */
	bool until_done;		/* the wait ends once every probe is answered */
};

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

static void report_match(struct prober *r, size_t idx, const struct frame *f,
			 const struct timeval *ts)
{
	struct probe *p = &r->probes[idx];
	struct probe_result *res = r->res;
	long rtt = usec_between(&p->at, ts);
	if (rtt < 0)
		rtt = 0;
	p->matched = true;
	res->matched++;
	if (res->matched == 1 || rtt < res->rtt_min)
		res->rtt_min = rtt;
	if (rtt > res->rtt_max)
		res->rtt_max = rtt;
	res->rtt_sum += (double)rtt;
	res->rtt_sq += (double)rtt * (double)rtt;
	engine_record(r->e, f, ts);
	if (r->ops->matched)
		r->ops->matched(r->ctx, idx, f, ts, rtt);
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
		for (; i != FLOW_NONE; i = r->probes[i].older)
			if (!r->probes[i].matched && flow_ack_ok(&r->probes[i].ack, &fr)) {
				*idx = i;
				return true;
			}
	}
	return false;
}

/* One captured frame: our own copy, a reply to some probe, a near miss, or
 * noise. */
static void classify(struct prober *r, const uint8_t *bytes, size_t caplen, size_t wire,
		     const struct timeval *ts)
{
	uint64_t tag;
	enum frame_origin from = outbox_origin(&r->e->sent, bytes, caplen, &tag);
	struct frame f;
	decode_frame(bytes, caplen, wire, LINK_ETHERNET, &f);
	size_t i;
	char why[256];
	/* Our own probe on its way out: its timestamp is the send time.  The
	 * host's own frames (its RST to a SYN/ACK) are no replies either. */
	if (from == FROM_US && tag < r->res->sent) {
		r->probes[tag].at = *ts;
		engine_record(r->e, &f, ts);
	}
	if (from != FROM_PEER) {
		frame_free(&f);
		return;
	}
	if (answered_probe(r, &f, &i)) {
		unsigned d = expect_diffs(r->want, &f, why, sizeof why);
		if (d == 0) {
			report_match(r, i, &f, ts);
			frame_free(&f);
			return;
		}
		near_miss_note(r->res->closest, d, &f, why);
	} else if (r->res->sent) {
		unsigned d = expect_diffs(r->want, &f, why, sizeof why);
		char scoped_why[300];
		snprintf(scoped_why, sizeof scoped_why, "%s%snot a reply to what was sent",
			 d ? why : "", d ? "; " : "");
		near_miss_note(r->res->closest, d + 1, &f, scoped_why);
	}
	engine_record(r->e, &f, ts);
	frame_free(&f);
}

static bool on_frame(void *ctx, const uint8_t *bytes, size_t caplen, size_t wire,
		     const struct timeval *ts)
{
	struct prober *r = ctx;
	classify(r, bytes, caplen, wire, ts);
	return r->until_done && r->res->matched == r->res->sent;
}

/* Reads frames until `deadline`, or until every probe is answered when
 * `until_done`. */
static int wait_replies(struct prober *r, const struct deadline *deadline, bool until_done)
{
	char err[256];
	if (until_done && r->res->matched == r->res->sent)
		return ENGINE_OK;
	r->until_done = until_done;
	struct pump p = engine_pump(r->e, r->cap, on_frame, r);
	return pump_run(&p, deadline, err, sizeof err) == PUMP_FAULT ?
	       engine_capture_fault(r->e, err) : ENGINE_OK;
}

static int send_probe(struct prober *r, struct frame *built, size_t idx)
{
	struct frame shown;
	decode_built(built, &shown);
	struct probe *p = &r->probes[idx];
	struct flow_key k;
	p->older = flow_of_probe(&shown, &k, &p->ack) ?
		flow_table_swap(&r->flows, &k, (uint32_t)idx) : FLOW_NONE;
	if (idx == 0) {
		struct strbuf s;
		sb_init(&s);
		describe_summary(&shown, &s);
		snprintf(r->res->first_summary, sizeof r->res->first_summary, "%s", s.s);
		sb_free(&s);
	}
	/* Before the write: on a veth the reply can arrive while it returns. */
	gettimeofday(&p->at, NULL);
	int rc = engine_inject(r->e, built->bytes, built->len, idx);
	if (rc == ENGINE_OK) {
		r->res->sent = idx + 1;
		if (r->ops->sent)
			r->ops->sent(r->ctx, idx, &shown, &p->at);
	}
	frame_free(&shown);
	return rc;
}

static void record_one(void *ctx, const uint8_t *bytes, size_t len, uint64_t tag)
{
	struct prober *r = ctx;
	if (tag < r->res->sent)
		engine_record_built(r->e, bytes, len, &r->probes[tag].at);
}

/* Probes whose outgoing copy the capture never showed go into -w last. */
static void record_unseen(struct prober *r)
{
	outbox_unseen(&r->e->sent, record_one, r);
}

static int probe_all(struct prober *r, struct frame *tmpl)
{
	struct engine *e = r->e;
	const struct probe_params *pp = r->pp;
	struct diag d;
	bool waiting = !expect_empty(r->want);
	/* Everything is open before anything is read, and root is gone. */
	int rc = engine_build_offline(e, tmpl, pp->run, pp->path);
	if (rc == ENGINE_OK)
		rc = open_capture(r, tmpl);
	if (rc == ENGINE_OK)
		rc = engine_neighbors(e, tmpl);
	if (rc == ENGINE_OK)
		rc = engine_ready(e);
	if (rc != ENGINE_OK)
		return rc;
	struct deadline next_send;
	deadline_in(&next_send, 0);
	for (size_t i = 0; i < pp->count && !engine_stopped(e); i++) {
		/* Every probe draws its random fields anew (ports, seq, ids). */
		if (engine_build_frame(e, tmpl, pp->path, pp->run, i, &d))
			return engine_resolve_failed(e, &d);
		if (i > 0 && (rc = wait_replies(r, &next_send, false)) != ENGINE_OK)
			return rc;
		if (engine_stopped(e))
			break;	/* the wait ended on a signal: send no more */
		if ((rc = send_probe(r, tmpl, i)) != ENGINE_OK)
			return rc;
		deadline_in(&next_send, pp->interval_us);
	}
	struct deadline done;
	deadline_in(&done, waiting ? pp->timeout_us : 0);
	/* Without an expectation: only our own copies, to time and record them. */
	if ((rc = wait_replies(r, &done, waiting)) != ENGINE_OK)
		return rc;
	record_unseen(r);
	r->res->finished = true;
	int sig = engine_stopped(e);
	if (sig)
		return ENGINE_STOPPED + sig;
	return !waiting || r->res->matched == r->res->sent ? ENGINE_OK : ENGINE_NOMATCH;
}

int probe_run(struct engine *e, struct frame *tmpl, const struct expectation *want,
	      const struct probe_params *pp, const struct probe_ops *ops, void *ctx,
	      struct probe_result *res)
{
	memset(res, 0, sizeof *res);
	struct prober r = { .e = e, .want = want, .pp = pp, .ops = ops, .ctx = ctx, .res = res };
	r.probes = xcalloc(pp->count, sizeof *r.probes);
	flow_table_init(&r.flows);
	int rc = probe_all(&r, tmpl);
	free(r.probes);
	flow_table_free(&r.flows);
	/* The lookups borrowed the capture: it is the engine's to close. */
	if (e->nb.arp == r.cap) {
		e->nb.arp = NULL;
		e->nb.stray = NULL;
	}
	return rc;
}
