/*
 * diag.h - what the library reports instead of printing: a position and one
 * line of text.  The CLI prints it as FILE:LINE:COL: error: MESSAGE.
 */
#ifndef CRAFT_DIAG_H
#define CRAFT_DIAG_H

#include <stdarg.h>
#include <stdbool.h>

struct diag {
	const char *file;
	unsigned line, col;	/* 1-based; 0 when no position applies */
	char msg[512];
	bool unmade;	/* names a binding a step left unmade (vars_unmake) */
	bool by_failure;	/* unmade: by a failed step, or one skipped after it */
	char why[160];	/* unmade: the reason vars_unmake noted */
};

/* Receives warnings (legal but almost surely a mistake); may be NULL. */
typedef void (*warn_fn)(void *ctx, const struct diag *d);

void diag_set(struct diag *d, const char *file, unsigned line, unsigned col,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
