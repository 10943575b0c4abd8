/* hopopts.c - the Hop-by-Hop and Destination Options headers (RFC 8200 4.3,
 * 4.6): one format, options padded to a multiple of 8 bytes. */
#include "proto.h"

static const struct field opts_fields[] = {
	[OPTS_NH] = { "nh", "Next Header", 0, 8, FK_UINT, FD_COMPUTED, 0, 0, ip6_nh_names, NULL, NULL },
	[OPTS_LEN] = { "len", "Length", 8, 8, FK_UINT, FD_COMPUTED, 0, 0, NULL, NULL, NULL },
	[OPTS_OPTS] = { "opts", "Options", 16, 0, FK_OPTS, FD_ABSENT, 0, FF_VARIABLE, NULL, NULL,
			&ip6_opts_codec },
};
FIELD_TABLE_FITS(opts_fields, OPTS_NFIELDS);

/* The options as written, and the padding the builder adds after them. */
static size_t opts_built_len(const struct layer *l)
{
	return (2 + l->val[OPTS_OPTS].len + 7) / 8 * 8;
}

static u128 opts_computed(const struct frame *f, size_t idx, size_t k)
{
	(void)k;	/* only len is computed but for nh */
	return ext6_computed_len(f, idx);
}

static bool opts_decoded(struct frame *f, size_t idx, size_t *end)
{
	struct layer *l = &f->layer[idx];
	(void)end;
	layer_take_bytes(f, idx, OPTS_OPTS, l->off + 2, l->off + l->hdr_len);
	return true;
}

#define OPTS_LAYER(ID, NAME, LABEL, FIRST) { \
	.id = (ID), .name = (NAME), .label = (LABEL), \
	.fields = opts_fields, .nfields = OPTS_NFIELDS, .min_len = 8, \
	.demux = OPTS_NH, .demux_default = IP6_NH_NONE, .csum_field = -1, \
	.ext = true, .net_first = (FIRST), \
	.header_len = ext6_header_len, .built_len = opts_built_len, \
	.computed = opts_computed, .decoded = opts_decoded, \
}

const struct layer_def hopopts_layer =
	OPTS_LAYER(L_HOPOPTS, "hopopts", "IPv6 Hop-by-Hop Option",
		   "routers look for hop-by-hop options there only (RFC 8200 4.1)");
const struct layer_def dstopts_layer =
	OPTS_LAYER(L_DSTOPTS, "dstopts", "Destination Options for IPv6", NULL);
