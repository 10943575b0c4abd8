/*
 * test_infile.c - input files read whole: a regular file's bytes to the last,
 * NUL-terminated, up to its limit and not one byte more; a FIFO, a device or
 * a directory refused at once (a FIFO without a writer blocked open() for
 * ever), and a missing file with its errno.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../craft/util/infile.h"

static char dir[] = "/tmp/test_infile.XXXXXX";

static const char *in_dir(const char *name)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static void write_file(const char *name, size_t n)
{
	FILE *fp = fopen(in_dir(name), "wb");
	assert_non_null(fp);
	for (size_t i = 0; i < n; i++)
		fputc('a' + (int)(i % 26), fp);
	assert_int_equal(fclose(fp), 0);
}

static void test_regular(void **state)
{
	(void)state;
	/* Around the first read's room (the size + 1) and the limit. */
	const size_t sizes[] = { 0, 1, 4095, 4096, 4097, 100000 };
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		write_file("f", sizes[k]);
		char *buf = NULL;
		size_t len = 99;
		assert_int_equal(infile_read(in_dir("f"), 100000, &buf, &len), INFILE_OK);
		assert_int_equal(len, sizes[k]);
		assert_int_equal(buf[len], '\0');
		if (len)
			assert_int_equal(buf[len - 1], 'a' + (int)((len - 1) % 26));
		free(buf);
	}
}

/* A file longer than fstat says (those of /proc say 0): read to its end. */
static void test_grows(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	assert_int_equal(infile_read("/proc/self/maps", 1u << 24, &buf, &len), INFILE_OK);
	assert_true(len > 100);
	assert_int_equal(strlen(buf), len);
	assert_int_equal(buf[len - 1], '\n');
	free(buf);
	buf = NULL;
	assert_int_equal(infile_read("/proc/self/maps", 10, &buf, &len), INFILE_TOO_BIG);
	assert_null(buf);
}

static void test_too_big(void **state)
{
	(void)state;
	write_file("f", 101);
	char *buf = NULL;
	size_t len = 0;
	assert_int_equal(infile_read(in_dir("f"), 100, &buf, &len), INFILE_TOO_BIG);
	assert_null(buf);
	assert_string_equal(infile_error(INFILE_TOO_BIG), strerror(EFBIG));
	assert_int_equal(infile_read(in_dir("f"), 101, &buf, &len), INFILE_OK);
	assert_int_equal(len, 101);
	free(buf);
}

static void test_not_regular(void **state)
{
	(void)state;
	assert_int_equal(mkfifo(in_dir("fifo"), 0600), 0);
	const char *paths[] = { in_dir("fifo"), "/dev/null", "/dev/zero", dir };
	for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
		char *buf = NULL;
		size_t len = 0;
		assert_int_equal(infile_read(paths[k], 1000, &buf, &len), INFILE_NOT_REGULAR);
		assert_null(buf);
	}
	assert_string_equal(infile_error(INFILE_NOT_REGULAR), "not a regular file");
	unlink(in_dir("fifo"));
}

static void test_missing(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	assert_int_equal(infile_read(in_dir("none"), 1000, &buf, &len), INFILE_SYSTEM);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(infile_error(INFILE_SYSTEM), strerror(ENOENT));
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	unlink(in_dir("f"));
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regular),
		cmocka_unit_test(test_grows),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_not_regular),
		cmocka_unit_test(test_missing),
	};
	return cmocka_run_group_tests_name("infile", tests, setup, teardown);
}
