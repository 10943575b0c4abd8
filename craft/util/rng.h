/* rng.h - the PRNG behind `random` and random defaults; --seed fixes it. */
#ifndef CRAFT_RNG_H
#define CRAFT_RNG_H

#include <stdint.h>

#include "wide.h"

struct rng {
	uint64_t state;
};

void rng_seed(struct rng *r, uint64_t seed);
/* Seeds from the kernel's entropy, for runs without --seed. */
void rng_seed_random(struct rng *r);
uint64_t rng_next(struct rng *r);
/* A value of `bits` bits: one step for up to 64, two for wider fields. */
u128 rng_bits(struct rng *r, unsigned bits);
/* The draws of frame `index` of a run: a stream of its own, so that a frame
 * gets the same values whichever thread or path builds it, as long as it
 * draws at most RNG_FRAME_DRAWS values. */
#define RNG_FRAME_DRAWS 256
void rng_for_frame(const struct rng *run, uint64_t index, struct rng *out);
/* The draws of a run's field `slot` that every frame of the run shares
 * (ping's one id): a stream apart from every frame's. */
void rng_for_run(const struct rng *run, uint64_t slot, struct rng *out);
/* Uniform in [lo, hi]. */
uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi);

#endif
