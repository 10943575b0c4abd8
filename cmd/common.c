/* common.c - output, diagnostics, interfaces and template files for every command. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../craft/analysis/explain.h"
#include "../craft/decode/describe.h"
#include "../craft/engine/engine.h"
#include "../craft/core/field.h"
#include "../craft/match/match.h"
#include "../craft/engine/neighbor.h"
#include "../craft/proto/proto.h"
#include "../craft/builder/resolve.h"
#include "../craft/util/clock.h"
#include "../craft/util/manuf.h"
#include "../craft/util/stdfd.h"
#include "../craft/util/xalloc.h"
#include "cli.h"
#include "privs.h"
#include "stop.h"

static int stdout_errno;	/* why stdout first failed, or 0 */
static atomic_bool broken;	/* stdout or -w failed: the run stops */

void out_start(void)
{
	/* Without /dev/null for a closed 0-2 there is nowhere safe to say
	 * so.  A reader gone (| head) is EPIPE, so that -w is closed whole. */
	if (stdfd_sanitise())
		_exit(EXIT_SYSTEM);
	signal(SIGPIPE, SIG_IGN);
	static char buf[64 << 10];	/* a file or pipe: a write() per 64 KiB, not 4 */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, buf, _IOFBF, sizeof buf);
}

void out_check(void)
{
	if (stdfd_error(stdout, &stdout_errno))
		atomic_store(&broken, true);
}

void out_flush(void)
{
	fflush(stdout);
	out_check();
}

bool out_broken(void)
{
	return atomic_load(&broken);
}

int out_finish(int rc)
{
	static bool told;
	errno = 0;
	out_flush();
	if (stdout_errno == EPIPE)
		return rc < EXIT_INPUT ? 128 + SIGPIPE : rc;	/* as tcpdump | head */
	if (stdout_errno && !told)
		fail("writing standard output: %s", strerror(stdout_errno));
	told = stdout_errno;
	/* A lost warning has nowhere to be told, but is no success. */
	return stdout_errno || ((fflush(stderr) || ferror(stderr)) && rc == EXIT_OK) ?
	       EXIT_SYSTEM : rc;
}

int fail(const char *fmt, ...)
{
	va_list ap;
	fputs("rawcraft: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

void print_diag(const char *kind, const struct diag *d)
{
	if (d->file && d->line)
		fprintf(stderr, "%s:%u:%u: %s: %s\n", d->file, d->line, d->col, kind, d->msg);
	else if (d->file)
		fprintf(stderr, "%s: %s: %s\n", d->file, kind, d->msg);
	else
		fprintf(stderr, "rawcraft: %s: %s\n", kind, d->msg);
}

void warn_diag(void *ctx, const struct diag *d)
{
	struct strbuf *held = ctx;
	if (d->file && d->line)
		sb_printf(held, "%s:%u:%u: warning: %s\n", d->file, d->line, d->col, d->msg);
	else
		sb_printf(held, "rawcraft: warning: %s\n", d->msg);
}

int pick_iface(struct options *opt, const struct addr *dst, struct iface *out, bool *have)
{
	char err[256];
	int found = iface_pick(opt->iface, dst, out, err, sizeof err);
	*have = found > 0;
	if (found < 0)
		return fail("%s", err);
	if (found)
		engine_iface_vars(out, &opt->vars);
	return 0;
}

/* Shipped files live beside the binary (a checkout), in PREFIX/share/
 * for a binary installed in PREFIX/bin, or in the usual share/ folders. */
static char *find_shipped(const char *name, const char *subdir, const char *ext)
{
	if (strchr(name, '/'))
		return NULL;
	char exe[4096], installed[4200] = "";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	const char *bindir = n > 0 ? dirname(exe) : NULL;
	if (bindir)
		snprintf(installed, sizeof installed, "%s/../share/rawcraft", bindir);
	const char *env = getenv(strcmp(subdir, "templates") == 0 ?
				 "RAWCRAFT_TEMPLATES" : "RAWCRAFT_EXAMPLES");
	const char *dirs[] = {
		env, bindir, bindir ? installed : NULL, "/usr/local/share/rawcraft",
		"/usr/share/rawcraft",
	};
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (!dirs[i])
			continue;
		char path[8192];
		snprintf(path, sizeof path, "%s%s%s/%s%s", dirs[i], i == 0 ? "" : "/",
			 i == 0 ? "" : subdir, name, strstr(name, ext) ? "" : ext);
		if (access(path, R_OK) == 0)
			return strdup(path);
	}
	return NULL;
}

char *load_source(const char *name, const char *subdir, const char *ext,
		  char **path_out, size_t *len)
{
	char *path = NULL;
	if (access(name, F_OK) != 0)
		path = find_shipped(name, subdir, ext);
	if (!path)
		path = xstrdup(name);
	char *text;
	enum infile_fault f = src_read_file(path, &text, len);
	if (f) {
		fail(f == INFILE_NOT_REGULAR ? "%s: %s%s" : "cannot read '%s': %s%s", name,
		     infile_error(f), f == INFILE_SYSTEM && errno == ENOENT && !strchr(name, '/') ?
		     strcmp(subdir, "templates") == 0 ?
		     " (nor is it a shipped template: see templates/)" :
		     " (nor is it a shipped example: see examples/)" : "");
		free(path);
		return NULL;
	}
	*path_out = path;
	return text;
}

void printer_open(struct printer *p, const struct options *opt, enum link_kind link,
		  bool analyse)
{
	/* Makers' names for trees: $RAWCRAFT_MANUF (files joined by ':'), else Debian's. */
	const char *names = getenv("RAWCRAFT_MANUF");
	manuf_use((opt->verbose || opt->html) && !opt->no_names ? names ? names : MANUF_DEBIAN : NULL);
	memset(p, 0, sizeof *p);
	sb_init(&p->text);
	sb_init(&p->prefix);
	p->opt = opt;
	recorder_init(&p->rec, opt->write, link);
	p->an = analyse ? analysis_new() : NULL;
	picture_init(&p->pic, opt->ladder, opt->absolute, opt->html);
}

static void cannot_write(const struct printer *p)
{
	fail("cannot write '%s': %s", p->opt->write, p->rec.err);
}

int printer_prepare(struct printer *p)
{
	bool failed = p->rec.failed;
	if (recorder_prepare(&p->rec) == 0 &&
	    picture_prepare(&p->pic, p->opt->cmd, p->opt->files, (size_t)p->opt->nfiles) == 0)
		return 0;
	if (p->pic.err)
		fail("cannot write '%s': %s", p->opt->html, strerror(p->pic.err));
	else if (!failed)
		cannot_write(p);
	return -1;
}

const struct frame_analysis *printer_analyse(struct printer *p, const struct frame *f,
					     const struct timeval *ts, struct frame_analysis *out)
{
	if (!p->an)
		return NULL;
	analysis_frame(p->an, f, p->seen + 1, ts, out);
	return out;
}

static void frame_json(struct printer *p, const struct frame *f, const struct timeval *ts,
		       const struct frame_analysis *fa, const struct frame_note *note,
		       struct strbuf *out)
{
	double t = (double)ts->tv_sec + (double)ts->tv_usec / 1e6;
	describe_json_open(p->seen, &t, out);
	if (note && note->json && *note->json) {
		sb_putc(out, ',');
		sb_puts(out, note->json);
	}
	if (fa)
		explain_json(fa, p->opt->absolute, out);
	describe_json_close(f, out);
}

void printer_frame(struct printer *p, const struct frame *f, const struct timeval *ts,
		   const struct frame_note *note)
{
	struct frame_analysis own;
	const struct frame_analysis *fa = note && note->fa ? note->fa : printer_analyse(p, f, ts, &own);
	if (p->an && fa->is_tcp)
		analysis_shown(p->an, fa->tcp.stream);
	struct strbuf *out = &p->text;
	sb_reset(out);
	p->frames++;
	if (p->seen++ == 0)
		p->first = *ts;
	if (p->opt->json) {
		frame_json(p, f, ts, fa, note, out);
		picture_frame(&p->pic, f, p->seen, ts, &p->first, fa, NULL);
	} else {
		if (note && note->prefix)
			sb_puts(out, note->prefix);
		if (note && note->summary)
			sb_puts(out, note->summary);
		else
			describe_summary_analysed(f, fa, p->opt->absolute, out);
		if (note && note->suffix)
			sb_puts(out, note->suffix);
		else if (fa)
			explain_suffix(fa, out);
		picture_frame(&p->pic, f, p->seen, ts, &p->first, fa, out->s);
		if (p->opt->ladder && !p->opt->verbose && !p->opt->hex)
			sb_reset(out);	/* drawn instead of listed, unless -v or -x asks */
		else
			sb_putc(out, '\n');
		bool detail = !note || !note->brief;
		if (detail && p->opt->verbose)
			describe_tree(f, p->seen, fa, p->opt->absolute, out);
		if (detail && p->opt->hex)
			describe_hex(f, out);
		if (detail && (p->opt->verbose || p->opt->hex))
			sb_putc(out, '\n');
	}
	fwrite(out->s, 1, out->len, stdout);
	out_check();
	if (!note || !note->recorded)
		printer_record(p, f, ts);
}

void printer_captured(struct printer *p, const struct frame *f, const struct timeval *ts,
		      bool shown)
{
	struct frame_analysis fa;
	if (p->seen == 0)
		p->first = *ts;
	if (!shown) {
		printer_analyse(p, f, ts, &fa);
		p->seen++;
		return;
	}
	sb_reset(&p->prefix);
	sb_u64(&p->prefix, p->seen + 1);
	sb_putc(&p->prefix, ' ');
	usec_text(usec_between(&p->first, ts), &p->prefix);
	sb_putc(&p->prefix, ' ');
	printer_frame(p, f, ts, &(struct frame_note){ .prefix = p->prefix.s });
}

void printer_finish(struct printer *p)
{
	struct strbuf out, convs;
	sb_init(&out);
	sb_init(&convs);
	picture_text(&p->pic, &out);
	if (p->an && !p->opt->json)
		explain_conversations(p->an, &convs);
	if (p->opt->ladder && convs.len)
		sb_putc(&out, '\n');
	sb_add(&out, convs.s, convs.len);
	fwrite(out.s, 1, out.len, stdout);
	sb_free(&out);
	sb_free(&convs);
}

/* One message for the record's failure, and the run stops. */
static void record_failed(const struct printer *p)
{
	if (p->rec.out)
		fail("writing %s: %s", p->opt->write, p->rec.err);
	else
		cannot_write(p);
	atomic_store(&broken, true);
}

void printer_record(struct printer *p, const struct frame *f, const struct timeval *ts)
{
	if (recorder_write(&p->rec, f, ts))
		record_failed(p);
}

int printer_close(struct printer *p)
{
	/* The file first: a closed pipe on stdout must not cost it. */
	bool told = p->rec.failed;
	int rc = recorder_close(&p->rec);
	if (rc && !told)
		fail("writing %s: %s", p->opt->write, p->rec.err);
	if (picture_close(&p->pic)) {
		fail("cannot write '%s': %s", p->opt->html, strerror(p->pic.err));
		rc = -1;
	}
	analysis_free(p->an);
	p->an = NULL;
	sb_free(&p->text);
	sb_free(&p->prefix);
	out_flush();
	return rc;
}

static void on_record(void *ctx, const struct frame *f, const struct timeval *ts)
{
	struct cli_engine *c = ctx;
	if (c->sniff)
		printer_captured(c->pr, f, ts, true);
	else
		printer_record(c->pr, f, ts);
}

static void on_fault(void *ctx, enum engine_fault kind, const struct diag *d)
{
	(void)ctx;
	if (kind == ENGINE_FAULT_PERMISSION)
		fail("%s (%s)", PERMISSION_HINT, d->msg);
	else
		print_diag("error", d);
}

static int on_stop(void *ctx)
{
	(void)ctx;
	int sig = stop_requested();
	/* Its output gone - stdout's reader (| head), a full disk - it
	 * stops as for SIGPIPE, yet alive to close -w whole. */
	return !sig && out_broken() ? SIGPIPE : sig;
}

/* Every socket and capture is open: the -w file now (a fault on the way
 * must not truncate an old capture), then root goes. */
static int on_ready(void *ctx)
{
	struct cli_engine *c = ctx;
	if (printer_prepare(c->pr))
		return EXIT_SYSTEM;
	return privs_drop(c->opt->user, c->keep_net_admin);
}

const struct engine_ops cli_engine_ops = {
	.record = on_record, .fault = on_fault, .stop = on_stop, .ready = on_ready,
};

int cli_engine_open(struct cli_engine *c, struct addr dst)
{
	/* The next hop gets 1 s to answer ARP or a solicitation, whatever -t
	 * (the replies' wait) says. */
	struct engine_config cfg = { .ifname = c->opt->iface, .dst = dst,
				     .neighbor_timeout_us = 1000000,
				     .listen_only = c->sniff };
	int rc = engine_open(&c->e, &cfg, &cli_engine_ops, c);
	/* Where a student's frames go that no peer of theirs sees. */
	if (rc == EXIT_OK && !c->sniff && strcmp(engine_iface(c->e)->name, "lo") == 0)
		fputs("rawcraft: warning: lo is the loopback: nobody answers ARP there (set eth "
		      "dst=00:00:00:00:00:00), and what is sent comes back to this host's own "
		      "kernel, which answers as the peer and resets hand-made TCP; for a peer of "
		      "its own, use a veth pair into a network namespace (ip netns add, ip link "
		      "add ... type veth)\n", stderr);
	return rc;
}

void exit_now(int rc)
{
	fflush(stdout);
	fflush(stderr);
	/* Killed by the signal it stops for, so that a shell loop stops too. */
	if (rc == 128 + SIGINT || rc == 128 + SIGTERM || rc == 128 + SIGHUP) {
		signal(rc - 128, SIG_DFL);
		raise(rc - 128);
	}
	_exit(rc);
}

void exit_before_teardown(int rc)
{
#if defined(__SANITIZE_ADDRESS__)
	/* Sanitized builds tear down in order, where their checks can see it. */
	(void)rc;
#else
	rc = out_finish(rc);
	pid_t parent = getpid(), pid = fork();
	if (pid > 0)
		exit_now(rc);
	if (pid < 0)
		return;		/* then this process pays for it */
	/* The child: nobody waits for its output, so it has none.  It must
	 * hold the last references, so it lets the parent go first: its parent
	 * changes once the parent's files are released (bounded: 5 s). */
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	for (int i = 0; i < 5000 && getppid() == parent; i++)
		usleep(1000);
#endif
}
