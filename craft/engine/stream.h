/*
 * stream.h - `send --rate` and `--flood`: frame 0 is built once, sender
 * threads patch their own copies per frame and hand them to the kernel in
 * batches, while the calling thread reads the replies, finds each one's
 * probe by a flow hash and sorts the targets into what they answered.
 */
#ifndef CRAFT_STREAM_H
#define CRAFT_STREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "../match/match.h"
#include "../util/rng.h"
#include "../util/strbuf.h"
#include "../wire/linktx.h"
#include "engine.h"

#define STREAM_CLASSES 32
#define STREAM_RETRIES 100	/* --retries' most */
#define STREAM_FROM 64		/* senders of replies told apart */

struct stream_ops {
	/* The reply that decided target `probe` (from 0); may be NULL. */
	void (*received)(void *ctx, uint64_t probe, const struct frame *f,
			 const struct timeval *ts);
	/* A few times a second while it runs, and once with `last`; may be
	 * NULL. */
	void (*progress)(void *ctx, uint64_t sent, double secs, uint64_t replies, bool last);
	/* Every frame will be resolved and built whole, and why (a field that
	 * changes more than its own bits); before the first frame.  May be
	 * NULL. */
	void (*rebuilt)(void *ctx, const char *why);
};

struct stream_params {
	const char *path;	/* the template's, for messages */
	uint64_t count;		/* 0: one pass over the ranges; a flood without
				 * ranges goes on until a stop */
	bool flood;
	uint64_t rate;		/* frames a second; 0: as fast as it goes */
	unsigned cpus;		/* senders; 0: one per core, or one for a pace */
	enum linktx_path tx;	/* how the frames leave */
	long timeout_us;	/* for the replies after the last frame */
	bool record;		/* every frame must reach the capture (a -w file) */
	unsigned retries;	/* passes more for the targets still unanswered
				 * (up to STREAM_RETRIES) */
	bool progress;		/* call ops->progress */
	const struct rng *run;
};

/* What a reply class is, in match syntax: "tcp flags=SA". */
struct stream_class {
	char name[96];
	bool wanted;		/* matches the expectation */
	bool unanswered;	/* no reply: why none (the next hop never answered) */
	bool error;		/* an ICMP error's: its senders are listed */
	uint64_t n;
};

struct stream_result {
	bool reportable;	/* the stream ran: the figures below mean something */
	uint64_t sent, send_ns, count;
	unsigned nsenders;
	enum linktx_path tx;	/* the path they took */
	bool patched;		/* frames patched per frame, not built whole */
	char why_rebuilt[200];	/* else why not, as ops->rebuilt said */
	bool capturing;
	unsigned dropped;	/* frames the capture lost */
	uint64_t tracked;	/* probes whose replies are told apart */
	uint64_t targets, answered, silent, duplicates;
	uint64_t unreached;	/* not sent to: their next hop never answered */
	struct stream_class cls[STREAM_CLASSES];
	unsigned ncls;
	unsigned retries, passes;	/* asked, and run (the first included) */
	uint64_t reprobed[STREAM_RETRIES];	/* targets each retry sent again */
	struct addr from[STREAM_FROM];	/* the replies' senders, as first seen */
	unsigned nfrom;
};

/* What decided a target: its class (-1: none), who sent that reply (NULL:
 * not told apart) and its RTT - for a target a retry sent again, from its
 * last send (its sends are alike: which one a reply answers is unknown). */
struct stream_answer {
	int cls;
	const struct addr *from;
	long rtt_us;
};

struct stream;

/* Runs the stream; a status (ENGINE_NOMATCH: some target unanswered or
 * answered otherwise than `want`).  *out is the stream's, even after a
 * failure, for stream_result and stream_free. */
int stream_run(struct engine *e, struct frame *tmpl, const struct expectation *want,
	       const struct stream_params *sp, const struct stream_ops *ops, void *ctx,
	       struct stream **out);
const struct stream_result *stream_result(const struct stream *s);
/* The targets of class `cls` (-1: those with no answer) as labels of the
 * template's range values: runs joined ("tcp dport=1-21,23-79") with one
 * ranged field, a JSON array's members with `json`. */
void stream_list_targets(const struct stream *s, int cls, bool json, struct strbuf *out);
/* Target `t` (a frame's index from 0), false if that frame is no target
 * (a later probe of one, or not sent). */
bool stream_answer(const struct stream *s, uint64_t t, struct stream_answer *a);
const struct frame *stream_template(const struct stream *s);
/* How many of the template's fields are ranges. */
unsigned stream_ranged_fields(const struct frame *tmpl);
/* Closes the senders' sockets. */
void stream_free(struct stream *s);

#endif
