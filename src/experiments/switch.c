// SPDX-License-Identifier: MIT
/*
 * switch: what a context switch costs between two processes and between
 * two threads.
 *
 * Method: a ping-pong. Side A is the experiment's own thread; side B is a
 * unit started as a process or as a thread, with the identical code. A
 * token in the shared arena says whose turn it is; each side hands it over
 * and sleeps until it comes back. One round trip is two hand-overs: on one
 * CPU, two context switches. The wake-up mechanism is a parameter of the
 * one loop: a futex (shared, the same call for both kinds; and private,
 * for threads only, labelled so), a pair of pipes, and sched_yield() under
 * SCHED_FIFO (where the privilege exists) which switches without sleeping.
 *
 * The switches are counted, not assumed: the voluntary and involuntary
 * switches of both sides (from /proc/TID/status) across a counting pass
 * after each round's samples give the switches per round trip over all
 * rounds, recorded beside every figure after its last round with the time
 * of one switch: the median of every round's samples, the figure the
 * report shows, over that count. When it is not two, the figure is not a
 * pure switch and the report says so.
 *
 * Placement: both sides on one CPU (the switch itself), on two CPUs (each
 * hand-over wakes the other CPU: in a virtual machine an idle vCPU halts
 * and waking it costs an inter-processor interrupt through the
 * hypervisor), and unpinned.
 *
 * Working set: the same-CPU futex ping-pong again while each side reads
 * and writes a private buffer per hop, and the same hops done by one unit
 * alone (no switch, as lmbench does): what a switch adds is the round trip
 * minus that. A process switch changes the address space; with PCID the
 * TLB need not be flushed, and the caches are the caches either way.
 *
 * Controls that attribute the process-thread gap. A third kind of side
 * B, clone_vm (core/unit.h): a process of its own that shares A's address
 * space, measured in the same rounds for the same-CPU figures without
 * working set. It is a process in every way but the page tables: if its
 * round trip is the thread's, the gap is the address-space switch; if it
 * is the process's, it is something else about being a process. Beside
 * it, where the tlb:tlb_flush tracepoint can be counted (core/tracepoint.h),
 * the TLB flushes per switch of each kind during the same-CPU futex
 * figure's counting pass, on A's CPU.
 *
 * Allocation: a million process switches while the page faults and the
 * resident memory of both sides are counted.
 *
 * Limits: a pipe, a partner, a working set or a /proc file that a limit
 * refuses (ulimit -n, -u, -v) skips the figure, or says why the switches
 * went uncounted, in words that name the limit (core/limit.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <linux/futex.h>
#include <math.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runner/experiment.h"
#include "core/io.h"
#include "core/limit.h"
#include "core/procfs.h"
#include "core/shm.h"
#include "core/sysinfo.h"
#include "core/tracepoint.h"
#include "core/unit.h"
#include "core/units.h"
#include "model/run.h"
#include "util/i18n.h"
#include "util/xalloc.h"

struct switch_params {
	struct param_list wset; /* working-set sizes per hop */
	int64_t samples;
	int64_t max_samples;
	int64_t budget_ns;
	int64_t alloc_switches; /* process switches for the allocation count */
	int64_t rounds;		/* the budget is spent in this many rounds over all figures */
};

enum mech {
	MECH_FUTEX,	    /* shared futex: the same call for both kinds */
	MECH_FUTEX_PRIVATE, /* private futex: threads only */
	MECH_PIPE,	    /* one pipe each way */
	MECH_YIELD,	    /* sched_yield() under SCHED_FIFO, one CPU */
};

static const char *const mech_names[] = {
	[MECH_FUTEX] = "futex",
	[MECH_FUTEX_PRIVATE] = "futex_private",
	[MECH_PIPE] = "pipe",
	[MECH_YIELD] = "yield_fifo",
};

enum placement {
	SAME_CPU,
	CROSS_CPU,
	UNPINNED
};

static const char *const placement_names[] = {
	[SAME_CPU] = "same-cpu",
	[CROSS_CPU] = "cross-cpu",
	[UNPINNED] = "unpinned",
};

/* What both sides share; it lives in the arena, so one pointer serves both kinds. */
struct pingpong {
	_Alignas(64) _Atomic uint32_t turn; /* the futex word: 0 A's turn, 1 B's turn */
	_Alignas(64) _Atomic uint32_t stop;
	_Atomic int32_t b_tid;
	_Atomic uint32_t b_ready;
	enum mech mech;
	size_t wset;	  /* bytes each side touches per hop */
	int ab[2], ba[2]; /* pipes: A to B, B to A */
	int b_fifo_err;	  /* B could not become SCHED_FIFO: its -errno */
	int b_alloc_err;  /* B could not allocate its working set: -ENOMEM */
};

/* Reads and writes one byte per cache line of the buffer: a working set. */
static void touch(volatile unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i += 64)
		buf[i]++;
}

/* Gives the turn to `to` (0 A, 1 B). */
static void hand_over(struct pingpong *pp, uint32_t to)
{
	unsigned char byte = 1;
	switch (pp->mech) {
	case MECH_FUTEX:
	case MECH_FUTEX_PRIVATE:
		atomic_store_explicit(&pp->turn, to, memory_order_release);
		unit_futex(&pp->turn, pp->mech == MECH_FUTEX ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE, 1,
			   NULL);
		break;
	case MECH_PIPE:
		io_write_all(to ? pp->ab[1] : pp->ba[1], &byte, 1);
		break;
	case MECH_YIELD:
		atomic_store_explicit(&pp->turn, to, memory_order_release);
		break;
	}
}

/* Waits until it is `me`'s turn. */
static void wait_turn(struct pingpong *pp, uint32_t me)
{
	unsigned char byte;
	uint32_t t;
	switch (pp->mech) {
	case MECH_FUTEX:
	case MECH_FUTEX_PRIVATE:
		while ((t = atomic_load_explicit(&pp->turn, memory_order_acquire)) != me)
			unit_futex(&pp->turn,
				   pp->mech == MECH_FUTEX ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE, t,
				   NULL);
		break;
	case MECH_PIPE:
		io_read_full(me ? pp->ab[0] : pp->ba[0], &byte, 1);
		break;
	case MECH_YIELD:
		while (atomic_load_explicit(&pp->turn, memory_order_acquire) != me)
			sched_yield();
		break;
	}
}

static int become_fifo(void)
{
	struct sched_param sp = { .sched_priority = 1 };
	return sched_setscheduler(0, SCHED_FIFO, &sp) == 0 ? 0 : -errno;
}

/*
 * Side B: the same code as a process or as a thread. As a clone_vm unit
 * it keeps to that kind's constraint (core/unit.h): system calls only;
 * it has no working set, so it never allocates.
 */
static int side_b(void *arg)
{
	struct pingpong *pp = arg;
	unsigned char *buf = pp->wset ? calloc(1, pp->wset) : NULL;
	if (pp->wset && !buf)
		pp->b_alloc_err = -ENOMEM;
	if (pp->mech == MECH_YIELD)
		pp->b_fifo_err = become_fifo();
	atomic_store(&pp->b_tid, (int32_t)gettid());
	atomic_store_explicit(&pp->b_ready, 1, memory_order_release);
	if (pp->b_alloc_err)
		return 0; /* A skips the figure; its stop finds no one to wake */
	for (;;) {
		wait_turn(pp, 1);
		if (atomic_load_explicit(&pp->stop, memory_order_acquire))
			break;
		if (buf)
			touch(buf, pp->wset);
		hand_over(pp, 0);
	}
	free(buf);
	return 0;
}

/* Side A's state for the sampler. */
struct side_a {
	struct pingpong *pp;
	unsigned char *buf;  /* A's own working set */
	unsigned char *buf2; /* B's, for the alone baseline */
	bool alone;	     /* both hop sequences, no partner */
};

static int op_round_trips(void *p, uint64_t n, uint64_t *elapsed)
{
	struct side_a *a = p;
	(void)elapsed;
	for (uint64_t i = 0; i < n; i++) {
		if (a->buf)
			touch(a->buf, a->pp->wset);
		if (a->alone) {
			if (a->buf2)
				touch(a->buf2, a->pp->wset);
			continue;
		}
		hand_over(a->pp, 1);
		wait_turn(a->pp, 0);
	}
	return 0;
}

/* Voluntary + involuntary switches of both sides so far. Returns 0 or -errno. */
static int pair_switches(pid_t b_tid, uint64_t *n)
{
	struct procfs_sched a, b;
	int err = procfs_sched(gettid(), &a);
	if (!err)
		err = procfs_sched(b_tid, &b);
	if (!err)
		*n = a.voluntary_switches + a.involuntary_switches + b.voluntary_switches +
		     b.involuntary_switches;
	return err;
}

/*
 * One figure to take, and what its rounds gathered for the observations
 * made after the last: every round's samples (the runner merges them into
 * the one figure the report shows), and the counting passes' sums.
 */
struct figure {
	enum mech mech;
	enum unit_type kind;
	enum placement place;
	size_t wset;
	bool alone;
	uint64_t batch; /* calibrated in the first round, kept for the later ones */
	bool dropped;	/* skipped once with its reason: not taken again */
	uint64_t *raw;	/* the samples of every round taken, in order */
	size_t n;
	uint64_t switches, trips; /* counted switches over the trips of the passes that counted */
	int count_err;		  /* why a pass could not count (the last reason), or 0 */
	uint64_t flushes, flush_switches; /* TLB flushes over the switches they came with */
	bool flushes_read;		  /* some pass read the TLB counter */
};

/* The tlb:tlb_flush counter on A's CPU, or why there is none. */
struct tlb_counter {
	int fd;	 /* -1: none */
	int err; /* why not: -errno of tracepoint_id() or tracepoint_open_cpu() */
};

/* Opens the counter, or skips `tlb_flushes` once with the reason. */
static void tlb_open(struct exp_ctx *ctx, struct tlb_counter *t)
{
	uint64_t id;
	t->fd = -1;
	t->err = tracepoint_id(NULL, "tlb", "tlb_flush", &id);
	if (t->err == -ENODEV) {
		exp_skip_msg(ctx, "tlb_flushes",
			     &(struct ev_msg){ .form = "switch.tlb_no_tracefs" });
		return;
	}
	if (t->err == -ENOENT) {
		exp_skip(ctx, "tlb_flushes", "switch.tlb_no_event", ev_token("tlb:tlb_flush"));
		return;
	}
	if (t->err) {
		exp_skip(ctx, "tlb_flushes", "switch.tlb_id", ev_token("tlb:tlb_flush"),
			 ev_errno(t->err));
		return;
	}
	int fd = tracepoint_open_cpu(id, exp_cpu(ctx, 0));
	if (fd < 0) {
		t->err = fd;
		exp_skip(ctx, "tlb_flushes", "switch.tlb_perf", ev_token("tlb:tlb_flush"),
			 ev_errno(fd), ev_num(tracepoint_paranoid(), NULL));
		return;
	}
	t->fd = fd;
}

/* The flushes so far, or UINT64_MAX when there is no counter or it cannot be read. */
static uint64_t tlb_now(const struct tlb_counter *t)
{
	uint64_t n;
	return t->fd >= 0 && tracepoint_read(t->fd, &n) == 0 ? n : UINT64_MAX;
}

/* Whether f is the figure whose counting pass also counts the TLB flushes. */
static bool tlb_figure(const struct figure *f)
{
	return !f->alone && f->mech == MECH_FUTEX && f->place == SAME_CPU && f->wset == 0;
}

static void figure_name(const struct figure *f, char *buf, size_t size)
{
	if (f->alone)
		snprintf(buf, size, "alone working_set_bytes=%zu", f->wset);
	else
		snprintf(buf, size, "%s %s %s working_set_bytes=%zu", mech_names[f->mech],
			 unit_type_name(f->kind), placement_names[f->place], f->wset);
}

static void close_pipes(struct pingpong *pp)
{
	if (pp->mech != MECH_PIPE)
		return;
	close(pp->ab[0]);
	close(pp->ab[1]);
	close(pp->ba[0]);
	close(pp->ba[1]);
}

/*
 * Starts B for the figure, with A pinned as its placement says. Returns 0,
 * or -errno after skipping `what` with the reason.
 */
static int start_pair(struct exp_ctx *ctx, const struct figure *f, struct pingpong *pp,
		      struct unit *b, const char *what)
{
	int cpu_a = exp_cpu(ctx, 0), cpu_b = exp_cpu(ctx, 0);
	struct ev_note limit;
	int err;
	if (f->place == CROSS_CPU) {
		if (ctx->n_cpus < 2) {
			exp_skip_msg(ctx, what, &(struct ev_msg){ .form = "switch.two_cpus" });
			return -ENODEV;
		}
		cpu_b = exp_cpu(ctx, 1);
	}
	if (f->place == UNPINNED)
		err = unit_pin_self_to(ctx->cpus, ctx->n_cpus);
	else
		err = unit_pin_self(cpu_a);
	if (err) {
		exp_skip(ctx, what, "switch.pin", ev_errno(err));
		return err;
	}
	memset(pp, 0, sizeof(*pp));
	pp->mech = f->mech;
	pp->wset = f->wset;
	if (f->mech == MECH_PIPE) {
		err = pipe2(pp->ab, O_CLOEXEC) ? -errno : 0;
		if (!err && pipe2(pp->ba, O_CLOEXEC)) {
			err = -errno;
			close(pp->ab[0]);
			close(pp->ab[1]);
		}
		if (err) {
			exp_skip(ctx, what, "switch.pipe",
				 ev_nested(limit_note(LIMIT_FD, err, &limit)));
			return err;
		}
	}
	err = unit_start(b, f->kind, side_b, pp, f->place == UNPINNED ? -1 : cpu_b);
	if (err) {
		exp_skip(ctx, what, "partner",
			 ev_nested(limit_note(unit_limit_op(f->kind), err, &limit)));
		close_pipes(pp);
		return err;
	}
	while (!atomic_load_explicit(&pp->b_ready, memory_order_acquire))
		sched_yield();
	if (pp->b_alloc_err) {
		exp_skip(ctx, what, "switch.working_set",
			 ev_nested(limit_note(LIMIT_MAP, pp->b_alloc_err, &limit)));
		return pp->b_alloc_err;
	}
	if (f->mech == MECH_YIELD && pp->b_fifo_err) {
		exp_skip(ctx, what, "switch.fifo", ev_errno(pp->b_fifo_err));
		return pp->b_fifo_err;
	}
	return 0;
}

static void stop_pair(struct pingpong *pp, struct unit *b)
{
	struct unit_end end;
	atomic_store_explicit(&pp->stop, 1, memory_order_release);
	hand_over(pp, 1);
	unit_wait(b, &end);
	close_pipes(pp);
}

/* Records the figure's round, and keeps its samples for the observations after the last. */
static void record_round(struct exp_ctx *ctx, struct figure *f, const struct sample_set *s)
{
	char wbuf[32];
	struct mparam mp[5];
	size_t n = 0;
	mp[n++] = mparam_num("working_set_bytes", (int64_t)f->wset, wbuf, sizeof(wbuf));
	if (!f->alone) {
		mp[n++] = mparam_str("kind", unit_type_name(f->kind));
		mp[n++] = mparam_str("placement", placement_names[f->place]);
	}
	exp_record(ctx, f->alone ? "alone" : mech_names[f->mech], MU_NS, DIR_LOWER_IS_BETTER, s, mp,
		   n);
	f->batch = s->batch;
	f->raw = xrealloc(f->raw, (f->n + s->n) * sizeof(*f->raw));
	memcpy(f->raw + f->n, s->raw, s->n * sizeof(*f->raw));
	f->n += s->n;
}

/*
 * Counts the switches, and for the TLB figure the flushes, over a pass of
 * their own after the round's samples: as many trips as an eighth of
 * them, at least 10, at most 500 (a few ms; the count is a small whole
 * number per trip, and every round adds to it). Adds to the figure's sums.
 */
static void count_pass(struct figure *f, struct side_a *a, const struct sample_set *s,
		       const struct tlb_counter *tlb)
{
	uint64_t trips = s->n * s->batch / 8, unused, before = 0, after = 0;
	trips = trips < 10 ? 10 : trips > 500 ? 500 : trips;
	pid_t b_tid = atomic_load(&a->pp->b_tid);
	bool count_tlb = tlb_figure(f) && tlb->fd >= 0;
	int err = pair_switches(b_tid, &before);
	uint64_t tlb0 = count_tlb ? tlb_now(tlb) : UINT64_MAX;
	op_round_trips(a, trips, &unused);
	uint64_t tlb1 = count_tlb ? tlb_now(tlb) : UINT64_MAX;
	if (!err)
		err = pair_switches(b_tid, &after);
	if (err) {
		f->count_err = err;
	} else {
		f->switches += after - before;
		f->trips += trips;
	}
	/* Flushes per switch: per switch counted, else per two a round trip. */
	if (count_tlb && tlb0 != UINT64_MAX && tlb1 != UINT64_MAX && tlb1 >= tlb0) {
		f->flushes += tlb1 - tlb0;
		f->flush_switches += !err && after > before ? after - before : 2 * trips;
		f->flushes_read = true;
	}
}

/*
 * After the last round, what the switches per round trip were over every
 * round's counting pass, and the time of one switch: the median of every
 * round's samples, as the runner summarises the merged figure, over that
 * count. For the TLB figure, the flushes per switch over the same passes.
 */
static void observe_figure(struct exp_ctx *ctx, const struct figure *f)
{
	char what[128];
	struct ev_note limit;
	if (f->alone || f->n == 0)
		return;
	if (f->flushes_read) {
		char key[64];
		snprintf(key, sizeof(key), "tlb_flushes kind=%s", unit_type_name(f->kind));
		exp_observe(ctx, key, NULL,
			    ev_num((double)f->flushes / (double)f->flush_switches, NULL));
	}
	figure_name(f, what, sizeof(what));
	if (f->trips == 0) {
		exp_observe(ctx, what, "switch.uncounted",
			    ev_nested(limit_note(LIMIT_FD, f->count_err, &limit)));
		return;
	}
	/* The cost of one switch, from the switches counted, not the two assumed. */
	struct metric merged = { .raw = f->raw, .n = f->n, .batch = f->batch };
	metric_summarize(&merged);
	double switches_per_rt = (double)f->switches / (double)f->trips;
	/* The switches per round trip, a plain number; the time of one switch (NaN: not known). */
	double per_switch = switches_per_rt > 0 ? merged.sum.median / switches_per_rt : NAN;
	bool plain = switches_per_rt >= 1.9 && switches_per_rt <= 2.1;
	exp_observe(ctx, what, plain ? "switch.per_switch" : "switch.not_two",
		    ev_num(switches_per_rt, NULL), ev_num(per_switch, "ns"));
}

/*
 * Takes one figure: allocates the working sets, starts the pair, samples
 * round trips, counts switches, stops. A figure that cannot be taken is
 * skipped with its reason once and dropped from the later rounds.
 */
static void take(struct exp_ctx *ctx, const struct switch_params *sp, struct shm_arena *arena,
		 const struct tlb_counter *tlb, struct figure *f, unsigned round)
{
	char what[128];
	struct ev_note limit;
	struct pingpong *pp = arena->base;
	struct side_a a = { .pp = pp, .alone = f->alone };
	struct unit b = { 0 };
	bool fifo = false;
	int err = 0;

	if (f->dropped)
		return;
	figure_name(f, what, sizeof(what));
	exp_progress(ctx, _("round %u of %u: %s"), round + 1, (unsigned)sp->rounds, what);
	if (f->wset) {
		a.buf = calloc(1, f->wset);
		a.buf2 = f->alone ? calloc(1, f->wset) : NULL;
		if (!a.buf || (f->alone && !a.buf2)) {
			exp_skip(ctx, what, "switch.working_set",
				 ev_nested(limit_note(LIMIT_MAP, -ENOMEM, &limit)));
			f->dropped = true;
			goto free_bufs;
		}
	}
	if (f->alone) {
		memset(pp, 0, sizeof(*pp));
		pp->wset = f->wset;
		unit_pin_self(exp_cpu(ctx, 0));
	} else {
		if (f->mech == MECH_YIELD) {
			err = become_fifo();
			if (err) {
				exp_skip(ctx, what, "switch.fifo", ev_errno(err));
				f->dropped = true;
				goto free_bufs;
			}
			fifo = true;
		}
		err = start_pair(ctx, f, pp, &b, what);
		if (err && err != -ENODEV && b.running)
			stop_pair(pp, &b);
		if (err) {
			f->dropped = true;
			goto normal_policy;
		}
	}

	struct sampler_cfg cfg = exp_sampler_round(
		ctx, (uint32_t)sp->samples, (uint32_t)sp->max_samples, (uint64_t)sp->budget_ns,
		(uint32_t)sp->rounds, round, f->batch, 1000000);
	struct sample_set s;
	err = sampler_run(&cfg, op_round_trips, &a, &s);
	if (!err && !f->alone)
		count_pass(f, &a, &s, tlb);
	if (!f->alone)
		stop_pair(pp, &b);
	if (err) {
		exp_skip(ctx, what, "switch.pingpong", ev_errno(err));
		f->dropped = true;
	} else {
		record_round(ctx, f, &s);
		sample_set_free(&s);
	}
normal_policy:
	if (fifo) {
		struct sched_param normal = { 0 };
		sched_setscheduler(0, SCHED_OTHER, &normal);
	}
free_bufs:
	free(a.buf);
	free(a.buf2);
}

/* What count_allocation() reads of both sides, before and after the switches. */
struct pair_snapshot {
	struct procfs_sched sched[2]; /* [0] side A (this process), [1] side B */
	struct procfs_mem mem[2];
};

/* Reads the faults and resident memory of side A and of b_pid. Returns 0 or -errno. */
static int snapshot_pair(pid_t b_pid, struct pair_snapshot *s)
{
	int err = procfs_sched(0, &s->sched[0]);
	if (!err)
		err = procfs_sched(b_pid, &s->sched[1]);
	if (!err)
		err = procfs_mem(0, &s->mem[0]);
	if (!err)
		err = procfs_mem(b_pid, &s->mem[1]);
	return err;
}

/*
 * A million process switches (or as many as asked), counting the page
 * faults and the resident memory of both sides around them: does a
 * process switch allocate memory?
 */
static void count_allocation(struct exp_ctx *ctx, const struct switch_params *sp,
			     struct shm_arena *arena)
{
	struct figure f = { .mech = MECH_FUTEX, .kind = UNIT_PROCESS, .place = SAME_CPU };
	struct pingpong *pp = arena->base;
	struct side_a a = { .pp = pp };
	struct unit b = { 0 };
	struct ev_note limit;

	exp_progress(ctx, "%s", _("counting faults across process switches"));
	if (start_pair(ctx, &f, pp, &b, "allocation") != 0) {
		if (b.running)
			stop_pair(pp, &b);
		return;
	}
	pid_t b_pid = b.pid;
	/* Warm both sides up first: the first hand-overs fault in their stacks. */
	uint64_t unused, sw0 = 0, sw1 = 0;
	op_round_trips(&a, 1000, &unused);
	struct pair_snapshot s0, s1;
	int err = pair_switches(b_pid, &sw0);
	if (!err)
		err = snapshot_pair(b_pid, &s0);
	op_round_trips(&a, (uint64_t)sp->alloc_switches / 2, &unused);
	if (!err)
		err = snapshot_pair(b_pid, &s1);
	if (!err)
		err = pair_switches(b_pid, &sw1);
	stop_pair(pp, &b);
	if (err) {
		exp_skip(ctx, "allocation", "switch.proc",
			 ev_nested(limit_note(LIMIT_FD, err, &limit)));
		return;
	}

	uint64_t minor = 0, major = 0;
	int64_t rss = 0;
	for (int side = 0; side < 2; side++) {
		minor += s1.sched[side].minor_faults - s0.sched[side].minor_faults;
		major += s1.sched[side].major_faults - s0.sched[side].major_faults;
		rss += (int64_t)s1.mem[side].rss_bytes - (int64_t)s0.mem[side].rss_bytes;
	}
	exp_observe(ctx, "alloc.switches", NULL, ev_count(sw1 - sw0));
	exp_observe(ctx, "alloc.minor_faults", NULL, ev_count(minor));
	exp_observe(ctx, "alloc.major_faults", NULL, ev_count(major));
	exp_observe(ctx, "alloc.rss_change_bytes", NULL, ev_num(rss, "bytes"));
	/* A handful of faults over a million switches is the reading itself, not the switch. */
	bool allocates = sw1 - sw0 > 0 && (double)(minor + major) / (double)(sw1 - sw0) > 1e-3;
	exp_fact(ctx, "switch.alloc", allocates);
}

static int switch_run(struct exp_ctx *ctx, const void *params)
{
	const struct switch_params *sp = params;
	struct shm_arena arena;
	struct sysinfo si;

	struct ev_note limit;
	int err = shm_arena_create(&arena, sizeof(struct pingpong));
	if (err == -ENOMEM) /* the futex word and the pipes live there */
		return exp_unsupported(ctx, "arena", ev_nested(limit_note(LIMIT_MAP, err, &limit)));
	if (err)
		return exp_fail(ctx, "arena", ev_errno(err));
	sysinfo_collect(&si);
	exp_fact(ctx, "pcid", si.pcid);
	exp_fact(ctx, "virtualized", si.virtualized);
	struct tlb_counter tlb;
	tlb_open(ctx, &tlb);

	static const enum mech mechs[] = { MECH_FUTEX, MECH_FUTEX_PRIVATE, MECH_PIPE, MECH_YIELD };
	/* clone_vm, the control, only on one CPU without working set: the switch itself. */
	static const enum unit_type kinds[] = { UNIT_PROCESS, UNIT_THREAD, UNIT_SHARED_VM };
	struct figure figs[4 * 3 * 3 + 3 * PARAM_LIST_MAX];
	size_t n = 0;
	for (size_t m = 0; m < sizeof(mechs) / sizeof(mechs[0]); m++)
		for (int p = SAME_CPU; p <= UNPINNED; p++)
			for (size_t k = 0; k < 3; k++) {
				if (mechs[m] == MECH_FUTEX_PRIVATE && kinds[k] == UNIT_PROCESS)
					continue; /* a private futex cannot cross address spaces */
				if (kinds[k] == UNIT_SHARED_VM &&
				    (p != SAME_CPU || !unit_kind_supported(kinds[k])))
					continue;
				if (mechs[m] == MECH_YIELD && p != SAME_CPU)
					continue; /* yielding hands over only on one CPU */
				figs[n++] = (struct figure){ .mech = mechs[m],
							     .kind = kinds[k],
							     .place = (enum placement)p };
			}
	for (size_t w = 0; w < sp->wset.n; w++) {
		size_t bytes = (size_t)sp->wset.v[w];
		if (bytes == 0)
			continue; /* measured above */
		for (size_t k = 0; k < 2; k++)
			figs[n++] = (struct figure){ .mech = MECH_FUTEX,
						     .kind = kinds[k],
						     .place = SAME_CPU,
						     .wset = bytes };
	}
	for (size_t w = 0; w < sp->wset.n; w++)
		figs[n++] = (struct figure){ .mech = MECH_FUTEX,
					     .kind = UNIT_THREAD,
					     .place = SAME_CPU,
					     .wset = (size_t)sp->wset.v[w],
					     .alone = true };

	/*
	 * Every figure in every round, forwards then backwards: the machine's
	 * slow drifts (another guest, the host) land on all figures alike,
	 * and the rounds of one figure merge into one metric. What is
	 * observed of a figure waits for its last round: it speaks of them all.
	 */
	for (unsigned round = 0; round < (unsigned)sp->rounds; round++)
		for (size_t i = 0; i < n; i++)
			take(ctx, sp, &arena, &tlb, &figs[round % 2 ? n - 1 - i : i], round);
	for (size_t i = 0; i < n; i++) {
		observe_figure(ctx, &figs[i]);
		free(figs[i].raw);
	}
	if (tlb.fd >= 0)
		close(tlb.fd);
	count_allocation(ctx, sp, &arena);
	shm_arena_destroy(&arena);
	return 0;
}

/* Parameters that are each in range but do not go together. */
static int switch_check(const void *params, char *err, size_t errlen)
{
	const struct switch_params *sp = params;
	int bad = param_check_order("switch", "samples", sp->samples, "max_samples",
				    sp->max_samples, err, errlen);
	if (!bad)
		bad = param_check_order("switch", "rounds", sp->rounds, "max_samples",
					sp->max_samples, err, errlen);
	return bad;
}

/*
 * A generous bound: every figure's budget or its minimum samples at a
 * pessimistic round trip (1 ms, plus 1 ms per MiB of working set), with
 * each round's counting pass (a quarter of its trips, at least 10), and
 * the allocation count at 50 µs a switch, twice over, plus a minute.
 */
static uint64_t switch_deadline(const void *params)
{
	const struct switch_params *sp = params;
	double per_figure =
		(double)sp->budget_ns * 1.55 + (double)(sp->samples + 10 * sp->rounds) * 1e6;
	double ns = 20 * per_figure + (double)sp->alloc_switches * 50e3;
	for (size_t w = 0; w < sp->wset.n; w++) {
		double mib = (double)sp->wset.v[w] / 1048576.0;
		ns += 3 * (per_figure + (double)sp->samples * mib * 1e6 + 2000 * mib * 1e6);
	}
	return (uint64_t)(2 * ns) + 60000000000ull;
}

static const char *const switch_claims[] = { "switch.cost", "switch.alloc", "switch.tlb", NULL };

static const struct param switch_param_table[] = {
	{ "wset", N_("bytes each side reads and writes per hop, one figure per size"), UNIT_BYTES,
	  true, offsetof(struct switch_params, wset), "0,16KiB,256KiB,1MiB,4MiB", NULL,
	  "0,16KiB,256KiB,1MiB,4MiB,16MiB", 0, (int64_t)1 << 30 },
	{ "samples", N_("at least this many samples per figure"), UNIT_COUNT, false,
	  offsetof(struct switch_params, samples), "20", "10", "40", 3, 100000 },
	{ "max_samples", N_("at most this many samples per figure"), UNIT_COUNT, false,
	  offsetof(struct switch_params, max_samples), "1000", "300", "5000", 3, 1000000 },
	{ "budget", N_("time spent sampling each figure"), UNIT_DURATION, false,
	  offsetof(struct switch_params, budget_ns), "200ms", "80ms", "1s", 1000000, 600000000000 },
	{ "rounds", N_("rounds over all figures that share each figure's budget"), UNIT_COUNT,
	  false, offsetof(struct switch_params, rounds), "3", "2", "5", 1, 100 },
	{ "alloc_switches", N_("process switches during which faults and memory are counted"),
	  UNIT_COUNT, false, offsetof(struct switch_params, alloc_switches), "1M", NULL, "4M", 1000,
	  1000000000 },
};

static const struct ev_form forms[] = {
	{ "switch.two_cpus", N_("needs two CPUs: --cpus gives one") },
	{ "switch.pin", N_("cannot pin: {1}") },
	{ "switch.pipe", N_("cannot make a pipe: {1}") },
	{ "switch.working_set", N_("cannot allocate the working set: {1}") },
	{ "switch.fifo", N_("SCHED_FIFO refused: {1}") },
	{ "switch.pingpong", N_("the ping-pong failed: {1}") },
	{ "switch.uncounted", N_("the switches could not be counted: {1}") },
	/* {1} switches per round trip (a plain number), {2} the time of one switch. */
	{ "switch.per_switch", N_("{1} switches per round trip; {2} per switch") },
	{ "switch.not_two",
	  N_("{1} switches per round trip, not 2: the figure is not two plain switches (a waiter "
	     "found the token back before sleeping, or was preempted); {2} per switch") },
	{ "switch.proc", N_("cannot read the faults and memory in /proc: {1}") },
	{ "switch.tlb_no_tracefs", N_("tracefs is not mounted (neither /sys/kernel/tracing nor "
				      "/sys/kernel/debug/tracing has events)") },
	{ "switch.tlb_no_event", N_("this kernel has no {1} tracepoint") },
	{ "switch.tlb_id", N_("cannot read the id of the {1} tracepoint: {2}") },
	/* {3}: the value of /proc/sys/kernel/perf_event_paranoid. */
	{ "switch.tlb_perf",
	  N_("perf_event_open refused to count the {1} tracepoint on one CPU: {2} "
	     "(perf_event_paranoid is {3}; counting every task of a CPU needs 0 or less, or "
	     "CAP_PERFMON)") },
	{ NULL, NULL },
};

static const char *const pingpong_names[] = { "futex", "futex_private", "pipe", "yield_fifo",
					      NULL };
static const char *const pingpong_conditions[] = { "working_set_bytes", "kind", "placement", NULL };
static const char *const alone_names[] = { "alone", NULL };
static const char *const alone_conditions[] = { "working_set_bytes", NULL };

static const struct figure_decl figures[] = {
	{ pingpong_names, MU_NS, DIR_LOWER_IS_BETTER, pingpong_conditions },
	{ alone_names, MU_NS, DIR_LOWER_IS_BETTER, alone_conditions },
	{ NULL, MU_NS, DIR_NONE, NULL },
};

static const char *const futex_only[] = { "futex", NULL };
static const char *const alone_only[] = { "alone", NULL };
static const char *const no_ws[] = { "working_set_bytes=0", NULL };
static const char *const ws_same[] = { "working_set_bytes", "placement=same-cpu", NULL };
static const char *const ws_any[] = { "working_set_bytes", NULL };
static const struct chart_decl charts[] = {
	{ .id = "switch-placement",
	  .kind = CHART_BARS,
	  .title = N_("Round trip through a futex, per placement"),
	  .x_label = N_("placement of the two units"),
	  .y_label = N_("time per round trip, two switches"),
	  .series = { { .names = futex_only,
			.where = no_ws,
			.key = "kind",
			.words = chart_kind_labels } },
	  .cat_key = "placement" },
	{ .id = "switch-working-set",
	  .kind = CHART_LINES,
	  .title = N_("Round trip on one CPU with a working set per hop"),
	  .x_label = N_("working set touched per hop"),
	  .y_label = N_("time per round trip"),
	  .series = { { .names = futex_only,
			.where = ws_same,
			.key = "kind",
			.words = chart_kind_labels },
		      { .names = alone_only,
			.where = ws_any,
			.label = N_("the same work alone") } },
	  .x_key = "working_set_bytes",
	  .x_unit = CHART_UNIT_BYTES,
	  .log_x = true,
	  .log_y = true },
	{ .id = NULL },
};

const struct experiment exp_switch = {
	.name = "switch",
	.title = N_("Switching between processes or threads"),
	.method = N_("A ping-pong: two units hand a token back and forth, the same code for a "
		     "process pair and a thread pair, woken by a shared futex, a private futex "
		     "(threads), a pipe pair, or sched_yield under SCHED_FIFO; on one CPU, on two, "
		     "and unpinned. The switches are counted from /proc. On one CPU, the same "
		     "ping-pongs with a control: a process that shares the address space "
		     "(clone with CLONE_VM), and, where the tlb:tlb_flush tracepoint is readable, "
		     "the TLB flushes per switch of each kind. Then the same-CPU futex "
		     "ping-pong with a working set per hop, against the same hops done alone; "
		     "then faults and resident memory across a million process switches."),
	.claims = switch_claims,
	.params = switch_param_table,
	.n_params = sizeof(switch_param_table) / sizeof(switch_param_table[0]),
	.params_size = sizeof(struct switch_params),
	.run = switch_run,
	.check = switch_check,
	.deadline = switch_deadline,
	.deadline_ns = { 120000000000ull, 900000000000ull },
	.quick_suite = true,
	.forms = forms,
	.figures = figures,
	.charts = charts,
};
