// SPDX-License-Identifier: MIT
/*
 * html_charts: the charts of the HTML report, one small function per
 * experiment over two builders. A bar chart is "the figures named X under
 * conditions Y, a category per value of one condition (or per name), a
 * series per value of another" (struct bars); a line chart is "the same
 * figures against a numeric condition" (struct lines). Both draw each
 * figure's median with its 95% interval, so what the page shows is what
 * the verdicts rest on. A few charts derive their values: a bandwidth is
 * the message size over the time per message, a speed-up the time of one
 * unit over the time of N (its interval by the same seeded bootstrap as a
 * ratio verdict), and the server's percentiles and availability timeline
 * come from observations the experiment wrote as text.
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

/* A condition of m as a label (sizes in binary units); key NULL: m's name; NULL when absent. */
static const char *cond_text(const struct metric *m, const char *key, char *buf, size_t size)
{
	if (!key)
		return m->name;
	const struct mparam *p = metric_param(m, key);
	if (!p)
		return NULL;
	if (p->is_num && strstr(p->key, "bytes"))
		return units_format_bytes((double)p->num, buf, size);
	return p->str;
}

static enum svg_unit unit_of(const char *unit)
{
	if (unit && strcmp(unit, "ns") == 0)
		return SVG_UNIT_NS;
	if (unit && strcmp(unit, "bytes") == 0)
		return SVG_UNIT_BYTES;
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

/* Sets the cell (category, series) unless it is set already; beyond the limits, nothing. */
static void grid_put(struct grid *g, const char *cat, const char *series, double y, double lo,
		     double hi)
{
	size_t c = slot(g->cats, &g->n_cats, GRID_CATS, cat);
	if (c == GRID_CATS)
		return;
	size_t s = slot(g->series, &g->n_series, SVG_SERIES_MAX, series);
	if (s == SVG_SERIES_MAX || !isnan(g->y[s][c]))
		return;
	g->y[s][c] = y;
	g->lo[s][c] = lo;
	g->hi[s][c] = hi;
}

/* Draws g with the rest of the chart from proto; series without a value are left out. */
static int grid_write(FILE *out, const struct grid *g, const struct svg_chart *proto)
{
	const char *cats[GRID_CATS];
	struct svg_series ser[SVG_SERIES_MAX];
	size_t n = 0;
	for (size_t c = 0; c < g->n_cats; c++)
		cats[c] = g->cats[c];
	for (size_t s = 0; s < g->n_series; s++) {
		bool any = false;
		for (size_t c = 0; c < g->n_cats; c++)
			any = any || isfinite(g->y[s][c]);
		if (!any)
			continue;
		bool ci = proto->kind != SVG_STACKED;
		ser[n++] = (struct svg_series){ .label = g->series[s],
						.n = g->n_cats,
						.y = g->y[s],
						.lo = ci ? g->lo[s] : NULL,
						.hi = ci ? g->hi[s] : NULL };
	}
	if (n == 0)
		return 0;
	struct svg_chart c = *proto;
	c.categories = cats;
	c.n_categories = g->n_cats;
	c.series = ser;
	c.n_series = n;
	return chart_write(out, &c);
}

/* A legend label of a figure, written into buf. */
typedef void label_fn(const struct metric *m, char *buf, size_t size);

struct bars {
	const char *id, *title, *x_label, *y_label;
	const char *const *names; /* the figures' names, NULL-terminated; NULL: any */
	const char *const *where; /* conditions every figure meets ("key=value") */
	const char *cat_key;	  /* the condition that names a category; NULL: the name */
	const char *series_key;	  /* the condition that names a series; NULL: the name */
	label_fn *label;	  /* or the series' label from the figure; NULL: series_key */
	const char *one_series;	  /* or one series of this label */
	enum svg_kind kind;
	bool log_y;
};

static int bars_write(FILE *out, const struct exp_result *e, const struct bars *b)
{
	struct grid *g = grid_new();
	enum svg_unit unit = SVG_UNIT_NONE;
	for (size_t i = 0; i < e->n_metrics; i++) {
		const struct metric *m = &e->metrics[i];
		char cbuf[32], sbuf[LABEL_MAX];
		if (!name_in(m->name, b->names) || !metric_matches(m, b->where) || m->n == 0)
			continue;
		const char *cat = cond_text(m, b->cat_key, cbuf, sizeof(cbuf));
		const char *ser = b->one_series;
		if (!ser && b->label) {
			b->label(m, sbuf, sizeof(sbuf));
			ser = sbuf;
		} else if (!ser) {
			ser = cond_text(m, b->series_key, sbuf, sizeof(sbuf));
		}
		if (!cat || !ser)
			continue;
		if (g->n_cats == 0)
			unit = unit_of(m->unit);
		grid_put(g, cat, ser, m->sum.median, m->sum.ci_lo, m->sum.ci_hi);
	}
	struct svg_chart c = { .id = b->id,
			       .title = b->title,
			       .x_label = b->x_label,
			       .y_label = b->y_label,
			       .kind = b->kind,
			       .y_unit = unit,
			       .log_y = b->log_y };
	int err = grid_write(out, g, &c);
	free(g);
	return err;
}

/* ---- Lines: series of (x, y) points. ---- */

struct pts {
	char label[LABEL_MAX];
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
		if (p->n)
			ser[n++] = (struct svg_series){ .label = p->label,
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

struct lines {
	const char *const *names; /* NULL: any */
	const char *const *where;
	const char *x_key; /* a numeric condition */
	label_fn *label;   /* NULL: the figure's name */
	/* y: x (a size in bytes) moved per second, from the time per message. */
	bool per_second;
};

/* Adds the figures q selects to ls. Returns the unit of their y. */
static enum svg_unit lines_collect(struct lineset *ls, const struct exp_result *e,
				   const struct lines *q)
{
	enum svg_unit unit = q->per_second ? SVG_UNIT_BYTES : SVG_UNIT_NONE;
	for (size_t i = 0; i < e->n_metrics; i++) {
		const struct metric *m = &e->metrics[i];
		const struct mparam *x = metric_param(m, q->x_key);
		if (!x || !x->is_num || !name_in(m->name, q->names) ||
		    !metric_matches(m, q->where) || m->n == 0)
			continue;
		char buf[LABEL_MAX];
		if (q->label)
			q->label(m, buf, sizeof(buf));
		struct pts *p = lineset_get(ls, q->label ? buf : m->name);
		if (!p)
			continue;
		const struct summary *s = &m->sum;
		if (!q->per_second) {
			unit = unit_of(m->unit);
			pts_add(p, (double)x->num, s->median, s->ci_lo, s->ci_hi);
		} else if (s->median > 0) {
			double bytes = (double)x->num * 1e9;
			pts_add(p, (double)x->num, bytes / s->median,
				s->ci_hi > 0 ? bytes / s->ci_hi : NAN,
				s->ci_lo > 0 ? bytes / s->ci_lo : NAN);
		}
	}
	return unit;
}

/* ---- Labels. ---- */

static void label_kind(const struct metric *m, char *buf, size_t size)
{
	const struct mparam *k = metric_param(m, "kind");
	const char *kind = k ? k->str : "";
	if (strcmp(kind, "process") == 0)
		snprintf(buf, size, "%s", _("processes"));
	else if (strcmp(kind, "thread") == 0)
		snprintf(buf, size, "%s", _("threads"));
	else
		snprintf(buf, size, "%s", m->name);
}

static void label_alone(const struct metric *m, char *buf, size_t size)
{
	(void)m;
	snprintf(buf, size, "%s", _("the same work alone"));
}

static void label_contenders(const struct metric *m, char *buf, size_t size)
{
	const struct mparam *c = metric_param(m, "contenders");
	long long n = c && c->is_num ? c->num : 0;
	snprintf(buf, size, ngettext("%lld contender", "%lld contenders", (unsigned long)n), n);
}

static void label_load(const struct metric *m, char *buf, size_t size)
{
	const struct mparam *l = metric_param(m, "load");
	const char *load = l ? l->str : "";
	if (strcmp(load, "keepalive") == 0)
		snprintf(buf, size, "%s", _("keep-alive"));
	else if (strcmp(load, "churn") == 0)
		snprintf(buf, size, "%s", _("a connection per request"));
	else
		snprintf(buf, size, "%s", load);
}

static void label_memory(const struct metric *m, char *buf, size_t size)
{
	if (strcmp(m->name, "pss_per_unit") == 0)
		snprintf(buf, size, "%s", _("user memory (PSS)"));
	else if (strcmp(m->name, "kernel_per_unit") == 0)
		snprintf(buf, size, "%s", _("kernel memory (page tables, stacks, slab)"));
	else
		snprintf(buf, size, "%s", m->name);
}

/* ---- The experiments. ---- */

static int charts_create(FILE *out, const struct exp_result *e, uint64_t seed)
{
	(void)seed;
	static const char *const no_extra[] = { "extra_bytes=0", NULL };
	static const char *const grows[] = { "fork", "vfork", "posix_spawn", "pthread_create",
					     NULL };
	struct bars methods = { .id = "create-methods",
				.title = _("Creation latency per method (no extra parent memory)"),
				.x_label = _("method"),
				.y_label = _("time to create and reap one (ns)"),
				.where = no_extra,
				.one_series = _("median, 95% interval"),
				.kind = SVG_BARS };
	int err = bars_write(out, e, &methods);
	/* Against the parent's resident memory, which extra_bytes adds to. */
	struct lineset ls = { .n = 0 };
	struct lines q = { .names = grows, .x_key = "parent_rss_bytes" };
	enum svg_unit unit = lines_collect(&ls, e, &q);
	if (ls.n == 0) {
		q.x_key = "extra_bytes";
		unit = lines_collect(&ls, e, &q);
	}
	struct svg_chart c = { .id = "create-memory",
			       .title = _("Creation latency against the parent's memory"),
			       .x_label = _("parent's resident memory (bytes)"),
			       .y_label = _("time to create and reap one (ns)"),
			       .x_unit = SVG_UNIT_BYTES,
			       .y_unit = unit,
			       .log_x = true,
			       .log_y = true };
	int err2 = lineset_write(out, &ls, &c);
	return err ? err : err2;
}

static int charts_switch(FILE *out, const struct exp_result *e, uint64_t seed)
{
	(void)seed;
	static const char *const futex[] = { "futex", NULL };
	static const char *const alone[] = { "alone", NULL };
	static const char *const no_ws[] = { "working_set_bytes=0", NULL };
	static const char *const ws[] = { "working_set_bytes", "placement=same-cpu", NULL };
	static const char *const ws_any[] = { "working_set_bytes", NULL };
	struct bars placement = { .id = "switch-placement",
				  .title = _("Round trip through a futex, per placement"),
				  .x_label = _("placement of the two units"),
				  .y_label = _("time per round trip, two switches (ns)"),
				  .names = futex,
				  .where = no_ws,
				  .cat_key = "placement",
				  .label = label_kind,
				  .kind = SVG_BARS };
	int err = bars_write(out, e, &placement);
	struct lineset ls = { .n = 0 };
	struct lines q = {
		.names = futex, .where = ws, .x_key = "working_set_bytes", .label = label_kind
	};
	enum svg_unit unit = lines_collect(&ls, e, &q);
	struct lines qa = {
		.names = alone, .where = ws_any, .x_key = "working_set_bytes", .label = label_alone
	};
	lines_collect(&ls, e, &qa);
	struct svg_chart c = { .id = "switch-working-set",
			       .title = _("Round trip on one CPU with a working set per hop"),
			       .x_label = _("working set touched per hop (bytes)"),
			       .y_label = _("time per round trip (ns)"),
			       .x_unit = SVG_UNIT_BYTES,
			       .y_unit = unit,
			       .log_x = true,
			       .log_y = true };
	int err2 = lineset_write(out, &ls, &c);
	return err ? err : err2;
}

static int charts_ipc(FILE *out, const struct exp_result *e, uint64_t seed)
{
	(void)seed;
	static const char *const lat[] = { "measure=latency", "bytes=64", "placement=same-cpu",
					   NULL };
	static const char *const bw[] = { "measure=bandwidth", "kind=thread", "bytes", NULL };
	struct bars latency = { .id = "ipc-latency",
				.title = _("Round trip of a 64-byte message on one CPU"),
				.x_label = _("mechanism"),
				.y_label = _("time per round trip (ns)"),
				.where = lat,
				.label = label_kind,
				.kind = SVG_BARS };
	int err = bars_write(out, e, &latency);

	/* The mechanisms that streamed, at most SVG_SERIES_MAX to a chart, in even shares. */
	const char *names[GRID_CATS + 1];
	size_t n = 0;
	const struct metric *copy = NULL;
	int64_t largest = -1;
	for (size_t i = 0; i < e->n_metrics; i++) {
		const struct metric *m = &e->metrics[i];
		const struct mparam *b = metric_param(m, "bytes");
		if (strcmp(m->name, "memcpy") == 0 && b && b->is_num && b->num > largest &&
		    m->sum.median > 0) {
			largest = b->num;
			copy = m;
		}
		if (!metric_matches(m, bw) || n == GRID_CATS)
			continue;
		size_t k = 0;
		while (k < n && strcmp(names[k], m->name) != 0)
			k++;
		if (k == n)
			names[n++] = m->name;
	}
	size_t charts = (n + SVG_SERIES_MAX - 1) / SVG_SERIES_MAX;
	char bytes[32], ref[96], id[48], title[160];
	if (copy)
		snprintf(ref, sizeof(ref), _("memcpy of %s: the ceiling"),
			 units_format_bytes((double)largest, bytes, sizeof(bytes)));
	for (size_t k = 0, from = 0; k < charts && !err; k++) {
		size_t to = n * (k + 1) / charts;
		const char *chunk[SVG_SERIES_MAX + 1];
		for (size_t i = from; i < to; i++)
			chunk[i - from] = names[i];
		chunk[to - from] = NULL;
		from = to;
		struct lineset ls = { .n = 0 };
		struct lines q = {
			.names = chunk, .where = bw, .x_key = "bytes", .per_second = true
		};
		lines_collect(&ls, e, &q);
		if (k == 0)
			snprintf(id, sizeof(id), "ipc-bandwidth");
		else
			snprintf(id, sizeof(id), "ipc-bandwidth-%zu", k + 1);
		if (charts > 1)
			snprintf(title, sizeof(title),
				 _("One-way stream between two threads on two CPUs (%zu of %zu)"),
				 k + 1, charts);
		else
			snprintf(title, sizeof(title), "%s",
				 _("One-way stream between two threads on two CPUs"));
		struct svg_chart c = { .id = id,
				       .title = title,
				       .x_label = _("message size (bytes)"),
				       .y_label = _("bytes per second, every byte read"),
				       .x_unit = SVG_UNIT_BYTES,
				       .y_unit = SVG_UNIT_BYTES,
				       .log_x = true,
				       .log_y = true,
				       .ref_label = copy ? ref : NULL,
				       .ref_y = copy ? (double)largest * 1e9 / copy->sum.median
						     : 0 };
		err = lineset_write(out, &ls, &c);
	}
	return err;
}

static int charts_memory(FILE *out, const struct exp_result *e, uint64_t seed)
{
	(void)seed;
	static const char *const names[] = { "pss_per_unit", "kernel_per_unit", NULL };
	int64_t units = -1;
	for (size_t i = 0; i < e->n_metrics; i++) {
		const struct mparam *u = metric_param(&e->metrics[i], "units");
		if (name_in(e->metrics[i].name, names) && u && u->is_num && u->num > units)
			units = u->num;
	}
	if (units < 0)
		return 0;
	char cond[48], title[160];
	snprintf(cond, sizeof(cond), "units=%" PRId64, units);
	const char *const where[] = { cond, NULL };
	snprintf(title, sizeof(title),
		 ngettext("Memory per unit, with %lld unit of each kind",
			  "Memory per unit, with %lld units of each kind", (unsigned long)units),
		 (long long)units);
	struct bars b = { .id = "memory-per-unit",
			  .title = title,
			  .x_label = _("kind of unit"),
			  .y_label = _("memory per unit (bytes)"),
			  .names = names,
			  .where = where,
			  .cat_key = "kind",
			  .label = label_memory,
			  .kind = SVG_STACKED };
	return bars_write(out, e, &b);
}

static int charts_sync(FILE *out, const struct exp_result *e, uint64_t seed)
{
	(void)seed;
	static const char *const threads[] = { "kind=thread", NULL };
	static const char *const processes[] = { "kind=process", NULL };
	struct bars b = { .id = "sync-cost-thread",
			  .title = _("Cost of one operation per primitive, between threads"),
			  .x_label = _("primitive"),
			  .y_label = _("time per operation (ns)"),
			  .where = threads,
			  .label = label_contenders,
			  .kind = SVG_BARS,
			  .log_y = true };
	int err = bars_write(out, e, &b);
	b.id = "sync-cost-process";
	b.title = _("Cost of one operation per process-shared primitive, between processes");
	b.where = processes;
	int err2 = bars_write(out, e, &b);
	return err ? err : err2;
}

/* Speed-up of `work` against the unit count: its time with one unit over its time with N. */
static int speedup_chart(FILE *out, const struct exp_result *e, const char *work, const char *id,
			 const char *title, uint64_t seed)
{
	struct lineset ls = { .n = 0 };
	for (size_t i = 0; i < e->n_metrics; i++) {
		const struct metric *m = &e->metrics[i];
		const struct mparam *kind = metric_param(m, "kind");
		const struct mparam *units = metric_param(m, "units");
		if (strcmp(m->name, work) != 0 || !kind || !units || !units->is_num || m->n == 0 ||
		    m->sum.median <= 0)
			continue;
		char cond[64];
		snprintf(cond, sizeof(cond), "kind=%s", kind->str);
		const char *const one[] = { cond, "units=1", NULL };
		const struct metric *base = exp_result_find_metric(e, work, one);
		char label[LABEL_MAX];
		label_kind(m, label, sizeof(label));
		struct pts *p = base && base->n ? lineset_get(&ls, label) : NULL;
		if (!p)
			continue;
		double *a = metric_values(base), *b = metric_values(m);
		struct ratio_ci r;
		bool ci = base->n >= CLAIM_MIN_SAMPLES && m->n >= CLAIM_MIN_SAMPLES &&
			  stats_ratio_ci95(a, base->n, b, m->n, seed, CLAIM_BOOTSTRAP, &r) == 0;
		pts_add(p, (double)units->num, base->sum.median / m->sum.median, ci ? r.lo : NAN,
			ci ? r.hi : NAN);
		free(a);
		free(b);
	}
	struct svg_chart c = { .id = id,
			       .title = title,
			       .x_label = _("units working together"),
			       .y_label = _("speed-up over one unit (×)"),
			       .ideal_label = _("ideal: N times faster") };
	return lineset_write(out, &ls, &c);
}

static int charts_parallel(FILE *out, const struct exp_result *e, uint64_t seed)
{
	int err = speedup_chart(out, e, "cpu_work", "parallel-cpu-work",
				_("Speed-up of CPU-bound work split over N units"), seed);
	int err2 = speedup_chart(out, e, "mem_work", "parallel-mem-work",
				 _("Speed-up of memory-bound work split over N units"), seed);
	return err ? err : err2;
}

/*
 * The number after "key=" in a text of space-separated key=value pairs
 * ("p50=67583ns p90=..."), NaN when absent. Parsed in the C locale's way
 * whatever LC_NUMERIC says: the experiment wrote it so.
 */
static double field_num(const char *text, const char *key)
{
	size_t klen = strlen(key);
	for (const char *s = text; s && *s; s = strchr(s, ' '), s = s ? s + 1 : NULL) {
		if (strncmp(s, key, klen) == 0 && s[klen] == '=') {
			char *end;
			double v = strtod(s + klen + 1, &end);
			return end == s + klen + 1 ? NAN : v;
		}
	}
	return NAN;
}

/* Latency percentiles of every model under keep-alive without work, from its observation. */
static int server_percentiles(FILE *out, const struct exp_result *e)
{
	static const char *const pct[] = { "p50", "p90", "p99", "p99.9" };
	static const char prefix[] = "latency_percentiles model=";
	static const char suffix[] = " load=keepalive work_us=0";
	struct grid *g = grid_new();
	for (size_t i = 0; i < e->n_obs; i++) {
		const char *name = e->obs[i].name;
		size_t len = strlen(name);
		if (strncmp(name, prefix, sizeof(prefix) - 1) != 0 ||
		    len < sizeof(prefix) - 1 + sizeof(suffix) - 1 ||
		    strcmp(name + len - (sizeof(suffix) - 1), suffix) != 0)
			continue;
		char model[LABEL_MAX];
		int mlen = (int)(len - (sizeof(prefix) - 1) - (sizeof(suffix) - 1));
		snprintf(model, sizeof(model), "%.*s", mlen, name + sizeof(prefix) - 1);
		for (size_t p = 0; p < sizeof(pct) / sizeof(pct[0]); p++)
			grid_put(g, pct[p], model, field_num(e->obs[i].value, pct[p]), NAN, NAN);
	}
	struct svg_chart c = { .id = "server-latency",
			       .title = _("Latency percentiles per model, keep-alive, no work"),
			       .x_label = _("percentile"),
			       .y_label = _("latency of a request (ns)"),
			       .kind = SVG_BARS,
			       .y_unit = SVG_UNIT_NS,
			       .log_y = true };
	int err = grid_write(out, g, &c);
	free(g);
	return err;
}

/*
 * Parses the comma-separated counts after "key=" in text into a new array
 * (caller frees); *n receives their number (0 and NULL when absent).
 */
static double *field_list(const char *text, const char *key, size_t *n)
{
	size_t klen = strlen(key);
	*n = 0;
	for (const char *s = text; s && *s; s = strchr(s, ' '), s = s ? s + 1 : NULL) {
		if (strncmp(s, key, klen) != 0 || s[klen] != '=')
			continue;
		double *v = NULL;
		size_t cap = 0;
		for (const char *p = s + klen + 1; *p && *p != ' ';) {
			char *end;
			double x = strtod(p, &end);
			if (end == p)
				break;
			if (*n == cap) {
				cap = cap ? 2 * cap : 32;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[(*n)++] = x;
			p = *end == ',' ? end + 1 : end;
		}
		return v;
	}
	return NULL;
}

/*
 * Adds one model's succeeded and failed requests per slice, the failed
 * below zero so that no line hides another where one model fails while
 * the other succeeds; 0 when the model has no timeline.
 */
static int timeline_add(struct lineset *ls, const struct exp_result *e, const char *model,
			double *poison_ms, double *slice_ms)
{
	char name[LABEL_MAX], label[LABEL_MAX];
	snprintf(name, sizeof(name), "timeline model=%s", model);
	const char *text = exp_result_obs(e, name);
	double slice = text ? field_num(text, "slice") : NAN;
	if (!text || !(slice > 0))
		return 0;
	size_t n_ok, n_failed;
	double *ok = field_list(text, "ok", &n_ok), *failed = field_list(text, "failed", &n_failed);
	size_t n = n_ok < n_failed ? n_ok : n_failed;
	/* The last slices may hold no request due yet: not an outage. */
	while (n > 0 && ok[n - 1] + failed[n - 1] == 0)
		n--;
	snprintf(label, sizeof(label), _("%s: succeeded"), model);
	struct pts *p_ok = lineset_get(ls, label);
	snprintf(label, sizeof(label), _("%s: failed"), model);
	struct pts *p_failed = lineset_get(ls, label);
	for (size_t i = 0; i < n && p_ok && p_failed; i++) {
		double x = ((double)i + 0.5) * slice / 1e6;
		pts_add(p_ok, x, ok[i], NAN, NAN);
		pts_add(p_failed, x, -failed[i], NAN, NAN);
	}
	*poison_ms = field_num(text, "poison") / 1e6;
	*slice_ms = slice / 1e6;
	free(ok);
	free(failed);
	return 1;
}

static int charts_server(FILE *out, const struct exp_result *e, uint64_t seed)
{
	(void)seed;
	static const char *const tput[] = { "throughput", NULL };
	static const char *const no_work[] = { "work_us=0", NULL };
	static const char *const process_models[] = { "prefork", "process_per_connection", NULL };
	static const char *const thread_models[] = { "thread_pool", "thread_per_connection",
						     "event_loop", NULL };
	struct bars b = { .id = "server-throughput",
			  .title = _("Throughput per model, no work per request"),
			  .x_label = _("concurrency model"),
			  .y_label = _("requests per second"),
			  .names = tput,
			  .where = no_work,
			  .cat_key = "model",
			  .label = label_load,
			  .kind = SVG_BARS };
	int err = bars_write(out, e, &b);
	if (!err)
		err = server_percentiles(out, e);
	/* Availability around the poisoned request: one process model, one thread model. */
	struct lineset ls = { .n = 0 };
	double poison_ms = NAN, slice_ms = NAN;
	const char *const *sides[] = { process_models, thread_models };
	for (size_t s = 0; s < 2; s++)
		for (const char *const *m = sides[s]; *m; m++)
			if (timeline_add(&ls, e, *m, &poison_ms, &slice_ms))
				break;
	char title[200], at[32], width[32];
	snprintf(title, sizeof(title),
		 _("Requests per %s slice under a fixed rate, the poisoned request sent at %s"),
		 units_format_ns(slice_ms * 1e6, width, sizeof(width)),
		 units_format_ns(poison_ms * 1e6, at, sizeof(at)));
	struct svg_chart c = { .id = "server-timeline",
			       .title = title,
			       .x_label = _("time since the load began (ms)"),
			       .y_label = _("requests per slice: succeeded up, failed down") };
	int err2 = lineset_write(out, &ls, &c);
	return err ? err : err2;
}

static const struct {
	const char *experiment;
	int (*write)(FILE *out, const struct exp_result *e, uint64_t seed);
} chart_table[] = {
	{ "create", charts_create }, { "switch", charts_switch },
	{ "ipc", charts_ipc },	     { "memory", charts_memory },
	{ "sync", charts_sync },     { "parallel", charts_parallel },
	{ "server", charts_server }, { NULL, NULL },
};

int html_charts_write(FILE *out, const struct exp_result *e, uint64_t seed)
{
	size_t i = 0;
	while (chart_table[i].experiment && strcmp(chart_table[i].experiment, e->name) != 0)
		i++;
	if (!chart_table[i].experiment)
		return 0;
	/* Into a buffer first: no empty frame when no chart has data. */
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		return -errno;
	int err = chart_table[i].write(mem, e, seed);
	if (fclose(mem) != 0 && !err)
		err = -EIO;
	if (!err && len > 0)
		fprintf(out, "<div class=\"charts\">\n%s</div>\n", buf);
	free(buf);
	return err ? err : ferror(out) ? -EIO : 0;
}
