/* strbuf.c - growing strings; allocation failure aborts, as in redis's sds. */
#include "strbuf.h"
#include "xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An empty buffer points here, so `s` is always a string; cap 0 says the
 * buffer is not ours to write or free. */
static char empty[1];

void sb_init(struct strbuf *sb)
{
	sb->s = empty;
	sb->len = sb->cap = 0;
}

void sb_free(struct strbuf *sb)
{
	if (sb->cap)
		free(sb->s);
	sb_init(sb);
}

void sb_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->cap)
		sb->s[0] = '\0';
}

void sb_grow(struct strbuf *sb, size_t extra)
{
	if (sb->len + extra + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + extra + 1)
		cap *= 2;
	char *s = xrealloc(sb->cap ? sb->s : NULL, cap);
	sb->s = s;
	sb->cap = cap;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_grow(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->s + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

/* Sixteen bytes at a time, in the vector extensions GCC and Clang give
 * every target (SSE2 on x86-64, NEON on arm64, plain words elsewhere): a
 * payload's hex digits and JSON text are most of what --json writes. */
typedef uint8_t u8x16 __attribute__((vector_size(16)));

/* Bytes of a and b picked by index (0-15 from a, 16-31 from b). */
#ifdef __clang__
#define VEC16_SHUFFLE(a, b, ...) __builtin_shufflevector(a, b, __VA_ARGS__)
#else
#define VEC16_SHUFFLE(a, b, ...) __builtin_shuffle(a, b, (u8x16){ __VA_ARGS__ })
#endif

static u8x16 vec16_load(const void *p)
{
	u8x16 v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* Whether any byte of a comparison's result is set. */
static bool vec16_any(u8x16 v)
{
	uint64_t w[2];
	memcpy(w, &v, sizeof w);
	return (w[0] | w[1]) != 0;
}

const char hex_digits[16] = "0123456789abcdef";

/* p[0..16) as 32 hex digits: each byte's two nibbles side by side, then
 * '0' + n, and 'a' - '0' - 10 more where n > 9. */
static void hex16(char *o, const uint8_t *p)
{
	u8x16 x = vec16_load(p), hi = x >> 4, lo = x & 0xf, d[2];
	d[0] = VEC16_SHUFFLE(hi, lo, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
	d[1] = VEC16_SHUFFLE(hi, lo, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
	for (int i = 0; i < 2; i++)
		d[i] += '0' + ((u8x16)(d[i] > 9) & ('a' - '0' - 10));
	memcpy(o, d, sizeof d);
}

/* "00".."99": two digits per step halves the divisions. */
static const char pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static const uint64_t tens[20] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
	10000000000ull, 100000000000ull, 1000000000000ull, 10000000000000ull,
	100000000000000ull, 1000000000000000ull, 10000000000000000ull,
	100000000000000000ull, 1000000000000000000ull, 10000000000000000000ull,
};

/* The digits of `v`, written backwards from `end`; returns the first. */
static char *digits(char *end, uint64_t v)
{
	while (v >= 100) {
		unsigned k = (unsigned)(v % 100) * 2;
		v /= 100;
		*--end = pairs[k + 1];
		*--end = pairs[k];
	}
	if (v >= 10) {
		*--end = pairs[v * 2 + 1];
		*--end = pairs[v * 2];
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

static size_t decimal_len(uint64_t v)
{
	size_t n = 1;
	while (n < sizeof tens / sizeof tens[0] && v >= tens[n])
		n++;
	return n;
}

/* Straight into the buffer: a copy per number was a memcpy call. */
void sb_u64(struct strbuf *sb, uint64_t v)
{
	size_t n = decimal_len(v);
	if (sb->len + n + 1 > sb->cap)
		sb_grow(sb, n);
	digits(sb->s + sb->len + n, v);
	sb->len += n;
	sb->s[sb->len] = '\0';
}

void sb_i64(struct strbuf *sb, int64_t v)
{
	if (v < 0) {
		sb_putc(sb, '-');
		sb_u64(sb, 0 - (uint64_t)v);
	} else {
		sb_u64(sb, (uint64_t)v);
	}
}

void sb_u64w(struct strbuf *sb, uint64_t v, unsigned width)
{
	char buf[20], *end = buf + sizeof buf;
	char *p = digits(end, v);
	for (size_t n = (size_t)(end - p); n < width; n++)
		sb_putc(sb, '0');
	sb_add(sb, p, (size_t)(end - p));
}

void sb_hexw(struct strbuf *sb, uint64_t v, unsigned width)
{
	char buf[16], *end = buf + sizeof buf, *p = end;
	do {
		*--p = hex_digits[v & 0xf];
		v >>= 4;
	} while (v);
	for (size_t n = (size_t)(end - p); n < width; n++)
		sb_putc(sb, '0');
	sb_add(sb, p, (size_t)(end - p));
}

void sb_hex(struct strbuf *sb, const uint8_t *p, size_t n, char sep)
{
	if (!n)
		return;
	size_t per = sep ? 3 : 2, out = n * per - (sep ? 1 : 0), i = 0;
	sb_grow(sb, out);
	char *o = sb->s + sb->len;
	if (!sep)
		for (; i + 16 <= n; i += 16, o += 32)
			hex16(o, p + i);
	for (; i < n; i++) {
		if (sep && i)
			*o++ = sep;
		*o++ = hex_digits[p[i] >> 4];
		*o++ = hex_digits[p[i] & 0xf];
	}
	sb->len += out;
	sb->s[sb->len] = '\0';
}

void sb_ipv4(struct strbuf *sb, const uint8_t *p)
{
	for (int i = 0; i < 4; i++) {
		if (i)
			sb_putc(sb, '.');
		sb_u64(sb, p[i]);
	}
}

/* The fraction of a double is m * 2^-k exactly, so its first `decimals`
 * digits are m * 10^decimals >> k and the bits shifted out round them:
 * half to even, as glibc rounds the exact binary value. */
void sb_fixed(struct strbuf *sb, double v, unsigned decimals)
{
	double mag = fabs(v);
	if (!(mag < 0x1p63) || decimals >= sizeof tens / sizeof tens[0]) {
		sb_printf(sb, "%.*f", (int)decimals, v);	/* NaN, huge, or past 128 bits */
		return;
	}
	uint64_t whole = (uint64_t)mag, bits;
	double frac = mag - (double)whole;	/* exact: a multiple of mag's last bit */
	memcpy(&bits, &frac, sizeof bits);
	unsigned biased = (unsigned)(bits >> 52);
	uint64_t m = bits & ((UINT64_C(1) << 52) - 1);
	unsigned k = biased ? 1075 - biased : 1074;	/* frac < 1: k >= 53 */
	if (biased)
		m |= UINT64_C(1) << 52;
	unsigned __int128 p = (unsigned __int128)m * tens[decimals];	/* < 2^117 */
	uint64_t q = 0;
	if (k < 128) {
		unsigned __int128 half = (unsigned __int128)1 << (k - 1);
		unsigned __int128 rest = p & ((half << 1) - 1);
		q = (uint64_t)(p >> k);
		uint64_t last = decimals ? q : whole;
		if (rest > half || (rest == half && (last & 1)))
			q++;
	}			/* else p < 2^117 <= half: rounds down to 0 */
	if (q == tens[decimals]) {	/* 0.999.. rounded up */
		q = 0;
		whole++;
	}
	if (signbit(v))
		sb_putc(sb, '-');
	sb_u64(sb, whole);
	if (decimals) {
		sb_putc(sb, '.');
		sb_u64w(sb, q, decimals);
	}
}

/* What follows the backslash for each byte JSON escapes, 0 for a byte
 * copied as it is: 'u' gives \u00XX, for controls, DEL and each byte past
 * ASCII (read as its own code point, not as UTF-8). */
static const char json_escape[256] = {
	[0x00 ... 0x08] = 'u', ['\t'] = 't', ['\n'] = 'n', [0x0b ... 0x1f] = 'u',
	['"'] = '"', ['\\'] = '\\', [0x7f ... 0xff] = 'u',
};

/* How many bytes from `s` on JSON copies as they are. */
static size_t json_plain_run(const unsigned char *s, size_t n)
{
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {	/* json_escape's classes, 16 bytes at once */
		u8x16 x = vec16_load(s + i);
		if (vec16_any((u8x16)((x < 0x20) | (x >= 0x7f) | (x == '"') | (x == '\\'))))
			break;
	}
	while (i < n && !json_escape[s[i]])
		i++;
	return i;
}

void sb_json_str(struct strbuf *sb, const char *s, size_t n)
{
	sb_putc(sb, '"');
	for (size_t i = 0;; i++) {
		size_t run = json_plain_run((const unsigned char *)s + i, n - i);
		sb_add(sb, s + i, run);
		i += run;
		if (i == n)
			break;
		unsigned char c = (unsigned char)s[i];
		char e = json_escape[c];
		char esc[6] = { '\\', e, '0', '0', hex_digits[c >> 4], hex_digits[c & 0xf] };
		sb_add(sb, esc, e == 'u' ? 6 : 2);
	}
	sb_putc(sb, '"');
}

void sb_json_quote(struct strbuf *sb, size_t from)
{
	size_t n = sb->len - from;
	if (json_plain_run((const unsigned char *)sb->s + from, n) == n) {
		if (sb->len + 3 > sb->cap)
			sb_grow(sb, 2);
		memmove(sb->s + from + 1, sb->s + from, n);
		sb->s[from] = sb->s[from + n + 1] = '"';
		sb->len += 2;
		sb->s[sb->len] = '\0';
		return;
	}
	char *raw = xmalloc(n);	/* escapes lengthen it: rare, a copy */
	memcpy(raw, sb->s + from, n);
	sb->len = from;
	sb_json_str(sb, raw, n);
	free(raw);
}

void sb_join(struct strbuf *sb, char *const *words, size_t n, const char *sep)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_puts(sb, sep);
		sb_puts(sb, words[i]);
	}
}

void sb_html_str(struct strbuf *sb, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *ref = c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" :
				  c == '"' ? "&quot;" : c == '\'' ? "&#39;" :
				  (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? "\xef\xbf\xbd" :
				  NULL;
		if (ref)
			sb_puts(sb, ref);
		else
			sb_putc(sb, (char)c);
	}
}
