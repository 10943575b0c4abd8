/* neighbor.c - ARP resolution with our own request (RFC 826). */
#include "neighbor.h"

#include <stdio.h>
#include <string.h>

#include "../wire/capture.h"
#include "../util/clock.h"
#include "../decode/decode.h"
#include "../core/field.h"
#include "../match/match.h"
#include "../proto/proto.h"
#include "../builder/resolve.h"
#include "../util/rng.h"
#include "../lang/template.h"

#define ARP_FILTER "arp"

/* 0 with `mac`; 1 if nobody answered within the timeout; -1 with `err`. */
static int neighbor_resolve(struct neighbors *nb, uint32_t ip, uint64_t *mac,
			    char *err, size_t errlen)
{
	struct builder *b = nb->b;
	const struct iface *ifc = nb->ifc;
	frame_log_fn log = nb->log;
	void *ctx = nb->ctx;
	char text[64], addr[16];
	format_ipv4(ip, addr, sizeof addr);
	snprintf(text, sizeof text, "arp op=request tpa=%s\n", addr);
	struct template_ctx tc = { .file = "(ARP request)" };
	struct frame req;
	struct diag d;
	struct rng rng;
	rng_seed(&rng, 0);
	struct resolve_env env = { .file = tc.file, .iface = ifc, .rng = &rng };
	if (template_parse(&tc, text, strlen(text), &req, &d) ||
	    frame_resolve(&req, &env, &d) || build_frame(b, &req, &d)) {
		snprintf(err, errlen, "%.200s", d.msg);
		frame_free(&req);
		return -1;
	}
	struct expectation want, unused;
	scope_of(&req, &want, &unused);
	struct src_line line = { "arp op=reply", NULL, 12 };
	struct srcpos pos[13] = { { 0, 0 } };
	line.pos = pos;
	expect_add_line(&want, &line, tc.file, NULL, &d);

	enum capture_error why;
	if (!nb->arp)
		nb->arp = capture_open(ifc->name, ARP_FILTER, 0, 0, &why, err, errlen);
	struct capture *cap = nb->arp;
	int rc = -1;
	if (!cap)
		goto out;
	struct timeval sent;
	gettimeofday(&sent, NULL);
	if (builder_inject(b, req.bytes, req.len, err, errlen))
		goto out;
	if (log)
		log(ctx, &req, true, &sent);
	rc = 1;
	struct deadline until;
	deadline_in(&until, nb->timeout_us);
	for (long left = nb->timeout_us; left > 0; left = deadline_left(&until)) {
		const uint8_t *bytes;
		size_t caplen, wire;
		struct timeval ts;
		int got = capture_next(cap, left, &bytes, &caplen, &wire, &ts, err, errlen);
		if (got < 0) {
			rc = -1;
			break;
		}
		if (got == 0)
			break;
		struct frame f;
		decode_frame(bytes, caplen, wire, LINK_ETHERNET, &f);
		bool hit = expect_diffs(&want, &f, NULL, 0) == 0;
		if (hit) {
			if (log)
				log(ctx, &f, false, &ts);
			*mac = lv(frame_find(&f, f.nlayers, L_ARP), ARP_SHA);
			rc = 0;
		}
		frame_free(&f);
		if (hit)
			break;
		if (nb->stray)
			nb->stray(ctx, bytes, caplen, wire, &ts);
	}
out:
	expect_free(&want);
	expect_free(&unused);
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
