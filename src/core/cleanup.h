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
 * elsewhere the sweep cannot see them, so an experiment unlinks a queue as
 * soon as both ends have it open (DESIGN.md, principle 7).
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

/* The temporary folder ptlab uses. */
const char *cleanup_tmpdir(void);

#endif
