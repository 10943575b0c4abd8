/* ipv6.c - Internet Protocol version 6 (RFC 8200), the fixed header. */
#include <stdio.h>

#include "../util/checksum.h"
#include "optlist.h"
#include "proto.h"

/* Next Header values (IANA), shared by the extension headers. */
const struct field_name ip6_nh_names[] = {
	{ 6, "tcp", "TCP" }, { 17, "udp", "UDP" }, { 58, "icmp6", "ICMPv6" },
	{ 0, "hopopts", "IPv6 Hop-by-Hop Option" }, { 60, "dstopts", "Destination Options for IPv6" },
	{ 43, "routing", "Routing Header for IPv6" }, { 44, "fragment", "Fragment Header for IPv6" },
	{ 59, "none", "No Next Header for IPv6" }, { 50, "esp", "Encap Security Payload" },
	{ 51, "ah", "Authentication Header" }, { 4, "ipip", "IPv4" }, { 41, "ipv6", "IPv6" },
	{ 143, "ethernet", "Ethernet" }, { 253, "experimental", "Experimental (RFC 3692)" }, { 0, NULL, NULL },
};

static const char *lint_version(uint64_t v)
{
	return v != 6 ? "receivers will not take it as IPv6" : NULL;
}

static const char *lint_hlim(uint64_t v)
{
	return v == 0 ? "the first hop drops it (hop limit exceeded in transit)" : NULL;
}

static const struct field ipv6_fields[] = {
	[IPV6_VER] = { "ver", "Version", 0, 4, FK_UINT, FD_CONST, 6, 0, NULL, lint_version, NULL },
	[IPV6_TC] = { "tc", "Traffic Class", 4, 8, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
	[IPV6_DSCP] = { "dscp", "Differentiated Services Codepoint", 4, 6, FK_UINT, FD_CONST, 0, FF_ALIAS, NULL, NULL, NULL },
	[IPV6_ECN] = { "ecn", "Explicit Congestion Notification", 10, 2, FK_UINT, FD_CONST, 0, FF_ALIAS, ecn_names, NULL, NULL },
	[IPV6_FLOW] = { "flow", "Flow Label", 12, 20, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
	[IPV6_PLEN] = { "plen", "Payload Length", 32, 16, FK_UINT, FD_COMPUTED, 0, 0, NULL, NULL, NULL },
	[IPV6_NH] = { "nh", "Next Header", 48, 8, FK_UINT, FD_COMPUTED, 0, 0, ip6_nh_names, NULL, NULL },
	[IPV6_HLIM] = { "hlim", "Hop Limit", 56, 8, FK_UINT, FD_CONST, 64, FF_HOPS, NULL, lint_hlim,
			NULL },
	[IPV6_SRC] = { "src", "Source Address", 64, 128, FK_IPV6, FD_IFACE_IP6, 0, FF_PSEUDO, NULL, NULL, NULL },
	[IPV6_DST] = { "dst", "Destination Address", 192, 128, FK_IPV6, FD_REQUIRED, 0, FF_PSEUDO | FF_NEXTHOP, NULL, NULL, NULL },
};
FIELD_TABLE_FITS(ipv6_fields, IPV6_NFIELDS);

/* The layer after the IPv6 header and its extension headers (or nlayers). */
static size_t upper_index(const struct frame *f, size_t idx)
{
	return frame_past_ext(f, idx + 1);
}

/* A jumbogram's length (RFC 2675): payload length 0 and a Jumbo Payload
 * option in the hop-by-hop header right after; 0 when there is none.  As
 * Wireshark's ipv6_get_jumbo_plen, only that first header is looked in. */
static size_t ipv6_jumbo_len(const struct frame *f, size_t ip_off)
{
	size_t o = ip_off + 40;
	if (f->bytes[ip_off + 6] != 0 || o + 2 > f->len)
		return 0;
	size_t stop = o + 8 * ((size_t)f->bytes[o + 1] + 1);
	for (o += 2; o < stop && o + 6 <= f->len;) {
		if (f->bytes[o] == 0x00) {	/* Pad1: one byte */
			o++;
			continue;
		}
		if (f->bytes[o] == 0xc2 && f->bytes[o + 1] == 4)
			return (size_t)optlist_be32(f->bytes + o + 2);
		o += 2 + (size_t)f->bytes[o + 1];
	}
	return 0;
}

/* The payload length: the header's, a jumbogram's option when it is 0. */
static size_t ipv6_plen(const struct frame *f, size_t ip_off)
{
	size_t plen = (size_t)f->bytes[ip_off + 4] << 8 | f->bytes[ip_off + 5];
	return plen ? plen : ipv6_jumbo_len(f, ip_off);
}

/* Where the payload ends: the payload length when it was captured, else
 * the captured end.  A length of 0 (no jumbogram: Linux BIG TCP and TSO
 * leave it so) is an empty payload, as Wireshark takes it. */
static size_t ipv6_payload_end(const struct frame *f, size_t idx, bool *whole)
{
	const struct layer *ip = &f->layer[idx];
	bool dummy;
	whole = whole ? whole : &dummy;
	*whole = false;
	if (ip->off + 7 > f->len)
		return f->len;
	size_t total = 40 + ipv6_plen(f, ip->off);
	if (ip->off + total <= f->len) {
		*whole = true;
		return ip->off + total;
	}
	/* As IPv4's: an ICMPv6 error quotes only the start of a datagram. */
	*whole = f->len >= f->wire_len && !frame_find(f, idx, L_ICMP6);
	return f->len;
}

static bool ipv6_decoded(struct frame *f, size_t idx, size_t *end)
{
	struct layer *l = &f->layer[idx];
	if (lv(l, IPV6_VER) != 6) {
		l->note = "bogus version: not 6; inner layers not decoded";
		return false;
	}
	size_t plen = ipv6_plen(f, l->off);
	if (l->off + 40 + plen > *end)
		l->note = "payload length runs past the captured bytes";
	frame_cut(f, end, ipv6_payload_end(f, idx, NULL));
	if (plen == 0 && lv(l, IPV6_NH) != IP6_NH_NONE) {
		l->note = lv(l, IPV6_NH) == 0 ?
			  "payload length 0 and no jumbo payload option: nothing inside decoded" :
			  "payload length 0 (TCP segmentation offload, BIG TCP?): nothing inside decoded";
		return false;
	}
	return true;
}

/* Multicast (ff00::/8): anyone in the group may answer. */
static bool ipv6_group(const struct layer *l)
{
	return (l->val[IPV6_DST].u >> 120) == 0xff;
}

/* Multicast maps to 33:33 and the group's low 32 bits (RFC 2464 7). */
static bool ipv6_link_dst(const struct layer *l, uint64_t *mac)
{
	if (!ipv6_group(l))
		return false;
	*mac = UINT64_C(0x333300000000) | (uint64_t)(l->val[IPV6_DST].u & 0xffffffffu);
	return true;
}

static bool ipv6_pseudo_sum(const struct frame *f, size_t idx, uint8_t proto,
			    size_t seg_len, uint32_t *sum)
{
	const struct layer *ip = &f->layer[idx];
	const uint8_t *dst = f->bytes + ip->off + 24;
	for (size_t j = idx + 1; j < upper_index(f, idx); j++) {
		const struct layer_def *x = f->layer[j].def;
		if (f->link && x->ext_fragment && x->ext_fragment(&f->layer[j]))
			return false;	/* captured: the rest is in other fragments */
		if (x->ext_final_dst)
			dst = x->ext_final_dst(f, j, dst);
	}
	*sum = csum_pseudo6(f->bytes + ip->off + 8, dst, proto, seg_len);
	return true;
}

/* Neighbour discovery's hop limit and a solicitation's solicited-node
 * destination, when the template leaves them out. */
static void ipv6_context(struct frame *f, size_t idx)
{
	struct layer *l = &f->layer[idx];
	size_t up = upper_index(f, idx);
	const struct layer *icmp6 = up < f->nlayers && f->layer[up].def->id == L_ICMP6 ?
				    &f->layer[up] : NULL;
	if (!icmp6)
		return;
	if (!(l->given >> IPV6_HLIM & 1u) && icmp6_is_nd(icmp6))
		l->val[IPV6_HLIM].u = 255;
	if (!(l->given >> IPV6_DST & 1u) && lv(icmp6, ICMP6_TYPE) == ICMP6_NEIGHBOR_SOLICIT) {
		struct addr target = layer_addr(icmp6, ICMP6_TARGET);
		struct addr group = addr_solicited_node(&target);
		l->val[IPV6_DST].u = addr_value(&group);
	}
}

static bool ipv6_implied(const struct frame *f, size_t idx, size_t k)
{
	size_t up = upper_index(f, idx);
	return k == IPV6_DST && up < f->nlayers && f->layer[up].def->id == L_ICMP6 &&
	       (f->layer[up].given >> ICMP6_TYPE & 1u) &&
	       lv(&f->layer[up], ICMP6_TYPE) == ICMP6_NEIGHBOR_SOLICIT;
}

static void ipv6_title(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	char src[ADDR_STRLEN], dst[ADDR_STRLEN];
	format_ipv6(l->val[IPV6_SRC].u, src, sizeof src);
	format_ipv6(l->val[IPV6_DST].u, dst, sizeof dst);
	sb_printf(out, "Internet Protocol Version 6, Src: %s, Dst: %s", src, dst);
}

static void ipv6_summary(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	char src[ADDR_STRLEN], dst[ADDR_STRLEN];
	format_ipv6(l->val[IPV6_SRC].u, src, sizeof src);
	format_ipv6(l->val[IPV6_DST].u, dst, sizeof dst);
	sb_printf(out, "%s > %s IPv6 next header %u payload length %u", src, dst,
		  (unsigned)lv(l, IPV6_NH), (unsigned)lv(l, IPV6_PLEN));
}

/* A solicitation without dst goes to its target's group: routed by the
 * target, as the kernel would route a packet to it. */
static bool ipv6_route_by(const struct frame *f, size_t idx, struct addr *to)
{
	size_t up = upper_index(f, idx);
	if (!ipv6_implied(f, idx, IPV6_DST) || !(f->layer[up].given >> ICMP6_TARGET & 1u) ||
	    (f->layer[up].random >> ICMP6_TARGET & 1u))
		return false;
	*to = layer_addr(&f->layer[up], ICMP6_TARGET);
	return true;
}

static const struct layer_net ipv6_net = {
	.src = IPV6_SRC, .dst = IPV6_DST, .group = ipv6_group, .link_dst = ipv6_link_dst,
	.payload_end = ipv6_payload_end, .pseudo_sum = ipv6_pseudo_sum, .sum_required = true,
	.route_by = ipv6_route_by,
};

const struct layer_def ipv6_layer = {
	.id = L_IPV6, .name = "ipv6", .label = "Internet Protocol Version 6",
	.fields = ipv6_fields, .nfields = IPV6_NFIELDS, .min_len = 40,
	.demux = IPV6_NH, .demux_default = IP6_NH_NONE, .csum_field = -1, .net = &ipv6_net,
	.decoded = ipv6_decoded, .context = ipv6_context, .implied = ipv6_implied,
	.title = ipv6_title, .summary = ipv6_summary,
};
