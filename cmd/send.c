/* send.c - `rawcraft send`: build, inject at the link layer, match the replies. */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../craft/build.h"
#include "../craft/clock.h"
#include "../craft/decode.h"
#include "../craft/describe.h"
#include "../craft/field.h"
#include "../craft/match.h"
#include "../craft/neighbor.h"
#include "../craft/proto.h"
#include "../craft/resolve.h"
#include "../craft/template.h"
#include "cli.h"


struct probe {
	struct expectation direct, icmp_error;
	char summary[256];
	struct timeval at;
	bool matched;
};

struct run {
	struct options *opt;
	struct printer pr;
	struct builder *b;
	struct capture *cap;
	struct iface ifc;
	struct expectation want;
	struct probe *probes;
	size_t nprobes;
	unsigned matched;
	long rtt_min, rtt_max;
	double rtt_sum, rtt_sq;
	struct near_miss closest[NEAR_MISSES + 1];
	struct neighbors nb;
	struct strbuf warnings;
};

static void log_exchange(void *ctx, const struct frame *f, bool sent, const struct timeval *ts)
{
	struct run *r = ctx;
	if (!sent) {
		printer_record(&r->pr, f, ts);
		return;
	}
	/* Our own frames are built, not decoded: show them as a capture would. */
	struct frame shown;
	decode_frame(f->bytes, f->len, f->len, LINK_ETHERNET, &shown);
	printer_record(&r->pr, &shown, ts);
	frame_free(&shown);
}

static int open_interface(struct run *r, const struct frame *tmpl)
{
	char err[256];
	int rc = choose_iface(r->opt->iface, frame_destination(tmpl), &r->ifc);
	if (rc != EXIT_OK)
		return rc;
	const char *dev = r->ifc.name;
	set_iface_vars(&r->opt->vars, &r->ifc);
	r->b = builder_open(dev, err, sizeof err);
	if (!r->b) {
		if (strstr(err, "permitted") || strstr(err, "UID") || strstr(err, "CAP_NET_RAW"))
			fail("%s (%s)", PERMISSION_HINT, err);
		else
			fail("cannot inject on %s: %s", dev, err);
		return EXIT_SYSTEM;
	}
	return EXIT_OK;
}

static int open_capture(struct run *r, const struct frame *first)
{
	char bpf[512], err[512];
	enum capture_error why;
	scope_bpf(first, bpf, sizeof bpf);
	r->cap = capture_open(r->ifc.name, bpf, 0, &why, err, sizeof err);
	if (r->cap)
		return EXIT_OK;
	if (why == CAP_PERMISSION)
		fail("%s (%s)", PERMISSION_HINT, err);
	else if (why == CAP_DOWN)
		fail("interface %s is down: ip link set %s up", r->ifc.name, r->ifc.name);
	else
		fail("cannot capture on %s: %s", r->ifc.name, err);
	return EXIT_SYSTEM;
}

static void report_match(struct run *r, size_t idx, const struct frame *f,
			 const struct timeval *ts)
{
	struct probe *p = &r->probes[idx];
	long rtt = usec_between(&p->at, ts);
	if (rtt < 0)
		rtt = 0;
	p->matched = true;
	r->matched++;
	if (r->matched == 1 || rtt < r->rtt_min)
		r->rtt_min = rtt;
	if (rtt > r->rtt_max)
		r->rtt_max = rtt;
	r->rtt_sum += (double)rtt;
	r->rtt_sq += (double)rtt * (double)rtt;
	char suffix[64], json[96];
	if (r->opt->count > 1)
		snprintf(suffix, sizeof suffix, "  probe=%zu rtt=%ldus", idx + 1, rtt);
	else
		snprintf(suffix, sizeof suffix, "  rtt=%ldus", rtt);
	snprintf(json, sizeof json, "\"direction\":\"received\",\"probe\":%zu,\"rtt_us\":%ld",
		 idx + 1, rtt);
	struct frame_note note = { .prefix = "< ", .suffix = suffix, .json = json };
	printer_frame(&r->pr, f, ts, &note);
}

/* One captured frame: a reply to some probe, a near miss, or noise. */
static void on_frame(struct run *r, const uint8_t *bytes, size_t caplen, size_t wire,
		     const struct timeval *ts)
{
	struct frame f;
	decode_frame(bytes, caplen, wire, LINK_ETHERNET, &f);
	bool scoped = false, answered = false;
	char why[256];
	for (size_t i = r->nprobes; i-- > 0 && !answered;) {
		struct probe *p = &r->probes[i];
		if (expect_diffs(&p->direct, &f, NULL, 0) != 0 &&
		    (expect_empty(&p->icmp_error) || expect_diffs(&p->icmp_error, &f, NULL, 0) != 0))
			continue;
		scoped = true;
		unsigned d = expect_diffs(&r->want, &f, why, sizeof why);
		if (d == 0 && !p->matched) {
			report_match(r, i, &f, ts);
			answered = true;
		} else if (d > 0) {
			near_miss_note(r->closest, d, &f, why);
		}
	}
	if (!scoped && r->nprobes) {
		/* Not an answer to anything sent: rank it by how far off it is. */
		const struct probe *last = &r->probes[r->nprobes - 1];
		unsigned d = expect_diffs(&last->direct, &f, why, sizeof why);
		char more[256], scoped_why[300];
		d += expect_diffs(&r->want, &f, more, sizeof more);
		snprintf(scoped_why, sizeof scoped_why, "%s (not a reply to what was sent)", why);
		near_miss_note(r->closest, d + 1, &f, scoped_why);
	}
	if (!answered)
		printer_record(&r->pr, &f, ts);
	frame_free(&f);
}

/* Reads frames until `deadline`, or until every probe is answered when
 * `until_done`.  -1 on a capture failure. */
static int pump(struct run *r, const struct deadline *deadline, bool until_done)
{
	char err[256];
	for (;;) {
		if (until_done && r->matched == r->nprobes)
			return 0;
		long left = deadline_left(deadline);
		const uint8_t *bytes;
		size_t caplen, wire;
		struct timeval ts;
		int got = capture_next(r->cap, left > 0 ? left : 0, &bytes, &caplen, &wire, &ts,
				       err, sizeof err);
		if (got < 0) {
			fail("capture on %s: %s", r->ifc.name, err);
			return -1;
		}
		if (got == 0)
			return 0;
		on_frame(r, bytes, caplen, wire, &ts);
	}
}

static int send_probe(struct run *r, struct frame *built, size_t idx)
{
	char err[256], json[64];
	struct frame shown;
	decode_frame(built->bytes, built->len, built->len, LINK_ETHERNET, &shown);
	struct probe *p = &r->probes[idx];
	scope_of(&shown, &p->direct, &p->icmp_error);
	struct strbuf s;
	sb_init(&s);
	describe_summary(&shown, &s);
	snprintf(p->summary, sizeof p->summary, "%s", s.s);
	sb_free(&s);
	/* Before the write: on a veth the reply can arrive while it returns. */
	gettimeofday(&p->at, NULL);
	int rc = builder_inject(r->b, built->bytes, built->len, err, sizeof err);
	if (rc) {
		fail("injecting on %s: %s", r->ifc.name, err);
		frame_free(&shown);
		return -1;
	}
	r->nprobes = idx + 1;
	snprintf(json, sizeof json, "\"direction\":\"sent\",\"probe\":%zu", idx + 1);
	struct frame_note note = { .prefix = "> ", .json = json, .brief = true };
	if (r->opt->count == 1 || expect_empty(&r->want) || r->opt->json)
		printer_frame(&r->pr, &shown, &p->at, &note);
	else
		printer_record(&r->pr, &shown, &p->at);
	frame_free(&shown);
	return 0;
}

static void report_end(struct run *r)
{
	size_t lost = r->nprobes - r->matched;
	bool json = r->opt->json;
	if (lost && r->opt->count == 1) {
		const struct probe *p = &r->probes[0];
		if (json) {
			struct strbuf s;
			sb_init(&s);
			sb_puts(&s, "{\"timeout\":{\"expect\":");
			sb_json_str(&s, r->want.text, strlen(r->want.text));
			sb_printf(&s, ",\"within_us\":%ld,", r->opt->timeout_us);
			print_near_misses(r->closest, true, &s);
			sb_puts(&s, "}}\n");
			fputs(s.s, stdout);
			sb_free(&s);
			return;
		}
		printf("no reply matched '%s' within %gs\n", r->want.text,
		       (double)r->opt->timeout_us / 1e6);
		printf("  waited for: a reply to %s\n", p->summary);
	}
	if (r->opt->count > 1) {
		double n = r->matched ? (double)r->matched : 1;
		double avg = r->rtt_sum / n;
		double mdev = sqrt(fmax(0, r->rtt_sq / n - avg * avg));
		if (json)
			printf("{\"stats\":{\"sent\":%zu,\"matched\":%u,\"lost\":%zu,"
			       "\"rtt_us\":{\"min\":%ld,\"avg\":%.0f,\"max\":%ld,\"mdev\":%.0f}}}\n",
			       r->nprobes, r->matched, lost, r->rtt_min, avg, r->rtt_max, mdev);
		else
			printf("--- %zu sent, %u matched, %zu lost (%.1f%% loss), "
			       "rtt min/avg/max/mdev = %ld/%.0f/%ld/%.0f us\n",
			       r->nprobes, r->matched, lost,
			       r->nprobes ? 100.0 * (double)lost / (double)r->nprobes : 0.0,
			       r->rtt_min, avg, r->rtt_max, mdev);
	}
	if (!lost || json)
		return;
	struct strbuf s;
	sb_init(&s);
	print_near_misses(r->closest, false, &s);
	fputs(s.s, stdout);
	sb_free(&s);
}

static void run_free(struct run *r)
{
	for (size_t i = 0; i < r->opt->count && r->probes; i++) {
		expect_free(&r->probes[i].direct);
		expect_free(&r->probes[i].icmp_error);
	}
	free(r->probes);
	expect_free(&r->want);
	capture_close(r->cap);
	builder_close(r->b);
	sb_free(&r->warnings);
}

static int send_all(struct run *r, struct frame *tmpl, const char *path)
{
	struct rng rng;
	if (r->opt->seeded)
		rng_seed(&rng, r->opt->seed);
	else
		rng_seed_random(&rng);
	struct resolve_env env = { .file = path, .iface = &r->ifc, .rng = &rng,
				   .nexthop_mac = neighbor_callback, .ctx = &r->nb };
	r->nb = (struct neighbors){ .b = r->b, .ifc = &r->ifc, .timeout_us = r->opt->timeout_us,
				    .log = log_exchange, .ctx = r };
	struct diag d;
	bool waiting = !expect_empty(&r->want);
	struct deadline next_send;
	deadline_in(&next_send, 0);
	for (size_t i = 0; i < r->opt->count; i++) {
		/* Every probe draws its random fields anew (ports, seq, ids). */
		if (frame_resolve(tmpl, &env, &d) || build_frame(r->b, tmpl, &d)) {
			print_diag("error", &d);
			return r->nb.failed > 0 ? EXIT_NOMATCH : r->nb.failed < 0 ? EXIT_SYSTEM : EXIT_INPUT;
		}
		if (!r->cap && open_capture(r, tmpl) != EXIT_OK)
			return EXIT_SYSTEM;
		if (i > 0 && pump(r, &next_send, false) < 0)
			return EXIT_SYSTEM;
		if (send_probe(r, tmpl, i) < 0)
			return EXIT_SYSTEM;
		deadline_in(&next_send, r->opt->interval_us);
	}
	if (waiting) {
		struct deadline done;
		deadline_in(&done, r->opt->timeout_us);
		if (pump(r, &done, true) < 0)
			return EXIT_SYSTEM;
	}
	if (waiting)
		report_end(r);
	unsigned dropped = capture_dropped(r->cap);
	if (dropped)
		fprintf(stderr, "rawcraft: warning: the kernel dropped %u captured frames "
			"(replies may be missing): slow down with --interval\n", dropped);
	return !waiting || r->matched == r->nprobes ? EXIT_OK : EXIT_NOMATCH;
}

int cmd_send(struct options *opt)
{
	if (opt->nfiles != 1) {
		fail("send takes one template: rawcraft send FILE.pkt (or a shipped name: tcp-syn)");
		return EXIT_INPUT;
	}
	struct run r;
	memset(&r, 0, sizeof r);
	r.opt = opt;
	expect_init(&r.want);
	char *path;
	size_t len;
	char *text = load_source(opt->files[0], "templates", ".pkt", &path, &len);
	if (!text)
		return EXIT_INPUT;
	char *dircopy = strdup(path);
	if (!dircopy)
		abort();
	struct expectation from_template;
	expect_init(&from_template);
	struct template_ctx tc = {
		.file = path, .dir = dirname(dircopy), .vars = &opt->vars,
		.warn = warn_diag, .warn_ctx = &r.warnings, .expect = &from_template,
	};
	struct frame tmpl;
	struct diag d;
	int rc = EXIT_INPUT;
	memset(&tmpl, 0, sizeof tmpl);
	/* ${iface.*} needs the interface, and the interface the destination:
	 * parse once with placeholders to find it, then again for real. */
	set_iface_vars(&opt->vars, NULL);
	if (template_parse(&tc, text, len, &tmpl, &d)) {
		print_diag("error", &d);
		goto out;
	}
	if ((rc = open_interface(&r, &tmpl)) != EXIT_OK)
		goto out;
	frame_free(&tmpl);
	expect_free(&from_template);
	rc = EXIT_INPUT;
	sb_reset(&r.warnings);
	if (template_parse(&tc, text, len, &tmpl, &d)) {
		print_diag("error", &d);
		goto out;
	}
	if (r.warnings.len)
		fputs(r.warnings.s, stderr);
	if (opt->expect && !opt->no_expect &&
	    expect_parse(&r.want, opt->expect, "--expect", &opt->vars, &d)) {
		fprintf(stderr, "rawcraft: error: --expect '%s': %s\n", opt->expect, d.msg);
		goto out;
	}
	if (!opt->expect && !opt->no_expect) {
		r.want = from_template;
		expect_init(&from_template);
	}
	r.probes = calloc(opt->count, sizeof *r.probes);
	if (!r.probes)
		abort();
	printer_open(&r.pr, opt);
	if (printer_prepare(&r.pr)) {
		rc = EXIT_SYSTEM;
		goto out;
	}
	rc = send_all(&r, &tmpl, path);
	if (printer_close(&r.pr) && rc == EXIT_OK)
		rc = EXIT_SYSTEM;
out:
	frame_free(&tmpl);
	expect_free(&from_template);
	run_free(&r);
	free(dircopy);
	free(path);
	free(text);
	return rc;
}
