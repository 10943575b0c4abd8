/*
 * layer.h - layers, the frames made of them, and how layers chain.
 *
 * A layer definition is a field table plus the few hooks no table can say:
 * how long the header really is, how its checksum is computed, how it is
 * summarised in one line.  Which layer may follow which, and the type value
 * that says so on the wire, is one table (craft_links) read by the parser,
 * the builder and the decoder alike.
 */
#ifndef CRAFT_LAYER_H
#define CRAFT_LAYER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "field.h"
#include "../util/strbuf.h"

#define MAX_FIELDS 17	/* ICMPv6: the fixed three and every type's own rows */
#define MAX_WIDE_FIELDS 2	/* fields over 64 bits a layer may have: an address pair */
#define MAX_LAYERS 12
/* The most a built frame holds: an IP datagram, Ethernet and tags. */
#define FRAME_MAX_BYTES (65535 + 14 + 4 * MAX_LAYERS)

enum layer_id {
	L_ETH, L_VLAN, L_ARP, L_IPV4, L_IPV6, L_HOPOPTS, L_DSTOPTS, L_ROUTING, L_FRAGMENT,
	L_TCP, L_UDP, L_ICMP, L_ICMP6, L_LLC, L_SLL,
	L_SLL2, L_ISL, L_PAYLOAD, L_COUNT
};

struct srcpos {
	unsigned line, col;
};

enum csum_status {
	CS_NONE,	/* the layer has no checksum */
	CS_CORRECT,
	CS_INCORRECT,
	CS_PARTIAL,	/* pseudo-header only: offloaded, captured outbound */
	CS_UNVERIFIED,	/* not all covered bytes were captured */
	CS_BOGUS,	/* the header's own length field makes it meaningless */
};

struct layer {
	const struct layer_def *def;
	struct fval val[MAX_FIELDS];
	uint32_t given;		/* field i written in the template: it wins */
	uint32_t random;	/* field i written as `random`: drawn per frame */
	uint32_t ranged;	/* field i written as LO..HI: cycles per frame */
	struct { u128 lo, hi; } range[MAX_FIELDS];
	uint32_t present;	/* decoder: field i lay inside the captured bytes */
	struct srcpos pos;	/* the layer keyword */
	struct srcpos fpos[MAX_FIELDS];	/* each given field's key */
	size_t off;		/* first byte of the layer in the frame */
	size_t hdr_len;		/* header bytes (what the header says, decoded) */
	size_t len;		/* bytes this layer and all inner ones cover */
	enum csum_status csum;
	uint16_t csum_expected;
	const char *note;	/* decoder: truncation or oddity, else NULL */
};

_Static_assert(MAX_FIELDS <= 8 * sizeof ((struct layer *)0)->given &&
	       MAX_FIELDS <= 8 * sizeof ((struct layer *)0)->random &&
	       MAX_FIELDS <= 8 * sizeof ((struct layer *)0)->ranged &&
	       MAX_FIELDS <= 8 * sizeof ((struct layer *)0)->present,
	       "a layer's masks hold a bit for each of its fields");

struct frame {
	struct layer layer[MAX_LAYERS];
	size_t nlayers;
	uint8_t *bytes;
	size_t len;		/* bytes we have */
	size_t wire_len;	/* bytes on the wire (pcap's len) */
	size_t trailer;		/* bytes after the outermost length ends */
	bool eth_dst_unresolved;	/* built with a placeholder next-hop MAC */
	/* Put back together from this many IP fragments (decode/reasm.h), 0:
	 * as captured; -w has the fragments, not it. */
	unsigned reassembled;
	/* Decoder: the link type (decode/link.h; NULL for a built frame) and
	 * what its header names next, when it was captured whole. */
	const struct link_type *link;
	bool has_link_value;
	uint32_t link_value;	/* EtherType, IP version or address family */
};

/* What makes a layer a network layer (ARP, IPv4): where its addresses are
 * and the rules generic code asks it for instead of testing its id.  The
 * first layer of a frame that has one is the frame's network layer. */
struct layer_net {
	int src, dst;		/* the address fields */
	/* The destination is a broadcast or a group anyone may answer; NULL:
	 * never. */
	bool (*group)(const struct layer *l);
	/* The Ethernet destination when no neighbour lookup decides it (a
	 * broadcast, a group's MAC, the asker of an ARP reply); false to look
	 * up the next hop of dst. */
	bool (*link_dst)(const struct layer *l, uint64_t *mac);
	/* Where the payload of layer `idx` ends, and whether (`whole`, may be
	 * NULL) all of it is there; NULL: at the frame's end. */
	size_t (*payload_end)(const struct frame *f, size_t idx, bool *whole);
	/* The pseudo-header sum of layer `idx` for an upper layer `proto` of
	 * `seg_len` bytes; false if it has none (a fragment). */
	bool (*pseudo_sum)(const struct frame *f, size_t idx, uint8_t proto,
			   size_t seg_len, uint32_t *sum);
	/* Whether the packet is a question a reply answers, and whether it may
	 * be such a reply (ARP: requests ask, replies answer); NULL: both. */
	bool (*asks)(const struct layer *l);
	bool (*answers)(const struct layer *l);
	/* Upper layers must carry a checksum: a UDP zero is illegal (IPv6,
	 * RFC 8200 8.1), not "none computed". */
	bool sum_required;
	/* Layer `idx`'s dst is left out and implied by what it carries (a
	 * solicitation's group): the address the frame is routed by instead
	 * (its target), true; NULL: never. */
	bool (*route_by)(const struct frame *f, size_t idx, struct addr *to);
	/* Where the packet is finally bound when dst is a hop on the way (an
	 * IPv4 source route), the address replies come from; NULL: dst. */
	u128 (*final_dst)(const struct layer *l);
};

struct layer_def {
	enum layer_id id;
	const char *name;	/* template keyword: "ipv4" */
	const char *label;	/* "Internet Protocol Version 4" */
	const struct field *fields;
	size_t nfields;
	size_t min_len;		/* the fixed header */
	/* Read from captures, never built: no template may name it. */
	bool decode_only;
	int demux;		/* field naming the next layer, or -1 */
	uint64_t demux_default;	/* its value when nothing (or raw data) follows */
	int csum_field;		/* field holding the checksum, or -1 */
	/* An IPv6 extension header: part of the network layer before it, so
	 * the layer after it has that network layer's addresses and payload. */
	bool ext;
	/* Why a template places it right after a network layer only (IPv6's
	 * Hop-by-Hop header, RFC 8200 4.1), or NULL; the decoder takes it
	 * wherever the link rows let it come. */
	const char *net_first;
	bool csum_header;	/* the checksum covers the header alone */
	bool csum_pseudo;	/* it covers the network layer's pseudo-header too */
	const struct layer_net *net;	/* NULL: not a network layer */
	/* Decoded header length (IHL, data offset); NULL means min_len. */
	size_t (*header_len)(const struct layer *self);
	/* Bytes the layer occupies when built (options, a type's own fields);
	 * NULL: layer_built_len's rule. */
	size_t (*built_len)(const struct layer *self);
	/* Whether field `k` belongs to the layer as its other fields make it
	 * (ICMPv6's fields by type); NULL: every field does.  Only fields that
	 * apply are parsed, built, decoded and printed. */
	bool (*applies)(const struct layer *self, size_t k);
	/* The value the builder writes for computed field `k` left out (a
	 * length in 8-byte units), from the laid-out frame; NULL: libnet's. */
	u128 (*computed)(const struct frame *f, size_t idx, size_t k);
	/* Defaults that depend on other layers (a hop limit of 255 for
	 * neighbour discovery, a solicited-node destination), set once every
	 * field of the frame has its own default; and which required fields
	 * it fills, so the template may leave them out.  NULL: none. */
	void (*context)(struct frame *f, size_t idx);
	bool (*implied)(const struct frame *f, size_t idx, size_t k);
	/* Extension headers: the datagram is a fragment from here on (its
	 * upper layer is not whole), and the destination the pseudo-header
	 * names past this header (a routing header's last address) given the
	 * one before it; NULL: neither. */
	bool (*ext_fragment)(const struct layer *self);
	const uint8_t *(*ext_final_dst)(const struct frame *f, size_t idx, const uint8_t *dst);
	/* The checksum layer `idx` should carry, from the frame's bytes; false
	 * if they are not all there.  `partial` gets the pseudo-header-only
	 * value an offloading sender leaves (UINT32_MAX if none applies). */
	bool (*checksum)(const struct frame *f, size_t idx, uint16_t *want,
			 uint32_t *partial);
	/* Decoder: the layer to read in this one's place, by the `avail` (> 0)
	 * bytes at `p`, and why (a note, or left alone), or its own id; NULL:
	 * always itself. */
	enum layer_id (*instead)(const uint8_t *p, size_t avail, const char **why);
	/* Decoder, once the header is read: notes on what it claims, and
	 * where its data ends (frame_cut); false if no header can follow
	 * inside it (a later fragment).  NULL: nothing to say. */
	bool (*decoded)(struct frame *f, size_t idx, size_t *end);
	/* What value of field `k` means where it depends on other fields (a
	 * code by its type), for the tree; NULL: the field's names say. */
	const char *(*meaning)(const struct layer *self, size_t k);
	/* Title line and one-line summary. */
	void (*title)(const struct frame *f, size_t idx, struct strbuf *out);
	void (*summary)(const struct frame *f, size_t idx, struct strbuf *out);
	/* A few words for the ladder's arrow, without the addresses its
	 * columns name ("ARP who-has"); NULL: the layer's name. */
	void (*brief)(const struct frame *f, size_t idx, struct strbuf *out);
};

struct link {
	enum layer_id outer, inner;
	uint64_t value;		/* the outer demux field's value */
	bool quotes;		/* inner starts a datagram outer quotes (ICMP error) */
};

/* Indexed by layer id; layer.c checks it has L_COUNT entries. */
extern const struct layer_def *const craft_layers[];
extern const struct link craft_links[];
extern const size_t craft_nlinks;

/* A set of layers: bit i is layer id i. */
#define LAYERS_ALL ((1u << L_COUNT) - 1)
_Static_assert(L_COUNT < 8 * sizeof(unsigned), "an unsigned holds a bit per layer");

/* The names of the layers in `mask`, in table order and joined by ", ", for
 * messages: the list can never disagree with the tables. */
void layer_list(unsigned mask, char *buf, size_t len);

const struct layer_def *layer_by_name(const char *name, size_t len);
int layer_field_index(const struct layer_def *d, const char *name, size_t len);
bool layer_can_follow(enum layer_id outer, enum layer_id inner);
/* The demux value announcing `inner` after `outer`; false if none. */
bool link_value(enum layer_id outer, enum layer_id inner, uint64_t *value);
/* The layer a demux value announces after `outer`; false if none. */
bool link_inner(enum layer_id outer, uint64_t value, enum layer_id *inner);

/* Where the bytes of FK_OPTS field `k` start in the layer: the row's
 * offset, or - a row at offset 0 - where header_len ends the fixed part
 * (ICMPv6's options, after each type's own fields). */
size_t layer_opts_off(const struct layer *l, size_t k);

/* Lays the option lists of a layer (FK_OPTS, FK_TCPOPTS) into its `n`
 * header bytes at `hdr`, zeros but for them and their codecs' padding:
 * what a built header holds past its fixed fields. */
void layer_put_opts(const struct layer *l, uint8_t *hdr, size_t n);

/* Decoder: the frame's bytes [from, to) as variable field `k` of layer
 * `idx`, read off the wire rather than given. */
void layer_take_bytes(struct frame *f, size_t idx, size_t k, size_t from, size_t to);

/* Bytes a layer of a template occupies when built (explicit IHL or data
 * offset change what the header claims, not what is there). */
size_t layer_built_len(const struct layer *l);
/* The fixed header and the options in field `opts` padded to 32 bits. */
size_t layer_padded_opts_len(const struct layer *l, int opts);

/* The address a template sends to: the first network layer's destination
 * given (and not random), or the one it is routed by when dst is implied;
 * ADDR_NONE if none. */
struct addr frame_destination(const struct frame *f);

/* A network layer's address field as an address (4 or 16 bytes wide). */
struct addr layer_addr(const struct layer *l, int field);

/* The network layer layer `idx` rides in: the one right before it, past
 * any extension headers; -1 if there is none. */
int frame_net_before(const struct frame *f, size_t idx);

/* The first layer from `idx` on that is no extension header (nlayers if
 * none). */
size_t frame_past_ext(const struct frame *f, size_t idx);

/* A frame's first network layer, and the layer after it and its extension
 * headers (or NULL). */
const struct layer *frame_network_layer(const struct frame *f, const struct layer **next);
/* Whether a network layer's destination is a group anyone may answer. */
bool layer_to_group(const struct layer *net);
/* Where the bytes of layer `idx` end: where the network layer right before
 * it says its payload ends, else the frame's end.  `whole` (may be NULL):
 * all of them are there - a checksum over them means something only then. */
size_t frame_payload_end(const struct frame *f, size_t idx, bool *whole);
/* The addresses of the innermost network layer before `idx`, as text for
 * summaries; false if there is none or its destination was not captured. */
bool frame_addrs(const struct frame *f, size_t idx, char *src, char *dst, size_t len);

/* Decoder: a layer's data ends at `at`, before `*end`; what lies between
 * (Ethernet padding) is the frame's trailer. */
void frame_cut(struct frame *f, size_t *end, size_t at);

/* A ranged field's number of values (all 2^128 of a full 128-bit range
 * read as 0, which no frame index reaches), and its value in frame
 * `index`. */
static inline u128 range_len(const struct layer *l, size_t field)
{
	return l->range[field].hi - l->range[field].lo + 1;
}

static inline u128 range_value(const struct layer *l, size_t field, uint64_t index)
{
	u128 n = range_len(l, field);
	/* A span past 64 bits is longer than any run: index is its own offset. */
	uint64_t off = n >> 64 || !n ? index : index % (uint64_t)n;
	return l->range[field].lo + off;
}

/* Frames in one pass over the template's ranges: the longest range's
 * length (ranges cycle side by side, not nested); 1 without ranges. */
uint64_t frame_cycle(const struct frame *f);

/* Whether a field takes a new value from frame to frame. */
static inline bool field_varies(const struct layer *l, size_t field)
{
	return ((l->random | l->ranged) >> field) & 1u;
}

/* How many layers are the frame's own: all of them, or up to and including
 * a header that quotes a datagram (an ICMP error), whose layers follow. */
size_t frame_own_layers(const struct frame *f);

/* Helpers used by the layer files. */
const struct layer *frame_find(const struct frame *f, size_t before,
			       enum layer_id id);
void frame_free(struct frame *f);
/* An empty frame, its layers left as they are: each is cleared as it is
 * added (a whole frame is some 15 KiB, cleared per captured frame). */
void frame_clear_header(struct frame *f);

/* Frames made in code rather than from text (an ARP request, a ghost's
 * reply): a layer with nothing given, NULL when the frame is full; then
 * the fields given as a template line would give them. */
struct layer *frame_push(struct frame *f, const struct layer_def *def);
void layer_give(struct layer *l, int field, uint64_t value);
void layer_give_wide(struct layer *l, int field, u128 value);
void layer_give_bytes(struct layer *l, int field, const uint8_t *bytes, size_t len);

/* A field of up to 64 bits; wide ones (addresses) read val[].u whole. */
static inline uint64_t lv(const struct layer *l, int field)
{
	return (uint64_t)l->val[field].u;
}

#endif
