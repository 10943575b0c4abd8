/*
 * capture.h - libpcap behind a small interface: pcap files in and out.
 * The only module that includes <pcap.h>.
 */
#ifndef CRAFT_CAPTURE_H
#define CRAFT_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "../decode/decode.h"

struct pcap_out;
struct pcap_in;

/* A pcap file of `link` frames; NULL with `err` on failure. */
struct pcap_out *pcap_out_open(const char *path, enum link_kind link, char *err,
			       size_t errlen);
/* Appends a frame; -1 with `err` (strerror) once the file has failed to
 * take a write, this one or an earlier one: what is in it is not whole. */
int pcap_out_write(struct pcap_out *w, const uint8_t *bytes, size_t len,
		   const struct timeval *ts, char *err, size_t errlen);
/* Hands what is buffered to the kernel; -1 with `err` as pcap_out_write. */
int pcap_out_flush(struct pcap_out *w, char *err, size_t errlen);
/* Flushes and closes; -1 with `err` if the data did not reach the file. */
int pcap_out_close(struct pcap_out *w, char *err, size_t errlen);

/* Opens a capture file and gives its row of the link table (link.h); fails
 * for a file that is not pcap/pcapng or whose link type has no row. */
struct pcap_in *pcap_in_open(const char *path, enum link_kind *link, char *err,
			     size_t errlen);
/* 1 with a frame, 0 at the end, -1 with `err` for a damaged file. */
int pcap_in_next(struct pcap_in *r, const uint8_t **bytes, size_t *caplen,
		 size_t *wire_len, struct timeval *ts, char *err, size_t errlen);
void pcap_in_close(struct pcap_in *r);

/* A tcpdump expression compiled for the file `r`, as `tcpdump -r FILE EXPR`
 * compiles it (its link type, and for BSD loopback its byte order), to
 * test frames one at a time: for a reader that must see every frame (an
 * analysis) and show only some.  NULL with "bad filter 'EXPR': why" in
 * `err`. */
struct capture_filter;
struct capture_filter *pcap_in_filter(struct pcap_in *r, const char *expr, char *err,
				      size_t errlen);
bool capture_filter_match(const struct capture_filter *flt, const uint8_t *bytes, size_t caplen,
			  size_t wire_len);
void capture_filter_free(struct capture_filter *flt);

/* Live capture on an interface: opened (and filtered) before anything is
 * sent, in immediate mode, incoming frames only - so nothing rawcraft sends
 * is taken for a reply - or, with CAPTURE_OUTGOING, only what it sends. */
struct capture;

enum capture_error {
	CAP_OK,
	CAP_NO_DEVICE,
	CAP_PERMISSION,
	CAP_DOWN,
	CAP_FILTER,	/* the BPF text did not compile: "bad filter '...': why" */
	CAP_OTHER,
};

#define CAPTURE_OUTGOING 1	/* what this host sends, not what it receives */
#define CAPTURE_PROMISC 2	/* also frames for other MACs (a ghost's) */
#define CAPTURE_BOTH 4		/* both ways: the filter tells them apart */
#define CAPTURE_BIG 8		/* a large ring, for floods and sweeps */

/* `snaplen` 0 keeps whole frames. */
struct capture *capture_open(const char *dev, const char *bpf, unsigned flags,
			     unsigned snaplen, enum capture_error *why, char *err,
			     size_t errlen);
/* Waits up to `timeout_us` (0: just look) for one frame; 1 with a frame,
 * 0 on timeout or when a signal arrives, -1 with `err`. */
int capture_next(struct capture *c, long timeout_us, const uint8_t **bytes,
		 size_t *caplen, size_t *wire_len, struct timeval *ts,
		 char *err, size_t errlen);
/* The link type of its frames; -1 with `err` for one the decoder does
 * not read. */
int capture_link(const struct capture *c, enum link_kind *link, char *err, size_t errlen);
/* Frames the kernel dropped because we read too slowly. */
unsigned capture_dropped(struct capture *c);
void capture_close(struct capture *c);

#endif
