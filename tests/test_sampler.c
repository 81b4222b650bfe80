// SPDX-License-Identifier: MIT
/*
 * Tests for core/sampler with fake operations that count their calls and
 * spin a known number of loop iterations per operation (never sleep). They
 * assert what holds on any machine: the sample count stays within its
 * bounds, every batch is one call, a fast operation gets batched and one
 * that must not be batched is not, an error stops the sampler and leaves
 * nothing, and an operation that times itself is recorded exactly as it
 * said. Where the operation's self-timing makes the clock irrelevant, the
 * calibration itself is checked exactly. No absolute time is asserted.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/clock.h"
#include "core/sampler.h"
#include "suites.h"

struct fake {
	uint64_t spin;	     /* loop iterations per operation */
	uint64_t first_spin; /* loop iterations of the first call, on top */
	uint64_t self_ns;    /* when set, reports self_ns * n as its own time */
	uint64_t fail_at;    /* the call (1-based) that returns -EIO; 0: never */
	uint64_t calls;
	uint64_t ops;
	uint64_t max_n; /* the largest n asked for */
};

static int fake_op(void *ctx, uint64_t n, uint64_t *elapsed_ns)
{
	struct fake *f = ctx;
	f->calls++;
	if (f->fail_at && f->calls == f->fail_at)
		return -EIO;
	f->ops += n;
	if (n > f->max_n)
		f->max_n = n;
	for (volatile uint64_t i = 0; i < n * f->spin + (f->calls == 1 ? f->first_spin : 0); i++)
		;
	if (f->self_ns)
		*elapsed_ns = f->self_ns * n;
	return 0;
}

START_TEST(test_invariants)
{
	struct fake f = { .spin = 200 };
	struct sampler_cfg cfg = {
		.min_samples = 5,
		.max_samples = 50,
		.budget_ns = 2000000,
		.warmup_ns = 1000000,
		.target_ns = 100000,
		.max_batch = 1u << 20,
	};
	struct sample_set s;

	ck_assert_int_eq(sampler_run(&cfg, fake_op, &f, &s), 0);
	ck_assert_uint_ge(s.n, cfg.min_samples);
	ck_assert_uint_le(s.n, cfg.max_samples);
	ck_assert_uint_ge(s.batch, 1);
	ck_assert_uint_le(s.batch, cfg.max_batch);
	ck_assert_uint_ge(s.warmup, 1);
	ck_assert_ptr_nonnull(s.raw);
	for (size_t i = 0; i < s.n; i++)
		ck_assert_uint_gt(s.raw[i], 0);
	/*
	 * One call per batch, warm-up (calibration included) and kept alike,
	 * unless the cap came before the budget: then kept samples were added
	 * up in pairs, each doubling the batch.
	 */
	ck_assert_uint_ge(f.calls, s.warmup + s.n);
	ck_assert_uint_eq(s.batch % f.max_n, 0);
	ck_assert_uint_ge(f.ops, s.n * s.batch + 1);
	sample_set_free(&s);
	ck_assert_ptr_null(s.raw);
	ck_assert_uint_eq(s.n, 0);
	sample_set_free(&s); /* twice is harmless */
}
END_TEST

/* min_samples with no budget and max_samples with a large one are exact counts. */
START_TEST(test_sample_count_bounds)
{
	struct fake f = { .spin = 10 };
	struct sampler_cfg cfg = {
		.min_samples = 7,
		.max_samples = 100,
		.budget_ns = 0,
		.warmup_ns = 0,
		.target_ns = 0,
		.max_batch = 1,
	};
	struct sample_set s;

	ck_assert_int_eq(sampler_run(&cfg, fake_op, &f, &s), 0);
	ck_assert_uint_eq(s.n, 7);
	sample_set_free(&s);

	cfg.min_samples = 3;
	cfg.max_samples = 12;
	cfg.budget_ns = UINT64_C(60) * 1000000000u; /* never reached: max_samples ends it */
	ck_assert_int_eq(sampler_run(&cfg, fake_op, &f, &s), 0);
	ck_assert_uint_eq(s.n, 12);
	sample_set_free(&s);
}
END_TEST

/* An operation far faster than the target is batched. */
START_TEST(test_fast_op_is_batched)
{
	struct sampler_cfg cfg = {
		.min_samples = 3,
		.max_samples = 5,
		.budget_ns = 0,
		.warmup_ns = 0,
		.target_ns = 1000000,
		.max_batch = UINT64_C(1) << 40,
	};
	struct sample_set s;
	uint64_t batch = 0;

	/*
	 * A no-op takes nanoseconds; only a 1 ms preemption during the very
	 * first call could end calibration at batch 1. Three tries make that
	 * vanishingly unlikely without asserting anything about time.
	 */
	for (int tries = 0; tries < 3 && batch <= 1; tries++) {
		struct fake f = { .spin = 0 };
		ck_assert_int_eq(sampler_run(&cfg, fake_op, &f, &s), 0);
		batch = s.batch;
		ck_assert_uint_ge(s.warmup, 1);
		ck_assert_uint_eq(f.calls, s.warmup + s.n);
		sample_set_free(&s);
	}
	ck_assert_uint_gt(batch, 1);
}
END_TEST

/* max_batch 1 (and 0, read as 1) never batches, however fast the operation. */
START_TEST(test_max_batch_one)
{
	for (uint64_t mb = 0; mb <= 1; mb++) {
		struct fake f = { .spin = 0 };
		struct sampler_cfg cfg = {
			.min_samples = 4,
			.max_samples = 4,
			.budget_ns = 0,
			.warmup_ns = 200000,
			.target_ns = 1000000000,
			.max_batch = mb,
		};
		struct sample_set s;
		ck_assert_int_eq(sampler_run(&cfg, fake_op, &f, &s), 0);
		ck_assert_uint_eq(s.batch, 1);
		ck_assert_uint_eq(f.max_n, 1);
		ck_assert_uint_eq(s.n, 4);
		ck_assert_uint_ge(s.warmup, 1);
		ck_assert_uint_eq(f.ops, f.calls);
		sample_set_free(&s);
	}
}
END_TEST

/*
 * -EIO from the first call (calibration), from a warm-up call and from a
 * call while sampling: the error comes back and no sample is left.
 */
static const struct {
	uint64_t fail_at;
	uint64_t warmup_ns;
} failures[] = {
	{ 1, 0 },			   /* calibration: the first call */
	{ 5, UINT64_C(60) * 1000000000u }, /* warm-up, which lasts far longer */
	{ 50, 0 }, /* sampling: calls 5..104 are samples (1 + 3 sizing the batch) */
};

START_TEST(test_error_stops_and_leaves_nothing)
{
	struct fake f = { .spin = 0, .fail_at = failures[_i].fail_at };
	struct sampler_cfg cfg = {
		.min_samples = 100,
		.max_samples = 100,
		.budget_ns = 0,
		.warmup_ns = failures[_i].warmup_ns,
		.target_ns = 0,
		.max_batch = 1,
	};
	struct sample_set s;

	ck_assert_int_eq(sampler_run(&cfg, fake_op, &f, &s), -EIO);
	ck_assert_uint_eq(f.calls, f.fail_at); /* it stopped at once */
	ck_assert_uint_eq(s.n, 0);
	ck_assert_ptr_null(s.raw);
	sample_set_free(&s); /* still safe */
}
END_TEST

/* What the operation measured itself is what gets recorded, and calibration follows it. */
START_TEST(test_self_timing_is_recorded)
{
	struct fake f = { .spin = 0, .self_ns = 1234 };
	struct sampler_cfg cfg = {
		.min_samples = 20,
		.max_samples = 20,
		.budget_ns = 0,
		.warmup_ns = 0,
		.target_ns = 100000,
		.max_batch = UINT64_C(1) << 30,
	};
	struct sample_set s;

	ck_assert_int_eq(sampler_run(&cfg, fake_op, &f, &s), 0);
	ck_assert_uint_eq(s.n, 20);
	ck_assert_uint_gt(s.batch, 1);
	/* The clock plays no part: a batch reaches the target by the op's own account. */
	ck_assert_uint_ge(s.batch * 1234, cfg.target_ns);
	for (size_t i = 0; i < s.n; i++)
		ck_assert_uint_eq(s.raw[i], 1234 * s.batch);
	/* Calibration grows at most tenfold a step, so it took more than one call. */
	ck_assert_uint_ge(s.warmup, 2);
	ck_assert_uint_eq(f.calls, s.warmup + s.n);
	sample_set_free(&s);
}
END_TEST

/* A target out of reach stops calibration at max_batch, never past it. */
START_TEST(test_max_batch_caps_calibration)
{
	struct fake f = { .spin = 0, .self_ns = 1 };
	struct sampler_cfg cfg = {
		.min_samples = 3,
		.max_samples = 3,
		.budget_ns = 0,
		.warmup_ns = 0,
		.target_ns = UINT64_MAX,
		.max_batch = 250,
	};
	struct sample_set s;

	ck_assert_int_eq(sampler_run(&cfg, fake_op, &f, &s), 0);
	ck_assert_uint_eq(s.batch, 250);
	ck_assert_uint_eq(f.max_n, 250);
	ck_assert_uint_eq(s.n, 3);
	for (size_t i = 0; i < s.n; i++)
		ck_assert_uint_eq(s.raw[i], 250);
	sample_set_free(&s);
}
END_TEST

/* A later round passes the batch it was calibrated with: no calibration, every batch that size. */
START_TEST(test_fixed_batch_skips_calibration)
{
	struct fake f = { .spin = 1 };
	struct sampler_cfg cfg = {
		.min_samples = 4,
		.max_samples = 4,
		.budget_ns = 0,
		.warmup_ns = 0,
		.target_ns = 1000000000, /* unreachable: calibration would grow the batch */
		.max_batch = 1u << 20,
		.batch = 7,
	};
	struct sample_set s;
	ck_assert_int_eq(sampler_run(&cfg, fake_op, &f, &s), 0);
	ck_assert_uint_eq(s.batch, 7);
	ck_assert_uint_eq(s.n, 4);
	ck_assert_uint_eq(s.warmup, 1); /* one warm-up batch, of the given size */
	ck_assert_uint_eq(f.max_n, 7);
	ck_assert_uint_eq(f.ops, 7 * 5);
	sample_set_free(&s);
}
END_TEST

/*
 * The budget ends the sampling, not the cap: the batch grows until
 * max_samples batches would fill the budget, so either the cap was not
 * reached or the samples hold most of the budget. (Only a machine that
 * got twice as fast after warm-up could take the cap sooner.)
 */
START_TEST(test_budget_not_cap_ends_sampling)
{
	struct fake f = { .spin = 50 };
	struct sampler_cfg cfg = {
		.min_samples = 3,
		.max_samples = 10,
		.budget_ns = 20000000,
		.warmup_ns = 1000000,
		.target_ns = 10000,
		.max_batch = UINT64_C(1) << 40,
	};
	struct sample_set s;

	ck_assert_int_eq(sampler_run(&cfg, fake_op, &f, &s), 0);
	ck_assert_uint_ge(s.n, cfg.min_samples);
	ck_assert_uint_le(s.n, cfg.max_samples);
	uint64_t kept = 0;
	for (size_t i = 0; i < s.n; i++)
		kept += s.raw[i];
	ck_assert_msg(s.n < cfg.max_samples || kept >= cfg.budget_ns / 2,
		      "the cap ended sampling after %llu of %llu ns", (unsigned long long)kept,
		      (unsigned long long)cfg.budget_ns);
	ck_assert_uint_eq(s.batch % f.max_n, 0);
	sample_set_free(&s);
}
END_TEST

/*
 * An operation that gets ten times faster once sampling starts reaches the
 * cap long before the budget: the samples merge in pairs, the batch
 * doubles, and sampling goes on until the budget is spent.
 */
static int speeding_op(void *ctx, uint64_t n, uint64_t *elapsed_ns)
{
	struct fake *f = ctx;
	f->calls++;
	f->ops += n;
	if (n > f->max_n)
		f->max_n = n;
	uint64_t spin = f->calls > f->fail_at ? f->spin : f->spin * 10;
	for (volatile uint64_t i = 0; i < n * spin; i++)
		;
	(void)elapsed_ns;
	return 0;
}

START_TEST(test_cap_first_merges_pairs)
{
	/* fail_at here: the calls that run slow: calibration, sizing and a few samples. */
	struct fake f = { .spin = 20, .fail_at = 12 };
	struct sampler_cfg cfg = {
		.min_samples = 3,
		.max_samples = 16,
		.budget_ns = 20000000,
		.warmup_ns = 0,
		.target_ns = 10000,
		.max_batch = UINT64_C(1) << 40,
	};
	struct sample_set s;

	ck_assert_int_eq(sampler_run(&cfg, speeding_op, &f, &s), 0);
	ck_assert_uint_ge(s.n, cfg.min_samples);
	ck_assert_uint_le(s.n, cfg.max_samples);
	ck_assert_uint_eq(s.batch % f.max_n, 0);
	uint64_t kept = 0;
	for (size_t i = 0; i < s.n; i++)
		kept += s.raw[i];
	ck_assert_msg(s.n < cfg.max_samples || kept >= cfg.budget_ns / 2,
		      "the cap ended sampling after %llu of %llu ns", (unsigned long long)kept,
		      (unsigned long long)cfg.budget_ns);
	ck_assert_uint_ge(f.ops, s.n * s.batch);
	ck_assert_uint_gt(f.calls, s.warmup + s.n); /* samples were merged */
	sample_set_free(&s);
}
END_TEST

/*
 * A first call slow enough to end calibration at a batch of one (a
 * partner still starting) does not decide the batch: the calls after it
 * size it to the target.
 */
START_TEST(test_slow_first_call_does_not_decide)
{
	struct fake f = { .spin = 10, .first_spin = 20000000 };
	struct sampler_cfg cfg = {
		.min_samples = 5,
		.max_samples = 5,
		.budget_ns = 0,
		.warmup_ns = 0,
		.target_ns = 1000000,
		.max_batch = UINT64_C(1) << 40,
	};
	struct sample_set s;

	ck_assert_int_eq(sampler_run(&cfg, fake_op, &f, &s), 0);
	ck_assert_uint_gt(s.batch, 1);
	ck_assert_uint_eq(f.max_n, s.batch);
	ck_assert_uint_eq(s.n, 5);
	ck_assert_uint_ge(s.warmup, 4); /* the slow call, then three to size the batch */
	sample_set_free(&s);
}
END_TEST

START_TEST(test_target_grows_with_overhead)
{
	struct clock_info ci = { 0 };

	uint64_t floor_ns = sampler_target_ns(&ci);
	ck_assert_uint_gt(floor_ns, 0);
	/* Cheap, fine timers keep the floor. */
	ci.overhead_ns = 1.0;
	ci.resolution_ns = 1;
	ck_assert_uint_eq(sampler_target_ns(&ci), floor_ns);

	/* Dearer timers give longer batches: the timer stays at 0.1% of one. */
	uint64_t prev = floor_ns;
	for (double o = 20; o <= 20000; o *= 10) {
		ci.overhead_ns = o;
		uint64_t t = sampler_target_ns(&ci);
		ck_assert_uint_ge(t, prev);
		ck_assert_uint_ge(t, (uint64_t)(o * 1000.0));
		prev = t;
	}
	ck_assert_uint_gt(prev, floor_ns);

	/* So does a coarse timer step. */
	ci.overhead_ns = 1.0;
	ci.resolution_ns = 1000;
	ck_assert_uint_ge(sampler_target_ns(&ci), 1000u * 1000u);
	ck_assert_uint_gt(sampler_target_ns(&ci), floor_ns);
}
END_TEST

Suite *sampler_suite(void)
{
	Suite *s = suite_create("sampler");
	TCase *tc = tcase_create("sampler");
	tcase_add_test(tc, test_invariants);
	tcase_add_test(tc, test_sample_count_bounds);
	tcase_add_test(tc, test_fast_op_is_batched);
	tcase_add_test(tc, test_max_batch_one);
	tcase_add_loop_test(tc, test_error_stops_and_leaves_nothing, 0,
			    (int)(sizeof(failures) / sizeof(failures[0])));
	tcase_add_test(tc, test_self_timing_is_recorded);
	tcase_add_test(tc, test_max_batch_caps_calibration);
	tcase_add_test(tc, test_fixed_batch_skips_calibration);
	tcase_add_test(tc, test_target_grows_with_overhead);
	tcase_add_test(tc, test_budget_not_cap_ends_sampling);
	tcase_add_test(tc, test_slow_first_call_does_not_decide);
	tcase_add_test(tc, test_cap_first_merges_pairs);
	suite_add_tcase(s, tc);
	return s;
}
