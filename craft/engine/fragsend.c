/* fragsend.c - --fragment: a probe's datagram on the wire as fragments. */
#include "internal.h"

void frag_send_init(struct frag_send *fs, size_t size, enum frag_order order,
		    const struct rng *run)
{
	fs->size = size;
	fs->order = order;
	/* Past every frame's own draws, and not the ghost's (UINT64_MAX). */
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

int engine_cut_ok(struct engine *e, const struct frame *f, const struct frag_send *fs,
		  const char *path)
{
	struct fragments fr;
	int rc = fs->size ? cut(e, f, fs, path, 0, &fr) : ENGINE_OK;
	if (fs->size && rc == ENGINE_OK)
		fragments_free(&fr);
	return rc;
}

int engine_inject_cut(struct engine *e, const struct frame *f, struct frag_send *fs,
		      const char *path, uint64_t tag, size_t *frames)
{
	*frames = 1;
	if (!fs->size)
		return engine_inject(e, f->bytes, f->len, tag);
	struct fragments fr;
	int rc = cut(e, f, fs, path, (uint32_t)rng_next(&fs->rng), &fr);
	if (rc != ENGINE_OK)
		return rc;
	fragment_order(&fr, fs->order, &fs->rng);
	for (size_t i = 0; i < fr.n && rc == ENGINE_OK; i++)
		rc = engine_inject(e, fr.bytes + fr.piece[i].off, fr.piece[i].len, tag);
	*frames = fr.n;
	fragments_free(&fr);
	return rc;
}
