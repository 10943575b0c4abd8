/*
 * stream.c - `send --flood` and `send --rate`: frame 0 is built once by
 * libnet, each sender thread patches its copies in place in its send
 * path's buffers (vary.c; linktx.c: an AF_XDP UMEM or AF_PACKET's own) and
 * hands them to the kernel in batches, while this thread reads
 * the replies, finds each one's probe by a flow hash, and sorts the targets
 * into what they answered.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "stream.h"

#include "../builder/vary.h"
#include "../decode/decode.h"
#include "../match/flow.h"
#include "../proto/proto.h"
#include "../util/clock.h"
#include "../util/rto.h"
#include "../util/xalloc.h"
#include "../wire/linktx.h"
#include "internal.h"
#include "pace.h"

#define TRACK_MAX (1u << 17)	/* probes whose replies are told apart */
#define PROGRESS_NS 250000000u
#define SLEEP_SLICE_NS 50000000u	/* a stop is seen within this */
#define TAIL_US 2000000		/* bounds the reading of the record's tail */
#define NO_CLASS UINT8_MAX

struct target {
	struct flow_ack ack;
	uint32_t rtt_us;	/* of the reply that decided it */
	uint16_t from;		/* who sent that reply: res.from[from - 1], 0 unknown */
	uint8_t cls;		/* what it answered, or NO_CLASS */
	bool first;		/* the first probe with its key: a target */
	bool resent;		/* by a retry: which send a reply answers is unknown */
};

struct stream;

struct sender {
	struct stream *s;
	unsigned id;
	struct linktx *tx;
	size_t len[LINKTX_BATCH];
	struct pace pace;	/* under --rate */
	uint64_t next;		/* this sender's next frame, counted from 0 */
	uint64_t done_ns;	/* when its last frame left */
	char err[256];
	pthread_t thread;
	bool failed;
};

struct stream {
	struct engine *e;
	struct frame *tmpl;
	const struct expectation *want;
	const struct stream_params *sp;
	const struct stream_ops *ops;
	void *ctx;
	struct stream_result res;
	struct vary plan;
	bool patch;		/* else every frame is resolved and built */
	uint64_t count;		/* UINT64_MAX: until a signal */
	uint64_t rate;		/* 0: as fast as it goes */
	unsigned nsenders;
	struct sender *senders;
	struct timespec t0;
	_Atomic uint64_t sent;
	_Atomic unsigned finished;
	atomic_bool failed;	/* a sender or the capture: stop */
	uint64_t send_ns;	/* each pass's from t0, when its frame 0 is due, to its last frame */
	struct capture *cap;
	struct flow_table flows;
	struct target *targets;
	uint64_t tracked;
	struct stream_class *cls;	/* res.cls */
	/* Retries: a pass after the first sends frames pass_list[0, count);
	 * frames a label period apart are one target, the first of them. */
	const uint64_t *pass_list;
	uint64_t frames;		/* of the first pass */
	uint64_t period;		/* 0: every frame its own target */
	bool complete;			/* the first pass sent every frame */
	_Atomic uint32_t *sent_us;	/* when each tracked frame last left, after epoch */
	struct timespec epoch;
	struct timeval epoch_wall;	/* the same moment as capture timestamps read */
	struct rto rto;
	unsigned ncls;
	uint8_t other;		/* the class "(other replies)", or NO_CLASS */
	uint64_t answered, duplicates;
	struct timespec last_progress;
	struct deadline pump_until;	/* of the reading under way */
	uint64_t pumped;		/* frames it read */
	bool reported;		/* a capture fault was: the senders' is not */
	bool tail;		/* stopped: reading what the capture still holds */
	frame_log_fn saved_log;	/* the lookups' own, while they share `cap` */
};

static bool stopping(const struct stream *s)
{
	return engine_stopped(s->e) != 0 || atomic_load(&s->failed);
}

static uint64_t ns_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - t0->tv_sec) * 1000000000u +
	       (uint64_t)now.tv_nsec - (uint64_t)t0->tv_nsec;
}

/* Until `ns` after t0, or one slice, whichever is first. */
static void sleep_until(const struct timespec *t0, uint64_t ns)
{
	uint64_t now = ns_since(t0);
	if (ns > now + SLEEP_SLICE_NS)
		ns = now + SLEEP_SLICE_NS;
	struct timespec at = { t0->tv_sec + (time_t)(ns / 1000000000u),
			       t0->tv_nsec + (long)(ns % 1000000000u) };
	if (at.tv_nsec >= 1000000000) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000;
	}
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
}

static uint64_t frame_of(const struct sender *w)
{
	return w->next * w->s->nsenders + w->id;
}

/* Whether frame `i` left before the senders stopped. */
static bool was_sent(const struct stream *s, uint64_t i)
{
	return s->complete || i / s->nsenders < s->senders[i % s->nsenders].next;
}

/* The frame at position `i` of the pass under way. */
static uint64_t frame_at(const struct stream *s, uint64_t i)
{
	return s->pass_list ? s->pass_list[i] : i;
}

/* The target frame `i` is a probe of: the first frame with its labels. */
static uint64_t target_of(const struct stream *s, uint64_t i)
{
	return s->period ? i % s->period : i;
}

static uint32_t epoch_us(const struct stream *s)
{
	uint64_t us = ns_since(&s->epoch) / 1000u;
	return us < UINT32_MAX ? (uint32_t)us : UINT32_MAX;
}

/* Frame `i` leaves at `us` after the epoch, for its reply's RTT. */
static void stamp_sent(struct stream *s, uint64_t i, uint32_t us)
{
	if (i < s->tracked)
		atomic_store_explicit(&s->sent_us[i], us, memory_order_relaxed);
}

/* Whether target `i` was not sent to: its next hop never answered. */
static bool unreached(const struct stream *s, uint64_t i)
{
	return s->targets[i].cls != NO_CLASS && s->cls[s->targets[i].cls].unanswered;
}

/* --- matching --------------------------------------------------------- */

static void note_probe(struct stream *s, const struct frame *probe, uint64_t i)
{
	struct flow_key k;
	struct flow_ack ack;
	if (i >= s->tracked || !flow_of_probe(probe, &k, &ack))
		return;
	uint32_t first = flow_table_put(&s->flows, &k, (uint32_t)i);
	s->targets[i] = (struct target){ .ack = ack, .cls = NO_CLASS,
					 .first = first == i && target_of(s, i) == i };
}

/* Replies' classes, the last of them collecting the rest, and a slot kept
 * for the targets not sent to: those are never taken for a reply. */
static uint8_t class_named(struct stream *s, const char *name, bool wanted, bool unanswered,
			   bool error)
{
	for (unsigned c = 0; c < s->ncls; c++)
		if (s->cls[c].wanted == wanted && s->cls[c].unanswered == unanswered &&
		    strcmp(s->cls[c].name, name) == 0)
			return (uint8_t)c;
	if (!unanswered && s->ncls >= STREAM_CLASSES - 2) {
		if (s->other == NO_CLASS) {
			s->other = (uint8_t)s->ncls++;
			snprintf(s->cls[s->other].name, sizeof s->cls[s->other].name,
				 "(other replies)");
		}
		return s->other;
	}
	struct stream_class *c = &s->cls[s->ncls];
	snprintf(c->name, sizeof c->name, "%s", name);
	c->wanted = wanted;
	c->unanswered = unanswered;
	c->error = error;
	return (uint8_t)s->ncls++;
}

/* The field that names a message's kind in a class, and one shown beside
 * it when it is not 0. */
static const struct {
	enum layer_id id;
	int kind, detail;
} kinds[] = {
	{ L_TCP, TCP_FLAGS, -1 }, { L_ICMP, ICMP_TYPE, ICMP_CODE },
	{ L_ICMP6, ICMP6_TYPE, ICMP6_CODE }, { L_ARP, ARP_OP, -1 },
};

/* The reply's kind as a match line: "tcp flags=SA", "icmp6 type=1 code=4". */
static uint8_t class_of(struct stream *s, const struct frame *f, bool wanted)
{
	char name[96], v[64] = "";	/* v: field_format's minimum */
	const struct layer *next = NULL, *net = frame_network_layer(f, &next);
	size_t own = frame_own_layers(f);
	const struct layer *l = own < f->nlayers ? &f->layer[own - 1] :
				next && next->def->id != L_PAYLOAD ? next : net;
	int k = -1, detail = -1;
	for (size_t i = 0; l && i < sizeof kinds / sizeof kinds[0]; i++)
		if (kinds[i].id == l->def->id) {
			k = kinds[i].kind;
			detail = kinds[i].detail;
		}
	if (k >= 0)
		field_format(&l->def->fields[k], &l->val[k], v, sizeof v);
	if (!l)
		snprintf(name, sizeof name, "%s", f->nlayers ? f->layer[0].def->name : "?");
	else if (k >= 0 && detail >= 0 && lv(l, detail))
		snprintf(name, sizeof name, "%s %s=%s %s=%u", l->def->name, l->def->fields[k].name,
			 v, l->def->fields[detail].name, (unsigned)lv(l, detail));
	else if (k >= 0)
		snprintf(name, sizeof name, "%s %s=%s", l->def->name, l->def->fields[k].name, v);
	else
		snprintf(name, sizeof name, "%s", l->def->name);
	return class_named(s, name, wanted, false, own < f->nlayers);
}

/* Who sent `f`: its own network layer's source, in res.from. */
static uint16_t sender_of(struct stream *s, const struct frame *f)
{
	const struct layer *next = NULL, *net = frame_network_layer(f, &next);
	if (!net)
		return 0;
	struct addr a = layer_addr(net, net->def->net->src);
	struct stream_result *res = &s->res;
	for (unsigned k = 0; k < res->nfrom; k++)
		if (addr_equal(&res->from[k], &a))
			return (uint16_t)(k + 1);
	if (res->nfrom == STREAM_FROM)
		return 0;
	res->from[res->nfrom++] = a;
	return (uint16_t)res->nfrom;
}

/* Target `t` decided by `f`, the reply to frame `i`: who sent it, and its
 * RTT (for the summary and the retries' wait). */
static void note_answer(struct stream *s, struct target *t, uint64_t i, const struct frame *f,
			const struct timeval *ts)
{
	long rtt = usec_between(&s->epoch_wall, ts) -
		   (long)atomic_load_explicit(&s->sent_us[i], memory_order_relaxed);
	rtt = rtt < 0 ? 0 : rtt;
	t->rtt_us = rtt < UINT32_MAX ? (uint32_t)rtt : UINT32_MAX;
	if (!t->resent)	/* Karn: an RTT from the last send may be short */
		rto_note(&s->rto, rtt);
	t->from = sender_of(s, f);
}

static bool on_frame(void *ctx, const uint8_t *bytes, size_t caplen, size_t wire,
		     const struct timeval *ts)
{
	struct stream *s = ctx;
	struct frame f;
	decode_frame(bytes, caplen, wire, LINK_ETHERNET, &f);
	engine_record(s->e, &f, ts);
	s->pumped++;
	uint64_t tag;
	bool ours = outbox_origin(&s->e->sent, bytes, caplen, &tag) != FROM_PEER;
	/* A fragment is matched once its datagram is whole (it is in -w already). */
	struct frame whole;
	enum reasm_step st = ours ? REASM_NONE :
			     reasm_take(&s->e->reasm, &f, ts, LINK_ETHERNET, &whole);
	if (st == REASM_WHOLE) {
		frame_free(&f);
		f = whole;
	}
	struct flow_reply r;
	flow_of_reply(&f, &r);
	for (size_t n = 0; n < r.n && !ours && st != REASM_HELD; n++) {
		uint32_t i;
		if (!flow_table_get(&s->flows, &r.key[n], &i) || !flow_ack_ok(&s->targets[i].ack, &r))
			continue;
		struct target *t = &s->targets[target_of(s, i)];
		if (t->cls != NO_CLASS) {
			s->duplicates++;
			break;
		}
		bool wanted = expect_empty(s->want) || expect_diffs(s->want, &f, NULL, 0) == 0;
		t->cls = class_of(s, &f, wanted);
		note_answer(s, t, i, &f, ts);
		s->cls[t->cls].n++;
		s->answered++;
		if (s->ops->received)
			s->ops->received(s->ctx, i, &f, ts);
		break;
	}
	frame_free(&f);
	/* A reader between batches takes what is there, not more. */
	return deadline_left(&s->pump_until) <= 0;
}

static void progress(struct stream *s, bool last)
{
	if (!s->sp->progress || !s->ops->progress ||
	    (!last && ns_since(&s->last_progress) < PROGRESS_NS))
		return;
	clock_gettime(CLOCK_MONOTONIC, &s->last_progress);
	double secs = (double)ns_since(&s->epoch) / 1e9;	/* all passes */
	s->ops->progress(s->ctx, atomic_load(&s->sent), secs, s->answered, last);
}

/* Reads frames for up to `us` (0: one, if there is one); how many, or -1
 * on a capture fault (reported, and the senders told to stop). */
static long pump(struct stream *s, long us)
{
	if (!s->cap)
		return 0;
	if (s->reported)
		return -1;	/* a failed capture fails again at once: said once */
	char err[256];
	s->pumped = 0;
	deadline_in(&s->pump_until, us);
	struct pump p = engine_pump(s->e, s->cap, on_frame, s);
	if (s->tail)
		p.stop = NULL;
	if (pump_run(&p, &s->pump_until, err, sizeof err) == PUMP_FAULT) {
		engine_capture_fault(s->e, err);
		s->reported = true;
		atomic_store(&s->failed, true);
		return -1;
	}
	return (long)s->pumped;
}

/* --- sending ---------------------------------------------------------- */

/* Frame `i` resolved and built whole into `slot`; 1 if it has no next hop
 * (the target is classed so, the stream goes on), -1 on a failure. */
static int rebuild(struct sender *w, uint64_t i, unsigned slot)
{
	struct stream *s = w->s;
	struct frame *tmpl = s->tmpl;
	struct diag d;
	if (engine_build_frame(s->e, tmpl, s->sp->path, s->sp->run, i, &d)) {
		if (s->e->nb.failed > 0 && i < s->tracked) {
			if (target_of(s, i) != i)
				return 1;	/* a repeat: its target is classed already */
			struct addr to = frame_destination(tmpl);
			uint8_t c = class_named(s, neighbor_silence(to.family), false, true, false);
			s->targets[i] = (struct target){ .first = true, .cls = c };
			s->cls[c].n++;
			return 1;
		}
		snprintf(w->err, sizeof w->err, "frame %llu: %.200s", (unsigned long long)i + 1, d.msg);
		return -1;
	}
	uint8_t *buf = linktx_frame(w->tx, slot, tmpl->len);
	if (!buf) {
		snprintf(w->err, sizeof w->err, "frame %llu: %zu bytes, more than an AF_XDP frame "
			 "holds (use --tx packet)", (unsigned long long)i + 1, tmpl->len);
		return -1;
	}
	memcpy(buf, tmpl->bytes, tmpl->len);
	w->len[slot] = tmpl->len;
	if (s->pass_list)
		return 0;	/* a retry: the same frame as before, noted then */
	struct frame shown;
	decode_built(tmpl, &shown);
	note_probe(s, &shown, i);
	frame_free(&shown);
	return 0;
}

/* One batch of the frames due now; how many left (0: none is due yet, or
 * all are sent), -1 on a failure. */
static int send_batch(struct sender *w)
{
	struct stream *s = w->s;
	unsigned n = 0;
	uint64_t elapsed = s->rate ? ns_since(&s->t0) : 0;
	uint32_t now_us = epoch_us(s);
	while (n < LINKTX_BATCH && !stopping(s)) {
		uint64_t i = frame_of(w);
		if (i >= s->count || (s->rate && !pace_allows(&w->pace, i, n, elapsed)))
			break;
		int skip = 0;
		stamp_sent(s, frame_at(s, i), now_us);
		if (s->patch) {
			w->len[n] = s->tmpl->len;
			vary_apply(&s->plan, linktx_frame(w->tx, n, w->len[n]), frame_at(s, i),
				   s->sp->run);
		} else if ((skip = rebuild(w, frame_at(s, i), n)) < 0)
			return -1;
		w->next++;
		n += !skip;
	}
	if (!n)
		return 0;
	unsigned took = 0;
	int rc = linktx_send(w->tx, w->len, n, &took, w->err, sizeof w->err);
	atomic_fetch_add(&s->sent, took);	/* a failure's too */
	if (s->rate)
		pace_sent(&w->pace, n, ns_since(&s->t0));
	return rc < 0 ? -1 : (int)n;
}

/* A sender's loop.  `here`: on this thread, between reading replies -
 * frames built whole need libnet and the neighbour cache, which are this
 * thread's. */
static void sender_loop(struct sender *w, bool here)
{
	struct stream *s = w->s;
	while (!stopping(s) && frame_of(w) < s->count) {
		int n = send_batch(w);
		if (n < 0) {
			w->failed = true;
			atomic_store(&s->failed, true);
			break;
		}
		if (here) {
			pump(s, 0);
			progress(s, false);
		}
		if (n == 0 && s->rate && frame_of(w) < s->count)
			sleep_until(&s->t0, pace_next(&w->pace, frame_of(w)));
	}
	w->done_ns = ns_since(&s->t0);
	atomic_fetch_add(&s->finished, 1);
}

static void *sender_main(void *arg)
{
	sender_loop(arg, false);
	return NULL;
}

/* --- set-up and the end ------------------------------------------------ */

/* The path asked for, as far as the stream decides it: with -w the frames
 * must pass the taps to be captured, and frames built whole (by libnet, on
 * this thread, of any length) gain nothing from AF_XDP. */
static enum linktx_path path_asked(const struct stream *s)
{
	if (s->sp->tx != LINKTX_AUTO)
		return s->sp->tx;
	return s->sp->record ? LINKTX_QDISC : s->patch ? LINKTX_AUTO : LINKTX_PACKET;
}

/* Closes senders [0, n): auto gives up AF_XDP for AF_PACKET. */
static void close_senders(struct stream *s, unsigned n)
{
	for (unsigned t = 0; t < n; t++) {
		linktx_close(s->senders[t].tx);
		s->senders[t].tx = NULL;
	}
}

/* Sender 0 settles the path; AF_XDP has one socket per TX queue.  auto
 * takes AF_XDP only with a socket for every sender: on a quiet machine of
 * 2 cores, two AF_PACKET senders on a single-queue veth sent 1.8-2.3 Mpps
 * where one AF_XDP socket sent 1.4 M; --tx xdp sends with fewer. */
static int open_senders(struct stream *s)
{
	const char *dev = s->e->ifc.name;
	enum linktx_path asked = path_asked(s), path = asked;
	unsigned wanted = s->nsenders;
	s->senders = xcalloc(wanted, sizeof *s->senders);
	for (unsigned t = 0; t < s->nsenders; t++) {
		struct sender *w = &s->senders[t];
		enum linktx_error why;
		*w = (struct sender){ .s = s, .id = t };
		w->tx = linktx_open(dev, path, t, s->tmpl->len, &why, w->err, sizeof w->err);
		/* The queues in use end where a bind says there is none, and
		 * the sockets where the locked memory does. */
		bool short_of_sockets = !w->tx && t > 0 && path == LINKTX_XDP &&
					(why == LINKTX_NO_QUEUE || why == LINKTX_NO_MEMORY);
		if (w->tx && t == 0 && linktx_path(w->tx) == LINKTX_XDP)
			short_of_sockets = linktx_queues(dev) < s->nsenders;
		if (short_of_sockets && asked == LINKTX_AUTO) {
			close_senders(s, t + 1);
			path = LINKTX_PACKET;
			t = (unsigned)-1;	/* again from sender 0 */
			continue;
		}
		if (short_of_sockets) {
			s->nsenders = w->tx ? linktx_queues(dev) : t;
			if (!w->tx)
				break;
		}
		if (!w->tx) {
			s->nsenders = t;
			if (why == LINKTX_PERMISSION)
				return engine_fail(s->e, ENGINE_FAULT_PERMISSION, "%s", w->err);
			if (path == LINKTX_XDP)
				return engine_fail(s->e, ENGINE_FAULT_SYSTEM, "cannot send with AF_XDP "
						   "on %s: %s (use --tx packet)", dev, w->err);
			return engine_fail(s->e, ENGINE_FAULT_SYSTEM, "cannot send on %s: %s", dev,
					   w->err);
		}
		path = linktx_path(w->tx);
	}
	return ENGINE_OK;
}

/* Every sender's buffers start as frame 0. */
static void fill_buffers(struct stream *s)
{
	for (unsigned t = 0; s->patch && t < s->nsenders; t++)
		linktx_fill(s->senders[t].tx, s->tmpl->bytes, s->tmpl->len);
}

/* A frame the next hop's lookups read from the stream's capture and did
 * not want: the stream's. */
static void on_stray(void *ctx, const uint8_t *bytes, size_t caplen, size_t wire,
		     const struct timeval *ts)
{
	on_frame(ctx, bytes, caplen, wire, ts);
}

/* The lookups' answers, recorded once: their requests reach -w as the
 * capture saw them (strays). */
static void log_answer(void *ctx, const struct frame *f, bool sent, const struct timeval *ts)
{
	if (!sent)
		engine_record(ctx, f, ts);
}

static int open_capture(struct stream *s)
{
	const struct frame *tmpl = s->tmpl;
	bool record = s->sp->record, lookups = frame_may_need_next_hop(tmpl);
	/* The senders' frames are not remembered: their source tells them. */
	engine_own_frames(s->e, 1, 0);
	if (expect_empty(s->want) && !record)
		return ENGINE_OK;
	char bpf[640];
	bool both = false;
	if (record)
		both = exchange_bpf(tmpl, lookups, bpf, sizeof bpf);
	else
		scope_bpf(tmpl, bpf, sizeof bpf);
	if (both)
		engine_own_frames(s->e, 1, lv(&tmpl->layer[0], ETH_SRC));
	/* Slots as small as our frames allow: more of them in the ring. */
	unsigned snaplen = !s->patch ? 0 : tmpl->len > 1600 ? (unsigned)tmpl->len : 1600;
	int rc = engine_capture(s->e, &s->cap, bpf, CAPTURE_BIG | (both ? CAPTURE_BOTH : 0),
				snaplen);
	/* Recording both ways, one capture for all: every frame once, in order. */
	if (rc == ENGINE_OK && both && lookups) {
		struct neighbors *nb = &s->e->nb;
		s->saved_log = nb->log;
		nb->arp = s->cap;
		nb->stray = on_stray;
		nb->stray_ctx = s;
		nb->log = log_answer;
	}
	return rc;
}

/* Keys of the probes whose replies are told apart, worked out before the
 * first frame leaves (patched frames need no libnet, so this is quick). */
static void track_patched(struct stream *s)
{
	size_t len = s->tmpl->len;
	uint8_t *scratch = xmalloc(len);
	memcpy(scratch, s->tmpl->bytes, len);
	for (uint64_t i = 0; i < s->tracked; i++) {
		vary_apply(&s->plan, scratch, i, s->sp->run);
		struct frame f;
		decode_frame(scratch, len, len, LINK_ETHERNET, &f);
		note_probe(s, &f, i);
		frame_free(&f);
	}
	free(scratch);
}

unsigned stream_ranged_fields(const struct frame *tmpl)
{
	unsigned n = 0;
	for (size_t i = 0; i < tmpl->nlayers; i++)
		n += (unsigned)__builtin_popcount(tmpl->layer[i].ranged);
	return n;
}

/* "tcp sport=1000 dport=80": the template's range values in frame `i`;
 * `names` false gives the value alone (one ranged field). */
static void target_label(const struct frame *tmpl, uint64_t i, bool names, struct strbuf *out)
{
	bool any = false;
	const struct layer_def *last = NULL;
	for (size_t n = 0; n < tmpl->nlayers; n++) {
		const struct layer *l = &tmpl->layer[n];
		for (size_t k = 0; k < l->def->nfields; k++) {
			if (!(l->ranged >> k & 1u))
				continue;
			struct fval v = { .u = range_value(l, k, i) };
			char text[64];
			field_format(&l->def->fields[k], &v, text, sizeof text);
			if (names && l->def != last)
				sb_printf(out, "%s%s ", any ? " " : "", l->def->name);
			else if (names)
				sb_putc(out, ' ');
			if (names)
				sb_printf(out, "%s=", l->def->fields[k].name);
			sb_puts(out, text);
			any = true;
			last = l->def;
		}
	}
	if (!any)
		sb_printf(out, "probe %llu", (unsigned long long)i + 1);
}

static bool in_class(const struct stream *s, uint64_t i, uint8_t cls)
{
	return i < s->tracked && s->targets[i].first && s->targets[i].cls == cls &&
	       was_sent(s, i);
}

void stream_list_targets(const struct stream *s, int class_index, bool json, struct strbuf *out)
{
	const struct frame *tmpl = s->tmpl;
	uint8_t cls = class_index < 0 ? NO_CLASS : (uint8_t)class_index;
	bool runs = !json && stream_ranged_fields(tmpl) == 1;
	uint64_t limit = json ? UINT64_MAX : runs ? 24 : 8, shown = 0, hidden = 0;
	for (uint64_t i = 0; i < s->tracked; i++) {
		if (!in_class(s, i, cls))
			continue;
		uint64_t end = i;
		while (runs && in_class(s, end + 1, cls))
			end++;
		if (shown++ >= limit) {
			hidden++;
			i = end;
			continue;
		}
		if (json) {
			struct strbuf one;
			sb_init(&one);
			target_label(tmpl, i, true, &one);
			sb_puts(out, shown > 1 ? "," : "");
			sb_json_str(out, one.s, one.len);
			sb_free(&one);
		} else {
			sb_puts(out, shown == 1 ? "" : runs ? "," : ", ");
			target_label(tmpl, i, shown == 1 || !runs, out);
			if (end != i) {
				sb_putc(out, '-');
				target_label(tmpl, end, false, out);
			}
		}
		i = end;
	}
	if (hidden)
		sb_printf(out, " and %llu more", (unsigned long long)hidden);
}

/* After the last frame: the replies still on their way, until every target
 * answered or the timeout passed; with only a recording, until the capture
 * goes quiet. */
static void drain(struct stream *s, long wait_us)
{
	bool waiting = !expect_empty(s->want);
	uint64_t targets = 0;
	for (uint64_t i = 0; i < s->tracked; i++)
		targets += s->targets[i].first && was_sent(s, i) && !unreached(s, i);
	struct deadline done;
	deadline_in(&done, wait_us);
	while (s->cap && !stopping(s) && deadline_left(&done) > 0) {
		if (waiting && s->answered >= targets)
			break;
		long left = deadline_left(&done), got = pump(s, left < 20000 ? left : 20000);
		if (got < 0 || (!waiting && got == 0))
			break;
		progress(s, false);
	}
	/* A stop ends the wait for replies, not the record: the senders are
	 * done, and what the capture holds of their frames still reaches -w,
	 * until it is quiet. */
	if (!s->sp->record || !engine_stopped(s->e))
		return;
	s->tail = true;
	deadline_in(&done, TAIL_US);
	while (s->cap && deadline_left(&done) > 0 && pump(s, 20000) > 0)
		;
}

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

static void run_senders(struct stream *s)
{
	if (!s->patch) {
		sender_loop(&s->senders[0], true);
		return;
	}
	unsigned started;
	for (started = 0; started < s->nsenders; started++) {
		struct sender *w = &s->senders[started];
		int rc = pthread_create(&w->thread, NULL, sender_main, w);
		if (rc) {	/* those started see the flag and end */
			snprintf(w->err, sizeof w->err, "cannot start a sender: %s", strerror(rc));
			w->failed = true;
			atomic_store(&s->failed, true);
			break;
		}
	}
	while (atomic_load(&s->finished) < started) {
		if (s->cap)
			pump(s, 20000);
		else
			usleep(20000);
		progress(s, false);
	}
	for (unsigned t = 0; t < started; t++)
		pthread_join(s->senders[t].thread, NULL);
}

/* The wait for a pass's replies: -t after the last, else as long as the
 * RTTs so far suggest, this pass's senders' included. */
static long pass_wait(const struct stream *s, unsigned retries_left)
{
	return retries_left ? rto_wait(&s->rto, s->sp->timeout_us) : s->sp->timeout_us;
}

/* One pass: the senders' frames (pass_list's, or all), then the replies
 * for as long as pass_wait() says once they are sent. */
static int run_pass(struct stream *s, unsigned retries_left)
{
	for (unsigned t = 0; s->rate && t < s->nsenders; t++) {	/* each pass from its t0 */
		pace_free(&s->senders[t].pace);
		pace_init(&s->senders[t].pace, s->rate, s->nsenders);
	}
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	run_senders(s);
	uint64_t pass_ns = 0;
	for (unsigned t = 0; t < s->nsenders; t++)
		if (s->senders[t].done_ns > pass_ns)
			pass_ns = s->senders[t].done_ns;
	s->send_ns += pass_ns;
	/* One fault, reported once: the interface gone fails every sender. */
	for (unsigned t = 0; t < s->nsenders && !s->reported; t++)
		if (s->senders[t].failed) {
			progress(s, true);
			return engine_fail(s->e, ENGINE_FAULT_SYSTEM, "sending on %s: %s",
					   s->e->ifc.name, s->senders[t].err);
		}
	if (atomic_load(&s->failed))
		return ENGINE_SYSTEM;
	drain(s, pass_wait(s, retries_left));
	progress(s, true);
	return atomic_load(&s->failed) ? ENGINE_SYSTEM : ENGINE_OK;
}

/* --retries: the targets still unanswered, sent again, pass by pass.  A
 * target with no next hop has its class (its lookup had its own retries). */
static int retry_passes(struct stream *s)
{
	unsigned retries = s->res.retries;
	uint64_t *todo = xcalloc(s->tracked ? s->tracked : 1, sizeof *todo);
	int rc = ENGINE_OK;
	s->complete = true;
	for (unsigned p = 0; p < retries && rc == ENGINE_OK && !stopping(s); p++) {
		uint64_t n = 0;
		for (uint64_t t = 0; t < s->tracked; t++)
			if (s->targets[t].first && s->targets[t].cls == NO_CLASS) {
				todo[n++] = t;
				s->targets[t].resent = true;
			}
		if (!n)
			break;
		s->res.reprobed[s->res.passes++ - 1] = n;
		s->pass_list = todo;
		s->count = n;
		atomic_store(&s->finished, 0);
		for (unsigned t = 0; t < s->nsenders; t++)
			s->senders[t].next = s->senders[t].done_ns = 0;
		rc = run_pass(s, retries - p - 1);
	}
	free(todo);
	return rc;
}

static int run_stream(struct stream *s)
{
	fill_buffers(s);
	if (s->patch && s->cap && !expect_empty(s->want))
		track_patched(s);
	clock_gettime(CLOCK_MONOTONIC, &s->epoch);
	gettimeofday(&s->epoch_wall, NULL);
	clock_gettime(CLOCK_MONOTONIC, &s->last_progress);
	bool retrying = s->res.retries && s->cap;
	int rc = run_pass(s, retrying ? s->res.retries : 0);
	if (rc == ENGINE_OK && retrying && !stopping(s))
		rc = retry_passes(s);
	return rc;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t r = a % b;
		a = b;
		b = r;
	}
	return a;
}

/* After how many frames the ranges' values repeat (they cycle side by
 * side): the least common multiple of their lengths; 0 without ranges or
 * past 64 bits. */
static uint64_t label_period(const struct frame *tmpl)
{
	uint64_t period = 1;
	for (size_t i = 0; i < tmpl->nlayers; i++)
		for (size_t k = 0; k < MAX_FIELDS; k++) {
			if (!(tmpl->layer[i].ranged >> k & 1u))
				continue;
			u128 len = range_len(&tmpl->layer[i], k);
			if (!len || len >> 64)
				return 0;
			u128 lcm = (u128)(period / gcd(period, (uint64_t)len)) * len;
			if (lcm >> 64)
				return 0;
			period = (uint64_t)lcm;
		}
	return period > 1 ? period : 0;
}

/* Plans the frames from frame 0 built without the network, and opens
 * every socket and capture while the privileges last. */
static int open_all(struct stream *s)
{
	const struct stream_params *sp = s->sp;
	int rc = engine_build_offline(s->e, s->tmpl, sp->run, sp->path);
	if (rc != ENGINE_OK)
		return rc;
	s->patch = vary_plan(s->tmpl, &s->plan, s->res.why_rebuilt, sizeof s->res.why_rebuilt) == 0;
	if (!s->patch && s->ops->rebuilt)
		s->ops->rebuilt(s->ctx, s->res.why_rebuilt);
	uint64_t cycle = frame_cycle(s->tmpl);
	s->count = sp->count ? sp->count : cycle > 1 ? cycle : sp->flood ? UINT64_MAX : 1;
	/* One sender keeps a paced stream exact up to where one core tops out;
	 * frames built whole need this thread's libnet. */
	s->nsenders = !s->patch ? 1 : sp->cpus ? sp->cpus :
		      s->rate && s->rate <= 400000 ? 1 : online_cpus();
	if (s->count < s->nsenders)
		s->nsenders = (unsigned)s->count;
	s->tracked = s->count < TRACK_MAX ? s->count : TRACK_MAX;
	s->targets = xcalloc(s->tracked, sizeof *s->targets);
	s->sent_us = xcalloc(s->tracked ? s->tracked : 1, sizeof *s->sent_us);
	s->frames = s->count;
	s->period = label_period(s->tmpl);
	rc = engine_lookup_tags(s->e, s->tmpl, sp->path);
	if (rc == ENGINE_OK)
		rc = open_capture(s);
	if (rc == ENGINE_OK)
		rc = open_senders(s);
	if (rc == ENGINE_OK)
		rc = engine_neighbors(s->e, s->tmpl);
	return rc;
}

/* Frame 0 for real, with the next hop's MAC: the base of the patches. */
static int build_first(struct stream *s)
{
	struct diag d;
	int rc = engine_next_hops(s->e, s->tmpl, s->tracked);
	if (rc != ENGINE_OK)
		return rc;
	if (engine_build_frame(s->e, s->tmpl, s->sp->path, s->sp->run, 0, &d) == 0)
		return ENGINE_OK;
	/* A sweep of destinations goes on past one that is down. */
	if (s->e->nb.failed > 0 && frame_next_hop_varies(s->tmpl)) {
		s->patch = false;
		while (s->nsenders > 1)
			linktx_close(s->senders[--s->nsenders].tx);
		return ENGINE_OK;
	}
	return engine_resolve_failed(s->e, &d);
}

/* The figures a summary shows, once the stream is over. */
static void sum_up(struct stream *s)
{
	struct stream_result *res = &s->res;
	res->reportable = true;
	res->sent = atomic_load(&s->sent);
	res->send_ns = s->send_ns;
	res->nsenders = s->nsenders;
	res->tx = s->nsenders ? linktx_path(s->senders[0].tx) : LINKTX_AUTO;
	res->patched = s->patch;
	res->capturing = s->cap != NULL;
	res->dropped = s->cap ? capture_dropped(s->cap) : 0;
	res->count = s->frames;
	res->tracked = s->tracked;
	res->answered = s->answered;
	res->duplicates = s->duplicates;
	res->ncls = s->ncls;
	for (uint64_t i = 0; i < s->tracked; i++)
		if (s->targets[i].first && was_sent(s, i)) {
			res->targets++;
			res->silent += s->targets[i].cls == NO_CLASS;
			res->unreached += unreached(s, i);
		}
}

static int stream_go(struct stream *s)
{
	struct engine *e = s->e;
	int rc = engine_retries_ok(e, s->sp->retries, !expect_empty(s->want));
	if (rc == ENGINE_OK)
		rc = open_all(s);
	if (rc == ENGINE_OK)
		rc = engine_ready(e);
	if (rc == ENGINE_OK)
		rc = build_first(s);
	if (rc != ENGINE_OK)
		return rc;
	prctl(PR_SET_TIMERSLACK, 1UL);	/* pacing sleeps end on time */
	rc = run_stream(s);
	int sig = engine_stopped(e);
	sum_up(s);	/* cut short by a fault too: the figures so far stand */
	if (rc == ENGINE_OK && sig)
		return ENGINE_STOPPED + sig;
	for (uint64_t i = 0; rc == ENGINE_OK && !expect_empty(s->want) && i < s->tracked; i++) {
		const struct target *t = &s->targets[i];
		if (t->first && was_sent(s, i) && (t->cls == NO_CLASS || !s->cls[t->cls].wanted))
			rc = ENGINE_NOMATCH;
	}
	return rc;
}

int stream_run(struct engine *e, struct frame *tmpl, const struct expectation *want,
	       const struct stream_params *sp, const struct stream_ops *ops, void *ctx,
	       struct stream **out)
{
	struct stream *s = xcalloc(1, sizeof *s);
	*out = s;
	*s = (struct stream){ .e = e, .tmpl = tmpl, .want = want, .sp = sp, .ops = ops, .ctx = ctx,
			      .rate = sp->rate, .other = NO_CLASS };
	s->cls = s->res.cls;
	s->res.passes = 1;
	/* reprobed[] holds this many. */
	s->res.retries = sp->retries < STREAM_RETRIES ? sp->retries : STREAM_RETRIES;
	flow_table_init(&s->flows);
	int rc = stream_go(s);
	/* The lookups borrowed the capture: it is the engine's to close. */
	if (s->cap && e->nb.arp == s->cap) {
		e->nb.arp = NULL;
		e->nb.stray = NULL;
		e->nb.log = s->saved_log;
	}
	return rc;
}

const struct stream_result *stream_result(const struct stream *s)
{
	return &s->res;
}

bool stream_answer(const struct stream *s, uint64_t t, struct stream_answer *a)
{
	if (t >= s->tracked || !s->targets[t].first || !was_sent(s, t))
		return false;
	const struct target *x = &s->targets[t];
	bool known = x->cls != NO_CLASS && x->from;
	*a = (struct stream_answer){ .cls = x->cls == NO_CLASS ? -1 : x->cls,
				     .from = known ? &s->res.from[x->from - 1] : NULL,
				     .rtt_us = x->cls == NO_CLASS ? -1 : (long)x->rtt_us };
	return true;
}

const struct frame *stream_template(const struct stream *s)
{
	return s->tmpl;
}

void stream_free(struct stream *s)
{
	if (!s)
		return;
	for (unsigned t = 0; s->senders && t < s->nsenders; t++) {
		linktx_close(s->senders[t].tx);
		pace_free(&s->senders[t].pace);
	}
	free(s->senders);
	flow_table_free(&s->flows);
	free(s->targets);
	free((void *)s->sent_us);
	free(s);
}
