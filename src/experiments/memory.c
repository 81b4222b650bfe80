// SPDX-License-Identifier: MIT
/*
 * memory: what an idle unit costs in memory, as a process and as a thread.
 *
 * Method: N units that do nothing are started and held at a gate in the
 * shared arena (a futex they sleep on, so they are really idle); once all
 * N are there, the memory they add is read, they are released and waited
 * for. Each figure is taken `repeats` times from scratch.
 *
 * From scratch means a fresh process each time: every repetition runs in a
 * measuring process (a process unit forked by the experiment) that starts
 * the N units and reads the figures. Within one long-lived process glibc
 * would hand the second round of threads the cached stacks of the first,
 * still resident, and the threads would seem to cost nothing.
 *
 * User memory is PSS (Pss of /proc/PID/smaps_rollup), so that a page that
 * fork left shared is counted once in all, not once per process. It is
 * summed over every process that shares pages with the units: ptlab's
 * experiment process, the measuring process and, for process units, each
 * child; the same sum before the units start is subtracted. Leaving the
 * parents out would make the processes look cheaper than they are: after
 * a fork the parent's own Pss falls as its pages become shared. Caveat:
 * the first writes of the measuring process into pages it still shares
 * with ptlab (the heap, libc's lists) are counted too; a few pages,
 * divided by N.
 *
 * Kernel memory is the change of PageTables + KernelStack + Slab in
 * /proc/meminfo. Those are machine-wide: anything else that runs moves
 * them too (Slab above all), which at N = 1 can outweigh the unit; the
 * figures at larger N are the ones to trust. The kernel keeps these
 * counters per CPU and folds them now and then; where the experiment may
 * (root), it folds them before each reading through vm.stat_refresh.
 * Before its baseline each repetition waits for an RCU grace period, so
 * that the task structures of the units before it are freed already. A
 * delta below zero is noise and counts as zero (an observation says how
 * often). A cgroup v2 memory.stat is not used: the kernel flushes its
 * per-CPU figures only once enough has changed, which hides one unit.
 *
 * The thread stack is observed once: pthread's default size (virtual)
 * against the Rss of the mapping that holds a thread unit's frame.
 *
 * Limits (the process or thread limit, memory) skip a figure with the
 * reason, and every larger N of that kind after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runner/experiment.h"
#include "core/limit.h"
#include "core/procfs.h"
#include "core/shm.h"
#include "core/unit.h"
#include "core/units.h"
#include "util/i18n.h"

#define REPEATS_MAX 50

struct memory_params {
	struct param_list units; /* how many idle units, one figure per count */
	int64_t repeats;	 /* measurements per figure, each from scratch */
};

/* The gate the units wait at; in the arena, so one pointer serves both kinds. */
struct gate {
	_Alignas(64) _Atomic uint32_t ready;   /* units at the gate; the futex the host sleeps on */
	_Alignas(64) _Atomic uint32_t release; /* 1: leave; the futex the units sleep on */
	uint32_t target;		       /* units expected */
	_Atomic uintptr_t stack_addr;	       /* a frame on the first unit's stack */
};

/* What stopped a measuring process before it measured. */
enum host_fail {
	HOST_NO_TABLE, /* no memory for its table of units */
	HOST_START,    /* unit fail_at + 1 could not be started: fail_err */
	HOST_PROC,     /* /proc could not be read: fail_err */
};

/* One repetition: what the experiment asks and what the measuring process answers. */
struct shared {
	struct gate gate;
	/* asked */
	enum unit_type kind;
	uint32_t n;
	bool want_stack; /* find the first unit's stack mapping (threads) */
	bool refresh;	 /* fold the per-CPU counters before reading meminfo */
	/* answered */
	bool done;	     /* measured; else fail says what stopped it */
	enum host_fail fail; /* when not done */
	uint32_t fail_at;    /* the units started when it stopped */
	int fail_err;	     /* -errno */
	int64_t pss_delta, kernel_delta;
	uint64_t stack_vma_bytes, stack_rss_bytes; /* 0 when not found */
};

/*
 * The unit: says it is there, then sleeps until released. The last to
 * arrive wakes the measuring process. The futexes are shared ones (no
 * FUTEX_PRIVATE_FLAG) so that the same code works across processes.
 */
static int idle_unit(void *arg)
{
	struct gate *g = arg;
	uintptr_t none = 0;
	atomic_compare_exchange_strong(&g->stack_addr, &none,
				       (uintptr_t)__builtin_frame_address(0));
	if (atomic_fetch_add_explicit(&g->ready, 1, memory_order_acq_rel) + 1 == g->target)
		unit_futex(&g->ready, FUTEX_WAKE, INT_MAX, NULL);
	while (!atomic_load_explicit(&g->release, memory_order_acquire))
		unit_futex(&g->release, FUTEX_WAIT, 0, NULL);
	return 0;
}

/*
 * Folds the kernel's per-CPU vmstat deltas into the totals (root only).
 * Returns whether it did.
 */
static bool stat_refresh(void)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t w = write(fd, "1\n", 2);
	int err = errno;
	close(fd);
	/* EINVAL only reports a counter that went negative; the fold is done. */
	return w > 0 || err == EINVAL;
}

/*
 * Waits for an RCU grace period (membarrier's global command is
 * synchronize_rcu() in the kernel): the task structures and the like of
 * units that ended before are freed through RCU, and a baseline read while
 * they are pending would make the next figure fall below zero. Where the
 * command is refused (nohz_full CPUs) the figures are only noisier.
 */
static void wait_rcu(void)
{
	syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0);
}

/* PageTables + KernelStack + Slab of /proc/meminfo, in bytes. Returns 0 or -errno. */
static int kernel_bytes(bool refresh, uint64_t *out)
{
	static const char *const fields[] = { "PageTables", "KernelStack", "Slab" };
	uint64_t sum = 0, v;
	if (refresh)
		stat_refresh();
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		int err = procfs_meminfo(fields[i], &v);
		if (err)
			return err;
		sum += v;
	}
	*out = sum;
	return 0;
}

/* Adds the Pss of pid (0: this process) to *sum. Returns 0 or -errno. */
static int add_pss(pid_t pid, uint64_t *sum)
{
	struct procfs_mem m;
	int err = procfs_mem(pid, &m);
	if (err)
		return err;
	*sum += m.pss_bytes;
	return 0;
}

/*
 * Finds the mapping of this process that holds addr in /proc/self/smaps
 * and reads its Size and Rss. Returns 0, or -ENOENT when no mapping holds
 * it or -errno when smaps cannot be read.
 */
static int stack_mapping(uintptr_t addr, uint64_t *size_bytes, uint64_t *rss_bytes)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	if (!f)
		return -errno;
	char line[512];
	bool inside = false, have_size = false;
	int ret = -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi, kb;
		/* A mapping's header; no field line ("AnonHugePages:") reads as lo-hi. */
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2) {
			inside = addr >= lo && addr < hi;
			continue;
		}
		if (!inside)
			continue;
		if (sscanf(line, "Size: %lu kB", &kb) == 1) {
			*size_bytes = (uint64_t)kb * 1024;
			have_size = true;
		} else if (have_size && sscanf(line, "Rss: %lu kB", &kb) == 1) {
			*rss_bytes = (uint64_t)kb * 1024;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

/* Says in sh that the measuring process stopped (at unit i, for err). */
static void host_stopped(struct shared *sh, enum host_fail fail, uint32_t i, int err)
{
	sh->fail = fail;
	sh->fail_at = i;
	sh->fail_err = err;
}

/*
 * Runs one repetition in a fresh process: reads the baseline, starts the
 * units, waits until all are at the gate, reads again, releases and waits
 * for every unit it started. The answers go into the arena; returns 0
 * either way (sh->done says whether it measured).
 */
static int host_main(void *arg)
{
	struct shared *sh = arg;
	struct gate *g = &sh->gate;
	pid_t ptlab = getppid();
	uint64_t pss0 = 0, pss1 = 0, k0, k1;
	uint32_t i, r;
	int err;

	/* The table is touched now, a write per page, so that it is in the baseline. */
	size_t bytes = (size_t)sh->n * sizeof(struct unit);
	struct unit *units = calloc(sh->n, sizeof(struct unit));
	if (!units) {
		host_stopped(sh, HOST_NO_TABLE, 0, -ENOMEM);
		return 0;
	}
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	for (size_t off = 0; off < bytes; off += page)
		((volatile char *)units)[off] = 0;

	/* Pss first, then the kernel: the /proc reads make dentries, in Slab. */
	wait_rcu();
	if ((err = add_pss(ptlab, &pss0)) || (err = add_pss(0, &pss0)) ||
	    (err = kernel_bytes(sh->refresh, &k0)))
		goto unreadable;
	for (i = 0; i < sh->n; i++)
		if ((err = unit_start(&units[i], sh->kind, idle_unit, g, -1))) {
			host_stopped(sh, HOST_START, i, err);
			goto release;
		}
	while ((r = atomic_load_explicit(&g->ready, memory_order_acquire)) < sh->n)
		unit_futex(&g->ready, FUTEX_WAIT, r, NULL);

	/* Now the kernel first, then Pss. */
	if ((err = kernel_bytes(sh->refresh, &k1)) || (err = add_pss(ptlab, &pss1)) ||
	    (err = add_pss(0, &pss1)))
		goto unreadable;
	for (i = 0; sh->kind == UNIT_PROCESS && i < sh->n; i++)
		if ((err = add_pss(units[i].pid, &pss1)))
			goto unreadable;
	if (sh->want_stack)
		stack_mapping(atomic_load(&g->stack_addr), &sh->stack_vma_bytes,
			      &sh->stack_rss_bytes);
	sh->pss_delta = (int64_t)pss1 - (int64_t)pss0;
	sh->kernel_delta = (int64_t)k1 - (int64_t)k0;
	sh->done = true;
	goto release;
unreadable:
	host_stopped(sh, HOST_PROC, 0, err);
release:
	atomic_store_explicit(&g->release, 1, memory_order_release);
	unit_futex(&g->release, FUTEX_WAKE, INT_MAX, NULL);
	for (i = 0; i < sh->n && units[i].running; i++) {
		struct unit_end end;
		unit_wait(&units[i], &end);
	}
	free(units);
	return 0;
}

/* What is known of one kind across the counts, ascending. */
struct kind_state {
	enum unit_type kind;
	uint32_t limit_n; /* this count could not be measured; 0 while all could */
	double per_unit;  /* the largest total per unit seen so far, bytes */
	bool stack_seen;  /* the thread stack was observed */
};

/* One figure's samples, raw bytes per unit. */
struct samples {
	uint64_t pss[REPEATS_MAX], kernel[REPEATS_MAX], total[REPEATS_MAX];
	unsigned clamped[3]; /* samples below zero, per metric */
};

/* Bytes per unit as a raw sample: a delta below zero is noise and counts as 0. */
static uint64_t per_unit(int64_t delta, uint32_t n, unsigned *clamped)
{
	if (delta < 0) {
		(*clamped)++;
		return 0;
	}
	return ((uint64_t)delta + n / 2) / n;
}

/*
 * Whether n units of this kind can be tried: the process limit, the thread
 * limit and the memory they would need. Returns true when they can, else
 * skips `what` with the reason.
 */
static bool fits(struct exp_ctx *ctx, const char *what, const struct kind_state *ks, uint32_t n)
{
	struct rlimit rl;
	uint64_t avail, threads_max = 0;
	if (geteuid() != 0 && getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (uint64_t)n + 1 > (uint64_t)rl.rlim_cur) {
		exp_skip(ctx, what, "memory.nproc", ev_count(rl.rlim_cur), ev_count(n));
		return false;
	}
	FILE *f = fopen("/proc/sys/kernel/threads-max", "re");
	if (f) {
		if (fscanf(f, "%" SCNu64, &threads_max) != 1)
			threads_max = 0;
		fclose(f);
	}
	if (threads_max && (uint64_t)n + 1 > threads_max) {
		exp_skip(ctx, what, "memory.threads_max", ev_count(threads_max), ev_count(n));
		return false;
	}
	/* Twice what the last count cost per unit, or a generous guess, plus 64 MiB. */
	double est = ks->per_unit > 0 ? 2 * ks->per_unit
				      : (ks->kind == UNIT_PROCESS ? 1048576.0 : 262144.0);
	double need = (double)n * est + 67108864.0;
	if (procfs_meminfo("MemAvailable", &avail) == 0 && (double)avail < need) {
		exp_skip(ctx, what, "memory.no_memory", ev_num(need, "bytes"),
			 ev_num(avail, "bytes"));
		return false;
	}
	return true;
}

/* Skips `what` with what stopped the measuring process before it measured. */
static void skip_host(struct exp_ctx *ctx, const char *what, const struct shared *sh)
{
	switch (sh->fail) {
	case HOST_NO_TABLE:
		exp_skip_msg(ctx, what, &(struct ev_msg){ .form = "memory.no_table" });
		break;
	case HOST_START:
		if (sh->fail_err == -EAGAIN)
			exp_skip(ctx, what, "memory.start_limit", ev_count(sh->fail_at));
		else
			exp_skip(ctx, what, "memory.start", ev_count(sh->fail_at + 1),
				 ev_errno(sh->fail_err));
		break;
	case HOST_PROC:
		exp_skip(ctx, what, "memory.proc", ev_errno(sh->fail_err));
		break;
	}
}

/*
 * Runs one repetition in a measuring process. Returns 0, or -1 after
 * skipping `what` with the reason (a limit or an unreadable /proc).
 */
static int repeat_once(struct exp_ctx *ctx, const char *what, struct shared *sh)
{
	struct unit host;
	struct unit_end end;
	struct ev_note limit;
	int err = unit_start(&host, UNIT_PROCESS, host_main, sh, -1);
	if (err) {
		exp_skip(ctx, what, "memory.host_start",
			 ev_nested(limit_note(LIMIT_PROCESS, err, &limit)));
		return -1;
	}
	err = unit_wait(&host, &end);
	if (err || end.signalled || end.code != 0) {
		if (err)
			exp_skip(ctx, what, "memory.host_wait", ev_errno(err));
		else if (end.signalled)
			exp_skip(ctx, what, "memory.host_killed", ev_signal(end.signal));
		else
			exp_skip(ctx, what, "memory.host_exit", ev_count(end.code));
		return -1;
	}
	if (!sh->done) {
		skip_host(ctx, what, sh);
		return -1;
	}
	return 0;
}

static void record_figure(struct exp_ctx *ctx, const struct kind_state *ks, uint32_t n,
			  struct samples *s, size_t count)
{
	char nbuf[32];
	struct mparam mp[] = {
		mparam_str("kind", unit_type_name(ks->kind)),
		mparam_num("units", n, nbuf, sizeof(nbuf)),
	};
	static const char *const names[] = { "pss_per_unit", "kernel_per_unit", "total_per_unit" };
	uint64_t *raw[] = { s->pss, s->kernel, s->total };
	for (size_t i = 0; i < 3; i++) {
		struct sample_set set = { .batch = 1, .n = count, .raw = raw[i] };
		exp_record(ctx, names[i], MU_BYTES, DIR_LOWER_IS_BETTER, &set, mp, 2);
	}
	for (size_t i = 0; i < 3; i++) {
		char what[96];
		if (!s->clamped[i])
			continue;
		snprintf(what, sizeof(what), "below_zero %s %s units=%u", names[i],
			 unit_type_name(ks->kind), n);
		exp_observe(ctx, what, "memory.below_zero", ev_count(s->clamped[i]),
			    ev_count(count));
	}
}

/* The thread stack, once: virtual size (pthread's default) and what is resident. */
static void observe_stack(struct exp_ctx *ctx, const struct shared *sh)
{
	pthread_attr_t attr;
	size_t size = 0;
	if (pthread_getattr_default_np(&attr) == 0) {
		pthread_attr_getstacksize(&attr, &size);
		pthread_attr_destroy(&attr);
	}
	if (size == 0)
		size = (size_t)sh->stack_vma_bytes;
	exp_observe(ctx, "thread_stack", "memory.thread_stack", ev_num(size, "bytes"),
		    ev_num(sh->stack_rss_bytes, "bytes"));
}

/* Takes one figure: `repeats` repetitions of n units of one kind, then records them. */
static void take(struct exp_ctx *ctx, const struct memory_params *mp, struct shared *sh,
		 struct kind_state *ks, uint32_t n, bool refresh)
{
	char what[64];
	struct samples s = { 0 };
	size_t reps = (size_t)mp->repeats;

	snprintf(what, sizeof(what), "%s units=%u", unit_type_name(ks->kind), n);
	if (ks->limit_n) {
		exp_skip(ctx, what, "memory.not_tried", ev_count(ks->limit_n));
		return;
	}
	if (!fits(ctx, what, ks, n)) {
		ks->limit_n = n;
		return;
	}
	exp_progress(ctx, _("%s: %zu repetitions"), what, reps);
	for (size_t r = 0; r < reps; r++) {
		memset(sh, 0, sizeof(*sh));
		sh->gate.target = n;
		sh->kind = ks->kind;
		sh->n = n;
		sh->refresh = refresh;
		sh->want_stack = ks->kind == UNIT_THREAD && !ks->stack_seen;
		if (repeat_once(ctx, what, sh) != 0) {
			ks->limit_n = n;
			return;
		}
		if (sh->want_stack && sh->stack_rss_bytes) {
			observe_stack(ctx, sh);
			ks->stack_seen = true;
		}
		s.pss[r] = per_unit(sh->pss_delta, n, &s.clamped[0]);
		s.kernel[r] = per_unit(sh->kernel_delta, n, &s.clamped[1]);
		s.total[r] = per_unit(sh->pss_delta + sh->kernel_delta, n, &s.clamped[2]);
		if ((double)s.total[r] > ks->per_unit)
			ks->per_unit = (double)s.total[r];
	}
	record_figure(ctx, ks, n, &s, reps);
}

static int memory_run(struct exp_ctx *ctx, const void *params)
{
	const struct memory_params *mp = params;
	struct shm_arena arena;
	int err = shm_arena_create(&arena, sizeof(struct shared));
	if (err)
		return exp_fail(ctx, "arena", ev_errno(err));
	struct shared *sh = shm_arena_alloc(&arena, sizeof(struct shared), 64);

	/* The per-CPU counters can be folded only where /proc/sys/vm/stat_refresh is writable. */
	bool refresh = stat_refresh();
	exp_observe_msg(ctx, "kernel_source",
			&(struct ev_msg){ .form = refresh ? "memory.kernel_folded"
							  : "memory.kernel_unfolded" });
	exp_observe_msg(ctx, "pss_source", &(struct ev_msg){ .form = "memory.pss_source" });

	struct kind_state kinds[] = { { .kind = UNIT_PROCESS }, { .kind = UNIT_THREAD } };
	for (size_t i = 0; i < mp->units.n; i++)
		for (size_t k = 0; k < 2; k++)
			take(ctx, mp, sh, &kinds[k], (uint32_t)mp->units.v[i], refresh);
	shm_arena_destroy(&arena);
	return 0;
}

/* The counts must ascend: a limit met at one count skips the larger ones. */
static int memory_check(const void *params, char *err, size_t errlen)
{
	const struct memory_params *mp = params;
	for (size_t i = 1; i < mp->units.n; i++)
		if (mp->units.v[i] <= mp->units.v[i - 1]) {
			snprintf(err, errlen,
				 _("memory.units must be in ascending order without repeats, as "
				   "in 1,10,100; %lld follows %lld"),
				 (long long)mp->units.v[i], (long long)mp->units.v[i - 1]);
			return -EINVAL;
		}
	return 0;
}

/*
 * A generous bound: per repetition a measuring process (50 ms) and, per
 * unit, 3 ms to start it, read its Pss and wait for it, for both kinds,
 * twice over, plus a minute.
 */
static uint64_t memory_deadline(const void *params)
{
	const struct memory_params *mp = params;
	double ns = 0;
	for (size_t i = 0; i < mp->units.n; i++)
		ns += 2.0 * (double)mp->repeats * (50e6 + (double)mp->units.v[i] * 3e6);
	return (uint64_t)(2 * ns) + 60000000000ull;
}

static const char *const memory_claims[] = { "mem.footprint", NULL };

static const struct param memory_param_table[] = {
	{ "units", N_("idle units held at once, one figure per count (ascending)"), UNIT_COUNT,
	  true, offsetof(struct memory_params, units), "1,10,100,1000", "1,10,100",
	  "1,10,100,1000,10000", 1, 100000 },
	{ "repeats", N_("times each figure is measured, each time from scratch"), UNIT_COUNT, false,
	  offsetof(struct memory_params, repeats), "10", "10", "20", 3, REPEATS_MAX },
};

static const struct ev_form forms[] = {
	{ "memory.no_table", N_("no memory for the table of units") },
	{ "memory.start_limit",
	  N_("a limit on processes, threads or address space is reached after {1} units (ulimit "
	     "-u or -v, kernel.threads-max, kernel.pid_max or the pids cgroup)") },
	{ "memory.start", N_("cannot start unit {1}: {2}") },
	{ "memory.proc", N_("cannot read /proc: {1}") },
	{ "memory.nproc", N_("the process limit (ulimit -u) is {1}: {2} units do not fit") },
	{ "memory.threads_max", N_("kernel.threads-max is {1}: {2} units do not fit") },
	{ "memory.no_memory", N_("not enough free memory: {1} needed, {2} available") },
	{ "memory.host_start", N_("cannot start the measuring process: {1}") },
	{ "memory.host_wait", N_("cannot wait for the measuring process: {1}") },
	{ "memory.host_killed", N_("the measuring process was killed by {1}") },
	{ "memory.host_exit", N_("the measuring process exited with status {1}") },
	{ "memory.not_tried", N_("not tried: units={1} could not be measured already") },
	{ "memory.below_zero", N_("{1} of {2} samples fell below zero (noise) and count as 0") },
	/* {1} pthread's default stack size (virtual), {2} what of it is resident. */
	{ "memory.thread_stack", N_("{1} virtual, {2} resident") },
	{ "memory.kernel_folded", N_("/proc/meminfo deltas (PageTables, KernelStack, Slab), "
				     "per-CPU counters folded first (vm.stat_refresh)") },
	{ "memory.kernel_unfolded",
	  N_("/proc/meminfo deltas (PageTables, KernelStack, Slab), per-CPU counters not folded "
	     "(vm.stat_refresh needs root): small counts are noisy") },
	{ "memory.pss_source", N_("Pss of /proc/PID/smaps_rollup summed over ptlab, the measuring "
				  "process and every process unit, minus the same sum before the "
				  "units start") },
	{ NULL, NULL },
};

static const char *const per_unit_names[] = { "pss_per_unit", "kernel_per_unit", "total_per_unit",
					      NULL };
static const char *const per_unit_conditions[] = { "kind", "units", NULL };

static const struct figure_decl figures[] = {
	{ per_unit_names, MU_BYTES, DIR_LOWER_IS_BETTER, per_unit_conditions },
	{ NULL, MU_BYTES, DIR_NONE, NULL },
};

static const char *const per_unit_figures[] = { "pss_per_unit", "kernel_per_unit", NULL };
static const struct ev_form memory_labels[] = {
	{ "pss_per_unit", N_("user memory (PSS)") },
	{ "kernel_per_unit", N_("kernel memory (page tables, stacks, slab)") },
	{ NULL, NULL },
};
static const struct chart_decl charts[] = {
	{ .id = "memory-per-unit",
	  .kind = CHART_STACKED,
	  .title_one = N_("Memory per unit, with {1} unit of each kind"),
	  .title = N_("Memory per unit, with {1} units of each kind"),
	  .x_label = N_("kind of unit"),
	  .y_label = N_("memory per unit"),
	  .series = { { .names = per_unit_figures, .words = memory_labels } },
	  .cat_key = "kind",
	  .largest_key = "units" },
	{ .id = NULL },
};

const struct experiment exp_memory = {
	.name = "memory",
	.title = N_("Memory of an idle process or thread"),
	.method = N_("Starts N idle units held at a gate, as processes or as threads, and "
		     "reads what they add: user memory as Pss summed over every process that "
		     "shares their pages, kernel memory as the change of PageTables, "
		     "KernelStack and Slab in /proc/meminfo; both per unit, each figure "
		     "measured several times from scratch in a fresh process. Also a thread's "
		     "stack: its virtual size against what is resident."),
	.claims = memory_claims,
	.params = memory_param_table,
	.n_params = sizeof(memory_param_table) / sizeof(memory_param_table[0]),
	.params_size = sizeof(struct memory_params),
	.run = memory_run,
	.check = memory_check,
	.deadline = memory_deadline,
	.deadline_ns = { 120000000000ull, 900000000000ull },
	.quick_suite = true,
	.forms = forms,
	.figures = figures,
	.charts = charts,
};
