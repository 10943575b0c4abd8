/*
 * peer.h - real sockets of the peer's kernel (`rawcraft run --peer NETNS`):
 * a helper process that entered the network namespace NETNS (as `ip netns
 * exec` does) listens, accepts, connects, writes, reads, shuts down and
 * closes there on request, and reads the kernel's TCP state of a socket as
 * ss does (INET_DIAG).
 *
 * Requests go over a SOCK_SEQPACKET socketpair, one message each way.  No
 * socket call blocks the helper: an accept or read with nothing there
 * answers PEER_AGAIN, and the caller asks again while it reads its
 * captures; only a state waits, for the kernel's two netlink dumps (1 s
 * each at most).  The helper never outlives its parent: it dies with it
 * (PR_SET_PDEATHSIG) and ends when the socketpair closes.  Nothing here
 * prints.
 */
#ifndef CRAFT_PEER_H
#define CRAFT_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../analysis/tcpstate.h"
#include "../core/addr.h"

#define PEER_DATA_MAX 4096	/* a write's or a read's bytes, at most */

struct peer {
	pid_t pid;		/* 0: no helper */
	int fd;			/* our end of the socketpair */
	bool faulted;		/* it failed to answer: killed at the close */
	/* The signal that stops the run, or 0; NULL: none.  A wait for the
	 * helper's answer looks at it every 100 ms. */
	int (*stop)(void *ctx);
	void *stop_ctx;
};

enum peer_status {
	PEER_OK,
	PEER_AGAIN,	/* nothing yet: no connection to accept, no bytes to read */
	PEER_EOF,	/* a read found the end of the stream */
	PEER_FAILED,	/* the request failed: `msg` says why (no connection, refused) */
	PEER_FAULT,	/* the helper is gone or spoke nonsense: `msg` says */
};

/* One end and the other of a socket; rport 0 for a listening one. */
struct peer_conn {
	struct addr local, remote;
	uint16_t lport, rport;
};

struct peer_reply {
	enum peer_status status;
	bool system;			/* PEER_FAILED by the system (bind, route, netlink) */
	struct peer_conn conn;		/* listen, accept, connect: the socket's ends */
	enum tcp_state state;		/* peer_state */
	size_t len;			/* read: bytes in data; write: bytes written */
	uint8_t data[PEER_DATA_MAX];
	char msg[256];
};

/* 0, or -1 with a line in `err` when `netns` cannot name a namespace. */
int peer_name_check(const char *netns, char *err, size_t errlen);
/* Forks the helper into /run/netns/`netns` and waits for its first word:
 * 0, or -1 with a line in `err` (no such namespace: it says so and names
 * `ip netns list`).  Needs CAP_SYS_ADMIN, so it comes before root goes.
 * Run by root, the helper becomes `user` (NULL: nobody; "root" stays), as
 * -Z does.  p->stop and p->stop_ctx are the caller's to set, before. */
int peer_open(struct peer *p, const char *netns, const char *user, char *err, size_t errlen);
/* Closes the socketpair and waits 1 s at most for the helper to end, then
 * kills it; one that failed to answer is killed at once. */
void peer_close(struct peer *p);

/* The requests; each fills `out` (out->status says how it went). */
void peer_listen(struct peer *p, uint16_t port, struct peer_reply *out);
void peer_accept(struct peer *p, struct peer_reply *out);
void peer_connect(struct peer *p, const struct addr *to, uint16_t port, struct peer_reply *out);
void peer_write(struct peer *p, const void *data, size_t len, struct peer_reply *out);
void peer_read(struct peer *p, size_t max, struct peer_reply *out);
/* how: SHUT_RD, SHUT_WR or SHUT_RDWR */
void peer_shutdown(struct peer *p, int how, struct peer_reply *out);
/* Closes the connection; with none open, the listening socket. */
void peer_close_socket(struct peer *p, struct peer_reply *out);
/* The kernel's state of the TCP socket with the ends `c` (an IPv4 address
 * also matches an IPv6 socket's mapped one), of the listening socket on
 * c->lport when c->rport is 0; TS_CLOSED when there is none. */
void peer_state(struct peer *p, const struct peer_conn *c, struct peer_reply *out);

#endif
