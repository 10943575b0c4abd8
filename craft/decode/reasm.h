/*
 * reasm.h - IP fragments put back into the datagram they were cut from
 * (RFC 791 3.2; RFC 8200 4.5 and RFC 5722), so that a reply is matched
 * whole.  Keyed by source, destination, protocol (IPv4) and id; bounded
 * in datagrams, bytes and time.  A fragment that overlaps another drops
 * its datagram, as RFC 5722 asks of IPv6 and Linux does of both; an exact
 * copy of one held is dropped alone, as Linux does.
 */
#ifndef CRAFT_REASM_H
#define CRAFT_REASM_H

#include <stddef.h>
#include <sys/time.h>

#include "../core/layer.h"
#include "link.h"

#define REASM_DATAGRAMS 64		/* put together at once; the oldest goes */
#define REASM_BYTES (1u << 20)		/* their data, all told: 16 whole at 64 KiB */
#define REASM_TIMEOUT_US 30000000L	/* Linux's ipfrag_time */

struct reasm_dgram;

struct reasm {
	struct reasm_dgram *slot;	/* REASM_DATAGRAMS of them, made on first use */
	size_t bytes;
	unsigned dropped;	/* datagrams given up: overlaps, limits, time */
};

enum reasm_step {
	REASM_NONE,	/* no fragment (or one that cannot be used): match it as it is */
	REASM_HELD,	/* a fragment, kept or dropped: nothing to match yet */
	REASM_WHOLE,	/* the last missing piece: `out` is the datagram */
};

void reasm_init(struct reasm *r);
void reasm_free(struct reasm *r);
/* Takes captured frame `f` (decoded, of link type `link`) at `ts`; on
 * REASM_WHOLE `out` holds the datagram decoded, its `reassembled` set,
 * for the caller to frame_free. */
enum reasm_step reasm_take(struct reasm *r, const struct frame *f, const struct timeval *ts,
			   enum link_kind link, struct frame *out);

#endif
