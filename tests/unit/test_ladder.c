/*
 * test_ladder.c - the ladder's bounds (rows, columns) and what it takes a
 * host to be, and the page's escaping, on frames decoded from bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../craft/analysis/html.h"
#include "../../craft/analysis/ladder.h"
#include "../../craft/decode/decode.h"
#include "../../craft/util/clock.h"

/* An ARP request from 10.0.0.1 for 10.0.<hi>.<lo>. */
static void arp_for(unsigned hi, unsigned lo, struct frame *f)
{
	uint8_t b[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x06,
		0, 1, 0x08, 0, 6, 4, 0, 1, 0x02, 0, 0, 0, 0, 0x01, 10, 0, 0, 1,
		0, 0, 0, 0, 0, 0, 10, 0, (uint8_t)hi, (uint8_t)lo,
	};
	decode_frame(b, sizeof b, sizeof b, LINK_ETHERNET, f);
}

static const struct timeval t0 = { 0, 0 };	/* since the first frame */

static void test_hosts_are_arp_addresses(void **state)
{
	(void)state;
	struct ladder *l = ladder_new(false);
	struct frame f;
	arp_for(0, 2, &f);
	assert_true(ladder_frame(l, &f, 1, &t0, NULL));
	frame_free(&f);
	assert_int_equal(ladder_hosts(l), 2);
	assert_string_equal(ladder_host(l, 0), "10.0.0.1");
	assert_string_equal(ladder_host(l, 1), "10.0.0.2");
	const struct ladder_row *r = ladder_row(l, 0);
	assert_int_equal(r->src, 0);
	assert_int_equal(r->dst, 1);
	assert_string_equal(r->label, "ARP who-has");
	ladder_free(l);
}

/* Without a network layer a frame's hosts are its MACs; without even
 * those it has no arrow, and says so. */
static void test_macs_then_nothing(void **state)
{
	(void)state;
	static const uint8_t raw[] = {
		0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5, 'h', 'i',
	};
	struct ladder *l = ladder_new(false);
	struct frame f;
	decode_frame(raw, sizeof raw, sizeof raw, LINK_ETHERNET, &f);
	assert_true(ladder_frame(l, &f, 1, &t0, NULL));
	frame_free(&f);
	assert_string_equal(ladder_host(l, 0), "02:00:00:00:00:01");
	assert_string_equal(ladder_host(l, 1), "02:00:00:00:00:02");
	decode_frame(raw, 8, 8, LINK_ETHERNET, &f);	/* not even a whole MAC pair */
	assert_false(ladder_frame(l, &f, 2, &t0, NULL));
	frame_free(&f);
	struct strbuf s;
	sb_init(&s);
	ladder_gaps(l, "", "\n", &s);
	assert_string_equal(s.s, "1 frame not drawn: no address, or a host past the first 16\n");
	sb_free(&s);
	ladder_free(l);
}

/* Past the last column a frame is left out whole: the new host it brings
 * with a known one takes no column. */
static void test_columns_bounded(void **state)
{
	(void)state;
	struct ladder *l = ladder_new(false);
	struct frame f;
	for (unsigned i = 2; i < 2 + LADDER_MAX_HOSTS + 5; i++) {
		arp_for(0, i, &f);
		assert_int_equal(ladder_frame(l, &f, i - 1, &t0, NULL), i <= LADDER_MAX_HOSTS);
		frame_free(&f);
	}
	assert_int_equal(ladder_hosts(l), LADDER_MAX_HOSTS);
	assert_int_equal(ladder_rows(l), LADDER_MAX_HOSTS - 1);
	arp_for(0, 2, &f);	/* known hosts still draw */
	assert_true(ladder_frame(l, &f, 100, &t0, NULL));
	frame_free(&f);
	struct strbuf s;
	sb_init(&s);
	ladder_gaps(l, "", "\n", &s);
	assert_string_equal(s.s, "6 frames not drawn: no address, or a host past the first 16\n");
	sb_free(&s);
	ladder_free(l);
}

static void test_rows_bounded(void **state)
{
	(void)state;
	struct ladder *l = ladder_new(false);
	struct frame f;
	arp_for(0, 2, &f);
	for (uint32_t n = 1; n <= LADDER_MAX_ROWS + 3; n++) {
		struct timeval ts = { (n - 1) / 1000, (suseconds_t)((n - 1) % 1000) * 1000 };
		assert_int_equal(ladder_frame(l, &f, n, &ts, NULL), n <= LADDER_MAX_ROWS);
	}
	frame_free(&f);
	assert_int_equal(ladder_rows(l), LADDER_MAX_ROWS);
	struct strbuf s;
	sb_init(&s);
	ladder_gaps(l, "(", ")", &s);
	assert_string_equal(s.s, "(the ladder stops at frame 100001: it holds 100000 rows)");
	sb_reset(&s);
	ladder_time(ladder_row(l, LADDER_MAX_ROWS - 1), &s);
	assert_string_equal(s.s, "99.999000");	/* frame 100000, 1 ms apart from frame 1 */
	sb_free(&s);
	ladder_free(l);
}

/* A frame stamped before the first: -0.3 s, not timersub's -1 s and
 * 700000 us read as "-1.700000"; the column is as wide as its sign. */
static void test_negative_time(void **state)
{
	(void)state;
	char buf[USEC_TEXT_LEN];
	format_usec(-300000, buf, sizeof buf);
	assert_string_equal(buf, "-0.300000");
	format_usec(-1700001, buf, sizeof buf);
	assert_string_equal(buf, "-1.700001");
	format_usec(2000005, buf, sizeof buf);
	assert_string_equal(buf, "2.000005");
	struct timeval first = { 100, 0 }, early = { 99, 700000 }, since;
	timersub(&early, &first, &since);
	struct ladder *l = ladder_new(false);
	struct frame f;
	arp_for(0, 2, &f);
	assert_true(ladder_frame(l, &f, 1, &since, NULL));
	frame_free(&f);
	struct strbuf s;
	sb_init(&s);
	ladder_time(ladder_row(l, 0), &s);
	assert_string_equal(s.s, "-0.300000");
	struct ladder_grid g;
	ladder_grid(l, &g);
	assert_int_equal(g.time_w, strlen("-0.300000"));
	sb_free(&s);
	ladder_free(l);
}

static void test_html_escapes(void **state)
{
	(void)state;
	struct strbuf s;
	sb_init(&s);
	const char *in = "<a href='x'>\"&\"</a>\x01\tµ\n";
	sb_html_str(&s, in, strlen(in));
	assert_string_equal(s.s, "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;\xef\xbf\xbd\tµ\n");
	sb_reset(&s);
	html_frame(7, "<s>", "</pre><script>x()</script>", "", &s);
	assert_null(strstr(s.s, "<script"));
	assert_non_null(strstr(s.s, "id=\"f-7\""));
	assert_non_null(strstr(s.s, "&lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;"));
	sb_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hosts_are_arp_addresses),
		cmocka_unit_test(test_macs_then_nothing),
		cmocka_unit_test(test_columns_bounded),
		cmocka_unit_test(test_rows_bounded),
		cmocka_unit_test(test_negative_time),
		cmocka_unit_test(test_html_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
