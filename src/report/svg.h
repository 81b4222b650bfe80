// SPDX-License-Identifier: MIT
/*
 * svg: the charts of the HTML report, drawn by ptlab as inline SVG (no
 * script, no external resource). One chart is one call with a
 * description: a title, axis labels with their units, series with their
 * legend labels and, where they exist, 95% intervals drawn as error bars
 * (bars) or bands (lines). Colours come from CSS classes (s0..s7, ref,
 * axis, grid), so the page's light and dark schemes both apply; the
 * drawing scales to the width of a phone (viewBox, no fixed size). It is
 * SVG_WIDTH units wide with text at SVG_FONT: shown between SVG_WIDTH and
 * about 480 CSS pixels wide (the page's style caps it there), its text
 * stays at 11 pixels or more down to a 390-pixel-wide phone.
 *
 * Units: an axis of a unit (time, bytes, a byte rate) states its unit
 * once. Where one unit serves every tick (a linear axis always; a
 * logarithmic one within one unit), the axis title ends in it, "time per
 * round trip (µs)", and the ticks are plain numbers in it; where the
 * ticks need several (a logarithmic axis from ns to ms), each tick
 * carries its own and the title none. So the labels given here name the
 * quantity without a unit; an axis of SVG_UNIT_NONE or SVG_UNIT_COUNT has
 * no unit of its own, and its label says it ("throughput (requests/s)").
 *
 * The page's CSS must colour these classes (no colour is written here;
 * text is filled with currentColor from the <svg> element):
 *   .s0 ... .s7   a series: both fill (bars, markers, legend squares) and
 *                 stroke (lines); set on <g> groups, on legend swatches and,
 *                 with "band", on a line's interval band (drawn with
 *                 opacity .2 unless the CSS says otherwise; give .band
 *                 stroke: none)
 *   .axis .grid   stroke of the axes and of the grid lines (keep grid light)
 *   .err          stroke of the error bars drawn over bars
 *   .ref .ideal   stroke of the reference and y = x lines (dashes are set)
 * The legend is inside the <svg> (<g class="legend">), above the plot.
 */
#ifndef PTLAB_REPORT_SVG_H
#define PTLAB_REPORT_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define SVG_SERIES_MAX 8

enum svg_kind {
	SVG_BARS,    /* grouped bars: one group per category, one bar per series */
	SVG_STACKED, /* stacked bars: one stack per category, the series stacked */
	SVG_LINES,   /* lines over numeric x, one per series */
};

struct svg_series {
	const char *label; /* legend */
	size_t n;	   /* points: == n_categories for bars */
	const double *x;   /* SVG_LINES: the x of each point; NULL for bars */
	const double *y;
	const double *lo, *hi; /* the 95% interval of each y, or NULL; NaN: none for that point;
				  not drawn on stacked bars */
	const char *value;     /* NULL, or the raw word the label translates (data-value) */
	bool marks;	       /* SVG_LINES: a mark (a cross) at each point and no line:
				  events such as failures, drawn only where they happen */
};

/* How a value of an axis is printed at its ticks. */
enum svg_unit {
	SVG_UNIT_NONE,	      /* plain numbers, "12.3k" */
	SVG_UNIT_COUNT,	      /* whole numbers: ticks 1, 2, 3, never 1.5 */
	SVG_UNIT_NS,	      /* durations: "812 ns", "1.2 ms" */
	SVG_UNIT_BYTES,	      /* sizes: "4 KiB", "1 GiB" */
	SVG_UNIT_BYTES_PER_S, /* rates, given in bytes per second: "64 GiB/s" */
};

#define SVG_WIDTH 420 /* the drawing's width in its own units */
#define SVG_FONT 13   /* the size of its text in those units */

struct svg_chart {
	const char *id;		       /* unique in the page ([a-z0-9-]+); the svg element's id */
	const char *title;	       /* shown above the chart */
	const char *x_label, *y_label; /* the quantity, e.g. "parent memory": svg.c adds the unit */
	enum svg_kind kind;
	enum svg_unit x_unit, y_unit;
	bool log_x, log_y;		    /* logarithmic axes (values <= 0 are left out) */
	const char *const *categories;	    /* bars: the label of each group */
	const char *const *category_values; /* NULL, or the raw word each label translates */
	size_t n_categories;
	const struct svg_series *series;
	size_t n_series; /* 1..SVG_SERIES_MAX */
	/* Optional reference lines, drawn dashed and named in the legend. */
	const char *ref_label; /* a horizontal line at ref_y (a ceiling); NULL: none */
	double ref_y;
	const char *ideal_label; /* the line y = x (ideal speed-up), SVG_LINES only; NULL: none */
};

/*
 * Writes one <figure> with the chart's <svg> (and its title and legend) to
 * out. Every text is escaped for XML. Values that cannot be drawn (NaN,
 * infinite, <= 0 on a log axis) are left out; bars on a log axis grow from
 * its bottom. A line of more than 60 points gets no point markers. A
 * reference line that cannot be drawn is left out of the legend too.
 * Returns 0; -EINVAL, having written nothing, for a chart with no series,
 * more than SVG_SERIES_MAX, no drawable point, an id outside [a-z0-9-]+,
 * bars whose series do not have n_categories points, or lines without x;
 * -EIO when out is in error after writing.
 */
int svg_chart_write(FILE *out, const struct svg_chart *c);

/* Writes s escaped for HTML/XML text and attributes (&, <, >, ", '). */
void svg_escape(FILE *out, const char *s);

#endif
