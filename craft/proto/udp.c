/* udp.c - User Datagram Protocol (RFC 768). */
#include "proto.h"
#include "transport.h"

static const struct field udp_fields[] = {
	[UDP_SPORT] = { "sport", "Source Port", 0, 16, FK_UINT, FD_EPHEMERAL, 0, 0, NULL, NULL, NULL },
	[UDP_DPORT] = { "dport", "Destination Port", 16, 16, FK_UINT, FD_REQUIRED, 0, 0, NULL, NULL, NULL },
	[UDP_LEN] = { "len", "Length", 32, 16, FK_UINT, FD_COMPUTED, 0, 0, NULL, NULL, NULL },
	[UDP_CSUM] = { "csum", "Checksum", 48, 16, FK_UINT, FD_COMPUTED, 0, FF_HEX | FF_CHECKSUM, NULL, NULL, NULL },
};
FIELD_TABLE_FITS(udp_fields, UDP_NFIELDS);

static bool udp_checksum(const struct frame *f, size_t idx, uint16_t *want,
			 uint32_t *partial)
{
	const struct layer *l = &f->layer[idx];
	size_t claim = l->off + 6 <= f->len ?
		(size_t)f->bytes[l->off + 4] << 8 | f->bytes[l->off + 5] : 0;
	if (!transport_checksum(f, idx, 17, 6, claim, want, partial))
		return false;
	if (*want == 0)		/* zero means "no checksum": send all ones */
		*want = 0xffff;
	return true;
}

/* As Wireshark: a length shorter than the IP payload ends the datagram
 * (what follows is no payload of it), one past it or below the header is
 * bogus and leaves the checksum unverified. */
static bool udp_decoded(struct frame *f, size_t idx, size_t *end)
{
	struct layer *l = &f->layer[idx];
	size_t ulen = (size_t)lv(l, UDP_LEN);
	bool whole;
	size_t ip_end = frame_payload_end(f, idx, &whole);
	if (ulen < 8) {
		l->note = "bogus length: smaller than the 8-byte header";
		frame_cut(f, end, l->off + 8);	/* no datagram: no payload */
	}
	else if (whole && l->off + ulen > ip_end)
		l->note = "bogus length: past the end of the IP payload";
	else if (l->off + ulen > *end)
		l->note = "length runs past the captured bytes";
	else if (l->off + ulen < *end)
		frame_cut(f, end, l->off + ulen);
	return true;
}

static void udp_title(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	sb_printf(out, "User Datagram Protocol, Src Port: %u, Dst Port: %u",
		  (unsigned)lv(l, UDP_SPORT), (unsigned)lv(l, UDP_DPORT));
}

static void udp_brief(const struct frame *f, size_t idx, struct strbuf *out)
{
	uint64_t len = lv(&f->layer[idx], UDP_LEN);
	sb_printf(out, "UDP len=%u", len >= 8 ? (unsigned)(len - 8) : 0u);
}

static void udp_summary(const struct frame *f, size_t idx, struct strbuf *out)
{
	const struct layer *l = &f->layer[idx];
	transport_endpoints(f, idx, lv(l, UDP_SPORT), lv(l, UDP_DPORT), out);
	sb_putc(out, ' ');
	udp_brief(f, idx, out);
}

const struct layer_def udp_layer = {
	.id = L_UDP, .name = "udp", .label = "User Datagram Protocol",
	.fields = udp_fields, .nfields = UDP_NFIELDS, .min_len = 8,
	.demux = -1, .csum_field = UDP_CSUM, .csum_pseudo = true, .checksum = udp_checksum,
	.decoded = udp_decoded,
	.title = udp_title, .summary = udp_summary, .brief = udp_brief,
};
