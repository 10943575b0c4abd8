/*
 * proto.h - field indices of each layer's table, for the code that must name
 * one field (the libnet calls, summaries).  Each enum is the row order of the
 * table in the layer's own file, which fills its rows with [INDEX] = {...}.
 */
#ifndef CRAFT_PROTO_H
#define CRAFT_PROTO_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/layer.h"

enum { ETH_DST, ETH_SRC, ETH_TYPE, ETH_NFIELDS };
enum { VLAN_PCP, VLAN_DEI, VLAN_ID, VLAN_TYPE, VLAN_NFIELDS };
enum {
	ARP_HTYPE, ARP_PTYPE, ARP_HLEN, ARP_PLEN, ARP_OP,
	ARP_SHA, ARP_SPA, ARP_THA, ARP_TPA,
	ARP_SHA_HEX, ARP_SPA_HEX, ARP_THA_HEX, ARP_TPA_HEX, ARP_NFIELDS
};
enum {
	IPV4_VER, IPV4_IHL, IPV4_TOS, IPV4_DSCP, IPV4_ECN, IPV4_LEN, IPV4_ID, IPV4_FLAGS,
	IPV4_FRAG, IPV4_TTL, IPV4_PROTO, IPV4_CSUM, IPV4_SRC, IPV4_DST, IPV4_OPTS, IPV4_NFIELDS
};
enum {
	TCP_SPORT, TCP_DPORT, TCP_SEQ, TCP_ACK, TCP_OFF, TCP_RES, TCP_AE, TCP_FLAGS,
	TCP_WIN, TCP_CSUM, TCP_URP, TCP_OPTS, TCP_NFIELDS
};
enum {
	IPV6_VER, IPV6_TC, IPV6_DSCP, IPV6_ECN, IPV6_FLOW, IPV6_PLEN, IPV6_NH, IPV6_HLIM,
	IPV6_SRC, IPV6_DST, IPV6_NFIELDS
};
/* The IPv6 extension headers' rows (RFC 8200 4): the next header, and but
 * for the fragment header a length in 8-byte units past the first 8. */
enum { OPTS_NH, OPTS_LEN, OPTS_OPTS, OPTS_NFIELDS };
enum { RT_NH, RT_LEN, RT_TYPE, RT_SEGLEFT, RT_ADDRS, RT_NFIELDS };
enum { FRAG_NH, FRAG_RES, FRAG_OFF, FRAG_RES2, FRAG_M, FRAG_ID, FRAG_NFIELDS };
enum { UDP_SPORT, UDP_DPORT, UDP_LEN, UDP_CSUM, UDP_NFIELDS };
/* ICMP's rows: the fixed three, then bytes 4-7 as each type has them
 * (icmp.c says which). */
enum {
	ICMP_TYPE, ICMP_CODE, ICMP_CSUM, ICMP_ID, ICMP_SEQ, ICMP_UNUSED, ICMP_UNUSED16,
	ICMP_MTU, ICMP_PTR, ICMP_UNUSED24, ICMP_GW, ICMP_XSEQ, ICMP_XFLAGS, ICMP_NFIELDS
};
/* ICMPv6's rows: the fixed three, then each type's own (icmp6.c says
 * which type has which). */
enum {
	ICMP6_TYPE, ICMP6_CODE, ICMP6_CSUM, ICMP6_ID, ICMP6_SEQ, ICMP6_MTU, ICMP6_PTR,
	ICMP6_NAFLAGS, ICMP6_TARGET, ICMP6_DEST, ICMP6_CURHLIM, ICMP6_RAFLAGS,
	ICMP6_PRF, ICMP6_LIFETIME, ICMP6_REACHABLE, ICMP6_RETRANS, ICMP6_OPTS, ICMP6_NFIELDS
};
/* The Linux cooked headers' rows: v1's, then the two v2 adds. */
enum {
	SLL_PKTTYPE, SLL_HATYPE, SLL_HALEN, SLL_MAC, SLL_IPV4, SLL_ADDR, SLL_PROTOCOL,
	SLL_V1_NFIELDS, SLL_RES = SLL_V1_NFIELDS, SLL_IFINDEX, SLL_NFIELDS
};
enum {
	ISL_DST, ISL_TYPE, ISL_USER, ISL_SRC, ISL_LENGTH, ISL_DSAP, ISL_SSAP, ISL_CTRL, ISL_HSA,
	ISL_VLAN, ISL_BPDU, ISL_INDEX, ISL_RES, ISL_NFIELDS
};
enum { LLC_DSAP, LLC_SSAP, LLC_CTRL, LLC_OUI, LLC_PID, LLC_NFIELDS };
enum { PL_TEXT, PL_HEX, PL_FILE, PL_SIZE, PL_NFIELDS };

/* A layer file's table has a row for each index of its enum, and a layer
 * holds that many fields. */
#define FIELD_TABLE_FITS(rows, n) \
	_Static_assert(sizeof (rows) / sizeof (rows)[0] == (n) && (n) <= MAX_FIELDS, \
		       #rows ": a row per field index, at most MAX_FIELDS")

#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
#define ARP_OP_RREQUEST 3	/* RARP (RFC 903) */
#define ARP_OP_RREPLY 4
#define ARP_ADDR_TEXT 520	/* an address of up to 255 bytes as hex, or a MAC */
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8
#define ICMP6_DEST_UNREACH 1
#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED 3
#define ICMP6_PARAM_PROBLEM 4
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ICMP6_ROUTER_SOLICIT 133
#define ICMP6_ROUTER_ADVERT 134
#define ICMP6_NEIGHBOR_SOLICIT 135
#define ICMP6_NEIGHBOR_ADVERT 136
#define ICMP6_REDIRECT 137
#define IP6_NH_NONE 59
#define ND_OPT_SOURCE_LL 1
#define ND_OPT_TARGET_LL 2
#define TCP_F_FIN 0x01
#define TCP_F_SYN 0x02
#define TCP_F_RST 0x04
#define TCP_F_PSH 0x08
#define TCP_F_ACK 0x10
#define MAC_BROADCAST UINT64_C(0xffffffffffff)
#define ETHERTYPE_EXPERIMENTAL 0x88b5	/* IEEE 802 local experimental */
#define ETH_MAX_LEN 1500		/* a type/length up to this is an 802.3 length */
#define IPPROTO_EXPERIMENTAL 253	/* RFC 3692 */
#define EPHEMERAL_LOW 32768		/* Linux's ip_local_port_range */
#define EPHEMERAL_HIGH 60999

extern const struct field_name ethertype_names[], ip6_nh_names[], ecn_names[];
extern const struct layer_def eth_layer, vlan_layer, arp_layer, ipv4_layer, ipv6_layer,
	hopopts_layer, dstopts_layer, routing_layer, fragment_layer,
	tcp_layer, udp_layer, icmp_layer, icmp6_layer, llc_layer, sll_layer,
	sll2_layer, isl_layer, payload_layer;
extern const struct field_codec nd_opts_codec, ip6_opts_codec, ip6_addrs_codec, ip4_opts_codec;
/* The last address of the first source route among `n` bytes of IPv4
 * options: the final destination, which an upper layer's pseudo-header
 * names (RFC 9293 3.1); NULL if they route nowhere. */
const uint8_t *ip4opts_final_dst(const uint8_t *p, size_t n);

/* Layer `idx` (Ethernet, a VLAN tag) names `type` next: a value of 1500 or
 * less is an 802.3 length, which ends the data (frame_cut); false when it
 * is then no LLC but raw IPX. */
bool ieee8023_length(struct frame *f, size_t idx, uint64_t type, size_t *end);
/* A Cisco ISL frame in the `avail` bytes at `p`, as Wireshark tells one. */
bool isl_frame(const uint8_t *p, size_t avail);

/* The hopopts, dstopts and routing headers' length: (len + 1) * 8 bytes as
 * decoded, and the `computed` value of `len` left out in a template
 * (ext6.c). */
size_t ext6_header_len(const struct layer *l);
u128 ext6_computed_len(const struct frame *f, size_t idx);

/* Neighbour discovery: router and neighbour solicitations and
 * advertisements, and redirects (RFC 4861). */
bool icmp6_is_nd(const struct layer *icmp6);
/* The MAC an ND option of `type` (source or target link-layer address)
 * gives in `opts`; false if none does. */
bool nd_opt_mac(const uint8_t *opts, size_t n, unsigned type, uint64_t *mac);
/* What Wireshark's Info column adds for each link-layer address option:
 * " from MAC" (source), " is at MAC" (target), in their order. */
void nd_opts_info(const uint8_t *opts, size_t n, struct strbuf *out);

/* Where the segment ends within the frame on the wire: a capture's snap
 * length cuts the bytes kept, not the segment (Wireshark's tcp.len). */
size_t tcp_segment_end(const struct frame *f, size_t tcp_idx);
/* Payload bytes after the TCP header, up to that end. */
size_t tcp_segment_len(const struct frame *f, size_t tcp_idx);
/* Whether the capture ended inside TCP layer `tcp`'s options. */
bool tcp_opts_cut(const struct frame *f, const struct layer *tcp);
/* The 12 flag bits Wireshark shows (tcp.flags): the reserved ones and the
 * accurate-ECN bit (RFC 9768) above the eight CEUAPRSF. */
uint64_t tcp_flag_word(const struct layer *tcp);
/* The summary of TCP layer `idx` with the numbers given (relative ones
 * from an analysis, or the header's own); `win` NULL leaves it out. */
void tcp_summary_numbers(const struct frame *f, size_t idx, uint32_t seq, uint32_t ack,
			 const uint64_t *win, size_t len, struct strbuf *out);

#endif
