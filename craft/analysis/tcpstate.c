/* tcpstate.c - the connection state diagram, driven by observed segments. */
#include "tcpstate.h"

#include <ctype.h>
#include <string.h>

#include "../proto/proto.h"

static const char *const names[] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
	"FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
};

const char *tcp_state_name(enum tcp_state s)
{
	return names[s];
}

static const char *const netstat[] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT1",
	"FIN_WAIT2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
};

const char *tcp_state_netstat(enum tcp_state s)
{
	return netstat[s];
}

/* ss's names, where they are not netstat's with '-' for '_'. */
static const struct {
	const char *name;
	enum tcp_state s;
} aliases[] = {
	{ "ESTAB", TS_ESTABLISHED }, { "CLOSE", TS_CLOSED }, { "UNCONN", TS_CLOSED },
	{ "FIN_WAIT_1", TS_FIN_WAIT_1 }, { "FIN_WAIT_2", TS_FIN_WAIT_2 },
};

/* `s` equals `name` but for case and '-' written for '_'. */
static bool same_name(const char *s, size_t n, const char *name)
{
	if (strlen(name) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i] == '-' ? '_' : (char)toupper((unsigned char)s[i]);
		if (c != name[i])
			return false;
	}
	return true;
}

int tcp_state_parse(const char *s, size_t n, enum tcp_state *out)
{
	for (size_t i = 0; i < sizeof netstat / sizeof netstat[0]; i++)
		if (same_name(s, n, netstat[i]) || same_name(s, n, names[i])) {
			*out = (enum tcp_state)i;
			return 0;
		}
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (same_name(s, n, aliases[i].name)) {
			*out = aliases[i].s;
			return 0;
		}
	return -1;
}

int tcp_state_of_linux(unsigned k, enum tcp_state *out)
{
	/* TCP_ESTABLISHED = 1 ... TCP_NEW_SYN_RECV = 12: a request socket
	 * is SYN_RECV to ss as to us. */
	static const int8_t map[] = {
		-1, TS_ESTABLISHED, TS_SYN_SENT, TS_SYN_RECEIVED, TS_FIN_WAIT_1, TS_FIN_WAIT_2,
		TS_TIME_WAIT, TS_CLOSED, TS_CLOSE_WAIT, TS_LAST_ACK, TS_LISTEN, TS_CLOSING,
		TS_SYN_RECEIVED,
	};
	if (k >= sizeof map || map[k] < 0)
		return -1;
	*out = (enum tcp_state)map[k];
	return 0;
}

void tcp_ends_init(struct tcp_ends *e)
{
	e->us = (struct tcp_end){ .state = TS_CLOSED };
	e->peer = (struct tcp_end){ .state = TS_LISTEN };
}

void tcp_ends_start(struct tcp_ends *e, uint8_t flags)
{
	tcp_ends_init(e);
	if ((flags & (TCP_F_SYN | TCP_F_ACK)) == (TCP_F_SYN | TCP_F_ACK)) {
		e->us.state = TS_LISTEN;
		e->peer.state = TS_SYN_SENT;
	} else if (!(flags & TCP_F_SYN)) {
		e->us.state = e->peer.state = TS_ESTABLISHED;
	}
}

/* Whether `ack` acknowledges the SYN end `r` sent (any, if it was not seen). */
static bool acks_syn(const struct tcp_end *r, uint32_t ack)
{
	return !r->syn_sent || ack == r->syn_seq + 1;
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
		if (s->next_known && seq != s->next)
			return;
		/* A listener's RST to a stray segment leaves it listening. */
		s->state = s->state == TS_LISTEN ? TS_LISTEN : TS_CLOSED;
		r->state = r == &e->peer && r->state == TS_SYN_RECEIVED ? TS_LISTEN : TS_CLOSED;
		s->fin_sent = r->fin_sent = false;
		return;
	}
	uint32_t end = seq + (uint32_t)len + (syn ? 1u : 0u) + (fin ? 1u : 0u);
	if (!s->next_known || (int32_t)(end - s->next) > 0 || (syn && !has_ack)) {
		s->next = end;
		s->next_known = true;
	}
	if (syn) {
		s->syn_sent = true;
		s->syn_seq = seq;
	}
	if (syn && !has_ack) {
		s->state = TS_SYN_SENT;
		s->fin_sent = r->fin_sent = false;
		r->syn_sent = false;
		if (r->state == TS_LISTEN || r->state == TS_CLOSED || r->state == TS_TIME_WAIT)
			r->state = TS_SYN_RECEIVED;
		return;
	}
	if (syn) {		/* SYN/ACK: an ack of another SYN is refused */
		s->state = TS_SYN_RECEIVED;
		if (r->state == TS_SYN_SENT && acks_syn(r, ack))
			r->state = TS_ESTABLISHED;
		return;
	}
	if (has_ack) {
		if (r->state == TS_SYN_RECEIVED && acks_syn(r, ack))
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
