/*
 * tcpstate.h - the TCP state of both ends of a connection (RFC 9293 3.3.2),
 * as the segments seen so far imply it: what a student draws beside each
 * arrow of the handshake and the close, and what ss shows on each host.
 */
#ifndef CRAFT_TCPSTATE_H
#define CRAFT_TCPSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tcp_state {
	TS_CLOSED, TS_LISTEN, TS_SYN_SENT, TS_SYN_RECEIVED, TS_ESTABLISHED,
	TS_FIN_WAIT_1, TS_FIN_WAIT_2, TS_CLOSE_WAIT, TS_CLOSING, TS_LAST_ACK,
	TS_TIME_WAIT,
};

struct tcp_end {
	enum tcp_state state;
	bool syn_sent, fin_sent, next_known;
	uint32_t syn_seq;	/* what the other end's ACK must exceed by one */
	uint32_t fin_seq;	/* the sequence number the FIN occupies */
	uint32_t next;		/* past the highest sequence number it sent */
};

/* `us` is the end seen first, `peer` the other. */
struct tcp_ends {
	struct tcp_end us, peer;
};

/* Before anything was seen: `us` opens actively (CLOSED), `peer` listens. */
void tcp_ends_init(struct tcp_ends *e);
/* From the first segment seen of a connection, from `us`: a SYN starts as
 * tcp_ends_init does, a SYN/ACK answers a SYN not seen, anything else
 * joins a connection already ESTABLISHED. */
void tcp_ends_start(struct tcp_ends *e, uint8_t flags);
/* A segment `from_us` (or from the peer) that the other end receives.  A
 * RST resets at its sender's next sequence number only (RFC 5961 3.2); at
 * another it answers a segment its sender did not accept (an ACK of no
 * SYN of its: the RST carries that ACK's number) and changes no state. */
void tcp_ends_segment(struct tcp_ends *e, bool from_us, uint8_t flags, uint32_t seq,
		      uint32_t ack, size_t len);
const char *tcp_state_name(enum tcp_state s);

/* The state as netstat writes it (SYN_RECV, FIN_WAIT1, CLOSED for no
 * socket): what `expect peer state` shows of the peer's kernel. */
const char *tcp_state_netstat(enum tcp_state s);
/* A state as netstat, ss or RFC 9293 writes it, in any case: SYN_RECV,
 * SYN-RECV, SYN_RECEIVED, ESTAB, FIN_WAIT1, FIN-WAIT-1, FIN_WAIT_1, CLOSED
 * (ss's CLOSE and UNCONN too); 0 with *out set, -1 for no state. */
int tcp_state_parse(const char *s, size_t n, enum tcp_state *out);
/* Linux's TCP_* state number (include/net/tcp_states.h, as INET_DIAG
 * reports it) as a state; -1 for a number it does not define. */
int tcp_state_of_linux(unsigned k, enum tcp_state *out);

#endif
