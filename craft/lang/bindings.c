/* bindings.c - a reply's variable-width values as ${NAME.x} bindings. */
#include "bindings.h"

#include <stdio.h>

#include "../proto/proto.h"
#include "../proto/tcpopts.h"

static const char *const opt_names[] = { "mss", "ws", "ts.val", "ts.ecr" };
enum { OPT_MSS, OPT_WS, OPT_TSVAL, OPT_TSECR, NOPTS };

struct opts_seen {
	unsigned long value[NOPTS];
	bool seen[NOPTS];
};

static uint32_t be(const uint8_t *p, size_t n)
{
	uint32_t v = 0;
	while (n--)
		v = v << 8 | *p++;
	return v;
}

/* RFC 9293 3.2 (MSS), RFC 7323 2.2 and 3.2 (window scale, timestamps):
 * an option of any other length is not the one its kind says. */
static void note_opt(const struct tcpopt *o, void *ctx)
{
	struct opts_seen *s = ctx;
	if (o->kind == 2 && o->len == 4) {
		s->value[OPT_MSS] = be(o->data, 2);
		s->seen[OPT_MSS] = true;
	} else if (o->kind == 3 && o->len == 3) {
		s->value[OPT_WS] = o->data[0];
		s->seen[OPT_WS] = true;
	} else if (o->kind == 8 && o->len == 10) {
		s->value[OPT_TSVAL] = be(o->data, 4);
		s->value[OPT_TSECR] = be(o->data + 4, 4);
		s->seen[OPT_TSVAL] = s->seen[OPT_TSECR] = true;
	}
}

static void bind_num(struct vars *vars, const char *name, const char *what, unsigned long v)
{
	char key[96], value[24];
	snprintf(key, sizeof key, "%s.%s", name, what);
	snprintf(value, sizeof value, "%lu", v);
	vars_set(vars, key, value);
}

static void bind_opt(struct vars *vars, const char *name, int k, unsigned long v)
{
	char what[24];
	snprintf(what, sizeof what, "tcp.opts.%s", opt_names[k]);
	bind_num(vars, name, what, v);
}

/* An option the frame lacks: unbound, and why. */
static void lack_opt(struct vars *vars, const char *name, int k)
{
	static const char *const kind[NOPTS] = { "mss", "ws", "ts", "ts" };
	char key[96], why[128];
	snprintf(key, sizeof key, "%s.tcp.opts.%s", name, opt_names[k]);
	snprintf(why, sizeof why, "no %s option in %s", kind[k], name);
	vars_unmake(vars, key, why, false, NULL);
}

void bind_widths(struct vars *vars, const char *name, const struct frame *f)
{
	size_t own = frame_own_layers(f);
	const struct layer *tcp = frame_find(f, own, L_TCP);
	const struct layer *pl = frame_find(f, own, L_PAYLOAD);
	bind_num(vars, name, "payload.len", pl ? pl->len : 0);
	if (!tcp)
		return;
	bind_num(vars, name, "tcp.len", tcp_segment_len(f, (size_t)(tcp - f->layer)));
	struct opts_seen s = { { 0 }, { false } };
	const struct fval *opts = &tcp->val[TCP_OPTS];
	tcpopts_walk(opts->bytes, opts->len, false, note_opt, &s);
	for (int k = 0; k < NOPTS; k++)
		if (s.seen[k])
			bind_opt(vars, name, k, s.value[k]);
		else
			lack_opt(vars, name, k);
}

void bind_width_placeholders(struct vars *vars, const char *name)
{
	/* Mid-range and never zero, as the fields' placeholders are; the two
	 * lengths apart, so that their difference is no zero either. */
	static const unsigned long mid[NOPTS] = { 0x7fff, 7, 0x7fffffff, 0x7fffffff };
	bind_num(vars, name, "payload.len", 0x3fff);
	bind_num(vars, name, "tcp.len", 0x7fff);
	for (int k = 0; k < NOPTS; k++)
		bind_opt(vars, name, k, mid[k]);
}
