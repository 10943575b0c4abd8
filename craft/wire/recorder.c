/* recorder.c - the -w file, created on first use. */
#include "recorder.h"

void recorder_init(struct recorder *r, const char *path, enum link_kind link)
{
	*r = (struct recorder){ .path = path, .link = link };
}

int recorder_prepare(struct recorder *r)
{
	if (!r->path || r->out)
		return 0;
	if (r->failed)
		return -1;
	r->out = pcap_out_open(r->path, r->link, r->err, sizeof r->err);
	r->failed = r->out == NULL;
	return r->out ? 0 : -1;
}

int recorder_write(struct recorder *r, const struct frame *f, const struct timeval *ts)
{
	if (!r->path || r->failed)
		return 0;
	if (recorder_prepare(r))
		return -1;
	if (pcap_out_write(r->out, f->bytes, f->len, ts, r->err, sizeof r->err) == 0 &&
	    (!r->each_frame || pcap_out_flush(r->out, r->err, sizeof r->err) == 0))
		return 0;
	r->failed = true;
	return -1;
}

int recorder_close(struct recorder *r)
{
	if (r->out && pcap_out_close(r->out, r->err, sizeof r->err))
		r->failed = true;
	r->out = NULL;
	return r->failed ? -1 : 0;
}
