/* grade.c - the test points of labs, kept as the runner reports them, and
 * the records that carry them from a child process to its parent. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"
#include "grade.h"
#include "text.h"

void grade_init(struct grade *g)
{
	*g = (struct grade){ 0 };
}

void grade_point_free(struct grade_point *gp)
{
	free(gp->title);
	free(gp->file);
	free(gp->label);
	free(gp->expected);
	free(gp->got);
	free(gp->message);
	free(gp->why);
	*gp = (struct grade_point){ 0 };
}

void grade_free(struct grade *g)
{
	for (size_t i = 0; i < g->n; i++) {
		for (size_t k = 0; k < g->labs[i].n; k++)
			grade_point_free(&g->labs[i].pts[k]);
		free(g->labs[i].pts);
		free(g->labs[i].file);
	}
	free(g->labs);
	grade_init(g);
}

struct grade_lab *grade_lab(struct grade *g, const char *file)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 4;
		g->labs = xrealloc(g->labs, g->cap * sizeof *g->labs);
	}
	struct grade_lab *l = &g->labs[g->n++];
	*l = (struct grade_lab){ .file = xstrdup(file) };
	return l;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void grade_point_set(struct grade_point *gp, const struct lab_point *p, struct timespec *since)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double secs = (double)(now.tv_sec - since->tv_sec) +
		      (double)(now.tv_nsec - since->tv_nsec) / 1e9;
	*since = now;
	*gp = (struct grade_point){
		.outcome = p->outcome, .points = p->points, .line = p->st ? p->st->pos.line : 0,
		.secs = secs, .title = xstrdup(p->title ? p->title : ""),
		.file = dup_or_null(p->file), .label = dup_or_null(p->label),
		.expected = dup_or_null(p->expected), .got = dup_or_null(p->got),
		.message = dup_or_null(p->message), .why = dup_or_null(p->why),
	};
}

const struct grade_point *grade_add(struct grade_lab *l, struct grade_point *gp)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->pts = xrealloc(l->pts, l->cap * sizeof *l->pts);
	}
	l->pts[l->n] = *gp;
	*gp = (struct grade_point){ 0 };
	return &l->pts[l->n++];
}

static bool reported(const struct grade_lab *l, unsigned line)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->pts[i].line == line)
			return true;
	return false;
}

void grade_pending(struct grade_lab *l, const struct scenario *sc, const char *why)
{
	struct strbuf title;
	sb_init(&title);
	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];
		if ((st->kind != STEP_EXPECT && st->kind != STEP_CHECK &&
		     st->kind != STEP_PEER_STATE) || reported(l, st->pos.line))
			continue;
		sb_reset(&title);
		runner_point_title(st, &title);
		struct grade_point gp = {
			.outcome = POINT_SKIP, .points = st->points, .line = st->pos.line,
			.title = xstrdup(title.s), .file = xstrdup(sc->file), .why = xstrdup(why),
		};
		grade_add(l, &gp);
	}
	sb_free(&title);
}

void grade_verdict(const struct grade_point *p, struct strbuf *out)
{
	sb_printf(out, "expected %s, got %s", p->expected ? p->expected : "?", p->got ? p->got : "?");
	if (p->message)
		sb_printf(out, " (%s)", p->message);
}

void grade_end(struct grade_lab *l, const struct scenario *sc, enum grade_end how, int sig)
{
	unsigned failed = 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->pts[i].outcome == POINT_FAIL)
			failed = l->pts[i].line;
	struct strbuf why;
	sb_init(&why);
	sb_puts(&why, "not reached");
	if (how == GRADE_SIGNAL)
		sb_printf(&why, ": stopped by %s", sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" :
			  sig == SIGHUP ? "SIGHUP" : "a signal");
	else if (how == GRADE_FAILED && failed)
		sb_printf(&why, ": the run stopped at line %u's failure", failed);
	else if (how == GRADE_FAULT)
		sb_puts(&why, ": a system fault ended the run (exit 3)");
	grade_pending(l, sc, why.s);
	sb_free(&why);
}

unsigned grade_score(const struct grade_point *p)
{
	return p->outcome == POINT_PASS ? p->points : 0;
}

void grade_sum(const struct grade *g, const struct grade_lab *l, struct grade_sum *s)
{
	*s = (struct grade_sum){ 0 };
	for (size_t i = 0; i < g->n; i++) {
		if (l && l != &g->labs[i])
			continue;
		for (size_t k = 0; k < g->labs[i].n; k++) {
			const struct grade_point *p = &g->labs[i].pts[k];
			s->pass += p->outcome == POINT_PASS;
			s->fail += p->outcome == POINT_FAIL;
			s->skip += p->outcome == POINT_SKIP;
			s->score += grade_score(p);
			s->max += p->points;
		}
	}
}

void grade_lab_head(const char *name, bool json, struct strbuf *out)
{
	if (!json) {
		sb_printf(out, "== %s\n", name);
		return;
	}
	sb_puts(out, "{\"lab\":");
	text_json(name, out);
	sb_puts(out, "}\n");
}

void grade_summary(const struct grade *g, bool json, struct strbuf *out)
{
	struct grade_sum s;
	grade_sum(g, NULL, &s);
	if (json)
		sb_printf(out, "{\"labs\":%zu,\"score\":%lu,\"max_score\":%lu,\"passed\":%u,"
			  "\"failed\":%u,\"skipped\":%u}\n", g->n, s.score, s.max, s.pass, s.fail, s.skip);
	else
		sb_printf(out, "%zu lab%s, %lu point%s of %lu: %u passed, %u failed, %u skipped\n",
			  g->n, g->n == 1 ? "" : "s", s.score, s.score == 1 ? "" : "s", s.max,
			  s.pass, s.fail, s.skip);
}

/* Records are lines of tab-separated fields: the outcome, points, line,
 * seconds, then each text, "-" when absent, else "=" and the text with
 * backslash, tab and newline escaped. */
static const char outcome_char[] = { [POINT_PASS] = 'p', [POINT_FAIL] = 'f', [POINT_SKIP] = 's' };

static void pack_text(const char *s, struct strbuf *out)
{
	sb_putc(out, '\t');
	if (!s) {
		sb_putc(out, '-');
		return;
	}
	sb_putc(out, '=');
	for (; *s; s++) {
		const char *esc = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n" : NULL;
		if (esc)
			sb_puts(out, esc);
		else
			sb_putc(out, *s);
	}
}

void grade_point_pack(const struct grade_point *p, struct strbuf *out)
{
	sb_printf(out, "%c\t%u\t%u\t%.6f", outcome_char[p->outcome], p->points, p->line, p->secs);
	const char *texts[] = { p->title, p->file, p->label, p->expected, p->got, p->message, p->why };
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		pack_text(texts[i], out);
	sb_putc(out, '\n');
}

/* A text field, unescaped: NULL for "-". */
static int unpack_text(const char *f, char **out)
{
	if (f[0] == '-' && !f[1]) {
		*out = NULL;
		return 0;
	}
	if (f[0] != '=')
		return -1;
	char *t = xstrdup(f + 1), *w = t;
	for (const char *r = f + 1; *r; r++) {
		char c = *r;
		if (c == '\\' && r[1]) {
			c = *++r;
			c = c == 't' ? '\t' : c == 'n' ? '\n' : c;
		}
		*w++ = c;
	}
	*w = '\0';
	*out = t;
	return 0;
}

static int unpack_uint(const char *f, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(f, &end, 10);
	*out = (unsigned)v;
	return *f && !*end && v <= 0xffffffffu ? 0 : -1;
}

int grade_point_unpack(const char *buf, size_t len, struct grade_point *gp)
{
	*gp = (struct grade_point){ 0 };
	if (len && buf[len - 1] == '\n')
		len--;
	char *line = xstrndup(buf, len), *rest = line, *f[11];
	size_t n = 0;
	while (rest && n < 11)
		f[n++] = strsep(&rest, "\t");
	const char *oc = n == 11 && !rest && f[0][0] && !f[0][1] ?
			 memchr(outcome_char, f[0][0], sizeof outcome_char) : NULL;
	char *end = NULL;
	int rc = oc && !unpack_uint(f[1], &gp->points) && !unpack_uint(f[2], &gp->line) ? 0 : -1;
	if (rc == 0) {
		gp->outcome = (enum point_outcome)(oc - outcome_char);
		gp->secs = strtod(f[3], &end);
		rc = *end || end == f[3] ? -1 : 0;
	}
	char **texts[] = { &gp->title, &gp->file, &gp->label, &gp->expected, &gp->got, &gp->message,
			   &gp->why };
	for (size_t i = 0; rc == 0 && i < sizeof texts / sizeof texts[0]; i++)
		rc = unpack_text(f[4 + i], texts[i]);
	if (rc == 0 && !gp->title)
		rc = -1;
	if (rc)
		grade_point_free(gp);
	free(line);
	return rc;
}

void grade_take(struct grade_lab *l, struct strbuf *buf)
{
	const char *s = buf->s, *nl;
	for (; (nl = memchr(s, '\n', buf->len - (size_t)(s - buf->s))); s = nl + 1) {
		struct grade_point gp;
		if (grade_point_unpack(s, (size_t)(nl + 1 - s), &gp) == 0)
			grade_add(l, &gp);
	}
	size_t taken = (size_t)(s - buf->s);
	if (taken) {
		memmove(buf->s, s, buf->len - taken + 1);
		buf->len -= taken;
	}
}
