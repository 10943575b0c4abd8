/* explain.c - analysis results in the words of Wireshark's SEQ/ACK analysis. */
#include "explain.h"

#include <string.h>

#include "../proto/proto.h"
#include "../util/clock.h"

static size_t own_tcp(const struct frame *f)
{
	size_t own = frame_own_layers(f), t = own;
	for (size_t i = 0; i < own; i++)
		if (f->layer[i].def->id == L_TCP)
			t = i;
	return t;
}

bool explain_tcp_summary(const struct frame *f, const struct frame_analysis *fa,
			 unsigned style, struct strbuf *out)
{
	bool absolute = style & EXPLAIN_ABSOLUTE;
	size_t t = own_tcp(f);
	if (!fa || !fa->is_tcp || t == frame_own_layers(f))
		return false;
	const struct tcp_verdict *v = &fa->tcp;
	tcp_summary_numbers(f, t, absolute ? v->abs_seq : v->seq, absolute ? v->abs_ack : v->ack,
			    style & EXPLAIN_NO_WINDOW ? NULL : &v->window, v->len, out);
	return true;
}

void explain_duration(double s, struct strbuf *out)
{
	if (s < 0.001) {
		sb_fixed(out, s * 1e6, 0);
		sb_puts(out, "µs");
	} else if (s < 1) {
		sb_fixed(out, s * 1e3, 2);
		sb_puts(out, "ms");
	} else {
		sb_fixed(out, s, 3);
		sb_putc(out, 's');
	}
}

void explain_expert(unsigned expert, uint32_t dupack_num, uint32_t dupack_frame,
		    struct strbuf *out)
{
	/* As Wireshark's Info column: a fast or spurious retransmission is not
	 * called a retransmission besides. */
	if (expert & (TE_FAST_RETRANSMISSION | TE_SPURIOUS_RETRANSMISSION))
		expert &= ~TE_RETRANSMISSION;
	for (unsigned i = 0; i < TE_COUNT; i++) {
		if (!(expert & (1u << i)))
			continue;
		if (1u << i == TE_DUPLICATE_ACK) {
			sb_puts(out, " [dup ACK #");
			sb_u64(out, dupack_num);
			sb_puts(out, " of #");
			sb_u64(out, dupack_frame);
		} else {
			sb_puts(out, " [");
			sb_puts(out, tcp_expert_label(i) + 4);	/* past "TCP " */
		}
		sb_putc(out, ']');
	}
}

/* " [ACK of #12, 1.50ms]" */
static void frame_and_time(const char *what, uint32_t frame, double s, struct strbuf *out)
{
	sb_puts(out, what);
	sb_u64(out, frame);
	sb_puts(out, ", ");
	explain_duration(s, out);
	sb_putc(out, ']');
}

void explain_findings(const struct frame_analysis *fa, struct strbuf *out)
{
	if (!fa->is_tcp) {
		if (fa->answers)
			frame_and_time(" [reply to #", fa->answers, fa->answer_time, out);
		if (fa->answered_by) {
			sb_puts(out, " [answered by #");
			sb_u64(out, fa->answered_by);
			sb_putc(out, ']');
		}
		return;
	}
	const struct tcp_verdict *v = &fa->tcp;
	if (v->acks_frame)
		frame_and_time(" [ACK of #", v->acks_frame, v->ack_rtt, out);
	explain_expert(v->expert, v->dupack_num, v->dupack_frame, out);
}

void explain_suffix(const struct frame_analysis *fa, struct strbuf *out)
{
	explain_findings(fa, out);
	if (fa->is_tcp) {
		sb_puts(out, " [");
		sb_puts(out, tcp_state_name(fa->tcp.src_state));
		sb_puts(out, " > ");
		sb_puts(out, tcp_state_name(fa->tcp.dst_state));
		sb_putc(out, ']');
	}
}

/* "    [Stream index: " ... : a tree line's start after `indent`. */
static void line_start(const char *indent, const char *what, struct strbuf *out)
{
	sb_puts(out, indent);
	sb_puts(out, what);
}

/* indent, what, n, then `end`. */
static void number_line(const char *indent, const char *what, uint64_t n, const char *end,
			struct strbuf *out)
{
	line_start(indent, what, out);
	sb_u64(out, n);
	sb_puts(out, end);
}

static void seconds_line(const char *indent, const char *what, double s, struct strbuf *out)
{
	line_start(indent, "    [", out);
	sb_puts(out, what);
	sb_puts(out, ": ");
	sb_fixed(out, s, 9);
	sb_puts(out, " seconds]\n");
}

void explain_tree(const struct frame_analysis *fa, bool absolute, const char *indent,
		  struct strbuf *out)
{
	if (!fa->is_tcp) {
		if (fa->answers) {
			number_line(indent, "[This is a reply to frame ", fa->answers, ", ", out);
			sb_fixed(out, fa->answer_time, 9);
			sb_puts(out, " seconds after it]\n");
		}
		if (fa->answered_by) {
			number_line(indent, "[Answered by frame ", fa->answered_by, ", ", out);
			sb_fixed(out, fa->answered_after, 9);
			sb_puts(out, " seconds later]\n");
		}
		return;
	}
	const struct tcp_verdict *v = &fa->tcp;
	number_line(indent, "[Stream index: ", v->stream, "]\n", out);
	number_line(indent, "[TCP Segment Len: ", v->len, "]\n", out);
	number_line(indent, "[Next Sequence Number: ",
		    absolute ? (uint32_t)(v->next_seq + (v->abs_seq - v->seq)) : v->next_seq,
		    absolute ? "]\n" : " (relative sequence number)]\n", out);
	if (v->wscale >= 0) {
		number_line(indent, "[Calculated window size: ", v->window, "]\n", out);
		number_line(indent, "[Window size scaling factor: ", 1u << v->wscale, "]\n", out);
	} else if (v->wscale != WSCALE_SYN) {
		line_start(indent, "[Window size scaling factor: ", out);
		sb_i64(out, v->wscale);
		sb_puts(out, v->wscale == WSCALE_UNKNOWN ? " (unknown)]\n" :
			" (no window scaling used)]\n");
	}
	line_start(indent, "[States after this frame: sender ", out);
	sb_puts(out, tcp_state_name(v->src_state));
	sb_puts(out, ", receiver ");
	sb_puts(out, tcp_state_name(v->dst_state));
	sb_puts(out, "]\n");
	if (!v->acks_frame && !v->has_irtt && !v->expert)
		return;
	line_start(indent, "[SEQ/ACK analysis]\n", out);
	if (v->acks_frame) {
		number_line(indent, "    [This is an ACK to the segment in frame: ", v->acks_frame,
			    "]\n", out);
		seconds_line(indent, "The RTT to ACK the segment was", v->ack_rtt, out);
	}
	if (v->has_irtt)
		seconds_line(indent, "iRTT", v->irtt, out);
	if (v->expert & TE_RETRANSMISSION && v->rto_frame) {
		seconds_line(indent, "The RTO for this segment was", v->rto, out);
		number_line(indent, "    [RTO based on delta from frame: ", v->rto_frame, "]\n", out);
	}
	if (v->expert & TE_DUPLICATE_ACK) {
		number_line(indent, "    [Duplicate ACK #: ", v->dupack_num, "]\n", out);
		number_line(indent, "    [Duplicate to the ACK in frame: ", v->dupack_frame, "]\n",
			    out);
	}
	if (!v->expert)
		return;
	line_start(indent, "    [TCP Analysis Flags]\n", out);
	for (unsigned i = 0; i < TE_COUNT; i++)
		if (v->expert & (1u << i)) {
			line_start(indent, "        [Expert Info: ", out);
			sb_puts(out, tcp_expert_label(i));
			sb_puts(out, "]\n");
		}
}

static void json_u64(const char *key, uint64_t v, struct strbuf *out)
{
	sb_json_key(out, key);
	sb_u64(out, v);
}

static void json_seconds(const char *key, bool known, double s, struct strbuf *out)
{
	sb_json_key(out, key);
	if (known)
		sb_fixed(out, s, 9);
	else
		sb_puts(out, "null");
}

void explain_json(const struct frame_analysis *fa, bool absolute, struct strbuf *out)
{
	if (!fa->is_tcp) {
		if (fa->answers) {
			json_u64("answers", fa->answers, out);
			json_seconds("answer_time", true, fa->answer_time, out);
		}
		if (fa->answered_by)
			json_u64("answered_by", fa->answered_by, out);
		return;
	}
	const struct tcp_verdict *v = &fa->tcp;
	uint32_t base = v->abs_seq - v->seq;
	sb_puts(out, ",\"tcp_analysis\":{\"stream\":");
	sb_u64(out, v->stream);
	json_u64("seq", absolute ? v->abs_seq : v->seq, out);
	json_u64("ack", absolute ? v->abs_ack : v->ack, out);
	json_u64("len", v->len, out);
	json_u64("next_seq", absolute ? v->next_seq + base : v->next_seq, out);
	if (v->acks_frame)
		json_u64("acks_frame", v->acks_frame, out);
	else
		sb_puts(out, ",\"acks_frame\":null");
	/* Wireshark shows no RTT of 0 (an ACK with its segment's timestamp). */
	json_seconds("ack_rtt", v->acks_frame && v->ack_rtt != 0, v->ack_rtt, out);
	json_seconds("irtt", v->has_irtt, v->irtt, out);
	json_u64("window", v->window, out);
	sb_json_key(out, "wscale");
	if (v->wscale == WSCALE_SYN)
		sb_puts(out, "null");
	else
		sb_i64(out, v->wscale);
	sb_puts(out, ",\"expert\":[");
	bool first = true;
	for (unsigned i = 0; i < TE_COUNT; i++)
		if (v->expert & (1u << i)) {
			if (!first)
				sb_putc(out, ',');
			sb_json_word(out, tcp_expert_key(i));
			first = false;
		}
	sb_putc(out, ']');
	if (v->expert & TE_DUPLICATE_ACK) {
		json_u64("dupack_num", v->dupack_num, out);
		json_u64("dupack_frame", v->dupack_frame, out);
	}
	if (v->expert & TE_RETRANSMISSION && v->rto_frame)
		json_u64("rto_frame", v->rto_frame, out);
	sb_puts(out, ",\"state\":{\"src\":");
	sb_json_word(out, tcp_state_name(v->src_state));
	sb_json_key(out, "dst");
	sb_json_word(out, tcp_state_name(v->dst_state));
	sb_puts(out, "}}");
}

static const char *closed_how(const struct conv_summary *c)
{
	if (c->rst)
		return "reset (RST)";
	if (c->fin[0] && c->fin[1])
		return "closed by FIN both ways";
	if (c->fin[0] || c->fin[1])
		return "half closed (FIN one way)";
	return "still open";
}

static void explain_conversation(const struct conv_summary *c, struct strbuf *out)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	addr_format(&c->addr[0], a, sizeof a);
	addr_format(&c->addr[1], b, sizeof b);
	const char *open6 = c->addr[0].family == ADDR_IPV6 ? "[" : "",
		   *close6 = c->addr[0].family == ADDR_IPV6 ? "]" : "";
	char d[USEC_TEXT_LEN];
	format_usec(usec_between(&c->first, &c->last), d, sizeof d);
	sb_printf(out, "  stream %u: %s%s%s:%u <-> %s%s%s:%u, %s s\n", c->stream, open6, a,
		  close6, c->port[0], open6, b, close6, c->port[1], d);
	sb_printf(out, "    ->: frames %llu, bytes %llu; <-: frames %llu, bytes %llu\n",
		  (unsigned long long)c->frames[0], (unsigned long long)c->bytes[0],
		  (unsigned long long)c->frames[1], (unsigned long long)c->bytes[1]);
	sb_printf(out, "    %s; %s; %llu retransmission%s; states %s / %s\n",
		  c->handshake_done ? "handshake complete" :
		  c->syn_seen ? "handshake not completed" : "handshake not seen", closed_how(c),
		  (unsigned long long)c->retransmissions, c->retransmissions == 1 ? "" : "s",
		  tcp_state_name(c->state[0]), tcp_state_name(c->state[1]));
}

void explain_conversations(const struct analysis *a, struct strbuf *out)
{
	size_t n, shown = 0;
	const struct conv_summary *c = analysis_conversations(a, &n);
	for (size_t i = 0; i < n; i++)
		shown += c[i].shown;
	if (shown)
		sb_printf(out, "TCP conversations: %zu\n", shown);
	for (size_t i = 0; i < n; i++)
		if (c[i].shown)
			explain_conversation(&c[i], out);
}
