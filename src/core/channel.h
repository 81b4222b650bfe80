// SPDX-License-Identifier: MIT
/*
 * channel: one IPC mechanism behind one table of operations, usable
 * between two threads and between two processes with the same code.
 *
 * Life of a channel:
 *   1. channel_open() in the experiment process, BEFORE side B exists:
 *      every kernel object is made here (pipes, sockets, queues, the
 *      shared ring), so that a process B inherits it at fork and a thread
 *      B simply shares it. Named objects (FIFO, POSIX queue) are unlinked
 *      as soon as both ends are open, still inside open(); a System V
 *      queue carries a cleanup key and is removed by close().
 *   2. Side A and side B each call channel_attach() for their side once
 *      (a mechanism that needs per-side set-up — a blocked signal mask, a
 *      recorded thread id — does it here), then send and receive.
 *   3. channel_close() after B has ended.
 *
 * Messages: send() gives the peer `len` bytes; recv() takes exactly `len`
 * bytes (the caller always knows the size: both sides agree on the
 * message size beforehand). A message larger than the mechanism takes in
 * one piece is split by the mechanism itself into pieces, in order; a
 * mechanism that cannot carry a size at all says so through
 * channel_supports().
 *
 * A side that fails stops without telling the other: a peer blocked in
 * recv() then waits until the runner's deadline ends the experiment.
 *
 * All state a side needs lives in struct chan, which the caller places in
 * the shared arena (core/shm.h) before B starts, so a process B sees the
 * same values. Functions return 0 or -errno and never print.
 */
#ifndef PTLAB_CORE_CHANNEL_H
#define PTLAB_CORE_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/evidence.h"
#include "core/shm.h"

enum chan_side {
	CHAN_A = 0,
	CHAN_B = 1
};

#define CHAN_STATE_BYTES 512 /* per-mechanism state, inside struct chan */

struct chan {
	const struct channel_ops *ops;
	size_t max_msg; /* the largest message the caller will send */
	bool processes; /* B will be a process (false: a thread) */
	_Alignas(64) unsigned char state[CHAN_STATE_BYTES]; /* the mechanism's own, in the arena */
	void *region; /* extra shared memory the mechanism asked for (ring, buffer) */
	size_t region_bytes;
};

/* Takes one piece of a message in place (consume()): n bytes at piece, valid during the call. */
typedef void (*chan_consume_fn)(void *arg, const void *piece, size_t n);

struct channel_ops {
	const char *name;  /* "pipe", "fifo", "unix_stream", "unix_dgram", "tcp", "udp",
			       "posix_mq", "sysv_mq", "shm_futex", "shm_spin", "eventfd",
			       "mutex_cond", "signal" */
	const char *label; /* N_(): one line for people */
	bool busy_poll;	   /* burns a CPU while waiting (labelled so in reports) */
	bool lossy;	   /* may drop messages when the reader falls behind (UDP) */
	/*
	 * Shared memory the mechanism needs beyond struct chan, for messages of
	 * up to max_msg bytes (0: none). The caller maps it in the arena and
	 * sets c->region before open().
	 */
	size_t (*region_size)(size_t max_msg);
	/*
	 * Whether a message of len bytes can be carried at all; when not, why
	 * (a static or translated sentence, e.g. "a signal carries one
	 * integer"). NULL means every size works.
	 */
	bool (*supports)(size_t len);
	/* Makes every object (see the file comment). Returns 0 or -errno. */
	int (*open)(struct chan *c);
	/* Per-side set-up, in the side's own thread. NULL: nothing to do. */
	int (*attach)(struct chan *c, enum chan_side side);
	int (*send)(struct chan *c, enum chan_side from, const void *buf, size_t len);
	int (*recv)(struct chan *c, enum chan_side to, void *buf, size_t len);
	/*
	 * Optional: receives len bytes by handing them to fn piece by piece
	 * where they lie (a ring in shared memory), with no copy out. NULL:
	 * channel_consume() receives into a buffer and hands that over.
	 */
	int (*consume)(struct chan *c, enum chan_side to, size_t len, chan_consume_fn fn,
		       void *arg);
	/* Releases everything open() made. Safe after a failed open(). */
	void (*close)(struct chan *c);
};

/* Every mechanism, NULL-terminated, in the order of the list above. */
extern const struct channel_ops *const channels[];

const struct channel_ops *channel_find(const char *name);

/*
 * Prepares c for ops and messages of up to max_msg bytes: clears it, asks
 * for the region (which the caller maps: see channel_region_size) and
 * records whether B will be a process.
 */
void channel_init(struct chan *c, const struct channel_ops *ops, size_t max_msg, bool processes);
size_t channel_region_size(const struct channel_ops *ops, size_t max_msg);

/* Whether a message of len bytes can be carried (the caller says why not). */
bool channel_supports(const struct channel_ops *ops, size_t len);

int channel_open(struct chan *c);
/*
 * Why channel_open() of ops failed with err, as evidence (core/limit.h):
 * the limit that explains it with its value where one does — a POSIX
 * queue's EMFILE may be ulimit -q, a System V queue's ENOSPC
 * kernel.msgmni, any EMFILE ulimit -n — else the errno. Fills note;
 * returns &note->msg.
 */
const struct ev_msg *channel_note(const struct channel_ops *ops, int err, struct ev_note *note);
int channel_attach(struct chan *c, enum chan_side side);
int channel_send(struct chan *c, enum chan_side from, const void *buf, size_t len);
int channel_recv(struct chan *c, enum chan_side to, void *buf, size_t len);
void channel_close(struct chan *c);

/*
 * Receives len bytes and hands them to fn: in place where the mechanism
 * can (one copy less), otherwise through bounce (len bytes of the
 * caller's). Returns 0 or -errno.
 */
int channel_consume(struct chan *c, enum chan_side to, size_t len, chan_consume_fn fn, void *arg,
		    void *bounce);

/* The mechanism files' own tables. */
extern const struct channel_ops chan_pipe, chan_fifo, chan_unix_stream, chan_tcp;
extern const struct channel_ops chan_unix_dgram, chan_udp, chan_posix_mq, chan_sysv_mq, chan_signal;
extern const struct channel_ops chan_shm_futex, chan_shm_spin, chan_eventfd, chan_mutex_cond;

#endif
