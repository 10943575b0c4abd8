/* describe.h - text for people (summary, tree, hex) and for jq (JSON). */
#ifndef CRAFT_DESCRIBE_H
#define CRAFT_DESCRIBE_H

#include "../analysis/analysis.h"
#include "../core/layer.h"
#include "../util/strbuf.h"

/* One line, tcpdump/Wireshark style, without the newline. */
void describe_summary(const struct frame *f, struct strbuf *out);
/* The same with a TCP segment's analysed numbers (`fa` may be NULL):
 * relative unless `absolute`, the window scaled. */
void describe_summary_analysed(const struct frame *f, const struct frame_analysis *fa,
			       bool absolute, struct strbuf *out);
/* The field tree; `fa` (may be NULL) adds the analysis: relative TCP
 * numbers (raw with `absolute`) and Wireshark's analysis lines. */
void describe_tree(const struct frame *f, unsigned frame_no, const struct frame_analysis *fa,
		   bool absolute, struct strbuf *out);
/* Offsets, hex bytes and an ASCII column, 16 bytes a row. */
void describe_hex(const struct frame *f, struct strbuf *out);
/* One JSON object and a newline; `time` (may be NULL) in Unix seconds. */
void describe_json(const struct frame *f, unsigned frame_no, const double *time,
		   struct strbuf *out);
/* The same with `extra` (NULL, or members like "\"rtt_us\":84") added. */
void describe_json_with(const struct frame *f, unsigned frame_no, const double *time,
			const char *extra, struct strbuf *out);
/* describe_json_with in two halves, for members appended between them
 * straight into `out`, each with its leading comma: the object's start
 * (frame number and time), then the frame's own members and the end. */
void describe_json_open(unsigned frame_no, const double *time, struct strbuf *out);
void describe_json_close(const struct frame *f, struct strbuf *out);

#endif
