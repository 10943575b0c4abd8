/* rto.h - how long a pass of probes waits before its unanswered targets
 * are probed again: RFC 6298's srtt + 4 * rttvar over the RTTs answered
 * so far, as nmap times its retransmissions, clamped. */
#ifndef CRAFT_RTO_H
#define CRAFT_RTO_H

struct rto {
	long srtt, rttvar;	/* microseconds, valid once samples > 0 */
	unsigned long samples;
};

#define RTO_MIN_US 100000	/* nmap's --min-rtt-timeout: a scheduler's hiccup */

void rto_note(struct rto *r, long rtt_us);
/* srtt + 4 * rttvar within [RTO_MIN_US, max_us] (max_us alone when that is
 * less); max_us without a sample. */
long rto_wait(const struct rto *r, long max_us);

#endif
