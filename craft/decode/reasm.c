/* reasm.c - IP fragments back into datagrams (RFC 791 3.2, RFC 8200 4.5, RFC 5722). */
#include "reasm.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../util/bytes.h"
#include "../util/checksum.h"
#include "../util/clock.h"
#include "../util/xalloc.h"
#include "decode.h"

#define DATA_MAX 65535		/* an IPv6 payload's most; IPv4's less its header */
#define BLOCKS ((DATA_MAX + 8) / 8)
#define HEAD_MAX 512		/* link header and unfragmentable part kept */

struct reasm_dgram {
	bool used, v6, have_first, have_last;
	uint8_t src[16], dst[16], proto;
	uint32_t id;
	struct timeval first;
	uint8_t *data;
	size_t cap;		/* bytes of data allocated */
	size_t total;		/* the data's length, once the last fragment came */
	unsigned pieces;
	uint8_t have[BLOCKS / 8 + 1];	/* 8-byte blocks of data received */
	uint8_t head[HEAD_MAX];	/* from the first fragment, without IPv6's Fragment header */
	size_t head_len, net;	/* the IP header's place in it */
	size_t nh_at;		/* IPv6: the byte that named the Fragment header */
	uint8_t nh;		/* IPv6: what the Fragment header named */
};

/* One fragment as read off the wire. */
struct piece {
	bool v6, more;
	const uint8_t *src, *dst;
	uint8_t proto;
	uint32_t id;
	size_t off, len;	/* of the data */
	const uint8_t *data;
	size_t net;		/* the IP header's first byte */
	size_t head_len, nh_at;	/* the bytes before the data (IPv6: before the Fragment header) */
	uint8_t nh;
};

void reasm_init(struct reasm *r)
{
	memset(r, 0, sizeof *r);
}

static void drop(struct reasm *r, struct reasm_dgram *d, bool given_up)
{
	r->bytes -= d->cap;
	r->dropped += given_up;
	free(d->data);
	memset(d, 0, sizeof *d);
}

void reasm_free(struct reasm *r)
{
	for (size_t i = 0; r->slot && i < REASM_DATAGRAMS; i++)
		if (r->slot[i].used)
			drop(r, &r->slot[i], false);
	free(r->slot);
	r->slot = NULL;
}

/* An IPv4 fragment whose header checksum holds and which was captured whole. */
static bool ipv4_piece(const struct frame *f, const struct layer *net, struct piece *p)
{
	const uint8_t *ip = f->bytes + net->off;
	if (net->off + 20 > f->len)
		return false;
	size_t hl = (size_t)(ip[0] & 0x0f) * 4, total = be16(ip + 2), fl = be16(ip + 6);
	if (!(fl & 0x3fff) || hl < 20 || total < hl || net->off + total > f->len ||
	    csum_fold(csum_add(0, ip, hl, SIZE_MAX)) != 0xffff)
		return false;
	*p = (struct piece){ .more = fl & 0x2000, .src = ip + 12, .dst = ip + 16,
			     .proto = ip[9], .id = be16(ip + 4), .off = (fl & 0x1fff) * 8,
			     .len = total - hl, .data = ip + hl, .net = net->off,
			     .head_len = net->off + hl };
	return true;
}

/* An IPv6 datagram with a Fragment header among its extension headers. */
static bool ipv6_piece(const struct frame *f, const struct layer *net, struct piece *p)
{
	size_t idx = (size_t)(net - f->layer), nh_at = net->off + 6;
	if (net->off + 40 > f->len)
		return false;
	const uint8_t *ip = f->bytes + net->off;
	size_t end = net->off + 40 + be16(ip + 4);
	for (size_t j = idx + 1; j < f->nlayers && f->layer[j].def->ext; j++) {
		const struct layer *l = &f->layer[j];
		if (l->def->id != L_FRAGMENT) {
			nh_at = l->off;
			continue;
		}
		if (l->off + 8 > end || end > f->len || f->bytes[nh_at] != 44)
			return false;
		const uint8_t *fh = f->bytes + l->off;
		*p = (struct piece){ .v6 = true, .more = fh[3] & 1, .src = ip + 8, .dst = ip + 24,
				     .id = (uint32_t)fh[4] << 24 | (uint32_t)fh[5] << 16 |
					   (uint32_t)fh[6] << 8 | fh[7],
				     .off = be16(fh + 2) & 0xfff8, .len = end - l->off - 8,
				     .data = fh + 8, .net = net->off, .head_len = l->off,
				     .nh_at = nh_at,
				     .nh = fh[0] };
		/* An atomic fragment (RFC 6946) is a datagram already. */
		return p->off || p->more;
	}
	return false;
}

static bool same(const struct reasm_dgram *d, const struct piece *p)
{
	size_t n = p->v6 ? 16 : 4;
	return d->used && d->v6 == p->v6 && d->id == p->id && d->proto == p->proto &&
	       memcmp(d->src, p->src, n) == 0 && memcmp(d->dst, p->dst, n) == 0;
}

/* The datagram `p` belongs to: found, or a slot made for it (the expired
 * ones freed first, then the oldest if all are taken). */
static struct reasm_dgram *slot_for(struct reasm *r, const struct piece *p,
				    const struct timeval *ts)
{
	struct reasm_dgram *found = NULL, *free_slot = NULL, *oldest = NULL;
	if (!r->slot)
		r->slot = xcalloc(REASM_DATAGRAMS, sizeof *r->slot);
	for (size_t i = 0; i < REASM_DATAGRAMS; i++) {
		struct reasm_dgram *d = &r->slot[i];
		if (d->used && usec_between(&d->first, ts) > REASM_TIMEOUT_US)
			drop(r, d, true);
		if (!d->used) {
			free_slot = free_slot ? free_slot : d;
			continue;
		}
		if (same(d, p))
			found = d;
		else if (!oldest || timercmp(&d->first, &oldest->first, <))
			oldest = d;
	}
	if (found)
		return found;
	struct reasm_dgram *d = free_slot;
	if (!d) {
		drop(r, oldest, true);
		d = oldest;
	}
	size_t n = p->v6 ? 16 : 4;
	d->used = true;
	d->v6 = p->v6;
	d->id = p->id;
	d->proto = p->proto;
	memcpy(d->src, p->src, n);
	memcpy(d->dst, p->dst, n);
	d->first = *ts;
	return d;
}

static bool block(const struct reasm_dgram *d, size_t b)
{
	return d->have[b / 8] >> (b % 8) & 1;
}

/* Whether `p` repeats what `d` holds: every block of it held, the same
 * bytes, and a last piece ending where the last one did. */
static bool duplicate(const struct reasm_dgram *d, const struct piece *p)
{
	size_t end = p->off + p->len;
	if (!p->more && (!d->have_last || end != d->total))
		return false;
	if (end > d->cap || (p->off == 0 && !d->have_first))
		return false;
	for (size_t b = p->off / 8; b < (end + 7) / 8; b++)
		if (!block(d, b))
			return false;
	return p->len == 0 || memcmp(d->data + p->off, p->data, p->len) == 0;
}

/* Whether IP headers of `ip_head` bytes and `data` bytes outgrow a
 * datagram: IPv4's total length, IPv6's payload length (Linux's
 * out_oversize). */
static bool oversize(bool v6, size_t ip_head, size_t data)
{
	return ip_head - (v6 ? 40 : 0) + data > DATA_MAX;
}

/* Whether `p` fits `d`: no overlap, one end, within the largest datagram. */
static bool fits(const struct reasm_dgram *d, const struct piece *p)
{
	size_t end = p->off + p->len;
	if (oversize(p->v6, p->head_len - p->net, end) || (p->more && p->len % 8) || (!p->more && d->have_last) ||
	    (d->have_last && end > d->total) || (p->off == 0 && p->head_len > HEAD_MAX))
		return false;
	for (size_t b = p->off / 8; b < (end + 7) / 8; b++)
		if (block(d, b))
			return false;
	if (!p->more)
		for (size_t b = (end + 7) / 8; b < BLOCKS; b++)
			if (block(d, b))
				return false;
	return true;
}

/* Room for `end` bytes of data, within the bytes all datagrams may hold;
 * the buffer doubles, so that many small pieces copy little. */
static bool room(struct reasm *r, struct reasm_dgram *d, size_t end)
{
	if (end <= d->cap)
		return true;
	size_t cap = d->cap < 1024 ? 2048 : 2 * d->cap;
	cap = cap < end ? end : cap > DATA_MAX ? DATA_MAX : cap;
	if (r->bytes - d->cap + cap > REASM_BYTES)
		return false;
	d->data = xrealloc(d->data, cap);
	r->bytes += cap - d->cap;
	d->cap = cap;
	return true;
}

static void keep(struct reasm_dgram *d, const struct frame *f, const struct piece *p)
{
	if (p->len)	/* an empty piece may come before any data is held */
		memcpy(d->data + p->off, p->data, p->len);
	for (size_t b = p->off / 8; b < (p->off + p->len + 7) / 8; b++)
		d->have[b / 8] |= (uint8_t)(1u << (b % 8));
	d->pieces++;
	if (!p->more) {
		d->have_last = true;
		d->total = p->off + p->len;
	}
	if (p->off == 0) {
		d->have_first = true;
		memcpy(d->head, f->bytes, p->head_len);
		d->head_len = p->head_len;
		d->net = p->net;
		d->nh_at = p->nh_at;
		d->nh = p->nh;
	}
}

static bool complete(const struct reasm_dgram *d)
{
	if (!d->have_first || !d->have_last)
		return false;
	for (size_t b = 0; b < (d->total + 7) / 8; b++)
		if (!block(d, b))
			return false;
	return true;
}

/* The datagram as one frame: the first fragment's headers, lengths for
 * the whole, no offset, MF or Fragment header. */
static void rebuild(const struct reasm_dgram *d, enum link_kind link, struct frame *out)
{
	size_t net = d->net;
	size_t len = d->head_len + d->total;
	uint8_t *b = xmalloc(len);
	memcpy(b, d->head, d->head_len);
	if (d->total)
		memcpy(b + d->head_len, d->data, d->total);
	uint8_t *ip = b + net;
	if (d->v6) {
		b[d->nh_at] = d->nh;
		put16(ip + 4, len - net - 40);
	} else {
		put16(ip + 2, len - net);
		put16(ip + 6, be16(ip + 6) & 0xc000);
		csum_set_ipv4(ip, d->head_len - net);
	}
	decode_frame(b, len, len, link, out);
	out->reassembled = d->pieces;
	free(b);
}

enum reasm_step reasm_take(struct reasm *r, const struct frame *f, const struct timeval *ts,
			   enum link_kind link, struct frame *out)
{
	const struct layer *next, *net = frame_network_layer(f, &next);
	struct piece p;
	if (!net || !(net->def->id == L_IPV4 ? ipv4_piece(f, net, &p) :
		      net->def->id == L_IPV6 && ipv6_piece(f, net, &p)))
		return REASM_NONE;
	struct reasm_dgram *d = slot_for(r, &p, ts);
	if (duplicate(d, &p))
		return REASM_HELD;	/* dropped alone, as Linux's IPFRAG_DUP */
	if (!fits(d, &p) || !room(r, d, p.off + p.len)) {
		drop(r, d, true);
		return REASM_HELD;
	}
	keep(d, f, &p);
	if (!complete(d))
		return REASM_HELD;
	/* A later piece's shorter header let the first's outgrow the whole. */
	if (oversize(d->v6, d->head_len - d->net, d->total)) {
		drop(r, d, true);
		return REASM_HELD;
	}
	rebuild(d, link, out);
	drop(r, d, false);
	return REASM_WHOLE;
}
