/* send.c - `rawcraft send`: build, inject at the link layer, match the replies. */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../craft/builder/build.h"
#include "../craft/util/clock.h"
#include "../craft/decode/decode.h"
#include "../craft/decode/describe.h"
#include "../craft/core/field.h"
#include "../craft/match/flow.h"
#include "../craft/match/match.h"
#include "../craft/engine/neighbor.h"
#include "../craft/proto/proto.h"
#include "../craft/builder/resolve.h"
#include "../craft/lang/template.h"
#include "privs.h"
#include "stop.h"
#include "stream.h"

/* One frame sent.  Its time is the capture's timestamp of its own copy on
 * the way out, as Wireshark would show it; the clock's until that copy is
 * seen. */
struct probe {
	struct flow_ack ack;
	uint32_t older;		/* the previous probe with the same key */
	uint8_t *bytes;		/* until its outgoing copy is recognised */
	size_t len;
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
	size_t nprobes, count;
	struct flow_table flows;	/* probe key -> index */
	uint64_t own_mac;		/* captured going out too; 0: only in */
	char first_summary[256];
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

/* A frame the next hop's lookup read from the shared capture and did not
 * want: ours to look at. */
static void on_stray(void *ctx, const uint8_t *bytes, size_t caplen, size_t wire,
		     const struct timeval *ts);

/* Both directions on one handle: our own frames on the way out (for their
 * timestamps and the -w file), the replies coming in and, when the next
 * hop's MAC is to be found, ARP replies - one capture ring, not two (each
 * costs the kernel a grace period to set up). */
static int open_capture(struct run *r, const struct frame *first)
{
	char bpf[640], err[512];
	enum capture_error why;
	bool arp = frame_may_need_next_hop(first);
	r->own_mac = exchange_bpf(first, arp, bpf, sizeof bpf) ? lv(&first->layer[0], ETH_SRC) : 0;
	r->cap = capture_open(r->ifc.name, bpf, r->own_mac ? CAPTURE_BOTH : 0, 0, &why, err,
			      sizeof err);
	if (!r->cap)
		return capture_failed(r->ifc.name, why, err);
	if (arp && r->own_mac) {
		r->nb.arp = r->cap;
		r->nb.stray = on_stray;
	}
	return EXIT_OK;
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
	if (r->count > 1)
		snprintf(suffix, sizeof suffix, "  probe=%zu rtt=%ldus", idx + 1, rtt);
	else
		snprintf(suffix, sizeof suffix, "  rtt=%ldus", rtt);
	snprintf(json, sizeof json, "\"direction\":\"received\",\"probe\":%zu,\"rtt_us\":%ld",
		 idx + 1, rtt);
	struct frame_note note = { .prefix = "< ", .suffix = suffix, .json = json };
	printer_frame(&r->pr, f, ts, &note);
}

/* Our own probe, captured on its way out: its timestamp is the send time. */
static bool own_copy(struct run *r, const struct frame *f, const uint8_t *bytes, size_t len,
		     const struct timeval *ts)
{
	struct flow_key k;
	struct flow_ack ack;
	uint32_t i;
	if (!flow_of_probe(f, &k, &ack) || !flow_table_get(&r->flows, &k, &i))
		return false;
	/* Keys repeat when ranges cycle: the oldest copy not yet seen. */
	struct probe *seen = NULL;
	for (; i != FLOW_NONE; i = r->probes[i].older) {
		struct probe *p = &r->probes[i];
		if (p->bytes && p->len == len && memcmp(p->bytes, bytes, len) == 0)
			seen = p;
	}
	if (!seen)
		return false;
	seen->at = *ts;
	free(seen->bytes);
	seen->bytes = NULL;
	printer_record(&r->pr, f, ts);
	return true;
}

/* The probe a reply answers: found by its flow key, newest first. */
static bool answered_probe(struct run *r, const struct frame *f, size_t *idx)
{
	struct flow_reply fr;
	flow_of_reply(f, &fr);
	for (size_t n = 0; n < fr.n; n++) {
		uint32_t i;
		if (!flow_table_get(&r->flows, &fr.key[n], &i))
			continue;
		for (; i != FLOW_NONE; i = r->probes[i].older)
			if (!r->probes[i].matched && flow_ack_ok(&r->probes[i].ack, &fr)) {
				*idx = i;
				return true;
			}
	}
	return false;
}

/* One captured frame: our own copy, a reply to some probe, a near miss, or
 * noise. */
static void on_frame(struct run *r, const uint8_t *bytes, size_t caplen, size_t wire,
		     const struct timeval *ts)
{
	struct frame f;
	decode_frame(bytes, caplen, wire, LINK_ETHERNET, &f);
	size_t i;
	char why[256];
	/* Ours, or the host's own (its RST to a SYN/ACK): not replies. */
	if (own_copy(r, &f, bytes, caplen, ts) ||
	    (r->own_mac && f.nlayers && f.layer[0].def->id == L_ETH &&
	     lv(&f.layer[0], ETH_SRC) == r->own_mac)) {
		frame_free(&f);
		return;
	}
	if (answered_probe(r, &f, &i)) {
		unsigned d = expect_diffs(&r->want, &f, why, sizeof why);
		if (d == 0) {
			report_match(r, i, &f, ts);
			frame_free(&f);
			return;
		}
		near_miss_note(r->closest, d, &f, why);
	} else if (r->nprobes) {
		unsigned d = expect_diffs(&r->want, &f, why, sizeof why);
		char scoped_why[300];
		snprintf(scoped_why, sizeof scoped_why, "%s%snot a reply to what was sent",
			 d ? why : "", d ? "; " : "");
		near_miss_note(r->closest, d + 1, &f, scoped_why);
	}
	printer_record(&r->pr, &f, ts);
	frame_free(&f);
}

static void on_stray(void *ctx, const uint8_t *bytes, size_t caplen, size_t wire,
		     const struct timeval *ts)
{
	on_frame(ctx, bytes, caplen, wire, ts);
}

/* Reads frames until `deadline`, or until every probe is answered when
 * `until_done`.  -1 on a capture failure. */
static int pump(struct run *r, const struct deadline *deadline, bool until_done)
{
	char err[256];
	for (;;) {
		if ((until_done && r->matched == r->nprobes) || stop_requested())
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
	struct flow_key k;
	p->older = flow_of_probe(&shown, &k, &p->ack) ?
		flow_table_swap(&r->flows, &k, (uint32_t)idx) : FLOW_NONE;
	p->len = built->len;
	p->bytes = malloc(built->len);
	if (!p->bytes)
		abort();
	memcpy(p->bytes, built->bytes, built->len);
	if (idx == 0) {
		struct strbuf s;
		sb_init(&s);
		describe_summary(&shown, &s);
		snprintf(r->first_summary, sizeof r->first_summary, "%s", s.s);
		sb_free(&s);
	}
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
	struct frame_note note = { .prefix = "> ", .json = json, .brief = true, .recorded = true };
	if (r->count == 1 || expect_empty(&r->want) || r->opt->json)
		printer_frame(&r->pr, &shown, &p->at, &note);
	frame_free(&shown);
	return 0;
}

/* Probes whose outgoing copy the capture never showed go into -w last. */
static void record_unseen(struct run *r)
{
	for (size_t i = 0; i < r->nprobes; i++) {
		struct probe *p = &r->probes[i];
		if (!p->bytes)
			continue;
		struct frame f;
		decode_frame(p->bytes, p->len, p->len, LINK_ETHERNET, &f);
		printer_record(&r->pr, &f, &p->at);
		frame_free(&f);
	}
}

static void report_end(struct run *r)
{
	size_t lost = r->nprobes - r->matched;
	bool json = r->opt->json;
	if (lost && r->count == 1) {
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
		printf("  waited for: a reply to %s\n", r->first_summary);
	}
	if (r->count > 1) {
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
	for (size_t i = 0; i < r->count && r->probes; i++)
		free(r->probes[i].bytes);
	free(r->probes);
	flow_table_free(&r->flows);
	expect_free(&r->want);
	capture_close(r->cap);
	neighbors_close(&r->nb);
	builder_close(r->b);
	sb_free(&r->warnings);
}

static int send_all(struct run *r, struct frame *tmpl, const char *path)
{
	struct rng run, draws;
	if (r->opt->seeded)
		rng_seed(&run, r->opt->seed);
	else
		rng_seed_random(&run);
	struct resolve_env env = { .file = path, .iface = &r->ifc, .rng = &draws,
				   .nexthop_mac = neighbor_callback, .ctx = &r->nb };
	struct diag d;
	bool waiting = !expect_empty(&r->want);
	long interval = r->opt->interval_us < 0 ? 1000000 : r->opt->interval_us;
	/* Everything is open before anything is read, and root is gone. */
	int rc = build_offline(r->b, tmpl, &r->ifc, &run, path);
	if (rc == EXIT_OK)
		rc = open_capture(r, tmpl);
	if (rc == EXIT_OK)
		rc = open_neighbors(&r->nb, tmpl);
	if (rc == EXIT_OK)
		rc = privs_drop(r->opt->user, false);
	if (rc != EXIT_OK)
		return rc;
	struct deadline next_send;
	deadline_in(&next_send, 0);
	for (size_t i = 0; i < r->count && !stop_requested(); i++) {
		/* Every probe draws its random fields anew (ports, seq, ids). */
		env.index = i;
		rng_for_frame(&run, i, &draws);
		if (frame_resolve(tmpl, &env, &d) || build_frame(r->b, tmpl, &d))
			return resolve_failed(&r->nb, &d);
		if (i > 0 && pump(r, &next_send, false) < 0)
			return EXIT_SYSTEM;
		if (stop_requested())
			break;	/* the wait ended on a signal: send no more */
		if (send_probe(r, tmpl, i) < 0)
			return EXIT_SYSTEM;
		deadline_in(&next_send, interval);
	}
	struct deadline done;
	deadline_in(&done, waiting ? r->opt->timeout_us : 0);
	/* Without an expectation: only our own copies, to time and record them. */
	if (pump(r, &done, waiting) < 0)
		return EXIT_SYSTEM;
	record_unseen(r);
	if (waiting)
		report_end(r);
	unsigned dropped = r->cap ? capture_dropped(r->cap) : 0;
	if (dropped)
		fprintf(stderr, "rawcraft: warning: the kernel dropped %u captured frames "
			"(replies may be missing): slow down with --interval\n", dropped);
	if (stop_requested())
		return 128 + stop_requested();
	return !waiting || r->matched == r->nprobes ? EXIT_OK : EXIT_NOMATCH;
}

/* Probes one by one (--interval) or a stream (--rate, --flood): not both. */
static bool pacing_ok(const struct options *opt)
{
	if (opt->flood && opt->rate)
		fail("--flood sends as fast as it can and --rate at a set pace: give one of them");
	else if ((opt->flood || opt->rate) && opt->interval_us >= 0)
		fail("--interval paces probes one by one; --rate and --flood send a stream: give one");
	else if (opt->cpus && !opt->flood && !opt->rate)
		fail("--cpus sets the senders of --flood or --rate");
	else
		return true;
	return false;
}

int cmd_send(struct options *opt)
{
	if (opt->nfiles != 1) {
		fail("send takes one template: rawcraft send FILE.pkt (or a shipped name: tcp-syn)");
		return EXIT_INPUT;
	}
	if (!pacing_ok(opt))
		return EXIT_INPUT;
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
	struct stream_in stream = { .opt = opt, .pr = &r.pr, .ifc = &r.ifc, .want = &r.want,
				    .tmpl = &tmpl, .path = path, .nb = &r.nb };
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
	r.nb = (struct neighbors){ .b = r.b, .ifc = &r.ifc, .timeout_us = opt->timeout_us,
				   .log = log_exchange, .ctx = &r };
	bool streaming = opt->flood || opt->rate;
	r.count = opt->count ? opt->count : frame_cycle(&tmpl);
	if (!streaming && r.count > 100000000) {
		fail("the template's ranges make %zu frames, one probe at a time: "
		     "give -c, or stream them with --rate or --flood", r.count);
		goto out;
	}
	printer_open(&r.pr, opt);
	if (printer_prepare(&r.pr)) {
		rc = EXIT_SYSTEM;
		goto out;
	}
	stop_catch();
	if (streaming) {
		stream.b = r.b;
		rc = send_stream(&stream);
	} else {
		r.probes = calloc(r.count, sizeof *r.probes);
		if (!r.probes)
			abort();
		flow_table_init(&r.flows);
		rc = send_all(&r, &tmpl, path);
	}
	if (printer_close(&r.pr) && rc == EXIT_OK)
		rc = EXIT_SYSTEM;
	exit_before_teardown(rc);
out:
	stop_release();
	stream_close(&stream);
	frame_free(&tmpl);
	expect_free(&from_template);
	run_free(&r);
	free(dircopy);
	free(path);
	free(text);
	return rc;
}
