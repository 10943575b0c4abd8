/*
 * peerrun.h - the peer steps of a run (runner.c): the helper's requests,
 * their waits (the run's captures read meanwhile, in slices of 10 ms), and
 * which socket is "the scenario's connection" for `expect peer state`: the
 * one of the last TCP segment the scenario sent (seen from the peer, its
 * ends swapped); after `peer listen` and before any TCP send, the
 * listening socket; after `peer connect`, the peer's own.  Not a public
 * header.
 */
#ifndef CRAFT_PEERRUN_H
#define CRAFT_PEERRUN_H

#include "../wire/peer.h"
#include "runner.h"

struct peer_run {
	struct peer helper;		/* pid 0: no --peer */
	struct peer_conn subject;	/* the scenario's connection, seen from the peer */
	bool have_subject;
	bool sent_tcp;			/* the scenario sent TCP: a listen names no subject */
	bool have_view;
	enum tcp_state view;		/* the view's peer end, after the last TCP frame */
};

/* What a peer step borrows of the runner. */
struct peer_host {
	struct engine *e;
	struct vars *vars;
	const struct runner_ops *ops;
	void *ctx;
	int (*pump)(void *runner, long usec);	/* reads the captures for usec */
	/* A step's values that break at run time: skipped, failed or bad
	 * input, as the runner decides (never exit 2 once a frame is out). */
	int (*fault)(void *runner, const struct step *st, const struct diag *d);
	void *runner;
};

/* The helper in `netns`, while root lasts, as `user` (-Z); a status. */
int peerrun_open(struct peer_run *pr, struct engine *e, const char *netns, const char *user);
void peerrun_close(struct peer_run *pr);
/* The scenario sent a TCP segment src:sport > dst:dport. */
void peerrun_sent(struct peer_run *pr, const struct addr *src, uint16_t sport,
		  const struct addr *dst, uint16_t dport);
/* After a TCP frame src:sport > dst:dport of the run, the view's state of
 * the peer's end; only the scenario's connection's frames count. */
void peerrun_seen(struct peer_run *pr, const struct addr *src, uint16_t sport,
		  const struct addr *dst, uint16_t dport, enum tcp_state peer_end);
/* A STEP_PEER or STEP_PEER_STATE; a status (ENGINE_NOMATCH: it failed). */
int peerrun_step(struct peer_run *pr, const struct peer_host *h, const struct step *st);

#endif
