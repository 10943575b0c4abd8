/*
 * addr.h - an IPv4 or IPv6 address as one value.
 *
 * Text in: a dotted quad, or IPv6 in every form of RFC 4291 section 2.2
 * (full, "::"-compressed, an embedded IPv4 tail).  Text out: the dotted quad,
 * or RFC 5952 (lower case, the longest run of two or more zero groups as
 * "::", the first on ties; IPv4-mapped as ::ffff:a.b.c.d).  Both read only
 * the bytes they are given and are exact: they parse what templates and
 * captures say, so they are written here rather than left to inet_pton(3).
 */
#ifndef CRAFT_ADDR_H
#define CRAFT_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/wide.h"

#define ADDR_NONE	0
#define ADDR_IPV4	4
#define ADDR_IPV6	6

struct addr {
	uint8_t family;		/* ADDR_NONE, ADDR_IPV4 or ADDR_IPV6 */
	uint8_t len;		/* 0, 4 or 16 */
	uint8_t b[16];		/* network byte order; bytes past len are zero */
};

/* Room for any text addr_format writes, with its NUL (INET6_ADDRSTRLEN). */
#define ADDR_STRLEN	46

/* Why addr_parse refused a text. */
enum addr_error {
	ADDR_E_EMPTY = -1,	/* nothing to read */
	ADDR_E_CHAR = -2,	/* a character no address has, or text after one */
	ADDR_E_IPV4 = -3,	/* not four numbers 0-255 joined by dots */
	ADDR_E_GROUP = -4,	/* an IPv6 group of more than four hex digits */
	ADDR_E_TOO_MANY = -5,	/* more than eight groups, or "::" standing for none */
	ADDR_E_TOO_FEW = -6,	/* fewer than eight groups and no "::" */
	ADDR_E_TWO_GAPS = -7,	/* "::" more than once */
	ADDR_E_COLON = -8,	/* a single ':' at either end, or ":::" */
	ADDR_E_TAIL = -9,	/* an embedded IPv4 tail malformed or not last */
};

struct addr addr_from_ipv4(uint32_t host_order);
struct addr addr_from_ipv6(const uint8_t b[16]);

/* As a field value holds it (the address's bytes as one big-endian number),
 * and back; `len` 4 or 16. */
u128 addr_value(const struct addr *a);
struct addr addr_from_value(u128 v, unsigned len);

/* IPv6 scopes RFC 4291 names: ff00::/8, fe80::/10, and a multicast group
 * whose scope is the link (ff02::1, solicited-node) or the node. */
bool addr_is_multicast6(const struct addr *a);
bool addr_is_link_local6(const struct addr *a);
bool addr_link_scoped6(const struct addr *a);
/* ff02::1:ffXX:XXXX for `target` (RFC 4291 2.7.1). */
struct addr addr_solicited_node(const struct addr *target);

/* The IPv4 address in host byte order; 0 for anything but IPv4. */
uint32_t addr_ipv4(const struct addr *a);

/* Same family and the same bytes (two ADDR_NONE are equal). */
bool addr_equal(const struct addr *a, const struct addr *b);

/* 0.0.0.0 or :: (ADDR_NONE is not an address, so not unspecified). */
bool addr_is_unspecified(const struct addr *a);

/* Parses exactly `len` bytes of `s` (no NUL needed; one inside is an
 * error): IPv6 if the text holds a ':', else IPv4.  0 and `*out` set, or a
 * negative enum addr_error and `*out` untouched. */
int addr_parse(const char *s, size_t len, struct addr *out);

/* One line of text for an addr_parse error. */
const char *addr_strerror(int err);

/* Writes `a` as text into `buf` (truncated to `len` - 1 bytes and
 * NUL-terminated when `len` > 0, as snprintf does) and returns the length
 * of the whole text.  ADDR_NONE, or a family whose len does not match,
 * writes "". */
size_t addr_format(const struct addr *a, char *buf, size_t len);

#endif
