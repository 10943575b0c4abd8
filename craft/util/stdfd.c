/* stdfd.c - descriptors 0-2 kept open; a stream's first failure and why. */
#include "stdfd.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int stdfd_sanitise(void)
{
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
		/* The lowest free number: this one, as those below are open. */
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY) != fd)
			return -1;
	return 0;
}

int stdfd_error(FILE *f, int *first)
{
	if (!*first && ferror(f))
		*first = errno ? errno : EIO;
	return *first;
}
