/*
 * seqack.c - the SEQ/ACK analysis Wireshark's TCP dissector performs on
 * its first pass, rule for rule, so that every finding agrees with
 * tcp.analysis.* on the same capture (the rules are in Wireshark's User's
 * Guide, "TCP Analysis"; the thresholds are its own).  Where releases
 * differ these are tshark 4.0's, held frame by frame against it by
 * tests/suites/tcp_oracle*.sh.
 */
#include "seqack.h"

#include <stdlib.h>
#include <string.h>

#include "../proto/proto.h"
#include "../util/grow.h"

#define MAX_UNACKED 10000	/* past this, the ACKs are not being seen */
#define FAST_RETRANSMISSION_US 20000
#define OUT_OF_ORDER_US 3000	/* without an initial RTT */

static bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

/* Times are compared in whole microseconds, as Wireshark compares its
 * nanoseconds: a gap exactly at a threshold is not below it. */
int64_t seqack_usec(const struct timeval *later, const struct timeval *earlier)
{
	return ((int64_t)later->tv_sec - earlier->tv_sec) * 1000000 +
	       (later->tv_usec - earlier->tv_usec);
}

static double seconds(const struct timeval *later, const struct timeval *earlier)
{
	return (double)seqack_usec(later, earlier) / 1e6;
}

void tcp_flow_init(struct tcp_flow *f)
{
	memset(f, 0, sizeof *f);
	f->window = UINT32_MAX;		/* no window was seen: any first one is new */
	f->wscale = WSCALE_UNKNOWN;
	f->in_flight_known = true;
}

void tcp_flow_free(struct tcp_flow *f)
{
	free(f->seg);
	f->seg = NULL;
	f->nseg = f->cap = 0;
}

/* The SYN's window scale option settles whether windows are scaled: an end
 * that offers none turns scaling off for both (RFC 7323 2.2). */
static void settle_wscale(struct tcp_flow *fwd, struct tcp_flow *rev, const struct segment *s)
{
	if (s->wscale_opt >= 0)
		fwd->wscale = s->wscale_opt > 14 ? 14 : s->wscale_opt;
	if (fwd->wscale == WSCALE_UNKNOWN) {
		fwd->wscale = rev->wscale = WSCALE_NONE;
	} else if ((s->flags & TCP_F_ACK) && rev->wscale == WSCALE_NONE) {
		fwd->wscale = WSCALE_NONE;
	}
}

/* What is not a SYN, FIN or RST: the segments the window rules look at. */
static bool plain(uint8_t flags)
{
	return !(flags & (TCP_F_SYN | TCP_F_FIN | TCP_F_RST));
}

/* The findings that read the segment against its own direction; a zero
 * window probe, or the ACK of one or of a keep-alive, ends them. */
static unsigned window_findings(const struct tcp_flow *fwd, const struct tcp_flow *rev,
				const struct segment *s)
{
	unsigned e = 0;
	bool same_ack = s->seq == fwd->nextseq && s->ack == fwd->lastack;
	if (s->len == 1 && s->seq == fwd->nextseq && rev->window == 0)
		return TE_ZERO_WINDOW_PROBE;
	if (s->window == 0 && plain(s->flags))
		e |= TE_ZERO_WINDOW;
	if (fwd->nextseq && seq_gt(s->seq, fwd->nextseq) && !(s->flags & TCP_F_RST))
		e |= TE_LOST_SEGMENT;
	if (s->len <= 1 && s->seq == fwd->nextseq - 1 && plain(s->flags))
		e |= TE_KEEP_ALIVE;
	if (s->len == 0 && s->window && s->window != fwd->window && same_ack && plain(s->flags))
		e |= TE_WINDOW_UPDATE;
	if (s->len > 0 && rev->wscale != WSCALE_UNKNOWN && plain(s->flags)) {
		int shift = rev->first_ack || rev->wscale < 0 ? 0 : rev->wscale;
		if (s->seq + s->len == rev->lastack + (rev->window << shift))
			e |= TE_WINDOW_FULL;
	}
	if (s->len == 0 && s->window == fwd->window && same_ack && plain(s->flags)) {
		if (s->window && (rev->last_expert & TE_KEEP_ALIVE))
			return e | TE_KEEP_ALIVE_ACK;
		if (!s->window && (rev->last_expert & TE_ZERO_WINDOW_PROBE))
			return e | TE_ZERO_WINDOW_PROBE_ACK;
		if (s->window)
			e |= TE_DUPLICATE_ACK;
	}
	return e;
}

/* Retransmission, fast or spurious, or out of order: a segment with data,
 * SYN or FIN that does not advance the sequence.  Wireshark reports a fast
 * or spurious retransmission as a retransmission too. */
static unsigned resent_findings(const struct tcp_flow *fwd, const struct tcp_flow *rev,
				const struct segment *s, unsigned found, int64_t irtt_us,
				struct tcp_verdict *v)
{
	if (!(s->len > 0 || (s->flags & (TCP_F_SYN | TCP_F_FIN))) || (found & TE_KEEP_ALIVE))
		return 0;
	bool behind = fwd->nextseq && seq_lt(s->seq, fwd->nextseq);
	/* One byte short of the next: the probe before it, now with more data. */
	if (s->len > 1 && fwd->nextseq - 1 == s->seq)
		behind = false;
	if (s->len > 0 && rev->lastack && !seq_gt(s->seq + s->len, rev->lastack))
		return TE_SPURIOUS_RETRANSMISSION | TE_RETRANSMISSION;
	if (behind && rev->dupacknum >= 2 && rev->lastack == s->seq &&
	    seqack_usec(&s->ts, &rev->lastack_time) < FAST_RETRANSMISSION_US)
		return TE_FAST_RETRANSMISSION | TE_RETRANSMISSION;
	int64_t ooo_limit = irtt_us ? irtt_us : OUT_OF_ORDER_US;
	uint32_t end = s->seq + s->len + ((s->flags & (TCP_F_SYN | TCP_F_FIN)) ? 1 : 0);
	if (behind && seqack_usec(&s->ts, &fwd->nextseq_time) < ooo_limit && fwd->nextseq != end)
		return TE_OUT_OF_ORDER;
	if (!behind)
		return 0;
	/* The eldest segment not yet acknowledged is likely the one resent;
	 * Wireshark names none when no time passed since it. */
	double rto = seconds(&s->ts, fwd->nseg ? &fwd->seg[0].ts : &fwd->nextseq_time);
	if (rto != 0) {
		v->rto_frame = fwd->nseg ? fwd->seg[0].frame : fwd->nextseq_frame;
		v->rto = rto;
	}
	return TE_RETRANSMISSION;
}

static bool keep_unacked(struct tcp_flow *fwd, const struct segment *s, uint32_t nextseq)
{
	struct unacked *seg = grow_room(fwd->seg, fwd->nseg, &fwd->cap, sizeof *seg, 4);
	if (!seg)
		return false;
	fwd->seg = seg;
	fwd->seg[fwd->nseg++] = (struct unacked){ s->seq, nextseq, s->frame, s->ts };
	return true;
}

/* Drops what `ack` acknowledges from `rev`'s segments; the eldest segment
 * it acknowledges exactly is the one named, with the time since it. */
static void take_acked(struct tcp_flow *rev, const struct segment *s, struct tcp_verdict *v)
{
	size_t kept = 0;
	for (size_t i = 0; i < rev->nseg; i++) {
		struct unacked *u = &rev->seg[i];
		if (s->ack == u->nextseq) {
			if (!v->acks_frame) {
				v->acks_frame = u->frame;
				v->ack_rtt = seconds(&s->ts, &u->ts);
			}
			continue;
		}
		if (seq_gt(s->ack, u->seq) && seq_lt(s->ack, u->nextseq))
			u->seq = s->ack;	/* partly acknowledged */
		else if (!seq_gt(u->nextseq, s->ack))
			continue;		/* wholly acknowledged before */
		rev->seg[kept++] = *u;
	}
	rev->nseg = kept;
}

bool seqack_segment(struct tcp_flow *fwd, struct tcp_flow *rev, const struct segment *s,
		    int64_t irtt_us, struct tcp_verdict *v)
{
	bool syn = s->flags & TCP_F_SYN, has_ack = s->flags & TCP_F_ACK;
	bool syn_fin = s->flags & (TCP_F_SYN | TCP_F_FIN);
	if (syn)
		settle_wscale(fwd, rev, s);
	/* Relative numbers start at 1 when the SYN was not seen; the other
	 * side's ISN is ack - 1 from the first segment that acknowledges. */
	if (!fwd->base_set) {
		fwd->base_seq = syn ? s->seq : s->seq - 1;
		fwd->base_set = true;
	}
	if (!rev->base_set && has_ack) {
		rev->base_seq = s->ack - 1;
		rev->base_set = true;
	}
	if (has_ack)
		rev->in_flight_known = true;

	unsigned e = window_findings(fwd, rev, s);
	if (e & TE_LOST_SEGMENT)
		fwd->in_flight_known = false;
	if (e & TE_DUPLICATE_ACK) {
		fwd->dupacknum = fwd->dupacknum == DUPACK_UNSEEN ? 1 : fwd->dupacknum + 1;
		v->dupack_num = fwd->dupacknum;
		v->dupack_frame = fwd->lastnondupack;
	}
	if (s->ack != fwd->lastack) {
		fwd->lastnondupack = s->frame;
		fwd->dupacknum = 0;
	}
	/* Acknowledging what the other side was not seen to send: a segment
	 * went unseen.  Past a hole it is said and the hole taken as filled;
	 * past all the other side sent, said once more until that side moves
	 * its ACK (analysed, for Wireshark, even when not said). */
	bool acks_unseen = rev->maxseqtobeacked && seq_gt(s->ack, rev->maxseqtobeacked) && has_ack;
	if (acks_unseen) {
		if (rev->maxseqtobeacked < rev->nextseq) {
			rev->maxseqtobeacked = rev->nextseq;
			e |= TE_ACK_LOST_SEGMENT;
		} else {
			if (rev->dupacknum == 0)
				e |= TE_ACK_LOST_SEGMENT;
			rev->dupacknum = DUPACK_UNSEEN;
		}
	}
	e |= resent_findings(fwd, rev, s, e, irtt_us, v);

	/* As in Wireshark, a SYN or FIN counts in the next sequence number
	 * only when the segment is kept. */
	uint32_t nextseq = s->seq + s->len;
	if ((s->len || syn_fin) && fwd->nseg < MAX_UNACKED &&
	    keep_unacked(fwd, s, nextseq + syn_fin))
		nextseq += syn_fin;
	/* A zero window probe's byte does not advance the sequence. */
	if (!(e & TE_ZERO_WINDOW_PROBE)) {
		if (seq_gt(nextseq, fwd->nextseq) || !fwd->nextseq) {
			fwd->nextseq = nextseq;
			fwd->nextseq_frame = s->frame;
			fwd->nextseq_time = s->ts;
		}
		if (s->seq == fwd->maxseqtobeacked || !fwd->maxseqtobeacked)
			fwd->maxseqtobeacked = fwd->nextseq;
	}
	fwd->window = s->window;
	fwd->lastack = s->ack;
	fwd->lastack_time = s->ts;
	fwd->last_expert = e;
	take_acked(rev, s, v);

	v->expert = e;
	v->abs_seq = s->seq;
	v->abs_ack = s->ack;
	v->ack_valid = has_ack;
	v->seq = s->seq - fwd->base_seq;
	v->ack = has_ack ? s->ack - rev->base_seq : 0;
	v->next_seq = s->seq + s->len + syn_fin - fwd->base_seq;
	v->len = s->len;
	v->wscale = syn ? WSCALE_SYN : fwd->wscale;
	v->window = !syn && fwd->wscale >= 0 ? (uint64_t)s->window << fwd->wscale : s->window;
	/* Until its first ACK without SYN, an end's window stays unscaled
	 * for the window full rule. */
	if (syn)
		fwd->first_ack = true;
	else if (has_ack)
		fwd->first_ack = false;
	return e || acks_unseen || v->acks_frame || (s->len && fwd->in_flight_known);
}
