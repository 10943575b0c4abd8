/* vars.h - named string values for ${NAME}: -D, scenario `set`, built-ins. */
#ifndef CRAFT_VARS_H
#define CRAFT_VARS_H

#include <stddef.h>

struct var {
	char *name, *value;
};

struct vars {
	struct var *v;
	size_t n, cap;
};

void vars_init(struct vars *vs);
void vars_free(struct vars *vs);
/* Sets or replaces; copies both strings. */
void vars_set(struct vars *vs, const char *name, const char *value);
const char *vars_get(const struct vars *vs, const char *name, size_t len);

#endif
