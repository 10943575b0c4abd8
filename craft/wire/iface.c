/* iface.c - interface facts through ioctl(2) and /proc/net/route; no privileges. */
#include "iface.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int iface_lookup(const char *name, struct iface *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (strlen(name) >= IFNAMSIZ) {
		snprintf(err, errlen, "no such interface '%s' (names are under %d characters)",
			 name, IFNAMSIZ);
		return -1;
	}
	snprintf(out->name, sizeof out->name, "%s", name);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		snprintf(err, errlen, "no such interface '%s' (see: ip link)", name);
		close(fd);
		return -1;
	}
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
		out->up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) {
		const unsigned char *m = (const unsigned char *)ifr.ifr_hwaddr.sa_data;
		for (int i = 0; i < 6; i++)
			out->mac = out->mac << 8 | m[i];
		out->has_mac = true;
	}
	if (ioctl(fd, SIOCGIFADDR, &ifr) == 0) {
		out->ip = ntohl(((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr);
		out->has_ip = true;
	}
	close(fd);
	return 0;
}

int iface_route(uint32_t dst, char *name, size_t len, uint32_t *gateway)
{
	FILE *fp = fopen("/proc/net/route", "r");
	if (!fp)
		return -1;
	char line[256], best[32] = "";
	uint32_t best_mask = 0, best_gw = 0;
	unsigned best_metric = 0;
	bool found = false;
	if (!fgets(line, sizeof line, fp)) {	/* the header */
		fclose(fp);
		return -1;
	}
	while (fgets(line, sizeof line, fp)) {
		char ifname[32];
		unsigned dest, gw, flags, refcnt, use, metric, mask;
		if (sscanf(line, "%31s %x %x %x %u %u %u %x", ifname, &dest, &gw,
			   &flags, &refcnt, &use, &metric, &mask) != 8)
			continue;
		if (!(flags & 0x1))	/* RTF_UP */
			continue;
		/* The file holds addresses in network order, printed as hex. */
		uint32_t d = ntohl(dest), m = ntohl(mask);
		if ((dst & m) != d)
			continue;
		if (!found || m > best_mask || (m == best_mask && metric < best_metric)) {
			found = true;
			best_mask = m;
			best_metric = metric;
			best_gw = (flags & 0x2) ? ntohl(gw) : 0;	/* RTF_GATEWAY */
			snprintf(best, sizeof best, "%s", ifname);
		}
	}
	fclose(fp);
	if (!found)
		return -1;
	snprintf(name, len, "%s", best);
	if (gateway)
		*gateway = best_gw;
	return 0;
}
