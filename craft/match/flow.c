/* flow.c - reply-to-probe keys and the hash table that holds them. */
#include "flow.h"

#include <stdlib.h>
#include <string.h>

#include "../proto/proto.h"
#include "../util/xalloc.h"

struct flow_slot {
	struct flow_key k;
	uint32_t value;
	bool used;
};

static void transport_ids(const struct layer *t, uint16_t *mine, uint16_t *theirs)
{
	*mine = *theirs = 0;
	if (!t)
		return;
	switch (t->def->id) {
	case L_TCP:
		*mine = (uint16_t)lv(t, TCP_SPORT);
		*theirs = (uint16_t)lv(t, TCP_DPORT);
		break;
	case L_UDP:
		*mine = (uint16_t)lv(t, UDP_SPORT);
		*theirs = (uint16_t)lv(t, UDP_DPORT);
		break;
	case L_ICMP:	/* echo: id and seq come back unchanged */
		*mine = (uint16_t)lv(t, ICMP_ID);
		*theirs = (uint16_t)lv(t, ICMP_SEQ);
		break;
	case L_ICMP6:
		if (lv(t, ICMP6_TYPE) == ICMP6_ECHO_REQUEST || lv(t, ICMP6_TYPE) == ICMP6_ECHO_REPLY) {
			*mine = (uint16_t)lv(t, ICMP6_ID);
			*theirs = (uint16_t)lv(t, ICMP6_SEQ);
		}
		break;
	default:
		break;
	}
}

/* The upper protocol the network layer (or its last extension header)
 * names, and its addresses: the key's `ours` and `theirs` come from src
 * and the final destination (a source route's last hop answers). */
static void net_key(const struct frame *f, const struct layer *net, bool from_us,
		    struct flow_key *k)
{
	const struct layer_net *n = net->def->net;
	const struct layer *last = &f->layer[frame_past_ext(f, (size_t)(net - f->layer) + 1) - 1];
	int demux = last->def->demux;
	k->proto = demux >= 0 ? (uint8_t)lv(last, demux) : 0;
	k->net = (uint8_t)net->def->id;
	u128 dst = n->final_dst ? n->final_dst(net) : net->val[n->dst].u;
	k->our_ip = from_us ? net->val[n->src].u : dst;
	k->their_ip = from_us ? dst : net->val[n->src].u;
}

/* Neighbour discovery's keys (flow.h); false for any other message.  A
 * solicitation and its advertisement share the solicitation's type. */
static bool nd_key(const struct layer *t, const struct layer *net, struct flow_key *k)
{
	if (!t || t->def->id != L_ICMP6)
		return false;
	u128 theirs;
	uint16_t asked;
	switch (lv(t, ICMP6_TYPE)) {
	case ICMP6_NEIGHBOR_SOLICIT:
	case ICMP6_NEIGHBOR_ADVERT:
		theirs = t->val[ICMP6_TARGET].u;
		asked = ICMP6_NEIGHBOR_SOLICIT;
		break;
	case ICMP6_ROUTER_SOLICIT:
		theirs = layer_to_group(net) ? 0 : net->val[net->def->net->dst].u;
		asked = ICMP6_ROUTER_SOLICIT;
		break;
	case ICMP6_ROUTER_ADVERT:
		theirs = net->val[net->def->net->src].u;
		asked = ICMP6_ROUTER_SOLICIT;
		break;
	default:
		return false;	/* an echo keeps its id and seq */
	}
	k->our_ip = 0;
	k->their_ip = theirs;
	k->our_port = asked;
	k->their_port = 0;
	return true;
}

bool flow_of_probe(const struct frame *probe, struct flow_key *k, struct flow_ack *ack)
{
	const struct layer *next = NULL, *net = frame_network_layer(probe, &next);
	memset(k, 0, sizeof *k);
	*ack = (struct flow_ack){ .check = false };
	if (!net)
		return false;
	net_key(probe, net, true, k);
	if (layer_to_group(net))
		k->their_ip = 0;
	transport_ids(next, &k->our_port, &k->their_port);
	nd_key(next, net, k);
	if (next && next->def->id == L_TCP && !(lv(next, TCP_FLAGS) & TCP_F_ACK)) {
		uint64_t flags = lv(next, TCP_FLAGS);
		uint32_t seq = (uint32_t)lv(next, TCP_SEQ);
		uint32_t ctl = !!(flags & TCP_F_SYN) + !!(flags & TCP_F_FIN);
		size_t data = tcp_segment_len(probe, (size_t)(next - probe->layer));
		*ack = (struct flow_ack){ .check = true, .lo = seq + ctl,
					  .hi = seq + ctl + (uint32_t)data };
	}
	return true;
}

bool flow_ack_ok(const struct flow_ack *want, const struct flow_reply *r)
{
	if (!want->check || !r->direct_tcp)
		return true;
	return r->has_ack && (r->ack == want->lo || r->ack == want->hi);
}

void flow_of_reply(const struct frame *reply, struct flow_reply *r)
{
	const struct layer *next = NULL, *net = frame_network_layer(reply, &next);
	struct flow_key *k = &r->key[0];
	memset(r, 0, sizeof *r);
	if (!net)
		return;
	const struct layer_net *n = net->def->net;
	if (n->answers && !n->answers(net))
		return;
	/* Where a probe may go to a group, a reply may answer it from anyone. */
	r->n = n->group ? 2 : 1;
	size_t own = frame_own_layers(reply);
	if (own < reply->nlayers) {
		/* An ICMP error: the quoted datagram is our probe, as sent. */
		const struct layer *quoted = &reply->layer[own];
		size_t up = frame_past_ext(reply, own + 1);	/* the quoted upper layer */
		const struct layer *inner = up < reply->nlayers ? &reply->layer[up] : NULL;
		if (!quoted->def->net || !(quoted->present >> quoted->def->net->dst & 1u)) {
			r->n = 0;
			return;
		}
		net_key(reply, quoted, true, k);
		transport_ids(inner, &k->our_port, &k->their_port);
		r->key[1] = *k;
		r->key[1].their_ip = 0;
		return;
	}
	net_key(reply, net, false, k);
	transport_ids(next, &k->their_port, &k->our_port);
	if (next && (next->def->id == L_ICMP || next->def->id == L_ICMP6))
		transport_ids(next, &k->our_port, &k->their_port);	/* id and seq unswapped */
	nd_key(next, net, k);
	if (next && next->def->id == L_ICMP6 && (lv(next, ICMP6_TYPE) == ICMP6_NEIGHBOR_SOLICIT ||
						 lv(next, ICMP6_TYPE) == ICMP6_ROUTER_SOLICIT)) {
		r->n = 0;	/* a question, someone else's: it answers nothing */
		return;
	}
	if (next && next->def->id == L_TCP) {
		r->direct_tcp = true;
		r->has_ack = lv(next, TCP_FLAGS) & TCP_F_ACK;
		r->ack = (uint32_t)lv(next, TCP_ACK);
	}
	r->key[1] = *k;
	r->key[1].their_ip = 0;
}

static bool same_key(const struct flow_key *a, const struct flow_key *b);

/* A packet that is no question (an ARP reply, a gratuitous announcement)
 * and a frame without a network layer scope nothing: anyone may answer. */
static bool asks_nothing(const struct frame *probe)
{
	const struct layer *next, *net = frame_network_layer(probe, &next);
	return !net || (net->def->net->asks && !net->def->net->asks(net));
}

/* A datagram whose transport header is not in it (a later fragment, a
 * raw protocol number): only addresses and protocol tell its replies. */
static bool ports_known(const struct frame *probe)
{
	const struct layer *next, *net = frame_network_layer(probe, &next);
	return net && next && next->def->id != L_PAYLOAD;
}

bool flow_answers(const struct frame *probe, const struct frame *reply, bool check_ack)
{
	struct flow_key k;
	struct flow_ack ack;
	struct flow_reply r;
	if (asks_nothing(probe))
		return true;
	if (!flow_of_probe(probe, &k, &ack))
		return false;
	flow_of_reply(reply, &r);
	if (!check_ack)
		ack.check = false;
	bool ports = ports_known(probe);
	for (size_t i = 0; i < r.n; i++) {
		if (!ports)
			r.key[i].our_port = r.key[i].their_port = 0;
		if (same_key(&r.key[i], &k))
			return flow_ack_ok(&ack, &r);
	}
	return false;
}

/* --- the table -------------------------------------------------------- */

static uint64_t hash_key(const struct flow_key *k)
{
	/* IPv4 addresses fill the low 32 bits of each: the fast case first. */
	uint64_t h = (uint64_t)k->our_ip << 32 ^ (uint64_t)k->their_ip;
	h ^= ((uint64_t)(k->our_ip >> 32) ^ (uint64_t)(k->our_ip >> 96) << 7 ^
	      (uint64_t)(k->their_ip >> 32) << 19 ^ (uint64_t)(k->their_ip >> 96) << 41) *
	     UINT64_C(0xff51afd7ed558ccd);
	h ^= ((uint64_t)k->our_port << 24 | (uint64_t)k->their_port << 8 | k->proto |
	      (uint64_t)k->net << 40) * UINT64_C(0x9e3779b97f4a7c15);
	h ^= h >> 31;
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	return h ^ (h >> 29);
}

static bool same_key(const struct flow_key *a, const struct flow_key *b)
{
	return a->our_ip == b->our_ip && a->their_ip == b->their_ip &&
	       a->our_port == b->our_port && a->their_port == b->their_port &&
	       a->proto == b->proto && a->net == b->net;
}

void flow_table_init(struct flow_table *t)
{
	t->mask = 63;
	t->used = 0;
	t->slot = xcalloc(t->mask + 1, sizeof *t->slot);
}

static struct flow_slot *find(const struct flow_table *t, const struct flow_key *k)
{
	for (size_t i = hash_key(k) & t->mask;; i = (i + 1) & t->mask)
		if (!t->slot[i].used || same_key(&t->slot[i].k, k))
			return &t->slot[i];
}

static struct flow_slot *slot_for(struct flow_table *t, const struct flow_key *k)
{
	if ((t->used + 1) * 2 > t->mask + 1) {
		/* Grow at half full, so probes stay short. */
		struct flow_table bigger = { .mask = t->mask * 2 + 1 };
		bigger.slot = xcalloc(bigger.mask + 1, sizeof *bigger.slot);
		for (size_t i = 0; i <= t->mask; i++)
			if (t->slot[i].used) {
				*find(&bigger, &t->slot[i].k) = t->slot[i];
				bigger.used++;
			}
		free(t->slot);
		*t = bigger;
	}
	struct flow_slot *s = find(t, k);
	if (!s->used) {
		*s = (struct flow_slot){ .k = *k, .value = FLOW_NONE, .used = true };
		t->used++;
	}
	return s;
}

uint32_t flow_table_put(struct flow_table *t, const struct flow_key *k, uint32_t value)
{
	struct flow_slot *s = slot_for(t, k);
	if (s->value == FLOW_NONE)
		s->value = value;
	return s->value;
}

uint32_t flow_table_swap(struct flow_table *t, const struct flow_key *k, uint32_t value)
{
	struct flow_slot *s = slot_for(t, k);
	uint32_t old = s->value;
	s->value = value;
	return old;
}

bool flow_table_get(const struct flow_table *t, const struct flow_key *k, uint32_t *value)
{
	const struct flow_slot *s = find(t, k);
	if (s->used)
		*value = s->value;
	return s->used;
}

void flow_table_del(struct flow_table *t, const struct flow_key *k)
{
	struct flow_slot *s = find(t, k);
	if (!s->used)
		return;
	/* Backward shift (linear probing has no tombstones): a later slot of
	 * the run moves into the hole when its home is not between the two. */
	size_t hole = (size_t)(s - t->slot);
	for (size_t j = (hole + 1) & t->mask; t->slot[j].used; j = (j + 1) & t->mask) {
		size_t home = hash_key(&t->slot[j].k) & t->mask;
		if (((j - home) & t->mask) >= ((j - hole) & t->mask)) {
			t->slot[hole] = t->slot[j];
			hole = j;
		}
	}
	t->slot[hole].used = false;
	t->used--;
}

void flow_table_free(struct flow_table *t)
{
	free(t->slot);
	t->slot = NULL;
}
