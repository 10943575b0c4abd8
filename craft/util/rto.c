/* rto.c - the retransmission timeout of RFC 6298 (its 1/8 and 1/4 gains). */
#include "rto.h"

void rto_note(struct rto *r, long rtt_us)
{
	if (rtt_us < 0)
		rtt_us = 0;
	if (r->samples++ == 0) {
		r->srtt = rtt_us;
		r->rttvar = rtt_us / 2;
		return;
	}
	long delta = rtt_us - r->srtt;
	r->srtt += delta / 8;
	r->rttvar += ((delta < 0 ? -delta : delta) - r->rttvar) / 4;
}

long rto_wait(const struct rto *r, long max_us)
{
	if (!r->samples)
		return max_us;
	long t = r->srtt + 4 * r->rttvar;
	if (t < RTO_MIN_US)
		t = RTO_MIN_US;
	return t < max_us ? t : max_us;
}
