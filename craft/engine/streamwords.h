/* streamwords.h - a stream's summary (`send --rate`, `--flood`), for a
 * front end to print. */
#ifndef CRAFT_STREAMWORDS_H
#define CRAFT_STREAMWORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/strbuf.h"
#include "stream.h"

struct stream_words {
	bool json;
	uint64_t rate;		/* the pace asked (--rate), 0: none */
	bool wrote;		/* frames go to a -w file */
	bool replies;		/* replies were waited for: classes follow */
	const char *signame;	/* what stopped it early, or NULL */
};

/* Frames a second of `frames` sent in `passes` passes over `secs`, each
 * pass's from its frame 0 to its last: a pass of N frames spans N - 1
 * intervals; 0 without an interval. */
double stream_pps(uint64_t frames, unsigned passes, double secs);
/* "--- 1000 sent in 0.010s (...)" and the classes, or one JSON line. */
void stream_words(const struct stream *s, const struct stream_words *w, struct strbuf *out);

/* --retries' passes, for streams and probes one by one alike (`retries` 0:
 * nothing): "    3 passes (--retries 2): 218 probed again, then 12", or the
 * JSON members ,"passes":3,"reprobed":[218,12]. */
void passes_words(unsigned retries, unsigned passes, const uint64_t *reprobed, bool none_left,
		  bool json, struct strbuf *out);

#endif
