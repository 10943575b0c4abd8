/* ip6opts.c - the options of the Hop-by-Hop and Destination Options headers
 * (RFC 8200 4.2): type, data length, data, and Pad1 a lone zero byte;
 * Router Alert (RFC 2711), Jumbo Payload (RFC 2675). */
#include <stdio.h>
#include <string.h>

#include "optlist.h"
#include "proto.h"

#define IP6_OPTS_MAX 2046	/* a length of 255 is 2048 bytes, 2 of them the header's */
#define OPT_PAD1 0x00
#define OPT_PADN 0x01
#define OPT_ROUTER_ALERT 0x05
#define OPT_JUMBO 0xc2

static int put_option(uint8_t *buf, size_t room, unsigned type, const uint8_t *data,
		      size_t n, char *err, size_t errlen)
{
	if (2 + n > room) {
		snprintf(err, errlen, "IPv6 options exceed %d bytes (a length of 255)",
			 IP6_OPTS_MAX);
		return -1;
	}
	buf[0] = (uint8_t)type;
	buf[1] = (uint8_t)n;
	memcpy(buf + 2, data, n);
	return (int)(2 + n);
}

/* A number option (padn, ra, jumbo) of `bytes` big-endian bytes up to `max`. */
static int number_option(const char *args, uint64_t max, unsigned type, size_t bytes,
			 uint8_t *buf, size_t room, const char *usage, char *err, size_t errlen)
{
	uint8_t data[255] = { 0 };
	uint64_t v;
	if (!args || parse_uint(args, max, &v)) {
		snprintf(err, errlen, "%s", usage);
		return -1;
	}
	if (type == OPT_PADN)	/* the number is how many zero bytes */
		bytes = (size_t)v;
	else
		for (size_t i = 0; i < bytes; i++)
			data[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	return put_option(buf, room, type, data, bytes, err, errlen);
}

static int ip6_option(const char *opt, uint8_t *buf, size_t room, char *err, size_t errlen)
{
	char name[16];
	const char *args = optlist_split(opt, name, sizeof name);
	if (strcmp(name, "pad1") == 0) {
		if (args) {
			snprintf(err, errlen, "pad1 takes no value: it is one zero byte");
			return -1;
		}
		if (room < 1)
			return put_option(buf, room, OPT_PAD1, NULL, 0, err, errlen);
		buf[0] = OPT_PAD1;
		return 1;
	}
	if (strcmp(name, "padn") == 0)
		return number_option(args, 255, OPT_PADN, 0, buf, room,
				     "padn needs its data length, 0..255 bytes: padn:4", err, errlen);
	if (strcmp(name, "ra") == 0)
		return number_option(args, 0xffff, OPT_ROUTER_ALERT, 2, buf, room,
				     "ra needs a 16-bit value: ra:0 (MLD)", err, errlen);
	if (strcmp(name, "jumbo") == 0)
		return number_option(args, 0xffffffff, OPT_JUMBO, 4, buf, room,
				     "jumbo needs a 32-bit payload length: jumbo:70000", err, errlen);
	if (strcmp(name, "raw") == 0) {
		uint8_t data[255];
		uint64_t type;
		size_t n;
		if (optlist_raw(args, &type, data, sizeof data, &n)) {
			snprintf(err, errlen, "raw needs a type and up to 255 hex bytes: raw:TYPE:HEX");
			return -1;
		}
		return put_option(buf, room, (unsigned)type, data, n, err, errlen);
	}
	snprintf(err, errlen, "unknown IPv6 option '%s': use pad1, padn:N, ra:N, jumbo:N, "
		 "raw:TYPE:HEX", name);
	return -1;
}

static int ip6_opts_parse(const char *s, struct fval *out, char *err, size_t errlen)
{
	return optlist_parse(s, IP6_OPTS_MAX, ip6_option, "IPv6 option", "ra:0,padn:0", out,
			     err, errlen);
}

/* Pad1 for one byte, PadN for more (RFC 8200 4.2). */
static void ip6_opts_pad(uint8_t *p, size_t n)
{
	memset(p, 0, n);
	if (n >= 2) {
		p[0] = OPT_PADN;
		p[1] = (uint8_t)(n - 2);
	}
}

/* IANA's Router Alert values. */
static const char *ra_meaning(unsigned v)
{
	if (v == 0)
		return "MLD";
	if (v == 1)
		return "RSVP";
	if (v == 2)
		return "Active Networks";
	if (v >= 3 && v <= 35)
		return "Aggregated Reservation Nesting Level";
	if (v >= 36 && v <= 67)
		return "QoS NSLP Aggregation Level";
	if (v == 68)
		return "NSIS NATFW NSLP";
	return v == 65535 ? "Reserved" : "Unassigned";
}

/* One option (`len` bytes, its 2-byte head included) as Wireshark's tree
 * or a template says it; a known type of another length is shown raw. */
static void describe_one(const uint8_t *o, size_t len, bool text, const char *indent,
			 struct strbuf *sb)
{
	(void)indent;	/* one line each */
	const uint8_t *d = o + 2;
	size_t dl = len - 2;
	switch (o[0]) {
	case OPT_PAD1:	/* a lone byte: ip6_opt_len measures it so */
		sb_puts(sb, text ? "pad1" : "Pad1");
		return;
	case OPT_PADN:
		if (optlist_zero(d, dl)) {
			sb_printf(sb, text ? "padn:%zu" : "PadN: %zu bytes", dl);
			return;
		}
		if (!text) {
			sb_printf(sb, "PadN: %zu bytes [not zero, RFC 4942 2.1.9.5: ", dl);
			optlist_put_hex(sb, d, dl);
			sb_putc(sb, ']');
			return;
		}
		break;
	case OPT_ROUTER_ALERT:
		if (dl == 2) {
			unsigned v = (unsigned)d[0] << 8 | d[1];
			if (text)
				sb_printf(sb, "ra:%u", v);
			else
				sb_printf(sb, "Router Alert: %s (%u)", ra_meaning(v), v);
			return;
		}
		break;
	case OPT_JUMBO:
		if (dl == 4) {
			sb_printf(sb, text ? "jumbo:%u" : "Jumbo Payload: payload length %u",
				  optlist_be32(d));
			return;
		}
		break;
	default:
		break;
	}
	if (text)
		sb_printf(sb, "raw:%u:", o[0]);
	else
		sb_printf(sb, "Unknown (0x%02x): %zu bytes ", o[0], dl);
	optlist_put_hex(sb, d, dl);
}

/* Pad1 is one byte; every other option says its data length. */
static size_t ip6_opt_len(const uint8_t *p, size_t left)
{
	return p[0] == OPT_PAD1 ? 1 : left >= 2 ? 2 + (size_t)p[1] : 0;
}

static void ip6_opts_describe(const uint8_t *p, size_t n, enum opt_style style,
			      const char *indent, struct strbuf *sb)
{
	optlist_describe(p, n, style, indent, sb, ip6_opt_len, describe_one);
}

const struct field_codec ip6_opts_codec = {
	.parse = ip6_opts_parse, .describe = ip6_opts_describe, .pad = ip6_opts_pad,
};
