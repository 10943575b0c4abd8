/* arp.c - ARP for IPv4 over Ethernet (RFC 826). */
#include <stdio.h>

#include "proto.h"

static const struct field_name htype_names[] = {
	{ 1, "ethernet", "Ethernet" }, { 6, "ieee802", "IEEE 802" }, { 0, NULL, NULL },
};
static const struct field_name ptype_names[] = {
	{ 0x0800, "ipv4", "IPv4" }, { 0, NULL, NULL },
};
static const struct field_name op_names[] = {
	{ 1, "request", "request" }, { 2, "reply", "reply" },
	{ 3, "rarp-request", "reverse request" }, { 4, "rarp-reply", "reverse reply" },
	{ 0, NULL, NULL },
};

static const struct field arp_fields[] = {
	[ARP_HTYPE] = { "htype", "Hardware type", 0, 16, FK_UINT, FD_CONST, 1, 0, htype_names, NULL, NULL },
	[ARP_PTYPE] = { "ptype", "Protocol type", 16, 16, FK_UINT, FD_CONST, 0x0800, FF_HEX, ptype_names, NULL, NULL },
	[ARP_HLEN] = { "hlen", "Hardware size", 32, 8, FK_UINT, FD_CONST, 6, 0, NULL, NULL, NULL },
	[ARP_PLEN] = { "plen", "Protocol size", 40, 8, FK_UINT, FD_CONST, 4, 0, NULL, NULL, NULL },
	[ARP_OP] = { "op", "Opcode", 48, 16, FK_UINT, FD_CONST, 1, FF_NEXTHOP, op_names, NULL, NULL },
	[ARP_SHA] = { "sha", "Sender MAC address", 64, 48, FK_MAC, FD_IFACE_MAC, 0, 0, NULL, NULL, NULL },
	[ARP_SPA] = { "spa", "Sender IP address", 112, 32, FK_IPV4, FD_IFACE_IP, 0, 0, NULL, NULL, NULL },
	[ARP_THA] = { "tha", "Target MAC address", 144, 48, FK_MAC, FD_CONST, 0, FF_NEXTHOP, NULL, NULL, NULL },
	[ARP_TPA] = { "tpa", "Target IP address", 192, 32, FK_IPV4, FD_REQUIRED, 0, 0, NULL, NULL, NULL },
};
FIELD_TABLE_FITS(arp_fields, ARP_NFIELDS);

static void arp_title(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	const struct field_name *n = field_name_by_value(&arp_fields[ARP_OP], lv(l, ARP_OP));
	sb_printf(out, "Address Resolution Protocol (%s)", n ? n->meaning : "unknown opcode");
}

static void arp_summary(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	char spa[16], tpa[16], sha[24];
	format_ipv4(lv(l, ARP_SPA), spa, sizeof spa);
	format_ipv4(lv(l, ARP_TPA), tpa, sizeof tpa);
	format_mac(lv(l, ARP_SHA), sha, sizeof sha);
	uint64_t op = lv(l, ARP_OP);
	if (op == ARP_OP_REQUEST && lv(l, ARP_SPA) == lv(l, ARP_TPA))
		sb_printf(out, "ARP Gratuitous ARP for %s (request)", spa);
	else if (op == ARP_OP_REQUEST)
		sb_printf(out, "ARP Who has %s? Tell %s", tpa, spa);
	else if (op == ARP_OP_REPLY)
		sb_printf(out, "ARP %s is at %s", spa, sha);
	else
		sb_printf(out, "ARP opcode %u, %s > %s", (unsigned)op, spa, tpa);
}

static void arp_brief(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	char sha[24];
	format_mac(lv(l, ARP_SHA), sha, sizeof sha);
	uint64_t op = lv(l, ARP_OP);
	if (op == ARP_OP_REQUEST)
		sb_puts(out, lv(l, ARP_SPA) == lv(l, ARP_TPA) ? "ARP announce" : "ARP who-has");
	else if (op == ARP_OP_REPLY)
		sb_printf(out, "ARP is-at %s", sha);
	else
		sb_printf(out, "ARP opcode %u", (unsigned)op);
}

/* Only the 6/4 sizes put the addresses where the table does; the bytes
 * after the message are Ethernet padding. */
static bool arp_decoded(struct frame *f, size_t idx, size_t *end)
{
	struct layer *l = &f->layer[idx];
	if (lv(l, ARP_HLEN) != 6 || lv(l, ARP_PLEN) != 4) {
		l->present &= ~(1u << ARP_SHA | 1u << ARP_SPA | 1u << ARP_THA | 1u << ARP_TPA);
		l->note = "address sizes are not 6 and 4: addresses not decoded";
	}
	frame_cut(f, end, l->off + l->hdr_len);
	return true;
}

/* A reply goes back to its asker, when it names one; the rest to everyone. */
static bool arp_link_dst(const struct layer *l, uint64_t *mac)
{
	bool asker = lv(l, ARP_OP) == ARP_OP_REPLY && lv(l, ARP_THA) != 0;
	*mac = asker ? lv(l, ARP_THA) : MAC_BROADCAST;
	return true;
}

/* A gratuitous request announces: it asks nothing. */
static bool arp_asks(const struct layer *l)
{
	return lv(l, ARP_OP) == ARP_OP_REQUEST && lv(l, ARP_SPA) != lv(l, ARP_TPA);
}

/* A request, even from the target, is a question of its own. */
static bool arp_answers(const struct layer *l)
{
	return lv(l, ARP_OP) == ARP_OP_REPLY;
}

static const struct layer_net arp_net = {
	.src = ARP_SPA, .dst = ARP_TPA, .link_dst = arp_link_dst,
	.asks = arp_asks, .answers = arp_answers,
};

const struct layer_def arp_layer = {
	.id = L_ARP, .name = "arp", .label = "Address Resolution Protocol",
	.fields = arp_fields, .nfields = ARP_NFIELDS, .min_len = 28,
	.demux = -1, .csum_field = -1, .net = &arp_net, .decoded = arp_decoded,
	.title = arp_title, .summary = arp_summary, .brief = arp_brief,
};
