/* tcpopts.c - walk TCP options (RFC 9293 3.2, RFC 7323, RFC 2018) for output. */
#include "tcpopts.h"

#include <stdio.h>

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Calls `fn` once per option; stops at the first malformed one, which it
 * reports with kind -1 so the caller can say where the options break. */
void tcpopts_walk(const uint8_t *p, size_t n, tcpopt_fn fn, void *ctx)
{
	size_t i = 0;
	while (i < n) {
		struct tcpopt o = { .kind = p[i], .data = NULL, .len = 1 };
		if (o.kind > 1) {
			if (i + 1 >= n || p[i + 1] < 2 || i + p[i + 1] > n) {
				o.kind = -1;
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

static void describe_one(const struct tcpopt *o, void *ctx)
{
	struct tcpopt_out *out = ctx;
	struct strbuf *sb = out->sb;
	size_t dl = o->len - 2;
	bool text = out->style == TCPOPT_TEMPLATE;
	if (o->kind == TCPOPT_PADDING || o->kind == TCPOPT_BAD_PADDING) {
		if (!text)	/* a template's eol pads with zeros by itself */
			sb_printf(sb, "%s[%s: %zu bytes after EOL]\n", out->indent,
				  o->kind == TCPOPT_PADDING ? "padding" : "non-zero padding", o->len);
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
	default:
	other:
		sb_printf(sb, text ? "kind%d" : "Kind %d, length %zu", o->kind, o->len);
		break;
	}
	if (!text)
		sb_putc(sb, '\n');
}

void tcpopts_describe(const uint8_t *p, size_t n, enum tcpopt_style style,
		      const char *indent, struct strbuf *sb)
{
	struct tcpopt_out out = { sb, style, indent, sb->len };
	tcpopts_walk(p, n, describe_one, &out);
}
