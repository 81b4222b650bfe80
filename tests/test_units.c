// SPDX-License-Identifier: MIT
/*
 * Tests of core/units: every accepted spelling parses to its value, every
 * class of malformed text is refused with -EINVAL, overflow is -ERANGE, the
 * exact form parses back to the same value, and the human forms match
 * golden strings. Nothing here depends on the machine; the runner does not
 * call setlocale(), so the decimal point is '.'. With the Indonesian
 * catalogue in use, the human forms take its decimal comma and the exact
 * forms (parsed back by --set and the JSON parameters) keep theirs.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/units.h"
#include "suites.h"
#include "util/i18n.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct parse_case {
	const char *text;
	enum unit_kind kind;
	int64_t want;
};

static const struct parse_case good[] = {
	/* bytes: every suffix */
	{ "4096", UNIT_BYTES, 4096 },
	{ "512B", UNIT_BYTES, 512 },
	{ "4k", UNIT_BYTES, 4096 },
	{ "4K", UNIT_BYTES, 4096 },
	{ "4KiB", UNIT_BYTES, 4096 },
	{ "4kiB", UNIT_BYTES, 4096 },
	{ "4KB", UNIT_BYTES, 4000 },
	{ "4kB", UNIT_BYTES, 4000 },
	{ "2M", UNIT_BYTES, 2 << 20 },
	{ "2MiB", UNIT_BYTES, 2 << 20 },
	{ "2MB", UNIT_BYTES, 2000000 },
	{ "3G", UNIT_BYTES, (int64_t)3 << 30 },
	{ "3GiB", UNIT_BYTES, (int64_t)3 << 30 },
	{ "3GB", UNIT_BYTES, 3000000000 },
	{ "5T", UNIT_BYTES, (int64_t)5 << 40 },
	{ "5TiB", UNIT_BYTES, (int64_t)5 << 40 },
	{ "5TB", UNIT_BYTES, 5000000000000 },
	{ "0", UNIT_BYTES, 0 },
	{ "0KiB", UNIT_BYTES, 0 },
	{ "007", UNIT_BYTES, 7 },
	{ "1.5GiB", UNIT_BYTES, (int64_t)3 << 29 },
	{ "0.5k", UNIT_BYTES, 512 },
	{ "1.25KB", UNIT_BYTES, 1250 },
	{ "2.0", UNIT_BYTES, 2 },
	{ "1.000KiB", UNIT_BYTES, 1024 },
	{ "9223372036854775807", UNIT_BYTES, INT64_MAX },
	{ "8388607TiB", UNIT_BYTES, (int64_t)8388607 << 40 },
	/* durations: every suffix; a bare number is nanoseconds */
	{ "750", UNIT_DURATION, 750 },
	{ "750ns", UNIT_DURATION, 750 },
	{ "20us", UNIT_DURATION, 20000 },
	{ "20µs", UNIT_DURATION, 20000 },
	{ "20μs", UNIT_DURATION, 20000 },
	{ "250ms", UNIT_DURATION, 250000000 },
	{ "2s", UNIT_DURATION, 2000000000 },
	{ "2min", UNIT_DURATION, 120000000000 },
	{ "1.5s", UNIT_DURATION, 1500000000 },
	{ "0.5s", UNIT_DURATION, 500000000 },
	{ "0.25min", UNIT_DURATION, 15000000000 },
	{ "1.001us", UNIT_DURATION, 1001 },
	/* counts */
	{ "3", UNIT_COUNT, 3 },
	{ "10k", UNIT_COUNT, 10000 },
	{ "2M", UNIT_COUNT, 2000000 },
	{ "1G", UNIT_COUNT, 1000000000 },
	{ "1.5k", UNIT_COUNT, 1500 },
	{ "0.001G", UNIT_COUNT, 1000000 },
	/* booleans */
	{ "1", UNIT_BOOL, 1 },
	{ "0", UNIT_BOOL, 0 },
	{ "yes", UNIT_BOOL, 1 },
	{ "no", UNIT_BOOL, 0 },
	{ "on", UNIT_BOOL, 1 },
	{ "off", UNIT_BOOL, 0 },
	{ "true", UNIT_BOOL, 1 },
	{ "false", UNIT_BOOL, 0 },
};

START_TEST(test_parse_good)
{
	const struct parse_case *c = &good[_i];
	int64_t v = -12345;

	ck_assert_msg(units_parse(c->text, c->kind, &v) == 0, "\"%s\" refused", c->text);
	ck_assert_msg(v == c->want, "\"%s\" gave %" PRId64 ", want %" PRId64, c->text, v, c->want);
}
END_TEST

struct bad_case {
	const char *text;
	enum unit_kind kind;
	int rc;
};

static const struct bad_case bad[] = {
	/* malformed in every kind of way */
	{ "", UNIT_BYTES, -EINVAL },
	{ "k", UNIT_BYTES, -EINVAL },
	{ "KiB", UNIT_BYTES, -EINVAL },
	{ "-1", UNIT_BYTES, -EINVAL },
	{ "+1", UNIT_BYTES, -EINVAL },
	{ "1x", UNIT_BYTES, -EINVAL },
	{ "1 k", UNIT_BYTES, -EINVAL },
	{ " 1k", UNIT_BYTES, -EINVAL },
	{ "1k ", UNIT_BYTES, -EINVAL },
	{ "0x10", UNIT_BYTES, -EINVAL },
	{ "1e3", UNIT_BYTES, -EINVAL },
	{ "1kk", UNIT_BYTES, -EINVAL },
	{ "1KIB", UNIT_BYTES, -EINVAL },
	{ "1mib", UNIT_BYTES, -EINVAL },
	{ "1gb", UNIT_BYTES, -EINVAL },
	{ "1Ki", UNIT_BYTES, -EINVAL },
	{ ".5k", UNIT_BYTES, -EINVAL },
	{ "1.k", UNIT_BYTES, -EINVAL },
	{ "1..5k", UNIT_BYTES, -EINVAL },
	{ "1,5k", UNIT_BYTES, -EINVAL },
	{ "1.5", UNIT_BYTES, -EINVAL },
	{ "0.1B", UNIT_BYTES, -EINVAL },
	{ "1ms", UNIT_BYTES, -EINVAL },
	{ "1KiB\n", UNIT_BYTES, -EINVAL },
	{ "1.3", UNIT_COUNT, -EINVAL },
	{ "1.0001k", UNIT_COUNT, -EINVAL },
	{ "1Ki", UNIT_COUNT, -EINVAL },
	{ "1KiB", UNIT_COUNT, -EINVAL },
	{ "1K", UNIT_COUNT, -EINVAL },
	{ "1T", UNIT_COUNT, -EINVAL },
	{ "", UNIT_COUNT, -EINVAL },
	{ "-0", UNIT_COUNT, -EINVAL },
	{ "1.5ns", UNIT_DURATION, -EINVAL },
	{ "1m", UNIT_DURATION, -EINVAL },
	{ "1S", UNIT_DURATION, -EINVAL },
	{ "1sec", UNIT_DURATION, -EINVAL },
	{ "ms", UNIT_DURATION, -EINVAL },
	{ "0.0000000000000000001s", UNIT_DURATION, -EINVAL },
	{ "", UNIT_BOOL, -EINVAL },
	{ "2", UNIT_BOOL, -EINVAL },
	{ "maybe", UNIT_BOOL, -EINVAL },
	{ "yes ", UNIT_BOOL, -EINVAL },
	{ "01", UNIT_BOOL, -EINVAL },
	/* well formed, too large for int64_t */
	{ "9223372036854775808", UNIT_BYTES, -ERANGE },
	{ "9999999999999999999", UNIT_BYTES, -ERANGE },
	{ "99999999999999999999999999", UNIT_COUNT, -ERANGE },
	{ "9000000TiB", UNIT_BYTES, -ERANGE },
	{ "8388608TiB", UNIT_BYTES, -ERANGE },
	{ "9999999999G", UNIT_COUNT, -ERANGE },
	{ "200000000min", UNIT_DURATION, -ERANGE },
	{ "9223372036854775807.5k", UNIT_COUNT, -ERANGE },
	/* junk wins over size: malformed text is never -ERANGE */
	{ "99999999999999999999x", UNIT_BYTES, -EINVAL },
};

START_TEST(test_parse_bad)
{
	const struct bad_case *c = &bad[_i];
	int64_t v = 42;
	int rc = units_parse(c->text, c->kind, &v);

	ck_assert_msg(rc == c->rc, "\"%s\" gave %d, want %d", c->text, rc, c->rc);
	ck_assert_msg(v == 42, "\"%s\" wrote the output on failure", c->text);
}
END_TEST

START_TEST(test_parse_null)
{
	int64_t v;

	ck_assert_int_eq(units_parse(NULL, UNIT_BYTES, &v), -EINVAL);
}
END_TEST

struct exact_case {
	int64_t v;
	enum unit_kind kind;
	const char *want;
};

static const struct exact_case exact[] = {
	{ 0, UNIT_BYTES, "0" },
	{ 3, UNIT_BYTES, "3" },
	{ 1000, UNIT_BYTES, "1kB" },
	{ 1536, UNIT_BYTES, "1536" },
	{ 4096, UNIT_BYTES, "4KiB" },
	{ 1 << 20, UNIT_BYTES, "1MiB" },
	{ 2000000, UNIT_BYTES, "2MB" },
	{ 1073741824, UNIT_BYTES, "1GiB" },
	{ 3000000000, UNIT_BYTES, "3GB" },
	{ (int64_t)7 << 40, UNIT_BYTES, "7TiB" },
	{ 4000000000000, UNIT_BYTES, "4TB" },
	{ (int64_t)1 << 62, UNIT_BYTES, "4194304TiB" },
	{ -4096, UNIT_BYTES, "-4KiB" },
	{ INT64_MAX, UNIT_BYTES, "9223372036854775807" },
	{ INT64_MIN, UNIT_BYTES, "-8388608TiB" },
	{ 0, UNIT_DURATION, "0ns" },
	{ 3, UNIT_DURATION, "3ns" },
	{ 1500, UNIT_DURATION, "1500ns" },
	{ 20000, UNIT_DURATION, "20us" },
	{ 250000000, UNIT_DURATION, "250ms" },
	{ 1500000000, UNIT_DURATION, "1500ms" },
	{ 90000000000, UNIT_DURATION, "90s" },
	{ 120000000000, UNIT_DURATION, "2min" },
	{ -250000000, UNIT_DURATION, "-250ms" },
	{ 0, UNIT_COUNT, "0" },
	{ 3, UNIT_COUNT, "3" },
	{ 2000, UNIT_COUNT, "2k" },
	{ 2500, UNIT_COUNT, "2500" },
	{ 5000000, UNIT_COUNT, "5M" },
	{ 7000000000, UNIT_COUNT, "7G" },
	{ 1, UNIT_BOOL, "yes" },
	{ 0, UNIT_BOOL, "no" },
	{ 5, UNIT_BOOL, "5" },
};

START_TEST(test_format_exact)
{
	const struct exact_case *c = &exact[_i];
	char buf[64];

	ck_assert_str_eq(units_format_exact(c->v, c->kind, buf, sizeof(buf)), c->want);
}
END_TEST

/* parse(format_exact(v)) == v over values built from every multiplier. */
START_TEST(test_round_trip)
{
	static const int64_t mults[] = {
		1,
		1000,
		1024,
		1000000,
		1 << 20,
		1000000000,
		(int64_t)1 << 30,
		1000000000000,
		(int64_t)1 << 40,
		60000000000,
	};
	static const int64_t factors[] = { 1, 2, 3, 7, 10, 999, 1000, 1023, 1024, 4097 };
	static const enum unit_kind kinds[] = { UNIT_COUNT, UNIT_BYTES, UNIT_DURATION };
	char buf[64];

	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		for (size_t m = 0; m < ARRAY_SIZE(mults); m++) {
			for (size_t f = 0; f < ARRAY_SIZE(factors); f++) {
				int64_t v = mults[m] * factors[f], back = -1;
				units_format_exact(v, kinds[k], buf, sizeof(buf));
				ck_assert_msg(units_parse(buf, kinds[k], &back) == 0,
					      "\"%s\" does not parse", buf);
				ck_assert_msg(back == v, "%" PRId64 " -> \"%s\" -> %" PRId64, v,
					      buf, back);
			}
		}
		int64_t back = -1;
		units_format_exact(INT64_MAX, kinds[k], buf, sizeof(buf));
		ck_assert_int_eq(units_parse(buf, kinds[k], &back), 0);
		ck_assert(back == INT64_MAX);
	}
	for (int64_t b = 0; b <= 1; b++) {
		int64_t back = -1;
		units_format_exact(b, UNIT_BOOL, buf, sizeof(buf));
		ck_assert_int_eq(units_parse(buf, UNIT_BOOL, &back), 0);
		ck_assert(back == b);
	}
}
END_TEST

struct human_case {
	double v;
	bool bytes;
	const char *want;
};

static const struct human_case human[] = {
	{ 812, false, "812 ns" },
	{ 12345, false, "12.3 µs" },
	{ 1050000, false, "1.05 ms" },
	{ 2.5e9, false, "2.50 s" },
	{ 0.512, false, "0.512 ns" },
	{ 0, false, "0 ns" },
	{ 5, false, "5 ns" },
	{ 1.5, false, "1.50 ns" },
	{ 99.96, false, "100 ns" },
	{ 9.996, false, "10.0 ns" },
	{ 999.7, false, "1.00 µs" },
	{ 999.4, false, "999 ns" },
	{ 5000e9, false, "5000 s" },
	{ -1500, false, "-1.50 µs" },
	{ NAN, false, "n/a" },
	{ INFINITY, false, "n/a" },
	{ -INFINITY, false, "n/a" },
	{ 512, true, "512 B" },
	{ 4096, true, "4.00 KiB" },
	{ 1.5 * 1048576, true, "1.50 MiB" },
	{ 4.0 * 1073741824, true, "4.00 GiB" },
	{ 2.0 * 1099511627776.0, true, "2.00 TiB" },
	{ 1000, true, "0.977 KiB" },
	{ 100 * 1024, true, "100 KiB" },
	{ 0.5, true, "0.500 B" },
	{ NAN, true, "n/a" },
};

START_TEST(test_format_human)
{
	const struct human_case *c = &human[_i];
	char buf[64];

	if (c->bytes)
		ck_assert_str_eq(units_format_bytes(c->v, buf, sizeof(buf)), c->want);
	else
		ck_assert_str_eq(units_format_ns(c->v, buf, sizeof(buf)), c->want);
}
END_TEST

START_TEST(test_format_truncates)
{
	char buf[4];

	ck_assert_str_eq(units_format_ns(12345, buf, sizeof(buf)), "12.");
	ck_assert_str_eq(units_format_exact(1073741824, UNIT_BYTES, buf, sizeof(buf)), "1Gi");
	ck_assert_str_eq(units_format_bytes(4096, buf, 1), "");
}
END_TEST

/* Switches this test's process to Indonesian, with the catalogue of the source tree. */
static void speak_indonesian(void)
{
	i18n_init("id", NULL, 0);
	bindtextdomain("ptlab", PTLAB_SRCDIR "/build/locale");
	ck_assert_str_eq(i18n_language(), "id");
	ck_assert_str_ne(gettext("yes"), "yes");
}

/* Numbers for people take the catalogue's decimal comma; what is parsed back does not. */
START_TEST(test_format_indonesian)
{
	char buf[64];
	int64_t v;

	ck_assert_int_eq(i18n_decimal_point(), '.');
	speak_indonesian();
	ck_assert_int_eq(i18n_decimal_point(), ',');
	ck_assert_str_eq(units_format_ns(12345, buf, sizeof(buf)), "12,3 µs");
	ck_assert_str_eq(units_format_ns(0.512, buf, sizeof(buf)), "0,512 ns");
	ck_assert_str_eq(units_format_ns(812, buf, sizeof(buf)), "812 ns");
	ck_assert_str_eq(units_format_ns(-1500, buf, sizeof(buf)), "-1,50 µs");
	ck_assert_str_eq(units_format_bytes(1.5 * 1048576, buf, sizeof(buf)), "1,50 MiB");
	ck_assert_str_eq(units_format_ns(NAN, buf, sizeof(buf)), "t/a");
	/* The exact forms are for --set and the JSON parameters: never a comma. */
	ck_assert_str_eq(units_format_exact(1536, UNIT_BYTES, buf, sizeof(buf)), "1536");
	ck_assert_str_eq(units_format_exact(250000000, UNIT_DURATION, buf, sizeof(buf)), "250ms");
	ck_assert_int_eq(units_parse("1.5s", UNIT_DURATION, &v), 0);
	ck_assert_int_eq(v, 1500000000);
	ck_assert_int_eq(units_parse("1,5s", UNIT_DURATION, &v), -EINVAL);
	/* printf, and so every machine format, keeps the C locale's point. */
	snprintf(buf, sizeof(buf), "%.2f", 9.08);
	ck_assert_str_eq(buf, "9.08");
}
END_TEST

/* i18n_decimal() changes a point between two digits only. */
START_TEST(test_decimal_in_place)
{
	static const char *const cases[][2] = {
		{ "12.4 µs", "12,4 µs" }, { "×9.08", "×9,08" }, { "1.5k", "1,5k" },
		{ "n/a", "n/a" },	  { ".5", ".5" },	{ "5.", "5." },
		{ "a.b", "a.b" },	  { "", "" },
	};
	char buf[32];

	snprintf(buf, sizeof(buf), "%s", "12.4");
	ck_assert_str_eq(i18n_decimal(buf), "12.4"); /* English: as it is */
	speak_indonesian();
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(buf, sizeof(buf), "%s", cases[i][0]);
		ck_assert_str_eq(i18n_decimal(buf), cases[i][1]);
	}
}
END_TEST

START_TEST(test_accepted)
{
	static const enum unit_kind kinds[] = {
		UNIT_COUNT,
		UNIT_BYTES,
		UNIT_DURATION,
		UNIT_BOOL,
	};

	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		const char *s = units_accepted(kinds[k]);
		ck_assert_ptr_nonnull(s);
		ck_assert(strlen(s) > 0);
	}
	ck_assert_ptr_nonnull(strstr(units_accepted(UNIT_BYTES), "MiB"));
	ck_assert_ptr_nonnull(strstr(units_accepted(UNIT_DURATION), "ms"));
}
END_TEST

Suite *units_suite(void)
{
	Suite *s = suite_create("units");
	TCase *tc = tcase_create("units");

	tcase_add_loop_test(tc, test_parse_good, 0, ARRAY_SIZE(good));
	tcase_add_loop_test(tc, test_parse_bad, 0, ARRAY_SIZE(bad));
	tcase_add_test(tc, test_parse_null);
	tcase_add_loop_test(tc, test_format_exact, 0, ARRAY_SIZE(exact));
	tcase_add_test(tc, test_round_trip);
	tcase_add_loop_test(tc, test_format_human, 0, ARRAY_SIZE(human));
	tcase_add_test(tc, test_format_truncates);
	tcase_add_test(tc, test_accepted);
	tcase_add_test(tc, test_format_indonesian);
	tcase_add_test(tc, test_decimal_in_place);
	suite_add_tcase(s, tc);
	return s;
}
