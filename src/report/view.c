// SPDX-License-Identifier: MIT
/*
 * view: one computed view of a run's verdicts for every renderer for
 * people (report/view.h). The rules that keep a cell from misleading live
 * here, once:
 *
 *   - a cell holds its own side's figure, named, with the conditions in
 *     which it differs from the other side; what both share goes to
 *     `what`, so the same label never stands on both sides of a ratio
 *     without the condition that tells them apart;
 *   - a claim that ranks mechanisms shows fastest and slowest;
 *   - a trend's side that does not grow reads "flat", not a slope that
 *     is noise.
 */
#include "report/view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/units.h"
#include "report/report.h"
#include "util/i18n.h"
#include "util/xalloc.h"

/* A condition's value in words: key, value, its words (N_()). */
struct cond_word {
	const char *key, *value, *words;
};

static const struct cond_word cond_words[] = {
	{ "kind", "process", N_("processes") },
	{ "kind", "thread", N_("threads") },
	{ "placement", "same-cpu", N_("same CPU") },
	{ "placement", "cross-cpu", N_("across CPUs") },
	{ "placement", "unpinned", N_("unpinned") },
	{ "measure", "latency", N_("latency") },
	{ "measure", "bandwidth", N_("bandwidth") },
	{ "model", "process_per_connection", N_("process per connection") },
	{ "model", "prefork", N_("prefork") },
	{ "model", "thread_per_connection", N_("thread per connection") },
	{ "model", "thread_pool", N_("thread pool") },
	{ "model", "event_loop", N_("event loop") },
	{ "load", "keepalive", N_("keep-alive") },
	{ "load", "churn", N_("a connection per request") },
	{ "contenders", "1", N_("uncontended") },
	{ "variant", "processes_pipe", N_("over a pipe") },
	{ "variant", "processes_shm", N_("over shared memory") },
	{ "variant", "threads_queue", N_("over a shared queue") },
	/* Said by the others beside them, or by the column. */
	{ "fill", NULL, "" },
	{ "parent_rss_bytes", NULL, "" },
	{ "working_set_bytes", "0", "" },
	{ "extra_bytes", "0", "" },
	{ "work_us", "0", "" },
	{ NULL, NULL, NULL },
};

char *view_condition(const struct mparam *p, char *buf, size_t size)
{
	char b[32];
	for (const struct cond_word *w = cond_words; w->key; w++)
		if (strcmp(w->key, p->key) == 0 && (!w->value || strcmp(w->value, p->str) == 0)) {
			snprintf(buf, size, "%s", w->words[0] ? _(w->words) : "");
			return buf;
		}
	if (p->is_num && strstr(p->key, "bytes"))
		units_format_bytes((double)p->num, b, sizeof(b));
	if (strcmp(p->key, "bytes") == 0)
		snprintf(buf, size, _("%s messages"), b);
	else if (strcmp(p->key, "working_set_bytes") == 0)
		snprintf(buf, size, _("%s working set"), b);
	else if (strcmp(p->key, "extra_bytes") == 0)
		snprintf(buf, size, _("%s touched"), b);
	else if (strcmp(p->key, "units") == 0)
		snprintf(buf, size, _("%s units"), p->str);
	else if (strcmp(p->key, "contenders") == 0)
		snprintf(buf, size, _("%s contenders"), p->str);
	else if (strcmp(p->key, "work_us") == 0)
		snprintf(buf, size, _("%s µs of work"), p->str);
	else if (strcmp(p->key, "channel") == 0 || strcmp(p->key, "layout") == 0)
		snprintf(buf, size, "%s", p->str);
	else
		snprintf(buf, size, "%s=%s", p->key, p->str);
	return buf;
}

/*
 * A figure for a cell: report_fmt_value() with a no-break space between
 * the number and its unit, so that no renderer's wrapping parts them.
 */
static char *value(double v, const char *unit, char *buf, size_t size)
{
	char plain[48];
	report_fmt_value(v, unit, plain, sizeof(plain));
	return view_nbsp(plain, buf, size);
}

char *view_nbsp(const char *s, char *buf, size_t size)
{
	size_t o = 0;
	for (; *s && o + 3 < size; s++) {
		if (*s == ' ') {
			buf[o++] = (char)0xc2;
			buf[o++] = (char)0xa0;
		} else {
			buf[o++] = *s;
		}
	}
	buf[o] = '\0';
	return buf;
}

/* Appends text to buf after ", " (or nothing first); empty text adds nothing. */
static void add(char *buf, size_t size, const char *text)
{
	size_t len = strlen(buf);
	if (!text[0] || len + 1 >= size)
		return;
	snprintf(buf + len, size - len, "%s%s", len ? ", " : "", text);
}

/* Whether key is among the "key=value" conditions of where (or is x, the trend's). */
static bool selects(const char *const *where, const char *x, const char *key)
{
	size_t n = strlen(key);
	if (x && strcmp(x, key) == 0)
		return true;
	for (; where && *where; where++)
		if (strncmp(*where, key, n) == 0 && (*where)[n] == '=')
			return true;
	return false;
}

/*
 * The conditions of m that the claim selects by (where, x), kind aside,
 * in words: those that differ from other's (differ) or those it shares.
 */
static void conditions(const struct metric *m, const struct metric *other, const char *const *where,
		       const char *x, bool differ, bool with_kind, char *buf, size_t size)
{
	for (size_t i = 0; m && i < m->n_params; i++) {
		const struct mparam *p = &m->params[i];
		const struct mparam *q = other ? metric_param(other, p->key) : NULL;
		bool same = q && strcmp(q->str, p->str) == 0;
		/* A difference always matters; what both share, where the claim chose it. */
		if ((!with_kind && strcmp(p->key, "kind") == 0) || same == differ ||
		    (same && !selects(where, x, p->key)))
			continue;
		/* A variant names its channel. */
		if (strcmp(p->key, "channel") == 0 && metric_param(m, "variant"))
			continue;
		char w[96];
		add(buf, size, view_condition(p, w, sizeof(w)));
	}
}

/* "name, conditions value", each part only when there is one. */
static void cell(char *buf, size_t size, const char *name, const char *conds, const char *value)
{
	snprintf(buf, size, "%s%s%s%s%s", name, name[0] && conds[0] ? ", " : "", conds,
		 name[0] || conds[0] ? " " : "", value);
}

/* The where conditions that select a claim's figures: the first part's for a nuanced claim. */
static const char *const *claim_where(const struct claim *c)
{
	if (c->parts && c->parts[0].label && !c->parts[0].fact_obs)
		return c->parts[0].a.where;
	return c->a.where;
}

/* Two figures: their cells, and what they share. */
static void sides(struct view_row *w, const struct side *a, const struct side *b)
{
	const struct claim *c = w->v->claim;
	const char *const *where = claim_where(c);
	bool same_name = strcmp(a->label, b->label) == 0;
	char va[64], vb[64], ca[VIEW_CELL] = "", cb[VIEW_CELL] = "";
	conditions(a->m, b->m, where, c->x_param, true, false, ca, sizeof(ca));
	conditions(b->m, a->m, where, c->x_param, true, false, cb, sizeof(cb));
	if (same_name)
		snprintf(w->what, sizeof(w->what), "%s", a->label);
	conditions(a->m, b->m, where, c->x_param, false, w->shape == VIEW_RANKING, w->what,
		   sizeof(w->what));
	value(a->sum.median, a->unit, va, sizeof(va));
	value(b->sum.median, b->unit, vb, sizeof(vb));
	cell(w->left, sizeof(w->left), same_name ? "" : a->label, ca, va);
	cell(w->right, sizeof(w->right), same_name ? "" : b->label, cb, vb);
}

/*
 * A trend's side: its slope per GiB where its growth is firm; "flat" where
 * it is negligible, and "no clear slope" where the run cannot tell (a
 * slope of noise, even below zero, would read as a finding).
 */
static void trend_cell(const struct trend_line *l, char *buf, size_t size)
{
	char slope[48], kept[64];
	if (l->grows == V_NEGLIGIBLE)
		snprintf(buf, size, _("%s flat"), l->label);
	else if (l->grows == V_INCONCLUSIVE || l->grows == V_NO_DATA)
		snprintf(buf, size, _("%s: no clear slope"), l->label);
	else
		snprintf(buf, size, "%s %s", l->label,
			 view_nbsp(report_fmt_slope(l, slope, sizeof(slope)), kept, sizeof(kept)));
}

/* A speed-up side: "×1.93" (`what` says with how many units). */
static void speedup_cell(const struct trend_line *l, char *buf, size_t size)
{
	char r[24];
	snprintf(buf, size, "×%s", report_fmt_ratio(l->growth.ratio, r, sizeof(r)));
}

static void verdict_cells(struct view_row *w)
{
	const struct verdict *v = w->v;
	const struct claim *c = v->claim;
	if (v->n_questions)
		verdict_questions_cell(v, w->verdict, sizeof(w->verdict));
	else
		snprintf(w->verdict, sizeof(w->verdict), "%s", verdict_status_label(v->status));
	if ((c->kind == CLAIM_RATIO || c->kind == CLAIM_TABLE) && v->a.set &&
	    isfinite(v->ratio.ratio) && !c->speedup && !v->n_questions) {
		char r[24];
		snprintf(w->ratio, sizeof(w->ratio), "×%s",
			 report_fmt_ratio(v->ratio.ratio, r, sizeof(r)));
	}
	snprintf(w->headline, sizeof(w->headline), "%.*s%s%s", VIEW_CELL - 40, w->verdict,
		 w->ratio[0] ? " " : "", w->ratio);
}

static void build_row(struct view_row *w, const struct run *r)
{
	const struct verdict *v = w->v;
	const struct claim *c = v->claim;
	w->measured = view_measured(r, v);
	/* A ranking without its figures shows the seeds' words, as any unmeasured row. */
	w->shape =
		c->kind == CLAIM_TABLE && v->a.set && v->a.m && v->b.m ? VIEW_RANKING : VIEW_SIDES;
	verdict_cells(w);
	if (c->speedup && v->n_lines >= 2) {
		snprintf(w->what, sizeof(w->what), _("%s, speed-up with %.0f units"), v->a.label,
			 v->lines[0].x1);
		speedup_cell(&v->lines[0], w->left, sizeof(w->left));
		speedup_cell(&v->lines[1], w->right, sizeof(w->right));
	} else if (c->kind == CLAIM_TREND && !c->baseline && v->n_lines >= 2) {
		if (strcmp(c->x_param, "extra_bytes") == 0)
			snprintf(w->what, sizeof(w->what), "%s",
				 _("per GiB of the parent's memory"));
		else
			snprintf(w->what, sizeof(w->what), _("per GiB of %s"), c->x_param);
		trend_cell(&v->lines[0], w->left, sizeof(w->left));
		trend_cell(&v->lines[1], w->right, sizeof(w->right));
	} else if (w->shape == VIEW_RANKING) {
		/* judge_table() sets a to the slowest and b to the fastest. */
		sides(w, &v->b, &v->a);
		char va[64], vb[64];
		snprintf(w->left, sizeof(w->left), "%s %s", v->b.label,
			 value(v->b.sum.median, v->b.unit, va, sizeof(va)));
		snprintf(w->right, sizeof(w->right), "%s %s", v->a.label,
			 value(v->a.sum.median, v->a.unit, vb, sizeof(vb)));
	} else if (v->a.set && v->a.m && v->b.m) {
		sides(w, &v->a, &v->b);
	} else {
		snprintf(w->left, sizeof(w->left), "%s", c->process_says ? _(c->process_says) : "");
		snprintf(w->right, sizeof(w->right), "%s", c->thread_says ? _(c->thread_says) : "");
	}
}

bool view_measured(const struct run *r, const struct verdict *v)
{
	return v->status != V_NOT_MEASURED && claim_experiment(v->claim) &&
	       run_find_result(r, claim_experiment(v->claim));
}

void view_build(struct view *w, const struct run *r, const struct verdict *v)
{
	size_t n = claims_count();
	w->rows = xcalloc(n ? n : 1, sizeof(*w->rows));
	w->n = 0;
	/* The seeds' order of aspects; a claim without one (none today) last. */
	for (int a = ASPECT_DEFINITION; a <= ASPECT_COUNT; a++) {
		enum aspect as = a == ASPECT_COUNT ? ASPECT_NONE : (enum aspect)a;
		bool first = true;
		for (size_t i = 0; i < n; i++) {
			if (v[i].claim->aspect != as)
				continue;
			struct view_row *row = &w->rows[w->n++];
			row->v = &v[i];
			row->aspect = as;
			row->first = first;
			first = false;
			build_row(row, r);
		}
	}
}

void view_free(struct view *w)
{
	free(w->rows);
	w->rows = NULL;
	w->n = 0;
}

void view_metric_label(const struct exp_result *e, const struct metric *m, char *buf, size_t size)
{
	const struct mparam *kind = metric_param(m, "kind");
	snprintf(buf, size, "%s", m->name);
	if (!kind)
		return;
	for (size_t i = 0; i < e->n_metrics; i++) {
		const struct mparam *other = metric_param(&e->metrics[i], "kind");
		if (strcmp(e->metrics[i].name, m->name) == 0 && other &&
		    strcmp(other->str, kind->str) != 0) {
			snprintf(buf, size, "%s %s", m->name, kind->str);
			return;
		}
	}
}

static int by_median(const void *p, const void *q)
{
	const struct metric *const *a = p, *const *b = q;
	return ((*a)->sum.median > (*b)->sum.median) - ((*a)->sum.median < (*b)->sum.median);
}

const struct metric **view_ranking(const struct claim *c, const struct exp_result *e, size_t *n)
{
	const struct metric **rank = xcalloc(e->n_metrics ? e->n_metrics : 1, sizeof(*rank));
	*n = 0;
	for (size_t i = 0; i < e->n_metrics; i++)
		if (exp_result_find_metric(e, e->metrics[i].name, c->a.where) == &e->metrics[i])
			rank[(*n)++] = &e->metrics[i];
	qsort(rank, *n, sizeof(*rank), by_median);
	return rank;
}

const char *view_cpus(const struct run *r)
{
	return !r->cpus || strcmp(r->cpus, "all") == 0 ? _("all") : r->cpus;
}

char *view_run_line(const struct run *r, char *buf, size_t size)
{
	snprintf(buf, size, _("ptlab %s, %s preset, %s, seed %llu, CPUs %s"),
		 r->ptlab_version ? r->ptlab_version : "?", r->preset ? r->preset : "?",
		 r->started ? r->started : "?", (unsigned long long)r->seed, view_cpus(r));
	return buf;
}

char *view_machine_line(const struct run *r, char *buf, size_t size)
{
	const struct sysinfo *e = &r->env;
	char kind[128], load[32];
	const char *pti = e->pti == SYSINFO_YES ? _("on") : e->pti == SYSINFO_NO ? _("off") : "?";
	if (e->loadavg1 >= 0) {
		snprintf(load, sizeof(load), "%.2f", e->loadavg1);
		i18n_decimal(load);
	} else
		snprintf(load, sizeof(load), "?");
	snprintf(buf, size,
		 _("%s, %d CPUs, %s, Linux %s, PCID %s, PTI %s, huge pages %s, load average "
		   "%s."),
		 e->cpu_model[0] ? e->cpu_model : "?", e->cpus_online,
		 report_fmt_machine_kind(e, kind, sizeof(kind)), e->kernel[0] ? e->kernel : "?",
		 e->pcid ? _("yes") : _("no"), pti, e->thp[0] ? e->thp : "?", load);
	return buf;
}

const char *view_title(void)
{
	return _("The seeds' comparison, measured here (the seeds: five short texts ptlab tests)");
}

const char *view_legend(void)
{
	return _("Verdicts: holds, the claim's direction beyond the margin; reversed, the "
		 "opposite; negligible, within the margin; inconclusive, not settled by this run; "
		 "observed / not observed, a fact seen or not; split, its parts disagree; "
		 "(small), under the threshold. ×N: process over thread, or slowest over fastest "
		 "in a ranking.");
}
