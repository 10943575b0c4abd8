/* ip4opts.c - IPv4 options (RFC 791 3.1): EOL and NOP a byte each, the rest
 * type, length, data; Record Route, Timestamp (RFC 791, RFC 781), loose and
 * strict source routes, Router Alert (RFC 2113).  The builder pads the
 * header to 32 bits with zeros (EOL), as Linux does. */
#include <stdio.h>
#include <string.h>

#include "optlist.h"
#include "proto.h"

#define IP4_OPTS_MAX 40		/* IHL 15 * 4 - 20 */
#define SLOTS_MAX 9		/* 4-byte slots the 40 bytes hold past a head */
#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_RR 7
#define OPT_TS 68
#define OPT_LSRR 131
#define OPT_SSRR 137
#define OPT_RA 148

static int put_option(uint8_t *buf, size_t room, const uint8_t *o, size_t n, char *err,
		      size_t errlen)
{
	if (n > room) {
		snprintf(err, errlen, "IPv4 options exceed %d bytes (IHL 15)", IP4_OPTS_MAX);
		return -1;
	}
	memcpy(buf, o, n);
	return (int)n;
}

/* rr:N and ts:N: N empty slots after a head of `head` bytes, the pointer
 * at the first (RFC 791: 4 for a route, 5 for timestamps). */
static int slots_option(unsigned type, size_t head, const char *name, const char *args,
			uint8_t *buf, size_t room, char *err, size_t errlen)
{
	uint8_t o[IP4_OPTS_MAX] = { 0 };
	uint64_t n;
	if (!args || parse_uint(args, SLOTS_MAX, &n) || n == 0) {
		snprintf(err, errlen, "%s needs a number of slots, 1..%d: %s:9", name, SLOTS_MAX,
			 name);
		return -1;
	}
	o[0] = (uint8_t)type;
	o[1] = (uint8_t)(head + 4 * n);
	o[2] = (uint8_t)(head + 1);
	return put_option(buf, room, o, head + 4 * n, err, errlen);
}

/* lsrr:A+B...: the route's addresses, the pointer at the first. */
static int route_option(unsigned type, const char *name, const char *args, uint8_t *buf,
			size_t room, char *err, size_t errlen)
{
	uint8_t o[IP4_OPTS_MAX] = { type, 3, 4 };
	for (const char *p = args; p;) {
		size_t len = strcspn(p, "+");
		char text[16];
		uint64_t ip;
		if (o[1] + 4 > IP4_OPTS_MAX) {
			snprintf(err, errlen, "%s takes at most %d addresses", name, SLOTS_MAX);
			return -1;
		}
		snprintf(text, sizeof text, "%.*s", (int)(len < 15 ? len : 15), p);
		if (len >= sizeof text || parse_ipv4(text, &ip))
			break;
		optlist_put32(o + o[1], (uint32_t)ip);
		o[1] += 4;
		p = p[len] ? p + len + 1 : NULL;
		if (!p)
			return put_option(buf, room, o, o[1], err, errlen);
	}
	snprintf(err, errlen, "%s needs IPv4 addresses joined by '+': %s:10.0.0.1+10.0.1.1",
		 name, name);
	return -1;
}

static int ip4_option(const char *opt, uint8_t *buf, size_t room, char *err, size_t errlen)
{
	char name[16];
	const char *args = optlist_split(opt, name, sizeof name);
	bool single = strcmp(name, "eol") == 0 || strcmp(name, "nop") == 0;
	if (single && args) {
		snprintf(err, errlen, "%s takes no value: it is one byte", name);
		return -1;
	}
	if (single) {
		uint8_t o = name[0] == 'e' ? OPT_EOL : OPT_NOP;
		return put_option(buf, room, &o, 1, err, errlen);
	}
	if (strcmp(name, "rr") == 0)
		return slots_option(OPT_RR, 3, name, args, buf, room, err, errlen);
	if (strcmp(name, "ts") == 0)
		return slots_option(OPT_TS, 4, name, args, buf, room, err, errlen);
	if (strcmp(name, "lsrr") == 0 || strcmp(name, "ssrr") == 0)
		return route_option(name[0] == 'l' ? OPT_LSRR : OPT_SSRR, name, args, buf, room,
				    err, errlen);
	if (strcmp(name, "ra") == 0) {
		uint64_t v = 0;
		if (args && parse_uint(args, 0xffff, &v)) {
			snprintf(err, errlen, "ra takes a 16-bit value or none: ra (0, examine it), ra:1");
			return -1;
		}
		uint8_t o[4] = { OPT_RA, 4, (uint8_t)(v >> 8), (uint8_t)v };
		return put_option(buf, room, o, sizeof o, err, errlen);
	}
	if (strcmp(name, "raw") == 0) {
		uint8_t o[IP4_OPTS_MAX];
		uint64_t type;
		size_t n;
		if (optlist_raw(args, &type, o + 2, sizeof o - 2, &n)) {
			snprintf(err, errlen, "raw needs a type and up to %d hex bytes: raw:TYPE:HEX",
				 IP4_OPTS_MAX - 2);
			return -1;
		}
		if (type == OPT_EOL || type == OPT_NOP) {
			snprintf(err, errlen, "raw:%u has no length byte: use %s", (unsigned)type,
				 type ? "nop" : "eol");
			return -1;
		}
		o[0] = (uint8_t)type;
		o[1] = (uint8_t)(2 + n);
		return put_option(buf, room, o, 2 + n, err, errlen);
	}
	if (strcmp(name, "pad") == 0) {	/* bytes after an eol as they are */
		uint8_t o[IP4_OPTS_MAX];
		size_t n;
		if (!args || optlist_hex(args, o, sizeof o, &n)) {
			snprintf(err, errlen, "pad needs bytes in hex: pad:HEX");
			return -1;
		}
		return put_option(buf, room, o, n, err, errlen);
	}
	snprintf(err, errlen, "unknown IPv4 option '%s': use nop, eol, rr:N, ts:N, lsrr:A+B, "
		 "ssrr:A+B, ra, raw:TYPE:HEX, pad:HEX", name);
	return -1;
}

static int ip4_opts_parse(const char *s, struct fval *out, char *err, size_t errlen)
{
	return optlist_parse(s, IP4_OPTS_MAX, ip4_option, "IPv4 option", "rr:9 or nop,ra", out,
			     err, errlen);
}

/* EOL and NOP are a byte; every other option says its length. */
static size_t ip4_opt_len(const uint8_t *p, size_t left)
{
	if (p[0] == OPT_EOL || p[0] == OPT_NOP)
		return 1;
	return left >= 2 && p[1] >= 2 ? p[1] : 0;
}

static const char *opt_name(unsigned type)
{
	switch (type) {
	case OPT_RR: return "Record Route";
	case OPT_TS: return "Time Stamp";
	case OPT_LSRR: return "Loose Source Route";
	case OPT_SSRR: return "Strict Source Route";
	case OPT_RA: return "Router Alert";
	default: return NULL;
	}
}

/* Why a known option's bytes do not fit its type, or NULL. */
static const char *misshapen(const uint8_t *o, size_t len)
{
	switch (o[0]) {
	case OPT_RR:
	case OPT_LSRR:
	case OPT_SSRR:
		return len < 7 || (len - 3) % 4 ? "not 3 + 4n bytes" : NULL;
	case OPT_TS:
		if (len < 4)
			return "shorter than its 4-byte head";
		return (len - 4) % ((o[3] & 0x0f) ? 8 : 4) ? "its slots do not fit the length" :
			(o[3] & 0x0f) == 2 || (o[3] & 0x0f) > 3 ? "unknown flag" : NULL;
	case OPT_RA:
		return len != 4 ? "not 4 bytes" : NULL;
	default:
		return NULL;
	}
}

/* The template's word for an option as built, or false for raw. */
static bool template_word(const uint8_t *o, size_t len, struct strbuf *sb)
{
	char ip[16];
	if (misshapen(o, len))
		return false;
	switch (o[0]) {
	case OPT_RR:
		if (o[2] != 4 || !optlist_zero(o + 3, len - 3))
			return false;
		sb_printf(sb, "rr:%zu", (len - 3) / 4);
		return true;
	case OPT_TS:
		if (len < 8 || o[2] != 5 || o[3] || !optlist_zero(o + 4, len - 4))
			return false;
		sb_printf(sb, "ts:%zu", (len - 4) / 4);
		return true;
	case OPT_LSRR:
	case OPT_SSRR:
		if (o[2] != 4)
			return false;
		sb_puts(sb, o[0] == OPT_LSRR ? "lsrr:" : "ssrr:");
		for (size_t i = 3; i < len; i += 4) {
			format_ipv4(optlist_be32(o + i), ip, sizeof ip);
			sb_printf(sb, "%s%s", i > 3 ? "+" : "", ip);
		}
		return true;
	case OPT_RA: {
		unsigned v = (unsigned)o[2] << 8 | o[3];
		sb_puts(sb, "ra");
		if (v)
			sb_printf(sb, ":%u", v);
		return true;
	}
	default:
		return false;
	}
}

/* The slots of a route as Wireshark's tree lists them: those before the
 * pointer recorded, the last one the destination while the route is
 * unfinished. */
static void tree_route(const uint8_t *o, size_t len, const char *indent, struct strbuf *sb)
{
	char ip[16];
	size_t at = o[2];	/* 1-based: the next slot to fill or visit */
	for (size_t i = 3; i + 4 <= len; i += 4) {
		format_ipv4(optlist_be32(o + i), ip, sizeof ip);
		if (i + 1 < at)
			sb_printf(sb, "\n%s    Recorded Route: %s", indent, ip);
		else if (o[0] == OPT_RR)
			sb_printf(sb, "\n%s    Empty Route: %s", indent, ip);
		else if (i + 4 == len)
			sb_printf(sb, "\n%s    Destination Address: %s", indent, ip);
		else
			sb_printf(sb, "\n%s    Source Route: %s%s", indent, ip,
				  i + 1 == at ? " <- (next)" : "");
	}
}

static void tree_timestamps(const uint8_t *o, size_t len, const char *indent,
			    struct strbuf *sb)
{
	static const char *const flags[] = {
		"Time stamps only", "Time stamp and address", "", "Time stamps for prespecified addresses",
	};
	unsigned flag = o[3] & 0x0f;
	char ip[16];
	sb_printf(sb, "\n%s    Overflow: %u\n%s    Flag: %s (%u)", indent, o[3] >> 4, indent,
		  flags[flag], flag);
	size_t step = flag ? 8 : 4;
	for (size_t i = 4; i + step <= len; i += step) {
		if (!flag) {
			sb_printf(sb, "\n%s    Time stamp = %u", indent, optlist_be32(o + i));
			continue;
		}
		format_ipv4(optlist_be32(o + i), ip, sizeof ip);
		sb_printf(sb, "\n%s    Address = %s, time stamp = %u", indent, ip,
			  optlist_be32(o + i + 4));
	}
}

static void describe_one(const uint8_t *o, size_t len, bool text, const char *indent,
			 struct strbuf *sb)
{
	if (o[0] == OPT_EOL || o[0] == OPT_NOP) {
		sb_puts(sb, text ? (o[0] ? "nop" : "eol") :
			o[0] ? "IP Option - No Operation (NOP)" : "IP Option - End of Options List (EOL)");
		return;
	}
	if (text) {
		if (template_word(o, len, sb))
			return;
		sb_printf(sb, "raw:%u%s", o[0], len > 2 ? ":" : "");
		optlist_put_hex(sb, o + 2, len - 2);
		return;
	}
	const char *name = opt_name(o[0]), *bad = misshapen(o, len);
	if (name)
		sb_printf(sb, "IP Option - %s (%zu bytes)", name, len);
	else
		sb_printf(sb, "IP Option - Unknown (0x%02x) (%zu bytes)", o[0], len);
	if (!name || bad) {
		if (bad)
			sb_printf(sb, " [malformed: %s]", bad);
		if (len > 2)
			sb_puts(sb, ": ");
		optlist_put_hex(sb, o + 2, len - 2);
		return;
	}
	if (o[0] == OPT_RA) {
		unsigned v = (unsigned)o[2] << 8 | o[3];
		sb_printf(sb, ": %s (%u)", v ? "Reserved" : "Router shall examine packet", v);
		return;
	}
	size_t lo = o[0] == OPT_TS ? 5 : 4;
	sb_printf(sb, "\n%s    Pointer: %u", indent, o[2]);
	if (o[2] < lo || o[2] > len + 1 || (o[2] - lo) % (o[0] == OPT_TS && (o[3] & 0x0f) ? 8 : 4))
		sb_puts(sb, " [bad: not at a slot]");
	if (o[0] == OPT_TS)
		tree_timestamps(o, len, indent, sb);
	else
		tree_route(o, len, indent, sb);
}

/* The options up to the first EOL, as Linux and Wireshark read them; the
 * bytes after it are padding: zeros as few eol words as rebuild them (the
 * builder pads the rest), anything else pad:HEX. */
static void ip4_opts_describe(const uint8_t *p, size_t n, enum opt_style style,
			      const char *indent, struct strbuf *sb)
{
	size_t e = 0;
	while (e < n && p[e] != OPT_EOL) {
		size_t len = ip4_opt_len(p + e, n - e);
		if (len == 0 || len > n - e) {
			e = n;
			break;
		}
		e += len;
	}
	optlist_describe(p, e, style, indent, sb, ip4_opt_len, describe_one);
	if (e == n)
		return;
	bool zero = optlist_zero(p + e + 1, n - e - 1);
	if (style == OPT_TREE) {
		sb_printf(sb, "%sIP Option - End of Options List (EOL)\n", indent);
		if (n - e > 1)
			sb_printf(sb, "%s[%s: %zu %sbytes after EOL]\n", indent,
				  zero ? "padding" : "non-zero padding", n - e - 1,
				  zero ? "zero " : "");
		return;
	}
	sb_puts(sb, e ? ",eol" : "eol");
	if (!zero) {
		sb_puts(sb, ",pad:");
		optlist_put_hex(sb, p + e + 1, n - e - 1);
		return;
	}
	for (size_t i = optlist_pad_zeros(e + 1, n); i > 0; i--)
		sb_puts(sb, ",eol");
}

/* A finished route (its pointer past the last slot) has brought the
 * datagram to the header's destination. */
const uint8_t *ip4opts_final_dst(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n && p[i] != OPT_EOL;) {
		size_t len = ip4_opt_len(p + i, n - i);
		if (len == 0 || len > n - i)
			return NULL;
		if ((p[i] == OPT_LSRR || p[i] == OPT_SSRR) && !misshapen(p + i, len))
			return (size_t)p[i + 2] + 3 <= len ? p + i + len - 4 : NULL;
		i += len;
	}
	return NULL;
}

const struct field_codec ip4_opts_codec = {
	.parse = ip4_opts_parse, .describe = ip4_opts_describe,
};
