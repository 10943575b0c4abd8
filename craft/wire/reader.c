/* reader.c - capture files decoded frame by frame. */
#include "reader.h"

#include <stdlib.h>

#include "capture.h"

struct reader {
	struct pcap_in *in;
	enum link_kind link;
};

struct reader *reader_open(const char *path, char *err, size_t errlen)
{
	enum link_kind link;
	struct pcap_in *in = pcap_in_open(path, &link, err, errlen);
	if (!in)
		return NULL;
	struct reader *r = malloc(sizeof *r);
	if (!r)
		abort();
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

void reader_close(struct reader *r)
{
	if (!r)
		return;
	pcap_in_close(r->in);
	free(r);
}
