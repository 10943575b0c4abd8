/*
 * netlink.h - the kernel's own answers about links, addresses and routes,
 * asked over a NETLINK_ROUTE socket (rtnetlink(7)), and about its TCP
 * sockets over NETLINK_SOCK_DIAG (sock_diag(7), as ss asks), for IPv4 and
 * IPv6.
 *
 * Each query sends one request and reads the replies to it: every receive
 * waits at most NETLINK_TIMEOUT_MS, replies must carry the request's
 * sequence number and come from the kernel, and their bytes are checked by
 * nlparse.c before anything is believed.  Functions return 0, or a
 * negative errno value with a line of text in `err` (-ENODEV: no such
 * interface; -ENETUNREACH, -EHOSTUNREACH: no route; -EBADMSG: a reply that
 * does not parse; -ETIMEDOUT: no reply in time).
 */
#ifndef CRAFT_NETLINK_H
#define CRAFT_NETLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/addr.h"

#define NETLINK_TIMEOUT_MS	1000

struct netlink_link {
	int index;
	unsigned flags;		/* IFF_*, as SIOCGIFFLAGS reports them */
	uint8_t hwaddr[32];
	uint8_t hwlen;		/* 0: the link has none (tun, some tunnels) */
	unsigned txqueues;	/* IFLA_NUM_TX_QUEUES; 0 when absent */
	char name[IF_NAMESIZE];
};

struct netlink_addr {
	int index;		/* the interface */
	struct addr addr;	/* IFA_LOCAL, else IFA_ADDRESS */
	uint8_t prefixlen;
	uint8_t scope;		/* RT_SCOPE_UNIVERSE (global), _LINK, _HOST, ... */
	uint32_t flags;		/* IFA_F_*: IFA_FLAGS when given, else ifa_flags */
	char label[IF_NAMESIZE];	/* IFA_LABEL (IPv4 only); "" when absent */
};

struct netlink_route {
	uint8_t family;		/* ADDR_IPV4 or ADDR_IPV6 */
	uint8_t dst_len;	/* prefix length of dst */
	uint8_t type;		/* RTN_UNICAST, RTN_LOCAL, RTN_UNREACHABLE, ... */
	uint8_t protocol;	/* RTPROT_* */
	uint32_t table;		/* RTA_TABLE when given, else rtm_table */
	uint32_t flags;		/* rtm_flags: RTM_F_CLONED, RTNH_F_DEAD, ... */
	uint32_t metric;	/* RTA_PRIORITY; 0 when absent */
	int oif;		/* RTA_OIF, else the first live multipath hop's */
	struct addr dst;	/* ADDR_NONE when absent (the default route) */
	struct addr gateway;	/* RTA_GATEWAY or RTA_VIA; ADDR_NONE: on-link */
	struct addr prefsrc;	/* RTA_PREFSRC; ADDR_NONE when absent */
	char oifname[IF_NAMESIZE];	/* filled by the queries, not by nlparse */
};

/* A TCP socket as INET_DIAG reports it (struct inet_diag_msg). */
struct netlink_sock {
	struct addr local, remote;	/* the socket's family: an IPv6 one may map IPv4 */
	uint16_t lport, rport;		/* rport 0: listening, or not connected */
	uint8_t state;			/* Linux's TCP_* (TCP_NEW_SYN_RECV for a request) */
};

/* One netlink socket; the caller owns the struct. */
struct netlink {
	int fd;
	uint32_t port;		/* our netlink port id, as the kernel bound it */
	uint32_t seq;		/* the last request's sequence number */
	uint8_t *buf;		/* one datagram */
};

int netlink_open(struct netlink *nl, char *err, size_t errlen);
/* A NETLINK_SOCK_DIAG socket, for netlink_tcp_socks. */
int netlink_open_diag(struct netlink *nl, char *err, size_t errlen);
void netlink_close(struct netlink *nl);

/* The link named `name` (RTM_GETLINK by IFLA_IFNAME). */
int netlink_link(struct netlink *nl, const char *name, struct netlink_link *out,
		 char *err, size_t errlen);

/* Calls `each` for every IPv4 and IPv6 address of interface `index`
 * (RTM_GETADDR dump, in the kernel's order); `each` returning non-zero
 * stops the walk and is returned. */
int netlink_addrs(struct netlink *nl, int index,
		  int (*each)(const struct netlink_addr *a, void *ctx), void *ctx,
		  char *err, size_t errlen);

/* The route the kernel takes to `dst` (RTM_GETROUTE with RTA_DST, as
 * `ip route get` asks), out of interface `oif` if non-zero: longest prefix,
 * metrics, policy rules.  `out->oifname` is the output interface's name. */
int netlink_route_get(struct netlink *nl, const struct addr *dst, int oif,
		      struct netlink_route *out, char *err, size_t errlen);

/* Calls `each` for every route of `family` in routing table `table`
 * (RTM_GETROUTE dump); as netlink_addrs.  oifname is left empty. */
int netlink_routes(struct netlink *nl, uint8_t family, uint32_t table,
		   int (*each)(const struct netlink_route *r, void *ctx), void *ctx,
		   char *err, size_t errlen);

/* Calls `each` for every TCP socket of `family` in this network namespace
 * (SOCK_DIAG_BY_FAMILY dump of every state); as netlink_addrs.  `nl` is a
 * netlink_open_diag socket. */
int netlink_tcp_socks(struct netlink *nl, uint8_t family,
		      int (*each)(const struct netlink_sock *s, void *ctx), void *ctx,
		      char *err, size_t errlen);

#endif
