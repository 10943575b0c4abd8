/*
 * grade.h - a lab's test points as graders read them: kept from the
 * runner's reports (struct lab_point), then written as TAP version 13,
 * JUnit XML, a Gradescope results.json, or one --json line each.  The
 * formatters append to a strbuf; the caller decides where it goes.
 *
 * A run that ends early (a failure without --keep-going, a signal) has
 * points it never reached: grade_pending lists each such step once, as
 * skipped.  Without `for` loops every student's results hold the same
 * points and max score; rounds of a loop not run count as one point.
 */
#ifndef CRAFT_GRADE_H
#define CRAFT_GRADE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "../engine/runner.h"
#include "../lang/scenario.h"
#include "../util/strbuf.h"

/* A lab_point with its own copies of the text (NULL where it has none). */
struct grade_point {
	enum point_outcome outcome;
	unsigned points;	/* what it is worth */
	unsigned line;		/* the step's, in `file` */
	double secs;		/* from the previous point (or the start) to this one */
	char *title, *file, *label, *expected, *got, *message, *why;
};

struct grade_lab {
	char *file;		/* the scenario, as given */
	struct grade_point *pts;
	size_t n, cap;
};

struct grade {
	struct grade_lab *labs;
	size_t n, cap;
	bool named;		/* names say which lab they are from (rawcraft test) */
};

struct grade_sum {
	unsigned pass, fail, skip;
	unsigned long score, max;
};

void grade_init(struct grade *g);
void grade_free(struct grade *g);
/* A new lab, where the points that follow go. */
struct grade_lab *grade_lab(struct grade *g, const char *file);

/* Fills `gp` with copies of what `p` holds, its time the monotonic clock's
 * since `*since`, which becomes now. */
void grade_point_set(struct grade_point *gp, const struct lab_point *p, struct timespec *since);
void grade_point_free(struct grade_point *gp);
/* Moves `gp` into the lab, its last point: `*gp` is the lab's now. */
const struct grade_point *grade_add(struct grade_lab *l, struct grade_point *gp);
/* Appends, skipped with `why`, every test point step of `sc` on a line
 * the lab has no point from: steps a run never reached. */
void grade_pending(struct grade_lab *l, const struct scenario *sc, const char *why);
/* How a run ended, for grade_end's `why`. */
enum grade_end { GRADE_DONE, GRADE_FAILED, GRADE_FAULT, GRADE_SIGNAL };
/* grade_pending, saying why: the run stopped at its (last) failed point,
 * by signal `sig`, or by a system fault. */
void grade_end(struct grade_lab *l, const struct scenario *sc, enum grade_end how, int sig);

/* A failed point's one line: "expected X, got Y (message)". */
void grade_verdict(const struct grade_point *p, struct strbuf *out);

/* Counts and scores of one lab, or (l NULL) of every lab. */
void grade_sum(const struct grade *g, const struct grade_lab *l, struct grade_sum *s);
/* What a point earned: its points if it passed, else 0. */
unsigned grade_score(const struct grade_point *p);

/* TAP: its first line; point `n` (`lab` names it, or NULL) with a YAML
 * block if it failed; the plan; a bail out. */
#define GRADE_TAP_HEAD "TAP version 13\n"
void grade_tap_point(const struct grade_point *p, unsigned n, const char *lab,
		     struct strbuf *out);
void grade_tap_plan(unsigned n, struct strbuf *out);
void grade_tap_bail(const char *why, struct strbuf *out);

/* JUnit XML: a testsuite per lab, a testcase per point. */
void grade_junit(const struct grade *g, struct strbuf *out);
/* Gradescope's results.json: the score and a test per point. */
void grade_gradescope(const struct grade *g, struct strbuf *out);
/* The line before a lab's view: "== NAME", or {"lab":"NAME"}. */
void grade_lab_head(const char *name, bool json, struct strbuf *out);
/* "N labs, P points of M: A passed, F failed, S skipped", or as JSON. */
void grade_summary(const struct grade *g, bool json, struct strbuf *out);
/* One --json line: {"point":N,"line":..,"title":..,"outcome":..,...}. */
void grade_point_json(const struct grade_point *p, unsigned n, struct strbuf *out);

/* A point as one record for a pipe (rawcraft test's children), and back:
 * 0, or -1 if `buf` is no whole record. */
void grade_point_pack(const struct grade_point *p, struct strbuf *out);
int grade_point_unpack(const char *buf, size_t len, struct grade_point *gp);
/* Moves each whole record in `buf` into `l` (a line that is none is
 * dropped); a record cut short is left in `buf`. */
void grade_take(struct grade_lab *l, struct strbuf *buf);

#endif
