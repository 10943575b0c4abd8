/* transport.c - the checksum TCP and UDP share: pseudo-header plus segment. */
#include "transport.h"

#include "../util/checksum.h"
#include "proto.h"

bool transport_checksum(const struct frame *f, size_t idx, uint8_t proto,
			size_t csum_off, size_t seg_len, uint16_t *want, uint32_t *partial)
{
	const struct layer *l = &f->layer[idx];
	*partial = UINT32_MAX;
	if (idx == 0 || f->layer[idx - 1].def->id != L_IPV4)
		return false;
	const uint8_t *ip = f->bytes + f->layer[idx - 1].off;
	if ((ip[6] & 0x20) || ((ip[6] & 0x1f) | ip[7]))
		return false;	/* a fragment: the rest of the segment is elsewhere */
	bool whole;
	size_t end = ipv4_payload_end(f, idx - 1, &whole);
	if (!whole || end < l->off + csum_off + 2)
		return false;
	size_t seg = end - l->off;
	if (seg_len >= csum_off + 2 && seg_len <= seg)
		seg = seg_len;
	uint32_t pseudo = csum_pseudo4(ip + 12, ip + 16, proto, seg);
	*want = (uint16_t)~csum_fold(csum_add(pseudo, f->bytes + l->off, seg, csum_off));
	/* Offloading stacks leave the folded pseudo-header sum for the NIC. */
	*partial = csum_fold(pseudo);
	return true;
}

void transport_endpoints(const struct frame *f, size_t idx, uint64_t sport,
			 uint64_t dport, struct strbuf *out)
{
	char src[16], dst[16];
	if (frame_ipv4_addrs(f, idx, src, dst, sizeof src))
		sb_printf(out, "%s:%u > %s:%u", src, (unsigned)sport, dst, (unsigned)dport);
	else
		sb_printf(out, "port %u > port %u", (unsigned)sport, (unsigned)dport);
}
