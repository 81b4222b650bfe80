// SPDX-License-Identifier: MIT
/*
 * Tests of core/param with a tiny experiment of our own: an integer count,
 * a list of sizes and a boolean. Presets fill every field; malformed,
 * out-of-range and over-long values give their error codes, leave the
 * field untouched and explain themselves in a sentence that quotes the
 * offending text; param_format() gives text that parses back to the value.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/param.h"
#include "suites.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct fake {
	int64_t workers;
	struct param_list sizes;
	int64_t verbose;
};

static const struct param fake_params[] = {
	{
		.name = "workers",
		.help = "how many workers",
		.unit = UNIT_COUNT,
		.offset = offsetof(struct fake, workers),
		.def = "4",
		.quick = "2",
		.min = 1,
		.max = 1000,
	},
	{
		.name = "sizes",
		.help = "message sizes",
		.unit = UNIT_BYTES,
		.is_list = true,
		.offset = offsetof(struct fake, sizes),
		.def = "4k,1MiB",
		.quick = "4k",
		.full = "64,4KiB,64KiB,1MiB,16MiB",
		.min = 1,
		.max = (int64_t)1 << 30,
	},
	{
		.name = "verbose",
		.help = "say more",
		.unit = UNIT_BOOL,
		.offset = offsetof(struct fake, verbose),
		.def = "no",
		.full = "yes",
		.min = 0,
		.max = 1,
	},
};

#define NPARAMS ARRAY_SIZE(fake_params)

static const struct param *P(const char *name)
{
	const struct param *p = param_find(fake_params, NPARAMS, name);
	ck_assert_ptr_nonnull(p);
	return p;
}

static struct fake filled(void)
{
	struct fake f;
	char err[256];

	memset(&f, 0, sizeof(f));
	ck_assert_int_eq(
		param_apply_preset(fake_params, NPARAMS, &f, PRESET_DEFAULT, err, sizeof(err)), 0);
	return f;
}

START_TEST(test_presets)
{
	struct fake f;
	char err[256];

	f = filled();
	ck_assert_int_eq(f.workers, 4);
	ck_assert_uint_eq(f.sizes.n, 2);
	ck_assert_int_eq(f.sizes.v[0], 4096);
	ck_assert_int_eq(f.sizes.v[1], 1 << 20);
	ck_assert_int_eq(f.verbose, 0);

	memset(&f, 0xff, sizeof(f));
	ck_assert_int_eq(
		param_apply_preset(fake_params, NPARAMS, &f, PRESET_QUICK, err, sizeof(err)), 0);
	ck_assert_int_eq(f.workers, 2);
	ck_assert_uint_eq(f.sizes.n, 1);
	ck_assert_int_eq(f.sizes.v[0], 4096);
	ck_assert_int_eq(f.verbose, 0); /* no quick text: the default */

	memset(&f, 0xff, sizeof(f));
	ck_assert_int_eq(
		param_apply_preset(fake_params, NPARAMS, &f, PRESET_FULL, err, sizeof(err)), 0);
	ck_assert_int_eq(f.workers, 4); /* no full text: the default */
	ck_assert_uint_eq(f.sizes.n, 5);
	ck_assert_int_eq(f.sizes.v[0], 64);
	ck_assert_int_eq(f.sizes.v[4], 16 << 20);
	ck_assert_int_eq(f.verbose, 1);
}
END_TEST

START_TEST(test_preset_text)
{
	ck_assert_str_eq(param_preset_text(P("workers"), PRESET_QUICK), "2");
	ck_assert_str_eq(param_preset_text(P("workers"), PRESET_FULL), "4");
	ck_assert_str_eq(param_preset_text(P("workers"), PRESET_DEFAULT), "4");
	ck_assert_str_eq(param_preset_text(P("verbose"), PRESET_QUICK), "no");
	ck_assert_str_eq(param_preset_text(P("verbose"), PRESET_FULL), "yes");
}
END_TEST

START_TEST(test_find)
{
	ck_assert_ptr_eq(param_find(fake_params, NPARAMS, "workers"), &fake_params[0]);
	ck_assert_ptr_eq(param_find(fake_params, NPARAMS, "verbose"), &fake_params[2]);
	ck_assert_ptr_null(param_find(fake_params, NPARAMS, "work"));
	ck_assert_ptr_null(param_find(fake_params, NPARAMS, ""));
	ck_assert_ptr_null(param_find(fake_params, 2, "verbose"));
}
END_TEST

START_TEST(test_parse_single)
{
	struct fake f = filled();
	char err[256] = "";

	ck_assert_int_eq(param_parse(P("workers"), &f, "0.5k", err, sizeof(err)), 0);
	ck_assert_int_eq(f.workers, 500);
	ck_assert_int_eq(param_parse(P("workers"), &f, "1", err, sizeof(err)), 0);
	ck_assert_int_eq(f.workers, 1);
	ck_assert_int_eq(param_parse(P("workers"), &f, "1k", err, sizeof(err)), 0);
	ck_assert_int_eq(f.workers, 1000);
	ck_assert_int_eq(param_parse(P("verbose"), &f, "on", err, sizeof(err)), 0);
	ck_assert_int_eq(f.verbose, 1);
}
END_TEST

struct bad_case {
	const char *name;
	const char *text;
	int rc;
	const char *quoted; /* text the error sentence must contain */
};

static const struct bad_case bad[] = {
	{ "workers", "abc", -EINVAL, "abc" },
	{ "workers", "", -EINVAL, "\"\"" },
	{ "workers", "1.3", -EINVAL, "1.3" },
	{ "workers", "-3", -EINVAL, "-3" },
	{ "workers", "3,4", -EINVAL, "3,4" },
	{ "workers", "0", -ERANGE, "from 1 to 1k" },
	{ "workers", "1001", -ERANGE, "1001" },
	{ "workers", "2M", -ERANGE, "2M" },
	{ "workers", "99999999999999999999", -ERANGE, "99999999999999999999" },
	{ "verbose", "maybe", -EINVAL, "maybe" },
	{ "sizes", "4k,abc,1MiB", -EINVAL, "abc" },
	{ "sizes", "4k,,1MiB", -EINVAL, "4k,,1MiB" },
	{ "sizes", "4k,", -EINVAL, "4k," },
	{ "sizes", ",4k", -EINVAL, ",4k" },
	{ "sizes", "", -EINVAL, "\"\"" },
	{ "sizes", "4k, 1MiB", -EINVAL, " 1MiB" },
	{ "sizes", "4k,0", -ERANGE, "from 1 to 1GiB" },
	{ "sizes", "4k,2GiB", -ERANGE, "2GiB" },
	{ "sizes", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", -E2BIG, "1,2,3" },
	{ "sizes", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,x,", -E2BIG, "16" },
};

START_TEST(test_parse_bad)
{
	const struct bad_case *c = &bad[_i];
	const struct param *p = P(c->name);
	struct fake f = filled(), before = f;
	char err[512] = "";
	int rc = param_parse(p, &f, c->text, err, sizeof(err));

	ck_assert_msg(rc == c->rc, "%s=\"%s\" gave %d, want %d", c->name, c->text, rc, c->rc);
	ck_assert_msg(memcmp(&f, &before, sizeof(f)) == 0, "%s=\"%s\" changed the value", c->name,
		      c->text);
	ck_assert_msg(strstr(err, c->quoted), "\"%s\" lacks \"%s\"", err, c->quoted);
	ck_assert_msg(strstr(err, c->name), "\"%s\" does not name %s", err, c->name);
	ck_assert(strchr(err, '\n') == NULL);
}
END_TEST

START_TEST(test_invalid_says_what_is_accepted)
{
	struct fake f = filled();
	char err[512] = "";

	ck_assert_int_eq(param_parse(P("sizes"), &f, "4q", err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, units_accepted(UNIT_BYTES)));
}
END_TEST

START_TEST(test_list_limits)
{
	struct fake f = filled();
	char text[256] = "", err[256];

	for (int i = 1; i <= PARAM_LIST_MAX; i++) {
		char one[16];
		snprintf(one, sizeof(one), "%s%dk", i > 1 ? "," : "", i);
		strcat(text, one);
	}
	ck_assert_int_eq(param_parse(P("sizes"), &f, text, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.sizes.n, PARAM_LIST_MAX);
	ck_assert_int_eq(f.sizes.v[PARAM_LIST_MAX - 1], PARAM_LIST_MAX * 1024);

	strcat(text, ",1k");
	ck_assert_int_eq(param_parse(P("sizes"), &f, text, err, sizeof(err)), -E2BIG);
	ck_assert_uint_eq(f.sizes.n, PARAM_LIST_MAX);
}
END_TEST

START_TEST(test_err_optional_and_truncated)
{
	struct fake f = filled();
	char small[8];

	ck_assert_int_eq(param_parse(P("workers"), &f, "abc", NULL, 0), -EINVAL);
	memset(small, 'x', sizeof(small));
	ck_assert_int_eq(param_parse(P("workers"), &f, "abc", small, sizeof(small)), -EINVAL);
	ck_assert_uint_eq(strlen(small), sizeof(small) - 1);
}
END_TEST

START_TEST(test_bad_preset_reports)
{
	static const struct param broken[] = {
		{
			.name = "depth",
			.help = "how deep",
			.unit = UNIT_COUNT,
			.def = "1",
			.quick = "ten",
			.min = 1,
			.max = 10,
		},
	};
	int64_t depth = 0;
	char err[256] = "";

	ck_assert_int_eq(param_apply_preset(broken, 1, &depth, PRESET_DEFAULT, err, sizeof(err)),
			 0);
	ck_assert_int_eq(depth, 1);
	ck_assert_int_eq(param_apply_preset(broken, 1, &depth, PRESET_QUICK, err, sizeof(err)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "ten"));
	ck_assert_ptr_nonnull(strstr(err, "depth"));
}
END_TEST

START_TEST(test_format_round_trip)
{
	static const enum param_preset presets[] = {
		PRESET_QUICK,
		PRESET_FULL,
		PRESET_DEFAULT,
	};
	char buf[256], err[256];

	for (size_t k = 0; k < ARRAY_SIZE(presets); k++) {
		struct fake f, g;
		memset(&f, 0, sizeof(f));
		memset(&g, 0, sizeof(g));
		ck_assert_int_eq(
			param_apply_preset(fake_params, NPARAMS, &f, presets[k], err, sizeof(err)),
			0);
		for (size_t i = 0; i < NPARAMS; i++) {
			param_format(&fake_params[i], &f, buf, sizeof(buf));
			ck_assert_msg(param_parse(&fake_params[i], &g, buf, err, sizeof(err)) == 0,
				      "%s: \"%s\": %s", fake_params[i].name, buf, err);
		}
		ck_assert(memcmp(&f, &g, sizeof(f)) == 0);
	}

	struct fake f = filled();
	ck_assert_str_eq(param_format(P("sizes"), &f, buf, sizeof(buf)), "4KiB,1MiB");
	ck_assert_str_eq(param_format(P("workers"), &f, buf, sizeof(buf)), "4");
	ck_assert_str_eq(param_format(P("verbose"), &f, buf, sizeof(buf)), "no");
	ck_assert_int_eq(param_parse(P("sizes"), &f, "1000,1.5GiB,1GiB", err, sizeof(err)),
			 -ERANGE);
	ck_assert_int_eq(param_parse(P("sizes"), &f, "1000,0.5GiB,1GiB", err, sizeof(err)), 0);
	ck_assert_str_eq(param_format(P("sizes"), &f, buf, sizeof(buf)), "1kB,512MiB,1GiB");
	/* A short buffer keeps whole elements only and stays terminated. */
	ck_assert_str_eq(param_format(P("sizes"), &f, buf, 12), "1kB,512MiB");
}
END_TEST

Suite *param_suite(void)
{
	Suite *s = suite_create("param");
	TCase *tc = tcase_create("param");

	tcase_add_test(tc, test_presets);
	tcase_add_test(tc, test_preset_text);
	tcase_add_test(tc, test_find);
	tcase_add_test(tc, test_parse_single);
	tcase_add_loop_test(tc, test_parse_bad, 0, ARRAY_SIZE(bad));
	tcase_add_test(tc, test_invalid_says_what_is_accepted);
	tcase_add_test(tc, test_list_limits);
	tcase_add_test(tc, test_err_optional_and_truncated);
	tcase_add_test(tc, test_bad_preset_reports);
	tcase_add_test(tc, test_format_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
