// SPDX-License-Identifier: MIT
/*
 * svg: the report's charts as inline SVG, written by hand because a chart
 * here is only axes, rectangles and polylines, and a plotting library would
 * be the largest dependency of the program. Every chart kind goes through
 * the same steps: gather the drawable values into two axes, choose the
 * ticks, lay out the margins from the widths of the labels, then draw the
 * frame, the data, the reference lines and the legend.
 *
 * Ticks: a linear axis steps by 1, 2 or 5 x 10^k of one display unit for
 * the whole axis (bytes step in KiB, MiB... so that ticks read "256 KiB"
 * and not "262 kB") and always shows 0 on y (a bar or a line starting
 * anywhere else exaggerates differences). A logarithmic axis covers the
 * data plus a margin and puts a tick on every decade, or every 2nd, 5th,
 * 10th... when there are many, with 2 and 5 between decades over short
 * ranges; a bytes or byte-rate axis counts octaves instead (4 KiB, 16 KiB, 64 KiB).
 * Values that cannot be placed (NaN, infinite, beyond 1e200, or <= 0 on a
 * logarithmic axis) are left out: a line breaks there.
 *
 * Colours are never written: the page's CSS gives them by class (see
 * svg.h), which is what lets one drawing serve a light and a dark page.
 * Text is filled with currentColor from the root. Coordinates are written
 * with one decimal by integer arithmetic, so the locale cannot put a comma
 * in a path; labels for people may follow it. Widths of text are estimated
 * (no font metrics here): a label counts its code points at an average
 * width, so a label set in a wide font may come close to its neighbour.
 * A chart is SVG_WIDTH units wide with text at SVG_FONT, a size chosen
 * for the phone: a wider drawing shrinks its text below 11 pixels there.
 * An axis title longer than its axis is cut into two lines at a space.
 */
#include "report/svg.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CHART_W ((double)SVG_WIDTH)
#define PLOT_H 220.0
#define CHAR_W (SVG_FONT * 0.567) /* average advance of a sans-serif glyph */
#define LINE_H (SVG_FONT + 4.0)	  /* a second line of an axis title */
#define TICKS_MAX 32		  /* more than any axis below can produce */
#define MARKERS_MAX 60		  /* a denser line gets no circles (a timeline) */
#define LABEL_CHARS_MAX 28	  /* a longer category label is cut, with "…" */
#define VALUE_MAX 1e200		  /* beyond this, arithmetic on ranges may overflow */
#define LEGEND_ROW (SVG_FONT + 6.0)

static const char *const series_class[SVG_SERIES_MAX] = { "s0", "s1", "s2", "s3",
							  "s4", "s5", "s6", "s7" };

/* A display unit: values from `from` up are divided by `div` and get `name`. */
struct scale {
	double from, div;
	const char *name;
};

static const struct scale ns_scale[] = {
	{ 0, 1, "ns" }, { 1e3, 1e3, "µs" }, { 1e6, 1e6, "ms" }, { 1e9, 1e9, "s" }, { 0, 0, NULL },
};

static const struct scale bytes_scale[] = {
	{ 0, 1, "B" },
	{ 0x1p10, 0x1p10, "KiB" },
	{ 0x1p20, 0x1p20, "MiB" },
	{ 0x1p30, 0x1p30, "GiB" },
	{ 0x1p40, 0x1p40, "TiB" },
	{ 0x1p50, 0x1p50, "PiB" },
	{ 0, 0, NULL },
};

static const struct scale rate_scale[] = {
	{ 0, 1, "B/s" },
	{ 0x1p10, 0x1p10, "KiB/s" },
	{ 0x1p20, 0x1p20, "MiB/s" },
	{ 0x1p30, 0x1p30, "GiB/s" },
	{ 0x1p40, 0x1p40, "TiB/s" },
	{ 0x1p50, 0x1p50, "PiB/s" },
	{ 0, 0, NULL },
};

/* Plain numbers: "12.3k"; below 1e-3 a prefix again ("250µ"), never an exponent. */
static const struct scale plain_scale[] = {
	{ 0, 1e-12, "p" },   { 1e-9, 1e-9, "n" }, { 1e-6, 1e-6, "µ" }, { 1e-3, 1, "" },
	{ 1e3, 1e3, "k" },   { 1e6, 1e6, "M" },	  { 1e9, 1e9, "G" },   { 1e12, 1e12, "T" },
	{ 1e15, 1e15, "P" }, { 1e18, 1e18, "E" }, { 0, 0, NULL },
};

/* Whether values of the unit are printed with a unit name ("µs"), not only a multiple ("k"). */
static bool named(enum svg_unit unit)
{
	return unit == SVG_UNIT_NS || unit == SVG_UNIT_BYTES || unit == SVG_UNIT_BYTES_PER_S;
}

static const struct scale *scale_of(enum svg_unit unit, const char **sep)
{
	*sep = named(unit) ? " " : "";
	if (unit == SVG_UNIT_NS)
		return ns_scale;
	if (unit == SVG_UNIT_BYTES)
		return bytes_scale;
	if (unit == SVG_UNIT_BYTES_PER_S)
		return rate_scale;
	return plain_scale;
}

/* The largest unit of the table that m (>= 0) reaches. */
static const struct scale *scale_pick(const struct scale *t, double m)
{
	const struct scale *best = t;
	for (; t->name; t++)
		if (m >= t->from * (1 - 1e-9))
			best = t;
	return best;
}

struct axis {
	bool log;
	bool zero;     /* linear: the range includes 0 */
	bool floor_lo; /* log: starts on a whole decade (bars grow from there) */
	enum svg_unit unit;
	bool any;
	double lo, hi; /* the data's range, then the axis's */
	double p0, p1; /* the pixels of lo and hi */
	double ticks[TICKS_MAX];
	size_t n_ticks;
	const struct scale *sc; /* linear: one display unit for all ticks */
	int decimals;		/* linear: digits after the point */
	bool shared;		/* one unit name serves every tick: the title says it */
};

static bool axis_ok(const struct axis *ax, double v)
{
	if (!isfinite(v) || fabs(v) > VALUE_MAX)
		return false;
	return !ax->log || v > 1 / VALUE_MAX;
}

static void axis_add(struct axis *ax, double v)
{
	if (!axis_ok(ax, v))
		return;
	ax->lo = ax->any ? fmin(ax->lo, v) : v;
	ax->hi = ax->any ? fmax(ax->hi, v) : v;
	ax->any = true;
}

/* The pixel of v, clamped to the axis (a CI's lower end <= 0 on a log axis: the bottom). */
static double axis_map(const struct axis *ax, double v)
{
	double t0 = ax->log ? log10(ax->lo) : ax->lo, t1 = ax->log ? log10(ax->hi) : ax->hi;
	double t = ax->log ? (v > 0 ? log10(v) : t0) : v;
	t = t < t0 ? t0 : t > t1 ? t1 : t;
	return ax->p0 + (t - t0) / (t1 - t0) * (ax->p1 - ax->p0);
}

static void tick_push(struct axis *ax, double v)
{
	if (ax->n_ticks < TICKS_MAX)
		ax->ticks[ax->n_ticks++] = v;
}

/* A step of 1, 2 or 5 x 10^k that cuts span into about n parts. */
static double nice_step(double span, double n)
{
	double raw = span / n, mag = pow(10, floor(log10(raw))), r = raw / mag;
	return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
}

static double power_of(bool bin, double e)
{
	return bin ? exp2(e) : pow(10, e);
}

/*
 * The data's range widened by 5% of its span on each side (bars: down to a
 * whole decade, where they start). Ticks on every s-th decade (octave for
 * bytes) inside, with 2 and 5 between decades over short ranges, and plain
 * 1-2-5 steps when fewer than two powers fall inside. Values within 5% of
 * a decade of each other count as one and get a decade around them.
 */
static void log_ticks(struct axis *ax)
{
	static const int steps[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500 };
	bool bin = ax->unit == SVG_UNIT_BYTES || ax->unit == SVG_UNIT_BYTES_PER_S;
	double l = bin ? log2(ax->lo) : log10(ax->lo), h = bin ? log2(ax->hi) : log10(ax->hi);
	int s = 1;

	if (h - l < 0.05) {
		double mid = (l + h) / 2, half = bin ? 1 : 0.5;
		l = mid - half;
		h = mid + half;
	}
	double pad = (h - l) * 0.05;
	l = ax->floor_lo ? floor(l + 1e-9) : l - pad;
	h += pad;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		s = steps[i];
		if ((h - l) / s <= 9)
			break;
	}
	bool minors = !bin && s == 1 && h - l <= 2.5;
	double vlo = power_of(bin, l) * (1 - 1e-9), vhi = power_of(bin, h) * (1 + 1e-9);
	for (int e = (int)floor(l); e <= (int)ceil(h); e++) {
		double v = power_of(bin, e);
		if (e % s == 0 && v >= vlo && v <= vhi)
			tick_push(ax, v);
		for (int m = 2; minors && m <= 5; m += 3)
			if (m * v >= vlo && m * v <= vhi)
				tick_push(ax, m * v);
	}
	if (ax->n_ticks < 2) { /* less than a decade */
		double step = nice_step(vhi - vlo, 4), k;
		if (ax->unit == SVG_UNIT_COUNT)
			step = fmax(step, 1);
		k = ceil(vlo / step);
		ax->n_ticks = 0;
		for (int i = 0; i < 12 && (k + i) * step <= vhi; i++)
			if (k + i > 0)
				tick_push(ax, (k + i) * step);
	}
	ax->lo = power_of(bin, l);
	ax->hi = power_of(bin, h);
}

/* Steps of 1, 2, 5 x 10^k in the axis's display unit, multiples of the step. */
static void linear_ticks(struct axis *ax)
{
	const char *sep;
	double lo = ax->lo, hi = ax->hi;

	if (ax->zero) {
		lo = fmin(lo, 0);
		hi = fmax(hi, 0);
	}
	if (hi - lo <= fmax(fabs(lo), fabs(hi)) * 1e-6) { /* all equal */
		double d = lo == 0 ? 1 : fabs(lo) * 0.1;
		if (!(ax->zero && lo == 0))
			lo -= d;
		hi += d;
	}
	ax->sc = scale_pick(scale_of(ax->unit, &sep), fmax(fabs(lo), fabs(hi)));
	double div = ax->sc->div, l = lo / div, h = hi / div, step = nice_step(h - l, 5);
	if (ax->unit == SVG_UNIT_COUNT && step * div < 1) /* whole units: 1, 2, 3 */
		step = 1 / div;
	long k0 = (long)floor(l / step + 1e-9), k1 = (long)ceil(h / step - 1e-9);

	for (long k = k0; k <= k1; k++)
		tick_push(ax, (double)k * step * div);
	ax->decimals = step >= 1 - 1e-9 ? 0 : (int)ceil(-log10(step) - 1e-9);
	if (ax->decimals > 9)
		ax->decimals = 9;
	ax->lo = ax->ticks[0];
	ax->hi = ax->ticks[ax->n_ticks - 1];
}

/* Chooses the ticks; the axis's range then runs from the first to the last. */
static void axis_ticks(struct axis *ax)
{
	if (ax->log)
		log_ticks(ax);
	else
		linear_ticks(ax);
}

/*
 * v with three significant digits in the unit that suits it, trailing zeros
 * dropped: "812 ns", "12.3 µs", "4 KiB", "1.5k", "0.25"; without the unit's
 * name when bare ("12.3"). The log axes' ticks and every tooltip.
 */
static void format_sig(enum svg_unit unit, double v, bool bare, char *buf, size_t size)
{
	const char *sep;
	const struct scale *sc = scale_pick(scale_of(unit, &sep), v != 0 ? fabs(v) : 1);
	double x = fabs(v) / sc->div;
	int decimals = x >= 100 || x == 0 ? 0 : x >= 10 ? 1 : x >= 1 ? 2 : (int)ceil(-log10(x)) + 2;
	int n = snprintf(buf, size, "%s%.*f", v < 0 ? "-" : "", decimals > 9 ? 9 : decimals, x);

	if (n < 0 || (size_t)n >= size)
		return;
	if (decimals > 0) { /* the point may be a comma: the locale is the reader's here */
		while (buf[n - 1] == '0')
			n--;
		n -= !isdigit((unsigned char)buf[n - 1]);
	}
	if (bare && named(unit))
		buf[n] = '\0';
	else
		snprintf(buf + n, size - (size_t)n, "%s%s", sep, sc->name);
}

/* The unit a tick of a named unit is shown in. */
static const struct scale *tick_scale(const struct axis *ax, double v)
{
	const char *sep;
	return ax->log ? scale_pick(scale_of(ax->unit, &sep), fabs(v)) : ax->sc;
}

/*
 * Whether one unit name serves every tick, so that the title says it and
 * the ticks are plain numbers: a named unit, an axis with a title, and
 * (logarithmic) every tick in the same unit.
 */
static bool ticks_shared(const struct axis *ax, const char *title)
{
	if (!named(ax->unit) || !title || !*title)
		return false;
	for (size_t i = 1; i < ax->n_ticks; i++)
		if (tick_scale(ax, ax->ticks[i]) != tick_scale(ax, ax->ticks[0]))
			return false;
	return ax->n_ticks > 0;
}

/* A tick's label: "0", then one unit and one number of decimals per linear axis. */
static void tick_label(const struct axis *ax, double v, char *buf, size_t size)
{
	const char *sep;

	scale_of(ax->unit, &sep);
	if (v == 0)
		snprintf(buf, size, "0");
	else if (ax->log)
		format_sig(ax->unit, v, ax->shared, buf, size);
	else if (ax->shared)
		snprintf(buf, size, "%.*f", ax->decimals, v / ax->sc->div);
	else
		snprintf(buf, size, "%.*f%s%s", ax->decimals, v / ax->sc->div, sep, ax->sc->name);
}

/* An axis's title: its label, and the ticks' unit when they share one ("time (µs)"). */
static void axis_title(const struct axis *ax, const char *label, char *buf, size_t size)
{
	if (ax->shared)
		snprintf(buf, size, "%s (%s)", label, tick_scale(ax, ax->ticks[0])->name);
	else
		snprintf(buf, size, "%s", label ? label : "");
}

/* Writes v rounded to one decimal by integer arithmetic: "12.3", "-4", "0". */
static void put_n(FILE *out, double v)
{
	v = v > 1e6 ? 1e6 : v > -1e6 ? v : -1e6;
	long t = lround(v * 10);
	if (t < 0) {
		fputc('-', out);
		t = -t;
	}
	fprintf(out, "%ld", t / 10);
	if (t % 10)
		fprintf(out, ".%ld", t % 10);
}

/*
 * The one writer of markup: fmt is copied with %n (a double, written with
 * one decimal), %s (a string as it is) and %e (a string escaped).
 */
static void put(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%' || !p[1]) {
			fputc(*p, out);
			continue;
		}
		switch (*++p) {
		case 'n':
			put_n(out, va_arg(ap, double));
			break;
		case 's':
			fputs(va_arg(ap, const char *), out);
			break;
		case 'e':
			svg_escape(out, va_arg(ap, const char *));
			break;
		default:
			fputc(*p, out);
		}
	}
	va_end(ap);
}

static void escape_n(FILE *out, const char *s, size_t n)
{
	static const char *const entity[] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;"
	};
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < sizeof(entity) / sizeof(entity[0]) && entity[ch])
			fputs(entity[ch], out);
		else
			fputc(ch < 0x20 ? ' ' : ch, out); /* no control character is valid XML */
	}
}

void svg_escape(FILE *out, const char *s)
{
	if (s)
		escape_n(out, s, SIZE_MAX);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* Bytes of s up to its max-th code point (all of it when shorter); *chars: its code points. */
static size_t prefix_of(const char *s, size_t max, size_t *chars)
{
	size_t n = 0, end = 0, i = 0;
	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == max)
			end = i;
	*chars = n;
	return n > max ? end : i;
}

/* Estimated width of s at the chart's font size. */
static double text_w(const char *s)
{
	size_t n;
	prefix_of(or_empty(s), 0, &n);
	return (double)n * CHAR_W;
}

/* Width of a category label as put_category() writes it. */
static double category_w(const char *s)
{
	return fmin(text_w(s), LABEL_CHARS_MAX * CHAR_W);
}

/* A category label, cut after LABEL_CHARS_MAX - 1 characters with the whole as a tooltip. */
static void put_category(FILE *out, const char *s)
{
	size_t n, cut = prefix_of(s, LABEL_CHARS_MAX - 1, &n);
	if (n <= LABEL_CHARS_MAX) {
		svg_escape(out, s);
		return;
	}
	escape_n(out, s, cut);
	put(out, "…<title>%e</title>", s);
}

static const char *category(const struct svg_chart *c, size_t i)
{
	return c->categories ? or_empty(c->categories[i]) : "";
}

/* ` data-value="raw"` for a label translated from a raw word, else nothing. */
static void put_value(FILE *out, const char *raw)
{
	if (raw && *raw)
		put(out, " data-value=\"%e\"", raw);
}

struct key {
	const char *label, *cls;
	const char *dash;  /* a line's stroke-dasharray ("none" for a series) */
	bool box;	   /* a bar's series: a square rather than a line */
	bool cross;	   /* a series of marks: a cross */
	const char *value; /* the raw word of the label, or NULL */
};

/* A cross of half-width r centred on (x, y), as path data. */
static void put_cross(FILE *out, double x, double y, double r)
{
	put(out, "M%n %nl%n %nm0 %nl%n %n", x - r, y - r, 2 * r, 2 * r, -2 * r, -2 * r, 2 * r);
}

/*
 * Lays out the legend in rows from x0 to x1 at the top of the drawing and
 * writes it when out is not NULL. Returns the number of rows.
 */
static int legend(FILE *out, const struct key *k, size_t n, double x0, double x1)
{
	double x = x0;
	int row = 0;

	for (size_t i = 0; i < n; i++) {
		double w = 18 + text_w(k[i].label) + 14;
		if (x + w > x1 + 14 && x > x0) {
			row++;
			x = x0;
		}
		double y = 4 + LEGEND_ROW * row;
		if (out && k[i].box) {
			put(out,
			    "<rect class=\"%s\" x=\"%n\" y=\"%n\" width=\"10\" height=\"10\"/>",
			    k[i].cls, x, y + 2);
		} else if (out && k[i].cross) {
			put(out, "<path class=\"%s\" fill=\"none\" stroke-width=\"2\" d=\"",
			    k[i].cls);
			put_cross(out, x + 7, y + 7, 4);
			put(out, "\"/>");
		} else if (out) {
			put(out,
			    "<path class=\"%s\" fill=\"none\" stroke-width=\"2\" "
			    "stroke-dasharray=\"%s\" d=\"M%n %nh14\"/>",
			    k[i].cls, k[i].dash, x, y + 7);
		}
		if (out) {
			put(out, "<text x=\"%n\" y=\"%n\"", x + 18, y + 12);
			put_value(out, k[i].value);
			put(out, ">%e</text>", k[i].label);
		}
		x += w;
	}
	return row + 1;
}

/* An axis title: its text, cut in two at the space nearest its middle when wider than max. */
struct title {
	char text[256];
	size_t cut; /* bytes of the first line; 0: one line */
};

static void title_make(struct title *t, const struct axis *ax, const char *label, double max)
{
	axis_title(ax, label, t->text, sizeof(t->text));
	t->cut = 0;
	if (text_w(t->text) <= max)
		return;
	size_t len = strlen(t->text), best = 0;
	double mid = (double)len / 2;
	for (size_t i = 1; i < len; i++)
		if (t->text[i] == ' ' &&
		    (!best || fabs((double)i - mid) < fabs((double)best - mid)))
			best = i;
	t->cut = best;
}

static int title_lines(const struct title *t)
{
	return t->text[0] ? 1 + (t->cut > 0) : 0;
}

/* Writes title t, its lines LINE_H apart from (x, y) on; rotated -90 degrees about (0, 0). */
static void title_write(FILE *out, const struct title *t, double x, double y, bool rotated)
{
	const char *at = rotated ? " transform=\"rotate(-90)\"" : "";
	if (!t->cut) {
		put(out, "<text%s x=\"%n\" y=\"%n\">%e</text>", at, x, y, t->text);
		return;
	}
	put(out, "<text%s x=\"%n\" y=\"%n\">", at, x, y);
	escape_n(out, t->text, t->cut);
	put(out, "</text><text%s x=\"%n\" y=\"%n\">%e</text>", at, x, y + LINE_H,
	    t->text + t->cut + 1);
}

/* The plot box and the height of the drawing. */
struct frame {
	double x0, x1, y0, y1, h;
	bool rotate;	     /* category labels at -45 degrees */
	struct title xt, yt; /* the axes' titles */
};

/* Margins from the widths of the tick labels, the categories, the titles and the legend. */
static void layout(const struct svg_chart *c, struct axis *xa, struct axis *ya,
		   const struct key *keys, size_t n_keys, struct frame *f)
{
	char buf[48];
	double tw = 0, below = 22;

	for (size_t i = 0; i < ya->n_ticks; i++) {
		tick_label(ya, ya->ticks[i], buf, sizeof(buf));
		tw = fmax(tw, text_w(buf));
	}
	title_make(&f->yt, ya, c->y_label, PLOT_H);
	f->x0 = 14 + LINE_H * title_lines(&f->yt) + tw;
	f->x1 = CHART_W - 12;
	f->rotate = false;
	if (c->kind == SVG_LINES) {
		tick_label(xa, xa->ticks[xa->n_ticks - 1], buf, sizeof(buf));
		f->x1 = CHART_W - fmax(12, text_w(buf) / 2 + 4);
	} else {
		double slot = (f->x1 - f->x0) / (double)c->n_categories, lw = 0;
		for (size_t i = 0; i < c->n_categories; i++)
			lw = fmax(lw, category_w(category(c, i)));
		if (lw > slot - 6) { /* rotated, the first label must not leave the drawing */
			f->rotate = true;
			f->x0 = fmax(f->x0, category_w(category(c, 0)) * 0.71 - slot / 2 + 8);
			below = lw * 0.71 + 20;
		}
	}
	title_make(&f->xt, xa, c->x_label, f->x1 - f->x0);
	f->y0 = LEGEND_ROW * legend(NULL, keys, n_keys, f->x0, f->x1) + 14;
	f->y1 = f->y0 + PLOT_H;
	f->h = f->y1 + below + LINE_H * title_lines(&f->xt) + 6;
	xa->p0 = f->x0;
	xa->p1 = f->x1;
	ya->p0 = f->y1;
	ya->p1 = f->y0;
}

/* Grid, axes with their tick marks, tick labels and axis titles. */
static void write_frame(FILE *out, const struct svg_chart *c, const struct axis *xa,
			const struct axis *ya, const struct frame *f)
{
	size_t nx = c->kind == SVG_LINES ? xa->n_ticks : 0;
	double right = -1e9;
	char buf[48];

	put(out, "<path class=\"grid\" fill=\"none\" d=\"");
	for (size_t i = 0; i < ya->n_ticks; i++)
		put(out, "M%n %nH%n", f->x0, axis_map(ya, ya->ticks[i]), f->x1);
	for (size_t i = 0; i < nx; i++)
		put(out, "M%n %nV%n", axis_map(xa, xa->ticks[i]), f->y0, f->y1);
	put(out, "\"/>\n<path class=\"axis\" fill=\"none\" d=\"M%n %nV%nH%n", f->x0, f->y0, f->y1,
	    f->x1);
	if (!ya->log && ya->lo < 0)
		put(out, "M%n %nH%n", f->x0, axis_map(ya, 0), f->x1);
	for (size_t i = 0; i < ya->n_ticks; i++)
		put(out, "M%n %nh4", f->x0 - 4, axis_map(ya, ya->ticks[i]));
	for (size_t i = 0; i < nx; i++)
		put(out, "M%n %nv4", axis_map(xa, xa->ticks[i]), f->y1);
	put(out, "\"/>\n<g text-anchor=\"end\">");
	for (size_t i = 0; i < ya->n_ticks; i++) {
		tick_label(ya, ya->ticks[i], buf, sizeof(buf));
		put(out, "<text x=\"%n\" y=\"%n\">%e</text>", f->x0 - 7,
		    axis_map(ya, ya->ticks[i]) + SVG_FONT / 3.0, buf);
	}
	put(out, "</g>\n<g text-anchor=\"middle\">");
	/* an x tick label that would overlap the previous one is left out */
	for (size_t i = 0; i < nx; i++) {
		double x = axis_map(xa, xa->ticks[i]);
		tick_label(xa, xa->ticks[i], buf, sizeof(buf));
		if (x - text_w(buf) / 2 < right + 6)
			continue;
		put(out, "<text x=\"%n\" y=\"%n\">%e</text>", x, f->y1 + 4 + SVG_FONT, buf);
		right = x + text_w(buf) / 2;
	}
	for (size_t i = 0; c->kind != SVG_LINES && i < c->n_categories; i++) {
		double x = f->x0 + ((double)i + 0.5) * (f->x1 - f->x0) / (double)c->n_categories;
		double y = f->y1 + (f->rotate ? 12 : 4 + SVG_FONT);
		if (f->rotate)
			put(out,
			    "<text text-anchor=\"end\" transform=\"rotate(-45 %n %n)\" x=\"%n\" "
			    "y=\"%n\"",
			    x, y, x + 4, y);
		else
			put(out, "<text x=\"%n\" y=\"%n\"", x, y);
		put_value(out, c->category_values ? c->category_values[i] : NULL);
		put(out, ">");
		put_category(out, category(c, i));
		put(out, "</text>");
	}
	if (f->xt.text[0])
		title_write(out, &f->xt, (f->x0 + f->x1) / 2,
			    f->h - 8 - LINE_H * (title_lines(&f->xt) - 1), false);
	if (f->yt.text[0])
		title_write(out, &f->yt, -(f->y0 + f->y1) / 2, SVG_FONT + 2, true);
	put(out, "</g>\n");
}

/* "<title>series, where: value</title>" for a bar or a point. */
static void put_tooltip(FILE *out, const char *series, const char *where, enum svg_unit unit,
			double v)
{
	char buf[48];
	format_sig(unit, v, false, buf, sizeof(buf));
	put(out, "<title>%e, %e: %e</title>", series, where, buf);
}

/* The sum of the values of series 0..s-1 of category i that have the sign of v. */
static double stack_base(const struct svg_chart *c, const struct axis *ya, size_t s, size_t i,
			 double v)
{
	double sum = 0;
	for (size_t r = 0; r < s; r++)
		if (axis_ok(ya, c->series[r].y[i]) && (c->series[r].y[i] < 0) == (v < 0))
			sum += c->series[r].y[i];
	return sum;
}

/* Grouped bars from 0 (the bottom of a log axis) with error bars, or stacked bars. */
static void write_bars(FILE *out, const struct svg_chart *c, const struct axis *ya,
		       const struct frame *f)
{
	bool stacked = c->kind == SVG_STACKED;
	double slot = (f->x1 - f->x0) / (double)c->n_categories;
	double bw = stacked ? slot * 0.6 : slot * 0.8 / (double)c->n_series;
	double gap = !stacked && c->n_series > 1 ? fmin(2, bw * 0.15) : 0;

	for (size_t s = 0; s < c->n_series; s++) {
		const struct svg_series *se = &c->series[s];
		bool err = false;
		put(out, "<g class=\"%s\"", series_class[s]);
		put_value(out, se->value);
		put(out, ">");
		for (size_t i = 0; i < c->n_categories; i++) {
			double v = se->y[i], b0 = stacked ? stack_base(c, ya, s, i, v) : 0;
			if (!axis_ok(ya, v))
				continue;
			double x = f->x0 + ((double)i + 0.1) * slot +
				   (stacked ? slot * 0.1 : (double)s * bw);
			double p0 = axis_map(ya, b0), p1 = axis_map(ya, b0 + v);
			put(out, "<rect x=\"%n\" y=\"%n\" width=\"%n\" height=\"%n\">", x,
			    fmin(p0, p1), bw - gap, fabs(p1 - p0));
			put_tooltip(out, or_empty(se->label), category(c, i), c->y_unit, v);
			put(out, "</rect>");
		}
		put(out, "</g>\n");
		for (size_t i = 0; !stacked && se->lo && se->hi && i < c->n_categories; i++) {
			if (!axis_ok(ya, se->y[i]) || !isfinite(se->lo[i]) ||
			    !axis_ok(ya, se->hi[i]))
				continue;
			double x =
				f->x0 + ((double)i + 0.1) * slot + ((double)s + 0.5) * bw - gap / 2;
			double lo = axis_map(ya, se->lo[i]), hi = axis_map(ya, se->hi[i]);
			double cap = fmin(8, bw * 0.5) / 2;
			put(out, "%sM%n %nV%nM%n %nh%nM%n %nh%n",
			    err ? "" : "<path class=\"err\" fill=\"none\" d=\"", x, lo, hi, x - cap,
			    lo, 2 * cap, x - cap, hi, 2 * cap);
			err = true;
		}
		if (err)
			put(out, "\"/>\n");
	}
}

static bool point_ok(const struct axis *xa, const struct axis *ya, const struct svg_series *s,
		     size_t j)
{
	return axis_ok(xa, s->x[j]) && axis_ok(ya, s->y[j]);
}

static bool band_ok(const struct axis *xa, const struct axis *ya, const struct svg_series *s,
		    size_t j)
{
	return point_ok(xa, ya, s, j) && isfinite(s->lo[j]) && axis_ok(ya, s->hi[j]);
}

/* One path per series: every run of two or more points with an interval, hi forwards, lo back. */
static void write_band(FILE *out, const struct axis *xa, const struct axis *ya,
		       const struct svg_series *s, const char *cls)
{
	bool any = false;

	for (size_t j = 0, a; j < s->n;) {
		for (; j < s->n && !band_ok(xa, ya, s, j); j++)
			;
		for (a = j; j < s->n && band_ok(xa, ya, s, j); j++)
			;
		if (j - a < 2)
			continue;
		if (!any)
			put(out, "<path class=\"band %s\" opacity=\".2\" d=\"", cls);
		any = true;
		for (size_t k = a; k < j; k++)
			put(out, "%s%n %n", k == a ? "M" : "L", axis_map(xa, s->x[k]),
			    axis_map(ya, s->hi[k]));
		for (size_t k = j; k-- > a;)
			put(out, "L%n %n", axis_map(xa, s->x[k]), axis_map(ya, s->lo[k]));
		put(out, "Z");
	}
	if (any)
		put(out, "\"/>\n");
}

/* A point's tooltip: the series, x in its unit, y in its unit. */
static void point_tooltip(FILE *out, const struct svg_chart *c, const struct svg_series *se,
			  size_t j)
{
	char where[48];
	format_sig(c->x_unit, se->x[j], false, where, sizeof(where));
	put_tooltip(out, or_empty(se->label), where, c->y_unit, se->y[j]);
}

/*
 * Bands under every line, then per series a line broken where a point is
 * left out, and markers; a series of marks gets a cross per point only.
 */
static void write_lines(FILE *out, const struct svg_chart *c, const struct axis *xa,
			const struct axis *ya)
{
	for (size_t s = 0; s < c->n_series; s++)
		if (c->series[s].lo && c->series[s].hi && !c->series[s].marks)
			write_band(out, xa, ya, &c->series[s], series_class[s]);
	for (size_t s = 0; s < c->n_series; s++) {
		const struct svg_series *se = &c->series[s];
		size_t n = 0;
		bool pen = false;
		for (size_t j = 0; j < se->n; j++)
			n += point_ok(xa, ya, se, j);
		if (n == 0)
			continue;
		put(out, "<g class=\"%s\"", series_class[s]);
		put_value(out, se->value);
		put(out, ">");
		for (size_t j = 0; se->marks && j < se->n; j++) {
			if (!point_ok(xa, ya, se, j))
				continue;
			put(out, "<path fill=\"none\" stroke-width=\"2\" d=\"");
			put_cross(out, axis_map(xa, se->x[j]), axis_map(ya, se->y[j]), 4);
			put(out, "\">");
			point_tooltip(out, c, se, j);
			put(out, "</path>");
		}
		if (se->marks) {
			put(out, "</g>\n");
			continue;
		}
		put(out, "<path fill=\"none\" stroke-width=\"2\" d=\"");
		for (size_t j = 0; j < se->n; j++) {
			bool ok = point_ok(xa, ya, se, j);
			if (ok)
				put(out, "%s%n %n", pen ? "L" : "M", axis_map(xa, se->x[j]),
				    axis_map(ya, se->y[j]));
			pen = ok;
		}
		put(out, "\"/>");
		for (size_t j = 0; n <= MARKERS_MAX && j < se->n; j++) {
			if (!point_ok(xa, ya, se, j))
				continue;
			put(out, "<circle cx=\"%n\" cy=\"%n\" r=\"3\">", axis_map(xa, se->x[j]),
			    axis_map(ya, se->y[j]));
			point_tooltip(out, c, se, j);
			put(out, "</circle>");
		}
		put(out, "</g>\n");
	}
}

/* y = x where both axes reach; a curve when only one of them is logarithmic. */
static void write_ideal(FILE *out, const struct axis *xa, const struct axis *ya)
{
	double lo = fmax(xa->lo, ya->lo), hi = fmin(xa->hi, ya->hi);
	int n = xa->log == ya->log ? 2 : 48;

	put(out, "<path class=\"ideal\" fill=\"none\" stroke-dasharray=\"3 3\" d=\"");
	for (int k = 0; k < n; k++) {
		double t = (double)k / (n - 1);
		double v = xa->log ? lo * pow(hi / lo, t) : lo + (hi - lo) * t;
		put(out, "%s%n %n", k ? "L" : "M", axis_map(xa, v), axis_map(ya, v));
	}
	put(out, "\"/>\n");
}

/* -EINVAL for a description that breaks svg.h's contract. */
static int check(const struct svg_chart *c)
{
	if (!c || !c->id || !*c->id || !c->series || c->n_series == 0 ||
	    c->n_series > SVG_SERIES_MAX)
		return -EINVAL;
	if (c->id[strspn(c->id, "abcdefghijklmnopqrstuvwxyz0123456789-")])
		return -EINVAL;
	if (c->kind != SVG_LINES && c->kind != SVG_BARS && c->kind != SVG_STACKED)
		return -EINVAL;
	if (c->kind != SVG_LINES && c->n_categories == 0)
		return -EINVAL;
	for (size_t s = 0; s < c->n_series; s++) {
		const struct svg_series *se = &c->series[s];
		if (c->kind != SVG_LINES && se->n != c->n_categories)
			return -EINVAL;
		if (se->n && (!se->y || (c->kind == SVG_LINES && !se->x)))
			return -EINVAL;
	}
	return 0;
}

/* Puts every drawable value into the axes; returns how many points can be drawn. */
static size_t gather(const struct svg_chart *c, struct axis *xa, struct axis *ya)
{
	size_t n = 0;

	for (size_t i = 0; c->kind == SVG_STACKED && i < c->n_categories; i++) {
		double sum[2] = { 0, 0 }; /* positive, negative */
		for (size_t s = 0; s < c->n_series; s++) {
			double v = c->series[s].y[i];
			if (axis_ok(ya, v)) {
				n++;
				sum[v < 0] += v;
				axis_add(ya, sum[v < 0]);
			}
		}
	}
	for (size_t s = 0; c->kind != SVG_STACKED && s < c->n_series; s++) {
		const struct svg_series *se = &c->series[s];
		for (size_t j = 0; j < se->n; j++) {
			if (c->kind == SVG_LINES ? !point_ok(xa, ya, se, j)
						 : !axis_ok(ya, se->y[j]))
				continue;
			n++;
			axis_add(ya, se->y[j]);
			if (c->kind == SVG_LINES)
				axis_add(xa, se->x[j]);
			if (se->lo && se->hi && isfinite(se->lo[j]) && axis_ok(ya, se->hi[j])) {
				axis_add(ya, se->lo[j]);
				axis_add(ya, se->hi[j]);
			}
		}
	}
	return n;
}

int svg_chart_write(FILE *out, const struct svg_chart *c)
{
	struct axis xa = { 0 }, ya = { 0 };
	struct key keys[SVG_SERIES_MAX + 2];
	struct frame f;
	size_t n_keys = 0;
	int err = check(c);

	if (err || !out)
		return err ? err : -EINVAL;
	xa.log = c->kind == SVG_LINES && c->log_x;
	xa.unit = c->x_unit;
	ya.log = c->log_y;
	ya.unit = c->y_unit;
	ya.zero = !ya.log;
	ya.floor_lo = c->kind != SVG_LINES;
	if (gather(c, &xa, &ya) == 0)
		return -EINVAL;
	bool ref = c->ref_label && axis_ok(&ya, c->ref_y);
	if (ref)
		axis_add(&ya, c->ref_y);
	if (c->kind == SVG_LINES) {
		axis_ticks(&xa);
		xa.shared = ticks_shared(&xa, c->x_label);
	}
	axis_ticks(&ya);
	ya.shared = ticks_shared(&ya, c->y_label);
	bool ideal =
		c->ideal_label && c->kind == SVG_LINES && fmax(xa.lo, ya.lo) < fmin(xa.hi, ya.hi);

	for (size_t s = 0; s < c->n_series; s++)
		keys[n_keys++] = (struct key){ .label = or_empty(c->series[s].label),
					       .cls = series_class[s],
					       .dash = "none",
					       .box = c->kind != SVG_LINES,
					       .cross = c->kind == SVG_LINES && c->series[s].marks,
					       .value = c->series[s].value };
	if (ref)
		keys[n_keys++] = (struct key){ .label = c->ref_label, .cls = "ref", .dash = "6 4" };
	if (ideal)
		keys[n_keys++] =
			(struct key){ .label = c->ideal_label, .cls = "ideal", .dash = "3 3" };
	layout(c, &xa, &ya, keys, n_keys, &f);

	put(out,
	    "<figure class=\"chart\" id=\"fig-%s\"><figcaption>%e</figcaption>\n"
	    "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %n %n\" "
	    "role=\"img\" "
	    "aria-label=\"%e\" preserveAspectRatio=\"xMidYMid meet\" font-size=\"%n\" "
	    "fill=\"currentColor\"><title>%e</title>\n",
	    c->id, c->title, c->id, CHART_W, f.h, c->title, (double)SVG_FONT, c->title);
	write_frame(out, c, &xa, &ya, &f);
	if (c->kind == SVG_LINES)
		write_lines(out, c, &xa, &ya);
	else
		write_bars(out, c, &ya, &f);
	if (ref)
		put(out,
		    "<path class=\"ref\" fill=\"none\" stroke-dasharray=\"6 4\" d=\"M%n "
		    "%nH%n\"/>\n",
		    f.x0, axis_map(&ya, c->ref_y), f.x1);
	if (ideal)
		write_ideal(out, &xa, &ya);
	put(out, "<g class=\"legend\">");
	legend(out, keys, n_keys, f.x0, f.x1);
	put(out, "</g>\n</svg></figure>\n");
	return ferror(out) ? -EIO : 0;
}
