/*
 * internal.h - the engine handle's insides, for the modules that run on it
 * (probe.c, stream.c, runner.c); not a public header.
 */
#ifndef CRAFT_ENGINE_INTERNAL_H
#define CRAFT_ENGINE_INTERNAL_H

#include "../builder/build.h"
#include "../builder/fragment.h"
#include "../builder/resolve.h"
#include "../decode/reasm.h"
#include "../match/outbox.h"
#include "../util/rng.h"
#include "../wire/capture.h"
#include "engine.h"
#include "neighbor.h"
#include "pump.h"

struct engine {
	struct iface ifc;
	struct builder *b;
	struct neighbors nb;
	const struct engine_ops *ops;
	void *ctx;
	struct capture *caps[2];	/* to report their drops */
	unsigned ncaps;
	struct outbox sent;	/* what we injected: "is this frame ours" */
	/* Called before a frame stamped `ts` is recorded: frames of ours sent
	 * earlier and not recorded yet go first, so -w stays in time order. */
	void (*before_record)(void *ctx, const struct timeval *ts);
	void *before_ctx;
	struct reasm reasm;	/* fragmented replies, put together to be matched */
};

#define ENGINE_NO_TAG UINT64_MAX	/* a frame of ours that is no probe */

/* Frames from `own_mac` are ours or the host's (0: not told by it); at
 * most `keep` unseen frames remembered (0: all). */
void engine_own_frames(struct engine *e, size_t keep, uint64_t own_mac);

/* Reports a fault through the callbacks; returns its status. */
int engine_fail(struct engine *e, enum engine_fault kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int engine_bad_input(struct engine *e, const struct diag *d);
/* --retries: bad input without replies `expecting` to wait for. */
int engine_retries_ok(struct engine *e, unsigned retries, bool expecting);

/* A capture on the engine's interface, closed with the engine. */
int engine_capture(struct engine *e, struct capture **out, const char *bpf, unsigned flags,
		   unsigned snaplen);
/* Frame 0 resolved and built without the network (the next hop's MAC a
 * placeholder): enough for the filters of the captures opened while the
 * privileges last. */
int engine_build_offline(struct engine *e, struct frame *tmpl, const struct rng *run,
			 const char *path);
/* Frame `index` of a run, resolved (its draws from rng_for_frame, the next
 * hop's MAC by ARP) and built into `tmpl`; -1 with `d`. */
int engine_build_frame(struct engine *e, struct frame *tmpl, const char *path,
		       const struct rng *run, uint64_t index, struct diag *d);
/* The next hop's ARP capture, now, if the frame may need it. */
int engine_neighbors(struct engine *e, const struct frame *tmpl);
/* The VLAN tags the lookups of `tmpl` carry, set before anything asks
 * (a ghost's check too); bad input if they vary per frame. */
int engine_lookup_tags(struct engine *e, const struct frame *tmpl, const char *path);
/* A sweep over destinations: the next hops of its first `count` frames
 * looked up at once (neighbor_prefetch), before the first frame leaves. */
int engine_next_hops(struct engine *e, const struct frame *tmpl, uint64_t count);
/* The status of a frame that failed to resolve or build: no ARP reply (1),
 * a fault on the way (3), bad input (2), or stopped (128+). */
int engine_resolve_failed(struct engine *e, const struct diag *d);
/* A resolve_env for frame `index` with its draws in `rng`, the next hop's
 * MAC found by ARP, speaking from `speaker` (NULL: the addresses the
 * lookups speak from - the interface's, or a ghost's a run set). */
struct resolve_env engine_env(struct engine *e, const char *path, const struct iface *speaker,
			      struct rng *rng, uint64_t index);
int engine_ready(struct engine *e);
/* Puts built bytes on the wire, remembered with `tag`; a status. */
int engine_inject(struct engine *e, const uint8_t *bytes, size_t len, uint64_t tag);

/* --fragment: how datagrams are cut, and the draws of their order and
 * IPv6 ids (the run's own stream, so --seed fixes them). */
struct frag_send {
	size_t size;		/* payload bytes per fragment; 0: datagrams leave whole */
	enum frag_order order;
	struct rng rng;
};
void frag_send_init(struct frag_send *fs, size_t size, enum frag_order order,
		    const struct rng *run);
/* Built frame `f`, probe `target`, on the wire as `fs` cuts it (the same
 * way each time), each fragment remembered with `tag`; `*frames` how many
 * were put.  A status: a datagram that
 * cannot be cut is bad input, at the template's network layer. */
int engine_inject_cut(struct engine *e, const struct frame *f, struct frag_send *fs,
		      const char *path, uint64_t tag, uint64_t target, size_t *frames);
/* Whether built frame `f` can be cut: before anything is sent. */
int engine_cut_ok(struct engine *e, const struct frame *f, const struct frag_send *fs,
		  const char *path);
void engine_record(struct engine *e, const struct frame *f, const struct timeval *ts);
/* Our own frame, built rather than captured: decoded as a capture shows it. */
void engine_record_built(struct engine *e, const uint8_t *bytes, size_t len,
			 const struct timeval *ts);
/* A pump over `cap` handing frames to `fn`, stopping when ops->stop says. */
struct pump engine_pump(struct engine *e, struct capture *cap, pump_fn fn, void *ctx);
/* A capture that did not open; its status. */
int engine_capture_failed(struct engine *e, enum capture_error why, const char *err);
/* A capture fault while pumping; its status. */
int engine_capture_fault(struct engine *e, const char *err);

#endif
