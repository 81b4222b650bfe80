// SPDX-License-Identifier: MIT
/*
 * text renderer: what a person reads after `ptlab`. First the machine in
 * one paragraph, then the seeds' comparison table with this machine's
 * numbers and a verdict per row, then one block per measured claim (the
 * numbers with units, median [95% CI], sample counts, conditions, why),
 * then every figure each experiment took. Fits 80 columns; colour only
 * when asked (the caller decides: a terminal, and no NO_COLOR).
 *
 * Widths are counted in characters, not bytes (µ and × are two bytes in
 * UTF-8), and colour codes are added after padding so they never shift a
 * column.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiments/catalog.h"
#include "core/units.h"
#include "report/report.h"
#include "report/view.h"
#include "util/i18n.h"
#include "util/xalloc.h"

/* The table needs this much: its four columns and a verdict of 17 columns. */
#define MIN_WIDTH 80
/* Wider than this, lines grow too long to read: the table stops there. */
#define MAX_WIDTH 160

/*
 * Takes the next line of at most width columns from *text, breaking at a
 * space where possible (a word longer than width is cut) and always at a
 * '\n'; advances *text past the break. Returns the byte length.
 */
static size_t next_line(const char **text, size_t width)
{
	const char *s = *text;
	size_t len = strlen(s), cut = 0, last_space = 0, cols = 0;
	while (cut < len && cols < width && s[cut] != '\n') {
		if (s[cut] == ' ')
			last_space = cut;
		cut++;
		while (cut < len && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut++;
		cols++;
	}
	if (cut < len && s[cut] != ' ' && s[cut] != '\n' && last_space > 0)
		cut = last_space;
	*text = s + cut;
	if (**text == '\n')
		(*text)++;
	else
		while (**text == ' ')
			(*text)++;
	return cut;
}

/* Writes s padded with spaces to width columns, on the left when right-aligned. */
static void put_padded(FILE *out, const char *s, size_t width, bool right)
{
	size_t cols = report_width(s, strlen(s));
	int pad = cols < width ? (int)(width - cols) : 0;
	if (right)
		fprintf(out, "%*s%s", pad, "", s);
	else
		fprintf(out, "%s%*s", s, pad, "");
}

/* Width of the claim column: two spaces and the longest claim id. */
#define COL_CLAIM 20
/* The narrowest side column: a figure's name and its value on one line. */
#define COL_SIDE 19

/* The columns of the seeds' table for a width: claim, process, thread, verdict. */
struct columns {
	size_t claim, side, verdict;
};

static struct columns columns_for(int width)
{
	struct columns c = { COL_CLAIM, COL_SIDE, 0 };
	size_t extra = (size_t)width - MIN_WIDTH;
	c.side += extra / 3;
	c.verdict = (size_t)width - c.claim - 2 * c.side - 3;
	return c;
}

/*
 * Prints cells side by side, each wrapped inside its width, the one at
 * `colored` (-1: none) in the verdict's colour, and advances cells[i] past
 * what it printed. The cell at `carry` (-1: none) does not hold the row
 * open: what is left of it goes on in the next row. Padding is held back
 * until something follows it, so no line ends in spaces.
 */
static void print_cells(FILE *out, const char **cells, const size_t *widths, size_t n, int colored,
			int carry, enum verdict_status status, const struct report_opts *o)
{
	for (size_t i = 0; i < n; i++)
		cells[i] = cells[i] ? cells[i] : "";
	for (;;) {
		bool any = false;
		for (size_t i = 0; i < n; i++)
			any = any || ((int)i != carry && *cells[i]);
		if (!any)
			break;
		size_t pending = 0;
		for (size_t i = 0; i < n; i++) {
			const char *start = cells[i];
			size_t len = next_line(&cells[i], widths[i]);
			if (len) {
				bool color = (int)i == colored && o->color;
				fprintf(out, "%*s", (int)pending, "");
				pending = 0;
				if (color)
					fputs(report_status_color(status), out);
				fprintf(out, "%.*s", (int)len, start);
				if (color)
					fputs("\033[0m", out);
			}
			pending += widths[i] - report_width(start, len) + 1;
		}
		fputc('\n', out);
	}
}

static void rule(FILE *out, int width)
{
	for (int i = 0; i < width; i++)
		fputc('-', out);
	fputc('\n', out);
}

/*
 * One claim's row of the table (report/view.h): its id, its two cells and
 * its verdict on one line where they fit. What the cells share goes first,
 * across both side columns; a ranking's fastest and slowest go across
 * them too, never under Process and Thread. The verdict runs on beside
 * both lines.
 */
static void print_view_row(FILE *out, const struct view_row *w, struct columns c,
			   const struct report_opts *o)
{
	char id[64], both[2 * VIEW_CELL + 4];
	snprintf(id, sizeof(id), "  %s", w->v->claim->id);
	size_t span = 2 * c.side + 1;
	enum verdict_status st = w->v->status;
	const char *verdict = w->headline;
	if (w->what[0]) {
		const char *head[] = { id, w->what, verdict };
		print_cells(out, head, (size_t[]){ c.claim, span, c.verdict }, 3, 2, 2, st, o);
		verdict = head[2];
	}
	const char *first = w->what[0] ? "" : id;
	if (w->shape == VIEW_RANKING) {
		/* Where the verdict is said, the ranking takes its column too. */
		snprintf(both, sizeof(both), _("fastest %s; slowest %s"), w->left, w->right);
		const char *cells[] = { first, both, verdict };
		size_t wide = *verdict ? span : span + 1 + c.verdict;
		print_cells(out, cells, (size_t[]){ c.claim, wide, c.verdict }, 3, 2, -1, st, o);
	} else {
		const char *cells[] = { first, w->left, w->right, verdict };
		print_cells(out, cells, (size_t[]){ c.claim, c.side, c.side, c.verdict }, 4, 3, -1,
			    st, o);
	}
}

static void print_table(FILE *out, const struct view *vw, const struct report_opts *o)
{
	struct columns c = columns_for(o->width);
	report_wrap(out, view_title(), 0, o->width);
	fputc('\n', out);
	struct report_opts plain = *o;
	plain.color = false;
	const char *head[] = { _("Claim"), _("Process"), _("Thread"), _("Verdict") };
	print_cells(out, head, (size_t[]){ c.claim, c.side, c.side, c.verdict }, 4, -1, -1,
		    V_NOT_MEASURED, &plain);
	rule(out, o->width);
	for (size_t i = 0; i < vw->n; i++) {
		const struct view_row *w = &vw->rows[i];
		if (w->first)
			fprintf(out, "%s\n",
				w->aspect == ASPECT_NONE ? _("Other claims")
							 : aspect_label(w->aspect));
		print_view_row(out, w, c, o);
	}
	fputc('\n', out);
}

/* A count sysinfo may not know (-1): the number, or "?". */
static const char *count_or_unknown(int n, char *buf, size_t size)
{
	if (n < 0)
		return "?";
	snprintf(buf, size, "%d", n);
	return buf;
}

/*
 * The machine and the run in three lines: what ptlab ran, on what, and
 * the facts a verdict's explanation reads (PCID, PTI, huge pages). The
 * timer and the null system call are in --details.
 */
static void print_header(FILE *out, const struct run *r, const struct report_opts *o)
{
	const struct sysinfo *e = &r->env;
	char buf[640];
	report_wrap(out, view_run_line(r, buf, sizeof(buf)), 0, o->width);
	report_wrap(out, view_machine_line(r, buf, sizeof(buf)), 0, o->width);
	char why[256];
	if (sysinfo_noisy(e, why, sizeof(why))) {
		snprintf(buf, sizeof(buf), _("Warning: %s."), i18n_decimal(why));
		report_wrap(out, buf, 0, o->width);
	}
	fputc('\n', out);
}

static void print_env(FILE *out, const struct run *r, const struct report_opts *o)
{
	const struct sysinfo *e = &r->env;
	char buf[640], res[32], ovh[32], load[32], cores[16], packages[16], kind[128], sys[32];
	const char *pti = e->pti == SYSINFO_YES ? _("on") : e->pti == SYSINFO_NO ? _("off") : "?";
	fprintf(out, "ptlab %s\n", r->ptlab_version ? r->ptlab_version : "?");
	snprintf(buf, sizeof(buf),
		 _("Machine: %s; CPUs online: %d, cores: %s, packages: %s; Linux %s; %s; PCID: "
		   "%s, INVPCID: %s, PTI: %s; transparent huge pages: %s."),
		 e->cpu_model[0] ? e->cpu_model : "?", e->cpus_online,
		 count_or_unknown(e->cores, cores, sizeof(cores)),
		 count_or_unknown(e->packages, packages, sizeof(packages)),
		 e->kernel[0] ? e->kernel : "?", report_fmt_machine_kind(e, kind, sizeof(kind)),
		 e->pcid ? _("yes") : _("no"), report_fmt_flag(e->invpcid), pti,
		 e->thp[0] ? e->thp : "?");
	report_wrap(out, buf, 0, o->width);
	if (e->loadavg1 >= 0)
		i18n_decimal((snprintf(load, sizeof(load), "%.2f", e->loadavg1), load));
	else
		snprintf(load, sizeof(load), "?");
	if (e->null_syscall_ns > 0 && isfinite(e->null_syscall_ns))
		units_format_ns(e->null_syscall_ns, sys, sizeof(sys));
	else
		snprintf(sys, sizeof(sys), "?");
	snprintf(buf, sizeof(buf),
		 _("Run: %s preset, seed %llu, CPUs %s, started %s; load average %s; timer %s per "
		   "read, %s step, clocksource %s; null system call %s."),
		 r->preset ? r->preset : "?", (unsigned long long)r->seed, view_cpus(r),
		 r->started ? r->started : "?", load,
		 units_format_ns(e->clock.overhead_ns, ovh, sizeof(ovh)),
		 units_format_ns((double)e->clock.resolution_ns, res, sizeof(res)),
		 e->clock.source[0] ? e->clock.source : "?", sys);
	report_wrap(out, buf, 0, o->width);
	char why[256];
	if (sysinfo_noisy(e, why, sizeof(why))) {
		snprintf(buf, sizeof(buf), _("Warning: %s."), i18n_decimal(why));
		report_wrap(out, buf, 0, o->width);
	}
	if (report_placement_note(r, buf, sizeof(buf)))
		report_wrap(out, buf, 0, o->width);
	fputc('\n', out);
}

/* ", 3 outliers", or nothing without outliers. */
static void print_outliers(FILE *out, size_t outliers)
{
	if (outliers)
		fprintf(out, ngettext(", %zu outlier", ", %zu outliers", outliers), outliers);
}

/*
 * A figure: median [CI] n=, outliers; and, on a line of its own, the
 * drift between its rounds when it exceeds the equivalence margin.
 */
/*
 * A figure's modes, when it has more than one (core/modes.h), on a line of
 * their own: "2 modes: 180 ns (55%), 470 ns (45%)", and whether they came
 * in stretches of time.
 */
static void print_modes(FILE *out, const char *unit, const struct modes *md, int indent, int width)
{
	char text[480];
	if (!report_fmt_modes(md, unit, text, sizeof(text)))
		return;
	report_wrap(out, text, indent, width);
	const char *stretches = report_modes_stretches(md);
	if (stretches)
		report_wrap(out, stretches, indent, width);
}

static void print_figure(FILE *out, const char *unit, const struct summary *sum, size_t n,
			 double round_spread, const struct modes *md, int indent, int width)
{
	char med[32], lo[32], hi[32];
	put_padded(out, report_fmt_value(sum->median, unit, med, sizeof(med)), 9, true);
	fprintf(out, " [%s, %s] n=%zu", report_fmt_value(sum->ci_lo, unit, lo, sizeof(lo)),
		report_fmt_value(sum->ci_hi, unit, hi, sizeof(hi)), n);
	print_outliers(out, sum->outliers);
	fputc('\n', out);
	if (round_spread > CLAIM_MARGIN) {
		char text[160];
		snprintf(text, sizeof(text),
			 _("its rounds differ by ×%.2f: the machine's state moved during the run"),
			 round_spread);
		report_wrap(out, i18n_decimal(text), indent, width);
	}
	print_modes(out, unit, md, indent, width);
}

static void print_side(FILE *out, const struct side *s, bool with_kind, int width)
{
	char label[64];
	if (s->kind && with_kind)
		snprintf(label, sizeof(label), "%s %s", s->label, s->kind);
	else
		snprintf(label, sizeof(label), "%s", s->label);
	fputs("  ", out);
	put_padded(out, label, 18, false);
	fputc(' ', out);
	print_figure(out, s->unit, &s->sum, s->sum.n, s->round_spread, s->m ? &s->m->modes : NULL,
		     21, width);
}

/* One bar of a terminal chart: its label and value. */
struct bar {
	const char *label;
	double value;
};

/*
 * Small Unicode bar charts: one line per bar, its length proportional to
 * its value (the largest fills BAR_CELLS cells, in eighths of a cell),
 * then the value. Only on a terminal and without --no-charts.
 */
#define BAR_CELLS 40
static void print_bars(FILE *out, const struct bar *b, size_t n, const char *unit)
{
	static const char *const eighths[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	double max = 0;
	for (size_t i = 0; i < n; i++)
		if (isfinite(b[i].value) && b[i].value > max)
			max = b[i].value;
	if (max <= 0)
		return;
	for (size_t i = 0; i < n; i++) {
		char val[32];
		long units = isfinite(b[i].value) && b[i].value > 0
				     ? lround(b[i].value / max * BAR_CELLS * 8)
				     : 0;
		fputs("  ", out);
		put_padded(out, b[i].label, 18, false);
		fputc(' ', out);
		for (long k = 0; k < units / 8; k++)
			fputs("█", out);
		fputs(eighths[units % 8], out);
		fprintf(out, "%*s %s\n", (int)(BAR_CELLS - units / 8 - (units % 8 != 0)), "",
			report_fmt_value(b[i].value, unit, val, sizeof(val)));
	}
}

/*
 * The other figures a ratio claim names for context (a ratio verdict rests
 * on two; its why text compares more), under the same conditions as its
 * process side.
 */
static void print_context(FILE *out, const struct claim *c, const struct run *r, bool with_kind,
			  int width)
{
	const struct exp_result *e = run_find_result(r, claim_experiment(c));
	bool first = true;
	for (const char *const *o = c->others; e && o && *o; o++) {
		const struct metric *m = exp_result_find_metric(e, *o, c->a.where);
		if (!m)
			continue;
		if (first)
			fprintf(out, "  %s\n", _("beside them, under the same conditions:"));
		first = false;
		const struct mparam *kind = metric_param(m, "kind");
		struct side s = { .label = m->name,
				  .kind = kind ? kind->str : NULL,
				  .unit = m->unit,
				  .sum = m->sum,
				  .round_spread = m->round_spread,
				  .set = true };
		print_side(out, &s, with_kind, width);
	}
}

/* A trend: each figure's slope per GiB, R², and its growth over the range. */
static void print_trend_lines(FILE *out, const struct verdict *v, int width)
{
	char head[512], r[24], lo[24], hi[24];
	for (size_t i = 0; i < v->n_lines; i++) {
		const struct trend_line *l = &v->lines[i];
		char slope[40], x0[32], x1[32];
		fputs("  ", out);
		put_padded(out, l->label, 16, false);
		snprintf(head, sizeof(head), _(" %s, R² %.2f\n"),
			 report_fmt_slope(l, slope, sizeof(slope)), l->fit.r2);
		fputs(i18n_decimal(head), out);
		snprintf(head, sizeof(head), _("%s → %s: ×%s [%s, %s]; growth: %s"),
			 units_format_bytes(l->x0, x0, sizeof(x0)),
			 units_format_bytes(l->x1, x1, sizeof(x1)),
			 report_fmt_ratio(l->growth.ratio, r, sizeof(r)),
			 report_fmt_ratio(l->growth.lo, lo, sizeof(lo)),
			 report_fmt_ratio(l->growth.hi, hi, sizeof(hi)),
			 verdict_status_label(l->grows));
		report_wrap(out, head, 19, width);
	}
}

/* A side net of its baseline: the figure, or "below the resolution". */
static const char *fmt_net(double net, double resolution, const char *unit, char *buf, size_t size)
{
	if (!isfinite(net))
		return "-";
	if (net <= resolution) {
		snprintf(buf, size, "%s", _("below the resolution"));
		return buf;
	}
	return report_fmt_value(net, unit, buf, size);
}

/* A ratio judged per condition: one line per value of it. */
static void print_ratio_lines(FILE *out, const struct verdict *v, int width)
{
	char head[512], r[24], lo[24], hi[24], x[32], a[32], b[32], na[48], nb[48];
	for (size_t i = 0; i < v->n_lines; i++) {
		const struct trend_line *l = &v->lines[i];
		const char *unit = v->a.unit;
		units_format_bytes(l->x0, x, sizeof(x));
		int n = snprintf(head, sizeof(head),
				 _("at %s: process %s, thread %s, ×%s [%s, %s] %s"), x,
				 report_fmt_value(l->a_median, unit, a, sizeof(a)),
				 report_fmt_value(l->b_median, unit, b, sizeof(b)),
				 report_fmt_ratio(l->growth.ratio, r, sizeof(r)),
				 report_fmt_ratio(l->growth.lo, lo, sizeof(lo)),
				 report_fmt_ratio(l->growth.hi, hi, sizeof(hi)),
				 verdict_status_label(l->grows));
		if (isfinite(l->a_net) && n > 0 && (size_t)n < sizeof(head))
			snprintf(head + n, sizeof(head) - (size_t)n,
				 _("; beyond the same work alone: process %s, thread %s"),
				 fmt_net(l->a_net, l->net_resolution, unit, na, sizeof(na)),
				 fmt_net(l->b_net, l->net_resolution, unit, nb, sizeof(nb)));
		report_wrap(out, head, 2, width);
	}
}

/*
 * A gap trend (switch.tlb): the process-thread gap at the smallest working
 * set (the fixed switch gap), its growth and slope, and the growth ratio
 * the verdict reads; then the lines at every size.
 */
static void print_gap(FILE *out, const struct verdict *v, int width)
{
	char head[512];
	for (int i = 0; i < 2; i++)
		report_wrap(out, report_gap_line(v, i, head, sizeof(head)), 2, width);
}

/*
 * A speed-up claim (par.speedup): each kind's speed-up against 1 and the
 * ideal, then the process/thread ratio at N as context.
 */
static void print_speedup(FILE *out, const struct verdict *v, int width)
{
	char head[512];
	for (size_t i = 0; v->n_lines && i <= v->n_lines; i++)
		report_wrap(out, report_speedup_line(v, i, head, sizeof(head)), 2, width);
}

/* A nuanced claim: each part with its figures and its own verdict. */
static void print_parts(FILE *out, const struct verdict *v, int width)
{
	char head[1024], r[24], lo[24], hi[24], a[32], b[32];
	for (size_t i = 0; i < v->n_lines; i++) {
		const struct trend_line *l = &v->lines[i];
		if (l->part && l->part->fact_obs) {
			report_wrap(out, verdict_fact_line_text(v, l, head, sizeof(head)), 2,
				    width);
			continue;
		}
		snprintf(head, sizeof(head), _("%s: %s against %s, ×%s [%s, %s] %s"), _(l->label),
			 report_fmt_value(l->a_median, l->unit ? l->unit : "ns", a, sizeof(a)),
			 report_fmt_value(l->b_median, l->unit ? l->unit : "ns", b, sizeof(b)),
			 report_fmt_ratio(l->growth.ratio, r, sizeof(r)),
			 report_fmt_ratio(l->growth.lo, lo, sizeof(lo)),
			 report_fmt_ratio(l->growth.hi, hi, sizeof(hi)),
			 verdict_status_label(l->grows));
		report_wrap(out, head, 2, width);
	}
}

/* Each question's own verdict, then each gap's attribution to the address-space switch. */
static void print_questions_attributions(FILE *out, const struct verdict *v, int width)
{
	char line[1024];
	for (size_t i = 0; i < v->n_questions; i++)
		report_wrap(out, verdict_question_text(&v->questions[i], line, sizeof(line)), 2,
			    width);
	for (size_t i = 0; i < v->n_attributions; i++)
		report_wrap(out, verdict_attribution_text(&v->attributions[i], line, sizeof(line)),
			    2, width);
}

/*
 * A table claim: every figure its conditions select, fastest first; then,
 * for each mechanism that streamed the largest size, its rate as a share
 * of the claim's ceiling of that size, the copy of a buffer from one CPU
 * to the other (100%: the ceiling), with memcpy on one CPU beside it.
 */
static void print_ranking(FILE *out, const struct claim *c, const struct run *r, int width,
			  bool charts)
{
	const struct exp_result *e = run_find_result(r, claim_experiment(c));
	if (!e)
		return;
	size_t n;
	const struct metric **rank = view_ranking(c, e, &n);
	for (size_t i = 0; i < n; i++) {
		char label[48];
		snprintf(label, sizeof(label), "%s", rank[i]->name);
		for (const char *const *x = c->exclude; x && *x; x++)
			if (strcmp(*x, rank[i]->name) == 0)
				snprintf(label, sizeof(label), _("%s (spins)"), rank[i]->name);
		struct side s = { .label = label,
				  .unit = rank[i]->unit,
				  .sum = rank[i]->sum,
				  .round_spread = rank[i]->round_spread,
				  .set = true };
		print_side(out, &s, false, width);
	}
	if (charts && n) {
		struct bar *b = xcalloc(n, sizeof(*b));
		for (size_t i = 0; i < n; i++)
			b[i] = (struct bar){ rank[i]->name, rank[i]->sum.median };
		print_bars(out, b, n, rank[0]->unit);
		free(b);
	}
	/*
	 * Streams of the largest size against the claim's ceiling of that size
	 * (the copy from one CPU to the other), memcpy on one CPU beside it.
	 */
	int64_t largest = 0;
	const struct metric *copy = NULL, *one = NULL;
	for (size_t i = 0; c->ceiling && i < e->n_metrics; i++) {
		const struct mparam *b = metric_param(&e->metrics[i], "bytes");
		if (strcmp(e->metrics[i].name, c->ceiling) == 0 && b && b->num >= largest) {
			largest = b->num;
			copy = &e->metrics[i];
		}
	}
	for (size_t i = 0; copy && i < e->n_metrics; i++) {
		const struct mparam *b = metric_param(&e->metrics[i], "bytes");
		if (strcmp(e->metrics[i].name, "memcpy") == 0 && b && b->num == largest)
			one = &e->metrics[i];
	}
	if (copy) {
		char bytes[32], head[256], bw[32], bw1[32];
		units_format_bytes((double)largest, bytes, sizeof(bytes));
		units_format_bytes((double)largest / (copy->sum.median * 1e-9), bw, sizeof(bw));
		if (one) {
			units_format_bytes((double)largest / (one->sum.median * 1e-9), bw1,
					   sizeof(bw1));
			snprintf(head, sizeof(head),
				 _("streams of %s messages as a share of the copy from one CPU to "
				   "the other (%s/s; memcpy on one CPU: %s/s):"),
				 bytes, bw, bw1);
		} else {
			snprintf(head, sizeof(head),
				 _("streams of %s messages as a share of the copy from one CPU to "
				   "the other (%s/s):"),
				 bytes, bw);
		}
		report_wrap(out, head, 2, width);
		for (size_t i = 0; i < e->n_metrics; i++) {
			const struct metric *m = &e->metrics[i];
			const struct mparam *b = metric_param(m, "bytes");
			const struct mparam *kind = metric_param(m, "kind");
			const struct mparam *meas = metric_param(m, "measure");
			if (!b || b->num != largest || !kind || !meas ||
			    strcmp(meas->str, "bandwidth") != 0)
				continue;
			bool threads = strcmp(kind->str, "thread") == 0;
			units_format_bytes((double)largest / (m->sum.median * 1e-9), bw,
					   sizeof(bw));
			snprintf(head, sizeof(head),
				 threads ? _("%s between threads: %s/s, %.0f%% of the cross-CPU "
					     "copy")
					 : _("%s between processes: %s/s, %.0f%% of the cross-CPU "
					     "copy"),
				 m->name, bw, 100.0 * copy->sum.median / m->sum.median);
			report_wrap(out, head, 4, width);
		}
	}
	free(rank);
}

/* A fact's evidence: the observations its claim names. */
static void print_evidence(FILE *out, const struct claim *c, const struct run *r, int width)
{
	const struct exp_result *e = run_find_result(r, claim_experiment(c));
	char line[1024], value[900];
	for (const char *const *o = c->others; e && o && *o; o++) {
		const struct ev_msg *m = exp_result_obs(e, *o);
		if (!m)
			continue;
		snprintf(line, sizeof(line), "%s: %s", *o,
			 catalog_phrase(e->name, m, value, sizeof(value)));
		report_wrap(out, line, 2, width);
	}
}

/*
 * The paragraphs this run's evidence chose (claims/mechanism.h), read as
 * one: "Why: " and each paragraph after the other.
 */
static void print_why(FILE *out, const struct verdict *v, int width)
{
	if (v->n_mechanisms == 0)
		return;
	size_t len = 1;
	for (size_t i = 0; i < v->n_mechanisms; i++)
		len += strlen(_(v->mechanisms[i].m->text)) + 1;
	char *all = xcalloc(len, 1);
	for (size_t i = 0; i < v->n_mechanisms; i++) {
		if (i)
			strcat(all, " ");
		strcat(all, _(v->mechanisms[i].m->text));
	}
	char *why = xasprintf(_("Why: %s"), all);
	report_wrap(out, why, 2, width);
	free(why);
	free(all);
}

static void print_claim(FILE *out, const struct run *run, const struct view_row *w,
			const struct report_opts *o)
{
	const struct verdict *v = w->v;
	const struct claim *c = v->claim;
	char head[512];
	snprintf(head, sizeof(head), "%s — %s", c->id, _(c->text));
	report_wrap(out, head, 0, o->width);
	/* Each question's verdict follows the parts, on a line of its own. */
	const char *vcell = v->n_questions ? verdict_status_label(v->status) : w->headline;
	fprintf(out, _("  seeds: %s; kind: %s; verdict: "), c->seeds, claim_kind_name(c->kind));
	if (o->color)
		fprintf(out, "%s%s\033[0m\n", report_status_color(v->status), vcell);
	else
		fprintf(out, "%s\n", vcell);
	if (v->reason[0]) {
		snprintf(head, sizeof(head), _("Reason: %s"), v->reason);
		report_wrap(out, head, 2, o->width);
	}
	char r[24], lo[24], hi[24];
	if (c->kind == CLAIM_RATIO && v->a.set && !c->speedup) {
		/* Two figures of one name are told apart by their kind. */
		bool with_kind = strcmp(v->a.label, v->b.label) == 0;
		print_side(out, &v->a, with_kind, o->width);
		print_side(out, &v->b, with_kind, o->width);
		double drift = v->a.round_spread > v->b.round_spread ? v->a.round_spread
								     : v->b.round_spread;
		if (drift >= 1.005)
			snprintf(head, sizeof(head),
				 _("ratio ×%s [%s, %s] (95%% CI, bootstrap, widened ×%.2f for the "
				   "drift between rounds)"),
				 report_fmt_ratio(v->ratio.ratio, r, sizeof(r)),
				 report_fmt_ratio(v->ratio.lo, lo, sizeof(lo)),
				 report_fmt_ratio(v->ratio.hi, hi, sizeof(hi)), drift);
		else
			snprintf(head, sizeof(head), _("ratio ×%s [%s, %s] (95%% CI, bootstrap)"),
				 report_fmt_ratio(v->ratio.ratio, r, sizeof(r)),
				 report_fmt_ratio(v->ratio.lo, lo, sizeof(lo)),
				 report_fmt_ratio(v->ratio.hi, hi, sizeof(hi)));
		report_wrap(out, i18n_decimal(head), 2, o->width);
		snprintf(head, sizeof(head), _("holds from ×%.2f, negligible within ×%.2f"),
			 v->threshold, v->margin);
		report_wrap(out, i18n_decimal(head), 2, o->width);
		print_context(out, c, run, with_kind, o->width);
		if (o->charts) {
			char la[64], lb[64];
			snprintf(la, sizeof(la), "%s%s%s", v->a.label, with_kind ? " " : "",
				 with_kind && v->a.kind ? v->a.kind : "");
			snprintf(lb, sizeof(lb), "%s%s%s", v->b.label, with_kind ? " " : "",
				 with_kind && v->b.kind ? v->b.kind : "");
			struct bar b[] = { { la, v->a.sum.median }, { lb, v->b.sum.median } };
			print_bars(out, b, 2, v->a.unit);
		}
	}
	if (c->speedup) {
		print_speedup(out, v, o->width);
	} else if (v->gap.set) {
		print_gap(out, v, o->width);
		print_ratio_lines(out, v, o->width);
	} else if (c->kind == CLAIM_TREND && c->baseline) {
		print_ratio_lines(out, v, o->width);
	} else if (c->kind == CLAIM_TREND)
		print_trend_lines(out, v, o->width);
	else if (c->parts)
		print_parts(out, v, o->width);
	else if (c->kind == CLAIM_RATIO)
		print_ratio_lines(out, v, o->width);
	else if (c->kind == CLAIM_TABLE && v->a.set)
		print_ranking(out, c, run, o->width, o->charts);
	print_questions_attributions(out, v, o->width);
	if (c->fact_obs || c->parts)
		print_evidence(out, c, run, o->width);
	print_why(out, v, o->width);
	fputc('\n', out);
}

/*
 * The conditions of a metric, "key=value, key=value" (kind omitted: the
 * name says it), wrapped after `indent` spaces between conditions only, so
 * that "1.00 MiB" is never split from its unit.
 */
static void print_conditions(FILE *out, const struct metric *m, int indent, int width)
{
	int col = 0;
	for (size_t i = 0; i < m->n_params; i++) {
		const struct mparam *p = &m->params[i];
		char val[32], item[160];
		const char *text = p->str;
		if (strcmp(p->key, "kind") == 0)
			continue;
		if (p->is_num && strstr(p->key, "bytes")) {
			units_format_bytes((double)p->num, val, sizeof(val));
			text = val;
		}
		snprintf(item, sizeof(item), "%s=%s", p->key, text);
		int cols = (int)report_width(item, strlen(item));
		if (col == 0) {
			col = fprintf(out, "%*s%s", indent, "", item) > 0 ? indent + cols : indent;
		} else if (col + 2 + cols > width) {
			fprintf(out, ",\n%*s%s", indent, "", item);
			col = indent + cols;
		} else {
			fprintf(out, ", %s", item);
			col += 2 + cols;
		}
	}
	if (col)
		fputc('\n', out);
}

/* Whether two metrics were taken under the same conditions (the unit kind aside). */
static bool same_conditions(const struct metric *a, const struct metric *b)
{
	if (a->n_params != b->n_params)
		return false;
	for (size_t i = 0; i < a->n_params; i++) {
		if (strcmp(a->params[i].key, b->params[i].key) != 0)
			return false;
		if (strcmp(a->params[i].key, "kind") != 0 &&
		    strcmp(a->params[i].str, b->params[i].str) != 0)
			return false;
	}
	return true;
}

static void print_result(FILE *out, const struct exp_result *e, const struct report_opts *o)
{
	char line[512], took[32];
	if (e->duration_ns)
		snprintf(line, sizeof(line), _("Experiment %s: %s after %s"), e->name,
			 outcome_label(e->outcome),
			 units_format_ns((double)e->duration_ns, took, sizeof(took)));
	else
		snprintf(line, sizeof(line), _("Experiment %s: %s"), e->name,
			 outcome_label(e->outcome));
	char text[1024];
	if (!ev_msg_empty(&e->reason)) {
		size_t used = strlen(line);
		snprintf(line + used, sizeof(line) - used, " (%s)",
			 catalog_phrase(e->name, &e->reason, text, sizeof(text)));
	}
	report_wrap(out, line, 0, o->width);
	/* Figures taken under the same conditions share one heading. */
	for (size_t i = 0; i < e->n_metrics; i++) {
		const struct metric *m = &e->metrics[i];
		if (i == 0 || !same_conditions(m, &e->metrics[i - 1]))
			print_conditions(out, m, 2, o->width);
		fputs("    ", out);
		char label[64];
		view_metric_label(e, m, label, sizeof(label));
		put_padded(out, label, 15, false);
		fputc(' ', out);
		print_figure(out, m->unit, &m->sum, m->n, m->round_spread, &m->modes, 20, o->width);
	}
	for (size_t i = 0; i < e->n_obs; i++) {
		snprintf(line, sizeof(line), _("observed %s: %s"), e->obs[i].name,
			 catalog_phrase(e->name, &e->obs[i].msg, text, sizeof(text)));
		report_wrap(out, line, 2, o->width);
	}
	for (size_t i = 0; i < e->n_skips; i++) {
		snprintf(line, sizeof(line), _("skipped %s: %s"), e->skips[i].what,
			 catalog_phrase(e->name, &e->skips[i].reason, text, sizeof(text)));
		report_wrap(out, line, 2, o->width);
	}
	fputc('\n', out);
}

/* How to read a verdict, in short, and where the rest is. */
static void print_legend(FILE *out, const struct report_opts *o)
{
	report_wrap(out, view_legend(), 0, o->width);
	report_wrap(out,
		    _("More: --details (each claim's figures, intervals, reason and mechanism), "
		      "--figures (every figure), --html FILE (charts), ptlab explain CLAIM."),
		    0, o->width);
}

static int text_render(FILE *out, const struct run *r, const struct verdict *v,
		       const struct report_opts *opts)
{
	struct report_opts clamped = *opts;
	if (clamped.width < MIN_WIDTH)
		clamped.width = MIN_WIDTH;
	if (clamped.width > MAX_WIDTH)
		clamped.width = MAX_WIDTH;
	const struct report_opts *o = &clamped;
	struct view vw;
	view_build(&vw, r, v);
	if (o->details)
		print_env(out, r, o);
	else
		print_header(out, r, o);
	print_table(out, &vw, o);
	if (!o->details && !o->figures) {
		print_legend(out, o);
		view_free(&vw);
		return ferror(out) ? -EIO : 0;
	}
	/* A block for every claim whose experiment is in this run; the table has the rest. */
	for (size_t i = 0; o->details && i < vw.n; i++)
		if (vw.rows[i].measured)
			print_claim(out, r, &vw.rows[i], o);
	for (size_t i = 0; o->figures && i < r->n_results; i++)
		print_result(out, &r->results[i], o);
	view_free(&vw);
	report_wrap(
		out,
		/* xgettext:no-c-format */
		_("Reading a verdict: holds / reversed when the whole 95% confidence interval of "
		  "the ratio lies beyond the equivalence margin E and the ratio clears the "
		  "threshold T ((small) when it does not); negligible when the whole interval "
		  "lies inside E; inconclusive when it reaches across E, or rests on fewer than "
		  "10 samples or 3 sizes (the reason says what would settle it: --full, more "
		  "samples, a quieter machine). 'ptlab explain CLAIM' tells the method and the "
		  "mechanism."),
		0, o->width);
	return ferror(out) ? -EIO : 0;
}

const struct renderer render_text = { "text", text_render };
