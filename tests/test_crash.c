// SPDX-License-Identifier: MIT
/*
 * The crash experiment through the runner: its facts are deterministic on
 * any Linux machine, so they are asserted outright. A NULL write ends one
 * process by SIGSEGV and its siblings finish; the same write, abort() and
 * a division by zero in one thread end the whole process by SIGSEGV,
 * SIGABRT and SIGFPE with the siblings stopped at their halfway
 * checkpoint; a handled error ends one thread alone; a stray write
 * corrupts a sibling thread's data and not another process's. Nothing is
 * left behind: no process and no core file. (The division traps on x86;
 * a CPU that does not trap it is told apart and not failed.) No time is
 * asserted.
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/clock.h"
#include "runner/experiment.h"
#include "core/param.h"
#include "runner/runner.h"
#include "core/unit.h"
#include "model/run.h"
#include "exp_test.h"
#include "suites.h"

extern const struct experiment exp_crash;
Suite *crash_suite(void);

/* Runs crash with the quick preset and the given workers and work (NULL: the preset's). */
static struct exp_result *run_crash(struct run *r, const char *workers, const char *work)
{
	const char *settings[5];
	size_t n = 0;
	if (workers) {
		settings[n++] = "workers";
		settings[n++] = workers;
	}
	if (work) {
		settings[n++] = "work";
		settings[n++] = work;
	}
	settings[n] = NULL;
	struct exp_result *res = exp_test_run(&exp_crash, settings, NULL, r);
	ck_assert_uint_eq(res->n_skips, 0);
	return res;
}

static void assert_obs(const struct exp_result *res, const char *name, const char *want)
{
	const char *v = exp_test_obs(res, name);
	ck_assert_msg(strcmp(v, want) == 0, "%s is \"%s\", not \"%s\"", name, v, want);
}

static void assert_prefix(const struct exp_result *res, const char *name, const char *want)
{
	const char *v = exp_test_obs(res, name);
	ck_assert_msg(strncmp(v, want, strlen(want)) == 0, "%s is \"%s\", not \"%s...\"", name, v,
		      want);
}

/* Names starting with "core" in dir, newline-separated and each followed by one, into buf. */
static void list_cores(const char *dir, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		if (strncmp(e->d_name, "core", 4) != 0)
			continue;
		int n = snprintf(buf + used, size - used, "%s\n", e->d_name);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	closedir(d);
}

/* Every core* name in dir now was there before. */
static void assert_no_new_core(const char *dir, const char *before)
{
	char now[8192], line[300];
	list_cores(dir, now, sizeof(now));
	for (char *s = now, *nl; (nl = strchr(s, '\n')) != NULL; s = nl + 1) {
		snprintf(line, sizeof(line), "%.*s\n", (int)(nl - s), s);
		ck_assert_msg(strstr(before, line) != NULL, "%s/%.*s was left behind", dir,
			      (int)(nl - s), s);
	}
}

START_TEST(test_facts)
{
	char cwd_before[8192], tmp_before[8192];
	struct run r;

	list_cores(".", cwd_before, sizeof(cwd_before));
	list_cores("/tmp", tmp_before, sizeof(tmp_before));
	struct exp_result *res = run_crash(&r, NULL, NULL);

	assert_obs(res, "iso.crash_process", "yes");
	assert_obs(res, "iso.crash_process.signal", "SIGSEGV");
	assert_prefix(res, "iso.crash_process.survivors", "3 of 3 finished 200000 increments");

	assert_obs(res, "iso.crash_thread", "yes");
	assert_obs(res, "iso.crash_thread.signal", "SIGSEGV: the whole process");
	assert_obs(res, "iso.crash_thread.progress",
		   "others stopped at 100000, 100000, 100000 of 200000");
	assert_obs(res, "iso.crash_thread.abort", "SIGABRT: the whole process");
#if defined(__x86_64__) || defined(__i386__)
	assert_obs(res, "iso.crash_thread.fpe", "SIGFPE: the whole process");
#else
	exp_test_obs(res, "iso.crash_thread.fpe");
#endif

	assert_obs(res, "iso.error_thread", "yes");
	assert_prefix(res, "iso.error_thread.error", "ENOENT, handled; 3 of 3 others finished");

	assert_obs(res, "iso.corruption", "yes");
	assert_obs(res, "iso.corruption.thread",
		   "a thread wrote -1 to slots[4]; its sibling's balance went from 100 to -1");
	assert_obs(res, "iso.corruption.process",
		   "a child process wrote -1 to slots[4]; its own copy's balance went from 100 to "
		   "-1, the parent's from 100 to 100");

	exp_test_no_children();
	assert_no_new_core(".", cwd_before);
	assert_no_new_core("/tmp", tmp_before);
	run_free(&r);
}
END_TEST

/* The smallest group: one victim and one sibling, the smallest work. */
START_TEST(test_smallest)
{
	struct run r;

	struct exp_result *res = run_crash(&r, "2", "1000");
	assert_obs(res, "iso.crash_process", "yes");
	assert_prefix(res, "iso.crash_process.survivors", "1 of 1 finished 1000 increments");
	assert_obs(res, "iso.crash_thread", "yes");
	assert_obs(res, "iso.crash_thread.progress", "others stopped at 500 of 1000");
	assert_obs(res, "iso.error_thread", "yes");
	assert_obs(res, "iso.corruption", "yes");
	exp_test_no_children();
	run_free(&r);
}
END_TEST

/* The parameter table and the descriptor say what the lead registers. */
START_TEST(test_descriptor)
{
	static const char *const fed[] = { "iso.crash_process", "iso.crash_thread",
					   "iso.error_thread", "iso.corruption", NULL };
	ck_assert_str_eq(exp_crash.name, "crash");
	ck_assert(exp_crash.quick_suite);
	for (size_t i = 0; fed[i]; i++) {
		ck_assert_ptr_nonnull(exp_crash.claims[i]);
		ck_assert_str_eq(exp_crash.claims[i], fed[i]);
	}
	ck_assert_ptr_null(exp_crash.claims[4]);
	char err[256];
	void *params = calloc(1, exp_crash.params_size);
	ck_assert_ptr_nonnull(params);
	/* Out of range: one worker has no sibling, and 65 do not fit the arena. */
	const struct param *w = param_find(exp_crash.params, exp_crash.n_params, "workers");
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(param_parse(w, params, "1", err, sizeof(err)), -ERANGE);
	ck_assert_int_eq(param_parse(w, params, "65", err, sizeof(err)), -ERANGE);
	ck_assert_int_eq(param_apply_preset(exp_crash.params, exp_crash.n_params, params,
					    PRESET_FULL, err, sizeof(err)),
			 0);
	ck_assert_uint_ge(exp_crash.deadline(params), exp_crash.deadline_ns[PRESET_QUICK]);
	free(params);
}
END_TEST

Suite *crash_suite(void)
{
	Suite *s = suite_create("crash");
	TCase *tc = tcase_create("facts");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_facts);
	tcase_add_test(tc, test_smallest);
	tcase_add_test(tc, test_descriptor);
	suite_add_tcase(s, tc);
	return s;
}
