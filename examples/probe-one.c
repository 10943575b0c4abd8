/*
 * probe-one.c - one probe through the engine: a TCP SYN to HOST:PORT on
 * interface IF, its reply matched and reported through callbacks.
 *   build/examples/probe-one IF HOST PORT      (needs CAP_NET_RAW)
 * Exit: as rawcraft's (0 answered, 1 no reply, 2 bad input, 3 system).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <craft/decode/describe.h>
#include <craft/engine/engine.h>
#include <craft/engine/probe.h>
#include <craft/lang/template.h>

static void on_fault(void *ctx, enum engine_fault kind, const struct diag *d)
{
	(void)ctx;
	(void)kind;
	fprintf(stderr, "probe-one: %s\n", d->msg);
}

static void print_frame(const char *dir, const struct frame *f, long rtt)
{
	struct strbuf s;
	sb_init(&s);
	describe_summary(f, &s);
	if (rtt >= 0)
		printf("%s %s  rtt=%ldus\n", dir, s.s, rtt);
	else
		printf("%s %s\n", dir, s.s);
	sb_free(&s);
}

static void on_sent(void *ctx, size_t idx, const struct frame *f, const struct timeval *ts)
{
	(void)ctx, (void)idx, (void)ts;
	print_frame(">", f, -1);
}

static void on_matched(void *ctx, size_t idx, const struct frame *f, const struct timeval *ts,
		       long rtt)
{
	(void)ctx, (void)idx, (void)ts;
	print_frame("<", f, rtt);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: probe-one IF HOST PORT\n");
		return 2;
	}
	char text[256];
	snprintf(text, sizeof text, "ipv4 dst=%s\ntcp dport=%s flags=S\n", argv[2], argv[3]);
	struct vars vars;
	vars_init(&vars);
	struct template_ctx tc = { .file = "(probe)", .vars = &vars };
	struct expectation want;
	expect_init(&want);
	struct frame tmpl;
	struct diag d;
	int rc = 2;
	if (template_parse(&tc, text, strlen(text), &tmpl, &d) ||
	    expect_parse(&want, "tcp flags=SA|RA", "(probe)", &vars, &d)) {
		fprintf(stderr, "probe-one: %s\n", d.msg);
		goto out;
	}
	struct engine *e = NULL;
	static const struct engine_ops ops = { .fault = on_fault };
	struct engine_config cfg = { .ifname = argv[1], .neighbor_timeout_us = 1000000 };
	rc = engine_open(&e, &cfg, &ops, NULL);
	if (rc == ENGINE_OK) {
		struct rng run;
		rng_seed_random(&run);
		struct probe_params pp = { .path = "(probe)", .count = 1, .timeout_us = 1000000,
					   .run = &run };
		static const struct probe_ops pops = { .sent = on_sent, .matched = on_matched };
		struct probe_result res;
		rc = probe_run(e, &tmpl, &want, &pp, &pops, NULL, &res);
		if (rc == ENGINE_NOMATCH)
			printf("no reply to %s\n", res.first_summary);
	}
	engine_close(e);
	frame_free(&tmpl);
out:
	expect_free(&want);
	vars_free(&vars);
	return rc;
}
