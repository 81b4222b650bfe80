// SPDX-License-Identifier: MIT
/*
 * Tests of core/hist: the bucket layout's invariants (every value lies in
 * its own bucket's [low, high], buckets follow each other without gap or
 * overlap up to HIST_MAX_NS, each is narrower than 1/HIST_SUB_BUCKETS of
 * its low edge), the exact count, sum, minimum and maximum, clamping of
 * values past HIST_MAX_NS, percentiles on synthetic data (all equal,
 * uniform, the ends, empty) and merge against adding everything to one
 * histogram. Pure arithmetic: nothing depends on the machine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hist.h"
#include "suites.h"

/* struct hist is about 9 KiB: kept off the test's stack. */
static struct hist *hist_new(void)
{
	struct hist *h = malloc(sizeof(*h));
	ck_assert_ptr_nonnull(h);
	hist_init(h);
	return h;
}

START_TEST(test_values_in_their_bucket)
{
	for (uint64_t v = 0; v <= 100000; v++) {
		size_t b = hist_bucket(v);
		ck_assert_uint_lt(b, HIST_BUCKETS);
		ck_assert_uint_le(hist_bucket_low(b), v);
		ck_assert_uint_ge(hist_bucket_high(b), v);
	}
	/* Around every power of two up to the top, too. */
	for (unsigned k = 1; k < HIST_MAX_BITS; k++) {
		uint64_t p = 1ull << k;
		for (uint64_t v = p - 2; v <= p + 2; v++) {
			size_t b = hist_bucket(v);
			ck_assert_uint_le(hist_bucket_low(b), v);
			ck_assert_uint_ge(hist_bucket_high(b), v);
		}
	}
}
END_TEST

START_TEST(test_buckets_contiguous)
{
	ck_assert_uint_eq(hist_bucket_low(0), 0);
	for (size_t b = 0; b < HIST_BUCKETS; b++) {
		uint64_t low = hist_bucket_low(b), high = hist_bucket_high(b);
		ck_assert_uint_le(low, high);
		/* Both edges map back to b: the bucket holds exactly [low, high]. */
		ck_assert_uint_eq(hist_bucket(low), b);
		ck_assert_uint_eq(hist_bucket(high), b);
		if (b + 1 < HIST_BUCKETS)
			ck_assert_uint_eq(hist_bucket_low(b + 1), high + 1);
	}
	ck_assert_uint_eq(hist_bucket_high(HIST_BUCKETS - 1), HIST_MAX_NS);
	ck_assert_uint_eq(hist_bucket(HIST_MAX_NS), HIST_BUCKETS - 1);
	/* One bucket per value below 2 * HIST_SUB_BUCKETS. */
	for (size_t b = 0; b < 2 * HIST_SUB_BUCKETS; b++)
		ck_assert_uint_eq(hist_bucket_high(b), hist_bucket_low(b));
}
END_TEST

START_TEST(test_relative_width)
{
	for (size_t b = 0; b < HIST_BUCKETS; b++) {
		uint64_t low = hist_bucket_low(b), high = hist_bucket_high(b);
		ck_assert_uint_le((high - low) * HIST_SUB_BUCKETS, low);
	}
}
END_TEST

START_TEST(test_exact_counters)
{
	struct hist *h = hist_new();

	ck_assert_uint_eq(h->count, 0);
	ck_assert_uint_eq(h->min_ns, UINT64_MAX);
	ck_assert_uint_eq(h->max_ns, 0);
	const uint64_t v[] = { 700, 3, 123456789, 3, 42 };
	uint64_t sum = 0;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		hist_add(h, v[i]);
		sum += v[i];
	}
	ck_assert_uint_eq(h->count, 5);
	ck_assert_uint_eq(h->sum_ns, sum);
	ck_assert_uint_eq(h->min_ns, 3);
	ck_assert_uint_eq(h->max_ns, 123456789);
	ck_assert_uint_eq(h->buckets[hist_bucket(3)], 2);
	ck_assert_uint_eq(h->buckets[hist_bucket(123456789)], 1);
	uint64_t total = 0;
	for (size_t b = 0; b < HIST_BUCKETS; b++)
		total += h->buckets[b];
	ck_assert_uint_eq(total, 5);
	free(h);
}
END_TEST

START_TEST(test_clamp)
{
	struct hist *h = hist_new();

	ck_assert_uint_eq(hist_bucket(HIST_MAX_NS + 1), HIST_BUCKETS - 1);
	ck_assert_uint_eq(hist_bucket(UINT64_MAX), HIST_BUCKETS - 1);
	hist_add(h, UINT64_MAX);
	hist_add(h, HIST_MAX_NS + 12345);
	ck_assert_uint_eq(h->count, 2);
	ck_assert_uint_eq(h->buckets[HIST_BUCKETS - 1], 2);
	ck_assert_uint_eq(h->max_ns, HIST_MAX_NS);
	ck_assert_uint_eq(h->min_ns, HIST_MAX_NS);
	ck_assert_uint_eq(h->sum_ns, 2 * HIST_MAX_NS);
	ck_assert_uint_eq(hist_percentile(h, 50), HIST_MAX_NS);
	free(h);
}
END_TEST

START_TEST(test_percentile_empty)
{
	struct hist *h = hist_new();

	ck_assert_uint_eq(hist_percentile(h, 0), 0);
	ck_assert_uint_eq(hist_percentile(h, 50), 0);
	ck_assert_uint_eq(hist_percentile(h, 100), 0);
	free(h);
}
END_TEST

START_TEST(test_percentile_all_equal)
{
	struct hist *h = hist_new();

	for (int i = 0; i < 1000; i++)
		hist_add(h, 123457); /* in a bucket several wide: the clamp gives it back exactly */
	ck_assert_uint_ne(hist_bucket_low(hist_bucket(123457)),
			  hist_bucket_high(hist_bucket(123457)));
	const double ps[] = { 0, 1, 50, 99, 99.9, 100 };
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++)
		ck_assert_uint_eq(hist_percentile(h, ps[i]), 123457);
	free(h);
}
END_TEST

START_TEST(test_percentile_uniform)
{
	struct hist *h = hist_new();

	for (uint64_t v = 1; v <= 1000; v++)
		hist_add(h, v);
	ck_assert_uint_eq(hist_percentile(h, 0), 1);
	ck_assert_uint_eq(hist_percentile(h, 100), 1000);
	/* Never below the true value, and above it by less than 1/32. */
	const double ps[] = { 10, 25, 50, 75, 90, 99, 99.9 };
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		uint64_t truth = (uint64_t)(ps[i] * 10 + 0.5); /* rank = value here */
		uint64_t got = hist_percentile(h, ps[i]);
		ck_assert_uint_ge(got, truth);
		ck_assert_uint_le((got - truth) * HIST_SUB_BUCKETS, truth);
	}
	uint64_t p50 = hist_percentile(h, 50);
	ck_assert_uint_le((p50 > 500 ? p50 - 500 : 500 - p50) * 32, 500);
	/* Out-of-range p is held to the ends. */
	ck_assert_uint_eq(hist_percentile(h, -5), 1);
	ck_assert_uint_eq(hist_percentile(h, 250), 1000);
	free(h);
}
END_TEST

START_TEST(test_percentile_min_shares_bucket)
{
	struct hist *h = hist_new();

	/* 100 and 101 share bucket [100, 101]; p0 must still be 100. */
	ck_assert_uint_eq(hist_bucket(100), hist_bucket(101));
	hist_add(h, 101);
	hist_add(h, 100);
	ck_assert_uint_eq(hist_percentile(h, 0), 100);
	ck_assert_uint_eq(hist_percentile(h, 100), 101);
	free(h);
}
END_TEST

START_TEST(test_merge)
{
	struct hist *a = hist_new(), *b = hist_new(), *all = hist_new(), *empty = hist_new();
	uint64_t x = 88172645463325252ull;

	for (int i = 0; i < 5000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint64_t v = x >> (x & 63); /* spread over every magnitude, some past the clamp */
		hist_add(i % 3 ? a : b, v);
		hist_add(all, v);
	}
	hist_merge(a, b);
	ck_assert_mem_eq(a, all, sizeof(*all));
	hist_merge(a, empty);
	ck_assert_mem_eq(a, all, sizeof(*all));
	hist_merge(empty, all);
	ck_assert_mem_eq(empty, all, sizeof(*all));
	free(a);
	free(b);
	free(all);
	free(empty);
}
END_TEST

Suite *hist_suite(void)
{
	Suite *s = suite_create("hist");
	TCase *tc = tcase_create("hist");

	tcase_add_test(tc, test_values_in_their_bucket);
	tcase_add_test(tc, test_buckets_contiguous);
	tcase_add_test(tc, test_relative_width);
	tcase_add_test(tc, test_exact_counters);
	tcase_add_test(tc, test_clamp);
	tcase_add_test(tc, test_percentile_empty);
	tcase_add_test(tc, test_percentile_all_equal);
	tcase_add_test(tc, test_percentile_uniform);
	tcase_add_test(tc, test_percentile_min_shares_bucket);
	tcase_add_test(tc, test_merge);
	suite_add_tcase(s, tc);
	return s;
}
