/* vars.h - named string values for ${NAME}: -D, scenario `set`, built-ins. */
#ifndef CRAFT_VARS_H
#define CRAFT_VARS_H

#include <stdbool.h>
#include <stddef.h>

struct var {
	char *name, *value;
};

/* A step's name (or one NAME.x), and why its bindings are missing. */
struct unmade {
	char *name, *why;
	bool failed;		/* a failed step left them so */
};

struct vars {
	struct var *v;
	size_t n, cap;
	struct unmade *unmade;
	size_t nunmade;
};

void vars_init(struct vars *vs);
void vars_free(struct vars *vs);
/* Sets or replaces; copies both strings. */
void vars_set(struct vars *vs, const char *name, const char *value);
const char *vars_get(const struct vars *vs, const char *name, size_t len);
/* Forgets NAME and every NAME.x but those `keep` holds (-D; may be NULL),
 * and notes `why` they are missing (an expect that failed, a frame without
 * an option, a step that was skipped) and whether a failed step is the
 * cause, so that a step needing one is skipped or failed rather than
 * refused as naming an unknown variable.  What was noted of NAME.x goes. */
void vars_unmake(struct vars *vs, const char *name, const char *why, bool failed,
		 const struct vars *keep);
/* Why NAME (or the step its NAME.x belongs to) has no value, as
 * vars_unmake noted it, the closest note first (NAME.tcp.opts.mss before
 * NAME); NULL if nothing made it missing. */
const struct unmade *vars_unmade(const struct vars *vs, const char *name, size_t len);

#endif
