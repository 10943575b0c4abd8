/* neighbor.c - the next hop's MAC by our own ARP request (RFC 826) or
 * neighbour solicitation (RFC 4861 7.2). */
#include "neighbor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../builder/resolve.h"
#include "../core/field.h"
#include "../decode/decode.h"
#include "../match/flow.h"
#include "../proto/proto.h"
#include "../util/clock.h"
#include "../util/rng.h"
#include "../util/xalloc.h"
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


/* The MAC an answer gives and the address it is about: an ARP reply's
 * sender, or an advertisement's target with its target link-layer address
 * (its Ethernet source without one). */
static bool answer_of(const struct frame *f, struct addr *about, uint64_t *mac)
{
	const struct layer *arp = frame_find(f, f->nlayers, L_ARP);
	const struct layer *na = frame_find(f, f->nlayers, L_ICMP6);
	if (arp && lv(arp, ARP_OP) == ARP_OP_REPLY) {
		*about = layer_addr(arp, ARP_SPA);
		*mac = lv(arp, ARP_SHA);
		return true;
	}
	if (!na || lv(na, ICMP6_TYPE) != ICMP6_NEIGHBOR_ADVERT || f->layer[0].def->id != L_ETH)
		return false;
	const struct fval *o = &na->val[ICMP6_OPTS];
	*about = layer_addr(na, ICMP6_TARGET);
	if (!nd_opt_mac(o->bytes, o->len, ND_OPT_TARGET_LL, mac))
		*mac = lv(&f->layer[0], ETH_SRC);
	return true;
}

static struct flow_key key_of(const struct addr *a)
{
	return (struct flow_key){ .their_ip = addr_value(a), .net = (uint8_t)a->family };
}

static bool find_entry(const struct flow_table *t, const struct addr *a, uint32_t *i)
{
	struct flow_key k = key_of(a);
	return t->slot && flow_table_get(t, &k, i);
}

/* What the run now knows of `a` (a destination or a next hop). */
static void learn(struct neighbors *nb, const struct addr *a, const struct neighbor_entry *what)
{
	if (!nb->known.slot)
		flow_table_init(&nb->known);
	if (nb->n == nb->cap) {
		nb->cap = nb->cap ? nb->cap * 2 : 16;
		nb->entry = xrealloc(nb->entry, nb->cap * sizeof *nb->entry);
	}
	struct flow_key k = key_of(a);
	uint32_t i = flow_table_put(&nb->known, &k, (uint32_t)nb->n);
	if (i == nb->n)
		nb->n++;
	nb->entry[i] = *what;
}

/* The next hop toward `to`: the route's gateway on our interface, else
 * `to` itself (a link-local destination is on the link whatever the routes
 * say). */
static struct neighbor_entry route_of(const struct neighbors *nb, const struct addr *to)
{
	char name[32];
	struct addr gw = { .family = ADDR_NONE };
	struct neighbor_entry e = { .hop = *to };
	if (!addr_link_scoped6(to) && iface_route_addr(to, name, sizeof name, &gw) == 0 &&
	    strcmp(name, nb->ifc->name) == 0 && gw.family != ADDR_NONE) {
		e.hop = gw;
		e.gateway = true;
	}
	return e;
}

/* A batch of lookups under way: the next hops asked for, by address. */
struct batch {
	struct neighbors *nb;
	struct flow_table asked;	/* next hop -> its index in `hop` */
	struct neighbor_entry *hop;
	bool *answered;
	size_t n, left;
};

static bool on_answer(void *ctx, const uint8_t *bytes, size_t caplen, size_t wire,
		      const struct timeval *ts)
{
	struct batch *bt = ctx;
	struct neighbors *nb = bt->nb;
	struct frame f;
	struct addr about;
	uint64_t mac;
	uint32_t i;
	decode_frame(bytes, caplen, wire, LINK_ETHERNET, &f);
	bool hit = answer_of(&f, &about, &mac) && find_entry(&bt->asked, &about, &i) &&
		   !bt->answered[i];
	if (hit) {
		if (nb->log)
			nb->log(nb->ctx, &f, false, ts);
		bt->answered[i] = true;
		bt->hop[i].mac = mac;
		bt->left--;
	} else if (nb->stray) {
		nb->stray(nb->stray_ctx, bytes, caplen, wire, ts);
	}
	frame_free(&f);
	return bt->left == 0;
}

/* Requests between two reads of the answers: the capture's ring holds
 * their answers meanwhile. */
#define ASK_BURST 64

/* Asks for every next hop of the batch, all out before the answers are
 * waited for; then learns each one's MAC, or that it did not answer
 * within the timeout.  -1 with `err` on a fault. */
static int ask_all(struct batch *bt, char *err, size_t errlen)
{
	struct neighbors *nb = bt->nb;
	struct pump p = { .on_frame = on_answer, .ctx = bt, .stop = nb->stop,
			  .stop_ctx = nb->stop_ctx };
	if (!nb->arp && neighbors_open(nb, &(enum capture_error){ CAP_OK }, err, errlen))
		return -1;
	p.cap = nb->arp;
	for (size_t i = 0; i < bt->n; i++) {
		struct frame req;
		struct diag d;
		struct timeval sent;
		int rc = request(nb, &bt->hop[i].hop, &req, &d);
		if (rc)
			snprintf(err, errlen, "%.200s", d.msg);
		gettimeofday(&sent, NULL);
		if (!rc && (rc = builder_inject(nb->b, req.bytes, req.len, err, errlen)) == 0 && nb->log)
			nb->log(nb->ctx, &req, true, &sent);
		frame_free(&req);
		if (rc || ((i + 1) % ASK_BURST == 0 && pump_run(&p, NULL, err, errlen) == PUMP_FAULT))
			return -1;
	}
	struct deadline until;
	deadline_in(&until, nb->timeout_us);
	enum pump_end end = bt->left ? pump_run(&p, &until, err, errlen) : PUMP_DONE;
	if (end == PUMP_FAULT)
		return -1;
	for (size_t i = 0; i < bt->n; i++) {
		/* A wait cut short by a stop proves no silence: not learnt. */
		if (!bt->answered[i] && end == PUMP_STOPPED)
			continue;
		bt->hop[i].silent = !bt->answered[i];
		learn(nb, &bt->hop[i].hop, &bt->hop[i]);
	}
	return 0;
}

int neighbor_prefetch(struct neighbors *nb, const struct addr *dst, size_t n, char *err,
		      size_t errlen)
{
	struct batch bt = { .nb = nb };
	struct neighbor_entry *via = xcalloc(n, sizeof *via);
	bt.hop = xcalloc(n, sizeof *bt.hop);
	bt.answered = xcalloc(n, sizeof *bt.answered);
	flow_table_init(&bt.asked);
	uint32_t i;
	for (size_t d = 0; d < n; d++) {
		if (find_entry(&nb->known, &dst[d], &i))
			continue;
		via[d] = route_of(nb, &dst[d]);
		struct flow_key k = key_of(&via[d].hop);
		if (find_entry(&nb->known, &via[d].hop, &i) ||
		    flow_table_put(&bt.asked, &k, (uint32_t)bt.n) != bt.n)
			continue;
		bt.hop[bt.n].hop = via[d].hop;
		bt.hop[bt.n++].gateway = via[d].gateway;
	}
	bt.left = bt.n;
	int rc = bt.n ? ask_all(&bt, err, errlen) : 0;
	/* Each destination as its next hop answered, or did not. */
	for (size_t d = 0; rc == 0 && d < n; d++)
		if (via[d].hop.family != ADDR_NONE && find_entry(&nb->known, &via[d].hop, &i)) {
			struct neighbor_entry e = nb->entry[i];
			e.gateway = via[d].gateway;
			learn(nb, &dst[d], &e);
		}
	flow_table_free(&bt.asked);
	free(bt.answered);
	free(bt.hop);
	free(via);
	return rc;
}

const char *neighbor_answer_name(int family)
{
	return family == ADDR_IPV6 ? "neighbour advertisement" : "ARP reply";
}

int neighbor_next_hop(struct neighbors *nb, const struct addr *to, uint64_t *mac,
		      char *err, size_t errlen)
{
	char addr[ADDR_STRLEN], why[256];
	uint32_t i;
	/* A destination not known yet: a batch of one (the batch learns it). */
	if (!find_entry(&nb->known, to, &i) &&
	    (neighbor_prefetch(nb, to, 1, why, sizeof why) || !find_entry(&nb->known, to, &i))) {
		addr_format(to, addr, sizeof addr);
		snprintf(err, errlen, "resolving %s by %s: %s", addr,
			 to->family == ADDR_IPV6 ? "neighbour solicitation" : "ARP", why);
		return nb->failed = -1;
	}
	const struct neighbor_entry *e = &nb->entry[i];
	*mac = e->mac;
	nb->failed = e->silent;
	if (e->silent) {
		bool v6 = to->family == ADDR_IPV6;
		addr_format(&e->hop, addr, sizeof addr);
		snprintf(err, errlen, "no %s from %s%s within %gs: is it up and on %s? "
			 "(set eth dst= to skip %s)", neighbor_answer_name(to->family),
			 addr, e->gateway ? " (the gateway)" : "",
			 (double)nb->timeout_us / 1e6, nb->ifc->name, v6 ? "the solicitation" : "ARP");
	}
	return nb->failed;
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
	flow_table_free(&nb->known);
	free(nb->entry);
	nb->entry = NULL;
	nb->n = nb->cap = 0;
}
