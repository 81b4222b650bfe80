// SPDX-License-Identifier: MIT
/*
 * Smoke test of the sync experiment through the runner, its quick preset
 * shrunk: the race loses updates without synchronisation and none with
 * it, for threads and for processes; the robust mutex is recovered and the
 * plain one stays held; every cost figure is measured (or skipped with a
 * reason) with sane samples. No absolute time is asserted: only that a
 * System V semaphore (two system calls) costs more than an atomic add.
 */
#include <check.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims/claims.h"
#include "core/clock.h"
#include "runner/experiment.h"
#include "core/param.h"
#include "runner/runner.h"
#include "core/unit.h"
#include "model/run.h"
#include "exp_test.h"

extern const struct experiment exp_sync;

Suite *sync_suite(void);

static struct exp_result *run_sync(struct run *r)
{
	static const char *const settings[] = { "budget", "10ms",     "samples", "3", "max_samples",
						"20",	  "race_ops", "100k",	 NULL };
	return exp_test_run(&exp_sync, settings, NULL, r);
}

/* "expected X, seen X, lost 0" */
static void none_lost(const struct exp_result *res, const char *name)
{
	const char *v = exp_test_obs(res, name);
	ck_assert_msg(strstr(v, ", lost 0") != NULL, "%s: %s", name, v);
}

static const struct metric *find(const struct exp_result *res, const char *name, const char *kind,
				 unsigned contenders)
{
	char k[32], c[32];
	snprintf(k, sizeof(k), "kind=%s", kind);
	snprintf(c, sizeof(c), "contenders=%u", contenders);
	const char *const where[] = { k, c, NULL };
	return exp_result_find_metric(res, name, where);
}

/* Measured with sane samples, or skipped with a reason. */
static void measured_or_skipped(const struct exp_result *res, const char *name, const char *kind,
				unsigned contenders)
{
	const struct metric *m = find(res, name, kind, contenders);
	if (!m) {
		char what[96];
		snprintf(what, sizeof(what), "%s %s contenders=%u", name, kind, contenders);
		bool skipped = false;
		for (size_t i = 0; i < res->n_skips; i++)
			if (strcmp(res->skips[i].what, what) == 0 && res->skips[i].reason[0])
				skipped = true;
		ck_assert_msg(skipped, "%s neither measured nor skipped", what);
		return;
	}
	ck_assert_str_eq(m->unit, "ns");
	ck_assert_uint_ge(m->n, 3);
	ck_assert_uint_le(m->n, 20);
	ck_assert(m->sum.median > 0);
	ck_assert(m->sum.ci_lo <= m->sum.median && m->sum.median <= m->sum.ci_hi);
}

START_TEST(test_quick_smoke)
{
	struct run r;
	struct exp_result *res = run_sync(&r);

	ck_assert_str_eq(exp_test_obs(res, "sync.race"), "yes");
	ck_assert_str_eq(exp_test_obs(res, "sync.process"), "yes");
	ck_assert_msg(strstr(exp_test_obs(res, "sync.race.plain"), ", lost 0") == NULL, "%s",
		      exp_test_obs(res, "sync.race.plain"));
	ck_assert_msg(strstr(exp_test_obs(res, "sync.process.plain"), ", lost 0") == NULL, "%s",
		      exp_test_obs(res, "sync.process.plain"));
	static const char *const kept[] = { "sync.race.atomic",	  "sync.race.mutex",
					    "sync.race.spinlock", "sync.race.semaphore",
					    "sync.process.mutex", "sync.process.semaphore" };
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		none_lost(res, kept[i]);
	ck_assert_str_eq(exp_test_obs(res, "sync.robust"), "EOWNERDEAD: recovered");
	ck_assert_str_eq(exp_test_obs(res, "sync.robust.plain"),
			 "ETIMEDOUT: the lock stays held by a dead process");

	static const char *const locks[] = { "atomic_add", "spinlock", "mutex",	       "rwlock",
					     "posix_sem",  "sysv_sem", "mutex_pshared" };
	static const char *const kinds[] = { "thread", "process" };
	for (size_t k = 0; k < 2; k++) {
		for (size_t l = 0; l < sizeof(locks) / sizeof(locks[0]); l++) {
			bool thread_only = strcmp(locks[l], "mutex_pshared") == 0;
			if (thread_only && k == 1) {
				ck_assert_ptr_null(find(res, locks[l], kinds[k], 1));
				continue;
			}
			measured_or_skipped(res, locks[l], kinds[k], 1);
			measured_or_skipped(res, locks[l], kinds[k], 2);
		}
		measured_or_skipped(res, "futex_handoff", kinds[k], 2);
		measured_or_skipped(res, "cond_handoff", kinds[k], 2);
	}
	/* Two system calls per operation cost more than one atomic instruction. */
	const struct metric *atomic = find(res, "atomic_add", "thread", 1);
	const struct metric *sysv = find(res, "sysv_sem", "thread", 1);
	ck_assert_ptr_nonnull(atomic);
	ck_assert_ptr_nonnull(find(res, "mutex", "thread", 1));
	ck_assert_ptr_nonnull(find(res, "mutex", "process", 2));
#ifndef __SANITIZE_THREAD__ /* TSan intercepts every atomic: it can cost as much as a system call */
	if (sysv)
		ck_assert_msg(sysv->sum.median > atomic->sum.median, "sysv %g <= atomic %g",
			      sysv->sum.median, atomic->sum.median);
#else
	(void)sysv;
#endif

	static const char *const fed[] = { "sync.race", "sync.cost", "sync.process" };
	for (size_t i = 0; i < 3; i++) {
		const struct claim *c = claims_find(fed[i]);
		if (!c)
			continue; /* not in the claims table yet */
		struct verdict v;
		claims_judge(c, &r, &v);
		ck_assert_msg(v.status != V_NOT_MEASURED && v.status != V_NO_DATA, "%s: %s (%s)",
			      fed[i], verdict_status_name(v.status), v.reason);
	}
	run_free(&r);
}
END_TEST

Suite *sync_suite(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("smoke");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_quick_smoke);
	suite_add_tcase(s, tc);
	return s;
}
