// SPDX-License-Identifier: MIT
/*
 * sync: shared data needs synchronisation, between threads and between
 * processes alike, and synchronisation has a price.
 *
 * Method: one group of units (threads, or fork()ed processes over the
 * shared arena) pinned round-robin over the CPUs given, kept alive across
 * batches. A generation word opens the gate of each batch (a shared futex,
 * so the same call wakes both kinds); every unit runs its share of the
 * batch's operations and the last to finish wakes the experiment. The
 * batch is timed from opening the gate to the last unit's end: the time
 * per operation as the whole group sees it. The gate's wake-up is inside
 * that interval; batches last at least GROUP_TARGET_NS so it stays small.
 *
 * Every operation adds 1 to one counter with a separate volatile load and
 * store (so the sanitizers see two plain accesses, not a compiler-visible
 * race), guarded by the primitive under test: nothing (the race), an
 * atomic add, a spinlock, a mutex, a write-locked rwlock, a POSIX
 * semaphore, a System V semaphore. Threads get private objects where the
 * type allows; processes need process-shared ones (so "mutex" for
 * processes is a process-shared mutex; "mutex_pshared" is the thread
 * figure of the same). The hand-offs are a ping-pong between two units
 * (a futex word, or a mutex with a condition variable): cost per hand-off.
 *
 * The race: N = max(2, CPUs) units each add M; what is missing from N*M
 * was lost. A run that loses nothing is retried with M doubled (one CPU
 * loses updates only when a preemption lands between load and store).
 *
 * The robust mutex: a sacrificial child (no core file) locks a robust,
 * process-shared mutex and exits holding it; the next lock returns
 * EOWNERDEAD, the data is repaired and the mutex made consistent. The same
 * with a plain process-shared mutex would wait forever: a 100 ms
 * timedlock shows it.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "runner/experiment.h"
#include "core/limit.h"
#include "core/shm.h"
#include "core/unit.h"
#include "util/i18n.h"

#define UNITS_MAX 128
/* The longest the experiment or a unit waits for the other side. */
#define WAIT_LIMIT_NS 10000000000ull
/* How long the trial of a dead holder's mutex waits for the lock. */
#define TIMEDLOCK_NS 100000000
/* A timed batch lasts at least this: the gate's wake-up stays small beside it. */
#define GROUP_TARGET_NS 1000000ull

struct sync_params {
	int64_t race_ops; /* increments per unit in the first race try */
	int64_t race_tries;
	int64_t samples;
	int64_t max_samples;
	int64_t budget_ns;
	int64_t oversubscribe; /* also 2 * CPUs contenders */
};

enum prim {
	P_PLAIN,
	P_ATOMIC,
	P_SPIN,
	P_MUTEX,
	P_MUTEX_PSHARED,
	P_RWLOCK,
	P_POSIX_SEM,
	P_SYSV_SEM,
	P_FUTEX_HANDOFF,
	P_COND_HANDOFF,
};

static const char *const prim_names[] = {
	[P_PLAIN] = "plain",
	[P_ATOMIC] = "atomic_add",
	[P_SPIN] = "spinlock",
	[P_MUTEX] = "mutex",
	[P_MUTEX_PSHARED] = "mutex_pshared",
	[P_RWLOCK] = "rwlock",
	[P_POSIX_SEM] = "posix_sem",
	[P_SYSV_SEM] = "sysv_sem",
	[P_FUTEX_HANDOFF] = "futex_handoff",
	[P_COND_HANDOFF] = "cond_handoff",
	NULL,
};

/* The group's shared state; it lives in the arena, so one pointer serves both kinds. */
struct group {
	_Alignas(64) _Atomic uint32_t gen;  /* futex word: a new value opens a batch */
	_Alignas(64) _Atomic uint32_t done; /* futex word: units finished this batch */
	_Alignas(64) _Atomic uint32_t ready;
	_Atomic uint32_t stop;
	_Alignas(64) volatile int counter;  /* the shared data */
	_Alignas(64) _Atomic uint32_t turn; /* hand-offs: whose turn */
	_Alignas(64) pthread_spinlock_t spin;
	pthread_mutex_t mutex;
	pthread_cond_t cond;
	pthread_rwlock_t rwlock;
	sem_t sem;
	int sysv_id; /* the System V semaphore, or -errno: why there is none */
	enum prim prim;
	uint32_t units;
	uint64_t total; /* operations in this batch, shared out */
	int failed;	/* a unit's primitive call failed: its -errno */
};

/* The robust-mutex trial's state, also in the arena. */
struct dead_owner {
	pthread_mutex_t mutex;
	int data; /* 1 while a holder is half-way through an update */
};

struct role {
	struct group *g;
	uint32_t index;
};

/* Waits until *word differs from old, at most until limit (clock_now_ns). */
static bool wait_change(_Atomic uint32_t *word, uint32_t old, uint64_t limit)
{
	struct timespec ts = { 0, 100000000 };
	while (atomic_load_explicit(word, memory_order_acquire) == old) {
		if (clock_now_ns() > limit)
			return false;
		unit_futex(word, FUTEX_WAIT, old, &ts);
	}
	return true;
}

/* The unlocked update: two separate accesses, so updates between them are lost. */
static inline void bump(struct group *g)
{
	int v = g->counter;
	g->counter = v + 1;
}

/*
 * The race itself: bump with no guard, from every unit at once. A function
 * of its own so that tests/tsan.supp can name this deliberate race and no
 * other: bump under a primitive must stay visible to ThreadSanitizer.
 */
static inline void bump_unguarded(struct group *g)
{
	bump(g);
}

static void hand_over(struct group *g, uint32_t me)
{
	if (g->prim == P_FUTEX_HANDOFF) {
		while (atomic_load_explicit(&g->turn, memory_order_acquire) != me) {
			struct timespec ts = { 0, 100000000 };
			unit_futex(&g->turn, FUTEX_WAIT, 1 - me, &ts);
		}
		bump(g);
		atomic_store_explicit(&g->turn, 1 - me, memory_order_release);
		unit_futex(&g->turn, FUTEX_WAKE, 1, NULL);
		return;
	}
	pthread_mutex_lock(&g->mutex);
	while (atomic_load_explicit(&g->turn, memory_order_relaxed) != me)
		pthread_cond_wait(&g->cond, &g->mutex);
	bump(g);
	atomic_store_explicit(&g->turn, 1 - me, memory_order_relaxed);
	pthread_cond_signal(&g->cond);
	pthread_mutex_unlock(&g->mutex);
}

/* One guarded update. Returns 0 or -errno. */
static int one_op(struct group *g, uint32_t me)
{
	struct sembuf down = { 0, -1, 0 }, up = { 0, 1, 0 };
	switch (g->prim) {
	case P_PLAIN:
		bump_unguarded(g);
		break;
	case P_ATOMIC:
		__atomic_fetch_add(&g->counter, 1, __ATOMIC_SEQ_CST);
		break;
	case P_SPIN:
		pthread_spin_lock(&g->spin);
		bump(g);
		pthread_spin_unlock(&g->spin);
		break;
	case P_MUTEX:
	case P_MUTEX_PSHARED:
		pthread_mutex_lock(&g->mutex);
		bump(g);
		pthread_mutex_unlock(&g->mutex);
		break;
	case P_RWLOCK:
		pthread_rwlock_wrlock(&g->rwlock);
		bump(g);
		pthread_rwlock_unlock(&g->rwlock);
		break;
	case P_POSIX_SEM:
		while (sem_wait(&g->sem) != 0)
			if (errno != EINTR)
				return -errno;
		bump(g);
		sem_post(&g->sem);
		break;
	case P_SYSV_SEM:
		while (semop(g->sysv_id, &down, 1) != 0)
			if (errno != EINTR)
				return -errno;
		bump(g);
		semop(g->sysv_id, &up, 1);
		break;
	case P_FUTEX_HANDOFF:
	case P_COND_HANDOFF:
		hand_over(g, me);
		break;
	}
	return 0;
}

/* A group member: one share of every batch, until told to stop. */
static int member(void *arg)
{
	const struct role *r = arg;
	struct group *g = r->g;
	uint32_t seen = atomic_load_explicit(&g->gen, memory_order_acquire);
	atomic_fetch_add_explicit(&g->ready, 1, memory_order_release);
	for (;;) {
		/*
		 * A crew stopped before this member first looked (crew_start()
		 * could not start a later unit: a process limit) moved gen before
		 * seen was read, and no change follows: the stop flag, stored
		 * before gen moved, says so. Without this look the member would
		 * wait WAIT_LIMIT_NS, and crew_stop() with it, for every figure.
		 */
		if (atomic_load_explicit(&g->stop, memory_order_acquire))
			return 0;
		if (!wait_change(&g->gen, seen, clock_now_ns() + WAIT_LIMIT_NS))
			return 1;
		seen = atomic_load_explicit(&g->gen, memory_order_acquire);
		if (atomic_load_explicit(&g->stop, memory_order_acquire))
			return 0;
		uint64_t share = g->total / g->units + (r->index < g->total % g->units);
		for (uint64_t i = 0; i < share; i++) {
			int err = one_op(g, r->index);
			if (err) {
				g->failed = err;
				break;
			}
		}
		if (atomic_fetch_add_explicit(&g->done, 1, memory_order_acq_rel) + 1 == g->units)
			unit_futex(&g->done, FUTEX_WAKE, 1, NULL);
	}
}

struct crew {
	struct group *g;
	struct unit u[UNITS_MAX];
	struct role roles[UNITS_MAX];
	uint32_t started;
};

/* Makes the primitive's objects, process-shared when pshared. Returns 0 or -errno. */
static int objects_init(struct group *g, enum prim p, bool pshared, int sysv_id)
{
	int ps = pshared ? PTHREAD_PROCESS_SHARED : PTHREAD_PROCESS_PRIVATE;
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	pthread_rwlockattr_t ra;
	int err;

	memset(g, 0, sizeof(*g));
	g->prim = p;
	g->sysv_id = sysv_id;
	if ((err = pthread_spin_init(&g->spin, ps)))
		return -err;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, ps);
	err = pthread_mutex_init(&g->mutex, &ma);
	pthread_mutexattr_destroy(&ma);
	if (err)
		return -err;
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, ps);
	err = pthread_cond_init(&g->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (err)
		return -err;
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setpshared(&ra, ps);
	err = pthread_rwlock_init(&g->rwlock, &ra);
	pthread_rwlockattr_destroy(&ra);
	if (err)
		return -err;
	if (sem_init(&g->sem, pshared, 1) != 0)
		return -errno;
	return 0;
}

static void objects_destroy(struct group *g)
{
	pthread_spin_destroy(&g->spin);
	pthread_mutex_destroy(&g->mutex);
	pthread_cond_destroy(&g->cond);
	pthread_rwlock_destroy(&g->rwlock);
	sem_destroy(&g->sem);
}

static int crew_stop(struct crew *c)
{
	struct unit_end end;
	int bad = 0;
	atomic_store_explicit(&c->g->stop, 1, memory_order_release);
	atomic_fetch_add_explicit(&c->g->gen, 1, memory_order_release);
	unit_futex(&c->g->gen, FUTEX_WAKE, INT_MAX, NULL);
	for (uint32_t i = 0; i < c->started; i++)
		if (unit_wait(&c->u[i], &end) != 0 || end.signalled || end.code != 0)
			bad = -ECHILD;
	c->started = 0;
	return bad;
}

/* Starts n members pinned round-robin; waits until all are ready. Returns 0 or -errno. */
static int crew_start(struct exp_ctx *ctx, struct crew *c, enum unit_type kind, uint32_t n)
{
	c->g->units = n;
	c->started = 0;
	for (uint32_t i = 0; i < n; i++) {
		c->roles[i] = (struct role){ .g = c->g, .index = i };
		int err = unit_start(&c->u[i], kind, member, &c->roles[i], exp_cpu(ctx, i));
		if (err) {
			crew_stop(c);
			return err;
		}
		c->started++;
	}
	uint64_t limit = clock_now_ns() + WAIT_LIMIT_NS;
	while (atomic_load_explicit(&c->g->ready, memory_order_acquire) < n) {
		if (clock_now_ns() > limit) {
			crew_stop(c);
			return -ETIMEDOUT;
		}
		sched_yield();
	}
	return 0;
}

/*
 * The sampler's operation: one batch of n operations shared over the
 * crew, timed from the gate to the last member's end.
 */
static int crew_batch(void *p, uint64_t n, uint64_t *elapsed)
{
	struct crew *c = p;
	struct group *g = c->g;
	g->total = n;
	g->counter = 0;
	atomic_store_explicit(&g->turn, 0, memory_order_relaxed);
	atomic_store_explicit(&g->done, 0, memory_order_release);
	uint64_t t0 = clock_now_ns();
	atomic_fetch_add_explicit(&g->gen, 1, memory_order_release);
	unit_futex(&g->gen, FUTEX_WAKE, INT_MAX, NULL);
	uint64_t limit = t0 + WAIT_LIMIT_NS;
	uint32_t d;
	while ((d = atomic_load_explicit(&g->done, memory_order_acquire)) < g->units) {
		struct timespec ts = { 0, 100000000 };
		if (clock_now_ns() > limit)
			return -ETIMEDOUT;
		unit_futex(&g->done, FUTEX_WAIT, d, &ts);
	}
	*elapsed = clock_now_ns() - t0;
	return g->failed;
}

/*
 * One race run: n units add ops each under p. Returns the count seen
 * (>= 0) or -errno.
 */
static int64_t race_once(struct exp_ctx *ctx, struct group *g, enum unit_type kind, enum prim p,
			 uint32_t n, uint64_t ops, int sysv_id)
{
	static struct crew c;
	uint64_t unused = 0;
	int err = objects_init(g, p, kind == UNIT_PROCESS, sysv_id);
	if (err)
		return err;
	c.g = g;
	err = crew_start(ctx, &c, kind, n);
	if (!err) {
		err = crew_batch(&c, ops * n, &unused);
		int stop = crew_stop(&c);
		err = err ? err : stop;
	}
	int64_t seen = g->counter;
	objects_destroy(g);
	return err ? err : seen;
}

/* The race with and without each primitive, for one kind; feeds claim. */
static void race(struct exp_ctx *ctx, const struct sync_params *sp, struct group *g,
		 enum unit_type kind, const char *claim, const enum prim *guarded, size_t n_guarded,
		 const char *const *labels)
{
	uint32_t n = ctx->n_cpus > 2 ? (uint32_t)ctx->n_cpus : 2;
	char what[64];
	struct ev_note note;
	enum limit_op unit_limit = unit_limit_op(kind);
	bool lost_plain = false, all_kept = true;
	if (n > UNITS_MAX)
		n = UNITS_MAX;

	uint64_t ops = (uint64_t)sp->race_ops;
	for (int64_t t = 1; t <= sp->race_tries && !lost_plain; t++, ops *= 2) {
		int64_t seen = race_once(ctx, g, kind, P_PLAIN, n, ops, -1);
		snprintf(what, sizeof(what), "%s.plain", claim);
		if (seen < 0) {
			exp_skip(ctx, what, "sync.units_failed",
				 ev_nested(limit_note(unit_limit, (int)seen, &note)));
			return;
		}
		uint64_t expected = ops * n;
		lost_plain = (uint64_t)seen < expected;
		if (lost_plain || t == sp->race_tries)
			exp_observe(ctx, what, "sync.lost_try", ev_count(expected), ev_count(seen),
				    ev_count(expected - (uint64_t)seen), ev_count(t));
	}
	ops = (uint64_t)sp->race_ops;
	for (size_t i = 0; i < n_guarded; i++) {
		int sysv = guarded[i] == P_SYSV_SEM ? g->sysv_id : -1;
		int64_t seen = race_once(ctx, g, kind, guarded[i], n, ops, sysv);
		snprintf(what, sizeof(what), "%s.%s", claim, labels[i]);
		if (seen < 0) {
			exp_skip(ctx, what, "sync.units_failed",
				 ev_nested(limit_note(unit_limit, (int)seen, &note)));
			all_kept = false;
			continue;
		}
		exp_observe(ctx, what, "sync.lost", ev_count(ops * n), ev_count(seen),
			    ev_count(ops * n - (uint64_t)seen));
		if ((uint64_t)seen != ops * n)
			all_kept = false;
	}
	exp_fact(ctx, claim, lost_plain && all_kept);
}

/* The sacrificial holder: locks, starts an update, and leaves holding the lock. */
static int die_holding(void *arg)
{
	struct dead_owner *d = arg;
	unit_no_core();
	if (pthread_mutex_lock(&d->mutex) != 0)
		return 2;
	d->data = 1;
	return 0; /* a process unit leaves by _exit(): the lock stays taken */
}

/* Robust and plain process-shared mutexes whose holder died. */
static void dead_owner(struct exp_ctx *ctx, struct dead_owner *d)
{
	pthread_mutexattr_t ma;
	struct unit u;
	struct unit_end end;
	struct ev_note note;
	int err;

	for (int robust = 1; robust >= 0; robust--) {
		const char *what = robust ? "sync.robust" : "sync.robust.plain";
		memset(d, 0, sizeof(*d));
		pthread_mutexattr_init(&ma);
		pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
		if (robust)
			pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
		err = pthread_mutex_init(&d->mutex, &ma);
		pthread_mutexattr_destroy(&ma);
		if (err) {
			exp_skip(ctx, what, "sync.mutex_init", ev_errno(err));
			continue;
		}
		err = unit_start(&u, UNIT_PROCESS, die_holding, d, -1);
		if (err) {
			exp_skip(ctx, what, "sync.holder_start",
				 ev_nested(limit_note(unit_limit_op(UNIT_PROCESS), err, &note)));
			continue;
		}
		err = unit_wait(&u, &end);
		if (err) {
			exp_skip(ctx, what, "sync.holder_lost", ev_errno(err));
			continue;
		}
		if (end.signalled || end.code != 0) {
			/* How it ended, in the runner's words: "killed by SIGSEGV", "exited with status 2". */
			exp_skip(ctx, what, "sync.holder_failed",
				 ev_nested(end.signalled ? &EV_MSG_OF("runner.killed",
								      ev_signal(end.signal))
							 : &EV_MSG_OF("runner.exit",
								      ev_count(end.code))));
			continue;
		}
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += TIMEDLOCK_NS;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		err = pthread_mutex_timedlock(&d->mutex, &ts);
		if (err == EOWNERDEAD) {
			d->data = 0; /* the repair: undo the half-done update */
			int c = pthread_mutex_consistent(&d->mutex);
			pthread_mutex_unlock(&d->mutex);
			int again = pthread_mutex_lock(&d->mutex);
			if (again == 0)
				pthread_mutex_unlock(&d->mutex);
			if (c == 0 && again == 0)
				exp_observe(ctx, what, "sync.recovered", ev_errno(EOWNERDEAD));
			else
				exp_observe(ctx, what, "sync.not_recovered", ev_errno(EOWNERDEAD),
					    ev_errno(c ? c : again));
			pthread_mutex_destroy(&d->mutex);
		} else if (err == ETIMEDOUT) {
			/* Left taken: a plain mutex cannot be taken back, nor destroyed. */
			exp_observe(ctx, what, "sync.held", ev_errno(ETIMEDOUT),
				    ev_num(TIMEDLOCK_NS, "ns"));
		} else if (err) {
			exp_observe(ctx, what, "sync.lock_error", ev_errno(err));
		} else {
			exp_observe(ctx, what, NULL, ev_word("locked_at_once"));
			pthread_mutex_unlock(&d->mutex);
			pthread_mutex_destroy(&d->mutex);
		}
	}
}

/* One cost figure: the group for p with n contenders of kind, sampled and recorded. */
static void cost(struct exp_ctx *ctx, const struct sync_params *sp, struct group *g,
		 enum unit_type kind, enum prim p, uint32_t n)
{
	static struct crew c;
	char what[96], nbuf[24];
	struct ev_note note;
	struct sample_set s;
	int sysv = g->sysv_id;

	snprintf(what, sizeof(what), "%s %s contenders=%u", prim_names[p], unit_type_name(kind), n);
	if (p == P_SYSV_SEM && sysv < 0) {
		/* sysv_id holds why there is none: -errno of semget() or semctl(). */
		exp_skip(ctx, what, "sync.no_sysv_sem",
			 ev_nested(limit_note(LIMIT_SYSV_SEM, sysv, &note)));
		return;
	}
	exp_progress(ctx, "%s", what);
	int err = objects_init(g, p, kind == UNIT_PROCESS || p == P_MUTEX_PSHARED, sysv);
	if (err) {
		exp_skip(ctx, what, "sync.objects", ev_errno(err));
		return;
	}
	c.g = g;
	err = crew_start(ctx, &c, kind, n);
	if (err) {
		exp_skip(ctx, what, "sync.units_start",
			 ev_nested(limit_note(unit_limit_op(kind), err, &note)));
		objects_destroy(g);
		return;
	}
	struct sampler_cfg cfg =
		exp_sampler_cfg(ctx, (uint32_t)sp->samples, (uint32_t)sp->max_samples,
				(uint64_t)sp->budget_ns, 100000000);
	if (cfg.target_ns < GROUP_TARGET_NS)
		cfg.target_ns = GROUP_TARGET_NS;
	err = sampler_run(&cfg, crew_batch, &c, &s);
	int stop = crew_stop(&c);
	objects_destroy(g);
	g->sysv_id = sysv;
	if (err || stop) {
		exp_skip(ctx, what, "sync.group_failed", ev_errno(err ? err : stop));
		if (!err)
			sample_set_free(&s);
		return;
	}
	struct mparam mp[2] = { mparam_str("kind", unit_type_name(kind)),
				mparam_num("contenders", n, nbuf, sizeof(nbuf)) };
	exp_record(ctx, prim_names[p], MU_NS, DIR_LOWER_IS_BETTER, &s, mp, 2);
	sample_set_free(&s);
}

static int sync_run(struct exp_ctx *ctx, const void *params)
{
	const struct sync_params *sp = params;
	struct shm_arena arena;
	struct ev_note note;

	int err = shm_arena_create(&arena, sizeof(struct group) + sizeof(struct dead_owner) + 256);
	if (err)
		return exp_fail(ctx, "arena", ev_nested(limit_note(LIMIT_MAP, err, &note)));
	struct group *g = shm_arena_alloc(&arena, sizeof(*g), 64);
	struct dead_owner *d = shm_arena_alloc(&arena, sizeof(*d), 64);

	int sysv = cleanup_sysv_make(CLEANUP_SYSV_SEM, 1);
	if (sysv < 0) {
		/* none: sysv holds why, for the skips (kernel.sem may allow none) */
	} else if (semctl(sysv, 0, SETVAL, 1) != 0) {
		err = -errno;
		semctl(sysv, 0, IPC_RMID);
		sysv = err;
	}

	static const enum prim thread_guards[] = { P_ATOMIC, P_MUTEX, P_SPIN, P_POSIX_SEM };
	static const char *const thread_labels[] = { "atomic", "mutex", "spinlock", "semaphore" };
	static const enum prim process_guards[] = { P_MUTEX, P_POSIX_SEM };
	static const char *const process_labels[] = { "mutex", "semaphore" };
	exp_progress(ctx, "%s", _("the race between threads"));
	g->sysv_id = sysv;
	race(ctx, sp, g, UNIT_THREAD, "sync.race", thread_guards, 4, thread_labels);
	exp_progress(ctx, "%s", _("the race between processes"));
	race(ctx, sp, g, UNIT_PROCESS, "sync.process", process_guards, 2, process_labels);
	exp_progress(ctx, "%s", _("a mutex whose holder died"));
	dead_owner(ctx, d);

	uint32_t ncpu = ctx->n_cpus ? (uint32_t)ctx->n_cpus : 1;
	uint32_t counts[4] = { 1, 2 };
	size_t n_counts = 2;
	if (ncpu > 2)
		counts[n_counts++] = ncpu;
	if (sp->oversubscribe && 2 * ncpu > counts[n_counts - 1])
		counts[n_counts++] = 2 * ncpu;
	static const enum prim locks[] = { P_ATOMIC, P_SPIN,	  P_MUTEX,   P_MUTEX_PSHARED,
					   P_RWLOCK, P_POSIX_SEM, P_SYSV_SEM };
	static const enum unit_type kinds[] = { UNIT_THREAD, UNIT_PROCESS };
	g->sysv_id = sysv;
	for (size_t k = 0; k < 2; k++) {
		for (size_t l = 0; l < sizeof(locks) / sizeof(locks[0]); l++) {
			/* For processes every mutex is process-shared: that is "mutex". */
			if (locks[l] == P_MUTEX_PSHARED && kinds[k] == UNIT_PROCESS)
				continue;
			for (size_t i = 0; i < n_counts; i++)
				if (counts[i] <= UNITS_MAX)
					cost(ctx, sp, g, kinds[k], locks[l], counts[i]);
		}
		cost(ctx, sp, g, kinds[k], P_FUTEX_HANDOFF, 2);
		cost(ctx, sp, g, kinds[k], P_COND_HANDOFF, 2);
	}
	if (sysv >= 0)
		semctl(sysv, 0, IPC_RMID);
	shm_arena_destroy(&arena);
	return 0;
}

static int sync_check(const void *params, char *err, size_t errlen)
{
	const struct sync_params *sp = params;
	return param_check_order("sync", "samples", sp->samples, "max_samples", sp->max_samples,
				 err, errlen);
}

/*
 * Generous: about 60 figures, each its budget, its warm-up and its
 * calibration, at least its minimum samples of GROUP_TARGET_NS, twice
 * over; the race tries at 20 ns per increment; plus half a minute.
 */
static uint64_t sync_deadline(const void *params)
{
	const struct sync_params *sp = params;
	double per_figure = (double)sp->budget_ns * 1.2 + 20e6 + (double)sp->samples * 2e6;
	double race_ns = 128.0 * (double)sp->race_ops * 20.0 * (double)(1ll << 10);
	if (sp->race_tries < 10)
		race_ns /= (double)(1ll << (10 - sp->race_tries));
	return (uint64_t)(2 * (70 * per_figure + race_ns)) + 30000000000ull;
}

static const char *const sync_claims[] = { "sync.race", "sync.cost", "sync.process", NULL };

static const struct param sync_param_table[] = {
	{ "race_ops", N_("increments each unit adds in the first try of the race"), UNIT_COUNT,
	  false, offsetof(struct sync_params, race_ops), "1M", "200k", "4M", 1000, 100000000 },
	{ "race_tries", N_("tries of the unsynchronised race, each with twice the increments"),
	  UNIT_COUNT, false, offsetof(struct sync_params, race_tries), "10", NULL, NULL, 1, 10 },
	{ "samples", N_("at least this many samples per figure"), UNIT_COUNT, false,
	  offsetof(struct sync_params, samples), "5", "3", "10", 3, 100000 },
	{ "max_samples", N_("at most this many samples per figure"), UNIT_COUNT, false,
	  offsetof(struct sync_params, max_samples), "200", "50", "1000", 3, 1000000 },
	{ "budget", N_("time spent sampling each figure"), UNIT_DURATION, false,
	  offsetof(struct sync_params, budget_ns), "100ms", "20ms", "300ms", 1000000,
	  600000000000 },
	{ "oversubscribe", N_("also measure with twice as many contenders as CPUs"), UNIT_BOOL,
	  false, offsetof(struct sync_params, oversubscribe), "no", NULL, "yes", 0, 1 },
};

static const struct ev_form forms[] = {
	{ "sync.lost", N_("expected {1}, seen {2}, lost {3}") },
	{ "sync.lost_try", N_("expected {1}, seen {2}, lost {3} (try {4})") },
	{ "sync.units_failed", N_("the units could not run: {1}") },
	{ "sync.mutex_init", N_("cannot make the mutex: {1}") },
	{ "sync.holder_start", N_("cannot start the holder: {1}") },
	{ "sync.holder_lost", N_("cannot wait for the holder: {1}") },
	{ "sync.holder_failed", N_("the holder did not take the lock ({1})") },
	{ "sync.recovered", N_("{1}: recovered") },
	{ "sync.not_recovered", N_("{1}: not recovered ({2})") },
	{ "sync.held", N_("{1} after {2}: the lock stays held by a dead process") },
	{ "sync.lock_error", N_("the lock failed: {1}") },
	{ "locked_at_once", N_("locked at once") },
	{ "sync.no_sysv_sem", N_("cannot make the System V semaphore: {1}") },
	{ "sync.objects", N_("cannot make the objects: {1}") },
	{ "sync.units_start", N_("cannot start the units: {1}") },
	{ "sync.group_failed", N_("the group failed: {1}") },
	{ NULL, NULL },
};

/*
 * The cost figures: every primitive but the unguarded race (P_PLAIN, the
 * first of the table, never timed), straight from prim_names.
 */
static const char *const cost_conditions[] = { "kind", "contenders", NULL };

static const struct figure_decl figures[] = {
	{ &prim_names[P_ATOMIC], MU_NS, DIR_LOWER_IS_BETTER, cost_conditions },
	{ NULL, MU_NS, DIR_NONE, NULL },
};

static const char *const between_threads[] = { "kind=thread", NULL };
static const char *const between_processes[] = { "kind=process", NULL };
static const struct chart_decl charts[] = {
	{ .id = "sync-cost-thread",
	  .kind = CHART_BARS,
	  .title = N_("Cost of one operation per primitive, between threads"),
	  .x_label = N_("primitive"),
	  .y_label = N_("time per operation"),
	  .series = { { .where = between_threads,
			.key = "contenders",
			.count_one = N_("{1} contender"),
			.count_many = N_("{1} contenders") } },
	  .log_y = true },
	{ .id = "sync-cost-process",
	  .kind = CHART_BARS,
	  .title = N_("Cost of one operation per process-shared primitive, between processes"),
	  .x_label = N_("primitive"),
	  .y_label = N_("time per operation"),
	  .series = { { .where = between_processes,
			.key = "contenders",
			.count_one = N_("{1} contender"),
			.count_many = N_("{1} contenders") } },
	  .log_y = true },
	{ .id = NULL },
};

const struct experiment exp_sync = {
	.name = "sync",
	.title = N_("Races, locks and what locks cost"),
	.method = N_("Threads, then processes over shared memory, add 1 to one counter with a "
		     "separate load and store: without synchronisation updates are lost; with an "
		     "atomic add, a mutex, a spinlock or a semaphore none are. A robust mutex "
		     "whose holder died is recovered; a plain one stays held. Then the cost per "
		     "operation of each primitive for 1, 2 and all CPUs' contenders, as the "
		     "whole group sees it, and the cost of a hand-off by futex and by condition "
		     "variable."),
	.claims = sync_claims,
	.params = sync_param_table,
	.n_params = sizeof(sync_param_table) / sizeof(sync_param_table[0]),
	.params_size = sizeof(struct sync_params),
	.run = sync_run,
	.check = sync_check,
	.deadline = sync_deadline,
	.deadline_ns = { 60000000000ull, 300000000000ull },
	.quick_suite = true,
	.forms = forms,
	.figures = figures,
	.charts = charts,
};
