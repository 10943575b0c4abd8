/*
 * recorder.h - the -w file: every frame of a run into a pcap file, created
 * when it is first needed (bad input must not truncate an old capture) or
 * when asked to be, before anything is sent, so that a bad path fails the
 * run instead of its record.
 */
#ifndef CRAFT_RECORDER_H
#define CRAFT_RECORDER_H

#include <stdbool.h>
#include <sys/time.h>

#include "../core/layer.h"
#include "../decode/decode.h"
#include "capture.h"

struct recorder {
	const char *path;	/* NULL: record nothing */
	enum link_kind link;
	struct pcap_out *out;	/* NULL until created; kept after a failed write */
	bool each_frame;	/* flushed frame by frame: a SIGKILL keeps them */
	bool failed;		/* the file is not a whole record */
	char err[512];		/* why, once failed */
};

void recorder_init(struct recorder *r, const char *path, enum link_kind link);
/* Creates the file now; -1 with r->err. */
int recorder_prepare(struct recorder *r);
/* Appends a frame; -1 with r->err the first time the file cannot be
 * created (r->out NULL) or take a frame (nothing is recorded after that). */
int recorder_write(struct recorder *r, const struct frame *f, const struct timeval *ts);
/* Flushes and closes; -1 with r->err if the record is not whole. */
int recorder_close(struct recorder *r);

#endif
