// SPDX-License-Identifier: MIT
/*
 * Smoke test of the parallel experiment through the runner, its quick
 * preset shrunk: invariants only. Both kinds are measured at every unit
 * count for both kernels, with at least the minimum samples, in rounds
 * that each hold both kinds; every pipeline variant at the one batch given,
 * labelled with its kind and channel; the hash
 * loop's checksum is the same for every split and both kinds (the same
 * work was done); every pipeline variant and false-sharing layout is
 * measured or skipped with a reason. The evidence is asserted as data: the
 * CPU count a count, each checksum one token, each speedup a factor and an
 * efficiency. No time and no speedup's value is asserted.
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

#define MIN_SAMPLES 10
#define ROUNDS 5
#define BATCH 64

static struct exp_result *run_parallel(struct run *r, size_t *n_cpus)
{
	static const char *const settings[] = { "work",	      "400k", "mem_buffer",  "1MiB",
						"mem_passes", "8",    "samples",     "10",
						"rounds",     "5",    "max_samples", "20",
						"budget",     "20ms", "batch",	     "64",
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
		if (strcmp(res->skips[i].what, what) == 0 && !ev_msg_empty(&res->skips[i].reason))
			return true;
	return false;
}

/* The token of an observation that is one bare token (a checksum), asserted so. */
static const char *token_obs(const struct exp_result *res, const char *name)
{
	const struct ev_msg *m = exp_test_obs_msg(res, name);
	ck_assert_msg(m->form == NULL && m->n_vals == 1 && m->vals[0].type == EV_TOKEN,
		      "%s is not one token: %s", name, exp_test_said(res, m));
	ck_assert_uint_eq(strlen(m->vals[0].s), 16);
	return m->vals[0].s;
}

/* A speedup: a factor over one unit and an efficiency in percent, both positive. */
static void check_speedup(const struct exp_result *res, const char *name)
{
	const struct ev_msg *m = exp_test_obs_msg(res, name);
	ck_assert_msg(m->form && strcmp(m->form, "parallel.speedup") == 0 && m->n_vals == 2,
		      "%s: %s", name, exp_test_said(res, m));
	ck_assert_int_eq(m->vals[0].type, EV_NUM);
	ck_assert_str_eq(m->vals[0].unit, "x");
	ck_assert_msg(m->vals[0].d > 0, "%s: %s", name, exp_test_said(res, m));
	ck_assert_int_eq(m->vals[1].type, EV_NUM);
	ck_assert_str_eq(m->vals[1].unit, "percent");
	ck_assert_msg(m->vals[1].d > 0, "%s: %s", name, exp_test_said(res, m));
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

	const struct ev_msg *ncpu = exp_test_obs_msg(res, "ncpu");
	ck_assert_msg(ncpu->form == NULL && ncpu->n_vals == 1 && ncpu->vals[0].type == EV_COUNT,
		      "ncpu: %s", exp_test_said(res, ncpu));
	ck_assert_int_eq(ncpu->vals[0].i, (int64_t)n_cpus);

	const char *checksum = token_obs(res, "cpu_work.checksum");
	for (size_t k = 0; k < 2; k++) {
		const char *mem_first = NULL;
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
				/* Taken in rounds, both kinds in each: two samples a round. */
				ck_assert_uint_eq(m->n_rounds, ROUNDS);
				for (size_t i = 0; i < m->n_rounds; i++)
					ck_assert_uint_eq(m->rounds[i], MIN_SAMPLES / ROUNDS);

				/* The same work for every split and both kinds. */
				snprintf(key, sizeof(key), "%s.checksum %s units=%zu", kernels[k],
					 kinds[kind], n);
				const char *sum = token_obs(res, key);
				if (k == 0)
					ck_assert_str_eq(sum, checksum);
				else if (!mem_first)
					mem_first = sum;
				else
					ck_assert_str_eq(sum, mem_first);
				snprintf(key, sizeof(key), "%s speedup %s units=%zu", kernels[k],
					 kinds[kind], n);
				check_speedup(res, key);
			}
	}

	/* Every split did the same work: no figure says otherwise. */
	for (size_t i = 0; i < res->n_obs; i++)
		ck_assert_msg(!res->obs[i].msg.form || strcmp(res->obs[i].msg.form,
							      "parallel.checksum_differs") != 0,
			      "%s: %s", res->obs[i].name, exp_test_said(res, &res->obs[i].msg));

	/* Every variant labelled with its kind and channel, all at the one batch. */
	static const char *const variants[][3] = { { "threads_queue", "thread", "shm_futex" },
						   { "processes_pipe", "process", "pipe" },
						   { "processes_shm", "process", "shm_futex" } };
	for (size_t v = 0; v < 3; v++) {
		char vw[48], kw[48], cw[48], what[64];
		snprintf(vw, sizeof(vw), "variant=%s", variants[v][0]);
		snprintf(kw, sizeof(kw), "kind=%s", variants[v][1]);
		snprintf(cw, sizeof(cw), "channel=%s", variants[v][2]);
		snprintf(what, sizeof(what), "pipeline %s", variants[v][0]);
		const char *const where[] = { vw, kw, cw, NULL };
		const struct metric *m = exp_result_find_metric(res, "pipeline", where);
		ck_assert_msg(m != NULL || skipped(res, what), "%s neither measured nor skipped",
			      what);
		if (m)
			check_metric(m, BATCH);
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

/* Every round takes at least one sample: more rounds than samples is refused. */
START_TEST(test_rounds_above_samples)
{
	const struct param *p = exp_parallel.params;
	void *params = calloc(1, exp_parallel.params_size);
	char err[256] = "";
	ck_assert_ptr_nonnull(params);
	ck_assert_int_eq(param_apply_preset(p, exp_parallel.n_params, params, PRESET_QUICK, err,
					    sizeof(err)),
			 0);
	ck_assert_int_eq(exp_parallel.check(params, err, sizeof(err)), 0);
	ck_assert_int_eq(param_parse(param_find(p, exp_parallel.n_params, "rounds"), params, "11",
				     err, sizeof(err)),
			 0);
	ck_assert_int_ne(exp_parallel.check(params, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "rounds"));
	free(params);
}
END_TEST

Suite *parallel_suite(void)
{
	Suite *s = suite_create("parallel");
	TCase *tc = tcase_create("smoke");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_quick_smoke);
	tcase_add_test(tc, test_rounds_above_samples);
	suite_add_tcase(s, tc);
	return s;
}
