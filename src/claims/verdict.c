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
 * variation, while the thread side does not. A trend needs
 * CLAIM_TREND_SIZES distinct x values, else it is inconclusive.
 *
 * gap trend (a trend with a baseline, switch.tlb): whether the
 * process-thread gap grows with x (judge_gap_trend).
 *
 * speed-up (par.speedup): each kind's time with one unit over its time
 * with N, against 1 (judge_speedup).
 *
 * Every ratio that decides needs CLAIM_VERDICT_SAMPLES samples a side, and
 * every inconclusive verdict says in its reason what would settle it.
 */
#include "claims/claims.h"
#include "experiments/catalog.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/units.h"
#include "util/i18n.h"
#include "util/xalloc.h"

enum verdict_status verdict_ratio_rule(const struct ratio_ci *r, double threshold, double margin)
{
	/* Three bands (claims/claims.h): the whole interval inside one, or no verdict. */
	if (isnan(r->ratio) || isnan(r->lo) || isnan(r->hi))
		return V_INCONCLUSIVE;
	if (r->lo > margin)
		return r->ratio >= threshold ? V_HOLDS : V_HOLDS_SMALL;
	if (r->hi < 1.0 / margin)
		return r->ratio <= 1.0 / threshold ? V_REVERSED : V_REVERSED_SMALL;
	if (r->lo >= 1.0 / margin && r->hi <= margin)
		return V_NEGLIGIBLE;
	return V_INCONCLUSIVE;
}

/* The reason of an interval that straddles a band's edge, and what would settle it. */
static void say_straddles(const char *what, const struct ratio_ci *r, double margin, char *why,
			  size_t size)
{
	snprintf(why, size,
		 _("%s: the interval [%.2f, %.2f] reaches across the margin (%.2f or %.2f) between "
		   "two verdicts; more samples (--full) or a quieter machine would narrow it"),
		 what, r->lo, r->hi, 1.0 / margin, margin);
	i18n_decimal(why);
}

/* The reason of a figure with too few samples for a verdict, and what would settle it. */
static void say_few(const char *experiment, const char *a, size_t na, const char *b, size_t nb,
		    char *why, size_t size)
{
	snprintf(why, size,
		 _("too few samples for a verdict (%s n=%zu, %s n=%zu; %d needed): --full, or a "
		   "higher samples parameter of the %s experiment, would settle it"),
		 a, na, b, nb, CLAIM_VERDICT_SAMPLES, experiment);
}

static void say_few_samples(const char *experiment, const struct metric *a, const struct metric *b,
			    char *why, size_t size)
{
	say_few(experiment, a->name, a->n, b->name, b->n, why, size);
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
	s->m = m;
	s->set = true;
}

/* Every sample of a side, not one mode's (side_values, judge_pair). */
#define ALL_MODES SIZE_MAX

/*
 * The per-operation values of m in its mode k (every value with
 * ALL_MODES), as a new array of *n that the caller frees; *spread receives
 * the drift between rounds of those values, as struct metric's
 * round_spread: the largest round median over the smallest, counting only
 * rounds with CLAIM_MIN_SAMPLES values in the mode (a round spent in the
 * other mode is that mode's business, not this one's drift).
 */
static double *side_values(const struct metric *m, size_t k, size_t *n, double *spread)
{
	double *v = metric_values(m);
	*n = m->n;
	*spread = m->round_spread;
	if (k == ALL_MODES)
		return v;
	size_t kept = 0, start = 0, rounds = m->n_rounds ? m->n_rounds : 1;
	double lo = 0, hi = 0;
	for (size_t r = 0; r < rounds; r++) {
		size_t len = m->n_rounds ? m->rounds[r] : m->n, first = kept;
		if (len > m->n - start)
			len = m->n - start;
		for (size_t i = start; i < start + len; i++)
			if (modes_index(&m->modes, v[i]) == k)
				v[kept++] = v[i];
		start += len;
		struct summary s;
		if (kept - first < CLAIM_MIN_SAMPLES ||
		    stats_summarize(v + first, kept - first, &s))
			continue;
		lo = lo == 0 || s.median < lo ? s.median : lo;
		hi = s.median > hi ? s.median : hi;
	}
	*n = kept;
	*spread = lo > 0 ? hi / lo : 1.0;
	return v;
}

/*
 * Ratio of medians of a's mode ka over b's mode kb (ALL_MODES: every
 * sample) with its interval, widened by the drift between rounds (struct
 * metric, round_spread). Returns 0, -EDOM when a side has fewer than
 * CLAIM_MIN_SAMPLES samples (out then holds the bare ratio of medians, or
 * NaN, and an interval of NaN), or -EINVAL on other degenerate sets (a
 * median of zero in b). *na and *nb (nullable) receive the samples used.
 */
static int mode_ratio(const struct metric *a, size_t ka, const struct metric *b, size_t kb,
		      uint64_t seed, struct ratio_ci *out, size_t *na, size_t *nb)
{
	size_t ca, cb;
	double sa, sb;
	double *va = side_values(a, ka, &ca, &sa), *vb = side_values(b, kb, &cb, &sb);
	int err;
	if (na)
		*na = ca;
	if (nb)
		*nb = cb;
	if (ca < CLAIM_MIN_SAMPLES || cb < CLAIM_MIN_SAMPLES) {
		out->ratio = ka == ALL_MODES && kb == ALL_MODES && b->sum.median > 0
				     ? a->sum.median / b->sum.median
				     : NAN;
		out->lo = out->hi = NAN;
		err = -EDOM;
	} else {
		err = stats_ratio_ci95(va, ca, vb, cb, seed, CLAIM_BOOTSTRAP, out);
	}
	free(va);
	free(vb);
	/*
	 * The bootstrap treats every sample as independent; when the rounds
	 * of a figure disagree, the machine moved between them and the
	 * interval must cover that too: it is widened by the larger spread.
	 */
	double spread = sa > sb ? sa : sb;
	if (!err && spread > 1.0) {
		out->lo /= spread;
		out->hi *= spread;
	}
	return err;
}

static int metric_ratio(const struct metric *a, const struct metric *b, uint64_t seed,
			struct ratio_ci *out)
{
	return mode_ratio(a, ALL_MODES, b, ALL_MODES, seed, out, NULL, NULL);
}

/*
 * The ratio of a's mode ka over b's mode kb into out, and its verdict: the
 * ratio rule when both have CLAIM_VERDICT_SAMPLES, else inconclusive. why
 * receives the reason of an inconclusive one.
 */
static enum verdict_status judge_modes_pair(const struct exp_result *res, const struct metric *a,
					    size_t ka, const struct metric *b, size_t kb,
					    const char *what, uint64_t seed, double threshold,
					    double margin, struct ratio_ci *out, char *why,
					    size_t size)
{
	size_t na, nb;
	int err = mode_ratio(a, ka, b, kb, seed, out, &na, &nb);
	if (err && err != -EDOM) {
		snprintf(why, size, _("%s: the samples do not allow a ratio (a median of zero)"),
			 what);
		return V_INCONCLUSIVE;
	}
	if (err || na < CLAIM_VERDICT_SAMPLES || nb < CLAIM_VERDICT_SAMPLES) {
		say_few(res->name, a->name, na, b->name, nb, why, size);
		return V_INCONCLUSIVE;
	}
	enum verdict_status s = verdict_ratio_rule(out, threshold, margin);
	if (s == V_INCONCLUSIVE)
		say_straddles(what, out, margin, why, size);
	return s;
}

/* Mode k of m as "180 ns (55%)"; the whole side when m has one mode. */
static char *mode_text(const struct metric *m, size_t k, char *buf, size_t size)
{
	char val[32];
	const struct mode *md = &m->modes.m[k == ALL_MODES ? 0 : k];
	double median = k == ALL_MODES ? m->sum.median : md->median;
	if (strcmp(m->unit, "ns") == 0)
		units_format_ns(median, val, sizeof(val));
	else
		snprintf(val, sizeof(val), "%.3g %s", median, m->unit);
	if (m->modes.count > 1 && k != ALL_MODES)
		snprintf(buf, size, "%s (%.0f%%)", val, 100.0 * md->share);
	else
		snprintf(buf, size, "%s", val);
	return buf;
}

/* Every mode of m: "180 ns (55%), 470 ns (45%)". */
static char *modes_list(const struct metric *m, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t k = 0; k < m->modes.count && len < size; k++) {
		char one[48];
		len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? ", " : "",
					mode_text(m, k, one, sizeof(one)));
	}
	return buf;
}

/*
 * The mode of m that holds more than half its samples into *k (ALL_MODES
 * with one mode); false when no mode does.
 */
static bool majority_mode(const struct metric *m, size_t *k)
{
	*k = ALL_MODES;
	for (size_t i = 0; i < m->modes.count && m->modes.count > 1; i++)
		if (m->modes.m[i].share > 0.5)
			*k = i;
	return m->modes.count <= 1 || *k != ALL_MODES;
}

/*
 * Whether every pairing of a mode of a with a mode of b (the whole side
 * where it has one mode; modes of fewer than CLAIM_VERDICT_SAMPLES
 * samples left out) gives one firm verdict: then the modes cannot change
 * the answer, *s is that verdict, out the whole sides' ratio with the
 * interval that holds every pairing's, and note says so. False, and
 * nothing set, otherwise.
 */
static bool every_pairing(const struct exp_result *res, const struct metric *a,
			  const struct metric *b, const char *what, uint64_t seed, double threshold,
			  double margin, struct ratio_ci *out, enum verdict_status *s, char *note,
			  size_t size)
{
	size_t na = a->modes.count > 1 ? a->modes.count : 1;
	size_t nb = b->modes.count > 1 ? b->modes.count : 1;
	enum verdict_status all = V_INCONCLUSIVE;
	double lo = INFINITY, hi = -INFINITY;
	char pairs[256] = "", scratch[512];
	size_t len = 0, judged = 0;
	for (size_t i = 0; i < na; i++) {
		size_t ka = a->modes.count > 1 ? i : ALL_MODES;
		if (ka != ALL_MODES && a->modes.m[ka].n < CLAIM_VERDICT_SAMPLES)
			continue;
		for (size_t j = 0; j < nb; j++) {
			size_t kb = b->modes.count > 1 ? j : ALL_MODES;
			if (kb != ALL_MODES && b->modes.m[kb].n < CLAIM_VERDICT_SAMPLES)
				continue;
			struct ratio_ci ci;
			enum verdict_status st =
				judge_modes_pair(res, a, ka, b, kb, what, seed, threshold, margin,
						 &ci, scratch, sizeof(scratch));
			if (st == V_INCONCLUSIVE || (judged && st != all))
				return false;
			all = st;
			judged++;
			lo = fmin(lo, ci.lo);
			hi = fmax(hi, ci.hi);
			char ma[48], mb[48];
			if (len < sizeof(pairs))
				len += (size_t)snprintf(pairs + len, sizeof(pairs) - len,
							"%s%s/%s ×%.2f", len ? ", " : "",
							mode_text(a, ka, ma, sizeof(ma)),
							mode_text(b, kb, mb, sizeof(mb)), ci.ratio);
		}
	}
	if (!judged)
		return false;
	struct ratio_ci whole;
	if (metric_ratio(a, b, seed, &whole) != 0)
		whole.ratio = NAN;
	*out = (struct ratio_ci){ .ratio = whole.ratio, .lo = lo, .hi = hi };
	*s = all;
	snprintf(note, size,
		 _("%s: every pairing of the modes gives this verdict (%s), so the modes do not "
		   "change it"),
		 what, pairs);
	return true;
}

/*
 * A ratio between a multi-modal figure and another (judge_pair). Two
 * figures with the same number of modes are compared rank by rank: when
 * every pair gives the same verdict, that is the verdict, shown by the
 * pair holding the most samples; else there is none. Otherwise each
 * multi-modal side stands for its majority mode (more than half its
 * samples), and a side without one cannot be matched: inconclusive,
 * naming the modes. The reason says which modes were compared.
 */
static enum verdict_status judge_modes(const struct exp_result *res, const struct metric *a,
				       const struct metric *b, const char *what, uint64_t seed,
				       double threshold, double margin, struct ratio_ci *out,
				       char *why, size_t size)
{
	char ta[96], tb[96], note[512], rest[512] = "";
	enum verdict_status s;
	size_t ka, kb;
	if (a->modes.count == b->modes.count) {
		/*
		 * The pairs with CLAIM_VERDICT_SAMPLES a side are judged (all
		 * when none has): the firm ones must agree, and the largest
		 * firm pair is shown; a pair that cannot be told does not
		 * outvote one that can.
		 */
		size_t k = a->modes.count, best = 0, len = 0;
		bool any = false, firm = false, conflict = false;
		char pairs[256] = "";
		for (size_t r = 0; r < k; r++)
			any = any || (a->modes.m[r].n >= CLAIM_VERDICT_SAMPLES &&
				      b->modes.m[r].n >= CLAIM_VERDICT_SAMPLES);
		s = V_INCONCLUSIVE;
		out->ratio = out->lo = out->hi = NAN;
		for (size_t r = 0; r < k; r++) {
			if (any && (a->modes.m[r].n < CLAIM_VERDICT_SAMPLES ||
				    b->modes.m[r].n < CLAIM_VERDICT_SAMPLES))
				continue;
			struct ratio_ci ci;
			char one[512], ma[48], mb[48];
			enum verdict_status sr =
				judge_modes_pair(res, a, r, b, r, what, seed, threshold, margin,
						 &ci, one, sizeof(one));
			double share = a->modes.m[r].share + b->modes.m[r].share;
			bool larger = share > a->modes.m[best].share + b->modes.m[best].share;
			if (len < sizeof(pairs))
				len += (size_t)snprintf(pairs + len, sizeof(pairs) - len,
							"%s%s/%s ×%.2f", len ? ", " : "",
							mode_text(a, r, ma, sizeof(ma)),
							mode_text(b, r, mb, sizeof(mb)), ci.ratio);
			if (sr != V_INCONCLUSIVE) {
				conflict = conflict || (firm && sr != s);
				if (!firm || larger) {
					best = r;
					*out = ci;
				}
				firm = true;
				s = sr;
			} else if (!firm && (isnan(out->ratio) || larger)) {
				best = r;
				*out = ci;
				snprintf(rest, sizeof(rest), "%s", one);
			}
		}
		if (conflict) {
			snprintf(why, size,
				 _("%s: both sides have %zu modes and their pairs disagree (%s); a "
				   "run whose CPUs stay placed alike would settle it"),
				 what, k, pairs);
			i18n_decimal(why);
			return V_INCONCLUSIVE;
		}
		if (firm)
			rest[0] = '\0';
		snprintf(note, sizeof(note),
			 _("%s compares the modes rank by rank (%zu each side: %s); the pairs that "
			   "can be told agree"),
			 what, k, pairs);
		i18n_decimal(note);
	} else if (every_pairing(res, a, b, what, seed, threshold, margin, out, &s, note,
				 sizeof(note))) {
		i18n_decimal(note);
	} else {
		if (!majority_mode(a, &ka) || !majority_mode(b, &kb)) {
			char la[160], lb[160];
			snprintf(why, size,
				 _("%s: the modes cannot be matched (%s: %s; %s: %s), and no mode "
				   "holds most of a side; a run whose CPUs stay placed alike would "
				   "settle it"),
				 what, a->name, modes_list(a, la, sizeof(la)), b->name,
				 modes_list(b, lb, sizeof(lb)));
			i18n_decimal(why);
			out->ratio = out->lo = out->hi = NAN;
			return V_INCONCLUSIVE;
		}
		s = judge_modes_pair(res, a, ka, b, kb, what, seed, threshold, margin, out, rest,
				     sizeof(rest));
		snprintf(note, sizeof(note),
			 _("%s compares the mode that holds most samples of each side: %s of %s "
			   "against %s of %s"),
			 what, mode_text(a, ka, ta, sizeof(ta)), a->name,
			 mode_text(b, kb, tb, sizeof(tb)), b->name);
		i18n_decimal(note);
	}
	if (s == V_INCONCLUSIVE && rest[0])
		snprintf(why, size, "%s; %s", rest, note);
	else
		snprintf(why, size, "%s", note);
	return s;
}

/*
 * The ratio of a over b into out, and its verdict: the ratio rule when
 * both have CLAIM_VERDICT_SAMPLES, else inconclusive. why (nullable)
 * receives the reason of an inconclusive one, what settles it included,
 * and when a side has several modes (core/modes.h) which were compared;
 * what names the comparison in it.
 */
static enum verdict_status judge_pair(const struct exp_result *res, const struct metric *a,
				      const struct metric *b, const char *what, uint64_t seed,
				      double threshold, double margin, struct ratio_ci *out,
				      char *why, size_t size)
{
	char none[8];
	if (!why) {
		why = none;
		size = sizeof(none);
	}
	if (a->modes.count > 1 || b->modes.count > 1)
		return judge_modes(res, a, b, what, seed, threshold, margin, out, why, size);
	return judge_modes_pair(res, a, ALL_MODES, b, ALL_MODES, what, seed, threshold, margin, out,
				why, size);
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
	v->status = judge_pair(res, a, b, _("the ratio"), seed, v->threshold, v->margin, &v->ratio,
			       v->reason, sizeof(v->reason));
}

/*
 * Fits one metric name against x_param over every metric of res with that
 * name. Returns 0, -ENOENT when no metric of that name has x_param, or
 * -ERANGE when they hold fewer than CLAIM_TREND_SIZES distinct x values
 * (*sizes receives how many). why (nullable) receives the reason of an
 * inconclusive growth.
 */
static int fit_line(const struct exp_result *res, const char *name, const char *x_param,
		    uint64_t seed, double threshold, double margin, struct trend_line *line,
		    size_t *sizes, char *why, size_t why_size)
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
	size_t distinct = n > 0;
	for (size_t i = 1; i < n; i++)
		distinct += xs[i] != xs[i - 1];
	*sizes = distinct;
	int err = n == 0 ? -ENOENT : -ERANGE;
	if (distinct >= CLAIM_TREND_SIZES) {
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
			line->grows = judge_pair(res, pts[n - 1], pts[0], name, seed, threshold,
						 margin, &line->growth, why, why_size);
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
	char why[sizeof(v->reason)] = "";
	size_t n = 0;
	names[n++] = c->a.metric;
	names[n++] = c->b.metric;
	for (const char *const *o = c->others; o && *o && n < VERDICT_MAX_LINES; o++)
		names[n++] = *o;

	/* A side missing altogether is named before a side measured at too few sizes. */
	for (size_t i = 0; i < 2; i++) {
		bool found = false;
		for (size_t k = 0; k < res->n_metrics && !found; k++) {
			const struct mparam *x = metric_param(&res->metrics[k], c->x_param);
			found = strcmp(res->metrics[k].name, names[i]) == 0 && x && x->is_num &&
				res->metrics[k].n > 0;
		}
		if (!found) {
			explain_missing(res, names[i], v);
			return;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct trend_line *line = &v->lines[v->n_lines];
		size_t sizes = 0;
		int err = fit_line(res, names[i], c->x_param, seed, v->threshold, v->margin, line,
				   &sizes, i == 0 ? why : NULL, sizeof(why));
		if (err == 0) {
			v->n_lines++;
		} else if (i < 2) {
			if (err == -ERANGE && res->outcome == OUTCOME_OK) {
				/* Two points always make a line: no trend from fewer than three. */
				v->status = V_INCONCLUSIVE;
				snprintf(
					v->reason, sizeof(v->reason),
					_("too few sizes: %s was measured at %zu value(s) of %s, "
					  "%d needed; --full, or more sizes in the %s experiment's "
					  "parameters, would settle it"),
					names[i], sizes, c->x_param, CLAIM_TREND_SIZES, res->name);
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
			 _("%s is higher at the largest size, but its line falls; more sizes "
			   "(--full) would show its shape"),
			 a->label);
	} else if (a->grows == V_HOLDS && a->fit.r2 < CLAIM_TREND_R2) {
		v->status = V_INCONCLUSIVE;
		snprintf(v->reason, sizeof(v->reason),
			 _("%s grows, but not along a line (R² %.2f, below %.2f); more sizes "
			   "(--full) or a quieter machine would show its shape"),
			 a->label, a->fit.r2, CLAIM_TREND_R2);
		i18n_decimal(v->reason);
	} else if (a->grows == V_HOLDS && b->grows == V_HOLDS) {
		v->status = V_INCONCLUSIVE;
		snprintf(v->reason, sizeof(v->reason),
			 _("%s grows too: the memory does not set the two apart; more sizes "
			   "(--full) would show whether their slopes differ"),
			 b->label);
	} else {
		v->status = a->grows;
		if (v->status == V_INCONCLUSIVE)
			snprintf(v->reason, sizeof(v->reason), "%s", why);
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
	char why[sizeof(v->reason)] = "";
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
		char what[64];
		units_format_bytes((double)xs[k], what, sizeof(what));
		l->grows = judge_pair(res, ak, bk, what, seed, v->threshold, v->margin, &l->growth,
				      why, sizeof(why));
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
	if (v->status == V_INCONCLUSIVE)
		snprintf(v->reason, sizeof(v->reason), "%s", why);
}

static int cmp_double(const void *p, const void *q)
{
	double a = *(const double *)p, b = *(const double *)q;
	return (a > b) - (a < b);
}

/* A metric's per-operation values, sorted ascending. Caller frees. */
static double *sorted_values(const struct metric *m)
{
	double *v = metric_values(m);
	qsort(v, m->n, sizeof(*v), cmp_double);
	return v;
}

/* The 2.5% and 97.5% percentiles of x[0..n), sorted in place. */
static void ci95_of(double *x, size_t n, double *lo, double *hi)
{
	qsort(x, n, sizeof(*x), cmp_double);
	*lo = stats_percentile_sorted(x, n, 0.025);
	*hi = stats_percentile_sorted(x, n, 0.975);
}

/* The relative growth of the gap: 1 + its growth over the process round trip at x1. */
static double gap_growth_ratio(double growth, double process1)
{
	if (process1 > 0)
		return 1.0 + growth / process1;
	return growth > 0 ? INFINITY : growth < 0 ? 0.0 : 1.0;
}

/*
 * A trend with a baseline (switch.tlb): does the process-thread gap grow
 * with x? At every x the gap is the process median minus the thread
 * median, which is also the difference of the two sides net of the same
 * work alone (the baseline cancels; the per-x lines show both nets). The
 * verdict reads the relative growth
 *
 *     G = 1 + (gap(x1) - gap(x0)) / process(x1)
 *
 * (x0, x1 the smallest and largest x): how much the gap grows, as a share
 * of the process round trip at the largest working set, the scale at
 * which a refill would show. (Over the small round trip at x0, a few
 * microseconds of noise in the large figures at x1 read as a growth of
 * several times, and the verdict flipped between holds and reversed from
 * run to run.) Its 95% interval comes from a percentile bootstrap over
 * the samples at each x (every median resampled, seeded by the run's
 * seed), widened by the drift between rounds (each side's median at x1
 * may move by its round spread, so the interval gains 2 (spread - 1) on
 * either side), and it is read by the ratio rule: holds when G >= T with
 * the interval above E (the gap grows by at least a quarter of a process
 * round trip), negligible when the interval lies within [1/E, E] (the
 * gap is flat: what a process switch adds is a fixed cost), reversed when
 * the gap shrinks. The fixed gap at
 * x0 and the slope of the gap's line over every x, each with its
 * interval from the same resamples, are reported beside it, not judged.
 */
static void judge_gap_trend(const struct claim *c, const struct exp_result *res, uint64_t seed,
			    struct verdict *v)
{
	judge_ratio_per_x(c, res, seed, v);
	if (v->status == V_NO_DATA)
		return;
	v->reason[0] = '\0';
	v->ratio = (struct ratio_ci){ NAN, NAN, NAN };
	v->status = V_INCONCLUSIVE;
	size_t n = v->n_lines;
	struct gap_trend *g = &v->gap;
	g->n_sizes = n;
	g->x0 = v->lines[0].x0;
	g->x1 = v->lines[n - 1].x0;
	if (n < CLAIM_TREND_SIZES) {
		snprintf(v->reason, sizeof(v->reason),
			 _("too few sizes: %s was measured at %zu value(s) of %s, %d needed; "
			   "--full, or more sizes in the %s experiment's parameters, would settle "
			   "it"),
			 c->a.metric, n, c->x_param, CLAIM_TREND_SIZES, res->name);
		return;
	}
	const struct metric *pm[VERDICT_MAX_LINES], *tm[VERDICT_MAX_LINES];
	double x[VERDICT_MAX_LINES];
	for (size_t k = 0; k < n; k++) {
		int64_t xk = (int64_t)v->lines[k].x0;
		x[k] = v->lines[k].x0;
		pm[k] = metric_at(res, &c->a, c->x_param, xk);
		tm[k] = metric_at(res, &c->b, c->x_param, xk);
		if (pm[k]->n < CLAIM_VERDICT_SAMPLES || tm[k]->n < CLAIM_VERDICT_SAMPLES) {
			say_few_samples(res->name, pm[k], tm[k], v->reason, sizeof(v->reason));
			return;
		}
	}
	/* The least-squares slope of y over the fixed x: sum((x - mean) y) / sxx. */
	double xm = 0, sxx = 0;
	for (size_t k = 0; k < n; k++)
		xm += x[k] / (double)n;
	for (size_t k = 0; k < n; k++)
		sxx += (x[k] - xm) * (x[k] - xm);

	double gap[VERDICT_MAX_LINES];
	for (size_t k = 0; k < n; k++)
		gap[k] = pm[k]->sum.median - tm[k]->sum.median;
	g->fixed = gap[0];
	g->growth = gap[n - 1] - gap[0];
	g->slope = 0;
	for (size_t k = 0; k < n; k++)
		g->slope += (x[k] - xm) * gap[k] / sxx;

	double *ps[VERDICT_MAX_LINES], *ts[VERDICT_MAX_LINES];
	for (size_t k = 0; k < n; k++) {
		ps[k] = sorted_values(pm[k]);
		ts[k] = sorted_values(tm[k]);
	}
	double *rf = xcalloc(CLAIM_BOOTSTRAP, sizeof(*rf)),
	       *rd = xcalloc(CLAIM_BOOTSTRAP, sizeof(*rd));
	double *rs = xcalloc(CLAIM_BOOTSTRAP, sizeof(*rs)),
	       *rg = xcalloc(CLAIM_BOOTSTRAP, sizeof(*rg));
	struct rng rng;
	rng_seed(&rng, seed);
	for (size_t i = 0; i < CLAIM_BOOTSTRAP; i++) {
		double gk[VERDICT_MAX_LINES], p1 = 0, slope = 0;
		for (size_t k = 0; k < n; k++) {
			double p = stats_resampled_median(&rng, ps[k], pm[k]->n);
			gk[k] = p - stats_resampled_median(&rng, ts[k], tm[k]->n);
			slope += (x[k] - xm) * gk[k] / sxx;
			p1 = p;
		}
		rf[i] = gk[0];
		rd[i] = gk[n - 1] - gk[0];
		rs[i] = slope;
		rg[i] = gap_growth_ratio(rd[i], p1);
	}
	ci95_of(rf, CLAIM_BOOTSTRAP, &g->fixed_lo, &g->fixed_hi);
	ci95_of(rd, CLAIM_BOOTSTRAP, &g->growth_lo, &g->growth_hi);
	ci95_of(rs, CLAIM_BOOTSTRAP, &g->slope_lo, &g->slope_hi);
	v->ratio.ratio = gap_growth_ratio(g->growth, pm[n - 1]->sum.median);
	ci95_of(rg, CLAIM_BOOTSTRAP, &v->ratio.lo, &v->ratio.hi);
	/* The drift between rounds widens it: both medians at x1 may move by their spread. */
	double spread = 1.0;
	for (size_t k = 0; k < n; k += n - 1) {
		spread = pm[k]->round_spread > spread ? pm[k]->round_spread : spread;
		spread = tm[k]->round_spread > spread ? tm[k]->round_spread : spread;
	}
	v->ratio.lo -= 2 * (spread - 1);
	v->ratio.hi += 2 * (spread - 1);
	g->set = true;
	v->status = verdict_ratio_rule(&v->ratio, v->threshold, v->margin);
	if (v->status == V_INCONCLUSIVE)
		say_straddles(_("the gap's growth"), &v->ratio, v->margin, v->reason,
			      sizeof(v->reason));

	for (size_t k = 0; k < n; k++) {
		free(ps[k]);
		free(ts[k]);
	}
	free(rf);
	free(rd);
	free(rs);
	free(rg);
}

/*
 * The units of the figure of one kind with which to judge its speed-up:
 * the largest count whose fill is not "over" (more units than CPUs can
 * not run in parallel beyond the CPUs); 0 when none.
 */
static int64_t speedup_units(const struct exp_result *res, const struct claim *c,
			     const struct metric_ref *ref)
{
	int64_t best = 0;
	for (size_t i = 0; i < res->n_metrics; i++) {
		const struct metric *m = &res->metrics[i];
		const struct mparam *u = metric_param(m, c->speedup);
		const struct mparam *fill = metric_param(m, "fill");
		if (!u || !u->is_num || u->num <= best || (fill && strcmp(fill->str, "over") == 0))
			continue;
		if (metric_at(res, ref, c->speedup, u->num) == m)
			best = u->num;
	}
	return best;
}

/*
 * One kind's speed-up into l: its figure with one unit over its figure
 * with N units, N the largest that does not oversubscribe. Returns that
 * figure, or NULL (l untouched) when one of the two is missing or N is 1.
 */
static const struct metric *judge_one_speedup(const struct claim *c, const struct exp_result *res,
					      const struct metric_ref *side, const char *kind,
					      uint64_t seed, struct trend_line *l, char *why,
					      size_t size)
{
	/* The side's conditions without fill: "fill" names N's share of the CPUs, not the kind. */
	const char *where[8];
	size_t n = 0;
	for (const char *const *w = side->where; w && *w && n < 7; w++)
		if (strncmp(*w, "fill=", 5) != 0)
			where[n++] = *w;
	where[n] = NULL;
	struct metric_ref ref = { side->metric, where };
	int64_t units = speedup_units(res, c, &ref);
	const struct metric *one = metric_at(res, &ref, c->speedup, 1);
	const struct metric *many = units > 1 ? metric_at(res, &ref, c->speedup, units) : NULL;
	if (!one || !many)
		return NULL;
	memset(l, 0, sizeof(*l));
	l->label = kind;
	l->x0 = 1;
	l->x1 = (double)units;
	l->a_median = one->sum.median;
	l->b_median = many->sum.median;
	l->a_net = l->b_net = NAN;
	l->unit = one->unit;
	char what[64];
	snprintf(what, sizeof(what), _("the %s speed-up"), kind);
	int err = metric_ratio(one, many, seed, &l->growth);
	if (err && err != -EDOM) {
		snprintf(why, size, _("%s: the samples do not allow a ratio (a median of zero)"),
			 what);
		l->grows = V_INCONCLUSIVE;
	} else if (err || one->n < CLAIM_VERDICT_SAMPLES || many->n < CLAIM_VERDICT_SAMPLES) {
		say_few_samples(res->name, one, many, why, size);
		l->grows = V_INCONCLUSIVE;
	} else if (l->growth.lo > 1.0) {
		l->grows = V_OBSERVED;
	} else if (l->growth.hi <= 1.0) {
		l->grows = V_NOT_OBSERVED;
	} else {
		snprintf(why, size,
			 _("%s: the interval [%.2f, %.2f] reaches across 1; more samples (--full) "
			   "or "
			   "a quieter machine would narrow it"),
			 what, l->growth.lo, l->growth.hi);
		i18n_decimal(why);
		l->grows = V_INCONCLUSIVE;
	}
	return many;
}

/*
 * The speed-up rule (struct claim, speedup): each kind's speed-up with
 * its interval; observed when both lie above 1, not observed when either
 * lies at or below 1, inconclusive otherwise. The process/thread ratio of
 * the times at N is context, never judged.
 */
static void judge_speedup(const struct claim *c, const struct exp_result *res, uint64_t seed,
			  struct verdict *v)
{
	char why[2][sizeof(v->reason)] = { "", "" };
	const struct metric *pa = judge_one_speedup(c, res, &c->a, "process", seed, &v->lines[0],
						    why[0], sizeof(why[0]));
	const struct metric *pb = pa ? judge_one_speedup(c, res, &c->b, "thread", seed,
							 &v->lines[1], why[1], sizeof(why[1]))
				     : NULL;
	if (!pa || !pb) {
		memset(v->lines, 0, sizeof(v->lines));
		explain_missing(res, c->a.metric, v);
		return;
	}
	v->n_lines = 2;
	set_side(&v->a, pa);
	set_side(&v->b, pb);
	if (metric_ratio(pa, pb, seed, &v->ratio))
		v->ratio.lo = v->ratio.hi = NAN;
	enum verdict_status s0 = v->lines[0].grows, s1 = v->lines[1].grows;
	if (s0 == V_NOT_OBSERVED || s1 == V_NOT_OBSERVED) {
		v->status = V_NOT_OBSERVED;
	} else if (s0 == V_OBSERVED && s1 == V_OBSERVED) {
		v->status = V_OBSERVED;
	} else {
		v->status = V_INCONCLUSIVE;
		snprintf(v->reason, sizeof(v->reason), "%s",
			 s0 == V_INCONCLUSIVE ? why[0] : why[1]);
	}
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

/* ---- nuanced claims: fact parts and questions (issue 15) ----------------- */

/* The first word of an observation: a bare word or token, or a form's first value. */
static const char *obs_first_word(const struct ev_msg *m)
{
	if (!m || m->n_vals == 0)
		return NULL;
	const struct ev_val *v = &m->vals[0];
	return v->type == EV_WORD || v->type == EV_TOKEN || v->type == EV_LEGACY ? v->s : NULL;
}

/*
 * A fact part: observed when its observation's first word is the one the
 * claim expects, not observed when it is another; V_NO_DATA (not tried)
 * when the observation is absent. The line is kept either way: it says
 * what was tried.
 */
static void judge_fact_part(const struct claim_part *p, const struct exp_result *res,
			    struct trend_line *l)
{
	memset(l, 0, sizeof(*l));
	l->label = p->label;
	l->part = p;
	l->a_median = l->b_median = l->a_net = l->b_net = NAN;
	l->growth = (struct ratio_ci){ NAN, NAN, NAN };
	l->obs = exp_result_obs(res, p->fact_obs);
	l->seen = obs_first_word(l->obs);
	if (!l->seen)
		l->grows = V_NO_DATA;
	else
		l->grows =
			p->expect && strcmp(l->seen, p->expect) == 0 ? V_OBSERVED : V_NOT_OBSERVED;
}

/* Whether any part of c has something to judge in res (a fact seen, or both figures). */
static bool parts_present(const struct claim *c, const struct exp_result *res)
{
	for (const struct claim_part *p = c->parts; p && p->label; p++) {
		if (p->fact_obs ? exp_result_obs(res, p->fact_obs) != NULL
				: exp_result_find_metric(res, p->a.metric, p->a.where) &&
					  exp_result_find_metric(res, p->b.metric, p->b.where))
			return true;
	}
	return false;
}

/* Holds and holds (small) are one class, reversed and reversed (small) another. */
static enum verdict_status status_class(enum verdict_status s)
{
	if (s == V_HOLDS_SMALL)
		return V_HOLDS;
	if (s == V_REVERSED_SMALL)
		return V_REVERSED;
	return s;
}

/*
 * The claim's verdict from its parts' (or questions') verdicts: the class
 * they share (holds and holds (small) are one class: (small) when any is);
 * split only when two of them firmly disagree (holds against negligible,
 * say); inconclusive when the firm ones agree but some part could not be
 * told. So a part that wavers between runs makes the claim inconclusive,
 * never split in one run and holds in the next.
 */
static enum verdict_status combine_statuses(const enum verdict_status *s, size_t n)
{
	enum verdict_status cls = V_NO_DATA;
	bool small = false, unsure = false, differ = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == V_NO_DATA)
			continue;
		if (s[i] == V_INCONCLUSIVE || s[i] == V_SPLIT) {
			unsure = true;
			continue;
		}
		small = small || s[i] == V_HOLDS_SMALL || s[i] == V_REVERSED_SMALL;
		if (cls == V_NO_DATA)
			cls = status_class(s[i]);
		else if (status_class(s[i]) != cls)
			differ = true;
	}
	if (differ)
		return V_SPLIT;
	if (unsure)
		return V_INCONCLUSIVE;
	if (small && cls == V_HOLDS)
		return V_HOLDS_SMALL;
	if (small && cls == V_REVERSED)
		return V_REVERSED_SMALL;
	return cls;
}

/*
 * The verdict of lines[0..n) taken together (combine_statuses), except
 * that lines which firmly disagree leave it V_INCONCLUSIVE, with *differ
 * set; V_NO_DATA when none was judged.
 */
static enum verdict_status lines_agree(const struct trend_line *const *lines, size_t n,
				       bool *differ)
{
	enum verdict_status each[VERDICT_MAX_LINES];
	for (size_t i = 0; i < n; i++)
		each[i] = lines[i]->grows;
	enum verdict_status s = combine_statuses(each, n);
	/* Within one question, parts that firmly disagree leave it undecided. */
	*differ = s == V_SPLIT;
	return *differ ? V_INCONCLUSIVE : s;
}

/* One question's verdict from the lines of its parts. */
static void judge_question(const struct verdict *v, const struct claim_question *q,
			   struct question_verdict *out)
{
	const struct trend_line *mine[VERDICT_MAX_LINES];
	size_t n = 0;
	memset(out, 0, sizeof(*out));
	out->q = q;
	for (size_t i = 0; i < v->n_lines; i++) {
		const struct claim_part *p = v->lines[i].part;
		if (p && p->question && strcmp(p->question, q->key) == 0)
			mine[n++] = &v->lines[i];
	}
	bool differ;
	out->status = lines_agree(mine, n, &differ);
	if (out->status == V_NO_DATA) {
		snprintf(out->reason, sizeof(out->reason), "%s",
			 _("none of its parts was measured in this run"));
		return;
	}
	if (out->status != V_INCONCLUSIVE)
		return;
	size_t len = (size_t)snprintf(out->reason, sizeof(out->reason), "%s",
				      differ ? _("its parts disagree: ")
					     : _("its parts are inconclusive: "));
	for (size_t i = 0; i < n && len < sizeof(out->reason); i++) {
		if (mine[i]->grows == V_NO_DATA)
			continue;
		len += (size_t)snprintf(out->reason + len, sizeof(out->reason) - len, "%s%s (%s)",
					i ? "; " : "", _(mine[i]->label),
					verdict_status_label(mine[i]->grows));
	}
}

/*
 * The claim's verdict from its parts: with questions, each question's own
 * verdict, and the claim's the questions' common one (split when they
 * differ); without, the parts' common verdict (split when they differ).
 * Parts not tried (V_NO_DATA) are left out of both.
 */
static void nuanced_status(const struct claim *c, struct verdict *v)
{
	enum verdict_status each[VERDICT_MAX_LINES];
	size_t n = 0;
	if (!c->questions) {
		for (size_t i = 0; i < v->n_lines; i++)
			each[n++] = v->lines[i].grows;
	} else {
		for (const struct claim_question *q = c->questions;
		     q->key && v->n_questions < VERDICT_MAX_QUESTIONS; q++) {
			struct question_verdict *qv = &v->questions[v->n_questions++];
			judge_question(v, q, qv);
			each[n++] = qv->status;
		}
	}
	v->status = combine_statuses(each, n);
	if (v->status == V_NO_DATA)
		snprintf(v->reason, sizeof(v->reason), "%s",
			 _("none of its parts was measured in this run"));
	else if (v->status == V_INCONCLUSIVE && !v->reason[0])
		snprintf(v->reason, sizeof(v->reason), "%s",
			 _("some of its parts could not be told apart; the others agree"));
}

/* ---- attribution: the shared-address-space control ------------------------ */

/* The median of x[0..n) (n > 0); reorders x (Wirth's selection). */
static double median_inplace(double *x, size_t n)
{
	long k = (long)(n - 1) / 2, l = 0, m = (long)n - 1;
	while (l < m) {
		double pivot = x[k];
		long i = l, j = m;
		do {
			while (x[i] < pivot)
				i++;
			while (pivot < x[j])
				j--;
			if (i <= j) {
				double t = x[i];
				x[i++] = x[j];
				x[j--] = t;
			}
		} while (i <= j);
		if (j < k)
			l = i;
		if (k < i)
			m = j;
	}
	if (n % 2)
		return x[k];
	double up = INFINITY;
	for (size_t i = (size_t)k + 1; i < n; i++)
		if (x[i] < up)
			up = x[i];
	return (x[k] + up) / 2;
}

static double median_of(const double *x, size_t n)
{
	double *c = xcalloc(n, sizeof(*c));
	memcpy(c, x, n * sizeof(*c));
	double m = median_inplace(c, n);
	free(c);
	return m;
}

/*
 * x[0..n) ready for resampling: its values sorted (xs), each value's place
 * among them (at), and a count per place. A resample's median is then read
 * off the counts of its draws, in one pass, instead of selecting it among
 * copies: the same draws, the same order statistics, the same arithmetic
 * as median_inplace(), so the same bits; it was most of the time `ptlab
 * report` took for a large run.
 */
struct draws {
	size_t n;
	double *xs;
	size_t *at, *count;
};

static int cmp_value(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;
	return (a > b) - (a < b);
}

static void draws_init(struct draws *d, const double *x, size_t n)
{
	d->n = n;
	d->xs = xcalloc(n, sizeof(*d->xs));
	d->at = xcalloc(n, sizeof(*d->at));
	d->count = xcalloc(n, sizeof(*d->count));
	memcpy(d->xs, x, n * sizeof(*d->xs));
	qsort(d->xs, n, sizeof(*d->xs), cmp_value);
	for (size_t j = 0; j < n; j++) {
		size_t lo = 0, hi = n - 1; /* the first place of x[j]'s value */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (d->xs[mid] < x[j])
				lo = mid + 1;
			else
				hi = mid;
		}
		d->at[j] = lo;
	}
}

static void draws_free(struct draws *d)
{
	free(d->xs);
	free(d->at);
	free(d->count);
}

/* The median of n values drawn with replacement, as median_inplace() gives it. */
static double resample_median(struct rng *r, struct draws *d)
{
	size_t n = d->n, k = (n - 1) / 2, pos = 0, seen;
	memset(d->count, 0, n * sizeof(*d->count));
	for (size_t i = 0; i < n; i++)
		d->count[d->at[rng_below(r, n)]]++;
	for (seen = d->count[0]; seen <= k; seen += d->count[pos])
		pos++;
	double lo = d->xs[pos];
	if (n % 2)
		return lo;
	if (seen > k + 1)
		return (lo + lo) / 2;
	while (d->count[++pos] == 0)
		;
	return (lo + d->xs[pos]) / 2;
}

int verdict_share_ci(const double *p, size_t np, const double *t, size_t nt, const double *c,
		     size_t nc, uint64_t seed, struct ratio_ci *out)
{
	if (!np || !nt || !nc)
		return -EINVAL;
	double mp = median_of(p, np), mt = median_of(t, nt), mc = median_of(c, nc);
	if (!(mp - mt > 0))
		return -EINVAL;
	struct draws dp, dt, dc;
	draws_init(&dp, p, np);
	draws_init(&dt, t, nt);
	draws_init(&dc, c, nc);
	double *shares = xcalloc(CLAIM_BOOTSTRAP, sizeof(*shares));
	struct rng r;
	rng_seed(&r, seed ^ 0x5A17E5A17E5A17E5ull);
	for (size_t i = 0; i < CLAIM_BOOTSTRAP; i++) {
		double bp = resample_median(&r, &dp);
		double bt = resample_median(&r, &dt);
		double bc = resample_median(&r, &dc);
		double gap = bp - bt;
		/* A resample without a gap explains nothing: it counts at either end. */
		shares[i] = gap > 0 ? (bp - bc) / gap : bp - bc > 0 ? INFINITY : -INFINITY;
	}
	qsort(shares, CLAIM_BOOTSTRAP, sizeof(*shares), cmp_double);
	out->ratio = (mp - mc) / (mp - mt);
	out->lo = shares[(size_t)(0.025 * (CLAIM_BOOTSTRAP - 1))];
	out->hi = shares[(size_t)ceil(0.975 * (CLAIM_BOOTSTRAP - 1))];
	draws_free(&dp);
	draws_free(&dt);
	draws_free(&dc);
	free(shares);
	return 0;
}

/* ref's conditions with its "kind=" replaced by control, into w (n slots). */
static void control_where(const struct metric_ref *ref, const char *control, const char **w,
			  size_t n)
{
	size_t k = 0;
	for (const char *const *c = ref->where; c && *c && k + 2 < n; c++)
		w[k++] = strncmp(*c, "kind=", 5) == 0 ? control : *c;
	w[k] = NULL;
}

/* Adds the attribution of a's gap over b, when the control was measured beside them. */
static void attribute(const struct exp_result *res, const struct metric_ref *a,
		      const struct metric_ref *b, const char *control, uint64_t seed, bool gap,
		      struct verdict *v)
{
	const char *where[16];
	control_where(a, control, where, 16);
	const struct metric *pm = exp_result_find_metric(res, a->metric, a->where);
	const struct metric *tm = exp_result_find_metric(res, b->metric, b->where);
	const struct metric *cm = exp_result_find_metric(res, a->metric, where);
	if (!pm || !tm || !cm || !pm->n || !tm->n || !cm->n ||
	    v->n_attributions == VERDICT_MAX_ATTRIBUTIONS)
		return;
	double *vp = metric_values(pm), *vt = metric_values(tm), *vc = metric_values(cm);
	struct attribution *at = &v->attributions[v->n_attributions];
	at->share = (struct ratio_ci){ .ratio = NAN, .lo = NAN, .hi = NAN };
	/* Without a gap the control is still shown, in numbers, with nothing to attribute. */
	if (!gap || verdict_share_ci(vp, pm->n, vt, tm->n, vc, cm->n, seed, &at->share) == 0) {
		at->label = pm->name;
		at->unit = pm->unit;
		at->process = pm->sum.median;
		at->thread = tm->sum.median;
		at->control = cm->sum.median;
		v->n_attributions++;
	}
	free(vp);
	free(vt);
	free(vc);
}

/*
 * Of every process−thread gap the claim establishes (the ratio's interval
 * above 1, and not negligible: a gap to explain; the share of a gap within
 * the margin is noise over noise), the share the address-space switch explains:
 * for a ratio claim, its two sides; for a nuanced one, each ratio part
 * that sets one figure against itself. Nothing without the control.
 */
static void judge_attribution(const struct claim *c, const struct exp_result *res, uint64_t seed,
			      struct verdict *v)
{
	if (!c->control || !res)
		return;
	if (!c->parts) {
		if (v->a.set)
			attribute(res, &c->a, &c->b, c->control, seed,
				  v->ratio.lo > 1 && v->status != V_NEGLIGIBLE, v);
		return;
	}
	for (size_t i = 0; i < v->n_lines; i++) {
		const struct claim_part *p = v->lines[i].part;
		if (p && !p->fact_obs && strcmp(p->a.metric, p->b.metric) == 0 &&
		    v->lines[i].growth.lo > 1 && v->lines[i].grows != V_NEGLIGIBLE)
			attribute(res, &p->a, &p->b, c->control, seed, true, v);
	}
}

/* ---- the sentences the renderers share ------------------------------------- */

char *verdict_fact_line_text(const struct verdict *v, const struct trend_line *l, char *buf,
			     size_t size)
{
	const struct claim_part *p = l->part;
	if (!l->obs) {
		if (p && p->absent)
			snprintf(buf, size, _("%s: not tried in this run (%s)"), _(l->label),
				 _(p->absent));
		else
			snprintf(buf, size, _("%s: not tried in this run"), _(l->label));
		return buf;
	}
	char seen[512], expect[128];
	const char *exp = claim_experiment(v->claim);
	catalog_phrase(exp ? exp : "", l->obs, seen, sizeof(seen));
	struct ev_msg want = { .form = NULL,
			       .vals = &(struct ev_val){ .type = EV_WORD,
							 .s = p && p->expect ? p->expect : "?" },
			       .n_vals = 1 };
	catalog_phrase(exp ? exp : "", &want, expect, sizeof(expect));
	snprintf(buf, size, _("%s: %s; expected %s: %s"), _(l->label), seen, expect,
		 verdict_status_label(l->grows));
	return buf;
}

char *verdict_question_text(const struct question_verdict *q, char *buf, size_t size)
{
	if (q->status == V_INCONCLUSIVE || q->status == V_NO_DATA)
		snprintf(buf, size, _("%s: %s (%s)"), _(q->q->label),
			 verdict_status_label(q->status), q->reason);
	else
		snprintf(buf, size, "%s: %s", _(q->q->label), verdict_status_label(q->status));
	return buf;
}

char *verdict_questions_cell(const struct verdict *v, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	/* Questions of one verdict in a row share it: "(a, b) inconclusive". */
	for (size_t i = 0; i < v->n_questions && len < size; i++) {
		bool open = i == 0 || v->questions[i - 1].status != v->questions[i].status;
		bool close = i + 1 == v->n_questions ||
			     v->questions[i + 1].status != v->questions[i].status;
		len += (size_t)snprintf(buf + len, size - len, "%s%s%s",
					i == 0 ? "("
					: open ? ", ("
					       : ", ",
					_(v->questions[i].q->key), close ? ") " : "");
		if (close && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s",
						verdict_status_label(v->questions[i].status));
	}
	return buf;
}

char *verdict_attribution_text(const struct attribution *a, char *buf, size_t size)
{
	char gap[32], ctl[32], proc[32], thr[32];
	units_format_ns(a->process - a->thread, gap, sizeof(gap));
	units_format_ns(a->control, ctl, sizeof(ctl));
	if (isnan(a->share.ratio)) {
		snprintf(buf, size,
			 _("%s: a process that shares its parent's memory: %s, beside a process's "
			   "%s "
			   "and a thread's %s; no process-thread gap to attribute here"),
			 a->label, ctl, units_format_ns(a->process, proc, sizeof(proc)),
			 units_format_ns(a->thread, thr, sizeof(thr)));
		return buf;
	}
	int n = snprintf(buf, size,
			 _("%s: of the %s gap, the address-space switch explains %.0f%% [%.0f%%, "
			   "%.0f%%] (a process that shares its parent's memory: %s)"),
			 a->label, gap, 100 * a->share.ratio, 100 * a->share.lo, 100 * a->share.hi,
			 ctl);
	if (n > 0 && (size_t)n < size && a->share.lo <= 1 && a->share.hi >= 1)
		snprintf(buf + n, size - (size_t)n, "%s",
			 _("; a process that shares its parent's memory costs what a thread "
			   "costs"));
	return buf;
}

/* A nuanced claim: each part a ratio; one verdict when they agree, "split" when not. */
static void judge_nuanced(const struct claim *c, const struct exp_result *res, uint64_t seed,
			  struct verdict *v)
{
	for (const struct claim_part *p = c->parts; p && p->label && v->n_lines < VERDICT_MAX_LINES;
	     p++) {
		if (p->fact_obs) {
			/* Not tried: said where the claim says when it is tried, else left out. */
			if (p->absent || exp_result_obs(res, p->fact_obs))
				judge_fact_part(p, res, &v->lines[v->n_lines++]);
			continue;
		}
		const struct metric *a = exp_result_find_metric(res, p->a.metric, p->a.where);
		const struct metric *b = exp_result_find_metric(res, p->b.metric, p->b.where);
		if (!a || !b)
			continue;
		struct trend_line *l = &v->lines[v->n_lines++];
		memset(l, 0, sizeof(*l));
		l->label = p->label;
		l->part = p;
		l->a_median = a->sum.median;
		l->b_median = b->sum.median;
		l->a_net = l->b_net = NAN;
		l->unit = a->unit;
		char why[sizeof(v->reason)] = "";
		l->grows = judge_pair(res, a, b, _(p->label), seed, v->threshold, v->margin,
				      &l->growth, why, sizeof(why));
		/* The first part that is inconclusive says why, and what would settle it. */
		if (l->grows == V_INCONCLUSIVE && !v->reason[0])
			snprintf(v->reason, sizeof(v->reason), "%s", why);
		if (!v->a.set) {
			set_side(&v->a, a);
			set_side(&v->b, b);
			v->ratio = l->growth;
		}
	}
	if (v->n_lines == 0) {
		explain_missing(res,
				!c->parts	       ? "?"
				: c->parts[0].fact_obs ? c->parts[0].fact_obs
						       : c->parts[0].a.metric,
				v);
		return;
	}
	nuanced_status(c, v);
	if (v->status != V_INCONCLUSIVE && v->status != V_SPLIT && v->status != V_NO_DATA)
		v->reason[0] = '\0';
	judge_attribution(c, res, seed, v);
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
	v->status = judge_pair(res, slow, fast, _("the slowest over the fastest"), seed,
			       v->threshold, v->margin, &v->ratio, v->reason, sizeof(v->reason));
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
	if (c->fact_obs && !(c->parts && parts_present(c, res))) {
		judge_fact(c, res, v);
		return;
	}
	if (c->speedup) {
		judge_speedup(c, res, r->seed, v);
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
		judge_attribution(c, res, r->seed, v);
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
		if (c->baseline)
			judge_gap_trend(c, res, r->seed, v);
		else
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
		[ASPECT_RESOURCES] = N_("Resources"),
		[ASPECT_ISOLATION] = N_("Isolation"),
		[ASPECT_CREATION] = N_("Creation"),
		[ASPECT_CRASH] = N_("Crash"),
		[ASPECT_PARALLEL] = N_("Parallelism"),
		[ASPECT_SWITCH] = N_("Switching"),
		[ASPECT_COMMUNICATION] = N_("Communication"),
		[ASPECT_SYNC] = N_("Synchronisation"),
		[ASPECT_OVERHEAD] = N_("Overhead"),
		[ASPECT_USE_CASE] = N_("Use case"),
	};
	return a == ASPECT_NONE ? "" : _(labels[a]);
}
