/*
 * link.h - the link types the decoder reads, as one table.  A row says which
 * DLT a capture file names it by, what it is called in messages, how many
 * bytes of link header come before the first layer, and how that header
 * says what the first layer is.  capture.c maps DLTs through it, the
 * decoder starts each frame through it, and the printers name it.
 */
#ifndef CRAFT_LINK_H
#define CRAFT_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/layer.h"

/* The table's rows.  The order is fixed: fuzz seeds name rows by number. */
enum link_kind {
	LINK_ETHERNET,	/* DLT_EN10MB */
	LINK_RAW,	/* DLT_RAW: IPv4 or IPv6, as the version nibble says */
	LINK_SLL,	/* DLT_LINUX_SLL: "any" captures, 16-byte cooked header */
	LINK_SLL2,	/* DLT_LINUX_SLL2: the same, 20 bytes, type first */
	LINK_NULL,	/* DLT_NULL: BSD loopback, a 4-byte address family */
	LINK_LOOP,	/* DLT_LOOP: the same in network byte order */
	LINK_IPV4,	/* DLT_IPV4: raw IP that the file says is IPv4 */
	LINK_IPV6,	/* DLT_IPV6: raw IP that the file says is IPv6 */
	LINK_COUNT
};

/* How the link header names the first layer. */
enum link_next {
	LN_LAYER,	/* the header is a layer itself (Ethernet, Linux cooked) */
	LN_VERSION,	/* the IP version, the first byte's high nibble */
	LN_FAMILY,	/* a 32-bit address family (AF_INET...) at offset 0 */
};

struct link_type {
	const char *name;	/* in messages: "Linux cooked v1" */
	int dlt;		/* libpcap's DLT_ value: read, and written by -w */
	int dlt_also;		/* another DLT read as this row, or -1 */
	size_t hdr_len;		/* bytes of link header (LN_LAYER: that layer's) */
	enum link_next next;
	enum layer_id layer;	/* LN_LAYER: which */
	bool net_order;		/* LN_FAMILY: big-endian; else the capturing
				 * host's order, whichever it was */
	uint16_t ethertype;	/* LN_VERSION: the protocol, whatever the
				 * version says; 0: as it says */
	const char *key, *label;	/* the value in JSON and in the tree */
};

extern const struct link_type link_types[LINK_COUNT];

/* The row of a DLT value as libpcap reports it; false if none. */
bool link_by_dlt(int dlt, enum link_kind *kind);

/* Every row's name, "Ethernet, raw IP, ...", for messages. */
void link_names(char *buf, size_t len);

/* What the link header at `p` (`caplen` bytes) names next: the
 * version or family value.  False if it is cut short or the row has none. */
bool link_header_value(const struct link_type *lt, const uint8_t *p, size_t caplen,
		       uint32_t *value);

/* That value as an EtherType, so that the layers' own link table (craft_links)
 * finds the first layer; false for a value that names no protocol known. */
bool link_ethertype(const struct link_type *lt, uint32_t value, uint16_t *ethertype);

#endif
