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
 * One line of a verdict: a fitted figure for a trend; for a ratio judged
 * per condition or a nuanced claim's part, its two medians, ratio and
 * verdict (and, per condition, the value and each side net of the
 * baseline).
 */
static json_t *line_json(const struct verdict *v, const struct trend_line *l)
{
	json_t *o = json_object();
	int bad = 0;
	if (v->claim->kind == CLAIM_TREND) {
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
	if (v->claim->kind != CLAIM_TREND && v->claim->kind != CLAIM_FACT)
		bad |= json_object_set_new(o, "ratio", ratio_json(&v->ratio));
	if (v->n_lines) {
		json_t *lines = json_array();
		for (size_t i = 0; i < v->n_lines; i++)
			bad |= json_array_append_new(lines, line_json(v, &v->lines[i]));
		bad |= json_object_set_new(o, "lines", lines);
	}
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
