/* html.c - the ladder as an SVG picture in a page that explains each frame. */
#include "html.h"

#include <string.h>

#include "explain.h"

/* The ladder's character grid in pixels: a cell of 13px monospace, a row
 * for the label above its arrow and the states beside it. */
#define CW 8
#define RH 26
#define HEAD 34			/* the host names above the first row */

/* Nothing is fetched: no source but the page's own style and script. */
static const char page_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	"style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
	"<meta name=\"generator\" content=\"rawcraft\">\n<title>";

static const char page_style[] =
	"</title>\n<style>\n"
	"body{margin:0;font:14px sans-serif;display:grid;height:100vh;"
	"grid-template:auto minmax(0,1fr)/minmax(0,1fr) minmax(28em,42%)}\n"
	"header{grid-column:1/3;padding:.3em 1em;border-bottom:1px solid #ccc}\n"
	"h1{font-size:1.1em;margin:.2em 0}\n"
	"h2{font:bold 13px monospace;margin:.8em 0}\n"
	"#ladder{grid-row:2;grid-column:1;overflow:auto;padding:0 1em}\n"
	"#panel{grid-row:2;grid-column:2;overflow:auto;padding:0 1em;border-left:1px solid #ccc}\n"
	"pre{font:12px monospace;margin:0 0 1em}\n"
	"svg text{font:13px monospace;fill:#222;white-space:pre}\n"
	".lines line{stroke:#aaa}\n"
	"g[data-frame]{cursor:pointer;outline:none}\n"
	"g[data-frame] .hit{fill:transparent}\n"
	"g[data-frame]:hover .hit,g[data-frame]:focus .hit{fill:#eef}\n"
	"g.picked .hit{fill:#cde}\n"
	"g[data-frame] line,g[data-frame] .loop{stroke:#036;stroke-width:1.5;fill:none}\n"
	"g[data-frame] .head{fill:#036}\n"
	"svg .state{fill:#063}\nsvg .note{fill:#b00}\nsvg .time{fill:#777}\n"
	"</style></head><body>\n<header><h1>";

/* Picks a frame by click, Enter, the arrow keys, or #frame=N on load. */
static const char page_script[] =
	"<script>\n"
	"(function () {\n"
	"\t'use strict';\n"
	"\tvar shown = null, picked = null;\n"
	"\tfunction show(g) {\n"
	"\t\tvar n = g.getAttribute('data-frame'), f = document.getElementById('f-' + n);\n"
	"\t\tif (!f)\n\t\t\treturn;\n"
	"\t\tif (shown)\n\t\t\tshown.hidden = true;\n"
	"\t\tif (picked)\n\t\t\tpicked.classList.remove('picked');\n"
	"\t\tdocument.getElementById('hint').hidden = true;\n"
	"\t\tf.hidden = false;\n"
	"\t\tg.classList.add('picked');\n"
	"\t\tshown = f;\n\t\tpicked = g;\n"
	"\t\ttry {\n\t\t\thistory.replaceState(null, '', '#frame=' + n);\n"
	"\t\t} catch (e) {\n\t\t\t/* a page opened from a file may not */\n\t\t}\n"
	"\t}\n"
	"\tdocument.addEventListener('click', function (e) {\n"
	"\t\tvar g = e.target.closest('g[data-frame]');\n"
	"\t\tif (g)\n\t\t\tshow(g);\n"
	"\t});\n"
	"\tdocument.addEventListener('keydown', function (e) {\n"
	"\t\tvar g = document.activeElement, down = e.key === 'ArrowDown';\n"
	"\t\tif ((down || e.key === 'ArrowUp') && picked) {\n"
	"\t\t\tg = down ? picked.nextElementSibling : picked.previousElementSibling;\n"
	"\t\t\tif (!g || !g.hasAttribute('data-frame'))\n\t\t\t\treturn;\n"
	"\t\t\tg.focus();\n"
	"\t\t} else if (e.key !== 'Enter' || !g || !g.hasAttribute('data-frame')) {\n"
	"\t\t\treturn;\n"
	"\t\t}\n"
	"\t\te.preventDefault();\n"
	"\t\tshow(g);\n"
	"\t});\n"
	"\tvar m = /^#frame=([0-9]+)$/.exec(location.hash);\n"
	"\tvar g = m && document.querySelector('g[data-frame=\"' + m[1] + '\"]');\n"
	"\tif (g) {\n"
	"\t\tg.dispatchEvent(new MouseEvent('click', { bubbles: true }));\n"
	"\t\tg.scrollIntoView({ block: 'center' });\n"
	"\t}\n"
	"})();\n"
	"</script>\n";

static void text_html(const char *s, struct strbuf *out)
{
	sb_html_str(out, s, strlen(s));
}

void html_begin(const char *title, struct strbuf *out)
{
	sb_puts(out, page_head);
	text_html(title, out);
	sb_puts(out, page_style);
	text_html(title, out);
	sb_puts(out, "</h1></header>\n<aside id=\"panel\">\n"
		"<p id=\"hint\">Click an arrow (or pick one and press Enter; then the arrow keys) "
		"to see its frame.</p>\n");
}

void html_frame(uint32_t no, const char *summary, const char *tree, const char *hex,
		struct strbuf *out)
{
	sb_printf(out, "<section hidden id=\"f-%u\">", no);
	if (summary) {
		sb_puts(out, "<h2>");
		text_html(summary, out);
		sb_puts(out, "</h2>");
	}
	sb_puts(out, "\n<pre class=\"tree\">");
	text_html(tree, out);
	sb_puts(out, "</pre>\n<pre class=\"hex\">");
	text_html(hex, out);
	sb_puts(out, "</pre></section>\n");
}

/* The middle of cell `c`, where a host's line runs. */
static unsigned mid(unsigned c)
{
	return c * CW + CW / 2;
}

/* A <text> at pixel x (anchored at its start, middle or end) on baseline y. */
static void text_at(unsigned x, unsigned y, const char *anchor, const char *cls, const char *s,
		    struct strbuf *out)
{
	if (!*s)
		return;
	sb_printf(out, "<text x=\"%u\" y=\"%u\"", x, y);
	if (strcmp(anchor, "start") != 0)
		sb_printf(out, " text-anchor=\"%s\"", anchor);
	if (cls)
		sb_printf(out, " class=\"%s\"", cls);
	sb_putc(out, '>');
	text_html(s, out);
	sb_puts(out, "</text>");
}

static unsigned svg_width(const struct ladder_grid *g)
{
	return (g->width + 2 + g->note_w) * CW;
}

void html_ladder_head(const struct ladder *l, const struct ladder_grid *g, struct strbuf *out)
{
	sb_puts(out, "</aside>\n<main id=\"ladder\">\n");
	ladder_gaps(l, "<p>", "</p>\n", out);
	size_t rows = ladder_rows(l), hosts = ladder_hosts(l);
	unsigned height = HEAD + (unsigned)rows * RH + RH / 2;
	sb_printf(out, "<svg width=\"%u\" height=\"%u\" role=\"img\" aria-label=\"ladder of %zu "
		  "frames between %zu hosts\">\n<g class=\"hosts\">", svg_width(g), height, rows,
		  hosts);
	for (size_t i = 0; i < hosts; i++)
		text_at(mid(ladder_line_at(g, i)), 16, "middle", NULL, ladder_host(l, i), out);
	sb_puts(out, "</g>\n<g class=\"lines\">");
	for (size_t i = 0; i < hosts; i++)
		sb_printf(out, "<line x1=\"%u\" y1=\"24\" x2=\"%u\" y2=\"%u\"/>",
			  mid(ladder_line_at(g, i)), mid(ladder_line_at(g, i)), height);
	sb_puts(out, "</g>\n");
}

void html_ladder_row(const struct ladder *l, const struct ladder_grid *g, size_t i,
		     struct strbuf *out)
{
	const struct ladder_row *r = ladder_row(l, i);
	unsigned top = HEAD + (unsigned)i * RH, y = top + 17, side = y + 4;
	unsigned xa = mid(ladder_line_at(g, r->src)), xb = mid(ladder_line_at(g, r->dst));
	const char *src_state = r->tcp ? tcp_state_name(r->src_state) : "";
	const char *dst_state = r->tcp ? tcp_state_name(r->dst_state) : "";
	struct strbuf s;
	sb_init(&s);
	sb_printf(out, "<g data-frame=\"%u\" tabindex=\"0\"><rect class=\"hit\" x=\"0\" y=\"%u\" "
		  "width=\"%u\" height=\"%u\"/>", r->frame, top, svg_width(g), RH);
	sb_printf(&s, "%u", r->frame);
	text_at(g->frame_w * CW, side, "end", "time", s.s, out);
	sb_reset(&s);
	ladder_time(r, &s);
	text_at((g->frame_w + 1 + g->time_w) * CW, side, "end", "time", s.s, out);
	if (xa == xb) {
		/* To itself: a loop right of its line. */
		sb_printf(out, "<path class=\"loop\" d=\"M%u %uh18v10h-12\"/>"
			  "<path class=\"head\" d=\"M%u %ul8 -4v8z\"/>", xa, y - 6, xa, y + 4);
		text_at(xa + 26, side, "start", NULL, r->label, out);
		text_at(xa + 26 + ((unsigned)strlen(r->label) + 2) * CW, side, "start", "state",
			dst_state, out);
		text_at(xa - CW, side, "end", "state", src_state, out);
	} else {
		bool right = xa < xb;
		unsigned lo = right ? xa : xb, hi = right ? xb : xa;
		sb_printf(out, "<line x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\"/>", right ? lo : lo + 8,
			  y, right ? hi - 8 : hi, y);
		if (right)
			sb_printf(out, "<path class=\"head\" d=\"M%u %ul-9 -4v8z\"/>", hi, y);
		else
			sb_printf(out, "<path class=\"head\" d=\"M%u %ul9 -4v8z\"/>", lo, y);
		text_at((lo + hi) / 2, y - 5, "middle", NULL, r->label, out);
		text_at(lo - CW, side, "end", "state", right ? src_state : dst_state, out);
		text_at(hi + CW, side, "start", "state", right ? dst_state : src_state, out);
	}
	sb_reset(&s);
	explain_expert(r->expert, r->dupack_num, r->dupack_frame, &s);
	if (s.len)
		text_at((g->width + 1) * CW, side, "start", "note", s.s + 1, out);
	sb_free(&s);
	sb_puts(out, "</g>\n");
}

void html_end(struct strbuf *out)
{
	sb_puts(out, "</svg>\n</main>\n");
	sb_puts(out, page_script);
	sb_puts(out, "</body></html>\n");
}
