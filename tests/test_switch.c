// SPDX-License-Identifier: MIT
/*
 * Smoke test of the switch experiment through the runner, its quick preset
 * shrunk: invariants only. Both kinds are measured for every mechanism and
 * placement that applies here (or skipped with a reason), the switches per
 * round trip are counted and plausible, the time of one switch is the
 * figure's median over all its rounds divided by them (the figure the
 * report shows beside it), the units are right, the three
 * claims get a verdict, and the allocation count reports no faults as
 * allocation when there were none. The control, clone_vm (a process on
 * the parent's address space), is measured beside them on one CPU; the
 * TLB flushes per switch are recorded per kind, or skipped once with a
 * reason. No time is asserted.
 */
#include <math.h>
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
	static const char *const settings[] = { "wset",	   "0,64KiB", "budget",		"20ms",
						"samples", "5",	      "max_samples",	"40",
						"rounds",  "3",	      "alloc_switches", "20k",
						NULL };
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
			    !ev_msg_empty(&res->skips[i].reason))
				skipped = true;
		ck_assert_msg(skipped, "%s neither measured nor skipped", what);
		return;
	}
	ck_assert_str_eq(m->unit, "ns");
	ck_assert_uint_ge(m->n, 5);
	ck_assert_uint_le(m->n, 40);
	ck_assert(m->sum.median > 0);
	ck_assert(m->sum.ci_lo <= m->sum.median && m->sum.median <= m->sum.ci_hi);

	/*
	 * The switches were counted: a plain number per round trip, plausible
	 * for a ping-pong, and the time of one switch in ns (when any was
	 * counted); the form says whether it was two.
	 */
	char what[160];
	snprintf(what, sizeof(what), "%s %s %s working_set_bytes=%s", name, kind, place, wset);
	const struct ev_msg *counted = exp_test_obs_msg(res, what);
	ck_assert_ptr_nonnull(counted->form);
	ck_assert_msg(strcmp(counted->form, "switch.per_switch") == 0 ||
			      strcmp(counted->form, "switch.not_two") == 0,
		      "%s: %s", what, exp_test_said(res, counted));
	ck_assert_uint_eq(counted->n_vals, 2);
	ck_assert_int_eq(counted->vals[0].type, EV_NUM);
	ck_assert_ptr_null(counted->vals[0].unit);
	double per_rt = counted->vals[0].d;
	ck_assert_msg(per_rt >= 0 && per_rt <= 4.5, "%s: %g switches per round trip", what, per_rt);
	ck_assert_int_eq(strcmp(counted->form, "switch.per_switch") == 0,
			 per_rt >= 1.9 && per_rt <= 2.1);
	ck_assert_int_eq(counted->vals[1].type, EV_NUM);
	ck_assert_str_eq(counted->vals[1].unit, "ns");
	if (per_rt > 0) {
		ck_assert_msg(counted->vals[1].d > 0, "%s: %g ns per switch", what,
			      counted->vals[1].d);
		/* One switch is the merged figure (every round) over the switches: no first round. */
		double want = m->sum.median / per_rt;
		ck_assert_msg(fabs(counted->vals[1].d - want) <= 1e-9 * want,
			      "%s: %.17g ns per switch, the figure says %.17g (%zu rounds)", what,
			      counted->vals[1].d, want, m->n_rounds);
	}
	/* Phrased, it reads as switches per round trip, not as the bare values. */
	ck_assert_ptr_nonnull(strstr(exp_test_said(res, counted), " switches per round trip"));
}

/* A bare count observation of res, asserted to be one. */
static int64_t obs_count(const struct exp_result *res, const char *name)
{
	const struct ev_msg *m = exp_test_obs_msg(res, name);
	ck_assert_ptr_null(m->form);
	ck_assert_uint_eq(m->n_vals, 1);
	ck_assert_int_eq(m->vals[0].type, EV_COUNT);
	return m->vals[0].i;
}

/* A fact of res: the word yes or no, asserted to be one. */
static const char *obs_fact(const struct exp_result *res, const char *name)
{
	const struct ev_msg *m = exp_test_obs_msg(res, name);
	ck_assert_ptr_null(m->form);
	ck_assert_uint_eq(m->n_vals, 1);
	ck_assert_int_eq(m->vals[0].type, EV_WORD);
	const char *w = m->vals[0].s;
	ck_assert_msg(strcmp(w, "yes") == 0 || strcmp(w, "no") == 0, "%s: %s", name, w);
	return w;
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
	/* Several rounds merged into it: the observation above spoke of all three. */
	ck_assert_uint_eq(find(res, "futex", "process", "same-cpu", "0")->n_rounds, 3);
	ck_assert_ptr_nonnull(exp_result_find_metric(res, "alone", NULL));

	/*
	 * The control: clone_vm beside the two on one CPU, with the mechanisms
	 * that work across CLONE_VM (a private futex does: one address space),
	 * and only there: not across CPUs, not with a working set.
	 */
	static const char *const vm_mechs[] = { "futex", "futex_private", "pipe", "yield_fifo" };
	bool vm = unit_kind_supported(UNIT_SHARED_VM); /* not under ThreadSanitizer */
	for (size_t m = 0; vm && m < 4; m++)
		measured_or_skipped(res, vm_mechs[m], "clone_vm", "same-cpu", "0");
	ck_assert(!vm || find(res, "futex", "clone_vm", "same-cpu", "0"));
	ck_assert(!vm || find(res, "futex_private", "clone_vm", "same-cpu", "0"));
	ck_assert_ptr_null(find(res, "futex", "clone_vm", "cross-cpu", "0"));
	ck_assert_ptr_null(find(res, "futex", "clone_vm", "same-cpu", "65536"));

	/* TLB flushes per switch, each kind a bare non-negative number; or one skip with why. */
	bool tlb_skipped = false;
	for (size_t i = 0; i < res->n_skips; i++)
		if (strcmp(res->skips[i].what, "tlb_flushes") == 0) {
			ck_assert(!tlb_skipped);
			tlb_skipped = true;
			ck_assert_ptr_nonnull(res->skips[i].reason.form);
			ck_assert_ptr_nonnull(strstr(res->skips[i].reason.form, "switch.tlb_"));
		}
	static const char *const all_kinds[] = { "process", "thread", "clone_vm" };
	for (size_t k = 0; k < (vm ? 3u : 2u); k++) {
		char key[64];
		snprintf(key, sizeof(key), "tlb_flushes kind=%s", all_kinds[k]);
		if (tlb_skipped) {
			ck_assert_ptr_null(exp_test_obs_or_null(res, key));
			continue;
		}
		const struct ev_msg *m = exp_test_obs_of(res, key, NULL, 1);
		ck_assert(exp_test_num(m, 0, NULL) >= 0);
	}

	/* The allocation count: the switches happened, and the fact follows the faults. */
	int64_t sw = obs_count(res, "alloc.switches");
	int64_t minor = obs_count(res, "alloc.minor_faults");
	int64_t major = obs_count(res, "alloc.major_faults");
	const struct ev_msg *rss = exp_test_obs_msg(res, "alloc.rss_change_bytes");
	ck_assert_uint_eq(rss->n_vals, 1);
	ck_assert_int_eq(rss->vals[0].type, EV_NUM);
	ck_assert_str_eq(rss->vals[0].unit, "bytes");
	const char *fact = obs_fact(res, "switch.alloc");
	ck_assert_int_ge(sw, 20000);
	ck_assert_int_ge(minor, 0);
	ck_assert_int_ge(major, 0);
	if (minor == 0 && major == 0)
		ck_assert_str_eq(fact, "no");
	/* What the machine is: facts too. */
	obs_fact(res, "pcid");
	obs_fact(res, "virtualized");

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
