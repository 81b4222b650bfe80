// SPDX-License-Identifier: MIT
/*
 * Tests of the experiment table (experiments/catalog.c), walked as a
 * whole so that a new experiment is checked the day it is added: names
 * unique, sorted and fit for the command line; every descriptor complete
 * (title, method, run function, deadlines); every parameter documented,
 * with value texts for each preset that parse and land inside the range;
 * and the claims each experiment names agree with the claims catalogue in
 * both directions.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims/claims.h"
#include "core/param.h"
#include "experiments/catalog.h"
#include "suites.h"
#include "util/xalloc.h"

#ifndef PTLAB_SRCDIR
#define PTLAB_SRCDIR "."
#endif

static size_t catalog_count(void)
{
	size_t n = 0;
	while (catalog[n])
		n++;
	return n;
}

static bool only(const char *s, const char *allowed)
{
	return s[0] && strspn(s, allowed) == strlen(s);
}

START_TEST(test_names)
{
	size_t n = catalog_count();
	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		const struct experiment *x = catalog[i];
		ck_assert_ptr_nonnull(x->name);
		ck_assert_msg(only(x->name, "abcdefghijklmnopqrstuvwxyz"), "bad name '%s'",
			      x->name);
		if (i > 0)
			ck_assert_msg(strcmp(catalog[i - 1]->name, x->name) < 0,
				      "'%s' before '%s': not sorted or not unique",
				      catalog[i - 1]->name, x->name);
		ck_assert_ptr_eq(catalog_find(x->name), x);
	}
	ck_assert_ptr_null(catalog_find("nosuchexperiment"));
	ck_assert_ptr_null(catalog_find(""));
}
END_TEST

START_TEST(test_descriptors)
{
	bool any_quick = false;
	for (size_t i = 0; catalog[i]; i++) {
		const struct experiment *x = catalog[i];
		ck_assert_msg(x->title && x->title[0], "%s: no title", x->name);
		ck_assert_msg(x->method && x->method[0], "%s: no method", x->name);
		ck_assert_msg(x->run != NULL, "%s: no run function", x->name);
		ck_assert_msg(x->deadline_ns[PRESET_QUICK] > 0, "%s: no quick deadline", x->name);
		ck_assert_msg(x->deadline_ns[PRESET_FULL] > 0, "%s: no full deadline", x->name);
		ck_assert_msg(x->deadline_ns[PRESET_FULL] >= x->deadline_ns[PRESET_QUICK],
			      "%s: full deadline shorter than quick", x->name);
		if (x->n_params > 0) {
			ck_assert_msg(x->params != NULL, "%s: n_params without params", x->name);
			ck_assert_msg(x->params_size > 0, "%s: params without params_size",
				      x->name);
		}
		any_quick = any_quick || x->quick_suite;
	}
	ck_assert_msg(any_quick, "the quick suite is empty");
}
END_TEST

/* Checks the value a preset left in the field of p against [min, max]. */
static void check_value(const struct experiment *x, const struct param *p, const void *base,
			enum param_preset preset)
{
	const char *at = (const char *)base + p->offset;
	if (p->is_list) {
		struct param_list l;
		memcpy(&l, at, sizeof(l));
		ck_assert_msg(l.n >= 1 && l.n <= PARAM_LIST_MAX,
			      "%s.%s: preset %d gives %zu values", x->name, p->name, (int)preset,
			      l.n);
		for (size_t k = 0; k < l.n; k++)
			ck_assert_msg(l.v[k] >= p->min && l.v[k] <= p->max,
				      "%s.%s: preset %d value %lld outside [%lld, %lld]", x->name,
				      p->name, (int)preset, (long long)l.v[k], (long long)p->min,
				      (long long)p->max);
	} else {
		int64_t v;
		memcpy(&v, at, sizeof(v));
		ck_assert_msg(v >= p->min && v <= p->max,
			      "%s.%s: preset %d value %lld outside [%lld, %lld]", x->name, p->name,
			      (int)preset, (long long)v, (long long)p->min, (long long)p->max);
	}
}

START_TEST(test_params)
{
	static const enum param_preset presets[] = { PRESET_QUICK, PRESET_FULL, PRESET_DEFAULT };
	for (size_t i = 0; catalog[i]; i++) {
		const struct experiment *x = catalog[i];
		for (size_t k = 0; k < x->n_params; k++) {
			const struct param *p = &x->params[k];
			ck_assert_msg(p->name && only(p->name, "abcdefghijklmnopqrstuvwxyz_"),
				      "%s: parameter %zu has a bad name", x->name, k);
			ck_assert_msg(p->help && p->help[0], "%s.%s: no help", x->name, p->name);
			ck_assert_msg(p->def && p->def[0], "%s.%s: no default", x->name, p->name);
			ck_assert_msg(p->min <= p->max, "%s.%s: empty range", x->name, p->name);
			size_t field = p->is_list ? sizeof(struct param_list) : sizeof(int64_t);
			ck_assert_msg(p->offset + field <= x->params_size,
				      "%s.%s: field outside the parameter struct", x->name,
				      p->name);
			for (size_t j = 0; j < k; j++)
				ck_assert_msg(strcmp(x->params[j].name, p->name) != 0,
					      "%s.%s: declared twice", x->name, p->name);
			ck_assert_ptr_eq(param_find(x->params, x->n_params, p->name), p);

			/* Each preset's text alone parses and lies in range. */
			for (size_t s = 0; s < sizeof(presets) / sizeof(presets[0]); s++) {
				const char *text = param_preset_text(p, presets[s]);
				char err[256] = "";
				void *base = xcalloc(1, x->params_size);
				ck_assert_ptr_nonnull(text);
				int rc = param_parse(p, base, text, err, sizeof(err));
				ck_assert_msg(rc == 0, "%s.%s = '%s': %s", x->name, p->name, text,
					      err);
				check_value(x, p, base, presets[s]);
				free(base);
			}
		}
		/* And the whole table applies for every preset. */
		for (size_t s = 0; s < sizeof(presets) / sizeof(presets[0]); s++) {
			char err[256] = "";
			void *base = xcalloc(1, x->params_size ? x->params_size : 1);
			int rc = param_apply_preset(x->params, x->n_params, base, presets[s], err,
						    sizeof(err));
			ck_assert_msg(rc == 0, "%s preset %d: %s", x->name, (int)presets[s], err);
			for (size_t k = 0; k < x->n_params; k++)
				check_value(x, &x->params[k], base, presets[s]);
			/* The presets also pass the experiment's own joint check... */
			if (x->check)
				ck_assert_msg(x->check(base, err, sizeof(err)) == 0,
					      "%s preset %d fails its check: %s", x->name,
					      (int)presets[s], err);
			/* ...and give a deadline. */
			if (x->deadline)
				ck_assert_uint_gt(x->deadline(base), 0);
			free(base);
		}
	}
}
END_TEST

START_TEST(test_claims_named)
{
	for (size_t i = 0; catalog[i]; i++) {
		const struct experiment *x = catalog[i];
		ck_assert_msg(x->claims && x->claims[0], "%s feeds no claim", x->name);
		for (const char *const *id = x->claims; *id; id++) {
			const struct claim *c = claims_find(*id);
			ck_assert_msg(c != NULL, "%s names unknown claim '%s'", x->name, *id);
			/* One experiment feeds a claim: the link is stored in one place. */
			ck_assert_msg(claim_experiment(c) &&
					      strcmp(claim_experiment(c), x->name) == 0,
				      "%s feeds %s, but so does %s", x->name, *id,
				      claim_experiment(c) ? claim_experiment(c) : "none");
			for (const char *const *k = x->claims; k < id; k++)
				ck_assert_msg(strcmp(*k, *id) != 0, "%s names %s twice", x->name,
					      *id);
			ck_assert_ptr_eq(catalog_feeding(*id), x);
		}
	}
}
END_TEST

/* Every claim of the catalogue is fed by an experiment: none waits for one today. */
START_TEST(test_claims_fed)
{
	for (const struct claim *c = claims; c->id; c++)
		ck_assert_msg(claim_experiment(c) != NULL, "no experiment feeds %s", c->id);
	ck_assert_ptr_null(catalog_feeding("no.such"));
}
END_TEST

/* ---- Figures declared once: every reference names a declared figure. ---- */

/* Whether decl names key among its conditions. */
static bool has_key(const struct figure_decl *d, const char *key, size_t len)
{
	for (const char *const *k = d->conditions; k && *k; k++)
		if (strlen(*k) == len && strncmp(*k, key, len) == 0)
			return true;
	return false;
}

/*
 * Asserts that name (NULL: any figure) is declared by x and that every
 * condition key of where (and `also`, a bare key; may be NULL) is one of
 * the declaration's (with name NULL: of some declaration's).
 */
static void check_ref(const struct experiment *x, const char *what, const char *name,
		      const char *const *where, const char *also)
{
	const struct figure_decl *d = name ? figure_declared(x->figures, name) : NULL;
	ck_assert_msg(!name || d, "%s: figure %s is not declared by %s", what, name, x->name);
	const char *keys[16];
	size_t n = 0;
	for (const char *const *w = where; w && *w && n < 15; w++)
		keys[n++] = *w;
	if (also)
		keys[n++] = also;
	for (size_t i = 0; i < n; i++) {
		size_t len = strcspn(keys[i], "=");
		bool found = d && has_key(d, keys[i], len);
		for (const struct figure_decl *o = x->figures; !name && !found && o && o->names;
		     o++)
			found = has_key(o, keys[i], len);
		ck_assert_msg(found, "%s: condition %.*s is not declared for %s of %s", what,
			      (int)len, keys[i], name ? name : "any figure", x->name);
	}
}

/* Every experiment declares its figures, each name once. */
START_TEST(test_figures_declared)
{
	for (size_t i = 0; catalog[i]; i++) {
		const struct experiment *x = catalog[i];
		ck_assert_msg(x->figures != NULL, "%s declares no figures", x->name);
		for (const struct figure_decl *d = x->figures; d->names; d++)
			for (const char *const *n = d->names; *n; n++)
				ck_assert_msg(figure_declared(x->figures, *n) == d,
					      "%s: figure %s declared twice", x->name, *n);
	}
}
END_TEST

/* The claims: both sides, the parts, the figures beside them, the x and the baseline. */
START_TEST(test_claims_refer_to_declared_figures)
{
	for (const struct claim *c = claims; c->id; c++) {
		const struct experiment *x =
			claim_experiment(c) ? catalog_find(claim_experiment(c)) : NULL;
		if (!x)
			continue;
		const struct metric_ref *refs[] = { &c->a, &c->b };
		for (size_t k = 0; k < 2; k++)
			if (refs[k]->metric || refs[k]->where)
				check_ref(x, c->id, refs[k]->metric, refs[k]->where, c->x_param);
		for (const struct claim_part *p = c->parts; p && p->label; p++) {
			check_ref(x, c->id, p->a.metric, p->a.where, NULL);
			check_ref(x, c->id, p->b.metric, p->b.where, NULL);
		}
		if (c->baseline)
			check_ref(x, c->id, c->baseline, NULL, c->x_param);
		if (c->ceiling)
			check_ref(x, c->id, c->ceiling, NULL, "bytes");
		/* A fact's and a nuanced claim's `others` are observations, not figures. */
		for (const char *const *o = c->others; !c->fact_obs && !c->parts && o && *o; o++)
			check_ref(x, c->id, *o, c->a.where, NULL);
	}
}
END_TEST

/* The charts: the figures they select and the conditions they read. */
START_TEST(test_charts_refer_to_declared_figures)
{
	for (size_t i = 0; catalog[i]; i++) {
		const struct experiment *x = catalog[i];
		for (const struct chart_decl *d = x->charts; d && d->id; d++) {
			if (d->kind == CHART_PERCENTILES || d->kind == CHART_TIMELINE)
				continue; /* they read observations */
			const char *keys[] = { d->cat_key, d->x_key, d->x_key_else,
					       d->largest_key };
			for (size_t k = 0; k < CHART_SERIES_MAX; k++) {
				const struct chart_series *s = &d->series[k];
				if (k > 0 && !s->names && !s->where && !s->key && !s->label)
					continue;
				for (const char *const *n = s->names; n && *n; n++)
					check_ref(x, d->id, *n, s->where, s->key);
				if (!s->names)
					check_ref(x, d->id, NULL, s->where, s->key);
				for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
					if (keys[j] && (j != 2 || !d->x_key))
						check_ref(x, d->id, NULL, NULL, keys[j]);
			}
			if (d->ref_name)
				check_ref(x, d->id, d->ref_name, NULL, d->x_key);
		}
	}
}
END_TEST

/*
 * The layers of ARCHITECTURE.md: a folder of src/ includes only from its
 * own and the folders before it, so no include runs from a lower folder
 * to a higher one.
 */
START_TEST(test_layers)
{
	static const char *const layers[] = { "util",	     "core",   "model",	 "runner",
					      "experiments", "claims", "report", NULL };
	for (size_t l = 0; layers[l]; l++) {
		char dir[256];
		snprintf(dir, sizeof(dir), "%s/src/%s", PTLAB_SRCDIR, layers[l]);
		DIR *d = opendir(dir);
		ck_assert_msg(d != NULL, "%s", dir);
		struct dirent *e;
		while ((e = readdir(d))) {
			size_t len = strlen(e->d_name);
			if (len < 3 || e->d_name[len - 2] != '.' ||
			    (e->d_name[len - 1] != 'c' && e->d_name[len - 1] != 'h'))
				continue;
			char path[600], line[512];
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			FILE *f = fopen(path, "re");
			ck_assert_ptr_nonnull(f);
			while (fgets(line, sizeof(line), f)) {
				if (strncmp(line, "#include \"", 10) != 0)
					continue;
				for (size_t h = l + 1; layers[h]; h++) {
					size_t n = strlen(layers[h]);
					ck_assert_msg(
						strncmp(line + 10, layers[h], n) != 0 ||
							line[10 + n] != '/',
						"src/%s/%s includes from %s, a higher layer: %s",
						layers[l], e->d_name, layers[h], line);
				}
			}
			fclose(f);
		}
		closedir(d);
	}
}
END_TEST

Suite *catalog_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("table");
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_descriptors);
	tcase_add_test(tc, test_params);
	tcase_add_test(tc, test_claims_named);
	tcase_add_test(tc, test_claims_fed);
	tcase_add_test(tc, test_figures_declared);
	tcase_add_test(tc, test_layers);
	tcase_add_test(tc, test_claims_refer_to_declared_figures);
	tcase_add_test(tc, test_charts_refer_to_declared_figures);
	suite_add_tcase(s, tc);
	return s;
}
