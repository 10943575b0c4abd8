/*
 * test_flow.c - the two rules every module asks of a captured frame, fed
 * with a real capture (tests/pcap/exchanges.pcap, recorded on a veth with
 * a Linux peer): which probe a reply answers (flow.h) and whether a frame
 * is ours, the host's or the network's (outbox.h).
 *
 * The capture, frame by frame (1-based): 1-4 our ARP requests and the
 * peer's replies; 5 our SYN to :80, 6 its SYN/ACK, 7-8 the kernel's own
 * ARP exchange, 9 the kernel's RST; 10-11 ARP; 12 our SYN to :81, 13 its
 * RST/ACK; 14-15 ARP; 16 our UDP datagram to :9, 17 port unreachable;
 * 18-19 ARP; 20 our ping, 21 its echo reply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../craft/decode/decode.h"
#include "../../craft/match/flow.h"
#include "../../craft/match/outbox.h"
#include "../../craft/proto/proto.h"
#include "../../craft/wire/capture.h"

#define FRAMES 21

static struct frame cap[FRAMES + 1];	/* cap[n]: frame n */

static int load(void **state)
{
	(void)state;
	char err[256];
	enum link_kind link;
	struct pcap_in *in = pcap_in_open("tests/pcap/exchanges.pcap", &link, err, sizeof err);
	if (!in) {
		print_error("tests/pcap/exchanges.pcap: %s\n", err);
		return -1;
	}
	const uint8_t *bytes;
	size_t caplen, wire;
	struct timeval ts;
	int n = 0;
	while (n < FRAMES && pcap_in_next(in, &bytes, &caplen, &wire, &ts, err, sizeof err) == 1)
		decode_frame(bytes, caplen, wire, link, &cap[++n]);
	pcap_in_close(in);
	return n == FRAMES ? 0 : -1;
}

static int unload(void **state)
{
	(void)state;
	for (int i = 1; i <= FRAMES; i++)
		frame_free(&cap[i]);
	return 0;
}

static const int peer_frames[] = { 2, 4, 6, 8, 11, 13, 15, 17, 19, 21 };
static const int peer_arp[] = { 2, 4, 8, 11, 15, 19 };

static bool is_peer_arp(int f)
{
	for (size_t i = 0; i < sizeof peer_arp / sizeof peer_arp[0]; i++)
		if (peer_arp[i] == f)
			return true;
	return false;
}

/* Our probes and the one frame of the capture that answers each. */
static const struct { int probe, reply; } answered[] = {
	{ 1, 2 }, { 3, 4 }, { 5, 6 }, { 12, 13 }, { 16, 17 }, { 20, 21 },
};

static void test_each_probe_answered_by_its_reply_only(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof answered / sizeof answered[0]; i++)
		for (int f = 1; f <= FRAMES; f++) {
			bool yes = flow_answers(&cap[answered[i].probe], &cap[f], true);
			/* Every ARP reply of the peer answers every who-has of ours:
			 * they ask and tell the same addresses. */
			bool arp = cap[answered[i].probe].layer[1].def->id == L_ARP &&
				   is_peer_arp(f);
			bool want = f == answered[i].reply || arp;
			if (yes != want)
				fail_msg("probe %d, frame %d: answers %d, want %d", answered[i].probe,
					 f, yes, want);
		}
}

/* A probe's own copy, the kernel's RST and our other probes answer nothing. */
static void test_own_frames_answer_nothing(void **state)
{
	(void)state;
	assert_false(flow_answers(&cap[5], &cap[5], true));
	assert_false(flow_answers(&cap[5], &cap[9], true));
	assert_false(flow_answers(&cap[5], &cap[12], true));
	assert_false(flow_answers(&cap[12], &cap[6], true));	/* another port's SYN/ACK */
}

/* The keys the hash table holds give the same answers. */
static void test_keys_agree_with_flow_answers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof answered / sizeof answered[0]; i++) {
		struct flow_key k;
		struct flow_ack ack;
		struct flow_reply r;
		assert_true(flow_of_probe(&cap[answered[i].probe], &k, &ack));
		flow_of_reply(&cap[answered[i].reply], &r);
		bool found = false;
		for (size_t n = 0; n < r.n; n++)
			found |= memcmp(&r.key[n], &k, sizeof k) == 0 && flow_ack_ok(&ack, &r);
		assert_true(found);
	}
}

/* The SYN/ACK acknowledges seq + 1; an ack one off is somebody else's. */
static void test_ack_is_checked(void **state)
{
	(void)state;
	struct frame synack = cap[6];
	struct layer *tcp = &synack.layer[2];
	assert_int_equal(tcp->def->id, L_TCP);
	tcp->val[TCP_ACK].u += 1;
	assert_false(flow_answers(&cap[5], &synack, true));
	assert_true(flow_answers(&cap[5], &synack, false));	/* an expect's own ack */
}

static uint64_t mac_of(const struct frame *f)
{
	return lv(&f->layer[0], ETH_SRC);
}

static enum frame_origin origin(struct outbox *o, int n, uint64_t *tag)
{
	return outbox_origin(o, cap[n].bytes, cap[n].len, tag);
}

static void test_outbox_tells_ours_the_hosts_and_the_peers(void **state)
{
	(void)state;
	struct outbox o;
	uint64_t tag = 0;
	outbox_init(&o, 0, mac_of(&cap[5]));
	static const int ours[] = { 1, 3, 5, 12, 16, 20 };
	for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
		outbox_put(&o, cap[ours[i]].bytes, cap[ours[i]].len, i);
	for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++) {
		assert_int_equal(origin(&o, ours[i], &tag), FROM_US);
		assert_int_equal(tag, i);
	}
	/* Seen once: a second copy is no longer ours but the host's. */
	assert_int_equal(origin(&o, 5, &tag), FROM_HOST);
	assert_int_equal(origin(&o, 9, &tag), FROM_HOST);	/* the kernel's RST */
	assert_int_equal(origin(&o, 7, &tag), FROM_HOST);	/* its own ARP */
	assert_int_equal(origin(&o, 10, &tag), FROM_HOST);	/* ours, not remembered */
	for (size_t i = 0; i < sizeof peer_frames / sizeof peer_frames[0]; i++)
		assert_int_equal(origin(&o, peer_frames[i], &tag), FROM_PEER);
	outbox_free(&o);
}

/* The same bytes sent twice: the oldest unseen copy is taken first. */
static void test_outbox_repeats_oldest_first(void **state)
{
	(void)state;
	struct outbox o;
	uint64_t tag = 0;
	outbox_init(&o, 0, 0);
	for (uint64_t i = 0; i < 100; i++)
		outbox_put(&o, cap[20].bytes, cap[20].len, i);
	for (uint64_t i = 0; i < 100; i++) {
		assert_int_equal(origin(&o, 20, &tag), FROM_US);
		assert_int_equal(tag, i);
	}
	assert_int_equal(origin(&o, 20, &tag), FROM_PEER);	/* no MAC rule without one */
	outbox_free(&o);
}

/* With `keep`, the oldest unseen frames are forgotten; the rest are found
 * by their number for the -w file, until the caller forgets them. */
static void test_outbox_keep_and_unseen(void **state)
{
	(void)state;
	struct outbox o;
	uint64_t tag = 0;
	size_t len = 0;
	outbox_init(&o, 3, 0);
	static const int ours[] = { 1, 3, 5, 12, 16 };
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(outbox_next(&o), i);
		outbox_put(&o, cap[ours[i]].bytes, cap[ours[i]].len, i + 1);
	}
	assert_int_equal(origin(&o, 1, &tag), FROM_PEER);	/* forgotten */
	assert_int_equal(origin(&o, 12, &tag), FROM_US);
	assert_int_equal(tag, 4);
	assert_null(outbox_unseen_bytes(&o, 1, &len));		/* forgotten */
	assert_non_null(outbox_unseen_bytes(&o, 2, &len));
	assert_int_equal(len, cap[5].len);
	assert_null(outbox_unseen_bytes(&o, 3, &len));		/* seen */
	assert_non_null(outbox_unseen_bytes(&o, 4, &len));
	outbox_forget_through(&o, 3);
	assert_null(outbox_unseen_bytes(&o, 2, &len));
	assert_non_null(outbox_unseen_bytes(&o, 4, &len));
	assert_int_equal(origin(&o, 5, &tag), FROM_PEER);	/* given up on */
	outbox_free(&o);
}

/* Keys come and go as probes are answered: the table holds what is left,
 * every key still found after the others' deletion moved slots around. */
static void test_flow_table_del(void **state)
{
	(void)state;
	struct flow_table t;
	flow_table_init(&t);
	struct flow_key k = { .proto = 6, .net = 4 };
	for (uint32_t round = 0; round < 50; round++) {
		for (uint32_t i = 0; i < 1000; i++) {
			k.our_port = (uint16_t)i, k.their_ip = round;
			flow_table_swap(&t, &k, round * 1000 + i);
		}
		for (uint32_t i = 0; i < 1000; i += 2) {	/* the even ones answered */
			k.our_port = (uint16_t)i, k.their_ip = round;
			flow_table_del(&t, &k);
		}
		for (uint32_t i = 0; i < 1000; i++) {
			uint32_t v = 0;
			k.our_port = (uint16_t)i, k.their_ip = round;
			assert_int_equal(flow_table_get(&t, &k, &v), i % 2 == 1);
			if (i % 2)
				assert_int_equal(v, round * 1000 + i);
		}
		for (uint32_t i = 1; i < 1000; i += 2) {	/* the odd ones timed out */
			k.our_port = (uint16_t)i, k.their_ip = round;
			flow_table_del(&t, &k);
		}
		assert_int_equal(t.used, 0);
	}
	assert_true(t.mask + 1 <= 4096);	/* 50,000 keys, 1,000 at once */
	flow_table_free(&t);
}

/* A bounded outbox keeps a bounded table, however many frames pass. */
static void test_outbox_bounded_by_keep(void **state)
{
	(void)state;
	struct outbox o;
	uint8_t bytes[64] = { 0 };
	outbox_init(&o, 4, 0);
	for (uint32_t i = 0; i < 200000; i++) {
		memcpy(bytes, &i, sizeof i);
		outbox_put(&o, bytes, sizeof bytes, i);
	}
	assert_true(o.mask + 1 <= 64);
	assert_true(o.cap <= 16);
	uint64_t tag = 0;
	uint32_t last = 199999;
	memcpy(bytes, &last, sizeof last);
	assert_int_equal(outbox_origin(&o, bytes, sizeof bytes, &tag), FROM_US);
	assert_int_equal(tag, last);
	outbox_free(&o);
}

/* A later fragment has no transport header: addresses and protocol tell
 * its replies, as they told them before the keys did. */
static void test_fragment_answered_by_addresses(void **state)
{
	(void)state;
	struct frame frag = cap[20];	/* our ping, cut to its IPv4 header */
	frag.nlayers = 2;
	assert_true(flow_answers(&frag, &cap[21], true));
	assert_false(flow_answers(&frag, &cap[6], true));	/* TCP: another protocol */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_probe_answered_by_its_reply_only),
		cmocka_unit_test(test_own_frames_answer_nothing),
		cmocka_unit_test(test_keys_agree_with_flow_answers),
		cmocka_unit_test(test_ack_is_checked),
		cmocka_unit_test(test_outbox_tells_ours_the_hosts_and_the_peers),
		cmocka_unit_test(test_outbox_repeats_oldest_first),
		cmocka_unit_test(test_outbox_keep_and_unseen),
		cmocka_unit_test(test_outbox_bounded_by_keep),
		cmocka_unit_test(test_flow_table_del),
		cmocka_unit_test(test_fragment_answered_by_addresses),
	};
	return cmocka_run_group_tests(tests, load, unload);
}
