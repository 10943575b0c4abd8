/* reader.c - capture files decoded frame by frame. */
#include "reader.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../util/strbuf.h"
#include "../util/xalloc.h"
#include "capture.h"

struct reader {
	struct pcap_in *in;
	enum link_kind link;
	struct capture_filter *filter;	/* NULL: every frame matches */
};

struct reader *reader_open(const char *path, char *err, size_t errlen)
{
	enum link_kind link;
	struct pcap_in *in = pcap_in_open(path, &link, err, errlen);
	if (!in)
		return NULL;
	struct reader *r = xmalloc(sizeof *r);
	*r = (struct reader){ .in = in, .link = link };
	return r;
}

enum link_kind reader_link(const struct reader *r)
{
	return r->link;
}

int reader_next(struct reader *r, struct frame *f, struct timeval *ts, char *err,
		size_t errlen)
{
	const uint8_t *bytes;
	size_t caplen, wire;
	int got = pcap_in_next(r->in, &bytes, &caplen, &wire, ts, err, errlen);
	if (got == 1)
		decode_frame(bytes, caplen, wire, r->link, f);
	return got;
}

int reader_filter(struct reader *r, char *const *words, size_t n, char *err, size_t errlen)
{
	capture_filter_free(r->filter);
	r->filter = NULL;
	if (n == 0)
		return 0;
	struct strbuf expr;
	sb_init(&expr);
	sb_join(&expr, words, n, " ");
	r->filter = pcap_in_filter(r->in, expr.s, err, errlen);
	sb_free(&expr);
	return r->filter ? 0 : -1;
}

bool reader_matches(const struct reader *r, const struct frame *f)
{
	return !r->filter || capture_filter_match(r->filter, f->bytes, f->len, f->wire_len);
}

struct reader *reader_ahead(const char *path)
{
	struct stat st;
	char err[512];
	if (strcmp(path, "-") == 0 || stat(path, &st) || !S_ISREG(st.st_mode))
		return NULL;
	return reader_open(path, err, sizeof err);
}

void reader_prescan(struct reader *r, struct analysis *an)
{
	struct frame f;
	struct timeval ts;
	char err[512];
	for (uint32_t n = 1; reader_next(r, &f, &ts, err, sizeof err) == 1; n++) {
		analysis_prescan(an, &f, n, &ts);
		frame_free(&f);
	}
	analysis_prescan_done(an);
	reader_close(r);
}

void reader_close(struct reader *r)
{
	if (!r)
		return;
	capture_filter_free(r->filter);
	pcap_in_close(r->in);
	free(r);
}
