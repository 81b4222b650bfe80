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

#include "core/units.h"
#include "report/report.h"
#include "util/i18n.h"
#include "util/xalloc.h"

#define COL_ASPECT 13
#define COL_SIDE 14
#define COL_CLAIM 18

/* Display width of a UTF-8 string: one column per code point. */
static size_t width_of(const char *s, size_t bytes)
{
	size_t w = 0;
	for (size_t i = 0; i < bytes && s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static const char *color_of(enum verdict_status s)
{
	switch (s) {
	case V_HOLDS:
		return "\033[32m";
	case V_HOLDS_SMALL:
	case V_REVERSED_SMALL:
	case V_INCONCLUSIVE:
		return "\033[33m";
	case V_NEGLIGIBLE:
		return "\033[36m";
	case V_REVERSED:
		return "\033[35m";
	case V_OBSERVED:
	case V_NOT_OBSERVED:
		return "\033[1m";
	default:
		return "\033[2m";
	}
}

/*
 * Takes the next line of at most width columns from *text, breaking at a
 * space where possible; advances *text past it. Returns the byte length.
 */
static size_t next_line(const char **text, size_t width)
{
	const char *s = *text;
	size_t len = strlen(s), cut = 0, last_space = 0, cols = 0;
	while (cut < len && cols < width) {
		if (s[cut] == ' ')
			last_space = cut;
		cut++;
		while (cut < len && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut++;
		cols++;
	}
	if (cut < len && s[cut] != ' ' && last_space > 0)
		cut = last_space;
	*text = s + cut;
	while (**text == ' ')
		(*text)++;
	return cut;
}

/* Writes text wrapped to width, every line after `indent` spaces. */
static void wrap(FILE *out, const char *text, int indent, int width)
{
	while (*text) {
		const char *start = text;
		size_t n = next_line(&text, (size_t)(width - indent));
		fprintf(out, "%*s%.*s\n", indent, "", (int)n, start);
		if (n == 0)
			break;
	}
}

/* The cells of one table row; each wraps inside its column. */
struct row {
	const char *cell[5];
	enum verdict_status status;
};

static void print_row(FILE *out, const struct row *r, const struct report_opts *o)
{
	static const size_t widths[5] = { COL_ASPECT, COL_SIDE, COL_SIDE, COL_CLAIM, 0 };
	const char *rest[5];
	size_t w[5];
	for (int i = 0; i < 5; i++) {
		rest[i] = r->cell[i] ? r->cell[i] : "";
		w[i] = widths[i];
	}
	w[4] = (size_t)o->width - (COL_ASPECT + 2 * COL_SIDE + COL_CLAIM + 4);
	for (;;) {
		bool any = false;
		for (int i = 0; i < 5; i++)
			any = any || *rest[i];
		if (!any)
			break;
		for (int i = 0; i < 5; i++) {
			const char *start = rest[i];
			size_t n = next_line(&rest[i], w[i]);
			size_t cols = width_of(start, n);
			bool colored = i == 4 && o->color && n;
			if (colored)
				fputs(color_of(r->status), out);
			fprintf(out, "%.*s", (int)n, start);
			if (colored)
				fputs("\033[0m", out);
			if (i < 4)
				fprintf(out, "%*s", (int)(w[i] - cols + 1), "");
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

static char *fmt_value(double v, const char *unit, char *buf, size_t size)
{
	if (unit && strcmp(unit, "ns") == 0)
		return units_format_ns(v, buf, size);
	if (unit && strcmp(unit, "bytes") == 0)
		return units_format_bytes(v, buf, size);
	snprintf(buf, size, "%.3g %s", v, unit ? unit : "");
	return buf;
}

/* A trend slope in the y unit per GiB of x ("+1.23 ms/GiB"). */
static char *fmt_slope(const struct trend_line *l, char *buf, size_t size)
{
	char v[24];
	double per_gib = l->fit.slope * 1073741824.0;
	units_format_ns(fabs(per_gib), v, sizeof(v));
	snprintf(buf, size, "%s%s/GiB", per_gib < 0 ? "-" : "+", v);
	return buf;
}

/* The verdict cell: status plus its headline number. */
static void verdict_cell(const struct verdict *v, char *buf, size_t size)
{
	if (v->claim->kind == CLAIM_RATIO && v->a.set && isfinite(v->ratio.ratio))
		snprintf(buf, size, "%s ×%.2f", verdict_status_label(v->status), v->ratio.ratio);
	else
		snprintf(buf, size, "%s", verdict_status_label(v->status));
}

static void side_cell(const struct verdict *v, const struct side *s, const struct trend_line *l,
		      const char *says, char *buf, size_t size)
{
	char val[48];
	if (l) {
		fmt_slope(l, val, sizeof(val));
		snprintf(buf, size, "%s %s", l->label, val);
	} else if (s->set && s->unit) {
		fmt_value(s->sum.median, s->unit, val, sizeof(val));
		snprintf(buf, size, "%s %s", s->label, val);
	} else {
		snprintf(buf, size, "%s", says ? _(says) : "");
	}
	(void)v;
}

static void print_table(FILE *out, const struct verdict *v, size_t n, const struct report_opts *o)
{
	struct row head = { { _("Aspect"), _("Process"), _("Thread"), _("Claim"), _("Verdict") },
			    V_NOT_MEASURED };
	fprintf(out, "%s\n\n", _("The seeds' comparison, measured on this machine"));
	struct report_opts plain = *o;
	plain.color = false;
	print_row(out, &head, &plain);
	rule(out, o->width);
	for (int a = ASPECT_DEFINITION; a < ASPECT_COUNT; a++) {
		bool first = true;
		for (size_t i = 0; i < n; i++) {
			const struct verdict *vi = &v[i];
			if ((int)vi->claim->aspect != a)
				continue;
			char pcell[96], tcell[96], vcell[64];
			bool trend = vi->n_lines >= 2;
			side_cell(vi, &vi->a, trend ? &vi->lines[0] : NULL, vi->claim->process_says,
				  pcell, sizeof(pcell));
			side_cell(vi, &vi->b, trend ? &vi->lines[1] : NULL, vi->claim->thread_says,
				  tcell, sizeof(tcell));
			verdict_cell(vi, vcell, sizeof(vcell));
			struct row r = { { first ? aspect_label((enum aspect)a) : "", pcell, tcell,
					   vi->claim->id, vcell },
					 vi->status };
			print_row(out, &r, o);
			first = false;
		}
	}
	fputc('\n', out);
}

static void print_env(FILE *out, const struct run *r, const struct report_opts *o)
{
	const struct sysinfo *e = &r->env;
	char buf[512], res[32], ovh[32];
	fprintf(out, "ptlab %s\n", r->ptlab_version ? r->ptlab_version : "?");
	snprintf(buf, sizeof(buf),
		 _("Machine: %s; CPUs online: %d, cores: %d, packages: %d; Linux %s; %s%s%s%s; "
		   "PCID: %s; transparent huge pages: %s."),
		 e->cpu_model[0] ? e->cpu_model : "?", e->cpus_online, e->cores, e->packages,
		 e->kernel, e->virtualized ? _("virtual machine") : _("bare metal"),
		 e->hypervisor[0] ? " (" : "", e->hypervisor, e->hypervisor[0] ? ")" : "",
		 e->pcid ? _("yes") : _("no"), e->thp[0] ? e->thp : "?");
	wrap(out, buf, 0, o->width);
	snprintf(buf, sizeof(buf),
		 _("Run: %s preset, seed %llu, CPUs %s, started %s; load average %.2f; timer %s per "
		   "read, %s step (%s)."),
		 r->preset, (unsigned long long)r->seed, r->cpus ? r->cpus : "all",
		 r->started ? r->started : "?", e->loadavg1,
		 units_format_ns(e->clock.overhead_ns, ovh, sizeof(ovh)),
		 units_format_ns((double)e->clock.resolution_ns, res, sizeof(res)),
		 e->clock.source[0] ? e->clock.source : "?");
	wrap(out, buf, 0, o->width);
	char why[256];
	if (sysinfo_noisy(e, why, sizeof(why))) {
		snprintf(buf, sizeof(buf), _("Warning: %s."), why);
		wrap(out, buf, 0, o->width);
	}
	fputc('\n', out);
}

static void print_side(FILE *out, const struct side *s)
{
	char med[32], lo[32], hi[32];
	fprintf(out, "  %-16s %s [%s, %s]  n=%zu", s->label,
		fmt_value(s->sum.median, s->unit, med, sizeof(med)),
		fmt_value(s->sum.ci_lo, s->unit, lo, sizeof(lo)),
		fmt_value(s->sum.ci_hi, s->unit, hi, sizeof(hi)), s->sum.n);
	if (s->sum.outliers)
		fprintf(out, _(", %zu outliers"), s->sum.outliers);
	fputc('\n', out);
}

static void print_claim(FILE *out, const struct verdict *v, const struct report_opts *o)
{
	const struct claim *c = v->claim;
	char head[512], vcell[64];
	snprintf(head, sizeof(head), "%s — %s", c->id, _(c->text));
	wrap(out, head, 0, o->width);
	verdict_cell(v, vcell, sizeof(vcell));
	fprintf(out, _("  seeds: %s; kind: %s; verdict: "), c->seeds, claim_kind_name(c->kind));
	if (o->color)
		fprintf(out, "%s%s\033[0m\n", color_of(v->status), vcell);
	else
		fprintf(out, "%s\n", vcell);
	if (v->reason[0]) {
		snprintf(head, sizeof(head), _("Reason: %s"), v->reason);
		wrap(out, head, 2, o->width);
	}
	if (c->kind == CLAIM_RATIO && v->a.set) {
		print_side(out, &v->a);
		print_side(out, &v->b);
		fprintf(out, _("  ratio %.3g [%.3g, %.3g] (95%% CI, bootstrap); holds from %.2f, "
			       "negligible within %.2f\n"),
			v->ratio.ratio, v->ratio.lo, v->ratio.hi, v->threshold, v->margin);
	}
	for (size_t i = 0; i < v->n_lines; i++) {
		const struct trend_line *l = &v->lines[i];
		char slope[40], x0[32], x1[32];
		fprintf(out, _("  %-16s %s, R² %.2f; %s → %s: ×%.2f [%.2f, %.2f] (%s)\n"), l->label,
			fmt_slope(l, slope, sizeof(slope)), l->fit.r2,
			units_format_bytes(l->x0, x0, sizeof(x0)),
			units_format_bytes(l->x1, x1, sizeof(x1)), l->growth.ratio, l->growth.lo,
			l->growth.hi, verdict_status_label(l->grows));
	}
	if (c->why) {
		char *long_why = xasprintf(_("Why: %s"), _(c->why));
		wrap(out, long_why, 2, o->width);
		free(long_why);
	}
	fputc('\n', out);
}

/* The conditions of a metric, as "key=value, key=value" (kind omitted: it is in the name). */
static void conditions(const struct metric *m, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < m->n_params && used < size; i++) {
		const struct mparam *p = &m->params[i];
		char val[32];
		const char *text = p->str;
		if (p->is_num && strstr(p->key, "bytes")) {
			units_format_bytes((double)p->num, val, sizeof(val));
			text = val;
		}
		if (strcmp(p->key, "kind") == 0)
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s=%s", used ? ", " : "",
					 p->key, text);
	}
}

static void print_result(FILE *out, const struct exp_result *e, const struct report_opts *o)
{
	char line[512];
	snprintf(line, sizeof(line), _("Experiment %s: %s"), e->name, outcome_name(e->outcome));
	fprintf(out, "%s", line);
	if (e->reason)
		fprintf(out, " (%s)", e->reason);
	fputc('\n', out);
	for (size_t i = 0; i < e->n_metrics; i++) {
		const struct metric *m = &e->metrics[i];
		char med[32], lo[32], hi[32], cond[256];
		conditions(m, cond, sizeof(cond));
		fprintf(out, "  %-15s %9s [%s, %s] n=%zu", m->name,
			fmt_value(m->sum.median, m->unit, med, sizeof(med)),
			fmt_value(m->sum.ci_lo, m->unit, lo, sizeof(lo)),
			fmt_value(m->sum.ci_hi, m->unit, hi, sizeof(hi)), m->n);
		if (m->sum.outliers)
			fprintf(out, _(", %zu outliers"), m->sum.outliers);
		fputc('\n', out);
		wrap(out, cond, 18, o->width);
	}
	for (size_t i = 0; i < e->n_skips; i++) {
		snprintf(line, sizeof(line), _("skipped %s: %s"), e->skips[i].what, e->skips[i].reason);
		wrap(out, line, 2, o->width);
	}
	fputc('\n', out);
}

static int text_render(FILE *out, const struct run *r, const struct verdict *v,
		       const struct report_opts *o)
{
	size_t n = claims_count();
	print_env(out, r, o);
	print_table(out, v, n, o);
	for (size_t i = 0; i < n; i++)
		if (v[i].status != V_NOT_MEASURED)
			print_claim(out, &v[i], o);
	for (size_t i = 0; i < r->n_results; i++)
		print_result(out, &r->results[i], o);
	wrap(out,
	     _("Reading a verdict: holds / reversed when the 95% confidence interval of the ratio "
	       "clears the threshold T; negligible when it lies inside the equivalence margin E; "
	       "(small) when it excludes 1 but the effect is below T; inconclusive otherwise "
	       "(try --full or a quieter machine). 'ptlab explain CLAIM' tells the method and the "
	       "mechanism."),
	     0, o->width);
	return ferror(out) ? -EIO : 0;
}

const struct renderer render_text = { "text", text_render };
