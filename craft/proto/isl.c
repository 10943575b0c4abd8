/*
 * isl.c - Cisco's Inter-Switch Link header, what a trunk port wraps a whole
 * frame in: to 01-00-0c-00-00 (or 0c-00-0c-00-00) with an 802.3 length,
 * which is how Wireshark's Ethernet dissector tells it (packet-eth.c).  An
 * Ethernet frame follows (type 0), its CRC after it.  Decode only.
 */
#include "proto.h"

#define ISL_LEN 26
#define ISL_CRC 4

static const struct field isl_fields[] = {
	[ISL_DST] = { "dst", "Destination", 0, 48, FK_MAC, FD_CONST, 0, 0, NULL, NULL, NULL },
	[ISL_TYPE] = { "type", "Type", 40, 4, FK_UINT, FD_CONST, 0, FF_ALIAS, NULL, NULL, NULL },
	[ISL_USER] = { "user", "User", 44, 4, FK_UINT, FD_CONST, 0, FF_ALIAS, NULL, NULL, NULL },
	[ISL_SRC] = { "src", "Source", 48, 48, FK_MAC, FD_CONST, 0, 0, NULL, NULL, NULL },
	[ISL_LENGTH] = { "len", "Length", 96, 16, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[ISL_DSAP] = { "dsap", "DSAP", 112, 8, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
	[ISL_SSAP] = { "ssap", "SSAP", 120, 8, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
	[ISL_CTRL] = { "ctrl", "Control", 128, 8, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
	[ISL_HSA] = { "hsa", "HSA", 136, 24, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
	[ISL_VLAN] = { "vlan", "VLAN ID", 160, 15, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[ISL_BPDU] = { "bpdu", "BPDU/CDP/VTP", 175, 1, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[ISL_INDEX] = { "index", "Index", 176, 16, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[ISL_RES] = { "res", "Reserved", 192, 16, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
};
FIELD_TABLE_FITS(isl_fields, ISL_NFIELDS);

bool isl_frame(const uint8_t *p, size_t avail)
{
	return avail >= 14 && (p[0] == 0x01 || p[0] == 0x0c) && p[1] == 0 && p[2] == 0x0c &&
	       p[3] == 0 && p[4] == 0 && (p[12] << 8 | p[13]) <= ETH_MAX_LEN;
}

/* The length counts from after itself to the end of the CRC. */
static bool isl_decoded(struct frame *f, size_t idx, size_t *end)
{
	const struct layer *l = &f->layer[idx];
	size_t len = (size_t)lv(l, ISL_LENGTH);
	if (len >= ISL_LEN - 14 + ISL_CRC)
		frame_cut(f, end, l->off + 14 + len - ISL_CRC);
	return true;
}

static void isl_summary(const struct frame *f, size_t idx, struct strbuf *out)
{
	sb_printf(out, "ISL VLAN %u, type %u, length %zu", (unsigned)lv(&f->layer[idx], ISL_VLAN),
		  (unsigned)lv(&f->layer[idx], ISL_TYPE), f->wire_len);
}

const struct layer_def isl_layer = {
	.id = L_ISL, .name = "isl", .label = "Cisco ISL", .decode_only = true,
	.fields = isl_fields, .nfields = ISL_NFIELDS, .min_len = ISL_LEN,
	.demux = ISL_TYPE, .csum_field = -1, .decoded = isl_decoded, .summary = isl_summary,
};
