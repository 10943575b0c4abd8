/* decode.c - a walk over the layer tables with a bounds-checked cursor. */
#include "decode.h"

#include <stdlib.h>
#include <string.h>

#include "link.h"
#include "../proto/proto.h"
#include "../util/xalloc.h"

static uint8_t *copy_bytes(const uint8_t *p, size_t n)
{
	uint8_t *b = xmalloc(n);
	if (n)
		memcpy(b, p, n);
	return b;
}

/* Reads each fixed field that lies wholly within `avail` bytes. */
static void read_fields(const struct frame *f, struct layer *l, size_t avail)
{
	for (size_t k = 0; k < l->def->nfields; k++) {
		const struct field *fd = &l->def->fields[k];
		if (!fd->bits || (size_t)fd->bit_off + fd->bits > avail * 8 ||
		    (l->def->applies && !l->def->applies(l, k)))
			continue;
		l->val[k].u = bits_get(f->bytes + l->off, fd->bit_off, fd->bits);
		l->present |= 1u << k;
	}
}

void decode_checksum(struct frame *f, size_t idx)
{
	struct layer *l = &f->layer[idx];
	int cf = l->def->csum_field;
	uint16_t want;
	uint32_t partial;
	l->csum = CS_NONE;
	if (cf < 0 || !(l->present & (1u << cf)))
		return;
	uint64_t have = lv(l, cf);
	int net = frame_net_before(f, idx);
	bool required = net >= 0 && f->layer[net].def->net->sum_required;
	if (l->def->id == L_UDP && have == 0 && !required)
		return;		/* zero: the sender computed none */
	/* A length that cannot be ("bogus length", "bogus header length"):
	 * Wireshark verifies nothing then. */
	if (l->note && strncmp(l->note, "bogus", 5) == 0 && strstr(l->note, "length:")) {
		l->csum = CS_BOGUS;
		return;
	}
	if (!l->def->checksum(f, idx, &want, &partial))
		l->csum = CS_UNVERIFIED;
	else if (have == want)
		l->csum = CS_CORRECT;
	else if (have == partial)
		l->csum = CS_PARTIAL;
	else
		l->csum = CS_INCORRECT;
	l->csum_expected = want;
}

static struct layer *add_layer(struct frame *f, enum layer_id id, size_t off)
{
	struct layer *l = &f->layer[f->nlayers++];
	memset(l, 0, sizeof *l);
	l->def = craft_layers[id];
	l->off = off;
	return l;
}

static void add_payload(struct frame *f, size_t off, size_t end)
{
	if (off >= end || f->nlayers == MAX_LAYERS)
		return;
	struct layer *l = add_layer(f, L_PAYLOAD, off);
	l->hdr_len = l->len = end - off;
	l->val[PL_HEX].bytes = copy_bytes(f->bytes + off, end - off);
	l->val[PL_HEX].len = end - off;
	l->present = 1u << PL_HEX;
}

/* Where the layer's data ends and what comes next; false to stop. */
static bool next_layer(struct frame *f, struct layer *l, size_t idx, size_t *end,
		       enum layer_id *next)
{
	const struct layer_def *def = l->def;
	if (def->decoded && !def->decoded(f, idx, end))
		return false;
	if (def->demux < 0 || !(l->present & (1u << def->demux)))
		return false;
	return link_inner(def->id, lv(l, def->demux), next);
}

/* Where the first layer starts and which it is, as the link header says.
 * False when there is none to decode: the header is cut short, or it names
 * a protocol the layers do not include; the bytes are then data. */
static bool link_start(struct frame *f, enum link_kind kind, size_t *off,
		       enum layer_id *id)
{
	const struct link_type *lt = &link_types[kind];
	uint16_t ethertype;
	f->link = lt;
	*off = 0;
	if (lt->next == LN_LAYER) {
		*id = lt->layer;
		return true;
	}
	if (!link_header_value(lt, f->bytes, f->len, &f->link_value)) {
		add_payload(f, 0, f->len);
		if (f->nlayers)
			f->layer[0].note = "truncated: the link-layer header is cut short";
		return false;
	}
	f->has_link_value = true;
	if (!link_ethertype(lt, f->link_value, &ethertype) ||
	    !link_inner(L_ETH, ethertype, id)) {
		add_payload(f, lt->hdr_len, f->len);
		if (f->nlayers)
			f->layer[0].note = "not decoded: rawcraft has no layer for the "
					   "protocol the link type names";
		return false;
	}
	*off = lt->hdr_len;
	return true;
}

void decode_frame(const uint8_t *bytes, size_t caplen, size_t wire_len,
		  enum link_kind link, struct frame *out)
{
	frame_clear_header(out);	/* add_layer clears each layer it adds */
	out->bytes = copy_bytes(bytes, caplen);
	out->len = caplen;
	out->wire_len = wire_len > caplen ? wire_len : caplen;

	size_t off, end = caplen;
	enum layer_id id;
	if (!link_start(out, link, &off, &id))
		return;
	bool announced = caplen > 0;	/* a header is due at `off` */
	/* A header that was announced but has no bytes left is still shown, cut. */
	while ((off < end || announced) && out->nlayers < MAX_LAYERS) {
		announced = false;
		size_t idx = out->nlayers;
		const char *why = NULL;
		if (craft_layers[id]->instead && off < end)
			id = craft_layers[id]->instead(out->bytes + off, end - off, &why);
		struct layer *l = add_layer(out, id, off);
		l->note = why;
		const struct layer_def *def = l->def;
		size_t avail = end - off;
		read_fields(out, l, avail);
		if (avail < def->min_len) {
			l->hdr_len = l->len = avail;
			l->note = "truncated: the header is cut short by the end of the capture";
			decode_checksum(out, idx);	/* unverified, if it was captured */
			return;
		}
		size_t hl = def->header_len ? def->header_len(l) : def->min_len;
		bool stop = false;
		if (hl < def->min_len) {
			l->note = "bogus header length: below the minimum; inner layers not decoded";
			hl = def->min_len;
			stop = true;
		} else if (hl > avail) {
			l->note = "truncated: the header length runs past the captured bytes";
			hl = avail;
			stop = true;
		}
		l->hdr_len = hl;
		if (def->id == L_TCP && hl > def->min_len)
			layer_take_bytes(out, idx, TCP_OPTS, off + 20, off + hl);
		enum layer_id next = L_PAYLOAD;
		bool known = !stop && next_layer(out, l, idx, &end, &next);
		l->len = end - off;
		decode_checksum(out, idx);
		off += l->hdr_len;	/* `decoded` may have taken options in */
		if (!known) {
			add_payload(out, off, end);
			return;
		}
		id = next;
		announced = true;
	}
	if (off < end && out->nlayers == MAX_LAYERS && !out->layer[MAX_LAYERS - 1].note)
		out->layer[MAX_LAYERS - 1].note = "too many layers: the rest is not decoded";
	if (off < end)
		add_payload(out, off, end);
}

void decode_built(const struct frame *built, struct frame *out)
{
	decode_frame(built->bytes, built->len, built->len, LINK_ETHERNET, out);
	out->eth_dst_unresolved = built->eth_dst_unresolved;
}
