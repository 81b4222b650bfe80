// SPDX-License-Identifier: MIT
/*
 * Smoke test of the ipc experiment through the runner, its quick preset
 * shrunk to two small sizes: invariants only. Every mechanism is measured
 * between processes and between threads, or skipped with a reason; the
 * machine's limits are there; a plain variable is not seen across fork
 * and a shared mapping is; the three claims get a verdict. The control,
 * clone_vm (a process on the parent's address space), has the same-CPU
 * round trip of every mechanism but mutex_cond, which is skipped for it
 * with its reason. No time is asserted.
 */
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims/claims.h"
#include "core/channel.h"
#include "core/clock.h"
#include "core/param.h"
#include "runner/runner.h"
#include "core/unit.h"
#include "core/units.h"
#include "experiments/catalog.h"
#include "model/run.h"
#include "report/report.h"
#include "exp_test.h"
#include "suites.h"

/* A fact: the bare word yes or no. */
static void fact_is(const struct exp_result *res, const char *name, const char *word)
{
	const struct ev_msg *m = exp_test_obs_msg(res, name);
	ck_assert_msg(!m->form && m->n_vals == 1 && m->vals[0].type == EV_WORD, "%s: %s", name,
		      exp_test_obs(res, name));
	ck_assert_str_eq(m->vals[0].s, word);
	ck_assert_str_eq(exp_test_obs(res, name), word); /* English: yes, no */
}

/* The form of the skip when ops refuses a message of len bytes. */
static const char *size_form(const struct channel_ops *ops)
{
	if (strcmp(ops->name, "signal") == 0)
		return "ipc.signal_size";
	if (strcmp(ops->name, "udp") == 0)
		return "ipc.udp_size";
	return "ipc.size_refused";
}

/* The skip of `what`, asserted to be there with a reason, phrased with form when given. */
static const struct ev_msg *skipped(const struct exp_result *res, const char *what,
				    const char *form)
{
	for (size_t i = 0; i < res->n_skips; i++) {
		const struct skip *k = &res->skips[i];
		if (strcmp(k->what, what) != 0)
			continue;
		ck_assert_msg(!ev_msg_empty(&k->reason), "%s: skipped without a reason", k->what);
		if (form)
			ck_assert_msg(k->reason.form && strcmp(k->reason.form, form) == 0,
				      "%s: skipped as %s, not %s: %s", k->what,
				      k->reason.form ? k->reason.form : "(none)", form,
				      exp_test_said(res, &k->reason));
		return &k->reason;
	}
	ck_abort_msg("%s neither measured nor skipped for its reason", what);
	return NULL;
}

/*
 * A figure of the channel for kind at `bytes` on one CPU, or a skip whose
 * reason is the one the mechanism gives for that size (never a failure).
 */
static void measured_or_skipped(const struct exp_result *res, const struct channel_ops *ops,
				const char *kind, const char *measure, size_t bytes, size_t n_cpus)
{
	char k[32], m[32], b[32], p[32] = "placement=same-cpu";
	snprintf(k, sizeof(k), "kind=%s", kind);
	snprintf(m, sizeof(m), "measure=%s", measure);
	snprintf(b, sizeof(b), "bytes=%zu", bytes);
	if (strcmp(measure, "bandwidth") == 0)
		snprintf(p, sizeof(p), "placement=cross-cpu");
	const char *const where[] = { k, m, b, p, NULL };
	const struct metric *x = exp_result_find_metric(res, ops->name, where);
	if (x) {
		ck_assert_str_eq(x->unit, "ns");
		ck_assert_uint_ge(x->n, 3);
		ck_assert(x->sum.median > 0);
		return;
	}
	bool refused = !channel_supports(ops, bytes);
	bool lossy = strcmp(measure, "bandwidth") == 0 && ops->lossy;
	bool cross = strcmp(p, "placement=cross-cpu") == 0;
	ck_assert_msg(refused || lossy || cross,
		      "%s %s %s %zu: not measured, and nothing says it cannot be", ops->name,
		      measure, kind, bytes);
	char what[128], exact[32];
	snprintf(what, sizeof(what), "%s %s %s %s bytes=%s", ops->name, measure, kind, p + 10,
		 units_format_exact((int64_t)bytes, UNIT_BYTES, exact, sizeof(exact)));
	if (refused) {
		/* The size, and for a named refusal the mechanism's own reason. */
		const struct ev_msg *why = skipped(res, what, size_form(ops));
		ck_assert_uint_ge(why->n_vals, 2);
		ck_assert_int_eq(why->vals[0].type, EV_NUM);
		ck_assert_str_eq(why->vals[0].unit, "bytes");
		ck_assert_uint_eq((uint64_t)why->vals[0].d, bytes);
	} else if (lossy) {
		const struct ev_msg *why = skipped(res, what, "ipc.lossy");
		ck_assert_int_eq(why->vals[0].type, EV_TOKEN);
		ck_assert_str_eq(why->vals[0].s, ops->name);
	} else if (n_cpus < 2) {
		const struct ev_msg *why = skipped(res, what, "two_cpus");
		ck_assert_int_eq(why->vals[0].type, EV_COUNT);
		ck_assert_int_eq(why->vals[0].i, (int64_t)n_cpus);
	} else {
		skipped(res, what, NULL); /* across CPUs, anything this machine lacks */
	}
}

/* Every figure the experiment records is declared: each mechanism of the table, the limits. */
static void every_figure_declared(const struct experiment *e)
{
	for (size_t i = 0; channels[i]; i++) {
		const struct figure_decl *d = figure_declared(e->figures, channels[i]->name);
		ck_assert_msg(d != NULL, "ipc: figure %s is not declared", channels[i]->name);
		ck_assert_int_eq(d->unit, MU_NS);
		ck_assert_int_eq(d->dir, DIR_LOWER_IS_BETTER);
	}
	ck_assert_ptr_nonnull(figure_declared(e->figures, "memcpy"));
	ck_assert_ptr_nonnull(figure_declared(e->figures, "cacheline"));
	const struct figure_decl *x = figure_declared(e->figures, "xcopy");
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(x->unit, MU_NS);
}

/* The figures of a name and conditions that were measured. */
static size_t count_measured(const struct exp_result *res, const char *name,
			     const char *const *where)
{
	size_t n = 0;
	for (size_t i = 0; i < res->n_metrics; i++) {
		const struct metric *m = &res->metrics[i];
		bool all = name == NULL || strcmp(m->name, name) == 0;
		for (const char *const *w = where; all && *w; w++) {
			const char *eq = strchr(*w, '=');
			char key[32];
			snprintf(key, sizeof(key), "%.*s", (int)(eq - *w), *w);
			const struct mparam *p = metric_param(m, key);
			all = p && strcmp(p->str, eq + 1) == 0;
		}
		n += all;
	}
	return n;
}

/*
 * The limits beside the figures they bound: the cross-CPU copy of every
 * stream size, a round of it per stream of that size; the cache-line
 * round trip, a round per round trip across CPUs. Every stream keeps at
 * least 10 samples after its warm-up, whatever the preset asks.
 */
static void limits_beside(const struct exp_result *res, size_t n_cpus)
{
	static const char *const sizes[] = { "64", "4096" };
	for (size_t i = 0; i < res->n_metrics; i++) {
		const struct metric *m = &res->metrics[i];
		const struct mparam *meas = metric_param(m, "measure");
		if (strcmp(m->name, "memcpy") == 0 || strcmp(m->name, "xcopy") == 0 ||
		    (meas && strcmp(meas->str, "bandwidth") == 0))
			ck_assert_msg(m->n >= 10, "%s: %zu samples", m->name, m->n);
	}
	if (n_cpus < 2) {
		ck_assert_ptr_null(exp_result_find_metric(res, "xcopy", NULL));
		return;
	}
	for (size_t k = 0; k < 2; k++) {
		char bytes[32];
		snprintf(bytes, sizeof(bytes), "bytes=%s", sizes[k]);
		const char *const at[] = { "measure=bandwidth", bytes, "placement=cross-cpu",
					   NULL };
		const char *const streams[] = { "measure=bandwidth", bytes, NULL };
		const struct metric *x = exp_result_find_metric(res, "xcopy", at);
		ck_assert_ptr_nonnull(x);
		size_t n = count_measured(res, NULL, streams) - 1 - 1; /* xcopy, memcpy */
		ck_assert_uint_ge(n, 2);
		ck_assert_uint_ge(x->n_rounds, n); /* more: a figure skipped after its round */
	}
	const char *const across[] = { "measure=latency", "placement=cross-cpu", NULL };
	const struct metric *floor = exp_result_find_metric(res, "cacheline", across);
	ck_assert_ptr_nonnull(floor);
	ck_assert_uint_ge(floor->n_rounds, count_measured(res, NULL, across) - 1);
}

/* The text report sets each stream of the largest size against the cross-CPU copy. */
static void shares_shown(const struct run *r, size_t n_cpus)
{
	struct verdict *v = calloc(claims_count(), sizeof(*v));
	claims_judge_all(r, v);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	struct report_opts o = { .width = 80, .details = true };
	ck_assert_int_eq(render_text.render(out, r, v, &o), 0);
	fclose(out);
	if (n_cpus >= 2) {
		ck_assert_ptr_nonnull(strstr(text, "streams of 4.00 KiB messages as a share"));
		ck_assert_ptr_nonnull(strstr(text, "shm_futex between processes: "));
		ck_assert_ptr_nonnull(strstr(text, "% of the cross-CPU copy"));
	}
	free(text);
	free(v);
}

START_TEST(test_quick_smoke)
{
	static const char *const settings[] = { "lat_sizes",   "1,64", "bw_sizes", "64,4KiB",
						"budget",      "3ms",  "samples",  "3",
						"max_samples", "20",   NULL };
	struct exp_test_opts o = { 0 };
	struct run r;
	struct exp_result *res = exp_test_run(catalog_find("ipc"), settings, &o, &r);

	every_figure_declared(catalog_find("ipc"));
	for (size_t i = 0; channels[i]; i++) {
		measured_or_skipped(res, channels[i], "process", "latency", 64, o.n_cpus);
		measured_or_skipped(res, channels[i], "thread", "latency", 64, o.n_cpus);
		measured_or_skipped(res, channels[i], "thread", "bandwidth", 4096, o.n_cpus);
		if (!unit_kind_supported(UNIT_SHARED_VM)) {
			/* ThreadSanitizer's build leaves the control out. */
		} else if (channels[i] == &chan_mutex_cond) {
			const struct ev_msg *why =
				skipped(res, "mutex_cond latency clone_vm same-cpu bytes=64",
					"ipc.clone_vm_pthread");
			ck_assert_str_eq(why->vals[0].s, "mutex_cond");
		} else {
			measured_or_skipped(res, channels[i], "clone_vm", "latency", 64, o.n_cpus);
		}
		/* The control is taken on one CPU only, round trips only. */
		const char *const vm_cross[] = { "kind=clone_vm", "placement=cross-cpu", NULL };
		const char *const vm_stream[] = { "kind=clone_vm", "measure=bandwidth", NULL };
		ck_assert_ptr_null(exp_result_find_metric(res, channels[i]->name, vm_cross));
		ck_assert_ptr_null(exp_result_find_metric(res, channels[i]->name, vm_stream));
	}
	/* The mechanisms that need no pthread state do run between a clone_vm pair. */
	const char *const vm_futex[] = { "kind=clone_vm", "placement=same-cpu", "bytes=64", NULL };
	bool vm = unit_kind_supported(UNIT_SHARED_VM); /* not under ThreadSanitizer */
	ck_assert(!vm || exp_result_find_metric(res, "shm_futex", vm_futex));
	ck_assert(!vm || exp_result_find_metric(res, "pipe", vm_futex));
	ck_assert_ptr_nonnull(exp_result_find_metric(res, "memcpy", NULL));
	limits_beside(res, o.n_cpus);
	shares_shown(&r, o.n_cpus);

	/* Copy-on-write keeps a plain variable apart; a shared mapping is shared. */
	fact_is(res, "plain_variable_seen", "no");
	fact_is(res, "shared_mapping_seen", "yes");
	fact_is(res, "ipc.needed", "yes");

	static const char *const fed[] = { "ipc.needed", "ipc.faster_threads", "ipc.mechanisms" };
	for (size_t i = 0; i < 3; i++) {
		struct verdict v;
		claims_judge(claims_find(fed[i]), &r, &v);
		ck_assert_msg(v.status != V_NOT_MEASURED && v.status != V_NO_DATA, "%s: %s (%s)",
			      fed[i], verdict_status_name(v.status), v.reason);
	}
	struct verdict v;
	claims_judge(claims_find("ipc.needed"), &r, &v);
	ck_assert_int_eq(v.status, V_OBSERVED);

	/* Every verdict of this run, nuanced and table ones included, goes to JSON. */
	struct verdict *all = calloc(claims_count(), sizeof(*all));
	claims_judge_all(&r, all);
	json_t *j = report_verdicts_json(all, claims_count());
	ck_assert_ptr_nonnull(j);
	ck_assert_uint_eq(json_array_size(j), claims_count());
	json_decref(j);
	free(all);
	run_free(&r);
}
END_TEST

Suite *ipc_suite(void)
{
	Suite *s = suite_create("ipc");
	TCase *tc = tcase_create("smoke");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_quick_smoke);
	suite_add_tcase(s, tc);
	return s;
}
