/* peerrun.c - `peer` steps and `expect peer state` on a run. */
#include "peerrun.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../lang/peerstep.h"
#include "../util/clock.h"
#include "internal.h"

#define SLICE_US 10000	/* captures read between two requests */

int peerrun_open(struct peer_run *pr, struct engine *e, const char *netns)
{
	char err[320];
	memset(pr, 0, sizeof *pr);
	pr->helper.fd = -1;
	if (peer_open(&pr->helper, netns, err, sizeof err))
		return engine_fail(e, ENGINE_FAULT_SYSTEM, "%s", err);
	return ENGINE_OK;
}

void peerrun_close(struct peer_run *pr)
{
	if (pr->helper.pid > 0)
		peer_close(&pr->helper);
}

void peerrun_sent(struct peer_run *pr, const struct addr *src, uint16_t sport,
		  const struct addr *dst, uint16_t dport)
{
	pr->subject = (struct peer_conn){ .local = *dst, .remote = *src, .lport = dport,
					  .rport = sport };
	pr->have_subject = pr->sent_tcp = true;
}

void peerrun_seen(struct peer_run *pr, enum tcp_state peer_end)
{
	pr->view = peer_end;
	pr->have_view = true;
}

/* "10.9.0.2:9230", "[2001:db8::2]:9230". */
static void endpoint(struct strbuf *s, const struct addr *a, uint16_t port)
{
	char text[ADDR_STRLEN];
	addr_format(a, text, sizeof text);
	sb_printf(s, a->family == ADDR_IPV6 ? "[%s]:%u" : "%s:%u", text, port);
}

static void conn_text(struct strbuf *s, const char *what, const struct peer_conn *c)
{
	sb_printf(s, "%s ", what);
	endpoint(s, &c->local, c->lport);
	sb_puts(s, c->rport ? " - " : "");
	if (c->rport)
		endpoint(s, &c->remote, c->rport);
}

static void tell(const struct peer_host *h, const struct step *st, const struct strbuf *s,
		 bool failed)
{
	if (h->ops->peer)
		h->ops->peer(h->ctx, st, s->s, failed);
}

/* A request that failed: the step fails; a helper gone: a fault. */
static int refused(const struct peer_host *h, const struct step *st, const struct peer_reply *r,
		   struct strbuf *s)
{
	if (r->status == PEER_FAULT)
		return engine_fail(h->e, ENGINE_FAULT_SYSTEM, "--peer: %s", r->msg);
	sb_reset(s);
	sb_printf(s, "peer %s: %s", peerstep_name(st->peer), r->msg);
	tell(h, st, s, true);
	return ENGINE_NOMATCH;
}

/* The captures, for one slice or what is left of `dl`. */
static int wait_slice(const struct peer_host *h, const struct deadline *dl)
{
	long left = deadline_left(dl);
	int rc = h->pump(h->runner, left < SLICE_US ? left : SLICE_US);
	if (rc == ENGINE_OK && engine_stopped(h->e))
		rc = ENGINE_STOPPED + engine_stopped(h->e);
	return rc;
}

/* Asks `ask` again until it is not PEER_AGAIN or `dl` passed (r: AGAIN). */
static int retry(struct peer_run *pr, const struct peer_host *h, const struct deadline *dl,
		 void (*ask)(struct peer *p, const struct peer_args *a, struct peer_reply *r),
		 const struct peer_args *a, struct peer_reply *r)
{
	for (;;) {
		ask(&pr->helper, a, r);
		if (r->status != PEER_AGAIN || deadline_left(dl) <= 0)
			return ENGINE_OK;
		int rc = wait_slice(h, dl);
		if (rc != ENGINE_OK)
			return rc;
	}
}

static void ask_accept(struct peer *p, const struct peer_args *a, struct peer_reply *r)
{
	(void)a;
	peer_accept(p, r);
}

static void ask_read(struct peer *p, const struct peer_args *a, struct peer_reply *r)
{
	peer_read(p, a->n, r);
}

/* What `peer read N` took: up to N bytes, until the end of the stream or
 * `within`; nothing at all by then fails. */
static int read_bytes(struct peer_run *pr, const struct peer_host *h, const struct step *st,
		      struct peer_args *a, struct peer_reply *r, struct strbuf *s)
{
	uint8_t got[PEER_DATA_MAX];
	size_t n = 0;
	bool eof = false;
	struct deadline dl;
	deadline_in(&dl, st->usec);
	while (n < a->n && !eof) {
		struct peer_args rest = *a;
		rest.n = a->n - n;
		int rc = retry(pr, h, &dl, ask_read, &rest, r);
		if (rc != ENGINE_OK)
			return rc;
		if (r->status == PEER_AGAIN)
			break;
		if (r->status == PEER_EOF)
			eof = true;
		else if (r->status != PEER_OK)
			return refused(h, st, r, s);
		memcpy(got + n, r->data, r->len);
		n += r->len;
	}
	if (n == 0 && !eof) {
		sb_printf(s, "peer read: nothing within %gs", (double)st->usec / 1e6);
		tell(h, st, s, true);
		return ENGINE_NOMATCH;
	}
	struct strbuf text;
	sb_init(&text);
	peerstep_text(got, n, &text);
	vars_set(h->vars, PEER_READ_VAR, text.s);
	sb_printf(s, "read %zu byte%s \"%s\"%s", n, n == 1 ? "" : "s", text.s,
		  eof ? ", then the end of the stream" : "");
	sb_free(&text);
	tell(h, st, s, false);
	return ENGINE_OK;
}

static int write_bytes(struct peer_run *pr, const struct peer_host *h, const struct step *st,
		       const struct peer_args *a, struct peer_reply *r, struct strbuf *s)
{
	size_t done = 0;
	struct deadline dl;
	deadline_in(&dl, st->usec);
	while (done < a->text.len) {
		peer_write(&pr->helper, a->text.s + done, a->text.len - done, r);
		if (r->status == PEER_OK) {
			done += r->len;
			continue;
		}
		if (r->status != PEER_AGAIN)
			return refused(h, st, r, s);
		if (deadline_left(&dl) <= 0) {
			sb_printf(s, "peer write: %zu of %zu bytes taken within %gs", done, a->text.len,
				  (double)st->usec / 1e6);
			tell(h, st, s, true);
			return ENGINE_NOMATCH;
		}
		int rc = wait_slice(h, &dl);
		if (rc != ENGINE_OK)
			return rc;
	}
	sb_printf(s, "wrote %zu byte%s", done, done == 1 ? "" : "s");
	tell(h, st, s, false);
	return ENGINE_OK;
}

static int run_op(struct peer_run *pr, const struct peer_host *h, const struct step *st,
		  struct peer_args *a, struct strbuf *s)
{
	struct peer_reply r;
	static const char *const how[] = { [SHUT_RD] = "read", [SHUT_WR] = "write",
					   [SHUT_RDWR] = "both" };
	struct deadline dl;
	int rc = ENGINE_OK;
	switch (st->peer) {
	case PEER_LISTEN:
		peer_listen(&pr->helper, a->port, &r);
		if (r.status != PEER_OK)
			return refused(h, st, &r, s);
		if (!pr->sent_tcp) {
			pr->subject = (struct peer_conn){ .local = r.conn.local, .lport = a->port };
			pr->have_subject = true;
		}
		sb_printf(s, "listening on port %u", a->port);
		break;
	case PEER_ACCEPT:
		deadline_in(&dl, st->usec);
		rc = retry(pr, h, &dl, ask_accept, a, &r);
		if (rc != ENGINE_OK)
			return rc;
		if (r.status == PEER_AGAIN) {
			sb_printf(s, "peer accept: no connection within %gs", (double)st->usec / 1e6);
			tell(h, st, s, true);
			return ENGINE_NOMATCH;
		}
		if (r.status != PEER_OK)
			return refused(h, st, &r, s);
		conn_text(s, "accepted", &r.conn);
		break;
	case PEER_CONNECT:
		peer_connect(&pr->helper, &a->addr, a->port, &r);
		if (r.status != PEER_OK)
			return refused(h, st, &r, s);
		pr->subject = r.conn;
		pr->have_subject = true;
		conn_text(s, "connecting", &r.conn);
		break;
	case PEER_WRITE:
		return write_bytes(pr, h, st, a, &r, s);
	case PEER_READ:
		return read_bytes(pr, h, st, a, &r, s);
	case PEER_SHUTDOWN:
		peer_shutdown(&pr->helper, a->how, &r);
		if (r.status != PEER_OK)
			return refused(h, st, &r, s);
		sb_printf(s, "shut down %s", how[a->how]);
		break;
	case PEER_CLOSE:
		peer_close_socket(&pr->helper, &r);
		if (r.status != PEER_OK)
			return refused(h, st, &r, s);
		sb_puts(s, "closed");
		break;
	}
	tell(h, st, s, false);
	return ENGINE_OK;
}

/* Polls the kernel's state of the scenario's connection every slice until
 * it is the one expected or `within` passed: a test point either way. */
static int expect_state(struct peer_run *pr, const struct peer_host *h, const struct step *st,
			struct strbuf *s)
{
	struct peer_reply r;
	enum tcp_state want = (enum tcp_state)st->state, got = TS_CLOSED;
	struct deadline dl;
	deadline_in(&dl, st->usec);
	for (;;) {
		int rc = h->pump(h->runner, 0);	/* what arrived first, shown first */
		if (rc != ENGINE_OK)
			return rc;
		if (pr->have_subject) {
			peer_state(&pr->helper, &pr->subject, &r);
			if (r.status != PEER_OK)
				return engine_fail(h->e, ENGINE_FAULT_SYSTEM, "--peer: %s", r.msg);
			got = r.state;
		}
		if (got == want || deadline_left(&dl) <= 0)
			break;
		if ((rc = wait_slice(h, &dl)) != ENGINE_OK)
			return rc;
	}
	bool pass = got == want;
	struct strbuf title;
	sb_init(&title);
	runner_point_title(st, &title);
	struct lab_point p = { .st = st, .file = st->file, .title = title.s,
			       .outcome = pass ? POINT_PASS : POINT_FAIL, .points = st->points,
			       .expected = tcp_state_netstat(want), .got = tcp_state_netstat(got) };
	if (pass)
		sb_printf(s, "state %s", tcp_state_netstat(got));
	else
		sb_printf(s, "expect peer state %s: the peer's kernel says %s after %gs",
			  tcp_state_netstat(want), tcp_state_netstat(got), (double)st->usec / 1e6);
	/* The view infers the state from the segments; the kernel knows. */
	if (pr->have_view && pr->view != got)
		sb_printf(s, " (the view infers %s)", tcp_state_netstat(pr->view));
	tell(h, st, s, !pass);
	if (h->ops->point)
		h->ops->point(h->ctx, &p);
	sb_free(&title);
	return pass ? ENGINE_OK : ENGINE_NOMATCH;
}

int peerrun_step(struct peer_run *pr, const struct peer_host *h, const struct step *st)
{
	struct diag d;
	if (pr->helper.pid <= 0) {
		peerstep_need_peer(&(struct scenario){ .steps = (struct step *)st, .nsteps = 1 }, &d);
		return engine_bad_input(h->e, &d);
	}
	struct strbuf s;
	sb_init(&s);
	int rc;
	if (st->kind == STEP_PEER_STATE) {
		rc = expect_state(pr, h, st, &s);
	} else {
		struct peer_args a;
		if (peerstep_args(st, h->vars, &a, &d)) {
			sb_free(&s);
			return h->fault(h->runner, st, &d);
		}
		rc = run_op(pr, h, st, &a, &s);
		peerstep_args_free(&a);
	}
	sb_free(&s);
	return rc;
}
