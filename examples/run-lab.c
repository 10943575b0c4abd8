/*
 * run-lab.c - a shipped scenario through the engine, every frame of the
 * run and each print reported by callbacks.
 *   build/examples/run-lab IF FILE.lab [NAME=VALUE]...   (needs CAP_NET_RAW)
 * Exit: as `rawcraft run` (0 every expect met, 1 one missed, 2, 3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <craft/engine/engine.h>
#include <craft/engine/runner.h>
#include <craft/engine/runview.h>
#include <craft/lang/lex.h>

static void on_fault(void *ctx, enum engine_fault kind, const struct diag *d)
{
	(void)ctx;
	(void)kind;
	if (d->file && d->line)
		fprintf(stderr, "%s:%u:%u: error: %s\n", d->file, d->line, d->col, d->msg);
	else
		fprintf(stderr, "run-lab: %s\n", d->msg);
}

/* Every frame of the run, numbered as the -w file would number them, in
 * the words of rawcraft run's view. */
static void on_frame(void *ctx, const struct step *st, const struct frame *f,
		     const struct timeval *ts, enum run_from from, const struct frame_analysis *fa)
{
	unsigned *frames = ctx;
	(void)ts;
	struct strbuf s;
	sb_init(&s);
	runview_line(++*frames, st, f, from, fa, &s);
	printf("%s\n", s.s);
	sb_free(&s);
}

/* An expect took a frame that arrived before it waited. */
static void on_took(void *ctx, const struct step *st, uint32_t no)
{
	(void)ctx;
	struct strbuf s;
	sb_init(&s);
	runview_took(st, no, false, &s);
	fputs(s.s, stdout);
	sb_free(&s);
}

static void on_print(void *ctx, const struct step *st, const char *text)
{
	(void)ctx, (void)st;
	printf("%s\n", text);
}

static void on_missed(void *ctx, const struct step *st, const struct alternative *alts,
		      size_t nalts, const struct near_miss *closest, const char *remedy)
{
	(void)ctx, (void)alts, (void)nalts, (void)closest;
	printf("line %u: expect %s: nothing matched%s%s\n", st->pos.line, st->name,
	       remedy ? ": " : "", remedy ? remedy : "");
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: run-lab IF FILE.lab [NAME=VALUE]...\n");
		return 2;
	}
	size_t len;
	char *text;
	enum infile_fault f = src_read_file(argv[2], &text, &len);
	if (f) {
		fprintf(stderr, "run-lab: cannot read %s: %s\n", argv[2], infile_error(f));
		return 2;
	}
	struct vars vars;
	vars_init(&vars);
	for (int i = 3; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq)
			continue;
		*eq = '\0';
		vars_set(&vars, argv[i], eq + 1);
	}
	engine_iface_vars(NULL, &vars);	/* placeholders for the check */
	struct scenario sc;
	struct diag d;
	struct addr dst;	/* the first destination: -i routes by it in rawcraft run */
	int rc = 2;
	static const struct engine_ops ops = { .fault = on_fault };
	if (scenario_parse(&sc, argv[2], text, len, &d) || scenario_check(&sc, &vars, &dst, &d)) {
		on_fault(NULL, ENGINE_FAULT_INPUT, &d);
	} else {
		struct engine *e = NULL;
		struct engine_config cfg = { .ifname = argv[1], .neighbor_timeout_us = 1000000 };
		rc = engine_open(&e, &cfg, &ops, NULL);
		struct rng rng;
		rng_seed_random(&rng);
		struct runner_params rp = { .sc = &sc, .given = &vars, .rng = &rng };
		static const struct runner_ops rops = { .frame = on_frame, .took = on_took,
							.print = on_print, .missed = on_missed };
		unsigned frames = 0;
		if (rc == ENGINE_OK)
			rc = runner_run(e, &rp, &rops, &frames);
		engine_close(e);
	}
	scenario_free(&sc);
	vars_free(&vars);
	free(text);
	return rc;
}
