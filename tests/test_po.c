// SPDX-License-Identifier: MIT
/*
 * The Indonesian catalogue is whole: po/id.po passes msgfmt --check (every
 * format directive kept), msgfmt --statistics finds nothing untranslated
 * and nothing fuzzy, and every message of the sources as they are now (a
 * fresh xgettext, not the committed po/ptlab.pot) has its translation
 * (msgcmp). gettext's tools are a build dependency, so they are here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "suites.h"

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

Suite *po_suite(void)
{
	Suite *s = suite_create("po");
	TCase *tc = tcase_create("id");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_id_po_complete);
	suite_add_tcase(s, tc);
	return s;
}
