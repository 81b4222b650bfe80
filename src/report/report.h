// SPDX-License-Identifier: MIT
/*
 * report: the renderers. Each is one file behind one interface: it gets
 * the run and the verdicts of every claim (claims_judge_all()) and writes
 * one format. Renderers are the only code that formats numbers for
 * people; experiments and claims hand them raw values.
 */
#ifndef PTLAB_REPORT_REPORT_H
#define PTLAB_REPORT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "claims/claims.h"
#include "model/run.h"

struct report_opts {
	bool color; /* ANSI colours (only on a terminal, never with NO_COLOR) */
	bool charts; /* text: small Unicode bar charts (only on a terminal, never with --no-charts) */
	int width;   /* columns; 80 */
};

struct renderer {
	const char *name; /* "text", "json" */
	/* Writes the report to out. Returns 0 or -errno. */
	int (*render)(FILE *out, const struct run *r, const struct verdict *v,
		      const struct report_opts *o);
};

extern const struct renderer render_text;
/* One row per metric summary, stable documented columns (doc/formats.md). */
extern const struct renderer render_csv;
/* The OpenMetrics text format, for the node_exporter textfile collector (doc/formats.md). */
extern const struct renderer render_openmetrics;
/* One self-contained HTML page: the seeds' table, SVG charts, environment, raw data. */
extern const struct renderer render_html;

/*
 * Renders with rd into path atomically (a temporary file in the same
 * folder, then rename; SIGINT, SIGTERM and SIGHUP held off meanwhile, so no
 * temporary file is left behind). Returns 0 or -errno.
 */
int report_save(const char *path, const struct renderer *rd, const struct run *r,
		const struct verdict *v, const struct report_opts *o);

/*
 * Writes text wrapped at spaces to width columns (characters, not bytes),
 * every line after indent spaces. For everything ptlab prints to people.
 */
void report_wrap(FILE *out, const char *text, int indent, int width);
extern const struct renderer render_json;

/* The verdicts as a JSON array (new reference), for the JSON renderer and `run --json`. */
struct json_t;
struct json_t *report_verdicts_json(const struct verdict *v, size_t n);

/* Writes the run with its verdicts to path (atomically). Returns 0 or -errno. */
int report_save_json(const char *path, const struct run *r, const struct verdict *v);

#endif
