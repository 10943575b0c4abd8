/* xalloc.c - allocation with one out-of-memory handler for the process. */
#include "xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static xalloc_oom_fn oom;

void xalloc_set_oom_handler(xalloc_oom_fn fn)
{
	oom = fn;
}

static void *got(void *p, size_t n)
{
	if (p)
		return p;
	if (oom)
		oom(n);
	abort();	/* no handler, or one that returned */
}

void *xmalloc(size_t n)
{
	return got(malloc(n ? n : 1), n);
}

void *xcalloc(size_t n, size_t size)
{
	/* calloc refuses an overflowing product: the handler sees SIZE_MAX. */
	size_t total = size && n > SIZE_MAX / size ? SIZE_MAX : n * size;
	return got(calloc(n ? n : 1, size ? size : 1), total);
}

void *xrealloc(void *p, size_t n)
{
	return got(realloc(p, n ? n : 1), n);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	return got(strndup(s, n), n + 1);
}
