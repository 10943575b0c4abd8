/*
 * explain.h - the analysis of a frame as text: the summary line's short
 * suffix, the -v tree's lines in Wireshark's words, the JSON members; and
 * each conversation of the summary at the end.
 */
#ifndef CRAFT_EXPLAIN_H
#define CRAFT_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "analysis.h"
#include "../core/layer.h"
#include "../util/strbuf.h"

/* How explain_tcp_summary writes the numbers. */
enum {
	EXPLAIN_ABSOLUTE = 1,	/* raw seq/ack, not relative */
	EXPLAIN_NO_WINDOW = 2,	/* a conversation view's line: no win= */
};
/* The TCP summary with the analysed numbers (relative unless
 * EXPLAIN_ABSOLUTE in `style`, the window scaled); false if `f` has no
 * analysed TCP layer. */
bool explain_tcp_summary(const struct frame *f, const struct frame_analysis *fa,
			 unsigned style, struct strbuf *out);
/* " [ACK of #28, 63µs] [dup ACK #1 of #30]": the findings (for a UDP,
 * ICMP or ARP answer " [reply to #3, 27µs]"). */
void explain_findings(const struct frame_analysis *fa, struct strbuf *out);
/* The findings, then the sender's and receiver's states:
 * " [ACK of #28, 63µs] [ESTABLISHED > CLOSE_WAIT]". */
void explain_suffix(const struct frame_analysis *fa, struct strbuf *out);
/* " [Retransmission] [dup ACK #1 of #30]": the findings of enum
 * tcp_expert bits `expert`, each after a space. */
void explain_expert(unsigned expert, uint32_t dupack_num, uint32_t dupack_frame,
		    struct strbuf *out);
/* The tree's lines for the TCP layer's numbers and the analysis block,
 * each line starting with `indent`. */
void explain_tree(const struct frame_analysis *fa, bool absolute, const char *indent,
		  struct strbuf *out);
/* ,"tcp_analysis":{...} or ,"answers":N,...: members to append. */
void explain_json(const struct frame_analysis *fa, bool absolute, struct strbuf *out);
/* The summary at the end, for people: "TCP conversations: N", then each
 * conversation a frame was shown of on three lines (endpoints, duration,
 * frames and bytes each way, the handshake, how it closed,
 * retransmissions, both ends' last states); nothing when there is none. */
void explain_conversations(const struct analysis *a, struct strbuf *out);
/* "63µs", "1.25ms", "2.000s". */
void explain_duration(double seconds, struct strbuf *out);

#endif
