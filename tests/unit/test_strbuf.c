/*
 * test_strbuf.c - the table formatters print what printf prints: every
 * decimal and hex value at the edges of each width, padded and not, and
 * bytes as hex with and without a separator, across buffer growth.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "../../craft/util/strbuf.h"

/* Values at every power of ten and of two, and their neighbours. */
static size_t edge_values(uint64_t *out, size_t max)
{
	size_t n = 0;
	uint64_t p = 1;
	for (int i = 0; i < 20 && n + 3 <= max; i++, p *= 10) {
		out[n++] = p - 1;
		out[n++] = p;
		out[n++] = p + 1;
	}
	for (int i = 0; i < 64 && n + 2 <= max; i++) {
		out[n++] = (uint64_t)1 << i;
		out[n++] = ((uint64_t)1 << i) - 1;
	}
	out[n++] = UINT64_MAX;
	return n;
}

static void test_numbers(void **state)
{
	(void)state;
	uint64_t v[256];
	size_t n = edge_values(v, sizeof v / sizeof v[0] - 1);
	char want[64];
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < n; i++) {
		for (unsigned w = 0; w <= 21; w += 3) {
			sb_reset(&sb);
			sb_u64w(&sb, v[i], w);
			snprintf(want, sizeof want, "%0*" PRIu64, (int)w, v[i]);
			assert_string_equal(sb.s, want);
			sb_reset(&sb);
			sb_hexw(&sb, v[i], w);
			snprintf(want, sizeof want, "%0*" PRIx64, (int)w, v[i]);
			assert_string_equal(sb.s, want);
		}
		sb_reset(&sb);
		sb_u64(&sb, v[i]);
		snprintf(want, sizeof want, "%" PRIu64, v[i]);
		assert_string_equal(sb.s, want);
		sb_reset(&sb);
		sb_i64(&sb, -(int64_t)(v[i] >> 1) - 1);
		snprintf(want, sizeof want, "%" PRId64, -(int64_t)(v[i] >> 1) - 1);
		assert_string_equal(sb.s, want);
	}
	sb_reset(&sb);
	sb_i64(&sb, INT64_MIN);
	assert_string_equal(sb.s, "-9223372036854775808");
	sb_free(&sb);
}

static void test_hex_bytes(void **state)
{
	(void)state;
	uint8_t bytes[300];
	for (size_t i = 0; i < sizeof bytes; i++)
		bytes[i] = (uint8_t)(i * 7 + 3);
	struct strbuf sb, want;
	sb_init(&sb);
	sb_init(&want);
	/* Growing from empty at every length: the reservation is exact. */
	for (size_t n = 0; n <= sizeof bytes; n++) {
		for (int sep = 0; sep < 2; sep++) {
			sb_free(&sb);
			sb_reset(&want);
			sb_hex(&sb, bytes, n, sep ? ':' : '\0');
			for (size_t i = 0; i < n; i++)
				sb_printf(&want, "%s%02x", sep && i ? ":" : "", bytes[i]);
			assert_int_equal(sb.len, want.len);
			assert_string_equal(sb.s, want.s);
		}
	}
	sb_reset(&sb);
	sb_ipv4(&sb, (const uint8_t[]){ 10, 0, 255, 1 });
	assert_string_equal(sb.s, "10.0.255.1");
	sb_free(&sb);
	sb_free(&want);
}

static void test_appenders(void **state)
{
	(void)state;
	struct strbuf sb;
	sb_init(&sb);
	assert_string_equal(sb.s, "");
	for (int i = 0; i < 1000; i++)
		sb_putc(&sb, (char)('a' + i % 26));
	sb_puts(&sb, "end");
	assert_int_equal(sb.len, 1003);
	assert_int_equal(strlen(sb.s), 1003);
	assert_memory_equal(sb.s + 998, "klend", 5);
	sb_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_hex_bytes),
		cmocka_unit_test(test_appenders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
