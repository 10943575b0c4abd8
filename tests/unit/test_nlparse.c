/*
 * test_nlparse.c - rtnetlink and inet_diag replies as untrusted bytes: hand-made
 * datagrams, well-formed ones read field by field, and every length that
 * lies (nlmsg_len, rta_len, rtnh_len, an attribute of the wrong size, a
 * fixed header cut short) refused without a read past the bytes given.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/inet_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../../craft/wire/nlparse.h"

#define SEQ	77
#define PORT	4242

/* A datagram under construction. */
struct dgram {
	uint8_t b[2048];
	size_t len;
	size_t msg;		/* where the open message starts */
};

static void put(struct dgram *d, const void *p, size_t n)
{
	assert_true(d->len + n <= sizeof d->b);
	memcpy(d->b + d->len, p, n);
	d->len += n;
}

static void pad(struct dgram *d)
{
	static const uint8_t zero[4];
	put(d, zero, NLMSG_ALIGN(d->len) - d->len);
}

static void msg_open(struct dgram *d, uint16_t type, uint16_t flags, const void *fixed, size_t n)
{
	pad(d);
	d->msg = d->len;
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = SEQ,
			      .nlmsg_pid = PORT };
	put(d, &h, sizeof h);
	put(d, fixed, n);
}

static void msg_close(struct dgram *d)
{
	uint32_t len = (uint32_t)(d->len - d->msg);
	memcpy(d->b + d->msg, &len, sizeof len);	/* nlmsg_len comes first */
}

static void attr(struct dgram *d, uint16_t type, const void *data, size_t n)
{
	pad(d);
	struct rtattr rta = { .rta_len = (unsigned short)RTA_LENGTH(n), .rta_type = type };
	put(d, &rta, sizeof rta);
	put(d, data, n);
}

static void attr_u32(struct dgram *d, uint16_t type, uint32_t v)
{
	attr(d, type, &v, sizeof v);
}

/* A copy of the bytes in a buffer of exactly their size: ASan sees any
 * read past them. */
static uint8_t *exact(const struct dgram *d)
{
	uint8_t *p = malloc(d->len ? d->len : 1);
	assert_non_null(p);
	memcpy(p, d->b, d->len);
	return p;
}

static uint8_t *held;	/* the bytes behind the last only() */

/* The one message of `d`, in bytes of exactly its size, for the parsers. */
static struct nlparse_msg only(const struct dgram *d)
{
	free(held);
	held = exact(d);
	size_t off = 0;
	struct nlparse_msg m;
	assert_int_equal(nlparse_next(held, d->len, &off, &m), 1);
	assert_int_equal(off, d->len);
	return m;
}

static int release(void **state)
{
	(void)state;
	free(held);
	held = NULL;
	return 0;
}

static void set_u16(struct dgram *d, size_t at, uint16_t v)
{
	memcpy(d->b + at, &v, sizeof v);
}

static void set_u32(struct dgram *d, size_t at, uint32_t v)
{
	memcpy(d->b + at, &v, sizeof v);
}

/* --- messages and attributes ------------------------------------------- */

static void test_walk(void **state)
{
	(void)state;
	struct dgram d = { .len = 0 };
	uint8_t three[3] = { 1, 2, 3 };
	msg_open(&d, NLMSG_NOOP, 0, three, 3);	/* 19 bytes, padded to 20 */
	msg_close(&d);
	msg_open(&d, NLMSG_NOOP, 0, three, 1);	/* the last one unpadded */
	msg_close(&d);
	size_t off = 0;
	struct nlparse_msg m;
	uint8_t *p = exact(&d);
	assert_int_equal(nlparse_next(p, d.len, &off, &m), 1);
	assert_int_equal(m.len, 3);
	assert_int_equal(off, 20);
	assert_int_equal(nlparse_next(p, d.len, &off, &m), 1);
	assert_int_equal(m.len, 1);
	assert_int_equal(off, d.len);
	assert_int_equal(nlparse_next(p, d.len, &off, &m), 0);
	free(p);

	/* nlmsg_len below a header, past the datagram; bytes that are no header. */
	struct dgram bad = d;
	set_u32(&bad, 0, 15);
	off = 0;
	assert_int_equal(nlparse_next(bad.b, bad.len, &off, &m), -1);
	set_u32(&bad, 0, (uint32_t)bad.len + 1);
	off = 0;
	assert_int_equal(nlparse_next(bad.b, bad.len, &off, &m), -1);
	set_u32(&bad, 0, UINT32_MAX);
	off = 0;
	assert_int_equal(nlparse_next(bad.b, bad.len, &off, &m), -1);
	off = 0;
	assert_int_equal(nlparse_next(d.b, 15, &off, &m), -1);
	off = 20;
	assert_int_equal(nlparse_next(d.b, 20 + 3, &off, &m), -1);
}

static void test_attrs(void **state)
{
	(void)state;
	struct dgram d = { .len = 0 };
	attr(&d, IFLA_IFNAME, "ab", 3);
	attr(&d, IFLA_AF_SPEC | NLA_F_NESTED, "", 0);
	size_t off = 0;
	struct nlparse_attr a;
	uint8_t *p = exact(&d);
	assert_int_equal(nlparse_attr(p, d.len, &off, &a), 1);
	assert_int_equal(a.type, IFLA_IFNAME);
	assert_int_equal(a.len, 3);
	assert_int_equal(nlparse_attr(p, d.len, &off, &a), 1);
	assert_int_equal(a.type, IFLA_AF_SPEC);	/* the flag bits are not the type */
	assert_int_equal(a.len, 0);
	assert_int_equal(nlparse_attr(p, d.len, &off, &a), 0);
	free(p);
	set_u16(&d, 0, 3);	/* rta_len below a header */
	off = 0;
	assert_int_equal(nlparse_attr(d.b, d.len, &off, &a), -1);
	set_u16(&d, 0, (uint16_t)d.len + 1);
	off = 0;
	assert_int_equal(nlparse_attr(d.b, d.len, &off, &a), -1);
	off = 0;
	assert_int_equal(nlparse_attr(d.b, 2, &off, &a), -1);
}

/* --- the replies to a request ------------------------------------------- */

struct seen {
	int n;
	uint16_t types[8];
	int stop_at;	/* return 1 from the n-th call, 0: never */
};

static int count(const struct nlparse_msg *m, void *ctx)
{
	struct seen *s = ctx;
	if (s->n < 8)
		s->types[s->n] = m->h.nlmsg_type;
	s->n++;
	return s->stop_at && s->n == s->stop_at;
}

static int feed(struct dgram *d, struct nlparse_reply *r, struct seen *s)
{
	memset(s, 0, sizeof *s);
	memset(r, 0, sizeof *r);
	r->seq = SEQ;
	r->port = PORT;
	r->each = count;
	r->ctx = s;
	uint8_t *p = exact(d);
	int rc = nlparse_datagram(r, p, d->len);
	free(p);
	return rc;
}

static void data(struct dgram *d, uint16_t flags)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_index = 1 };
	msg_open(d, RTM_NEWADDR, flags, &ifa, sizeof ifa);
	msg_close(d);
}

static void done(struct dgram *d, int err)
{
	msg_open(d, NLMSG_DONE, NLM_F_MULTI, &err, sizeof err);
	msg_close(d);
}

static void error(struct dgram *d, int err)
{
	struct nlmsgerr e = { .error = err };
	msg_open(d, NLMSG_ERROR, 0, &e, sizeof e);
	msg_close(d);
}

static void test_reply_single(void **state)
{
	(void)state;
	struct dgram d = { .len = 0 };
	struct nlparse_reply r;
	struct seen s;
	data(&d, 0);	/* no NLM_F_MULTI: the only reply */
	data(&d, 0);
	assert_int_equal(feed(&d, &r, &s), 0);
	assert_true(r.done);
	assert_int_equal(s.n, 1);

	d.len = 0;
	error(&d, -ENODEV);
	assert_int_equal(feed(&d, &r, &s), -ENODEV);
	assert_true(r.done);
	assert_int_equal(s.n, 0);

	d.len = 0;
	error(&d, 0);	/* an acknowledgement */
	assert_int_equal(feed(&d, &r, &s), 0);
	assert_true(r.done);

	d.len = 0;
	error(&d, 5);	/* errors are negative */
	assert_int_equal(feed(&d, &r, &s), -EBADMSG);

	d.len = 0;	/* an NLMSG_ERROR too short for its error */
	msg_open(&d, NLMSG_ERROR, 0, "\xff\xff", 2);
	msg_close(&d);
	assert_int_equal(feed(&d, &r, &s), -EBADMSG);

	d.len = 0;
	msg_open(&d, NLMSG_OVERRUN, 0, "", 0);
	msg_close(&d);
	assert_int_equal(feed(&d, &r, &s), -ENOBUFS);
}

static void test_reply_dump(void **state)
{
	(void)state;
	struct dgram d = { .len = 0 };
	struct nlparse_reply r;
	struct seen s;
	data(&d, NLM_F_MULTI);
	msg_open(&d, NLMSG_NOOP, NLM_F_MULTI, "", 0);
	msg_close(&d);
	data(&d, NLM_F_MULTI);
	assert_int_equal(feed(&d, &r, &s), 0);
	assert_false(r.done);	/* more datagrams to come */
	assert_int_equal(s.n, 2);

	done(&d, 0);
	data(&d, NLM_F_MULTI);	/* after the end: not read */
	assert_int_equal(feed(&d, &r, &s), 0);
	assert_true(r.done);
	assert_int_equal(s.n, 2);
	assert_false(r.intr);

	d.len = 0;
	data(&d, NLM_F_MULTI | NLM_F_DUMP_INTR);
	done(&d, -EBUSY);	/* a dump that failed half way */
	assert_int_equal(feed(&d, &r, &s), -EBUSY);
	assert_true(r.intr);

	d.len = 0;	/* old kernels' NLMSG_DONE may carry nothing */
	msg_open(&d, NLMSG_DONE, NLM_F_MULTI, "", 0);
	msg_close(&d);
	assert_int_equal(feed(&d, &r, &s), 0);
	assert_true(r.done);

	/* Stopped by the callback: the rest is drained, not handed over. */
	d.len = 0;
	data(&d, NLM_F_MULTI);
	data(&d, NLM_F_MULTI);
	data(&d, NLM_F_MULTI);
	done(&d, 0);
	memset(&s, 0, sizeof s);
	struct nlparse_reply r2 = { .seq = SEQ, .port = PORT, .each = count, .ctx = &s };
	s.stop_at = 2;
	assert_int_equal(nlparse_datagram(&r2, d.b, d.len), 0);
	assert_true(r2.done);
	assert_int_equal(r2.stop, 1);
	assert_int_equal(s.n, 2);
}

static void test_reply_not_ours(void **state)
{
	(void)state;
	struct dgram d = { .len = 0 };
	struct nlparse_reply r;
	struct seen s;
	data(&d, 0);
	set_u32(&d, 8, SEQ + 1);	/* nlmsg_seq */
	error(&d, -EPERM);
	set_u32(&d, d.msg + 12, PORT + 1);	/* nlmsg_pid */
	data(&d, NLM_F_MULTI);
	assert_int_equal(feed(&d, &r, &s), 0);
	assert_int_equal(s.n, 1);	/* only the last one is ours */
	assert_false(r.done);

	/* A lying length anywhere spoils the datagram. */
	d.len = 0;
	data(&d, NLM_F_MULTI);
	data(&d, NLM_F_MULTI);
	set_u32(&d, d.msg, 4096);
	assert_int_equal(feed(&d, &r, &s), -EBADMSG);
}

/* --- links --------------------------------------------------------------- */

static void link_msg(struct dgram *d, int index, const char *name, size_t name_len,
		     const uint8_t *hw, size_t hwlen)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = index,
				 .ifi_flags = IFF_UP | IFF_RUNNING };
	d->len = 0;
	msg_open(d, RTM_NEWLINK, 0, &ifi, sizeof ifi);
	attr_u32(d, IFLA_MTU, 1500);
	if (hw)
		attr_u32(d, IFLA_NUM_TX_QUEUES, 2);
	if (name)
		attr(d, IFLA_IFNAME, name, name_len);
	if (hw)
		attr(d, IFLA_ADDRESS, hw, hwlen);
	msg_close(d);
}

static void test_link(void **state)
{
	(void)state;
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 0xaa };
	struct dgram d;
	struct netlink_link l;
	link_msg(&d, 7, "veth0", 6, mac, 6);
	struct nlparse_msg m = only(&d);
	assert_int_equal(nlparse_link(&m, &l), 0);
	assert_int_equal(l.index, 7);
	assert_string_equal(l.name, "veth0");
	assert_int_equal(l.hwlen, 6);
	assert_memory_equal(l.hwaddr, mac, 6);
	assert_true(l.flags & IFF_UP);
	assert_int_equal(l.txqueues, 2);

	link_msg(&d, 8, "tun0", 5, NULL, 0);
	m = only(&d);
	assert_int_equal(nlparse_link(&m, &l), 0);
	assert_int_equal(l.hwlen, 0);
	assert_int_equal(l.txqueues, 0);	/* not said */

	link_msg(&d, 7, "veth0", 5, mac, 6);	/* no NUL */
	m = only(&d);
	assert_int_equal(nlparse_link(&m, &l), -EBADMSG);
	link_msg(&d, 7, "0123456789abcdef", 17, mac, 6);	/* over IFNAMSIZ */
	m = only(&d);
	assert_int_equal(nlparse_link(&m, &l), -EBADMSG);
	uint8_t big[33] = { 0 };
	link_msg(&d, 7, "veth0", 6, big, sizeof big);	/* over MAX_ADDR_LEN */
	m = only(&d);
	assert_int_equal(nlparse_link(&m, &l), -EBADMSG);
	link_msg(&d, 0, "veth0", 6, mac, 6);
	m = only(&d);
	assert_int_equal(nlparse_link(&m, &l), -EBADMSG);
	link_msg(&d, 7, "veth0", 6, mac, 6);
	set_u16(&d, 16 + sizeof(struct ifinfomsg), 200);	/* the first rta_len */
	m = only(&d);
	assert_int_equal(nlparse_link(&m, &l), -EBADMSG);

	d.len = 0;	/* the fixed header cut short */
	msg_open(&d, RTM_NEWLINK, 0, "\0\0\0\0\7\0\0\0", 8);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_link(&m, &l), -EBADMSG);
	d.len = 0;
	data(&d, 0);
	m = only(&d);
	assert_int_equal(nlparse_link(&m, &l), 1);	/* not a link */
}

/* --- addresses ----------------------------------------------------------- */

static void addr_msg(struct dgram *d, uint8_t family, uint8_t plen, uint8_t scope, uint8_t flags)
{
	struct ifaddrmsg ifa = { .ifa_family = family, .ifa_prefixlen = plen,
				 .ifa_flags = flags, .ifa_scope = scope, .ifa_index = 3 };
	d->len = 0;
	msg_open(d, RTM_NEWADDR, NLM_F_MULTI, &ifa, sizeof ifa);
}

static void test_addr(void **state)
{
	(void)state;
	static const uint8_t ll[16] = { 0xfe, 0x80, [15] = 1 };
	struct dgram d;
	struct netlink_addr a;
	char text[ADDR_STRLEN];

	/* Point-to-point: IFA_LOCAL is ours, IFA_ADDRESS the peer's. */
	addr_msg(&d, AF_INET, 32, RT_SCOPE_UNIVERSE, 0);
	attr(&d, IFA_ADDRESS, "\x0a\x00\x00\x02", 4);
	attr(&d, IFA_LOCAL, "\x0a\x00\x00\x01", 4);
	attr(&d, IFA_LABEL, "ppp0", 5);
	msg_close(&d);
	struct nlparse_msg m = only(&d);
	assert_int_equal(nlparse_addr(&m, &a), 0);
	assert_int_equal(a.index, 3);
	assert_int_equal(a.addr.family, ADDR_IPV4);
	assert_int_equal(addr_ipv4(&a.addr), 0x0a000001);
	assert_int_equal(a.prefixlen, 32);
	assert_string_equal(a.label, "ppp0");

	addr_msg(&d, AF_INET6, 64, RT_SCOPE_LINK, IFA_F_PERMANENT);
	attr(&d, IFA_ADDRESS, ll, 16);
	attr_u32(&d, IFA_FLAGS, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);	/* past 8 bits */
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_addr(&m, &a), 0);
	addr_format(&a.addr, text, sizeof text);
	assert_string_equal(text, "fe80::1");
	assert_int_equal(a.scope, RT_SCOPE_LINK);
	assert_int_equal(a.flags, IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE);
	assert_string_equal(a.label, "");

	/* Lengths that do not fit the family. */
	addr_msg(&d, AF_INET6, 64, 0, 0);
	attr(&d, IFA_ADDRESS, "\x0a\x00\x00\x01", 4);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_addr(&m, &a), -EBADMSG);
	addr_msg(&d, AF_INET, 24, 0, 0);
	attr(&d, IFA_LOCAL, "\x0a\x00\x00\x01\x00", 5);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_addr(&m, &a), -EBADMSG);
	addr_msg(&d, AF_INET, 33, 0, 0);
	attr(&d, IFA_LOCAL, "\x0a\x00\x00\x01", 4);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_addr(&m, &a), -EBADMSG);
	addr_msg(&d, AF_INET6, 64, 0, 0);
	attr(&d, IFA_ADDRESS, ll, 16);
	attr(&d, IFA_FLAGS, "\x01\x00", 2);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_addr(&m, &a), -EBADMSG);
	addr_msg(&d, AF_INET6, 64, 0, 0);
	attr(&d, IFA_ADDRESS, ll, 16);
	msg_close(&d);
	set_u16(&d, 16 + 8, 21);	/* rta_len one past the message */
	m = only(&d);
	assert_int_equal(nlparse_addr(&m, &a), -EBADMSG);

	/* Nothing to use: another family, no address. */
	addr_msg(&d, AF_PACKET, 0, 0, 0);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_addr(&m, &a), 1);
	addr_msg(&d, AF_INET, 24, 0, 0);
	attr(&d, IFA_LABEL, "eth0", 5);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_addr(&m, &a), 1);
	d.len = 0;
	msg_open(&d, RTM_NEWADDR, 0, "\x02\x18\x00\x00", 4);	/* ifaddrmsg cut short */
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_addr(&m, &a), -EBADMSG);
}

/* --- routes -------------------------------------------------------------- */

static void route_msg(struct dgram *d, uint8_t family, uint8_t dst_len, uint8_t table)
{
	struct rtmsg rtm = { .rtm_family = family, .rtm_dst_len = dst_len, .rtm_table = table,
			     .rtm_type = RTN_UNICAST, .rtm_protocol = RTPROT_BOOT };
	d->len = 0;
	msg_open(d, RTM_NEWROUTE, 0, &rtm, sizeof rtm);
}

/* One hop of RTA_MULTIPATH, its gateway nested. */
static void hop(uint8_t *out, size_t *len, uint8_t flags, int ifindex, const void *gw, size_t gwlen)
{
	struct rtnexthop nh = { .rtnh_len = (unsigned short)(sizeof nh + RTA_LENGTH(gwlen)),
				.rtnh_flags = flags, .rtnh_ifindex = ifindex };
	struct rtattr rta = { .rta_len = (unsigned short)RTA_LENGTH(gwlen), .rta_type = RTA_GATEWAY };
	memcpy(out + *len, &nh, sizeof nh);
	memcpy(out + *len + sizeof nh, &rta, sizeof rta);
	memcpy(out + *len + sizeof nh + sizeof rta, gw, gwlen);
	*len += RTNH_ALIGN(nh.rtnh_len);
}

static void test_route(void **state)
{
	(void)state;
	struct dgram d;
	struct netlink_route r;
	char text[ADDR_STRLEN];

	route_msg(&d, AF_INET, 16, RT_TABLE_MAIN);
	attr(&d, RTA_DST, "\x0a\x4d\x00\x00", 4);
	attr(&d, RTA_GATEWAY, "\x0a\x01\x00\x02", 4);
	attr(&d, RTA_PREFSRC, "\x0a\x01\x00\x01", 4);
	attr_u32(&d, RTA_OIF, 5);
	attr_u32(&d, RTA_PRIORITY, 100);
	attr_u32(&d, RTA_TABLE, 1000);	/* tables past 255 */
	msg_close(&d);
	struct nlparse_msg m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), 0);
	assert_int_equal(r.family, ADDR_IPV4);
	assert_int_equal(r.dst_len, 16);
	assert_int_equal(addr_ipv4(&r.dst), 0x0a4d0000);
	assert_int_equal(addr_ipv4(&r.gateway), 0x0a010002);
	assert_int_equal(addr_ipv4(&r.prefsrc), 0x0a010001);
	assert_int_equal(r.oif, 5);
	assert_int_equal(r.metric, 100);
	assert_int_equal(r.table, 1000);
	assert_int_equal(r.type, RTN_UNICAST);

	/* The default route: no RTA_DST, on-link. */
	route_msg(&d, AF_INET6, 0, RT_TABLE_MAIN);
	attr_u32(&d, RTA_OIF, 2);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), 0);
	assert_int_equal(r.dst.family, ADDR_NONE);
	assert_int_equal(r.gateway.family, ADDR_NONE);
	assert_int_equal(r.table, RT_TABLE_MAIN);

	/* RTA_VIA: an IPv4 route over an IPv6 next hop. */
	route_msg(&d, AF_INET, 0, RT_TABLE_MAIN);
	uint8_t via[18] = { AF_INET6, 0, 0xfe, 0x80, [17] = 9 };
	attr(&d, RTA_VIA, via, sizeof via);
	attr_u32(&d, RTA_OIF, 2);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), 0);
	addr_format(&r.gateway, text, sizeof text);
	assert_string_equal(text, "fe80::9");
	route_msg(&d, AF_INET, 0, RT_TABLE_MAIN);
	attr(&d, RTA_VIA, via, 10);	/* an IPv6 address in 8 bytes */
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), -EBADMSG);
	via[1] = 1;	/* family 0x10a: no AF_ fits a byte */
	route_msg(&d, AF_INET, 0, RT_TABLE_MAIN);
	attr(&d, RTA_VIA, via, sizeof via);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), -EBADMSG);

	/* Multipath: the first live hop. */
	uint8_t hops[128];
	size_t n = 0;
	hop(hops, &n, RTNH_F_DEAD, 4, "\x0a\x00\x00\x04", 4);
	hop(hops, &n, 0, 6, "\x0a\x00\x00\x06", 4);
	hop(hops, &n, 0, 7, "\x0a\x00\x00\x07", 4);
	route_msg(&d, AF_INET, 0, RT_TABLE_MAIN);
	attr(&d, RTA_MULTIPATH, hops, n);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), 0);
	assert_int_equal(r.oif, 6);
	assert_int_equal(addr_ipv4(&r.gateway), 0x0a000006);
	/* A get's answer names the hop it took: that wins over the list. */
	route_msg(&d, AF_INET, 0, RT_TABLE_MAIN);
	attr(&d, RTA_MULTIPATH, hops, n);
	attr_u32(&d, RTA_OIF, 7);
	attr(&d, RTA_GATEWAY, "\x0a\x00\x00\x07", 4);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), 0);
	assert_int_equal(r.oif, 7);
	assert_int_equal(addr_ipv4(&r.gateway), 0x0a000007);
	/* A hop whose length runs past RTA_MULTIPATH, or is shorter than a hop. */
	uint8_t lying[128];
	memcpy(lying, hops, n);
	uint16_t long_len = (uint16_t)(n + 4);
	memcpy(lying + RTNH_ALIGN(16), &long_len, 2);
	route_msg(&d, AF_INET, 0, RT_TABLE_MAIN);
	attr(&d, RTA_MULTIPATH, lying, n);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), -EBADMSG);
	uint16_t short_len = 7;
	memcpy(lying, hops, n);
	memcpy(lying, &short_len, 2);
	route_msg(&d, AF_INET, 0, RT_TABLE_MAIN);
	attr(&d, RTA_MULTIPATH, lying, n);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), -EBADMSG);
	route_msg(&d, AF_INET, 0, RT_TABLE_MAIN);
	attr(&d, RTA_MULTIPATH, hops, 5);	/* a piece of a hop */
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), -EBADMSG);

	/* Wrong sizes. */
	route_msg(&d, AF_INET, 33, RT_TABLE_MAIN);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), -EBADMSG);
	route_msg(&d, AF_INET6, 0, RT_TABLE_MAIN);
	attr(&d, RTA_GATEWAY, "\x0a\x00\x00\x01", 4);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), -EBADMSG);
	route_msg(&d, AF_INET, 0, RT_TABLE_MAIN);
	attr(&d, RTA_OIF, "\x02\x00", 2);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), -EBADMSG);
	route_msg(&d, AF_INET, 0, RT_TABLE_MAIN);
	attr_u32(&d, RTA_OIF, 0x80000000u);	/* no int is that index */
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), -EBADMSG);
	d.len = 0;
	msg_open(&d, RTM_NEWROUTE, 0, "\x02\x00\x00\x00\xfe\x00\x00\x01", 8);	/* rtmsg cut short */
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), -EBADMSG);
	route_msg(&d, AF_MPLS, 20, RT_TABLE_MAIN);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_route(&m, &r), 1);
}

/* --- inet_diag sockets ---------------------------------------------------- */

static void test_inet_diag(void **state)
{
	(void)state;
	struct dgram d = { .len = 0 };
	struct inet_diag_msg idm = { .idiag_family = AF_INET, .idiag_state = 8 /* CLOSE_WAIT */,
				     .id.idiag_sport = htons(9230), .id.idiag_dport = htons(40000) };
	static const uint8_t local[4] = { 10, 9, 0, 2 }, remote[4] = { 10, 9, 0, 99 };
	memcpy(idm.id.idiag_src, local, 4);
	memcpy(idm.id.idiag_dst, remote, 4);
	msg_open(&d, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, &idm, sizeof idm);
	msg_close(&d);
	struct nlparse_msg m = only(&d);
	struct netlink_sock sk;
	assert_int_equal(nlparse_inet_diag(&m, &sk), 0);
	assert_int_equal(sk.local.family, ADDR_IPV4);
	assert_memory_equal(sk.local.b, local, 4);
	assert_memory_equal(sk.remote.b, remote, 4);
	assert_int_equal(sk.lport, 9230);
	assert_int_equal(sk.rport, 40000);
	assert_int_equal(sk.state, 8);

	idm.idiag_family = AF_INET6;	/* all 16 bytes taken */
	memset(idm.id.idiag_src, 0x20, 16);
	d.len = 0;
	msg_open(&d, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, &idm, sizeof idm);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_inet_diag(&m, &sk), 0);
	assert_int_equal(sk.local.family, ADDR_IPV6);
	assert_int_equal(sk.local.len, 16);
	assert_int_equal(sk.local.b[15], 0x20);

	d.len = 0;	/* the fixed header cut short */
	msg_open(&d, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, &idm, sizeof idm - 1);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_inet_diag(&m, &sk), -EBADMSG);
	idm.idiag_family = AF_UNIX;	/* not ours */
	d.len = 0;
	msg_open(&d, SOCK_DIAG_BY_FAMILY, NLM_F_MULTI, &idm, sizeof idm);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_inet_diag(&m, &sk), 1);
	d.len = 0;	/* another type (RTM_NEWADDR is 20 too: types are per protocol) */
	msg_open(&d, RTM_NEWLINK, NLM_F_MULTI, &idm, sizeof idm);
	msg_close(&d);
	m = only(&d);
	assert_int_equal(nlparse_inet_diag(&m, &sk), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_attrs),
		cmocka_unit_test(test_reply_single),
		cmocka_unit_test(test_reply_dump),
		cmocka_unit_test(test_reply_not_ours),
		cmocka_unit_test(test_link),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_route),
		cmocka_unit_test(test_inet_diag),
	};
	return cmocka_run_group_tests_name("nlparse", tests, NULL, release);
}
