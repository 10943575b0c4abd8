/* peerrun.c - `peer` steps and `expect peer state` on a run. */
#include "peerrun.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "../lang/peerstep.h"
#include "../util/clock.h"
#include "internal.h"

#define SLICE_US 10000	/* captures read between two requests */

static int stopped(void *e)
{
	return engine_stopped(e);
}

int peerrun_open(struct peer_run *pr, struct engine *e, const char *netns, const char *user)
{
	char err[320];
	memset(pr, 0, sizeof *pr);
	pr->helper = (struct peer){ .fd = -1, .stop = stopped, .stop_ctx = e };
	if (peer_open(&pr->helper, netns, user, err, sizeof err))
		return engine_fail(e, ENGINE_FAULT_SYSTEM, "%s", err);
	return ENGINE_OK;
}

void peerrun_close(struct peer_run *pr)
{
	if (pr->helper.pid > 0)
		peer_close(&pr->helper);
}

static bool same_conn(const struct peer_conn *a, const struct peer_conn *b)
{
	return a->lport == b->lport && a->rport == b->rport && addr_equal(&a->local, &b->local) &&
	       addr_equal(&a->remote, &b->remote);
}

/* Another connection: what the view said of the last one is not of it. */
static void subject(struct peer_run *pr, const struct peer_conn *c)
{
	if (!pr->have_subject || !same_conn(&pr->subject, c))
		pr->have_view = false;
	pr->subject = *c;
	pr->have_subject = true;
}

void peerrun_sent(struct peer_run *pr, const struct addr *src, uint16_t sport,
		  const struct addr *dst, uint16_t dport)
{
	subject(pr, &(struct peer_conn){ .local = *dst, .remote = *src, .lport = dport,
					 .rport = sport });
	pr->sent_tcp = true;
}

/* Whether the segment's ends are the subject's, either way (a listening
 * subject: its port on the peer's side). */
static bool of_subject(const struct peer_conn *c, const struct addr *src, uint16_t sport,
		       const struct addr *dst, uint16_t dport)
{
	if (!c->rport)
		return dport == c->lport || sport == c->lport;
	return (dport == c->lport && sport == c->rport && addr_equal(dst, &c->local) &&
		addr_equal(src, &c->remote)) ||
	       (sport == c->lport && dport == c->rport && addr_equal(src, &c->local) &&
		addr_equal(dst, &c->remote));
}

void peerrun_seen(struct peer_run *pr, const struct addr *src, uint16_t sport,
		  const struct addr *dst, uint16_t dport, enum tcp_state peer_end)
{
	if (!pr->have_subject || !of_subject(&pr->subject, src, sport, dst, dport))
		return;
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
		h->ops->peer(h->ctx, st, &(struct peer_said){ .text = s->s, .failed = failed });
}

/* The step failed for a reason of the scenario's (nothing in time, a
 * connection reset): one FILE:LINE:COL line, and a failed step, which
 * execute() counts and goes on after with --keep-going. */
static int failed(const struct peer_host *h, const struct step *st, const struct strbuf *s)
{
	tell(h, st, s, true);
	return ENGINE_NOMATCH;
}

/* What to do when the system refused the step. */
static const char *remedy(const struct step *st)
{
	if (st->kind == STEP_PEER_STATE)
		return "the namespace's kernel answers no sock_diag dump: is it still there?";
	if (st->peer == PEER_LISTEN)
		return "pick another port, or end what holds this one in the namespace";
	if (st->peer == PEER_CONNECT)
		return "check the address, and the routes: ip netns exec NETNS ip route";
	return "ip netns exec NETNS ss -tan shows the namespace's sockets";
}

/* A request that failed.  A stop wins; the helper gone, or a socket the
 * system would not give (a port in use, no route), is a fault of the
 * system's: exit 3 and what to do.  Anything else fails the step. */
static int refused(const struct peer_host *h, const struct step *st, const struct peer_reply *r,
		   struct strbuf *s)
{
	if (engine_stopped(h->e))
		return ENGINE_STOPPED + engine_stopped(h->e);
	if (r->status == PEER_FAULT)
		return engine_fail(h->e, ENGINE_FAULT_SYSTEM, "--peer: %s (is the namespace "
				   "still there? ip netns list)", r->msg);
	if (r->system)
		return engine_fail(h->e, ENGINE_FAULT_SYSTEM, "--peer: %s%s: %s (%s)",
				   st->kind == STEP_PEER_STATE ? "expect peer state" : "peer ",
				   st->kind == STEP_PEER_STATE ? "" : peerstep_name(st->peer),
				   r->msg, remedy(st));
	sb_reset(s);
	sb_printf(s, "peer %s: %s", peerstep_name(st->peer), r->msg);
	return failed(h, st, s);
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

/* The request of a step that waits: `done` bytes of it already taken. */
static void ask(struct peer_run *pr, const struct step *st, const struct peer_args *a,
		size_t done, struct peer_reply *r)
{
	if (st->peer == PEER_ACCEPT)
		peer_accept(&pr->helper, r);
	else if (st->peer == PEER_READ)
		peer_read(&pr->helper, a->n - done, r);
	else
		peer_write(&pr->helper, a->text.s + done, a->text.len - done, r);
}

/* Asks again until the answer is not PEER_AGAIN or `dl` passed (r: AGAIN). */
static int retry(struct peer_run *pr, const struct peer_host *h, const struct deadline *dl,
		 const struct step *st, const struct peer_args *a, size_t done,
		 struct peer_reply *r)
{
	for (;;) {
		ask(pr, st, a, done, r);
		if (r->status != PEER_AGAIN || deadline_left(dl) <= 0)
			return ENGINE_OK;
		int rc = wait_slice(h, dl);
		if (rc != ENGINE_OK)
			return rc;
	}
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
		int rc = retry(pr, h, &dl, st, a, n, r);
		if (rc != ENGINE_OK)
			return rc;
		if (r->status == PEER_AGAIN)
			break;
		if (r->status == PEER_EOF)
			eof = true;
		else if (r->status != PEER_OK)
			return refused(h, st, r, s);
		memcpy(got + n, r->data, r->len);	/* r->len <= a->n - n: peer.c checks */
		n += r->len;
	}
	if (n == 0 && !eof) {
		sb_printf(s, "peer read: nothing within %gs", (double)st->usec / 1e6);
		return failed(h, st, s);
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
		int rc = retry(pr, h, &dl, st, a, done, r);
		if (rc != ENGINE_OK)
			return rc;
		if (r->status == PEER_AGAIN) {
			sb_printf(s, "peer write: %zu of %zu bytes taken within %gs", done, a->text.len,
				  (double)st->usec / 1e6);
			return failed(h, st, s);
		}
		if (r->status != PEER_OK)
			return refused(h, st, r, s);
		done += r->len;		/* <= what was left: peer.c checks */
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
		if (!pr->sent_tcp)
			subject(pr, &(struct peer_conn){ .local = r.conn.local, .lport = a->port });
		sb_printf(s, "listening on port %u", a->port);
		break;
	case PEER_ACCEPT:
		deadline_in(&dl, st->usec);
		rc = retry(pr, h, &dl, st, a, 0, &r);
		if (rc != ENGINE_OK)
			return rc;
		if (r.status == PEER_AGAIN) {
			sb_printf(s, "peer accept: no connection within %gs", (double)st->usec / 1e6);
			return failed(h, st, s);
		}
		if (r.status != PEER_OK)
			return refused(h, st, &r, s);
		conn_text(s, "accepted", &r.conn);
		break;
	case PEER_CONNECT:
		peer_connect(&pr->helper, &a->addr, a->port, &r);
		if (r.status != PEER_OK)
			return refused(h, st, &r, s);
		subject(pr, &r.conn);
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
				return refused(h, st, &r, s);
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
	bool differs = pr->have_view && pr->view != got;
	if (differs)
		sb_printf(s, " (the view infers %s)", tcp_state_netstat(pr->view));
	if (h->ops->peer)
		h->ops->peer(h->ctx, st, &(struct peer_said){ .text = s->s, .failed = !pass,
			     .got = tcp_state_netstat(got),
			     .view = differs ? tcp_state_netstat(pr->view) : NULL });
	if (h->ops->point)
		h->ops->point(h->ctx, &p);
	sb_free(&title);
	return pass ? ENGINE_OK : ENGINE_NOMATCH;
}

int peerrun_step(struct peer_run *pr, const struct peer_host *h, const struct step *st)
{
	struct diag d;
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
