/* ext6.c - what the IPv6 extension headers with a length field share
 * (RFC 8200 4.3-4.6): 8-byte units, not counting the first 8. */
#include "proto.h"

_Static_assert(OPTS_LEN == 1 && RT_LEN == 1, "the length is the second row");

size_t ext6_header_len(const struct layer *l)
{
	return ((size_t)lv(l, OPTS_LEN) + 1) * 8;
}

u128 ext6_computed_len(const struct frame *f, size_t idx)
{
	size_t n = f->layer[idx].hdr_len;
	return n >= 8 ? n / 8 - 1 : 0;
}
