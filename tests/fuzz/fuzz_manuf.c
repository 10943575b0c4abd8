/*
 * fuzz_manuf.c - libFuzzer target for the makers' names files
 * (craft/util/manuf.c, ouicsv.c): the input is one file, Wireshark's
 * manuf/wka lines or IEEE's CSV (when it starts with the CSV's header).
 * Its size is made a multiple of the page size, so a read past its end
 * faults instead of reading the zeros after it.  Every MAC spelled by the
 * input's bytes, and a few fixed ones, are looked up: a name is never
 * longer than the buffer allows and is one line.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../craft/util/manuf.h"

#define HEADER "Registry,Assignment,"

static void look_up(uint64_t mac, size_t len)
{
	char buf[128];
	memset(buf, 'X', sizeof buf);
	if (!manuf_name(mac, buf, len))
		return;
	if (!memchr(buf, '\0', len) || buf[len] != 'X' || strchr(buf, '\n')) {
		fprintf(stderr, "fuzz_manuf: a bad name for %012llx: %.*s\n",
			(unsigned long long)mac, (int)len, buf);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("manuf", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	/* Blank lines make the size a page multiple: before the lines of
	 * manuf, after the CSV's header line (a blank record is none). */
	size_t page = (size_t)sysconf(_SC_PAGESIZE), pad = page - size % page, head = 0;
	if (size >= strlen(HEADER) && memcmp(data, HEADER, strlen(HEADER)) == 0) {
		const uint8_t *nl = memchr(data, '\n', size);
		head = nl ? (size_t)(nl - data) + 1 : size;
	}
	char *blank = malloc(pad);
	if (!blank)
		abort();
	memset(blank, '\n', pad);
	bool written = write(fd, data, head) == (ssize_t)head &&
		       write(fd, blank, pad) == (ssize_t)pad &&
		       write(fd, data + head, size - head) == (ssize_t)(size - head);
	free(blank);
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (written) {
		manuf_use(path);
		static const uint64_t fixed[] = { 0, 0xffffffffffff, 0x080027000000, 0x333300000016 };
		for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
			look_up(fixed[i], 64);
		for (size_t i = 0; i + 6 <= size && i < 600; i += 3) {
			uint64_t mac = 0;
			for (int k = 0; k < 6; k++)
				mac = mac << 8 | data[i + k];
			look_up(mac, 1 + i % 64);
		}
		manuf_use(NULL);
	}
	close(fd);
	return 0;
}
