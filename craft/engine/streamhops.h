/* streamhops.h - who answered a stream: the senders of each ICMP error
 * class, and a TTL (hop limit) sweep read as a traceroute. */
#ifndef CRAFT_STREAMHOPS_H
#define CRAFT_STREAMHOPS_H

#include <stdbool.h>

#include "../util/strbuf.h"
#include "stream.h"

/* Under class `cls`'s line: "      from 10.0.0.254   3", a line a sender;
 * as JSON the member ,"from":[{"address":...,"count":3}].  Nothing for a
 * class of no ICMP error. */
void stream_class_senders(const struct stream *s, unsigned cls, bool json, struct strbuf *out);
/* For a template whose one range is ipv4 ttl or ipv6 hlim: "    route by
 * ttl:" and a line a hop, up to the destination; as JSON the member
 * ,"route":[...].  Nothing otherwise. */
void stream_route(const struct stream *s, bool json, struct strbuf *out);

#endif
