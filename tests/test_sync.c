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

/*
 * A race observation: form (sync.lost, or sync.lost_try with the try),
 * counts expected, seen, lost, each a count, lost = expected - seen.
 * Returns what was lost.
 */
static int64_t race_lost(const struct exp_result *res, const char *name, const char *form)
{
	const struct ev_msg *m = exp_test_obs_msg(res, name);
	ck_assert_msg(m->form && strcmp(m->form, form) == 0, "%s: %s", name,
		      exp_test_obs(res, name));
	ck_assert_uint_eq(m->n_vals, strcmp(form, "sync.lost_try") == 0 ? 4 : 3);
	for (size_t i = 0; i < m->n_vals; i++)
		ck_assert_int_eq(m->vals[i].type, EV_COUNT);
	ck_assert_int_gt(m->vals[0].i, 0);
	ck_assert_int_ge(m->vals[1].i, 0);
	ck_assert_int_eq(m->vals[2].i, m->vals[0].i - m->vals[1].i);
	if (m->n_vals == 4)
		ck_assert_int_ge(m->vals[3].i, 1);
	return m->vals[2].i;
}

/* Nothing lost under a primitive. */
static void none_lost(const struct exp_result *res, const char *name)
{
	ck_assert_msg(race_lost(res, name, "sync.lost") == 0, "%s: %s", name,
		      exp_test_obs(res, name));
}

/*
 * What a dead owner's mutex did: the form, the errno the lock returned,
 * and the end of the English phrase (the errno reads as the C library
 * words it, so only its name is asserted).
 */
static const struct ev_msg *dead_owner_is(const struct exp_result *res, const char *name,
					  const char *form, const char *errname, const char *tail)
{
	const struct ev_msg *m = exp_test_obs_msg(res, name);
	const char *said = exp_test_obs(res, name);
	ck_assert_msg(m->form && strcmp(m->form, form) == 0, "%s: %s", name, said);
	ck_assert_uint_ge(m->n_vals, 1);
	ck_assert_int_eq(m->vals[0].type, EV_ERRNO);
	ck_assert_str_eq(m->vals[0].s, errname);
	ck_assert_msg(strstr(said, errname) != NULL, "%s: %s", name, said);
	size_t n = strlen(said), k = strlen(tail);
	ck_assert_msg(n >= k && strcmp(said + n - k, tail) == 0, "%s: %s", name, said);
	return m;
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
			if (strcmp(res->skips[i].what, what) == 0 &&
			    !ev_msg_empty(&res->skips[i].reason))
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

	/* The facts are the bare word yes, as a fact claim reads them. */
	ck_assert_str_eq(exp_test_obs(res, "sync.race"), "yes");
	ck_assert_str_eq(exp_test_obs(res, "sync.process"), "yes");
	ck_assert_ptr_nonnull(exp_result_obs_word(res, "sync.race"));
	ck_assert_str_eq(exp_result_obs_word(res, "sync.race"), "yes");
	ck_assert_ptr_nonnull(exp_result_obs_word(res, "sync.process"));
	ck_assert_str_eq(exp_result_obs_word(res, "sync.process"), "yes");
	ck_assert_msg(race_lost(res, "sync.race.plain", "sync.lost_try") > 0, "%s",
		      exp_test_obs(res, "sync.race.plain"));
	ck_assert_msg(race_lost(res, "sync.process.plain", "sync.lost_try") > 0, "%s",
		      exp_test_obs(res, "sync.process.plain"));
	static const char *const kept[] = { "sync.race.atomic",	  "sync.race.mutex",
					    "sync.race.spinlock", "sync.race.semaphore",
					    "sync.process.mutex", "sync.process.semaphore" };
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		none_lost(res, kept[i]);
	dead_owner_is(res, "sync.robust", "sync.recovered", "EOWNERDEAD", ": recovered");
	const struct ev_msg *held =
		dead_owner_is(res, "sync.robust.plain", "sync.held", "ETIMEDOUT",
			      ": the lock stays held by a dead process");
	ck_assert_uint_eq(held->n_vals, 2);
	ck_assert_int_eq(held->vals[1].type, EV_NUM);
	ck_assert_str_eq(held->vals[1].unit, "ns");
	ck_assert(held->vals[1].d > 0);

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
