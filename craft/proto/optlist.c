/* optlist.c - the pieces every option-list codec reads and writes alike. */
#include "optlist.h"
#include "../util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int optlist_parse(const char *s, size_t max, optlist_item_fn item, const char *what,
		  const char *example, struct fval *out, char *err, size_t errlen)
{
	uint8_t *buf = xmalloc(max);
	size_t n = 0;
	for (const char *p = s; strcmp(s, "none") != 0;) {
		size_t len = strcspn(p, ",");
		char opt[640];	/* raw:255: and 255 bytes of hex fit */
		if (len == 0 || len >= sizeof opt) {
			snprintf(err, errlen, "bad %s list '%.40s': comma-separated, e.g. %s",
				 what, s, example);
			free(buf);
			return -1;
		}
		snprintf(opt, sizeof opt, "%.*s", (int)len, p);
		int w = item(opt, buf + n, max - n, err, errlen);
		if (w < 0) {
			free(buf);
			return -1;
		}
		n += (size_t)w;
		if (!p[len])
			break;
		p += len + 1;
	}
	out->bytes = buf;
	out->len = n;
	return 0;
}

const char *optlist_split(const char *opt, char *name, size_t len)
{
	size_t nlen = strcspn(opt, ":");
	snprintf(name, len, "%.*s", (int)(nlen < len ? nlen : len - 1), opt);
	return opt[nlen] ? opt + nlen + 1 : NULL;
}

void optlist_describe(const uint8_t *p, size_t n, enum opt_style style, const char *indent,
		      struct strbuf *sb, optlist_len_fn len_of, optlist_show_fn show)
{
	bool text = style == OPT_TEMPLATE;
	for (size_t i = 0; i < n;) {
		size_t len = len_of(p + i, n - i);
		if (text && i)
			sb_putc(sb, ',');
		if (!text)
			sb_puts(sb, indent);
		if (len == 0 || len > n - i) {
			if (text)
				sb_puts(sb, "malformed");
			else
				sb_printf(sb, "[malformed option: %zu bytes left]\n", n - i);
			return;
		}
		show(p + i, len, text, indent, sb);
		if (!text)
			sb_putc(sb, '\n');
		i += len;
	}
}

int optlist_hex(const char *s, uint8_t *out, size_t room, size_t *n)
{
	size_t len = strlen(s);
	if (len == 0 || len % 2 || len / 2 > room)
		return -1;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*n = len / 2;
	return 0;
}

int optlist_raw(const char *args, uint64_t *type, uint8_t *data, size_t room, size_t *n)
{
	size_t tlen = args ? strcspn(args, ":") : 0;
	char text[8] = "";
	*n = 0;
	if (args && tlen < sizeof text)
		memcpy(text, args, tlen);
	if (!args || tlen >= sizeof text || parse_uint(text, 255, type) ||
	    (args[tlen] && args[tlen + 1] && optlist_hex(args + tlen + 1, data, room, n)))
		return -1;
	return 0;
}

void optlist_put_hex(struct strbuf *sb, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_printf(sb, "%02x", p[i]);
}

bool optlist_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

size_t optlist_pad_zeros(size_t from, size_t n)
{
	return n % 4 ? n - from : ((from + 3) & ~(size_t)3) == n ? 0 : n - 3 - from;
}

uint32_t optlist_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void optlist_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
