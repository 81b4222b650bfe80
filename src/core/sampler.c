// SPDX-License-Identifier: MIT
/* sampler: calibrate, warm up, sample. See sampler.h for the method. */
#include "core/sampler.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* Floor for a batch: below ~10 µs, interrupts and timer reads dominate. */
#define SAMPLER_MIN_TARGET_NS 10000u

/*
 * Batches of the calibrated size run before the batch is sized, however
 * long calibration took: when the first call is slow enough to end both
 * calibration and warm-up (a partner process still starting), the sizing
 * must not rest on it alone.
 */
#define SAMPLER_SIZING_BATCHES 3u

/*
 * max_samples batches at the warm-up's median speed are sized to take
 * this many budgets: sampling then ends on the budget with about 80% of
 * the cap, and still does when the operation runs a little faster later.
 */
#define SAMPLER_FILL 1.25

uint64_t sampler_target_ns(const struct clock_info *ci)
{
	uint64_t t = SAMPLER_MIN_TARGET_NS;
	uint64_t by_overhead = (uint64_t)(ci->overhead_ns * 1000.0);
	uint64_t by_step = ci->resolution_ns * 1000u;
	if (by_overhead > t)
		t = by_overhead;
	if (by_step > t)
		t = by_step;
	return t;
}

/*
 * Runs one batch of n. *ns is what the figure keeps (the operation's own
 * time when it gave one); *wall_ns is the whole call, what the budget
 * pays for.
 */
static int time_batch(sampler_op op, void *ctx, uint64_t n, uint64_t *ns, uint64_t *wall_ns)
{
	uint64_t self = 0;
	uint64_t t0 = clock_now_ns();
	int err = op(ctx, n, &self);
	uint64_t t1 = clock_now_ns();
	if (err)
		return err;
	*wall_ns = t1 - t0;
	*ns = self ? self : *wall_ns;
	return 0;
}

/* The operations for ns at op_ns each, rounded up; at least 1. */
static uint64_t ops_for(uint64_t ns, double op_ns)
{
	double n = ceil((double)ns / op_ns);
	if (!(n < 18446744073709551616.0)) /* also NaN */
		return UINT64_MAX;
	return n < 1.0 ? 1 : (uint64_t)n;
}

/*
 * What the batches before the samples showed, per operation: the fastest
 * time the figure would keep, and the wall time (what the budget pays) of
 * each batch of the calibrated size.
 */
struct seen {
	double fastest_kept_ns;
	double *wall_ns;
	size_t n, cap;
};

static void seen_batch(struct seen *s, uint64_t n, uint64_t ns, uint64_t wall_ns, bool sized)
{
	double kept = (double)ns / (double)n;
	if (s->fastest_kept_ns == 0.0 || kept < s->fastest_kept_ns)
		s->fastest_kept_ns = kept;
	if (!sized)
		return;
	xgrow((void **)&s->wall_ns, &s->cap, s->n + 1, sizeof(*s->wall_ns));
	s->wall_ns[s->n++] = (double)wall_ns / (double)n;
}

static int cmp_ns(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return (a > b) - (a < b);
}

/*
 * The batch for the samples: at least the calibrated one; long enough
 * that a kept sample lasts target_ns at the fastest operation seen, which
 * a slow first call (a partner still starting, a cold cache) may have
 * kept calibration from reaching; and long enough that max_samples
 * batches at the median operation of the warm-up take SAMPLER_FILL times
 * the budget, so that the budget, not the sample cap, ends the sampling
 * (the median, not the fastest: an operation with a rare fast mode would
 * otherwise get batches so long that min_samples of them overrun the
 * budget many times over). At most max_batch.
 */
static uint64_t fill_batch(const struct sampler_cfg *cfg, uint64_t batch, uint64_t max_batch,
			   struct seen *s)
{
	uint64_t by_target = 1, by_budget = 1;
	if (s->fastest_kept_ns > 0.0)
		by_target = ops_for(cfg->target_ns, s->fastest_kept_ns);
	if (s->n && cfg->max_samples) {
		qsort(s->wall_ns, s->n, sizeof(*s->wall_ns), cmp_ns);
		double median = s->wall_ns[s->n / 2];
		if (median > 0.0)
			by_budget = ops_for((uint64_t)((double)cfg->budget_ns * SAMPLER_FILL /
						       (double)cfg->max_samples),
					    median);
	}
	if (by_target > batch)
		batch = by_target;
	if (by_budget > batch)
		batch = by_budget;
	return batch < max_batch ? batch : max_batch;
}

/*
 * The cap reached before the budget (the operation ran faster than in
 * warm-up): neighbouring samples are added up in pairs, which makes them
 * samples of twice the batch (with one more timer read inside, far below
 * the target's 0.1%), and sampling goes on with that batch. An odd last
 * sample is dropped.
 */
static void merge_pairs(struct sample_set *s)
{
	for (size_t i = 0; i + 1 < s->n; i += 2)
		s->raw[i / 2] = s->raw[i] + s->raw[i + 1];
	s->n /= 2;
	s->batch *= 2;
}

int sampler_run(const struct sampler_cfg *cfg, sampler_op op, void *ctx, struct sample_set *out)
{
	uint64_t batch = 1, ns = 0, wall = 0, max_batch = cfg->max_batch ? cfg->max_batch : 1;
	struct seen seen = { 0 };
	size_t cap = 0;
	int err;

	memset(out, 0, sizeof(*out));
	uint64_t warm_start = clock_now_ns();

	/* Calibrate: grow the batch until one lasts target_ns (or take the given one). */
	if (cfg->batch)
		batch = max_batch = cfg->batch;
	for (;;) {
		err = time_batch(op, ctx, batch, &ns, &wall);
		if (err)
			return err;
		out->warmup++;
		seen_batch(&seen, batch, ns, wall, false);
		if (ns >= cfg->target_ns || batch >= max_batch)
			break;
		/*
		 * Aim 20% past the target, at most 10x per step (first runs are
		 * slow). Clamped as a double: a huge ratio must not overflow the
		 * conversion to an integer.
		 */
		double ceiling = (double)batch * 10.0;
		double aim =
			ns ? (double)batch * 1.2 * (double)cfg->target_ns / (double)ns : ceiling;
		if (aim > ceiling)
			aim = ceiling;
		if (aim >= (double)max_batch) {
			batch = max_batch;
			continue;
		}
		uint64_t next = (uint64_t)aim;
		batch = next > batch ? next : batch + 1;
		if (batch > max_batch) /* max_batch may have rounded up as a double */
			batch = max_batch;
	}

	/* Warm up; a batch to be sized sees a few calls of the calibrated size first. */
	size_t sizing = cfg->batch ? 0 : SAMPLER_SIZING_BATCHES;
	while (clock_now_ns() - warm_start < cfg->warmup_ns || seen.n < sizing) {
		err = time_batch(op, ctx, batch, &ns, &wall);
		if (err) {
			free(seen.wall_ns);
			return err;
		}
		out->warmup++;
		seen_batch(&seen, batch, ns, wall, true);
	}
	if (!cfg->batch)
		batch = fill_batch(cfg, batch, max_batch, &seen);
	free(seen.wall_ns);
	out->batch = batch;

	uint64_t start = clock_now_ns();
	for (;;) {
		bool spent = clock_now_ns() - start >= cfg->budget_ns;
		if (out->n >= cfg->min_samples && spent)
			break;
		if (out->n >= cfg->max_samples) {
			if (spent || cfg->batch || out->n < 2 || batch > max_batch / 2)
				break;
			merge_pairs(out);
			batch = out->batch;
		}
		err = time_batch(op, ctx, batch, &ns, &wall);
		if (err) {
			sample_set_free(out);
			return err;
		}
		xgrow((void **)&out->raw, &cap, out->n + 1, sizeof(*out->raw));
		out->raw[out->n++] = ns;
	}
	return 0;
}

void sample_set_free(struct sample_set *s)
{
	free(s->raw);
	s->raw = NULL;
	s->n = 0;
}
