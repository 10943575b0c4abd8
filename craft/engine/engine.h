/*
 * engine.h - one handle for everything that touches the wire: the
 * interface, the builder that injects, the captures, the next hop's MAC,
 * a stop test, and callbacks through which it reports.  Probes (probe.h),
 * streams (stream.h) and scenarios (runner.h) run on it, as libpcap's
 * handle or libuv's loop carry their users.
 *
 * The engine never prints and never exits.  Its results are statuses the
 * CLI uses as exit codes as they are: 0 done, 1 an expectation not met,
 * 2 bad input (nothing was sent), 3 a system fault, 128 + N stopped by
 * signal N.  Each fault is reported once, through `fault`, before the
 * status is returned.
 *
 * Set-up is in two phases: everything that needs privileges (raw sockets,
 * captures) is opened first, then `ready` is called - where a CLI drops
 * root - and only then is a reply read.
 *
 * A handle serves one operation (probe_run, stream_run or runner_run),
 * as a command does: open, run, close.  The run changes the template it
 * is given (each frame is resolved and built into it).
 */
#ifndef CRAFT_ENGINE_H
#define CRAFT_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "../core/layer.h"
#include "../core/vars.h"
#include "../util/diag.h"
#include "../wire/iface.h"

enum engine_status {
	ENGINE_OK = 0,
	ENGINE_NOMATCH = 1,	/* an expectation timed out or did not match */
	ENGINE_INPUT = 2,	/* bad input: nothing was sent */
	ENGINE_SYSTEM = 3,	/* interface, permission, capture, injection */
	ENGINE_STOPPED = 128,	/* + the signal number */
};

enum engine_fault {
	ENGINE_FAULT_INPUT,	/* `d` has the file, line and column */
	ENGINE_FAULT_SYSTEM,	/* one line, no position */
	ENGINE_FAULT_PERMISSION,	/* the same, cured by privileges */
};

struct engine_ops {
	/* Every frame of the exchange, sent and received, in capture order
	 * as far as it is known: what a -w file holds.  May be NULL. */
	void (*record)(void *ctx, const struct frame *f, const struct timeval *ts);
	/* A fault, once, before the status that ends the work. */
	void (*fault)(void *ctx, enum engine_fault kind, const struct diag *d);
	/* The signal that asks to stop, or 0; NULL: never stop early.  A
	 * stream's sender threads call it too: it must be thread-safe (read a
	 * sig_atomic_t flag).  Waits look at it at least every 100 ms. */
	int (*stop)(void *ctx);
	/* Every privileged socket and capture is open: a status (drop root
	 * here).  May be NULL. */
	int (*ready)(void *ctx);
};

struct engine_config {
	const char *ifname;	/* NULL: the interface that routes `dst` */
	struct addr dst;	/* none with no ifname: bad input */
	long neighbor_timeout_us;	/* how long the next hop may take to answer ARP */
	bool listen_only;	/* no injector: captures only (sniff.h) */
};

struct engine;

/* Opens the interface and the injector; a status, faults reported.  *out
 * is set even on failure: engine_close it. */
int engine_open(struct engine **out, const struct engine_config *cfg,
		const struct engine_ops *ops, void *ctx);
/* Closes every socket and capture.  May take the kernel 30-50 ms. */
void engine_close(struct engine *e);

const struct iface *engine_iface(const struct engine *e);
/* ${iface.mac}, ${iface.ip}, ${iface.ip6} (global) and ${iface.ll6}
 * (link-local) of `ifc`, or zeros as placeholders. */
void engine_iface_vars(const struct iface *ifc, struct vars *v);

/* The signal that asked to stop, or 0. */
int engine_stopped(const struct engine *e);
/* Frames the kernel dropped from the captures because they were read too
 * slowly. */
unsigned engine_dropped(const struct engine *e);

#endif
