/* fuzz_common.h - what the fuzz targets share: the decoder's promises about
 * a decoded frame, and the test that an input names no real file. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../craft/core/layer.h"
#include "../../craft/lang/lex.h"

static inline void broken(const char *what, const struct frame *f, size_t i)
{
	fprintf(stderr, "fuzz: %s (layer %zu of %zu, caplen %zu)\n", what, i, f->nlayers, f->len);
	abort();
}

/* Every layer and every field marked present lies inside the captured bytes. */
static inline void check_frame(const struct frame *f)
{
	if (f->nlayers > MAX_LAYERS)
		broken("too many layers", f, f->nlayers);
	for (size_t i = 0; i < f->nlayers; i++) {
		const struct layer *l = &f->layer[i];
		if (l->off > f->len || l->hdr_len > f->len - l->off || l->len > f->len - l->off)
			broken("layer extends past the captured bytes", f, i);
		for (size_t k = 0; k < l->def->nfields; k++) {
			const struct field *fd = &l->def->fields[k];
			if (!(l->present & (1u << k)))
				continue;
			if (fd->bits && l->off * 8 + fd->bit_off + fd->bits > f->len * 8)
				broken("field marked present past the captured bytes", f, i);
			if (!fd->bits && l->val[k].len > f->len - l->off)
				broken("variable field longer than the captured bytes", f, i);
		}
	}
}

static inline bool plain_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* True when every `file=` value and every word starting with '@' is a plain
 * name: relative, so it resolves under the nonexistent directory. */
static inline bool files_are_plain(const char *text, size_t len)
{
	struct src src;
	src_split(&src, text, len);
	bool ok = true;
	for (size_t i = 0; ok && i < src.nlines; i++) {
		const struct src_line *ln = &src.lines[i];
		for (size_t k = 0; ok && k < ln->len; k++) {
			size_t from;
			if (ln->s[k] == '@')
				from = k + 1;
			else if (k + 5 <= ln->len && memcmp(ln->s + k, "file=", 5) == 0)
				from = k + 5;
			else
				continue;
			for (size_t j = from; j < ln->len && ln->s[j] != ' ' && ln->s[j] != '\t'; j++)
				if (!plain_char(ln->s[j])) {
					ok = false;
					break;
				}
		}
	}
	src_free(&src);
	return ok;
}

/* The input as a C string, or NULL (not worth a run) if it names a file
 * that is not a plain relative name. */
static inline char *plain_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (files_are_plain(text, size))
		return text;
	free(text);
	return NULL;
}

#endif
