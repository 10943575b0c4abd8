/*
 * emit.h - a decoded frame back to `.pkt` text, the inverse of template.c:
 * every field written as it was on the wire (checksums, lengths, next-layer
 * types, options), so that `show` builds the captured bytes again.  Bytes
 * that no layer line says exactly (IPv4 options, a header cut short, a
 * trailer) are the payload's.
 */
#ifndef CRAFT_EMIT_H
#define CRAFT_EMIT_H

#include <stdbool.h>

#include "../core/layer.h"
#include "../util/strbuf.h"

/* Appends frame `frame_no` (from 1) of a capture as one frame of a file of
 * several: a heading before the `first` one written (a filter may leave
 * out frame 1), a `---` line before every other.  Returns whether
 * show builds its bytes exactly; if not, a comment line
 * "# not rebuilt byte for byte: REASON" says why (a link type other than
 * Ethernet, fewer bytes than an Ethernet header, more than a frame holds)
 * and the template is the nearest frame show builds. */
bool emit_template(const struct frame *f, unsigned frame_no, bool first, struct strbuf *out);

#endif
