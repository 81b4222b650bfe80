// SPDX-License-Identifier: MIT
/*
 * fmt: the numbers every renderer for people prints, formatted one way:
 * a value in its unit, a ratio, a trend's slope; the machine's kind and
 * its yes/no facts; and the display width and the terminal colour of a
 * verdict they share. The terminal report, the
 * HTML page and the comparison share these, so a figure reads the same
 * everywhere.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "claims/claims.h"
#include "core/units.h"
#include "report/report.h"
#include "util/i18n.h"

/*
 * The noun of a count or a rate in unit (a figure's JSON unit name), for
 * people and in the plural its number n asks for; NULL for a unit without
 * a word of its own ("count"), printed bare.
 */
static const char *unit_noun(const char *unit, unsigned long n)
{
	if (strcmp(unit, "requests/s") == 0)
		/* TRANSLATORS: a rate's unit after its number: "12.3k requests/s". */
		return _("requests/s");
	if (strcmp(unit, "requests") == 0)
		return ngettext("request", "requests", n);
	if (strcmp(unit, "tasks") == 0)
		/* TRANSLATORS: processes and threads, as the scheduler counts them. */
		return ngettext("task", "tasks", n);
	if (strcmp(unit, "count") == 0 || !unit[0])
		return NULL;
	return unit;
}

char *report_fmt_value(double v, const char *unit, char *buf, size_t size)
{
	if (unit && strcmp(unit, "ns") == 0)
		return units_format_ns(v, buf, size);
	if (unit && strcmp(unit, "bytes") == 0)
		return units_format_bytes(v, buf, size);
	if (!isfinite(v)) {
		snprintf(buf, size, "%s", _("n/a"));
		return buf;
	}
	/* Counts and rates: "12.3k requests/s", never an exponent. */
	static const char prefixes[] = " kMG";
	char num[32];
	int p = 0;
	while (fabs(v) >= 999.5 && p < 3) /* 999.7 is "1k", not "1e+03" */
		v /= 1000, p++;
	if (p)
		snprintf(num, sizeof(num), "%.3g%c", v, prefixes[p]);
	else
		snprintf(num, sizeof(num), "%.3g", v);
	i18n_decimal(num);
	/* The plural of the number shown: "1 request", "0 requests", "1.5k requests". */
	unsigned long n = !p && v == floor(v) ? (unsigned long)fabs(v) : 2;
	const char *noun = unit_noun(unit ? unit : "", n);
	if (noun)
		snprintf(buf, size, "%s %s", num, noun);
	else
		snprintf(buf, size, "%s", num);
	return buf;
}

/* True when one name starts the other, ignoring case: "Xen" and "Xen HVM" agree. */
static bool same_hypervisor(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	return strncasecmp(a, b, na < nb ? na : nb) == 0;
}

char *report_fmt_machine_kind(const struct sysinfo *e, char *buf, size_t size)
{
	char cpuid[sizeof(e->hypervisor_cpuid) + 1] = "", kernel[sizeof(e->hypervisor_kernel) + 1];
	char name[sizeof(e->hypervisor) + 1];
	/* Fixed buffers read from a file: never trust their NUL. */
	snprintf(kernel, sizeof(kernel), "%.*s", (int)sizeof(e->hypervisor_kernel),
		 e->hypervisor_kernel);
	snprintf(name, sizeof(name), "%.*s", (int)sizeof(e->hypervisor), e->hypervisor);
	if (e->hypervisor_cpuid[0]) {
		char sig[sizeof(e->hypervisor_cpuid) + 1];
		snprintf(sig, sizeof(sig), "%.*s", (int)sizeof(e->hypervisor_cpuid),
			 e->hypervisor_cpuid);
		sysinfo_hypervisor_name(sig, cpuid, sizeof(cpuid));
	}
	if (!name[0])
		snprintf(name, sizeof(name), "%s", kernel[0] ? kernel : cpuid);
	if (!e->virtualized && !name[0])
		snprintf(buf, size, "%s", _("bare metal"));
	else if (cpuid[0] && kernel[0] && !same_hypervisor(cpuid, kernel))
		snprintf(buf, size, _("virtual machine (CPUID: %s, kernel: %s)"), cpuid, kernel);
	else if (cpuid[0] && kernel[0])
		/* The two agree: the longer says more ("Xen HVM"). */
		snprintf(buf, size, _("virtual machine (%s)"),
			 strlen(kernel) > strlen(cpuid) ? kernel : cpuid);
	else if (name[0])
		snprintf(buf, size, _("virtual machine (%s)"), name);
	else
		snprintf(buf, size, "%s", _("virtual machine"));
	return buf;
}

const char *report_fmt_flag(enum sysinfo_flag f)
{
	switch (f) {
	case SYSINFO_YES:
		return _("yes");
	case SYSINFO_NO:
		return _("no");
	case SYSINFO_UNKNOWN:
		break;
	}
	return "?";
}

char *report_fmt_modes(const struct modes *md, const char *unit, char *buf, size_t size)
{
	if (!md || md->count < 2)
		return NULL;
	char list[320];
	size_t len = 0;
	list[0] = '\0';
	for (size_t k = 0; k < md->count && len < sizeof(list); k++) {
		char val[32];
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s (%.0f%%)",
					k ? ", " : "",
					report_fmt_value(md->m[k].median, unit, val, sizeof(val)),
					100.0 * md->m[k].share);
	}
	snprintf(buf, size, ngettext("%zu mode: %s", "%zu modes: %s", md->count), md->count, list);
	return buf;
}

const char *report_modes_stretches(const struct modes *md)
{
	if (!md || !modes_in_stretches(md))
		return NULL;
	return _("the modes came in stretches of time, not mixed: the machine's state moved during "
		 "the figure");
}

char *report_placement_note(const struct run *r, char *buf, size_t size)
{
	const struct metric *m = NULL;
	const char *exp = NULL;
	size_t n = run_placement_moves(r, &m, &exp);
	if (!n)
		return NULL;
	snprintf(
		buf, size,
		ngettext(
			"Placement: %zu figure between two CPUs changed mode in stretches of time "
			"(the first: %s of %s): the host moved the vCPUs, or the machine's state "
			"changed, during the run. Inside a virtual machine placement cannot be "
			"seen, only its effect on such figures; a move between two figures leaves "
			"no trace.",
			"Placement: %zu figures between two CPUs changed mode in stretches of time "
			"(the first: %s of %s): the host moved the vCPUs, or the machine's state "
			"changed, during the run. Inside a virtual machine placement cannot be "
			"seen, only its effect on such figures; a move between two figures leaves "
			"no trace.",
			n),
		n, m->name, exp);
	return buf;
}

char *report_fmt_ratio(double r, char *buf, size_t size)
{
	if (isinf(r) && r > 0)
		snprintf(buf, size, "∞");
	else if (!isfinite(r))
		snprintf(buf, size, "%s", _("n/a"));
	else if (fabs(r) >= 99.95)
		snprintf(buf, size, "%.0f", r);
	else if (fabs(r) >= 9.995)
		snprintf(buf, size, "%.1f", r);
	else if (fabs(r) >= 0.9995 || r == 0)
		snprintf(buf, size, "%.2f", r);
	else /* below 1, three significant digits too: 0.500, 0.133, 0.0512 */
		snprintf(buf, size, "%.*f", fabs(r) < 1e-4 ? 6 : 2 - (int)floor(log10(fabs(r))), r);
	return i18n_decimal(buf);
}

char *report_fmt_slope(const struct trend_line *l, char *buf, size_t size)
{
	char v[32];
	double per_gib = l->fit.slope * 1073741824.0;
	units_format_ns(fabs(per_gib), v, sizeof(v));
	snprintf(buf, size, "%s%s/GiB", per_gib < 0 ? "-" : "+", v);
	return buf;
}

size_t report_width(const char *s, size_t bytes)
{
	size_t w = 0;
	for (size_t i = 0; i < bytes && s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

const char *report_status_color(enum verdict_status s)
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

char *report_gap_line(const struct verdict *v, int line, char *buf, size_t size)
{
	const struct gap_trend *g = &v->gap;
	char x0[32], x1[32], f[32], flo[32], fhi[32], d[32], dlo[32], dhi[32];
	char sl[32], sllo[32], slhi[32], r[24], lo[24], hi[24];
	const double mib = 1024.0 * 1024.0;
	units_format_bytes(g->x0, x0, sizeof(x0));
	units_format_bytes(g->x1, x1, sizeof(x1));
	if (line == 0)
		snprintf(
			buf, size,
			_("process - thread gap, each net of the same work alone: %s [%s, %s] at "
			  "%s "
			  "(the fixed switch gap), growing by %s [%s, %s] to %s; slope %s [%s, %s] "
			  "per MiB"),
			report_fmt_value(g->fixed, "ns", f, sizeof(f)),
			report_fmt_value(g->fixed_lo, "ns", flo, sizeof(flo)),
			report_fmt_value(g->fixed_hi, "ns", fhi, sizeof(fhi)), x0,
			report_fmt_value(g->growth, "ns", d, sizeof(d)),
			report_fmt_value(g->growth_lo, "ns", dlo, sizeof(dlo)),
			report_fmt_value(g->growth_hi, "ns", dhi, sizeof(dhi)), x1,
			report_fmt_value(g->slope * mib, "ns", sl, sizeof(sl)),
			report_fmt_value(g->slope_lo * mib, "ns", sllo, sizeof(sllo)),
			report_fmt_value(g->slope_hi * mib, "ns", slhi, sizeof(slhi)));
	else
		snprintf(buf, size,
			 _("growth ×%s [%s, %s] (95%% CI, bootstrap, widened for the drift between "
			   "rounds): 1 + the gap's growth over the process round trip at %s; grows "
			   "from ×%.2f, flat within ×%.2f"),
			 report_fmt_ratio(v->ratio.ratio, r, sizeof(r)),
			 report_fmt_ratio(v->ratio.lo, lo, sizeof(lo)),
			 report_fmt_ratio(v->ratio.hi, hi, sizeof(hi)), x1, v->threshold,
			 v->margin);
	return i18n_decimal(buf);
}

char *report_speedup_line(const struct verdict *v, size_t line, char *buf, size_t size)
{
	char r[24], lo[24], hi[24], one[32], many[32];
	if (line < v->n_lines) {
		const struct trend_line *l = &v->lines[line];
		snprintf(buf, size,
			 _("%s: speed-up ×%s [%s, %s] with %.0f units (ideal ×%.0f; one unit %s, "
			   "%.0f units %s): %s"),
			 l->label, report_fmt_ratio(l->growth.ratio, r, sizeof(r)),
			 report_fmt_ratio(l->growth.lo, lo, sizeof(lo)),
			 report_fmt_ratio(l->growth.hi, hi, sizeof(hi)), l->x1, l->x1,
			 report_fmt_value(l->a_median, l->unit, one, sizeof(one)), l->x1,
			 report_fmt_value(l->b_median, l->unit, many, sizeof(many)),
			 verdict_status_label(l->grows));
		return buf;
	}
	snprintf(buf, size,
		 _("context, not judged: with %.0f units, process time over thread time ×%s [%s, "
		   "%s]"),
		 v->n_lines ? v->lines[0].x1 : NAN, report_fmt_ratio(v->ratio.ratio, r, sizeof(r)),
		 report_fmt_ratio(v->ratio.lo, lo, sizeof(lo)),
		 report_fmt_ratio(v->ratio.hi, hi, sizeof(hi)));
	return buf;
}

/* Where report_wrap_pieces() is on its line. */
struct wrap {
	FILE *out;
	size_t width, first, indent, col;
	bool open;  /* the current line has begun: its indent is written */
	bool fresh; /* nothing on it after the indent yet */
	bool lines; /* a line was begun before: the next takes indent, not first */
};

static void wrap_open(struct wrap *w)
{
	w->col = w->lines ? w->indent : w->first;
	fprintf(w->out, "%*s", (int)w->col, "");
	w->open = w->fresh = w->lines = true;
}

/* Ends the current line; a line not begun is an empty one. */
static void wrap_close(struct wrap *w)
{
	fputc('\n', w->out);
	w->open = false;
}

/* One unbroken piece of len bytes, on this line if it fits, else on the next. */
static void wrap_word(struct wrap *w, const char *s, size_t len, const char *color)
{
	if (w->open && !w->fresh && w->col + 1 + report_width(s, len) > w->width)
		wrap_close(w);
	if (!w->open)
		wrap_open(w);
	if (!w->fresh) {
		fputc(' ', w->out);
		w->col++;
	}
	if (color)
		fputs(color, w->out);
	for (size_t i = 0; i < len;) {
		if (w->col >= w->width) { /* wider than a line: cut at the margin */
			if (color)
				fputs("\033[0m", w->out);
			wrap_close(w);
			wrap_open(w);
			if (color)
				fputs(color, w->out);
		}
		size_t cp = 1;
		while (i + cp < len && ((unsigned char)s[i + cp] & 0xc0) == 0x80)
			cp++;
		fwrite(s + i, 1, cp, w->out);
		i += cp;
		w->col++;
	}
	if (color)
		fputs("\033[0m", w->out);
	w->fresh = false;
}

void report_wrap_pieces(FILE *out, const struct report_piece *pieces, size_t n, int first,
			int indent, int width, bool color)
{
	struct wrap w = { .out = out, .width = width > 0 ? (size_t)width : 80 };
	w.first = first > 0 ? (size_t)first : 0;
	w.indent = indent > 0 ? (size_t)indent : 0;
	w.first = w.first < w.width / 2 ? w.first : w.width / 2;
	w.indent = w.indent < w.width / 2 ? w.indent : w.width / 2;
	for (size_t i = 0; i < n; i++) {
		const char *s = pieces[i].text, *c = color ? pieces[i].color : NULL;
		if (!s || !*s)
			continue;
		if (pieces[i].whole) {
			wrap_word(&w, s, strlen(s), c);
			continue;
		}
		while (*s) {
			size_t len = strcspn(s, " \n");
			if (len)
				wrap_word(&w, s, len, c);
			s += len;
			if (*s == '\n') {
				wrap_close(&w);
				w.lines = true;
			}
			if (*s)
				s++;
		}
	}
	if (w.open)
		wrap_close(&w);
}

void report_wrap(FILE *out, const char *text, int indent, int width)
{
	const struct report_piece words = { .text = text };
	report_wrap_pieces(out, &words, 1, indent, indent, width, false);
}
