// SPDX-License-Identifier: MIT
/*
 * html renderer: the run as one page a person can keep, mail or print. It
 * says what the text report says, in the same order (the machine, the
 * seeds' comparison table, a block per measured claim, then every
 * experiment), and adds what a terminal cannot show: charts of the
 * figures with their 95% intervals (inline SVG, html_charts.c), and the
 * run itself, raw samples and verdicts, embedded as JSON so that the page
 * carries its own evidence (`ptlab report` judges that JSON again).
 *
 * The page is self-contained on purpose: no script, no font, no style
 * sheet, no link outside it, so it reads the same offline, years later,
 * and nothing is fetched when it is opened. The shell (style, light and
 * dark schemes, the phone layout, print) is src/report/template.html;
 * html_template.c embeds it and writes it around the body this file makes.
 *
 * The raw samples appear once, in the embedded JSON: the page's raw-data
 * section shows their distribution per figure instead, which keeps the
 * page of a full run small (a few samples' worth of HTML per figure, not
 * thousands).
 */
#include "report/html.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "claims/claims.h"
#include "experiments/catalog.h"
#include "core/units.h"
#include "model/json.h"
#include "report/html_charts.h"
#include "report/report.h"
#include "report/svg.h"
#include "report/view.h"
#include "util/i18n.h"
#include "util/xalloc.h"

/* The size of the page shell (html_template.c), for the page's budget. */
extern const size_t ptlab_html_template_size;

static void esc(FILE *out, const char *s)
{
	svg_escape(out, s ? s : "");
}

/* Writes before, text escaped, then after. */
static void put(FILE *out, const char *before, const char *text, const char *after)
{
	fputs(before, out);
	esc(out, text);
	fputs(after, out);
}

/*
 * Formats like printf, then writes the result escaped; with decimal, the
 * numbers printf formatted itself ("×%.2f") take the language's decimal
 * separator (i18n_decimal()).
 */
__attribute__((format(printf, 3, 0))) static void vescf(FILE *out, bool decimal, const char *fmt,
							va_list ap)
{
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);
	if (n < 0)
		return;
	esc(out, decimal ? i18n_decimal(s) : s);
	free(s);
}

__attribute__((format(printf, 2, 3))) static void escf(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vescf(out, false, fmt, ap);
	va_end(ap);
}

/* escf() for a sentence whose numbers printf formats itself. */
__attribute__((format(printf, 2, 3))) static void escf_num(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vescf(out, true, fmt, ap);
	va_end(ap);
}

/*
 * A page stays under 2 MB: a full run holds about a million raw samples,
 * 6 MB of JSON, and a page that size opens slowly on a phone and is
 * awkward to mail. The page's text is written first; the JSON gets what
 * is left of PAGE_BUDGET (at least DATA_MIN). Past that, the figures with
 * the most samples, largest first, keep DATA_KEEP evenly spaced ones
 * (each round in proportion) and say how many they had in "raw_total";
 * their summaries, the verdicts and every figure of the page stay those
 * of all samples. The file written by --json keeps everything.
 */
#define PAGE_BUDGET 1900000
#define DATA_MIN (256 * 1024)
#define DATA_KEEP 200

/* Bytes of a raw array in compact JSON. */
static size_t raw_bytes(const json_t *raw)
{
	size_t n = 2, i;
	json_t *v;
	json_array_foreach(raw, i, v)
	{
		json_int_t x = json_integer_value(v);
		n += 1 + (x <= 0);
		for (; x > 0; x /= 10)
			n++;
	}
	return n;
}

/* Keeps DATA_KEEP evenly spaced samples of metric m, its rounds recounted. */
static void thin_metric(json_t *m)
{
	json_t *raw = json_object_get(m, "raw"), *rounds = json_object_get(m, "rounds");
	size_t n = json_array_size(raw), r = 0, in_round = 0;
	size_t end =
		json_is_array(rounds) ? (size_t)json_integer_value(json_array_get(rounds, 0)) : n;
	json_t *kept = json_array(), *counts = json_array();
	for (size_t j = 0; j < DATA_KEEP; j++) {
		size_t i = j * n / DATA_KEEP;
		for (; i >= end && r + 1 < json_array_size(rounds); in_round = 0) {
			if (in_round)
				json_array_append_new(counts, json_integer((json_int_t)in_round));
			end += (size_t)json_integer_value(json_array_get(rounds, ++r));
		}
		json_array_append(kept, json_array_get(raw, i));
		in_round++;
	}
	json_array_append_new(counts, json_integer((json_int_t)in_round));
	json_object_set_new(m, "raw_total", json_integer((json_int_t)n));
	json_object_set_new(m, "raw", kept);
	if (json_is_array(rounds))
		json_object_set_new(m, "rounds", counts);
	else
		json_decref(counts);
}

struct fat {
	json_t *metric;
	size_t bytes;
};

static int by_bytes(const void *p, const void *q)
{
	const struct fat *a = p, *b = q;
	return (a->bytes < b->bytes) - (a->bytes > b->bytes);
}

/* Thins the largest figures of data until it fits budget bytes. Returns how many. */
static size_t thin_data(json_t *data, size_t budget)
{
	size_t total = json_dumpb(data, NULL, 0, JSON_COMPACT), n = 0, thinned = 0, i, k;
	json_t *e, *m, *experiments = json_object_get(data, "experiments");
	if (total <= budget)
		return 0;
	json_array_foreach(experiments, i, e) n += json_array_size(json_object_get(e, "metrics"));
	struct fat *fat = xcalloc(n ? n : 1, sizeof(*fat));
	n = 0;
	json_array_foreach(experiments, i, e)
	{
		json_array_foreach(json_object_get(e, "metrics"), k, m)
		{
			json_t *raw = json_object_get(m, "raw");
			if (json_array_size(raw) > DATA_KEEP)
				fat[n++] = (struct fat){ m, raw_bytes(raw) };
		}
	}
	qsort(fat, n, sizeof(*fat), by_bytes);
	for (i = 0; i < n && total > budget; i++, thinned++) {
		thin_metric(fat[i].metric);
		total -= fat[i].bytes - raw_bytes(json_object_get(fat[i].metric, "raw"));
	}
	free(fat);
	return thinned;
}

/* ---- Numbers for people. ---- */

/*
 * A metric's conditions, "key=value, key=value", sizes in binary units;
 * each in a span the style keeps on one line ("same-cpu" unbroken).
 */
static void write_conditions(FILE *out, const struct mparam *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char val[32];
		const char *text = p[i].str;
		if (p[i].is_num && strstr(p[i].key, "bytes"))
			text = units_format_bytes((double)p[i].num, val, sizeof(val));
		fputs(i ? ", <span>" : "<span>", out);
		escf(out, "%s=%s", p[i].key, text);
		fputs("</span>", out);
	}
}

/* Three cells: median, [lo, hi], n (and outliers). */
static void figure_cells(FILE *out, const char *unit, const struct summary *s)
{
	char a[32], b[32], c[32];
	put(out, "<td class=\"num\">", report_fmt_value(s->median, unit, a, sizeof(a)),
	    "</td><td class=\"num\">");
	escf(out, "[%s, %s]", report_fmt_value(s->ci_lo, unit, b, sizeof(b)),
	     report_fmt_value(s->ci_hi, unit, c, sizeof(c)));
	fprintf(out, "</td><td class=\"num\">%zu", s->n);
	if (s->outliers)
		escf(out, ngettext(", %zu outlier", ", %zu outliers", s->outliers), s->outliers);
	fputs("</td>", out);
}

static void figures_head(FILE *out, const char *first, const char *second)
{
	put(out, "<div class=\"scroll\"><table class=\"figures\"><thead><tr><th>", first,
	    "</th><th>");
	esc(out, second);
	put(out, "</th><th class=\"num\">", _("median"), "</th><th class=\"num\">");
	/* xgettext:no-c-format */
	esc(out, _("95% CI"));
	fputs("</th><th class=\"num\">n</th></tr></thead><tbody>\n", out);
}

/* One figure's row: its label, its conditions (and drift between rounds), its summary. */
static void figure_row(FILE *out, const char *label, const struct metric *m, const char *unit,
		       const struct summary *s, double round_spread)
{
	put(out, "<tr><td>", label, "</td><td>");
	if (m)
		write_conditions(out, m->params, m->n_params);
	if (round_spread > CLAIM_MARGIN) {
		fputs("<br><span class=\"muted\">", out);
		escf_num(out,
			 _("its rounds differ by ×%.2f: the machine's state moved during the run"),
			 round_spread);
		fputs("</span>", out);
	}
	char modes[480];
	if (m && report_fmt_modes(&m->modes, unit, modes, sizeof(modes))) {
		put(out, "<br><span class=\"muted\">", modes, "</span>");
		const char *stretches = report_modes_stretches(&m->modes);
		if (stretches)
			put(out, "<br><span class=\"muted\">", stretches, "</span>");
	}
	fputs("</td>", out);
	figure_cells(out, unit, s);
	fputs("</tr>\n", out);
}

static void badge(FILE *out, enum verdict_status s)
{
	fprintf(out, "<span class=\"badge v-%s\">", verdict_status_name(s));
	esc(out, verdict_status_label(s));
	fputs("</span>", out);
}

/* Whether the verdict has a ratio to show beside its badge. */
static bool has_ratio(const struct verdict *v)
{
	return (v->claim->kind == CLAIM_RATIO || v->claim->kind == CLAIM_TABLE) && v->a.set &&
	       isfinite(v->ratio.ratio) && !v->claim->speedup;
}

/* ---- The page's parts. ---- */

static void page_header(FILE *out, const struct run *r, const struct verdict *v)
{
	const struct sysinfo *e = &r->env;
	char mem[32], why[256], kind[128];
	put(out, "<header>\n<h1>", _("ptlab: processes and threads, measured on this machine"),
	    "</h1>\n<p class=\"meta\">");
	escf(out, _("ptlab %s; started %s; %s preset; seed %llu; CPUs %s"),
	     r->ptlab_version ? r->ptlab_version : "?", r->started ? r->started : "?",
	     r->preset ? r->preset : "?", (unsigned long long)r->seed, view_cpus(r));
	fputs("</p>\n<p class=\"meta\">", out);
	escf(out, _("%s; %d CPUs online; Linux %s; %s; %s of memory"),
	     e->cpu_model[0] ? e->cpu_model : "?", e->cpus_online, e->kernel[0] ? e->kernel : "?",
	     report_fmt_machine_kind(e, kind, sizeof(kind)),
	     units_format_bytes((double)e->mem_total_bytes, mem, sizeof(mem)));
	fputs("</p>\n", out);
	if (sysinfo_noisy(e, why, sizeof(why))) {
		fputs("<p class=\"warning\">", out);
		escf(out, _("Warning: %s."), i18n_decimal(why));
		fputs("</p>\n", out);
	}
	char note[640];
	if (report_placement_note(r, note, sizeof(note)))
		put(out, "<p class=\"warning\">", note, "</p>\n");
	for (size_t i = 0; i < r->n_results; i++) {
		if (r->results[i].outcome == OUTCOME_OK)
			continue;
		char line[512];
		put(out, "<p class=\"warning\">",
		    catalog_outcome(&r->results[i], line, sizeof(line)), "</p>\n");
	}
	fprintf(out, "<nav class=\"toc\"><a href=\"#seeds\">");
	esc(out, _("Comparison"));
	bool any = false;
	for (size_t i = 0; i < claims_count() && !any; i++)
		any = view_measured(r, &v[i]);
	if (any) {
		fputs("</a> <a href=\"#claims\">", out);
		esc(out, _("Claims"));
	}
	fputs("</a>", out);
	for (size_t i = 0; i < r->n_results; i++) {
		put(out, " <a href=\"#exp-", r->results[i].name, "\">");
		esc(out, r->results[i].name);
		fputs("</a>", out);
	}
	put(out, " <a href=\"#environment\">", _("Environment"), "</a> <a href=\"#raw\">");
	esc(out, _("Raw data"));
	fputs("</a></nav>\n</header>\n", out);
}

/* A cell of the seeds' table; label names the column where a phone shows no header. */
static void side_cell(FILE *out, const char *text, const char *label, int span)
{
	if (span > 1)
		fprintf(out, "<td class=\"side\" colspan=\"%d\" data-label=\"", span);
	else
		fputs("<td class=\"side\" data-label=\"", out);
	put(out, "", label, "\">");
	esc(out, text);
	fputs("</td>", out);
}

/* Under a claim's badge, each question's own verdict: "(a) holds, (b) inconclusive". */
static void questions_cell(FILE *out, const struct verdict *v)
{
	for (size_t i = 0; i < v->n_questions; i++) {
		fputs(i ? ", " : "<br><span class=\"questions\">", out);
		escf(out, "(%s) ", _(v->questions[i].q->key));
		badge(out, v->questions[i].status);
	}
	if (v->n_questions)
		fputs("</span>", out);
}

/* A claim's questions, each with its verdict, and the attributions of its gaps. */
static void questions_attributions(FILE *out, const struct verdict *v)
{
	char line[1024];
	if (!v->n_questions && !v->n_attributions)
		return;
	fputs("<ul class=\"lines\">\n", out);
	for (size_t i = 0; i < v->n_questions; i++) {
		fprintf(out, "<li data-question=\"%s\">", v->questions[i].q->key);
		badge(out, v->questions[i].status);
		fputc(' ', out);
		esc(out, verdict_question_text(&v->questions[i], line, sizeof(line)));
		fputs("</li>\n", out);
	}
	for (size_t i = 0; i < v->n_attributions; i++) {
		put(out, "<li data-attribution=\"", v->attributions[i].label, "\">");
		esc(out, verdict_attribution_text(&v->attributions[i], line, sizeof(line)));
		fputs("</li>\n", out);
	}
	fputs("</ul>\n", out);
}

/*
 * A claim's row (report/view.h): what its cells compare above them, its
 * process and thread cells, or a ranking's fastest and slowest across
 * both columns, never under them.
 */
static void seeds_row(FILE *out, const struct view_row *w)
{
	const struct verdict *v = w->v;
	const struct claim *c = v->claim;
	fprintf(out, "<tr%s><td class=\"aspect\">", w->first ? " class=\"group\"" : "");
	if (w->first)
		esc(out, w->aspect == ASPECT_NONE ? _("Other claims") : aspect_label(w->aspect));
	fputs("</td>", out);
	if (w->shape == VIEW_RANKING) {
		char both[2 * VIEW_CELL + 64];
		snprintf(both, sizeof(both), _("fastest %s; slowest %s"), w->left, w->right);
		side_cell(out, both, _("Ranking"), 2);
	} else {
		side_cell(out, w->left, _("Process"), 1);
		side_cell(out, w->right, _("Thread"), 1);
	}
	fputs("<td class=\"claim\">", out);
	if (w->measured) {
		put(out, "<a href=\"#claim-", c->id, "\"><code>");
		esc(out, c->id);
		fputs("</code></a>", out);
	} else {
		put(out, "<code>", c->id, "</code>");
	}
	if (w->what[0])
		put(out, "<br><span class=\"what\">", w->what, "</span>");
	fputs("</td><td class=\"verdict\">", out);
	badge(out, v->status);
	questions_cell(out, v);
	fputs("</td><td class=\"num\">", out);
	esc(out, w->ratio);
	fputs("</td></tr>\n", out);
}

/*
 * What each verdict means, in the order a reader meets them: one short
 * sentence per badge, shown under the seeds' table.
 */
static const struct {
	enum verdict_status status;
	const char *meaning;
} legend_items[] = {
	/* xgettext:no-c-format */
	{ V_HOLDS, N_("The difference the claim expects, clearly: the whole 95% interval of the "
		      "ratio lies beyond the margin, and the ratio passes the threshold.") },
	{ V_HOLDS_SMALL, N_("The difference the claim expects, for certain, but smaller than the "
			    "threshold that would make it matter.") },
	/* xgettext:no-c-format */
	{ V_NEGLIGIBLE, N_("No difference worth a choice: the whole 95% interval lies within the "
			   "margin around ×1.") },
	{ V_REVERSED_SMALL, N_("The opposite of the claim, for certain, but smaller than the "
			       "threshold.") },
	{ V_REVERSED, N_("The opposite of the claim, clearly: the interval lies beyond the margin "
			 "on the other side, and the ratio passes the threshold.") },
	{ V_INCONCLUSIVE, N_("Not settled by this run: the interval reaches across the margin, or "
			     "too few samples or sizes; the reason says what would settle it.") },
	{ V_SPLIT, N_("The claim's parts disagree: each part has its own verdict.") },
	{ V_OBSERVED, N_("The fact the claim states was seen in this run.") },
	{ V_NOT_OBSERVED, N_("The fact the claim states was not seen in this run.") },
	{ V_NO_DATA, N_("The experiment behind the claim gave no usable figure in this run "
			"(not run, skipped or cut short).") },
	{ V_NOT_MEASURED, N_("No experiment of ptlab measures this claim yet.") },
};

/* The verdicts' legend: every badge the table may hold, and what it means. */
static void verdict_legend(FILE *out)
{
	put(out, "<div class=\"legend\" id=\"legend\">\n<h3>", _("What a verdict means"),
	    "</h3>\n<p class=\"muted\">");
	char margin[24], threshold[24];
	escf(out,
	     _("A ratio is judged by its 95%% interval (bootstrap) against a margin of ×%s and a "
	       "threshold of ×%s, unless the claim sets its own."),
	     report_fmt_ratio(CLAIM_MARGIN, margin, sizeof(margin)),
	     report_fmt_ratio(CLAIM_THRESHOLD, threshold, sizeof(threshold)));
	fputs("</p>\n<dl class=\"legend\">\n", out);
	for (size_t i = 0; i < sizeof(legend_items) / sizeof(legend_items[0]); i++) {
		fprintf(out, "<div data-verdict=\"%s\"><dt>",
			verdict_status_name(legend_items[i].status));
		badge(out, legend_items[i].status);
		put(out, "</dt><dd>", _(legend_items[i].meaning), "</dd></div>\n");
	}
	fputs("</dl>\n</div>\n", out);
}

/*
 * The seeds' comparison table: a group of rows per aspect in the seeds'
 * order, then the claims the seeds' table has no row for; the verdicts'
 * legend under it.
 */
static void seeds_table(FILE *out, const struct run *r, const struct verdict *v)
{
	put(out, "<section id=\"seeds\">\n<h2>", view_title(),
	    "</h2>\n<div class=\"scroll\"><table class=\"seeds\"><thead><tr>");
	const char *head[] = { _("Aspect"), _("Process"), _("Thread"),
			       _("Claim"),  _("Verdict"), _("Ratio") };
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++) {
		fputs(i == 5 ? "<th class=\"num\">" : "<th>", out);
		esc(out, head[i]);
		fputs("</th>", out);
	}
	fputs("</tr></thead><tbody>\n", out);
	struct view vw;
	view_build(&vw, r, v);
	for (size_t i = 0; i < vw.n; i++)
		seeds_row(out, &vw.rows[i]);
	view_free(&vw);
	fputs("</tbody></table></div>\n", out);
	verdict_legend(out);
	fputs("</section>\n", out);
}

/* A list item from a translated format. */
#define LI(out, ...)                                                                               \
	do {                                                                                       \
		fputs("<li>", out);                                                                \
		escf(out, __VA_ARGS__);                                                            \
		fputs("</li>\n", out);                                                             \
	} while (0)

/* A gap trend's fixed gap, growth and slope (switch.tlb), as the text report says them. */
static void gap_lines(FILE *out, const struct verdict *v)
{
	char line[512];
	fputs("<ul class=\"lines\">\n", out);
	for (int i = 0; i < 2; i++)
		LI(out, "%s", report_gap_line(v, i, line, sizeof(line)));
	fputs("</ul>\n", out);
}

/* A speed-up claim's lines (par.speedup): each kind against 1 and the ideal, then the context. */
static void speedup_lines(FILE *out, const struct verdict *v)
{
	char line[512];
	if (v->n_lines == 0)
		return;
	fputs("<ul class=\"lines\">\n", out);
	for (size_t i = 0; i <= v->n_lines; i++)
		LI(out, "%s", report_speedup_line(v, i, line, sizeof(line)));
	fputs("</ul>\n", out);
}

/* A claim's lines: a trend's fits, a nuanced claim's parts, or a ratio per condition. */
static void claim_lines(FILE *out, const struct verdict *v)
{
	const struct claim *c = v->claim;
	char r[32], lo[32], hi[32], a[32], b[32], x0[32], x1[32], slope[48];
	if (v->n_lines == 0)
		return;
	fputs("<ul class=\"lines\">\n", out);
	for (size_t i = 0; i < v->n_lines; i++) {
		const struct trend_line *l = &v->lines[i];
		report_fmt_ratio(l->growth.ratio, r, sizeof(r));
		report_fmt_ratio(l->growth.lo, lo, sizeof(lo));
		report_fmt_ratio(l->growth.hi, hi, sizeof(hi));
		if (c->kind == CLAIM_TREND && !c->baseline) {
			fputs("<li>", out);
			escf_num(out, _("%s: %s, R² %.2f; %s → %s: ×%s [%s, %s]; growth: %s"),
				 l->label, report_fmt_slope(l, slope, sizeof(slope)), l->fit.r2,
				 units_format_bytes(l->x0, x0, sizeof(x0)),
				 units_format_bytes(l->x1, x1, sizeof(x1)), r, lo, hi,
				 verdict_status_label(l->grows));
			fputs("</li>\n", out);
		} else if (l->part && l->part->fact_obs) {
			char fact[1024];
			LI(out, "%s", verdict_fact_line_text(v, l, fact, sizeof(fact)));
		} else if (c->parts) {
			const char *unit = l->unit ? l->unit : "ns";
			LI(out, _("%s: %s against %s, ×%s [%s, %s] %s"), _(l->label),
			   report_fmt_value(l->a_median, unit, a, sizeof(a)),
			   report_fmt_value(l->b_median, unit, b, sizeof(b)), r, lo, hi,
			   verdict_status_label(l->grows));
		} else {
			LI(out, _("at %s: process %s, thread %s, ×%s [%s, %s] %s"),
			   units_format_bytes(l->x0, x0, sizeof(x0)),
			   report_fmt_value(l->a_median, v->a.unit, a, sizeof(a)),
			   report_fmt_value(l->b_median, v->a.unit, b, sizeof(b)), r, lo, hi,
			   verdict_status_label(l->grows));
		}
	}
	fputs("</ul>\n", out);
}

/* A claim's figures: a ratio's two sides and its context, or a table claim's ranking. */
static void claim_figures(FILE *out, const struct run *r, const struct verdict *v)
{
	const struct claim *c = v->claim;
	const struct exp_result *e = run_find_result(r, claim_experiment(c));
	const struct metric **rank;
	size_t n = 0;
	/* A gap trend (switch.tlb) shows its sides at the largest x, as a ratio per x does. */
	bool sides = c->kind == CLAIM_RATIO || (c->kind == CLAIM_TREND && c->baseline);
	if (!e || !v->a.set || (!sides && c->kind != CLAIM_TABLE))
		return;
	if (sides) {
		size_t others = 0;
		while (c->others && c->others[others])
			others++;
		rank = xcalloc(2 + others, sizeof(*rank));
		rank[n++] = v->a.m;
		rank[n++] = v->b.m;
		for (size_t i = 0; i < others; i++)
			rank[n++] = exp_result_find_metric(e, c->others[i], c->a.where);
	} else {
		rank = view_ranking(c, e, &n);
	}
	figures_head(out, _("figure"), _("conditions"));
	for (size_t i = 0; i < n; i++) {
		const struct metric *m = rank[i];
		if (sides && i < 2) {
			const struct side *s = i == 0 ? &v->a : &v->b;
			figure_row(out, s->label, m, s->unit, &s->sum, s->round_spread);
		} else if (m) {
			figure_row(out, m->name, m, m->unit, &m->sum, m->round_spread);
		}
	}
	free(rank);
	fputs("</tbody></table></div>\n", out);
}

/*
 * The paragraphs this run's evidence chose, one span each (its id in
 * data-mechanism), inside the translated "Why: %s".
 */
static void why(FILE *out, const struct verdict *v)
{
	if (v->n_mechanisms == 0)
		return;
	const char *fmt = _("Why: %s"), *hole = strstr(fmt, "%s");
	fputs("<p class=\"why\">", out);
	if (hole) {
		char *before = xasprintf("%.*s", (int)(hole - fmt), fmt);
		esc(out, before);
		free(before);
	}
	for (size_t i = 0; i < v->n_mechanisms; i++) {
		const struct mech_choice *m = &v->mechanisms[i];
		put(out, i ? " <span data-mechanism=\"" : "<span data-mechanism=\"", m->m->id,
		    "\">");
		put(out, "", _(m->m->text), "</span>");
	}
	if (hole)
		esc(out, hole + 2);
	fputs("</p>\n", out);
}

static void claim_block(FILE *out, const struct run *r, const struct verdict *v)
{
	const struct claim *c = v->claim;
	char a[32], b[32], d[32];
	put(out, "<details class=\"claim\" id=\"claim-", c->id, "\" open>\n<summary><code>");
	esc(out, c->id);
	put(out, "</code> ", _(c->text), " ");
	badge(out, v->status);
	if (has_ratio(v))
		escf(out, " ×%s", report_fmt_ratio(v->ratio.ratio, a, sizeof(a)));
	fputs("</summary>\n<p class=\"muted\">", out);
	escf(out, _("seeds: %s; kind: %s"), c->seeds, claim_kind_name(c->kind));
	fputs("</p>\n", out);
	if (v->reason[0]) {
		fputs("<p>", out);
		escf(out, _("Reason: %s"), v->reason);
		fputs("</p>\n", out);
	}
	claim_figures(out, r, v);
	if (has_ratio(v)) {
		double drift = fmax(v->a.round_spread, v->b.round_spread);
		fputs("<p>", out);
		report_fmt_ratio(v->ratio.ratio, a, sizeof(a));
		report_fmt_ratio(v->ratio.lo, b, sizeof(b));
		report_fmt_ratio(v->ratio.hi, d, sizeof(d));
		if (drift >= 1.005)
			escf_num(out,
				 _("ratio ×%s [%s, %s] (95%% CI, bootstrap, widened ×%.2f for the "
				   "drift between rounds)"),
				 a, b, d, drift);
		else
			escf(out, _("ratio ×%s [%s, %s] (95%% CI, bootstrap)"), a, b, d);
		fputs("; ", out);
		escf_num(out, _("holds from ×%.2f, negligible within ×%.2f"), v->threshold,
			 v->margin);
		fputs("</p>\n", out);
	}
	if (c->speedup) {
		speedup_lines(out, v);
	} else {
		if (v->gap.set)
			gap_lines(out, v);
		claim_lines(out, v);
	}
	questions_attributions(out, v);
	const struct exp_result *e = run_find_result(r, claim_experiment(c));
	if ((c->fact_obs || c->parts) && e && c->others) {
		fputs("<ul class=\"lines\">\n", out);
		for (const char *const *o = c->others; *o; o++) {
			const struct ev_msg *m = exp_result_obs(e, *o);
			char value[1024];
			if (m)
				LI(out, "%s: %s", *o,
				   catalog_phrase(e->name, m, value, sizeof(value)));
		}
		fputs("</ul>\n", out);
	}
	why(out, v);
	fputs("</details>\n", out);
}

static void claims_section(FILE *out, const struct run *r, const struct verdict *v)
{
	size_t n = claims_count();
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (!view_measured(r, &v[i]))
			continue;
		if (!any)
			put(out, "<section id=\"claims\">\n<h2>", _("The claims, one by one"),
			    "</h2>\n");
		any = true;
		claim_block(out, r, &v[i]);
	}
	if (any)
		fputs("</section>\n", out);
}

/* A two-column table of text pairs (observations, skips). */
static void pairs_table(FILE *out, const char *heading, const char *first, const char *second)
{
	put(out, "<h3>", heading,
	    "</h3>\n<div class=\"scroll\"><table class=\"pairs\"><thead><tr><th>");
	esc(out, first);
	put(out, "</th><th>", second, "</th></tr></thead><tbody>\n");
}

static void pair_row(FILE *out, const char *a, const char *b)
{
	put(out, "<tr><td><code>", a, "</code></td><td>");
	esc(out, b);
	fputs("</td></tr>\n", out);
}

static int experiment_section(FILE *out, const struct run *r, const struct exp_result *e)
{
	char took[32], label[96];
	put(out, "<section class=\"exp\" id=\"exp-", e->name, "\">\n<h2>");
	if (e->duration_ns)
		escf(out, _("Experiment %s: %s after %s"), e->name, outcome_label(e->outcome),
		     units_format_ns((double)e->duration_ns, took, sizeof(took)));
	else
		escf(out, _("Experiment %s: %s"), e->name, outcome_label(e->outcome));
	fputs("</h2>\n", out);
	char text[1024];
	if (!ev_msg_empty(&e->reason))
		put(out, "<p class=\"warning\">",
		    catalog_phrase(e->name, &e->reason, text, sizeof(text)), "</p>\n");
	if (e->n_params) {
		put(out, "<p class=\"muted\">", _("Parameters:"), " <code>");
		write_conditions(out, e->params, e->n_params);
		fputs("</code></p>\n", out);
	}
	int err = html_charts_write(out, e, r->seed);
	if (e->n_metrics) {
		put(out, "<h3>", _("Figures"), "</h3>\n");
		figures_head(out, _("figure"), _("conditions"));
		for (size_t i = 0; i < e->n_metrics; i++) {
			const struct metric *m = &e->metrics[i];
			view_metric_label(e, m, label, sizeof(label));
			figure_row(out, label, m, m->unit, &m->sum, m->round_spread);
		}
		fputs("</tbody></table></div>\n", out);
	}
	if (e->n_obs) {
		pairs_table(out, _("Observations"), _("observation"), _("value"));
		for (size_t i = 0; i < e->n_obs; i++)
			pair_row(out, e->obs[i].name,
				 catalog_phrase(e->name, &e->obs[i].msg, text, sizeof(text)));
		fputs("</tbody></table></div>\n", out);
	}
	if (e->n_skips) {
		pairs_table(out, _("Skipped"), _("figure"), _("reason"));
		for (size_t i = 0; i < e->n_skips; i++)
			pair_row(out, e->skips[i].what,
				 catalog_phrase(e->name, &e->skips[i].reason, text, sizeof(text)));
		fputs("</tbody></table></div>\n", out);
	}
	fputs("</section>\n", out);
	return err;
}

static void env_item(FILE *out, const char *term, const char *value)
{
	if (!value || !value[0])
		return;
	put(out, "<dt>", term, "</dt><dd>");
	esc(out, value);
	fputs("</dd>\n", out);
}

/* An integer field, or nothing when unknown (negative). */
static void env_int(FILE *out, const char *term, long long v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", v);
	env_item(out, term, v >= 0 ? buf : NULL);
}

/* An enum sysinfo_flag, or nothing when unknown. */
static void env_flag(FILE *out, const char *term, enum sysinfo_flag f, const char *yes,
		     const char *no)
{
	env_item(out, term, f == SYSINFO_YES ? yes : f == SYSINFO_NO ? no : NULL);
}

/* "L1 data cache": 32 KiB, one line per cache of cpu0. */
static void env_caches(FILE *out, const struct sysinfo *e)
{
	for (int i = 0; i < e->n_caches && i < SYSINFO_CACHES_MAX; i++) {
		const struct sysinfo_cache *c = &e->caches[i];
		char term[96], size[32], type[sizeof(c->type) + 1];
		snprintf(type, sizeof(type), "%.*s", (int)sizeof(c->type), c->type);
		const char *kind = strcmp(type, "Data") == 0	      ? _("data")
				   : strcmp(type, "Instruction") == 0 ? _("instruction")
				   : strcmp(type, "Unified") == 0     ? _("unified")
								      : type;
		snprintf(term, sizeof(term), _("L%d %s cache"), c->level, kind);
		env_item(out, term, units_format_bytes((double)c->size_bytes, size, sizeof(size)));
	}
}

/* Every line of /sys/devices/system/cpu/vulnerabilities, in the kernel's words. */
static void env_vulns(FILE *out, const struct sysinfo *e)
{
	if (e->n_vulns <= 0)
		return;
	put(out, "<h3>", _("CPU vulnerabilities, as the kernel reports them"),
	    "</h3>\n<dl class=\"env\">\n");
	for (int i = 0; i < e->n_vulns && i < SYSINFO_VULNS_MAX; i++) {
		const struct sysinfo_vuln *v = &e->vulns[i];
		char name[sizeof(v->name) + 1], text[sizeof(v->text) + 1];
		snprintf(name, sizeof(name), "%.*s", (int)sizeof(v->name), v->name);
		snprintf(text, sizeof(text), "%.*s", (int)sizeof(v->text), v->text);
		env_item(out, name, text);
	}
	fputs("</dl>\n", out);
}

static void environment(FILE *out, const struct run *r)
{
	const struct sysinfo *e = &r->env;
	char buf[64];
	put(out, "<section id=\"environment\">\n<h2>", _("Environment"),
	    "</h2>\n<dl class=\"env\">\n");
	env_item(out, _("ptlab version"), r->ptlab_version);
	env_item(out, _("started"), r->started);
	env_item(out, _("preset"), r->preset);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)r->seed);
	env_item(out, _("seed"), buf);
	env_item(out, _("CPUs used"), r->cpus);
	env_item(out, _("CPU model"), e->cpu_model);
	env_int(out, _("CPUs online"), e->cpus_online > 0 ? e->cpus_online : -1);
	env_int(out, _("CPUs allowed"), e->cpus_allowed > 0 ? e->cpus_allowed : -1);
	env_int(out, _("cores"), e->cores);
	env_int(out, _("packages"), e->packages);
	env_int(out, _("threads per core"), e->threads_per_core);
	env_item(out, _("kernel"), e->kernel);
	env_item(out, _("architecture"), e->machine);
	env_item(out, _("host name"), e->hostname);
	env_item(out, _("virtual machine"), e->virtualized ? _("yes") : _("no"));
	env_item(out, _("hypervisor"), e->hypervisor);
	if (e->hypervisor_cpuid[0]) {
		snprintf(buf, sizeof(buf), "\"%.*s\"", (int)sizeof(e->hypervisor_cpuid),
			 e->hypervisor_cpuid);
		env_item(out, _("hypervisor, by its CPUID signature"), buf);
	}
	env_item(out, _("hypervisor, in the kernel's words"), e->hypervisor_kernel);
	env_item(out, _("PCID"), e->pcid ? _("yes") : _("no"));
	env_flag(out, _("INVPCID"), e->invpcid, _("yes"), _("no"));
	env_flag(out, _("page-table isolation (PTI)"), e->pti, _("on"), _("off"));
	if (e->null_syscall_ns > 0 && isfinite(e->null_syscall_ns))
		env_item(out, _("a null system call (getppid)"),
			 units_format_ns(e->null_syscall_ns, buf, sizeof(buf)));
	env_caches(out, e);
	env_int(out, _("TLB entries (4 KiB pages)"), e->tlb_entries > 0 ? e->tlb_entries : -1);
	env_item(out, _("frequency governor"), e->governor);
	env_item(out, _("idle governor"), e->idle_governor);
	env_item(out, _("transparent huge pages"), e->thp);
	snprintf(buf, sizeof(buf), "%.2f", e->loadavg1);
	i18n_decimal(buf);
	env_item(out, _("load average (1 min)"), e->loadavg1 >= 0 ? buf : NULL);
	if (e->mem_total_bytes)
		env_item(out, _("memory"),
			 units_format_bytes((double)e->mem_total_bytes, buf, sizeof(buf)));
	if (e->mem_available_bytes)
		env_item(out, _("memory available"),
			 units_format_bytes((double)e->mem_available_bytes, buf, sizeof(buf)));
	env_item(out, _("glibc"), e->glibc);
	env_item(out, _("compiler"), e->compiler);
	env_item(out, _("clock source"), e->clock.source);
	if (e->clock.overhead_ns > 0)
		env_item(out, _("timer cost per read"),
			 units_format_ns(e->clock.overhead_ns, buf, sizeof(buf)));
	if (e->clock.resolution_ns)
		env_item(out, _("timer step seen"),
			 units_format_ns((double)e->clock.resolution_ns, buf, sizeof(buf)));
	if (e->clock.reported_resolution_ns)
		env_item(
			out, _("timer resolution reported"),
			units_format_ns((double)e->clock.reported_resolution_ns, buf, sizeof(buf)));
	fputs("</dl>\n", out);
	env_vulns(out, e);
	fputs("</section>\n", out);
}

/* Where the raw samples are (thinned: that many figures keep DATA_KEEP of theirs). */
static void raw_note(FILE *out, size_t thinned)
{
	put(out, "<details id=\"raw\">\n<summary>", _("Raw data"), "</summary>\n<p>");
	esc(out, _("The raw samples of this run are in this page, in the element ptlab-data: the "
		   "run's JSON with its verdicts (doc/json-schema.md). Saved to a file, 'ptlab "
		   "report FILE' judges it again. A sample is the total of one batch; the values "
		   "below are per operation, of all samples."));
	if (thinned)
		escf(out,
		     ngettext(
			     " To keep the page small, %zu figure, the one with the most samples, "
			     "keeps only %zu of them there, evenly spaced (raw_total says how many "
			     "it had); the file written by --json holds them all.",
			     " To keep the page small, %zu figures, those with the most samples, "
			     "keep only %zu of them there, evenly spaced (raw_total says how many "
			     "each had); the file written by --json holds them all.",
			     thinned),
		     thinned, (size_t)DATA_KEEP);
	fputs("</p>\n", out);
}

/* The distribution of every figure, closing the raw-data section raw_note() opened. */
static void raw_tables(FILE *out, const struct run *r)
{
	static const char *const cols[] = { "batch", "warmup", "n",    "min", "p5", "median",
					    "p95",   "max",    "mean", "sd",  "MAD" };
	char label[96], buf[32];
	for (size_t i = 0; i < r->n_results; i++) {
		const struct exp_result *e = &r->results[i];
		if (!e->n_metrics)
			continue;
		put(out, "<h3>", e->name,
		    "</h3>\n<div class=\"scroll\"><table class=\"raw\"><thead><tr><th>");
		esc(out, _("figure"));
		put(out, "</th><th>", _("conditions"), "</th>");
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
			fprintf(out, "<th class=\"num\">%s</th>", cols[c]);
		fputs("</tr></thead><tbody>\n", out);
		for (size_t k = 0; k < e->n_metrics; k++) {
			const struct metric *m = &e->metrics[k];
			const struct summary *s = &m->sum;
			const double v[] = { s->min, s->p5,   s->median, s->p95,
					     s->max, s->mean, s->sd,	 s->mad };
			view_metric_label(e, m, label, sizeof(label));
			put(out, "<tr><td>", label, "</td><td>");
			write_conditions(out, m->params, m->n_params);
			fprintf(out,
				"</td><td class=\"num\">%llu</td><td class=\"num\">%zu</td><td "
				"class=\"num\">%zu</td>",
				(unsigned long long)m->batch, m->warmup, m->n);
			for (size_t c = 0; c < sizeof(v) / sizeof(v[0]); c++) {
				put(out, "<td class=\"num\">",
				    report_fmt_value(v[c], m->unit, buf, sizeof(buf)), "</td>");
			}
			fputs("</tr>\n", out);
		}
		fputs("</tbody></table></div>\n", out);
	}
	fputs("</details>\n", out);
}

static int html_render(FILE *out, const struct run *r, const struct verdict *v,
		       const struct report_opts *o)
{
	(void)o;
	char title[160];
	json_t *data = json_from_run(r);
	json_t *verdicts = report_verdicts_json(v, claims_count());
	if (!data || !verdicts) {
		json_decref(data);
		json_decref(verdicts);
		return -ENOMEM;
	}
	/* set_new takes the reference, also when it fails. */
	if (json_object_set_new(data, "verdicts", verdicts) != 0) {
		json_decref(data);
		return -ENOMEM;
	}
	/* The text first, in memory: the data gets what is left of the page's budget. */
	char *body = NULL, *tables = NULL;
	size_t body_len = 0, tables_len = 0;
	FILE *b = open_memstream(&body, &body_len), *t = open_memstream(&tables, &tables_len);
	int err = b && t ? 0 : -ENOMEM;
	if (!err) {
		page_header(b, r, v);
		fputs("<main>\n", b);
		seeds_table(b, r, v);
		claims_section(b, r, v);
	}
	for (size_t i = 0; i < r->n_results && !err; i++)
		err = experiment_section(b, r, &r->results[i]);
	if (!err) {
		environment(b, r);
		raw_tables(t, r);
	}
	if (b && fclose(b) != 0 && !err)
		err = -EIO;
	if (t && fclose(t) != 0 && !err)
		err = -EIO;
	size_t used = ptlab_html_template_size + body_len + tables_len + 4096;
	size_t thinned = err ? 0
			     : thin_data(data, used + DATA_MIN < PAGE_BUDGET ? PAGE_BUDGET - used
									     : DATA_MIN);
	snprintf(title, sizeof(title), _("ptlab report, %s"), r->started ? r->started : "?");
	if (!err)
		err = html_page_begin(out, title);
	if (!err) {
		fwrite(body, 1, body_len, out);
		raw_note(out, thinned);
		fwrite(tables, 1, tables_len, out);
		fputs("</main>\n", out);
		err = html_page_end(out, data);
	}
	free(body);
	free(tables);
	json_decref(data);
	return err ? err : ferror(out) ? -EIO : 0;
}

const struct renderer render_html = { "html", html_render };
