// SPDX-License-Identifier: MIT
/*
 * cleanup: leave nothing behind. Every named object an experiment makes —
 * POSIX shared memory, named semaphores, message queues, FIFOs, temporary
 * files — carries the prefix "ptlab.<owner>." where owner is the pid of
 * the experiment process; a System V key carries a magic nibble, the
 * owner's pid and an index. The runner sweeps an owner's objects after its
 * experiment process ends, however it ended; `ptlab clean` sweeps those
 * of every owner whose process is gone (a run killed with SIGKILL).
 *
 * POSIX message queues can only be listed where /dev/mqueue is mounted;
 * elsewhere the sweep cannot see them. So an experiment also records each
 * object it makes (exp_track(), which reaches the runner at once), unlinks
 * it as soon as both ends hold it (DESIGN.md, principle 7), and the runner
 * removes whatever recorded object is left with cleanup_remove().
 */
#ifndef PTLAB_CORE_CLEANUP_H
#define PTLAB_CORE_CLEANUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/ipc.h>
#include <sys/types.h>

#define CLEANUP_PREFIX "ptlab."

/* Sets the owner pid that names are made with (the experiment process). */
void cleanup_set_owner(pid_t owner);
pid_t cleanup_owner(void);

/*
 * Writes "ptlab.<owner>.<tag>" into buf. Returns 0, or -ENAMETOOLONG when
 * it does not fit. POSIX shm and mq names take a leading '/': callers add it.
 */
int cleanup_name(char *buf, size_t size, const char *tag);

/* A path in the temporary folder ($TMPDIR or /tmp) named as above. */
int cleanup_tmp_path(char *buf, size_t size, const char *tag);

/* A System V IPC key for this owner; idx in [0, 63]. */
key_t cleanup_sysv_key(unsigned idx);

struct cleanup_counts {
	unsigned shm, mqueue, tmp, sysv;
};

/*
 * Removes the objects of owner (> 0), or with owner == 0 those of every
 * owner whose process no longer exists. Where objects are looked for:
 * /dev/shm, /dev/mqueue (when mounted), the temporary folder, and the
 * System V tables in /proc/sysvipc. counts (nullable) receives what was
 * removed. Returns 0, or the first -errno met (it still tries the rest).
 */
int cleanup_sweep(pid_t owner, struct cleanup_counts *counts);

/* Kinds of named object, for objects recorded one by one (exp_track()). */
enum cleanup_kind {
	CLEANUP_SHM,	  /* POSIX shared memory: "/ptlab.<pid>.x" */
	CLEANUP_MQUEUE,	  /* POSIX message queue: "/ptlab.<pid>.x" */
	CLEANUP_SEM,	  /* POSIX named semaphore: "/ptlab.<pid>.x" */
	CLEANUP_PATH,	  /* FIFO, socket or temporary file: an absolute path */
	CLEANUP_SYSV_SHM, /* System V objects: the key, in decimal */
	CLEANUP_SYSV_MSG,
	CLEANUP_SYSV_SEM,
};

/*
 * Removes one named object. Returns 0, -ENOENT when it is already gone,
 * or another -errno.
 */
int cleanup_remove(enum cleanup_kind kind, const char *name);

/* Stable names of the kinds ("shm", "mqueue", ...), and back (-EINVAL if unknown). */
const char *cleanup_kind_name(enum cleanup_kind kind);
int cleanup_kind_from_name(const char *s, enum cleanup_kind *out);

/* The temporary folder ptlab uses. */
const char *cleanup_tmpdir(void);

#endif
