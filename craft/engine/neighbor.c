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

/* The template's VLAN tags on a request (and its outer EtherType, 0x88a8
 * for QinQ): a host on a tagged link answers tagged requests only. */
static void push_tags(const struct frame *tmpl, struct frame *req)
{
	size_t n = 1;
	if (!tmpl || !tmpl->nlayers || tmpl->layer[0].def->id != L_ETH)
		return;
	for (; n < tmpl->nlayers && tmpl->layer[n].def->id == L_VLAN; n++) {
		const struct layer *t = &tmpl->layer[n];
		struct layer *l = frame_push(req, &vlan_layer);
		bool inner = n + 1 < tmpl->nlayers && tmpl->layer[n + 1].def->id == L_VLAN;
		for (int k = 0; k < VLAN_NFIELDS; k++)
			if ((t->given >> k & 1u) && (k != VLAN_TYPE || inner))
				layer_give(l, k, lv(t, k));
	}
	if (n > 1 && (tmpl->layer[0].given >> ETH_TYPE & 1u))
		layer_give(&req->layer[0], ETH_TYPE, lv(&tmpl->layer[0], ETH_TYPE));
}

int neighbor_tags_fixed(const struct frame *tmpl, const char *file, struct diag *d)
{
	for (size_t n = 1; n < tmpl->nlayers && tmpl->layer[n].def->id == L_VLAN; n++) {
		const struct layer *t = &tmpl->layer[n];
		uint32_t varies = (t->ranged | t->random) & t->given;
		if (!varies || tmpl->layer[0].def->id != L_ETH)
			continue;
		int k = __builtin_ctz(varies);
		diag_set(d, file, t->fpos[k].line, t->fpos[k].col, "a vlan %s range or random value "
			 "tags frames apart, and the next hop's lookup carries one set of tags: "
			 "give one value, or eth dst= (no lookup)", t->def->fields[k].name);
		return -1;
	}
	return 0;
}

/* Who has `ip`? from the interface's addresses: ARP to everyone, or a
 * solicitation to the target's solicited-node group, with our MAC. */
static int request(struct neighbors *nb, const struct addr *ip, struct frame *req,
		   struct diag *d)
{
	memset(req, 0, sizeof *req);
	frame_push(req, &eth_layer);
	push_tags(nb->tags, req);
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

/* Next hops asked and not answered yet, at most: a sweep of a /16 neither
 * floods the link nor fills the capture's ring with answers. */
#define ASK_WINDOW 1024
/* Requests a next hop gets before it is silent, spread evenly over the
 * timeout: the kernel's three (net.ipv4.neigh.*.mcast_solicit). */
#define ASK_TRIES 3
/* Requests a millisecond at most (a capture's wait ends on the
 * millisecond): 4,000 a second, a /24's first round in 64 ms. */
#define ASK_PER_MS 4

/* A batch of lookups under way: the next hops asked for, by address, and
 * those asked and not decided, oldest request first. */
struct batch {
	struct neighbors *nb;
	struct flow_table asked;	/* next hop -> its index in `hop` */
	struct neighbor_entry *hop;
	bool *answered;
	uint8_t *tries;		/* requests sent to it so far */
	struct deadline *due;	/* when it is asked again, or found silent */
	uint32_t *queue;	/* a ring of n: each hop is in it once at most */
	size_t n, left;		/* hops, and those neither answered nor silent */
	size_t head, queued, fresh;	/* fresh: the first never asked */
	size_t outstanding;	/* asked, and neither answered nor silent */
	int share;		/* requests left to this millisecond */
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
	/* Our own kernel's answer (to the peer's question about us, seen on
	 * its way out) says nothing of the peer. */
	bool hit = answer_of(&f, &about, &mac) && mac != nb->ifc->mac &&
		   find_entry(&bt->asked, &about, &i) && bt->tries[i] && !bt->answered[i] &&
		   !bt->hop[i].silent;
	if (hit) {
		if (nb->log)
			nb->log(nb->ctx, &f, false, ts);
		bt->answered[i] = true;
		bt->hop[i].mac = mac;
		bt->left--;
		bt->outstanding--;
	} else if (nb->stray) {
		nb->stray(nb->stray_ctx, bytes, caplen, wire, ts);
	}
	frame_free(&f);
	return bt->left == 0;
}

/* One request for hop `i`, into the queue's tail; -1 with `err`. */
static int ask(struct batch *bt, uint32_t i, long step, char *err, size_t errlen)
{
	struct neighbors *nb = bt->nb;
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
	bt->tries[i]++;
	deadline_in(&bt->due[i], step);
	bt->queue[(bt->head + bt->queued++) % bt->n] = i;
	return rc;
}

/* The queue's head, while it is decided: answered ones leave it, one
 * asked its last time and still silent when that is due is silent. */
static void settle(struct batch *bt, int tries)
{
	while (bt->queued) {
		uint32_t i = bt->queue[bt->head];
		bool spent = bt->tries[i] >= tries && deadline_left(&bt->due[i]) <= 0;
		if (!bt->answered[i] && !spent)
			return;
		bt->head = (bt->head + 1) % bt->n;
		bt->queued--;
		if (!bt->answered[i]) {
			bt->hop[i].silent = true;
			bt->left--;
			bt->outstanding--;
		}
	}
}

/* The requests due now, as many as this millisecond's share allows: the
 * queue's head again once its time has come, else a fresh hop if the
 * window has room.  `until`: when there is something to do next.  -1
 * with `err`. */
static int ask_step(struct batch *bt, struct deadline *pace, long step, int tries,
		    struct deadline *until, char *err, size_t errlen)
{
	int rc = 0;
	if (deadline_left(pace) <= 0) {
		deadline_in(pace, 1000);
		bt->share = ASK_PER_MS;
	}
	settle(bt, tries);
	bool again = bt->queued && deadline_left(&bt->due[bt->queue[bt->head]]) <= 0;
	bool more = bt->fresh < bt->n && bt->outstanding < ASK_WINDOW;
	for (; rc == 0 && bt->share && (again || more); bt->share--) {
		if (again) {
			uint32_t i = bt->queue[bt->head];
			bt->head = (bt->head + 1) % bt->n;
			bt->queued--;
			rc = ask(bt, i, step, err, errlen);
		} else {
			bt->outstanding++;
			rc = ask(bt, (uint32_t)bt->fresh++, step, err, errlen);
		}
		settle(bt, tries);
		again = bt->queued && deadline_left(&bt->due[bt->queue[bt->head]]) <= 0;
		more = bt->fresh < bt->n && bt->outstanding < ASK_WINDOW;
	}
	*until = bt->queued ? bt->due[bt->queue[bt->head]] : *pace;
	if ((again || bt->fresh < bt->n) && deadline_left(pace) < deadline_left(until))
		*until = *pace;
	/* This millisecond's share spent on what is due: the next one, not a
	 * spin on a deadline gone by. */
	if (!bt->share && (again || more))
		*until = *pace;
	return rc;
}

/* Asks for every next hop of the batch, a window of them at a time, each
 * again until it answers or has had its tries; then learns each one's
 * MAC, or that it did not answer within the timeout.  -1 with `err` on a
 * fault. */
static int ask_all(struct batch *bt, char *err, size_t errlen)
{
	struct neighbors *nb = bt->nb;
	struct pump p = { .on_frame = on_answer, .ctx = bt, .stop = nb->stop,
			  .stop_ctx = nb->stop_ctx };
	if (!nb->arp && neighbors_open(nb, &(enum capture_error){ CAP_OK }, err, errlen))
		return -1;
	p.cap = nb->arp;
	int tries = nb->tries ? nb->tries : ASK_TRIES;
	long step = nb->timeout_us / tries;
	struct deadline pace, until;	/* pace: the end of this millisecond */
	deadline_in(&pace, 0);
	enum pump_end end = PUMP_TIMEOUT;
	while (bt->left && end != PUMP_STOPPED) {
		if (ask_step(bt, &pace, step, tries, &until, err, errlen))
			return -1;
		if (bt->left && (end = pump_run(&p, &until, err, errlen)) == PUMP_FAULT)
			return -1;
	}
	for (size_t i = 0; i < bt->n; i++) {
		/* A wait cut short by a stop proves no silence: not learnt. */
		if (!bt->answered[i] && !bt->hop[i].silent)
			continue;
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
	bt.tries = xcalloc(n, sizeof *bt.tries);
	bt.due = xcalloc(n, sizeof *bt.due);
	bt.queue = xcalloc(n, sizeof *bt.queue);
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
	free(bt.tries);
	free(bt.due);
	free(bt.queue);
	free(bt.hop);
	free(via);
	return rc;
}

const char *neighbor_answer_name(int family)
{
	return family == ADDR_IPV6 ? "neighbour advertisement" : "ARP reply";
}

const char *neighbor_silence(int family)
{
	return family == ADDR_IPV6 ? "no neighbour advertisement" : "no ARP reply";
}

const char *neighbor_silence_key(int family)
{
	return family == ADDR_IPV6 ? "no_neighbour_advertisement" : "no_arp_reply";
}

int neighbor_next_hop(struct neighbors *nb, const struct addr *to, uint64_t *mac,
		      char *err, size_t errlen)
{
	char addr[ADDR_STRLEN], why[256] = "";	/* empty when a stop cut the lookup short */
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
	/* Untagged, one tag or two, whatever the first template says: a
	 * capture opened early (a ghost's check, a scenario's run) serves
	 * tagged lookups too.  Each `vlan` shifts what follows it. */
	static const char filter[] = NEIGHBOR_FILTER " or (vlan and (" NEIGHBOR_FILTER
				     " or (vlan and (" NEIGHBOR_FILTER "))))";
	if (!nb->arp)
		nb->arp = capture_open(nb->ifc->name, filter, 0, 0, why, err, errlen);
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
