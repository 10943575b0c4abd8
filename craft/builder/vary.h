/*
 * vary.h - the fields that change from frame to frame (ranges, `random`,
 * random defaults), written into bytes built once.  Checksums follow by
 * RFC 1624's incremental update, so a flood re-parses, rebuilds and
 * allocates nothing per frame.
 */
#ifndef CRAFT_VARY_H
#define CRAFT_VARY_H

#include <stddef.h>
#include <stdint.h>

#include "../core/layer.h"
#include "../util/rng.h"

#define VARY_MAX_SLOTS 32
#define VARY_MAX_SUMS 8

struct vary_slot {
	uint32_t bit_off;	/* in the frame */
	uint8_t bits;
	uint8_t how;		/* VARY_RANGE, VARY_DRAW, VARY_EPHEMERAL */
	uint32_t sums;		/* checksums whose coverage holds it */
	u128 lo;		/* a range's first value */
	uint64_t span;		/* its length; 0: longer than any run */
};

struct vary_sum {
	uint32_t off;		/* of the checksum field in the frame */
	uint32_t parents;	/* checksums that cover this one's field */
	uint8_t zero_is_none;	/* UDP: a sum of 0 is sent as 0xffff */
};

_Static_assert(VARY_MAX_SUMS <= 8 * sizeof ((struct vary_slot *)0)->sums &&
	       VARY_MAX_SUMS <= 8 * sizeof ((struct vary_sum *)0)->parents,
	       "the checksum masks hold a bit for each checksum");

struct vary {
	struct vary_slot slot[VARY_MAX_SLOTS];
	size_t nslots;
	struct vary_sum sum[VARY_MAX_SUMS];	/* innermost first */
	size_t nsums;
};

/* Plans the per-frame writes for `f`, resolved and built as frame 0.  -1
 * with `why` if some varying field changes more than its own bits (a length,
 * a next-layer type, the destination the next hop's MAC depends on): such
 * frames must be resolved and built one by one. */
int vary_plan(const struct frame *f, struct vary *v, char *why, size_t whylen);

/* Turns `bytes` (frame 0 or any earlier frame of the same plan) into frame
 * `index`, whose random draws come from rng_for_frame(run, index). */
void vary_apply(const struct vary *v, uint8_t *bytes, uint64_t index,
		const struct rng *run);

#endif
