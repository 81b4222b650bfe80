// SPDX-License-Identifier: MIT
/*
 * openmetrics renderer: the run as an OpenMetrics 1.0 text exposition
 * that is also valid Prometheus text format 0.0.4, so the same file
 * feeds the node_exporter textfile collector (which parses the
 * Prometheus format), `promtool check metrics`, and any OpenMetrics
 * parser. doc/formats.md lists every family and label.
 *
 * Why this shape:
 * - Only gauges. OpenMetrics' info and stateset types are errors to the
 *   Prometheus text parser the textfile collector uses, so facts (the
 *   run, each experiment's outcome, each verdict) are gauges of value 1
 *   with the fact in a label, the usual Prometheus "info metric" idiom.
 *   The `# UNIT` and `# EOF` lines OpenMetrics asks for are comments to
 *   the Prometheus parser, which ignores them.
 * - One family per quantity and statistic, so a family has one unit and
 *   its name ends in it as OpenMetrics requires: times in seconds
 *   (converted from ns), sizes in bytes, rates per second, and
 *   ptlab_value_* with a `unit` label for everything else (requests,
 *   tasks, counts).
 * - A figure's series carry experiment, metric and every condition as a
 *   label. Condition keys become label names (lower case, anything but
 *   [a-z0-9_] turned to '_', "param_" before one that starts with a
 *   digit or "__", '_' appended while it clashes with a label ptlab sets
 *   or an earlier condition). An empty value is left out: Prometheus
 *   reads it as no label. Two figures of one experiment with the same
 *   name and conditions but different batches all get a `batch` label;
 *   a figure still identical to an earlier one after that (it would
 *   differ only in unit or direction, which no experiment records) is
 *   left out, so no family ever holds a label set twice.
 * - Only finite numbers: a value that is NaN or infinite (a ratio over a
 *   zero median) leaves its sample out. No timestamps (the textfile
 *   collector rejects files that have them).
 *
 * Numbers are written in the C locale whatever the process's locale, as
 * the shortest decimal that reads back to the same double.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "util/xalloc.h"

/* A growing NUL-terminated string. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *p, size_t n)
{
	xgrow((void **)&b->s, &b->cap, b->len + n + 1, 1);
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_puts(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/*
 * The length of the valid UTF-8 sequence at s (1 to 4), or 0 when s
 * does not start one (a stray continuation byte, an overlong form, a
 * surrogate, a code point past U+10FFFF, a truncated sequence).
 */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	unsigned min, cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * Appends s as a label value: '\', '"' and LF escaped as both formats
 * ask, every byte that is not part of valid UTF-8 replaced by '?' (both
 * formats require UTF-8; the JSON writer too writes '?' for such bytes).
 */
static void sb_label_value(struct sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = utf8_len(p);
		if (n == 0) {
			sb_puts(b, "?"); /* one byte that is not UTF-8 */
			n = 1;
		} else if (*p == '\\') {
			sb_puts(b, "\\\\");
		} else if (*p == '"') {
			sb_puts(b, "\\\"");
		} else if (*p == '\n') {
			sb_puts(b, "\\n");
		} else {
			sb_add(b, (const char *)p, n);
		}
		p += n;
	}
}

/* Appends name="value" (escaped), a comma before it unless b is empty; nothing for an empty value. */
static void sb_label(struct sbuf *b, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	if (b->len)
		sb_puts(b, ",");
	sb_puts(b, name);
	sb_puts(b, "=\"");
	sb_label_value(b, value);
	sb_puts(b, "\"");
}

/* Label names ptlab sets itself, or that Prometheus gives a meaning. */
static const char *const reserved_labels[] = {
	"experiment", "metric", "unit", "batch", "le", "quantile", "job", "instance", NULL,
};

static bool name_taken(const char *name, char *const *taken, size_t n_taken)
{
	for (size_t i = 0; reserved_labels[i]; i++)
		if (strcmp(name, reserved_labels[i]) == 0)
			return true;
	for (size_t i = 0; i < n_taken; i++)
		if (strcmp(name, taken[i]) == 0)
			return true;
	return false;
}

/*
 * The label name of a condition key (caller frees): lower case, every
 * byte outside [a-z0-9_] turned to '_', "param_" before a name that is
 * empty or starts with a digit or "__" (reserved by Prometheus), then
 * '_' appended while it is reserved or one of taken[0..n_taken).
 */
static char *label_name(const char *key, char *const *taken, size_t n_taken)
{
	size_t len = strlen(key);
	bool prefix =
		len == 0 || isdigit((unsigned char)key[0]) || (key[0] == '_' && key[1] == '_');
	struct sbuf b = { 0 };
	sb_puts(&b, prefix ? "param_" : "");
	for (size_t i = 0; i < len; i++) {
		char c = (char)tolower((unsigned char)key[i]);
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			c = '_';
		sb_add(&b, &c, 1);
	}
	while (name_taken(b.s, taken, n_taken))
		sb_puts(&b, "_");
	return b.s;
}

/* One figure's series: its labels, and whether it is written at all. */
struct series {
	const struct metric *m;
	size_t index; /* in the run, metric-major: the order samples are written in */
	char *labels; /* experiment="...",metric="...",conditions... (escaped) */
	char *key;    /* the same labels in a canonical order: equal keys, equal label sets */
	bool keep;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Fills s for metric m of experiment e: the label list in m's order and
 * the key (experiment, metric, then the conditions sorted).
 */
static void series_init(struct series *s, const struct exp_result *e, const struct metric *m,
			size_t index)
{
	char **names = xcalloc(m->n_params + 1, sizeof(*names));
	char **conds = xcalloc(m->n_params + 1, sizeof(*conds));
	size_t n_conds = 0;
	struct sbuf lb = { 0 }, key = { 0 };
	sb_puts(&lb, "");
	sb_label(&lb, "experiment", e->name);
	sb_label(&lb, "metric", m->name);
	sb_puts(&key, lb.s);
	for (size_t i = 0; i < m->n_params; i++) {
		names[i] = label_name(m->params[i].key, names, i);
		struct sbuf one = { 0 };
		sb_puts(&one, "");
		sb_label(&one, names[i], m->params[i].str);
		if (one.len) {
			sb_puts(&lb, ",");
			sb_puts(&lb, one.s);
			conds[n_conds++] = one.s;
		} else {
			free(one.s);
		}
	}
	qsort(conds, n_conds, sizeof(*conds), cmp_str);
	for (size_t i = 0; i < n_conds; i++) {
		sb_puts(&key, ",");
		sb_puts(&key, conds[i]);
		free(conds[i]);
	}
	for (size_t i = 0; i < m->n_params; i++)
		free(names[i]);
	free(names);
	free(conds);
	*s = (struct series){ .m = m, .index = index, .labels = lb.s, .key = key.s, .keep = true };
}

static void series_add_batch(struct series *s)
{
	char n[32];
	snprintf(n, sizeof(n), "%" PRIu64, s->m->batch);
	struct sbuf b = { .s = s->labels, .len = strlen(s->labels), .cap = strlen(s->labels) + 1 };
	sb_label(&b, "batch", n);
	s->labels = b.s;
	b = (struct sbuf){ .s = s->key, .len = strlen(s->key), .cap = strlen(s->key) + 1 };
	sb_label(&b, "batch", n);
	s->key = b.s;
}

/* By key, then by position, so the first of equal label sets comes first. */
static int cmp_series(const void *a, const void *b)
{
	const struct series *x = *(const struct series *const *)a;
	const struct series *y = *(const struct series *const *)b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * Sorts p[0..n) by key. With mark_batch, gives every member of a run of
 * equal keys a batch label when their batches differ; without, leaves
 * out all but the first of each run.
 */
static void resolve_clashes(struct series **p, size_t n, bool mark_batch)
{
	qsort(p, n, sizeof(*p), cmp_series);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		bool batches_differ = false;
		for (; j < n && strcmp(p[i]->key, p[j]->key) == 0; j++)
			batches_differ = batches_differ || p[j]->m->batch != p[i]->m->batch;
		for (size_t k = i; k < j; k++) {
			if (mark_batch && batches_differ)
				series_add_batch(p[k]);
			else if (!mark_batch && k > i)
				p[k]->keep = false;
		}
		i = j;
	}
}

/*
 * One series per metric of r that has a summary, in the run's order,
 * with clashes resolved (see the file's comment). *n receives the count.
 */
static struct series *series_build(const struct run *r, size_t *n)
{
	size_t total = 0;
	for (size_t i = 0; i < r->n_results; i++)
		total += r->results[i].n_metrics;
	struct series *s = xcalloc(total + 1, sizeof(*s));
	struct series **p = xcalloc(total + 1, sizeof(*p));
	size_t k = 0;
	for (size_t i = 0; i < r->n_results; i++) {
		const struct exp_result *e = &r->results[i];
		for (size_t j = 0; j < e->n_metrics; j++) {
			if (e->metrics[j].sum.n == 0)
				continue;
			series_init(&s[k], e, &e->metrics[j], k);
			p[k] = &s[k];
			k++;
		}
	}
	resolve_clashes(p, k, true);
	resolve_clashes(p, k, false);
	free(p);
	*n = k;
	return s;
}

static void series_free(struct series *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].labels);
		free(s[i].key);
	}
	free(s);
}

/* A family being written: its head goes out with its first sample. */
struct family {
	char name[64];
	const char *unit; /* OpenMetrics unit, the name's suffix; NULL for none */
	const char *help; /* no '\', '"' or newline */
	bool started;
};

static void family_init(struct family *f, const char *name, const char *unit, const char *help)
{
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->unit = unit;
	f->help = help;
	f->started = false;
}

/* The shortest of %.15g, %.16g and %.17g that reads back to x (C locale). */
static void put_num(FILE *out, double x)
{
	char buf[40];
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	fputs(buf, out);
}

/*
 * Writes one sample of f with the given labels (an escaped list, may be
 * empty) and, when extra_name is set, one more label; a non-finite value
 * writes nothing. The family's HELP, TYPE and UNIT lines precede its
 * first sample.
 */
static void sample(FILE *out, struct family *f, const char *labels, const char *extra_name,
		   const char *extra_value, double value)
{
	if (!isfinite(value))
		return;
	if (!f->started) {
		fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", f->name, f->help, f->name);
		if (f->unit)
			fprintf(out, "# UNIT %s %s\n", f->name, f->unit);
		f->started = true;
	}
	fputs(f->name, out);
	struct sbuf b = { 0 };
	sb_puts(&b, labels);
	if (extra_name)
		sb_label(&b, extra_name, extra_value);
	if (b.len)
		fprintf(out, "{%s}", b.s);
	free(b.s);
	putc(' ', out);
	put_num(out, value);
	putc('\n', out);
}

/* The families of a figure's value, one per quantity. */
enum quantity {
	Q_TIME,
	Q_SIZE,
	Q_RATE,
	Q_VALUE,
	Q_COUNT,
};

static const struct quantity_desc {
	const char *family; /* ptlab_<family>_<stat>[_<unit>] */
	const char *unit;
	const char *what; /* for HELP */
	bool unit_label;  /* the recorded unit as a label: the family's name does not fix it */
} quantities[Q_COUNT] = {
	[Q_TIME] = { "time", "seconds", "time of one operation", false },
	[Q_SIZE] = { "size", "bytes", "size, of one operation or one unit", false },
	[Q_RATE] = { "rate", "per_second", "rate, per second of what the unit label says", true },
	[Q_VALUE] = { "value", NULL, "value per operation, in the unit the unit label says", true },
};

/* Units of time ptlab may record, and how many make a second. */
static const struct {
	const char *unit;
	double per_second;
} time_units[] = {
	{ "ns", 1e9 },
	{ "us", 1e6 },
	{ "ms", 1e3 },
	{ "s", 1 },
};

/* The quantity of a recorded unit, and the divisor to its family's unit into *div. */
static enum quantity quantity_of(const char *unit, double *div)
{
	*div = 1;
	if (!unit)
		return Q_VALUE;
	for (size_t i = 0; i < sizeof(time_units) / sizeof(time_units[0]); i++) {
		if (strcmp(unit, time_units[i].unit) == 0) {
			*div = time_units[i].per_second;
			return Q_TIME;
		}
	}
	if (strcmp(unit, "bytes") == 0)
		return Q_SIZE;
	size_t len = strlen(unit);
	if (len > 2 && strcmp(unit + len - 2, "/s") == 0)
		return Q_RATE;
	return Q_VALUE;
}

enum stat {
	S_MEDIAN,
	S_CI_LOW,
	S_CI_HIGH,
	S_COUNT,
};

/* A statistic's HELP is pre, the quantity's what, then post. */
static const struct {
	const char *name;
	const char *pre, *post;
} stats[S_COUNT] = {
	[S_MEDIAN] = { "median", "Median ", "." },
	[S_CI_LOW] = { "ci_low", "Lower end of the 95 percent confidence interval of the median ",
		       "; below 6 samples the smallest sample, covering less: see "
		       "ptlab_ci_coverage_ratio." },
	[S_CI_HIGH] = { "ci_high", "Upper end of the 95 percent confidence interval of the median ",
			"; below 6 samples the largest sample, covering less: see "
			"ptlab_ci_coverage_ratio." },
};

static double stat_of(const struct summary *s, enum stat st)
{
	switch (st) {
	case S_MEDIAN:
		return s->median;
	case S_CI_LOW:
		return s->ci_lo;
	case S_CI_HIGH:
		return s->ci_hi;
	default:
		return NAN;
	}
}

/* The figures' value families: for each quantity, its median and interval. */
static void put_values(FILE *out, const struct series *s, size_t n)
{
	for (int q = 0; q < Q_COUNT; q++) {
		const struct quantity_desc *qd = &quantities[q];
		for (int st = 0; st < S_COUNT; st++) {
			struct family f;
			char name[64], help[256];
			snprintf(name, sizeof(name), "ptlab_%s_%s%s%s", qd->family, stats[st].name,
				 qd->unit ? "_" : "", qd->unit ? qd->unit : "");
			snprintf(help, sizeof(help), "%s%s%s", stats[st].pre, qd->what,
				 stats[st].post);
			family_init(&f, name, qd->unit, help);
			for (size_t i = 0; i < n; i++) {
				double div;
				if (!s[i].keep ||
				    quantity_of(s[i].m->unit, &div) != (enum quantity)q)
					continue;
				sample(out, &f, s[i].labels, qd->unit_label ? "unit" : NULL,
				       s[i].m->unit, stat_of(&s[i].m->sum, st) / div);
			}
		}
	}
}

/* The families every figure has whatever its unit. */
static void put_figures(FILE *out, const struct series *s, size_t n)
{
	struct family f;
	family_init(&f, "ptlab_samples", NULL, "Samples the figure was computed from.");
	for (size_t i = 0; i < n; i++)
		if (s[i].keep)
			sample(out, &f, s[i].labels, NULL, NULL, (double)s[i].m->sum.n);
	family_init(&f, "ptlab_ci_coverage_ratio", "ratio",
		    "Probability that the interval of the median covers the true median: "
		    "at least 0.95 from 6 samples on, less below (0 for one sample).");
	for (size_t i = 0; i < n; i++)
		if (s[i].keep)
			sample(out, &f, s[i].labels, NULL, NULL, s[i].m->sum.ci_level);
	family_init(&f, "ptlab_round_spread_ratio", "ratio",
		    "Largest median of a round over the smallest (1 for a single round): "
		    "how far the machine drifted between rounds.");
	for (size_t i = 0; i < n; i++)
		if (s[i].keep)
			sample(out, &f, s[i].labels, NULL, NULL, s[i].m->round_spread);
}

/* Whether results[i] repeats the name of an earlier result (written once, the first). */
static bool repeated_result(const struct run *r, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(r->results[j].name, r->results[i].name) == 0)
			return true;
	return false;
}

/* ptlab_run_info, then each experiment's outcome and duration. */
static void put_run(FILE *out, const struct run *r)
{
	struct family f;
	struct sbuf b = { 0 };
	char seed[32];
	snprintf(seed, sizeof(seed), "%" PRIu64, r->seed);
	sb_puts(&b, "");
	sb_label(&b, "version", r->ptlab_version);
	sb_label(&b, "preset", r->preset);
	sb_label(&b, "seed", seed);
	sb_label(&b, "cpus", r->cpus);
	sb_label(&b, "started", r->started);
	sb_label(&b, "hostname", r->env.hostname);
	sb_label(&b, "kernel", r->env.kernel);
	sb_label(&b, "machine", r->env.machine);
	sb_label(&b, "cpu_model", r->env.cpu_model);
	family_init(&f, "ptlab_run_info", NULL,
		    "The ptlab run this file describes: always 1, the facts are in the labels.");
	sample(out, &f, b.s, NULL, NULL, 1);
	free(b.s);

	family_init(&f, "ptlab_experiment_outcome", NULL,
		    "How each experiment ended: always 1, the outcome is in the label "
		    "(ok, skipped, failed, crashed, timed_out, interrupted, not_run).");
	for (size_t i = 0; i < r->n_results; i++) {
		if (repeated_result(r, i))
			continue;
		b = (struct sbuf){ 0 };
		sb_puts(&b, "");
		sb_label(&b, "experiment", r->results[i].name);
		sample(out, &f, b.s, "outcome", outcome_name(r->results[i].outcome), 1);
		free(b.s);
	}
	family_init(&f, "ptlab_experiment_duration_seconds", "seconds",
		    "Wall-clock time each experiment took.");
	for (size_t i = 0; i < r->n_results; i++) {
		if (repeated_result(r, i))
			continue;
		b = (struct sbuf){ 0 };
		sb_puts(&b, "");
		sb_label(&b, "experiment", r->results[i].name);
		sample(out, &f, b.s, NULL, NULL, (double)r->results[i].duration_ns / 1e9);
		free(b.s);
	}
}

/* Whether v carries a ratio the verdict rests on (as the JSON renderer decides). */
static bool has_ratio(const struct verdict *v)
{
	return v->status != V_NOT_MEASURED && v->status != V_NO_DATA &&
	       v->claim->kind != CLAIM_TREND && v->claim->kind != CLAIM_FACT;
}

/* Every claim's verdict, then the ratios and their intervals where there are. */
static void put_verdicts(FILE *out, const struct verdict *v, size_t n)
{
	struct family f;
	family_init(&f, "ptlab_verdict", NULL,
		    "Verdict on each claim of the catalogue: always 1, the verdict is in the "
		    "status label.");
	for (size_t i = 0; i < n; i++) {
		struct sbuf b = { 0 };
		sb_puts(&b, "");
		sb_label(&b, "claim", v[i].claim->id);
		sample(out, &f, b.s, "status", verdict_status_name(v[i].status), 1);
		free(b.s);
	}
	static const struct {
		const char *name, *help;
	} ratio_families[] = {
		{ "ptlab_claim_ratio",
		  "Ratio a verdict rests on: the process side over the thread side (per "
		  "condition: at the largest; nuanced: the first part; table: the slowest over "
		  "the fastest)." },
		{ "ptlab_claim_ci_low_ratio", "Lower end of the 95 percent bootstrap interval of "
					      "the ratio a verdict rests on." },
		{ "ptlab_claim_ci_high_ratio", "Upper end of the 95 percent bootstrap interval of "
					       "the ratio a verdict rests on." },
	};
	for (size_t k = 0; k < 3; k++) {
		family_init(&f, ratio_families[k].name, "ratio", ratio_families[k].help);
		for (size_t i = 0; i < n; i++) {
			if (!has_ratio(&v[i]))
				continue;
			double x = k == 0   ? v[i].ratio.ratio
				   : k == 1 ? v[i].ratio.lo
					    : v[i].ratio.hi;
			struct sbuf b = { 0 };
			sb_puts(&b, "");
			sb_label(&b, "claim", v[i].claim->id);
			sample(out, &f, b.s, NULL, NULL, x);
			free(b.s);
		}
	}
}

/*
 * Writes the run and its verdicts (v holds claims_count() of them, in
 * catalogue order) as described in the file's comment, ending with
 * "# EOF". Returns 0, -errno when the C locale cannot be had, or -EIO
 * when out reports a write error.
 */
static int om_render(FILE *out, const struct run *r, const struct verdict *v,
		     const struct report_opts *o)
{
	(void)o;
	locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (c == (locale_t)0)
		return -errno;
	locale_t old = uselocale(c);

	size_t n;
	struct series *s = series_build(r, &n);
	put_run(out, r);
	put_values(out, s, n);
	put_figures(out, s, n);
	put_verdicts(out, v, claims_count());
	fputs("# EOF\n", out);
	series_free(s, n);

	uselocale(old);
	freelocale(c);
	return ferror(out) ? -EIO : 0;
}

const struct renderer render_openmetrics = { "openmetrics", om_render };
