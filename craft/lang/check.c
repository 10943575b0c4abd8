/* check.c - `check EXPR OP EXPR`: two values compared, as numbers when
 * both are, else as addresses or text. */
#include "scenario.h"

#include <stdio.h>
#include <string.h>

#include "../core/addr.h"
#include "../core/field.h"

size_t check_op(const struct src_line *ln, size_t from, size_t *oplen)
{
	bool quoted = false;
	unsigned braces = 0;
	for (size_t i = from; i < ln->len; i++) {
		char c = ln->s[i], next = i + 1 < ln->len ? ln->s[i + 1] : '\0';
		if (quoted) {
			if (c == '\\')
				i++;
			else if (c == '"')
				quoted = false;
		} else if (c == '"') {
			quoted = true;
		} else if (c == '$' && next == '{') {
			braces++;
			i++;
		} else if (c == '}' && braces) {
			braces--;
		} else if (braces) {
			continue;
		} else if (c == '#' && (i == 0 || ln->s[i - 1] == ' ' || ln->s[i - 1] == '\t')) {
			break;		/* a comment */
		} else if (c == '<' || c == '>' || ((c == '=' || c == '!') && next == '=')) {
			*oplen = next == '=' ? 2 : 1;
			return i;
		}
	}
	*oplen = 0;
	return ln->len;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* One side, ln->s[b, e): a value as set's (quotes, ${...}), an address or
 * MAC as written, else an expression as inside ${...}. */
static int side_value(const struct src_line *ln, size_t b, size_t e, const char *file,
		      const struct vars *vars, struct strbuf *out, bool *quoted, struct diag *d)
{
	while (b < e && blank(ln->s[b]))
		b++;
	while (e > b && blank(ln->s[e - 1]))
		e--;
	struct src_line side = { ln->s + b, ln->pos + b, e - b };
	if (!side.len) {
		diag_set(d, file, side.pos[0].line, side.pos[0].col,
			 "check needs a value on both sides: check data.tcp.len == 13");
		return -1;
	}
	bool spaced = false, value = false;
	*quoted = false;
	for (size_t i = 0; i < side.len; i++) {
		spaced |= blank(side.s[i]);
		*quoted |= side.s[i] == '"';
		value |= side.s[i] == '"' || (side.s[i] == '$' && i + 1 < side.len &&
					      side.s[i + 1] == '{');
	}
	if (value) {
		struct lexer lx = { .ln = &side, .i = 0, .file = file, .vars = vars };
		if (lex_value(&lx, out, d))
			return -1;
		lex_skip_space(&lx);
		if (lx.i < side.len) {
			struct srcpos at = lex_pos(&lx);
			diag_set(d, file, at.line, at.col, "one value a side: quote text with "
				 "spaces (\"...\"), or write the sum bare (a + 1)");
			return -1;
		}
		return 0;
	}
	char word[64];
	struct addr a;
	uint64_t mac;
	snprintf(word, sizeof word, "%.*s", (int)side.len, side.s);
	if (!spaced && side.len < sizeof word &&
	    (addr_parse(side.s, side.len, &a) == 0 || parse_mac(word, &mac) == 0)) {
		sb_puts(out, word);
		return 0;
	}
	return expr_eval(side.s, side.len, side.pos, file, vars, out, d);
}

/* Text when either side was quoted ("007" is no 7); else numbers by value,
 * addresses of one kind and MACs by their bytes (10.0.0.9 < 10.0.0.10),
 * the rest by their text. */
static int compare(const char *x, const char *y, bool text)
{
	uint64_t u, v;
	if (text)
		return strcmp(x, y);
	if (parse_uint(x, UINT64_MAX, &u) == 0 && parse_uint(y, UINT64_MAX, &v) == 0)
		return u < v ? -1 : u > v;
	struct addr a, b;
	if (addr_parse(x, strlen(x), &a) == 0 && addr_parse(y, strlen(y), &b) == 0 &&
	    a.family == b.family)
		return memcmp(a.b, b.b, a.len);
	uint64_t m, n;
	if (parse_mac(x, &m) == 0 && parse_mac(y, &n) == 0)
		return m < n ? -1 : m > n;
	return strcmp(x, y);
}

int check_eval(const struct step *st, const struct vars *vars, struct check_result *res,
	       struct diag *d)
{
	size_t oplen, op = check_op(&st->arg, 0, &oplen);
	struct strbuf lhs, rhs, msg;
	sb_init(&lhs);
	sb_init(&rhs);
	sb_init(&msg);
	int rc = -1;
	bool lq, rq;
	if (side_value(&st->arg, 0, op, st->file, vars, &lhs, &lq, d) ||
	    side_value(&st->arg, op + oplen, st->arg.len, st->file, vars, &rhs, &rq, d) ||
	    (st->message.len && scenario_expand(&st->message, st->file, vars, &msg, d)))
		goto out;
	const char *o = st->arg.s + op;
	int c = compare(lhs.s, rhs.s, lq || rq);
	res->held = o[0] == '=' ? c == 0 : o[0] == '!' ? c != 0 :
		    o[0] == '<' ? (oplen == 2 ? c <= 0 : c < 0) : (oplen == 2 ? c >= 0 : c > 0);
	snprintf(res->expected, sizeof res->expected, "%.*s %s", (int)oplen, o, rhs.s);
	snprintf(res->got, sizeof res->got, "%s", lhs.s);
	snprintf(res->message, sizeof res->message, "%s", msg.s);
	rc = 0;
out:
	sb_free(&lhs);
	sb_free(&rhs);
	sb_free(&msg);
	return rc;
}
