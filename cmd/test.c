/* test.c - `rawcraft test LAB...`: a teacher's folder of labs, one after
 * another, with one summary, one exit status (the worst) and one TAP
 * stream, JUnit file and results.json for all of them.
 *
 * Each lab runs in a child process of its own, its points sent back over a
 * pipe: `run` gives up root once its sockets and captures are open, so a
 * second lab in the same process could not open its own, and opening every
 * lab's first would hold captures that see each other's frames.  The
 * parent keeps root only to start the next child; it opens nothing. */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../craft/util/xalloc.h"
#include "run.h"
#include "stop.h"

/* The child's points as they come, until it closes the pipe; a signal
 * that asks this process to stop is passed on to it. */
static void take_points(struct grading *gr, int fd, pid_t child)
{
	struct strbuf buf;
	char chunk[4096];
	ssize_t n;
	bool told = false;
	sb_init(&buf);
	while ((n = read(fd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR)) {
		if (!told && (told = stop_requested() != 0))
			kill(child, stop_requested());
		size_t had = gr->lab->n;
		sb_add(&buf, chunk, n > 0 ? (size_t)n : 0);
		grade_take(gr->lab, &buf);
		grading_tap(gr, had);
	}
	sb_free(&buf);
}

static int play_in_child(struct options *opt, const struct ghost *g, struct lab *lab,
			 struct grading *gr)
{
	int fds[2];
	fflush(NULL);	/* or the child writes what the parent holds again */
	pid_t pid = pipe2(fds, O_CLOEXEC) ? -1 : fork();
	if (pid < 0) {
		fail("cannot start a process for %s: %s", lab->name, strerror(errno));
		return EXIT_SYSTEM;
	}
	if (pid == 0) {
		struct grading up;
		close(fds[0]);
		prctl(PR_SET_PDEATHSIG, SIGTERM);	/* a lab stops (and cleans up) with its parent */
		grading_open(&up, opt, fds[1], true);
		_exit(out_finish(grading_close(&up, lab_play(opt, g, lab, &up))));
	}
	close(fds[1]);
	take_points(gr, fds[0], pid);
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_SYSTEM;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (stop_requested())
		return 128 + WTERMSIG(status);
	/* Killed, not asked to stop: a fault of this lab, not the end of the run. */
	fail("%s crashed (signal %d); its points not reached are skipped, the next lab runs",
	     lab->name, WTERMSIG(status));
	return EXIT_SYSTEM;
}

int cmd_test(struct options *opt)
{
	if (opt->nfiles < 1) {
		fail("test takes scenarios: rawcraft test LAB.lab... (see rawcraft --help)");
		return EXIT_INPUT;
	}
	struct ghost g;
	struct lab *labs = xcalloc((size_t)opt->nfiles, sizeof *labs);
	struct grading gr;
	int rc = ghost_parse(opt, &g) ? EXIT_INPUT : EXIT_OK;
	/* Every lab is checked before the first sends anything. */
	for (int i = 0; i < opt->nfiles && rc == EXIT_OK; i++)
		rc = lab_load(opt, opt->files[i], &labs[i]);
	if (rc == EXIT_OK && (rc = grading_open(&gr, opt, -1, true)) == EXIT_OK) {
		struct strbuf s;
		sb_init(&s);
		stop_catch();	/* the children stop on it too; the results are written */
		for (int i = 0, lab_rc = EXIT_OK; i < opt->nfiles; i++) {
			sb_reset(&s);
			grade_lab_head(labs[i].name, opt->json, &s);
			fputs(s.s, stdout);
			gr.lab = grade_lab(&gr.g, labs[i].name);
			if (lab_rc <= 128)	/* after a signal, the rest are not run */
				lab_rc = stop_requested() ? 128 + stop_requested() :
					 play_in_child(opt, &g, &labs[i], &gr);
			grading_end_lab(&gr, &labs[i].sc, lab_rc);
			rc = lab_rc > rc ? lab_rc : rc;
		}
		sb_reset(&s);
		grade_summary(&gr.g, opt->json, &s);
		fputs(s.s, stdout);
		sb_free(&s);
		rc = grading_close(&gr, rc);
		stop_release();
	}
	for (int i = 0; i < opt->nfiles; i++)
		lab_free(&labs[i]);
	free(labs);
	return rc;
}
