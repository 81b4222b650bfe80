// SPDX-License-Identifier: MIT
/*
 * csv renderer: one table of every metric summary, for spreadsheets,
 * pandas and R. One row per metric of every experiment, in the run's
 * order, under a header of stable columns (doc/formats.md lists them and
 * the promise they come with): who measured it, under which conditions,
 * in which unit, then the summary of the values per operation (median,
 * its confidence interval, spread, outliers, the drift between rounds).
 * Verdicts are not here: they are in the JSON and OpenMetrics outputs,
 * whose shapes suit them.
 *
 * RFC 4180: records end in CRLF; a field holding a comma, a double
 * quote, CR or LF is quoted, its quotes doubled. The conditions of a
 * metric share one column as key=value pairs joined by ';' (a '\', ';'
 * or '=' inside a key or value is preceded by '\'), because every
 * experiment has its own.
 *
 * Numbers are written in the C locale whatever the process's locale
 * (uselocale() for the duration of the render): integers exactly, reals
 * as the shortest decimal that reads back to the same double (at most 17
 * significant digits), an empty field where there is no finite value.
 */
#include <errno.h>
#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "util/xalloc.h"

/* The header, in order. Columns are only ever added at the end. */
static const char *const columns[] = {
	"experiment", "metric", "conditions", "unit",	  "direction", "batch",	       "n",
	"median",     "ci_low", "ci_high",    "ci_level", "mean",      "sd",	       "min",
	"max",	      "p5",	"p95",	      "mad",	  "outliers",  "round_spread",
};

#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

/* Writes s as one field, quoted when it holds a comma, a quote, CR or LF. */
static void put_field(FILE *out, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs(s, out);
		return;
	}
	putc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', out);
		putc(*s, out);
	}
	putc('"', out);
}

/*
 * The shortest of %.15g, %.16g and %.17g that reads back to x (in the
 * current, C, locale) into buf; "" when x is not finite.
 */
static const char *num_text(char buf[40], double x)
{
	buf[0] = '\0';
	if (!isfinite(x))
		return buf;
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, 40, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	return buf;
}

static void put_num(FILE *out, double x)
{
	char buf[40];
	putc(',', out);
	fputs(num_text(buf, x), out);
}

static void put_uint(FILE *out, uint64_t x)
{
	fprintf(out, ",%" PRIu64, x);
}

/* Appends s to the growing string *b (length *len, capacity *cap), '\' before ';', '=' and '\'. */
static void cond_add(char **b, size_t *len, size_t *cap, const char *s, bool escape)
{
	for (; *s; s++) {
		xgrow((void **)b, cap, *len + 3, 1);
		if (escape && (*s == '\\' || *s == ';' || *s == '='))
			(*b)[(*len)++] = '\\';
		(*b)[(*len)++] = *s;
	}
	xgrow((void **)b, cap, *len + 1, 1);
	(*b)[*len] = '\0';
}

/* The conditions of m as "key=value;key=value" in m's order (caller frees). */
static char *conditions_text(const struct metric *m)
{
	char *b = NULL;
	size_t len = 0, cap = 0;
	cond_add(&b, &len, &cap, "", false);
	for (size_t i = 0; i < m->n_params; i++) {
		if (i)
			cond_add(&b, &len, &cap, ";", false);
		cond_add(&b, &len, &cap, m->params[i].key, true);
		cond_add(&b, &len, &cap, "=", false);
		cond_add(&b, &len, &cap, m->params[i].str ? m->params[i].str : "", true);
	}
	return b;
}

/* One record: m of experiment e. A metric without a summary (n == 0) gets empty statistics. */
static void put_row(FILE *out, const struct exp_result *e, const struct metric *m)
{
	const struct summary *s = &m->sum;
	char *cond = conditions_text(m);
	put_field(out, e->name);
	putc(',', out);
	put_field(out, m->name);
	putc(',', out);
	put_field(out, cond);
	putc(',', out);
	put_field(out, m->unit ? m->unit : "");
	putc(',', out);
	put_field(out, direction_name(m->dir));
	put_uint(out, m->batch);
	put_uint(out, m->n);
	if (s->n == 0) {
		for (size_t i = 7; i < N_COLUMNS; i++)
			putc(',', out);
	} else {
		put_num(out, s->median);
		put_num(out, s->ci_lo);
		put_num(out, s->ci_hi);
		put_num(out, s->ci_level);
		put_num(out, s->mean);
		put_num(out, s->sd);
		put_num(out, s->min);
		put_num(out, s->max);
		put_num(out, s->p5);
		put_num(out, s->p95);
		put_num(out, s->mad);
		put_uint(out, s->outliers);
		put_num(out, m->round_spread);
	}
	fputs("\r\n", out);
	free(cond);
}

/*
 * Writes the header and one row per metric of r. v is unused (verdicts
 * are not part of this format). Returns 0, -errno when the C locale
 * cannot be had, or -EIO when out reports a write error.
 */
static int csv_render(FILE *out, const struct run *r, const struct verdict *v,
		      const struct report_opts *o)
{
	(void)v, (void)o;
	locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (c == (locale_t)0)
		return -errno;
	locale_t old = uselocale(c);

	for (size_t i = 0; i < N_COLUMNS; i++) {
		if (i)
			putc(',', out);
		fputs(columns[i], out);
	}
	fputs("\r\n", out);
	for (size_t i = 0; i < r->n_results; i++) {
		const struct exp_result *e = &r->results[i];
		for (size_t j = 0; j < e->n_metrics; j++)
			put_row(out, e, &e->metrics[j]);
	}

	uselocale(old);
	freelocale(c);
	return ferror(out) ? -EIO : 0;
}

const struct renderer render_csv = { "csv", csv_render };
