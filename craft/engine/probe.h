/*
 * probe.h - probes one by one (`send`): each frame resolved and built
 * anew (fresh random fields), injected, and its reply found by a hash of
 * the exchange and checked against the expectation.  A probe's time is
 * the capture's timestamp of its own copy on the way out, so an RTT is
 * exactly the difference of two frames' times in the -w file.  A ghost
 * and the kernel's RSTs are handled as the runner handles them (runner.h).
 */
#ifndef CRAFT_PROBE_H
#define CRAFT_PROBE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "../builder/fragment.h"
#include "../match/match.h"
#include "../util/rng.h"
#include "engine.h"

struct probe_ops {
	/* Probe `idx` (from 0; a retry has its first send's) is on its way;
	 * `f` as a capture shows it. */
	void (*sent)(void *ctx, size_t idx, const struct frame *f, const struct timeval *ts);
	/* A reply to probe `idx` matched the expectation. */
	void (*matched)(void *ctx, size_t idx, const struct frame *f, const struct timeval *ts,
			long rtt_us);
	/* The host's kernel reset a connection the probes spoke from its own
	 * address (its RST's summary line): once, after the frame it answers. */
	void (*kernel_rst)(void *ctx, const char *summary);
};

struct probe_params {
	const char *path;	/* the template's, for messages */
	size_t count;
	long interval_us;	/* between probes */
	long timeout_us;	/* for the replies after the last */
	const struct rng *run;	/* the run's seed: frame i draws from it */
	const struct iface *ghost;	/* the addresses to speak from; NULL: the interface's */
	bool block_rst;		/* the kernel's RSTs to the probes' TCP dropped, for
				 * minutes: the next `send` of a handshake finds it whole */
	size_t fragment;	/* --fragment: payload bytes per fragment; 0: whole */
	enum frag_order frag_order;
	unsigned retries;	/* passes more for the probes still unanswered
				 * (up to PROBE_RETRIES) */
};

#define PROBE_RETRIES 100

struct probe_result {
	bool finished;		/* the figures stand: every probe sent and its replies
				 * waited for, or a stop or a fault cut it short */
	size_t sent;		/* frames, retries included */
	size_t unreached;	/* targets not sent to: their next hop never answered */
	const char *unreached_why;	/* "no ARP reply", "no neighbour advertisement" */
	const char *unreached_key;	/* the same as a JSON key: "no_arp_reply" */
	unsigned matched;	/* sends with a matching reply, duplicates not */
	unsigned duplicates;	/* with retries: replies to a target answered already */
	size_t answered;	/* probes with a matching reply (of pp->count) */
	size_t probed, lost;	/* sent to, and of them without a matching reply:
				 * frames, or with retries targets */
	unsigned passes;	/* run, the first included */
	uint64_t reprobed[PROBE_RETRIES];	/* probes each retry sent again */
	long rtt_min, rtt_max;	/* microseconds */
	double rtt_sum, rtt_sq;
	struct near_miss closest[NEAR_MISSES + 1];
	char first_summary[256];	/* probe 1 in one line */
};

/* Sends `tmpl` pp->count times and waits for replies matching `want`
 * (empty: none awaited); with retries, sends the probes still unanswered
 * again, each as it was.  A status: ENGINE_NOMATCH when some probe got no
 * matching reply. */
int probe_run(struct engine *e, struct frame *tmpl, const struct expectation *want,
	      const struct probe_params *pp, const struct probe_ops *ops, void *ctx,
	      struct probe_result *res);

#endif
