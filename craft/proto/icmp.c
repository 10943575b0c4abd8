/* icmp.c - Internet Control Message Protocol (RFC 792), 8-byte header form. */
#include "../util/checksum.h"
#include "proto.h"

static const struct field_name type_names[] = {
	{ 0, "echo-reply", "Echo (ping) reply" },
	{ 3, "dest-unreach", "Destination unreachable" },
	{ 4, "source-quench", "Source quench" },
	{ 5, "redirect", "Redirect" },
	{ 8, "echo-request", "Echo (ping) request" },
	{ 11, "time-exceeded", "Time-to-live exceeded" },
	{ 12, "parameter-problem", "Parameter problem" },
	{ 13, "timestamp", "Timestamp" },
	{ 14, "timestamp-reply", "Timestamp reply" },
	{ 0, NULL, NULL },
};

static const struct field icmp_fields[] = {
	/* echo-request, or dest-unreach when a quoted ipv4 follows */
	[ICMP_TYPE] = { "type", "Type", 0, 8, FK_UINT, FD_COMPUTED, 0, 0, type_names, NULL, NULL },
	[ICMP_CODE] = { "code", "Code", 8, 8, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[ICMP_CSUM] = { "csum", "Checksum", 16, 16, FK_UINT, FD_COMPUTED, 0, FF_HEX | FF_CHECKSUM, NULL, NULL, NULL },
	[ICMP_ID] = { "id", "Identifier", 32, 16, FK_UINT, FD_RUN_RANDOM, 0, FF_HEX, NULL, NULL, NULL },
	[ICMP_SEQ] = { "seq", "Sequence Number", 48, 16, FK_UINT, FD_COUNT, 1, 0, NULL, NULL, NULL },
	/* The errors' own (RFC 792, RFC 1191): what tshark shows there. */
	[ICMP_UNUSED] = { "unused", "Unused", 32, 32, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
	[ICMP_UNUSED16] = { "unused", "Unused", 32, 16, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
	[ICMP_MTU] = { "mtu", "MTU of next hop", 48, 16, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[ICMP_PTR] = { "ptr", "Pointer", 32, 8, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[ICMP_UNUSED24] = { "unused", "Unused", 40, 24, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
	[ICMP_GW] = { "gw", "Gateway Address", 32, 32, FK_IPV4, FD_CONST, 0, 0, NULL, NULL, NULL },
	/* RFC 8335's extended echo: an 8-bit sequence number, then the
	 * request's L bit or the reply's state and A/4/6 bits. */
	[ICMP_XSEQ] = { "seq", "Sequence Number", 48, 8, FK_UINT, FD_COUNT, 1, 0, NULL, NULL, NULL },
	[ICMP_XFLAGS] = { "flags", "Flags", 56, 8, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
};
FIELD_TABLE_FITS(icmp_fields, ICMP_NFIELDS);

/* Codes of destination unreachable (type 3), the ones probes meet. */
static const char *const unreach_codes[] = {
	"network unreachable", "host unreachable", "protocol unreachable",
	"port unreachable", "fragmentation needed", "source route failed",
	"destination network unknown", "destination host unknown",
	"source host isolated", "network administratively prohibited",
	"host administratively prohibited", "network unreachable for TOS",
	"host unreachable for TOS", "communication administratively filtered",
};

/* Types whose bytes 4-7 are an identifier and a sequence number: echo,
 * timestamp, information and address mask requests and replies. */
static bool has_id_seq(uint64_t type)
{
	return type == 0 || type == 8 || (type >= 13 && type <= 18);
}

/* Bytes 4-7 by type, as Wireshark reads them; a template that gives an id
 * or seq for another type writes both (the other its default) instead of
 * the errors' rows. */
static bool icmp_applies(const struct layer *l, size_t k)
{
	uint64_t t = lv(l, ICMP_TYPE), code = lv(l, ICMP_CODE);
	bool id_seq = l->given & (1u << ICMP_ID | 1u << ICMP_SEQ);
	bool extended = t == 42 || t == 43;
	switch (k) {
	case ICMP_ID:
		return has_id_seq(t) || extended || id_seq;
	case ICMP_SEQ:
		return !extended && (has_id_seq(t) || id_seq);
	case ICMP_XSEQ:
	case ICMP_XFLAGS:
		return extended;
	case ICMP_UNUSED:
		return !id_seq && ((t == 3 && code != 4) || t == 4 || t == 11);
	case ICMP_UNUSED16:
	case ICMP_MTU:
		return !id_seq && t == 3 && code == 4;	/* fragmentation needed */
	case ICMP_PTR:
	case ICMP_UNUSED24:
		return !id_seq && t == 12;
	case ICMP_GW:
		return !id_seq && t == 5;
	default:
		return true;
	}
}

static bool icmp_checksum(const struct frame *f, size_t idx, uint16_t *want,
			  uint32_t *partial)
{
	const struct layer *l = &f->layer[idx];
	bool whole;
	size_t end = frame_payload_end(f, idx, &whole);
	*partial = UINT32_MAX;
	const struct layer *ip = idx > 0 ? &f->layer[idx - 1] : NULL;
	if (f->link && ip && ip->def->id == L_IPV4 && ((lv(ip, IPV4_FLAGS) & 1) || lv(ip, IPV4_FRAG)))
		return false;	/* a captured fragment: the rest of the message is elsewhere */
	if (!whole || end < l->off + 4)
		return false;
	*want = (uint16_t)~csum_fold(csum_add(0, f->bytes + l->off, end - l->off, 2));
	return true;
}

static void icmp_title(const struct frame *f, size_t idx, struct strbuf *out)
{
	(void)f;
	(void)idx;
	sb_puts(out, "Internet Control Message Protocol");
}

static void icmp_summary(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	char src[48], dst[48];	/* room for any address kind */
	uint64_t type = lv(l, ICMP_TYPE), code = lv(l, ICMP_CODE);
	if (frame_addrs(f, idx, src, dst, sizeof src))
		sb_printf(out, "%s > %s ", src, dst);
	const struct field_name *n = field_name_by_value(&icmp_fields[ICMP_TYPE], type);
	sb_printf(out, "ICMP %s", n ? n->meaning : "type");
	if (!n)
		sb_printf(out, " %u code %u", (unsigned)type, (unsigned)code);
	if (type == ICMP_ECHO_REQUEST || type == ICMP_ECHO_REPLY)
		sb_printf(out, " id=0x%04x seq=%u", (unsigned)lv(l, ICMP_ID),
			  (unsigned)lv(l, ICMP_SEQ));
	else if (type == 3 && code < sizeof unreach_codes / sizeof unreach_codes[0])
		sb_printf(out, " (%s)", unreach_codes[code]);
	else if (n)
		sb_printf(out, " code %u", (unsigned)code);
}

/* An unreachable by its reason, the rest by type; an echo's number. */
static void icmp_brief(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	uint64_t type = lv(l, ICMP_TYPE), code = lv(l, ICMP_CODE);
	const struct field_name *n = field_name_by_value(&icmp_fields[ICMP_TYPE], type);
	if (type == 3 && code < sizeof unreach_codes / sizeof unreach_codes[0])
		sb_printf(out, "ICMP %s", unreach_codes[code]);
	else if (n)
		sb_printf(out, "ICMP %s", n->meaning);
	else
		sb_printf(out, "ICMP type %u", (unsigned)type);
	if (type == ICMP_ECHO_REQUEST || type == ICMP_ECHO_REPLY)
		sb_printf(out, " seq=%u", (unsigned)lv(l, ICMP_SEQ));
}

const struct layer_def icmp_layer = {
	.id = L_ICMP, .name = "icmp", .label = "Internet Control Message Protocol",
	.fields = icmp_fields, .nfields = ICMP_NFIELDS, .min_len = 8,
	.demux = ICMP_TYPE, .demux_default = ICMP_ECHO_REQUEST, .csum_field = ICMP_CSUM,
	.applies = icmp_applies, .checksum = icmp_checksum,
	.title = icmp_title, .summary = icmp_summary, .brief = icmp_brief,
};
