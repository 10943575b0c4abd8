/* decode.c - `rawcraft decode` and `sniff`: a file or a live capture through the decoder. */
#include <stdio.h>
#include <string.h>

#include "../craft/decode/emit.h"
#include "../craft/engine/sniff.h"
#include "../craft/wire/reader.h"
#include "cli.h"
#include "privs.h"
#include "stop.h"

/* --template: the frame as a template instead of its summary. */
static void print_template(struct printer *pr, const struct frame *f, const struct timeval *ts)
{
	struct strbuf text;
	sb_init(&text);
	emit_template(f, pr->seen + 1, pr->frames == 0, &text);
	text.s[--text.len] = '\0';	/* the printer ends the line */
	struct frame_note note = { .summary = text.s, .brief = true };
	printer_frame(pr, f, ts, &note);
	sb_free(&text);
}

int cmd_decode(struct options *opt)
{
	if (opt->nfiles < 1) {
		fail("decode takes one capture file: rawcraft decode FILE.pcap|- [FILTER...]");
		return EXIT_INPUT;
	}
	if (opt->template_out && (opt->json || opt->verbose || opt->hex || opt->ladder)) {
		fail("--template prints templates: it does not go with --json, -v, -x or --ladder");
		return EXIT_INPUT;
	}
	const char *path = opt->files[0];
	char err[512];
	struct reader *in = reader_open(path, err, sizeof err);
	if (!in) {
		fprintf(stderr, "%s: error: %s\n", path, err);
		return EXIT_INPUT;
	}
	if (reader_filter(in, opt->files + 1, (size_t)opt->nfiles - 1, err, sizeof err)) {
		fail("%s", err);
		reader_close(in);
		return EXIT_INPUT;
	}
	if (strcmp(path, "-") == 0)	/* tcpdump -w - | rawcraft decode - | grep: live */
		setvbuf(stdout, NULL, _IOLBF, 0);
	struct reader *ahead = opt->template_out ? NULL : reader_ahead(path);
	stop_catch();	/* a signal ends the reading: -w closed whole */
	struct printer pr;
	/* -w keeps the capture's own link type; templates carry no analysis. */
	printer_open(&pr, opt, reader_link(in), !opt->template_out);
	/* Untrusted bytes are read as USER (-Z; nobody), as tcpdump -r does. */
	int rc = printer_prepare(&pr) ? EXIT_SYSTEM : privs_drop(opt->user, false), got = 0;
	struct frame f;
	struct timeval ts;
	while (rc == EXIT_OK && !out_broken() && !stop_requested() &&
	       (!opt->count || pr.frames < opt->count) &&
	       (got = reader_next(in, &f, &ts, err, sizeof err)) == 1) {
		if (ahead && !analysis_is_segment(&f)) {	/* none for TCP alone */
			reader_prescan(ahead, pr.an);
			ahead = NULL;
		}
		bool shown = reader_matches(in, &f);
		if (opt->template_out && shown)
			print_template(&pr, &f, &ts);
		else
			printer_captured(&pr, &f, &ts, shown);
		frame_free(&f);
	}
	if (rc == EXIT_OK && stop_requested()) {	/* a read it cut short is no fault */
		rc = 128 + stop_requested();
		got = 0;
	}
	if ((rc == EXIT_OK || rc > 128) && got >= 0)
		printer_finish(&pr);
	if (got < 0) {
		out_flush();
		fprintf(stderr, "%s: error: after %u frame%s: %s\n", path, pr.seen,
			pr.seen == 1 ? "" : "s", err);
		rc = EXIT_INPUT;
	}
	if (printer_close(&pr))
		rc = EXIT_SYSTEM;
	stop_release();
	reader_close(ahead);
	reader_close(in);
	return rc;
}

int cmd_sniff(struct options *opt)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	stop_catch();
	struct printer pr;
	struct cli_engine c = { .opt = opt, .pr = &pr, .sniff = true };
	struct sniff *s = NULL;
	int rc = cli_engine_open(&c, (struct addr){ .family = ADDR_NONE });
	if (rc == EXIT_OK)
		rc = sniff_open(c.e, opt->files, (size_t)opt->nfiles, &s);
	if (rc == EXIT_OK) {
		printer_open(&pr, opt, sniff_link(s), true);
		rc = sniff_run(s, opt->count);
		if (rc == EXIT_OK || rc > 128)
			printer_finish(&pr);
		if (engine_dropped(c.e))
			fprintf(stderr, "rawcraft: warning: the kernel dropped %u frames, read too slowly: "
				"%s them (a narrower FILTER helps)\n", engine_dropped(c.e),
				opt->write ? "the analysis and the -w file lack" : "the analysis lacks");
		if (printer_close(&pr))
			rc = EXIT_SYSTEM;
	}
	sniff_free(s);
	exit_before_teardown(rc);
	stop_release();
	engine_close(c.e);
	return rc;
}
