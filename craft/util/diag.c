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
	d->unmade = d->by_failure = false;
	char raw[sizeof d->msg];
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	/* A message quotes user bytes: keep it one printable ASCII line. */
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)raw; *p && n + 5 < sizeof d->msg; p++) {
		if (*p >= 0x20 && *p < 0x7f)
			d->msg[n++] = (char)*p;
		else
			n += (size_t)snprintf(d->msg + n, sizeof d->msg - n, "\\x%02x", *p);
	}
	d->msg[n] = '\0';
}
