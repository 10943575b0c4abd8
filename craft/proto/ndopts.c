/* ndopts.c - neighbour discovery options (RFC 4861 4.6, RFC 3971 5.3):
 * type, length in units of 8 bytes, data. */
#include <stdio.h>
#include <string.h>

#include "../core/addr.h"
#include "optlist.h"
#include "proto.h"

#define ND_OPTS_MAX 1200	/* what fits in an IPv6 minimum MTU */
#define ND_OPT_PREFIX 3
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
		 "prefix:PREFIX/LEN[:FLAGS[:VALID[:PREFERRED]]], mtu:N, nonce:HEX, raw:TYPE:HEX",
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

static void nd_fill_mac(struct fval *v, uint64_t mac)
{
	for (size_t i = 0; i + 8 <= v->len; i += v->bytes[i + 1] ? v->bytes[i + 1] * 8u : 8u)
		if (v->bytes[i + 1] == 0 &&
		    (v->bytes[i] == ND_OPT_SOURCE_LL || v->bytes[i] == ND_OPT_TARGET_LL)) {
			v->bytes[i + 1] = 1;
			for (int b = 0; b < 6; b++)
				v->bytes[i + 2 + b] = (uint8_t)(mac >> (40 - 8 * b));
		}
}

/* One option as the tree or a template says it; false if it is malformed. */
static void describe_one(const uint8_t *o, size_t len, bool text, struct strbuf *sb)
{
	char buf[64];
	uint64_t mac = 0;
	unsigned type = o[0];
	if ((type == ND_OPT_SOURCE_LL || type == ND_OPT_TARGET_LL) && len == 8) {
		for (int i = 0; i < 6; i++)
			mac = mac << 8 | o[2 + i];
		format_mac(mac, buf, sizeof buf);
		sb_printf(sb, text ? "%s:%s" : "ICMPv6 Option (%s : %s)",
			  text ? (type == 1 ? "sll" : "tll") :
			  type == 1 ? "Source link-layer address" : "Target link-layer address", buf);
	} else if (type == ND_OPT_PREFIX && len == 32) {
		struct addr a = addr_from_ipv6(o + 16);
		addr_format(&a, buf, sizeof buf);
		if (text)
			sb_printf(sb, "prefix:%s/%u:%u:%u:%u", buf, o[2], o[3], optlist_be32(o + 4),
				  optlist_be32(o + 8));
		else
			sb_printf(sb, "ICMPv6 Option (Prefix information : %s/%u) flags 0x%02x, "
				  "valid %us, preferred %us", buf, o[2], o[3], optlist_be32(o + 4),
				  optlist_be32(o + 8));
	} else if (type == ND_OPT_MTU && len == 8) {
		sb_printf(sb, text ? "mtu:%u" : "ICMPv6 Option (MTU : %u)", optlist_be32(o + 4));
	} else if (type == ND_OPT_NONCE && len > 2) {
		sb_puts(sb, text ? "nonce:" : "ICMPv6 Option (Nonce : ");
		optlist_put_hex(sb, o + 2, len - 2);
		if (!text)
			sb_putc(sb, ')');
	} else {
		if (text)
			sb_printf(sb, "raw:%u:", type);
		else
			sb_printf(sb, "ICMPv6 Option (Type %u, length %zu) ", type, len);
		optlist_put_hex(sb, o + 2, len - 2);
	}
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

bool nd_opt_mac(const uint8_t *opts, size_t n, unsigned type, uint64_t *mac)
{
	for (size_t i = 0; i + 2 <= n && opts[i + 1];) {
		size_t len = (size_t)opts[i + 1] * 8;
		if (i + len > n)
			return false;
		if (opts[i] == type && len == 8) {
			*mac = 0;
			for (int b = 0; b < 6; b++)
				*mac = *mac << 8 | opts[i + 2 + b];
			return true;
		}
		i += len;
	}
	return false;
}

const struct field_codec nd_opts_codec = {
	.parse = nd_parse, .describe = nd_describe, .fill_mac = nd_fill_mac,
};
