/* template.c - the `.pkt` language: one layer per line, field=value items. */
#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../proto/proto.h"

static void list_fields(const struct layer_def *def, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < def->nfields && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
				      def->fields[i].name);
}

/* What a template may place after `outer`: what the link rows allow, but
 * a layer that comes first after a network layer nowhere else. */
static bool placeable(enum layer_id outer, enum layer_id inner)
{
	return layer_can_follow(outer, inner) &&
	       (craft_layers[outer]->net || !craft_layers[inner]->net_first);
}

static void list_followers(enum layer_id outer, char *buf, size_t len)
{
	unsigned mask = 0;
	for (int i = 0; i < L_COUNT; i++)
		if (placeable(outer, (enum layer_id)i))
			mask |= 1u << i;
	layer_list(mask, buf, len);
}

/* The network layers a layer may come right after, for its message. */
static void list_nets_before(enum layer_id inner, char *buf, size_t len)
{
	unsigned mask = 0;
	for (int i = 0; i < L_COUNT; i++)
		if (craft_layers[i]->net && layer_can_follow((enum layer_id)i, inner))
			mask |= 1u << i;
	layer_list(mask, buf, len);
}

static bool overlaps(const struct field *a, const struct field *b)
{
	if (!a->bits || !b->bits)
		return false;
	return a->bit_off < b->bit_off + b->bits && b->bit_off < a->bit_off + a->bits;
}

static int place_layer(const struct template_ctx *tc, struct frame *f,
		       const struct layer_def *def, struct srcpos pos,
		       struct diag *d)
{
	char list[200];
	if (f->nlayers == 0 && def->id != L_ETH) {
		/* The eth line may be left out: it is implied with its defaults. */
		f->layer[0] = (struct layer){ .def = &eth_layer, .pos = pos };
		f->nlayers = 1;
	}
	if (f->nlayers > 0 && def->id == L_ETH) {
		diag_set(d, tc->file, pos.line, pos.col,
			 "eth must be the first layer (it may also be left out)");
		return -1;
	}
	if (f->nlayers > 0) {
		enum layer_id prev = f->layer[f->nlayers - 1].def->id;
		if (layer_can_follow(prev, def->id) && !placeable(prev, def->id)) {
			list_nets_before(def->id, list, sizeof list);
			diag_set(d, tc->file, pos.line, pos.col,
				 "%s must come right after %s, not after %s: %s", def->name, list,
				 craft_layers[prev]->name, def->net_first);
			return -1;
		}
		if (!layer_can_follow(prev, def->id)) {
			list_followers(prev, list, sizeof list);
			if (list[0])
				diag_set(d, tc->file, pos.line, pos.col,
					 "%s cannot follow %s: after %s comes %s", def->name,
					 craft_layers[prev]->name, craft_layers[prev]->name, list);
			else
				diag_set(d, tc->file, pos.line, pos.col,
					 "%s cannot follow %s: nothing comes after %s",
					 def->name, craft_layers[prev]->name, craft_layers[prev]->name);
			return -1;
		}
	}
	if (f->nlayers == MAX_LAYERS) {
		diag_set(d, tc->file, pos.line, pos.col, "too many layers: at most %d",
			 MAX_LAYERS);
		return -1;
	}
	f->layer[f->nlayers++] = (struct layer){ .def = def, .pos = pos };
	return 0;
}

static void payload_path(const struct template_ctx *tc, struct strbuf *value)
{
	if (!tc->dir || !tc->dir[0] || value->len == 0 || value->s[0] == '/')
		return;
	struct strbuf p;
	sb_init(&p);
	sb_printf(&p, "%s/%s", tc->dir, value->s);
	sb_reset(value);
	sb_add(value, p.s, p.len);
	sb_free(&p);
}

/* `LO..HI`: the field takes LO, LO+1 ... HI in turn, one value per frame. */
static int add_range(const struct template_ctx *tc, struct layer *l, int fi,
		     const struct strbuf *value, size_t dots, struct srcpos vpos,
		     struct diag *d)
{
	const struct field *fd = &l->def->fields[fi];
	char err[400];
	struct fval lo, hi;
	if (fd->kind != FK_UINT && fd->kind != FK_IPV4 && fd->kind != FK_IPV6 &&
	    fd->kind != FK_MAC) {
		diag_set(d, tc->file, vpos.line, vpos.col,
			 "%s %s: a range LO..HI needs a number or an address", l->def->name,
			 fd->name);
		return -1;
	}
	struct srcpos hpos = { vpos.line, vpos.col + (unsigned)dots + 2 };
	char low[64];	/* field_parse reads a C string; no value is longer */
	if (dots >= sizeof low) {
		diag_set(d, tc->file, vpos.line, vpos.col, "%s %s: '%.20s...' is not a value",
			 l->def->name, fd->name, value->s);
		return -1;
	}
	snprintf(low, sizeof low, "%.*s", (int)dots, value->s);
	if (field_parse(fd, low, strlen(low), &lo, err, sizeof err)) {
		diag_set(d, tc->file, vpos.line, vpos.col, "%s %s: %s", l->def->name,
			 fd->name, err);
		return -1;
	}
	if (field_parse(fd, value->s + dots + 2, value->len - dots - 2, &hi, err, sizeof err)) {
		diag_set(d, tc->file, hpos.line, hpos.col, "%s %s: %s", l->def->name,
			 fd->name, err);
		return -1;
	}
	if (hi.u < lo.u) {
		diag_set(d, tc->file, hpos.line, hpos.col,
			 "%s %s: the range %s ends below where it starts", l->def->name,
			 fd->name, value->s);
		return -1;
	}
	l->range[fi].lo = lo.u;
	l->range[fi].hi = hi.u;
	l->val[fi].u = lo.u;	/* what the route and the interface are chosen by */
	l->ranged |= 1u << fi;
	l->given |= 1u << fi;
	return 0;
}

/* The row a key names: of rows with the same name (ICMPv6's flags, one per
 * type), the one that applies to the layer as written so far. */
static int field_for(const struct layer *l, const char *key, size_t klen)
{
	int first = -1;
	for (size_t k = 0; k < l->def->nfields; k++) {
		const char *name = l->def->fields[k].name;
		if (strlen(name) != klen || memcmp(name, key, klen) != 0)
			continue;
		if (!l->def->applies || l->def->applies(l, k))
			return (int)k;
		if (first < 0)
			first = (int)k;
	}
	return first;
}

/* The first other row named as row `k` that reads `text` (its value then
 * in the row), or -1. */
static int same_name_row(struct layer *l, size_t k, const char *text, size_t len)
{
	const struct layer_def *def = l->def;
	char err[200];
	for (size_t j = 0; j < def->nfields; j++)
		if (j != k && strcmp(def->fields[j].name, def->fields[k].name) == 0 &&
		    !(l->given >> j & 1u) &&
		    field_parse(&def->fields[j], text, len, &l->val[j], err, sizeof err) == 0)
			return (int)j;
	return -1;
}

/* A given row that does not go with the type the line ended with moves to
 * the row of the same name that does, if its value reads there too. */
static bool move_to_applying(struct layer *l, size_t k)
{
	const struct layer_def *def = l->def;
	char text[64];
	if ((l->random | l->ranged) >> k & 1u)
		return false;
	field_format(&def->fields[k], &l->val[k], text, sizeof text);
	int j = same_name_row(l, k, text, strlen(text));
	if (j < 0 || !def->applies(l, (size_t)j))
		return false;
	l->given = (l->given & ~(1u << k)) | 1u << j;
	l->fpos[j] = l->fpos[k];
	return true;
}

/* Every field given belongs to the layer as its line made it (ICMPv6's
 * fields go with their type, written before or after them). */
static int check_applies(const struct template_ctx *tc, struct layer *l, struct diag *d)
{
	const struct layer_def *def = l->def;
	for (size_t k = 0; def->applies && k < def->nfields; k++) {
		if (!(l->given >> k & 1u) || def->applies(l, k) || move_to_applying(l, k))
			continue;
		char type[64] = "its default";
		if (def->demux >= 0 && (l->given >> def->demux & 1u))
			field_format(&def->fields[def->demux], &l->val[def->demux], type, sizeof type);
		diag_set(d, tc->file, l->fpos[k].line, l->fpos[k].col,
			 "%s %s does not go with %s %s (%s)",
			 def->name, def->fields[k].name, def->name,
			 def->demux >= 0 ? def->fields[def->demux].name : "kind", type);
		return -1;
	}
	return 0;
}

static int parse_item(const struct template_ctx *tc, struct lexer *lx,
		      struct layer *l, struct diag *d)
{
	const struct layer_def *def = l->def;
	struct srcpos kpos = lex_pos(lx);
	const char *key;
	size_t klen = lex_word(lx, &key);
	if (klen == 0) {
		char c = lx->ln->s[lx->i];
		diag_set(d, tc->file, kpos.line, kpos.col, c ? "expected field=value, found '%c'" :
			 "expected field=value, found a NUL byte", c);
		return -1;
	}
	if (lx->i >= lx->ln->len || lx->ln->s[lx->i] != '=') {
		diag_set(d, tc->file, kpos.line, kpos.col,
			 "expected '=' after '%.*s': write %.*s=VALUE",
			 (int)(klen > 40 ? 40 : klen), key, (int)(klen > 40 ? 40 : klen), key);
		return -1;
	}
	lx->i++;
	int fi = field_for(l, key, klen);
	if (fi < 0) {
		char list[300];
		list_fields(def, list, sizeof list);
		diag_set(d, tc->file, kpos.line, kpos.col,
			 "%s has no field '%.*s': its fields are %s", def->name,
			 (int)klen, key, list);
		return -1;
	}
	const struct field *fd = &def->fields[fi];
	if (l->given & (1u << fi)) {
		diag_set(d, tc->file, kpos.line, kpos.col,
			 "%s %s given twice (first at %u:%u)", def->name, fd->name,
			 l->fpos[fi].line, l->fpos[fi].col);
		return -1;
	}
	for (size_t k = 0; k < def->nfields; k++) {
		const struct field *other = &def->fields[k];
		bool both_apply = !def->applies || (def->applies(l, (size_t)fi) && def->applies(l, k));
		/* An alias inside flag letters (RA's prf) sets bits no letter names. */
		bool letters = (fd->flags | other->flags) & FF_ALIAS &&
			(fd->kind == FK_LETTERS || other->kind == FK_LETTERS);
		bool clash = (l->given & (1u << k)) && both_apply && !letters &&
			(overlaps(fd, other) ||
			 (def->id == L_PAYLOAD && (fd->flags & other->flags & FF_VARIABLE)));
		if (!clash)
			continue;
		if (def->id == L_PAYLOAD)
			diag_set(d, tc->file, kpos.line, kpos.col,
				 "payload takes exactly one of text, hex, file, size "
				 "(%s given at %u:%u)", other->name, l->fpos[k].line,
				 l->fpos[k].col);
		else
			diag_set(d, tc->file, kpos.line, kpos.col,
				 "%s %s sets bits that %s (at %u:%u) already sets: give one of them",
				 def->name, fd->name, other->name, l->fpos[k].line, l->fpos[k].col);
		return -1;
	}

	struct srcpos vpos = lex_pos(lx);
	struct strbuf value;
	sb_init(&value);
	if (lex_value(lx, &value, d)) {
		sb_free(&value);
		return -1;
	}
	int rc = -1;
	if (value.len == 0 && fd->kind != FK_TEXT) {
		diag_set(d, tc->file, vpos.line, vpos.col, "%s %s: empty value",
			 def->name, fd->name);
		goto out;
	}
	l->fpos[fi] = kpos;
	if (fd->bits && strcmp(value.s, "random") == 0) {
		l->random |= 1u << fi;
		l->given |= 1u << fi;
		rc = 0;
		goto out;
	}
	const char *dots = fd->bits ? strstr(value.s, "..") : NULL;
	if (dots) {
		rc = add_range(tc, l, fi, &value, (size_t)(dots - value.s), vpos, d);
		goto out;
	}
	if (fd->kind == FK_FILE)
		payload_path(tc, &value);
	char err[400];
	if (field_parse(fd, value.s, value.len, &l->val[fi], err, sizeof err)) {
		/* Another type's row of the same name may read it (an RA's
		 * flags written before its type); the line's end settles it. */
		int other = same_name_row(l, (size_t)fi, value.s, value.len);
		if (other < 0) {
			diag_set(d, tc->file, vpos.line, vpos.col, "%s %s: %s", def->name,
				 fd->name, err);
			goto out;
		}
		fi = other;
		fd = &def->fields[fi];
		l->fpos[fi] = kpos;
	}
	l->given |= 1u << fi;
	const char *why = fd->lint ? fd->lint(l->val[fi].u) : NULL;
	if (why && tc->warn) {
		struct diag w;
		diag_set(&w, tc->file, vpos.line, vpos.col, "%s %s=%s: %s", def->name,
			 fd->name, value.s, why);
		tc->warn(tc->warn_ctx, &w);
	}
	rc = 0;
out:
	sb_free(&value);
	return rc;
}

/* `expect LAYER field=v|v ...`: the reply this template usually gets. */
static int add_expect(const struct template_ctx *tc, struct lexer *lx, struct diag *d)
{
	struct src_line rest = { lx->ln->s + lx->i, lx->ln->pos + lx->i, lx->ln->len - lx->i };
	struct expectation scratch;
	struct expectation *e = tc->expect;
	if (!e) {
		expect_init(&scratch);
		e = &scratch;
	}
	int rc = expect_add_line(e, &rest, tc->file, tc->vars, d);
	if (e == &scratch)
		expect_free(&scratch);
	return rc;
}

int template_add_line(const struct template_ctx *tc, const struct src_line *ln,
		      struct frame *f, struct diag *d)
{
	struct lexer lx = { .ln = ln, .i = 0, .file = tc->file, .vars = tc->vars };
	lex_skip_space(&lx);
	if (lex_at_end(&lx))
		return 0;
	struct srcpos pos = lex_pos(&lx);
	const char *name;
	size_t nlen = lex_word(&lx, &name);
	if (nlen == 6 && memcmp(name, "expect", 6) == 0)
		return add_expect(tc, &lx, d);
	if (nlen == 3 && memcmp(name, "---", 3) == 0) {
		diag_set(d, tc->file, pos.line, pos.col, "'---' separates the frames of a file "
			 "of several, which rawcraft show builds: here one frame is wanted");
		return -1;
	}
	const struct layer_def *def = nlen ? layer_by_name(name, nlen) : NULL;
	if (def && def->decode_only) {
		diag_set(d, tc->file, pos.line, pos.col, "%s is a layer rawcraft decodes "
			 "but does not build: `rawcraft fields %s` says what it shows",
			 def->name, def->name);
		return -1;
	}
	if (!def) {
		char list[200];
		layer_list(LAYERS_ALL, list, sizeof list);
		if (nlen)
			diag_set(d, tc->file, pos.line, pos.col,
				 "unknown layer '%.*s': layers are %s (or expect)", (int)nlen, name, list);
		else
			diag_set(d, tc->file, pos.line, pos.col,
				 "expected a layer name (%s)", list);
		return -1;
	}
	if (lx.i < ln->len && ln->s[lx.i] != ' ' && ln->s[lx.i] != '\t' && ln->s[lx.i] != '#') {
		struct srcpos at = lex_pos(&lx);
		diag_set(d, tc->file, at.line, at.col,
			 "expected a space after the layer name '%s'", def->name);
		return -1;
	}
	if (place_layer(tc, f, def, pos, d))
		return -1;
	struct layer *l = &f->layer[f->nlayers - 1];
	for (;;) {
		lex_skip_space(&lx);
		if (lex_at_end(&lx))
			return check_applies(tc, l, d);
		if (parse_item(tc, &lx, l, d))
			return -1;
	}
}

/* IPv4 total length, IPv6 payload length (the extension headers and what
 * follows them) and UDP length are 16 bits: what they cover must fit. */
static int check_sizes(const struct template_ctx *tc, const struct frame *f,
		       struct diag *d)
{
	size_t inner = 0;
	for (size_t i = f->nlayers; i-- > 0;) {
		const struct layer *l = &f->layer[i];
		inner += layer_built_len(l);
		size_t covered = l->def->id == L_IPV6 ? inner - l->def->min_len : inner;
		if ((l->def->id != L_IPV4 && l->def->id != L_IPV6 && l->def->id != L_UDP) ||
		    covered <= 65535)
			continue;
		const struct layer *last = &f->layer[f->nlayers - 1];
		struct srcpos at = last->pos;
		for (size_t k = 0; k < last->def->nfields; k++)
			if (last->given & (1u << k))
				at = last->fpos[k];
		diag_set(d, tc->file, at.line, at.col, "the %s length would be %zu bytes: "
			 "it is a 16-bit field, at most 65535", l->def->name, covered);
		return -1;
	}
	return 0;
}

int template_finish(const struct template_ctx *tc, struct frame *f,
		    struct diag *d)
{
	if (f->nlayers == 0) {
		diag_set(d, tc->file, tc->line ? tc->line : 1, 1,
			 "empty template: write at least one layer line, e.g. 'arp tpa=10.0.0.2'");
		return -1;
	}
	if (check_sizes(tc, f, d))
		return -1;
	for (size_t i = 0; i < f->nlayers; i++) {
		const struct layer *l = &f->layer[i];
		const struct layer_def *def = l->def;
		if (def->id == L_PAYLOAD && !l->given) {
			diag_set(d, tc->file, l->pos.line, l->pos.col,
				 "payload needs one of text=, hex=, file=, size=");
			return -1;
		}
		for (size_t k = 0; k < def->nfields; k++)
			if (def->fields[k].dflt_kind == FD_REQUIRED && !(l->given & (1u << k)) &&
			    (!def->applies || def->applies(l, k)) &&
			    (!def->implied || !def->implied(f, i, k))) {
				diag_set(d, tc->file, l->pos.line, l->pos.col,
					 "%s needs %s=: the %s has no default", def->name,
					 def->fields[k].name, def->fields[k].label);
				return -1;
			}
	}
	template_lint_fragments(tc, f);
	return 0;
}

int template_parse(const struct template_ctx *tc, const char *text, size_t len,
		   struct frame *f, struct diag *d)
{
	struct src src;
	unsigned line = tc->line ? tc->line : 1;
	memset(f, 0, sizeof *f);
	if (src_check_size_at(tc->file, text, len, line, d))
		return -1;
	src_split_at(&src, text, len, line);
	int rc = 0;
	for (size_t i = 0; i < src.nlines && rc == 0; i++)
		rc = template_add_line(tc, &src.lines[i], f, d);
	if (rc == 0)
		rc = template_finish(tc, f, d);
	src_free(&src);
	if (rc)
		frame_free(f);
	return rc;
}

/* Whether the line at text[i] is `---`, trailing blanks let be. */
static bool ends_frame(const char *text, size_t len, size_t i, size_t *next)
{
	if (len - i < 3 || memcmp(text + i, "---", 3) != 0)
		return false;
	for (i += 3; i < len && text[i] != '\n'; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
			return false;
	*next = i < len ? i + 1 : i;
	return true;
}

bool template_next_part(struct template_parts *p, const char **text, size_t *len,
			unsigned *line)
{
	if (p->line > 0 && p->at >= p->len)
		return false;	/* an empty file is one (empty) frame */
	size_t start = p->at, i = start;
	*text = p->text + start;
	*line = ++p->line;
	while (i < p->len) {
		size_t next;
		if (ends_frame(p->text, p->len, i, &next)) {
			*len = i - start;
			p->at = next;
			for (size_t k = start; k < i; k++)	/* to the `---` line */
				p->line += p->text[k] == '\n';
			return true;
		}
		while (i < p->len && p->text[i] != '\n')
			i++;
		if (i < p->len)
			i++;
	}
	*len = p->len - start;
	p->at = p->len;
	return true;
}
