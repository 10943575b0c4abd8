/*
 * runview.h - `run`'s conversation view in words, for a front end to
 * print: a line per frame of the run (its number, the line and name of
 * its step or who sent it, the direction, the TCP numbers relative and
 * absolute, the analysis' findings, the state of our end and the peer's),
 * the same as JSON members, and what an expect that took a frame shown
 * before says.
 */
#ifndef CRAFT_RUNVIEW_H
#define CRAFT_RUNVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/strbuf.h"
#include "runner.h"

/* "#4    0.000041   14 < synack   10.9.0.2:9230 > ... (abs seq=458180811
 * ack=101) [ACK of #3, 26µs]  [us ESTABLISHED, peer SYN_RECEIVED]": frame
 * `no`, as runner_ops.frame gives it, with the seconds since the run's
 * first frame (fa->since_first). */
void runview_line(uint32_t no, const struct step *st, const struct frame *f,
		  enum run_from from, const struct frame_analysis *fa, struct strbuf *out);
/* "direction":"received","line":14,"step":"synack","state_us":...: the
 * members (without braces) the frame's JSON object adds. */
void runview_json(const struct step *st, enum run_from from, const struct frame_analysis *fa,
		  struct strbuf *out);
/* Expect `st` took frame `no`: "                  14 < synack   took #4" and a
 * newline, or with `json` {"took":4,"line":14,"step":"synack"}. */
void runview_took(const struct step *st, uint32_t no, bool json, struct strbuf *out);
/* A peer step's line: "        14 * peer     accepted 10.9.0.2:9230 -
 * 10.9.0.1:40000", or failed "FILE:14:1: peer accept: no connection
 * within 1s"; with `json` {"peer":"...","line":14,"op":"accept"} (and
 * "failed":true; an expect peer state's "op":"state" with "expected",
 * "got" and, where the view infers another, "view"). */
void runview_peer(const struct step *st, const char *file, const struct peer_said *said,
		  bool json, struct strbuf *out);

#endif
