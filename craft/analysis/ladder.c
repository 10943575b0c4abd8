/* ladder.c - frames as arrows between host columns, and the text drawing. */
#include "ladder.h"

#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "explain.h"
#include "../proto/proto.h"
#include "../util/clock.h"
#include "../util/xalloc.h"

/* Two hosts, the frame numbers and times fit an 80-column terminal, short
 * of its last column, where some terminals wrap. */
#define LADDER_COLUMNS 79

struct host {
	struct addr ip;			/* ADDR_NONE: known by its MAC */
	uint64_t mac;
	int port;			/* -1, or an end of a host talking to itself */
	char name[ADDR_STRLEN + 8];	/* "[::1]:40000" */
};

struct ladder {
	bool absolute;
	struct host host[LADDER_MAX_HOSTS];
	size_t nhosts;
	struct ladder_row *row;
	size_t nrows, caprows;
	uint64_t left_out;		/* no address, or a host past the last column */
	uint32_t stopped_at;		/* the first frame past LADDER_MAX_ROWS */
};

struct ladder *ladder_new(bool absolute)
{
	struct ladder *l = xcalloc(1, sizeof *l);
	l->absolute = absolute;
	return l;
}

void ladder_free(struct ladder *l)
{
	if (!l)
		return;
	free(l->row);
	free(l);
}

/* A host talking to itself (a capture on lo) has two ends all the same:
 * its TCP or UDP ports tell them apart. */
static void split_by_port(const struct layer *upper, struct host end[2])
{
	if (!upper || !addr_equal(&end[0].ip, &end[1].ip) ||
	    (upper->def->id != L_TCP && upper->def->id != L_UDP))
		return;
	bool tcp = upper->def->id == L_TCP;
	end[0].port = (int)lv(upper, tcp ? TCP_SPORT : UDP_SPORT);
	end[1].port = (int)lv(upper, tcp ? TCP_DPORT : UDP_DPORT);
	for (int i = 0; i < 2; i++) {
		char ip[ADDR_STRLEN];
		addr_format(&end[i].ip, ip, sizeof ip);
		snprintf(end[i].name, sizeof end[i].name,
			 end[i].ip.family == ADDR_IPV6 ? "[%s]:%d" : "%s:%d", ip, end[i].port);
	}
}

/* The frame's two ends: its network layer's addresses, else its Ethernet
 * ones; false if it has neither whole. */
static bool frame_ends(const struct frame *f, struct host end[2])
{
	memset(end, 0, 2 * sizeof *end);
	end[0].port = end[1].port = -1;
	const struct layer *upper = NULL, *net = frame_network_layer(f, &upper);
	if (net) {
		const struct layer_net *n = net->def->net;
		uint32_t both = 1u << n->src | 1u << n->dst;
		if ((net->present & both) == both) {
			end[0].ip = layer_addr(net, n->src);
			end[1].ip = layer_addr(net, n->dst);
			addr_format(&end[0].ip, end[0].name, sizeof end[0].name);
			addr_format(&end[1].ip, end[1].name, sizeof end[1].name);
			split_by_port(upper, end);
			return true;
		}
	}
	const struct layer *eth = frame_find(f, f->nlayers, L_ETH);
	uint32_t both = 1u << ETH_SRC | 1u << ETH_DST;
	if (!eth || (eth->present & both) != both)
		return false;
	end[0].mac = lv(eth, ETH_SRC);
	end[1].mac = lv(eth, ETH_DST);
	format_mac(end[0].mac, end[0].name, sizeof end[0].name);
	format_mac(end[1].mac, end[1].name, sizeof end[1].name);
	return true;
}

static bool same_host(const struct host *a, const struct host *b)
{
	return a->port == b->port &&
	       (a->ip.family ? addr_equal(&a->ip, &b->ip) : !b->ip.family && a->mac == b->mac);
}

/* The column of `h`, a new one if there is room; -1 if not. */
static int column_of(struct ladder *l, const struct host *h, size_t *added)
{
	for (size_t i = 0; i < l->nhosts; i++)
		if (same_host(&l->host[i], h))
			return (int)i;
	if (l->nhosts == LADDER_MAX_HOSTS)
		return -1;
	l->host[l->nhosts] = *h;
	(*added)++;
	return (int)l->nhosts++;
}

static void tcp_label(const struct layer *tcp, const struct frame_analysis *fa, bool absolute,
		      struct strbuf *out)
{
	char flags[64];
	format_tcpflags_names(tcp_flag_word(tcp), flags, sizeof flags);
	const struct tcp_verdict *v = fa && fa->is_tcp ? &fa->tcp : NULL;
	uint32_t seq = v ? absolute ? v->abs_seq : v->seq : (uint32_t)lv(tcp, TCP_SEQ);
	sb_printf(out, "[%s] seq=%u", flags, seq);
	if (lv(tcp, TCP_FLAGS) & TCP_F_ACK)
		sb_printf(out, " ack=%u", v ? absolute ? v->abs_ack : v->ack : (uint32_t)lv(tcp, TCP_ACK));
	if (v)
		sb_printf(out, " len=%u", v->len);
}

/* What the arrow says: TCP's analysed numbers, the layer's own few words
 * for the rest (of the layer past the network layer, else of the last). */
static void label_of(const struct ladder *l, const struct frame *f,
		     const struct frame_analysis *fa, struct strbuf *out)
{
	const struct layer *upper = NULL, *net = frame_network_layer(f, &upper);
	const struct layer *top = upper && upper->def->id != L_PAYLOAD ? upper : net;
	for (size_t i = frame_own_layers(f); !top && i-- > 0;)
		if (f->layer[i].def->id != L_PAYLOAD)
			top = &f->layer[i];
	if (!top)
		sb_puts(out, "frame");
	else if (top->def->id == L_TCP)
		tcp_label(top, fa, l->absolute, out);
	else if (top->def->brief)
		top->def->brief(f, (size_t)(top - f->layer), out);
	else
		sb_puts(out, top->def->name);
}

static void make_room(struct ladder *l)
{
	if (l->nrows < l->caprows)
		return;
	size_t cap = l->caprows ? 2 * l->caprows : 256;
	if (cap > LADDER_MAX_ROWS)
		cap = LADDER_MAX_ROWS;
	struct ladder_row *row = xrealloc(l->row, cap * sizeof *row);
	l->row = row;
	l->caprows = cap;
}

bool ladder_frame(struct ladder *l, const struct frame *f, uint32_t no,
		  const struct timeval *since, const struct frame_analysis *fa)
{
	if (l->stopped_at)
		return false;
	if (l->nrows == LADDER_MAX_ROWS) {
		l->stopped_at = no;
		return false;
	}
	make_room(l);
	struct host end[2];
	size_t added = 0;
	int src = -1, dst = -1;
	if (frame_ends(f, end)) {
		src = column_of(l, &end[0], &added);
		dst = src < 0 ? -1 : column_of(l, &end[1], &added);
	}
	if (dst < 0) {
		l->nhosts -= added;	/* no half-drawn frame holds a column */
		l->left_out++;
		return false;
	}
	struct ladder_row *r = &l->row[l->nrows++];
	memset(r, 0, sizeof *r);
	r->frame = no;
	/* A capture's times may be anything (pcapng's resolution): saturate. */
	int64_t sec = since->tv_sec;
	r->usec = sec > INT64_MAX / 1000000 - 1 ? INT64_MAX : sec < INT64_MIN / 1000000 + 1 ?
		 INT64_MIN : sec * 1000000 + since->tv_usec;
	r->src = (uint16_t)src;
	r->dst = (uint16_t)dst;
	if (fa && fa->is_tcp) {
		r->tcp = true;
		r->src_state = (uint8_t)fa->tcp.src_state;
		r->dst_state = (uint8_t)fa->tcp.dst_state;
		r->expert = (uint16_t)fa->tcp.expert;
		r->dupack_num = fa->tcp.dupack_num;
		r->dupack_frame = fa->tcp.dupack_frame;
	}
	struct strbuf label;
	sb_init(&label);
	label_of(l, f, fa, &label);
	snprintf(r->label, sizeof r->label, "%s", label.s);
	sb_free(&label);
	return true;
}

size_t ladder_rows(const struct ladder *l)
{
	return l->nrows;
}

const struct ladder_row *ladder_row(const struct ladder *l, size_t i)
{
	return &l->row[i];
}

size_t ladder_hosts(const struct ladder *l)
{
	return l->nhosts;
}

const char *ladder_host(const struct ladder *l, size_t i)
{
	return l->host[i].name;
}

void ladder_time(const struct ladder_row *r, struct strbuf *out)
{
	char t[USEC_TEXT_LEN];
	format_usec(r->usec, t, sizeof t);
	sb_puts(out, t);
}

static unsigned digits(uint64_t n)
{
	unsigned d = 1;
	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

static unsigned max_u(unsigned a, unsigned b)
{
	return a > b ? a : b;
}

void ladder_grid(const struct ladder *l, struct ladder_grid *g)
{
	memset(g, 0, sizeof *g);
	unsigned label = 0, name = 0;
	struct strbuf note;
	sb_init(&note);
	for (size_t i = 0; i < l->nrows; i++) {
		const struct ladder_row *r = &l->row[i];
		g->frame_w = max_u(g->frame_w, digits(r->frame));
		char t[USEC_TEXT_LEN];
		format_usec(r->usec, t, sizeof t);
		g->time_w = max_u(g->time_w, (unsigned)strlen(t));
		label = max_u(label, (unsigned)strlen(r->label));
		if (r->tcp)
			g->state_w = max_u(g->state_w,
					   max_u((unsigned)strlen(tcp_state_name(r->src_state)),
						 (unsigned)strlen(tcp_state_name(r->dst_state))));
		sb_reset(&note);
		explain_expert(r->expert, r->dupack_num, r->dupack_frame, &note);
		g->note_w = max_u(g->note_w, (unsigned)note.len);
	}
	sb_free(&note);
	for (size_t i = 0; i < l->nhosts; i++)
		name = max_u(name, (unsigned)strlen(l->host[i].name));
	/* "N TIME  STATE |" before the first line, "| STATE" after the last;
	 * between two lines a label with room for its arrow, a host's name,
	 * or a state on either side. */
	g->first = g->frame_w + 1 + g->time_w + 2 + g->state_w + 1;
	unsigned edges = g->first + 2 + 1 + g->state_w;
	g->gap = max_u(LADDER_COLUMNS > edges ? LADDER_COLUMNS - edges : 0,
		       max_u(label + 6, max_u(name + 2, g->state_w + 2)));
	g->width = ladder_line_at(g, l->nhosts ? l->nhosts - 1 : 0) + 2 + g->state_w;
}

unsigned ladder_line_at(const struct ladder_grid *g, size_t host)
{
	return g->first + (unsigned)host * (g->gap + 1);
}

void ladder_gaps(const struct ladder *l, const char *before, const char *after,
		 struct strbuf *out)
{
	if (l->left_out)
		sb_printf(out, "%s%llu frame%s not drawn: no address, or a host past the first %d%s",
			  before, (unsigned long long)l->left_out, l->left_out == 1 ? "" : "s",
			  LADDER_MAX_HOSTS, after);
	if (l->stopped_at)
		sb_printf(out, "%sthe ladder stops at frame %u: it holds %d rows%s", before,
			  l->stopped_at, LADDER_MAX_ROWS, after);
}

/* A line of the drawing: cells, each host's line drawn. */
struct canvas {
	char *c;
	size_t w;
};

static void put(struct canvas *cv, size_t at, const char *s)
{
	size_t n = strlen(s);
	if (at + n > cv->w) {
		char *c = xrealloc(cv->c, at + n);
		memset(c + cv->w, ' ', at + n - cv->w);
		cv->c = c;
		cv->w = at + n;
	}
	memcpy(cv->c + at, s, n);
}

static void canvas_open(struct canvas *cv, const struct ladder *l, const struct ladder_grid *g,
			bool lines)
{
	cv->w = g->width;
	cv->c = xmalloc(cv->w);
	memset(cv->c, ' ', cv->w);
	for (size_t i = 0; lines && i < l->nhosts; i++)
		cv->c[ladder_line_at(g, i)] = '|';
}

/* Onto `out` without trailing blanks, then freed. */
static void canvas_close(struct canvas *cv, struct strbuf *out)
{
	size_t n = cv->w;
	while (n && cv->c[n - 1] == ' ')
		n--;
	sb_add(out, cv->c, n);
	sb_putc(out, '\n');
	free(cv->c);
}

void ladder_text_head(const struct ladder *l, const struct ladder_grid *g, struct strbuf *out)
{
	struct canvas cv;
	canvas_open(&cv, l, g, false);
	size_t free_at = 0;
	for (size_t i = 0; i < l->nhosts; i++) {
		size_t n = strlen(l->host[i].name), at = ladder_line_at(g, i);
		at = at > n / 2 ? at - n / 2 : 0;
		if (at < free_at)
			at = free_at;
		put(&cv, at, l->host[i].name);
		free_at = at + n + 1;
	}
	canvas_close(&cv, out);
	canvas_open(&cv, l, g, true);
	canvas_close(&cv, out);
}

void ladder_text_row(const struct ladder *l, const struct ladder_grid *g, size_t i,
		     struct strbuf *out)
{
	const struct ladder_row *r = &l->row[i];
	struct canvas cv;
	canvas_open(&cv, l, g, true);
	struct strbuf s;
	sb_init(&s);
	sb_printf(&s, "%*u ", (int)g->frame_w, r->frame);
	struct strbuf t;
	sb_init(&t);
	ladder_time(r, &t);
	sb_printf(&s, "%*s", (int)g->time_w, t.s);
	sb_free(&t);
	put(&cv, 0, s.s);
	size_t a = ladder_line_at(g, r->src), b = ladder_line_at(g, r->dst);
	const char *src_state = r->tcp ? tcp_state_name(r->src_state) : "";
	const char *dst_state = r->tcp ? tcp_state_name(r->dst_state) : "";
	size_t end = b + 2;
	sb_reset(&s);
	if (a == b) {
		/* To itself: a loop right of its line, the receiving state after it. */
		sb_printf(&s, "<-' %s%s%s", r->label, r->tcp ? "  " : "", dst_state);
		put(&cv, a + 1, s.s);
		end = a + 1 + s.len + 1;
		put(&cv, a - 1 - strlen(src_state), src_state);
	} else {
		size_t lo = a < b ? a : b, hi = a < b ? b : a, span = hi - lo - 1;
		size_t n = strlen(r->label), pre = (span - n - 2) / 2;
		memset(cv.c + lo + 1, '-', span);
		cv.c[a < b ? hi - 1 : lo + 1] = a < b ? '>' : '<';
		cv.c[lo + 1 + pre] = ' ';
		put(&cv, lo + 2 + pre, r->label);
		cv.c[lo + 2 + pre + n] = ' ';
		/* Each end's state beside its own line: outside the arrow. */
		const char *left = a < b ? src_state : dst_state, *right = a < b ? dst_state : src_state;
		put(&cv, lo - 1 - strlen(left), left);
		put(&cv, hi + 2, right);
		end = hi + 2 + strlen(right) + 1;
	}
	sb_reset(&s);
	explain_expert(r->expert, r->dupack_num, r->dupack_frame, &s);
	if (s.len) {
		/* Findings after everything else on the line, as a comment. */
		if (end < g->width + 1)
			end = g->width + 1;
		put(&cv, end, s.s + 1);
	}
	sb_free(&s);
	canvas_close(&cv, out);
}
