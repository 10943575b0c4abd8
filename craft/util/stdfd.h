/* stdfd.h - stdio as a tool must use it: descriptors 0-2 kept open, and a
 * stream's first failed write kept with its errno. */
#ifndef CRAFT_STDFD_H
#define CRAFT_STDFD_H

#include <stdio.h>

/* Opens /dev/null on each of 0, 1 and 2 that is closed, as OpenSSH's
 * sanitise_stdfd: else the next file or socket opened takes its number,
 * and what is meant for stdout goes into a pcap or onto the wire.  -1 if
 * it cannot. */
int stdfd_sanitise(void);
/* After writes to `f`: the errno of its first failure, kept in *first
 * (stdio keeps only a flag, and errno is right just after the failed
 * call); 0 while none failed. */
int stdfd_error(FILE *f, int *first);

#endif
