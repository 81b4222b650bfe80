// SPDX-License-Identifier: MIT
/*
 * hist: a latency histogram with log-linear buckets, in the manner of
 * HdrHistogram: every power of two is cut into HIST_SUB_BUCKETS equal
 * buckets, so any recorded value is known to within 1/HIST_SUB_BUCKETS of
 * itself (about 3%) from one nanosecond to HIST_MAX_NS, in a fixed-size
 * struct with no pointers. It can live in a shared mapping and be filled
 * by a load generator in another process, and keeping every latency costs
 * one increment. Exact count, sum, minimum and maximum are kept beside the
 * buckets.
 */
#ifndef PTLAB_CORE_HIST_H
#define PTLAB_CORE_HIST_H

#include <stddef.h>
#include <stdint.h>

#define HIST_SUB_BITS 5
#define HIST_SUB_BUCKETS (1u << HIST_SUB_BITS)
#define HIST_MAX_BITS 40 /* values up to 2^40 ns (about 18 minutes); larger ones are clamped */
#define HIST_MAX_NS ((1ull << HIST_MAX_BITS) - 1)
/* Values below 2 * HIST_SUB_BUCKETS have a bucket each, then HIST_SUB_BUCKETS per power of two. */
#define HIST_BUCKETS ((HIST_MAX_BITS - HIST_SUB_BITS + 1) * HIST_SUB_BUCKETS)

struct hist {
	uint64_t count;
	uint64_t sum_ns;	 /* of the values as recorded (clamped to HIST_MAX_NS) */
	uint64_t min_ns, max_ns; /* exact; min_ns is UINT64_MAX while count is 0 */
	uint64_t buckets[HIST_BUCKETS];
};

void hist_init(struct hist *h);
void hist_add(struct hist *h, uint64_t ns);
void hist_merge(struct hist *dst, const struct hist *src);

/* The bucket a value falls in, and the smallest and largest value of a bucket. */
size_t hist_bucket(uint64_t ns);
uint64_t hist_bucket_low(size_t b);
uint64_t hist_bucket_high(size_t b);

/*
 * The value at percentile p (0..100): the highest value of the bucket that
 * holds the ceil(p/100 * count)-th smallest value (rank at least 1),
 * clamped to [min_ns, max_ns], so that p = 100 gives max_ns exactly. Rank
 * 1 (so p = 0) gives min_ns exactly: it is known, and the clamp alone
 * would not reach it when the minimum shares its bucket with a larger
 * value. 0 for an empty histogram.
 */
uint64_t hist_percentile(const struct hist *h, double p);

#endif
