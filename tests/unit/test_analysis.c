/*
 * test_analysis.c - the TCP analysis (craft/analysis/) on hand-made
 * segments between a client 10.0.0.1 and a server 10.0.0.2:80: each
 * finding Wireshark names, the relative numbers, the frame an ACK
 * acknowledges and its RTT, the iRTT, window scaling, the states; a port
 * used again; a closed stream giving its state back a minute later; 10^5
 * streams at once keeping their relative numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../craft/analysis/analysis.h"
#include "../../craft/decode/decode.h"
#include "../../craft/proto/proto.h"

#define CISN 1000u		/* the client's ISN */
#define SISN 5000u		/* the server's */
enum { C, S };			/* who sends */
enum { FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16 };

static struct analysis *an;
static uint32_t frame_no;
static struct timeval now;

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v); }

/* One segment on `port` (the client's), `ms` milliseconds after the last,
 * seq and ack relative to the sender's and the receiver's ISNs; a SYN
 * offers window scale 7.  Returns its analysis. */
static struct tcp_verdict seg_on(uint16_t port, uint32_t ip_c, int from, uint32_t seq,
				 uint32_t ack, uint8_t flags, uint32_t len, uint16_t win, long ms)
{
	uint8_t b[2000] = { 0 };
	size_t opt = flags & SYN ? 4 : 0, tcp = 34, n = tcp + 20 + opt + len;
	memcpy(b, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", 14);
	b[14] = 0x45;
	put16(b + 16, (uint32_t)(n - 14));
	b[22] = 64;
	b[23] = 6;
	put32(b + 26, from == C ? ip_c : 0x0a000002);
	put32(b + 30, from == C ? 0x0a000002 : ip_c);
	put16(b + tcp, from == C ? port : 80);
	put16(b + tcp + 2, from == C ? 80 : port);
	put32(b + tcp + 4, seq + (from == C ? CISN : SISN));
	put32(b + tcp + 8, flags & ACK ? ack + (from == C ? SISN : CISN) : 0);
	b[tcp + 12] = (uint8_t)((20 + opt) / 4 << 4);
	b[tcp + 13] = flags;
	put16(b + tcp + 14, win);
	if (opt)
		memcpy(b + tcp + 20, "\x01\x03\x03\x07", 4);	/* NOP, window scale 7 */
	now.tv_usec += ms * 1000;
	now.tv_sec += now.tv_usec / 1000000;
	now.tv_usec %= 1000000;
	struct frame f;
	decode_frame(b, n, n, LINK_ETHERNET, &f);
	struct frame_analysis fa;
	analysis_frame(an, &f, ++frame_no, &now, &fa);
	frame_free(&f);
	assert_true(fa.is_tcp);
	return fa.tcp;
}

static struct tcp_verdict seg(int from, uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len,
			      uint16_t win, long ms)
{
	return seg_on(40000, 0x0a000001, from, seq, ack, flags, len, win, ms);
}

static int fresh(void **state)
{
	(void)state;
	an = analysis_new();
	frame_no = 0;
	now = (struct timeval){ 1600000000, 0 };
	return an ? 0 : -1;
}

static int done(void **state)
{
	(void)state;
	analysis_free(an);
	return 0;
}

/* Frames 1-3: the handshake, 10 ms each way. */
static void handshake(void)
{
	seg(C, 0, 0, SYN, 0, 64240, 0);
	seg(S, 0, 1, SYN | ACK, 0, 65160, 10);
	seg(C, 1, 1, ACK, 0, 502, 10);
}

static void test_handshake_and_data(void **state)
{
	(void)state;
	struct tcp_verdict v = seg(C, 0, 0, SYN, 0, 64240, 0);
	assert_int_equal(v.stream, 0);
	assert_int_equal(v.seq, 0);
	assert_int_equal(v.next_seq, 1);
	assert_int_equal(v.window, 64240);		/* a SYN's window is never scaled */
	assert_int_equal(v.src_state, TS_SYN_SENT);
	v = seg(S, 0, 1, SYN | ACK, 0, 65160, 10);
	assert_int_equal(v.acks_frame, 1);
	assert_true(v.ack_rtt > 0.0099 && v.ack_rtt < 0.0101);
	assert_false(v.has_irtt);
	v = seg(C, 1, 1, ACK, 0, 502, 10);
	assert_int_equal(v.acks_frame, 2);
	assert_true(v.has_irtt);
	assert_true(v.irtt > 0.0199 && v.irtt < 0.0201);
	assert_int_equal(v.window, 502u << 7);
	assert_int_equal(v.wscale, 7);
	assert_int_equal(v.src_state, TS_ESTABLISHED);
	assert_int_equal(v.dst_state, TS_ESTABLISHED);
	v = seg(C, 1, 1, ACK | PSH, 100, 502, 1);
	assert_int_equal(v.seq, 1);
	assert_int_equal(v.next_seq, 101);
	assert_int_equal(v.len, 100);
	assert_true(v.has_irtt);			/* data in flight: analysed */
	assert_int_equal(v.abs_seq, CISN + 1);
	v = seg(S, 1, 101, ACK, 0, 509, 2);
	assert_int_equal(v.acks_frame, 4);
	assert_int_equal(v.ack, 101);
	assert_int_equal(v.expert, 0);
	v = seg(S, 1, 101, FIN | ACK, 0, 509, 2);	/* nothing to say: no iRTT */
	assert_int_equal(v.acks_frame, 0);
	assert_int_equal(v.expert, 0);
	assert_false(v.has_irtt);
}

static void test_retransmission(void **state)
{
	(void)state;
	handshake();
	seg(C, 1, 1, ACK, 100, 502, 1);			/* 4 */
	struct tcp_verdict v = seg(C, 1, 1, ACK, 100, 502, 300);
	assert_int_equal(v.expert, TE_RETRANSMISSION);
	assert_int_equal(v.rto_frame, 4);
	assert_true(v.rto > 0.299 && v.rto < 0.301);
}

static void test_fast_retransmission(void **state)
{
	(void)state;
	handshake();
	seg(C, 1, 1, ACK, 100, 502, 1);			/* 4 */
	seg(C, 101, 1, ACK, 100, 502, 1);		/* 5 */
	struct tcp_verdict v = seg(S, 1, 1, ACK, 0, 509, 1);
	assert_int_equal(v.expert, TE_WINDOW_UPDATE);	/* 509, not its SYN/ACK's */
	v = seg(S, 1, 1, ACK, 0, 509, 1);
	assert_int_equal(v.expert, TE_DUPLICATE_ACK);
	assert_int_equal(v.dupack_num, 1);
	assert_int_equal(v.dupack_frame, 2);		/* the last to move its ACK */
	v = seg(S, 1, 1, ACK, 0, 509, 1);
	assert_int_equal(v.dupack_num, 2);
	v = seg(C, 1, 1, ACK, 100, 502, 5);
	assert_int_equal(v.expert, TE_FAST_RETRANSMISSION | TE_RETRANSMISSION);
	assert_int_equal(v.rto_frame, 0);		/* named only for a timeout */
}

static void test_spurious_and_out_of_order(void **state)
{
	(void)state;
	handshake();					/* iRTT 20 ms */
	seg(C, 1, 1, ACK, 100, 502, 1);
	seg(S, 1, 101, ACK, 0, 509, 1);
	struct tcp_verdict v = seg(C, 1, 1, ACK, 100, 502, 1);
	assert_int_equal(v.expert, TE_SPURIOUS_RETRANSMISSION | TE_RETRANSMISSION);
	v = seg(C, 201, 1, ACK, 100, 502, 1);		/* 101-201 not yet */
	assert_int_equal(v.expert, TE_LOST_SEGMENT);
	v = seg(C, 101, 1, ACK, 100, 502, 1);		/* within the iRTT */
	assert_int_equal(v.expert, TE_OUT_OF_ORDER);
}

static void test_ack_of_unseen(void **state)
{
	(void)state;
	handshake();
	seg(C, 1, 1, ACK, 100, 502, 1);
	seg(C, 201, 1, ACK, 100, 502, 1);		/* 101-201 lost */
	/* Past the hole: said, and taken as known up to 301 ... */
	struct tcp_verdict v = seg(S, 1, 401, ACK, 0, 509, 1);
	assert_int_equal(v.expert, TE_ACK_LOST_SEGMENT);
	/* ... past all the client sent: said once more, not again. */
	v = seg(S, 1, 401, ACK, 0, 509, 1);
	assert_int_equal(v.expert, TE_ACK_LOST_SEGMENT | TE_DUPLICATE_ACK);
	v = seg(S, 1, 401, ACK, 0, 509, 1);
	assert_int_equal(v.expert, TE_DUPLICATE_ACK);
}

static void test_windows(void **state)
{
	(void)state;
	handshake();
	struct tcp_verdict v = seg(S, 1, 1, ACK, 0, 600, 1);
	assert_int_equal(v.expert, TE_WINDOW_UPDATE);
	/* The server's window is 600 << 7 bytes from its ACK of 1. */
	v = seg(C, 1, 1, ACK, 600u << 7 > 1448 ? 1448 : 600u << 7, 502, 1);
	assert_int_equal(v.expert, 0);
	v = seg(S, 1, 1449, ACK, 0, 0, 1);
	assert_int_equal(v.expert, TE_ZERO_WINDOW);
	v = seg(C, 1449, 1, ACK, 1, 502, 1);
	assert_int_equal(v.expert, TE_ZERO_WINDOW_PROBE);
	assert_int_equal(v.next_seq, 1450);
	v = seg(S, 1, 1449, ACK, 0, 0, 1);
	assert_int_equal(v.expert, TE_ZERO_WINDOW | TE_ZERO_WINDOW_PROBE_ACK);
	v = seg(S, 1, 1449, ACK, 0, 1, 1);		/* 128 bytes */
	assert_int_equal(v.expert, TE_WINDOW_UPDATE);
	v = seg(C, 1449, 1, ACK, 128, 502, 1);
	assert_int_equal(v.expert, TE_WINDOW_FULL);
}

static void test_keep_alive(void **state)
{
	(void)state;
	handshake();
	seg(C, 1, 1, ACK, 100, 502, 1);
	seg(S, 1, 101, ACK, 0, 509, 1);
	struct tcp_verdict v = seg(C, 100, 1, ACK, 0, 502, 1000);
	assert_int_equal(v.expert, TE_KEEP_ALIVE);
	v = seg(S, 1, 101, ACK, 0, 509, 1);
	assert_int_equal(v.expert, TE_KEEP_ALIVE_ACK);
}

static void test_states_of_the_close(void **state)
{
	(void)state;
	handshake();
	seg(S, 1, 1, ACK | PSH, 13, 509, 1);		/* "Hello World!\0" */
	seg(C, 1, 14, ACK, 0, 502, 1);
	struct tcp_verdict v = seg(S, 14, 1, FIN | ACK, 0, 509, 1);
	assert_int_equal(v.src_state, TS_FIN_WAIT_1);
	assert_int_equal(v.dst_state, TS_CLOSE_WAIT);
	v = seg(C, 1, 15, ACK, 0, 502, 40);
	assert_int_equal(v.dst_state, TS_FIN_WAIT_2);
	v = seg(C, 1, 15, FIN | ACK, 0, 502, 200);
	assert_int_equal(v.src_state, TS_LAST_ACK);
	assert_int_equal(v.dst_state, TS_TIME_WAIT);
	v = seg(S, 15, 2, ACK, 0, 509, 1);
	assert_int_equal(v.src_state, TS_TIME_WAIT);
	assert_int_equal(v.dst_state, TS_CLOSED);
}

static void test_port_reuse(void **state)
{
	(void)state;
	handshake();
	struct tcp_verdict v = seg(C, 0, 0, SYN, 0, 64240, 1000);	/* the SYN again */
	assert_int_equal(v.stream, 0);
	assert_int_equal(v.expert, TE_RETRANSMISSION);
	v = seg(C, 7777, 0, SYN, 0, 64240, 1000);	/* a new ISN: a new stream */
	assert_int_equal(v.stream, 1);
	assert_int_equal(v.seq, 0);
	assert_int_equal(v.expert, 0);
	size_t n;
	analysis_conversations(an, &n);
	assert_int_equal(n, 2);
}

/* A closed stream gives its state back a minute later; a late segment on
 * it goes on in the same stream with the same relative numbers. */
static void test_closed_stream_given_back(void **state)
{
	(void)state;
	handshake();
	seg(C, 1, 1, ACK, 100, 502, 1);
	seg(C, 101, 1, FIN | ACK, 0, 502, 1);
	seg(S, 1, 102, FIN | ACK, 0, 509, 1);
	seg(C, 102, 2, ACK, 0, 502, 1);
	assert_int_equal(analysis_live(an), 1);
	struct tcp_verdict v = seg_on(40001, 0x0a000001, C, 0, 0, SYN, 0, 64240, 61000);
	assert_int_equal(v.stream, 1);
	assert_int_equal(analysis_live(an), 1);		/* stream 0's state is back */
	v = seg(S, 1, 102, FIN | ACK, 0, 509, 1);	/* late */
	assert_int_equal(v.stream, 0);
	assert_int_equal(v.seq, 1);
	assert_int_equal(v.ack, 102);
	assert_int_equal(v.window, 509u << 7);		/* its window scale kept */
	assert_int_equal(analysis_live(an), 2);
}

/* More SYNs nobody answers than streams keep state at once (65536): the
 * longest silent give theirs back, so a scan does not grow the memory,
 * and one that speaks again goes on in its stream with its numbers. */
static void test_live_streams_bounded(void **state)
{
	(void)state;
	enum { N = 70000 };
	for (uint32_t i = 0; i < N; i++)
		seg_on((uint16_t)(1024 + i % 50000), 0x0b000000 + i / 50000, C, 0, 0, SYN, 0,
		       1000, 0);
	assert_int_equal(analysis_live(an), 65536);
	struct tcp_verdict v = seg_on(1024, 0x0b000000, C, 1, 0, ACK, 10, 1000, 0);
	assert_int_equal(v.stream, 0);
	assert_int_equal(v.seq, 1);
	assert_int_equal(v.next_seq, 11);
	assert_int_equal(analysis_live(an), 65536);
}

/* 10^5 connections open at once, each from its own address and port,
 * then a segment of data on each, in another order: each keeps its stream
 * and its relative numbers (the old fixed table forgot past 256). */
static void test_many_streams(void **state)
{
	(void)state;
	enum { N = 100000 };
	for (uint32_t i = 0; i < N; i++)
		seg_on((uint16_t)(1024 + i % 50000), 0x0b000000 + i / 50000, C, 0, 0, SYN, 0,
		       1000, 0);
	for (uint32_t k = 0; k < N; k++) {
		uint32_t i = (k * 7919u) % N;		/* 7919 is prime to N */
		struct tcp_verdict v = seg_on((uint16_t)(1024 + i % 50000),
					      0x0b000000 + i / 50000, C, 1, 0, ACK, 10,
					      1000, 0);
		if (v.stream != i || v.seq != 1 || v.next_seq != 11)
			fail_msg("stream %u: got stream %u seq %u", i, v.stream, v.seq);
	}
	assert_int_equal(analysis_live(an), 65536);	/* the rest kept their numbers */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handshake_and_data, fresh, done),
		cmocka_unit_test_setup_teardown(test_retransmission, fresh, done),
		cmocka_unit_test_setup_teardown(test_fast_retransmission, fresh, done),
		cmocka_unit_test_setup_teardown(test_spurious_and_out_of_order, fresh, done),
		cmocka_unit_test_setup_teardown(test_ack_of_unseen, fresh, done),
		cmocka_unit_test_setup_teardown(test_windows, fresh, done),
		cmocka_unit_test_setup_teardown(test_keep_alive, fresh, done),
		cmocka_unit_test_setup_teardown(test_states_of_the_close, fresh, done),
		cmocka_unit_test_setup_teardown(test_port_reuse, fresh, done),
		cmocka_unit_test_setup_teardown(test_closed_stream_given_back, fresh, done),
		cmocka_unit_test_setup_teardown(test_live_streams_bounded, fresh, done),
		cmocka_unit_test_setup_teardown(test_many_streams, fresh, done),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
