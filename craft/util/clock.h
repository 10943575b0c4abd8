/* clock.h - waits measured on the monotonic clock, so that a step of the
 * wall clock never stretches (or cuts) a timeout. */
#ifndef CRAFT_CLOCK_H
#define CRAFT_CLOCK_H

#include <sys/time.h>
#include <time.h>

struct deadline {
	struct timespec at;
};

/* A deadline `usec` microseconds from now. */
void deadline_in(struct deadline *d, long usec);
/* Microseconds until it; zero or less once it has passed. */
long deadline_left(const struct deadline *d);
/* b - a in microseconds, for wall-clock timestamps (RTTs, pcap times). */
long usec_between(const struct timeval *a, const struct timeval *b);

/* "S.UUUUUU" seconds for a span of `usec` microseconds, "-0.300000" below
 * zero (where timersub leaves -1 s and 700000 us); `buf` gets at least
 * USEC_TEXT_LEN bytes. */
#define USEC_TEXT_LEN 24
void format_usec(long long usec, char *buf, size_t len);
struct strbuf;
/* The same text appended to `out`. */
void usec_text(long long usec, struct strbuf *out);

#endif
