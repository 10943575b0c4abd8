/* match.c - match lines, reply scopes, and the BPF that pre-filters them. */
#include "match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decode/describe.h"
#include "../proto/proto.h"
#include "../util/xalloc.h"

void expect_init(struct expectation *e)
{
	memset(e, 0, sizeof *e);
}

void expect_free(struct expectation *e)
{
	if (e->or) {
		expect_free(e->or);
		free(e->or);
	}
	for (unsigned i = 0; i < e->n; i++)
		for (unsigned k = 0; k < e->layer[i].n; k++)
		{
			for (unsigned a = 0; a < e->layer[i].f[k].nalts; a++)
				free(e->layer[i].f[k].alt[a].bytes);
			free(e->layer[i].f[k].alt);
		}
	expect_init(e);
}

bool expect_empty(const struct expectation *e)
{
	return e->n == 0;
}

static struct match_layer *layer_slot(struct expectation *e, const struct layer_def *def,
				      bool quoted)
{
	for (unsigned i = 0; i < e->n; i++)
		if (e->layer[i].def == def && e->layer[i].quoted == quoted)
			return &e->layer[i];
	if (e->n == MATCH_LAYERS)
		return NULL;
	struct match_layer *ml = &e->layer[e->n++];
	memset(ml, 0, sizeof *ml);
	ml->def = def;
	ml->quoted = quoted;
	return ml;
}

static void describe_wanted(const struct field *fd, const struct match_field *mf,
			    char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (unsigned a = 0; a < mf->nalts && used < len; a++) {
		char one[64];
		field_format(fd, &mf->alt[a], one, sizeof one);
		used += (size_t)snprintf(buf + used, len - used, "%s%s", a ? "|" : "", one);
	}
}

/* ARP replies and neighbour advertisements, for the next hop's lookup. */
#define NEIGHBOR_ANSWERS "(arp and arp[6:2] = 2) or (icmp6 and ip6[40] == 136)"
#define PAYLOAD_CONTEXT 12	/* bytes shown each side of the first that differs */

static size_t common_prefix(const struct fval *a, const struct fval *b)
{
	size_t n = 0;
	while (n < a->len && n < b->len && a->bytes[n] == b->bytes[n])
		n++;
	return n;
}

static bool printable(const struct fval *v)
{
	for (size_t i = 0; i < v->len; i++)
		if (v->bytes[i] < 0x20 || v->bytes[i] > 0x7e || v->bytes[i] == '"' ||
		    v->bytes[i] == '\\')
			return false;
	return true;
}

/* `v` from PAYLOAD_CONTEXT bytes before `at` to as many after, the byte at
 * `at` in brackets ([] past its end), as text or hex. */
static void payload_window(const struct fval *v, size_t at, bool text, struct strbuf *out)
{
	size_t from = at > PAYLOAD_CONTEXT ? at - PAYLOAD_CONTEXT : 0;
	size_t to = at + 1 + PAYLOAD_CONTEXT < v->len ? at + 1 + PAYLOAD_CONTEXT : v->len;
	sb_puts(out, text ? (from ? "\"..." : "\"") : from ? "..." : "");
	for (size_t i = from; i < to || (i == at && i == v->len); i++) {
		if (i == at)
			sb_putc(out, '[');
		if (i < v->len)
			sb_printf(out, text ? "%c" : "%02x", v->bytes[i]);
		if (i == at)
			sb_putc(out, ']');
	}
	sb_puts(out, text ? (to < v->len ? "...\"" : "\"") : to < v->len ? "..." : "");
}

/* A payload that differs: both sides in one form (text when both print,
 * else hex) around the first byte that differs, marked; of several
 * alternatives, the one that goes on longest alike. */
static void payload_why(const struct fval *got, const struct match_field *mf, bool quoted,
			char *why, size_t len)
{
	const struct fval *want = &mf->alt[0];
	for (unsigned a = 1; a < mf->nalts; a++)
		if (common_prefix(got, &mf->alt[a]) > common_prefix(got, want))
			want = &mf->alt[a];
	size_t at = common_prefix(got, want);
	bool text = printable(got) && printable(want);
	struct strbuf s;
	sb_init(&s);
	sb_printf(&s, "%spayload: got ", quoted ? "quoted " : "");
	payload_window(got, at, text, &s);
	sb_puts(&s, ", wanted ");
	payload_window(want, at, text, &s);
	sb_printf(&s, " (%zu bytes, wanted %zu; first difference at byte %zu)", got->len,
		  want->len, at);
	snprintf(why, len, "%s", s.s);
	sb_free(&s);
}

/* The match line as matched, variables substituted: "tcp flags=SA ack=101". */
static void note_text(struct expectation *e, const struct match_layer *ml)
{
	size_t used = strlen(e->text);
	used += (size_t)snprintf(e->text + used, sizeof e->text - used, "%s%s",
				 used ? "; " : "", ml->def->name);
	for (unsigned k = 0; k < ml->n && used < sizeof e->text; k++) {
		char want[200];
		const struct field *fd = &ml->def->fields[ml->f[k].field];
		describe_wanted(fd, &ml->f[k], want, sizeof want);
		used += (size_t)snprintf(e->text + used, sizeof e->text - used, " %s=%s",
					 fd->name, want);
	}
}

/* The value of a match field: alternatives a|b|c, each lexed on its own so
 * that a quoted or substituted '|' stays part of its value. */
static int parse_alts(struct match_field *mf, const struct layer_def *def,
		      struct lexer *lx, const char *file, struct diag *d)
{
	const struct field *fd = &def->fields[mf->field];
	struct strbuf one;
	sb_init(&one);
	for (;;) {
		struct srcpos vpos = lex_pos(lx);
		sb_reset(&one);
		if (lex_value_until(lx, '|', &one, d))
			goto fail;
		if (mf->nalts == MATCH_ALTS) {
			diag_set(d, file, vpos.line, vpos.col, "%s %s: at most %d alternatives",
				 def->name, fd->name, MATCH_ALTS);
			goto fail;
		}
		char err[300];
		struct fval *grown = xrealloc(mf->alt, (mf->nalts + 1) * sizeof *grown);
		mf->alt = grown;
		if ((one.len == 0 && fd->kind != FK_TEXT) ||
		    field_parse(fd, one.s, one.len, &mf->alt[mf->nalts], err, sizeof err)) {
			diag_set(d, file, vpos.line, vpos.col, "%s %s: %s", def->name, fd->name,
				 one.len ? err : "empty value");
			goto fail;
		}
		mf->nalts++;
		if (lx->i >= lx->ln->len || lx->ln->s[lx->i] != '|')
			break;
		lx->i++;
	}
	sb_free(&one);
	return 0;
fail:
	sb_free(&one);
	return -1;
}

int expect_add_line(struct expectation *e, const struct src_line *ln,
		    const char *file, const struct vars *vars, struct diag *d)
{
	struct lexer lx = { .ln = ln, .i = 0, .file = file, .vars = vars };
	lex_skip_space(&lx);
	struct srcpos pos = lex_pos(&lx);
	const char *name;
	size_t nlen = lex_word(&lx, &name);
	const struct layer_def *def = nlen ? layer_by_name(name, nlen) : NULL;
	if (!def) {
		char list[200];
		layer_list(LAYERS_ALL, list, sizeof list);
		diag_set(d, file, pos.line, pos.col, "expected a layer to match (%s), found '%.*s'",
			 list, (int)(nlen ? nlen : 1), nlen ? name : lx.ln->s + lx.i);
		return -1;
	}
	struct match_layer *ml = layer_slot(e, def, false);
	if (!ml) {
		diag_set(d, file, pos.line, pos.col, "too many layers to match");
		return -1;
	}
	for (;;) {
		lex_skip_space(&lx);
		if (lex_at_end(&lx))
			break;
		struct srcpos kpos = lex_pos(&lx);
		const char *key;
		size_t klen = lex_word(&lx, &key);
		int fi = klen ? layer_field_index(def, key, klen) : -1;
		if (fi < 0) {
			diag_set(d, file, kpos.line, kpos.col, "%s has no field '%.*s' to match",
				 def->name, (int)(klen ? klen : 1), klen ? key : ln->s + lx.i);
			return -1;
		}
		if (lx.i >= ln->len || ln->s[lx.i] != '=') {
			diag_set(d, file, kpos.line, kpos.col, "expected '=' after '%.*s': write %.*s=VALUE",
				 (int)(klen > 40 ? 40 : klen), key, (int)(klen > 40 ? 40 : klen), key);
			return -1;
		}
		lx.i++;
		if (ml->n == MAX_FIELDS) {
			diag_set(d, file, kpos.line, kpos.col, "too many fields to match");
			return -1;
		}
		struct match_field *mf = &ml->f[ml->n];
		memset(mf, 0, sizeof *mf);
		mf->field = fi;
		int rc = parse_alts(mf, def, &lx, file, d);
		if (def->id == L_PAYLOAD)
			mf->field = PL_HEX;	/* every form is bytes; decoded payloads are too */
		ml->n++;	/* counted even on error, so expect_free frees it */
		if (rc)
			return -1;
	}
	note_text(e, ml);
	return 0;
}

int expect_parse(struct expectation *e, const char *text, const char *file,
		 const struct vars *vars, struct diag *d)
{
	const char *p = text;
	for (;;) {
		size_t n = 0;	/* up to a ';' outside quotes */
		for (bool quoted = false; p[n] && (quoted || p[n] != ';'); n++) {
			if (p[n] == '\\' && quoted && p[n + 1])
				n++;
			else if (p[n] == '"')
				quoted = !quoted;
		}
		struct src src;
		src_split(&src, p, n);
		int rc = 0;
		for (size_t i = 0; i < src.nlines && rc == 0; i++)
			rc = expect_add_line(e, &src.lines[i], file, vars, d);
		if (src.nlines == 0) {
			diag_set(d, file, 0, 0, "empty match line: write e.g. 'tcp flags=SA'");
			rc = -1;
		}
		src_free(&src);
		if (rc)
			return -1;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

int expect_parse_or(struct expectation *e, const char *text, const char *file,
		    const struct vars *vars, struct diag *d)
{
	if (expect_empty(e))
		return expect_parse(e, text, file, vars, d);
	struct expectation *alt = xcalloc(1, sizeof *alt);
	int rc = expect_parse(alt, text, file, vars, d);
	if (rc) {
		expect_free(alt);
		free(alt);
		return -1;
	}
	struct expectation *last = e;
	while (last->or)
		last = last->or;
	last->or = alt;
	size_t used = strlen(e->text);
	snprintf(e->text + used, sizeof e->text - used, " or %s", alt->text);
	return 0;
}

/* The layer `ml` looks at: the frame's own layers stop at an ICMP error;
 * quoted ones are the datagram it quotes. */
static const struct layer *find_layer(const struct frame *f, const struct match_layer *ml)
{
	size_t own = frame_own_layers(f);
	size_t from = ml->quoted ? own : 0;
	size_t to = ml->quoted ? f->nlayers : own;
	for (size_t i = from; i < to; i++)
		if (f->layer[i].def == ml->def)
			return &f->layer[i];
	return NULL;
}

static unsigned diffs_of_one(const struct expectation *e, const struct frame *f,
			     char *why, size_t len)
{
	unsigned diffs = 0;
	if (why && len)
		why[0] = '\0';
	for (unsigned i = 0; i < e->n; i++) {
		const struct match_layer *ml = &e->layer[i];
		const struct layer *l = find_layer(f, ml);
		if (!l) {
			if (diffs == 0 && why)
				snprintf(why, len, "no %s%s layer", ml->quoted ? "quoted " : "",
					 ml->def->name);
			diffs += ml->n + 1;
			continue;
		}
		for (unsigned k = 0; k < ml->n; k++) {
			const struct match_field *mf = &ml->f[k];
			const struct field *fd = &ml->def->fields[mf->field];
			bool hit = false;
			if (l->present & (1u << mf->field))
				for (unsigned a = 0; a < mf->nalts && !hit; a++)
					hit = fval_equal(fd, &l->val[mf->field], &mf->alt[a]);
			if (hit)
				continue;
			if (diffs == 0 && why && ml->def->id == L_PAYLOAD &&
			    (l->present & (1u << mf->field)) && mf->nalts) {
				payload_why(&l->val[mf->field], mf, ml->quoted, why, len);
			} else if (diffs == 0 && why) {
				char got[64] = "nothing", want[200];
				if (l->present & (1u << mf->field))
					field_format(fd, &l->val[mf->field], got, sizeof got);
				describe_wanted(fd, mf, want, sizeof want);
				snprintf(why, len, "%s%s.%s: got %s, wanted %s",
					 ml->quoted ? "quoted " : "", ml->def->name, fd->name, got, want);
			}
			diffs++;
		}
	}
	return diffs;
}

unsigned expect_diffs(const struct expectation *e, const struct frame *f,
		      char *why, size_t len)
{
	unsigned best = diffs_of_one(e, f, why, len);
	for (const struct expectation *alt = e->or; alt && best; alt = alt->or) {
		char alt_why[256];
		unsigned d = diffs_of_one(alt, f, why ? alt_why : NULL, sizeof alt_why);
		if (d < best && why)
			snprintf(why, len, "%s", alt_why);
		best = d < best ? d : best;
	}
	return best;
}

void near_miss_note(struct near_miss *m, unsigned diffs, const struct frame *f,
		    const char *why)
{
	struct strbuf s;
	sb_init(&s);
	describe_summary(f, &s);
	for (int i = 0; i < NEAR_MISSES; i++)
		if (m[i].diffs && strncmp(m[i].summary, s.s, sizeof m[i].summary - 1) == 0) {
			sb_free(&s);
			return;
		}
	for (int i = 0; i < NEAR_MISSES; i++) {
		if (m[i].diffs && m[i].diffs <= diffs)
			continue;
		memmove(&m[i + 1], &m[i], (size_t)(NEAR_MISSES - 1 - i) * sizeof *m);
		m[i].diffs = diffs;
		snprintf(m[i].summary, sizeof m[i].summary, "%s", s.s);
		snprintf(m[i].why, sizeof m[i].why, "%s", why);
		break;
	}
	sb_free(&s);
}

/* The scope, with `also` among its alternatives (inside its `vlan`s). */
static void scope_with(const struct frame *sent, const char *also, char *buf, size_t len)
{
	char a[48], b[48], vlan[64] = "";	/* room for any address kind */
	size_t tags = 0;
	for (size_t i = 0; i < sent->nlayers; i++)
		tags += sent->layer[i].def->id == L_VLAN;
	for (size_t i = 0; i < tags && i < 4; i++)
		strcat(vlan, "vlan and ");
	const struct layer *next = NULL, *net = frame_network_layer(sent, &next);
	if (!net) {
		snprintf(buf, len, "%s", tags ? "vlan" : "");
		return;
	}
	if (net->def->id == L_ARP) {
		snprintf(buf, len, "%sarp", vlan);
		return;
	}
	size_t src = (size_t)net->def->net->src, dst = (size_t)net->def->net->dst;
	struct fval last = net->val[dst];	/* a source route's last hop answers */
	if (net->def->net->final_dst)
		last.u = net->def->net->final_dst(net);
	field_format(&net->def->fields[src], &net->val[src], a, sizeof a);
	field_format(&net->def->fields[dst], &last, b, sizeof b);
	/* Addresses that vary from frame to frame (sweeps) stay out, like ports
	 * and ids: the scope checks each reply exactly anyway. */
	char from[64] = "", to[64] = "";
	if (!layer_to_group(net) && !field_varies(net, dst))
		snprintf(from, sizeof from, " and src host %s", b);
	/* A question from the unspecified address (duplicate address
	 * detection, DHCP) is answered to a group, not to it. */
	if (!field_varies(net, src) && net->val[src].u != 0)
		snprintf(to, sizeof to, " and dst host %s", a);
	enum layer_id t = next ? next->def->id : L_PAYLOAD;
	bool v6 = net->def->id == L_IPV6;
	/* libpcap's tcp/udp/icmp6 look right after the fixed IPv6 header. */
	bool ext = next && next != net + 1;
	const char *proto = ext ? "ip6" : t == L_TCP ? "tcp" : t == L_UDP ? "udp" :
			    t == L_ICMP ? "icmp" : t == L_ICMP6 ? "icmp6" : v6 ? "ip6" : "ip";
	snprintf(buf, len, "%s((%s%s%s) or (%s%s)%s)", vlan, proto, from, to,
		 v6 ? "icmp6" : "icmp", to, tags ? also : "");
}

void scope_bpf(const struct frame *sent, char *buf, size_t len)
{
	scope_with(sent, "", buf, len);
}

bool exchange_bpf(const struct frame *sent, bool arp_replies, char *buf, size_t len)
{
	char mac[24];
	/* A tagged template's next hop answers tagged. */
	scope_with(sent, arp_replies ? " or " NEIGHBOR_ANSWERS : "", buf, len);
	const struct layer *eth = sent->nlayers ? &sent->layer[0] : NULL;
	/* Loopback frames carry MAC 0 both ways: there, replies only. */
	if (!*buf || !eth || eth->def->id != L_ETH || field_varies(eth, ETH_SRC) ||
	    lv(eth, ETH_SRC) == 0)
		return false;
	char *scope = xstrdup(buf);
	format_mac(lv(eth, ETH_SRC), mac, sizeof mac);
	/* Before the scope: its `vlan` would shift what follows it. */
	snprintf(buf, len, "%s(ether src %s) or (%s)", arp_replies ? NEIGHBOR_ANSWERS " or " : "",
		 mac, scope);
	free(scope);
	return true;
}

void near_miss_text(const struct near_miss *m, bool json, struct strbuf *out)
{
	if (json) {
		sb_puts(out, "\"closest\":[");
		for (int i = 0; i < NEAR_MISSES && m[i].diffs; i++) {
			sb_puts(out, i ? ",{\"summary\":" : "{\"summary\":");
			sb_json_str(out, m[i].summary, strlen(m[i].summary));
			sb_puts(out, ",\"differs\":");
			sb_json_str(out, m[i].why, strlen(m[i].why));
			sb_putc(out, '}');
		}
		sb_putc(out, ']');
		return;
	}
	if (!m[0].diffs)
		sb_puts(out, "  nothing that came back was close: no frame answered what was sent\n");
	for (int i = 0; i < NEAR_MISSES && m[i].diffs; i++)
		sb_printf(out, "  %s %s\n           %s\n", i ? "        " : "closest:", m[i].summary,
			  m[i].why);
}
