/*
 * lex.h - the text layer shared by templates and scenarios: logical lines
 * (with `\` continuation) whose every byte remembers its source line and
 * column, and values with quoting, escapes and ${...} substitution.
 */
#ifndef CRAFT_LEX_H
#define CRAFT_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/diag.h"
#include "../util/infile.h"
#include "../core/layer.h"
#include "../util/strbuf.h"
#include "../core/vars.h"

struct src_line {
	const char *s;
	const struct srcpos *pos;	/* pos[i] for s[i]; pos[len] ends it */
	size_t len;
};

struct src {
	char *text;
	struct srcpos *pos;
	struct src_line *lines;
	size_t nlines;
};

/* Splits `text` into logical lines.  Never fails; NUL bytes are kept. */
void src_split(struct src *src, const char *text, size_t len);
/* The same for a text that starts on line `first_line` of its file (a
 * frame of a file of several), so that positions name the file's lines. */
void src_split_at(struct src *src, const char *text, size_t len, unsigned first_line);
void src_free(struct src *src);
#define SRC_MAX_BYTES (1u << 20)	/* a template or scenario */
#define SRC_MAX_LINE (1u << 16)

/* Refuses a text over 1 MiB or with a line over 64 KiB, with the place:
 * a template is a few lines, and such input is a mistake (a capture given
 * as a template, say), not something to parse slowly. */
int src_check_size(const char *file, const char *text, size_t len, struct diag *d);
/* The same for a text from line `first_line` of its file on. */
int src_check_size_at(const char *file, const char *text, size_t len, unsigned first_line,
		      struct diag *d);

/* A whole text file (up to 16 MiB, regular), NUL-terminated, in *text. */
enum infile_fault src_read_file(const char *path, char **text, size_t *len);

/* A cursor over one logical line. */
struct lexer {
	const struct src_line *ln;
	size_t i;
	const char *file;
	const struct vars *vars;
};

void lex_skip_space(struct lexer *lx);
/* At end of line or at a comment. */
bool lex_at_end(struct lexer *lx);
struct srcpos lex_pos(const struct lexer *lx);
/* A word of [A-Za-z0-9_.+-]; returns its length (0 if none). */
size_t lex_word(struct lexer *lx, const char **start);
/* A value up to unquoted white space: quotes, escapes, ${...} resolved. */
int lex_value(struct lexer *lx, struct strbuf *out, struct diag *d);
/* The same, stopping also at an unquoted `stop` byte (left unread). */
int lex_value_until(struct lexer *lx, char stop, struct strbuf *out, struct diag *d);

/* Evaluates the inside of ${...} (expr.c): a NAME, or integer arithmetic
 * with + - * / % and parentheses, wrapping at 32 bits.  `pos` gives the
 * position of each byte of `s`.  A name vars_unmade() knows sets d->unmade. */
int expr_eval(const char *s, size_t len, const struct srcpos *pos,
	      const char *file, const struct vars *vars, struct strbuf *out,
	      struct diag *d);

#endif
