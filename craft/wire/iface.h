/* iface.h - what the host says about an interface: addresses, state, routes. */
#ifndef CRAFT_IFACE_H
#define CRAFT_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct iface {
	char name[32];
	bool up;
	bool has_mac, has_ip;
	uint64_t mac;
	uint32_t ip;		/* host byte order */
};

/* Fills `out` for interface `name`; -1 with `err` if it does not exist. */
int iface_lookup(const char *name, struct iface *out, char *err, size_t errlen);

/* The interface the kernel would route `dst` through (0: the default
 * route), and the gateway if off-link (0 when on-link).  Reads
 * /proc/net/route: longest prefix wins, then lowest metric. */
int iface_route(uint32_t dst, char *name, size_t len, uint32_t *gateway);

#endif
