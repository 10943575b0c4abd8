/* fragsend.c - --fragment: a probe's datagram on the wire as fragments. */
#include "internal.h"

void frag_send_init(struct frag_send *fs, size_t size, enum frag_order order,
		    const struct rng *run)
{
	fs->size = size;
	fs->order = order;
	/* Past every frame's own draws, and not the ghost's (UINT64_MAX): the
	 * base each target's cut draws from. */
	rng_for_frame(run, UINT64_MAX - 1, &fs->rng);
}

/* The fragments of `f`, or bad input at its network layer. */
static int cut(struct engine *e, const struct frame *f, const struct frag_send *fs,
	       const char *path, uint32_t id6, struct fragments *fr)
{
	const char *why;
	if (fragment_cut(f, fs->size, id6, fr, &why) == 0)
		return ENGINE_OK;
	const struct layer *next, *net = frame_network_layer(f, &next);
	struct diag d;
	diag_set(&d, path, net ? net->pos.line : 0, net ? net->pos.col : 0,
		 "--fragment %zu: %s", fs->size, why);
	return engine_bad_input(e, &d);
}

/* Frame 0 speaks for every probe's cut only if nothing that decides it varies. */
static int cut_fields_fixed(struct engine *e, const struct frame *f, const struct frag_send *fs,
			    const char *path)
{
	const struct layer *l;
	int fi;
	if (!fragment_cut_varies(f, &l, &fi))
		return ENGINE_OK;
	struct diag d;
	diag_set(&d, path, l->fpos[fi].line, l->fpos[fi].col,
		 "--fragment %zu: %s %s must not vary: every probe is cut as the first",
		 fs->size, l->def->name, l->def->fields[fi].name);
	return engine_bad_input(e, &d);
}

int engine_cut_ok(struct engine *e, const struct frame *f, const struct frag_send *fs,
		  const char *path)
{
	struct fragments fr;
	int rc = fs->size ? cut_fields_fixed(e, f, fs, path) : ENGINE_OK;
	if (rc == ENGINE_OK && fs->size)
		rc = cut(e, f, fs, path, 0, &fr);
	if (fs->size && rc == ENGINE_OK)
		fragments_free(&fr);
	return rc;
}

int engine_inject_cut(struct engine *e, const struct frame *f, struct frag_send *fs,
		      const char *path, uint64_t tag, uint64_t target, size_t *frames)
{
	int rc;
	if (!fs->size) {
		rc = engine_inject(e, f->bytes, f->len, tag);
		*frames = rc == ENGINE_OK;
		return rc;
	}
	struct fragments fr;
	*frames = 0;
	struct rng draws;	/* a retry cuts its target as the first send did */
	rng_for_frame(&fs->rng, target, &draws);
	rc = cut(e, f, fs, path, (uint32_t)rng_next(&draws), &fr);
	if (rc != ENGINE_OK)
		return rc;
	fragment_order(&fr, fs->order, &draws);
	size_t sent = 0;
	for (; sent < fr.n && rc == ENGINE_OK; sent++)
		rc = engine_inject(e, fr.bytes + fr.piece[sent].off, fr.piece[sent].len, tag);
	*frames = sent - (rc != ENGINE_OK);	/* the one that failed is not on the wire */
	fragments_free(&fr);
	return rc;
}
