// SPDX-License-Identifier: MIT
/*
 * runner: runs one experiment in its own process, for the reason the seeds
 * give: a crash or a hang in one experiment must not take ptlab down.
 *
 * The experiment process gets its own process group, PR_SET_PDEATHSIG, the
 * CPUs of --cpus, and the write end of a pipe. The runner reads its records
 * as they come (so what was measured survives a crash), enforces the
 * deadline (SIGKILL to the whole group, outcome `timed_out`), watches for
 * SIGINT/SIGTERM/SIGHUP (outcome `interrupted`), reaps every process of the group
 * (ptlab is a child subreaper, so orphans come back to it), and sweeps the
 * named objects the experiment left (core/cleanup.h).
 */
#ifndef PTLAB_RUNNER_RUNNER_H
#define PTLAB_RUNNER_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runner/experiment.h"
#include "runner/progress.h"
#include "model/run.h"

struct runner_opts {
	enum param_preset preset;
	uint64_t seed;
	const int *cpus; /* NULL: every CPU this process may use */
	size_t n_cpus;
	const char *self_exe;
	struct progress *progress; /* shows the experiment and its progress texts; NULL: silent */
	uint64_t deadline_ns; /* 0: the larger of the preset's and the experiment's deadline() */
	struct clock_info clock;
};

/*
 * Installs SIGINT/SIGTERM/SIGHUP handlers that only set a flag (a closed
 * terminal stops the run as SIGTERM does; a SIGHUP ignored from the
 * start, as under nohup, stays ignored), makes this process a child
 * subreaper, and ignores SIGPIPE. Call once before runner_run().
 */
void runner_setup(void);

/*
 * Gives SIGINT, SIGTERM and SIGHUP back their default actions once the
 * experiments are over: a second Ctrl-C while the report is written ends
 * ptlab at once. SIGPIPE stays ignored: a report piped into a program that
 * stops reading must not lose the --json file written after it.
 */
void runner_teardown(void);

/* True once SIGINT, SIGTERM or SIGHUP arrived. */
bool runner_interrupted(void);
/* The signal that interrupted the run, or 0. */
int runner_interrupt_signal(void);

/*
 * Runs exp with the given (already validated) parameter struct and fills
 * out, which must be initialised with exp_result_init(). Returns 0 when
 * the experiment ended one way or another (out->outcome says how), or
 * -errno when it could not be started at all (out says why too). After
 * an interruption it starts nothing (outcome `not_run`) and announces
 * nothing: an experiment named by opts->progress is an experiment being
 * started.
 */
int runner_run(const struct runner_opts *opts, const struct experiment *exp, const void *params,
	       struct exp_result *out);

#endif
