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
 */
#ifndef PTLAB_CORE_LIMIT_H
#define PTLAB_CORE_LIMIT_H

#include <stddef.h>

/* The kind of call that failed. */
enum limit_op {
	LIMIT_PROCESS,	/* fork(), vfork(), clone(), posix_spawn() */
	LIMIT_THREAD,	/* pthread_create() */
	LIMIT_FD,	/* anything that makes a descriptor: pipe, socket, open, eventfd */
	LIMIT_MAP,	/* mmap() and what allocates through it */
	LIMIT_POSIX_MQ, /* mq_open() */
	LIMIT_SYSV_MSG, /* msgget() */
	LIMIT_SYSV_SEM, /* semget() */
};

/*
 * Writes into buf one translated phrase for err (a negative errno) after a
 * call of kind op: the limit that explains it with its value where one
 * does, else strerror(-err). Returns buf (always NUL-terminated). It may
 * try a small mapping or a descriptor to tell two limits apart, and frees
 * what it tried.
 */
const char *limit_explain(enum limit_op op, int err, char *buf, size_t size);

#endif
