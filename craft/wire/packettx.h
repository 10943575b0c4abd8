/*
 * packettx.h - AF_PACKET + sendmmsg: one socket per sender, many frames
 * per system call, from buffers of its own.  libnet's write does an ioctl
 * and a malloc/copy/free per frame, which caps it near 1 Mpps.
 */
#ifndef CRAFT_PACKETTX_H
#define CRAFT_PACKETTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PACKETTX_BATCH 64

struct packettx;

/* `bypass_qdisc`: straight to the driver, past the queueing discipline
 * and the taps.  NULL with errno and `err`. */
struct packettx *packettx_open(int ifindex, bool bypass_qdisc, char *err, size_t errlen);
/* Buffer k of the batch (k < PACKETTX_BATCH), at least `len` bytes, holding
 * what was last written into it (as much of it as fits). */
uint8_t *packettx_frame(struct packettx *t, unsigned k, size_t len);
/* Sends buffers 0..n); 0, or -1 with `err` on a failure that retrying
 * will not cure.  *took: how many went (n but on a failure). */
int packettx_send(struct packettx *t, const size_t *lens, unsigned n, unsigned *took, char *err,
		  size_t errlen);
void packettx_close(struct packettx *t);

#endif
