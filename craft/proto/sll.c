/*
 * sll.c - the Linux cooked headers (DLT_LINUX_SLL 16 bytes, DLT_LINUX_SLL2
 * 20 bytes) that "any"-interface captures carry instead of Ethernet: packet
 * type, ARPHRD type, the link-layer source address and the protocol (an
 * EtherType, or below 1536 a Linux one: 4 is 802.2 LLC); v2 adds the
 * interface index.  Decode only: templates build Ethernet frames.
 */
#include "proto.h"

static const struct field_name pkttype_names[] = {	/* Wireshark's words */
	{ 0, NULL, "Unicast to us" }, { 1, NULL, "Broadcast" }, { 2, NULL, "Multicast" },
	{ 3, NULL, "Unicast to another host" }, { 4, NULL, "Sent by us" },
	{ 0, NULL, NULL },
};
static const struct field_name hatype_names[] = {	/* <linux/if_arp.h> */
	{ 1, NULL, "Ethernet" }, { 512, NULL, "PPP" }, { 768, NULL, "IPIP tunnel" },
	{ 772, NULL, "Loopback" }, { 776, NULL, "IPv6-in-IPv4" }, { 778, NULL, "GRE over IP" },
	{ 801, NULL, "802.11" }, { 803, NULL, "802.11 radiotap" }, { 824, NULL, "Netlink" },
	{ 65534, NULL, "None" }, { 0, NULL, NULL },
};
/* Linux's own protocol numbers (<linux/if_ether.h> ETH_P_*) below 1536. */
static const struct field_name protocol_names[] = {
	{ 0x0001, NULL, "802.3 (Novell raw IPX)" }, { 0x0003, NULL, "All" },
	{ 0x0004, NULL, "802.2 LLC" }, { 0x000c, NULL, "CAN" }, { 0x000d, NULL, "CAN FD" },
	{ 0, NULL, NULL },
};
static const struct field linux_protocol = { .names = protocol_names };

/* The same rows at each version's offsets; `addr` is a MAC for 6 bytes,
 * an IPv4 address for 4 and the bytes (sll_decoded) for other lengths. */
#define SLL_ROWS(pkt, pktbits, ha, len, lenbits, addr, proto) \
	[SLL_PKTTYPE] = { "pkttype", "Packet type", pkt, pktbits, FK_UINT, FD_CONST, 0, 0, \
			  pkttype_names, NULL, NULL }, \
	[SLL_HATYPE] = { "hatype", "Link-layer address type", ha, 16, FK_UINT, FD_CONST, 0, 0, \
			 hatype_names, NULL, NULL }, \
	[SLL_HALEN] = { "halen", "Link-layer address length", len, lenbits, FK_UINT, FD_CONST, \
			0, 0, NULL, NULL, NULL }, \
	[SLL_MAC] = { "addr", "Source", addr, 48, FK_MAC, FD_CONST, 0, 0, NULL, NULL, NULL }, \
	[SLL_IPV4] = { "addr", "Source", addr, 32, FK_IPV4, FD_CONST, 0, 0, NULL, NULL, NULL }, \
	[SLL_ADDR] = { "addr", "Source", 0, 0, FK_HEX, FD_ABSENT, 0, FF_VARIABLE, NULL, NULL, \
		       NULL }, \
	[SLL_PROTOCOL] = { "protocol", "Protocol", proto, 16, FK_UINT, FD_CONST, 0, FF_HEX, \
			   ethertype_names, NULL, NULL }

static const struct field sll_fields[] = {
	SLL_ROWS(0, 16, 16, 32, 16, 48, 112),
};
FIELD_TABLE_FITS(sll_fields, SLL_V1_NFIELDS);

static const struct field sll2_fields[] = {
	SLL_ROWS(80, 8, 64, 88, 8, 96, 0),
	[SLL_RES] = { "res", "Reserved", 16, 16, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
	[SLL_IFINDEX] = { "ifindex", "Interface index", 32, 32, FK_UINT, FD_CONST, 0, 0,
			  NULL, NULL, NULL },
};
FIELD_TABLE_FITS(sll2_fields, SLL_NFIELDS);

static bool sll_applies(const struct layer *l, size_t k)
{
	uint64_t n = lv(l, SLL_HALEN);
	switch (k) {
	case SLL_MAC: return n == 6;
	case SLL_IPV4: return n == 4;
	case SLL_ADDR: return n != 6 && n != 4;
	default: return true;
	}
}

/* An address of another length: its bytes, at most the 8 the header holds. */
static bool sll_decoded(struct frame *f, size_t idx, size_t *end)
{
	const struct layer *l = &f->layer[idx];
	size_t n = (size_t)lv(l, SLL_HALEN), at = l->off + l->def->fields[SLL_MAC].bit_off / 8u;
	(void)end;
	if (sll_applies(l, SLL_ADDR))
		layer_take_bytes(f, idx, SLL_ADDR, at, at + (n < 8 ? n : 8));
	return true;
}

static const char *sll_meaning(const struct layer *l, size_t k)
{
	const struct field_name *n;
	if (k != SLL_PROTOCOL || lv(l, k) >= 1536)
		return NULL;
	n = field_name_by_value(&linux_protocol, lv(l, k));
	return n ? n->meaning : "Linux protocol";
}

/* "Linux cooked v1, protocol 0x0004 (802.2 LLC), length 60": a frame whose
 * protocol rawcraft has no layer for. */
static void sll_summary(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	const char *means = sll_meaning(l, SLL_PROTOCOL);
	const struct field_name *n = field_name_by_value(&l->def->fields[SLL_PROTOCOL],
							 lv(l, SLL_PROTOCOL));
	sb_printf(out, "%s, protocol 0x%04x", l->def->label, (unsigned)lv(l, SLL_PROTOCOL));
	if (means || n)
		sb_printf(out, " (%s)", means ? means : n->meaning);
	sb_printf(out, ", length %zu", f->wire_len);
}

const struct layer_def sll_layer = {
	.id = L_SLL, .name = "sll", .label = "Linux cooked capture v1",
	.fields = sll_fields, .nfields = SLL_V1_NFIELDS, .min_len = 16, .decode_only = true,
	.demux = SLL_PROTOCOL, .csum_field = -1, .applies = sll_applies,
	.decoded = sll_decoded, .meaning = sll_meaning, .summary = sll_summary,
};

const struct layer_def sll2_layer = {
	.id = L_SLL2, .name = "sll2", .label = "Linux cooked capture v2",
	.fields = sll2_fields, .nfields = SLL_NFIELDS, .min_len = 20, .decode_only = true,
	.demux = SLL_PROTOCOL, .csum_field = -1, .applies = sll_applies,
	.decoded = sll_decoded, .meaning = sll_meaning, .summary = sll_summary,
};
