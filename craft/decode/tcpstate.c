/* tcpstate.c - the connection state diagram, driven by observed segments. */
#include "tcpstate.h"

#include "../proto/proto.h"

static const char *const names[] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
	"FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
};

const char *tcp_state_name(enum tcp_state s)
{
	return names[s];
}

void tcp_ends_init(struct tcp_ends *e)
{
	e->us = (struct tcp_end){ TS_CLOSED, false, 0 };
	e->peer = (struct tcp_end){ TS_LISTEN, false, 0 };
}

/* The receiver learns that its FIN was acknowledged. */
static void fin_acked(struct tcp_end *r)
{
	if (r->state == TS_FIN_WAIT_1)
		r->state = TS_FIN_WAIT_2;
	else if (r->state == TS_CLOSING)
		r->state = TS_TIME_WAIT;
	else if (r->state == TS_LAST_ACK)
		r->state = TS_CLOSED;
}

void tcp_ends_segment(struct tcp_ends *e, bool from_us, uint8_t flags, uint32_t seq,
		      uint32_t ack, size_t len)
{
	struct tcp_end *s = from_us ? &e->us : &e->peer, *r = from_us ? &e->peer : &e->us;
	bool syn = flags & TCP_F_SYN, has_ack = flags & TCP_F_ACK, fin = flags & TCP_F_FIN;
	if (flags & TCP_F_RST) {
		s->state = TS_CLOSED;
		r->state = r == &e->peer && r->state == TS_SYN_RECEIVED ? TS_LISTEN : TS_CLOSED;
		s->fin_sent = r->fin_sent = false;
		return;
	}
	if (syn && !has_ack) {
		s->state = TS_SYN_SENT;
		s->fin_sent = r->fin_sent = false;
		if (r->state == TS_LISTEN || r->state == TS_CLOSED || r->state == TS_TIME_WAIT)
			r->state = TS_SYN_RECEIVED;
		return;
	}
	if (syn) {		/* SYN/ACK */
		s->state = TS_SYN_RECEIVED;
		if (r->state == TS_SYN_SENT)
			r->state = TS_ESTABLISHED;
		return;
	}
	if (has_ack) {
		if (r->state == TS_SYN_RECEIVED)
			r->state = TS_ESTABLISHED;
		if (r->fin_sent && (int32_t)(ack - (r->fin_seq + 1)) >= 0)
			fin_acked(r);
	}
	if (s->state == TS_SYN_RECEIVED && has_ack)
		s->state = TS_ESTABLISHED;	/* it saw the other side's ACK */
	if (fin) {
		s->fin_sent = true;
		s->fin_seq = seq + (uint32_t)len;
		if (s->state == TS_ESTABLISHED || s->state == TS_SYN_RECEIVED)
			s->state = TS_FIN_WAIT_1;
		else if (s->state == TS_CLOSE_WAIT)
			s->state = TS_LAST_ACK;
		if (r->state == TS_ESTABLISHED)
			r->state = TS_CLOSE_WAIT;
		else if (r->state == TS_FIN_WAIT_1)
			r->state = TS_CLOSING;
		else if (r->state == TS_FIN_WAIT_2)
			r->state = TS_TIME_WAIT;
	}
}
