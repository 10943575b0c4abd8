/*
 * template.h - `.pkt` text to a frame description: layers with the fields
 * the user gave.  Defaults are filled later by frame_resolve(), so that the
 * same description can be built many times with fresh random values.
 */
#ifndef CRAFT_TEMPLATE_H
#define CRAFT_TEMPLATE_H

#include <stddef.h>

#include "../util/diag.h"
#include "../core/layer.h"
#include "lex.h"
#include "../match/match.h"
#include "../core/vars.h"

struct template_ctx {
	const char *file;	/* for diagnostics */
	unsigned line;		/* the text's first line in `file` (0: 1): a frame
				 * of a file of several, see template_next_part */
	const char *dir;	/* payload file= paths are relative to it */
	const struct vars *vars;
	warn_fn warn;
	void *warn_ctx;
	/* Receives the template's `expect LAYER field=v|v ...` lines (the
	 * reply `send` waits for); NULL: they are checked, then dropped. */
	struct expectation *expect;
};

/* Parses a whole template.  On error fills `d`, frees what it built, and
 * returns -1. */
int template_parse(const struct template_ctx *tc, const char *text, size_t len,
		   struct frame *f, struct diag *d);

/* A file may hold several frames, each but the last ended by a line `---`
 * (what `decode --template` writes for a capture): `show` builds them in
 * turn; one frame is parsed at a time, so a file's size is not bounded by
 * a template's.  Set text and len, the rest zero. */
struct template_parts {
	const char *text;
	size_t len;
	size_t at;		/* where the next frame starts */
	unsigned line;		/* and its line, less one */
};

/* The next frame's text and its first line (template_ctx.line); false when
 * none is left - at the end, or after a `---` that ends the file. */
bool template_next_part(struct template_parts *p, const char **text, size_t *len,
			unsigned *line);

/* The pieces, for scenarios whose steps embed layer lines. */
int template_add_line(const struct template_ctx *tc, const struct src_line *ln,
		      struct frame *f, struct diag *d);
int template_finish(const struct template_ctx *tc, struct frame *f,
		    struct diag *d);
/* Warns of a fragment made by hand whose transport checksum is computed
 * (over the fragment only); template_finish calls it. */
void template_lint_fragments(const struct template_ctx *tc, const struct frame *f);

#endif
