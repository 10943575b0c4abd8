/* nlparse.c - netlink replies as untrusted bytes (rtnetlink(7), sock_diag(7)). */
#include "nlparse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/inet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <string.h>
#include <sys/socket.h>

/* The attributes follow the fixed headers without padding. */
_Static_assert(NLMSG_ALIGN(sizeof(struct ifinfomsg)) == sizeof(struct ifinfomsg), "ifinfomsg");
_Static_assert(NLMSG_ALIGN(sizeof(struct ifaddrmsg)) == sizeof(struct ifaddrmsg), "ifaddrmsg");
_Static_assert(NLMSG_ALIGN(sizeof(struct rtmsg)) == sizeof(struct rtmsg), "rtmsg");
_Static_assert(RTNH_ALIGN(sizeof(struct rtnexthop)) == sizeof(struct rtnexthop), "rtnexthop");

int nlparse_next(const uint8_t *buf, size_t n, size_t *off, struct nlparse_msg *m)
{
	if (*off >= n)
		return 0;
	if (n - *off < sizeof m->h)
		return -1;	/* a few bytes that are no message */
	memcpy(&m->h, buf + *off, sizeof m->h);
	size_t len = m->h.nlmsg_len;
	if (len < sizeof m->h || len > n - *off)
		return -1;
	m->body = buf + *off + sizeof m->h;
	m->len = len - sizeof m->h;
	/* The padding after the last message may be missing. */
	size_t step = NLMSG_ALIGN(len);
	*off = step < n - *off ? *off + step : n;
	return 1;
}

int nlparse_attr(const uint8_t *p, size_t n, size_t *off, struct nlparse_attr *a)
{
	if (*off >= n)
		return 0;
	struct rtattr rta;
	if (n - *off < sizeof rta)
		return -1;
	memcpy(&rta, p + *off, sizeof rta);
	size_t len = rta.rta_len;
	if (len < sizeof rta || len > n - *off)
		return -1;
	a->type = rta.rta_type & NLA_TYPE_MASK;
	a->data = p + *off + sizeof rta;
	a->len = len - sizeof rta;
	size_t step = RTA_ALIGN(len);
	*off = step < n - *off ? *off + step : n;
	return 1;
}

static void take(struct nlparse_reply *r, const struct nlparse_msg *m)
{
	if (m->h.nlmsg_flags & NLM_F_DUMP_INTR)
		r->intr = true;
	if (!r->stop)
		r->stop = r->each(m, r->ctx);
	if (!(m->h.nlmsg_flags & NLM_F_MULTI))
		r->done = true;
}

/* The int that NLMSG_ERROR and NLMSG_DONE carry: 0 or -errno. */
static int carried_error(const struct nlparse_msg *m, bool required)
{
	int e;
	if (m->len < sizeof e)
		return required ? -EBADMSG : 0;
	memcpy(&e, m->body, sizeof e);
	return e > 0 || e < -4095 ? -EBADMSG : e;
}

int nlparse_datagram(struct nlparse_reply *r, const uint8_t *buf, size_t n)
{
	size_t off = 0;
	struct nlparse_msg m;
	int rc;
	while (!r->done && (rc = nlparse_next(buf, n, &off, &m)) != 0) {
		if (rc < 0)
			return -EBADMSG;
		if (m.h.nlmsg_seq != r->seq || m.h.nlmsg_pid != r->port)
			continue;
		switch (m.h.nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_ERROR:	/* 0 is an acknowledgement */
			r->done = true;
			return carried_error(&m, true);
		case NLMSG_DONE:
			r->done = true;
			return carried_error(&m, false);
		case NLMSG_OVERRUN:
			r->done = true;
			return -ENOBUFS;
		default:
			if (m.h.nlmsg_type >= NLMSG_MIN_TYPE)
				take(r, &m);
		}
	}
	return 0;
}

/* --- the messages ------------------------------------------------------ */

/* An attribute holding exactly one address of `family`. */
static int attr_addr(const struct nlparse_attr *a, uint8_t family, struct addr *out)
{
	size_t want = family == ADDR_IPV4 ? 4 : 16;
	if (a->len != want)
		return -EBADMSG;
	memset(out, 0, sizeof *out);
	out->family = family;
	out->len = (uint8_t)want;
	memcpy(out->b, a->data, want);
	return 0;
}

static int attr_u32(const struct nlparse_attr *a, uint32_t *out)
{
	if (a->len != sizeof *out)
		return -EBADMSG;
	memcpy(out, a->data, sizeof *out);
	return 0;
}

static int attr_index(const struct nlparse_attr *a, int *out)
{
	uint32_t v;
	if (attr_u32(a, &v) || v > INT32_MAX)
		return -EBADMSG;
	*out = (int)v;
	return 0;
}

/* A NUL-terminated name that fits IF_NAMESIZE. */
static int attr_name(const struct nlparse_attr *a, char out[IF_NAMESIZE])
{
	const uint8_t *nul = memchr(a->data, '\0', a->len);
	if (!nul || (size_t)(nul - a->data) >= IF_NAMESIZE)
		return -EBADMSG;
	memcpy(out, a->data, (size_t)(nul - a->data) + 1);
	return 0;
}

static uint8_t our_family(uint8_t af)
{
	return af == AF_INET ? ADDR_IPV4 : af == AF_INET6 ? ADDR_IPV6 : ADDR_NONE;
}

int nlparse_link(const struct nlparse_msg *m, struct netlink_link *out)
{
	struct ifinfomsg ifi;
	if (m->h.nlmsg_type != RTM_NEWLINK)
		return 1;
	if (m->len < sizeof ifi)
		return -EBADMSG;
	memcpy(&ifi, m->body, sizeof ifi);
	if (ifi.ifi_index <= 0)
		return -EBADMSG;
	memset(out, 0, sizeof *out);
	out->index = ifi.ifi_index;
	out->flags = ifi.ifi_flags;
	const uint8_t *p = m->body + sizeof ifi;
	size_t n = m->len - sizeof ifi, off = 0;
	struct nlparse_attr a;
	int rc;
	while ((rc = nlparse_attr(p, n, &off, &a)) > 0) {
		if (a.type == IFLA_IFNAME) {
			if (attr_name(&a, out->name))
				return -EBADMSG;
		} else if (a.type == IFLA_ADDRESS) {
			if (a.len > sizeof out->hwaddr)
				return -EBADMSG;
			memcpy(out->hwaddr, a.data, a.len);
			out->hwlen = (uint8_t)a.len;
		} else if (a.type == IFLA_NUM_TX_QUEUES && a.len == sizeof(uint32_t)) {
			memcpy(&out->txqueues, a.data, sizeof(uint32_t));
		}
	}
	return rc < 0 ? -EBADMSG : 0;
}

int nlparse_addr(const struct nlparse_msg *m, struct netlink_addr *out)
{
	struct ifaddrmsg ifa;
	if (m->h.nlmsg_type != RTM_NEWADDR)
		return 1;
	if (m->len < sizeof ifa)
		return -EBADMSG;
	memcpy(&ifa, m->body, sizeof ifa);
	uint8_t family = our_family(ifa.ifa_family);
	if (family == ADDR_NONE)
		return 1;
	if (ifa.ifa_prefixlen > (family == ADDR_IPV4 ? 32 : 128) || ifa.ifa_index == 0 ||
	    ifa.ifa_index > INT32_MAX)
		return -EBADMSG;
	memset(out, 0, sizeof *out);
	out->index = (int)ifa.ifa_index;
	out->prefixlen = ifa.ifa_prefixlen;
	out->scope = ifa.ifa_scope;
	out->flags = ifa.ifa_flags;
	struct addr local = { 0 }, address = { 0 };
	const uint8_t *p = m->body + sizeof ifa;
	size_t n = m->len - sizeof ifa, off = 0;
	struct nlparse_attr a;
	int rc;
	while ((rc = nlparse_attr(p, n, &off, &a)) > 0) {
		int bad = 0;
		if (a.type == IFA_LOCAL)
			bad = attr_addr(&a, family, &local);
		else if (a.type == IFA_ADDRESS)
			bad = attr_addr(&a, family, &address);
		else if (a.type == IFA_LABEL)
			bad = attr_name(&a, out->label);
		else if (a.type == IFA_FLAGS)	/* all 32 bits; ifa_flags holds 8 */
			bad = attr_u32(&a, &out->flags);
		if (bad)
			return -EBADMSG;
	}
	if (rc < 0)
		return -EBADMSG;
	/* On point-to-point links IFA_ADDRESS is the peer's; IFA_LOCAL is ours. */
	out->addr = local.family ? local : address;
	return out->addr.family ? 0 : 1;
}

/* RTA_VIA: a gateway of either family (an IPv4 route over an IPv6 hop). */
static int via(const struct nlparse_attr *a, struct addr *gw)
{
	uint16_t af;
	if (a->len < sizeof af)
		return -EBADMSG;
	memcpy(&af, a->data, sizeof af);
	uint8_t family = af > 0xff ? ADDR_NONE : our_family((uint8_t)af);
	if (family == ADDR_NONE)
		return -EBADMSG;
	struct nlparse_attr inner = { .type = a->type, .data = a->data + 2, .len = a->len - 2 };
	return attr_addr(&inner, family, gw);
}

/* The hops of RTA_MULTIPATH: the first live one's interface and gateway. */
static int multipath(const struct nlparse_attr *mp, uint8_t family, int *oif, struct addr *gw)
{
	size_t off = 0;
	bool found = false;
	while (off < mp->len) {
		struct rtnexthop nh;
		if (mp->len - off < sizeof nh)
			return -EBADMSG;
		memcpy(&nh, mp->data + off, sizeof nh);
		if (nh.rtnh_len < sizeof nh || nh.rtnh_len > mp->len - off)
			return -EBADMSG;
		const uint8_t *p = mp->data + off + sizeof nh;
		size_t n = nh.rtnh_len - sizeof nh, aoff = 0;
		struct addr hop_gw = { 0 };
		struct nlparse_attr a;
		int rc;
		while ((rc = nlparse_attr(p, n, &aoff, &a)) > 0) {
			if ((a.type == RTA_GATEWAY && attr_addr(&a, family, &hop_gw)) ||
			    (a.type == RTA_VIA && via(&a, &hop_gw)))
				return -EBADMSG;
		}
		if (rc < 0 || nh.rtnh_ifindex < 0)
			return -EBADMSG;
		if (!found && !(nh.rtnh_flags & RTNH_F_DEAD) && nh.rtnh_ifindex > 0) {
			found = true;
			*oif = nh.rtnh_ifindex;
			*gw = hop_gw;
		}
		size_t step = RTNH_ALIGN(nh.rtnh_len);
		off = step < mp->len - off ? off + step : mp->len;
	}
	return 0;
}

int nlparse_route(const struct nlparse_msg *m, struct netlink_route *out)
{
	struct rtmsg rtm;
	if (m->h.nlmsg_type != RTM_NEWROUTE)
		return 1;
	if (m->len < sizeof rtm)
		return -EBADMSG;
	memcpy(&rtm, m->body, sizeof rtm);
	uint8_t family = our_family(rtm.rtm_family);
	if (family == ADDR_NONE)
		return 1;
	if (rtm.rtm_dst_len > (family == ADDR_IPV4 ? 32 : 128))
		return -EBADMSG;
	memset(out, 0, sizeof *out);
	out->family = family;
	out->dst_len = rtm.rtm_dst_len;
	out->type = rtm.rtm_type;
	out->protocol = rtm.rtm_protocol;
	out->table = rtm.rtm_table;
	out->flags = rtm.rtm_flags;
	const struct nlparse_attr *mp = NULL;
	struct nlparse_attr a, mpa;
	const uint8_t *p = m->body + sizeof rtm;
	size_t n = m->len - sizeof rtm, off = 0;
	int rc;
	while ((rc = nlparse_attr(p, n, &off, &a)) > 0) {
		int bad = 0;
		switch (a.type) {
		case RTA_DST: bad = attr_addr(&a, family, &out->dst); break;
		case RTA_GATEWAY: bad = attr_addr(&a, family, &out->gateway); break;
		case RTA_VIA: bad = via(&a, &out->gateway); break;
		case RTA_PREFSRC: bad = attr_addr(&a, family, &out->prefsrc); break;
		case RTA_OIF: bad = attr_index(&a, &out->oif); break;
		case RTA_PRIORITY: bad = attr_u32(&a, &out->metric); break;
		case RTA_TABLE: bad = attr_u32(&a, &out->table); break;
		case RTA_MULTIPATH: mpa = a; mp = &mpa; break;
		}
		if (bad)
			return -EBADMSG;
	}
	if (rc < 0)
		return -EBADMSG;
	if (mp) {
		int oif = 0;
		struct addr gw = { 0 };
		if (multipath(mp, family, &oif, &gw))
			return -EBADMSG;
		if (!out->oif) {	/* a dump lists the hops; a get names the one taken */
			out->oif = oif;
			out->gateway = gw;
		}
	}
	return 0;
}

/* The bytes of an address of `family` (4 or 16 of them). */
static void raw_addr(const void *b, uint8_t family, struct addr *out)
{
	memset(out, 0, sizeof *out);
	out->family = family;
	out->len = family == ADDR_IPV4 ? 4 : 16;
	memcpy(out->b, b, out->len);
}

int nlparse_inet_diag(const struct nlparse_msg *m, struct netlink_sock *out)
{
	struct inet_diag_msg idm;
	if (m->h.nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return 1;
	if (m->len < sizeof idm)
		return -EBADMSG;
	memcpy(&idm, m->body, sizeof idm);
	uint8_t family = our_family(idm.idiag_family);
	if (family == ADDR_NONE)
		return 1;
	memset(out, 0, sizeof *out);
	raw_addr(idm.id.idiag_src, family, &out->local);
	raw_addr(idm.id.idiag_dst, family, &out->remote);
	out->lport = ntohs(idm.id.idiag_sport);
	out->rport = ntohs(idm.id.idiag_dport);
	out->state = idm.idiag_state;
	return 0;
}
