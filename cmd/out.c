/* out.c - stdout, stderr and the files' faults, checked in one place. */
#include "out.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int stdout_errno;	/* why stdout first failed, or 0 */
static atomic_bool broken;	/* stdout or a file failed: stop */
static atomic_bool faulted;	/* a file failed: exit 3 */

void out_start(void)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* The lowest free number: this one.  Without /dev/null there
		 * is nowhere safe to say so. */
		if (open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY) != fd)
			_exit(EXIT_SYSTEM);
	}
	/* A reader gone (| head) must not kill the run before it closes
	 * its -w file or removes its nftables table. */
	signal(SIGPIPE, SIG_IGN);
}

void out_check(void)
{
	if (stdout_errno || !ferror(stdout))
		return;
	/* errno is still the failed write's: nothing since set it. */
	stdout_errno = errno ? errno : EIO;
	atomic_store(&broken, true);
}

void out_fault(void)
{
	atomic_store(&faulted, true);
	atomic_store(&broken, true);
}

bool out_broken(void)
{
	return atomic_load(&broken);
}

int out_finish(int rc)
{
	static bool told;
	fflush(stdout);
	out_check();
	if (stdout_errno == EPIPE && rc < EXIT_INPUT) {
		rc = 128 + SIGPIPE;	/* as tcpdump | head */
	} else if (stdout_errno && stdout_errno != EPIPE) {
		if (!told)
			fail("writing standard output: %s", strerror(stdout_errno));
		told = true;
		rc = EXIT_SYSTEM;
	}
	if (atomic_load(&faulted))
		rc = EXIT_SYSTEM;
	/* Nowhere to say it, but a lost warning is no success. */
	if ((fflush(stderr) != 0 || ferror(stderr)) && rc == EXIT_OK)
		rc = EXIT_SYSTEM;
	return rc;
}
