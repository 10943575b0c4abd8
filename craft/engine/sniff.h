/*
 * sniff.h - live capture (`rawcraft sniff`): every frame on the engine's
 * interface, both ways, that a tcpdump expression selects, decoded by the
 * interface's link type and handed to the engine's `record` callback, as
 * tcpdump -i IF EXPR shows them.  Its engine is opened listen_only: it
 * never sends.  In the engine's two phases: sniff_open needs the
 * privileges, sniff_run calls `ready` (drop root there) before it reads
 * a frame.
 */
#ifndef CRAFT_SNIFF_H
#define CRAFT_SNIFF_H

#include "../decode/link.h"
#include "engine.h"

struct sniff;

/* Opens the capture, promiscuous, of the frames a tcpdump expression
 * selects: `n` words, joined as tcpdump joins its arguments (none: every
 * frame).  A status, faults reported: ENGINE_INPUT for an expression that
 * does not compile, ENGINE_SYSTEM for an interface the decoder cannot
 * read.  *out is NULL on failure. */
int sniff_open(struct engine *e, char *const *words, size_t n, struct sniff **out);
/* The link type of its frames: what a -w file of them is. */
enum link_kind sniff_link(const struct sniff *s);
/* `ready`, then frames to `record` until `count` of them (0: no end) -
 * ENGINE_OK -, a stop (ENGINE_STOPPED + the signal) or a capture fault
 * (ENGINE_SYSTEM). */
int sniff_run(struct sniff *s, unsigned long count);
/* The capture itself closes with the engine. */
void sniff_free(struct sniff *s);

#endif
