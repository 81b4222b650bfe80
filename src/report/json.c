// SPDX-License-Identifier: MIT
/*
 * json renderer: the run exactly as the model holds it (model/json.c),
 * every raw sample included, plus a "verdicts" array for readers that
 * want the conclusions without redoing them. `ptlab report` ignores the
 * stored verdicts and judges the samples again.
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>

#include "model/json.h"
#include "report/report.h"

static json_t *real_or_null(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

/*
 * Every insertion is checked. jansson's *_new calls take the value's
 * reference even when they fail, and fail on a NULL value or container,
 * so each builder ORs their results and drops a half-built object:
 * NULL means out of memory, all the way up.
 */
static json_t *done(json_t *o, int bad)
{
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *pair_json(double lo, double hi)
{
	json_t *a = json_array();
	int bad = json_array_append_new(a, real_or_null(lo));
	bad |= json_array_append_new(a, real_or_null(hi));
	return done(a, bad);
}

static json_t *side_json(const struct side *s)
{
	if (!s->set)
		return json_null();
	json_t *o = json_object();
	int bad = json_object_set_new(o, "metric", json_string(s->label));
	if (s->unit) {
		bad |= json_object_set_new(o, "unit", json_string(s->unit));
		bad |= json_object_set_new(o, "median", real_or_null(s->sum.median));
		bad |= json_object_set_new(o, "ci95", pair_json(s->sum.ci_lo, s->sum.ci_hi));
		bad |= json_object_set_new(o, "n", json_integer((json_int_t)s->sum.n));
	}
	return done(o, bad);
}

static json_t *ratio_json(const struct ratio_ci *r)
{
	json_t *o = json_object();
	int bad = json_object_set_new(o, "value", real_or_null(r->ratio));
	bad |= json_object_set_new(o, "ci95", pair_json(r->lo, r->hi));
	return done(o, bad);
}

/*
 * A nuanced claim's part: its question's key, and for a fact part the
 * observation read, the word seen (null when not tried) and the word
 * expected. Returns nonzero on allocation failure.
 */
static int part_json(json_t *o, const struct trend_line *l)
{
	const struct claim_part *p = l->part;
	int bad = 0;
	if (p->question)
		bad |= json_object_set_new(o, "question", json_string(p->question));
	if (p->fact_obs) {
		bad |= json_object_set_new(o, "observation", json_string(p->fact_obs));
		bad |= json_object_set_new(o, "seen", l->seen ? json_string(l->seen) : json_null());
		bad |= json_object_set_new(o, "expected", json_string(p->expect ? p->expect : ""));
	}
	return bad;
}

/* The questions' verdicts: [{"key", "label", "status", "reason"?}]. */
static json_t *questions_json(const struct verdict *v)
{
	json_t *a = json_array();
	int bad = 0;
	for (size_t i = 0; i < v->n_questions; i++) {
		const struct question_verdict *q = &v->questions[i];
		json_t *o = json_object();
		bad |= json_object_set_new(o, "key", json_string(q->q->key));
		bad |= json_object_set_new(o, "label", json_string(q->q->label));
		bad |= json_object_set_new(o, "status",
					   json_string(verdict_status_name(q->status)));
		if (q->status == V_INCONCLUSIVE || q->status == V_NO_DATA)
			bad |= json_object_set_new(o, "reason", json_string(q->reason));
		bad |= json_array_append_new(a, o);
	}
	return done(a, bad);
}

/* The attributions: [{"metric", "unit", "process", "thread", "control", "share"}]. */
static json_t *attributions_json(const struct verdict *v)
{
	json_t *a = json_array();
	int bad = 0;
	for (size_t i = 0; i < v->n_attributions; i++) {
		const struct attribution *at = &v->attributions[i];
		json_t *o = json_object();
		bad |= json_object_set_new(o, "metric", json_string(at->label));
		bad |= json_object_set_new(o, "unit", json_string(at->unit));
		bad |= json_object_set_new(o, "process_median", real_or_null(at->process));
		bad |= json_object_set_new(o, "thread_median", real_or_null(at->thread));
		bad |= json_object_set_new(o, "control_median", real_or_null(at->control));
		bad |= json_object_set_new(o, "share", ratio_json(&at->share));
		bad |= json_array_append_new(a, o);
	}
	return done(a, bad);
}

/*
 * One line of a verdict: a fitted figure for a trend; for a ratio judged
 * per condition or a nuanced claim's part, its two medians, ratio and
 * verdict (and, per condition, the value and each side net of the
 * baseline).
 */
static json_t *line_json(const struct verdict *v, const struct trend_line *l)
{
	json_t *o = json_object();
	int bad = 0;
	if (v->claim->kind == CLAIM_TREND && !v->claim->baseline) {
		bad |= json_object_set_new(o, "metric", json_string(l->label));
		bad |= json_object_set_new(o, "x", json_string(v->claim->x_param));
		bad |= json_object_set_new(o, "slope", real_or_null(l->fit.slope));
		bad |= json_object_set_new(o, "intercept", real_or_null(l->fit.intercept));
		bad |= json_object_set_new(o, "r2", real_or_null(l->fit.r2));
		bad |= json_object_set_new(o, "growth", ratio_json(&l->growth));
		bad |= json_object_set_new(o, "grows", json_string(verdict_status_name(l->grows)));
		return done(o, bad);
	}
	bad |= json_object_set_new(o, "label", json_string(l->label));
	if (l->part && (l->part->question || l->part->fact_obs))
		bad |= part_json(o, l);
	if (l->part && l->part->fact_obs) {
		bad |= json_object_set_new(o, "status", json_string(verdict_status_name(l->grows)));
		return done(o, bad);
	}
	if (v->claim->x_param) {
		bad |= json_object_set_new(o, "x", json_string(v->claim->x_param));
		bad |= json_object_set_new(o, "at", real_or_null(l->x0));
		bad |= json_object_set_new(o, "process_net", real_or_null(l->a_net));
		bad |= json_object_set_new(o, "thread_net", real_or_null(l->b_net));
	}
	bad |= json_object_set_new(o, "process_median", real_or_null(l->a_median));
	bad |= json_object_set_new(o, "thread_median", real_or_null(l->b_median));
	bad |= json_object_set_new(o, "ratio", ratio_json(&l->growth));
	bad |= json_object_set_new(o, "status", json_string(verdict_status_name(l->grows)));
	return done(o, bad);
}

/* One kind's speed-up (par.speedup): its times with 1 and N units, the speed-up, the ideal. */
static json_t *speedup_line_json(const struct trend_line *l)
{
	json_t *o = json_object();
	int bad = json_object_set_new(o, "kind", json_string(l->label));
	bad |= json_object_set_new(o, "units", real_or_null(l->x1));
	bad |= json_object_set_new(o, "one_unit_median", real_or_null(l->a_median));
	bad |= json_object_set_new(o, "units_median", real_or_null(l->b_median));
	bad |= json_object_set_new(o, "speedup", ratio_json(&l->growth));
	bad |= json_object_set_new(o, "ideal", real_or_null(l->x1));
	bad |= json_object_set_new(o, "status", json_string(verdict_status_name(l->grows)));
	return done(o, bad);
}

/* A gap trend's evidence (switch.tlb): the fixed gap, its growth and slope, in ns. */
static json_t *gap_json(const struct gap_trend *g)
{
	json_t *o = json_object();
	int bad = json_object_set_new(o, "sizes", json_integer((json_int_t)g->n_sizes));
	bad |= json_object_set_new(o, "x0", real_or_null(g->x0));
	bad |= json_object_set_new(o, "x1", real_or_null(g->x1));
	bad |= json_object_set_new(o, "fixed_ns", real_or_null(g->fixed));
	bad |= json_object_set_new(o, "fixed_ci95", pair_json(g->fixed_lo, g->fixed_hi));
	bad |= json_object_set_new(o, "growth_ns", real_or_null(g->growth));
	bad |= json_object_set_new(o, "growth_ci95", pair_json(g->growth_lo, g->growth_hi));
	bad |= json_object_set_new(o, "slope_ns_per_byte", real_or_null(g->slope));
	bad |= json_object_set_new(o, "slope_ci95", pair_json(g->slope_lo, g->slope_hi));
	return done(o, bad);
}

/* The paragraphs chosen, each with the evidence its guard read: [{"id", "evidence": {}}]. */
static json_t *mechanisms_json(const struct verdict *v)
{
	json_t *a = json_array();
	int bad = 0;
	for (size_t i = 0; i < v->n_mechanisms; i++) {
		const struct mech_choice *m = &v->mechanisms[i];
		json_t *o = json_object(), *ev = json_object();
		for (size_t k = 0; k < m->n_evidence; k++)
			bad |= json_object_set_new(ev, m->evidence[k].key,
						   json_string(m->evidence[k].value));
		bad |= json_object_set_new(o, "id", json_string(m->m->id));
		bad |= json_object_set_new(o, "evidence", ev);
		bad |= json_array_append_new(a, o);
	}
	return done(a, bad);
}

static json_t *verdict_json(const struct verdict *v)
{
	json_t *o = json_object();
	int bad = json_object_set_new(o, "claim", json_string(v->claim->id));
	bad |= json_object_set_new(o, "kind", json_string(claim_kind_name(v->claim->kind)));
	bad |= json_object_set_new(o, "status", json_string(verdict_status_name(v->status)));
	if (v->reason[0])
		bad |= json_object_set_new(o, "reason", json_string(v->reason));
	bad |= json_object_set_new(o, "mechanisms", mechanisms_json(v));
	if (v->status == V_NOT_MEASURED || v->status == V_NO_DATA)
		return done(o, bad);
	bad |= json_object_set_new(o, "threshold", real_or_null(v->threshold));
	bad |= json_object_set_new(o, "margin", real_or_null(v->margin));
	bad |= json_object_set_new(o, "process", side_json(&v->a));
	bad |= json_object_set_new(o, "thread", side_json(&v->b));
	if ((v->claim->kind != CLAIM_TREND && v->claim->kind != CLAIM_FACT) || v->gap.set)
		bad |= json_object_set_new(o, "ratio", ratio_json(&v->ratio));
	if (v->gap.set)
		bad |= json_object_set_new(o, "gap", gap_json(&v->gap));
	if (v->n_lines) {
		json_t *lines = json_array();
		for (size_t i = 0; i < v->n_lines; i++)
			bad |= json_array_append_new(
				lines, v->claim->speedup ? speedup_line_json(&v->lines[i])
							 : line_json(v, &v->lines[i]));
		bad |= json_object_set_new(o, "lines", lines);
	}
	if (v->n_questions)
		bad |= json_object_set_new(o, "questions", questions_json(v));
	if (v->n_attributions)
		bad |= json_object_set_new(o, "attributions", attributions_json(v));
	return done(o, bad);
}

/* NULL on allocation failure. */
struct json_t *report_verdicts_json(const struct verdict *v, size_t n)
{
	json_t *a = json_array();
	int bad = 0;
	for (size_t i = 0; i < n; i++)
		bad |= json_array_append_new(a, verdict_json(&v[i]));
	return done(a, bad);
}

static int json_render(FILE *out, const struct run *r, const struct verdict *v,
		       const struct report_opts *o)
{
	(void)o;
	json_t *root = json_from_run(r);
	if (!root ||
	    json_object_set_new(root, "verdicts", report_verdicts_json(v, claims_count()))) {
		json_decref(root);
		return -ENOMEM;
	}
	int err = json_dumpf(root, out, JSON_INDENT(1)) == 0 ? 0 : -EIO;
	json_decref(root);
	if (fputc('\n', out) == EOF || ferror(out))
		err = -EIO;
	return err;
}

const struct renderer render_json = { "json", json_render };
