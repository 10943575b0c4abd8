/* runview.c - the conversation view's line, JSON members and "took #N". */
#include "runview.h"

#include <stdio.h>
#include <string.h>

#include "../analysis/explain.h"
#include "../decode/describe.h"
#include "../lang/peerstep.h"

/* Who sent a frame no step sent; NULL for a step's and a received one. */
static const char *sender(enum run_from from)
{
	static const char *const names[] = {
		[RUN_LOOKUP] = "lookup", [RUN_GHOST] = "ghost", [RUN_KERNEL] = "kernel",
	};
	return from == RUN_STEP || from == RUN_PEER ? NULL : names[from];
}

/* The TCP states of our end and the peer's after a frame `sent` or not. */
static void ends_of(const struct frame_analysis *fa, bool sent, enum tcp_state *us,
		    enum tcp_state *peer)
{
	*us = sent ? fa->tcp.src_state : fa->tcp.dst_state;
	*peer = sent ? fa->tcp.dst_state : fa->tcp.src_state;
}

/* "#4    0.000041   14 > synack   ": the number, the seconds since the
 * first frame (Wireshark's Time column), the step's line and name (or who
 * sent it), the direction; a line of no frame (`no` 0) leaves the first
 * two blank. */
static void columns(uint32_t no, double secs, const struct step *st, bool sent,
		    const char *who, struct strbuf *out)
{
	char num[16] = "", time[24] = "", line[16] = "", by[16] = "";
	if (no) {
		snprintf(num, sizeof num, "#%u", no);
		snprintf(time, sizeof time, "%.6f", secs);
	}
	if (st)
		snprintf(line, sizeof line, "%u", st->pos.line);
	if (who)
		snprintf(by, sizeof by, "(%s)", who);
	/* The time ends at column 14, or a space after a long number. */
	int w = 14 - (int)strlen(num), least = (int)strlen(time) + (no ? 1 : 0);
	sb_printf(out, "%s%*s %4s %s %-8s ", num, w > least ? w : least, time, line,
		  sent ? ">" : "<", who ? by : st && st->name ? st->name : "");
}

void runview_line(uint32_t no, const struct step *st, const struct frame *f,
		  enum run_from from, const struct frame_analysis *fa, struct strbuf *out)
{
	bool sent = from != RUN_PEER;
	columns(no, fa->since_first, st, sent, sender(from), out);
	if (explain_tcp_summary(f, fa, EXPLAIN_NO_WINDOW, out)) {
		sb_printf(out, " (abs seq=%u", fa->tcp.abs_seq);
		if (fa->tcp.ack_valid)
			sb_printf(out, " ack=%u", fa->tcp.abs_ack);
		sb_putc(out, ')');
	} else {
		describe_summary(f, out);
	}
	explain_findings(fa, out);
	if (fa->is_tcp) {
		enum tcp_state us, peer;
		ends_of(fa, sent, &us, &peer);
		sb_printf(out, "  [us %s, peer %s]", tcp_state_name(us), tcp_state_name(peer));
	}
}

void runview_json(const struct step *st, enum run_from from, const struct frame_analysis *fa,
		  struct strbuf *out)
{
	bool sent = from != RUN_PEER;
	sb_puts(out, sent ? "\"direction\":\"sent\"" : "\"direction\":\"received\"");
	sb_json_key(out, "line");
	sb_u64(out, st ? st->pos.line : 0);
	if (st && st->name) {
		sb_json_key(out, "step");
		sb_json_str(out, st->name, strlen(st->name));
	}
	if (sender(from)) {
		sb_json_key(out, "by");
		sb_json_word(out, sender(from));
	}
	if (fa->is_tcp) {
		enum tcp_state us, peer;
		ends_of(fa, sent, &us, &peer);
		sb_json_key(out, "state_us");
		sb_json_word(out, tcp_state_name(us));
		sb_json_key(out, "state_peer");
		sb_json_word(out, tcp_state_name(peer));
	}
}

void runview_took(const struct step *st, uint32_t no, bool json, struct strbuf *out)
{
	if (json) {
		sb_printf(out, "{\"took\":%u,\"line\":%u,\"step\":", no, st->pos.line);
		sb_json_str(out, st->name, strlen(st->name));
		sb_puts(out, "}\n");
	} else {
		columns(0, 0, st, false, NULL, out);
		sb_printf(out, "took #%u\n", no);
	}
}

static void json_word(struct strbuf *out, const char *key, const char *word)
{
	sb_json_key(out, key);
	sb_json_word(out, word);
}

void runview_peer(const struct step *st, const char *file, const struct peer_said *said,
		  bool json, struct strbuf *out)
{
	if (json) {
		sb_puts(out, "{\"peer\":");
		sb_json_str(out, said->text, strlen(said->text));
		sb_printf(out, ",\"line\":%u", st->pos.line);
		json_word(out, "op", st->kind == STEP_PEER ? peerstep_name(st->peer) : "state");
		if (st->kind == STEP_PEER_STATE) {
			json_word(out, "expected", tcp_state_netstat((enum tcp_state)st->state));
			json_word(out, "got", said->got ? said->got : "");
		}
		if (said->view)
			json_word(out, "view", said->view);
		sb_puts(out, said->failed ? ",\"failed\":true}\n" : "}\n");
	} else if (said->failed) {
		sb_printf(out, "%s:%u:%u: %s\n", file, st->pos.line, st->pos.col, said->text);
	} else {
		sb_printf(out, "%-5s%9s %4u * %-8s %s\n", "", "", st->pos.line, "peer", said->text);
	}
}
