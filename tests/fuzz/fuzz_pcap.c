/*
 * fuzz_pcap.c - libFuzzer target for `rawcraft decode`'s path: capture file
 * bytes -> pcap_in_open / pcap_in_next (libpcap: pcap and pcapng, either
 * byte order, micro- or nanosecond) -> decode_frame for the link type the
 * file names (a row of the link table) -> every describer, with
 * one conversation across the frames of the file, and its ladder drawn as
 * text and as SVG.
 *
 * The input is the whole file.  pcap_in_open takes a path: the input is
 * written to a memfd, opened again through /proc/self/fd/N (a fresh file
 * offset each time).
 *
 * Besides memory errors it traps on broken promises: a failure without a
 * message, a field marked present past the captured end, a layer past the
 * end, a summary with a newline, JSON that does not parse, a ladder row
 * that is not one line.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../craft/wire/capture.h"
#include "../../craft/analysis/analysis.h"
#include "../../craft/analysis/explain.h"
#include "../../craft/analysis/html.h"
#include "../../craft/analysis/ladder.h"
#include "../../craft/decode/decode.h"
#include "../../craft/decode/describe.h"
#include "../../craft/util/strbuf.h"

#include "fuzz_common.h"
#include "json_check.h"

static int memfd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	memfd = memfd_create("fuzz_pcap", 0);
	if (memfd < 0) {
		perror("fuzz_pcap: memfd_create");
		abort();
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
	return 0;
}

/* The pcap reader's lengths, then the decoder's promises. */
static void check_captured(const struct frame *f, size_t caplen, size_t wire_len)
{
	if (f->len != caplen || f->wire_len < f->len || (wire_len >= caplen && f->wire_len != wire_len))
		broken("lengths not as captured", f, 0);
	check_frame(f);
}

/* The whole ladder drawn, each text row one line. */
static void draw(const struct ladder *l)
{
	struct ladder_grid g;
	ladder_grid(l, &g);
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < ladder_rows(l); i++) {
		sb_reset(&sb);
		ladder_text_row(l, &g, i, &sb);
		if (!sb.len || memchr(sb.s, '\n', sb.len) != sb.s + sb.len - 1) {
			fprintf(stderr, "fuzz_pcap: ladder row %zu is not one line: %s", i, sb.s);
			abort();
		}
		sb_reset(&sb);
		html_ladder_row(l, &g, i, &sb);
	}
	sb_reset(&sb);
	ladder_text_head(l, &g, &sb);
	html_ladder_head(l, &g, &sb);
	sb_free(&sb);
}

static bool write_input(const uint8_t *data, size_t size)
{
	if (ftruncate(memfd, 0) != 0)
		return false;
	size_t done = 0;
	while (done < size) {
		ssize_t n = pwrite(memfd, data + done, size - done, (off_t)done);
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!write_input(data, size)) {
		perror("fuzz_pcap: writing the memfd");
		abort();
	}
	char err[512] = "";
	enum link_kind link;
	struct pcap_in *in = pcap_in_open(path, &link, err, sizeof err);
	if (!in) {
		if (!err[0]) {
			fprintf(stderr, "fuzz_pcap: pcap_in_open failed without a message\n");
			abort();
		}
		return 0;
	}
	if ((unsigned)link >= LINK_COUNT) {
		fprintf(stderr, "fuzz_pcap: link kind %d\n", (int)link);
		abort();
	}

	struct analysis *an = analysis_new();
	struct ladder *lad = ladder_new(size & 1);
	struct strbuf sb, extra;
	sb_init(&extra);
	sb_init(&sb);
	const uint8_t *bytes;
	size_t caplen, wire_len;
	struct timeval ts, first = { 0, 0 };
	unsigned frames = 0;
	int got;
	/* A frame record is at least 16 bytes (pcap) or 32 (pcapng). */
	while ((got = pcap_in_next(in, &bytes, &caplen, &wire_len, &ts, err, sizeof err)) == 1) {
		if (++frames > size / 16 + 1) {
			fprintf(stderr, "fuzz_pcap: %u frames from %zu bytes\n", frames, size);
			abort();
		}
		if (frames == 1)
			first = ts;
		struct frame f;
		decode_frame(bytes, caplen, wire_len, link, &f);
		check_captured(&f, caplen, wire_len);

		sb_reset(&sb);
		describe_summary(&f, &sb);
		if (memchr(sb.s, '\n', sb.len))
			broken("summary spans lines", &f, 0);
		struct frame_analysis fa;
		analysis_frame(an, &f, frames, &ts, &fa);
		sb_reset(&sb);
		if (!explain_tcp_summary(&f, &fa, frames & 3, &sb))
			describe_summary(&f, &sb);
		explain_suffix(&fa, &sb);
		if (memchr(sb.s, '\n', sb.len))
			broken("analysed summary spans lines", &f, 0);
		sb_reset(&sb);
		describe_tree(&f, frames, &fa, frames & 2, &sb);
		sb_reset(&sb);
		describe_hex(&f, &sb);
		sb_reset(&sb);
		double t = (double)(ts.tv_sec - first.tv_sec) + ts.tv_usec / 1e6;
		describe_json(&f, frames, &t, &sb);
		if (!json_ok(sb.s)) {
			fprintf(stderr, "fuzz_pcap: invalid JSON: %s", sb.s);
			abort();
		}
		sb_reset(&extra);
		sb_puts(&extra, "\"rtt_us\":84");
		explain_json(&fa, frames & 1, &extra);
		sb_reset(&sb);
		describe_json_with(&f, frames, NULL, extra.s, &sb);
		if (!json_ok(sb.s)) {
			fprintf(stderr, "fuzz_pcap: invalid JSON: %s", sb.s);
			abort();
		}
		for (size_t i = 0; i < f.nlayers; i++)
			decode_checksum(&f, i);
		struct timeval since;
		timersub(&ts, &first, &since);
		ladder_frame(lad, &f, frames, &since, frames & 4 ? NULL : &fa);
		frame_free(&f);
	}
	draw(lad);
	if (got < 0 && !err[0]) {
		fprintf(stderr, "fuzz_pcap: pcap_in_next failed without a message\n");
		abort();
	}
	sb_free(&sb);
	sb_free(&extra);
	ladder_free(lad);
	analysis_free(an);
	pcap_in_close(in);
	return 0;
}
