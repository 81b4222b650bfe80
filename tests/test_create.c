// SPDX-License-Identifier: MIT
/*
 * Smoke tests of the create experiment, through the runner as a real run
 * drives it: the quick preset with its sweep and budgets shrunk so that a
 * test takes well under a second. They assert what must hold on any
 * Linux machine: the run ends ok, every method is measured at every size
 * with sane samples and conditions, the two claims it feeds get a real
 * verdict (whichever), a size the machine cannot hold is skipped with a
 * reason rather than tried, and without a program to execute the exec
 * methods are skipped while the others are still measured.
 *
 * fork_exec_self needs a program that exits at once on PTLAB_EXEC_PROBE:
 * the built ptlab, found through $PTLAB_BIN. posix_spawn and fork_exec
 * execute the exec target, found beside it (build/ptlab-exec-target, which
 * `make ptlab` builds); the tests check that it is the file executed, and
 * that a missing target or one others may write is skipped with its
 * reason. Without $PTLAB_BIN, those assertions are left out.
 */
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "claims/claims.h"
#include "core/clock.h"
#include "core/param.h"
#include "core/procfs.h"
#include "runner/runner.h"
#include "experiments/catalog.h"
#include "model/run.h"
#include "exp_test.h"
#include "suites.h"

#define MIB "1048576"
#define MIB16 "16777216"
#define TIB ((int64_t)1 << 40)

/*
 * A method of create, what it makes, and whether it needs a program to
 * execute: ptlab itself (self) or the exec target (target).
 */
struct expect {
	const char *name;
	const char *kind;
	bool needs_exe;
	bool in_sweep;
	bool target;
};

static const struct expect methods[] = {
	{ "fork", "process", false, true, false },
	{ "vfork", "process", false, true, false },
	{ "posix_spawn", "process", true, true, true },
	{ "fork_exec", "process", true, false, true },
	{ "fork_exec_self", "process", true, false, false },
	{ "clone_vm", "process", false, false, false },
	{ "clone_thread", "thread", false, false, false },
	{ "pthread_create", "thread", false, true, false },
};
#define N_METHODS (sizeof(methods) / sizeof(methods[0]))

static const char *self_exe(void)
{
	const char *b = getenv("PTLAB_BIN");
	return b && *b ? b : NULL;
}

/*
 * Runs create with the quick preset, extra as given, a 30 ms budget and
 * 5 to 50 samples per figure, into a fresh run r (one result). exe may be
 * NULL.
 */
/* Extra "name=value" settings for the next run_create(), NULL-terminated. */
static const char *const *more_settings;

static struct exp_result *run_create(struct run *r, const char *extra, const char *exe)
{
	const char *settings[16] = { "extra",	extra, "budget",      "30ms",
				     "samples", "5",   "max_samples", "50" };
	size_t n = 8;
	for (const char *const *kv = more_settings; kv && *kv && n + 2 < 16; kv += 2) {
		settings[n++] = kv[0];
		settings[n++] = kv[1];
	}
	settings[n] = NULL;
	struct exp_test_opts o = { .self_exe = exe };
	return exp_test_run(catalog_find("create"), settings, &o, r);
}

/* The metric name measured with extra_bytes = extra (as decimal text), or NULL. */
static const struct metric *find(const struct exp_result *res, const char *name, const char *extra)
{
	char cond[64];
	snprintf(cond, sizeof(cond), "extra_bytes=%s", extra);
	const char *const where[] = { cond, NULL };
	return exp_result_find_metric(res, name, where);
}

/* A skip whose "what" has a as its first word and contains b, or NULL. */
static const struct skip *find_skip(const struct exp_result *res, const char *a, const char *b)
{
	size_t n = strlen(a);
	for (size_t i = 0; i < res->n_skips; i++) {
		const char *what = res->skips[i].what;
		if (strncmp(what, a, n) == 0 && (what[n] == ' ' || what[n] == '\0') &&
		    strstr(what, b))
			return &res->skips[i];
	}
	return NULL;
}

/* Everything a recorded figure of create must satisfy. */
static void check_metric(const struct exp_result *res, const struct expect *x, const char *extra)
{
	const struct metric *m = find(res, x->name, extra);
	ck_assert_msg(m != NULL, "%s at extra_bytes=%s not measured (%zu skips%s%s)", x->name,
		      extra, res->n_skips, res->n_skips ? ", first: " : "",
		      res->n_skips ? exp_test_said(res, &res->skips[0].reason) : "");
	ck_assert_str_eq(m->unit, "ns");
	ck_assert_int_eq(m->dir, DIR_LOWER_IS_BETTER);
	ck_assert_uint_ge(m->batch, 1);
	ck_assert_uint_ge(m->n, 5);
	ck_assert_uint_le(m->n, 50);
	ck_assert_uint_eq(m->sum.n, m->n);
	for (size_t i = 0; i < m->n; i++)
		ck_assert_msg(m->raw[i] > 0, "%s raw[%zu] is 0", x->name, i);
	ck_assert_msg(m->sum.median > 0, "%s median %g", x->name, m->sum.median);
	ck_assert(m->sum.ci_lo <= m->sum.median);
	ck_assert(m->sum.median <= m->sum.ci_hi);

	const struct mparam *kind = metric_param(m, "kind");
	const struct mparam *placement = metric_param(m, "placement");
	ck_assert_ptr_nonnull(kind);
	ck_assert_str_eq(kind->str, x->kind);
	ck_assert_ptr_nonnull(placement);
	/* The quick preset pins (pin = yes). */
	ck_assert_str_eq(placement->str, "same-cpu");
	ck_assert_ptr_nonnull(metric_param(m, "parent_rss_bytes"));
}

/*
 * The exec target observed is the file `make ptlab` built beside ptlab:
 * its path, its size as the file system has it, and how it is linked.
 */
static void check_target(const struct exp_result *res)
{
	const struct ev_msg *m = exp_test_obs_of(res, "exec_target", "create.target", 3);
	const char *path = m->vals[0].s;
	struct stat st;
	ck_assert_int_eq(m->vals[0].type, EV_TOKEN);
	ck_assert_msg(strlen(path) > strlen("/build/ptlab-exec-target") &&
			      strcmp(path + strlen(path) - strlen("/ptlab-exec-target"),
				     "/ptlab-exec-target") == 0,
		      "exec target %s", path);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert(exp_test_num(m, 1, "bytes") == (double)st.st_size);
	ck_assert_int_eq(m->vals[2].type, EV_WORD);
	ck_assert_msg(strcmp(m->vals[2].s, "static_linked") == 0 ||
			      strcmp(m->vals[2].s, "dynamic_linked") == 0,
		      "linked: %s", m->vals[2].s);
	/* It is not ptlab: the small program, smaller than ptlab. */
	struct stat self;
	ck_assert_int_eq(stat(self_exe(), &self), 0);
	ck_assert(st.st_ino != self.st_ino);
	ck_assert_int_lt(st.st_size, self.st_size);
}

START_TEST(test_quick_smoke)
{
	const char *exe = self_exe();
	struct run r;
	struct exp_result *res = run_create(&r, "1MiB,16MiB", exe);
	const char *sizes[] = { "0", MIB, MIB16 };

	for (size_t s = 0; s < 3; s++)
		for (size_t i = 0; i < N_METHODS; i++) {
			const struct expect *x = &methods[i];
			if ((s > 0 && !x->in_sweep) || (x->needs_exe && !exe))
				continue;
			check_metric(res, x, sizes[s]);
		}
	/* The rounds of a figure merge into one metric: one per method and size. */
	ck_assert_uint_eq(res->n_metrics, exe ? N_METHODS + 2 * 4 : N_METHODS - 3 + 2 * 3);
	for (size_t i = 0; i < res->n_metrics; i++)
		for (size_t j = i + 1; j < res->n_metrics; j++)
			ck_assert_msg(
				strcmp(res->metrics[i].name, res->metrics[j].name) != 0 ||
					metric_param(&res->metrics[i], "extra_bytes")->num !=
						metric_param(&res->metrics[j], "extra_bytes")->num,
				"%s measured twice at one size", res->metrics[i].name);
	/* What was asked and what the kernel took, as values, not prose. */
	const struct ev_msg *pinned = exp_test_obs_msg(res, "pinned_cpu");
	ck_assert_ptr_null(pinned->form);
	ck_assert_uint_eq(pinned->n_vals, 1);
	ck_assert_int_eq(pinned->vals[0].type, EV_COUNT); /* the quick preset pins */
	ck_assert_int_ge(pinned->vals[0].i, 0);
	ck_assert_str_eq(exp_result_obs_word(res, "hugepages"), "madvise-nohuge");
	const char *thp = exp_result_obs_word(res, "thp_used");
	ck_assert_ptr_nonnull(thp);
	ck_assert_int_eq(exp_test_obs_msg(res, "thp_used")->vals[0].type, EV_WORD);
	ck_assert_msg(strcmp(thp, "nohugepage") == 0 || strcmp(thp, "default") == 0, "thp_used %s",
		      thp);
	/* The word reads as words, not as its name. */
	ck_assert_str_ne(exp_test_obs(res, "thp_used"), thp);
	/* Methods outside the sweep are measured once, with no extra memory. */
	ck_assert_ptr_null(find(res, "clone_vm", MIB));
	ck_assert_ptr_null(find(res, "fork_exec", MIB16));
	if (exe) {
		ck_assert_msg(res->n_skips == 0, "unexpected skip: %s: %s", res->skips[0].what,
			      exp_test_said(res, &res->skips[0].reason));
		check_target(res);
	}

	const char *fed[] = { "create.cost", "create.memory" };
	for (size_t i = 0; i < 2; i++) {
		const struct claim *c = claims_find(fed[i]);
		struct verdict v;
		ck_assert_ptr_nonnull(c);
		claims_judge(c, &r, &v);
		ck_assert_msg(v.status != V_NOT_MEASURED && v.status != V_NO_DATA, "%s: %s (%s)",
			      fed[i], verdict_status_name(v.status), v.reason);
	}
	run_free(&r);
}
END_TEST

/* The rounds share samples and max_samples out exactly: 10 of each over 3 rounds is 10. */
START_TEST(test_rounds_share_the_samples)
{
	static const char *const settings[] = { "samples", "10", "max_samples", "10",
						"rounds",  "3",	 NULL };
	struct run r;
	more_settings = settings;
	struct exp_result *res = run_create(&r, "1MiB", NULL);
	more_settings = NULL;
	ck_assert_uint_gt(res->n_metrics, 0);
	for (size_t i = 0; i < res->n_metrics; i++) {
		const struct metric *m = &res->metrics[i];
		ck_assert_msg(m->n == 10, "%s: %zu samples", m->name, m->n);
		ck_assert_uint_eq(m->n_rounds, 3);
		ck_assert_uint_eq(m->rounds[0] + m->rounds[1] + m->rounds[2], 10);
		ck_assert_uint_eq(m->rounds[0], 4); /* the first round takes the remainder */
	}
	run_free(&r);
}
END_TEST

/* Whether an exec target is installed where create looks last. */
static bool installed_target(void)
{
	return access(PTLAB_LIBEXECDIR "/ptlab-exec-target", F_OK) == 0;
}

/*
 * A folder of its own with `ptlab` in it, a link to $PTLAB_BIN, and, when
 * target_mode is not 0, a file ptlab-exec-target with that mode. Returns
 * the link's path in buf (the folder is dir), or NULL without $PTLAB_BIN.
 */
static const char *lone_ptlab(char *dir, char *buf, size_t size, mode_t target_mode)
{
	if (!self_exe())
		return NULL;
	snprintf(dir, PATH_MAX, "%s/ptlab-test-create.XXXXXX", P_tmpdir);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(buf, size, "%s/ptlab", dir);
	ck_assert_int_eq(symlink(self_exe(), buf), 0);
	if (target_mode) {
		char target[PATH_MAX];
		snprintf(target, sizeof(target), "%s/ptlab-exec-target", dir);
		FILE *f = fopen(target, "w");
		ck_assert_ptr_nonnull(f);
		fputs("#!/bin/sh\nexit 0\n", f);
		fclose(f);
		ck_assert_int_eq(chmod(target, target_mode), 0);
	}
	return buf;
}

static void remove_lone_ptlab(const char *dir)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/ptlab-exec-target", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ptlab", dir);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}

/*
 * The exec target is not beside this ptlab: posix_spawn and fork_exec
 * are skipped with the reason (unless one is installed), fork_exec_self
 * and the rest are measured.
 */
START_TEST(test_target_missing)
{
	char dir[PATH_MAX], exe[PATH_MAX + 16];
	if (!lone_ptlab(dir, exe, sizeof(exe), 0) || installed_target())
		return;
	struct run r;
	struct exp_result *res = run_create(&r, "1MiB", exe);
	for (size_t i = 0; i < N_METHODS; i++) {
		const struct expect *x = &methods[i];
		if (!x->target) {
			check_metric(res, x, "0");
			continue;
		}
		ck_assert_ptr_null(find(res, x->name, "0"));
		const struct skip *sk = find_skip(res, x->name, "=0");
		ck_assert_msg(sk != NULL, "%s: no skip", x->name);
		ck_assert_str_eq(sk->reason.form, "create.no_target");
		ck_assert_uint_eq(sk->reason.n_vals, 3);
		ck_assert_str_eq(sk->reason.vals[0].s, "ptlab-exec-target");
		ck_assert_ptr_nonnull(strstr(sk->reason.vals[1].s, dir));
		ck_assert_ptr_nonnull(strstr(exp_test_said(res, &sk->reason), "make ptlab"));
	}
	ck_assert_ptr_null(exp_test_obs_or_null(res, "exec_target"));
	ck_assert_uint_eq(res->n_skips, 3); /* posix_spawn at 0 and 1MiB, fork_exec */
	run_free(&r);
	remove_lone_ptlab(dir);
}
END_TEST

/* A target that others may write is not executed: the skip names it. */
START_TEST(test_target_untrusted)
{
	char dir[PATH_MAX], exe[PATH_MAX + 16];
	if (!lone_ptlab(dir, exe, sizeof(exe), 0777))
		return;
	struct run r;
	struct exp_result *res = run_create(&r, "1MiB", exe);
	const struct skip *sk = find_skip(res, "fork_exec", "=0");
	ck_assert_ptr_nonnull(sk);
	ck_assert_str_eq(sk->reason.form, "create.target_untrusted");
	ck_assert_ptr_nonnull(strstr(sk->reason.vals[0].s, dir));
	ck_assert_ptr_nonnull(find_skip(res, "posix_spawn", "=0"));
	ck_assert_ptr_null(exp_test_obs_or_null(res, "exec_target"));
	ck_assert_ptr_nonnull(find(res, "fork_exec_self", "0"));
	run_free(&r);
	remove_lone_ptlab(dir);
}
END_TEST

START_TEST(test_no_program_to_execute)
{
	struct run r;
	struct exp_result *res = run_create(&r, "1MiB", NULL);
	const char *sizes[] = { "0", MIB };

	for (size_t s = 0; s < 2; s++)
		for (size_t i = 0; i < N_METHODS; i++) {
			const struct expect *x = &methods[i];
			if (s > 0 && !x->in_sweep)
				continue;
			if (!x->needs_exe) {
				check_metric(res, x, sizes[s]);
				continue;
			}
			if (x->target && installed_target())
				continue; /* found where `make install` puts it */
			ck_assert_ptr_null(find(res, x->name, sizes[s]));
			const struct skip *sk = find_skip(res, x->name, s ? "1MiB" : "=0");
			ck_assert_msg(sk != NULL, "%s at %s: no skip", x->name, sizes[s]);
			ck_assert_ptr_nonnull(sk->reason.form);
			if (x->target) {
				ck_assert_str_eq(sk->reason.form, "create.no_target");
				continue;
			}
			ck_assert_str_eq(sk->reason.form, "create.no_exe");
			ck_assert_str_eq(exp_test_said(res, &sk->reason),
					 "no program to execute was given");
		}
	/* posix_spawn at 0 and 1MiB, fork_exec and fork_exec_self at 0: nothing else. */
	ck_assert_uint_eq(res->n_skips, installed_target() ? 1 : 4);
	run_free(&r);
}
END_TEST

START_TEST(test_too_much_memory_is_skipped)
{
	const struct experiment *e = catalog_find("create");
	ck_assert_ptr_nonnull(e);
	const struct param *extra = param_find(e->params, e->n_params, "extra");
	ck_assert_ptr_nonnull(extra);
	/* 1TiB must be a value the parameter accepts, or this test asks nothing. */
	ck_assert_int_le(TIB, extra->max);
	uint64_t avail = 0;
	if (procfs_meminfo("MemAvailable", &avail) == 0 && avail > (uint64_t)TIB)
		return; /* a machine that could hold it: nothing to skip */

	struct run r;
	struct exp_result *res = run_create(&r, "1TiB", NULL);
	const struct skip *sk = find_skip(res, "extra_bytes=1TiB", "");
	ck_assert_msg(sk != NULL, "the 1TiB point was not skipped (%zu skips)", res->n_skips);
	/* Short of free memory (with both sizes), or refused by the mapping (with its limit). */
	const struct ev_msg *why = &sk->reason;
	ck_assert_msg(why->form && (strcmp(why->form, "create.no_memory") == 0 ||
				    strcmp(why->form, "create.map") == 0),
		      "reason: %s", exp_test_said(res, why));
	if (strcmp(why->form, "create.no_memory") == 0) {
		ck_assert_uint_eq(why->n_vals, 2);
		for (size_t i = 0; i < 2; i++) {
			ck_assert_int_eq(why->vals[i].type, EV_NUM);
			ck_assert_str_eq(why->vals[i].unit, "bytes");
		}
		ck_assert(why->vals[0].d > (double)TIB); /* needed: more than the 1TiB held */
		ck_assert(why->vals[1].d < why->vals[0].d);
		ck_assert_ptr_nonnull(strstr(exp_test_said(res, why), "not enough free memory"));
	} else {
		ck_assert_uint_eq(why->n_vals, 1);
		ck_assert_int_eq(why->vals[0].type, EV_MSG);
	}
	ck_assert_ptr_null(find(res, "fork", "1099511627776"));
	ck_assert_ptr_null(find(res, "pthread_create", "1099511627776"));
	/* The rest was still measured. */
	ck_assert_ptr_nonnull(find(res, "fork", "0"));
	ck_assert_ptr_nonnull(find(res, "pthread_create", "0"));
	run_free(&r);
}
END_TEST

/*
 * A trend needs at least three sizes: every preset sweeps at least three
 * sizes of extra memory (besides none), distinct and ascending, the full
 * preset at least as many as the quick one and as large.
 */
START_TEST(test_presets_sweep_three_sizes)
{
	const struct experiment *e = catalog_find("create");
	ck_assert_ptr_nonnull(e);
	const struct param *extra = param_find(e->params, e->n_params, "extra");
	ck_assert_ptr_nonnull(extra);
	ck_assert(extra->is_list);
	static const enum param_preset presets[] = { PRESET_QUICK, PRESET_DEFAULT, PRESET_FULL };
	struct param_list lists[3];
	for (size_t i = 0; i < 3; i++) {
		char *base = calloc(1, e->params_size), err[256] = "";
		ck_assert_ptr_nonnull(base);
		ck_assert_msg(param_apply_preset(e->params, e->n_params, base, presets[i], err,
						 sizeof(err)) == 0,
			      "%s", err);
		memcpy(&lists[i], base + extra->offset, sizeof(lists[i]));
		free(base);
		ck_assert_uint_ge(lists[i].n, 3);
		for (size_t k = 0; k < lists[i].n; k++) {
			ck_assert_int_gt(lists[i].v[k], 0);
			if (k)
				ck_assert_int_gt(lists[i].v[k], lists[i].v[k - 1]);
		}
	}
	ck_assert_uint_ge(lists[2].n, lists[0].n);
	ck_assert_int_ge(lists[2].v[lists[2].n - 1], lists[0].v[lists[0].n - 1]);
}
END_TEST

Suite *create_suite(void)
{
	Suite *s = suite_create("create");
	TCase *tc = tcase_create("quick preset, shrunk");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_quick_smoke);
	tcase_add_test(tc, test_no_program_to_execute);
	tcase_add_test(tc, test_target_missing);
	tcase_add_test(tc, test_target_untrusted);
	tcase_add_test(tc, test_rounds_share_the_samples);
	tcase_add_test(tc, test_too_much_memory_is_skipped);
	tcase_add_test(tc, test_presets_sweep_three_sizes);
	suite_add_tcase(s, tc);
	return s;
}
