/* eth.c - Ethernet II (IEEE 802.3 with an EtherType), and the 802.3 length
 * that a type of 1500 or less is instead. */
#include <stdio.h>

#include "proto.h"

const struct field_name ethertype_names[] = {
	{ 0x0800, "ipv4", "IPv4" }, { 0x0806, "arp", "ARP" },
	{ 0x8035, NULL, "RARP" },
	{ 0x86dd, "ipv6", "IPv6" }, { 0x8100, "vlan", "802.1Q Virtual LAN" },
	{ 0x88a8, "qinq", "802.1ad Provider Bridge (Q-in-Q)" },
	{ 0x88b5, "experimental", "Local Experimental Ethertype 1" },
	{ 0, NULL, NULL },
};

static const struct field eth_fields[] = {
	[ETH_DST] = { "dst", "Destination", 0, 48, FK_MAC, FD_RESOLVED, 0, 0, NULL, NULL, NULL },
	[ETH_SRC] = { "src", "Source", 48, 48, FK_MAC, FD_IFACE_MAC, 0, 0, NULL, NULL, NULL },
	[ETH_TYPE] = { "type", "Type", 96, 16, FK_UINT, FD_COMPUTED, 0, FF_HEX,
		       ethertype_names, NULL, NULL },
};
FIELD_TABLE_FITS(eth_fields, ETH_NFIELDS);

bool ieee8023_length(struct frame *f, size_t idx, uint64_t type, size_t *end)
{
	const struct layer *l = &f->layer[idx];
	size_t data = l->off + l->hdr_len;
	if (type > ETH_MAX_LEN)
		return true;
	frame_cut(f, end, data + type);	/* the rest is padding */
	/* Novell's raw 802.3 puts IPX (its checksum 0xffff) where LLC would be. */
	return !(*end >= data + 2 && f->bytes[data] == 0xff && f->bytes[data + 1] == 0xff);
}

static const char *eth_meaning(const struct layer *l, size_t k)
{
	return k == ETH_TYPE && lv(l, k) <= ETH_MAX_LEN ? "802.3 length" : NULL;
}

/* What Wireshark's Ethernet dissector reads as Cisco ISL is ISL. */
static enum layer_id eth_instead(const uint8_t *p, size_t avail, const char **why)
{
	(void)why;
	return isl_frame(p, avail) ? L_ISL : L_ETH;
}

static bool eth_decoded(struct frame *f, size_t idx, size_t *end)
{
	return ieee8023_length(f, idx, lv(&f->layer[idx], ETH_TYPE), end);
}

static void eth_title(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	char src[MAC_NAMED_LEN], dst[MAC_NAMED_LEN];
	format_mac_named(lv(l, ETH_SRC), src, sizeof src);
	format_mac_named(lv(l, ETH_DST), dst, sizeof dst);
	sb_puts(out, lv(l, ETH_TYPE) <= ETH_MAX_LEN ? "IEEE 802.3 Ethernet" : "Ethernet II");
	sb_puts(out, ", Src: ");
	sb_puts(out, src);
	sb_puts(out, ", Dst: ");
	sb_puts(out, dst);
}

static void eth_summary(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	char src[24], dst[24];
	unsigned type = (unsigned)lv(l, ETH_TYPE);
	format_mac(lv(l, ETH_SRC), src, sizeof src);
	format_mac(lv(l, ETH_DST), dst, sizeof dst);
	if (type <= ETH_MAX_LEN)
		sb_printf(out, "%s > %s 802.3 length-field %u length %zu", src, dst, type,
			  f->wire_len);
	else
		sb_printf(out, "%s > %s ethertype 0x%04x length %zu", src, dst, type,
			  f->wire_len);
}

const struct layer_def eth_layer = {
	.id = L_ETH, .name = "eth", .label = "Ethernet II",
	.fields = eth_fields, .nfields = ETH_NFIELDS, .min_len = 14,
	.demux = ETH_TYPE, .demux_default = ETHERTYPE_EXPERIMENTAL, .csum_field = -1,
	.instead = eth_instead, .decoded = eth_decoded, .meaning = eth_meaning,
	.title = eth_title, .summary = eth_summary,
};
