/*
 * test_peerrun.c - which frames feed "(the view infers X)" (peerrun.h):
 * those of the scenario's connection, either way, and no other's; a new
 * connection forgets what the view said of the last.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "../../craft/engine/peerrun.h"

static struct addr v4(uint8_t last)
{
	struct addr a = { .family = ADDR_IPV4, .len = 4, .b = { 10, 9, 0, last } };
	return a;
}

/* The scenario at .1:40000 sent to the peer at .2:9230. */
static void sent(struct peer_run *pr)
{
	memset(pr, 0, sizeof *pr);
	struct addr us = v4(1), peer = v4(2);
	peerrun_sent(pr, &us, 40000, &peer, 9230);
}

static void subject_both_ways(void **state)
{
	(void)state;
	struct peer_run pr;
	struct addr us = v4(1), peer = v4(2);
	sent(&pr);
	peerrun_seen(&pr, &peer, 9230, &us, 40000, TS_SYN_RECEIVED);
	assert_true(pr.have_view);
	assert_int_equal(pr.view, TS_SYN_RECEIVED);
	peerrun_seen(&pr, &us, 40000, &peer, 9230, TS_ESTABLISHED);
	assert_int_equal(pr.view, TS_ESTABLISHED);
}

static void other_tuples_ignored(void **state)
{
	(void)state;
	struct peer_run pr;
	struct addr us = v4(1), peer = v4(2), other = v4(3);
	sent(&pr);
	peerrun_seen(&pr, &us, 40001, &peer, 9230, TS_ESTABLISHED);	/* another port */
	peerrun_seen(&pr, &other, 40000, &peer, 9230, TS_ESTABLISHED);	/* another host */
	peerrun_seen(&pr, &peer, 9231, &us, 40000, TS_ESTABLISHED);	/* the peer's other */
	assert_false(pr.have_view);
}

static void new_subject_forgets(void **state)
{
	(void)state;
	struct peer_run pr;
	struct addr us = v4(1), peer = v4(2);
	sent(&pr);
	peerrun_seen(&pr, &peer, 9230, &us, 40000, TS_CLOSE_WAIT);
	peerrun_sent(&pr, &us, 40000, &peer, 9230);	/* the same: kept */
	assert_true(pr.have_view);
	peerrun_sent(&pr, &us, 40002, &peer, 9230);
	assert_false(pr.have_view);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(subject_both_ways),
		cmocka_unit_test(other_tuples_ignored),
		cmocka_unit_test(new_subject_forgets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
