// SPDX-License-Identifier: MIT
/*
 * verdict: the rules that turn metrics into a verdict, one per claim kind.
 *
 * ratio: the ratio of the medians of the process side (a) and the thread
 * side (b), with a 95% percentile-bootstrap interval (core/stats.h), read
 * by verdict_ratio_rule(). The bootstrap seed is the run's, so judging a
 * saved run again gives the same interval.
 *
 * trend: for a and b (and the `others`, reported only), the per-operation
 * medians against the condition x_param are fitted to a line, and the
 * growth from the smallest to the largest x is itself a ratio with an
 * interval. The claim holds when the process side grows (ratio rule says
 * holds) along a line that explains at least CLAIM_TREND_R2 of the
 * variation, while the thread side does not.
 */
#include "claims/claims.h"
#include "experiments/catalog.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xalloc.h"

enum verdict_status verdict_ratio_rule(const struct ratio_ci *r, double threshold, double margin)
{
	if (r->ratio >= threshold && r->lo > margin)
		return V_HOLDS;
	if (r->ratio <= 1.0 / threshold && r->hi < 1.0 / margin)
		return V_REVERSED;
	if (r->lo >= 1.0 / margin && r->hi <= margin)
		return V_NEGLIGIBLE;
	if (r->lo > 1.0)
		return V_HOLDS_SMALL;
	if (r->hi < 1.0)
		return V_REVERSED_SMALL;
	return V_INCONCLUSIVE;
}

/* Explains in v->reason why a metric of the claim is missing. */
static void explain_missing(const struct exp_result *res, const char *metric, struct verdict *v)
{
	v->status = V_NO_DATA;
	if (res->outcome != OUTCOME_OK) {
		catalog_outcome(res, v->reason, sizeof(v->reason));
		return;
	}
	for (size_t i = 0; i < res->n_skips; i++) {
		size_t len = strlen(metric);
		if (strncmp(res->skips[i].what, metric, len) == 0 &&
		    (res->skips[i].what[len] == ' ' || res->skips[i].what[len] == '\0')) {
			char why[256];
			catalog_phrase(res->name, &res->skips[i].reason, why, sizeof(why));
			snprintf(v->reason, sizeof(v->reason), _("%s was skipped: %s"),
				 res->skips[i].what, why);
			return;
		}
	}
	snprintf(v->reason, sizeof(v->reason), _("%s was not measured in this run"), metric);
}

static void set_side(struct side *s, const struct metric *m)
{
	const struct mparam *kind = metric_param(m, "kind");
	s->label = m->name;
	s->kind = kind ? kind->str : NULL;
	s->unit = m->unit;
	s->sum = m->sum;
	s->round_spread = m->round_spread;
	s->set = true;
}

/*
 * Ratio of medians of two metrics with its interval, widened by the drift
 * between rounds (struct metric, round_spread). Returns 0, -EDOM when
 * a side has fewer than CLAIM_MIN_SAMPLES samples (out then holds the bare
 * ratio of medians and an interval of NaN), or -EINVAL on other degenerate
 * sets (a median of zero in b).
 */
static int metric_ratio(const struct metric *a, const struct metric *b, uint64_t seed,
			struct ratio_ci *out)
{
	if (a->n < CLAIM_MIN_SAMPLES || b->n < CLAIM_MIN_SAMPLES) {
		out->ratio = b->sum.median > 0 ? a->sum.median / b->sum.median : NAN;
		out->lo = out->hi = NAN;
		return -EDOM;
	}
	double *va = metric_values(a), *vb = metric_values(b);
	int err = stats_ratio_ci95(va, a->n, vb, b->n, seed, CLAIM_BOOTSTRAP, out);
	free(va);
	free(vb);
	/*
	 * The bootstrap treats every sample as independent; when the rounds
	 * of a figure disagree, the machine moved between them and the
	 * interval must cover that too: it is widened by the larger spread.
	 */
	double spread = a->round_spread > b->round_spread ? a->round_spread : b->round_spread;
	if (!err && spread > 1.0) {
		out->lo /= spread;
		out->hi *= spread;
	}
	return err;
}

static void judge_ratio(const struct claim *c, const struct exp_result *res, uint64_t seed,
			struct verdict *v)
{
	const struct metric *a = exp_result_find_metric(res, c->a.metric, c->a.where);
	const struct metric *b = exp_result_find_metric(res, c->b.metric, c->b.where);
	if (!a || !b) {
		explain_missing(res, !a ? c->a.metric : c->b.metric, v);
		return;
	}
	set_side(&v->a, a);
	set_side(&v->b, b);
	int err = metric_ratio(a, b, seed, &v->ratio);
	if (err == -EDOM) {
		v->status = V_INCONCLUSIVE;
		snprintf(v->reason, sizeof(v->reason),
			 _("too few samples for an interval (%s n=%zu, %s n=%zu; %d needed)"),
			 a->name, a->n, b->name, b->n, CLAIM_MIN_SAMPLES);
		return;
	}
	if (err) {
		v->status = V_INCONCLUSIVE;
		snprintf(v->reason, sizeof(v->reason), "%s",
			 _("the samples do not allow a ratio (a median of zero)"));
		return;
	}
	v->status = verdict_ratio_rule(&v->ratio, v->threshold, v->margin);
}

/*
 * Fits one metric name against x_param over every metric of res with that
 * name. Returns 0, -ENOENT when no metric of that name has x_param, or
 * -EDOM when all of them share one x value (no line to fit).
 */
static int fit_line(const struct exp_result *res, const char *name, const char *x_param,
		    uint64_t seed, double threshold, double margin, struct trend_line *line)
{
	size_t n = 0;
	const struct metric **pts = xcalloc(res->n_metrics, sizeof(*pts));
	int64_t *xs = xcalloc(res->n_metrics, sizeof(*xs));

	for (size_t i = 0; i < res->n_metrics; i++) {
		const struct metric *m = &res->metrics[i];
		const struct mparam *x = metric_param(m, x_param);
		if (strcmp(m->name, name) != 0 || !x || !x->is_num || m->n == 0)
			continue;
		/* Insertion in x order (a handful of points). */
		size_t k = n++;
		while (k > 0 && xs[k - 1] > x->num) {
			xs[k] = xs[k - 1];
			pts[k] = pts[k - 1];
			k--;
		}
		xs[k] = x->num;
		pts[k] = m;
	}
	int err = n == 0 ? -ENOENT : -EDOM;
	if (n >= 2 && xs[0] != xs[n - 1]) {
		double *x = xcalloc(n, sizeof(*x)), *y = xcalloc(n, sizeof(*y));
		for (size_t i = 0; i < n; i++) {
			x[i] = (double)xs[i];
			y[i] = pts[i]->sum.median;
		}
		err = stats_linear_fit(x, y, n, &line->fit);
		if (err == 0) {
			line->label = name;
			line->x0 = x[0];
			line->x1 = x[n - 1];
			err = metric_ratio(pts[n - 1], pts[0], seed, &line->growth);
			line->grows = err ? V_INCONCLUSIVE
					  : verdict_ratio_rule(&line->growth, threshold, margin);
			err = 0;
		}
		free(x);
		free(y);
	}
	free(pts);
	free(xs);
	return err;
}

static void judge_trend(const struct claim *c, const struct exp_result *res, uint64_t seed,
			struct verdict *v)
{
	const char *names[VERDICT_MAX_LINES];
	size_t n = 0;
	names[n++] = c->a.metric;
	names[n++] = c->b.metric;
	for (const char *const *o = c->others; o && *o && n < VERDICT_MAX_LINES; o++)
		names[n++] = *o;

	for (size_t i = 0; i < n; i++) {
		struct trend_line *line = &v->lines[v->n_lines];
		int err = fit_line(res, names[i], c->x_param, seed, v->threshold, v->margin, line);
		if (err == 0) {
			v->n_lines++;
		} else if (i < 2) {
			if (err == -EDOM && res->outcome == OUTCOME_OK) {
				v->status = V_NO_DATA;
				snprintf(v->reason, sizeof(v->reason),
					 _("%s was measured at only one value of %s: no trend "
					   "to fit"),
					 names[i], c->x_param);
			} else {
				explain_missing(res, names[i], v);
			}
			memset(v->lines, 0, sizeof(v->lines));
			v->n_lines = 0;
			return;
		}
	}
	const struct trend_line *a = &v->lines[0], *b = &v->lines[1];
	v->a = (struct side){ .label = a->label, .set = true };
	v->b = (struct side){ .label = b->label, .set = true };
	/*
	 * The process side's growth decides, as a ratio would; a growth of at
	 * least T counts only along a line, and only when the thread side
	 * does not grow as much (then memory is not what sets them apart).
	 */
	if (a->grows == V_HOLDS && a->fit.slope <= 0) {
		v->status = V_INCONCLUSIVE;
		snprintf(v->reason, sizeof(v->reason),
			 _("%s is higher at the largest size, but its line falls"), a->label);
	} else if (a->grows == V_HOLDS && a->fit.r2 < CLAIM_TREND_R2) {
		v->status = V_INCONCLUSIVE;
		snprintf(v->reason, sizeof(v->reason),
			 _("%s grows, but not along a line (R² %.2f, below %.2f)"), a->label,
			 a->fit.r2, CLAIM_TREND_R2);
	} else if (a->grows == V_HOLDS && b->grows == V_HOLDS) {
		v->status = V_INCONCLUSIVE;
		snprintf(v->reason, sizeof(v->reason),
			 _("%s grows too: the memory does not set the two apart"), b->label);
	} else {
		v->status = a->grows;
	}
}

/* The metric named ref at x_param = x, or NULL. */
static const struct metric *metric_at(const struct exp_result *res, const struct metric_ref *ref,
				      const char *x_param, int64_t x)
{
	for (size_t i = 0; i < res->n_metrics; i++) {
		const struct metric *m = &res->metrics[i];
		const struct mparam *p = metric_param(m, x_param);
		if (!p || !p->is_num || p->num != x || strcmp(m->name, ref->metric) != 0)
			continue;
		bool all = true;
		for (const char *const *w = ref->where; w && *w && all; w++) {
			const char *eq = strchr(*w, '=');
			const struct mparam *q = NULL;
			char key[64];
			snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - *w) : (int)strlen(*w),
				 *w);
			q = metric_param(m, key);
			all = q && (!eq || strcmp(q->str, eq + 1) == 0);
		}
		if (all)
			return m;
	}
	return NULL;
}

/* A side net of the baseline, in the metric's unit; NaN without one. */
static double net_of(const struct metric *m, const struct metric *base)
{
	if (!base)
		return NAN;
	double net = m->sum.median - base->sum.median;
	return net > 0 ? net : 0;
}

/*
 * The ratio at every x: one line per x value (ascending) found on the
 * process side, the verdict that of the largest x.
 */
static void judge_ratio_per_x(const struct claim *c, const struct exp_result *res, uint64_t seed,
			      struct verdict *v)
{
	int64_t xs[VERDICT_MAX_LINES];
	size_t n = 0;
	for (size_t i = 0; i < res->n_metrics && n < VERDICT_MAX_LINES; i++) {
		const struct mparam *p = metric_param(&res->metrics[i], c->x_param);
		if (!p || !p->is_num || !metric_at(res, &c->a, c->x_param, p->num))
			continue;
		size_t k = 0;
		while (k < n && xs[k] != p->num)
			k++;
		if (k < n)
			continue;
		for (k = n++; k > 0 && xs[k - 1] > p->num; k--)
			xs[k] = xs[k - 1];
		xs[k] = p->num;
	}
	const struct metric *a = NULL, *b = NULL;
	for (size_t k = 0; k < n; k++) {
		const struct metric *ak = metric_at(res, &c->a, c->x_param, xs[k]);
		const struct metric *bk = metric_at(res, &c->b, c->x_param, xs[k]);
		if (!ak || !bk)
			continue;
		struct metric_ref base_ref = { c->baseline, NULL };
		const struct metric *base =
			c->baseline ? metric_at(res, &base_ref, c->x_param, xs[k]) : NULL;
		struct trend_line *l = &v->lines[v->n_lines++];
		memset(l, 0, sizeof(*l));
		l->label = ak->name;
		l->x0 = l->x1 = (double)xs[k];
		l->grows = metric_ratio(ak, bk, seed, &l->growth)
				   ? V_INCONCLUSIVE
				   : verdict_ratio_rule(&l->growth, v->threshold, v->margin);
		l->a_median = ak->sum.median;
		l->b_median = bk->sum.median;
		l->a_net = net_of(ak, base);
		l->b_net = net_of(bk, base);
		/* Differences smaller than the wider interval are below what was resolved. */
		double wa = ak->sum.ci_hi - ak->sum.ci_lo, wb = bk->sum.ci_hi - bk->sum.ci_lo;
		l->net_resolution = wa > wb ? wa : wb;
		a = ak;
		b = bk;
	}
	if (!a) {
		explain_missing(res, c->a.metric, v);
		return;
	}
	set_side(&v->a, a);
	set_side(&v->b, b);
	v->ratio = v->lines[v->n_lines - 1].growth;
	v->status = v->lines[v->n_lines - 1].grows;
}

/* A fact the experiment decided: its observation says "yes" or "no". */
static void judge_fact(const struct claim *c, const struct exp_result *res, struct verdict *v)
{
	const char *seen = exp_result_obs_word(res, c->fact_obs);
	if (!seen) {
		explain_missing(res, c->fact_obs, v);
		return;
	}
	v->status = strcmp(seen, "yes") == 0 ? V_OBSERVED : V_NOT_OBSERVED;
}

/* A nuanced claim: each part a ratio; one verdict when they agree, "split" when not. */
static void judge_nuanced(const struct claim *c, const struct exp_result *res, uint64_t seed,
			  struct verdict *v)
{
	for (const struct claim_part *p = c->parts; p && p->label && v->n_lines < VERDICT_MAX_LINES;
	     p++) {
		const struct metric *a = exp_result_find_metric(res, p->a.metric, p->a.where);
		const struct metric *b = exp_result_find_metric(res, p->b.metric, p->b.where);
		if (!a || !b)
			continue;
		struct trend_line *l = &v->lines[v->n_lines++];
		memset(l, 0, sizeof(*l));
		l->label = p->label;
		l->a_median = a->sum.median;
		l->b_median = b->sum.median;
		l->a_net = l->b_net = NAN;
		l->unit = a->unit;
		l->grows = metric_ratio(a, b, seed, &l->growth)
				   ? V_INCONCLUSIVE
				   : verdict_ratio_rule(&l->growth, v->threshold, v->margin);
		if (v->n_lines == 1) {
			set_side(&v->a, a);
			set_side(&v->b, b);
			v->ratio = l->growth;
		}
	}
	if (v->n_lines == 0) {
		explain_missing(res, c->parts ? c->parts[0].a.metric : "?", v);
		return;
	}
	v->status = v->lines[0].grows;
	for (size_t i = 1; i < v->n_lines; i++)
		if (v->lines[i].grows != v->status)
			v->status = V_SPLIT;
}

/* A table claim: the figures a.where selects, the slowest over the fastest. */
static void judge_table(const struct claim *c, const struct exp_result *res, uint64_t seed,
			struct verdict *v)
{
	const struct metric *slow = NULL, *fast = NULL;
	for (size_t i = 0; i < res->n_metrics; i++) {
		const struct metric *m = &res->metrics[i];
		if (exp_result_find_metric(res, m->name, c->a.where) != m)
			continue;
		bool excluded = false;
		for (const char *const *x = c->exclude; x && *x; x++)
			excluded = excluded || strcmp(*x, m->name) == 0;
		if (excluded)
			continue;
		if (!slow || m->sum.median > slow->sum.median)
			slow = m;
		if (!fast || m->sum.median < fast->sum.median)
			fast = m;
	}
	if (!slow || slow == fast) {
		explain_missing(res, c->a.metric ? c->a.metric : "?", v);
		return;
	}
	set_side(&v->a, slow);
	set_side(&v->b, fast);
	v->status = metric_ratio(slow, fast, seed, &v->ratio)
			    ? V_INCONCLUSIVE
			    : verdict_ratio_rule(&v->ratio, v->threshold, v->margin);
}

/* The verdict alone, without the paragraphs. */
static void judge(const struct claim *c, const struct run *r, struct verdict *v)
{
	v->claim = c;
	v->threshold = c->threshold > 0 ? c->threshold : CLAIM_THRESHOLD;
	v->margin = c->margin > 0 ? c->margin : CLAIM_MARGIN;
	if (!claim_experiment(c)) {
		v->status = V_NOT_MEASURED;
		return;
	}
	const struct exp_result *res = run_find_result(r, claim_experiment(c));
	if (!res) {
		v->status = V_NO_DATA;
		snprintf(v->reason, sizeof(v->reason),
			 _("the %s experiment was not part of this run"), claim_experiment(c));
		return;
	}
	/* A claim the experiment decides as a fact (a nuanced one too: both halves seen). */
	if (c->fact_obs) {
		judge_fact(c, res, v);
		return;
	}
	/* A claim given parts is judged part by part, whatever its kind. */
	if (c->parts) {
		judge_nuanced(c, res, r->seed, v);
		return;
	}
	switch (c->kind) {
	case CLAIM_RATIO:
		if (c->x_param)
			judge_ratio_per_x(c, res, r->seed, v);
		else
			judge_ratio(c, res, r->seed, v);
		break;
	case CLAIM_NUANCED:
		v->status = V_NOT_MEASURED; /* a nuanced claim without parts: no rule */
		break;
	case CLAIM_TABLE:
		if (c->a.where)
			judge_table(c, res, r->seed, v);
		else
			v->status = V_NOT_MEASURED;
		break;
	case CLAIM_FACT:
		v->status = V_NOT_MEASURED; /* a fact without its observation: no rule */
		break;
	case CLAIM_TREND:
		judge_trend(c, res, r->seed, v);
		break;
	default:
		v->status = V_NOT_MEASURED;
		break;
	}
}

void claims_judge(const struct claim *c, const struct run *r, struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	judge(c, r, v);
	mechanism_choose(r, v);
}

struct status_names {
	const char *name;
	const char *label;
};

static const struct status_names status_names[] = {
	[V_NOT_MEASURED] = { "not_measured", N_("not measured yet") },
	[V_NO_DATA] = { "no_data", N_("no data") },
	[V_HOLDS] = { "holds", N_("holds") },
	[V_HOLDS_SMALL] = { "holds_small", N_("holds (small)") },
	[V_NEGLIGIBLE] = { "negligible", N_("negligible") },
	[V_REVERSED_SMALL] = { "reversed_small", N_("reversed (small)") },
	[V_REVERSED] = { "reversed", N_("reversed") },
	[V_INCONCLUSIVE] = { "inconclusive", N_("inconclusive") },
	[V_OBSERVED] = { "observed", N_("observed") },
	[V_NOT_OBSERVED] = { "not_observed", N_("not observed") },
	[V_SPLIT] = { "split", N_("split: see the parts") },
};

const char *verdict_status_name(enum verdict_status s)
{
	return status_names[s].name;
}

const char *verdict_status_label(enum verdict_status s)
{
	return _(status_names[s].label);
}

const char *claim_kind_name(enum claim_kind k)
{
	static const char *const names[] = {
		[CLAIM_FACT] = "fact",	     [CLAIM_RATIO] = "ratio", [CLAIM_TREND] = "trend",
		[CLAIM_NUANCED] = "nuanced", [CLAIM_TABLE] = "table",
	};
	return names[k];
}

const char *aspect_label(enum aspect a)
{
	static const char *const labels[ASPECT_COUNT] = {
		[ASPECT_NONE] = "",
		[ASPECT_DEFINITION] = N_("Definition"),
		[ASPECT_MEMORY] = N_("Memory"),
		[ASPECT_ISOLATION] = N_("Isolation"),
		[ASPECT_CREATION] = N_("Creation"),
		[ASPECT_CRASH] = N_("Crash"),
		[ASPECT_PARALLEL] = N_("Parallelism"),
		[ASPECT_SWITCH] = N_("Switching"),
		[ASPECT_COMMUNICATION] = N_("Communication"),
		[ASPECT_OVERHEAD] = N_("Overhead"),
		[ASPECT_USE_CASE] = N_("Use case"),
	};
	return a == ASPECT_NONE ? "" : _(labels[a]);
}
