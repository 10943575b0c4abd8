/* bytes.h - 16-bit big-endian fields read and written in place. */
#ifndef CRAFT_BYTES_H
#define CRAFT_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The low 16 bits of `v`. */
static inline void put16(uint8_t *p, size_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

#endif
