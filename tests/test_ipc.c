// SPDX-License-Identifier: MIT
/*
 * Smoke test of the ipc experiment through the runner, its quick preset
 * shrunk to two small sizes: invariants only. Every mechanism is measured
 * between processes and between threads, or skipped with a reason; the
 * machine's limits are there; a plain variable is not seen across fork
 * and a shared mapping is; the three claims get a verdict. No time is
 * asserted.
 */
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims/claims.h"
#include "core/channel.h"
#include "core/clock.h"
#include "core/param.h"
#include "runner/runner.h"
#include "core/unit.h"
#include "experiments/catalog.h"
#include "model/run.h"
#include "report/report.h"
#include "exp_test.h"
#include "suites.h"

/*
 * A figure of the channel for kind at `bytes` on one CPU, or a skip whose
 * reason is the one the mechanism gives for that size (never a failure).
 */
static void measured_or_skipped(const struct exp_result *res, const struct channel_ops *ops,
				const char *kind, const char *measure, size_t bytes)
{
	char k[32], m[32], b[32], p[32] = "placement=same-cpu";
	snprintf(k, sizeof(k), "kind=%s", kind);
	snprintf(m, sizeof(m), "measure=%s", measure);
	snprintf(b, sizeof(b), "bytes=%zu", bytes);
	if (strcmp(measure, "bandwidth") == 0)
		snprintf(p, sizeof(p), "placement=cross-cpu");
	const char *const where[] = { k, m, b, p, NULL };
	const struct metric *x = exp_result_find_metric(res, ops->name, where);
	if (x) {
		ck_assert_str_eq(x->unit, "ns");
		ck_assert_uint_ge(x->n, 3);
		ck_assert(x->sum.median > 0);
		return;
	}
	const char *why = channel_supports(ops, bytes);
	bool may_skip = why || (strcmp(measure, "bandwidth") == 0 && ops->lossy) ||
			strcmp(p, "placement=cross-cpu") == 0; /* one CPU: no cross-CPU figure */
	ck_assert_msg(may_skip, "%s %s %s %zu: not measured, and nothing says it cannot be",
		      ops->name, measure, kind, bytes);
	char what[96];
	snprintf(what, sizeof(what), "%s %s %s", ops->name, measure, kind);
	for (size_t i = 0; i < res->n_skips; i++)
		if (strncmp(res->skips[i].what, what, strlen(what)) == 0 &&
		    (!why || strcmp(res->skips[i].reason, why) == 0))
			return;
	ck_abort_msg("%s neither measured nor skipped for its reason", what);
}

START_TEST(test_quick_smoke)
{
	static const char *const settings[] = { "lat_sizes",   "1,64", "bw_sizes", "64,4KiB",
						"budget",      "3ms",  "samples",  "3",
						"max_samples", "20",   NULL };
	struct exp_test_opts o = { 0 };
	struct run r;
	struct exp_result *res = exp_test_run(catalog_find("ipc"), settings, &o, &r);

	for (size_t i = 0; channels[i]; i++) {
		measured_or_skipped(res, channels[i], "process", "latency", 64);
		measured_or_skipped(res, channels[i], "thread", "latency", 64);
		measured_or_skipped(res, channels[i], "thread", "bandwidth", 4096);
	}
	ck_assert_ptr_nonnull(exp_result_find_metric(res, "memcpy", NULL));
	if (o.n_cpus >= 2)
		ck_assert_ptr_nonnull(exp_result_find_metric(res, "cacheline", NULL));

	/* Copy-on-write keeps a plain variable apart; a shared mapping is shared. */
	ck_assert_str_eq(exp_result_obs(res, "plain_variable_seen"), "no");
	ck_assert_str_eq(exp_result_obs(res, "shared_mapping_seen"), "yes");

	static const char *const fed[] = { "ipc.needed", "ipc.faster_threads", "ipc.mechanisms" };
	for (size_t i = 0; i < 3; i++) {
		struct verdict v;
		claims_judge(claims_find(fed[i]), &r, &v);
		ck_assert_msg(v.status != V_NOT_MEASURED && v.status != V_NO_DATA, "%s: %s (%s)",
			      fed[i], verdict_status_name(v.status), v.reason);
	}
	struct verdict v;
	claims_judge(claims_find("ipc.needed"), &r, &v);
	ck_assert_int_eq(v.status, V_OBSERVED);

	/* Every verdict of this run, nuanced and table ones included, goes to JSON. */
	struct verdict *all = calloc(claims_count(), sizeof(*all));
	claims_judge_all(&r, all);
	json_t *j = report_verdicts_json(all, claims_count());
	ck_assert_ptr_nonnull(j);
	ck_assert_uint_eq(json_array_size(j), claims_count());
	json_decref(j);
	free(all);
	run_free(&r);
}
END_TEST

Suite *ipc_suite(void)
{
	Suite *s = suite_create("ipc");
	TCase *tc = tcase_create("smoke");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_quick_smoke);
	suite_add_tcase(s, tc);
	return s;
}
