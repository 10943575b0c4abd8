/*
 * seqack.h - Wireshark's SEQ/ACK analysis of one TCP segment, given what
 * each direction of its stream showed so far.  Internal to the analysis.
 */
#ifndef CRAFT_SEQACK_H
#define CRAFT_SEQACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "analysis.h"

/* A segment that occupies sequence space and is not yet acknowledged. */
struct unacked {
	uint32_t seq, nextseq, frame;
	struct timeval ts;
};

/* The other side named an ACKed unseen segment of this direction.  As in
 * Wireshark it is -1 in an unsigned count: 2 or more duplicate ACKs to the
 * fast retransmission rule. */
#define DUPACK_UNSEEN UINT32_MAX

/* One direction.  As in Wireshark, nextseq, lastack and maxseqtobeacked
 * of 0 mean "none seen yet". */
struct tcp_flow {
	bool base_set;
	uint32_t base_seq;
	uint32_t nextseq, nextseq_frame;
	struct timeval nextseq_time;
	uint32_t maxseqtobeacked;
	uint32_t lastack;
	struct timeval lastack_time;
	uint32_t lastnondupack;
	uint32_t dupacknum;		/* or DUPACK_UNSEEN */
	uint32_t window;		/* as sent, unscaled */
	bool first_ack;			/* its SYN seen, no ACK without SYN yet:
					 * its window is not scaled yet */
	bool in_flight_known;		/* no segment went unseen since the
					 * other side last acknowledged */
	int wscale;			/* shift, or WSCALE_* */
	unsigned last_expert;
	struct unacked *seg;
	size_t nseg, cap;
};

/* The segment being analysed. */
struct segment {
	uint32_t frame;
	struct timeval ts;
	uint32_t seq, ack, len, window;	/* window as sent */
	uint8_t flags;
	int wscale_opt;			/* the window scale option, or -1 */
};

void tcp_flow_init(struct tcp_flow *f);
void tcp_flow_free(struct tcp_flow *f);
/* Analyses `s`, sent on `fwd` (the reverse direction `rev`); `irtt_us`
 * in microseconds, or 0 before it is known.  Fills every member of `v` it
 * owns: seq, ack, next_seq, len, acks_frame, ack_rtt, window, wscale,
 * expert, dupack_*, rto_*.  True when Wireshark keeps an analysis of the
 * segment, the only segments it shows the iRTT on: one with a finding, one
 * that acknowledges a segment, one with data counted in flight.  When
 * memory runs out the segment is not kept, as past MAX_UNACKED. */
bool seqack_segment(struct tcp_flow *fwd, struct tcp_flow *rev, const struct segment *s,
		    int64_t irtt_us, struct tcp_verdict *v);
/* later - earlier, in microseconds. */
int64_t seqack_usec(const struct timeval *later, const struct timeval *earlier);

#endif
