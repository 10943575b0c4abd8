/* fragment.c - a built IP datagram cut into fragments (RFC 791 3.2, RFC 8200 4.5). */
#include "fragment.h"

#include <stdlib.h>
#include <string.h>

#include "../proto/proto.h"
#include "../util/bytes.h"
#include "../util/checksum.h"
#include "../util/xalloc.h"

#define IP6_NH_FRAGMENT 44

/* Where the datagram lies and what every fragment repeats. */
struct cut {
	const uint8_t *b;
	size_t net;		/* the IP header's first byte */
	size_t unfrag;		/* the unfragmentable part's end: where data starts */
	size_t end;		/* the datagram's end */
	size_t nh_at;		/* IPv6: the next-header byte that names the fragment header */
	size_t first_min;	/* IPv6: data the first fragment must hold (RFC 8200 4.5) */
};

static int ipv4_bounds(const struct frame *f, size_t net, struct cut *c, const char **why)
{
	/* A length short of the bytes would cut some of them off unsaid. */
	if (net + 20 > f->len) {
		*why = "its IPv4 header's lengths do not match its bytes";
		return -1;
	}
	const uint8_t *ip = f->bytes + net;
	size_t hl = (size_t)(ip[0] & 0x0f) * 4, total = be16(ip + 2);
	if (hl < 20 || total < hl || net + total != f->len) {
		*why = "its IPv4 header's lengths do not match its bytes";
		return -1;
	}
	if (be16(ip + 6) & 0x3fff) {
		*why = "it is a fragment already (MF or an offset set)";
		return -1;
	}
	c->unfrag = net + hl;
	c->end = net + total;
	return 0;
}

/* The unfragmentable part: the header, Hop-by-Hop, Routing and the
 * Destination Options before a Routing header (RFC 8200 4.5); and how far
 * the first fragment must reach: through the upper-layer header. */
static int ipv6_bounds(const struct frame *f, size_t idx, struct cut *c, const char **why)
{
	size_t net = f->layer[idx].off;
	if (net + 40 > f->len || net + 40 + be16(f->bytes + net + 4) != f->len) {
		*why = "its IPv6 payload length does not match its bytes";
		return -1;
	}
	c->end = net + 40 + be16(f->bytes + net + 4);
	c->unfrag = net + 40;
	c->nh_at = net + 6;
	bool routing_after = false;
	for (size_t j = idx + 1; j < f->nlayers && f->layer[j].def->ext; j++)
		routing_after |= f->layer[j].def->id == L_ROUTING;
	for (size_t j = idx + 1; j < f->nlayers && f->layer[j].def->ext; j++) {
		const struct layer *l = &f->layer[j];
		if (l->def->id == L_ROUTING)
			routing_after = false;
		if (l->def->id == L_FRAGMENT) {
			*why = "it has a fragment header already";
			return -1;
		}
		bool unfrag = l->def->id == L_HOPOPTS || l->def->id == L_ROUTING ||
			      (l->def->id == L_DSTOPTS && routing_after);
		if (!unfrag || l->off != c->unfrag || l->off + l->hdr_len > c->end)
			break;
		c->nh_at = l->off;
		c->unfrag = l->off + l->hdr_len;
	}
	size_t j = idx + 1;
	while (j < f->nlayers && f->layer[j].def->ext)
		j++;
	if (j == f->nlayers || f->layer[j].def->id == L_PAYLOAD)
		j--;	/* no upper-layer header: the last extension header */
	size_t reach = f->layer[j].off + f->layer[j].hdr_len;
	c->first_min = reach > c->unfrag ? reach - c->unfrag : 0;
	return 0;
}

/* IPv4 options a later fragment repeats: those with the copied bit,
 * padded with End of Options to whole words; the header's new length. */
static size_t ipv4_later_header(const uint8_t *ip, uint8_t *out)
{
	size_t hl = (size_t)(ip[0] & 0x0f) * 4, n = 20;
	memcpy(out, ip, 20);
	for (size_t i = 20; i < hl && ip[i] != 0;) {
		size_t len = ip[i] == 1 ? 1 : i + 1 < hl ? ip[i + 1] : 0;
		if (len == 0 || (ip[i] != 1 && len < 2) || i + len > hl)
			break;
		if (ip[i] & 0x80) {
			memcpy(out + n, ip + i, len);
			n += len;
		}
		i += len;
	}
	while (n % 4)
		out[n++] = 0;
	out[0] = (uint8_t)((ip[0] & 0xf0) | n / 4);
	return n;
}

/* The fragment of data [pos, pos + len), the `last` or not, at `o`; its
 * length. */
static size_t put_ipv4(const struct cut *c, size_t pos, size_t len, bool last, uint8_t *o)
{
	memcpy(o, c->b, c->net);
	uint8_t *ip = o + c->net;
	size_t hl = pos == 0 ? c->unfrag - c->net : ipv4_later_header(c->b + c->net, ip);
	if (pos == 0)
		memcpy(ip, c->b + c->net, hl);
	memcpy(ip + hl, c->b + c->unfrag + pos, len);
	put16(ip + 2, hl + len);
	/* The reserved bit stays as built; DF goes: this datagram is cut. */
	size_t flags = (size_t)(ip[6] & 0x80) << 8 | (last ? 0 : 0x2000);
	put16(ip + 6, flags | pos / 8);
	csum_set_ipv4(ip, hl);
	return c->net + hl + len;
}

static size_t put_ipv6(const struct cut *c, size_t pos, size_t len, bool last, uint32_t id,
		       uint8_t *o)
{
	size_t unfrag = c->unfrag;
	memcpy(o, c->b, unfrag);
	uint8_t *fh = o + unfrag;
	fh[0] = c->b[c->nh_at];
	fh[1] = 0;
	put16(fh + 2, pos | (last ? 0 : 1));
	fh[4] = (uint8_t)(id >> 24);
	fh[5] = (uint8_t)(id >> 16);
	fh[6] = (uint8_t)(id >> 8);
	fh[7] = (uint8_t)id;
	memcpy(fh + 8, c->b + unfrag + pos, len);
	o[c->nh_at] = IP6_NH_FRAGMENT;
	put16(o + c->net + 4, unfrag - c->net - 40 + 8 + len);
	return unfrag + 8 + len;
}

int fragment_cut(const struct frame *f, size_t size, uint32_t id6, struct fragments *out,
		 const char **why)
{
	memset(out, 0, sizeof *out);
	const struct layer *next, *net = frame_network_layer(f, &next);
	if (!net || (net->def->id != L_IPV4 && net->def->id != L_IPV6)) {
		*why = "the frame carries no IP datagram";
		return -1;
	}
	if (size == 0 || size % 8) {
		*why = "the fragment size is not a positive multiple of 8";
		return -1;
	}
	struct cut c = { .b = f->bytes, .net = net->off };
	bool v4 = net->def->id == L_IPV4;
	if (v4 ? ipv4_bounds(f, net->off, &c, why) :
	    ipv6_bounds(f, (size_t)(net - f->layer), &c, why))
		return -1;
	size_t data = c.end - c.unfrag;
	size_t n = data > size ? (data + size - 1) / size : 1;
	if (n > 1 && size < c.first_min) {
		*why = "an IPv6 first fragment must hold every header through the upper-layer one "
		       "(RFC 8200 4.5): give a larger SIZE";
		return -1;
	}
	out->piece = xcalloc(n, sizeof *out->piece);
	out->bytes = xmalloc(n * (c.unfrag + 8 + size) + c.end);
	out->n = n;
	if (n == 1) {
		memcpy(out->bytes, f->bytes, c.end);
		out->piece[0] = (struct frag_piece){ 0, c.end };
		return 0;
	}
	size_t at = 0;
	for (size_t k = 0; k < n; k++) {
		size_t pos = k * size, len = k + 1 < n ? size : data - pos;
		uint8_t *o = out->bytes + at;
		size_t flen = v4 ? put_ipv4(&c, pos, len, k + 1 == n, o) :
			      put_ipv6(&c, pos, len, k + 1 == n, id6, o);
		out->piece[k] = (struct frag_piece){ at, flen };
		at += flen;
	}
	return 0;
}

void fragment_order(struct fragments *fr, enum frag_order order, struct rng *rng)
{
	for (size_t i = 0; order == FRAG_REVERSE && i < fr->n / 2; i++) {
		struct frag_piece t = fr->piece[i];
		fr->piece[i] = fr->piece[fr->n - 1 - i];
		fr->piece[fr->n - 1 - i] = t;
	}
	for (size_t i = fr->n; order == FRAG_RANDOM && i > 1; i--) {
		size_t j = (size_t)rng_range(rng, 0, i - 1);
		struct frag_piece t = fr->piece[i - 1];
		fr->piece[i - 1] = fr->piece[j];
		fr->piece[j] = t;
	}
}

void fragments_free(struct fragments *fr)
{
	free(fr->bytes);
	free(fr->piece);
	memset(fr, 0, sizeof *fr);
}

bool fragment_df_cleared(const struct frame *tmpl, const struct frame *built, size_t size,
			 struct srcpos *at)
{
	const struct layer *next, *net = frame_network_layer(built, &next);
	if (!net || net->def->id != L_IPV4 || net->off + 20 > built->len)
		return false;
	const uint8_t *ip = built->bytes + net->off;
	size_t hl = (size_t)(ip[0] & 0x0f) * 4, total = be16(ip + 2);
	if (total <= hl + size)
		return false;	/* it leaves whole, DF and all */
	for (size_t i = 0; i < tmpl->nlayers; i++) {
		const struct layer *l = &tmpl->layer[i];
		if (l->def->id == L_IPV4 && (l->given >> IPV4_FLAGS & 1) && (lv(l, IPV4_FLAGS) & 2)) {
			*at = l->fpos[IPV4_FLAGS];
			return true;
		}
	}
	return false;
}

/* Fields that decide whether and where a datagram is cut. */
static const struct { enum layer_id layer; int field; } cut_fields[] = {
	{ L_IPV4, IPV4_IHL }, { L_IPV4, IPV4_LEN }, { L_IPV4, IPV4_FLAGS },
	{ L_IPV4, IPV4_FRAG }, { L_IPV6, IPV6_PLEN },
};

bool fragment_cut_varies(const struct frame *tmpl, const struct layer **l, int *field)
{
	for (size_t i = 0; i < tmpl->nlayers; i++)
		for (size_t k = 0; k < sizeof cut_fields / sizeof *cut_fields; k++) {
			int fi = cut_fields[k].field;
			*l = &tmpl->layer[i];
			*field = fi;
			if ((*l)->def->id == cut_fields[k].layer && (((*l)->ranged | (*l)->random) >> fi & 1))
				return true;
		}
	return false;
}
