/* ipv4.c - Internet Protocol version 4 (RFC 791); its options are ip4opts.c's. */
#include <stdio.h>

#include "../util/checksum.h"
#include "proto.h"

static const struct field_name flag_names[] = {
	{ 0, "none", "none" }, { 1, "MF", "More fragments" },
	{ 2, "DF", "Don't fragment" }, { 3, "DF+MF", "Don't fragment, More fragments" },
	{ 4, "RB", "Reserved bit (evil)" }, { 0, NULL, NULL },
};
static const struct field_name proto_names[] = {
	{ 1, "icmp", "ICMP" }, { 6, "tcp", "TCP" }, { 17, "udp", "UDP" },
	{ 2, "igmp", "IGMP" }, { 47, "gre", "GRE" }, { 50, "esp", "ESP" },
	{ 143, "ethernet", "Ethernet" }, { 253, "experimental", "Experimental (RFC 3692)" }, { 0, NULL, NULL },
};
/* RFC 3168's codepoints, for IPv4's and IPv6's ECN bits alike. */
const struct field_name ecn_names[] = {
	{ 0, NULL, "Not-ECT" }, { 1, NULL, "ECT(1)" }, { 2, NULL, "ECT(0)" },
	{ 3, NULL, "CE" }, { 0, NULL, NULL },
};

static const char *lint_ttl(uint64_t v)
{
	return v == 0 ? "the first hop drops it (time exceeded in transit)" : NULL;
}

static const char *lint_version(uint64_t v)
{
	return v != 4 ? "receivers will not take it as IPv4" : NULL;
}

static const char *lint_ihl(uint64_t v)
{
	return v < 5 ? "below 5 (20 bytes): receivers drop the header as bogus" : NULL;
}

static const struct field ipv4_fields[] = {
	[IPV4_VER] = { "ver", "Version", 0, 4, FK_UINT, FD_CONST, 4, 0, NULL, lint_version, NULL },
	[IPV4_IHL] = { "ihl", "Header Length", 4, 4, FK_UINT, FD_COMPUTED, 0, FF_WORDS, NULL, lint_ihl, NULL },
	[IPV4_TOS] = { "tos", "Differentiated Services Field", 8, 8, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
	[IPV4_DSCP] = { "dscp", "Differentiated Services Codepoint", 8, 6, FK_UINT, FD_CONST, 0, FF_ALIAS, NULL, NULL, NULL },
	[IPV4_ECN] = { "ecn", "Explicit Congestion Notification", 14, 2, FK_UINT, FD_CONST, 0, FF_ALIAS, ecn_names, NULL, NULL },
	[IPV4_LEN] = { "len", "Total Length", 16, 16, FK_UINT, FD_COMPUTED, 0, 0, NULL, NULL, NULL },
	[IPV4_ID] = { "id", "Identification", 32, 16, FK_UINT, FD_RANDOM, 0, FF_HEX, NULL, NULL, NULL },
	[IPV4_FLAGS] = { "flags", "Flags", 48, 3, FK_UINT, FD_CONST, 2, FF_HEX, flag_names, NULL, NULL },
	[IPV4_FRAG] = { "frag", "Fragment Offset", 51, 13, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[IPV4_TTL] = { "ttl", "Time to Live", 64, 8, FK_UINT, FD_CONST, 64, FF_HOPS, NULL, lint_ttl,
		       NULL },
	[IPV4_PROTO] = { "proto", "Protocol", 72, 8, FK_UINT, FD_COMPUTED, 0, 0, proto_names, NULL, NULL },
	[IPV4_CSUM] = { "csum", "Header Checksum", 80, 16, FK_UINT, FD_COMPUTED, 0, FF_HEX | FF_CHECKSUM, NULL, NULL, NULL },
	[IPV4_SRC] = { "src", "Source Address", 96, 32, FK_IPV4, FD_IFACE_IP, 0, FF_PSEUDO, NULL, NULL, NULL },
	[IPV4_DST] = { "dst", "Destination Address", 128, 32, FK_IPV4, FD_REQUIRED, 0, FF_PSEUDO | FF_NEXTHOP, NULL, NULL, NULL },
	[IPV4_OPTS] = { "opts", "Options", 160, 0, FK_OPTS, FD_ABSENT, 0, FF_VARIABLE, NULL, NULL,
			&ip4_opts_codec },
};
FIELD_TABLE_FITS(ipv4_fields, IPV4_NFIELDS);

static size_t ipv4_header_len(const struct layer *l)
{
	return (size_t)lv(l, IPV4_IHL) * 4;
}

/* The options as written, padded to 32 bits (an explicit IHL changes what
 * the header claims, not what is there). */
static size_t ipv4_built_len(const struct layer *l)
{
	return layer_padded_opts_len(l, IPV4_OPTS);
}

static u128 ipv4_computed(const struct frame *f, size_t idx, size_t k)
{
	const struct layer *l = &f->layer[idx];
	return k == IPV4_IHL ? l->hdr_len / 4 : l->len;	/* IHL, else the total length */
}

/* Where the payload ends: the total length when it is sane and was
 * captured, else the captured end. */
static size_t ipv4_payload_end(const struct frame *f, size_t ip_idx, bool *whole)
{
	const struct layer *ip = &f->layer[ip_idx];
	bool dummy;
	whole = whole ? whole : &dummy;
	*whole = false;
	if (ip->off + 4 > f->len)
		return f->len;
	size_t total = (size_t)f->bytes[ip->off + 2] << 8 | f->bytes[ip->off + 3];
	size_t hl = (size_t)(f->bytes[ip->off] & 0x0f) * 4;
	if (total >= hl && ip->off + total <= f->len) {
		*whole = true;
		return ip->off + total;
	}
	/* A total that lies: the frame's end is all there is, and all of it if
	 * nothing was cut off - except in an ICMP error, which quotes only the
	 * start of a datagram whose total is true. */
	*whole = f->len >= f->wire_len && !frame_find(f, ip_idx, L_ICMP);
	return f->len;
}

/* The frame's bytes after the total length are its trailer. */
static bool ipv4_decoded(struct frame *f, size_t idx, size_t *end)
{
	struct layer *l = &f->layer[idx];
	size_t total = (size_t)lv(l, IPV4_LEN);
	if (lv(l, IPV4_VER) != 4) {
		/* Not IPv4 whatever the link says: its other fields mean nothing,
		 * so only the version is shown, the rest as data. */
		l->note = "bogus version: not 4, the header is not IPv4 (nothing inside decoded)";
		l->present &= 1u << IPV4_VER;
		l->hdr_len = 1;
		return false;
	}
	if (l->hdr_len > ipv4_layer.min_len)
		layer_take_bytes(f, idx, IPV4_OPTS, l->off + ipv4_layer.min_len,
				 l->off + l->hdr_len);
	if (total == 0)		/* Wireshark presumes so too */
		l->note = "total length 0: the frame's length taken (TCP segmentation offload)";
	else if (total < l->hdr_len)
		l->note = "bogus total length: smaller than the header";
	else if (l->off + total > *end)
		l->note = "total length runs past the captured bytes";
	frame_cut(f, end, ipv4_payload_end(f, idx, NULL));
	return lv(l, IPV4_FRAG) == 0;	/* a later fragment: no header inside */
}

/* Wireshark's IPv4 dissector hands a version-6 header on to IPv6, whatever
 * named it IPv4 (an EtherType, AF_INET, IP in IP, LINKTYPE_IPV4). */
static enum layer_id ipv4_instead(const uint8_t *p, size_t avail, const char **why)
{
	(void)avail;
	if (p[0] >> 4 != 6)
		return L_IPV4;
	*why = "version 6 where IPv4 was named: decoded as IPv6, as Wireshark does";
	return L_IPV6;
}

static bool ipv4_checksum(const struct frame *f, size_t idx, uint16_t *want,
			  uint32_t *partial)
{
	const struct layer *l = &f->layer[idx];
	*partial = UINT32_MAX;
	if (l->off >= f->len)
		return false;
	size_t hl = (size_t)(f->bytes[l->off] & 0x0f) * 4;
	if (hl < 20 || l->off + hl > f->len)
		return false;
	*want = (uint16_t)~csum_fold(csum_add(0, f->bytes + l->off, hl, 10));
	return true;
}

/* Broadcast and multicast, and - as rawcraft always took it - every
 * x.y.z.255 as a /24's broadcast, whatever the interface's prefix (tests
 * pin it); the interface's real prefix should decide one day. */
static bool ipv4_group(const struct layer *l)
{
	uint64_t ip = lv(l, IPV4_DST);
	return ip == 0xffffffffu || (ip >> 28) == 0xe || (ip & 0xff) == 0xff;
}

/* The limited broadcast, and multicast mapped into 01:00:5e (RFC 1112). */
static bool ipv4_link_dst(const struct layer *l, uint64_t *mac)
{
	uint64_t ip = lv(l, IPV4_DST);
	if (ip == 0xffffffffu)
		*mac = MAC_BROADCAST;
	else if ((ip >> 28) == 0xe)
		*mac = UINT64_C(0x01005e000000) | (ip & 0x7fffff);
	else
		return false;
	return true;
}

static bool ipv4_pseudo_sum(const struct frame *f, size_t idx, uint8_t proto,
			    size_t seg_len, uint32_t *sum)
{
	const uint8_t *ip = f->bytes + f->layer[idx].off;
	/* A captured fragment: the rest of the segment is elsewhere (a built
	 * one holds all the template wrote, and its sum covers that). */
	if (f->link && ((ip[6] & 0x20) || ((ip[6] & 0x1f) | ip[7])))
		return false;
	size_t hl = f->layer[idx].hdr_len;	/* in the frame, as built or captured */
	const uint8_t *to = hl > 20 ? ip4opts_final_dst(ip + 20, hl - 20) : NULL;
	*sum = csum_pseudo4(ip + 12, to ? to : ip + 16, proto, seg_len);
	return true;
}

static u128 ipv4_final_dst(const struct layer *l)
{
	const struct fval *o = &l->val[IPV4_OPTS];
	const uint8_t *to = o->len ? ip4opts_final_dst(o->bytes, o->len) : NULL;
	if (!to)
		return l->val[IPV4_DST].u;
	return (u128)((uint32_t)to[0] << 24 | (uint32_t)to[1] << 16 | (uint32_t)to[2] << 8 | to[3]);
}

static void ipv4_title(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	char src[16], dst[16];
	format_ipv4(lv(l, IPV4_SRC), src, sizeof src);
	format_ipv4(lv(l, IPV4_DST), dst, sizeof dst);
	sb_puts(out, "Internet Protocol Version 4, Src: ");
	sb_puts(out, src);
	sb_puts(out, ", Dst: ");
	sb_puts(out, dst);
}

static void ipv4_summary(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	char src[16], dst[16];
	format_ipv4(lv(l, IPV4_SRC), src, sizeof src);
	format_ipv4(lv(l, IPV4_DST), dst, sizeof dst);
	sb_printf(out, "%s > %s IPv4 proto %u length %u", src, dst,
		  (unsigned)lv(l, IPV4_PROTO), (unsigned)lv(l, IPV4_LEN));
	if (lv(l, IPV4_FRAG) || (lv(l, IPV4_FLAGS) & 1))
		sb_printf(out, " fragment offset %u%s", (unsigned)lv(l, IPV4_FRAG) * 8,
			  (lv(l, IPV4_FLAGS) & 1) ? " MF" : "");
}

static const struct layer_net ipv4_net = {
	.src = IPV4_SRC, .dst = IPV4_DST, .group = ipv4_group, .link_dst = ipv4_link_dst,
	.payload_end = ipv4_payload_end, .pseudo_sum = ipv4_pseudo_sum,
	.final_dst = ipv4_final_dst,
};

const struct layer_def ipv4_layer = {
	.id = L_IPV4, .name = "ipv4", .label = "Internet Protocol Version 4",
	.fields = ipv4_fields, .nfields = IPV4_NFIELDS, .min_len = 20,
	.demux = IPV4_PROTO, .demux_default = IPPROTO_EXPERIMENTAL, .csum_field = IPV4_CSUM,
	.csum_header = true, .net = &ipv4_net,
	.header_len = ipv4_header_len, .built_len = ipv4_built_len, .computed = ipv4_computed,
	.checksum = ipv4_checksum, .decoded = ipv4_decoded,
	.instead = ipv4_instead,
	.title = ipv4_title, .summary = ipv4_summary,
};
