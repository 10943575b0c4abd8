/*
 * match.h - expectations: which received frame answers what was sent.
 *
 * An expectation is a list of match lines, each `LAYER field=v|v ...` in
 * the template syntax (the same field tables parse the values).  What was
 * sent adds its own scope - a reply has the addresses and ports swapped, the
 * same ICMP id, or is an ICMP error quoting it - expressed as expectations
 * too, so one comparison explains every miss: "tcp.flags: got RA, wanted SA".
 */
#ifndef CRAFT_MATCH_H
#define CRAFT_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/diag.h"
#include "../core/layer.h"
#include "../lang/lex.h"
#include "../core/vars.h"

#define MATCH_ALTS 8
#define MATCH_LAYERS L_COUNT	/* an expectation may name every layer once */

struct match_field {
	int field;
	unsigned nalts;
	struct fval *alt;	/* any one of them matches */
};

struct match_layer {
	const struct layer_def *def;
	bool quoted;		/* inside an ICMP error, not the frame's own */
	struct match_field f[MAX_FIELDS];
	unsigned n;
};

struct expectation {
	struct match_layer layer[MATCH_LAYERS];
	unsigned n;
	char text[256];		/* the match lines as written, for messages; the
				 * head's names every alternative */
	struct expectation *or;	/* another a reply may match instead (--expect
				 * given again), or NULL */
};

void expect_init(struct expectation *e);
void expect_free(struct expectation *e);
bool expect_empty(const struct expectation *e);

/* Adds one match line; `ln` starts at the layer name. */
int expect_add_line(struct expectation *e, const struct src_line *ln,
		    const char *file, const struct vars *vars, struct diag *d);
/* Match lines separated by ';', as --expect takes them. */
int expect_parse(struct expectation *e, const char *text, const char *file,
		 const struct vars *vars, struct diag *d);
/* expect_parse's lines as one more alternative: a reply that matches any
 * of `e`'s matches. */
int expect_parse_or(struct expectation *e, const char *text, const char *file,
		    const struct vars *vars, struct diag *d);

/* How many fields of `f` differ from `e` (a missing layer counts one more
 * than its fields), of its alternatives the closest; 0 is a match.  `why`
 * gets that one's first difference. */
unsigned expect_diffs(const struct expectation *e, const struct frame *f,
		      char *why, size_t len);

#define NEAR_MISSES 3

/* The frames that came closest to an expectation, fewest differences first. */
struct near_miss {
	unsigned diffs;		/* 0: slot empty */
	char summary[256], why[256];
};

/* Keeps `f` if it is among the NEAR_MISSES closest; a frame seen again (a
 * retransmission) is kept once.  `m` has NEAR_MISSES + 1 slots (the last
 * is scratch). */
void near_miss_note(struct near_miss *m, unsigned diffs, const struct frame *f,
		    const char *why);
/* The closest frames after a timeout: text lines, or the JSON member
 * "closest":[...]. */
void near_miss_text(const struct near_miss *m, bool json, struct strbuf *out);

/* A BPF filter that passes every frame either scope could accept. */
void scope_bpf(const struct frame *sent, char *buf, size_t len);
/* scope_bpf's replies, and the frames themselves as they leave (told by
 * their source MAC: libpcap's `outbound` does not see packet sockets' own
 * frames), for a capture in both directions.  False if they cannot be told
 * apart that way (loopback's MAC 0, a varying source MAC): then `buf` is
 * scope_bpf's, for a capture of what comes in.  `arp_replies` lets ARP
 * replies in too, for the next hop's lookup to share the capture. */
bool exchange_bpf(const struct frame *sent, bool arp_replies, char *buf, size_t len);

#endif
