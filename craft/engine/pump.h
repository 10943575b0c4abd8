/*
 * pump.h - the one receive loop.  Every wait for frames - a probe's reply,
 * a stream's replies, a scenario's expect, the next hop's ARP reply - is
 * this loop over one capture, handing each frame to a handler until the
 * handler is done, the deadline passes or a stop is asked.
 */
#ifndef CRAFT_PUMP_H
#define CRAFT_PUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "../util/clock.h"
#include "../wire/capture.h"

/* One captured frame; true when the wait it serves is over. */
typedef bool (*pump_fn)(void *ctx, const uint8_t *bytes, size_t caplen, size_t wire,
			const struct timeval *ts);

struct pump {
	struct capture *cap;
	pump_fn on_frame;
	void *ctx;
	/* The signal that asks to stop, or 0; may be NULL. */
	int (*stop)(void *stop_ctx);
	void *stop_ctx;
	/* Longest single wait, so that a caller's `done` test or a second
	 * source is looked at in time; 0: the whole deadline. */
	long slice_us;
};

enum pump_end { PUMP_FAULT = -1, PUMP_TIMEOUT, PUMP_DONE, PUMP_STOPPED };

/* Reads until `until`; once it has passed (or with NULL), what is queued
 * now, up to a bound.  PUMP_FAULT with
 * `err` when the capture fails. */
enum pump_end pump_run(const struct pump *p, const struct deadline *until, char *err,
		       size_t errlen);

#endif
