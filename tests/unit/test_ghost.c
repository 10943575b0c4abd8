/*
 * test_ghost.c - what --ghost answers (craft/engine/ghost.c): a neighbour
 * solicitation for the ghost's IPv6 address, to its solicited-node group
 * or to the address itself, with a solicited advertisement (S and O, the
 * ghost's MAC as the target option, to the asker); a duplicate address
 * probe with an unsolicited one to all nodes; ICMPv6 and ICMP echo with
 * replies of the same id, seq and data; and nothing for a solicitation
 * that is not valid ND, for another address, or for the headers an ICMP
 * error quotes.  Frames are built from templates and decoded, as the
 * runner sees them; each reply is resolved, built and decoded again.
 * Also frame_destination of a solicitation without dst: its target.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../../craft/builder/build.h"
#include "../../craft/builder/resolve.h"
#include "../../craft/decode/decode.h"
#include "../../craft/engine/ghost.h"
#include "../../craft/lang/template.h"
#include "../../craft/proto/proto.h"
#include "../../craft/util/rng.h"
#include "fixture.h"

/* The asker is the fake interface (2001:db8::aa, 02:00:00:00:00:aa); the
 * ghost is 2001:db8::99 and 10.0.0.99 at 02:00:00:00:00:99. */
#define GHOST6 "2001:db8::99"
#define GHOST_MAC UINT64_C(0x020000000099)

static struct iface ghost6, ghost4;

static int group_setup(void **state)
{
	(void)state;
	ghost6 = fake_if;
	ghost6.mac = GHOST_MAC;
	ghost6.has_ip = ghost6.has_ll6 = false;
	assert_int_equal(addr_parse(GHOST6, strlen(GHOST6), &ghost6.ip6), 0);
	ghost4 = fake_if;
	ghost4.mac = GHOST_MAC;
	ghost4.ip = 0x0a000063;
	ghost4.has_ip6 = ghost4.has_ll6 = false;
	return fixture_open(NULL);
}

static void parse(const char *text, struct frame *f)
{
	struct template_ctx tc = { .file = "t.pkt", .vars = &vs };
	struct diag d;
	memset(&d, 0, sizeof d);
	if (template_parse(&tc, text, strlen(text), f, &d))
		fail_msg("template: %u:%u %s\n%s", d.line, d.col, d.msg, text);
}

/* Resolves and builds `f` as `ifc` would send it, and decodes the bytes. */
static void built(struct frame *f, const struct iface *ifc, struct frame *out)
{
	struct resolve_env env = { .file = "t.pkt", .iface = ifc };
	struct rng rng;
	struct diag d;
	memset(&d, 0, sizeof d);
	rng_seed(&rng, 7);
	env.rng = &rng;
	if (frame_resolve(f, &env, &d) || build_frame(bld, f, &d)) {
		frame_free(f);
		fail_msg("build: %u:%u %s", d.line, d.col, d.msg);
	}
	decode_frame(f->bytes, f->len, f->len, LINK_ETHERNET, out);
	frame_free(f);
}

/* What the asker's frame `text` gets from `ghost`, decoded; false if none. */
static bool answer(const struct iface *ghost, const char *text, struct frame *reply)
{
	struct frame f, asked, out;
	parse(text, &f);
	built(&f, &fake_if, &asked);
	bool got = ghost_reply(ghost, &asked, &out);
	frame_free(&asked);
	if (got)
		built(&out, ghost, reply);
	else
		frame_free(&out);
	return got;
}

static const struct layer *find(const struct frame *f, enum layer_id id)
{
	const struct layer *l = frame_find(f, f->nlayers, id);
	if (!l)
		fail_msg("no %s layer", craft_layers[id]->name);
	return l;
}

static void assert_addr(const struct layer *l, int k, const char *want)
{
	char got[ADDR_STRLEN];
	struct addr a = layer_addr(l, k);
	addr_format(&a, got, sizeof got);
	assert_string_equal(got, want);
}

/* An advertisement of the ghost: valid ND, the target option its MAC. */
static void assert_advert(const struct frame *r, uint64_t eth_dst, const char *dst, uint64_t flags)
{
	const struct layer *ip = find(r, L_IPV6), *na = find(r, L_ICMP6);
	uint64_t tll = 0;
	assert_int_equal(lv(&r->layer[0], ETH_SRC), GHOST_MAC);
	assert_int_equal(lv(&r->layer[0], ETH_DST), eth_dst);
	assert_addr(ip, IPV6_SRC, GHOST6);
	assert_addr(ip, IPV6_DST, dst);
	assert_int_equal(lv(ip, IPV6_HLIM), 255);
	assert_int_equal(lv(na, ICMP6_TYPE), ICMP6_NEIGHBOR_ADVERT);
	assert_int_equal(na->csum, CS_CORRECT);
	assert_int_equal(lv(na, ICMP6_NAFLAGS), flags);
	assert_addr(na, ICMP6_TARGET, GHOST6);
	assert_true(nd_opt_mac(na->val[ICMP6_OPTS].bytes, na->val[ICMP6_OPTS].len,
			       ND_OPT_TARGET_LL, &tll));
	assert_int_equal(tll, GHOST_MAC);
}

/* To the group and from a link-local address (the group is link-scoped);
 * unicast (a cache entry being confirmed) without a source link-layer
 * option: to the asker's Ethernet source; a duplicate address probe. */
static void test_ns_answered(void **state)
{
	(void)state;
	static const struct {
		const char *asked, *dst;
		uint64_t eth_dst, flags;
	} cases[] = {
		{ "ipv6\nicmp6 type=neighbor-solicit target=" GHOST6 " opts=sll:auto\n",
		  "fe80::aa", UINT64_C(0x0200000000aa), 0x60000000u },
		{ "eth dst=02:00:00:00:00:99\nipv6 dst=" GHOST6 "\nicmp6 type=neighbor-solicit target="
		  GHOST6 "\n", "2001:db8::aa", UINT64_C(0x0200000000aa), 0x60000000u },
		{ "ipv6 src=::\nicmp6 type=neighbor-solicit target=" GHOST6 "\n",
		  "ff02::1", UINT64_C(0x333300000001), 0x20000000u },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct frame r;
		assert_true(answer(&ghost6, cases[i].asked, &r));
		assert_advert(&r, cases[i].eth_dst, cases[i].dst, cases[i].flags);
		frame_free(&r);
	}
}

static void test_ns_not_ours(void **state)
{
	(void)state;
	struct frame r;
	/* Another target; a hop limit routers could have touched; a code
	 * other than 0; the wrong group; a bad checksum; the ghost asking. */
	assert_false(answer(&ghost6, "ipv6\nicmp6 type=neighbor-solicit target=2001:db8::98\n", &r));
	assert_false(answer(&ghost6, "ipv6 hlim=64\nicmp6 type=neighbor-solicit target=" GHOST6 "\n", &r));
	assert_false(answer(&ghost6, "ipv6\nicmp6 type=neighbor-solicit code=1 target=" GHOST6 "\n", &r));
	assert_false(answer(&ghost6, "ipv6 dst=ff02::1\nicmp6 type=neighbor-solicit target=" GHOST6 "\n", &r));
	assert_false(answer(&ghost6, "ipv6\nicmp6 type=neighbor-solicit csum=1 target=" GHOST6 "\n", &r));
	assert_false(answer(&ghost6, "ipv6 src=" GHOST6 "\nicmp6 type=neighbor-solicit target=" GHOST6 "\n", &r));
	/* An IPv4 ghost has no IPv6 address to answer for. */
	assert_false(answer(&ghost4, "ipv6\nicmp6 type=neighbor-solicit target=" GHOST6 "\n", &r));
}

static void test_echo6(void **state)
{
	(void)state;
	struct frame r;
	assert_true(answer(&ghost6, "eth dst=02:00:00:00:00:99\nipv6 dst=" GHOST6
			   "\nicmp6 type=echo-request id=77 seq=5\npayload text=\"ping\"\n", &r));
	const struct layer *ip = find(&r, L_IPV6), *echo = find(&r, L_ICMP6), *pl = find(&r, L_PAYLOAD);
	assert_int_equal(lv(&r.layer[0], ETH_DST), UINT64_C(0x0200000000aa));
	assert_addr(ip, IPV6_SRC, GHOST6);
	assert_addr(ip, IPV6_DST, "2001:db8::aa");
	assert_int_equal(lv(echo, ICMP6_TYPE), ICMP6_ECHO_REPLY);
	assert_int_equal(echo->csum, CS_CORRECT);
	assert_int_equal(lv(echo, ICMP6_ID), 77);
	assert_int_equal(lv(echo, ICMP6_SEQ), 5);
	assert_int_equal(pl->val[PL_HEX].len, 4);
	assert_memory_equal(pl->val[PL_HEX].bytes, "ping", 4);
	frame_free(&r);
	assert_false(answer(&ghost6, "eth dst=02:00:00:00:00:99\nipv6 dst=2001:db8::98\n"
			    "icmp6 type=echo-request\n", &r));
}

/* An error quoting an echo request to the ghost asks it nothing. */
static void test_quoted_not_answered(void **state)
{
	(void)state;
	struct frame r;
	assert_false(answer(&ghost4, "eth dst=02:00:00:00:00:99\nipv4 dst=10.0.0.2\n"
			    "icmp type=dest-unreach code=3\nipv4 src=10.0.0.2 dst=10.0.0.99\n"
			    "icmp type=echo-request\n", &r));
	assert_false(answer(&ghost6, "eth dst=02:00:00:00:00:99\nipv6 dst=2001:db8::2\n"
			    "icmp6 type=dest-unreach code=4\nipv6 src=2001:db8::2 dst=" GHOST6 "\n"
			    "icmp6 type=echo-request\n", &r));
	/* The same echo request, not quoted, is answered. */
	assert_true(answer(&ghost4, "eth dst=02:00:00:00:00:99\nipv4 dst=10.0.0.99\n"
			   "icmp type=echo-request\n", &r));
	assert_int_equal(lv(find(&r, L_ICMP), ICMP_TYPE), ICMP_ECHO_REPLY);
	frame_free(&r);
}

/* A solicitation left without dst is routed by its target (its group
 * is no destination a route says anything about). */
static void test_ns_destination(void **state)
{
	(void)state;
	struct frame f;
	char got[ADDR_STRLEN];
	parse("ipv6\nicmp6 type=neighbor-solicit target=2001:db8::2\n", &f);
	struct addr to = frame_destination(&f);
	addr_format(&to, got, sizeof got);
	assert_string_equal(got, "2001:db8::2");
	frame_free(&f);
	parse("ipv6 dst=ff02::1\nicmp6 type=neighbor-solicit target=2001:db8::2\n", &f);
	to = frame_destination(&f);
	addr_format(&to, got, sizeof got);
	assert_string_equal(got, "ff02::1");
	frame_free(&f);
	parse("ipv6 dst=random\nicmp6 type=echo-request\n", &f);
	assert_int_equal(frame_destination(&f).family, ADDR_NONE);
	frame_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ns_answered),
		cmocka_unit_test(test_ns_not_ours),
		cmocka_unit_test(test_echo6),
		cmocka_unit_test(test_quoted_not_answered),
		cmocka_unit_test(test_ns_destination),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
