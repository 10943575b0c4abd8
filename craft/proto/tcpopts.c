/* tcpopts.c - walk TCP options (RFC 9293 3.2, RFC 7323, RFC 2018) for output. */
#include "tcpopts.h"

#include <stdio.h>

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
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
			bool zero = true;
			for (size_t k = i; k < n; k++)
				zero &= p[k] == 0;
			struct tcpopt pad = { .kind = zero ? TCPOPT_PADDING : TCPOPT_BAD_PADDING,
					      .data = p + i, .len = n - i };
			fn(&pad, ctx);
			return;
		}
	}
}

static void hex(const uint8_t *p, size_t n, struct strbuf *sb)
{
	for (size_t i = 0; i < n; i++)
		sb_printf(sb, "%02x", p[i]);
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
				  be32(o->data + i), be32(o->data + i + 4));
		return true;
	case 19:
		if (dl != 16)
			return false;
		sb_puts(sb, text ? "md5:" : "TCP MD5 signature: ");
		hex(o->data, dl, sb);
		return true;
	case 34:
		sb_puts(sb, text ? "fastopen" : dl ? "TFO: Cookie " : "TFO: Cookie request");
		if (text && dl)
			sb_putc(sb, ':');
		hex(o->data, dl, sb);
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
		hex(o->data, dl, sb);
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
		else if (o->kind == TCPOPT_BAD_PADDING) {	/* eol pads with zeros by itself */
			sb_puts(sb, ",pad:");
			hex(o->data, o->len, sb);
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
				  be32(o->data), be32(o->data + 4));
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
		hex(o->data, dl, sb);
		break;
	}
	if (!text)
		sb_putc(sb, '\n');
}

void tcpopts_describe(const uint8_t *p, size_t n, bool cut, enum tcpopt_style style,
		      const char *indent, struct strbuf *sb)
{
	struct tcpopt_out out = { sb, style, indent, sb->len };
	tcpopts_walk(p, n, cut, describe_one, &out);
}
