/*
 * reader.h - a capture file, frame by frame, decoded: what `decode` shows
 * and what an analysis reads, with the file's own link type.
 */
#ifndef CRAFT_READER_H
#define CRAFT_READER_H

#include <stddef.h>
#include <sys/time.h>

#include "../core/layer.h"
#include "../decode/decode.h"

struct reader;

/* NULL with `err` for a file that is not pcap/pcapng or whose link type
 * the decoder does not know. */
struct reader *reader_open(const char *path, char *err, size_t errlen);
enum link_kind reader_link(const struct reader *r);
/* 1 with the next frame decoded into `f` (frame_free it), 0 at the end,
 * -1 with `err` for a damaged file. */
int reader_next(struct reader *r, struct frame *f, struct timeval *ts, char *err,
		size_t errlen);
void reader_close(struct reader *r);

#endif
