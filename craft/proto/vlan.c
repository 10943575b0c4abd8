/* vlan.c - IEEE 802.1Q tag: priority, drop eligible, VLAN id, inner type. */
#include "proto.h"


static const struct field_name pcp_names[] = {
	{ 0, NULL, "Best Effort (default)" }, { 1, NULL, "Background" },
	{ 2, NULL, "Excellent Effort" }, { 3, NULL, "Critical Applications" },
	{ 4, NULL, "Video, < 100ms latency and jitter" },
	{ 5, NULL, "Voice, < 10ms latency and jitter" },
	{ 6, NULL, "Internetwork Control" }, { 7, NULL, "Network Control" },
	{ 0, NULL, NULL },
};

static const char *lint_vid(uint64_t v)
{
	return v == 4095 ? "reserved: switches drop it" : NULL;
}

static const struct field vlan_fields[] = {
	[VLAN_PCP] = { "pcp", "Priority", 0, 3, FK_UINT, FD_CONST, 0, 0, pcp_names, NULL, NULL },
	[VLAN_DEI] = { "dei", "DEI", 3, 1, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[VLAN_ID] = { "id", "ID", 4, 12, FK_UINT, FD_CONST, 1, 0, NULL, lint_vid, NULL },
	[VLAN_TYPE] = { "type", "Type", 16, 16, FK_UINT, FD_COMPUTED, 0, FF_HEX,
			ethertype_names, NULL, NULL },
};
FIELD_TABLE_FITS(vlan_fields, VLAN_NFIELDS);

static const char *vlan_meaning(const struct layer *l, size_t k)
{
	return k == VLAN_TYPE && lv(l, k) <= ETH_MAX_LEN ? "802.3 length" : NULL;
}

static bool vlan_decoded(struct frame *f, size_t idx, size_t *end)
{
	return ieee8023_length(f, idx, lv(&f->layer[idx], VLAN_TYPE), end);
}

static void vlan_title(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	sb_printf(out, "802.1Q Virtual LAN, PRI: %u, DEI: %u, ID: %u",
		  (unsigned)lv(l, VLAN_PCP), (unsigned)lv(l, VLAN_DEI),
		  (unsigned)lv(l, VLAN_ID));
}

const struct layer_def vlan_layer = {
	.id = L_VLAN, .name = "vlan", .label = "802.1Q Virtual LAN",
	.fields = vlan_fields, .nfields = VLAN_NFIELDS, .min_len = 4,
	.demux = VLAN_TYPE, .demux_default = ETHERTYPE_EXPERIMENTAL, .csum_field = -1,
	.decoded = vlan_decoded, .meaning = vlan_meaning, .title = vlan_title,
};
