/*
 * fixture.h - what the unit tests share: a builder with no device, a table
 * of variables, and a fake interface (10.0.0.1 at 02:00:00:00:00:aa).
 * Included after cmocka.h by one test file each.
 */
#ifndef UNIT_FIXTURE_H
#define UNIT_FIXTURE_H

#include "../../craft/builder/build.h"
#include "../../craft/wire/iface.h"
#include "../../craft/core/vars.h"

static struct builder *bld;
static struct vars vs;
static const struct iface fake_if = {
	.name = "fake0", .up = true, .has_mac = true, .has_ip = true,
	.mac = UINT64_C(0x0200000000aa), .ip = 0x0a000001,
	.has_ip6 = true, .has_ll6 = true,
	.ip6 = { .family = ADDR_IPV6, .len = 16, .b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0xaa } },
	.ll6 = { .family = ADDR_IPV6, .len = 16, .b = { 0xfe, 0x80, [15] = 0xaa } },
};

/* Opens the builder and sets the variables: NAME, VALUE, ..., NULL. */
static int fixture_open(const char *const *vars)
{
	char err[256];
	bld = builder_open(NULL, err, sizeof err);
	if (!bld) {
		print_error("builder_open: %s\n", err);
		return -1;
	}
	vars_init(&vs);
	for (size_t i = 0; vars && vars[i]; i += 2)
		vars_set(&vs, vars[i], vars[i + 1]);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	builder_close(bld);
	vars_free(&vs);
	return 0;
}

#endif
