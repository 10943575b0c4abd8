/* field.c - field kinds: parse from template text, format for output, bit access. */
#include "field.h"

#include "addr.h"
#include "../proto/tcpopts.h"
#include "../util/infile.h"
#include "../util/manuf.h"
#include "../util/strbuf.h"
#include "../util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Flag letters, most significant bit first; printed in the order people say
 * them (SA, RA, PA, FA), which is not the bit order. */
static const char tcp_flag_bits[] = "CEUAPRSF";
static const char tcp_flag_print_order[] = "SFRPAUEC";
static const char *const tcp_flag_names[] = {
	"CWR", "ECE", "URG", "ACK", "PSH", "RST", "SYN", "FIN",
};

static u128 low_mask(unsigned bits)
{
	return bits >= 128 ? ~(u128)0 : ((u128)1 << bits) - 1;
}

u128 field_max(const struct field *f)
{
	return low_mask(f->bits);
}

const struct field_name *field_name_by_value(const struct field *f,
					     uint64_t value)
{
	for (const struct field_name *n = f->names; n && (n->keyword || n->meaning); n++)
		if (n->value == value && n->meaning)
			return n;
	return NULL;
}

/* A field's bytes are read whole, shifted and masked (floods do this per
 * frame): in one 64-bit word when they fit it, else in 128 bits. */
static uint64_t low_mask64(unsigned bits)
{
	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

u128 bits_get(const uint8_t *base, unsigned bit_off, unsigned bits)
{
	if (!bits)
		return 0;
	unsigned first = bit_off / 8, last = (bit_off + bits - 1) / 8;
	unsigned shift = (last + 1) * 8 - bit_off - bits;
	if (last - first < 8) {
		uint64_t acc = 0;
		for (unsigned i = first; i <= last; i++)
			acc = acc << 8 | base[i];
		return (acc >> shift) & low_mask64(bits);
	}
	u128 acc = 0;
	for (unsigned i = first; i <= last; i++)
		acc = acc << 8 | base[i];
	return (acc >> shift) & low_mask(bits);
}

void bits_put(uint8_t *base, unsigned bit_off, unsigned bits, u128 v)
{
	if (!bits)
		return;
	unsigned first = bit_off / 8, last = (bit_off + bits - 1) / 8;
	unsigned shift = (last + 1) * 8 - bit_off - bits;
	if (last - first < 8) {
		uint64_t acc = 0, m = low_mask64(bits);
		for (unsigned i = first; i <= last; i++)
			acc = acc << 8 | base[i];
		acc = (acc & ~(m << shift)) | (((uint64_t)v & m) << shift);
		for (unsigned i = last + 1; i-- > first; acc >>= 8)
			base[i] = (uint8_t)acc;
		return;
	}
	u128 acc = 0, m = low_mask(bits);
	for (unsigned i = first; i <= last; i++)
		acc = acc << 8 | base[i];
	acc = (acc & ~(m << shift)) | ((v & m) << shift);
	for (unsigned i = last + 1; i-- > first; acc >>= 8)
		base[i] = (uint8_t)acc;
}

int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	char *end;
	unsigned long long v;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		/* strtoull would take a second "0x" itself: digits only. */
		if (!s[2] || strspn(s + 2, "0123456789abcdefABCDEF") != strlen(s + 2))
			return -1;
		v = strtoull(s + 2, &end, 16);
	} else {
		v = strtoull(s, &end, 10);
	}
	if (*end != '\0')
		return -1;
	if (errno == ERANGE || v > max)
		return 1;
	*out = v;
	return 0;
}

int parse_uint_wide(const char *s, u128 max, u128 *out)
{
	if (!isdigit((unsigned char)s[0]))
		return -1;
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *p = hex ? s + 2 : s;
	unsigned base = hex ? 16 : 10;
	if (!*p)
		return -1;
	u128 v = 0;
	bool over = false;
	for (; *p; p++) {
		int d = hex ? hex_digit(*p) : isdigit((unsigned char)*p) ? *p - '0' : -1;
		if (d < 0)
			return -1;
		over |= v > (~(u128)0 - (unsigned)d) / base;
		v = v * base + (unsigned)d;
	}
	if (over || v > max)
		return 1;
	*out = v;
	return 0;
}

void format_wide(u128 v, bool hex, char *buf, size_t len)
{
	if (v >> 64 == 0) {
		snprintf(buf, len, hex ? "0x%llx" : "%llu", (unsigned long long)v);
	} else if (hex) {
		snprintf(buf, len, "0x%llx%016llx", (unsigned long long)(v >> 64),
			 (unsigned long long)v);
	} else {
		char digits[40];
		size_t n = sizeof digits;
		digits[--n] = '\0';
		for (; v; v /= 10)
			digits[--n] = (char)('0' + (unsigned)(v % 10));
		snprintf(buf, len, "%s", digits + n);
	}
}

int parse_mac(const char *s, uint64_t *out)
{
	uint64_t mac = 0;
	for (int i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return -1;
		char byte[3] = { s[0], s[1], 0 };
		mac = (mac << 8) | strtoul(byte, NULL, 16);
		s += 2;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return -1;
			s++;
		}
	}
	if (*s)
		return -1;
	*out = mac;
	return 0;
}

int parse_ipv4(const char *s, uint64_t *out)
{
	uint64_t ip = 0;
	for (int i = 0; i < 4; i++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		unsigned v = 0;
		int digits = 0;
		while (isdigit((unsigned char)*s)) {
			v = v * 10 + (unsigned)(*s++ - '0');
			if (++digits > 3 || v > 255)
				return -1;
		}
		ip = (ip << 8) | v;
		if (i < 3 && *s++ != '.')
			return -1;
	}
	if (*s)
		return -1;
	*out = ip;
	return 0;
}

static int parse_tcpflags(const char *s, uint64_t *out, char *err, size_t errlen)
{
	if (strcmp(s, "none") == 0) {
		*out = 0;
		return 0;
	}
	if (isdigit((unsigned char)s[0])) {
		int r = parse_uint(s, 0xff, out);
		if (r)
			snprintf(err, errlen, "'%s' is %s", s,
				 r > 0 ? "out of range 0..255" : "not a number");
		return r ? -1 : 0;
	}
	uint64_t v = 0;
	for (const char *c = s; *c; c++) {
		const char *p = strchr(tcp_flag_bits, toupper((unsigned char)*c));
		if (!p || !*c) {
			snprintf(err, errlen, "'%c' is not a TCP flag: use letters "
				 "from C E U A P R S F (SA, PA, FA, RA), none, or a number", *c);
			return -1;
		}
		v |= 1u << (7 - (p - tcp_flag_bits));
	}
	if (!*s) {
		snprintf(err, errlen, "empty TCP flags: use letters or none");
		return -1;
	}
	*out = v;
	return 0;
}

int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_hex(const char *s, size_t len, struct fval *out, char *err,
		     size_t errlen)
{
	uint8_t *buf = xmalloc(len / 2 + 1);
	size_t n = 0;
	int hi = -1;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (c == ' ' || c == ':' || c == '\t')
			continue;
		int v = hex_digit(c);
		if (v < 0) {
			snprintf(err, errlen, c ? "'%c' is not a hex digit" : "a NUL byte is not a hex digit", c);
			free(buf);
			return -1;
		}
		if (hi < 0) {
			hi = v;
		} else {
			buf[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		snprintf(err, errlen, "odd number of hex digits");
		free(buf);
		return -1;
	}
	out->bytes = buf;
	out->len = n;
	return 0;
}

static int parse_file(const char *path, struct fval *out, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	enum infile_fault f = infile_read(path, PAYLOAD_MAX, &buf, &n);
	if (f == INFILE_TOO_BIG)
		snprintf(err, errlen, "'%s' is larger than the %d bytes a frame can carry",
			 path, PAYLOAD_MAX);
	else if (f)
		snprintf(err, errlen, f == INFILE_NOT_REGULAR ? "%s: %s" : "cannot read '%s': %s",
			 path, infile_error(f));
	if (f)
		return -1;
	out->bytes = (uint8_t *)buf;
	out->len = n;
	return 0;
}

static void names_list(const struct field *f, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (const struct field_name *n = f->names; n && (n->keyword || n->meaning); n++) {
		if (!n->keyword)
			continue;
		int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", n->keyword);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}

static int parse_number_or_name(const struct field *f, const char *s,
				u128 *out, char *err, size_t errlen)
{
	for (const struct field_name *n = f->names; n && (n->keyword || n->meaning); n++)
		if (n->keyword && strcmp(n->keyword, s) == 0) {
			*out = n->value;
			return 0;
		}
	int r = parse_uint_wide(s, field_max(f), out);
	if (r == 0)
		return 0;
	if (r > 0) {
		char max[48];
		format_wide(field_max(f), false, max, sizeof max);
		snprintf(err, errlen, "%s is out of range 0..%s", s, max);
		return -1;
	}
	char names[200];
	names_list(f, names, sizeof names);
	if (names[0])
		snprintf(err, errlen, "'%s' is not a number or one of: %s", s, names);
	else
		snprintf(err, errlen, "'%s' is not a number (decimal or 0x hex)", s);
	return -1;
}

/* FK_LETTERS: letters in any order, `none`, or a number. */
static int parse_letters(const struct field *f, const char *s, u128 *out, char *err,
			 size_t errlen)
{
	char letters[32] = "";
	size_t nl = 0;
	for (const struct field_name *n = f->names; n && (n->keyword || n->meaning); n++)
		if (n->keyword && strlen(n->keyword) == 1 && nl + 2 < sizeof letters) {
			letters[nl++] = n->keyword[0];
			letters[nl++] = ' ';
		}
	if (nl)
		letters[nl - 1] = '\0';
	if (strcmp(s, "none") == 0) {
		*out = 0;
		return 0;
	}
	if (isdigit((unsigned char)s[0]))
		return parse_number_or_name(f, s, out, err, errlen);
	uint64_t v = 0;
	for (const char *c = s; *c; c++) {
		const struct field_name *hit = NULL;
		for (const struct field_name *n = f->names; n && (n->keyword || n->meaning); n++)
			if (n->keyword && n->keyword[0] == toupper((unsigned char)*c) && !n->keyword[1])
				hit = n;
		if (!hit) {
			snprintf(err, errlen, "'%c' is not a flag here: use letters from %s, "
				 "none, or a number", *c, letters);
			return -1;
		}
		v |= hit->value;
	}
	if (!*s) {
		snprintf(err, errlen, "empty flags: use letters from %s or none", letters);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_ipv6_field(const char *text, size_t len, u128 *out, char *err,
			    size_t errlen)
{
	struct addr a;
	int r = addr_parse(text, len, &a);
	if (r == 0 && a.family == ADDR_IPV6) {
		*out = addr_value(&a);
		return 0;
	}
	if (r == 0)
		snprintf(err, errlen, "'%s' is an IPv4 address where an IPv6 one is wanted "
			 "(::ffff:%s maps it)", text, text);
	else
		snprintf(err, errlen, "'%s' is not an IPv6 address: %s", text, addr_strerror(r));
	return -1;
}

int field_parse(const struct field *f, const char *text, size_t len,
		struct fval *out, char *err, size_t errlen)
{
	uint64_t n;
	memset(out, 0, sizeof *out);
	if (f->kind == FK_TEXT) {
		if (len > PAYLOAD_MAX) {
			snprintf(err, errlen, "text is longer than %d bytes", PAYLOAD_MAX);
			return -1;
		}
		out->bytes = xmalloc(len);
		memcpy(out->bytes, text, len);
		out->len = len;
		return 0;
	}
	if (f->kind == FK_HEX)
		return parse_hex(text, len, out, err, errlen);
	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "value contains a NUL byte");
		return -1;
	}
	switch (f->kind) {
	case FK_FILE:
		return parse_file(text, out, err, errlen);
	case FK_SIZE: {
		int r = parse_uint(text, PAYLOAD_MAX, &n);
		if (r) {
			snprintf(err, errlen, r > 0 ? "%s is out of range 0..%d" :
				 "'%s' is not a byte count (0..%d)", text, PAYLOAD_MAX);
			return -1;
		}
		out->bytes = xcalloc(1, n);
		out->len = n;
		return 0;
	}
	case FK_TCPOPTS:
		return tcpopts_parse(text, out, err, errlen);
	case FK_TCPFLAGS: {
		uint64_t flags = 0;
		int r = parse_tcpflags(text, &flags, err, errlen);
		out->u = flags;
		return r;
	}
	case FK_MAC:
		if (parse_mac(text, &n) == 0) {
			out->u = n;
			return 0;
		}
		snprintf(err, errlen, "'%s' is not a MAC address "
			 "(six hex pairs: 00:23:aa:69:72:dd)", text);
		return -1;
	case FK_IPV4:
		if (parse_ipv4(text, &n) == 0) {
			out->u = n;
			return 0;
		}
		snprintf(err, errlen, "'%s' is not an IPv4 address "
			 "(dotted quad: 192.168.35.1)", text);
		return -1;
	case FK_IPV6:
		return parse_ipv6_field(text, len, &out->u, err, errlen);
	case FK_LETTERS:
		return parse_letters(f, text, &out->u, err, errlen);
	case FK_OPTS:
		return f->codec->parse(text, out, err, errlen);
	case FK_UINT:
		return parse_number_or_name(f, text, &out->u, err, errlen);
	default:
		snprintf(err, errlen, "cannot be set");
		return -1;
	}
}

/* Copies what `buf` holds of s[0..n), NUL-terminated. */
static void put_text(char *buf, size_t len, const char *s, size_t n)
{
	if (!len)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}


/* "aa:bb:cc:dd:ee:ff" into t[0..17); by table, as it is called per frame. */
static void mac_chars(uint64_t mac, char *t)
{
	for (int i = 0; i < 6; i++) {
		unsigned b = (unsigned)(mac >> (40 - 8 * i)) & 0xff;
		t[3 * i] = hex_digits[b >> 4];
		t[3 * i + 1] = hex_digits[b & 0xf];
		t[3 * i + 2] = ':';
	}
}

void format_mac(uint64_t mac, char *buf, size_t len)
{
	char t[18];
	mac_chars(mac, t);
	put_text(buf, len, t, 17);
}

bool format_mac_named(uint64_t mac, char *buf, size_t len)
{
	char t[MANUF_NAME_MAX + 1 + 2 + 17 + 1];
	size_t n = 0;
	bool named = manuf_name(mac, t, MANUF_NAME_MAX + 1);
	if (named) {
		n = strlen(t);
		memcpy(t + n, " (", 2);
		n += 2;
	}
	mac_chars(mac, t + n);
	n += 17;
	if (named)
		t[n++] = ')';
	put_text(buf, len, t, n);
	return named;
}

void format_ipv4(uint64_t ip, char *buf, size_t len)
{
	char t[16], *o = t;
	for (int i = 0; i < 4; i++) {
		unsigned b = (unsigned)(ip >> (24 - 8 * i)) & 0xff;
		if (i)
			*o++ = '.';
		if (b >= 100)
			*o++ = (char)('0' + b / 100);
		if (b >= 10)
			*o++ = (char)('0' + b / 10 % 10);
		*o++ = (char)('0' + b % 10);
	}
	put_text(buf, len, t, (size_t)(o - t));
}

void format_ipv6(u128 ip, char *buf, size_t len)
{
	struct addr a = addr_from_value(ip, 16);
	addr_format(&a, buf, len);
}

void format_letters(const struct field *f, uint64_t v, char *buf, size_t len)
{
	size_t n = 0;
	uint64_t named = 0;
	for (const struct field_name *nm = f->names; nm && (nm->keyword || nm->meaning); nm++)
		if (nm->keyword && !nm->keyword[1])
			named |= nm->value;
	if (v & ~named) {	/* a bit no letter says: the number, so nothing is lost */
		snprintf(buf, len, "0x%llx", (unsigned long long)v);
		return;
	}
	for (const struct field_name *nm = f->names; nm && (nm->keyword || nm->meaning); nm++)
		if (nm->keyword && !nm->keyword[1] && (v & nm->value) == nm->value && nm->value &&
		    n + 1 < len)
			buf[n++] = nm->keyword[0];
	if (n == 0 && len > 4) {
		snprintf(buf, len, v ? "0x%llx" : "none", (unsigned long long)v);
		return;
	}
	buf[n] = '\0';
}

/* Appends ", name" (or "name" first) to t[0..n); t holds all eight names,
 * AE and Reserved. */
static size_t name_to(char *t, size_t n, const char *name)
{
	if (n) {
		memcpy(t + n, ", ", 2);
		n += 2;
	}
	size_t k = strlen(name);
	memcpy(t + n, name, k);
	return n + k;
}

void format_tcpflags_letters(uint64_t flags, char *buf, size_t len)
{
	size_t n = 0;
	for (const char *c = tcp_flag_print_order; *c && n + 1 < len; c++) {
		unsigned bit = 7 - (unsigned)(strchr(tcp_flag_bits, *c) - tcp_flag_bits);
		if (flags & (1u << bit))
			buf[n++] = *c;
	}
	if (n == 0 && len > 4) {
		strcpy(buf, "none");
		return;
	}
	buf[n] = '\0';
}

void format_tcpflags_names(uint64_t flags, char *buf, size_t len)
{
	/* Wireshark's names, then above the eight its AE and Reserved. */
	char t[64];
	size_t n = 0;
	for (const char *c = tcp_flag_print_order; *c; c++) {
		unsigned idx = (unsigned)(strchr(tcp_flag_bits, *c) - tcp_flag_bits);
		if (flags & (1u << (7 - idx)))
			n = name_to(t, n, tcp_flag_names[idx]);
	}
	if (flags & 0x100)
		n = name_to(t, n, "AE");
	if (flags & 0xe00)
		n = name_to(t, n, "Reserved");
	if (n == 0)
		n = name_to(t, n, "none");
	put_text(buf, len, t, n);
}

void field_format(const struct field *f, const struct fval *v, char *buf, size_t len)
{
	switch (f->kind) {
	case FK_MAC:
		format_mac((uint64_t)v->u, buf, len);
		return;
	case FK_IPV4:
		format_ipv4((uint64_t)v->u, buf, len);
		return;
	case FK_IPV6:
		format_ipv6(v->u, buf, len);
		return;
	case FK_TCPFLAGS:
		format_tcpflags_letters((uint64_t)v->u, buf, len);
		return;
	case FK_LETTERS:
		format_letters(f, (uint64_t)v->u, buf, len);
		return;
	case FK_OPTS: {
		struct strbuf sb;
		sb_init(&sb);
		f->codec->describe(v->bytes, v->len, OPT_TEMPLATE, "", &sb);
		snprintf(buf, len, "%s", sb.len ? sb.s : "none");
		sb_free(&sb);
		return;
	}
	case FK_UINT:
		for (const struct field_name *n = f->names; n && (n->keyword || n->meaning); n++)
			if (n->value == v->u && n->keyword) {
				snprintf(buf, len, "%s", n->keyword);
				return;
			}
		format_wide(v->u, (f->flags & FF_HEX) != 0, buf, len);
		return;
	default: {
		/* Bytes: as text when they read as text, else hex; long ones cut. */
		bool text = v->len > 0;
		for (size_t i = 0; i < v->len; i++)
			text &= v->bytes[i] >= 0x20 && v->bytes[i] < 0x7f && v->bytes[i] != '"';
		size_t n = 0, show = v->len < 24 ? v->len : 24;
		if (text)
			n = (size_t)snprintf(buf, len, "\"%.*s\"", (int)show, (const char *)v->bytes);
		else
			for (size_t i = 0; i < show && n + 3 < len; i++)
				n += (size_t)snprintf(buf + n, len - n, "%02x", v->bytes[i]);
		if (v->len > show && n + 4 < len)
			snprintf(buf + n, len - n, "...");
		else if (v->len == 0)
			snprintf(buf, len, "(empty)");
		return;
	}
	}
}

bool fval_equal(const struct field *f, const struct fval *a, const struct fval *b)
{
	if (f->bits)
		return a->u == b->u;
	return a->len == b->len && (a->len == 0 || memcmp(a->bytes, b->bytes, a->len) == 0);
}

const char *field_default_text(const struct field *f, char *buf, size_t len)
{
	switch (f->dflt_kind) {
	case FD_COUNT:
		snprintf(buf, len, "%llu, then one more each frame", (unsigned long long)f->dflt);
		return buf;
	case FD_CONST:
		if (f->kind == FK_TCPFLAGS) {
			format_tcpflags_letters(f->dflt, buf, len);
			return buf;
		}
		if (f->kind == FK_LETTERS) {
			format_letters(f, f->dflt, buf, len);
			return buf;
		}
		if (f->names)
			for (const struct field_name *n = f->names; n->keyword || n->meaning; n++)
				if (n->value == f->dflt && n->keyword) {
					snprintf(buf, len, "%s", n->keyword);
					return buf;
				}
		snprintf(buf, len, (f->flags & FF_HEX) ? "0x%llx" : "%llu",
			 (unsigned long long)f->dflt);
		return buf;
	case FD_RANDOM: return "random";
	case FD_RUN_RANDOM: return "random, one for the whole run";
	case FD_EPHEMERAL: return "random ephemeral (32768-60999)";
	case FD_COMPUTED: return "computed";
	case FD_IFACE_MAC: return "interface MAC";
	case FD_IFACE_IP: return "interface IPv4";
	case FD_IFACE_IP6: return "interface IPv6 of the destination's scope";
	case FD_REQUIRED: return "(required)";
	case FD_ABSENT: return "none";
	case FD_RESOLVED: return "broadcast for ARP, else the next hop's MAC";
	}
	return "";
}
