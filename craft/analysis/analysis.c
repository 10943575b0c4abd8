/*
 * analysis.c - TCP streams by their 4-tuple, each with both directions'
 * SEQ/ACK state and both ends' TCP states; the summaries for the end.
 */
#include "analysis.h"

#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "seqack.h"
#include "../util/grow.h"
#include "../proto/proto.h"
#include "../proto/tcpopts.h"
#include "../util/xalloc.h"

#define CLOSED_LINGER 60	/* seconds a closed stream still takes late segments */
#define LIVE_MAX 65536	/* streams with state at once; past it, the longest silent gives it back */

struct stream_key {
	u128 addr[2];
	uint16_t port[2];
	uint8_t net;
};

/* A stream's state while it may take segments. */
struct live {
	struct stream *next_closed;	/* in the linger queue */
	struct stream *older, *newer;	/* in the queue of live streams, by last segment */
	struct tcp_flow flow[2];
	struct tcp_ends ends;
	bool syn_time_set, closed;
	struct timeval syn_time, closed_at;
};

/* A stream for as long as the capture lasts.  Closed for CLOSED_LINGER,
 * it gives its state back and keeps what lets a late segment go on in the
 * stream Wireshark still has: its index, each end's ISN and window scale,
 * the iRTT. */
struct stream {
	struct stream *next;		/* in its hash bucket */
	struct stream_key key;		/* [0]: the end seen first */
	uint32_t index;
	int64_t irtt_us;		/* 0 until the handshake's ACK */
	struct live *live;		/* NULL once given back */
	struct {
		uint32_t base_seq;
		bool base_set;
		int8_t wscale;
	} kept[2];			/* while live: in live->flow */
};

/* Found by a prescan: `request` is answered by `answer`. */
struct answer_link {
	uint32_t request, answer;
	double after;
};

struct analysis {
	struct stream **bucket;
	size_t nbuckets, nstreams, nlive;
	struct stream *closed_head, *closed_tail;
	struct stream *oldest, *newest;	/* live streams by their last segment */
	struct conv_summary *conv;
	size_t nconv, capconv;
	struct answers *answers;
	struct answers *ahead;		/* the prescan's */
	struct answer_link *link;	/* by request, once the prescan is done */
	size_t nlinks, caplinks, next_link;
	struct timeval first;		/* the first frame's time */
	bool started;
};

static const char *const expert_keys[TE_COUNT] = {
	"retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
	"lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window", "window_full",
	"window_update", "keep_alive", "keep_alive_ack", "zero_window_probe",
	"zero_window_probe_ack",
};

static const char *const expert_labels[TE_COUNT] = {
	"TCP Retransmission", "TCP Fast Retransmission", "TCP Spurious Retransmission",
	"TCP Out-Of-Order", "TCP Previous segment not captured", "TCP ACKed unseen segment",
	"TCP Dup ACK", "TCP ZeroWindow", "TCP Window Full", "TCP Window Update",
	"TCP Keep-Alive", "TCP Keep-Alive ACK", "TCP ZeroWindowProbe", "TCP ZeroWindowProbeAck",
};

const char *tcp_expert_key(unsigned i)
{
	return i < TE_COUNT ? expert_keys[i] : NULL;
}

const char *tcp_expert_label(unsigned i)
{
	return i < TE_COUNT ? expert_labels[i] : NULL;
}

struct analysis *analysis_new(void)
{
	struct analysis *a = xcalloc(1, sizeof *a);
	a->nbuckets = 256;
	a->bucket = xcalloc(a->nbuckets, sizeof *a->bucket);
	a->answers = answers_new();
	return a;
}

static void live_free(struct live *l)
{
	if (!l)
		return;
	tcp_flow_free(&l->flow[0]);
	tcp_flow_free(&l->flow[1]);
	free(l);
}

static void unqueue(struct analysis *a, struct stream *s)
{
	struct live *l = s->live;
	*(l->older ? &l->older->live->newer : &a->oldest) = l->newer;
	*(l->newer ? &l->newer->live->older : &a->newest) = l->older;
	l->older = l->newer = NULL;
}

/* A segment of live stream `s`: it becomes the newest. */
static void touch(struct analysis *a, struct stream *s)
{
	struct live *l = s->live;
	if (a->newest != s) {
		if (l->older || l->newer || a->oldest == s)
			unqueue(a, s);
		l->older = a->newest;
		*(a->newest ? &a->newest->live->newer : &a->oldest) = s;
		a->newest = s;
	}
}

static void stream_free(struct analysis *a, struct stream *s)
{
	if (s->live) {
		unqueue(a, s);
		a->nlive--;
	}
	live_free(s->live);
	free(s);
}

/* State for a stream opened, or taken up again, by a segment with `flags`;
 * false if memory runs out. */
static bool revive(struct analysis *a, struct stream *s, uint8_t flags)
{
	struct live *l = calloc(1, sizeof *l);
	if (!l)
		return false;
	for (int d = 0; d < 2; d++) {
		tcp_flow_init(&l->flow[d]);
		l->flow[d].base_seq = s->kept[d].base_seq;
		l->flow[d].base_set = s->kept[d].base_set;
		l->flow[d].wscale = s->kept[d].wscale;
	}
	tcp_ends_start(&l->ends, flags);
	s->live = l;
	a->nlive++;
	return true;
}

static void retire(struct analysis *a, struct stream *s)
{
	for (int d = 0; d < 2; d++) {
		s->kept[d].base_seq = s->live->flow[d].base_seq;
		s->kept[d].base_set = s->live->flow[d].base_set;
		s->kept[d].wscale = (int8_t)s->live->flow[d].wscale;
	}
	unqueue(a, s);
	live_free(s->live);
	s->live = NULL;
	a->nlive--;
}

void analysis_free(struct analysis *a)
{
	if (!a)
		return;
	for (size_t i = 0; a->bucket && i < a->nbuckets; i++)
		for (struct stream *s = a->bucket[i], *next; s; s = next) {
			next = s->next;
			stream_free(a, s);
		}
	free(a->bucket);
	free(a->conv);
	answers_free(a->answers);
	answers_free(a->ahead);
	free(a->link);
	free(a);
}

void analysis_shown(struct analysis *a, uint32_t stream)
{
	if (stream < a->nconv)
		a->conv[stream].shown = true;
}

size_t analysis_live(const struct analysis *a)
{
	return a->nlive;
}

const struct conv_summary *analysis_conversations(const struct analysis *a, size_t *n)
{
	*n = a->nconv;
	return a->conv;
}

/* The same for both directions: the lower (address, port) first. */
static struct stream_key canonical(const struct stream_key *k)
{
	bool swap = k->addr[0] > k->addr[1] ||
		    (k->addr[0] == k->addr[1] && k->port[0] > k->port[1]);
	if (!swap)
		return *k;
	return (struct stream_key){ { k->addr[1], k->addr[0] }, { k->port[1], k->port[0] },
				    k->net };
}

static size_t bucket_of(const struct analysis *a, const struct stream_key *k)
{
	struct stream_key c = canonical(k);
	uint64_t h = 1469598103934665603ull;
	const uint64_t words[] = { (uint64_t)c.addr[0], (uint64_t)(c.addr[0] >> 64),
				   (uint64_t)c.addr[1], (uint64_t)(c.addr[1] >> 64),
				   (uint64_t)c.port[0] << 16 | c.port[1] | (uint64_t)c.net << 32 };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		h = (h ^ words[i]) * 1099511628211ull;
	return (size_t)(h ^ h >> 29) & (a->nbuckets - 1);
}

/* Whether `s` is the stream of `k`, and if so from which end (0: first). */
static bool same_stream(const struct stream *s, const struct stream_key *k, int *dir)
{
	const struct stream_key *o = &s->key;
	if (o->net != k->net)
		return false;
	for (int d = 0; d < 2; d++)
		if (o->addr[d] == k->addr[0] && o->port[d] == k->port[0] &&
		    o->addr[!d] == k->addr[1] && o->port[!d] == k->port[1]) {
			*dir = d;
			return true;
		}
	return false;
}

static struct stream *lookup(struct analysis *a, const struct stream_key *k, int *dir)
{
	for (struct stream *s = a->bucket[bucket_of(a, k)]; s; s = s->next)
		if (same_stream(s, k, dir))
			return s;
	return NULL;
}

static void unlink_stream(struct analysis *a, struct stream *gone)
{
	for (struct stream **p = &a->bucket[bucket_of(a, &gone->key)]; *p; p = &(*p)->next)
		if (*p == gone) {
			*p = gone->next;
			a->nstreams--;
			return;
		}
}

static void grow(struct analysis *a)
{
	size_t n = a->nbuckets * 2;
	struct stream **b = calloc(n, sizeof *b);
	if (!b)
		return;		/* longer chains, still correct */
	struct stream **old = a->bucket;
	size_t oldn = a->nbuckets;
	a->bucket = b;
	a->nbuckets = n;
	for (size_t i = 0; i < oldn; i++)
		for (struct stream *s = old[i], *next; s; s = next) {
			next = s->next;
			size_t at = bucket_of(a, &s->key);
			s->next = b[at];
			b[at] = s;
		}
	free(old);
}

static void forget_closed(struct analysis *a, struct stream *s);

/* Streams closed for CLOSED_LINGER seconds of capture time give their
 * state back (the linger queue is in order of closing); past LIVE_MAX live
 * streams (a scan's SYNs nobody answered, connections joined and never
 * seen to end), so do the longest silent.  Wireshark forgets nothing, and
 * a capture may be silent for days: time alone retires no open stream. */
static void expire(struct analysis *a, const struct timeval *now)
{
	while (a->closed_head &&
	       now->tv_sec - a->closed_head->live->closed_at.tv_sec > CLOSED_LINGER) {
		struct stream *s = a->closed_head;
		a->closed_head = s->live->next_closed;
		if (!a->closed_head)
			a->closed_tail = NULL;
		retire(a, s);
	}
	while (a->oldest && a->nlive >= LIVE_MAX) {	/* room for a new one */
		struct stream *s = a->oldest;
		if (s->live->closed)	/* not so: closing lingers less */
			forget_closed(a, s);
		retire(a, s);
	}
}

static void forget_closed(struct analysis *a, struct stream *s)
{
	struct stream **p = &a->closed_head, *prev = NULL;
	for (; *p && *p != s; p = &(*p)->live->next_closed)
		prev = *p;
	if (!*p)
		return;
	*p = s->live->next_closed;
	if (a->closed_tail == s)
		a->closed_tail = prev;
}

static struct stream *open_stream(struct analysis *a, const struct stream_key *k,
				  const struct timeval *ts, uint8_t flags)
{
	struct conv_summary *convs = grow_room(a->conv, a->nconv, &a->capconv, sizeof *convs, 16);
	if (!convs)
		return NULL;
	a->conv = convs;
	struct stream *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->kept[0].wscale = s->kept[1].wscale = WSCALE_UNKNOWN;
	if (!revive(a, s, flags)) {
		free(s);
		return NULL;
	}
	if (a->nstreams >= a->nbuckets)
		grow(a);
	s->key = *k;
	s->index = (uint32_t)a->nconv;
	size_t at = bucket_of(a, k);
	s->next = a->bucket[at];
	a->bucket[at] = s;
	a->nstreams++;
	struct conv_summary *c = &a->conv[a->nconv++];
	memset(c, 0, sizeof *c);
	c->stream = s->index;
	for (int d = 0; d < 2; d++) {
		c->addr[d] = addr_from_value(k->addr[d], k->net == L_IPV6 ? 16 : 4);
		c->port[d] = k->port[d];
	}
	c->first = *ts;
	return s;
}

static void wscale_of(const struct tcpopt *o, void *ctx)
{
	if (o->kind == 3 && o->len == 3)
		*(int *)ctx = o->data[0];
}

/* The segment's length as its IP header gives it, within the frame on the
 * wire, from where its data offset says (even 0: an offloaded segment). */
static uint32_t declared_len(const struct frame *f, size_t t)
{
	size_t end = tcp_segment_end(f, t);
	size_t start = f->layer[t].off + lv(&f->layer[t], TCP_OFF) * 4;	/* as it says */
	return end > start ? (uint32_t)(end - start) : 0;
}

/* The segment, its stream's key (from the sender) and the TCP layer's index. */
static bool segment_of(const struct frame *f, uint32_t frame_no, const struct timeval *ts,
		       struct segment *s, struct stream_key *k)
{
	size_t own = frame_own_layers(f), t = own;
	for (size_t i = 0; i < own; i++)
		if (f->layer[i].def->id == L_TCP)
			t = i;
	if (t == own)
		return false;
	const struct layer *tcp = &f->layer[t];
	if ((tcp->present & (1u << TCP_WIN)) == 0 || (tcp->present & (1u << TCP_FLAGS)) == 0)
		return false;	/* too short to analyse */
	int net = frame_net_before(f, t);
	if (net < 0)
		return false;
	const struct layer *ip = &f->layer[net];
	const struct layer_net *n = ip->def->net;
	*k = (struct stream_key){ { ip->val[n->src].u, ip->val[n->dst].u },
				  { (uint16_t)lv(tcp, TCP_SPORT), (uint16_t)lv(tcp, TCP_DPORT) },
				  (uint8_t)ip->def->id };
	*s = (struct segment){ .frame = frame_no, .ts = *ts, .seq = (uint32_t)lv(tcp, TCP_SEQ),
			       .ack = (uint32_t)lv(tcp, TCP_ACK),
			       .len = declared_len(f, t),
			       .window = (uint32_t)lv(tcp, TCP_WIN),
			       .flags = (uint8_t)lv(tcp, TCP_FLAGS), .wscale_opt = -1 };
	const struct fval *opts = &tcp->val[TCP_OPTS];
	if (s->flags & TCP_F_SYN)
		tcpopts_walk(opts->bytes, opts->len, false, wscale_of, &s->wscale_opt);
	return true;
}

static void note_summary(struct analysis *a, struct stream *st, int dir, const struct segment *s,
			 const struct tcp_verdict *v)
{
	struct conv_summary *c = &a->conv[st->index];
	const struct tcp_ends *e = &st->live->ends;
	c->frames[dir]++;
	c->bytes[dir] += s->len;
	c->last = s->ts;
	if ((s->flags & (TCP_F_SYN | TCP_F_ACK)) == TCP_F_SYN)
		c->syn_seen = true;
	if (c->syn_seen && e->us.state == TS_ESTABLISHED && e->peer.state == TS_ESTABLISHED)
		c->handshake_done = true;
	if (s->flags & TCP_F_FIN)
		c->fin[dir] = true;
	if (s->flags & TCP_F_RST)
		c->rst = true;
	if (v->expert & (TE_RETRANSMISSION | TE_FAST_RETRANSMISSION | TE_SPURIOUS_RETRANSMISSION))
		c->retransmissions++;
	c->state[0] = e->us.state;
	c->state[1] = e->peer.state;
}

/* Closed: both ends are, or one is after a RST; it lingers for late frames. */
static void maybe_closed(struct analysis *a, struct stream *st, const struct timeval *ts)
{
	struct live *l = st->live;
	enum tcp_state x = l->ends.us.state, y = l->ends.peer.state;
	bool gone = (x == TS_CLOSED || x == TS_TIME_WAIT || x == TS_LISTEN) &&
		    (y == TS_CLOSED || y == TS_TIME_WAIT || y == TS_LISTEN);
	if (!gone || l->closed)
		return;
	l->closed = true;
	l->closed_at = *ts;
	l->next_closed = NULL;
	if (a->closed_tail)
		a->closed_tail->live->next_closed = st;
	else
		a->closed_head = st;
	a->closed_tail = st;
}

static void analyse_tcp(struct analysis *a, const struct segment *s, const struct stream_key *k,
			struct tcp_verdict *v)
{
	int dir = 0;
	struct stream *st = lookup(a, k, &dir);
	/* A new SYN on the same ports, not a retransmitted one: a new stream. */
	if (st && (s->flags & (TCP_F_SYN | TCP_F_ACK)) == TCP_F_SYN) {
		uint32_t base = st->live ? st->live->flow[dir].base_seq : st->kept[dir].base_seq;
		bool set = st->live ? st->live->flow[dir].base_set : st->kept[dir].base_set;
		if (set && s->seq != base) {
			if (st->live && st->live->closed)
				forget_closed(a, st);
			unlink_stream(a, st);
			stream_free(a, st);
			st = NULL;
		}
	}
	if (!st) {
		dir = 0;
		st = open_stream(a, k, &s->ts, s->flags);
	} else if (!st->live && !revive(a, st, dir == 0 ? s->flags : 0)) {
		st = NULL;
	}
	if (!st)
		return;
	struct live *l = st->live;
	touch(a, st);
	bool recorded = seqack_segment(&l->flow[dir], &l->flow[!dir], s, st->irtt_us, v);
	/* The iRTT: from the latest SYN to the first ACK without SYN, either
	 * way, known from that ACK on (after its own analysis, as Wireshark). */
	if ((s->flags & (TCP_F_SYN | TCP_F_ACK)) == TCP_F_SYN) {
		l->syn_time = s->ts;
		l->syn_time_set = true;
	} else if ((s->flags & (TCP_F_SYN | TCP_F_ACK)) == TCP_F_ACK && l->syn_time_set &&
		   st->irtt_us == 0) {
		st->irtt_us = seqack_usec(&s->ts, &l->syn_time);
	}
	tcp_ends_segment(&l->ends, dir == 0, s->flags, s->seq, s->ack, s->len);
	v->stream = st->index;
	v->has_irtt = st->irtt_us != 0 && recorded;
	v->irtt = (double)st->irtt_us / 1e6;
	v->from_first = dir == 0;
	v->src_state = dir == 0 ? l->ends.us.state : l->ends.peer.state;
	v->dst_state = dir == 0 ? l->ends.peer.state : l->ends.us.state;
	note_summary(a, st, dir, s, v);
	maybe_closed(a, st, &s->ts);
}

void analysis_prescan(struct analysis *a, const struct frame *f, uint32_t frame_no,
		      const struct timeval *ts)
{
	struct segment s;
	struct stream_key k;
	if (segment_of(f, frame_no, ts, &s, &k))
		return;
	if (!a->ahead && !(a->ahead = answers_new()))
		return;		/* requests will not name their answers */
	struct answer_link l = { 0, frame_no, 0 };
	answers_frame(a->ahead, f, frame_no, ts, &l.request, &l.after);
	if (!l.request)
		return;
	struct answer_link *links = grow_room(a->link, a->nlinks, &a->caplinks, sizeof *links, 64);
	if (!links)
		return;
	a->link = links;
	a->link[a->nlinks++] = l;
}

static int by_request(const void *x, const void *y)
{
	const struct answer_link *a = x, *b = y;
	return (a->request > b->request) - (a->request < b->request);
}

bool analysis_is_segment(const struct frame *f)
{
	struct segment s;
	struct stream_key k;
	return segment_of(f, 0, &(struct timeval){ 0 }, &s, &k);
}

void analysis_prescan_done(struct analysis *a)
{
	if (a->nlinks)
		qsort(a->link, a->nlinks, sizeof *a->link, by_request);
	answers_free(a->ahead);
	a->ahead = NULL;
	a->next_link = 0;
}

/* Frames come in order: the links are walked once. */
static void answered_by(struct analysis *a, uint32_t frame_no, struct frame_analysis *out)
{
	while (a->next_link < a->nlinks && a->link[a->next_link].request < frame_no)
		a->next_link++;
	if (a->next_link < a->nlinks && a->link[a->next_link].request == frame_no) {
		out->answered_by = a->link[a->next_link].answer;
		out->answered_after = a->link[a->next_link].after;
	}
}

void analysis_frame(struct analysis *a, const struct frame *f, uint32_t frame_no,
		    const struct timeval *ts, struct frame_analysis *out)
{
	memset(out, 0, sizeof *out);
	if (!a->started) {
		a->first = *ts;
		a->started = true;
	}
	out->since_first = (double)(ts->tv_sec - a->first.tv_sec) +
			   (double)(ts->tv_usec - a->first.tv_usec) / 1e6;
	expire(a, ts);
	struct segment s;
	struct stream_key k;
	if (segment_of(f, frame_no, ts, &s, &k)) {
		out->is_tcp = true;
		analyse_tcp(a, &s, &k, &out->tcp);
		return;
	}
	answers_frame(a->answers, f, frame_no, ts, &out->answers, &out->answer_time);
	answered_by(a, frame_no, out);
}
