/*
 * fuzz_expr.c - libFuzzer target for values and ${...} expressions
 * (craft/lex.c): every logical line of the input is read
 *   - as a list of values, the way `set` and `print` read theirs
 *     (lex_value: quotes, escapes, ${...}),
 *   - as field=value pairs, the way a template line is read
 *     (lex_value_until '='),
 *   - as the inside of ${...} itself (expr_eval), checked against a
 *     reference evaluator written from lex.h's promise: a NAME or a number
 *     (its value as is), or integer terms of at most 32 bits (decimal or 0x
 *     hex, or variables holding them) joined by + - * / % with parentheses,
 *     at most 16 terms, each step wrapping at 32 bits, / and % by zero an
 *     error.
 *
 * Besides memory errors it traps on an error without a message or position,
 * a lexer that does not advance or runs past its line, and any disagreement
 * with the reference.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../craft/lang/lex.h"
#include "../../craft/util/strbuf.h"
#include "../../craft/core/vars.h"

static struct vars vs;

static const char *const defs[][2] = {
	{ "A", "1" }, { "B", "4294967295" }, { "N", "7" }, { "X", "0x10" },
	{ "S", "abc" }, { "E", "" }, { "SP", " 5" }, { "NL", "5\n" },
	{ "BIG", "18446744073709551615" }, { "OVER", "18446744073709551616" },
	{ "HEX", "0xffffffffffffffff" }, { "HEX17", "0x10000000000000000" },
	{ "LONG", "0000000000000000000000000000000000001" }, { "ZX", "0x" },
	{ "OCT", "010" }, { "NEG", "-1" }, { "PLUS", "+1" }, { "EXPR", "${A}" },
	{ "synack.tcp.seq", "4294967290" }, { "reply.label", "open" },
	{ "iface.ip", "10.0.0.1" }, { "iface.mac", "02:00:00:00:00:aa" },
	{ "_u", "3" }, { "a.b.c.d", "9" },
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	vars_init(&vs);
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
		vars_set(&vs, defs[i][0], defs[i][1]);
	return 0;
}

static void fail(const char *what, const struct src_line *ln)
{
	fprintf(stderr, "fuzz_expr: %s (line of %zu bytes: \"%.*s\")\n", what, ln->len,
		(int)(ln->len < 200 ? ln->len : 200), ln->s);
	abort();
}

static void need_position(const struct diag *d, const struct src_line *ln)
{
	if (!d->msg[0] || !d->line || !d->col)
		fail("error without a message or position", ln);
	/* The position is one of the line's own bytes (or its end). */
	bool found = false;
	for (size_t i = 0; i <= ln->len && !found; i++)
		found = ln->pos[i].line == d->line && ln->pos[i].col == d->col;
	if (!found)
		fail("error position outside the line", ln);
}

/* --- the reference ---------------------------------------------------- */

/* parse_uint's grammar: decimal digits, or 0x/0X and hex digits; fits 64 bits. */
static bool ref_number(const char *s, size_t n, uint64_t *out)
{
	if (n == 0 || n >= 32 || !isdigit((unsigned char)s[0]))
		return false;
	uint64_t v = 0;
	size_t i = 0;
	unsigned base = 10;
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
		if (n == 2)
			return false;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned dig;
		if (c >= '0' && c <= '9')
			dig = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			dig = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			dig = c - 'A' + 10;
		else
			return false;
		if (v > (UINT64_MAX - dig) / base)
			return false;
		v = v * base + dig;
	}
	*out = v;
	return true;
}

static const char *ref_var(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
		if (strlen(defs[i][0]) == n && memcmp(defs[i][0], s, n) == 0)
			return defs[i][1];
	return NULL;
}

/* A recursive-descent reading of lex.h's grammar: sum = product {(+|-)
 * product}, product = factor {(*|/|%) factor}, factor = NAME | number |
 * ( sum ), at most 16 terms and 16 nested parentheses.  The first pass
 * (eval false) checks the syntax and the names; the second computes, each
 * step in 32 bits. */
struct ref {
	const char *s;
	size_t n, i, terms;
	bool eval;
	const char *lone;	/* the one term's text, when there is one */
	size_t lone_n;
};

static void ref_blank(struct ref *r)
{
	while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t'))
		r->i++;
}

static bool ref_sum(struct ref *r, unsigned depth, uint32_t *v);

static bool ref_factor(struct ref *r, unsigned depth, uint32_t *v)
{
	ref_blank(r);
	if (r->i >= r->n || r->terms == 16)
		return false;
	const char *s = r->s;
	size_t b = r->i;
	if (s[b] == '(') {
		if (depth == 16)
			return false;
		r->i++;
		if (!ref_sum(r, depth + 1, v))
			return false;
		ref_blank(r);
		if (r->i >= r->n || s[r->i] != ')')
			return false;
		r->i++;
		return true;
	}
	bool name = isalpha((unsigned char)s[b]) || s[b] == '_';
	if (name)
		while (r->i < r->n && (isalnum((unsigned char)s[r->i]) || s[r->i] == '_' || s[r->i] == '.'))
			r->i++;
	else if (isdigit((unsigned char)s[b]))
		while (r->i < r->n && isalnum((unsigned char)s[r->i]))
			r->i++;
	else
		return false;
	r->terms++;
	r->lone = s + b;
	r->lone_n = r->i - b;
	const char *text = name ? ref_var(s + b, r->i - b) : s + b;
	if (name && !text)
		return false;
	if (!r->eval)
		return true;
	uint64_t w;
	if (!ref_number(text, name ? strlen(text) : r->i - b, &w) || w > UINT32_MAX)
		return false;
	*v = (uint32_t)w;
	return true;
}

static bool ref_product(struct ref *r, unsigned depth, uint32_t *v)
{
	if (!ref_factor(r, depth, v))
		return false;
	for (;;) {
		ref_blank(r);
		if (r->i >= r->n || !r->s[r->i] || !strchr("*/%", r->s[r->i]))
			return true;
		char op = r->s[r->i++];
		uint32_t w = 0;
		if (!ref_factor(r, depth, &w))
			return false;
		if (!r->eval)
			continue;
		if (op == '*')
			*v *= w;
		else if (w == 0)
			return false;
		else
			*v = op == '/' ? *v / w : *v % w;
	}
}

static bool ref_sum(struct ref *r, unsigned depth, uint32_t *v)
{
	if (!ref_product(r, depth, v))
		return false;
	for (;;) {
		ref_blank(r);
		if (r->i >= r->n || (r->s[r->i] != '+' && r->s[r->i] != '-'))
			return true;
		char op = r->s[r->i++];
		uint32_t w = 0;
		if (!ref_product(r, depth, &w))
			return false;
		if (r->eval)
			*v = op == '+' ? *v + w : *v - w;
	}
}

/* 1 with the text in `out`, 0 for an error. */
static int ref_eval(const char *s, size_t len, char *out, size_t outlen)
{
	struct ref r = { .s = s, .n = len };
	uint32_t v = 0;
	if (!ref_sum(&r, 0, &v))
		return 0;
	ref_blank(&r);
	if (r.i < len)
		return 0;
	if (r.terms == 1) {	/* a lone name is its text, a lone number its value */
		const char *text = isdigit((unsigned char)r.lone[0]) ? NULL : ref_var(r.lone, r.lone_n);
		uint64_t lone;
		if (text)
			snprintf(out, outlen, "%s", text);
		else if (ref_number(r.lone, r.lone_n, &lone))
			snprintf(out, outlen, "%llu", (unsigned long long)lone);
		else
			return 0;
		return 1;
	}
	r = (struct ref){ .s = s, .n = len, .eval = true };
	if (!ref_sum(&r, 0, &v))
		return 0;
	snprintf(out, outlen, "%u", v);
	return 1;
}

/* --- the target ------------------------------------------------------- */

static void values(const struct src_line *ln, char stop)
{
	struct lexer lx = { .ln = ln, .i = 0, .file = "fuzz.lab", .vars = &vs };
	struct strbuf out;
	sb_init(&out);
	for (;;) {
		lex_skip_space(&lx);
		if (lex_at_end(&lx))
			break;
		size_t before = lx.i;
		struct diag d;
		memset(&d, 0, sizeof d);
		if (lex_value_until(&lx, stop, &out, &d)) {
			need_position(&d, ln);
			break;
		}
		if (lx.i > ln->len)
			fail("lexer past the end of the line", ln);
		if (lx.i < ln->len && ln->s[lx.i] == stop && stop != ' ')
			lx.i++;		/* key=value: on to the value */
		else if (lx.i == before)
			fail("lexer did not advance", ln);
		if (out.len != strlen(out.s) && !memchr(ln->s, '\\', ln->len) &&
		    !memchr(ln->s, '\0', ln->len) && !memchr(ln->s, '$', ln->len))
			fail("NUL in a value without an escape, a NUL or a ${}", ln);
	}
	sb_free(&out);
}

static void expression(const struct src_line *ln)
{
	struct strbuf out;
	sb_init(&out);
	struct diag d;
	memset(&d, 0, sizeof d);
	int rc = expr_eval(ln->s, ln->len, ln->pos, "fuzz.lab", &vs, &out, &d);
	char want[64];
	int ok = ref_eval(ln->s, ln->len, want, sizeof want);
	if (rc) {
		need_position(&d, ln);
		if (ok) {
			fprintf(stderr, "fuzz_expr: expr_eval failed (%s), the reference gives %s\n",
				d.msg, want);
			fail("disagreement", ln);
		}
	} else {
		if (!ok) {
			fprintf(stderr, "fuzz_expr: expr_eval gives '%s', the reference an error\n",
				out.s);
			fail("disagreement", ln);
		}
		if (strcmp(out.s, want) != 0) {
			fprintf(stderr, "fuzz_expr: expr_eval gives '%s', the reference '%s'\n",
				out.s, want);
			fail("disagreement", ln);
		}
	}
	sb_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct src src;
	src_split(&src, (const char *)data, size);
	for (size_t i = 0; i < src.nlines; i++) {
		const struct src_line *ln = &src.lines[i];
		values(ln, ' ');
		values(ln, '=');
		expression(ln);
	}
	src_free(&src);
	return 0;
}
