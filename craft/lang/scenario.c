/* scenario.c - parsing and checking `.lab` scenarios. */
#include "scenario.h"

#include <ctype.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/tcpstate.h"
#include "../util/duration.h"
#include "../core/field.h"
#include "../proto/proto.h"
#include "../util/xalloc.h"
#include "bindings.h"
#include "peerstep.h"
#include "steparg.h"
#include "template.h"

static bool is_name(const char *s, size_t n)
{
	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

static struct src_line rest_of(const struct lexer *lx)
{
	return (struct src_line){ lx->ln->s + lx->i, lx->ln->pos + lx->i, lx->ln->len - lx->i };
}

/* The next blank-separated word (up to a comment); its length. */
static size_t word(struct lexer *lx, const char **w, struct srcpos *pos)
{
	lex_skip_space(lx);
	*pos = lex_pos(lx);
	*w = lx->ln->s + lx->i;
	if (lex_at_end(lx))
		return 0;
	size_t b = lx->i;
	while (lx->i < lx->ln->len && lx->ln->s[lx->i] != ' ' && lx->ln->s[lx->i] != '\t')
		lx->i++;
	return lx->i - b;
}

/* send [NAME] [@template] */
/* A send or expect NAME whose bindings would stand in for the built-in
 * ${iface.ip} or ${peer.read}. */
static int reserved(struct scenario *sc, const char *w, size_t n, const struct srcpos *pos,
		    struct diag *d)
{
	if ((n == 5 && memcmp(w, "iface", 5) == 0) || (n == 4 && memcmp(w, "peer", 4) == 0)) {
		diag_set(d, sc->file, pos->line, pos->col, "'%.*s' is reserved (${%.*s.*} are "
			 "built in): name the frame otherwise", (int)n, w, (int)n, w);
		return -1;
	}
	return 0;
}

static int parse_send(struct scenario *sc, struct step *st, struct lexer *lx, struct diag *d)
{
	const char *w;
	struct srcpos pos;
	size_t n = word(lx, &w, &pos);
	if (n && w[0] != '@') {
		if (!is_name(w, n)) {
			diag_set(d, sc->file, pos.line, pos.col,
				 "'%.*s' is not a name: letters, digits and _", (int)n, w);
			return -1;
		}
		if (reserved(sc, w, n, &pos, d))
			return -1;
		st->name = xstrndup(w, n);
		n = word(lx, &w, &pos);
	}
	if (n == 0)
		return 0;
	if (w[0] != '@' || n == 1) {
		diag_set(d, sc->file, pos.line, pos.col,
			 "send takes a NAME and/or @template.pkt, found '%.*s'", (int)n, w);
		return -1;
	}
	char *rel = xstrndup(w + 1, n - 1), *dircopy = xstrndup(sc->file, strlen(sc->file));
	char *path = xmalloc(strlen(rel) + strlen(sc->file) + 2);
	if (rel[0] == '/')
		strcpy(path, rel);
	else
		sprintf(path, "%s/%s", dirname(dircopy), rel);
	free(rel);
	free(dircopy);
	size_t len;
	char *text;
	enum infile_fault f = src_read_file(path, &text, &len);
	if (f) {
		diag_set(d, sc->file, pos.line, pos.col, f == INFILE_NOT_REGULAR ? "%s: %s" :
			 "cannot read template '%s': %s", path, infile_error(f));
		free(path);
		return -1;
	}
	if (src_check_size(path, text, len, d)) {
		free(text);
		free(path);
		return -1;
	}
	sc->included = xrealloc(sc->included, (sc->nincluded + 1) * sizeof *sc->included);
	sc->included_names = xrealloc(sc->included_names,
				      (sc->nincluded + 1) * sizeof *sc->included_names);
	src_split(&sc->included[sc->nincluded], text, len);
	free(text);
	sc->included_names[sc->nincluded] = path;
	st->lines = sc->included[sc->nincluded].lines;
	st->nlines = sc->included[sc->nincluded].nlines;
	st->file = path;
	sc->nincluded++;
	if (word(lx, &w, &pos)) {
		diag_set(d, sc->file, pos.line, pos.col, "unexpected '%.*s' after the template",
			 (int)strcspn(w, " \t"), w);
		return -1;
	}
	return 0;
}

/* `points N` after a test point's step: what a grader gives for it. */
static int parse_points(struct scenario *sc, struct step *st, struct lexer *lx, struct diag *d)
{
	const char *w;
	struct srcpos pos;
	size_t n = word(lx, &w, &pos);
	char num[16];
	uint64_t v;
	snprintf(num, sizeof num, "%.*s", (int)(n < 15 ? n : 15), w);
	if (!n || n > 15 || parse_uint(num, 1000000, &v)) {
		diag_set(d, sc->file, pos.line, pos.col,
			 "points takes a whole number (0..1000000), found '%s'", num);
		return -1;
	}
	st->points = (unsigned)v;
	return 0;
}

size_t step_word(struct lexer *lx, const char **w, struct srcpos *pos)
{
	return word(lx, w, pos);
}

int step_points(struct scenario *sc, struct step *st, struct lexer *lx, struct diag *d)
{
	return parse_points(sc, st, lx, d);
}

int step_within(struct scenario *sc, struct step *st, struct lexer *lx, struct diag *d)
{
	const char *w;
	struct srcpos pos;
	char dur[32];
	size_t n = word(lx, &w, &pos);
	snprintf(dur, sizeof dur, "%.*s", (int)(n < 31 ? n : 31), w);
	if (!n || parse_duration(dur, &st->usec)) {
		diag_set(d, sc->file, pos.line, pos.col,
			 "within takes a duration (250ms, 1s, 2.5s), found '%s'", dur);
		return -1;
	}
	return 0;
}

/* expect NAME [within DURATION] [any] [points N] */
static int parse_expect(struct scenario *sc, struct step *st, struct lexer *lx, struct diag *d)
{
	const char *w;
	struct srcpos pos;
	size_t n = word(lx, &w, &pos);
	if (peerstep_is_state(lx, w, n)) {
		st->kind = STEP_PEER_STATE;
		return peerstep_parse_state(sc, st, lx, d);
	}
	if (!is_name(w, n)) {
		diag_set(d, sc->file, pos.line, pos.col, n ?
			 "'%.*s' is not a name: letters, digits and _" :
			 "expect needs a NAME for the frame it waits for: expect synack", (int)n, w);
		return -1;
	}
	if (reserved(sc, w, n, &pos, d))
		return -1;
	st->name = xstrndup(w, n);
	st->usec = 1000000;
	while ((n = word(lx, &w, &pos)) != 0) {
		if (n == 3 && memcmp(w, "any", 3) == 0) {
			st->any = true;
		} else if (n == 6 && memcmp(w, "points", 6) == 0) {
			if (parse_points(sc, st, lx, d))
				return -1;
		} else if (n == 6 && memcmp(w, "within", 6) == 0) {
			if (step_within(sc, st, lx, d))
				return -1;
		} else {
			diag_set(d, sc->file, pos.line, pos.col,
				 "expected 'within DURATION', 'any' or 'points N', found '%.*s'",
				 (int)n, w);
			return -1;
		}
	}
	return 0;
}

/* The end of the raw word at lx->i (quotes kept whole). */
static void skip_word(struct lexer *lx)
{
	bool quoted = false;
	for (; lx->i < lx->ln->len; lx->i++) {
		char c = lx->ln->s[lx->i];
		if (!quoted && (c == ' ' || c == '\t'))
			break;
		if (quoted && c == '\\')
			lx->i++;
		else if (c == '"')
			quoted = !quoted;
	}
}

/* check LHS OP RHS ["message"] [points N]: `arg` keeps LHS OP RHS as
 * written, for check_eval and for a grader's title. */
static int parse_check(struct scenario *sc, struct step *st, struct lexer *lx, struct diag *d)
{
	lex_skip_space(lx);
	size_t b = lx->i, oplen, op = check_op(lx->ln, b, &oplen);
	if (!oplen) {
		struct srcpos at = lex_pos(lx);
		diag_set(d, sc->file, at.line, at.col, "check needs two values and one of "
			 "== != < <= > >= between them: check data.tcp.len == 13");
		return -1;
	}
	lx->i = op + oplen;
	size_t end = lx->i;
	for (;;) {
		lex_skip_space(lx);
		if (lex_at_end(lx))
			break;
		const char *w = lx->ln->s + lx->i;
		size_t at = lx->i;
		if (end > op + oplen && w[0] == '"' && !st->message.len) {
			skip_word(lx);
			st->message = (struct src_line){ w, lx->ln->pos + at, lx->i - at };
			continue;
		}
		skip_word(lx);
		if (lx->i - at == 6 && memcmp(w, "points", 6) == 0 && end > op + oplen) {
			if (parse_points(sc, st, lx, d))
				return -1;
			lex_skip_space(lx);
			if (!lex_at_end(lx) && lx->ln->s[lx->i] == '"') {
				struct srcpos q = lex_pos(lx);
				diag_set(d, sc->file, q.line, q.col, "the message goes before "
					 "points: check A == B \"message\" points N");
				return -1;
			}
			if (!lex_at_end(lx))
				break;
			continue;
		}
		if (st->message.len) {
			lx->i = at;
			break;
		}
		end = lx->i;
	}
	if (!lex_at_end(lx)) {
		struct srcpos at = lex_pos(lx);
		diag_set(d, sc->file, at.line, at.col, "unexpected '%.*s' after the check: "
			 "check A == B [\"message\"] [points N]",
			 (int)strcspn(lx->ln->s + lx->i, " \t"), lx->ln->s + lx->i);
		return -1;
	}
	st->arg = (struct src_line){ lx->ln->s + b, lx->ln->pos + b, end - b };
	return 0;
}

/* A layer's name where a step should be: the line of a step, not indented
 * (a student's first slip); true with `d` said. */
static bool unindented_layer(const struct scenario *sc, const struct step *st, const char *kw,
			     size_t kn, struct diag *d)
{
	if (!layer_by_name(kw, kn))
		return false;
	diag_set(d, sc->file, st->pos.line, st->pos.col, "'%.*s' is a layer line: indent the "
		 "layer lines of a step (send or expect) by two spaces", (int)kn, kw);
	return true;
}

static int parse_step(struct scenario *sc, struct step *st, struct lexer *lx,
		      const char *kw, size_t kn, struct diag *d)
{
	const char *w;
	struct srcpos pos;
	size_t n;
#define IS(s) (kn == sizeof(s) - 1 && memcmp(kw, s, kn) == 0)
	if (IS("send")) {
		st->kind = STEP_SEND;
		return parse_send(sc, st, lx, d);
	}
	if (IS("expect")) {
		st->kind = STEP_EXPECT;
		return parse_expect(sc, st, lx, d);
	}
	if (IS("set") || IS("for")) {
		st->kind = IS("set") ? STEP_SET : STEP_FOR;
		n = word(lx, &w, &pos);
		if (!is_name(w, n)) {
			diag_set(d, sc->file, pos.line, pos.col, "%s needs a NAME: %s", IS("set") ?
				 "set" : "for", IS("set") ? "set server 10.9.0.2" : "for port in 1..10");
			return -1;
		}
		st->name = xstrndup(w, n);
		if (st->kind == STEP_FOR) {
			n = word(lx, &w, &pos);
			if (n != 2 || memcmp(w, "in", 2) != 0) {
				diag_set(d, sc->file, pos.line, pos.col,
					 "expected 'in' after the loop variable: for port in 1..10");
				return -1;
			}
		}
		lex_skip_space(lx);
		st->arg = rest_of(lx);
		if (lex_at_end(lx)) {
			struct srcpos at = lex_pos(lx);
			diag_set(d, sc->file, at.line, at.col, st->kind == STEP_SET ?
				 "set needs a value: set NAME VALUE" :
				 "for needs values: A..B or a list");
			return -1;
		}
		return 0;
	}
	if (IS("sleep")) {
		st->kind = STEP_SLEEP;
		char dur[32];
		n = word(lx, &w, &pos);
		snprintf(dur, sizeof dur, "%.*s", (int)(n < 31 ? n : 31), w);
		if (!n || parse_duration(dur, &st->usec)) {
			diag_set(d, sc->file, pos.line, pos.col,
				 "sleep takes a duration (250ms, 1s, 2.5s), found '%s'", dur);
			return -1;
		}
		return 0;
	}
	if (IS("print")) {
		st->kind = STEP_PRINT;
		lex_skip_space(lx);
		st->arg = rest_of(lx);
		return 0;
	}
	if (IS("end")) {
		st->kind = STEP_END;
		return 0;
	}
	if (IS("check")) {
		st->kind = STEP_CHECK;
		return parse_check(sc, st, lx, d);
	}
	if (IS("peer")) {
		st->kind = STEP_PEER;
		return peerstep_parse(sc, st, lx, d);
	}
#undef IS
	if (unindented_layer(sc, st, kw, kn, d))
		return -1;
	diag_set(d, sc->file, st->pos.line, st->pos.col,
		 "unknown step '%.*s': steps are send, expect, check, set, sleep, print, for, end, peer",
		 (int)kn, kw);
	return -1;
}

/* An expect before anything that could be answered (a send, the peer's
 * socket) scopes to no exchange: the student meant `any`. */
static int expect_first(const struct scenario *sc, struct diag *d)
{
	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];
		if (st->kind == STEP_SEND || st->kind == STEP_PEER)
			return 0;
		if (st->kind == STEP_EXPECT && !st->any) {
			diag_set(d, st->file ? st->file : sc->file, st->pos.line, st->pos.col,
				 "expects wait for a reply to the last send, and none came before "
				 "this one; add `any` to sniff: expect %s any", st->name);
			return -1;
		}
	}
	return 0;
}

static int link_loops(struct scenario *sc, struct diag *d)
{
	size_t stack[16], depth = 0;
	for (size_t i = 0; i < sc->nsteps; i++) {
		struct step *st = &sc->steps[i];
		if (st->kind == STEP_FOR) {
			if (depth == 16) {
				diag_set(d, sc->file, st->pos.line, st->pos.col, "loops nest 16 deep at most");
				return -1;
			}
			stack[depth++] = i;
		} else if (st->kind == STEP_END) {
			if (!depth) {
				diag_set(d, sc->file, st->pos.line, st->pos.col, "end without a for");
				return -1;
			}
			size_t f = stack[--depth];
			st->jump = f;
			sc->steps[f].jump = i;
		}
	}
	if (depth) {
		const struct step *st = &sc->steps[stack[depth - 1]];
		diag_set(d, sc->file, st->pos.line, st->pos.col, "for without an end");
		return -1;
	}
	return 0;
}

int scenario_parse(struct scenario *sc, const char *file, const char *text, size_t len,
		   struct diag *d)
{
	memset(sc, 0, sizeof *sc);
	sc->file = file;
	if (src_check_size(file, text, len, d))
		return -1;
	src_split(&sc->src, text, len);
	sc->steps = xcalloc(sc->src.nlines + 1, sizeof *sc->steps);
	struct step *cur = NULL;
	for (size_t i = 0; i < sc->src.nlines; i++) {
		const struct src_line *ln = &sc->src.lines[i];
		struct lexer lx = { .ln = ln, .i = 0, .file = file };
		lex_skip_space(&lx);
		if (lex_at_end(&lx))
			continue;
		if (lx.i > 0) {		/* indented: a line of the step above */
			if (!cur || (cur->kind != STEP_SEND && cur->kind != STEP_EXPECT) || cur->file) {
				struct srcpos at = lex_pos(&lx);
				diag_set(d, file, at.line, at.col, cur && cur->file ?
					 "send @template takes no layer lines" :
					 "an indented line belongs to a send or expect step above it");
				return -1;
			}
			if (!cur->nlines)
				cur->lines = ln;
			cur->nlines = (size_t)(ln - cur->lines) + 1;
			continue;
		}
		cur = &sc->steps[sc->nsteps++];
		cur->pos = ln->pos[0];
		cur->file = NULL;
		cur->points = 1;
		const char *kw;
		size_t kn = lex_word(&lx, &kw);
		if (parse_step(sc, cur, &lx, kw, kn ? kn : 1, d))
			return -1;
	}
	for (size_t i = 0; i < sc->nsteps; i++) {
		struct step *st = &sc->steps[i];
		if (st->kind == STEP_SEND && !st->nlines) {
			diag_set(d, file, st->pos.line, st->pos.col,
				 "send needs layer lines (indented below it) or @template.pkt");
			return -1;
		}
		if (!st->file)
			st->file = file;
	}
	return link_loops(sc, d) || expect_first(sc, d) ? -1 : 0;
}

void scenario_free(struct scenario *sc)
{
	for (size_t i = 0; i < sc->nsteps; i++)
		free(sc->steps[i].name);
	free(sc->steps);
	for (size_t i = 0; i < sc->nincluded; i++) {
		src_free(&sc->included[i]);
		free(sc->included_names[i]);
	}
	free(sc->included);
	free(sc->included_names);
	src_free(&sc->src);
	memset(sc, 0, sizeof *sc);
}

/* "open: tcp flags=SA" starts an alternative labelled "open". */
static size_t label_of(const struct src_line *ln, size_t *after)
{
	size_t i = 0;
	while (i < ln->len && (ln->s[i] == ' ' || ln->s[i] == '\t'))
		i++;
	size_t b = i;
	while (i < ln->len && (isalnum((unsigned char)ln->s[i]) || ln->s[i] == '_'))
		i++;
	if (i == b || i >= ln->len || ln->s[i] != ':')
		return 0;
	*after = i + 1;
	return i - b;
}

int scenario_alternatives(const struct step *st, const struct vars *vars,
			  struct alternative **alts, size_t *nalts, char *otherwise,
			  size_t otherwise_len, struct diag *d)
{
	struct alternative *a = xcalloc(st->nlines + 1, sizeof *a);
	size_t n = 0;
	otherwise[0] = '\0';
	for (size_t i = 0; i < st->nlines; i++) {
		const struct src_line *ln = &st->lines[i];
		struct lexer lx = { .ln = ln, .i = 0, .file = st->file, .vars = vars };
		lex_skip_space(&lx);
		if (lex_at_end(&lx))
			continue;
		const char *w;
		struct srcpos pos;
		struct lexer peek = lx;
		size_t wn = word(&peek, &w, &pos);
		if (wn == 4 && memcmp(w, "else", 4) == 0) {
			size_t ln2 = word(&peek, &w, &pos);
			if (!is_name(w, ln2) || ln2 >= otherwise_len) {
				diag_set(d, st->file, pos.line, pos.col, "else needs a LABEL: else filtered");
				goto fail;
			}
			snprintf(otherwise, otherwise_len, "%.*s", (int)ln2, w);
			continue;
		}
		size_t after = 0, ll = label_of(ln, &after);
		struct src_line rest = *ln;
		if (ll) {
			if (ll >= sizeof a->label) {
				diag_set(d, st->file, ln->pos[0].line, ln->pos[0].col, "label too long");
				goto fail;
			}
			struct alternative *alt = &a[n++];
			expect_init(&alt->expect);
			snprintf(alt->label, sizeof alt->label, "%.*s", (int)ll,
				 ln->s + (after - ll - 1));
			rest = (struct src_line){ ln->s + after, ln->pos + after, ln->len - after };
		} else if (n == 0) {
			expect_init(&a[0].expect);
			n = 1;
		}
		if (expect_add_line(&a[n - 1].expect, &rest, st->file, vars, d))
			goto fail;
	}
	if (n == 0) {		/* no lines: any reply in scope */
		expect_init(&a[0].expect);
		n = 1;
	}
	*alts = a;
	*nalts = n;
	return 0;
fail:
	scenario_alternatives_free(a, n);
	return -1;
}

void alternatives_text(const struct alternative *alts, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++)
		sb_printf(out, "%s%s%s%s", i ? " | " : "", alts[i].label, alts[i].label[0] ? ": " : "",
			  alts[i].expect.text[0] ? alts[i].expect.text : "any reply");
}

void scenario_alternatives_free(struct alternative *alts, size_t n)
{
	for (size_t i = 0; i < n; i++)
		expect_free(&alts[i].expect);
	free(alts);
}

/* Each value is kept as text: a longer list is a mistake, not a loop. */
#define FOR_MAX_VALUES 65536

int scenario_for_values(const struct step *st, const struct vars *vars,
			char ***values, size_t *n, struct diag *d)
{
	struct lexer lx = { .ln = &st->arg, .i = 0, .file = NULL, .vars = vars };
	struct strbuf all;
	sb_init(&all);
	*values = NULL;
	*n = 0;
	for (;;) {
		lex_skip_space(&lx);
		if (lex_at_end(&lx))
			break;
		struct srcpos at = lex_pos(&lx);
		sb_reset(&all);
		if (lex_value(&lx, &all, d)) {
			sb_free(&all);
			goto fail;
		}
		char *dots = strstr(all.s, "..");
		uint64_t lo, hi;
		if (dots) {
			*dots = '\0';
			if (parse_uint(all.s, 0xffffffff, &lo) || parse_uint(dots + 2, 0xffffffff, &hi) ||
			    hi < lo || hi - lo >= 65536) {
				diag_set(d, NULL, at.line, at.col, "a range is FIRST..LAST, "
					 "integers, at most 65536 values: 1..254");
				sb_free(&all);
				goto fail;
			}
		}
		size_t add = dots ? (size_t)(hi - lo + 1) : 1;
		if (*n + add > FOR_MAX_VALUES) {
			diag_set(d, NULL, at.line, at.col, "a for list has at most %d values in all",
				 FOR_MAX_VALUES);
			sb_free(&all);
			goto fail;
		}
		char **grown = xrealloc(*values, (*n + add) * sizeof **values);
		*values = grown;
		for (size_t k = 0; k < add; k++) {
			char num[24];
			snprintf(num, sizeof num, "%llu", (unsigned long long)(lo + k));
			(*values)[(*n)++] = xstrndup(dots ? num : all.s, strlen(dots ? num : all.s));
		}
	}
	sb_free(&all);
	return 0;
fail:
	for (size_t k = 0; k < *n; k++)
		free((*values)[k]);
	free(*values);
	*values = NULL;
	*n = 0;
	return -1;
}

/* NAME.layer.field for every field present in `f`. */
static void bind_fields(struct vars *vars, const char *name, const struct frame *f)
{
	for (size_t i = 0; i < f->nlayers; i++) {
		const struct layer *l = &f->layer[i];
		unsigned seen = 0;
		for (size_t j = 0; j < i; j++)
			seen += f->layer[j].def == l->def;
		for (size_t k = 0; k < l->def->nfields; k++) {
			const struct field *fd = &l->def->fields[k];
			if (!fd->bits || !(l->present & (1u << k)))
				continue;
			char key[96], value[64];
			if (seen)
				snprintf(key, sizeof key, "%s.%s%u.%s", name, l->def->name, seen + 1,
					 fd->name);
			else
				snprintf(key, sizeof key, "%s.%s.%s", name, l->def->name, fd->name);
			field_format(fd, &l->val[k], value, sizeof value);
			vars_set(vars, key, value);
		}
	}
}

void scenario_step_title(const struct step *st, char *out, size_t n)
{
	static const char *const word[] = {
		[STEP_SEND] = "send", [STEP_EXPECT] = "expect", [STEP_SET] = "set",
		[STEP_SLEEP] = "sleep", [STEP_PRINT] = "print", [STEP_FOR] = "for",
		[STEP_END] = "end",
	};
	if (st->kind == STEP_CHECK)
		snprintf(out, n, "check %.*s", (int)st->arg.len, st->arg.s);
	else if (st->kind == STEP_PEER_STATE)
		snprintf(out, n, "expect peer state %s", tcp_state_netstat(st->state));
	else if (st->kind == STEP_PEER)
		snprintf(out, n, "peer %s", peerstep_name(st->peer));
	else
		snprintf(out, n, "%s%s%s", word[st->kind], st->name ? " " : "",
			 st->name ? st->name : "");
}

void scenario_bind(struct vars *vars, const char *name, const struct frame *f)
{
	bind_fields(vars, name, f);
	bind_widths(vars, name, f);
}

/* What a later step may read of NAME before it exists: every field of
 * every layer, and of the layers a reply may hold twice (a second VLAN
 * tag, the headers an ICMP error quotes: ${r.ipv42.src}, ${r.ipv62.src}), at a value of the
 * right kind - mid-range, so that ${r.tcp.win - 1} stays in range, and
 * never zero, so that no division by one is refused before it happens.  One
 * layer (or two alike) at a time: a frame holds any one, not all at once. */
static void bind_placeholders(struct vars *vars, const char *name)
{
	static const bool twice[L_COUNT] = {
		[L_VLAN] = true, [L_IPV4] = true, [L_IPV6] = true, [L_TCP] = true, [L_UDP] = true,
	};
	_Static_assert(MAX_LAYERS >= 2, "a frame holds a layer twice");
	struct frame f;
	memset(&f, 0, sizeof f);
	for (int id = 0; id < L_COUNT; id++) {
		f.nlayers = twice[id] ? 2 : 1;
		for (size_t n = 0; n < f.nlayers; n++) {
			struct layer *l = &f.layer[n];
			l->def = craft_layers[id];
			l->present = UINT32_MAX;
			for (size_t k = 0; k < l->def->nfields; k++)
				l->val[k].u = field_max(&l->def->fields[k]) >> 1 | 1;
		}
		bind_fields(vars, name, &f);
	}
	bind_width_placeholders(vars, name);
	char key[96];
	snprintf(key, sizeof key, "%s.label", name);
	vars_set(vars, key, "label");
}

int scenario_frame(const struct step *st, const struct vars *vars, warn_fn warn,
		   void *warn_ctx, struct frame *f, struct diag *d)
{
	char *dircopy = xstrndup(st->file, strlen(st->file));
	struct template_ctx tc = {
		.file = st->file, .dir = dirname(dircopy), .vars = vars,
		.warn = warn, .warn_ctx = warn_ctx,
	};
	memset(f, 0, sizeof *f);
	int rc = 0;
	for (size_t i = 0; i < st->nlines && rc == 0; i++)
		rc = template_add_line(&tc, &st->lines[i], f, d);
	if (rc == 0)
		rc = template_finish(&tc, f, d);
	if (rc)
		frame_free(f);
	free(dircopy);
	return rc;
}

int scenario_expand(const struct src_line *arg, const char *file, const struct vars *vars,
		    struct strbuf *out, struct diag *d)
{
	struct lexer lx = { .ln = arg, .i = 0, .file = file, .vars = vars };
	sb_reset(out);
	for (bool first = true;; first = false) {
		lex_skip_space(&lx);
		if (lex_at_end(&lx))
			return 0;
		if (!first)
			sb_putc(out, ' ');
		if (lex_value(&lx, out, d))
			return -1;
	}
}

struct check_loop {
	size_t at, next, n;
	char **values;
};

/* Nested loops multiply: past this many replays of loop bodies, loops are
 * checked with their first value only. */
#define CHECK_REPLAYS 4096

static size_t check_count(size_t n)
{
	return n <= 64 ? n : 64;
}

/* The k-th value to check: all of a short list, the ends of a long one. */
static size_t check_index(size_t n, size_t k)
{
	return n <= 64 || k < 32 ? k : n - 64 + k;
}

static void free_values(char **values, size_t n)
{
	for (size_t k = 0; k < n; k++)
		free(values[k]);
	free(values);
}

int scenario_check(const struct scenario *sc, const struct vars *given, struct addr *first_dst,
		   struct diag *d)
{
	*first_dst = (struct addr){ .family = ADDR_NONE };
	struct vars vars;
	vars_init(&vars);
	for (size_t i = 0; given && i < given->n; i++)
		vars_set(&vars, given->v[i].name, given->v[i].value);
	struct strbuf text;
	sb_init(&text);
	struct check_loop loops[16];
	size_t depth = 0, replays = 0;
	int rc = 0;
	for (size_t i = 0; i < sc->nsteps && rc == 0; i++) {
		const struct step *st = &sc->steps[i];
		struct frame f;
		switch (st->kind) {
		case STEP_SET:
			rc = scenario_expand(&st->arg, sc->file, &vars, &text, d);
			if (rc == 0 && !vars_get(given, st->name, strlen(st->name)))
				vars_set(&vars, st->name, text.s);
			break;
		case STEP_PRINT:
			rc = scenario_expand(&st->arg, sc->file, &vars, &text, d);
			break;
		case STEP_FOR: {
			struct check_loop *l = &loops[depth++];
			rc = scenario_for_values(st, &vars, &l->values, &l->n, d);
			if (rc && !d->file)
				d->file = sc->file;
			if (rc == 0 && l->n == 0) {
				diag_set(d, sc->file, st->pos.line, st->pos.col, "for has no values");
				rc = -1;
			}
			if (rc) {
				depth--;
				break;
			}
			l->at = i;
			l->next = 0;
			vars_set(&vars, st->name, l->values[check_index(l->n, l->next++)]);
			break;
		}
		case STEP_END: {
			/* The body is checked with each value (the first and last 32 of
			 * a long list), so that a bad value is found before frames
			 * are out - within a budget, for nested loops. */
			struct check_loop *l = &loops[depth - 1];
			if (l->next < check_count(l->n) && replays++ < CHECK_REPLAYS) {
				vars_set(&vars, sc->steps[l->at].name,
					 l->values[check_index(l->n, l->next++)]);
				i = l->at;
				break;
			}
			free_values(l->values, l->n);
			depth--;
			break;
		}
		case STEP_SEND:
			rc = scenario_frame(st, &vars, NULL, NULL, &f, d);
			if (rc == 0) {
				if (first_dst->family == ADDR_NONE)
					*first_dst = frame_destination(&f);
				frame_free(&f);
				if (st->name)
					bind_placeholders(&vars, st->name);
			}
			break;
		case STEP_CHECK: {
			struct check_result res;
			rc = check_eval(st, &vars, &res, d);
			break;
		}
		case STEP_EXPECT: {
			struct alternative *alts;
			size_t n;
			char otherwise[32];
			rc = scenario_alternatives(st, &vars, &alts, &n, otherwise, sizeof otherwise, d);
			if (rc == 0) {
				scenario_alternatives_free(alts, n);
				bind_placeholders(&vars, st->name);
			}
			break;
		}
		case STEP_PEER:
			rc = peerstep_check(st, &vars, d);
			break;
		default:
			break;
		}
	}
	while (depth--)
		free_values(loops[depth].values, loops[depth].n);
	sb_free(&text);
	vars_free(&vars);
	return rc ? rc : peerstep_order(sc, d);
}
