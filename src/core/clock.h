// SPDX-License-Identifier: MIT
/*
 * clock: the one timer ptlab measures with. CLOCK_MONOTONIC read through
 * the vDSO (no system call on any mainstream architecture), in uint64_t
 * nanoseconds. clock_calibrate() measures what reading the timer costs and
 * the smallest step it shows, so that the sampler can size batches far
 * above both and the report can state them.
 */
#ifndef PTLAB_CORE_CLOCK_H
#define PTLAB_CORE_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct clock_info {
	double overhead_ns;		 /* median cost of one clock_now_ns() call */
	uint64_t resolution_ns;		 /* smallest non-zero step seen between reads */
	uint64_t reported_resolution_ns; /* what clock_getres() claims */
	char source[32];		 /* current clocksource (tsc, kvm-clock, ...) */
};

/* Fills *out; takes a few milliseconds. Returns 0 (cannot fail). */
int clock_calibrate(struct clock_info *out);

#endif
