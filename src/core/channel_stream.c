// SPDX-License-Identifier: MIT
/*
 * channel_stream: the byte-stream mechanisms — an anonymous pipe pair, a
 * FIFO pair, a UNIX stream socket pair and a TCP connection over loopback.
 *
 * All four carry bytes, not messages: the kernel may hand a write to the
 * reader in several pieces, or join two writes into one read. Because the
 * caller always knows the message size (channel.h), a message is simply
 * len bytes written in order with io_write_all() and read back with
 * io_read_full(); no framing is needed and every size works (no
 * supports()). A stream ending before len bytes arrive reads as
 * -EPIPE. The partial-I/O and EINTR loops live in core/io.c, once.
 *
 * Every descriptor is made in open(), before side B exists, with
 * close-on-exec: a thread B shares them, a process B inherits them at fork
 * with the same numbers, so the numbers stored in c->state (shared memory)
 * are valid on both sides. Each side uses only its own ends. A process B
 * also holds copies of side A's ends, so a peer that dies does not produce
 * end of file on the other side; the runner's deadline covers that case.
 *
 * What differs between the four is what a message costs on the way:
 * a pipe copies into a pipe buffer; a FIFO is the same object reached
 * through a name (and so measures the same path, once opened); a UNIX
 * socket queues socket buffers (skbs) and accounts them against the socket
 * buffer sizes; TCP adds the loopback protocol stack (segmentation,
 * acknowledgements, the socket lock and softirq delivery).
 */
#include "core/channel.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/io.h"
#include "util/i18n.h"

/* The pipe capacity asked for: enough for a 1 MiB message in one write. */
#define STREAM_PIPE_BYTES (1 << 20)
/* The socket buffer sizes asked for (the kernel caps them at [wr]mem_max). */
#define STREAM_SOCKBUF_BYTES (4 << 20)

/*
 * Each side writes to wr[side] and reads from rd[side]. For a socket both
 * are the same descriptor; for pipes and FIFOs they are ends of two
 * different pipes. `ready` tells close() the numbers are real: a zeroed
 * struct would otherwise name standard input.
 */
struct stream_state {
	bool ready;
	int rd[2];
	int wr[2];
};
static_assert(sizeof(struct stream_state) <= CHAN_STATE_BYTES,
	      "stream state must fit in struct chan");

static struct stream_state *state_of(struct chan *c)
{
	return (struct stream_state *)c->state;
}

static void state_reset(struct stream_state *s)
{
	s->ready = true;
	s->rd[CHAN_A] = s->rd[CHAN_B] = -1;
	s->wr[CHAN_A] = s->wr[CHAN_B] = -1;
}

/* Closes every descriptor once (a socket appears as both rd and wr). */
static void stream_close(struct chan *c)
{
	struct stream_state *s = state_of(c);
	if (!s->ready)
		return;
	int fds[4] = { s->rd[CHAN_A], s->rd[CHAN_B], s->wr[CHAN_A], s->wr[CHAN_B] };
	for (int i = 0; i < 4; i++) {
		bool seen = false;
		for (int k = 0; k < i; k++)
			seen = seen || fds[k] == fds[i];
		if (fds[i] >= 0 && !seen)
			close(fds[i]);
	}
	state_reset(s);
}

static int stream_send(struct chan *c, enum chan_side from, const void *buf, size_t len)
{
	return io_write_all(state_of(c)->wr[from], buf, len);
}

static int stream_recv(struct chan *c, enum chan_side to, void *buf, size_t len)
{
	ssize_t n = io_read_full(state_of(c)->rd[to], buf, len);
	if (n < 0)
		return (int)n;
	return (size_t)n < len ? -EPIPE : 0;
}

/*
 * Raises a pipe's capacity (64 KiB by default) to min(1 MiB,
 * /proc/sys/fs/pipe-max-size), so that a large message crosses in few
 * wake-ups rather than one per 64 KiB. Failure is harmless — an
 * unprivileged user past pipe-user-pages-soft gets EPERM — and ignored:
 * the pipe works at its default size.
 */
static void pipe_grow(int fd)
{
	long want = STREAM_PIPE_BYTES;
	FILE *f = fopen("/proc/sys/fs/pipe-max-size", "re");
	if (f) {
		long max;
		if (fscanf(f, "%ld", &max) == 1 && max > 0 && max < want)
			want = max;
		fclose(f);
	}
	(void)fcntl(fd, F_SETPIPE_SZ, (int)want);
}

/*
 * pipe: two anonymous pipes, one per direction. The simplest kernel path:
 * write() copies into the pipe's pages and wakes the reader. A pipe
 * carries PIPE_BUF bytes atomically; beyond that writes may be split, which
 * is harmless with one writer per direction.
 */
static int pipe_open(struct chan *c)
{
	struct stream_state *s = state_of(c);
	int ab[2], ba[2];
	int err;

	state_reset(s);
	if (pipe2(ab, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(ba, O_CLOEXEC) < 0) {
		err = -errno;
		goto close_ab;
	}
	pipe_grow(ab[1]);
	pipe_grow(ba[1]);
	s->wr[CHAN_A] = ab[1];
	s->rd[CHAN_B] = ab[0];
	s->wr[CHAN_B] = ba[1];
	s->rd[CHAN_A] = ba[0];
	return 0;

close_ab:
	close(ab[0]);
	close(ab[1]);
	return err;
}

/*
 * fifo: two named pipes. Once open, a FIFO is a pipe, so this measures the
 * same data path as `pipe` (its capacity is raised the same way); what
 * differs is only how the ends are found. Opening a FIFO blocks until the
 * other end opens, so open() opens the read end without blocking first,
 * then the write end (which then finds a reader), then makes the read end
 * blocking again. Both names are unlinked as soon as the four ends are
 * open (and on any failure): nothing named outlives open().
 */
static atomic_uint fifo_serial;

static int fifo_make(char *path, size_t size, unsigned serial, const char *dir)
{
	char tag[64];
	snprintf(tag, sizeof(tag), "fifo.%d.%u.%s", (int)getpid(), serial, dir);
	int err = cleanup_tmp_path(path, size, tag);
	if (err)
		return err;
	return mkfifo(path, 0600) < 0 ? -errno : 0;
}

/* Opens both ends of the FIFO at path: *rd (blocking) and *wr. */
static int fifo_ends(const char *path, int *rd, int *wr)
{
	int err;
	int r = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r < 0)
		return -errno;
	int w = open(path, O_WRONLY | O_CLOEXEC);
	if (w < 0) {
		err = -errno;
		goto close_r;
	}
	int flags = fcntl(r, F_GETFL);
	if (flags < 0 || fcntl(r, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		err = -errno;
		goto close_w;
	}
	pipe_grow(w);
	*rd = r;
	*wr = w;
	return 0;

close_w:
	close(w);
close_r:
	close(r);
	return err;
}

static int fifo_open(struct chan *c)
{
	struct stream_state *s = state_of(c);
	char ab[PATH_MAX], ba[PATH_MAX];
	unsigned serial = atomic_fetch_add(&fifo_serial, 1);
	int err;

	state_reset(s);
	err = fifo_make(ab, sizeof(ab), serial, "ab");
	if (err)
		return err;
	err = fifo_make(ba, sizeof(ba), serial, "ba");
	if (err)
		goto unlink_ab;
	err = fifo_ends(ab, &s->rd[CHAN_B], &s->wr[CHAN_A]);
	if (err)
		goto unlink_ba;
	err = fifo_ends(ba, &s->rd[CHAN_A], &s->wr[CHAN_B]);
	if (err)
		stream_close(c);
	/* Both ends of both FIFOs are held (or open failed): the names can go. */
unlink_ba:
	unlink(ba);
unlink_ab:
	unlink(ab);
	return err;
}

/*
 * unix_stream: one socketpair, bidirectional: A uses sv[0], B sv[1]. Data
 * moves as socket buffers queued on the receiver; how much may be in
 * flight is bounded by SO_SNDBUF (and the receiver's SO_RCVBUF), raised
 * here so a large message is not throttled by the small default. The
 * kernel silently caps the request at net.core.[wr]mem_max; a failure is
 * ignored, the defaults still work.
 */
static void sock_bufs(int fd)
{
	int bytes = STREAM_SOCKBUF_BYTES;
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof(bytes));
}

static int unix_stream_open(struct chan *c)
{
	struct stream_state *s = state_of(c);
	int sv[2];

	state_reset(s);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	sock_bufs(sv[0]);
	sock_bufs(sv[1]);
	s->rd[CHAN_A] = s->wr[CHAN_A] = sv[0];
	s->rd[CHAN_B] = s->wr[CHAN_B] = sv[1];
	return 0;
}

/*
 * tcp: a real TCP connection over 127.0.0.1, made entirely in open(): a
 * listener on an ephemeral port, a blocking connect (the loopback handshake
 * completes inside connect, the connection then waits in the backlog),
 * accept, and the listener is closed. A uses the connecting socket, B the
 * accepted one. TCP_NODELAY on both, so a small message leaves at once
 * instead of waiting for Nagle's algorithm to coalesce it. The buffers are
 * left to TCP's autotuning (setting SO_SNDBUF would switch it off). Only
 * loopback is used, so no firewall or network is involved, but another
 * local process could race our connect to the port: accept() checks the
 * peer is our own socket and drops any other.
 */
/*
 * Connects fd to addr. A connect interrupted by a signal goes on in the
 * background and cannot simply be restarted (EALREADY): wait until the
 * socket is writable and read how it ended. Returns 0 or -errno.
 */
static int tcp_connect(int fd, const struct sockaddr_in *addr)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0)
		return 0;
	if (errno != EINTR)
		return -errno;
	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		return -errno;
	return -soerr;
}

static int tcp_open(struct chan *c)
{
	struct stream_state *s = state_of(c);
	struct sockaddr_in addr = { .sin_family = AF_INET,
				    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in mine, peer;
	socklen_t alen = sizeof(addr);
	int one = 1;
	int err, lis, con, acc;

	state_reset(s);
	lis = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lis < 0)
		return -errno;
	if (bind(lis, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lis, 4) < 0 ||
	    getsockname(lis, (struct sockaddr *)&addr, &alen) < 0) {
		err = -errno;
		goto close_lis;
	}
	con = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (con < 0) {
		err = -errno;
		goto close_lis;
	}
	err = tcp_connect(con, &addr);
	if (err)
		goto close_con;
	alen = sizeof(mine);
	if (getsockname(con, (struct sockaddr *)&mine, &alen) < 0) {
		err = -errno;
		goto close_con;
	}
	for (;;) {
		alen = sizeof(peer);
		acc = accept4(lis, (struct sockaddr *)&peer, &alen, SOCK_CLOEXEC);
		if (acc < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			err = -errno;
			goto close_con;
		}
		if (peer.sin_port == mine.sin_port && peer.sin_addr.s_addr == mine.sin_addr.s_addr)
			break;
		close(acc); /* someone else's connection */
	}
	close(lis);
	(void)setsockopt(con, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	(void)setsockopt(acc, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->rd[CHAN_A] = s->wr[CHAN_A] = con;
	s->rd[CHAN_B] = s->wr[CHAN_B] = acc;
	return 0;

close_con:
	close(con);
close_lis:
	close(lis);
	return err;
}

const struct channel_ops chan_pipe = {
	.name = "pipe",
	.label = N_("two anonymous pipes, one per direction"),
	.open = pipe_open,
	.send = stream_send,
	.recv = stream_recv,
	.close = stream_close,
};

const struct channel_ops chan_fifo = {
	.name = "fifo",
	.label = N_("two named pipes (FIFOs), unlinked once open"),
	.open = fifo_open,
	.send = stream_send,
	.recv = stream_recv,
	.close = stream_close,
};

const struct channel_ops chan_unix_stream = {
	.name = "unix_stream",
	.label = N_("a UNIX stream socket pair"),
	.open = unix_stream_open,
	.send = stream_send,
	.recv = stream_recv,
	.close = stream_close,
};

const struct channel_ops chan_tcp = {
	.name = "tcp",
	.label = N_("a TCP connection over loopback (127.0.0.1), TCP_NODELAY"),
	.open = tcp_open,
	.send = stream_send,
	.recv = stream_recv,
	.close = stream_close,
};
