// SPDX-License-Identifier: MIT
/*
 * mechanism: the machinery of explanations chosen by evidence (see
 * mechanism.h): the guard's accessors, which read one run and one verdict
 * and write down every key and value they read, and the choice of a
 * claim's paragraphs. Values are written in the C locale's notation
 * ("1.95"), the way JSON readers expect them.
 */
#include "claims/mechanism.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims/claims.h"
#include "experiments/catalog.h"
#include "model/run.h"

struct guard {
	const struct run *run;
	const struct verdict *v;
	const struct exp_result *res; /* the claim's experiment's, or NULL */
	struct mech_choice *out;
};

/* Cuts a UTF-8 character that truncation split at the end of s. */
static void utf8_trim(char *s)
{
	size_t len = strlen(s), k = len;
	while (k > 0 && len - k < 4 && ((unsigned char)s[k - 1] & 0xC0) == 0x80)
		k--;
	if (k == 0 || ((unsigned char)s[k - 1] & 0xC0) != 0xC0)
		return; /* ends in ASCII, or no lead byte close enough to judge */
	unsigned char lead = (unsigned char)s[k - 1];
	size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
	if (len - (k - 1) < need)
		s[k - 1] = '\0';
}

/* Writes key = value into the evidence, once per key (the first reading stands). */
__attribute__((format(printf, 3, 4))) static void note(struct guard *g, const char *key,
						       const char *fmt, ...)
{
	struct mech_choice *o = g->out;
	for (size_t i = 0; i < o->n_evidence; i++)
		if (strcmp(o->evidence[i].key, key) == 0)
			return;
	if (o->n_evidence == MECH_EVIDENCE_MAX) {
		o->truncated = true;
		return;
	}
	struct mech_evidence *e = &o->evidence[o->n_evidence++];
	snprintf(e->key, sizeof(e->key), "%s", key);
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(e->value, sizeof(e->value), fmt, ap);
	va_end(ap);
	if (len >= (int)sizeof(e->value))
		utf8_trim(e->value);
}

static const char *const unknown = "unknown";

/* "{k=v,k=v}" of a where list into buf ("" for none). */
static char *where_text(const char *const *where, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (const char *const *w = where; w && *w && len < size; w++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", w == where ? "{" : ",", *w);
	if (len > 0 && len < size)
		snprintf(buf + len, size - len, "}");
	return buf;
}

/* ---- the environment ---------------------------------------------------- */

static enum guard_result from_flag(enum sysinfo_flag f)
{
	return f == SYSINFO_YES ? GUARD_YES : f == SYSINFO_NO ? GUARD_NO : GUARD_UNKNOWN;
}

enum guard_result guard_env_flag(struct guard *g, const char *name)
{
	const struct sysinfo *e = &g->run->env;
	enum guard_result r = GUARD_UNKNOWN;
	if (strcmp(name, "pcid") == 0)
		r = e->pcid ? GUARD_YES : GUARD_NO;
	else if (strcmp(name, "virtualized") == 0)
		r = e->virtualized ? GUARD_YES : GUARD_NO;
	else if (strcmp(name, "invpcid") == 0)
		r = from_flag(e->invpcid);
	else if (strcmp(name, "pti") == 0)
		r = from_flag(e->pti);
	char key[MECH_KEY_LEN];
	snprintf(key, sizeof(key), "env.%s", name);
	note(g, key, "%s", guard_result_name(r));
	return r;
}

const char *guard_env_word(struct guard *g, const char *name)
{
	const struct sysinfo *e = &g->run->env;
	const char *w = NULL;
	if (strcmp(name, "thp") == 0)
		w = e->thp;
	else if (strcmp(name, "hypervisor") == 0)
		w = e->hypervisor;
	else if (strcmp(name, "hypervisor_cpuid") == 0)
		w = e->hypervisor_cpuid;
	else if (strcmp(name, "hypervisor_kernel") == 0)
		w = e->hypervisor_kernel;
	else if (strcmp(name, "machine") == 0)
		w = e->machine;
	if (w && !w[0])
		w = NULL;
	char key[MECH_KEY_LEN];
	snprintf(key, sizeof(key), "env.%s", name);
	note(g, key, "%s", w ? w : unknown);
	return w;
}

double guard_env_num(struct guard *g, const char *name)
{
	double x = NAN;
	if (strcmp(name, "null_syscall_ns") == 0)
		x = g->run->env.null_syscall_ns;
	char key[MECH_KEY_LEN];
	snprintf(key, sizeof(key), "env.%s", name);
	if (isfinite(x))
		note(g, key, "%.4g", x);
	else
		note(g, key, "%s", unknown);
	return isfinite(x) ? x : NAN;
}

/* ---- observations ------------------------------------------------------- */

/* The one string an observation reads as, or NULL (see guard_obs()). */
static const char *obs_string(const struct ev_msg *m)
{
	if (!m)
		return NULL;
	if (m->form)
		return m->form;
	if (m->n_vals != 1)
		return NULL;
	switch (m->vals[0].type) {
	case EV_WORD:
	case EV_TOKEN:
	case EV_SIGNAL:
	case EV_ERRNO:
	case EV_LEGACY:
		return m->vals[0].s;
	default:
		return NULL;
	}
}

const char *guard_obs_of(struct guard *g, const char *experiment, const char *name)
{
	const struct exp_result *res = run_find_result(g->run, experiment);
	const char *s = res ? obs_string(exp_result_obs(res, name)) : NULL;
	char key[MECH_KEY_LEN];
	snprintf(key, sizeof(key), "obs.%s.%s", experiment, name);
	note(g, key, "%s", s ? s : unknown);
	return s;
}

const char *guard_obs(struct guard *g, const char *name)
{
	const char *exp = claim_experiment(g->v->claim);
	if (!exp) {
		note(g, name, "%s", unknown);
		return NULL;
	}
	return guard_obs_of(g, exp, name);
}

/* ---- figures ------------------------------------------------------------ */

double guard_figure(struct guard *g, const char *name, const char *const *where)
{
#ifdef PTLAB_TESTING
	/* A guard names declared figures only (runner/experiment.h), or it reads nothing. */
	const struct experiment *x = catalog_find(claim_experiment(g->v->claim));
	if (x && !figure_declared(x->figures, name)) {
		fprintf(stderr, "ptlab: a guard of %s reads %s, which %s does not declare\n",
			g->v->claim->id, name, x->name);
		abort();
	}
#endif
	const struct metric *m = g->res ? exp_result_find_metric(g->res, name, where) : NULL;
	char cond[MECH_KEY_LEN], key[2 * MECH_KEY_LEN]; /* note() cuts the key to size */
	where_text(where, cond, sizeof(cond));
	if (!m || m->n == 0) {
		snprintf(key, sizeof(key), "figure.%s%s.median", name, cond);
		note(g, key, "%s", unknown);
		return NAN;
	}
	snprintf(key, sizeof(key), "figure.%s%s.median_%s", name, cond, m->unit);
	note(g, key, "%.6g", m->sum.median);
	return m->sum.median;
}

const char *guard_fastest(struct guard *g, const char *const *where, const char *const *exclude)
{
	const struct metric *best = NULL;
	for (size_t i = 0; g->res && i < g->res->n_metrics; i++) {
		const struct metric *m = &g->res->metrics[i];
		bool excluded = false;
		for (const char *const *x = exclude; x && *x; x++)
			excluded = excluded || strcmp(*x, m->name) == 0;
		if (excluded || m->n == 0 || !metric_matches(m, where))
			continue;
		if (!best || m->sum.median < best->sum.median)
			best = m;
	}
	char cond[MECH_KEY_LEN], key[2 * MECH_KEY_LEN];
	snprintf(key, sizeof(key), "fastest%s", where_text(where, cond, sizeof(cond)));
	note(g, key, "%s", best ? best->name : unknown);
	return best ? best->name : NULL;
}

/* ---- the claim's verdict -------------------------------------------------- */

static enum guard_result in_mask(enum verdict_status s, unsigned mask)
{
	return (mask & (1u << s)) ? GUARD_YES : GUARD_NO;
}

enum guard_result guard_status_is(struct guard *g, unsigned mask)
{
	note(g, "status", "%s", verdict_status_name(g->v->status));
	return in_mask(g->v->status, mask);
}

double guard_ratio(struct guard *g)
{
	const struct ratio_ci *r = &g->v->ratio;
	if (!isfinite(r->ratio)) {
		note(g, "ratio", "%s", unknown);
		return NAN;
	}
	note(g, "ratio", "%.4g", r->ratio);
	return r->ratio;
}

/* The verdict's line of part i of the claim, or NULL. */
static const struct trend_line *part_line(const struct verdict *v, size_t i)
{
	const struct claim_part *p = v->claim->parts;
	for (size_t k = 0; p && k < i; k++)
		if (!p[k].label)
			return NULL;
	if (!p || !p[i].label)
		return NULL;
	for (size_t k = 0; k < v->n_lines; k++)
		if (v->lines[k].label == p[i].label)
			return &v->lines[k];
	return NULL;
}

enum guard_result guard_part_is(struct guard *g, size_t i, unsigned mask)
{
	const struct trend_line *l = part_line(g->v, i);
	char key[MECH_KEY_LEN];
	snprintf(key, sizeof(key), "part.%zu.status", i);
	note(g, key, "%s", l ? verdict_status_name(l->grows) : unknown);
	/* A part not tried (a fact part whose observation is absent) is unknown. */
	return l && l->grows != V_NO_DATA ? in_mask(l->grows, mask) : GUARD_UNKNOWN;
}

enum guard_result guard_line_is(struct guard *g, const char *label, unsigned mask)
{
	const struct trend_line *l = NULL;
	for (size_t k = 0; k < g->v->n_lines && !l; k++)
		if (g->v->lines[k].label && strcmp(g->v->lines[k].label, label) == 0)
			l = &g->v->lines[k];
	char key[MECH_KEY_LEN];
	snprintf(key, sizeof(key), "line.%s.grows", label);
	note(g, key, "%s", l ? verdict_status_name(l->grows) : unknown);
	return l ? in_mask(l->grows, mask) : GUARD_UNKNOWN;
}

enum guard_result guard_line_ratio(struct guard *g, long i, struct ratio_ci *out)
{
	long n = (long)g->v->n_lines, k = i < 0 ? n + i : i;
	char key[MECH_KEY_LEN];
	if (k < 0 || k >= n) {
		snprintf(key, sizeof(key), "line.%ld.ratio", i);
		note(g, key, "%s", unknown);
		*out = (struct ratio_ci){ NAN, NAN, NAN };
		return GUARD_UNKNOWN;
	}
	*out = g->v->lines[k].growth;
	snprintf(key, sizeof(key), "line.%ld.ratio", k);
	note(g, key, "%.4g [%.4g, %.4g]", out->ratio, out->lo, out->hi);
	return isfinite(out->ratio) ? GUARD_YES : GUARD_UNKNOWN;
}

enum guard_result guard_line_at_is(struct guard *g, long i, unsigned mask)
{
	long n = (long)g->v->n_lines, k = i < 0 ? n + i : i;
	char key[MECH_KEY_LEN];
	snprintf(key, sizeof(key), "line.%ld.status", k >= 0 && k < n ? k : i);
	if (k < 0 || k >= n) {
		note(g, key, "%s", unknown);
		return GUARD_UNKNOWN;
	}
	note(g, key, "%s", verdict_status_name(g->v->lines[k].grows));
	return in_mask(g->v->lines[k].grows, mask);
}

size_t guard_n_lines(struct guard *g)
{
	note(g, "lines", "%zu", g->v->n_lines);
	return g->v->n_lines;
}

enum guard_result guard_attribution(struct guard *g, const char *label, struct ratio_ci *out)
{
	const struct attribution *a = NULL;
	for (size_t k = 0; k < g->v->n_attributions && !a; k++)
		if (strcmp(g->v->attributions[k].label, label) == 0)
			a = &g->v->attributions[k];
	char key[MECH_KEY_LEN];
	snprintf(key, sizeof(key), "attribution.%s.share", label);
	if (!a || isnan(a->share.ratio)) { /* no control, or no gap to attribute */
		note(g, key, "%s", unknown);
		*out = (struct ratio_ci){ NAN, NAN, NAN };
		return GUARD_UNKNOWN;
	}
	*out = a->share;
	note(g, key, "%.4g [%.4g, %.4g]", out->ratio, out->lo, out->hi);
	return GUARD_YES;
}

enum guard_result guard_attribution_whole(struct guard *g, const char *label, double lo)
{
	struct ratio_ci s;
	if (guard_attribution(g, label, &s) != GUARD_YES)
		return GUARD_UNKNOWN;
	return guard_and(guard_above(s.hi, 1 - 1e-12), guard_above(s.lo, lo));
}

/* ---- logic ---------------------------------------------------------------- */

enum guard_result guard_and(enum guard_result a, enum guard_result b)
{
	if (a == GUARD_NO || b == GUARD_NO)
		return GUARD_NO;
	return a == GUARD_YES && b == GUARD_YES ? GUARD_YES : GUARD_UNKNOWN;
}

enum guard_result guard_or(enum guard_result a, enum guard_result b)
{
	if (a == GUARD_YES || b == GUARD_YES)
		return GUARD_YES;
	return a == GUARD_NO && b == GUARD_NO ? GUARD_NO : GUARD_UNKNOWN;
}

enum guard_result guard_not(enum guard_result a)
{
	return a == GUARD_YES ? GUARD_NO : a == GUARD_NO ? GUARD_YES : GUARD_UNKNOWN;
}

enum guard_result guard_above(double x, double bound)
{
	return isnan(x) ? GUARD_UNKNOWN : x > bound ? GUARD_YES : GUARD_NO;
}

enum guard_result guard_below(double x, double bound)
{
	return isnan(x) ? GUARD_UNKNOWN : x < bound ? GUARD_YES : GUARD_NO;
}

enum guard_result guard_word_in(const char *w, const char *const *words)
{
	if (!w)
		return GUARD_UNKNOWN;
	for (const char *const *k = words; *k; k++)
		if (strcmp(w, *k) == 0)
			return GUARD_YES;
	return GUARD_NO;
}

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

enum guard_result guard_has_token(const char *s, const char *word)
{
	if (!s)
		return GUARD_UNKNOWN;
	size_t len = strlen(word);
	for (const char *p = strstr(s, word); p; p = strstr(p + 1, word))
		if ((p == s || !alnum(p[-1])) && !alnum(p[len]))
			return GUARD_YES;
	return GUARD_NO;
}

const char *guard_result_name(enum guard_result r)
{
	return r == GUARD_YES ? "yes" : r == GUARD_NO ? "no" : unknown;
}

/* ---- evaluation ----------------------------------------------------------- */

enum guard_result mechanism_eval(const struct mechanism *m, const struct run *r,
				 const struct verdict *v, struct mech_choice *out)
{
	struct mech_choice scratch;
	if (!out)
		out = &scratch;
	memset(out, 0, sizeof(*out));
	out->m = m;
	if (!m->guard)
		return GUARD_YES;
	struct guard g = {
		.run = r,
		.v = v,
		.res = claim_experiment(v->claim) ? run_find_result(r, claim_experiment(v->claim))
						  : NULL,
		.out = out,
	};
	return m->guard(&g);
}

void mechanism_choose(const struct run *r, struct verdict *v)
{
	v->n_mechanisms = 0;
	for (const struct mechanism *m = v->claim->why; m && m->id; m++) {
		if (v->n_mechanisms == VERDICT_MAX_MECHANISMS)
			break;
		if (mechanism_eval(m, r, v, &v->mechanisms[v->n_mechanisms]) == GUARD_YES)
			v->n_mechanisms++;
	}
}

size_t mechanism_count(const struct mechanism *why)
{
	size_t n = 0;
	while (why && why[n].id)
		n++;
	return n;
}

enum guard_result guard_ratio_ci(struct guard *g, struct ratio_ci *out)
{
	*out = g->v->ratio;
	if (!isfinite(out->ratio) || isnan(out->lo) || isnan(out->hi)) {
		note(g, "ratio", "%s", unknown);
		return GUARD_UNKNOWN;
	}
	note(g, "ratio", "%.4g [%.4g, %.4g]", out->ratio, out->lo, out->hi);
	return GUARD_YES;
}
