// SPDX-License-Identifier: MIT
/*
 * tracepoint: counts a kernel tracepoint (tlb:tlb_flush, for one) with
 * perf_event_open(PERF_TYPE_TRACEPOINT): a software event, which a
 * virtual machine without hardware counters still allows.
 *
 * The event's id is read from tracefs (events/<group>/<name>/id), which is
 * mounted at /sys/kernel/tracing or, on older systems, under debugfs at
 * /sys/kernel/debug/tracing; an empty /sys/kernel/tracing is a mount
 * point with nothing mounted. ptlab reads, it never mounts.
 *
 * The counter is per CPU (every task on that CPU), not per task: a
 * per-task counter is switched out before the scheduler switches address
 * spaces and in after, so it would miss exactly the flushes of a context
 * switch. A per-CPU counter needs perf_event_paranoid <= 0 or
 * CAP_PERFMON (root has it).
 */
#ifndef PTLAB_CORE_TRACEPOINT_H
#define PTLAB_CORE_TRACEPOINT_H

#include <stdint.h>

/*
 * Reads the id of tracepoint group:name. root: the tracefs directory to
 * read, or NULL for the usual two places in turn. Returns 0, -ENODEV when
 * no tracefs is there (no events directory), -ENOENT when tracefs is there
 * but the kernel has no such event, or the -errno of reading it (-EACCES).
 */
int tracepoint_id(const char *root, const char *group, const char *name, uint64_t *id);

/*
 * Opens a counter of tracepoint id on one CPU, for every task, counting
 * from now. Returns the descriptor (close it), or -errno of
 * perf_event_open (-EACCES or -EPERM: perf_event_paranoid or no
 * CAP_PERFMON; -ENOENT, -ENODEV, -EOPNOTSUPP: not available here).
 */
int tracepoint_open_cpu(uint64_t id, int cpu);

/* Reads a counter's total so far. Returns 0 or -errno. */
int tracepoint_read(int fd, uint64_t *count);

/* /proc/sys/kernel/perf_event_paranoid, or INT32_MIN when it cannot be read. */
int tracepoint_paranoid(void);

#endif
