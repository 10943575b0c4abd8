/* junit.c - test points as JUnit XML, as CI servers read it: a testsuite
 * per lab, a testcase per point (classname: the lab), <failure> with what
 * was expected and what came, <skipped> with why. */
#include "grade.h"
#include "text.h"

/* The failure's text: each of expected, got and message on a line of its
 * own, then where the step is. */
static void failure_text(const struct grade_point *p, struct strbuf *out)
{
	const char *keys[] = { "expected", "got", "message" };
	const char *values[] = { p->expected, p->got, p->message };
	for (size_t i = 0; i < 3; i++)
		if (values[i]) {
			sb_printf(out, "%s: ", keys[i]);
			text_xml(values[i], false, out);
			sb_putc(out, '\n');
		}
	sb_puts(out, "at: ");
	text_xml(p->file ? p->file : "", false, out);
	sb_printf(out, ":%u", p->line);
}

static void testcase(const struct grade_point *p, const char *lab, struct strbuf *tmp,
		     struct strbuf *out)
{
	sb_puts(out, "    <testcase name=\"");
	text_xml(p->title, true, out);
	if (p->label) {
		sb_puts(out, " (");
		text_xml(p->label, true, out);
		sb_putc(out, ')');
	}
	sb_puts(out, "\" classname=\"");
	text_xml(lab, true, out);
	sb_puts(out, "\" time=\"");
	sb_fixed(out, p->secs, 3);
	sb_puts(out, "\"");
	if (p->outcome == POINT_PASS) {
		sb_puts(out, "/>\n");
		return;
	}
	sb_puts(out, ">\n");
	if (p->outcome == POINT_SKIP) {
		sb_puts(out, "      <skipped message=\"");
		text_xml(p->why ? p->why : "skipped", true, out);
		sb_puts(out, "\"/>\n");
	} else {
		sb_reset(tmp);
		grade_verdict(p, tmp);
		sb_puts(out, "      <failure message=\"");
		text_xml(tmp->s, true, out);
		sb_puts(out, "\">");
		failure_text(p, out);
		sb_puts(out, "</failure>\n");
	}
	sb_puts(out, "    </testcase>\n");
}

void grade_junit(const struct grade *g, struct strbuf *out)
{
	struct grade_sum all;
	struct strbuf tmp;
	grade_sum(g, NULL, &all);
	sb_init(&tmp);
	sb_printf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		  "<testsuites tests=\"%u\" failures=\"%u\" skipped=\"%u\" errors=\"0\">\n",
		  all.pass + all.fail + all.skip, all.fail, all.skip);
	for (size_t i = 0; i < g->n; i++) {
		const struct grade_lab *l = &g->labs[i];
		struct grade_sum s;
		double secs = 0;
		grade_sum(g, l, &s);
		for (size_t k = 0; k < l->n; k++)
			secs += l->pts[k].secs;
		sb_puts(out, "  <testsuite name=\"");
		text_xml(l->file, true, out);
		sb_printf(out, "\" tests=\"%u\" failures=\"%u\" skipped=\"%u\" errors=\"0\" time=\"",
			  s.pass + s.fail + s.skip, s.fail, s.skip);
		sb_fixed(out, secs, 3);
		sb_puts(out, "\">\n");
		for (size_t k = 0; k < l->n; k++)
			testcase(&l->pts[k], l->file, &tmp, out);
		sb_puts(out, "  </testsuite>\n");
	}
	sb_puts(out, "</testsuites>\n");
	sb_free(&tmp);
}
