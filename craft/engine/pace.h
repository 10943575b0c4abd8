/*
 * pace.h - when a paced stream's frames leave.  Frame i of the stream is
 * due i/rate seconds after its start; a sender that woke late sends what
 * is due, but at most twice the rate's share in any millisecond (at
 * least one frame: below 500 frames/s that is more), so a
 * backlog goes out spread over the next milliseconds, not in one burst.
 */
#ifndef CRAFT_PACE_H
#define CRAFT_PACE_H

#include <stdbool.h>
#include <stdint.h>

#define PACE_WINDOW_NS 1000000u

/* One sender's share of a stream of `rate` frames a second. */
struct pace {
	uint64_t rate;		/* the whole stream's */
	uint64_t *left;		/* when each of its last `window` frames left: a ring */
	uint64_t window;	/* frames it may send in any PACE_WINDOW_NS */
	uint64_t sent;		/* frames it sent */
};

/* One of `senders` senders of a stream at `rate` (> 0) frames a second. */
void pace_init(struct pace *p, uint64_t rate, unsigned senders);
void pace_free(struct pace *p);
/* When frame `i` of the stream is due, in ns after its start. */
uint64_t pace_due(const struct pace *p, uint64_t i);
/* Whether frame `i` may leave at `now` as the k-th (from 0) of a batch
 * this sender is putting together. */
bool pace_allows(const struct pace *p, uint64_t i, unsigned k, uint64_t now);
/* When frame `i` may leave as the first of a batch. */
uint64_t pace_next(const struct pace *p, uint64_t i);
/* A batch of `n` frames left by `now`. */
void pace_sent(struct pace *p, unsigned n, uint64_t now);

#endif
