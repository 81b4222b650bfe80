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

/* The English phrase of an observation. */
static void assert_obs(const struct exp_result *res, const char *name, const char *want)
{
	const char *v = exp_test_obs(res, name);
	ck_assert_msg(strcmp(v, want) == 0, "%s is \"%s\", not \"%s\"", name, v, want);
}

/* A fact: the bare word yes. */
static void assert_yes(const struct exp_result *res, const char *name)
{
	const char *w = exp_result_obs_word(res, name);
	ck_assert_msg(w && strcmp(w, "yes") == 0, "%s is %s", name, exp_test_obs(res, name));
}

static void assert_count(const struct ev_val *v, int64_t want)
{
	ck_assert_int_eq(v->type, EV_COUNT);
	ck_assert_int_eq(v->i, want);
}

/* A value with a name: a signal, an errno, a word. */
static void assert_named(const struct ev_val *v, enum ev_type type, const char *want)
{
	ck_assert_msg(v->type == type, "a %s, not a %s", ev_type_name(type), ev_type_name(v->type));
	ck_assert_str_eq(v->s, want);
}

/* A fault in one thread: the signal, and the whole process ended. */
static void assert_fault_end(const struct exp_result *res, const char *name, const char *sig)
{
	const struct ev_msg *m = exp_test_obs_of(res, name, "crash.fault_end", 2);
	assert_named(&m->vals[0], EV_SIGNAL, sig);
	assert_named(&m->vals[1], EV_WORD, "whole_process");
}

/* Each sibling of the thread group stopped at the checkpoint: half of work. */
static void assert_progress(const struct exp_result *res, size_t others, int64_t work)
{
	const struct ev_msg *m =
		exp_test_obs_of(res, "iso.crash_thread.progress", "crash.progress", 2);
	ck_assert_int_eq(m->vals[0].type, EV_LIST);
	ck_assert_uint_eq(m->vals[0].n_list, others);
	for (size_t i = 0; i < others; i++)
		ck_assert_int_eq(m->vals[0].list[i], work / 2);
	assert_count(&m->vals[1], work);
}

/* Every sibling process counted all its work and exited 0. */
static void assert_survivors(const struct exp_result *res, int64_t others, int64_t work)
{
	const struct ev_msg *m =
		exp_test_obs_of(res, "iso.crash_process.survivors", "crash.survivors", 4);
	assert_count(&m->vals[0], others);
	assert_count(&m->vals[1], others);
	assert_count(&m->vals[2], work);
	assert_count(&m->vals[3], others);
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

	assert_yes(res, "iso.crash_process");
	assert_named(&exp_test_obs_of(res, "iso.crash_process.signal", NULL, 1)->vals[0], EV_SIGNAL,
		     "SIGSEGV");
	assert_survivors(res, 3, 200000);
	assert_obs(res, "iso.crash_process.survivors",
		   "3 of 3 finished 200000 increments, 3 of 3 exited with status 0");

	assert_yes(res, "iso.crash_thread");
	assert_fault_end(res, "iso.crash_thread.signal", "SIGSEGV");
	assert_obs(res, "iso.crash_thread.signal", "SIGSEGV: the whole process");
	assert_progress(res, 3, 200000);
	assert_fault_end(res, "iso.crash_thread.abort", "SIGABRT");
#if defined(__x86_64__) || defined(__i386__)
	assert_fault_end(res, "iso.crash_thread.fpe", "SIGFPE");
#else
	exp_test_obs_of(res, "iso.crash_thread.fpe", "crash.fault_end", 2);
#endif

	assert_yes(res, "iso.error_thread");
	const struct ev_msg *m =
		exp_test_obs_of(res, "iso.error_thread.error", "crash.error_handled", 4);
	assert_named(&m->vals[0], EV_ERRNO, "ENOENT");
	assert_count(&m->vals[1], 3);
	assert_count(&m->vals[2], 3);
	ck_assert_int_eq(m->vals[3].type, EV_MSG);
	ck_assert_str_eq(m->vals[3].msg->form, "crash.exited");
	ck_assert_uint_eq(m->vals[3].msg->n_vals, 1);
	assert_count(&m->vals[3].msg->vals[0], 0);

	assert_yes(res, "iso.corruption");
	m = exp_test_obs_of(res, "iso.corruption.thread", "crash.corrupt_thread", 3);
	assert_count(&m->vals[0], -1);
	assert_count(&m->vals[1], 100);
	assert_count(&m->vals[2], -1);
	m = exp_test_obs_of(res, "iso.corruption.process", "crash.corrupt_process", 4);
	assert_count(&m->vals[0], -1);
	assert_count(&m->vals[1], 100);
	assert_count(&m->vals[2], -1);
	assert_count(&m->vals[3], 100);
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
	assert_yes(res, "iso.crash_process");
	assert_survivors(res, 1, 1000);
	assert_yes(res, "iso.crash_thread");
	assert_progress(res, 1, 1000);
	assert_obs(res, "iso.crash_thread.progress",
		   "the others stopped at 500 of 1000 increments");
	assert_yes(res, "iso.error_thread");
	assert_yes(res, "iso.corruption");
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
	/* Its sentences: each id its own or a word, each template well formed; no figures. */
	ck_assert_ptr_nonnull(exp_crash.forms);
	for (const struct ev_form *f = exp_crash.forms; f->id; f++) {
		ck_assert_ptr_nonnull(f->text);
		ck_assert_msg(strncmp(f->id, "crash.", 6) == 0 || !strchr(f->id, '.'), "%s", f->id);
		ck_assert_msg(ev_form_arity(f->text) >= 0, "%s: %s", f->id, f->text);
	}
	ck_assert_ptr_nonnull(exp_crash.figures);
	ck_assert_ptr_null(exp_crash.figures[0].names);
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
