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

static json_t *side_json(const struct side *s)
{
	if (!s->set)
		return json_null();
	json_t *o = json_object();
	json_object_set_new(o, "metric", json_string(s->label));
	if (s->unit) {
		json_object_set_new(o, "unit", json_string(s->unit));
		json_object_set_new(o, "median", real_or_null(s->sum.median));
		json_t *ci = json_array();
		json_array_append_new(ci, real_or_null(s->sum.ci_lo));
		json_array_append_new(ci, real_or_null(s->sum.ci_hi));
		json_object_set_new(o, "ci95", ci);
		json_object_set_new(o, "n", json_integer((json_int_t)s->sum.n));
	}
	return o;
}

static json_t *ratio_json(const struct ratio_ci *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "value", real_or_null(r->ratio));
	json_t *ci = json_array();
	json_array_append_new(ci, real_or_null(r->lo));
	json_array_append_new(ci, real_or_null(r->hi));
	json_object_set_new(o, "ci95", ci);
	return o;
}

static json_t *verdict_json(const struct verdict *v)
{
	json_t *o = json_object();
	json_object_set_new(o, "claim", json_string(v->claim->id));
	json_object_set_new(o, "kind", json_string(claim_kind_name(v->claim->kind)));
	json_object_set_new(o, "status", json_string(verdict_status_name(v->status)));
	if (v->reason[0])
		json_object_set_new(o, "reason", json_string(v->reason));
	if (v->status == V_NOT_MEASURED || v->status == V_NO_DATA)
		return o;
	json_object_set_new(o, "threshold", json_real(v->threshold));
	json_object_set_new(o, "margin", json_real(v->margin));
	json_object_set_new(o, "process", side_json(&v->a));
	json_object_set_new(o, "thread", side_json(&v->b));
	if (v->claim->kind == CLAIM_RATIO)
		json_object_set_new(o, "ratio", ratio_json(&v->ratio));
	if (v->n_lines) {
		json_t *lines = json_array();
		for (size_t i = 0; i < v->n_lines; i++) {
			const struct trend_line *l = &v->lines[i];
			json_t *lo = json_object();
			json_object_set_new(lo, "metric", json_string(l->label));
			json_object_set_new(lo, "x", json_string(v->claim->x_param));
			json_object_set_new(lo, "slope", real_or_null(l->fit.slope));
			json_object_set_new(lo, "intercept", real_or_null(l->fit.intercept));
			json_object_set_new(lo, "r2", real_or_null(l->fit.r2));
			json_object_set_new(lo, "growth", ratio_json(&l->growth));
			json_object_set_new(lo, "grows", json_string(verdict_status_name(l->grows)));
			json_array_append_new(lines, lo);
		}
		json_object_set_new(o, "lines", lines);
	}
	return o;
}

struct json_t *report_verdicts_json(const struct verdict *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, verdict_json(&v[i]));
	return a;
}

int report_save_json(const char *path, const struct run *r, const struct verdict *v)
{
	json_t *extra = json_object();
	if (!extra)
		return -ENOMEM;
	json_object_set_new(extra, "verdicts", report_verdicts_json(v, claims_count()));
	int err = run_save(r, extra, path);
	json_decref(extra);
	return err;
}

static int json_render(FILE *out, const struct run *r, const struct verdict *v,
		       const struct report_opts *o)
{
	(void)o;
	json_t *root = json_from_run(r);
	if (!root)
		return -ENOMEM;
	json_object_set_new(root, "verdicts", report_verdicts_json(v, claims_count()));
	int err = json_dumpf(root, out, JSON_INDENT(1)) == 0 ? 0 : -EIO;
	fputc('\n', out);
	json_decref(root);
	return err;
}

const struct renderer render_json = { "json", json_render };
