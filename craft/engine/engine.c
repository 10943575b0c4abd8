/* engine.c - the handle: interface, injector, captures, faults, the pump. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/field.h"
#include "../decode/decode.h"
#include "../util/xalloc.h"

int engine_fail(struct engine *e, enum engine_fault kind, const char *fmt, ...)
{
	struct diag d = { 0 };
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d.msg, sizeof d.msg, fmt, ap);
	va_end(ap);
	if (e->ops && e->ops->fault)
		e->ops->fault(e->ctx, kind, &d);
	return kind == ENGINE_FAULT_INPUT ? ENGINE_INPUT : ENGINE_SYSTEM;
}

int engine_retries_ok(struct engine *e, unsigned retries, bool expecting)
{
	if (!retries || expecting)
		return ENGINE_OK;
	return engine_fail(e, ENGINE_FAULT_INPUT, "--retries needs an expectation (--expect, or "
			   "a template whose reply is known) and not --no-expect");
}

int engine_bad_input(struct engine *e, const struct diag *d)
{
	if (e->ops && e->ops->fault)
		e->ops->fault(e->ctx, ENGINE_FAULT_INPUT, d);
	return ENGINE_INPUT;
}

int engine_stopped(const struct engine *e)
{
	return e->ops && e->ops->stop ? e->ops->stop(e->ctx) : 0;
}

static int stop_test(void *ctx)
{
	return engine_stopped(ctx);
}

/* The interface given, else the one the kernel routes `dst` through (a
 * listener: the default route's); it must exist and be up. */
static int choose_iface(struct engine *e, const struct engine_config *cfg)
{
	char err[256], name[32], addr[ADDR_STRLEN];
	const char *dev = cfg->ifname;
	struct addr dst = cfg->listen_only ? addr_from_value(0, 4) : cfg->dst;
	if (!dev) {
		struct addr gw;
		if (dst.family == ADDR_NONE || (addr_is_unspecified(&dst) && !cfg->listen_only))
			return engine_fail(e, ENGINE_FAULT_INPUT,
					   "no destination to route by: pass -i IF");
		if (iface_route_addr(&dst, name, sizeof name, &gw) != 0) {
			if (cfg->listen_only)
				return engine_fail(e, ENGINE_FAULT_SYSTEM, "no default route to "
						   "pick an interface by: add one (ip route) or pass -i IF");
			addr_format(&dst, addr, sizeof addr);
			return engine_fail(e, ENGINE_FAULT_SYSTEM,
					   "no route to %s: add one (ip route) or pass -i IF", addr);
		}
		dev = name;
	}
	if (iface_lookup(dev, &e->ifc, err, sizeof err))
		return engine_fail(e, ENGINE_FAULT_SYSTEM, "%s", err);
	if (!e->ifc.up)
		return engine_fail(e, ENGINE_FAULT_SYSTEM, "interface %s is down: ip link set %s up",
				   dev, dev);
	return ENGINE_OK;
}

/* The next hop's lookup: its request and the reply it took. */
static void log_neighbor(void *ctx, const struct frame *f, bool sent, const struct timeval *ts)
{
	struct engine *e = ctx;
	if (sent)
		outbox_put(&e->sent, f->bytes, f->len, ENGINE_NO_TAG);
	engine_record(e, f, ts);
}

int engine_open(struct engine **out, const struct engine_config *cfg,
		const struct engine_ops *ops, void *ctx)
{
	struct engine *e = xcalloc(1, sizeof *e);
	*out = e;
	e->ops = ops;
	e->ctx = ctx;
	outbox_init(&e->sent, 0, 0);
	int rc = choose_iface(e, cfg);
	if (rc != ENGINE_OK)
		return rc;
	if (cfg->listen_only)
		return ENGINE_OK;
	char err[256];
	e->b = builder_open(e->ifc.name, err, sizeof err);
	if (!e->b) {
		bool denied = strstr(err, "permitted") || strstr(err, "UID") ||
			      strstr(err, "CAP_NET_RAW");
		return denied ? engine_fail(e, ENGINE_FAULT_PERMISSION, "%s", err) :
		       engine_fail(e, ENGINE_FAULT_SYSTEM, "cannot inject on %s: %s", e->ifc.name, err);
	}
	e->nb = (struct neighbors){ .b = e->b, .ifc = &e->ifc, .timeout_us = cfg->neighbor_timeout_us,
				    .log = log_neighbor, .ctx = e, .stop = stop_test, .stop_ctx = e };
	return ENGINE_OK;
}

void engine_close(struct engine *e)
{
	if (!e)
		return;
	for (unsigned i = 0; i < e->ncaps; i++)
		capture_close(e->caps[i]);
	neighbors_close(&e->nb);
	builder_close(e->b);
	outbox_free(&e->sent);
	reasm_free(&e->reasm);
	free(e);
}

const struct iface *engine_iface(const struct engine *e)
{
	return &e->ifc;
}

void engine_iface_vars(const struct iface *ifc, struct vars *v)
{
	char buf[32];
	format_mac(ifc && ifc->has_mac ? ifc->mac : 0, buf, sizeof buf);
	vars_set(v, "iface.mac", buf);
	format_ipv4(ifc && ifc->has_ip ? ifc->ip : 0, buf, sizeof buf);
	vars_set(v, "iface.ip", buf);
	struct addr none = addr_from_value(0, 16);
	char a6[ADDR_STRLEN];
	addr_format(ifc && ifc->has_ip6 ? &ifc->ip6 : &none, a6, sizeof a6);
	vars_set(v, "iface.ip6", a6);
	addr_format(ifc && ifc->has_ll6 ? &ifc->ll6 : &none, a6, sizeof a6);
	vars_set(v, "iface.ll6", a6);
}

unsigned engine_dropped(const struct engine *e)
{
	unsigned n = 0;
	for (unsigned i = 0; i < e->ncaps; i++)
		n += capture_dropped(e->caps[i]);
	return n;
}

int engine_capture_failed(struct engine *e, enum capture_error why, const char *err)
{
	const char *dev = e->ifc.name;
	if (why == CAP_PERMISSION)
		return engine_fail(e, ENGINE_FAULT_PERMISSION, "%s", err);
	if (why == CAP_FILTER)
		return engine_fail(e, ENGINE_FAULT_INPUT, "%s", err);
	if (why == CAP_DOWN)
		return engine_fail(e, ENGINE_FAULT_SYSTEM, "interface %s is down: ip link set %s up",
				   dev, dev);
	return engine_fail(e, ENGINE_FAULT_SYSTEM, "cannot capture on %s: %s", dev, err);
}

int engine_capture(struct engine *e, struct capture **out, const char *bpf, unsigned flags,
		   unsigned snaplen)
{
	char err[512];
	enum capture_error why;
	*out = NULL;
	if (e->ncaps == sizeof e->caps / sizeof e->caps[0])
		return engine_fail(e, ENGINE_FAULT_SYSTEM, "too many captures on %s", e->ifc.name);
	struct capture *c = capture_open(e->ifc.name, bpf, flags, snaplen, &why, err, sizeof err);
	if (!c)
		return engine_capture_failed(e, why, err);
	e->caps[e->ncaps++] = c;
	*out = c;
	return ENGINE_OK;
}

int engine_capture_fault(struct engine *e, const char *err)
{
	return engine_fail(e, ENGINE_FAULT_SYSTEM, "capture on %s: %s", e->ifc.name, err);
}

struct resolve_env engine_env(struct engine *e, const char *path, const struct iface *speaker,
			      struct rng *rng, uint64_t index)
{
	/* The lookups' addresses are the engine's own: a ghost's, when set. */
	return (struct resolve_env){ .file = path, .iface = speaker ? speaker : e->nb.ifc, .rng = rng,
				     .index = index, .nexthop_mac = neighbor_callback,
				     .ctx = &e->nb };
}

static int build_one(struct engine *e, struct frame *tmpl, const char *path,
		     const struct rng *run, uint64_t index, bool look_up, struct diag *d)
{
	struct rng draws;
	rng_for_frame(run, index, &draws);
	struct resolve_env env = engine_env(e, path, NULL, &draws, index);
	env.run = run;
	if (!look_up)
		env.nexthop_mac = NULL;
	return frame_resolve(tmpl, &env, d) || build_frame(e->b, tmpl, d) ? -1 : 0;
}

int engine_build_frame(struct engine *e, struct frame *tmpl, const char *path,
		       const struct rng *run, uint64_t index, struct diag *d)
{
	e->nb.failed = 0;	/* an earlier frame's silent next hop is not this one's */
	return build_one(e, tmpl, path, run, index, true, d);
}

int engine_build_offline(struct engine *e, struct frame *tmpl, const struct rng *run,
			 const char *path)
{
	struct diag d;
	return build_one(e, tmpl, path, run, 0, false, &d) ? engine_bad_input(e, &d) : ENGINE_OK;
}

int engine_neighbors(struct engine *e, const struct frame *tmpl)
{
	char err[512];
	enum capture_error why;
	if (e->nb.arp || !frame_may_need_next_hop(tmpl) ||
	    neighbors_open(&e->nb, &why, err, sizeof err) == 0)
		return ENGINE_OK;
	return engine_capture_failed(e, why, err);
}

int engine_lookup_tags(struct engine *e, const struct frame *tmpl, const char *path)
{
	struct diag d;
	e->nb.tags = tmpl;
	if (frame_may_need_next_hop(tmpl) && neighbor_tags_fixed(tmpl, path, &d))
		return engine_bad_input(e, &d);
	return ENGINE_OK;
}

int engine_next_hops(struct engine *e, const struct frame *tmpl, uint64_t count)
{
	const struct layer *next, *net = frame_network_layer(tmpl, &next);
	int k = net ? net->def->net->dst : -1;
	if (k < 0 || !(net->ranged >> k & 1u) || !frame_may_need_next_hop(tmpl))
		return ENGINE_OK;
	struct addr *dst = xmalloc(count * sizeof *dst);
	/* Groups and broadcasts have their own MAC: no lookup. */
	struct layer one = *net;
	size_t n = 0;
	uint64_t mac;
	for (uint64_t i = 0; i < count; i++) {
		one.val[k].u = range_value(net, (size_t)k, i);
		if (!net->def->net->link_dst || !net->def->net->link_dst(&one, &mac))
			dst[n++] = layer_addr(&one, k);
	}
	char err[400];
	int rc = neighbor_prefetch(&e->nb, dst, n, err, sizeof err);
	free(dst);
	return rc ? engine_fail(e, ENGINE_FAULT_SYSTEM, "%s", err) : ENGINE_OK;
}

int engine_resolve_failed(struct engine *e, const struct diag *d)
{
	int sig = engine_stopped(e);
	if (sig)
		return ENGINE_STOPPED + sig;	/* the ARP wait ended on a signal */
	if (e->ops && e->ops->fault)
		e->ops->fault(e->ctx, e->nb.failed ? ENGINE_FAULT_SYSTEM : ENGINE_FAULT_INPUT, d);
	return e->nb.failed > 0 ? ENGINE_NOMATCH : e->nb.failed < 0 ? ENGINE_SYSTEM : ENGINE_INPUT;
}

int engine_ready(struct engine *e)
{
	return e->ops && e->ops->ready ? e->ops->ready(e->ctx) : ENGINE_OK;
}

void engine_own_frames(struct engine *e, size_t keep, uint64_t own_mac)
{
	outbox_free(&e->sent);
	outbox_init(&e->sent, keep, own_mac);
}

int engine_inject(struct engine *e, const uint8_t *bytes, size_t len, uint64_t tag)
{
	char err[256];
	/* Before the write: on a veth the copy can be captured while it returns. */
	outbox_put(&e->sent, bytes, len, tag);
	if (builder_inject(e->b, bytes, len, err, sizeof err))
		return engine_fail(e, ENGINE_FAULT_SYSTEM, "injecting on %s: %s", e->ifc.name, err);
	return ENGINE_OK;
}

void engine_record(struct engine *e, const struct frame *f, const struct timeval *ts)
{
	if (f->reassembled)
		return;	/* its fragments went into -w as they came */
	if (e->before_record)
		e->before_record(e->before_ctx, ts);
	if (e->ops && e->ops->record)
		e->ops->record(e->ctx, f, ts);
}

void engine_record_built(struct engine *e, const uint8_t *bytes, size_t len,
			 const struct timeval *ts)
{
	if (!e->ops || !e->ops->record)
		return;
	struct frame shown;
	decode_frame(bytes, len, len, LINK_ETHERNET, &shown);
	e->ops->record(e->ctx, &shown, ts);
	frame_free(&shown);
}

struct pump engine_pump(struct engine *e, struct capture *cap, pump_fn fn, void *ctx)
{
	/* Slices of 100 ms: a stop asked without a signal is seen in time. */
	return (struct pump){ .cap = cap, .on_frame = fn, .ctx = ctx, .stop = stop_test,
			      .stop_ctx = e, .slice_us = 100000 };
}
