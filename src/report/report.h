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
	int width;  /* columns; 80 */
};

struct renderer {
	const char *name; /* "text", "json" */
	/* Writes the report to out. Returns 0 or -errno. */
	int (*render)(FILE *out, const struct run *r, const struct verdict *v,
		      const struct report_opts *o);
};

extern const struct renderer render_text;

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
