/*
 * capture.h - libpcap behind a small interface: pcap files in and out.
 * The only module that includes <pcap.h>.
 */
#ifndef CRAFT_CAPTURE_H
#define CRAFT_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "decode.h"

struct pcap_out;
struct pcap_in;

/* An Ethernet pcap file; NULL with `err` on failure. */
struct pcap_out *pcap_out_open(const char *path, char *err, size_t errlen);
int pcap_out_write(struct pcap_out *w, const uint8_t *bytes, size_t len,
		   const struct timeval *ts);
/* Flushes and closes; -1 with `err` if the data did not reach the file. */
int pcap_out_close(struct pcap_out *w, char *err, size_t errlen);

/* Opens a capture file; fails for a file that is not pcap/pcapng or whose
 * link type the decoder does not know. */
struct pcap_in *pcap_in_open(const char *path, enum link_kind *link, char *err,
			     size_t errlen);
/* 1 with a frame, 0 at the end, -1 with `err` for a damaged file. */
int pcap_in_next(struct pcap_in *r, const uint8_t **bytes, size_t *caplen,
		 size_t *wire_len, struct timeval *ts, char *err, size_t errlen);
void pcap_in_close(struct pcap_in *r);

#endif
