/*
 * test_rto.c - the wait between --retries' passes (craft/util/rto.h):
 * RFC 6298's estimator with its 1/8 and 1/4 gains, its clamps, and -t
 * alone before any RTT.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../craft/util/rto.h"

static void test_no_sample(void **state)
{
	(void)state;
	struct rto r = { 0 };
	assert_int_equal(rto_wait(&r, 1000000), 1000000);
	assert_int_equal(rto_wait(&r, 5000), 5000);
}

static void test_estimator(void **state)
{
	(void)state;
	struct rto r = { 0 };
	/* the first sample: srtt = R, rttvar = R/2 (RFC 6298 2.2) */
	rto_note(&r, 200000);
	assert_int_equal(r.srtt, 200000);
	assert_int_equal(r.rttvar, 100000);
	assert_int_equal(rto_wait(&r, 10000000), 600000);
	/* then rttvar += (|srtt - R| - rttvar) / 4, srtt += (R - srtt) / 8 */
	rto_note(&r, 280000);
	assert_int_equal(r.srtt, 210000);
	assert_int_equal(r.rttvar, 95000);
	assert_int_equal(rto_wait(&r, 10000000), 590000);
	/* -t caps it */
	assert_int_equal(rto_wait(&r, 300000), 300000);
	/* a negative RTT (clocks apart) counts as 0 */
	rto_note(&r, -5);
	assert_int_equal(r.samples, 3);
	assert_true(r.srtt < 210000);
}

static void test_floor(void **state)
{
	(void)state;
	struct rto r = { 0 };
	for (int i = 0; i < 50; i++)
		rto_note(&r, 60);	/* a veth's RTT */
	assert_true(r.srtt + 4 * r.rttvar < RTO_MIN_US);
	assert_int_equal(rto_wait(&r, 1000000), RTO_MIN_US);
	/* a -t below the floor still wins */
	assert_int_equal(rto_wait(&r, 20000), 20000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_sample),
		cmocka_unit_test(test_estimator),
		cmocka_unit_test(test_floor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
