// SPDX-License-Identifier: MIT
/*
 * view: what a person reads of a run, computed once for every renderer
 * (the terminal, the HTML page, Markdown). One row per claim of the
 * seeds' comparison, in the seeds' order of aspects: its two cells, what
 * they compare, its verdict. The renderers only lay it out, so a label
 * reads the same everywhere.
 *
 * A row has one of two shapes. Sides: a process figure and a thread
 * figure, each with the conditions that set it apart from the other,
 * and, in `what`, what the two have in common (the figure's name when it
 * is the same on both sides, the conditions that matter: mechanism,
 * working set, placement). Ranking: a claim that compares mechanisms or
 * primitives shows its fastest and its slowest, never under the process
 * and thread columns. A fact shows the seeds' own words.
 */
#ifndef PTLAB_REPORT_VIEW_H
#define PTLAB_REPORT_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "claims/claims.h"
#include "model/run.h"

#define VIEW_CELL 192

enum view_shape {
	VIEW_SIDES,   /* process and thread */
	VIEW_RANKING, /* fastest and slowest */
};

struct view_row {
	const struct verdict *v;
	enum aspect aspect;
	bool first;    /* the first row of its aspect */
	bool measured; /* an experiment of the run feeds it: it has a block of details */
	enum view_shape shape;
	char what[VIEW_CELL];  /* what both cells compare; "" when the cells say it all */
	char left[VIEW_CELL];  /* sides: the process cell; ranking: the fastest, "pipe 9.10 µs" */
	char right[VIEW_CELL]; /* sides: the thread cell; ranking: the slowest */
	char verdict[VIEW_CELL];  /* "holds", "(a) holds, (b) inconclusive" */
	char ratio[32];		  /* "×9.08", or "" where no ratio is the headline */
	char headline[VIEW_CELL]; /* the verdict and its ratio in one: "holds ×9.08" */
};

struct view {
	struct view_row *rows;
	size_t n;
};

/* Whether an experiment of r measured v's claim: it gets a block of details. */
bool view_measured(const struct run *r, const struct verdict *v);

/* Builds the rows of r's verdicts v (claims_judge_all() order), every claim once. */
void view_build(struct view *w, const struct run *r, const struct verdict *v);
void view_free(struct view *w);

/*
 * A metric's name, with its unit kind when the experiment measured the
 * same name for both kinds ("futex process"); the name alone otherwise.
 */
void view_metric_label(const struct exp_result *e, const struct metric *m, char *buf, size_t size);

/*
 * The figures of a ranking claim (CLAIM_TABLE), fastest first: a new
 * array of pointers into e (caller frees), its length in *n.
 */
const struct metric **view_ranking(const struct claim *c, const struct exp_result *e, size_t *n);

/*
 * The run and the machine, a sentence each, for every report's head:
 * "ptlab 0.2.0, quick preset, started ..., seed 1, CPUs all" and "AMD
 * EPYC, 2 CPUs, virtual machine (KVM), Linux ..., PCID yes, PTI off, huge
 * pages madvise, load average 0.91." Return buf.
 */
char *view_run_line(const struct run *r, char *buf, size_t size);
/* The CPUs a run used: its list, or "all" in the reader's language. */
const char *view_cpus(const struct run *r);
char *view_machine_line(const struct run *r, char *buf, size_t size);

/* The table's title, which says what the seeds are, and the verdicts' legend, translated. */
const char *view_title(void);
const char *view_legend(void);

/* s with every space a no-break space (U+00A0): "37.5 µs" kept on one line. Returns buf. */
char *view_nbsp(const char *s, char *buf, size_t size);

/* A condition in words: "same CPU", "64 B messages", "4.00 MiB working set"; "" to leave out. */
char *view_condition(const struct mparam *p, char *buf, size_t size);

#endif
