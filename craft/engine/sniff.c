/* sniff.c - a live capture, frame by frame, until a count or a stop. */
#include "sniff.h"

#include <stdlib.h>

#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "internal.h"

struct sniff {
	struct engine *e;
	struct capture *cap;
	enum link_kind link;
	unsigned long count, seen;
};

int sniff_open(struct engine *e, char *const *words, size_t n, struct sniff **out)
{
	*out = NULL;
	struct capture *cap;
	char err[512];
	enum link_kind link;
	struct strbuf filter;
	sb_init(&filter);
	sb_join(&filter, words, n, " ");
	int rc = engine_capture(e, &cap, filter.s, CAPTURE_BOTH | CAPTURE_PROMISC | CAPTURE_BIG, 0);
	sb_free(&filter);
	if (rc != ENGINE_OK)
		return rc;
	if (capture_link(cap, &link, err, sizeof err))
		return engine_fail(e, ENGINE_FAULT_SYSTEM, "cannot capture on %s: %s",
				   engine_iface(e)->name, err);
	struct sniff *s = xcalloc(1, sizeof *s);
	*s = (struct sniff){ .e = e, .cap = cap, .link = link };
	*out = s;
	return ENGINE_OK;
}

enum link_kind sniff_link(const struct sniff *s)
{
	return s->link;
}

static bool on_frame(void *ctx, const uint8_t *bytes, size_t caplen, size_t wire,
		     const struct timeval *ts)
{
	struct sniff *s = ctx;
	struct frame f;
	decode_frame(bytes, caplen, wire, s->link, &f);
	engine_record(s->e, &f, ts);
	frame_free(&f);
	return s->count && ++s->seen >= s->count;
}

int sniff_run(struct sniff *s, unsigned long count)
{
	s->count = count;
	int rc = engine_ready(s->e);
	if (rc != ENGINE_OK)
		return rc;
	struct pump p = engine_pump(s->e, s->cap, on_frame, s);
	char err[512];
	for (;;) {
		/* The pump waits up to a deadline: a second at a time, for ever. */
		struct deadline until;
		deadline_in(&until, 1000000);
		switch (pump_run(&p, &until, err, sizeof err)) {
		case PUMP_DONE:
			return ENGINE_OK;
		case PUMP_STOPPED:
			return ENGINE_STOPPED + engine_stopped(s->e);
		case PUMP_FAULT:
			return engine_capture_fault(s->e, err);
		case PUMP_TIMEOUT:
			break;
		}
	}
}

void sniff_free(struct sniff *s)
{
	free(s);
}
