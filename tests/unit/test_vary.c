/*
 * test_vary.c - frames patched from frame 0 by vary_apply() (RFC 1624
 * checksum updates) must equal the same frames resolved and built whole,
 * field by field and byte by byte; fields that change more than their own
 * bits must refuse the patch path.
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

#include "../../craft/builder/build.h"
#include "../../craft/decode/decode.h"
#include "../../craft/builder/resolve.h"
#include "../../craft/lang/template.h"
#include "../../craft/builder/vary.h"
#include "fixture.h"

static int group_setup(void **state)
{
	(void)state;
	return fixture_open(NULL);
}

static void parse(const char *text, struct frame *f)
{
	struct template_ctx tc = { .file = "t.pkt", .vars = &vs };
	struct diag d;
	if (template_parse(&tc, text, strlen(text), f, &d))
		fail_msg("%s:%u:%u: %s", d.file, d.line, d.col, d.msg);
}

/* Frame `index` resolved and built whole: the reference. */
static void build_whole(struct frame *f, const struct rng *run, uint64_t index)
{
	struct rng draws;
	rng_for_frame(run, index, &draws);
	struct resolve_env env = { .file = "t.pkt", .iface = &fake_if, .rng = &draws,
				   .run = run, .index = index };
	struct diag d;
	if (frame_resolve(f, &env, &d) || build_frame(bld, f, &d))
		fail_msg("build: %s", d.msg);
}

static void assert_checksums_correct(const uint8_t *bytes, size_t len)
{
	struct frame got;
	decode_frame(bytes, len, len, LINK_ETHERNET, &got);
	for (size_t i = 0; i < got.nlayers; i++)
		if (got.layer[i].csum != CS_NONE && got.layer[i].csum != CS_CORRECT)
			fail_msg("layer %s checksum status %d", got.layer[i].def->name,
				 got.layer[i].csum);
	frame_free(&got);
}

/* Frames 1..n patched in order, then a few out of order, each compared
 * with the whole build of the same index. */
static void check_patched(const char *text, uint64_t n, bool all_correct)
{
	struct frame f;
	memset(&f, 0, sizeof f);
	parse(text, &f);
	struct rng run;
	rng_seed(&run, 0x5eed);
	build_whole(&f, &run, 0);
	struct vary v;
	char why[200];
	if (vary_plan(&f, &v, why, sizeof why))
		fail_msg("plan refused: %s", why);
	uint8_t *patched = malloc(f.len);
	assert_non_null(patched);
	memcpy(patched, f.bytes, f.len);
	size_t len = f.len;
	uint64_t order[] = { 7, 3, 1000003, 2, 0, 65537 };
	for (uint64_t k = 1; k < n + sizeof order / sizeof order[0]; k++) {
		uint64_t index = k < n ? k : order[k - n];
		vary_apply(&v, patched, index, &run);
		build_whole(&f, &run, index);
		assert_int_equal(f.len, len);
		if (memcmp(patched, f.bytes, len) != 0) {
			for (size_t b = 0; b < len; b++)
				if (patched[b] != f.bytes[b])
					fail_msg("frame %llu differs first at byte %zu: %02x, want %02x",
						 (unsigned long long)index, b, patched[b], f.bytes[b]);
		}
		if (all_correct)
			assert_checksums_correct(patched, len);
	}
	free(patched);
	frame_free(&f);
}

static void test_tcp_ranges_and_random(void **state)
{
	(void)state;
	check_patched("eth dst=02:00:00:00:00:02\n"
		      "ipv4 src=10.9.0.10..10.9.0.250 dst=10.9.0.2 ttl=random\n"
		      "tcp sport=1000..1999 dport=80 seq=random flags=S opts=mss:1460\n"
		      "payload text=\"abc\"\n", 3000, true);
}

static void test_random_defaults(void **state)
{
	(void)state;
	/* sport, seq and ip id left out: drawn anew per frame, as `send -c` did. */
	check_patched("eth dst=02:00:00:00:00:02\nipv4 dst=10.9.0.2\ntcp dport=22\n", 500, true);
}

static void test_udp_zero_sum(void **state)
{
	(void)state;
	/* Some of these sums come out 0: UDP must send 0xffff. */
	check_patched("eth dst=02:00:00:00:00:02\nipv4 dst=10.9.0.2\n"
		      "udp sport=0..65535 dport=53\npayload hex=0001\n", 66000, true);
}

static void test_vlan_icmp(void **state)
{
	(void)state;
	check_patched("eth dst=02:00:00:00:00:02\nvlan id=1..4094 pcp=random\n"
		      "ipv4 dst=10.9.0.2 tos=random\nicmp id=7 seq=1..1000\n", 5000, true);
}

/* Echo as ping: one id for the run, seq counting from 1 (wrapping at 16
 * bits), patched as built whole; a given id or seq, a range or `random`
 * wins. */
static uint64_t echo_field(const char *text, uint64_t index, const char *name)
{
	struct frame f;
	memset(&f, 0, sizeof f);
	parse(text, &f);
	struct rng run;
	rng_seed(&run, 0x5eed);
	build_whole(&f, &run, index);
	const struct layer *l = &f.layer[f.nlayers - 1];
	uint64_t v = UINT64_MAX;
	for (size_t k = 0; k < l->def->nfields; k++)
		if (strcmp(l->def->fields[k].name, name) == 0 && l->def->applies(l, k))
			v = (uint64_t)l->val[k].u;
	frame_free(&f);
	return v;
}

static void test_echo_as_ping(void **state)
{
	(void)state;
	static const char *const echoes[] = { "ipv4 dst=10.9.0.2\nicmp\n",
					      "ipv6 dst=2001:db8::2\nicmp6\n" };
	for (size_t e = 0; e < 2; e++) {
		check_patched(echoes[e], 70000, true);
		uint64_t id = echo_field(echoes[e], 0, "id");
		for (uint64_t i = 0; i < 70000; i += 997) {
			assert_int_equal(echo_field(echoes[e], i, "id"), id);
			assert_int_equal(echo_field(echoes[e], i, "seq"), (i + 1) & 0xffff);
		}
	}
	/* Another seed, another id. */
	struct rng a, b;
	rng_seed(&a, 1);
	rng_seed(&b, 2);
	struct rng fa, fb;
	rng_for_run(&a, 0, &fa);
	rng_for_run(&b, 0, &fb);
	assert_int_not_equal(rng_next(&fa), rng_next(&fb));
	assert_int_equal(echo_field("ipv4 dst=10.9.0.2\nicmp id=7 seq=9\n", 5, "id"), 7);
	assert_int_equal(echo_field("ipv4 dst=10.9.0.2\nicmp id=7 seq=9\n", 5, "seq"), 9);
	assert_int_equal(echo_field("ipv4 dst=10.9.0.2\nicmp seq=100..102\n", 4, "seq"), 101);
	check_patched("ipv4 dst=10.9.0.2\nicmp id=random seq=random\n", 100, true);
	assert_int_not_equal(echo_field("ipv4 dst=10.9.0.2\nicmp id=random\n", 1, "id"),
			     echo_field("ipv4 dst=10.9.0.2\nicmp id=random\n", 2, "id"));
}

static void test_icmp_error_quoting_tcp(void **state)
{
	(void)state;
	/* The quoted TCP checksum changes, and the ICMP one covers it. */
	check_patched("eth dst=02:00:00:00:00:02\nipv4 dst=10.9.0.2\n"
		      "icmp type=3 code=3\nipv4 src=10.9.0.2 dst=10.0.0.1\n"
		      "tcp sport=80 dport=30000..30999 seq=random\n", 2000, true);
}

static void test_icmp_error_quoting_group(void **state)
{
	(void)state;
	/* The next hop follows the frame's own destination, not the quoted
	 * one: a quoted multicast range leaves eth dst alone. */
	check_patched("ipv4 dst=10.9.0.2\nicmp type=3 code=3\n"
		      "ipv4 src=10.9.0.2 dst=224.0.0.1..224.0.0.3\nudp sport=5353 dport=5353\n",
		      10, true);
}

static void test_ipv6_extension_headers(void **state)
{
	(void)state;
	/* Extension headers between IPv6 and the upper layer: the upper
	 * checksum still has IPv6's pseudo-header; each fragment id drawn. */
	check_patched("eth dst=02:00:00:00:00:02\nipv6 src=2001:db8::1..2001:db8::ff "
		      "dst=2001:db8::2 hlim=random\nhopopts opts=ra:0\ndstopts\nfragment\n"
		      "tcp sport=1000..1999 dport=80 seq=random\n", 600, true);
	check_patched("eth dst=02:00:00:00:00:02\nipv6 dst=2001:db8::2 flow=random\n"
		      "routing addrs=2001:db8::7\nudp sport=0..65535 dport=53\n", 66000, true);
	/* A routing header names the final destination: the IPv6 one is not
	 * in the pseudo-header then, and varies alone. */
	check_patched("eth dst=02:00:00:00:00:02\nipv6 dst=2001:db8::1..2001:db8::9\n"
		      "routing addrs=2001:db8::7+2001:db8::8\nicmp6 seq=1..5\n", 40, true);
	/* Rows of another ICMPv6 type (echo's random id) are neither drawn nor
	 * written: an advertisement's flags stay as given in every frame. */
	check_patched("eth dst=02:00:00:00:00:02\nipv6 dst=ff02::1 flow=0..99\n"
		      "icmp6 type=neighbor-advert target=2001:db8::1 flags=SO\n", 100, true);
	check_patched("eth dst=02:00:00:00:00:02\nipv6 dst=2001:db8::2 hlim=random\n"
		      "icmp6 type=router-advert retrans=random\n", 100, true);
}

static void test_arp_sweep(void **state)
{
	(void)state;
	check_patched("arp tpa=10.9.0.0..10.9.3.255\n", 1024, true);
}

static void test_explicit_checksum_wins(void **state)
{
	(void)state;
	/* A given checksum stays as given however the ports change. */
	check_patched("eth dst=02:00:00:00:00:02\nipv4 dst=10.9.0.2 csum=0x1234\n"
		      "tcp sport=1..100 dport=80 csum=random\n", 100, false);
}

static void expect_refused(const char *text, const char *reason)
{
	struct frame f;
	memset(&f, 0, sizeof f);
	parse(text, &f);
	struct rng run;
	rng_seed(&run, 1);
	build_whole(&f, &run, 0);
	struct vary v;
	char why[200] = "";
	assert_int_equal(vary_plan(&f, &v, why, sizeof why), -1);
	if (!strstr(why, reason))
		fail_msg("reason '%s' lacks '%s'", why, reason);
	frame_free(&f);
}

static void test_refused(void **state)
{
	(void)state;
	expect_refused("eth dst=02:00:00:00:00:02\nipv4 dst=10.9.0.2 len=40..60\ntcp dport=1\n",
		       "ipv4 len varies");
	expect_refused("eth dst=02:00:00:00:00:02\nipv4 dst=10.9.0.2 proto=random\n",
		       "ipv4 proto varies");
	/* The header length decides what the IPv4 checksum covers. */
	expect_refused("eth dst=02:00:00:00:00:02\nipv4 dst=10.9.0.2 ihl=5..6\ntcp dport=1\n",
		       "ipv4 ihl varies");
	/* A solicitation's group follows its target. */
	expect_refused("eth dst=02:00:00:00:00:02\nipv6 src=fe80::1\n"
		       "icmp6 type=neighbor-solicit target=2001:db8::1..2001:db8::4\n",
		       "icmp6 target varies");
	/* The next hop's MAC follows the destination, unless eth dst is given. */
	struct frame f;
	memset(&f, 0, sizeof f);
	parse("ipv4 dst=10.9.0.1..10.9.0.9\nicmp\n", &f);
	struct rng run;
	rng_seed(&run, 1);
	build_whole(&f, &run, 0);
	struct vary v;
	char why[200];
	assert_int_equal(vary_plan(&f, &v, why, sizeof why), -1);
	assert_non_null(strstr(why, "ipv4 dst varies"));
	frame_free(&f);
	check_patched("eth dst=02:00:00:00:00:02\nipv4 dst=10.9.0.1..10.9.0.9\nicmp\n", 20, true);
}

static void test_cycle(void **state)
{
	(void)state;
	struct frame f;
	memset(&f, 0, sizeof f);
	parse("ipv4 dst=10.0.0.1 src=10.1.0.0..10.1.3.255\ntcp dport=1..10000\n", &f);
	assert_int_equal(frame_cycle(&f), 10000);
	frame_free(&f);
	memset(&f, 0, sizeof f);
	parse("ipv4 dst=10.0.0.1\ntcp dport=1\n", &f);
	assert_int_equal(frame_cycle(&f), 1);
	frame_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_ranges_and_random),
		cmocka_unit_test(test_random_defaults),
		cmocka_unit_test(test_udp_zero_sum),
		cmocka_unit_test(test_vlan_icmp),
		cmocka_unit_test(test_echo_as_ping),
		cmocka_unit_test(test_icmp_error_quoting_tcp),
		cmocka_unit_test(test_icmp_error_quoting_group),
		cmocka_unit_test(test_ipv6_extension_headers),
		cmocka_unit_test(test_arp_sweep),
		cmocka_unit_test(test_explicit_checksum_wins),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_cycle),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
