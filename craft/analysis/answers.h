/*
 * answers.h - which earlier frame a UDP, ICMP, ICMPv6 or ARP frame
 * answers, by the same flow keys that match replies to probes.  Internal
 * to the analysis.
 */
#ifndef CRAFT_ANSWERS_H
#define CRAFT_ANSWERS_H

#include <stdint.h>
#include <sys/time.h>

#include "../core/layer.h"

struct answers;

struct answers *answers_new(void);
void answers_free(struct answers *a);
/* `*request` the frame `f` answers (0: none) and `*after` the seconds
 * since it; a frame that answers nothing may itself be asked. */
void answers_frame(struct answers *a, const struct frame *f, uint32_t frame_no,
		   const struct timeval *ts, uint32_t *request, double *after);

#endif
