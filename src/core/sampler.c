// SPDX-License-Identifier: MIT
/* sampler: calibrate, warm up, sample. See sampler.h for the method. */
#include "core/sampler.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* Floor for a batch: below ~10 µs, interrupts and timer reads dominate. */
#define SAMPLER_MIN_TARGET_NS 10000u

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

static int time_batch(sampler_op op, void *ctx, uint64_t n, uint64_t *ns)
{
	uint64_t self = 0;
	uint64_t t0 = clock_now_ns();
	int err = op(ctx, n, &self);
	uint64_t t1 = clock_now_ns();
	if (err)
		return err;
	*ns = self ? self : t1 - t0;
	return 0;
}

int sampler_run(const struct sampler_cfg *cfg, sampler_op op, void *ctx, struct sample_set *out)
{
	uint64_t batch = 1, ns = 0, max_batch = cfg->max_batch ? cfg->max_batch : 1;
	size_t cap = 0;
	int err;

	memset(out, 0, sizeof(*out));
	uint64_t warm_start = clock_now_ns();

	/* Calibrate: grow the batch until one lasts target_ns (or take the given one). */
	if (cfg->batch)
		batch = max_batch = cfg->batch;
	for (;;) {
		err = time_batch(op, ctx, batch, &ns);
		if (err)
			return err;
		out->warmup++;
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
	out->batch = batch;

	while (clock_now_ns() - warm_start < cfg->warmup_ns) {
		err = time_batch(op, ctx, batch, &ns);
		if (err)
			return err;
		out->warmup++;
	}

	uint64_t start = clock_now_ns();
	while (out->n < cfg->max_samples) {
		if (out->n >= cfg->min_samples && clock_now_ns() - start >= cfg->budget_ns)
			break;
		err = time_batch(op, ctx, batch, &ns);
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
