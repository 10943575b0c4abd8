/*
 * fuzz_netlink.c - libFuzzer target for rtnetlink replies read as untrusted
 * bytes (craft/wire/nlparse.c).  The input is one datagram as recvmsg(2)
 * would return it; the sequence number and port of its first message are
 * taken as the request's, so its messages count as ours.  Every data
 * message goes through the link, address, route and inet_diag parsers.
 *
 * Besides memory errors (the input sits in a buffer of exactly its size) it
 * traps on a result outside the documented ones and on parsed values that
 * break their promises: an address whose length does not match its family,
 * a name without its NUL, a prefix longer than the family's, an interface
 * index below zero.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../craft/wire/nlparse.h"

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_netlink: %s\n", what);
	abort();
}

static void check_addr(const struct addr *a, uint8_t want_family_or_any)
{
	if (a->family == ADDR_NONE) {
		if (a->len)
			broken("ADDR_NONE with a length");
		return;
	}
	if (a->len != (a->family == ADDR_IPV4 ? 4 : a->family == ADDR_IPV6 ? 16 : 255))
		broken("address length and family disagree");
	if (want_family_or_any && a->family != want_family_or_any)
		broken("address of another family than the message's");
	char text[ADDR_STRLEN];
	if (addr_format(a, text, sizeof text) >= sizeof text)
		broken("address text too long");
}

static void check_name(const char *name)
{
	if (!memchr(name, '\0', IF_NAMESIZE))
		broken("name without its NUL");
}

static int each(const struct nlparse_msg *m, void *ctx)
{
	int *n = ctx;
	(*n)++;
	struct netlink_link l;
	struct netlink_addr a;
	struct netlink_route r;
	int rc = nlparse_link(m, &l);
	if (rc != 0 && rc != 1 && rc != -EBADMSG)
		broken("nlparse_link: undocumented result");
	if (rc == 0) {
		check_name(l.name);
		if (l.index <= 0 || l.hwlen > sizeof l.hwaddr)
			broken("link index or hardware address length");
	}
	rc = nlparse_addr(m, &a);
	if (rc != 0 && rc != 1 && rc != -EBADMSG)
		broken("nlparse_addr: undocumented result");
	if (rc == 0) {
		check_name(a.label);
		check_addr(&a.addr, 0);
		if (a.addr.family == ADDR_NONE || a.index <= 0 ||
		    a.prefixlen > (a.addr.family == ADDR_IPV4 ? 32 : 128))
			broken("address without address, index or with a long prefix");
	}
	rc = nlparse_route(m, &r);
	if (rc != 0 && rc != 1 && rc != -EBADMSG)
		broken("nlparse_route: undocumented result");
	if (rc == 0) {
		if (r.family != ADDR_IPV4 && r.family != ADDR_IPV6)
			broken("route of no family");
		check_addr(&r.dst, r.family);
		check_addr(&r.prefsrc, r.family);
		check_addr(&r.gateway, 0);	/* RTA_VIA may cross families */
		if (r.oif < 0 || r.dst_len > (r.family == ADDR_IPV4 ? 32 : 128))
			broken("route index or prefix length");
	}
	struct netlink_sock sk;
	rc = nlparse_inet_diag(m, &sk);
	if (rc != 0 && rc != 1 && rc != -EBADMSG)
		broken("nlparse_inet_diag: undocumented result");
	if (rc == 0) {
		if (sk.local.family != ADDR_IPV4 && sk.local.family != ADDR_IPV6)
			broken("socket of no family");
		check_addr(&sk.local, sk.local.family);
		check_addr(&sk.remote, sk.local.family);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);
	struct nlmsghdr h = { 0 };
	if (size >= sizeof h)
		memcpy(&h, buf, sizeof h);
	int n = 0;
	struct nlparse_reply r = { .seq = h.nlmsg_seq, .port = h.nlmsg_pid, .each = each, .ctx = &n };
	int rc = nlparse_datagram(&r, buf, size);
	if (rc > 0 || rc < -4095)
		broken("nlparse_datagram: not 0 nor -errno");
	if (rc < 0 && !r.done && rc != -EBADMSG)
		broken("an error that does not end the reply");
	if (r.stop)
		broken("stopped, though each never asked");
	/* Fed again, a finished reply reads nothing more. */
	if (r.done) {
		int before = n;
		if (nlparse_datagram(&r, buf, size) != 0 || n != before)
			broken("read past the end of a finished reply");
	}
	free(buf);
	return 0;
}
