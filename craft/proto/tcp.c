/* tcp.c - Transmission Control Protocol header (RFC 9293) and its options. */
#include <stdio.h>

#include "proto.h"
#include "transport.h"

static const char *lint_flags(uint64_t v)
{
	if ((v & TCP_F_SYN) && (v & TCP_F_FIN))
		return "SYN and FIN together: most stacks and firewalls drop it";
	if ((v & TCP_F_SYN) && (v & TCP_F_RST))
		return "SYN and RST together: no stack sends this";
	return NULL;
}

static const char *lint_port(uint64_t v)
{
	return v == 0 ? "reserved: stacks answer with RST or drop it" : NULL;
}

/* The last reserved bit, formerly the ECN nonce (RFC 3540, historic). */
static const struct field_name ae_names[] = {
	{ 0, NULL, "Not set" }, { 1, NULL, "Set" }, { 0, NULL, NULL },
};

static const struct field tcp_fields[] = {
	[TCP_SPORT] = { "sport", "Source Port", 0, 16, FK_UINT, FD_EPHEMERAL, 0, 0, NULL, NULL, NULL },
	[TCP_DPORT] = { "dport", "Destination Port", 16, 16, FK_UINT, FD_REQUIRED, 0, 0, NULL, lint_port, NULL },
	[TCP_SEQ] = { "seq", "Sequence Number", 32, 32, FK_UINT, FD_RANDOM, 0, 0, NULL, NULL, NULL },
	[TCP_ACK] = { "ack", "Acknowledgment Number", 64, 32, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[TCP_OFF] = { "off", "Header Length", 96, 4, FK_UINT, FD_COMPUTED, 0, FF_WORDS, NULL, NULL, NULL },
	[TCP_RES] = { "res", "Reserved", 100, 4, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[TCP_AE] = { "ae", "Accurate ECN", 103, 1, FK_UINT, FD_CONST, 0, FF_ALIAS, ae_names, NULL, NULL },
	[TCP_FLAGS] = { "flags", "Flags", 104, 8, FK_TCPFLAGS, FD_CONST, TCP_F_SYN, FF_HEX, NULL, lint_flags, NULL },
	[TCP_WIN] = { "win", "Window", 112, 16, FK_UINT, FD_CONST, 64240, 0, NULL, NULL, NULL },
	[TCP_CSUM] = { "csum", "Checksum", 128, 16, FK_UINT, FD_COMPUTED, 0, FF_HEX | FF_CHECKSUM, NULL, NULL, NULL },
	[TCP_URP] = { "urp", "Urgent Pointer", 144, 16, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[TCP_OPTS] = { "opts", "Options", 160, 0, FK_TCPOPTS, FD_ABSENT, 0, FF_VARIABLE, NULL, NULL, NULL },
};
FIELD_TABLE_FITS(tcp_fields, TCP_NFIELDS);

static size_t tcp_header_len(const struct layer *l)
{
	return (size_t)lv(l, TCP_OFF) * 4;
}

static bool tcp_checksum(const struct frame *f, size_t idx, uint16_t *want,
			 uint32_t *partial)
{
	return transport_checksum(f, idx, 6, 16, 0, want, partial);
}

static void tcp_title(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	sb_puts(out, "Transmission Control Protocol, Src Port: ");
	sb_u64(out, lv(l, TCP_SPORT));
	sb_puts(out, ", Dst Port: ");
	sb_u64(out, lv(l, TCP_DPORT));
	sb_puts(out, ", Seq: ");
	sb_u64(out, lv(l, TCP_SEQ));
	if (lv(l, TCP_FLAGS) & TCP_F_ACK) {
		sb_puts(out, ", Ack: ");
		sb_u64(out, lv(l, TCP_ACK));
	}
	sb_puts(out, ", Len: ");
	sb_u64(out, tcp_segment_len(f, idx));
}

size_t tcp_segment_end(const struct frame *f, size_t idx)
{
	bool whole;
	size_t end = frame_payload_end(f, idx, &whole);
	return !whole && f->wire_len > end ? f->wire_len : end;
}

size_t tcp_segment_len(const struct frame *f, size_t idx)
{
	const struct layer *l = &f->layer[idx];
	size_t end = tcp_segment_end(f, idx);
	size_t hl = tcp_header_len(l);	/* as it says, if the capture cut it */
	size_t start = l->off + (hl > l->hdr_len ? hl : l->hdr_len);
	return end > start ? end - start : 0;
}

bool tcp_opts_cut(const struct frame *f, const struct layer *l)
{
	return f->len < f->wire_len && l->off + tcp_header_len(l) > f->len;
}

uint64_t tcp_flag_word(const struct layer *l)
{
	return lv(l, TCP_RES) << 8 | lv(l, TCP_FLAGS);
}

void tcp_summary_numbers(const struct frame *f, size_t idx, uint32_t seq, uint32_t ack,
			 const uint64_t *win, size_t len, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	char flags[64];
	format_tcpflags_names(tcp_flag_word(l), flags, sizeof flags);
	transport_endpoints(f, idx, lv(l, TCP_SPORT), lv(l, TCP_DPORT), out);
	sb_puts(out, " TCP [");
	sb_puts(out, flags);
	sb_puts(out, "] seq=");
	sb_u64(out, seq);
	if (lv(l, TCP_FLAGS) & TCP_F_ACK) {
		sb_puts(out, " ack=");
		sb_u64(out, ack);
	}
	if (win) {
		sb_puts(out, " win=");
		sb_u64(out, *win);
	}
	sb_puts(out, " len=");
	sb_u64(out, len);
}

static void tcp_summary(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	uint64_t win = lv(l, TCP_WIN);
	tcp_summary_numbers(f, idx, (uint32_t)lv(l, TCP_SEQ), (uint32_t)lv(l, TCP_ACK), &win,
			    tcp_segment_len(f, idx), out);
}

const struct layer_def tcp_layer = {
	.id = L_TCP, .name = "tcp", .label = "Transmission Control Protocol",
	.fields = tcp_fields, .nfields = TCP_NFIELDS, .min_len = 20,
	.demux = -1, .csum_field = TCP_CSUM, .csum_pseudo = true,
	.header_len = tcp_header_len, .checksum = tcp_checksum,
	.title = tcp_title, .summary = tcp_summary,
};
