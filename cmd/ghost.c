/* ghost.c - `--ghost IP[/MAC]` and `--block-rst`, for run and send: the
 * two remedies for the host kernel's RST, and its notice. */
#include <stdio.h>
#include <string.h>

#include "../craft/core/field.h"
#include "cli.h"

int ghost_parse(const struct options *opt, struct ghost *g)
{
	if (opt->ghost && opt->block_rst)
		return fail("--ghost and --block-rst are two remedies for the same problem: pick one");
	if (!opt->ghost)
		return 0;
	/* An IPv6 address holds ':' but never '/'. */
	const char *spec = opt->ghost, *slash = strchr(spec, '/');
	size_t n = slash ? (size_t)(slash - spec) : strlen(spec);
	g->has_mac = slash != NULL;
	if (addr_parse(spec, n, &g->ip) || addr_is_unspecified(&g->ip) ||
	    (g->ip.family == ADDR_IPV6 && addr_is_multicast6(&g->ip)) ||
	    (slash && parse_mac(slash + 1, &g->mac))) {
		return fail("--ghost takes IP or IP/MAC (10.9.0.99/02:00:00:00:00:99, "
			    "2001:db8::99/02:00:00:00:00:99), got '%s'", spec);
	}
	return 0;
}

/* The interface as the ghost: its address and MAC, and no address of the
 * host's, so that nothing is sent from one the kernel owns (and resets). */
void ghost_iface(const struct ghost *g, const struct iface *real, struct iface *out)
{
	*out = *real;
	out->has_ip = out->has_ip6 = out->has_ll6 = false;
	if (g->ip.family == ADDR_IPV4) {
		out->ip = addr_ipv4(&g->ip);
		out->has_ip = true;
	} else if (addr_is_link_local6(&g->ip)) {
		out->ll6 = g->ip;
		out->has_ll6 = true;
	} else {
		out->ip6 = g->ip;
		out->has_ip6 = true;
	}
	out->mac = g->has_mac ? g->mac : real->mac;
	out->has_mac = true;
}

void print_kernel_rst(const char *summary, const char *remedy)
{
	printf("   ! the host kernel sent %s: it owns this address but has no "
	       "socket for the connection\n", summary);
	if (remedy)
		printf("     %s\n", remedy);
}
