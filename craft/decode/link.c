/*
 * link.c - the link types the decoder reads (tcpdump.org's LINKTYPE list:
 * DLT_NULL, DLT_EN10MB, DLT_RAW, DLT_LOOP, DLT_LINUX_SLL, DLT_IPV4,
 * DLT_IPV6, DLT_LINUX_SLL2).  The DLT numbers are libpcap's on Linux, as <pcap/dlt.h>
 * spells them; test_decode checks them against it, since only capture.c may
 * include <pcap.h>.
 */
#include "link.h"

#include <stdio.h>

const struct link_type link_types[LINK_COUNT] = {
	[LINK_ETHERNET] = { .name = "Ethernet", .dlt = 1, .dlt_also = -1,
			    .next = LN_LAYER, .layer = L_ETH },
	/* 14 is OpenBSD's DLT_RAW, found in old files; libpcap reads
	 * LINKTYPE_RAW (101) as 12 and writes 12 as 101. */
	[LINK_RAW] = { .name = "raw IP", .dlt = 12, .dlt_also = 14,
		       .next = LN_VERSION, .key = "version", .label = "Version" },
	/* Layers of their own (proto/sll.c), shown as Wireshark does. */
	[LINK_SLL] = { .name = "Linux cooked v1", .dlt = 113, .dlt_also = -1, .hdr_len = 16,
		       .next = LN_LAYER, .layer = L_SLL },
	[LINK_SLL2] = { .name = "Linux cooked v2", .dlt = 276, .dlt_also = -1, .hdr_len = 20,
			.next = LN_LAYER, .layer = L_SLL2 },
	[LINK_NULL] = { .name = "BSD loopback", .dlt = 0, .dlt_also = -1, .hdr_len = 4,
			.next = LN_FAMILY, .key = "family", .label = "Family" },
	[LINK_LOOP] = { .name = "OpenBSD loopback", .dlt = 108, .dlt_also = -1, .hdr_len = 4,
			.next = LN_FAMILY, .net_order = true, .key = "family", .label = "Family" },
	/* IPv4 only, or IPv6 only, says the file, and Wireshark believes it:
	 * a bad version is a bogus header of that protocol (but a version 6
	 * in IPv4's place is IPv6 to it: decode.c). */
	[LINK_IPV4] = { .name = "raw IPv4", .dlt = 228, .dlt_also = -1,
			.next = LN_VERSION, .ethertype = 0x0800, .key = "version",
			.label = "Version" },
	[LINK_IPV6] = { .name = "raw IPv6", .dlt = 229, .dlt_also = -1,
			.next = LN_VERSION, .ethertype = 0x86dd, .key = "version",
			.label = "Version" },
};

/* IP versions and address families as the EtherType that says the same. */
static const struct {
	enum link_next next;
	uint32_t value;
	uint16_t ethertype;
} as_ethertype[] = {
	{ LN_VERSION, 4, 0x0800 }, { LN_VERSION, 6, 0x86dd },
	{ LN_FAMILY, 2, 0x0800 },	/* AF_INET, on every system */
	{ LN_FAMILY, 24, 0x86dd },	/* AF_INET6 on NetBSD, OpenBSD, BSD/OS */
	{ LN_FAMILY, 28, 0x86dd },	/* FreeBSD, DragonFly */
	{ LN_FAMILY, 30, 0x86dd },	/* macOS, iOS */
};

bool link_by_dlt(int dlt, enum link_kind *kind)
{
	if (dlt < 0)
		return false;	/* -1 marks a row's missing second DLT */
	for (int k = 0; k < LINK_COUNT; k++)
		if (link_types[k].dlt == dlt || link_types[k].dlt_also == dlt) {
			*kind = (enum link_kind)k;
			return true;
		}
	return false;
}

void link_names(char *buf, size_t len)
{
	size_t n = 0;
	if (len)
		buf[0] = '\0';
	for (int k = 0; k < LINK_COUNT && n < len; k++) {
		int w = snprintf(buf + n, len - n, "%s%s", k ? ", " : "", link_types[k].name);
		n += w > 0 ? (size_t)w : 0;
	}
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t swap32(uint32_t v)
{
	return v >> 24 | (v >> 8 & 0xff00) | (v << 8 & 0xff0000) | v << 24;
}

bool link_header_value(const struct link_type *lt, const uint8_t *p, size_t caplen,
		       uint32_t *value)
{
	switch (lt->next) {
	case LN_VERSION:
		if (caplen < 1)
			return false;
		*value = p[0] >> 4;
		return true;
	case LN_FAMILY:
		if (caplen < 4 || lt->hdr_len < 4)
			return false;
		*value = be32(p);
		/* The writer's host order, unknown here: families are small,
		 * so the half that is not zero tells the order (as tcpdump). */
		if (!lt->net_order && (*value & 0xffff0000u))
			*value = swap32(*value);
		return true;
	default:
		return false;
	}
}

bool link_ethertype(const struct link_type *lt, uint32_t value, uint16_t *ethertype)
{
	if (lt->ethertype) {
		*ethertype = lt->ethertype;
		return true;
	}
	for (size_t i = 0; i < sizeof as_ethertype / sizeof as_ethertype[0]; i++)
		if (as_ethertype[i].next == lt->next && as_ethertype[i].value == value) {
			*ethertype = as_ethertype[i].ethertype;
			return true;
		}
	return false;
}
