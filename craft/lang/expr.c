/* expr.c - the inside of ${...}: a NAME (its text), a number (its value),
 * or integer arithmetic with + - * / % and parentheses, in 32 bits as
 * sequence numbers wrap (an operand over 32 bits is an error, not cut). */
#include "lex.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../core/field.h"

#define MAX_TERMS 16
#define MAX_DEPTH 16	/* nested parentheses */

/* A term (name or number) or an operator, in postfix order. */
struct item {
	const char *s;
	size_t len;
	size_t at;		/* offset in the expression, for errors */
	enum { IT_NAME, IT_NUMBER, IT_OP } kind;
};

struct parser {
	const char *s;
	size_t len, i;
	const struct srcpos *pos;
	const char *file;
	struct diag *d;
	struct item out[2 * MAX_TERMS];
	size_t nout, nterms;
};

static void skip_blank(struct parser *p)
{
	while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t'))
		p->i++;
}

static int fail_at(struct parser *p, size_t at, const char *msg, char c)
{
	diag_set(p->d, p->file, p->pos[at].line, p->pos[at].col, msg, c);
	return -1;
}

static int parse_sum(struct parser *p, unsigned depth);

/* NAME, number or ( sum ). */
static int parse_factor(struct parser *p, unsigned depth)
{
	skip_blank(p);
	if (p->i >= p->len || p->nterms == MAX_TERMS) {
		size_t at = p->i < p->len ? p->i : (p->len ? p->len - 1 : 0);
		size_t before = p->i;	/* what the missing term follows */
		while (before && (p->s[before - 1] == ' ' || p->s[before - 1] == '\t'))
			before--;
		diag_set(p->d, p->file, p->pos[at].line, p->pos[at].col, p->nterms == MAX_TERMS ?
			 "expression too long: at most 16 terms" : !before ?
			 "empty ${}: write ${NAME} or ${NAME + 1}" : p->s[before - 1] == '(' ?
			 "expected a name or number after '('" :
			 "expected a name or number after the operator");
		return -1;
	}
	const char *s = p->s;
	size_t b = p->i;
	if (s[b] == '(') {
		if (depth == MAX_DEPTH)
			return fail_at(p, b, "parentheses nest 16 deep at most", 0);
		p->i++;
		if (parse_sum(p, depth + 1))
			return -1;
		skip_blank(p);
		if (p->i >= p->len || s[p->i] != ')')
			return fail_at(p, b, "unbalanced '%c': add the closing )", '(');
		p->i++;
		return 0;
	}
	struct item *it = &p->out[p->nout];
	if (isalpha((unsigned char)s[b]) || s[b] == '_') {
		it->kind = IT_NAME;
		while (p->i < p->len && (isalnum((unsigned char)s[p->i]) || s[p->i] == '_' ||
					 s[p->i] == '.'))
			p->i++;
	} else if (isdigit((unsigned char)s[b])) {
		it->kind = IT_NUMBER;
		while (p->i < p->len && isalnum((unsigned char)s[p->i]))
			p->i++;
	} else if (s[b]) {
		return fail_at(p, b, "unexpected '%c' in ${}: write ${NAME} or ${NAME + 1}", s[b]);
	} else {
		return fail_at(p, b, "unexpected NUL byte in ${}", 0);
	}
	it->s = s + b;
	it->len = p->i - b;
	it->at = b;
	p->nout++;
	p->nterms++;
	return 0;
}

/* Operands joined by the operators in `ops`, left to right; `next` parses
 * an operand. */
static int parse_chain(struct parser *p, unsigned depth, const char *ops,
		       int (*next)(struct parser *, unsigned))
{
	if (next(p, depth))
		return -1;
	for (;;) {
		skip_blank(p);
		if (p->i >= p->len || !strchr(ops, p->s[p->i]) || !p->s[p->i])
			return 0;
		size_t at = p->i++;
		if (next(p, depth))
			return -1;
		p->out[p->nout++] = (struct item){ p->s + at, 1, at, IT_OP };
	}
}

static int parse_product(struct parser *p, unsigned depth)
{
	return parse_chain(p, depth, "*/%", parse_factor);
}

static int parse_sum(struct parser *p, unsigned depth)
{
	return parse_chain(p, depth, "+-", parse_product);
}

static int number_of(struct parser *p, const struct item *it, const char *value, uint64_t *out)
{
	char buf[32];
	size_t n = strlen(value);
	if (n < sizeof buf && (it->kind == IT_NAME || it->len < sizeof buf)) {
		memcpy(buf, value, n + 1);
		if (parse_uint(buf, UINT64_MAX, out) == 0 && *out <= UINT32_MAX)
			return 0;
	}
	const struct srcpos *at = &p->pos[it->at];
	uint64_t wide;
	if (n < sizeof buf && parse_uint(buf, UINT64_MAX, &wide) == 0)
		diag_set(p->d, p->file, at->line, at->col, it->kind == IT_NAME ?
			 "variable '%.*s' is %s, over 32 bits: arithmetic is in 32 bits" :
			 "'%.*s' is over 32 bits: arithmetic is in 32 bits", (int)it->len, it->s,
			 value);
	else if (it->kind == IT_NAME)
		diag_set(p->d, p->file, at->line, at->col,
			 "variable '%.*s' is '%s', not a number: arithmetic needs integers",
			 (int)it->len, it->s, value);
	else if (it->len >= sizeof buf)
		diag_set(p->d, p->file, at->line, at->col, "'%.*s' is too long for a number",
			 (int)it->len, it->s);
	else
		diag_set(p->d, p->file, at->line, at->col, "'%.*s' is not a number",
			 (int)it->len, it->s);
	return -1;
}

/* A name's value; a missing one is unknown, or unmade (vars_unmade). */
static const char *value_of(struct parser *p, const struct item *it, const struct vars *vars)
{
	const char *v = vars_get(vars, it->s, it->len);
	if (v)
		return v;
	const struct srcpos *at = &p->pos[it->at];
	const struct unmade *um = vars_unmade(vars, it->s, it->len);
	if (um) {
		diag_set(p->d, p->file, at->line, at->col, "needs ${%.*s}: %s", (int)it->len,
			 it->s, um->why);
		p->d->unmade = true;
		p->d->by_failure = um->failed;
		snprintf(p->d->why, sizeof p->d->why, "%s", um->why);
	} else {
		diag_set(p->d, p->file, at->line, at->col,
			 "unknown variable '%.*s': define it with -D %.*s=VALUE", (int)it->len,
			 it->s, (int)it->len, it->s);
	}
	return NULL;
}

int expr_eval(const char *s, size_t len, const struct srcpos *pos,
	      const char *file, const struct vars *vars, struct strbuf *out,
	      struct diag *d)
{
	struct parser p = { .s = s, .len = len, .pos = pos, .file = file, .d = d };
	if (parse_sum(&p, 0))
		return -1;
	skip_blank(&p);
	if (p.i < len)
		return fail_at(&p, p.i, s[p.i] == ')' ? "unbalanced '%c': no ( opens it" :
			       "unexpected '%c' in ${}: only + - * / %% and ( ) combine terms",
			       s[p.i]);
	/* Every name is looked up before any arithmetic, so that an unknown
	 * one is named before a value that is not a number. */
	const char *values[2 * MAX_TERMS];
	for (size_t k = 0; k < p.nout; k++)
		if (p.out[k].kind == IT_NAME && !(values[k] = value_of(&p, &p.out[k], vars)))
			return -1;
	if (p.nout == 1 && p.out[0].kind == IT_NAME) {
		sb_puts(out, values[0]);	/* a bare name is its text */
		return 0;
	}
	uint64_t lit;
	char one[32];
	if (p.nout == 1 && p.out[0].len < sizeof one) {	/* a bare number: as is, any width */
		snprintf(one, sizeof one, "%.*s", (int)p.out[0].len, p.out[0].s);
		if (parse_uint(one, UINT64_MAX, &lit) == 0) {
			sb_printf(out, "%llu", (unsigned long long)lit);
			return 0;
		}
	}
	uint64_t stack[MAX_TERMS];
	size_t depth = 0;
	for (size_t k = 0; k < p.nout; k++) {
		const struct item *it = &p.out[k];
		if (it->kind != IT_OP) {
			char lit[32];
			snprintf(lit, sizeof lit, "%.*s", (int)it->len, it->s);
			if (number_of(&p, it, it->kind == IT_NAME ? values[k] : lit, &stack[depth++]))
				return -1;
			continue;
		}
		uint64_t b = stack[--depth], a = stack[depth - 1], r;
		switch (it->s[0]) {
		case '+': r = a + b; break;
		case '-': r = a - b; break;
		case '*': r = a * b; break;
		default:
			if (b == 0)
				return fail_at(&p, it->at, "'%c' by zero", it->s[0]);
			r = it->s[0] == '/' ? a / b : a % b;
		}
		/* Sequence-number arithmetic: wrap at 32 bits like the field does. */
		stack[depth - 1] = r & 0xffffffffu;
	}
	sb_printf(out, "%llu", (unsigned long long)stack[0]);
	return 0;
}
