/* streamhops.c - the senders of ICMP errors and the hops of a TTL sweep,
 * from the targets' answers. */
#include "streamhops.h"

#include <stdio.h>
#include <string.h>


#define SENDERS_SHOWN 8		/* in text; JSON has all */

void stream_class_senders(const struct stream *s, unsigned cls, bool json, struct strbuf *out)
{
	const struct stream_result *r = stream_result(s);
	if (cls >= r->ncls || !r->cls[cls].error)
		return;
	uint64_t n[STREAM_FROM + 1] = { 0 };	/* [STREAM_FROM]: not told apart */
	struct stream_answer a;
	for (uint64_t t = 0; t < r->tracked; t++)
		if (stream_answer(s, t, &a) && a.cls == (int)cls)
			n[a.from ? a.from - r->from : STREAM_FROM]++;
	sb_puts(out, json ? ",\"from\":[" : "");
	unsigned shown = 0;
	uint64_t more = n[STREAM_FROM];
	for (unsigned k = 0; k < r->nfrom; k++) {
		char addr[ADDR_STRLEN];
		if (!n[k])
			continue;
		addr_format(&r->from[k], addr, sizeof addr);
		if (json)
			sb_printf(out, "%s{\"address\":\"%s\",\"count\":%llu}", shown ? "," : "",
				  addr, (unsigned long long)n[k]);
		else if (shown < SENDERS_SHOWN)
			sb_printf(out, "      from %-17s %8llu\n", addr, (unsigned long long)n[k]);
		else
			more += n[k];
		shown++;
	}
	if (json)
		sb_printf(out, "],\"from_others\":%llu", (unsigned long long)n[STREAM_FROM]);
	else if (more)
		sb_printf(out, "      from others           %8llu\n", (unsigned long long)more);
}

/* The one ranged field, if it is a hop count: its layer and field. */
static bool hop_range(const struct frame *tmpl, const struct layer **hl, int *field)
{
	for (size_t i = 0; i < tmpl->nlayers; i++) {
		const struct layer *l = &tmpl->layer[i];
		for (size_t k = 0; k < l->def->nfields; k++)
			if ((l->ranged >> k & 1u) && (l->def->fields[k].flags & FF_HOPS)) {
				*hl = l;
				*field = (int)k;
			}
	}
	return stream_ranged_fields(tmpl) == 1 && *hl;
}

static void json_hop(const struct stream *s, const struct stream_answer *a, uint64_t hop,
		     const char *name, bool first, struct strbuf *out)
{
	const struct stream_result *r = stream_result(s);
	char addr[ADDR_STRLEN] = "";
	if (a->from)
		addr_format(a->from, addr, sizeof addr);
	sb_printf(out, "%s{\"%s\":%llu,\"from\":", first ? "" : ",", name, (unsigned long long)hop);
	if (a->from)
		sb_printf(out, "\"%s\",\"rtt_us\":%ld", addr, a->rtt_us);
	else
		sb_puts(out, "null");
	if (a->cls >= 0) {
		sb_puts(out, ",\"reply\":");
		sb_json_str(out, r->cls[a->cls].name, strlen(r->cls[a->cls].name));
	}
	sb_putc(out, '}');
}

/* " 1  10.0.0.254  0.081 ms", as traceroute shows a hop; "*" unanswered. */
static void text_hop(const struct stream *s, const struct stream_answer *a, uint64_t hop,
		     struct strbuf *out)
{
	const struct stream_result *r = stream_result(s);
	char addr[ADDR_STRLEN];
	if (!a->from || a->cls < 0) {
		sb_printf(out, "      %3llu  *\n", (unsigned long long)hop);
		return;
	}
	addr_format(a->from, addr, sizeof addr);
	sb_printf(out, "      %3llu  %-15s %8.3f ms  %s\n", (unsigned long long)hop, addr,
		  (double)a->rtt_us / 1000.0, r->cls[a->cls].name);
}

void stream_route(const struct stream *s, bool json, struct strbuf *out)
{
	const struct frame *tmpl = stream_template(s);
	const struct stream_result *r = stream_result(s);
	const struct layer *hl = NULL;
	int k = -1;
	if (!hop_range(tmpl, &hl, &k))
		return;
	const char *name = hl->def->fields[k].name;
	if (json)
		sb_puts(out, ",\"route\":[");
	else
		sb_printf(out, "    route by %s:\n", name);
	uint64_t shown = 0, last = 0, past = 0;
	bool arrived = false;
	struct addr to = frame_destination(tmpl);
	struct stream_answer a;
	for (uint64_t t = 0; t < r->tracked; t++) {
		if (!stream_answer(s, t, &a))
			continue;
		uint64_t hop = (uint64_t)range_value(hl, (size_t)k, t);
		if (json)
			json_hop(s, &a, hop, name, shown == 0, out);
		else if (arrived)
			past = past ? past : hop;
		else
			text_hop(s, &a, hop, out);
		last = hop;
		shown++;
		/* The destination's answer ends the route, as traceroute's: its
		 * own, or its ICMP error (a UDP probe's port-unreachable). */
		arrived = arrived || (a.cls >= 0 && (!r->cls[a.cls].error ||
						     (a.from && addr_equal(a.from, &to))));
	}
	if (json)
		sb_putc(out, ']');
	else if (past) {
		char hops[48];
		snprintf(hops, sizeof hops, past == last ? "%llu" : "%llu-%llu",
			 (unsigned long long)past, (unsigned long long)last);
		sb_printf(out, "    %5s  past the destination\n", hops);
	}
}
