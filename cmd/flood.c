/* flood.c - `send --rate` and `--flood`: the stream's output and summary. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../craft/engine/stream.h"
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
		(unsigned long long)sent, secs > 0 ? (double)sent / secs : 0.0, secs,
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

static void json_classes(const struct stream *s, struct strbuf *out)
{
	const struct stream_result *r = stream_result(s);
	sb_puts(out, ",\"classes\":[");
	for (unsigned c = 0; c <= r->ncls; c++) {
		bool none = c == r->ncls;
		sb_printf(out, "%s{\"reply\":", c ? "," : "");
		if (none)
			sb_puts(out, "null");
		else
			sb_json_str(out, r->cls[c].name, strlen(r->cls[c].name));
		sb_printf(out, ",\"expected\":%s,\"count\":%llu,\"targets\":[",
			  !none && r->cls[c].wanted ? "true" : "false",
			  (unsigned long long)(none ? r->silent : r->cls[c].n));
		stream_list_targets(s, none ? -1 : (int)c, true, out);
		sb_puts(out, "]}");
	}
	sb_puts(out, "]");
}

static void json_report(const struct stream *s, const struct options *opt, bool replies,
			const char *signame, struct strbuf *out)
{
	const struct stream_result *r = stream_result(s);
	double secs = (double)r->send_ns / 1e9, pps = secs > 0 ? (double)r->sent / secs : 0;
	sb_printf(out, "{\"stats\":{\"sent\":%llu,\"elapsed_us\":%llu,\"pps\":%.0f,"
		  "\"senders\":%u,\"path\":\"%s\"", (unsigned long long)r->sent,
		  (unsigned long long)(r->send_ns / 1000u), pps, r->nsenders,
		  r->patched ? "patched" : "rebuilt");
	if (opt->rate)
		sb_printf(out, ",\"rate\":%llu", (unsigned long long)opt->rate);
	if (replies)
		sb_printf(out, ",\"targets\":%llu,\"answered\":%llu,\"unanswered\":%llu,"
			  "\"duplicates\":%llu,\"tracked\":%llu", (unsigned long long)r->targets,
			  (unsigned long long)r->answered, (unsigned long long)r->silent,
			  (unsigned long long)r->duplicates, (unsigned long long)r->tracked);
	if (r->capturing)
		sb_printf(out, ",\"capture_dropped\":%u", r->dropped);
	if (signame)
		sb_printf(out, ",\"interrupted\":\"%s\"", signame);
	sb_puts(out, "}");
	if (replies)
		json_classes(s, out);
	sb_puts(out, "}\n");
}

static void text_classes(const struct stream *s, struct strbuf *out)
{
	const struct stream_result *r = stream_result(s);
	sb_printf(out, "    %llu targets: %llu answered, %llu no answer",
		  (unsigned long long)r->targets, (unsigned long long)(r->targets - r->silent),
		  (unsigned long long)r->silent);
	if (r->count > r->tracked)
		sb_printf(out, " (replies told apart for the first %llu probes)",
			  (unsigned long long)r->tracked);
	if (r->duplicates)
		sb_printf(out, ", %llu repeated replies", (unsigned long long)r->duplicates);
	sb_putc(out, '\n');
	for (unsigned c = 0; c <= r->ncls; c++) {
		bool none = c == r->ncls;
		uint64_t n = none ? r->silent : r->cls[c].n;
		if (!n)
			continue;
		sb_printf(out, "    %-24s %8llu  ", none ? "no answer" : r->cls[c].name,
			  (unsigned long long)n);
		stream_list_targets(s, none ? -1 : (int)c, false, out);
		if (!none && !r->cls[c].wanted)
			sb_puts(out, "  (not what was expected)");
		sb_putc(out, '\n');
	}
}

static void text_report(const struct stream *s, const struct options *opt, bool replies,
			const char *signame, struct strbuf *out)
{
	const struct stream_result *r = stream_result(s);
	double secs = (double)r->send_ns / 1e9, pps = secs > 0 ? (double)r->sent / secs : 0;
	sb_printf(out, "--- %llu sent in %.3fs (%.0f pps, %u sender%s, %s frames)",
		  (unsigned long long)r->sent, secs, pps, r->nsenders,
		  r->nsenders == 1 ? "" : "s", r->patched ? "patched" : "rebuilt");
	if (signame)
		sb_printf(out, ", stopped by %s", signame);
	sb_putc(out, '\n');
	if (opt->rate && !signame && r->sent > 1 && pps < 0.98 * (double)opt->rate)
		sb_printf(out, "    the pace fell short: %llu frames/s asked, %.0f reached\n",
			  (unsigned long long)opt->rate, pps);
	if (replies)
		text_classes(s, out);
	/* What the capture saw: replies, and with -w our own frames too. */
	const char *lacking = !opt->write ? " (replies may be missing: lower --rate)" :
			      replies ? " (the -w file lacks them, and the summary any replies among "
					"them: lower --rate)" : " (the -w file lacks them: lower --rate)";
	if (r->capturing)
		sb_printf(out, "    capture: %u frames dropped by the kernel%s\n", r->dropped,
			  r->dropped ? lacking : "");
}

static void report(const struct stream *s, const struct options *opt, bool waiting)
{
	int sig = stop_requested();
	const char *signame = !sig ? NULL : sig == SIGINT ? "SIGINT" :
			      sig == SIGHUP ? "SIGHUP" : "SIGTERM";
	bool replies = stream_result(s)->capturing && waiting;
	struct strbuf out;
	sb_init(&out);
	if (opt->json)
		json_report(s, opt, replies, signame, &out);
	else
		text_report(s, opt, replies, signame, &out);
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
		.cpus = opt->cpus, .timeout_us = opt->timeout_us, .record = opt->write != NULL,
		.progress = isatty(STDERR_FILENO) && !opt->json, .run = run,
	};
	int rc = stream_run(c->e, tmpl, want, &sp, &ops, &fl, stream);
	if (stream_result(*stream)->reportable)
		report(*stream, opt, !expect_empty(want));
	return rc;
}
