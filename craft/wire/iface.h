/* iface.h - what the host says about an interface: addresses, state, routes. */
#ifndef CRAFT_IFACE_H
#define CRAFT_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/addr.h"

struct iface {
	char name[32];
	bool up;
	bool has_mac, has_ip;
	uint64_t mac;
	uint32_t ip;		/* host byte order */
	int index;
	/* The sources of global and of link-scoped destinations: a global
	 * address (scope universe) and the link-local one (scope link); ::1
	 * (scope host) stands for both on lo, where there is nothing else. */
	struct addr ip6;
	struct addr ll6;
	bool has_ip6, has_ll6;
};

/* Fills `out` for interface `name`; -1 with `err` if it does not exist.
 * Of several addresses of a kind, the first the kernel lists that is
 * usable wins: not DAD-failed, preferably neither tentative nor deprecated
 * (and for IPv4 labelled as the interface, as SIOCGIFADDR picked). */
int iface_lookup(const char *name, struct iface *out, char *err, size_t errlen);

/* The interface the kernel would route `dst` through (0: the default
 * route), and the gateway if off-link (0 when on-link); -1 when there is
 * none.  As iface_route_addr, for IPv4. */
int iface_route(uint32_t dst, char *name, size_t len, uint32_t *gateway);

/* The interface `given`, else the one the kernel routes `dst` through (as
 * `send` picks it; NULL or none: the default route's): 1 with `out`, 0
 * when none is given and none routes it (only an error if a field needs
 * it), -1 with `err` when the given one does not exist. */
int iface_pick(const char *given, const struct addr *dst, struct iface *out, char *err,
	       size_t errlen);

/* The same for IPv4 and IPv6: the kernel's own answer (`ip route get`:
 * longest prefix, metrics, policy rules), the gateway of the destination's
 * family or, for an IPv4 route over an IPv6 next hop, an IPv6 one
 * (ADDR_NONE: on-link).  An unspecified `dst` (0.0.0.0, ::) asks for the
 * default route of its family: the main table's with the lowest metric. */
int iface_route_addr(const struct addr *dst, char *name, size_t len, struct addr *gateway);

#endif
