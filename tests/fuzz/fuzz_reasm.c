/*
 * fuzz_reasm.c - libFuzzer target for IP reassembly (decode/reasm.h).
 *
 * Input: records, each one byte of flags (bit 0: IPv4's header checksum
 * at offset 14 made right, so that a mutated header is not simply
 * dropped; bits 1-7: seconds since the previous record), two bytes of
 * length (big-endian) and that many bytes of an Ethernet frame.  Each
 * frame is decoded and taken; besides memory errors it traps on broken
 * promises: a datagram put together that breaks the decoder's promises,
 * whose length field does not span it or that is larger than a frame holds, bytes held past REASM_BYTES, or bytes
 * left held once the table is freed.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../craft/decode/decode.h"
#include "../../craft/decode/reasm.h"
#include "../../craft/util/bytes.h"
#include "../../craft/util/checksum.h"

#include "fuzz_common.h"

static void fix_ipv4_sum(uint8_t *b, size_t n)
{
	if (n < 14 + 20)
		return;
	uint8_t *ip = b + 14;
	size_t hl = (size_t)(ip[0] & 0x0f) * 4;
	if (hl < 20 || 14 + hl > n)
		return;
	csum_set_ipv4(ip, hl);
}

/* Whether the datagram's own length field spans all of its bytes: none
 * lost to a 16-bit length. */
static bool length_holds(const struct frame *w)
{
	const struct layer *next, *net = frame_network_layer(w, &next);
	bool v6 = net && net->def->id == L_IPV6;
	if (!net || (!v6 && net->def->id != L_IPV4) || net->off + (v6 ? 40 : 20) > w->len)
		return true;
	return be16(w->bytes + net->off + (v6 ? 4 : 2)) + net->off + (v6 ? 40 : 0) == w->len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reasm r;
	struct timeval ts = { .tv_sec = 1000 };
	reasm_init(&r);
	size_t at = 0;
	while (size - at >= 3) {
		uint8_t flags = data[at];
		size_t n = (size_t)data[at + 1] << 8 | data[at + 2];
		at += 3;
		if (n > size - at)
			n = size - at;
		uint8_t *b = malloc(n ? n : 1);
		memcpy(b, data + at, n);
		at += n;
		if (flags & 1)
			fix_ipv4_sum(b, n);
		ts.tv_sec += flags >> 1;
		struct frame f, whole;
		decode_frame(b, n, n, LINK_ETHERNET, &f);
		free(b);
		if (reasm_take(&r, &f, &ts, LINK_ETHERNET, &whole) == REASM_WHOLE) {
			check_frame(&whole);
			if (whole.len > FRAME_MAX_BYTES || !whole.reassembled || !length_holds(&whole))
				broken("a datagram put together past its length or a frame's size",
				       &whole, 0);
			frame_free(&whole);
		}
		frame_free(&f);
		if (r.bytes > REASM_BYTES)
			abort();
	}
	reasm_free(&r);
	if (r.bytes)
		abort();
	return 0;
}
