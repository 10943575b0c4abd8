/* peer.c - the helper that holds the peer kernel's sockets in its namespace. */
#define _GNU_SOURCE
#include "peer.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../util/clock.h"
#include "netlink.h"

/* A state is two dumps (IPv4, IPv6), each waiting 1s at most. */
#define ANSWER_MS (2 * NETLINK_TIMEOUT_MS + 1000)
#define STOP_SLICE_MS 100	/* how often a wait for the helper looks at the stop */
#define END_MS 1000		/* how long the helper may take to end, closed */

enum req_op { REQ_LISTEN, REQ_ACCEPT, REQ_CONNECT, REQ_WRITE, REQ_READ, REQ_SHUTDOWN,
	      REQ_CLOSE, REQ_STATE };

/* Whom the helper becomes: the run's -Z user, as root can. */
struct peer_user {
	bool become;
	uid_t uid;
	gid_t gid;
};

struct request {
	uint32_t op;
	int32_t how;			/* shutdown */
	uint32_t len;			/* write: bytes in data; read: at most */
	struct peer_conn conn;		/* listen, connect: the port; state: the ends */
	uint8_t data[PEER_DATA_MAX];
};

static void say(struct peer_reply *r, enum peer_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(struct peer_reply *r, enum peer_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof r->msg, fmt, ap);
	va_end(ap);
	r->status = st;
}

/* A PEER_FAILED that is the system's (no socket, no port, no route), not
 * the scenario's. */
static void say_system(struct peer_reply *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void say_system(struct peer_reply *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof r->msg, fmt, ap);
	va_end(ap);
	r->status = PEER_FAILED;
	r->system = true;
}

/* --- the helper, in the namespace --------------------------------------- */

struct helper {
	int ctl;		/* its end of the socketpair */
	int lfd, cfd;		/* the listening socket, the connection; -1: none */
	struct netlink nl;	/* NETLINK_SOCK_DIAG, in the namespace */
};

/* An IPv4 address the way an IPv6 socket holds it (::ffff:a.b.c.d) is the
 * IPv4 address: a dual-stack listener accepts IPv4 connections so. */
static struct addr unmapped(struct addr a)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };
	if (a.family == ADDR_IPV6 && memcmp(a.b, prefix, sizeof prefix) == 0) {
		uint8_t v4[4];
		memcpy(v4, a.b + 12, 4);
		memset(&a, 0, sizeof a);
		a.family = ADDR_IPV4;
		a.len = 4;
		memcpy(a.b, v4, 4);
	}
	return a;
}

static void from_sockaddr(const struct sockaddr_storage *ss, struct addr *a, uint16_t *port)
{
	memset(a, 0, sizeof *a);
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		a->family = ADDR_IPV4;
		a->len = 4;
		memcpy(a->b, &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		a->family = ADDR_IPV6;
		a->len = 16;
		memcpy(a->b, &in6->sin6_addr, 16);
		*port = ntohs(in6->sin6_port);
		*a = unmapped(*a);
	}
}

/* The socket's two ends, as the kernel holds them now. */
static void ends_of(int fd, struct peer_conn *c)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	memset(c, 0, sizeof *c);
	memset(&ss, 0, sizeof ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		from_sockaddr(&ss, &c->local, &c->lport);
	len = sizeof ss;
	memset(&ss, 0, sizeof ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		from_sockaddr(&ss, &c->remote, &c->rport);
}

/* Both families on one socket where the kernel has IPv6, else IPv4. */
static void do_listen(struct helper *h, uint16_t port, struct peer_reply *r)
{
	if (h->lfd >= 0)
		return say(r, PEER_FAILED, "already listening");
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1, zero = 0;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	socklen_t len;
	if (fd >= 0) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		len = sizeof *in6;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
	} else {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		len = sizeof *in;
	}
	if (fd < 0)
		return say_system(r, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 8) < 0) {
		say_system(r, "listen on port %u: %s", port, strerror(errno));
		close(fd);
		return;
	}
	h->lfd = fd;
	ends_of(fd, &r->conn);
}

static void do_accept(struct helper *h, struct peer_reply *r)
{
	if (h->lfd < 0)
		return say(r, PEER_FAILED, "nothing listens: peer listen PORT first");
	if (h->cfd >= 0)
		return say(r, PEER_FAILED, "a connection is open: peer close it first");
	int fd = accept4(h->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return say(r, PEER_AGAIN, "no connection yet");
	if (fd < 0)
		return say_system(r, "accept: %s", strerror(errno));
	h->cfd = fd;
	ends_of(fd, &r->conn);
}

static void do_connect(struct helper *h, const struct peer_conn *to, struct peer_reply *r)
{
	if (h->cfd >= 0)
		return say(r, PEER_FAILED, "a connection is open: peer close it first");
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	socklen_t len;
	if (to->remote.family == ADDR_IPV4) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(to->rport);
		memcpy(&in->sin_addr, to->remote.b, 4);
		len = sizeof *in;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(to->rport);
		memcpy(&in6->sin6_addr, to->remote.b, 16);
		len = sizeof *in6;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return say_system(r, "socket: %s", strerror(errno));
	/* Non-blocking: the SYN leaves now, the handshake is the scenario's. */
	if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS) {
		say_system(r, "connect: %s", strerror(errno));
		close(fd);
		return;
	}
	h->cfd = fd;
	ends_of(fd, &r->conn);
	r->conn.remote = to->remote;
	r->conn.rport = to->rport;
}

static bool connected(struct helper *h, struct peer_reply *r)
{
	if (h->cfd < 0)
		say(r, PEER_FAILED, "no connection: peer accept or peer connect first");
	return h->cfd >= 0;
}

static void do_write(struct helper *h, const struct request *q, struct peer_reply *r)
{
	if (!connected(h, r))
		return;
	ssize_t n = send(h->cfd, q->data, q->len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return say(r, PEER_AGAIN, "the socket takes nothing yet");
	if (n < 0)
		return say(r, PEER_FAILED, "write: %s", strerror(errno));
	r->len = (size_t)n;
}

static void do_read(struct helper *h, size_t max, struct peer_reply *r)
{
	if (!connected(h, r))
		return;
	ssize_t n = recv(h->cfd, r->data, max < PEER_DATA_MAX ? max : PEER_DATA_MAX, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return say(r, PEER_AGAIN, "nothing to read yet");
	if (n < 0)
		return say(r, PEER_FAILED, "read: %s", strerror(errno));
	if (n == 0)
		return say(r, PEER_EOF, "end of stream");
	r->len = (size_t)n;
}

struct state_find {
	const struct peer_conn *c;
	bool found;
	enum tcp_state state;
};

static int on_sock(const struct netlink_sock *s, void *ctx)
{
	struct state_find *f = ctx;
	struct addr local = unmapped(s->local), remote = unmapped(s->remote);
	enum tcp_state st;
	if (s->lport != f->c->lport || tcp_state_of_linux(s->state, &st))
		return 0;
	if (f->c->rport ? s->rport != f->c->rport || !addr_equal(&local, &f->c->local) ||
	    !addr_equal(&remote, &f->c->remote) : s->rport != 0)
		return 0;
	/* One socket has these ends (a closed one is not in the dump). */
	f->state = st;
	f->found = true;
	return 0;
}

static void do_state(struct helper *h, const struct peer_conn *c, struct peer_reply *r)
{
	struct state_find f = { .c = c };
	static const uint8_t families[] = { ADDR_IPV4, ADDR_IPV6 };
	for (size_t i = 0; i < sizeof families; i++) {
		int rc = netlink_tcp_socks(&h->nl, families[i], on_sock, &f, r->msg, sizeof r->msg);
		/* A kernel without IPv6 has no diag handler for it (ENOENT): no
		 * such sockets to tell of. */
		if (rc && rc != -ENOENT)
			return say_system(r, "%s", r->msg);
	}
	r->msg[0] = '\0';
	r->state = f.found ? f.state : TS_CLOSED;
}

static void handle(struct helper *h, const struct request *q, struct peer_reply *r)
{
	switch (q->op) {
	case REQ_LISTEN:
		return do_listen(h, q->conn.lport, r);
	case REQ_ACCEPT:
		return do_accept(h, r);
	case REQ_CONNECT:
		return do_connect(h, &q->conn, r);
	case REQ_WRITE:
		return do_write(h, q, r);
	case REQ_READ:
		return do_read(h, q->len, r);
	case REQ_SHUTDOWN:
		if (connected(h, r) && shutdown(h->cfd, q->how) < 0)
			say(r, PEER_FAILED, "shutdown: %s", strerror(errno));
		return;
	case REQ_CLOSE: {
		int *fd = h->cfd >= 0 ? &h->cfd : &h->lfd;
		if (*fd < 0)
			return say(r, PEER_FAILED, "no socket to close");
		close(*fd);
		*fd = -1;
		return;
	}
	case REQ_STATE:
		return do_state(h, &q->conn, r);
	}
	say(r, PEER_FAULT, "unknown request %u", q->op);
}

static void serve(struct helper *h)
{
	static struct request q;
	static struct peer_reply r;
	for (;;) {
		ssize_t n = recv(h->ctl, &q, sizeof q, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* the parent closed its end, or is gone */
		memset(&r, 0, sizeof r);
		if ((size_t)n < offsetof(struct request, data) ||
		    (q.op == REQ_WRITE && q.len != (size_t)n - offsetof(struct request, data)))
			say(&r, PEER_FAULT, "a request of %zd bytes", n);
		else
			handle(h, &q, &r);
		if (send(h->ctl, &r, sizeof r, MSG_NOSIGNAL) < 0)
			return;
	}
}

/* Every descriptor the parent had open (its captures, its packet socket)
 * but the socketpair's end, which becomes 3; stdin, stdout and stderr are
 * /dev/null, so that no reader of rawcraft's output waits for the helper. */
static int only_ctl(int ctl)
{
	if (ctl != 3 && (dup2(ctl, 3) < 0 || close(ctl) < 0))
		return -1;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);	/* not 3: that is taken */
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		return -1;
	if (syscall(SYS_close_range, 4u, ~0u, 0u) == 0)
		return 3;
	/* Before Linux 5.9: every descriptor the limit allows. */
	struct rlimit lim;
	long top = getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY ?
		   (long)lim.rlim_cur : sysconf(_SC_OPEN_MAX);
	for (long fd = 4; fd < top; fd++)
		close((int)fd);
	return 3;
}

/* What the helper keeps of root after setns: the uid and gid of `who` (as
 * the run's -Z user) when it has them, CAP_NET_BIND_SERVICE only, so that
 * `peer listen 80` works; no other capability, no exec, no way back
 * (NO_NEW_PRIVS). */
static int drop(const struct peer_user *who)
{
	if (who->become && (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0 ||
			    setgroups(1, &who->gid) != 0 || setgid(who->gid) != 0 ||
			    setuid(who->uid) != 0 || prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0))
		return -1;
	struct __user_cap_header_struct head = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof data);
	data[0].effective = data[0].permitted = 1u << CAP_NET_BIND_SERVICE;
	if (syscall(SYS_capset, &head, data) != 0) {
		memset(data, 0, sizeof data);	/* it had none to keep */
		if (syscall(SYS_capset, &head, data) != 0)
			return -1;
	}
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* Dies with the parent; a parent already gone (before the prctl) is seen
 * as another parent.  drop()'s setuid and setgid clear the setting (a
 * change of the effective uid or gid does), so it is made again after. */
static int tie(pid_t parent)
{
	return prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent ? -1 : 0;
}

static void helper_main(int ctl, pid_t parent, const char *netns, const struct peer_user *who)
{
	static struct peer_reply r;
	struct helper h = { .lfd = -1, .cfd = -1 };
	/* The terminal's ^C, a kill of the process group: the parent's to
	 * handle; it ends us by closing the socketpair (or by dying). */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (tie(parent))
		_exit(0);
	h.ctl = only_ctl(ctl);
	if (h.ctl < 0)
		_exit(0);
	char path[300];
	snprintf(path, sizeof path, "/run/netns/%s", netns);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		say(&r, PEER_FAILED, "--peer %s: no such network namespace (ip netns list "
		    "names those there are)", netns);
	else if (fd < 0)
		say(&r, PEER_FAILED, "--peer %s: %s: %s", netns, path, strerror(errno));
	else if (setns(fd, CLONE_NEWNET) != 0)
		say(&r, PEER_FAILED, "--peer %s: entering the namespace: %s%s", netns,
		    strerror(errno), errno == EPERM ? " (it takes root)" : "");
	else if (drop(who) != 0 || tie(parent) != 0)
		say(&r, PEER_FAILED, "--peer %s: dropping privileges: %s", netns, strerror(errno));
	else if (netlink_open_diag(&h.nl, r.msg, sizeof r.msg) != 0)
		r.status = PEER_FAILED;
	if (fd >= 0)
		close(fd);
	if (send(h.ctl, &r, sizeof r, MSG_NOSIGNAL) >= 0 && r.status == PEER_OK)
		serve(&h);
	_exit(0);
}

/* --- the parent's side --------------------------------------------------- */

/* Waits for the helper's word until ANSWER_MS passed or the run is
 * stopped, looking at the stop every STOP_SLICE_MS; 1: it is there. */
static int answered(struct peer *p)
{
	struct deadline dl;
	deadline_in(&dl, ANSWER_MS * 1000L);
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	for (;;) {
		if (p->stop && p->stop(p->stop_ctx))
			return 0;
		long left = deadline_left(&dl) / 1000;
		int ready = poll(&pfd, 1, left < STOP_SLICE_MS ? (int)left : STOP_SLICE_MS);
		if (ready != 0 && !(ready < 0 && errno == EINTR))
			return ready;
		if (left <= 0)
			return 0;
	}
}

static void talk(struct peer *p, const struct request *q, struct peer_reply *out)
{
	size_t len = offsetof(struct request, data) + (q->op == REQ_WRITE ? q->len : 0);
	size_t most = q->op == REQ_WRITE || q->op == REQ_READ ? q->len : 0;
	ssize_t n;
	do
		n = send(p->fd, q, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return say(out, PEER_FAULT, "the peer helper is gone: %s", strerror(errno));
	if (answered(p) <= 0)
		return say(out, PEER_FAULT, "the peer helper did not answer within %d ms",
			   ANSWER_MS);
	do
		n = recv(p->fd, out, sizeof *out, 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof *out || out->status > PEER_FAULT)
		return say(out, PEER_FAULT, "the peer helper ended");
	if (out->len > most)
		return say(out, PEER_FAULT, "the peer helper answered %zu bytes, asked for %zu",
			   out->len, most);
	out->msg[sizeof out->msg - 1] = '\0';
}

/* A request and its answer; a write's length is its bytes', any other
 * request's its head's.  The helper's word is checked, not trusted; after
 * a fault (or a stop) it is killed at the close, not waited for. */
static void exchange(struct peer *p, const struct request *q, struct peer_reply *out)
{
	memset(out, 0, offsetof(struct peer_reply, data));
	out->msg[0] = '\0';
	if (p->pid <= 0)
		return say(out, PEER_FAULT, "no peer helper: run with --peer NETNS");
	talk(p, q, out);
	if (out->status == PEER_FAULT)
		p->faulted = true;
}

/* -Z USER, or nobody, when root runs us; else who we are. */
static int user_of(const char *user, struct peer_user *who, char *err, size_t errlen)
{
	const char *name = user ? user : "nobody";
	memset(who, 0, sizeof *who);
	if (geteuid() != 0 || strcmp(name, "root") == 0)
		return 0;
	struct passwd *pw = getpwnam(name);
	if (!pw && user) {
		snprintf(err, errlen, "-Z %s: no such user", name);
		return -1;
	}
	/* No nobody here: uid 0 stays, with CAP_NET_BIND_SERVICE only. */
	if (pw)
		*who = (struct peer_user){ .become = true, .uid = pw->pw_uid, .gid = pw->pw_gid };
	return 0;
}

int peer_name_check(const char *netns, char *err, size_t errlen)
{
	if (!netns[0] || strchr(netns, '/') || strcmp(netns, ".") == 0 ||
	    strcmp(netns, "..") == 0 || strlen(netns) > 255) {
		snprintf(err, errlen, "--peer %s: not a namespace name (ip netns list names them)",
			 netns);
		return -1;
	}
	return 0;
}

int peer_open(struct peer *p, const char *netns, const char *user, char *err, size_t errlen)
{
	p->pid = 0;
	p->fd = -1;
	p->faulted = false;
	struct peer_user who;
	if (peer_name_check(netns, err, errlen) || user_of(user, &who, err, errlen))
		return -1;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "--peer: socketpair: %s", strerror(errno));
		return -1;
	}
	pid_t parent = getpid(), pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "--peer: fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		helper_main(sv[1], parent, netns, &who);
	}
	close(sv[1]);
	p->pid = pid;
	p->fd = sv[0];
	struct peer_reply hello;
	ssize_t n = -1;
	if (answered(p) == 1)
		n = recv(p->fd, &hello, sizeof hello, 0);
	if (n == (ssize_t)sizeof hello && hello.status == PEER_OK)
		return 0;
	hello.msg[sizeof hello.msg - 1] = '\0';
	snprintf(err, errlen, "%s", n == (ssize_t)sizeof hello ? hello.msg :
		 "--peer: the helper ended before it said a word");
	p->faulted = n != (ssize_t)sizeof hello;
	peer_close(p);
	return -1;
}

/* The helper ends at the socketpair's end; one stopped or stuck (a fault
 * seen, or END_MS passed) is killed, so that the run ends. */
void peer_close(struct peer *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	if (p->pid <= 0)
		return;
	for (int waited = 0; !p->faulted && waited < END_MS; waited += 10) {
		pid_t w = waitpid(p->pid, NULL, WNOHANG);
		if (w == p->pid || (w < 0 && errno != EINTR)) {
			p->pid = 0;
			return;
		}
		usleep(10000);
	}
	kill(p->pid, SIGKILL);
	while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
		;
	p->pid = 0;
}

void peer_listen(struct peer *p, uint16_t port, struct peer_reply *out)
{
	struct request q = { .op = REQ_LISTEN, .conn.lport = port };
	exchange(p, &q, out);
}

void peer_accept(struct peer *p, struct peer_reply *out)
{
	exchange(p, &(struct request){ .op = REQ_ACCEPT }, out);
}

void peer_connect(struct peer *p, const struct addr *to, uint16_t port, struct peer_reply *out)
{
	struct request q = { .op = REQ_CONNECT, .conn.remote = *to, .conn.rport = port };
	exchange(p, &q, out);
}

void peer_write(struct peer *p, const void *data, size_t len, struct peer_reply *out)
{
	struct request q = { .op = REQ_WRITE,
			     .len = (uint32_t)(len < PEER_DATA_MAX ? len : PEER_DATA_MAX) };
	memcpy(q.data, data, q.len);
	exchange(p, &q, out);
}

void peer_read(struct peer *p, size_t max, struct peer_reply *out)
{
	struct request q = { .op = REQ_READ, .len = (uint32_t)(max < PEER_DATA_MAX ? max :
							       PEER_DATA_MAX) };
	exchange(p, &q, out);
}

void peer_shutdown(struct peer *p, int how, struct peer_reply *out)
{
	struct request q = { .op = REQ_SHUTDOWN, .how = how };
	exchange(p, &q, out);
}

void peer_close_socket(struct peer *p, struct peer_reply *out)
{
	exchange(p, &(struct request){ .op = REQ_CLOSE }, out);
}

void peer_state(struct peer *p, const struct peer_conn *c, struct peer_reply *out)
{
	struct request q = { .op = REQ_STATE, .conn = *c };
	exchange(p, &q, out);
}
