/*
 * test_hooks.c - generic code asks a layer's hooks and flags, never its id.
 * A fake network layer, registered nowhere and with an id no layer has,
 * carries its addresses at other indices than IPv4's; the frame's network
 * layer, its destination, the flow keys, the transport checksum, the
 * summaries' addresses and the flood plan must all follow its table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "../../craft/builder/vary.h"
#include "../../craft/core/field.h"
#include "../../craft/core/layer.h"
#include "../../craft/match/flow.h"
#include "../../craft/proto/proto.h"
#include "../../craft/util/checksum.h"

enum { FK_KIND, FK_TO, FK_FROM, FK_NFIELDS };
#define FAKE_LEN 10
#define FAKE_FRAGMENT 0xff	/* a kind with no pseudo-header */
#define FAKE_PSEUDO 0x1234
#define FAKE_GROUP 0xffffffffu

static const struct field fake_fields[] = {
	[FK_KIND] = { "kind", "Kind", 0, 8, FK_UINT, FD_CONST, 6, 0, NULL, NULL, NULL },
	[FK_TO] = { "to", "To", 16, 32, FK_IPV4, FD_CONST, 0, FF_PSEUDO | FF_NEXTHOP, NULL, NULL, NULL },
	[FK_FROM] = { "from", "From", 48, 32, FK_IPV4, FD_CONST, 0, FF_PSEUDO, NULL, NULL, NULL },
};

static bool fake_group(const struct layer *l)
{
	return lv(l, FK_TO) == FAKE_GROUP;
}

/* The last two bytes of a frame are padding. */
static size_t fake_payload_end(const struct frame *f, size_t idx, bool *whole)
{
	(void)idx;
	if (whole)
		*whole = true;
	return f->len - 2;
}

static bool fake_pseudo_sum(const struct frame *f, size_t idx, uint8_t proto,
			    size_t seg_len, uint32_t *sum)
{
	if (f->bytes[f->layer[idx].off] == FAKE_FRAGMENT)
		return false;
	*sum = FAKE_PSEUDO + proto + (uint32_t)seg_len;
	return true;
}

static const struct layer_net fake_net = {
	.src = FK_FROM, .dst = FK_TO, .group = fake_group,
	.payload_end = fake_payload_end, .pseudo_sum = fake_pseudo_sum,
};

static const struct layer_def fake_layer = {
	.id = L_COUNT, .name = "fake", .label = "Fake network layer",
	.fields = fake_fields, .nfields = FK_NFIELDS, .min_len = FAKE_LEN,
	.demux = FK_KIND, .csum_field = -1, .net = &fake_net,
};

/* eth (if `eth`), fake from -> to, tcp 40000 > 80 with ACK; bytes as well:
 * the fake header, a TCP header and two bytes of padding. */
static void fake_frame(struct frame *f, uint8_t *bytes, bool eth, uint32_t from, uint32_t to)
{
	memset(f, 0, sizeof *f);
	size_t off = 0;
	if (eth) {
		struct layer *e = frame_push(f, &eth_layer);
		e->hdr_len = e->len = 14;
		off = 14;
	}
	struct layer *n = frame_push(f, &fake_layer);
	layer_give(n, FK_KIND, 6);
	layer_give(n, FK_TO, to);
	layer_give(n, FK_FROM, from);
	n->present = (1u << FK_NFIELDS) - 1;
	n->off = off;
	n->hdr_len = FAKE_LEN;
	n->len = FAKE_LEN + 20;
	struct layer *t = frame_push(f, &tcp_layer);
	layer_give(t, TCP_SPORT, 40000);
	layer_give(t, TCP_DPORT, 80);
	layer_give(t, TCP_FLAGS, TCP_F_ACK);
	t->off = off + FAKE_LEN;
	t->hdr_len = t->len = 20;
	memset(bytes, 0, off + FAKE_LEN + 22);
	bytes[off] = 6;
	for (size_t i = 0; i < 20; i++)
		bytes[t->off + i] = (uint8_t)(i * 7 + 1);
	bytes[t->off + 12] = 5 << 4;	/* data offset: 20 bytes */
	f->bytes = bytes;
	f->len = f->wire_len = off + FAKE_LEN + 22;
}

static void test_network_layer_and_destination(void **state)
{
	(void)state;
	struct frame f;
	uint8_t bytes[64];
	fake_frame(&f, bytes, true, 0x0a000001, 0x0a000009);
	const struct layer *next = NULL;
	assert_ptr_equal(frame_network_layer(&f, &next), &f.layer[1]);
	assert_ptr_equal(next, &f.layer[2]);
	struct addr to = frame_destination(&f);
	assert_int_equal(addr_ipv4(&to), 0x0a000009);
	assert_false(layer_to_group(&f.layer[1]));
	assert_int_equal(frame_own_layers(&f), f.nlayers);
	char src[48], dst[48];
	assert_true(frame_addrs(&f, 2, src, dst, sizeof src));
	assert_string_equal(src, "10.0.0.1");
	assert_string_equal(dst, "10.0.0.9");
	f.layer[1].random |= 1u << FK_TO;
	to = frame_destination(&f);
	assert_int_equal(to.family, ADDR_NONE);
}

static void test_flow_keys(void **state)
{
	(void)state;
	struct frame probe, reply, group;
	uint8_t b1[64], b2[64], b3[64];
	fake_frame(&probe, b1, false, 0x0a000001, 0x0a000009);
	struct flow_key k;
	struct flow_ack ack;
	assert_true(flow_of_probe(&probe, &k, &ack));
	assert_int_equal(k.proto, 6);
	assert_int_equal(k.our_ip, 0x0a000001);
	assert_int_equal(k.their_ip, 0x0a000009);
	assert_int_equal(k.our_port, 40000);
	assert_int_equal(k.their_port, 80);
	fake_frame(&reply, b2, false, 0x0a000009, 0x0a000001);
	layer_give(&reply.layer[1], TCP_SPORT, 80);
	layer_give(&reply.layer[1], TCP_DPORT, 40000);
	assert_true(flow_answers(&probe, &reply, false));
	fake_frame(&group, b3, false, 0x0a000001, FAKE_GROUP);
	assert_true(flow_of_probe(&group, &k, &ack));
	assert_int_equal(k.their_ip, 0);	/* anyone may answer */
	assert_true(flow_answers(&group, &reply, false));
}

static void test_transport_checksum(void **state)
{
	(void)state;
	struct frame f;
	uint8_t bytes[64];
	fake_frame(&f, bytes, false, 0x0a000001, 0x0a000009);
	uint16_t want;
	uint32_t partial;
	assert_true(tcp_layer.checksum(&f, 1, &want, &partial));
	/* The segment ends where the fake layer says: before the padding. */
	uint32_t pseudo = FAKE_PSEUDO + 6 + 20;
	assert_int_equal(want, (uint16_t)~csum_fold(csum_add(pseudo, bytes + FAKE_LEN, 20, 16)));
	assert_int_equal(partial, csum_fold(pseudo));
	assert_int_equal(tcp_segment_len(&f, 1), 0);
	bytes[0] = FAKE_FRAGMENT;
	assert_false(tcp_layer.checksum(&f, 1, &want, &partial));
}

static void test_vary_flags(void **state)
{
	(void)state;
	struct frame f;
	uint8_t bytes[64];
	struct vary v;
	char why[128] = "";
	/* A varying FF_PSEUDO field changes the TCP checksum it is no byte of. */
	fake_frame(&f, bytes, false, 0x0a000001, 0x0a000009);
	f.layer[1].given = ((1u << TCP_NFIELDS) - 1) & ~(1u << TCP_CSUM);
	f.layer[0].ranged = 1u << FK_FROM;
	f.layer[0].range[FK_FROM].lo = 1;
	f.layer[0].range[FK_FROM].hi = 9;
	assert_int_equal(vary_plan(&f, &v, why, sizeof why), 0);
	assert_int_equal(v.nsums, 1);
	assert_int_equal(v.nslots, 1);
	assert_int_equal(v.slot[0].sums, 1);
	/* A varying FF_NEXTHOP field changes the Ethernet destination. */
	fake_frame(&f, bytes, true, 0x0a000001, 0x0a000009);
	f.layer[0].given = (1u << ETH_NFIELDS) - 1 - (1u << ETH_DST);
	f.layer[2].given = ((1u << TCP_NFIELDS) - 1) & ~(1u << TCP_CSUM);
	f.layer[1].ranged = 1u << FK_TO;
	f.layer[1].range[FK_TO].lo = 1;
	f.layer[1].range[FK_TO].hi = 9;
	assert_int_equal(vary_plan(&f, &v, why, sizeof why), -1);
	assert_string_equal(why, "fake to varies, and with it more than its own bits");
}

/* A network layer with one 16-byte address, the pseudo-header its bytes:
 * a range over it crosses the 64-bit line and the TCP checksum follows. */
enum { WK_KIND, WK_ADDR, WK_NFIELDS };
#define WIDE_LEN 18

static const struct field wide_fields[] = {
	[WK_KIND] = { "kind", "Kind", 0, 8, FK_UINT, FD_CONST, 6, 0, NULL, NULL, NULL },
	[WK_ADDR] = { "addr", "Address", 16, 128, FK_UINT, FD_CONST, 0, FF_PSEUDO | FF_HEX,
		      NULL, NULL, NULL },
};

static bool wide_pseudo_sum(const struct frame *f, size_t idx, uint8_t proto,
			    size_t seg_len, uint32_t *sum)
{
	*sum = csum_add(proto + (uint32_t)seg_len, f->bytes + f->layer[idx].off + 2, 16,
			SIZE_MAX);
	return true;
}

static const struct layer_net wide_net = { .src = WK_ADDR, .dst = WK_ADDR,
					   .pseudo_sum = wide_pseudo_sum };
static const struct layer_def wide_layer = {
	.id = L_COUNT, .name = "wide", .label = "Wide-address layer",
	.fields = wide_fields, .nfields = WK_NFIELDS, .min_len = WIDE_LEN,
	.demux = WK_KIND, .csum_field = -1, .net = &wide_net,
};

static void test_wide_field_range(void **state)
{
	(void)state;
	struct frame f;
	uint8_t bytes[WIDE_LEN + 20];
	memset(&f, 0, sizeof f);
	memset(bytes, 0, sizeof bytes);
	struct layer *n = frame_push(&f, &wide_layer);
	n->hdr_len = WIDE_LEN;
	n->len = sizeof bytes;
	n->ranged = 1u << WK_ADDR;
	n->range[WK_ADDR].lo = ((u128)0x20010db8 << 96) | UINT64_MAX;	/* ...:ffff:ffff:ffff:ffff */
	n->range[WK_ADDR].hi = n->range[WK_ADDR].lo + 3;
	struct layer *t = frame_push(&f, &tcp_layer);
	t->given = ((1u << TCP_NFIELDS) - 1) & ~(1u << TCP_CSUM);
	t->off = WIDE_LEN;
	t->hdr_len = t->len = 20;
	bytes[0] = 6;
	bytes[WIDE_LEN + 12] = 5 << 4;
	f.bytes = bytes;
	f.len = f.wire_len = sizeof bytes;
	bits_put(bytes, 16, 128, n->range[WK_ADDR].lo);
	uint16_t want;
	uint32_t partial;
	assert_true(tcp_layer.checksum(&f, 1, &want, &partial));
	bytes[WIDE_LEN + 16] = (uint8_t)(want >> 8);
	bytes[WIDE_LEN + 17] = (uint8_t)want;

	struct vary v;
	char why[128] = "";
	struct rng run;
	rng_seed(&run, 1);
	assert_int_equal(vary_plan(&f, &v, why, sizeof why), 0);
	assert_int_equal(v.nslots, 1);
	for (uint64_t i = 0; i < 8; i++) {
		vary_apply(&v, bytes, i, &run);
		u128 addr = bits_get(bytes, 16, 128);
		assert_true(addr == n->range[WK_ADDR].lo + i % 4);
		/* Past the 64-bit line the high half moves too. */
		assert_int_equal((uint64_t)(addr >> 64), i % 4 ? 0x20010db800000001ull : 0x20010db800000000ull);
		assert_true(tcp_layer.checksum(&f, 1, &want, &partial));
		assert_int_equal(bytes[WIDE_LEN + 16] << 8 | bytes[WIDE_LEN + 17], want);
	}
	char text[64];
	struct fval val = { .u = n->range[WK_ADDR].lo + 1 };
	field_format(&wide_fields[WK_ADDR], &val, text, sizeof text);
	assert_string_equal(text, "0x20010db8000000010000000000000000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_network_layer_and_destination),
		cmocka_unit_test(test_flow_keys),
		cmocka_unit_test(test_transport_checksum),
		cmocka_unit_test(test_vary_flags),
		cmocka_unit_test(test_wide_field_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
