/* stream.h - `send --flood` and `send --rate`: what send.c hands over. */
#ifndef CMD_STREAM_H
#define CMD_STREAM_H

#include "../craft/builder/build.h"
#include "../craft/match/match.h"
#include "../craft/engine/neighbor.h"
#include "cli.h"

struct stream;

struct stream_in {
	struct options *opt;
	struct printer *pr;
	struct builder *b;		/* builds frame 0, or every frame if it must */
	const struct iface *ifc;
	const struct expectation *want;	/* empty: send only */
	struct frame *tmpl;
	const char *path;
	struct neighbors *nb;
	struct stream *state;		/* sockets, capture: for stream_close */
};

/* Sends opt->count frames (0: one pass over the ranges, or until a signal
 * with --flood), paced by opt->rate or as fast as opt->cpus senders go;
 * prints the summary and returns the exit code. */
int send_stream(struct stream_in *in);
/* Closes the senders' sockets and the capture: after exit_before_teardown,
 * so that the kernel's slow teardown is not waited for. */
void stream_close(struct stream_in *in);

#endif
