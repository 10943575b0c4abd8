/* main.c - rawcraft's command line: parse options, hand off, map exit codes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../craft/util/duration.h"
#include "../craft/core/field.h"
#include "../craft/util/xalloc.h"
#include "cli.h"
#include "privs.h"

static void usage(FILE *out)
{
	fputs("usage: rawcraft show FILE... [-D K=V]... [--seed N] [-c N] [-v] [-n] [-x] [--json] [-w out.pcap] [-i IF]\n"
	      "       rawcraft send FILE [-i IF] [-D K=V]... [-c N] [--interval D | --rate PPS | --flood [--cpus N]]\n"
	      "                     [--tx PATH] [--expect MATCH... | --no-expect] [-t TIMEOUT] [--seed N] [-Z USER]\n"
	      "                     [--ghost IP[/MAC] | --block-rst] [--retries N] [-v] [-n] [-x] [--json]\n"
	      "                     [-w out.pcap] [--fragment SIZE [--fragment-order in|reverse|random]]\n"
	      "       rawcraft run SCENARIO.lab [-i IF] [-D K=V]... [--ghost IP[/MAC] | --block-rst]\n"
	      "                     [--peer NETNS] [--keep-going] [--seed N] [-Z USER] [--absolute] [-v]\n"
	      "                     [-n] [-x] [--json | --ladder] [--html OUT] [-w out.pcap] [--tap]\n"
	      "                     [--junit FILE] [--gradescope FILE]\n"
	      "       rawcraft test LAB.lab... [-i IF] [-D K=V]... [--ghost IP[/MAC] | --block-rst]\n"
	      "                     [--peer NETNS] [--keep-going] [--seed N] [-Z USER] [--absolute] [-v]\n"
	      "                     [-n] [-x] [--json | --ladder] [--tap] [--junit FILE] [--gradescope FILE]\n"
	      "       rawcraft decode FILE.pcap|- [FILTER...] [-c N] [--absolute] [--template] [-Z USER]\n"
	      "                     [-v] [-n] [-x] [--json | --ladder] [--html OUT] [-w out.pcap]\n"
	      "       rawcraft sniff [-i IF] [FILTER...] [-c N] [--absolute] [-Z USER] [-v] [-n] [-x]\n"
	      "                     [--json | --ladder] [--html OUT] [-w out.pcap]\n"
	      "       rawcraft fields [LAYER]...    every layer's fields, widths and defaults\n"
	      "\n"
	      "FILE is a .pkt template or the name of a shipped one (arp-request, tcp-syn, ...).\n"
	      "  -D K=V      set ${K} in the template\n"
	      "  --seed N    fix every random value, for the same bytes on every run\n"
	      "  -c N        build N frames (random fields drawn anew for each; default: one pass\n"
	      "              over the template's ranges LO..HI, else 1); decode, sniff: show N\n"
	      "  FILTER      decode, sniff: the frames a tcpdump expression selects (tcp port 80)\n"
	      "  -v          the field tree, as Wireshark shows it\n"
	      "  -n          bare MAC addresses in the tree, without their makers' names\n"
	      "  -x          a hex dump with offsets and an ASCII column\n"
	      "  --json      one JSON object per frame\n"
	      "  -w FILE     also write the frames to a pcap file\n"
	      "  --ladder    the frames as a sequence diagram, a column per host (-v, -x: after them)\n"
	      "  --html FILE also one page with the ladder: click an arrow for its frame's tree\n"
	      "  --absolute  decode, sniff, run: raw TCP seq/ack, not relative to the stream's first\n"
	      "  --template  decode: each frame as a .pkt template that show rebuilds byte for byte\n"
	      "  -i IF       the interface (default: the one the kernel routes the destination through)\n"
	      "  --expect M  wait for a reply matching M ('tcp flags=SA|RA'; ';' between layers);\n"
	      "              given again, a reply matching any of them\n"
	      "  --no-expect send without waiting, even if the template names a reply\n"
	      "  -t D        how long to wait for each reply (default 1s)\n"
	      "  --retries N   probe the targets still unanswered again, up to N more passes\n"
	      "  --interval D  probes one by one, D apart (default 1s), each reply printed\n"
	      "  --rate PPS    a stream at PPS frames/s; a summary sorts targets by reply\n"
	      "  --flood       a stream as fast as the machine goes (until Ctrl-C without -c)\n"
	      "  --cpus N      senders for --flood/--rate (default: one per core)\n"
	      "  --tx PATH     --flood/--rate by auto (default), xdp, packet or qdisc (see rawcraft(1))\n"
	      "  --fragment SIZE   each probe's IP datagram as fragments of SIZE payload bytes\n"
	      "                    (a multiple of 8), put back together by the peer\n"
	      "  --fragment-order ORDER  in (default), reverse or random (--seed fixes it)\n"
	      "  --ghost IP[/MAC]  speak from an address no host owns; answer ARP and ping for it\n"
	      "  -Z, --user USER  started as root: become USER (default nobody) once\n"
	      "              sockets and captures are open, before any reply is read\n"
	      "  --block-rst       drop the host kernel's RSTs for the scenario's connections\n"
	      "                    (send: for 10 minutes, for the next send of a handshake)\n"
	      "  --peer NETNS      run, test: `peer` steps drive real sockets in namespace NETNS\n"
	      "  --keep-going      a failed expect or check does not end the run (exit 1 after it)\n"
	      "  --tap       TAP version 13 on stdout, a line per expect or check; the rest on stderr\n"
	      "  --junit FILE       also the test points as JUnit XML\n"
	      "  --gradescope FILE  also the test points as Gradescope's results.json\n"
	      "Exit: 0 ok, 1 no match, 2 bad input (nothing sent), 3 system error,\n"
	      "      130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (summary and -w file complete).\n", out);
}

enum { OPT_SEED = 256, OPT_JSON, OPT_HELP, OPT_EXPECT, OPT_NO_EXPECT, OPT_INTERVAL,
       OPT_RATE, OPT_GHOST, OPT_BLOCK_RST, OPT_FLOOD, OPT_CPUS, OPT_ABSOLUTE,
       OPT_LADDER, OPT_HTML, OPT_TEMPLATE_OUT, OPT_TX, OPT_PEER, OPT_KEEP_GOING, OPT_TAP,
       OPT_JUNIT, OPT_GRADESCOPE, OPT_FRAGMENT, OPT_FRAGMENT_ORDER, OPT_RETRIES };

static const struct command { const char *name; int (*run)(struct options *); } commands[] = {
	{ "show", cmd_show }, { "send", cmd_send }, { "run", cmd_run },
	{ "decode", cmd_decode }, { "sniff", cmd_sniff }, { "fields", cmd_fields },
	{ "test", cmd_test },
};
/* test takes run's options, but those that write one file for a run (-w, --html). */
enum { SHOW = 1, SEND = 2, RUN = 4, DECODE = 8, SNIFF = 16, FIELDS = 32, TEST = 64, /* bits, in order */
       PRINTS = SHOW | SEND | RUN | DECODE | SNIFF, VIEWS = RUN | DECODE | SNIFF,
       RUNS = RUN | TEST, ALL = PRINTS | FIELDS | TEST };

/* Every option and the commands that take it: given to another, it is an
 * error, never ignored.  --help's synopsis lists the same (tests/suites/options.sh). */
static const struct taken {
	const char *name;	/* long, else NULL */
	int has_arg, code, cmds;
} taken[] = {
	{ NULL, 1, 'D', SHOW | SEND | RUNS }, { "seed", 1, OPT_SEED, SHOW | SEND | RUNS },
	{ "count", 1, 'c', SHOW | SEND | DECODE | SNIFF }, { "interface", 1, 'i', SHOW | SEND | RUNS | SNIFF },
	{ "verbose", 0, 'v', PRINTS | TEST }, { "hex", 0, 'x', PRINTS | TEST }, { NULL, 0, 'n', PRINTS | TEST },
	{ "json", 0, OPT_JSON, PRINTS | TEST }, { "write", 1, 'w', PRINTS },
	{ "user", 1, 'Z', SEND | VIEWS | TEST }, { "absolute", 0, OPT_ABSOLUTE, VIEWS | TEST },
	{ "ladder", 0, OPT_LADDER, VIEWS | TEST }, { "html", 1, OPT_HTML, VIEWS },
	{ "template", 0, OPT_TEMPLATE_OUT, DECODE },
	{ "expect", 1, OPT_EXPECT, SEND }, { "no-expect", 0, OPT_NO_EXPECT, SEND },
	{ "timeout", 1, 't', SEND }, { "interval", 1, OPT_INTERVAL, SEND }, { "tx", 1, OPT_TX, SEND },
	{ "rate", 1, OPT_RATE, SEND }, { "flood", 0, OPT_FLOOD, SEND }, { "cpus", 1, OPT_CPUS, SEND },
	{ "ghost", 1, OPT_GHOST, SEND | RUNS }, { "block-rst", 0, OPT_BLOCK_RST, SEND | RUNS },
	{ "peer", 1, OPT_PEER, RUNS },
	{ "fragment", 1, OPT_FRAGMENT, SEND }, { "fragment-order", 1, OPT_FRAGMENT_ORDER, SEND },
	{ "keep-going", 0, OPT_KEEP_GOING, RUNS },
	{ "tap", 0, OPT_TAP, RUNS }, { "junit", 1, OPT_JUNIT, RUNS },
	{ "gradescope", 1, OPT_GRADESCOPE, RUNS }, { "retries", 1, OPT_RETRIES, SEND },
	{ NULL, 0, 'h', ALL }, { "help", 0, OPT_HELP, ALL },
};
#define NTAKEN (sizeof taken / sizeof taken[0])

static int parse_args(int argc, char **argv, struct options *opt, uint64_t *given)
{
	struct option longopts[NTAKEN + 1] = { { NULL, 0, NULL, 0 } };
	char shorts[2 * NTAKEN + 2] = ":";
	for (size_t i = 0, l = 0, s = 1; i < NTAKEN; i++) {
		if (taken[i].name)
			longopts[l++] = (struct option){ taken[i].name, taken[i].has_arg, NULL, taken[i].code };
		if (taken[i].code < 256) {
			shorts[s++] = (char)taken[i].code;
			if (taken[i].has_arg)
				shorts[s++] = ':';
		}
	}
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		for (size_t i = 0; i < NTAKEN; i++)
			if (taken[i].code == c)
				*given |= 1ull << i;
		switch (c) {
		case 'D': {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg)
				return fail("-D takes NAME=VALUE, got '%s'", optarg);
			*eq = '\0';
			vars_set(&opt->vars, optarg, eq + 1);
			*eq = '=';
			break;
		}
		case 'i':
			opt->iface = optarg;
			break;
		case 'Z':
			if (privs_check_user(optarg))
				return -1;
			opt->user = optarg;
			break;
		case 'w':
			opt->write = optarg;
			break;
		case 'c': {
			uint64_t n;
			if (parse_uint(optarg, 100000000, &n) || n == 0)
				return fail("-c takes a count from 1 to 100000000, got '%s'", optarg);
			opt->count = (unsigned long)n;
			break;
		}
		case 'v':
			opt->verbose = true;
			break;
		case 'x':
			opt->hex = true;
			break;
		case 'n':
			opt->no_names = true;
			break;
		case OPT_ABSOLUTE:
			opt->absolute = true;
			break;
		case OPT_LADDER:
			opt->ladder = true;
			break;
		case OPT_HTML:
			opt->html = optarg;
			break;
		case OPT_TEMPLATE_OUT:
			opt->template_out = true;
			break;
		case OPT_SEED:
			if (parse_uint(optarg, UINT64_MAX, &opt->seed))
				return fail("--seed takes a number, got '%s'", optarg);
			opt->seeded = true;
			break;
		case OPT_JSON:
			opt->json = true;
			break;
		case OPT_EXPECT:
			if (opt->nexpect == EXPECTS_MAX)
				return fail("--expect: at most %d, each a reply that counts", EXPECTS_MAX);
			opt->expect[opt->nexpect++] = optarg;
			break;
		case OPT_GHOST:
			opt->ghost = optarg;
			break;
		case OPT_PEER:
			opt->peer = optarg;
			break;
		case OPT_BLOCK_RST:
			opt->block_rst = true;
			break;
		case OPT_KEEP_GOING:
			opt->keep_going = true;
			break;
		case OPT_TAP:
			opt->tap = true;
			break;
		case OPT_JUNIT:
			opt->junit = optarg;
			break;
		case OPT_GRADESCOPE:
			opt->gradescope = optarg;
			break;
		case OPT_NO_EXPECT:
			opt->no_expect = true;
			break;
		case 't':
		case OPT_INTERVAL: {
			long us;
			if (parse_duration(optarg, &us))
				return fail("%s takes a duration (250ms, 1s, 2.5s), got '%s'",
					    c == 't' ? "-t" : "--interval", optarg);
			if (c == 't')
				opt->timeout_us = us;
			else
				opt->interval_us = us;
			break;
		}
		case OPT_RATE: {
			uint64_t pps;
			if (parse_uint(optarg, 10000000, &pps) || pps == 0)
				return fail("--rate takes packets per second (1..10000000), got '%s'", optarg);
			opt->rate = pps;
			break;
		}
		case OPT_FLOOD:
			opt->flood = true;
			break;
		case OPT_RETRIES: {
			uint64_t n;
			if (parse_uint(optarg, 100, &n))
				return fail("--retries takes a number of passes from 0 to 100, got '%s'", optarg);
			opt->retries = (unsigned)n;
			break;
		}
		case OPT_CPUS: {
			uint64_t n;
			if (parse_uint(optarg, 1024, &n) || n == 0)
				return fail("--cpus takes a number of senders from 1 to 1024, got '%s'", optarg);
			opt->cpus = (unsigned)n;
			break;
		}
		case OPT_FRAGMENT:
		case OPT_FRAGMENT_ORDER:
			if (fragment_option(opt, c == OPT_FRAGMENT, optarg))
				return -1;
			break;
		case OPT_TX:
			if ((opt->tx = linktx_path_named(optarg)) >= 0)
				break;
			return fail("--tx takes auto, xdp, packet or qdisc, got '%s'", optarg);
		case 'h':
		case OPT_HELP:
			usage(stdout);
			exit(out_finish(EXIT_OK));
		case ':':
			return fail("option %s needs a value", argv[optind - 1]);
		default:
			if (optopt && optopt < 256)
				fail("option -%c %s", optopt, strchr(shorts + 1, optopt) ?
				     "needs a value" : "is not known (see rawcraft --help)");
			else
				fail("option '%s' is not known (see rawcraft --help)", argv[optind - 1]);
			return -1;
		}
	}
	return optind;
}

/* Each option given to a command that takes it, and no two that contradict. */
static int check_taken(const struct options *opt, int cmd, uint64_t given)
{
	for (size_t i = 0; i < NTAKEN; i++)
		if ((given >> i & 1) && !(taken[i].cmds & cmd)) {
			const struct taken *t = &taken[i];
			return fail("%s%s is not an option of '%s' (see rawcraft --help)",
				    t->code < 256 ? "-" : "--",
				    t->code < 256 ? (char[]){ (char)t->code, 0 } : t->name, opt->cmd);
		}
	const char *both = opt->ladder && opt->json ? "--ladder with --json" :	/* text in JSON */
			   opt->nexpect && opt->no_expect ? "--expect with --no-expect" : NULL;
	if (both)
		fail("%s is not an option of '%s' (see rawcraft --help)", both, opt->cmd);
	return both ? -1 : 0;
}

/* The library's allocations that fail end here: a system fault, not a
 * crash (stderr is unbuffered, so the message needs no memory). */
static void out_of_memory(size_t size)
{
	fprintf(stderr, "rawcraft: error: out of memory (%zu bytes more)\n", size);
	exit(EXIT_SYSTEM);
}

int main(int argc, char **argv)
{
	out_start();
	struct options opt = { .timeout_us = 1000000, .interval_us = -1, .tx = -1,
			       .frag_order = -1 };
	xalloc_set_oom_handler(out_of_memory);
	vars_init(&opt.vars);
	if (argc < 2) {
		usage(stderr);
		return EXIT_INPUT;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return out_finish(EXIT_OK);
	}
	opt.cmd = argv[1];
	size_t k = 0, ncommands = sizeof commands / sizeof commands[0];
	while (k < ncommands && strcmp(commands[k].name, opt.cmd))
		k++;
	int rc = EXIT_INPUT;
	uint64_t given = 0;
	if (k == ncommands) {
		fail("unknown command '%s': use show, send, run, test, decode, sniff or fields (see rawcraft --help)", opt.cmd);
		goto out;
	}
	/* GNU getopt permutes: options may come before or after the files. */
	int first = parse_args(argc - 1, argv + 1, &opt, &given);
	if (first < 0 || check_taken(&opt, 1 << k, given))
		goto out;
	opt.files = argv + 1 + first;
	opt.nfiles = argc - 1 - first;
	rc = commands[k].run(&opt);
out:
	vars_free(&opt.vars);
	rc = out_finish(rc);
	if (rc > 128)
		exit_now(rc);
	return rc;
}
