/*
 * scenario.h - the `.lab` language: steps at column 0, their layer or match
 * lines indented below them.
 *
 *   set NAME VALUE          send [NAME] [@template.pkt]     sleep DURATION
 *   print "text ${var}"     expect NAME [within DURATION] [any]
 *
 * Parsing checks the shape of every step; scenario_check() then walks the
 * steps with placeholder values for what replies will bind, so that every
 * fault in the file is reported before the first frame is sent.
 */
#ifndef CRAFT_SCENARIO_H
#define CRAFT_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "lex.h"
#include "vars.h"

enum step_kind { STEP_SEND, STEP_EXPECT, STEP_SET, STEP_SLEEP, STEP_PRINT };

struct step {
	enum step_kind kind;
	struct srcpos pos;
	char *name;			/* send/expect NAME, set NAME; may be NULL */
	const struct src_line *lines;	/* layer or match lines */
	size_t nlines;
	const char *file;		/* where `lines` come from (a @template) */
	struct src_line arg;		/* set VALUE, print TEXT: the rest of the line */
	long usec;			/* sleep, expect within */
	bool any;			/* expect ... any: no reply scope */
};

struct scenario {
	const char *file;
	struct src src;
	struct src *included;		/* @templates, one src each */
	char **included_names;
	size_t nincluded;
	struct step *steps;
	size_t nsteps;
};

int scenario_parse(struct scenario *sc, const char *file, const char *text, size_t len,
		   struct diag *d);
void scenario_free(struct scenario *sc);

/* Walks the steps as a run would, with `vars` plus placeholders for every
 * ${NAME.layer.field} an earlier send or expect NAME will bind. */
int scenario_check(const struct scenario *sc, const struct vars *vars, struct diag *d);

/* Binds NAME.layer.field (NAME.layer2.field for a repeated layer) for
 * every field present in `f`. */
struct frame;
void scenario_bind(struct vars *vars, const char *name, const struct frame *f);

#endif
