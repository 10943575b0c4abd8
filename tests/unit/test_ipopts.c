/* test_ipopts.c - IPv4 options (ip4opts.c) and TCP options (tcpopts.c): the
 * words a template writes become the bytes, and the decoder's words for any
 * bytes build them again. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../craft/core/field.h"
#include "../../craft/proto/proto.h"
#include "../../craft/proto/tcpopts.h"
#include "../../craft/util/rng.h"
#include "../../craft/util/strbuf.h"

static int parse4(const char *text, struct fval *v, char *err, size_t errlen)
{
	memset(v, 0, sizeof *v);
	return ip4_opts_codec.parse(text, v, err, errlen);
}

static void expect4(const char *text, const uint8_t *want, size_t n)
{
	struct fval v;
	char err[256] = "";
	if (parse4(text, &v, err, sizeof err) != 0)
		fail_msg("opts=%s: %s", text, err);
	if (v.len != n)
		fail_msg("opts=%s: %zu bytes, not %zu", text, v.len, n);
	if (n)
		assert_memory_equal(v.bytes, want, n);
	free(v.bytes);
}

static void expect4_error(const char *text, const char *msg)
{
	struct fval v;
	char err[256] = "";
	if (parse4(text, &v, err, sizeof err) != -1)
		fail_msg("opts=%s: taken", text);
	if (!strstr(err, msg))
		fail_msg("opts=%s: '%s' lacks '%s'", text, err, msg);
}

static void test_ip4_words(void **state)
{
	(void)state;
	expect4("nop", (const uint8_t[]){ 1 }, 1);
	expect4("eol", (const uint8_t[]){ 0 }, 1);
	expect4("none", NULL, 0);
	expect4("rr:1", (const uint8_t[]){ 7, 7, 4, 0, 0, 0, 0 }, 7);
	uint8_t rr9[39] = { 7, 39, 4 };
	expect4("rr:9", rr9, sizeof rr9);
	expect4("ts:2", (const uint8_t[]){ 68, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 12);
	expect4("lsrr:10.0.0.1+192.168.1.2", (const uint8_t[]){
		131, 11, 4, 10, 0, 0, 1, 192, 168, 1, 2 }, 11);
	expect4("ssrr:10.0.0.1", (const uint8_t[]){ 137, 7, 4, 10, 0, 0, 1 }, 7);
	expect4("ra", (const uint8_t[]){ 148, 4, 0, 0 }, 4);
	expect4("ra:0x102", (const uint8_t[]){ 148, 4, 1, 2 }, 4);
	expect4("raw:130:abcd", (const uint8_t[]){ 130, 4, 0xab, 0xcd }, 4);
	expect4("raw:25:", (const uint8_t[]){ 25, 2 }, 2);
	expect4("raw:68", (const uint8_t[]){ 68, 2 }, 2);	/* as the decoder writes it */
	expect4("nop,eol,pad:0007", (const uint8_t[]){ 1, 0, 0, 7 }, 4);
	expect4("nop,ra,eol", (const uint8_t[]){ 1, 148, 4, 0, 0, 0 }, 6);
	/* 40 bytes fit, 41 do not */
	uint8_t full[40] = { 7, 39, 4 };
	full[39] = 1;
	expect4("rr:9,nop", full, sizeof full);
	expect4_error("rr:9,nop,nop", "exceed 40 bytes");
	expect4_error("ts:9,eol", "exceed 40 bytes");
	expect4_error("rr:0", "rr needs a number of slots, 1..9");
	expect4_error("rr:10", "rr needs a number of slots, 1..9");
	expect4_error("rr", "rr needs a number of slots");
	expect4_error("ts:x", "ts needs a number of slots");
	expect4_error("lsrr", "lsrr needs IPv4 addresses joined by '+'");
	expect4_error("lsrr:10.0.0.1+", "lsrr needs IPv4 addresses");
	expect4_error("ssrr:10.0.0.256", "ssrr needs IPv4 addresses");
	expect4_error("lsrr:1.1.1.1+1.1.1.2+1.1.1.3+1.1.1.4+1.1.1.5+1.1.1.6+1.1.1.7+1.1.1.8+"
		      "1.1.1.9+1.1.1.10", "at most 9 addresses");
	expect4_error("ra:65536", "ra takes a 16-bit value");
	expect4_error("nop:1", "nop takes no value");
	expect4_error("raw:256:00", "raw needs a type");
	expect4_error("raw:7:abc", "raw needs a type");
	expect4_error("raw:x", "raw needs a type");
	expect4_error("raw:0:00", "raw:0 has no length byte: use eol");
	expect4_error("raw:1", "raw:1 has no length byte: use nop");
	expect4_error("pad", "pad needs bytes in hex");
	expect4_error("raw:7:" "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
		      "2021222324252627", "raw needs a type and up to 38 hex bytes");
	expect4_error("sec", "unknown IPv4 option 'sec'");
	expect4_error("nop,,nop", "bad IPv4 option list");
	expect4_error("", "bad IPv4 option list");
}

static char *describe4(const uint8_t *p, size_t n, enum opt_style style)
{
	struct strbuf sb;
	sb_init(&sb);
	ip4_opts_codec.describe(p, n, style, "  ", &sb);
	char *s = strdup(sb.len ? sb.s : "");
	sb_free(&sb);
	return s;
}

static void expect_tree(const uint8_t *p, size_t n, const char *want)
{
	char *s = describe4(p, n, OPT_TREE);
	if (!strstr(s, want))
		fail_msg("tree lacks '%s':\n%s", want, s);
	free(s);
}

static void expect_text(const uint8_t *p, size_t n, const char *want)
{
	char *s = describe4(p, n, OPT_TEMPLATE);
	if (strcmp(s, want) != 0)
		fail_msg("template words '%s', not '%s'", s, want);
	free(s);
}

/* A reply's options as Linux fills them (RFC 791 3.1). */
static void test_ip4_decoded(void **state)
{
	(void)state;
	uint8_t rr[40] = { 7, 39, 12, 10, 0, 0, 2, 10, 0, 1, 1 };
	expect_tree(rr, sizeof rr, "  IP Option - Record Route (39 bytes)\n"
		    "      Pointer: 12\n      Recorded Route: 10.0.0.2\n"
		    "      Recorded Route: 10.0.1.1\n      Empty Route: 0.0.0.0\n");
	expect_tree(rr, sizeof rr, "  IP Option - End of Options List (EOL)\n");
	expect_text(rr, sizeof rr, "raw:7:0c0a0000020a000101" "00000000000000000000000000000000000000000000000000000000,eol");
	rr[2] = 4;
	memset(rr + 3, 0, 8);
	expect_text(rr, sizeof rr, "rr:9,eol");

	uint8_t ts[12] = { 68, 12, 9, 0x10, 0, 0x52, 0x65, 0xc0 };
	expect_tree(ts, sizeof ts, "      Pointer: 9\n      Overflow: 1\n"
		    "      Flag: Time stamps only (0)\n      Time stamp = 5400000\n"
		    "      Time stamp = 0");
	expect_text(ts, sizeof ts, "raw:68:0910005265c000000000");
}

static void test_ip4_decoded_forms(void **state)
{
	(void)state;
	/* flag 1: address and time stamp pairs; flag 3: prespecified */
	uint8_t ts1[20] = { 68, 20, 13, 0x01, 10, 0, 0, 2, 0, 0, 0, 9 };
	expect_tree(ts1, sizeof ts1, "      Flag: Time stamp and address (1)\n"
		    "      Address = 10.0.0.2, time stamp = 9\n"
		    "      Address = 0.0.0.0, time stamp = 0\n");
	ts1[3] = 0x03;
	expect_tree(ts1, sizeof ts1, "Flag: Time stamps for prespecified addresses (3)");
	ts1[3] = 0x02;
	expect_tree(ts1, sizeof ts1, "Time Stamp (20 bytes) [malformed: unknown flag]");
	uint8_t ts_odd[16] = { 68, 16, 5, 0x01 };	/* pairs of 8 in 12 bytes */
	expect_tree(ts_odd, sizeof ts_odd, "[malformed: its slots do not fit the length]");

	uint8_t sr[12] = { 131, 11, 8, 10, 0, 0, 1, 10, 0, 0, 2 };
	expect_tree(sr, sizeof sr, "  IP Option - Loose Source Route (11 bytes)\n"
		    "      Pointer: 8\n      Recorded Route: 10.0.0.1\n"
		    "      Destination Address: 10.0.0.2\n");
	expect_text(sr, sizeof sr, "raw:131:080a0000010a000002,eol");
	/* the pseudo-header's destination: the route's last slot until it is done */
	assert_ptr_equal(ip4opts_final_dst(sr, sizeof sr), sr + 7);
	sr[2] = 12;	/* done: every slot visited, as tshark -V says it */
	assert_null(ip4opts_final_dst(sr, sizeof sr));
	expect_tree(sr, sizeof sr, "      Pointer: 12\n      Recorded Route: 10.0.0.1\n"
		    "      Recorded Route: 10.0.0.2\n");
	sr[2] = 4;
	expect_tree(sr, sizeof sr, "      Pointer: 4\n      Source Route: 10.0.0.1 <- (next)\n"
		    "      Destination Address: 10.0.0.2\n");
	expect_text(sr, sizeof sr, "lsrr:10.0.0.1+10.0.0.2,eol");
	sr[0] = 137;
	expect_text(sr, sizeof sr, "ssrr:10.0.0.1+10.0.0.2,eol");
	sr[2] = 6;
	expect_tree(sr, sizeof sr, "Pointer: 6 [bad: not at a slot]");

	uint8_t ra[4] = { 148, 4, 0, 0 };
	expect_tree(ra, sizeof ra, "  IP Option - Router Alert (4 bytes): Router shall examine "
		    "packet (0)\n");
	expect_text(ra, sizeof ra, "ra");
	ra[3] = 7;
	expect_text(ra, sizeof ra, "ra:7");
	uint8_t ra5[8] = { 148, 5, 0, 0, 0, 1 };
	expect_tree(ra5, sizeof ra5, "Router Alert (5 bytes) [malformed: not 4 bytes]: 000000");
	expect_text(ra5, sizeof ra5, "raw:148:000000,nop,eol");
	uint8_t empty[4] = { 25, 2, 1, 1 };	/* no data: no dangling ": " */
	expect_tree(empty, sizeof empty, "  IP Option - Unknown (0x19) (2 bytes)\n");
	expect_text(empty, sizeof empty, "raw:25,nop,nop");

	/* malformed: a length below 2, or past the end; never read past it */
	uint8_t bad[4] = { 1, 7, 9, 4 };
	expect_tree(bad, sizeof bad, "  IP Option - No Operation (NOP)\n"
		    "  [malformed option: 3 bytes left]\n");
	expect_text(bad, sizeof bad, "nop,malformed");
	uint8_t *tail = malloc(2);	/* ASan sees a read past it */
	tail[0] = 7, tail[1] = 1;
	expect_text(tail, 2, "malformed");
	tail[0] = 68, tail[1] = 2;
	expect_tree(tail, 2, "Time Stamp (2 bytes) [malformed: shorter than its 4-byte head]");
	free(tail);

	uint8_t pad[8] = { 1 };
	expect_tree(pad, sizeof pad, "  IP Option - End of Options List (EOL)\n"
		    "  [padding: 6 zero bytes after EOL]\n");
	expect_text(pad, sizeof pad, "nop,eol,eol,eol,eol");
	uint8_t zeros[4] = { 0 };
	expect_text(zeros, sizeof zeros, "eol");
	/* the list ends at an EOL (Linux, Wireshark): what follows is padding */
	uint8_t mid[4] = { 0, 1, 0, 0 };
	expect_text(mid, sizeof mid, "eol,pad:010000");
	uint8_t after[8] = { 1, 0, 0, 0, 7, 7, 4, 0 };	/* tshark: NOP, EOL */
	expect_tree(after, sizeof after, "  IP Option - No Operation (NOP)\n"
		    "  IP Option - End of Options List (EOL)\n"
		    "  [non-zero padding: 6 bytes after EOL]\n");
	expect_text(after, sizeof after, "nop,eol,pad:000007070400");
	assert_null(ip4opts_final_dst((const uint8_t[]){ 0, 131, 7, 4, 10, 0, 0, 3 }, 8));
}

/* Parses `text` with `codec` (NULL: TCP's) and lays it out as the builder
 * does: zeros up to `n`; false if it does not parse or fit. */
static bool rebuild(const struct field_codec *codec, const char *text, uint8_t *out, size_t n)
{
	struct fval v = { 0 };
	char err[256];
	int r = codec ? codec->parse(text, &v, err, sizeof err) :
			tcpopts_parse(text, &v, err, sizeof err);
	bool fits = r == 0 && (v.len + 3) / 4 * 4 == n;
	memset(out, 0, n);
	if (fits && v.len)
		memcpy(out, v.bytes, v.len);
	free(v.bytes);
	return fits;
}

static char *words_of(const struct field_codec *codec, const uint8_t *p, size_t n)
{
	struct strbuf sb;
	sb_init(&sb);
	if (codec)
		codec->describe(p, n, OPT_TEMPLATE, "", &sb);
	else
		tcpopts_describe(p, n, false, TCPOPT_TEMPLATE, "", &sb);
	char *s = strdup(sb.len ? sb.s : "none");
	sb_free(&sb);
	return s;
}

/* Options made of pieces that look like real ones (a known type, a length
 * that mostly fits), so that most lists are well formed. */
static size_t draw_options(struct rng *r, const uint8_t *types, size_t ntypes, uint8_t *p,
			   size_t n)
{
	size_t i = 0;
	memset(p, 0, n);
	while (i < n) {
		uint8_t t = types[rng_range(r, 0, ntypes - 1)];
		if (t <= 1 || i + 2 > n) {
			p[i++] = t <= 1 ? t : 1;
			continue;
		}
		size_t len = rng_range(r, 2, n - i);
		if (rng_range(r, 0, 1))
			len = t == 8 ? 10 : t == 2 ? 4 : t == 148 ? 4 : 3 + 4 * ((len - 2) / 4);
		len = len > n - i ? n - i : len < 2 ? 2 : len;
		p[i] = t;
		p[i + 1] = (uint8_t)len;
		for (size_t k = 2; k < len; k++)
			p[i + k] = rng_range(r, 0, 3) ? 0 : (uint8_t)rng_next(r);
		if (len > 2 && (t == 7 || t == 131 || t == 137 || t == 68))
			p[i + 2] = t == 68 ? 5 : 4;
		i += len;
		if (rng_range(r, 0, 3) == 0)
			break;	/* zeros to the end: EOL and padding */
	}
	return n;
}

static void roundtrip(const struct field_codec *codec, const uint8_t *types, size_t ntypes)
{
	struct rng r;
	rng_seed(&r, 14);
	unsigned exact = 0;
	for (unsigned round = 0; round < 20000; round++) {
		uint8_t p[40], back[40];
		size_t n = 4 * rng_range(&r, 1, 10);
		draw_options(&r, types, ntypes, p, n);
		char *s = words_of(codec, p, n);
		if (!strstr(s, "malformed")) {
			if (!rebuild(codec, s, back, n) || memcmp(p, back, n) != 0)
				fail_msg("'%s' does not build its %zu bytes again", s, n);
			exact++;
		}
		free(s);
	}
	assert_true(exact > 10000);	/* most lists were well formed */
}

static void test_ip4_roundtrip(void **state)
{
	(void)state;
	static const uint8_t types[] = { 0, 1, 7, 68, 131, 137, 148, 130, 25 };
	roundtrip(&ip4_opts_codec, types, sizeof types);
}

static void test_tcp_roundtrip(void **state)
{
	(void)state;
	static const uint8_t types[] = { 0, 1, 2, 3, 4, 5, 8, 19, 30, 34, 99 };
	roundtrip(NULL, types, sizeof types);
}

static void expect_tcp(const char *text, const uint8_t *want, size_t n)
{
	struct fval v = { 0 };
	char err[256] = "";
	if (tcpopts_parse(text, &v, err, sizeof err) != 0)
		fail_msg("opts=%s: %s", text, err);
	if (v.len != n)
		fail_msg("opts=%s: %zu bytes, not %zu", text, v.len, n);
	assert_memory_equal(v.bytes, want, n);
	char *back = words_of(NULL, v.bytes, v.len);
	if (strcmp(back, text) != 0)
		fail_msg("opts=%s decodes as '%s'", text, back);
	free(back);
	free(v.bytes);
}

static void expect_tcp_error(const char *text, const char *msg)
{
	struct fval v = { 0 };
	char err[256] = "";
	if (tcpopts_parse(text, &v, err, sizeof err) != -1)
		fail_msg("opts=%s: taken", text);
	if (!strstr(err, msg))
		fail_msg("opts=%s: '%s' lacks '%s'", text, err, msg);
}

static void test_tcp_words(void **state)
{
	(void)state;
	expect_tcp("sack:1000-2000", (const uint8_t[]){ 5, 10, 0, 0, 3, 0xe8, 0, 0, 7, 0xd0 }, 10);
	expect_tcp("nop,nop,sack:1-2+4294967295-0", (const uint8_t[]){
		1, 1, 5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0 }, 20);
	expect_tcp("md5:000102030405060708090a0b0c0d0e0f", (const uint8_t[]){
		19, 18, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 }, 18);
	expect_tcp("fastopen", (const uint8_t[]){ 34, 2 }, 2);
	expect_tcp("fastopen:a1b2c3d4", (const uint8_t[]){ 34, 6, 0xa1, 0xb2, 0xc3, 0xd4 }, 6);
	expect_tcp("raw:30:0011", (const uint8_t[]){ 30, 4, 0, 0x11 }, 4);
	expect_tcp("raw:99", (const uint8_t[]){ 99, 2 }, 2);
	expect_tcp("mss:1460,sackok,ts:1:0,nop,ws:7", (const uint8_t[]){
		2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7 }, 20);
	expect_tcp_error("sack", "sack needs 1 to 4 blocks");
	expect_tcp_error("sack:1-2+3-4+5-6+7-8+9-10", "sack needs 1 to 4 blocks");
	expect_tcp_error("sack:1:2", "sack needs 1 to 4 blocks");
	expect_tcp_error("sack:1-4294967296", "sack needs 1 to 4 blocks");
	expect_tcp_error("sack:1-2+", "sack needs 1 to 4 blocks");
	expect_tcp_error("md5:0001", "md5 needs a 16-byte digest");
	expect_tcp_error("md5:000102030405060708090a0b0c0d0e0f10", "md5 needs a 16-byte digest");
	expect_tcp_error("md5:zz0102030405060708090a0b0c0d0e0f", "md5 needs a 16-byte digest");
	expect_tcp_error("fastopen:abc", "fastopen takes a cookie in hex");
	expect_tcp_error("fastopen:", "fastopen takes a cookie in hex");
	expect_tcp_error("raw:256:00", "raw needs a kind");
	expect_tcp_error("raw:30:0", "raw needs a kind");
	expect_tcp_error("raw", "raw needs a kind");
	expect_tcp_error("sack:1-2+3-4+5-6+7-8,nop,nop,nop,nop,nop,nop,nop", "exceed 40 bytes");
	expect_tcp_error("md5:000102030405060708090a0b0c0d0e0f,md5:000102030405060708090a0b0c0d0e0f,"
			 "ts:1:2", "exceed 40 bytes");
	expect_tcp_error("sacks", "unknown TCP option 'sacks'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip4_words),
		cmocka_unit_test(test_ip4_decoded),
		cmocka_unit_test(test_ip4_decoded_forms),
		cmocka_unit_test(test_ip4_roundtrip),
		cmocka_unit_test(test_tcp_words),
		cmocka_unit_test(test_tcp_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
