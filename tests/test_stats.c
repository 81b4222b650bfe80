// SPDX-License-Identifier: MIT
/*
 * Tests of core/stats: known answers on small hand-checked sets, the
 * degenerate sets verdicts meet in practice (one sample, all equal, a huge
 * outlier), the confidence-interval ranks against an independent binomial
 * sum, and the bootstrap on sets whose true ratio is known. Random data
 * comes from the module's own seeded generator, so every run sees the same
 * numbers; no assertion depends on the machine's speed.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/modes.h"
#include "core/stats.h"
#include "suites.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Uniform in [0, 1) from the top 53 bits. */
static double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1p-53;
}

/*
 * Coverage of [X_(j), X_(n-1-j)] computed the slow, obvious way: sum the
 * Binomial(n, 1/2) probabilities from k = 0 up, starting at 2^-n. Exact
 * enough for n <= 1000 and independent of the module's lgamma walk.
 */
static double coverage_ref(size_t n, size_t j)
{
	double term = ldexp(1.0, -(int)n), cdf = 0.0;

	for (size_t k = 0; k <= j; k++) {
		cdf += term;
		term *= (double)(n - k) / (double)(k + 1);
	}
	return 1.0 - 2.0 * cdf;
}

START_TEST(test_percentile_known)
{
	const double s[] = { 1, 2, 3, 4 };

	ck_assert_double_eq_tol(stats_percentile_sorted(s, 4, 0.5), 2.5, 1e-12);
	ck_assert_double_eq_tol(stats_percentile_sorted(s, 4, 0.25), 1.75, 1e-12);
	ck_assert_double_eq(stats_percentile_sorted(s, 4, 0.0), 1.0);
	ck_assert_double_eq(stats_percentile_sorted(s, 4, 1.0), 4.0);
	ck_assert_double_eq(stats_percentile_sorted(s, 4, -1.0), 1.0);
	ck_assert_double_eq(stats_percentile_sorted(s, 4, 2.0), 4.0);
	ck_assert_double_eq(stats_percentile_sorted(s, 1, 0.7), 1.0);
}
END_TEST

START_TEST(test_summary_odd)
{
	const double x[] = { 5, 1, 3 };
	double copy[3];
	struct summary s;

	memcpy(copy, x, sizeof(x));
	ck_assert_int_eq(stats_summarize(copy, 3, &s), 0);
	ck_assert_mem_eq(copy, x, sizeof(x)); /* input untouched */
	ck_assert_uint_eq(s.n, 3);
	ck_assert_double_eq(s.median, 3.0);
	ck_assert_double_eq(s.min, 1.0);
	ck_assert_double_eq(s.max, 5.0);
	ck_assert_double_eq_tol(s.mean, 3.0, 1e-12);
	ck_assert_double_eq_tol(s.sd, 2.0, 1e-12);
	ck_assert_double_eq(s.mad, 2.0); /* |x - 3| = 2, 2, 0 */
	/* n < 6: [min, max] with coverage 1 - 2^(1-3) = 0.75. */
	ck_assert_double_eq(s.ci_lo, 1.0);
	ck_assert_double_eq(s.ci_hi, 5.0);
	ck_assert_double_eq_tol(s.ci_level, 0.75, 1e-12);
}
END_TEST

START_TEST(test_summary_even_known)
{
	/* The textbook set: mean 5, sum of squares 32, so sd = sqrt(32/7). */
	const double x[] = { 9, 4, 2, 5, 4, 7, 4, 5 };
	struct summary s;

	ck_assert_int_eq(stats_summarize(x, ARRAY_LEN(x), &s), 0);
	ck_assert_double_eq_tol(s.mean, 5.0, 1e-12);
	ck_assert_double_eq_tol(s.sd, sqrt(32.0 / 7.0), 1e-12);
	ck_assert_double_eq_tol(s.median, 4.5, 1e-12);
	/* |x - 4.5| sorted: 0.5 x5, 2.5, 2.5, 4.5 -> median 0.5. */
	ck_assert_double_eq_tol(s.mad, 0.5, 1e-12);
	/* 9 scores 0.6745 * 4.5 / 0.5 = 6.07; 2 and 7 score 3.37. */
	ck_assert_uint_eq(s.outliers, 1);
	/* p5: h = 0.35 between 2 and 4; p95: h = 6.65 between 7 and 9. */
	ck_assert_double_eq_tol(s.p5, 2.7, 1e-12);
	ck_assert_double_eq_tol(s.p95, 8.3, 1e-12);
	/* n = 8: only ranks 0 and 7 reach 95% (1 - 2/256). */
	ck_assert_double_eq(s.ci_lo, 2.0);
	ck_assert_double_eq(s.ci_hi, 9.0);
	ck_assert_double_eq_tol(s.ci_level, 1.0 - 2.0 / 256.0, 1e-12);
}
END_TEST

START_TEST(test_summary_one_sample)
{
	const double x[] = { 42.5 };
	struct summary s;

	ck_assert_int_eq(stats_summarize(x, 1, &s), 0);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_double_eq(s.median, 42.5);
	ck_assert_double_eq(s.mean, 42.5);
	ck_assert_double_eq(s.sd, 0.0);
	ck_assert_double_eq(s.mad, 0.0);
	ck_assert_double_eq(s.p5, 42.5);
	ck_assert_double_eq(s.p95, 42.5);
	ck_assert_double_eq(s.ci_lo, 42.5);
	ck_assert_double_eq(s.ci_hi, 42.5);
	/* A single point covers a continuous median with probability 0. */
	ck_assert(s.ci_level >= 0.0 && s.ci_level < 0.95);
	ck_assert_double_eq_tol(s.ci_level, 0.0, 1e-12);
	ck_assert_uint_eq(s.outliers, 0);
}
END_TEST

START_TEST(test_summary_all_equal)
{
	double x[50];
	struct summary s;

	for (size_t i = 0; i < ARRAY_LEN(x); i++)
		x[i] = 7.25;
	ck_assert_int_eq(stats_summarize(x, ARRAY_LEN(x), &s), 0);
	ck_assert_double_eq(s.median, 7.25);
	ck_assert_double_eq(s.min, 7.25);
	ck_assert_double_eq(s.max, 7.25);
	ck_assert_double_eq_tol(s.sd, 0.0, 1e-12);
	ck_assert_double_eq(s.mad, 0.0);
	ck_assert_double_eq(s.ci_lo, 7.25);
	ck_assert_double_eq(s.ci_hi, 7.25);
	ck_assert(s.ci_level >= 0.95);
	ck_assert_uint_eq(s.outliers, 0);
	ck_assert_uint_eq(stats_outliers(x, ARRAY_LEN(x), NULL), 0);
}
END_TEST

START_TEST(test_summary_huge_outlier)
{
	double x[100];
	bool flags[100];
	struct summary clean, dirty;

	for (size_t i = 0; i < 99; i++)
		x[i] = 100.0 + 0.01 * (double)((i * 37) % 99);
	ck_assert_int_eq(stats_summarize(x, 99, &clean), 0);
	x[99] = 1e9;
	ck_assert_int_eq(stats_summarize(x, 100, &dirty), 0);

	/* The mean follows the tail; the median moves by half a spacing. */
	ck_assert(fabs(dirty.median - clean.median) <= 0.0051);
	ck_assert(dirty.mean > 1e6);
	ck_assert_uint_eq(clean.outliers, 0);
	ck_assert_uint_eq(dirty.outliers, 1);
	ck_assert(dirty.ci_hi < 200.0);

	ck_assert_uint_eq(stats_outliers(x, 100, flags), 1);
	for (size_t i = 0; i < 99; i++)
		ck_assert(!flags[i]);
	ck_assert(flags[99]);
}
END_TEST

START_TEST(test_outliers_mad_zero)
{
	/* Seven of nine equal: MAD is 0, the mean-|dev| fallback decides.
	 * meanAD = 50/9; 50 scores 49 / (1.253314 * 5.56) = 7.0, 2 scores 0.14. */
	const double x[] = { 1, 1, 2, 1, 1, 50, 1, 1, 1 };
	bool flags[ARRAY_LEN(x)];
	struct summary s;

	ck_assert_uint_eq(stats_outliers(x, ARRAY_LEN(x), flags), 1);
	for (size_t i = 0; i < ARRAY_LEN(x); i++)
		ck_assert(flags[i] == (i == 5));
	ck_assert_int_eq(stats_summarize(x, ARRAY_LEN(x), &s), 0);
	ck_assert_double_eq(s.mad, 0.0);
	ck_assert_uint_eq(s.outliers, 1);
	ck_assert_uint_eq(stats_outliers(x, 0, NULL), 0);
}
END_TEST

START_TEST(test_summary_invalid)
{
	double x[] = { 1, 2, 3 };
	struct summary s;

	ck_assert_int_eq(stats_summarize(x, 0, &s), -EINVAL);
	x[1] = NAN;
	ck_assert_int_eq(stats_summarize(x, 3, &s), -EINVAL);
	x[1] = INFINITY;
	ck_assert_int_eq(stats_summarize(x, 3, &s), -EINVAL);
	x[1] = -INFINITY;
	ck_assert_int_eq(stats_summarize(x, 3, &s), -EINVAL);
}
END_TEST

START_TEST(test_ci_ranks_small)
{
	for (size_t n = 1; n < 6; n++) {
		size_t lo, hi;
		double level;

		stats_median_ci_ranks(n, &lo, &hi, &level);
		ck_assert_uint_eq(lo, 0);
		ck_assert_uint_eq(hi, n - 1);
		ck_assert_double_eq_tol(level, 1.0 - ldexp(1.0, 1 - (int)n), 1e-12);
		ck_assert(level < 0.95);
	}
}
END_TEST

START_TEST(test_ci_ranks_coverage_minimal)
{
	for (size_t n = 6; n <= 100; n++) {
		size_t lo, hi;
		double level;

		stats_median_ci_ranks(n, &lo, &hi, &level);
		ck_assert_uint_eq(hi, n - 1 - lo);
		ck_assert(lo <= hi);
		ck_assert_double_eq_tol(level, coverage_ref(n, lo), 1e-12);
		ck_assert_msg(level >= 0.95, "n=%zu lo=%zu level=%g", n, lo, level);
		/* One rank further in would fall short: the interval is the shortest. */
		ck_assert_msg(lo + 1 > hi - 1 || coverage_ref(n, lo + 1) < 0.95,
			      "n=%zu lo=%zu not minimal", n, lo);
	}
}
END_TEST

START_TEST(test_ci_ranks_known_and_large)
{
	size_t lo, hi;
	double level;

	/* The tabulated interval for n = 100: X(40) to X(61), 1-based. */
	stats_median_ci_ranks(100, &lo, &hi, &level);
	ck_assert_uint_eq(lo, 39);
	ck_assert_uint_eq(hi, 60);
	ck_assert_double_eq_tol(level, 0.9648, 5e-4);

	/* Large n: within a few ranks of the normal approximation
	 * n/2 - 1.96 * sqrt(n)/2, and just above 95%. */
	size_t big[] = { 1000, 12345, 1000000 };

	for (size_t i = 0; i < ARRAY_LEN(big); i++) {
		size_t n = big[i];
		double approx = (double)n / 2.0 - 0.98 * sqrt((double)n);

		stats_median_ci_ranks(n, &lo, &hi, &level);
		ck_assert_uint_eq(hi, n - 1 - lo);
		ck_assert_msg(fabs((double)lo - approx) < 3.0, "n=%zu lo=%zu", n, lo);
		ck_assert(level >= 0.95 && level < 0.96);
	}
}
END_TEST

START_TEST(test_ratio_exact)
{
	double a[40], b[40];
	struct ratio_ci r;
	struct rng g;

	/* Constant sets: every resample gives exactly 2. */
	for (size_t i = 0; i < 40; i++) {
		a[i] = 10.0;
		b[i] = 5.0;
	}
	ck_assert_int_eq(stats_ratio_ci95(a, 40, b, 40, 1, 2000, &r), 0);
	ck_assert_double_eq(r.ratio, 2.0);
	ck_assert_double_eq(r.lo, 2.0);
	ck_assert_double_eq(r.hi, 2.0);

	/* a = 2b exactly with spread: the ratio of medians is exactly 2 and
	 * lies in the interval (the sets are resampled independently, so the
	 * interval has width). */
	rng_seed(&g, 7);
	for (size_t i = 0; i < 40; i++) {
		b[i] = 100.0 + 10.0 * rng_unit(&g);
		a[i] = 2.0 * b[i];
	}
	ck_assert_int_eq(stats_ratio_ci95(a, 40, b, 40, 1, 2000, &r), 0);
	ck_assert_double_eq(r.ratio, 2.0);
	ck_assert(r.lo <= 2.0 && 2.0 <= r.hi);
	ck_assert(r.lo > 1.8 && r.hi < 2.2);
}
END_TEST

START_TEST(test_ratio_noisy)
{
	enum {
		NA = 200,
		NB = 250
	};
	double a[NA], b[NB];
	struct ratio_ci r, again, other;
	struct rng g;
	/* Uniform noise of width 10: medians 155 and 105. */
	const double truth = 155.0 / 105.0;

	rng_seed(&g, 12345);
	for (size_t i = 0; i < NA; i++)
		a[i] = 150.0 + 10.0 * rng_unit(&g);
	for (size_t i = 0; i < NB; i++)
		b[i] = 100.0 + 10.0 * rng_unit(&g);

	ck_assert_int_eq(stats_ratio_ci95(a, NA, b, NB, 99, 2000, &r), 0);
	ck_assert(r.lo <= r.ratio && r.ratio <= r.hi);
	ck_assert_msg(r.lo <= truth && truth <= r.hi, "[%g, %g] misses %g", r.lo, r.hi, truth);
	ck_assert(r.hi - r.lo < 0.1);
	ck_assert(r.hi > r.lo);

	/* Same inputs and seed: the same interval, bit for bit. */
	ck_assert_int_eq(stats_ratio_ci95(a, NA, b, NB, 99, 2000, &again), 0);
	ck_assert_double_eq(again.ratio, r.ratio);
	ck_assert_double_eq(again.lo, r.lo);
	ck_assert_double_eq(again.hi, r.hi);

	/* Another seed: the same point estimate, other draws. */
	ck_assert_int_eq(stats_ratio_ci95(a, NA, b, NB, 100, 2000, &other), 0);
	ck_assert_double_eq(other.ratio, r.ratio);
	ck_assert(other.lo != r.lo || other.hi != r.hi);
}
END_TEST

START_TEST(test_ratio_median_matches_summary)
{
	/* Even and odd sizes: the ratio uses the same medians as summaries. */
	const double a[] = { 3, 9, 1, 7, 5, 11 };
	const double b[] = { 2, 8, 4, 6, 10 };
	struct summary sa, sb;
	struct ratio_ci r;

	ck_assert_int_eq(stats_summarize(a, ARRAY_LEN(a), &sa), 0);
	ck_assert_int_eq(stats_summarize(b, ARRAY_LEN(b), &sb), 0);
	ck_assert_int_eq(stats_ratio_ci95(a, ARRAY_LEN(a), b, ARRAY_LEN(b), 3, 500, &r), 0);
	ck_assert_double_eq(r.ratio, sa.median / sb.median);
	ck_assert(r.lo <= r.hi);
	ck_assert(r.lo >= 1.0 / 10.0 && r.hi <= 11.0 / 2.0);
}
END_TEST

START_TEST(test_ratio_invalid)
{
	double a[] = { 1, 2, 3 };
	double b[] = { 1, 2, 3 };
	double zero[] = { 0, 0, 1 };
	double neg[] = { -3, -2, -1 };
	struct ratio_ci r;

	ck_assert_int_eq(stats_ratio_ci95(a, 0, b, 3, 1, 100, &r), -EINVAL);
	ck_assert_int_eq(stats_ratio_ci95(a, 3, b, 0, 1, 100, &r), -EINVAL);
	ck_assert_int_eq(stats_ratio_ci95(a, 3, b, 3, 1, 0, &r), -EINVAL);
	ck_assert_int_eq(stats_ratio_ci95(a, 3, zero, 3, 1, 100, &r), -EINVAL);
	ck_assert_int_eq(stats_ratio_ci95(a, 3, neg, 3, 1, 100, &r), -EINVAL);
	b[2] = NAN;
	ck_assert_int_eq(stats_ratio_ci95(a, 3, b, 3, 1, 100, &r), -EINVAL);
	b[2] = 3;
	a[0] = INFINITY;
	ck_assert_int_eq(stats_ratio_ci95(a, 3, b, 3, 1, 100, &r), -EINVAL);
}
END_TEST

START_TEST(test_ratio_b_may_resample_to_zero)
{
	/* Median of b is 1 > 0, but a resample can draw mostly zeros. */
	const double a[] = { 4, 4, 4 };
	const double b[] = { 0, 1, 1 };
	struct ratio_ci r;

	ck_assert_int_eq(stats_ratio_ci95(a, 3, b, 3, 5, 2000, &r), 0);
	ck_assert_double_eq(r.ratio, 4.0);
	ck_assert(r.lo <= r.ratio);
	ck_assert(isinf(r.hi) && r.hi > 0);
}
END_TEST

START_TEST(test_linear_fit_exact)
{
	double x[10], y[10];
	struct linear_fit f;

	for (size_t i = 0; i < 10; i++) {
		x[i] = (double)i;
		y[i] = 3.0 * x[i] + 2.0;
	}
	ck_assert_int_eq(stats_linear_fit(x, y, 10, &f), 0);
	ck_assert_uint_eq(f.n, 10);
	ck_assert_double_eq_tol(f.slope, 3.0, 1e-12);
	ck_assert_double_eq_tol(f.intercept, 2.0, 1e-12);
	ck_assert_double_eq_tol(f.r2, 1.0, 1e-12);

	/* Constant y: a flat line fits exactly. */
	for (size_t i = 0; i < 10; i++)
		y[i] = 0.1;
	ck_assert_int_eq(stats_linear_fit(x, y, 10, &f), 0);
	ck_assert_double_eq(f.slope, 0.0);
	ck_assert_double_eq(f.intercept, 0.1);
	ck_assert_double_eq(f.r2, 1.0);
}
END_TEST

START_TEST(test_linear_fit_noisy)
{
	double x[100], y[100];
	struct linear_fit f;
	struct rng g;

	rng_seed(&g, 2024);
	for (size_t i = 0; i < 100; i++) {
		x[i] = (double)i;
		y[i] = 0.5 * x[i] + 10.0 + (rng_unit(&g) - 0.5);
	}
	ck_assert_int_eq(stats_linear_fit(x, y, 100, &f), 0);
	ck_assert(f.r2 < 1.0);
	ck_assert(f.r2 > 0.95);
	ck_assert_double_eq_tol(f.slope, 0.5, 0.02);
	ck_assert_double_eq_tol(f.intercept, 10.0, 0.5);
}
END_TEST

START_TEST(test_linear_fit_invalid)
{
	double x[] = { 2, 2, 2 };
	double y[] = { 1, 2, 3 };
	struct linear_fit f;

	ck_assert_int_eq(stats_linear_fit(x, y, 3, &f), -EINVAL);
	x[0] = 1;
	ck_assert_int_eq(stats_linear_fit(x, y, 1, &f), -EINVAL);
	ck_assert_int_eq(stats_linear_fit(x, y, 0, &f), -EINVAL);
	y[1] = NAN;
	ck_assert_int_eq(stats_linear_fit(x, y, 3, &f), -EINVAL);
}
END_TEST

START_TEST(test_rng_below_bounds)
{
	const uint64_t bounds[] = {
		1, 2, 3, 7, 10, 1000, (UINT64_C(1) << 63) + 1, UINT64_MAX,
	};
	struct rng g;

	rng_seed(&g, 0); /* seed 0 must work too */
	for (size_t b = 0; b < ARRAY_LEN(bounds); b++)
		for (size_t i = 0; i < 10000; i++)
			ck_assert(rng_below(&g, bounds[b]) < bounds[b]);
	for (size_t i = 0; i < 100; i++)
		ck_assert_uint_eq(rng_below(&g, 1), 0);
}
END_TEST

START_TEST(test_rng_uniform_and_seeded)
{
	enum {
		DRAWS = 100000,
		BINS = 10
	};
	size_t count[BINS] = { 0 };
	struct rng g, h;

	rng_seed(&g, 42);
	for (size_t i = 0; i < DRAWS; i++)
		count[rng_below(&g, BINS)]++;
	/* Expected 10000 each, sd about 95: 6 sd of slack. */
	for (size_t i = 0; i < BINS; i++)
		ck_assert_msg(count[i] > 9400 && count[i] < 10600, "bin %zu: %zu", i, count[i]);

	rng_seed(&g, 42);
	rng_seed(&h, 42);
	for (size_t i = 0; i < 1000; i++)
		ck_assert_uint_eq(rng_next(&g), rng_next(&h));

	rng_seed(&h, 43);
	size_t same = 0;

	for (size_t i = 0; i < 1000; i++)
		same += rng_next(&g) == rng_next(&h);
	ck_assert_uint_eq(same, 0);
}
END_TEST

static int cmp_asc(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return (a > b) - (a < b);
}

/* A standard normal variate (Box and Muller), from the seeded generator. */
static double normal(struct rng *r)
{
	double u = rng_unit(r), v = rng_unit(r);
	return sqrt(-2.0 * log(u + 0x1p-60)) * cos(2.0 * M_PI * v);
}

/* n values: a share p near centre c1 (relative spread sd), the rest near c2, interleaved. */
static double *mixture(struct rng *r, size_t n, double p, double c1, double c2, double sd)
{
	double *x = malloc(n * sizeof(*x));
	for (size_t i = 0; i < n; i++) {
		double c = rng_unit(r) < p ? c1 : c2;
		x[i] = c * exp(sd * normal(r));
	}
	return x;
}

/* The number of modes modes_find() sees in a mixture (as mixture() draws it). */
static size_t mixture_modes(struct rng *r, size_t n, double p, double c1, double c2, double sd)
{
	struct modes md;
	double *x = mixture(r, n, p, c1, c2, sd);
	ck_assert_int_eq(modes_find(x, n, &md), 0);
	free(x);
	return md.count;
}

START_TEST(test_modes_unimodal)
{
	struct rng r;
	struct modes md;
	rng_seed(&r, 7);
	/* Lognormal (a timing's shape), normal, and integers of a few values. */
	double *x = mixture(&r, 5000, 1.0, 180.0, 180.0, 0.3);
	ck_assert_int_eq(modes_find(x, 5000, &md), 0);
	ck_assert_uint_eq(md.count, 1);
	ck_assert_double_eq_tol(md.m[0].share, 1.0, 1e-12);
	for (size_t i = 0; i < 5000; i++)
		x[i] = 1000.0 + 50.0 * normal(&r);
	ck_assert_int_eq(modes_find(x, 5000, &md), 0);
	ck_assert_uint_eq(md.count, 1);
	for (size_t i = 0; i < 5000; i++)
		x[i] = (double)(20 + rng_below(&r, 3));
	ck_assert_int_eq(modes_find(x, 5000, &md), 0);
	ck_assert_uint_eq(md.count, 1);
	free(x);
}
END_TEST

START_TEST(test_modes_mixture)
{
	struct rng r;
	struct modes md;
	rng_seed(&r, 11);
	double *x = mixture(&r, 4000, 0.6, 180.0, 470.0, 0.05);
	ck_assert_int_eq(modes_find(x, 4000, &md), 0);
	ck_assert_uint_eq(md.count, 2);
	ck_assert_double_eq_tol(md.m[0].share, 0.6, 0.03);
	ck_assert_double_eq_tol(md.m[1].share, 0.4, 0.03);
	ck_assert_double_eq_tol(md.m[0].median, 180.0, 5.0);
	ck_assert_double_eq_tol(md.m[1].median, 470.0, 10.0);
	ck_assert(md.m[0].hi > 200.0 && md.m[0].hi < 430.0);
	ck_assert_double_eq(md.m[0].hi, md.m[1].lo);
	ck_assert_uint_eq(md.m[0].n + md.m[1].n, 4000);
	ck_assert_uint_eq(modes_index(&md, 100.0), 0);
	ck_assert_uint_eq(modes_index(&md, 1e6), 1);
	/* Interleaved at random: no stretches in time. */
	ck_assert(!modes_in_stretches(&md));

	/* The same values in two stretches (a placement that moved once). */
	qsort(x, 4000, sizeof(*x), cmp_asc);
	ck_assert_int_eq(modes_find(x, 4000, &md), 0);
	ck_assert_uint_eq(md.count, 2);
	ck_assert_uint_eq(md.runs, 2);
	ck_assert(modes_in_stretches(&md));
	free(x);

	/* Few samples: still two when each mode is tight. */
	ck_assert_uint_eq(mixture_modes(&r, 40, 0.5, 180.0, 470.0, 0.03), 2);
}
END_TEST

START_TEST(test_modes_conservative)
{
	struct rng r;
	struct modes md;
	rng_seed(&r, 13);
	/* A small tail of slow samples (5%) stays one mode. */
	ck_assert_uint_eq(mixture_modes(&r, 4000, 0.95, 180.0, 900.0, 0.05), 1);
	/* Two modes too close for their spread, or closer than ×1.10: one. */
	ck_assert_uint_eq(mixture_modes(&r, 4000, 0.5, 180.0, 200.0, 0.08), 1);
	ck_assert_uint_eq(mixture_modes(&r, 4000, 0.5, 180.0, 190.0, 0.005), 1);
	/* Too few samples: untested. */
	double *x = mixture(&r, 20, 0.5, 180.0, 470.0, 0.01);
	ck_assert_int_eq(modes_find(x, 20, &md), 0);
	ck_assert_uint_eq(md.count, 1);
	ck_assert_uint_eq(md.m[0].n, 20);
	free(x);
	/* All equal, zeros, invalid. */
	double same[50], zeros[50];
	for (size_t i = 0; i < 50; i++) {
		same[i] = 7.0;
		zeros[i] = (double)(i % 2) * 100.0;
	}
	ck_assert_int_eq(modes_find(same, 50, &md), 0);
	ck_assert_uint_eq(md.count, 1);
	ck_assert_int_eq(modes_find(zeros, 50, &md), 0);
	ck_assert_uint_eq(md.count, 1);
	ck_assert_int_eq(modes_find(same, 0, &md), -EINVAL);
	same[3] = NAN;
	ck_assert_int_eq(modes_find(same, 50, &md), -EINVAL);
	ck_assert_uint_eq(md.count, 0);
}
END_TEST

START_TEST(test_modes_large_and_three)
{
	struct rng r;
	struct modes md, again;
	rng_seed(&r, 17);
	size_t n = MODES_MAX_SAMPLES + 50000;
	double *x = mixture(&r, n, 0.3, 30.0, 90.0, 0.04);
	ck_assert_int_eq(modes_find(x, n, &md), 0);
	ck_assert_uint_eq(md.count, 2);
	ck_assert_double_eq_tol(md.m[0].share, 0.3, 0.02);
	ck_assert_uint_eq(md.m[0].n + md.m[1].n, n);
	/* Subsampled with a fixed seed: the same set, the same modes. */
	ck_assert_int_eq(modes_find(x, n, &again), 0);
	ck_assert(memcmp(&md, &again, sizeof(md)) == 0);
	free(x);

	x = malloc(3000 * sizeof(*x));
	for (size_t i = 0; i < 3000; i++)
		x[i] = (i % 3 == 0 ? 100.0 : i % 3 == 1 ? 300.0 : 900.0) * exp(0.03 * normal(&r));
	ck_assert_int_eq(modes_find(x, 3000, &md), 0);
	ck_assert_uint_eq(md.count, 3);
	for (size_t i = 0; i < 3; i++)
		ck_assert_double_eq_tol(md.m[i].share, 1.0 / 3.0, 0.02);
	free(x);
}
END_TEST

Suite *stats_suite(void)
{
	Suite *s = suite_create("stats");
	TCase *summary = tcase_create("summary");
	TCase *ci = tcase_create("ci");
	TCase *ratio = tcase_create("ratio");
	TCase *fit = tcase_create("fit");
	TCase *rng = tcase_create("rng");
	TCase *modes = tcase_create("modes");

	tcase_add_test(summary, test_percentile_known);
	tcase_add_test(summary, test_summary_odd);
	tcase_add_test(summary, test_summary_even_known);
	tcase_add_test(summary, test_summary_one_sample);
	tcase_add_test(summary, test_summary_all_equal);
	tcase_add_test(summary, test_summary_huge_outlier);
	tcase_add_test(summary, test_outliers_mad_zero);
	tcase_add_test(summary, test_summary_invalid);
	suite_add_tcase(s, summary);

	tcase_add_test(ci, test_ci_ranks_small);
	tcase_add_test(ci, test_ci_ranks_coverage_minimal);
	tcase_add_test(ci, test_ci_ranks_known_and_large);
	suite_add_tcase(s, ci);

	tcase_add_test(ratio, test_ratio_exact);
	tcase_add_test(ratio, test_ratio_noisy);
	tcase_add_test(ratio, test_ratio_median_matches_summary);
	tcase_add_test(ratio, test_ratio_invalid);
	tcase_add_test(ratio, test_ratio_b_may_resample_to_zero);
	suite_add_tcase(s, ratio);

	tcase_add_test(fit, test_linear_fit_exact);
	tcase_add_test(fit, test_linear_fit_noisy);
	tcase_add_test(fit, test_linear_fit_invalid);
	suite_add_tcase(s, fit);

	tcase_add_test(rng, test_rng_below_bounds);
	tcase_add_test(rng, test_rng_uniform_and_seeded);
	suite_add_tcase(s, rng);

	tcase_add_test(modes, test_modes_unimodal);
	tcase_add_test(modes, test_modes_mixture);
	tcase_add_test(modes, test_modes_conservative);
	tcase_add_test(modes, test_modes_large_and_three);
	suite_add_tcase(s, modes);
	return s;
}
