/* routing.c - the Routing header (RFC 8200 4.4) with type 0's layout (RFC
 * 2460 4.4): 4 reserved bytes, then the addresses; the last of them is the
 * final destination an upper-layer checksum names (RFC 8200 8.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optlist.h"
#include "proto.h"
#include "../util/xalloc.h"

#define RT_ADDRS_MAX 127	/* a length of 255 holds 127 addresses */
#define RT_SRH 4		/* Segment Routing (RFC 8754): its list runs backwards */

static const struct field_name type_names[] = {
	{ 0, NULL, "Source Route (deprecated, RFC 5095)" }, { 1, NULL, "Nimrod" },
	{ 2, NULL, "Type 2 Routing (Mobile IPv6)" }, { 3, NULL, "RPL Source Route" },
	{ 4, NULL, "Segment Routing" }, { 0, NULL, NULL },
};

static const struct field routing_fields[] = {
	[RT_NH] = { "nh", "Next Header", 0, 8, FK_UINT, FD_COMPUTED, 0, 0, ip6_nh_names, NULL, NULL },
	[RT_LEN] = { "len", "Length", 8, 8, FK_UINT, FD_COMPUTED, 0, 0, NULL, NULL, NULL },
	[RT_TYPE] = { "type", "Type", 16, 8, FK_UINT, FD_CONST, 0, 0, type_names, NULL, NULL },
	[RT_SEGLEFT] = { "segleft", "Segments Left", 24, 8, FK_UINT, FD_COMPUTED, 0, 0, NULL, NULL, NULL },
	[RT_ADDRS] = { "addrs", "Addresses", 64, 0, FK_OPTS, FD_ABSENT, 0, FF_VARIABLE, NULL, NULL,
		       &ip6_addrs_codec },
};
FIELD_TABLE_FITS(routing_fields, RT_NFIELDS);

/* The addresses joined by '+'. */
static int addrs_parse(const char *s, struct fval *out, char *err, size_t errlen)
{
	uint8_t *buf = xmalloc(RT_ADDRS_MAX * 16);
	size_t n = 0;
	for (const char *p = s; strcmp(s, "none") != 0; p++) {
		size_t len = strcspn(p, "+");
		struct addr a;
		int r = addr_parse(p, len, &a);
		if (r || a.family != ADDR_IPV6 || n == RT_ADDRS_MAX) {
			if (n == RT_ADDRS_MAX)
				snprintf(err, errlen, "at most %d addresses (a length of 255)",
					 RT_ADDRS_MAX);
			else
				snprintf(err, errlen, "'%.*s' is not an IPv6 address%s%s: join them "
					 "with '+'", (int)(len > 60 ? 60 : len), p, r ? ": " : "",
					 r ? addr_strerror(r) : "");
			free(buf);
			return -1;
		}
		memcpy(buf + 16 * n++, a.b, 16);
		p += len;
		if (!*p)
			break;
	}
	out->bytes = buf;
	out->len = 16 * n;
	return 0;
}

static void addrs_describe(const uint8_t *p, size_t n, enum opt_style style,
			   const char *indent, struct strbuf *sb)
{
	bool text = style == OPT_TEMPLATE;
	char buf[ADDR_STRLEN];
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		struct addr a = addr_from_ipv6(p + i);
		addr_format(&a, buf, sizeof buf);
		if (text)
			sb_printf(sb, "%s%s", i ? "+" : "", buf);
		else
			sb_printf(sb, "%sAddress[%zu]: %s\n", indent, i / 16 + 1, buf);
	}
	if (i < n && !text) {
		sb_printf(sb, "%s[%zu bytes left over: not an address]: ", indent, n - i);
		optlist_put_hex(sb, p + i, n - i);
		sb_putc(sb, '\n');
	}
}

const struct field_codec ip6_addrs_codec = { .parse = addrs_parse, .describe = addrs_describe };

static size_t routing_built_len(const struct layer *l)
{
	return 8 + l->val[RT_ADDRS].len;
}

static u128 routing_computed(const struct frame *f, size_t idx, size_t k)
{
	if (k == RT_SEGLEFT)
		return f->layer[idx].val[RT_ADDRS].len / 16;
	return ext6_computed_len(f, idx);
}

/* Types 0, 2 (Mobile IPv6) and 4 (Segment Routing) carry addresses from
 * byte 8 on; the others something else. */
static bool has_addrs(uint64_t type)
{
	return type == 0 || type == 2 || type == RT_SRH;
}

static bool routing_decoded(struct frame *f, size_t idx, size_t *end)
{
	struct layer *l = &f->layer[idx];
	(void)end;
	if (has_addrs(lv(l, RT_TYPE)))
		layer_take_bytes(f, idx, RT_ADDRS, l->off + 8, l->off + l->hdr_len);
	else
		l->note = "a routing type without a list of addresses: its data is not decoded";
	return true;
}

/* The final destination, read off the bytes: the last address (the first
 * of a segment list) while segments are left, else the one before. */
static const uint8_t *routing_final_dst(const struct frame *f, size_t idx, const uint8_t *dst)
{
	const struct layer *l = &f->layer[idx];
	size_t end = l->off + l->hdr_len < f->len ? l->off + l->hdr_len : f->len;
	if (l->off + 8 > end)
		return dst;
	const uint8_t *h = f->bytes + l->off;
	size_t n = (end - l->off - 8) / 16;
	if (!h[3] || !n || !has_addrs(h[2]))
		return dst;
	return h + 8 + (h[2] == RT_SRH ? 0 : 16 * (n - 1));
}

const struct layer_def routing_layer = {
	.id = L_ROUTING, .name = "routing", .label = "Routing Header for IPv6",
	.fields = routing_fields, .nfields = RT_NFIELDS, .min_len = 8,
	.demux = RT_NH, .demux_default = IP6_NH_NONE, .csum_field = -1, .ext = true,
	.header_len = ext6_header_len, .built_len = routing_built_len,
	.computed = routing_computed, .decoded = routing_decoded,
	.ext_final_dst = routing_final_dst,
};
