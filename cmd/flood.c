/* flood.c - `send --rate` and `--flood`: the stream's output and summary. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../craft/engine/stream.h"
#include "../craft/engine/streamwords.h"
#include "cli.h"
#include "stop.h"

struct flooding {
	struct options *opt;
	struct printer *pr;
};

static void on_received(void *ctx, uint64_t probe, const struct frame *f,
			const struct timeval *ts)
{
	struct flooding *fl = ctx;
	char json[64];
	snprintf(json, sizeof json, "\"direction\":\"received\",\"probe\":%llu",
		 (unsigned long long)probe + 1);
	struct frame_note note = { .prefix = "< ", .json = json, .brief = true, .recorded = true };
	printer_frame(fl->pr, f, ts, &note);
}

static void on_progress(void *ctx, uint64_t sent, double secs, uint64_t replies, bool last)
{
	(void)ctx;
	fprintf(stderr, "\r\033[Ksent %llu  %.0f pps  %.1fs  replies %llu",
		(unsigned long long)sent, stream_pps(sent, 1, secs), secs,
		(unsigned long long)replies);
	if (last)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

static void on_rebuilt(void *ctx, const char *why)
{
	struct flooding *fl = ctx;
	if (fl->opt->verbose)
		fprintf(stderr, "rawcraft: note: every frame is built whole (%s)\n", why);
}

static void report(const struct stream *s, const struct options *opt, bool waiting)
{
	int sig = stop_requested();
	const char *signame = !sig ? NULL : sig == SIGINT ? "SIGINT" :
			      sig == SIGHUP ? "SIGHUP" : "SIGTERM";
	struct strbuf out;
	sb_init(&out);
	struct stream_words w = { .json = opt->json, .rate = opt->rate, .wrote = opt->write != NULL,
				  .replies = stream_result(s)->capturing && waiting, .signame = signame };
	stream_words(s, &w, &out);
	fwrite(out.s, 1, out.len, stdout);
	sb_free(&out);
}

int send_stream(struct cli_engine *c, struct frame *tmpl, const struct expectation *want,
		const char *path, const struct rng *run, struct stream **stream)
{
	struct options *opt = c->opt;
	struct flooding fl = { .opt = opt, .pr = c->pr };
	struct stream_ops ops = { .progress = on_progress, .rebuilt = on_rebuilt };
	if (opt->verbose || opt->json)
		ops.received = on_received;
	struct stream_params sp = {
		.path = path, .count = opt->count, .flood = opt->flood, .rate = opt->rate,
		.cpus = opt->cpus, .tx = opt->tx < 0 ? LINKTX_AUTO : (enum linktx_path)opt->tx,
		.timeout_us = opt->timeout_us, .record = opt->write != NULL,
		.progress = isatty(STDERR_FILENO) && !opt->json, .run = run, .retries = opt->retries,
	};
	int rc = stream_run(c->e, tmpl, want, &sp, &ops, &fl, stream);
	if (stream_result(*stream)->reportable)
		report(*stream, opt, !expect_empty(want));
	return rc;
}
