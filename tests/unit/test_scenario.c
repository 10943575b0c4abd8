/*
 * test_scenario.c - the scenario language's own steps: `check` parsed in
 * every form and error, evaluated (numbers, addresses, MACs, text), the
 * pre-send check covering its variables, and the bindings of a reply of
 * variable width (tcp.len, payload.len, the TCP options).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../craft/decode/decode.h"
#include "../../craft/decode/link.h"
#include "../../craft/lang/scenario.h"
#include "../../craft/core/vars.h"

static struct vars vs;

static int setup(void **state)
{
	(void)state;
	vars_init(&vs);
	vars_set(&vs, "a", "12");
	vars_set(&vs, "hx", "0x0c");
	vars_set(&vs, "ip", "2001:DB8::1");
	vars_set(&vs, "mac", "02:00:00:00:00:0A");
	vars_set(&vs, "word", "abc");
	vars_set(&vs, "z", "0");
	vars_set(&vs, "big", "4294967296");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vars_free(&vs);
	return 0;
}

/* Parses `text` as file "t.lab"; -1 with `d` on error. */
static int parse(struct scenario *sc, const char *text, struct diag *d)
{
	return scenario_parse(sc, "t.lab", text, strlen(text), d);
}

#define assert_parse_error(text, wline, wcol, wmsg) do { \
	struct scenario sc_; \
	struct diag d_; \
	if (parse(&sc_, text, &d_) == 0) \
		fail_msg("%s: parsed", text); \
	if (d_.line != (wline) || d_.col != (wcol) || !strstr(d_.msg, wmsg)) \
		fail_msg("%s: %u:%u %s, want %u:%u %s", text, d_.line, d_.col, d_.msg, \
			 (unsigned)(wline), (unsigned)(wcol), wmsg); \
	scenario_free(&sc_); \
} while (0)

/* The one check step of `text`, evaluated with `vs`. */
static int eval(const char *text, struct check_result *res, struct diag *d)
{
	struct scenario sc;
	if (parse(&sc, text, d))
		fail_msg("%s: %s", text, d->msg);
	assert_int_equal(sc.nsteps, 1);
	assert_int_equal(sc.steps[0].kind, STEP_CHECK);
	int rc = check_eval(&sc.steps[0], &vs, res, d);
	scenario_free(&sc);
	return rc;
}

#define assert_check(text, held_, got_, expected_) do { \
	struct check_result r_; \
	struct diag d_; \
	if (eval(text, &r_, &d_)) \
		fail_msg("%s: %s", text, d_.msg); \
	if (r_.held != (held_) || strcmp(r_.got, got_) || strcmp(r_.expected, expected_)) \
		fail_msg("%s: held %d got '%s' expected '%s'", text, r_.held, r_.got, \
			 r_.expected); \
} while (0)

#define assert_check_error(text, wcol, wmsg) do { \
	struct check_result r_; \
	struct diag d_; \
	if (eval(text, &r_, &d_) == 0) \
		fail_msg("%s: no error", text); \
	if (d_.line != 1 || d_.col != (wcol) || !strstr(d_.msg, wmsg)) \
		fail_msg("%s: %u:%u %s, want 1:%u %s", text, d_.line, d_.col, d_.msg, \
			 (unsigned)(wcol), wmsg); \
} while (0)

static void test_check_parse(void **state)
{
	(void)state;
	struct scenario sc;
	struct diag d;
	assert_int_equal(parse(&sc, "check ${a} == ${a + 1} \"off by one\" points 3  # why\n", &d), 0);
	const struct step *st = &sc.steps[0];
	assert_int_equal(st->kind, STEP_CHECK);
	assert_int_equal(st->points, 3);
	assert_string_equal(st->file, "t.lab");
	assert_int_equal((int)st->arg.len, (int)strlen("${a} == ${a + 1}"));
	assert_memory_equal(st->arg.s, "${a} == ${a + 1}", st->arg.len);
	assert_int_equal((int)st->message.len, (int)strlen("\"off by one\""));
	assert_int_equal(st->message.pos[0].col, 24);
	scenario_free(&sc);

	assert_int_equal(parse(&sc, "check data.tcp.len + 1 >= 13\n", &d), 0);
	assert_int_equal(sc.steps[0].points, 1);
	assert_int_equal(sc.steps[0].message.len, 0);
	assert_memory_equal(sc.steps[0].arg.s, "data.tcp.len + 1 >= 13", sc.steps[0].arg.len);
	scenario_free(&sc);

	/* a quoted right side is the value; a second one the message */
	assert_int_equal(parse(&sc, "check ${word} != \"a b\" \"not a b\"\n", &d), 0);
	assert_memory_equal(sc.steps[0].arg.s, "${word} != \"a b\"", sc.steps[0].arg.len);
	scenario_free(&sc);
}

static void test_check_parse_errors(void **state)
{
	(void)state;
	assert_parse_error("check a 13\n", 1, 7, "one of == != < <= > >=");
	assert_parse_error("check a = 13\n", 1, 7, "one of == != < <= > >=");
	assert_parse_error("check\n", 1, 6, "one of == != < <= > >=");
	assert_parse_error("check a == 1 points x\n", 1, 21, "points takes a whole number");
	assert_parse_error("check a == 1 \"m\" extra\n", 1, 18, "unexpected 'extra' after the check");
	assert_parse_error("check a == 1 points 2 more\n", 1, 23, "unexpected 'more'");
	assert_parse_error("check 2 > 1 points 2 \"m\"\n", 1, 22, "the message goes before points");
	assert_parse_error("chekc a == 1\n", 1, 1, "steps are send, expect, check,");
	/* the built-in ${iface.ip} and ${peer.read} are no frame's */
	assert_parse_error("expect iface any\n", 1, 8, "'iface' is reserved");
	assert_parse_error("send peer\n  ipv4 dst=10.0.0.2\n", 1, 6, "'peer' is reserved");
	/* an operator inside ${} or quotes is not the check's */
	assert_parse_error("check \"a == b\"\n", 1, 7, "one of == != < <= > >=");
}

static void test_check_eval(void **state)
{
	(void)state;
	assert_check("check a == 12", true, "12", "== 12");
	assert_check("check a == 13", false, "12", "== 13");
	assert_check("check a == hx", true, "12", "== 0x0c");	/* numbers by value */
	assert_check("check 9 < 10", true, "9", "< 10");	/* not as text */
	assert_check("check a <= 12", true, "12", "<= 12");
	assert_check("check a > 12", false, "12", "> 12");
	assert_check("check a >= 12", true, "12", ">= 12");
	assert_check("check a != 12", false, "12", "!= 12");
	assert_check("check a * 2 + 1 == 25", true, "25", "== 25");
	assert_check("check ${a} == ${a + 1}", false, "12", "== 13");
	assert_check("check (a + 4) / 4 == 4", true, "4", "== 4");
	assert_check("check ip == 2001:db8::1", true, "2001:DB8::1", "== 2001:db8::1");
	assert_check("check ip != 2001:db8::2", true, "2001:DB8::1", "!= 2001:db8::2");
	assert_check("check mac == 02:00:00:00:00:0a", true, "02:00:00:00:00:0A",
		     "== 02:00:00:00:00:0a");
	assert_check("check word == \"abc\"", true, "abc", "== abc");
	assert_check("check word < \"abd\"", true, "abc", "< abd");
	assert_check("check \"${word} d\" == \"abc d\"", true, "abc d", "== abc d");
	assert_check("check 10.0.0.${a} == 10.0.0.12", true, "10.0.0.12", "== 10.0.0.12");
	/* addresses and MACs by their bytes, not their text */
	assert_check("check 10.0.0.9 < 10.0.0.10", true, "10.0.0.9", "< 10.0.0.10");
	assert_check("check 10.0.0.10 > 10.0.0.9", true, "10.0.0.10", "> 10.0.0.9");
	assert_check("check 2001:db8::9 < 2001:db8::10", true, "2001:db8::9", "< 2001:db8::10");
	assert_check("check 2001:db8::a > 2001:db8::9", true, "2001:db8::a", "> 2001:db8::9");
	assert_check("check 02:00:00:00:00:0a > 02:00:00:00:00:09", true, "02:00:00:00:00:0a",
		     "> 02:00:00:00:00:09");
	/* a quoted side is text */
	assert_check("check \"007\" == 7", false, "007", "== 7");
	assert_check("check 7 != \"007\"", true, "7", "!= 007");
	assert_check("check \"10\" < 9", true, "10", "< 9");
	/* a lone number or name is its value as is, at any width */
	assert_check("check big == 4294967296", true, "4294967296", "== 4294967296");
	assert_check("check 5000000000 == 705032704", false, "5000000000", "== 705032704");

	struct check_result r;
	struct diag d;
	assert_int_equal(eval("check a == 13 \"a is ${a}\"", &r, &d), 0);
	assert_string_equal(r.message, "a is 12");
}

static void test_check_eval_errors(void **state)
{
	(void)state;
	assert_check_error("check nope == 1", 7, "unknown variable 'nope'");
	assert_check_error("check a == ${nope}", 14, "unknown variable 'nope'");
	assert_check_error("check a / z == 1", 9, "'/' by zero");
	assert_check_error("check a == 1 \"${nope}\"", 17, "unknown variable 'nope'");
	assert_check_error("check == 1", 7, "a value on both sides");
	assert_check_error("check word + 1 == 1", 7, "not a number");
	assert_check_error("check \"a\" b == 1", 11, "one value a side");
	assert_check_error("check big + 1 == 1", 7, "variable 'big' is 4294967296, over 32 bits");
	assert_check_error("check 1 == 5000000000 * 2", 12, "'5000000000' is over 32 bits");
}

/* The pre-send check evaluates every check with what replies will bind. */
static void test_check_before_sending(void **state)
{
	(void)state;
	static const struct { const char *text; unsigned line, col; const char *msg; } cases[] = {
		{ "send s\n  ipv4 dst=10.0.0.2\n  tcp dport=1\nexpect r\ncheck r.tcp.len == 13\n"
		  "check r.tcp.opts.ts.val - r.tcp.opts.ts.ecr >= 0\n"
		  "check 100 / r.vlan.dei >= 0\ncheck r.payload.len % r.tcp.opts.mss < 1460\n"
		  "check 100 / (r.tcp.len - r.payload.len) >= 0\n",
		  0, 0, NULL },
		{ "expect r any\ncheck r.tcp.sqe == 1\n", 2, 7, "unknown variable 'r.tcp.sqe'" },
		{ "set n 0\ncheck 10 / n == 1\n", 2, 10, "'/' by zero" },
		{ "check ${1 % 0} == 1\n", 1, 11, "'%' by zero" },
		{ "check x == 1\nexpect x any\n", 1, 7, "unknown variable 'x'" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct scenario sc;
		struct diag d;
		struct addr dst;
		if (parse(&sc, cases[i].text, &d))
			fail_msg("case %zu: %s", i, d.msg);
		int rc = scenario_check(&sc, &vs, &dst, &d);
		scenario_free(&sc);
		if (!cases[i].msg) {
			if (rc)
				fail_msg("case %zu: %u:%u %s", i, d.line, d.col, d.msg);
			continue;
		}
		if (rc == 0 || d.line != cases[i].line || d.col != cases[i].col ||
		    !strstr(d.msg, cases[i].msg))
			fail_msg("case %zu: rc %d %u:%u %s", i, rc, d.line, d.col, rc ? d.msg : "");
	}
}

/* A decoded segment: 10.0.0.2:9230 > 10.0.0.1:40000 [PSH, ACK] with the
 * options given (a multiple of 4 bytes) and `data`. */
static void segment(const uint8_t *opts, size_t nopts, const char *data, struct frame *f)
{
	static uint8_t b[256];
	static const uint8_t head[] = {
		2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00,
		0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 2, 10, 0, 0, 1,
		0x24, 0x0e, 0x9c, 0x40, 0, 0, 0, 100, 0, 0, 0, 101, 0, 0x18, 0xff, 0xff, 0, 0, 0, 0,
	};
	size_t n = sizeof head, dl = strlen(data);
	memcpy(b, head, n);
	if (nopts)
		memcpy(b + n, opts, nopts);
	memcpy(b + n + nopts, data, dl);
	b[14 + 3] = (uint8_t)(20 + 20 + nopts + dl);		/* IPv4 total length */
	b[14 + 20 + 12] = (uint8_t)((20 + nopts) / 4 << 4);	/* TCP data offset */
	decode_frame(b, n + nopts + dl, n + nopts + dl, LINK_ETHERNET, f);
}

static void assert_bound(const struct vars *v, const char *name, const char *want)
{
	const char *got = vars_get(v, name, strlen(name));
	if (!want && got)
		fail_msg("%s is bound ('%s')", name, got);
	if (want && (!got || strcmp(got, want)))
		fail_msg("%s is '%s', want '%s'", name, got ? got : "(unbound)", want);
}

static void test_bind_widths(void **state)
{
	(void)state;
	static const uint8_t all[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7,
				       1, 1, 8, 10, 0, 0, 0x30, 0x39, 0, 0, 0, 42 };
	struct vars v;
	struct frame f;
	vars_init(&v);
	segment(all, sizeof all, "Hello, World!", &f);
	scenario_bind(&v, "data", &f);
	frame_free(&f);
	assert_bound(&v, "data.tcp.len", "13");
	assert_bound(&v, "data.payload.len", "13");
	assert_bound(&v, "data.tcp.opts.mss", "1460");
	assert_bound(&v, "data.tcp.opts.ws", "7");
	assert_bound(&v, "data.tcp.opts.ts.val", "12345");
	assert_bound(&v, "data.tcp.opts.ts.ecr", "42");
	assert_bound(&v, "data.tcp.seq", "100");

	/* no options, no data: the lengths are 0, the options unbound */
	segment(NULL, 0, "", &f);
	scenario_bind(&v, "bare", &f);
	frame_free(&f);
	assert_bound(&v, "bare.tcp.len", "0");
	assert_bound(&v, "bare.payload.len", "0");
	assert_bound(&v, "bare.tcp.opts.mss", NULL);
	assert_bound(&v, "bare.tcp.opts.ts.val", NULL);

	/* an option of the wrong length is not that option */
	static const uint8_t odd[] = { 2, 3, 5, 1, 8, 6, 0, 0, 0, 1, 0, 0 };
	segment(odd, sizeof odd, "x", &f);
	scenario_bind(&v, "odd", &f);
	frame_free(&f);
	assert_bound(&v, "odd.tcp.opts.mss", NULL);
	assert_bound(&v, "odd.tcp.opts.ts.ecr", NULL);
	assert_bound(&v, "odd.tcp.len", "1");
	vars_free(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_parse),
		cmocka_unit_test(test_check_parse_errors),
		cmocka_unit_test(test_check_eval),
		cmocka_unit_test(test_check_eval_errors),
		cmocka_unit_test(test_check_before_sending),
		cmocka_unit_test(test_bind_widths),
	};
	return cmocka_run_group_tests_name("scenario", tests, setup, teardown);
}
