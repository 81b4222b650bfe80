// SPDX-License-Identifier: MIT
/*
 * isolation: what a thread shares with its siblings and a process does
 * not. Facts, not figures: every check is a yes or a no with what was seen.
 *
 * Method. Where a comparison is made, one function runs as a thread unit
 * and then as a process unit (core/unit.h), and the experiment's own
 * thread looks at the result afterwards:
 *
 *  - def.unit, mem.stack: N threads, pinned round-robin to the CPUs of
 *    the run, meet at a gate in the shared arena (each spins, bounded,
 *    until all have arrived) and record their TID, PID, the CPU they run
 *    on once all are there, and their stack (pthread_getattr_np, and the
 *    frame address they run on). While all of them are alive, /proc/self/task is counted and the
 *    Rss of one idle thread's stack mapping is read from /proc/self/smaps:
 *    the mapping is the default size, the resident part a few pages.
 *  - mem.separate, mem.shared: a global and a heap value, each alone on
 *    its page, are written by the unit; the parent reads them afterwards.
 *    The child's minor faults across its two writes (from /proc/self/stat)
 *    are the copy-on-write copies fork set up.
 *  - mem.stack.overflow: in a sacrificial child process a thread recurses
 *    into its guard page; the signal that ended the child shows that a
 *    thread's overflow ends its whole process.
 *  - res.fd: a descriptor closed by the unit, then used by the main thread;
 *    and a read by a child process, which moves the parent's offset: fork
 *    duplicates descriptors, not the open file description behind them.
 *  - res.env: setenv and chdir by the unit, seen (or not) by the main
 *    thread; both are put back at once.
 *  - sec.isolation: a unit reads the main thread's secret through a
 *    pointer after the secret changed (a thread sees the new value, a
 *    process its copy of the old one); and a reader process without
 *    privilege over a non-dumpable target is refused process_vm_readv.
 *    When ptlab runs as root the reader drops to uid and gid 65534 first,
 *    since root may read anything. Yama's ptrace_scope, where present, is
 *    stated: at 1 or more it refuses a sibling on its own.
 *
 * Caveats: the threads of def.unit are pinned because, left alone, the
 * scheduler often keeps freshly made threads on their creator's CPU for
 * the few microseconds the gate lasts; pinned, the list shows every CPU of
 * the run busy with a thread of the one process at once (with more
 * threads than CPUs, CPUs repeat). The fault count includes any fault the read of
 * /proc/self/stat itself takes (none, once it was warmed up): two here, one
 * per page written; a sanitizer build adds the faults of its shadow memory.
 * Under ThreadSanitizer def.unit reads "no": the threads its runtime starts
 * are in the task count.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <grp.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/clock.h"
#include "runner/experiment.h"
#include "core/limit.h"
#include "core/procfs.h"
#include "core/shm.h"
#include "core/unit.h"
#include "util/i18n.h"

#define THREADS_MAX 64
#define WAIT_NS 5000000000ull /* the bound on every wait for a partner */
#define OVERFLOW_STACK_BYTES (256 * 1024)
#define NOBODY 65534
#define ENV_NAME "PTLAB_ISOLATION_PROBE"
#define SECRET_OLD 0x5ec0001
#define SECRET_NEW 0x5ec0002

struct isolation_params {
	int64_t threads;
};

/*
 * One barrier of sec.isolation: a reader process starts its target as its
 * own child (so Yama's ptrace_scope 1, which lets a process read only its
 * descendants, refuses nothing here), both under the uids the barrier asks
 * for, and reads the target's secret with process_vm_readv.
 */
struct barrier_probe {
	int reader_uid;		/* the reader drops to it, or -1: stays as ptlab runs */
	int target_uid;		/* the target drops to it, or -1: the reader's own */
	bool target_dumpable;	/* the target's PR_SET_DUMPABLE */
	_Atomic uint32_t ready; /* the target published its secret's address */
	_Atomic uint32_t done;	/* the reader is done with it */
	uintptr_t addr;		/* the target's secret, in its own memory */
	int start_err;		/* the reader could not start the target: -errno */
	int target_err;		/* the target could not take its uid: -errno */
	int reader_err;		/* the reader could not drop or fork: -errno */
	int result;		/* bytes read, or -errno */
	int64_t value;		/* what was read */
};

/* What one gate thread saw. */
struct slot {
	pid_t tid, pid;
	int cpu;
	int attr_err; /* pthread_getattr_np / pthread_attr_getstack, 0 or an error number */
	uintptr_t frame, stack_lo;
	size_t stack_bytes;
};

/* Everything the units share; it lives in the arena, so one pointer serves both kinds. */
struct shared {
	_Alignas(64) _Atomic uint32_t arrived;
	_Alignas(64) _Atomic uint32_t recorded;
	_Atomic uint32_t n_threads;	       /* lowered when not all could start */
	_Alignas(64) _Atomic uint32_t release; /* futex words from here */
	_Atomic uint32_t go;
	_Atomic uint32_t target_ready;
	_Atomic uint32_t reader_done;
	int64_t cow_faults;	    /* minor faults across the two writes */
	int64_t secret_read;	    /* what the reader unit found behind the pointer */
	pid_t target_pid;	    /* the non-dumpable target */
	uintptr_t target_addr;	    /* its secret, in its own memory */
	int read_result;	    /* bytes process_vm_readv read, or -errno */
	int drop_err;		    /* the reader could not drop privileges: -errno */
	int reader_uid;		    /* the reader's effective uid when it read */
	bool dropped;		    /* the reader dropped root's privileges to read */
	struct barrier_probe probe; /* one barrier of sec.isolation at a time */
	struct slot slots[THREADS_MAX];
};

/* The values a unit writes: each alone on its page, so a write copies only it. */
static struct {
	_Alignas(4096) volatile int v;
	char pad[4096 - sizeof(int)];
} global_page = { 1, { 0 } };

struct write_arg {
	struct shared *sh;
	volatile int *heap;
};

/* Waits until *word holds want, at most timeout_ns. Returns 0 or -ETIMEDOUT. */
static int word_wait(_Atomic uint32_t *word, uint32_t want, uint64_t timeout_ns)
{
	uint64_t end = clock_now_ns() + timeout_ns;
	uint32_t v;
	while ((v = atomic_load_explicit(word, memory_order_acquire)) != want) {
		uint64_t now = clock_now_ns();
		if (now >= end)
			return -ETIMEDOUT;
		struct timespec ts = { (time_t)((end - now) / 1000000000u),
				       (long)((end - now) % 1000000000u) };
		unit_futex(word, FUTEX_WAIT, v, &ts);
	}
	return 0;
}

static void word_set(_Atomic uint32_t *word, uint32_t v)
{
	atomic_store_explicit(word, v, memory_order_release);
	unit_futex(word, FUTEX_WAKE, INT_MAX, NULL);
}

/* Spins (yielding) until *count reaches *target, at most WAIT_NS. 0 or -ETIMEDOUT. */
static int count_reach(_Atomic uint32_t *count, _Atomic uint32_t *target)
{
	uint64_t end = clock_now_ns() + WAIT_NS;
	while (atomic_load_explicit(count, memory_order_acquire) < atomic_load(target)) {
		if (clock_now_ns() >= end)
			return -ETIMEDOUT;
		sched_yield();
	}
	return 0;
}

/*
 * How a unit that ended badly ended, into note: the signal that killed it,
 * or its exit code (a thread's return value). NULL when it ended with 0.
 */
static const struct ev_msg *bad_end(const struct unit_end *end, struct ev_note *note)
{
	if (end->signalled) {
		struct ev_val sig = ev_signal(end->signal);
		snprintf(note->text, sizeof(note->text), "%s", sig.s);
		sig.s = note->text;
		return ev_note_set(note, "isolation.killed", &sig, 1);
	}
	if (end->code != 0)
		return ev_note_set(note, "isolation.exit_code", &ev_count(end->code), 1);
	return NULL;
}

/* A bare errno, into note. */
static const struct ev_msg *errno_note(int err, struct ev_note *note)
{
	struct ev_val e = ev_errno(err);
	snprintf(note->text, sizeof(note->text), "%s", e.s);
	e.s = note->text;
	return ev_note_set(note, NULL, &e, 1);
}

/*
 * Waits for a started unit. Returns 0, or -errno (-EIO when it failed or
 * was killed) with why filled.
 */
static int wait_unit(struct unit *u, struct ev_note *why)
{
	struct unit_end end;
	int err = unit_wait(u, &end);
	if (err) {
		errno_note(err, why);
		return err;
	}
	return bad_end(&end, why) ? -EIO : 0;
}

/*
 * Runs fn(arg) as kind and waits for it. Returns 0, or -errno (-EIO when fn
 * failed or was killed) with why filled: the limit that kept the unit from
 * starting, or how it ended.
 */
static int run_unit(enum unit_type kind, unit_fn fn, void *arg, struct ev_note *why)
{
	struct unit u;
	int err = unit_start(&u, kind, fn, arg, -1);
	if (err) {
		limit_note(unit_limit_op(kind), err, why);
		return err;
	}
	return wait_unit(&u, why);
}

/* The form of a skip whose cause is that a unit of kind failed. */
static const char *unit_failed(enum unit_type kind)
{
	return kind == UNIT_THREAD ? "isolation.thread_failed" : "isolation.child_failed";
}

/* ---- def.unit and mem.stack ---- */

struct gate_arg {
	struct shared *sh;
	unsigned idx;
};

/* Records who and where it is, waits for all siblings, notes its CPU, idles until released. */
static int gate_thread(void *p)
{
	struct gate_arg *a = p;
	struct shared *sh = a->sh;
	struct slot *s = &sh->slots[a->idx];
	pthread_attr_t attr;
	void *lo = NULL;

	s->tid = gettid();
	s->pid = getpid();
	s->frame = (uintptr_t)__builtin_frame_address(0);
	s->attr_err = pthread_getattr_np(pthread_self(), &attr);
	if (!s->attr_err) {
		s->attr_err = pthread_attr_getstack(&attr, &lo, &s->stack_bytes);
		s->stack_lo = (uintptr_t)lo;
		pthread_attr_destroy(&attr);
	}
	atomic_fetch_add(&sh->arrived, 1);
	int err = count_reach(&sh->arrived, &sh->n_threads);
	s->cpu = sched_getcpu(); /* all siblings are alive now */
	atomic_fetch_add(&sh->recorded, 1);
	word_wait(&sh->release, 1, WAIT_NS);
	return err ? 1 : 0;
}

/*
 * The Rss of the mapping of this process that holds addr, from
 * /proc/self/smaps. Returns 0, 1 when no mapping holds it (or it shows no
 * Rss), or -errno when the file cannot be read.
 */
static int mapping_rss(uintptr_t addr, uint64_t *rss_bytes)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	if (!f)
		return -errno;
	char *line = NULL;
	size_t cap = 0;
	bool inside = false;
	int ret = 1;
	while (getline(&line, &cap, f) > 0) {
		unsigned long lo, hi;
		unsigned long long kib;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			if (inside)
				break;
			inside = addr >= lo && addr < hi;
		} else if (inside && sscanf(line, "Rss: %llu kB", &kib) == 1) {
			*rss_bytes = (uint64_t)kib * 1024;
			ret = 0;
			break;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

/* Appends ",v" (or "v" when buf is empty) to buf; silently stops when full. */
static void list_add(char *buf, size_t size, long v)
{
	size_t len = strlen(buf);
	if (len < size)
		snprintf(buf + len, size - len, "%s%ld", len ? "," : "", v);
}

static bool stacks_apart(const struct shared *sh, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		const struct slot *a = &sh->slots[i];
		if (a->attr_err || a->frame < a->stack_lo ||
		    a->frame >= a->stack_lo + a->stack_bytes)
			return false;
		for (unsigned j = 0; j < i; j++) {
			const struct slot *b = &sh->slots[j];
			if (a->stack_lo < b->stack_lo + b->stack_bytes &&
			    b->stack_lo < a->stack_lo + a->stack_bytes)
				return false;
		}
	}
	return true;
}

static void observe_threads(struct exp_ctx *ctx, struct shared *sh, unsigned n)
{
	struct unit u[THREADS_MAX];
	struct gate_arg args[THREADS_MAX];
	struct unit_end end;
	unsigned started = 0;
	int before = 0, during = 0, err = 0;
	uint64_t rss = 0;

	exp_progress(ctx, _("%u threads at a gate"), n);
	atomic_store(&sh->arrived, 0);
	atomic_store(&sh->recorded, 0);
	atomic_store(&sh->release, 0);
	atomic_store(&sh->n_threads, n);
	memset(sh->slots, 0, sizeof(sh->slots));
	procfs_task_count(0, &before);
	for (; started < n; started++) {
		args[started] = (struct gate_arg){ sh, started };
		err = unit_start(&u[started], UNIT_THREAD, gate_thread, &args[started],
				 exp_cpu(ctx, started));
		if (err)
			break;
	}
	if (err) {
		atomic_store(&sh->n_threads, started); /* let those that run go on */
		word_set(&sh->release, 1);
		for (unsigned i = 0; i < started; i++)
			unit_wait(&u[i], &end);
		struct ev_note why;
		limit_note(LIMIT_THREAD, err, &why);
		exp_skip(ctx, "def.unit", "isolation.no_thread", ev_count(started + 1), ev_count(n),
			 ev_nested(&why.msg));
		exp_skip(ctx, "mem.stack", "isolation.no_thread", ev_count(started + 1),
			 ev_count(n), ev_nested(&why.msg));
		return;
	}
	bool gathered = count_reach(&sh->recorded, &sh->n_threads) == 0;
	int task_err = procfs_task_count(0, &during);
	int rss_err = mapping_rss(sh->slots[0].frame, &rss);
	word_set(&sh->release, 1);
	for (unsigned i = 0; i < n; i++)
		if (unit_wait(&u[i], &end) != 0 || end.code != 0)
			gathered = false;

	char tids[THREADS_MAX * 12] = "", cpus[THREADS_MAX * 6] = "";
	bool distinct = true, one_pid = true;
	for (unsigned i = 0; i < n; i++) {
		list_add(tids, sizeof(tids), sh->slots[i].tid);
		list_add(cpus, sizeof(cpus), sh->slots[i].cpu);
		one_pid = one_pid && sh->slots[i].pid == getpid();
		distinct = distinct && sh->slots[i].tid != getpid();
		for (unsigned j = 0; j < i; j++)
			distinct = distinct && sh->slots[i].tid != sh->slots[j].tid;
	}
	if (task_err)
		exp_skip(ctx, "def.unit.tasks", "isolation.no_tasks", ev_errno(task_err));
	else
		exp_observe(ctx, "def.unit.tasks", NULL, ev_count(during));
	exp_observe(ctx, "def.unit.tids", NULL, ev_token(tids));
	exp_observe(ctx, "def.unit.cpus", NULL, ev_token(cpus));
	exp_fact(ctx, "def.unit",
		 gathered && task_err == 0 && during == before + (int)n && distinct && one_pid);

	pthread_attr_t attr;
	size_t def_bytes = 0;
	if (pthread_attr_init(&attr) == 0) {
		pthread_attr_getstacksize(&attr, &def_bytes);
		pthread_attr_destroy(&attr);
	}
	exp_observe(ctx, "mem.stack.default_bytes", NULL, ev_num(def_bytes, "bytes"));
	if (rss_err > 0)
		exp_skip(ctx, "mem.stack.resident_bytes", "isolation.no_stack_rss");
	else if (rss_err)
		exp_skip(ctx, "mem.stack.resident_bytes", "isolation.no_smaps", ev_errno(rss_err));
	else
		exp_observe(ctx, "mem.stack.resident_bytes", NULL, ev_num(rss, "bytes"));
	exp_fact(ctx, "mem.stack", gathered && stacks_apart(sh, n));
}

/* Recurses until the stack runs out; the bound only keeps the compiler from calling it endless. */
static int recurse(volatile char *up, unsigned long depth)
{
	volatile char frame[256];
	frame[0] = (char)(up ? up[0] + 1 : 0);
	frame[255] = 0;
	if (depth >= (1ul << 40))
		return frame[0];
	return recurse(frame, depth + 1) + frame[255];
}

static void *overflow_thread(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)recurse(NULL, 0);
}

/* The sacrificial child: one of its threads overflows its stack. Exit 2: no thread. */
static int overflow_child(void *arg)
{
	pthread_attr_t attr;
	pthread_t t;
	(void)arg;
	unit_no_core();
	if (pthread_attr_init(&attr) != 0)
		return 2;
	pthread_attr_setstacksize(&attr, OVERFLOW_STACK_BYTES);
	int err = pthread_create(&t, &attr, overflow_thread, NULL);
	pthread_attr_destroy(&attr);
	if (err)
		return 2;
	pthread_join(t, NULL);
	return 0; /* the thread came back: nothing overflowed */
}

static void observe_overflow(struct exp_ctx *ctx)
{
	struct unit u;
	struct unit_end end;
	struct ev_note note;
	exp_progress(ctx, "%s", _("a thread overflows its stack in a child process"));
	int err = unit_start(&u, UNIT_PROCESS, overflow_child, NULL, -1);
	if (err) {
		exp_skip(ctx, "mem.stack.overflow", "isolation.no_child",
			 ev_nested(limit_note(LIMIT_PROCESS, err, &note)));
		return;
	}
	err = unit_wait(&u, &end);
	if (err) {
		exp_skip(ctx, "mem.stack.overflow", "isolation.child_failed",
			 ev_nested(errno_note(err, &note)));
		return;
	}
	if (!end.signalled && end.code == 2) {
		/* Exit code 2: pthread_create() failed, most likely for a limit. */
		exp_skip(ctx, "mem.stack.overflow", "isolation.no_overflow_thread",
			 ev_nested(limit_note(LIMIT_THREAD, -EAGAIN, &note)));
		return;
	}
	/* A signal that ends a thread ends its whole process; exit code 0: nothing overflowed. */
	if (end.signalled)
		exp_observe(ctx, "mem.stack.overflow", "isolation.fault_end", ev_signal(end.signal),
			    ev_word("whole_process"));
	else
		exp_observe(ctx, "mem.stack.overflow", "isolation.fault_end",
			    ev_nested(ev_note_set(&note, "isolation.no_signal", &ev_count(end.code),
						  1)),
			    ev_word("survived"));
}

/* ---- mem.separate and mem.shared ---- */

/* Writes both values, counting the faults the writes take. */
static int write_values(void *p)
{
	struct write_arg *a = p;
	struct procfs_sched warm, before, after;
	procfs_sched(0, &warm); /* its buffers are faulted in now, not between the reads */
	if (procfs_sched(0, &before) != 0)
		return 1;
	global_page.v = 2;
	*a->heap = 2;
	if (procfs_sched(0, &after) != 0)
		return 1;
	a->sh->cow_faults = (int64_t)(after.minor_faults - before.minor_faults);
	return 0;
}

/*
 * Runs write_values as kind; *seen when the parent then saw the new values.
 * Returns 0, or -errno with why filled (run_unit()).
 */
static int writes_seen(struct write_arg *a, enum unit_type kind, bool *seen, struct ev_note *why)
{
	global_page.v = 1;
	*a->heap = 1;
	int err = run_unit(kind, write_values, a, why);
	*seen = global_page.v == 2 && *a->heap == 2;
	return err;
}

static void observe_memory(struct exp_ctx *ctx, struct shared *sh)
{
	struct write_arg a = { .sh = sh };
	void *page;
	bool seen;
	struct ev_note why;
	exp_progress(ctx, "%s", _("writes to a global and the heap"));
	if (posix_memalign(&page, 4096, 4096) != 0) {
		exp_skip(ctx, "mem.separate", "isolation.no_heap", ev_num(4096, "bytes"));
		exp_skip(ctx, "mem.shared", "isolation.no_heap", ev_num(4096, "bytes"));
		return;
	}
	a.heap = page;
	sh->cow_faults = -1;
	int err = writes_seen(&a, UNIT_PROCESS, &seen, &why);
	if (err) {
		exp_skip(ctx, "mem.separate", unit_failed(UNIT_PROCESS), ev_nested(&why.msg));
	} else {
		exp_observe(ctx, "mem.separate.cow_faults", NULL, ev_count(sh->cow_faults));
		exp_fact(ctx, "mem.separate", !seen);
	}
	err = writes_seen(&a, UNIT_THREAD, &seen, &why);
	if (err)
		exp_skip(ctx, "mem.shared", unit_failed(UNIT_THREAD), ev_nested(&why.msg));
	else
		exp_fact(ctx, "mem.shared", seen);
	free(page);
}

/* ---- res.fd ---- */

static int close_fd(void *p)
{
	return close(*(int *)p) == 0 ? 0 : 1;
}

static int read_some(void *p)
{
	char buf[16];
	return read(*(int *)p, buf, sizeof(buf)) == (ssize_t)sizeof(buf) ? 0 : 1;
}

static void observe_fds(struct exp_ctx *ctx)
{
	char path[PATH_MAX], data[64];
	struct stat st;
	struct ev_note why;
	int fd, d, err;

	exp_progress(ctx, "%s", _("descriptors closed and read by a thread and a child"));
	if (cleanup_tmp_path(path, sizeof(path), "isolation") != 0) {
		exp_skip(ctx, "res.fd", "isolation.tmp_path");
		return;
	}
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		exp_skip(ctx, "res.fd", "isolation.tmp_create", ev_token(path),
			 ev_nested(limit_note(LIMIT_FD, -errno, &why)));
		return;
	}
	unlink(path); /* the descriptor is all that is needed from now on */
	memset(data, 'x', sizeof(data));
	if (write(fd, data, sizeof(data)) != (ssize_t)sizeof(data)) {
		exp_skip(ctx, "res.fd", "isolation.tmp_write", ev_num(sizeof(data), "bytes"));
		goto close_fd;
	}

	/* A thread closes a copy; the main thread then uses it. Nothing opens in between. */
	d = dup(fd);
	if (d < 0)
		limit_note(LIMIT_FD, err = -errno, &why);
	else
		err = run_unit(UNIT_THREAD, close_fd, &d, &why);
	bool threads = !err && fstat(d, &st) != 0 && errno == EBADF;
	if (!threads && d >= 0)
		close(d); /* it is still open, or EBADF harmlessly: no other thread runs */
	int threads_err = err;
	if (err)
		exp_skip(ctx, "res.fd.threads",
			 d < 0 ? "isolation.no_dup" : unit_failed(UNIT_THREAD),
			 ev_nested(&why.msg));
	else
		exp_fact(ctx, "res.fd.threads", threads);

	d = dup(fd);
	if (d < 0)
		limit_note(LIMIT_FD, err = -errno, &why);
	else
		err = run_unit(UNIT_PROCESS, close_fd, &d, &why);
	bool process = !err && fstat(d, &st) == 0;
	if (d >= 0)
		close(d);
	int process_err = err;
	if (err)
		exp_skip(ctx, "res.fd.process",
			 d < 0 ? "isolation.no_dup" : unit_failed(UNIT_PROCESS),
			 ev_nested(&why.msg));
	else
		exp_fact(ctx, "res.fd.process", process);

	lseek(fd, 0, SEEK_SET);
	err = run_unit(UNIT_PROCESS, read_some, &fd, &why);
	if (err)
		exp_skip(ctx, "res.fd.offset_shared", unit_failed(UNIT_PROCESS),
			 ev_nested(&why.msg));
	else
		exp_fact(ctx, "res.fd.offset_shared", lseek(fd, 0, SEEK_CUR) == 16);
	if (threads_err || process_err)
		exp_skip(ctx, "res.fd", "isolation.fd_half");
	else
		exp_fact(ctx, "res.fd", threads && process);
close_fd:
	close(fd);
}

/* ---- res.env ---- */

static int change_env(void *p)
{
	if (setenv(ENV_NAME, "changed", 1) != 0 || chdir(p) != 0)
		return 1;
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The word for what the main thread saw: seen, not_seen, or which half was seen. */
static const char *env_verdict(bool env, bool cwd)
{
	return env && cwd ? "seen" : !env && !cwd ? "not_seen" : env ? "env_seen" : "cwd_seen";
}

/*
 * Runs change_env as kind and says what the main thread saw (a word); puts
 * the variable and the working directory back. Returns 0, or -errno with
 * the form of the skip in *form and its cause in why.
 */
static int env_seen(enum unit_type kind, const char *dir, int cwd_fd, const char **what, bool *both,
		    const char **form, struct ev_note *why)
{
	struct stat here, there;
	int err = run_unit(kind, change_env, (void *)dir, why);
	const char *v = getenv(ENV_NAME);
	bool env = v && strcmp(v, "changed") == 0;
	bool cwd = stat(".", &here) == 0 && stat(dir, &there) == 0 && same_file(&here, &there);
	*form = unit_failed(kind);
	unsetenv(ENV_NAME);
	if (fchdir(cwd_fd) != 0 && !err) {
		err = -errno;
		*form = "isolation.cwd_back";
		errno_note(err, why);
	}
	*what = env_verdict(env, cwd);
	*both = env && cwd;
	return err;
}

static void observe_env(struct exp_ctx *ctx)
{
	struct stat here, root;
	const char *thread_saw, *process_saw, *form;
	bool thread_both, process_both;
	struct ev_note why;

	exp_progress(ctx, "%s", _("setenv and chdir by a thread and a child"));
	if (getenv(ENV_NAME)) {
		exp_skip(ctx, "res.env", "isolation.env_set", ev_token(ENV_NAME));
		return;
	}
	/* O_PATH: fchdir() needs only search permission, a mode 0111 folder will do. */
	int cwd_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd_fd < 0 || stat(".", &here) != 0 || stat("/", &root) != 0) {
		int err = errno;
		exp_skip(ctx, "res.env", "isolation.no_cwd",
			 ev_nested(cwd_fd < 0 ? limit_note(LIMIT_FD, -err, &why)
					      : errno_note(err, &why)));
		if (cwd_fd >= 0)
			close(cwd_fd);
		return;
	}
	/* Somewhere the process is not already. */
	const char *dir = same_file(&here, &root) ? cleanup_tmpdir() : "/";
	int err = env_seen(UNIT_THREAD, dir, cwd_fd, &thread_saw, &thread_both, &form, &why);
	if (!err)
		err = env_seen(UNIT_PROCESS, dir, cwd_fd, &process_saw, &process_both, &form, &why);
	close(cwd_fd);
	if (err) {
		exp_skip(ctx, "res.env", form, ev_nested(&why.msg));
		return;
	}
	bool process_none = strcmp(process_saw, "not_seen") == 0;
	exp_observe(ctx, "res.env.thread", NULL, ev_word(thread_saw));
	exp_observe(ctx, "res.env.process", NULL, ev_word(process_saw));
	exp_fact(ctx, "res.env", thread_both && process_none);
}

/* ---- sec.isolation ---- */

struct secret_arg {
	struct shared *sh;
	const volatile int64_t *secret;
};

/* Waits for the go, then reads the secret through the pointer it was given. */
static int read_secret(void *p)
{
	struct secret_arg *a = p;
	if (word_wait(&a->sh->go, 1, WAIT_NS) != 0)
		return 1;
	a->sh->secret_read = *a->secret;
	return 0;
}

/*
 * Starts the reader as kind, changes the secret, lets it read. Returns 0,
 * or -errno with why filled (run_unit()).
 */
static int secret_seen(struct shared *sh, enum unit_type kind, bool *seen, struct ev_note *why)
{
	volatile int64_t secret = SECRET_OLD;
	struct secret_arg a = { sh, &secret };
	struct unit u;
	atomic_store(&sh->go, 0);
	sh->secret_read = 0;
	int err = unit_start(&u, kind, read_secret, &a, -1);
	if (err) {
		limit_note(unit_limit_op(kind), err, why);
		return err;
	}
	secret = SECRET_NEW;
	word_set(&sh->go, 1);
	err = wait_unit(&u, why);
	*seen = sh->secret_read == SECRET_NEW;
	return err;
}

/* The target: non-dumpable, holds a secret in its own memory until the reader is done. */
static int target_child(void *p)
{
	struct shared *sh = p;
	volatile int64_t secret = SECRET_NEW;
	unit_no_core();
	sh->target_addr = (uintptr_t)&secret;
	sh->target_pid = getpid();
	word_set(&sh->target_ready, 1);
	word_wait(&sh->reader_done, 1, WAIT_NS);
	return secret == SECRET_NEW ? 0 : 1;
}

/* The reader: without privilege over the target, tries to read its secret. */
static int reader_child(void *p)
{
	struct shared *sh = p;
	int64_t copy = 0;
	unit_no_core();
	if (geteuid() == 0) {
		setgroups(0, NULL);
		if (setresgid(NOBODY, NOBODY, NOBODY) != 0 ||
		    setresuid(NOBODY, NOBODY, NOBODY) != 0) {
			sh->drop_err = -errno;
			return 0;
		}
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* a change of credentials cleared it */
		sh->dropped = true;
	}
	sh->reader_uid = (int)geteuid();
	struct iovec local = { &copy, sizeof(copy) };
	struct iovec remote = { (void *)sh->target_addr, sizeof(copy) };
	ssize_t n = process_vm_readv(sh->target_pid, &local, 1, &remote, 1, 0);
	sh->read_result = n < 0 ? -errno : (int)n;
	return 0;
}

/* Yama's ptrace_scope, or -1 where Yama is absent. */
static int yama_scope(void)
{
	int scope = -1;
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	if (f) {
		if (fscanf(f, "%d", &scope) != 1)
			scope = -1;
		fclose(f);
	}
	return scope;
}

/* Drops to uid and gid id (no supplementary groups). 0 or -errno. */
static int drop_to(int id)
{
	setgroups(0, NULL);
	if (setresgid((gid_t)id, (gid_t)id, (gid_t)id) != 0 ||
	    setresuid((uid_t)id, (uid_t)id, (uid_t)id) != 0)
		return -errno;
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* a change of credentials cleared it */
	return 0;
}

/* The probe's target: takes its uid, its dumpable flag, holds the secret until the read. */
static int probe_target(void *p)
{
	struct barrier_probe *b = p;
	volatile int64_t secret = SECRET_NEW;
	unit_no_core();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (b->target_uid >= 0 && (int)geteuid() != b->target_uid) {
		b->target_err = drop_to(b->target_uid);
		if (b->target_err) {
			word_set(&b->ready, 1);
			return 1;
		}
	}
	/* After any change of uid: it reset the flag to fs.suid_dumpable. */
	prctl(PR_SET_DUMPABLE, b->target_dumpable ? 1 : 0);
	b->addr = (uintptr_t)&secret;
	word_set(&b->ready, 1);
	word_wait(&b->done, 1, WAIT_NS);
	return secret == SECRET_NEW ? 0 : 1;
}

/* The probe's reader: starts the target as its child, takes its own uid, reads. */
static int probe_reader(void *p)
{
	struct barrier_probe *b = p;
	struct unit target;
	struct unit_end end;
	unit_no_core();
	int err = unit_start(&target, UNIT_PROCESS, probe_target, b, -1);
	if (err) {
		b->start_err = err;
		return 0;
	}
	err = word_wait(&b->ready, 1, WAIT_NS);
	if (!err && !b->target_err && b->reader_uid >= 0 && (int)geteuid() != b->reader_uid)
		err = drop_to(b->reader_uid);
	if (!err && !b->target_err) {
		int64_t copy = 0;
		struct iovec local = { &copy, sizeof(copy) };
		struct iovec remote = { (void *)b->addr, sizeof(copy) };
		ssize_t n = process_vm_readv(target.pid, &local, 1, &remote, 1, 0);
		b->result = n < 0 ? -errno : (int)n;
		b->value = copy;
	}
	b->reader_err = err;
	word_set(&b->done, 1);
	unit_wait(&target, &end);
	return 0;
}

/* The barriers of sec.isolation: who reads whom. */
struct barrier {
	const char *key;
	bool root_only;	  /* needs root: another uid, or root itself, reads */
	bool other_uid;	  /* the reader runs under another uid than the target */
	bool root_reader; /* the reader keeps root */
	bool dumpable;	  /* the target is dumpable */
};

static const struct barrier barriers[] = {
	{ "sec.isolation.other_uid", true, true, false, true },
	{ "sec.isolation.non_dumpable", false, false, false, false },
	{ "sec.isolation.same_uid", false, false, false, true },
	{ "sec.isolation.root", true, true, true, false },
};

/*
 * One barrier: observes `refused` or `read` under its key, or skips it
 * with why (not root; a process could not start or change uid; no
 * process_vm_readv; another error).
 */
static void observe_barrier(struct exp_ctx *ctx, struct shared *sh, const struct barrier *br)
{
	struct barrier_probe *b = &sh->probe;
	bool root = geteuid() == 0;
	struct ev_note why;
	char uid[16];
	if (br->root_only && !root) {
		exp_skip(ctx, br->key,
			 br->root_reader ? "isolation.no_root" : "isolation.no_other_uid");
		return;
	}
	memset(b, 0, sizeof(*b));
	b->target_dumpable = br->dumpable;
	/* As root, the readers that must lack privilege drop to nobody (and the other uid below). */
	b->reader_uid = root && !br->root_reader ? (br->other_uid ? NOBODY - 1 : NOBODY) : -1;
	b->target_uid = root ? NOBODY : -1;
	int err = run_unit(UNIT_PROCESS, probe_reader, b, &why);
	if (err) {
		exp_skip(ctx, br->key, "isolation.reader_failed", ev_nested(&why.msg));
		return;
	}
	if (b->start_err) {
		exp_skip(ctx, br->key, "isolation.no_target",
			 ev_nested(limit_note(LIMIT_PROCESS, b->start_err, &why)));
		return;
	}
	if (b->target_err || b->reader_err) {
		bool target = b->target_err != 0;
		snprintf(uid, sizeof(uid), "%d", target ? b->target_uid : b->reader_uid);
		if (!target && b->reader_err == -ETIMEDOUT)
			exp_skip(ctx, br->key, "isolation.target_late", ev_num(WAIT_NS, "ns"));
		else
			exp_skip(ctx, br->key,
				 target ? "isolation.no_drop_target" : "isolation.no_drop",
				 ev_token(uid), ev_errno(target ? b->target_err : b->reader_err));
		return;
	}
	if (b->result == -ENOSYS) {
		exp_skip(ctx, br->key, "isolation.no_vm_readv");
		return;
	}
	if (b->result == -EPERM || b->result == -EACCES)
		exp_observe(ctx, br->key, NULL, ev_word("refused"));
	else if (b->result == (int)sizeof(int64_t) && b->value == SECRET_NEW)
		exp_observe(ctx, br->key, NULL, ev_word("read"));
	else if (b->result < 0)
		exp_skip(ctx, br->key, "isolation.read_error", ev_errno(b->result));
	else
		exp_skip(ctx, br->key, "isolation.read_wrong", ev_num(b->result, "bytes"));
}

/* Returns whether the read was refused: 1 refused, 0 not, -1 could not be tried. */
static int observe_refusal(struct exp_ctx *ctx, struct shared *sh)
{
	struct unit target, reader;
	struct unit_end end;
	struct ev_note why;
	atomic_store(&sh->target_ready, 0);
	atomic_store(&sh->reader_done, 0);
	sh->read_result = 0;
	sh->drop_err = 0;
	sh->reader_uid = -1;
	sh->dropped = false;
	int err = unit_start(&target, UNIT_PROCESS, target_child, sh, -1);
	if (err) {
		exp_skip(ctx, "sec.isolation.read_errno", "isolation.no_target",
			 ev_nested(limit_note(LIMIT_PROCESS, err, &why)));
		return -1;
	}
	const char *form = "isolation.reader_failed";
	err = word_wait(&sh->target_ready, 1, WAIT_NS);
	if (err) {
		form = "isolation.target_late";
		ev_note_set(&why, NULL, &ev_num(WAIT_NS, "ns"), 1);
	} else {
		err = unit_start(&reader, UNIT_PROCESS, reader_child, sh, -1);
		if (err)
			limit_note(LIMIT_PROCESS, err, &why);
		else
			err = wait_unit(&reader, &why);
	}
	word_set(&sh->reader_done, 1);
	unit_wait(&target, &end);
	if (err) {
		exp_skip(ctx, "sec.isolation.read_errno", form, ev_nested(&why.msg));
		return -1;
	}
	char uid[16];
	if (sh->drop_err) {
		snprintf(uid, sizeof(uid), "%d", NOBODY);
		exp_skip(ctx, "sec.isolation.read_errno", "isolation.no_drop", ev_token(uid),
			 ev_errno(sh->drop_err));
		return -1;
	}
	snprintf(uid, sizeof(uid), "%d", sh->reader_uid);
	int scope = yama_scope();
	if (scope >= 0)
		exp_observe(ctx, "sec.isolation.arrangement",
			    sh->dropped ? "isolation.dropped_yama" : "isolation.own_uid_yama",
			    ev_token(uid), ev_count(scope));
	else
		exp_observe(ctx, "sec.isolation.arrangement",
			    sh->dropped ? "isolation.dropped" : "isolation.own_uid", ev_token(uid));
	if (sh->read_result == -ENOSYS) {
		exp_skip(ctx, "sec.isolation.read_errno", "isolation.no_vm_readv");
		return -1;
	}
	if (sh->read_result >= 0) {
		exp_observe(ctx, "sec.isolation.read_errno", "isolation.read_ok",
			    ev_num(sh->read_result, "bytes"));
		return 0;
	}
	exp_observe(ctx, "sec.isolation.read_errno", NULL, ev_errno(sh->read_result));
	return sh->read_result == -EPERM || sh->read_result == -EACCES;
}

static void observe_secret(struct exp_ctx *ctx, struct shared *sh)
{
	bool thread_seen = false, process_seen = true;
	struct ev_note why;
	exp_progress(ctx, "%s",
		     _("a secret read by a thread, a child and an unprivileged process"));
	int err = secret_seen(sh, UNIT_THREAD, &thread_seen, &why);
	if (err) {
		exp_skip(ctx, "sec.isolation", "isolation.reader_thread_failed",
			 ev_nested(&why.msg));
		return;
	}
	err = secret_seen(sh, UNIT_PROCESS, &process_seen, &why);
	if (err) {
		exp_skip(ctx, "sec.isolation", "isolation.reader_child_failed",
			 ev_nested(&why.msg));
		return;
	}
	int refused = observe_refusal(ctx, sh);
	exp_progress(ctx, "%s", _("each barrier of process_vm_readv alone"));
	for (size_t i = 0; i < sizeof(barriers) / sizeof(barriers[0]); i++)
		observe_barrier(ctx, sh, &barriers[i]);
	/* Where the refusal could not be tried, the verdict rests on the other two halves. */
	exp_fact(ctx, "sec.isolation", thread_seen && !process_seen && refused != 0);
}

static int isolation_run(struct exp_ctx *ctx, const void *params)
{
	const struct isolation_params *ip = params;
	struct shm_arena arena;

	int err = shm_arena_create(&arena, sizeof(struct shared));
	if (err)
		return exp_fail(ctx, "arena", ev_errno(err));
	struct shared *sh = arena.base;
	observe_threads(ctx, sh, (unsigned)ip->threads);
	observe_overflow(ctx);
	observe_memory(ctx, sh);
	observe_fds(ctx);
	observe_env(ctx);
	observe_secret(ctx, sh);
	shm_arena_destroy(&arena);
	return 0;
}

/* Every wait for a partner is bounded by WAIT_NS; a dozen of them, and some slack. */
static uint64_t isolation_deadline(const void *params)
{
	(void)params;
	return 12 * WAIT_NS + 10000000000ull;
}

static const char *const isolation_claims[] = { "def.unit",	 "mem.separate",
						"mem.shared",	 "mem.stack",
						"res.fd",	 "res.env",
						"sec.isolation", NULL };

static const struct param isolation_param_table[] = {
	{ "threads", N_("threads alive at once for the task count and the stack ranges"),
	  UNIT_COUNT, false, offsetof(struct isolation_params, threads), "4", NULL, "8", 2,
	  THREADS_MAX },
};

static const struct ev_form forms[] = {
	{ "isolation.thread_failed", N_("the thread failed: {1}") },
	{ "isolation.child_failed", N_("the child process failed: {1}") },
	{ "isolation.killed", N_("it was killed by {1}") },
	{ "isolation.exit_code", N_("it ended with code {1}") },
	/* def.unit and mem.stack */
	{ "isolation.no_thread", N_("cannot start thread {1} of {2}: {3}") },
	{ "isolation.no_tasks", N_("cannot count the threads in /proc/self/task: {1}") },
	{ "isolation.no_smaps", N_("cannot read /proc/self/smaps: {1}") },
	{ "isolation.no_stack_rss",
	  N_("/proc/self/smaps shows no resident size for the first thread's stack") },
	{ "isolation.no_child", N_("cannot start the sacrificial child: {1}") },
	{ "isolation.no_overflow_thread",
	  N_("the sacrificial child cannot start its thread: {1}") },
	/* TRANSLATORS: {1} is how the child ended (a signal), {2} what the overflow ended. */
	{ "isolation.fault_end", N_("{1}: {2}") },
	{ "isolation.no_signal", N_("no signal, exit code {1}") },
	{ "whole_process", N_("the whole process") },
	{ "survived", N_("the process survived") },
	/* mem.separate and mem.shared */
	{ "isolation.no_heap", N_("cannot allocate {1} for the heap value") },
	/* res.fd */
	{ "isolation.tmp_path", N_("the temporary file's path is too long") },
	{ "isolation.tmp_create", N_("cannot create {1}: {2}") },
	{ "isolation.tmp_write", N_("cannot write {1} to the temporary file") },
	{ "isolation.no_dup", N_("cannot duplicate the descriptor: {1}") },
	{ "isolation.fd_half", N_("one half of the comparison could not be made") },
	/* res.env */
	{ "isolation.env_set", N_("{1} is already set in the environment") },
	{ "isolation.no_cwd", N_("cannot open the working directory: {1}") },
	{ "isolation.cwd_back", N_("cannot go back to the working directory: {1}") },
	{ "seen", N_("seen") },
	{ "not_seen", N_("not seen") },
	{ "env_seen", N_("environment seen, working directory not seen") },
	{ "cwd_seen", N_("working directory seen, environment not seen") },
	/* sec.isolation */
	{ "isolation.reader_thread_failed", N_("the reading thread failed: {1}") },
	{ "isolation.reader_child_failed", N_("the reading child process failed: {1}") },
	{ "isolation.no_target", N_("cannot start the target: {1}") },
	{ "isolation.target_late", N_("the target was not ready after {1}") },
	{ "isolation.reader_failed", N_("the reader failed: {1}") },
	{ "isolation.no_drop", N_("the reader could not drop to uid {1}: {2}") },
	{ "isolation.dropped", N_("the reader dropped to uid {1}; the target is non-dumpable") },
	{ "isolation.dropped_yama", N_("the reader dropped to uid {1}; the target is "
				       "non-dumpable; Yama's ptrace_scope is {2}") },
	{ "isolation.own_uid",
	  N_("the reader runs as uid {1}, the target's own; the target is non-dumpable") },
	{ "isolation.own_uid_yama", N_("the reader runs as uid {1}, the target's own; the target "
				       "is non-dumpable; Yama's ptrace_scope is {2}") },
	{ "isolation.no_vm_readv", N_("process_vm_readv is not available here") },
	{ "isolation.read_ok", N_("none: it read {1}") },
	/* The barriers one by one: what each reader got, and why one was not tried. */
	{ "refused", N_("refused") },
	{ "read", N_("read") },
	{ "isolation.no_other_uid", N_("not tried: ptlab does not run as root, so it cannot start "
				       "a process of another uid") },
	{ "isolation.no_root", N_("not tried: ptlab does not run as root") },
	{ "isolation.no_drop_target", N_("the target could not drop to uid {1}: {2}") },
	{ "isolation.read_error", N_("process_vm_readv failed otherwise: {1}") },
	{ "isolation.read_wrong", N_("process_vm_readv read {1}, not the secret") },
	{ NULL, NULL },
};

/* Facts, not figures: it records none (an exp_record would abort the test build). */
static const struct figure_decl figures[] = {
	{ .names = NULL },
};

const struct experiment exp_isolation = {
	.name = "isolation",
	.title = N_("What threads share and processes keep apart"),
	.method = N_("The same small functions run as a thread and as a child process: N threads "
		     "meet at a gate and are counted in /proc/self/task with their IDs, CPUs and "
		     "stacks; writes to a global and the heap, with the copy-on-write faults they "
		     "take in a child; a thread that overflows its stack in a sacrificial child; "
		     "a descriptor closed or read by the unit; setenv and chdir by the unit; a "
		     "secret read through a pointer, and by an unprivileged process with "
		     "process_vm_readv."),
	.claims = isolation_claims,
	.params = isolation_param_table,
	.n_params = sizeof(isolation_param_table) / sizeof(isolation_param_table[0]),
	.params_size = sizeof(struct isolation_params),
	.run = isolation_run,
	.deadline = isolation_deadline,
	.deadline_ns = { 60000000000ull, 120000000000ull },
	.quick_suite = true,
	.forms = forms,
	.figures = figures,
};
