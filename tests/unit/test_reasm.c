/*
 * test_reasm.c - a built datagram cut by fragment_cut() and put back by
 * reasm_take(): in order, reversed, shuffled; IPv4 and IPv6 (behind a
 * Hop-by-Hop header, and the Destination Options before a Routing header);
 * what must not come back whole - a missing piece, overlaps, a copy that
 * differs, more than a datagram holds, too many datagrams or bytes at
 * once, pieces past the timeout - that an exact copy is dropped alone, and
 * that a frame that is no fragment passes; what fragment_cut refuses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../craft/builder/build.h"
#include "../../craft/builder/fragment.h"
#include "../../craft/builder/resolve.h"
#include "../../craft/decode/decode.h"
#include "../../craft/decode/reasm.h"
#include "../../craft/lang/template.h"
#include "../../craft/proto/proto.h"
#include "../../craft/util/bytes.h"
#include "../../craft/util/checksum.h"
#include "fixture.h"

static const char echo4[] = "eth dst=02:00:00:00:00:02\nipv4 dst=10.0.0.2 id=0x1234\n"
			    "icmp type=echo-request id=7 seq=1\npayload size=3000\n";
static const char udp6[] = "eth dst=02:00:00:00:00:02\nipv6 dst=2001:db8::2\nhopopts\n"
			   "udp dport=9\npayload size=2000\n";

static int group_setup(void **state)
{
	(void)state;
	return fixture_open(NULL);
}

static void build(const char *text, struct frame *f)
{
	struct template_ctx tc = { .file = "t.pkt", .vars = &vs };
	struct diag d;
	struct rng run, draws;
	rng_seed(&run, 1);
	rng_for_frame(&run, 0, &draws);
	struct resolve_env env = { .file = "t.pkt", .iface = &fake_if, .rng = &draws };
	if (template_parse(&tc, text, strlen(text), f, &d) || frame_resolve(f, &env, &d) ||
	    build_frame(bld, f, &d))
		fail_msg("%s:%u:%u: %s", d.file, d.line, d.col, d.msg);
}

static void cut(const char *text, size_t size, struct frame *whole, struct fragments *fr)
{
	const char *why = NULL;
	build(text, whole);
	if (fragment_cut(whole, size, 0xabcdef01, fr, &why))
		fail_msg("fragment_cut: %s", why);
}

/* Piece `i` (in leaving order) into `r` at second `sec`; the step. */
static enum reasm_step feed(struct reasm *r, const struct fragments *fr, size_t i, long sec,
			    struct frame *out)
{
	struct frame f;
	struct timeval ts = { .tv_sec = sec };
	const struct frag_piece *p = &fr->piece[i];
	decode_frame(fr->bytes + p->off, p->len, p->len, LINK_ETHERNET, &f);
	enum reasm_step st = reasm_take(r, &f, &ts, LINK_ETHERNET, out);
	frame_free(&f);
	return st;
}

/* Every piece fed in leaving order: whole at the last, and then equal to
 * the built datagram but for what cutting changes (IPv4: DF and the
 * header checksum), every checksum correct. */
static void assert_round_trip(const struct frame *whole, const struct fragments *fr)
{
	struct reasm r;
	struct frame out;
	reasm_init(&r);
	for (size_t i = 0; i + 1 < fr->n; i++)
		assert_int_equal(feed(&r, fr, i, 1, &out), REASM_HELD);
	assert_int_equal(feed(&r, fr, fr->n - 1, 1, &out), REASM_WHOLE);
	assert_int_equal(out.reassembled, fr->n);
	assert_int_equal(out.len, whole->len);
	const struct layer *next, *net = frame_network_layer(whole, &next);
	size_t from = net->def->id == L_IPV4 ? net->off + 12 : 0;
	assert_memory_equal(out.bytes + from, whole->bytes + from, whole->len - from);
	for (size_t i = 0; i < out.nlayers; i++)
		assert_true(out.layer[i].csum == CS_NONE || out.layer[i].csum == CS_CORRECT);
	assert_int_equal(r.bytes, 0);
	frame_free(&out);
	reasm_free(&r);
}

/* Round trips in leaving order, reversed (the last piece first) and
 * shuffled by `seed`; then `whole` and `fr` are freed. */
static void every_order(struct frame *whole, struct fragments *fr, uint64_t seed)
{
	struct rng rng;
	rng_seed(&rng, seed);
	size_t last = fr->piece[fr->n - 1].off;
	assert_round_trip(whole, fr);
	fragment_order(fr, FRAG_REVERSE, &rng);
	assert_int_equal(fr->piece[0].off, last);
	assert_round_trip(whole, fr);
	fragment_order(fr, FRAG_RANDOM, &rng);
	assert_round_trip(whole, fr);
	fragments_free(fr);
	frame_free(whole);
}

static void test_ipv4_orders(void **state)
{
	(void)state;
	struct frame whole;
	struct fragments fr;
	cut(echo4, 1024, &whole, &fr);
	assert_int_equal(fr.n, 3);
	/* Each piece: MF but on the last, offsets in 8-byte units, DF gone. */
	for (size_t i = 0; i < fr.n; i++) {
		const uint8_t *ip = fr.bytes + fr.piece[i].off + 14;
		unsigned fl = (unsigned)(ip[6] << 8 | ip[7]);
		assert_int_equal(fl, (i + 1 < fr.n ? 0x2000u : 0) | (unsigned)(i * 1024 / 8));
		assert_int_equal(ip[4] << 8 | ip[5], 0x1234);
	}
	every_order(&whole, &fr, 5);
}

/* IPv4 options (RFC 791 3.2): the first fragment keeps them all, the
 * others only those whose copy bit is set (Router Alert, the source
 * route), each header's IHL and checksum its own. */
static void test_ipv4_options(void **state)
{
	(void)state;
	struct frame whole;
	struct fragments fr;
	cut("eth dst=02:00:00:00:00:02\nipv4 dst=10.0.0.2 id=0x1234 "
	    "opts=rr:2,ra,lsrr:10.0.0.5,ts:2\nicmp type=echo-request id=7 seq=1\n"
	    "payload size=100\n", 48, &whole, &fr);
	assert_int_equal(fr.n, 3);	/* 108 bytes of ICMP: 48, 48, 12 */
	static const uint8_t copied[12] = { 148, 4, 0, 0, 131, 7, 4, 10, 0, 0, 5, 0 };
	for (size_t i = 0; i < fr.n; i++) {
		const uint8_t *ip = fr.bytes + fr.piece[i].off + 14;
		size_t hl = (size_t)(ip[0] & 0x0f) * 4;
		assert_int_equal(hl, i ? 20 + sizeof copied : 56);	/* 34 bytes padded */
		assert_memory_equal(ip + 20, i ? copied : whole.bytes + 14 + 20, hl - 20);
		assert_int_equal(csum_fold(csum_add(0, ip, hl, SIZE_MAX)), 0xffff);
		assert_int_equal(ip[2] << 8 | ip[3], hl + (i + 1 < fr.n ? 48 : 12));
	}
	every_order(&whole, &fr, 11);
}

static void test_ipv6_behind_hopopts(void **state)
{
	(void)state;
	struct frame whole;
	struct fragments fr;
	cut(udp6, 512, &whole, &fr);
	/* 8 bytes of UDP header and 2000 of data after the Hop-by-Hop header. */
	assert_int_equal(fr.n, 4);
	const uint8_t *first = fr.bytes + fr.piece[0].off + 14;
	assert_int_equal(first[6], 0);		/* IPv6 -> Hop-by-Hop */
	assert_int_equal(first[40], 44);	/* Hop-by-Hop -> Fragment */
	assert_int_equal(first[48], 17);	/* Fragment -> UDP */
	assert_int_equal(first[52], 0xab);
	every_order(&whole, &fr, 9);
}

static void test_missing_last(void **state)
{
	(void)state;
	struct frame whole, out;
	struct fragments fr;
	struct reasm r;
	reasm_init(&r);
	cut(echo4, 1024, &whole, &fr);
	for (size_t i = 0; i + 1 < fr.n; i++)
		assert_int_equal(feed(&r, &fr, i, 1, &out), REASM_HELD);
	assert_true(r.bytes > 0);
	/* The last piece after the timeout: the rest expired, it starts anew. */
	assert_int_equal(feed(&r, &fr, fr.n - 1, 1 + REASM_TIMEOUT_US / 1000000 + 1, &out),
			 REASM_HELD);
	assert_int_equal(r.dropped, 1);
	reasm_free(&r);
	assert_int_equal(r.bytes, 0);
	fragments_free(&fr);
	frame_free(&whole);
}

static void test_overlap_drops(void **state)
{
	(void)state;
	struct frame whole, out;
	struct fragments fr, fr2;
	struct reasm r;
	reasm_init(&r);
	cut(echo4, 1024, &whole, &fr);
	/* The same datagram cut at 512 and at 1024: [0, 1024) overlaps [0, 512)
	 * and reaches past it; [512, 1024) inside [0, 1024) is a copy. */
	const char *why;
	assert_int_equal(fragment_cut(&whole, 512, 0, &fr2, &why), 0);
	assert_int_equal(feed(&r, &fr2, 0, 1, &out), REASM_HELD);
	assert_int_equal(feed(&r, &fr, 0, 1, &out), REASM_HELD);
	assert_int_equal(r.dropped, 1);
	assert_int_equal(r.bytes, 0);
	assert_int_equal(feed(&r, &fr, 0, 1, &out), REASM_HELD);
	assert_int_equal(feed(&r, &fr2, 1, 1, &out), REASM_HELD);
	assert_int_equal(r.dropped, 1);
	assert_int_equal(feed(&r, &fr, 1, 1, &out), REASM_HELD);
	assert_int_equal(feed(&r, &fr, 2, 1, &out), REASM_WHOLE);
	frame_free(&out);
	assert_int_equal(r.bytes, 0);
	reasm_free(&r);
	fragments_free(&fr);
	fragments_free(&fr2);
	frame_free(&whole);
}

/* Three pieces of echo4: one twice, equal - dropped alone; then the
 * datagram comes whole.  A copy whose bytes differ drops it. */
static void test_duplicate_dropped_alone(void **state)
{
	(void)state;
	struct frame whole, out;
	struct fragments fr;
	struct reasm r;
	reasm_init(&r);
	cut(echo4, 1024, &whole, &fr);
	assert_int_equal(feed(&r, &fr, 0, 1, &out), REASM_HELD);
	assert_int_equal(feed(&r, &fr, 0, 1, &out), REASM_HELD);
	assert_int_equal(feed(&r, &fr, 2, 1, &out), REASM_HELD);
	assert_int_equal(feed(&r, &fr, 2, 1, &out), REASM_HELD);	/* the last, again */
	assert_int_equal(r.dropped, 0);
	assert_int_equal(feed(&r, &fr, 1, 1, &out), REASM_WHOLE);
	assert_int_equal(out.reassembled, 3);
	frame_free(&out);
	assert_int_equal(feed(&r, &fr, 1, 1, &out), REASM_HELD);
	/* The middle piece's last data byte changed: an overlap, not a copy. */
	uint8_t *last = fr.bytes + fr.piece[1].off + fr.piece[1].len - 1;
	*last ^= 1;
	assert_int_equal(feed(&r, &fr, 1, 1, &out), REASM_HELD);
	assert_int_equal(r.dropped, 1);
	assert_int_equal(r.bytes, 0);
	reasm_free(&r);
	fragments_free(&fr);
	frame_free(&whole);
}

/* An IPv4 fragment by hand: header of `hl` bytes (NOP options past 20),
 * `len` bytes of data at `off`, MF if `more`; its frame's length. */
static size_t frag4(uint8_t *b, size_t hl, size_t off, size_t len, bool more, uint16_t id)
{
	memset(b, 0, 14 + hl);
	b[12] = 0x08;
	uint8_t *ip = b + 14;
	memset(ip + 20, 1, hl - 20);
	ip[0] = (uint8_t)(0x40 | hl / 4);
	put16(ip + 2, hl + len);
	put16(ip + 4, id);
	put16(ip + 6, (more ? 0x2000u : 0) | off / 8);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, (uint8_t[]){ 10, 0, 0, 2, 10, 0, 0, 1 }, 8);
	memset(ip + hl, 0x5a, len);
	csum_set_ipv4(ip, hl);
	return 14 + hl + len;
}

static enum reasm_step take(struct reasm *r, const uint8_t *b, size_t n, struct frame *out)
{
	struct frame f;
	struct timeval ts = { .tv_sec = 1 };
	decode_frame(b, n, n, LINK_ETHERNET, &f);
	enum reasm_step st = reasm_take(r, &f, &ts, LINK_ETHERNET, out);
	frame_free(&f);
	return st;
}

/* An IPv6 fragment by hand behind an 8-byte Hop-by-Hop header. */
static size_t frag6(uint8_t *b, size_t off, size_t len, bool more)
{
	memset(b, 0, 14 + 56);
	b[12] = 0x86;
	b[13] = 0xdd;
	uint8_t *ip = b + 14;
	ip[0] = 0x60;
	put16(ip + 4, 16 + len);
	ip[6] = 0;	/* Hop-by-Hop */
	ip[7] = 64;
	ip[23] = 1;
	ip[39] = 2;
	ip[8] = ip[24] = 0x20;
	uint8_t *h = ip + 40;
	h[0] = 44;
	h[2] = 1;	/* PadN of 4 */
	h[3] = 4;
	uint8_t *fh = h + 8;
	fh[0] = 17;
	put16(fh + 2, off | more);
	fh[7] = 9;
	memset(fh + 8, 0x5a, len);
	return 14 + 56 + len;
}

/* IPv4's header and data past 65535 bytes, IPv6's payload (Hop-by-Hop
 * header and data): dropped (Linux's out_oversize); to 65535 exactly:
 * whole, its length 65535. */
static void test_oversize(void **state)
{
	(void)state;
	static uint8_t b[14 + 60 + 32768];
	struct frame out;
	struct reasm r;
	reasm_init(&r);
	for (size_t hl = 20; hl <= 60; hl += 40) {
		uint16_t id = (uint16_t)hl;
		assert_int_equal(take(&r, b, frag4(b, hl, 0, 32768, true, id), &out), REASM_HELD);
		size_t rest = 65535 - 20 - 32768;	/* 65535 in all with a 20-byte header */
		enum reasm_step st = take(&r, b, frag4(b, 20, 32768, rest, false, id), &out);
		if (hl == 20) {
			assert_int_equal(st, REASM_WHOLE);
			assert_int_equal(out.len, 14 + 65535);
			assert_int_equal(be16(out.bytes + 16), 65535);
			frame_free(&out);
		} else {
			assert_int_equal(st, REASM_HELD);
			assert_int_equal(r.dropped, 1);
		}
	}
	assert_int_equal(r.bytes, 0);
	assert_int_equal(take(&r, b, frag6(b, 0, 32768, true), &out), REASM_HELD);
	assert_int_equal(take(&r, b, frag6(b, 32768, 65528 - 32768, false), &out), REASM_HELD);
	assert_int_equal(r.dropped, 2);
	assert_int_equal(r.bytes, 0);
	/* A byte less: whole, its payload length 65535. */
	assert_int_equal(take(&r, b, frag6(b, 0, 32768, true), &out), REASM_HELD);
	assert_int_equal(take(&r, b, frag6(b, 32768, 65527 - 32768, false), &out), REASM_WHOLE);
	assert_int_equal(be16(out.bytes + 18), 65535);
	frame_free(&out);
	reasm_free(&r);
}

/* The bytes held: pieces in order double their buffer, not a piece at a
 * time; datagrams begun at their far end hold 64 KiB each, and the one
 * past REASM_BYTES is given up. */
static void test_held_bytes(void **state)
{
	(void)state;
	static uint8_t b[14 + 20 + 1024];
	struct frame out;
	struct reasm r;
	reasm_init(&r);
	for (size_t k = 0; k < 3; k++)
		assert_int_equal(take(&r, b, frag4(b, 20, k * 1024, 1024, true, 1), &out), REASM_HELD);
	assert_int_equal(r.bytes, 4096);
	reasm_free(&r);
	unsigned fit = REASM_BYTES / 65512;
	assert_true(fit < REASM_DATAGRAMS);
	for (unsigned id = 0; id <= fit; id++)
		assert_int_equal(take(&r, b, frag4(b, 20, 65000, 512, false, (uint16_t)id), &out),
				 REASM_HELD);
	assert_int_equal(r.dropped, 1);
	assert_int_equal(r.bytes, fit * 65512);
	reasm_free(&r);
}

/* Destination Options before a Routing header stay in every fragment, the
 * ones after it are cut with the data (RFC 8200 4.5). */
static void test_ipv6_routing_after(void **state)
{
	(void)state;
	struct frame whole;
	struct fragments fr;
	cut("eth dst=02:00:00:00:00:02\nipv6 dst=2001:db8::2\ndstopts\n"
	    "routing addrs=2001:db8::10 segleft=1\ndstopts\nudp dport=9\npayload size=2000\n",
	    512, &whole, &fr);
	const uint8_t *ip = fr.bytes + fr.piece[0].off + 14;
	assert_int_equal(ip[6], 60);		/* IPv6 -> Destination Options */
	assert_int_equal(ip[40], 43);		/* -> Routing */
	size_t rt = 48, fh = rt + 8 + 8 * ip[rt + 1];
	assert_int_equal(ip[rt], 44);		/* -> Fragment */
	assert_int_equal(ip[fh], 60);		/* -> the later Destination Options */
	for (size_t i = 1; i < fr.n; i++)
		assert_int_equal(fr.bytes[fr.piece[i].off + 14 + fh], 60);
	every_order(&whole, &fr, 3);
}

/* A length short of the bytes, and IPv6 first fragments without the
 * upper-layer header: not cut. */
static void test_cut_refused(void **state)
{
	(void)state;
	static const char *const refused[][2] = {
		{ "ipv4 dst=10.0.0.2 len=100\nudp dport=9\npayload size=200\n", "64" },
		{ "ipv6 dst=2001:db8::2 plen=0\nudp dport=9\npayload size=200\n", "64" },
		{ "ipv6 dst=2001:db8::2\ntcp dport=9\npayload size=200\n", "8" },
		{ "ipv6 dst=2001:db8::2\ndstopts\nudp dport=9\npayload size=200\n", "8" },
	};
	static const char *const taken[][2] = {
		{ "ipv6 dst=2001:db8::2\ntcp dport=9\npayload size=200\n", "24" },
		{ "ipv6 dst=2001:db8::2\nudp dport=9\npayload size=200\n", "8" },
		{ "ipv6 dst=2001:db8::2\ndstopts\nudp dport=9\npayload size=200\n", "16" },
		{ "ipv6 dst=2001:db8::2\nudp dport=9\n", "8" },	/* fits: leaves whole */
	};
	for (size_t i = 0; i < 8; i++) {
		const char *const *t = i < 4 ? refused[i] : taken[i - 4];
		char text[256];
		snprintf(text, sizeof text, "eth dst=02:00:00:00:00:02\n%s", t[0]);
		struct frame f;
		struct fragments fr;
		const char *why = NULL;
		build(text, &f);
		int rc = fragment_cut(&f, (size_t)atoi(t[1]), 0, &fr, &why);
		if (rc != (i < 4 ? -1 : 0))
			fail_msg("%s --fragment %s: %d (%s)", t[0], t[1], rc, why ? why : "");
		if (rc == 0)
			fragments_free(&fr);
		frame_free(&f);
	}
}

static void test_too_many_datagrams(void **state)
{
	(void)state;
	struct frame whole, out;
	struct fragments fr;
	struct reasm r;
	reasm_init(&r);
	cut(echo4, 1024, &whole, &fr);
	/* REASM_DATAGRAMS + 1 ids begun: the oldest is given up. */
	for (unsigned id = 0; id <= REASM_DATAGRAMS; id++) {
		uint8_t *ip = fr.bytes + fr.piece[0].off + 14;
		ip[4] = (uint8_t)(id >> 8);
		ip[5] = (uint8_t)id;
		csum_set_ipv4(ip, 20);
		assert_int_equal(feed(&r, &fr, 0, 1, &out), REASM_HELD);
	}
	assert_int_equal(r.dropped, 1);
	assert_true(r.bytes <= REASM_BYTES);
	reasm_free(&r);
	fragments_free(&fr);
	frame_free(&whole);
}

static void test_not_fragments(void **state)
{
	(void)state;
	struct frame whole, out, f;
	struct fragments fr;
	struct reasm r;
	reasm_init(&r);
	const char *why;
	/* A datagram that fits leaves whole, and passes reassembly as it is. */
	cut(echo4, 4096, &whole, &fr);
	assert_int_equal(fr.n, 1);
	assert_int_equal(feed(&r, &fr, 0, 1, &out), REASM_NONE);
	fragments_free(&fr);
	frame_free(&whole);
	/* No IP datagram, or a fragment already: not cut. */
	build("eth dst=ff:ff:ff:ff:ff:ff\narp tpa=10.0.0.2\n", &f);
	assert_int_equal(fragment_cut(&f, 8, 0, &fr, &why), -1);
	frame_free(&f);
	build("eth dst=02:00:00:00:00:02\nipv4 dst=10.0.0.2 frag=8\nudp dport=9\npayload size=100\n", &f);
	assert_int_equal(fragment_cut(&f, 8, 0, &fr, &why), -1);
	assert_int_equal(fragment_cut(&f, 12, 0, &fr, &why), -1);
	frame_free(&f);
	reasm_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_orders),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ipv6_behind_hopopts),
		cmocka_unit_test(test_missing_last),
		cmocka_unit_test(test_overlap_drops),
		cmocka_unit_test(test_duplicate_dropped_alone),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_held_bytes),
		cmocka_unit_test(test_ipv6_routing_after),
		cmocka_unit_test(test_cut_refused),
		cmocka_unit_test(test_too_many_datagrams),
		cmocka_unit_test(test_not_fragments),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
