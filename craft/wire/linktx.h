/*
 * linktx.h - the batched link-layer send path for floods: one AF_PACKET
 * socket per sender, many frames per system call (sendmmsg).  libnet's
 * write does an ioctl and a malloc/copy/free per frame, which caps it near
 * 1 Mpps; single probes keep using it, floods use this.
 */
#ifndef CRAFT_LINKTX_H
#define CRAFT_LINKTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINKTX_BATCH 64

struct linktx;

enum linktx_error { LINKTX_OK, LINKTX_PERMISSION, LINKTX_NO_DEVICE, LINKTX_OTHER };

/* `bypass_qdisc`: straight to the driver, past the queueing discipline
 * and past the taps, so captures on this host do not see the frames. */
struct linktx *linktx_open(const char *ifname, bool bypass_qdisc,
			   enum linktx_error *why, char *err, size_t errlen);
/* Sends frames[0..n) (n <= LINKTX_BATCH); returns how many left, -1 with
 * `err` on a failure that retrying will not cure. */
int linktx_send(struct linktx *t, uint8_t *const *frames, const size_t *lens,
		unsigned n, char *err, size_t errlen);
void linktx_close(struct linktx *t);

#endif
