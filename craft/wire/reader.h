/*
 * reader.h - a capture file, frame by frame, decoded: what `decode` shows
 * and what an analysis reads, with the file's own link type.
 */
#ifndef CRAFT_READER_H
#define CRAFT_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>

#include "../analysis/analysis.h"
#include "../core/layer.h"
#include "../decode/decode.h"

struct reader;

/* NULL with `err` for a file that is not pcap/pcapng or whose link type
 * the decoder does not know.  "-" reads standard input, a pipe too. */
struct reader *reader_open(const char *path, char *err, size_t errlen);
enum link_kind reader_link(const struct reader *r);
/* 1 with the next frame decoded into `f` (frame_free it), 0 at the end,
 * -1 with `err` for a damaged file. */
int reader_next(struct reader *r, struct frame *f, struct timeval *ts, char *err,
		size_t errlen);
/* A tcpdump expression, `n` words joined as tcpdump joins its arguments
 * (none: every frame), compiled as tcpdump -r compiles it for this file,
 * that reader_matches tests frames against; -1 with
 * "bad filter 'EXPR': why" in `err`. */
int reader_filter(struct reader *r, char *const *words, size_t n, char *err, size_t errlen);
/* Whether frame `f` from reader_next passes the filter: every frame is
 * still read (an analysis must see them all), the caller shows these. */
bool reader_matches(const struct reader *r, const struct frame *f);
/* A first reading of the file at `path`, so that a request names the frame
 * that answers it: a second reader, for reader_prescan, opened with the
 * first (before root goes); NULL for a pipe or standard input, read once
 * (their requests do not name answers). */
struct reader *reader_ahead(const char *path);
/* Reads the whole of `r` (reader_ahead's) into the first pass of `an`
 * (analysis_prescan), then closes it.  Damage ends it quietly: the first
 * reader reports it. */
void reader_prescan(struct reader *r, struct analysis *an);
void reader_close(struct reader *r);

#endif
