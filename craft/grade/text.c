/* text.c - UTF-8 text into JSON, YAML and XML (see text.h). */
#include <stdio.h>
#include <string.h>

#include "text.h"

#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD */

/* The length of the valid UTF-8 character `s` starts with (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_char(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
	if (n == 0 || c > 0xf4 || c == 0xc0 || c == 0xc1)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
	unsigned second = s[1];
	if ((c == 0xe0 && second < 0xa0) || (c == 0xed && second >= 0xa0) ||
	    (c == 0xf0 && second < 0x90) || (c == 0xf4 && second >= 0x90))
		return 0;
	return n;
}

/* Copies `s` into `out`: each ASCII byte through `ascii`, valid UTF-8 as
 * it is, U+FFFD for each other byte. */
static void walk(const char *s, struct strbuf *out, void (*ascii)(unsigned char, struct strbuf *))
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = *p < 0x80 ? 1 : utf8_char(p);
		if (*p < 0x80)
			ascii(*p, out);
		else if (n)
			sb_add(out, (const char *)p, n);
		else
			sb_puts(out, REPLACEMENT);
		p += n ? n : 1;
	}
}

/* JSON's and YAML's escapes, but for the controls', written by `control`. */
static void quoted_ascii(unsigned char c, struct strbuf *out, const char *control)
{
	if (c == '"' || c == '\\')
		sb_printf(out, "\\%c", c);
	else if (c == '\n' || c == '\t')
		sb_puts(out, c == '\n' ? "\\n" : "\\t");
	else if (c < 0x20 || c == 0x7f)
		sb_printf(out, control, c);
	else
		sb_putc(out, (char)c);
}

static void json_ascii(unsigned char c, struct strbuf *out)
{
	quoted_ascii(c, out, "\\u%04x");
}

static void yaml_ascii(unsigned char c, struct strbuf *out)
{
	quoted_ascii(c, out, "\\x%02x");
}

/* XML 1.0 has no place for the other controls, not even as references. */
static void xml_ascii(unsigned char c, struct strbuf *out, bool attr)
{
	const char *ref = c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" :
			  c == '"' ? "&quot;" : c == '\'' ? "&#39;" : c == '\r' ? "&#13;" :
			  attr && c == '\n' ? "&#10;" : attr && c == '\t' ? "&#9;" : NULL;
	if (ref)
		sb_puts(out, ref);
	else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
		sb_puts(out, REPLACEMENT);
	else
		sb_putc(out, (char)c);
}

static void xml_text_ascii(unsigned char c, struct strbuf *out)
{
	xml_ascii(c, out, false);
}

static void xml_attr_ascii(unsigned char c, struct strbuf *out)
{
	xml_ascii(c, out, true);
}

void text_json(const char *s, struct strbuf *out)
{
	sb_putc(out, '"');
	walk(s, out, json_ascii);
	sb_putc(out, '"');
}

void text_yaml(const char *s, struct strbuf *out)
{
	sb_putc(out, '"');
	walk(s, out, yaml_ascii);
	sb_putc(out, '"');
}

void text_xml(const char *s, bool attr, struct strbuf *out)
{
	walk(s, out, attr ? xml_attr_ascii : xml_text_ascii);
}
