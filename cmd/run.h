/* run.h - what `run` and `test` share: a lab read, checked and played, and
 * where its test points go (TAP, JUnit, Gradescope; from a child, a pipe). */
#ifndef CMD_RUN_H
#define CMD_RUN_H

#include "../craft/grade/grade.h"
#include "cli.h"

struct lab {
	const char *name;	/* as given */
	char *path, *text;
	size_t len;
	struct scenario sc;
	struct addr dst;	/* the first destination: it picks the interface */
};

struct grading {
	const struct options *opt;
	struct grade g;
	struct grade_lab *lab;	/* where points go now: set it to grade_lab()'s */
	FILE *tap, *junit, *gradescope;
	unsigned n;		/* TAP's numbers */
	int up;			/* a child's pipe to its parent, else -1 */
	bool broken;		/* a write failed: exit 3 */
};

/* Reads and checks every step of `name` (exit 2 after an error). */
int lab_load(struct options *opt, const char *name, struct lab *lab);
/* Plays it (`g`: --ghost's, if given), its points to `gr`: an exit code. */
int lab_play(struct options *opt, const struct ghost *g, struct lab *lab, struct grading *gr);
void lab_free(struct lab *lab);

/* Creates the files now, so that a bad path fails before anything is
 * sent; `up` >= 0: a child's, every point a record on that pipe.  `named`:
 * names say which lab (test).  An exit code. */
int grading_open(struct grading *gr, const struct options *opt, int up, bool named);
/* Takes `gp` (TAP's line now), or sends it up. */
void grading_point(struct grading *gr, struct grade_point *gp);
/* TAP's lines for the lab's points from `from` on. */
void grading_tap(struct grading *gr, size_t from);
/* After the lab's run ended with `rc`: the points it never reached, skipped. */
void grading_end_lab(struct grading *gr, const struct scenario *sc, int rc);
/* TAP's plan (a bail out after a signal), then the files: `rc`, or 3. */
int grading_close(struct grading *gr, int rc);

#endif
