/*
 * speaker.h - the addresses an exchange speaks from, and the host's kernel
 * beside them; shared by the runner (`run`) and the prober (`send`).
 *
 * Speaking TCP from an address the host owns, the kernel meets the peer's
 * SYN/ACK with no socket behind it and resets it: the speaker notices that
 * RST (once), or keeps it off the wire (rstguard.h), or speaks from a ghost
 * address no host owns and answers ARP and ping for it (ghost.h).
 */
#ifndef CRAFT_SPEAKER_H
#define CRAFT_SPEAKER_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/layer.h"
#include "../util/rng.h"
#include "../wire/rstguard.h"
#include "../wire/iface.h"

struct engine;

enum speaker_guard {
	GUARD_NONE,
	GUARD_RUN,	/* the kernel's RSTs dropped while the process lives */
	GUARD_KEPT,	/* ... and for a while after it: a handshake typed as commands */
};

struct speaker_tuple {
	struct addr src, dst;	/* IPv4 or IPv6 */
	uint16_t sport, dport;
};

struct speaker {
	struct iface ifc;	/* the addresses spoken from */
	bool ghost;
	enum speaker_guard guard_kind;
	struct rstguard guard;
	struct speaker_tuple *tuples;	/* the TCP 4-tuples spoken from */
	size_t ntuples;
	size_t watched;		/* unguarded, at most this many noted (0: all) */
	bool kernel_rst_seen;
};

/* The frame's own TCP 4-tuple, if it has one, over IPv4 or IPv6. */
bool speaker_tuple_of(const struct frame *f, struct speaker_tuple *t);
/* From `real`'s addresses, or `ghost`'s (NULL: none). */
void speaker_init(struct speaker *s, const struct iface *real, const struct iface *ghost,
		  enum speaker_guard guard);
/* The guard's table, while the privileges last (stale ones swept first); a
 * status. */
int speaker_open(struct speaker *s, struct engine *e);
/* Before `f` leaves: its TCP 4-tuple noted, and guarded; a status. */
int speaker_sends(struct speaker *s, struct engine *e, const struct frame *f);
/* Whether `f`, from the host's kernel, is the first RST of a connection
 * spoken from (then noted: kernel_rst_seen). */
bool speaker_kernel_rst(struct speaker *s, const struct frame *f);
/* Whether the host's kernel may reset what was spoken: TCP from its own
 * address, unguarded. */
bool speaker_exposed(const struct speaker *s);
/* The ghost's answer to `f`, resolved and built into `out` (frame_free it
 * either way): true if there is one. */
bool speaker_answer(struct speaker *s, struct engine *e, const struct frame *f,
		    struct rng *rng, struct frame *out);
void speaker_close(struct speaker *s);

#endif
