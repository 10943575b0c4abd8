/* neighbor.c - ARP resolution with our own request (RFC 826). */
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

#define ARP_FILTER "arp"

/* Who has `ip`? from the interface's addresses, to everyone. */
static int arp_request(struct neighbors *nb, uint32_t ip, struct frame *req, struct diag *d)
{
	memset(req, 0, sizeof *req);
	frame_push(req, &eth_layer);
	layer_give(frame_push(req, &arp_layer), ARP_TPA, ip);
	struct rng rng;
	rng_seed(&rng, 0);
	struct resolve_env env = { .file = "(ARP request)", .iface = nb->ifc, .rng = &rng };
	return frame_resolve(req, &env, d) || build_frame(nb->b, req, d) ? -1 : 0;
}

struct lookup {
	struct neighbors *nb;
	const struct frame *req;
	uint64_t *mac;
};

static bool on_arp(void *ctx, const uint8_t *bytes, size_t caplen, size_t wire,
		   const struct timeval *ts)
{
	struct lookup *lk = ctx;
	struct frame f;
	decode_frame(bytes, caplen, wire, LINK_ETHERNET, &f);
	const struct layer *arp = frame_find(&f, f.nlayers, L_ARP);
	bool hit = arp && lv(arp, ARP_OP) == ARP_OP_REPLY && flow_answers(lk->req, &f, true);
	if (hit) {
		if (lk->nb->log)
			lk->nb->log(lk->nb->ctx, &f, false, ts);
		*lk->mac = lv(arp, ARP_SHA);
	} else if (lk->nb->stray) {
		lk->nb->stray(lk->nb->stray_ctx, bytes, caplen, wire, ts);
	}
	frame_free(&f);
	return hit;
}

/* 0 with `mac`; 1 if nobody answered within the timeout; -1 with `err`. */
static int neighbor_resolve(struct neighbors *nb, uint32_t ip, uint64_t *mac,
			    char *err, size_t errlen)
{
	struct frame req;
	struct diag d;
	if (arp_request(nb, ip, &req, &d)) {
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
	struct pump p = { .cap = nb->arp, .on_frame = on_arp, .ctx = &lk, .stop = nb->stop,
			  .stop_ctx = nb->stop_ctx };
	enum pump_end end = pump_run(&p, &until, err, errlen);
	rc = end == PUMP_DONE ? 0 : end == PUMP_FAULT ? -1 : 1;
out:
	frame_free(&req);
	return rc;
}

int neighbor_next_hop(struct neighbors *nb, uint32_t dst, uint64_t *mac,
		      char *err, size_t errlen)
{
	char name[32], addr[16], why[256];
	uint32_t gw = 0;
	if (iface_route(dst, name, sizeof name, &gw) == 0 && strcmp(name, nb->ifc->name) == 0 && gw)
		dst = gw;
	for (size_t i = 0; i < nb->n; i++)
		if (nb->ip[i] == dst) {
			*mac = nb->mac[i];
			return 0;
		}
	format_ipv4(dst, addr, sizeof addr);
	int rc = neighbor_resolve(nb, dst, mac, why, sizeof why);
	if (rc > 0)
		snprintf(err, errlen, "no ARP reply from %s%s within %gs: is it up and on %s? "
			 "(set eth dst= to skip ARP)", addr, gw ? " (the gateway)" : "",
			 (double)nb->timeout_us / 1e6, nb->ifc->name);
	else if (rc < 0)
		snprintf(err, errlen, "resolving %s by ARP: %s", addr, why);
	else if (nb->n < NEIGHBOR_SLOTS) {
		nb->ip[nb->n] = dst;
		nb->mac[nb->n++] = *mac;
	}
	nb->failed = rc;
	return rc;
}

int neighbor_callback(void *ctx, uint32_t dst, uint64_t *mac, struct diag *d)
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
		nb->arp = capture_open(nb->ifc->name, ARP_FILTER, 0, 0, why, err, errlen);
	return nb->arp ? 0 : -1;
}

void neighbors_close(struct neighbors *nb)
{
	if (!nb->stray)
		capture_close(nb->arp);
	nb->arp = NULL;
}
