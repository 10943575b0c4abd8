/*
 * scenario.h - the `.lab` language: steps at column 0, their layer or match
 * lines indented below them.
 *
 *   set NAME VALUE          send [NAME] [@template.pkt]     sleep DURATION
 *   print "text ${var}"     expect NAME [within DURATION] [any]
 *   for NAME in A..B | for NAME in V1 V2 ...    ... steps ...    end
 *
 * A variable given on the command line (-D) wins over a `set` of the same
 * name, so `set` gives defaults, as make's command-line variables do.
 *
 * An expect's match lines may be grouped into labelled alternatives
 * ("open: tcp flags=SA"), and `else LABEL` turns a timeout into a label
 * instead of a failure; ${NAME.label} says which one happened.
 *
 * Parsing checks the shape of every step; scenario_check() then walks the
 * steps with placeholder values for what replies will bind, so that every
 * fault in the file is reported before the first frame is sent.
 */
#ifndef CRAFT_SCENARIO_H
#define CRAFT_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/diag.h"
#include "../core/layer.h"
#include "lex.h"
#include "../match/match.h"
#include "../core/vars.h"

enum step_kind { STEP_SEND, STEP_EXPECT, STEP_SET, STEP_SLEEP, STEP_PRINT, STEP_FOR,
		 STEP_END,
		 STEP_CHECK,		/* check EXPR OP EXPR ["message"] [points N] */
		 STEP_PEER,		/* peer listen|accept|connect|write|read|shutdown|close ... */
		 STEP_PEER_STATE,	/* expect peer state STATE [within D] [points N] */
};

/* What a `peer` step asks of the peer kernel's sockets (--peer NETNS). */
enum peer_op { PEER_LISTEN, PEER_ACCEPT, PEER_CONNECT, PEER_WRITE, PEER_READ, PEER_SHUTDOWN,
	       PEER_CLOSE };

struct step {
	enum step_kind kind;
	struct srcpos pos;
	char *name;			/* send/expect NAME, set NAME; may be NULL */
	const struct src_line *lines;	/* layer or match lines */
	size_t nlines;
	const char *file;		/* where `lines` come from (a @template) */
	struct src_line arg;		/* set VALUE, print TEXT: the rest of the line */
	long usec;			/* sleep, expect within */
	bool any;			/* expect ... any: no reply scope */
	size_t jump;			/* for: its end; end: its for */
	unsigned points;		/* expect, check, peer state: `points N` (1) */
	enum peer_op peer;		/* STEP_PEER; its arguments in `arg` */
	struct src_line message;	/* check: its "message" (len 0: none) */
	int state;			/* STEP_PEER_STATE: an enum tcp_state */
};

/* One labelled alternative of an expect step. */
struct alternative {
	char label[32];			/* "" when the step has no labels */
	struct expectation expect;
};

/* The alternatives of expect step `st` with `vars` substituted, and the
 * label a timeout takes (`*otherwise`, "" if a timeout fails the run). */
int scenario_alternatives(const struct step *st, const struct vars *vars,
			  struct alternative **alts, size_t *nalts, char *otherwise,
			  size_t otherwise_len, struct diag *d);
void scenario_alternatives_free(struct alternative *alts, size_t n);
/* What the alternatives want, as a failure says it: "open: tcp flags=SA | closed: ...". */
void alternatives_text(const struct alternative *alts, size_t n, struct strbuf *out);

/* The values of a for step: A..B counts, else the words of the list. */
int scenario_for_values(const struct step *st, const struct vars *vars,
			char ***values, size_t *n, struct diag *d);

struct scenario {
	const char *file;
	struct src src;
	struct src *included;		/* @templates, one src each */
	char **included_names;
	size_t nincluded;
	struct step *steps;
	size_t nsteps;
};

int scenario_parse(struct scenario *sc, const char *file, const char *text, size_t len,
		   struct diag *d);
void scenario_free(struct scenario *sc);

/* Walks the steps as a run would, with `vars` plus placeholders for every
 * ${NAME.layer.field} an earlier send or expect NAME will bind. */
int scenario_check(const struct scenario *sc, const struct vars *vars, struct addr *first_dst,
		   struct diag *d);

/* Binds NAME.layer.field (NAME.layer2.field for a repeated layer) for
 * every field present in `f`, and its widths (bindings.h): NAME.tcp.len,
 * NAME.payload.len, NAME.tcp.opts.mss/.ws/.ts.val/.ts.ecr. */
void scenario_bind(struct vars *vars, const char *name, const struct frame *f);

/* A step as its outcome names it: "send syn", "set next", "print",
 * "peer write", "expect peer state ESTABLISHED", "check data.tcp.len == 13". */
void scenario_step_title(const struct step *st, char *out, size_t n);

/* The frame a send step describes, with `vars` substituted. */
int scenario_frame(const struct step *st, const struct vars *vars, warn_fn warn,
		   void *warn_ctx, struct frame *f, struct diag *d);

/* check's operator in ln->s from `from` on, outside quotes and ${...}:
 * its offset and *oplen, or ln->len (and 0) when there is none. */
size_t check_op(const struct src_line *ln, size_t from, size_t *oplen);

struct check_result {
	bool held;
	char expected[288];	/* "== 13": the operator and the right side's value */
	char got[256];		/* the left side's value */
	char message[256];	/* the "message", substituted ("" if none) */
};

/* A check step's two sides evaluated and compared: numbers as numbers,
 * addresses and MACs as such, anything else as text. */
int check_eval(const struct step *st, const struct vars *vars, struct check_result *res,
	       struct diag *d);

/* The words of a set/print argument, substituted, joined by one space. */
int scenario_expand(const struct src_line *arg, const char *file, const struct vars *vars,
		    struct strbuf *out, struct diag *d);

#endif
