/* clock.c - monotonic deadlines and timestamp arithmetic. */
#include "clock.h"

#include <string.h>

void deadline_in(struct deadline *d, long usec)
{
	clock_gettime(CLOCK_MONOTONIC, &d->at);
	d->at.tv_sec += usec / 1000000;
	d->at.tv_nsec += (usec % 1000000) * 1000;
	if (d->at.tv_nsec >= 1000000000) {
		d->at.tv_sec++;
		d->at.tv_nsec -= 1000000000;
	}
}

long deadline_left(const struct deadline *d)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(d->at.tv_sec - now.tv_sec) * 1000000L + (d->at.tv_nsec - now.tv_nsec) / 1000;
}

long usec_between(const struct timeval *a, const struct timeval *b)
{
	return (long)(b->tv_sec - a->tv_sec) * 1000000L + (long)(b->tv_usec - a->tv_usec);
}

void format_usec(long long usec, char *buf, size_t len)
{
	/* Digits from the right, without printf: every summary line has one. */
	unsigned long long mag = usec < 0 ? 0ull - (unsigned long long)usec : (unsigned long long)usec;
	char t[USEC_TEXT_LEN], *o = t + sizeof t;
	for (int i = 0; i < 6; i++, mag /= 10)
		*--o = (char)('0' + mag % 10);
	*--o = '.';
	do
		*--o = (char)('0' + mag % 10);
	while (mag /= 10);
	if (usec < 0)
		*--o = '-';
	size_t n = (size_t)(t + sizeof t - o);
	if (!len)
		return;
	n = n < len ? n : len - 1;
	memcpy(buf, o, n);
	buf[n] = '\0';
}
