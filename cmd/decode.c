/* decode.c - `rawcraft decode`: a capture file through the same decoder. */
#include <stdio.h>
#include <sys/stat.h>

#include "../craft/decode/emit.h"
#include "../craft/wire/reader.h"
#include "cli.h"
#include "privs.h"

/* "N SECONDS " before each summary: the frame's number and its time since
 * the first, as Wireshark's first columns. */
static void print_captured(struct printer *pr, const struct frame *f, const struct timeval *ts)
{
	char prefix[64];
	struct timeval rel = { 0, 0 };
	if (pr->frames > 0)
		timersub(ts, &pr->first, &rel);
	snprintf(prefix, sizeof prefix, "%u %ld.%06ld ", pr->frames + 1, (long)rel.tv_sec,
		 (long)rel.tv_usec);
	struct frame_note note = { .prefix = prefix };
	printer_frame(pr, f, ts, &note);
}

/* A first reading of a file, so that a request names the frame that
 * answers it; a pipe is read once, and its requests do not.  Opened
 * before root goes, as the file itself; damage is reported by the second. */
static struct reader *open_prescan(const char *path)
{
	struct stat st;
	char err[512];
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return NULL;
	return reader_open(path, err, sizeof err);
}

static void prescan(struct reader *in, struct analysis *an)
{
	struct frame f;
	struct timeval ts;
	char err[512];
	for (uint32_t n = 1; reader_next(in, &f, &ts, err, sizeof err) == 1; n++) {
		analysis_prescan(an, &f, n, &ts);
		frame_free(&f);
	}
	analysis_prescan_done(an);
	reader_close(in);
}

/* --template: the frame as a template instead of its summary. */
static void print_template(struct printer *pr, const struct frame *f, const struct timeval *ts)
{
	struct strbuf text;
	sb_init(&text);
	emit_template(f, pr->frames + 1, &text);
	text.s[--text.len] = '\0';	/* the printer ends the line */
	struct frame_note note = { .summary = text.s, .brief = true };
	printer_frame(pr, f, ts, &note);
	sb_free(&text);
}

int cmd_decode(struct options *opt)
{
	if (opt->nfiles != 1) {
		fail("decode takes one capture file: rawcraft decode FILE.pcap");
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
	struct reader *ahead = opt->template_out ? NULL : open_prescan(path);
	struct printer pr;
	/* -w keeps the capture's own link type; templates carry no analysis. */
	printer_open(&pr, opt, reader_link(in), !opt->template_out);
	/* Untrusted bytes are read as USER (-Z; nobody), as tcpdump -r does. */
	int rc = printer_prepare(&pr) ? EXIT_SYSTEM : privs_drop(opt->user, false), got = 0;
	if (ahead && rc == EXIT_OK)
		prescan(ahead, pr.an);
	else if (ahead)
		reader_close(ahead);
	struct frame f;
	struct timeval ts;
	while (rc == EXIT_OK && (got = reader_next(in, &f, &ts, err, sizeof err)) == 1) {
		if (opt->template_out)
			print_template(&pr, &f, &ts);
		else
			print_captured(&pr, &f, &ts);
		frame_free(&f);
	}
	if (rc == EXIT_OK && got == 0)
		printer_finish(&pr);
	if (got < 0) {
		fflush(stdout);
		fprintf(stderr, "%s: error: after %u frame%s: %s\n", path, pr.frames,
			pr.frames == 1 ? "" : "s", err);
		rc = EXIT_INPUT;
	}
	if (printer_close(&pr) && rc == EXIT_OK)
		rc = EXIT_SYSTEM;
	reader_close(in);
	return rc;
}
