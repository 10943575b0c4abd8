/*
 * vec16.h - sixteen bytes at a time, in the vector extensions GCC and Clang
 * give every target (SSE2 on x86-64, NEON on arm64, plain words elsewhere):
 * payload hex, JSON text and the printable test are most of what --json
 * writes.
 */
#ifndef CRAFT_VEC16_H
#define CRAFT_VEC16_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8x16 __attribute__((vector_size(16)));

/* Bytes of a and b picked by index (0-15 from a, 16-31 from b). */
#ifdef __clang__
#define VEC16_SHUFFLE(a, b, ...) __builtin_shufflevector(a, b, __VA_ARGS__)
#else
#define VEC16_SHUFFLE(a, b, ...) __builtin_shuffle(a, b, (u8x16){ __VA_ARGS__ })
#endif

static inline u8x16 vec16_load(const void *p)
{
	u8x16 v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* Whether any byte of a comparison's result is set. */
static inline bool vec16_any(u8x16 v)
{
	uint64_t w[2];
	memcpy(w, &v, sizeof w);
	return (w[0] | w[1]) != 0;
}

#endif
