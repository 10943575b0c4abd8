/* arp.c - ARP (RFC 826) and RARP (RFC 903): built for IPv4 over Ethernet;
 * decoded for any hardware and protocol sizes, the addresses then bytes. */
#include <stdio.h>
#include <string.h>

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
	/* The same four where the sizes or types are not Ethernet's and
	 * IPv4's: decoded only, as the bytes (arp_decoded). */
	[ARP_SHA_HEX] = { "sha", "Sender hardware address", 0, 0, FK_HEX, FD_ABSENT, 0,
			  FF_VARIABLE, NULL, NULL, NULL },
	[ARP_SPA_HEX] = { "spa", "Sender protocol address", 0, 0, FK_HEX, FD_ABSENT, 0,
			  FF_VARIABLE, NULL, NULL, NULL },
	[ARP_THA_HEX] = { "tha", "Target hardware address", 0, 0, FK_HEX, FD_ABSENT, 0,
			  FF_VARIABLE, NULL, NULL, NULL },
	[ARP_TPA_HEX] = { "tpa", "Target protocol address", 0, 0, FK_HEX, FD_ABSENT, 0,
			  FF_VARIABLE, NULL, NULL, NULL },
};
FIELD_TABLE_FITS(arp_fields, ARP_NFIELDS);

#define ARPHRD_ETHER 1
#define ARPHRD_EETHER 2
#define ARPHRD_IEEE802 6
#define AX25_P_IP 0xcc

/* Only the decoder reads sizes other than 6 and 4: a template's layer is
 * built so, whatever its hlen and plen say. */
static bool decoded(const struct layer *l)
{
	return l->present >> ARP_HLEN & l->present >> ARP_PLEN & 1u;
}

static bool std_sizes(const struct layer *l)
{
	return lv(l, ARP_HLEN) == 6 && lv(l, ARP_PLEN) == 4;
}

/* The addresses that are a MAC and an IPv4 address, as Wireshark tells
 * them (ARP_HW_IS_ETHER, ARP_PRO_IS_IPv4). */
static bool mac_addrs(const struct layer *l)
{
	uint64_t h = lv(l, ARP_HTYPE);
	return !decoded(l) || (lv(l, ARP_HLEN) == 6 && (h == ARPHRD_ETHER || h == ARPHRD_EETHER ||
							  h == ARPHRD_IEEE802));
}

static bool ipv4_addrs(const struct layer *l)
{
	uint64_t p = lv(l, ARP_PTYPE);
	return !decoded(l) || (lv(l, ARP_PLEN) == 4 && (p == 0x0800 || p == AX25_P_IP));
}

/* A MAC or IPv4 row is read at the table's offset with sizes 6 and 4 only;
 * with other sizes arp_decoded places it, and then it applies; where it
 * does not, its bytes row does. */
static bool arp_applies(const struct layer *l, size_t k)
{
	bool placed = !decoded(l) || std_sizes(l) || l->present >> k & 1u;
	switch (k) {
	case ARP_SHA: case ARP_THA: return mac_addrs(l) && placed;
	case ARP_SPA: case ARP_TPA: return ipv4_addrs(l) && placed;
	case ARP_SHA_HEX: return !arp_applies(l, ARP_SHA);
	case ARP_THA_HEX: return !arp_applies(l, ARP_THA);
	case ARP_SPA_HEX: return !arp_applies(l, ARP_SPA);
	case ARP_TPA_HEX: return !arp_applies(l, ARP_TPA);
	default: return true;
	}
}

/* An address as the summary names it: a MAC, an IPv4 address, or hex. */
static void addr_text(const struct layer *l, size_t k, char *buf, size_t len)
{
	static const size_t hex_row[ARP_NFIELDS] = {
		[ARP_SHA] = ARP_SHA_HEX, [ARP_SPA] = ARP_SPA_HEX,
		[ARP_THA] = ARP_THA_HEX, [ARP_TPA] = ARP_TPA_HEX,
	};
	if (arp_applies(l, k)) {
		field_format(&l->def->fields[k], &l->val[k], buf, len);
		return;
	}
	const struct fval *v = &l->val[hex_row[k]];
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < v->len && n + 3 <= len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%02x", v->bytes[i]);
}

static void arp_title(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	const struct field_name *n = field_name_by_value(&arp_fields[ARP_OP], lv(l, ARP_OP));
	sb_printf(out, "Address Resolution Protocol (%s)", n ? n->meaning : "unknown opcode");
}

/* Wireshark's Info column, RARP's included. */
static void arp_summary(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	char spa[ARP_ADDR_TEXT], tpa[ARP_ADDR_TEXT], sha[ARP_ADDR_TEXT], tha[ARP_ADDR_TEXT];
	addr_text(l, ARP_SPA, spa, sizeof spa);
	addr_text(l, ARP_TPA, tpa, sizeof tpa);
	addr_text(l, ARP_SHA, sha, sizeof sha);
	addr_text(l, ARP_THA, tha, sizeof tha);
	uint64_t op = lv(l, ARP_OP);
	if (op == ARP_OP_REQUEST && strcmp(spa, tpa) == 0)
		sb_printf(out, "ARP Gratuitous ARP for %s (request)", spa);
	else if (op == ARP_OP_REQUEST)
		sb_printf(out, "ARP Who has %s? Tell %s", tpa, spa);
	else if (op == ARP_OP_REPLY)
		sb_printf(out, "ARP %s is at %s", spa, sha);
	else if (op == ARP_OP_RREQUEST)
		sb_printf(out, "RARP Who is %s? Tell %s", tha, sha);
	else if (op == ARP_OP_RREPLY)
		sb_printf(out, "RARP %s is at %s", tha, tpa);
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

/* 8 bytes, then two addresses of each size; a cut header still has its
 * sizes, and hlen and plen come first (decode.c reads none it lacks). */
static size_t arp_header_len(const struct layer *l)
{
	if (!decoded(l))
		return 28;
	return 8 + 2 * (size_t)lv(l, ARP_HLEN) + 2 * (size_t)lv(l, ARP_PLEN);
}

static size_t arp_built_len(const struct layer *l)
{
	(void)l;
	return 28;
}

/* Address `k` of `n` bytes at `at`: a MAC or IPv4 address where it is
 * one, else its bytes (row `hex`). */
static void place(struct frame *f, size_t idx, size_t k, size_t hex, size_t at, size_t n)
{
	struct layer *l = &f->layer[idx];
	/* A row marked present must lie inside the capture at its table's
	 * offset too (hlen 6 after a plen of 0 ends short of it): else bytes. */
	bool fits = l->off + (l->def->fields[k].bit_off + l->def->fields[k].bits) / 8 <= f->len;
	if (!fits || !(k == ARP_SHA || k == ARP_THA ? mac_addrs(l) : ipv4_addrs(l))) {
		layer_take_bytes(f, idx, hex, at, at + n);
		return;
	}
	l->val[k].u = bits_get(f->bytes + at, 0, (unsigned)n * 8);
	l->present |= 1u << k;
}

/* The addresses where the sizes put them (the whole message was
 * captured); the bytes after it are Ethernet padding. */
static bool arp_decoded(struct frame *f, size_t idx, size_t *end)
{
	struct layer *l = &f->layer[idx];
	size_t h = (size_t)lv(l, ARP_HLEN), p = (size_t)lv(l, ARP_PLEN), at = l->off + 8;
	place(f, idx, ARP_SHA, ARP_SHA_HEX, at, h);
	place(f, idx, ARP_SPA, ARP_SPA_HEX, at + h, p);
	place(f, idx, ARP_THA, ARP_THA_HEX, at + h + p, h);
	place(f, idx, ARP_TPA, ARP_TPA_HEX, at + 2 * h + p, p);
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
	.fields = arp_fields, .nfields = ARP_NFIELDS, .min_len = 8,
	.demux = -1, .csum_field = -1, .net = &arp_net, .header_len = arp_header_len,
	.built_len = arp_built_len, .applies = arp_applies, .decoded = arp_decoded,
	.title = arp_title, .summary = arp_summary, .brief = arp_brief,
};
