// SPDX-License-Identifier: MIT
/*
 * Tests for core/sysinfo and core/clock: the collected facts are sane on
 * whatever Linux machine runs the tests (no value is assumed beyond what
 * every machine satisfies), the noise rule follows its threshold, and the
 * clock calibration reports a positive cost and step.
 */
#include <string.h>

#include "core/clock.h"
#include "core/sysinfo.h"
#include "suites.h"

START_TEST(test_collect_sane)
{
	struct sysinfo s;

	ck_assert_int_eq(sysinfo_collect(&s), 0);
	ck_assert_int_ge(s.cpus_online, 1);
	ck_assert_int_ge(s.cpus_allowed, 1);
	ck_assert_uint_gt(strlen(s.kernel), 0);
	ck_assert_uint_gt(strlen(s.machine), 0);
	ck_assert_uint_gt(s.mem_total_bytes, 0);
	ck_assert_uint_le(s.mem_available_bytes, s.mem_total_bytes);
	ck_assert(s.loadavg1 >= 0.0);
	ck_assert(s.clock.overhead_ns > 0.0);
	ck_assert_uint_ge(s.clock.resolution_ns, 1);

	/* Topology is either unknown everywhere or consistent. */
	if (s.cores != -1) {
		ck_assert_int_ge(s.cores, 1);
		ck_assert_int_ge(s.packages, 1);
		ck_assert_int_le(s.packages, s.cores);
		ck_assert_int_ge(s.threads_per_core, 1);
	}

	/* Every string is terminated within its field. */
	ck_assert_uint_lt(strnlen(s.cpu_model, sizeof(s.cpu_model)), sizeof(s.cpu_model));
	ck_assert_uint_lt(strnlen(s.hostname, sizeof(s.hostname)), sizeof(s.hostname));
	ck_assert_uint_lt(strnlen(s.hypervisor, sizeof(s.hypervisor)), sizeof(s.hypervisor));
	ck_assert_uint_lt(strnlen(s.compiler, sizeof(s.compiler)), sizeof(s.compiler));
	ck_assert_uint_gt(strlen(s.compiler), 0);

	/* A named hypervisor implies a virtual machine. */
	if (s.hypervisor[0])
		ck_assert(s.virtualized);
	/* The THP choice, when known, is one word without brackets. */
	ck_assert_ptr_null(strchr(s.thp, '['));
	ck_assert_ptr_null(strchr(s.thp, ' '));
}
END_TEST

START_TEST(test_noisy_high_load)
{
	struct sysinfo s = { .cpus_online = 2, .loadavg1 = 8.5 };
	char why[256];

	ck_assert(sysinfo_noisy(&s, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "8.50"));
	ck_assert_ptr_nonnull(strstr(why, "2"));
}
END_TEST

START_TEST(test_noisy_threshold)
{
	struct sysinfo s = { .cpus_online = 4, .loadavg1 = 2.0 };
	char why[8];

	/* Exactly half the CPUs is not yet noisy; a little above is. */
	ck_assert(!sysinfo_noisy(&s, why, sizeof(why)));
	ck_assert_str_eq(why, "");
	s.loadavg1 = 2.01;
	ck_assert(sysinfo_noisy(&s, why, sizeof(why)));
	/* A short buffer is truncated, not overrun. */
	ck_assert_uint_eq(strlen(why), sizeof(why) - 1);
	ck_assert(sysinfo_noisy(&s, NULL, 0));
}
END_TEST

START_TEST(test_noisy_idle_or_unknown)
{
	struct sysinfo s = { .cpus_online = 1, .loadavg1 = 0.0 };
	char why[256] = "stale";

	ck_assert(!sysinfo_noisy(&s, why, sizeof(why)));
	ck_assert_str_eq(why, "");
	s.loadavg1 = -1.0; /* unknown */
	ck_assert(!sysinfo_noisy(&s, why, sizeof(why)));
}
END_TEST

START_TEST(test_clock_calibrate)
{
	struct clock_info c;
	uint64_t t0, t1;

	t0 = clock_now_ns();
	ck_assert_int_eq(clock_calibrate(&c), 0);
	t1 = clock_now_ns();
	ck_assert_uint_ge(t1, t0);
	ck_assert(c.overhead_ns > 0.0);
	ck_assert_uint_ge(c.resolution_ns, 1);
	ck_assert_uint_lt(strnlen(c.source, sizeof(c.source)), sizeof(c.source));
	/* The source name, when known, has no trailing newline. */
	ck_assert_ptr_null(strchr(c.source, '\n'));
}
END_TEST

START_TEST(test_clock_monotonic)
{
	uint64_t prev = clock_now_ns();

	for (int i = 0; i < 10000; i++) {
		uint64_t now = clock_now_ns();

		ck_assert_uint_ge(now, prev);
		prev = now;
	}
}
END_TEST

Suite *sysinfo_suite(void)
{
	Suite *s = suite_create("sysinfo");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_collect_sane);
	tcase_add_test(tc, test_noisy_high_load);
	tcase_add_test(tc, test_noisy_threshold);
	tcase_add_test(tc, test_noisy_idle_or_unknown);
	tcase_add_test(tc, test_clock_calibrate);
	tcase_add_test(tc, test_clock_monotonic);
	suite_add_tcase(s, tc);
	return s;
}
