/* linktx.c - the send path's choice between AF_XDP and AF_PACKET. */
#include "linktx.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/xalloc.h"
#include "netlink.h"
#include "packettx.h"
#include "xdptx.h"

struct linktx {
	enum linktx_path path;
	struct xdptx *xdp;
	struct packettx *pkt;
};

unsigned linktx_queues(const char *ifname)
{
	struct netlink nl;
	struct netlink_link l = { 0 };
	char err[128];
	if (netlink_open(&nl, err, sizeof err) != 0)
		return 1;
	int rc = netlink_link(&nl, ifname, &l, err, sizeof err);
	netlink_close(&nl);
	return rc == 0 && l.txqueues > 0 ? l.txqueues : 1;
}

static enum linktx_error error_of(int e)
{
	return e == EPERM || e == EACCES ? LINKTX_PERMISSION :
	       e == ENODEV || e == ENXIO ? LINKTX_NO_DEVICE :
	       e == EINVAL ? LINKTX_NO_QUEUE :
	       e == ENOBUFS || e == ENOMEM ? LINKTX_NO_MEMORY : LINKTX_OTHER;
}

struct linktx *linktx_open(const char *ifname, enum linktx_path path, unsigned queue,
			   size_t maxlen, enum linktx_error *why, char *err, size_t errlen)
{
	unsigned idx = if_nametoindex(ifname);
	if (!idx) {
		*why = LINKTX_NO_DEVICE;
		snprintf(err, errlen, "no interface %s", ifname);
		return NULL;
	}
	struct linktx *t = xcalloc(1, sizeof *t);
	if (path == LINKTX_XDP && maxlen > XDPTX_FRAME) {
		*why = LINKTX_OTHER;
		snprintf(err, errlen, "frames of %zu bytes, more than AF_XDP's %u", maxlen,
			 XDPTX_FRAME);
		free(t);
		return NULL;
	}
	if ((path == LINKTX_AUTO && maxlen <= XDPTX_FRAME) || path == LINKTX_XDP) {
		t->xdp = xdptx_open((int)idx, queue, err, errlen);
		t->path = LINKTX_XDP;
		if (t->xdp || path == LINKTX_XDP)
			goto done;
	}
	/* AF_XDP does not bind here: AF_PACKET, past the qdisc. */
	t->path = path == LINKTX_QDISC ? LINKTX_QDISC : LINKTX_PACKET;
	t->pkt = packettx_open((int)idx, t->path != LINKTX_QDISC, err, errlen);
done:
	if (t->xdp || t->pkt) {
		*why = LINKTX_OK;
		return t;
	}
	*why = error_of(errno);
	free(t);
	return NULL;
}

static const char *const path_names[] = {
	[LINKTX_AUTO] = "auto", [LINKTX_XDP] = "xdp", [LINKTX_PACKET] = "packet",
	[LINKTX_QDISC] = "qdisc",
};

int linktx_path_named(const char *name)
{
	for (size_t i = 0; i < sizeof path_names / sizeof path_names[0]; i++)
		if (strcmp(name, path_names[i]) == 0)
			return (int)i;
	return -1;
}

const char *linktx_path_name(enum linktx_path p)
{
	return path_names[p];
}

enum linktx_path linktx_path(const struct linktx *t)
{
	return t->path;
}

void linktx_fill(struct linktx *t, const uint8_t *bytes, size_t len)
{
	if (t->xdp) {
		xdptx_fill(t->xdp, bytes, len);
		return;
	}
	for (unsigned k = 0; k < LINKTX_BATCH; k++)
		memcpy(packettx_frame(t->pkt, k, len), bytes, len);
}

uint8_t *linktx_frame(struct linktx *t, unsigned k, size_t len)
{
	if (t->xdp)
		return len <= XDPTX_FRAME ? xdptx_frame(t->xdp, k) : NULL;
	return packettx_frame(t->pkt, k, len);
}

int linktx_send(struct linktx *t, const size_t *lens, unsigned n, unsigned *took, char *err,
		size_t errlen)
{
	return t->xdp ? xdptx_send(t->xdp, lens, n, LINKTX_BATCH, took, err, errlen) :
	       packettx_send(t->pkt, lens, n, took, err, errlen);
}

void linktx_close(struct linktx *t)
{
	if (!t)
		return;
	xdptx_close(t->xdp);
	packettx_close(t->pkt);
	free(t);
}
