/*
 * neighbor.h - the next hop's MAC, found the way a host finds it: an ARP
 * request or a neighbour solicitation built and injected by us, the answer
 * matched from a capture that was open before the request left.
 */
#ifndef CRAFT_NEIGHBOR_H
#define CRAFT_NEIGHBOR_H

#include <stdint.h>
#include <sys/time.h>

#include "../builder/build.h"
#include "../wire/capture.h"
#include "../wire/iface.h"
#include "../core/layer.h"
#include "../match/flow.h"

/* Sees each frame of the exchange (for -w and the transcript). */
typedef void (*frame_log_fn)(void *ctx, const struct frame *f, bool sent,
			     const struct timeval *ts);

/* What a run knows of an address: its next hop, and the MAC that answered
 * for it or that none did. */
struct neighbor_entry {
	struct addr hop;
	uint64_t mac;
	bool gateway;		/* the hop is the route's gateway */
	bool silent;		/* the hop did not answer */
};

/* What one run has learnt: one exchange per next hop, kept by destination
 * and by next hop. */
struct neighbors {
	struct builder *b;
	const struct iface *ifc;	/* the addresses the request speaks from */
	long timeout_us;
	int tries;		/* requests to a silent next hop; 0: the kernel's 3 */
	/* The template whose VLAN tags the requests carry; NULL: untagged.
	 * The lookups' own capture lets in answers with up to 2 tags. */
	const struct frame *tags;
	frame_log_fn log;
	void *ctx;
	struct flow_table known;	/* address -> its index in `entry` */
	struct neighbor_entry *entry;
	size_t n, cap;
	int failed;		/* the last lookup: 1 nobody answered, -1 a fault */
	struct capture *arp;	/* open from the first lookup to the end */
	/* Set when `arp` is the caller's own capture (its filter lets ARP
	 * replies in): every frame a lookup reads and does not want goes to
	 * `stray`, and neighbors_close leaves it open. */
	void (*stray)(void *stray_ctx, const uint8_t *bytes, size_t caplen, size_t wire,
		      const struct timeval *ts);
	void *stray_ctx;
	int (*stop)(void *stop_ctx);	/* a wait ends early when it says so */
	void *stop_ctx;
};

/* 0 if the VLAN tags of `tmpl` are the same on every frame (a lookup's
 * request carries them); -1 with `d` at the field that varies. */
struct diag;
int neighbor_tags_fixed(const struct frame *tmpl, const char *file, struct diag *d);

/* Opens the lookups' capture now, while the privileges last; -1 with
 * `why` and `err`. */
int neighbors_open(struct neighbors *nb, enum capture_error *why, char *err, size_t errlen);
/* Closes the capture the lookups shared. */
void neighbors_close(struct neighbors *nb);

/* The MAC of the next hop toward `dst`: the gateway when the route says so.
 * 0 with `mac`; 1 if the next hop did not answer within the timeout (once
 * a run: asked again, it says so at once); -1 on a fault; `err` says what
 * to do. */
int neighbor_next_hop(struct neighbors *nb, const struct addr *dst, uint64_t *mac,
		      char *err, size_t errlen);

/* Looks up the next hops of `n` destinations at once: a request for each
 * distinct next hop not known yet, paced, up to a window of them awaiting
 * their answers on one capture, each asked again (3 tries over the
 * timeout) until it answers; then kept for the run with those that never
 * did; -1 with `err` on a fault. */
int neighbor_prefetch(struct neighbors *nb, const struct addr *dst, size_t n, char *err,
		      size_t errlen);

/* "ARP reply", "neighbour advertisement": what answers a lookup. */
const char *neighbor_answer_name(int family);
/* "no ARP reply", "no neighbour advertisement": why a target whose next
 * hop never answered got nothing (it was not sent to). */
const char *neighbor_silence(int family);
/* The same as a JSON key: "no_arp_reply", "no_neighbour_advertisement". */
const char *neighbor_silence_key(int family);

/* The same as a resolve_env next-hop callback; `ctx` is the neighbors. */
struct diag;
int neighbor_callback(void *ctx, const struct addr *dst, uint64_t *mac, struct diag *d);

#endif
