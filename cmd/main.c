/* main.c - rawcraft's command line: parse options, hand off, map exit codes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../craft/util/duration.h"
#include "../craft/core/field.h"
#include "cli.h"
#include "privs.h"

static void usage(FILE *out)
{
	fputs("usage: rawcraft show FILE... [-D K=V]... [--seed N] [-c N] [-v] [-x] [--json] [-w out.pcap] [-i IF]\n"
	      "       rawcraft send FILE [-i IF] [-D K=V]... [-c N] [--interval D | --rate PPS | --flood [--cpus N]]\n"
	      "                     [--expect MATCH | --no-expect] [-t TIMEOUT] [--seed N] [-Z USER]\n"
	      "                     [-v] [-x] [--json] [-w out.pcap]\n"
	      "       rawcraft run SCENARIO.lab [-i IF] [-D K=V]... [--ghost IP[/MAC] | --block-rst]\n"
	      "                     [--seed N] [-Z USER] [--absolute] [-v] [-x] [--json | --ladder]\n"
	      "                     [--html OUT] [-w out.pcap]\n"
	      "       rawcraft decode FILE.pcap|- [FILTER...] [-c N] [--absolute] [--template] [-Z USER]\n"
	      "                     [-v] [-x] [--json | --ladder] [--html OUT] [-w out.pcap]\n"
	      "       rawcraft sniff [-i IF] [FILTER...] [-c N] [--absolute] [-Z USER] [-v] [-x]\n"
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
	      "  --expect M  wait for a reply matching M ('tcp flags=SA|RA'; ';' between layers)\n"
	      "  --no-expect send without waiting, even if the template names a reply\n"
	      "  -t D        how long to wait for each reply (default 1s)\n"
	      "  --interval D  probes one by one, D apart (default 1s), each reply printed\n"
	      "  --rate PPS    a stream at PPS frames/s; a summary sorts targets by reply\n"
	      "  --flood       a stream as fast as the machine goes (until Ctrl-C without -c)\n"
	      "  --cpus N      senders for --flood/--rate (default: one per core)\n"
	      "  --ghost IP[/MAC]  speak from an address no host owns; answer ARP and ping for it\n"
	      "  -Z, --user USER  started as root: become USER (default nobody) once\n"
	      "              sockets and captures are open, before any reply is read\n"
	      "  --block-rst       drop the host kernel's RSTs for the scenario's connections\n"
	      "Exit: 0 ok, 1 no match, 2 bad input (nothing sent), 3 system error,\n"
	      "      130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (summary and -w file complete).\n", out);
}

static int parse_args(int argc, char **argv, struct options *opt)
{
	enum { OPT_SEED = 256, OPT_JSON, OPT_HELP, OPT_EXPECT, OPT_NO_EXPECT, OPT_INTERVAL,
	       OPT_RATE, OPT_GHOST, OPT_BLOCK_RST, OPT_FLOOD, OPT_CPUS, OPT_ABSOLUTE,
	       OPT_LADDER, OPT_HTML, OPT_TEMPLATE };
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "interface", required_argument, NULL, 'i' },
		{ "user", required_argument, NULL, 'Z' },
		{ "write", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "hex", no_argument, NULL, 'x' },
		{ "expect", required_argument, NULL, OPT_EXPECT },
		{ "no-expect", no_argument, NULL, OPT_NO_EXPECT },
		{ "timeout", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "ghost", required_argument, NULL, OPT_GHOST },
		{ "block-rst", no_argument, NULL, OPT_BLOCK_RST },
		{ "flood", no_argument, NULL, OPT_FLOOD },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "absolute", no_argument, NULL, OPT_ABSOLUTE },
		{ "ladder", no_argument, NULL, OPT_LADDER },
		{ "html", required_argument, NULL, OPT_HTML },
		{ "template", no_argument, NULL, OPT_TEMPLATE },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":D:i:w:c:t:vxnhZ:", longopts, NULL)) != -1) {
		switch (c) {
		case 'D': {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg) {
				fail("-D takes NAME=VALUE, got '%s'", optarg);
				return -1;
			}
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
			if (parse_uint(optarg, 100000000, &n) || n == 0) {
				fail("-c takes a count from 1 to 100000000, got '%s'", optarg);
				return -1;
			}
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
		case OPT_TEMPLATE:
			opt->template_out = true;
			break;
		case OPT_SEED:
			if (parse_uint(optarg, UINT64_MAX, &opt->seed)) {
				fail("--seed takes a number, got '%s'", optarg);
				return -1;
			}
			opt->seeded = true;
			break;
		case OPT_JSON:
			opt->json = true;
			break;
		case OPT_EXPECT:
			opt->expect = optarg;
			break;
		case OPT_GHOST:
			opt->ghost = optarg;
			break;
		case OPT_BLOCK_RST:
			opt->block_rst = true;
			break;
		case OPT_NO_EXPECT:
			opt->no_expect = true;
			break;
		case 't':
		case OPT_INTERVAL: {
			long us;
			if (parse_duration(optarg, &us)) {
				fail("%s takes a duration (250ms, 1s, 2.5s), got '%s'",
				     c == 't' ? "-t" : "--interval", optarg);
				return -1;
			}
			if (c == 't')
				opt->timeout_us = us;
			else
				opt->interval_us = us;
			break;
		}
		case OPT_RATE: {
			uint64_t pps;
			if (parse_uint(optarg, 10000000, &pps) || pps == 0) {
				fail("--rate takes packets per second (1..10000000), got '%s'", optarg);
				return -1;
			}
			opt->rate = pps;
			break;
		}
		case OPT_FLOOD:
			opt->flood = true;
			break;
		case OPT_CPUS: {
			uint64_t n;
			if (parse_uint(optarg, 1024, &n) || n == 0) {
				fail("--cpus takes a number of senders from 1 to 1024, got '%s'", optarg);
				return -1;
			}
			opt->cpus = (unsigned)n;
			break;
		}
		case 'h':
		case OPT_HELP:
			usage(stdout);
			exit(EXIT_OK);
		case ':':
			fail("option %s needs a value", argv[optind - 1]);
			return -1;
		default:
			if (optopt && optopt < 256)
				fail("option -%c %s", optopt, strchr("DiwctZ", optopt) ?
				     "needs a value" : "is not known (see rawcraft --help)");
			else
				fail("option '%s' is not known (see rawcraft --help)", argv[optind - 1]);
			return -1;
		}
	}
	return optind;
}

/* Options only some commands take: given to another, an error, never ignored. */
static int check_taken(const struct options *opt)
{
	const struct { bool given; const char *name, *cmds; } only[] = {
		{ opt->absolute, "--absolute", " decode sniff run " },
		{ opt->ladder, "--ladder", " decode sniff run " },
		{ opt->ladder && opt->json, "--ladder with --json", "" },	/* text in JSON */
		{ opt->html != NULL, "--html", " decode sniff run " },
		{ opt->template_out, "--template", " decode " },
		{ opt->no_names, "-n", " show send decode sniff run " },
	};
	char word[64];
	snprintf(word, sizeof word, " %s ", opt->cmd);
	for (size_t i = 0; i < sizeof only / sizeof only[0]; i++)
		if (only[i].given && !strstr(only[i].cmds, word)) {
			fail("%s is not an option of '%s' (see rawcraft --help)", only[i].name, opt->cmd);
			return -1;
		}
	return 0;
}

int main(int argc, char **argv)
{
	struct options opt = { .timeout_us = 1000000, .interval_us = -1 };
	vars_init(&opt.vars);
	if (argc < 2) {
		usage(stderr);
		return EXIT_INPUT;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	opt.cmd = argv[1];
	/* GNU getopt permutes: options may come before or after the files. */
	int first = parse_args(argc - 1, argv + 1, &opt);
	int rc = EXIT_INPUT;
	if (first < 0 || check_taken(&opt))
		goto out;
	opt.files = argv + 1 + first;
	opt.nfiles = argc - 1 - first;
	if (strcmp(opt.cmd, "show") == 0) {
		rc = cmd_show(&opt);
	} else if (strcmp(opt.cmd, "decode") == 0) {
		rc = cmd_decode(&opt);
	} else if (strcmp(opt.cmd, "sniff") == 0) {
		rc = cmd_sniff(&opt);
	} else if (strcmp(opt.cmd, "send") == 0) {
		rc = cmd_send(&opt);
	} else if (strcmp(opt.cmd, "run") == 0) {
		rc = cmd_run(&opt);
	} else if (strcmp(opt.cmd, "fields") == 0) {
		rc = cmd_fields(&opt);
	} else {
		fail("unknown command '%s': use show, send, run, decode, sniff or fields (see rawcraft --help)", opt.cmd);
	}
out:
	vars_free(&opt.vars);
	if (rc > 128)
		exit_now(rc);
	return rc;
}
