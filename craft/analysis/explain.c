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
	if (s < 0.001)
		sb_printf(out, "%.0fµs", s * 1e6);
	else if (s < 1)
		sb_printf(out, "%.2fms", s * 1e3);
	else
		sb_printf(out, "%.3fs", s);
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
		if (1u << i == TE_DUPLICATE_ACK)
			sb_printf(out, " [dup ACK #%u of #%u]", dupack_num, dupack_frame);
		else
			sb_printf(out, " [%s]", tcp_expert_label(i) + 4);	/* past "TCP " */
	}
}

void explain_findings(const struct frame_analysis *fa, struct strbuf *out)
{
	if (!fa->is_tcp) {
		if (fa->answers) {
			sb_printf(out, " [reply to #%u, ", fa->answers);
			explain_duration(fa->answer_time, out);
			sb_putc(out, ']');
		}
		if (fa->answered_by)
			sb_printf(out, " [answered by #%u]", fa->answered_by);
		return;
	}
	const struct tcp_verdict *v = &fa->tcp;
	if (v->acks_frame) {
		sb_printf(out, " [ACK of #%u, ", v->acks_frame);
		explain_duration(v->ack_rtt, out);
		sb_putc(out, ']');
	}
	explain_expert(v->expert, v->dupack_num, v->dupack_frame, out);
}

void explain_suffix(const struct frame_analysis *fa, struct strbuf *out)
{
	explain_findings(fa, out);
	if (fa->is_tcp)
		sb_printf(out, " [%s > %s]", tcp_state_name(fa->tcp.src_state),
			  tcp_state_name(fa->tcp.dst_state));
}

static void seconds_line(const char *indent, const char *what, double s, struct strbuf *out)
{
	sb_printf(out, "%s    [%s: %.9f seconds]\n", indent, what, s);
}

void explain_tree(const struct frame_analysis *fa, bool absolute, const char *indent,
		  struct strbuf *out)
{
	if (!fa->is_tcp) {
		if (fa->answers)
			sb_printf(out, "%s[This is a reply to frame %u, %.9f seconds after it]\n",
				  indent, fa->answers, fa->answer_time);
		if (fa->answered_by)
			sb_printf(out, "%s[Answered by frame %u, %.9f seconds later]\n", indent,
				  fa->answered_by, fa->answered_after);
		return;
	}
	const struct tcp_verdict *v = &fa->tcp;
	sb_printf(out, "%s[Stream index: %u]\n", indent, v->stream);
	sb_printf(out, "%s[TCP Segment Len: %u]\n", indent, v->len);
	sb_printf(out, "%s[Next Sequence Number: %u%s]\n", indent,
		  absolute ? v->next_seq + (v->abs_seq - v->seq) : v->next_seq,
		  absolute ? "" : " (relative sequence number)");
	if (v->wscale >= 0)
		sb_printf(out, "%s[Calculated window size: %llu]\n%s[Window size scaling factor: %d]\n",
			  indent, (unsigned long long)v->window, indent, 1 << v->wscale);
	else if (v->wscale != WSCALE_SYN)
		sb_printf(out, "%s[Window size scaling factor: %d (%s)]\n", indent, v->wscale,
			  v->wscale == WSCALE_UNKNOWN ? "unknown" : "no window scaling used");
	sb_printf(out, "%s[States after this frame: sender %s, receiver %s]\n", indent,
		  tcp_state_name(v->src_state), tcp_state_name(v->dst_state));
	if (!v->acks_frame && !v->has_irtt && !v->expert)
		return;
	sb_printf(out, "%s[SEQ/ACK analysis]\n", indent);
	if (v->acks_frame) {
		sb_printf(out, "%s    [This is an ACK to the segment in frame: %u]\n", indent,
			  v->acks_frame);
		seconds_line(indent, "The RTT to ACK the segment was", v->ack_rtt, out);
	}
	if (v->has_irtt)
		seconds_line(indent, "iRTT", v->irtt, out);
	if (v->expert & TE_RETRANSMISSION && v->rto_frame) {
		seconds_line(indent, "The RTO for this segment was", v->rto, out);
		sb_printf(out, "%s    [RTO based on delta from frame: %u]\n", indent, v->rto_frame);
	}
	if (v->expert & TE_DUPLICATE_ACK)
		sb_printf(out, "%s    [Duplicate ACK #: %u]\n%s    [Duplicate to the ACK in frame: %u]\n",
			  indent, v->dupack_num, indent, v->dupack_frame);
	if (!v->expert)
		return;
	sb_printf(out, "%s    [TCP Analysis Flags]\n", indent);
	for (unsigned i = 0; i < TE_COUNT; i++)
		if (v->expert & (1u << i))
			sb_printf(out, "%s        [Expert Info: %s]\n", indent, tcp_expert_label(i));
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
