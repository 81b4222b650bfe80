// SPDX-License-Identifier: MIT
/*
 * stats: robust summaries of a sample set and the confidence intervals the
 * verdicts rest on.
 *
 * - The centre is the median, never the mean: timing samples are skewed to
 *   the right (interrupts, preemption) and a mean follows the tail.
 * - The 95% confidence interval of a median comes from order statistics
 *   (distribution-free: the number of samples below the true median is
 *   Binomial(n, 1/2)), so it needs no assumption about the shape.
 * - The 95% confidence interval of a ratio of two medians comes from a
 *   percentile bootstrap with a fixed, recorded seed: there is no exact
 *   distribution-free interval for a ratio, and the fixed seed keeps
 *   `ptlab report` reproducible.
 * - Outliers are flagged by the modified z-score (Iglewicz and Hoaglin):
 *   0.6745 * |x - median| / MAD > 3.5. They are counted and reported,
 *   never dropped.
 */
#ifndef PTLAB_CORE_STATS_H
#define PTLAB_CORE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct summary {
	size_t n;
	double min, max;
	double mean;
	double sd; /* sample standard deviation (n - 1); 0 when n == 1 */
	double median;
	double p5, p95;	     /* percentiles, linear interpolation between ranks */
	double mad;	     /* median absolute deviation, unscaled */
	double ci_lo, ci_hi; /* 95% CI of the median (order statistics) */
	double ci_level;     /* coverage actually achieved; < 0.95 for n < 6 */
	size_t outliers;     /* modified z-score above 3.5 */
};

/*
 * Summarises x[0..n). x is not modified. Returns 0, or -EINVAL when n is 0
 * or x holds a non-finite value. With n < 6 no pair of order statistics
 * reaches 95%: the interval is then [min, max] and ci_level says what it
 * really covers, 1 - 2^(1 - n): 0 for a single sample, whose interval
 * [x, x] almost surely misses the true median.
 */
int stats_summarize(const double *x, size_t n, struct summary *out);

/*
 * The median of v[0..n), n > 0, by selection in linear time; v is
 * reordered. Equal, bit for bit, to the median stats_summarize() gives.
 */
double stats_median_select(double *v, size_t n);

/*
 * p in [0, 1] of an ascending array, linear interpolation between ranks:
 * h = p * (n - 1), result sorted[floor h] + frac(h) * (next - that).
 * p outside [0, 1] is clamped. n > 0.
 */
double stats_percentile_sorted(const double *sorted, size_t n, double p);

/*
 * The shortest pair of ranks (0-based, lo <= hi, hi = n - 1 - lo)
 * symmetric about the middle whose order statistics cover the median with
 * probability >= 0.95; for n < 6, lo = 0 and hi = n - 1. *level receives
 * the exact coverage of [X_(lo), X_(hi)] for continuous data,
 * 1 - 2 * P(Binomial(n, 1/2) <= lo); lo is the largest rank for which it
 * is still >= 0.95. n == 0 gives 0, 0 and level 0.
 */
void stats_median_ci_ranks(size_t n, size_t *lo, size_t *hi, double *level);

struct ratio_ci {
	double ratio;  /* median(a) / median(b) */
	double lo, hi; /* 95% percentile-bootstrap interval */
};

/*
 * Ratio of the medians of a and b with a 95% bootstrap interval from
 * `resamples` resamples (2000 is plenty) drawn with the given seed: each
 * resample is na values of a and nb of b drawn with replacement,
 * independently (the sets are unpaired); lo and hi are the 2.5% and 97.5%
 * percentiles of the resampled ratios. The median of a resample is drawn
 * directly from its exact distribution (an order statistic of uniforms,
 * a Beta variate), not by drawing the values: the same bootstrap at a
 * cost that does not grow with na and nb. A resample whose median of b is not > 0 counts as
 * +infinity, so hi may be infinite when b holds zeros. The same inputs and
 * seed give the same interval. Returns 0, or -EINVAL for an empty set,
 * resamples == 0, a non-finite value, or a median of b that is not > 0.
 */
int stats_ratio_ci95(const double *a, size_t na, const double *b, size_t nb, uint64_t seed,
		     unsigned resamples, struct ratio_ci *out);

struct linear_fit {
	double slope, intercept;
	double r2; /* coefficient of determination; 1 when y is constant and fits */
	size_t n;
};

/*
 * Least-squares line y = slope * x + intercept; r2 = 1 - SS_res / SS_tot.
 * Returns 0, or -EINVAL for n < 2, x all equal, or a non-finite value.
 */
int stats_linear_fit(const double *x, const double *y, size_t n, struct linear_fit *out);

/*
 * Flags outliers by modified z-score > 3.5; flags (nullable) receives one
 * bool per sample, in the order of x. x must be finite. Returns the count
 * (0 for n == 0). When MAD is 0 (more than half the
 * samples equal) the score uses the mean absolute deviation from the
 * median scaled by 1.253314 instead, as Iglewicz and Hoaglin suggest; when
 * that is 0 too, all samples are equal and none is an outlier.
 */
size_t stats_outliers(const double *x, size_t n, bool *flags);

/* A small, seedable generator (splitmix64 seeding xoshiro256**). */
struct rng {
	uint64_t s[4];
};
void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, bound), bound > 0, without modulo bias. */
uint64_t rng_below(struct rng *r, uint64_t bound);

/*
 * The median of n values drawn with replacement from sorted[0..n) (n > 0),
 * drawn from its exact distribution as stats_ratio_ci95() does: one
 * bootstrap draw of a median, for intervals of other statistics of medians.
 */
double stats_resampled_median(struct rng *r, const double *sorted, size_t n);

#endif
