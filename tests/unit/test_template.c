/*
 * test_template.c - `.pkt` text to a frame description (given and random
 * bits, required fields, order and overlap errors with their positions,
 * warnings), then frame_resolve + build_frame to exact bytes, checked
 * against frames Scapy builds from the same values, and every field's
 * resolved value against its bits on the wire.
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
#include "../../craft/util/checksum.h"
#include "../../craft/decode/decode.h"
#include "../../craft/proto/proto.h"
#include "../../craft/builder/resolve.h"
#include "../../craft/util/rng.h"
#include "../../craft/lang/template.h"
#include "../../craft/core/vars.h"
#include "fixture.h"

/* --- fixtures ------------------------------------------------------------ */

static int group_setup(void **state)
{
	(void)state;
	static const char *const vars[] = {
		"DST", "10.0.0.2", "PORT", "80", "SPORT", "40000", "DPORT", "9230",
		"SEQ", "100", "ACK", "5001", "TARGET", "10.0.0.9", "IP", "10.0.0.1",
		"TO_MAC", "02:00:00:00:00:02", "TO_IP", "10.0.0.2", "TEXT", "hello world",
		"iface.ip", "10.0.0.1", "iface.mac", "02:00:00:00:00:aa", NULL,
	};
	return fixture_open(vars);
}

/* Warnings the parser reports through the callback. */
struct warns {
	unsigned n;
	struct diag last;
};

static void collect_warn(void *ctx, const struct diag *d)
{
	struct warns *w = ctx;
	w->n++;
	w->last = *d;
}

static int parse(const char *text, struct frame *f, struct diag *d, struct warns *w)
{
	struct template_ctx tc = {
		.file = "t.pkt", .dir = NULL, .vars = &vs,
		.warn = w ? collect_warn : NULL, .warn_ctx = w,
	};
	memset(d, 0, sizeof *d);
	return template_parse(&tc, text, strlen(text), f, d);
}

static int resolve_build(struct frame *f, struct rng *rng, const struct iface *ifc,
			 struct diag *d)
{
	struct resolve_env env = { .file = "t.pkt", .iface = ifc, .rng = rng };
	if (frame_resolve(f, &env, d))
		return -1;
	return build_frame(bld, f, d);
}

/* Parses, resolves with `seed` and the fake interface, and builds. */
static int make(const char *text, uint64_t seed, struct frame *f, struct diag *d)
{
	struct rng rng;
	rng_seed(&rng, seed);
	if (parse(text, f, d, NULL))
		return -1;
	if (resolve_build(f, &rng, &fake_if, d)) {
		frame_free(f);
		return -1;
	}
	return 0;
}

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		unsigned v;
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		assert_true(n < cap);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void hexdump_diff(const uint8_t *got, size_t gn, const uint8_t *want, size_t wn)
{
	char line[4096];
	size_t k = 0;
	for (size_t i = 0; i < gn && k + 4 < sizeof line; i++)
		k += (size_t)snprintf(line + k, sizeof line - k, "%02x%s", got[i],
				      i < wn && got[i] == want[i] ? " " : "*");
	print_error("got (%zu, * differs from want %zu):\n%s\n", gn, wn, line);
}

/* Builds `text` and compares every byte with `want_hex`. */
#define assert_builds(text, seed, want_hex) do { \
	struct frame f_; \
	struct diag d_; \
	uint8_t w_[2048]; \
	size_t wn_ = unhex(want_hex, w_, sizeof w_); \
	if (make(text, seed, &f_, &d_)) \
		fail_msg("build failed: %u:%u %s", d_.line, d_.col, d_.msg); \
	bool same_ = f_.len == wn_ && memcmp(f_.bytes, w_, wn_) == 0; \
	if (!same_) \
		hexdump_diff(f_.bytes, f_.len, w_, wn_); \
	frame_free(&f_); \
	assert_true(same_); \
} while (0)

#define assert_parse_error(text, wline, wcol, wmsg) do { \
	struct frame f_; \
	struct diag d_; \
	if (parse(text, &f_, &d_, NULL) == 0) { \
		frame_free(&f_); \
		fail_msg("parsed without error: %s", text); \
	} \
	if (d_.line != (wline) || d_.col != (wcol) || !strstr(d_.msg, wmsg)) \
		fail_msg("got %u:%u '%s', want %u:%u '%s'", d_.line, d_.col, d_.msg, \
			 (unsigned)(wline), (unsigned)(wcol), wmsg); \
	assert_string_equal(d_.file, "t.pkt"); \
	assert_int_equal(f_.nlayers, 0);	/* freed and cleared */ \
	assert_null(f_.bytes); \
} while (0)

static bool bit(uint32_t mask, int k)
{
	return (mask >> k) & 1;
}

/* --- parsing --------------------------------------------------------------- */

static void test_implied_eth(void **state)
{
	(void)state;
	struct frame f;
	struct diag d;
	assert_int_equal(parse("arp tpa=10.0.0.9\n", &f, &d, NULL), 0);
	assert_int_equal(f.nlayers, 2);
	assert_ptr_equal(f.layer[0].def, &eth_layer);
	assert_int_equal(f.layer[0].given, 0);
	assert_ptr_equal(f.layer[1].def, &arp_layer);
	assert_int_equal(f.layer[1].given, 1u << ARP_TPA);
	assert_int_equal(lv(&f.layer[1], ARP_TPA), 0x0a000009);
	assert_int_equal(f.layer[1].pos.line, 1);
	assert_int_equal(f.layer[1].pos.col, 1);
	frame_free(&f);

	/* an explicit eth line is the same layer, with what it gives */
	assert_int_equal(parse("# lab\n  eth src=00:23:aa:69:72:dd\n\narp tpa=10.0.0.9 # x\n",
			       &f, &d, NULL), 0);
	assert_int_equal(f.nlayers, 2);
	assert_int_equal(f.layer[0].given, 1u << ETH_SRC);
	assert_int_equal(f.layer[0].pos.line, 2);
	assert_int_equal(f.layer[0].pos.col, 3);
	assert_int_equal(f.layer[0].fpos[ETH_SRC].line, 2);
	assert_int_equal(f.layer[0].fpos[ETH_SRC].col, 7);	/* the key */
	assert_int_equal(f.layer[1].pos.line, 4);
	frame_free(&f);

	/* payload straight after the implied eth */
	assert_int_equal(parse("payload hex=0102\n", &f, &d, NULL), 0);
	assert_int_equal(f.nlayers, 2);
	assert_int_equal(f.layer[1].val[PL_HEX].len, 2);
	frame_free(&f);
}

static void test_given_and_random(void **state)
{
	(void)state;
	struct frame f;
	struct diag d;
	assert_int_equal(parse("ipv4 dst=${DST} ttl=random id=7 tos=0x10\n"
			       "tcp dport=${PORT} seq=random flags=SA opts=mss:1460\n",
			       &f, &d, NULL), 0);
	assert_int_equal(f.nlayers, 3);
	const struct layer *ip = &f.layer[1], *tcp = &f.layer[2];
	assert_true(bit(ip->given, IPV4_DST));
	assert_true(bit(ip->given, IPV4_TTL));
	assert_true(bit(ip->given, IPV4_ID));
	assert_true(bit(ip->given, IPV4_TOS));
	assert_false(bit(ip->given, IPV4_SRC));
	assert_false(bit(ip->given, IPV4_CSUM));
	assert_int_equal(ip->random, 1u << IPV4_TTL);
	assert_int_equal(lv(ip, IPV4_DST), 0x0a000002);
	assert_int_equal(lv(ip, IPV4_ID), 7);
	assert_int_equal(lv(ip, IPV4_TOS), 0x10);
	assert_int_equal(tcp->random, 1u << TCP_SEQ);
	assert_int_equal(lv(tcp, TCP_DPORT), 80);
	assert_int_equal(lv(tcp, TCP_FLAGS), 0x12);
	assert_int_equal(tcp->val[TCP_OPTS].len, 4);
	assert_false(bit(tcp->given, TCP_SPORT));
	frame_free(&f);

	/* random is a numeric-field word; for payload text it is just text */
	assert_int_equal(parse("payload text=random\n", &f, &d, NULL), 0);
	assert_int_equal(f.layer[1].random, 0);
	assert_int_equal(f.layer[1].val[PL_TEXT].len, 6);
	frame_free(&f);
	assert_int_equal(parse("eth src=random dst=random\n", &f, &d, NULL), 0);
	assert_int_equal(f.layer[0].random, (1u << ETH_SRC) | (1u << ETH_DST));
	frame_free(&f);
}

static void test_required(void **state)
{
	(void)state;
	assert_parse_error("arp op=request\n", 1, 1, "arp needs tpa=");
	assert_parse_error("eth\n  ipv4 src=10.0.0.1\n", 2, 3, "ipv4 needs dst=");
	assert_parse_error("ipv4 dst=1.2.3.4\ntcp sport=1\n", 2, 1, "tcp needs dport=");
	assert_parse_error("ipv4 dst=1.2.3.4\nudp\n", 2, 1, "udp needs dport=");
	assert_parse_error("ipv4 dst=1.2.3.4\nudp dport=1\npayload\n", 3, 1,
			   "payload needs one of text=, hex=, file=, size=");
	assert_parse_error("", 1, 1, "empty template");
	assert_parse_error("# only a comment\n\n", 1, 1, "empty template");
	/* icmp and vlan need nothing */
	struct frame f;
	struct diag d;
	assert_int_equal(parse("vlan\nipv4 dst=1.2.3.4\nicmp\n", &f, &d, NULL), 0);
	assert_int_equal(f.nlayers, 4);
	frame_free(&f);
}

static void test_duplicates_and_overlaps(void **state)
{
	(void)state;
	assert_parse_error("ipv4 dst=1.2.3.4 ttl=1 ttl=2\n", 1, 24,
			   "ipv4 ttl given twice (first at 1:18)");
	assert_parse_error("ipv4 dst=1.2.3.4 tos=0 dscp=46\n", 1, 24,
			   "ipv4 dscp sets bits that tos (at 1:18) already sets");
	assert_parse_error("ipv4 dst=1.2.3.4 ecn=1 tos=0\n", 1, 24, "sets bits that ecn");
	assert_parse_error("payload text=a hex=00\n", 1, 16,
			   "payload takes exactly one of text, hex, file, size (text given at 1:9)");
	assert_parse_error("payload size=1 \\\n  size=2\n", 2, 3, "given twice");
	/* dscp and ecn split tos between them: both together are fine */
	struct frame f;
	struct diag d;
	assert_int_equal(parse("ipv4 dst=1.2.3.4 dscp=46 ecn=2\n", &f, &d, NULL), 0);
	frame_free(&f);
}

/* A row that goes with a type may come before the type: a name two types
 * share (an NA's and an RA's flags) lands in the row of the type the line
 * ends with. */
static void test_fields_before_type(void **state)
{
	(void)state;
	struct frame f;
	struct diag d;
	static const struct { const char *line; int row; uint64_t value; } cases[] = {
		{ "icmp6 flags=MO type=router-advert\n", ICMP6_RAFLAGS, 0xc0 },
		{ "icmp6 flags=O type=router-advert\n", ICMP6_RAFLAGS, 0x40 },
		{ "icmp6 flags=O type=neighbor-advert target=::2\n", ICMP6_NAFLAGS, 0x20000000 },
		{ "icmp6 target=::2 flags=R type=neighbor-advert\n", ICMP6_NAFLAGS, 0x80000000 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char text[128];
		snprintf(text, sizeof text, "ipv6 dst=::1\n%s", cases[i].line);
		if (parse(text, &f, &d, NULL))
			fail_msg("%s: %u:%u %s", cases[i].line, d.line, d.col, d.msg);
		const struct layer *l = frame_find(&f, f.nlayers, L_ICMP6);
		assert_non_null(l);
		assert_true(l->given >> cases[i].row & 1u);
		assert_int_equal(lv(l, cases[i].row), cases[i].value);
		int other = cases[i].row == ICMP6_RAFLAGS ? ICMP6_NAFLAGS : ICMP6_RAFLAGS;
		assert_false(l->given >> other & 1u);
		frame_free(&f);
	}
	assert_parse_error("ipv6 dst=::1\nicmp6 flags=M type=neighbor-advert target=::2\n", 2, 7,
			   "icmp6 flags does not go with icmp6 type (neighbor-advert)");
}

static void test_layer_order(void **state)
{
	(void)state;
	assert_parse_error("ipv4 dst=1.1.1.1\narp tpa=1.1.1.1\n", 2, 1, "arp cannot follow ipv4");
	assert_parse_error("tcp dport=1\n", 1, 1, "tcp cannot follow eth");
	assert_parse_error("eth\neth\n", 2, 1, "eth must be the first layer");
	assert_parse_error("arp tpa=1.1.1.1\neth\n", 2, 1, "eth must be the first layer");
	assert_parse_error("payload text=a\n  ipv4 dst=1.1.1.1\n", 2, 3,
			   "ipv4 cannot follow payload: nothing comes after payload");
	assert_parse_error("ipv4 dst=1.1.1.1\ntcp dport=1\nudp dport=2\n", 3, 1,
			   "udp cannot follow tcp");
	assert_parse_error("ipv4 dst=1.1.1.1\nvlan\n", 2, 1, "vlan cannot follow ipv4");
	assert_parse_error("arp tpa=1.1.1.1\narp tpa=1.1.1.1\n", 2, 1, "arp cannot follow arp");
	/* the message lists what may follow */
	assert_parse_error("ipv4 dst=1.1.1.1\narp tpa=1.1.1.1\n", 2, 1, "tcp, udp, icmp");
	/* IPv6 and IPv4 upper layers stay apart; hop-by-hop only right after
	 * IPv6 (RFC 8200 4.1), in a quoted datagram too, and not offered
	 * after another extension header */
	assert_parse_error("ipv6 dst=::1\nicmp\n", 2, 1, "icmp cannot follow ipv6");
	assert_parse_error("ipv4 dst=1.1.1.1\nfragment\n", 2, 1, "fragment cannot follow ipv4");
	assert_parse_error("ipv6 dst=::1\nfragment\nhopopts\n", 3, 1,
			   "hopopts must come right after ipv6, not after fragment: routers");
	assert_parse_error("ipv6 dst=::1\nrouting\nicmp\n", 3, 1,
			   "after routing comes eth, ipv4, ipv6, dstopts, routing, fragment, tcp, udp, icmp6, payload");
	struct frame f;
	struct diag d;
	assert_int_equal(parse("ipv6 dst=::1\nicmp6 type=param-problem\nipv6 src=::1 dst=::2\n"
			       "hopopts\ndstopts\ndstopts\nrouting\nfragment\nfragment\nudp dport=1\n",
			       &f, &d, NULL), 0);
	frame_free(&f);
	/* at most MAX_LAYERS */
	char text[512] = "";
	for (int i = 0; i < MAX_LAYERS; i++)
		strcat(text, "vlan\n");
	assert_parse_error(text, MAX_LAYERS, 1, "too many layers");
}

static void test_error_positions(void **state)
{
	(void)state;
	assert_parse_error("foo x=1\n", 1, 1, "unknown layer 'foo'");
	assert_parse_error("\n\n   ipv4 dst=1.1.1.1 bogus=1\n", 3, 21, "ipv4 has no field 'bogus'");
	assert_parse_error("ipv4 dst\n", 1, 6, "expected '=' after 'dst'");
	assert_parse_error("ipv4 dst=1.2.3\n", 1, 10, "ipv4 dst: '1.2.3' is not an IPv4 address");
	assert_parse_error("ipv4 dst=1.1.1.1 ttl=300\n", 1, 22, "ipv4 ttl: 300 is out of range 0..255");
	assert_parse_error("ipv4 dst=1.1.1.1 \\\n    ttl=300\n", 2, 9, "out of range");
	assert_parse_error("ipv4 dst=1.1.1.1\n\ttcp dport=80 flags=SX\n", 2, 21,
			   "'X' is not a TCP flag");
	assert_parse_error("ipv4 dst=1.1.1.1 ttl=\n", 1, 22, "ipv4 ttl: empty value");
	assert_parse_error("ipv4 dst=${NOPE}\n", 1, 12, "unknown variable 'NOPE'");
	assert_parse_error("ipv4 dst=${DST} ttl=${PORT + x}\n", 1, 30, "unknown variable 'x'");
	assert_parse_error("ipv4 dst=1.1.1.1 ttl=\"64\n", 1, 22, "unterminated string");
	assert_parse_error("ipv4,dst=1.1.1.1\n", 1, 5, "expected a space after the layer name");
	assert_parse_error("ipv4 dst=1.1.1.1 =5\n", 1, 18, "expected field=value");
	assert_parse_error("ipv4 dst=1.1.1.1\ntcp dport=80 opts=mss:1460,bogus\n", 2, 19,
			   "unknown TCP option 'bogus'");
	assert_parse_error("payload hex=abc\n", 1, 13, "odd number of hex digits");
	/* values with the right form but a NUL inside */
	assert_parse_error("ipv4 dst=\"1.1.1.1\\0\"\n", 1, 10, "NUL");
}

static void test_warnings(void **state)
{
	(void)state;
	struct frame f;
	struct diag d;
	struct warns w = { 0 };
	assert_int_equal(parse("ipv4 dst=1.1.1.1 ttl=0\n", &f, &d, &w), 0);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.last.line, 1);
	assert_int_equal(w.last.col, 22);
	assert_string_equal(w.last.file, "t.pkt");
	assert_non_null(strstr(w.last.msg, "ipv4 ttl=0"));
	assert_non_null(strstr(w.last.msg, "first hop drops it"));
	frame_free(&f);

	memset(&w, 0, sizeof w);
	assert_int_equal(parse("vlan id=4095\nipv4 dst=1.1.1.1 ihl=4\ntcp dport=0 flags=SF\n",
			       &f, &d, &w), 0);
	assert_int_equal(w.n, 4);	/* vid 4095, ihl 4, port 0, SYN+FIN */
	assert_int_equal(w.last.line, 3);
	assert_non_null(strstr(w.last.msg, "SYN and FIN"));
	frame_free(&f);

	/* fine values, random values and a NULL callback warn nothing */
	memset(&w, 0, sizeof w);
	assert_int_equal(parse("ipv4 dst=1.1.1.1 ttl=1 ver=4\n", &f, &d, &w), 0);
	frame_free(&f);
	assert_int_equal(parse("ipv4 dst=1.1.1.1 ttl=random\n", &f, &d, &w), 0);
	frame_free(&f);
	assert_int_equal(w.n, 0);
	assert_int_equal(parse("ipv4 dst=1.1.1.1 ttl=0\n", &f, &d, NULL), 0);
	frame_free(&f);
}

/* --- resolve and build ------------------------------------------------------ */

static const char arp_text[] =
	"eth src=00:23:aa:69:72:dd\n"
	"arp sha=00:23:aa:69:72:dd spa=192.168.35.1 tpa=192.168.35.203\n";
static const char arp_want[] =
	"ff ff ff ff ff ff 00 23 aa 69 72 dd 08 06 00 01 08 00 06 04 00 01 00 23 "
	"aa 69 72 dd c0 a8 23 01 00 00 00 00 00 00 c0 a8 23 cb";

static void test_build_classic_arp(void **state)
{
	(void)state;
	assert_builds(arp_text, 1, arp_want);
	/* with no interface at all: every address is given */
	struct frame f;
	struct diag d;
	struct rng rng;
	rng_seed(&rng, 1);
	assert_int_equal(parse(arp_text, &f, &d, NULL), 0);
	assert_int_equal(resolve_build(&f, &rng, NULL, &d), 0);
	assert_int_equal(f.len, 42);
	assert_int_equal(f.layer[1].off, 14);
	assert_int_equal(f.layer[1].hdr_len, 28);
	frame_free(&f);
}

/* Frames whose every field is given or constant, against Scapy's bytes. */
static void test_build_exact(void **state)
{
	(void)state;
	static const char syn_hex[] =
		"02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00 00 3c 12 34 40 00 40 06 "
		"14 86 0a 00 00 01 0a 00 00 02 9c 40 00 50 00 00 03 e8 00 00 00 00 a0 02 "
		"fa f0 98 93 00 00 02 04 05 b4 04 02 08 0a 00 00 00 01 00 00 00 00 01 03 "
		"03 07";
	assert_builds("eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02\n"
		      "ipv4 src=10.0.0.1 dst=10.0.0.2 id=0x1234\n"
		      "tcp sport=40000 dport=80 seq=1000 opts=mss:1460,sackok,ts:1:0,nop,ws:7\n",
		      1, syn_hex);
	static const char udp_hex[] =
		"02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00 00 21 00 01 40 00 40 11 "
		"26 c9 0a 00 00 01 0a 00 00 02 14 e9 00 35 00 0d 92 e1 68 65 6c 6c 6f";
	assert_builds("eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02\n"
		      "ipv4 src=10.0.0.1 dst=10.0.0.2 id=1\n"
		      "udp sport=5353 dport=53\npayload text=hello\n", 1, udp_hex);
	static const char icmp_hex[] =
		"02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 00 00 24 00 07 40 00 40 01 "
		"26 d0 0a 00 00 01 0a 00 00 02 08 00 24 27 42 42 00 01 61 62 63 64 65 66 "
		"67 68";
	assert_builds("eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02\n"
		      "ipv4 src=10.0.0.1 dst=10.0.0.2 id=7\n"
		      "icmp id=0x4242\npayload hex=6162636465666768\n", 1, icmp_hex);
	static const char vlan_hex[] =
		"02 00 00 00 00 02 02 00 00 00 00 01 81 00 a0 0a 08 00 45 00 00 20 00 02 "
		"00 00 40 11 66 c9 0a 00 00 01 0a 00 00 02 03 e8 07 d0 00 0c 08 41 76 6c "
		"61 6e";
	assert_builds("eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02\n"
		      "vlan pcp=5 id=10\n"
		      "ipv4 src=10.0.0.1 dst=10.0.0.2 id=2 flags=none\n"
		      "udp sport=1000 dport=2000\npayload text=\"vlan\"\n", 1, vlan_hex);
	static const char qinq_hex[] =
		"02 00 00 00 00 02 02 00 00 00 00 01 81 00 00 0a 81 00 00 14 08 00 45 00 "
		"00 28 00 05 40 00 40 06 26 c9 0a 00 00 01 0a 00 00 02 04 d2 00 50 00 00 "
		"00 01 00 00 00 00 50 02 fa f0 9b cc 00 00";
	assert_builds("eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02\n"
		      "vlan id=10\nvlan id=20\n"
		      "ipv4 src=10.0.0.1 dst=10.0.0.2 id=5\n"
		      "tcp sport=1234 dport=80 seq=1\n", 1, qinq_hex);
	static const char pa_hex[] =
		"02 00 00 00 00 02 02 00 00 00 00 01 08 00 45 b8 00 3a 00 09 40 00 40 06 "
		"25 e9 0a 09 00 01 0a 09 00 02 9c 40 24 0e 00 00 00 65 00 00 13 89 50 18 "
		"01 f6 e6 d3 00 00 47 45 54 20 2f 20 48 54 54 50 2f 31 2e 30 0d 0a 0d 0a";
	assert_builds("eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02\n"
		      "ipv4 src=10.9.0.1 dst=10.9.0.2 id=9 dscp=46\n"
		      "tcp sport=40000 dport=9230 seq=101 ack=5001 flags=PA win=502\n"
		      "payload text=\"GET / HTTP/1.0\\r\\n\\r\\n\"\n", 1, pa_hex);
}

/* IPv6 extension headers as Scapy builds them from the same values:
 * options padded to 8 bytes by Pad1 or PadN, lengths in 8-byte units,
 * segments left counted, the echo's sum through the final destination. */
static void test_build_ext6(void **state)
{
	(void)state;
#define E6 "eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02\n" \
	   "ipv6 src=2001:db8::1 dst=2001:db8::2\n"
#define E6_HEX "02 00 00 00 00 02 02 00 00 00 00 01 86 dd 60 00 00 00 "
#define E6_ADDRS "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 " \
		 "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02 "
	assert_builds(E6 "hopopts opts=ra:0\ndstopts\nrouting addrs=2001:db8::10+2001:db8::20\n"
		      "fragment id=0x1234\nicmp6 id=7 seq=1\npayload text=hello\n", 1,
		      E6_HEX "00 4d 00 40 " E6_ADDRS
		      "3c 00 05 02 00 00 01 00 2b 00 01 04 00 00 00 00 2c 04 00 02 00 00 00 00 "
		      "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 10 "
		      "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 20 "
		      "3a 00 00 00 00 00 12 34 80 00 e0 4a 00 07 00 01 68 65 6c 6c 6f");
	/* padn:3 leaves one byte: Pad1; two alerts leave six: PadN of 4 */
	assert_builds(E6 "dstopts opts=padn:3\n", 1,
		      E6_HEX "00 08 3c 40 " E6_ADDRS "3b 00 01 03 00 00 00 00");
	assert_builds(E6 "hopopts opts=ra:0,ra:2\n", 1,
		      E6_HEX "00 10 00 40 " E6_ADDRS
		      "3b 01 05 02 00 00 05 02 00 02 01 04 00 00 00 00");
	/* options that fill the header are all there is; a given len wins */
	assert_builds(E6 "hopopts opts=jumbo:70000 len=3\n", 1,
		      E6_HEX "00 08 00 40 " E6_ADDRS "3b 03 c2 04 00 01 11 70");
	/* no address: an 8-byte routing header; a later fragment, all given */
	assert_builds(E6 "routing type=4\nfragment nh=17 off=8191 res=0xff res2=3 m=1 id=1\n", 1,
		      E6_HEX "00 10 2b 40 " E6_ADDRS
		      "2c 00 04 00 00 00 00 00 11 ff ff ff 00 00 00 01");
#undef E6
#undef E6_HEX
#undef E6_ADDRS
}

/* Decodes f's bytes and returns the checksum status of layer `idx`. */
static enum csum_status status_of(const struct frame *f, size_t idx, uint16_t *expected)
{
	struct frame g;
	decode_frame(f->bytes, f->len, f->len, LINK_ETHERNET, &g);
	enum csum_status cs = idx < g.nlayers ? g.layer[idx].csum : CS_NONE;
	if (expected)
		*expected = idx < g.nlayers ? g.layer[idx].csum_expected : 0;
	frame_free(&g);
	return cs;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void test_explicit_wins(void **state)
{
	(void)state;
	struct frame f;
	struct diag d;
	/* an explicit csum=0 stays 0; the UDP checksum is still right */
	assert_int_equal(make("eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02\n"
			      "ipv4 src=10.9.0.1 dst=10.9.0.2 id=1 csum=0x0000\n"
			      "udp sport=1 dport=2\npayload text=\"x\"\n", 3, &f, &d), 0);
	assert_int_equal(be16(f.bytes + 24), 0);
	uint16_t want;
	assert_int_equal(status_of(&f, 1, &want), CS_INCORRECT);
	assert_int_equal(want, (uint16_t)~csum_fold(csum_add(0, f.bytes + 14, 20, 10)));
	assert_int_not_equal(want, 0);
	assert_int_equal(status_of(&f, 2, NULL), CS_CORRECT);
	frame_free(&f);

	/* the other way round: a wrong TCP checksum, a right IPv4 one */
	assert_int_equal(make("ipv4 src=10.9.0.1 dst=10.9.0.2\n"
			      "tcp dport=80 csum=0x1234\n", 3, &f, &d), 0);
	assert_int_equal(be16(f.bytes + 34 + 16), 0x1234);
	assert_int_equal(status_of(&f, 1, NULL), CS_CORRECT);
	assert_int_equal(status_of(&f, 2, NULL), CS_INCORRECT);
	frame_free(&f);

	/* fields libnet never sees are laid over, and the checksums redone */
	assert_int_equal(make("ipv4 src=10.9.0.1 dst=10.9.0.2 ver=6 ihl=6 flags=RB\n"
			      "tcp dport=80 res=15 off=15 urp=7\n", 3, &f, &d), 0);
	assert_int_equal(f.bytes[14], 0x66);
	assert_int_equal(f.bytes[20] >> 5, 4);
	assert_int_equal(f.bytes[34 + 12], 0xff);
	assert_int_equal(be16(f.bytes + 34 + 18), 7);
	assert_int_equal(f.len, 54);	/* the header claims 60 bytes: only 20 are there */
	/* IHL 6: the checksum covers 24 bytes, the first 4 of TCP's among them
	 * (summed here: version 6 decodes as IPv6, as Wireshark has it) */
	assert_int_equal(csum_fold(csum_add(0, f.bytes + 14, 24, SIZE_MAX)), 0xffff);
	frame_free(&f);

	/* a wrong total length is kept; the TCP checksum still matches the bytes */
	assert_int_equal(make("ipv4 src=10.9.0.1 dst=10.9.0.2 len=1000 proto=6\n"
			      "tcp dport=80\n", 3, &f, &d), 0);
	assert_int_equal(be16(f.bytes + 16), 1000);
	assert_int_equal(status_of(&f, 1, NULL), CS_CORRECT);
	frame_free(&f);

	/* explicit type/proto wins over what the next layer announces */
	assert_int_equal(make("eth type=0x88b5\nipv4 dst=1.1.1.1 proto=udp\ntcp dport=1\n",
			      3, &f, &d), 0);
	assert_int_equal(be16(f.bytes + 12), 0x88b5);
	assert_int_equal(f.bytes[23], 17);
	frame_free(&f);

	/* eth dst given: not resolved */
	assert_int_equal(make("eth dst=02:00:00:00:00:09\narp tpa=1.1.1.1\n", 3, &f, &d), 0);
	assert_memory_equal(f.bytes, "\x02\x00\x00\x00\x00\x09", 6);
	frame_free(&f);
}

static void test_defaults(void **state)
{
	(void)state;
	struct frame f;
	struct diag d;
	assert_int_equal(make("ipv4 dst=10.0.0.2\ntcp dport=80\n", 5, &f, &d), 0);
	assert_int_equal(f.len, 54);
	const uint8_t *ip = f.bytes + 14, *tcp = f.bytes + 34;
	assert_memory_equal(f.bytes + 6, "\x02\x00\x00\x00\x00\xaa", 6);	/* iface MAC */
	assert_int_equal(be16(f.bytes + 12), 0x0800);
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(ip[1], 0);
	assert_int_equal(be16(ip + 2), 40);
	assert_int_equal(be16(ip + 6), 0x4000);	/* DF */
	assert_int_equal(ip[8], 64);
	assert_int_equal(ip[9], 6);
	assert_memory_equal(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	unsigned sport = be16(tcp);
	assert_true(sport >= EPHEMERAL_LOW && sport <= EPHEMERAL_HIGH);
	assert_int_equal(be16(tcp + 2), 80);
	assert_memory_equal(tcp + 8, "\0\0\0\0", 4);	/* ack 0 */
	assert_int_equal(tcp[12], 0x50);
	assert_int_equal(tcp[13], TCP_F_SYN);
	assert_int_equal(be16(tcp + 14), 64240);
	assert_int_equal(be16(tcp + 18), 0);
	assert_int_equal(status_of(&f, 1, NULL), CS_CORRECT);
	assert_int_equal(status_of(&f, 2, NULL), CS_CORRECT);
	assert_true(f.eth_dst_unresolved);	/* no next-hop lookup given */
	assert_memory_equal(f.bytes, "\0\0\0\0\0\0", 6);
	frame_free(&f);

	/* the next layer decides type and proto; nothing known: experimental */
	assert_int_equal(make("payload size=4\n", 5, &f, &d), 0);
	assert_int_equal(be16(f.bytes + 12), ETHERTYPE_EXPERIMENTAL);
	assert_memory_equal(f.bytes, "\xff\xff\xff\xff\xff\xff", 6);
	assert_int_equal(f.len, 18);
	frame_free(&f);
	assert_int_equal(make("ipv4 dst=1.1.1.1\npayload size=4\n", 5, &f, &d), 0);
	assert_int_equal(f.bytes[23], IPPROTO_EXPERIMENTAL);
	assert_int_equal(be16(f.bytes + 16), 24);
	frame_free(&f);
	assert_int_equal(make("vlan\narp tpa=1.1.1.1\n", 5, &f, &d), 0);
	assert_int_equal(be16(f.bytes + 12), 0x8100);
	assert_int_equal(be16(f.bytes + 14), 0x0001);	/* pcp 0, dei 0, id 1 */
	assert_int_equal(be16(f.bytes + 16), 0x0806);
	frame_free(&f);

	/* TCP options are padded to 32 bits and counted in the data offset */
	assert_int_equal(make("ipv4 dst=1.1.1.1\ntcp dport=1 opts=ws:7\n", 5, &f, &d), 0);
	assert_int_equal(f.len, 14 + 20 + 24);
	assert_int_equal(f.bytes[34 + 12], 0x60);
	assert_memory_equal(f.bytes + 54, "\x03\x03\x07\x00", 4);
	assert_int_equal(status_of(&f, 2, NULL), CS_CORRECT);
	frame_free(&f);

	/* ICMP echo defaults: type 8, code 0, seq 1, checksum over the data */
	assert_int_equal(make("ipv4 dst=1.1.1.1\nicmp\npayload text=abc\n", 5, &f, &d), 0);
	assert_int_equal(f.bytes[34], 8);
	assert_int_equal(f.bytes[35], 0);
	assert_int_equal(be16(f.bytes + 40), 1);
	assert_int_equal(status_of(&f, 2, NULL), CS_CORRECT);
	frame_free(&f);
}

/* --- one row, one field ---------------------------------------------------- */

/* Every layer, aliases given and left out, a stacked VLAN tag, and the
 * datagram an ICMP error quotes. */
static const char *const every_layer[] = {
	"arp tpa=10.0.0.9\n",
	"vlan pcp=3\nvlan\nipv4 dst=10.0.0.2 dscp=46\ntcp dport=80 opts=mss:1460\n"
	"payload text=hi\n",
	"ipv4 dst=10.0.0.2 ecn=1\nudp dport=53\npayload size=3\n",
	"ipv4 dst=10.0.0.2\nicmp\npayload hex=0102\n",
	"ipv4 dst=10.0.0.2\nicmp code=3\nipv4 src=10.0.0.2 dst=10.9.9.9\nudp sport=1 dport=2\n",
	"payload size=4\n",
	"ipv6 dst=2001:db8::2 tc=3 flow=0x12345 hlim=9\nicmp6 id=3 seq=4\npayload text=hi\n",
	"ipv6 dst=2001:db8::2 dscp=10\nudp dport=53\n",
	"ipv6 dst=fe80::2\nicmp6 type=neighbor-advert target=fe80::1 opts=tll:auto\n",
	"ipv6 dst=ff02::2\nicmp6 type=router-advert flags=MO curhlim=7 opts=mtu:1500\n",
	"ipv6 dst=2001:db8::2\nicmp6 type=packet-too-big mtu=1300\nipv6 src=2001:db8::2 "
	"dst=2001:db8::9\ntcp dport=80\n",
	"ipv6 dst=2001:db8::2\nhopopts opts=ra:0\ndstopts opts=padn:2,jumbo:9\n"
	"routing addrs=2001:db8::7 type=2\nfragment off=3 m=1 res=1 res2=2\nudp dport=7\n",
	"ipv6 dst=2001:db8::2\nfragment\ndstopts\nrouting segleft=0\nicmp6\n",
};

/* The tables with every constant default changed, so that wherever libnet
 * picks a field's bytes itself they differ from the row's default. */
static struct field moved_rows[L_COUNT][MAX_FIELDS];
static struct layer_def moved_defs[L_COUNT];

static void move_defaults(void)
{
	for (int i = 0; i < L_COUNT; i++) {
		const struct layer_def *d = craft_layers[i];
		memcpy(moved_rows[i], d->fields, d->nfields * sizeof *d->fields);
		for (size_t k = 0; k < d->nfields; k++)
			if (moved_rows[i][k].dflt_kind == FD_CONST || moved_rows[i][k].dflt_kind == FD_COUNT)
				moved_rows[i][k].dflt ^= 1;
		moved_defs[i] = *d;
		moved_defs[i].fields = moved_rows[i];
	}
}

/* Each fixed field's bits on the wire are its resolved value, but for the
 * lengths, checksums and next-layer types the builder works out itself.
 * False, with the first that differs printed, if not. */
static bool rows_on_wire(const struct frame *f, const char *text)
{
	for (size_t i = 0; i < f->nlayers; i++) {
		const struct layer *l = &f->layer[i];
		for (size_t k = 0; k < l->def->nfields; k++) {
			const struct field *fd = &l->def->fields[k];
			if (!fd->bits || (fd->dflt_kind == FD_COMPUTED && !bit(l->given, (int)k)) ||
			    (l->def->applies && !l->def->applies(l, k)))
				continue;
			u128 wire = bits_get(f->bytes + l->off, fd->bit_off, fd->bits);
			if (wire != l->val[k].u) {
				print_error("layer %zu %s %s: 0x%llx on the wire, resolved 0x%llx, "
					    "from:\n%s", i, l->def->name, fd->name,
					    (unsigned long long)wire,
					    (unsigned long long)l->val[k].u, text);
				return false;
			}
		}
	}
	return true;
}

static void test_every_row_on_wire(void **state)
{
	(void)state;
	uint32_t seen = 0;
	move_defaults();
	for (size_t t = 0; t < sizeof every_layer / sizeof every_layer[0]; t++)
		for (int moved = 0; moved < 2; moved++) {
			struct frame f;
			struct diag d;
			struct rng rng;
			rng_seed(&rng, 7);
			if (parse(every_layer[t], &f, &d, NULL))
				fail_msg("%u:%u %s", d.line, d.col, d.msg);
			for (size_t i = 0; i < f.nlayers; i++) {
				seen |= 1u << f.layer[i].def->id;
				if (moved)
					f.layer[i].def = &moved_defs[f.layer[i].def->id];
			}
			if (resolve_build(&f, &rng, &fake_if, &d)) {
				frame_free(&f);
				fail_msg("%u:%u %s", d.line, d.col, d.msg);
			}
			bool ok = rows_on_wire(&f, every_layer[t]);
			frame_free(&f);
			assert_true(ok);
		}
	uint32_t built = 0;
	for (int i = 0; i < L_COUNT; i++)
		built |= (uint32_t)!craft_layers[i]->decode_only << i;
	assert_int_equal(seen, built);	/* a template holds each layer it may */
}

static int fake_nexthop(void *ctx, const struct addr *dst, uint64_t *mac, struct diag *d)
{
	(void)d;
	*(uint32_t *)ctx = addr_ipv4(dst);
	*mac = UINT64_C(0x02000000beef);
	return 0;
}

static void test_eth_dst_resolution(void **state)
{
	(void)state;
	struct frame f;
	struct diag d;
	assert_int_equal(make("arp op=reply tha=02:00:00:00:00:07 tpa=1.1.1.1\n", 1, &f, &d), 0);
	assert_memory_equal(f.bytes, "\x02\x00\x00\x00\x00\x07", 6);	/* the asker */
	frame_free(&f);
	assert_int_equal(make("arp op=request tpa=1.1.1.1\n", 1, &f, &d), 0);
	assert_memory_equal(f.bytes, "\xff\xff\xff\xff\xff\xff", 6);
	assert_false(f.eth_dst_unresolved);
	frame_free(&f);
	assert_int_equal(make("ipv4 dst=224.0.0.251\nudp dport=5353\n", 1, &f, &d), 0);
	assert_memory_equal(f.bytes, "\x01\x00\x5e\x00\x00\xfb", 6);
	frame_free(&f);
	assert_int_equal(make("ipv4 dst=239.255.255.250\nudp dport=1900\n", 1, &f, &d), 0);
	assert_memory_equal(f.bytes, "\x01\x00\x5e\x7f\xff\xfa", 6);
	frame_free(&f);
	assert_int_equal(make("ipv4 dst=255.255.255.255\nudp dport=67\n", 1, &f, &d), 0);
	assert_memory_equal(f.bytes, "\xff\xff\xff\xff\xff\xff", 6);
	frame_free(&f);

	/* unicast goes through the next-hop lookup */
	uint32_t asked = 0;
	struct rng rng;
	rng_seed(&rng, 1);
	assert_int_equal(parse("ipv4 dst=10.0.0.2\nicmp\n", &f, &d, NULL), 0);
	struct resolve_env env = { .file = "t.pkt", .iface = &fake_if, .rng = &rng,
				   .nexthop_mac = fake_nexthop, .ctx = &asked };
	assert_int_equal(frame_resolve(&f, &env, &d), 0);
	assert_int_equal(build_frame(bld, &f, &d), 0);
	assert_int_equal(asked, 0x0a000002);
	assert_memory_equal(f.bytes, "\x02\x00\x00\x00\xbe\xef", 6);
	assert_false(f.eth_dst_unresolved);
	frame_free(&f);
}

static void test_no_interface(void **state)
{
	(void)state;
	struct frame f;
	struct diag d;
	struct rng rng;
	rng_seed(&rng, 1);
	assert_int_equal(parse("\n  arp tpa=1.1.1.1\n", &f, &d, NULL), 0);
	struct resolve_env env = { .file = "t.pkt", .iface = NULL, .rng = &rng };
	assert_int_equal(frame_resolve(&f, &env, &d), -1);
	assert_non_null(strstr(d.msg, "no interface"));
	assert_int_equal(d.line, 2);
	frame_free(&f);

	struct iface noip = fake_if;
	noip.has_ip = false;
	assert_int_equal(parse("ipv4 dst=1.1.1.1\nicmp\n", &f, &d, NULL), 0);
	env.iface = &noip;
	assert_int_equal(frame_resolve(&f, &env, &d), -1);
	assert_non_null(strstr(d.msg, "fake0 has no IPv4 address"));
	frame_free(&f);
}

static void test_random_seeded(void **state)
{
	(void)state;
	const char *syn = "ipv4 dst=${DST}\n"
		"tcp dport=${PORT} flags=S opts=mss:1460,sackok,ts:1:0,nop,ws:7\n";
	struct frame a, b, c;
	struct diag d;
	assert_int_equal(make(syn, 7, &a, &d), 0);
	assert_int_equal(make(syn, 7, &b, &d), 0);
	assert_int_equal(make(syn, 8, &c, &d), 0);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.bytes, b.bytes, a.len);
	assert_int_equal(a.len, c.len);
	/* seq, sport and IP id are drawn: another seed changes them */
	assert_true(memcmp(a.bytes + 34, c.bytes + 34, 8) != 0);
	assert_true(memcmp(a.bytes + 18, c.bytes + 18, 2) != 0);
	frame_free(&a);
	frame_free(&b);
	frame_free(&c);

	/* `random` on a given field, drawn per build, same per seed */
	const char *t = "ipv4 dst=1.1.1.1 ttl=random tos=random\nudp dport=1 sport=random\n";
	assert_int_equal(make(t, 42, &a, &d), 0);
	assert_int_equal(make(t, 42, &b, &d), 0);
	assert_memory_equal(a.bytes, b.bytes, a.len);
	assert_int_equal(status_of(&a, 1, NULL), CS_CORRECT);
	assert_int_equal(status_of(&a, 2, NULL), CS_CORRECT);
	frame_free(&a);
	frame_free(&b);

	/* resolving again draws new values and never touches given fields */
	struct rng rng;
	rng_seed(&rng, 99);
	assert_int_equal(parse("ipv4 dst=1.1.1.1 id=5\ntcp dport=22 seq=random\n", &a, &d, NULL), 0);
	assert_int_equal(resolve_build(&a, &rng, &fake_if, &d), 0);
	uint8_t first[54];
	assert_int_equal(a.len, sizeof first);
	memcpy(first, a.bytes, sizeof first);
	assert_int_equal(resolve_build(&a, &rng, &fake_if, &d), 0);
	assert_true(memcmp(first + 38, a.bytes + 38, 4) != 0);	/* seq */
	assert_memory_equal(first + 18, a.bytes + 18, 2);	/* id=5 */
	assert_memory_equal(first + 36, a.bytes + 36, 2);	/* dport */
	assert_int_equal(a.layer[1].given & (1u << IPV4_ID), 1u << IPV4_ID);
	assert_int_equal(lv(&a.layer[1], IPV4_ID), 5);
	frame_free(&a);
}

/* Every shipped template builds, and the decoder finds every checksum right. */
static void test_shipped_templates(void **state)
{
	(void)state;
	static const char *const names[] = {
		"arp-reply", "arp-request", "gratuitous-arp", "icmp-echo", "tcp-ack",
		"tcp-fin", "tcp-rst", "tcp-syn", "tcp-synack", "udp", "icmp6-ext-probe",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		/* An IPv6 template's DST is an IPv6 address. */
		vars_set(&vs, "DST", strstr(names[i], "6") ? "2001:db8::2" : "10.0.0.2");
		char path[256];
		FILE *fp = NULL;
		static const char *const dirs[] = { "templates", "../templates", "../../templates" };
		for (size_t k = 0; k < 3 && !fp; k++) {
			snprintf(path, sizeof path, "%s/%s.pkt", dirs[k], names[i]);
			fp = fopen(path, "rb");
		}
		if (!fp)
			fail_msg("cannot open template %s", names[i]);
		char text[4096];
		size_t n = fread(text, 1, sizeof text - 1, fp);
		fclose(fp);
		text[n] = '\0';
		struct frame f, g;
		struct diag d;
		if (make(text, 11, &f, &d))
			fail_msg("%s: %u:%u %s", names[i], d.line, d.col, d.msg);
		decode_frame(f.bytes, f.len, f.len, LINK_ETHERNET, &g);
		bool ok = g.nlayers == f.nlayers;
		for (size_t k = 0; ok && k < g.nlayers; k++) {
			ok = g.layer[k].def == f.layer[k].def && g.layer[k].note == NULL &&
				g.layer[k].csum != CS_INCORRECT && g.layer[k].csum != CS_PARTIAL &&
				g.layer[k].csum != CS_UNVERIFIED;
			if (g.layer[k].def->csum_field >= 0 && g.layer[k].def->id != L_UDP)
				ok = ok && g.layer[k].csum == CS_CORRECT;
		}
		size_t gl = g.nlayers, fl = f.nlayers;
		frame_free(&g);
		frame_free(&f);
		if (!ok)
			fail_msg("%s: decoded %zu layers (built %zu), or a checksum/note is off",
				 names[i], gl, fl);
	}
}

/* IPv4 Total Length is 16 bits: a TCP segment that makes the datagram longer
 * than 65535 bytes must be refused, not written with a wrapped length. */
static void test_oversized_datagram(void **state)
{
	(void)state;
	struct frame f;
	struct diag d;
	int rc = make("ipv4 src=10.0.0.1 dst=10.0.0.2\ntcp dport=80\npayload size=65507\n",
		      1, &f, &d);
	size_t iplen = 0, len = 0;
	if (rc == 0) {
		iplen = be16(f.bytes + 16);
		len = f.len;
		frame_free(&f);
	}
	if (rc == 0)
		fail_msg("built %zu bytes with IPv4 total length %zu (wrapped)", len, iplen);
	assert_non_null(strstr(d.msg, "65547"));
	assert_int_equal(d.line, 3);	/* at the payload that makes it too big */
	/* TCP options count too */
	rc = make("ipv4 src=10.0.0.1 dst=10.0.0.2\ntcp dport=80 opts=ts:1:2\n"
		  "payload size=65495\n", 1, &f, &d);
	if (rc == 0)
		frame_free(&f);
	assert_int_equal(rc, -1);
	/* the largest UDP datagram fits exactly */
	assert_int_equal(make("ipv4 src=10.0.0.1 dst=10.0.0.2\nudp dport=80\npayload size=65507\n",
			      1, &f, &d), 0);
	assert_int_equal(be16(f.bytes + 16), 65535);
	assert_int_equal(be16(f.bytes + 38), 65515);
	assert_int_equal(status_of(&f, 2, NULL), CS_CORRECT);
	frame_free(&f);
	/* and so does the largest TCP one */
	assert_int_equal(make("ipv4 src=10.0.0.1 dst=10.0.0.2\ntcp dport=80\npayload size=65495\n",
			      1, &f, &d), 0);
	assert_int_equal(be16(f.bytes + 16), 65535);
	assert_int_equal(status_of(&f, 2, NULL), CS_CORRECT);
	frame_free(&f);
	/* IPv6's payload length covers the extension headers: 127 routing
	 * addresses make it 65538 bytes, a frame no larger than IPv4's */
	char text[4096] = "ipv6 src=::1 dst=::2\nrouting addrs=2001:db8::1";
	for (int i = 2; i <= 127; i++)
		snprintf(text + strlen(text), sizeof text - strlen(text), "+2001:db8::%x", i);
	strcat(text, "\nudp dport=9\npayload size=63490\n");
	rc = make(text, 1, &f, &d);
	if (rc == 0) {
		iplen = be16(f.bytes + 18);
		frame_free(&f);
		fail_msg("built with IPv6 payload length %zu (wrapped)", iplen);
	}
	assert_non_null(strstr(d.msg, "the ipv6 length would be 65538 bytes"));
	assert_int_equal(d.line, 4);
	memcpy(strstr(text, "63490"), "63487", 5);	/* 65535 exactly */
	assert_int_equal(make(text, 1, &f, &d), 0);
	assert_int_equal(be16(f.bytes + 18), 65535);
	assert_int_equal(status_of(&f, 3, NULL), CS_CORRECT);
	frame_free(&f);
}

/* Parse once, resolve + build + free many times: nothing leaks or grows. */
static void test_rebuild_many(void **state)
{
	(void)state;
	struct frame f;
	struct diag d;
	struct rng rng;
	rng_seed(&rng, 3);
	assert_int_equal(parse("vlan id=random\nipv4 dst=1.1.1.1 id=random\n"
			       "tcp dport=1 opts=ts:1:2\npayload size=100\n", &f, &d, NULL), 0);
	for (int i = 0; i < 200; i++) {
		assert_int_equal(resolve_build(&f, &rng, &fake_if, &d), 0);
		assert_int_equal(f.len, 14 + 4 + 20 + 32 + 100);
		assert_int_equal(status_of(&f, 3, NULL), CS_CORRECT);
	}
	frame_free(&f);
}

/* A quoted string continued with \ over lines: a # that starts a later
 * physical line is inside the string, not a comment ending it. */
static void test_quote_continued_over_lines(void **state)
{
	(void)state;
	struct frame f;
	struct diag d;
	const char *text = "ipv4 dst=10.0.0.2\nudp dport=9\npayload text=\"a \\\n#b \\\nc\"\n";
	if (make(text, 1, &f, &d))
		fail_msg("%u:%u: %s", d.line, d.col, d.msg);
	assert_true(f.len >= 6);
	assert_memory_equal(f.bytes + f.len - 6, "a #b c", 6);
	frame_free(&f);
}

/* A file of frames: `---` lines end each but the last; each part knows
 * its first line, so faults name the file's lines. */
static void test_parts(void **state)
{
	(void)state;
	const char *text = "arp tpa=1.1.1.1\n---\n# two\n\narp tpa=2.2.2.2\n--- \r\n"
			   "----\narp tpa=3.3.3.3\n---\n";
	struct template_parts p = { .text = text, .len = strlen(text) };
	const char *part;
	size_t len;
	unsigned line;
	assert_true(template_next_part(&p, &part, &len, &line));
	assert_int_equal(line, 1);
	assert_int_equal(len, strlen("arp tpa=1.1.1.1\n"));
	assert_true(template_next_part(&p, &part, &len, &line));
	assert_int_equal(line, 3);
	assert_memory_equal(part, "# two\n\narp tpa=2.2.2.2\n", len);
	assert_true(template_next_part(&p, &part, &len, &line));
	assert_int_equal(line, 7);	/* `----` is no separator: an error in the frame */
	assert_memory_equal(part, "----\narp tpa=3.3.3.3\n", len);
	struct template_ctx tc = { .file = "t.pkt", .line = line };
	struct frame f;
	struct diag d;
	assert_int_not_equal(template_parse(&tc, part, len, &f, &d), 0);
	assert_int_equal(d.line, 7);
	assert_false(template_next_part(&p, &part, &len, &line));	/* a last --- ends it */

	struct template_parts empty = { .text = "", .len = 0 };
	assert_true(template_next_part(&empty, &part, &len, &line));	/* one empty frame */
	assert_int_equal(len, 0);
	assert_false(template_next_part(&empty, &part, &len, &line));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_implied_eth),
		cmocka_unit_test(test_given_and_random),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_duplicates_and_overlaps),
		cmocka_unit_test(test_fields_before_type),
		cmocka_unit_test(test_layer_order),
		cmocka_unit_test(test_error_positions),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_build_classic_arp),
		cmocka_unit_test(test_build_exact),
		cmocka_unit_test(test_build_ext6),
		cmocka_unit_test(test_explicit_wins),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_row_on_wire),
		cmocka_unit_test(test_eth_dst_resolution),
		cmocka_unit_test(test_no_interface),
		cmocka_unit_test(test_random_seeded),
		cmocka_unit_test(test_shipped_templates),
		cmocka_unit_test(test_oversized_datagram),
		cmocka_unit_test(test_rebuild_many),
		cmocka_unit_test(test_quote_continued_over_lines),
		cmocka_unit_test(test_parts),
	};
	return cmocka_run_group_tests_name("template", tests, group_setup, group_teardown);
}
