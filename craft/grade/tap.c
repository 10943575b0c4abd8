/* tap.c - test points as TAP version 13 (testanything.org): "ok N - TITLE",
 * "not ok N - TITLE" and a YAML block of what was expected and what came,
 * "ok N - TITLE # SKIP why". */
#include "grade.h"
#include "text.h"

/* One line of text: newlines as spaces; in a description '#' would start
 * a directive, so it is escaped as TAP 13 says, \# (nothing else is). */
static void tap_text(const char *s, bool description, struct strbuf *out)
{
	for (; *s; s++) {
		if (*s == '\n' || *s == '\r')
			sb_putc(out, ' ');
		else if (description && *s == '#')
			sb_printf(out, "\\%c", *s);
		else
			sb_putc(out, *s);
	}
}

static void yaml_member(const char *key, const char *value, struct strbuf *out)
{
	if (!value)
		return;
	sb_printf(out, "  %s: ", key);
	text_yaml(value, out);
	sb_putc(out, '\n');
}

void grade_tap_point(const struct grade_point *p, unsigned n, const char *lab,
		     struct strbuf *out)
{
	sb_printf(out, "%sok %u - ", p->outcome == POINT_FAIL ? "not " : "", n);
	if (lab) {
		tap_text(lab, true, out);
		sb_puts(out, ": ");
	}
	tap_text(p->title, true, out);
	if (p->label) {
		sb_puts(out, " (");
		tap_text(p->label, true, out);
		sb_putc(out, ')');
	}
	if (p->outcome == POINT_SKIP) {
		sb_puts(out, " # SKIP ");
		tap_text(p->why ? p->why : "skipped", false, out);
	}
	sb_putc(out, '\n');
	if (p->outcome != POINT_FAIL)
		return;
	sb_puts(out, "  ---\n");
	yaml_member("message", p->message, out);
	yaml_member("expected", p->expected, out);
	yaml_member("got", p->got, out);
	yaml_member("file", p->file, out);
	sb_printf(out, "  line: %u\n  ...\n", p->line);
}

void grade_tap_plan(unsigned n, struct strbuf *out)
{
	sb_printf(out, "1..%u\n", n);
}

void grade_tap_bail(const char *why, struct strbuf *out)
{
	sb_puts(out, "Bail out! ");
	tap_text(why, false, out);
	sb_putc(out, '\n');
}
