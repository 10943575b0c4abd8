/*
 * outbox.h - the one rule for "is this captured frame ours".  What the
 * engine puts on the wire is remembered by its bytes until the capture
 * shows its copy going out (its timestamp is the send time); a frame from
 * our own MAC that we did not send is the host's - its kernel's RST to a
 * SYN/ACK it has no socket for - and no reply either.  Everything else
 * came from the network.
 */
#ifndef CRAFT_OUTBOX_H
#define CRAFT_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

enum frame_origin { FROM_PEER, FROM_US, FROM_HOST };

struct outbox_entry {
	uint8_t *bytes;		/* NULL once seen */
	size_t len;
	uint64_t tag;		/* the sender's: a probe's index */
	uint64_t hash;
	uint64_t older;		/* the previous entry with the same hash, + 1; 0: none */
};

struct outbox {
	struct outbox_entry *ring;
	uint64_t head, tail;	/* entries [head, tail) are remembered */
	size_t cap, keep;
	struct outbox_slot *slot;	/* hash -> newest entry with it */
	size_t mask, used;
	uint64_t own_mac;	/* frames from it that we did not send: the host's */
};

/* `keep`: unseen frames remembered at most, oldest forgotten first (0: all
 * of them); `own_mac` 0 when our frames cannot be told by their source. */
void outbox_init(struct outbox *o, size_t keep, uint64_t own_mac);
void outbox_free(struct outbox *o);
void outbox_put(struct outbox *o, const uint8_t *bytes, size_t len, uint64_t tag);
/* The frames are numbered from 0 as they are put: the next one's number. */
uint64_t outbox_next(const struct outbox *o);
/* Frame `n` if it is remembered and its copy was not seen, else NULL. */
const uint8_t *outbox_unseen_bytes(const struct outbox *o, uint64_t n, size_t *len);
/* Forgets the frames up to number `n`, seen or not: a caller that gave up
 * on their copies keeps the outbox the size of what is outstanding. */
void outbox_forget_through(struct outbox *o, uint64_t n);
/* Where a captured frame came from; FROM_US takes the oldest unseen frame
 * with these bytes and gives its tag. */
enum frame_origin outbox_origin(struct outbox *o, const uint8_t *bytes, size_t len,
				uint64_t *tag);

#endif
