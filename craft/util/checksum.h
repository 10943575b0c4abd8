/* checksum.h - the Internet checksum (RFC 1071), shared by builder and decoder. */
#ifndef CRAFT_CHECKSUM_H
#define CRAFT_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* One's-complement sum of `n` bytes taken as big-endian 16-bit words; the
 * two bytes at `skip` (relative to p, or SIZE_MAX for none) count as zero. */
uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n, size_t skip);
uint16_t csum_fold(uint32_t sum);
/* Sum of the IPv4 pseudo-header for a transport segment. */
uint32_t csum_pseudo4(const uint8_t *src, const uint8_t *dst, uint8_t proto,
		      size_t seg_len);
/* RFC 8200 8.1: source, final destination, upper-layer length, next header. */
uint32_t csum_pseudo6(const uint8_t *src, const uint8_t *dst, uint8_t proto,
		      size_t upper_len);
/* Sets the checksum of the IPv4 header of `hl` bytes at `ip`. */
void csum_set_ipv4(uint8_t *ip, size_t hl);

#endif
