/* send.c - `rawcraft send`: a template, its probes and the replies. */
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../craft/engine/engine.h"
#include "../craft/engine/probe.h"
#include "../craft/engine/stream.h"
#include "../craft/engine/streamwords.h"
#include "../craft/lang/template.h"
#include "../craft/util/xalloc.h"
#include "cli.h"
#include "privs.h"
#include "stop.h"

struct sending {
	struct options *opt;
	struct printer *pr;
	const struct expectation *want;
	size_t count;
	const struct frame *tmpl;	/* for --fragment's DF warning, once */
	const char *path;
};

static void on_sent(void *ctx, size_t idx, const struct frame *f, const struct timeval *ts)
{
	struct sending *s = ctx;
	char json[64];
	snprintf(json, sizeof json, "\"direction\":\"sent\",\"probe\":%zu", idx + 1);
	struct frame_note note = { .prefix = "> ", .json = json, .recorded = true };
	if (idx == 0)
		fragment_warn_df(s->opt, s->tmpl, f, s->path);
	/* Answered probes print their answers alone, as ping; -v and -x show what left too. */
	if (s->count == 1 || expect_empty(s->want) || s->opt->json || s->opt->verbose || s->opt->hex)
		printer_frame(s->pr, f, ts, &note);
}

static void on_matched(void *ctx, size_t idx, const struct frame *f, const struct timeval *ts,
		       long rtt)
{
	struct sending *s = ctx;
	char suffix[64], json[96];
	if (s->count > 1)
		snprintf(suffix, sizeof suffix, "  probe=%zu rtt=%ldus", idx + 1, rtt);
	else
		snprintf(suffix, sizeof suffix, "  rtt=%ldus", rtt);
	snprintf(json, sizeof json, "\"direction\":\"received\",\"probe\":%zu,\"rtt_us\":%ld",
		 idx + 1, rtt);
	struct frame_note note = { .prefix = "< ", .suffix = suffix, .json = json,
				   .recorded = true };
	printer_frame(s->pr, f, ts, &note);
}

static void on_kernel_rst(void *ctx, const char *summary)
{
	struct sending *s = ctx;
	if (!s->opt->json)
		print_kernel_rst(summary, "the next send of this connection finds it reset: "
				 "send with --block-rst (drops the kernel's RSTs) or --ghost IP "
				 "(speak from an address no host owns)");
}

static void report_timeout(const struct sending *s, const struct probe_result *r)
{
	if (s->opt->json) {
		struct strbuf out;
		sb_init(&out);
		sb_puts(&out, "{\"timeout\":{\"expect\":");
		sb_json_str(&out, s->want->text, strlen(s->want->text));
		sb_printf(&out, ",\"within_us\":%ld,", s->opt->timeout_us);
		near_miss_text(r->closest, true, &out);
		sb_puts(&out, "}}\n");
		fputs(out.s, stdout);
		sb_free(&out);
		return;
	}
	printf("no reply matched '%s' within %gs\n", s->want->text,
	       (double)s->opt->timeout_us / 1e6);
	printf("  waited for: a reply to %s\n", r->first_summary);
}

/* The targets a sweep did not send to, in the stats' words: ", 6 no
 * answer (no ARP reply)"; as JSON, ",\"no_arp_reply\":6". */
static void unreached_words(const struct probe_result *r, bool json, char *buf, size_t len)
{
	*buf = '\0';
	if (!r->unreached)
		return;
	if (!json) {
		snprintf(buf, len, ", %zu no answer (%s)", r->unreached, r->unreached_why);
		return;
	}
	snprintf(buf, len, ",\"%s\":%zu", r->unreached_key, r->unreached);
}

/* Without an expectation, nothing to match: what was sent, and the targets
 * that were not. */
static void report_unreached(const struct sending *s, const struct probe_result *r)
{
	char unreached[80];
	unreached_words(r, s->opt->json, unreached, sizeof unreached);
	if (s->opt->json)
		printf("{\"stats\":{\"sent\":%zu%s}}\n", r->sent, unreached);
	else
		printf("--- %zu sent%s\n", r->sent, unreached);
}

static void report_stats(const struct sending *s, const struct probe_result *r)
{
	size_t lost = r->lost;
	double n = r->matched ? (double)r->matched : 1;
	double avg = r->rtt_sum / n;
	double mdev = sqrt(fmax(0, r->rtt_sq / n - avg * avg));
	char unreached[80];
	unreached_words(r, s->opt->json, unreached, sizeof unreached);
	struct strbuf passes;
	sb_init(&passes);
	passes_words(s->opt->retries, r->passes, r->reprobed, !r->lost, s->opt->json,
		     &passes);
	if (s->opt->json)
		printf("{\"stats\":{\"sent\":%zu,\"matched\":%u,\"lost\":%zu%s,"
		       "\"rtt_us\":{\"min\":%ld,\"avg\":%.0f,\"max\":%ld,\"mdev\":%.0f}%s}}\n",
		       r->sent, r->matched, lost, unreached, r->rtt_min, avg, r->rtt_max, mdev,
		       passes.s);
	else
		printf("--- %zu sent, %u matched, %zu lost (%.1f%% loss)%s, "
		       "rtt min/avg/max/mdev = %ld/%.0f/%ld/%.0f us\n%s",
		       r->sent, r->matched, lost,
		       r->probed ? 100.0 * (double)lost / (double)r->probed : 0.0, unreached,
		       r->rtt_min, avg, r->rtt_max, mdev, passes.s);
	sb_free(&passes);
}

static void report_end(const struct sending *s, const struct probe_result *r)
{
	size_t lost = r->lost;
	if (lost && s->count == 1) {
		report_timeout(s, r);
		if (s->opt->json)
			return;
	}
	if (s->count > 1 || s->opt->retries)
		report_stats(s, r);
	if (!lost || s->opt->json)
		return;
	struct strbuf out;
	sb_init(&out);
	near_miss_text(r->closest, false, &out);
	fputs(out.s, stdout);
	sb_free(&out);
}

static int send_probes(struct cli_engine *c, struct frame *tmpl, const struct expectation *want,
		       const char *path, const struct rng *run, size_t count,
		       const struct iface *ghost)
{
	struct options *opt = c->opt;
	struct sending s = { .opt = opt, .pr = c->pr, .want = want, .count = count,
			     .tmpl = tmpl, .path = path };
	struct probe_params pp = { .path = path, .count = count, .timeout_us = opt->timeout_us,
				   .interval_us = opt->interval_us < 0 ? 1000000 : opt->interval_us,
				   .run = run, .ghost = ghost, .block_rst = opt->block_rst,
				   .fragment = opt->fragment,
				   .frag_order = opt->frag_order < 0 ? FRAG_IN_ORDER :
						 (enum frag_order)opt->frag_order,
				   .retries = opt->retries };
	static const struct probe_ops ops = { .sent = on_sent, .matched = on_matched,
					      .kernel_rst = on_kernel_rst };
	struct probe_result res;
	int rc = probe_run(c->e, tmpl, want, &pp, &ops, &s, &res);
	if (res.finished && !expect_empty(want))
		report_end(&s, &res);
	else if (res.finished && res.unreached)
		report_unreached(&s, &res);
	unsigned dropped = engine_dropped(c->e);
	/* The probes reach -w whether or not the capture saw them go. */
	if (res.finished && dropped)
		fprintf(stderr, "rawcraft: warning: the kernel dropped %u captured frames "
			"(replies may be missing%s): slow down with --interval\n", dropped,
			opt->write ? ", from the -w file too, which has every probe" : "");
	return rc;
}

/* Probes one by one (--interval) or a stream (--rate, --flood): not both. */
static bool pacing_ok(const struct options *opt)
{
	if (opt->flood && opt->rate)
		fail("--flood sends as fast as it can and --rate at a set pace: give one of them");
	else if ((opt->flood || opt->rate) && opt->interval_us >= 0)
		fail("--interval paces probes one by one; --rate and --flood send a stream: give one");
	else if ((opt->cpus || opt->tx >= 0) && !opt->flood && !opt->rate)
		fail("%s sets the senders of --flood or --rate", opt->cpus ? "--cpus" : "--tx");
	else if ((opt->ghost || opt->block_rst) && (opt->flood || opt->rate))
		fail("%s is for probes one by one (a handshake typed as sends), not a stream",
		     opt->ghost ? "--ghost" : "--block-rst");
	else if (fragment_misfit(opt))
		fail("%s", fragment_misfit(opt));
	else if ((opt->tx == LINKTX_XDP || opt->tx == LINKTX_PACKET) && opt->write)
		fail("--tx %s passes by the taps -w records from: drop -w, or use --tx qdisc",
		     linktx_path_name((enum linktx_path)opt->tx));
	else
		return true;
	return false;
}

/* The expectation: --expect (a reply matching any of them), else the
 * template's own expect lines. */
static int pick_expectation(struct options *opt, struct expectation *want,
			    struct expectation *from_template)
{
	struct diag d;
	for (unsigned i = 0; i < opt->nexpect && !opt->no_expect; i++)
		if (expect_parse_or(want, opt->expect[i], "--expect", &opt->vars, &d)) {
			fprintf(stderr, "rawcraft: error: --expect '%s': %s\n", opt->expect[i], d.msg);
			return EXIT_INPUT;
		}
	if (!opt->nexpect && !opt->no_expect) {
		*want = *from_template;
		expect_init(from_template);
	}
	return EXIT_OK;
}

int cmd_send(struct options *opt)
{
	if (opt->nfiles != 1) {
		fail("send takes one template: rawcraft send FILE.pkt (or a shipped name: tcp-syn)");
		return EXIT_INPUT;
	}
	struct ghost g;
	if (!pacing_ok(opt) || ghost_parse(opt, &g))
		return EXIT_INPUT;
	char *path;
	size_t len;
	char *text = load_source(opt->files[0], "templates", ".pkt", &path, &len);
	if (!text)
		return EXIT_INPUT;
	char *dircopy = xstrdup(path);
	struct strbuf warnings;
	sb_init(&warnings);
	struct expectation want, from_template;
	expect_init(&want);
	expect_init(&from_template);
	struct template_ctx tc = {
		.file = path, .dir = dirname(dircopy), .vars = &opt->vars,
		.warn = warn_diag, .warn_ctx = &warnings, .expect = &from_template,
	};
	struct printer pr;
	printer_open(&pr, opt, LINK_ETHERNET, false);
	/* Probes are few: each reaches the file at once, and a SIGKILL keeps it. */
	pr.rec.each_frame = !opt->flood && !opt->rate;
	struct cli_engine c = { .opt = opt, .pr = &pr, .keep_net_admin = opt->block_rst };
	struct iface ghost;
	struct stream *stream = NULL;
	struct frame tmpl;
	struct diag d;
	int rc = EXIT_INPUT;
	memset(&tmpl, 0, sizeof tmpl);
	/* ${iface.*} needs the interface, and the interface the destination:
	 * parse once with placeholders to find it, then again for real. */
	engine_iface_vars(NULL, &opt->vars);
	if (template_parse(&tc, text, len, &tmpl, &d)) {
		print_diag("error", &d);
		goto out;
	}
	/* --expect too is input: a fault in it is found before anything opens. */
	if (pick_expectation(opt, &want, &from_template) != EXIT_OK)
		goto out;
	expect_free(&want);
	expect_init(&want);
	/* nft runs as this process runs: with file capabilities, pass them on. */
	if (opt->block_rst)
		privs_share_net_admin();
	if ((rc = cli_engine_open(&c, frame_destination(&tmpl))) != EXIT_OK)
		goto out;
	if (opt->ghost)
		ghost_iface(&g, engine_iface(c.e), &ghost);
	engine_iface_vars(opt->ghost ? &ghost : engine_iface(c.e), &opt->vars);
	frame_free(&tmpl);
	expect_free(&from_template);
	rc = EXIT_INPUT;
	sb_reset(&warnings);
	if (template_parse(&tc, text, len, &tmpl, &d)) {
		print_diag("error", &d);
		goto out;
	}
	if (warnings.len)
		fputs(warnings.s, stderr);
	if (pick_expectation(opt, &want, &from_template) != EXIT_OK)
		goto out;
	bool streaming = opt->flood || opt->rate;
	uint64_t count = opt->count ? opt->count : frame_cycle(&tmpl);
	if (!streaming && count > 100000000) {
		fail("the template's ranges make %llu frames, one probe at a time: "
		     "give -c, or stream them with --rate or --flood", (unsigned long long)count);
		goto out;
	}
	struct rng run;
	if (opt->seeded)
		rng_seed(&run, opt->seed);
	else
		rng_seed_random(&run);
	stop_catch();
	if (streaming)
		rc = send_stream(&c, &tmpl, &want, path, &run, &stream);
	else
		rc = send_probes(&c, &tmpl, &want, path, &run, (size_t)count,
				 opt->ghost ? &ghost : NULL);
	if (printer_close(&pr))
		rc = EXIT_SYSTEM;
	exit_before_teardown(rc);
out:
	stop_release();
	stream_free(stream);
	engine_close(c.e);
	printer_close(&pr);
	frame_free(&tmpl);
	expect_free(&want);
	expect_free(&from_template);
	sb_free(&warnings);
	free(dircopy);
	free(path);
	free(text);
	return rc;
}
