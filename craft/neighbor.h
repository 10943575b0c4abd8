/*
 * neighbor.h - the next hop's MAC, found the way a host finds it: an ARP
 * request built and injected by us, the reply matched from a capture that
 * was open before the request left.
 */
#ifndef CRAFT_NEIGHBOR_H
#define CRAFT_NEIGHBOR_H

#include <stdint.h>
#include <sys/time.h>

#include "build.h"
#include "iface.h"
#include "layer.h"

/* Sees each frame of the exchange (for -w and the transcript). */
typedef void (*frame_log_fn)(void *ctx, const struct frame *f, bool sent,
			     const struct timeval *ts);

/* 0 with `mac`; 1 if nobody answered within `timeout_us`; -1 with `err`. */
int neighbor_resolve(struct builder *b, const struct iface *ifc, uint32_t ip,
		     long timeout_us, uint64_t *mac, frame_log_fn log, void *ctx,
		     char *err, size_t errlen);

#endif
