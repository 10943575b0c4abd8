/*
 * peerstep.h - the steps that drive the peer kernel's own sockets (`rawcraft
 * run --peer NETNS`):
 *
 *   peer listen PORT             peer accept [within D]
 *   peer connect ADDR PORT       peer write "TEXT"
 *   peer read N [within D]       (binds ${peer.read})
 *   peer shutdown write|read|both
 *   peer close                   (the connection; with none, the listener)
 *   expect peer state STATE [within D] [points N]
 *
 * Their shape is checked when the file is parsed; their values (ports,
 * addresses, ${...}) by peerstep_check and again when they run.
 */
#ifndef CRAFT_PEERSTEP_H
#define CRAFT_PEERSTEP_H

#include "scenario.h"

#define PEER_READ_VAR "peer.read"

/* After `peer`: the operation and its arguments. */
int peerstep_parse(struct scenario *sc, struct step *st, struct lexer *lx, struct diag *d);
/* Whether the expect's first word `w` and the next are `peer state`; the
 * lexer is then past them. */
bool peerstep_is_state(struct lexer *lx, const char *w, size_t n);
/* After `expect peer state`: STATE [within D] [points N]. */
int peerstep_parse_state(struct scenario *sc, struct step *st, struct lexer *lx,
			 struct diag *d);

/* A peer step's values, substituted. */
struct peer_args {
	uint16_t port;		/* listen, connect */
	struct addr addr;	/* connect */
	struct strbuf text;	/* write */
	size_t n;		/* read: at most */
	int how;		/* shutdown: SHUT_RD, SHUT_WR, SHUT_RDWR */
};

/* 0 with `a` filled (peerstep_args_free it), or -1 with `d` set. */
int peerstep_args(const struct step *st, const struct vars *vars, struct peer_args *a,
		  struct diag *d);
void peerstep_args_free(struct peer_args *a);
/* As scenario_check walks: the values are checked, a read binds its
 * placeholder. */
int peerstep_check(const struct step *st, struct vars *vars, struct diag *d);

/* The peer steps' order, in the file's order (a loop's body once): an
 * accept after a listen, a read, write or shutdown on a connection (after
 * an accept or a connect), one connection at a time, a close with a socket
 * to close, expect peer state with something to look at (a listen, a
 * connect or a send before it).  -1 with `d` at the first step out of
 * order. */
int peerstep_order(const struct scenario *sc, struct diag *d);

/* "listen", "accept", ...: the operation's word. */
const char *peerstep_name(enum peer_op op);

/* -1 with `d` naming the first peer step, when the run has no --peer. */
int peerstep_need_peer(const struct scenario *sc, struct diag *d);

/* The bytes a read took as ${peer.read}: printable ASCII as it is, any
 * other byte as \xHH. */
void peerstep_text(const uint8_t *b, size_t n, struct strbuf *out);

#endif
