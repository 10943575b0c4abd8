/* ghost.c - ARP and ping answered for an address nobody owns. */
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
	const struct layer *data = frame_find(f, f->nlayers, L_PAYLOAD);
	if (data && data->val[PL_HEX].len)
		layer_give_bytes(frame_push(out, &payload_layer), PL_HEX, data->val[PL_HEX].bytes,
				 data->val[PL_HEX].len);
}

bool ghost_reply(const struct iface *ghost, const struct frame *f, struct frame *out)
{
	const struct layer *arp = frame_find(f, f->nlayers, L_ARP);
	const struct layer *ip = frame_find(f, f->nlayers, L_IPV4);
	const struct layer *icmp = frame_find(f, f->nlayers, L_ICMP);
	memset(out, 0, sizeof *out);
	if (!f->nlayers || f->layer[0].def->id != L_ETH)
		return false;
	if (arp && lv(arp, ARP_OP) == ARP_OP_REQUEST && lv(arp, ARP_TPA) == ghost->ip &&
	    lv(arp, ARP_SPA) != ghost->ip) {
		arp_reply(ghost, arp, out);
		return true;
	}
	if (ip && icmp && lv(ip, IPV4_DST) == ghost->ip && lv(icmp, ICMP_TYPE) == ICMP_ECHO_REQUEST &&
	    icmp->csum == CS_CORRECT) {
		echo_reply(ghost, f, ip, icmp, out);
		return true;
	}
	return false;
}
