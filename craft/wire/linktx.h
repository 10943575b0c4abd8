/*
 * linktx.h - the batched link-layer send path for floods, one per sender
 * thread: AF_XDP (xdptx.c) or AF_PACKET + sendmmsg (packettx.c).  The
 * sender asks for the batch's buffers, which still hold what was last
 * written into them, patches them or copies a frame in, and sends them.
 * Single probes keep using libnet.
 */
#ifndef CRAFT_LINKTX_H
#define CRAFT_LINKTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINKTX_BATCH 64

/* How frames leave: LINKTX_AUTO picks one of the other three. */
enum linktx_path {
	LINKTX_AUTO,
	LINKTX_XDP,	/* an AF_XDP socket on one TX queue: past the qdisc and the taps */
	LINKTX_PACKET,	/* AF_PACKET straight to the driver: past the qdisc and the taps */
	LINKTX_QDISC,	/* AF_PACKET through the queueing discipline and the taps */
};

struct linktx;

/* LINKTX_NO_QUEUE: AF_XDP's queue is past those the interface uses;
 * LINKTX_NO_MEMORY: its UMEM is past the locked memory left (ulimit -l). */
enum linktx_error {
	LINKTX_OK, LINKTX_PERMISSION, LINKTX_NO_DEVICE, LINKTX_NO_QUEUE, LINKTX_NO_MEMORY,
	LINKTX_OTHER
};

/* The TX queues `ifname` has (IFLA_NUM_TX_QUEUES), at least 1; it may use
 * fewer (a veth made without numtxqueues has one per CPU and uses one). */
unsigned linktx_queues(const char *ifname);

/* A sender on TX queue `queue` (AF_XDP's; AF_PACKET's are the kernel's
 * choice) for frames of up to `maxlen` bytes.  LINKTX_AUTO: AF_XDP where
 * the frames fit and the socket binds, else LINKTX_PACKET. */
struct linktx *linktx_open(const char *ifname, enum linktx_path path, unsigned queue,
			   size_t maxlen, enum linktx_error *why, char *err, size_t errlen);
/* The path named auto, xdp, packet or qdisc; -1 for another name. */
int linktx_path_named(const char *name);
const char *linktx_path_name(enum linktx_path p);
/* XDP, PACKET or QDISC. */
enum linktx_path linktx_path(const struct linktx *t);
/* Every buffer a copy of `bytes` (len <= the open's maxlen). */
void linktx_fill(struct linktx *t, const uint8_t *bytes, size_t len);
/* Buffer k of the next batch (k < LINKTX_BATCH), at least `len` bytes,
 * holding what was last written into it; NULL when `len` is more than an
 * AF_XDP frame holds. */
uint8_t *linktx_frame(struct linktx *t, unsigned k, size_t len);
/* Sends the batch's buffers 0..n) with lengths `lens`; 0, or -1 with `err`
 * on a failure that retrying will not cure.  *took: how many the kernel
 * took (n but on a failure), what the summary counts as sent. */
int linktx_send(struct linktx *t, const size_t *lens, unsigned n, unsigned *took, char *err,
		size_t errlen);
void linktx_close(struct linktx *t);

#endif
