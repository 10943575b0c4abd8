/*
 * ladder.h - an exchange as a sequence diagram, the ladder students draw:
 * one column per host in order of first appearance, one arrow per frame
 * with its flags, relative seq/ack and length, and each TCP end's state
 * beside its end of the arrow.
 *
 * Hosts are the addresses of a frame's network layer (ARP's protocol
 * addresses; a host's own TCP or UDP ports when it talks to itself), else
 * its Ethernet addresses.  A host's column is known only
 * once the host is first seen, so rows are collected and drawn at the end:
 * at most LADDER_MAX_ROWS of them, LADDER_MAX_HOSTS columns.  Drawn as
 * text here, as SVG by html.h, both on the same grid of characters.
 */
#ifndef CRAFT_LADDER_H
#define CRAFT_LADDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "analysis.h"
#include "../core/layer.h"
#include "../util/strbuf.h"

#define LADDER_MAX_ROWS 100000
#define LADDER_MAX_HOSTS 16
#define LADDER_LABEL 96		/* room for every flag and three 32-bit numbers */

/* One frame's arrow. */
struct ladder_row {
	uint32_t frame;
	int64_t usec;			/* since the run's first frame (< 0: stamped before it) */
	uint16_t src, dst;		/* columns; equal for a frame to itself */
	bool tcp;
	uint8_t src_state, dst_state;	/* enum tcp_state after it, with `tcp` */
	uint16_t expert;		/* enum tcp_expert bits */
	uint32_t dupack_num, dupack_frame;
	char label[LADDER_LABEL];	/* "[SYN, ACK] seq=0 ack=1 len=0", "ARP who-has" */
};

/* Where things go, in character cells: columns from 0 at the left. */
struct ladder_grid {
	unsigned frame_w, time_w;	/* the frame number and time columns */
	unsigned state_w;		/* the longest state name drawn */
	unsigned gap;			/* cells between two hosts' lines */
	unsigned first;			/* the first host's line */
	unsigned width;			/* up to the last state beside the last line */
	unsigned note_w;		/* the longest findings, written after `width` */
};

struct ladder;

/* TCP numbers raw with `absolute`, else relative. */
struct ladder *ladder_new(bool absolute);
void ladder_free(struct ladder *l);
/* Adds frame `no`, `since` the run's first frame (`fa` from the analysis,
 * may be NULL): whether it got an arrow, not if it has no address, a host
 * past the last column, or the rows are full. */
bool ladder_frame(struct ladder *l, const struct frame *f, uint32_t no,
		  const struct timeval *since, const struct frame_analysis *fa);

size_t ladder_rows(const struct ladder *l);
const struct ladder_row *ladder_row(const struct ladder *l, size_t i);
size_t ladder_hosts(const struct ladder *l);
const char *ladder_host(const struct ladder *l, size_t i);
void ladder_grid(const struct ladder *l, struct ladder_grid *g);
/* The column of host `i`'s line. */
unsigned ladder_line_at(const struct ladder_grid *g, size_t host);
/* "0.016187", a row's time since the first frame. */
void ladder_time(const struct ladder_row *r, struct strbuf *out);
/* Lines saying what the ladder leaves out (frames without an arrow, rows
 * past the last), each starting with `before` and ending in `after`;
 * nothing if it holds every frame. */
void ladder_gaps(const struct ladder *l, const char *before, const char *after,
		 struct strbuf *out);

/* The text ladder on grid `g` (from ladder_grid), drawn a line at a time
 * so that a long one need not be held whole: the head (host names and
 * their lines), then each row. */
void ladder_text_head(const struct ladder *l, const struct ladder_grid *g, struct strbuf *out);
void ladder_text_row(const struct ladder *l, const struct ladder_grid *g, size_t i,
		     struct strbuf *out);

#endif
