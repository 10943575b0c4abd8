/*
 * resolve.h - fill every field the template left out: constants, random
 * draws, interface addresses, next-layer types, and the next hop's MAC.
 * Lengths and checksums are left to the builder, which sees the bytes.
 */
#ifndef CRAFT_RESOLVE_H
#define CRAFT_RESOLVE_H

#include <stdint.h>

#include "../util/diag.h"
#include "../wire/iface.h"
#include "../core/layer.h"
#include "../util/rng.h"

struct resolve_env {
	const char *file;
	const struct iface *iface;	/* NULL: none given and no default route */
	struct rng *rng;	/* this frame's draws: see rng_for_frame() */
	/* The run's, for draws its frames share (rng_for_run); NULL: each
	 * frame draws them as its own. */
	const struct rng *run;
	uint64_t index;		/* this frame's place in the run: picks range values */
	/* Finds the MAC for a destination (ARP or neighbour solicitation for
	 * the next hop); NULL leaves a placeholder and sets
	 * frame.eth_dst_unresolved. */
	int (*nexthop_mac)(void *ctx, const struct addr *dst, uint64_t *mac, struct diag *d);
	void *ctx;
};

/* Re-running it draws new random values and takes each range's value for
 * env->index; other given fields never change.  A given alias (dscp) sets
 * its bits of the field it views (tos); one left out reads them. */
int frame_resolve(struct frame *f, const struct resolve_env *env, struct diag *d);

/* Whether any frame of the template may need its next hop's MAC (an ARP
 * lookup): this one did, or the IPv4 destination varies and eth dst is
 * not given. */
bool frame_may_need_next_hop(const struct frame *tmpl);
/* Whether the destination whose next hop is looked up varies per frame. */
bool frame_next_hop_varies(const struct frame *tmpl);

#endif
