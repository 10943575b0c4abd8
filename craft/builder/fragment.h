/*
 * fragment.h - a built IP datagram cut into fragments of at most `size`
 * payload bytes: IPv4 (RFC 791 3.2) with one id, MF and offsets, each
 * header's checksum its own; IPv6 (RFC 8200 4.5) with a Fragment header
 * after the unfragmentable part.  The bytes are cut as built, so every
 * checksum inside the datagram covers the whole of it.
 */
#ifndef CRAFT_FRAGMENT_H
#define CRAFT_FRAGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/layer.h"
#include "../util/rng.h"

enum frag_order { FRAG_IN_ORDER, FRAG_REVERSE, FRAG_RANDOM };

struct frag_piece {
	size_t off, len;	/* in fragments.bytes */
};

struct fragments {
	uint8_t *bytes;		/* the frames back to back */
	struct frag_piece *piece;	/* in the order they are to leave */
	size_t n;
};

/* Cuts the datagram of `f` (decoded: its layers' offsets known) into
 * frames of at most `size` payload bytes (a multiple of 8), `id6` the
 * IPv6 identification.  A datagram that fits leaves whole: one piece.
 * 0, or -1 with `*why` (no IP datagram, a fragment already, lengths that
 * do not match its bytes). */
int fragment_cut(const struct frame *f, size_t size, uint32_t id6, struct fragments *out,
		 const char **why);
/* Puts the pieces in `order`; FRAG_RANDOM draws from `rng`. */
void fragment_order(struct fragments *fr, enum frag_order order, struct rng *rng);
void fragments_free(struct fragments *fr);
/* Whether the template sets IPv4's DF and `built`, one of its frames, is
 * cut at `size`, which clears it: where the template sets it. */
bool fragment_df_cleared(const struct frame *tmpl, const struct frame *built, size_t size,
			 struct srcpos *at);
/* Whether the template varies a field that decides the cut (IPv4's ihl,
 * len, flags, frag; IPv6's plen) from frame to frame: which. */
bool fragment_cut_varies(const struct frame *tmpl, const struct layer **l, int *field);

#endif
