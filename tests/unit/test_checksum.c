/*
 * test_checksum.c - csum_add's eight-bytes-a-step sum folds to what the
 * word-by-word RFC 1071 loop gives: every length to 80, every skip (even,
 * odd, past the end), zero and all-ones data, sums carried in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../craft/util/checksum.h"

/* The loop csum_add replaced, as the reference. */
static uint32_t word_sum(uint32_t sum, const uint8_t *p, size_t n, size_t skip)
{
	for (size_t i = 0; i < n; i += 2) {
		if (i == skip)
			continue;
		uint32_t word = (uint32_t)p[i] << 8;
		if (i + 1 < n)
			word |= p[i + 1];
		sum += word;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return sum;
}

static void check_all(const uint8_t *p, size_t max)
{
	static const uint32_t carried[] = { 0, 1, 0xffff, 0x10000, 0x1234 };
	for (size_t n = 0; n <= max; n++)
		for (size_t skip = 0; skip <= n + 2; skip++)
			for (size_t c = 0; c < sizeof carried / sizeof carried[0]; c++) {
				size_t sk = skip == n + 2 ? SIZE_MAX : skip;
				assert_int_equal(csum_fold(csum_add(carried[c], p, n, sk)),
						 csum_fold(word_sum(carried[c], p, n, sk)));
			}
}

static void test_against_words(void **state)
{
	(void)state;
	uint8_t data[81];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof data; i++) {
		x = x * 1103515245 + 12345;
		data[i] = (uint8_t)(x >> 16);
	}
	check_all(data, 80);
	check_all(data + 1, 79);	/* unaligned */
	uint8_t zero[40] = { 0 }, ones[40];
	for (size_t i = 0; i < sizeof ones; i++)
		ones[i] = 0xff;
	check_all(zero, sizeof zero);
	check_all(ones, sizeof ones);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
