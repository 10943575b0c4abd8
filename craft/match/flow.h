/*
 * flow.h - which probe a reply answers, by a hash of the exchange's
 * addresses, ports and ids: constant time per reply however many probes
 * are out, for sweeps of thousands of targets.
 *
 * A key names the exchange from our side: our address and port (or ICMP
 * id), theirs (or ICMP seq).  A probe gives it directly; a reply gives it
 * swapped, and an ICMP error through the datagram it quotes.  Neighbour
 * discovery is keyed by what it asks about: a solicitation's target (an
 * advertisement answers the solicitation for its target, from and to any
 * address), or a router (an advertisement answers a solicitation).
 */
#ifndef CRAFT_FLOW_H
#define CRAFT_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/layer.h"

struct flow_key {
	u128 our_ip, their_ip;		/* their_ip 0: a group, anyone answers */
	uint16_t our_port, their_port;
	uint8_t proto;			/* IPPROTO_*, or 0 for ARP */
	uint8_t net;			/* the network layer's id: one family's keys */
};

/* What a reply to a TCP probe without ACK must acknowledge: the probe's
 * SYN/FIN, or those and its data (a RST acks the data, a SYN/ACK not). */
struct flow_ack {
	bool check;
	uint32_t lo, hi;
};

/* The key of a frame we send; false if it has no network layer. */
bool flow_of_probe(const struct frame *probe, struct flow_key *k, struct flow_ack *ack);
/* What a received frame may answer: the exact key and the group one
 * (their_ip 0); `n` 0 if it answers nothing (an ARP that is no reply). */
struct flow_reply {
	struct flow_key key[2];
	size_t n;
	bool direct_tcp;	/* TCP, not quoted in an ICMP error */
	bool has_ack;
	uint32_t ack;
};

void flow_of_reply(const struct frame *reply, struct flow_reply *r);
/* Whether the reply acknowledges the probe as it must. */
bool flow_ack_ok(const struct flow_ack *want, const struct flow_reply *r);

/* The one rule for whether `reply` answers `probe`, for a single probe
 * (an expect's scope, the next hop's ARP): the exchange's keys, or an ICMP
 * error quoting the probe; the ack checked when `check_ack`.  A probe that
 * asks nothing (no network layer, an ARP reply or announcement) is
 * answered by any frame.  Many probes at once use the keys and the table
 * below to the same effect. */
bool flow_answers(const struct frame *probe, const struct frame *reply, bool check_ack);

/* Key -> a number (the probe or target index): open addressing. */
struct flow_table {
	struct flow_slot *slot;
	size_t mask, used;
};

#define FLOW_NONE UINT32_MAX

void flow_table_init(struct flow_table *t);
/* Keeps the first value a key was given; returns the value now stored. */
uint32_t flow_table_put(struct flow_table *t, const struct flow_key *k, uint32_t value);
/* Stores `value`; returns the key's previous value, or FLOW_NONE. */
uint32_t flow_table_swap(struct flow_table *t, const struct flow_key *k, uint32_t value);
bool flow_table_get(const struct flow_table *t, const struct flow_key *k, uint32_t *value);
/* Forgets the key, so that a table of what is outstanding stays that size. */
void flow_table_del(struct flow_table *t, const struct flow_key *k);
void flow_table_free(struct flow_table *t);

#endif
