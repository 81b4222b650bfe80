// SPDX-License-Identifier: MIT
/*
 * crash: what a fault in one unit does to the others. The seeds say a
 * crashing process takes only itself down while a crashing thread takes
 * its whole process, that a thread which meets an ordinary error can end
 * alone, and that a stray write in one thread can corrupt its siblings'
 * data but not another process's.
 *
 * Method: K workers count increments, each in its own counter in the
 * shared arena. One of them, the victim, does no counting: it waits until
 * every sibling has counted half its work and then commits its fault. The
 * siblings stop at that halfway checkpoint until the victim says it lived
 * through the fault (or, for processes, until the experiment has collected
 * the victim's end). The checkpoint keeps every sibling alive and mid-work
 * at the moment of the fault on any machine, however loaded: what ends a
 * sibling early is the fault, never a race with the end of its own work.
 * Every wait is bounded (WAIT_LIMIT_NS), so a fault that does not end what
 * the seeds say it ends shows as a sibling that finished.
 *
 * - As K processes: the victim writes through a NULL pointer. Its end is
 *   collected, the checkpoint opened, and every sibling must count to the
 *   end and exit 0.
 * - As K threads of one sacrificial child process, with three faults: a
 *   NULL write (SIGSEGV), abort() (SIGABRT) and an integer division by
 *   zero (SIGFPE; a CPU that does not trap it shows as no signal). The
 *   child must end by the signal, and the siblings' counters, read from
 *   the arena after the death, show where their work stopped.
 * - The same threads, where the victim meets a handled error (open() of a
 *   path that cannot exist) and leaves by pthread_exit(): the others must
 *   finish and the child exit 0.
 * - A plain global struct (four ints, then a sibling's balance): a write
 *   to index 4, the classic off-by-one, done by a thread lands in the
 *   balance its sibling reads; done by a child process, it lands in the
 *   child's copy-on-write copy and the parent's balance is intact.
 *
 * Everything that faults runs in a child of the experiment process with
 * RLIMIT_CORE at 0 and PR_SET_DUMPABLE off: no core file, no crash report.
 * The faults are compiled without sanitizer checks, so that an ASan/UBSan
 * build commits the same real fault as a normal one (the units reset signal
 * dispositions, so the sanitizers' handlers do not intercept it).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/clock.h"
#include "runner/experiment.h"
#include "core/limit.h"
#include "core/shm.h"
#include "core/unit.h"
#include "util/i18n.h"

#define WORKERS_MAX 64
/* The longest any unit waits on a counter: far above any real wait. */
#define WAIT_LIMIT_NS 5000000000ull
/* The exit code of a thread group that could not start its threads. */
#define GROUP_NO_THREADS 2
/* A path that cannot exist: the handled error. */
#define MISSING_PATH "/proc/self/ptlab-no-such-file"

struct crash_params {
	int64_t workers;
	int64_t work; /* increments each sibling counts */
};

enum fault {
	FAULT_NULL,  /* a write through a NULL pointer: SIGSEGV */
	FAULT_ABORT, /* abort(): SIGABRT */
	FAULT_FPE,   /* integer division by zero: SIGFPE where the CPU traps it */
	FAULT_ERROR, /* a handled error, then pthread_exit(): threads only */
};

struct slot {
	_Alignas(64) _Atomic int64_t count;
};

/* What every unit shares; it lives in the arena, so one pointer serves both kinds. */
struct crash_arena {
	struct slot slots[WORKERS_MAX];
	_Alignas(64) _Atomic int64_t release; /* 1: the siblings may pass the checkpoint */
	int64_t work;
	int workers;
	int victim; /* the last index: started after every sibling */
	enum fault fault;
	int error_errno;   /* FAULT_ERROR: what open() said */
	int start_err;	   /* a thread group's failed pthread_create: -errno */
	int child_balance; /* corruption: the balance the child saw in its own copy */
};

/* One worker: the arena and which counter is its own. */
struct role {
	struct crash_arena *a;
	int index;
};

/* Read at run time, so that no compiler sees the NULL or the zero. */
static int *volatile null_target;
static volatile int dividend = 1; /* not a constant: GCC turns 1 / x into a compare */
static volatile int zero_divisor;
static volatile int fault_sink;

/*
 * Waits, yielding, until *word reaches target or WAIT_LIMIT_NS passes.
 * Returns whether it was reached.
 */
static bool wait_at_least(_Atomic int64_t *word, int64_t target)
{
	uint64_t limit = clock_now_ns() + WAIT_LIMIT_NS;
	for (unsigned spins = 0;; spins++) {
		if (atomic_load_explicit(word, memory_order_acquire) >= target)
			return true;
		if (spins % 256 == 0 && clock_now_ns() > limit)
			return false;
		sched_yield();
	}
}

static void count_to(_Atomic int64_t *counter, int64_t target)
{
	while (atomic_load_explicit(counter, memory_order_relaxed) < target)
		atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
}

/*
 * Commits the victim's fault. Returns only if the fault did not end the
 * process (or was the handled error). Built without sanitizer checks: the
 * fault itself is the point.
 */
__attribute__((noinline, no_sanitize("address", "undefined"))) static void
commit_fault(struct crash_arena *a)
{
	int fd;
	switch (a->fault) {
	case FAULT_NULL:
		*(volatile int *)null_target = 1;
		break;
	case FAULT_ABORT:
		abort();
	case FAULT_FPE:
		fault_sink = dividend / zero_divisor;
		break;
	case FAULT_ERROR:
		fd = open(MISSING_PATH, O_RDONLY | O_CLOEXEC);
		a->error_errno = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		break;
	}
}

/*
 * A worker, the same code as a process or a thread. The victim waits for
 * every sibling's halfway mark, commits its fault and, if it lives, opens
 * the checkpoint; a sibling counts half, waits at the checkpoint, counts
 * the rest.
 */
static int worker(void *arg)
{
	const struct role *r = arg;
	struct crash_arena *a = r->a;
	int64_t half = a->work / 2;

	if (r->index == a->victim) {
		for (int i = 0; i < a->workers; i++)
			if (i != a->victim)
				wait_at_least(&a->slots[i].count, half);
		commit_fault(a);
		atomic_store_explicit(&a->release, 1, memory_order_release);
		if (a->fault == FAULT_ERROR)
			pthread_exit(NULL); /* the thread leaves; its process goes on */
		return 0;
	}
	count_to(&a->slots[r->index].count, half);
	wait_at_least(&a->release, 1);
	count_to(&a->slots[r->index].count, a->work);
	return 0;
}

static int process_worker(void *arg)
{
	unit_no_core();
	return worker(arg);
}

static void arena_reset(struct crash_arena *a, const struct crash_params *p, enum fault f)
{
	memset(a, 0, sizeof(*a));
	a->work = p->work;
	a->workers = (int)p->workers;
	a->victim = a->workers - 1;
	a->fault = f;
}

/*
 * The sacrificial child of the thread cases: starts the K threads (the
 * victim last) and waits for them all. Returns 0, or GROUP_NO_THREADS with
 * a->start_err set when a thread could not start (the started ones are
 * let through the checkpoint and joined first).
 */
static int thread_group(void *arg)
{
	struct crash_arena *a = arg;
	struct role roles[WORKERS_MAX];
	struct unit units[WORKERS_MAX];
	struct unit_end end;
	int started = 0, err = 0;

	unit_no_core();
	for (int i = 0; i < a->workers; i++) {
		roles[i] = (struct role){ a, i };
		err = unit_start(&units[i], UNIT_THREAD, worker, &roles[i], -1);
		if (err)
			break;
		started++;
	}
	if (err) {
		a->start_err = err;
		atomic_store_explicit(&a->release, 1, memory_order_release);
	}
	for (int i = 0; i < started; i++)
		unit_wait(&units[i], &end);
	return err ? GROUP_NO_THREADS : 0;
}

/*
 * How a unit ended, as a value: the signal that ended it, or "no signal,
 * exit code 0" (a message held in note).
 */
static struct ev_val end_how(const struct unit_end *end, struct ev_note *note)
{
	if (end->signalled)
		return ev_signal(end->signal);
	return ev_nested(ev_note_set(note, "crash.no_signal", &ev_count(end->code), 1));
}

/* How many siblings counted their whole work. */
static int siblings_finished(const struct crash_arena *a)
{
	int n = 0;
	for (int i = 0; i < a->workers; i++)
		if (i != a->victim && atomic_load(&a->slots[i].count) >= a->work)
			n++;
	return n;
}

/* A NULL write in one of K processes: the others must finish. */
static void crash_process(struct exp_ctx *ctx, struct crash_arena *a, const struct crash_params *p)
{
	struct role roles[WORKERS_MAX];
	struct unit units[WORKERS_MAX];
	struct unit_end end, victim_end = { 0 };
	int started = 0, err = 0, clean_exits = 0;
	struct ev_note note;

	exp_progress(ctx, _("a NULL write in one of %d processes"), (int)p->workers);
	arena_reset(a, p, FAULT_NULL);
	for (int i = 0; i < a->workers; i++) {
		roles[i] = (struct role){ a, i };
		err = unit_start(&units[i], UNIT_PROCESS, process_worker, &roles[i], -1);
		if (err)
			break;
		started++;
	}
	if (err) {
		/* The victim starts last: whatever started is a sibling. Let it through. */
		atomic_store_explicit(&a->release, 1, memory_order_release);
		for (int i = 0; i < started; i++)
			unit_wait(&units[i], &end);
		exp_skip(ctx, "iso.crash_process", "crash.no_process",
			 ev_nested(limit_note(LIMIT_PROCESS, err, &note)));
		return;
	}
	unit_wait(&units[a->victim], &victim_end);
	atomic_store_explicit(&a->release, 1, memory_order_release);
	for (int i = 0; i < a->workers; i++) {
		if (i == a->victim)
			continue;
		unit_wait(&units[i], &end);
		if (!end.signalled && end.code == 0)
			clean_exits++;
	}

	int others = a->workers - 1, finished = siblings_finished(a);
	exp_observe(ctx, "iso.crash_process.signal", NULL, end_how(&victim_end, &note));
	exp_observe(ctx, "iso.crash_process.survivors", "crash.survivors", ev_count(finished),
		    ev_count(others), ev_count(a->work), ev_count(clean_exits));
	bool holds = victim_end.signalled && victim_end.signal == SIGSEGV && finished == others &&
		     clean_exits == others;
	exp_fact(ctx, "iso.crash_process", holds);
}

/*
 * Runs the K threads in a sacrificial child, the victim committing f.
 * Returns 0 with *end filled, or -errno when the child or a thread could
 * not start.
 */
static int run_thread_group(struct crash_arena *a, const struct crash_params *p, enum fault f,
			    struct unit_end *end)
{
	struct unit child;
	arena_reset(a, p, f);
	int err = unit_start(&child, UNIT_PROCESS, thread_group, a, -1);
	if (err)
		return err;
	err = unit_wait(&child, end);
	if (err)
		return err;
	if (!end->signalled && end->code == GROUP_NO_THREADS && a->start_err)
		return a->start_err;
	return 0;
}

/* Where each sibling's count stopped, in order, into counts; returns how many. */
static size_t siblings_progress(const struct crash_arena *a, int64_t *counts)
{
	size_t n = 0;
	for (int i = 0; i < a->workers; i++)
		if (i != a->victim)
			counts[n++] = atomic_load(&a->slots[i].count);
	return n;
}

/*
 * One fault in one of K threads. The NULL write feeds the claim; abort()
 * and the division by zero are evidence under their own names.
 */
static void crash_thread(struct exp_ctx *ctx, struct crash_arena *a, const struct crash_params *p,
			 enum fault f, const char *name)
{
	static const char *const fault_text[] = {
		[FAULT_NULL] = N_("a NULL write"),
		[FAULT_ABORT] = N_("abort()"),
		[FAULT_FPE] = N_("a division by zero"),
	};
	struct unit_end end;
	struct ev_note note;
	int64_t counts[WORKERS_MAX];

	exp_progress(ctx, _("%s in one of %d threads"), _(fault_text[f]), (int)p->workers);
	int err = run_thread_group(a, p, f, &end);
	if (err) {
		exp_skip(ctx, name, "crash.no_threads",
			 ev_nested(limit_note(LIMIT_THREAD, err, &note)));
		return;
	}
	/* A signal that ends a thread's process ends every thread of it. */
	exp_observe(ctx, f == FAULT_NULL ? "iso.crash_thread.signal" : name, "crash.fault_end",
		    end_how(&end, &note),
		    ev_word(end.signalled ? "whole_process" : "process_went_on"));
	if (f != FAULT_NULL)
		return;
	size_t n = siblings_progress(a, counts);
	exp_observe(ctx, "iso.crash_thread.progress", "crash.progress", ev_list(counts, n),
		    ev_count(a->work));
	bool holds = end.signalled && end.signal == SIGSEGV && siblings_finished(a) == 0;
	exp_fact(ctx, "iso.crash_thread", holds);
}

/* A handled error in one of K threads: it leaves alone, the others finish. */
static void error_thread(struct exp_ctx *ctx, struct crash_arena *a, const struct crash_params *p)
{
	struct unit_end end;
	struct ev_note note;

	exp_progress(ctx, _("a handled error in one of %d threads"), (int)p->workers);
	int err = run_thread_group(a, p, FAULT_ERROR, &end);
	if (err) {
		exp_skip(ctx, "iso.error_thread", "crash.no_threads",
			 ev_nested(limit_note(LIMIT_THREAD, err, &note)));
		return;
	}
	int others = a->workers - 1, finished = siblings_finished(a);
	struct ev_val sig = ev_signal(end.signal);
	const struct ev_msg *how =
		end.signalled ? ev_note_set(&note, "crash.ended_by", &sig, 1)
			      : ev_note_set(&note, "crash.exited", &ev_count(end.code), 1);
	if (a->error_errno == 0)
		exp_observe(ctx, "iso.error_thread.error", "crash.error_opened",
			    ev_token(MISSING_PATH), ev_count(finished), ev_count(others),
			    ev_nested(how));
	else
		exp_observe(ctx, "iso.error_thread.error", "crash.error_handled",
			    ev_errno(a->error_errno), ev_count(finished), ev_count(others),
			    ev_nested(how));
	bool holds = a->error_errno != 0 && !end.signalled && end.code == 0 && finished == others;
	exp_fact(ctx, "iso.error_thread", holds);
}

/* Four ints and, right after them, a balance that belongs to someone else. */
struct ledger {
	int slots[4];
	int balance;
};
_Static_assert(offsetof(struct ledger, balance) == 4 * sizeof(int),
	       "the balance must follow the four slots");

#define BALANCE 100
#define STRAY -1

/* A plain global, not the arena: a process gets its own copy at fork. */
static struct ledger ledger;
static volatile int stray_index = 4;

/* The off-by-one: slots[4]. Built without sanitizer checks: the stray write is the point. */
__attribute__((noinline, no_sanitize("address", "undefined"))) static void stray_write(int value)
{
	ledger.slots[stray_index] = value;
}

static int read_balance(void)
{
	return *(volatile int *)&ledger.balance;
}

static int stray_thread(void *arg)
{
	(void)arg;
	stray_write(STRAY);
	return 0;
}

static int stray_process(void *arg)
{
	struct crash_arena *a = arg;
	stray_write(STRAY);
	a->child_balance = read_balance();
	return 0;
}

/* The same stray write from a sibling thread and from a child process. */
static void corruption(struct exp_ctx *ctx, struct crash_arena *a)
{
	struct unit u;
	struct unit_end end;
	struct ev_note note;

	exp_progress(ctx, "%s", _("a stray write from a thread and from a process"));
	memset(&ledger, 0, sizeof(ledger));
	ledger.balance = BALANCE;
	int err = unit_start(&u, UNIT_THREAD, stray_thread, NULL, -1);
	if (err) {
		exp_skip(ctx, "iso.corruption", "crash.no_thread",
			 ev_nested(limit_note(LIMIT_THREAD, err, &note)));
		return;
	}
	unit_wait(&u, &end);
	int thread_seen = read_balance();

	memset(&ledger, 0, sizeof(ledger));
	ledger.balance = BALANCE;
	memset(a, 0, sizeof(*a));
	a->child_balance = BALANCE;
	err = unit_start(&u, UNIT_PROCESS, stray_process, a, -1);
	if (err) {
		exp_skip(ctx, "iso.corruption", "crash.no_process",
			 ev_nested(limit_note(LIMIT_PROCESS, err, &note)));
		return;
	}
	unit_wait(&u, &end);
	int parent_seen = read_balance(), child_seen = a->child_balance;

	exp_observe(ctx, "iso.corruption.thread", "crash.corrupt_thread", ev_count(STRAY),
		    ev_count(BALANCE), ev_count(thread_seen));
	exp_observe(ctx, "iso.corruption.process", "crash.corrupt_process", ev_count(STRAY),
		    ev_count(BALANCE), ev_count(child_seen), ev_count(parent_seen));
	bool holds = thread_seen != BALANCE && child_seen != BALANCE && parent_seen == BALANCE;
	exp_fact(ctx, "iso.corruption", holds);
}

static int crash_run(struct exp_ctx *ctx, const void *params)
{
	const struct crash_params *p = params;
	struct shm_arena arena;

	int err = shm_arena_create(&arena, sizeof(struct crash_arena));
	if (err)
		return exp_fail(ctx, "arena", ev_errno(err));
	struct crash_arena *a = arena.base;

	crash_process(ctx, a, p);
	crash_thread(ctx, a, p, FAULT_NULL, "iso.crash_thread");
	crash_thread(ctx, a, p, FAULT_ABORT, "iso.crash_thread.abort");
	crash_thread(ctx, a, p, FAULT_FPE, "iso.crash_thread.fpe");
	error_thread(ctx, a, p);
	corruption(ctx, a);
	shm_arena_destroy(&arena);
	return 0;
}

/*
 * Five groups count workers x work increments each, at a pessimistic 20 ns
 * an increment (on one CPU, under load), plus a minute for the starts and
 * the bounded waits.
 */
static uint64_t crash_deadline(const void *params)
{
	const struct crash_params *p = params;
	return 5 * (uint64_t)p->workers * (uint64_t)p->work * 20 + 60000000000ull;
}

static const char *const crash_claims[] = { "iso.crash_process", "iso.crash_thread",
					    "iso.error_thread", "iso.corruption", NULL };

static const struct param crash_param_table[] = {
	{ "workers", N_("units per group: one commits the fault, the others count"), UNIT_COUNT,
	  false, offsetof(struct crash_params, workers), "4", NULL, NULL, 2, WORKERS_MAX },
	{ "work", N_("increments each of the others counts"), UNIT_COUNT, false,
	  offsetof(struct crash_params, work), "200k", NULL, "1M", 1000, 100000000 },
};

static const struct ev_form forms[] = {
	{ "crash.no_process", N_("cannot start a process: {1}") },
	{ "crash.no_thread", N_("cannot start a thread: {1}") },
	{ "crash.no_threads", N_("cannot start the threads: {1}") },
	{ "crash.no_signal", N_("no signal, exit code {1}") },
	{ "crash.survivors",
	  N_("{1} of {2} finished {3} increments, {4} of {2} exited with status 0") },
	/* TRANSLATORS: {1} is how a thread's fault ended (a signal), {2} what it ended. */
	{ "crash.fault_end", N_("{1}: {2}") },
	{ "whole_process", N_("the whole process") },
	{ "process_went_on", N_("the process went on") },
	{ "crash.progress", N_("the others stopped at {1} of {2} increments") },
	{ "crash.error_handled", N_("{1}, handled; {2} of {3} others finished; the process {4}") },
	{ "crash.error_opened",
	  N_("{1} unexpectedly opened; {2} of {3} others finished; the process {4}") },
	{ "crash.ended_by", N_("ended by {1}") },
	{ "crash.exited", N_("exited with status {1}") },
	{ "crash.corrupt_thread",
	  N_("a thread wrote {1} to slots[4]; its sibling's balance went from {2} to {3}") },
	{ "crash.corrupt_process",
	  N_("a child process wrote {1} to slots[4]; its own copy's "
	     "balance went from {2} to {3}, the parent's from {2} to {4}") },
	{ NULL, NULL },
};

/* Facts, not figures: it records none (an exp_record would abort the test build). */
static const struct figure_decl figures[] = {
	{ .names = NULL },
};

const struct experiment exp_crash = {
	.name = "crash",
	.title = N_("What a crash or a stray write in one unit does to the others"),
	.method = N_("Workers count in a shared arena while one of them faults once the others "
		     "are halfway: a NULL write in one of several processes; a NULL write, "
		     "abort() and a division by zero in one of several threads of a sacrificial "
		     "process; a handled error and pthread_exit() in one thread. How each ended "
		     "is read from the wait status and the counters. Then a write to index 4 of "
		     "a four-int array, from a thread and from a child process, against the "
		     "balance stored right after it."),
	.claims = crash_claims,
	.params = crash_param_table,
	.n_params = sizeof(crash_param_table) / sizeof(crash_param_table[0]),
	.params_size = sizeof(struct crash_params),
	.run = crash_run,
	.deadline = crash_deadline,
	.deadline_ns = { 60000000000ull, 120000000000ull },
	.quick_suite = true,
	.forms = forms,
	.figures = figures,
};
