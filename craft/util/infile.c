/* infile.c - reading an input file whole, a regular one only. */
#include "infile.h"

#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum infile_fault infile_read(const char *path, size_t max, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return INFILE_SYSTEM;
	struct stat st;
	enum infile_fault f = fstat(fd, &st) ? INFILE_SYSTEM :
			      !S_ISREG(st.st_mode) ? INFILE_NOT_REGULAR :
			      (uintmax_t)st.st_size > max ? INFILE_TOO_BIG : INFILE_OK;
	/* Room for its bytes, the NUL and one more, to see the end; its size
	 * is a hint only: a file may grow, and /proc's say 0. */
	size_t cap = 0, n = 0;
	char *b = NULL;
	while (f == INFILE_OK) {
		if (n + 1 >= cap) {
			size_t room = cap ? cap * 2 : (size_t)st.st_size + 2;
			room = room < max + 2 ? room : max + 2;
			b = xrealloc(b, room);
			cap = room;
		}
		ssize_t got = read(fd, b + n, cap - 1 - n);
		if (got < 0 && errno != EINTR)
			f = INFILE_SYSTEM;
		else if (got == 0)
			break;
		else if (got > 0 && (n += (size_t)got) > max)
			f = INFILE_TOO_BIG;
	}
	int err = errno;
	close(fd);
	if (f != INFILE_OK) {
		free(b);
		errno = err;
		return f;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return INFILE_OK;
}

const char *infile_error(enum infile_fault f)
{
	return f == INFILE_NOT_REGULAR ? "not a regular file" :
	       f == INFILE_TOO_BIG ? strerror(EFBIG) : strerror(errno);
}
