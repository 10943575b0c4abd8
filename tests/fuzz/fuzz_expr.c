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
 *     hex, or variables holding them) joined by + and -, at most 16, the sum
 *     wrapping at 32 bits.
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

/* 1 with the text in `out`, 0 for an error. */
static int ref_eval(const char *s, size_t len, char *out, size_t outlen)
{
	struct { const char *s; size_t n; bool name; } t[17];
	char op[17];
	size_t nt = 0, i = 0;
	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= len || nt == 16)
			return 0;
		size_t b = i;
		if (isalpha((unsigned char)s[i]) || s[i] == '_') {
			t[nt].name = true;
			while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.'))
				i++;
		} else if (isdigit((unsigned char)s[i])) {
			t[nt].name = false;
			while (i < len && isalnum((unsigned char)s[i]))
				i++;
		} else {
			return 0;
		}
		t[nt].s = s + b;
		t[nt].n = i - b;
		nt++;
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= len)
			break;
		if (s[i] != '+' && s[i] != '-')
			return 0;
		op[nt - 1] = s[i++];
	}
	const char *val[17];
	for (size_t k = 0; k < nt; k++)
		if (t[k].name && !(val[k] = ref_var(t[k].s, t[k].n)))
			return 0;
	if (nt == 1 && t[0].name) {
		snprintf(out, outlen, "%s", val[0]);
		return 1;
	}
	uint64_t lone;
	if (nt == 1 && ref_number(t[0].s, t[0].n, &lone)) {
		snprintf(out, outlen, "%llu", (unsigned long long)lone);
		return 1;
	}
	uint32_t acc = 0;
	for (size_t k = 0; k < nt; k++) {
		uint64_t v;
		if (t[k].name ? !ref_number(val[k], strlen(val[k]), &v) : !ref_number(t[k].s, t[k].n, &v))
			return 0;
		if (v > UINT32_MAX)
			return 0;
		acc = k == 0 || op[k - 1] == '+' ? acc + (uint32_t)v : acc - (uint32_t)v;
	}
	snprintf(out, outlen, "%u", acc);
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
