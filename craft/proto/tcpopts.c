/* tcpopts.c - TCP options (RFC 9293 3.2, RFC 7323, RFC 2018, RFC 2385,
 * RFC 7413): a template's words to bytes, and bytes back to the same words
 * or Wireshark's. */
#include "tcpopts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optlist.h"

/* Two 32-bit numbers split by `sep` (ts:VAL:ECR, a SACK block L-R). */
static int two_numbers(const char *s, size_t len, char sep, uint64_t *a, uint64_t *b)
{
	char text[24];
	if (len >= sizeof text)
		return -1;
	snprintf(text, sizeof text, "%.*s", (int)len, s);
	char *mid = strchr(text, sep);
	if (!mid)
		return -1;
	*mid = '\0';
	return parse_uint(text, 0xffffffff, a) || parse_uint(mid + 1, 0xffffffff, b) ? -1 : 0;
}

/* sack:L-R+L-R...: at most 4 blocks, 34 bytes. */
static int sack_blocks(const char *args, uint8_t *o, size_t *n)
{
	o[0] = 5;
	*n = 2;
	for (const char *p = args; p && *n + 8 <= TCP_OPTS_MAX;) {
		size_t len = strcspn(p, "+");
		uint64_t l, r;
		if (two_numbers(p, len, '-', &l, &r))
			return -1;
		optlist_put32(o + *n, (uint32_t)l);
		optlist_put32(o + *n + 4, (uint32_t)r);
		*n += 8;
		p = p[len] ? p + len + 1 : NULL;
		if (!p) {
			o[1] = (uint8_t)*n;
			return 0;
		}
	}
	return -1;
}

/* A kind, a length and `dl` bytes of data already at o + 2. */
static size_t with_head(uint8_t *o, unsigned kind, size_t dl)
{
	o[0] = (uint8_t)kind;
	o[1] = (uint8_t)(2 + dl);
	return 2 + dl;
}

/* One option into `buf`: its byte count, or -1 with the reason. */
static int tcp_option(const char *opt, uint8_t *buf, size_t room, char *err, size_t errlen)
{
	char name[16];
	const char *args = optlist_split(opt, name, sizeof name);
	uint8_t o[TCP_OPTS_MAX + 2];
	size_t n = 0, dl;
	uint64_t a, b;
	const char *usage = NULL;
	bool bare = strcmp(name, "nop") == 0 || strcmp(name, "eol") == 0 ||
		    strcmp(name, "sackok") == 0;
	if (bare && args) {
		snprintf(err, errlen, "%s takes no value", name);
		return -1;
	}
	if (bare) {
		o[0] = name[0] == 'n' ? 1 : name[0] == 'e' ? 0 : 4;
		n = o[0] == 4 ? with_head(o, 4, 0) : 1;
	} else if (strcmp(name, "pad") == 0) {
		/* Bytes after an eol as they are: a header's non-zero padding. */
		if (!args || optlist_hex(args, o, TCP_OPTS_MAX, &n))
			usage = "pad needs bytes in hex: pad:HEX";
	} else if (strcmp(name, "mss") == 0 || strcmp(name, "ws") == 0) {
		uint64_t max = name[0] == 'm' ? 0xffff : 0xff;
		if (!args || parse_uint(args, max, &a)) {
			snprintf(err, errlen, "%s needs a value 0..%llu: %s:N", name,
				 (unsigned long long)max, name);
			return -1;
		}
		o[2] = (uint8_t)(name[0] == 'm' ? a >> 8 : a);
		o[3] = (uint8_t)a;
		n = name[0] == 'm' ? with_head(o, 2, 2) : with_head(o, 3, 1);
	} else if (strcmp(name, "ts") == 0) {
		if (!args || two_numbers(args, strlen(args), ':', &a, &b)) {
			usage = "ts needs two 32-bit values: ts:VAL:ECR";
		} else {
			optlist_put32(o + 2, (uint32_t)a);
			optlist_put32(o + 6, (uint32_t)b);
			n = with_head(o, 8, 8);
		}
	} else if (strcmp(name, "sack") == 0) {
		if (!args || sack_blocks(args, o, &n))
			usage = "sack needs 1 to 4 blocks of 32-bit edges: sack:1000-2000+3000-4000";
	} else if (strcmp(name, "md5") == 0) {
		if (!args || optlist_hex(args, o + 2, 16, &dl) || dl != 16)
			usage = "md5 needs a 16-byte digest in hex (32 digits): md5:HEX";
		else
			n = with_head(o, 19, dl);
	} else if (strcmp(name, "fastopen") == 0) {
		dl = 0;
		if (args && optlist_hex(args, o + 2, TCP_OPTS_MAX - 2, &dl))
			usage = "fastopen takes a cookie in hex or nothing (a request): fastopen:HEX";
		else
			n = with_head(o, 34, dl);
	} else if (strcmp(name, "raw") == 0) {
		if (optlist_raw(args, &a, o + 2, TCP_OPTS_MAX - 2, &dl))
			usage = "raw needs a kind and up to 38 hex bytes: raw:KIND:HEX";
		else
			n = with_head(o, (unsigned)a, dl);
	} else {
		snprintf(err, errlen, "unknown TCP option '%s': use mss:N, sackok, ts:VAL:ECR, "
			 "ws:N, nop, eol, sack:L-R+L-R, md5:HEX, fastopen[:HEX], raw:KIND:HEX, "
			 "pad:HEX", name);
		return -1;
	}
	if (usage) {
		snprintf(err, errlen, "%s", usage);
		return -1;
	}
	if (n > room) {
		snprintf(err, errlen, "TCP options exceed %d bytes", TCP_OPTS_MAX);
		return -1;
	}
	memcpy(buf, o, n);
	return (int)n;
}

int tcpopts_parse(const char *s, struct fval *out, char *err, size_t errlen)
{
	int r = optlist_parse(s, TCP_OPTS_MAX, tcp_option, "TCP option",
			      "mss:1460,sackok,nop,ws:7", out, err, errlen);
	if (r == 0 && out->len == 0) {	/* none: nothing to hold */
		free(out->bytes);
		out->bytes = NULL;
	}
	return r;
}

/* Calls `fn` once per option; stops at the first malformed one, which it
 * reports with kind -1 so the caller can say where the options break. */
void tcpopts_walk(const uint8_t *p, size_t n, bool cut, tcpopt_fn fn, void *ctx)
{
	size_t i = 0;
	while (i < n) {
		struct tcpopt o = { .kind = p[i], .data = NULL, .len = 1 };
		if (o.kind > 1) {
			if (i + 1 >= n || p[i + 1] < 2 || i + p[i + 1] > n) {
				/* Malformed only if its own length cannot be. */
				bool short_cut = cut && (i + 1 >= n || p[i + 1] >= 2);
				o.kind = short_cut ? TCPOPT_CUT : -1;
				o.data = p + i;
				o.len = n - i;
				fn(&o, ctx);
				return;
			}
			o.len = p[i + 1];
			o.data = p + i + 2;
		}
		fn(&o, ctx);
		i += o.len;
		if (o.kind == 0 && i < n) {	/* EOL: the rest is padding */
			bool zero = optlist_zero(p + i, n - i);
			struct tcpopt pad = { .kind = zero ? TCPOPT_PADDING : TCPOPT_BAD_PADDING,
					      .data = p + i, .len = n - i };
			fn(&pad, ctx);
			return;
		}
	}
}

/* RFC 8684 3's subtypes, in Wireshark's words. */
static const char *const mptcp_subtypes[] = {
	"Multipath Capable", "Join Connection", "Data Sequence Signal", "Add Address",
	"Remove Address", "Change Subflow Priority", "Fail", "Fast Close", "TCP Reset",
};

/* SACK (RFC 2018), MD5 (RFC 2385), Fast Open (RFC 7413), Multipath TCP
 * (RFC 8684) in SPEC.md's words (raw:KIND:HEX for MPTCP); false if the
 * length does not fit the kind. */
static bool describe_more(const struct tcpopt *o, bool text, struct strbuf *sb)
{
	size_t dl = o->len - 2;
	switch (o->kind) {
	case 5:
		if (dl == 0 || dl % 8)
			return false;
		sb_puts(sb, text ? "sack:" : "SACK");
		for (size_t i = 0; i < dl; i += 8)
			sb_printf(sb, "%s%u-%u", text ? (i ? "+" : "") : " ",
				  optlist_be32(o->data + i), optlist_be32(o->data + i + 4));
		return true;
	case 19:
		if (dl != 16)
			return false;
		sb_puts(sb, text ? "md5:" : "TCP MD5 signature: ");
		optlist_put_hex(sb, o->data, dl);
		return true;
	case 34:
		sb_puts(sb, text ? "fastopen" : dl ? "TFO: Cookie " : "TFO: Cookie request");
		if (text && dl)
			sb_putc(sb, ':');
		optlist_put_hex(sb, o->data, dl);
		return true;
	case 30:
		if (dl == 0)
			return false;
		if (text) {
			sb_puts(sb, "raw:30:");
		} else {
			unsigned st = o->data[0] >> 4;
			sb_printf(sb, "Multipath TCP: %s (subtype %u), length %zu: ",
				  st < sizeof mptcp_subtypes / sizeof *mptcp_subtypes ?
				  mptcp_subtypes[st] : "Unknown", st, o->len);
		}
		optlist_put_hex(sb, o->data, dl);
		return true;
	default:
		return false;
	}
}

static void describe_one(const struct tcpopt *o, void *ctx)
{
	struct tcpopt_out *out = ctx;
	struct strbuf *sb = out->sb;
	size_t dl = o->len - 2;
	bool text = out->style == TCPOPT_TEMPLATE;
	if (o->kind == TCPOPT_PADDING || o->kind == TCPOPT_BAD_PADDING) {
		if (!text)
			sb_printf(sb, "%s[%s: %zu bytes after EOL]\n", out->indent,
				  o->kind == TCPOPT_PADDING ? "padding" : "non-zero padding", o->len);
		else if (o->kind == TCPOPT_BAD_PADDING) {
			sb_puts(sb, ",pad:");
			optlist_put_hex(sb, o->data, o->len);
		} else {	/* the zeros past those the builder pads to 32 bits */
			size_t more = optlist_pad_zeros((size_t)(o->data - out->base), out->n);
			if (more)
				sb_puts(sb, ",pad:");
			for (size_t i = 0; i < more; i++)
				sb_puts(sb, "00");
		}
		return;
	}
	if (text && sb->len > out->start)
		sb_putc(sb, ',');
	if (!text)
		sb_printf(sb, "%sTCP Option - ", out->indent);
	switch (o->kind) {
	case 0:
		sb_puts(sb, text ? "eol" : "End of Option List (EOL)");
		break;
	case 1:
		sb_puts(sb, text ? "nop" : "No-Operation (NOP)");
		break;
	case 2:
		if (dl == 2) {
			unsigned mss = (unsigned)o->data[0] << 8 | o->data[1];
			sb_printf(sb, text ? "mss:%u" : "Maximum segment size: %u bytes", mss);
			break;
		}
		goto other;
	case 3:
		if (dl == 1) {
			unsigned s = o->data[0];
			if (text)
				sb_printf(sb, "ws:%u", s);
			else
				sb_printf(sb, "Window scale: %u (multiply by %lu)%s", s,
					  s <= 14 ? 1ul << s : 1ul << 14,
					  s > 14 ? " [above 14: taken as 14, RFC 7323]" : "");
			break;
		}
		goto other;
	case 4:
		if (dl == 0) {
			sb_puts(sb, text ? "sackok" : "SACK permitted");
			break;
		}
		goto other;
	case 8:
		if (dl == 8) {
			sb_printf(sb, text ? "ts:%u:%u" : "Timestamps: TSval %u, TSecr %u",
				  optlist_be32(o->data), optlist_be32(o->data + 4));
			break;
		}
		goto other;
	case -1:
		sb_printf(sb, text ? "malformed" : "[malformed option: %zu bytes left]", o->len);
		break;
	case TCPOPT_CUT:
		if (text)
			sb_puts(sb, "truncated");
		else if (o->len > 1)
			sb_printf(sb, "[truncated: the capture ends inside this option: kind %u, "
				  "%zu of its %u bytes captured]", o->data[0], o->len, o->data[1]);
		else
			sb_printf(sb, "[truncated: the capture ends inside this option: kind %u, "
				  "its length not captured]", o->data[0]);
		break;
	default:
	other:
		if (describe_more(o, text, sb))
			break;
		sb_printf(sb, text ? "raw:%d" : "Kind %d, length %zu", o->kind, o->len);
		if (dl)
			sb_puts(sb, text ? ":" : ": ");
		optlist_put_hex(sb, o->data, dl);
		break;
	}
	if (!text)
		sb_putc(sb, '\n');
}

void tcpopts_describe(const uint8_t *p, size_t n, bool cut, enum tcpopt_style style,
		      const char *indent, struct strbuf *sb)
{
	struct tcpopt_out out = { sb, style, indent, sb->len, p, n };
	tcpopts_walk(p, n, cut, describe_one, &out);
}
