/* emit.c - decoded layers as template lines: a layer is a line when that
 * line builds exactly its bytes, and what follows the last such line is
 * the payload.  Each frame is parsed back before it is given out. */
#include "emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link.h"
#include "../proto/proto.h"
#include "../proto/tcpopts.h"
#include "../lang/template.h"
#include "../util/xalloc.h"

#define HEX_ROW 16	/* payload bytes a line, as in a hex dump */
#define TEXT_ROW 72	/* where a text line without a newline breaks */
#define ETH_LEN 14

/* An option list as a template writes it: the decoder's own words. */
static void opts_text(const struct field *fd, const struct fval *v, struct strbuf *sb)
{
	if (fd->kind == FK_TCPOPTS)
		tcpopts_describe(v->bytes, v->len, false, TCPOPT_TEMPLATE, "", sb);
	else
		fd->codec->describe(v->bytes, v->len, OPT_TEMPLATE, "", sb);
}

static void line_free(struct layer *t)
{
	for (size_t k = 0; k < MAX_FIELDS; k++)
		free(t->val[k].bytes);
}

/* An alias of bits inside flag letters that no letter names (an RA's
 * preference): written by itself, and taken out of the letters' value. */
static bool letters_alias(const struct layer *l, size_t k, size_t *letters)
{
	const struct field *a = &l->def->fields[k];
	for (size_t j = 0; j < l->def->nfields; j++) {
		const struct field *fd = &l->def->fields[j];
		if (fd->kind == FK_LETTERS && (!l->def->applies || l->def->applies(l, j)) &&
		    a->bit_off >= fd->bit_off && a->bit_off + a->bits <= fd->bit_off + fd->bits) {
			*letters = j;
			return true;
		}
	}
	return false;
}

/* Layer `l` as a line gives it, in `t`: every fixed field that applies
 * (aliases aside - the field they view holds their bits - but those inside
 * flag letters) and, with `opts`, the option lists as their words read
 * back.  False if a fixed field was not captured or the words do not read
 * back; line_free(t) either way. */
static bool as_line(const struct layer *l, bool opts, struct layer *t)
{
	const struct layer_def *def = l->def;
	memset(t, 0, sizeof *t);
	t->def = def;
	for (size_t k = 0; k < def->nfields; k++) {
		const struct field *fd = &def->fields[k];
		if (def->applies && !def->applies(l, k))
			continue;
		if (fd->bits) {
			if (!(l->present >> k & 1u))
				return false;
			t->val[k].u = l->val[k].u;
			t->given |= 1u << k;
			continue;
		}
		if (!opts || !l->val[k].len)
			continue;
		if (fd->kind == FK_HEX)
			return false;	/* bytes only the decoder reads (ARP's odd addresses) */
		struct strbuf words;
		sb_init(&words);
		opts_text(fd, &l->val[k], &words);
		char err[256];
		/* One word that quoting, comments and ${} leave alone. */
		bool ok = words.len && !strpbrk(words.s, " \t\"#\\$") &&
			  field_parse(fd, words.s, words.len, &t->val[k], err, sizeof err) == 0;
		sb_free(&words);
		if (!ok)
			return false;
		t->given |= 1u << k;
	}
	for (size_t k = 0, j; k < def->nfields; k++) {
		const struct field *fd = &def->fields[k];
		if (!(fd->flags & FF_ALIAS) || !(t->given >> k & 1u))
			continue;
		if (!letters_alias(l, k, &j)) {
			t->given &= ~(1u << k);
			continue;
		}
		/* Inside letters of at most 64 bits: the shifts are in range. */
		unsigned below = def->fields[j].bit_off + def->fields[j].bits - fd->bit_off - fd->bits;
		t->val[j].u &= ~((((u128)1 << fd->bits) - 1) << below);
	}
	return true;
}

/* Whether the `n` bytes show lays down for line `t` - its fields and
 * option lists over zeros - are those layer `l` had. */
static bool same_bytes(const struct frame *f, const struct layer *l, const struct layer *t,
		       size_t n)
{
	if (n > l->hdr_len)
		return false;
	uint8_t *img = xcalloc(1, n);
	bool ok = true;
	for (size_t k = 0; k < t->def->nfields && ok; k++) {
		const struct field *fd = &t->def->fields[k];
		if (!fd->bits || !(t->given >> k & 1u))
			continue;
		ok = (size_t)fd->bit_off + fd->bits <= n * 8;
		if (ok)
			bits_put(img, fd->bit_off, fd->bits, t->val[k].u);
	}
	if (ok) {
		layer_put_opts(t, img, n);
		ok = memcmp(img, f->bytes + l->off, n) == 0;
	}
	free(img);
	return ok;
}

enum fit {
	FIT_NONE,	/* no line builds the layer's first bytes: payload from it on */
	FIT_HEAD,	/* a line builds its first bytes, the rest is payload */
	FIT_WHOLE,	/* a line builds the whole header */
};

/* How layer `i` is written, its line in `t` unless FIT_NONE: with its
 * option lists if they read back, else without them. */
static enum fit layer_fit(const struct frame *f, size_t i, struct layer *t)
{
	const struct layer *l = &f->layer[i];
	for (int opts = 1; opts >= 0; opts--) {
		if (as_line(l, opts, t) && same_bytes(f, l, t, layer_built_len(t)))
			return layer_built_len(t) == l->hdr_len ? FIT_WHOLE : FIT_HEAD;
		line_free(t);
	}
	return FIT_NONE;
}

/* `l` holds the captured option lists `t` was read from. */
static void put_line(const struct layer *l, const struct layer *t, struct strbuf *out)
{
	sb_printf(out, "%-4s", t->def->name);
	for (size_t k = 0; k < t->def->nfields; k++) {
		const struct field *fd = &t->def->fields[k];
		if (!(t->given >> k & 1u))
			continue;
		sb_printf(out, " %s=", fd->name);
		if (fd->bits) {
			char buf[64];
			field_format(fd, &t->val[k], buf, sizeof buf);
			sb_puts(out, buf);
		} else {
			opts_text(fd, &l->val[k], out);
		}
	}
	sb_putc(out, '\n');
}

/* What the decoder said of a layer written as a line. */
static void put_remarks(const struct layer *l, struct strbuf *out)
{
	const char *name = l->def->name;
	if (l->note)
		sb_printf(out, "# %s: %s\n", name, l->note);
	if (l->csum == CS_INCORRECT)
		sb_printf(out, "# %s csum=0x%04x is incorrect (should be 0x%04x): kept as captured\n",
			  name, (unsigned)lv(l, l->def->csum_field), l->csum_expected);
	else if (l->csum == CS_PARTIAL)
		sb_printf(out, "# %s csum=0x%04x is partial (the sender's NIC completes it): "
			  "kept as captured\n", name, (unsigned)lv(l, l->def->csum_field));
}

static bool reads_as_text(const uint8_t *p, size_t n)
{
	size_t odd = 0;
	for (size_t i = 0; i < n; i++)
		odd += !((p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' || p[i] == '\r' ||
			 p[i] == '\t');
	/* "Hello World!\0" reads as text; bytes that mostly do not, as hex. */
	return n <= PAYLOAD_MAX && odd < n && odd <= (n / 16 > 1 ? n / 16 : 1);
}

/* Escaped as lex.c reads it back; a line breaks after each newline and
 * where it grows long, continued by `\` (inside the quotes, so nothing is
 * trimmed or taken for a comment). */
static void put_text(const uint8_t *p, size_t n, struct strbuf *out)
{
	sb_puts(out, "payload text=\"");
	size_t col = strlen("payload text=\"");
	for (size_t i = 0; i < n; i++) {
		size_t before = out->len;
		switch (p[i]) {
		case '\n': sb_puts(out, "\\n"); break;
		case '\r': sb_puts(out, "\\r"); break;
		case '\t': sb_puts(out, "\\t"); break;
		case '\0': sb_puts(out, "\\0"); break;
		case '"': case '\\': case '$':
			sb_putc(out, '\\');
			sb_putc(out, (char)p[i]);
			break;
		default:
			if (p[i] >= 0x20 && p[i] < 0x7f)
				sb_putc(out, (char)p[i]);
			else
				sb_printf(out, "\\x%02x", p[i]);
		}
		col += out->len - before;
		if (i + 1 < n && (p[i] == '\n' || col >= TEXT_ROW)) {
			sb_puts(out, "\\\n");
			col = 0;
		}
	}
	sb_puts(out, "\"\n");
}

/* Two bytes a group, HEX_ROW a line; the hex parser skips the blanks. */
static void put_hex(const uint8_t *p, size_t n, struct strbuf *out)
{
	sb_puts(out, "payload hex=\"");
	for (size_t i = 0; i < n; i++) {
		if (i && i % HEX_ROW == 0)
			sb_puts(out, "\\\n             ");
		else if (i && i % 2 == 0)
			sb_putc(out, ' ');
		sb_printf(out, "%02x", p[i]);
	}
	sb_puts(out, "\"\n");
}

/* A link header that is a layer no template writes (Linux cooked): 1, and
 * the Ethernet line stands in for it; else 0. */
static size_t link_layer(const struct frame *f)
{
	return f->link != &link_types[LINK_ETHERNET] && f->nlayers &&
	       f->layer[0].def->decode_only;
}

/* The Ethernet line of a frame that has none of its own (another link
 * type: zero addresses) or too few bytes for one (the missing ones zero). */
static void put_eth(const struct frame *f, bool own, struct strbuf *out)
{
	struct layer t = { .def = &eth_layer, .given = 1u << ETH_DST | 1u << ETH_SRC | 1u << ETH_TYPE };
	uint8_t hdr[ETH_LEN] = { 0 };
	uint16_t type;
	if (own) {
		memcpy(hdr, f->bytes, f->len < ETH_LEN ? f->len : ETH_LEN);
		for (size_t k = 0; k < ETH_NFIELDS; k++)
			t.val[k].u = bits_get(hdr, eth_layer.fields[k].bit_off, eth_layer.fields[k].bits);
	} else if (f->has_link_value && link_ethertype(f->link, f->link_value, &type)) {
		t.val[ETH_TYPE].u = type;
	} else if (link_layer(f) && f->layer[0].present >> f->layer[0].def->demux & 1u) {
		t.val[ETH_TYPE].u = lv(&f->layer[0], f->layer[0].def->demux);
	}
	put_line(&t, &t, out);
}

/* One frame's text; `refused` (or NULL) is why its layers as lines did not
 * parse, and only the Ethernet line is written.  Returns whether show
 * builds the captured bytes. */
static bool compose(const struct frame *f, unsigned frame_no, bool first, const char *refused,
		    struct strbuf *out)
{
	bool eth = f->link == &link_types[LINK_ETHERNET];
	size_t skip = link_layer(f);
	size_t base = skip ? f->layer[0].hdr_len : f->nlayers ? f->layer[0].off : 0;	/* past a link header */
	size_t end = f->len, room = FRAME_MAX_BYTES - (eth ? 0 : ETH_LEN) + base;
	size_t pos = base, tried = refused ? eth : f->nlayers;
	unsigned lines = 0;
	bool exact = true;
	if (first)
		sb_puts(out, "# a capture as templates, a frame each, between --- lines: "
			"rawcraft show builds them in turn\n");
	sb_printf(out, "# frame %u: %zu bytes", frame_no, f->len);
	if (f->wire_len > f->len)
		sb_printf(out, " of the %zu on the wire (the capture kept no more)", f->wire_len);
	sb_putc(out, '\n');
	if (!eth) {
		sb_puts(out, "# not rebuilt byte for byte: show builds Ethernet frames: an Ethernet "
			"header of zero addresses ");
		if (f->link->hdr_len)
			sb_printf(out, "stands in for the %zu-byte %s header\n", f->link->hdr_len,
				  f->link->name);
		else
			sb_printf(out, "comes before the %s packet\n", f->link->name);
		put_eth(f, false, out);
		exact = false;
		lines = 1;
	} else if (f->len < ETH_LEN) {
		sb_printf(out, "# not rebuilt byte for byte: %zu bytes are fewer than an Ethernet "
			  "header's %d: the missing ones are zeros here\n", f->len, ETH_LEN);
		put_eth(f, true, out);
		return false;
	}
	if (end > room) {
		sb_printf(out, "# not rebuilt byte for byte: a frame show builds holds %d bytes: "
			  "the first %zu only\n", FRAME_MAX_BYTES, room);
		end = room;
		tried = eth;
		exact = false;
	}
	if (refused)
		sb_printf(out, "# the bytes after eth are the payload: as lines its layers "
			  "read \"%s\"\n", refused);
	for (size_t i = skip; i < tried && lines < MAX_LAYERS - 1; i++) {
		const struct layer *l = &f->layer[i];
		if (l->def->id == L_PAYLOAD)
			break;
		if (l->def->decode_only) {	/* LLC, ISL: no line builds them */
			sb_printf(out, "# from the %s header on, the bytes are the payload: rawcraft "
				  "decodes it but does not build it\n", l->def->name);
			if (i == 0)	/* ISL: its first 14 bytes read as 802.3's */
				put_eth(f, true, out), lines++, pos = ETH_LEN;
			break;
		}
		struct layer t;
		enum fit fit = layer_fit(f, i, &t);
		if (fit == FIT_NONE) {
			sb_printf(out, "# from the %s header on, the bytes are the payload: %s\n",
				  l->def->name, l->note ? l->note : "no line builds them exactly");
			break;
		}
		put_remarks(l, out);
		put_line(l, &t, out);
		lines++;
		pos = l->off + layer_built_len(&t);
		line_free(&t);
		if (fit == FIT_HEAD) {
			sb_printf(out, "# the %s header's last %zu bytes, which no field writes, "
				  "start the payload\n", l->def->name, l->hdr_len - (pos - l->off));
			break;
		}
	}
	const struct layer *last = f->nlayers ? &f->layer[f->nlayers - 1] : NULL;
	if (last && last->off + last->len < end && pos < end)
		sb_printf(out, "# the payload's last %zu bytes come after the end its headers "
			  "give: the frame's trailer (Ethernet's padding, say)\n",
			  end - (last->off + last->len));
	if (pos < end && reads_as_text(f->bytes + pos, end - pos))
		put_text(f->bytes + pos, end - pos, out);
	else if (pos < end)
		put_hex(f->bytes + pos, end - pos, out);
	return exact;
}

bool emit_template(const struct frame *f, unsigned frame_no, bool first, struct strbuf *out)
{
	struct strbuf text;
	sb_init(&text);
	bool exact = compose(f, frame_no, first, NULL, &text);
	struct template_ctx tc = { .file = "frame" };
	struct frame back;
	struct diag d;
	if (template_parse(&tc, text.s, text.len, &back, &d) == 0) {
		frame_free(&back);
	} else {
		/* A layer the decoder takes where a template may not place it:
		 * the Ethernet line and the bytes after it say the same. */
		sb_reset(&text);
		exact = compose(f, frame_no, first, d.msg, &text);
	}
	if (!first)
		sb_puts(out, "---\n");
	sb_add(out, text.s, text.len);
	sb_free(&text);
	return exact;
}
