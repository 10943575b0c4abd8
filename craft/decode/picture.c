/* picture.c - the ladder of a run's frames and the page that holds it. */
#include "picture.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/html.h"
#include "describe.h"

/* Drawings go out a piece at a time: a ladder of every row is never held. */
#define PIECE 65536

void picture_init(struct picture *p, bool text, bool absolute, const char *path)
{
	memset(p, 0, sizeof *p);
	p->text = text;
	p->absolute = absolute;
	p->path = path;
	if (text || path)
		p->ladder = ladder_new(absolute);
}

/* `s` onto `out`, emptied; the first fault is kept in `err`. */
static void drain(FILE *out, int *err, struct strbuf *s)
{
	errno = 0;
	if (out && !*err && fwrite(s->s, 1, s->len, out) != s->len)
		*err = errno ? errno : EIO;
	sb_reset(s);
}

int picture_prepare(struct picture *p, const char *cmd, char *const *words, size_t n)
{
	if (!p->path || p->page)
		return 0;
	p->page = fopen(p->path, "w");
	if (!p->page) {
		p->err = errno;
		return -1;
	}
	struct strbuf title, s;
	sb_init(&title);
	sb_init(&s);
	sb_printf(&title, "rawcraft %s ", cmd);
	sb_join(&title, words, n, " ");
	html_begin(title.s, &s);
	drain(p->page, &p->err, &s);
	sb_free(&title);
	sb_free(&s);
	return 0;
}

void picture_frame(struct picture *p, const struct frame *f, uint32_t no,
		   const struct timeval *ts, const struct timeval *first,
		   const struct frame_analysis *fa, const char *summary)
{
	struct timeval since;
	timersub(ts, first, &since);
	if (!p->ladder || !ladder_frame(p->ladder, f, no, &since, fa) || !p->page)
		return;
	struct strbuf tree, hex, s;
	sb_init(&tree);
	sb_init(&hex);
	sb_init(&s);
	describe_tree(f, no, fa, p->absolute, &tree);
	describe_hex(f, &hex);
	html_frame(no, summary, tree.s, hex.s, &s);
	drain(p->page, &p->err, &s);
	sb_free(&tree);
	sb_free(&hex);
	sb_free(&s);
}

void picture_text(const struct picture *p, struct strbuf *out)
{
	if (!p->text)
		return;
	struct ladder_grid g;
	ladder_grid(p->ladder, &g);
	size_t rows = ladder_rows(p->ladder);
	if (rows)
		ladder_text_head(p->ladder, &g, out);
	for (size_t i = 0; i < rows; i++)
		ladder_text_row(p->ladder, &g, i, out);
	ladder_gaps(p->ladder, "(", ")\n", out);
}

int picture_close(struct picture *p)
{
	bool opened = p->page != NULL;
	if (opened) {
		struct ladder_grid g;
		ladder_grid(p->ladder, &g);
		struct strbuf s;
		sb_init(&s);
		html_ladder_head(p->ladder, &g, &s);
		for (size_t i = 0; i < ladder_rows(p->ladder); i++) {
			html_ladder_row(p->ladder, &g, i, &s);
			if (s.len >= PIECE)
				drain(p->page, &p->err, &s);
		}
		html_end(&s);
		drain(p->page, &p->err, &s);
		sb_free(&s);
		if (fclose(p->page) && !p->err)
			p->err = errno;
		p->page = NULL;
	}
	ladder_free(p->ladder);
	p->ladder = NULL;
	return opened && p->err ? -1 : 0;
}
