/* addr.c - IPv4 and IPv6 addresses: RFC 4291 text in, RFC 5952 text out. */
#include "addr.h"

#include <string.h>

#include "../util/strbuf.h"

struct addr addr_from_ipv4(uint32_t host_order)
{
	struct addr a = { .family = ADDR_IPV4, .len = 4 };
	a.b[0] = host_order >> 24;
	a.b[1] = host_order >> 16;
	a.b[2] = host_order >> 8;
	a.b[3] = host_order;
	return a;
}

struct addr addr_from_ipv6(const uint8_t b[16])
{
	struct addr a = { .family = ADDR_IPV6, .len = 16 };
	memcpy(a.b, b, 16);
	return a;
}

uint32_t addr_ipv4(const struct addr *a)
{
	if (a->family != ADDR_IPV4 || a->len != 4)
		return 0;
	return (uint32_t)a->b[0] << 24 | (uint32_t)a->b[1] << 16 | (uint32_t)a->b[2] << 8 |
	       a->b[3];
}

u128 addr_value(const struct addr *a)
{
	u128 v = 0;
	for (size_t i = 0; i < a->len && i < sizeof a->b; i++)
		v = v << 8 | a->b[i];
	return v;
}

struct addr addr_from_value(u128 v, unsigned len)
{
	struct addr a = { .family = len == 16 ? ADDR_IPV6 : ADDR_IPV4,
			  .len = (uint8_t)(len == 16 ? 16 : 4) };
	for (size_t i = a.len; i-- > 0; v >>= 8)
		a.b[i] = (uint8_t)v;
	return a;
}

bool addr_is_multicast6(const struct addr *a)
{
	return a->family == ADDR_IPV6 && a->b[0] == 0xff;
}

bool addr_is_link_local6(const struct addr *a)
{
	return a->family == ADDR_IPV6 && a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

bool addr_link_scoped6(const struct addr *a)
{
	return addr_is_link_local6(a) || (addr_is_multicast6(a) && (a->b[1] & 0x0f) <= 2);
}

struct addr addr_solicited_node(const struct addr *target)
{
	static const uint8_t prefix[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };
	struct addr a = { .family = ADDR_IPV6, .len = 16 };
	memcpy(a.b, prefix, sizeof prefix);
	memcpy(a.b + 13, target->b + 13, 3);
	return a;
}

static bool well_formed(const struct addr *a)
{
	return (a->family == ADDR_IPV4 && a->len == 4) || (a->family == ADDR_IPV6 && a->len == 16);
}

bool addr_equal(const struct addr *a, const struct addr *b)
{
	if (a->family != b->family || a->len != b->len)
		return false;
	return a->len <= sizeof a->b && memcmp(a->b, b->b, a->len) == 0;
}

bool addr_is_unspecified(const struct addr *a)
{
	if (!well_formed(a))
		return false;
	for (size_t i = 0; i < a->len; i++)
		if (a->b[i])
			return false;
	return true;
}

/* --- parsing ----------------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four numbers of one to three decimal digits, each at most 255, joined by
 * dots, from the start of s[0..n).  Leading zeros are decimal, as
 * parse_ipv4 (field.c) reads them.  0 with *used the bytes read (the text
 * may go on), or -1. */
static int dotted_quad(const char *s, size_t n, size_t *used, uint8_t out[4])
{
	size_t i = 0;
	for (int part = 0; part < 4; part++) {
		if (part > 0) {
			if (i >= n || s[i] != '.')
				return -1;
			i++;
		}
		unsigned v = 0;
		size_t digits = 0;
		while (i < n && is_digit(s[i])) {
			if (++digits > 3)
				return -1;
			v = v * 10 + (unsigned)(s[i++] - '0');
		}
		if (digits == 0 || v > 255)
			return -1;
		out[part] = (uint8_t)v;
	}
	*used = i;
	return 0;
}

static int from_dotted(const char *s, size_t n, struct addr *out)
{
	uint8_t q[4];
	size_t used;
	if (dotted_quad(s, n, &used, q))
		return ADDR_E_IPV4;
	if (used < n)	/* "1.2.3.4.5" is a bad quad; "1.2.3.4x" has garbage after one */
		return s[used] == '.' ? ADDR_E_IPV4 : ADDR_E_CHAR;
	out->family = ADDR_IPV4;
	out->len = 4;
	memset(out->b, 0, sizeof out->b);
	memcpy(out->b, q, 4);
	return 0;
}

static int from_groups(const char *s, size_t n, struct addr *out)
{
	uint16_t g[8];
	int ng = 0, gap = -1;	/* gap: how many groups come before the "::" */
	size_t i = 0;
	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	}
	while (i < n) {
		/* At the start of a group: hex digits, or the IPv4 tail. */
		size_t digits = 0;
		unsigned v = 0;
		while (i + digits < n && hex_value(s[i + digits]) >= 0) {
			if (digits < 4)
				v = v << 4 | (unsigned)hex_value(s[i + digits]);
			digits++;
		}
		if (i + digits < n && s[i + digits] == '.') {
			uint8_t q[4];
			size_t used;
			if (dotted_quad(s + i, n - i, &used, q))
				return ADDR_E_TAIL;
			if (i + used < n)	/* only the end of the text may follow */
				return s[i + used] == ':' || s[i + used] == '.' ? ADDR_E_TAIL
										: ADDR_E_CHAR;
			if (ng + 2 > 8)
				return ADDR_E_TOO_MANY;
			g[ng++] = (uint16_t)(q[0] << 8 | q[1]);
			g[ng++] = (uint16_t)(q[2] << 8 | q[3]);
			break;
		}
		if (digits == 0)
			return s[i] == ':' ? ADDR_E_COLON : ADDR_E_CHAR;
		if (digits > 4)
			return ADDR_E_GROUP;
		if (ng == 8)
			return ADDR_E_TOO_MANY;
		g[ng++] = (uint16_t)v;
		i += digits;
		if (i == n)
			break;
		if (s[i] != ':')
			return ADDR_E_CHAR;
		i++;
		if (i < n && s[i] == ':') {
			if (gap >= 0)
				return ADDR_E_TWO_GAPS;
			gap = ng;
			i++;
		} else if (i == n) {
			return ADDR_E_COLON;	/* "1:2:...:8:" */
		}
	}
	if (gap < 0 && ng < 8)
		return ADDR_E_TOO_FEW;
	if (gap >= 0 && ng > 7)	/* "::" stands for at least one group */
		return ADDR_E_TOO_MANY;
	out->family = ADDR_IPV6;
	out->len = 16;
	memset(out->b, 0, sizeof out->b);
	int zeros = 8 - ng;
	for (int k = 0; k < ng; k++) {
		int at = gap >= 0 && k >= gap ? k + zeros : k;
		out->b[2 * at] = (uint8_t)(g[k] >> 8);
		out->b[2 * at + 1] = (uint8_t)g[k];
	}
	return 0;
}

int addr_parse(const char *s, size_t len, struct addr *out)
{
	if (len == 0)
		return ADDR_E_EMPTY;
	struct addr a;
	int rc = memchr(s, ':', len) ? from_groups(s, len, &a) : from_dotted(s, len, &a);
	if (rc == 0)
		*out = a;
	return rc;
}

const char *addr_strerror(int err)
{
	switch (err) {
	case 0: return "no error";
	case ADDR_E_EMPTY: return "empty address";
	case ADDR_E_CHAR: return "unexpected character in the address";
	case ADDR_E_IPV4: return "an IPv4 address is four numbers 0-255 joined by dots";
	case ADDR_E_GROUP: return "an IPv6 group has at most 4 hex digits";
	case ADDR_E_TOO_MANY: return "too many IPv6 groups (8 at most, '::' standing for at least one)";
	case ADDR_E_TOO_FEW: return "too few IPv6 groups (8, or '::' for the zeros)";
	case ADDR_E_TWO_GAPS: return "'::' may appear only once";
	case ADDR_E_COLON: return "a single ':' at the start or end, or ':::'";
	case ADDR_E_TAIL: return "an embedded IPv4 address must be a.b.c.d at the very end";
	}
	return "bad address";
}

/* --- formatting -------------------------------------------------------- */

/* Appends to a caller's buffer, never past it, counting the whole text. */
struct out {
	char *buf;
	size_t len, n;
};

static void put(struct out *o, const char *s)
{
	for (; *s; s++, o->n++)
		if (o->n + 1 < o->len)
			o->buf[o->n] = *s;
}

static void put_uint(struct out *o, unsigned v, unsigned base)
{
	char tmp[8];
	size_t k = sizeof tmp;
	tmp[--k] = '\0';
	do {
		tmp[--k] = hex_digits[v % base];
		v /= base;
	} while (v && k > 0);
	put(o, tmp + k);
}

static void put_quad(struct out *o, const uint8_t *q)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			put(o, ".");
		put_uint(o, q[i], 10);
	}
}

static void put_ipv6(struct out *o, const uint8_t *b)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (memcmp(b, mapped, sizeof mapped) == 0) {	/* RFC 5952 section 5 */
		put(o, "::ffff:");
		put_quad(o, b + 12);
		return;
	}
	unsigned g[8];
	for (int k = 0; k < 8; k++)
		g[k] = (unsigned)b[2 * k] << 8 | b[2 * k + 1];
	/* The longest run of zero groups, the first on ties, two at least
	 * (RFC 5952 section 4.2: one zero group stays "0"). */
	int best = -1, best_len = 1;
	for (int k = 0; k < 8;) {
		if (g[k]) {
			k++;
			continue;
		}
		int run = k;
		while (run < 8 && g[run] == 0)
			run++;
		if (run - k > best_len) {
			best = k;
			best_len = run - k;
		}
		k = run;
	}
	for (int k = 0; k < 8;) {
		if (k == best) {
			put(o, "::");
			k += best_len;
			continue;
		}
		if (k > 0 && k != best + best_len)
			put(o, ":");
		put_uint(o, g[k], 16);
		k++;
	}
}

size_t addr_format(const struct addr *a, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len, .n = 0 };
	if (a->family == ADDR_IPV4 && a->len == 4)
		put_quad(&o, a->b);
	else if (a->family == ADDR_IPV6 && a->len == 16)
		put_ipv6(&o, a->b);
	if (len > 0)
		buf[o.n < len ? o.n : len - 1] = '\0';
	return o.n;
}
