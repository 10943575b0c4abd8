/*
 * nlparse.h - netlink replies read as untrusted bytes: the messages of a
 * datagram, their attributes, and what link, address, route and inet_diag
 * socket messages say.  Every length (nlmsg_len, rta_len, rtnh_len) is
 * checked against the bytes that arrived before anything behind it is
 * read, and headers are copied out, so the bytes need no alignment.  No syscalls: netlink.c feeds
 * it what recvmsg(2) returned, the unit tests and the fuzzer feed it theirs.
 */
#ifndef CRAFT_NLPARSE_H
#define CRAFT_NLPARSE_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netlink.h"

struct nlparse_msg {
	struct nlmsghdr h;
	const uint8_t *body;	/* the nlmsg_len - 16 bytes after the header */
	size_t len;
};

/* The message at *off of buf[0..n): 1 with *m set and *off past it, 0 at
 * the end of the datagram, -1 when a length does not fit what arrived. */
int nlparse_next(const uint8_t *buf, size_t n, size_t *off, struct nlparse_msg *m);

struct nlparse_attr {
	uint16_t type;		/* without NLA_F_NESTED and NLA_F_NET_BYTEORDER */
	const uint8_t *data;
	size_t len;
};

/* The attribute at *off of p[0..n), as nlparse_next. */
int nlparse_attr(const uint8_t *p, size_t n, size_t *off, struct nlparse_attr *a);

/* The replies to one request, read datagram by datagram. */
struct nlparse_reply {
	uint32_t seq, port;	/* of the request: other messages are not ours */
	int (*each)(const struct nlparse_msg *m, void *ctx);	/* each data message */
	void *ctx;
	bool done;		/* the last reply has been read */
	bool intr;		/* NLM_F_DUMP_INTR: the dump saw a table change */
	int stop;		/* what `each` returned to stop; the rest is drained */
};

/* Reads one datagram of replies.  0: read the next one unless r->done;
 * negative: the kernel's error (NLMSG_ERROR, NLMSG_DONE), -ENOBUFS for
 * NLMSG_OVERRUN, -EBADMSG for bytes that do not parse.  Messages with
 * another sequence number or port are skipped; a data message without
 * NLM_F_MULTI is the only one, NLMSG_DONE ends a multi-part reply. */
int nlparse_datagram(struct nlparse_reply *r, const uint8_t *buf, size_t n);

/* One RTM_NEWLINK, RTM_NEWADDR or RTM_NEWROUTE message: 0 with *out set,
 * 1 for a message to skip (another type or address family, an address
 * message without an address), -EBADMSG for one that does not parse. */
int nlparse_link(const struct nlparse_msg *m, struct netlink_link *out);
int nlparse_addr(const struct nlparse_msg *m, struct netlink_addr *out);
int nlparse_route(const struct nlparse_msg *m, struct netlink_route *out);
/* One SOCK_DIAG_BY_FAMILY reply (struct inet_diag_msg; its attributes are
 * not read), as those: 1 for another type or an address family but
 * AF_INET and AF_INET6. */
int nlparse_inet_diag(const struct nlparse_msg *m, struct netlink_sock *out);

#endif
