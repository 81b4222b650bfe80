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
	int width;   /* columns; 80, the terminal's when wider */
	/* text: the table alone by default; details adds a block per claim, figures every figure. */
	bool details, figures;
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
/* GitHub-flavoured Markdown: the machine, the seeds' table, the rankings (report/markdown.c). */
extern const struct renderer render_markdown;

/*
 * Renders with rd into memory, then writes it to path by the rule of
 * core/outfile.h (atomically, in place into a device or a FIFO, or to
 * stdout for "-"; SIGINT, SIGTERM and SIGHUP held off meanwhile). Returns
 * 0 or -errno; *why (nullable) as outfile_write() sets it.
 */
int report_save(const char *path, const struct renderer *rd, const struct run *r,
		const struct verdict *v, const struct report_opts *o, const char **why);

/*
 * Numbers for people, the same in every renderer (report/fmt.c): a value
 * in its unit ("812 ns", "1.00 MiB", "12.3k requests/s", "1 request";
 * "n/a" when not finite), a ratio with three significant digits and no
 * exponent ("8.50", "241", "0.500", "∞"), a trend's slope per GiB of its x
 * ("+36.5 ms/GiB"). Units' words and the decimal separator are the
 * language's ("12,3k permintaan/s", "8,50": i18n_decimal_point): never for
 * a machine format. Each writes into buf (size >= 1) and returns it.
 */
char *report_fmt_value(double v, const char *unit, char *buf, size_t size);
char *report_fmt_ratio(double r, char *buf, size_t size);
/*
 * A figure's modes (core/modes.h) as one sentence, "2 modes: 180 ns (55%),
 * 470 ns (45%)"; NULL (buf untouched) when it has fewer than two.
 */
char *report_fmt_modes(const struct modes *md, const char *unit, char *buf, size_t size);
/*
 * The environment's note when cross-CPU figures changed mode in stretches
 * of time during the run (run_placement_moves), one translated sentence;
 * NULL (buf untouched) when none did.
 */
char *report_placement_note(const struct run *r, char *buf, size_t size);
/* Said under a figure whose modes came in stretches of time (modes_in_stretches), else NULL. */
const char *report_modes_stretches(const struct modes *md);
/*
 * A gap trend's two sentences (switch.tlb), for the terminal and the HTML
 * page alike: line 0 the fixed gap, its growth and slope; line 1 the
 * growth ratio the verdict reads. Writes into buf; returns buf.
 */
char *report_gap_line(const struct verdict *v, int line, char *buf, size_t size);
/*
 * A speed-up claim's sentences (par.speedup): line i < v->n_lines the
 * kind of line i against 1 and the ideal; line v->n_lines the process /
 * thread context. Writes into buf; returns buf.
 */
char *report_speedup_line(const struct verdict *v, size_t line, char *buf, size_t size);
char *report_fmt_slope(const struct trend_line *l, char *buf, size_t size);
/*
 * The machine's kind for people: "bare metal", "virtual machine",
 * "virtual machine (KVM)"; when the CPUID signature and the kernel's word
 * name different hypervisors, both: "virtual machine (CPUID: bhyve,
 * kernel: PVM)". Writes into buf and returns it.
 */
char *report_fmt_machine_kind(const struct sysinfo *e, char *buf, size_t size);
/* yes, no, or "?" for a fact not known (a run of ptlab 0.1.0). */
const char *report_fmt_flag(enum sysinfo_flag f);
/* Display width of a UTF-8 string (at most `bytes` bytes): one column per code point. */
size_t report_width(const char *s, size_t bytes);
/* The ANSI colour of a verdict on a terminal (reset with "\033[0m"). */
const char *report_status_color(enum verdict_status s);

/*
 * Writes text wrapped at spaces to width columns (characters, not bytes),
 * every line after indent spaces. For everything ptlab prints to people.
 */
void report_wrap(FILE *out, const char *text, int indent, int width);

/*
 * One piece of a line for report_wrap_pieces(): words, broken at their
 * spaces (and always after a '\n'), or, when whole, one unit never broken
 * (a number with its unit, a condition) unless it is wider than a line,
 * where it is cut at the margin. color (NULL: none) is the ANSI code that
 * frames it when colours are on. An empty or NULL text is left out.
 */
struct report_piece {
	const char *text;
	const char *color;
	bool whole;
};

/*
 * Writes pieces[0..n) one after the other, one space apart, wrapped at
 * width columns (characters, not bytes; 80 when width < 1): the first
 * line after `first` spaces, every later one after `indent` (each at
 * most half the width), the last ended by '\n'. No line ends in a space,
 * and a colour never runs across a line's end. Nothing is written when
 * every piece is empty. report_wrap() is one piece of words with first =
 * indent.
 */
void report_wrap_pieces(FILE *out, const struct report_piece *pieces, size_t n, int first,
			int indent, int width, bool color);
extern const struct renderer render_json;

/* The verdicts as a JSON array (new reference), for the JSON renderer and `run --json`. */
struct json_t;
struct json_t *report_verdicts_json(const struct verdict *v, size_t n);

#endif
