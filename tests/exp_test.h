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

/* Messages for hand-made results: one token, one word. */
#define EV_TEXT(s) (&EV_MSG_OF(NULL, ev_token(s)))
#define EV_WORD(s) (&EV_MSG_OF(NULL, ev_word(s)))

/*
 * An observation of res, asserted to be there: as evidence, and phrased
 * in the test's language (English) in a buffer that lives until eight
 * more phrases are asked for.
 */
const struct ev_msg *exp_test_obs_msg(const struct exp_result *res, const char *name);
const char *exp_test_obs(const struct exp_result *res, const char *name);
/* The same, NULL when absent. */
const char *exp_test_obs_or_null(const struct exp_result *res, const char *name);
/*
 * Typed checks: the observation called name, asserted to be of form (NULL:
 * bare values) with n values; value i of a message asserted to be a count,
 * a number in unit, or a named value (signal, errno, word, token) equal to
 * want.
 */
const struct ev_msg *exp_test_obs_of(const struct exp_result *res, const char *name,
				     const char *form, size_t n);
int64_t exp_test_count(const struct ev_msg *m, size_t i);
double exp_test_num(const struct ev_msg *m, size_t i, const char *unit);
void exp_test_named(const struct ev_msg *m, size_t i, enum ev_type type, const char *want);

/* res's reason, and any message of res, phrased ("" when empty); same buffers. */
const char *exp_test_reason(const struct exp_result *res);
const char *exp_test_said(const struct exp_result *res, const struct ev_msg *m);

/* Asserts no child of this process is left, living or unreaped. */
void exp_test_no_children(void);

#endif
