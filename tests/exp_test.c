// SPDX-License-Identifier: MIT
/* The shared runner of the experiment tests. See exp_test.h. */
#include "exp_test.h"

#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
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
		      e->name, outcome_name(res->outcome), res->reason ? res->reason : "");
	return res;
}

const char *exp_test_obs(const struct exp_result *res, const char *name)
{
	const char *v = exp_result_obs(res, name);
	ck_assert_msg(v != NULL, "observation %s missing", name);
	return v;
}

void exp_test_no_children(void)
{
	int status;
	errno = 0;
	ck_assert_int_eq(waitpid(-1, &status, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}
