/*
 * test_field.c - the field tables and the field kinds: every layer's table is
 * self-consistent, bit access round-trips at any offset, and the text parsers
 * and formatters take and give exactly what the template language says.
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
#include <unistd.h>

#include "../../craft/core/field.h"
#include "../../craft/util/rng.h"
#include "../../craft/core/layer.h"
#include "../../craft/proto/proto.h"

static const struct field *field_of(const struct layer_def *d, const char *name)
{
	int i = layer_field_index(d, name, strlen(name));
	assert_true(i >= 0);
	return &d->fields[i];
}

/* An assertion that names what it was checking when it fails. */
#define CHECK(cond, ...) do { \
	if (!(cond)) \
		fail_msg("%s (%s)", #cond, ctx_str(__VA_ARGS__)); \
} while (0)

static const char *ctx_str(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *ctx_str(const char *fmt, ...)
{
	static char buf[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return buf;
}

static bool fixed_kind(enum field_kind k)
{
	return k == FK_UINT || k == FK_MAC || k == FK_IPV4 || k == FK_IPV6 || k == FK_TCPFLAGS ||
	       k == FK_LETTERS;
}

static bool word_chars(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '.' || *s == '-' || *s == '+' || (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

/* --- the tables -------------------------------------------------------- */

static void test_tables_registry(void **state)
{
	(void)state;
	for (int i = 0; i < L_COUNT; i++) {
		const struct layer_def *d = craft_layers[i];
		assert_non_null(d);
		assert_int_equal(d->id, i);
		assert_non_null(d->name);
		assert_true(d->name[0] != '\0');
		assert_true(word_chars(d->name));
		assert_non_null(d->label);
		assert_ptr_equal(layer_by_name(d->name, strlen(d->name)), d);
		assert_true(d->nfields > 0 && d->nfields <= MAX_FIELDS);
		assert_true(d->nfields <= 32);	/* given/random/present masks */
		/* Each wide field draws twice from the frame's random stream. */
		size_t wide = 0;
		for (size_t k = 0; k < d->nfields; k++)
			wide += d->fields[k].bits > 64;
		assert_true(wide <= MAX_WIDE_FIELDS);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(craft_layers[j]->name, d->name);
	}
	assert_null(layer_by_name("ip", 2));
	assert_null(layer_by_name("ethx", 4));
	assert_null(layer_by_name("et", 2));
	/* proto.h's row enums match the tables */
	assert_int_equal(eth_layer.nfields, ETH_NFIELDS);
	assert_int_equal(vlan_layer.nfields, VLAN_NFIELDS);
	assert_int_equal(arp_layer.nfields, ARP_NFIELDS);
	assert_int_equal(ipv4_layer.nfields, IPV4_NFIELDS);
	assert_int_equal(tcp_layer.nfields, TCP_NFIELDS);
	assert_int_equal(udp_layer.nfields, UDP_NFIELDS);
	assert_int_equal(icmp_layer.nfields, ICMP_NFIELDS);
	assert_int_equal(payload_layer.nfields, PL_NFIELDS);
	assert_string_equal(ipv4_layer.fields[IPV4_TTL].name, "ttl");
	assert_string_equal(tcp_layer.fields[TCP_FLAGS].name, "flags");
	assert_string_equal(arp_layer.fields[ARP_TPA].name, "tpa");
	assert_string_equal(vlan_layer.fields[VLAN_ID].name, "id");
	assert_string_equal(icmp_layer.fields[ICMP_SEQ].name, "seq");
}

/* Messages name layers from the table: a subset in table order, "" for
 * none, and cut short in a small buffer, never past it. */
/* Flag letters say every bit or none: a bit no letter names gives the
 * number, so a decoded value is never shown as another. */
static void test_letters(void **state)
{
	(void)state;
	char buf[64];
	const struct field *na = &icmp6_layer.fields[ICMP6_NAFLAGS];
	format_letters(na, 0x60000000, buf, sizeof buf);
	assert_string_equal(buf, "SO");
	format_letters(na, 0, buf, sizeof buf);
	assert_string_equal(buf, "none");
	format_letters(na, 0x60000001, buf, sizeof buf);
	assert_string_equal(buf, "0x60000001");
}

static void test_layer_list(void **state)
{
	(void)state;
	char buf[200], small[8];
	layer_list(LAYERS_ALL, buf, sizeof buf);
	assert_string_equal(buf, "eth, vlan, arp, ipv4, ipv6, hopopts, dstopts, routing, fragment, "
			    "tcp, udp, icmp, icmp6, payload");
	layer_list(1u << L_TCP | 1u << L_ARP, buf, sizeof buf);
	assert_string_equal(buf, "arp, tcp");
	layer_list(0, buf, sizeof buf);
	assert_string_equal(buf, "");
	layer_list(LAYERS_ALL, small, sizeof small);
	assert_string_equal(small, "eth, vl");
}

static void test_tables_fields(void **state)
{
	(void)state;
	for (int i = 0; i < L_COUNT; i++) {
		const struct layer_def *d = craft_layers[i];
		for (size_t k = 0; k < d->nfields; k++) {
			const struct field *f = &d->fields[k];
			const char *what = f->name ? f->name : "?";
			CHECK((f->name) != NULL, "%s.%s", d->name, what);
			CHECK(f->name[0] != '\0', "%s.%s", d->name, what);
			CHECK(word_chars(f->name), "%s.%s", d->name, what);
			CHECK((f->label) != NULL, "%s.%s", d->name, what);
			/* A name is one row's, or rows of which one applies at a time
			 * (ICMPv6's flags): never two a layer may hold at once. */
			for (size_t j = 0; j < k; j++)
				CHECK(strcmp(d->fields[j].name, f->name) != 0 || d->applies, "%s.%s",
				      d->name, what);
			if (!d->applies)
				CHECK(layer_field_index(d, f->name, strlen(f->name)) == (int)k, "%s.%s",
				      d->name, what);
			if (fixed_kind(f->kind)) {
				CHECK(f->bits > 0, "%s.%s", d->name, what);
				CHECK(f->bits <= 128, "%s.%s", d->name, what);
				/* bits_get/bits_put read a field's bytes in 128 bits at most */
				CHECK(f->bit_off % 8 + f->bits <= 128, "%s.%s", d->name, what);
				CHECK(!(f->flags & FF_VARIABLE), "%s.%s", d->name, what);
				/* the whole range lies in the fixed header: of each type
				 * the field applies to, when fields go by type */
				for (unsigned t = 0; d->applies && t < 256; t++) {
					struct layer l = { .def = d, .present = 1 };
					l.val[0].u = t;
					CHECK(!d->applies(&l, k) ||
					      (size_t)f->bit_off + f->bits <=
					      (d->header_len ? d->header_len(&l) : d->min_len) * 8,
					      "%s.%s type %u", d->name, what, t);
				}
				CHECK(d->applies || (size_t)f->bit_off + f->bits <= d->min_len * 8, "%s.%s",
				      d->name, what);
			} else {
				CHECK((f->bits) == (0), "%s.%s", d->name, what);
				CHECK((f->flags & FF_VARIABLE) != 0, "%s.%s", d->name, what);
			}
			if (f->kind == FK_MAC)
				CHECK((f->bits) == (48), "%s.%s", d->name, what);
			if (f->kind == FK_IPV4)
				CHECK((f->bits) == (32), "%s.%s", d->name, what);
			if (f->kind == FK_IPV6)
				CHECK((f->bits) == (128), "%s.%s", d->name, what);
			if (f->kind == FK_OPTS)
				CHECK(f->codec && f->codec->parse && f->codec->describe, "%s.%s", d->name, what);
			if (f->kind == FK_LETTERS)
				CHECK(f->names != NULL, "%s.%s", d->name, what);
			if (f->kind == FK_TCPFLAGS)
				CHECK((f->bits) == (8), "%s.%s", d->name, what);
			if (f->bits)
				CHECK(f->dflt <= field_max(f), "%s.%s", d->name, what);
			if (f->dflt_kind == FD_REQUIRED || f->dflt_kind == FD_ABSENT ||
			    f->dflt_kind == FD_COMPUTED)
				CHECK((f->dflt) == (0), "%s.%s", d->name, what);
			if (f->dflt_kind == FD_RANDOM || f->dflt_kind == FD_RUN_RANDOM ||
			    f->dflt_kind == FD_EPHEMERAL || f->dflt_kind == FD_COUNT)
				CHECK(f->bits > 0, "%s.%s", d->name, what);
			if (f->flags & FF_CHECKSUM)
				CHECK(((int)k) == (d->csum_field), "%s.%s", d->name, what);
			/* names: values fit the width, keywords unique and usable */
			size_t n = 0;
			for (const struct field_name *nm = f->names;
			     nm && (nm->keyword || nm->meaning); nm++, n++) {
				CHECK(n < 64, "%s.%s", d->name, what);	/* terminated */
				CHECK(f->bits > 0, "%s.%s", d->name, what);
				CHECK(nm->value <= field_max(f), "%s.%s", d->name, what);
				if (!nm->keyword)
					continue;
				CHECK(nm->keyword[0] != '\0', "%s.%s", d->name, what);
				for (const struct field_name *o = f->names; o != nm; o++)
					if (o->keyword)
						CHECK(strcmp(o->keyword, nm->keyword) != 0, "%s.%s", d->name, what);
				/* a keyword must not read as a number */
				CHECK(!(nm->keyword[0] >= '0' && nm->keyword[0] <= '9'), "%s.%s", d->name, what);
				CHECK(strcmp(nm->keyword, "random") != 0, "%s.%s", d->name, what);
			}
		}
	}
}

/* Fixed fields tile the header without overlapping, except aliases, which
 * must lie inside a non-alias field before them (the one they view), and rows that never apply together
 * (ICMPv6's by type: no type takes both). */
static void test_tables_overlaps(void **state)
{
	(void)state;
	for (int i = 0; i < L_COUNT; i++) {
		const struct layer_def *d = craft_layers[i];
		for (size_t a = 0; a < d->nfields; a++) {
			const struct field *fa = &d->fields[a];
			if (!fa->bits)
				continue;
			bool inside = false;
			for (size_t b = 0; b < d->nfields; b++) {
				const struct field *fb = &d->fields[b];
				if (a == b || !fb->bits)
					continue;
				bool ov = fa->bit_off < fb->bit_off + fb->bits &&
					fb->bit_off < fa->bit_off + fa->bits;
				if (!(fa->flags & FF_ALIAS) && !(fb->flags & FF_ALIAS) && ov && d->applies) {
					for (unsigned t = 0; t < 256; t++) {
						struct layer l = { .def = d, .present = 1 };
						l.val[0].u = t;	/* the type is the first row */
						CHECK(!(d->applies(&l, a) && d->applies(&l, b)),
						      "%s: %s overlaps %s for type %u", d->name, fa->name,
						      fb->name, t);
					}
				} else if (!(fa->flags & FF_ALIAS) && !(fb->flags & FF_ALIAS)) {
					CHECK(!ov, "%s: %s overlaps %s", d->name, fa->name, fb->name);
				}
				if ((fa->flags & FF_ALIAS) && !(fb->flags & FF_ALIAS) && b < a &&
				    fa->bit_off >= fb->bit_off &&
				    fa->bit_off + fa->bits <= fb->bit_off + fb->bits)
					inside = true;
			}
			if (fa->flags & FF_ALIAS)
				CHECK(inside, "%s.%s", d->name, fa->name);
		}
	}
}

static void test_tables_hooks_and_links(void **state)
{
	(void)state;
	for (int i = 0; i < L_COUNT; i++) {
		const struct layer_def *d = craft_layers[i];
		if (d->demux >= 0) {
			assert_true((size_t)d->demux < d->nfields);
			assert_int_equal(d->fields[d->demux].kind, FK_UINT);
		}
		if (d->csum_field >= 0) {
			assert_true((size_t)d->csum_field < d->nfields);
			assert_int_equal(d->fields[d->csum_field].bits, 16);
			assert_true(d->fields[d->csum_field].flags & FF_CHECKSUM);
			assert_non_null(d->checksum);
		} else {
			assert_null(d->checksum);
		}
		/* payload may follow any header but itself */
		assert_int_equal(layer_can_follow((enum layer_id)i, L_PAYLOAD), i != L_PAYLOAD);
		/* A network layer's addresses are fields of one kind; only a
		 * network layer decides the next hop or feeds a pseudo-header,
		 * and it has the hook for that. */
		const struct layer_net *n = d->net;
		if (n) {
			assert_true(n->src >= 0 && (size_t)n->src < d->nfields);
			assert_true(n->dst >= 0 && (size_t)n->dst < d->nfields);
			assert_int_equal(d->fields[n->src].kind, d->fields[n->dst].kind);
			/* Flow keys, the next hop and relative numbers read addresses
			 * of up to 128 bits, as struct addr holds them. */
			assert_true(d->fields[n->src].bits == 32 || d->fields[n->src].bits == 128);
		}
		for (size_t k = 0; k < d->nfields; k++) {
			unsigned fl = d->fields[k].flags;
			CHECK(!(fl & FF_NEXTHOP) || n, "%s.%s", d->name, d->fields[k].name);
			CHECK(!(fl & FF_PSEUDO) || (n && n->pseudo_sum), "%s.%s", d->name,
			      d->fields[k].name);
		}
		CHECK(!d->csum_header || d->csum_field >= 0, "%s", d->name);
	}
	assert_true(craft_nlinks > 0);
	for (size_t i = 0; i < craft_nlinks; i++) {
		const struct link *k = &craft_links[i];
		const struct layer_def *o = craft_layers[k->outer];
		assert_true(o->demux >= 0);
		assert_true(k->value <= field_max(&o->fields[o->demux]));
		assert_true(layer_can_follow(k->outer, k->inner));
		enum layer_id in;
		assert_true(link_inner(k->outer, k->value, &in));
		assert_int_equal(in, k->inner);
		/* no value announces two different layers; the rows of a pair
		 * agree on whether the inner layer is quoted */
		for (size_t j = 0; j < i; j++) {
			if (craft_links[j].outer == k->outer && craft_links[j].value == k->value)
				assert_int_equal(craft_links[j].inner, k->inner);
			if (craft_links[j].outer == k->outer && craft_links[j].inner == k->inner)
				assert_int_equal(craft_links[j].quotes, k->quotes);
		}
		/* a pseudo-header's user follows a layer that gives one, or an
		 * extension header of one */
		if (craft_layers[k->inner]->csum_pseudo)
			CHECK((o->net && o->net->pseudo_sum) || o->ext, "%s > %s", o->name,
			      craft_layers[k->inner]->name);
	}
	uint64_t v;
	assert_true(link_value(L_ETH, L_IPV4, &v));
	assert_int_equal(v, 0x0800);
	assert_true(link_value(L_ETH, L_VLAN, &v));
	assert_int_equal(v, 0x8100);	/* the first row is what the builder writes */
	assert_true(link_value(L_IPV4, L_TCP, &v));
	assert_int_equal(v, 6);
	assert_false(link_value(L_IPV4, L_ARP, &v));
	enum layer_id in;
	assert_true(link_inner(L_ETH, 0x88a8, &in));
	assert_int_equal(in, L_VLAN);
	assert_true(link_inner(L_ETH, 0x86dd, &in));
	assert_int_equal(in, L_IPV6);
	assert_false(link_inner(L_ETH, 0x88cc, &in));	/* LLDP: no layer */
	assert_false(layer_can_follow(L_TCP, L_TCP));
	assert_false(layer_can_follow(L_ETH, L_TCP));
}

static void test_field_max_and_names(void **state)
{
	(void)state;
	struct field f = { .name = "x", .bits = 1 };
	assert_int_equal(field_max(&f), 1);
	f.bits = 13;
	assert_int_equal(field_max(&f), 0x1fff);
	f.bits = 32;
	assert_int_equal(field_max(&f), 0xffffffffu);
	f.bits = 48;
	assert_true(field_max(&f) == UINT64_C(0xffffffffffff));
	f.bits = 64;
	assert_true(field_max(&f) == UINT64_MAX);

	const struct field *et = field_of(&eth_layer, "type");
	const struct field_name *n = field_name_by_value(et, 0x0806);
	assert_non_null(n);
	assert_string_equal(n->meaning, "ARP");
	assert_null(field_name_by_value(et, 0x1234));
	/* names without keywords still give a meaning */
	n = field_name_by_value(field_of(&ipv4_layer, "ecn"), 3);
	assert_non_null(n);
	assert_string_equal(n->meaning, "CE");
	assert_null(field_name_by_value(field_of(&ipv4_layer, "ttl"), 0));
}

/* --- bit access ---------------------------------------------------------- */

static int ref_bit(const uint8_t *p, unsigned b)
{
	return (p[b / 8] >> (7 - b % 8)) & 1;
}

static void test_bits_roundtrip(void **state)
{
	(void)state;
	uint8_t orig[16], buf[16];
	uint64_t seed = 0x1234567887654321ull;
	/* Up to 128 bits: a 16-byte address is one field. */
	for (unsigned width = 1; width <= 128; width++) {
		for (unsigned off = 0; off + width <= 128; off += (width % 7) + 1) {
			for (int pat = 0; pat < 3; pat++) {
				for (int i = 0; i < 16; i++) {
					seed = seed * 6364136223846793005ull + 1442695040888963407ull;
					orig[i] = pat == 0 ? 0x00 : pat == 1 ? 0xff : (uint8_t)(seed >> 56);
				}
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				u128 v = (u128)seed << 64;
				seed = seed * 6364136223846793005ull + 1442695040888963407ull;
				v |= seed;
				if (width < 128)
					v &= ((u128)1 << width) - 1;
				if (pat == 1)
					v = 0;	/* clearing bits in a field of ones */
				memcpy(buf, orig, sizeof buf);
				bits_put(buf, off, width, v);
				assert_true(bits_get(buf, off, width) == v);
				for (unsigned b = 0; b < 128; b++) {
					if (b >= off && b < off + width)
						assert_int_equal(ref_bit(buf, b),
								 (int)((v >> (width - 1 - (b - off))) & 1));
					else
						assert_int_equal(ref_bit(buf, b), ref_bit(orig, b));
				}
			}
		}
	}
}

static void test_bits_known(void **state)
{
	(void)state;
	/* IPv4 first bytes: version 4, IHL 5; flags DF, fragment offset 0x1abc */
	uint8_t ip[8] = { 0x45, 0x00, 0x00, 0x3c, 0x12, 0x34, 0x5a, 0xbc };
	assert_int_equal(bits_get(ip, 0, 4), 4);
	assert_int_equal(bits_get(ip, 4, 4), 5);
	assert_int_equal(bits_get(ip, 16, 16), 0x3c);
	assert_int_equal(bits_get(ip, 48, 3), 2);
	assert_int_equal(bits_get(ip, 51, 13), 0x1abc);
	bits_put(ip, 48, 3, 1);
	assert_int_equal(ip[6], 0x3a);
	assert_int_equal(ip[7], 0xbc);
	/* 12-bit VLAN id after 4 bits of PCP/DEI */
	uint8_t tci[2] = { 0xa0, 0x00 };
	bits_put(tci, 4, 12, 4095);
	assert_int_equal(tci[0], 0xaf);
	assert_int_equal(tci[1], 0xff);
	/* a 48-bit MAC at an odd bit offset */
	uint8_t m[8] = { 0 };
	bits_put(m, 3, 48, UINT64_C(0x0023aa6972dd));
	assert_true(bits_get(m, 3, 48) == UINT64_C(0x0023aa6972dd));
	assert_int_equal(m[0], 0x00);
	assert_int_equal(m[1], 0x04);
	/* width 0 touches nothing */
	uint8_t z = 0x5a;
	bits_put(&z, 0, 0, 1);
	assert_int_equal(z, 0x5a);
	assert_int_equal(bits_get(&z, 0, 0), 0);
}

/* --- text parsers -------------------------------------------------------- */

static void test_parse_uint(void **state)
{
	(void)state;
	uint64_t v = 77;
	assert_int_equal(parse_uint("0", 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_uint("65535", 0xffff, &v), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(parse_uint("65536", 0xffff, &v), 1);	/* out of range */
	assert_int_equal(parse_uint("0x10", 0xff, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(parse_uint("0XfF", 0xff, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(parse_uint("0x100", 0xff, &v), 1);
	assert_int_equal(parse_uint("00012", 0xff, &v), 0);	/* decimal, not octal */
	assert_int_equal(v, 12);
	assert_int_equal(parse_uint("18446744073709551615", UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_uint("18446744073709551616", UINT64_MAX, &v), 1);
	assert_int_equal(parse_uint("0x10000000000000000", UINT64_MAX, &v), 1);
	assert_int_equal(parse_uint("99999999999999999999999", 0xffffffff, &v), 1);
	v = 77;
	assert_int_equal(parse_uint("", 10, &v), -1);
	assert_int_equal(parse_uint("0x", 10, &v), -1);
	assert_int_equal(parse_uint("0xg", 10, &v), -1);
	assert_int_equal(parse_uint("0x1g", 0xff, &v), -1);
	assert_int_equal(parse_uint("12a", 0xff, &v), -1);
	assert_int_equal(parse_uint("1 ", 0xff, &v), -1);
	assert_int_equal(parse_uint(" 1", 0xff, &v), -1);
	assert_int_equal(parse_uint("-1", 0xff, &v), -1);
	assert_int_equal(parse_uint("+1", 0xff, &v), -1);
	assert_int_equal(parse_uint("1.5", 0xff, &v), -1);
	assert_int_equal(parse_uint("abc", 0xff, &v), -1);
	assert_int_equal(parse_uint("0x-1", 0xff, &v), -1);
	assert_int_equal(parse_uint("0x 1", 0xff, &v), -1);
	assert_int_equal(v, 77);	/* untouched on failure */
}

/* strtoull(base 16) takes its own optional "0x", so "0x0x5" must not slip
 * through the prefix check as 5. */
static void test_parse_uint_double_prefix(void **state)
{
	(void)state;
	uint64_t v = 77;
	assert_int_equal(parse_uint("0x0x5", 0xff, &v), -1);
	assert_int_equal(parse_uint("0x0X10", 0xff, &v), -1);
	assert_int_equal(v, 77);
}

static void test_parse_mac(void **state)
{
	(void)state;
	uint64_t m = 0;
	assert_int_equal(parse_mac("00:23:aa:69:72:dd", &m), 0);
	assert_true(m == UINT64_C(0x0023aa6972dd));
	assert_int_equal(parse_mac("FF-FF-FF-FF-FF-FF", &m), 0);
	assert_true(m == UINT64_C(0xffffffffffff));
	assert_int_equal(parse_mac("02:00:00:00:00:01", &m), 0);
	assert_true(m == UINT64_C(0x020000000001));
	assert_int_equal(parse_mac("00:00:00:00:00:00", &m), 0);
	assert_true(m == 0);
	m = 5;
	assert_int_equal(parse_mac("", &m), -1);
	assert_int_equal(parse_mac("00:23:aa:69:72", &m), -1);		/* five */
	assert_int_equal(parse_mac("00:23:aa:69:72:dd:ee", &m), -1);	/* seven */
	assert_int_equal(parse_mac("00:23:aa:69:72:dd ", &m), -1);	/* junk */
	assert_int_equal(parse_mac("00:23:aa:69:72:d", &m), -1);
	assert_int_equal(parse_mac("0:23:aa:69:72:dd", &m), -1);	/* one digit */
	assert_int_equal(parse_mac("00:23:aa:69:72:dg", &m), -1);
	assert_int_equal(parse_mac("0023.aa69.72dd", &m), -1);
	assert_int_equal(parse_mac("0023aa6972dd", &m), -1);
	assert_int_equal(parse_mac("00 23 aa 69 72 dd", &m), -1);
	assert_int_equal(parse_mac("00::23:aa:69:72", &m), -1);
	assert_true(m == 5);
}

static void test_parse_ipv4(void **state)
{
	(void)state;
	uint64_t ip = 0;
	assert_int_equal(parse_ipv4("192.168.35.1", &ip), 0);
	assert_true(ip == 0xc0a82301u);
	assert_int_equal(parse_ipv4("0.0.0.0", &ip), 0);
	assert_true(ip == 0);
	assert_int_equal(parse_ipv4("255.255.255.255", &ip), 0);
	assert_true(ip == 0xffffffffu);
	assert_int_equal(parse_ipv4("010.001.000.009", &ip), 0);	/* decimal */
	assert_true(ip == 0x0a010009u);
	ip = 9;
	assert_int_equal(parse_ipv4("256.1.1.1", &ip), -1);
	assert_int_equal(parse_ipv4("1.1.1.256", &ip), -1);
	assert_int_equal(parse_ipv4("1.2.3", &ip), -1);
	assert_int_equal(parse_ipv4("1.2.3.", &ip), -1);
	assert_int_equal(parse_ipv4("1.2.3.4.", &ip), -1);
	assert_int_equal(parse_ipv4("1.2.3.4.5", &ip), -1);
	assert_int_equal(parse_ipv4("1.2.3.4x", &ip), -1);
	assert_int_equal(parse_ipv4("1.2.3.4 ", &ip), -1);
	assert_int_equal(parse_ipv4(" 1.2.3.4", &ip), -1);
	assert_int_equal(parse_ipv4("1..3.4", &ip), -1);
	assert_int_equal(parse_ipv4("1.2.3.0004", &ip), -1);
	assert_int_equal(parse_ipv4("-1.2.3.4", &ip), -1);
	assert_int_equal(parse_ipv4("0x1.2.3.4", &ip), -1);
	assert_int_equal(parse_ipv4("1234", &ip), -1);
	assert_int_equal(parse_ipv4("", &ip), -1);
	assert_int_equal(parse_ipv4("a.b.c.d", &ip), -1);
	assert_true(ip == 9);
}

/* --- field_parse ------------------------------------------------------- */

static int fparse(const struct field *f, const char *text, struct fval *out,
		  char *err, size_t errlen)
{
	err[0] = '\0';
	return field_parse(f, text, strlen(text), out, err, errlen);
}

static void test_parse_tcpflags(void **state)
{
	(void)state;
	const struct field *f = &tcp_layer.fields[TCP_FLAGS];
	struct fval v;
	char err[256];
	static const struct { const char *in; uint64_t want; } good[] = {
		{ "S", 0x02 }, { "SA", 0x12 }, { "AS", 0x12 }, { "sa", 0x12 },
		{ "PA", 0x18 }, { "FA", 0x11 }, { "RA", 0x14 }, { "R", 0x04 },
		{ "F", 0x01 }, { "U", 0x20 }, { "E", 0x40 }, { "C", 0x80 },
		{ "CEUAPRSF", 0xff }, { "fpu", 0x29 }, { "SS", 0x02 },
		{ "none", 0 }, { "0", 0 }, { "18", 18 }, { "0x12", 0x12 }, { "255", 255 },
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		CHECK(fparse(f, good[i].in, &v, err, sizeof err) == 0, "flags=%s: %s", good[i].in, err);
		CHECK(v.u == good[i].want, "flags=%s", good[i].in);
		assert_null(v.bytes);
	}
	static const char *const bad[] = {
		"X", "SX", "S A", "S,A", "256", "0x100", "12S", "NONE", "None", "-1",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(fparse(f, bad[i], &v, err, sizeof err) == -1, "flags=%s", bad[i]);
		assert_true(err[0] != '\0');
	}
	assert_int_equal(fparse(f, "SX", &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "'X' is not a TCP flag"));
	assert_int_equal(fparse(f, "256", &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(fparse(f, "", &v, err, sizeof err), -1);
	/* a NUL inside the value is not a flag letter */
	assert_int_equal(field_parse(f, "S\0A", 3, &v, err, sizeof err), -1);
}

static void expect_opts(const char *text, const uint8_t *want, size_t n)
{
	const struct field *f = &tcp_layer.fields[TCP_OPTS];
	struct fval v;
	char err[256];
	CHECK(fparse(f, text, &v, err, sizeof err) == 0, "opts=%s: %s", text, err);
	CHECK(v.len == n, "opts=%s: %zu bytes", text, v.len);
	if (n)
		assert_memory_equal(v.bytes, want, n);
	free(v.bytes);
}

static void expect_opts_error(const char *text, const char *msg)
{
	const struct field *f = &tcp_layer.fields[TCP_OPTS];
	struct fval v;
	char err[256];
	CHECK(fparse(f, text, &v, err, sizeof err) == -1, "opts=%s", text);
	assert_null(v.bytes);
	if (msg)
		CHECK(strstr(err, msg) != NULL, "opts=%s: got '%s'", text, err);
	else
		assert_true(err[0] != '\0');
}

static void test_parse_tcpopts(void **state)
{
	(void)state;
	expect_opts("mss:1460", (const uint8_t[]){ 0x02, 0x04, 0x05, 0xb4 }, 4);
	expect_opts("mss:0x5b4", (const uint8_t[]){ 0x02, 0x04, 0x05, 0xb4 }, 4);
	expect_opts("mss:65535", (const uint8_t[]){ 0x02, 0x04, 0xff, 0xff }, 4);
	expect_opts("ts:1:2", (const uint8_t[]){ 0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 2 }, 10);
	expect_opts("ts:4294967295:0x01020304",
		    (const uint8_t[]){ 0x08, 0x0a, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4 }, 10);
	expect_opts("ws:7", (const uint8_t[]){ 0x03, 0x03, 0x07 }, 3);
	expect_opts("ws:14", (const uint8_t[]){ 0x03, 0x03, 0x0e }, 3);
	expect_opts("nop", (const uint8_t[]){ 0x01 }, 1);
	expect_opts("eol", (const uint8_t[]){ 0x00 }, 1);
	expect_opts("sackok", (const uint8_t[]){ 0x04, 0x02 }, 2);
	expect_opts("none", NULL, 0);
	/* Linux's SYN, in the order written */
	expect_opts("mss:1460,sackok,ts:1:0,nop,ws:7", (const uint8_t[]){
		0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0, 0, 0, 1, 0, 0, 0, 0,
		0x01, 0x03, 0x03, 0x07 }, 20);
	expect_opts("nop,nop,eol,mss:536", (const uint8_t[]){
		0x01, 0x01, 0x00, 0x02, 0x04, 0x02, 0x18 }, 7);
	/* the 40-byte limit: exactly 40 is fine, 41 is not */
	expect_opts("ts:1:2,ts:3:4,ts:5:6,ts:7:8", (const uint8_t[]){
		8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 8, 10, 0, 0, 0, 3, 0, 0, 0, 4,
		8, 10, 0, 0, 0, 5, 0, 0, 0, 6, 8, 10, 0, 0, 0, 7, 0, 0, 0, 8 }, 40);
	expect_opts_error("ts:1:2,ts:3:4,ts:5:6,ts:7:8,nop", "exceed 40 bytes");
	expect_opts_error("mss:1,mss:1,mss:1,mss:1,mss:1,mss:1,mss:1,mss:1,mss:1,mss:1,nop",
			  "exceed 40 bytes");

	expect_opts_error("mss", "mss needs a value");
	expect_opts_error("mss:", "mss needs a value");
	expect_opts_error("mss:65536", "mss needs a value 0..65535");
	expect_opts_error("mss:x", NULL);
	expect_opts_error("ws:256", "ws needs a value 0..255");
	expect_opts_error("ts:1", "ts needs two 32-bit values");
	expect_opts_error("ts", "ts needs two 32-bit values");
	expect_opts_error("ts:1:2:3", "ts needs two 32-bit values");
	expect_opts_error("ts:4294967296:0", "ts needs two 32-bit values");
	expect_opts_error("ts::1", "ts needs two 32-bit values");
	expect_opts_error("nop:1", "nop takes no value");
	expect_opts_error("sackok:1", "sackok takes no value");
	expect_opts_error("sack", "sack needs 1 to 4 blocks");
	expect_opts_error("MSS:1460", "unknown TCP option");
	expect_opts_error("mss:1460,", "bad TCP option list");
	expect_opts_error(",mss:1460", "bad TCP option list");
	expect_opts_error("mss:1460,,nop", "bad TCP option list");
	expect_opts_error("", NULL);
	expect_opts_error("averyveryverylongoptionnamethatgoesonandon", "unknown TCP option");
}

static void test_parse_payloads(void **state)
{
	(void)state;
	struct fval v;
	char err[256];
	const struct field *hex = &payload_layer.fields[PL_HEX];
	assert_int_equal(fparse(hex, "48656c6C6f", &v, err, sizeof err), 0);
	assert_int_equal(v.len, 5);
	assert_memory_equal(v.bytes, "Hello", 5);
	free(v.bytes);
	/* separators people paste from dumps */
	assert_int_equal(fparse(hex, "de:ad be\tef", &v, err, sizeof err), 0);
	assert_int_equal(v.len, 4);
	assert_memory_equal(v.bytes, "\xde\xad\xbe\xef", 4);
	free(v.bytes);
	assert_int_equal(fparse(hex, "abc", &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "odd number of hex digits"));
	assert_null(v.bytes);
	assert_int_equal(fparse(hex, "0g", &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "'g' is not a hex digit"));
	assert_int_equal(fparse(hex, "0x41", &v, err, sizeof err), -1);

	const struct field *text = &payload_layer.fields[PL_TEXT];
	assert_int_equal(field_parse(text, "a\0b", 3, &v, err, sizeof err), 0);
	assert_int_equal(v.len, 3);
	assert_memory_equal(v.bytes, "a\0b", 3);
	free(v.bytes);
	assert_int_equal(field_parse(text, "", 0, &v, err, sizeof err), 0);
	assert_int_equal(v.len, 0);
	free(v.bytes);

	const struct field *size = &payload_layer.fields[PL_SIZE];
	assert_int_equal(fparse(size, "16", &v, err, sizeof err), 0);
	assert_int_equal(v.len, 16);
	for (size_t i = 0; i < 16; i++)
		assert_int_equal(v.bytes[i], 0);
	free(v.bytes);
	assert_int_equal(fparse(size, "65507", &v, err, sizeof err), 0);
	assert_int_equal(v.len, 65507);
	free(v.bytes);
	assert_int_equal(fparse(size, "65508", &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "out of range"));
	assert_int_equal(fparse(size, "ten", &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a byte count"));

	const struct field *file = &payload_layer.fields[PL_FILE];
	char path[] = "/tmp/rawcraft-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\x01\x02\x03", 3), 3);
	close(fd);
	assert_int_equal(fparse(file, path, &v, err, sizeof err), 0);
	assert_int_equal(v.len, 3);
	assert_memory_equal(v.bytes, "\x01\x02\x03", 3);
	free(v.bytes);
	unlink(path);
	assert_int_equal(fparse(file, path, &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot read"));
	assert_null(v.bytes);
}

static void test_parse_fixed(void **state)
{
	(void)state;
	struct fval v;
	char err[256];
	const struct field *ttl = field_of(&ipv4_layer, "ttl");
	assert_int_equal(fparse(ttl, "255", &v, err, sizeof err), 0);
	assert_int_equal(v.u, 255);
	assert_int_equal(fparse(ttl, "256", &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "out of range 0..255"));
	assert_int_equal(fparse(ttl, "ten", &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a number"));
	assert_int_equal(field_parse(ttl, "6\0", 2, &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "NUL"));

	/* keywords */
	assert_int_equal(fparse(field_of(&ipv4_layer, "proto"), "tcp", &v, err, sizeof err), 0);
	assert_int_equal(v.u, 6);
	assert_int_equal(fparse(field_of(&ipv4_layer, "flags"), "DF+MF", &v, err, sizeof err), 0);
	assert_int_equal(v.u, 3);
	assert_int_equal(fparse(field_of(&ipv4_layer, "flags"), "none", &v, err, sizeof err), 0);
	assert_int_equal(v.u, 0);
	assert_int_equal(fparse(field_of(&ipv4_layer, "flags"), "8", &v, err, sizeof err), -1);
	assert_int_equal(fparse(field_of(&arp_layer, "op"), "reply", &v, err, sizeof err), 0);
	assert_int_equal(v.u, 2);
	assert_int_equal(fparse(field_of(&eth_layer, "type"), "vlan", &v, err, sizeof err), 0);
	assert_int_equal(v.u, 0x8100);
	assert_int_equal(fparse(field_of(&icmp_layer, "type"), "echo-reply", &v, err, sizeof err), 0);
	assert_int_equal(v.u, 0);
	assert_int_equal(fparse(field_of(&arp_layer, "op"), "Reply", &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "request"));	/* lists the keywords */
	assert_int_equal(fparse(field_of(&vlan_layer, "id"), "4096", &v, err, sizeof err), -1);
	assert_int_equal(fparse(field_of(&vlan_layer, "id"), "0xfff", &v, err, sizeof err), 0);
	assert_int_equal(v.u, 4095);

	assert_int_equal(fparse(field_of(&eth_layer, "src"), "00:23:aa:69:72:dd", &v, err, sizeof err), 0);
	assert_true(v.u == UINT64_C(0x0023aa6972dd));
	assert_int_equal(fparse(field_of(&eth_layer, "src"), "00:23:aa:69:72", &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a MAC address"));
	assert_int_equal(fparse(field_of(&ipv4_layer, "dst"), "10.0.0.256", &v, err, sizeof err), -1);
	assert_non_null(strstr(err, "not an IPv4 address"));
	assert_int_equal(fparse(field_of(&ipv4_layer, "dst"), "10.0.0.2", &v, err, sizeof err), 0);
	assert_true(v.u == 0x0a000002u);
}

static void test_lints(void **state)
{
	(void)state;
	const struct field *ttl = field_of(&ipv4_layer, "ttl");
	assert_non_null(ttl->lint);
	assert_non_null(ttl->lint(0));
	assert_null(ttl->lint(1));
	const struct field *fl = field_of(&tcp_layer, "flags");
	assert_non_null(fl->lint(0x03));	/* SF */
	assert_non_null(fl->lint(0x06));	/* SR */
	assert_null(fl->lint(0x12));
	assert_non_null(field_of(&vlan_layer, "id")->lint(4095));
	assert_null(field_of(&vlan_layer, "id")->lint(1));
	/* no default trips its own lint */
	for (int i = 0; i < L_COUNT; i++)
		for (size_t k = 0; k < craft_layers[i]->nfields; k++) {
			const struct field *f = &craft_layers[i]->fields[k];
			if (f->lint && f->dflt_kind == FD_CONST)
				assert_null(f->lint(f->dflt));
		}
}

/* --- formatting ---------------------------------------------------------- */

/* Values of up to 128 bits, in and out: the edges of the width. */
static void test_wide_numbers(void **state)
{
	(void)state;
	u128 v, max = ~(u128)0;
	char buf[64];
	assert_int_equal(parse_uint_wide("340282366920938463463374607431768211455", max, &v), 0);
	assert_true(v == max);
	format_wide(v, false, buf, sizeof buf);
	assert_string_equal(buf, "340282366920938463463374607431768211455");
	assert_int_equal(parse_uint_wide("0xffffffffffffffffffffffffffffffff", max, &v), 0);
	assert_true(v == max);
	format_wide(v, true, buf, sizeof buf);
	assert_string_equal(buf, "0xffffffffffffffffffffffffffffffff");
	assert_int_equal(parse_uint_wide("340282366920938463463374607431768211456", max, &v), 1);
	assert_int_equal(parse_uint_wide("0x100000000000000000000000000000000", max, &v), 1);
	assert_int_equal(parse_uint_wide("18446744073709551616", max, &v), 0);	/* 2^64 */
	assert_true(v == (u128)1 << 64);
	format_wide(v, false, buf, sizeof buf);
	assert_string_equal(buf, "18446744073709551616");
	format_wide(v, true, buf, sizeof buf);
	assert_string_equal(buf, "0x10000000000000000");
	assert_int_equal(parse_uint_wide("007", max, &v), 0);
	assert_true(v == 7);
	assert_int_equal(parse_uint_wide("0x", max, &v), -1);
	assert_int_equal(parse_uint_wide("0x0x1", max, &v), -1);
	assert_int_equal(parse_uint_wide("12a", max, &v), -1);
	assert_int_equal(parse_uint_wide("256", 255, &v), 1);
	format_wide(0, false, buf, sizeof buf);
	assert_string_equal(buf, "0");
}

/* Fields of up to 64 bits draw one step, as before (every --seed output
 * stays); wider ones two, the high half first. */
static void test_wide_draws(void **state)
{
	(void)state;
	struct rng a, b;
	rng_seed(&a, 42);
	rng_seed(&b, 42);
	for (unsigned bits = 1; bits <= 64; bits++) {
		uint64_t one = rng_next(&b);
		u128 want = bits == 64 ? one : one & ((UINT64_C(1) << bits) - 1);
		assert_true(rng_bits(&a, bits) == want);
	}
	u128 hi = rng_next(&b);
	u128 want = hi << 64 | rng_next(&b);
	assert_true(rng_bits(&a, 128) == want);
	hi = rng_next(&b);
	want = (hi << 64 | rng_next(&b)) & (((u128)1 << 100) - 1);
	assert_true(rng_bits(&a, 100) == want);
}

static void test_format(void **state)
{
	(void)state;
	char buf[64];
	format_mac(UINT64_C(0x0023aa6972dd), buf, sizeof buf);
	assert_string_equal(buf, "00:23:aa:69:72:dd");
	format_mac(UINT64_C(0xffffffffffff), buf, sizeof buf);
	assert_string_equal(buf, "ff:ff:ff:ff:ff:ff");
	format_ipv4(0xc0a823cbu, buf, sizeof buf);
	assert_string_equal(buf, "192.168.35.203");
	format_ipv4(0, buf, sizeof buf);
	assert_string_equal(buf, "0.0.0.0");

	static const struct { uint64_t f; const char *letters, *names; } t[] = {
		{ 0x02, "S", "SYN" }, { 0x12, "SA", "SYN, ACK" }, { 0x10, "A", "ACK" },
		{ 0x18, "PA", "PSH, ACK" }, { 0x11, "FA", "FIN, ACK" },
		{ 0x14, "RA", "RST, ACK" }, { 0x04, "R", "RST" }, { 0x00, "none", "none" },
		{ 0xc2, "SEC", "SYN, ECE, CWR" },
		{ 0xff, "SFRPAUEC", "SYN, FIN, RST, PSH, ACK, URG, ECE, CWR" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		format_tcpflags_letters(t[i].f, buf, sizeof buf);
		assert_string_equal(buf, t[i].letters);
		format_tcpflags_names(t[i].f, buf, sizeof buf);
		assert_string_equal(buf, t[i].names);
		/* the letters parse back to the same bits */
		struct fval v;
		char err[128];
		assert_int_equal(fparse(&tcp_layer.fields[TCP_FLAGS], t[i].letters, &v,
					err, sizeof err), 0);
		assert_int_equal(v.u, t[i].f);
	}
	/* short buffers are cut, never overrun */
	char small[6];
	memset(small, 'x', sizeof small);
	format_tcpflags_names(0xff, small, 5);
	assert_int_equal(small[5], 'x');
	assert_true(strlen(small) < 5);
	memset(small, 'x', sizeof small);
	format_tcpflags_letters(0xff, small, 4);
	assert_int_equal(small[4], 'x');
	assert_string_equal(small, "SFR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_registry),
		cmocka_unit_test(test_letters),
		cmocka_unit_test(test_layer_list),
		cmocka_unit_test(test_tables_fields),
		cmocka_unit_test(test_tables_overlaps),
		cmocka_unit_test(test_tables_hooks_and_links),
		cmocka_unit_test(test_field_max_and_names),
		cmocka_unit_test(test_bits_roundtrip),
		cmocka_unit_test(test_bits_known),
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_parse_uint_double_prefix),
		cmocka_unit_test(test_parse_mac),
		cmocka_unit_test(test_parse_ipv4),
		cmocka_unit_test(test_parse_tcpflags),
		cmocka_unit_test(test_parse_tcpopts),
		cmocka_unit_test(test_parse_payloads),
		cmocka_unit_test(test_parse_fixed),
		cmocka_unit_test(test_lints),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_wide_numbers),
		cmocka_unit_test(test_wide_draws),
	};
	return cmocka_run_group_tests_name("field", tests, NULL, NULL);
}
