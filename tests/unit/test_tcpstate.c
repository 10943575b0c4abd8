/*
 * test_tcpstate.c - both ends' states driven by segments (tcpstate.h), the
 * RSTs above all: one resets at its sender's next sequence number only
 * (RFC 5961 3.2); one at another number answers a segment its sender did
 * not accept and leaves both ends as they were; a listener's RST leaves it
 * listening.  `us` sends the SYN with ISN 100, the peer answers with 5000.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "../../craft/analysis/tcpstate.h"
#include "../../craft/proto/proto.h"

#define S TCP_F_SYN
#define A TCP_F_ACK
#define R TCP_F_RST
#define F TCP_F_FIN

/* SYN, SYN/ACK: us ESTABLISHED, the peer SYN_RECEIVED. */
static void half_open(struct tcp_ends *e)
{
	tcp_ends_init(e);
	tcp_ends_segment(e, true, S, 100, 0, 0);
	tcp_ends_segment(e, false, S | A, 5000, 101, 0);
	assert_int_equal(e->us.state, TS_ESTABLISHED);
	assert_int_equal(e->peer.state, TS_SYN_RECEIVED);
}

/* The host kernel's RST to the SYN/ACK, at the SYN/ACK's ack: us CLOSED,
 * the peer back to LISTEN; its RSTs to what follows leave it there. */
static void test_kernel_rst_closes(void **state)
{
	(void)state;
	struct tcp_ends e;
	half_open(&e);
	tcp_ends_segment(&e, true, R, 101, 0, 0);
	assert_int_equal(e.us.state, TS_CLOSED);
	assert_int_equal(e.peer.state, TS_LISTEN);
	tcp_ends_segment(&e, true, A, 101, 5001, 0);
	assert_int_equal(e.peer.state, TS_LISTEN);
	tcp_ends_segment(&e, false, R, 5001, 0, 0);
	assert_int_equal(e.us.state, TS_CLOSED);
	assert_int_equal(e.peer.state, TS_LISTEN);
}

/* An ACK of no SYN of the peer's: its RST carries that ACK's number, not
 * its own next; the peer stays SYN_RECEIVED through it, and through its
 * SYN/ACK again. */
static void test_rst_to_a_bad_ack_changes_nothing(void **state)
{
	(void)state;
	struct tcp_ends e;
	half_open(&e);
	tcp_ends_segment(&e, true, A, 101, 5005, 0);
	assert_int_equal(e.peer.state, TS_SYN_RECEIVED);
	tcp_ends_segment(&e, false, R, 5005, 0, 0);
	assert_int_equal(e.us.state, TS_ESTABLISHED);
	assert_int_equal(e.peer.state, TS_SYN_RECEIVED);
	tcp_ends_segment(&e, false, S | A, 5000, 101, 0);
	assert_int_equal(e.peer.state, TS_SYN_RECEIVED);
	tcp_ends_segment(&e, true, A, 101, 5001, 0);
	assert_int_equal(e.peer.state, TS_ESTABLISHED);
}

/* An established connection: a RST at the next byte after data and a FIN
 * resets; one a byte short does not. */
static void test_rst_at_next_after_data(void **state)
{
	(void)state;
	struct tcp_ends e;
	half_open(&e);
	tcp_ends_segment(&e, true, A, 101, 5001, 0);
	tcp_ends_segment(&e, true, A, 101, 5001, 12);
	tcp_ends_segment(&e, true, F | A, 113, 5001, 0);
	assert_int_equal(e.us.state, TS_FIN_WAIT_1);
	tcp_ends_segment(&e, true, R, 113, 0, 0);
	assert_int_equal(e.us.state, TS_FIN_WAIT_1);
	assert_int_equal(e.peer.state, TS_CLOSE_WAIT);
	tcp_ends_segment(&e, true, R, 114, 0, 0);
	assert_int_equal(e.us.state, TS_CLOSED);
	assert_int_equal(e.peer.state, TS_CLOSED);
}

/* A closed port: the peer's RST/ACK to our SYN, from an end that sent no
 * SYN (no next number known), resets. */
static void test_rst_of_a_closed_port(void **state)
{
	(void)state;
	struct tcp_ends e;
	tcp_ends_init(&e);
	tcp_ends_segment(&e, true, S, 100, 0, 0);
	tcp_ends_segment(&e, false, R | A, 0, 101, 0);
	assert_int_equal(e.us.state, TS_CLOSED);
	assert_int_equal(e.peer.state, TS_CLOSED);
}

/* expect peer state: netstat's, ss's and RFC 9293's names alike. */
static void test_state_names(void **state)
{
	(void)state;
	static const struct { const char *s; enum tcp_state want; } names[] = {
		{ "SYN_RECV", TS_SYN_RECEIVED }, { "SYN_RECEIVED", TS_SYN_RECEIVED },
		{ "syn-recv", TS_SYN_RECEIVED }, { "ESTAB", TS_ESTABLISHED },
		{ "ESTABLISHED", TS_ESTABLISHED }, { "FIN_WAIT1", TS_FIN_WAIT_1 },
		{ "FIN-WAIT-1", TS_FIN_WAIT_1 }, { "FIN_WAIT_2", TS_FIN_WAIT_2 },
		{ "CLOSED", TS_CLOSED }, { "UNCONN", TS_CLOSED }, { "time-wait", TS_TIME_WAIT },
		{ "LAST_ACK", TS_LAST_ACK }, { "LISTEN", TS_LISTEN },
	};
	enum tcp_state s;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_int_equal(tcp_state_parse(names[i].s, strlen(names[i].s), &s), 0);
		assert_int_equal(s, names[i].want);
	}
	assert_int_equal(tcp_state_parse("ESTABLISHE", 10, &s), -1);
	assert_int_equal(tcp_state_parse("LISTEN", 5, &s), -1);
	assert_string_equal(tcp_state_netstat(TS_SYN_RECEIVED), "SYN_RECV");
	assert_string_equal(tcp_state_netstat(TS_FIN_WAIT_2), "FIN_WAIT2");
	/* Linux: 1 ESTABLISHED ... 12 NEW_SYN_RECV (a request socket). */
	assert_int_equal(tcp_state_of_linux(12, &s), 0);
	assert_int_equal(s, TS_SYN_RECEIVED);
	assert_int_equal(tcp_state_of_linux(6, &s), 0);
	assert_int_equal(s, TS_TIME_WAIT);
	assert_int_equal(tcp_state_of_linux(0, &s), -1);
	assert_int_equal(tcp_state_of_linux(13, &s), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_rst_closes),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_rst_to_a_bad_ack_changes_nothing),
		cmocka_unit_test(test_rst_at_next_after_data),
		cmocka_unit_test(test_rst_of_a_closed_port),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
