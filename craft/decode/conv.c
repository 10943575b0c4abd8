/* conv.c - a small table of TCP directions and their initial sequence numbers. */
#include "conv.h"

#include <string.h>

#include "../proto/proto.h"

void conv_init(struct conv *c)
{
	memset(c, 0, sizeof *c);
}

static struct conv_dir *find(struct conv *c, u128 src, uint16_t sport,
			     u128 dst, uint16_t dport)
{
	for (unsigned i = 0; i < CONV_SLOTS; i++) {
		struct conv_dir *d = &c->dir[i];
		if (d->used && d->src == src && d->dst == dst && d->sport == sport &&
		    d->dport == dport)
			return d;
	}
	return NULL;
}

struct tcp_rel conv_track(struct conv *c, const struct frame *f, size_t idx)
{
	const struct layer *t = &f->layer[idx];
	int net = frame_net_before(f, idx);
	const struct layer *ip = net >= 0 ? &f->layer[net] : NULL;
	const struct layer_net *n = ip ? ip->def->net : NULL;
	struct tcp_rel r = { (uint32_t)lv(t, TCP_SEQ), (uint32_t)lv(t, TCP_ACK), false };
	if (!n)
		return r;
	u128 src = ip->val[n->src].u, dst = ip->val[n->dst].u;
	uint16_t sport = (uint16_t)lv(t, TCP_SPORT), dport = (uint16_t)lv(t, TCP_DPORT);
	uint32_t seq = (uint32_t)lv(t, TCP_SEQ);
	struct conv_dir *d = find(c, src, sport, dst, dport);
	if (!d) {
		d = &c->dir[c->next];
		c->next = (c->next + 1) % CONV_SLOTS;
		*d = (struct conv_dir){ src, dst, sport, dport, seq, true };
	} else if (lv(t, TCP_FLAGS) & TCP_F_SYN) {
		d->isn = seq;	/* a new connection on the same ports */
	}
	r.seq = seq - d->isn;
	const struct conv_dir *back = find(c, dst, dport, src, sport);
	if (back) {
		r.ack = (uint32_t)lv(t, TCP_ACK) - back->isn;
		r.has_ack = true;
	}
	return r;
}
