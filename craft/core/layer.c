/* layer.c - the layer registry and the one table of which layer follows which. */
#include "layer.h"

#include <pthread.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../proto/proto.h"
#include "../util/xalloc.h"

const struct layer_def *const craft_layers[] = {
	[L_ETH] = &eth_layer, [L_VLAN] = &vlan_layer, [L_ARP] = &arp_layer,
	[L_IPV4] = &ipv4_layer, [L_IPV6] = &ipv6_layer, [L_HOPOPTS] = &hopopts_layer,
	[L_DSTOPTS] = &dstopts_layer, [L_ROUTING] = &routing_layer,
	[L_FRAGMENT] = &fragment_layer, [L_TCP] = &tcp_layer,
	[L_UDP] = &udp_layer, [L_ICMP] = &icmp_layer, [L_ICMP6] = &icmp6_layer,
	[L_LLC] = &llc_layer, [L_SLL] = &sll_layer, [L_SLL2] = &sll2_layer,
	[L_ISL] = &isl_layer, [L_PAYLOAD] = &payload_layer,
};
_Static_assert(sizeof craft_layers / sizeof craft_layers[0] == L_COUNT,
	       "craft_layers has an entry for each layer id");

/* What may follow IPv6 and each of its extension headers: the extension
 * headers in any order and number, as probes of RFC 7112 and 5722 chain
 * them (template.c keeps hopopts to its place), and the upper layers. */
#define IP6_NEXT(outer) \
	{ outer, L_HOPOPTS, 0, false }, { outer, L_DSTOPTS, 60, false }, \
	{ outer, L_ROUTING, 43, false }, { outer, L_FRAGMENT, 44, false }, \
	{ outer, L_TCP, 6, false }, { outer, L_UDP, 17, false }, { outer, L_ICMP6, 58, false }, \
	{ outer, L_IPV6, 41, false }, { outer, L_IPV4, 4, false },	/* tunnels, RFC 2473 */ \
	{ outer, L_ETH, 143, false }	/* an Ethernet frame, as SRv6 carries it (RFC 8986) */

/* What an EtherType names; 0x88a8 is a provider's tag (802.1ad), 0x8035
 * RARP, which the decoder also reads. */
#define ETHERTYPE_NEXT(outer) \
	{ outer, L_VLAN, 0x8100, false }, { outer, L_ARP, 0x0806, false }, \
	{ outer, L_IPV4, 0x0800, false }, { outer, L_IPV6, 0x86dd, false }, \
	{ outer, L_VLAN, 0x88a8, false }, { outer, L_ARP, 0x8035, false }

/* The first row for an (outer, inner) pair is what the builder writes; later
 * rows are values the decoder also recognises. */
const struct link craft_links[] = {
	ETHERTYPE_NEXT(L_ETH), ETHERTYPE_NEXT(L_VLAN),
	/* Decoded, never built: SNAP with an EtherType for PID (llc.c), and
	 * the Linux cooked headers' protocol, an EtherType or 4 for LLC. */
	ETHERTYPE_NEXT(L_LLC), ETHERTYPE_NEXT(L_SLL), ETHERTYPE_NEXT(L_SLL2),
	{ L_SLL, L_LLC, 4, false }, { L_SLL2, L_LLC, 4, false }, { L_ISL, L_ETH, 0, false },
	{ L_IPV4, L_TCP, 6, false }, { L_IPV4, L_UDP, 17, false }, { L_IPV4, L_ICMP, 1, false },
	{ L_IPV4, L_IPV6, 41, false }, { L_IPV4, L_IPV4, 4, false },	/* RFC 4213, RFC 2003 */
	{ L_IPV4, L_ETH, 143, false },	/* as IPv6's below */
	IP6_NEXT(L_IPV6), IP6_NEXT(L_HOPOPTS), IP6_NEXT(L_DSTOPTS), IP6_NEXT(L_ROUTING),
	IP6_NEXT(L_FRAGMENT),
	/* ICMP errors quote the IPv4 header and 8+ bytes of what caused them. */
	{ L_ICMP, L_IPV4, 3, true }, { L_ICMP, L_IPV4, 11, true }, { L_ICMP, L_IPV4, 12, true },
	{ L_ICMP, L_IPV4, 5, true }, { L_ICMP, L_IPV4, 4, true },
	/* ICMPv6 errors quote as much of the packet as fits in 1280 bytes. */
	{ L_ICMP6, L_IPV6, 1, true }, { L_ICMP6, L_IPV6, 2, true }, { L_ICMP6, L_IPV6, 3, true },
	{ L_ICMP6, L_IPV6, 4, true },
};
const size_t craft_nlinks = sizeof craft_links / sizeof craft_links[0];

void layer_list(unsigned mask, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < L_COUNT && n < len; i++)
		if (mask >> i & 1u && !craft_layers[i]->decode_only)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
					      craft_layers[i]->name);
}

const struct layer_def *layer_by_name(const char *name, size_t len)
{
	for (int i = 0; i < L_COUNT; i++)
		if (strlen(craft_layers[i]->name) == len &&
		    memcmp(craft_layers[i]->name, name, len) == 0)
			return craft_layers[i];
	return NULL;
}

int layer_field_index(const struct layer_def *d, const char *name, size_t len)
{
	for (size_t i = 0; i < d->nfields; i++)
		if (strlen(d->fields[i].name) == len &&
		    memcmp(d->fields[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* The first row for the pair: the one the builder writes. */
static const struct link *link_row(enum layer_id outer, enum layer_id inner)
{
	for (size_t i = 0; i < craft_nlinks; i++)
		if (craft_links[i].outer == outer && craft_links[i].inner == inner)
			return &craft_links[i];
	return NULL;
}

bool link_value(enum layer_id outer, enum layer_id inner, uint64_t *value)
{
	const struct link *k = link_row(outer, inner);
	if (k)
		*value = k->value;
	return k;
}

bool link_inner(enum layer_id outer, uint64_t value, enum layer_id *inner)
{
	/* A type/length of 1500 or less is an 802.3 length: LLC follows. */
	if ((outer == L_ETH || outer == L_VLAN) && value <= ETH_MAX_LEN) {
		*inner = L_LLC;
		return true;
	}
	for (size_t i = 0; i < craft_nlinks; i++)
		if (craft_links[i].outer == outer && craft_links[i].value == value) {
			*inner = craft_links[i].inner;
			return true;
		}
	return false;
}

/* Raw bytes may follow any header; everything else needs a link row. */
bool layer_can_follow(enum layer_id outer, enum layer_id inner)
{
	uint64_t v;
	if (inner == L_PAYLOAD)
		return outer != L_PAYLOAD;
	return link_value(outer, inner, &v);
}

const struct layer *frame_find(const struct frame *f, size_t before,
			       enum layer_id id)
{
	for (size_t i = before; i-- > 0;)
		if (f->layer[i].def->id == id)
			return &f->layer[i];
	return NULL;
}

size_t layer_opts_off(const struct layer *l, size_t k)
{
	const struct field *fd = &l->def->fields[k];
	if (fd->bit_off || !l->def->header_len)
		return fd->bit_off ? fd->bit_off / 8u : l->def->min_len;
	return l->def->header_len(l);
}

void layer_put_opts(const struct layer *l, uint8_t *hdr, size_t n)
{
	for (size_t k = 0; k < l->def->nfields; k++) {
		const struct field *fd = &l->def->fields[k];
		const struct fval *v = &l->val[k];
		if ((fd->kind != FK_OPTS && fd->kind != FK_TCPOPTS) ||
		    (l->def->applies && !l->def->applies(l, k)))
			continue;
		size_t at = layer_opts_off(l, k);
		if (at > n || v->len > n - at)
			continue;
		if (v->len)
			memcpy(hdr + at, v->bytes, v->len);
		if (fd->codec && fd->codec->pad)	/* up to the header's end */
			fd->codec->pad(hdr + at + v->len, n - at - v->len);
	}
}

void layer_take_bytes(struct frame *f, size_t idx, size_t k, size_t from, size_t to)
{
	struct layer *l = &f->layer[idx];
	layer_give_bytes(l, (int)k, f->bytes + from, to > from ? to - from : 0);
	l->given &= ~(1u << k);
	l->present |= 1u << k;
}

size_t layer_built_len(const struct layer *l)
{
	if (l->def->built_len)
		return l->def->built_len(l);
	switch (l->def->id) {
	case L_TCP:
		return layer_padded_opts_len(l, TCP_OPTS);
	case L_PAYLOAD:
		for (size_t k = 0; k < PL_NFIELDS; k++)
			if (l->given & (1u << k))
				return l->val[k].len;
		return 0;
	default:
		return l->def->min_len;
	}
}

size_t layer_padded_opts_len(const struct layer *l, int opts)
{
	return l->def->min_len + ((l->val[opts].len + 3) & ~(size_t)3);
}

struct addr layer_addr(const struct layer *l, int field)
{
	return addr_from_value(l->val[field].u, l->def->fields[field].bits / 8);
}

struct addr frame_destination(const struct frame *f)
{
	for (size_t i = 0; i < f->nlayers; i++) {
		const struct layer *l = &f->layer[i];
		const struct layer_net *n = l->def->net;
		struct addr to;
		if (!n)
			continue;
		if ((l->given & (1u << n->dst)) && !(l->random & (1u << n->dst)))
			return layer_addr(l, n->dst);
		if (!(l->given & (1u << n->dst)) && n->route_by && n->route_by(f, i, &to))
			return to;
	}
	return (struct addr){ .family = ADDR_NONE };
}

int frame_net_before(const struct frame *f, size_t idx)
{
	for (size_t i = idx; i-- > 0;) {
		if (f->layer[i].def->net)
			return (int)i;
		if (!f->layer[i].def->ext)
			return -1;
	}
	return -1;
}

size_t frame_past_ext(const struct frame *f, size_t idx)
{
	while (idx < f->nlayers && f->layer[idx].def->ext)
		idx++;
	return idx;
}

const struct layer *frame_network_layer(const struct frame *f, const struct layer **next)
{
	for (size_t i = 0; i < f->nlayers; i++)
		if (f->layer[i].def->net) {
			size_t j = frame_past_ext(f, i + 1);
			*next = j < f->nlayers ? &f->layer[j] : NULL;
			return &f->layer[i];
		}
	return NULL;
}

bool layer_to_group(const struct layer *net)
{
	return net->def->net->group && net->def->net->group(net);
}

size_t frame_payload_end(const struct frame *f, size_t idx, bool *whole)
{
	int net = frame_net_before(f, idx);
	const struct layer_net *n = net >= 0 ? f->layer[net].def->net : NULL;
	if (n && n->payload_end)
		return n->payload_end(f, (size_t)net, whole);
	if (whole)
		*whole = f->len >= f->wire_len;
	return f->len;
}

bool frame_addrs(const struct frame *f, size_t idx, char *src, char *dst, size_t len)
{
	for (size_t i = idx; i-- > 0;) {
		const struct layer *l = &f->layer[i];
		const struct layer_net *n = l->def->net;
		if (!n)
			continue;
		if (!(l->present & (1u << n->dst)))
			return false;
		field_format(&l->def->fields[n->src], &l->val[n->src], src, len);
		field_format(&l->def->fields[n->dst], &l->val[n->dst], dst, len);
		return true;
	}
	return false;
}

void frame_cut(struct frame *f, size_t *end, size_t at)
{
	if (at < *end) {
		f->trailer += *end - at;	/* an inner length may end it earlier */
		*end = at;
	}
}

uint64_t frame_cycle(const struct frame *f)
{
	uint64_t longest = 1;
	for (size_t i = 0; i < f->nlayers; i++) {
		const struct layer *l = &f->layer[i];
		for (size_t k = 0; k < MAX_FIELDS; k++)
			if ((l->ranged >> k) & 1u) {
				/* A range of 2^64 values or more (2^128 reads 0) never ends. */
				u128 n = range_len(l, k);
				uint64_t len = !n || n >> 64 ? UINT64_MAX : (uint64_t)n;
				if (len > longest)
					longest = len;
			}
	}
	return longest;
}

/* quoting[outer][inner]: the pair's first row says inner is quoted.  Asked
 * several times per decoded frame: a table, not a walk over the rows. */
static bool quoting[L_COUNT][L_COUNT];
static pthread_once_t quoting_once = PTHREAD_ONCE_INIT;

static void quoting_fill(void)
{
	for (unsigned o = 0; o < L_COUNT; o++)
		for (unsigned i = 0; i < L_COUNT; i++) {
			const struct link *k = link_row((enum layer_id)o, (enum layer_id)i);
			quoting[o][i] = k && k->quotes;
		}
}

size_t frame_own_layers(const struct frame *f)
{
	pthread_once(&quoting_once, quoting_fill);
	for (size_t i = 0; i + 1 < f->nlayers; i++) {
		unsigned o = f->layer[i].def->id, in = f->layer[i + 1].def->id;
		if (o < L_COUNT && in < L_COUNT && quoting[o][in])	/* a caller's own layers: no row */
			return i + 1;
	}
	return f->nlayers;
}

struct layer *frame_push(struct frame *f, const struct layer_def *def)
{
	if (f->nlayers == MAX_LAYERS)
		return NULL;
	struct layer *l = &f->layer[f->nlayers++];
	*l = (struct layer){ .def = def };
	return l;
}

void layer_give(struct layer *l, int field, uint64_t value)
{
	l->val[field].u = value;
	l->given |= 1u << field;
}

void layer_give_wide(struct layer *l, int field, u128 value)
{
	l->val[field].u = value;
	l->given |= 1u << field;
}

void layer_give_bytes(struct layer *l, int field, const uint8_t *bytes, size_t len)
{
	struct fval *v = &l->val[field];
	free(v->bytes);
	v->bytes = xmalloc(len);
	if (len)
		memcpy(v->bytes, bytes, len);
	v->len = len;
	l->given |= 1u << field;
}

void frame_clear_header(struct frame *f)
{
	_Static_assert(offsetof(struct frame, layer) == 0, "the layers come first");
	memset((char *)f + sizeof f->layer, 0, sizeof *f - sizeof f->layer);
}

void frame_free(struct frame *f)
{
	for (size_t i = 0; i < f->nlayers; i++) {
		for (size_t j = 0; j < MAX_FIELDS; j++)
			if (f->layer[i].val[j].bytes)
				free(f->layer[i].val[j].bytes);
		memset(&f->layer[i], 0, sizeof f->layer[i]);
	}
	free(f->bytes);
	frame_clear_header(f);
}
