// SPDX-License-Identifier: MIT
/* The shared runner of the experiment tests. See exp_test.h. */
#include "exp_test.h"

#include "experiments/catalog.h"

#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/clock.h"
#include "core/param.h"
#include "runner/runner.h"
#include "core/unit.h"

struct exp_result *exp_test_run(const struct experiment *e, const char *const *settings,
				struct exp_test_opts *opts, struct run *r)
{
	static int cpus[CPU_SETSIZE];
	char err[256];
	void *params = calloc(1, e->params_size ? e->params_size : 1);
	ck_assert_ptr_nonnull(params);
	ck_assert_msg(param_apply_preset(e->params, e->n_params, params, PRESET_QUICK, err,
					 sizeof(err)) == 0,
		      "%s: %s", e->name, err);
	for (const char *const *kv = settings; kv && kv[0]; kv += 2) {
		const struct param *p = param_find(e->params, e->n_params, kv[0]);
		ck_assert_msg(p != NULL, "%s has no parameter %s", e->name, kv[0]);
		ck_assert_msg(param_parse(p, params, kv[1], err, sizeof(err)) == 0, "%s=%s: %s",
			      kv[0], kv[1], err);
	}
	ck_assert_msg(!e->check || e->check(params, err, sizeof(err)) == 0, "%s", err);

	struct runner_opts o = {
		.preset = PRESET_QUICK,
		.seed = 1,
		.cpus = cpus,
		.n_cpus = unit_allowed_cpus(cpus, CPU_SETSIZE),
		.self_exe = opts ? opts->self_exe : NULL,
	};
	if (opts && opts->max_cpus && o.n_cpus > opts->max_cpus)
		o.n_cpus = opts->max_cpus;
	if (opts)
		opts->n_cpus = o.n_cpus;
	clock_calibrate(&o.clock);
	runner_setup();
	run_init(r);
	r->seed = 1;
	struct exp_result *res = run_add_result(r, e->name);
	ck_assert_int_eq(runner_run(&o, e, params, res), 0);
	free(params);
	ck_assert_msg(res->outcome == (opts ? opts->outcome : OUTCOME_OK), "%s: outcome %s: %s",
		      e->name, outcome_name(res->outcome), exp_test_reason(res));
	return res;
}

/* Eight rotating buffers: a test may hold a few phrases at once. */
static char *phrase_buf(void)
{
	static char bufs[8][2048];
	static unsigned next;
	return bufs[next++ % 8];
}

const struct ev_msg *exp_test_obs_msg(const struct exp_result *res, const char *name)
{
	const struct ev_msg *m = exp_result_obs(res, name);
	ck_assert_msg(m != NULL, "observation %s missing", name);
	return m;
}

const char *exp_test_obs(const struct exp_result *res, const char *name)
{
	return catalog_phrase(res->name, exp_test_obs_msg(res, name), phrase_buf(), 2048);
}

const char *exp_test_obs_or_null(const struct exp_result *res, const char *name)
{
	const struct ev_msg *m = exp_result_obs(res, name);
	return m ? catalog_phrase(res->name, m, phrase_buf(), 2048) : NULL;
}

const char *exp_test_said(const struct exp_result *res, const struct ev_msg *m)
{
	return catalog_phrase(res->name, m, phrase_buf(), 2048);
}

const char *exp_test_reason(const struct exp_result *res)
{
	return exp_test_said(res, &res->reason);
}

void exp_test_no_children(void)
{
	int status;
	errno = 0;
	ck_assert_int_eq(waitpid(-1, &status, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

const struct ev_msg *exp_test_obs_of(const struct exp_result *res, const char *name,
				     const char *form, size_t n)
{
	const struct ev_msg *m = exp_test_obs_msg(res, name);
	ck_assert_msg(form ? m->form && strcmp(m->form, form) == 0 : !m->form,
		      "%s is of form %s, not %s", name, m->form ? m->form : "(none)",
		      form ? form : "(none)");
	ck_assert_msg(m->n_vals == n, "%s has %zu values, not %zu", name, m->n_vals, n);
	return m;
}

int64_t exp_test_count(const struct ev_msg *m, size_t i)
{
	ck_assert_uint_lt(i, m->n_vals);
	ck_assert_int_eq(m->vals[i].type, EV_COUNT);
	return m->vals[i].i;
}

double exp_test_num(const struct ev_msg *m, size_t i, const char *unit)
{
	ck_assert_uint_lt(i, m->n_vals);
	ck_assert_int_eq(m->vals[i].type, EV_NUM);
	ck_assert_pstr_eq(m->vals[i].unit, unit);
	return m->vals[i].d;
}

void exp_test_named(const struct ev_msg *m, size_t i, enum ev_type type, const char *want)
{
	ck_assert_uint_lt(i, m->n_vals);
	ck_assert_msg(m->vals[i].type == type, "a %s, not a %s", ev_type_name(type),
		      ev_type_name(m->vals[i].type));
	ck_assert_str_eq(m->vals[i].s, want);
}
