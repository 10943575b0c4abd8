/* iface.c - interface facts from rtnetlink (netlink.c): the link, its IPv4
 * and IPv6 addresses, and the routes of both families; no privileges. */
#include "iface.h"
#include "netlink.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

/* --- addresses --------------------------------------------------------- */

struct best {
	struct addr a;
	int rank;	/* lower is better */
	bool have;
};

struct pick {
	const char *name;	/* the link's own name, for IPv4 labels */
	struct best v4, ip6, ll6;
};

/* How well an address serves as a source: -1 never (DAD found it taken),
 * 0 preferred, 1 deprecated or optimistic, 2 tentative (DAD still running:
 * the kernel accepts nothing for it yet). */
static int usable(uint32_t flags)
{
	if (flags & IFA_F_DADFAILED)
		return -1;
	if ((flags & IFA_F_TENTATIVE) && !(flags & IFA_F_OPTIMISTIC))
		return 2;
	if (flags & (IFA_F_DEPRECATED | IFA_F_OPTIMISTIC))
		return 1;
	return 0;
}

static void consider(struct best *b, const struct addr *a, int rank)
{
	if (!b->have || rank < b->rank) {	/* the first of equals: the kernel's order */
		b->a = *a;
		b->rank = rank;
		b->have = true;
	}
}

static int on_addr(const struct netlink_addr *a, void *ctx)
{
	struct pick *p = ctx;
	int rank = usable(a->flags);
	if (rank < 0)
		return 0;
	if (a->addr.family == ADDR_IPV4) {
		/* SIOCGIFADDR saw only addresses labelled as the interface:
		 * an alias's (eth0:1) comes after them. */
		if (a->label[0] && strcmp(a->label, p->name) != 0)
			rank += 3;
		consider(&p->v4, &a->addr, rank);
	} else if (a->scope == RT_SCOPE_UNIVERSE) {
		consider(&p->ip6, &a->addr, rank);
	} else if (a->scope == RT_SCOPE_LINK) {
		consider(&p->ll6, &a->addr, rank);
	} else if (a->scope == RT_SCOPE_HOST) {
		/* ::1 on lo: the source of either scope there, after any other. */
		consider(&p->ip6, &a->addr, rank + 3);
		consider(&p->ll6, &a->addr, rank + 3);
	}
	return 0;
}

int iface_lookup(const char *name, struct iface *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (strlen(name) >= IF_NAMESIZE) {
		snprintf(err, errlen, "no such interface '%s' (names are under %d characters)",
			 name, IF_NAMESIZE);
		return -1;
	}
	snprintf(out->name, sizeof out->name, "%s", name);
	struct netlink nl;
	char why[256];
	if (netlink_open(&nl, why, sizeof why)) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	struct netlink_link l;
	int rc = netlink_link(&nl, name, &l, why, sizeof why);
	if (rc) {
		if (rc == -ENODEV)
			snprintf(err, errlen, "no such interface '%s' (see: ip link)", name);
		else
			snprintf(err, errlen, "interface %s: %s", name, why);
		netlink_close(&nl);
		return -1;
	}
	out->index = l.index;
	out->up = (l.flags & IFF_UP) && (l.flags & IFF_RUNNING);
	if (l.hwlen == 6) {	/* Ethernet-like; a tun or a tunnel has none */
		for (int i = 0; i < 6; i++)
			out->mac = out->mac << 8 | l.hwaddr[i];
		out->has_mac = true;
	}
	struct pick p;
	for (int tries = 0;; tries++) {	/* a dump the kernel says changed under it */
		memset(&p, 0, sizeof p);
		p.name = l.name;
		rc = netlink_addrs(&nl, l.index, on_addr, &p, why, sizeof why);
		if (rc != -EAGAIN || tries == 2)
			break;
	}
	netlink_close(&nl);
	if (rc) {
		snprintf(err, errlen, "interface %s: %s", name, why);
		return -1;
	}
	out->has_ip = p.v4.have;
	out->ip = addr_ipv4(&p.v4.a);
	out->has_ip6 = p.ip6.have;
	out->ip6 = p.ip6.a;
	out->has_ll6 = p.ll6.have;
	out->ll6 = p.ll6.a;
	return 0;
}

/* --- routes ------------------------------------------------------------ */

struct default_pick {
	struct netlink_route r;
	bool have;
};

/* What `ip route show default` lists first of the lowest metric. */
static int on_route(const struct netlink_route *r, void *ctx)
{
	struct default_pick *d = ctx;
	if (r->dst_len != 0 || r->type != RTN_UNICAST || r->oif <= 0 ||
	    (r->flags & (RTM_F_CLONED | RTNH_F_DEAD)))
		return 0;
	if (!d->have || r->metric < d->r.metric) {
		d->r = *r;
		d->have = true;
	}
	return 0;
}

static int default_route(struct netlink *nl, uint8_t family, struct netlink_route *out)
{
	char why[256];
	struct default_pick d;
	int rc;
	for (int tries = 0;; tries++) {
		memset(&d, 0, sizeof d);
		rc = netlink_routes(nl, family, RT_TABLE_MAIN, on_route, &d, why, sizeof why);
		if (rc != -EAGAIN || tries == 2)
			break;
	}
	if (rc || !d.have || !if_indextoname((unsigned)d.r.oif, d.r.oifname))
		return -1;
	*out = d.r;
	return 0;
}

/* Where a packet for this kind of route leaves; the others drop it. */
static bool leaves(uint8_t type)
{
	return type == RTN_UNICAST || type == RTN_LOCAL || type == RTN_BROADCAST ||
	       type == RTN_ANYCAST || type == RTN_MULTICAST;
}

int iface_route_addr(const struct addr *dst, char *name, size_t len, struct addr *gateway)
{
	struct netlink nl;
	struct netlink_route r;
	char why[256];
	if (netlink_open(&nl, why, sizeof why))
		return -1;
	int rc = addr_is_unspecified(dst) ? default_route(&nl, dst->family, &r)
					  : netlink_route_get(&nl, dst, 0, &r, why, sizeof why);
	netlink_close(&nl);
	if (rc || r.oif <= 0 || !r.oifname[0] || !leaves(r.type))
		return -1;
	snprintf(name, len, "%s", r.oifname);
	if (gateway)
		*gateway = r.gateway;
	return 0;
}

int iface_route(uint32_t dst, char *name, size_t len, uint32_t *gateway)
{
	struct addr d = addr_from_ipv4(dst), gw;
	char found[IF_NAMESIZE];
	if (iface_route_addr(&d, found, sizeof found, &gw))
		return -1;
	if (gw.family == ADDR_IPV6)	/* RFC 5549: no ARP for that next hop */
		return -1;
	snprintf(name, len, "%s", found);
	if (gateway)
		*gateway = addr_ipv4(&gw);
	return 0;
}

int iface_pick(const char *given, const struct addr *dst, struct iface *out, char *err,
	       size_t errlen)
{
	char name[32];
	struct addr gw, any = addr_from_ipv4(0);
	if (given)
		return iface_lookup(given, out, err, errlen) ? -1 : 1;
	if (iface_route_addr(dst && dst->family != ADDR_NONE ? dst : &any, name, sizeof name,
			     &gw) != 0 ||
	    iface_lookup(name, out, err, errlen) != 0)
		return 0;
	return 1;
}
