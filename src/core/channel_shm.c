// SPDX-License-Identifier: MIT
/*
 * channel_shm: the shared-memory mechanisms — a byte ring woken by futex,
 * the same ring with both sides spinning, a buffer handed over with
 * eventfds, and a buffer guarded by a mutex and a condition variable.
 *
 * In all four the payload is copied into memory both sides map (c->region,
 * carved from the MAP_SHARED arena before side B exists) and out again on
 * the other side: two copies per message, no kernel buffer. What differs is
 * only how a side that must wait (nothing to read, no room to write) goes
 * to sleep and how the other side wakes it, which is what the figures
 * compare:
 *   shm_futex   sleeps in FUTEX_WAIT and is woken by FUTEX_WAKE, but only
 *               when it said it was going to sleep: a message that finds
 *               the peer awake costs no system call at all;
 *   shm_spin    never sleeps; it polls the ring (burning its CPU) and
 *               yields the CPU after a bounded number of polls;
 *   eventfd     a read() on an eventfd per direction and event, i.e. a
 *               system call on both sides for every piece;
 *   mutex_cond  pthread_cond_wait()/pthread_cond_signal() on a
 *               process-shared mutex and condition variable (futexes
 *               underneath, with glibc's own bookkeeping on top).
 *
 * Every object lives in shared memory (c->state or c->region) or is a
 * descriptor made in open() and inherited at fork, so the same code serves
 * a thread B and a process B. Futexes are therefore the shared kind (no
 * FUTEX_PRIVATE_FLAG) and pthread objects are PTHREAD_PROCESS_SHARED; that
 * makes the thread case pay the (small) cost of keying the futex by its
 * page rather than by the address space. Nothing is named, so nothing can
 * be left behind. A peer that dies while the other side waits leaves that
 * side waiting: the runner's deadline covers it.
 *
 * Messages larger than a ring or buffer are streamed through it in pieces;
 * the test build (-DPTLAB_TESTING) uses tiny rings and buffers so that the
 * wrap-around and piece paths run even for small messages.
 */
#include "core/channel.h"
#include "core/unit.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/i18n.h"

#ifdef PTLAB_TESTING
#define RING_MIN_BYTES ((size_t)4096) /* every ring, whatever max_msg */
#define RING_CHUNK_BYTES ((size_t)1024)
#define PIECE_MAX_BYTES ((size_t)1024) /* eventfd and mutex_cond buffers */
#else
#define RING_MIN_BYTES ((size_t)64 << 10)
#define RING_MAX_BYTES ((size_t)1 << 20) /* see ring_cap() */
#define RING_CHUNK_BYTES ((size_t)64 << 10)
#define PIECE_MAX_BYTES ((size_t)16 << 20)
#endif

/* Polls of a spinning wait before it starts yielding the CPU on every poll. */
#define SPIN_POLLS 1024

#define CACHE_LINE 64

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static size_t round_up(size_t n, size_t align)
{
	return (n + align - 1) & ~(align - 1);
}

/* ------------------------------------------------------------------ */
/* The ring (shm_futex, shm_spin)                                      */
/* ------------------------------------------------------------------ */

/*
 * One single-producer/single-consumer byte ring per direction; ring d
 * carries what side d sends. head and tail count bytes ever written and
 * read (64-bit, so they never wrap in practice); head - tail is what the
 * ring holds and (counter & (cap - 1)) is the offset in the data. Only the
 * writer stores head and only the reader stores tail, each with release
 * after its memcpy, and the other side loads it with acquire before its
 * own memcpy: that orders the bytes with the counter, and no lock is
 * needed. head and tail sit on their own cache lines so that the two
 * sides do not bounce one line for both.
 *
 * The reader wakes a writer waiting for room only once half the ring is
 * free or a message is complete (not after every piece): a stream then
 * sleeps and wakes once per half ring. Each side keeps its own counters
 * and the last value it saw of the other's on lines only it touches.
 *
 * The writer publishes head every RING_CHUNK_BYTES, not once per message,
 * so that on two CPUs the reader copies the start of a large message out
 * while the writer is still copying its end in: the two copies overlap
 * and a 1 MiB message costs little more than one memcpy.
 *
 * Futex waiting (shm_futex), for the reader waiting for data (the writer
 * waiting for room is the same with tail, space_seq and space_waiting):
 *   reader: s = data_seq; data_waiting = 1; fence; re-check head;
 *           still empty: FUTEX_WAIT(&data_seq, s)
 *   writer: store head; fence; if data_waiting: data_waiting = 0,
 *           data_seq++, FUTEX_WAKE(&data_seq)
 * The two seq_cst fences make this Dekker's pattern: either the reader's
 * re-check sees the new head, or the writer sees data_waiting set; and a
 * writer that bumps data_seq after the reader read s makes FUTEX_WAIT
 * return at once (EAGAIN), so no wake-up is lost. While the reader is
 * awake the writer pays one fence and one load per chunk, no system call.
 * A stale flag costs at most one spare FUTEX_WAKE; every wait is in a loop
 * that re-checks the counter, so spurious returns are harmless. The wait
 * does not spin first: the figure is the futex round trip itself.
 */
struct ring_ctl {
	_Alignas(CACHE_LINE) _Atomic uint64_t head;
	_Alignas(CACHE_LINE) _Atomic uint64_t tail;
	_Alignas(CACHE_LINE) _Atomic uint32_t data_seq;
	_Atomic uint32_t data_waiting;
	_Alignas(CACHE_LINE) _Atomic uint32_t space_seq;
	_Atomic uint32_t space_waiting;
	/*
	 * Each side's own copy of the counters, on lines only that side
	 * touches: the writer keeps its head and the last tail it saw, the
	 * reader its tail and the last head it saw. A small message then
	 * moves the data line and one counter line, not both counters.
	 */
	_Alignas(CACHE_LINE) uint64_t w_head, w_tail_seen;
	_Alignas(CACHE_LINE) uint64_t r_tail, r_head_seen;
};

struct ring_state {
	size_t cap; /* bytes of data per direction, a power of two */
	bool spin;
};

_Static_assert(sizeof(struct ring_state) <= CHAN_STATE_BYTES, "ring state too large");
_Static_assert(sizeof(_Atomic uint32_t) == 4, "a futex word is 32 bits");
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free in shared memory");

/*
 * max(RING_MIN_BYTES, 4 * max_msg), rounded up to a power of two: room for
 * the writer to run a few messages ahead, so a stream rarely sleeps; but
 * at most RING_MAX_BYTES, about an L2. A larger ring lets the writer run
 * so far ahead that its lines leave the caches before the reader comes
 * for them: with 16 MiB messages a 64 MiB ring goes through memory, and
 * the stream reached 0.12-0.32 of the cross-CPU copy where a 1 MiB ring
 * reached 0.54-0.73 (interleaved trials on a loaded 2-vCPU EPYC guest;
 * 256 KiB, a ring of four chunks, was worse again, and 1 MiB messages
 * lost nothing to the smaller ring). A message larger than the ring
 * streams through it in pieces.
 */
static size_t ring_cap(size_t max_msg)
{
	size_t want = max_msg > SIZE_MAX / 8 ? SIZE_MAX / 8 : 4 * max_msg;
	size_t cap = RING_MIN_BYTES;
#ifndef PTLAB_TESTING
	while (cap < want && cap < RING_MAX_BYTES)
		cap <<= 1;
#else
	(void)want;
#endif
	return cap;
}

/*
 * Region: the two control blocks, then the two data areas, from the first
 * cache-line boundary in the region (one line of slack is asked for, so
 * the caller's alignment does not matter).
 */
static size_t ring_region_size(size_t max_msg)
{
	return CACHE_LINE + 2 * sizeof(struct ring_ctl) + 2 * ring_cap(max_msg);
}

static struct ring_ctl *ring_ctl(struct chan *c, int dir)
{
	uintptr_t base = ((uintptr_t)c->region + CACHE_LINE - 1) & ~(uintptr_t)(CACHE_LINE - 1);
	return (struct ring_ctl *)base + dir;
}

static unsigned char *ring_data(struct chan *c, int dir)
{
	const struct ring_state *st = (const struct ring_state *)c->state;
	return (unsigned char *)(ring_ctl(c, 0) + 2) + (size_t)dir * st->cap;
}

/* FUTEX_WAIT while *word == expected. A changed word or a signal is not an error. */
static int futex_wait(_Atomic uint32_t *word, uint32_t expected)
{
	if (unit_futex(word, FUTEX_WAIT, expected, NULL) == 0)
		return 0;
	int err = errno;
	return err == EAGAIN || err == EINTR ? 0 : -err;
}

static int futex_wake_one(_Atomic uint32_t *word)
{
	if (unit_futex(word, FUTEX_WAKE, 1, NULL) < 0)
		return -errno;
	return 0;
}

/* A hint to the CPU that this is a polling loop (frees resources for a hyperthread sibling). */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/*
 * Spinning wait until *counter != seen. When both sides are pinned to one
 * CPU the peer cannot run while we poll, so polling alone would spin out
 * the whole time slice for every message: after SPIN_POLLS polls, every
 * poll also calls sched_yield() to hand the CPU over. That bounds the
 * damage but still makes the one-CPU figure mostly a measure of the
 * scheduler's yield path.
 */
static uint64_t ring_spin_until_changed(_Atomic uint64_t *counter, uint64_t seen)
{
	unsigned polls = 0;
	for (;;) {
		uint64_t v = atomic_load_explicit(counter, memory_order_acquire);
		if (v != seen)
			return v;
		if (polls < SPIN_POLLS) {
			polls++;
			cpu_relax();
		} else {
			sched_yield();
		}
	}
}

/*
 * Waits until *counter (the peer's head or tail) differs from seen and
 * stores its new value in *now. seq and waiting are the futex word and the
 * flag for this wait (see the comment on struct ring_ctl). Returns 0 or
 * -errno from FUTEX_WAIT.
 */
static int ring_wait(const struct ring_state *st, _Atomic uint64_t *counter, uint64_t seen,
		     _Atomic uint32_t *seq, _Atomic uint32_t *waiting, uint64_t *now)
{
	if (st->spin) {
		*now = ring_spin_until_changed(counter, seen);
		return 0;
	}
	for (;;) {
		uint64_t v = atomic_load_explicit(counter, memory_order_acquire);
		if (v != seen) {
			*now = v;
			return 0;
		}
		uint32_t s = atomic_load_explicit(seq, memory_order_acquire);
		atomic_store_explicit(waiting, 1, memory_order_relaxed);
		atomic_thread_fence(memory_order_seq_cst);
		v = atomic_load_explicit(counter, memory_order_acquire);
		if (v != seen) {
			atomic_store_explicit(waiting, 0, memory_order_relaxed);
			*now = v;
			return 0;
		}
		int err = futex_wait(seq, s);
		if (err)
			return err;
	}
}

/* After publishing head or tail: wakes the peer if it announced it sleeps. */
static int ring_notify(const struct ring_state *st, _Atomic uint32_t *seq,
		       _Atomic uint32_t *waiting)
{
	if (st->spin)
		return 0;
	atomic_thread_fence(memory_order_seq_cst);
	if (!atomic_load_explicit(waiting, memory_order_relaxed))
		return 0;
	if (!atomic_exchange_explicit(waiting, 0, memory_order_relaxed))
		return 0;
	atomic_fetch_add_explicit(seq, 1, memory_order_release);
	return futex_wake_one(seq);
}

static int ring_open_common(struct chan *c, bool spin)
{
	struct ring_state *st = (struct ring_state *)c->state;
	if (c->region_bytes < ring_region_size(c->max_msg))
		return -EINVAL;
	st->cap = ring_cap(c->max_msg);
	st->spin = spin;
	for (int d = 0; d < 2; d++) {
		struct ring_ctl *r = ring_ctl(c, d);
		atomic_init(&r->head, 0);
		atomic_init(&r->tail, 0);
		atomic_init(&r->data_seq, 0);
		atomic_init(&r->data_waiting, 0);
		atomic_init(&r->space_seq, 0);
		atomic_init(&r->space_waiting, 0);
		r->w_head = r->w_tail_seen = r->r_tail = r->r_head_seen = 0;
	}
	return 0;
}

static int shm_futex_open(struct chan *c)
{
	return ring_open_common(c, false);
}

static int shm_spin_open(struct chan *c)
{
	return ring_open_common(c, true);
}

/*
 * Copies buf into ring `from` in contiguous pieces of at most
 * RING_CHUNK_BYTES (a piece stops at the end of the data area, where the
 * ring wraps), publishing head after each. Room is re-read from tail only
 * when the known room is smaller than the next piece, to keep pieces large
 * and the reader's cache line quiet.
 */
static int ring_send(struct chan *c, enum chan_side from, const void *buf, size_t len)
{
	const struct ring_state *st = (const struct ring_state *)c->state;
	struct ring_ctl *r = ring_ctl(c, from);
	unsigned char *data = ring_data(c, from);
	const unsigned char *p = buf;
	uint64_t head = r->w_head;
	uint64_t tail = r->w_tail_seen;

	while (len) {
		size_t room = st->cap - (size_t)(head - tail);
		if (room < min_size(len, RING_CHUNK_BYTES)) {
			tail = atomic_load_explicit(&r->tail, memory_order_acquire);
			room = st->cap - (size_t)(head - tail);
		}
		if (room == 0) {
			int err = ring_wait(st, &r->tail, tail, &r->space_seq, &r->space_waiting,
					    &tail);
			if (err)
				return err;
			continue;
		}
		size_t at = (size_t)head & (st->cap - 1);
		size_t n = min_size(min_size(len, room), min_size(st->cap - at, RING_CHUNK_BYTES));
		memcpy(data + at, p, n);
		p += n;
		len -= n;
		head += n;
		atomic_store_explicit(&r->head, head, memory_order_release);
		r->w_head = head;
		r->w_tail_seen = tail;
		int err = ring_notify(st, &r->data_seq, &r->data_waiting);
		if (err)
			return err;
	}
	r->w_tail_seen = tail;
	return 0;
}

/*
 * The mirror of ring_send(): hands each piece to fn where it lies, then
 * publishes tail. ring_recv() is this with a copy out as fn.
 */
static int ring_consume(struct chan *c, enum chan_side to, size_t len, chan_consume_fn fn,
			void *arg)
{
	const struct ring_state *st = (const struct ring_state *)c->state;
	int dir = to == CHAN_A ? CHAN_B : CHAN_A;
	struct ring_ctl *r = ring_ctl(c, dir);
	const unsigned char *data = ring_data(c, dir);
	uint64_t tail = r->r_tail;
	uint64_t head = r->r_head_seen;

	while (len) {
		size_t avail = (size_t)(head - tail);
		if (avail < min_size(len, RING_CHUNK_BYTES)) {
			head = atomic_load_explicit(&r->head, memory_order_acquire);
			avail = (size_t)(head - tail);
		}
		if (avail == 0) {
			int err = ring_wait(st, &r->head, head, &r->data_seq, &r->data_waiting,
					    &head);
			if (err)
				return err;
			continue;
		}
		size_t at = (size_t)tail & (st->cap - 1);
		size_t n = min_size(min_size(len, avail), min_size(st->cap - at, RING_CHUNK_BYTES));
		fn(arg, data + at, n);
		len -= n;
		tail += n;
		atomic_store_explicit(&r->tail, tail, memory_order_release);
		r->r_tail = tail;
		r->r_head_seen = head;
		/*
		 * A writer waiting for room is woken once half the ring is free
		 * (or the ring is empty), not after every piece: a stream then
		 * costs a wake-up per half ring instead of one per piece.
		 */
		if ((size_t)(head - tail) <= st->cap / 2 || len == 0) {
			int err = ring_notify(st, &r->space_seq, &r->space_waiting);
			if (err)
				return err;
		}
	}
	return 0;
}

/* Copies a piece out to the caller's buffer and moves past it. */
static void copy_out(void *arg, const void *piece, size_t n)
{
	unsigned char **p = arg;
	memcpy(*p, piece, n);
	*p += n;
}

static int ring_recv(struct chan *c, enum chan_side to, void *buf, size_t len)
{
	unsigned char *p = buf;
	return ring_consume(c, to, len, copy_out, &p);
}

/* The ring holds no kernel object: nothing to release. */
static void ring_close(struct chan *c)
{
	(void)c;
}

/* ------------------------------------------------------------------ */
/* One buffer per direction (eventfd, mutex_cond)                      */
/* ------------------------------------------------------------------ */

/*
 * eventfd and mutex_cond hand over one piece at a time through a buffer of
 * piece_bytes per direction in c->region: the sender waits until the
 * buffer is free, fills it and says so; the receiver waits until it is
 * full, empties it and says so. There is no overlap between the two
 * copies, unlike the ring: each piece is a full round trip. The receiver
 * keeps an offset into the current piece, so a recv() shorter than the
 * piece takes the rest on the next call (the two sides need not split a
 * message the same way).
 */
static size_t piece_bytes(size_t max_msg)
{
	return max_msg == 0 ? 1 : min_size(max_msg, PIECE_MAX_BYTES);
}

static size_t buffers_region_size(size_t max_msg)
{
	return 2 * round_up(piece_bytes(max_msg), CACHE_LINE);
}

static unsigned char *buffer_of(struct chan *c, int dir)
{
	return (unsigned char *)c->region +
	       (size_t)dir * round_up(piece_bytes(c->max_msg), CACHE_LINE);
}

/* ------------------------------------------------------------------ */
/* eventfd                                                             */
/* ------------------------------------------------------------------ */

/*
 * Per direction d (what side d sends), two eventfds used as counters:
 * ready[d] is written 1 when the buffer holds a piece, free[d] when it may
 * be refilled (it starts at 1: the buffer starts free). Waiting is a
 * blocking read(), which returns the count and resets it to 0; since at
 * most one piece is outstanding the count is always 1. The piece's length
 * travels in filled[d] (release before the write, acquire after the read;
 * the system calls order memory anyway, the atomics say so to the
 * compiler and the sanitizers). An eventfd moves 8 bytes at once or not
 * at all, so the short-I/O helpers of core/io.h do not apply.
 */
enum {
	EFD_READY,
	EFD_FREE
};

struct efd_state {
	int fd[2][2];		     /* [direction][EFD_READY or EFD_FREE] */
	unsigned made;		     /* bit 2 * d + kind: fd[d][kind] is open */
	_Atomic size_t filled[2];    /* the piece's length, written by the sender */
	size_t rd_len[2], rd_off[2]; /* the receiver's current piece */
};

_Static_assert(sizeof(struct efd_state) <= CHAN_STATE_BYTES, "eventfd state too large");

static int efd_signal(int fd)
{
	uint64_t one = 1;
	while (write(fd, &one, sizeof(one)) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static int efd_wait(int fd)
{
	uint64_t count;
	while (read(fd, &count, sizeof(count)) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static void eventfd_close(struct chan *c)
{
	struct efd_state *st = (struct efd_state *)c->state;
	for (int d = 0; d < 2; d++)
		for (int k = 0; k < 2; k++)
			if (st->made & (1u << (2 * d + k))) {
				close(st->fd[d][k]);
				st->made &= ~(1u << (2 * d + k));
			}
}

static int eventfd_open(struct chan *c)
{
	struct efd_state *st = (struct efd_state *)c->state;
	if (c->region_bytes < buffers_region_size(c->max_msg))
		return -EINVAL;
	st->made = 0;
	for (int d = 0; d < 2; d++) {
		atomic_init(&st->filled[d], 0);
		st->rd_len[d] = st->rd_off[d] = 0;
		for (int k = 0; k < 2; k++) {
			int fd = eventfd(k == EFD_FREE ? 1 : 0, EFD_CLOEXEC);
			if (fd < 0) {
				int err = -errno;
				eventfd_close(c);
				return err;
			}
			st->fd[d][k] = fd;
			st->made |= 1u << (2 * d + k);
		}
	}
	return 0;
}

static int eventfd_send(struct chan *c, enum chan_side from, const void *buf, size_t len)
{
	struct efd_state *st = (struct efd_state *)c->state;
	unsigned char *dst = buffer_of(c, from);
	const unsigned char *p = buf;
	size_t piece = piece_bytes(c->max_msg);

	while (len) {
		int err = efd_wait(st->fd[from][EFD_FREE]);
		if (err)
			return err;
		size_t n = min_size(len, piece);
		memcpy(dst, p, n);
		atomic_store_explicit(&st->filled[from], n, memory_order_release);
		err = efd_signal(st->fd[from][EFD_READY]);
		if (err)
			return err;
		p += n;
		len -= n;
	}
	return 0;
}

static int eventfd_recv(struct chan *c, enum chan_side to, void *buf, size_t len)
{
	struct efd_state *st = (struct efd_state *)c->state;
	int dir = to == CHAN_A ? CHAN_B : CHAN_A;
	const unsigned char *src = buffer_of(c, dir);
	unsigned char *p = buf;

	while (len) {
		if (st->rd_off[dir] == st->rd_len[dir]) {
			int err = efd_wait(st->fd[dir][EFD_READY]);
			if (err)
				return err;
			st->rd_len[dir] =
				atomic_load_explicit(&st->filled[dir], memory_order_acquire);
			st->rd_off[dir] = 0;
		}
		size_t n = min_size(len, st->rd_len[dir] - st->rd_off[dir]);
		memcpy(p, src + st->rd_off[dir], n);
		st->rd_off[dir] += n;
		p += n;
		len -= n;
		if (st->rd_off[dir] == st->rd_len[dir]) {
			int err = efd_signal(st->fd[dir][EFD_FREE]);
			if (err)
				return err;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* mutex_cond                                                          */
/* ------------------------------------------------------------------ */

/*
 * Per direction a process-shared mutex and one condition variable, in
 * c->state. `filled` (the piece's length, 0: the buffer is free) and `off`
 * (how much of it the receiver has taken) are read and written only under
 * the mutex, which also orders the buffer's bytes. The sender waits while
 * filled != 0 and the receiver while off == filled; the two conditions
 * exclude each other, so at most one side waits on a direction's
 * condition variable and pthread_cond_signal() is enough. The copies are
 * done under the mutex: the peer has nothing to do meanwhile but wait for
 * that very piece. A peer that dies holding the mutex leaves the other
 * side blocked (no robust mutex): the runner's deadline covers it.
 */
struct mc_dir {
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	size_t filled;
	size_t off;
};

struct mc_state {
	struct mc_dir dir[2];
	unsigned made; /* bit 2 * d: dir[d].mutex made; bit 2 * d + 1: dir[d].cond made */
};

_Static_assert(sizeof(struct mc_state) <= CHAN_STATE_BYTES, "mutex_cond state too large");

static void mutex_cond_close(struct chan *c)
{
	struct mc_state *st = (struct mc_state *)c->state;
	for (int d = 0; d < 2; d++) {
		if (st->made & (2u << (2 * d)))
			pthread_cond_destroy(&st->dir[d].cond);
		if (st->made & (1u << (2 * d)))
			pthread_mutex_destroy(&st->dir[d].mutex);
	}
	st->made = 0;
}

static int mutex_cond_open(struct chan *c)
{
	struct mc_state *st = (struct mc_state *)c->state;
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	int err;

	if (c->region_bytes < buffers_region_size(c->max_msg))
		return -EINVAL;
	st->made = 0;
	err = pthread_mutexattr_init(&ma);
	if (err)
		return -err;
	err = pthread_condattr_init(&ca);
	if (err)
		goto destroy_mutexattr;
	err = pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	if (!err)
		err = pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	for (int d = 0; d < 2 && !err; d++) {
		st->dir[d].filled = st->dir[d].off = 0;
		err = pthread_mutex_init(&st->dir[d].mutex, &ma);
		if (err)
			break;
		st->made |= 1u << (2 * d);
		err = pthread_cond_init(&st->dir[d].cond, &ca);
		if (err)
			break;
		st->made |= 2u << (2 * d);
	}
	if (err)
		mutex_cond_close(c);
	pthread_condattr_destroy(&ca);
destroy_mutexattr:
	pthread_mutexattr_destroy(&ma);
	return -err;
}

static int mutex_cond_send(struct chan *c, enum chan_side from, const void *buf, size_t len)
{
	struct mc_state *st = (struct mc_state *)c->state;
	struct mc_dir *d = &st->dir[from];
	unsigned char *dst = buffer_of(c, from);
	const unsigned char *p = buf;
	size_t piece = piece_bytes(c->max_msg);
	int err = pthread_mutex_lock(&d->mutex);
	if (err)
		return -err;
	while (len && !err) {
		while (d->filled != 0 && !err)
			err = pthread_cond_wait(&d->cond, &d->mutex);
		if (err)
			break;
		size_t n = min_size(len, piece);
		memcpy(dst, p, n);
		d->filled = n;
		d->off = 0;
		p += n;
		len -= n;
		err = pthread_cond_signal(&d->cond);
	}
	pthread_mutex_unlock(&d->mutex);
	return -err;
}

static int mutex_cond_recv(struct chan *c, enum chan_side to, void *buf, size_t len)
{
	struct mc_state *st = (struct mc_state *)c->state;
	int dir = to == CHAN_A ? CHAN_B : CHAN_A;
	struct mc_dir *d = &st->dir[dir];
	const unsigned char *src = buffer_of(c, dir);
	unsigned char *p = buf;
	int err = pthread_mutex_lock(&d->mutex);
	if (err)
		return -err;
	while (len && !err) {
		while (d->off == d->filled && !err)
			err = pthread_cond_wait(&d->cond, &d->mutex);
		if (err)
			break;
		size_t n = min_size(len, d->filled - d->off);
		memcpy(p, src + d->off, n);
		d->off += n;
		p += n;
		len -= n;
		if (d->off == d->filled) {
			d->filled = d->off = 0;
			err = pthread_cond_signal(&d->cond);
		}
	}
	pthread_mutex_unlock(&d->mutex);
	return -err;
}

/* ------------------------------------------------------------------ */

const struct channel_ops chan_shm_futex = {
	.name = "shm_futex",
	.label = N_("a shared-memory ring per direction, sleeping on a futex when needed"),
	.region_size = ring_region_size,
	.open = shm_futex_open,
	.send = ring_send,
	.recv = ring_recv,
	.consume = ring_consume,
	.close = ring_close,
};

const struct channel_ops chan_shm_spin = {
	.name = "shm_spin",
	.label = N_("a shared-memory ring per direction, both sides spinning (burns a CPU)"),
	.busy_poll = true,
	.region_size = ring_region_size,
	.open = shm_spin_open,
	.send = ring_send,
	.recv = ring_recv,
	.consume = ring_consume,
	.close = ring_close,
};

const struct channel_ops chan_eventfd = {
	.name = "eventfd",
	.label = N_("a shared buffer per direction, handed over with eventfds"),
	.region_size = buffers_region_size,
	.open = eventfd_open,
	.send = eventfd_send,
	.recv = eventfd_recv,
	.close = eventfd_close,
};

const struct channel_ops chan_mutex_cond = {
	.name = "mutex_cond",
	.label = N_("a shared buffer per direction behind a process-shared mutex and condition "
		    "variable"),
	.region_size = buffers_region_size,
	.open = mutex_cond_open,
	.send = mutex_cond_send,
	.recv = mutex_cond_recv,
	.close = mutex_cond_close,
};
