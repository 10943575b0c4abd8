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

/* The pieces, for scenarios whose steps embed layer lines. */
int template_add_line(const struct template_ctx *tc, const struct src_line *ln,
		      struct frame *f, struct diag *d);
int template_finish(const struct template_ctx *tc, struct frame *f,
		    struct diag *d);

#endif
