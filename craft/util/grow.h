/* grow.h - room for one more item in an array that doubles as it fills. */
#ifndef CRAFT_GROW_H
#define CRAFT_GROW_H

#include <stdlib.h>

/* `items` (holding `n` of `*cap` items of `size` bytes), or it moved to
 * room for n + 1 (`first` items to start with, then twice as many), with
 * *cap updated; NULL if memory ran out, and then nothing changed. */
static inline void *grow_room(void *items, size_t n, size_t *cap, size_t size, size_t first)
{
	if (n < *cap)
		return items;
	size_t more = *cap ? *cap * 2 : first;
	void *moved = realloc(items, more * size);
	if (moved)
		*cap = more;
	return moved;
}

#endif
