// SPDX-License-Identifier: MIT
/*
 * chart: the charts an experiment wants, declared as data in its
 * descriptor beside the figures they draw (struct experiment's .charts).
 * The HTML report (report/html_charts.c) draws them; an experiment that
 * adds a figure and charts it touches its own file only.
 *
 * A chart selects figures (by name and "key=value" conditions, as the
 * claims do: metric_matches) into series, and draws each figure's median
 * with its 95% interval:
 *   - CHART_BARS, CHART_STACKED: a category per value of cat_key (or per
 *     figure name), a bar per series;
 *   - CHART_LINES: the figures against the numeric condition x_key (or
 *     x_key_else where no figure has x_key);
 *   - CHART_BANDWIDTH: the same, with y the x_key bytes moved per second
 *     (from the time per message), split into charts of at most
 *     SVG_SERIES_MAX series, the fastest copy of ref_name as the ceiling;
 *   - CHART_SPEEDUP: the time of one unit over the time of N ("units"),
 *     one line per "kind", its interval by the verdicts' bootstrap;
 *   - CHART_PERCENTILES: the server.percentiles observations (forms of
 *     core/evidence.h, read by position) whose key is series[0].names[0]
 *     followed by the where conditions, a series per value of its key;
 *   - CHART_TIMELINE: the server.timeline observations
 *     "<names[0]> <key>=<model>": of each series the first model its
 *     words list has, its succeeded requests a line and its failed ones
 *     marks; the title holds {1} and {2}, the slice and when the poisoned
 *     request was sent.
 * Axis labels name the quantity; the page adds the unit its ticks are in
 * ("time per round trip (µs)"), except on an axis of plain numbers, whose
 * label says it ("throughput (requests/s)").
 * A series takes its label from `label` (one series), else from the value
 * of its `key` condition (NULL: the figure's name) through `words`
 * (value -> N_() label; a value not listed is shown as it is), or, with
 * `count_noun`, as "N <noun>" of a numeric condition.
 */
#ifndef PTLAB_RUNNER_CHART_H
#define PTLAB_RUNNER_CHART_H

#include <stdbool.h>

#include "core/evidence.h"

enum chart_kind {
	CHART_BARS,
	CHART_STACKED,
	CHART_LINES,
	CHART_BANDWIDTH,
	CHART_SPEEDUP,
	CHART_PERCENTILES,
	CHART_TIMELINE,
};

/* The unit of an axis as the chart shows it. */
enum chart_unit {
	CHART_UNIT_FIGURE, /* the unit of the figures drawn */
	CHART_UNIT_NONE,
	CHART_UNIT_NS,
	CHART_UNIT_BYTES,
};

/* One selection of figures, drawn as one or more series. */
struct chart_series {
	const char *const *names; /* NULL-terminated figure names; NULL: any */
	const char *const *where; /* "key=value" conditions (a bare key: present) */
	const char *key;	  /* the condition that names a series; NULL: the figure's name */
	const struct ev_form *words; /* labels of key's values; NULL: the values as they are */
	const char *label;	     /* N_(): one series of this label instead */
	/*
	 * N_() pair for "{1} contenders" when key is a count: the text for one,
	 * and for any other count (two msgids: a language with more plural
	 * forms than two would need a form of its own).
	 */
	const char *count_one, *count_many;
};

#define CHART_SERIES_MAX 2

struct chart_decl {
	const char *id; /* the page's element id: "switch-placement"; NULL ends a table */
	enum chart_kind kind;
	const char *title, *x_label, *y_label; /* N_() */
	struct chart_series series[CHART_SERIES_MAX];
	const char *cat_key;	/* bars: the condition that names a category; NULL: the name */
	const char *x_key;	/* lines: the numeric condition on x */
	const char *x_key_else; /* lines: used where no figure has x_key */
	/*
	 * bars: only the figures with the largest value of this numeric
	 * condition; the title is then title_one for one and title for
	 * any other value, with {1} for it.
	 */
	const char *largest_key;
	const char *title_one;
	const char *ref_name; /* bandwidth: the figure whose best rate is the ceiling */
	enum chart_unit x_unit;
	bool log_x, log_y;
};

/* Labels of the "kind" condition: process -> processes, thread -> threads. */
extern const struct ev_form chart_kind_labels[];

#endif
