/* peerstep.c - parsing and checking the peer steps of a scenario. */
#include "peerstep.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../analysis/tcpstate.h"
#include "../core/field.h"
#include "../wire/peer.h"
#include "steparg.h"

struct peer_op_def {
	const char *name;
	enum peer_op op;
	unsigned values;	/* how many values `arg` holds */
	bool within;		/* takes `within D` */
	const char *usage;
};

static const struct peer_op_def defs[] = {
	{ "listen", PEER_LISTEN, 1, false, "peer listen PORT" },
	{ "accept", PEER_ACCEPT, 0, true, "peer accept [within D]" },
	{ "connect", PEER_CONNECT, 2, false, "peer connect ADDR PORT" },
	{ "write", PEER_WRITE, 1, false, "peer write \"TEXT\"" },
	{ "read", PEER_READ, 1, true, "peer read N [within D]" },
	{ "shutdown", PEER_SHUTDOWN, 1, false, "peer shutdown write|read|both" },
	{ "close", PEER_CLOSE, 0, false, "peer close" },
};

static const struct peer_op_def *def_of(enum peer_op op)
{
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
		if (defs[i].op == op)
			return &defs[i];
	return &defs[0];
}

const char *peerstep_name(enum peer_op op)
{
	return def_of(op)->name;
}

/* write|read|both as shutdown(2) takes it; -1 for another word. */
static int how_of(const char *w, size_t n)
{
	if (n == 5 && memcmp(w, "write", 5) == 0)
		return SHUT_WR;
	if (n == 4 && memcmp(w, "read", 4) == 0)
		return SHUT_RD;
	if (n == 4 && memcmp(w, "both", 4) == 0)
		return SHUT_RDWR;
	return -1;
}

/* [within D]: what follows a step that waits, and nothing else. */
static int options(struct scenario *sc, struct step *st, struct lexer *lx, bool within,
		   bool points, const char *usage, struct diag *d)
{
	const char *w;
	struct srcpos pos;
	size_t n;
	while ((n = step_word(lx, &w, &pos)) != 0) {
		if (within && n == 6 && memcmp(w, "within", 6) == 0) {
			if (step_within(sc, st, lx, d))
				return -1;
		} else if (points && n == 6 && memcmp(w, "points", 6) == 0) {
			if (step_points(sc, st, lx, d))
				return -1;
		} else {
			diag_set(d, sc->file, pos.line, pos.col, "unexpected '%.*s': %s", (int)n, w,
				 usage);
			return -1;
		}
	}
	return 0;
}

int peerstep_parse(struct scenario *sc, struct step *st, struct lexer *lx, struct diag *d)
{
	const char *w;
	struct srcpos pos;
	size_t n = step_word(lx, &w, &pos);
	const struct peer_op_def *def = NULL;
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
		if (strlen(defs[i].name) == n && memcmp(defs[i].name, w, n) == 0)
			def = &defs[i];
	if (!def) {
		diag_set(d, sc->file, pos.line, pos.col, "peer takes listen, accept, connect, "
			 "write, read, shutdown or close, found '%.*s'", (int)n, w);
		return -1;
	}
	st->peer = def->op;
	st->usec = 1000000;
	lex_skip_space(lx);
	struct srcpos at = lex_pos(lx);
	if (def->values && lex_at_end(lx)) {
		diag_set(d, sc->file, at.line, at.col, "peer %s needs %s: %s", def->name,
			 def->values == 2 ? "two values" : "a value", def->usage);
		return -1;
	}
	if (def->within) {		/* the one value, then the options */
		size_t b = lx->i;
		if (def->values)
			step_word(lx, &w, &pos);
		st->arg = (struct src_line){ lx->ln->s + b, lx->ln->pos + b, lx->i - b };
		return options(sc, st, lx, true, false, def->usage, d);
	}
	st->arg = (struct src_line){ lx->ln->s + lx->i, lx->ln->pos + lx->i, lx->ln->len - lx->i };
	if (def->op == PEER_SHUTDOWN) {
		n = step_word(lx, &w, &pos);
		if (how_of(w, n) < 0) {
			diag_set(d, sc->file, pos.line, pos.col, "%s, found '%.*s'", def->usage,
				 (int)n, w);
			return -1;
		}
	}
	return def->values && def->op != PEER_SHUTDOWN ? 0 :
	       options(sc, st, lx, false, false, def->usage, d);
}

bool peerstep_is_state(struct lexer *lx, const char *w, size_t n)
{
	struct lexer peek = *lx;
	const char *w2;
	struct srcpos pos;
	size_t n2 = step_word(&peek, &w2, &pos);
	if (n != 4 || memcmp(w, "peer", 4) != 0 || n2 != 5 || memcmp(w2, "state", 5) != 0)
		return false;
	*lx = peek;
	return true;
}

int peerstep_parse_state(struct scenario *sc, struct step *st, struct lexer *lx,
			 struct diag *d)
{
	const char *w;
	struct srcpos pos;
	size_t n = step_word(lx, &w, &pos);
	enum tcp_state s;
	if (tcp_state_parse(w, n, &s)) {
		diag_set(d, sc->file, pos.line, pos.col, "expect peer state takes a TCP state "
			 "as netstat or ss writes it (LISTEN, SYN_SENT, SYN_RECV, ESTABLISHED, "
			 "FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, CLOSED), "
			 "found '%.*s'", (int)n, w);
		return -1;
	}
	st->state = (int)s;
	st->usec = 1000000;
	return options(sc, st, lx, true, true,
		       "expect peer state STATE [within D] [points N]", d);
}

/* A port, 1..65535. */
static int port_of(const struct strbuf *v, struct srcpos at, const char *file, uint16_t *out,
		   struct diag *d)
{
	uint64_t p;
	if (parse_uint(v->s, 65535, &p) || p == 0) {
		diag_set(d, file, at.line, at.col, "a port is 1..65535, found '%s'", v->s);
		return -1;
	}
	*out = (uint16_t)p;
	return 0;
}

int peerstep_args(const struct step *st, const struct vars *vars, struct peer_args *a,
		  struct diag *d)
{
	const struct peer_op_def *def = def_of(st->peer);
	struct lexer lx = { .ln = &st->arg, .i = 0, .file = st->file, .vars = vars };
	struct strbuf v[2];
	struct srcpos at[2];
	memset(a, 0, sizeof *a);
	sb_init(&a->text);
	sb_init(&v[0]);
	sb_init(&v[1]);
	int rc = 0;
	unsigned k = 0;
	for (; rc == 0 && k < def->values; k++) {
		lex_skip_space(&lx);
		at[k] = lex_pos(&lx);
		if (lex_at_end(&lx))
			break;
		rc = lex_value(&lx, &v[k], d);
	}
	lex_skip_space(&lx);
	struct srcpos end = lex_pos(&lx);
	if (rc == 0 && (k < def->values || !lex_at_end(&lx))) {
		diag_set(d, st->file, end.line, end.col, "peer %s needs %s: %s", def->name,
			 def->values == 2 ? "two values" : def->values ? "a value" : "no value",
			 def->usage);
		rc = -1;
	}
	uint64_t n;
	if (rc)
		;
	else if (st->peer == PEER_LISTEN)
		rc = port_of(&v[0], at[0], st->file, &a->port, d);
	else if (st->peer == PEER_CONNECT) {
		if (addr_parse(v[0].s, v[0].len, &a->addr) ||
		    (a->addr.family != ADDR_IPV4 && a->addr.family != ADDR_IPV6)) {
			diag_set(d, st->file, at[0].line, at[0].col,
				 "peer connect takes an IPv4 or IPv6 address, found '%s'", v[0].s);
			rc = -1;
		} else {
			rc = port_of(&v[1], at[1], st->file, &a->port, d);
		}
	} else if (st->peer == PEER_WRITE) {
		if (v[0].len == 0 || v[0].len > PEER_DATA_MAX) {
			diag_set(d, st->file, at[0].line, at[0].col,
				 "peer write takes 1 to %d bytes, found %zu", PEER_DATA_MAX, v[0].len);
			rc = -1;
		}
		sb_add(&a->text, v[0].s, v[0].len);
	} else if (st->peer == PEER_READ) {
		if (parse_uint(v[0].s, PEER_DATA_MAX, &n) || n == 0) {
			diag_set(d, st->file, at[0].line, at[0].col,
				 "peer read takes a byte count, 1..%d, found '%s'", PEER_DATA_MAX,
				 v[0].s);
			rc = -1;
		}
		a->n = (size_t)n;
	} else if (st->peer == PEER_SHUTDOWN) {
		a->how = how_of(v[0].s, v[0].len);
	}
	sb_free(&v[0]);
	sb_free(&v[1]);
	if (rc)
		peerstep_args_free(a);
	return rc;
}

void peerstep_args_free(struct peer_args *a)
{
	sb_free(&a->text);
}

int peerstep_check(const struct step *st, struct vars *vars, struct diag *d)
{
	struct peer_args a;
	if (peerstep_args(st, vars, &a, d))
		return -1;
	peerstep_args_free(&a);
	if (st->peer == PEER_READ)
		vars_set(vars, PEER_READ_VAR, "read");
	return 0;
}

/* What a step needs before it, or NULL: it is in order. */
static const char *out_of_order(const struct step *st, bool listening, bool connected, bool sent)
{
	if (st->kind == STEP_PEER_STATE)
		return listening || connected || sent ? NULL :
		       "has no connection to look at: a peer listen, peer connect or send first";
	switch (st->peer) {
	case PEER_LISTEN:
		return listening ? "while listening: peer close the listener first" : NULL;
	case PEER_ACCEPT:
		if (!listening)
			return "with nothing listening: peer listen PORT first";
		/* fall through */
	case PEER_CONNECT:
		return connected ? "while a connection is open: peer close it first" : NULL;
	case PEER_WRITE:
	case PEER_READ:
	case PEER_SHUTDOWN:
		return connected ? NULL : "with no connection: peer accept or peer connect first";
	case PEER_CLOSE:
		return connected || listening ? NULL : "with no socket to close";
	}
	return NULL;
}

int peerstep_order(const struct scenario *sc, struct diag *d)
{
	bool listening = false, connected = false, sent = false;
	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];
		sent = sent || st->kind == STEP_SEND;
		if (st->kind != STEP_PEER && st->kind != STEP_PEER_STATE)
			continue;
		const char *why = out_of_order(st, listening, connected, sent);
		if (why) {
			diag_set(d, st->file ? st->file : sc->file, st->pos.line, st->pos.col,
				 "%s%s %s", st->kind == STEP_PEER ? "peer " : "expect peer state",
				 st->kind == STEP_PEER ? def_of(st->peer)->name : "", why);
			return -1;
		}
		if (st->kind == STEP_PEER_STATE)
			continue;
		if (st->peer == PEER_LISTEN)
			listening = true;
		else if (st->peer == PEER_ACCEPT || st->peer == PEER_CONNECT)
			connected = true;
		else if (st->peer == PEER_CLOSE && connected)
			connected = false;
		else if (st->peer == PEER_CLOSE)
			listening = false;
	}
	return 0;
}

int peerstep_need_peer(const struct scenario *sc, struct diag *d)
{
	for (size_t i = 0; i < sc->nsteps; i++) {
		const struct step *st = &sc->steps[i];
		if (st->kind == STEP_PEER || st->kind == STEP_PEER_STATE) {
			diag_set(d, st->file, st->pos.line, st->pos.col, "%s drives the peer's own "
				 "sockets: add --peer NETNS (a namespace, as ip netns list names it)",
				 st->kind == STEP_PEER ? def_of(st->peer)->usage : "expect peer state");
			return -1;
		}
	}
	return 0;
}

void peerstep_text(const uint8_t *b, size_t n, struct strbuf *out)
{
	sb_reset(out);
	for (size_t i = 0; i < n; i++) {
		if (b[i] >= 0x20 && b[i] < 0x7f)
			sb_putc(out, (char)b[i]);
		else
			sb_printf(out, "\\x%02x", b[i]);
	}
}
