/* lex.c - logical lines, values, escapes and ${...} (evaluated by expr.c). */
#include "lex.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../core/field.h"
#include "../util/xalloc.h"

/* Whether a comment starts in text[b, e): a # at the start of a word,
 * outside quotes.  A backslash inside a comment continues nothing.
 * `quoted` carries a string left open at the end of the previous physical
 * line of the same logical line into this one. */
static bool has_comment(const char *text, size_t b, size_t e, bool *quoted)
{
	for (size_t k = b; k < e; k++) {
		if (text[k] == '\\' && *quoted)
			k++;
		else if (text[k] == '"')
			*quoted = !*quoted;
		else if (text[k] == '#' && !*quoted && (k == b || text[k - 1] == ' ' || text[k - 1] == '\t'))
			return true;
	}
	return false;
}

void src_split(struct src *src, const char *text, size_t len)
{
	src_split_at(src, text, len, 1);
}

void src_split_at(struct src *src, const char *text, size_t len, unsigned first_line)
{
	memset(src, 0, sizeof *src);
	src->text = xmalloc(len + 1);
	src->pos = xmalloc((len + 1) * sizeof *src->pos);
	/* Every physical line may start a logical one. */
	size_t maxlines = 1;
	for (size_t i = 0; i < len; i++)
		maxlines += text[i] == '\n';
	src->lines = xmalloc(maxlines * sizeof *src->lines);

	size_t out = 0, i = 0;
	unsigned line = first_line;
	while (i < len) {
		size_t start = out;
		bool quoted = false;
		for (;;) {
			size_t eol = i;
			while (eol < len && text[eol] != '\n')
				eol++;
			size_t end = eol;
			while (end > i && (text[end - 1] == '\r' || text[end - 1] == ' ' ||
					   text[end - 1] == '\t'))
				end--;
			bool more = end > i && text[end - 1] == '\\' && eol < len &&
				    !has_comment(text, i, end, &quoted);
			if (more)
				end--;
			for (size_t k = i; k < end; k++) {
				src->text[out] = text[k];
				src->pos[out] = (struct srcpos){ line, (unsigned)(k - i + 1) };
				out++;
			}
			src->pos[out] = (struct srcpos){ line, (unsigned)(end - i + 1) };
			i = eol < len ? eol + 1 : eol;
			line++;
			if (!more)
				break;
		}
		src->lines[src->nlines++] = (struct src_line){
			src->text + start, src->pos + start, out - start };
		/* The next line's first byte gets pos[out]; keep this one's end. */
		src->text[out] = '\0';
		if (i < len)
			out++;
	}
}

int src_check_size(const char *file, const char *text, size_t len, struct diag *d)
{
	return src_check_size_at(file, text, len, 1, d);
}

int src_check_size_at(const char *file, const char *text, size_t len, unsigned first_line,
		      struct diag *d)
{
	if (len > SRC_MAX_BYTES) {
		diag_set(d, file, first_line, 1, "%zu bytes: a template or scenario is at most "
			 "1 MiB (is this the file you meant?)", len);
		return -1;
	}
	unsigned line = first_line;
	for (size_t start = 0, i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		if (i - start > SRC_MAX_LINE) {
			diag_set(d, file, line, SRC_MAX_LINE + 1,
				 "line %u is %zu bytes long: lines are at most 64 KiB", line,
				 i - start);
			return -1;
		}
		start = i + 1;
		line++;
	}
	return 0;
}

enum infile_fault src_read_file(const char *path, char **text, size_t *len)
{
	return infile_read(path, 1u << 24, text, len);	/* no template is 16 MiB */
}

void src_free(struct src *src)
{
	free(src->text);
	free(src->pos);
	free(src->lines);
	memset(src, 0, sizeof *src);
}

void lex_skip_space(struct lexer *lx)
{
	while (lx->i < lx->ln->len && (lx->ln->s[lx->i] == ' ' || lx->ln->s[lx->i] == '\t'))
		lx->i++;
}

bool lex_at_end(struct lexer *lx)
{
	return lx->i >= lx->ln->len || lx->ln->s[lx->i] == '#';
}

struct srcpos lex_pos(const struct lexer *lx)
{
	return lx->ln->pos[lx->i < lx->ln->len ? lx->i : lx->ln->len];
}

static bool word_char(int c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-' || c == '+';
}

size_t lex_word(struct lexer *lx, const char **start)
{
	size_t b = lx->i;
	while (lx->i < lx->ln->len && word_char((unsigned char)lx->ln->s[lx->i]))
		lx->i++;
	*start = lx->ln->s + b;
	return lx->i - b;
}

/* ${...} at s[i]; on success i is past the closing brace. */
static int lex_subst(struct lexer *lx, struct strbuf *out, struct diag *d)
{
	const struct src_line *ln = lx->ln;
	size_t open = lx->i, close = open + 2;
	while (close < ln->len && ln->s[close] != '}')
		close++;
	if (close >= ln->len) {
		diag_set(d, lx->file, ln->pos[open].line, ln->pos[open].col,
			 "unterminated ${: add the closing }");
		return -1;
	}
	if (expr_eval(ln->s + open + 2, close - open - 2, ln->pos + open + 2,
		      lx->file, lx->vars, out, d))
		return -1;
	lx->i = close + 1;
	return 0;
}

static int lex_escape(struct lexer *lx, struct strbuf *out, struct diag *d)
{
	const struct src_line *ln = lx->ln;
	size_t at = lx->i;
	char c = at + 1 < ln->len ? ln->s[at + 1] : '\0';
	static const char simple_in[] = "ntr0\"\\$", simple_out[] = "\n\t\r\0\"\\$";
	const char *p = c ? strchr(simple_in, c) : NULL;
	if (p) {
		sb_putc(out, simple_out[p - simple_in]);
		lx->i += 2;
		return 0;
	}
	if (c == 'x' && at + 3 < ln->len) {
		int hi = hex_digit((unsigned char)ln->s[at + 2]);
		int lo = hex_digit((unsigned char)ln->s[at + 3]);
		if (hi >= 0 && lo >= 0) {
			sb_putc(out, (char)(hi << 4 | lo));
			lx->i += 4;
			return 0;
		}
	}
	if (c == 'x')
		diag_set(d, lx->file, ln->pos[at].line, ln->pos[at].col,
			 "\\x needs two hex digits: \\x41");
	else if (c)
		diag_set(d, lx->file, ln->pos[at].line, ln->pos[at].col,
			 "unknown escape '\\%c': use \\n \\t \\r \\0 \\\" \\\\ \\$ or \\xNN", c);
	else
		diag_set(d, lx->file, ln->pos[at].line, ln->pos[at].col,
			 "unterminated string: add the closing \"");
	return -1;
}

int lex_value(struct lexer *lx, struct strbuf *out, struct diag *d)
{
	return lex_value_until(lx, ' ', out, d);
}

int lex_value_until(struct lexer *lx, char stop, struct strbuf *out, struct diag *d)
{
	const struct src_line *ln = lx->ln;
	while (lx->i < ln->len && ln->s[lx->i] != ' ' && ln->s[lx->i] != '\t' &&
	       ln->s[lx->i] != stop) {
		char c = ln->s[lx->i];
		if (c == '"') {
			size_t open = lx->i++;
			for (;;) {
				if (lx->i >= ln->len) {
					diag_set(d, lx->file, ln->pos[open].line, ln->pos[open].col,
						 "unterminated string: add the closing \"");
					return -1;
				}
				c = ln->s[lx->i];
				if (c == '"') {
					lx->i++;
					break;
				}
				if (c == '\\') {
					if (lex_escape(lx, out, d))
						return -1;
				} else if (c == '$' && lx->i + 1 < ln->len && ln->s[lx->i + 1] == '{') {
					if (lex_subst(lx, out, d))
						return -1;
				} else {
					sb_putc(out, c);
					lx->i++;
				}
			}
		} else if (c == '$' && lx->i + 1 < ln->len && ln->s[lx->i + 1] == '{') {
			if (lex_subst(lx, out, d))
				return -1;
		} else if (c == '\\') {
			diag_set(d, lx->file, ln->pos[lx->i].line, ln->pos[lx->i].col,
				 "escapes work only inside double quotes: write \"...\"");
			return -1;
		} else {
			sb_putc(out, c);
			lx->i++;
		}
	}
	return 0;
}
