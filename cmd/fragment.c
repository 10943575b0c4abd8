/* fragment.c - `send --fragment SIZE` and `--fragment-order`: the words. */
#include <stdio.h>
#include <string.h>

#include "../craft/builder/fragment.h"
#include "../craft/core/field.h"
#include "cli.h"

static const char *const orders[] = {
	[FRAG_IN_ORDER] = "in", [FRAG_REVERSE] = "reverse", [FRAG_RANDOM] = "random",
};

int fragment_option(struct options *opt, bool size, const char *arg)
{
	uint64_t n;
	if (size) {
		if (parse_uint(arg, 65528, &n) || n == 0 || n % 8)
			return fail("--fragment takes the payload bytes of a fragment, a multiple "
				    "of 8 from 8 to 65528, got '%s'", arg);
		opt->fragment = (unsigned)n;
		return 0;
	}
	for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++)
		if (strcmp(arg, orders[i]) == 0) {
			opt->frag_order = (int)i;
			return 0;
		}
	return fail("--fragment-order takes in, reverse or random, got '%s'", arg);
}

const char *fragment_misfit(const struct options *opt)
{
	if (opt->frag_order >= 0 && !opt->fragment)
		return "--fragment-order orders the fragments of --fragment SIZE: give it too";
	if (opt->fragment && (opt->flood || opt->rate))
		return "--fragment is for probes one by one (--interval), not a stream "
		       "(--rate, --flood): cut by hand with ipv4 frag= or a fragment layer";
	return NULL;
}

void fragment_warn_df(const struct options *opt, const struct frame *tmpl,
		      const struct frame *built, const char *path)
{
	struct srcpos at;
	if (opt->fragment && fragment_df_cleared(tmpl, built, opt->fragment, &at))
		fprintf(stderr, "%s:%u:%u: warning: ipv4 flags: --fragment clears the DF bit in "
			"every fragment\n", path, at.line, at.col);
}
