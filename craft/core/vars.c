/* vars.c - a small ordered map; templates hold a handful of variables. */
#include "vars.h"
#include "../util/xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void vars_init(struct vars *vs)
{
	vs->v = vs->unmade = NULL;
	vs->n = vs->cap = vs->nunmade = 0;
}

void vars_free(struct vars *vs)
{
	for (size_t i = 0; i < vs->n; i++) {
		free(vs->v[i].name);
		free(vs->v[i].value);
	}
	free(vs->v);
	for (size_t i = 0; i < vs->nunmade; i++) {
		free(vs->unmade[i].name);
		free(vs->unmade[i].value);
	}
	free(vs->unmade);
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

/* NAME itself or one of its NAME.x. */
static bool under(const char *var, size_t len, const char *name)
{
	size_t n = strlen(name);
	return len >= n && memcmp(var, name, n) == 0 && (len == n || var[n] == '.');
}

void vars_unmake(struct vars *vs, const char *name, const char *why)
{
	size_t kept = 0;
	for (size_t i = 0; i < vs->n; i++) {
		if (under(vs->v[i].name, strlen(vs->v[i].name), name)) {
			free(vs->v[i].name);
			free(vs->v[i].value);
		} else {
			vs->v[kept++] = vs->v[i];
		}
	}
	vs->n = kept;
	for (size_t i = 0; i < vs->nunmade; i++)
		if (strcmp(vs->unmade[i].name, name) == 0) {
			free(vs->unmade[i].value);
			vs->unmade[i].value = xstrdup(why);
			return;
		}
	struct var *grown = xrealloc(vs->unmade, (vs->nunmade + 1) * sizeof *grown);
	vs->unmade = grown;
	vs->unmade[vs->nunmade].name = xstrdup(name);
	vs->unmade[vs->nunmade].value = xstrdup(why);
	vs->nunmade++;
}

const char *vars_unmade(const struct vars *vs, const char *name, size_t len)
{
	for (size_t i = 0; vs && i < vs->nunmade; i++)
		if (under(name, len, vs->unmade[i].name))
			return vs->unmade[i].value;
	return NULL;
}
