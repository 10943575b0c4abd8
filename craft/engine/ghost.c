/* ghost.c - who-has and ping answered for an address nobody owns: ARP and
 * ICMP echo for IPv4, neighbour solicitation (RFC 4861 7.2.4) and ICMPv6
 * echo (RFC 4443 4.2) for IPv6. */
#include "ghost.h"

#include <string.h>

#include "../proto/proto.h"

static struct layer *eth_to(struct frame *out, const struct iface *ghost, uint64_t dst)
{
	struct layer *eth = frame_push(out, &eth_layer);
	layer_give(eth, ETH_DST, dst);
	layer_give(eth, ETH_SRC, ghost->mac);
	return eth;
}

/* ... is at the ghost's MAC, to the asker. */
static void arp_reply(const struct iface *ghost, const struct layer *ask, struct frame *out)
{
	eth_to(out, ghost, lv(ask, ARP_SHA));
	struct layer *arp = frame_push(out, &arp_layer);
	layer_give(arp, ARP_OP, ARP_OP_REPLY);
	layer_give(arp, ARP_SHA, ghost->mac);
	layer_give(arp, ARP_SPA, ghost->ip);
	layer_give(arp, ARP_THA, lv(ask, ARP_SHA));
	layer_give(arp, ARP_TPA, lv(ask, ARP_SPA));
}

/* The echo request's data, after the reply's ICMP header. */
static void echo_data(const struct frame *f, struct frame *out)
{
	const struct layer *data = frame_find(f, f->nlayers, L_PAYLOAD);
	if (data && data->val[PL_HEX].len)
		layer_give_bytes(frame_push(out, &payload_layer), PL_HEX, data->val[PL_HEX].bytes,
				 data->val[PL_HEX].len);
}

/* The echo request's id, seq and data, back to where it came from. */
static void echo_reply(const struct iface *ghost, const struct frame *f, const struct layer *ip,
		       const struct layer *icmp, struct frame *out)
{
	eth_to(out, ghost, lv(&f->layer[0], ETH_SRC));
	struct layer *ip4 = frame_push(out, &ipv4_layer);
	layer_give(ip4, IPV4_SRC, ghost->ip);
	layer_give(ip4, IPV4_DST, lv(ip, IPV4_SRC));
	struct layer *echo = frame_push(out, &icmp_layer);
	layer_give(echo, ICMP_TYPE, ICMP_ECHO_REPLY);
	layer_give(echo, ICMP_ID, lv(icmp, ICMP_ID));
	layer_give(echo, ICMP_SEQ, lv(icmp, ICMP_SEQ));
	echo_data(f, out);
}

static bool ghost_owns4(const struct iface *ghost, uint64_t ip)
{
	return ghost->has_ip && ip == ghost->ip;
}

/* The ghost's IPv6 addresses are the speaker's: the run keeps only them. */
static bool ghost_owns6(const struct iface *ghost, const struct addr *a)
{
	return (ghost->has_ip6 && addr_equal(a, &ghost->ip6)) ||
	       (ghost->has_ll6 && addr_equal(a, &ghost->ll6));
}

static void ipv6_to(struct frame *out, const struct iface *ghost, uint64_t mac,
		    const struct addr *src, const struct addr *dst)
{
	eth_to(out, ghost, mac);
	struct layer *ip6 = frame_push(out, &ipv6_layer);
	layer_give_wide(ip6, IPV6_SRC, addr_value(src));
	layer_give_wide(ip6, IPV6_DST, addr_value(dst));
}

/* The target is at the ghost's MAC: solicited, to the asker (its
 * source link-layer option, else its Ethernet source); a duplicate
 * address probe (from ::) is answered to all nodes, unsolicited. */
static void neighbor_advert(const struct iface *ghost, const struct frame *f,
			    const struct layer *ip, const struct layer *ns, struct frame *out)
{
	static const struct addr all_nodes = { ADDR_IPV6, 16, { 0xff, 0x02, [15] = 1 } };
	struct addr asker = layer_addr(ip, IPV6_SRC), target = layer_addr(ns, ICMP6_TARGET);
	bool dad = addr_is_unspecified(&asker);
	uint64_t mac;
	const struct fval *o = &ns->val[ICMP6_OPTS];
	if (dad)
		mac = UINT64_C(0x333300000001);	/* ff02::1's (RFC 2464 7) */
	else if (!nd_opt_mac(o->bytes, o->len, ND_OPT_SOURCE_LL, &mac))
		mac = lv(&f->layer[0], ETH_SRC);
	ipv6_to(out, ghost, mac, &target, dad ? &all_nodes : &asker);
	struct layer *na = frame_push(out, &icmp6_layer);
	layer_give(na, ICMP6_TYPE, ICMP6_NEIGHBOR_ADVERT);
	layer_give(na, ICMP6_NAFLAGS, dad ? 0x20000000u : 0x60000000u);	/* O, or S and O */
	layer_give_wide(na, ICMP6_TARGET, addr_value(&target));
	uint8_t tll[8] = { ND_OPT_TARGET_LL, 1 };
	for (int b = 0; b < 6; b++)
		tll[2 + b] = (uint8_t)(ghost->mac >> (40 - 8 * b));
	layer_give_bytes(na, ICMP6_OPTS, tll, sizeof tll);
}

static void echo6_reply(const struct iface *ghost, const struct frame *f, const struct layer *ip,
			const struct layer *icmp, struct frame *out)
{
	struct addr us = layer_addr(ip, IPV6_DST), them = layer_addr(ip, IPV6_SRC);
	ipv6_to(out, ghost, lv(&f->layer[0], ETH_SRC), &us, &them);
	struct layer *echo = frame_push(out, &icmp6_layer);
	layer_give(echo, ICMP6_TYPE, ICMP6_ECHO_REPLY);
	layer_give(echo, ICMP6_ID, lv(icmp, ICMP6_ID));
	layer_give(echo, ICMP6_SEQ, lv(icmp, ICMP6_SEQ));
	echo_data(f, out);
}

/* A neighbour solicitation or an echo request for a ghost address, valid
 * (RFC 4861 7.1.1: hop limit 255, code 0): the reply, true. */
static bool ghost_reply6(const struct iface *ghost, const struct frame *f,
			 const struct layer *ip, const struct layer *icmp, struct frame *out)
{
	if (icmp->csum != CS_CORRECT || lv(icmp, ICMP6_CODE) != 0)
		return false;
	struct addr dst = layer_addr(ip, IPV6_DST), src = layer_addr(ip, IPV6_SRC);
	uint64_t type = lv(icmp, ICMP6_TYPE);
	if (type == ICMP6_NEIGHBOR_SOLICIT && lv(ip, IPV6_HLIM) == 255) {
		struct addr target = layer_addr(icmp, ICMP6_TARGET);
		struct addr group = addr_solicited_node(&target);
		if (!ghost_owns6(ghost, &target) || ghost_owns6(ghost, &src) ||
		    !(addr_equal(&dst, &group) || addr_equal(&dst, &target)))
			return false;
		neighbor_advert(ghost, f, ip, icmp, out);
		return true;
	}
	if (type == ICMP6_ECHO_REQUEST && ghost_owns6(ghost, &dst)) {
		echo6_reply(ghost, f, ip, icmp, out);
		return true;
	}
	return false;
}

bool ghost_reply(const struct iface *ghost, const struct frame *f, struct frame *out)
{
	memset(out, 0, sizeof *out);
	if (!f->nlayers || f->layer[0].def->id != L_ETH)
		return false;
	const struct layer *arp = frame_find(f, f->nlayers, L_ARP);
	if (arp && lv(arp, ARP_OP) == ARP_OP_REQUEST && ghost_owns4(ghost, lv(arp, ARP_TPA)) &&
	    lv(arp, ARP_SPA) != ghost->ip) {
		arp_reply(ghost, arp, out);
		return true;
	}
	/* The frame's own headers: not those an ICMP error quotes. */
	const struct layer *next, *ip = frame_network_layer(f, &next);
	if (!ip || !next)
		return false;
	if (ip->def->id == L_IPV4 && next->def->id == L_ICMP &&
	    ghost_owns4(ghost, lv(ip, IPV4_DST)) && lv(next, ICMP_TYPE) == ICMP_ECHO_REQUEST &&
	    next->csum == CS_CORRECT) {
		echo_reply(ghost, f, ip, next, out);
		return true;
	}
	if (ip->def->id == L_IPV6 && next->def->id == L_ICMP6)
		return ghost_reply6(ghost, f, ip, next, out);
	return false;
}
