// SPDX-License-Identifier: MIT
/*
 * procfs: what the kernel says about a process's memory and scheduling,
 * read from /proc. Used by experiments to count what they cause (page
 * faults, context switches, resident memory) instead of assuming it.
 * Every function takes a pid (0 means the calling process) and returns 0
 * or -errno (-ENOENT when the process is gone).
 */
#ifndef PTLAB_CORE_PROCFS_H
#define PTLAB_CORE_PROCFS_H

#include <stdint.h>
#include <sys/types.h>

struct procfs_mem {
	uint64_t rss_bytes;	   /* Rss from smaps_rollup */
	uint64_t pss_bytes;	   /* Pss from smaps_rollup */
	uint64_t anon_bytes;	   /* Anonymous */
	uint64_t page_table_bytes; /* VmPTE from status */
};

/*
 * The fault counts cover the whole thread group (live and exited threads);
 * the kernel reports the context switches in status per task, so these
 * are the main thread's only.
 */
struct procfs_sched {
	uint64_t minor_faults, major_faults;		   /* /proc/PID/stat fields 10 and 12 */
	uint64_t voluntary_switches, involuntary_switches; /* status */
	int threads;					   /* Threads: from status */
};

/* -EINVAL also when the process has no memory map (zombie, kernel thread). */
int procfs_mem(pid_t pid, struct procfs_mem *out);
int procfs_sched(pid_t pid, struct procfs_sched *out);

/*
 * One field of /proc/meminfo in bytes ("MemAvailable"); the few fields
 * without a kB unit (HugePages_Total) come back as plain counts. Returns 0,
 * -ENOENT if absent.
 */
int procfs_meminfo(const char *field, uint64_t *bytes);

/*
 * Numeric fields of /proc/PID/stat, numbered as in proc(5) (minflt is 10,
 * starttime 22; at least 4): out[i] gets field fields[i]. Returns 0,
 * -ENOENT when there is no such process, -EINVAL on a malformed line or
 * another -errno.
 */
int procfs_stat_fields(pid_t pid, const int *fields, uint64_t *out, size_t n);

/* Number of entries in /proc/PID/task. */
int procfs_task_count(pid_t pid, int *count);

#endif
