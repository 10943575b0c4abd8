/* vars.c - a small ordered map; templates hold a handful of variables. */
#include "vars.h"
#include "../util/xalloc.h"

#include <stdlib.h>
#include <string.h>

void vars_init(struct vars *vs)
{
	vs->v = NULL;
	vs->n = vs->cap = 0;
}

void vars_free(struct vars *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		free(vs->v[i].name);
		free(vs->v[i].value);
	}
	free(vs->v);
	vars_init(vs);
}

void vars_set(struct vars *vs, const char *name, const char *value)
{
	for (size_t i = 0; i < vs->n; i++)
		if (strcmp(vs->v[i].name, name) == 0) {
			free(vs->v[i].value);
			vs->v[i].value = xstrdup(value);
			return;
		}
	if (vs->n == vs->cap) {
		size_t cap = vs->cap ? vs->cap * 2 : 8;
		struct var *v = xrealloc(vs->v, cap * sizeof *v);
		vs->v = v;
		vs->cap = cap;
	}
	vs->v[vs->n].name = xstrdup(name);
	vs->v[vs->n].value = xstrdup(value);
	vs->n++;
}

const char *vars_get(const struct vars *vs, const char *name, size_t len)
{
	for (size_t i = 0; vs && i < vs->n; i++)
		if (strlen(vs->v[i].name) == len && memcmp(vs->v[i].name, name, len) == 0)
			return vs->v[i].value;
	return NULL;
}
