// SPDX-License-Identifier: MIT
/*
 * Smoke test of the switch experiment through the runner, its quick preset
 * shrunk: invariants only. Both kinds are measured for every mechanism and
 * placement that applies here (or skipped with a reason), the switches per
 * round trip are counted and plausible, the units are right, the three
 * claims get a verdict, and the allocation count reports no faults as
 * allocation when there were none. No time is asserted.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims/claims.h"
#include "core/clock.h"
#include "core/param.h"
#include "runner/runner.h"
#include "core/unit.h"
#include "experiments/catalog.h"
#include "model/run.h"
#include "exp_test.h"
#include "suites.h"

static struct exp_result *run_switch(struct run *r)
{
	static const char *const settings[] = { "wset",		  "0,64KiB", "budget",	    "20ms",
						"samples",	  "5",	     "max_samples", "40",
						"alloc_switches", "20k",     NULL };
	return exp_test_run(catalog_find("switch"), settings, NULL, r);
}

/* The metric name at placement and working set for kind, or NULL. */
static const struct metric *find(const struct exp_result *res, const char *name, const char *kind,
				 const char *place, const char *wset)
{
	char k[32], p[32], w[48];
	snprintf(k, sizeof(k), "kind=%s", kind);
	snprintf(p, sizeof(p), "placement=%s", place);
	snprintf(w, sizeof(w), "working_set_bytes=%s", wset);
	const char *const where[] = { k, p, w, NULL };
	return exp_result_find_metric(res, name, where);
}

/* Measured with sane samples, or skipped with a reason. */
static void measured_or_skipped(const struct exp_result *res, const char *name, const char *kind,
				const char *place, const char *wset)
{
	const struct metric *m = find(res, name, kind, place, wset);
	if (!m) {
		char what[128];
		snprintf(what, sizeof(what), "%s %s %s", name, kind, place);
		bool skipped = false;
		for (size_t i = 0; i < res->n_skips; i++)
			if (strncmp(res->skips[i].what, what, strlen(what)) == 0 &&
			    res->skips[i].reason[0])
				skipped = true;
		ck_assert_msg(skipped, "%s neither measured nor skipped", what);
		return;
	}
	ck_assert_str_eq(m->unit, "ns");
	ck_assert_uint_ge(m->n, 5);
	ck_assert_uint_le(m->n, 40);
	ck_assert(m->sum.median > 0);
	ck_assert(m->sum.ci_lo <= m->sum.median && m->sum.median <= m->sum.ci_hi);

	/* The switches were counted: a number per round trip, plausible for a ping-pong. */
	char what[160];
	snprintf(what, sizeof(what), "%s %s %s working_set_bytes=%s", name, kind, place, wset);
	const char *counted = exp_result_obs(res, what);
	ck_assert_msg(counted != NULL, "no switch count for %s", what);
	double per_rt = atof(counted);
	ck_assert_msg(per_rt >= 0 && per_rt <= 4.5, "%s: %g switches per round trip", what, per_rt);
}

START_TEST(test_quick_smoke)
{
	struct run r;
	struct exp_result *res = run_switch(&r);
	static const char *const places[] = { "same-cpu", "cross-cpu", "unpinned" };
	static const char *const kinds[] = { "process", "thread" };
	for (size_t p = 0; p < 3; p++)
		for (size_t k = 0; k < 2; k++) {
			measured_or_skipped(res, "futex", kinds[k], places[p], "0");
			measured_or_skipped(res, "pipe", kinds[k], places[p], "0");
		}
	for (size_t p = 0; p < 3; p++)
		measured_or_skipped(res, "futex_private", "thread", places[p], "0");
	/* A private futex cannot cross processes, and yielding hands over only on one CPU. */
	ck_assert_ptr_null(find(res, "futex_private", "process", "same-cpu", "0"));
	ck_assert_ptr_null(find(res, "yield_fifo", "thread", "cross-cpu", "0"));
	for (size_t k = 0; k < 2; k++) {
		measured_or_skipped(res, "yield_fifo", kinds[k], "same-cpu", "0");
		measured_or_skipped(res, "futex", kinds[k], "same-cpu", "65536");
	}
	/* The pure same-CPU futex switch: both kinds, two switches per round trip or so. */
	ck_assert_ptr_nonnull(find(res, "futex", "process", "same-cpu", "0"));
	ck_assert_ptr_nonnull(find(res, "futex", "thread", "same-cpu", "0"));
	ck_assert_ptr_nonnull(exp_result_find_metric(res, "alone", NULL));

	/* The allocation count: the switches happened, and the fact follows the faults. */
	const char *sw = exp_result_obs(res, "alloc.switches");
	const char *minor = exp_result_obs(res, "alloc.minor_faults");
	const char *major = exp_result_obs(res, "alloc.major_faults");
	const char *fact = exp_result_obs(res, "switch.alloc");
	ck_assert_ptr_nonnull(sw);
	ck_assert_ptr_nonnull(minor);
	ck_assert_ptr_nonnull(major);
	ck_assert_ptr_nonnull(fact);
	ck_assert_uint_ge(strtoull(sw, NULL, 10), 20000);
	if (strtoull(minor, NULL, 10) == 0 && strtoull(major, NULL, 10) == 0)
		ck_assert_str_eq(fact, "no");

	static const char *const fed[] = { "switch.cost", "switch.alloc", "switch.tlb" };
	for (size_t i = 0; i < 3; i++) {
		struct verdict v;
		claims_judge(claims_find(fed[i]), &r, &v);
		ck_assert_msg(v.status != V_NOT_MEASURED && v.status != V_NO_DATA, "%s: %s (%s)",
			      fed[i], verdict_status_name(v.status), v.reason);
	}
	run_free(&r);
}
END_TEST

Suite *switch_suite(void)
{
	Suite *s = suite_create("switch");
	TCase *tc = tcase_create("smoke");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_quick_smoke);
	suite_add_tcase(s, tc);
	return s;
}
