/*
 * pace.c - a paced stream's schedule, and the ceiling on how fast a late
 * sender catches up.
 *
 * A sender that wakes late (a busy core, a slow timer) finds several
 * frames due at once.  It spreads them rather than dropping the schedule
 * forward: dropping it would lose every late wake-up's frames from the
 * mean rate for good (a few ms a second under load is more than the 2% a
 * pace is held to), while spreading them at up to 1.8 times the rate keeps
 * both the count and the mean, and keeps every millisecond under twice the
 * rate (the 0.2 is room for the receiver's timestamps; below 5,000 frames
 * a second, whole frames leave less room).  The ceiling is a window: a
 * frame leaves only once the frame `window` before it left a whole
 * millisecond ago, measured after that one's send returned, so two frames
 * that far apart never share a millisecond on the wire.
 */
#include "pace.h"

#include <stdlib.h>

#include "../util/xalloc.h"

void pace_init(struct pace *p, uint64_t rate, unsigned senders)
{
	/* Frames a millisecond: 1.8 times the share, rounded up, but never
	 * past twice it (floored), nor below one. */
	uint64_t ms = 1000000000u / PACE_WINDOW_NS * senders;
	uint64_t ceiling = (rate * 9 + 5 * ms - 1) / (5 * ms), twice = rate * 2 / ms;
	*p = (struct pace){ .rate = rate, .window = ceiling < twice ? ceiling : twice };
	if (!p->window)
		p->window = 1;
	p->left = xcalloc(p->window, sizeof *p->left);
}

void pace_free(struct pace *p)
{
	free(p->left);
	p->left = NULL;
}

uint64_t pace_due(const struct pace *p, uint64_t i)
{
	return (uint64_t)((unsigned __int128)i * 1000000000u / p->rate);
}

/* When the frame `k` after the next may leave by the window. */
static uint64_t window_opens(const struct pace *p, unsigned k)
{
	uint64_t n = p->sent + k;
	return n < p->window ? 0 : p->left[n % p->window] + PACE_WINDOW_NS;
}

bool pace_allows(const struct pace *p, uint64_t i, unsigned k, uint64_t now)
{
	return k < p->window && pace_due(p, i) <= now && window_opens(p, k) <= now;
}

uint64_t pace_next(const struct pace *p, uint64_t i)
{
	uint64_t due = pace_due(p, i), open = window_opens(p, 0);
	return due > open ? due : open;
}

void pace_sent(struct pace *p, unsigned n, uint64_t now)
{
	for (unsigned k = 0; k < n; k++)
		p->left[(p->sent + k) % p->window] = now;
	p->sent += n;
}
