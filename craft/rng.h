/* rng.h - the PRNG behind `random` and random defaults; --seed fixes it. */
#ifndef CRAFT_RNG_H
#define CRAFT_RNG_H

#include <stdint.h>

struct rng {
	uint64_t state;
};

void rng_seed(struct rng *r, uint64_t seed);
/* Seeds from the kernel's entropy, for runs without --seed. */
void rng_seed_random(struct rng *r);
uint64_t rng_next(struct rng *r);
/* Uniform in [lo, hi]. */
uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi);

#endif
