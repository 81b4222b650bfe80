// SPDX-License-Identifier: MIT
/*
 * compare: several saved runs side by side (`ptlab compare A.json B.json
 * ...`), across runs of one machine or across machines. The first run is
 * the reference. Every figure (an experiment's metric under its
 * conditions) found in any run gets one row: its median and 95% interval
 * in each run, the ratio of each run's median to the reference's with the
 * bootstrap interval of the claims (claims/verdict.c), and whether that
 * difference is significant by the same rule as a verdict (T and E of
 * CLAIMS.md). Every claim whose verdict differs between runs is listed.
 * Runs of a different schema version are refused before anything is
 * compared (run_load() already refuses a newer one; compare refuses any
 * mismatch).
 */
#ifndef PTLAB_REPORT_COMPARE_H
#define PTLAB_REPORT_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "claims/claims.h"
#include "model/run.h"
#include "report/report.h"

#define COMPARE_RUNS_MAX 16

/* One run to compare: the loaded run, its verdicts, and a label (the file name). */
struct compare_input {
	const struct run *run;
	const struct verdict *v; /* claims_count() verdicts, judged by the caller */
	const char *label;
};

/* Writes the comparison as text (80 columns) or as one HTML page. Return 0 or -errno. */
int compare_render_text(FILE *out, const struct compare_input *in, size_t n,
			const struct report_opts *o);
int compare_render_html(FILE *out, const struct compare_input *in, size_t n,
			const struct report_opts *o);

#endif
