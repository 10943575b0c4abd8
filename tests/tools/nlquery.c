/*
 * nlquery.c - prints what the library reads from the kernel, for
 * tests/suites/netlink.sh to hold against `ip -j`:
 *   nlquery iface NAME    iface_lookup: index, up, mac, ip, ip6, ll6
 *   nlquery addrs NAME    netlink_addrs: every address, ADDR/LEN SCOPE FLAGS
 *   nlquery route DST     iface_route_addr (0.0.0.0 or ::: the default route)
 *   nlquery route4 DST    iface_route, the IPv4 interface of old
 *   nlquery get DST       netlink_route_get: the kernel's route, every field
 * One "key value" line each ("-" for none); exit 1 with the error on stderr.
 */
#include <stdio.h>
#include <string.h>

#include "../../craft/core/addr.h"
#include "../../craft/core/field.h"
#include "../../craft/wire/iface.h"
#include "../../craft/wire/netlink.h"

static const char *text(const struct addr *a, bool have, char *buf)
{
	if (!have || a->family == ADDR_NONE)
		return "-";
	addr_format(a, buf, ADDR_STRLEN);
	return buf;
}

static int parse(const char *s, struct addr *a)
{
	int rc = addr_parse(s, strlen(s), a);
	if (rc)
		fprintf(stderr, "nlquery: %s: %s\n", s, addr_strerror(rc));
	return rc;
}

static int cmd_iface(const char *name)
{
	struct iface ifc;
	char err[256], mac[32], b[ADDR_STRLEN];
	if (iface_lookup(name, &ifc, err, sizeof err)) {
		fprintf(stderr, "nlquery: %s\n", err);
		return 1;
	}
	struct addr v4 = addr_from_ipv4(ifc.ip);
	format_mac(ifc.mac, mac, sizeof mac);
	printf("index %d\nup %d\nmac %s\n", ifc.index, ifc.up, ifc.has_mac ? mac : "-");
	printf("ip %s\n", text(&v4, ifc.has_ip, b));
	printf("ip6 %s\n", text(&ifc.ip6, ifc.has_ip6, b));
	printf("ll6 %s\n", text(&ifc.ll6, ifc.has_ll6, b));
	return 0;
}

static int print_addr(const struct netlink_addr *a, void *ctx)
{
	(void)ctx;
	char b[ADDR_STRLEN];
	printf("%s/%u %u 0x%x %s\n", text(&a->addr, true, b), a->prefixlen, a->scope, a->flags,
	       a->label[0] ? a->label : "-");
	return 0;
}

static int cmd_addrs(const char *name)
{
	struct netlink nl;
	struct netlink_link l;
	char err[256];
	int rc = netlink_open(&nl, err, sizeof err);
	if (!rc)
		rc = netlink_link(&nl, name, &l, err, sizeof err);
	if (!rc)
		rc = netlink_addrs(&nl, l.index, print_addr, NULL, err, sizeof err);
	if (nl.fd >= 0)
		netlink_close(&nl);
	if (rc)
		fprintf(stderr, "nlquery: %s\n", err);
	return rc ? 1 : 0;
}

static int cmd_route(const char *dst, bool v4)
{
	struct addr d, gw;
	char name[32], b[ADDR_STRLEN];
	if (parse(dst, &d))
		return 1;
	if (v4) {
		uint32_t g;
		if (d.family != ADDR_IPV4 || iface_route(addr_ipv4(&d), name, sizeof name, &g)) {
			fprintf(stderr, "nlquery: no IPv4 route to %s\n", dst);
			return 1;
		}
		gw = addr_from_ipv4(g);
		printf("dev %s\ngateway %s\n", name, text(&gw, g != 0, b));
		return 0;
	}
	if (iface_route_addr(&d, name, sizeof name, &gw)) {
		fprintf(stderr, "nlquery: no route to %s\n", dst);
		return 1;
	}
	printf("dev %s\ngateway %s\n", name, text(&gw, true, b));
	return 0;
}

static int cmd_get(const char *dst)
{
	struct addr d;
	struct netlink nl;
	struct netlink_route r;
	char err[256], b[ADDR_STRLEN];
	if (parse(dst, &d))
		return 1;
	int rc = netlink_open(&nl, err, sizeof err);
	if (!rc) {
		rc = netlink_route_get(&nl, &d, 0, &r, err, sizeof err);
		netlink_close(&nl);
	}
	if (rc) {
		fprintf(stderr, "nlquery: %s\n", err);
		return 1;
	}
	printf("dev %s\ntype %u\ntable %u\nmetric %u\n", r.oifname[0] ? r.oifname : "-", r.type,
	       r.table, r.metric);
	printf("gateway %s\n", text(&r.gateway, true, b));
	printf("prefsrc %s\n", text(&r.prefsrc, true, b));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "iface") == 0)
		return cmd_iface(argv[2]);
	if (argc == 3 && strcmp(argv[1], "addrs") == 0)
		return cmd_addrs(argv[2]);
	if (argc == 3 && strcmp(argv[1], "route") == 0)
		return cmd_route(argv[2], false);
	if (argc == 3 && strcmp(argv[1], "route4") == 0)
		return cmd_route(argv[2], true);
	if (argc == 3 && strcmp(argv[1], "get") == 0)
		return cmd_get(argv[2]);
	fprintf(stderr, "usage: nlquery iface|addrs NAME | route|route4|get DST\n");
	return 2;
}
