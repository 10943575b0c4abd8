/*
 * analysis.h - what each frame of a capture is in its conversation, as
 * Wireshark's TCP SEQ/ACK analysis and its request/response links say it,
 * frame by frame in one pass (a pipe or a live capture has no second).
 *
 * One handle per capture.  State is kept per live TCP stream, in a hash
 * table that grows with the streams open at once; a stream closed for a
 * while (CLOSED_LINGER of capture time) gives its state back, and only its
 * summary, a few words, stays for the end.
 */
#ifndef CRAFT_ANALYSIS_H
#define CRAFT_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "tcpstate.h"
#include "../core/layer.h"

/* Wireshark's tcp.analysis expert findings, in the order it reports them. */
enum tcp_expert {
	TE_RETRANSMISSION = 1u << 0,
	TE_FAST_RETRANSMISSION = 1u << 1,
	TE_SPURIOUS_RETRANSMISSION = 1u << 2,
	TE_OUT_OF_ORDER = 1u << 3,
	TE_LOST_SEGMENT = 1u << 4,
	TE_ACK_LOST_SEGMENT = 1u << 5,
	TE_DUPLICATE_ACK = 1u << 6,
	TE_ZERO_WINDOW = 1u << 7,
	TE_WINDOW_FULL = 1u << 8,
	TE_WINDOW_UPDATE = 1u << 9,
	TE_KEEP_ALIVE = 1u << 10,
	TE_KEEP_ALIVE_ACK = 1u << 11,
	TE_ZERO_WINDOW_PROBE = 1u << 12,
	TE_ZERO_WINDOW_PROBE_ACK = 1u << 13,
};
#define TE_COUNT 14

/* "retransmission": the name of bit `i` as tcp.analysis names the field. */
const char *tcp_expert_key(unsigned i);
/* "TCP Retransmission": as Wireshark's Info column and expert line say it. */
const char *tcp_expert_label(unsigned i);

/* Wireshark's window scale factor when it is not a shift count. */
#define WSCALE_UNKNOWN -1	/* the handshake was not seen */
#define WSCALE_NONE -2		/* an end did not offer it: no scaling */
#define WSCALE_SYN -3		/* a SYN's window, never scaled */

/* One TCP segment in its stream. */
struct tcp_verdict {
	uint32_t stream;		/* from 0, in order of first frame */
	uint32_t seq, ack, next_seq;	/* relative to the stream's base */
	uint32_t abs_seq, abs_ack;
	bool ack_valid;			/* the ACK flag is set */
	uint32_t len;			/* payload bytes */
	uint32_t acks_frame;		/* 0: acknowledges no segment seen */
	double ack_rtt;			/* seconds, with acks_frame */
	bool has_irtt;
	double irtt;			/* the handshake's round trip */
	uint64_t window;		/* scaled, when the scale is known */
	int wscale;			/* shift count, or WSCALE_* */
	unsigned expert;		/* enum tcp_expert bits */
	uint32_t dupack_num, dupack_frame;	/* "dup ACK #num of frame" */
	uint32_t rto_frame;		/* a retransmission: of this frame */
	double rto;			/* seconds since it */
	bool from_first;		/* sent by the end seen first */
	enum tcp_state src_state, dst_state;	/* after the frame */
};

/* What one frame is; `tcp` only for a frame with a TCP header. */
struct frame_analysis {
	bool is_tcp;
	struct tcp_verdict tcp;
	uint32_t answers;		/* 0, or the request this frame answers */
	double answer_time;		/* seconds since that request */
	uint32_t answered_by;		/* after a prescan: the frame answering this */
	double answered_after;		/* seconds until it */
	double since_first;		/* seconds since the first frame analysed
					 * (Wireshark's frame.time_relative) */
};

/* One conversation, for the summary at the end. */
struct conv_summary {
	uint32_t stream;
	struct addr addr[2];		/* [0]: the end seen first */
	uint16_t port[2];
	uint64_t frames[2], bytes[2];	/* sent by each end: frames, payload */
	struct timeval first, last;
	bool syn_seen, handshake_done;
	bool fin[2], rst;
	uint64_t retransmissions;
	enum tcp_state state[2];
	bool shown;			/* a frame of it was shown (analysis_shown) */
};

struct analysis;

struct analysis *analysis_new(void);
void analysis_free(struct analysis *a);
/* A first pass over a file, frame by frame in order, before the frames are
 * analysed: it lets a request name the frame that answers it.  Then
 * analysis_prescan_done, then analysis_frame from frame 1 again. */
void analysis_prescan(struct analysis *a, const struct frame *f, uint32_t frame_no,
		      const struct timeval *ts);
void analysis_prescan_done(struct analysis *a);
/* Whether analysis_frame takes `f` as a TCP segment: only the others
 * (requests, answers) use what a prescan found, so that a capture of TCP
 * alone needs none. */
bool analysis_is_segment(const struct frame *f);
/* Analyses the next frame, `frame_no` from 1 in capture order. */
void analysis_frame(struct analysis *a, const struct frame *f, uint32_t frame_no,
		    const struct timeval *ts, struct frame_analysis *out);
/* A frame of `stream` was shown: a summary of what was shown keeps it. */
void analysis_shown(struct analysis *a, uint32_t stream);
/* How many streams hold their state now: those open and those closed for
 * less than a minute of capture time (the rest keep a few words). */
size_t analysis_live(const struct analysis *a);
/* Every conversation seen, in stream order; valid until the next call. */
const struct conv_summary *analysis_conversations(const struct analysis *a, size_t *n);

#endif
