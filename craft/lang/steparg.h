/*
 * steparg.h - the words after a step's keyword, as scenario.c reads them,
 * for the steps parsed in files of their own (peerstep.c).
 */
#ifndef CRAFT_STEPARG_H
#define CRAFT_STEPARG_H

#include "scenario.h"

/* The next blank-separated word (up to a comment); its length, 0 at the end. */
size_t step_word(struct lexer *lx, const char **w, struct srcpos *pos);
/* After `points`: N into st->points. */
int step_points(struct scenario *sc, struct step *st, struct lexer *lx, struct diag *d);
/* After `within`: a duration into st->usec. */
int step_within(struct scenario *sc, struct step *st, struct lexer *lx, struct diag *d);

#endif
