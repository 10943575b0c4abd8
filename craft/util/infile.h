/* infile.h - reading an input file whole, a regular one only. */
#ifndef CRAFT_INFILE_H
#define CRAFT_INFILE_H

#include <stddef.h>

enum infile_fault {
	INFILE_OK,
	INFILE_SYSTEM,		/* errno says why */
	INFILE_NOT_REGULAR,	/* a FIFO, device or directory */
	INFILE_TOO_BIG,		/* more than `max` bytes */
};

/* The bytes of `path` in *buf (NUL-terminated, to free) and *len, at most
 * `max`.  Opened without blocking and refused unless a regular file: a
 * FIFO would block the open until a writer comes, a device never end. */
enum infile_fault infile_read(const char *path, size_t max, char **buf, size_t *len);
/* "not a regular file", "File too large" or errno's text. */
const char *infile_error(enum infile_fault f);

#endif
