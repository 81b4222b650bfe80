// SPDX-License-Identifier: MIT
/*
 * html_charts: the charts of the HTML report's experiment sections, an
 * internal part of report/html.c. Each chart an experiment declares
 * (runner/chart.h) is a selection of the result model (figures of some
 * names under some conditions, or observations read by form) turned into
 * one svg_chart_write() call; a chart whose data is absent from the run is
 * left out without a word, so a partial run gives a partial page.
 */
#ifndef PTLAB_REPORT_HTML_CHARTS_H
#define PTLAB_REPORT_HTML_CHARTS_H

#include <stdint.h>
#include <stdio.h>

#include "model/run.h"

/*
 * Writes the charts experiment e's descriptor declares (by its name; none
 * for an experiment ptlab does not know or that declares none) inside one <div class="charts">, or
 * nothing when none has data. seed is the run's seed, for the bootstrap
 * intervals of derived figures (speed-ups). Returns 0, -ENOMEM or -EIO.
 */
int html_charts_write(FILE *out, const struct exp_result *e, uint64_t seed);

#endif
