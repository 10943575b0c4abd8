/* bench/xdpflood.c - the AF_XDP baseline of bench/run's two-queue flood:
 * one fixed frame sent flat out on N TX queues, one AF_XDP socket and one
 * thread per queue, written against libxdp's xsk API (copy mode, no XDP
 * program loaded: a TX-only socket needs none).  It is an independent
 * implementation of what rawcraft's AF_XDP sender does with raw syscalls,
 * so the bench can tell what the interface allows from what rawcraft gets.
 *
 *   xdpflood IFNAME QUEUES HEXFRAME     until SIGTERM/SIGINT
 *
 * Built by bench/run: cc -O2 bench/xdpflood.c -lxdp -lbpf -lpthread.
 * Prints "sent N" on stderr at the end; the bench counts at the peer.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <xdp/xsk.h>

#define NFRAMES 4096	/* UMEM frames per queue, all holding the one frame */
#define RING 2048	/* TX and completion ring entries */
#define BATCH 64	/* descriptors per reserve/kick */
#define MAXQ 64

static volatile sig_atomic_t stop;
static unsigned char frame[2048];
static size_t frame_len;
static const char *ifname;

struct sender {
	pthread_t tid;
	unsigned queue;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fq, tx;
	struct xsk_ring_cons cq;
	void *area;
	unsigned long long sent;
	int err;	/* errno of a failed set-up, 0 if it ran */
};

static void on_signal(int sig) { (void)sig; stop = 1; }

/* The UMEM and the socket of one queue; every UMEM frame is written once,
 * so the loop only hands out addresses. */
static int sender_open(struct sender *s)
{
	struct xsk_umem_config ucfg = {
		.fill_size = RING, .comp_size = RING,
		.frame_size = XSK_UMEM__DEFAULT_FRAME_SIZE,
	};
	struct xsk_socket_config scfg = {
		.tx_size = RING,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	size_t size = (size_t)NFRAMES * XSK_UMEM__DEFAULT_FRAME_SIZE;
	int rc;

	s->area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->area == MAP_FAILED)
		return errno;
	for (unsigned i = 0; i < NFRAMES; i++)
		memcpy((char *)s->area + (size_t)i * XSK_UMEM__DEFAULT_FRAME_SIZE, frame, frame_len);
	rc = xsk_umem__create(&s->umem, s->area, size, &s->fq, &s->cq, &ucfg);
	if (rc)
		return -rc;
	rc = xsk_socket__create(&s->xsk, ifname, s->queue, s->umem, NULL, &s->tx, &scfg);
	return rc ? -rc : 0;
}

/* Flat out: reserve a batch of descriptors, kick (copy mode sends only on
 * a kick), reap completions in batches; a frame is reused once completed. */
static void *sender_run(void *arg)
{
	struct sender *s = arg;
	unsigned next = 0, outstanding = 0;

	while (!stop) {
		__u32 idx, n = NFRAMES - outstanding < BATCH ? NFRAMES - outstanding : BATCH;

		if (n && xsk_ring_prod__reserve(&s->tx, n, &idx) == n) {
			for (__u32 i = 0; i < n; i++) {
				struct xdp_desc *d = xsk_ring_prod__tx_desc(&s->tx, idx + i);

				d->addr = (__u64)next * XSK_UMEM__DEFAULT_FRAME_SIZE;
				d->len = (__u32)frame_len;
				next = (next + 1) % NFRAMES;
			}
			xsk_ring_prod__submit(&s->tx, n);
			outstanding += n;
		}
		if (sendto(xsk_socket__fd(s->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
		    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS && errno != EINTR) {
			s->err = errno;
			break;
		}
		n = xsk_ring_cons__peek(&s->cq, RING, &idx);
		if (n) {
			xsk_ring_cons__release(&s->cq, n);
			outstanding -= n;
			s->sent += n;
		}
	}
	return NULL;
}

static int parse_hex(const char *hex)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > sizeof frame || n / 2 < 14)
		return -1;
	for (size_t i = 0; i < n / 2; i++)
		if (sscanf(hex + 2 * i, "%2hhx", &frame[i]) != 1)
			return -1;
	frame_len = n / 2;
	return 0;
}

int main(int argc, char **argv)
{
	static struct sender s[MAXQ];
	unsigned long long total = 0;
	int nq, rc = 0;

	if (argc != 4 || (nq = atoi(argv[2])) < 1 || nq > MAXQ || parse_hex(argv[3])) {
		fprintf(stderr, "usage: xdpflood IFNAME QUEUES HEXFRAME (14..2048 bytes)\n");
		return 2;
	}
	ifname = argv[1];
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	for (int q = 0; q < nq; q++) {
		s[q].queue = (unsigned)q;
		s[q].err = sender_open(&s[q]);
		if (s[q].err) {
			fprintf(stderr, "xdpflood: queue %d of %s: %s\n", q, ifname, strerror(s[q].err));
			return 3;
		}
	}
	for (int q = 0; q < nq; q++)
		pthread_create(&s[q].tid, NULL, sender_run, &s[q]);
	for (int q = 0; q < nq; q++) {
		pthread_join(s[q].tid, NULL);
		if (s[q].err) {
			fprintf(stderr, "xdpflood: queue %d: sendto: %s\n", q, strerror(s[q].err));
			rc = 3;
		}
		total += s[q].sent;
		xsk_socket__delete(s[q].xsk);
		xsk_umem__delete(s[q].umem);
	}
	fprintf(stderr, "sent %llu on %d queues\n", total, nq);
	return rc;
}
