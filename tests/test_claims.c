// SPDX-License-Identifier: MIT
/*
 * Tests of the claims catalogue and the verdict rules (claims/claims.c,
 * claims/verdict.c), all on hand-made data: the ratio rule on chosen
 * intervals, every outcome and every boundary; claims_judge() on synthetic
 * sample sets, the degenerate ones included (one sample, all equal, huge
 * outliers), and every way a verdict can lack data; the trend rule on a
 * synthetic straight line; the bootstrap's determinism; and the catalogue
 * against the table of CLAIMS.md. Nothing here measures anything, so no
 * assertion depends on the machine.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims/claims.h"
#include "model/run.h"
#include "exp_test.h"
#include "suites.h"
#include "util/xalloc.h"

#define KIB 1024LL
#define MIB (1024LL * KIB)
#define GIB (1024LL * MIB)

/* The fork cost line of the synthetic trend: 150 µs plus 36 ms per GiB. */
#define LINE_BASE_NS 150000.0
#define LINE_SLOPE_NS_PER_BYTE (36e6 / (double)GIB)

/*
 * Raw totals of n batches whose per-operation values spread evenly over
 * base * [1 - spread, 1 + spread]: symmetric about base, so that with n odd
 * the median is base itself. The last `outliers` samples are replaced by
 * values a thousand times larger. Caller frees.
 */
static uint64_t *synth(double base, double spread, size_t n, uint64_t batch, size_t outliers)
{
	uint64_t *raw = xcalloc(n, sizeof(*raw));
	double half = n > 1 ? (double)(n - 1) / 2.0 : 1.0;
	for (size_t i = 0; i < n; i++) {
		double off = spread * ((double)i - half) / half;
		if (n == 1)
			off = 0;
		double v = base * (1.0 + off);
		if (i >= n - outliers)
			v = base * 1000.0;
		raw[i] = (uint64_t)llround(v) * batch;
	}
	return raw;
}

/* Adds a timing metric with the conditions the create experiment records. */
static void add_timing(struct exp_result *e, const char *name, int64_t extra_bytes, double base,
		       double spread, size_t n, uint64_t batch, size_t outliers)
{
	char extra[32];
	snprintf(extra, sizeof(extra), "%lld", (long long)extra_bytes);
	struct mparam params[] = {
		{ .key = "extra_bytes", .str = extra, .num = extra_bytes, .is_num = true },
		{ .key = "kind", .str = strncmp(name, "pthread", 7) == 0 ? "thread" : "process" },
		{ .key = "placement", .str = "same-cpu" },
	};
	uint64_t *raw = synth(base, spread, n, batch, outliers);
	struct metric m = {
		.name = (char *)name,
		.unit = "ns",
		.dir = DIR_LOWER_IS_BETTER,
		.params = params,
		.n_params = sizeof(params) / sizeof(params[0]),
		.batch = batch,
		.raw = raw,
		.n = n,
	};
	exp_result_add_metric(e, &m);
	free(raw);
}

/* A run with an empty "create" result; returns that result. */
static struct exp_result *create_run(struct run *r)
{
	run_init(r);
	r->seed = 42;
	return run_add_result(r, "create");
}

static void judge(const char *id, const struct run *r, struct verdict *v)
{
	const struct claim *c = claims_find(id);
	ck_assert_ptr_nonnull(c);
	claims_judge(c, r, v);
	ck_assert_ptr_eq(v->claim, c);
}

/* ---- the ratio rule ------------------------------------------------- */

struct rule_case {
	double ratio, lo, hi;
	enum verdict_status want;
};

static void check_rule(const struct rule_case *k, size_t n, double t, double e)
{
	for (size_t i = 0; i < n; i++) {
		struct ratio_ci r = { k[i].ratio, k[i].lo, k[i].hi };
		enum verdict_status got = verdict_ratio_rule(&r, t, e);
		ck_assert_msg(got == k[i].want, "ratio %g [%g, %g], T %g, E %g: %s, want %s",
			      k[i].ratio, k[i].lo, k[i].hi, t, e, verdict_status_name(got),
			      verdict_status_name(k[i].want));
	}
}

START_TEST(test_rule_outcomes)
{
	static const struct rule_case k[] = {
		{ 2.0, 1.8, 2.2, V_HOLDS },
		{ 1.15, 1.12, 1.2, V_HOLDS_SMALL },
		{ 1.0, 0.95, 1.05, V_NEGLIGIBLE },
		{ 0.5, 0.45, 0.55, V_REVERSED },
		{ 0.87, 0.83, 0.9, V_REVERSED_SMALL },
		{ 1.2, 0.5, 3.0, V_INCONCLUSIVE },
		/* Big effect but the interval reaches below 1: no verdict. */
		{ 3.0, 0.9, 10.0, V_INCONCLUSIVE },
		/* The interval excludes 1 but reaches into the margin: it straddles E. */
		{ 1.15, 1.05, 1.2, V_INCONCLUSIVE },
		{ 1.5, 1.05, 2.0, V_INCONCLUSIVE },
		{ 0.87, 0.83, 0.95, V_INCONCLUSIVE },
		{ 0.6, 0.5, 0.95, V_INCONCLUSIVE },
		/* An interval with no upper end still holds. */
		{ 3.0, 2.0, INFINITY, V_HOLDS },
	};
	check_rule(k, sizeof(k) / sizeof(k[0]), CLAIM_THRESHOLD, CLAIM_MARGIN);
}
END_TEST

START_TEST(test_rule_boundaries)
{
	const double t = CLAIM_THRESHOLD, e = CLAIM_MARGIN;
	const struct rule_case k[] = {
		/* holds: lo > E (strict), then ratio >= T (inclusive) or small. */
		{ t, 1.15, 1.4, V_HOLDS },
		{ nextafter(t, 0), 1.15, 1.4, V_HOLDS_SMALL },
		{ t, e, 1.4, V_INCONCLUSIVE },
		{ t, nextafter(e, 2), 1.4, V_HOLDS },
		{ 1.12, nextafter(e, 2), 1.4, V_HOLDS_SMALL },
		/* reversed: hi < 1/E (strict), then ratio <= 1/T (inclusive) or small. */
		{ 1.0 / t, 0.7, 0.9, V_REVERSED },
		{ nextafter(1.0 / t, 1), 0.7, 0.9, V_REVERSED_SMALL },
		{ 1.0 / t, 0.7, 1.0 / e, V_INCONCLUSIVE },
		{ 1.0 / t, 0.7, nextafter(1.0 / e, 0), V_REVERSED },
		/* negligible: the whole interval inside [1/E, E], ends included. */
		{ 1.0, 1.0 / e, e, V_NEGLIGIBLE },
		{ 1.0, 1.0 / e, nextafter(e, 2), V_INCONCLUSIVE },
		{ 1.0, nextafter(1.0 / e, 0), e, V_INCONCLUSIVE },
		{ 1.05, 1.01, e, V_NEGLIGIBLE },
		/* The point beyond E, the interval reaching into the margin: no verdict. */
		{ 1.2, 1.01, nextafter(e, 2), V_INCONCLUSIVE },
		{ 1.2, 1.0, 1.3, V_INCONCLUSIVE },
		{ 0.85, 0.7, 1.0, V_INCONCLUSIVE },
		/* A point interval. */
		{ 1.0, 1.0, 1.0, V_NEGLIGIBLE },
		{ e, e, e, V_NEGLIGIBLE },
		{ nextafter(e, 2), nextafter(e, 2), nextafter(e, 2), V_HOLDS_SMALL },
		{ 8.0, 8.0, 8.0, V_HOLDS },
	};
	check_rule(k, sizeof(k) / sizeof(k[0]), t, e);
}
END_TEST

/*
 * The rule holds still: two intervals that overlap (two runs of one claim
 * whose intervals share a value) never land one in holds (either size) and
 * the other in negligible or reversed (either size). Checked on a grid of
 * intervals around every boundary.
 */
START_TEST(test_rule_no_flip)
{
	const double t = CLAIM_THRESHOLD, e = CLAIM_MARGIN;
	const double edges[] = { 1.0 / t, 1.0 / e, 1.0, e, t };
	double pts[64];
	size_t n = 0;
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		for (int d = -3; d <= 3; d++)
			pts[n++] = edges[i] * (1.0 + 0.01 * d);
	pts[n++] = 0.3;
	pts[n++] = 3.0;
	size_t firm = 0;
	for (size_t a = 0; a < n; a++)
		for (size_t b = 0; b < n; b++)
			for (size_t c = 0; c < n; c++)
				for (size_t d = 0; d < n; d++) {
					double lo1 = pts[a], hi1 = pts[b], lo2 = pts[c],
					       hi2 = pts[d];
					if (lo1 > hi1 || lo2 > hi2 || hi1 < lo2 || hi2 < lo1)
						continue;
					/* Each point estimate anywhere inside its interval. */
					struct ratio_ci r1 = { lo1, lo1, hi1 },
							r2 = { hi2, lo2, hi2 };
					enum verdict_status s1 = verdict_ratio_rule(&r1, t, e);
					enum verdict_status s2 = verdict_ratio_rule(&r2, t, e);
					unsigned m1 = VS(s1), m2 = VS(s2);
					bool h1 = m1 & VS_HOLDS, h2 = m2 & VS_HOLDS;
					bool r1_ = m1 & VS_REVERSED, r2_ = m2 & VS_REVERSED;
					bool n1 = s1 == V_NEGLIGIBLE, n2 = s2 == V_NEGLIGIBLE;
					firm += s1 != V_INCONCLUSIVE;
					ck_assert_msg(!(h1 && (n2 || r2_)) &&
							      !(h2 && (n1 || r1_)) &&
							      !(n1 && r2_) && !(n2 && r1_),
						      "[%g, %g] %s against [%g, %g] %s", lo1, hi1,
						      verdict_status_name(s1), lo2, hi2,
						      verdict_status_name(s2));
				}
	ck_assert_uint_gt(firm, 1000);
}
END_TEST

START_TEST(test_rule_override)
{
	/* The same intervals read with T = 2, E = 1.5 and with the defaults. */
	static const struct rule_case strict[] = {
		{ 1.8, 1.6, 2.0, V_HOLDS_SMALL },     { 2.0, 1.6, 2.4, V_HOLDS },
		{ 1.3, 1.2, 1.4, V_NEGLIGIBLE },      { 0.5, 0.4, 0.6, V_REVERSED },
		{ 0.55, 0.5, 0.6, V_REVERSED_SMALL }, { 1.2, 0.7, 1.5, V_NEGLIGIBLE },
	};
	static const struct rule_case loose[] = {
		{ 1.8, 1.6, 2.0, V_HOLDS },	{ 2.0, 1.6, 2.4, V_HOLDS },
		{ 1.3, 1.2, 1.4, V_HOLDS },	{ 0.5, 0.4, 0.6, V_REVERSED },
		{ 0.55, 0.5, 0.6, V_REVERSED }, { 1.2, 0.7, 1.5, V_INCONCLUSIVE },
	};
	check_rule(strict, sizeof(strict) / sizeof(strict[0]), 2.0, 1.5);
	check_rule(loose, sizeof(loose) / sizeof(loose[0]), CLAIM_THRESHOLD, CLAIM_MARGIN);
}
END_TEST

START_TEST(test_rule_not_finite)
{
	struct ratio_ci r = { NAN, NAN, NAN };
	ck_assert_int_eq(verdict_ratio_rule(&r, CLAIM_THRESHOLD, CLAIM_MARGIN), V_INCONCLUSIVE);
	r = (struct ratio_ci){ 2.0, NAN, NAN };
	ck_assert_int_eq(verdict_ratio_rule(&r, CLAIM_THRESHOLD, CLAIM_MARGIN), V_INCONCLUSIVE);
}
END_TEST

/* ---- claims_judge on ratio claims ------------------------------------ */

START_TEST(test_judge_holds)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	add_timing(e, "pthread_create", 0, 20000, 0.02, 31, 1, 0);
	add_timing(e, "fork", 0, 160000, 0.02, 31, 1, 0);
	/* Other sizes and methods must not be picked up by create.cost. */
	add_timing(e, "fork", GIB, 40000000, 0.02, 31, 1, 0);
	add_timing(e, "vfork", 0, 25000, 0.02, 31, 1, 0);
	struct verdict v;
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_HOLDS);
	ck_assert_str_eq(v.reason, "");
	ck_assert_str_eq(v.a.label, "fork");
	ck_assert_str_eq(v.b.label, "pthread_create");
	ck_assert_str_eq(v.a.unit, "ns");
	ck_assert(v.a.set && v.b.set);
	ck_assert_uint_eq(v.a.sum.n, 31);
	ck_assert_double_eq(v.a.sum.median, 160000);
	ck_assert_double_eq(v.b.sum.median, 20000);
	ck_assert_double_eq_tol(v.ratio.ratio, 8.0, 1e-9);
	ck_assert(v.ratio.lo <= v.ratio.ratio && v.ratio.ratio <= v.ratio.hi);
	ck_assert(v.ratio.lo > 7.5 && v.ratio.hi < 8.5);
	ck_assert_double_eq(v.threshold, CLAIM_THRESHOLD);
	ck_assert_double_eq(v.margin, CLAIM_MARGIN);
	ck_assert_uint_eq(v.n_lines, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_judge_negligible)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	add_timing(e, "fork", 0, 20000, 0.02, 31, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0.02, 31, 1, 0);
	struct verdict v;
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_NEGLIGIBLE);
	ck_assert_double_eq(v.ratio.ratio, 1.0);
	ck_assert(v.ratio.lo >= 1.0 / CLAIM_MARGIN && v.ratio.hi <= CLAIM_MARGIN);
	run_free(&r);
}
END_TEST

START_TEST(test_judge_reversed)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	add_timing(e, "fork", 0, 20000, 0.02, 31, 1, 0);
	add_timing(e, "pthread_create", 0, 160000, 0.02, 31, 1, 0);
	struct verdict v;
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_REVERSED);
	ck_assert_double_eq_tol(v.ratio.ratio, 0.125, 1e-12);
	run_free(&r);
}
END_TEST

/* The ratio is of per-operation values: raw totals are divided by the batch. */
START_TEST(test_judge_batches)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	add_timing(e, "fork", 0, 160000, 0.02, 31, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0.02, 31, 64, 0);
	struct verdict v;
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_HOLDS);
	ck_assert_double_eq_tol(v.ratio.ratio, 8.0, 1e-9);
	ck_assert_double_eq(v.b.sum.median, 20000);
	run_free(&r);
}
END_TEST

/* One sample a side gives no interval: the verdict must not claim certainty. */
START_TEST(test_judge_one_sample)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	add_timing(e, "fork", 0, 160000, 0, 1, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0, 1, 1, 0);
	struct verdict v;
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert(v.a.set && v.b.set);
	ck_assert_double_eq_tol(v.ratio.ratio, 8.0, 1e-12);
	ck_assert_ptr_nonnull(strstr(v.reason, "n=1"));
	ck_assert_ptr_nonnull(strstr(v.reason, "fork"));

	/* Enough samples on one side only is not enough either. */
	struct run r2;
	e = create_run(&r2);
	add_timing(e, "fork", 0, 160000, 0.02, 31, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0, CLAIM_MIN_SAMPLES - 1, 1, 0);
	judge("create.cost", &r2, &v);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(v.reason, "pthread_create"));

	/* An interval, but fewer samples than a verdict needs: inconclusive, and what settles it. */
	struct run r4;
	e = create_run(&r4);
	add_timing(e, "fork", 0, 160000, 0.01, CLAIM_VERDICT_SAMPLES - 1, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0.01, CLAIM_VERDICT_SAMPLES, 1, 0);
	judge("create.cost", &r4, &v);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert(isfinite(v.ratio.lo) && v.ratio.lo > CLAIM_MARGIN);
	ck_assert_ptr_nonnull(strstr(v.reason, "too few samples"));
	ck_assert_ptr_nonnull(strstr(v.reason, "--full"));
	ck_assert_ptr_nonnull(strstr(v.reason, "samples parameter"));
	run_free(&r4);

	/* At the minimum, a verdict. */
	struct run r3;
	e = create_run(&r3);
	add_timing(e, "fork", 0, 160000, 0.01, CLAIM_VERDICT_SAMPLES, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0.01, CLAIM_VERDICT_SAMPLES, 1, 0);
	judge("create.cost", &r3, &v);
	ck_assert_int_eq(v.status, V_HOLDS);
	ck_assert_str_eq(v.reason, "");
	run_free(&r);
	run_free(&r2);
	run_free(&r3);
}
END_TEST

/* All-equal samples: the interval collapses onto the ratio, which is exact. */
START_TEST(test_judge_all_equal)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	add_timing(e, "fork", 0, 160000, 0, 25, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0, 25, 1, 0);
	struct verdict v;
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_HOLDS);
	ck_assert_double_eq(v.ratio.ratio, 8.0);
	ck_assert_double_eq(v.ratio.lo, 8.0);
	ck_assert_double_eq(v.ratio.hi, 8.0);
	ck_assert_uint_eq(v.a.sum.outliers, 0);
	run_free(&r);

	e = create_run(&r);
	add_timing(e, "fork", 0, 20000, 0, 25, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0, 25, 1, 0);
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_NEGLIGIBLE);
	ck_assert_double_eq(v.ratio.lo, 1.0);
	ck_assert_double_eq(v.ratio.hi, 1.0);
	run_free(&r);
}
END_TEST

/* A few samples a thousand times too large move neither median nor verdict. */
START_TEST(test_judge_outliers)
{
	struct run clean, noisy;
	struct exp_result *e = create_run(&clean);
	add_timing(e, "fork", 0, 160000, 0.02, 31, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0.02, 31, 1, 0);
	e = create_run(&noisy);
	add_timing(e, "fork", 0, 160000, 0.02, 31, 1, 3);
	add_timing(e, "pthread_create", 0, 20000, 0.02, 31, 1, 3);

	struct verdict vc, vn;
	judge("create.cost", &clean, &vc);
	judge("create.cost", &noisy, &vn);
	ck_assert_int_eq(vc.status, V_HOLDS);
	ck_assert_int_eq(vn.status, V_HOLDS);
	ck_assert_uint_ge(vn.a.sum.outliers, 3);
	ck_assert_uint_ge(vn.b.sum.outliers, 3);
	ck_assert_double_eq_tol(vn.ratio.ratio, vc.ratio.ratio, vc.ratio.ratio * 0.01);

	/* Outliers on the thread side only: still an eightfold difference. */
	run_free(&noisy);
	e = create_run(&noisy);
	add_timing(e, "fork", 0, 160000, 0.02, 31, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0.02, 31, 1, 4);
	judge("create.cost", &noisy, &vn);
	ck_assert_int_eq(vn.status, V_HOLDS);
	ck_assert(vn.ratio.ratio > 7.5 && vn.ratio.ratio < 8.5);
	run_free(&clean);
	run_free(&noisy);
}
END_TEST

START_TEST(test_judge_missing_metric)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	add_timing(e, "fork", 0, 160000, 0.02, 31, 1, 0);
	struct verdict v;
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_NO_DATA);
	ck_assert_ptr_nonnull(strstr(v.reason, "pthread_create"));
	run_free(&r);

	/* The metric exists, but not under the claim's condition (extra_bytes=0). */
	e = create_run(&r);
	add_timing(e, "fork", GIB, 160000, 0.02, 31, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0.02, 31, 1, 0);
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_NO_DATA);
	ck_assert_ptr_nonnull(strstr(v.reason, "fork"));
	run_free(&r);
}
END_TEST

START_TEST(test_judge_skipped)
{
	static const char why[] = "not enough free memory: 4.0 GiB needed, 2.1 GiB available";
	struct run r;
	struct exp_result *e = create_run(&r);
	add_timing(e, "pthread_create", 0, 20000, 0.02, 31, 1, 0);
	/* A skip of a metric whose name only begins the same must not be taken. */
	exp_result_add_skip(e, "fork_exec extra_bytes=0B",
			    EV_TEXT("no program to execute was given"));
	exp_result_add_skip(e, "fork extra_bytes=0B", EV_TEXT(why));
	struct verdict v;
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_NO_DATA);
	ck_assert_ptr_nonnull(strstr(v.reason, why));
	ck_assert_ptr_null(strstr(v.reason, "no program"));
	run_free(&r);
}
END_TEST

START_TEST(test_judge_timed_out)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	e->outcome = OUTCOME_TIMED_OUT;
	e->exit_code = -1;
	exp_result_set_reason(e, EV_TEXT("ran past its deadline of 120 s"));
	struct verdict v;
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_NO_DATA);
	ck_assert_ptr_nonnull(strstr(v.reason, "timed out"));
	ck_assert_ptr_nonnull(strstr(v.reason, "ran past its deadline"));
	ck_assert_ptr_nonnull(strstr(v.reason, "create"));
	judge("create.memory", &r, &v);
	ck_assert_int_eq(v.status, V_NO_DATA);
	ck_assert_ptr_nonnull(strstr(v.reason, "timed out"));
	ck_assert_uint_eq(v.n_lines, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_judge_no_result)
{
	struct run r;
	run_init(&r);
	run_add_result(&r, "other");
	struct verdict v;
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_NO_DATA);
	ck_assert_ptr_nonnull(strstr(v.reason, "create"));
	ck_assert(!v.a.set && !v.b.set);
	judge("create.memory", &r, &v);
	ck_assert_int_eq(v.status, V_NO_DATA);
	run_free(&r);
}
END_TEST

START_TEST(test_judge_not_measured)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	add_timing(e, "fork", 0, 160000, 0.02, 31, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0.02, 31, 1, 0);
	for (const struct claim *c = claims; c->id; c++) {
		if (claim_experiment(c))
			continue;
		struct verdict v;
		claims_judge(c, &r, &v);
		ck_assert_msg(v.status == V_NOT_MEASURED, "%s: %s", c->id,
			      verdict_status_name(v.status));
	}
	/* A claim no experiment feeds yet (every catalogued one has one now). */
	static const struct claim unfed = { .id = "test.unfed", .kind = CLAIM_NUANCED };
	struct verdict v;
	claims_judge(&unfed, &r, &v);
	ck_assert_int_eq(v.status, V_NOT_MEASURED);
	/* A measured claim whose experiment is not in the run has no data, and says why. */
	judge("switch.cost", &r, &v);
	ck_assert_int_eq(v.status, V_NO_DATA);
	ck_assert_ptr_nonnull(strstr(v.reason, "switch"));
	run_free(&r);
}
END_TEST

/* A claim's own threshold and margin replace T and E. */
START_TEST(test_judge_claim_threshold)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	add_timing(e, "fork", 0, 160000, 0.02, 31, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0.02, 31, 1, 0);
	struct claim c = *claims_find("create.cost");
	c.threshold = 10;
	c.margin = 1.5;
	struct verdict v;
	claims_judge(&c, &r, &v);
	ck_assert_int_eq(v.status, V_HOLDS_SMALL);
	ck_assert_double_eq(v.threshold, 10);
	ck_assert_double_eq(v.margin, 1.5);
	run_free(&r);
}
END_TEST

/* Drift between rounds widens the ratio's interval: equal figures whose rounds disagree are no longer "negligible". */
START_TEST(test_round_drift_widens)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	add_timing(e, "fork", 0, 20000, 0.01, 20, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0.01, 20, 1, 0);
	struct verdict v;
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_NEGLIGIBLE);
	double width = v.ratio.hi - v.ratio.lo;

	struct metric *m = &e->metrics[0];
	m->rounds = malloc(2 * sizeof(*m->rounds));
	m->rounds[0] = m->rounds[1] = 10;
	m->n_rounds = 2;
	for (size_t i = 10; i < 20; i++)
		m->raw[i] = m->raw[i] * 6 / 5; /* the second round 20% slower */
	metric_summarize(m);
	ck_assert(m->round_spread > 1.15);
	judge("create.cost", &r, &v);
	ck_assert(v.ratio.hi - v.ratio.lo > width);
	ck_assert(v.ratio.lo < v.ratio.ratio / 1.15);
	ck_assert_int_ne(v.status, V_NEGLIGIBLE);
	ck_assert_double_eq_tol(v.a.round_spread, m->round_spread, 1e-12);
	run_free(&r);
}
END_TEST

/* ---- a ratio per condition, and a fact ----------------------------------- */

/* Adds a switch figure: futex (or alone) at a working set, for a kind (NULL: alone). */
static void add_switch(struct exp_result *e, const char *name, const char *kind, int64_t wset,
		       double base)
{
	char w[32];
	snprintf(w, sizeof(w), "%lld", (long long)wset);
	struct mparam params[] = {
		{ .key = "working_set_bytes", .str = w, .num = wset, .is_num = true },
		{ .key = "kind", .str = (char *)kind },
		{ .key = "placement", .str = "same-cpu" },
	};
	uint64_t *raw = synth(base, 0.01, 15, 1, 0);
	struct metric m = {
		.name = (char *)name,
		.unit = "ns",
		.dir = DIR_LOWER_IS_BETTER,
		.params = params,
		.n_params = kind ? 3 : 1,
		.batch = 1,
		.raw = raw,
		.n = 15,
	};
	exp_result_add_metric(e, &m);
	free(raw);
}

/* switch.tlb's figures at working sets 0, 1 and 4 MiB: process, thread, and the work alone. */
static struct exp_result *tlb_run(struct run *r, const double p[3], const double t[3])
{
	static const int64_t ws[3] = { 0, MIB, 4 * MIB };
	static const double alone[3] = { 1, 3000, 9000 };
	run_init(r);
	r->seed = 7;
	struct exp_result *e = run_add_result(r, "switch");
	/* Largest size first: the lines come out ascending all the same. */
	for (size_t i = 3; i-- > 0;) {
		add_switch(e, "futex", "process", ws[i], p[i]);
		add_switch(e, "futex", "thread", ws[i], t[i]);
		add_switch(e, "alone", NULL, ws[i], alone[i]);
	}
	return e;
}

/* The gap grows by 14 µs, against a 40 µs process round trip at 4 MiB: ×1.35, holds. */
START_TEST(test_gap_grows)
{
	struct run r;
	tlb_run(&r, (const double[]){ 12000, 20000, 40000 },
		(const double[]){ 6000, 10000, 20000 });
	struct verdict v;
	judge("switch.tlb", &r, &v);
	ck_assert_int_eq(v.status, V_HOLDS);
	ck_assert_str_eq(v.reason, "");
	ck_assert(v.gap.set);
	ck_assert_uint_eq(v.gap.n_sizes, 3);
	ck_assert_double_eq(v.gap.x0, 0);
	ck_assert_double_eq(v.gap.x1, (double)(4 * MIB));
	/* The fixed gap at the smallest size, and its growth, with intervals around them. */
	ck_assert_double_eq_tol(v.gap.fixed, 6000, 1e-6);
	ck_assert(v.gap.fixed_lo <= 6000 && 6000 <= v.gap.fixed_hi);
	ck_assert_double_eq_tol(v.gap.growth, 14000, 1e-6);
	ck_assert(v.gap.growth_lo > 12000 && v.gap.growth_hi < 16000);
	ck_assert(v.gap.slope_lo > 0 && v.gap.slope >= v.gap.slope_lo &&
		  v.gap.slope <= v.gap.slope_hi);
	ck_assert_double_eq_tol(v.ratio.ratio, 1.0 + 14000.0 / 40000.0, 1e-9);
	ck_assert(v.ratio.lo > CLAIM_MARGIN);
	/* The lines: the ratio at every size, each side net of the work alone. */
	ck_assert_uint_eq(v.n_lines, 3);
	ck_assert_double_eq(v.lines[1].x0, (double)MIB);
	ck_assert_int_eq(v.lines[0].grows, V_HOLDS);
	ck_assert_double_eq_tol(v.lines[2].a_net, 31000, 1e-6);
	ck_assert_double_eq_tol(v.lines[2].b_net, 11000, 1e-6);
	ck_assert_str_eq(v.a.kind, "process");
	ck_assert_double_eq_tol(v.a.sum.median, 40000, 1e-6);
	run_free(&r);
}
END_TEST

/*
 * The gap stays at 6 µs while the gross ratio at the largest size falls
 * toward 1 (×1.25): the old rule's dilution. Negligible: a fixed cost.
 */
START_TEST(test_gap_flat)
{
	struct run r;
	tlb_run(&r, (const double[]){ 12000, 20000, 30000 },
		(const double[]){ 6000, 14000, 24000 });
	struct verdict v;
	judge("switch.tlb", &r, &v);
	ck_assert_int_eq(v.status, V_NEGLIGIBLE);
	ck_assert_double_eq_tol(v.gap.growth, 0, 1e-6);
	ck_assert(v.ratio.lo >= 1.0 / CLAIM_MARGIN && v.ratio.hi <= CLAIM_MARGIN);
	ck_assert(v.gap.fixed_lo > 5000);
	ck_assert(v.gap.slope_lo < 0 && v.gap.slope_hi > 0);
	run_free(&r);

	/* The gap turns: threads 2 µs dearer at 4 MiB, ×0.73 of the round trip: reversed. */
	tlb_run(&r, (const double[]){ 12000, 20000, 30000 },
		(const double[]){ 6000, 16000, 32000 });
	judge("switch.tlb", &r, &v);
	ck_assert_int_eq(v.status, V_REVERSED);
	run_free(&r);

	/* Grows by 6 µs against a 36 µs round trip: ×1.17, small. */
	tlb_run(&r, (const double[]){ 12000, 20000, 36000 },
		(const double[]){ 6000, 14000, 24000 });
	judge("switch.tlb", &r, &v);
	ck_assert_int_eq(v.status, V_HOLDS_SMALL);
	run_free(&r);
}
END_TEST

/* Near the margin, or from too few sizes or samples: inconclusive, saying what would settle it. */
START_TEST(test_gap_inconclusive)
{
	struct run r;
	/* Grows by 3.3 µs against a 33.3 µs round trip: ×1.10, right at E, its interval across it. */
	tlb_run(&r, (const double[]){ 12000, 20000, 33300 },
		(const double[]){ 6000, 14000, 24000 });
	struct verdict v;
	judge("switch.tlb", &r, &v);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert(v.ratio.lo < CLAIM_MARGIN && v.ratio.hi > CLAIM_MARGIN);
	ck_assert_ptr_nonnull(strstr(v.reason, "--full"));
	ck_assert_ptr_nonnull(strstr(v.reason, "quieter machine"));
	run_free(&r);

	/* Two sizes: no trend. */
	run_init(&r);
	r.seed = 7;
	struct exp_result *e = run_add_result(&r, "switch");
	add_switch(e, "futex", "process", 0, 12000);
	add_switch(e, "futex", "thread", 0, 6000);
	add_switch(e, "futex", "process", MIB, 40000);
	add_switch(e, "futex", "thread", MIB, 24000);
	judge("switch.tlb", &r, &v);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert(!v.gap.set);
	ck_assert_ptr_nonnull(strstr(v.reason, "too few sizes"));
	ck_assert_ptr_nonnull(strstr(v.reason, "--full"));
	ck_assert_uint_eq(v.n_lines, 2);
	/* switch.cost is the same-CPU pair with no working set. */
	judge("switch.cost", &r, &v);
	ck_assert_int_eq(v.status, V_HOLDS);
	run_free(&r);

	/* Too few samples at one size. */
	tlb_run(&r, (const double[]){ 12000, 20000, 40000 },
		(const double[]){ 6000, 10000, 24000 });
	r.results[0].metrics[0].n = CLAIM_VERDICT_SAMPLES - 1;
	metric_summarize(&r.results[0].metrics[0]);
	judge("switch.tlb", &r, &v);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(v.reason, "too few samples"));
	run_free(&r);

	/* Nothing measured. */
	run_init(&r);
	run_add_result(&r, "switch");
	judge("switch.tlb", &r, &v);
	ck_assert_int_eq(v.status, V_NO_DATA);
	run_free(&r);
}
END_TEST

/* The gap trend's interval is the run's: the same seed, the same interval. */
START_TEST(test_gap_seeded)
{
	struct run r1, r2;
	tlb_run(&r1, (const double[]){ 12000, 20000, 40000 },
		(const double[]){ 6000, 10000, 24000 });
	tlb_run(&r2, (const double[]){ 12000, 20000, 40000 },
		(const double[]){ 6000, 10000, 24000 });
	struct verdict v1, v2;
	judge("switch.tlb", &r1, &v1);
	judge("switch.tlb", &r2, &v2);
	ck_assert_int_eq(memcmp(&v1.ratio, &v2.ratio, sizeof(v1.ratio)), 0);
	ck_assert_int_eq(memcmp(&v1.gap, &v2.gap, sizeof(v1.gap)), 0);
	r2.seed = 8;
	judge("switch.tlb", &r2, &v2);
	ck_assert(v1.ratio.lo != v2.ratio.lo || v1.ratio.hi != v2.ratio.hi);
	run_free(&r1);
	run_free(&r2);
}
END_TEST

/* ---- the speed-up rule ------------------------------------------------------ */

/* A cpu_work figure: n samples about base ns, a kind, a unit count and its fill. */
static void add_work(struct exp_result *e, const char *kind, int64_t units, const char *fill,
		     double base, size_t n)
{
	char u[32];
	snprintf(u, sizeof(u), "%lld", (long long)units);
	struct mparam params[] = {
		{ .key = "kind", .str = (char *)kind },
		{ .key = "units", .str = u, .num = units, .is_num = true },
		{ .key = "fill", .str = (char *)fill },
	};
	uint64_t *raw = synth(base, 0.01, n, 1, 0);
	struct metric m = {
		.name = "cpu_work",
		.unit = "ns",
		.dir = DIR_LOWER_IS_BETTER,
		.params = params,
		.n_params = 3,
		.batch = 1,
		.raw = raw,
		.n = n,
	};
	exp_result_add_metric(e, &m);
	free(raw);
}

/* 1, 2 and (oversubscribed) 4 units of each kind, times in ms. */
static struct run *speedup_run(struct run *r, const double p[3], const double t[3], size_t n)
{
	run_init(r);
	r->seed = 3;
	struct exp_result *e = run_add_result(r, "parallel");
	static const char *const fill[3] = { "partial", "ncpu", "over" };
	for (size_t i = 0; i < 3; i++) {
		add_work(e, "process", (int64_t)1 << i, fill[i], p[i] * 1e6, n);
		add_work(e, "thread", (int64_t)1 << i, fill[i], t[i] * 1e6, n);
	}
	return r;
}

START_TEST(test_speedup)
{
	struct run r;
	struct verdict v;
	/* Both twice as fast with two units: observed; four units (over the CPUs) are not N. */
	speedup_run(&r, (const double[]){ 60, 30, 31 }, (const double[]){ 60, 30.5, 29 }, 15);
	judge("par.speedup", &r, &v);
	ck_assert_int_eq(v.status, V_OBSERVED);
	ck_assert_str_eq(v.reason, "");
	ck_assert_uint_eq(v.n_lines, 2);
	ck_assert_str_eq(v.lines[0].label, "process");
	ck_assert_str_eq(v.lines[1].label, "thread");
	ck_assert_double_eq(v.lines[0].x1, 2);
	ck_assert_double_eq_tol(v.lines[0].growth.ratio, 2.0, 1e-9);
	ck_assert(v.lines[0].growth.lo > 1.9 && v.lines[0].growth.hi < 2.1);
	ck_assert_int_eq(v.lines[0].grows, V_OBSERVED);
	/* The context: process over thread time at N, shown, not judged. */
	ck_assert_double_eq_tol(v.ratio.ratio, 30.0 / 30.5, 1e-9);
	ck_assert_str_eq(v.a.kind, "process");
	ck_assert_double_eq_tol(v.a.sum.median, 30e6, 1);
	run_free(&r);

	/* Processes no faster with two units: not observed, whatever threads do. */
	speedup_run(&r, (const double[]){ 30, 33, 33 }, (const double[]){ 60, 30, 30 }, 15);
	judge("par.speedup", &r, &v);
	ck_assert_int_eq(v.status, V_NOT_OBSERVED);
	ck_assert_int_eq(v.lines[0].grows, V_NOT_OBSERVED);
	ck_assert_int_eq(v.lines[1].grows, V_OBSERVED);
	run_free(&r);

	/* A speed-up whose interval reaches across 1: inconclusive, and what settles it. */
	speedup_run(&r, (const double[]){ 30.1, 30, 30 }, (const double[]){ 60, 30, 30 }, 15);
	judge("par.speedup", &r, &v);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert(v.lines[0].growth.lo <= 1.0 && v.lines[0].growth.hi > 1.0);
	ck_assert_ptr_nonnull(strstr(v.reason, "process"));
	ck_assert_ptr_nonnull(strstr(v.reason, "--full"));
	run_free(&r);

	/* Three samples: an interval, but no verdict. */
	speedup_run(&r, (const double[]){ 60, 30, 30 }, (const double[]){ 60, 30, 30 }, 3);
	judge("par.speedup", &r, &v);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(v.reason, "too few samples"));
	ck_assert_ptr_nonnull(strstr(v.reason, "samples parameter"));
	run_free(&r);

	/* One unit only: no speed-up to judge. */
	run_init(&r);
	struct exp_result *e = run_add_result(&r, "parallel");
	add_work(e, "process", 1, "partial", 60e6, 15);
	add_work(e, "thread", 1, "partial", 60e6, 15);
	judge("par.speedup", &r, &v);
	ck_assert_int_eq(v.status, V_NO_DATA);
	ck_assert_ptr_nonnull(strstr(v.reason, "cpu_work"));
	run_free(&r);
}
END_TEST

/* An interval across E: inconclusive, never holds (small) in one run and negligible in the next. */
START_TEST(test_judge_straddles)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	add_timing(e, "fork", 0, 22000, 0.05, 15, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0.05, 15, 1, 0);
	struct verdict v;
	judge("create.cost", &r, &v);
	ck_assert(v.ratio.lo < CLAIM_MARGIN && v.ratio.hi > CLAIM_MARGIN);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(v.reason, "--full"));
	ck_assert_ptr_nonnull(strstr(v.reason, "quieter machine"));
	run_free(&r);
}
END_TEST

START_TEST(test_fact)
{
	struct run r;
	run_init(&r);
	struct exp_result *e = run_add_result(&r, "switch");
	struct verdict v;
	judge("switch.alloc", &r, &v);
	ck_assert_int_eq(v.status, V_NO_DATA);
	ck_assert_ptr_nonnull(strstr(v.reason, "switch.alloc"));
	exp_result_add_obs(e, "switch.alloc", EV_WORD("no"));
	judge("switch.alloc", &r, &v);
	ck_assert_int_eq(v.status, V_NOT_OBSERVED);
	((char *)e->obs[0].msg.vals[0].s)[0] = 'y'; /* "yo" is not "yes" */
	judge("switch.alloc", &r, &v);
	ck_assert_int_eq(v.status, V_NOT_OBSERVED);
	ev_msg_free(&e->obs[0].msg);
	ev_msg_dup(&e->obs[0].msg, EV_WORD("yes"));
	judge("switch.alloc", &r, &v);
	ck_assert_int_eq(v.status, V_OBSERVED);
	run_free(&r);
}
END_TEST

/* ---- the trend rule ---------------------------------------------------- */

static const int64_t sweep[] = { 0, MIB, 16 * MIB, 256 * MIB, GIB };
#define N_SWEEP (sizeof(sweep) / sizeof(sweep[0]))

START_TEST(test_trend_holds)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	for (size_t i = 0; i < N_SWEEP; i++) {
		double y = LINE_BASE_NS + LINE_SLOPE_NS_PER_BYTE * (double)sweep[i];
		add_timing(e, "fork", sweep[i], y, 0.01, 15, 1, 0);
		add_timing(e, "pthread_create", sweep[i], 20000, 0.01, 15, 1, 0);
		add_timing(e, "vfork", sweep[i], 25000, 0.01, 15, 1, 0);
	}
	struct verdict v;
	judge("create.memory", &r, &v);
	ck_assert_int_eq(v.status, V_HOLDS);
	ck_assert_str_eq(v.reason, "");
	/* fork, pthread_create, then vfork (posix_spawn was not measured). */
	ck_assert_uint_eq(v.n_lines, 3);
	ck_assert_str_eq(v.lines[0].label, "fork");
	ck_assert_str_eq(v.lines[1].label, "pthread_create");
	ck_assert_str_eq(v.lines[2].label, "vfork");
	ck_assert_str_eq(v.a.label, "fork");
	ck_assert_str_eq(v.b.label, "pthread_create");

	const struct trend_line *f = &v.lines[0];
	ck_assert_uint_eq(f->fit.n, N_SWEEP);
	ck_assert_double_eq_tol(f->fit.slope, LINE_SLOPE_NS_PER_BYTE,
				LINE_SLOPE_NS_PER_BYTE * 0.01);
	ck_assert_double_eq_tol(f->fit.intercept, LINE_BASE_NS, LINE_BASE_NS * 0.01);
	ck_assert(f->fit.r2 > 0.9999);
	ck_assert_double_eq(f->x0, 0);
	ck_assert_double_eq(f->x1, (double)GIB);
	ck_assert_int_eq(f->grows, V_HOLDS);
	double want_growth = (LINE_BASE_NS + LINE_SLOPE_NS_PER_BYTE * (double)GIB) / LINE_BASE_NS;
	ck_assert_double_eq_tol(f->growth.ratio, want_growth, want_growth * 0.001);

	ck_assert_int_eq(v.lines[1].grows, V_NEGLIGIBLE);
	ck_assert_double_eq_tol(v.lines[1].fit.slope, 0, 1e-9);
	ck_assert_int_eq(v.lines[2].grows, V_NEGLIGIBLE);
	run_free(&r);
}
END_TEST

START_TEST(test_trend_flat)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	/* Insertion order must not matter: largest size first. */
	for (size_t i = N_SWEEP; i-- > 0;) {
		add_timing(e, "fork", sweep[i], 150000, 0.01, 15, 1, 0);
		add_timing(e, "pthread_create", sweep[i], 20000, 0.01, 15, 1, 0);
	}
	struct verdict v;
	judge("create.memory", &r, &v);
	ck_assert_int_eq(v.status, V_NEGLIGIBLE);
	ck_assert_uint_eq(v.n_lines, 2);
	ck_assert_double_eq(v.lines[0].x0, 0);
	ck_assert_double_eq(v.lines[0].x1, (double)GIB);
	ck_assert_int_eq(v.lines[0].grows, V_NEGLIGIBLE);
	ck_assert_double_eq_tol(v.lines[0].fit.slope, 0, 1e-9);
	run_free(&r);
}
END_TEST

/* Growth of at least T that is no line is inconclusive, not "small". */
START_TEST(test_trend_not_a_line)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	static const double zigzag[N_SWEEP] = { 100000, 400000, 100000, 400000, 400000 };
	for (size_t i = 0; i < N_SWEEP; i++) {
		add_timing(e, "fork", sweep[i], zigzag[i], 0.01, 15, 1, 0);
		add_timing(e, "pthread_create", sweep[i], 20000, 0.01, 15, 1, 0);
	}
	struct verdict v;
	judge("create.memory", &r, &v);
	ck_assert_int_eq(v.lines[0].grows, V_HOLDS);
	ck_assert(v.lines[0].fit.r2 < CLAIM_TREND_R2);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(v.reason, "fork"));
	run_free(&r);
}
END_TEST

/* When the thread side grows as much, memory does not set them apart. */
START_TEST(test_trend_both_grow)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	for (size_t i = 0; i < N_SWEEP; i++) {
		double y = LINE_BASE_NS + LINE_SLOPE_NS_PER_BYTE * (double)sweep[i];
		add_timing(e, "fork", sweep[i], y, 0.01, 15, 1, 0);
		add_timing(e, "pthread_create", sweep[i], y / 5, 0.01, 15, 1, 0);
	}
	struct verdict v;
	judge("create.memory", &r, &v);
	ck_assert_int_eq(v.lines[0].grows, V_HOLDS);
	ck_assert_int_eq(v.lines[1].grows, V_HOLDS);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(v.reason, "pthread_create"));
	run_free(&r);
}
END_TEST

/* A growth that is significant but below T stays "small". */
START_TEST(test_trend_small)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	for (size_t i = 0; i < N_SWEEP; i++) {
		double y =
			100000 + 15000 * (double)sweep[i] / (double)GIB; /* x1.15 over the range */
		add_timing(e, "fork", sweep[i], y, 0.001, 15, 1, 0);
		add_timing(e, "pthread_create", sweep[i], 20000, 0.001, 15, 1, 0);
	}
	struct verdict v;
	judge("create.memory", &r, &v);
	ck_assert_int_eq(v.status, V_HOLDS_SMALL);
	run_free(&r);
}
END_TEST

START_TEST(test_trend_one_x)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	add_timing(e, "fork", 0, 150000, 0.01, 15, 1, 0);
	add_timing(e, "pthread_create", 0, 20000, 0.01, 15, 1, 0);
	struct verdict v;
	judge("create.memory", &r, &v);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert_uint_eq(v.n_lines, 0);
	ck_assert_ptr_nonnull(strstr(v.reason, "too few sizes"));
	ck_assert_ptr_nonnull(strstr(v.reason, "fork"));
	ck_assert_ptr_nonnull(strstr(v.reason, "extra_bytes"));
	/* create.cost is judged all the same from the same run. */
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_HOLDS);
	/* Two sizes always fit a line (R² 1): still too few. */
	add_timing(e, "fork", GIB, 150000000, 0.01, 15, 1, 0);
	add_timing(e, "pthread_create", GIB, 20000, 0.01, 15, 1, 0);
	judge("create.memory", &r, &v);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert_uint_eq(v.n_lines, 0);
	ck_assert_ptr_nonnull(strstr(v.reason, "too few sizes"));
	ck_assert_ptr_nonnull(strstr(v.reason, "--full"));
	/* A third size: a verdict. */
	add_timing(e, "fork", MIB, 150000 + 150000000.0 / 1024, 0.01, 15, 1, 0);
	add_timing(e, "pthread_create", MIB, 20000, 0.01, 15, 1, 0);
	judge("create.memory", &r, &v);
	ck_assert_int_eq(v.status, V_HOLDS);
	run_free(&r);

	/* The thread side missing altogether names it. */
	e = create_run(&r);
	add_timing(e, "fork", 0, 150000, 0.01, 15, 1, 0);
	add_timing(e, "fork", GIB, 150000000, 0.01, 15, 1, 0);
	judge("create.memory", &r, &v);
	ck_assert_int_eq(v.status, V_NO_DATA);
	ck_assert_ptr_nonnull(strstr(v.reason, "pthread_create"));
	run_free(&r);
}
END_TEST

/* ---- determinism --------------------------------------------------------- */

START_TEST(test_determinism)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	for (size_t i = 0; i < N_SWEEP; i++) {
		double y = LINE_BASE_NS + LINE_SLOPE_NS_PER_BYTE * (double)sweep[i];
		add_timing(e, "fork", sweep[i], y, 0.05, 21, 1, 1);
		add_timing(e, "pthread_create", sweep[i], 20000, 0.05, 21, 1, 1);
	}
	size_t n = claims_count();
	struct verdict *v1 = xcalloc(n, sizeof(*v1)), *v2 = xcalloc(n, sizeof(*v2));
	claims_judge_all(&r, v1);
	claims_judge_all(&r, v2);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(v1[i].status, v2[i].status);
		ck_assert_str_eq(v1[i].reason, v2[i].reason);
		ck_assert_int_eq(memcmp(&v1[i].ratio, &v2[i].ratio, sizeof(v1[i].ratio)), 0);
		ck_assert_uint_eq(v1[i].n_lines, v2[i].n_lines);
		for (size_t k = 0; k < v1[i].n_lines; k++)
			ck_assert_int_eq(memcmp(&v1[i].lines[k].growth, &v2[i].lines[k].growth,
						sizeof(v1[i].lines[k].growth)),
					 0);
	}
	/* The bootstrap really ran: the interval is not a point. */
	const struct verdict *cost = &v1[claims_find("create.cost") - claims];
	ck_assert_int_eq(cost->status, V_HOLDS);
	ck_assert(cost->ratio.lo < cost->ratio.hi);
	free(v1);
	free(v2);
	run_free(&r);
}
END_TEST

/* ---- the catalogue ------------------------------------------------------- */

/* The catalogue table of CLAIMS.md, in its order, with each claim's kind. */
static const struct {
	const char *id;
	enum claim_kind kind;
} expected[] = {
	{ "def.unit", CLAIM_FACT },	     { "mem.separate", CLAIM_FACT },
	{ "mem.shared", CLAIM_FACT },	     { "mem.stack", CLAIM_FACT },
	{ "res.fd", CLAIM_NUANCED },	     { "res.env", CLAIM_FACT },
	{ "iso.crash_process", CLAIM_FACT }, { "iso.crash_thread", CLAIM_FACT },
	{ "iso.error_thread", CLAIM_FACT },  { "iso.corruption", CLAIM_FACT },
	{ "sec.isolation", CLAIM_NUANCED },  { "create.cost", CLAIM_RATIO },
	{ "create.memory", CLAIM_TREND },    { "switch.cost", CLAIM_RATIO },
	{ "switch.alloc", CLAIM_FACT },	     { "switch.tlb", CLAIM_TREND },
	{ "ipc.needed", CLAIM_FACT },	     { "ipc.faster_threads", CLAIM_NUANCED },
	{ "ipc.mechanisms", CLAIM_TABLE },   { "sync.race", CLAIM_FACT },
	{ "sync.cost", CLAIM_TABLE },	     { "sync.process", CLAIM_FACT },
	{ "mem.footprint", CLAIM_RATIO },    { "par.speedup", CLAIM_RATIO },
	{ "par.comm", CLAIM_RATIO },	     { "app.server", CLAIM_NUANCED },
};
#define N_EXPECTED (sizeof(expected) / sizeof(expected[0]))

/* ---- ratios between figures of several modes ------------------------- */

/*
 * Adds a create timing of n samples in modes: sample i falls in mode
 * (i % 10) < cut[0] ? 0 : < cut[1] ? 1 : 2, at centre c[mode], each spread
 * by +-2% deterministically (shares of tenths, interleaved in time).
 */
static void add_modes(struct exp_result *e, const char *name, size_t n, const double *c,
		      const unsigned *cut)
{
	struct mparam params[] = {
		{ .key = "extra_bytes", .str = "0", .num = 0, .is_num = true },
		{ .key = "kind", .str = strncmp(name, "pthread", 7) == 0 ? "thread" : "process" },
		{ .key = "placement", .str = "same-cpu" },
	};
	uint64_t *raw = xcalloc(n, sizeof(*raw));
	for (size_t i = 0; i < n; i++) {
		unsigned t = (unsigned)(i % 10);
		size_t k = t < cut[0] ? 0 : t < cut[1] ? 1 : 2;
		double off = 0.02 * ((double)((i * 37) % 11) - 5.0) / 5.0;
		raw[i] = (uint64_t)llround(c[k] * (1.0 + off));
	}
	struct metric m = { .name = (char *)name,
			    .unit = "ns",
			    .dir = DIR_LOWER_IS_BETTER,
			    .params = params,
			    .n_params = 3,
			    .batch = 1,
			    .raw = raw,
			    .n = n };
	const struct metric *got = exp_result_add_metric(e, &m);
	ck_assert_uint_eq(got->modes.count, c[2] > 0 ? 3 : c[1] > 0 ? 2 : 1);
	free(raw);
}

START_TEST(test_modes_same_count)
{
	struct run r;
	struct exp_result *e = create_run(&r);
	const double fork[] = { 100000, 260000, 0 }, thread[] = { 10000, 26000, 0 };
	const unsigned cut[] = { 6, 10 };
	add_modes(e, "fork", 200, fork, cut);
	add_modes(e, "pthread_create", 200, thread, cut);
	struct verdict v;
	judge("create.cost", &r, &v);
	/* Mode by mode ×10; the median of all (the heavier mode's) would say so too. */
	ck_assert_int_eq(v.status, V_HOLDS);
	ck_assert_double_eq_tol(v.ratio.ratio, 10.0, 0.3);
	ck_assert_ptr_nonnull(strstr(v.reason, "rank by rank"));
	run_free(&r);

	/* The pairs disagree: ×10 in the first modes, ×1 in the second. */
	e = create_run(&r);
	const double same[] = { 10000, 260000, 0 };
	add_modes(e, "fork", 200, fork, cut);
	add_modes(e, "pthread_create", 200, same, cut);
	judge("create.cost", &r, &v);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(v.reason, "disagree"));
	run_free(&r);
}
END_TEST

/*
 * One side of several modes against one of one. When every pairing of
 * modes gives one verdict, the modes cannot change it (70% at 100 µs and
 * 30% at 300 µs over 10 µs: holds either way, ×10 the whole sides). When
 * the pairings disagree, the majority mode stands for its side (70% at
 * 10 µs: ×1, never the mean of the modes); three modes of 40%, 30% and
 * 30% that disagree have none, and the verdict says it cannot match them.
 */
START_TEST(test_modes_majority)
{
	static const struct {
		double fork[3];
		unsigned cut[2];
		enum verdict_status want;
		const char *reason;
		double ratio;
	} cases[] = {
		{ { 100000, 300000, 0 }, { 7, 10 }, V_HOLDS, "every pairing", 10.0 },
		{ { 10000, 100000, 0 }, { 7, 10 }, V_NEGLIGIBLE, "most samples", 1.0 },
		{ { 10000, 30000, 90000 }, { 4, 7 }, V_INCONCLUSIVE, "cannot be matched", NAN },
	};
	const double thread[] = { 10000, 0, 0 };
	const unsigned all[] = { 10, 10 };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run r;
		struct exp_result *e = create_run(&r);
		add_modes(e, "fork", 300, cases[i].fork, cases[i].cut);
		add_modes(e, "pthread_create", 300, thread, all);
		struct verdict v;
		judge("create.cost", &r, &v);
		ck_assert_msg(v.status == cases[i].want, "case %zu: %s (%s)", i,
			      verdict_status_name(v.status), v.reason);
		ck_assert_msg(strstr(v.reason, cases[i].reason), "case %zu: %s", i, v.reason);
		if (isnan(cases[i].ratio))
			ck_assert(isnan(v.ratio.ratio) && strstr(v.reason, "(40%)"));
		else
			ck_assert_double_eq_tol(v.ratio.ratio, cases[i].ratio, 0.3);
		run_free(&r);
	}
}
END_TEST

START_TEST(test_catalogue_ids)
{
	ck_assert_uint_eq(N_EXPECTED, 26);
	ck_assert_uint_eq(claims_count(), N_EXPECTED);
	for (size_t i = 0; i < N_EXPECTED; i++) {
		ck_assert_ptr_nonnull(claims[i].id);
		ck_assert_str_eq(claims[i].id, expected[i].id);
		ck_assert_msg(claims[i].kind == expected[i].kind, "%s: kind %s", claims[i].id,
			      claim_kind_name(claims[i].kind));
		ck_assert_ptr_eq(claims_find(expected[i].id), &claims[i]);
		for (size_t k = 0; k < i; k++)
			ck_assert_str_ne(claims[k].id, claims[i].id);
	}
	ck_assert_ptr_null(claims[N_EXPECTED].id);
	ck_assert_ptr_null(claims_find("no.such"));
	ck_assert_ptr_null(claims_find(""));
}
END_TEST

START_TEST(test_catalogue_fields)
{
	for (const struct claim *c = claims; c->id; c++) {
		ck_assert_msg(c->text && c->text[0], "%s: no text", c->id);
		ck_assert_msg(c->seeds && c->seeds[0], "%s: no seeds", c->id);
		ck_assert_msg(c->aspect < ASPECT_COUNT, "%s: aspect", c->id);
		ck_assert_msg(c->threshold == 0 || c->threshold > 1, "%s: threshold", c->id);
		ck_assert_msg(c->margin == 0 || c->margin > 1, "%s: margin", c->id);
		if (c->threshold > 0 && c->margin > 0)
			ck_assert_msg(c->margin <= c->threshold, "%s: margin above threshold",
				      c->id);
		/* A seed's table gives both cells or neither. */
		ck_assert_msg(!c->process_says == !c->thread_says, "%s: one table cell", c->id);
		ck_assert_msg(!c->process_says || c->aspect != ASPECT_NONE,
			      "%s: table cells without an aspect", c->id);
		if (!claim_experiment(c))
			continue;
		ck_assert_msg(c->why && c->why[0].id, "%s: measured without a why", c->id);
		/* A measured claim has a rule: a fact, parts, a table, or two metrics. */
		if (c->fact_obs || c->kind == CLAIM_TABLE) {
			ck_assert_msg(c->fact_obs || c->a.where, "%s: a table without a selection",
				      c->id);
		} else if (c->parts) {
			for (const struct claim_part *p = c->parts; p->label; p++) {
				ck_assert_msg(p->fact_obs ? p->expect && !p->a.metric
							  : p->a.metric && p->b.metric,
					      "%s: a part without metrics or fact", c->id);
				/* A part names a question of its claim, or the claim has none. */
				bool found = !p->question && !c->questions;
				for (const struct claim_question *q = c->questions;
				     p->question && q && q->key; q++)
					found = found || strcmp(q->key, p->question) == 0;
				ck_assert_msg(found, "%s: %s: no such question", c->id, p->label);
			}
		} else if (c->kind == CLAIM_RATIO || c->kind == CLAIM_TREND) {
			ck_assert_msg(c->a.metric && c->a.metric[0], "%s: no a metric", c->id);
			ck_assert_msg(c->b.metric && c->b.metric[0], "%s: no b metric", c->id);
		}
		if (c->kind == CLAIM_TREND)
			ck_assert_msg(c->x_param && c->x_param[0], "%s: no x_param", c->id);
	}
	for (enum claim_kind k = CLAIM_FACT; k <= CLAIM_TABLE; k++)
		ck_assert_str_ne(claim_kind_name(k), "");
	ck_assert_str_eq(aspect_label(ASPECT_NONE), "");
	for (int a = ASPECT_DEFINITION; a < ASPECT_COUNT; a++)
		ck_assert_str_ne(aspect_label((enum aspect)a), "");
}
END_TEST

START_TEST(test_status_names)
{
	for (int s = V_NOT_MEASURED; s <= V_NOT_OBSERVED; s++) {
		const char *name = verdict_status_name((enum verdict_status)s);
		const char *label = verdict_status_label((enum verdict_status)s);
		ck_assert_ptr_nonnull(name);
		ck_assert_ptr_nonnull(label);
		ck_assert_str_ne(name, "");
		ck_assert_str_ne(label, "");
		/* JSON names are identifiers. */
		ck_assert_uint_eq(strspn(name, "abcdefghijklmnopqrstuvwxyz_"), strlen(name));
		for (int k = V_NOT_MEASURED; k < s; k++) {
			ck_assert_str_ne(verdict_status_name((enum verdict_status)k), name);
			ck_assert_str_ne(verdict_status_label((enum verdict_status)k), label);
		}
	}
	ck_assert_str_eq(verdict_status_name(V_HOLDS_SMALL), "holds_small");
	ck_assert_str_eq(verdict_status_name(V_NO_DATA), "no_data");
}
END_TEST

Suite *claims_suite(void)
{
	Suite *s = suite_create("claims");
	TCase *tc = tcase_create("rule");
	TCase *modes = tcase_create("modes");
	tcase_add_test(modes, test_modes_same_count);
	tcase_add_test(modes, test_modes_majority);
	suite_add_tcase(s, modes);
	tcase_add_test(tc, test_rule_outcomes);
	tcase_add_test(tc, test_rule_boundaries);
	tcase_add_test(tc, test_rule_override);
	tcase_add_test(tc, test_rule_no_flip);
	tcase_add_test(tc, test_rule_not_finite);
	suite_add_tcase(s, tc);

	tc = tcase_create("ratio");
	tcase_add_test(tc, test_judge_holds);
	tcase_add_test(tc, test_judge_negligible);
	tcase_add_test(tc, test_judge_reversed);
	tcase_add_test(tc, test_judge_batches);
	tcase_add_test(tc, test_judge_one_sample);
	tcase_add_test(tc, test_judge_all_equal);
	tcase_add_test(tc, test_judge_outliers);
	tcase_add_test(tc, test_judge_missing_metric);
	tcase_add_test(tc, test_judge_skipped);
	tcase_add_test(tc, test_judge_timed_out);
	tcase_add_test(tc, test_round_drift_widens);
	tcase_add_test(tc, test_judge_no_result);
	tcase_add_test(tc, test_judge_not_measured);
	tcase_add_test(tc, test_judge_claim_threshold);
	tcase_add_test(tc, test_judge_straddles);
	suite_add_tcase(s, tc);

	tc = tcase_create("trend");
	tcase_add_test(tc, test_gap_grows);
	tcase_add_test(tc, test_gap_flat);
	tcase_add_test(tc, test_gap_inconclusive);
	tcase_add_test(tc, test_gap_seeded);
	tcase_add_test(tc, test_speedup);
	tcase_add_test(tc, test_fact);
	tcase_add_test(tc, test_trend_holds);
	tcase_add_test(tc, test_trend_flat);
	tcase_add_test(tc, test_trend_one_x);
	tcase_add_test(tc, test_trend_not_a_line);
	tcase_add_test(tc, test_trend_both_grow);
	tcase_add_test(tc, test_trend_small);
	suite_add_tcase(s, tc);

	tc = tcase_create("determinism");
	tcase_add_test(tc, test_determinism);
	suite_add_tcase(s, tc);

	tc = tcase_create("catalogue");
	tcase_add_test(tc, test_catalogue_ids);
	tcase_add_test(tc, test_catalogue_fields);
	tcase_add_test(tc, test_status_names);
	suite_add_tcase(s, tc);
	mechanism_tcases(s);
	return s;
}
