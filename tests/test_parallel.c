// SPDX-License-Identifier: MIT
/*
 * Smoke test of the parallel experiment through the runner, its quick
 * preset shrunk: invariants only. Both kinds are measured at every unit
 * count for both kernels, with at least the minimum samples; the hash
 * loop's checksum is the same for every split and both kinds (the same
 * work was done); every pipeline variant and false-sharing layout is
 * measured or skipped with a reason. No time and no speedup is asserted.
 */
#include <check.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "runner/experiment.h"
#include "core/param.h"
#include "runner/runner.h"
#include "core/unit.h"
#include "model/run.h"
#include "exp_test.h"

Suite *parallel_suite(void);

extern const struct experiment exp_parallel;

#define MIN_SAMPLES 3

static struct exp_result *run_parallel(struct run *r, size_t *n_cpus)
{
	static const char *const settings[] = { "work",	       "400k", "mem_buffer", "1MiB",
						"mem_passes",  "8",    "samples",    "3",
						"max_samples", "20",   "budget",     "20ms",
						NULL };
	/* Enough to show every fill, few enough to stay quick on a big machine. */
	struct exp_test_opts o = { .max_cpus = 4 };
	struct exp_result *res = exp_test_run(&exp_parallel, settings, &o, r);
	*n_cpus = o.n_cpus;
	return res;
}

static bool skipped(const struct exp_result *res, const char *what)
{
	for (size_t i = 0; i < res->n_skips; i++)
		if (strcmp(res->skips[i].what, what) == 0 && res->skips[i].reason[0])
			return true;
	return false;
}

/* A metric with the unit, the minimum samples and a positive median. */
static void check_metric(const struct metric *m, uint64_t batch)
{
	ck_assert_str_eq(m->unit, "ns");
	ck_assert_uint_ge(m->n, MIN_SAMPLES);
	if (batch)
		ck_assert_uint_eq(m->batch, batch);
	ck_assert(m->sum.median > 0);
}

START_TEST(test_quick_smoke)
{
	struct run r;
	size_t n_cpus;
	struct exp_result *res = run_parallel(&r, &n_cpus);
	static const char *const kernels[] = { "cpu_work", "mem_work" };
	static const char *const kinds[] = { "process", "thread" };

	const char *checksum = exp_result_obs(res, "cpu_work.checksum");
	ck_assert_ptr_nonnull(checksum);
	for (size_t k = 0; k < 2; k++) {
		char mem_first[64] = "";
		for (size_t kind = 0; kind < 2; kind++)
			for (size_t n = 1; n <= n_cpus; n++) {
				char kw[32], uw[32], fw[32], key[96];
				snprintf(kw, sizeof(kw), "kind=%s", kinds[kind]);
				snprintf(uw, sizeof(uw), "units=%zu", n);
				snprintf(fw, sizeof(fw), "fill=%s",
					 n == n_cpus ? "ncpu" : "partial");
				const char *const where[] = { kw, uw, fw, NULL };
				const struct metric *m =
					exp_result_find_metric(res, kernels[k], where);
				ck_assert_msg(m != NULL, "no %s %s units=%zu", kernels[k],
					      kinds[kind], n);
				check_metric(m, 1);

				/* The same work for every split and both kinds. */
				snprintf(key, sizeof(key), "%s.checksum %s units=%zu", kernels[k],
					 kinds[kind], n);
				const char *sum = exp_result_obs(res, key);
				ck_assert_msg(sum != NULL, "no %s", key);
				if (k == 0) {
					ck_assert_str_eq(sum, checksum);
				} else if (!mem_first[0]) {
					snprintf(mem_first, sizeof(mem_first), "%s", sum);
				} else {
					ck_assert_str_eq(sum, mem_first);
				}
				snprintf(key, sizeof(key), "%s speedup %s units=%zu", kernels[k],
					 kinds[kind], n);
				const char *sp = exp_result_obs(res, key);
				ck_assert_msg(sp != NULL, "no %s", key);
				ck_assert_msg(atof(sp) > 0, "%s: %s", key, sp);
				ck_assert_ptr_nonnull(strstr(sp, "efficiency"));
			}
	}

	static const char *const variants[] = { "threads_queue", "processes_pipe",
						"processes_shm" };
	for (size_t v = 0; v < 3; v++) {
		char vw[48], what[64];
		snprintf(vw, sizeof(vw), "variant=%s", variants[v]);
		snprintf(what, sizeof(what), "pipeline %s", variants[v]);
		const char *const where[] = { vw, NULL };
		const struct metric *m = exp_result_find_metric(res, "pipeline", where);
		ck_assert_msg(m != NULL || skipped(res, what), "%s neither measured nor skipped",
			      what);
		if (m)
			check_metric(m, 0);
	}
	/* The shared ring between threads has nothing to refuse. */
	const char *const tq[] = { "variant=threads_queue", NULL };
	ck_assert_ptr_nonnull(exp_result_find_metric(res, "pipeline", tq));

	static const char *const layouts[] = { "same_line", "padded" };
	for (size_t l = 0; l < 2; l++) {
		char lw[48], what[64];
		snprintf(lw, sizeof(lw), "layout=%s", layouts[l]);
		snprintf(what, sizeof(what), "false_sharing %s", layouts[l]);
		const char *const where[] = { lw, NULL };
		const struct metric *m = exp_result_find_metric(res, "false_sharing", where);
		if (n_cpus < 2)
			ck_assert_msg(skipped(res, what), "%s not skipped on one CPU", what);
		else
			ck_assert_msg(m != NULL, "no %s", what);
		if (m)
			check_metric(m, 0);
	}
	run_free(&r);
}
END_TEST

Suite *parallel_suite(void)
{
	Suite *s = suite_create("parallel");
	TCase *tc = tcase_create("smoke");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_quick_smoke);
	suite_add_tcase(s, tc);
	return s;
}
