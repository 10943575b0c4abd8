/* show.c - `rawcraft show`: build from templates, print, send nothing. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../craft/builder/build.h"
#include "../craft/engine/engine.h"
#include "../craft/decode/decode.h"
#include "../craft/builder/resolve.h"
#include "../craft/lang/template.h"
#include "../craft/util/xalloc.h"
#include "cli.h"
#include "stop.h"

/* Without -i, the interface that routes the frame's destination, as send
 * picks it: found by a parse with ${iface.*} placeholders, whose faults
 * and warnings the real parse tells. */
static int frame_iface(struct options *opt, struct template_ctx *tc, const char *text,
		       size_t len, struct iface *ifc, bool *have)
{
	struct vars placeholders;
	vars_init(&placeholders);
	for (size_t i = 0; i < opt->vars.n; i++)
		vars_set(&placeholders, opt->vars.v[i].name, opt->vars.v[i].value);
	engine_iface_vars(NULL, &placeholders);
	struct template_ctx quiet = *tc;
	quiet.vars = &placeholders;
	quiet.warn = NULL;
	struct frame f;
	struct diag d;
	struct addr dst = { .family = ADDR_NONE };
	if (template_parse(&quiet, text, len, &f, &d) == 0) {
		dst = frame_destination(&f);
		frame_free(&f);
	}
	vars_free(&placeholders);
	return pick_iface(opt, &dst, ifc, have);
}

/* Parses, resolves and builds one frame's template -c times, or once per
 * value of its ranges.  `frames` counts across files: each frame draws its
 * own.  `ifc`: -i's, else NULL (chosen by the frame's destination). */
static int show_frame(struct options *opt, struct template_ctx *tc, const char *text,
		      size_t len, const struct iface *ifc, const struct rng *rng,
		      uint64_t *frames, struct builder *b, struct printer *pr)
{
	struct iface routed;
	bool have = true;
	if (!ifc && frame_iface(opt, tc, text, len, &routed, &have))
		return EXIT_SYSTEM;
	if (!ifc && have)
		ifc = &routed;
	struct strbuf warnings;
	sb_init(&warnings);
	tc->warn_ctx = &warnings;
	struct frame tmpl;
	struct diag d;
	if (template_parse(tc, text, len, &tmpl, &d)) {
		print_diag("error", &d);
		sb_free(&warnings);
		return EXIT_INPUT;
	}
	if (warnings.len)
		fputs(warnings.s, stderr);
	sb_free(&warnings);
	int rc = EXIT_OK;
	struct rng draws;
	struct resolve_env env = { .file = tc->file, .iface = ifc, .rng = &draws, .run = rng };
	uint64_t count = opt->count ? opt->count : frame_cycle(&tmpl);
	for (uint64_t i = 0; i < count && rc == EXIT_OK && !out_broken() && !stop_requested(); i++) {
		env.index = i;
		rng_for_frame(rng, (*frames)++, &draws);
		if (frame_resolve(&tmpl, &env, &d) || build_frame(b, &tmpl, &d)) {
			print_diag("error", &d);
			rc = EXIT_INPUT;
			break;
		}
		struct frame shown;
		struct timeval now;
		gettimeofday(&now, NULL);
		decode_built(&tmpl, &shown);
		printer_frame(pr, &shown, &now, NULL);
		frame_free(&shown);
	}
	frame_free(&tmpl);
	return rc;
}

/* Every frame of one file: one template, or several ended by `---` lines. */
static int show_file(struct options *opt, const char *name, const struct iface *ifc,
		     const struct rng *rng, uint64_t *frames, struct builder *b,
		     struct printer *pr)
{
	char *path;
	size_t len;
	char *text = load_source(name, "templates", ".pkt", &path, &len);
	if (!text)
		return EXIT_INPUT;
	char *dircopy = xstrdup(path);
	struct template_ctx tc = {
		.file = path, .dir = dirname(dircopy), .vars = &opt->vars, .warn = warn_diag,
	};
	struct template_parts parts = { .text = text, .len = len };
	const char *part;
	size_t plen;
	int rc = EXIT_OK;
	while (rc == EXIT_OK && template_next_part(&parts, &part, &plen, &tc.line))
		rc = show_frame(opt, &tc, part, plen, ifc, rng, frames, b, pr);
	free(dircopy);
	free(path);
	free(text);
	return rc;
}

int cmd_show(struct options *opt)
{
	if (opt->nfiles == 0) {
		fail("show needs a template: rawcraft show FILE.pkt (or a shipped name: arp-request)");
		return EXIT_INPUT;
	}
	struct iface ifc;
	bool have_iface = false;
	if (opt->iface && pick_iface(opt, NULL, &ifc, &have_iface))
		return EXIT_SYSTEM;
	struct rng rng;
	if (opt->seeded)
		rng_seed(&rng, opt->seed);
	else
		rng_seed_random(&rng);
	char err[256];
	struct builder *b = builder_open(NULL, err, sizeof err);
	if (!b) {
		fail("libnet: %s", err);
		return EXIT_SYSTEM;
	}
	stop_catch();	/* a signal ends the frames: -w closed whole */
	struct printer pr;
	printer_open(&pr, opt, LINK_ETHERNET, false);
	int rc = EXIT_OK;
	uint64_t frames = 0;
	for (int i = 0; i < opt->nfiles && rc == EXIT_OK; i++)
		rc = show_file(opt, opt->files[i], have_iface ? &ifc : NULL, &rng, &frames, b, &pr);
	if (rc == EXIT_OK && stop_requested())
		rc = 128 + stop_requested();
	if (printer_close(&pr))
		rc = EXIT_SYSTEM;
	stop_release();
	builder_close(b);
	return rc;
}
