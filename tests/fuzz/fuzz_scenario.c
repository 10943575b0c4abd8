/*
 * fuzz_scenario.c - libFuzzer target for the `.lab` language: text ->
 * scenario_parse -> scenario_check, the walk `rawcraft run` makes before the
 * first frame is sent (every step's template, match lines, for values, set
 * and print substitutions, placeholders for what replies will bind).  No
 * socket, no interface: only the library's parser and static check.
 *
 * Besides memory errors it traps on broken promises: an error without a
 * position or a message, loops whose for/end links do not point at each
 * other, layer lines outside the text they came from.
 *
 * The file system is kept out of reach: the scenario lives in a directory
 * that does not exist, and inputs are taken only when every @template and
 * file= names a plain relative name (no '/', quote, escape or ${}), so
 * every one of them fails to open.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#include "fuzz_common.h"
#include "../../craft/lang/lex.h"
#include "../../craft/lang/scenario.h"
#include "../../craft/core/vars.h"

#define FUZZ_FILE "/nonexistent-rawcraft-fuzz-dir/fuzz.lab"

static struct vars vs;
static bool verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Nothing here should read stdin; make sure it could not block. */
	int fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	/* FUZZ_VERBOSE=1 prints what each input comes to (to check seeds). */
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	vars_init(&vs);
	/* What -D gives the shipped examples, and what set_iface_vars(NULL)
	 * sets before the check (no interface is known yet). */
	static const char *const defs[][2] = {
		{ "SERVER", "10.0.0.2" }, { "PORT", "9230" }, { "TARGET", "10.0.0.9" },
		{ "NET", "10.0.0" }, { "FIRST", "1" }, { "LAST", "3" },
		{ "N", "7" }, { "X", "0x10" }, { "S", "abc" }, { "E", "" },
		{ "BIG", "4294967295" }, { "TEXT", "hello \"world\"\n" },
		{ "SERVER6", "2001:db8::2" }, { "ADDR", "2001:db8::2" },
		{ "iface.mac", "00:00:00:00:00:00" }, { "iface.ip", "0.0.0.0" },
		{ "iface.ip6", "::" }, { "iface.ll6", "::" },
	};
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
		vars_set(&vs, defs[i][0], defs[i][1]);
	return 0;
}

static void need_position(const char *stage, const struct diag *d)
{
	if (verbose)
		fprintf(stderr, "fuzz_scenario: %s: %s:%u:%u: %s\n", stage, d->file, d->line,
			d->col, d->msg);
	if (!d->msg[0] || !d->file || !d->line || !d->col) {
		fprintf(stderr, "fuzz_scenario: %s error without a position: %s:%u:%u: %s\n",
			stage, d->file ? d->file : "(null)", d->line, d->col, d->msg);
		abort();
	}
}

/* What scenario_parse promises about the steps it made. */
static void check_steps(const struct scenario *sc)
{
	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];
		if (st->kind == STEP_FOR || st->kind == STEP_END) {
			enum step_kind other = st->kind == STEP_FOR ? STEP_END : STEP_FOR;
			if (st->jump >= sc->nsteps || sc->steps[st->jump].kind != other ||
			    sc->steps[st->jump].jump != i) {
				fprintf(stderr, "fuzz_scenario: step %zu: for/end not linked\n", i);
				abort();
			}
		}
		if (!st->file) {
			fprintf(stderr, "fuzz_scenario: step %zu has no file\n", i);
			abort();
		}
		if (st->nlines && !(st->lines >= sc->src.lines &&
				     st->lines + st->nlines <= sc->src.lines + sc->src.nlines)) {
			fprintf(stderr, "fuzz_scenario: step %zu: lines outside the text\n", i);
			abort();
		}
		if (st->kind == STEP_SEND && !st->nlines) {
			fprintf(stderr, "fuzz_scenario: send step %zu without lines\n", i);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = plain_text(data, size);
	if (!text)
		return 0;

	struct scenario sc;
	struct diag d;
	memset(&d, 0, sizeof d);
	if (scenario_parse(&sc, FUZZ_FILE, text, size, &d)) {
		need_position("parse", &d);
		scenario_free(&sc);
		free(text);
		return 0;
	}
	check_steps(&sc);

	struct addr dst = { .family = ADDR_NONE };
	char dst_text[ADDR_STRLEN] = "none";
	memset(&d, 0, sizeof d);
	if (scenario_check(&sc, &vs, &dst, &d)) {
		need_position("check", &d);
	} else if (verbose) {
		if (dst.family != ADDR_NONE)
			addr_format(&dst, dst_text, sizeof dst_text);
		fprintf(stderr, "fuzz_scenario: ok: %zu steps, first destination %s\n",
			sc.nsteps, dst_text);
	}

	scenario_free(&sc);
	free(text);
	return 0;
}
