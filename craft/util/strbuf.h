/*
 * strbuf.h - a growing string the library formats into, so that it never
 * prints: the CLI decides where text goes.
 */
#ifndef CRAFT_STRBUF_H
#define CRAFT_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *s;		/* always a NUL-terminated string, "" when empty */
	size_t len, cap;
};

void sb_init(struct strbuf *sb);
void sb_free(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends `n` words with `sep` between them, as a shell's "$*". */
void sb_join(struct strbuf *sb, char *const *words, size_t n, const char *sep);
/* Appends `s` as a JSON string literal, quotes included. */
void sb_json_str(struct strbuf *sb, const char *s, size_t n);
/* Appends `s` as HTML text, safe in an element or a quoted attribute:
 * <>&"' as character references, control characters (but tab and newline)
 * as U+FFFD.  Captured bytes reach pages through it. */
void sb_html_str(struct strbuf *sb, const char *s, size_t n);

#endif
