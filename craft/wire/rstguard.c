/* rstguard.c - nftables through the nft command: one table per process. */
#include "rstguard.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../util/clock.h"
#include "../core/field.h"

/* Runs `nft -f -` with `script` on stdin; the exit status, or -1.  The
 * child gets its own process group (a terminal's Ctrl-C must not cut the
 * cleanup short) and 5 seconds. */
static int nft(const char *script, char *out, size_t outlen)
{
	int in[2], back[2] = { -1, -1 };
	if (pipe(in))
		return -1;
	if (pipe(back)) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(in[0]), close(in[1]), close(back[0]), close(back[1]);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		dup2(in[0], 0);
		dup2(back[1], 1);
		dup2(back[1], 2);
		close(in[1]);
		close(back[0]);
		execlp("nft", "nft", "-f", "-", (char *)NULL);
		_exit(127);
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

int rstguard_open(struct rstguard *g, char *err, size_t errlen)
{
	char script[256];
	snprintf(g->table, sizeof g->table, "rawcraft_%d", (int)getpid());
	snprintf(script, sizeof script,
		 "table inet %s {\n"
		 "  chain out { type filter hook output priority 0; policy accept; }\n"
		 "}\n", g->table);
	int rc = nft(script, err, errlen);
	if (rc != 0) {
		trim(err);
		if (rc == 127)
			snprintf(err, errlen, "nft is not installed (apt-get install nftables)");
		return -1;
	}
	g->open = true;
	return 0;
}

int rstguard_add(struct rstguard *g, uint32_t src, uint16_t sport, uint32_t dst,
		 uint16_t dport, char *err, size_t errlen)
{
	char a[16], b[16], script[384];
	format_ipv4(src, a, sizeof a);
	format_ipv4(dst, b, sizeof b);
	snprintf(script, sizeof script,
		 "add rule inet %s out ip saddr %s ip daddr %s tcp sport %u tcp dport %u "
		 "tcp flags & rst == rst drop\n", g->table, a, b, sport, dport);
	if (nft(script, err, errlen) != 0) {
		trim(err);
		return -1;
	}
	return 0;
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
