/* grading.c - where a run's test points go: TAP, JUnit, Gradescope, a parent. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

static FILE *create(const char *path, bool *failed)
{
	FILE *f = path && !*failed ? fopen(path, "we") : NULL;
	if (path && !f && !*failed)
		*failed = fail("cannot write '%s': %s", path, strerror(errno));
	return f;
}

int grading_open(struct grading *gr, const struct options *opt, int up, bool named)
{
	*gr = (struct grading){ .opt = opt, .up = up, .g.named = named };
	if (up >= 0)
		return EXIT_OK;
	bool failed = false;
	gr->junit = create(opt->junit, &failed);
	gr->gradescope = create(opt->gradescope, &failed);
	if (!failed && opt->tap) {
		/* Everything else printed goes to stderr from here on; nft and
		 * the other programs a run starts get none of these files. */
		fflush(stdout);
		int fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
		if (fd < 0 || !(gr->tap = fdopen(fd, "w")) || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			failed = fail("cannot move output to stderr for --tap: %s", strerror(errno));
		else
			fputs(GRADE_TAP_HEAD, gr->tap);
	}
	return failed ? grading_close(gr, EXIT_SYSTEM) : EXIT_OK;
}

void grading_tap(struct grading *gr, size_t from)
{
	struct strbuf s;
	sb_init(&s);
	for (size_t i = from; gr->tap && i < gr->lab->n; i++)
		grade_tap_point(&gr->lab->pts[i], ++gr->n, gr->g.named ? gr->lab->file : NULL, &s);
	if (s.len && (fwrite(s.s, 1, s.len, gr->tap) != s.len || fflush(gr->tap)))
		gr->broken = true;
	sb_free(&s);
}

void grading_point(struct grading *gr, struct grade_point *gp)
{
	if (gr->up < 0) {
		grade_add(gr->lab, gp);
		grading_tap(gr, gr->lab->n - 1);
		return;
	}
	struct strbuf s;
	sb_init(&s);
	grade_point_pack(gp, &s);
	for (size_t off = 0; off < s.len && !gr->broken;) {
		ssize_t n = write(gr->up, s.s + off, s.len - off);
		gr->broken = n < 0 && errno != EINTR;
		off += n > 0 ? (size_t)n : 0;
	}
	sb_free(&s);
	grade_point_free(gp);
}

void grading_end_lab(struct grading *gr, const struct scenario *sc, int rc)
{
	size_t had = gr->lab->n;
	grade_end(gr->lab, sc, rc > 128 ? GRADE_SIGNAL : rc == EXIT_NOMATCH ? GRADE_FAILED :
		  rc == EXIT_SYSTEM ? GRADE_FAULT : GRADE_DONE, rc - 128);
	grading_tap(gr, had);
}

/* Writes `s` to `f` and closes it: false if any of it failed. */
static bool finish(FILE *f, const struct strbuf *s)
{
	bool ok = fwrite(s->s, 1, s->len, f) == s->len;
	return !fclose(f) && ok;
}

int grading_close(struct grading *gr, int rc)
{
	struct strbuf s;
	sb_init(&s);
	gr->broken |= gr->up >= 0 && close(gr->up);
	if (gr->tap) {
		if (rc > 128)
			grade_tap_bail("stopped by a signal", &s);
		else
			grade_tap_plan(gr->n, &s);
		gr->broken |= !finish(gr->tap, &s);
	}
	FILE *files[] = { gr->junit, gr->gradescope };
	const char *paths[] = { gr->opt->junit, gr->opt->gradescope };
	for (size_t i = 0; i < 2; i++) {
		if (!files[i])
			continue;
		sb_reset(&s);
		(i ? grade_gradescope : grade_junit)(&gr->g, &s);
		if (!finish(files[i], &s)) {
			fail("cannot write '%s': %s", paths[i], strerror(errno));
			rc = EXIT_SYSTEM;
		}
	}
	if (gr->broken) {
		fail("%s", gr->up >= 0 ? "cannot send test points to rawcraft test" :
		     "writing the TAP stream on standard output failed");
		rc = EXIT_SYSTEM;
	}
	sb_free(&s);
	grade_free(&gr->g);
	return rc;
}
