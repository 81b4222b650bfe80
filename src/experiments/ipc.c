// SPDX-License-Identifier: MIT
/*
 * ipc: every common IPC mechanism, between two processes and between two
 * threads, with the same code: only the kind of side B changes.
 *
 * Latency: a round trip of one message and its reply, per size, with both
 * sides on one CPU and on two. Bandwidth: A streams messages one way, B
 * reads every byte of each, and answers one byte once it has all of a
 * batch; the figure is the time per message (bytes per second follow from
 * the size), with the two sides on two CPUs so that copying and consuming
 * overlap as they would in a real pipeline.
 *
 * Beside them, in the same run, the machine's own limits. Once: the memcpy
 * time of each bandwidth size on one CPU. And a round of a limit right
 * before every figure it bounds, so that a figure is set against its
 * limit as the machine was at that moment (where the host places the two
 * vCPUs moves them both, by a factor of 2-3): before each stream, the
 * cross-CPU copy of its size (struct xcopy: a buffer written on one CPU,
 * copied out on the other, the transfer no channel between the two can
 * beat); before each round trip across CPUs, the round trip of one cache
 * line by spinning on a shared atomic (the floor of any latency across
 * CPUs). Each limit's rounds merge into one figure, a round per figure
 * bounded, in the order of the figures.
 *
 * No warm-up in a figure: a stream's channel is run untimed until every
 * page of its ring and buffers has been touched (twice the region) before
 * calibration starts, the limits' buffers are faulted in once, and a
 * stream keeps at least STREAM_MIN_SAMPLES samples at every size.
 *
 * The control: the same-CPU round trips again with side B a clone_vm unit
 * (core/unit.h), a process that shares A's address space, measured beside
 * the process and thread pairs of each mechanism. It runs on another
 * thread's glibc state, so a mechanism made of pthread calls (mutex_cond)
 * is skipped for it with that reason, and its receive buffer is allocated
 * by A (it may not call malloc).
 *
 * Last, the fact behind `ipc.needed`: a plain variable written by a child
 * process is not seen by its parent, and a write to a shared mapping is.
 *
 * Each figure gets a fresh channel and a fresh side B: the channel is made
 * before B starts (channel.h), so a process B inherits it and a thread B
 * shares it; nothing of one figure leaks into the next.
 */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/channel.h"
#include "core/clock.h"
#include "runner/experiment.h"
#include "core/limit.h"
#include "core/shm.h"
#include "core/unit.h"
#include "core/units.h"
#include "util/i18n.h"

struct ipc_params {
	struct param_list lat_sizes;
	struct param_list bw_sizes;
	int64_t samples;
	int64_t max_samples;
	int64_t budget_ns;
};

/* The least time one stream sample (a batch of messages and the answer) lasts (see take()). */
#define STREAM_BATCH_MIN_NS 2000000u
#define STREAM_BATCH_NS 5000000u
/* A stream figure (and memcpy) keeps at least this many samples, whatever the preset. */
#define STREAM_MIN_SAMPLES 10u
/*
 * Samples of each round of a limit taken beside a figure: a cross-CPU copy
 * sample lasts XCOPY_SAMPLE_NS or a whole pass, a cache-line sample tens
 * of µs, so the floor affords more, to outvote a partner preempted once.
 */
#define XCOPY_ROUND_SAMPLES 5u
#define FLOOR_ROUND_SAMPLES 15u
/* The least copy time one cross-CPU copy sample holds. */
#define XCOPY_SAMPLE_NS 100000u
/* The most the cross-CPU copy hands over at once (see struct xcopy). */
#define XCOPY_PIECE_BYTES ((size_t)256 << 10)
/* Messages at most in the untimed pass that warms a stream's channel. */
#define STREAM_WARM_MAX 65536u

enum measure {
	LATENCY,
	BANDWIDTH
};

/* One figure's shared state, in the arena. */
struct ipc_shared {
	struct chan c;
	_Alignas(64) _Atomic uint32_t stop;
	_Alignas(64) _Atomic uint64_t expect; /* bandwidth: messages A has announced */
	size_t len;
	enum measure measure;
	int b_err;
	unsigned char *b_buf; /* B's buffer, allocated by A (clone_vm); NULL: B allocates it */
	uint64_t sink;	      /* what B read, kept so the reading cannot be optimised away */
};

/*
 * A message buffer: page-aligned, as a kernel or a ring hands pages over.
 * A buffer from malloc() starts 16 bytes into its page, and on some CPUs
 * (AMD Zen under glibc's `rep movsb` range, a few KiB to the L2's size) a
 * copy to a destination so placed runs 10-30 times slower than to an
 * aligned one: the figure would be that quirk, not the channel or the
 * machine. Returns NULL when memory is short; free() it.
 */
static void *buf_alloc(size_t len)
{
	return aligned_alloc(4096, (len + 4095) & ~(size_t)4095);
}

/*
 * Reads every byte of a piece, with four independent sums so that no one
 * addition waits for the last: the receiver consumes what it was sent,
 * as fast as the memory allows, where it lies when the channel can hand
 * it over in place (a ring in shared memory), else from a copy.
 */
static void consume_piece(void *arg, const void *piece, size_t len)
{
	const unsigned char *buf = piece;
	uint64_t *sum = arg, s0 = 0, s1 = 0, s2 = 0, s3 = 0, w[4];
	size_t i = 0;
	for (; i + 32 <= len; i += 32) {
		memcpy(w, buf + i, 32);
		s0 ^= w[0];
		s1 ^= w[1];
		s2 ^= w[2];
		s3 ^= w[3];
	}
	for (; i < len; i++)
		s0 += buf[i];
	*sum ^= s0 ^ s1 ^ s2 ^ s3;
}

/*
 * Side B, the same code as a process or a thread. For a stream it takes
 * each message whole, then checks whether A is waiting for its answer;
 * the stop flag is read after every message, so the message A sends to
 * stop it is never answered.
 */
static int side_b(void *arg)
{
	struct ipc_shared *sh = arg;
	unsigned char *buf = sh->b_buf ? sh->b_buf : buf_alloc(sh->len);
	unsigned char ack = 1;
	uint64_t sum = 0, got = 0;
	int err = buf ? channel_attach(&sh->c, CHAN_B) : -ENOMEM;
	while (!err) {
		if (sh->measure == LATENCY)
			err = channel_recv(&sh->c, CHAN_B, buf, sh->len);
		else
			err = channel_consume(&sh->c, CHAN_B, sh->len, consume_piece, &sum, buf);
		if (err || atomic_load_explicit(&sh->stop, memory_order_acquire))
			break;
		if (sh->measure == LATENCY) {
			err = channel_send(&sh->c, CHAN_B, buf, sh->len);
			continue;
		}
		if (++got == atomic_load_explicit(&sh->expect, memory_order_acquire))
			err = channel_send(&sh->c, CHAN_B, &ack, 1);
	}
	*(volatile uint64_t *)&sh->sink = sum;
	if (!sh->b_buf)
		free(buf);
	sh->b_err = err;
	return err ? 1 : 0;
}

struct side_a {
	struct ipc_shared *sh;
	unsigned char *buf;
};

static int op_latency(void *p, uint64_t n, uint64_t *elapsed)
{
	struct side_a *a = p;
	(void)elapsed;
	for (uint64_t i = 0; i < n; i++) {
		int err = channel_send(&a->sh->c, CHAN_A, a->buf, a->sh->len);
		if (!err)
			err = channel_recv(&a->sh->c, CHAN_A, a->buf, a->sh->len);
		if (err)
			return err;
	}
	return 0;
}

static int op_bandwidth(void *p, uint64_t n, uint64_t *elapsed)
{
	struct side_a *a = p;
	unsigned char ack;
	(void)elapsed;
	atomic_fetch_add_explicit(&a->sh->expect, n, memory_order_release);
	for (uint64_t i = 0; i < n; i++) {
		int err = channel_send(&a->sh->c, CHAN_A, a->buf, a->sh->len);
		if (err)
			return err;
	}
	return channel_recv(&a->sh->c, CHAN_A, &ack, 1);
}

/* Messages of len bytes that fill the channel's region twice, at least 2. */
static uint64_t stream_warm_messages(const struct channel_ops *ops, size_t len)
{
	uint64_t n = 2 + 2 * (uint64_t)channel_region_size(ops, len) / len;
	return n < STREAM_WARM_MAX ? n : STREAM_WARM_MAX;
}

/* Records one figure under its conditions. */
static void record(struct exp_ctx *ctx, const char *name, enum measure m, size_t bytes,
		   const char *kind, const char *placement, const struct sample_set *s)
{
	char b[32];
	struct mparam mp[4];
	size_t n = 0;
	mp[n++] = mparam_str("measure", m == LATENCY ? "latency" : "bandwidth");
	mp[n++] = mparam_num("bytes", (int64_t)bytes, b, sizeof(b));
	if (kind)
		mp[n++] = mparam_str("kind", kind);
	if (placement)
		mp[n++] = mparam_str("placement", placement);
	exp_record(ctx, name, MU_NS, DIR_LOWER_IS_BETTER, s, mp, n);
}

/* Why ops cannot carry a message of len bytes, which channel_supports() refused. */
static void skip_size(struct exp_ctx *ctx, const char *what, const struct channel_ops *ops,
		      size_t len)
{
	if (ops == &chan_signal)
		exp_skip(ctx, what, "ipc.signal_size", ev_num(len, "bytes"),
			 ev_num(sizeof(int), "bytes"));
	else if (ops == &chan_udp)
		exp_skip(ctx, what, "ipc.udp_size", ev_num(len, "bytes"),
			 ev_token("net.core.rmem_max"));
	else
		exp_skip(ctx, what, "ipc.size_refused", ev_num(len, "bytes"), ev_token(ops->name));
}

/* ---- the machine's limits ------------------------------------------- */

struct copy_ctx {
	unsigned char *src, *dst;
	size_t len;
};

static int op_memcpy(void *p, uint64_t n, uint64_t *elapsed)
{
	struct copy_ctx *c = p;
	(void)elapsed;
	for (uint64_t i = 0; i < n; i++) {
		memcpy(c->dst, c->src, c->len);
		__asm__ __volatile__("" : : "r"(c->dst) : "memory");
	}
	return 0;
}

/*
 * The cross-CPU copy: A (the writer, on the stream sender's CPU) fills a
 * piece of src, hands the turn to B (on the receiver's CPU), which copies
 * the piece out to its own dst and hands the turn back; piece after piece
 * until the whole size is copied. Only B's copies are timed, by B: the
 * lines it pulls were just written on the other CPU, which is all a
 * stream can do at best, with nothing of a channel's bookkeeping. The
 * turn word is the only synchronisation, once per piece.
 *
 * A piece is at most XCOPY_PIECE_BYTES, well inside any L2 of today, so
 * that every byte goes from one CPU's cache to the other's, as it does
 * through a ring the size of a few pieces. Copied whole, a 16 MiB buffer
 * would go out to the L3 or to memory and back, a slower path than a ring
 * takes, and the ceiling would sit below what a ring reaches.
 *
 * A bound on bytes per second, not on messages: for messages of a few
 * cache lines the copy is the latency of those lines' misses, and a
 * stream that batches many such messages per hand-over goes past it.
 */
enum xcopy_turn {
	XC_WRITE,
	XC_COPY,
	XC_STOP
};

struct xcopy {
	_Alignas(64) _Atomic uint32_t turn;
	_Alignas(64) uint64_t copy_ns; /* B's copies of a pass, published by the turn */
	unsigned char *src;	       /* the largest stream size, faulted in */
	unsigned char *dst;	       /* one piece, faulted in */
	size_t len;		       /* a pass: len bytes, in pieces */
	size_t at, piece;	       /* the piece B copies next */
	unsigned char fill;
};

static int xcopy_b(void *arg)
{
	struct xcopy *x = arg;
	for (;;) {
		uint32_t t;
		while ((t = atomic_load_explicit(&x->turn, memory_order_acquire)) == XC_WRITE)
			;
		if (t == XC_STOP)
			return 0;
		uint64_t t0 = clock_now_ns();
		memcpy(x->dst, x->src + x->at, x->piece);
		__asm__ __volatile__("" : : "r"(x->dst) : "memory");
		x->copy_ns += clock_now_ns() - t0;
		atomic_store_explicit(&x->turn, XC_WRITE, memory_order_release);
	}
}

/* Writes the piece of n bytes at src + at, hands it to B and waits until B has copied it. */
static void xcopy_piece(struct xcopy *x, size_t at, size_t n)
{
	x->at = at;
	x->piece = n;
	memset(x->src + at, x->fill, n);
	atomic_store_explicit(&x->turn, XC_COPY, memory_order_release);
	while (atomic_load_explicit(&x->turn, memory_order_acquire) == XC_COPY)
		;
}

static int op_xcopy(void *p, uint64_t n, uint64_t *elapsed)
{
	struct xcopy *x = p;
	x->copy_ns = 0;
	for (uint64_t i = 0; i < n; i++) {
		x->fill++;
		for (size_t at = 0; at < x->len; at += XCOPY_PIECE_BYTES)
			xcopy_piece(x, at,
				    x->len - at < XCOPY_PIECE_BYTES ? x->len - at
								    : XCOPY_PIECE_BYTES);
	}
	*elapsed = x->copy_ns ? x->copy_ns : 1;
	return 0;
}

/* A cache line bounced between two CPUs: A writes odd values, B answers even ones. */
struct bounce {
	_Alignas(64) _Atomic uint64_t word;
	_Alignas(64) _Atomic uint32_t stop;
};

static int bounce_b(void *arg)
{
	struct bounce *bo = arg;
	uint64_t seen = 0;
	while (!atomic_load_explicit(&bo->stop, memory_order_relaxed)) {
		uint64_t w = atomic_load_explicit(&bo->word, memory_order_acquire);
		if (w != seen && (w & 1)) {
			seen = w + 1;
			atomic_store_explicit(&bo->word, seen, memory_order_release);
		}
	}
	return 0;
}

static int op_bounce(void *p, uint64_t n, uint64_t *elapsed)
{
	struct bounce *bo = p;
	(void)elapsed;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t next = atomic_load_explicit(&bo->word, memory_order_relaxed) + 1;
		atomic_store_explicit(&bo->word, next, memory_order_release);
		while (atomic_load_explicit(&bo->word, memory_order_acquire) == next)
			;
	}
	return 0;
}

/*
 * The limits measured beside the figures they bound: the batch each found
 * in its first round (later rounds reuse it, so the runner merges them into
 * one figure, a round per figure bounded), and the copy buffers.
 */
struct limits {
	struct xcopy *x;       /* NULL: no cross-CPU copy (one CPU, no memory) */
	uint64_t *xcopy_batch; /* per stream size */
	uint64_t bounce_batch;
};

/* One round of the pair: B started on the second CPU, sampled, stopped. */
static int limit_round(struct exp_ctx *ctx, unit_fn b_fn, void *arg, sampler_op op,
		       const struct sampler_cfg *cfg, void (*stop)(void *), struct sample_set *s)
{
	struct unit b;
	struct unit_end end;
	unit_pin_self(exp_cpu(ctx, 0));
	int err = unit_start(&b, UNIT_THREAD, b_fn, arg, exp_cpu(ctx, 1));
	if (err)
		return err;
	err = sampler_run(cfg, op, arg, s);
	stop(arg);
	unit_wait(&b, &end);
	return err;
}

static void xcopy_stop(void *arg)
{
	atomic_store_explicit(&((struct xcopy *)arg)->turn, XC_STOP, memory_order_release);
}

static void bounce_stop(void *arg)
{
	atomic_store_explicit(&((struct bounce *)arg)->stop, 1, memory_order_release);
}

/* A round of the cross-CPU copy of the k-th stream size, just before a stream of it. */
static void take_xcopy(struct exp_ctx *ctx, const struct ipc_params *ip, struct limits *lim,
		       size_t k)
{
	if (!lim->x)
		return;
	struct sampler_cfg cfg =
		exp_sampler_cfg(ctx, FLOOR_ROUND_SAMPLES, FLOOR_ROUND_SAMPLES, 0, 1u << 20);
	cfg.target_ns = XCOPY_SAMPLE_NS;
	cfg.batch = lim->xcopy_batch[k];
	lim->x->len = (size_t)ip->bw_sizes.v[k];
	struct sample_set s;
	if (limit_round(ctx, xcopy_b, lim->x, op_xcopy, &cfg, xcopy_stop, &s) != 0)
		return;
	atomic_store_explicit(&lim->x->turn, XC_WRITE, memory_order_relaxed);
	lim->xcopy_batch[k] = s.batch;
	record(ctx, "xcopy", BANDWIDTH, lim->x->len, NULL, "cross-cpu", &s);
	sample_set_free(&s);
}

/* A round of the cache-line round trip, just before a cross-CPU round-trip figure. */
static void take_floor(struct exp_ctx *ctx, struct limits *lim)
{
	struct bounce *bo = aligned_alloc(64, sizeof(*bo));
	if (!bo)
		return;
	memset(bo, 0, sizeof(*bo));
	struct sampler_cfg cfg =
		exp_sampler_cfg(ctx, FLOOR_ROUND_SAMPLES, FLOOR_ROUND_SAMPLES, 0, 1u << 20);
	cfg.batch = lim->bounce_batch;
	struct sample_set s;
	if (limit_round(ctx, bounce_b, bo, op_bounce, &cfg, bounce_stop, &s) == 0) {
		lim->bounce_batch = s.batch;
		record(ctx, "cacheline", LATENCY, 64, NULL, "cross-cpu", &s);
		sample_set_free(&s);
	}
	free(bo);
}

static void limits_free(struct limits *lim)
{
	if (lim->x) {
		free(lim->x->src);
		free(lim->x->dst);
	}
	free(lim->x);
	free(lim->xcopy_batch);
	memset(lim, 0, sizeof(*lim));
}

/* Single-core memcpy of every stream size, and the cross-CPU copy's buffers. */
static void take_limits(struct exp_ctx *ctx, const struct ipc_params *ip, struct limits *lim)
{
	uint32_t n = ip->samples > STREAM_MIN_SAMPLES ? (uint32_t)ip->samples : STREAM_MIN_SAMPLES;
	struct sampler_cfg cfg = exp_sampler_cfg(ctx, n, (uint32_t)ip->max_samples,
						 (uint64_t)ip->budget_ns, 1u << 20);
	size_t largest = 0;
	unit_pin_self(exp_cpu(ctx, 0));
	for (size_t k = 0; k < ip->bw_sizes.n; k++) {
		size_t len = (size_t)ip->bw_sizes.v[k];
		struct copy_ctx c = { buf_alloc(len), buf_alloc(len), len };
		struct sample_set s;
		largest = len > largest ? len : largest;
		if (!c.src || !c.dst) {
			free(c.src);
			free(c.dst);
			continue;
		}
		memset(c.src, 1, len);
		memset(c.dst, 2, len);
		exp_progress(ctx, "memcpy %zu", len);
		if (sampler_run(&cfg, op_memcpy, &c, &s) == 0) {
			record(ctx, "memcpy", BANDWIDTH, len, NULL, NULL, &s);
			sample_set_free(&s);
		}
		free(c.src);
		free(c.dst);
	}
	memset(lim, 0, sizeof(*lim));
	if (ctx->n_cpus < 2) {
		exp_skip(ctx, "cacheline", "two_cpus", ev_count(ctx->n_cpus));
		exp_skip(ctx, "xcopy", "two_cpus", ev_count(ctx->n_cpus));
		return;
	}
	lim->x = aligned_alloc(64, sizeof(*lim->x));
	lim->xcopy_batch = calloc(ip->bw_sizes.n ? ip->bw_sizes.n : 1, sizeof(uint64_t));
	if (lim->x) {
		memset(lim->x, 0, sizeof(*lim->x));
		lim->x->src = buf_alloc(largest ? largest : 1);
		lim->x->dst = buf_alloc(XCOPY_PIECE_BYTES);
	}
	if (!lim->x || !lim->xcopy_batch || !lim->x->src || !lim->x->dst) {
		limits_free(lim);
		return;
	}
	/* Faulted in here, once: no round pays for a first touch. */
	memset(lim->x->src, 1, largest);
	memset(lim->x->dst, 2, XCOPY_PIECE_BYTES);
}

/*
 * One figure: a fresh channel and side B, sampled, stopped, closed; the
 * k-th size of its list (lat_sizes or bw_sizes). Right before it, the
 * limit that bounds it takes a round: the cross-CPU copy of that size
 * before a stream, the cache-line round trip before a round trip across
 * CPUs, so that each is compared with its bound as the machine was then.
 * Returns 0 (measured or skipped), or -EIO when a thread partner is stuck:
 * it cannot be killed alone, so the experiment must end.
 */
static int take(struct exp_ctx *ctx, const struct ipc_params *ip, struct limits *lim,
		const struct channel_ops *ops, enum measure m, enum unit_type kind, bool cross,
		size_t k)
{
	char what[128], bytes[32];
	size_t len = (size_t)(m == LATENCY ? ip->lat_sizes.v[k] : ip->bw_sizes.v[k]);
	const char *placement = cross ? "cross-cpu" : "same-cpu";
	units_format_exact((int64_t)len, UNIT_BYTES, bytes, sizeof(bytes));
	snprintf(what, sizeof(what), "%s %s %s %s bytes=%s", ops->name,
		 m == LATENCY ? "latency" : "bandwidth", unit_type_name(kind), placement, bytes);
	struct ev_note note;
	if (!channel_supports(ops, len)) {
		skip_size(ctx, what, ops, len);
		return 0;
	}
	if (m == BANDWIDTH && ops->lossy) {
		exp_skip(ctx, what, "ipc.lossy", ev_token(ops->name));
		return 0;
	}
	if (kind == UNIT_SHARED_VM && ops == &chan_mutex_cond) {
		exp_skip(ctx, what, "ipc.clone_vm_pthread", ev_token(ops->name));
		return 0;
	}
	if (cross && ctx->n_cpus < 2) {
		exp_skip(ctx, what, "two_cpus", ev_count(ctx->n_cpus));
		return 0;
	}
	exp_progress(ctx, "%s", what);
	if (m == BANDWIDTH)
		take_xcopy(ctx, ip, lim, k);
	else if (cross)
		take_floor(ctx, lim);

	struct shm_arena arena;
	size_t region = channel_region_size(ops, len);
	int err = shm_arena_create(&arena, sizeof(struct ipc_shared) + region + 8192);
	if (err) {
		exp_skip(ctx, what, "arena", ev_nested(limit_note(LIMIT_MAP, err, &note)));
		return 0;
	}
	struct ipc_shared *sh = shm_arena_alloc(&arena, sizeof(*sh), 64);
	channel_init(&sh->c, ops, len, kind != UNIT_THREAD);
	if (region)
		sh->c.region = shm_arena_alloc(&arena, region, 4096);
	sh->len = len;
	sh->measure = m;
	unit_pin_self(exp_cpu(ctx, 0));
	err = channel_open(&sh->c);
	if (err) {
		exp_skip(ctx, what, "channel_open", ev_nested(channel_note(ops, err, &note)));
		shm_arena_destroy(&arena);
		return 0;
	}
	struct unit b;
	if (kind == UNIT_SHARED_VM) {
		sh->b_buf = buf_alloc(len);
		err = sh->b_buf ? 0 : -ENOMEM;
	}
	if (!err)
		err = unit_start(&b, kind, side_b, sh, exp_cpu(ctx, cross ? 1 : 0));
	if (err) {
		free(sh->b_buf);
		exp_skip(ctx, what, "partner",
			 ev_nested(limit_note(unit_limit_op(kind), err, &note)));
		channel_close(&sh->c);
		shm_arena_destroy(&arena);
		return 0;
	}
	struct side_a a = { .sh = sh, .buf = buf_alloc(len) };
	if (a.buf)
		memset(a.buf, 0x5a, len); /* real pages, not the zero page */
	err = a.buf ? channel_attach(&sh->c, CHAN_A) : -ENOMEM;
	struct sample_set s = { 0 };
	if (!err) {
		struct sampler_cfg cfg =
			exp_sampler_cfg(ctx, (uint32_t)ip->samples, (uint32_t)ip->max_samples,
					(uint64_t)ip->budget_ns, 1u << 24);
		/*
		 * A stream sample ends with the receiver's one-byte answer: a
		 * round trip that, across CPUs in a VM, costs tens of µs. Long
		 * batches keep it under a few percent of the figure: the budget
		 * shared among STREAM_MIN_SAMPLES samples, from 2 ms (the quick
		 * preset's, the answer under 2%) to 5 ms.
		 */
		uint64_t batch_ns = (uint64_t)ip->budget_ns / STREAM_MIN_SAMPLES;
		batch_ns = batch_ns < STREAM_BATCH_MIN_NS ? STREAM_BATCH_MIN_NS
			   : batch_ns > STREAM_BATCH_NS	  ? STREAM_BATCH_NS
							  : batch_ns;
		if (m == BANDWIDTH && cfg.target_ns < batch_ns)
			cfg.target_ns = batch_ns;
		if (m == BANDWIDTH && cfg.min_samples < STREAM_MIN_SAMPLES)
			cfg.min_samples = STREAM_MIN_SAMPLES;
		if (cfg.max_samples < cfg.min_samples)
			cfg.max_samples = cfg.min_samples;
		/*
		 * Untimed, before calibration: enough messages to touch every
		 * page of the ring (twice) and of both sides' buffers, so that
		 * no sample, and no calibration batch, pays for a first touch.
		 */
		if (m == BANDWIDTH)
			err = op_bandwidth(&a, stream_warm_messages(ops, len), NULL);
		if (!err)
			err = sampler_run(&cfg, m == LATENCY ? op_latency : op_bandwidth, &a, &s);
	}
	/* Stop B: it sees the flag with the next message it takes. */
	atomic_store_explicit(&sh->stop, 1, memory_order_release);
	struct unit_end end;
	if (err && kind == UNIT_THREAD) {
		/* A thread blocked in a channel cannot be stopped alone: end here. */
		exp_skip(ctx, what, "exchange", ev_errno(err));
		return -EIO;
	}
	if (!err)
		err = channel_send(&sh->c, CHAN_A, a.buf, len);
	if (err && kind == UNIT_THREAD) {
		exp_skip(ctx, what, "exchange", ev_errno(err));
		return -EIO;
	}
	if (err)
		kill(b.pid, SIGKILL);
	unit_wait(&b, &end);
	if (err)
		exp_skip(ctx, what, "exchange", ev_errno(err));
	else
		record(ctx, ops->name, m, len, unit_type_name(kind), placement, &s);
	sample_set_free(&s);
	free(a.buf);
	free(sh->b_buf);
	channel_close(&sh->c);
	shm_arena_destroy(&arena);
	return 0;
}

/* ---- ipc.needed: is a plain variable seen across fork? --------------- */

static int plain_variable;

static void take_needed(struct exp_ctx *ctx)
{
	struct shm_arena arena;
	if (shm_arena_create(&arena, 64) != 0)
		return;
	volatile int *shared = arena.base;
	plain_variable = 0;
	*shared = 0;
	pid_t pid = fork();
	if (pid == 0) {
		plain_variable = 42;
		*shared = 42;
		_exit(0);
	}
	if (pid > 0) {
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		bool plain_seen = plain_variable == 42, shared_seen = *shared == 42;
		exp_fact(ctx, "plain_variable_seen", plain_seen);
		exp_fact(ctx, "shared_mapping_seen", shared_seen);
		exp_fact(ctx, "ipc.needed", !plain_seen && shared_seen);
	}
	shm_arena_destroy(&arena);
}

static int ipc_run(struct exp_ctx *ctx, const void *params)
{
	const struct ipc_params *ip = params;
	struct limits lim;
	take_needed(ctx);
	take_limits(ctx, ip, &lim);
	for (size_t i = 0; channels[i]; i++) {
		int err = 0;
		for (int kind = UNIT_PROCESS; kind <= UNIT_THREAD && !err; kind++) {
			for (int cross = 0; cross < 2 && !err; cross++)
				for (size_t k = 0; k < ip->lat_sizes.n && !err; k++)
					err = take(ctx, ip, &lim, channels[i], LATENCY,
						   (enum unit_type)kind, cross, k);
			for (size_t k = 0; k < ip->bw_sizes.n && !err; k++)
				err = take(ctx, ip, &lim, channels[i], BANDWIDTH,
					   (enum unit_type)kind, true, k);
		}
		/* The control beside them: the same-CPU round trips with a clone_vm B. */
		for (size_t k = 0;
		     unit_kind_supported(UNIT_SHARED_VM) && k < ip->lat_sizes.n && !err; k++)
			err = take(ctx, ip, &lim, channels[i], LATENCY, UNIT_SHARED_VM, false, k);
		if (err) {
			limits_free(&lim);
			return exp_fail(ctx, "ipc.stuck", ev_token(channels[i]->name));
		}
	}
	limits_free(&lim);
	return 0;
}

static int ipc_check(const void *params, char *err, size_t errlen)
{
	const struct ipc_params *ip = params;
	return param_check_order("ipc", "samples", ip->samples, "max_samples", ip->max_samples, err,
				 errlen);
}

/*
 * Every figure at its budget or minimum samples at a pessimistic 1 ms, a
 * stream at its minimum samples of STREAM_BATCH_NS and the limit round
 * before it, twice, plus a minute.
 */
static uint64_t ipc_deadline(const void *params)
{
	const struct ipc_params *ip = params;
	double figures = 13.0 * (5 * (double)ip->lat_sizes.n + 2 * (double)ip->bw_sizes.n) +
			 (double)ip->bw_sizes.n + 1;
	double per = (double)ip->budget_ns * 1.3 + (double)ip->samples * 1e6 + 5e6;
	double largest = 0;
	for (size_t k = 0; k < ip->bw_sizes.n; k++)
		largest = (double)ip->bw_sizes.v[k] > largest ? (double)ip->bw_sizes.v[k] : largest;
	/* A stream and its xcopy round: samples, warm-up, at ~1 GB/s at worst for the largest. */
	double stream = (STREAM_MIN_SAMPLES + 4) * (double)STREAM_BATCH_NS +
			(XCOPY_ROUND_SAMPLES + 1) * (XCOPY_SAMPLE_NS + largest) + 16 * largest;
	double streams = 26.0 * (double)ip->bw_sizes.n;
	return (uint64_t)(2 * (figures * per + streams * stream)) + 60000000000ull;
}

static const char *const ipc_claims[] = { "ipc.needed", "ipc.faster_threads", "ipc.mechanisms",
					  NULL };

static const struct param ipc_param_table[] = {
	{ "lat_sizes", N_("message sizes of the round trips"), UNIT_BYTES, true,
	  offsetof(struct ipc_params, lat_sizes), "1,64,1KiB,4KiB,64KiB", NULL,
	  "1,64,1KiB,4KiB,64KiB,1MiB", 1, (int64_t)16 << 20 },
	{ "bw_sizes", N_("message sizes of the one-way streams"), UNIT_BYTES, true,
	  offsetof(struct ipc_params, bw_sizes), "64,4KiB,64KiB,1MiB", NULL, NULL, 1,
	  (int64_t)16 << 20 },
	{ "samples", N_("at least this many samples per figure"), UNIT_COUNT, false,
	  offsetof(struct ipc_params, samples), "10", "5", "30", 3, 100000 },
	{ "max_samples", N_("at most this many samples per figure"), UNIT_COUNT, false,
	  offsetof(struct ipc_params, max_samples), "300", "100", "2000", 3, 1000000 },
	{ "budget", N_("time spent sampling each figure"), UNIT_DURATION, false,
	  offsetof(struct ipc_params, budget_ns), "100ms", "20ms", "500ms", 1000000, 600000000000 },
};

static const struct ev_form forms[] = {
	{ "ipc.signal_size", N_("a signal carries one integer ({2}), not a message of {1}") },
	{ "ipc.udp_size", N_("UDP would drop pieces of a message of {1}: its pieces do not all fit "
			     "in the receive buffer ({2})") },
	{ "ipc.size_refused", N_("{2} cannot carry a message of {1}") },
	{ "ipc.lossy", N_("{1} drops messages when the reader falls behind: a one-way stream "
			  "cannot be timed without flow control") },
	{ "ipc.stuck", N_("a thread partner was stuck in its {1} channel") },
	{ "ipc.clone_vm_pthread",
	  N_("{1} is made of pthread calls, which a process sharing the address space "
	     "(clone_vm) cannot make: it runs on another thread's C library state") },
	{ NULL, NULL },
};

/*
 * The figures: one per mechanism of the channel table (core/channel.c,
 * by name; tests/test_ipc.c checks that none is missing), and the
 * machine's limits beside them.
 */
static const char *const channel_figures[] = {
	"pipe",	   "fifo",	"unix_stream", "unix_dgram", "tcp",	   "udp",    "posix_mq",
	"sysv_mq", "shm_futex", "shm_spin",    "eventfd",    "mutex_cond", "signal", NULL,
};
static const char *const channel_conditions[] = { "measure", "bytes", "kind", "placement", NULL };
static const char *const machine_figures[] = { "memcpy", "xcopy", "cacheline", NULL };
static const char *const machine_conditions[] = { "measure", "bytes", "placement", NULL };

static const struct figure_decl figures[] = {
	{ channel_figures, MU_NS, DIR_LOWER_IS_BETTER, channel_conditions },
	{ machine_figures, MU_NS, DIR_LOWER_IS_BETTER, machine_conditions },
	{ NULL, MU_NS, DIR_NONE, NULL },
};

static const char *const latency_64[] = { "measure=latency", "bytes=64", "placement=same-cpu",
					  NULL };
static const char *const stream_threads[] = { "measure=bandwidth", "kind=thread", "bytes", NULL };
static const struct chart_decl charts[] = {
	{ .id = "ipc-latency",
	  .kind = CHART_BARS,
	  .title = N_("Round trip of a 64-byte message on one CPU"),
	  .x_label = N_("mechanism"),
	  .y_label = N_("time per round trip"),
	  .series = { { .where = latency_64, .key = "kind", .words = chart_kind_labels } } },
	/* The mechanisms that streamed, at most SVG_SERIES_MAX to a chart. */
	{ .id = "ipc-bandwidth",
	  .kind = CHART_BANDWIDTH,
	  .title = N_("One-way stream between two threads on two CPUs"),
	  .x_label = N_("message size"),
	  .y_label = N_("throughput, every byte read"),
	  .series = { { .where = stream_threads } },
	  .x_key = "bytes",
	  .ref_name = "xcopy",
	  .log_x = true,
	  .log_y = true },
	{ .id = NULL },
};

const struct experiment exp_ipc = {
	.name = "ipc",
	.title = N_("Talking between processes or threads"),
	.method = N_("Every IPC mechanism between a process pair and a thread pair, the same "
		     "code: the round trip of a message and its reply per size, on one CPU and "
		     "on two, and on one CPU with a control, a process that shares the address "
		     "space (clone with CLONE_VM); one-way streams with the receiver reading "
		     "every byte; beside them the machine's limits: memcpy on one CPU, and, "
		     "taken right before each figure they bound, the copy of a buffer just "
		     "written on the other CPU (streams) and the round trip of a cache line "
		     "between the two CPUs (round trips across CPUs); and whether a plain "
		     "variable is seen across fork."),
	.claims = ipc_claims,
	.params = ipc_param_table,
	.n_params = sizeof(ipc_param_table) / sizeof(ipc_param_table[0]),
	.params_size = sizeof(struct ipc_params),
	.run = ipc_run,
	.check = ipc_check,
	.deadline = ipc_deadline,
	.deadline_ns = { 180000000000ull, 1800000000000ull },
	.quick_suite = true,
	.forms = forms,
	.figures = figures,
	.charts = charts,
};
