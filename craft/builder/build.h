/*
 * build.h - frame description to bytes, through libnet.  The only module
 * that includes <libnet.h>; it also injects what it built.
 */
#ifndef CRAFT_BUILD_H
#define CRAFT_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "../util/diag.h"
#include "../core/layer.h"

struct builder;

/* `device` NULL: build only, no privileges needed.  Else open `device` for
 * link-layer injection.  Returns NULL with `err` on failure. */
struct builder *builder_open(const char *device, char *err, size_t errlen);
void builder_close(struct builder *b);

/* Builds a resolved frame into f->bytes (replacing them).  Every fixed
 * field is written as resolved - given, or its table's default - even where
 * that makes the frame wrong; lengths, checksums and next-layer types left
 * out are computed over the final bytes. */
int build_frame(struct builder *b, struct frame *f, struct diag *d);

/* Puts bytes on the wire as they are; -1 with `err` on failure. */
int builder_inject(struct builder *b, const uint8_t *bytes, size_t len,
		   char *err, size_t errlen);

#endif
