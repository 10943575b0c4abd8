/*
 * test_pace.c - a paced stream's senders on a simulated clock, as
 * stream.c's sender loop drives them: they wake 50 us late, and once
 * 30 ms late (a stopped process, a busy core).  No millisecond holds twice
 * the rate's frames, every frame leaves, and the backlog is made up within
 * a tenth of a second, so the mean rate holds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "../../craft/engine/pace.h"
#include "../../craft/wire/linktx.h"

#define LATE_NS 50000u		/* every wake-up's */
#define STALL_AT_NS 400000000u
#define STALL_NS 30000000u
#define SEND_NS 2000u		/* a batch's system call */

struct run {
	uint64_t rate, count;
	unsigned senders;
	uint32_t *per_ms;	/* frames that left in each millisecond */
	uint64_t ms;
	uint64_t sent, last_ns;	/* the last frame's leaving */
};

/* One sender's frames id, id + senders ... on its own clock. */
static void one_sender(struct run *r, unsigned id)
{
	struct pace p;
	pace_init(&p, r->rate, r->senders);
	uint64_t now = 0, next = 0;
	bool stalled = false;
	while (next * r->senders + id < r->count) {
		if (!stalled && now > STALL_AT_NS) {
			now += STALL_NS;
			stalled = true;
		}
		unsigned n = 0;
		while (n < LINKTX_BATCH && (next + n) * r->senders + id < r->count &&
		       pace_allows(&p, (next + n) * r->senders + id, n, now))
			n++;
		if (n) {
			assert_true(now / PACE_WINDOW_NS < r->ms);
			r->per_ms[now / PACE_WINDOW_NS] += n;
			r->sent += n;
			next += n;
			now += SEND_NS;
			pace_sent(&p, n, now);
			if (now > r->last_ns)
				r->last_ns = now;
			continue;
		}
		uint64_t at = pace_next(&p, next * r->senders + id);
		assert_true(at > now);	/* nothing allowed now: it must sleep */
		now = at + LATE_NS;
	}
	pace_free(&p);
}

static void check_pace(uint64_t rate, unsigned senders)
{
	struct run r = { .rate = rate, .count = rate, .senders = senders, .ms = 2000 };
	r.per_ms = calloc(r.ms, sizeof *r.per_ms);
	assert_non_null(r.per_ms);
	for (unsigned id = 0; id < senders; id++)
		one_sender(&r, id);
	uint32_t most = 0;
	for (uint64_t m = 0; m < r.ms; m++)
		if (r.per_ms[m] > most)
			most = r.per_ms[m];
	print_message("rate %llu, %u sender(s): at most %u a ms, the last at %.4fs\n",
		      (unsigned long long)rate, senders, most, (double)r.last_ns / 1e9);
	assert_int_equal(r.sent, rate);
	uint64_t share = 2 * rate / 1000;
	assert_true(most <= (share > 1 ? share : 1));
	assert_true(most > rate / 1000);	/* it did catch up */
	/* Frame rate - 1 is due at 1 s less a frame: the stall is made up. */
	assert_true(r.last_ns < 1000000000u + 100000000u);
	free(r.per_ms);
}

static void test_one_sender(void **state)
{
	(void)state;
	static const uint64_t rates[] = { 1000, 2000, 20000, 100000, 400000 };
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
		check_pace(rates[i], 1);
}

static void test_two_senders(void **state)
{
	(void)state;
	check_pace(20000, 2);
	check_pace(1000000, 2);
}

/* On time the ceiling never holds a frame back: each leaves when due. */
static void test_on_time(void **state)
{
	(void)state;
	struct pace p;
	pace_init(&p, 20000, 1);
	for (uint64_t i = 0; i < 100000; i++) {
		uint64_t due = pace_due(&p, i);
		assert_int_equal(pace_next(&p, i), due);
		assert_true(pace_allows(&p, i, 0, due));
		assert_false(i > 0 && pace_allows(&p, i, 0, due - 1));
		pace_sent(&p, 1, due + SEND_NS);
	}
	pace_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_sender),
		cmocka_unit_test(test_two_senders),
		cmocka_unit_test(test_on_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
