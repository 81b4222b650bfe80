// SPDX-License-Identifier: MIT
/*
 * Tests of the result model (model/run.c) and its JSON form
 * (model/json.c): a hand-made run survives write -> read -> write byte for
 * byte, integers beyond 2^53 stay exact, non-finite numbers become null,
 * every malformed document is refused with a sentence naming the field,
 * and saving is atomic (no temporary file left behind on failure).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "model/json.h"
#include "model/rawscan.h"
#include "model/run.h"
#include "exp_test.h"
#include "suites.h"
#include "util/xalloc.h"

#ifndef PTLAB_SRCDIR
#define PTLAB_SRCDIR "."
#endif

#define TWO53_PLUS1 ((UINT64_C(1) << 53) + 1)
#define TWO62 (UINT64_C(1) << 62)

static void add_metric(struct exp_result *e, const char *name, const char *placement, int64_t bytes,
		       const uint64_t *raw, size_t n, uint64_t batch)
{
	struct mparam params[2] = {
		{ .key = "placement", .str = (char *)placement },
		{ .key = "bytes",
		  .str = xasprintf("%lld", (long long)bytes),
		  .num = bytes,
		  .is_num = true },
	};
	struct metric m = {
		.name = (char *)name,
		.unit = "ns",
		.dir = DIR_LOWER_IS_BETTER,
		.params = params,
		.n_params = 2,
		.batch = batch,
		.raw = (uint64_t *)raw,
		.n = n,
		.warmup = 3,
	};
	exp_result_add_metric(e, &m);
	free(params[1].str);
}

/* Two experiments covering every outcome between them and the extra results. */
static void make_run(struct run *r)
{
	static const uint64_t raw1[] = { 1200, 1100, 1300, 1250, 1180, 1220, 5000 };
	static const uint64_t raw2[] = { TWO53_PLUS1, TWO62, TWO53_PLUS1 + 2 };
	static const uint64_t raw3[] = { 10, 12 };

	run_init(r);
	r->ptlab_version = xstrdup("0.1.0");
	r->started = xstrdup("2026-11-22T23:10:00Z");
	r->preset = xstrdup("quick");
	r->seed = 42;
	r->cpus = xstrdup("0-3");
	snprintf(r->env.cpu_model, sizeof(r->env.cpu_model), "Test CPU \xc3\xa9 @ 3.0GHz");
	r->env.cpus_online = 8;
	r->env.cpus_allowed = 4;
	r->env.cores = 4;
	r->env.packages = 1;
	r->env.threads_per_core = -1;
	snprintf(r->env.kernel, sizeof(r->env.kernel), "6.8.0-test");
	snprintf(r->env.machine, sizeof(r->env.machine), "x86_64");
	snprintf(r->env.hostname, sizeof(r->env.hostname), "bench");
	r->env.virtualized = true;
	snprintf(r->env.hypervisor, sizeof(r->env.hypervisor), "KVM");
	r->env.pcid = false;
	snprintf(r->env.thp, sizeof(r->env.thp), "madvise");
	r->env.loadavg1 = 0.25;
	r->env.mem_total_bytes = UINT64_C(17179869184);
	r->env.mem_available_bytes = TWO53_PLUS1;
	snprintf(r->env.glibc, sizeof(r->env.glibc), "2.39");
	snprintf(r->env.compiler, sizeof(r->env.compiler), "gcc 13");
	r->env.clock.overhead_ns = 17.125;
	r->env.clock.resolution_ns = 1;
	r->env.clock.reported_resolution_ns = 1;
	snprintf(r->env.clock.source, sizeof(r->env.clock.source), "tsc");
	/* The machine facts added after 0.1.0: each of them set, and unlike its zero. */
	snprintf(r->env.hypervisor_cpuid, sizeof(r->env.hypervisor_cpuid), "bhyve bhyve ");
	snprintf(r->env.hypervisor_kernel, sizeof(r->env.hypervisor_kernel), "PVM");
	r->env.invpcid = SYSINFO_NO;
	r->env.pti = SYSINFO_YES;
	r->env.null_syscall_ns = 812.375;
	r->env.tlb_entries = 3072;
	r->env.n_caches = 2;
	r->env.caches[0] = (struct sysinfo_cache){ 1, "Data", 49152 };
	r->env.caches[1] = (struct sysinfo_cache){ 3, "Unified", UINT64_C(33554432) };
	r->env.n_vulns = 2;
	snprintf(r->env.vulns[0].name, sizeof(r->env.vulns[0].name), "meltdown");
	snprintf(r->env.vulns[0].text, sizeof(r->env.vulns[0].text), "Mitigation: PTI");
	snprintf(r->env.vulns[1].name, sizeof(r->env.vulns[1].name), "spectre_v2");
	snprintf(r->env.vulns[1].text, sizeof(r->env.vulns[1].text),
		 "Mitigation: Retpolines; STIBP: disabled \"quoted\"");

	struct exp_result *e = run_add_result(r, "create");
	e->duration_ns = TWO62;
	exp_result_add_param(e, "parent_bytes", "1073741824", true, INT64_C(1073741824));
	exp_result_add_param(e, "placement", "same-cpu", false, 0);
	add_metric(e, "fork", "same-cpu", 4096, raw1, 7, 1);
	add_metric(e, "fork", "other-cpu", 4096, raw2, 3, 1);
	add_metric(e, "pthread_create", "same-cpu", 0, raw3, 2, 4);
	exp_result_add_obs(e, "thp_enabled", EV_WORD("madvise"));
	exp_result_add_obs(e, "overcommit", &EV_MSG_OF(NULL, ev_count(0)));
	static const int64_t slices[] = { 20, 20, -1, INT64_MAX };
	struct ev_msg limit = EV_MSG_OF("limit.nofile", ev_count(6));
	exp_result_add_obs(e, "every type",
			   &EV_MSG_OF("form.of.all", ev_count(INT64_MIN), ev_num(0.1, "ns"),
				      ev_num(NAN, "bytes"), ev_word("yes"), ev_token("/tmp/é"),
				      ev_signal(11), ev_errno(-EPERM), ev_list(slices, 4),
				      ev_list(NULL, 0), ev_nested(&limit),
				      (struct ev_val){ .type = EV_LEGACY, .s = "prose" }));
	exp_result_add_skip(e, "fork parent_bytes=4GiB", EV_TEXT("not enough free memory"));

	e = run_add_result(r, "crash");
	e->outcome = OUTCOME_CRASHED;
	e->signal = 11;
	e->exit_code = -1;
	exp_result_set_reason(e, &EV_MSG_OF("runner.killed", ev_signal(11)));
}

static char *dump_run(const struct run *r)
{
	json_t *j = json_from_run(r);
	ck_assert_ptr_nonnull(j);
	char *s = json_dumps(j, JSON_INDENT(1));
	json_decref(j);
	ck_assert_ptr_nonnull(s);
	return s;
}

static void assert_params_equal(const struct mparam *a, size_t na, const struct mparam *b,
				size_t nb)
{
	ck_assert_uint_eq(na, nb);
	for (size_t i = 0; i < na; i++) {
		ck_assert_str_eq(a[i].key, b[i].key);
		ck_assert_str_eq(a[i].str, b[i].str);
		ck_assert_int_eq(a[i].is_num, b[i].is_num);
		if (a[i].is_num)
			ck_assert_int_eq(a[i].num, b[i].num);
	}
}

static void assert_runs_equal(const struct run *a, const struct run *b)
{
	ck_assert_str_eq(a->ptlab_version, b->ptlab_version);
	ck_assert_str_eq(a->started, b->started);
	ck_assert_str_eq(a->preset, b->preset);
	ck_assert_str_eq(a->cpus, b->cpus);
	ck_assert(a->seed == b->seed);
	ck_assert_str_eq(a->env.cpu_model, b->env.cpu_model);
	ck_assert_int_eq(a->env.cpus_online, b->env.cpus_online);
	ck_assert_int_eq(a->env.cpus_allowed, b->env.cpus_allowed);
	ck_assert_int_eq(a->env.threads_per_core, b->env.threads_per_core);
	ck_assert_int_eq(a->env.virtualized, b->env.virtualized);
	ck_assert_int_eq(a->env.pcid, b->env.pcid);
	ck_assert_str_eq(a->env.thp, b->env.thp);
	ck_assert_str_eq(a->env.governor, b->env.governor);
	ck_assert(a->env.loadavg1 == b->env.loadavg1);
	ck_assert(a->env.mem_total_bytes == b->env.mem_total_bytes);
	ck_assert(a->env.mem_available_bytes == b->env.mem_available_bytes);
	ck_assert(a->env.clock.overhead_ns == b->env.clock.overhead_ns);
	ck_assert(a->env.clock.resolution_ns == b->env.clock.resolution_ns);
	ck_assert_str_eq(a->env.clock.source, b->env.clock.source);
	ck_assert_str_eq(a->env.hypervisor_cpuid, b->env.hypervisor_cpuid);
	ck_assert_str_eq(a->env.hypervisor_kernel, b->env.hypervisor_kernel);
	ck_assert_int_eq(a->env.invpcid, b->env.invpcid);
	ck_assert_int_eq(a->env.pti, b->env.pti);
	ck_assert(a->env.null_syscall_ns == b->env.null_syscall_ns);
	ck_assert_int_eq(a->env.tlb_entries, b->env.tlb_entries);
	ck_assert_int_eq(a->env.n_caches, b->env.n_caches);
	for (int i = 0; i < a->env.n_caches; i++) {
		ck_assert_int_eq(a->env.caches[i].level, b->env.caches[i].level);
		ck_assert_str_eq(a->env.caches[i].type, b->env.caches[i].type);
		ck_assert(a->env.caches[i].size_bytes == b->env.caches[i].size_bytes);
	}
	ck_assert_int_eq(a->env.n_vulns, b->env.n_vulns);
	for (int i = 0; i < a->env.n_vulns; i++) {
		ck_assert_str_eq(a->env.vulns[i].name, b->env.vulns[i].name);
		ck_assert_str_eq(a->env.vulns[i].text, b->env.vulns[i].text);
	}

	ck_assert_uint_eq(a->n_results, b->n_results);
	for (size_t i = 0; i < a->n_results; i++) {
		const struct exp_result *x = &a->results[i], *y = &b->results[i];
		ck_assert_str_eq(x->name, y->name);
		ck_assert_int_eq(x->outcome, y->outcome);
		ck_assert(ev_msg_equal(&x->reason, &y->reason));
		ck_assert_int_eq(x->signal, y->signal);
		ck_assert_int_eq(x->exit_code, y->exit_code);
		ck_assert(x->duration_ns == y->duration_ns);
		assert_params_equal(x->params, x->n_params, y->params, y->n_params);
		ck_assert_uint_eq(x->n_metrics, y->n_metrics);
		for (size_t k = 0; k < x->n_metrics; k++) {
			const struct metric *m = &x->metrics[k], *n = &y->metrics[k];
			ck_assert_str_eq(m->name, n->name);
			ck_assert_str_eq(m->unit, n->unit);
			ck_assert_int_eq(m->dir, n->dir);
			assert_params_equal(m->params, m->n_params, n->params, n->n_params);
			ck_assert(m->batch == n->batch);
			ck_assert_uint_eq(m->warmup, n->warmup);
			ck_assert_uint_eq(m->n, n->n);
			for (size_t s = 0; s < m->n; s++)
				ck_assert(m->raw[s] == n->raw[s]);
			ck_assert(m->sum.median == n->sum.median);
			ck_assert_uint_eq(m->sum.n, n->sum.n);
		}
		ck_assert_uint_eq(x->n_obs, y->n_obs);
		for (size_t k = 0; k < x->n_obs; k++) {
			ck_assert_str_eq(x->obs[k].name, y->obs[k].name);
			ck_assert(ev_msg_equal(&x->obs[k].msg, &y->obs[k].msg));
		}
		ck_assert_uint_eq(x->n_skips, y->n_skips);
		for (size_t k = 0; k < x->n_skips; k++) {
			ck_assert_str_eq(x->skips[k].what, y->skips[k].what);
			ck_assert(ev_msg_equal(&x->skips[k].reason, &y->skips[k].reason));
		}
	}
}

START_TEST(test_roundtrip)
{
	struct run a, b;
	char err[256] = "";
	json_error_t jerr;

	make_run(&a);
	char *text = dump_run(&a);
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_ptr_nonnull(root);

	/* The big integers are JSON integers, not doubles. */
	json_t *raw = json_object_get(
		json_array_get(
			json_object_get(json_array_get(json_object_get(root, "experiments"), 0),
					"metrics"),
			1),
		"raw");
	ck_assert(json_is_integer(json_array_get(raw, 0)));
	ck_assert(json_integer_value(json_array_get(raw, 0)) == (json_int_t)TWO53_PLUS1);
	ck_assert(json_integer_value(json_array_get(raw, 1)) == (json_int_t)TWO62);
	ck_assert(json_is_null(json_object_get(
		json_array_get(json_object_get(root, "experiments"), 0), "reason")));

	run_init(&b);
	ck_assert_int_eq(run_from_json(root, &b, err, sizeof(err)), 0);
	json_decref(root);
	assert_runs_equal(&a, &b);
	ck_assert(b.results[0].metrics[1].raw[0] == TWO53_PLUS1);
	ck_assert(b.results[0].metrics[1].raw[2] == TWO53_PLUS1 + 2);

	char *again = dump_run(&b);
	ck_assert_str_eq(text, again);
	free(again);
	free(text);
	run_free(&a);
	run_free(&b);
}
END_TEST

/* Every outcome's name survives the trip, and so does a seed above INT64_MAX. */
START_TEST(test_outcomes_and_big_seed)
{
	struct run a, b;
	char err[256] = "";
	json_error_t jerr;

	run_init(&a);
	a.seed = UINT64_MAX;
	for (int o = OUTCOME_OK; o <= OUTCOME_NOT_RUN; o++) {
		struct exp_result *e = run_add_result(&a, outcome_name((enum outcome)o));
		e->outcome = (enum outcome)o;
		if (o != OUTCOME_OK)
			exp_result_set_reason(e, EV_TEXT("because"));
	}
	char *text = dump_run(&a);
	ck_assert_ptr_nonnull(strstr(text, "\"seed\": \"18446744073709551615\""));
	json_t *root = json_loads(text, 0, &jerr);
	run_init(&b);
	ck_assert_int_eq(run_from_json(root, &b, err, sizeof(err)), 0);
	ck_assert(b.seed == UINT64_MAX);
	ck_assert_uint_eq(b.n_results, OUTCOME_NOT_RUN + 1);
	for (size_t i = 0; i < b.n_results; i++)
		ck_assert_int_eq(b.results[i].outcome, (int)i);
	char *again = dump_run(&b);
	ck_assert_str_eq(text, again);

	/* A small seed as a string is not the writer's spelling: refused. */
	json_object_set_new(root, "seed", json_string("42"));
	run_free(&b);
	run_init(&b);
	ck_assert_int_eq(run_from_json(root, &b, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "seed"));

	json_decref(root);
	free(again);
	free(text);
	run_free(&a);
	run_free(&b);
}
END_TEST

START_TEST(test_nonfinite_is_null)
{
	struct metric m = {
		.name = "x",
		.unit = "ns",
		.dir = DIR_NONE,
		.batch = 1,
		.sum = { .n = 1,
			 .median = NAN,
			 .ci_lo = -INFINITY,
			 .ci_hi = 2.0,
			 .mean = INFINITY },
	};
	json_t *j = json_from_metric(&m);
	ck_assert_ptr_nonnull(j);
	json_t *s = json_object_get(j, "summary");
	ck_assert(json_is_null(json_object_get(s, "median")));
	ck_assert(json_is_null(json_object_get(s, "mean")));
	ck_assert(json_is_null(json_array_get(json_object_get(s, "ci95"), 0)));
	ck_assert(json_real_value(json_array_get(json_object_get(s, "ci95"), 1)) == 2.0);
	ck_assert(json_is_real(json_object_get(s, "sd")));
	json_decref(j);

	struct sysinfo si;
	memset(&si, 0, sizeof(si));
	si.loadavg1 = NAN;
	si.clock.overhead_ns = INFINITY;
	j = json_from_sysinfo(&si);
	ck_assert(json_is_null(json_object_get(j, "loadavg1")));
	ck_assert(json_is_null(json_object_get(json_object_get(j, "clock"), "overhead_ns")));
	struct sysinfo back;
	char err[128];
	ck_assert_int_eq(sysinfo_from_json(j, &back, err, sizeof(err)), 0);
	ck_assert(isnan(back.loadavg1));
	json_decref(j);
}
END_TEST

static char *tmpdir(void)
{
	char *d = xstrdup("/tmp/ptlab-json-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

/* Entries of dir other than . and .. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

START_TEST(test_parse_error_has_position)
{
	char *dir = tmpdir();
	char *path = xasprintf("%s/bad.json", dir);
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("{\n  \"schema\": \"ptlab-run\",\n  \"seed\": nope\n}\n", fp);
	fclose(fp);

	struct run r;
	char err[512] = "";
	run_init(&r);
	ck_assert_int_eq(run_load(path, &r, err, sizeof(err)), -EINVAL);
	char *want = xasprintf("%s:3:", path);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "err: %s", err);
	run_free(&r);

	/* Duplicate keys are refused too. */
	fp = fopen(path, "w");
	fputs("{\"schema\": \"ptlab-run\", \"schema\": \"ptlab-run\"}", fp);
	fclose(fp);
	run_init(&r);
	ck_assert_int_eq(run_load(path, &r, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "duplicate"));
	run_free(&r);

	unlink(path);
	rmdir(dir);
	free(want);
	free(path);
	free(dir);
}
END_TEST

/* A mutation of a good document and what the reader must say about it. */
struct bad_case {
	const char *what;
	void (*mutate)(json_t *root);
	const char *needle;
};

static json_t *metric0(json_t *root)
{
	return json_array_get(
		json_object_get(json_array_get(json_object_get(root, "experiments"), 0), "metrics"),
		0);
}

static void set_raw(json_t *root, json_t *v)
{
	json_array_set_new(json_object_get(metric0(root), "raw"), 1, v);
}

static void mut_schema(json_t *root)
{
	json_object_set_new(root, "schema", json_string("other"));
}
static void mut_no_schema(json_t *root)
{
	json_object_del(root, "schema");
}
static void mut_version(json_t *root)
{
	json_object_set_new(root, "schema_version", json_integer(RUN_SCHEMA_VERSION + 1));
}
static void mut_raw_neg(json_t *root)
{
	set_raw(root, json_integer(-5));
}
static void mut_raw_str(json_t *root)
{
	set_raw(root, json_string("fast"));
}
static void mut_raw_small_str(json_t *root)
{
	set_raw(root, json_string("5"));
}
static void mut_raw_real(json_t *root)
{
	set_raw(root, json_real(1.5));
}
static void mut_no_exps(json_t *root)
{
	json_object_del(root, "experiments");
}
static void mut_exps_obj(json_t *root)
{
	json_object_set_new(root, "experiments", json_object());
}
static void mut_batch0(json_t *root)
{
	json_object_set_new(metric0(root), "batch", json_integer(0));
}
static void mut_no_raw(json_t *root)
{
	json_object_set_new(metric0(root), "raw", json_array());
}

static void mut_outcome(json_t *root)
{
	json_object_set_new(json_array_get(json_object_get(root, "experiments"), 1), "outcome",
			    json_string("exploded"));
}

static void mut_env(json_t *root)
{
	json_object_set_new(json_object_get(json_object_get(root, "environment"), "clock"),
			    "source", json_integer(3));
}

static void mut_param(json_t *root)
{
	json_object_set_new(json_object_get(metric0(root), "params"), "bytes", json_true());
}

/* A field added after 0.1.0 may be absent, but not wrong. */
static void mut_pti(json_t *root)
{
	json_object_set_new(json_object_get(root, "environment"), "pti", json_string("on"));
}
static void mut_caches(json_t *root)
{
	json_object_set_new(json_object_get(root, "environment"), "caches", json_object());
}
static void mut_cache_size(json_t *root)
{
	json_t *c =
		json_array_get(json_object_get(json_object_get(root, "environment"), "caches"), 1);
	json_object_set_new(c, "size_bytes", json_integer(-1));
}
static void mut_vuln(json_t *root)
{
	json_object_set_new(
		json_object_get(json_object_get(root, "environment"), "vulnerabilities"), "mds",
		json_integer(1));
}

static const struct bad_case bad_cases[] = {
	{ "wrong schema", mut_schema, "not a ptlab run" },
	{ "no schema", mut_no_schema, "not a ptlab run" },
	{ "newer version", mut_version, "newer ptlab" },
	{ "negative raw", mut_raw_neg,
	  "experiments[0].metrics[0].raw[1]: expected a non-negative integer" },
	{ "string raw", mut_raw_str,
	  "experiments[0].metrics[0].raw[1]: expected a non-negative integer" },
	{ "small string raw", mut_raw_small_str, "experiments[0].metrics[0].raw[1]" },
	{ "real raw", mut_raw_real, "experiments[0].metrics[0].raw[1]" },
	{ "no experiments", mut_no_exps, "experiments: required field is missing" },
	{ "experiments not an array", mut_exps_obj, "experiments: expected an array" },
	{ "batch 0", mut_batch0, "experiments[0].metrics[0].batch" },
	{ "no samples", mut_no_raw, "experiments[0].metrics[0].raw" },
	{ "unknown outcome", mut_outcome, "experiments[1].outcome" },
	{ "bad clock source", mut_env, "environment.clock.source: expected a string" },
	{ "boolean param", mut_param, "experiments[0].metrics[0].params.bytes" },
	{ "pti a string", mut_pti, "environment.pti: expected true, false or null" },
	{ "caches an object", mut_caches, "environment.caches: expected an array" },
	{ "negative cache size", mut_cache_size, "environment.caches[1].size_bytes" },
	{ "vulnerability a number", mut_vuln,
	  "environment.vulnerabilities.mds: expected a string" },
};

START_TEST(test_bad_documents)
{
	const struct bad_case *c = &bad_cases[_i];
	struct run r, good;
	char err[512] = "";

	make_run(&good);
	json_t *root = json_from_run(&good);
	c->mutate(root);
	run_init(&r);
	ck_assert_msg(run_from_json(root, &r, err, sizeof(err)) == -EINVAL, "%s accepted", c->what);
	ck_assert_msg(strstr(err, c->needle), "%s: err \"%s\" lacks \"%s\"", c->what, err,
		      c->needle);
	run_free(&r);
	json_decref(root);
	run_free(&good);
}
END_TEST

/* Writes text to a new file in a new folder; *dir and the path are the caller's to remove. */
static char *write_doc(const char *text, char **dir)
{
	*dir = tmpdir();
	char *path = xasprintf("%s/run.json", *dir);
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
	return path;
}

static void remove_doc(char *path, char *dir)
{
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}

/* The same mutations read from a file, as ptlab report does (model/rawscan first): the same errors. */
START_TEST(test_bad_documents_from_file)
{
	const struct bad_case *c = &bad_cases[_i];
	struct run r, good;
	char err[512] = "", *dir;

	make_run(&good);
	json_t *root = json_from_run(&good);
	c->mutate(root);
	char *text = json_dumps(root, JSON_INDENT(1));
	char *path = write_doc(text, &dir);
	run_init(&r);
	ck_assert_msg(run_load(path, &r, err, sizeof(err)) == -EINVAL, "%s accepted", c->what);
	ck_assert_msg(strstr(err, c->needle), "%s: err \"%s\" lacks \"%s\"", c->what, err,
		      c->needle);
	run_free(&r);
	remove_doc(path, dir);
	free(text);
	json_decref(root);
	run_free(&good);
}
END_TEST

/* The scanner reads plain arrays under "raw" keys only, and keeps lines where they were. */
START_TEST(test_raw_scan)
{
	char text[] = "{\"a\": \"\\\"raw\\\": [5]\", \"raw\": [1, 22,\n333],\n"
		      "\"b\": {\"raw\": []}, \"c\": {\"raw\": [01]}, \"d\": {\"raw\": [-1]},\n"
		      "\"e\": {\"raw\": [9223372036854775808]}, \"f\": {\"raw\": [7]}}";
	size_t len = strlen(text);
	struct raw_table t;

	raw_table_scan(text, len, &t);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_uint_eq(strlen(text), len);
	/* The index where the longest line was, spaces for the rest; the newline stays. */
	ck_assert_ptr_nonnull(strstr(text, "\"raw\": 0      \n    ,\n\"b\""));
	ck_assert_ptr_nonnull(strstr(text, "\"raw\": 1  }"));
	ck_assert_ptr_nonnull(strstr(text, "\"raw\": []}"));
	ck_assert_ptr_nonnull(strstr(text, "[01]"));
	ck_assert_ptr_nonnull(strstr(text, "[-1]"));
	ck_assert_ptr_nonnull(strstr(text, "[9223372036854775808]"));
	ck_assert_ptr_nonnull(strstr(text, "[5]")); /* inside a string */

	uint64_t *v;
	size_t n;
	ck_assert_int_eq(raw_table_take(&t, 0, &v, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(v[0], 1);
	ck_assert_uint_eq(v[1], 22);
	ck_assert_uint_eq(v[2], 333);
	free(v);
	ck_assert_int_eq(raw_table_take(&t, 0, &v, &n), -ENOENT); /* taken */
	ck_assert_int_eq(raw_table_take(&t, 2, &v, &n), -ENOENT); /* never there */
	raw_table_free(&t);
	raw_table_free(&t); /* twice is harmless */

	/* A "raw" that is no array, or a key with an escape: nothing read, nothing changed. */
	static const char *const give_up[] = {
		"{\"raw\": [1, 2], \"x\": {\"raw\": 3}}",
		"{\"raw\": [1, 2], \"r\\u0061w\": [3]}",
	};
	for (size_t i = 0; i < sizeof(give_up) / sizeof(give_up[0]); i++) {
		char *s = xstrdup(give_up[i]);
		raw_table_scan(s, strlen(s), &t);
		ck_assert_uint_eq(t.n, 0);
		ck_assert_str_eq(s, give_up[i]);
		raw_table_free(&t);
		free(s);
	}
}
END_TEST

/* A saved run loads the same whether the scanner reads its samples or gives up. */
START_TEST(test_raw_scan_load)
{
	struct run a, b;
	char err[512] = "", *dir;

	make_run(&a);
	json_t *root = json_from_run(&a);
	char *plain = json_dumps(root, JSON_INDENT(1));
	/* A key with an escape makes the scanner give up: jansson reads every sample. */
	json_object_set_new(root, "r\u00e1w", json_integer(1));
	char *escaped = json_dumps(root, JSON_INDENT(1) | JSON_ENSURE_ASCII);
	const char *texts[] = { plain, escaped };
	for (size_t i = 0; i < 2; i++) {
		char *path = write_doc(texts[i], &dir);
		run_init(&b);
		ck_assert_msg(run_load(path, &b, err, sizeof(err)) == 0, "%s", err);
		assert_runs_equal(&a, &b);
		run_free(&b);
		remove_doc(path, dir);
	}

	/* A parse error after many lines of samples is placed on its own line. */
	size_t lines = 1;
	for (const char *c = plain; *c; c++)
		lines += *c == '\n';
	char *broken = xasprintf("%s\n,", plain);
	char *path = write_doc(broken, &dir);
	run_init(&b);
	ck_assert_int_eq(run_load(path, &b, err, sizeof(err)), -EINVAL);
	char *want = xasprintf("%s:%zu:", path, lines + 1);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "err: %s, want %s", err, want);
	run_free(&b);
	remove_doc(path, dir);
	free(want);
	free(broken);
	free(escaped);
	free(plain);
	json_decref(root);
	run_free(&a);
}
END_TEST

START_TEST(test_unknown_keys_ignored)
{
	struct run a, b;
	char err[256] = "";
	make_run(&a);
	json_t *root = json_from_run(&a);
	json_object_set_new(root, "verdicts", json_array());
	json_object_set_new(metric0(root), "future", json_string("x"));
	json_object_set_new(metric0(root), "summary", json_string("not read"));
	run_init(&b);
	ck_assert_int_eq(run_from_json(root, &b, err, sizeof(err)), 0);
	assert_runs_equal(&a, &b);
	json_decref(root);
	run_free(&a);
	run_free(&b);
}
END_TEST

/* The environment's fields of ptlab 0.1.0's time, nothing added since. */
static void drop_new_fields(json_t *env)
{
	static const char *const added[] = { "hypervisor_cpuid", "hypervisor_kernel",
					     "invpcid",		 "pti",
					     "null_syscall_ns",	 "tlb_entries",
					     "caches",		 "vulnerabilities" };
	for (size_t i = 0; i < sizeof(added) / sizeof(added[0]); i++)
		ck_assert_int_eq(json_object_del(env, added[i]), 0);
}

/* Every field added after 0.1.0 reads as unknown. */
static void assert_new_fields_unknown(const struct sysinfo *e)
{
	ck_assert_str_eq(e->hypervisor_cpuid, "");
	ck_assert_str_eq(e->hypervisor_kernel, "");
	ck_assert_int_eq(e->invpcid, SYSINFO_UNKNOWN);
	ck_assert_int_eq(e->pti, SYSINFO_UNKNOWN);
	ck_assert(isnan(e->null_syscall_ns));
	ck_assert_int_eq(e->tlb_entries, -1);
	ck_assert_int_eq(e->n_caches, 0);
	ck_assert_int_eq(e->n_vulns, 0);
}

/* A run without the new fields loads with them unknown; null is unknown too. */
START_TEST(test_new_fields_optional)
{
	struct run a, b;
	char err[256] = "";
	make_run(&a);
	json_t *root = json_from_run(&a);
	json_t *env = json_object_get(root, "environment");
	drop_new_fields(env);
	run_init(&b);
	ck_assert_msg(run_from_json(root, &b, err, sizeof(err)) == 0, "%s", err);
	assert_new_fields_unknown(&b.env);
	ck_assert_str_eq(b.env.hypervisor, "KVM");
	run_free(&b);

	/* Unknown is written as null, -1, "", [] and {}, and read back so. */
	struct sysinfo unknown = a.env;
	unknown.hypervisor_cpuid[0] = unknown.hypervisor_kernel[0] = '\0';
	unknown.invpcid = unknown.pti = SYSINFO_UNKNOWN;
	unknown.null_syscall_ns = NAN;
	unknown.tlb_entries = -1;
	unknown.n_caches = unknown.n_vulns = 0;
	json_t *j = json_from_sysinfo(&unknown);
	ck_assert(json_is_null(json_object_get(j, "pti")));
	ck_assert(json_is_null(json_object_get(j, "null_syscall_ns")));
	ck_assert_uint_eq(json_array_size(json_object_get(j, "caches")), 0);
	ck_assert_uint_eq(json_object_size(json_object_get(j, "vulnerabilities")), 0);
	struct sysinfo back;
	ck_assert_int_eq(sysinfo_from_json(j, &back, err, sizeof(err)), 0);
	assert_new_fields_unknown(&back);
	json_decref(j);

	/* A newer ptlab's longer lists are cut to what this one keeps. */
	json_t *caches = json_array(), *vulns = json_object();
	for (int i = 0; i < SYSINFO_VULNS_MAX + 3; i++) {
		char name[16];
		snprintf(name, sizeof(name), "v%02d", i);
		ck_assert_int_eq(json_object_set_new(vulns, name, json_string("Vulnerable")), 0);
		json_t *c = json_pack("{s:i, s:s, s:I}", "level", 1, "type", "Data", "size_bytes",
				      (json_int_t)4096);
		ck_assert_int_eq(json_array_append_new(caches, c), 0);
	}
	json_object_set_new(env, "caches", caches);
	json_object_set_new(env, "vulnerabilities", vulns);
	run_init(&b);
	ck_assert_msg(run_from_json(root, &b, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(b.env.n_caches, SYSINFO_CACHES_MAX);
	ck_assert_int_eq(b.env.n_vulns, SYSINFO_VULNS_MAX);
	ck_assert_str_eq(b.env.vulns[0].name, "v00");
	run_free(&b);
	json_decref(root);
	run_free(&a);
}
END_TEST

/*
 * The runs ptlab 0.1.0 saved on this project's machines and on others
 * (../shared/runs) load with every field added since unknown. Their
 * rendering, in English and Indonesian, is test_real_runs_render's (cli).
 */
START_TEST(test_old_runs_load)
{
	static const char *const dirs[] = { PTLAB_SRCDIR "/tests/fixtures/runs",
					    PTLAB_SRCDIR "/../shared/runs" };
	char *dir = tmpdir(), json[512], cmd[1400];
	size_t seen = 0;
	if (system("command -v xz >/dev/null 2>&1") != 0) {
		fprintf(stderr,
			"note: json: test_old_runs_load skipped: no xz to unpack the runs\n");
		rmdir(dir);
		free(dir);
		return;
	}
	snprintf(json, sizeof(json), "%s/old.json", dir);
	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		DIR *dp = opendir(dirs[d]);
		struct dirent *de;
		if (!dp)
			continue;
		while ((de = readdir(dp))) {
			size_t len = strlen(de->d_name);
			if (len < 8 || strcmp(de->d_name + len - 8, ".json.xz") != 0)
				continue;
			snprintf(cmd, sizeof(cmd), "xz -dc '%s/%s' > '%s'", dirs[d], de->d_name,
				 json);
			ck_assert_msg(system(cmd) == 0, "%s", cmd);
			struct run r;
			char err[512] = "";
			run_init(&r);
			ck_assert_msg(run_load(json, &r, err, sizeof(err)) == 0, "%s: %s",
				      de->d_name, err);
			/* Written before the machine facts (the version said 0.1.0 then and now). */
			json_t *root = json_load_file(json, 0, NULL);
			ck_assert_ptr_nonnull(root);
			if (!json_object_get(json_object_get(root, "environment"),
					     "null_syscall_ns")) {
				assert_new_fields_unknown(&r.env);
				seen++;
			}
			json_decref(root);
			run_free(&r);
		}
		closedir(dp);
	}
	ck_assert_msg(seen > 0, "no run of ptlab 0.1.0 in %s", dirs[0]);
	unlink(json);
	rmdir(dir);
	free(dir);
}
END_TEST

START_TEST(test_load_missing)
{
	struct run r;
	char err[512] = "";
	run_init(&r);
	ck_assert_int_eq(run_load("/nonexistent/ptlab/run.json", &r, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/ptlab/run.json"));
	run_free(&r);
}
END_TEST

/*
 * No file can take more memory than RUN_FILE_MAX: a larger regular file is
 * refused by its size before a byte is read.
 */
START_TEST(test_load_capped)
{
	struct run r;
	char err[512] = "";
	char *dir = tmpdir();
	char *path = xasprintf("%s/huge.json", dir);
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)RUN_FILE_MAX + 1), 0); /* sparse: no disk used */
	close(fd);
	run_init(&r);
	ck_assert_int_eq(run_load(path, &r, err, sizeof(err)), -EFBIG);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "128 MiB"));
	run_free(&r);
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
	/* An endless file: tests/test_cli.c (the test build reads 7 bytes a call). */
}
END_TEST

START_TEST(test_save_load)
{
	char *dir = tmpdir();
	char *path = xasprintf("%s/run.json", dir);
	struct run a, b;
	char err[512] = "";

	make_run(&a);
	json_t *extra = json_object();
	json_object_set_new(extra, "verdicts", json_pack("[{s:s}]", "claim", "switch.cost"));
	ck_assert_int_eq(run_save(&a, extra, path), 0);
	ck_assert_uint_eq(json_object_size(extra), 1);
	ck_assert_int_eq(count_entries(dir), 1);

	json_error_t jerr;
	json_t *onfile = json_load_file(path, 0, &jerr);
	ck_assert_ptr_nonnull(onfile);
	ck_assert(json_is_array(json_object_get(onfile, "verdicts")));
	json_decref(onfile);

	run_init(&b);
	ck_assert_msg(run_load(path, &b, err, sizeof(err)) == 0, "%s", err);
	assert_runs_equal(&a, &b);
	char *x = dump_run(&a), *y = dump_run(&b);
	ck_assert_str_eq(x, y);

	/* Saving again replaces the file. */
	ck_assert_int_eq(run_save(&b, NULL, path), 0);
	ck_assert_int_eq(count_entries(dir), 1);

	free(x);
	free(y);
	json_decref(extra);
	run_free(&a);
	run_free(&b);
	unlink(path);
	rmdir(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_save_failures_leave_nothing)
{
	struct run a;
	make_run(&a);

	ck_assert_int_eq(run_save(&a, NULL, "/nonexistent/ptlab/run.json"), -ENOENT);

	/* The rename fails (the target is a non-empty folder): the temporary goes. */
	char *dir = tmpdir();
	char *target = xasprintf("%s/run.json", dir);
	char *inside = xasprintf("%s/keep", target);
	ck_assert_int_eq(mkdir(target, 0700), 0);
	FILE *fp = fopen(inside, "w");
	fclose(fp);
	int ret = run_save(&a, NULL, target);
	ck_assert_msg(ret == -EISDIR || ret == -ENOTEMPTY || ret == -EEXIST, "ret %d", ret);
	ck_assert_int_eq(count_entries(dir), 1);

	json_t *notobj = json_array();
	ck_assert_int_eq(run_save(&a, notobj, target), -EINVAL);
	json_decref(notobj);

	unlink(inside);
	rmdir(target);
	rmdir(dir);
	free(inside);
	free(target);
	free(dir);
	run_free(&a);
}
END_TEST

START_TEST(test_find_metric)
{
	struct run r;
	make_run(&r);
	const struct exp_result *e = run_find_result(&r, "create");
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_null(run_find_result(&r, "nope"));

	const struct metric *m = exp_result_find_metric(e, "fork", NULL);
	ck_assert_ptr_eq(m, &e->metrics[0]);
	const char *const other[] = { "placement=other-cpu", NULL };
	ck_assert_ptr_eq(exp_result_find_metric(e, "fork", other), &e->metrics[1]);
	const char *const both[] = { "bytes=4096", "placement=other-cpu", NULL };
	ck_assert_ptr_eq(exp_result_find_metric(e, "fork", both), &e->metrics[1]);
	const char *const none[] = { "bytes=4097", NULL };
	ck_assert_ptr_null(exp_result_find_metric(e, "fork", none));
	const char *const nokey[] = { "numa=0", NULL };
	ck_assert_ptr_null(exp_result_find_metric(e, "fork", nokey));
	const char *const prefix[] = { "byte=4096", NULL };
	ck_assert_ptr_null(exp_result_find_metric(e, "fork", prefix));
	const char *const present[] = { "bytes", NULL };
	ck_assert_ptr_eq(exp_result_find_metric(e, "pthread_create", present), &e->metrics[2]);
	ck_assert_ptr_null(exp_result_find_metric(e, "vfork", NULL));

	const struct mparam *p = metric_param(m, "bytes");
	ck_assert_ptr_nonnull(p);
	ck_assert(p->is_num && p->num == 4096);
	ck_assert_str_eq(p->str, "4096");
	ck_assert_ptr_null(metric_param(m, "nope"));

	ck_assert_str_eq(exp_result_obs_word(e, "thp_enabled"), "madvise");
	ck_assert_ptr_null(exp_result_obs(e, "nope"));
	run_free(&r);
}
END_TEST

/* Rounds of one figure merge; another condition or batch stays a figure of its own. */
START_TEST(test_merge_rounds)
{
	struct exp_result e;
	exp_result_init(&e, "x");
	struct mparam p1[] = { { .key = "bytes", .str = "4096", .num = 4096, .is_num = true } };
	struct mparam p2[] = { { .key = "bytes", .str = "8192", .num = 8192, .is_num = true } };
	uint64_t a[] = { 10, 20, 30 }, b[] = { 40, 50 };
	struct metric m = { .name = "fork",
			    .unit = "ns",
			    .params = p1,
			    .n_params = 1,
			    .batch = 2,
			    .raw = a,
			    .n = 3,
			    .warmup = 1 };

	exp_result_merge_metric(&e, &m);
	m.raw = b;
	m.n = 2;
	struct metric *c = exp_result_merge_metric(&e, &m);
	ck_assert_uint_eq(e.n_metrics, 1);
	ck_assert_ptr_eq(c, &e.metrics[0]);
	ck_assert_uint_eq(c->n, 5);
	ck_assert_uint_eq(c->warmup, 2);
	ck_assert_uint_eq(c->raw[3], 40);
	ck_assert_uint_eq(c->sum.n, 5);
	ck_assert(c->sum.median == 15.0); /* 30 / 2 per operation */
	/* The rounds are kept: 3 then 2 samples, medians 10 and 22.5 per operation. */
	ck_assert_uint_eq(c->n_rounds, 2);
	ck_assert_uint_eq(c->rounds[0], 3);
	ck_assert_uint_eq(c->rounds[1], 2);
	ck_assert_double_eq_tol(c->round_spread, 2.25, 1e-12);

	/* ...and they survive JSON, which refuses rounds that do not add up. */
	json_t *j = json_from_metric(c);
	struct metric back;
	char err[256];
	memset(&back, 0, sizeof(back));
	ck_assert_int_eq(metric_from_json(j, &back, err, sizeof(err)), 0);
	ck_assert_uint_eq(back.n_rounds, 2);
	ck_assert_uint_eq(back.rounds[1], 2);
	ck_assert_double_eq_tol(back.round_spread, 2.25, 1e-12);
	metric_free(&back);
	/* Too many, a zero round, and counts whose sum wraps around: all refused. */
	static const char *const bad[] = { "[3, 3]", "[0, 5]", "[1, \"18446744073709551615\", 5]" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_error_t jerr;
		json_object_set_new(j, "rounds", json_loads(bad[i], JSON_DECODE_ANY, &jerr));
		memset(&back, 0, sizeof(back));
		ck_assert_int_eq(metric_from_json(j, &back, err, sizeof(err)), -EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "rounds"));
		metric_free(&back);
	}
	json_decref(j);

	m.params = p2; /* another condition */
	exp_result_merge_metric(&e, &m);
	m.params = p1;
	m.batch = 3; /* another batch size: not the same figure */
	exp_result_merge_metric(&e, &m);
	m.batch = 2;
	m.name = "vfork";
	exp_result_merge_metric(&e, &m);
	ck_assert_uint_eq(e.n_metrics, 4);
	ck_assert_uint_eq(e.metrics[0].n, 5);
	exp_result_free(&e);
}
END_TEST

/*
 * A figure of two modes writes them in its summary, and one read back
 * finds the same modes from its raw samples (summaries are never read);
 * a figure of one mode writes no "modes" at all.
 */
START_TEST(test_modes_roundtrip)
{
	struct exp_result e;
	exp_result_init(&e, "ipc");
	struct mparam p[] = { { .key = "placement", .str = "cross-cpu" } };
	uint64_t raw[200];
	/* 60% near 180 ns, then 40% near 470 ns: a placement that moved once. */
	for (size_t i = 0; i < 200; i++)
		raw[i] = (i < 120 ? 1800 : 4700) + (uint64_t)((i * 7) % 40);
	struct metric m = { .name = "cacheline",
			    .unit = "ns",
			    .params = p,
			    .n_params = 1,
			    .batch = 10,
			    .raw = raw,
			    .n = 200 };
	const struct metric *c = exp_result_add_metric(&e, &m);
	ck_assert_uint_eq(c->modes.count, 2);
	ck_assert_double_eq_tol(c->modes.m[0].share, 0.6, 1e-12);
	ck_assert(modes_in_stretches(&c->modes));

	json_t *j = json_from_metric(c);
	json_t *modes = json_object_get(json_object_get(j, "summary"), "modes");
	ck_assert_uint_eq(json_array_size(modes), 2);
	json_t *m0 = json_array_get(modes, 0);
	ck_assert_double_eq_tol(json_real_value(json_object_get(m0, "share")), 0.6, 1e-12);
	ck_assert_double_eq(json_real_value(json_object_get(m0, "median")), c->modes.m[0].median);
	ck_assert_double_eq(json_real_value(json_object_get(m0, "hi")), c->modes.m[0].hi);
	ck_assert_int_eq(json_integer_value(json_object_get(m0, "n")), 120);
	ck_assert(
		json_is_true(json_object_get(json_object_get(j, "summary"), "modes_in_stretches")));

	struct metric back;
	char err[256];
	memset(&back, 0, sizeof(back));
	ck_assert_int_eq(metric_from_json(j, &back, err, sizeof(err)), 0);
	ck_assert(memcmp(&back.modes, &c->modes, sizeof(back.modes)) == 0);
	metric_free(&back);
	json_decref(j);

	/* A cross-CPU figure whose modes came in stretches is the environment's placement note. */
	struct run r;
	const struct metric *first = NULL;
	const char *exp = NULL;
	run_init(&r);
	exp_result_add_metric(run_add_result(&r, "ipc"), &m);
	ck_assert_uint_eq(run_placement_moves(&r, &first, &exp), 1);
	ck_assert_str_eq(first->name, "cacheline");
	ck_assert_str_eq(exp, "ipc");
	run_free(&r);

	/* One mode: no key. */
	for (size_t i = 0; i < 200; i++)
		raw[i] = 1800 + (uint64_t)((i * 7) % 40);
	c = exp_result_add_metric(&e, &m);
	ck_assert_uint_eq(c->modes.count, 1);
	j = json_from_metric(c);
	ck_assert_ptr_null(json_object_get(json_object_get(j, "summary"), "modes"));
	json_decref(j);
	exp_result_free(&e);
}
END_TEST

START_TEST(test_metric_values_and_summary)
{
	struct run r;
	make_run(&r);
	const struct metric *m = &r.results[0].metrics[2]; /* raw 10, 12 with batch 4 */
	double *v = metric_values(m);
	ck_assert(v[0] == 2.5 && v[1] == 3.0);
	free(v);
	ck_assert_uint_eq(m->sum.n, 2);
	ck_assert(m->sum.min == 2.5 && m->sum.max == 3.0);
	ck_assert(m->sum.median == 2.75);

	struct metric empty = { .name = "e", .unit = "ns", .batch = 1 };
	ck_assert_int_eq(metric_summarize(&empty), -EINVAL);
	ck_assert_uint_eq(empty.sum.n, 0);
	run_free(&r);
}
END_TEST

START_TEST(test_names)
{
	for (int o = OUTCOME_OK; o <= OUTCOME_NOT_RUN; o++) {
		enum outcome back;
		ck_assert_int_eq(outcome_from_name(outcome_name((enum outcome)o), &back), 0);
		ck_assert_int_eq(back, o);
	}
	ck_assert_str_eq(outcome_name(OUTCOME_TIMED_OUT), "timed_out");
	ck_assert_str_eq(outcome_name(OUTCOME_NOT_RUN), "not_run");
	enum outcome o;
	ck_assert_int_eq(outcome_from_name("OK", &o), -EINVAL);

	enum direction d;
	ck_assert_int_eq(direction_from_name("higher_is_better", &d), 0);
	ck_assert_int_eq(d, DIR_HIGHER_IS_BETTER);
	ck_assert_str_eq(direction_name(DIR_LOWER_IS_BETTER), "lower_is_better");
	ck_assert_str_eq(direction_name(DIR_NONE), "none");
	ck_assert_int_eq(direction_from_name("up", &d), -EINVAL);
}
END_TEST

Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("model");
	tcase_add_test(tc, test_find_metric);
	tcase_add_test(tc, test_merge_rounds);
	tcase_add_test(tc, test_metric_values_and_summary);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_outcomes_and_big_seed);
	tcase_add_test(tc, test_nonfinite_is_null);
	tcase_add_test(tc, test_unknown_keys_ignored);
	tcase_add_test(tc, test_new_fields_optional);
	tcase_add_test(tc, test_old_runs_load);
	tcase_add_loop_test(tc, test_bad_documents, 0,
			    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	/* The real runs are megabytes each; under ASan on a busy machine that takes seconds. */
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_test(tc, test_parse_error_has_position);
	tcase_add_loop_test(tc, test_bad_documents_from_file, 0,
			    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, test_raw_scan);
	tcase_add_test(tc, test_raw_scan_load);
	tcase_add_test(tc, test_load_missing);
	tcase_add_test(tc, test_load_capped);
	tcase_add_test(tc, test_save_load);
	tcase_add_test(tc, test_save_failures_leave_nothing);
	tcase_add_test(tc, test_modes_roundtrip);
	suite_add_tcase(s, tc);
	return s;
}
