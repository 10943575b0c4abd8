/* packettx.c - AF_PACKET + sendmmsg, one socket per sending thread. */
#define _GNU_SOURCE	/* sendmmsg */
#include "packettx.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../util/clock.h"
#include "../util/xalloc.h"

struct packettx {
	int fd;
	struct mmsghdr msg[PACKETTX_BATCH];
	struct iovec iov[PACKETTX_BATCH];
	uint8_t *buf[PACKETTX_BATCH];
	size_t cap[PACKETTX_BATCH];
};

struct packettx *packettx_open(int ifindex, bool bypass_qdisc, char *err, size_t errlen)
{
	/* Protocol 0: a send-only socket, so the kernel queues nothing to it. */
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "packet socket: %s", strerror(errno));
		return NULL;
	}
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = ifindex };
	int one = 1, sndbuf = 4 << 20;
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0) {
		int e = errno;
		snprintf(err, errlen, "bind: %s", strerror(e));
		close(fd);
		errno = e;
		return NULL;
	}
	/* Best effort: without them it is only slower. */
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	if (bypass_qdisc)
		setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
	struct packettx *t = xcalloc(1, sizeof *t);
	t->fd = fd;
	for (unsigned i = 0; i < PACKETTX_BATCH; i++) {
		t->msg[i].msg_hdr.msg_iov = &t->iov[i];
		t->msg[i].msg_hdr.msg_iovlen = 1;
	}
	return t;
}

uint8_t *packettx_frame(struct packettx *t, unsigned k, size_t len)
{
	if (t->cap[k] < len) {
		t->buf[k] = xrealloc(t->buf[k], len);
		t->cap[k] = len;
	}
	return t->buf[k];
}

int packettx_send(struct packettx *t, const size_t *lens, unsigned n, unsigned *took, char *err,
		  size_t errlen)
{
	for (unsigned i = 0; i < n; i++) {
		t->iov[i].iov_base = t->buf[i];
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
		break;
	}
	*took = done;
	return done < n ? -1 : 0;
}

void packettx_close(struct packettx *t)
{
	if (!t)
		return;
	close(t->fd);
	for (unsigned i = 0; i < PACKETTX_BATCH; i++)
		free(t->buf[i]);
	free(t);
}
