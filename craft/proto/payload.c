/* payload.c - raw bytes after the last header; four ways to write them. */
#include "proto.h"

static const struct field payload_fields[] = {
	[PL_TEXT] = { "text", "Text", 0, 0, FK_TEXT, FD_ABSENT, 0, FF_VARIABLE, NULL, NULL, NULL },
	[PL_HEX] = { "hex", "Data", 0, 0, FK_HEX, FD_ABSENT, 0, FF_VARIABLE, NULL, NULL, NULL },
	[PL_FILE] = { "file", "File", 0, 0, FK_FILE, FD_ABSENT, 0, FF_VARIABLE, NULL, NULL, NULL },
	[PL_SIZE] = { "size", "Size", 0, 0, FK_SIZE, FD_ABSENT, 0, FF_VARIABLE, NULL, NULL, NULL },
};
FIELD_TABLE_FITS(payload_fields, PL_NFIELDS);

static void payload_title(const struct frame *f, size_t idx, struct strbuf *out)
{
	sb_printf(out, "Data (%zu bytes)", f->layer[idx].len);
}

const struct layer_def payload_layer = {
	.id = L_PAYLOAD, .name = "payload", .label = "Data",
	.fields = payload_fields, .nfields = PL_NFIELDS, .min_len = 0,
	.demux = -1, .csum_field = -1, .title = payload_title,
};
