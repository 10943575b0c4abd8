/* outbox.c - sent frames by their bytes: a FIFO ring and a hash of it. */
#include "outbox.h"
#include "../util/xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct outbox_slot {
	uint64_t hash;
	uint64_t newest;	/* entry + 1; 0: empty slot */
};

/* FNV-1a: the bytes of a frame, whole. */
static uint64_t hash_bytes(const uint8_t *b, size_t len)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < len; i++)
		h = (h ^ b[i]) * UINT64_C(0x100000001b3);
	return h;
}

void outbox_init(struct outbox *o, size_t keep, uint64_t own_mac)
{
	*o = (struct outbox){ .cap = 16, .keep = keep, .mask = 63, .own_mac = own_mac };
	o->ring = xcalloc(o->cap, sizeof *o->ring);
	o->slot = xcalloc(o->mask + 1, sizeof *o->slot);
}

void outbox_free(struct outbox *o)
{
	for (uint64_t i = o->head; o->ring && i < o->tail; i++)
		free(o->ring[i % o->cap].bytes);
	free(o->ring);
	free(o->slot);
	memset(o, 0, sizeof *o);
}

static struct outbox_slot *find(const struct outbox *o, uint64_t hash)
{
	for (size_t i = hash & o->mask;; i = (i + 1) & o->mask)
		if (!o->slot[i].newest || o->slot[i].hash == hash)
			return &o->slot[i];
}

/* At half full: slots of forgotten entries are dropped, and the table
 * doubles only if most of what is left is live - so a bounded outbox
 * (`keep`) keeps a bounded table however many frames pass. */
static void rehash_slots(struct outbox *o)
{
	size_t live = 0;
	for (size_t i = 0; i <= o->mask; i++)
		live += o->slot[i].newest > o->head;
	struct outbox bigger = *o;
	bigger.mask = live * 4 > o->mask + 1 ? o->mask * 2 + 1 : o->mask;
	bigger.slot = xcalloc(bigger.mask + 1, sizeof *bigger.slot);
	bigger.used = 0;
	for (size_t i = 0; i <= o->mask; i++)
		if (o->slot[i].newest > o->head) {
			*find(&bigger, o->slot[i].hash) = o->slot[i];
			bigger.used++;
		}
	free(o->slot);
	o->slot = bigger.slot;
	o->mask = bigger.mask;
	o->used = bigger.used;
}

static void grow_ring(struct outbox *o)
{
	size_t cap = o->cap * 2;
	struct outbox_entry *ring = xcalloc(cap, sizeof *ring);
	for (uint64_t i = o->head; i < o->tail; i++)
		ring[i % cap] = o->ring[i % o->cap];
	free(o->ring);
	o->ring = ring;
	o->cap = cap;
}

static void forget_oldest(struct outbox *o)
{
	free(o->ring[o->head % o->cap].bytes);
	o->ring[o->head % o->cap].bytes = NULL;
	o->head++;
}

void outbox_put(struct outbox *o, const uint8_t *bytes, size_t len, uint64_t tag)
{
	if (o->keep && o->tail - o->head == o->keep)
		forget_oldest(o);
	if (o->tail - o->head == o->cap)
		grow_ring(o);
	if ((o->used + 1) * 2 > o->mask + 1)
		rehash_slots(o);
	struct outbox_entry *e = &o->ring[o->tail % o->cap];
	*e = (struct outbox_entry){ .len = len, .tag = tag, .hash = hash_bytes(bytes, len) };
	e->bytes = xmalloc(len);
	memcpy(e->bytes, bytes, len);
	struct outbox_slot *s = find(o, e->hash);
	if (!s->newest) {
		s->hash = e->hash;
		o->used++;
	}
	e->older = s->newest > o->head ? s->newest : 0;
	s->newest = ++o->tail;
}

uint64_t outbox_next(const struct outbox *o)
{
	return o->tail;
}

const uint8_t *outbox_unseen_bytes(const struct outbox *o, uint64_t n, size_t *len)
{
	if (n < o->head || n >= o->tail)
		return NULL;
	const struct outbox_entry *e = &o->ring[n % o->cap];
	*len = e->len;
	return e->bytes;
}

void outbox_forget_through(struct outbox *o, uint64_t n)
{
	while (o->head < o->tail && o->head <= n)
		forget_oldest(o);
}

/* The oldest remembered entry with these bytes, or NULL. */
static struct outbox_entry *oldest_twin(struct outbox *o, const uint8_t *bytes, size_t len)
{
	uint64_t h = hash_bytes(bytes, len);
	struct outbox_slot *s = find(o, h);
	struct outbox_entry *twin = NULL;
	for (uint64_t n = s->newest; n > o->head; ) {
		struct outbox_entry *e = &o->ring[(n - 1) % o->cap];
		if (e->bytes && e->len == len && memcmp(e->bytes, bytes, len) == 0)
			twin = e;
		n = e->older;
	}
	return twin;
}

enum frame_origin outbox_origin(struct outbox *o, const uint8_t *bytes, size_t len,
				uint64_t *tag)
{
	struct outbox_entry *e = oldest_twin(o, bytes, len);
	if (e) {
		*tag = e->tag;
		free(e->bytes);
		e->bytes = NULL;
		while (o->head < o->tail && !o->ring[o->head % o->cap].bytes)
			o->head++;
		return FROM_US;
	}
	uint64_t src = 0;
	for (size_t i = 6; i < 12 && len >= 14; i++)
		src = src << 8 | bytes[i];
	return o->own_mac && len >= 14 && src == o->own_mac ? FROM_HOST : FROM_PEER;
}
