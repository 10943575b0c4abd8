/* transport.h - helpers shared by the TCP and UDP layer files. */
#ifndef CRAFT_TRANSPORT_H
#define CRAFT_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/layer.h"

/* The checksum layer `idx` should carry; false if it cannot be computed
 * (no network layer with a pseudo-header right before it, a fragment, or
 * bytes missing).  `seg_len` is the segment's own length claim (UDP), 0 to
 * take the network layer's payload (TCP); a
 * claim that does not fit is ignored.  `partial` is the
 * value an offloading sender leaves in the field. */
bool transport_checksum(const struct frame *f, size_t idx, uint8_t proto,
			size_t csum_off, size_t seg_len, uint16_t *want, uint32_t *partial);

/* "10.0.0.1:40000 > 10.0.0.2:80" from the enclosing network layer. */
void transport_endpoints(const struct frame *f, size_t idx, uint64_t sport,
			 uint64_t dport, struct strbuf *out);

#endif
