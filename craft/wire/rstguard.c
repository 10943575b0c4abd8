/* rstguard.c - nftables through the nft command: one table per process. */
#include "rstguard.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../util/clock.h"

/* nft() when no trusted nft binary was found: nothing was run. */
#define NFT_MISSING (-2)

/* Root's, and nobody else may change it: not group- or world-writable. */
static bool root_only(const struct stat *st)
{
	return st->st_uid == 0 && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* Every folder above `file` (a resolved path) is root_only: otherwise
 * someone could rename a folder away and put their own nft in its place. */
static bool dirs_root_only(const char *file)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", file);
	char *slash;
	while ((slash = strrchr(dir, '/')) != NULL) {
		slash[slash == dir] = '\0';	/* "/usr/sbin/nft" -> "/usr/sbin" -> "/usr" -> "/" */
		struct stat st;
		if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || !root_only(&st))
			return false;
		if (slash == dir)
			return true;
	}
	return false;
}

/* Into `path`, resolved, the first nft of a fixed list that only root can
 * have put there: 0; NFT_MISSING when there is none, -1 with `out` saying
 * why when there is one but it is refused.  Never PATH: with --block-rst
 * and file capabilities nft runs with CAP_NET_ADMIN, and PATH is the
 * caller's to choose. */
static int find_nft(char *path, char *out, size_t outlen)
{
	static const char *const where[] = {
		"/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft", "/bin/nft",
	};
	const char *refused = NULL;
	for (size_t i = 0; i < sizeof where / sizeof where[0]; i++) {
		struct stat st;
		if (!realpath(where[i], path) || stat(path, &st) != 0)
			continue;
		if (S_ISREG(st.st_mode) && (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) &&
		    root_only(&st) && dirs_root_only(path))
			return 0;
		if (!refused)
			refused = where[i];
	}
	if (!refused)
		return NFT_MISSING;
	if (out && outlen)
		snprintf(out, outlen, "%s is not an executable only root can change: not run",
			 refused);
	return -1;
}

/* The forked child: stdin from `in`, stdout and stderr to `out`, then nft
 * with an environment of our own - nothing inherited (LD_PRELOAD, NFT_*,
 * a locale's files) reaches a program that may hold CAP_NET_ADMIN.  Only
 * async-signal-safe calls here. */
_Noreturn static void exec_nft(const char *path, int in, int out)
{
	static const char failed[] = "cannot execute ";
	char *const argv[] = { "nft", "-f", "-", NULL };
	char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	/* Our own group: a terminal's Ctrl-C must not cut the cleanup short. */
	if (setpgid(0, 0) != 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(126);
	if (in > 2)
		close(in);
	if (out > 2)
		close(out);
	execve(path, argv, envp);
	/* Into the caller's error buffer; if even that fails, the status says it. */
	ssize_t w = write(2, failed, sizeof failed - 1);
	w = write(2, path, strlen(path));
	(void)w;
	_exit(127);
}

static int start_failed(char *out, size_t outlen)
{
	if (out && outlen)
		snprintf(out, outlen, "cannot start nft: %s", strerror(errno));
	return -1;
}

/* Runs `nft -f -` with `script` on stdin; the exit status, NFT_MISSING,
 * or -1.  The child gets its own process group and 5 seconds. */
static int nft(const char *script, char *out, size_t outlen)
{
	char path[PATH_MAX];
	if (out && outlen)
		out[0] = '\0';
	int found = find_nft(path, out, outlen);
	if (found != 0)
		return found;
	int in[2], back[2] = { -1, -1 };
	if (pipe(in))
		return start_failed(out, outlen);
	if (pipe(back)) {
		close(in[0]);
		close(in[1]);
		return start_failed(out, outlen);
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(in[0]), close(in[1]), close(back[0]), close(back[1]);
		return start_failed(out, outlen);
	}
	if (pid == 0) {
		close(in[1]);
		close(back[0]);
		exec_nft(path, in[0], back[1]);
	}
	close(in[0]);
	close(back[1]);
	/* nft may exit before reading: that is its status to report, not a
	 * SIGPIPE to die of. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	size_t n = strlen(script);
	ssize_t wrote = write(in[1], script, n);
	(void)wrote;
	close(in[1]);
	sigaction(SIGPIPE, &old, NULL);
	size_t got = 0;
	ssize_t r = 1;
	char sink[256];
	struct deadline until;
	deadline_in(&until, 5000000);	/* nft answers in milliseconds; 5 s is stuck */
	struct pollfd pfd = { .fd = back[0], .events = POLLIN };
	while (r > 0 && deadline_left(&until) > 0) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		r = read(back[0], out && got + 1 < outlen ? out + got : sink,
			 out && got + 1 < outlen ? outlen - got - 1 : sizeof sink);
		if (r > 0 && out && got + 1 < outlen)
			got += (size_t)r;
	}
	if (out && outlen)
		out[got] = '\0';
	close(back[0]);
	int status = 0;
	pid_t done;
	while ((done = waitpid(pid, &status, WNOHANG)) == 0) {
		if (deadline_left(&until) <= 0) {
			kill(-pid, SIGKILL);	/* its group: nft and anything it started */
			waitpid(pid, &status, 0);
			if (out && outlen)
				snprintf(out, outlen, "nft did not answer within 5 s");
			return -1;
		}
		usleep(10000);
	}
	return done == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void rstguard_sweep(void)
{
	char out[8192], script[8192];
	if (nft("list tables\n", out, sizeof out) != 0)
		return;
	size_t used = 0;
	script[0] = '\0';
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		int pid;
		if (sscanf(line, "table inet rawcraft_%d", &pid) != 1)
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;	/* its process is alive: not ours to take */
		used += (size_t)snprintf(script + used, sizeof script - used,
					 "delete table inet rawcraft_%d\n", pid);
		if (used >= sizeof script)
			break;
	}
	if (used && used < sizeof script)
		nft(script, NULL, 0);
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	for (char *p = s; *p; p++)
		if (*p == '\n')
			*p = ' ';
}

/* A script that must work: -1 with nft's complaint in one line. */
static int change(const char *script, char *err, size_t errlen)
{
	int rc = nft(script, err, errlen);
	if (rc == 0)
		return 0;
	trim(err);
	if (rc == NFT_MISSING)
		snprintf(err, errlen, "nft is not installed (apt-get install nftables)");
	return -1;
}

int rstguard_open(struct rstguard *g, char *err, size_t errlen)
{
	char script[256];
	snprintf(g->table, sizeof g->table, "rawcraft_%d", (int)getpid());
	snprintf(script, sizeof script,
		 "table inet %s {\n"
		 "  chain out { type filter hook output priority 0; policy accept; }\n"
		 "}\n", g->table);
	if (change(script, err, errlen))
		return -1;
	g->open = true;
	return 0;
}

/* A flow's two addresses, written as nft reads them; -1 unless of one family. */
static int flow_addrs(const struct addr *src, const struct addr *dst, char *a, char *b,
		      char *err, size_t errlen)
{
	if (src->family != dst->family || src->family == ADDR_NONE) {
		snprintf(err, errlen, "a TCP flow needs two addresses of one family");
		return -1;
	}
	addr_format(src, a, ADDR_STRLEN);
	addr_format(dst, b, ADDR_STRLEN);
	return 0;
}

int rstguard_add(struct rstguard *g, const struct addr *src, uint16_t sport,
		 const struct addr *dst, uint16_t dport, char *err, size_t errlen)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN], script[384];
	/* The table is inet: ip and ip6 rules alike. */
	const char *fam = src->family == ADDR_IPV6 ? "ip6" : "ip";
	if (flow_addrs(src, dst, a, b, err, errlen))
		return -1;
	snprintf(script, sizeof script,
		 "add rule inet %s out %s saddr %s %s daddr %s tcp sport %u tcp dport %u "
		 "tcp flags & rst == rst drop\n", g->table, fam, a, fam, b, sport, dport);
	return change(script, err, errlen);
}

/* One table for every process, its flows a set whose entries expire: the
 * rules outlive the command that made them, and nothing stays for good. */
int rstguard_keep(const struct addr *src, uint16_t sport, const struct addr *dst,
		  uint16_t dport, unsigned seconds, char *err, size_t errlen)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN], script[1536];
	if (flow_addrs(src, dst, a, b, err, errlen))
		return -1;
	bool v6 = src->family == ADDR_IPV6;
	snprintf(script, sizeof script,
		 "add table inet rawcraft_kept\n"
		 "add set inet rawcraft_kept flows4 { typeof ip saddr . tcp sport . "
		 "ip daddr . tcp dport; flags timeout; }\n"
		 "add set inet rawcraft_kept flows6 { typeof ip6 saddr . tcp sport . "
		 "ip6 daddr . tcp dport; flags timeout; }\n"
		 "add chain inet rawcraft_kept out { type filter hook output priority 0; "
		 "policy accept; }\n"
		 "flush chain inet rawcraft_kept out\n"
		 "add rule inet rawcraft_kept out ip saddr . tcp sport . ip daddr . tcp dport "
		 "@flows4 tcp flags & rst == rst drop\n"
		 "add rule inet rawcraft_kept out ip6 saddr . tcp sport . ip6 daddr . tcp dport "
		 "@flows6 tcp flags & rst == rst drop\n"
		 "add element inet rawcraft_kept %s { %s . %u . %s . %u timeout %us }\n",
		 v6 ? "flows6" : "flows4", a, sport, b, dport, seconds);
	return change(script, err, errlen);
}

void rstguard_close(struct rstguard *g)
{
	char script[96];
	if (!g->open)
		return;
	snprintf(script, sizeof script, "delete table inet %s\n", g->table);
	nft(script, NULL, 0);
	g->open = false;
}
