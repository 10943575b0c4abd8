/*
 * decode.h - bytes from the wire to the same layers and fields the templates
 * use.  The bytes are untrusted: every read is bounds-checked, no length
 * field is believed past what was captured, and a bad layer ends the walk
 * with a note instead of stopping the caller.
 */
#ifndef CRAFT_DECODE_H
#define CRAFT_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "link.h"
#include "../core/layer.h"

/* Decodes a frame of link type `link` (a row of link.h's table); copies the
 * bytes into `out`, which the caller frees with frame_free. */
void decode_frame(const uint8_t *bytes, size_t caplen, size_t wire_len,
		  enum link_kind link, struct frame *out);

/* A frame we built, decoded as a capture would show it (and marked if its
 * next hop's MAC is a placeholder). */
void decode_built(const struct frame *built, struct frame *out);

/* Checksum status of layer `idx` of a frame whose bytes are final. */
void decode_checksum(struct frame *f, size_t idx);

#endif
