// SPDX-License-Identifier: MIT
/*
 * clock: calibration of the timer every figure is taken with.
 *
 * Overhead is the median, over about 50 batches, of the time 1000
 * back-to-back clock_now_ns() reads take, divided by 1000. Timing a batch
 * rather than a single read keeps the timer's own step out of the figure;
 * taking the median rather than the mean keeps an interrupt or a vCPU
 * preemption in one batch from moving it. The two reads that bracket a
 * batch add one read's worth to 1000, a 0.1% bias not worth correcting.
 *
 * Resolution is the smallest non-zero difference between consecutive
 * reads over a few thousand reads: what the clock can actually tell apart,
 * which may be far coarser than what clock_getres() claims (on a virtual
 * machine whose clocksource is not the TSC, or with the jiffies clock).
 *
 * The whole calibration is bounded to about 20 ms even where reading the
 * clock costs a system call (a clocksource without vDSO support): batches
 * stop early once the budget is spent, keeping at least a handful.
 */
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	CLOCK_BATCHES = 50,
	CLOCK_MIN_BATCHES = 5,
	CLOCK_BATCH_READS = 1000,
	CLOCK_RES_READS = 4000,
	CLOCK_BUDGET_NS = 15 * 1000 * 1000,
	CLOCK_COARSE_BUDGET_NS = 5 * 1000 * 1000,
};

#define CLOCK_SOURCE_PATH "/sys/devices/system/clocksource/clocksource0/current_clocksource"

/* Keeps the reads in a batch from being treated as dead code. */
static volatile uint64_t clock_sink;

static int clock_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Median cost of one read, in ns, or 0 when the clock is too coarse for a
 * batch to see it advance (every batch measured 0).
 */
static double clock_batch_overhead(void)
{
	double per_read[CLOCK_BATCHES];
	uint64_t start = clock_now_ns();
	int n = 0;

	while (n < CLOCK_BATCHES) {
		uint64_t t0, t1, acc = 0;

		t0 = clock_now_ns();
		for (int i = 0; i < CLOCK_BATCH_READS; i++)
			acc += clock_now_ns();
		t1 = clock_now_ns();
		clock_sink = acc;
		per_read[n++] = (double)(t1 - t0) / CLOCK_BATCH_READS;
		if (n >= CLOCK_MIN_BATCHES && t1 - start > CLOCK_BUDGET_NS)
			break;
	}
	qsort(per_read, (size_t)n, sizeof(per_read[0]), clock_cmp_double);
	if (n % 2)
		return per_read[n / 2];
	return (per_read[n / 2 - 1] + per_read[n / 2]) / 2.0;
}

/*
 * Cost of one read on a clock too coarse for batches: reads until the
 * clock has advanced twice and divides the time seen by the reads made.
 * The first step is only waited for, so the span measured is whole steps.
 */
static double clock_coarse_overhead(void)
{
	uint64_t first = clock_now_ns(), t = first, start, reads = 0;

	while (t == first)
		t = clock_now_ns();
	start = t;
	first = t;
	for (int steps = 0; steps < 2;) {
		t = clock_now_ns();
		reads++;
		if (t != first) {
			steps++;
			first = t;
		}
	}
	return (double)(t - start) / (double)reads;
}

/*
 * Smallest non-zero difference between consecutive reads. Reads at least
 * CLOCK_RES_READS times, and more (within a few ms) if the clock has not
 * moved yet. Returns 0 if it never moved.
 */
static uint64_t clock_resolution(void)
{
	uint64_t prev = clock_now_ns(), start = prev, best = 0;

	for (int i = 0;; i++) {
		uint64_t now = clock_now_ns(), d = now - prev;

		if (d && (!best || d < best))
			best = d;
		prev = now;
		if (i >= CLOCK_RES_READS && (best || now - start > CLOCK_COARSE_BUDGET_NS))
			break;
	}
	return best;
}

/* Copies the current clocksource name into buf; "" when unreadable. */
static void clock_read_source(char *buf, size_t len)
{
	FILE *f = fopen(CLOCK_SOURCE_PATH, "re");
	size_t n;

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
}

int clock_calibrate(struct clock_info *out)
{
	struct timespec res;

	memset(out, 0, sizeof(*out));
	if (clock_getres(CLOCK_MONOTONIC, &res) == 0)
		out->reported_resolution_ns =
			(uint64_t)res.tv_sec * 1000000000u + (uint64_t)res.tv_nsec;

	out->overhead_ns = clock_batch_overhead();
	if (out->overhead_ns <= 0.0)
		out->overhead_ns = clock_coarse_overhead();

	out->resolution_ns = clock_resolution();
	if (!out->resolution_ns)
		out->resolution_ns = out->reported_resolution_ns ? out->reported_resolution_ns : 1;

	clock_read_source(out->source, sizeof(out->source));
	return 0;
}
