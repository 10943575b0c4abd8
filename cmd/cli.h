/* cli.h - what the subcommands share: options, output, loading templates. */
#ifndef CMD_CLI_H
#define CMD_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "../craft/wire/recorder.h"
#include "../craft/decode/picture.h"
#include "../craft/analysis/analysis.h"
#include "../craft/util/diag.h"
#include "../craft/wire/iface.h"
#include "../craft/wire/linktx.h"
#include "../craft/core/layer.h"
#include "../craft/util/rng.h"
#include "../craft/util/strbuf.h"
#include "../craft/core/vars.h"

enum exit_code {
	EXIT_OK = 0,
	EXIT_NOMATCH = 1,	/* an expectation timed out or did not match */
	EXIT_INPUT = 2,		/* bad input or usage: nothing was sent */
	EXIT_SYSTEM = 3,	/* interface, permission, capture */
};

struct options {
	const char *cmd;
	char **files;
	int nfiles;
	const char *iface;
	const char *write;
	bool json, verbose, hex;
	bool seeded;
	uint64_t seed;
	unsigned long count;
	long timeout_us, interval_us;	/* -t, --interval */
	uint64_t rate;			/* --rate: frames per second */
	bool flood;			/* --flood */
	unsigned cpus;			/* --cpus: senders for a flood */
	int tx;				/* --tx: enum linktx_path, -1 when not given */
#define EXPECTS_MAX 8
	const char *expect[EXPECTS_MAX];	/* --expect MATCH, each an alternative */
	unsigned nexpect;
	unsigned retries;		/* --retries N: unanswered targets probed again */
	bool no_expect;
	const char *ghost;		/* --ghost IP[/MAC] */
	const char *user;		/* -Z: who to become once sockets are open */
	bool block_rst;
	unsigned fragment;		/* --fragment SIZE: payload bytes per fragment */
	int frag_order;			/* --fragment-order: enum frag_order, -1 not given */
	const char *peer;		/* --peer NETNS: the peer's sockets */
	bool keep_going;		/* run --keep-going */
	bool absolute;			/* --absolute: raw TCP numbers */
	bool ladder;			/* --ladder: a text sequence diagram */
	const char *html;		/* --html FILE: the ladder as a page */
	bool template_out;		/* decode --template */
	bool no_names;			/* -n: bare MAC addresses */
	bool tap;			/* --tap: TAP on stdout, the rest on stderr */
	const char *junit, *gradescope;	/* --junit FILE, --gradescope FILE */
	struct vars vars;
};

/* Output of frames as the options ask: summary, -v tree, -x hex, --json,
 * -w, --ladder, --html.  One printer per run: its analysis follows every frame. */
struct printer {
	const struct options *opt;
	struct recorder rec;	/* -w */
	struct analysis *an;
	struct picture pic;	/* --ladder, --html */
	unsigned frames;	/* printed */
	unsigned seen;		/* of the input, printed or skipped: their numbers */
	struct timeval first;	/* of the input's first frame */
	struct strbuf text, prefix;	/* a frame's, and decode's "N TIME ": room kept */
};

/* Decorations of one printed frame; every member may be NULL/false. */
struct frame_note {
	const char *prefix, *suffix;	/* around the summary line */
	const char *summary;		/* instead of the plain summary */
	const char *json;		/* extra JSON members */
	bool brief;			/* summary only, even with -v/-x */
	bool recorded;			/* already in the -w pcap */
	const struct frame_analysis *fa;	/* from printer_analyse, else analysed here */
};

/* `link`: of the frames written with -w; `analyse`: each frame in its
 * conversation (decode, sniff), else as it is alone (show, send). */
void printer_open(struct printer *p, const struct options *opt, enum link_kind link,
		  bool analyse);
/* Creates the -w file now: before anything is sent, so that a bad path
 * fails the run instead of the capture of it.  -1 after reporting. */
int printer_prepare(struct printer *p);
/* The analysis of the frame printer_frame prints next; NULL if the
 * printer does not analyse. */
const struct frame_analysis *printer_analyse(struct printer *p, const struct frame *f,
					     const struct timeval *ts, struct frame_analysis *out);
void printer_frame(struct printer *p, const struct frame *f, const struct timeval *ts,
		   const struct frame_note *note);
/* decode, sniff: a frame after its number and time, or (!shown) only analysed and numbered. */
void printer_captured(struct printer *p, const struct frame *f, const struct timeval *ts,
		      bool shown);
/* After the last frame of a run that ended well (decode, sniff) or was
 * played (run): --ladder's drawing, then (decode, sniff: the printer's
 * own analysis) the summary of each TCP conversation shown, for people
 * (not in --json, which has one object per frame).  The summary's lines
 * do not start with a digit as frame lines do. */
void printer_finish(struct printer *p);
/* Into the -w pcap only. */
void printer_record(struct printer *p, const struct frame *f, const struct timeval *ts);
int printer_close(struct printer *p);

void print_diag(const char *kind, const struct diag *d);
/* A template_ctx warning callback: appends to the strbuf `ctx`, printed
 * once the input proved free of errors. */
void warn_diag(void *ctx, const struct diag *d);
/* An error without a source position: "rawcraft: error: ..."; -1, for
 * `return fail(...)`. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The interface from -i (exit 3 if it is missing) or the one routing `dst`
 * as send picks it (none: the default route's; *have false if none
 * does).  Fills ${iface.mac} and ${iface.ip}. */
int pick_iface(struct options *opt, const struct addr *dst, struct iface *out, bool *have);

#define PERMISSION_HINT "needs CAP_NET_RAW: run as root or " \
	"setcap cap_net_raw,cap_net_admin+ep ./rawcraft"

/* Reads FILE, or the shipped file of that name in `subdir` (templates,
 * examples); NULL after an error. */
char *load_source(const char *name, const char *subdir, const char *ext,
		  char **path_out, size_t *len);

/* The process's output: out_start first in main (fds 0-2, SIGPIPE);
 * out_check after writing to stdout notes its first failure (out_flush:
 * fflush, then out_check); out_broken
 * (any thread): stdout or -w failed, the run stops as for a signal;
 * out_finish flushes, and gives `rc`, 141 when stdout's reader went away,
 * or 3 after one message when stdout or stderr failed. */
void out_start(void);
void out_check(void);
void out_flush(void);
bool out_broken(void);
int out_finish(int rc);

/* Flushes output and ends the process with `rc`; 130 and 143 by the
 * signal itself. */
void exit_now(int rc) __attribute__((noreturn));

/* Ends the process now with `rc` and leaves closing its packet sockets to a
 * child: the kernel waits out an RCU grace period per packet socket and two
 * more per capture ring (30-50 ms in all), after the work is done.  Returns
 * in the child, which then tears down as usual.  Output must be complete. */
void exit_before_teardown(int rc);

/* The engine's callbacks for a command: frames into the printer's -w
 * file, faults printed, stops from signals, root dropped when ready. */
struct engine;
struct cli_engine {
	struct options *opt;
	struct printer *pr;
	bool keep_net_admin;	/* for nft, to remove --block-rst's table */
	bool sniff;		/* listen only, every frame printed as captured */
	struct engine *e;
};
/* Opens c->e on -i or the interface routing `dst` (sniff: the default route): an exit code. */
int cli_engine_open(struct cli_engine *c, struct addr dst);

/* `send --rate`/`--flood`: the stream, its summary; an exit code.
 * *stream is left for stream_free after exit_before_teardown. */
struct stream;
struct expectation;
int send_stream(struct cli_engine *c, struct frame *tmpl, const struct expectation *want,
		const char *path, const struct rng *run, struct stream **stream);

/* --ghost IP[/MAC], checked before anything is opened (with --block-rst,
 * which excludes it); the MAC is the interface's unless given. */
struct ghost {
	struct addr ip;
	uint64_t mac;
	bool has_mac;
};
/* 0, with `g` filled when --ghost was given; -1 after saying why. */
int ghost_parse(const struct options *opt, struct ghost *g);
void ghost_iface(const struct ghost *g, const struct iface *real, struct iface *out);
/* --fragment SIZE (`size`) or --fragment-order WORD into `opt`: 0, or -1
 * after saying why. */
int fragment_option(struct options *opt, bool size, const char *arg);
/* Why the fragment options do not go with the others, or NULL. */
const char *fragment_misfit(const struct options *opt);
/* The template's own DF, which --fragment clears in `built`: a warning. */
void fragment_warn_df(const struct options *opt, const struct frame *tmpl,
		      const struct frame *built, const char *path);
/* The host kernel's RST to a connection of ours, told after its frame. */
void print_kernel_rst(const char *summary, const char *remedy);

int cmd_show(struct options *opt);
int cmd_decode(struct options *opt);
int cmd_sniff(struct options *opt);
int cmd_fields(struct options *opt);
int cmd_send(struct options *opt);
int cmd_run(struct options *opt);
int cmd_test(struct options *opt);

#endif
