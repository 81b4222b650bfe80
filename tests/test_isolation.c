// SPDX-License-Identifier: MIT
/*
 * The isolation experiment through the runner, with its quick preset.
 * Every fact it records holds on any Linux, so each must read "yes", and
 * the evidence behind it must be there and agree with it: the task count
 * is the threads plus the main thread, the TIDs differ, the child's writes
 * took copy-on-write faults, the stack overflow ended the whole process by
 * a signal, the unprivileged read was refused. Nothing is left behind: no
 * temporary file, no child process; and the working directory and the
 * environment of this process are as they were. No time is asserted.
 */
#include <dirent.h>
#include <grp.h>
#include <errno.h>
#include <stdbool.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cleanup.h"
#include "core/clock.h"
#include "core/param.h"
#include "runner/runner.h"
#include "core/unit.h"
#include "model/run.h"
#include "exp_test.h"
#include "suites.h"

extern const struct experiment exp_isolation;
extern char **environ;

/*
 * ThreadSanitizer's runtime runs threads of its own in the experiment's
 * process (one it starts after fork, one more at the first pthread_create),
 * and /proc/self/task counts them: under it def.unit reads "no" and the task
 * count exceeds threads + 1. Everything else is checked as usual.
 */
#ifdef __SANITIZE_THREAD__
#define RUNTIME_THREADS true
#else
#define RUNTIME_THREADS false
#endif

static struct exp_result *run_isolation(struct run *r, const char *threads)
{
	const char *const settings[] = { "threads", threads, NULL };
	return exp_test_run(&exp_isolation, settings, NULL, r);
}

static const char *skip_reason(const struct exp_result *res, const char *what)
{
	for (size_t i = 0; i < res->n_skips; i++)
		if (strcmp(res->skips[i].what, what) == 0)
			return exp_test_said(res, &res->skips[i].reason);
	return NULL;
}

/* The one value of a bare observation, asserted to be of type. */
static const struct ev_val *bare(const struct exp_result *res, const char *name, enum ev_type type)
{
	const struct ev_val *v = &exp_test_obs_of(res, name, NULL, 1)->vals[0];
	ck_assert_msg(v->type == type, "%s is a %s, not a %s", name, ev_type_name(v->type),
		      ev_type_name(type));
	return v;
}

/* A bare word: a fact's yes or no, what the main thread saw. */
static void assert_word(const struct exp_result *res, const char *name, const char *want)
{
	ck_assert_str_eq(bare(res, name, EV_WORD)->s, want);
}

/* A size in bytes, asserted to be one. */
static double bytes_of(const struct exp_result *res, const char *name)
{
	const struct ev_val *v = bare(res, name, EV_NUM);
	ck_assert_str_eq(v->unit, "bytes");
	return v->d;
}

/* Splits a comma list of integers into v; returns the count. */
static size_t parse_list(const char *s, long *v, size_t max)
{
	size_t n = 0;
	char *end;
	while (*s && n < max) {
		v[n++] = strtol(s, &end, 10);
		ck_assert_msg(end != s && (*end == ',' || *end == '\0'), "bad list at %s", s);
		s = *end ? end + 1 : end;
	}
	return n;
}

/* A copy of the environment, to compare after the run. */
static char **env_copy(size_t *n)
{
	size_t count = 0;
	while (environ[count])
		count++;
	char **copy = calloc(count + 1, sizeof(*copy));
	ck_assert_ptr_nonnull(copy);
	for (size_t i = 0; i < count; i++)
		copy[i] = strdup(environ[i]);
	*n = count;
	return copy;
}

/* The barriers of sec.isolation, each alone, and the word each must give. */
static const struct {
	const char *key, *want;
	bool needs_root;
} barriers[] = {
	{ "sec.isolation.other_uid", "refused", true },
	{ "sec.isolation.non_dumpable", "refused", false },
	{ "sec.isolation.same_uid", "read", false },
	{ "sec.isolation.root", "read", true },
};
#define N_BARRIERS (sizeof(barriers) / sizeof(barriers[0]))

static void check_run(const char *threads_text, int threads)
{
	struct run r;
	size_t env_n, env_n_after;
	char cwd_before[4096], cwd_after[4096];
	ck_assert_ptr_nonnull(getcwd(cwd_before, sizeof(cwd_before)));
	char **env_before = env_copy(&env_n);

	struct exp_result *res = run_isolation(&r, threads_text);

	static const char *const facts[] = { "def.unit",     "mem.separate", "mem.shared",
					     "mem.stack",    "res.fd",	     "res.env",
					     "sec.isolation" };
	for (size_t i = 0; i < sizeof(facts) / sizeof(facts[0]); i++) {
		if (RUNTIME_THREADS && strcmp(facts[i], "def.unit") == 0)
			continue;
		const char *w = exp_result_obs_word(res, facts[i]);
		ck_assert_msg(w && strcmp(w, "yes") == 0, "%s: %s", facts[i],
			      exp_test_obs(res, facts[i]));
	}

	/* def.unit: the threads and the main thread, distinct TIDs, a CPU each. */
	int64_t tasks = bare(res, "def.unit.tasks", EV_COUNT)->i;
	if (RUNTIME_THREADS)
		ck_assert_int_gt(tasks, threads + 1);
	else
		ck_assert_int_eq(tasks, threads + 1);
	long tids[64], cpus[64];
	ck_assert_uint_eq(parse_list(bare(res, "def.unit.tids", EV_TOKEN)->s, tids, 64),
			  (size_t)threads);
	ck_assert_uint_eq(parse_list(bare(res, "def.unit.cpus", EV_TOKEN)->s, cpus, 64),
			  (size_t)threads);
	/* Pinned round-robin over the CPUs of the run: thread i ran on the i-th, wrapping. */
	int allowed[CPU_SETSIZE];
	size_t n_allowed = unit_allowed_cpus(allowed, CPU_SETSIZE);
	ck_assert_uint_gt(n_allowed, 0);
	for (int i = 0; i < threads; i++) {
		ck_assert_int_gt(tids[i], 0);
		ck_assert_int_eq(cpus[i], allowed[(size_t)i % n_allowed]);
		for (int j = 0; j < i; j++)
			ck_assert_int_ne(tids[i], tids[j]);
	}

	/* mem.separate: the child's writes were copies made on demand. */
	ck_assert_int_ge(bare(res, "mem.separate.cow_faults", EV_COUNT)->i, 1);

	/* mem.stack: a default size, little of it resident; the overflow is the process's end. */
	double def = bytes_of(res, "mem.stack.default_bytes");
	double resident = bytes_of(res, "mem.stack.resident_bytes");
	ck_assert_double_gt(def, 0);
	ck_assert_double_gt(resident, 0);
	ck_assert_double_lt(resident, def);
	const struct ev_msg *overflow =
		exp_test_obs_of(res, "mem.stack.overflow", "isolation.fault_end", 2);
	ck_assert_int_eq(overflow->vals[0].type, EV_SIGNAL);
	ck_assert_int_eq(overflow->vals[1].type, EV_WORD);
	ck_assert_str_eq(overflow->vals[1].s, "whole_process");
	const char *said = exp_test_obs(res, "mem.stack.overflow");
	ck_assert_msg(strncmp(said, "SIG", 3) == 0 && strstr(said, ": the whole process"),
		      "overflow: %s", said);

	/* res.fd: both halves, and the shared offset. */
	assert_word(res, "res.fd.threads", "yes");
	assert_word(res, "res.fd.process", "yes");
	assert_word(res, "res.fd.offset_shared", "yes");

	assert_word(res, "res.env.thread", "seen");
	assert_word(res, "res.env.process", "not_seen");
	ck_assert_str_eq(exp_test_obs(res, "res.env.process"), "not seen");

	/* sec.isolation: refused, or (no such system call, no way to drop privilege) said why. */
	if (exp_result_obs(res, "sec.isolation.read_errno")) {
		const char *read_errno = bare(res, "sec.isolation.read_errno", EV_ERRNO)->s;
		ck_assert_msg(strcmp(read_errno, "EPERM") == 0 || strcmp(read_errno, "EACCES") == 0,
			      "read_errno %s", read_errno);
		/* Root drops to nobody to read; anyone else reads as itself. */
		const struct ev_msg *how = exp_test_obs_msg(res, "sec.isolation.arrangement");
		ck_assert_ptr_nonnull(how->form);
		bool yama = strstr(how->form, "_yama") != NULL;
		char want[64];
		snprintf(want, sizeof(want), "%s%s",
			 geteuid() == 0 ? "isolation.dropped" : "isolation.own_uid",
			 yama ? "_yama" : "");
		ck_assert_str_eq(how->form, want);
		ck_assert_uint_eq(how->n_vals, yama ? 2 : 1);
		ck_assert_int_eq(how->vals[0].type, EV_TOKEN);
		ck_assert_int_eq(atoi(how->vals[0].s), geteuid() == 0 ? 65534 : (int)geteuid());
		ck_assert_ptr_nonnull(
			strstr(exp_test_obs(res, "sec.isolation.arrangement"), "non-dumpable"));
	} else {
		const char *why = skip_reason(res, "sec.isolation.read_errno");
		ck_assert_msg(why && why[0], "the refusal was neither observed nor skipped");
	}
	/* Each barrier alone: the word it must give, or (not root) why it was not tried. */
	bool tried = exp_result_obs(res, "sec.isolation.read_errno") != NULL;
	for (size_t i = 0; i < N_BARRIERS; i++) {
		const char *word = exp_result_obs_word(res, barriers[i].key);
		const char *why = skip_reason(res, barriers[i].key);
		if (geteuid() != 0 && barriers[i].needs_root) {
			ck_assert_msg(!word, "%s observed without root", barriers[i].key);
			ck_assert_msg(why && strstr(why, "root"), "%s: %s", barriers[i].key,
				      why ? why : "not skipped");
		} else if (word || tried) {
			ck_assert_msg(word, "%s skipped: %s", barriers[i].key, why ? why : "");
			ck_assert_msg(strcmp(word, barriers[i].want) == 0, "%s: %s, not %s",
				      barriers[i].key, word, barriers[i].want);
			ck_assert_str_eq(exp_test_obs(res, barriers[i].key), barriers[i].want);
		} else {
			ck_assert_msg(why && why[0], "%s neither observed nor skipped",
				      barriers[i].key);
		}
	}
	/* Only those reads may be skipped: everything else holds on any Linux. */
	for (size_t i = 0; i < res->n_skips; i++)
		ck_assert_msg(strncmp(res->skips[i].what, "sec.isolation.", 14) == 0,
			      "skipped %s: %s", res->skips[i].what,
			      exp_test_said(res, &res->skips[i].reason));

	/* Nothing left behind: no child, no temporary file of the experiment. */
	exp_test_no_children();
	DIR *d = opendir(cleanup_tmpdir());
	ck_assert_ptr_nonnull(d);
	for (struct dirent *de; (de = readdir(d));) {
		size_t len = strlen(de->d_name);
		bool ours = strncmp(de->d_name, CLEANUP_PREFIX, strlen(CLEANUP_PREFIX)) == 0 &&
			    len > 10 && strcmp(de->d_name + len - 10, ".isolation") == 0;
		ck_assert_msg(!ours, "left behind: %s", de->d_name);
	}
	closedir(d);

	/* This process's working directory and environment are as they were. */
	ck_assert_ptr_nonnull(getcwd(cwd_after, sizeof(cwd_after)));
	ck_assert_str_eq(cwd_after, cwd_before);
	ck_assert_ptr_null(getenv("PTLAB_ISOLATION_PROBE"));
	char **env_after = env_copy(&env_n_after);
	ck_assert_uint_eq(env_n_after, env_n);
	for (size_t i = 0; i < env_n; i++) {
		ck_assert_str_eq(env_after[i], env_before[i]);
		free(env_after[i]);
		free(env_before[i]);
	}
	free(env_after);
	free(env_before);
	run_free(&r);
}

/* The sentences of its evidence: each id its own or a word, each template well formed. */
START_TEST(test_forms)
{
	ck_assert_ptr_nonnull(exp_isolation.forms);
	for (const struct ev_form *f = exp_isolation.forms; f->id; f++) {
		ck_assert_ptr_nonnull(f->text);
		ck_assert_msg(strncmp(f->id, "isolation.", 10) == 0 || !strchr(f->id, '.'), "%s",
			      f->id);
		ck_assert_msg(ev_form_arity(f->text) >= 0, "%s: %s", f->id, f->text);
	}
	/* Facts, not figures: none declared, so a record would abort the test build. */
	ck_assert_ptr_nonnull(exp_isolation.figures);
	ck_assert_ptr_null(exp_isolation.figures[0].names);
}
END_TEST

START_TEST(test_quick_facts)
{
	check_run("4", 4);
}
END_TEST

/* The extremes of the thread count: the fewest, and more threads than most machines have CPUs. */
START_TEST(test_thread_counts)
{
	check_run("2", 2);
	check_run("64", 64);
}
END_TEST

/*
 * Without root: the experiment runs in a child that dropped to nobody. The
 * two barriers that need root are skipped saying so, the other two give
 * their words. The child reports by its exit code (check's asserts do not
 * cross a fork): 0 all well, else the number of the failed check.
 */
static int nobody_run(void)
{
	struct run r;
	if (setgroups(0, NULL) != 0 || setresgid(65534, 65534, 65534) != 0 ||
	    setresuid(65534, 65534, 65534) != 0)
		return 2;
	struct exp_result *res = run_isolation(&r, "2");
	if (!res)
		return 3;
	for (size_t i = 0; i < N_BARRIERS; i++) {
		const char *word = exp_result_obs_word(res, barriers[i].key);
		const char *why = skip_reason(res, barriers[i].key);
		if (barriers[i].needs_root && (word || !why || !strstr(why, "root")))
			return 10 + (int)i;
		if (!barriers[i].needs_root && exp_result_obs(res, "sec.isolation.read_errno") &&
		    (!word || strcmp(word, barriers[i].want) != 0))
			return 20 + (int)i;
	}
	run_free(&r);
	return 0;
}

START_TEST(test_barriers_unprivileged)
{
	if (geteuid() != 0)
		return; /* check_run() already ran without root */
	fflush(NULL);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(nobody_run());
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "the unprivileged run was killed");
	ck_assert_msg(WEXITSTATUS(status) != 2, "cannot drop to nobody");
	ck_assert_msg(WEXITSTATUS(status) == 0, "unprivileged run: check %d failed",
		      WEXITSTATUS(status));
	exp_test_no_children();
}
END_TEST

Suite *isolation_suite(void)
{
	Suite *s = suite_create("isolation");
	TCase *tc = tcase_create("facts");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_forms);
	tcase_add_test(tc, test_quick_facts);
	tcase_add_test(tc, test_thread_counts);
	tcase_add_test(tc, test_barriers_unprivileged);
	suite_add_tcase(s, tc);
	return s;
}
