/*
 * fuzz_addr.c - libFuzzer target for addresses as text (craft/core/addr.c).
 * The input is read
 *   - as text: addr_parse on exactly its bytes; what parses is printed,
 *     and the printed text must read back as the same address and print
 *     the same again (a fixed point), fit ADDR_STRLEN, and agree with
 *     inet_pton(3) on every text glibc accepts (we accept a dotted part
 *     with leading zeros too, as parse_ipv4 does; nothing else more);
 *   - as bytes: its first 16 (or 4) bytes as an address, printed into
 *     every buffer size from 0 up, never past it, always NUL-terminated,
 *     the text a prefix of the whole; the whole text agrees with
 *     inet_ntop(3) except for IPv4-compatible ::a.b.c.d, which RFC 5952
 *     leaves out.
 * A refusal must carry one of the documented reasons.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../craft/core/addr.h"

static void fail(const char *what, const uint8_t *data, size_t size)
{
	fprintf(stderr, "fuzz_addr: %s (input \"%.*s\")\n", what, (int)(size < 80 ? size : 80),
		(const char *)data);
	abort();
}

/* The longest text of each family: 255.255.255.255, eight full groups. */
static size_t longest(uint8_t family)
{
	return family == ADDR_IPV4 ? 15 : 39;
}

/* A dotted part of the text with a leading zero ("01", "00"). */
static bool leading_zero_octet(const char *s, size_t n)
{
	if (!memchr(s, '.', n))
		return false;
	for (size_t i = 0; i + 1 < n; i++) {
		bool starts = i == 0 || s[i - 1] == '.' || s[i - 1] == ':';
		if (starts && s[i] == '0' && s[i + 1] >= '0' && s[i + 1] <= '9')
			return true;
	}
	return false;
}

static void as_text(const uint8_t *data, size_t size)
{
	struct addr a;
	int rc = addr_parse((const char *)data, size, &a);
	if (rc < ADDR_E_TAIL || rc > 0)
		fail("undocumented result", data, size);
	/* glibc's reading of the same bytes, when they hold no NUL. */
	char cstr[128];
	int libc = -1;
	uint8_t lb[16];
	if (size < sizeof cstr && !memchr(data, '\0', size)) {
		memcpy(cstr, data, size);
		cstr[size] = '\0';
		libc = inet_pton(memchr(data, ':', size) ? AF_INET6 : AF_INET, cstr, lb);
	}
	if (rc) {
		if (libc == 1)
			fail("refused what inet_pton reads", data, size);
		return;
	}
	if (a.len != (a.family == ADDR_IPV4 ? 4 : 16) ||
	    (a.family != ADDR_IPV4 && a.family != ADDR_IPV6))
		fail("family and length disagree", data, size);
	for (size_t i = a.len; i < sizeof a.b; i++)
		if (a.b[i])
			fail("bytes past len not zero", data, size);
	if (libc == 1 && memcmp(lb, a.b, a.len) != 0)
		fail("other bytes than inet_pton's", data, size);
	if (libc == 0 && !leading_zero_octet(cstr, size))
		fail("read what inet_pton refuses", data, size);
	char t1[ADDR_STRLEN], t2[ADDR_STRLEN];
	size_t n1 = addr_format(&a, t1, sizeof t1);
	if (n1 == 0 || n1 > longest(a.family) || strlen(t1) != n1)
		fail("printed text of a wrong length", data, size);
	struct addr b;
	if (addr_parse(t1, n1, &b) || !addr_equal(&a, &b))
		fail("printed text does not read back", data, size);
	size_t n2 = addr_format(&b, t2, sizeof t2);
	if (n2 != n1 || strcmp(t1, t2) != 0)
		fail("print -> parse -> print moved", data, size);
}

static void as_bytes(const uint8_t *data, size_t size)
{
	if (size < 4)
		return;
	struct addr a = size >= 16 ? addr_from_ipv6(data) : addr_from_ipv4(
		(uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3]);
	char whole[ADDR_STRLEN];
	size_t n = addr_format(&a, whole, sizeof whole);
	if (n == 0 || n > longest(a.family))
		fail("printed text of a wrong length", data, size);
	for (size_t len = 0; len <= n + 1; len++) {
		char buf[ADDR_STRLEN + 8];
		memset(buf, 0x5a, sizeof buf);
		if (addr_format(&a, buf, len) != n)
			fail("length depends on the buffer", data, size);
		for (size_t i = len; i < sizeof buf; i++)
			if (buf[i] != 0x5a)
				fail("wrote past the buffer", data, size);
		if (len == 0)
			continue;
		size_t kept = len - 1 < n ? len - 1 : n;
		if (buf[kept] != '\0' || memcmp(buf, whole, kept) != 0)
			fail("truncated text is not a prefix", data, size);
	}
	char theirs[INET6_ADDRSTRLEN];
	if (!inet_ntop(a.family == ADDR_IPV4 ? AF_INET : AF_INET6, a.b, theirs, sizeof theirs))
		fail("inet_ntop failed", data, size);
	bool compat = a.family == ADDR_IPV6 && !memcmp(a.b, "\0\0\0\0\0\0\0\0\0\0\0\0", 12) &&
		      (a.b[12] || a.b[13]);
	if (!compat && strcmp(whole, theirs) != 0)
		fail("text differs from inet_ntop's", data, size);
	struct addr b;
	if (addr_parse(whole, n, &b) || !addr_equal(&a, &b))
		fail("printed text does not read back", data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	as_text(data, size);
	as_bytes(data, size);
	return 0;
}
