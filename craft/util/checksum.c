/* checksum.c - RFC 1071 one's-complement arithmetic. */
#include "checksum.h"

uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n, size_t skip)
{
	for (size_t i = 0; i < n; i += 2) {
		if (i == skip)
			continue;
		uint32_t word = (uint32_t)p[i] << 8;
		if (i + 1 < n)
			word |= p[i + 1];
		sum += word;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return sum;
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
