/*
 * xalloc.h - memory for the library, or the application's word on running
 * out of it (redis's zmalloc_set_oom_handler): the library never prints
 * nor exits, so what an allocation failure does is the caller's choice,
 * made once.  The handler must not return; without one the process aborts.
 */
#ifndef CRAFT_XALLOC_H
#define CRAFT_XALLOC_H

#include <stddef.h>

typedef void (*xalloc_oom_fn)(size_t size);

/* Called with the size that could not be had; NULL: abort(). */
void xalloc_set_oom_handler(xalloc_oom_fn fn);

/* As malloc, calloc, realloc, strdup and strndup, never NULL: a request
 * for 0 bytes gets 1, and a failure goes to the handler. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
