// SPDX-License-Identifier: MIT
/*
 * Smoke test of the server experiment through the runner, its quick preset
 * shrunk (short loads in three rounds, three poison windows): invariants
 * only. Every model has every figure for keep-alive and churn, with and
 * without work, each made of its three rounds; the poison kills what the
 * model says it should (the threads and the event loop lose the server
 * every time and ptlab's supervisor starts it again, the process models
 * live on, prefork restarting its worker by itself); every model has its
 * isolation facts, typed; the claim gets all its parts; nothing is left
 * running, the supervisor's servers included. No throughput, latency,
 * size, count of failures or time is asserted.
 *
 * Then the limits, under a lowered RLIMIT_NOFILE: too few descriptors for
 * the generator skip the experiment before anything starts, naming the
 * number it needs, and that number is enough; with the check turned off
 * (the test build can), the generator and the servers meet the limit
 * during the loads, and every such load is skipped with the limit named,
 * never recorded.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "claims/claims.h"
#include "core/httpd.h"
#include "core/limit.h"
#include "model/run.h"
#include "exp_test.h"
#include "suites.h"

extern const struct experiment exp_server;

#define POISONS 3
#define ROUNDS 3

/* Whether m is of form `form` with n values. */
static bool is_form(const struct ev_msg *m, const char *form, size_t n)
{
	return m->form && strcmp(m->form, form) == 0 && m->n_vals == n;
}

/*
 * The percentiles of a load, as the charts read them: p50, p90, p99, p99.9
 * and the longest, in order, then the requests counted (some).
 */
static void check_percentiles(const struct exp_result *res, const char *name)
{
	const struct ev_msg *m = exp_test_obs_msg(res, name);
	ck_assert_msg(is_form(m, "server.percentiles", 6), "%s: %s", name, exp_test_said(res, m));
	for (size_t i = 1; i < 5; i++)
		ck_assert_msg(exp_test_num(m, i - 1, "ns") <= exp_test_num(m, i, "ns"), "%s: %s",
			      name, exp_test_said(res, m));
	ck_assert_int_gt(exp_test_count(m, 5), 0);
}

static const struct metric *find(const struct exp_result *res, const char *name, const char *model,
				 const char *load, const char *work)
{
	char m[64], l[32], w[32];
	snprintf(m, sizeof(m), "model=%s", model);
	snprintf(l, sizeof(l), "load=%s", load);
	snprintf(w, sizeof(w), "work_us=%s", work);
	const char *const where[] = { m, load ? l : NULL, NULL, NULL };
	const char *const where_all[] = { m, l, w, NULL };
	const struct metric *found = exp_result_find_metric(res, name, load ? where_all : where);
	ck_assert_msg(found != NULL, "no %s for %s %s %s", name, model, load ? load : "",
		      load ? work : "");
	ck_assert_uint_eq(found->batch, 1);
	ck_assert_uint_gt(found->n, 0);
	return found;
}

START_TEST(test_quick_smoke)
{
	static const char *const settings[] = { "duration", "200ms", "rounds",	    "3",
						"poisons",  "3",     "window",	    "120ms",
						"workers",  "4",     "connections", "4",
						"work_us",  "50",    NULL };
	static const char *const loads[] = { "keepalive", "churn" };
	static const char *const works[] = { "0", "50" };
	struct run r;
	struct exp_test_opts opts = { 0 };
	struct exp_result *res = exp_test_run(&exp_server, settings, &opts, &r);

	ck_assert_uint_eq(res->n_skips, 0);
	const struct ev_msg *placement = exp_test_obs_msg(res, "placement");
	if (opts.n_cpus >= 2) {
		ck_assert_msg(is_form(placement, "server.placement_separate", 2), "placement: %s",
			      exp_test_said(res, placement));
		/* The server on every CPU but the generator's. */
		ck_assert_int_eq(placement->vals[1].type, EV_LIST);
		ck_assert_uint_eq(placement->vals[1].n_list, opts.n_cpus - 1);
		for (size_t i = 0; i < placement->vals[1].n_list; i++)
			ck_assert_int_ne(placement->vals[1].list[i], exp_test_count(placement, 0));
	} else {
		ck_assert_msg(is_form(placement, "server.placement_shared", 1), "placement: %s",
			      exp_test_said(res, placement));
	}
	for (int mi = 0; mi < HTTPD_MODEL_COUNT; mi++) {
		enum httpd_model model = (enum httpd_model)mi;
		const char *name = httpd_model_name(model);
		for (size_t l = 0; l < 2; l++)
			for (size_t w = 0; w < 2; w++) {
				const struct metric *t =
					find(res, "throughput", name, loads[l], works[w]);
				ck_assert_str_eq(t->unit, "requests/s");
				ck_assert_int_eq(t->dir, DIR_HIGHER_IS_BETTER);
				/* Some slice served (a loaded machine may stall many of them). */
				uint64_t served = 0;
				for (size_t i = 0; i < t->n; i++)
					served += t->raw[i];
				ck_assert_msg(served > 0, "%s %s served nothing", name, loads[l]);
				/* Made of its rounds, each of some slices, which add up. */
				ck_assert_uint_eq(t->n_rounds, ROUNDS);
				size_t sum = 0;
				for (size_t i = 0; i < t->n_rounds; i++) {
					ck_assert_uint_gt(t->rounds[i], 0);
					sum += t->rounds[i];
				}
				ck_assert_uint_eq(sum, t->n);
				ck_assert_str_eq(
					find(res, "latency", name, loads[l], works[w])->unit, "ns");
				find(res, "server_pss", name, loads[l], works[w]);
				const struct metric *tasks =
					find(res, "server_tasks", name, loads[l], works[w]);
				ck_assert_msg(tasks->sum.median >= 1, "%s has no task", name);
				char obs[160];
				snprintf(obs, sizeof(obs),
					 "latency_percentiles model=%s load=%s work_us=%s", name,
					 loads[l], works[w]);
				check_percentiles(res, obs);
				/* A stall, when there was one: some of the figure's slices, said. */
				snprintf(obs, sizeof(obs),
					 "empty_slices model=%s load=%s work_us=%s", name, loads[l],
					 works[w]);
				if (exp_test_obs_or_null(res, obs)) {
					const struct ev_msg *e =
						exp_test_obs_of(res, obs, "server.empty_slices", 2);
					ck_assert_int_ge(exp_test_count(e, 0), 1);
					ck_assert_int_le(exp_test_count(e, 0),
							 exp_test_count(e, 1));
					ck_assert_int_eq(exp_test_count(e, 1), (int64_t)t->n);
				}
			}
		/*
		 * One loss figure per window whose poisoned request went out (on a
		 * machine too busy to send one in time, fewer), the poisoned request
		 * counted in each.
		 */
		const struct metric *lost = find(res, "poison_lost", name, NULL, NULL);
		ck_assert_uint_ge(lost->n, 1);
		ck_assert_uint_le(lost->n, POISONS);
		for (size_t i = 0; i < lost->n; i++)
			ck_assert_uint_ge(lost->raw[i], 1);
		const struct metric *starts = find(res, "server_start", name, NULL, NULL);
		char obs[96];
		snprintf(obs, sizeof(obs), "poison model=%s", name);
		const struct ev_msg *what = exp_test_obs_msg(res, obs);
		ck_assert_msg(is_form(what, "server.poison", 5), "%s: %s", obs,
			      exp_test_said(res, what));
		ck_assert_int_eq(exp_test_count(what, 1), (int64_t)lost->n);
		ck_assert_int_le(exp_test_count(what, 2), (int64_t)lost->n);
		double succeeded = exp_test_num(what, 3, "percent");
		ck_assert(succeeded >= 0 && succeeded <= 100);
		ck_assert_int_gt(exp_test_count(what, 4), 0);
		/* The facts: survived (a word), requests failed (a count), back after (ns or n/a). */
		snprintf(obs, sizeof(obs), "isolation model=%s", name);
		const struct ev_msg *iso = exp_test_obs_of(res, obs, "server.isolation", 3);
		exp_test_named(iso, 0, EV_WORD, httpd_model_shares_fate(model) ? "no" : "yes");
		ck_assert_int_ge(exp_test_count(iso, 1), 0);
		double back = exp_test_num(iso, 2, "ns");
		ck_assert(isnan(back) || back >= 0);
		/* The same supervisor for every model: it started only the dead ones again. */
		snprintf(obs, sizeof(obs), "supervisor model=%s", name);
		const struct ev_msg *sup = exp_test_obs_of(res, obs, "server.supervisor", 2);
		int64_t supervised = exp_test_count(sup, 0);
		ck_assert_int_eq(exp_test_count(sup, 1), (int64_t)lost->n);
		/* Prefork's master restarting its worker is the model's own doing, said apart. */
		snprintf(obs, sizeof(obs), "own_restarts model=%s", name);
		if (model == HTTPD_PREFORK) {
			const struct ev_msg *own =
				exp_test_obs_of(res, obs, "server.own_restarts", 3);
			/* A restart the master makes after its window has ended is counted there. */
			ck_assert_int_ge(exp_test_count(own, 1), 1);
			ck_assert_int_le(exp_test_count(own, 1), (int64_t)lost->n);
		} else {
			ck_assert_ptr_null(exp_test_obs_or_null(res, obs));
		}
		if (httpd_model_shares_fate(model)) {
			/* Dead every time, started again by the supervisor every time. */
			ck_assert_int_eq(exp_test_count(what, 0), 0);
			ck_assert_int_eq(supervised, (int64_t)lost->n);
		} else {
			ck_assert_int_eq(exp_test_count(what, 0), (int64_t)lost->n);
			ck_assert_int_eq(supervised, 0);
		}
		/* A fresh server each round and each window, and the supervisor's. */
		ck_assert_uint_eq(starts->n, ROUNDS + POISONS + (size_t)supervised);
		/* The first window, slice by slice, as the chart reads it. */
		snprintf(obs, sizeof(obs), "timeline model=%s", name);
		const struct ev_msg *tl = exp_test_obs_msg(res, obs);
		ck_assert_msg(is_form(tl, "server.timeline", 4), "%s: %s", obs,
			      exp_test_said(res, tl));
		ck_assert(exp_test_num(tl, 0, "ns") > 0);
		ck_assert_int_eq(tl->vals[2].type, EV_LIST);
		ck_assert_int_eq(tl->vals[3].type, EV_LIST);
		ck_assert_uint_gt(tl->vals[2].n_list, 0);
		ck_assert_uint_eq(tl->vals[2].n_list, tl->vals[3].n_list);
	}
	/* The prefork master restarted its worker after a poison, at most once for each. */
	ck_assert_uint_le(find(res, "worker_restart", "prefork", NULL, NULL)->n,
			  find(res, "poison_lost", "prefork", NULL, NULL)->n);

	struct verdict v;
	claims_judge(claims_find("app.server"), &r, &v);
	ck_assert_uint_ge(v.n_lines,
			  5); /* five efficiency parts; five isolation facts when recorded */
	ck_assert_int_ne(v.status, V_NO_DATA);
	ck_assert_int_ne(v.status, V_NOT_MEASURED);
	run_free(&r);
	exp_test_no_children();
}
END_TEST

/* Short loads, one poison window: the limit tests care about what is recorded, not its value. */
#define LIMIT_SETTINGS(conns)                                                                      \
	"duration", "100ms", "poisons", "1", "window", "40ms", "workers", conns, "connections",    \
		conns, "work_us", "0", NULL

/* Sets RLIMIT_NOFILE to cur (keeping the hard limit), saving the old one in *old. */
static void set_fd_limit(rlim_t cur, struct rlimit *old)
{
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, old), 0);
	struct rlimit low = *old;
	low.rlim_cur = cur;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
}

/* The lowest descriptor number free now. */
static rlim_t lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	close(fd);
	return (rlim_t)fd;
}

/*
 * Too few descriptors: skipped before anything starts, with the number it
 * needs and the limit; under a limit of that number, measured whole.
 */
START_TEST(test_fd_check)
{
	static const char *const settings[] = { LIMIT_SETTINGS("2") };
	struct exp_test_opts opts = { .outcome = OUTCOME_SKIPPED };
	struct rlimit old;
	struct run r;

	rlim_t low = lowest_free_fd() + 4;
	set_fd_limit(low, &old);
	struct exp_result *res = exp_test_run(&exp_server, settings, &opts, &r);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	/* limit.need_fds: the descriptors it needs in all, and the limit. */
	ck_assert_msg(is_form(&res->reason, "limit.need_fds", 2), "reason: %s",
		      exp_test_reason(res));
	int64_t need = exp_test_count(&res->reason, 0);
	ck_assert_int_eq(exp_test_count(&res->reason, 1), (int64_t)low);
	ck_assert_msg(need > (int64_t)low, "reason: %s", exp_test_reason(res));
	ck_assert_uint_eq(res->n_metrics, 0);
	run_free(&r);
	exp_test_no_children();

	set_fd_limit((rlim_t)need, &old);
	res = exp_test_run(&exp_server, settings, NULL, &r);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	for (size_t i = 0; i < res->n_skips; i++)
		ck_abort_msg("under the limit it asked for, %s was skipped: %s", res->skips[i].what,
			     exp_test_said(res, &res->skips[i].reason));
	/* Every load ran under the limit it asked for (the poison windows are smoke's). */
	for (int m = 0; m < HTTPD_MODEL_COUNT; m++)
		find(res, "throughput", httpd_model_name((enum httpd_model)m), "churn", "0");
	run_free(&r);
	exp_test_no_children();
}
END_TEST

/*
 * The check off, and room for the generator's epoll set and a few of its
 * eight sockets: every load meets the limit on ptlab's side. Each is
 * skipped with the limit named; no throughput, latency, memory or poison
 * figure is recorded, so app.server has no data.
 */
START_TEST(test_own_limit_is_skip)
{
	static const char *const settings[] = { LIMIT_SETTINGS("8") };
	struct rlimit old;
	struct run r;

	limit_checks_off = true;
	rlim_t low = lowest_free_fd() + 8;
	set_fd_limit(low, &old);
	struct exp_result *res = exp_test_run(&exp_server, settings, NULL, &r);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	limit_checks_off = false;

	size_t generator = 0;
	for (size_t i = 0; i < res->n_skips; i++) {
		/* The reason ends with the limit: limit.nofile with the value set here. */
		const struct ev_msg *why = &res->skips[i].reason;
		const struct ev_val *last = why->n_vals ? &why->vals[why->n_vals - 1] : NULL;
		ck_assert_msg(last && last->type == EV_MSG && last->msg &&
				      is_form(last->msg, "limit.nofile", 1) &&
				      exp_test_count(last->msg, 0) == (int64_t)low,
			      "%s: %s", res->skips[i].what, exp_test_said(res, why));
		if (is_form(why, "server.load_own", 2)) {
			ck_assert_int_gt(exp_test_count(why, 0), 0);
			generator++;
		}
	}
	/* Two loads and the poison window of each model. */
	ck_assert_uint_eq(res->n_skips, 3 * HTTPD_MODEL_COUNT);
	ck_assert_uint_gt(generator, 0);
	for (size_t i = 0; i < res->n_metrics; i++)
		ck_assert_msg(strcmp(res->metrics[i].name, "server_start") == 0,
			      "%s recorded under the limit", res->metrics[i].name);

	struct verdict v;
	claims_judge(claims_find("app.server"), &r, &v);
	ck_assert_int_eq(v.status, V_NO_DATA);
	run_free(&r);
	exp_test_no_children();
}
END_TEST

Suite *server_suite(void)
{
	Suite *s = suite_create("server");
	TCase *tc = tcase_create("smoke");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_quick_smoke);
	tcase_add_test(tc, test_fd_check);
	tcase_add_test(tc, test_own_limit_is_skip);
	suite_add_tcase(s, tc);
	return s;
}
