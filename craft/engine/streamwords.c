/* streamwords.c - a stream's summary in words and as JSON: what was sent,
 * how fast, each class of reply with its targets, what the capture lost. */
#include "streamwords.h"

#include <stdio.h>
#include <string.h>

#include "streamhops.h"

double stream_pps(uint64_t frames, unsigned passes, double secs)
{
	return frames > passes && secs > 0 ? (double)(frames - passes) / secs : 0;
}

/* The send path as the summary's line says it. */
static void text_tx(const struct stream_result *r, struct strbuf *out)
{
	if (r->tx == LINKTX_XDP)
		sb_printf(out, "    tx: AF_XDP, %u socket%s (copy mode)\n", r->nsenders,
			  r->nsenders == 1 ? "" : "s");
	else if (r->tx == LINKTX_PACKET)
		sb_puts(out, "    tx: AF_PACKET, qdisc bypassed\n");
	else if (r->tx == LINKTX_QDISC)
		sb_puts(out, "    tx: AF_PACKET through the qdisc\n");
}

static void json_classes(const struct stream *s, struct strbuf *out)
{
	const struct stream_result *r = stream_result(s);
	sb_puts(out, ",\"classes\":[");
	for (unsigned c = 0; c <= r->ncls; c++) {
		bool none = c == r->ncls;
		sb_printf(out, "%s{\"reply\":", c ? "," : "");
		if (none || r->cls[c].unanswered)
			sb_puts(out, "null");
		else
			sb_json_str(out, r->cls[c].name, strlen(r->cls[c].name));
		if (!none && r->cls[c].unanswered) {
			sb_puts(out, ",\"why\":");
			sb_json_str(out, r->cls[c].name, strlen(r->cls[c].name));
		}
		sb_printf(out, ",\"expected\":%s,\"count\":%llu,\"targets\":[",
			  !none && r->cls[c].wanted ? "true" : "false",
			  (unsigned long long)(none ? r->silent : r->cls[c].n));
		stream_list_targets(s, none ? -1 : (int)c, true, out);
		sb_puts(out, "]");
		if (!none)
			stream_class_senders(s, c, true, out);
		sb_putc(out, '}');
	}
	sb_puts(out, "]");
	stream_route(s, true, out);
}

void passes_words(unsigned retries, unsigned passes, const uint64_t *reprobed, bool none_left,
		  bool json, struct strbuf *out)
{
	if (!retries)
		return;
	if (json)
		sb_printf(out, ",\"passes\":%u,\"reprobed\":[", passes);
	else
		sb_printf(out, "    %u pass%s (--retries %u)", passes, passes == 1 ? "" : "es", retries);
	for (unsigned p = 1; p < passes; p++)
		sb_printf(out, json ? p > 1 ? ",%llu" : "%llu" : p > 1 ? ", then %llu" :
			  ": %llu probed again", (unsigned long long)reprobed[p - 1]);
	if (json)
		sb_putc(out, ']');
	else
		sb_puts(out, passes == 1 && none_left ? ": none left to probe again\n" : "\n");
}

static void json_report(const struct stream *s, const struct stream_words *w, struct strbuf *out)
{
	const struct stream_result *r = stream_result(s);
	double secs = (double)r->send_ns / 1e9, pps = stream_pps(r->sent, r->passes, secs);
	sb_printf(out, "{\"stats\":{\"sent\":%llu,\"elapsed_us\":%llu,\"pps\":%.0f,"
		  "\"senders\":%u,\"path\":\"%s\"", (unsigned long long)r->sent,
		  (unsigned long long)(r->send_ns / 1000u), pps, r->nsenders,
		  r->patched ? "patched" : "rebuilt");
	if (r->tx != LINKTX_AUTO)
		sb_printf(out, ",\"tx\":\"%s\"", linktx_path_name(r->tx));
	if (w->rate)
		sb_printf(out, ",\"rate\":%llu", (unsigned long long)w->rate);
	if (w->replies)
		sb_printf(out, ",\"targets\":%llu,\"answered\":%llu,\"unanswered\":%llu,"
			  "\"duplicates\":%llu,\"tracked\":%llu", (unsigned long long)r->targets,
			  (unsigned long long)r->answered, (unsigned long long)(r->silent + r->unreached),
			  (unsigned long long)r->duplicates, (unsigned long long)r->tracked);
	if (w->replies)
		passes_words(r->retries, r->passes, r->reprobed, !r->silent, true, out);
	if (r->capturing)
		sb_printf(out, ",\"capture_dropped\":%u", r->dropped);
	if (w->signame)
		sb_printf(out, ",\"interrupted\":\"%s\"", w->signame);
	sb_puts(out, "}");
	if (w->replies)
		json_classes(s, out);
	sb_puts(out, "}\n");
}

static void text_classes(const struct stream *s, struct strbuf *out)
{
	const struct stream_result *r = stream_result(s);
	uint64_t silent = r->silent + r->unreached;
	sb_printf(out, "    %llu targets: %llu answered, %llu no answer",
		  (unsigned long long)r->targets, (unsigned long long)(r->targets - silent),
		  (unsigned long long)silent);
	if (r->count > r->tracked)
		sb_printf(out, " (replies told apart for the first %llu probes)",
			  (unsigned long long)r->tracked);
	if (r->duplicates)
		sb_printf(out, ", %llu repeated replies", (unsigned long long)r->duplicates);
	sb_putc(out, '\n');
	passes_words(r->retries, r->passes, r->reprobed, !r->silent, false, out);
	/* The counts in one column: past the longest name ("no answer (no
	 * neighbour advertisement)") when it is longer than 24. */
	int width = 24;
	for (unsigned c = 0; c < r->ncls; c++) {
		int len = (int)strlen(r->cls[c].name) + (r->cls[c].unanswered ? 12 : 0);
		if (r->cls[c].n && len > width)
			width = len;
	}
	for (unsigned c = 0; c <= r->ncls; c++) {
		bool none = c == r->ncls;
		uint64_t n = none ? r->silent : r->cls[c].n;
		if (!n)
			continue;
		char name[sizeof r->cls[0].name + 16] = "no answer";
		if (!none)
			snprintf(name, sizeof name, r->cls[c].unanswered ? "no answer (%s)" : "%s",
				 r->cls[c].name);
		sb_printf(out, "    %-*s %8llu  ", width, name, (unsigned long long)n);
		stream_list_targets(s, none ? -1 : (int)c, false, out);
		if (!none && !r->cls[c].wanted && !r->cls[c].unanswered)
			sb_puts(out, "  (not what was expected)");
		sb_putc(out, '\n');
		if (!none)
			stream_class_senders(s, c, false, out);
	}
	stream_route(s, false, out);
}

static void text_report(const struct stream *s, const struct stream_words *w, struct strbuf *out)
{
	const struct stream_result *r = stream_result(s);
	double secs = (double)r->send_ns / 1e9, pps = stream_pps(r->sent, r->passes, secs);
	sb_printf(out, "--- %llu sent in %.3fs (%.0f pps, %u sender%s, %s frames)",
		  (unsigned long long)r->sent, secs, pps, r->nsenders,
		  r->nsenders == 1 ? "" : "s", r->patched ? "patched" : "rebuilt");
	if (w->signame)
		sb_printf(out, ", stopped by %s", w->signame);
	sb_putc(out, '\n');
	text_tx(r, out);
	/* Targets not sent to (no ARP reply) had their slots in the pace too. */
	double paced = secs > 0 ? (double)(r->sent + r->unreached) / secs : 0;
	if (w->rate && !w->signame && r->sent > 1 && paced < 0.98 * (double)w->rate)
		sb_printf(out, "    the pace fell short: %llu frames/s asked, %.0f reached\n",
			  (unsigned long long)w->rate, paced);
	if (w->replies)
		text_classes(s, out);
	/* What the capture saw: replies, and with -w our own frames too. */
	const char *lacking = !w->wrote ? " (replies may be missing: lower --rate)" :
			      w->replies ? " (the -w file lacks them, and the summary any replies among "
					"them: lower --rate)" : " (the -w file lacks them: lower --rate)";
	if (r->capturing)
		sb_printf(out, "    capture: %u frames dropped by the kernel%s\n", r->dropped,
			  r->dropped ? lacking : "");
}

void stream_words(const struct stream *s, const struct stream_words *w, struct strbuf *out)
{
	if (w->json)
		json_report(s, w, out);
	else
		text_report(s, w, out);
}
