/*
 * fuzz_decode.c - libFuzzer target for the decoder and every describer.
 *
 * Input: one byte choosing the link type (low three bits: a row of the link
 * table, enum link_kind, modulo its size: Ethernet, raw IP, Linux cooked
 * SLL, SLL2, BSD loopback, OpenBSD loopback, raw IPv4; bit 7: the wire
 * length is longer than what was captured), then the captured bytes.  Besides memory errors it traps on broken
 * promises: a field marked present past the captured end, a layer past the
 * end, a summary with a newline, JSON that does not parse.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../craft/analysis/analysis.h"
#include "../../craft/analysis/explain.h"
#include "../../craft/decode/decode.h"
#include "../../craft/decode/describe.h"
#include "../../craft/util/strbuf.h"

#include "fuzz_common.h"
#include "json_check.h"


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

	/* Recomputing checksums on the copy must not disturb anything. */
	for (size_t i = 0; i < f.nlayers; i++)
		decode_checksum(&f, i);
	frame_free(&f);
	return 0;
}
