// SPDX-License-Identifier: MIT
/*
 * claims: the catalogue of CLAIMS.md and the rules that judge a claim
 * from the result model alone. A claim is data: its id, the seeds that
 * make it, its kind, the row of the seeds' comparison table it belongs
 * to, the experiment and metrics that feed it, and its *why*: paragraphs
 * on the mechanism, each shown where this run's evidence says it applies
 * (claims/mechanism.h; the paragraphs are in claims/claims_why.c). Judging
 * is generic per kind (ratio, trend, fact), so a new claim is a new table
 * entry, not new code.
 */
#ifndef PTLAB_CLAIMS_CLAIMS_H
#define PTLAB_CLAIMS_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "claims/mechanism.h"
#include "core/stats.h"
#include "model/run.h"

#define CLAIM_THRESHOLD 1.25 /* T: a difference worth a choice */
#define CLAIM_MARGIN 1.10    /* E: the equivalence margin */
#define CLAIM_TREND_R2 0.80  /* a trend line must explain this much */
/*
 * Resamples for a ratio's interval. Each draws the two resampled medians
 * directly (core/stats.c), so the cost does not grow with the samples.
 */
#define CLAIM_BOOTSTRAP 2000
/*
 * Samples each side needs before a ratio gets an interval: a bootstrap of
 * one sample always collapses to a point, and of two has three distinct
 * medians; either would dress up a guess as a certainty.
 */
#define CLAIM_MIN_SAMPLES 3

enum claim_kind {
	CLAIM_FACT,
	CLAIM_RATIO,
	CLAIM_TREND,
	CLAIM_NUANCED,
	CLAIM_TABLE,
};

/* The rows of the seeds' comparison tables, in their order. */
enum aspect {
	ASPECT_NONE,
	ASPECT_DEFINITION,
	ASPECT_MEMORY,
	ASPECT_ISOLATION,
	ASPECT_CREATION,
	ASPECT_CRASH,
	ASPECT_PARALLEL,
	ASPECT_SWITCH,
	ASPECT_COMMUNICATION,
	ASPECT_OVERHEAD,
	ASPECT_USE_CASE,
	ASPECT_COUNT,
};

enum verdict_status {
	V_NOT_MEASURED, /* no experiment feeds this claim yet */
	V_NO_DATA,	/* an experiment does, but this run has no usable result */
	V_HOLDS,
	V_HOLDS_SMALL,
	V_NEGLIGIBLE,
	V_REVERSED_SMALL,
	V_REVERSED,
	V_INCONCLUSIVE,
	V_OBSERVED,
	V_NOT_OBSERVED,
	V_SPLIT, /* a nuanced claim whose parts disagree: each part has its verdict */
};

/* Sets of verdicts, for guards (claims/mechanism.h): VS(V_HOLDS) | VS(V_NEGLIGIBLE). */
#define VS(s) (1u << (s))
#define VS_HOLDS (VS(V_HOLDS) | VS(V_HOLDS_SMALL))
#define VS_REVERSED (VS(V_REVERSED) | VS(V_REVERSED_SMALL))

/* A metric selected by name and "key=value" conditions (NULL-terminated). */
struct metric_ref {
	const char *metric;
	const char *const *where;
};

/* One part of a nuanced claim: its own ratio of a over b. */
struct claim_part {
	const char *label; /* N_(); NULL ends the list */
	struct metric_ref a, b;
};

struct claim {
	const char *id;
	enum claim_kind kind;
	enum aspect aspect;
	const char *seeds;	     /* "000 002 003" or "all" */
	const char *text;	     /* N_(): the claim in short */
	const char *process_says;    /* N_(): the seeds' process cell, or NULL */
	const char *thread_says;     /* N_(): the seeds' thread cell, or NULL */
	const struct mechanism *why; /* the mechanism's paragraphs, ending with id NULL */
	double threshold, margin;    /* 0: CLAIM_THRESHOLD / CLAIM_MARGIN */
	/* CLAIM_RATIO: a / b, the process side over the thread side. */
	struct metric_ref a, b;
	/* CLAIM_TREND: a and b against x_param. */
	const char *x_param;
	/*
	 * NULL-terminated metric names reported beside a and b, never judged:
	 * fitted too for a trend, shown under a's conditions for a ratio.
	 */
	const char *const *others;
	/*
	 * CLAIM_RATIO with x_param: the ratio is judged at every value of
	 * x_param (one line each; the verdict is the one at the largest x),
	 * and baseline names a metric measured at the same x without the
	 * effect (the same work done alone), to report each side net of it.
	 */
	const char *baseline;
	/*
	 * CLAIM_FACT: the observation whose value "yes" or "no" the experiment
	 * decided; `others` then names the observations shown as evidence.
	 */
	const char *fact_obs;
	/* CLAIM_NUANCED: the parts, each judged as a ratio. */
	const struct claim_part *parts;
	/*
	 * CLAIM_TABLE: a.where selects the figures to rank (any name); the
	 * verdict is the ratio of the slowest to the fastest of those not
	 * named in `exclude` (shown apart, with the reason in the why text).
	 */
	const char *const *exclude;
	/*
	 * CLAIM_TABLE, optional: the figure (of the same experiment, with a
	 * "bytes" condition) that bounds the streams, each stream of the
	 * largest size shown as a share of it.
	 */
	const char *ceiling;
};

/* One side of a comparison, as the table shows it. */
struct side {
	const char *label; /* the metric's name; points into the run */
	const char *kind;  /* its "kind" condition (process, thread), or NULL */
	const char *unit;
	struct summary sum;
	double round_spread; /* largest round median over the smallest (struct metric) */
	bool set;
};

/* One fitted line of a trend verdict: y (per-op value) against x (the x_param). */
struct trend_line {
	const char *label;
	struct linear_fit fit;	   /* slope in y-unit per x-unit */
	double x0, x1;		   /* smallest and largest x */
	struct ratio_ci growth;	   /* median at x1 over median at x0, 95% CI */
	enum verdict_status grows; /* the ratio rule applied to growth */
	/*
	 * A ratio judged per x (x0 == x1 is that x; growth holds the ratio and
	 * grows its verdict): both sides' medians, and each net of the
	 * baseline (NaN without one; never below 0: below the resolution).
	 */
	double a_median, b_median, a_net, b_net, net_resolution;
	const char *unit; /* of a_median and b_median (a part's metrics); NULL: ns */
};

#define VERDICT_MAX_LINES 16
#define VERDICT_MAX_MECHANISMS 16

struct verdict {
	const struct claim *claim;
	enum verdict_status status;
	char reason[256]; /* why there is no firm verdict, translated */
	struct side a, b;
	struct ratio_ci ratio; /* CLAIM_RATIO */
	double threshold, margin;
	struct trend_line lines[VERDICT_MAX_LINES]; /* CLAIM_TREND: a, b, then others */
	size_t n_lines;
	/* The paragraphs of claim->why chosen by this run's evidence, in the claim's order. */
	struct mech_choice mechanisms[VERDICT_MAX_MECHANISMS];
	size_t n_mechanisms;
};

/* The catalogue, in CLAIMS.md order, ending with an entry whose id is NULL. */
extern const struct claim claims[];

const struct claim *claims_find(const char *id);

/*
 * The name of the experiment that feeds c (the one whose descriptor lists
 * c's id: the link is stored there only), or NULL while none does.
 */
const char *claim_experiment(const struct claim *c);

/* Judges c from r alone, and chooses its paragraphs (mechanism_choose()). Always fills v. */
void claims_judge(const struct claim *c, const struct run *r, struct verdict *v);

/* Number of claims in the catalogue. */
size_t claims_count(void);

/* Judges every claim into v[0..claims_count()) in catalogue order. */
void claims_judge_all(const struct run *r, struct verdict *v);

/*
 * The ratio rule of CLAIMS.md: holds when ratio >= T and the CI's lower
 * end > E; negligible when the whole CI lies in [1/E, E]; reversed when
 * ratio <= 1/T and the upper end < 1/E; holds (small) / reversed (small)
 * when the CI excludes 1 but the effect is below that; inconclusive
 * otherwise.
 */
enum verdict_status verdict_ratio_rule(const struct ratio_ci *r, double threshold, double margin);

/* Stable names for JSON ("holds", "holds_small", ...) and translated labels for people. */
const char *verdict_status_name(enum verdict_status s);
const char *verdict_status_label(enum verdict_status s);
const char *claim_kind_name(enum claim_kind k);
const char *aspect_label(enum aspect a);

#endif
