/* results.c - test points as JSON: Gradescope's results.json (its
 * autograder docs: "score", and "tests" of name, score, max_score, status,
 * output), and the line --json gives each point. */
#include "grade.h"
#include "text.h"

static const char *const outcome_word[] = {
	[POINT_PASS] = "pass", [POINT_FAIL] = "fail", [POINT_SKIP] = "skip",
};

static void json_member(const char *key, const char *value, struct strbuf *out)
{
	if (!value)
		return;
	sb_json_key(out, key);
	text_json(value, out);
}

/* What a student reads under a test's name. */
static void output_text(const struct grade_point *p, struct strbuf *out)
{
	if (p->outcome == POINT_SKIP) {
		sb_printf(out, "skipped: %s", p->why ? p->why : "");
		return;
	}
	if (p->label)
		sb_printf(out, "took %s", p->label);
	if (p->outcome == POINT_FAIL)
		grade_verdict(p, out);
	sb_printf(out, "%s%s:%u", out->len ? "\n" : "", p->file ? p->file : "", p->line);
}

void grade_gradescope(const struct grade *g, struct strbuf *out)
{
	struct grade_sum all;
	struct strbuf t;
	grade_sum(g, NULL, &all);
	sb_init(&t);
	sb_printf(out, "{\"score\":%lu,\"tests\":[", all.score);
	const char *sep = "";
	for (size_t i = 0; i < g->n; i++) {
		const struct grade_lab *l = &g->labs[i];
		for (size_t k = 0; k < l->n; k++) {
			const struct grade_point *p = &l->pts[k];
			sb_reset(&t);
			if (g->named)
				sb_printf(&t, "%s: ", l->file);
			sb_puts(&t, p->title);
			sb_printf(out, "%s\n{\"name\":", sep);
			text_json(t.s, out);
			sb_printf(out, ",\"score\":%u,\"max_score\":%u,\"status\":\"%s\"", grade_score(p),
				  p->points, p->outcome == POINT_PASS ? "passed" : "failed");
			sb_reset(&t);
			output_text(p, &t);
			json_member("output", t.s, out);
			sb_putc(out, '}');
			sep = ",";
		}
	}
	sb_puts(out, "\n]}\n");
	sb_free(&t);
}

void grade_point_json(const struct grade_point *p, unsigned n, struct strbuf *out)
{
	sb_printf(out, "{\"point\":%u,\"line\":%u", n, p->line);
	json_member("file", p->file, out);
	json_member("title", p->title, out);
	sb_json_key(out, "outcome");
	sb_json_word(out, outcome_word[p->outcome]);
	sb_printf(out, ",\"points\":%u,\"score\":%u", p->points, grade_score(p));
	json_member("label", p->label, out);
	json_member("expected", p->expected, out);
	json_member("got", p->got, out);
	json_member("message", p->message, out);
	json_member("why", p->why, out);
	sb_puts(out, "}\n");
}
