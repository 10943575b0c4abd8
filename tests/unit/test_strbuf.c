/*
 * test_strbuf.c - the table formatters print what printf prints: every
 * decimal and hex value at the edges of each width, padded and not, and
 * bytes as hex with and without a separator, across buffer growth; JSON
 * strings, appended or made in place, escape what a byte-at-a-time
 * reference escapes; fixed-point numbers have printf's digits, rounding
 * and sign.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <math.h>
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

/* The escaping sb_json_str had before its table, a byte at a time. */
static void json_reference(struct strbuf *sb, const char *s, size_t n)
{
	sb_putc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			sb_printf(sb, "\\%c", c);
		else if (c == '\n')
			sb_puts(sb, "\\n");
		else if (c == '\t')
			sb_puts(sb, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			sb_printf(sb, "\\u%04x", c);
		else
			sb_putc(sb, (char)c);
	}
	sb_putc(sb, '"');
}

static void check_json(const char *s, size_t n)
{
	struct strbuf got, want;
	sb_init(&got);
	sb_init(&want);
	sb_json_str(&got, s, n);
	json_reference(&want, s, n);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.s, want.s, want.len + 1);
	/* The same in place, after what the buffer held, from empty. */
	for (size_t before = 0; before <= 3; before += 3) {
		sb_free(&got);
		sb_add(&got, "abc", before);
		sb_add(&got, s, n);
		sb_json_quote(&got, before);
		assert_int_equal(got.len, before + want.len);
		assert_memory_equal(got.s, "abc", before);
		assert_memory_equal(got.s + before, want.s, want.len + 1);
	}
	sb_free(&got);
	sb_free(&want);
}

static void test_json_str(void **state)
{
	(void)state;
	char s[3000];
	for (int c = 0; c < 256; c++) {		/* each byte alone, first, last, inside */
		s[0] = (char)c;
		check_json(s, 1);
		memcpy(s, "ab", 2);
		s[2] = (char)c;
		memcpy(s + 3, "cd", 2);
		check_json(s, 5);
		check_json(s, 3);
		check_json(s + 2, 3);
	}
	for (int c = 0; c < 256; c++)		/* each byte at each place of 16-byte blocks */
		for (size_t at = 0; at < 48; at++) {
			memset(s, 'x', 48);
			s[at] = (char)c;
			check_json(s, 48);
		}
	for (int c = 0; c < 256; c++)
		s[c] = (char)c;
	check_json(s, 256);
	check_json(s, 0);
	/* Long plain runs between escapes, at every length up to past a grow. */
	memset(s, 'x', sizeof s);
	for (size_t n = 1; n <= sizeof s; n += 97) {
		check_json(s, n);
		s[n / 2] = '"';
		s[n - 1] = '\x7f';
		check_json(s, n);
		s[n / 2] = s[n - 1] = 'x';
	}
	for (size_t i = 0; i < sizeof s; i++)	/* escapes dense and sparse */
		s[i] = (char)(i % 7 == 0 ? (char)(i * 31) : 'a' + (char)(i % 26));
	check_json(s, sizeof s);
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "{\"a\":1");
	sb_json_key(&sb, "key");
	sb_json_word(&sb, "word");
	assert_string_equal(sb.s, "{\"a\":1,\"key\":\"word\"");
	sb_free(&sb);
}

static void check_fixed(double v, unsigned decimals)
{
	char want[400];
	snprintf(want, sizeof want, "%.*f", (int)decimals, v);
	struct strbuf sb;
	sb_init(&sb);
	sb_fixed(&sb, v, decimals);
	if (strcmp(sb.s, want) != 0)
		fail_msg("%a with %u decimals: %s, printf %s", v, decimals, sb.s, want);
	sb_free(&sb);
}

static void test_fixed(void **state)
{
	(void)state;
	/* pcap times and spans of whole microseconds, as the JSON shows them. */
	const int64_t usec[] = { 0, 1, 999999, 1000000, 191000, 1600000000500000, 1600000000000100,
				 4294967295999999, INT64_C(8589934591999999), -300000, -1 };
	for (size_t i = 0; i < sizeof usec / sizeof usec[0]; i++) {
		check_fixed((double)usec[i] / 1e6, 9);
		check_fixed((double)(usec[i] / 1000000) + (double)(usec[i] % 1000000) / 1e6, 6);
	}
	/* Exact ties round half to even; below them down, above them up. */
	for (int i = -40; i <= 40; i++)
		for (unsigned d = 0; d <= 4; d++) {
			check_fixed(i / 8.0, d);
			check_fixed(nextafter(i / 8.0, INFINITY), d);
			check_fixed(nextafter(i / 8.0, -INFINITY), d);
		}
	const double edge[] = { 0.0, -0.0, 0.5, 1.5, 2.5, 0.9999999999, 9.9999995, 0.0000005,
				-0.0000004, 1e-300, -5e-324, 0x1p-60, 0x1p62 + 1024, 0x1p63 - 1024,
				0x1p63, 1e300, INFINITY, -INFINITY, NAN, 123456789.123456789 };
	for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
		for (unsigned d = 0; d <= 20; d++)
			check_fixed(edge[i], d);
	/* Doubles from bits across every exponent a fraction has. */
	uint64_t x = 0x9e3779b97f4a7c15;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t bits = (x & 0x800fffffffffffff) | (uint64_t)(950 + (x >> 52) % 150) << 52;
		double v;
		memcpy(&v, &bits, sizeof v);
		check_fixed(v, (unsigned)(x >> 40) % 19);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_hex_bytes),
		cmocka_unit_test(test_appenders),
		cmocka_unit_test(test_json_str),
		cmocka_unit_test(test_fixed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
