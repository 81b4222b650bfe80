// SPDX-License-Identifier: MIT
/*
 * run: the result model. A run holds the environment it ran in and one
 * result per experiment; a result holds metrics (named, with parameters, a
 * unit, and every raw sample) and observations (facts seen). Experiments
 * fill it, the claims judge it, the renderers print it, and JSON carries it
 * to disk and back (model/json.h), so a saved run can be judged again.
 *
 * Raw samples are integers: each is the total of one batch (nanoseconds for
 * a time, bytes for a size...) and the value per operation is raw / batch.
 * This keeps JSON exact and lets a reader redo every statistic.
 */
#ifndef PTLAB_MODEL_RUN_H
#define PTLAB_MODEL_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evidence.h"
#include "core/modes.h"
#include "core/stats.h"
#include "core/sysinfo.h"

#define RUN_SCHEMA "ptlab-run"
#define RUN_SCHEMA_VERSION 2

enum direction {
	DIR_LOWER_IS_BETTER,  /* latencies, costs */
	DIR_HIGHER_IS_BETTER, /* bandwidths, throughputs */
	DIR_NONE,	      /* plain quantities (counts, sizes) */
};

/* The unit of one operation of a figure; its JSON name by metric_unit_name(). */
enum metric_unit {
	MU_NS,		   /* "ns": a time */
	MU_BYTES,	   /* "bytes": a size */
	MU_REQUESTS_PER_S, /* "requests/s": a throughput */
	MU_REQUESTS,	   /* "requests": a number of requests */
	MU_TASKS,	   /* "tasks": processes and threads */
	MU_COUNT,	   /* "count": anything else counted */
	MU_COUNT_OF,
};

/*
 * The figures an experiment records, declared once in its descriptor:
 * every name of the group shares the unit, the direction and the keys of
 * its conditions (a figure may carry fewer). A table ends with names NULL.
 */
struct figure_decl {
	const char *const *names; /* NULL-terminated */
	enum metric_unit unit;
	enum direction dir;
	const char *const *conditions; /* NULL-terminated condition keys, or NULL for none */
};

/* One condition of a metric: "parent_bytes" = 1073741824, "placement" = "same-cpu". */
struct mparam {
	char *key;
	char *str;   /* always set: the value as text */
	int64_t num; /* the value when is_num */
	bool is_num;
};

struct metric {
	char *name; /* e.g. "fork", "pthread_create" */
	char *unit; /* of one operation: "ns", "bytes", "count" */
	enum direction dir;
	struct mparam *params;
	size_t n_params;
	uint64_t batch; /* operations per raw sample, >= 1 */
	uint64_t *raw;	/* n raw samples, each the total of one batch */
	size_t n;
	size_t warmup; /* batches run and discarded before raw[0] */
	/*
	 * Samples per round, in order, when the figure was taken in several
	 * rounds (they add up to n); NULL and 0 for a single round.
	 */
	size_t *rounds;
	size_t n_rounds;
	struct summary sum; /* of raw[i] / batch; recomputed, never read from JSON */
	/*
	 * The largest round median over the smallest (1 for one round): how
	 * much the machine's state moved between rounds, which the interval
	 * of the median, drawn from all samples at once, cannot show.
	 */
	double round_spread;
	/*
	 * The modes of raw[i] / batch (core/modes.h), recomputed with sum:
	 * count 1 for a figure with one mode, more where the machine gave
	 * two figures in one (a cross-CPU round trip on two placements).
	 */
	struct modes modes;
};

/*
 * A fact seen, as evidence (core/evidence.h): "iso.crash_process" = the
 * word yes; "thread_stack" = form thread_stack with 8 MiB and 12 KiB.
 * Owned: every string of msg is the observation's.
 */
struct observation {
	char *name;
	struct ev_msg msg;
};

/* A measurement that could not be taken, and why (evidence, phrased when read). */
struct skip {
	char *what; /* metric name, with its condition: "fork parent_bytes=4GiB" */
	struct ev_msg reason;
};

enum outcome {
	OUTCOME_OK,	     /* ran to the end */
	OUTCOME_SKIPPED,     /* unsupported here: reason says why */
	OUTCOME_FAILED,	     /* returned an error: reason says which */
	OUTCOME_CRASHED,     /* killed by a signal it did not expect: signal set */
	OUTCOME_TIMED_OUT,   /* overran its deadline and was killed */
	OUTCOME_INTERRUPTED, /* the user stopped the run (SIGINT/SIGTERM/SIGHUP) */
	OUTCOME_NOT_RUN,     /* never started (an earlier interruption) */
};

struct exp_result {
	char *name;
	enum outcome outcome;
	struct ev_msg reason; /* empty (ev_msg_empty) when OK */
	int signal;	      /* for OUTCOME_CRASHED, else 0 */
	int exit_code;	      /* the experiment process's exit code, -1 if signalled */
	uint64_t duration_ns;
	struct mparam *params; /* resolved parameters, as given to the experiment */
	size_t n_params;
	struct metric *metrics;
	size_t n_metrics;
	struct observation *obs;
	size_t n_obs;
	struct skip *skips;
	size_t n_skips;
	size_t cap_metrics, cap_obs, cap_skips, cap_params; /* growth bookkeeping */
};

struct run {
	unsigned schema_version; /* RUN_SCHEMA_VERSION, or what a loaded file said */
	char *ptlab_version;
	char *started; /* ISO 8601 UTC, e.g. "2026-11-22T23:10:00Z" */
	char *preset;  /* "quick" or "full" */
	uint64_t seed; /* bootstrap and any randomised order */
	char *cpus;    /* the --cpus list as given, or "all" */
	struct sysinfo env;
	struct exp_result *results;
	size_t n_results, cap_results;
};

/*
 * Lifecycle. run_free and exp_result_free release everything they own.
 * Every add function copies what it is given. A pointer returned by
 * run_add_result or exp_result_add_metric is valid until the next
 * addition to the same array.
 */
void run_init(struct run *r);
void run_free(struct run *r);
struct exp_result *run_add_result(struct run *r, const char *name);
const struct exp_result *run_find_result(const struct run *r, const char *name);

void exp_result_init(struct exp_result *e, const char *name);
void exp_result_free(struct exp_result *e);
void exp_result_set_reason(struct exp_result *e, const struct ev_msg *reason);

/* Appends a copy of m (deep: names, params, samples) and summarises it. */
struct metric *exp_result_add_metric(struct exp_result *e, const struct metric *m);
/*
 * Adds m's samples to the same figure already in e (same name, unit,
 * direction, batch and conditions: an earlier round), or appends m.
 */
struct metric *exp_result_merge_metric(struct exp_result *e, const struct metric *m);
void exp_result_add_obs(struct exp_result *e, const char *name, const struct ev_msg *msg);
void exp_result_add_skip(struct exp_result *e, const char *what, const struct ev_msg *reason);
void exp_result_add_param(struct exp_result *e, const char *key, const char *str, bool is_num,
			  int64_t num);

void metric_free(struct metric *m);
/* Recomputes m->sum from raw / batch. Returns 0, or -EINVAL with n == 0. */
int metric_summarize(struct metric *m);
/* Per-operation values raw[i] / batch into a new array of m->n doubles (caller frees). */
double *metric_values(const struct metric *m);
/* A parameter of a metric or NULL. */
const struct mparam *metric_param(const struct metric *m, const char *key);

/*
 * Whether m's params meet every condition of where (NULL-terminated
 * "key=value" strings, values compared as text; a bare key asks only that
 * it be present; NULL: no condition). The one condition match of ptlab.
 */
bool metric_matches(const struct metric *m, const char *const *where);

/*
 * Finds a metric of e by name whose params include every key=value pair
 * given in the NULL-terminated list of "key=value" strings (values compared
 * as text; an entry without '=' asks only that the key be present). where
 * may be NULL. Returns the first match or NULL.
 */
const struct metric *exp_result_find_metric(const struct exp_result *e, const char *name,
					    const char *const *where);
/* The observation called name, or NULL. */
const struct ev_msg *exp_result_obs(const struct exp_result *e, const char *name);
/*
 * The word or token of an observation that is one bare word or token
 * ("yes", "no", "madvise"), else NULL: what a fact claim and a guard read.
 */
const char *exp_result_obs_word(const struct exp_result *e, const char *name);

/*
 * The cross-CPU figures of r (condition placement=cross-cpu) whose modes
 * came in stretches of time (modes_in_stretches): the trace a move of the
 * vCPUs by the host leaves, since inside a virtual machine placement
 * itself cannot be seen. Returns how many; *first (nullable) receives the
 * first of them and *experiment (nullable) its experiment's name.
 */
size_t run_placement_moves(const struct run *r, const struct metric **first,
			   const char **experiment);

/* Stable names for JSON ("ok", "skipped", "timed_out"...). */
const char *outcome_name(enum outcome o);
int outcome_from_name(const char *s, enum outcome *out);
const char *direction_name(enum direction d);
const char *metric_unit_name(enum metric_unit u);
/* The declaration of figure name in decls (NULL-terminated by names), or NULL. */
const struct figure_decl *figure_declared(const struct figure_decl *decls, const char *name);

/*
 * How e ended, as one translated sentence: "the create experiment timed
 * out: ...", with its reason already phrased (reason may be NULL).
 */
char *outcome_describe(const struct exp_result *e, const char *reason, char *buf, size_t size);
const char *outcome_sentence(enum outcome o);
/* How an experiment ended, one translated word or two ("timed out"); the JSON keeps outcome_name(). */
const char *outcome_label(enum outcome o);
int direction_from_name(const char *s, enum direction *out);

#endif
