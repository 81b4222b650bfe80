// SPDX-License-Identifier: MIT
/*
 * html_charts: the charts of the HTML report. Each experiment declares the
 * charts it wants in its descriptor (runner/chart.h); this file draws
 * them over two builders. A bar chart is "the figures named X under
 * conditions Y, a category per value of one condition (or per name), a
 * series per value of another"; a line chart is "the same figures against
 * a numeric condition". Both draw each figure's median with its 95%
 * interval, so what the page shows is what the verdicts rest on. A few
 * kinds derive their values: a bandwidth is the message size over the
 * time per message, a speed-up the time of one unit over the time of N
 * (its interval by the same seeded bootstrap as a ratio verdict), and the
 * server's percentiles and availability timeline are read from its
 * observations by form and position.
 *
 * A chart whose figures are absent (an experiment cut short, a figure
 * skipped, an older run) is left out without a word: the figures' table
 * under the charts says what there is.
 */
#include "report/html_charts.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "claims/claims.h"
#include "core/units.h"
#include "experiments/catalog.h"
#include "report/svg.h"
#include "util/i18n.h"
#include "util/xalloc.h"

#define GRID_CATS 32
#define LABEL_MAX 80

static bool name_in(const char *name, const char *const *names)
{
	if (!names)
		return true;
	for (; *names; names++)
		if (strcmp(*names, name) == 0)
			return true;
	return false;
}

/*
 * The words of the experiments' conditions that a chart shows as
 * categories, in the reader's language; the raw word stays in the
 * drawing (data-value). Names of mechanisms, methods, primitives and
 * server models are names, shown as they are.
 */
static const struct cond_word {
	const char *key, *value, *label;
} cond_words[] = {
	{ "kind", "process", N_("process") },
	{ "kind", "thread", N_("thread") },
	/* TRANSLATORS: the placement of two units, under a bar of a chart: keep it short. */
	{ "placement", "same-cpu", N_("same CPU") },
	/* TRANSLATORS: the placement of two units, under a bar of a chart: keep it short. */
	{ "placement", "cross-cpu", N_("two CPUs") },
	/* TRANSLATORS: the placement of two units left to the scheduler, under a bar of a
	   chart: keep it short. */
	{ "placement", "unpinned", N_("unpinned") },
};

/*
 * A condition of m as a label (sizes in binary units, words translated);
 * key NULL: m's name; NULL when absent. *raw gets the condition's own
 * word when the label translates it, else NULL.
 */
static const char *cond_text(const struct metric *m, const char *key, char *buf, size_t size,
			     const char **raw)
{
	*raw = NULL;
	if (!key)
		return m->name;
	const struct mparam *p = metric_param(m, key);
	if (!p)
		return NULL;
	if (p->is_num && strstr(p->key, "bytes"))
		return units_format_bytes((double)p->num, buf, size);
	for (size_t i = 0; i < sizeof(cond_words) / sizeof(cond_words[0]); i++)
		if (strcmp(cond_words[i].key, key) == 0 &&
		    strcmp(cond_words[i].value, p->str) == 0) {
			*raw = p->str;
			return _(cond_words[i].label);
		}
	return p->str;
}

static enum svg_unit unit_of(const char *unit)
{
	if (unit && strcmp(unit, "ns") == 0)
		return SVG_UNIT_NS;
	if (unit && strcmp(unit, "bytes") == 0)
		return SVG_UNIT_BYTES;
	if (unit && (strcmp(unit, "count") == 0 || strcmp(unit, "requests") == 0 ||
		     strcmp(unit, "tasks") == 0))
		return SVG_UNIT_COUNT;
	return SVG_UNIT_NONE;
}

/*
 * Writes one chart; a chart svg.c finds nothing to draw in (all points
 * off a log axis) is left out like an absent one. Returns 0 or -EIO.
 */
static int chart_write(FILE *out, const struct svg_chart *c)
{
	int err = svg_chart_write(out, c);
	return err == -EINVAL ? 0 : err;
}

/* ---- Bars: categories x series, one value (and interval) per cell. ---- */

struct grid {
	char cats[GRID_CATS][LABEL_MAX];
	char series[SVG_SERIES_MAX][LABEL_MAX];
	const char *cat_raw[GRID_CATS], *series_raw[SVG_SERIES_MAX]; /* raw words, or NULL */
	size_t n_cats, n_series;
	double y[SVG_SERIES_MAX][GRID_CATS], lo[SVG_SERIES_MAX][GRID_CATS],
		hi[SVG_SERIES_MAX][GRID_CATS];
};

static struct grid *grid_new(void)
{
	struct grid *g = xcalloc(1, sizeof(*g));
	for (size_t s = 0; s < SVG_SERIES_MAX; s++)
		for (size_t c = 0; c < GRID_CATS; c++)
			g->y[s][c] = g->lo[s][c] = g->hi[s][c] = NAN;
	return g;
}

/* The index of s in list[0..*n), appended when absent; max when the list is full. */
static size_t slot(char (*list)[LABEL_MAX], size_t *n, size_t max, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(list[i], s) == 0)
			return i;
	if (*n == max)
		return max;
	snprintf(list[*n], LABEL_MAX, "%s", s);
	return (*n)++;
}

/*
 * Sets the cell (category, series) unless it is set already; beyond the
 * limits, nothing. cat_raw and series_raw: the raw words the labels
 * translate, or NULL (kept from the first cell of a label).
 */
static void grid_put(struct grid *g, const char *cat, const char *cat_raw, const char *series,
		     const char *series_raw, double y, double lo, double hi)
{
	size_t c = slot(g->cats, &g->n_cats, GRID_CATS, cat);
	if (c == GRID_CATS)
		return;
	size_t s = slot(g->series, &g->n_series, SVG_SERIES_MAX, series);
	if (s == SVG_SERIES_MAX || !isnan(g->y[s][c]))
		return;
	if (!g->cat_raw[c])
		g->cat_raw[c] = cat_raw;
	if (!g->series_raw[s])
		g->series_raw[s] = series_raw;
	g->y[s][c] = y;
	g->lo[s][c] = lo;
	g->hi[s][c] = hi;
}

/* Draws g with the rest of the chart from proto; series without a value are left out. */
static int grid_write(FILE *out, const struct grid *g, const struct svg_chart *proto)
{
	const char *cats[GRID_CATS], *raw[GRID_CATS];
	struct svg_series ser[SVG_SERIES_MAX];
	size_t n = 0;
	bool any_raw = false;
	for (size_t c = 0; c < g->n_cats; c++) {
		cats[c] = g->cats[c];
		raw[c] = g->cat_raw[c];
		any_raw = any_raw || raw[c];
	}
	for (size_t s = 0; s < g->n_series; s++) {
		bool any = false;
		for (size_t c = 0; c < g->n_cats; c++)
			any = any || isfinite(g->y[s][c]);
		if (!any)
			continue;
		bool ci = proto->kind != SVG_STACKED;
		ser[n++] = (struct svg_series){ .label = g->series[s],
						.value = g->series_raw[s],
						.n = g->n_cats,
						.y = g->y[s],
						.lo = ci ? g->lo[s] : NULL,
						.hi = ci ? g->hi[s] : NULL };
	}
	if (n == 0)
		return 0;
	struct svg_chart c = *proto;
	c.categories = cats;
	c.category_values = any_raw ? raw : NULL;
	c.n_categories = g->n_cats;
	c.series = ser;
	c.n_series = n;
	return chart_write(out, &c);
}

/* Whether a declared series slot is in use (the first always is). */
static bool series_used(const struct chart_series *s, size_t i)
{
	return i == 0 || s->names || s->where || s->key || s->label;
}

/*
 * The label of the series figure m belongs to, written into buf; NULL when
 * it has none. *raw gets the condition's word when the label translates it.
 */
static const char *series_label(const struct chart_series *s, const struct metric *m, char *buf,
				size_t size, const char **raw)
{
	*raw = NULL;
	if (s->label) {
		snprintf(buf, size, "%s", _(s->label));
		return buf;
	}
	const struct mparam *p = s->key ? metric_param(m, s->key) : NULL;
	if (s->key && !p)
		return NULL;
	if (p && s->count_one) {
		long long n = p->is_num ? p->num : 0;
		ev_fill(_(n == 1 ? s->count_one : s->count_many), &EV_MSG_OF(NULL, ev_count(n)),
			buf, size);
		return buf;
	}
	const char *value = p ? p->str : m->name;
	const struct ev_form *words[] = { s->words, NULL };
	const char *word = s->words ? ev_form_find(words, value) : NULL;
	snprintf(buf, size, "%s", word ? _(word) : value);
	*raw = word ? value : NULL;
	return buf;
}

/* The largest value of the numeric condition key among the figures s selects; -1 for none. */
static int64_t largest_of(const struct exp_result *e, const struct chart_series *s, const char *key)
{
	int64_t most = -1;
	for (size_t i = 0; key && i < e->n_metrics; i++) {
		const struct mparam *u = metric_param(&e->metrics[i], key);
		if (name_in(e->metrics[i].name, s->names) && u && u->is_num && u->num > most)
			most = u->num;
	}
	return most;
}

static int bars_write(FILE *out, const struct exp_result *e, const struct chart_decl *d)
{
	struct grid *g = grid_new();
	enum svg_unit unit = SVG_UNIT_NONE;
	int64_t most = largest_of(e, &d->series[0], d->largest_key);
	for (size_t k = 0; k < CHART_SERIES_MAX && series_used(&d->series[k], k); k++) {
		const struct chart_series *s = &d->series[k];
		for (size_t i = 0; i < e->n_metrics; i++) {
			const struct metric *m = &e->metrics[i];
			const struct mparam *l =
				d->largest_key ? metric_param(m, d->largest_key) : NULL;
			char cbuf[32], sbuf[LABEL_MAX];
			const char *cat_raw, *ser_raw;
			if (!name_in(m->name, s->names) || !metric_matches(m, s->where) ||
			    m->n == 0 || (d->largest_key && (!l || l->num != most)))
				continue;
			const char *cat = cond_text(m, d->cat_key, cbuf, sizeof(cbuf), &cat_raw);
			const char *ser = series_label(s, m, sbuf, sizeof(sbuf), &ser_raw);
			if (!cat || !ser)
				continue;
			if (g->n_cats == 0)
				unit = unit_of(m->unit);
			grid_put(g, cat, cat_raw, ser, ser_raw, m->sum.median, m->sum.ci_lo,
				 m->sum.ci_hi);
		}
	}
	char title[200];
	if (d->largest_key)
		ev_fill(_(most == 1 ? d->title_one : d->title), &EV_MSG_OF(NULL, ev_count(most)),
			title, sizeof(title));
	else
		snprintf(title, sizeof(title), "%s", _(d->title));
	struct svg_chart c = { .id = d->id,
			       .title = title,
			       .x_label = _(d->x_label),
			       .y_label = _(d->y_label),
			       .kind = d->kind == CHART_STACKED ? SVG_STACKED : SVG_BARS,
			       .y_unit = unit,
			       .log_y = d->log_y };
	int err = grid_write(out, g, &c);
	free(g);
	return err;
}

/* ---- Lines: series of (x, y) points. ---- */

struct pts {
	char label[LABEL_MAX];
	const char *raw; /* the word the label translates, or NULL */
	bool marks;	 /* drawn as marks (events), kept in the legend when empty */
	double *x, *y, *lo, *hi;
	size_t n, cap;
};

struct lineset {
	struct pts s[SVG_SERIES_MAX];
	size_t n;
};

/* The series called label, added when absent; NULL when the set is full. */
static struct pts *lineset_get(struct lineset *ls, const char *label)
{
	for (size_t i = 0; i < ls->n; i++)
		if (strcmp(ls->s[i].label, label) == 0)
			return &ls->s[i];
	if (ls->n == SVG_SERIES_MAX)
		return NULL;
	struct pts *p = &ls->s[ls->n++];
	*p = (struct pts){ .raw = NULL };
	snprintf(p->label, sizeof(p->label), "%s", label);
	return p;
}

/* Adds a point, keeping the points in ascending x (they mostly come in order). */
static void pts_add(struct pts *p, double x, double y, double lo, double hi)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16;
		p->x = xrealloc(p->x, p->cap * sizeof(double));
		p->y = xrealloc(p->y, p->cap * sizeof(double));
		p->lo = xrealloc(p->lo, p->cap * sizeof(double));
		p->hi = xrealloc(p->hi, p->cap * sizeof(double));
	}
	size_t i = p->n++;
	for (; i > 0 && p->x[i - 1] > x; i--) {
		p->x[i] = p->x[i - 1];
		p->y[i] = p->y[i - 1];
		p->lo[i] = p->lo[i - 1];
		p->hi[i] = p->hi[i - 1];
	}
	p->x[i] = x;
	p->y[i] = y;
	p->lo[i] = lo;
	p->hi[i] = hi;
}

/* Draws the set's non-empty series with the rest of the chart from proto, then frees them. */
static int lineset_write(FILE *out, struct lineset *ls, const struct svg_chart *proto)
{
	struct svg_series ser[SVG_SERIES_MAX];
	size_t n = 0;
	for (size_t i = 0; i < ls->n; i++) {
		const struct pts *p = &ls->s[i];
		if (p->n || p->marks)
			ser[n++] = (struct svg_series){ .label = p->label,
							.value = p->raw,
							.marks = p->marks,
							.n = p->n,
							.x = p->x,
							.y = p->y,
							.lo = p->lo,
							.hi = p->hi };
	}
	struct svg_chart c = *proto;
	c.kind = SVG_LINES;
	c.series = ser;
	c.n_series = n;
	int err = n ? chart_write(out, &c) : 0;
	for (size_t i = 0; i < ls->n; i++) {
		free(ls->s[i].x);
		free(ls->s[i].y);
		free(ls->s[i].lo);
		free(ls->s[i].hi);
	}
	ls->n = 0;
	return err;
}

/*
 * Adds the figures series s selects to ls, against the numeric condition
 * x_key; with per_second, y is x_key bytes moved per second. Returns the
 * unit of their y, and how many figures it took in *taken.
 */
static enum svg_unit lines_collect(struct lineset *ls, const struct exp_result *e,
				   const struct chart_series *s, const char *x_key, bool per_second,
				   size_t *taken)
{
	enum svg_unit unit = per_second ? SVG_UNIT_BYTES_PER_S : SVG_UNIT_NONE;
	for (size_t i = 0; i < e->n_metrics; i++) {
		const struct metric *m = &e->metrics[i];
		const struct mparam *x = metric_param(m, x_key);
		char buf[LABEL_MAX];
		const char *raw;
		if (!x || !x->is_num || !name_in(m->name, s->names) ||
		    !metric_matches(m, s->where) || m->n == 0)
			continue;
		const char *label = series_label(s, m, buf, sizeof(buf), &raw);
		struct pts *p = label ? lineset_get(ls, label) : NULL;
		if (!p)
			continue;
		p->raw = raw;
		(*taken)++;
		const struct summary *sum = &m->sum;
		if (!per_second) {
			unit = unit_of(m->unit);
			pts_add(p, (double)x->num, sum->median, sum->ci_lo, sum->ci_hi);
		} else if (sum->median > 0) {
			double bytes = (double)x->num * 1e9;
			pts_add(p, (double)x->num, bytes / sum->median,
				sum->ci_hi > 0 ? bytes / sum->ci_hi : NAN,
				sum->ci_lo > 0 ? bytes / sum->ci_lo : NAN);
		}
	}
	return unit;
}

static enum svg_unit axis_unit(enum chart_unit u, enum svg_unit figures)
{
	return u == CHART_UNIT_NS      ? SVG_UNIT_NS
	       : u == CHART_UNIT_BYTES ? SVG_UNIT_BYTES
	       : u == CHART_UNIT_NONE  ? SVG_UNIT_NONE
				       : figures;
}

/* Every series of d against x_key, or against x_key_else where none has x_key. */
static int lines_write(FILE *out, const struct exp_result *e, const struct chart_decl *d)
{
	struct lineset ls = { .n = 0 };
	enum svg_unit unit = SVG_UNIT_NONE;
	for (int pass = 0; pass < 2 && ls.n == 0; pass++) {
		const char *x_key = pass ? d->x_key_else : d->x_key;
		size_t taken = 0;
		for (size_t k = 0; x_key && k < CHART_SERIES_MAX && series_used(&d->series[k], k);
		     k++) {
			enum svg_unit u =
				lines_collect(&ls, e, &d->series[k], x_key, false, &taken);
			if (k == 0)
				unit = u;
		}
	}
	struct svg_chart c = { .id = d->id,
			       .title = _(d->title),
			       .x_label = _(d->x_label),
			       .y_label = _(d->y_label),
			       .x_unit = axis_unit(d->x_unit, SVG_UNIT_NONE),
			       .y_unit = unit,
			       .log_x = d->log_x,
			       .log_y = d->log_y };
	return lineset_write(out, &ls, &c);
}

/*
 * Streams: the series[0] figures against x_key, bytes moved per second,
 * in charts of at most SVG_SERIES_MAX series (in even shares), the best
 * rate of ref_name at its largest size drawn as the ceiling.
 */
static int bandwidth_write(FILE *out, const struct exp_result *e, const struct chart_decl *d)
{
	const struct chart_series *sel = &d->series[0];
	const char *names[GRID_CATS + 1];
	size_t n = 0;
	const struct metric *copy = NULL;
	int64_t largest = -1;
	for (size_t i = 0; i < e->n_metrics; i++) {
		const struct metric *m = &e->metrics[i];
		const struct mparam *b = metric_param(m, d->x_key);
		if (d->ref_name && strcmp(m->name, d->ref_name) == 0 && b && b->is_num &&
		    b->num > largest && m->sum.median > 0) {
			largest = b->num;
			copy = m;
		}
		if (!name_in(m->name, sel->names) || !metric_matches(m, sel->where) ||
		    n == GRID_CATS)
			continue;
		size_t k = 0;
		while (k < n && strcmp(names[k], m->name) != 0)
			k++;
		if (k == n)
			names[n++] = m->name;
	}
	size_t charts = (n + SVG_SERIES_MAX - 1) / SVG_SERIES_MAX;
	char bytes[32], ref[96], id[48], title[200];
	int err = 0;
	if (copy)
		snprintf(ref, sizeof(ref), _("%s of %s: the ceiling"), copy->name,
			 units_format_bytes((double)largest, bytes, sizeof(bytes)));
	for (size_t k = 0, from = 0; k < charts && !err; k++) {
		size_t to = n * (k + 1) / charts, taken = 0;
		const char *chunk[SVG_SERIES_MAX + 1];
		for (size_t i = from; i < to; i++)
			chunk[i - from] = names[i];
		chunk[to - from] = NULL;
		from = to;
		struct lineset ls = { .n = 0 };
		struct chart_series part = *sel;
		part.names = chunk;
		lines_collect(&ls, e, &part, d->x_key, true, &taken);
		if (k == 0)
			snprintf(id, sizeof(id), "%s", d->id);
		else
			snprintf(id, sizeof(id), "%s-%zu", d->id, k + 1);
		if (charts > 1)
			/* TRANSLATORS: a chart's title, then which of several charts it is. */
			snprintf(title, sizeof(title), _("%s (%zu of %zu)"), _(d->title), k + 1,
				 charts);
		else
			snprintf(title, sizeof(title), "%s", _(d->title));
		struct svg_chart c = { .id = id,
				       .title = title,
				       .x_label = _(d->x_label),
				       .y_label = _(d->y_label),
				       .x_unit = SVG_UNIT_BYTES,
				       .y_unit = SVG_UNIT_BYTES_PER_S,
				       .log_x = d->log_x,
				       .log_y = d->log_y,
				       .ref_label = copy ? ref : NULL,
				       .ref_y = copy ? (double)largest * 1e9 / copy->sum.median
						     : 0 };
		err = lineset_write(out, &ls, &c);
	}
	return err;
}

/*
 * Speed-up of the series[0] figure against "units": its time with one unit
 * over its time with N, one line per "kind" (labelled by the series).
 */
static int speedup_write(FILE *out, const struct exp_result *e, const struct chart_decl *d,
			 uint64_t seed)
{
	const struct chart_series *sel = &d->series[0];
	struct lineset ls = { .n = 0 };
	for (size_t i = 0; i < e->n_metrics; i++) {
		const struct metric *m = &e->metrics[i];
		const struct mparam *kind = metric_param(m, "kind");
		const struct mparam *units = metric_param(m, "units");
		if (!name_in(m->name, sel->names) || !kind || !units || !units->is_num ||
		    m->n == 0 || m->sum.median <= 0)
			continue;
		char cond[64], label[LABEL_MAX];
		snprintf(cond, sizeof(cond), "kind=%s", kind->str);
		const char *const one[] = { cond, "units=1", NULL };
		const struct metric *base = exp_result_find_metric(e, m->name, one);
		const char *raw;
		const char *ser = series_label(sel, m, label, sizeof(label), &raw);
		struct pts *p = base && base->n && ser ? lineset_get(&ls, ser) : NULL;
		if (!p)
			continue;
		p->raw = raw;
		double *a = metric_values(base), *b = metric_values(m);
		struct ratio_ci r;
		bool ci = base->n >= CLAIM_MIN_SAMPLES && m->n >= CLAIM_MIN_SAMPLES &&
			  stats_ratio_ci95(a, base->n, b, m->n, seed, CLAIM_BOOTSTRAP, &r) == 0;
		pts_add(p, (double)units->num, base->sum.median / m->sum.median, ci ? r.lo : NAN,
			ci ? r.hi : NAN);
		free(a);
		free(b);
	}
	struct svg_chart c = { .id = d->id,
			       .title = _(d->title),
			       .x_label = _(d->x_label),
			       .y_label = _(d->y_label),
			       .x_unit = SVG_UNIT_COUNT,
			       .ideal_label = _("ideal: N times faster") };
	return lineset_write(out, &ls, &c);
}

/* Value i of an observation of form `form` as a number, NaN when it is not one. */
static double obs_num(const struct ev_msg *m, const char *form, size_t i)
{
	if (!m || !m->form || strcmp(m->form, form) != 0 || i >= m->n_vals)
		return NAN;
	const struct ev_val *v = &m->vals[i];
	return v->type == EV_NUM ? v->d : v->type == EV_COUNT ? (double)v->i : NAN;
}

/* Value i of an observation of form `form` as a list of counts, or NULL (*n = 0). */
static const int64_t *obs_list(const struct ev_msg *m, const char *form, size_t i, size_t *n)
{
	*n = 0;
	if (!m || !m->form || strcmp(m->form, form) != 0 || i >= m->n_vals ||
	    m->vals[i].type != EV_LIST)
		return NULL;
	*n = m->vals[i].n_list;
	return m->vals[i].list;
}

/*
 * Whether an observation key "name k=v k=v..." is called name and holds
 * every condition of where; *value gets the value of key (when key is
 * given and present, else NULL), written into buf.
 */
static bool obs_key_matches(const char *obs, const char *name, const char *const *where,
			    const char *key, char *buf, size_t size, const char **value)
{
	size_t len = strlen(name);
	*value = NULL;
	if (strncmp(obs, name, len) != 0 || (obs[len] != ' ' && obs[len] != '\0'))
		return false;
	for (const char *const *w = where; w && *w; w++) {
		size_t wl = strlen(*w);
		const char *at = strstr(obs + len, *w);
		if (!at || at[-1] != ' ' || (at[wl] != ' ' && at[wl] != '\0'))
			return false;
	}
	size_t kl = key ? strlen(key) : 0;
	for (const char *t = strchr(obs, ' '); key && t; t = strchr(t + 1, ' '))
		if (strncmp(t + 1, key, kl) == 0 && t[1 + kl] == '=') {
			snprintf(buf, size, "%.*s", (int)strcspn(t + 2 + kl, " "), t + 2 + kl);
			*value = buf;
		}
	return true;
}

/* The latency percentiles of every observation series[0] selects, a series per its key. */
static int percentiles_write(FILE *out, const struct exp_result *e, const struct chart_decl *d)
{
	static const char *const pct[] = { "p50", "p90", "p99", "p99.9" };
	const struct chart_series *sel = &d->series[0];
	struct grid *g = grid_new();
	for (size_t i = 0; sel->names && i < e->n_obs; i++) {
		char buf[LABEL_MAX];
		const char *series;
		if (!obs_key_matches(e->obs[i].name, sel->names[0], sel->where, sel->key, buf,
				     sizeof(buf), &series) ||
		    !series)
			continue;
		for (size_t p = 0; p < sizeof(pct) / sizeof(pct[0]); p++)
			grid_put(g, pct[p], NULL, series, NULL,
				 obs_num(&e->obs[i].msg, "server.percentiles", p), NAN, NAN);
	}
	struct svg_chart c = { .id = d->id,
			       .title = _(d->title),
			       .x_label = _(d->x_label),
			       .y_label = _(d->y_label),
			       .kind = SVG_BARS,
			       .y_unit = SVG_UNIT_NS,
			       .log_y = d->log_y };
	int err = grid_write(out, g, &c);
	free(g);
	return err;
}

/*
 * Adds one timeline's succeeded requests per slice as a line, and its
 * failed ones as marks where some failed (a count is never drawn below
 * zero); 0 when m is not a timeline. Times in ns.
 */
static int timeline_add(struct lineset *ls, const struct ev_msg *m, const char *model,
			const char *raw, double *poison_ns, double *slice_ns)
{
	char label[LABEL_MAX];
	double slice = obs_num(m, "server.timeline", 0);
	if (!(slice > 0))
		return 0;
	size_t n_ok, n_failed;
	const int64_t *ok = obs_list(m, "server.timeline", 2, &n_ok);
	const int64_t *failed = obs_list(m, "server.timeline", 3, &n_failed);
	size_t n = n_ok < n_failed ? n_ok : n_failed;
	/* The last slices may hold no request due yet: not an outage. */
	while (n > 0 && ok[n - 1] + failed[n - 1] == 0)
		n--;
	snprintf(label, sizeof(label), _("%s: succeeded"), model);
	struct pts *p_ok = lineset_get(ls, label);
	snprintf(label, sizeof(label), _("%s: failed"), model);
	struct pts *p_failed = lineset_get(ls, label);
	for (size_t i = 0; i < n && p_ok && p_failed; i++) {
		double x = ((double)i + 0.5) * slice;
		pts_add(p_ok, x, (double)ok[i], NAN, NAN);
		if (failed[i] > 0)
			pts_add(p_failed, x, (double)failed[i], NAN, NAN);
	}
	if (p_ok)
		p_ok->raw = raw;
	if (p_failed) {
		p_failed->raw = raw;
		p_failed->marks = true;
	}
	*poison_ns = obs_num(m, "server.timeline", 1);
	*slice_ns = slice;
	return 1;
}

/*
 * Availability around the poisoned request: of each series, the first
 * model its words list (in their order) that has a timeline.
 */
static int timeline_write(FILE *out, const struct exp_result *e, const struct chart_decl *d)
{
	struct lineset ls = { .n = 0 };
	double poison_ns = NAN, slice_ns = NAN;
	for (size_t k = 0; k < CHART_SERIES_MAX && series_used(&d->series[k], k); k++) {
		const struct chart_series *s = &d->series[k];
		for (const struct ev_form *w = s->words; s->names && w && w->id; w++) {
			char name[LABEL_MAX];
			snprintf(name, sizeof(name), "%s %s=%s", s->names[0], s->key, w->id);
			if (timeline_add(&ls, exp_result_obs(e, name), _(w->text), w->id,
					 &poison_ns, &slice_ns))
				break;
		}
	}
	char title[200];
	ev_fill(_(d->title), &EV_MSG_OF(NULL, ev_num(slice_ns, "ns"), ev_num(poison_ns, "ns")),
		title, sizeof(title));
	struct svg_chart c = { .id = d->id,
			       .title = title,
			       .x_label = _(d->x_label),
			       .y_label = _(d->y_label),
			       .x_unit = SVG_UNIT_NS,
			       .y_unit = SVG_UNIT_COUNT };
	return lineset_write(out, &ls, &c);
}

static int chart_one(FILE *out, const struct exp_result *e, const struct chart_decl *d,
		     uint64_t seed)
{
	switch (d->kind) {
	case CHART_BARS:
	case CHART_STACKED:
		return bars_write(out, e, d);
	case CHART_LINES:
		return lines_write(out, e, d);
	case CHART_BANDWIDTH:
		return bandwidth_write(out, e, d);
	case CHART_SPEEDUP:
		return speedup_write(out, e, d, seed);
	case CHART_PERCENTILES:
		return percentiles_write(out, e, d);
	case CHART_TIMELINE:
		return timeline_write(out, e, d);
	}
	return 0;
}

int html_charts_write(FILE *out, const struct exp_result *e, uint64_t seed)
{
	const struct experiment *x = catalog_find(e->name);
	if (!x || !x->charts)
		return 0;
	/* Into a buffer first: no empty frame when no chart has data. */
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		return -errno;
	int err = 0;
	for (const struct chart_decl *d = x->charts; d->id && !err; d++)
		err = chart_one(mem, e, d, seed);
	if (fclose(mem) != 0 && !err)
		err = -EIO;
	if (!err && len > 0)
		fprintf(out, "<div class=\"charts\">\n%s</div>\n", buf);
	free(buf);
	return err ? err : ferror(out) ? -EIO : 0;
}
