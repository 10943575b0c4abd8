/* vary.c - per-frame field values over prebuilt bytes; checksums by RFC 1624. */
#include "vary.h"

#include <stdio.h>

#include "../proto/proto.h"

enum { VARY_RANGE, VARY_DRAW, VARY_EPHEMERAL };

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The 16-bit words a bit span touches.  vary_plan refuses a layer at an
 * odd offset, so the words line up with every checksum's. */
static void word_span(uint32_t bit_off, unsigned bits, uint32_t *from, uint32_t *to)
{
	*from = bit_off / 16 * 2;
	*to = (bit_off + bits + 15) / 16 * 2;
}

/* Which fields eth dst's resolution reads (resolve.c): those the frame's
 * own network layer marks as deciding it. */
static bool steers_next_hop(const struct frame *f, size_t i, size_t k)
{
	const struct layer *eth = &f->layer[0], *next;
	if (eth->def->id != L_ETH || (eth->given >> ETH_DST) & 1u ||
	    frame_network_layer(f, &next) != &f->layer[i])
		return false;
	return f->layer[i].def->fields[k].flags & FF_NEXTHOP;
}

/* Whether the pseudo-header of layer `n` names network layer `net`'s own
 * destination, not the final one a routing header gives (RFC 8200 8.1). */
static bool own_dst_in_pseudo(const struct frame *f, size_t net, size_t n)
{
	const struct layer *l = &f->layer[net];
	const uint8_t *own = f->bytes + l->off + l->def->fields[l->def->net->dst].bit_off / 8;
	const uint8_t *dst = own;
	for (size_t j = net + 1; j < n; j++)
		if (f->layer[j].def->ext_final_dst)
			dst = f->layer[j].def->ext_final_dst(f, j, dst);
	return dst == own;
}

/* Whether a network layer before layer `i` takes its destination from
 * the layers it carries (a solicitation's group, from its target): a
 * field of theirs that varies changes it too. */
static bool derives_dst(const struct frame *f, size_t i)
{
	for (size_t n = 0; n < i; n++) {
		const struct layer *l = &f->layer[n];
		int dst = l->def->net ? l->def->net->dst : -1;
		if (dst >= 0 && !(l->given >> dst & 1u) && l->def->implied &&
		    l->def->implied(f, n, (size_t)dst))
			return true;
	}
	return false;
}

static int plan_sums(const struct frame *f, struct vary *v, uint32_t cover[][2],
		     size_t pseudo[], bool pseudo_dst[], char *why, size_t whylen)
{
	for (size_t n = f->nlayers; n-- > 0;) {
		const struct layer *l = &f->layer[n];
		int c = l->def->csum_field;
		if (c < 0 || (l->given >> c) & 1u)
			continue;	/* none, or the user's value wins */
		if (v->nsums == VARY_MAX_SUMS || l->off % 2) {
			snprintf(why, whylen, "too many checksums");
			return -1;
		}
		struct vary_sum *s = &v->sum[v->nsums];
		s->off = (uint32_t)(l->off + l->def->fields[c].bit_off / 8);
		s->zero_is_none = l->def->id == L_UDP;
		cover[v->nsums][0] = (uint32_t)l->off;
		cover[v->nsums][1] = (uint32_t)(l->off + (l->def->csum_header ? l->hdr_len : l->len));
		int net = l->def->csum_pseudo ? frame_net_before(f, n) : -1;
		pseudo[v->nsums] = net >= 0 ? (size_t)net : SIZE_MAX;
		pseudo_dst[v->nsums] = net >= 0 && own_dst_in_pseudo(f, (size_t)net, n);
		v->nsums++;
	}
	for (size_t a = 0; a < v->nsums; a++)
		for (size_t b = a + 1; b < v->nsums; b++)
			if (v->sum[a].off >= cover[b][0] && v->sum[a].off < cover[b][1])
				v->sum[a].parents |= 1u << b;
	return 0;
}

int vary_plan(const struct frame *f, struct vary *v, char *why, size_t whylen)
{
	uint32_t cover[VARY_MAX_SUMS][2];
	size_t pseudo[VARY_MAX_SUMS];
	bool pseudo_dst[VARY_MAX_SUMS];
	*v = (struct vary){ .nslots = 0 };
	if (plan_sums(f, v, cover, pseudo, pseudo_dst, why, whylen))
		return -1;
	/* The same fields, in the same order, as frame_resolve() draws them. */
	for (size_t i = 0; i < f->nlayers; i++) {
		const struct layer *l = &f->layer[i];
		for (size_t k = 0; k < l->def->nfields; k++) {
			const struct field *fd = &l->def->fields[k];
			uint32_t bit = 1u << k;
			if (l->def->applies && !l->def->applies(l, k))
				continue;	/* not on the wire, not drawn */
			struct vary_slot s = { .bit_off = (uint32_t)(l->off * 8 + fd->bit_off),
					       .bits = fd->bits };
			if (l->ranged & bit) {
				s.how = VARY_RANGE;
				s.lo = l->range[k].lo;
				u128 n = range_len(l, k);
				s.span = n >> 64 ? 0 : (uint64_t)n;
			} else if (l->random & bit) {
				s.how = VARY_DRAW;
			} else if (l->given & bit || fd->flags & FF_ALIAS) {
				continue;
			} else if (fd->dflt_kind == FD_RANDOM) {
				s.how = VARY_DRAW;
			} else if (fd->dflt_kind == FD_EPHEMERAL) {
				s.how = VARY_EPHEMERAL;
			} else if (fd->dflt_kind == FD_COUNT) {
				s.how = VARY_RANGE;	/* one that never wraps but in its bits */
				s.lo = fd->dflt;
			} else {
				continue;
			}
			/* Lengths, header lengths (what a checksum covers) and
			 * next-layer types reshape the frame. */
			if ((fd->dflt_kind == FD_COMPUTED && (int)k != l->def->csum_field) ||
			    (fd->flags & FF_WORDS) || steers_next_hop(f, i, k) || derives_dst(f, i)) {
				snprintf(why, whylen, "%s %s varies, and with it more than its own bits",
					 l->def->name, fd->name);
				return -1;
			}
			if (v->nslots == VARY_MAX_SLOTS || l->off % 2) {
				snprintf(why, whylen, "more than %d fields vary", VARY_MAX_SLOTS);
				return -1;
			}
			uint32_t from, to;
			word_span(s.bit_off, s.bits, &from, &to);
			for (size_t c = 0; c < v->nsums; c++) {
				bool inside = from >= cover[c][0] && to <= cover[c][1];
				bool in_pseudo = pseudo[c] == i && (fd->flags & FF_PSEUDO) &&
						 ((int)k != l->def->net->dst || pseudo_dst[c]);
				if (inside || in_pseudo)
					s.sums |= 1u << c;
			}
			v->slot[v->nslots++] = s;
		}
	}
	return 0;
}

void vary_apply(const struct vary *v, uint8_t *bytes, uint64_t index,
		const struct rng *run)
{
	struct rng r;
	rng_for_frame(run, index, &r);
	uint64_t acc[VARY_MAX_SUMS] = { 0 };	/* sum of ~old + new per checksum */
	for (size_t n = 0; n < v->nslots; n++) {
		const struct vary_slot *s = &v->slot[n];
		u128 value;
		if (s->how == VARY_RANGE)
			value = s->lo + (s->span ? index % s->span : index);
		else if (s->how == VARY_EPHEMERAL)
			value = rng_range(&r, EPHEMERAL_LOW, EPHEMERAL_HIGH);
		else
			value = rng_bits(&r, s->bits);
		uint32_t from, to;
		word_span(s->bit_off, s->bits, &from, &to);
		uint64_t old = 0, new = 0;
		for (uint32_t w = from; w < to; w += 2)
			old += (uint16_t)~get16(bytes + w);
		bits_put(bytes + s->bit_off / 8, s->bit_off % 8, s->bits, value);
		for (uint32_t w = from; w < to; w += 2)
			new += get16(bytes + w);
		for (size_t c = 0; c < v->nsums; c++)
			if (s->sums >> c & 1u)
				acc[c] += old + new;
	}
	/* Innermost first: an inner checksum's change is a change of bytes
	 * the outer one covers (an ICMP error quoting a TCP header). */
	for (size_t c = 0; c < v->nsums; c++) {
		if (!acc[c])
			continue;
		const struct vary_sum *s = &v->sum[c];
		uint16_t before = get16(bytes + s->off);
		uint64_t sum = (uint16_t)~before + acc[c];
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		uint16_t after = (uint16_t)~sum;
		if (after == 0 && s->zero_is_none)
			after = 0xffff;
		put16(bytes + s->off, after);
		for (size_t p = c + 1; p < v->nsums; p++)
			if (s->parents >> p & 1u)
				acc[p] += (uint16_t)~before + after;
	}
}
