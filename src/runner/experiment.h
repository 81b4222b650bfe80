// SPDX-License-Identifier: MIT
/*
 * experiment: what an experiment is to the engine, and the few calls an
 * experiment makes. An experiment is one file that defines one const
 * descriptor (name, title, method, the claims it feeds, its parameters,
 * a run function); one line in src/experiments/catalog.c adds it.
 *
 * An experiment records, it never prints: exp_record() sends a metric with
 * every raw sample, exp_observe() a fact, exp_skip() a measurement it could
 * not take and why. Each goes to the runner at once (one JSON line over a
 * pipe), so what was measured survives if the experiment later crashes,
 * hangs or is interrupted.
 */
#ifndef PTLAB_RUNNER_EXPERIMENT_H
#define PTLAB_RUNNER_EXPERIMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/cleanup.h"
#include "core/clock.h"
#include "core/evidence.h"
#include "core/param.h"
#include "runner/chart.h"
#include "core/sampler.h"
#include "model/run.h"

/* What an experiment knows of the run; built by the runner. */
struct exp_ctx {
	int out_fd; /* results pipe to the runner */
	enum param_preset preset;
	uint64_t seed;
	const int *cpus; /* the CPUs experiments may use, ascending */
	size_t n_cpus;
	const char *self_exe; /* a program that exits at once when run with PTLAB_EXEC_PROBE */
	struct clock_info clock;
	/* The forms the experiment may use: its own, core/limit's, the common ones. */
	const struct ev_form *const *forms;
	const struct figure_decl *figures; /* the experiment's declared figures */
};

/* argv[1] that makes ptlab exit at once: the exec probe of `create`. */
#define PTLAB_EXEC_PROBE "--exec-probe"

/* Exit codes of an experiment process; anything else is a failure. */
enum exp_exit {
	EXP_EXIT_OK = 0,
	EXP_EXIT_FAILED = 1,
	EXP_EXIT_SKIPPED = 3,
};

struct experiment {
	const char *name;	   /* [a-z]+, unique, used on the command line */
	const char *title;	   /* N_(): one line */
	const char *method;	   /* N_(): what it measures and how, for `list` and `explain` */
	const char *const *claims; /* NULL-terminated claim ids it feeds */
	const struct param *params;
	size_t n_params;
	size_t params_size; /* sizeof the experiment's parameter struct */
	/*
	 * Runs in its own process. Returns 0, or the value of exp_fail() /
	 * exp_unsupported().
	 */
	int (*run)(struct exp_ctx *ctx, const void *params);
	uint64_t deadline_ns[2]; /* [PRESET_QUICK], [PRESET_FULL] */
	/*
	 * Optional: checks the parameters together (each is already inside
	 * its range). Returns 0, or -EINVAL with one sentence in err naming
	 * the parameters and what is accepted. Called before anything runs.
	 */
	int (*check)(const void *params, char *err, size_t errlen);
	/*
	 * Optional: the time these parameters need, generously; the runner's
	 * deadline is the larger of this and deadline_ns.
	 */
	uint64_t (*deadline)(const void *params);
	bool quick_suite; /* part of the default `ptlab` run */
	/*
	 * The sentences its observations, skips and reasons are phrased with
	 * (core/evidence.h), ending with {NULL, NULL}; NULL for none.
	 */
	const struct ev_form *forms;
	/*
	 * Every figure it records (model/run.h), ending with names NULL. The
	 * claims, the charts and the tests refer only to declared figures; the
	 * test build aborts on a record of an undeclared one.
	 */
	const struct figure_decl *figures;
	/* The charts of the HTML report (runner/chart.h), ending with id NULL; NULL: none. */
	const struct chart_decl *charts;
};

/* What every experiment's evidence may be phrased with besides its own forms. */
void exp_forms(const struct experiment *exp, const struct ev_form *out[4]);

/*
 * Sends a metric: name, unit of one operation, direction, the samples
 * (batch and raw totals) and its conditions. The caller keeps ownership.
 * Sending the same figure again (same name, unit, direction, batch and
 * conditions) adds a round to it: the runner merges the two, keeping the
 * sample count of each round.
 */
void exp_record(struct exp_ctx *ctx, const char *name, enum metric_unit unit, enum direction dir,
		const struct sample_set *s, const struct mparam *params, size_t n_params);
/*
 * Evidence (core/evidence.h): an observation, a skip, the end of the
 * experiment, each a form of the experiment's table (or of core/limit's,
 * or a common one; NULL for bare values) and typed values:
 *
 *     exp_observe(ctx, "iso.crash_process.signal", "crash.whole", ev_signal(SIGSEGV));
 *     exp_fact(ctx, "iso.crash_process", holds);
 *     exp_skip(ctx, "fork parent_bytes=4GiB", "create.no_memory", ev_num(need, "bytes"));
 *     return exp_unsupported(ctx, NULL, ev_nested(limit_note(LIMIT_FD, err, &note)));
 *
 * The test build aborts on a form the experiment's tables lack, or given
 * fewer values than its template reads.
 */
void exp_observe_msg(struct exp_ctx *ctx, const char *name, const struct ev_msg *m);
void exp_skip_msg(struct exp_ctx *ctx, const char *what, const struct ev_msg *m);
int exp_unsupported_msg(struct exp_ctx *ctx, const struct ev_msg *m);
int exp_fail_msg(struct exp_ctx *ctx, const struct ev_msg *m);
#define exp_observe(ctx, name, form, ...) exp_observe_msg(ctx, name, &EV_MSG_OF(form, __VA_ARGS__))
#define exp_skip(ctx, what, form, ...) exp_skip_msg(ctx, what, &EV_MSG_OF(form, __VA_ARGS__))
#define exp_unsupported(ctx, form, ...) exp_unsupported_msg(ctx, &EV_MSG_OF(form, __VA_ARGS__))
#define exp_fail(ctx, form, ...) exp_fail_msg(ctx, &EV_MSG_OF(form, __VA_ARGS__))
/* A fact the experiment decided: the word yes or no. */
void exp_fact(struct exp_ctx *ctx, const char *name, bool yes);

/* A line of progress, shown by the runner on stderr when progress is on (not evidence). */
void exp_progress(struct exp_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The i-th CPU the experiment may use (wrapping around the list). */
int exp_cpu(const struct exp_ctx *ctx, size_t i);

/*
 * A sampler configuration for this run: min/max samples and the time
 * budget per metric given by the caller (usually the experiment's own
 * parameters), the batch target from the calibrated clock.
 */
struct sampler_cfg exp_sampler_cfg(const struct exp_ctx *ctx, uint32_t min_samples,
				   uint32_t max_samples, uint64_t budget_ns, uint64_t max_batch);

/*
 * The configuration for one round of a figure measured in `rounds` rounds:
 * samples and max_samples shared out exactly (the first rounds take the
 * remainder, each round at least one sample), a 1/rounds share of the
 * budget, and the batch the first round found (0 in the first round: it
 * calibrates), so that every raw sample of the figure holds as many
 * operations.
 */
struct sampler_cfg exp_sampler_round(const struct exp_ctx *ctx, uint32_t samples,
				     uint32_t max_samples, uint64_t budget_ns, uint32_t rounds,
				     uint32_t round, uint64_t batch, uint64_t max_batch);

/* Helpers to build metric conditions on the stack. */
struct mparam mparam_num(const char *key, int64_t v, char *buf, size_t size);
struct mparam mparam_str(const char *key, const char *v);

#endif
