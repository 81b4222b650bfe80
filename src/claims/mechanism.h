// SPDX-License-Identifier: MIT
/*
 * mechanism: explanations chosen by evidence. A claim's "why" is a list of
 * short paragraphs, each saying one thing about the mechanism. A paragraph
 * that holds on every Linux machine has no guard; one that depends on the
 * machine (PCID, page-table isolation, a hypervisor), on the sizes
 * measured or on the outcome has a guard: a small function that reads
 * this run's evidence and answers yes, no, or unknown. A paragraph is
 * shown only where its guard says yes, so no sentence can assert what the
 * run contradicts, and one whose evidence is missing (a run of an older
 * ptlab, a figure that was skipped) is left out.
 *
 * A guard reads the run only through the accessors below, on an opaque
 * struct guard, and every accessor records the key and value it read
 * ("env.pcid" = "no", "part.1.status" = "holds", "figure.fork{...}.median_ns"
 * = "291086"), so the JSON verdict can list, for each chosen paragraph, the
 * evidence that chose it, and a test can evaluate the guard again. An
 * accessor that cannot answer (a field unknown, a figure or part missing)
 * records "unknown" and makes its result unknown; the combinators below
 * follow three-valued logic (no and unknown is no, yes or unknown is yes).
 *
 * The paragraphs and their guards are data beside the claims
 * (claims/claims_why.c); this file is the machinery.
 */
#ifndef PTLAB_CLAIMS_MECHANISM_H
#define PTLAB_CLAIMS_MECHANISM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/stats.h"

struct run;
struct verdict;

enum guard_result {
	GUARD_NO,
	GUARD_YES,
	GUARD_UNKNOWN,
};

/* The evidence a guard reads; opaque to guards, which use the accessors. */
struct guard;

/* One paragraph of a claim's explanation. A table of them ends with id NULL. */
struct mechanism {
	const char *id;	  /* stable: "switch.cost.no_pcid" */
	const char *when; /* N_(): the guard in words, for `ptlab explain`; NULL without guard */
	enum guard_result (*guard)(struct guard *g); /* NULL: true on every machine */
	const char *text;			     /* N_(): the paragraph, without numbers */
};

#define MECH_KEY_LEN 96
#define MECH_VALUE_LEN 48
#define MECH_EVIDENCE_MAX 10

/* One value a guard read: "env.pcid" = "no". */
struct mech_evidence {
	char key[MECH_KEY_LEN];
	char value[MECH_VALUE_LEN];
};

/* A paragraph evaluated on a run: what its guard read, in order, each key once. */
struct mech_choice {
	const struct mechanism *m;
	size_t n_evidence;
	bool truncated; /* the guard read more than MECH_EVIDENCE_MAX values */
	struct mech_evidence evidence[MECH_EVIDENCE_MAX];
};

/*
 * Evaluates m's guard on r and v (v judged from r, v->claim set). out
 * (nullable) receives m and the evidence read. A paragraph without a
 * guard is GUARD_YES and reads nothing.
 */
enum guard_result mechanism_eval(const struct mechanism *m, const struct run *r,
				 const struct verdict *v, struct mech_choice *out);

/*
 * Fills v->mechanisms with the paragraphs of v->claim->why whose guard
 * says yes, in the claim's order (at most VERDICT_MAX_MECHANISMS).
 */
void mechanism_choose(const struct run *r, struct verdict *v);

/* The number of paragraphs of a claim's table. */
size_t mechanism_count(const struct mechanism *why);

/* ---- accessors: every one records what it read ----------------------- */

/* "pcid", "invpcid", "pti", "virtualized": yes, no or unknown (key "env.NAME"). */
enum guard_result guard_env_flag(struct guard *g, const char *name);
/* "thp", "hypervisor", "hypervisor_cpuid", "hypervisor_kernel", "machine"; NULL unknown. */
const char *guard_env_word(struct guard *g, const char *name);
/* "null_syscall_ns"; NaN unknown. */
double guard_env_num(struct guard *g, const char *name);

/*
 * An observation of the claim's experiment (key "obs.EXPERIMENT.NAME"):
 * the word or token of a bare value, the text of a value of ptlab 0.1.0
 * (whose vocabulary is closed and known), a signal's or errno's name, or
 * the form id of a message; NULL when absent or of another shape.
 */
const char *guard_obs(struct guard *g, const char *name);
/* The same of another experiment of the run. */
const char *guard_obs_of(struct guard *g, const char *experiment, const char *name);

/*
 * The median of the claim's experiment's figure name under where (as
 * exp_result_find_metric()); NaN when not measured. Key
 * "figure.NAME{k=v,...}.median_UNIT".
 */
double guard_figure(struct guard *g, const char *name, const char *const *where);
/*
 * The name of the figure with the smallest median among those of the
 * claim's experiment that match where and are not named in exclude
 * (NULL-terminated, nullable); NULL when none. Key "fastest{k=v,...}".
 */
const char *guard_fastest(struct guard *g, const char *const *where, const char *const *exclude);

/*
 * The claim's own verdict. Masks are of 1u << enum verdict_status
 * (VS_ in claims/claims.h).
 */
enum guard_result guard_status_is(struct guard *g, unsigned mask); /* key "status" */
double guard_ratio(struct guard *g);				   /* key "ratio"; NaN unknown */
/* Part i of a nuanced claim (its index in the claim's parts); unknown when not judged or not tried. */
enum guard_result guard_part_is(struct guard *g, size_t i, unsigned mask); /* "part.I.status" */
/* A trend's line by its figure's name; unknown when not fitted. */
enum guard_result guard_line_is(struct guard *g, const char *label, unsigned mask);
/*
 * Line i of the verdict (i < 0 counts from the end: -1 is the last), its
 * ratio with interval into out: GUARD_YES, or GUARD_UNKNOWN when there is
 * no such line. Key "line.I.ratio" = "1.95 [1.86, 2.04]".
 */
enum guard_result guard_line_ratio(struct guard *g, long i, struct ratio_ci *out);
/* The same line's verdict (key "line.I.status"); unknown when there is no such line. */
enum guard_result guard_line_at_is(struct guard *g, long i, unsigned mask);
/* How many lines the verdict has (key "lines"). */
size_t guard_n_lines(struct guard *g);
/*
 * The attribution of figure label's process−thread gap (struct
 * attribution: the share the address-space switch explains, from the
 * shared-address-space control) into out: GUARD_YES, or GUARD_UNKNOWN
 * where the run has none (no control, or no gap). Key
 * "attribution.LABEL.share" = "0.97 [0.9, 1.04]".
 */
enum guard_result guard_attribution(struct guard *g, const char *label, struct ratio_ci *out);
/*
 * Whether that share's interval reaches 1 (the whole gap; a control
 * cheaper than a thread reaches beyond) and lies above lo: GUARD_UNKNOWN
 * without the attribution.
 */
enum guard_result guard_attribution_whole(struct guard *g, const char *label, double lo);

/* ---- three-valued logic ------------------------------------------------ */

enum guard_result guard_and(enum guard_result a, enum guard_result b);
enum guard_result guard_or(enum guard_result a, enum guard_result b);
enum guard_result guard_not(enum guard_result a);
/* x > bound, x < bound; unknown when x is NaN. */
enum guard_result guard_above(double x, double bound);
enum guard_result guard_below(double x, double bound);
/* w equals one of the NULL-terminated words; unknown when w is NULL. */
enum guard_result guard_word_in(const char *w, const char *const *words);
/*
 * Whether word appears in s as a whole token (between characters that are
 * not letters or digits): "dropped" in "reader dropped to uid 65534" and
 * in "isolation.reader_dropped". Unknown when s is NULL.
 */
enum guard_result guard_has_token(const char *s, const char *word);
/* The name of a result for people and JSON: "yes", "no", "unknown". */
const char *guard_result_name(enum guard_result r);

/*
 * The verdict's ratio with its interval (a speed-up claim's context, a gap
 * trend's growth): GUARD_YES, or GUARD_UNKNOWN when it or its interval is
 * not a number. Key "ratio" = "1.01 [0.98, 1.03]".
 */
enum guard_result guard_ratio_ci(struct guard *g, struct ratio_ci *out);

#endif
