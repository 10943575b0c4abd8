/* resolve.c - defaults, in the order the tables give them. */
#include "resolve.h"

#include "../proto/proto.h"

/* At most one draw per field: a frame's draws stay inside its own stream. */
/* A field draws once, one wider than 64 bits twice. */
_Static_assert(MAX_LAYERS * (MAX_FIELDS + MAX_WIDE_FIELDS) <= RNG_FRAME_DRAWS,
	       "a frame draws at most RNG_FRAME_DRAWS values");

static int iface_value(const struct layer *l, size_t k,
		       const struct resolve_env *env, struct diag *d)
{
	const struct field *fd = &l->def->fields[k];
	bool mac = fd->dflt_kind == FD_IFACE_MAC;
	const char *what = mac ? "MAC address" : "IPv4 address";
	if (!env->iface)
		diag_set(d, env->file, l->pos.line, l->pos.col,
			 "%s %s: no interface to take the %s from (no -i and no default "
			 "route): set %s= or pass -i IF", l->def->name, fd->name, what, fd->name);
	else if (mac ? !env->iface->has_mac : !env->iface->has_ip)
		diag_set(d, env->file, l->pos.line, l->pos.col,
			 "%s %s: interface %s has no %s: set %s=", l->def->name,
			 fd->name, env->iface->name, what, fd->name);
	else
		return 0;
	return -1;
}

/* What the frame's own network layer says (a broadcast, a group's MAC, an
 * ARP asker), else the next hop's MAC; broadcast without a network layer. */
static int find_eth_dst(struct frame *f, const struct resolve_env *env, uint64_t *dst,
			struct diag *d)
{
	/* The frame's own network layer, not one an ICMP error quotes. */
	const struct layer *next, *net = frame_network_layer(f, &next);
	f->eth_dst_unresolved = false;
	if (!net) {
		*dst = MAC_BROADCAST;
		return 0;
	}
	const struct layer_net *n = net->def->net;
	if (n->link_dst && n->link_dst(net, dst))
		return 0;
	if (!env->nexthop_mac) {
		*dst = 0;
		f->eth_dst_unresolved = true;
		return 0;
	}
	struct addr to = layer_addr(net, n->dst);
	return env->nexthop_mac(env->ctx, &to, dst, d);
}

/* The interface's address of the destination's scope (RFC 6724's first
 * rule, the one that matters on a lab's link): link-local toward link-local
 * and link-scoped groups, global otherwise. */
static int iface_ip6(struct layer *l, size_t k, const struct resolve_env *env,
		     struct diag *d)
{
	const struct layer_net *n = l->def->net;
	struct addr dst = layer_addr(l, n ? n->dst : (int)k);
	bool link = addr_link_scoped6(&dst);
	const struct iface *ifc = env->iface;
	const struct addr *pick = !ifc ? NULL : link && ifc->has_ll6 ? &ifc->ll6 :
				  ifc->has_ip6 ? &ifc->ip6 :
				  addr_is_multicast6(&dst) && ifc->has_ll6 ? &ifc->ll6 : NULL;
	const char *name = l->def->fields[k].name;
	if (pick) {
		l->val[k].u = addr_value(pick);
		return 0;
	}
	if (!ifc)
		diag_set(d, env->file, l->pos.line, l->pos.col,
			 "%s %s: no interface to take the IPv6 address from (no -i and no default "
			 "route): set %s= or pass -i IF", l->def->name, name, name);
	else
		diag_set(d, env->file, l->pos.line, l->pos.col,
			 "%s %s: interface %s has no %s IPv6 address: set %s=", l->def->name, name,
			 ifc->name, link ? "link-local" : "global", name);
	return -1;
}

/* What depends on more than the field's own row: other layers' values (a
 * hop limit for ND), the interface's MAC in options, the source of the
 * destination's scope. */
static int resolve_context(struct frame *f, const struct resolve_env *env, struct diag *d)
{
	for (size_t i = 0; i < f->nlayers; i++)
		if (f->layer[i].def->context)
			f->layer[i].def->context(f, i);
	for (size_t i = 0; i < f->nlayers; i++) {
		struct layer *l = &f->layer[i];
		for (size_t k = 0; k < l->def->nfields; k++) {
			const struct field *fd = &l->def->fields[k];
			bool given = l->given >> k & 1u;
			bool mac = env->iface && env->iface->has_mac;
			/* `auto` with no MAC to put there: a zero-length option, which
			 * receivers must discard (RFC 4861 4.6), is never sent. */
			if (fd->kind == FK_OPTS && given && fd->codec->fill_mac &&
			    fd->codec->fill_mac(&l->val[k], mac ? env->iface->mac : 0) && !mac) {
				diag_set(d, env->file, l->fpos[k].line, l->fpos[k].col,
					 "%s %s: auto needs the interface's MAC, and %s: pass -i IF "
					 "or write the MAC", l->def->name, fd->name,
					 env->iface ? "it has none" : "there is no interface");
				return -1;
			}
			if (fd->dflt_kind == FD_IFACE_IP6 && !given && iface_ip6(l, k, env, d))
				return -1;
		}
	}
	return 0;
}

static int eth_dst(struct frame *f, struct layer *eth, const struct resolve_env *env,
		   struct diag *d)
{
	uint64_t mac = 0;
	int rc = find_eth_dst(f, env, &mac, d);
	eth->val[ETH_DST].u = mac;
	return rc;
}

/* The field an alias views: the nearest row before it whose bits hold the
 * alias's bits (the table tests check there is one; ICMPv6's rows of other
 * types may cover the same bits), and the alias's shift inside it. */
static size_t alias_base(const struct layer_def *def, size_t alias, unsigned *shift)
{
	const struct field *a = &def->fields[alias];
	size_t k = alias - 1;
	while (def->fields[k].flags & FF_ALIAS || def->fields[k].bit_off > a->bit_off ||
	       def->fields[k].bit_off + def->fields[k].bits < a->bit_off + a->bits)
		k--;
	*shift = (unsigned)(def->fields[k].bit_off + def->fields[k].bits - a->bit_off - a->bits);
	return k;
}

/* One field, one value: a given alias (dscp) sets its bits of the field it
 * views (tos), which is what the builder writes; an alias left out then
 * reads them, so that every row says what its bits on the wire say. */
static void fold_aliases(struct layer *l)
{
	for (int pass = 0; pass < 2; pass++)	/* the given ones first */
		for (size_t k = 0; k < l->def->nfields; k++) {
			bool given = l->given >> k & 1u;
			if (!(l->def->fields[k].flags & FF_ALIAS) || given != (pass == 0))
				continue;
			unsigned shift;
			u128 *base = &l->val[alias_base(l->def, k, &shift)].u;
			u128 mask = field_max(&l->def->fields[k]) << shift;
			if (given)
				*base = (*base & ~mask) | ((l->val[k].u << shift) & mask);
			else
				l->val[k].u = (*base & mask) >> shift;
		}
}

/* Field `k` of layer `i` drawn once for the run: its own stream, so that
 * every frame draws the same value whatever else it draws. */
static u128 run_draw(const struct resolve_env *env, size_t i, size_t k, unsigned bits)
{
	if (!env->run)
		return rng_bits(env->rng, bits);
	struct rng once;
	rng_for_run(env->run, i * MAX_FIELDS + k, &once);
	return rng_bits(&once, bits);
}

int frame_resolve(struct frame *f, const struct resolve_env *env, struct diag *d)
{
	for (size_t i = 0; i < f->nlayers; i++) {
		struct layer *l = &f->layer[i];
		for (size_t k = 0; k < l->def->nfields; k++) {
			const struct field *fd = &l->def->fields[k];
			u128 *u = &l->val[k].u;
			/* Another type's row: never built, so never drawn (vary.c's
			 * plan skips it too, and the two draw in step). */
			if (l->def->applies && !l->def->applies(l, k))
				continue;
			if (l->ranged & (1u << k)) {
				*u = range_value(l, k, env->index);
				continue;
			}
			if (l->random & (1u << k)) {
				*u = rng_bits(env->rng, fd->bits);
				continue;
			}
			if (l->given & (1u << k) || (fd->flags & FF_ALIAS))
				continue;
			switch (fd->dflt_kind) {
			case FD_CONST:
				*u = fd->dflt;
				break;
			case FD_RANDOM:
				*u = rng_bits(env->rng, fd->bits);
				break;
			case FD_RUN_RANDOM:
				*u = run_draw(env, i, k, fd->bits);
				break;
			case FD_COUNT:
				*u = (fd->dflt + env->index) & field_max(fd);
				break;
			case FD_EPHEMERAL:
				*u = rng_range(env->rng, EPHEMERAL_LOW, EPHEMERAL_HIGH);
				break;
			case FD_IFACE_MAC:
			case FD_IFACE_IP:
				if (iface_value(l, k, env, d))
					return -1;
				*u = fd->dflt_kind == FD_IFACE_MAC ? env->iface->mac : env->iface->ip;
				break;
			case FD_COMPUTED:
				if ((int)k == l->def->demux) {
					bool inner = i + 1 < f->nlayers && f->layer[i + 1].def->id != L_PAYLOAD;
					uint64_t type;
					*u = inner && link_value(l->def->id, f->layer[i + 1].def->id, &type) ?
					     type : l->def->demux_default;
				} else {
					*u = 0;	/* the builder measures it */
				}
				break;
			default:
				break;	/* FD_IFACE_IP6: resolve_context, once dst is known */
			}
		}
		fold_aliases(l);
	}
	if (resolve_context(f, env, d))
		return -1;
	/* Last: it reads the network layer's fields resolved above. */
	struct layer *eth = &f->layer[0];
	if (f->nlayers && eth->def->id == L_ETH && !(eth->given & (1u << ETH_DST)))
		return eth_dst(f, eth, env, d);
	return 0;
}

bool frame_next_hop_varies(const struct frame *tmpl)
{
	const struct layer *next, *net = frame_network_layer(tmpl, &next);
	/* A destination that varies and is looked up (IPv4's, not ARP's target). */
	int k = net ? net->def->net->dst : -1;
	return k >= 0 && (net->def->fields[k].flags & FF_NEXTHOP) && field_varies(net, (size_t)k);
}

bool frame_may_need_next_hop(const struct frame *tmpl)
{
	bool eth_dst_given = tmpl->nlayers && tmpl->layer[0].def->id == L_ETH &&
			     (tmpl->layer[0].given >> ETH_DST & 1u);
	return tmpl->eth_dst_unresolved || (!eth_dst_given && frame_next_hop_varies(tmpl));
}
