/* build.c - libnet assembles the headers; every resolved field is then laid over. */
#include "build.h"

#include <libnet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../core/field.h"
#include "../proto/proto.h"
#include "../util/xalloc.h"

struct builder {
	libnet_t *l;
	bool inject;
};

struct builder *builder_open(const char *device, char *err, size_t errlen)
{
	char lerr[LIBNET_ERRBUF_SIZE];
	struct builder *b = xcalloc(1, sizeof *b);
	b->inject = device != NULL;
	b->l = libnet_init(device ? LIBNET_LINK_ADV : LIBNET_NONE, device, lerr);
	if (!b->l) {
		snprintf(err, errlen, "%s", lerr);
		size_t n = strlen(err);
		while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
			err[--n] = '\0';
		free(b);
		return NULL;
	}
	return b;
}

void builder_close(struct builder *b)
{
	if (!b)
		return;
	libnet_destroy(b->l);
	free(b);
}

static void mac_bytes(uint64_t mac, uint8_t out[6])
{
	for (int i = 0; i < 6; i++)
		out[i] = (uint8_t)(mac >> (40 - 8 * i));
}

static void ip_bytes(uint64_t ip, uint8_t out[4])
{
	for (int i = 0; i < 4; i++)
		out[i] = (uint8_t)(ip >> (24 - 8 * i));
}

static const struct fval *payload_of(const struct layer *l)
{
	for (size_t k = 0; k < PL_NFIELDS; k++)
		if (l->given & (1u << k))
			return &l->val[k];
	return NULL;
}

static int layout(struct frame *f, struct diag *d)
{
	size_t total = 0;
	for (size_t i = 0; i < f->nlayers; i++) {
		f->layer[i].off = total;
		f->layer[i].hdr_len = layer_built_len(&f->layer[i]);
		total += f->layer[i].hdr_len;
	}
	if (total > FRAME_MAX_BYTES) {
		diag_set(d, NULL, 0, 0, "frame of %zu bytes is larger than any link carries", total);
		return -1;
	}
	for (size_t i = 0; i < f->nlayers; i++)
		f->layer[i].len = total - f->layer[i].off;
	f->len = f->wire_len = total;
	return 0;
}

/* A layer libnet has no builder for (extension headers, ICMPv6): zeros
 * but for its option lists and their padding, then whatever follows; the fixed fields are
 * laid over afterwards, as every layer's are. */
static libnet_ptag_t build_bytes(libnet_t *l, const struct layer *ly, const uint8_t *pl,
				 uint32_t pn)
{
	size_t n = ly->hdr_len;
	uint8_t *buf = xcalloc(1, n + pn + 1);
	layer_put_opts(ly, buf, n);
	if (pn)
		memcpy(buf + n, pl, pn);
	libnet_ptag_t t = libnet_build_data(buf, (uint32_t)(n + pn), l, 0);
	free(buf);
	return t;
}

/* The option bytes past IPv4's or TCP's fixed 20, padded to the header's
 * built length: what libnet's options builders take, before the header. */
static uint32_t options_of(const struct layer *ly, uint8_t opts[40])
{
	uint8_t hdr[60] = { 0 };
	layer_put_opts(ly, hdr, ly->hdr_len);
	memcpy(opts, hdr + 20, ly->hdr_len - 20);
	return (uint32_t)(ly->hdr_len - 20);
}

/* One libnet call per layer, innermost first, as libnet requires. */
static libnet_ptag_t build_layer(libnet_t *l, struct frame *f, size_t i,
				 const uint8_t *pl, uint32_t pn)
{
	struct layer *ly = &f->layer[i];
	uint8_t a[6], b[6], c[4], e[4];
	switch (ly->def->id) {
	case L_ETH:
		mac_bytes(lv(ly, ETH_DST), a);
		mac_bytes(lv(ly, ETH_SRC), b);
		return libnet_build_ethernet(a, b, (uint16_t)lv(ly, ETH_TYPE), pl, pn, l, 0);
	case L_VLAN:
		if (i == 1) {	/* libnet writes Ethernet and the first tag together */
			const struct layer *eth = &f->layer[0];
			mac_bytes(lv(eth, ETH_DST), a);
			mac_bytes(lv(eth, ETH_SRC), b);
			return libnet_build_802_1q(a, b, (uint16_t)lv(eth, ETH_TYPE),
						   (uint8_t)lv(ly, VLAN_PCP), (uint8_t)lv(ly, VLAN_DEI),
						   (uint16_t)lv(ly, VLAN_ID), (uint16_t)lv(ly, VLAN_TYPE),
						   pl, pn, l, 0);
		}
		{		/* a stacked tag: libnet has no builder for it */
			uint8_t *tag = xmalloc(4 + pn);
			uint16_t tci = (uint16_t)(lv(ly, VLAN_PCP) << 13 | lv(ly, VLAN_DEI) << 12 |
						  lv(ly, VLAN_ID));
			tag[0] = (uint8_t)(tci >> 8), tag[1] = (uint8_t)tci;
			tag[2] = (uint8_t)(lv(ly, VLAN_TYPE) >> 8), tag[3] = (uint8_t)lv(ly, VLAN_TYPE);
			if (pn)
				memcpy(tag + 4, pl, pn);
			libnet_ptag_t t = libnet_build_data(tag, 4 + pn, l, 0);
			free(tag);
			return t;
		}
	case L_ARP:
		mac_bytes(lv(ly, ARP_SHA), a);
		ip_bytes(lv(ly, ARP_SPA), c);
		mac_bytes(lv(ly, ARP_THA), b);
		ip_bytes(lv(ly, ARP_TPA), e);
		/* Sizes stay 6 and 4 for libnet: it copies that many address bytes. */
		return libnet_build_arp((uint16_t)lv(ly, ARP_HTYPE), (uint16_t)lv(ly, ARP_PTYPE),
					6, 4, (uint16_t)lv(ly, ARP_OP), a, c, b, e, pl, pn, l, 0);
	case L_IPV4: {
		uint8_t opts[40];
		uint32_t optlen = options_of(ly, opts);
		if (optlen && libnet_build_ipv4_options(opts, optlen, l, 0) < 0)
			return -1;
		uint8_t tos = (uint8_t)lv(ly, IPV4_TOS);
		uint16_t frag = (uint16_t)(lv(ly, IPV4_FLAGS) << 13 | lv(ly, IPV4_FRAG));
		return libnet_build_ipv4((uint16_t)ly->len, tos, (uint16_t)lv(ly, IPV4_ID), frag,
					 (uint8_t)lv(ly, IPV4_TTL), (uint8_t)lv(ly, IPV4_PROTO), 0,
					 htonl((uint32_t)lv(ly, IPV4_SRC)), htonl((uint32_t)lv(ly, IPV4_DST)),
					 pl, pn, l, 0);
	}
	case L_TCP: {
		uint8_t opts[40];
		uint32_t optlen = options_of(ly, opts);
		if (optlen && libnet_build_tcp_options(opts, optlen, l, 0) < 0)
			return -1;
		return libnet_build_tcp((uint16_t)lv(ly, TCP_SPORT), (uint16_t)lv(ly, TCP_DPORT),
					(uint32_t)lv(ly, TCP_SEQ), (uint32_t)lv(ly, TCP_ACK),
					(uint8_t)lv(ly, TCP_FLAGS), (uint16_t)lv(ly, TCP_WIN), 0,
					(uint16_t)lv(ly, TCP_URP), (uint16_t)ly->len, pl, pn, l, 0);
	}
	case L_UDP:
		return libnet_build_udp((uint16_t)lv(ly, UDP_SPORT), (uint16_t)lv(ly, UDP_DPORT),
					(uint16_t)ly->len, 0, pl, pn, l, 0);
	case L_ICMP:
		return libnet_build_icmpv4_echo((uint8_t)lv(ly, ICMP_TYPE),
						(uint8_t)lv(ly, ICMP_CODE), 0,
						(uint16_t)lv(ly, ICMP_ID), (uint16_t)lv(ly, ICMP_SEQ),
						pl, pn, l, 0);
	case L_IPV6: {
		struct libnet_in6_addr src, dst;
		for (int k = 0; k < 16; k++) {
			src.__u6_addr.__u6_addr8[k] = (uint8_t)(ly->val[IPV6_SRC].u >> (120 - 8 * k));
			dst.__u6_addr.__u6_addr8[k] = (uint8_t)(ly->val[IPV6_DST].u >> (120 - 8 * k));
		}
		return libnet_build_ipv6((uint8_t)lv(ly, IPV6_TC), (uint32_t)lv(ly, IPV6_FLOW),
					 (uint16_t)(ly->len - 40), (uint8_t)lv(ly, IPV6_NH),
					 (uint8_t)lv(ly, IPV6_HLIM), src, dst, pl, pn, l, 0);
	}
	default:
		return build_bytes(l, ly, pl, pn);
	}
}

/* Writes every fixed field's resolved value over what libnet produced: libnet
 * picks some bytes itself (version, header length, reserved bits, ARP sizes),
 * and a table's default must win there as a given value does.  Aliases were
 * folded into the fields they view, and fields that do not apply to the
 * layer (another ICMPv6 type's) are not there.  Next-layer types are the
 * resolved ones; lengths left out are the layer's `computed` hook's, else
 * libnet's from the layout; checksums are computed next. */
static void lay_over_resolved(struct frame *f)
{
	for (size_t i = 0; i < f->nlayers; i++) {
		struct layer *l = &f->layer[i];
		for (size_t k = 0; k < l->def->nfields; k++) {
			const struct field *fd = &l->def->fields[k];
			u128 v = l->val[k].u;
			if (!fd->bits || (fd->flags & FF_ALIAS) ||
			    (l->def->applies && !l->def->applies(l, k)))
				continue;
			if (fd->dflt_kind == FD_COMPUTED && !(l->given >> k & 1u)) {
				if ((int)k == l->def->csum_field)
					continue;	/* redo_checksums' */
				if ((int)k != l->def->demux) {	/* resolved: written */
					if (!l->def->computed)
						continue;	/* libnet measured it */
					v = l->def->computed(f, i, k);
				}
			}
			bits_put(f->bytes, (unsigned)(l->off * 8 + fd->bit_off), fd->bits, v);
		}
	}
}

static void redo_checksums(struct frame *f)
{
	for (size_t i = f->nlayers; i-- > 0;) {
		struct layer *l = &f->layer[i];
		int cf = l->def->csum_field;
		uint16_t want;
		uint32_t partial;
		if (cf < 0 || (l->given & (1u << cf)) || !l->def->checksum(f, i, &want, &partial))
			continue;
		bits_put(f->bytes, (unsigned)(l->off * 8 + l->def->fields[cf].bit_off), 16, want);
	}
}

int build_frame(struct builder *b, struct frame *f, struct diag *d)
{
	libnet_t *l = b->l;
	libnet_clear_packet(l);
	if (layout(f, d))
		return -1;

	const uint8_t *pl = NULL;
	uint32_t pn = 0;
	for (size_t i = f->nlayers; i-- > 0;) {
		struct layer *ly = &f->layer[i];
		if (ly->def->id == L_PAYLOAD) {
			const struct fval *v = payload_of(ly);
			pl = v ? v->bytes : NULL;
			pn = v ? (uint32_t)v->len : 0;
			continue;
		}
		if (ly->def->id == L_ETH && i + 1 < f->nlayers && f->layer[i + 1].def->id == L_VLAN)
			continue;	/* built with the tag */
		libnet_ptag_t t = build_layer(l, f, i, pl, pn);
		/* Every checksum is computed here, over the final bytes. */
		if (t < 0 || (t > 0 && libnet_toggle_checksum(l, t, LIBNET_OFF) < 0))
			goto libnet_err;
		pl = NULL;
		pn = 0;
	}

	uint8_t *packet = NULL;
	uint32_t size = 0;
	if (libnet_pblock_coalesce(l, &packet, &size) < 0)
		goto libnet_err;
	/* In link mode libnet aligns the buffer and returns a pointer into it. */
	uint8_t *start = packet;
	if (b->inject && l->aligner)
		start -= l->aligner;
	if (size != f->len) {
		diag_set(d, NULL, 0, 0, "libnet built %u bytes where %zu were laid out",
			 size, f->len);
		free(start);
		return -1;
	}
	free(f->bytes);
	f->bytes = xmalloc(size);
	memcpy(f->bytes, packet, size);
	free(start);
	/* libnet's checksums stand for nothing we lay over, and it sends a UDP
	 * sum of zero as zero (RFC 768 wants all ones): compute them here. */
	lay_over_resolved(f);
	redo_checksums(f);
	return 0;

libnet_err:
	diag_set(d, NULL, 0, 0, "libnet: %s", libnet_geterror(l));
	return -1;
}

int builder_inject(struct builder *b, const uint8_t *bytes, size_t len,
		   char *err, size_t errlen)
{
	if (!b->inject) {
		snprintf(err, errlen, "builder opened without a device");
		return -1;
	}
	if (libnet_adv_write_link(b->l, bytes, (uint32_t)len) < 0) {
		snprintf(err, errlen, "%s", libnet_geterror(b->l));
		return -1;
	}
	return 0;
}
