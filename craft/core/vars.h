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
	struct var *unmade;	/* a step's name, and why its bindings are missing */
	size_t nunmade;
};

void vars_init(struct vars *vs);
void vars_free(struct vars *vs);
/* Sets or replaces; copies both strings. */
void vars_set(struct vars *vs, const char *name, const char *value);
const char *vars_get(const struct vars *vs, const char *name, size_t len);
/* Forgets NAME and every NAME.x, and notes `why` they are missing (an
 * expect that failed, a step that was skipped), so that a step needing
 * one is skipped rather than refused as naming an unknown variable. */
void vars_unmake(struct vars *vs, const char *name, const char *why);
/* Why NAME (or the step its NAME.x belongs to) has no value, as
 * vars_unmake noted it; NULL if nothing made it missing. */
const char *vars_unmade(const struct vars *vs, const char *name, size_t len);

#endif
