// SPDX-License-Identifier: MIT
/*
 * stats: the numbers every verdict rests on. Summaries are built around the
 * median; its confidence interval comes from order statistics, the interval
 * of a ratio of medians from a seeded percentile bootstrap, and outliers
 * are counted by the modified z-score (see stats.h for why each).
 *
 * Caveats worth knowing when reading a figure:
 * - The order-statistics interval is exact only for continuous data. Timing
 *   samples are integers of nanoseconds and may tie; ties make the interval
 *   slightly conservative, never too narrow.
 * - The bootstrap is a Monte Carlo estimate: with 2000 resamples its ends
 *   move in the third significant digit from one seed to another. The seed
 *   is fixed by the caller and recorded, so a report can be recomputed
 *   exactly.
 * - Everything here allocates with xmalloc (abort on exhaustion): the sets
 *   are at most a few million doubles of ptlab's own bookkeeping.
 */
#include "core/stats.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* Iglewicz and Hoaglin's constants for the modified z-score. */
#define MZ_SCALE 0.6745		 /* Phi^-1(3/4): MAD of a standard normal */
#define MZ_MEANAD_SCALE 1.253314 /* sqrt(pi/2): mean |dev| of a standard normal */
#define MZ_LIMIT 3.5

#define CI_TARGET 0.95

/*
 * A total order on doubles for qsort: NaN sorts last. Callers reject
 * non-finite values before sorting; ordering NaN anyway keeps qsort's
 * comparator consistent (glibc's qsort has misbehaved on inconsistent
 * comparators) should one slip through.
 */
static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa;
	double b = *(const double *)pb;
	int na = isnan(a) != 0, nb = isnan(b) != 0;

	if (na || nb)
		return na - nb;
	return (a > b) - (a < b);
}

static bool all_finite(const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return false;
	return true;
}

/*
 * Sorts s[0..n) ascending, the order qsort() with cmp_double gives, in
 * linear time: a radix sort, a byte a pass, of each double's bits mapped
 * to an unsigned integer of the same order (sign bit flipped for positive
 * values, every bit for negative ones). The map is one to one, so equal
 * keys are equal doubles and the result is the very array qsort() makes.
 * NaN and -0 (equal to +0 for the comparator, not in its bits) and short
 * arrays go to qsort(). Reading a large run spent a third of its time
 * sorting samples through qsort's comparator.
 */
static void sort_doubles(double *s, size_t n)
{
	bool plain = n >= 64;
	for (size_t i = 0; plain && i < n; i++)
		plain = !isnan(s[i]) && !(s[i] == 0.0 && signbit(s[i]));
	if (!plain) {
		qsort(s, n, sizeof(*s), cmp_double);
		return;
	}
	uint64_t *key = xmalloc(2 * n * sizeof(*key)), *tmp = key + n;
	size_t count[8][256] = { { 0 } };
	for (size_t i = 0; i < n; i++) {
		uint64_t b;
		memcpy(&b, &s[i], sizeof(b));
		key[i] = b >> 63 ? ~b : b | UINT64_C(1) << 63;
		for (int d = 0; d < 8; d++)
			count[d][(key[i] >> (8 * d)) & 0xff]++;
	}
	for (int d = 0; d < 8; d++) {
		size_t *c = count[d], at = 0;
		if (c[key[0] >> (8 * d) & 0xff] == n)
			continue; /* every key has this byte: the pass would change nothing */
		for (int v = 0; v < 256; v++) {
			size_t k = c[v];
			c[v] = at;
			at += k;
		}
		for (size_t i = 0; i < n; i++)
			tmp[c[key[i] >> (8 * d) & 0xff]++] = key[i];
		uint64_t *t = key;
		key = tmp;
		tmp = t;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t b = key[i] >> 63 ? key[i] & ~(UINT64_C(1) << 63) : ~key[i];
		memcpy(&s[i], &b, sizeof(b));
	}
	free(key < tmp ? key : tmp);
}

/* A freshly allocated ascending copy of x[0..n). The caller frees it. */
static double *sorted_copy(const double *x, size_t n)
{
	double *s = xmalloc(n * sizeof(*s));

	memcpy(s, x, n * sizeof(*s));
	sort_doubles(s, n);
	return s;
}

/*
 * The point between two neighbouring order statistics, written exactly as
 * stats_percentile_sorted() interpolates at p = 0.5, so that a median found
 * by selection equals one found by sorting, bit for bit.
 */
static double midpoint(double lo, double hi)
{
	return lo + 0.5 * (hi - lo);
}

double stats_percentile_sorted(const double *sorted, size_t n, double p)
{
	assert(n > 0);
	if (!(p > 0.0)) /* also catches a NaN p */
		return sorted[0];
	if (p >= 1.0)
		return sorted[n - 1];

	double h = p * (double)(n - 1);
	size_t i = (size_t)h;
	double frac = h - (double)i;

	if (i + 1 >= n)
		return sorted[n - 1];
	/* Exact ranks and equal neighbours need no arithmetic (and must not
	 * compute inf - inf when the neighbours are infinite). */
	if (frac == 0.0 || sorted[i] == sorted[i + 1])
		return sorted[i];
	return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

/*
 * Rearranges v[0..n) so that v[k] holds the value it would hold sorted,
 * with nothing greater before it and nothing smaller after it, and returns
 * v[k]. Wirth's selection: expected linear time when v is in random order,
 * which the bootstrap's resamples are; equal values are split evenly, so
 * runs of ties cost no more than distinct values.
 */
static double select_kth(double *v, size_t n, size_t k)
{
	ptrdiff_t l = 0, r = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;

	assert(k < n);
	while (l < r) {
		double pivot = v[kk];
		ptrdiff_t i = l, j = r;

		do {
			while (v[i] < pivot)
				i++;
			while (pivot < v[j])
				j--;
			if (i <= j) {
				double t = v[i];

				v[i] = v[j];
				v[j] = t;
				i++;
				j--;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			r = j;
	}
	return v[kk];
}

/* The median of v[0..n), n > 0, by selection; v is reordered. */
static double select_median(double *v, size_t n)
{
	size_t k = n / 2;
	double upper = select_kth(v, n, k);

	if (n % 2)
		return upper;

	/* Even n: the lower middle is the largest value left of k. */
	double lower = v[0];

	for (size_t i = 1; i < k; i++)
		if (v[i] > lower)
			lower = v[i];
	return midpoint(lower, upper);
}

double stats_median_select(double *v, size_t n)
{
	return select_median(v, n);
}

/*
 * P(B <= j) for B ~ Binomial(n, 1/2), j < n.
 *
 * The term at j comes from lgamma (no overflow, no underflow of 2^-n as an
 * intermediate), then the sum walks down with the ratio
 * P(k-1) / P(k) = k / (n - k + 1), stopping once a term no longer changes
 * the sum. Below n/2 the terms fall at least geometrically, so the walk
 * takes O(sqrt(n)) steps near the middle and stays accurate to about 1e-12
 * relative for n up to 1e7 (lgamma's absolute error grows with n).
 */
static double binom_half_cdf(size_t n, size_t j)
{
	int sign;
	double log_term, term, sum = 0.0;

	if (j >= n)
		return 1.0;
	log_term = lgamma_r((double)n + 1.0, &sign) - lgamma_r((double)j + 1.0, &sign) -
		   lgamma_r((double)(n - j) + 1.0, &sign) - (double)n * M_LN2;
	term = exp(log_term);
	for (size_t k = j;; k--) {
		sum += term;
		if (k == 0 || term <= sum * 1e-17)
			break;
		term *= (double)k / (double)(n - k + 1);
	}
	return sum;
}

/*
 * Coverage of [X_(j), X_(n-1-j)] (0-based order statistics) for the median
 * of a continuous distribution. The interval misses the median exactly when
 * at most j samples fall below it or at most j fall above it; the count
 * below is B ~ Binomial(n, 1/2), the two events are disjoint while
 * j < n/2, and by symmetry each has probability P(B <= j). Hence
 *
 *	coverage(j) = 1 - 2 * P(B <= j),
 *
 * which falls as j grows: the largest j with coverage >= 0.95 gives the
 * shortest such interval.
 */
static double median_coverage(size_t n, size_t j)
{
	return 1.0 - 2.0 * binom_half_cdf(n, j);
}

void stats_median_ci_ranks(size_t n, size_t *lo, size_t *hi, double *level)
{
	if (n == 0) {
		*lo = *hi = 0;
		*level = 0.0;
		return;
	}
	if (n < 6) {
		/* Even [X_(0), X_(n-1)] misses: coverage 1 - 2^(1-n) < 0.95. */
		*lo = 0;
		*hi = n - 1;
		*level = median_coverage(n, 0);
		return;
	}

	/*
	 * Bisection on j in [good, bad): coverage(0) = 1 - 2^(1-n) >= 0.95
	 * for n >= 6, and coverage((n-1)/2) is 0 for odd n (the middle
	 * sample alone) and P(B = n/2) <= 0.32 for even n >= 6.
	 */
	size_t good = 0, bad = (n - 1) / 2;

	while (bad - good > 1) {
		size_t mid = good + (bad - good) / 2;

		if (median_coverage(n, mid) >= CI_TARGET)
			good = mid;
		else
			bad = mid;
	}
	*lo = good;
	*hi = n - 1 - good;
	*level = median_coverage(n, good);
}

/*
 * Counts x[i] whose modified z-score exceeds 3.5, given the median and MAD
 * of x; flags (nullable) receives one bool per sample.
 */
static size_t count_outliers(const double *x, size_t n, double med, double mad, bool *flags)
{
	double scale;
	size_t count = 0;

	if (mad > 0.0) {
		scale = mad / MZ_SCALE;
	} else {
		double sum = 0.0;

		for (size_t i = 0; i < n; i++)
			sum += fabs(x[i] - med);
		scale = MZ_MEANAD_SCALE * (sum / (double)n);
	}

	for (size_t i = 0; i < n; i++) {
		/* scale == 0: every sample equals the median; none stands out. */
		bool out = scale > 0.0 && fabs(x[i] - med) / scale > MZ_LIMIT;

		if (flags)
			flags[i] = out;
		count += out;
	}
	return count;
}

/*
 * The MAD of x[0..n): the median of |x - med|, med being the median of x.
 * scratch holds n doubles and is overwritten.
 */
static double mad_of(const double *x, size_t n, double med, double *scratch)
{
	for (size_t i = 0; i < n; i++)
		scratch[i] = fabs(x[i] - med);
	return select_median(scratch, n);
}

size_t stats_outliers(const double *x, size_t n, bool *flags)
{
	if (n == 0)
		return 0;

	double *s = sorted_copy(x, n);
	double *dev = xmalloc(n * sizeof(*dev));
	double med = stats_percentile_sorted(s, n, 0.5);
	double mad = mad_of(s, n, med, dev);
	size_t count = count_outliers(x, n, med, mad, flags);

	free(dev);
	free(s);
	return count;
}

int stats_summarize(const double *x, size_t n, struct summary *out)
{
	if (n == 0 || !all_finite(x, n))
		return -EINVAL;

	double *s = sorted_copy(x, n);
	double *dev = xmalloc(n * sizeof(*dev));
	double sum = 0.0, ss = 0.0;
	size_t lo, hi;

	for (size_t i = 0; i < n; i++)
		sum += s[i];
	double mean = sum / (double)n;

	/* Two passes: the textbook one-pass formula cancels badly when the
	 * spread is tiny beside the mean, as it is for steady timings. */
	for (size_t i = 0; i < n; i++)
		ss += (s[i] - mean) * (s[i] - mean);

	memset(out, 0, sizeof(*out));
	out->n = n;
	out->min = s[0];
	out->max = s[n - 1];
	out->mean = mean;
	out->sd = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
	out->median = stats_percentile_sorted(s, n, 0.5);
	out->p5 = stats_percentile_sorted(s, n, 0.05);
	out->p95 = stats_percentile_sorted(s, n, 0.95);
	out->mad = mad_of(s, n, out->median, dev);

	stats_median_ci_ranks(n, &lo, &hi, &out->ci_level);
	out->ci_lo = s[lo];
	out->ci_hi = s[hi];

	out->outliers = count_outliers(s, n, out->median, out->mad, NULL);

	free(dev);
	free(s);
	return 0;
}

/* Draws n values of src with replacement into dst. */
/* A uniform double in (0, 1), never 0 or 1. */
static double rng_unit(struct rng *r)
{
	return ((double)(rng_next(r) >> 11) + 0.5) * 0x1p-53;
}

/* A standard normal variate (Marsaglia's polar method). */
static double rng_normal(struct rng *r)
{
	double u, v, q;
	do {
		u = 2.0 * rng_unit(r) - 1.0;
		v = 2.0 * rng_unit(r) - 1.0;
		q = u * u + v * v;
	} while (q >= 1.0 || q == 0.0);
	return u * sqrt(-2.0 * log(q) / q);
}

/* A Gamma(shape, 1) variate for shape >= 1 (Marsaglia and Tsang, 2000). */
static double rng_gamma(struct rng *r, double shape)
{
	double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
	for (;;) {
		double x = rng_normal(r), v = 1.0 + c * x;
		if (v <= 0.0)
			continue;
		v = v * v * v;
		if (log(rng_unit(r)) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v;
	}
}

/* The value at a uniform position u of sorted s[0..n): what drawing one sample picks. */
static double pick(const double *s, size_t n, double u)
{
	size_t i = (size_t)(u * (double)n);
	return s[i < n ? i : n - 1];
}

/*
 * The median of n values drawn with replacement from sorted s[0..n),
 * drawn directly instead of drawing the n values. A draw is s[floor(n U)]
 * for a uniform U, and the mapping keeps order, so the k-th smallest of
 * the resample is s at the k-th smallest of n uniforms, which is
 * Beta(k, n + 1 - k) (drawn as a ratio of two Gamma variates). For an even
 * n the next order statistic lies above it as the smallest of the n - k
 * uniforms left in (u, 1): u + (1 - u) Beta(1, n - k). The distribution is
 * exactly the classic bootstrap's, at a cost that does not grow with n.
 */
static double resampled_median(struct rng *r, const double *s, size_t n)
{
	size_t k = (n + 1) / 2;
	double ga = rng_gamma(r, (double)k), gb = rng_gamma(r, (double)(n + 1 - k));
	double u = ga / (ga + gb);
	double lo = pick(s, n, u);
	if (n % 2)
		return lo;
	double u2 = u + (1.0 - u) * (1.0 - pow(rng_unit(r), 1.0 / (double)(n - k)));
	return lo + (pick(s, n, u2) - lo) / 2.0;
}

/*
 * The bootstrap ratio of one resample. A resampled median of b can reach
 * 0 when b holds zeros; the ratio is then unbounded and counted as
 * +infinity, so the interval says so instead of hiding the resample.
 */
static double ratio_of(double med_a, double med_b)
{
	if (!(med_b > 0.0))
		return INFINITY;
	return med_a / med_b;
}

int stats_ratio_ci95(const double *a, size_t na, const double *b, size_t nb, uint64_t seed,
		     unsigned resamples, struct ratio_ci *out)
{
	if (na == 0 || nb == 0 || resamples == 0)
		return -EINVAL;
	if (!all_finite(a, na) || !all_finite(b, nb))
		return -EINVAL;

	double *sa = xmalloc(na * sizeof(*sa)), *sb = xmalloc(nb * sizeof(*sb));
	memcpy(sa, a, na * sizeof(*sa));
	memcpy(sb, b, nb * sizeof(*sb));
	sort_doubles(sa, na);
	sort_doubles(sb, nb);
	double med_a = stats_percentile_sorted(sa, na, 0.5);
	double med_b = stats_percentile_sorted(sb, nb, 0.5);
	if (!(med_b > 0.0)) {
		free(sa);
		free(sb);
		return -EINVAL;
	}

	/*
	 * Each resample draws a and b independently (the two sets are
	 * unpaired runs), always a first, so that one seed gives one
	 * sequence of draws and the same interval on every machine.
	 */
	double *ratios = xmalloc((size_t)resamples * sizeof(*ratios));
	struct rng r;

	rng_seed(&r, seed);
	for (unsigned i = 0; i < resamples; i++) {
		double ma = resampled_median(&r, sa, na);
		double mb = resampled_median(&r, sb, nb);
		ratios[i] = ratio_of(ma, mb);
	}
	sort_doubles(ratios, resamples);

	out->ratio = med_a / med_b;
	out->lo = stats_percentile_sorted(ratios, resamples, 0.025);
	out->hi = stats_percentile_sorted(ratios, resamples, 0.975);

	free(ratios);
	free(sa);
	free(sb);
	return 0;
}

int stats_linear_fit(const double *x, const double *y, size_t n, struct linear_fit *out)
{
	if (n < 2 || !all_finite(x, n) || !all_finite(y, n))
		return -EINVAL;

	double sx = 0.0, sy = 0.0;

	for (size_t i = 0; i < n; i++) {
		sx += x[i];
		sy += y[i];
	}
	double mx = sx / (double)n, my = sy / (double)n;
	double sxx = 0.0, sxy = 0.0;
	bool y_constant = true;

	for (size_t i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		sxy += (x[i] - mx) * (y[i] - my);
		if (y[i] != y[0])
			y_constant = false;
	}
	if (!(sxx > 0.0))
		return -EINVAL;

	out->n = n;
	if (y_constant) {
		/*
		 * Decided on the data, not on SS_tot == 0: the mean of equal
		 * values need not round back to that value, which would leave
		 * 0/0-like noise in r2 for a fit that is exact.
		 */
		out->slope = 0.0;
		out->intercept = y[0];
		out->r2 = 1.0;
		return 0;
	}

	out->slope = sxy / sxx;
	out->intercept = my - out->slope * mx;

	double ss_res = 0.0, ss_tot = 0.0;

	for (size_t i = 0; i < n; i++) {
		double e = y[i] - (out->slope * x[i] + out->intercept);

		ss_res += e * e;
		ss_tot += (y[i] - my) * (y[i] - my);
	}
	/* In exact arithmetic 0 <= r2 <= 1 for a least-squares line with an
	 * intercept; clamp the rounding that could step outside. */
	out->r2 = 1.0 - ss_res / ss_tot;
	if (out->r2 < 0.0)
		out->r2 = 0.0;
	if (out->r2 > 1.0)
		out->r2 = 1.0;
	return 0;
}

/*
 * splitmix64 (Steele, Lea and Flood): spreads any 64-bit seed, 0 included,
 * over the four words of xoshiro's state, which must not be all zero.
 */
static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t sm = seed;

	for (size_t i = 0; i < 4; i++)
		r->s[i] = splitmix64(&sm);
}

static inline uint64_t rotl64(uint64_t v, unsigned k)
{
	return (v << k) | (v >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna): fast, 2^256 - 1 period, well mixed. */
uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl64(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

/*
 * Lemire's multiply-and-reject: the high word of x * bound is uniform over
 * [0, bound) once the low words that would over-represent some values are
 * rejected; those are the ones below 2^64 mod bound. The division to find
 * that threshold runs only when the low word is already small, i.e.
 * rarely.
 */
uint64_t rng_below(struct rng *r, uint64_t bound)
{
	assert(bound > 0);

	unsigned __int128 m = (unsigned __int128)rng_next(r) * bound;
	uint64_t low = (uint64_t)m;

	if (low < bound) {
		uint64_t threshold = -bound % bound;

		while (low < threshold) {
			m = (unsigned __int128)rng_next(r) * bound;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

double stats_resampled_median(struct rng *r, const double *sorted, size_t n)
{
	return resampled_median(r, sorted, n);
}
