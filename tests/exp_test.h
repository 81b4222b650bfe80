// SPDX-License-Identifier: MIT
/*
 * The one way the experiment tests run an experiment: through the runner,
 * as a real run drives it, with the quick preset shrunk by settings.
 */
#ifndef PTLAB_TESTS_EXP_TEST_H
#define PTLAB_TESTS_EXP_TEST_H

#include <stddef.h>

#include "runner/experiment.h"
#include "model/run.h"

struct exp_test_opts {
	const char *self_exe; /* the program for exec probes, or NULL */
	size_t max_cpus;      /* use at most this many CPUs (0: every allowed one) */
	size_t n_cpus;	      /* out: how many it used */
	enum outcome outcome; /* the outcome asserted (OUTCOME_OK when zeroed) */
};

/*
 * Runs e with its quick preset and then settings (NULL-terminated "name",
 * "value" pairs, each asserted to parse, the joint check asserted to pass)
 * on the CPUs this process may use, seed 1. Fills r (initialised here) and
 * returns e's result, asserting it ended ok (or as opts->outcome says).
 * opts may be NULL.
 */
struct exp_result *exp_test_run(const struct experiment *e, const char *const *settings,
				struct exp_test_opts *opts, struct run *r);

/* An observation of res, asserted to be there. */
const char *exp_test_obs(const struct exp_result *res, const char *name);

/* Asserts no child of this process is left, living or unreaped. */
void exp_test_no_children(void);

#endif
