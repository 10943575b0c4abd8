/* duration.c - durations for timeouts, intervals and sleeps. */
#include "duration.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

int parse_duration(const char *s, long *usec)
{
	if (!isdigit((unsigned char)s[0]))
		return -1;
	char *end;
	double v = strtod(s, &end);
	double scale;
	if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
		scale = 1e6;
	else if (strcmp(end, "ms") == 0)
		scale = 1e3;
	else if (strcmp(end, "us") == 0)
		scale = 1;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		scale = 60e6;
	else
		return -1;
	v *= scale;
	if (v < 0 || v > 86400e6)
		return -1;
	*usec = (long)(v + 0.5);
	return 0;
}
