// SPDX-License-Identifier: MIT
/*
 * Smoke test of the memory experiment through the runner, its quick preset
 * shrunk to 1 and 10 units and three repetitions: invariants only. Both
 * kinds are measured at both counts with one sample per repetition, a
 * process costs some user memory and some kernel memory (page tables and
 * a kernel stack at least), the sources are named, the thread stack is observed, and no process is left. No
 * size is asserted.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/clock.h"
#include "runner/experiment.h"
#include "core/param.h"
#include "runner/runner.h"
#include "core/unit.h"
#include "model/run.h"
#include "exp_test.h"
#include "suites.h"

/* Until tests/suites.h lists it. */
Suite *memory_suite(void);

extern const struct experiment exp_memory;

static struct exp_result *run_memory(struct run *r)
{
	static const char *const settings[] = { "units", "1,10", "repeats", "3", NULL };
	return exp_test_run(&exp_memory, settings, NULL, r);
}

static const struct metric *find(const struct exp_result *res, const char *name, const char *kind,
				 const char *units)
{
	char k[32], u[32];
	snprintf(k, sizeof(k), "kind=%s", kind);
	snprintf(u, sizeof(u), "units=%s", units);
	const char *const where[] = { k, u, NULL };
	const struct metric *m = exp_result_find_metric(res, name, where);
	ck_assert_msg(m != NULL, "no %s for %s units=%s", name, kind, units);
	ck_assert_str_eq(m->unit, "bytes");
	ck_assert_uint_eq(m->batch, 1);
	ck_assert_uint_eq(m->n, 3);
	return m;
}

START_TEST(test_quick_smoke)
{
	struct run r;
	struct exp_result *res = run_memory(&r);
	static const char *const kinds[] = { "process", "thread" };
	static const char *const counts[] = { "1", "10" };

	ck_assert_uint_eq(res->n_skips, 0);
	for (size_t k = 0; k < 2; k++)
		for (size_t c = 0; c < 2; c++) {
			const struct metric *pss = find(res, "pss_per_unit", kinds[k], counts[c]);
			const struct metric *kern =
				find(res, "kernel_per_unit", kinds[k], counts[c]);
			const struct metric *total =
				find(res, "total_per_unit", kinds[k], counts[c]);
			if (k == 0) {
				ck_assert_msg(pss->sum.median > 0, "process pss at units=%s",
					      counts[c]);
				ck_assert_msg(total->sum.median > 0, "process total at units=%s",
					      counts[c]);
				/*
				 * Page tables and a kernel stack: a process has both, but
				 * the figure is a system-wide /proc/meminfo delta, and on
				 * a busy machine what the rest of the machine frees
				 * meanwhile can drown even ten units' worth (it did, with
				 * another test suite running beside): a sample below zero
				 * counts as 0 and is said, never a negative figure.
				 */
				ck_assert_msg(kern->sum.median >= 0, "process kernel at units=%s",
					      counts[c]);
			}
		}

	/* The sources are named: whether the per-CPU counters were folded is the form. */
	const struct ev_msg *src = exp_test_obs_msg(res, "kernel_source");
	ck_assert_ptr_nonnull(src->form);
	ck_assert_msg(strcmp(src->form, "memory.kernel_folded") == 0 ||
			      strcmp(src->form, "memory.kernel_unfolded") == 0,
		      "kernel_source %s", src->form);
	ck_assert_ptr_nonnull(strstr(exp_test_obs(res, "kernel_source"), "/proc/meminfo"));
	ck_assert_str_eq(exp_test_obs_msg(res, "pss_source")->form, "memory.pss_source");
	ck_assert_ptr_nonnull(strstr(exp_test_obs(res, "pss_source"), "smaps_rollup"));

	/* The thread stack: two sizes in bytes, virtual and resident. */
	const struct ev_msg *stack = exp_test_obs_msg(res, "thread_stack");
	ck_assert_ptr_nonnull(stack->form);
	ck_assert_str_eq(stack->form, "memory.thread_stack");
	ck_assert_uint_eq(stack->n_vals, 2);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(stack->vals[i].type, EV_NUM);
		ck_assert_str_eq(stack->vals[i].unit, "bytes");
	}
	ck_assert_msg(stack->vals[0].d > 0 && stack->vals[1].d > 0,
		      "thread stack %g virtual, %g resident", stack->vals[0].d, stack->vals[1].d);
	const char *phrase = exp_test_obs(res, "thread_stack");
	ck_assert_ptr_nonnull(strstr(phrase, " virtual, "));
	ck_assert_ptr_nonnull(strstr(phrase, " resident"));

	/* The runner reaped the experiment and everything it left: no child here. */
	exp_test_no_children();
	run_free(&r);
}
END_TEST

/* Counts that do not ascend are refused before anything runs. */
START_TEST(test_check_order)
{
	void *params = calloc(1, exp_memory.params_size);
	char err[256];
	ck_assert_int_eq(param_apply_preset(exp_memory.params, exp_memory.n_params, params,
					    PRESET_QUICK, err, sizeof(err)),
			 0);
	const struct param *units = param_find(exp_memory.params, exp_memory.n_params, "units");
	ck_assert_ptr_nonnull(units);
	ck_assert_int_eq(param_parse(units, params, "10,1", err, sizeof(err)), 0);
	ck_assert_int_eq(exp_memory.check(params, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "memory.units"));
	free(params);
}
END_TEST

Suite *memory_suite(void)
{
	Suite *s = suite_create("memory");
	TCase *tc = tcase_create("smoke");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_quick_smoke);
	tcase_add_test(tc, test_check_order);
	suite_add_tcase(s, tc);
	return s;
}
