// SPDX-License-Identifier: MIT
/*
 * hist: log-linear latency buckets (see hist.h for why this shape).
 *
 * The layout, with S = HIST_SUB_BITS and N = HIST_SUB_BUCKETS = 2^S:
 * - a value v < 2N has bucket v of its own (width 1, so exact);
 * - above, with k the position of v's highest set bit (k >= S + 1) and
 *   shift = k - S, bucket = shift * N + (v >> shift). The mantissa
 *   v >> shift lies in [N, 2N), so the power of two [2^k, 2^(k+1)) is cut
 *   into N buckets of width 2^shift, numbered from shift * N + N on: they
 *   follow the previous power's without a gap. The formula also gives v for
 *   v in [N, 2N) (shift 0), which is why the two pieces join.
 * A bucket's low edge is mantissa << shift >= N << shift, its width
 * 2^shift, so high - low < low / N: every value is known to within 1/N of
 * itself. HIST_MAX_NS = 2^HIST_MAX_BITS - 1 has k = HIST_MAX_BITS - 1 and
 * mantissa 2N - 1, the last bucket, whose high edge is HIST_MAX_NS itself.
 *
 * Percentiles come back as a bucket's high edge, so they overstate by less
 * than 1/N (about 3%), never understate; the exact minimum and maximum
 * replace the ends.
 */
#include "core/hist.h"

#include <assert.h>
#include <math.h>
#include <string.h>

/* The last bucket (that of HIST_MAX_NS) is HIST_BUCKETS - 1: the header's count is exact. */
_Static_assert((HIST_MAX_BITS - 1 - HIST_SUB_BITS) * HIST_SUB_BUCKETS + 2 * HIST_SUB_BUCKETS - 1 ==
		       HIST_BUCKETS - 1,
	       "HIST_BUCKETS must count the buckets exactly");
_Static_assert(HIST_MAX_BITS > HIST_SUB_BITS + 1 && HIST_MAX_BITS < 64, "bucket layout");

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min_ns = UINT64_MAX;
}

/* Values over HIST_MAX_NS go to the last bucket, as if they were HIST_MAX_NS. */
size_t hist_bucket(uint64_t ns)
{
	if (ns > HIST_MAX_NS)
		ns = HIST_MAX_NS;
	if (ns < 2 * HIST_SUB_BUCKETS)
		return (size_t)ns;
	unsigned k = 63u - (unsigned)__builtin_clzll(ns);
	unsigned shift = k - HIST_SUB_BITS;
	return (size_t)shift * HIST_SUB_BUCKETS + (size_t)(ns >> shift);
}

uint64_t hist_bucket_low(size_t b)
{
	assert(b < HIST_BUCKETS);
	if (b < HIST_SUB_BUCKETS)
		return b;
	unsigned shift = (unsigned)(b / HIST_SUB_BUCKETS) - 1;
	uint64_t mantissa = HIST_SUB_BUCKETS + b % HIST_SUB_BUCKETS;
	return mantissa << shift;
}

uint64_t hist_bucket_high(size_t b)
{
	assert(b < HIST_BUCKETS);
	if (b < HIST_SUB_BUCKETS)
		return b;
	unsigned shift = (unsigned)(b / HIST_SUB_BUCKETS) - 1;
	return hist_bucket_low(b) + (1ull << shift) - 1;
}

/* Records one value, clamped to HIST_MAX_NS (sum_ns too: it wraps only past 2^64 ns). */
void hist_add(struct hist *h, uint64_t ns)
{
	if (ns > HIST_MAX_NS)
		ns = HIST_MAX_NS;
	h->buckets[hist_bucket(ns)]++;
	h->count++;
	h->sum_ns += ns;
	if (ns < h->min_ns)
		h->min_ns = ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

/* Adds src into dst, exactly as if every value of src had been added to dst. */
void hist_merge(struct hist *dst, const struct hist *src)
{
	for (size_t b = 0; b < HIST_BUCKETS; b++)
		dst->buckets[b] += src->buckets[b];
	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
	if (src->min_ns < dst->min_ns)
		dst->min_ns = src->min_ns;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
}

/*
 * rank = ceil(p * count / 100), kept in [1, count]; p at or below 0 (or
 * NaN) is rank 1. Rank 1 is the minimum, known exactly, so it is returned
 * as such: a bucket's high edge clamped to [min, max] would not be min when
 * the minimum shares its bucket with a larger value. Rank count needs no
 * such care: the maximum's bucket is the last one filled, and its high
 * edge clamps to max_ns. p * count is formed before the division by 100 so
 * that, say, 99.9% of 1000 is 999 and not 999.0000000000001 rounded up.
 */
uint64_t hist_percentile(const struct hist *h, double p)
{
	if (h->count == 0)
		return 0;
	if (!(p > 0.0))
		return h->min_ns;
	double r = ceil(p * (double)h->count / 100.0);
	uint64_t rank = r >= (double)h->count ? h->count : (uint64_t)r;
	if (rank <= 1)
		return h->min_ns;

	uint64_t seen = 0;
	for (size_t b = 0; b < HIST_BUCKETS; b++) {
		seen += h->buckets[b];
		if (seen >= rank) {
			uint64_t v = hist_bucket_high(b);
			if (v < h->min_ns)
				v = h->min_ns;
			return v > h->max_ns ? h->max_ns : v;
		}
	}
	return h->max_ns; /* unreachable while the buckets sum to count */
}
