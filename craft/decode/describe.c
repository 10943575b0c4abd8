/* describe.c - frames as text: summary line, field tree, hex dump, JSON. */
#include "describe.h"

#include <stdio.h>
#include <string.h>

#include "link.h"
#include "../analysis/explain.h"
#include "../proto/proto.h"
#include "../proto/tcpopts.h"
#include "../proto/transport.h"
#include "../util/strbuf.h"

#define INDENT "    "

static bool has(const struct layer *l, size_t k)
{
	return l->present & (1u << k);
}

static bool complete(const struct layer *l)
{
	for (size_t k = 0; k < l->def->nfields; k++)
		if (l->def->fields[k].bits && !has(l, k) &&
		    (!l->def->applies || l->def->applies(l, k)))
			return false;
	return true;
}

/* The link header of a frame when it is not a layer itself: cooked and
 * loopback headers, raw IP's version; NULL for Ethernet and built frames. */
static const struct link_type *link_header(const struct frame *f)
{
	return f->link && f->link->next != LN_LAYER ? f->link : NULL;
}

/* "24 (IPv6)": what the link header names next, and its meaning. */
static void link_value_text(const struct frame *f, struct strbuf *out)
{
	const struct link_type *lt = f->link;
	uint16_t type;
	sb_printf(out, "%u", (unsigned)f->link_value);
	if (!link_ethertype(lt, f->link_value, &type))
		return;
	const struct field_name *n = field_name_by_value(&eth_layer.fields[ETH_TYPE], type);
	if (n)
		sb_printf(out, " (%s)", n->meaning);
}

/* For a frame with no whole layer: "BSD loopback family 24 (IPv6) length 48",
 * as Ethernet's summary names its EtherType. */
static void link_summary(const struct frame *f, struct strbuf *out)
{
	sb_printf(out, "%s %s ", f->link->name, f->link->key);
	link_value_text(f, out);
	sb_printf(out, " length %zu", f->wire_len);
}

/* The innermost layer with a summary in [from, to) that was captured
 * whole, or `to` if none: a cut header has no values to summarise. */
static size_t summary_layer(const struct frame *f, size_t from, size_t to)
{
	for (size_t i = to; i-- > from;)
		if (f->layer[i].def->summary && complete(&f->layer[i]))
			return i;
	return to;
}

void describe_summary(const struct frame *f, struct strbuf *out)
{
	describe_summary_analysed(f, NULL, false, out);
}

void describe_summary_analysed(const struct frame *f, const struct frame_analysis *fa,
			       bool absolute, struct strbuf *out)
{
	/* An ICMP error speaks for itself; what it quotes comes after "for". */
	size_t end = frame_own_layers(f);
	size_t at = summary_layer(f, 0, end);
	/* A TCP segment's own line, with the analysed numbers when there are. */
	bool analysed = at < end && f->layer[at].def->id == L_TCP &&
			explain_tcp_summary(f, fa, absolute ? EXPLAIN_ABSOLUTE : 0, out);
	if (!analysed && at < end)
		f->layer[at].def->summary(f, at, out);
	else if (!analysed && link_header(f) && f->has_link_value)
		link_summary(f, out);
	else if (!analysed)
		sb_printf(out, "%zu bytes, no complete header", f->len);
	size_t quoted = summary_layer(f, end, f->nlayers);
	if (quoted < f->nlayers) {
		sb_puts(out, " for ");
		f->layer[quoted].def->summary(f, quoted, out);
	}
	for (size_t i = 0; i < end; i++) {
		if (f->layer[i].csum == CS_INCORRECT)
			sb_printf(out, " [bad %s checksum]", f->layer[i].def->name);
		if (f->layer[i].note && strncmp(f->layer[i].note, "truncated", 9) == 0)
			sb_printf(out, " [%s truncated]", f->layer[i].def->name);
		else if (f->layer[i].note && strncmp(f->layer[i].note, "bogus", 5) == 0)
			sb_printf(out, " [bogus %s header]", f->layer[i].def->name);
	}
}

/* An address's text, or a number's past 64 bits. */
static void format_fixed(const struct field *fd, u128 v, char *buf, size_t len)
{
	switch (fd->kind) {
	case FK_MAC:
		format_mac((uint64_t)v, buf, len);
		break;
	case FK_IPV4:
		format_ipv4((uint64_t)v, buf, len);
		break;
	case FK_IPV6:
		format_ipv6(v, buf, len);
		break;
	default:
		format_wide(v, true, buf, len);
		break;
	}
}

/* A field's value as the tree shows it: hex fields zero-padded to their width. */
static void value_text(const struct field *fd, u128 v, struct strbuf *out)
{
	char buf[64];
	if (fd->kind == FK_MAC || fd->kind == FK_IPV4 || fd->kind == FK_IPV6 || fd->bits > 64) {
		format_fixed(fd, v, buf, sizeof buf);
		sb_puts(out, buf);
	} else if (fd->flags & FF_HEX) {
		sb_add(out, "0x", 2);
		sb_hexw(out, (uint64_t)v, (fd->bits + 3) / 4);
	} else {
		sb_u64(out, (uint64_t)v);
	}
}

/* " [incorrect, should be 0x1a2b" and what follows it. */
static void should_be(const char *before, unsigned expected, const char *after,
		      struct strbuf *out)
{
	sb_puts(out, before);
	sb_add(out, "0x", 2);
	sb_hexw(out, expected, 4);
	sb_puts(out, after);
}

static void checksum_status(const struct layer *l, struct strbuf *out)
{
	switch (l->csum) {
	case CS_CORRECT:
		sb_puts(out, " [correct]");
		break;
	case CS_INCORRECT:
		/* Only a sum over a pseudo-header is one a NIC completes: the
		 * IPv4 header's and ICMP's are the kernel's own. */
		if (l->def->id == L_UDP && lv(l, l->def->csum_field) == 0)
			should_be(" [incorrect: zero, no checksum, is illegal here (RFC 8200 8.1), "
				  "should be ", l->csum_expected, "]", out);
		else if (l->def->csum_pseudo)
			should_be(" [incorrect, should be ", l->csum_expected,
				  " (maybe caused by checksum offload)]", out);
		else
			should_be(" [incorrect, should be ", l->csum_expected, "]", out);
		break;
	case CS_PARTIAL:
		should_be(" [partial: pseudo-header only, as a sender with checksum "
			  "offload hands it to the NIC; not an error; complete: ", l->csum_expected,
			  "]", out);
		break;
	case CS_UNVERIFIED:
		sb_puts(out, " [unverified: not all covered bytes were captured]");
		break;
	case CS_BOGUS:
		sb_puts(out, " [unverified: a length in the header is bogus]");
		break;
	default:
		if (l->def->id == L_UDP)
			sb_puts(out, " [none: zero means the sender computed no checksum]");
		break;
	}
}

/* An analysed TCP layer's numbers, as Wireshark shows them beside the raw. */
static bool tree_tcp_number(size_t k, const struct tcp_verdict *v, bool absolute, uint64_t raw,
			    struct strbuf *out)
{
	if (k == TCP_SEQ && !absolute) {
		sb_u64(out, v->seq);
		sb_puts(out, " (relative sequence number), raw ");
		sb_u64(out, raw);
	} else if (k == TCP_ACK && !absolute && v->ack_valid) {
		sb_u64(out, v->ack);
		sb_puts(out, " (relative ack number), raw ");
		sb_u64(out, raw);
	} else if (k == TCP_WIN && v->wscale >= 0) {
		sb_u64(out, raw);
		sb_puts(out, " (scaled: ");
		sb_u64(out, v->window);
		sb_putc(out, ')');
	} else {
		return false;
	}
	sb_putc(out, '\n');
	return true;
}

static void tree_field(const struct frame *f, size_t idx, size_t k,
		       const struct tcp_verdict *tcp, bool absolute, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	const struct field *fd = &l->def->fields[k];
	u128 wide = l->val[k].u;
	uint64_t v = (uint64_t)wide;	/* flags, numbers and names: 64 bits at most */
	const char *indent = (fd->flags & FF_ALIAS) ? INDENT INDENT : INDENT;

	if (fd->kind == FK_TCPOPTS) {
		bool cut = tcp_opts_cut(f, l);
		if (cut)
			sb_printf(out, INDENT "Options: (%llu bytes, %zu captured)\n",
				  (unsigned long long)lv(l, TCP_OFF) * 4 - 20, l->val[k].len);
		else
			sb_printf(out, INDENT "Options: (%zu bytes)\n", l->val[k].len);
		tcpopts_describe(l->val[k].bytes, l->val[k].len, cut, TCPOPT_TREE, INDENT INDENT,
				 out);
		return;
	}
	if (fd->kind == FK_OPTS) {
		sb_puts(out, INDENT);
		sb_puts(out, fd->label);
		sb_puts(out, ": (");
		sb_u64(out, l->val[k].len);
		sb_puts(out, " bytes)\n");
		fd->codec->describe(l->val[k].bytes, l->val[k].len, OPT_TREE, INDENT INDENT, out);
		return;
	}
	if (fd->kind == FK_HEX) {	/* an address no format names (ARP's) */
		sb_puts(out, INDENT);
		sb_puts(out, fd->label);
		sb_puts(out, ": ");
		sb_hex(out, l->val[k].bytes, l->val[k].len, '\0');
		sb_putc(out, '\n');
		return;
	}
	if (fd->flags & FF_VARIABLE)
		return;
	sb_puts(out, indent);
	sb_puts(out, fd->label);
	sb_puts(out, ": ");
	if (fd->kind == FK_LETTERS) {
		value_text(fd, wide, out);
		sb_puts(out, " (");
		bool any = false;
		for (const struct field_name *nm = fd->names; nm->keyword || nm->meaning; nm++)
			if (v & nm->value) {
				if (any)
					sb_puts(out, ", ");
				sb_puts(out, nm->meaning);
				any = true;
			}
		sb_puts(out, any ? ")\n" : "none)\n");
		return;
	}
	if (fd->kind == FK_TCPFLAGS) {
		char buf[64];
		v = tcp_flag_word(l);	/* Wireshark's 12 bits */
		format_tcpflags_names(v, buf, sizeof buf);
		sb_add(out, "0x", 2);
		sb_hexw(out, v, 3);
		sb_puts(out, " (");
		sb_puts(out, buf);
		sb_puts(out, ")\n");
		return;
	}
	if (tcp && tree_tcp_number(k, tcp, absolute, v, out))
		return;
	char named[MAC_NAMED_LEN];
	if (fd->kind == FK_MAC && format_mac_named(v, named, sizeof named)) {
		sb_puts(out, named);
		sb_putc(out, '\n');
		return;
	}
	value_text(fd, wide, out);
	const struct field_name *n = field_name_by_value(fd, v);
	const char *means = l->def->meaning ? l->def->meaning(l, k) : NULL;
	if (!means && n)
		means = n->meaning;
	if (means) {
		sb_puts(out, " (");
		sb_puts(out, means);
		sb_putc(out, ')');
	} else if (fd->kind == FK_MAC && v == UINT64_C(0xffffffffffff)) {
		sb_puts(out, " (broadcast)");
	}
	if (fd->flags & FF_WORDS) {
		sb_puts(out, " (");
		sb_u64(out, v * 4);
		sb_puts(out, " bytes)");
	}
	if ((int)k == l->def->csum_field)
		checksum_status(l, out);
	sb_putc(out, '\n');
}

/* isprint() in the C locale, which the CLI never leaves, without a call. */
static bool text_byte(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

/* Whether any of the 8 bytes in `x` is below 0x20 or 0x7f and above (SWAR:
 * a borrow or carry into a byte's top bit; exact for "any", as both only
 * spill out of a byte that is itself such a byte). */
static bool special8(uint64_t x)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), high = ones * 0x80;
	return ((x - ones * 0x20) | (x + ones) | x) & high;
}

static bool printable(const uint8_t *p, size_t n)
{
	size_t i = 0;
	for (uint64_t x; i + 8 <= n && (memcpy(&x, p + i, 8), !special8(x)); i += 8)
		;
	for (; i < n; i++)
		if (!text_byte(p[i]) && p[i] != '\n' && p[i] != '\r' && p[i] != '\t')
			return false;
	return n > 0;
}

/* "[Text: ...]" with newlines, returns and tabs escaped, if every byte is
 * text: one pass, taken back at the first that is not. */
static void tree_text(const uint8_t *p, size_t n, struct strbuf *out)
{
	size_t mark = out->len;
	sb_puts(out, INDENT "[Text: ");
	sb_grow(out, 2 * n + 2);	/* every byte escaped, and "]\n" */
	char *o = out->s + out->len;
	for (size_t i = 0; i < n;) {
		uint64_t x;
		if (i + 8 <= n && (memcpy(&x, p + i, 8), !special8(x))) {
			memcpy(o, p + i, 8);
			o += 8;
			i += 8;
			continue;
		}
		uint8_t c = p[i++];
		if (text_byte(c)) {
			*o++ = (char)c;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			*o++ = '\\';
			*o++ = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else {
			out->len = mark;
			out->s[mark] = '\0';
			return;
		}
	}
	*o++ = ']';
	*o++ = '\n';
	*o = '\0';
	out->len = (size_t)(o - out->s);
}

static void tree_payload(const struct layer *l, struct strbuf *out)
{
	const struct fval *v = &l->val[PL_HEX];
	size_t show = v->len < 32 ? v->len : 32;
	sb_puts(out, INDENT "Data: ");
	sb_hex(out, v->bytes, show, '\0');
	sb_puts(out, show < v->len ? "...\n" INDENT "[Length: " : "\n" INDENT "[Length: ");
	sb_u64(out, v->len);
	sb_puts(out, "]\n");
	if (v->len)
		tree_text(v->bytes, v->len, out);
}

static void tree_link(const struct frame *f, struct strbuf *out)
{
	const struct link_type *lt = link_header(f);
	if (!lt)
		return;
	if (lt->hdr_len)
		sb_printf(out, "Link: %s (%zu bytes)\n", lt->name, lt->hdr_len);
	else
		sb_printf(out, "Link: %s (no header)\n", lt->name);
	if (f->has_link_value) {
		sb_printf(out, INDENT "%s: ", lt->label);
		link_value_text(f, out);
		sb_putc(out, '\n');
	}
}

void describe_tree(const struct frame *f, unsigned frame_no, const struct frame_analysis *fa,
		   bool absolute, struct strbuf *out)
{
	size_t own = frame_own_layers(f);
	sb_puts(out, "Frame ");
	sb_u64(out, frame_no);
	sb_puts(out, ": ");
	sb_u64(out, f->wire_len);
	sb_puts(out, " bytes on wire, ");
	sb_u64(out, f->len);
	sb_puts(out, " bytes captured\n");
	tree_link(f, out);
	for (size_t i = 0; i < f->nlayers; i++) {
		const struct layer *l = &f->layer[i];
		/* A cut header's title would name values that are not there. */
		if (l->def->title && (l->def->id == L_PAYLOAD || complete(l)))
			l->def->title(f, i, out);
		else
			sb_puts(out, l->def->label);
		sb_putc(out, '\n');
		/* The analysis speaks of the frame's own TCP layer, not a quoted one. */
		bool analysed = fa && fa->is_tcp && l->def->id == L_TCP && i < own;
		if (l->def->id == L_PAYLOAD)
			tree_payload(l, out);
		for (size_t k = 0; k < l->def->nfields && l->def->id != L_PAYLOAD; k++)
			if (has(l, k))
				tree_field(f, i, k, analysed ? &fa->tcp : NULL, absolute, out);
		if (analysed)
			explain_tree(fa, absolute, INDENT, out);
		if (l->note) {
			sb_puts(out, INDENT "[");
			sb_puts(out, l->note);
			sb_puts(out, "]\n");
		}
		if (l->def->id == L_ETH && f->eth_dst_unresolved)
			sb_puts(out, INDENT "[Destination left at 00:00:00:00:00:00: "
				"`send` resolves the next hop by ARP]\n");
	}
	if (f->trailer)
		sb_printf(out, "Trailer: %zu bytes past the end the headers' lengths give "
			  "(Ethernet padding to the 60-byte minimum, bytes after a UDP datagram "
			  "shorter than its IP payload, or junk)\n", f->trailer);
	if (fa && !fa->is_tcp)
		explain_tree(fa, absolute, "", out);
}

void describe_hex(const struct frame *f, struct strbuf *out)
{
	/* After the offset: 16 * "xx " with a space after the 8th, "  ", 16 chars, "\n". */
	enum { ROW = 16 * 3 + 1 + 2 + 16 + 1 };
	for (size_t row = 0; row < f->len; row += 16) {
		sb_hexw(out, row, 4);
		sb_add(out, "  ", 2);
		sb_grow(out, ROW);
		char *o = out->s + out->len;
		for (size_t i = row; i < row + 16; i++) {
			if (i < f->len) {
				*o++ = hex_digits[f->bytes[i] >> 4];
				*o++ = hex_digits[f->bytes[i] & 0xf];
			} else {
				*o++ = ' ';
				*o++ = ' ';
			}
			*o++ = ' ';
			if (i == row + 7)
				*o++ = ' ';
		}
		*o++ = ' ';
		*o++ = ' ';
		for (size_t i = row; i < row + 16 && i < f->len; i++)
			*o++ = text_byte(f->bytes[i]) ? (char)f->bytes[i] : '.';
		*o++ = '\n';
		*o = '\0';
		out->len = (size_t)(o - out->s);
	}
}

static void json_hex(const uint8_t *p, size_t n, struct strbuf *out)
{
	sb_putc(out, '"');
	sb_hex(out, p, n, '\0');
	sb_putc(out, '"');
}

static const char *const csum_words[] = {
	[CS_NONE] = "none", [CS_CORRECT] = "correct", [CS_INCORRECT] = "incorrect",
	[CS_PARTIAL] = "partial", [CS_UNVERIFIED] = "unverified", [CS_BOGUS] = "unverified",
};

/* ,"csum_status":"correct" and, where it is wrong, ,"csum_expected":N */
static void json_checksum(const char *name, const struct layer *l, struct strbuf *out)
{
	sb_add(out, ",\"", 2);
	sb_puts(out, name);
	sb_puts(out, "_status\":");
	sb_json_word(out, csum_words[l->csum]);
	if (l->csum == CS_INCORRECT || l->csum == CS_PARTIAL) {
		sb_add(out, ",\"", 2);
		sb_puts(out, name);
		sb_puts(out, "_expected\":");
		sb_u64(out, l->csum_expected);
	}
}

static void json_field(const struct frame *f, const struct layer *l, size_t k,
		       struct strbuf *out)
{
	const struct field *fd = &l->def->fields[k];
	const struct fval *v = &l->val[k];
	char buf[64];
	sb_json_key(out, fd->name);
	switch (fd->kind) {
	case FK_MAC:
	case FK_IPV4:
	case FK_IPV6:
		format_fixed(fd, v->u, buf, sizeof buf);
		sb_json_word(out, buf);
		break;
	case FK_LETTERS:
		format_letters(fd, (uint64_t)v->u, buf, sizeof buf);
		sb_json_word(out, buf);
		break;
	case FK_OPTS: {
		struct strbuf s;
		sb_init(&s);
		fd->codec->describe(v->bytes, v->len, OPT_TEMPLATE, "", &s);
		sb_json_str(out, s.s, s.len);
		sb_free(&s);
		break;
	}
	case FK_TCPFLAGS:
		format_tcpflags_letters(v->u, buf, sizeof buf);
		sb_json_word(out, buf);
		break;
	case FK_TCPOPTS: {
		struct strbuf s;
		sb_init(&s);
		tcpopts_describe(v->bytes, v->len, tcp_opts_cut(f, l), TCPOPT_TEMPLATE, "", &s);
		sb_json_str(out, s.s, s.len);
		sb_free(&s);
		break;
	}
	case FK_HEX:
		json_hex(v->bytes, v->len, out);
		break;
	default:
		if (fd->bits > 64) {	/* past what a JSON number holds exactly */
			format_wide(v->u, true, buf, sizeof buf);
			sb_json_word(out, buf);
		} else {
			sb_u64(out, (uint64_t)v->u);
		}
		break;
	}
	if ((int)k == l->def->csum_field)
		json_checksum(fd->name, l, out);
}

/* "link":{"type":"BSD loopback","len":4,"family":2} */
static void json_link(const struct frame *f, struct strbuf *out)
{
	const struct link_type *lt = link_header(f);
	if (!lt)
		return;
	sb_puts(out, ",\"link\":{\"type\":");
	sb_json_str(out, lt->name, strlen(lt->name));
	sb_json_key(out, "len");
	sb_u64(out, lt->hdr_len);
	if (f->has_link_value) {
		sb_json_key(out, lt->key);
		sb_u64(out, f->link_value);
	}
	sb_putc(out, '}');
}

/* ,"ipv4":{"offset":14 - a second layer of a kind is "ipv42", and so on. */
static void json_layer_open(const struct frame *f, size_t i, struct strbuf *out)
{
	const struct layer *l = &f->layer[i];
	unsigned seen = 0;
	for (size_t j = 0; j < i; j++)
		seen += f->layer[j].def == l->def;
	sb_add(out, ",\"", 2);
	sb_puts(out, l->def->name);
	if (seen)
		sb_u64(out, seen + 1);
	sb_puts(out, "\":{\"offset\":");
	sb_u64(out, l->off);
}

void describe_json(const struct frame *f, unsigned frame_no, const double *time,
		   struct strbuf *out)
{
	describe_json_with(f, frame_no, time, NULL, out);
}

void describe_json_with(const struct frame *f, unsigned frame_no, const double *time,
			const char *extra, struct strbuf *out)
{
	describe_json_open(frame_no, time, out);
	if (extra) {
		sb_putc(out, ',');
		sb_puts(out, extra);
	}
	describe_json_close(f, out);
}

void describe_json_open(unsigned frame_no, const double *time, struct strbuf *out)
{
	sb_puts(out, "{\"frame\":");
	sb_u64(out, frame_no);
	if (time) {
		sb_json_key(out, "time");
		sb_fixed(out, *time, 6);
	}
}

void describe_json_close(const struct frame *f, struct strbuf *out)
{
	sb_json_key(out, "len");
	sb_u64(out, f->wire_len);
	sb_json_key(out, "caplen");
	sb_u64(out, f->len);
	sb_json_key(out, "summary");
	size_t from = out->len;
	describe_summary(f, out);
	sb_json_quote(out, from);
	sb_puts(out, ",\"layers\":[");
	for (size_t i = 0; i < f->nlayers; i++) {
		if (i)
			sb_putc(out, ',');
		sb_json_word(out, f->layer[i].def->name);
	}
	sb_putc(out, ']');
	json_link(f, out);
	for (size_t i = 0; i < f->nlayers; i++) {
		const struct layer *l = &f->layer[i];
		json_layer_open(f, i, out);
		if (l->def->id == L_PAYLOAD) {
			const struct fval *v = &l->val[PL_HEX];
			sb_json_key(out, "len");
			sb_u64(out, v->len);
			sb_json_key(out, "hex");
			json_hex(v->bytes, v->len, out);
			if (printable(v->bytes, v->len)) {
				sb_json_key(out, "text");
				sb_json_str(out, (const char *)v->bytes, v->len);
			}
		} else {
			for (size_t k = 0; k < l->def->nfields; k++)
				if (has(l, k))
					json_field(f, l, k, out);
		}
		if (l->note) {
			sb_json_key(out, "note");
			sb_json_str(out, l->note, strlen(l->note));
		}
		sb_putc(out, '}');
	}
	if (f->trailer) {
		sb_json_key(out, "trailer");
		sb_u64(out, f->trailer);
	}
	sb_puts(out, "}\n");
}
