/* capture.c - pcap files through libpcap. */
#include "capture.h"

#include "../util/clock.h"
#include "../util/stdfd.h"
#include "../util/xalloc.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pcap_out {
	pcap_t *dead;
	pcap_dumper_t *dump;
	int error;	/* the first write's errno that failed, or 0 */
};

/* Big enough that reading costs few syscalls; two readers (the analysis
 * reads ahead) stay well inside the memory budget. */
#define READ_BUFFER (256 << 10)

struct pcap_in {
	pcap_t *p;
	uint8_t *whole;	/* a record libpcap cut to the file's snaplen, read again */
	size_t room;
	char *buf;	/* the file's stdio buffer; NULL for stdin */
};

struct pcap_out *pcap_out_open(const char *path, enum link_kind link, char *err,
			       size_t errlen)
{
	struct pcap_out *w = xcalloc(1, sizeof *w);
	w->dead = pcap_open_dead(link_types[link].dlt, 262144);
	if (!w->dead) {
		snprintf(err, errlen, "%s: cannot set up a pcap writer", path);
		free(w);
		return NULL;
	}
	w->dump = pcap_dump_open(w->dead, path);
	if (!w->dump) {
		const char *why = pcap_geterr(w->dead);
		size_t n = strlen(path);
		if (strncmp(why, path, n) == 0 && why[n] == ':')
			why += n + 2;	/* the caller names the file */
		snprintf(err, errlen, "%s", why);
		pcap_close(w->dead);
		free(w);
		return NULL;
	}
	return w;
}

/* pcap_dump reports nothing: its stream's error flag tells. */
static int stream_check(struct pcap_out *w, char *err, size_t errlen)
{
	if (!stdfd_error(pcap_dump_file(w->dump), &w->error))
		return 0;
	snprintf(err, errlen, "%s", strerror(w->error));
	return -1;
}

int pcap_out_write(struct pcap_out *w, const uint8_t *bytes, size_t len,
		   const struct timeval *ts, char *err, size_t errlen)
{
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof h);
	h.ts = *ts;
	h.caplen = h.len = (bpf_u_int32)len;
	errno = 0;
	pcap_dump((u_char *)w->dump, &h, bytes);
	return stream_check(w, err, errlen);
}

int pcap_out_flush(struct pcap_out *w, char *err, size_t errlen)
{
	errno = 0;
	fflush(pcap_dump_file(w->dump));
	return stream_check(w, err, errlen);
}

int pcap_out_close(struct pcap_out *w, char *err, size_t errlen)
{
	if (!w)
		return 0;
	int rc = pcap_out_flush(w, err, errlen);
	/* pcap_dump_close is this fclose, without its result: a file system
	 * may report a lost write only here (NFS, quotas). */
	if (fclose(pcap_dump_file(w->dump)) != 0 && rc == 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		rc = -1;
	}
	pcap_close(w->dead);
	free(w);
	return rc;
}

/* Names the link type as libpcap does, and those the decoder reads. */
static void unknown_link(int dlt, char *err, size_t errlen)
{
	char known[256], name[64] = "";
	link_names(known, sizeof known);
	if (pcap_datalink_val_to_name(dlt))
		snprintf(name, sizeof name, " (%s)", pcap_datalink_val_to_name(dlt));
	snprintf(err, errlen, "link type %d%s is not one rawcraft decodes: it reads %s",
		 dlt, name, known);
}

/* A file of our own opening, with a buffer of ours (glibc sizes none it is
 * not given): libpcap's stdio would read() 4 KiB at a time.  The seek
 * leaves stdio knowing its offset, so that ftell (whole_record's, twice a
 * frame) asks no lseek of the kernel; a named pipe (<(...)) has no offset
 * and is read as libpcap reads it, ftell failing as before.  `buf`
 * outlives the pcap_t. */
static pcap_t *open_file(const char *path, char **buf, char *perr)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(perr, PCAP_ERRBUF_SIZE, "%s: %s", path, strerror(errno));
		return NULL;
	}
	*buf = xmalloc(READ_BUFFER);
	setvbuf(fp, *buf, _IOFBF, READ_BUFFER);
	(void)fseek(fp, 0, SEEK_SET);
	pcap_t *p = pcap_fopen_offline(fp, perr);
	if (!p) {
		fclose(fp);
		free(*buf);
		*buf = NULL;
	}
	return p;
}

struct pcap_in *pcap_in_open(const char *path, enum link_kind *link, char *err,
			     size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	char *buf = NULL;
	pcap_t *p = strcmp(path, "-") == 0 ? pcap_open_offline(path, perr) :
		    open_file(path, &buf, perr);
	if (!p) {
		/* libpcap names the file itself; the caller already does. */
		size_t n = strlen(path);
		const char *why = strncmp(perr, path, n) == 0 && perr[n] == ':' ? perr + n + 2 : perr;
		if (strstr(why, "only got 0"))
			why = "empty file: not a pcap or pcapng capture";
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	if (!link_by_dlt(pcap_datalink(p), link)) {
		unknown_link(pcap_datalink(p), err, errlen);
		pcap_close(p);
		free(buf);
		return NULL;
	}
	struct pcap_in *r = xcalloc(1, sizeof *r);
	r->p = p;
	r->buf = buf;
	return r;
}

/* A record header's word: in the host's byte order unless the file is swapped. */
static uint32_t file_u32(const uint8_t *p, bool swapped)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return swapped ? __builtin_bswap32(v) : v;
}

/* libpcap cuts a record longer than the file's snaplen to it; tshark keeps
 * what the record holds.  If the bytes libpcap went past, from `start`, are
 * one classic record header and its data, read them again.  False (keep
 * libpcap's bytes) if not: a pipe, pcapng, anything else. */
static bool whole_record(struct pcap_in *r, long start, const struct pcap_pkthdr *h,
			 size_t *len)
{
	FILE *fp = pcap_file(r->p);
	long end = fp && start >= 0 ? ftell(fp) : -1;
	uint8_t rec[16];
	/* Nothing skipped (the usual case) costs no seek. */
	if (end < start + 16 || (size_t)(end - start - 16) <= h->caplen ||
	    h->caplen != (bpf_u_int32)pcap_snapshot(r->p) || fseek(fp, start, SEEK_SET) != 0)
		return false;
	size_t n = (size_t)(end - start - 16);
	bool ok = fread(rec, 1, sizeof rec, fp) == sizeof rec &&
		  file_u32(rec + 8, pcap_is_swapped(r->p)) == n;
	if (ok && n > r->room) {
		r->whole = xrealloc(r->whole, n);
		r->room = n;
	}
	ok = ok && fread(r->whole, 1, n, fp) == n;
	*len = n;
	return fseek(fp, end, SEEK_SET) == 0 && ok;
}

int pcap_in_next(struct pcap_in *r, const uint8_t **bytes, size_t *caplen,
		 size_t *wire_len, struct timeval *ts, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	FILE *fp = pcap_file(r->p);
	long start = fp ? ftell(fp) : -1;
	int rc = pcap_next_ex(r->p, &h, &data);
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1) {
		snprintf(err, errlen, "%s", pcap_geterr(r->p));
		return -1;
	}
	*bytes = data;
	if (whole_record(r, start, h, caplen))
		*bytes = r->whole;
	else
		*caplen = h->caplen;
	*wire_len = h->len;
	*ts = h->ts;
	return 1;
}

void pcap_in_close(struct pcap_in *r)
{
	if (!r)
		return;
	pcap_close(r->p);
	free(r->buf);
	free(r->whole);
	free(r);
}

struct capture_filter {
	struct bpf_program prog;
};

static void bad_filter(const char *expr, pcap_t *p, char *err, size_t errlen)
{
	snprintf(err, errlen, "bad filter '%s': %s", expr, pcap_geterr(p));
}

struct capture_filter *pcap_in_filter(struct pcap_in *r, const char *expr, char *err,
				      size_t errlen)
{
	struct capture_filter *flt = xmalloc(sizeof *flt);
	if (pcap_compile(r->p, &flt->prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0)
		return flt;
	bad_filter(expr, r->p, err, errlen);
	free(flt);
	return NULL;
}

bool capture_filter_match(const struct capture_filter *flt, const uint8_t *bytes, size_t caplen,
			  size_t wire_len)
{
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)caplen, .len = (bpf_u_int32)wire_len };
	return pcap_offline_filter(&flt->prog, &h, bytes) != 0;
}

void capture_filter_free(struct capture_filter *flt)
{
	if (!flt)
		return;
	pcap_freecode(&flt->prog);
	free(flt);
}

struct capture {
	pcap_t *p;
	int fd;
};

static enum capture_error activate_error(int rc)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		return CAP_NO_DEVICE;
	case PCAP_ERROR_PERM_DENIED:
		return CAP_PERMISSION;
	case PCAP_ERROR_IFACE_NOT_UP:
		return CAP_DOWN;
	default:
		return CAP_OTHER;
	}
}

struct capture *capture_open(const char *dev, const char *bpf, unsigned flags,
			     unsigned snaplen, enum capture_error *why, char *err,
			     size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	*why = CAP_OTHER;
	pcap_t *p = pcap_create(dev, perr);
	if (!p) {
		snprintf(err, errlen, "%s", perr);
		return NULL;
	}
	/* In immediate mode libpcap uses TPACKET_V2, whose ring slots are all
	 * snaplen-sized: a smaller snaplen, more frames in the ring. */
	pcap_set_snaplen(p, snaplen ? (int)snaplen : 65535);
	pcap_set_promisc(p, (flags & CAPTURE_PROMISC) != 0);
	pcap_set_immediate_mode(p, 1);
	/* Immediate mode means TPACKET_V2: one snaplen-sized slot per frame.
	 * 4 MiB holds some 60 whole frames for probes; a flood's 64 MiB of
	 * smaller slots holds a sweep's replies.  (Setting the ring up costs
	 * an RCU grace period whatever its size.) */
	pcap_set_buffer_size(p, (flags & CAPTURE_BIG) ? 64 << 20 : 4 << 20);
	int rc = pcap_activate(p);
	if (rc < 0) {
		*why = activate_error(rc);
		snprintf(err, errlen, "%s", pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	struct bpf_program prog;
	pcap_direction_t dir = (flags & CAPTURE_BOTH) ? PCAP_D_INOUT :
			       (flags & CAPTURE_OUTGOING) ? PCAP_D_OUT : PCAP_D_IN;
	bool turned = pcap_setdirection(p, dir) == 0;
	if (!turned || pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		if (turned) {
			*why = CAP_FILTER;
			bad_filter(bpf, p, err, errlen);
		} else {
			snprintf(err, errlen, "%s", pcap_geterr(p));
		}
		pcap_close(p);
		return NULL;
	}
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc != 0 || pcap_setnonblock(p, 1, perr) != 0) {
		snprintf(err, errlen, "%s", rc ? pcap_geterr(p) : perr);
		pcap_close(p);
		return NULL;
	}
	struct capture *c = xmalloc(sizeof *c);
	c->p = p;
	c->fd = pcap_get_selectable_fd(p);
	*why = CAP_OK;
	return c;
}

int capture_next(struct capture *c, long timeout_us, const uint8_t **bytes,
		 size_t *caplen, size_t *wire_len, struct timeval *ts,
		 char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	struct deadline until;
	deadline_in(&until, timeout_us);
	for (;;) {
		int rc = pcap_next_ex(c->p, &h, &data);
		if (rc == 1) {
			*bytes = data;
			*caplen = h->caplen;
			*wire_len = h->len;
			*ts = h->ts;
			return 1;
		}
		if (rc < 0) {
			snprintf(err, errlen, "%s", pcap_geterr(c->p));
			return -1;
		}
		long left = deadline_left(&until);
		if (left <= 0)
			return 0;
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		long left_ms = (left + 999) / 1000;
		if (poll(&pfd, 1, (int)(left_ms > 100 ? 100 : left_ms)) < 0) {
			if (errno == EINTR)
				return 0;	/* a signal: the caller decides */
			snprintf(err, errlen, "poll: %s", strerror(errno));
			return -1;
		}
	}
}

int capture_link(const struct capture *c, enum link_kind *link, char *err, size_t errlen)
{
	if (link_by_dlt(pcap_datalink(c->p), link))
		return 0;
	unknown_link(pcap_datalink(c->p), err, errlen);
	return -1;
}

unsigned capture_dropped(struct capture *c)
{
	struct pcap_stat st;
	return pcap_stats(c->p, &st) == 0 ? st.ps_drop : 0;
}

void capture_close(struct capture *c)
{
	if (!c)
		return;
	pcap_close(c->p);
	free(c);
}
