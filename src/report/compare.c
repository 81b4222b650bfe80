// SPDX-License-Identifier: MIT
/*
 * compare: several saved runs side by side, as text (80 columns) and as
 * one HTML page. The first run is the reference; every other run is read
 * against it, figure by figure, so that "is this machine (or this kernel,
 * or this build) different?" gets the same kind of answer as a claim.
 *
 * A figure is an experiment's metric under its conditions, matched across
 * runs by (experiment, metric name, every condition in order, as text).
 * One condition is left out of the match: a reading the experiment took
 * (create's parent_rss_bytes, the parent's resident memory), which differs
 * from run to run and would otherwise pair nothing. Rows come in the order
 * of the first run that has them; a figure twice in one run (two batches)
 * pairs with the second one of the other runs.
 *
 * The difference is the ratio of medians (the later run over the
 * reference) with the percentile bootstrap of the claims (seeded with the
 * reference's seed, widened by the round spread, no interval under
 * CLAIM_MIN_SAMPLES samples a side) and judged by the claims' ratio rule
 * (T and E): "same" is the rule's negligible, "?" its inconclusive, and a
 * significant ratio is named by what the figure measures (a time is slower
 * or faster, a rate faster or slower, anything else larger or smaller) and
 * classed better or worse by the metric's direction.
 *
 * Cost: every ratio takes CLAIM_BOOTSTRAP resamples, each an exact draw
 * of the resampled medians (core/stats.c), so two full runs of hundreds of
 * figures compare in a fraction of a second.
 */
#include "report/compare.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/stats.h"
#include "core/units.h"
#include "report/html.h"
#include "report/svg.h"
#include "util/i18n.h"
#include "util/xalloc.h"

#define NO_VALUE "—"

/*
 * Conditions that are readings, not settings: never part of a figure's
 * identity, never shown (each run has its own value).
 */
static const char *const readings[] = { "parent_rss_bytes", NULL };

/* Why a cell has no ratio, or that it has one. */
enum cell_ratio {
	RATIO_NONE,  /* the reference, or the figure is missing on a side */
	RATIO_OK,    /* ratio and interval computed; status holds the rule's verdict */
	RATIO_FEW,   /* fewer than CLAIM_MIN_SAMPLES on a side: bare ratio, "?" */
	RATIO_ZERO,  /* the reference's median is not > 0 */
	RATIO_UNITS, /* the two runs record the figure in different units */
};

/* One run's side of a figure. */
struct cell {
	const struct metric *m; /* NULL: not in that run */
	enum cell_ratio state;
	struct ratio_ci ratio; /* m over the reference's; runs after the first */
	enum verdict_status status;
};

struct row {
	const char *exp;	    /* experiment name (points into a run) */
	const struct metric *first; /* of the first run that has it: name, unit, conditions */
	char *key;
	struct cell cell[COMPARE_RUNS_MAX];
};

struct comparison {
	const struct compare_input *in;
	size_t n;
	struct row *rows;
	size_t n_rows, cap_rows;
	size_t *slots; /* open addressing: row index + 1, 0 empty */
	size_t n_slots;
	const char **exps; /* experiment names in order of first appearance */
	size_t n_exps, cap_exps;
};

static bool is_reading(const char *key)
{
	for (const char *const *r = readings; *r; r++)
		if (strcmp(*r, key) == 0)
			return true;
	return false;
}

/* The identity of a metric of experiment exp, its occ-th occurrence (from 1). Caller frees. */
static char *figure_key(const char *exp, const struct metric *m, unsigned occ)
{
	size_t len = strlen(exp) + strlen(m->name) + 32;
	for (size_t i = 0; i < m->n_params; i++)
		len += strlen(m->params[i].key) + strlen(m->params[i].str) + 2;
	char *key = xmalloc(len), *p = key;
	p += sprintf(p, "%s\x1f%s", exp, m->name);
	for (size_t i = 0; i < m->n_params; i++)
		if (!is_reading(m->params[i].key))
			p += sprintf(p, "\x1f%s=%s", m->params[i].key, m->params[i].str);
	sprintf(p, "\x1e%u", occ);
	return key;
}

static uint64_t hash_of(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The slot of key: the row that has it, or the empty slot where it goes. */
static size_t *slot_of(struct comparison *c, const char *key)
{
	size_t i = hash_of(key) & (c->n_slots - 1);
	while (c->slots[i] && strcmp(c->rows[c->slots[i] - 1].key, key) != 0)
		i = (i + 1) & (c->n_slots - 1);
	return &c->slots[i];
}

static void note_experiment(struct comparison *c, const char *exp)
{
	for (size_t i = 0; i < c->n_exps; i++)
		if (strcmp(c->exps[i], exp) == 0)
			return;
	xgrow((void **)&c->exps, &c->cap_exps, c->n_exps + 1, sizeof(*c->exps));
	c->exps[c->n_exps++] = exp;
}

/* Puts metric m of run k into its row, making the row when it is new. */
static void place_metric(struct comparison *c, size_t k, const char *exp, const struct metric *m)
{
	for (unsigned occ = 1;; occ++) {
		char *key = figure_key(exp, m, occ);
		size_t *slot = slot_of(c, key);
		if (*slot && c->rows[*slot - 1].cell[k].m) {
			free(key); /* the same figure again in this run: its next occurrence */
			continue;
		}
		if (!*slot) {
			xgrow((void **)&c->rows, &c->cap_rows, c->n_rows + 1, sizeof(*c->rows));
			c->rows[c->n_rows] = (struct row){ .exp = exp, .first = m, .key = key };
			*slot = ++c->n_rows;
			note_experiment(c, exp);
		} else {
			free(key);
		}
		c->rows[*slot - 1].cell[k].m = m;
		return;
	}
}

/*
 * The ratio of c->m over ref as verdict.c's metric_ratio() computes it:
 * no interval under CLAIM_MIN_SAMPLES a side, the seeded percentile
 * bootstrap, then the interval widened by the larger round spread.
 */
static void ratio_run(struct cell *c, const struct metric *ref, uint64_t seed)
{
	const struct metric *a = c->m, *b = ref;
	if (a->n < CLAIM_MIN_SAMPLES || b->n < CLAIM_MIN_SAMPLES) {
		c->state = b->sum.median > 0 ? RATIO_FEW : RATIO_ZERO;
		c->ratio.ratio = b->sum.median > 0 ? a->sum.median / b->sum.median : NAN;
		c->ratio.lo = c->ratio.hi = NAN;
		c->status = V_INCONCLUSIVE;
		return;
	}
	double *va = metric_values(a), *vb = metric_values(b);
	int err = stats_ratio_ci95(va, a->n, vb, b->n, seed, CLAIM_BOOTSTRAP, &c->ratio);
	free(va);
	free(vb);
	if (err) {
		c->state = RATIO_ZERO;
		c->status = V_INCONCLUSIVE;
		return;
	}
	double spread = a->round_spread > b->round_spread ? a->round_spread : b->round_spread;
	if (spread > 1.0) {
		c->ratio.lo /= spread;
		c->ratio.hi *= spread;
	}
	c->state = RATIO_OK;
	c->status = verdict_ratio_rule(&c->ratio, CLAIM_THRESHOLD, CLAIM_MARGIN);
}

/* Computes every ratio to the reference. */
static void compute_ratios(struct comparison *c)
{
	for (size_t r = 0; r < c->n_rows; r++) {
		const struct metric *ref = c->rows[r].cell[0].m;
		for (size_t k = 1; k < c->n && ref; k++) {
			struct cell *cell = &c->rows[r].cell[k];
			if (!cell->m)
				continue;
			if (strcmp(cell->m->unit, ref->unit) != 0) {
				cell->state = RATIO_UNITS;
				cell->status = V_INCONCLUSIVE;
				continue;
			}
			ratio_run(cell, ref, c->in[0].run->seed);
		}
	}
}

/* Matches every figure of every run and computes the ratios. Free with comparison_free. */
static void comparison_build(struct comparison *c, const struct compare_input *in, size_t n)
{
	*c = (struct comparison){ .in = in, .n = n };
	size_t total = 0;
	for (size_t k = 0; k < n; k++)
		for (size_t e = 0; e < in[k].run->n_results; e++)
			total += in[k].run->results[e].n_metrics;
	for (c->n_slots = 16; c->n_slots < 2 * total; c->n_slots *= 2)
		;
	c->slots = xcalloc(c->n_slots, sizeof(*c->slots));
	for (size_t k = 0; k < n; k++) {
		const struct run *r = in[k].run;
		for (size_t e = 0; e < r->n_results; e++) {
			const struct exp_result *res = &r->results[e];
			for (size_t i = 0; i < res->n_metrics; i++)
				if (res->metrics[i].n > 0)
					place_metric(c, k, res->name, &res->metrics[i]);
		}
	}
	compute_ratios(c);
}

static void comparison_free(struct comparison *c)
{
	for (size_t i = 0; i < c->n_rows; i++)
		free(c->rows[i].key);
	free(c->rows);
	free(c->slots);
	free(c->exps);
}

/* ---- Formatting for people ---- */

/*
 * A value for people, as a number and its unit apart ("12.3" and "µs",
 * "12.3k" and "requests/s"), so that an interval can share the unit.
 */
static void fmt_parts(double v, const char *unit, char *num, size_t nsize, char *u, size_t usize)
{
	char buf[256];
	report_fmt_value(v, unit, buf, sizeof(buf));
	/* "157 µs", "12.3k widgets per hour": the number is the first word; "n/a" is alone. */
	int len = (int)strcspn(buf, " ");
	snprintf(num, nsize, "%.*s", len, buf);
	snprintf(u, usize, "%s", buf[len] && buf[len + 1] ? buf + len + 1 : unit);
}

/* "extra_bytes=1GiB": sizes in exact binary units, the rest as recorded. */
static char *fmt_condition(const struct mparam *p, char *buf, size_t size)
{
	size_t len = strlen(p->key);
	char val[32];
	if (p->is_num && len > 6 && strcmp(p->key + len - 6, "_bytes") == 0)
		snprintf(buf, size, "%s=%s", p->key,
			 units_format_exact(p->num, UNIT_BYTES, val, sizeof(val)));
	else
		snprintf(buf, size, "%s=%s", p->key, p->str);
	return buf;
}

/*
 * "157 [155–160] µs n=200" into buf, the unit written once when the median
 * and both ends share it ("998 ns [990 ns–1.01 µs] n=200" otherwise); the
 * interval only with n > 1.
 */
static void fmt_median(const struct metric *m, char *buf, size_t size)
{
	char med[64], lo[64], hi[64], u[64], ul[64], uh[64];
	fmt_parts(m->sum.median, m->unit, med, sizeof(med), u, sizeof(u));
	if (m->n < 2) {
		snprintf(buf, size, "%s %s n=%zu", med, u, m->n);
		return;
	}
	fmt_parts(m->sum.ci_lo, m->unit, lo, sizeof(lo), ul, sizeof(ul));
	fmt_parts(m->sum.ci_hi, m->unit, hi, sizeof(hi), uh, sizeof(uh));
	if (strcmp(u, ul) == 0 && strcmp(u, uh) == 0)
		snprintf(buf, size, "%s [%s–%s] %s n=%zu", med, lo, hi, u, m->n);
	else
		snprintf(buf, size, "%s %s [%s %s–%s %s] n=%zu", med, u, lo, ul, hi, uh, m->n);
}

/* "×2.00 [1.96–2.04]", "×2.00" with no interval, or "" with no ratio. */
static void fmt_ratio_ci(const struct cell *c, char *buf, size_t size)
{
	char r[24], lo[24], hi[24];
	if (c->state == RATIO_OK)
		snprintf(buf, size, "×%s [%s–%s]", report_fmt_ratio(c->ratio.ratio, r, sizeof(r)),
			 report_fmt_ratio(c->ratio.lo, lo, sizeof(lo)),
			 report_fmt_ratio(c->ratio.hi, hi, sizeof(hi)));
	else if (c->state == RATIO_FEW)
		snprintf(buf, size, "×%s", report_fmt_ratio(c->ratio.ratio, r, sizeof(r)));
	else
		buf[0] = '\0';
}

/* What a figure measures, for the words of a significant change. */
enum quantity {
	Q_TIME,	 /* ns: slower when it grows */
	Q_RATE,	 /* higher is better, per second: faster when it grows */
	Q_OTHER, /* larger or smaller */
};

static enum quantity quantity_of(const struct metric *m)
{
	size_t len = strlen(m->unit);
	if (strcmp(m->unit, "ns") == 0)
		return Q_TIME;
	if (m->dir == DIR_HIGHER_IS_BETTER && len >= 2 && strcmp(m->unit + len - 2, "/s") == 0)
		return Q_RATE;
	return Q_OTHER;
}

/*
 * The word for a cell's difference ("slower", "slightly faster", "same",
 * "?") and its class for the HTML ("better", "worse", "same", "unknown",
 * or "changed" for a significant change of a figure without a direction).
 * "" for the reference and for a missing figure.
 */
static const char *change_word(const struct cell *c, const char **cls)
{
	*cls = "unknown";
	if (c->state == RATIO_NONE)
		return "";
	if (c->state != RATIO_OK || c->status == V_INCONCLUSIVE)
		return "?";
	if (c->status == V_NEGLIGIBLE) {
		*cls = "same";
		return _("same");
	}
	bool up = c->status == V_HOLDS || c->status == V_HOLDS_SMALL;
	bool small = c->status == V_HOLDS_SMALL || c->status == V_REVERSED_SMALL;
	enum direction dir = c->m->dir;
	if (dir == DIR_NONE)
		*cls = "changed";
	else
		*cls = up == (dir == DIR_HIGHER_IS_BETTER) ? "better" : "worse";
	switch (quantity_of(c->m)) {
	case Q_TIME:
		return up ? (small ? _("slightly slower") : _("slower"))
			  : (small ? _("slightly faster") : _("faster"));
	case Q_RATE:
		return up ? (small ? _("slightly faster") : _("faster"))
			  : (small ? _("slightly slower") : _("slower"));
	default:
		return up ? (small ? _("slightly larger") : _("larger"))
			  : (small ? _("slightly smaller") : _("smaller"));
	}
}

/* The verdict of a claim in one run, for people: "holds ×9.32". */
static void fmt_verdict(const struct verdict *v, char *buf, size_t size)
{
	char r[24];
	if (isfinite(v->ratio.ratio) && v->ratio.ratio > 0)
		snprintf(buf, size, "%s ×%s", verdict_status_label(v->status),
			 report_fmt_ratio(v->ratio.ratio, r, sizeof(r)));
	else
		snprintf(buf, size, "%s", verdict_status_label(v->status));
}

static bool judged(enum verdict_status s)
{
	return s != V_NO_DATA && s != V_NOT_MEASURED;
}

enum claim_change {
	CLAIM_SAME,    /* one verdict in every run */
	CLAIM_CHANGED, /* two runs that judged it disagree */
	CLAIM_PARTLY,  /* the runs that judged it agree, some could not judge it */
};

/*
 * How claim i differs across the runs; *missing receives the runs (bit k
 * for run k) that have no verdict for it.
 */
static enum claim_change claim_change_of(const struct compare_input *in, size_t n, size_t i,
					 unsigned *missing)
{
	const struct verdict *first = NULL;
	bool changed = false;
	*missing = 0;
	for (size_t k = 0; k < n; k++) {
		const struct verdict *v = &in[k].v[i];
		if (!judged(v->status))
			*missing |= 1u << k;
		else if (!first)
			first = v;
		else if (v->status != first->status)
			changed = true;
	}
	if (changed)
		return CLAIM_CHANGED;
	if (*missing && first)
		return CLAIM_PARTLY;
	return CLAIM_SAME;
}

/* Counts the claims of each kind of change. */
static void count_changes(const struct comparison *c, size_t counts[3])
{
	unsigned missing;
	counts[CLAIM_SAME] = counts[CLAIM_CHANGED] = counts[CLAIM_PARTLY] = 0;
	for (size_t i = 0; i < claims_count(); i++)
		counts[claim_change_of(c->in, c->n, i, &missing)]++;
}

/*
 * The claims judged only in some runs, grouped by the runs that lack
 * them: for group g (0, 1, ...) one sentence "No data in [2]: a, b." into
 * a new string, or NULL past the last group.
 */
static char *fmt_partly(const struct comparison *c, size_t g)
{
	size_t nc = claims_count(), group = 0;
	unsigned missing, m;
	for (size_t i = 0; i < nc; i++) {
		if (claim_change_of(c->in, c->n, i, &missing) != CLAIM_PARTLY)
			continue;
		bool first = true; /* of its group */
		for (size_t j = 0; j < i && first; j++)
			first = claim_change_of(c->in, c->n, j, &m) != CLAIM_PARTLY || m != missing;
		if (!first || group++ != g)
			continue;
		char *tags = xcalloc(c->n, 8), *ids = xcalloc(nc, 64 + 2);
		for (size_t k = 0; k < c->n; k++)
			if (missing & (1u << k))
				sprintf(tags + strlen(tags), "%s[%zu]", *tags ? ", " : "", k + 1);
		for (size_t j = i; j < nc; j++)
			if (claim_change_of(c->in, c->n, j, &m) == CLAIM_PARTLY && m == missing)
				snprintf(ids + strlen(ids), 64 + 2, "%s%s", *ids ? ", " : "",
					 c->in[0].v[j].claim->id);
		char *sentence = xasprintf(_("No data in %s: %s."), tags, ids);
		free(tags);
		free(ids);
		return sentence;
	}
	return NULL;
}

/* The machine and the run in one line: "AMD EPYC, 2 CPUs, Linux 6.1, virtual machine (KVM); ...". */
static void fmt_machine(const struct run *r, char *buf, size_t size)
{
	const struct sysinfo *e = &r->env;
	char cpus[32], virt[128];
	snprintf(cpus, sizeof(cpus), ngettext("%d CPU", "%d CPUs", (unsigned long)e->cpus_online),
		 e->cpus_online);
	report_fmt_machine_kind(e, virt, sizeof(virt));
	snprintf(buf, size, _("%s, %s, Linux %s, %s; %s preset, started %s."),
		 e->cpu_model[0] ? e->cpu_model : "?", cpus, e->kernel[0] ? e->kernel : "?", virt,
		 r->preset ? r->preset : "?", r->started ? r->started : "?");
}

static bool same_machine(const struct run *a, const struct run *b)
{
	return strcmp(a->env.cpu_model, b->env.cpu_model) == 0 &&
	       a->env.cpus_online == b->env.cpus_online &&
	       strcmp(a->env.kernel, b->env.kernel) == 0 &&
	       a->env.virtualized == b->env.virtualized;
}

static bool same_text(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/*
 * Whether run k holds exactly the reference's figures: every figure of
 * either is in both, with the same unit, batch and raw samples (at least
 * one figure).
 */
static bool same_figures(const struct comparison *c, size_t k)
{
	size_t shared = 0;
	for (size_t r = 0; r < c->n_rows; r++) {
		const struct metric *a = c->rows[r].cell[0].m, *b = c->rows[r].cell[k].m;
		if (!a && !b)
			continue; /* a figure of a third run */
		if (!a || !b || a->n != b->n || a->batch != b->batch ||
		    strcmp(a->unit, b->unit) != 0 || memcmp(a->raw, b->raw, a->n * sizeof(*a->raw)))
			return false;
		shared++;
	}
	return shared > 0;
}

/* Whether any figure of run k is undecided against the reference ("?"). */
static bool any_undecided(const struct comparison *c, size_t k)
{
	for (size_t r = 0; r < c->n_rows; r++) {
		const struct cell *cell = &c->rows[r].cell[k];
		const char *cls;
		if (cell->m && c->rows[r].cell[0].m && strcmp(change_word(cell, &cls), "?") == 0)
			return true;
	}
	return false;
}

#define NOTES_MAX (COMPARE_RUNS_MAX + 2)
#define NOTE_SIZE 512

/*
 * The notes of the header into notes[0..NOTES_MAX): a run that is the
 * reference run itself (same start time, machine and figures) or holds
 * identical figures, said once each, since every ratio is then 1 and a
 * "?" is no change; runs from different machines; runs of different
 * presets. Returns how many.
 */
static size_t header_notes(const struct comparison *c, char notes[][NOTE_SIZE])
{
	bool machines = true, presets = true;
	size_t n = 0;
	for (size_t k = 1; k < c->n; k++) {
		bool machine = same_machine(c->in[0].run, c->in[k].run);
		machines = machines && machine;
		presets = presets && same_text(c->in[0].run->preset, c->in[k].run->preset);
		if (!same_figures(c, k))
			continue;
		bool same_run = machine && same_text(c->in[0].run->started, c->in[k].run->started);
		bool undecided = any_undecided(c, k);
		if (same_run)
			snprintf(
				notes[n++], NOTE_SIZE,
				undecided
					? _("[%zu] and [1] are the same run: same start time, same "
					    "machine, identical figures. Every ratio is 1, and a "
					    "\"?\" below is a figure whose samples are too few or "
					    "too spread to tell \"same\" even from themselves, not "
					    "a change.")
					: _("[%zu] and [1] are the same run: same start time, same "
					    "machine, identical figures. Every ratio is 1."),
				k + 1);
		else
			snprintf(notes[n++], NOTE_SIZE,
				 undecided
					 ? _("[%zu] and [1] hold identical figures, though they "
					     "are not the same run. Every ratio is 1, and a \"?\" "
					     "below is a figure whose samples are too few or too "
					     "spread to tell \"same\" even from themselves, not a "
					     "change.")
					 : _("[%zu] and [1] hold identical figures, though they "
					     "are not the same run. Every ratio is 1."),
				 k + 1);
	}
	if (!machines)
		snprintf(notes[n++], NOTE_SIZE, "%s",
			 _("The runs come from different machines or kernels: a difference may "
			   "be the machine's."));
	if (!presets)
		snprintf(notes[n++], NOTE_SIZE, "%s",
			 _("The runs used different presets: sample counts, budgets and sizes "
			   "differ too."));
	return n;
}

/* The note on how a difference is judged, one translated paragraph. */
static void fmt_significance(const struct comparison *c, char *buf, size_t size)
{
	snprintf(buf, size,
		 _("How to read: each run is compared with [1], the reference. The ratio is "
		   "its median over the reference's, with a 95%% bootstrap interval (seed %llu, "
		   "%d resamples per figure). As for a claim, a "
		   "difference counts when the ratio is at least %.2f or at most %.2f and its "
		   "interval stays beyond %.2f or %.2f: then slower, faster, larger or smaller "
		   "(slightly, when the interval only excludes 1); \"same\" when the whole "
		   "interval lies between %.2f and %.2f."),
		 (unsigned long long)c->in[0].run->seed, CLAIM_BOOTSTRAP, CLAIM_THRESHOLD,
		 1 / CLAIM_THRESHOLD, CLAIM_MARGIN, 1 / CLAIM_MARGIN, 1 / CLAIM_MARGIN,
		 CLAIM_MARGIN);
	i18n_decimal(buf);
}

/* What "?" and the dash mean, said once, before the first of them. */
static void fmt_legend(char *buf, size_t size)
{
	snprintf(buf, size,
		 _("\"?\" means undecided, not changed: fewer than %d samples on a side, or an "
		   "interval too wide to say either \"same\" or a difference (the figure's "
		   "samples vary too much). A dash (%s) marks a figure missing from a run."),
		 CLAIM_MIN_SAMPLES, NO_VALUE);
}

/* ---- Text ---- */

/* The columns of a line: the report's width, 80 when it is unusable. */
static int text_width(const struct report_opts *o)
{
	return o->width >= 40 ? o->width : 80;
}

/* pieces[0..n) as lines: the first after `first` spaces, the rest after indent. */
static void text_line(FILE *out, const struct report_opts *o, const struct report_piece *pieces,
		      size_t n, int first, int indent)
{
	report_wrap_pieces(out, pieces, n, first, indent, text_width(o), o->color);
}

/* One paragraph of words. */
static void text_words(FILE *out, const struct report_opts *o, const char *text, int first,
		       int indent)
{
	const struct report_piece p = { text, NULL, false };
	text_line(out, o, &p, 1, first, indent);
}

static void rule(FILE *out, const struct report_opts *o)
{
	for (int i = 0; i < text_width(o); i++)
		fputc('-', out);
	fputc('\n', out);
}

static const char *class_color(const char *cls)
{
	if (strcmp(cls, "better") == 0)
		return "\033[32m";
	if (strcmp(cls, "worse") == 0)
		return "\033[31m";
	if (strcmp(cls, "same") == 0)
		return "\033[36m";
	return "\033[33m";
}

/* "[2]", padded on the right to the width of the largest tag. */
static void fmt_tag(size_t k, size_t n, char *buf, size_t size)
{
	char widest[16];
	int w = snprintf(widest, sizeof(widest), "[%zu]", n);
	int len = snprintf(buf, size, "[%zu]", k + 1);
	if (len < w && (size_t)w < size) {
		memset(buf + len, ' ', (size_t)(w - len));
		buf[w] = '\0';
	}
}

static void text_header(FILE *out, const struct comparison *c, const struct report_opts *o)
{
	char buf[1024], tag[16];
	fprintf(out,
		ngettext("ptlab compare: %zu run, the first is the reference\n",
			 "ptlab compare: %zu runs, the first is the reference\n", c->n),
		c->n);
	fputc('\n', out);
	for (size_t k = 0; k < c->n; k++) {
		fmt_tag(k, k + 1, tag, sizeof(tag));
		const struct report_piece run[] = {
			{ tag, NULL, true },
			{ c->in[k].label ? c->in[k].label : "?", NULL, true },
			{ k == 0 ? _("(reference)") : NULL, NULL, true },
		};
		text_line(out, o, run, 3, 0, 4);
		fmt_machine(c->in[k].run, buf, sizeof(buf));
		text_words(out, o, buf, 4, 4);
	}
	char(*notes)[NOTE_SIZE] = xcalloc(NOTES_MAX, NOTE_SIZE);
	for (size_t i = 0, n = header_notes(c, notes); i < n; i++)
		text_words(out, o, notes[i], 0, 0);
	free(notes);
	fputc('\n', out);
}

static void text_verdicts(FILE *out, const struct comparison *c, const struct report_opts *o)
{
	size_t nc = claims_count(), counts[3];
	unsigned missing;
	count_changes(c, counts);
	if (counts[CLAIM_SAME] == nc) {
		fprintf(out,
			ngettext("Verdicts: the %zu claim has the same verdict in every run.\n",
				 "Verdicts: all %zu claims have the same verdict in every run.\n",
				 nc),
			nc);
		fputc('\n', out);
		return;
	}
	fprintf(out, _("Verdicts that differ: %zu (%zu unchanged, %zu judged in only some runs)\n"),
		counts[CLAIM_CHANGED], counts[CLAIM_SAME], counts[CLAIM_PARTLY]);
	rule(out, o);
	for (size_t i = 0; i < nc; i++) {
		if (claim_change_of(c->in, c->n, i, &missing) != CLAIM_CHANGED)
			continue;
		const struct claim *cl = c->in[0].v[i].claim;
		char id[64], tag[16], cell[96];
		snprintf(id, sizeof(id), "%s:", cl->id);
		const struct report_piece head[] = { { id, NULL, true },
						     { _(cl->text), NULL, false } };
		text_line(out, o, head, 2, 0, 4);
		for (size_t k = 0; k < c->n; k++) {
			const struct verdict *v = &c->in[k].v[i];
			fmt_tag(k, c->n, tag, sizeof(tag));
			fmt_verdict(v, cell, sizeof(cell));
			const struct report_piece line[] = {
				{ tag, NULL, true },
				{ cell, report_status_color(v->status), true },
			};
			text_line(out, o, line, 2, 4, 8);
		}
	}
	char *partly;
	for (size_t g = 0; (partly = fmt_partly(c, g)) != NULL; g++) {
		text_words(out, o, partly, 0, 4);
		free(partly);
	}
	fputc('\n', out);
}

/* Counts of one run's differences to the reference. */
struct tally {
	size_t better, worse, changed, same, unknown, missing;
};

static void tally_of(const struct comparison *c, size_t k, struct tally *t)
{
	*t = (struct tally){ 0 };
	for (size_t r = 0; r < c->n_rows; r++) {
		const struct cell *cell = &c->rows[r].cell[k];
		const char *cls;
		if (!cell->m || !c->rows[r].cell[0].m) {
			t->missing++;
			continue;
		}
		change_word(cell, &cls);
		if (strcmp(cls, "better") == 0)
			t->better++;
		else if (strcmp(cls, "worse") == 0)
			t->worse++;
		else if (strcmp(cls, "changed") == 0)
			t->changed++;
		else if (strcmp(cls, "same") == 0)
			t->same++;
		else
			t->unknown++;
	}
}

/* "[2] against [1]: 3 better, 1 worse, ..." into buf. */
static void fmt_tally(const struct comparison *c, size_t k, char *buf, size_t size)
{
	struct tally t;
	char tag[16];
	tally_of(c, k, &t);
	fmt_tag(k, k + 1, tag, sizeof(tag));
	if (t.changed)
		snprintf(buf, size,
			 _("%s against [1]: %zu better, %zu worse, %zu different (neither better "
			   "nor worse), %zu same, %zu undecided (?), %zu missing on one side."),
			 tag, t.better, t.worse, t.changed, t.same, t.unknown, t.missing);
	else
		snprintf(buf, size,
			 _("%s against [1]: %zu better, %zu worse, %zu same, %zu undecided (?), "
			   "%zu missing on one side."),
			 tag, t.better, t.worse, t.same, t.unknown, t.missing);
}

/* How experiment exp ended in run r, when not well ("timed out"), or NULL. */
static const char *exp_trouble(const struct run *r, const char *exp)
{
	const struct exp_result *res = run_find_result(r, exp);
	if (!res)
		return _("not in this run");
	return res->outcome == OUTCOME_OK ? NULL : outcome_label(res->outcome);
}

/*
 * The runs (bit k for run k) that have figures of experiment exp, and how
 * many figures it has.
 */
static unsigned exp_runs(const struct comparison *c, const char *exp, size_t *figures)
{
	unsigned mask = 0;
	*figures = 0;
	for (size_t r = 0; r < c->n_rows; r++) {
		if (strcmp(c->rows[r].exp, exp) != 0)
			continue;
		++*figures;
		for (size_t k = 0; k < c->n; k++)
			if (c->rows[r].cell[k].m)
				mask |= 1u << k;
	}
	return mask;
}

/*
 * When only one run has figures of experiment exp, the sentence that says
 * so into buf (the figures are not listed: nothing to compare them with)
 * and true; else false.
 */
static bool fmt_only_in(const struct comparison *c, const char *exp, char *buf, size_t size)
{
	size_t figures;
	unsigned mask = exp_runs(c, exp, &figures);
	if (c->n < 2 || (mask & (mask - 1)) != 0)
		return false;
	size_t k = 0;
	while (k + 1 < c->n && !(mask & (1u << k)))
		k++;
	snprintf(buf, size,
		 ngettext("%zu figure, only in [%zu]: nothing to compare it with.",
			  "%zu figures, only in [%zu]: nothing to compare them with.", figures),
		 figures, k + 1);
	return true;
}

/* Why run k of a row has no ratio when that is not plain ("(median 0)"), into buf; false if none. */
static bool cell_note(const struct row *row, size_t k, char *buf, size_t size)
{
	const struct cell *cell = &row->cell[k];
	buf[0] = '\0';
	if (cell->state == RATIO_UNITS)
		snprintf(buf, size, _("(unit %s, the reference's %s)"), cell->m->unit,
			 row->cell[0].m->unit);
	else if (cell->state == RATIO_ZERO)
		snprintf(buf, size, "%s", _("(the reference's median is 0: no ratio)"));
	return buf[0] != '\0';
}

/* One figure: its name and conditions, then one line per run. */
static void text_row(FILE *out, const struct comparison *c, const struct row *row,
		     const struct report_opts *o)
{
	const struct metric *m = row->first;
	char median[256], ratio[128], note[256], tag[16];
	struct report_piece *head = xcalloc(m->n_params + 1, sizeof(*head));
	char(*cond)[256] = xcalloc(m->n_params + 1, sizeof(*cond));
	size_t n = 0;
	head[n++] = (struct report_piece){ m->name, NULL, true };
	for (size_t i = 0; i < m->n_params; i++)
		if (!is_reading(m->params[i].key))
			head[n++] = (struct report_piece){
				fmt_condition(&m->params[i], cond[i], sizeof(cond[i])), NULL, true
			};
	text_line(out, o, head, n, 2, 6);
	free(cond);
	free(head);
	for (size_t k = 0; k < c->n; k++) {
		const struct cell *cell = &row->cell[k];
		const char *cls = "", *word = cell->m ? change_word(cell, &cls) : NULL;
		fmt_tag(k, c->n, tag, sizeof(tag));
		if (cell->m) {
			fmt_median(cell->m, median, sizeof(median));
			fmt_ratio_ci(cell, ratio, sizeof(ratio));
			cell_note(row, k, note, sizeof(note));
		}
		const struct report_piece line[] = {
			{ tag, NULL, true },
			{ cell->m ? median : NO_VALUE, NULL, !cell->m },
			{ cell->m ? ratio : NULL, NULL, true },
			{ word, class_color(cls), true },
			{ cell->m ? note : NULL, NULL, false },
		};
		text_line(out, o, line, 5, 4, 5 + (int)report_width(tag, SIZE_MAX));
	}
}

static void text_figures(FILE *out, const struct comparison *c, const struct report_opts *o)
{
	char buf[2048], tag[16];
	fprintf(out, _("Figures: %zu"), c->n_rows);
	fputc('\n', out);
	rule(out, o);
	fmt_significance(c, buf, sizeof(buf));
	text_words(out, o, buf, 0, 0);
	fmt_legend(buf, sizeof(buf));
	text_words(out, o, buf, 0, 0);
	for (size_t k = 1; k < c->n; k++) {
		fmt_tally(c, k, buf, sizeof(buf));
		text_words(out, o, buf, 0, 4);
	}
	for (size_t e = 0; e < c->n_exps; e++) {
		fprintf(out, "\n%s\n", c->exps[e]);
		for (size_t k = 0; k < c->n; k++) {
			const char *trouble = exp_trouble(c->in[k].run, c->exps[e]);
			if (!trouble)
				continue;
			fmt_tag(k, c->n, tag, sizeof(tag));
			const struct report_piece line[] = { { tag, NULL, true },
							     { trouble, NULL, false } };
			text_line(out, o, line, 2, 2, 6);
		}
		if (fmt_only_in(c, c->exps[e], buf, sizeof(buf))) {
			text_words(out, o, buf, 2, 2);
			continue;
		}
		for (size_t r = 0; r < c->n_rows; r++)
			if (strcmp(c->rows[r].exp, c->exps[e]) == 0)
				text_row(out, c, &c->rows[r], o);
	}
}

int compare_render_text(FILE *out, const struct compare_input *in, size_t n,
			const struct report_opts *o)
{
	if (n < 1 || n > COMPARE_RUNS_MAX)
		return -EINVAL;
	struct comparison c;
	comparison_build(&c, in, n);
	text_header(out, &c, o);
	text_verdicts(out, &c, o);
	text_figures(out, &c, o);
	comparison_free(&c);
	return ferror(out) ? -EIO : 0;
}

/* ---- HTML ---- */

/* Writes before and after as they are, text escaped between them. */
static void put(FILE *out, const char *before, const char *text, const char *after)
{
	fputs(before, out);
	svg_escape(out, text);
	fputs(after, out);
}

/*
 * The colours of a ratio cell, from the shell's own palette (so both
 * schemes apply); the shell has no rule for these classes.
 */
static const char html_style[] = "<style>\n"
				 "td.better { color: var(--good); background: var(--good-bg); }\n"
				 "td.worse { color: var(--bad); background: var(--bad-bg); }\n"
				 "td.same { color: var(--neu); }\n"
				 "td.changed { color: var(--mid); background: var(--mid-bg); }\n"
				 "td.unknown { color: var(--muted); }\n"
				 "table.compare td { white-space: nowrap; }\n"
				 "</style>\n";

static void html_header(FILE *out, const struct comparison *c)
{
	char buf[1024];
	fputs(html_style, out);
	snprintf(buf, sizeof(buf),
		 ngettext("ptlab compare: %zu run", "ptlab compare: %zu runs", c->n), c->n);
	put(out, "<header>\n<h1>", buf, "</h1>\n</header>\n<main>\n<section>\n");
	put(out, "<div class=\"scroll\"><table class=\"runs\">\n<thead><tr><th>#</th><th>",
	    _("run"), "</th>");
	put(out, "<th>", _("machine and run"), "</th></tr></thead>\n<tbody>\n");
	for (size_t k = 0; k < c->n; k++) {
		fprintf(out, "<tr><td>[%zu]</td>", k + 1);
		put(out, "<td>", c->in[k].label ? c->in[k].label : "?", k ? "" : " ");
		put(out, "", k ? "" : _("(reference)"), "</td>");
		fmt_machine(c->in[k].run, buf, sizeof(buf));
		put(out, "<td>", buf, "</td></tr>\n");
	}
	fputs("</tbody>\n</table></div>\n", out);
	char(*notes)[NOTE_SIZE] = xcalloc(NOTES_MAX, NOTE_SIZE);
	for (size_t i = 0, n = header_notes(c, notes); i < n; i++)
		put(out, "<p class=\"warning\">", notes[i], "</p>\n");
	free(notes);
	fputs("</section>\n", out);
}

static void html_verdicts(FILE *out, const struct comparison *c)
{
	size_t nc = claims_count(), counts[3];
	unsigned missing;
	char buf[256];
	count_changes(c, counts);
	put(out, "<section>\n<h2>", _("Verdicts that differ"), "</h2>\n");
	snprintf(buf, sizeof(buf), _("%zu differ, %zu unchanged, %zu judged in only some runs."),
		 counts[CLAIM_CHANGED], counts[CLAIM_SAME], counts[CLAIM_PARTLY]);
	put(out, "<p>", buf, "</p>\n");
	if (counts[CLAIM_CHANGED]) {
		put(out, "<div class=\"scroll\"><table class=\"verdicts\">\n<thead><tr><th>",
		    _("claim"), "</th>");
		for (size_t k = 0; k < c->n; k++)
			fprintf(out, "<th>[%zu]</th>", k + 1);
		fputs("</tr></thead>\n<tbody>\n", out);
	}
	for (size_t i = 0; i < nc && counts[CLAIM_CHANGED]; i++) {
		if (claim_change_of(c->in, c->n, i, &missing) != CLAIM_CHANGED)
			continue;
		const struct claim *cl = c->in[0].v[i].claim;
		put(out, "<tr><th scope=\"row\"><code>", cl->id, "</code> ");
		put(out, "", _(cl->text), "</th>");
		for (size_t k = 0; k < c->n; k++) {
			const struct verdict *v = &c->in[k].v[i];
			fmt_verdict(v, buf, sizeof(buf));
			fprintf(out, "<td><span class=\"badge v-%s\">",
				verdict_status_name(v->status));
			put(out, "", buf, "</span></td>");
		}
		fputs("</tr>\n", out);
	}
	if (counts[CLAIM_CHANGED])
		fputs("</tbody>\n</table></div>\n", out);
	char *partly;
	for (size_t g = 0; (partly = fmt_partly(c, g)) != NULL; g++) {
		put(out, "<p class=\"muted\">", partly, "</p>\n");
		free(partly);
	}
	fputs("</section>\n", out);
}

static void html_row(FILE *out, const struct comparison *c, const struct row *row)
{
	char buf[512];
	put(out, "<tr><th scope=\"row\">", row->first->name, "");
	for (size_t i = 0; i < row->first->n_params; i++)
		if (!is_reading(row->first->params[i].key))
			put(out, " <span class=\"cond\">",
			    fmt_condition(&row->first->params[i], buf, sizeof(buf)), "</span>");
	fputs("</th>", out);
	for (size_t k = 0; k < c->n; k++) {
		const struct cell *cell = &row->cell[k];
		if (cell->m)
			fmt_median(cell->m, buf, sizeof(buf));
		put(out, "<td>", cell->m ? buf : NO_VALUE, "</td>");
		if (k == 0)
			continue;
		const char *cls, *word = change_word(cell, &cls);
		fmt_ratio_ci(cell, buf, sizeof(buf));
		fprintf(out, "<td class=\"%s\">", cell->state == RATIO_NONE ? "unknown" : cls);
		put(out, "", buf, *buf && *word ? " " : "");
		put(out, "", cell->state == RATIO_NONE ? NO_VALUE : word, "");
		put(out, cell_note(row, k, buf, sizeof(buf)) ? " " : "", buf, "</td>");
	}
	fputs("</tr>\n", out);
}

static void html_figures(FILE *out, const struct comparison *c)
{
	char buf[2048];
	snprintf(buf, sizeof(buf), _("Figures: %zu"), c->n_rows);
	put(out, "<section>\n<h2>", buf, "</h2>\n");
	fmt_significance(c, buf, sizeof(buf));
	put(out, "<p class=\"note\">", buf, "</p>\n");
	fmt_legend(buf, sizeof(buf));
	put(out, "<p class=\"note\">", buf, "</p>\n");
	for (size_t k = 1; k < c->n; k++) {
		fmt_tally(c, k, buf, sizeof(buf));
		put(out, "<p>", buf, "</p>\n");
	}
	for (size_t e = 0; e < c->n_exps; e++) {
		put(out, "<h3>", c->exps[e], "</h3>\n");
		for (size_t k = 0; k < c->n; k++) {
			const char *trouble = exp_trouble(c->in[k].run, c->exps[e]);
			if (trouble) {
				fprintf(out, "<p class=\"warning\">[%zu] ", k + 1);
				put(out, "", trouble, "</p>\n");
			}
		}
		if (fmt_only_in(c, c->exps[e], buf, sizeof(buf))) {
			put(out, "<p class=\"muted\">", buf, "</p>\n");
			continue;
		}
		put(out, "<div class=\"scroll\"><table class=\"compare\">\n<thead><tr><th>",
		    _("figure"), "</th>");
		for (size_t k = 0; k < c->n; k++) {
			fprintf(out, "<th>[%zu]</th>", k + 1);
			if (k > 0)
				fprintf(out, "<th>[%zu] / [1]</th>", k + 1);
		}
		fputs("</tr></thead>\n<tbody>\n", out);
		for (size_t r = 0; r < c->n_rows; r++)
			if (strcmp(c->rows[r].exp, c->exps[e]) == 0)
				html_row(out, c, &c->rows[r]);
		fputs("</tbody>\n</table></div>\n", out);
	}
	fputs("</section>\n</main>\n", out);
}

int compare_render_html(FILE *out, const struct compare_input *in, size_t n,
			const struct report_opts *o)
{
	(void)o;
	if (n < 1 || n > COMPARE_RUNS_MAX)
		return -EINVAL;
	int err = html_page_begin(out, _("ptlab compare"));
	if (err)
		return err;
	struct comparison c;
	comparison_build(&c, in, n);
	html_header(out, &c);
	html_verdicts(out, &c);
	html_figures(out, &c);
	comparison_free(&c);
	err = html_page_end(out, NULL);
	if (err)
		return err;
	return ferror(out) ? -EIO : 0;
}
