// SPDX-License-Identifier: MIT
/*
 * limit: a failure that a resource limit explains, said in words that name
 * the limit and its value, so that a skip tells the reader which limit to
 * raise ("the open-file limit is reached (ulimit -n: 6)") instead of an
 * errno text that names none ("Resource temporarily unavailable").
 *
 * One errno means different limits after different calls: EAGAIN from
 * pthread_create() is the thread limit or a stack that no longer fits in
 * the address space; EMFILE from mq_open() is the open-file limit or the
 * bytes of RLIMIT_MSGQUEUE. So the caller says which kind of call failed,
 * and the explanation looks at the limits of this process (and, where
 * errno cannot tell, tries what the failed call needed) to pick the one
 * that applies. A failure no limit explains reads as strerror() does.
 *
 * Before the fact, limit_need_fds() and limit_need_tasks() say whether what
 * a measurement is about to make fits under the limit, in the same words,
 * so that it can be skipped before it starts instead of turning into a
 * figure of ptlab's own failures.
 */
#ifndef PTLAB_CORE_LIMIT_H
#define PTLAB_CORE_LIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evidence.h"

/* The kind of call that failed. */
enum limit_op {
	LIMIT_PROCESS,	/* fork(), vfork(), clone(), posix_spawn() */
	LIMIT_THREAD,	/* pthread_create() */
	LIMIT_FD,	/* anything that makes a descriptor: pipe, socket, open, eventfd */
	LIMIT_MAP,	/* mmap() and what allocates through it */
	LIMIT_POSIX_MQ, /* mq_open() */
	LIMIT_SYSV_MSG, /* msgget() */
	LIMIT_SYSV_SEM, /* semget() */
	LIMIT_EPOLL,	/* epoll_ctl(EPOLL_CTL_ADD) */
	LIMIT_CONNECT,	/* connect() of a socket of ptlab's own */
};

/* The sentences of this module (forms of core/evidence.h). */
extern const struct ev_form limit_forms[];

/*
 * Fills note with the evidence for err (a negative errno) after a call of
 * kind op: the limit that explains it with its value where one does
 * ("limit.nofile" with 6), else the errno. Returns &note->msg. It may try
 * a small mapping or a descriptor to tell two limits apart, and frees what
 * it tried.
 */
const struct ev_msg *limit_note(enum limit_op op, int err, struct ev_note *note);
/* The same, phrased in the reader's language into buf; returns buf. */
const char *limit_explain(enum limit_op op, int err, char *buf, size_t size);

/*
 * Whether need more descriptors fit under RLIMIT_NOFILE beside those this
 * process holds now (a child forked now inherits them, so this is also what
 * each child has room for). Returns 0, or -EMFILE with note naming the
 * total and the limit ("needs 24 open files, the open-file limit is 8
 * (ulimit -n)"). Unlimited: 0.
 */
int limit_need_fds(uint64_t need, struct ev_note *note);

/*
 * Whether need more tasks (processes and threads together) fit under
 * RLIMIT_NPROC beside those the real user runs now (as far as /proc shows
 * them). Returns 0, or -EAGAIN with note: "needs 14 processes and
 * threads, the process limit is 4 (ulimit -u)". Always 0 for root,
 * whom RLIMIT_NPROC does not bind, and under no limit. It is a necessary
 * condition, not a promise: the user may start more meanwhile.
 */
int limit_need_tasks(uint64_t need, struct ev_note *note);

#ifdef PTLAB_TESTING
/*
 * The test build can turn the two checks above off (they then return 0),
 * to drive the failures they would have prevented.
 */
extern bool limit_checks_off;
#endif

#endif
