/* pump.c - frames from a capture to a handler, every wait bounded. */
#include "pump.h"

/* A wait whose deadline has passed takes what is queued, but no more than
 * this: a peer that never stops sending must not hold it. */
#define PUMP_DRAIN_MAX 4096

enum pump_end pump_run(const struct pump *p, const struct deadline *until, char *err,
		       size_t errlen)
{
	bool drain = !until || deadline_left(until) <= 0;
	for (unsigned n = 0;; n++) {
		if (p->stop && p->stop(p->stop_ctx))
			return PUMP_STOPPED;
		long left = drain ? 0 : deadline_left(until);
		if (left < 0)
			left = 0;
		if (p->slice_us && left > p->slice_us)
			left = p->slice_us;
		const uint8_t *bytes;
		size_t caplen, wire;
		struct timeval ts;
		int got = capture_next(p->cap, left, &bytes, &caplen, &wire, &ts, err, errlen);
		if (got < 0)
			return PUMP_FAULT;
		if (got == 1 && p->on_frame(p->ctx, bytes, caplen, wire, &ts))
			return PUMP_DONE;
		bool over = drain ? got == 0 || n + 1 >= PUMP_DRAIN_MAX : deadline_left(until) <= 0;
		if (over)
			return p->stop && p->stop(p->stop_ctx) ? PUMP_STOPPED : PUMP_TIMEOUT;
	}
}
