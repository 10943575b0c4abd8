/* speaker.c - the addresses spoken from, the kernel's RSTs to them, and the
 * ghost's answers. */
#include "speaker.h"

#include <stdlib.h>
#include <string.h>

#include "../builder/build.h"
#include "../builder/resolve.h"
#include "../core/field.h"
#include "../proto/proto.h"
#include "../util/xalloc.h"
#include "ghost.h"
#include "internal.h"

/* How long a kept guard outlives `send`: the peer's SYN/ACK retries end
 * within about a minute (tcp_synack_retries), a student types slower. */
#define KEPT_SECONDS 600
#define GHOST_ASK_US 200000

void speaker_init(struct speaker *s, const struct iface *real, const struct iface *ghost,
		  enum speaker_guard guard)
{
	*s = (struct speaker){ .ifc = ghost ? *ghost : *real, .ghost = ghost != NULL,
			       .guard_kind = guard };
}

static struct addr ghost_addr(const struct iface *g)
{
	return g->has_ip ? addr_from_ipv4(g->ip) : g->has_ip6 ? g->ip6 : g->ll6;
}

/* Whether the host at `mac` answers for `a`: asked from the interface's own
 * addresses, a moment long (a link's hosts answer in microseconds).  A
 * check before the exchange, as a template's are: asked through a lookup
 * of its own on the run's capture, so the run's lookups neither learn the
 * ghost silent nor keep this one's outcome. */
static int owner_of(struct engine *e, const struct addr *a, uint64_t *mac)
{
	char err[512];
	enum capture_error why;
	struct neighbors *nb = &e->nb;
	if (neighbors_open(nb, &why, err, sizeof err))
		return engine_capture_failed(e, why, err);
	struct neighbors ask = { .b = nb->b, .ifc = &e->ifc, .timeout_us = GHOST_ASK_US, .tries = 1,
				 .tags = nb->tags,
				 .arp = nb->arp, .stray = nb->stray, .stray_ctx = nb->stray_ctx,
				 .stop = nb->stop, .stop_ctx = nb->stop_ctx };
	int rc = neighbor_next_hop(&ask, a, mac, err, sizeof err);
	ask.arp = NULL;		/* the run's, open to its end */
	neighbors_close(&ask);
	if (rc < 0)
		return engine_fail(e, ENGINE_FAULT_SYSTEM, "%s", err);
	return rc == 0 ? ENGINE_NOMATCH : ENGINE_OK;
}

/* A ghost is a free address of the link: one the host or a neighbour owns
 * gets its owner's answers (and RSTs), one off the subnet a router's. */
static int check_ghost(struct engine *e, const struct iface *g)
{
	char a[ADDR_STRLEN], dev[32], who[24];
	struct addr ghost = ghost_addr(g), gw;
	const char *ifname = e->ifc.name;
	addr_format(&ghost, a, sizeof a);
	bool link_local = ghost.family == ADDR_IPV6 && addr_is_link_local6(&ghost);
	if (!link_local) {
		bool routed = iface_route_addr(&ghost, dev, sizeof dev, &gw) == 0;
		if (routed && strcmp(dev, "lo") == 0 && strcmp(ifname, "lo") != 0)
			return engine_fail(e, ENGINE_FAULT_INPUT, "--ghost %s is this host's own "
					   "address: its kernel answers the peer (and resets the "
					   "connection); take a free address of %s's subnet", a, ifname);
		if (!routed || strcmp(dev, ifname) != 0 || gw.family != ADDR_NONE)
			return engine_fail(e, ENGINE_FAULT_INPUT, "--ghost %s is off %s's subnet: "
					   "the peer would send its answers to a router; take a free "
					   "address of the subnet", a, ifname);
	}
	uint64_t mac;
	int rc = owner_of(e, &ghost, &mac);
	if (rc != ENGINE_NOMATCH)
		return rc;
	format_mac(mac, who, sizeof who);
	return engine_fail(e, ENGINE_FAULT_INPUT, "--ghost %s belongs to the host at %s (it "
			   "answers %s for it): take an address nobody on the link uses", a, who,
			   ghost.family == ADDR_IPV6 ? "neighbour solicitations" : "ARP");
}

int speaker_open(struct speaker *s, struct engine *e)
{
	char err[512];
	int rc;
	if (s->ghost && (rc = check_ghost(e, &s->ifc)) != ENGINE_OK)
		return rc;
	/* A run that died (SIGKILL) left its table: gone before ours exists.
	 * `run` sweeps every time itself; `send` only for a guard (the sweep
	 * execs nft). */
	if (s->guard_kind == GUARD_KEPT)
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
	if ((s->guard_kind == GUARD_NONE && s->watched && s->ntuples == s->watched) ||
	    !speaker_tuple_of(f, &t) || known_tuple(s, &t))
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
