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
/*
 * Samples each side needs before its ratio gets a verdict: below this an
 * interval is shown (from CLAIM_MIN_SAMPLES) but the verdict is
 * inconclusive, "too few samples", for a claim's ratio, each part and each
 * line alike. Ten is where the percentile bootstrap of a median stops
 * jumping between a handful of order statistics from run to run.
 */
#define CLAIM_VERDICT_SAMPLES 10
/* Distinct values of x_param a trend needs: two points always fit a line (R² 1). */
#define CLAIM_TREND_SIZES 3

enum claim_kind {
	CLAIM_FACT,
	CLAIM_RATIO,
	CLAIM_TREND,
	CLAIM_NUANCED,
	CLAIM_TABLE,
};

/*
 * The rows of the seeds' comparison tables, in their order, with two the
 * seeds' tables do not have (resources, synchronisation) where they fit.
 */
enum aspect {
	ASPECT_NONE,
	ASPECT_DEFINITION,
	ASPECT_MEMORY,
	ASPECT_RESOURCES,
	ASPECT_ISOLATION,
	ASPECT_CREATION,
	ASPECT_CRASH,
	ASPECT_PARALLEL,
	ASPECT_SWITCH,
	ASPECT_COMMUNICATION,
	ASPECT_SYNC,
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
	/* The key of the claim's question this part answers (struct claim_question), or NULL. */
	const char *question;
	/*
	 * A fact part, instead of a ratio: the observation whose first word
	 * (a bare word, or the first value of a form) is set against expect;
	 * absent (N_(), nullable) says when the experiment does not try it.
	 */
	const char *fact_obs, *expect, *absent;
};

/* A question a nuanced claim asks of its parts: each gets a verdict of its own. */
struct claim_question {
	const char *key;   /* "a"; NULL ends the list */
	const char *label; /* N_() */
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
	/*
	 * The speed-up rule (par.speedup): the condition that counts units.
	 * Each side (a.where, b.where) is judged by its own speed-up, a.metric
	 * with one unit over a.metric with N, the largest count that does not
	 * oversubscribe the CPUs (fill not "over"); observed when both lie
	 * above 1, not observed when either lies at or below 1. lines[0] and
	 * [1] are the two speed-ups (x1 = N, the ideal), ratio the process
	 * over thread time at N, shown as context and never judged.
	 */
	const char *speedup;
	/* Nuanced, optional: the questions its parts are grouped into (parts name them). */
	const struct claim_question *questions;
	/*
	 * Optional: the condition that replaces a's "kind=" for the control
	 * ("kind=clone_vm", a process that shares its parent's address space),
	 * to attribute the process−thread gap (struct attribution).
	 */
	const char *control;
};

/* One side of a comparison, as the table shows it. */
struct side {
	const char *label; /* the metric's name; points into the run */
	const char *kind;  /* its "kind" condition (process, thread), or NULL */
	const char *unit;
	struct summary sum;
	double round_spread;	/* largest round median over the smallest (struct metric) */
	const struct metric *m; /* the figure itself, its conditions; NULL for a trend's side */
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
	/* A nuanced claim's line: its part; for a fact part, the word seen and its observation. */
	const struct claim_part *part;
	const char *seen;
	const struct ev_msg *obs;
};

/* One question's verdict, from its parts (all agree: that class; else inconclusive). */
struct question_verdict {
	const struct claim_question *q;
	enum verdict_status status;
	char reason[1024]; /* translated: the parts that disagree, or why there is none */
};

/*
 * Of the process−thread gap of one figure, the share the address-space
 * switch explains: (process − control) / (process − thread), the control a
 * process that shares its parent's memory, with a bootstrap interval.
 */
struct attribution {
	const char *label; /* the figure's name ("futex"); points into the run */
	const char *unit;
	double process, thread, control; /* medians */
	struct ratio_ci share;		 /* 1 = the whole gap */
};

#define VERDICT_MAX_LINES 16
#define VERDICT_MAX_MECHANISMS 16
#define VERDICT_MAX_QUESTIONS 4
#define VERDICT_MAX_ATTRIBUTIONS 4

struct verdict {
	const struct claim *claim;
	enum verdict_status status;
	char reason
		[512]; /* why there is no firm verdict, translated; modes and parts make it long */
	struct side a, b;
	struct ratio_ci ratio; /* CLAIM_RATIO */
	double threshold, margin;
	struct trend_line lines[VERDICT_MAX_LINES]; /* CLAIM_TREND: a, b, then others */
	size_t n_lines;
	/* The paragraphs of claim->why chosen by this run's evidence, in the claim's order. */
	struct mech_choice mechanisms[VERDICT_MAX_MECHANISMS];
	size_t n_mechanisms;
	/*
	 * A trend with a baseline (switch.tlb): the process-thread gap, each
	 * side net of the baseline (which cancels in the difference), against
	 * x_param. lines hold the ratio at every x, with both nets, as a ratio
	 * per condition does; ratio holds the growth (verdict.c, judge_gap_trend).
	 */
	struct gap_trend {
		bool set;
		size_t n_sizes;
		double x0, x1;
		double fixed, fixed_lo, fixed_hi;    /* the gap at x0 (ns), 95% CI */
		double slope, slope_lo, slope_hi;    /* the gap's line, ns per unit of x, 95% CI */
		double growth, growth_lo, growth_hi; /* gap(x1) - gap(x0) in ns, 95% CI */
	} gap;
	struct question_verdict questions[VERDICT_MAX_QUESTIONS]; /* claim->questions, in order */
	size_t n_questions;
	struct attribution attributions[VERDICT_MAX_ATTRIBUTIONS]; /* with claim->control */
	size_t n_attributions;
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
 * The ratio rule, built so that a verdict holds still: the line is cut in
 * three bands, above E, [1/E, E] and below 1/E, and a firm verdict needs
 * the whole 95% interval inside one band:
 *
 *   holds              lo > E     and ratio >= T
 *   holds (small)      lo > E     and ratio <  T
 *   negligible         1/E <= lo  and hi <= E
 *   reversed (small)   hi < 1/E   and ratio >  1/T
 *   reversed           hi < 1/E   and ratio <= 1/T
 *   inconclusive       otherwise: the interval straddles E or 1/E (or is
 *                      not finite)
 *
 * The bands do not overlap, so two runs whose intervals overlap can never
 * land one in holds (either size) and the other in negligible or reversed:
 * near a boundary the answer is inconclusive, not a flip. The price: an
 * interval such as [1.02, 1.30] that excludes 1 but not E is inconclusive
 * (a difference, perhaps within the margin), where ptlab 0.1 said holds
 * (small). More samples narrow it.
 */
enum verdict_status verdict_ratio_rule(const struct ratio_ci *r, double threshold, double margin);

/* Stable names for JSON ("holds", "holds_small", ...) and translated labels for people. */
const char *verdict_status_name(enum verdict_status s);
const char *verdict_status_label(enum verdict_status s);
const char *claim_kind_name(enum claim_kind k);
const char *aspect_label(enum aspect a);

/*
 * The sentences the renderers share (translated, into buf, returned): a
 * fact part's line ("another user: refused, expected refused: observed"),
 * a question's verdict with its reason, and an attribution ("of the 6.1 µs
 * gap, the address-space switch explains 97% [90%, 104%]...").
 */
char *verdict_fact_line_text(const struct verdict *v, const struct trend_line *l, char *buf,
			     size_t size);
char *verdict_question_text(const struct question_verdict *q, char *buf, size_t size);
char *verdict_attribution_text(const struct attribution *a, char *buf, size_t size);
/*
 * The seeds' table cell of a claim with questions: "(a) holds, (b)
 * inconclusive"; questions in a row with one verdict share it: "(a, b)
 * inconclusive".
 */
char *verdict_questions_cell(const struct verdict *v, char *buf, size_t size);
/*
 * The share of (pa - pc) / (pa - pt) of three sets' medians with a 95%
 * bootstrap interval (resamples drawn with seed). Returns 0, or -EINVAL
 * for an empty set or a gap pa - pt that is not > 0.
 */
int verdict_share_ci(const double *p, size_t np, const double *t, size_t nt, const double *c,
		     size_t nc, uint64_t seed, struct ratio_ci *out);

#endif
