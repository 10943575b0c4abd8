/* icmp6.c - Internet Control Message Protocol for IPv6 (RFC 4443) and
 * neighbour discovery (RFC 4861): one table, each type's fields marked. */
#include "proto.h"
#include "transport.h"

/* Wireshark's names; the ones with a keyword are built with their fields,
 * the others are named when decoded and take their body as data. */
static const struct field_name type_names[] = {
	{ 1, "dest-unreach", "Destination Unreachable" },
	{ 2, "packet-too-big", "Packet Too Big" },
	{ 3, "time-exceeded", "Time Exceeded" },
	{ 4, "param-problem", "Parameter Problem" },
	{ 100, NULL, "Private experimentation" },
	{ 101, NULL, "Private experimentation" },
	{ 127, NULL, "Reserved for expansion of ICMPv6 error messages" },
	{ 128, "echo-request", "Echo (ping) request" },
	{ 129, "echo-reply", "Echo (ping) reply" },
	{ 130, NULL, "Multicast Listener Query" },
	{ 131, NULL, "Multicast Listener Report" },
	{ 132, NULL, "Multicast Listener Done" },
	{ 133, "router-solicit", "Router Solicitation" },
	{ 134, "router-advert", "Router Advertisement" },
	{ 135, "neighbor-solicit", "Neighbor Solicitation" },
	{ 136, "neighbor-advert", "Neighbor Advertisement" },
	{ 137, "redirect", "Redirect" },
	{ 138, NULL, "Router Renumbering" },
	{ 139, NULL, "Node Information Query" },
	{ 140, NULL, "Node Information Reply" },
	{ 141, NULL, "Inverse Neighbor Discovery Solicitation" },
	{ 142, NULL, "Inverse Neighbor Discovery Advertisement" },
	{ 143, NULL, "Multicast Listener Report Message v2" },
	{ 144, NULL, "Home Agent Address Discovery Request" },
	{ 145, NULL, "Home Agent Address Discovery Reply" },
	{ 146, NULL, "Mobile Prefix Solicitation" },
	{ 147, NULL, "Mobile Prefix Advertisement" },
	{ 148, NULL, "Certification Path Solicitation" },
	{ 149, NULL, "Certification Path Advertisement" },
	{ 150, NULL, "Experimental Mobility" },
	{ 151, NULL, "Multicast Router Advertisement" },
	{ 152, NULL, "Multicast Router Solicitation" },
	{ 153, NULL, "Multicast Router Termination" },
	{ 154, NULL, "FMIPv6" },
	{ 155, NULL, "RPL Control" },
	{ 156, NULL, "Locator Update" },
	{ 157, NULL, "Duplicate Address Request" },
	{ 158, NULL, "Duplicate Address Confirmation" },
	{ 159, NULL, "MPL Control Message" },
	{ 160, NULL, "Extended Echo request" },
	{ 161, NULL, "Extended Echo reply" },
	{ 200, NULL, "Private experimentation" },
	{ 201, NULL, "Private experimentation" },
	{ 255, NULL, "Reserved for expansion of ICMPv6 informational messages" },
	{ 0, NULL, NULL },
};
static const struct field_name na_flag_names[] = {
	{ 0x80000000u, "R", "Router" }, { 0x40000000u, "S", "Solicited" },
	{ 0x20000000u, "O", "Override" }, { 0, NULL, NULL },
};
static const struct field_name ra_flag_names[] = {
	{ 0x80, "M", "Managed address configuration" }, { 0x40, "O", "Other configuration" },
	{ 0x20, "H", "Home Agent" }, { 0x04, "P", "Proxy" }, { 0, NULL, NULL },
};
/* RFC 4191 2.2: the two bits between H and P. */
static const struct field_name prf_names[] = {
	{ 0, "medium", "Medium" }, { 1, "high", "High" }, { 2, "reserved", "Reserved" },
	{ 3, "low", "Low" }, { 0, NULL, NULL },
};

static const struct field icmp6_fields[] = {
	/* echo-request, or dest-unreach when a quoted ipv6 follows */
	[ICMP6_TYPE] = { "type", "Type", 0, 8, FK_UINT, FD_COMPUTED, 0, 0, type_names, NULL, NULL },
	[ICMP6_CODE] = { "code", "Code", 8, 8, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[ICMP6_CSUM] = { "csum", "Checksum", 16, 16, FK_UINT, FD_COMPUTED, 0, FF_HEX | FF_CHECKSUM, NULL, NULL, NULL },
	[ICMP6_ID] = { "id", "Identifier", 32, 16, FK_UINT, FD_RUN_RANDOM, 0, FF_HEX, NULL, NULL, NULL },
	[ICMP6_SEQ] = { "seq", "Sequence", 48, 16, FK_UINT, FD_COUNT, 1, 0, NULL, NULL, NULL },
	[ICMP6_MTU] = { "mtu", "MTU", 32, 32, FK_UINT, FD_CONST, 1280, 0, NULL, NULL, NULL },
	[ICMP6_PTR] = { "ptr", "Pointer", 32, 32, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[ICMP6_NAFLAGS] = { "flags", "Flags", 32, 32, FK_LETTERS, FD_CONST, 0x60000000u, FF_HEX, na_flag_names, NULL, NULL },
	[ICMP6_TARGET] = { "target", "Target Address", 64, 128, FK_IPV6, FD_REQUIRED, 0, 0, NULL, NULL, NULL },
	[ICMP6_DEST] = { "dest", "Destination Address", 192, 128, FK_IPV6, FD_REQUIRED, 0, 0, NULL, NULL, NULL },
	[ICMP6_CURHLIM] = { "curhlim", "Cur hop limit", 32, 8, FK_UINT, FD_CONST, 64, 0, NULL, NULL, NULL },
	[ICMP6_RAFLAGS] = { "flags", "Flags", 40, 8, FK_LETTERS, FD_CONST, 0, FF_HEX, ra_flag_names, NULL, NULL },
	[ICMP6_PRF] = { "prf", "Prf (Default Router Preference)", 43, 2, FK_UINT, FD_CONST, 0, FF_ALIAS,
			prf_names, NULL, NULL },
	[ICMP6_LIFETIME] = { "lifetime", "Router lifetime (s)", 48, 16, FK_UINT, FD_CONST, 1800, 0, NULL, NULL, NULL },
	[ICMP6_REACHABLE] = { "reachable", "Reachable time (ms)", 64, 32, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[ICMP6_RETRANS] = { "retrans", "Retrans timer (ms)", 96, 32, FK_UINT, FD_CONST, 0, 0, NULL, NULL, NULL },
	[ICMP6_OPTS] = { "opts", "ICMPv6 Options", 0, 0, FK_OPTS, FD_ABSENT, 0, FF_VARIABLE, NULL, NULL,
			 &nd_opts_codec },
};
FIELD_TABLE_FITS(icmp6_fields, ICMP6_NFIELDS);

/* The type as far as it is known: given, decoded or resolved; a template
 * that leaves it out is an echo request until it is resolved. */
static uint64_t type_of(const struct layer *l)
{
	uint64_t t = lv(l, ICMP6_TYPE);
	return t || (l->given | l->present) & 1u ? t : ICMP6_ECHO_REQUEST;
}

bool icmp6_is_nd(const struct layer *l)
{
	uint64_t t = type_of(l);
	return t >= ICMP6_ROUTER_SOLICIT && t <= ICMP6_REDIRECT;
}

static bool icmp6_applies(const struct layer *l, size_t k)
{
	uint64_t t = type_of(l);
	switch (k) {
	case ICMP6_ID:
	case ICMP6_SEQ:
		return t == ICMP6_ECHO_REQUEST || t == ICMP6_ECHO_REPLY;
	case ICMP6_MTU:
		return t == ICMP6_PACKET_TOO_BIG;
	case ICMP6_PTR:
		return t == ICMP6_PARAM_PROBLEM;
	case ICMP6_NAFLAGS:
		return t == ICMP6_NEIGHBOR_ADVERT;
	case ICMP6_TARGET:
		return t == ICMP6_NEIGHBOR_SOLICIT || t == ICMP6_NEIGHBOR_ADVERT || t == ICMP6_REDIRECT;
	case ICMP6_DEST:
		return t == ICMP6_REDIRECT;
	case ICMP6_CURHLIM:
	case ICMP6_RAFLAGS:
	case ICMP6_PRF:
	case ICMP6_LIFETIME:
	case ICMP6_REACHABLE:
	case ICMP6_RETRANS:
		return t == ICMP6_ROUTER_ADVERT;
	case ICMP6_OPTS:
		return icmp6_is_nd(l);
	default:
		return true;
	}
}

/* The fixed part of each type; unknown types have only the first four
 * bytes, the rest is their data. */
static size_t icmp6_header_len(const struct layer *l)
{
	switch (type_of(l)) {
	case ICMP6_DEST_UNREACH: case ICMP6_PACKET_TOO_BIG: case ICMP6_TIME_EXCEEDED:
	case ICMP6_PARAM_PROBLEM:
	case ICMP6_ECHO_REQUEST: case ICMP6_ECHO_REPLY: case ICMP6_ROUTER_SOLICIT:
		return 8;
	case ICMP6_ROUTER_ADVERT:
		return 16;
	case ICMP6_NEIGHBOR_SOLICIT: case ICMP6_NEIGHBOR_ADVERT:
		return 24;
	case ICMP6_REDIRECT:
		return 40;
	default:
		return 4;
	}
}

static size_t icmp6_built_len(const struct layer *l)
{
	return icmp6_header_len(l) + (icmp6_is_nd(l) ? l->val[ICMP6_OPTS].len : 0);
}

/* ND options run to the end of the message. */
static bool icmp6_decoded(struct frame *f, size_t idx, size_t *end)
{
	struct layer *l = &f->layer[idx];
	size_t from = l->off + l->hdr_len;
	if (!icmp6_is_nd(l) || from > *end)
		return true;
	layer_take_bytes(f, idx, ICMP6_OPTS, from, *end);
	l->hdr_len += l->val[ICMP6_OPTS].len;
	return true;
}

static bool icmp6_checksum(const struct frame *f, size_t idx, uint16_t *want,
			   uint32_t *partial)
{
	return transport_checksum(f, idx, 58, 2, 0, want, partial);
}

static void icmp6_title(const struct frame *f, size_t idx, struct strbuf *out)
{
	(void)f;
	(void)idx;
	sb_puts(out, "Internet Control Message Protocol v6");
}

/* Wireshark's words for the codes of the error types. */
static const char *const unreach_codes[] = {
	"no route to destination", "Administratively prohibited",
	"Beyond scope of source address", "Address unreachable", "Port unreachable",
	"Source address failed ingress/egress policy", "Reject route to destination",
	"Error in Source Routing Header",
};
static const char *const exceeded_codes[] = {
	"hop limit exceeded in transit", "fragment reassembly time exceeded",
};
static const char *const problem_codes[] = {
	"erroneous header field encountered", "unrecognized Next Header type encountered",
	"unrecognized IPv6 option encountered",
	"IPv6 First Fragment has incomplete IPv6 Header Chain",
};

#define CODE_TEXT(table, code) \
	((code) < sizeof (table) / sizeof (table)[0] ? (table)[code] : "Unknown")

/* The code's meaning for the types that name their codes, else NULL. */
static const char *code_text(const struct layer *l)
{
	uint64_t code = lv(l, ICMP6_CODE);
	switch (lv(l, ICMP6_TYPE)) {
	case ICMP6_DEST_UNREACH:
		return CODE_TEXT(unreach_codes, code);
	case ICMP6_TIME_EXCEEDED:
		return CODE_TEXT(exceeded_codes, code);
	case ICMP6_PARAM_PROBLEM:
		return CODE_TEXT(problem_codes, code);
	default:
		return NULL;
	}
}

static const char *icmp6_meaning(const struct layer *l, size_t k)
{
	return k == ICMP6_CODE ? code_text(l) : NULL;
}

/* As Wireshark's Info column says it. */
static void icmp6_summary(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	char src[ADDR_STRLEN], dst[ADDR_STRLEN], target[ADDR_STRLEN] = "";
	uint64_t type = lv(l, ICMP6_TYPE);
	if (frame_addrs(f, idx, src, dst, sizeof src))
		sb_printf(out, "%s > %s ", src, dst);
	const struct field_name *n = field_name_by_value(&icmp6_fields[ICMP6_TYPE], type);
	sb_printf(out, "ICMPv6 %s", n ? n->meaning : "type");
	if (!n) {
		sb_printf(out, " %u code %u", (unsigned)type, (unsigned)lv(l, ICMP6_CODE));
		return;
	}
	if ((l->present | l->given) >> ICMP6_TARGET & 1u)
		format_ipv6(l->val[ICMP6_TARGET].u, target, sizeof target);
	const char *why = code_text(l);
	if (why)
		sb_printf(out, " (%s)", why);
	if (type == ICMP6_ECHO_REQUEST || type == ICMP6_ECHO_REPLY)
		sb_printf(out, " id=0x%04x, seq=%u", (unsigned)lv(l, ICMP6_ID),
			  (unsigned)lv(l, ICMP6_SEQ));
	if (type == ICMP6_NEIGHBOR_SOLICIT && *target)
		sb_printf(out, " for %s", target);
	if (type == ICMP6_NEIGHBOR_ADVERT) {
		uint64_t fl = lv(l, ICMP6_NAFLAGS);
		if (*target)
			sb_printf(out, " %s", target);
		sb_printf(out, " (%s%s%s%s%s%s)", fl & 0x80000000u ? "rtr" : "",
			  fl & 0x80000000u && fl & 0x60000000u ? ", " : "",
			  fl & 0x40000000u ? "sol" : "",
			  fl & 0x40000000u && fl & 0x20000000u ? ", " : "",
			  fl & 0x20000000u ? "ovr" : "", fl & 0xe0000000u ? "" : "none");
	}
	if (icmp6_is_nd(l) && (l->present | l->given) >> ICMP6_OPTS & 1u)
		nd_opts_info(l->val[ICMP6_OPTS].bytes, l->val[ICMP6_OPTS].len, out);
}

/* An error by its reason, the rest by type; an echo's number. */
static void icmp6_brief(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	uint64_t type = lv(l, ICMP6_TYPE);
	const struct field_name *n = field_name_by_value(&icmp6_fields[ICMP6_TYPE], type);
	const char *why = code_text(l);
	if (why || n)
		sb_printf(out, "ICMPv6 %s", why ? why : n->meaning);
	else
		sb_printf(out, "ICMPv6 type %u", (unsigned)type);
	if (type == ICMP6_ECHO_REQUEST || type == ICMP6_ECHO_REPLY)
		sb_printf(out, " seq=%u", (unsigned)lv(l, ICMP6_SEQ));
}

const struct layer_def icmp6_layer = {
	.id = L_ICMP6, .name = "icmp6", .label = "Internet Control Message Protocol v6",
	.fields = icmp6_fields, .nfields = ICMP6_NFIELDS, .min_len = 4,
	.demux = ICMP6_TYPE, .demux_default = ICMP6_ECHO_REQUEST, .csum_field = ICMP6_CSUM,
	.csum_pseudo = true,
	.header_len = icmp6_header_len, .built_len = icmp6_built_len,
	.applies = icmp6_applies, .checksum = icmp6_checksum, .decoded = icmp6_decoded,
	.meaning = icmp6_meaning, .title = icmp6_title, .summary = icmp6_summary,
	.brief = icmp6_brief,
};
