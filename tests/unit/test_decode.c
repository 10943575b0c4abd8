/*
 * test_decode.c - decode_frame on hand-made bytes (from Scapy): values,
 * checksum status, truncation at every length, bogus lengths, padding,
 * unknown types, the link table and each link type; and the describers on all
 * of them, with the JSON checked by a small validator.  Everything is freed:
 * LeakSanitizer is watching.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pcap/dlt.h>	/* only the DLT numbers, to check the link table */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../craft/util/checksum.h"
#include "../../craft/analysis/analysis.h"
#include "../../craft/decode/decode.h"
#include "../../craft/decode/describe.h"
#include "../../craft/decode/link.h"
#include "../../craft/proto/proto.h"
#include "../../craft/proto/tcpopts.h"

/* --- frames (Scapy 2.5) --------------------------------------------------- */

/* 00:23:aa:69:72:dd / 192.168.35.1 asks who has .203, padded to 60 bytes. */
static const uint8_t arp_padded[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x23, 0xaa, 0x69, 0x72, 0xdd,
	0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x00, 0x23,
	0xaa, 0x69, 0x72, 0xdd, 0xc0, 0xa8, 0x23, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0xc0, 0xa8, 0x23, 0xcb, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
};
/* 10.0.0.1:40000 > 10.0.0.2:80 SYN seq 1000, mss 1460, sackok, ts 1/0,
 * nop, ws 7; IPv4 csum 0x1486, TCP csum 0x9893 */
static const uint8_t tcp_syn[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x3c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06,
	0x14, 0x86, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x9c, 0x40,
	0x00, 0x50, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
	0xfa, 0xf0, 0x98, 0x93, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
	0x08, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03,
	0x03, 0x07
};
#define SYN_TCP_CSUM 0x9893
#define SYN_IP_CSUM 0x1486
#define SYN_PARTIAL 0x1431	/* folded pseudo-header sum, 40-byte segment */
/* UDP 10.0.0.1:5353 > 10.0.0.2:53 "hello", 47 bytes padded to 60 */
static const uint8_t udp_padded[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x21, 0x00, 0x01, 0x40, 0x00, 0x40, 0x11,
	0x26, 0xc9, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x14, 0xe9,
	0x00, 0x35, 0x00, 0x0d, 0x92, 0xe1, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
};
/* DLT_RAW: ICMP echo request id 0x4242 seq 1 "abcdefgh" */
static const uint8_t icmp_raw[] = {
	0x45, 0x00, 0x00, 0x24, 0x00, 0x07, 0x40, 0x00, 0x40, 0x01, 0x26, 0xd0,
	0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02, 0x08, 0x00, 0x24, 0x27,
	0x42, 0x42, 0x00, 0x01, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68
};
/* 802.1Q PCP 5 VLAN 10, UDP 1000 > 2000 "vlan" */
static const uint8_t vlan_udp[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x81, 0x00, 0xa0, 0x0a, 0x08, 0x00, 0x45, 0x00, 0x00, 0x20, 0x00, 0x02,
	0x00, 0x00, 0x40, 0x11, 0x66, 0xc9, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00,
	0x00, 0x02, 0x03, 0xe8, 0x07, 0xd0, 0x00, 0x0c, 0x08, 0x41, 0x76, 0x6c,
	0x61, 0x6e
};
/* DLT_LINUX_SLL: cooked header, then IPv4/UDP 1 > 2 "sll" */
static const uint8_t sll_udp[] = {
	0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x1f, 0x00, 0x03, 0x00, 0x00,
	0x40, 0x11, 0x66, 0xc9, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x00, 0x01, 0x00, 0x02, 0x00, 0x0b, 0x0c, 0x66, 0x73, 0x6c, 0x6c
};
/* DLT_NULL from a little-endian host: AF_INET, IPv4/UDP 4000 > 4001 "null" */
static const uint8_t null_udp[] = {
	0x02, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x20, 0x00, 0x05, 0x40, 0x00,
	0x40, 0x11, 0x26, 0xc6, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
	0x0f, 0xa0, 0x0f, 0xa1, 0x00, 0x0c, 0xf1, 0xb0, 0x6e, 0x75, 0x6c, 0x6c
};
/* IPv6/UDP fe80::1:1 > fe80::2:2 "v6": no IPv6 layer yet */
static const uint8_t ipv6_udp[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x11, 0x40, 0xfe, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x02, 0x00, 0x0a, 0x8c, 0x9c,
	0x76, 0x36
};
/* ICMP port unreachable quoting the whole UDP datagram above */
static const uint8_t icmp_unreach_full[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x3d, 0x00, 0x4d, 0x00, 0x00, 0x40, 0x01,
	0x66, 0x71, 0x0a, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x01, 0x03, 0x03,
	0x11, 0x1e, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x21, 0x00, 0x01,
	0x40, 0x00, 0x40, 0x11, 0x26, 0xc9, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00,
	0x00, 0x02, 0x14, 0xe9, 0x00, 0x35, 0x00, 0x0d, 0x92, 0xe1, 0x68, 0x65,
	0x6c, 0x6c, 0x6f
};
/* The same error quoting only the IPv4 header and 8 bytes (RFC 792) */
static const uint8_t icmp_unreach_8[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x38, 0x00, 0x4e, 0x00, 0x00, 0x40, 0x01,
	0x66, 0x75, 0x0a, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x01, 0x03, 0x03,
	0x54, 0xf0, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x21, 0x00, 0x01,
	0x40, 0x00, 0x40, 0x11, 0x26, 0xc9, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00,
	0x00, 0x02, 0x14, 0xe9, 0x00, 0x35, 0x00, 0x0d, 0x92, 0xe1
};

/* IPv6 2001:db8::1 > 2001:db8::2, hop-by-hop (router alert MLD), destination
 * options (PadN), routing to ::10 and ::20, atomic fragment id 0x1234, echo
 * request id 7 seq 1 "hello" */
static const uint8_t ext6_chain[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x3c, 0x00, 0x05, 0x02, 0x00, 0x00,
	0x01, 0x00, 0x2b, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x04,
	0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x20, 0x3a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12, 0x34, 0x80, 0x00,
	0xe0, 0x4a, 0x00, 0x07, 0x00, 0x01, 0x68, 0x65, 0x6c, 0x6c, 0x6f
};
/* The first fragment (M set, id 77) of an echo request: its sum covers
 * bytes elsewhere */
static const uint8_t ext6_frag_first[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x2c, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x3a, 0x00, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x4d, 0x80, 0x00, 0x24, 0x32, 0x00, 0x04, 0x00, 0x02, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00
};
/* A later fragment, offset 185 (1480 bytes), M set, id 78, of a UDP datagram */
static const uint8_t ext6_frag_later[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x2c, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x11, 0x00, 0x05, 0xc9, 0x00, 0x00,
	0x00, 0x4e, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08
};
/* Destination options (len 1): an unknown type 0x1e, a PadN that is not
 * zero, a Pad1, then an option whose length runs past the header */
static const uint8_t ext6_odd_opts[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00, 0x10, 0x3c, 0x40, 0x20, 0x01,
	0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x3b, 0x01, 0x1e, 0x02, 0x01, 0x02,
	0x01, 0x01, 0x07, 0x00, 0x1f, 0x09, 0x00, 0x00, 0x00, 0x00
};

struct sample {
	const char *name;
	const uint8_t *bytes;
	size_t len;
	enum link_kind link;
};

#define SAMPLE(a, k) { #a, a, sizeof a, k }
static const struct sample samples[] = {
	SAMPLE(arp_padded, LINK_ETHERNET), SAMPLE(tcp_syn, LINK_ETHERNET),
	SAMPLE(udp_padded, LINK_ETHERNET), SAMPLE(icmp_raw, LINK_RAW),
	SAMPLE(vlan_udp, LINK_ETHERNET), SAMPLE(sll_udp, LINK_SLL),
	SAMPLE(icmp_unreach_full, LINK_ETHERNET), SAMPLE(icmp_unreach_8, LINK_ETHERNET),
	SAMPLE(null_udp, LINK_NULL), SAMPLE(ipv6_udp, LINK_RAW),
	SAMPLE(ext6_chain, LINK_ETHERNET), SAMPLE(ext6_frag_first, LINK_ETHERNET),
	SAMPLE(ext6_frag_later, LINK_ETHERNET), SAMPLE(ext6_odd_opts, LINK_ETHERNET),
};
#define NSAMPLES (sizeof samples / sizeof samples[0])

/* --- the JSON validator the fuzz targets use ---------------------------- */

#include "../fuzz/json_check.h"

static void test_json_validator(void **state)
{
	(void)state;
	assert_true(json_ok("{}\n"));
	assert_true(json_ok("{\"a\":[1,-2.5e3,\"x\\u00ff\\n\",true,null,{}]}\n"));
	assert_false(json_ok("{\"a\":1,}\n"));
	assert_false(json_ok("{\"a\":01}\n"));
	assert_false(json_ok("{\"a\":\"\x01\"}\n"));
	assert_false(json_ok("{\"a\":\"\\x41\"}\n"));
	assert_false(json_ok("{\"a\":1}}\n"));
	assert_false(json_ok("{\"a\":1\n"));
	assert_false(json_ok("{\"a\" 1}\n"));
	assert_false(json_ok("{\"a\":nan}\n"));
}

/* --- helpers ---------------------------------------------------------------- */

/* Every describer on `f`; the JSON must be valid.  Returns the summary. */
static void describe_all(const struct frame *f, char *summary, size_t len)
{
	struct strbuf sb;
	struct analysis *an = analysis_new();
	assert_non_null(an);
	struct frame_analysis fa;
	struct timeval ts = { 1700000000, 250000 };
	analysis_frame(an, f, 1, &ts, &fa);
	sb_init(&sb);
	describe_summary(f, &sb);
	if (summary)
		snprintf(summary, len, "%s", sb.s);
	bool nl = strchr(sb.s, '\n') != NULL;
	sb_reset(&sb);
	describe_tree(f, 1, &fa, false, &sb);
	describe_tree(f, 2, NULL, false, &sb);
	sb_reset(&sb);
	describe_hex(f, &sb);
	sb_reset(&sb);
	double t = 1700000000.25;
	describe_json(f, 3, &t, &sb);
	bool ok = json_ok(sb.s);
	if (!ok)
		print_error("bad JSON: %s\n", sb.s);
	sb_reset(&sb);
	describe_json(f, 4, NULL, &sb);
	ok = ok && json_ok(sb.s);
	sb_free(&sb);
	analysis_free(an);
	assert_false(nl);
	assert_true(ok);
}

static void decode(const uint8_t *b, size_t n, struct frame *f)
{
	decode_frame(b, n, n, LINK_ETHERNET, f);
}

static bool has(const struct layer *l, int k)
{
	return (l->present >> k) & 1;
}

static const char *layer_names(const struct frame *f, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < f->nlayers && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "," : "", f->layer[i].def->name);
	return buf;
}

#define assert_layers(f, want) do { \
	char b_[128]; \
	assert_string_equal(layer_names(f, b_, sizeof b_), want); \
} while (0)

/* --- values ------------------------------------------------------------------ */

static void test_arp(void **state)
{
	(void)state;
	struct frame f;
	decode(arp_padded, sizeof arp_padded, &f);
	assert_layers(&f, "eth,arp");
	const struct layer *e = &f.layer[0], *a = &f.layer[1];
	assert_true(lv(e, ETH_DST) == UINT64_C(0xffffffffffff));
	assert_true(lv(e, ETH_SRC) == UINT64_C(0x0023aa6972dd));
	assert_int_equal(lv(e, ETH_TYPE), 0x0806);
	assert_int_equal(e->present, (1u << ETH_NFIELDS) - 1);
	assert_int_equal(lv(a, ARP_HTYPE), 1);
	assert_int_equal(lv(a, ARP_PTYPE), 0x0800);
	assert_int_equal(lv(a, ARP_HLEN), 6);
	assert_int_equal(lv(a, ARP_PLEN), 4);
	assert_int_equal(lv(a, ARP_OP), ARP_OP_REQUEST);
	assert_true(lv(a, ARP_SHA) == UINT64_C(0x0023aa6972dd));
	assert_int_equal(lv(a, ARP_SPA), 0xc0a82301);
	assert_int_equal(lv(a, ARP_THA), 0);
	assert_int_equal(lv(a, ARP_TPA), 0xc0a823cb);
	assert_int_equal(a->present, (1u << ARP_SHA_HEX) - 1);	/* no address as bytes */
	assert_int_equal(a->off, 14);
	assert_int_equal(a->hdr_len, 28);
	assert_int_equal(a->len, 28);
	assert_int_equal(f.trailer, 18);	/* Ethernet padding */
	assert_null(e->note);
	assert_null(a->note);
	assert_int_equal(a->csum, CS_NONE);
	assert_int_equal(f.len, 60);
	assert_int_equal(f.wire_len, 60);
	assert_memory_equal(f.bytes, arp_padded, 60);
	char s[256];
	describe_all(&f, s, sizeof s);
	assert_string_equal(s, "ARP Who has 192.168.35.203? Tell 192.168.35.1");
	frame_free(&f);
	assert_int_equal(f.nlayers, 0);
	assert_null(f.bytes);
}

static void test_tcp_options(void **state)
{
	(void)state;
	struct frame f;
	decode(tcp_syn, sizeof tcp_syn, &f);
	assert_layers(&f, "eth,ipv4,tcp");
	const struct layer *ip = &f.layer[1], *t = &f.layer[2];
	assert_int_equal(lv(ip, IPV4_VER), 4);
	assert_int_equal(lv(ip, IPV4_IHL), 5);
	assert_int_equal(lv(ip, IPV4_LEN), 60);
	assert_int_equal(lv(ip, IPV4_ID), 0x1234);
	assert_int_equal(lv(ip, IPV4_FLAGS), 2);
	assert_int_equal(lv(ip, IPV4_TTL), 64);
	assert_int_equal(lv(ip, IPV4_PROTO), 6);
	assert_int_equal(lv(ip, IPV4_CSUM), SYN_IP_CSUM);
	assert_int_equal(lv(ip, IPV4_SRC), 0x0a000001);
	assert_int_equal(lv(ip, IPV4_DST), 0x0a000002);
	assert_int_equal(ip->csum, CS_CORRECT);
	assert_int_equal(ip->csum_expected, SYN_IP_CSUM);
	assert_int_equal(lv(t, TCP_SPORT), 40000);
	assert_int_equal(lv(t, TCP_DPORT), 80);
	assert_int_equal(lv(t, TCP_SEQ), 1000);
	assert_int_equal(lv(t, TCP_ACK), 0);
	assert_int_equal(lv(t, TCP_OFF), 10);
	assert_int_equal(lv(t, TCP_FLAGS), TCP_F_SYN);
	assert_int_equal(lv(t, TCP_WIN), 64240);
	assert_int_equal(lv(t, TCP_CSUM), SYN_TCP_CSUM);
	assert_int_equal(t->csum, CS_CORRECT);
	assert_int_equal(t->hdr_len, 40);
	assert_true(has(t, TCP_OPTS));
	assert_int_equal(t->val[TCP_OPTS].len, 20);
	assert_memory_equal(t->val[TCP_OPTS].bytes, tcp_syn + 54, 20);
	assert_int_equal(f.trailer, 0);
	assert_null(ip->note);
	assert_null(t->note);
	assert_int_equal(tcp_segment_len(&f, 2), 0);

	char s[256];
	describe_all(&f, s, sizeof s);
	assert_string_equal(s, "10.0.0.1:40000 > 10.0.0.2:80 TCP [SYN] seq=1000 win=64240 len=0");
	struct strbuf sb;
	sb_init(&sb);
	describe_tree(&f, 1, NULL, false, &sb);
	assert_non_null(strstr(sb.s, "Maximum segment size: 1460 bytes"));
	assert_non_null(strstr(sb.s, "SACK permitted"));
	assert_non_null(strstr(sb.s, "Timestamps: TSval 1, TSecr 0"));
	assert_non_null(strstr(sb.s, "Window scale: 7 (multiply by 128)"));
	assert_non_null(strstr(sb.s, "Type: 0x0800 (IPv4)"));
	assert_non_null(strstr(sb.s, "[correct]"));
	sb_reset(&sb);
	describe_json(&f, 1, NULL, &sb);
	assert_non_null(strstr(sb.s, "\"opts\":\"mss:1460,sackok,ts:1:0,nop,ws:7\""));
	assert_non_null(strstr(sb.s, "\"csum_status\":\"correct\""));
	assert_non_null(strstr(sb.s, "\"layers\":[\"eth\",\"ipv4\",\"tcp\"]"));
	assert_non_null(strstr(sb.s, "\"flags\":\"S\""));
	sb_free(&sb);
	frame_free(&f);
}

static void test_checksum_status(void **state)
{
	(void)state;
	uint8_t b[sizeof tcp_syn];
	struct frame f;
	char s[256];

	/* wrong TCP checksum: incorrect, and what it should be */
	memcpy(b, tcp_syn, sizeof b);
	b[50] = 0xde, b[51] = 0xad;
	decode(b, sizeof b, &f);
	assert_int_equal(f.layer[1].csum, CS_CORRECT);
	assert_int_equal(f.layer[2].csum, CS_INCORRECT);
	assert_int_equal(f.layer[2].csum_expected, SYN_TCP_CSUM);
	describe_all(&f, s, sizeof s);
	assert_non_null(strstr(s, "[bad tcp checksum]"));
	struct strbuf sb;
	sb_init(&sb);
	describe_tree(&f, 1, NULL, false, &sb);
	assert_non_null(strstr(sb.s, "Checksum: 0xdead [incorrect, should be 0x9893"));
	sb_reset(&sb);
	describe_json(&f, 1, NULL, &sb);
	assert_non_null(strstr(sb.s, "\"csum_status\":\"incorrect\",\"csum_expected\":39059"));
	sb_free(&sb);
	frame_free(&f);

	/* wrong IPv4 header checksum; TCP's does not depend on it */
	memcpy(b, tcp_syn, sizeof b);
	b[24] = 0, b[25] = 0;
	decode(b, sizeof b, &f);
	assert_int_equal(f.layer[1].csum, CS_INCORRECT);
	assert_int_equal(f.layer[1].csum_expected, SYN_IP_CSUM);
	assert_int_equal(f.layer[2].csum, CS_CORRECT);
	describe_all(&f, s, sizeof s);
	assert_non_null(strstr(s, "[bad ipv4 checksum]"));
	sb_init(&sb);
	describe_tree(&f, 1, NULL, false, &sb);	/* no NIC computes the IPv4 header's sum */
	assert_non_null(strstr(sb.s, "Header Checksum: 0x0000 [incorrect, should be 0x"));
	assert_null(strstr(sb.s, "offload"));
	sb_free(&sb);
	frame_free(&f);

	/* outbound capture with checksum offload: only the pseudo-header sum */
	memcpy(b, tcp_syn, sizeof b);
	b[50] = SYN_PARTIAL >> 8, b[51] = SYN_PARTIAL & 0xff;
	decode(b, sizeof b, &f);
	assert_int_equal(f.layer[2].csum, CS_PARTIAL);
	assert_int_equal(f.layer[2].csum_expected, SYN_TCP_CSUM);
	describe_all(&f, s, sizeof s);
	assert_null(strstr(s, "bad"));
	sb_init(&sb);
	describe_tree(&f, 1, NULL, false, &sb);	/* and what the NIC would have written */
	assert_non_null(strstr(sb.s, "not an error; complete: 0x9893]"));
	sb_reset(&sb);
	describe_json(&f, 1, NULL, &sb);
	assert_non_null(strstr(sb.s, "\"csum_status\":\"partial\",\"csum_expected\":39059"));
	sb_free(&sb);
	frame_free(&f);
	/* and the partial value is what csum_pseudo4 folds to */
	uint8_t src[4] = { 10, 0, 0, 1 }, dst[4] = { 10, 0, 0, 2 };
	assert_int_equal(csum_fold(csum_pseudo4(src, dst, 6, 40)), SYN_PARTIAL);

	/* UDP checksum 0 means none was computed */
	memcpy(b, udp_padded, sizeof udp_padded);
	b[40] = 0, b[41] = 0;
	decode(b, sizeof udp_padded, &f);
	assert_int_equal(f.layer[2].csum, CS_NONE);
	describe_all(&f, s, sizeof s);
	assert_null(strstr(s, "bad"));
	frame_free(&f);

	/* ICMP covers its data too */
	memcpy(b, icmp_raw, sizeof icmp_raw);
	b[35] ^= 1;	/* last data byte */
	decode_frame(b, sizeof icmp_raw, sizeof icmp_raw, LINK_RAW, &f);
	assert_int_equal(f.layer[1].csum, CS_INCORRECT);
	assert_int_equal(f.layer[1].csum_expected, 0x2427 - 1);
	frame_free(&f);
}

static void test_ethernet_padding(void **state)
{
	(void)state;
	struct frame f;
	decode(udp_padded, sizeof udp_padded, &f);
	assert_layers(&f, "eth,ipv4,udp,payload");
	assert_int_equal(f.trailer, 13);
	const struct layer *u = &f.layer[2], *p = &f.layer[3];
	assert_int_equal(lv(u, UDP_SPORT), 5353);
	assert_int_equal(lv(u, UDP_DPORT), 53);
	assert_int_equal(lv(u, UDP_LEN), 13);
	assert_int_equal(u->csum, CS_CORRECT);
	assert_int_equal(u->len, 13);
	assert_int_equal(p->off, 42);
	assert_int_equal(p->val[PL_HEX].len, 5);	/* the padding is not data */
	assert_memory_equal(p->val[PL_HEX].bytes, "hello", 5);
	assert_int_equal(f.layer[1].len, 33);
	char s[256];
	describe_all(&f, s, sizeof s);
	assert_string_equal(s, "10.0.0.1:5353 > 10.0.0.2:53 UDP len=5");
	struct strbuf sb;
	sb_init(&sb);
	describe_json(&f, 1, NULL, &sb);
	assert_non_null(strstr(sb.s, "\"trailer\":13"));
	assert_non_null(strstr(sb.s, "\"text\":\"hello\""));
	sb_free(&sb);
	frame_free(&f);
}

static void test_unknown_ethertype(void **state)
{
	(void)state;
	uint8_t b[30];
	memcpy(b, tcp_syn, 12);
	b[12] = 0x88, b[13] = 0xcc;	/* LLDP */
	for (int i = 14; i < 30; i++)
		b[i] = (uint8_t)i;
	struct frame f;
	decode(b, sizeof b, &f);
	assert_layers(&f, "eth,payload");
	assert_int_equal(f.layer[1].off, 14);
	assert_int_equal(f.layer[1].val[PL_HEX].len, 16);
	assert_memory_equal(f.layer[1].val[PL_HEX].bytes, b + 14, 16);
	describe_all(&f, NULL, 0);
	frame_free(&f);

	b[12] = 0x86, b[13] = 0xdd;	/* IPv6 cut short: the header, with a note */
	decode(b, sizeof b, &f);
	assert_layers(&f, "eth,ipv6");
	assert_non_null(strstr(f.layer[1].note, "truncated"));
	describe_all(&f, NULL, 0);
	frame_free(&f);

	/* an unknown IP protocol */
	uint8_t g[sizeof tcp_syn];
	memcpy(g, tcp_syn, sizeof g);
	g[23] = 47;	/* GRE */
	decode(g, sizeof g, &f);
	assert_layers(&f, "eth,ipv4,payload");
	assert_int_equal(f.layer[2].off, 34);
	assert_int_equal(f.layer[2].val[PL_HEX].len, 40);
	describe_all(&f, NULL, 0);
	frame_free(&f);
}

static void test_ipv4_bogus_lengths(void **state)
{
	(void)state;
	uint8_t b[sizeof tcp_syn];
	struct frame f;

	/* IHL below 5: a note, and nothing inside is decoded as TCP */
	memcpy(b, tcp_syn, sizeof b);
	b[14] = 0x44;
	decode(b, sizeof b, &f);
	assert_non_null(f.layer[1].note);
	assert_non_null(strstr(f.layer[1].note, "bogus header length"));
	assert_int_equal(f.layer[1].hdr_len, 20);
	assert_int_not_equal(f.layer[1].csum, CS_CORRECT);
	assert_int_not_equal(f.layer[1].csum, CS_INCORRECT);
	assert_layers(&f, "eth,ipv4,payload");
	assert_int_equal(f.layer[2].off, 34);
	describe_all(&f, NULL, 0);
	frame_free(&f);
	b[14] = 0x40;	/* IHL 0 */
	decode(b, sizeof b, &f);
	assert_non_null(f.layer[1].note);
	describe_all(&f, NULL, 0);
	frame_free(&f);

	/* IHL past the captured bytes */
	b[14] = 0x4f;
	decode(b, 40, &f);
	assert_non_null(f.layer[1].note);
	assert_non_null(strstr(f.layer[1].note, "truncated"));
	assert_int_equal(f.nlayers, 2);
	describe_all(&f, NULL, 0);
	frame_free(&f);

	/* Version 5 (or 0) behind EtherType 0x0800: a note, the version alone,
	 * and no TCP invented from bytes that are not an IPv4 payload; version
	 * 6 is IPv6, as Wireshark's IPv4 dissector hands it on. */
	for (unsigned ver = 0; ver < 16; ver++) {
		if (ver == 4)
			continue;
		memcpy(b, tcp_syn, sizeof b);
		b[14] = (uint8_t)(ver << 4 | 5);
		decode(b, sizeof b, &f);
		assert_non_null(f.layer[1].note);
		if (ver == 6) {
			assert_string_equal(f.layer[1].def->name, "ipv6");
		} else {
			assert_non_null(strstr(f.layer[1].note, "bogus version"));
			assert_layers(&f, "eth,ipv4,payload");
			assert_int_equal(f.layer[1].present, 1u << IPV4_VER);
			assert_int_equal(f.layer[2].off, 15);
		}
		describe_all(&f, NULL, 0);
		frame_free(&f);
	}

	/* IHL 6: the 4 bytes after the fixed header are its options */
	memcpy(b, tcp_syn, sizeof b);
	b[14] = 0x46;
	decode(b, sizeof b, &f);
	assert_int_equal(f.layer[1].hdr_len, 24);
	assert_true(f.layer[1].present >> IPV4_OPTS & 1u);
	assert_int_equal(f.layer[1].val[IPV4_OPTS].len, 4);
	assert_memory_equal(f.layer[1].val[IPV4_OPTS].bytes, b + 34, 4);
	describe_all(&f, NULL, 0);
	frame_free(&f);

	/* total length smaller than the header */
	memcpy(b, tcp_syn, sizeof b);
	b[16] = 0, b[17] = 10;
	decode(b, sizeof b, &f);
	assert_non_null(f.layer[1].note);
	assert_non_null(strstr(f.layer[1].note, "smaller than the header"));
	assert_int_equal(f.trailer, 0);
	describe_all(&f, NULL, 0);
	frame_free(&f);

	/* total length past the frame */
	b[16] = 0x05, b[17] = 0xdc;
	decode(b, sizeof b, &f);
	assert_non_null(f.layer[1].note);
	assert_non_null(strstr(f.layer[1].note, "runs past the captured bytes"));
	assert_int_equal(f.trailer, 0);
	assert_layers(&f, "eth,ipv4,tcp");
	describe_all(&f, NULL, 0);
	frame_free(&f);

	/* total length shorter than the frame: the rest is a trailer, and TCP
	 * sees only its part (so its header is cut short) */
	b[16] = 0, b[17] = 30;
	decode(b, sizeof b, &f);
	assert_int_equal(f.trailer, sizeof b - 14 - 30);
	assert_int_equal(f.layer[1].len, 30);
	assert_layers(&f, "eth,ipv4,tcp");
	assert_int_equal(f.layer[2].len, 10);
	assert_non_null(f.layer[2].note);
	assert_true(has(&f.layer[2], TCP_SEQ));		/* bytes 4..7 are inside */
	assert_false(has(&f.layer[2], TCP_ACK));	/* bytes 8..11 lie past the datagram */
	describe_all(&f, NULL, 0);
	frame_free(&f);

	/* a later fragment carries no header inside */
	memcpy(b, tcp_syn, sizeof b);
	b[20] = 0x00, b[21] = 0xb9;	/* offset 185 * 8 */
	decode(b, sizeof b, &f);
	assert_layers(&f, "eth,ipv4,payload");
	describe_all(&f, NULL, 0);
	frame_free(&f);
}

static void test_tcp_bogus(void **state)
{
	(void)state;
	uint8_t b[sizeof tcp_syn];
	struct frame f;
	/* data offset below 5 */
	memcpy(b, tcp_syn, sizeof b);
	b[46] = 0x20;
	decode(b, sizeof b, &f);
	assert_non_null(f.layer[2].note);
	assert_int_equal(f.layer[2].hdr_len, 20);
	assert_layers(&f, "eth,ipv4,tcp,payload");
	describe_all(&f, NULL, 0);
	frame_free(&f);
	/* data offset past the bytes */
	b[46] = 0xf0;
	decode(b, sizeof b, &f);
	assert_non_null(f.layer[2].note);
	assert_int_equal(f.layer[2].hdr_len, 40);
	describe_all(&f, NULL, 0);
	frame_free(&f);
	/* malformed options: a length running past the header */
	memcpy(b, tcp_syn, sizeof b);
	b[55] = 40;	/* mss option claims 40 bytes */
	decode(b, sizeof b, &f);
	struct strbuf sb;
	sb_init(&sb);
	describe_tree(&f, 1, NULL, false, &sb);
	assert_non_null(strstr(sb.s, "malformed"));
	sb_reset(&sb);
	describe_json(&f, 1, NULL, &sb);
	assert_true(json_ok(sb.s));
	sb_free(&sb);
	frame_free(&f);
	/* option length 0 and 1 must not loop forever */
	b[55] = 0;
	decode(b, sizeof b, &f);
	describe_all(&f, NULL, 0);
	frame_free(&f);
	b[55] = 1;
	decode(b, sizeof b, &f);
	describe_all(&f, NULL, 0);
	frame_free(&f);
}

static void test_link_raw(void **state)
{
	(void)state;
	struct frame f;
	decode_frame(icmp_raw, sizeof icmp_raw, sizeof icmp_raw, LINK_RAW, &f);
	assert_layers(&f, "ipv4,icmp,payload");
	assert_int_equal(f.layer[0].off, 0);
	assert_int_equal(f.layer[0].csum, CS_CORRECT);
	const struct layer *ic = &f.layer[1];
	assert_int_equal(lv(ic, ICMP_TYPE), ICMP_ECHO_REQUEST);
	assert_int_equal(lv(ic, ICMP_ID), 0x4242);
	assert_int_equal(lv(ic, ICMP_SEQ), 1);
	assert_int_equal(ic->csum, CS_CORRECT);
	assert_memory_equal(f.layer[2].val[PL_HEX].bytes, "abcdefgh", 8);
	char s[256];
	describe_all(&f, s, sizeof s);
	assert_string_equal(s, "10.0.0.1 > 10.0.0.2 ICMP Echo (ping) request id=0x4242 seq=1");
	frame_free(&f);
	/* DLT_IPV4 reads the same */
	decode_frame(icmp_raw, sizeof icmp_raw, sizeof icmp_raw, LINK_IPV4, &f);
	assert_layers(&f, "ipv4,icmp,payload");
	frame_free(&f);

	/* IPv6, in either raw link type, by the version nibble: never a
	 * bogus IPv4 */
	static const enum link_kind raw[] = { LINK_RAW, LINK_IPV4, LINK_IPV6 };
	for (size_t i = 0; i < 3; i++) {
		decode_frame(ipv6_udp, sizeof ipv6_udp, sizeof ipv6_udp, raw[i], &f);
		assert_layers(&f, "ipv6,udp,payload");
		assert_int_equal(f.layer[0].off, 0);
		assert_int_equal(f.layer[1].csum, CS_CORRECT);
		assert_true(f.has_link_value);
		assert_int_equal(f.link_value, 6);
		describe_all(&f, s, sizeof s);
		assert_string_equal(s, "[fe80::1]:1 > [fe80::2]:2 UDP len=2");
		frame_free(&f);
	}
	/* over IPv6 a UDP zero is no "none computed" but illegal (RFC 8200 8.1) */
	uint8_t zero[sizeof ipv6_udp];
	memcpy(zero, ipv6_udp, sizeof zero);
	zero[46] = zero[47] = 0;
	decode_frame(zero, sizeof zero, sizeof zero, LINK_RAW, &f);
	assert_int_equal(f.layer[1].csum, CS_INCORRECT);
	assert_int_equal(f.layer[1].csum_expected, 0x8c9c);
	frame_free(&f);
	/* a jumbogram (RFC 2675): payload length 0, the length in hop-by-hop's
	 * option; its payload is what was captured, not a cut header */
	static const uint8_t jumbo[] = {
		0x60, 0, 0, 0, 0, 0, 0x00, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0xaa, 0x11, 0x00, 0xc2, 0x04, 0x00, 0x00, 0x00, 0x14,
		0x00, 0x35, 0x03, 0xe8, 0x00, 0x0c, 0x00, 0x00, 0x61, 0x62, 0x63, 0x64,
	};
	decode_frame(jumbo, sizeof jumbo, sizeof jumbo, LINK_IPV6, &f);
	assert_layers(&f, "ipv6,hopopts,udp,payload");
	assert_null(f.layer[0].note);
	assert_int_equal(f.trailer, 0);
	frame_free(&f);
	/* neither IPv4 nor IPv6: data too */
	decode_frame((const uint8_t *)"\x50\x00\x00\x00", 4, 4, LINK_RAW, &f);
	assert_layers(&f, "payload");
	assert_non_null(f.layer[0].note);
	describe_all(&f, s, sizeof s);
	assert_string_equal(s, "raw IP version 5 length 4");
	frame_free(&f);
}

/* The tree's and the JSON's account of the link header. */
static void assert_link_text(const struct frame *f, const char *tree, const char *json)
{
	struct strbuf sb;
	sb_init(&sb);
	describe_tree(f, 1, NULL, false, &sb);
	if (!strstr(sb.s, tree))
		fail_msg("tree lacks \"%s\":\n%s", tree, sb.s);
	sb_reset(&sb);
	describe_json(f, 1, NULL, &sb);
	if (!strstr(sb.s, json))
		fail_msg("JSON lacks %s:\n%s", json, sb.s);
	sb_free(&sb);
}

static void test_link_loopback(void **state)
{
	(void)state;
	struct frame f;
	char s[256];
	decode_frame(null_udp, sizeof null_udp, sizeof null_udp, LINK_NULL, &f);
	assert_layers(&f, "ipv4,udp,payload");
	assert_int_equal(f.layer[0].off, 4);
	assert_int_equal(f.layer[0].csum, CS_CORRECT);
	assert_int_equal(f.layer[1].csum, CS_CORRECT);
	assert_memory_equal(f.layer[2].val[PL_HEX].bytes, "null", 4);
	assert_ptr_equal(f.link, &link_types[LINK_NULL]);
	assert_true(f.has_link_value);
	assert_int_equal(f.link_value, 2);
	describe_all(&f, s, sizeof s);
	assert_string_equal(s, "10.0.0.1:4000 > 10.0.0.2:4001 UDP len=4");
	assert_link_text(&f, "Link: BSD loopback (4 bytes)\n    Family: 2 (IPv4)\nInternet",
			 ",\"link\":{\"type\":\"BSD loopback\",\"len\":4,\"family\":2},");
	frame_free(&f);

	/* AF_INET big-endian: a big-endian host's DLT_NULL, and DLT_LOOP */
	uint8_t b[sizeof null_udp];
	memcpy(b, null_udp, sizeof b);
	b[0] = 0, b[3] = 2;
	static const enum link_kind both[] = { LINK_NULL, LINK_LOOP };
	for (size_t i = 0; i < 2; i++) {
		decode_frame(b, sizeof b, sizeof b, both[i], &f);
		assert_layers(&f, "ipv4,udp,payload");
		assert_int_equal(f.link_value, 2);
		describe_all(&f, NULL, 0);
		frame_free(&f);
	}
	/* DLT_LOOP is network order only: a little-endian 2 is no family */
	decode_frame(null_udp, sizeof null_udp, sizeof null_udp, LINK_LOOP, &f);
	assert_layers(&f, "payload");
	assert_int_equal(f.layer[0].off, 4);
	assert_non_null(f.layer[0].note);
	assert_int_equal(f.link_value, 0x02000000);
	describe_all(&f, NULL, 0);
	frame_free(&f);

	/* IPv6 under each system's AF_INET6, either order: data after the
	 * header with a note, never IPv4 */
	uint8_t v6[4 + sizeof ipv6_udp];
	memcpy(v6 + 4, ipv6_udp, sizeof ipv6_udp);
	static const uint8_t af6[] = { 24, 28, 30 };
	for (size_t i = 0; i < sizeof af6; i++) {
		for (size_t order = 0; order < 2; order++) {
			memset(v6, 0, 4);
			v6[order ? 3 : 0] = af6[i];
			enum link_kind k = order ? LINK_LOOP : LINK_NULL;
			decode_frame(v6, sizeof v6, sizeof v6, k, &f);
			assert_layers(&f, "ipv6,udp,payload");
			assert_int_equal(f.layer[0].off, 4);
			assert_int_equal(f.link_value, af6[i]);
			describe_all(&f, s, sizeof s);
			assert_string_equal(s, "[fe80::1]:1 > [fe80::2]:2 UDP len=2");
			frame_free(&f);
		}
	}
	v6[0] = 24, v6[3] = 0;
	decode_frame(v6, sizeof v6, sizeof v6, LINK_NULL, &f);
	assert_link_text(&f, "Family: 24 (IPv6)\nInternet Protocol Version 6",
			 "\"link\":{\"type\":\"BSD loopback\",\"len\":4,\"family\":24}");
	frame_free(&f);
	/* an unknown family (AF_UNIX) */
	v6[0] = 1;
	decode_frame(v6, sizeof v6, sizeof v6, LINK_NULL, &f);
	assert_layers(&f, "payload");
	describe_all(&f, s, sizeof s);
	assert_string_equal(s, "BSD loopback family 1 length 54");
	frame_free(&f);

	/* the header cut short: data from byte 0, a note, no family read */
	for (size_t n = 1; n < 4; n++) {
		decode_frame(null_udp, n, sizeof null_udp, LINK_NULL, &f);
		assert_layers(&f, "payload");
		assert_int_equal(f.layer[0].off, 0);
		assert_int_equal(f.layer[0].val[PL_HEX].len, n);
		assert_non_null(f.layer[0].note);
		assert_int_equal(strncmp(f.layer[0].note, "truncated", 9), 0);
		assert_false(f.has_link_value);
		assert_link_text(&f, "Link: BSD loopback (4 bytes)\nData",
				 "\"link\":{\"type\":\"BSD loopback\",\"len\":4}");
		describe_all(&f, NULL, 0);
		frame_free(&f);
	}
	/* the header whole and nothing after: IPv4 announced, cut */
	decode_frame(null_udp, 4, sizeof null_udp, LINK_NULL, &f);
	assert_layers(&f, "ipv4");
	assert_non_null(f.layer[0].note);
	describe_all(&f, NULL, 0);
	frame_free(&f);
}

static void test_link_table(void **state)
{
	(void)state;
	assert_int_equal(link_types[LINK_ETHERNET].dlt, DLT_EN10MB);
	assert_int_equal(link_types[LINK_RAW].dlt, DLT_RAW);
	assert_int_equal(link_types[LINK_SLL].dlt, DLT_LINUX_SLL);
	assert_int_equal(link_types[LINK_SLL2].dlt, DLT_LINUX_SLL2);
	assert_int_equal(link_types[LINK_NULL].dlt, DLT_NULL);
	assert_int_equal(link_types[LINK_LOOP].dlt, DLT_LOOP);
	assert_int_equal(link_types[LINK_IPV4].dlt, DLT_IPV4);
	assert_int_equal(link_types[LINK_IPV6].dlt, DLT_IPV6);
	char names[256];
	link_names(names, sizeof names);
	for (int k = 0; k < LINK_COUNT; k++) {
		const struct link_type *lt = &link_types[k];
		enum link_kind got = LINK_COUNT;
		assert_non_null(lt->name);
		assert_non_null(strstr(names, lt->name));
		assert_true(link_by_dlt(lt->dlt, &got));
		assert_int_equal(got, k);
		if (lt->next == LN_LAYER)
			continue;
		assert_non_null(lt->key);
		assert_non_null(lt->label);
		if (lt->next == LN_FAMILY)
			assert_int_equal(lt->hdr_len, 4);
	}
	assert_string_equal(names, "Ethernet, raw IP, Linux cooked v1, Linux cooked v2, "
			    "BSD loopback, OpenBSD loopback, raw IPv4, raw IPv6");
	enum link_kind k;
	assert_true(link_by_dlt(14, &k));	/* OpenBSD's DLT_RAW */
	assert_int_equal(k, LINK_RAW);
	assert_false(link_by_dlt(105, &k));
	assert_false(link_by_dlt(147, &k));
	assert_false(link_by_dlt(-1, &k));
	/* a short buffer is cut, not overrun */
	char small[12];
	link_names(small, sizeof small);
	assert_string_equal(small, "Ethernet, r");
}

static void test_link_sll(void **state)
{
	(void)state;
	struct frame f;
	decode_frame(sll_udp, sizeof sll_udp, sizeof sll_udp, LINK_SLL, &f);
	assert_layers(&f, "sll,ipv4,udp,payload");
	assert_int_equal(f.layer[0].hdr_len, 16);
	assert_int_equal(lv(&f.layer[0], SLL_PROTOCOL), 0x0800);
	assert_int_equal(f.layer[1].off, 16);
	assert_int_equal(f.layer[1].csum, CS_CORRECT);
	assert_int_equal(f.layer[2].csum, CS_CORRECT);
	assert_int_equal(f.layer[3].off, 44);
	assert_memory_equal(f.layer[3].val[PL_HEX].bytes, "sll", 3);
	char s[256];
	describe_all(&f, s, sizeof s);
	assert_string_equal(s, "10.0.0.1:1 > 10.0.0.2:2 UDP len=3");
	frame_free(&f);

	/* shorter than the cooked header: the header, cut */
	decode_frame(sll_udp, 10, 10, LINK_SLL, &f);
	assert_layers(&f, "sll");
	assert_int_equal(f.layer[0].hdr_len, 10);
	assert_non_null(f.layer[0].note);
	assert_false(f.layer[0].present >> SLL_PROTOCOL & 1u);
	describe_all(&f, NULL, 0);
	frame_free(&f);

	/* an unknown protocol: data after the cooked header */
	uint8_t b[sizeof sll_udp];
	memcpy(b, sll_udp, sizeof b);
	b[14] = 0x88, b[15] = 0xcc;	/* LLDP */
	decode_frame(b, sizeof b, sizeof b, LINK_SLL, &f);
	assert_layers(&f, "sll,payload");
	assert_int_equal(f.layer[1].off, 16);
	assert_link_text(&f, "Linux cooked capture v1\n    Packet type: ",
			 "\"sll\":{\"offset\":0,\"pkttype\":");
	assert_link_text(&f, "    Protocol: 0x88cc\n", "\"protocol\":35020}");
	describe_all(&f, NULL, 0);
	frame_free(&f);

	/* ARP over the cooked header */
	uint8_t a[16 + 28];
	memcpy(a, sll_udp, 14);
	a[14] = 0x08, a[15] = 0x06;
	memcpy(a + 16, arp_padded + 14, 28);
	decode_frame(a, sizeof a, sizeof a, LINK_SLL, &f);
	assert_layers(&f, "sll,arp");
	assert_int_equal(lv(&f.layer[1], ARP_TPA), 0xc0a823cb);
	describe_all(&f, NULL, 0);
	frame_free(&f);
}

static void test_vlan(void **state)
{
	(void)state;
	struct frame f;
	decode(vlan_udp, sizeof vlan_udp, &f);
	assert_layers(&f, "eth,vlan,ipv4,udp,payload");
	const struct layer *v = &f.layer[1];
	assert_int_equal(lv(&f.layer[0], ETH_TYPE), 0x8100);
	assert_int_equal(lv(v, VLAN_PCP), 5);
	assert_int_equal(lv(v, VLAN_DEI), 0);
	assert_int_equal(lv(v, VLAN_ID), 10);
	assert_int_equal(lv(v, VLAN_TYPE), 0x0800);
	assert_int_equal(f.layer[2].off, 18);
	assert_int_equal(f.layer[3].csum, CS_CORRECT);
	char s[256];
	describe_all(&f, s, sizeof s);
	assert_string_equal(s, "10.0.0.1:1000 > 10.0.0.2:2000 UDP len=4");
	frame_free(&f);

	/* more tags than MAX_LAYERS: the walk stops, nothing overflows */
	uint8_t b[14 + 4 * 40];
	memset(b, 0, sizeof b);
	memcpy(b, vlan_udp, 12);
	for (size_t off = 12; off + 4 <= sizeof b; off += 4) {
		b[off] = 0x81, b[off + 1] = 0x00;
		if (off + 4 < sizeof b)
			b[off + 2] = 0x00, b[off + 3] = 0x01;
	}
	decode(b, sizeof b, &f);
	assert_int_equal(f.nlayers, MAX_LAYERS);
	describe_all(&f, NULL, 0);
	frame_free(&f);
}

static void test_icmp_error(void **state)
{
	(void)state;
	struct frame f;
	decode(icmp_unreach_full, sizeof icmp_unreach_full, &f);
	assert_layers(&f, "eth,ipv4,icmp,ipv4,udp,payload");
	assert_int_equal(f.layer[2].csum, CS_CORRECT);
	assert_int_equal(f.layer[4].csum, CS_CORRECT);
	char s[512];
	describe_all(&f, s, sizeof s);
	assert_null(strstr(s, "bad"));
	frame_free(&f);
}

/* --- truncation ------------------------------------------------------------ */

/* Invariants of any decoded frame of `n` captured bytes. */
static void check_bounds(const struct sample *sm, size_t n, const struct frame *f)
{
	if (f->len != n || f->wire_len != sm->len)
		fail_msg("%s cut at %zu: len %zu wire_len %zu", sm->name, n, f->len, f->wire_len);
	if (f->nlayers > MAX_LAYERS)
		fail_msg("%s cut at %zu: %zu layers", sm->name, n, f->nlayers);
	if (n)
		assert_memory_equal(f->bytes, sm->bytes, n);
	for (size_t i = 0; i < f->nlayers; i++) {
		const struct layer *l = &f->layer[i];
		if (l->off > n || l->off + l->hdr_len > n || l->off + l->len > n)
			fail_msg("%s cut at %zu: layer %zu (%s) off %zu hdr %zu len %zu",
				 sm->name, n, i, l->def->name, l->off, l->hdr_len, l->len);
		for (size_t k = 0; k < l->def->nfields; k++) {
			const struct field *fd = &l->def->fields[k];
			if (!has(l, (int)k))
				continue;
			if (fd->bits && l->off * 8 + fd->bit_off + fd->bits > n * 8)
				fail_msg("%s cut at %zu: %s.%s marked present past the end",
					 sm->name, n, l->def->name, fd->name);
			if (!fd->bits && l->val[k].len > n - l->off)
				fail_msg("%s cut at %zu: %s.%s has %zu bytes past the end",
					 sm->name, n, l->def->name, fd->name, l->val[k].len);
		}
		if (i + 1 < f->nlayers && f->layer[i + 1].off < l->off)
			fail_msg("%s cut at %zu: layers out of order", sm->name, n);
	}
}

/* The tree's text of `f`, for the caller to free. */
static char *tree_text(const struct frame *f)
{
	struct strbuf sb;
	sb_init(&sb);
	describe_tree(f, 1, NULL, false, &sb);
	return sb.s;
}

#define assert_in_tree(tree, want) do { \
	if (!strstr(tree, want)) \
		fail_msg("'%s' not in the tree:\n%s", want, tree); \
} while (0)

/* Each extension header in order, its options in Wireshark's words, the
 * routing addresses, the fragment's fields; the echo's checksum through
 * the routing header's final destination. */
static void test_ipv6_extension_chain(void **state)
{
	(void)state;
	struct frame f;
	char summary[256];
	decode(ext6_chain, sizeof ext6_chain, &f);
	assert_layers(&f, "eth,ipv6,hopopts,dstopts,routing,fragment,icmp6,payload");
	const struct layer *hop = &f.layer[2], *rt = &f.layer[4], *fr = &f.layer[5];
	assert_int_equal(lv(hop, OPTS_NH), 60);
	assert_int_equal(hop->hdr_len, 8);
	assert_true(has(hop, OPTS_OPTS));
	assert_int_equal(hop->val[OPTS_OPTS].len, 6);
	assert_int_equal(lv(rt, RT_SEGLEFT), 2);
	assert_int_equal(rt->hdr_len, 40);
	assert_int_equal(rt->val[RT_ADDRS].len, 32);
	assert_int_equal(lv(fr, FRAG_ID), 0x1234);
	assert_int_equal(lv(fr, FRAG_NH), 58);
	assert_int_equal(f.layer[6].csum, CS_CORRECT);
	const struct layer *next, *net = frame_network_layer(&f, &next);
	assert_ptr_equal(net, &f.layer[1]);
	assert_ptr_equal(next, &f.layer[6]);	/* what flow keys and filters read */
	char *tree = tree_text(&f);
	assert_in_tree(tree, "IPv6 Hop-by-Hop Option\n    Next Header: 60 (Destination Options for IPv6)");
	assert_in_tree(tree, "        Router Alert: MLD (0)\n        PadN: 0 bytes\n");
	assert_in_tree(tree, "        PadN: 4 bytes\n");
	assert_in_tree(tree, "        Address[1]: 2001:db8::10\n        Address[2]: 2001:db8::20\n");
	assert_in_tree(tree, "Segments Left: 2\n");
	assert_in_tree(tree, "Identification: 0x00001234\n");
	free(tree);
	describe_all(&f, summary, sizeof summary);
	assert_string_equal(summary, "2001:db8::1 > 2001:db8::2 ICMPv6 Echo (ping) request "
			    "id=0x0007, seq=1");
	/* The options as a template writes them read back to the same bytes. */
	struct strbuf sb;
	struct fval v = { 0 };
	char err[200];
	sb_init(&sb);
	ip6_opts_codec.describe(hop->val[OPTS_OPTS].bytes, hop->val[OPTS_OPTS].len,
				OPT_TEMPLATE, "", &sb);
	assert_string_equal(sb.s, "ra:0,padn:0");
	assert_int_equal(ip6_opts_codec.parse(sb.s, &v, err, sizeof err), 0);
	assert_memory_equal(v.bytes, hop->val[OPTS_OPTS].bytes, 6);
	free(v.bytes);
	sb_reset(&sb);
	ip6_addrs_codec.describe(rt->val[RT_ADDRS].bytes, 32, OPT_TEMPLATE, "", &sb);
	assert_string_equal(sb.s, "2001:db8::10+2001:db8::20");
	sb_free(&sb);
	frame_free(&f);
}

/* A first fragment's upper layer is decoded but its sum not verifiable; a
 * later fragment's data is data, said as IPv4's summary says a fragment. */
static void test_ipv6_fragments(void **state)
{
	(void)state;
	struct frame f;
	char summary[256];
	decode(ext6_frag_first, sizeof ext6_frag_first, &f);
	assert_layers(&f, "eth,ipv6,fragment,icmp6,payload");
	assert_int_equal(f.layer[3].csum, CS_UNVERIFIED);
	describe_all(&f, summary, sizeof summary);
	assert_string_equal(summary, "2001:db8::1 > 2001:db8::2 ICMPv6 Echo (ping) request "
			    "id=0x0004, seq=2");
	frame_free(&f);
	decode(ext6_frag_later, sizeof ext6_frag_later, &f);
	assert_layers(&f, "eth,ipv6,fragment,payload");
	assert_int_equal(f.layer[3].len, 8);
	describe_all(&f, summary, sizeof summary);
	assert_string_equal(summary, "2001:db8::1 > 2001:db8::2 IPv6 next header 17 fragment "
			    "offset 1480 M id 0x0000004e");
	char *tree = tree_text(&f);
	assert_in_tree(tree, "    Offset: 185\n");
	assert_in_tree(tree, "    More Fragments: 1 (Yes)\n");
	free(tree);
	frame_free(&f);
}

/* Options read within the header's bytes: an unknown type named by its
 * number, non-zero padding flagged, one running past the end said so. */
static void test_ipv6_odd_options(void **state)
{
	(void)state;
	struct frame f;
	decode(ext6_odd_opts, sizeof ext6_odd_opts, &f);
	assert_layers(&f, "eth,ipv6,dstopts");
	assert_int_equal(f.layer[2].hdr_len, 16);
	char *tree = tree_text(&f);
	assert_in_tree(tree, "        Unknown (0x1e): 2 bytes 0102\n");
	assert_in_tree(tree, "        PadN: 1 bytes [not zero, RFC 4942 2.1.9.5: 07]\n");
	assert_in_tree(tree, "        Pad1\n        [malformed option: 6 bytes left]\n");
	free(tree);
	struct strbuf sb;
	sb_init(&sb);
	ip6_opts_codec.describe(f.layer[2].val[OPTS_OPTS].bytes, f.layer[2].val[OPTS_OPTS].len,
				OPT_TEMPLATE, "", &sb);
	assert_string_equal(sb.s, "raw:30:0102,raw:1:07,pad1,malformed");
	sb_free(&sb);
	frame_free(&f);
}

static void test_truncated_bounds(void **state)
{
	(void)state;
	for (size_t s = 0; s < NSAMPLES; s++) {
		const struct sample *sm = &samples[s];
		for (size_t n = 0; n <= sm->len; n++) {
			struct frame f;
			decode_frame(sm->bytes, n, sm->len, sm->link, &f);
			check_bounds(sm, n, &f);
			describe_all(&f, NULL, 0);
			frame_free(&f);
			/* the same with no wire length given */
			decode_frame(sm->bytes, n, 0, sm->link, &f);
			assert_int_equal(f.wire_len, n);
			describe_all(&f, NULL, 0);
			frame_free(&f);
		}
	}
	/* NULL bytes with length 0 */
	struct frame f;
	decode_frame(NULL, 0, 0, LINK_ETHERNET, &f);
	assert_int_equal(f.nlayers, 0);
	describe_all(&f, NULL, 0);
	frame_free(&f);
}

/* A capture cut short (caplen < wire length) says so: some layer carries a
 * note, even when the cut falls exactly between two headers. */
static void test_truncated_has_note(void **state)
{
	(void)state;
	char bad[1024] = "";
	size_t nb = 0;
	for (size_t s = 0; s < NSAMPLES; s++) {
		const struct sample *sm = &samples[s];
		for (size_t n = 1; n < sm->len; n++) {
			struct frame f;
			decode_frame(sm->bytes, n, sm->len, sm->link, &f);
			bool noted = false;
			for (size_t i = 0; i < f.nlayers; i++)
				noted = noted || f.layer[i].note != NULL;
			/* Ethernet padding may be cut freely: it is not a header */
			bool in_trailer = (sm->bytes == arp_padded && n >= 42) ||
					  (sm->bytes == udp_padded && n >= 47);
			if (!noted && !in_trailer && nb + 40 < sizeof bad)
				nb += (size_t)snprintf(bad + nb, sizeof bad - nb, " %s@%zu",
						       sm->name, n);
			frame_free(&f);
		}
	}
	if (nb)
		fail_msg("cut frames decoded without a note:%s", bad);
}

/* A checksum whose covered bytes were not all captured is unverified, not
 * "incorrect": snaplen-cut captures and RFC 792 ICMP quotes (IPv4 header +
 * 8 bytes) must not report bad checksums. */
static void test_truncated_checksum_unverified(void **state)
{
	(void)state;
	char bad[1024] = "";
	size_t nb = 0;
	/* the ICMP quote first: a whole, uncut frame */
	struct frame f;
	decode(icmp_unreach_8, sizeof icmp_unreach_8, &f);
	assert_layers(&f, "eth,ipv4,icmp,ipv4,udp");
	enum csum_status inner = f.layer[4].csum;
	char s[512];
	describe_all(&f, s, sizeof s);
	frame_free(&f);
	if (inner == CS_INCORRECT)
		nb += (size_t)snprintf(bad + nb, sizeof bad - nb,
				       " icmp_unreach_8: inner udp (summary: %s);", s);
	/* then every snaplen cut: the first and last cut lengths per layer */
	for (size_t i = 0; i < NSAMPLES; i++) {
		const struct sample *sm = &samples[i];
		for (int li = 0; li < MAX_LAYERS; li++) {
			size_t first = 0, last = 0;
			const char *name = NULL;
			for (size_t n = 0; n < sm->len; n++) {
				decode_frame(sm->bytes, n, sm->len, sm->link, &f);
				if ((size_t)li < f.nlayers && f.layer[li].csum == CS_INCORRECT) {
					if (!name)
						first = n;
					last = n;
					name = f.layer[li].def->name;
				}
				frame_free(&f);
			}
			if (name && nb + 60 < sizeof bad)
				nb += (size_t)snprintf(bad + nb, sizeof bad - nb,
						       " %s cut at %zu..%zu: %s;", sm->name,
						       first, last, name);
		}
	}
	if (nb)
		fail_msg("checksums over missing bytes reported incorrect:%s", bad);
}

/* --- describers -------------------------------------------------------------- */

static void test_json_escapes(void **state)
{
	(void)state;
	/* a payload of quotes, backslashes and control bytes stays valid JSON */
	uint8_t b[14 + 12];
	memcpy(b, tcp_syn, 12);
	b[12] = 0x88, b[13] = 0xb5;
	memcpy(b + 14, "\"\\\n\t\x01\x7f\xff{}[],", 12);
	struct frame f;
	decode(b, sizeof b, &f);
	describe_all(&f, NULL, 0);
	frame_free(&f);
	/* printable text with quotes */
	memcpy(b + 14, "say \"hi\" \\o/", 12);
	decode(b, sizeof b, &f);
	struct strbuf sb;
	sb_init(&sb);
	describe_json(&f, 1, NULL, &sb);
	assert_true(json_ok(sb.s));
	assert_non_null(strstr(sb.s, "\"text\":\"say \\\"hi\\\" \\\\o/\""));
	sb_free(&sb);
	frame_free(&f);
}

/* A payload is shown as text when every byte is printable ASCII, a tab or
 * a line end: each byte value at each place of a 48-byte payload, in
 * --json and in the tree (whose line escapes the tab and line ends). */
static void test_payload_text(void **state)
{
	(void)state;
	uint8_t b[14 + 48];
	memcpy(b, tcp_syn, 12);
	b[12] = 0x88, b[13] = 0xb5;
	struct strbuf sb;
	sb_init(&sb);
	for (int c = 0; c < 256; c++)
		for (size_t at = 0; at < 48; at++) {
			memset(b + 14, 'x', 48);
			b[14 + at] = (uint8_t)c;
			struct frame f;
			decode(b, sizeof b, &f);
			sb_reset(&sb);
			describe_json(&f, 1, NULL, &sb);
			bool text = (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r';
			if ((strstr(sb.s, "\"text\":") != NULL) != text)
				fail_msg("byte 0x%02x at %zu: %s", c, at, sb.s);
			char want[64 + 48 * 2] = "    [Text: ";
			size_t n = strlen(want);
			for (size_t i = 0; i < 48; i++) {
				uint8_t x = b[14 + i];
				if (x == '\t' || x == '\n' || x == '\r')
					want[n++] = '\\', x = x == '\t' ? 't' : x == '\n' ? 'n' : 'r';
				want[n++] = (char)x;
			}
			memcpy(want + n, "]\n", 3);
			sb_reset(&sb);
			describe_tree(&f, 1, NULL, false, &sb);
			if ((strstr(sb.s, text ? want : "[Text: ") != NULL) != text)
				fail_msg("tree, byte 0x%02x at %zu: %s", c, at, sb.s);
			frame_free(&f);
		}
	sb_free(&sb);
}

static void test_relative_seq(void **state)
{
	(void)state;
	struct analysis *an = analysis_new();
	assert_non_null(an);
	struct frame_analysis fa;
	struct timeval ts = { 1700000000, 0 };
	struct frame f;
	struct strbuf sb;
	sb_init(&sb);
	decode(tcp_syn, sizeof tcp_syn, &f);
	analysis_frame(an, &f, 1, &ts, &fa);
	describe_tree(&f, 1, &fa, false, &sb);
	assert_non_null(strstr(sb.s, "Sequence Number: 0 (relative sequence number), raw 1000"));
	frame_free(&f);
	/* the SYN/ACK back: seq 5000, ack 1001 */
	uint8_t b[sizeof tcp_syn];
	memcpy(b, tcp_syn, sizeof b);
	memcpy(b + 26, tcp_syn + 30, 4);
	memcpy(b + 30, tcp_syn + 26, 4);
	memcpy(b + 34, tcp_syn + 36, 2);
	memcpy(b + 36, tcp_syn + 34, 2);
	memcpy(b + 38, "\x00\x00\x13\x88\x00\x00\x03\xe9", 8);
	b[47] = 0x12;
	sb_reset(&sb);
	decode(b, sizeof b, &f);
	ts.tv_usec = 250;
	analysis_frame(an, &f, 2, &ts, &fa);
	describe_tree(&f, 2, &fa, false, &sb);
	assert_non_null(strstr(sb.s, "Sequence Number: 0 (relative sequence number), raw 5000"));
	assert_non_null(strstr(sb.s, "Acknowledgment Number: 1 (relative ack number), raw 1001"));
	assert_non_null(strstr(sb.s, "[This is an ACK to the segment in frame: 1]"));
	assert_non_null(strstr(sb.s, "[The RTT to ACK the segment was: 0.000250000 seconds]"));
	assert_int_equal(fa.tcp.acks_frame, 1);
	assert_int_equal(fa.tcp.src_state, TS_SYN_RECEIVED);
	assert_int_equal(fa.tcp.dst_state, TS_ESTABLISHED);
	frame_free(&f);
	sb_free(&sb);
	analysis_free(an);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_validator),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_tcp_options),
		cmocka_unit_test(test_checksum_status),
		cmocka_unit_test(test_ethernet_padding),
		cmocka_unit_test(test_unknown_ethertype),
		cmocka_unit_test(test_ipv4_bogus_lengths),
		cmocka_unit_test(test_tcp_bogus),
		cmocka_unit_test(test_link_raw),
		cmocka_unit_test(test_link_sll),
		cmocka_unit_test(test_link_loopback),
		cmocka_unit_test(test_link_table),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_icmp_error),
		cmocka_unit_test(test_ipv6_extension_chain),
		cmocka_unit_test(test_ipv6_fragments),
		cmocka_unit_test(test_ipv6_odd_options),
		cmocka_unit_test(test_truncated_bounds),
		cmocka_unit_test(test_truncated_has_note),
		cmocka_unit_test(test_truncated_checksum_unverified),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_payload_text),
		cmocka_unit_test(test_relative_seq),
	};
	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
