/* vars.c - a small ordered map; templates hold a handful of variables. */
#include "vars.h"
#include "../util/xalloc.h"

#include <stdlib.h>
#include <string.h>

void vars_init(struct vars *vs)
{
	vs->v = NULL;
	vs->unmade = NULL;
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
		free(vs->unmade[i].why);
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

void vars_unmake(struct vars *vs, const char *name, const char *why, bool failed,
		 const struct vars *keep)
{
	size_t kept = 0, n = strlen(name);
	for (size_t i = 0; i < vs->n; i++) {
		const char *var = vs->v[i].name;
		if (under(var, strlen(var), name) && !vars_get(keep, var, strlen(var))) {
			free(vs->v[i].name);
			free(vs->v[i].value);
		} else {
			vs->v[kept++] = vs->v[i];
		}
	}
	vs->n = kept;
	kept = 0;
	for (size_t i = 0; i < vs->nunmade; i++) {
		const char *was = vs->unmade[i].name;
		if (under(was, strlen(was), name) && strlen(was) > n) {
			free(vs->unmade[i].name);
			free(vs->unmade[i].why);
		} else {
			vs->unmade[kept++] = vs->unmade[i];
		}
	}
	vs->nunmade = kept;
	for (size_t i = 0; i < vs->nunmade; i++)
		if (strcmp(vs->unmade[i].name, name) == 0) {
			free(vs->unmade[i].why);
			vs->unmade[i].why = xstrdup(why);
			vs->unmade[i].failed = failed;
			return;
		}
	struct unmade *grown = xrealloc(vs->unmade, (vs->nunmade + 1) * sizeof *grown);
	vs->unmade = grown;
	vs->unmade[vs->nunmade++] = (struct unmade){ xstrdup(name), xstrdup(why), failed };
}

const struct unmade *vars_unmade(const struct vars *vs, const char *name, size_t len)
{
	const struct unmade *best = NULL;
	for (size_t i = 0; vs && i < vs->nunmade; i++)
		if (under(name, len, vs->unmade[i].name) &&
		    (!best || strlen(vs->unmade[i].name) > strlen(best->name)))
			best = &vs->unmade[i];
	return best;
}
