// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the text users type after --set and --seed. The input, cut
 * at its first NUL, is parsed as every kind of unit (units_parse()) and as
 * every parameter of every experiment in the catalogue (param_parse(),
 * lists and ranges included); each accepted parameter set is then passed
 * through the experiment's joint check, as build_plan() does.
 *
 * Besides memory safety and undefined behaviour, the contracts of
 * core/units.h and core/param.h are checked, and a broken one aborts:
 * - parsing returns 0, -EINVAL, -ERANGE (or -E2BIG for a list) and writes
 *   nothing on failure; a failed param_parse() says why in err;
 * - a parsed unit value is never negative (no sign is accepted), a boolean
 *   is 0 or 1, and a parameter lies in its [min, max];
 * - the exact formatters round-trip: units_format_exact() and
 *   param_format() of a parsed value parse back to the same value;
 * - the human formatters and param_format() respect their buffer, however
 *   small; param_format() cut short gives a prefix, of whole elements for
 *   a list.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/param.h"
#include "core/units.h"
#include "experiments/catalog.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FORMAT_MAX 1024 /* PARAM_LIST_MAX exact values, commas included, fit */

static void fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz/units: %s (input \"%s\")\n", what, text);
	abort();
}

/* The human formatters in buffers of every small size: NUL-terminated, never overrun. */
static void check_human(int64_t v, const char *text)
{
	for (size_t size = 1; size <= 16; size++) {
		char *buf = xmalloc(size); /* exactly size bytes: ASan sees an overrun */
		if (strlen(units_format_ns((double)v, buf, size)) >= size ||
		    strlen(units_format_bytes((double)v, buf, size)) >= size)
			fail("a human formatter overran its buffer", text);
		free(buf);
	}
}

static void check_units(const char *text)
{
	static const enum unit_kind kinds[] = { UNIT_COUNT, UNIT_BYTES, UNIT_DURATION, UNIT_BOOL };
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		int64_t v = INT64_MIN, back = INT64_MIN;
		char exact[64];
		int rc = units_parse(text, kinds[k], &v);
		if (rc == -EINVAL || rc == -ERANGE) {
			if (v != INT64_MIN)
				fail("units_parse() wrote its result on failure", text);
			continue;
		}
		if (rc != 0)
			fail("units_parse() returned an undocumented value", text);
		if (v < 0 || (kinds[k] == UNIT_BOOL && v > 1))
			fail("units_parse() accepted a value out of its kind", text);
		units_format_exact(v, kinds[k], exact, sizeof(exact));
		if (units_parse(exact, kinds[k], &back) != 0 || back != v)
			fail("units_format_exact() does not parse back to the value", text);
		check_human(v, text);
	}
}

/* The value of p in base, as bytes to compare: the int64_t, or the list's n and elements. */
static int same_value(const struct param *p, const void *a, const void *b)
{
	const char *x = (const char *)a + p->offset, *y = (const char *)b + p->offset;
	if (!p->is_list)
		return memcmp(x, y, sizeof(int64_t)) == 0;
	const struct param_list *l = (const void *)x, *m = (const void *)y;
	return l->n == m->n && memcmp(l->v, m->v, l->n * sizeof(l->v[0])) == 0;
}

static int in_range(const struct param *p, const void *base)
{
	const char *at = (const char *)base + p->offset;
	const int64_t *v = (const int64_t *)at;
	size_t n = 1;
	if (p->is_list) {
		const struct param_list *l = (const void *)at;
		v = l->v;
		n = l->n;
		if (n < 1 || n > PARAM_LIST_MAX)
			return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i] < p->min || v[i] > p->max)
			return 0;
	return 1;
}

static void check_param(const struct experiment *e, const struct param *p, void *base, void *before,
			void *back, const char *text)
{
	char err[512], full[FORMAT_MAX], cut[FORMAT_MAX];
	memcpy(before, base, e->params_size);
	err[0] = '\0';
	int rc = param_parse(p, base, text, err, sizeof(err));
	if (rc == -EINVAL || rc == -ERANGE || rc == -E2BIG) {
		if (memcmp(before, base, e->params_size) != 0)
			fail("param_parse() wrote the field on failure", text);
		if (!err[0])
			fail("param_parse() failed without a reason", text);
		return;
	}
	if (rc != 0)
		fail("param_parse() returned an undocumented value", text);
	if (!in_range(p, base))
		fail("param_parse() accepted a value out of range", text);
	param_format(p, base, full, sizeof(full));
	memcpy(back, before, e->params_size);
	if (param_parse(p, back, full, err, sizeof(err)) != 0 || !same_value(p, base, back))
		fail("param_format() does not parse back to the value", text);
	for (size_t size = 1; size < strlen(full); size += 7) {
		param_format(p, base, cut, size);
		size_t n = strlen(cut);
		if (n >= size || strncmp(cut, full, n) != 0)
			fail("param_format() cut short overran or is not a prefix", text);
		if (p->is_list && n && full[n] != ',')
			fail("param_format() cut a list inside an element", text);
	}
	if (e->check)
		e->check(base, err, sizeof(err));
	memcpy(base, before, e->params_size); /* the next parameter starts from the defaults */
}

static void check_params(const char *text)
{
	char err[512];
	for (size_t i = 0; catalog[i]; i++) {
		const struct experiment *e = catalog[i];
		void *base = xcalloc(1, e->params_size), *before = xcalloc(1, e->params_size),
		     *back = xcalloc(1, e->params_size);
		if (param_apply_preset(e->params, e->n_params, base, PRESET_DEFAULT, err,
				       sizeof(err)) != 0)
			fail("a built-in default does not parse", e->name);
		for (size_t k = 0; k < e->n_params; k++)
			check_param(e, &e->params[k], base, before, back, text);
		free(back);
		free(before);
		free(base);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	check_units(text);
	check_params(text);
	free(text);
	return 0;
}
