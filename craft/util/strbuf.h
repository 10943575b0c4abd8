/*
 * strbuf.h - a growing string the library formats into, so that it never
 * prints: the CLI decides where text goes.
 */
#ifndef CRAFT_STRBUF_H
#define CRAFT_STRBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct strbuf {
	char *s;		/* always a NUL-terminated string, "" when empty */
	size_t len, cap;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
/* Makes room for `extra` more bytes and the NUL. */
void sb_grow(struct strbuf *sb, size_t extra);

/* The appenders the decoder calls per field are inline: a call, a check
 * and a copy, where printf would parse its format every time. */
static inline void sb_add(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap)
		sb_grow(sb, n);
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

static inline void sb_puts(struct strbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

static inline void sb_putc(struct strbuf *sb, char c)
{
	if (sb->len + 2 > sb->cap)
		sb_grow(sb, 1);
	sb->s[sb->len++] = c;
	sb->s[sb->len] = '\0';
}

/* Numbers by table, without printf: decimal ("%llu", "%lld"), decimal
 * zero-padded to `width` ("%0*llu"), lowercase hex zero-padded to `width`
 * ("%0*llx", no "0x"). */
void sb_u64(struct strbuf *sb, uint64_t v);
void sb_i64(struct strbuf *sb, int64_t v);
void sb_u64w(struct strbuf *sb, uint64_t v, unsigned width);
void sb_hexw(struct strbuf *sb, uint64_t v, unsigned width);
/* Bytes as lowercase hex pairs, `sep` between pairs unless it is '\0':
 * "0a1b" or "0a:1b". */
void sb_hex(struct strbuf *sb, const uint8_t *p, size_t n, char sep);

/* Lower-case hex digits, by value: every hex printer's one table. */
extern const char hex_digits[16];
/* A dotted quad, "%u.%u.%u.%u" of p[0..4). */
void sb_ipv4(struct strbuf *sb, const uint8_t *p);
/* "%.*f" of `v`, every digit as glibc prints it, by integer arithmetic. */
void sb_fixed(struct strbuf *sb, double v, unsigned decimals);
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends `n` words with `sep` between them, as a shell's "$*". */
void sb_join(struct strbuf *sb, char *const *words, size_t n, const char *sep);
/* Appends `s` as a JSON string literal, quotes included. */
void sb_json_str(struct strbuf *sb, const char *s, size_t n);
/* Makes what was appended since offset `from` a JSON string literal, in
 * place: text formatted straight into the buffer needs no copy of its own. */
void sb_json_quote(struct strbuf *sb, size_t from);
/* For the library's own names and numbers' text, which need no escaping:
 * ,"key": for a member after the first, and "word" for a value. */
static inline void sb_json_key(struct strbuf *sb, const char *key)
{
	sb_add(sb, ",\"", 2);
	sb_puts(sb, key);
	sb_add(sb, "\":", 2);
}

static inline void sb_json_word(struct strbuf *sb, const char *word)
{
	sb_putc(sb, '"');
	sb_puts(sb, word);
	sb_putc(sb, '"');
}
/* Appends `s` as HTML text, safe in an element or a quoted attribute:
 * <>&"' as character references, control characters (but tab and newline)
 * as U+FFFD.  Captured bytes reach pages through it. */
void sb_html_str(struct strbuf *sb, const char *s, size_t n);

#endif
