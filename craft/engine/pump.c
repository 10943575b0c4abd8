/* pump.c - frames from a capture to a handler, every wait bounded. */
#include "pump.h"

enum pump_end pump_run(const struct pump *p, const struct deadline *until, char *err,
		       size_t errlen)
{
	for (;;) {
		if (p->stop && p->stop(p->stop_ctx))
			return PUMP_STOPPED;
		long left = until ? deadline_left(until) : 0;
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
		if (got == 0 && (!until || deadline_left(until) <= 0))
			return p->stop && p->stop(p->stop_ctx) ? PUMP_STOPPED : PUMP_TIMEOUT;
	}
}
