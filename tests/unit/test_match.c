/*
 * test_match.c - expectations (craft/match.h): match lines parsed from text
 * (one line, ';'-separated lines, alternatives, variables, every error), the
 * field-by-field comparison with its "why" text, and the reply scopes of
 * what was sent - TCP, UDP, ICMP echo, ARP, and the ICMP errors quoting
 * them - with the BPF pre-filter compiled by libpcap and run on the same
 * frames.  Frames are built from templates (template_parse, frame_resolve,
 * build_frame) and decoded back, as `send` and `run` do.  Everything is
 * freed: LeakSanitizer is watching.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "../../craft/builder/build.h"
#include "../../craft/decode/decode.h"
#include "../../craft/match/flow.h"
#include "../../craft/match/match.h"
#include "../../craft/proto/proto.h"
#include "../../craft/builder/resolve.h"
#include "../../craft/util/rng.h"
#include "../../craft/lang/template.h"
#include "../../craft/core/vars.h"
#include "fixture.h"

/* --- fixtures ------------------------------------------------------------ */

/* We are 10.0.0.1 at 02:00:00:00:00:aa; the peer 10.0.0.2 at ...:02. */
#define US "02:00:00:00:00:aa"
#define PEER "02:00:00:00:00:02"

static int group_setup(void **state)
{
	(void)state;
	static const char *const vars[] = {
		"SEQ", "100", "PEER", "10.0.0.2", "BIG", "4294967295", NULL,
	};
	return fixture_open(vars);
}

/* Builds `text` as a template (fixed seed, the fake interface) and decodes
 * the bytes into `out`, as send and run see what they sent and receive. */
static void frame_of(const char *text, struct frame *out)
{
	struct template_ctx tc = { .file = "t.pkt", .vars = &vs };
	struct resolve_env env = { .file = "t.pkt", .iface = &fake_if };
	struct rng rng;
	struct frame f;
	struct diag d;
	memset(&d, 0, sizeof d);
	rng_seed(&rng, 7);
	env.rng = &rng;
	if (template_parse(&tc, text, strlen(text), &f, &d))
		fail_msg("template: %u:%u %s\n%s", d.line, d.col, d.msg, text);
	if (frame_resolve(&f, &env, &d) || build_frame(bld, &f, &d)) {
		frame_free(&f);
		fail_msg("build: %u:%u %s\n%s", d.line, d.col, d.msg, text);
	}
	decode_frame(f.bytes, f.len, f.len, LINK_ETHERNET, out);
	frame_free(&f);
}

/* Parses `text` as --expect takes it; fails the test on an error. */
static void parse_ok(struct expectation *e, const char *text)
{
	struct diag d;
	memset(&d, 0, sizeof d);
	expect_init(e);
	if (expect_parse(e, text, "--expect", &vs, &d)) {
		expect_free(e);
		fail_msg("expect_parse '%s': %u:%u %s", text, d.line, d.col, d.msg);
	}
}

/* expect_parse must refuse `text` with a message containing `msg` at
 * column `col` (0: any), and leave nothing allocated. */
#define assert_expect_error(text, wcol, wmsg) do { \
	struct expectation e_; \
	struct diag d_; \
	memset(&d_, 0, sizeof d_); \
	expect_init(&e_); \
	int rc_ = expect_parse(&e_, text, "--expect", &vs, &d_); \
	expect_free(&e_); \
	if (rc_ == 0) \
		fail_msg("parsed without error: %s", text); \
	if (!strstr(d_.msg, wmsg) || ((wcol) && d_.col != (unsigned)(wcol))) \
		fail_msg("'%s': got col %u '%s', want col %u '%s'", text, d_.col, d_.msg, \
			 (unsigned)(wcol), wmsg); \
	assert_string_equal(d_.file, "--expect"); \
} while (0)

/* How `text` (an expectation) compares with the frame built from `pkt`. */
static unsigned diffs_of(const char *text, const char *pkt, char *why, size_t len)
{
	struct expectation e;
	struct frame f;
	parse_ok(&e, text);
	frame_of(pkt, &f);
	unsigned n = expect_diffs(&e, &f, why, len);
	expect_free(&e);
	frame_free(&f);
	return n;
}

/* --- parsing --------------------------------------------------------------- */

static void test_parse_one_line(void **state)
{
	(void)state;
	struct expectation e;
	parse_ok(&e, "tcp flags=SA ack=101");
	assert_false(expect_empty(&e));
	assert_int_equal(e.n, 1);
	assert_ptr_equal(e.layer[0].def, &tcp_layer);
	assert_false(e.layer[0].quoted);
	assert_int_equal(e.layer[0].n, 2);
	assert_int_equal(e.layer[0].f[0].field, TCP_FLAGS);
	assert_int_equal(e.layer[0].f[0].nalts, 1);
	assert_int_equal(e.layer[0].f[0].alt[0].u, TCP_F_SYN | TCP_F_ACK);
	assert_int_equal(e.layer[0].f[1].field, TCP_ACK);
	assert_int_equal(e.layer[0].f[1].alt[0].u, 101);
	assert_string_equal(e.text, "tcp flags=SA ack=101");
	expect_free(&e);
	assert_true(expect_empty(&e));

	/* keywords and addresses as the templates write them */
	parse_ok(&e, "  arp op=reply spa=10.0.0.2 sha=02:00:00:00:00:02  ");
	assert_int_equal(e.n, 1);
	assert_ptr_equal(e.layer[0].def, &arp_layer);
	assert_int_equal(e.layer[0].f[0].alt[0].u, ARP_OP_REPLY);
	assert_int_equal(e.layer[0].f[1].alt[0].u, 0x0a000002);
	assert_int_equal(e.layer[0].f[2].alt[0].u, UINT64_C(0x020000000002));
	expect_free(&e);

	/* a layer with no fields only asks for the layer */
	parse_ok(&e, "icmp");
	assert_int_equal(e.n, 1);
	assert_int_equal(e.layer[0].n, 0);
	assert_string_equal(e.text, "icmp");
	expect_free(&e);
}

static void test_parse_lines(void **state)
{
	(void)state;
	struct expectation e;
	parse_ok(&e, "ipv4 src=10.0.0.2 ttl=64; tcp flags=SA;icmp type=echo-reply");
	assert_int_equal(e.n, 3);
	assert_ptr_equal(e.layer[0].def, &ipv4_layer);
	assert_int_equal(e.layer[0].n, 2);
	assert_int_equal(e.layer[0].f[0].field, IPV4_SRC);
	assert_int_equal(e.layer[0].f[0].alt[0].u, 0x0a000002);
	assert_int_equal(e.layer[0].f[1].field, IPV4_TTL);
	assert_int_equal(e.layer[0].f[1].alt[0].u, 64);
	assert_ptr_equal(e.layer[1].def, &tcp_layer);
	assert_ptr_equal(e.layer[2].def, &icmp_layer);
	assert_int_equal(e.layer[2].f[0].alt[0].u, ICMP_ECHO_REPLY);
	assert_string_equal(e.text, "ipv4 src=10.0.0.2 ttl=64; tcp flags=SA; icmp type=echo-reply");
	expect_free(&e);

	/* the same layer twice is one layer with both lines' fields */
	parse_ok(&e, "tcp flags=SA; tcp ack=101");
	assert_int_equal(e.n, 1);
	assert_int_equal(e.layer[0].n, 2);
	assert_int_equal(e.layer[0].f[1].field, TCP_ACK);
	expect_free(&e);

	/* variables, with arithmetic that wraps at 32 bits */
	parse_ok(&e, "ipv4 src=${PEER}; tcp ack=${SEQ + 1} seq=${BIG + 1}");
	assert_int_equal(e.layer[0].f[0].alt[0].u, 0x0a000002);
	assert_int_equal(e.layer[1].f[0].alt[0].u, 101);
	assert_int_equal(e.layer[1].f[1].alt[0].u, 0);
	assert_string_equal(e.text, "ipv4 src=10.0.0.2; tcp ack=101 seq=0");
	expect_free(&e);
}

static void test_parse_alternatives(void **state)
{
	(void)state;
	struct expectation e;
	parse_ok(&e, "tcp flags=SA|RA|R");
	assert_int_equal(e.layer[0].f[0].nalts, 3);
	assert_int_equal(e.layer[0].f[0].alt[0].u, TCP_F_SYN | TCP_F_ACK);
	assert_int_equal(e.layer[0].f[0].alt[1].u, TCP_F_RST | TCP_F_ACK);
	assert_int_equal(e.layer[0].f[0].alt[2].u, TCP_F_RST);
	assert_string_equal(e.text, "tcp flags=SA|RA|R");
	expect_free(&e);

	parse_ok(&e, "icmp type=echo-reply|dest-unreach|11 code=0|3");
	assert_int_equal(e.layer[0].f[0].nalts, 3);
	assert_int_equal(e.layer[0].f[0].alt[0].u, 0);
	assert_int_equal(e.layer[0].f[0].alt[1].u, 3);
	assert_int_equal(e.layer[0].f[0].alt[2].u, 11);
	assert_int_equal(e.layer[0].f[1].nalts, 2);
	expect_free(&e);

	/* MATCH_ALTS is the most */
	parse_ok(&e, "tcp dport=1|2|3|4|5|6|7|8");
	assert_int_equal(e.layer[0].f[0].nalts, MATCH_ALTS);
	expect_free(&e);
}

static void test_parse_errors(void **state)
{
	(void)state;
	/* unknown layer, and no layer at all */
	assert_expect_error("tpc flags=SA", 1, "expected a layer to match");
	assert_expect_error("tpc flags=SA", 1, "found 'tpc'");
	for (int i = 0; i < L_COUNT; i++)	/* the list names every layer a template may */
		if (!craft_layers[i]->decode_only)
			assert_expect_error("tpc flags=SA", 1, craft_layers[i]->name);
	assert_expect_error("flags=SA", 1, "expected a layer to match");
	assert_expect_error("tcp flags=SA; ipx src=::1", 0, "found 'ipx'");
	/* unknown field, and a key without a value */
	assert_expect_error("tcp flagz=SA", 5, "tcp has no field 'flagz' to match");
	assert_expect_error("icmp type=echo-reply port=7", 22, "icmp has no field 'port'");
	assert_expect_error("tcp flags", 5, "expected '=' after 'flags'");
	/* bad values: range, kind, keyword, each alternative */
	assert_expect_error("tcp dport=70000", 11, "tcp dport:");
	assert_expect_error("tcp flags=SX", 0, "tcp flags:");
	assert_expect_error("ipv4 src=10.0.0.256", 0, "ipv4 src:");
	assert_expect_error("eth dst=02:00:00:00:00", 0, "eth dst:");
	assert_expect_error("icmp type=echo-replay", 0, "icmp type:");
	assert_expect_error("tcp flags=SA|RX", 0, "tcp flags:");
	assert_expect_error("tcp flags=SA|", 0, "tcp flags:");
	assert_expect_error("tcp dport=1|2|3|4|5|6|7|8|9", 0, "at most 8 alternatives");
	/* an unknown variable */
	assert_expect_error("tcp ack=${nope + 1}", 0, "unknown variable 'nope'");
	/* nothing to match */
	assert_expect_error("", 0, "empty match line");
	assert_expect_error("tcp flags=SA;", 0, "empty match line");
	assert_expect_error("tcp flags=SA;;tcp ack=1", 0, "empty match line");
}

/* --- comparing --------------------------------------------------------------- */

#define SYNACK "eth dst=" US " src=" PEER "\n" \
	"ipv4 src=10.0.0.2 dst=10.0.0.1 ttl=64\n" \
	"tcp sport=80 dport=40000 flags=SA seq=5000 ack=101\n"
#define RSTACK "eth dst=" US " src=" PEER "\n" \
	"ipv4 src=10.0.0.2 dst=10.0.0.1\n" \
	"tcp sport=80 dport=40000 flags=RA seq=0 ack=101 win=0\n"

static void test_diffs(void **state)
{
	(void)state;
	char why[256];
	/* a match: no differences, no why */
	strcpy(why, "stale");
	assert_int_equal(diffs_of("tcp flags=SA ack=101", SYNACK, why, sizeof why), 0);
	assert_string_equal(why, "");
	assert_int_equal(diffs_of("tcp flags=SA|RA|R", SYNACK, why, sizeof why), 0);
	assert_int_equal(diffs_of("tcp flags=SA|RA|R", RSTACK, why, sizeof why), 0);
	assert_int_equal(diffs_of("ipv4 src=10.0.0.2 ttl=64; tcp sport=80 dport=40000",
				  SYNACK, why, sizeof why), 0);
	assert_int_equal(diffs_of("eth src=" PEER, SYNACK, why, sizeof why), 0);
	assert_int_equal(diffs_of("tcp", SYNACK, why, sizeof why), 0);

	/* one field differs: the why names it as the templates write it */
	assert_int_equal(diffs_of("tcp flags=SA", RSTACK, why, sizeof why), 1);
	assert_string_equal(why, "tcp.flags: got RA, wanted SA");
	assert_int_equal(diffs_of("tcp flags=SA|S", RSTACK, why, sizeof why), 1);
	assert_string_equal(why, "tcp.flags: got RA, wanted SA|S");
	assert_int_equal(diffs_of("tcp ack=102", SYNACK, why, sizeof why), 1);
	assert_string_equal(why, "tcp.ack: got 101, wanted 102");
	assert_int_equal(diffs_of("ipv4 src=10.0.0.3", SYNACK, why, sizeof why), 1);
	assert_string_equal(why, "ipv4.src: got 10.0.0.2, wanted 10.0.0.3");

	/* several: counted, the first one explained */
	assert_int_equal(diffs_of("tcp flags=SA ack=102", RSTACK, why, sizeof why), 2);
	assert_string_equal(why, "tcp.flags: got RA, wanted SA");
	assert_int_equal(diffs_of("ipv4 ttl=1; tcp flags=S ack=1", SYNACK, why, sizeof why), 3);
	assert_string_equal(why, "ipv4.ttl: got 64, wanted 1");

	/* a missing layer counts one more than its fields */
	assert_int_equal(diffs_of("udp sport=53", SYNACK, why, sizeof why), 2);
	assert_string_equal(why, "no udp layer");
	assert_int_equal(diffs_of("icmp", SYNACK, why, sizeof why), 1);
	assert_string_equal(why, "no icmp layer");
	assert_int_equal(diffs_of("tcp flags=SA; arp op=reply spa=10.0.0.2", SYNACK, why, sizeof why), 3);
	assert_string_equal(why, "no arp layer");

	/* the why is optional and never overruns */
	assert_int_equal(diffs_of("tcp flags=SA", RSTACK, NULL, 0), 1);
	char tiny[8];
	assert_int_equal(diffs_of("tcp flags=SA", RSTACK, tiny, sizeof tiny), 1);
	assert_string_equal(tiny, "tcp.fla");
}

/* --expect given again: a frame matches when any alternative does; the
 * closest one's why; the head's text names them all; an alternative that
 * does not parse leaves the expectation as it was. */
static void test_alternatives(void **state)
{
	(void)state;
	struct expectation e;
	struct frame synack, rstack;
	struct diag d;
	char why[256];
	memset(&d, 0, sizeof d);
	expect_init(&e);
	assert_int_equal(expect_parse_or(&e, "tcp flags=SA", "--expect", &vs, &d), 0);
	assert_int_equal(expect_parse_or(&e, "icmp type=dest-unreach", "--expect", &vs, &d), 0);
	assert_int_equal(expect_parse_or(&e, "tcp flags=RA ack=999", "--expect", &vs, &d), 0);
	assert_int_equal(expect_parse_or(&e, "tcp flagz=S", "--expect", &vs, &d), -1);
	assert_string_equal(e.text, "tcp flags=SA or icmp type=dest-unreach or tcp flags=RA ack=999");
	frame_of(SYNACK, &synack);
	frame_of(RSTACK, &rstack);
	strcpy(why, "stale");
	assert_int_equal(expect_diffs(&e, &synack, why, sizeof why), 0);
	/* the RST: 1 field off the first and the third, 2 off the second */
	assert_int_equal(expect_diffs(&e, &rstack, why, sizeof why), 1);
	assert_string_equal(why, "tcp.flags: got RA, wanted SA");
	assert_int_equal(expect_diffs(&e, &rstack, NULL, 0), 1);
	assert_false(expect_empty(&e));
	expect_free(&e);
	assert_true(expect_empty(&e));
	assert_null(e.or);
	frame_free(&synack);
	frame_free(&rstack);
}

#define ECHO_REPLY(data) "eth dst=" US " src=" PEER "\n" \
	"ipv4 src=10.0.0.2 dst=10.0.0.1\n" \
	"icmp type=echo-reply id=0x1234 seq=7\n" \
	"payload " data "\n"

static void test_diffs_payload(void **state)
{
	(void)state;
	char why[256];
	/* every payload form compares the bytes */
	assert_int_equal(diffs_of("icmp type=echo-reply; payload text=\"abc\"",
				  ECHO_REPLY("text=\"abc\""), why, sizeof why), 0);
	assert_int_equal(diffs_of("payload hex=616263", ECHO_REPLY("text=\"abc\""),
				  why, sizeof why), 0);
	assert_int_equal(diffs_of("payload text=\"abc\"", ECHO_REPLY("hex=616263"),
				  why, sizeof why), 0);
	assert_int_equal(diffs_of("payload size=4", ECHO_REPLY("hex=00000000"),
				  why, sizeof why), 0);
	assert_int_equal(diffs_of("payload text=\"abd\"|\"abc\"", ECHO_REPLY("text=\"abc\""),
				  why, sizeof why), 0);

	/* a difference says payload */
	assert_int_equal(diffs_of("payload text=\"abd\"", ECHO_REPLY("text=\"abc\""),
				  why, sizeof why), 1);
	if (strncmp(why, "payload: ", 9) || !strstr(why, "got ") || !strstr(why, "wanted "))
		fail_msg("why: '%s'", why);
	assert_int_equal(diffs_of("payload text=\"ab\"", ECHO_REPLY("text=\"abc\""),
				  why, sizeof why), 1);
	assert_int_equal(diffs_of("payload text=\"abcd\"", ECHO_REPLY("text=\"abc\""),
				  why, sizeof why), 1);

	/* no payload at all */
	assert_int_equal(diffs_of("payload text=\"abc\"",
				  "eth dst=" US " src=" PEER "\nipv4 src=10.0.0.2 dst=10.0.0.1\n"
				  "icmp type=echo-reply id=0x1234 seq=7\n", why, sizeof why), 2);
	assert_string_equal(why, "no payload layer");
}

static bool has_either(const char *s, const char *a, const char *b)
{
	return strstr(s, a) || strstr(s, b);
}

/* A payload difference shows the bytes, not only their count: "got 3 bytes,
 * wanted 3 bytes" does not say what differed.  The same for the text. */
static void test_diffs_payload_why(void **state)
{
	(void)state;
	char why[256];
	assert_int_equal(diffs_of("payload text=\"abd\"", ECHO_REPLY("text=\"abc\""),
				  why, sizeof why), 1);
	if (!has_either(why, "ab[c]", "6162[63]") || !has_either(why, "ab[d]", "6162[64]"))
		fail_msg("why does not show the bytes: '%s'", why);
	struct expectation e;
	parse_ok(&e, "icmp type=echo-reply; payload text=\"abd\"");
	bool shown = has_either(e.text, "abd", "616264");
	char text[sizeof e.text];
	strcpy(text, e.text);
	expect_free(&e);
	if (!shown)
		fail_msg("the expectation's text does not show the bytes: '%s'", text);
}

/* Both sides in one form, text when both print and hex otherwise, around
 * the first byte that differs, in brackets; a side that ended early shows
 * [] where the other goes on. */
static void test_diffs_payload_same_form(void **state)
{
	(void)state;
	char why[256];
	diffs_of("payload text=\"Hello world!\"", ECHO_REPLY("text=\"Hello World!\""), why,
		 sizeof why);
	assert_string_equal(why, "payload: got \"Hello [W]orld!\", wanted \"Hello [w]orld!\" "
			    "(12 bytes, wanted 12; first difference at byte 6)");
	/* hex=, text=: still one form */
	diffs_of("payload hex=48656c6c6f", ECHO_REPLY("text=\"Hellp\""), why, sizeof why);
	assert_string_equal(why, "payload: got \"Hell[p]\", wanted \"Hell[o]\" "
			    "(5 bytes, wanted 5; first difference at byte 4)");
	/* a byte that does not print: both in hex */
	diffs_of("payload text=\"abc\"", ECHO_REPLY("hex=61620a"), why, sizeof why);
	assert_string_equal(why, "payload: got 6162[0a], wanted 6162[63] "
			    "(3 bytes, wanted 3; first difference at byte 2)");
	/* shorter than wanted */
	diffs_of("payload text=\"abcd\"", ECHO_REPLY("text=\"abc\""), why, sizeof why);
	assert_string_equal(why, "payload: got \"abc[]\", wanted \"abc[d]\" "
			    "(3 bytes, wanted 4; first difference at byte 3)");
	/* a long one: a window around the difference */
	diffs_of("payload text=\"0123456789abcdefghijklmnopqrstuvwxyz\"",
		 ECHO_REPLY("text=\"0123456789abcdefghiJklmnopqrstuvwxyz\""), why, sizeof why);
	assert_string_equal(why, "payload: got \"...789abcdefghi[J]klmnopqrstuv...\", wanted "
			    "\"...789abcdefghi[j]klmnopqrstuv...\" (36 bytes, wanted 36; first "
			    "difference at byte 19)");
	/* of alternatives, the closest */
	diffs_of("payload text=\"xyz\"|\"abd\"", ECHO_REPLY("text=\"abc\""), why, sizeof why);
	assert_string_equal(why, "payload: got \"ab[c]\", wanted \"ab[d]\" "
			    "(3 bytes, wanted 3; first difference at byte 2)");
}

/* A '|' inside a quoted text is part of the text, not an alternative. */
static void test_diffs_payload_quoted_bar(void **state)
{
	(void)state;
	char why[256];
	if (diffs_of("payload text=\"a|b\"", ECHO_REPLY("text=\"a|b\""), why, sizeof why))
		fail_msg("\"a|b\" split into alternatives: %s", why);
	assert_int_equal(diffs_of("payload text=\"a|b\"", ECHO_REPLY("text=\"a\""),
				  why, sizeof why), 1);
}

/* --- reply scopes ------------------------------------------------------------ */

/* What a scenario sent: the frame the next one must answer. */
struct scope {
	struct frame sent;
};

/* The one scope a test works with: freed by the next setup and by the
 * test's teardown, so a failed assertion (a longjmp) leaks nothing. */
static struct scope cur;

static void scope_teardown(struct scope *s)
{
	frame_free(&s->sent);
}

static void scope_setup(struct scope *s, const char *sent)
{
	scope_teardown(s);
	frame_of(sent, &s->sent);
}

static int free_scope(void **state)
{
	(void)state;
	scope_teardown(&cur);
	return 0;
}

/* Whether the frame built from `pkt` answers what `s` sent (flow.h's one
 * rule, ack checked); `how` 1: directly only, 2: as an ICMP error only. */
static bool answers(const struct scope *s, const char *pkt, int how)
{
	struct frame f;
	frame_of(pkt, &f);
	bool quoted = frame_own_layers(&f) < f.nlayers;
	bool yes = flow_answers(&s->sent, &f, true) &&
		   (how == 0 || (how == 1 && !quoted) || (how == 2 && quoted));
	frame_free(&f);
	return yes;
}

/* The scope tells yes or no; why a frame came close is the match lines' job. */
#define in_scope(s, pkt, why, len) ((void)(why), (void)(len), answers(s, pkt, 0))
#define direct_only(s, pkt) answers(s, pkt, 1)
#define quoting(s, pkt) answers(s, pkt, 2)

#define FROM_PEER "eth dst=" US " src=" PEER "\nipv4 src=10.0.0.2 dst=10.0.0.1\n"
#define SYN "eth dst=" PEER "\nipv4 dst=10.0.0.2\ntcp sport=40000 dport=80 flags=S seq=100\n"

static void test_scope_tcp_syn(void **state)
{
	(void)state;
	struct scope *s = &cur;
	char why[256];
	scope_setup(s, SYN);

	/* SYN/ACK and RST/ACK with addresses and ports swapped, ack = seq + 1 */
	assert_true(in_scope(s, FROM_PEER "tcp sport=80 dport=40000 flags=SA seq=9 ack=101\n",
			     why, sizeof why));
	assert_true(in_scope(s, FROM_PEER "tcp sport=80 dport=40000 flags=RA seq=0 ack=101\n",
			     why, sizeof why));
	/* other ports: another conversation */
	assert_false(in_scope(s, FROM_PEER "tcp sport=81 dport=40000 flags=SA ack=101\n",
			      why, sizeof why));
	assert_false(in_scope(s, FROM_PEER "tcp sport=80 dport=40001 flags=SA ack=101\n",
			      why, sizeof why));
	/* other addresses */
	assert_false(in_scope(s, "eth dst=" US "\nipv4 src=10.0.0.3 dst=10.0.0.1\n"
			      "tcp sport=80 dport=40000 flags=SA ack=101\n", why, sizeof why));
	assert_false(in_scope(s, "eth dst=" US "\nipv4 src=10.0.0.2 dst=10.0.0.9\n"
			      "tcp sport=80 dport=40000 flags=SA ack=101\n", why, sizeof why));
	/* our own SYN seen again is not a reply */
	assert_false(in_scope(s, SYN, why, sizeof why));
	/* not TCP at all */
	assert_false(in_scope(s, FROM_PEER "udp sport=80 dport=40000\n", why, sizeof why));
	scope_teardown(s);
}

/* A reply to somebody else's SYN on the same ports does not acknowledge ours. */
static void test_scope_tcp_syn_ack_number(void **state)
{
	(void)state;
	struct scope *s = &cur;
	char why[256];
	scope_setup(s, SYN);
	assert_false(in_scope(s, FROM_PEER "tcp sport=80 dport=40000 flags=SA seq=9 ack=100\n",
			      why, sizeof why));
	assert_false(in_scope(s, FROM_PEER "tcp sport=80 dport=40000 flags=RA ack=5001\n",
			      why, sizeof why));
	scope_teardown(s);

	/* seq + 1 wraps at 32 bits */
	scope_setup(s, "eth dst=" PEER "\nipv4 dst=10.0.0.2\n"
		    "tcp sport=40000 dport=80 flags=S seq=4294967295\n");
	assert_true(in_scope(s, FROM_PEER "tcp sport=80 dport=40000 flags=SA ack=0\n",
			     why, sizeof why));
	scope_teardown(s);
}

/* A SYN carrying data: Linux answers SYN/ACK for seq + 1 (the data is not
 * taken without TCP Fast Open), a closed port RST/ACK for seq + 1 + len
 * (RFC 9293 3.10.7.1).  Both answer the probe. */
static void test_scope_tcp_syn_with_data(void **state)
{
	(void)state;
	struct scope *s = &cur;
	char why[256];
	scope_setup(s, SYN "payload text=\"abc\"\n");
	assert_true(in_scope(s, FROM_PEER "tcp sport=80 dport=40000 flags=RA seq=0 ack=104\n",
			     why, sizeof why));
	if (!in_scope(s, FROM_PEER "tcp sport=80 dport=40000 flags=SA seq=9 ack=101\n",
		      why, sizeof why))
		fail_msg("SYN/ACK for seq + 1 refused: %s", why);
	scope_teardown(s);
}

/* A segment with ACK set: the reply's ack is not predictable; ports decide. */
static void test_scope_tcp_ack(void **state)
{
	(void)state;
	struct scope *s = &cur;
	char why[256];
	scope_setup(s, "eth dst=" PEER "\nipv4 dst=10.0.0.2\n"
		    "tcp sport=40000 dport=80 flags=PA seq=101 ack=5001\npayload text=\"hello\"\n");
	assert_true(in_scope(s, FROM_PEER "tcp sport=80 dport=40000 flags=A seq=5001 ack=106\n",
			     why, sizeof why));
	assert_true(in_scope(s, FROM_PEER "tcp sport=80 dport=40000 flags=A seq=5001 ack=101\n",
			     why, sizeof why));
	assert_false(in_scope(s, FROM_PEER "tcp sport=80 dport=40001 flags=A ack=106\n",
			      why, sizeof why));
	scope_teardown(s);
}

static void test_scope_udp(void **state)
{
	(void)state;
	struct scope *s = &cur;
	char why[256];
	scope_setup(s, "eth dst=" PEER "\nipv4 dst=10.0.0.2\nudp sport=5353 dport=53\n"
		    "payload text=\"q\"\n");
	assert_true(in_scope(s, FROM_PEER "udp sport=53 dport=5353\npayload text=\"a\"\n",
			     why, sizeof why));
	assert_false(in_scope(s, FROM_PEER "udp sport=53 dport=5354\n", why, sizeof why));
	assert_false(in_scope(s, FROM_PEER "tcp sport=53 dport=5353 flags=RA\n", why, sizeof why));
	scope_teardown(s);
}

#define PING "eth dst=" PEER "\nipv4 dst=10.0.0.2\nicmp type=echo-request id=0x1234 seq=7\n" \
	"payload text=\"abc\"\n"

static void test_scope_icmp_echo(void **state)
{
	(void)state;
	struct scope *s = &cur;
	char why[256];
	scope_setup(s, PING);
	assert_true(in_scope(s, ECHO_REPLY("text=\"abc\""), why, sizeof why));
	assert_false(in_scope(s, FROM_PEER "icmp type=echo-reply id=0x1235 seq=7\n",
			      why, sizeof why));
	assert_false(in_scope(s, FROM_PEER "icmp type=echo-reply id=0x1234 seq=8\n",
			      why, sizeof why));
	assert_false(in_scope(s, "eth dst=" US "\nipv4 src=10.0.0.3 dst=10.0.0.1\n"
			      "icmp type=echo-reply id=0x1234 seq=7\n", why, sizeof why));
	scope_teardown(s);

	/* a broadcast ping: any host may answer, the id and seq still decide */
	scope_setup(s, "eth dst=ff:ff:ff:ff:ff:ff\nipv4 dst=10.0.0.255\n"
		    "icmp type=echo-request id=0x1234 seq=7\n");
	assert_true(in_scope(s, "eth dst=" US "\nipv4 src=10.0.0.3 dst=10.0.0.1\n"
			     "icmp type=echo-reply id=0x1234 seq=7\n", why, sizeof why));
	assert_false(in_scope(s, "eth dst=" US "\nipv4 src=10.0.0.3 dst=10.0.0.1\n"
			      "icmp type=echo-reply id=0x1234 seq=9\n", why, sizeof why));
	scope_teardown(s);
}

#define WHO_HAS "arp tpa=10.0.0.2\n"
#define ARP_REPLY(spa, tpa) "eth dst=" US " src=" PEER "\n" \
	"arp op=reply sha=" PEER " spa=" spa " tha=" US " tpa=" tpa "\n"

static void test_scope_arp(void **state)
{
	(void)state;
	struct scope *s = &cur;
	char why[256];
	scope_setup(s, WHO_HAS);
	/* the answer comes from the address we asked for */
	assert_true(in_scope(s, ARP_REPLY("10.0.0.2", "10.0.0.1"), why, sizeof why));
	assert_false(in_scope(s, ARP_REPLY("10.0.0.3", "10.0.0.1"), why, sizeof why));
	assert_false(in_scope(s, FROM_PEER "icmp type=echo-reply\n", why, sizeof why));
	scope_teardown(s);

	/* a gratuitous ARP (spa == tpa) asks nobody: anything answers it */
	scope_setup(s, "arp spa=10.0.0.1 tpa=10.0.0.1\n");
	assert_true(in_scope(s, FROM_PEER "icmp type=echo-reply\n", why, sizeof why));
	scope_teardown(s);

	/* a bare Ethernet frame: nothing scopes its replies */
	scope_setup(s, "eth dst=" PEER " type=0x88b5\npayload text=\"x\"\n");
	assert_true(in_scope(s, FROM_PEER "udp sport=1 dport=2\n", why, sizeof why));
	scope_teardown(s);
}

/* An ICMP error from `src` quoting `quoted` (the IPv4 line and what follows). */
#define ICMP_ERROR(src, type, quoted) "eth dst=" US "\n" \
	"ipv4 src=" src " dst=10.0.0.1\n" \
	"icmp type=" type "\n" quoted

static void test_scope_icmp_errors(void **state)
{
	(void)state;
	struct scope *s = &cur;
	char why[256];

	/* a UDP datagram to a closed port: port unreachable from the peer */
	scope_setup(s, "eth dst=" PEER "\nipv4 dst=10.0.0.2\nudp sport=5353 dport=53\n");
	const char *unreach = ICMP_ERROR("10.0.0.2", "dest-unreach code=3",
		"ipv4 src=10.0.0.1 dst=10.0.0.2\nudp sport=5353 dport=53\n");
	assert_true(quoting(s, unreach));
	assert_false(direct_only(s, unreach));
	assert_true(in_scope(s, unreach, why, sizeof why));
	/* quoting another datagram: not ours */
	assert_false(in_scope(s, ICMP_ERROR("10.0.0.2", "dest-unreach code=3",
		"ipv4 src=10.0.0.1 dst=10.0.0.2\nudp sport=5354 dport=53\n"), why, sizeof why));
	assert_false(in_scope(s, ICMP_ERROR("10.0.0.2", "dest-unreach code=3",
		"ipv4 src=10.0.0.1 dst=10.0.0.3\nudp sport=5353 dport=53\n"), why, sizeof why));
	/* a router on the way may send it (time exceeded) */
	assert_true(in_scope(s, ICMP_ERROR("10.0.0.254", "time-exceeded",
		"ipv4 src=10.0.0.1 dst=10.0.0.2 ttl=1\nudp sport=5353 dport=53\n"), why, sizeof why));
	/* the frame's own UDP header does not count as quoted */
	assert_false(quoting(s, FROM_PEER "udp sport=53 dport=5353\n"));
	scope_teardown(s);

	/* a SYN filtered by a firewall: admin prohibited, quoting the SYN */
	scope_setup(s, SYN);
	assert_true(in_scope(s, ICMP_ERROR("10.0.0.2", "dest-unreach code=13",
		"ipv4 src=10.0.0.1 dst=10.0.0.2\ntcp sport=40000 dport=80 flags=S seq=100\n"),
		why, sizeof why));
	assert_false(in_scope(s, ICMP_ERROR("10.0.0.2", "dest-unreach code=13",
		"ipv4 src=10.0.0.1 dst=10.0.0.2\ntcp sport=40000 dport=81 flags=S seq=100\n"),
		why, sizeof why));
	scope_teardown(s);

	/* a ping that cannot be delivered: the error quotes its id and seq */
	scope_setup(s, PING);
	assert_true(in_scope(s, ICMP_ERROR("10.0.0.254", "dest-unreach code=1",
		"ipv4 src=10.0.0.1 dst=10.0.0.2\nicmp type=echo-request id=0x1234 seq=7\n"),
		why, sizeof why));
	assert_false(in_scope(s, ICMP_ERROR("10.0.0.254", "dest-unreach code=1",
		"ipv4 src=10.0.0.1 dst=10.0.0.2\nicmp type=echo-request id=0x1234 seq=8\n"),
		why, sizeof why));
	/* an echo reply is not an error quoting anything */
	assert_false(quoting(s, ECHO_REPLY("text=\"abc\"")));
	scope_teardown(s);
}

/* A source-routed ping: the route's last hop answers, and a router on the
 * way quotes the datagram as it forwarded it (dst the next hop). */
static void test_scope_source_route(void **state)
{
	(void)state;
	struct scope *s = &cur;
	char why[256];
	scope_setup(s, "eth dst=" PEER "\nipv4 dst=10.0.0.9 opts=lsrr:10.0.0.3\n"
		    "icmp type=echo-request id=0x1234 seq=7\n");
	const char *reply = "eth dst=" US "\nipv4 src=10.0.0.3 dst=10.0.0.1\n"
		"icmp type=echo-reply id=0x1234 seq=7\n";
	assert_true(in_scope(s, reply, why, sizeof why));
	assert_false(in_scope(s, "eth dst=" US "\nipv4 src=10.0.0.9 dst=10.0.0.1\n"
			      "icmp type=echo-reply id=0x1234 seq=7\n", why, sizeof why));
	/* quoted on the way (route unfinished) and at its end (pointer past it) */
	assert_true(quoting(s, ICMP_ERROR("10.0.0.9", "time-exceeded",
		"ipv4 src=10.0.0.1 dst=10.0.0.9 opts=lsrr:10.0.0.3\n"
		"icmp type=echo-request id=0x1234 seq=7\n")));
	assert_true(quoting(s, ICMP_ERROR("10.0.0.3", "dest-unreach code=2",
		"ipv4 src=10.0.0.1 dst=10.0.0.3 opts=raw:131:080a000009\n"
		"icmp type=echo-request id=0x1234 seq=7\n")));
	scope_teardown(s);
}

/* ICMPv6 echo: its reply by id and seq; an error (packet too big from a
 * router) by the echo it quotes. */
static void test_scope_icmp6_echo(void **state)
{
	(void)state;
	struct scope *s = &cur;
	char why[256];
#define FROM6(src) "eth dst=" US "\nipv6 src=" src " dst=2001:db8::aa\n"
	scope_setup(s, "eth dst=" PEER "\nipv6 dst=2001:db8::2\nicmp6 type=echo-request id=7 seq=3\n");
	assert_true(in_scope(s, FROM6("2001:db8::2") "icmp6 type=echo-reply id=7 seq=3\n", why, sizeof why));
	assert_false(in_scope(s, FROM6("2001:db8::2") "icmp6 type=echo-reply id=7 seq=4\n", why, sizeof why));
	assert_false(in_scope(s, FROM6("2001:db8::2") "icmp6 type=echo-reply id=8 seq=3\n", why, sizeof why));
	const char *quoted = "ipv6 src=2001:db8::aa dst=2001:db8::2\nicmp6 type=echo-request id=7 seq=";
	char ptb[400];
	snprintf(ptb, sizeof ptb, "%sicmp6 type=packet-too-big mtu=1280\n%s3\n", FROM6("2001:db8::fe"), quoted);
	assert_true(in_scope(s, ptb, why, sizeof why));
	snprintf(ptb, sizeof ptb, "%sicmp6 type=time-exceeded\n%s4\n", FROM6("2001:db8::fe"), quoted);
	assert_false(in_scope(s, ptb, why, sizeof why));
#undef FROM6
	scope_teardown(s);
}

/* An error quoting a probe behind extension headers is matched by the
 * quoted upper layer; a solicitation answers no solicitation (someone
 * else's RS to the routers, a NUD probe for the same target). */
static void test_scope_icmp6_ext_and_nd(void **state)
{
	(void)state;
	struct scope *s = &cur;
	char why[256], err[600];
#define FROM6(src) "eth dst=" US "\nipv6 src=" src " dst=2001:db8::aa\n"
	scope_setup(s, "eth dst=" PEER "\nipv6 dst=2001:db8::2\nhopopts\nfragment id=9\n"
		    "icmp6 type=echo-request id=7 seq=1\n");
	snprintf(err, sizeof err, "%sicmp6 type=param-problem code=1 ptr=40\n"
		 "ipv6 src=2001:db8::aa dst=2001:db8::2\nhopopts\nfragment id=9\n"
		 "icmp6 type=echo-request id=7 seq=%d\n", FROM6("2001:db8::2"), 1);
	assert_true(in_scope(s, err, why, sizeof why));
	snprintf(err, sizeof err, "%sicmp6 type=param-problem code=1 ptr=40\n"
		 "ipv6 src=2001:db8::aa dst=2001:db8::2\nhopopts\nfragment id=9\n"
		 "icmp6 type=echo-request id=7 seq=%d\n", FROM6("2001:db8::2"), 2);
	assert_false(in_scope(s, err, why, sizeof why));
	scope_teardown(s);

	scope_setup(s, "eth dst=" PEER "\nipv6 dst=ff02::2\nicmp6 type=router-solicit\n");
	assert_true(in_scope(s, FROM6("fe80::1") "icmp6 type=router-advert\n", why, sizeof why));
	assert_false(in_scope(s, "eth dst=" US "\nipv6 src=fe80::77 dst=ff02::2\n"
			      "icmp6 type=router-solicit\n", why, sizeof why));
	scope_teardown(s);

	scope_setup(s, "eth dst=" PEER "\nipv6\nicmp6 type=neighbor-solicit target=2001:db8::2\n");
	assert_true(in_scope(s, FROM6("2001:db8::2") "icmp6 type=neighbor-advert target=2001:db8::2\n",
			     why, sizeof why));
	assert_false(in_scope(s, FROM6("2001:db8::fe") "icmp6 type=neighbor-solicit target=2001:db8::2\n",
			      why, sizeof why));
#undef FROM6
	scope_teardown(s);
}

/* --- the BPF pre-filter ---------------------------------------------------- */

/* Compiles `filter` for Ethernet; true if `pkt` built and run through it passes. */
static bool bpf_passes(const char *filter, const char *pkt)
{
	pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
	struct bpf_program prog;
	assert_non_null(p);
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN))
		fail_msg("pcap_compile '%s': %s", filter, pcap_geterr(p));
	struct frame f;
	frame_of(pkt, &f);
	struct pcap_pkthdr h = { .caplen = (bpf_u_int32)f.len, .len = (bpf_u_int32)f.len };
	bool pass = pcap_offline_filter(&prog, &h, f.bytes) != 0;
	frame_free(&f);
	pcap_freecode(&prog);
	pcap_close(p);
	return pass;
}

static void bpf_of(const char *sent, char *buf, size_t len)
{
	struct frame f;
	frame_of(sent, &f);
	scope_bpf(&f, buf, len);
	frame_free(&f);
}

static void test_scope_bpf(void **state)
{
	(void)state;
	char bpf[512];

	bpf_of(SYN, bpf, sizeof bpf);
	if (!strstr(bpf, "dst host 10.0.0.1") || !strstr(bpf, "src host 10.0.0.2") ||
	    !strstr(bpf, "tcp"))
		fail_msg("SYN: '%s'", bpf);
	assert_true(bpf_passes(bpf, FROM_PEER "tcp sport=80 dport=40000 flags=SA ack=101\n"));
	assert_true(bpf_passes(bpf, ICMP_ERROR("10.0.0.254", "dest-unreach code=13",
		"ipv4 src=10.0.0.1 dst=10.0.0.2\ntcp sport=40000 dport=80 flags=S seq=100\n")));
	assert_false(bpf_passes(bpf, SYN));	/* our own, outgoing */
	assert_false(bpf_passes(bpf, FROM_PEER "udp sport=80 dport=40000\n"));
	assert_false(bpf_passes(bpf, ARP_REPLY("10.0.0.2", "10.0.0.1")));

	bpf_of(PING, bpf, sizeof bpf);
	assert_non_null(strstr(bpf, "dst host 10.0.0.1"));
	assert_true(bpf_passes(bpf, ECHO_REPLY("text=\"abc\"")));
	assert_false(bpf_passes(bpf, FROM_PEER "tcp sport=80 dport=40000 flags=SA\n"));

	/* a source route: the reply comes from its last hop */
	bpf_of("eth dst=" PEER "\nipv4 dst=10.0.0.9 opts=lsrr:10.0.0.3\nudp sport=1 dport=2\n",
	       bpf, sizeof bpf);
	assert_true(bpf_passes(bpf, "eth dst=" US "\nipv4 src=10.0.0.3 dst=10.0.0.1\n"
			       "udp sport=2 dport=1\n"));

	/* broadcast: any source */
	bpf_of("eth dst=ff:ff:ff:ff:ff:ff\nipv4 dst=10.0.0.255\nicmp id=1\n", bpf, sizeof bpf);
	assert_null(strstr(bpf, "src host"));
	assert_true(bpf_passes(bpf, "eth dst=" US "\nipv4 src=10.0.0.3 dst=10.0.0.1\n"
			       "icmp type=echo-reply id=1\n"));

	/* ARP, and ARP behind an 802.1Q tag */
	bpf_of(WHO_HAS, bpf, sizeof bpf);
	assert_string_equal(bpf, "arp");
	assert_true(bpf_passes(bpf, ARP_REPLY("10.0.0.2", "10.0.0.1")));
	assert_false(bpf_passes(bpf, ECHO_REPLY("text=\"abc\"")));
	bpf_of("eth dst=" PEER "\nvlan id=10\nipv4 dst=10.0.0.2\nudp sport=1 dport=2\n",
	       bpf, sizeof bpf);
	assert_true(bpf_passes(bpf, "eth dst=" US "\nvlan id=10\nipv4 src=10.0.0.2 dst=10.0.0.1\n"
			       "udp sport=2 dport=1\n"));
	assert_false(bpf_passes(bpf, FROM_PEER "udp sport=2 dport=1\n"));

	/* Its next hop's lookup: the ARP reply comes tagged as the template is,
	 * or untagged; a tagged reply on another VLAN is let in too (the
	 * lookup reads the address it answers for). */
	struct frame f;
	frame_of("eth src=" US " dst=" PEER "\nvlan id=10\nipv4 dst=10.0.0.2\nudp sport=1 dport=2\n",
		 &f);
	assert_true(exchange_bpf(&f, true, bpf, sizeof bpf));
	frame_free(&f);
	assert_true(bpf_passes(bpf, "eth dst=" US " src=" PEER "\nvlan id=10\narp op=reply sha=" PEER
			       " spa=10.0.0.2 tha=" US " tpa=10.0.0.1\n"));
	assert_true(bpf_passes(bpf, ARP_REPLY("10.0.0.2", "10.0.0.1")));
	assert_true(bpf_passes(bpf, "eth dst=" US " src=" PEER "\nvlan id=20\narp op=reply sha=" PEER
			       " spa=10.0.0.2 tha=" US " tpa=10.0.0.1\n"));
	assert_false(bpf_passes(bpf, "eth dst=" US " src=" PEER "\nvlan id=10\narp op=request sha="
				PEER " spa=10.0.0.2 tha=" US " tpa=10.0.0.1\n"));

	/* Duplicate address detection: asked from ::, answered to all-nodes. */
	bpf_of("ipv6 src=::\nicmp6 type=neighbor-solicit target=2001:db8::2\n", bpf, sizeof bpf);
	assert_null(strstr(bpf, "dst host"));
	assert_true(bpf_passes(bpf, "eth dst=33:33:00:00:00:01\nipv6 src=2001:db8::2 dst=ff02::1\n"
			       "icmp6 type=neighbor-advert target=2001:db8::2 flags=O\n"));
	/* from our own address: answered to it */
	bpf_of("ipv6\nicmp6 type=neighbor-solicit target=2001:db8::2\n", bpf, sizeof bpf);
	assert_non_null(strstr(bpf, "dst host fe80::aa"));
}

/* A solicitation without a destination is routed by its target. */
static void test_destination_of_solicitation(void **state)
{
	(void)state;
	struct template_ctx tc = { .file = "t.pkt", .vars = &vs };
	struct frame f;
	struct diag d;
	char text[] = "ipv6\nicmp6 type=neighbor-solicit target=2001:db8::2\n", a[ADDR_STRLEN];
	assert_int_equal(template_parse(&tc, text, strlen(text), &f, &d), 0);
	struct addr to = frame_destination(&f);
	addr_format(&to, a, sizeof a);
	assert_string_equal(a, "2001:db8::2");
	frame_free(&f);
	char echo[] = "ipv6 src=2001:db8::1\nicmp6 type=echo-request\n";
	assert_int_not_equal(template_parse(&tc, echo, strlen(echo), &f, &d), 0);	/* dst required */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_one_line),
		cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_parse_alternatives),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_diffs),
		cmocka_unit_test(test_alternatives),
		cmocka_unit_test(test_diffs_payload),
		cmocka_unit_test(test_diffs_payload_why),
		cmocka_unit_test(test_diffs_payload_quoted_bar),
		cmocka_unit_test_teardown(test_scope_tcp_syn, free_scope),
		cmocka_unit_test_teardown(test_scope_tcp_syn_ack_number, free_scope),
		cmocka_unit_test_teardown(test_scope_tcp_syn_with_data, free_scope),
		cmocka_unit_test_teardown(test_scope_tcp_ack, free_scope),
		cmocka_unit_test_teardown(test_scope_udp, free_scope),
		cmocka_unit_test_teardown(test_scope_icmp_echo, free_scope),
		cmocka_unit_test_teardown(test_scope_arp, free_scope),
		cmocka_unit_test(test_diffs_payload_same_form),
		cmocka_unit_test_teardown(test_scope_icmp_errors, free_scope),
		cmocka_unit_test_teardown(test_scope_source_route, free_scope),
		cmocka_unit_test_teardown(test_scope_icmp6_echo, free_scope),
		cmocka_unit_test_teardown(test_scope_icmp6_ext_and_nd, free_scope),
		cmocka_unit_test_teardown(test_scope_bpf, free_scope),
		cmocka_unit_test(test_destination_of_solicitation),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
