/* rng.c - splitmix64: tiny, fast, and the same sequence on every machine. */
#include "rng.h"

#include <sys/random.h>
#include <time.h>

void rng_seed(struct rng *r, uint64_t seed)
{
	r->state = seed;
}

void rng_seed_random(struct rng *r)
{
	uint64_t seed;
	if (getrandom(&seed, sizeof seed, 0) != (ssize_t)sizeof seed)
		seed = (uint64_t)time(NULL) ^ (uint64_t)clock();
	rng_seed(r, seed);
}

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* splitmix64 steps by a constant, so frame i's stream starts i * 256 steps
 * on: disjoint streams as long as a frame draws at most 256 values (one per
 * field, two per wide one: resolve.c checks that they fit).  The seed is mixed
 * first, so that seeds 256 steps apart do not give the same frames shifted
 * by one. */
void rng_for_frame(const struct rng *run, uint64_t index, struct rng *out)
{
	struct rng mix = *run;
	out->state = rng_next(&mix) + index * RNG_FRAME_DRAWS * UINT64_C(0x9e3779b97f4a7c15);
}

/* From the top down: frames count up from 0, and UINT64_MAX is the
 * ghost's (probe.c). */
void rng_for_run(const struct rng *run, uint64_t slot, struct rng *out)
{
	rng_for_frame(run, UINT64_MAX - 1 - slot, out);
}

u128 rng_bits(struct rng *r, unsigned bits)
{
	if (bits <= 64)
		return rng_next(r) & (bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1);
	u128 hi = rng_next(r);
	u128 v = hi << 64 | rng_next(r);
	return bits >= 128 ? v : v & (((u128)1 << bits) - 1);
}

uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi)
{
	uint64_t span = hi - lo + 1;
	return span ? lo + rng_next(r) % span : rng_next(r);
}
