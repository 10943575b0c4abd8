/*
 * llc.c - IEEE 802.2 LLC, with SNAP (RFC 1042), after an 802.3 length: what
 * an Ethernet type/length of 1500 or less carries (STP, CDP, IPX, NetBIOS).
 * Decode only: templates do not build it.  A SNAP header whose OUI says the
 * PID is an EtherType (00-00-00, 00-00-f8) goes on into that layer; the
 * rest is data, named by its SAP or PID as Wireshark names the protocol.
 */
#include "proto.h"

#define SAP_SNAP 0xaa
#define OUI_ENCAP_ETHER 0x000000	/* RFC 1042 */
#define OUI_CISCO_90 0x0000f8		/* IEEE 802.1H bridge tunnel */
#define OUI_CISCO 0x00000c

/* Wireshark's SAP names (packet-llc.c), without the I/G and C/R bit. */
static const struct field_name sap_names[] = {
	{ 0x00, NULL, "NULL LSAP" }, { 0x02, NULL, "LLC Sub-Layer Management" },
	{ 0x04, NULL, "SNA Path Control" }, { 0x06, NULL, "TCP/IP" },
	{ 0x42, NULL, "Spanning Tree BPDU" }, { 0x7e, NULL, "X.25 over 802.2 LLC" },
	{ 0x80, NULL, "XNS" }, { 0x8e, NULL, "Active Station List" },
	{ 0xaa, NULL, "SNAP" }, { 0xe0, NULL, "NetWare" }, { 0xf0, NULL, "NetBIOS" },
	{ 0xf4, NULL, "IBM Net Management" }, { 0xf8, NULL, "Remote Program Load" },
	{ 0xfe, NULL, "ISO Network Layer (OSLAN 1)" }, { 0xff, NULL, "Global LSAP" },
	{ 0, NULL, NULL },
};

/* Cisco's PIDs (OUI 00-00-0c), as Wireshark's llc.cisco_pid names them. */
static const struct field_name cisco_pid_names[] = {
	{ 0x0102, NULL, "DRiP" }, { 0x0104, NULL, "PAgP" }, { 0x0105, NULL, "MLS Hello" },
	{ 0x010b, NULL, "PVSTP+" }, { 0x0111, NULL, "UDLD" }, { 0x2000, NULL, "CDP" },
	{ 0x2001, NULL, "CGMP" }, { 0x2003, NULL, "VTP" }, { 0x2004, NULL, "DTP" },
	{ 0x200a, NULL, "STP Uplink Fast" }, { 0, NULL, NULL },
};
static const struct field cisco_pid = { .names = cisco_pid_names };

static const struct field llc_fields[] = {
	[LLC_DSAP] = { "dsap", "DSAP", 0, 8, FK_UINT, FD_CONST, 0, FF_HEX, sap_names, NULL, NULL },
	[LLC_SSAP] = { "ssap", "SSAP", 8, 8, FK_UINT, FD_CONST, 0, FF_HEX, sap_names, NULL, NULL },
	/* A U-format control is one byte; I and S formats two, read as
	 * Wireshark does, first byte low (llc_decoded). */
	[LLC_CTRL] = { "ctrl", "Control field", 16, 8, FK_UINT, FD_CONST, 3, FF_HEX,
		       NULL, NULL, NULL },
	[LLC_OUI] = { "oui", "Organization Code", 24, 24, FK_UINT, FD_CONST, 0, FF_HEX,
		      NULL, NULL, NULL },
	[LLC_PID] = { "pid", "PID", 48, 16, FK_UINT, FD_CONST, 0, FF_HEX, NULL, NULL, NULL },
};
FIELD_TABLE_FITS(llc_fields, LLC_NFIELDS);

static bool u_format(const struct layer *l)
{
	return (lv(l, LLC_CTRL) & 3) == 3;
}

/* SNAP: both SAPs 0xaa, after a U-format control (an I or S-format one
 * before SNAP is not seen; the rest is then data). */
static bool snap(const struct layer *l)
{
	return lv(l, LLC_DSAP) == SAP_SNAP && lv(l, LLC_SSAP) == SAP_SNAP && u_format(l);
}

static bool llc_applies(const struct layer *l, size_t k)
{
	return k < LLC_OUI || snap(l);
}

static size_t llc_header_len(const struct layer *l)
{
	if (!(l->present & 1u << LLC_CTRL))
		return 3;
	return u_format(l) ? (snap(l) ? 8 : 3) : 4;
}

static bool ether_pid(const struct layer *l)
{
	return snap(l) && (lv(l, LLC_OUI) == OUI_ENCAP_ETHER || lv(l, LLC_OUI) == OUI_CISCO_90);
}

/* A SAP's name, its low bit (I/G in the DSAP, C/R in the SSAP) aside. */
static const char *sap_name(const struct layer *l, size_t k)
{
	const struct field_name *n = field_name_by_value(&llc_fields[k], lv(l, k) & 0xfe);
	return n ? n->meaning : NULL;
}

/* What the PID or the DSAP says the data is; NULL for a number no table
 * names. */
static const char *llc_protocol(const struct layer *l)
{
	const struct field_name *n = NULL;
	if (!snap(l))
		return sap_name(l, LLC_DSAP);
	if (ether_pid(l))
		n = field_name_by_value(&eth_layer.fields[ETH_TYPE], lv(l, LLC_PID));
	else if (lv(l, LLC_OUI) == OUI_CISCO)
		n = field_name_by_value(&cisco_pid, lv(l, LLC_PID));
	return n ? n->meaning : NULL;
}

static const char *llc_meaning(const struct layer *l, size_t k)
{
	switch (k) {
	case LLC_DSAP:
	case LLC_SSAP:
		return sap_name(l, k);
	case LLC_CTRL:
		return u_format(l) ? "U format" : (lv(l, k) & 3) == 1 ? "S format" : "I format";
	case LLC_PID:
		return llc_protocol(l);
	default:
		return NULL;
	}
}

/* A two-byte control (I and S formats) is read whole here: the table's
 * row is the one byte a U format has. */
static bool llc_decoded(struct frame *f, size_t idx, size_t *end)
{
	struct layer *l = &f->layer[idx];
	(void)end;
	if (l->hdr_len == 4)
		l->val[LLC_CTRL].u = (u128)(f->bytes[l->off + 2] | f->bytes[l->off + 3] << 8);
	return ether_pid(l);
}

static void llc_title(const struct frame *f, size_t idx, struct strbuf *out)
{
	(void)f;
	(void)idx;
	sb_puts(out, "Logical-Link Control");
}

/* "02:00:00:00:00:01 > 01:80:c2:00:00:00 802.3 LLC, Spanning Tree BPDU,
 * length 60": the protocol the data holds, which rawcraft does not decode. */
static void llc_summary(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	const struct layer *eth = frame_find(f, idx, L_ETH);
	const char *proto = llc_protocol(l);
	char src[24], dst[24];
	if (eth) {
		format_mac(lv(eth, ETH_SRC), src, sizeof src);
		format_mac(lv(eth, ETH_DST), dst, sizeof dst);
		sb_printf(out, "%s > %s 802.3 ", src, dst);
	}
	sb_printf(out, "LLC%s, ", snap(l) ? " SNAP" : "");
	if (proto)
		sb_puts(out, proto);
	else if (snap(l))
		sb_printf(out, "OUI 0x%06x PID 0x%04x", (unsigned)lv(l, LLC_OUI),
			  (unsigned)lv(l, LLC_PID));
	else
		sb_printf(out, "DSAP 0x%02x", (unsigned)lv(l, LLC_DSAP));
	sb_printf(out, ", length %zu", f->wire_len);
}

const struct layer_def llc_layer = {
	.id = L_LLC, .name = "llc", .label = "Logical-Link Control",
	.fields = llc_fields, .nfields = LLC_NFIELDS, .min_len = 3, .decode_only = true,
	.demux = LLC_PID, .csum_field = -1, .header_len = llc_header_len,
	.applies = llc_applies, .decoded = llc_decoded, .meaning = llc_meaning,
	.title = llc_title, .summary = llc_summary,
};
