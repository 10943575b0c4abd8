/*
 * answers.c - requests by flow key: a frame that answers one takes it, so
 * a second reply is not taken for a first; a frame that answers nothing
 * is a request (the next UDP datagram back answers it).
 */
#include "answers.h"

#include <stdlib.h>

#include "../match/flow.h"
#include "../util/xalloc.h"

#define TIMES 65536	/* a request's time is known this many frames on */

struct answers {
	struct flow_table asked;	/* key -> the request's frame number */
	struct { uint32_t frame; struct timeval ts; } when[TIMES];
};

struct answers *answers_new(void)
{
	struct answers *a = xcalloc(1, sizeof *a);
	flow_table_init(&a->asked);
	return a;
}

void answers_free(struct answers *a)
{
	if (!a)
		return;
	flow_table_free(&a->asked);
	free(a);
}

void answers_frame(struct answers *a, const struct frame *f, uint32_t frame_no,
		   const struct timeval *ts, uint32_t *request, double *after)
{
	*request = 0;
	*after = 0;
	struct flow_reply r;
	flow_of_reply(f, &r);
	for (size_t i = 0; i < r.n; i++) {
		uint32_t asked;
		if (!flow_table_get(&a->asked, &r.key[i], &asked) || asked == FLOW_NONE)
			continue;
		flow_table_swap(&a->asked, &r.key[i], FLOW_NONE);
		*request = asked;
		const typeof(a->when[0]) *w = &a->when[asked % TIMES];
		if (w->frame == asked)
			*after = (double)(ts->tv_sec - w->ts.tv_sec) +
				 (double)(ts->tv_usec - w->ts.tv_usec) / 1e6;
		return;
	}
	struct flow_key k;
	struct flow_ack ack;
	const struct layer *upper, *net = frame_network_layer(f, &upper);
	if (!net || (net->def->net->asks && !net->def->net->asks(net)) ||
	    !flow_of_probe(f, &k, &ack))
		return;
	flow_table_swap(&a->asked, &k, frame_no);
	a->when[frame_no % TIMES].frame = frame_no;
	a->when[frame_no % TIMES].ts = *ts;
}
