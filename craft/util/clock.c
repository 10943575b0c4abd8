/* clock.c - monotonic deadlines and timestamp arithmetic. */
#include "clock.h"
#include "strbuf.h"

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

/* "S.UUUUUU" written backwards from `end`, without printf (every summary
 * line has one); returns its first character. */
static char *usec_chars(long long usec, char *end)
{
	unsigned long long mag = usec < 0 ? 0ull - (unsigned long long)usec : (unsigned long long)usec;
	char *o = end;
	for (int i = 0; i < 6; i++, mag /= 10)
		*--o = (char)('0' + mag % 10);
	*--o = '.';
	do
		*--o = (char)('0' + mag % 10);
	while (mag /= 10);
	if (usec < 0)
		*--o = '-';
	return o;
}

void format_usec(long long usec, char *buf, size_t len)
{
	char t[USEC_TEXT_LEN], *o = usec_chars(usec, t + sizeof t);
	size_t n = (size_t)(t + sizeof t - o);
	if (!len)
		return;
	n = n < len ? n : len - 1;
	memcpy(buf, o, n);
	buf[n] = '\0';
}

void usec_text(long long usec, struct strbuf *out)
{
	char t[USEC_TEXT_LEN], *o = usec_chars(usec, t + sizeof t);
	sb_add(out, o, (size_t)(t + sizeof t - o));
}
