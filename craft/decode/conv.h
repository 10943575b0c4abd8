/*
 * conv.h - TCP conversations seen so far, for Wireshark's relative sequence
 * numbers: each direction counts from its first sequence number (its ISN
 * when the SYN was seen), and acks count from the other side's.
 */
#ifndef CRAFT_CONV_H
#define CRAFT_CONV_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/layer.h"

#define CONV_SLOTS 256

struct conv_dir {
	u128 src, dst;		/* IPv4 or IPv6, as field values hold them */
	uint16_t sport, dport;
	uint32_t isn;
	bool used;
};

struct conv {
	struct conv_dir dir[CONV_SLOTS];
	unsigned next;		/* round-robin reuse when full */
};

struct tcp_rel {
	uint32_t seq, ack;
	bool has_ack;		/* the other direction has been seen */
};

void conv_init(struct conv *c);
/* Notes TCP layer `idx` of `f` and returns its relative numbers. */
struct tcp_rel conv_track(struct conv *c, const struct frame *f, size_t idx);

#endif
