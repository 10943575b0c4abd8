/* transport.c - the checksum TCP and UDP share: the network layer's
 * pseudo-header plus the segment. */
#include "transport.h"

#include <string.h>

#include "../util/checksum.h"
#include "proto.h"

bool transport_checksum(const struct frame *f, size_t idx, uint8_t proto,
			size_t csum_off, size_t seg_len, uint16_t *want, uint32_t *partial)
{
	const struct layer *l = &f->layer[idx];
	int net = frame_net_before(f, idx);
	const struct layer_net *n = net >= 0 ? f->layer[net].def->net : NULL;
	*partial = UINT32_MAX;
	if (!n || !n->pseudo_sum)
		return false;
	bool whole;
	size_t end = frame_payload_end(f, idx, &whole);
	/* A length of its own (UDP's) that the frame's bytes hold is checked
	 * even where the IP lengths do not hold (an ICMP error's quote), as
	 * packet-udp.c checks what its tvb holds. */
	bool held = f->len >= f->wire_len && seg_len >= csum_off + 2 && l->off + seg_len <= end;
	if (!(whole || held) || end < l->off + csum_off + 2)
		return false;
	size_t seg = end - l->off;
	if (seg_len >= csum_off + 2 && seg_len <= seg)
		seg = seg_len;
	uint32_t pseudo;
	if (!n->pseudo_sum(f, (size_t)net, proto, seg, &pseudo))
		return false;
	*want = (uint16_t)~csum_fold(csum_add(pseudo, f->bytes + l->off, seg, csum_off));
	/* Offloading stacks leave the folded pseudo-header sum for the NIC. */
	*partial = csum_fold(pseudo);
	return true;
}

void transport_endpoints(const struct frame *f, size_t idx, uint64_t sport,
			 uint64_t dport, struct strbuf *out)
{
	char src[48], dst[48];	/* room for any address kind */
	if (frame_addrs(f, idx, src, dst, sizeof src)) {
		bool v6 = strchr(src, ':') != NULL;	/* RFC 5952 6: [addr]:port */
		sb_puts(out, v6 ? "[" : "");
		sb_puts(out, src);
		sb_puts(out, v6 ? "]:" : ":");
		sb_u64(out, sport);
		sb_puts(out, v6 ? " > [" : " > ");
		sb_puts(out, dst);
		sb_puts(out, v6 ? "]:" : ":");
		sb_u64(out, dport);
	} else {
		sb_puts(out, "port ");
		sb_u64(out, sport);
		sb_puts(out, " > port ");
		sb_u64(out, dport);
	}
}
