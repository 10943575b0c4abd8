/*
 * ghost.h - what a host owning the ghost address answers: who-has for it
 * (an ARP reply) and ping (an echo reply with the same data), so that a
 * scenario can speak from an address no kernel owns.
 */
#ifndef CRAFT_GHOST_H
#define CRAFT_GHOST_H

#include <stdbool.h>

#include "../core/layer.h"
#include "../wire/iface.h"

/* The reply `ghost` owes to `f`, unresolved (frame_resolve fills the
 * rest); false if `f` asks nothing of it. */
bool ghost_reply(const struct iface *ghost, const struct frame *f, struct frame *out);

#endif
