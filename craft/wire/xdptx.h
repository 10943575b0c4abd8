/*
 * xdptx.h - an AF_XDP TX socket on one queue of an interface: frames live in
 * a UMEM registered once and are patched there in place, the TX ring takes
 * a batch, the completion ring gives the frames back.  Raw syscalls against
 * <linux/if_xdp.h>; no XDP program is needed to send.
 */
#ifndef CRAFT_XDPTX_H
#define CRAFT_XDPTX_H

#include <stddef.h>
#include <stdint.h>

#define XDPTX_FRAME 2048u	/* bytes a UMEM frame holds */

struct xdptx;

/* Binds queue `queue` of interface `ifindex` in copy mode; NULL with errno
 * and `err` ("queue N, which step: the kernel's reason"). */
struct xdptx *xdptx_open(int ifindex, unsigned queue, char *err, size_t errlen);
/* The batch's frame k (k < `batch` of xdptx_send): a UMEM frame that holds
 * what was last written into it. */
uint8_t *xdptx_frame(struct xdptx *x, unsigned k);
/* Every UMEM frame a copy of `bytes`. */
void xdptx_fill(struct xdptx *x, const uint8_t *bytes, size_t len);
/* Hands frames 0..n) to the kernel and waits until the next `batch` are
 * free; 0, or -1 with `err` on a fault that retrying will not cure.
 * *took: how many the kernel took (n but on a fault). */
int xdptx_send(struct xdptx *x, const size_t *lens, unsigned n, unsigned batch, unsigned *took,
	       char *err, size_t errlen);
void xdptx_close(struct xdptx *x);

#endif
