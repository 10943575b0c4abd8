/* run.c - `rawcraft run`: a scripted exchange, shown as a conversation
 * (step, direction, relative numbers, the TCP state of both ends). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../craft/core/field.h"
#include "../craft/engine/engine.h"
#include "../craft/engine/runner.h"
#include "../craft/engine/runview.h"
#include "cli.h"
#include "privs.h"
#include "run.h"
#include "stop.h"

struct running {
	struct options *opt;
	struct printer *pr;
	const struct scenario *sc;
	struct grading *gr;
	unsigned points;	/* reported: --json's numbers */
	struct timespec last;	/* the start, or the last point */
};

static void on_frame(void *ctx, const struct step *st, const struct frame *f,
		     const struct timeval *ts, enum run_from from, const struct frame_analysis *fa)
{
	struct running *rn = ctx;
	struct strbuf line, json;
	sb_init(&line);
	sb_init(&json);
	runview_line(rn->pr->frames + 1, st, f, from, fa, &line);
	runview_json(st, from, fa, &json);
	struct frame_note note = { .summary = line.s, .suffix = "", .json = json.s,
				   .recorded = true, .fa = fa };
	printer_frame(rn->pr, f, ts, &note);
	sb_free(&line);
	sb_free(&json);
}

/* An expect took a frame shown before it began to wait. */
static void on_took(void *ctx, const struct step *st, uint32_t no)
{
	struct running *rn = ctx;
	struct strbuf s;
	sb_init(&s);
	runview_took(st, no, rn->opt->json, &s);
	fputs(s.s, stdout);
	out_flush();
	sb_free(&s);
}

static void on_print(void *ctx, const struct step *st, const char *text)
{
	struct running *rn = ctx;
	if (rn->opt->json) {
		struct strbuf s;
		sb_init(&s);
		sb_puts(&s, "{\"print\":");
		sb_json_str(&s, text, strlen(text));
		sb_printf(&s, ",\"line\":%u}\n", st->pos.line);
		fputs(s.s, stdout);
		sb_free(&s);
	} else {
		printf("%s\n", text);
	}
	out_flush();
}

static void on_missed(void *ctx, const struct step *st, const struct alternative *alts,
		      size_t nalts, const struct near_miss *misses, const char *remedy)
{
	struct running *rn = ctx;
	struct strbuf want, s;
	sb_init(&want);
	sb_init(&s);
	alternatives_text(alts, nalts, &want);
	if (rn->opt->json) {
		sb_printf(&s, "{\"failed\":{\"line\":%u,\"step\":", st->pos.line);
		sb_json_str(&s, st->name, strlen(st->name));
		sb_puts(&s, ",\"expect\":");
		sb_json_str(&s, want.s, want.len);
		sb_printf(&s, ",\"within_us\":%ld,", st->usec);
		near_miss_text(misses, true, &s);
		if (remedy) {
			sb_puts(&s, ",\"remedy\":");
			sb_json_str(&s, remedy, strlen(remedy));
		}
		sb_puts(&s, "}}\n");
	} else {
		sb_printf(&s, "%s:%u:%u: expect %s: nothing matched '%s' within %gs\n",
			  st->file ? st->file : rn->sc->file, st->pos.line, st->pos.col, st->name,
			  want.s, (double)st->usec / 1e6);
		near_miss_text(misses, false, &s);
		if (remedy)
			sb_printf(&s, "  %s\n", remedy);
	}
	fputs(s.s, stdout);
	sb_free(&s);
	sb_free(&want);
}

/* A failed check, and what a failure made the run skip: one line each,
 * as an expect's miss is told. */
static void point_text(const struct lab_point *p)
{
	const struct step *st = p->st;
	if (p->outcome == POINT_PASS || (p->outcome == POINT_FAIL && st->kind != STEP_CHECK))
		return;
	if (p->outcome == POINT_SKIP)
		printf("%s:%u:%u: %s skipped: %s\n", p->file, st->pos.line, st->pos.col, p->title,
		       p->why);
	else
		printf("%s:%u:%u: %s: got %s, expected %s%s%s%s\n", p->file, st->pos.line,
		       st->pos.col, p->title, p->got, p->expected, p->message ? " (" : "",
		       p->message ? p->message : "", p->message ? ")" : "");
	out_flush();
}

static void on_skipped(void *ctx, const struct step *st, const char *why)
{
	struct running *rn = ctx;
	char title[128];
	if (rn->opt->json)
		return;
	scenario_step_title(st, title, sizeof title);
	printf("%s:%u:%u: %s skipped: %s\n", st->file, st->pos.line, st->pos.col, title, why);
	out_flush();
}

static void on_kernel_rst(void *ctx, const char *summary)
{
	struct running *rn = ctx;
	if (!rn->opt->json)
		print_kernel_rst(summary, NULL);
}

/* A peer step's line in the view; a failed one names its place. */
static void on_peer(void *ctx, const struct step *st, const struct peer_said *said)
{
	struct running *rn = ctx;
	struct strbuf s;
	sb_init(&s);
	runview_peer(st, st->file ? st->file : rn->sc->file, said, rn->opt->json, &s);
	fputs(s.s, stdout);
	out_flush();
	sb_free(&s);
}

/* Each test point: its line of text or --json, then to the graders' formats. */
static void on_point(void *ctx, const struct lab_point *p)
{
	struct running *rn = ctx;
	struct grade_point gp;
	grade_point_set(&gp, p, &rn->last);
	if (rn->opt->json) {
		struct strbuf s;
		sb_init(&s);
		grade_point_json(&gp, ++rn->points, &s);
		fputs(s.s, stdout);
		out_flush();
		sb_free(&s);
	} else {
		point_text(p);
	}
	grading_point(rn->gr, &gp);
}

/* Every fault in the file is found before anything is sent; the first
 * destination picks the interface. */
static int check_scenario(struct options *opt, struct scenario *sc, const char *path,
			  const char *text, size_t len, struct addr *dst)
{
	struct vars vars;
	struct diag d;
	vars_init(&vars);
	for (size_t i = 0; i < opt->vars.n; i++)
		vars_set(&vars, opt->vars.v[i].name, opt->vars.v[i].value);
	engine_iface_vars(NULL, &vars);
	int rc = EXIT_OK;
	if (scenario_parse(sc, path, text, len, &d) || scenario_check(sc, &vars, dst, &d)) {
		print_diag("error", &d);
		rc = EXIT_INPUT;
	}
	vars_free(&vars);
	return rc;
}

static int run_scenario(struct options *opt, const struct scenario *sc, struct addr dst,
			const struct ghost *g, struct grading *gr)
{
	struct printer pr;
	printer_open(&pr, opt, LINK_ETHERNET, false);
	pr.rec.each_frame = true;	/* a few frames: a SIGKILL keeps them */
	struct cli_engine c = { .opt = opt, .pr = &pr, .keep_net_admin = opt->block_rst };
	struct running rn = { .opt = opt, .pr = &pr, .sc = sc, .gr = gr };
	struct iface ghost;
	struct rng rng;
	clock_gettime(CLOCK_MONOTONIC, &rn.last);
	if (opt->seeded)
		rng_seed(&rng, opt->seed);
	else
		rng_seed_random(&rng);
	struct runner_params rp = { .sc = sc, .given = &opt->vars, .block_rst = opt->block_rst,
				    .peer_netns = opt->peer, .user = opt->user,
				    .keep_going = opt->keep_going, .rng = &rng };
	static const struct runner_ops ops = { .frame = on_frame, .took = on_took,
					       .print = on_print, .missed = on_missed,
					       .kernel_rst = on_kernel_rst, .peer = on_peer,
					       .point = on_point, .skipped = on_skipped };
	int rc = cli_engine_open(&c, dst);
	if (rc == EXIT_OK && g) {
		ghost_iface(g, engine_iface(c.e), &ghost);
		rp.ghost = &ghost;
	}
	if (rc == EXIT_OK)
		rc = runner_run(c.e, &rp, &ops, &rn);
	printer_finish(&pr);	/* whatever the end: a failed exchange is worth a look */
	if (printer_close(&pr))
		rc = EXIT_SYSTEM;
	engine_close(c.e);
	return rc;
}

int lab_load(struct options *opt, const char *name, struct lab *lab)
{
	*lab = (struct lab){ .name = name, .dst = { .family = ADDR_NONE } };
	lab->text = load_source(name, "examples", ".lab", &lab->path, &lab->len);
	if (!lab->text)
		return EXIT_INPUT;
	return check_scenario(opt, &lab->sc, lab->path, lab->text, lab->len, &lab->dst);
}

void lab_free(struct lab *lab)
{
	scenario_free(&lab->sc);
	free(lab->path);
	free(lab->text);
}

int lab_play(struct options *opt, const struct ghost *g, struct lab *lab, struct grading *gr)
{
	/* Before the nftables table exists, so no signal can strand it. */
	stop_catch();
	/* nft runs as this process runs: with file capabilities, pass them on. */
	if (opt->block_rst)
		privs_share_net_admin();
	int rc = run_scenario(opt, &lab->sc, lab->dst, opt->ghost ? g : NULL, gr);
	stop_release();
	return rc;
}

int cmd_run(struct options *opt)
{
	if (opt->nfiles != 1) {
		fail("run takes one scenario: rawcraft run FILE.lab (or a shipped name: handshake)");
		return EXIT_INPUT;
	}
	struct ghost g;
	struct lab lab = { 0 };
	struct grading gr;
	int rc = ghost_parse(opt, &g) ? EXIT_INPUT : lab_load(opt, opt->files[0], &lab);
	if (rc == EXIT_OK && (rc = grading_open(&gr, opt, -1, false)) == EXIT_OK) {
		gr.lab = grade_lab(&gr.g, opt->files[0]);
		rc = lab_play(opt, &g, &lab, &gr);
		grading_end_lab(&gr, &lab.sc, rc);
		rc = grading_close(&gr, rc);
	}
	lab_free(&lab);
	return rc;
}
