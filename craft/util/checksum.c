/* checksum.c - RFC 1071 one's-complement arithmetic. */
#include "checksum.h"

#include <arpa/inet.h>
#include <string.h>

/* The sum of p[0..n) as 16-bit words in the host's order, eight bytes a
 * step; a last odd byte is the high byte of a big-endian word.  RFC 1071
 * 2(B): the sum is byte-order independent, up to a swap at the end. */
static uint64_t host_sum(const uint8_t *p, size_t n)
{
	uint64_t sum = 0;
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, p, sizeof w);
		sum += (w & 0xffffffff) + (w >> 32);
	}
	for (; n >= 2; p += 2, n -= 2) {
		uint16_t w;
		memcpy(&w, p, sizeof w);
		sum += w;
	}
	if (n) {
		uint16_t w;
		memcpy(&w, (const uint8_t[2]){ p[0], 0 }, sizeof w);
		sum += w;
	}
	return sum;
}

uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n, size_t skip)
{
	uint64_t host;
	if (skip % 2 == 0 && skip < n)	/* both sides of it start on a word */
		host = host_sum(p, skip) + (skip + 2 < n ? host_sum(p + skip + 2, n - skip - 2) : 0);
	else
		host = host_sum(p, n);
	while (host >> 16)
		host = (host & 0xffff) + (host >> 16);
	sum += ntohs((uint16_t)host);
	return (sum & 0xffff) + (sum >> 16);
}

uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint32_t csum_pseudo4(const uint8_t *src, const uint8_t *dst, uint8_t proto,
		      size_t seg_len)
{
	uint8_t ph[12] = {
		src[0], src[1], src[2], src[3], dst[0], dst[1], dst[2], dst[3],
		0, proto, (uint8_t)(seg_len >> 8), (uint8_t)seg_len,
	};
	return csum_add(0, ph, sizeof ph, SIZE_MAX);
}

uint32_t csum_pseudo6(const uint8_t *src, const uint8_t *dst, uint8_t proto,
		      size_t upper_len)
{
	uint8_t tail[8] = {
		(uint8_t)(upper_len >> 24), (uint8_t)(upper_len >> 16),
		(uint8_t)(upper_len >> 8), (uint8_t)upper_len, 0, 0, 0, proto,
	};
	uint32_t sum = csum_add(0, src, 16, SIZE_MAX);
	sum = csum_add(sum, dst, 16, SIZE_MAX);
	return csum_add(sum, tail, sizeof tail, SIZE_MAX);
}

void csum_set_ipv4(uint8_t *ip, size_t hl)
{
	uint16_t sum = (uint16_t)~csum_fold(csum_add(0, ip, hl, 10));
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
}
