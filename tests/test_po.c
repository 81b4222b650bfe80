// SPDX-License-Identifier: MIT
/*
 * The Indonesian catalogue is whole: po/id.po passes msgfmt --check (every
 * format directive kept), msgfmt --statistics finds nothing untranslated
 * and nothing fuzzy, and every message of the sources as they are now (a
 * fresh xgettext, not the committed po/ptlab.pot) has its translation
 * (msgcmp). gettext's tools are a build dependency, so they are here.
 *
 * The catalogue also gives numbers for people their decimal separator
 * ("12,3 µs", "×9,08" in Indonesian) and the words of counts and rates
 * ("1 request", "permintaan/s"); a real run rendered in Indonesian shows
 * them, while its JSON, CSV and OpenMetrics are those of the English
 * rendering (but for the verdicts' reasons, sentences in the report's
 * language): machine formats never take a decimal comma.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cli_util.h"
#include "report/report.h"
#include "suites.h"
#include "util/i18n.h"

#ifndef PTLAB_SRCDIR
#define PTLAB_SRCDIR "."
#endif

/* Runs cmd in the source tree; returns its exit status and its output (caller frees). */
static int run_capture(const char *cmd, char **out)
{
	char *full;
	size_t len = 0;
	FILE *mem = open_memstream(out, &len);
	ck_assert_ptr_nonnull(mem);
	ck_assert_int_gt(asprintf(&full, "cd '%s' && { %s; } 2>&1", PTLAB_SRCDIR, cmd), 0);
	FILE *p = popen(full, "r");
	ck_assert_ptr_nonnull(p);
	int c;
	while ((c = getc(p)) != EOF)
		putc(c, mem);
	int status = pclose(p);
	fclose(mem);
	free(full);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(test_id_po_complete)
{
	char *out;
	int code = run_capture("msgfmt --check --statistics -o /dev/null po/id.po", &out);
	ck_assert_msg(code == 0, "msgfmt --check po/id.po: %.1500s", out);
	ck_assert_msg(strstr(out, "untranslated") == NULL, "po/id.po: %s", out);
	ck_assert_msg(strstr(out, "fuzzy") == NULL, "po/id.po: %s", out);
	free(out);

	char dir[] = "/tmp/ptlab-test-po.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *cmd;
	ck_assert_int_gt(
		asprintf(&cmd,
			 "xgettext --language=C --keyword=_ --keyword=N_ --from-code=UTF-8 "
			 "-o %s/fresh.pot src/*/*.c src/main.c && "
			 "msgcmp po/id.po %s/fresh.pot",
			 dir, dir),
		0);
	code = run_capture(cmd, &out);
	ck_assert_msg(code == 0, "a message of the sources has no Indonesian translation: %.1500s",
		      out);
	free(out);
	free(cmd);
	ck_assert_int_gt(asprintf(&cmd, "rm -rf '%s'", dir), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}
END_TEST

/*
 * One term per concept (the glossary atop po/id.po): none of the words it
 * replaced comes back, say through a compendium of older translations.
 */
START_TEST(test_id_po_glossary)
{
	char *out;
	int code = run_capture("msgexec -i po/id.po 0 | tr '\\0' '\\n' | grep -nP "
			       "'[Pp]utusan|terbelah|tidak meyakinkan|[Rr]ound trip|load average|"
			       "\\bpreset|antarthread|(?<!--)\\bseed\\b|\\bRun\\b|"
			       "condition variable|\\bscheduler\\b|requests'",
			       &out);
	ck_assert_msg(code == 1, "po/id.po strays from its glossary (grep: %d):\n%.1500s", code,
		      out);
	free(out);
}
END_TEST

/* Counts, rates and ratios for people, in English and then in Indonesian. */
START_TEST(test_numbers_for_people)
{
	char buf[64];
	ck_assert_str_eq(report_fmt_value(1, "requests", buf, sizeof(buf)), "1 request");
	ck_assert_str_eq(report_fmt_value(0, "requests", buf, sizeof(buf)), "0 requests");
	ck_assert_str_eq(report_fmt_value(4.5, "tasks", buf, sizeof(buf)), "4.5 tasks");
	ck_assert_str_eq(report_fmt_value(1, "tasks", buf, sizeof(buf)), "1 task");
	ck_assert_str_eq(report_fmt_value(12345, "requests/s", buf, sizeof(buf)),
			 "12.3k requests/s");
	ck_assert_str_eq(report_fmt_value(999.7, "requests/s", buf, sizeof(buf)), "1k requests/s");
	ck_assert_str_eq(report_fmt_value(3, "count", buf, sizeof(buf)), "3");
	ck_assert_str_eq(report_fmt_ratio(9.08, buf, sizeof(buf)), "9.08");

	i18n_init("id", NULL, 0);
	bindtextdomain("ptlab", PTLAB_SRCDIR "/build/locale");
	ck_assert_str_eq(i18n_language(), "id");
	ck_assert_str_eq(report_fmt_value(12345, "ns", buf, sizeof(buf)), "12,3 µs");
	ck_assert_str_eq(report_fmt_value(1.5 * 1048576, "bytes", buf, sizeof(buf)), "1,50 MiB");
	ck_assert_str_eq(report_fmt_value(12345, "requests/s", buf, sizeof(buf)),
			 "12,3k permintaan/s");
	ck_assert_str_eq(report_fmt_value(1, "requests", buf, sizeof(buf)), "1 permintaan");
	ck_assert_str_eq(report_fmt_value(9, "tasks", buf, sizeof(buf)), "9 task");
	ck_assert_str_eq(report_fmt_ratio(9.08, buf, sizeof(buf)), "9,08");
	ck_assert_str_eq(report_fmt_ratio(10.5, buf, sizeof(buf)), "10,5");
	ck_assert_str_eq(report_fmt_ratio(241, buf, sizeof(buf)), "241");
	ck_assert_str_eq(report_fmt_ratio(0.012, buf, sizeof(buf)), "0,0120");
}
END_TEST

/* Equal, line by line, but for lines where both hold skip (NULL: none). */
static void assert_same_but(const char *what, const char *a, const char *b, const char *skip)
{
	size_t line = 1;
	while (*a || *b) {
		size_t na = strcspn(a, "\n"), nb = strcspn(b, "\n");
		bool skipped = skip && memmem(a, na, skip, strlen(skip)) &&
			       memmem(b, nb, skip, strlen(skip));
		ck_assert_msg(skipped || (na == nb && memcmp(a, b, na) == 0),
			      "%s, line %zu: \"%.*s\" in Indonesian, \"%.*s\" in English", what,
			      line, (int)na, a, (int)nb, b);
		a += na + (a[na] == '\n');
		b += nb + (b[nb] == '\n');
		line++;
	}
}

/*
 * A real run rendered in Indonesian: the decimal comma and the words of
 * issue 16 in the report, none of the words it replaced; its JSON, CSV and
 * OpenMetrics those of the English rendering.
 */
START_TEST(test_real_run_in_indonesian)
{
	if (system("command -v xz >/dev/null 2>&1") != 0) {
		fprintf(stderr, "note: po: test_real_run_in_indonesian skipped: no xz\n");
		return;
	}
	char dir[] = "/tmp/ptlab-test-po.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char *cmd, *out;
	ck_assert_int_gt(
		asprintf(&cmd,
			 "xz -dc tests/fixtures/runs/kvm-pcid-zen3-quick-id.json.xz > %s/run.json "
			 "&& "
			 "for l in id en; do NO_COLOR=1 '%s' report %s/run.json --lang $l "
			 "--json %s/$l.json --csv %s/$l.csv --openmetrics %s/$l.om > %s/$l.txt "
			 "|| exit 1; done",
			 dir, cli_bin(), dir, dir, dir, dir, dir),
		0);
	int code = run_capture(cmd, &out);
	ck_assert_msg(code == 0, "rendering the run: %.1500s", out);
	free(out);
	free(cmd);

	char path[128];
	char *txt[2], *json[2], *csv[2], *om[2];
	static const char *const langs[] = { "id", "en" };
	for (int l = 0; l < 2; l++) {
		snprintf(path, sizeof(path), "%s/%s.txt", dir, langs[l]);
		txt[l] = cli_slurp(path);
		snprintf(path, sizeof(path), "%s/%s.json", dir, langs[l]);
		json[l] = cli_slurp(path);
		snprintf(path, sizeof(path), "%s/%s.csv", dir, langs[l]);
		csv[l] = cli_slurp(path);
		snprintf(path, sizeof(path), "%s/%s.om", dir, langs[l]);
		om[l] = cli_slurp(path);
		ck_assert_msg(*txt[l] && *json[l] && *csv[l] && *om[l], "%s: an output is empty",
			      langs[l]);
	}
	/*
	 * create.cost: ×9.08 in this run (fork has two modes, and every pairing
	 * of them with pthread_create holds: the whole sides' ratio is shown).
	 */
	ck_assert_ptr_nonnull(strstr(txt[1], "×9.08"));
	ck_assert_msg(strstr(txt[0], "×9,08"), "no decimal comma in the Indonesian report");
	ck_assert_ptr_null(strstr(txt[0], "×9.08"));
	static const char *const gone[] = {
		"Putusan", "putusan", "terbelah", "tidak meyakinkan", "load average", "requests",
		"Run:",	   "preset",  "seed"
	};
	for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		ck_assert_msg(!strstr(txt[0], gone[i]), "\"%s\" in the Indonesian report", gone[i]);
	assert_same_but("csv", csv[0], csv[1], NULL);
	assert_same_but("openmetrics", om[0], om[1], NULL);
	assert_same_but("json", json[0], json[1], "\"reason\": ");
	for (int l = 0; l < 2; l++) {
		free(txt[l]);
		free(json[l]);
		free(csv[l]);
		free(om[l]);
	}
	ck_assert_int_gt(asprintf(&cmd, "rm -rf '%s'", dir), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
}
END_TEST

Suite *po_suite(void)
{
	Suite *s = suite_create("po");
	TCase *tc = tcase_create("id");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_id_po_complete);
	tcase_add_test(tc, test_id_po_glossary);
	tcase_add_test(tc, test_numbers_for_people);
	tcase_add_test(tc, test_real_run_in_indonesian);
	suite_add_tcase(s, tc);
	return s;
}
