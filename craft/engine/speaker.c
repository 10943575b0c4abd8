/* speaker.c - the addresses spoken from, the kernel's RSTs to them, and the
 * ghost's answers. */
#include "speaker.h"

#include <stdlib.h>
#include <string.h>

#include "../builder/build.h"
#include "../builder/resolve.h"
#include "../proto/proto.h"
#include "../util/xalloc.h"
#include "ghost.h"
#include "internal.h"

/* How long a kept guard outlives `send`: the peer's SYN/ACK retries end
 * within about a minute (tcp_synack_retries), a student types slower. */
#define KEPT_SECONDS 600

void speaker_init(struct speaker *s, const struct iface *real, const struct iface *ghost,
		  enum speaker_guard guard)
{
	*s = (struct speaker){ .ifc = ghost ? *ghost : *real, .ghost = ghost != NULL,
			       .guard_kind = guard };
}

int speaker_open(struct speaker *s, struct engine *e)
{
	char err[512];
	/* A run that died (SIGKILL) left its table: gone before ours exists. */
	rstguard_sweep();
	if (s->guard_kind == GUARD_RUN && rstguard_open(&s->guard, err, sizeof err))
		return engine_fail(e, ENGINE_FAULT_SYSTEM, "--block-rst: nft: %s", err);
	return ENGINE_OK;
}

bool speaker_tuple_of(const struct frame *f, struct speaker_tuple *t)
{
	const struct layer *tcp = frame_find(f, frame_own_layers(f), L_TCP);
	int net = tcp ? frame_net_before(f, (size_t)(tcp - f->layer)) : -1;
	if (net < 0)
		return false;
	const struct layer *ip = &f->layer[net];
	*t = (struct speaker_tuple){ layer_addr(ip, ip->def->net->src),
				     layer_addr(ip, ip->def->net->dst),
				     (uint16_t)lv(tcp, TCP_SPORT), (uint16_t)lv(tcp, TCP_DPORT) };
	return true;
}

static bool known_tuple(const struct speaker *s, const struct speaker_tuple *t)
{
	for (size_t i = 0; i < s->ntuples; i++) {
		const struct speaker_tuple *k = &s->tuples[i];
		if (addr_equal(&k->src, &t->src) && addr_equal(&k->dst, &t->dst) &&
		    k->sport == t->sport && k->dport == t->dport)
			return true;
	}
	return false;
}

int speaker_sends(struct speaker *s, struct engine *e, const struct frame *f)
{
	char err[256];
	struct speaker_tuple t;
	if (!speaker_tuple_of(f, &t) || known_tuple(s, &t))
		return ENGINE_OK;
	s->tuples = xrealloc(s->tuples, (s->ntuples + 1) * sizeof *s->tuples);
	s->tuples[s->ntuples++] = t;
	int bad = 0;
	if (s->guard_kind == GUARD_RUN)
		bad = rstguard_add(&s->guard, &t.src, t.sport, &t.dst, t.dport, err, sizeof err);
	else if (s->guard_kind == GUARD_KEPT)
		bad = rstguard_keep(&t.src, t.sport, &t.dst, t.dport, KEPT_SECONDS, err,
				    sizeof err);
	return bad ? engine_fail(e, ENGINE_FAULT_SYSTEM, "--block-rst: nft: %s", err) : ENGINE_OK;
}

bool speaker_kernel_rst(struct speaker *s, const struct frame *f)
{
	const struct layer *tcp = frame_find(f, frame_own_layers(f), L_TCP);
	struct speaker_tuple t;
	if (s->kernel_rst_seen || !tcp || !(lv(tcp, TCP_FLAGS) & TCP_F_RST) ||
	    !speaker_tuple_of(f, &t) || !known_tuple(s, &t))
		return false;
	s->kernel_rst_seen = true;
	return true;
}

bool speaker_exposed(const struct speaker *s)
{
	return !s->ghost && s->guard_kind == GUARD_NONE && s->ntuples > 0;
}

bool speaker_answer(struct speaker *s, struct engine *e, const struct frame *f,
		    struct rng *rng, struct frame *out)
{
	struct diag d;
	memset(out, 0, sizeof *out);
	if (!s->ghost || !ghost_reply(&s->ifc, f, out))
		return false;
	struct resolve_env env = { .file = "(ghost)", .iface = &s->ifc, .rng = rng };
	return frame_resolve(out, &env, &d) == 0 && build_frame(e->b, out, &d) == 0;
}

void speaker_close(struct speaker *s)
{
	rstguard_close(&s->guard);
	free(s->tuples);
	s->tuples = NULL;
	s->ntuples = 0;
}
