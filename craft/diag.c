/* diag.c - filling a diagnostic. */
#include "diag.h"

#include <stdio.h>

void diag_set(struct diag *d, const char *file, unsigned line, unsigned col,
	      const char *fmt, ...)
{
	va_list ap;
	d->file = file;
	d->line = line;
	d->col = col;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof d->msg, fmt, ap);
	va_end(ap);
}
