/*
 * html.h - a capture as one self-contained page: the ladder as SVG, each
 * frame's arrow a <g data-frame="N"> that, clicked, shows that frame's
 * summary, field tree and hex dump beside it.  Inline CSS and script, and
 * a policy that lets the page fetch nothing; every text from a capture is
 * escaped (sb_html_str).
 *
 * In page order: html_begin, html_frame for each frame as it comes (its
 * texts go out at once, so a long capture is not held), then the ladder
 * once every frame is in: html_ladder_head, html_ladder_row for each row,
 * html_end.  `#frame=N` in the page's address opens frame N.
 */
#ifndef CRAFT_HTML_H
#define CRAFT_HTML_H

#include <stdint.h>

#include "ladder.h"
#include "../util/strbuf.h"

void html_begin(const char *title, struct strbuf *out);
/* Frame `no`'s texts (`summary` may be NULL, tree and hex ""), hidden
 * until it is picked. */
void html_frame(uint32_t no, const char *summary, const char *tree, const char *hex,
		struct strbuf *out);
void html_ladder_head(const struct ladder *l, const struct ladder_grid *g, struct strbuf *out);
void html_ladder_row(const struct ladder *l, const struct ladder_grid *g, size_t i,
		     struct strbuf *out);
void html_end(struct strbuf *out);

#endif
