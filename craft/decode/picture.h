/*
 * picture.h - --ladder and --html for a run's frames: the ladder
 * (analysis/ladder.h) drawn at the end, and its page (analysis/html.h)
 * written to a file as the frames come, each frame's tree and dump in it,
 * the way recorder.h writes the -w file: created before the first frame,
 * whole or reported at the end.
 */
#ifndef CRAFT_PICTURE_H
#define CRAFT_PICTURE_H

#include <stdbool.h>
#include <stdio.h>

#include "../analysis/ladder.h"

struct picture {
	bool text;		/* the ladder as text at the end */
	bool absolute;		/* raw TCP numbers */
	struct ladder *ladder;	/* NULL: nothing is drawn */
	const char *path;	/* the page, or NULL */
	FILE *page;
	int err;		/* errno of the first fault writing it */
};

/* The text ladder with `text`, the page with `path` (TCP numbers raw with
 * `absolute`). */
void picture_init(struct picture *p, bool text, bool absolute, const char *path);
/* Creates the page with its head, titled "rawcraft CMD WORDS..." (the
 * file, the filter); -1 with p->err.  Once: later calls do nothing. */
int picture_prepare(struct picture *p, const char *cmd, char *const *words, size_t n);
/* Draws frame `no` of the input, `first`'s time the ladder's 0, and
 * writes it into the page if it got an arrow: `summary` (its line as
 * printed, or NULL), its tree and dump. */
void picture_frame(struct picture *p, const struct frame *f, uint32_t no,
		   const struct timeval *ts, const struct timeval *first,
		   const struct frame_analysis *fa, const char *summary);
/* The text ladder appended to `out`, with the lines saying what it left
 * out; nothing if `text` was not asked for. */
void picture_text(const struct picture *p, struct strbuf *out);
/* Ends the page with the ladder, closes it and frees the rest; -1 with
 * p->err if the page it created is not whole. */
int picture_close(struct picture *p);

#endif
