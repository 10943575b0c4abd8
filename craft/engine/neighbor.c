/* neighbor.c - the next hop's MAC by our own ARP request (RFC 826) or
 * neighbour solicitation (RFC 4861 7.2). */
#include "neighbor.h"

#include <stdio.h>
#include <string.h>

#include "../builder/resolve.h"
#include "../core/field.h"
#include "../decode/decode.h"
#include "../match/flow.h"
#include "../proto/proto.h"
#include "../util/clock.h"
#include "../util/rng.h"
#include "../wire/capture.h"
#include "pump.h"

/* ARP replies and neighbour advertisements (ICMPv6 type 136 right after
 * the fixed header, as every NA a lookup wants comes). */
#define NEIGHBOR_FILTER "arp or (icmp6 and ip6[40] == 136)"

/* Who has `ip`? from the interface's addresses: ARP to everyone, or a
 * solicitation to the target's solicited-node group, with our MAC. */
static int request(struct neighbors *nb, const struct addr *ip, struct frame *req,
		   struct diag *d)
{
	memset(req, 0, sizeof *req);
	frame_push(req, &eth_layer);
	if (ip->family == ADDR_IPV6) {
		static const uint8_t sll_auto[8] = { ND_OPT_SOURCE_LL };	/* filled: ours */
		layer_give(frame_push(req, &ipv6_layer), IPV6_HLIM, 255);
		struct layer *ns = frame_push(req, &icmp6_layer);
		layer_give(ns, ICMP6_TYPE, ICMP6_NEIGHBOR_SOLICIT);
		layer_give_wide(ns, ICMP6_TARGET, addr_value(ip));
		layer_give_bytes(ns, ICMP6_OPTS, sll_auto, sizeof sll_auto);
	} else {
		layer_give(frame_push(req, &arp_layer), ARP_TPA, addr_ipv4(ip));
	}
	struct rng rng;
	rng_seed(&rng, 0);
	struct resolve_env env = { .file = ip->family == ADDR_IPV6 ? "(neighbour solicitation)" :
				   "(ARP request)", .iface = nb->ifc, .rng = &rng };
	return frame_resolve(req, &env, d) || build_frame(nb->b, req, d) ? -1 : 0;
}

struct lookup {
	struct neighbors *nb;
	const struct frame *req;
	uint64_t *mac;
};

/* The MAC an answer gives: an ARP reply's sender, or an advertisement's
 * target link-layer address (its Ethernet source without one). */
static bool answer_mac(const struct frame *f, uint64_t *mac)
{
	const struct layer *arp = frame_find(f, f->nlayers, L_ARP);
	const struct layer *na = frame_find(f, f->nlayers, L_ICMP6);
	if (arp && lv(arp, ARP_OP) == ARP_OP_REPLY) {
		*mac = lv(arp, ARP_SHA);
		return true;
	}
	if (!na || lv(na, ICMP6_TYPE) != ICMP6_NEIGHBOR_ADVERT || f->layer[0].def->id != L_ETH)
		return false;
	const struct fval *o = &na->val[ICMP6_OPTS];
	if (!nd_opt_mac(o->bytes, o->len, ND_OPT_TARGET_LL, mac))
		*mac = lv(&f->layer[0], ETH_SRC);
	return true;
}

static bool on_answer(void *ctx, const uint8_t *bytes, size_t caplen, size_t wire,
		      const struct timeval *ts)
{
	struct lookup *lk = ctx;
	struct frame f;
	uint64_t mac;
	decode_frame(bytes, caplen, wire, LINK_ETHERNET, &f);
	bool hit = answer_mac(&f, &mac) && flow_answers(lk->req, &f, true);
	if (hit) {
		if (lk->nb->log)
			lk->nb->log(lk->nb->ctx, &f, false, ts);
		*lk->mac = mac;
	} else if (lk->nb->stray) {
		lk->nb->stray(lk->nb->stray_ctx, bytes, caplen, wire, ts);
	}
	frame_free(&f);
	return hit;
}

/* 0 with `mac`; 1 if nobody answered within the timeout; -1 with `err`. */
static int neighbor_resolve(struct neighbors *nb, const struct addr *ip, uint64_t *mac,
			    char *err, size_t errlen)
{
	struct frame req;
	struct diag d;
	if (request(nb, ip, &req, &d)) {
		snprintf(err, errlen, "%.200s", d.msg);
		frame_free(&req);
		return -1;
	}
	struct lookup lk = { .nb = nb, .req = &req, .mac = mac };
	int rc = -1;
	if (!nb->arp && neighbors_open(nb, &(enum capture_error){ CAP_OK }, err, errlen))
		goto out;
	struct timeval sent;
	gettimeofday(&sent, NULL);
	if (builder_inject(nb->b, req.bytes, req.len, err, errlen))
		goto out;
	if (nb->log)
		nb->log(nb->ctx, &req, true, &sent);
	struct deadline until;
	deadline_in(&until, nb->timeout_us);
	struct pump p = { .cap = nb->arp, .on_frame = on_answer, .ctx = &lk, .stop = nb->stop,
			  .stop_ctx = nb->stop_ctx };
	enum pump_end end = pump_run(&p, &until, err, errlen);
	rc = end == PUMP_DONE ? 0 : end == PUMP_FAULT ? -1 : 1;
out:
	frame_free(&req);
	return rc;
}

int neighbor_next_hop(struct neighbors *nb, const struct addr *to, uint64_t *mac,
		      char *err, size_t errlen)
{
	char name[32], addr[ADDR_STRLEN], why[256];
	struct addr dst = *to, gw = { .family = ADDR_NONE };
	/* A link-local destination is on the link whatever the routes say. */
	if (!addr_link_scoped6(&dst) && iface_route_addr(&dst, name, sizeof name, &gw) == 0 &&
	    strcmp(name, nb->ifc->name) == 0 && gw.family != ADDR_NONE)
		dst = gw;
	else
		gw.family = ADDR_NONE;
	for (size_t i = 0; i < nb->n; i++)
		if (addr_equal(&nb->ip[i], &dst)) {
			*mac = nb->mac[i];
			return 0;
		}
	addr_format(&dst, addr, sizeof addr);
	bool v6 = dst.family == ADDR_IPV6;
	int rc = neighbor_resolve(nb, &dst, mac, why, sizeof why);
	if (rc > 0)
		snprintf(err, errlen, "no %s from %s%s within %gs: is it up and on %s? "
			 "(set eth dst= to skip %s)", v6 ? "neighbour advertisement" : "ARP reply",
			 addr, gw.family != ADDR_NONE ? " (the gateway)" : "",
			 (double)nb->timeout_us / 1e6, nb->ifc->name, v6 ? "the solicitation" : "ARP");
	else if (rc < 0)
		snprintf(err, errlen, "resolving %s by %s: %s", addr,
			 v6 ? "neighbour solicitation" : "ARP", why);
	else if (nb->n < NEIGHBOR_SLOTS) {
		nb->ip[nb->n] = dst;
		nb->mac[nb->n++] = *mac;
	}
	nb->failed = rc;
	return rc;
}

int neighbor_callback(void *ctx, const struct addr *dst, uint64_t *mac, struct diag *d)
{
	char err[400];
	if (neighbor_next_hop(ctx, dst, mac, err, sizeof err) == 0)
		return 0;
	diag_set(d, NULL, 0, 0, "%s", err);
	return -1;
}

int neighbors_open(struct neighbors *nb, enum capture_error *why, char *err, size_t errlen)
{
	if (!nb->arp)
		nb->arp = capture_open(nb->ifc->name, NEIGHBOR_FILTER, 0, 0, why, err, errlen);
	return nb->arp ? 0 : -1;
}

void neighbors_close(struct neighbors *nb)
{
	if (!nb->stray)
		capture_close(nb->arp);
	nb->arp = NULL;
}
