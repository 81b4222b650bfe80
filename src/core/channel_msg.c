// SPDX-License-Identifier: MIT
/*
 * channel_msg: the message-preserving mechanisms — a UNIX datagram socket
 * pair, UDP over loopback, POSIX message queues, System V message queues
 * and a real-time signal carrying one integer.
 *
 * Unlike a stream, each of these delivers whole messages, but each caps
 * the size of one message (a datagram's socket buffer, UDP's 64 KiB, a
 * queue's msgsize, a signal's single integer). So a message is sent as
 * pieces of at most `piece` bytes, in order, and received piece by piece:
 * both sides split the same length the same way, so the receiver knows the
 * size of every piece and checks it. An empty message is one empty piece,
 * so it still wakes the receiver. Every mechanism here keeps the order of
 * the pieces it carries; UDP alone may lose some (see udp below), so it
 * refuses the sizes where that can happen. The signal cannot carry more
 * than an int at all and says so through supports().
 *
 * Every object is made in open(), before side B exists, so a thread B
 * shares it and a process B inherits it at fork under the same number;
 * the numbers live in c->state, which is in shared memory. POSIX queue
 * names are unlinked inside open() once both descriptors are held; the
 * System V queues carry the owner's cleanup key and are removed by close().
 *
 * Where a mechanism must copy through a buffer of its own (a POSIX queue
 * receives only into a buffer of the whole msgsize; a System V message
 * starts with its type), each side has a slot of c->region: a side's
 * thread does one operation at a time, so one slot per side suffices.
 */
#include "core/channel.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/io.h"
#include "core/unit.h"
#include "util/i18n.h"

/* open() has run: the numbers below are real (a zeroed struct names fd 0, queue 0). */
#define MSG_READY 0x6d736731u

/* unix_dgram: the largest piece, and the socket buffers asked for. */
#define UNIX_PIECE_BYTES ((size_t)64 << 10)
#define UNIX_SOCKBUF_BYTES (4 * (int)UNIX_PIECE_BYTES)
/* udp: the largest piece (the protocol's own limit is 65507), the buffers asked for. */
#define UDP_PIECE_BYTES ((size_t)60 << 10)
#define UDP_SOCKBUF_BYTES (8 << 20)
/* posix_mq: queue depth and the rounding of msgsize. */
#define MQ_DEPTH 10L
#define MQ_ROUND 64
/* sysv_mq: the largest piece. */
#define SYSV_PIECE_BYTES 8192L

struct msg_state {
	uint32_t ready;	      /* MSG_READY once open() has run */
	uint32_t attached[2]; /* signal: side i has blocked the signal (a futex word) */
	size_t piece;	      /* the largest piece, the same for both sides */
	size_t slot;	      /* bytes of c->region per side (0: none) */
	int fd[2];	      /* sockets: side i's end; posix_mq: the queue side i reads */
	int qid[2];	      /* sysv_mq: the queue side i reads */
	pid_t pid[2], tid[2]; /* signal: side i's process and thread */
};
static_assert(sizeof(struct msg_state) <= CHAN_STATE_BYTES, "msg state must fit in struct chan");

static struct msg_state *state_of(struct chan *c)
{
	return (struct msg_state *)c->state;
}

static enum chan_side other(enum chan_side side)
{
	return side == CHAN_A ? CHAN_B : CHAN_A;
}

static void state_reset(struct msg_state *st)
{
	memset(st, 0, sizeof(*st));
	st->ready = MSG_READY;
	st->fd[CHAN_A] = st->fd[CHAN_B] = -1;
	st->qid[CHAN_A] = st->qid[CHAN_B] = -1;
}

/* Side i's slot of the region: a bounce buffer aligned for a long. */
static void *slot_of(struct chan *c, enum chan_side side)
{
	return (char *)c->region + (size_t)side * state_of(c)->slot;
}

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

/* A positive number from a /proc/sys file, or fallback when it cannot be read. */
static long proc_sys_long(const char *path, long fallback)
{
	char buf[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fallback;
	ssize_t n = io_read_full(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return fallback;
	buf[n] = '\0';
	char *end;
	long v = strtol(buf, &end, 10);
	return end == buf || v <= 0 ? fallback : v;
}

/*
 * Checks that open() may use the region for slots of `slot` bytes each
 * (two of them): the caller mapped channel_region_size() bytes, which
 * region_size computed from the same limits.
 */
static int region_check(struct chan *c, size_t slot)
{
	if (!c->region || c->region_bytes < 2 * slot || (uintptr_t)c->region % alignof(long) != 0)
		return -EINVAL;
	state_of(c)->slot = slot;
	return 0;
}

/* One piece of exactly n bytes each way; return 0 or -errno. */
typedef int (*put_fn)(struct chan *c, enum chan_side from, const void *p, size_t n);
typedef int (*get_fn)(struct chan *c, enum chan_side to, void *p, size_t n);

/*
 * Sends len bytes as pieces of st->piece bytes, the last one shorter; at
 * least one piece, so an empty message is one empty piece.
 */
static int send_pieces(struct chan *c, enum chan_side from, const void *buf, size_t len, put_fn put)
{
	const struct msg_state *st = state_of(c);
	const char *p = buf;
	size_t off = 0;

	if (st->ready != MSG_READY || st->piece == 0)
		return -EBADF;
	do {
		size_t n = len - off < st->piece ? len - off : st->piece;
		int err = put(c, from, p + off, n);
		if (err)
			return err;
		off += n;
	} while (off < len);
	return 0;
}

/* Receives what send_pieces() sent for the same len. */
static int recv_pieces(struct chan *c, enum chan_side to, void *buf, size_t len, get_fn get)
{
	const struct msg_state *st = state_of(c);
	char *p = buf;
	size_t off = 0;

	if (st->ready != MSG_READY || st->piece == 0)
		return -EBADF;
	do {
		size_t n = len - off < st->piece ? len - off : st->piece;
		int err = get(c, to, p + off, n);
		if (err)
			return err;
		off += n;
	} while (off < len);
	return 0;
}

/* ---- sockets: unix_dgram and udp share everything but open() ---- */

static int sock_put(struct chan *c, enum chan_side from, const void *p, size_t n)
{
	ssize_t r;
	while ((r = send(state_of(c)->fd[from], p, n, MSG_NOSIGNAL)) < 0)
		if (errno != EINTR)
			return -errno;
	return (size_t)r == n ? 0 : -EPROTO; /* a datagram goes whole or not at all */
}

/* MSG_TRUNC makes recv() return the datagram's real size, so a wrong one shows. */
static int sock_get(struct chan *c, enum chan_side to, void *p, size_t n)
{
	ssize_t r;
	while ((r = recv(state_of(c)->fd[to], p, n, MSG_TRUNC)) < 0)
		if (errno != EINTR)
			return -errno;
	if ((size_t)r > n)
		return -EMSGSIZE;
	return (size_t)r == n ? 0 : -EPROTO;
}

static int sock_send(struct chan *c, enum chan_side from, const void *buf, size_t len)
{
	return send_pieces(c, from, buf, len, sock_put);
}

static int sock_recv(struct chan *c, enum chan_side to, void *buf, size_t len)
{
	return recv_pieces(c, to, buf, len, sock_get);
}

static void sock_close(struct chan *c)
{
	struct msg_state *st = state_of(c);
	if (st->ready != MSG_READY)
		return;
	for (int i = 0; i < 2; i++)
		if (st->fd[i] >= 0)
			close(st->fd[i]);
	state_reset(st);
}

/* Asks for larger buffers; the kernel caps them at net.core.[wr]mem_max, failure is harmless. */
static void sock_bufs(int fd, int bytes)
{
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

/*
 * unix_dgram: one socketpair(AF_UNIX, SOCK_DGRAM); A uses sv[0], B sv[1].
 * Each send() is one datagram, queued whole on the peer and delivered in
 * order; nothing is ever dropped — a sender whose peer's queue is full
 * (net.unix.max_dgram_qlen datagrams, or its send buffer) blocks. A
 * datagram larger than the sender's SO_SNDBUF (less a small header) fails
 * with EMSGSIZE, so pieces are at most 64 KiB and at most half the send
 * buffer the kernel actually granted (read back after raising it).
 */
static int unix_dgram_open(struct chan *c)
{
	struct msg_state *st = state_of(c);
	int sv[2];

	state_reset(st);
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	st->fd[CHAN_A] = sv[0];
	st->fd[CHAN_B] = sv[1];
	st->piece = UNIX_PIECE_BYTES;
	for (int i = 0; i < 2; i++) {
		int granted = 0;
		socklen_t glen = sizeof(granted);
		sock_bufs(sv[i], UNIX_SOCKBUF_BYTES);
		if (getsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &granted, &glen) == 0 && granted > 0 &&
		    (size_t)granted / 2 < st->piece)
			st->piece = (size_t)granted / 2;
	}
	return 0;
}

/*
 * udp: two UDP sockets bound to ephemeral ports on 127.0.0.1 and
 * connect()ed to each other, so send() and recv() need no address and
 * nothing else can inject datagrams. Pieces are 60 KiB (UDP's own limit is
 * 65507 bytes). Loopback keeps order, but UDP DROPS a datagram that finds
 * the receiver's buffer full, and nothing resends it: the receiver would
 * wait for ever (the runner's deadline ends that). The buffers are raised
 * (capped by net.core.rmem_max), and the channel is only used for
 * ping-pong, one message in flight per direction, so a message is safe when
 * all its pieces fit in the receive buffer at once; supports() refuses the
 * sizes that may not, from the same limit. Even so, a channel that sent
 * several messages without waiting for answers could lose one.
 */
static size_t udp_rcvbuf_bytes(void)
{
	long max = proc_sys_long("/proc/sys/net/core/rmem_max", 212992);
	long want = max < UDP_SOCKBUF_BYTES ? max : UDP_SOCKBUF_BYTES;
	return 2 * (size_t)want; /* the kernel doubles the request for its bookkeeping */
}

/*
 * A datagram costs the receive buffer more than its payload (the skb and
 * its rounded-up allocation): count twice the payload, plus one spare
 * piece for the short last one.
 */
static bool udp_supports(size_t len)
{
	size_t spare = UDP_PIECE_BYTES + 4096;
	return len <= (udp_rcvbuf_bytes() - spare) / 2;
}

static int udp_socket(struct sockaddr_in *addr)
{
	socklen_t alen = sizeof(*addr);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	*addr = (struct sockaddr_in){ .sin_family = AF_INET,
				      .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (bind(fd, (struct sockaddr *)addr, sizeof(*addr)) < 0 ||
	    getsockname(fd, (struct sockaddr *)addr, &alen) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	sock_bufs(fd, UDP_SOCKBUF_BYTES);
	return fd;
}

static int udp_open(struct chan *c)
{
	struct msg_state *st = state_of(c);
	struct sockaddr_in addr[2];
	int err;

	state_reset(st);
	for (int i = 0; i < 2; i++) {
		int fd = udp_socket(&addr[i]);
		if (fd < 0) {
			err = fd;
			goto close_socks;
		}
		st->fd[i] = fd;
	}
	for (int i = 0; i < 2; i++)
		if (connect(st->fd[i], (struct sockaddr *)&addr[1 - i], sizeof(addr[0])) < 0) {
			err = -errno;
			goto close_socks;
		}
	st->piece = UDP_PIECE_BYTES;
	return 0;

close_socks:
	sock_close(c);
	return err;
}

/*
 * posix_mq: two queues, one per direction (fd[i] is the queue side i
 * reads), named "/ptlab.<owner>.mq.<serial>.{a,b}" and unlinked in open()
 * right after both are open: the descriptors (file descriptors on Linux)
 * are inherited at fork, so nothing named outlives open(). Messages of the
 * same priority leave in order. A queue holds mq_maxmsg = min(10,
 * fs.mqueue.msg_max) messages of up to mq_msgsize = min(max_msg rounded up,
 * fs.mqueue.msgsize_max) bytes (8 KiB by default); a larger message goes
 * in pieces, and a full queue blocks the sender. The queues' memory counts
 * against RLIMIT_MSGQUEUE and their number against fs.mqueue.queues_max:
 * open() then fails (EMFILE, ENOSPC) and the caller skips; a kernel
 * without POSIX queues gives ENOSYS. mq_receive() only takes a buffer of
 * the whole msgsize, so a piece shorter than that (the last one) lands in
 * the side's slot of the region and is copied out.
 */
static unsigned mq_serial;

static size_t mq_msgsize(size_t max_msg)
{
	size_t want = round_up(max_msg ? max_msg : 1, MQ_ROUND);
	size_t limit = (size_t)proc_sys_long("/proc/sys/fs/mqueue/msgsize_max", 8192);
	return want < limit ? want : limit;
}

static size_t mq_region_size(size_t max_msg)
{
	return 2 * round_up(mq_msgsize(max_msg), MQ_ROUND);
}

static int mq_make(char *name, size_t size, unsigned serial, char which, long msgsize)
{
	char tag[48];
	long depth = proc_sys_long("/proc/sys/fs/mqueue/msg_max", MQ_DEPTH);
	struct mq_attr attr = { .mq_maxmsg = depth < MQ_DEPTH ? depth : MQ_DEPTH,
				.mq_msgsize = msgsize };

	snprintf(tag, sizeof(tag), "mq.%u.%c", serial, which);
	int err = cleanup_name(name, size, CLEANUP_MQUEUE, tag);
	if (err)
		return err;
	mqd_t q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	if (q == (mqd_t)-1)
		return -errno;
	(void)fcntl(q, F_SETFD, FD_CLOEXEC); /* mq_open() has no O_CLOEXEC; only hygiene */
	return q;
}

static int posix_mq_open(struct chan *c)
{
	struct msg_state *st = state_of(c);
	char name[2][NAME_MAX];
	unsigned serial = __atomic_fetch_add(&mq_serial, 1, __ATOMIC_RELAXED);
	size_t msgsize = mq_msgsize(c->max_msg);
	int err;

	state_reset(st);
	err = region_check(c, round_up(msgsize, MQ_ROUND));
	if (err)
		return err;
	for (int i = 0; i < 2; i++) {
		int q = mq_make(name[i], sizeof(name[i]), serial, (char)('a' + i), (long)msgsize);
		if (q < 0) {
			err = q;
			goto close_queues;
		}
		st->fd[i] = q;
	}
	/* Both queues are held: the names can go. */
	(void)mq_unlink(name[CHAN_A]);
	(void)mq_unlink(name[CHAN_B]);
	st->piece = msgsize;
	return 0;

close_queues:
	if (st->fd[CHAN_A] >= 0) {
		(void)mq_unlink(name[CHAN_A]);
		mq_close(st->fd[CHAN_A]);
	}
	state_reset(st);
	return err;
}

static int mq_put(struct chan *c, enum chan_side from, const void *p, size_t n)
{
	while (mq_send(state_of(c)->fd[other(from)], p, n, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static int mq_get(struct chan *c, enum chan_side to, void *p, size_t n)
{
	struct msg_state *st = state_of(c);
	char *into = n == st->piece ? p : slot_of(c, to);
	ssize_t r;

	while ((r = mq_receive(st->fd[to], into, st->piece, NULL)) < 0)
		if (errno != EINTR)
			return -errno;
	if ((size_t)r != n)
		return -EPROTO;
	if (into != p)
		memcpy(p, into, n);
	return 0;
}

static int posix_mq_send(struct chan *c, enum chan_side from, const void *buf, size_t len)
{
	return send_pieces(c, from, buf, len, mq_put);
}

static int posix_mq_recv(struct chan *c, enum chan_side to, void *buf, size_t len)
{
	return recv_pieces(c, to, buf, len, mq_get);
}

static void posix_mq_close(struct chan *c)
{
	struct msg_state *st = state_of(c);
	if (st->ready != MSG_READY)
		return;
	for (int i = 0; i < 2; i++)
		if (st->fd[i] >= 0)
			mq_close(st->fd[i]);
	state_reset(st);
}

/*
 * sysv_mq: two System V queues, one per direction (qid[i] is the queue
 * side i reads), made with the owner's cleanup keys 10 and 11 (IPC_EXCL:
 * one sysv_mq channel at a time per experiment; lower indices are left to
 * experiments) and removed by close() with IPC_RMID; should the process die
 * first, the runner's sweep finds them by key. Messages of type 1 leave in
 * order. One message holds at most kernel.msgmax bytes and a queue at most
 * kernel.msgmnb bytes (8 KiB and 16 KiB by default): pieces are at most
 * min(8 KiB, msgmax, msgmnb), and a full queue blocks the sender. A message
 * must start with its type, so each piece is copied through the side's
 * slot of the region, on both ends.
 */
struct sysv_msg {
	long mtype;
	char mtext[];
};

static size_t sysv_piece(void)
{
	long piece = SYSV_PIECE_BYTES;
	long msgmax = proc_sys_long("/proc/sys/kernel/msgmax", SYSV_PIECE_BYTES);
	long msgmnb = proc_sys_long("/proc/sys/kernel/msgmnb", 2 * SYSV_PIECE_BYTES);
	if (msgmax < piece)
		piece = msgmax;
	if (msgmnb < piece)
		piece = msgmnb;
	return (size_t)piece;
}

static size_t sysv_slot(void)
{
	return round_up(sizeof(struct sysv_msg) + sysv_piece(), 64);
}

static size_t sysv_region_size(size_t max_msg)
{
	(void)max_msg;
	return 2 * sysv_slot();
}

static int sysv_mq_open(struct chan *c)
{
	struct msg_state *st = state_of(c);
	int err;

	state_reset(st);
	err = region_check(c, sysv_slot());
	if (err)
		return err;
	for (unsigned i = 0; i < 2; i++) {
		int q = cleanup_sysv_make(CLEANUP_SYSV_MSG, 0);
		if (q < 0) {
			err = q;
			goto remove_queues;
		}
		st->qid[i] = q;
	}
	st->piece = sysv_piece();
	return 0;

remove_queues:
	if (st->qid[CHAN_A] >= 0)
		(void)msgctl(st->qid[CHAN_A], IPC_RMID, NULL);
	state_reset(st);
	return err;
}

static int sysv_put(struct chan *c, enum chan_side from, const void *p, size_t n)
{
	struct sysv_msg *m = slot_of(c, from);
	m->mtype = 1;
	memcpy(m->mtext, p, n);
	while (msgsnd(state_of(c)->qid[other(from)], m, n, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static int sysv_get(struct chan *c, enum chan_side to, void *p, size_t n)
{
	struct msg_state *st = state_of(c);
	struct sysv_msg *m = slot_of(c, to);
	ssize_t r;

	while ((r = msgrcv(st->qid[to], m, st->piece, 1, 0)) < 0)
		if (errno != EINTR)
			return -errno;
	if ((size_t)r != n)
		return -EPROTO;
	memcpy(p, m->mtext, n);
	return 0;
}

static int sysv_mq_send(struct chan *c, enum chan_side from, const void *buf, size_t len)
{
	return send_pieces(c, from, buf, len, sysv_put);
}

static int sysv_mq_recv(struct chan *c, enum chan_side to, void *buf, size_t len)
{
	return recv_pieces(c, to, buf, len, sysv_get);
}

static void sysv_mq_close(struct chan *c)
{
	struct msg_state *st = state_of(c);
	if (st->ready != MSG_READY)
		return;
	for (int i = 0; i < 2; i++)
		if (st->qid[i] >= 0)
			(void)msgctl(st->qid[i], IPC_RMID, NULL);
	state_reset(st);
}

/*
 * signal: SIGRTMIN+3 sent to one thread with rt_tgsigqueueinfo(), its
 * si_value carrying one int (a message of up to sizeof(int) bytes;
 * supports() refuses more). Real-time signals queue (they are not merged)
 * and leave in order. attach() blocks the signal in the calling thread and
 * records its process and thread ids; recv() takes it with sigwaitinfo(),
 * so no handler runs. For two threads both ids are in one process; for a
 * process B its pid is the thread group to aim at.
 *
 * The default action of a real-time signal is to TERMINATE the process:
 * one that arrives before the receiving thread has blocked it kills it.
 * So a sender waits (on a futex in the shared state) until the receiver
 * has attached before sending. The signal stays blocked in both threads
 * after close(): unblocking it with one still pending would kill. Each
 * queued signal counts against RLIMIT_SIGPENDING; a sender over it gets
 * EAGAIN and yields until the receiver catches up.
 */
#define CHAN_SIGNAL (SIGRTMIN + 3)

static bool signal_supports(size_t len)
{
	return len <= sizeof(int);
}

static int signal_open(struct chan *c)
{
	struct msg_state *st = state_of(c);
	state_reset(st);
	st->piece = sizeof(int);
	return 0;
}

static int signal_attach(struct chan *c, enum chan_side side)
{
	struct msg_state *st = state_of(c);
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, CHAN_SIGNAL);
	int err = pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (err)
		return -err;
	st->pid[side] = getpid();
	st->tid[side] = (pid_t)syscall(SYS_gettid);
	__atomic_store_n(&st->attached[side], 1, __ATOMIC_RELEASE);
	(void)unit_futex(&st->attached[side], FUTEX_WAKE, INT_MAX, NULL);
	return 0;
}

/* Waits until side has blocked the signal. Returns 0 or -errno. */
static int signal_wait_attached(struct msg_state *st, enum chan_side side)
{
	while (!__atomic_load_n(&st->attached[side], __ATOMIC_ACQUIRE))
		if (unit_futex(&st->attached[side], FUTEX_WAIT, 0, NULL) < 0 && errno != EAGAIN &&
		    errno != EINTR)
			return -errno;
	return 0;
}

static int signal_send(struct chan *c, enum chan_side from, const void *buf, size_t len)
{
	struct msg_state *st = state_of(c);
	enum chan_side to = other(from);
	siginfo_t info;
	int value = 0;

	if (len > sizeof(int))
		return -EMSGSIZE;
	if (st->ready != MSG_READY)
		return -EBADF;
	int err = signal_wait_attached(st, to);
	if (err)
		return err;
	memcpy(&value, buf, len);
	memset(&info, 0, sizeof(info));
	info.si_signo = CHAN_SIGNAL;
	info.si_code = SI_QUEUE; /* negative: the kernel lets us send it to another process */
	info.si_pid = getpid();
	info.si_uid = getuid();
	info.si_value.sival_int = value;
	while (syscall(SYS_rt_tgsigqueueinfo, st->pid[to], st->tid[to], CHAN_SIGNAL, &info) < 0) {
		if (errno == EAGAIN)
			sched_yield();
		else if (errno != EINTR)
			return -errno;
	}
	return 0;
}

static int signal_recv(struct chan *c, enum chan_side to, void *buf, size_t len)
{
	siginfo_t info;
	sigset_t set;

	(void)to;
	if (len > sizeof(int))
		return -EMSGSIZE;
	if (state_of(c)->ready != MSG_READY)
		return -EBADF;
	sigemptyset(&set);
	sigaddset(&set, CHAN_SIGNAL);
	while (sigwaitinfo(&set, &info) < 0)
		if (errno != EINTR)
			return -errno;
	int value = info.si_value.sival_int;
	memcpy(buf, &value, len);
	return 0;
}

static void signal_close(struct chan *c)
{
	struct msg_state *st = state_of(c);
	if (st->ready == MSG_READY)
		state_reset(st); /* nothing to release; forget the ids */
}

const struct channel_ops chan_unix_dgram = {
	.name = "unix_dgram",
	.label = N_("a UNIX datagram socket pair, messages in pieces of up to 64 KiB"),
	.open = unix_dgram_open,
	.send = sock_send,
	.recv = sock_recv,
	.close = sock_close,
};

const struct channel_ops chan_udp = {
	.name = "udp",
	.lossy = true,
	.label = N_("two connected UDP sockets over loopback (127.0.0.1)"),
	.supports = udp_supports,
	.open = udp_open,
	.send = sock_send,
	.recv = sock_recv,
	.close = sock_close,
};

const struct channel_ops chan_posix_mq = {
	.name = "posix_mq",
	.label = N_("two POSIX message queues, unlinked once open"),
	.region_size = mq_region_size,
	.open = posix_mq_open,
	.send = posix_mq_send,
	.recv = posix_mq_recv,
	.close = posix_mq_close,
};

const struct channel_ops chan_sysv_mq = {
	.name = "sysv_mq",
	.label = N_("two System V message queues"),
	.region_size = sysv_region_size,
	.open = sysv_mq_open,
	.send = sysv_mq_send,
	.recv = sysv_mq_recv,
	.close = sysv_mq_close,
};

const struct channel_ops chan_signal = {
	.name = "signal",
	.label = N_("a real-time signal carrying one integer (sigqueue, sigwaitinfo)"),
	.supports = signal_supports,
	.open = signal_open,
	.attach = signal_attach,
	.send = signal_send,
	.recv = signal_recv,
	.close = signal_close,
};
