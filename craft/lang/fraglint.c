/* fraglint.c - a fragment made by hand whose transport checksum is left
 * to be computed: computed over this fragment alone, which no receiver
 * that reassembles the datagram accepts. */
#include "template.h"

#include "../proto/proto.h"

/* Whether layer `i` makes the datagram a fragment: IPv4 with MF or an
 * offset given, an IPv6 Fragment header with M or an offset. */
static bool makes_fragment(const struct layer *l)
{
	if (l->def->id == L_IPV4)
		return ((l->given >> IPV4_FLAGS & 1) && (lv(l, IPV4_FLAGS) & 1)) ||
		       ((l->given >> IPV4_FRAG & 1) && lv(l, IPV4_FRAG));
	return l->def->id == L_FRAGMENT && (lv(l, FRAG_OFF) || lv(l, FRAG_M));
}

void template_lint_fragments(const struct template_ctx *tc, const struct frame *f)
{
	for (size_t i = 0; tc->warn && i < f->nlayers; i++) {
		if (!makes_fragment(&f->layer[i]))
			continue;
		for (size_t j = i + 1; j < f->nlayers; j++) {
			const struct layer *t = &f->layer[j];
			int cf = t->def->csum_field;
			if (cf < 0 || t->def->csum_header || (t->given >> cf & 1))
				continue;
			struct diag w;
			diag_set(&w, tc->file, t->pos.line, t->pos.col, "%s csum is computed over "
				 "this fragment only, and a receiver drops the reassembled "
				 "datagram: give csum=, or send the whole datagram with "
				 "--fragment SIZE", t->def->name);
			tc->warn(tc->warn_ctx, &w);
			return;
		}
	}
}
