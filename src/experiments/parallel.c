// SPDX-License-Identifier: MIT
/*
 * parallel: what running in parallel buys, and what talking costs, with
 * processes and with threads.
 *
 * Speedup: a fixed amount of work is split evenly over N units, N = 1 ..
 * the CPUs of --cpus (and twice that under --full, to show what
 * oversubscription does), unit i pinned to the i-th of those CPUs. Every
 * unit is started (fork or pthread_create), prepares its memory and waits
 * at a start gate in the shared arena; the clock starts when the gate
 * opens, after the last unit is ready, so creating the units is not
 * timed. Each unit stamps the time it ends; the figure is the latest stamp
 * minus the opening (one CLOCK_MONOTONIC, the same for every process).
 * Two kernels: an integer hash loop (CPU-bound: it scales with the cores
 * unless the machine's "CPUs" are hyperthreads or vCPUs sharing a core)
 * and a read-modify-write stream over a 32 MiB buffer of each unit's own
 * (bound by the memory bandwidth, which the cores share: it stops scaling
 * long before the cores run out). The buffers are shared mappings made
 * once, one per unit slot, so both kinds stream over the same memory and
 * no run pays for mapping and faulting 32 MiB per unit. The hash loop's checksum is the xor of
 * a hash of every index, so it is the same however the work was split:
 * it proves every figure did the same work.
 *
 * The speed-up figures are taken in rounds (parameter rounds): each round
 * runs every kernel, both kinds and every unit count, the order of the
 * kinds and of the counts reversed every other round, each figure taking
 * its share of the samples; the runner merges a figure's rounds. A slow
 * drift of the machine then lands on both kinds alike. The pipeline's
 * variants take the same rounds, in turn, forwards then backwards.
 *
 * Communication: a producer hands small items to a consumer that does a
 * little work on each, and waits for the consumer's answer at the end of
 * a batch: two threads over a shared ring, two processes over a pipe, two
 * processes over the same shared ring. The batch (items per answer) is a
 * parameter, the same for every variant and fixed before measuring, so
 * every side does the same work (a batch calibrated per variant ended at 1
 * for processes, whose first batches a start-up or a waking vCPU slows,
 * and at thousands for threads). One untimed batch warms the consumer
 * first. The figure is the time per item; its conditions say the variant,
 * the kind of its two units and the channel.
 *
 * False sharing: two threads on two CPUs each increment their own
 * counter; the counters share one cache line, or lie 128 bytes apart
 * (past the adjacent-line prefetcher's pair). Every increment of one
 * thread then takes the line from the other.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14; older kernels refuse it, harmlessly */
#endif

#include "core/channel.h"
#include "runner/experiment.h"
#include "core/limit.h"
#include "core/shm.h"
#include "core/unit.h"
#include "util/i18n.h"

struct parallel_params {
	int64_t work;	    /* hash iterations in all, split over the units */
	int64_t mem_buffer; /* bytes each unit streams over */
	int64_t mem_passes; /* passes over a buffer in all, split over the units */
	int64_t over;	    /* also 2 x ncpu units */
	int64_t samples;
	int64_t rounds; /* the speed-up figures' samples are taken in this many rounds */
	int64_t max_samples;
	int64_t batch;	   /* pipeline items per acknowledgement, the same for every variant */
	int64_t budget_ns; /* sampling time of each pipeline and false-sharing figure */
	int64_t item_bytes;
};

/* Waits until *word reaches at least want (a counter that only grows). */
static void futex_wait_until(_Atomic uint32_t *word, uint32_t want)
{
	uint32_t v;
	while ((v = atomic_load_explicit(word, memory_order_acquire)) < want)
		unit_futex(word, FUTEX_WAIT, v, NULL);
}

static void futex_bump(_Atomic uint32_t *word)
{
	atomic_fetch_add_explicit(word, 1, memory_order_release);
	unit_futex(word, FUTEX_WAKE, INT_MAX, NULL);
}

/* ---- speedup ------------------------------------------------------ */

enum kernel {
	KERNEL_CPU,
	KERNEL_MEM
};

static const char *const kernel_names[] = { [KERNEL_CPU] = "cpu_work", [KERNEL_MEM] = "mem_work" };

/* A team of units working on one split; it lives in the arena. */
struct team {
	_Alignas(64) _Atomic uint32_t ready; /* units at the gate */
	_Alignas(64) _Atomic uint32_t gate;  /* 1: go */
	_Atomic uint32_t cancel;	     /* with the gate: leave without working */
	enum kernel kernel;
	uint64_t work;	   /* iterations or words updated in all */
	size_t mem_buffer; /* bytes per unit */
	uint32_t units;
};

/* One unit's place in the arena: its share and what it reports. */
struct slot {
	_Alignas(64) struct team *team;
	uint64_t *buf; /* the memory kernel's buffer: shared, the same for every run */
	uint32_t index;
	uint64_t end_ns;
	uint64_t checksum;
};

/* A 64-bit mixer (splitmix64's finaliser): a few dependent multiplies. */
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

/*
 * The CPU kernel: xor of a four-round hash of every index in [begin, end).
 * Xor does not care about order or grouping, so the team's combined
 * checksum is the same for every split.
 */
static uint64_t hash_range(uint64_t begin, uint64_t end)
{
	uint64_t acc = 0;
	for (uint64_t i = begin; i < end; i++)
		acc ^= mix64(mix64(mix64(mix64(i + 0x9e3779b97f4a7c15ull))));
	return acc;
}

/* Unit i's share [begin, end) of total, split as evenly as integers allow. */
static void share(uint64_t total, uint32_t n, uint32_t i, uint64_t *begin, uint64_t *end)
{
	uint64_t q = total / n, r = total % n;
	*begin = q * i + (i < r ? i : r);
	*end = *begin + q + (i < r);
}

/*
 * The memory kernel: updates read-modify-writes of buf's 64-bit words,
 * pass after pass, the last pass partial. The work is split in words
 * updated, not in passes, so that every unit count gets an even share.
 * The sum of the buffer, read back after the clock stopped, is the number
 * of updates however the split fell.
 */
static void stream_updates(uint64_t *buf, size_t words, uint64_t updates)
{
	for (; updates >= words; updates -= words)
		for (size_t k = 0; k < words; k++)
			buf[k] += 1;
	for (size_t k = 0; k < updates; k++)
		buf[k] += 1;
}

/*
 * A unit of the team, the same code as a process or a thread: clears its
 * slot's buffer (first touch on its own CPU, faults before the clock),
 * waits at the gate, works, stamps its end. Returns 0, or 1 when its slot
 * has no buffer (it still reaches the gate so the parent does not wait).
 */
static int team_unit(void *arg)
{
	struct slot *sl = arg;
	struct team *t = sl->team;
	uint64_t begin, end;
	uint64_t *buf = NULL;
	size_t words = t->mem_buffer / sizeof(uint64_t);
	int ret = 0;

	share(t->work, t->units, sl->index, &begin, &end);
	if (t->kernel == KERNEL_MEM) {
		buf = sl->buf;
		if (!buf) {
			ret = 1;
		} else {
			/* A fresh process maps the pages in one call, not one fault each. */
			madvise(buf, t->mem_buffer, MADV_POPULATE_WRITE);
			memset(buf, 0, t->mem_buffer);
		}
	}
	futex_bump(&t->ready);
	futex_wait_until(&t->gate, 1);
	if (ret || atomic_load_explicit(&t->cancel, memory_order_acquire))
		goto out;
	if (t->kernel == KERNEL_CPU) {
		sl->checksum = hash_range(begin, end);
		sl->end_ns = clock_now_ns();
	} else {
		stream_updates(buf, words, end - begin);
		sl->end_ns = clock_now_ns();
		uint64_t sum = 0;
		for (size_t k = 0; k < words; k++)
			sum += buf[k];
		sl->checksum = sum;
	}
out:
	return ret;
}

/* The parent's side of one figure: the arena, the kind, the units. */
struct team_op {
	struct team *team;
	struct slot *slots;
	struct unit *units;
	uint64_t **bufs; /* each slot's buffer of the memory kernel */
	enum unit_type kind;
	const struct exp_ctx *ctx;
	uint64_t checksum; /* of the last run */
};

/*
 * One run of the split (the sampler's op, batch 1): starts the units,
 * waits until all are at the gate, opens it, waits for all, and reports
 * the time from the opening to the last end. Returns 0 or -errno.
 */
static int op_team(void *p, uint64_t n, uint64_t *elapsed_ns)
{
	struct team_op *o = p;
	struct team *t = o->team;
	uint32_t started = 0;
	int err = 0;
	(void)n; /* batch 1: one run of the whole work */

	atomic_store(&t->ready, 0);
	atomic_store(&t->gate, 0);
	atomic_store(&t->cancel, 0);
	for (uint32_t i = 0; i < t->units; i++) {
		o->slots[i] = (struct slot){ .team = t, .index = i, .buf = o->bufs[i] };
		err = unit_start(&o->units[i], o->kind, team_unit, &o->slots[i],
				 exp_cpu(o->ctx, i));
		if (err)
			break;
		started++;
	}
	futex_wait_until(&t->ready, started);
	if (err)
		atomic_store(&t->cancel, 1);
	uint64_t start = clock_now_ns();
	futex_bump(&t->gate);

	uint64_t last = start, sum = 0;
	for (uint32_t i = 0; i < started; i++) {
		struct unit_end end;
		int werr = unit_wait(&o->units[i], &end);
		if (!err && werr)
			err = werr;
		if (!err && (end.signalled || end.code != 0))
			err = end.signalled ? -EINTR : -ENOMEM;
		if (o->slots[i].end_ns > last)
			last = o->slots[i].end_ns;
		if (t->kernel == KERNEL_CPU)
			sum ^= o->slots[i].checksum;
		else
			sum += o->slots[i].checksum;
	}
	o->checksum = sum;
	*elapsed_ns = last - start;
	return err;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The median of a sample set's raw totals (0 when empty). */
static double median_ns(const struct sample_set *s)
{
	if (s->n == 0)
		return 0;
	uint64_t *v = malloc(s->n * sizeof(*v));
	if (!v)
		return 0;
	memcpy(v, s->raw, s->n * sizeof(*v));
	qsort(v, s->n, sizeof(*v), cmp_u64);
	double m = s->n % 2 ? (double)v[s->n / 2] : ((double)v[s->n / 2 - 1] + v[s->n / 2]) / 2;
	free(v);
	return m;
}

static const char *fill_name(size_t units, size_t n_cpus)
{
	return units == n_cpus ? "ncpu" : units < n_cpus ? "partial" : "over";
}

/*
 * One figure of the speed-up: a kernel, a kind, a unit count, and every
 * run it took over the rounds (for the speed-up, a median of them all).
 */
struct figure {
	enum kernel kernel;
	enum unit_type kind;
	uint32_t units;
	bool failed;	   /* skipped from some round on */
	bool told_differs; /* a checksum that differs was said once */
	uint64_t first_checksum;
	uint64_t *raw; /* every run of every round */
	size_t n;
};

/* The checksum every split of each kernel must give: its first figure's. */
struct reference {
	bool set;
	uint64_t checksum;
};

/*
 * One round of one figure: a warm-up run in the first round, then this
 * round's share of the samples, each one run of the split (the raw
 * sample of batch 1), recorded as a round of the figure (the runner
 * merges the rounds). A figure that fails is skipped with its reason and
 * leaves the later rounds; the earlier rounds' samples stay.
 */
static void figure_round(struct exp_ctx *ctx, const struct parallel_params *pp, struct team *t,
			 struct slot *slots, struct unit *units, uint64_t **bufs, struct figure *f,
			 struct reference *ref, unsigned round)
{
	const char *kname = unit_type_name(f->kind);
	uint32_t rounds = (uint32_t)pp->rounds;
	uint32_t n = (uint32_t)pp->samples / rounds + (round < (uint32_t)pp->samples % rounds);
	char what[96], ubuf[32], key[96];
	struct ev_note note;
	uint64_t ns;
	int err = 0;

	if (f->failed || n == 0)
		return;
	snprintf(what, sizeof(what), "%s %s units=%u", kernel_names[f->kernel], kname, f->units);
	exp_progress(ctx, _("round %u of %u: %s"), round + 1, rounds, what);
	memset(t, 0, sizeof(*t));
	t->kernel = f->kernel;
	t->work = f->kernel == KERNEL_CPU ? (uint64_t)pp->work
					  : (uint64_t)pp->mem_passes *
						    ((uint64_t)pp->mem_buffer / sizeof(uint64_t));
	t->mem_buffer = (size_t)pp->mem_buffer;
	t->units = f->units;
	struct team_op o = {
		.team = t, .slots = slots, .units = units, .bufs = bufs, .kind = f->kind, .ctx = ctx
	};
	struct sample_set s = { .batch = 1 };
	s.raw = calloc(n, sizeof(*s.raw));
	uint64_t *all = realloc(f->raw, (f->n + n) * sizeof(*f->raw));
	if (all)
		f->raw = all;
	if (!s.raw || !all) {
		err = -ENOMEM;
		goto fail;
	}
	if (round == 0) {
		err = op_team(&o, 1, &ns); /* the warm-up run, kept nowhere */
		s.warmup = 1;
	}
	for (uint32_t i = 0; !err && i < n; i++) {
		err = op_team(&o, 1, &ns);
		if (err)
			break;
		s.raw[s.n++] = ns;
		f->raw[f->n++] = ns;

		char sum[20], first[20];
		snprintf(sum, sizeof(sum), "%016llx", (unsigned long long)o.checksum);
		if (!ref->set) {
			ref->set = true;
			ref->checksum = o.checksum;
			snprintf(key, sizeof(key), "%s.checksum", kernel_names[f->kernel]);
			exp_observe(ctx, key, NULL, ev_token(sum));
		}
		if (round == 0 && i == 0) {
			/* Each figure's own checksum, so a reader can compare every split. */
			f->first_checksum = o.checksum;
			snprintf(key, sizeof(key), "%s.checksum %s units=%u",
				 kernel_names[f->kernel], kname, f->units);
			exp_observe(ctx, key, NULL, ev_token(sum));
		}
		if (o.checksum != ref->checksum && !f->told_differs) {
			f->told_differs = true;
			snprintf(first, sizeof(first), "%016llx",
				 (unsigned long long)ref->checksum);
			exp_observe(ctx, what, "parallel.checksum_differs", ev_token(sum),
				    ev_token(first));
		}
	}
	if (err)
		goto fail;
	struct mparam mp[] = {
		mparam_str("kind", kname),
		mparam_num("units", f->units, ubuf, sizeof(ubuf)),
		mparam_str("fill", fill_name(f->units, ctx->n_cpus)),
	};
	exp_record(ctx, kernel_names[f->kernel], MU_NS, DIR_LOWER_IS_BETTER, &s, mp,
		   sizeof(mp) / sizeof(mp[0]));
	sample_set_free(&s);
	return;
fail:
	sample_set_free(&s);
	f->failed = true;
	limit_note(unit_limit_op(f->kind), err, &note);
	if (round == 0)
		exp_skip(ctx, what, "parallel.units_failed", ev_nested(&note.msg));
	else
		exp_skip(ctx, what, "parallel.from_round",
			 ev_nested(&EV_MSG_OF("parallel.units_failed", ev_nested(&note.msg))),
			 ev_count(round + 1));
}

/* Each figure's speed-up over one unit of its kernel and kind: medians of every round. */
static void observe_speedups(struct exp_ctx *ctx, struct figure *figs, size_t n_figs)
{
	for (size_t i = 0; i < n_figs; i++) {
		struct figure *f = &figs[i], *one = NULL;
		for (size_t j = 0; j < n_figs; j++)
			if (figs[j].kernel == f->kernel && figs[j].kind == f->kind &&
			    figs[j].units == 1)
				one = &figs[j];
		if (!one || one->n == 0 || f->n == 0)
			continue;
		struct sample_set a = { .batch = 1, .n = one->n, .raw = one->raw };
		struct sample_set b = { .batch = 1, .n = f->n, .raw = f->raw };
		double one_unit = median_ns(&a), med = median_ns(&b);
		if (one_unit <= 0 || med <= 0)
			continue;
		double speedup = one_unit / med;
		char key[96];
		snprintf(key, sizeof(key), "%s speedup %s units=%u", kernel_names[f->kernel],
			 unit_type_name(f->kind), f->units);
		exp_observe(ctx, key, "parallel.speedup", ev_num(speedup, "x"),
			    ev_num(100.0 * speedup / f->units, "percent"));
	}
}

/*
 * The speed-up figures, in rounds: in each round every kernel, both kinds
 * (process first in even rounds, thread first in odd ones) and every unit
 * count (ascending in even rounds, descending in odd ones) take their
 * share of the samples, so a slow drift of the machine lands on both kinds
 * and every count alike. t and slots (room for the largest count) lie in
 * the arena.
 */
static void measure_speedups(struct exp_ctx *ctx, const struct parallel_params *pp, struct team *t,
			     struct slot *slots, const uint32_t *counts, size_t n_counts)
{
	static const enum unit_type kinds[] = { UNIT_PROCESS, UNIT_THREAD };
	size_t n_figs = 2 * 2 * n_counts;
	struct figure *figs = calloc(n_figs, sizeof(*figs));
	struct unit *units = calloc(counts[n_counts - 1], sizeof(*units));
	struct reference refs[2] = { { 0 } };
	size_t max_units = counts[n_counts - 1];
	uint64_t **bufs = calloc(max_units, sizeof(*bufs));

	/*
	 * One buffer per unit slot for the memory kernel, shared so that a
	 * process and a thread in that slot stream over the same kind of
	 * memory, mapped once rather than at every run. Its first toucher is
	 * the slot's unit, on the slot's CPU; a slot that cannot be mapped fails
	 * its memory figures.
	 */
	for (size_t i = 0; bufs && i < max_units; i++) {
		void *b = mmap(NULL, (size_t)pp->mem_buffer, PROT_READ | PROT_WRITE,
			       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		bufs[i] = b == MAP_FAILED ? NULL : b;
	}
	if (!figs || !units || !bufs) {
		exp_skip(ctx, kernel_names[KERNEL_CPU], NULL, ev_errno(ENOMEM));
		exp_skip(ctx, kernel_names[KERNEL_MEM], NULL, ev_errno(ENOMEM));
		free(figs);
		free(units);
		free(bufs);
		return;
	}
	for (size_t k = 0; k < 2; k++)
		for (size_t kind = 0; kind < 2; kind++)
			for (size_t c = 0; c < n_counts; c++)
				figs[(k * 2 + kind) * n_counts + c] = (struct figure){
					.kernel = (enum kernel)k,
					.kind = kinds[kind],
					.units = counts[c],
				};
	for (unsigned round = 0; round < (unsigned)pp->rounds; round++)
		for (size_t k = 0; k < 2; k++)
			for (size_t i = 0; i < 2; i++) {
				size_t kind = round % 2 ? 1 - i : i;
				for (size_t j = 0; j < n_counts; j++) {
					size_t c = round % 2 ? n_counts - 1 - j : j;
					figure_round(ctx, pp, t, slots, units, bufs,
						     &figs[(k * 2 + kind) * n_counts + c], &refs[k],
						     round);
					unit_pin_self_to(ctx->cpus, ctx->n_cpus);
				}
			}
	observe_speedups(ctx, figs, n_figs);
	for (size_t i = 0; i < n_figs; i++)
		free(figs[i].raw);
	for (size_t i = 0; i < max_units; i++)
		if (bufs[i])
			munmap(bufs[i], (size_t)pp->mem_buffer);
	free(bufs);
	free(figs);
	free(units);
}

/* ---- the pipeline ------------------------------------------------- */

struct pipe_shared {
	struct chan c;
	_Alignas(64) _Atomic uint32_t stop;
	_Alignas(64) _Atomic uint64_t expect; /* items the producer has announced */
	size_t len;
	uint64_t sink; /* the consumer's work, kept so it cannot be optimised away */
};

/* The consumer's little work per item: a hash of its words. */
static uint64_t digest(const unsigned char *item, size_t len, uint64_t acc)
{
	uint64_t w = 0;
	for (size_t i = 0; i < len; i += 8) {
		size_t k = len - i < 8 ? len - i : 8;
		memcpy(&w, item + i, k);
		acc = mix64(acc ^ w);
	}
	return acc;
}

/* The consumer, process or thread: takes items, answers at each batch's end. */
static int consumer(void *arg)
{
	struct pipe_shared *sh = arg;
	unsigned char *buf = malloc(sh->len);
	unsigned char ack = 1;
	uint64_t acc = 0, got = 0;
	int err = buf ? channel_attach(&sh->c, CHAN_B) : -ENOMEM;
	while (!err) {
		err = channel_recv(&sh->c, CHAN_B, buf, sh->len);
		if (err || atomic_load_explicit(&sh->stop, memory_order_acquire))
			break;
		acc = digest(buf, sh->len, acc);
		if (++got == atomic_load_explicit(&sh->expect, memory_order_acquire))
			err = channel_send(&sh->c, CHAN_B, &ack, 1);
	}
	*(volatile uint64_t *)&sh->sink = acc;
	free(buf);
	return err ? 1 : 0;
}

struct producer {
	struct pipe_shared *sh;
	unsigned char *item;
};

/* n items to the consumer, then its answer that all were consumed. */
static int op_items(void *p, uint64_t n, uint64_t *elapsed_ns)
{
	struct producer *a = p;
	unsigned char ack;
	(void)elapsed_ns;
	atomic_fetch_add_explicit(&a->sh->expect, n, memory_order_release);
	for (uint64_t i = 0; i < n; i++) {
		a->item[0] = (unsigned char)i;
		int err = channel_send(&a->sh->c, CHAN_A, a->item, a->sh->len);
		if (err)
			return err;
	}
	return channel_recv(&a->sh->c, CHAN_A, &ack, 1);
}

struct variant {
	const char *name;
	const char *channel;
	enum unit_type kind;
};

static const struct variant variants[] = {
	{ "threads_queue", "shm_futex", UNIT_THREAD },
	{ "processes_pipe", "pipe", UNIT_PROCESS },
	{ "processes_shm", "shm_futex", UNIT_PROCESS },
};

/*
 * One variant: a fresh channel and consumer, sampled, stopped, closed.
 * Returns 0 (measured or skipped) or -EIO when a consumer thread is stuck
 * and the experiment must end.
 */
static int measure_pipeline(struct exp_ctx *ctx, const struct parallel_params *pp,
			    const struct variant *v, uint32_t round)
{
	const struct channel_ops *ops = channel_find(v->channel);
	size_t len = (size_t)pp->item_bytes;
	char what[64];
	snprintf(what, sizeof(what), "pipeline %s", v->name);
	if (!ops) {
		exp_skip(ctx, what, "parallel.no_channel", ev_token(v->channel));
		return 1;
	}
	if (!channel_supports(ops, len)) {
		exp_skip(ctx, what, "parallel.item_size", ev_token(v->channel),
			 ev_num(len, "bytes"));
		return 1;
	}
	struct ev_note note;
	exp_progress(ctx, "%s", what);

	struct shm_arena arena;
	size_t region = channel_region_size(ops, len);
	int err = shm_arena_create(&arena, sizeof(struct pipe_shared) + region + 8192);
	if (err) {
		exp_skip(ctx, what, "arena", ev_nested(limit_note(LIMIT_MAP, err, &note)));
		return 1;
	}
	int skipped = 0;
	struct pipe_shared *sh = shm_arena_alloc(&arena, sizeof(*sh), 64);
	channel_init(&sh->c, ops, len, v->kind == UNIT_PROCESS);
	if (region)
		sh->c.region = shm_arena_alloc(&arena, region, 4096);
	sh->len = len;
	unit_pin_self(exp_cpu(ctx, 0));
	err = channel_open(&sh->c);
	if (err) {
		exp_skip(ctx, what, "channel_open", ev_nested(channel_note(ops, err, &note)));
		skipped = 1;
		goto unmap;
	}
	struct unit b;
	err = unit_start(&b, v->kind, consumer, sh, exp_cpu(ctx, ctx->n_cpus > 1 ? 1 : 0));
	if (err) {
		exp_skip(ctx, what, "parallel.consumer_start",
			 ev_nested(limit_note(unit_limit_op(v->kind), err, &note)));
		skipped = 1;
		goto close;
	}
	struct producer a = { .sh = sh, .item = malloc(len) };
	if (a.item)
		memset(a.item, 0x5a, len);
	err = a.item ? channel_attach(&sh->c, CHAN_A) : -ENOMEM;
	struct sample_set s = { 0 };
	uint64_t ns = 0;
	/*
	 * The consumer warmed before the clock: one batch to wake it, fault its
	 * buffer in and fill the channel's path; the sampler's first batch and
	 * its warm-up time follow, untimed too.
	 */
	if (!err)
		err = op_items(&a, (uint64_t)pp->batch, &ns);
	if (!err) {
		/*
		 * One batch for every variant, fixed before measuring: the same work
		 * on each side; this round's share of the samples and the budget.
		 */
		struct sampler_cfg cfg =
			exp_sampler_round(ctx, (uint32_t)pp->samples, (uint32_t)pp->max_samples,
					  (uint64_t)pp->budget_ns, (uint32_t)pp->rounds, round,
					  (uint64_t)pp->batch, (uint64_t)pp->batch);
		err = sampler_run(&cfg, op_items, &a, &s);
	}
	atomic_store_explicit(&sh->stop, 1, memory_order_release);
	if (!err)
		err = channel_send(&sh->c, CHAN_A, a.item, len);
	if (err && v->kind == UNIT_THREAD) {
		/* A thread blocked in a channel cannot be stopped alone. */
		exp_skip(ctx, what, "exchange", ev_errno(err));
		return -EIO;
	}
	if (err)
		kill(b.pid, SIGKILL);
	struct unit_end end;
	unit_wait(&b, &end);
	if (err) {
		exp_skip(ctx, what, "exchange", ev_errno(err));
		skipped = 1;
	} else {
		struct mparam mp[] = {
			mparam_str("variant", v->name),
			mparam_str("kind", unit_type_name(v->kind)),
			mparam_str("channel", v->channel),
		};
		exp_record(ctx, "pipeline", MU_NS, DIR_LOWER_IS_BETTER, &s, mp,
			   sizeof(mp) / sizeof(mp[0]));
	}
	sample_set_free(&s);
	free(a.item);
close:
	channel_close(&sh->c);
unmap:
	shm_arena_destroy(&arena);
	return skipped;
}

/* ---- false sharing ------------------------------------------------ */

struct counters {
	_Alignas(64) _Atomic uint32_t go;   /* a new round: generation */
	_Alignas(64) _Atomic uint32_t done; /* rounds finished, both threads */
	uint64_t n;			    /* increments per thread this round */
	uint32_t stop;
	volatile uint64_t *ctr[2];
	_Alignas(128) volatile uint64_t line[32]; /* the counters: [0],[1] or [0],[16] */
};

struct fs_arg {
	struct counters *cs;
	int who;
};

/* One incrementer: each round, n plain increments of its own counter. */
static int incrementer(void *arg)
{
	struct fs_arg *fa = arg;
	struct counters *cs = fa->cs;
	volatile uint64_t *mine = cs->ctr[fa->who];
	for (uint32_t round = 1;; round++) {
		futex_wait_until(&cs->go, round);
		if (cs->stop)
			break;
		for (uint64_t i = cs->n; i > 0; i--)
			(*mine)++;
		futex_bump(&cs->done);
	}
	return 0;
}

static int op_increments(void *p, uint64_t n, uint64_t *elapsed_ns)
{
	struct counters *cs = p;
	(void)elapsed_ns;
	uint32_t want = atomic_load(&cs->done) + 2;
	cs->n = n;
	futex_bump(&cs->go);
	futex_wait_until(&cs->done, want);
	return 0;
}

static void measure_false_sharing(struct exp_ctx *ctx, const struct parallel_params *pp,
				  bool padded)
{
	const char *layout = padded ? "padded" : "same_line";
	char what[64];
	snprintf(what, sizeof(what), "false_sharing %s", layout);
	if (ctx->n_cpus < 2) {
		exp_skip(ctx, what, "two_cpus", ev_count(ctx->n_cpus));
		return;
	}
	exp_progress(ctx, "%s", what);
	struct shm_arena arena;
	struct ev_note note;
	int err = shm_arena_create(&arena, sizeof(struct counters) + 256);
	if (err) {
		exp_skip(ctx, what, "arena", ev_nested(limit_note(LIMIT_MAP, err, &note)));
		return;
	}
	struct counters *cs = shm_arena_alloc(&arena, sizeof(*cs), 128);
	cs->ctr[0] = &cs->line[0];
	cs->ctr[1] = &cs->line[padded ? 16 : 1];
	struct fs_arg args[2] = { { cs, 0 }, { cs, 1 } };
	struct unit u[2];
	int started = 0;
	for (; started < 2; started++) {
		err = unit_start(&u[started], UNIT_THREAD, incrementer, &args[started],
				 exp_cpu(ctx, (size_t)started));
		if (err)
			break;
	}
	struct sample_set s = { 0 };
	if (!err) {
		struct sampler_cfg cfg =
			exp_sampler_cfg(ctx, (uint32_t)pp->samples, (uint32_t)pp->max_samples,
					(uint64_t)pp->budget_ns, 1u << 26);
		if (cfg.target_ns < 1000000)
			cfg.target_ns = 1000000; /* bury the wake-ups of a round */
		err = sampler_run(&cfg, op_increments, cs, &s);
	}
	cs->stop = 1;
	futex_bump(&cs->go);
	for (int i = 0; i < started; i++) {
		struct unit_end end;
		unit_wait(&u[i], &end);
	}
	if (err) {
		exp_skip(ctx, what, "parallel.threads_failed",
			 ev_nested(limit_note(LIMIT_THREAD, err, &note)));
	} else {
		struct mparam mp[] = { mparam_str("layout", layout) };
		exp_record(ctx, "false_sharing", MU_NS, DIR_LOWER_IS_BETTER, &s, mp, 1);
	}
	sample_set_free(&s);
	shm_arena_destroy(&arena);
}

/* ---- the run ------------------------------------------------------ */

static int parallel_run(struct exp_ctx *ctx, const void *params)
{
	const struct parallel_params *pp = params;
	size_t ncpu = ctx->n_cpus;
	size_t max_units = pp->over ? 2 * ncpu : ncpu;
	uint32_t *counts = calloc(max_units, sizeof(*counts));
	size_t n_counts = 0;
	struct shm_arena arena;

	if (!counts)
		return exp_fail(ctx, NULL, ev_errno(ENOMEM));
	for (size_t n = 1; n <= ncpu; n++)
		counts[n_counts++] = (uint32_t)n;
	if (pp->over && ncpu > 1)
		counts[n_counts++] = (uint32_t)(2 * ncpu);
	else if (pp->over)
		counts[n_counts++] = 2;
	size_t slots_bytes = counts[n_counts - 1] * sizeof(struct slot);
	int err = shm_arena_create(&arena, sizeof(struct team) + slots_bytes + 128);
	if (err) {
		struct ev_note note;
		free(counts);
		return exp_fail(ctx, "arena", ev_nested(limit_note(LIMIT_MAP, err, &note)));
	}
	struct team *t = shm_arena_alloc(&arena, sizeof(*t), 64);
	struct slot *slots = shm_arena_alloc(&arena, slots_bytes, 64);
	/* The parent waits most of the time; it may run on any CPU of the list. */
	unit_pin_self_to(ctx->cpus, ctx->n_cpus);
	exp_observe(ctx, "ncpu", NULL, ev_count(ncpu));

	measure_speedups(ctx, pp, t, slots, counts, n_counts);
	shm_arena_destroy(&arena);
	free(counts);

	/*
	 * The pipeline in rounds too, the variants in turn, forwards then
	 * backwards: what moves between moments of the machine lands on every
	 * variant alike, and shows as the spread of the round medians. A variant
	 * skipped once (its reason said) is not tried again.
	 */
	enum {
		N_VARIANTS = sizeof(variants) / sizeof(variants[0])
	};
	bool skipped[N_VARIANTS] = { false };
	for (uint32_t round = 0; round < (uint32_t)pp->rounds; round++)
		for (size_t k = 0; k < N_VARIANTS; k++) {
			size_t i = round % 2 ? N_VARIANTS - 1 - k : k;
			if (skipped[i])
				continue;
			int r = measure_pipeline(ctx, pp, &variants[i], round);
			if (r < 0)
				return exp_fail(ctx, "parallel.stuck", ev_token(variants[i].name));
			skipped[i] = r > 0;
		}
	unit_pin_self_to(ctx->cpus, ctx->n_cpus);
	measure_false_sharing(ctx, pp, false);
	measure_false_sharing(ctx, pp, true);
	return 0;
}

static int parallel_check(const void *params, char *err, size_t errlen)
{
	const struct parallel_params *pp = params;
	int bad = param_check_order("parallel", "samples", pp->samples, "max_samples",
				    pp->max_samples, err, errlen);
	if (bad)
		return bad;
	if (pp->samples < pp->rounds) {
		snprintf(err, errlen,
			 _("parallel.samples (%lld) is below parallel.rounds (%lld): every round "
			   "takes at least one sample"),
			 (long long)pp->samples, (long long)pp->rounds);
		return -EINVAL;
	}
	return 0;
}

/*
 * A generous bound: the split work at 10 ns an iteration and 1 ns a byte
 * streamed, once per unit count (the count the harmonic sum of the splits
 * would give is far below), for both kinds and every sample plus the warm
 * one; the sampled figures' budgets; twice over, plus a minute.
 */
static uint64_t parallel_deadline(const void *params)
{
	const struct parallel_params *pp = params;
	double runs = 2.0 * ((double)pp->samples + 1) * 8; /* kinds x samples x ~H(ncpu) */
	double ns = runs * ((double)pp->work * 10.0 +
			    (double)pp->mem_passes * (double)pp->mem_buffer * 1.0);
	ns += 5 * ((double)pp->budget_ns * 1.3 + (double)pp->samples * 2e6);
	ns += 3 * ((double)pp->samples + 3) * (double)pp->batch * 20000.0; /* 20 µs an item */
	return (uint64_t)(2 * ns) + 60000000000ull;
}

static const char *const parallel_claims[] = { "par.speedup", "par.comm", NULL };

static const struct param parallel_param_table[] = {
	{ "work", N_("hash iterations in all, split over the units"), UNIT_COUNT, false,
	  offsetof(struct parallel_params, work), "10M", "3M", "50M", 1000, 100000000000 },
	{ "mem_buffer", N_("the buffer each unit streams over"), UNIT_BYTES, false,
	  offsetof(struct parallel_params, mem_buffer), "32MiB", NULL, NULL, 4096,
	  (int64_t)1 << 34 },
	{ "mem_passes", N_("passes over a buffer in all, split over the units"), UNIT_COUNT, false,
	  offsetof(struct parallel_params, mem_passes), "16", "2", "64", 1, 100000 },
	{ "over", N_("also run twice as many units as CPUs"), UNIT_BOOL, false,
	  offsetof(struct parallel_params, over), "no", NULL, "yes", 0, 1 },
	{ "samples", N_("at least this many samples per figure"), UNIT_COUNT, false,
	  offsetof(struct parallel_params, samples), "12", "10", "20", 2, 100000 },
	{ "rounds",
	  N_("rounds that share each speed-up and pipeline figure's samples, every kind in each"),
	  UNIT_COUNT, false, offsetof(struct parallel_params, rounds), "4", "5", "5", 1, 1000 },
	{ "max_samples", N_("at most this many samples per pipeline or false-sharing figure"),
	  UNIT_COUNT, false, offsetof(struct parallel_params, max_samples), "200", "50", "1000", 2,
	  1000000 },
	{ "budget", N_("time spent sampling each pipeline and false-sharing figure"), UNIT_DURATION,
	  false, offsetof(struct parallel_params, budget_ns), "300ms", "100ms", "1s", 1000000,
	  600000000000 },
	{ "batch", N_("pipeline items per acknowledgement, the same for every variant"), UNIT_COUNT,
	  false, offsetof(struct parallel_params, batch), "4096", NULL, NULL, 1, 1 << 24 },
	{ "item_bytes", N_("the size of one pipeline item"), UNIT_BYTES, false,
	  offsetof(struct parallel_params, item_bytes), "64", NULL, NULL, 1, 65536 },
};

static const struct ev_form forms[] = {
	{ "parallel.units_failed", N_("the units failed: {1}") },
	{ "parallel.from_round", N_("{1} (from round {2} on; the earlier rounds are kept)") },
	{ "parallel.checksum_differs", N_("checksum {1} differs from {2}: not the same work") },
	{ "parallel.speedup", N_("{1}, efficiency {2}") },
	{ "parallel.no_channel", N_("no channel named {1}") },
	{ "parallel.item_size", N_("the {1} channel cannot carry items of {2}") },
	{ "parallel.consumer_start", N_("cannot start the consumer: {1}") },
	{ "parallel.threads_failed", N_("the threads failed: {1}") },
	{ "parallel.stuck", N_("the consumer thread of the {1} pipeline is stuck") },
	{ NULL, NULL },
};

static const char *const work_figures[] = { "cpu_work", "mem_work", NULL };
static const char *const work_conditions[] = { "kind", "units", "fill", NULL };
static const char *const pipeline_figures[] = { "pipeline", NULL };
static const char *const pipeline_conditions[] = { "variant", "kind", "channel", NULL };
static const char *const false_sharing_figures[] = { "false_sharing", NULL };
static const char *const false_sharing_conditions[] = { "layout", NULL };

static const struct figure_decl figures[] = {
	{ work_figures, MU_NS, DIR_LOWER_IS_BETTER, work_conditions },
	{ pipeline_figures, MU_NS, DIR_LOWER_IS_BETTER, pipeline_conditions },
	{ false_sharing_figures, MU_NS, DIR_LOWER_IS_BETTER, false_sharing_conditions },
	{ .names = NULL },
};

static const char *const cpu_work_only[] = { "cpu_work", NULL };
static const char *const mem_work_only[] = { "mem_work", NULL };
static const struct chart_decl charts[] = {
	{ .id = "parallel-cpu-work",
	  .kind = CHART_SPEEDUP,
	  .title = N_("Speed-up of CPU-bound work split over N units"),
	  .x_label = N_("units working together"),
	  .y_label = N_("speed-up over one unit (×)"),
	  .series = { { .names = cpu_work_only, .key = "kind", .words = chart_kind_labels } } },
	{ .id = "parallel-mem-work",
	  .kind = CHART_SPEEDUP,
	  .title = N_("Speed-up of memory-bound work split over N units"),
	  .x_label = N_("units working together"),
	  .y_label = N_("speed-up over one unit (×)"),
	  .series = { { .names = mem_work_only, .key = "kind", .words = chart_kind_labels } } },
	{ .id = NULL },
};

const struct experiment exp_parallel = {
	.name = "parallel",
	.title = N_("Parallel work and communication, processes and threads"),
	.method = N_("Splits a fixed CPU-bound hash loop, and a stream over a private buffer per "
		     "unit, over 1 to ncpu pinned units started behind a gate, as processes and "
		     "as threads, and times gate to last end; then a producer hands small items "
		     "to a consumer thread or process over a shared ring or a pipe; then two "
		     "threads increment counters in one cache line or two."),
	.claims = parallel_claims,
	.params = parallel_param_table,
	.n_params = sizeof(parallel_param_table) / sizeof(parallel_param_table[0]),
	.params_size = sizeof(struct parallel_params),
	.run = parallel_run,
	.check = parallel_check,
	.deadline = parallel_deadline,
	.deadline_ns = { 60000000000ull, 300000000000ull },
	.quick_suite = true,
	.forms = forms,
	.figures = figures,
	.charts = charts,
};
