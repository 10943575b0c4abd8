/*
 * field.h - the one description of a header field.
 *
 * Every layer is a table of these rows.  The template parser reads the names,
 * kinds and ranges; the builder reads offsets, widths and defaults; the
 * decoder reads offsets and widths back; the printers read labels, meanings
 * and flags.  Adding a field is adding a row.
 */
#ifndef CRAFT_FIELD_H
#define CRAFT_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/wide.h"

#define PAYLOAD_MAX 65507	/* payload text, file or size: what an IPv4 datagram carries */

enum field_kind {
	FK_UINT,	/* unsigned integer, `bits` wide, big-endian on the wire */
	FK_MAC,		/* 48-bit hardware address */
	FK_IPV4,	/* 32-bit IPv4 address */
	FK_IPV6,	/* 128-bit IPv6 address, RFC 4291 text in, RFC 5952 out */
	FK_LETTERS,	/* flag bits written as the letters its names table gives */
	FK_OPTS,	/* variable: an option list its codec reads and writes */
	FK_TCPFLAGS,	/* 8 flag bits written as letters CEUAPRSF */
	FK_TCPOPTS,	/* variable: mss:N,sackok,ts:V:E,ws:N,nop,eol */
	FK_TEXT,	/* variable: payload given as (escaped) text */
	FK_HEX,		/* variable: payload given as hex digits */
	FK_FILE,	/* variable: payload read from a file */
	FK_SIZE,	/* variable: payload of N zero bytes */
};

enum field_default {
	FD_CONST,	/* `dflt` */
	FD_RANDOM,	/* drawn from the seeded PRNG over the whole width */
	FD_RUN_RANDOM,	/* drawn once a run, the same in each of its frames (ping's id) */
	FD_COUNT,	/* `dflt` plus the frame's place in the run: ping's seq 1, 2, 3 */
	FD_EPHEMERAL,	/* drawn from Linux's ephemeral port range */
	FD_COMPUTED,	/* lengths, checksums, next-layer types: from the bytes */
	FD_IFACE_MAC,	/* the interface's hardware address */
	FD_IFACE_IP,	/* the interface's IPv4 address */
	FD_IFACE_IP6,	/* the interface's IPv6 address of the destination's scope */
	FD_REQUIRED,	/* the template must give it */
	FD_ABSENT,	/* optional and empty (TCP options, payload forms) */
	FD_RESOLVED,	/* eth dst: broadcast, the ARP target, or ARP-resolved */
};

/* Field flags. */
#define FF_HEX		0x01	/* print as 0x%0*x */
#define FF_CHECKSUM	0x02	/* verified by the layer's checksum hook */
#define FF_ALIAS	0x04	/* a view of bits another field covers (dscp) */
#define FF_VARIABLE	0x08	/* bytes after the fixed header, not bit-addressed */
#define FF_WORDS	0x10	/* a count of 32-bit words: print the bytes too */
#define FF_NEXTHOP	0x20	/* decides the frame's Ethernet destination */
#define FF_PSEUDO	0x40	/* in the pseudo-header an upper checksum covers */
#define FF_HOPS		0x80	/* the hops a datagram may take (ttl, hlim): a range
				 * of it traces the route */

/* A well-known value: `keyword` is accepted in templates, `meaning` printed. */
struct field_name {
	uint64_t value;
	const char *keyword;
	const char *meaning;
};

struct field {
	const char *name;	/* template key: "ttl" */
	const char *label;	/* Wireshark-style label: "Time to Live" */
	uint16_t bit_off;	/* from the start of the layer */
	uint8_t bits;		/* width; 0 for variable-length fields */
	enum field_kind kind;
	enum field_default dflt_kind;
	uint64_t dflt;
	unsigned flags;
	const struct field_name *names;	/* NULL-keyword/meaning terminated */
	/* A legal value that is almost surely a mistake; NULL or the reason. */
	const char *(*lint)(uint64_t value);
	const struct field_codec *codec;	/* FK_OPTS only */
};

/* A fixed field's value is up to 128 bits (wide.h); fields of up to 64
 * bits read it as lv() does. */
/* A field's value: an integer for fixed fields, bytes for variable ones. */
struct fval {
	u128 u;
	uint8_t *bytes;
	size_t len;
};

struct strbuf;

/* How a variable option list (IPv6 extension-header options, ND options)
 * is written in a template and shown decoded, so the decoder's words can be
 * written back. */
enum opt_style {
	OPT_TREE,	/* one line per option, Wireshark's words */
	OPT_TEMPLATE,	/* the comma list a template writes */
};

struct field_codec {
	/* Template text -> the option bytes as they go on the wire. */
	int (*parse)(const char *text, struct fval *out, char *err, size_t errlen);
	/* Bytes -> text; each OPT_TREE line starts with `indent`. */
	void (*describe)(const uint8_t *p, size_t n, enum opt_style style,
			 const char *indent, struct strbuf *sb);
	/* Fills the `n` bytes a header has after the options (IPv6's padding
	 * to 8 bytes) with padding options; NULL: they stay zero. */
	void (*pad)(uint8_t *p, size_t n);
	/* Writes the interface's MAC where the text said `auto`: whether there
	 * was such a place; NULL: none. */
	bool (*fill_mac)(struct fval *v, uint64_t mac);
};

u128 field_max(const struct field *f);
const struct field_name *field_name_by_value(const struct field *f,
					     uint64_t value);

/* Bit-addressed big-endian access; the caller guarantees the bounds.  A
 * field spans at most 16 bytes (bit_off % 8 + bits <= 128). */
u128 bits_get(const uint8_t *base, unsigned bit_off, unsigned bits);
void bits_put(uint8_t *base, unsigned bit_off, unsigned bits, u128 v);

/* Text <-> value.  Errors go to `err` (one line, no position). */
int field_parse(const struct field *f, const char *text, size_t len,
		struct fval *out, char *err, size_t errlen);
int parse_mac(const char *s, uint64_t *out);
int parse_ipv4(const char *s, uint64_t *out);
int parse_uint(const char *s, uint64_t max, uint64_t *out);
/* The same for values of up to 128 bits (decimal or 0x hex). */
int parse_uint_wide(const char *s, u128 max, u128 *out);
/* Decimal, or 0x hex with `hex`; `buf` gets at least 48 bytes. */
void format_wide(u128 v, bool hex, char *buf, size_t len);
/* The value of a hex digit, or -1. */
int hex_digit(int c);

/* Formatting for output; `buf` gets at least 64 bytes for fixed kinds. */
void format_mac(uint64_t mac, char *buf, size_t len);
/* As Wireshark's tree shows a MAC, "PcsCompu_17:da:ff (08:00:27:17:da:ff)",
 * when manuf.h names it (true); else the bare address.  `buf` gets at
 * least MAC_NAMED_LEN bytes. */
#define MAC_NAMED_LEN 96
bool format_mac_named(uint64_t mac, char *buf, size_t len);
void format_ipv4(uint64_t ip, char *buf, size_t len);
void format_ipv6(u128 ip, char *buf, size_t len);
/* FK_LETTERS: the letters of the bits set, in table order, or "none". */
void format_letters(const struct field *f, uint64_t v, char *buf, size_t len);
void format_tcpflags_letters(uint64_t flags, char *buf, size_t len);
/* A row's default in words, as `rawcraft fields` shows it: "64",
 * "random", "1, then one more each frame"; in `buf` or a constant. */
const char *field_default_text(const struct field *f, char *buf, size_t len);
/* "SYN, ACK": the names of the bits set, Wireshark's words and order; bit 8
 * (AE) and bits 9-11 (Reserved) of its 12-bit tcp.flags come last. */
void format_tcpflags_names(uint64_t flags, char *buf, size_t len);
/* As a template would write it: keyword, letters, address or number. */
void field_format(const struct field *f, const struct fval *v, char *buf, size_t len);
bool fval_equal(const struct field *f, const struct fval *a, const struct fval *b);

#endif
