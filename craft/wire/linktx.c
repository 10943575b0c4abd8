/* linktx.c - AF_PACKET + sendmmsg, one socket per sending thread. */
#define _GNU_SOURCE	/* sendmmsg */
#include "linktx.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../util/clock.h"
#include "../util/xalloc.h"

struct linktx {
	int fd;
	struct mmsghdr msg[LINKTX_BATCH];
	struct iovec iov[LINKTX_BATCH];
};

struct linktx *linktx_open(const char *ifname, bool bypass_qdisc,
			   enum linktx_error *why, char *err, size_t errlen)
{
	*why = LINKTX_OTHER;
	unsigned idx = if_nametoindex(ifname);
	if (!idx) {
		*why = LINKTX_NO_DEVICE;
		snprintf(err, errlen, "no interface %s", ifname);
		return NULL;
	}
	/* Protocol 0: a send-only socket, so the kernel queues nothing to it. */
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*why = errno == EPERM || errno == EACCES ? LINKTX_PERMISSION : LINKTX_OTHER;
		snprintf(err, errlen, "packet socket: %s", strerror(errno));
		return NULL;
	}
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = (int)idx };
	int one = 1, sndbuf = 4 << 20;
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0) {
		snprintf(err, errlen, "bind to %s: %s", ifname, strerror(errno));
		close(fd);
		return NULL;
	}
	/* Best effort: without them it is only slower. */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	if (bypass_qdisc)
		setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
	struct linktx *t = xcalloc(1, sizeof *t);
	t->fd = fd;
	for (unsigned i = 0; i < LINKTX_BATCH; i++) {
		t->msg[i].msg_hdr.msg_iov = &t->iov[i];
		t->msg[i].msg_hdr.msg_iovlen = 1;
	}
	*why = LINKTX_OK;
	return t;
}

int linktx_send(struct linktx *t, uint8_t *const *frames, const size_t *lens,
		unsigned n, char *err, size_t errlen)
{
	for (unsigned i = 0; i < n; i++) {
		t->iov[i].iov_base = frames[i];
		t->iov[i].iov_len = lens[i];
	}
	unsigned done = 0;
	struct deadline stuck;
	deadline_in(&stuck, 1000000);
	while (done < n) {
		int sent = sendmmsg(t->fd, t->msg + done, n - done, 0);
		if (sent > 0) {
			done += (unsigned)sent;
			deadline_in(&stuck, 1000000);
			continue;
		}
		/* A full device queue: let it drain. */
		if ((errno == ENOBUFS || errno == EAGAIN || errno == EINTR) &&
		    deadline_left(&stuck) > 0) {
			sched_yield();
			continue;
		}
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	return (int)done;
}

void linktx_close(struct linktx *t)
{
	if (!t)
		return;
	close(t->fd);
	free(t);
}
