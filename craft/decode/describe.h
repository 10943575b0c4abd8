/* describe.h - text for people (summary, tree, hex) and for jq (JSON). */
#ifndef CRAFT_DESCRIBE_H
#define CRAFT_DESCRIBE_H

#include "conv.h"
#include "../core/layer.h"
#include "../util/strbuf.h"

/* One line, tcpdump/Wireshark style, without the newline. */
void describe_summary(const struct frame *f, struct strbuf *out);
/* The field tree; `conv` (may be NULL) gives relative TCP numbers. */
void describe_tree(const struct frame *f, unsigned frame_no, struct conv *conv,
		   struct strbuf *out);
/* Offsets, hex bytes and an ASCII column, 16 bytes a row. */
void describe_hex(const struct frame *f, struct strbuf *out);
/* The summary for a conversation view: TCP seq/ack relative to each
 * direction's first, absolute in parentheses. */
void describe_conversation(const struct frame *f, struct conv *conv, struct strbuf *out);
/* One JSON object and a newline; `time` (may be NULL) in Unix seconds. */
void describe_json(const struct frame *f, unsigned frame_no, const double *time,
		   struct strbuf *out);
/* The same with `extra` (NULL, or members like "\"rtt_us\":84") added. */
void describe_json_with(const struct frame *f, unsigned frame_no, const double *time,
			const char *extra, struct strbuf *out);

#endif
