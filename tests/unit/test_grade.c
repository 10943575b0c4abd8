/*
 * test_grade.c - the graders' formats: TAP lines with their YAML block
 * and a skip's directive, '#' and newlines in a title kept out of TAP's
 * syntax, quotes and <&> escaped in JUnit and JSON, scores summed with a
 * skip worth 0, unreached points listed as skipped, and a point carried
 * through its pipe record unchanged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../craft/grade/grade.h"

static const struct lab_point pass = { .file = "a.lab", .title = "expect synack",
				       .outcome = POINT_PASS, .points = 2 };
static const struct lab_point fail = {
	.file = "a.lab", .title = "check \"x\" < 3 # <&>\nnext", .outcome = POINT_FAIL,
	.points = 3, .expected = "== 13", .got = "12\n\"quoted\" <b>&", .message = "the length",
};
static const struct lab_point skip = { .file = "a.lab", .title = "expect fin",
				       .outcome = POINT_SKIP, .points = 1,
				       .why = "needs ${synack.tcp.seq}: expect synack (line 7) failed" };

/* A lab of the three points above, on lines 7, 9 and 12. */
static void three(struct grade *g)
{
	grade_init(g);
	struct grade_lab *l = grade_lab(g, "a.lab");
	const struct lab_point *pts[] = { &pass, &fail, &skip };
	unsigned lines[] = { 7, 9, 12 };
	for (size_t i = 0; i < 3; i++) {
		struct grade_point gp;
		struct timespec t0 = { 0 };
		grade_point_set(&gp, pts[i], &t0);
		gp.line = lines[i];
		gp.secs = 0.25;
		grade_add(l, &gp);
	}
}

static void test_tap(void **state)
{
	(void)state;
	struct grade g;
	struct strbuf sb;
	three(&g);
	sb_init(&sb);
	sb_puts(&sb, GRADE_TAP_HEAD);
	for (unsigned i = 0; i < 3; i++)
		grade_tap_point(&g.labs[0].pts[i], i + 1, NULL, &sb);
	grade_tap_plan(3, &sb);
	assert_string_equal(sb.s,
		"TAP version 13\n"
		"ok 1 - expect synack\n"
		"not ok 2 - check \"x\" < 3 \\# <&> next\n"
		"  ---\n"
		"  message: \"the length\"\n"
		"  expected: \"== 13\"\n"
		"  got: \"12\\n\\\"quoted\\\" <b>&\"\n"
		"  file: \"a.lab\"\n"
		"  line: 9\n"
		"  ...\n"
		"ok 3 - expect fin # SKIP needs ${synack.tcp.seq}: expect synack (line 7) failed\n"
		"1..3\n");
	sb_reset(&sb);
	grade_tap_point(&g.labs[0].pts[0], 4, "b.lab", &sb);
	grade_tap_bail("stopped by\nSIGINT", &sb);
	assert_string_equal(sb.s, "ok 4 - b.lab: expect synack\nBail out! stopped by SIGINT\n");
	sb_free(&sb);
	grade_free(&g);
}

static void test_junit(void **state)
{
	(void)state;
	struct grade g;
	struct strbuf sb;
	three(&g);
	sb_init(&sb);
	grade_junit(&g, &sb);
	assert_string_equal(sb.s,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites tests=\"3\" failures=\"1\" skipped=\"1\" errors=\"0\">\n"
		"  <testsuite name=\"a.lab\" tests=\"3\" failures=\"1\" skipped=\"1\" errors=\"0\" time=\"0.750\">\n"
		"    <testcase name=\"expect synack\" classname=\"a.lab\" time=\"0.250\"/>\n"
		"    <testcase name=\"check &quot;x&quot; &lt; 3 # &lt;&amp;&gt;&#10;next\" classname=\"a.lab\" time=\"0.250\">\n"
		"      <failure message=\"expected == 13, got 12&#10;&quot;quoted&quot; &lt;b&gt;&amp; (the length)\">"
		"expected: == 13\ngot: 12\n&quot;quoted&quot; &lt;b&gt;&amp;\nmessage: the length\nat: a.lab:9</failure>\n"
		"    </testcase>\n"
		"    <testcase name=\"expect fin\" classname=\"a.lab\" time=\"0.250\">\n"
		"      <skipped message=\"needs ${synack.tcp.seq}: expect synack (line 7) failed\"/>\n"
		"    </testcase>\n"
		"  </testsuite>\n"
		"</testsuites>\n");
	sb_free(&sb);
	grade_free(&g);
}

static void test_gradescope(void **state)
{
	(void)state;
	struct grade g;
	struct strbuf sb;
	struct grade_sum s;
	three(&g);
	sb_init(&sb);
	grade_sum(&g, NULL, &s);
	assert_int_equal(s.pass * 100 + s.fail * 10 + s.skip, 111);
	assert_int_equal(s.score, 2);
	assert_int_equal(s.max, 6);
	g.named = true;
	grade_gradescope(&g, &sb);
	assert_string_equal(sb.s,
		"{\"score\":2,\"tests\":[\n"
		"{\"name\":\"a.lab: expect synack\",\"score\":2,\"max_score\":2,\"status\":\"passed\","
		"\"output\":\"a.lab:7\"},\n"
		"{\"name\":\"a.lab: check \\\"x\\\" < 3 # <&>\\nnext\",\"score\":0,\"max_score\":3,"
		"\"status\":\"failed\",\"output\":\"expected == 13, got 12\\n\\\"quoted\\\" <b>& (the length)\\na.lab:9\"},\n"
		"{\"name\":\"a.lab: expect fin\",\"score\":0,\"max_score\":1,\"status\":\"failed\","
		"\"output\":\"skipped: needs ${synack.tcp.seq}: expect synack (line 7) failed\"}\n"
		"]}\n");
	sb_reset(&sb);
	grade_point_json(&g.labs[0].pts[2], 3, &sb);
	assert_string_equal(sb.s,
		"{\"point\":3,\"line\":12,\"file\":\"a.lab\",\"title\":\"expect fin\",\"outcome\":\"skip\","
		"\"points\":1,\"score\":0,\"why\":\"needs ${synack.tcp.seq}: expect synack (line 7) failed\"}\n");
	sb_free(&sb);
	grade_free(&g);
}

static void test_summary(void **state)
{
	(void)state;
	struct grade g;
	struct strbuf sb;
	three(&g);
	sb_init(&sb);
	grade_summary(&g, false, &sb);	/* one lab */
	grade_lab(&g, "b \"2\".lab");
	grade_summary(&g, false, &sb);
	grade_summary(&g, true, &sb);
	grade_lab_head(g.labs[1].file, false, &sb);
	grade_lab_head(g.labs[1].file, true, &sb);
	assert_string_equal(sb.s,
		"1 lab, 2 points of 6: 1 passed, 1 failed, 1 skipped\n"
		"2 labs, 2 points of 6: 1 passed, 1 failed, 1 skipped\n"
		"{\"labs\":2,\"score\":2,\"max_score\":6,\"passed\":1,\"failed\":1,\"skipped\":1}\n"
		"== b \"2\".lab\n"
		"{\"lab\":\"b \\\"2\\\".lab\"}\n");
	sb_free(&sb);
	grade_free(&g);
}

static void test_record(void **state)
{
	(void)state;
	struct grade g;
	struct strbuf sb, again;
	three(&g);
	sb_init(&sb);
	sb_init(&again);
	g.labs[0].pts[1].label = strdup("a\\b\tc");
	for (size_t i = 0; i < 3; i++) {
		const struct grade_point *p = &g.labs[0].pts[i];
		struct grade_point back;
		sb_reset(&sb);
		sb_reset(&again);
		grade_point_pack(p, &sb);
		assert_non_null(memchr(sb.s, '\n', sb.len));
		assert_ptr_equal(memchr(sb.s, '\n', sb.len), sb.s + sb.len - 1);
		assert_int_equal(grade_point_unpack(sb.s, sb.len, &back), 0);
		assert_int_equal(back.outcome, p->outcome);
		assert_int_equal(back.points, p->points);
		assert_int_equal(back.line, p->line);
		assert_string_equal(back.title, p->title);
		assert_true(!back.why == !p->why && !back.label == !p->label);
		grade_point_pack(&back, &again);
		assert_string_equal(again.s, sb.s);
		grade_point_free(&back);
	}
	assert_string_equal(g.labs[0].pts[1].label, "a\\b\tc");
	/* Two whole records and the start of a third, as a pipe may give them. */
	struct grade_lab *l = grade_lab(&g, "b.lab");
	sb_reset(&sb);
	grade_point_pack(&g.labs[0].pts[0], &sb);
	grade_point_pack(&g.labs[0].pts[1], &sb);
	sb_puts(&sb, "p\t1\t");
	grade_take(l, &sb);
	assert_int_equal(l->n, 2);
	assert_string_equal(l->pts[1].title, g.labs[0].pts[1].title);
	assert_string_equal(sb.s, "p\t1\t");
	struct grade_point bad;
	const char *broken[] = { "", "x\t1\t2\t0\t=t\t-\t-\t-\t-\t-\t-\n", "p\t1\t2\t0\t=t\t-\t-\t-\t-\t-\n",
				 "p\t1\t2\t0\t-\t-\t-\t-\t-\t-\t-\n", "p\t1x\t2\t0\t=t\t-\t-\t-\t-\t-\t-\n",
				 "p\t1\t2\t0\t=t\t-\t-\t-\t-\t-\t-\textra\n" };
	for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++)
		assert_int_equal(grade_point_unpack(broken[i], strlen(broken[i]), &bad), -1);
	sb_free(&sb);
	sb_free(&again);
	grade_free(&g);
}

static void test_pending(void **state)
{
	(void)state;
	static const char text[] =
		"send s\n  ipv4 dst=10.0.0.1\n"
		"expect a within 1s points 3\n  ipv4\n"
		"expect b\n  ipv4\n"
		"check b.ipv4.ttl >= 1 \"a hop\" points 4\n"
		"expect peer state SYN_RECEIVED within 1s\n";
	struct scenario sc;
	struct diag d;
	assert_int_equal(scenario_parse(&sc, "p.lab", text, sizeof text - 1, &d), 0);
	struct grade g;
	grade_init(&g);
	struct grade_lab *l = grade_lab(&g, "p.lab");
	struct grade_point gp;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	grade_point_set(&gp, &pass, &t0);
	assert_true(gp.secs >= 0 && gp.secs < 1);
	gp.line = 5;
	grade_add(l, &gp);
	grade_pending(l, &sc, "not run: the run stopped at line 5");
	assert_int_equal(l->n, 4);
	assert_string_equal(l->pts[1].title, "expect a");
	assert_int_equal(l->pts[1].line, 3);
	assert_int_equal(l->pts[1].points, 3);
	assert_int_equal(l->pts[1].outcome, POINT_SKIP);
	assert_string_equal(l->pts[1].why, "not run: the run stopped at line 5");
	assert_string_equal(l->pts[2].title, "check b.ipv4.ttl >= 1");
	assert_int_equal(l->pts[2].points, 4);
	assert_string_equal(l->pts[3].title, "expect peer state SYN_RECV");
	grade_free(&g);
	scenario_free(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tap),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_gradescope),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_pending),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
