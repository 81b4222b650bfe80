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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims/claims.h"
#include "core/param.h"
#include "experiments/catalog.h"
#include "suites.h"
#include "util/xalloc.h"

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
			/* The claim must know its experiment, or it is never judged. */
			ck_assert_msg(c->experiment && strcmp(c->experiment, x->name) == 0,
				      "%s feeds %s, but the claim names %s", x->name, *id,
				      c->experiment ? c->experiment : "no experiment");
			for (const char *const *k = x->claims; k < id; k++)
				ck_assert_msg(strcmp(*k, *id) != 0, "%s names %s twice", x->name,
					      *id);
			ck_assert_ptr_eq(catalog_feeding(*id), x);
		}
	}
}
END_TEST

START_TEST(test_claims_fed)
{
	for (const struct claim *c = claims; c->id; c++) {
		const struct experiment *x = catalog_feeding(c->id);
		if (!c->experiment) {
			ck_assert_msg(x == NULL, "%s has no experiment, but %s feeds it", c->id,
				      x ? x->name : "");
			continue;
		}
		ck_assert_msg(catalog_find(c->experiment) != NULL, "%s: unknown experiment %s",
			      c->id, c->experiment);
		ck_assert_msg(x == catalog_find(c->experiment), "%s: %s does not list it", c->id,
			      c->experiment);
	}
	ck_assert_ptr_null(catalog_feeding("no.such"));
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
	suite_add_tcase(s, tc);
	return s;
}
