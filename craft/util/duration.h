/* duration.h - "250ms", "1s", "2.5s", "100us", or bare seconds. */
#ifndef CRAFT_DURATION_H
#define CRAFT_DURATION_H

/* Microseconds in `*usec`; -1 if `s` is not a duration (up to a day). */
int parse_duration(const char *s, long *usec);

#endif
