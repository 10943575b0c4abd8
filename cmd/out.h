/* out.h - the process's own output: descriptors 0-2 always open, every
 * failed write noticed, and one verdict on them at exit. */
#ifndef CMD_OUT_H
#define CMD_OUT_H

#include <stdbool.h>

/* First thing in main: a closed 0, 1 or 2 is opened on /dev/null, before
 * any file or socket could take its number (text into a pcap, into a
 * packet socket); SIGPIPE ignored, so that a reader gone is EPIPE. */
void out_start(void);
/* After writing to stdout: notes its first failure and why (errno). */
void out_check(void);
/* A file's write failed (-w, --html), already reported: exit 3. */
void out_fault(void);
/* stdout or a file failed: the run stops as for a signal (any thread). */
bool out_broken(void);
/* Flushes stdout and stderr and gives the exit code: `rc`, or 141 when
 * stdout's reader went away, or 3 after one message when a write failed. */
int out_finish(int rc);

#endif
