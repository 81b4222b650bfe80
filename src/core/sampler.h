// SPDX-License-Identifier: MIT
/*
 * sampler: turns an operation into a set of raw samples the way careful
 * benchmark tools do.
 *
 * 1. Calibrate: run the operation in growing batches until one batch takes
 *    at least target_ns — far above the timer's cost and step, so the
 *    timer cannot show in the figure (sampler_target_ns() derives it from
 *    the calibrated clock).
 * 2. Warm up: keep running batches for warmup_ns (caches, page tables,
 *    the allocator and the frequency governor settle); calibration batches
 *    count as warm-up. Nothing from warm-up is kept.
 * 3. Size: the batch grows (up to max_batch) so that it lasts target_ns
 *    at the fastest operation seen, even when a slow first call ended
 *    calibration early, and so that max_samples batches at the warm-up's
 *    median operation take 1.25 budgets: the budget ends the sampling,
 *    not the sample cap, which only bounds how many raw samples are kept.
 * 4. Sample: one raw sample per batch, until the budget is spent and at
 *    least min_samples are taken. Should max_samples come first (the
 *    operation got faster after warm-up), neighbouring samples are added
 *    up in pairs into samples of twice the batch and sampling goes on
 *    with that batch; a later round (a given batch) stops at the cap.
 *
 * An experiment that measures in rounds (to spread slow drifts of the
 * machine over all its conditions alike) calibrates and sizes in the
 * first round, with that round's share of the budget and of the samples,
 * and passes the batch it found to the later ones, so that every raw
 * sample of one figure holds the same number of operations.
 *
 * The operation may time itself (set *elapsed_ns) when part of each
 * batch must stay outside the measurement; otherwise the sampler times
 * the whole call.
 */
#ifndef PTLAB_CORE_SAMPLER_H
#define PTLAB_CORE_SAMPLER_H

#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"

/*
 * Runs the operation n times. May set *elapsed_ns (initially 0) to the
 * time it measured itself. Returns 0 or -errno (the sampler stops and
 * returns it).
 */
typedef int (*sampler_op)(void *ctx, uint64_t n, uint64_t *elapsed_ns);

struct sampler_cfg {
	uint32_t min_samples;
	uint32_t max_samples;
	uint64_t budget_ns; /* time for the kept samples */
	uint64_t warmup_ns;
	uint64_t target_ns; /* a batch lasts at least this */
	uint64_t max_batch; /* 1 for operations that must not be batched */
	uint64_t batch;	    /* when > 0: no calibration, every batch this size (a later round) */
};

struct sample_set {
	uint64_t batch; /* operations per raw sample */
	size_t warmup;	/* batches run before the first kept one */
	size_t n;
	uint64_t *raw; /* n batch totals, nanoseconds */
};

/* The batch duration that puts the timer below 0.1% of a sample. */
uint64_t sampler_target_ns(const struct clock_info *ci);

/* Fills out (free with sample_set_free). Returns 0 or the operation's -errno. */
int sampler_run(const struct sampler_cfg *cfg, sampler_op op, void *ctx, struct sample_set *out);

void sample_set_free(struct sample_set *s);

#endif
