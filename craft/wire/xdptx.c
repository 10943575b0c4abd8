/*
 * xdptx.c - AF_XDP TX, copy mode: the kernel copies each frame out of the
 * UMEM into an skb when it is kicked (sendto), about 32 a kick, and hands
 * the frame back on the completion ring once the skb is freed.  Frames are
 * taken in ring order, so the one at producer index p is UMEM frame
 * p & mask, and a frame is written again only after as many completions as
 * the ring holds: what it holds is what was last written into it.
 */
#include "xdptx.h"

#include <errno.h>
#include <linux/if_xdp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../util/clock.h"
#include "../util/xalloc.h"

#ifndef AF_XDP
#define AF_XDP 44
#endif
#ifndef SOL_XDP
#define SOL_XDP 283
#endif

/* 2 MiB of UMEM a socket: a non-root binary with file capabilities has
 * only RLIMIT_MEMLOCK (often 8 MiB) for it, and 1024 frames in flight
 * already keep a copy-mode socket busy. */
#define NFRAMES 1024u
#define FILL_SIZE 64u	/* bind wants a fill ring; TX never uses it */
#define STUCK_US 1000000
#define BUSY_US 500000

struct ring {
	_Atomic uint32_t *producer, *consumer;
	void *desc;
	void *map;
	size_t maplen;
};

struct xdptx {
	int fd;
	uint8_t *umem;
	struct ring tx, cq;
	uint32_t prod;		/* TX descriptors handed to the kernel */
	uint32_t done;		/* completions taken back */
	unsigned dropped;	/* by the device, in this send */
	bool leaving;		/* `left` is set */
	struct deadline left;	/* renewed whenever a frame leaves */
};

static int map_ring(int fd, struct ring *r, const struct xdp_ring_offset *off, size_t entry,
		    off_t pgoff)
{
	r->maplen = off->desc + NFRAMES * entry;
	r->map = mmap(NULL, r->maplen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, pgoff);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return -1;
	}
	uint8_t *base = r->map;
	r->producer = (_Atomic uint32_t *)(base + off->producer);
	r->consumer = (_Atomic uint32_t *)(base + off->consumer);
	r->desc = base + off->desc;
	return 0;
}

/* The steps before bind, each with its name for a failure. */
static const char *set_up(struct xdptx *x)
{
	x->umem = mmap(NULL, (size_t)NFRAMES * XDPTX_FRAME, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (x->umem == MAP_FAILED) {
		x->umem = NULL;
		return "frame memory";
	}
	struct xdp_umem_reg reg = { .addr = (uintptr_t)x->umem,
				    .len = (uint64_t)NFRAMES * XDPTX_FRAME,
				    .chunk_size = XDPTX_FRAME };
	if (setsockopt(x->fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof reg) != 0)
		return errno == ENOBUFS || errno == ENOMEM || errno == EPERM ?
		       "registering the frame memory (locked memory: ulimit -l)" :
		       "registering the frame memory";
	unsigned fill = FILL_SIZE, n = NFRAMES;
	if (setsockopt(x->fd, SOL_XDP, XDP_UMEM_FILL_RING, &fill, sizeof fill) != 0 ||
	    setsockopt(x->fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &n, sizeof n) != 0 ||
	    setsockopt(x->fd, SOL_XDP, XDP_TX_RING, &n, sizeof n) != 0)
		return "sizing the rings";
	struct xdp_mmap_offsets off;
	socklen_t len = sizeof off;
	if (getsockopt(x->fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &len) != 0 ||
	    map_ring(x->fd, &x->tx, &off.tx, sizeof(struct xdp_desc), XDP_PGOFF_TX_RING) != 0 ||
	    map_ring(x->fd, &x->cq, &off.cr, sizeof(uint64_t), XDP_UMEM_PGOFF_COMPLETION_RING) != 0)
		return "mapping the rings";
	return NULL;
}

struct xdptx *xdptx_open(int ifindex, unsigned queue, char *err, size_t errlen)
{
	struct xdptx *x = xcalloc(1, sizeof *x);
	const char *step = "socket";
	x->fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (x->fd >= 0 && !(step = set_up(x))) {
		/* Copy mode: zero-copy drivers (i40e, ice, mlx5) also want an
		 * XDP program on the interface before they send, and veth has
		 * no zero-copy to try. */
		struct sockaddr_xdp sxdp = { .sxdp_family = AF_XDP, .sxdp_ifindex = (uint32_t)ifindex,
					     .sxdp_queue_id = queue,
					     .sxdp_flags = XDP_COPY | XDP_USE_NEED_WAKEUP };
		/* A socket closed on the queue frees it a little later (the
		 * kernel defers the UMEM's release): wait that out. */
		struct deadline busy;
		deadline_in(&busy, BUSY_US);
		int rc;
		while ((rc = bind(x->fd, (struct sockaddr *)&sxdp, sizeof sxdp)) != 0 &&
		       errno == EBUSY && deadline_left(&busy) > 0)
			usleep(2000);
		if (rc == 0)
			return x;
		step = "bind";
	}
	int e = errno;
	snprintf(err, errlen, "queue %u, %s: %s", queue, step, strerror(e));
	xdptx_close(x);
	errno = e;
	return NULL;
}

uint8_t *xdptx_frame(struct xdptx *x, unsigned k)
{
	return x->umem + (size_t)((x->prod + k) & (NFRAMES - 1)) * XDPTX_FRAME;
}

void xdptx_fill(struct xdptx *x, const uint8_t *bytes, size_t len)
{
	for (unsigned k = 0; k < NFRAMES; k++)
		memcpy(x->umem + (size_t)k * XDPTX_FRAME, bytes, len);
}

/* Takes back what the kernel completed, all at once. */
static void reap(struct xdptx *x)
{
	uint32_t p = atomic_load_explicit(x->cq.producer, memory_order_acquire);
	if (p != x->done) {
		x->done = p;
		atomic_store_explicit(x->cq.consumer, p, memory_order_release);
	}
}

/* One kick; 0, or -1 with errno on a fault. */
static int kick(struct xdptx *x)
{
	if (sendto(x->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
		return 0;
	/* EBUSY: the device dropped the kick's last frame (NET_XMIT_DROP,
	 * a veth whose peer is down), and the kick stopped there. */
	x->dropped += errno == EBUSY;
	/* The device or the completion ring is full, or a frame was
	 * dropped: the ring is read on at the next kick. */
	return errno == EAGAIN || errno == EBUSY || errno == ENOBUFS || errno == EINTR ? 0 : -1;
}

/* A batch the kernel took whole: what the device dropped did not leave,
 * and a device that has let nothing leave for STUCK_US is a fault, as a
 * packet socket's ENOBUFS is. */
static int sent(struct xdptx *x, unsigned n, unsigned *took, char *err, size_t errlen)
{
	*took = n - x->dropped;
	if (*took)
		deadline_in(&x->left, STUCK_US);
	else if (deadline_left(&x->left) <= 0) {
		snprintf(err, errlen, "the device drops every frame (is its link or peer down?)");
		return -1;
	}
	return 0;
}

int xdptx_send(struct xdptx *x, const size_t *lens, unsigned n, unsigned batch, unsigned *took,
	       char *err, size_t errlen)
{
	struct xdp_desc *d = x->tx.desc;
	for (unsigned k = 0; k < n; k++) {
		uint32_t i = (x->prod + k) & (NFRAMES - 1);
		d[i] = (struct xdp_desc){ .addr = (uint64_t)i * XDPTX_FRAME, .len = (uint32_t)lens[k] };
	}
	x->prod += n;
	x->dropped = 0;
	if (!x->leaving) {
		deadline_in(&x->left, STUCK_US);
		x->leaving = true;
	}
	atomic_store_explicit(x->tx.producer, x->prod, memory_order_release);
	struct deadline stuck;
	deadline_in(&stuck, STUCK_US);
	/* Copy mode sends only when kicked: until the ring is empty, then
	 * until the next batch's frames are back. */
	for (;;) {
		bool queued = atomic_load_explicit(x->tx.consumer, memory_order_acquire) != x->prod;
		reap(x);
		if (!queued && x->prod - x->done + batch <= NFRAMES)
			return sent(x, n, took, err, errlen);
		if (queued && kick(x) != 0)
			break;
		if (deadline_left(&stuck) <= 0) {
			errno = ETIMEDOUT;
			break;
		}
		if (!queued)
			sched_yield();
	}
	snprintf(err, errlen, "%s", strerror(errno));
	/* The ring was empty on entry: what is still in it was not taken. */
	*took = n - (x->prod - atomic_load_explicit(x->tx.consumer, memory_order_acquire)) -
		x->dropped;
	return -1;
}

void xdptx_close(struct xdptx *x)
{
	if (!x)
		return;
	if (x->tx.map)
		munmap(x->tx.map, x->tx.maplen);
	if (x->cq.map)
		munmap(x->cq.map, x->cq.maplen);
	if (x->fd >= 0)
		close(x->fd);
	if (x->umem)
		munmap(x->umem, (size_t)NFRAMES * XDPTX_FRAME);
	free(x);
}
