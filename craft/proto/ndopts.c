/* ndopts.c - neighbour discovery options (RFC 4861 4.6, RFC 3971 5.3):
 * type, length in units of 8 bytes, data. */
#include <stdio.h>
#include <string.h>

#include "../core/addr.h"
#include "optlist.h"
#include "proto.h"

#define ND_OPTS_MAX 1200	/* what fits in an IPv6 minimum MTU */
#define ND_OPT_PREFIX 3
#define ND_OPT_REDIRECTED 4
#define ND_OPT_MTU 5
#define ND_OPT_NONCE 14

/* An option of `type` holding `data`, padded with zeros to 8 bytes. */
static int put_option(uint8_t *buf, size_t room, unsigned type, const uint8_t *data,
		      size_t n, char *err, size_t errlen)
{
	size_t total = (2 + n + 7) / 8 * 8;
	if (total > room || total / 8 > 255) {
		snprintf(err, errlen, "ND options exceed %d bytes", ND_OPTS_MAX);
		return -1;
	}
	memset(buf, 0, total);
	buf[0] = (uint8_t)type;
	buf[1] = (uint8_t)(total / 8);
	memcpy(buf + 2, data, n);
	return (int)total;
}

/* prefix:PREFIX/LEN[:FLAGS[:VALID[:PREFERRED]]]; FLAGS the letters L and A
 * (on-link, autonomous) or a number.  RFC 4861's defaults: LA, 30 days and
 * 7 days. */
static int prefix_option(const char *args, uint8_t data[30], char *err, size_t errlen)
{
	const char *slash = args ? strchr(args, '/') : NULL;
	struct addr a;
	if (!slash || addr_parse(args, (size_t)(slash - args), &a) || a.family != ADDR_IPV6) {
		snprintf(err, errlen, "prefix needs an IPv6 prefix: prefix:2001:db8::/64[:LA[:VALID[:PREFERRED]]]");
		return -1;
	}
	char rest[64];
	snprintf(rest, sizeof rest, "%s", slash + 1);
	char *part[4] = { rest, NULL, NULL, NULL };
	for (int i = 1; i < 4 && part[i - 1]; i++) {
		char *c = strchr(part[i - 1], ':');
		if (c) {
			*c = '\0';
			part[i] = c + 1;
		}
	}
	uint64_t len, flags = 0xc0, valid = 2592000, preferred = 604800;
	if (parse_uint(part[0], 128, &len)) {
		snprintf(err, errlen, "prefix length '%s' is not 0..128", part[0]);
		return -1;
	}
	if (part[1]) {
		flags = 0;
		bool number = parse_uint(part[1], 255, &flags) == 0;
		for (const char *c = part[1]; !number && *c; c++) {
			if (*c != 'L' && *c != 'A' && *c != 'R') {
				snprintf(err, errlen, "prefix flags '%s': use letters L A R or a number",
					 part[1]);
				return -1;
			}
			flags |= *c == 'L' ? 0x80 : *c == 'A' ? 0x40 : 0x20;
		}
	}
	if ((part[2] && parse_uint(part[2], 0xffffffff, &valid)) ||
	    (part[3] && parse_uint(part[3], 0xffffffff, &preferred))) {
		snprintf(err, errlen, "prefix lifetimes are 32-bit seconds");
		return -1;
	}
	memset(data, 0, 30);
	data[0] = (uint8_t)len;
	data[1] = (uint8_t)flags;
	optlist_put32(data + 2, (uint32_t)valid);
	optlist_put32(data + 6, (uint32_t)preferred);
	memcpy(data + 14, a.b, 16);
	return 0;
}

/* One option into `buf`; its byte count, or -1. */
static int nd_option(const char *opt, uint8_t *buf, size_t room, char *err, size_t errlen)
{
	char name[16];
	const char *args = optlist_split(opt, name, sizeof name);
	uint8_t data[256];
	size_t n = 0;
	uint64_t v;
	if (strcmp(name, "sll") == 0 || strcmp(name, "tll") == 0) {
		unsigned type = name[0] == 's' ? ND_OPT_SOURCE_LL : ND_OPT_TARGET_LL;
		if (args && strcmp(args, "auto") == 0) {
			/* Length 0 marks the interface's MAC, filled when resolved. */
			if (room < 8)
				goto full;
			memset(buf, 0, 8);
			buf[0] = (uint8_t)type;
			return 8;
		}
		if (!args || parse_mac(args, &v)) {
			snprintf(err, errlen, "%s needs a MAC address or auto: %s:02:00:00:00:00:01",
				 name, name);
			return -1;
		}
		for (int i = 0; i < 6; i++)
			data[i] = (uint8_t)(v >> (40 - 8 * i));
		return put_option(buf, room, type, data, 6, err, errlen);
	}
	if (strcmp(name, "redirected") == 0) {
		/* Six reserved bytes, then the start of the redirected packet. */
		memset(data, 0, 6);
		if (!args || (*args && optlist_hex(args, data + 6, 248, &n))) {
			snprintf(err, errlen, "redirected needs the packet's hex bytes: "
				 "redirected:6000000000083a40...");
			return -1;
		}
		return put_option(buf, room, ND_OPT_REDIRECTED, data, 6 + n, err, errlen);
	}
	if (strcmp(name, "mtu") == 0) {
		if (!args || parse_uint(args, 0xffffffff, &v)) {
			snprintf(err, errlen, "mtu needs a 32-bit value: mtu:1500");
			return -1;
		}
		memset(data, 0, 6);
		optlist_put32(data + 2, (uint32_t)v);
		return put_option(buf, room, ND_OPT_MTU, data, 6, err, errlen);
	}
	if (strcmp(name, "prefix") == 0) {
		if (prefix_option(args, data, err, errlen))
			return -1;
		return put_option(buf, room, ND_OPT_PREFIX, data, 30, err, errlen);
	}
	if (strcmp(name, "nonce") == 0) {
		if (!args || optlist_hex(args, data, 254, &n)) {
			snprintf(err, errlen, "nonce needs hex bytes: nonce:0102030405a6");
			return -1;
		}
		return put_option(buf, room, ND_OPT_NONCE, data, n, err, errlen);
	}
	if (strcmp(name, "raw") == 0) {
		if (optlist_raw(args, &v, data, 254, &n)) {
			snprintf(err, errlen, "raw needs a type and hex data: raw:TYPE:HEX");
			return -1;
		}
		return put_option(buf, room, (unsigned)v, data, n, err, errlen);
	}
	snprintf(err, errlen, "unknown ND option '%s': use sll:MAC, tll:MAC, "
		 "prefix:PREFIX/LEN[:FLAGS[:VALID[:PREFERRED]]], mtu:N, nonce:HEX, redirected:HEX, "
		 "raw:TYPE:HEX",
		 name);
	return -1;
full:
	snprintf(err, errlen, "ND options exceed %d bytes", ND_OPTS_MAX);
	return -1;
}

static int nd_parse(const char *s, struct fval *out, char *err, size_t errlen)
{
	return optlist_parse(s, ND_OPTS_MAX, nd_option, "ND option", "sll:auto,mtu:1500", out,
			     err, errlen);
}

static bool nd_fill_mac(struct fval *v, uint64_t mac)
{
	bool filled = false;
	for (size_t i = 0; i + 8 <= v->len; i += v->bytes[i + 1] ? v->bytes[i + 1] * 8u : 8u)
		if (v->bytes[i + 1] == 0 &&
		    (v->bytes[i] == ND_OPT_SOURCE_LL || v->bytes[i] == ND_OPT_TARGET_LL)) {
			v->bytes[i + 1] = 1;
			for (int b = 0; b < 6; b++)
				v->bytes[i + 2 + b] = (uint8_t)(mac >> (40 - 8 * b));
			filled = true;
		}
	return filled;
}

static bool zeros(const uint8_t *p, size_t n)
{
	while (n && !*p)
		p++, n--;
	return n == 0;
}

/* Wireshark's names of the options (RFC 4861, 4191, 8106, 3971, 8781...). */
static const struct { uint8_t type; const char *name; } opt_names[] = {
	{ 1, "Source link-layer address" }, { 2, "Target link-layer address" },
	{ 3, "Prefix information" }, { 4, "Redirected header" }, { 5, "MTU" },
	{ 7, "Advertisement Interval" }, { 8, "Home Agent Information" }, { 14, "Nonce" },
	{ 24, "Route Information" }, { 25, "Recursive DNS Server" },
	{ 26, "RA Flags Extension" }, { 31, "DNS Search List Option" },
	{ 37, "DHCP Captive-Portal" }, { 38, "PREF64 Option" },
};

static const char *opt_name(unsigned type)
{
	for (size_t i = 0; i < sizeof opt_names / sizeof opt_names[0]; i++)
		if (opt_names[i].type == type)
			return opt_names[i].name;
	return NULL;
}

/* Prefix flags as the letters a template writes, or a number when bits
 * other than L A R are set (or none is). */
static void prefix_flags(unsigned fl, char *out, size_t len)
{
	if (fl && !(fl & 0x1f))
		snprintf(out, len, "%s%s%s", fl & 0x80 ? "L" : "", fl & 0x40 ? "A" : "",
			 fl & 0x20 ? "R" : "");
	else
		snprintf(out, len, "%u", fl);
}

/* Which template word holds option `o` of `len` bytes with nothing lost:
 * its type, or 0 for raw:TYPE:HEX. */
static unsigned word_of(const uint8_t *o, size_t len)
{
	switch (o[0]) {
	case ND_OPT_SOURCE_LL:
	case ND_OPT_TARGET_LL:
		return len == 8 ? o[0] : 0;
	case ND_OPT_PREFIX:
		return len == 32 && zeros(o + 12, 4) ? o[0] : 0;
	case ND_OPT_REDIRECTED:
		return zeros(o + 2, 6) ? o[0] : 0;
	case ND_OPT_MTU:
		return len == 8 && zeros(o + 2, 2) ? o[0] : 0;
	case ND_OPT_NONCE:
		return o[0];
	default:
		return 0;
	}
}

/* The MAC of a link-layer address option at `o`. */
static uint64_t opt_mac_value(const uint8_t *o)
{
	uint64_t mac = 0;
	for (int i = 0; i < 6; i++)
		mac = mac << 8 | o[2 + i];
	return mac;
}

static void opt_mac(const uint8_t *o, char *buf, size_t len)
{
	format_mac(opt_mac_value(o), buf, len);
}

/* One option as a template writes it: decoding then writing it back
 * builds the same bytes. */
static void option_text(const uint8_t *o, size_t len, struct strbuf *sb)
{
	char buf[64], fl[8];
	switch (word_of(o, len)) {
	case ND_OPT_SOURCE_LL:
	case ND_OPT_TARGET_LL:
		opt_mac(o, buf, sizeof buf);
		sb_printf(sb, "%s:%s", o[0] == ND_OPT_SOURCE_LL ? "sll" : "tll", buf);
		return;
	case ND_OPT_PREFIX: {
		struct addr a = addr_from_ipv6(o + 16);
		addr_format(&a, buf, sizeof buf);
		prefix_flags(o[3], fl, sizeof fl);
		sb_printf(sb, "prefix:%s/%u:%s:%u:%u", buf, o[2], fl, optlist_be32(o + 4), optlist_be32(o + 8));
		return;
	}
	case ND_OPT_REDIRECTED:
		sb_puts(sb, "redirected:");
		optlist_put_hex(sb, o + 8, len - 8);
		return;
	case ND_OPT_MTU:
		sb_printf(sb, "mtu:%u", optlist_be32(o + 4));
		return;
	case ND_OPT_NONCE:
		sb_puts(sb, "nonce:");
		optlist_put_hex(sb, o + 2, len - 2);
		return;
	default:
		sb_printf(sb, "raw:%u:", o[0]);
		optlist_put_hex(sb, o + 2, len - 2);
	}
}

/* The redirected packet's IPv6 header, as far as it is there. */
static void redirected_tree(const uint8_t *p, size_t n, const char *indent, struct strbuf *sb)
{
	sb_printf(sb, "%s" "    Redirected packet: %zu bytes", indent, n);
	if (n >= 40 && p[0] >> 4 == 6) {
		char src[ADDR_STRLEN], dst[ADDR_STRLEN];
		struct addr s = addr_from_ipv6(p + 8), d = addr_from_ipv6(p + 24);
		addr_format(&s, src, sizeof src);
		addr_format(&d, dst, sizeof dst);
		sb_printf(sb, ", IPv6 %s > %s, Next Header %u", src, dst, p[6]);
	}
}

/* One option as the tree shows it: Wireshark's head line, then the values
 * it shows below it, each line after the first starting with `indent`. */
static void option_tree(const uint8_t *o, size_t len, const char *indent, struct strbuf *sb)
{
	char buf[64];
	const char *name = opt_name(o[0]);
	if (name)
		sb_printf(sb, "ICMPv6 Option (%s", name);
	else
		sb_printf(sb, "ICMPv6 Option (Unknown %u", o[0]);
	switch (word_of(o, len)) {
	case ND_OPT_SOURCE_LL:
	case ND_OPT_TARGET_LL: {
		char named[MAC_NAMED_LEN];
		opt_mac(o, buf, sizeof buf);
		format_mac_named(opt_mac_value(o), named, sizeof named);
		sb_printf(sb, " : %s)\n%s    Link-layer address: %s", buf, indent, named);
		return;
	}
	case ND_OPT_MTU:
		sb_printf(sb, " : %u)", optlist_be32(o + 4));
		return;
	case ND_OPT_PREFIX: {
		struct addr a = addr_from_ipv6(o + 16);
		addr_format(&a, buf, sizeof buf);
		unsigned fl = o[3];
		sb_printf(sb, " : %s/%u)\n", buf, o[2]);
		sb_printf(sb, "%s    Prefix Length: %u\n", indent, o[2]);
		sb_printf(sb, "%s    Flag: 0x%02x (%s%s%s%s%s%s)\n", indent, fl,
			  fl & 0x80 ? "On-link flag(L)" : "", fl & 0x80 && fl & 0x60 ? ", " : "",
			  fl & 0x40 ? "Autonomous address-configuration flag(A)" : "",
			  fl & 0x40 && fl & 0x20 ? ", " : "", fl & 0x20 ? "Router address flag(R)" : "",
			  fl & 0xe0 ? "" : "none");
		sb_printf(sb, "%s    Valid Lifetime: %u\n", indent, optlist_be32(o + 4));
		sb_printf(sb, "%s    Preferred Lifetime: %u\n", indent, optlist_be32(o + 8));
		sb_printf(sb, "%s    Prefix: %s", indent, buf);
		return;
	}
	case ND_OPT_REDIRECTED:
		sb_puts(sb, ")\n");
		redirected_tree(o + 8, len - 8, indent, sb);
		return;
	case ND_OPT_NONCE:
		sb_printf(sb, ")\n%s    Nonce: ", indent);
		break;
	default:
		sb_printf(sb, ")\n%s    Length: %zu bytes, data: ", indent, len);
		break;
	}
	optlist_put_hex(sb, o + 2, len - 2);
}

static void describe_one(const uint8_t *o, size_t len, bool text, const char *indent,
			 struct strbuf *sb)
{
	if (text)
		option_text(o, len, sb);
	else
		option_tree(o, len, indent, sb);
}

/* A length in units of 8 bytes, the head included. */
static size_t nd_len(const uint8_t *p, size_t left)
{
	return left >= 2 ? (size_t)p[1] * 8 : 0;
}

static void nd_describe(const uint8_t *p, size_t n, enum opt_style style, const char *indent,
			struct strbuf *sb)
{
	optlist_describe(p, n, style, indent, sb, nd_len, describe_one);
}

void nd_opts_info(const uint8_t *opts, size_t n, struct strbuf *out)
{
	char text[24];
	for (size_t i = 0; i + 2 <= n && opts[i + 1];) {
		size_t len = (size_t)opts[i + 1] * 8;
		if (i + len > n)
			return;
		if (word_of(opts + i, len) == ND_OPT_SOURCE_LL ||
		    word_of(opts + i, len) == ND_OPT_TARGET_LL) {
			opt_mac(opts + i, text, sizeof text);
			sb_printf(out, " %s %s", opts[i] == ND_OPT_SOURCE_LL ? "from" : "is at", text);
		}
		i += len;
	}
}

bool nd_opt_mac(const uint8_t *opts, size_t n, unsigned type, uint64_t *mac)
{
	for (size_t i = 0; i + 2 <= n && opts[i + 1];) {
		size_t len = (size_t)opts[i + 1] * 8;
		if (i + len > n)
			return false;
		if (opts[i] == type && len == 8) {
			*mac = opt_mac_value(opts + i);
			return true;
		}
		i += len;
	}
	return false;
}

const struct field_codec nd_opts_codec = {
	.parse = nd_parse, .describe = nd_describe, .fill_mac = nd_fill_mac,
};
