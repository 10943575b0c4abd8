/* fragment.c - the Fragment header (RFC 8200 4.5): offset in 8-byte units,
 * the M flag, the datagram's identification. */
#include "proto.h"

static const struct field_name m_names[] = {
	{ 0, NULL, "No" }, { 1, NULL, "Yes" }, { 0, NULL, NULL },
};

static const struct field fragment_fields[] = {
	[FRAG_NH] = { "nh", "Next Header", 0, 8, FK_UINT, FD_COMPUTED, 0, 0, ip6_nh_names, NULL, NULL },
	[FRAG_RES] = { "res", "Reserved octet", 8, 8, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
	[FRAG_OFF] = { "off", "Offset", 16, 13, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[FRAG_RES2] = { "res2", "Reserved bits", 29, 2, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[FRAG_M] = { "m", "More Fragments", 31, 1, FK_UINT, FD_CONST, 0, 0, m_names, NULL, NULL },
	[FRAG_ID] = { "id", "Identification", 32, 32, FK_UINT, FD_RANDOM, 0, FF_HEX, NULL, NULL, NULL },
};
FIELD_TABLE_FITS(fragment_fields, FRAG_NFIELDS);

/* Captured with more to come or not the first: the upper layer is not all
 * here, and its checksum not ours to verify. */
static bool fragment_partial(const struct layer *l)
{
	return lv(l, FRAG_OFF) || lv(l, FRAG_M);
}

/* A later fragment's data is the middle of a datagram: no header in it. */
static bool fragment_decoded(struct frame *f, size_t idx, size_t *end)
{
	(void)end;
	return lv(&f->layer[idx], FRAG_OFF) == 0;
}

/* As IPv4's summary says a fragment. */
static void fragment_summary(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	char src[ADDR_STRLEN], dst[ADDR_STRLEN];
	if (frame_addrs(f, idx, src, dst, sizeof src))
		sb_printf(out, "%s > %s ", src, dst);
	sb_printf(out, "IPv6 next header %u fragment offset %u%s id 0x%08x",
		  (unsigned)lv(l, FRAG_NH), (unsigned)lv(l, FRAG_OFF) * 8,
		  lv(l, FRAG_M) ? " M" : "", (unsigned)lv(l, FRAG_ID));
}

const struct layer_def fragment_layer = {
	.id = L_FRAGMENT, .name = "fragment", .label = "Fragment Header for IPv6",
	.fields = fragment_fields, .nfields = FRAG_NFIELDS, .min_len = 8,
	.demux = FRAG_NH, .demux_default = IP6_NH_NONE, .csum_field = -1, .ext = true,
	.ext_fragment = fragment_partial, .decoded = fragment_decoded,
	.summary = fragment_summary,
};
