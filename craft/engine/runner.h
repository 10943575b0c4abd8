/*
 * runner.h - a scenario (`.lab`) run step by step on an engine: sends
 * built from layer lines and the bindings of earlier replies, expects
 * waiting for a frame in the scope of the last send, every frame sent and
 * received analysed in order (the TCP state of both ends after each).
 * What a run shows is reported through the callbacks; the runner prints
 * nothing.
 *
 * When the scenario speaks TCP from an address this host owns, the host's
 * kernel answers the peer's SYN/ACK with a RST; the runner watches for it
 * (kernel_rst), and with `block_rst` keeps it off the wire with an
 * nftables table of its own.  With a `ghost` address it speaks from an
 * address nobody owns and answers ARP and ping for it as a host would.
 */
#ifndef CRAFT_RUNNER_H
#define CRAFT_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "../analysis/analysis.h"
#include "../lang/scenario.h"
#include "../util/rng.h"
#include "engine.h"

/* Who put a frame of the run on the wire. */
enum run_from {
	RUN_STEP,	/* a send step */
	RUN_LOOKUP,	/* the runner: the next hop's ARP request or solicitation */
	RUN_GHOST,	/* the runner, answering for the ghost address */
	RUN_KERNEL,	/* the host's kernel: its RST to a scenario's connection */
	RUN_PEER,	/* received */
};

/* One test point of a run, reported once each, in step order: an expect
 * (its labelled `else` included), a check, an expect peer state. */
enum point_outcome { POINT_PASS, POINT_FAIL, POINT_SKIP };

struct lab_point {
	const struct step *st;
	const char *file;	/* the step's file (a @template's or the scenario's) */
	const char *title;	/* as a grader lists it: "expect synack", "check data.tcp.len == 13" */
	enum point_outcome outcome;
	unsigned points;	/* what it is worth; earned only when it passed */
	const char *label;	/* a labelled expect's label, or NULL */
	const char *expected;	/* failed: what it wanted ("tcp flags=SA ack=101", "13") */
	const char *got;	/* failed: what came ("12", a near miss's summary, "nothing") */
	const char *message;	/* a check's "message", or NULL */
	const char *why;	/* skipped: "needs ${synack.tcp.seq}: expect synack (line 7) failed" */
};

/* A point's title as graders list it: "expect synack", "check EXPR",
 * "expect peer state ESTABLISHED". */
void runner_point_title(const struct step *st, struct strbuf *out);

/* What a peer step did, for the view. */
struct peer_said {
	const char *text;
	bool failed;
	/* expect peer state: the state the kernel held (netstat's name), and
	 * the view's where it infers another (else NULL); NULL for a step. */
	const char *got, *view;
};

struct runner_ops {
	/* Every frame of the run, as -w records it and in that order (the
	 * frames numbered from 1 as the file numbers them): sent (`from`
	 * says by whom; `st` the send step), or received and taken on arrival
	 * by the expect step `st` (NULL: by none yet).  `fa` is its analysis
	 * among all of them: the TCP states of both ends after it. */
	void (*frame)(void *ctx, const struct step *st, const struct frame *f,
		      const struct timeval *ts, enum run_from from,
		      const struct frame_analysis *fa);
	/* Expect step `st` took frame `no`, received (and shown) before the
	 * expect began to wait. */
	void (*took)(void *ctx, const struct step *st, uint32_t no);
	/* A print step's text, substituted. */
	void (*print)(void *ctx, const struct step *st, const char *text);
	/* Expect step `st` timed out: what it wanted, the frames closest to
	 * it, and a remedy when the cause is known (NULL otherwise). */
	void (*missed)(void *ctx, const struct step *st, const struct alternative *alts,
		       size_t nalts, const struct near_miss *closest, const char *remedy);
	/* The host's kernel reset one of the scenario's connections: once,
	 * after that RST's frame, with its summary line. */
	void (*kernel_rst)(void *ctx, const char *summary);
	/* A test point's outcome, when it is known (NULL: not wanted). */
	void (*point)(void *ctx, const struct lab_point *p);
	/* A peer step (--peer) did what `said->text` says ("accepted
	 * 10.9.0.2:9230 - 10.9.0.1:40000", "read 12 bytes \"Hello World!\""),
	 * or `said->failed` (the step failed): the text says why.  An expect
	 * peer state tells the peer kernel's state, and the view's where it
	 * infers another. */
	void (*peer)(void *ctx, const struct step *st, const struct peer_said *said);
	/* A step other than a test point was skipped: it needs a binding a
	 * failed (or skipped, or else-labelled) step left unmade; `why` says
	 * which ("needs ${synack.tcp.seq}: expect synack (line 7) failed"). */
	void (*skipped)(void *ctx, const struct step *st, const char *why);
};

struct runner_params {
	const struct scenario *sc;
	const struct vars *given;	/* -D: wins over the scenario's `set` */
	const struct iface *ghost;	/* the addresses to speak from; NULL: the interface's */
	bool block_rst;
	bool keep_going;		/* a failed point does not end the run */
	const char *peer_netns;		/* --peer: the namespace whose sockets `peer` drives */
	const char *user;		/* -Z: whom the peer helper becomes; NULL: nobody */
	const struct rng *rng;
};

/* Runs every step; a status (ENGINE_NOMATCH: an expect or check failed;
 * with keep_going the run went on after it).  A value that breaks a step
 * once a step acted (sent, took a frame, told an outcome, drove the peer)
 * fails that step: bad input only while none did. */
int runner_run(struct engine *e, const struct runner_params *rp, const struct runner_ops *ops,
	       void *ctx);

#endif
