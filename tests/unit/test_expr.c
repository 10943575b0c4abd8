/*
 * test_expr.c - the text layer: ${...} expressions with 32-bit wrap-around,
 * values with quotes and escapes, and logical lines whose every byte keeps
 * its physical line and column, so errors point where the user typed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../craft/lang/lex.h"
#include "../../craft/core/vars.h"

static struct vars vs;

static int setup(void **state)
{
	(void)state;
	vars_init(&vs);
	vars_set(&vs, "NAME", "hello");
	vars_set(&vs, "a", "41");
	vars_set(&vs, "x", "0");
	vars_set(&vs, "s", "abc");
	vars_set(&vs, "hx", "0x10");
	vars_set(&vs, "big", "4294967295");
	vars_set(&vs, "iface.ip", "10.0.0.1");
	vars_set(&vs, "synack.tcp.seq", "4294967290");
	vars_set(&vs, "empty", "");
	vars_set(&vs, "spacey", "a b");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vars_free(&vs);
	return 0;
}

/* The result of lexing one value: text, error, and where the cursor stopped. */
struct lexed {
	int rc;
	char out[256];
	size_t outlen;
	size_t stop;		/* lx.i after lex_value */
	struct diag d;
};

/* lex_value on the first logical line of `text`, starting at byte `at`. */
static struct lexed lexv_at(const char *text, size_t at)
{
	struct lexed r;
	memset(&r, 0, sizeof r);
	struct src src;
	src_split(&src, text, strlen(text));
	static const struct srcpos endpos = { 1, 1 };
	struct src_line empty = { "", &endpos, 0 };
	struct lexer lx = { .ln = src.nlines ? &src.lines[0] : &empty, .i = at,
			    .file = "t.pkt", .vars = &vs };
	struct strbuf sb;
	sb_init(&sb);
	r.rc = lex_value(&lx, &sb, &r.d);
	r.stop = lx.i;
	r.outlen = sb.len < sizeof r.out ? sb.len : sizeof r.out - 1;
	memcpy(r.out, sb.s, r.outlen);
	sb_free(&sb);
	src_free(&src);
	return r;
}

static struct lexed lexv(const char *text)
{
	return lexv_at(text, 0);
}

#define assert_value(text, want) do { \
	struct lexed r_ = lexv(text); \
	if (r_.rc != 0) \
		fail_msg("%s: error %u:%u %s", text, r_.d.line, r_.d.col, r_.d.msg); \
	if (strcmp(r_.out, want) != 0) \
		fail_msg("%s: got '%s', want '%s'", text, r_.out, want); \
} while (0)

#define assert_error(text, wline, wcol, wmsg) do { \
	struct lexed r_ = lexv(text); \
	if (r_.rc == 0) \
		fail_msg("%s: no error, got '%s'", text, r_.out); \
	if (r_.d.line != (wline) || r_.d.col != (wcol)) \
		fail_msg("%s: error at %u:%u, want %u:%u (%s)", text, r_.d.line, \
			 r_.d.col, (unsigned)(wline), (unsigned)(wcol), r_.d.msg); \
	if (!strstr(r_.d.msg, wmsg)) \
		fail_msg("%s: message '%s' lacks '%s'", text, r_.d.msg, wmsg); \
	if (!r_.d.file || strcmp(r_.d.file, "t.pkt") != 0) \
		fail_msg("%s: error names no file", text); \
} while (0)

/* --- ${...} ------------------------------------------------------------- */

static void test_subst_names(void **state)
{
	(void)state;
	assert_value("${NAME}", "hello");
	assert_value("${ NAME }", "hello");
	assert_value("x${NAME}y", "xhelloy");
	assert_value("${a}${a}", "4141");
	assert_value("${iface.ip}", "10.0.0.1");
	assert_value("${synack.tcp.seq}", "4294967290");
	assert_value("${hx}", "0x10");		/* a bare name is its text */
	assert_value("${s}", "abc");
	assert_value("${spacey}", "a b");
	assert_value("${empty}", "");
	assert_value("\"${NAME} world\"", "hello world");
}

static void test_subst_arithmetic(void **state)
{
	(void)state;
	assert_value("${a + 1}", "42");
	assert_value("${a+1}", "42");
	assert_value("${a - 1}", "40");
	assert_value("${x - 1}", "4294967295");
	assert_value("${0xffffffff + 1}", "0");
	assert_value("${big + 1}", "0");
	assert_value("${big + big}", "4294967294");
	assert_value("${synack.tcp.seq + 10}", "4");
	assert_value("${a + 1 - 2 + 10}", "50");
	assert_value("${1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16}", "136");
	assert_value("${0 - 1 - 1}", "4294967294");
	assert_value("${hx + 1}", "17");	/* hex-valued variable */
	assert_value("${0x10 + 0X0f}", "31");
	assert_value("${5}", "5");
	assert_value("${0x10}", "16");
	assert_value("${007}", "7");
	assert_value("${4294967296}", "4294967296");	/* a lone literal is as is */
	assert_value("seq=${a + 1}!", "seq=42!");
	assert_value("\"${x - 1}\"", "4294967295");
	assert_value("${a\t+\t1}", "42");
}

/* * / % bind tighter than + -, each level left to right; parentheses
 * group; every step wraps at 32 bits as the sum does. */
static void test_subst_precedence(void **state)
{
	(void)state;
	assert_value("${a * 2}", "82");
	assert_value("${1 + 2 * 3}", "7");
	assert_value("${(1 + 2) * 3}", "9");
	assert_value("${2 * 3 + 1}", "7");
	assert_value("${10 - 4 - 3}", "3");		/* left to right */
	assert_value("${100 / 10 / 5}", "2");
	assert_value("${100 / (10 / 5)}", "50");
	assert_value("${17 % 5 * 2}", "4");
	assert_value("${17 - 7 % 4}", "14");
	assert_value("${a / 2}", "20");
	assert_value("${(a + 1) % 5}", "2");
	assert_value("${ ( ( a ) ) }", "41");
	assert_value("${0x10000 * 0x10000}", "0");	/* 32-bit wrap */
	assert_value("${(0 - 1) / 2}", "2147483647");
	assert_value("${synack.tcp.seq * 2 + 12}", "0");
	assert_value("${((((((((((((((((1))))))))))))))))}", "1");
}

static void test_subst_precedence_errors(void **state)
{
	(void)state;
	assert_error("${a / 0}", 1, 5, "'/' by zero");
	assert_error("${a % x}", 1, 5, "'%' by zero");
	assert_error("${1 / (a - 41)}", 1, 5, "'/' by zero");
	assert_error("${(a + 1}", 1, 3, "unbalanced '(': add the closing )");
	assert_error("${a + 1)}", 1, 8, "unbalanced ')': no ( opens it");
	assert_error("${()}", 1, 4, "unexpected ')'");
	assert_error("${a * }", 1, 6, "expected a name or number after the operator");
	assert_error("${(}", 1, 3, "expected a name or number after '('");
	assert_error("${4294967296 + 0}", 1, 3, "'4294967296' is over 32 bits");
	assert_error("${a + ( }", 1, 8, "expected a name or number after '('");
	assert_error("${a * * 2}", 1, 7, "unexpected '*'");
	assert_error("${(((((((((((((((((1)))))))))))))))))}", 1, 19, "16 deep at most");
	/* a name is looked up before any operator is applied */
	assert_error("${1 / 0 + nope}", 1, 11, "unknown variable 'nope'");
	assert_error("${s * 2}", 1, 3, "variable 's' is 'abc', not a number");
}

/* A name a failed step left unmade is told from an unknown one. */
static void test_subst_unmade(void **state)
{
	(void)state;
	vars_set(&vs, "gone.tcp.seq", "1");
	vars_unmake(&vs, "gone", "expect gone (line 3) failed", true, NULL);
	assert_null(vars_get(&vs, "gone.tcp.seq", 12));
	struct lexed r = lexv("${gone.tcp.seq + 1}");
	assert_int_equal(r.rc, -1);
	assert_true(r.d.unmade);
	assert_string_equal(r.d.msg, "needs ${gone.tcp.seq}: expect gone (line 3) failed");
	r = lexv("${gonex.tcp.seq}");	/* another step's name, merely alike */
	assert_int_equal(r.rc, -1);
	assert_false(r.d.unmade);
	assert_non_null(strstr(r.d.msg, "unknown variable"));
	vars_set(&vs, "gone.tcp.seq", "5");	/* made again: a value wins */
	assert_value("${gone.tcp.seq}", "5");
}

/* A literal longer than the 31 bytes copied must not be read as its prefix:
 * ${000...0001 + 1} is 2 (or an error), never 1. */
static void test_subst_long_literal(void **state)
{
	(void)state;
	struct lexed r = lexv("${0000000000000000000000000000000000000001 + 1}");
	if (r.rc == 0)
		assert_string_equal(r.out, "2");
	r = lexv("${00000000000000000000000000000000000000000000009}");
	if (r.rc == 0)
		assert_string_equal(r.out, "9");
}

static void test_subst_errors(void **state)
{
	(void)state;
	/* the column is that of the offending term, 1-based */
	assert_error("${nope}", 1, 3, "unknown variable 'nope'");
	assert_error("ab${ nope + 1}", 1, 6, "unknown variable 'nope'");
	assert_error("${a + nope}", 1, 7, "unknown variable 'nope'");
	assert_error("${a + nope}", 1, 7, "-D nope=VALUE");
	assert_error("\"x ${nope}\"", 1, 6, "unknown variable");
	assert_error("${s + 1}", 1, 3, "variable 's' is 'abc', not a number");
	assert_error("${1 + s}", 1, 7, "variable 's' is 'abc', not a number");
	assert_error("${iface.ip + 1}", 1, 3, "not a number");
	assert_error("${spacey + 0}", 1, 3, "not a number");
	assert_error("${empty + 0}", 1, 3, "not a number");
	assert_error("${1x + 1}", 1, 3, "'1x' is not a number");
	assert_error("${0x + 1}", 1, 3, "'0x' is not a number");
	assert_error("${}", 1, 3, "empty ${}");
	assert_error("${a +}", 1, 5, "expected a name or number after the operator");
	assert_error("${a + }", 1, 6, "expected a name or number after the operator");
	assert_error("${a & 2}", 1, 5, "unexpected '&'");
	assert_error("${a 2}", 1, 5, "only + - * / % and ( ) combine terms");
	assert_error("${-1}", 1, 3, "unexpected '-'");
	assert_error("${a + + 1}", 1, 7, "unexpected '+'");
	assert_error("${1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1}", 1, 35, "at most 16 terms");
	/* unterminated ${ points at the $ */
	assert_error("${a", 1, 1, "unterminated ${");
	assert_error("xy${a + 1", 1, 3, "unterminated ${");
	assert_error("\"${a\"", 1, 2, "unterminated ${");
}

/* Errors inside ${} on an indented, later line point into that line. */
static void test_subst_error_positions(void **state)
{
	(void)state;
	const char *text = "eth\n  ipv4 dst=${nope}\n";
	struct src src;
	src_split(&src, text, strlen(text));
	assert_int_equal(src.nlines, 2);
	const struct src_line *ln = &src.lines[1];
	const char *v = memchr(ln->s, '$', ln->len);
	assert_non_null(v);
	struct lexer lx = { .ln = ln, .i = (size_t)(v - ln->s), .file = "f.pkt", .vars = &vs };
	struct strbuf sb;
	sb_init(&sb);
	struct diag d;
	int rc = lex_value(&lx, &sb, &d);
	sb_free(&sb);
	src_free(&src);
	assert_int_equal(rc, -1);
	assert_int_equal(d.line, 2);
	assert_int_equal(d.col, 14);
	assert_string_equal(d.file, "f.pkt");

	/* the same through a continued line: the term sits on physical line 3 */
	text = "ipv4 \\\n  ttl=1 \\\n  dst=${a + nope}\n";
	src_split(&src, text, strlen(text));
	assert_int_equal(src.nlines, 1);
	ln = &src.lines[0];
	v = memchr(ln->s, '$', ln->len);
	assert_non_null(v);
	lx = (struct lexer){ .ln = ln, .i = (size_t)(v - ln->s), .file = "f.pkt", .vars = &vs };
	sb_init(&sb);
	rc = lex_value(&lx, &sb, &d);
	sb_free(&sb);
	src_free(&src);
	assert_int_equal(rc, -1);
	assert_int_equal(d.line, 3);
	assert_int_equal(d.col, 13);
}

/* expr_eval directly, with positions from a table. */
static void test_expr_eval_direct(void **state)
{
	(void)state;
	const char *e = "a + 1";
	struct srcpos pos[6];
	for (int i = 0; i < 6; i++)
		pos[i] = (struct srcpos){ 7, (unsigned)(20 + i) };
	struct strbuf sb;
	sb_init(&sb);
	struct diag d;
	assert_int_equal(expr_eval(e, strlen(e), pos, "x.pkt", &vs, &sb, &d), 0);
	assert_string_equal(sb.s, "42");
	sb_reset(&sb);
	e = "a + zz";
	assert_int_equal(expr_eval(e, strlen(e), pos, "x.pkt", &vs, &sb, &d), -1);
	assert_int_equal(d.line, 7);
	assert_int_equal(d.col, 24);
	/* no variables at all: names are unknown, numbers still work */
	sb_reset(&sb);
	e = "a";
	assert_int_equal(expr_eval(e, strlen(e), pos, "x.pkt", NULL, &sb, &d), -1);
	assert_non_null(strstr(d.msg, "unknown variable 'a'"));
	e = "2 - 3";
	assert_int_equal(expr_eval(e, strlen(e), pos, "x.pkt", NULL, &sb, &d), 0);
	assert_string_equal(sb.s, "4294967295");
	sb_free(&sb);
}

/* --- quoting and escapes -------------------------------------------------- */

static void test_values_plain(void **state)
{
	(void)state;
	struct lexed r = lexv("abc def");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "abc");
	assert_int_equal(r.stop, 3);
	r = lexv("abc\tdef");
	assert_string_equal(r.out, "abc");
	assert_int_equal(r.stop, 3);
	r = lexv("a=b,c:d");
	assert_string_equal(r.out, "a=b,c:d");
	r = lexv("");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "");
	assert_int_equal(r.stop, 0);
	/* a $ not followed by { is an ordinary byte */
	assert_value("$5", "$5");
	assert_value("a$", "a$");
	assert_value("\"$\"", "$");
	/* starting in the middle of a line */
	r = lexv_at("ttl=64 id=1", 4);
	assert_string_equal(r.out, "64");
	assert_int_equal(r.stop, 6);
}

static void test_values_quotes(void **state)
{
	(void)state;
	struct lexed r = lexv("\"a b\" next");
	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out, "a b");
	assert_int_equal(r.stop, 5);
	assert_value("a\"b c\"d", "ab cd");
	assert_value("\"\"", "");
	assert_value("\"x\"\"y\"", "xy");
	assert_value("\"#not a comment\"", "#not a comment");
	assert_value("\"tab\there\"", "tab\there");
	assert_value("\"\\n\\t\\\"\\\\\"", "\n\t\"\\");
	assert_value("\"\\x41\\x62\\x7E\"", "Ab~");
	assert_value("\"\\$\"", "$");
	assert_value("\"\\${a}\"", "${a}");	/* escaped: no substitution */
	assert_value("\"\\r\"", "\r");
	/* \0 and \x00 put a NUL in the value */
	r = lexv("\"a\\0b\\x00\"");
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.outlen, 4);
	assert_memory_equal(r.out, "a\0b\0", 4);
	/* \xNN takes exactly two digits */
	assert_value("\"\\x414\"", "A4");
}

static void test_values_errors(void **state)
{
	(void)state;
	assert_error("\"abc", 1, 1, "unterminated string");
	assert_error("xy\"abc def", 1, 3, "unterminated string");
	assert_error("\"abc\\", 1, 5, "unterminated string");
	assert_error("\"\\q\"", 1, 2, "unknown escape '\\q'");
	assert_error("\"ab\\x4\"", 1, 4, "\\x needs two hex digits");
	assert_error("\"\\xZZ\"", 1, 2, "\\x needs two hex digits");
	assert_error("\"\\x", 1, 2, "\\x needs two hex digits");
	assert_error("a\\nb", 1, 2, "escapes work only inside double quotes");
}

/* --- logical lines -------------------------------------------------------- */

static void test_src_split_lines(void **state)
{
	(void)state;
	struct src src;
	const char *text = "eth\n\n# comment\nipv4 dst=1.2.3.4\n";
	src_split(&src, text, strlen(text));
	assert_int_equal(src.nlines, 4);
	assert_int_equal(src.lines[0].len, 3);
	assert_memory_equal(src.lines[0].s, "eth", 3);
	assert_int_equal(src.lines[1].len, 0);
	assert_int_equal(src.lines[3].len, 16);
	assert_memory_equal(src.lines[3].s, "ipv4 dst=1.2.3.4", 16);
	assert_int_equal(src.lines[3].pos[0].line, 4);
	assert_int_equal(src.lines[3].pos[0].col, 1);
	assert_int_equal(src.lines[3].pos[5].col, 6);
	/* pos[len] is just past the last byte */
	assert_int_equal(src.lines[3].pos[16].line, 4);
	assert_int_equal(src.lines[3].pos[16].col, 17);
	src_free(&src);

	/* no final newline; CRLF; trailing blanks dropped */
	text = "a=1\r\nb=2  \t\r\nc";
	src_split(&src, text, strlen(text));
	assert_int_equal(src.nlines, 3);
	assert_int_equal(src.lines[0].len, 3);
	assert_int_equal(src.lines[1].len, 3);
	assert_memory_equal(src.lines[1].s, "b=2", 3);
	assert_int_equal(src.lines[2].len, 1);
	assert_int_equal(src.lines[2].pos[0].line, 3);
	src_free(&src);

	src_split(&src, "", 0);
	assert_int_equal(src.nlines, 0);
	src_free(&src);

	/* NUL bytes are kept as bytes */
	src_split(&src, "a\0b\nc", 5);
	assert_int_equal(src.nlines, 2);
	assert_int_equal(src.lines[0].len, 3);
	assert_int_equal(src.lines[0].s[1], '\0');
	assert_int_equal(src.lines[1].pos[0].line, 2);
	src_free(&src);
}

static void test_src_split_continuation(void **state)
{
	(void)state;
	struct src src;
	const char *text = "tcp sport=1 \\\n    dport=80 \\\n\tflags=SA\nudp\n";
	src_split(&src, text, strlen(text));
	assert_int_equal(src.nlines, 2);
	const struct src_line *ln = &src.lines[0];
	const char *want = "tcp sport=1     dport=80 \tflags=SA";
	assert_int_equal(ln->len, strlen(want));
	assert_memory_equal(ln->s, want, ln->len);
	/* every byte keeps its physical position */
	const char *d = memchr(ln->s, 'd', ln->len);
	assert_int_equal(d - ln->s, 16);
	assert_int_equal(ln->pos[16].line, 2);
	assert_int_equal(ln->pos[16].col, 5);
	const char *f = memchr(ln->s, 'f', ln->len);
	assert_int_equal(ln->pos[f - ln->s].line, 3);
	assert_int_equal(ln->pos[f - ln->s].col, 2);	/* a tab is one column */
	assert_int_equal(ln->pos[0].line, 1);
	assert_int_equal(ln->pos[11].line, 1);	/* the space before the backslash */
	assert_int_equal(ln->pos[11].col, 12);
	assert_int_equal(ln->pos[ln->len].line, 3);
	/* the next logical line starts on physical line 4 */
	assert_int_equal(src.lines[1].pos[0].line, 4);
	assert_int_equal(src.lines[1].pos[0].col, 1);
	src_free(&src);

	/* blanks after the backslash still continue; a backslash at EOF does not */
	text = "a \\  \nb\nc \\";
	src_split(&src, text, strlen(text));
	assert_int_equal(src.nlines, 2);
	assert_int_equal(src.lines[0].len, 3);
	assert_memory_equal(src.lines[0].s, "a b", 3);
	assert_int_equal(src.lines[0].pos[2].line, 2);
	assert_int_equal(src.lines[1].len, 3);
	assert_memory_equal(src.lines[1].s, "c \\", 3);
	assert_int_equal(src.lines[1].pos[0].line, 3);
	src_free(&src);

	/* continuation onto an empty last line */
	text = "a \\\n";
	src_split(&src, text, strlen(text));
	assert_int_equal(src.nlines, 1);
	assert_int_equal(src.lines[0].len, 2);
	src_free(&src);

	/* a chain: three physical lines, CRLF endings */
	text = "x\\\r\ny\\\r\nz\r\nw";
	src_split(&src, text, strlen(text));
	assert_int_equal(src.nlines, 2);
	assert_int_equal(src.lines[0].len, 3);
	assert_memory_equal(src.lines[0].s, "xyz", 3);
	assert_int_equal(src.lines[0].pos[2].line, 3);
	assert_int_equal(src.lines[0].pos[2].col, 1);
	assert_int_equal(src.lines[1].pos[0].line, 4);
	src_free(&src);
}

static void test_lexer_words(void **state)
{
	(void)state;
	struct src src;
	const char *text = "  ipv4\tdst=1.2.3.4 # c";
	src_split(&src, text, strlen(text));
	struct lexer lx = { .ln = &src.lines[0], .file = "t", .vars = &vs };
	lex_skip_space(&lx);
	assert_int_equal(lx.i, 2);
	assert_false(lex_at_end(&lx));
	assert_int_equal(lex_pos(&lx).col, 3);
	const char *w;
	assert_int_equal(lex_word(&lx, &w), 4);
	assert_memory_equal(w, "ipv4", 4);
	lex_skip_space(&lx);
	assert_int_equal(lex_word(&lx, &w), 3);
	assert_memory_equal(w, "dst", 3);
	assert_int_equal(lex_word(&lx, &w), 0);	/* at '=' */
	lx.i++;
	struct strbuf sb;
	sb_init(&sb);
	struct diag d;
	assert_int_equal(lex_value(&lx, &sb, &d), 0);
	assert_string_equal(sb.s, "1.2.3.4");
	sb_free(&sb);
	lex_skip_space(&lx);
	assert_true(lex_at_end(&lx));	/* at the comment */
	lx.i = src.lines[0].len;
	assert_true(lex_at_end(&lx));
	assert_int_equal(lex_pos(&lx).col, strlen(text) + 1);
	src_free(&src);
}

static void test_vars(void **state)
{
	(void)state;
	struct vars v;
	vars_init(&v);
	assert_null(vars_get(&v, "a", 1));
	assert_null(vars_get(NULL, "a", 1));
	for (int i = 0; i < 40; i++) {
		char name[16], val[16];
		snprintf(name, sizeof name, "v%d", i);
		snprintf(val, sizeof val, "%d", i * 3);
		vars_set(&v, name, val);
	}
	vars_set(&v, "v7", "replaced");
	assert_int_equal(v.n, 40);
	assert_string_equal(vars_get(&v, "v7", 2), "replaced");
	assert_string_equal(vars_get(&v, "v39", 3), "117");
	assert_null(vars_get(&v, "v", 1));		/* no prefix match */
	assert_string_equal(vars_get(&v, "v1x", 2), "3");	/* length counts */
	vars_free(&v);
	assert_int_equal(v.n, 0);
}

/* Unmaking NAME keeps what -D gave (r.x, a set variable r) and notes why
 * the rest is missing; the closest note wins, and goes when NAME does. */
static void test_vars_unmake(void **state)
{
	(void)state;
	struct vars v, given;
	vars_init(&v);
	vars_init(&given);
	vars_set(&given, "r.x", "kept");
	vars_set(&given, "r", "too");
	vars_set(&v, "r.x", "kept");
	vars_set(&v, "r", "too");
	vars_set(&v, "r.tcp.seq", "1");
	vars_set(&v, "iface.ip", "10.0.0.1");
	vars_unmake(&v, "r.tcp.opts.mss", "no mss option in r", false, NULL);
	vars_unmake(&v, "r", "expect r (line 2) took a frame without it", false, &given);
	assert_string_equal(vars_get(&v, "r.x", 3), "kept");
	assert_string_equal(vars_get(&v, "r", 1), "too");
	assert_string_equal(vars_get(&v, "iface.ip", 8), "10.0.0.1");
	assert_null(vars_get(&v, "r.tcp.seq", 9));
	const struct unmade *um = vars_unmade(&v, "r.tcp.opts.mss", 14);
	assert_non_null(um);	/* NAME's own note replaced the option's */
	assert_string_equal(um->why, "expect r (line 2) took a frame without it");
	vars_unmake(&v, "r.tcp.opts.mss", "no mss option in r", false, NULL);
	vars_unmake(&v, "r.tcp.opts.ws", "no ws option in r", false, NULL);
	assert_string_equal(vars_unmade(&v, "r.tcp.opts.mss", 14)->why, "no mss option in r");
	assert_string_equal(vars_unmade(&v, "r.tcp.seq", 9)->why,
			    "expect r (line 2) took a frame without it");
	vars_unmake(&v, "r", "expect r (line 2) failed", true, NULL);
	um = vars_unmade(&v, "r.tcp.opts.mss", 14);
	assert_string_equal(um->why, "expect r (line 2) failed");
	assert_true(um->failed);
	assert_null(vars_get(&v, "r.x", 3));	/* nothing kept without `keep` */
	vars_free(&v);
	vars_free(&given);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subst_names),
		cmocka_unit_test(test_subst_arithmetic),
		cmocka_unit_test(test_subst_long_literal),
		cmocka_unit_test(test_subst_errors),
		cmocka_unit_test(test_subst_error_positions),
		cmocka_unit_test(test_expr_eval_direct),
		cmocka_unit_test(test_subst_precedence),
		cmocka_unit_test(test_subst_precedence_errors),
		cmocka_unit_test(test_subst_unmade),
		cmocka_unit_test(test_values_plain),
		cmocka_unit_test(test_values_quotes),
		cmocka_unit_test(test_values_errors),
		cmocka_unit_test(test_src_split_lines),
		cmocka_unit_test(test_src_split_continuation),
		cmocka_unit_test(test_lexer_words),
		cmocka_unit_test(test_vars),
		cmocka_unit_test(test_vars_unmake),
	};
	return cmocka_run_group_tests_name("expr", tests, setup, teardown);
}
