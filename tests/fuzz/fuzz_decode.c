/*
 * fuzz_decode.c - libFuzzer target for the decoder and every describer.
 *
 * Input: one byte choosing the link type (low three bits: a row of the link
 * table, enum link_kind, modulo its size: Ethernet, raw IP, Linux cooked
 * SLL, SLL2, BSD loopback, OpenBSD loopback, raw IPv4; bit 7: the wire
 * length is longer than what was captured), then the captured bytes.  Besides memory errors it traps on broken
 * promises: a field marked present past the captured end, a layer past the
 * end, a summary with a newline, JSON that does not parse, and a frame's
 * template (decode --template) that does not parse or build, or builds
 * other bytes than those it says it rebuilds.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../craft/analysis/analysis.h"
#include "../../craft/analysis/explain.h"
#include "../../craft/builder/build.h"
#include "../../craft/builder/resolve.h"
#include "../../craft/decode/decode.h"
#include "../../craft/decode/describe.h"
#include "../../craft/decode/emit.h"
#include "../../craft/lang/template.h"
#include "../../craft/util/strbuf.h"

#include "fuzz_common.h"
#include "json_check.h"

static struct builder *bld;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	char err[256];
	bld = builder_open(NULL, err, sizeof err);
	if (!bld) {
		fprintf(stderr, "fuzz_decode: builder_open: %s\n", err);
		abort();
	}
	return 0;
}

/* The frame's template parses and builds: into the captured bytes when
 * emit_template says so, else (another link type) into an Ethernet header
 * and the bytes after the capture's link header, as far as a frame holds. */
static void check_template(const struct frame *f)
{
	struct strbuf sb;
	sb_init(&sb);
	bool exact = emit_template(f, 1, true, &sb);
	struct template_ctx tc = { .file = "emit.pkt" };
	struct frame t;
	struct diag d;
	if (template_parse(&tc, sb.s, sb.len, &t, &d)) {
		fprintf(stderr, "fuzz_decode: the template does not parse: %s:%u:%u: %s\n%s",
			d.file, d.line, d.col, d.msg, sb.s);
		abort();
	}
	struct rng rng;
	rng_seed(&rng, 1);
	struct resolve_env env = { .file = "emit.pkt", .rng = &rng };
	if (frame_resolve(&t, &env, &d) || build_frame(bld, &t, &d)) {
		fprintf(stderr, "fuzz_decode: the template does not build: %s\n%s", d.msg, sb.s);
		abort();
	}
	size_t base = f->nlayers ? f->layer[0].off : 0, from = exact ? 0 : 14;
	bool other_link = f->link != &link_types[LINK_ETHERNET];
	if (other_link && f->nlayers && f->layer[0].def->decode_only)
		base = f->layer[0].hdr_len;	/* a Linux cooked header, a layer */
	size_t n = f->len - base < t.len - from ? f->len - base : t.len - from;
	if (((exact || other_link) && memcmp(t.bytes + from, f->bytes + base, n) != 0) ||
	    (exact && t.len != f->len)) {
		fprintf(stderr, "fuzz_decode: the template builds other bytes\n%s", sb.s);
		abort();
	}
	frame_free(&t);
	sb_free(&sb);
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum link_kind link = (enum link_kind)((data[0] & 7) % LINK_COUNT);
	bool cut = data[0] & 0x80;
	data++;
	size--;

	struct frame f;
	decode_frame(size ? data : NULL, size, cut ? size + 64 : size, link, &f);
	check_frame(&f);

	/* The frame twice, as each direction's first: both paths of the analysis. */
	struct analysis *an = analysis_new();
	struct frame_analysis fa[2];
	struct timeval ts = { 1700000000, 0 };
	analysis_frame(an, &f, 1, &ts, &fa[0]);
	ts.tv_usec = 1;
	analysis_frame(an, &f, 2, &ts, &fa[1]);
	struct strbuf sb;
	sb_init(&sb);
	describe_summary(&f, &sb);
	if (memchr(sb.s, '\n', sb.len))
		broken("summary spans lines", &f, 0);
	sb_reset(&sb);
	describe_tree(&f, 1, &fa[0], false, &sb);
	describe_tree(&f, 2, &fa[1], true, &sb);
	describe_tree(&f, 3, NULL, false, &sb);
	explain_suffix(&fa[1], &sb);
	explain_tcp_summary(&f, &fa[1], false, &sb);
	analysis_free(an);
	sb_reset(&sb);
	describe_hex(&f, &sb);
	sb_reset(&sb);
	double t = 1700000000.5;
	describe_json(&f, 1, &t, &sb);
	if (!json_ok(sb.s)) {
		fprintf(stderr, "fuzz_decode: invalid JSON: %s", sb.s);
		abort();
	}
	sb_free(&sb);

	check_template(&f);

	/* Recomputing checksums on the copy must not disturb anything. */
	for (size_t i = 0; i < f.nlayers; i++)
		decode_checksum(&f, i);
	frame_free(&f);
	return 0;
}
