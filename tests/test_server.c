// SPDX-License-Identifier: MIT
/*
 * Smoke test of the server experiment through the runner, its quick preset
 * shrunk (short loads, three poison windows): invariants only. Every model
 * has every figure for keep-alive and churn, with and without work; the
 * poison kills what the model says it should (the threads and the event
 * loop lose the server every time and are restarted by ptlab, the process
 * models live on, prefork restarting its worker); a dead server loses more
 * requests than a living one; the claim gets all its parts; nothing is
 * left running. No throughput, latency or size is asserted.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "claims/claims.h"
#include "core/httpd.h"
#include "model/run.h"
#include "exp_test.h"
#include "suites.h"

extern const struct experiment exp_server;

#define POISONS 3

static const struct metric *find(const struct exp_result *res, const char *name, const char *model,
				 const char *load, const char *work)
{
	char m[64], l[32], w[32];
	snprintf(m, sizeof(m), "model=%s", model);
	snprintf(l, sizeof(l), "load=%s", load);
	snprintf(w, sizeof(w), "work_us=%s", work);
	const char *const where[] = { m, load ? l : NULL, NULL, NULL };
	const char *const where_all[] = { m, l, w, NULL };
	const struct metric *found = exp_result_find_metric(res, name, load ? where_all : where);
	ck_assert_msg(found != NULL, "no %s for %s %s %s", name, model, load ? load : "",
		      load ? work : "");
	ck_assert_uint_eq(found->batch, 1);
	ck_assert_uint_gt(found->n, 0);
	return found;
}

START_TEST(test_quick_smoke)
{
	static const char *const settings[] = { "duration",    "200ms", "poisons", "3",
						"window",      "120ms", "workers", "4",
						"connections", "4",	"work_us", "50",
						NULL };
	static const char *const loads[] = { "keepalive", "churn" };
	static const char *const works[] = { "0", "50" };
	struct run r;
	struct exp_result *res = exp_test_run(&exp_server, settings, NULL, &r);

	ck_assert_uint_eq(res->n_skips, 0);
	ck_assert_ptr_nonnull(exp_test_obs(res, "placement"));
	for (int mi = 0; mi < HTTPD_MODEL_COUNT; mi++) {
		enum httpd_model model = (enum httpd_model)mi;
		const char *name = httpd_model_name(model);
		for (size_t l = 0; l < 2; l++)
			for (size_t w = 0; w < 2; w++) {
				const struct metric *t =
					find(res, "throughput", name, loads[l], works[w]);
				ck_assert_str_eq(t->unit, "requests/s");
				ck_assert_int_eq(t->dir, DIR_HIGHER_IS_BETTER);
				/* Some slice served (a loaded machine may stall many of them). */
				uint64_t served = 0;
				for (size_t i = 0; i < t->n; i++)
					served += t->raw[i];
				ck_assert_msg(served > 0, "%s %s served nothing", name, loads[l]);
				ck_assert_str_eq(
					find(res, "latency", name, loads[l], works[w])->unit, "ns");
				find(res, "server_pss", name, loads[l], works[w]);
				const struct metric *tasks =
					find(res, "server_tasks", name, loads[l], works[w]);
				ck_assert_msg(tasks->sum.median >= 1, "%s has no task", name);
				char obs[160];
				snprintf(obs, sizeof(obs),
					 "latency_percentiles model=%s load=%s work_us=%s", name,
					 loads[l], works[w]);
				ck_assert_ptr_nonnull(strstr(exp_test_obs(res, obs), "p99.9="));
			}
		/* One loss figure per poison, the poisoned request counted in each. */
		const struct metric *lost = find(res, "poison_lost", name, NULL, NULL);
		ck_assert_uint_eq(lost->n, POISONS);
		for (size_t i = 0; i < lost->n; i++)
			ck_assert_uint_ge(lost->raw[i], 1);
		const struct metric *starts = find(res, "server_start", name, NULL, NULL);
		char obs[96];
		snprintf(obs, sizeof(obs), "poison model=%s", name);
		const char *what = exp_test_obs(res, obs);
		if (httpd_model_shares_fate(model)) {
			/* Dead every time, started again before every later window. */
			ck_assert_ptr_nonnull(strstr(what, "lived through 0 of 3"));
			ck_assert_uint_eq(starts->n, POISONS);
		} else {
			ck_assert_ptr_nonnull(strstr(what, "lived through 3 of 3"));
			ck_assert_uint_eq(starts->n, 1);
		}
		snprintf(obs, sizeof(obs), "timeline model=%s", name);
		ck_assert_ptr_nonnull(strstr(exp_test_obs(res, obs), " failed="));
	}
	/* The prefork master restarted its worker after every poison. */
	ck_assert_uint_eq(find(res, "worker_restart", "prefork", NULL, NULL)->n, POISONS);
	/* A dead server loses more than a live one. */
	ck_assert(find(res, "poison_lost", "thread_pool", NULL, NULL)->sum.median >
		  find(res, "poison_lost", "prefork", NULL, NULL)->sum.median);
	ck_assert(find(res, "poison_lost", "event_loop", NULL, NULL)->sum.median >
		  find(res, "poison_lost", "process_per_connection", NULL, NULL)->sum.median);

	struct verdict v;
	claims_judge(claims_find("app.server"), &r, &v);
	ck_assert_uint_eq(v.n_lines, 8);
	ck_assert_int_ne(v.status, V_NO_DATA);
	ck_assert_int_ne(v.status, V_NOT_MEASURED);
	run_free(&r);
	exp_test_no_children();
}
END_TEST

Suite *server_suite(void)
{
	Suite *s = suite_create("server");
	TCase *tc = tcase_create("smoke");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_quick_smoke);
	suite_add_tcase(s, tc);
	return s;
}
