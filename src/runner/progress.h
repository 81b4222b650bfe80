// SPDX-License-Identifier: MIT
/*
 * progress: what a run says on stderr while it runs, and how long it
 * expects to take.
 *
 * On a terminal, one line rewritten in place (\r, then the line, then
 * clear-to-end-of-line):
 *
 *     [3/9] ipc  12.4 s  about 20 s left — round 1 of 2: pipe
 *
 * the experiment's place in the run, its name, the time since the run
 * began, the time left, and the experiment's own last progress text
 * (exp_progress()) as the tail, cut to the terminal's width. The line is
 * cleared after each experiment (so a message about it starts on a clean
 * line) and at the end. Elsewhere (a file, a pipe, TERM=dumb), one plain
 * line per experiment as it starts, the same line without the tail.
 *
 * The time left is the sum of the estimates of what has not run, less
 * what the running experiment has spent of its own. An experiment's
 * estimate is its duration in the last run on this machine, when that
 * run used the same preset, the preset's own parameters and as many CPUs;
 * else what its parameters say (progress.c). The durations are kept in
 * one small file, DIR/ptlab/durations, DIR being $XDG_CACHE_HOME or
 * ~/.cache: a cache, never needed, never a reason to fail, and written
 * only into a folder of this user's that no one else can write, over a
 * file proven to be ptlab's (ptlab runs as root on other people's
 * machines).
 */
#ifndef PTLAB_RUNNER_PROGRESS_H
#define PTLAB_RUNNER_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/param.h"
#include "model/run.h"
#include "runner/experiment.h"

enum progress_style {
	PROGRESS_NONE,	/* nothing shown; durations still kept */
	PROGRESS_LINES, /* one line per experiment as it starts */
	PROGRESS_LIVE,	/* one line rewritten in place: a terminal */
};

/* One experiment of the run, in the order it runs. */
struct progress_step {
	const struct experiment *exp;
	const void *params;
};

struct progress;

/*
 * Begins the progress of a run of steps[0..n) (the array must outlive the
 * progress) under preset on n_cpus CPUs, written to out in style.
 * cache_dir is the folder that holds (or will hold) ptlab/durations, NULL
 * for none (progress_cache_dir()). The clock of the run starts now.
 */
struct progress *progress_begin(FILE *out, enum progress_style style,
				const struct progress_step *steps, size_t n,
				enum param_preset preset, size_t n_cpus, const char *cache_dir);

/*
 * The experiment exp starts: the next step, which must be exp. Shows the
 * line (a plain line is written here, and only here).
 */
void progress_start(struct progress *p, const struct experiment *exp);
/* The running experiment's own progress text: the live line's tail. */
void progress_note(struct progress *p, const char *text);
/* Time passes: the live line is drawn again. Nothing in the other styles. */
void progress_tick(struct progress *p);
/* The running experiment ended as res says (its outcome and duration); the live line goes. */
void progress_end(struct progress *p, const struct exp_result *res);
/*
 * Ends the run: clears the live line, keeps the durations of the
 * experiments that ended well (when the cache can be written), frees p.
 * NULL does nothing.
 */
void progress_finish(struct progress *p);

/* Whether the live line is shown: the runner then looks at the clock more often. */
bool progress_is_live(const struct progress *p);

/*
 * The estimated nanoseconds left of the run now, for the line and the
 * tests.
 */
uint64_t progress_left_ns(const struct progress *p);

/*
 * The folder for ptlab's cache: $XDG_CACHE_HOME when it is an absolute
 * path, else $HOME/.cache. Returns 0, or -ENOENT when neither is set, or
 * -ENAMETOOLONG.
 */
int progress_cache_dir(char *buf, size_t size);

#endif
