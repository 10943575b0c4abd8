/* netlink.c - rtnetlink requests and their replies over NETLINK_ROUTE (rtnetlink(7)). */
#include "netlink.h"
#include "nlparse.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../util/clock.h"

/* The kernel fills a dump's datagrams up to 32 KiB whatever we offer. */
#define NL_BUFSIZE	32768

static int nl_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int nl_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static int open_proto(struct netlink *nl, int proto, char *err, size_t errlen)
{
	memset(nl, 0, sizeof *nl);
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (nl->fd < 0)
		return nl_fail(err, errlen, -errno, "netlink socket: %s", strerror(errno));
	struct timeval tv = { .tv_sec = NETLINK_TIMEOUT_MS / 1000,
			      .tv_usec = NETLINK_TIMEOUT_MS % 1000 * 1000 };
	int one = 1, rc;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t salen = sizeof sa;
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0) {
		rc = nl_fail(err, errlen, -errno, "netlink SO_RCVTIMEO: %s", strerror(errno));
		goto fail;
	}
	/* Linux 4.20+ then filters dumps by interface and table; older
	 * kernels send everything, and the callers filter anyway. */
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one) < 0 &&
	    errno != ENOPROTOOPT) {
		rc = nl_fail(err, errlen, -errno, "netlink strict checking: %s", strerror(errno));
		goto fail;
	}
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    getsockname(nl->fd, (struct sockaddr *)&sa, &salen) < 0) {
		rc = nl_fail(err, errlen, -errno, "netlink bind: %s", strerror(errno));
		goto fail;
	}
	if (salen != sizeof sa || sa.nl_family != AF_NETLINK) {
		rc = nl_fail(err, errlen, -EPROTO, "netlink bind: unexpected socket address");
		goto fail;
	}
	nl->buf = malloc(NL_BUFSIZE);
	if (!nl->buf) {
		rc = nl_fail(err, errlen, -ENOMEM, "netlink: out of memory");
		goto fail;
	}
	nl->port = sa.nl_pid;
	nl->seq = (uint32_t)time(NULL);	/* as iproute2: unlike the last run's */
	return 0;
fail:
	close(nl->fd);
	nl->fd = -1;
	return rc;
}

int netlink_open(struct netlink *nl, char *err, size_t errlen)
{
	return open_proto(nl, NETLINK_ROUTE, err, errlen);
}

int netlink_open_diag(struct netlink *nl, char *err, size_t errlen)
{
	return open_proto(nl, NETLINK_SOCK_DIAG, err, errlen);
}

void netlink_close(struct netlink *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	free(nl->buf);
	nl->fd = -1;
	nl->buf = NULL;
}

/* --- one request, its replies ------------------------------------------- */

struct request {
	uint8_t b[128];
	size_t len;
	bool overflow;		/* an attribute did not fit: not sent */
};

static void req_start(struct request *q, uint16_t type, uint16_t flags, const void *fixed,
		      size_t flen)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = NLM_F_REQUEST | flags };
	memset(q->b, 0, sizeof q->b);
	q->overflow = false;
	memcpy(q->b, &h, sizeof h);
	memcpy(q->b + NLMSG_HDRLEN, fixed, flen);
	q->len = NLMSG_HDRLEN + NLMSG_ALIGN(flen);
}

/* Our requests are a few fixed attributes: one that does not fit is a
 * bug here, which exchange() reports rather than sends. */
static void req_attr(struct request *q, uint16_t type, const void *data, size_t len)
{
	struct rtattr rta = { .rta_len = (unsigned short)RTA_LENGTH(len), .rta_type = type };
	if (q->overflow || q->len + RTA_SPACE(len) > sizeof q->b) {
		q->overflow = true;
		return;
	}
	memcpy(q->b + q->len, &rta, sizeof rta);
	memcpy(q->b + q->len + RTA_LENGTH(0), data, len);
	q->len += RTA_SPACE(len);
}

static int receive(struct netlink *nl, size_t *n, const char *what, char *err, size_t errlen)
{
	struct deadline dl;
	deadline_in(&dl, NETLINK_TIMEOUT_MS * 1000L);
	for (;;) {
		struct sockaddr_nl sa;
		struct iovec iov = { .iov_base = nl->buf, .iov_len = NL_BUFSIZE };
		struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof sa,
				     .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t r = recvmsg(nl->fd, &mh, 0);
		if (r < 0 && errno == EINTR && deadline_left(&dl) > 0)
			continue;	/* a signal; the caller's flag is checked after */
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return nl_fail(err, errlen, -ETIMEDOUT,
				       "no answer from the kernel to %s within %d ms", what,
				       NETLINK_TIMEOUT_MS);
		if (r < 0)
			return nl_fail(err, errlen, -errno, "netlink receive: %s", strerror(errno));
		if (mh.msg_flags & MSG_TRUNC)
			return nl_fail(err, errlen, -EMSGSIZE,
				       "netlink reply to %s larger than %d bytes", what, NL_BUFSIZE);
		/* Only the kernel speaks for the kernel. */
		if (mh.msg_namelen != sizeof sa || sa.nl_family != AF_NETLINK || sa.nl_pid != 0)
			continue;
		*n = (size_t)r;
		return 0;
	}
}

/* Sends `q` and hands every data message of the replies to `each`. */
static int exchange(struct netlink *nl, struct request *q, const char *what,
		    int (*each)(const struct nlparse_msg *m, void *ctx), void *ctx,
		    char *err, size_t errlen)
{
	struct nlmsghdr h;
	if (q->overflow)
		return nl_fail(err, errlen, -EMSGSIZE, "netlink request for %s too long", what);
	memcpy(&h, q->b, sizeof h);
	h.nlmsg_len = (uint32_t)q->len;
	h.nlmsg_seq = ++nl->seq;
	memcpy(q->b, &h, sizeof h);
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t w;
	do
		w = sendto(nl->fd, q->b, q->len, 0, (struct sockaddr *)&kernel, sizeof kernel);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return nl_fail(err, errlen, -errno, "netlink send: %s", strerror(errno));
	if ((size_t)w != q->len)
		return nl_fail(err, errlen, -EIO, "netlink send: %zd of %zu bytes", w, q->len);
	struct nlparse_reply r = { .seq = h.nlmsg_seq, .port = nl->port, .each = each, .ctx = ctx };
	while (!r.done) {
		size_t n = 0;
		int rc = receive(nl, &n, what, err, errlen);
		if (rc)
			return rc;
		rc = nlparse_datagram(&r, nl->buf, n);
		if (rc == -EBADMSG)
			return nl_fail(err, errlen, rc, "malformed netlink reply to %s", what);
		if (rc < 0)
			return nl_fail(err, errlen, rc, "%s: %s", what, strerror(-rc));
	}
	if (r.stop)
		return r.stop;
	if (r.intr)
		return nl_fail(err, errlen, -EAGAIN, "%s: the kernel's tables changed during the dump",
			       what);
	return 0;
}

/* --- links ------------------------------------------------------------- */

struct one_link {
	struct netlink_link *out;
	bool found;
};

static int on_link(const struct nlparse_msg *m, void *ctx)
{
	struct one_link *l = ctx;
	int rc = nlparse_link(m, l->out);
	if (rc == 0)
		l->found = true;
	return rc < 0 ? rc : 0;
}

int netlink_link(struct netlink *nl, const char *name, struct netlink_link *out,
		 char *err, size_t errlen)
{
	size_t nlen = strlen(name);
	if (nlen == 0 || nlen >= IF_NAMESIZE)
		return nl_fail(err, errlen, -ENODEV, "no interface named '%s'", name);
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	uint32_t mask = RTEXT_FILTER_SKIP_STATS;	/* the reply without counters */
	struct request q;
	req_start(&q, RTM_GETLINK, 0, &ifi, sizeof ifi);
	req_attr(&q, IFLA_IFNAME, name, nlen + 1);
	req_attr(&q, IFLA_EXT_MASK, &mask, sizeof mask);
	struct one_link l = { .out = out };
	int rc = exchange(nl, &q, "RTM_GETLINK", on_link, &l, err, errlen);
	if (rc == -EBADMSG)
		return nl_fail(err, errlen, rc, "malformed netlink reply to RTM_GETLINK");
	if (rc)
		return rc;
	if (!l.found)
		return nl_fail(err, errlen, -EBADMSG, "RTM_GETLINK: no link in the reply");
	return 0;
}

/* --- addresses --------------------------------------------------------- */

struct addr_walk {
	int index;
	int (*each)(const struct netlink_addr *a, void *ctx);
	void *ctx;
};

static int on_addr(const struct nlparse_msg *m, void *ctx)
{
	struct addr_walk *w = ctx;
	struct netlink_addr a;
	int rc = nlparse_addr(m, &a);
	if (rc)
		return rc < 0 ? rc : 0;
	if (a.index != w->index)	/* a kernel without strict checking sends all */
		return 0;
	return w->each(&a, w->ctx);
}

int netlink_addrs(struct netlink *nl, int index,
		  int (*each)(const struct netlink_addr *a, void *ctx), void *ctx,
		  char *err, size_t errlen)
{
	if (index <= 0)
		return nl_fail(err, errlen, -ENODEV, "no interface with index %d", index);
	struct ifaddrmsg ifa = { .ifa_family = AF_UNSPEC, .ifa_index = (uint32_t)index };
	struct request q;
	req_start(&q, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof ifa);
	struct addr_walk w = { .index = index, .each = each, .ctx = ctx };
	int rc = exchange(nl, &q, "RTM_GETADDR", on_addr, &w, err, errlen);
	if (rc == -EBADMSG)
		return nl_fail(err, errlen, rc, "malformed netlink reply to RTM_GETADDR");
	return rc;
}

/* --- routes ------------------------------------------------------------ */

static uint8_t af_of(uint8_t family)
{
	return family == ADDR_IPV4 ? AF_INET : AF_INET6;
}

struct one_route {
	struct netlink_route *out;
	bool found;
};

static int on_route(const struct nlparse_msg *m, void *ctx)
{
	struct one_route *o = ctx;
	int rc = nlparse_route(m, o->out);
	if (rc == 0)
		o->found = true;
	return rc < 0 ? rc : 0;
}

int netlink_route_get(struct netlink *nl, const struct addr *dst, int oif,
		      struct netlink_route *out, char *err, size_t errlen)
{
	if (!(dst->family == ADDR_IPV4 && dst->len == 4) &&
	    !(dst->family == ADDR_IPV6 && dst->len == 16))
		return nl_fail(err, errlen, -EAFNOSUPPORT, "no address to route to");
	struct rtmsg rtm = { .rtm_family = af_of(dst->family), .rtm_dst_len = dst->len * 8 };
	struct request q;
	req_start(&q, RTM_GETROUTE, 0, &rtm, sizeof rtm);
	req_attr(&q, RTA_DST, dst->b, dst->len);
	if (oif > 0) {
		uint32_t o = (uint32_t)oif;
		req_attr(&q, RTA_OIF, &o, sizeof o);
	}
	struct one_route o = { .out = out };
	int rc = exchange(nl, &q, "RTM_GETROUTE", on_route, &o, err, errlen);
	char text[ADDR_STRLEN];
	if (rc == -ENETUNREACH || rc == -EHOSTUNREACH) {
		addr_format(dst, text, sizeof text);
		return nl_fail(err, errlen, rc, "no route to %s", text);
	}
	if (rc)
		return rc;
	if (!o.found || out->family != dst->family)
		return nl_fail(err, errlen, -EBADMSG, "RTM_GETROUTE: no route of the family asked");
	if (out->oif > 0 && !if_indextoname((unsigned)out->oif, out->oifname))
		return nl_fail(err, errlen, -ENODEV, "the route's interface %d is gone", out->oif);
	return 0;
}

struct route_walk {
	uint8_t family;
	uint32_t table;
	int (*each)(const struct netlink_route *r, void *ctx);
	void *ctx;
};

static int on_any_route(const struct nlparse_msg *m, void *ctx)
{
	struct route_walk *w = ctx;
	struct netlink_route r;
	int rc = nlparse_route(m, &r);
	if (rc)
		return rc < 0 ? rc : 0;
	if (r.family != w->family || r.table != w->table)	/* as in on_addr */
		return 0;
	return w->each(&r, w->ctx);
}

int netlink_routes(struct netlink *nl, uint8_t family, uint32_t table,
		   int (*each)(const struct netlink_route *r, void *ctx), void *ctx,
		   char *err, size_t errlen)
{
	if (family != ADDR_IPV4 && family != ADDR_IPV6)
		return nl_fail(err, errlen, -EAFNOSUPPORT, "routes of family %u", family);
	struct rtmsg rtm = { .rtm_family = af_of(family),
			     .rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC };
	struct request q;
	req_start(&q, RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof rtm);
	req_attr(&q, RTA_TABLE, &table, sizeof table);
	struct route_walk w = { .family = family, .table = table, .each = each, .ctx = ctx };
	int rc = exchange(nl, &q, "RTM_GETROUTE", on_any_route, &w, err, errlen);
	if (rc == -EBADMSG)
		return nl_fail(err, errlen, rc, "malformed netlink reply to RTM_GETROUTE");
	return rc;
}

/* --- TCP sockets (sock_diag) ------------------------------------------- */

struct sock_walk {
	int (*each)(const struct netlink_sock *s, void *ctx);
	void *ctx;
};

static int on_sock(const struct nlparse_msg *m, void *ctx)
{
	struct sock_walk *w = ctx;
	struct netlink_sock s;
	int rc = nlparse_inet_diag(m, &s);
	if (rc)
		return rc < 0 ? rc : 0;
	return w->each(&s, w->ctx);
}

int netlink_tcp_socks(struct netlink *nl, uint8_t family,
		      int (*each)(const struct netlink_sock *s, void *ctx), void *ctx,
		      char *err, size_t errlen)
{
	if (family != ADDR_IPV4 && family != ADDR_IPV6)
		return nl_fail(err, errlen, -EAFNOSUPPORT, "sockets of family %u", family);
	/* Every state, TIME_WAIT and request sockets (SYN_RECV) included, as
	 * `ss -tan` asks. */
	struct inet_diag_req_v2 req = { .sdiag_family = af_of(family),
					.sdiag_protocol = IPPROTO_TCP, .idiag_states = ~0u,
					.id.idiag_cookie = { INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE } };
	struct request q;
	req_start(&q, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, &req, sizeof req);
	struct sock_walk w = { .each = each, .ctx = ctx };
	int rc = exchange(nl, &q, "SOCK_DIAG_BY_FAMILY", on_sock, &w, err, errlen);
	if (rc == -EBADMSG)
		return nl_fail(err, errlen, rc, "malformed netlink reply to SOCK_DIAG_BY_FAMILY");
	return rc;
}
