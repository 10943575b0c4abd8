/*
 * test_addr.c - addresses as text: every RFC 4291 form parsed to the right
 * bytes, every malformed one refused for its reason, and RFC 5952 text out
 * (the examples of its sections 2, 4 and 5), checked also against glibc's
 * inet_pton/inet_ntop over every pattern of zero and non-zero groups.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../craft/core/addr.h"

static const char *err_name(int rc)
{
	switch (rc) {
	case 0: return "ok";
	case ADDR_E_EMPTY: return "EMPTY";
	case ADDR_E_CHAR: return "CHAR";
	case ADDR_E_IPV4: return "IPV4";
	case ADDR_E_GROUP: return "GROUP";
	case ADDR_E_TOO_MANY: return "TOO_MANY";
	case ADDR_E_TOO_FEW: return "TOO_FEW";
	case ADDR_E_TWO_GAPS: return "TWO_GAPS";
	case ADDR_E_COLON: return "COLON";
	case ADDR_E_TAIL: return "TAIL";
	}
	return "?";
}

static int parse_str(const char *s, struct addr *a)
{
	return addr_parse(s, strlen(s), a);
}

/* `text` parses, and prints as `want`. */
static void check_canon(const char *text, const char *want)
{
	struct addr a;
	int rc = parse_str(text, &a);
	if (rc)
		fail_msg("'%s': refused (%s: %s)", text, err_name(rc), addr_strerror(rc));
	char buf[ADDR_STRLEN];
	size_t n = addr_format(&a, buf, sizeof buf);
	if (strcmp(buf, want) != 0 || n != strlen(want))
		fail_msg("'%s': printed '%s' (%zu), want '%s'", text, buf, n, want);
	/* And the printed text reads back as the same address. */
	struct addr b;
	if (parse_str(buf, &b) || !addr_equal(&a, &b))
		fail_msg("'%s': '%s' does not read back", text, buf);
}

static void check_reject(const char *text, int want)
{
	struct addr a = { .family = 99 };
	int rc = parse_str(text, &a);
	if (rc != want)
		fail_msg("'%s': got %s, want %s", text, err_name(rc), err_name(want));
	if (a.family != 99)
		fail_msg("'%s': refused but wrote the address", text);
	if (!addr_strerror(rc)[0])
		fail_msg("'%s': no message", text);
}

static void check_bytes(const char *text, const char *hex32)
{
	struct addr a;
	int rc = parse_str(text, &a);
	if (rc)
		fail_msg("'%s': refused (%s)", text, err_name(rc));
	char got[33];
	for (int i = 0; i < 16; i++)
		snprintf(got + 2 * i, 3, "%02x", a.b[i]);
	if (a.family != ADDR_IPV6 || a.len != 16 || strcmp(got, hex32) != 0)
		fail_msg("'%s': bytes %s, want %s", text, got, hex32);
}

/* --- IPv4 -------------------------------------------------------------- */

static void test_ipv4(void **state)
{
	(void)state;
	struct addr a;
	assert_int_equal(parse_str("192.168.35.1", &a), 0);
	assert_int_equal(a.family, ADDR_IPV4);
	assert_int_equal(a.len, 4);
	assert_int_equal(addr_ipv4(&a), 0xc0a82301);
	assert_memory_equal(a.b, "\xc0\xa8\x23\x01", 4);
	check_canon("0.0.0.0", "0.0.0.0");
	check_canon("255.255.255.255", "255.255.255.255");
	check_canon("010.001.000.009", "10.1.0.9");	/* decimal, as parse_ipv4 reads it */
	struct addr b = addr_from_ipv4(0x0a000001);
	assert_true(addr_equal(&a, &a));
	assert_false(addr_equal(&a, &b));
	assert_int_equal(addr_ipv4(&b), 0x0a000001);
	char buf[ADDR_STRLEN];
	addr_format(&b, buf, sizeof buf);
	assert_string_equal(buf, "10.0.0.1");
}

static void test_ipv4_rejects(void **state)
{
	(void)state;
	check_reject("", ADDR_E_EMPTY);
	check_reject("256.1.1.1", ADDR_E_IPV4);
	check_reject("1.1.1.256", ADDR_E_IPV4);
	check_reject("1234.1.1.1", ADDR_E_IPV4);
	check_reject("0001.1.1.1", ADDR_E_IPV4);
	check_reject("1.2.3", ADDR_E_IPV4);
	check_reject("1.2.3.", ADDR_E_IPV4);
	check_reject("1.2.3.4.", ADDR_E_IPV4);
	check_reject("1.2.3.4.5", ADDR_E_IPV4);
	check_reject("1..2.3", ADDR_E_IPV4);
	check_reject(".1.2.3", ADDR_E_IPV4);
	check_reject("0x1.2.3.4", ADDR_E_IPV4);
	check_reject("-1.2.3.4", ADDR_E_IPV4);
	check_reject(" 1.2.3.4", ADDR_E_IPV4);
	check_reject("abc", ADDR_E_IPV4);
	check_reject("1.2.3.4x", ADDR_E_CHAR);
	check_reject("1.2.3.4 ", ADDR_E_CHAR);
	check_reject("1.2.3.4/24", ADDR_E_CHAR);
	struct addr a;
	assert_int_equal(addr_parse("1.2.3.4\0", 8, &a), ADDR_E_CHAR);	/* a NUL inside */
}

/* Only the bytes given are read: no NUL after them, and no more. */
static void test_exact_length(void **state)
{
	(void)state;
	struct addr a;
	char *v4 = malloc(7), *v6 = malloc(3);
	assert_non_null(v4);
	assert_non_null(v6);
	memcpy(v4, "1.2.3.4", 7);
	memcpy(v6, "::1", 3);
	assert_int_equal(addr_parse(v4, 7, &a), 0);	/* ASan: no read past the end */
	assert_int_equal(addr_ipv4(&a), 0x01020304);
	assert_int_equal(addr_parse(v6, 3, &a), 0);
	assert_int_equal(a.b[15], 1);
	free(v4);
	free(v6);
	assert_int_equal(addr_parse("1.2.3.45", 7, &a), 0);
	assert_int_equal(addr_ipv4(&a), 0x01020304);
	assert_int_equal(addr_parse("::1:2", 3, &a), 0);
	assert_int_equal(a.b[15], 1);
}

/* --- IPv6 in -------------------------------------------------------------- */

static void test_ipv6_forms(void **state)
{
	(void)state;
	/* RFC 4291 section 2.2, form 1: eight groups, leading zeros optional. */
	check_bytes("2001:DB8:0:0:8:800:200C:417A", "20010db80000000000080800200c417a");
	check_bytes("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789", "abcdef0123456789abcdef0123456789");
	check_bytes("0000:0000:0000:0000:0000:0000:0000:0001", "00000000000000000000000000000001");
	/* Form 2: "::" for one or more groups of zeros, anywhere, once. */
	check_bytes("2001:DB8::8:800:200C:417A", "20010db80000000000080800200c417a");
	check_bytes("FF01::101", "ff010000000000000000000000000101");
	check_bytes("::1", "00000000000000000000000000000001");
	check_bytes("::", "00000000000000000000000000000000");
	check_bytes("1::", "00010000000000000000000000000000");
	check_bytes("1:2:3:4:5:6:7::", "00010002000300040005000600070000");	/* :: for one */
	check_bytes("::2:3:4:5:6:7:8", "00000002000300040005000600070008");
	check_bytes("1:2:3::6:7:8", "00010002000300000000000600070008");
	/* Form 3: the low 32 bits as an IPv4 address. */
	check_bytes("0:0:0:0:0:0:13.1.68.3", "0000000000000000000000000d014403");
	check_bytes("0:0:0:0:0:FFFF:129.144.52.38", "00000000000000000000ffff81903426");
	check_bytes("::13.1.68.3", "0000000000000000000000000d014403");
	check_bytes("::FFFF:129.144.52.38", "00000000000000000000ffff81903426");
	check_bytes("1:2:3:4:5:6:1.2.3.4", "00010002000300040005000601020304");
	check_bytes("1:2:3:4:5::1.2.3.4", "00010002000300040005000001020304");
	check_bytes("64:ff9b::192.0.2.33", "0064ff9b0000000000000000c0000221");
	check_bytes("::ffff:010.0.0.1", "00000000000000000000ffff0a000001");
}

static void test_ipv6_rejects(void **state)
{
	(void)state;
	check_reject("1::2::3", ADDR_E_TWO_GAPS);
	check_reject("::1::", ADDR_E_TWO_GAPS);
	check_reject("1::2:3::", ADDR_E_TWO_GAPS);
	check_reject("::1::2.3.4.5", ADDR_E_TWO_GAPS);

	check_reject("1:2:3:4:5:6:7:8:9", ADDR_E_TOO_MANY);
	check_reject("1:2:3:4:5:6:7:8::", ADDR_E_TOO_MANY);	/* :: for no group */
	check_reject("::1:2:3:4:5:6:7:8", ADDR_E_TOO_MANY);
	check_reject("1:2:3:4::5:6:7:8", ADDR_E_TOO_MANY);
	check_reject("1:2:3:4:5:6:7:1.2.3.4", ADDR_E_TOO_MANY);
	check_reject("1:2:3:4:5:6::1.2.3.4", ADDR_E_TOO_MANY);

	check_reject("1:2:3:4:5:6:7", ADDR_E_TOO_FEW);
	check_reject("1:2", ADDR_E_TOO_FEW);
	check_reject("1:2:3:4:5:1.2.3.4", ADDR_E_TOO_FEW);

	check_reject("12345::", ADDR_E_GROUP);
	check_reject("::12345", ADDR_E_GROUP);
	check_reject("1:00000:3:4:5:6:7:8", ADDR_E_GROUP);

	check_reject(":", ADDR_E_COLON);
	check_reject(":1::2", ADDR_E_COLON);
	check_reject(":1:2:3:4:5:6:7:8", ADDR_E_COLON);
	check_reject("1::2:", ADDR_E_COLON);
	check_reject("1:2:3:4:5:6:7:8:", ADDR_E_COLON);
	check_reject(":::", ADDR_E_COLON);
	check_reject("1:::2", ADDR_E_COLON);
	check_reject("1:2::3:", ADDR_E_COLON);

	check_reject("::1.2.3", ADDR_E_TAIL);
	check_reject("::1.2.3.4.5", ADDR_E_TAIL);
	check_reject("::1.2.3.", ADDR_E_TAIL);
	check_reject("::256.1.1.1", ADDR_E_TAIL);
	check_reject("::1234.1.1.1", ADDR_E_TAIL);
	check_reject("::ab.1.2.3", ADDR_E_TAIL);
	check_reject("::1.2.3.4:5", ADDR_E_TAIL);	/* not last */
	check_reject("1.2.3.4::", ADDR_E_TAIL);
	check_reject("::1.2.3.4::", ADDR_E_TAIL);
	check_reject("::1..3.4", ADDR_E_TAIL);

	check_reject("::g", ADDR_E_CHAR);
	check_reject("g::", ADDR_E_CHAR);
	check_reject("::1 ", ADDR_E_CHAR);	/* trailing garbage */
	check_reject(" ::1", ADDR_E_CHAR);
	check_reject("::1%eth0", ADDR_E_CHAR);	/* zones are RFC 4007's, not addresses */
	check_reject("::1/64", ADDR_E_CHAR);
	check_reject("[::1]", ADDR_E_CHAR);
	check_reject("::1.2.3.4x", ADDR_E_CHAR);
	check_reject("1:2:3:4:5:6:7:8x", ADDR_E_CHAR);
	check_reject("::-1", ADDR_E_CHAR);
	struct addr a;
	assert_int_equal(addr_parse("::1\0", 4, &a), ADDR_E_CHAR);
	assert_int_equal(addr_parse("\0::1", 4, &a), ADDR_E_CHAR);
	assert_string_equal(addr_strerror(ADDR_E_TWO_GAPS), "'::' may appear only once");
}

/* --- IPv6 out: RFC 5952 ---------------------------------------------------- */

static void test_rfc5952(void **state)
{
	(void)state;
	/* Section 2: the many ways of writing one address, and the one way. */
	static const char *const same[] = {
		"2001:db8:0:0:1:0:0:1", "2001:0db8:0:0:1:0:0:1", "2001:db8::1:0:0:1",
		"2001:db8::0:1:0:0:1", "2001:0db8::1:0:0:1", "2001:db8:0:0:1::1",
		"2001:db8:0000:0:1::1", "2001:DB8:0:0:1::1",
	};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		check_canon(same[i], "2001:db8::1:0:0:1");
	check_canon("2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1");
	check_canon("2001:db8:aaaa:bbbb:cccc:dddd:eeee:001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1");
	check_canon("2001:db8:aaaa:bbbb:cccc:dddd:eeee:01", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1");
	check_canon("2001:db8:aaaa:bbbb:cccc:dddd::1", "2001:db8:aaaa:bbbb:cccc:dddd:0:1");
	check_canon("2001:db8:0:0:0::1", "2001:db8::1");
	check_canon("2001:db8:0::1", "2001:db8::1");
	check_canon("2001:db8::aaaa:0:0:1", "2001:db8::aaaa:0:0:1");
	check_canon("2001:db8:0:0:aaaa::1", "2001:db8::aaaa:0:0:1");
	check_canon("2001:db8:aaaa:bbbb:cccc:dddd:eeee:AAAA", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa");
	/* Section 4.1: no leading zeros; 4.2.1: as short as possible. */
	check_canon("2001:0db8::0001", "2001:db8::1");
	check_canon("2001:db8:0:0:0:0:2:1", "2001:db8::2:1");
	/* 4.2.2: one zero group is not "::". */
	check_canon("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
	/* 4.2.3: the longest run; the first of equal runs. */
	check_canon("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
	check_canon("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	/* 4.3: lower case. */
	check_canon("2001:DB8::ABCD", "2001:db8::abcd");
	/* Section 5: IPv4-mapped with the dotted tail, however it was written. */
	check_canon("::ffff:192.0.2.1", "::ffff:192.0.2.1");
	check_canon("::FFFF:c000:201", "::ffff:192.0.2.1");
	check_canon("0:0:0:0:0:ffff:0.0.0.0", "::ffff:0.0.0.0");
	/* Other embedded forms are not mapped: plain groups. */
	check_canon("::1.2.3.4", "::102:304");			/* IPv4-compatible, deprecated */
	check_canon("::ffff:0:1.2.3.4", "::ffff:0:102:304");	/* RFC 2765 translated */
	check_canon("64:ff9b::192.0.2.33", "64:ff9b::c000:221");
	check_canon("::fffe:1.2.3.4", "::fffe:102:304");
	check_canon("1::ffff:1.2.3.4", "1::ffff:102:304");
	/* The ends. */
	check_canon("0:0:0:0:0:0:0:0", "::");
	check_canon("0:0:0:0:0:0:0:1", "::1");
	check_canon("1:0:0:0:0:0:0:0", "1::");
	check_canon("1:0:0:0:0:0:0:1", "1::1");
	check_canon("0:1:0:1:0:1:0:1", "0:1:0:1:0:1:0:1");
	check_canon("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0");
	check_canon("0:0:1:0:0:1:0:0", "::1:0:0:1:0:0");
	check_canon("1:0:0:2:0:0:0:0", "1:0:0:2::");
	check_canon("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	check_canon("fe80::1:2:3:4", "fe80::1:2:3:4");
}

/* Every pattern of zero and non-zero groups, written every way, against glibc. */
static void test_against_libc(void **state)
{
	(void)state;
	static const uint16_t vals[] = { 0x1, 0xabcd, 0x10, 0xf00 };
	for (unsigned mask = 0; mask < 256; mask++)
		for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) {
			uint8_t b[16] = { 0 };
			for (int k = 0; k < 8; k++)
				if (mask & (1u << k)) {
					uint16_t g = (uint16_t)(vals[v] + k);
					b[2 * k] = (uint8_t)(g >> 8);
					b[2 * k + 1] = (uint8_t)g;
				}
			struct addr a = addr_from_ipv6(b), back;
			char ours[ADDR_STRLEN], theirs[INET6_ADDRSTRLEN];
			addr_format(&a, ours, sizeof ours);
			assert_non_null(inet_ntop(AF_INET6, b, theirs, sizeof theirs));
			/* glibc prints IPv4-compatible ::a.b.c.d, which RFC 5952 leaves out. */
			bool compat = (mask & 0x3f) == 0 && (mask & 0x40);
			if (!compat && strcmp(ours, theirs) != 0)
				fail_msg("mask %02x: '%s', glibc '%s'", mask, ours, theirs);
			if (parse_str(ours, &back) || !addr_equal(&a, &back))
				fail_msg("mask %02x: '%s' does not read back", mask, ours);
			/* The full form, and glibc's own text, read the same. */
			char full[64];
			snprintf(full, sizeof full, "%x:%x:%x:%x:%x:%x:%x:%x",
				 b[0] << 8 | b[1], b[2] << 8 | b[3], b[4] << 8 | b[5],
				 b[6] << 8 | b[7], b[8] << 8 | b[9], b[10] << 8 | b[11],
				 b[12] << 8 | b[13], b[14] << 8 | b[15]);
			if (parse_str(full, &back) || !addr_equal(&a, &back))
				fail_msg("mask %02x: '%s' does not read", mask, full);
			if (parse_str(theirs, &back) || !addr_equal(&a, &back))
				fail_msg("mask %02x: glibc's '%s' does not read", mask, theirs);
		}
}

/* Truncated like snprintf: NUL-terminated, never past the buffer, and the
 * whole length returned. */
static void test_format_bounds(void **state)
{
	(void)state;
	struct addr a;
	assert_int_equal(parse_str("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", &a), 0);
	char full[ADDR_STRLEN];
	size_t n = addr_format(&a, full, sizeof full);
	assert_int_equal(n, 39);
	for (size_t len = 0; len <= n + 1; len++) {
		char buf[64];
		memset(buf, '#', sizeof buf);
		assert_int_equal(addr_format(&a, buf, len), n);
		if (len == 0) {
			assert_int_equal(buf[0], '#');
			continue;
		}
		size_t kept = len - 1 < n ? len - 1 : n;
		assert_memory_equal(buf, full, kept);
		assert_int_equal(buf[kept], '\0');
		assert_int_equal(buf[kept + 1], '#');
	}
	struct addr none = { 0 }, odd = { .family = ADDR_IPV6, .len = 4 };
	char buf[8] = "xxxxxxx";
	assert_int_equal(addr_format(&none, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	assert_int_equal(addr_format(&odd, buf, sizeof buf), 0);
	assert_true(addr_equal(&none, &none));
	assert_false(addr_equal(&none, &odd));
	struct addr z4 = addr_from_ipv4(0);
	assert_false(addr_equal(&z4, &odd));	/* same length and bytes, another family */
}

static void test_helpers(void **state)
{
	(void)state;
	struct addr a, z4 = addr_from_ipv4(0), z6, none = { 0 };
	assert_int_equal(parse_str("::", &z6), 0);
	assert_true(addr_is_unspecified(&z4));
	assert_true(addr_is_unspecified(&z6));
	assert_false(addr_is_unspecified(&none));
	assert_false(addr_equal(&z4, &z6));	/* 0.0.0.0 is not :: */
	assert_int_equal(parse_str("::1", &a), 0);
	assert_false(addr_is_unspecified(&a));
	assert_int_equal(addr_ipv4(&a), 0);	/* not IPv4 */
	assert_int_equal(parse_str("0.0.0.1", &a), 0);
	assert_false(addr_is_unspecified(&a));
	/* IPv4 and its IPv4-mapped IPv6 are different addresses. */
	struct addr m;
	assert_int_equal(parse_str("::ffff:0.0.0.1", &m), 0);
	assert_false(addr_equal(&a, &m));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4),
		cmocka_unit_test(test_ipv4_rejects),
		cmocka_unit_test(test_exact_length),
		cmocka_unit_test(test_ipv6_forms),
		cmocka_unit_test(test_ipv6_rejects),
		cmocka_unit_test(test_rfc5952),
		cmocka_unit_test(test_against_libc),
		cmocka_unit_test(test_format_bounds),
		cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
