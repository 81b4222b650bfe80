// SPDX-License-Identifier: MIT
/*
 * Tests of the renderers (report/text.c, report/json.c) on a run made by
 * hand: a fixed machine, a fixed start time and seed, one `create` result
 * with fixed raw samples, a skip and an observation, and a second result
 * that timed out. The text report is compared byte for byte with golden
 * files, plain and coloured; every plain line must fit 80 columns
 * (counted in code points: µ, ×, R² and → are one column each) and end
 * without spaces; colour codes may only frame a verdict. The JSON report
 * must parse and carry one verdict per claim, and a saved run must load
 * back and judge to the same verdicts.
 *
 * Goldens: tests/golden/report.txt and tests/golden/report-color.txt,
 * found under PTLAB_SRCDIR when the build defines it, else under the
 * current directory (the Makefile runs the tests from the repository
 * root). After a deliberate change to the report, regenerate them with
 *
 *     PTLAB_UPDATE_GOLDEN=1 make test
 *
 * (or the suite alone with PTLAB_UPDATE_GOLDEN=1), then read the diff
 * before committing it.
 */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claims/claims.h"
#include "model/json.h"
#include "model/run.h"
#include "report/report.h"
#include "cli_util.h"
#include "util/i18n.h"
#include "exp_test.h"
#include "suites.h"
#include "util/xalloc.h"

#ifndef PTLAB_SRCDIR
#define PTLAB_SRCDIR "."
#endif
#define GOLDEN_DIR PTLAB_SRCDIR "/tests/golden"

#define MIB (1024LL * 1024)
#define GIB (1024 * MIB)
#define WIDTH 80

static void add_create_metric(struct exp_result *e, const char *name, int64_t extra_bytes,
			      int64_t rss_bytes, const uint64_t *raw, size_t n, uint64_t batch)
{
	char extra[32], rss[32];
	snprintf(extra, sizeof(extra), "%lld", (long long)extra_bytes);
	snprintf(rss, sizeof(rss), "%lld", (long long)rss_bytes);
	struct mparam params[] = {
		{ .key = "extra_bytes", .str = extra, .num = extra_bytes, .is_num = true },
		{ .key = "parent_rss_bytes", .str = rss, .num = rss_bytes, .is_num = true },
		{ .key = "kind",
		  .str = strcmp(name, "pthread_create") == 0 ? "thread" : "process" },
		{ .key = "placement", .str = "same-cpu" },
	};
	struct metric m = {
		.name = (char *)name,
		.unit = "ns",
		.dir = DIR_LOWER_IS_BETTER,
		.params = params,
		.n_params = sizeof(params) / sizeof(params[0]),
		.batch = batch,
		.raw = (uint64_t *)raw,
		.n = n,
		.warmup = 2,
	};
	exp_result_add_metric(e, &m);
}

#define ADD(e, name, extra, rss, raw, batch)                                                       \
	add_create_metric(e, name, extra, rss, raw, sizeof(raw) / sizeof(raw[0]), batch)

/* The hand-made run every test renders. Nothing in it comes from this machine. */
static void make_run(struct run *r)
{
	/* Per operation: fork about 150 µs (one sample far off), pthread_create 19 µs. */
	static const uint64_t fork0[] = { 151200, 149800, 150400, 150100, 152900,
					  149500, 150800, 151700, 612000, 150200 };
	/* pthread_create is timed four at a time: raw totals of batches of 4. */
	static const uint64_t pthread0[] = { 75600, 76400, 75200, 77200, 76000,
					     74800, 76800, 76200, 75800, 76100 };
	static const uint64_t vfork0[] = { 24100, 23900, 24300, 24000, 23800, 24200, 24050 };
	/* Ten samples, what a verdict needs; the others' seven show "too few samples". */
	static const uint64_t fork1g[] = { 38100000, 38900000, 37800000, 38400000, 39200000,
					   38000000, 38600000, 38300000, 38700000, 38500000 };
	static const uint64_t fork16m[] = {
		730000, 724000, 741000, 719000, 735000, 728000, 738000
	};
	static const uint64_t pthread16m[] = { 76600, 76200, 77000, 75800, 77400, 76400, 76800 };
	static const uint64_t vfork16m[] = { 24150, 24000, 24300, 23900, 24250, 24100, 24200 };
	static const uint64_t pthread1g[] = { 76800, 75600, 77600, 76000, 76400, 75200, 77200 };
	static const uint64_t vfork1g[] = { 24200, 24000, 24400, 24100, 23900, 24300, 24150 };

	run_init(r);
	r->ptlab_version = xstrdup("0.1.0");
	r->started = xstrdup("2026-11-22T23:10:00Z");
	r->preset = xstrdup("quick");
	r->seed = 42;
	r->cpus = xstrdup("0-3");

	struct sysinfo *s = &r->env;
	snprintf(s->cpu_model, sizeof(s->cpu_model), "Test CPU 9000 @ 3.00GHz");
	s->cpus_online = 4;
	s->cpus_allowed = 4;
	s->cores = 4;
	s->packages = 1;
	s->threads_per_core = 1;
	snprintf(s->kernel, sizeof(s->kernel), "6.1.0-test");
	snprintf(s->machine, sizeof(s->machine), "x86_64");
	snprintf(s->hostname, sizeof(s->hostname), "testhost");
	s->virtualized = true;
	snprintf(s->hypervisor, sizeof(s->hypervisor), "KVM");
	s->pcid = true;
	snprintf(s->governor, sizeof(s->governor), "performance");
	snprintf(s->idle_governor, sizeof(s->idle_governor), "menu");
	snprintf(s->thp, sizeof(s->thp), "madvise");
	s->loadavg1 = 0.25;
	s->mem_total_bytes = 8 * GIB;
	s->mem_available_bytes = 6 * GIB;
	snprintf(s->glibc, sizeof(s->glibc), "2.36");
	snprintf(s->compiler, sizeof(s->compiler), "12.2.0");
	s->clock.overhead_ns = 20.5;
	s->clock.resolution_ns = 20;
	s->clock.reported_resolution_ns = 1;
	snprintf(s->clock.source, sizeof(s->clock.source), "tsc");
	snprintf(s->hypervisor_cpuid, sizeof(s->hypervisor_cpuid), "KVMKVMKVM");
	snprintf(s->hypervisor_kernel, sizeof(s->hypervisor_kernel), "KVM");
	s->invpcid = SYSINFO_YES;
	s->pti = SYSINFO_NO;
	s->null_syscall_ns = 95.5;

	struct exp_result *e = run_add_result(r, "create");
	e->exit_code = 0;
	e->duration_ns = 4250000000ull;
	exp_result_add_param(e, "extra", "1GiB", false, 0);
	exp_result_add_param(e, "samples", "15", true, 15);
	ADD(e, "fork", 0, 1800000, fork0, 1);
	ADD(e, "vfork", 0, 1800000, vfork0, 1);
	ADD(e, "pthread_create", 0, 1800000, pthread0, 4);
	ADD(e, "fork", 16 * MIB, 16 * MIB + 1800000, fork16m, 1);
	ADD(e, "vfork", 16 * MIB, 16 * MIB + 1800000, vfork16m, 1);
	ADD(e, "pthread_create", 16 * MIB, 16 * MIB + 1800000, pthread16m, 4);
	ADD(e, "fork", GIB, GIB + 1800000, fork1g, 1);
	ADD(e, "vfork", GIB, GIB + 1800000, vfork1g, 1);
	ADD(e, "pthread_create", GIB, GIB + 1800000, pthread1g, 4);
	exp_result_add_skip(e, "posix_spawn extra_bytes=0",
			    EV_TEXT("no program to execute was given"));
	exp_result_add_obs(e, "hugepages", EV_TEXT("madvise-nohuge"));

	e = run_add_result(r, "hang");
	e->outcome = OUTCOME_TIMED_OUT;
	e->exit_code = -1;
	e->signal = 9;
	e->duration_ns = 2000000000ull;
	exp_result_set_reason(e, &EV_MSG_OF("runner.deadline", ev_num(2e9, "ns")));
}

/* Renders r with its verdicts into a new string (caller frees), as o asks. */
static char *render_opts(const struct renderer *rd, const struct run *r, const struct verdict *v,
			 const struct report_opts *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(rd->render(f, r, v, o), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(strlen(buf), len);
	return buf;
}

/* Renders r with everything the text report can say: --details --figures. */
static char *render(const struct renderer *rd, const struct run *r, const struct verdict *v,
		    bool color, int width)
{
	struct report_opts o = { .color = color, .width = width, .details = true, .figures = true };
	return render_opts(rd, r, v, &o);
}

static struct verdict *judge_all(const struct run *r)
{
	struct verdict *v = xcalloc(claims_count(), sizeof(*v));
	claims_judge_all(r, v);
	return v;
}

static const struct verdict *verdict_of(const struct verdict *v, const char *id)
{
	const struct claim *c = claims_find(id);
	ck_assert_ptr_nonnull(c);
	return &v[c - claims];
}

/* The whole of a file, or NULL with errno set. Caller frees. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[4096];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, got, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* Reports the first line where two texts differ, for a readable failure. */
static void first_difference(const char *got, const char *want, char *msg, size_t size)
{
	size_t line = 1, i = 0;
	while (got[i] && got[i] == want[i]) {
		if (got[i] == '\n')
			line++;
		i++;
	}
	size_t start = i;
	while (start > 0 && got[start - 1] != '\n')
		start--;
	int glen = (int)strcspn(got + start, "\n"), wlen = (int)strcspn(want + start, "\n");
	snprintf(msg, size, "line %zu differs:\n got: %.*s\nwant: %.*s", line, glen, got + start,
		 wlen, want + start);
}

/*
 * Compares text with the golden file `name`, or writes it there when
 * PTLAB_UPDATE_GOLDEN=1.
 */
static void check_golden(const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", GOLDEN_DIR, name);
	const char *update = getenv("PTLAB_UPDATE_GOLDEN");
	if (update && strcmp(update, "1") == 0) {
		FILE *f = fopen(path, "wb");
		ck_assert_msg(f != NULL, "cannot write %s: %s", path, strerror(errno));
		fputs(text, f);
		ck_assert_int_eq(fclose(f), 0);
		return;
	}
	char *want = slurp(path);
	ck_assert_msg(want != NULL,
		      "cannot read %s: %s (run from the repository root, or set "
		      "PTLAB_UPDATE_GOLDEN=1 to create it)",
		      path, strerror(errno));
	if (strcmp(text, want) != 0) {
		char msg[1024];
		first_difference(text, want, msg, sizeof(msg));
		free(want);
		ck_abort_msg("%s does not match the report (PTLAB_UPDATE_GOLDEN=1 "
			     "regenerates it): %s",
			     path, msg);
	}
	free(want);
}

/* Columns of a UTF-8 line: one per code point. */
static size_t columns(const char *s, size_t bytes)
{
	size_t w = 0;
	for (size_t i = 0; i < bytes; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

/* Every line fits width columns, ends without spaces, and holds no escape. */
static void check_lines(const char *text, size_t width)
{
	size_t line = 1;
	for (const char *p = text; *p; line++) {
		size_t len = strcspn(p, "\n");
		ck_assert_msg(columns(p, len) <= width, "line %zu is %zu columns: %.*s", line,
			      columns(p, len), (int)len, p);
		ck_assert_msg(len == 0 || p[len - 1] != ' ', "line %zu ends in a space: %.*s", line,
			      (int)len, p);
		ck_assert_msg(memchr(p, '\033', len) == NULL, "line %zu holds an escape", line);
		p += len;
		if (*p == '\n')
			p++;
	}
	ck_assert_msg(text[0] && text[strlen(text) - 1] == '\n',
		      "the report ends without a newline");
}

/* Is s the start of a verdict cell: a status label? */
static bool starts_with_label(const char *s)
{
	for (int st = V_NOT_MEASURED; st <= V_NOT_OBSERVED; st++) {
		const char *label = verdict_status_label((enum verdict_status)st);
		if (strncmp(s, label, strlen(label)) == 0)
			return true;
	}
	return false;
}

/*
 * Checks that every colour code opens right before a verdict label and is
 * closed by a reset on the same line, and returns the text without codes
 * (caller frees).
 */
static char *strip_colors(const char *text)
{
	char *plain = xcalloc(strlen(text) + 1, 1);
	size_t out = 0, opened = 0;
	bool open = false;
	for (size_t i = 0; text[i];) {
		if (text[i] != '\033') {
			ck_assert_msg(!(open && text[i] == '\n'), "a colour runs past a line end");
			plain[out++] = text[i++];
			continue;
		}
		ck_assert_msg(text[i + 1] == '[', "an escape that is not a colour code");
		size_t end = i + 2;
		while (text[end] && text[end] != 'm')
			end++;
		ck_assert_msg(text[end] == 'm', "an unterminated colour code");
		bool reset = end == i + 3 && text[i + 2] == '0';
		if (reset) {
			ck_assert_msg(open, "a reset without a colour");
			open = false;
		} else {
			ck_assert_msg(!open, "a colour inside a colour");
			ck_assert_msg(starts_with_label(text + end + 1),
				      "a colour around something other than a verdict: %.20s",
				      text + end + 1);
			open = true;
			opened++;
		}
		i = end + 1;
	}
	ck_assert_msg(!open, "a colour left open at the end");
	ck_assert_uint_gt(opened, 0);
	return plain;
}

START_TEST(test_text_golden)
{
	struct run r;
	make_run(&r);
	struct verdict *v = judge_all(&r);
	/* What the golden shows, said in words. */
	ck_assert_int_eq(verdict_of(v, "create.cost")->status, V_HOLDS);
	ck_assert_int_eq(verdict_of(v, "create.memory")->status, V_HOLDS);
	ck_assert_int_eq(verdict_of(v, "switch.cost")->status, V_NO_DATA);
	ck_assert_int_eq(verdict_of(v, "app.server")->status, V_NO_DATA);

	char *text = render(&render_text, &r, v, false, WIDTH);
	check_lines(text, WIDTH);
	ck_assert_ptr_nonnull(strstr(text, "Experiment hang: timed out"));
	ck_assert_ptr_nonnull(strstr(text, "killed after its deadline of 2.00 s"));
	ck_assert_ptr_nonnull(strstr(text, "no program to execute was given"));
	ck_assert_ptr_nonnull(strstr(text, "madvise-nohuge"));
	check_golden("report.txt", text);

	/* A width below the table's own falls back to the table's. */
	char *narrow = render(&render_text, &r, v, false, 0);
	ck_assert_str_eq(narrow, text);
	free(narrow);
	free(text);
	free(v);
	run_free(&r);
}
END_TEST

START_TEST(test_text_color)
{
	struct run r;
	make_run(&r);
	struct verdict *v = judge_all(&r);
	char *plain = render(&render_text, &r, v, false, WIDTH);
	char *color = render(&render_text, &r, v, true, WIDTH);
	check_golden("report-color.txt", color);
	/* Colour adds codes around verdicts and changes nothing else. */
	char *stripped = strip_colors(color);
	ck_assert_str_eq(stripped, plain);
	free(stripped);
	free(color);
	free(plain);
	free(v);
	run_free(&r);
}
END_TEST

/* A run whose only experiment died: every verdict says why it has no data. */
START_TEST(test_text_no_data)
{
	struct run r;
	make_run(&r);
	struct exp_result *e = &r.results[0];
	for (size_t i = 0; i < e->n_metrics; i++)
		metric_free(&e->metrics[i]);
	e->n_metrics = 0;
	e->outcome = OUTCOME_CRASHED;
	e->signal = 11;
	e->exit_code = -1;
	exp_result_set_reason(e, &EV_MSG_OF("runner.killed", ev_signal(11)));
	struct verdict *v = judge_all(&r);
	ck_assert_int_eq(verdict_of(v, "create.cost")->status, V_NO_DATA);
	char *text = render(&render_text, &r, v, false, WIDTH);
	check_lines(text, WIDTH);
	ck_assert_ptr_nonnull(strstr(text, "Experiment create: crashed"));
	ck_assert_ptr_nonnull(strstr(text, "Reason: the create experiment"));
	ck_assert_ptr_nonnull(strstr(text, verdict_status_label(V_NO_DATA)));
	free(text);
	free(v);
	run_free(&r);
}
END_TEST

/* One figure of a hand-made server result: a model, a load when given, batch 1. */
static void add_server_metric(struct exp_result *e, const char *name, const char *unit,
			      const char *model, const char *load, uint64_t base)
{
	uint64_t raw[5];
	for (size_t i = 0; i < 5; i++)
		raw[i] = base + base / 100 * i; /* 1% steps: the median is base + 2% */
	struct mparam params[] = {
		{ .key = "model", .str = (char *)model },
		{ .key = "load", .str = (char *)load },
		{ .key = "work_us", .str = "0", .num = 0, .is_num = true },
	};
	struct metric m = {
		.name = (char *)name,
		.unit = (char *)unit,
		.dir = DIR_LOWER_IS_BETTER,
		.params = params,
		.n_params = load ? 3 : 1,
		.batch = 1,
		.raw = raw,
		.n = 5,
	};
	exp_result_add_metric(e, &m);
}

/*
 * A nuanced claim whose parts are not times: each part prints its own
 * unit (requests/s, bytes, requests), the seeds' table shows the first
 * part's process and thread figures, and the observations named as
 * evidence follow the parts.
 */
START_TEST(test_text_server_parts)
{
	struct run r;
	make_run(&r);
	struct exp_result *e = run_add_result(&r, "server");
	e->duration_ns = 14000000000ull;
	static const char *const models[] = { "process_per_connection", "prefork",
					      "thread_per_connection", "thread_pool",
					      "event_loop" };
	for (size_t i = 0; i < 5; i++) {
		bool threads = i >= 2;
		add_server_metric(e, "throughput", "requests/s", models[i], "keepalive",
				  threads ? 128000 : 106000);
		add_server_metric(e, "throughput", "requests/s", models[i], "churn",
				  threads ? 28000 : 3300);
		add_server_metric(e, "latency", "ns", models[i], "keepalive",
				  threads ? 60000 : 70000);
		add_server_metric(e, "server_pss", "bytes", models[i], "keepalive",
				  threads ? 500 * 1024 : 1400 * 1024);
		char name[64];
		snprintf(name, sizeof(name), "isolation model=%s", models[i]);
		exp_result_add_obs(e, name,
				   &EV_MSG_OF("server.isolation", ev_word(threads ? "no" : "yes"),
					      ev_count(threads ? 449 : 0), ev_num(40e6, "ns")));
		snprintf(name, sizeof(name), "poison model=%s", models[i]);
		exp_result_add_obs(e, name,
				   EV_TEXT(threads ? "the server lived through 0 of 3 crashes"
						   : "the server lived through 3 of 3 crashes"));
	}
	struct verdict *v = judge_all(&r);
	const struct verdict *app = verdict_of(v, "app.server");
	ck_assert_uint_eq(app->n_lines, 10);
	ck_assert_uint_eq(app->n_questions, 2);
	ck_assert_int_eq(app->questions[1].status, V_OBSERVED);
	ck_assert_str_eq(app->a.unit, "bytes");
	char *text = render(&render_text, &r, v, false, WIDTH);
	check_lines(text, WIDTH);
	/* The table: what both cells compare above them, each its own model. */
	ck_assert_ptr_nonnull(strstr(text, "  app.server         server_pss, keep-alive"));
	ck_assert_ptr_nonnull(strstr(text, "prefork "));
	ck_assert_ptr_nonnull(strstr(text, "thread pool "));
	ck_assert_ptr_nonnull(strstr(text, "131k requests/s against 108k"));
	ck_assert_ptr_nonnull(strstr(text, "28.6k requests/s against 3.37k"));
	ck_assert_ptr_nonnull(strstr(text, "MiB against 510 KiB"));
	/* Isolation per model, a fact; each question with its own verdict. */
	ck_assert_ptr_null(strstr(text, "requests against 1 requests"));
	ck_assert_ptr_nonnull(strstr(text, "(isolation) prefork: did the server survive"));
	ck_assert_ptr_nonnull(strstr(text, "expected no: observed"));
	ck_assert_ptr_nonnull(strstr(text, "(isolation) a crash stays in its process: observed"));
	ck_assert_ptr_nonnull(strstr(text, "(efficiency) threads serve with less:"));
	ck_assert_ptr_nonnull(strstr(text, "poison model=prefork: the server lived through 3"));
	ck_assert_ptr_nonnull(strstr(text, "poison model=event_loop: the server lived through 0"));
	free(text);
	free(v);
	run_free(&r);
}
END_TEST

/* A figure whose rounds disagree says so, under the figure, within the width. */
START_TEST(test_text_round_drift)
{
	struct run r;
	make_run(&r);
	struct exp_result *e = &r.results[0];
	struct metric *m = &e->metrics[0]; /* fork with no extra memory */
	ck_assert_uint_ge(m->n, 4);
	/* Two rounds; the second one's samples made 30% slower. */
	size_t half = m->n / 2;
	free(m->rounds);
	m->rounds = malloc(2 * sizeof(*m->rounds));
	m->rounds[0] = half;
	m->rounds[1] = m->n - half;
	m->n_rounds = 2;
	for (size_t i = half; i < m->n; i++)
		m->raw[i] = m->raw[i] * 13 / 10;
	metric_summarize(m);
	ck_assert(m->round_spread > 1.2);
	struct verdict *v = judge_all(&r);
	char *text = render(&render_text, &r, v, false, WIDTH);
	check_lines(text, WIDTH);
	ck_assert_ptr_nonnull(strstr(text, "its rounds differ by ×1."));
	free(text);
	free(v);
	run_free(&r);
}
END_TEST

/* The "verdicts" array of a JSON document against the verdicts it came from. */
static void check_verdicts_json(const json_t *root, const struct verdict *v)
{
	const json_t *a = json_object_get(root, "verdicts");
	ck_assert_msg(json_is_array(a), "no verdicts array");
	ck_assert_uint_eq(json_array_size(a), claims_count());
	ck_assert_uint_eq(json_array_size(a), 26);
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *o = json_array_get(a, i);
		ck_assert_str_eq(json_string_value(json_object_get(o, "claim")), claims[i].id);
		ck_assert_str_eq(json_string_value(json_object_get(o, "status")),
				 verdict_status_name(v[i].status));
		ck_assert_str_eq(json_string_value(json_object_get(o, "kind")),
				 claim_kind_name(claims[i].kind));
	}
}

START_TEST(test_json_render)
{
	struct run r;
	make_run(&r);
	struct verdict *v = judge_all(&r);
	char *text = render(&render_json, &r, v, false, WIDTH);
	json_error_t jerr;
	json_t *root = json_loads(text, 0, &jerr);
	ck_assert_msg(root != NULL, "the JSON report does not parse: %d:%d: %s", jerr.line,
		      jerr.column, jerr.text);
	check_verdicts_json(root, v);

	/* The ratio verdict carries its numbers; the trend its lines. */
	const json_t *verdicts = json_object_get(root, "verdicts");
	const struct claim *cost = claims_find("create.cost");
	const json_t *jc = json_array_get(verdicts, (size_t)(cost - claims));
	const json_t *ratio = json_object_get(jc, "ratio");
	ck_assert(json_is_number(json_object_get(ratio, "value")));
	ck_assert_double_eq(json_number_value(json_object_get(ratio, "value")),
			    verdict_of(v, "create.cost")->ratio.ratio);
	ck_assert_uint_eq(json_array_size(json_object_get(ratio, "ci95")), 2);
	ck_assert_str_eq(
		json_string_value(json_object_get(json_object_get(jc, "process"), "metric")),
		"fork");
	const struct claim *mem = claims_find("create.memory");
	const json_t *jm = json_array_get(verdicts, (size_t)(mem - claims));
	ck_assert_uint_eq(json_array_size(json_object_get(jm, "lines")),
			  verdict_of(v, "create.memory")->n_lines);
	/* A claim without data says no more than its status. */
	const json_t *js = json_array_get(verdicts, (size_t)(claims_find("switch.cost") - claims));
	ck_assert_ptr_null(json_object_get(js, "ratio"));

	/* Every raw sample is there, exact; the timed-out experiment too. */
	const json_t *exps = json_object_get(root, "experiments");
	ck_assert_uint_eq(json_array_size(exps), 2);
	const json_t *fork0 =
		json_array_get(json_object_get(json_array_get(exps, 0), "metrics"), 0);
	const json_t *raw = json_object_get(fork0, "raw");
	ck_assert_uint_eq(json_array_size(raw), 10);
	ck_assert_int_eq(json_integer_value(json_array_get(raw, 8)), 612000);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(exps, 1), "outcome")),
			 "timed_out");
	json_decref(root);
	free(text);
	free(v);
	run_free(&r);
}
END_TEST

START_TEST(test_json_round_trip)
{
	char dir[] = "/tmp/ptlab-report-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/run.json", dir);

	struct run r;
	make_run(&r);
	struct verdict *v = judge_all(&r);
	ck_assert_int_eq(report_save(path, &render_json, &r, v, &(struct report_opts){ 0 }, NULL),
			 0);

	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	ck_assert_msg(root != NULL, "%s: %s", path, jerr.text);
	check_verdicts_json(root, v);
	json_decref(root);

	struct run back;
	char err[256] = "";
	run_init(&back);
	ck_assert_msg(run_load(path, &back, err, sizeof(err)) == 0, "run_load: %s", err);
	ck_assert_uint_eq(back.seed, r.seed);
	ck_assert_uint_eq(back.n_results, 2);
	struct verdict *again = judge_all(&back);
	for (size_t i = 0; i < claims_count(); i++) {
		ck_assert_msg(again[i].status == v[i].status, "%s: %s, then %s", claims[i].id,
			      verdict_status_name(v[i].status),
			      verdict_status_name(again[i].status));
		ck_assert_int_eq(memcmp(&again[i].ratio, &v[i].ratio, sizeof(v[i].ratio)), 0);
		ck_assert_str_eq(again[i].reason, v[i].reason);
	}
	/* Judged again, the saved run reads exactly as the original. */
	char *t1 = render(&render_text, &r, v, false, WIDTH);
	char *t2 = render(&render_text, &back, again, false, WIDTH);
	ck_assert_str_eq(t2, t1);
	free(t1);
	free(t2);

	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
	free(again);
	free(v);
	run_free(&back);
	run_free(&r);
}
END_TEST

/* A figure of 11 samples about base with the conditions given as "key=value" (numbers numeric). */
static void add_fig(struct exp_result *e, const char *name, double base, const char *const *conds)
{
	struct mparam p[4];
	char keys[4][32], vals[4][32];
	size_t np = 0;
	for (; *conds && np < 4; conds++, np++) {
		const char *eq = strchr(*conds, '=');
		snprintf(keys[np], sizeof(keys[np]), "%.*s", (int)(eq - *conds), *conds);
		snprintf(vals[np], sizeof(vals[np]), "%s", eq + 1);
		char *end;
		long long num = strtoll(eq + 1, &end, 10);
		p[np] = (struct mparam){ .key = keys[np],
					 .str = vals[np],
					 .num = num,
					 .is_num = end != eq + 1 && *end == '\0' };
	}
	uint64_t raw[11];
	for (size_t k = 0; k < 11; k++)
		raw[k] = (uint64_t)(base * (0.99 + 0.002 * (double)k));
	struct metric m = { .name = (char *)name,
			    .unit = "ns",
			    .dir = DIR_LOWER_IS_BETTER,
			    .params = p,
			    .n_params = np,
			    .batch = 1,
			    .raw = raw,
			    .n = 11 };
	exp_result_add_metric(e, &m);
}
#define FIG(e, name, base, ...) add_fig(e, name, base, (const char *const[]){ __VA_ARGS__, NULL })

/* switch.tlb's gap trend and par.speedup's speed-ups, in text and JSON. */
START_TEST(test_gap_and_speedup_render)
{
	struct run r;
	run_init(&r);
	r.seed = 5;
	struct exp_result *e = run_add_result(&r, "switch");
	static const char *const ws[3] = { "working_set_bytes=0", "working_set_bytes=1048576",
					   "working_set_bytes=4194304" };
	static const double p[3] = { 12000, 20000, 30000 }, t[3] = { 6000, 14000, 24000 };
	for (size_t i = 0; i < 3; i++) {
		FIG(e, "futex", p[i], ws[i], "kind=process", "placement=same-cpu");
		FIG(e, "futex", t[i], ws[i], "kind=thread", "placement=same-cpu");
		FIG(e, "alone", 10 + 1000 * (double)i, ws[i]);
	}
	e = run_add_result(&r, "parallel");
	FIG(e, "cpu_work", 60e6, "kind=process", "units=1", "fill=partial");
	FIG(e, "cpu_work", 31e6, "kind=process", "units=2", "fill=ncpu");
	FIG(e, "cpu_work", 60e6, "kind=thread", "units=1", "fill=partial");
	FIG(e, "cpu_work", 30e6, "kind=thread", "units=2", "fill=ncpu");
	struct verdict *v = judge_all(&r);
	ck_assert_int_eq(verdict_of(v, "switch.tlb")->status, V_NEGLIGIBLE);
	ck_assert_int_eq(verdict_of(v, "par.speedup")->status, V_OBSERVED);

	char *text = render(&render_text, &r, v, false, WIDTH);
	check_lines(text, WIDTH);
	ck_assert_ptr_nonnull(strstr(text, "(the fixed switch gap)"));
	ck_assert_ptr_nonnull(strstr(text, "flat within ×1.10"));
	const struct verdict *tv = verdict_of(v, "switch.tlb");
	bool flat = false;
	for (size_t i = 0; i < tv->n_mechanisms; i++)
		flat = flat || strcmp(tv->mechanisms[i].m->id, "switch.tlb.gap_flat") == 0;
	ck_assert(flat);
	ck_assert_ptr_nonnull(strstr(text, "process: speed-up ×1.94"));
	ck_assert_ptr_nonnull(strstr(text, "(ideal ×2;"));
	ck_assert_ptr_nonnull(strstr(text, "context, not judged"));
	/* The speed-up claim's own status is not a process/thread ratio. */
	ck_assert_ptr_null(strstr(text, "observed ×"));
	free(text);

	text = render(&render_json, &r, v, false, WIDTH);
	json_t *root = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(root);
	check_verdicts_json(root, v);
	const json_t *verdicts = json_object_get(root, "verdicts");
	const json_t *tlb = json_array_get(verdicts, (size_t)(claims_find("switch.tlb") - claims));
	const json_t *gap = json_object_get(tlb, "gap");
	ck_assert_ptr_nonnull(gap);
	ck_assert_int_eq(json_integer_value(json_object_get(gap, "sizes")), 3);
	ck_assert_double_eq_tol(json_number_value(json_object_get(gap, "fixed_ns")), 6000, 1);
	ck_assert_uint_eq(json_array_size(json_object_get(gap, "slope_ci95")), 2);
	ck_assert_ptr_nonnull(json_object_get(json_object_get(tlb, "ratio"), "ci95"));
	const json_t *line = json_array_get(json_object_get(tlb, "lines"), 2);
	ck_assert_double_eq(json_number_value(json_object_get(line, "at")), 4194304);
	const json_t *sp = json_array_get(verdicts, (size_t)(claims_find("par.speedup") - claims));
	const json_t *pl = json_array_get(json_object_get(sp, "lines"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(pl, "kind")), "process");
	ck_assert_double_eq(json_number_value(json_object_get(pl, "ideal")), 2);
	ck_assert_str_eq(json_string_value(json_object_get(pl, "status")), "observed");
	ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(pl, "speedup"), "ci95")),
			  2);
	json_decref(root);
	free(text);

	text = render(&render_html, &r, v, false, WIDTH);
	ck_assert_ptr_nonnull(strstr(text, "(the fixed switch gap)"));
	ck_assert_ptr_nonnull(strstr(text, "thread: speed-up ×2.00"));
	free(text);
	free(v);
	run_free(&r);
}
END_TEST

/* Lines of a text. */
static size_t count_lines(const char *text)
{
	size_t n = 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

/* Every claim of the catalogue is named in text. */
static void check_all_claims(const char *text, const char *what)
{
	for (const struct claim *c = claims; c->id; c++)
		ck_assert_msg(strstr(text, c->id), "%s: %s is missing", what, c->id);
}

/*
 * The default report is one screen: the machine, the table with all 26
 * claims, the legend and where to go next, in at most 80 lines of 80
 * columns; the details and figures only when asked.
 */
START_TEST(test_text_concise)
{
	struct run r;
	make_run(&r);
	struct verdict *v = judge_all(&r);
	struct report_opts o = { .width = WIDTH };
	char *text = render_opts(&render_text, &r, v, &o);
	check_lines(text, WIDTH);
	ck_assert_uint_le(count_lines(text), 80);
	check_all_claims(text, "concise");
	ck_assert_ptr_nonnull(strstr(text, "Verdicts: holds"));
	ck_assert_ptr_nonnull(strstr(text, "--details"));
	ck_assert_ptr_nonnull(strstr(text, "the seeds: five short texts"));
	ck_assert_ptr_null(strstr(text, "Experiment hang"));
	ck_assert_ptr_null(strstr(text, "Why:"));
	check_golden("report-short.txt", text);
	/* A ranking's fastest and slowest are never under Process and Thread. */
	free(text);

	/* --details adds the blocks, --figures every figure, each alone. */
	o.details = true;
	text = render_opts(&render_text, &r, v, &o);
	ck_assert_ptr_nonnull(strstr(text, "Why:"));
	ck_assert_ptr_null(strstr(text, "Experiment hang"));
	free(text);
	o.details = false;
	o.figures = true;
	text = render_opts(&render_text, &r, v, &o);
	ck_assert_ptr_null(strstr(text, "Why:"));
	ck_assert_ptr_nonnull(strstr(text, "Experiment hang: timed out"));
	free(text);

	/* A wider terminal: the table takes its width, and no more. */
	o = (struct report_opts){ .width = 120 };
	text = render_opts(&render_text, &r, v, &o);
	check_lines(text, 120);
	size_t widest = 0;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		size_t cols = 0;
		for (size_t i = 0; i < len; i++)
			cols += ((unsigned char)p[i] & 0xc0) != 0x80;
		widest = cols > widest ? cols : widest;
		p += len + (p[len] == '\n');
	}
	ck_assert_uint_gt(widest, 80);
	free(text);
	free(v);
	run_free(&r);
}
END_TEST

/* The Markdown report: the golden of the hand-made run, a row per claim. */
START_TEST(test_markdown_golden)
{
	struct run r;
	make_run(&r);
	/* A ranking: sync.cost's primitives, uncontended. */
	struct exp_result *e = run_add_result(&r, "sync");
	FIG(e, "atomic_add", 5, "kind=thread", "contenders=1");
	FIG(e, "mutex", 20, "kind=thread", "contenders=1");
	FIG(e, "sysv_sem", 2000, "kind=thread", "contenders=1");
	struct verdict *v = judge_all(&r);
	ck_assert_int_eq(verdict_of(v, "sync.cost")->status, V_HOLDS);
	char *md = render(&render_markdown, &r, v, false, WIDTH);
	check_all_claims(md, "markdown");
	size_t rows = 0;
	for (const char *p = md; (p = strstr(p, "` | ")); p++)
		rows++;
	/* A row per claim in the table, and one in the rankings' own. */
	ck_assert_uint_eq(rows, claims_count() + 1);
	ck_assert_ptr_nonnull(strstr(md, "| `sync.cost` | threads, uncontended | atomic_add"));
	ck_assert_ptr_nonnull(strstr(md, "|---|---|---|---|---|---|"));
	check_golden("report.md", md);
	free(md);
	free(v);
	run_free(&r);
}
END_TEST

/* A real run, in each language: one screen of at most 80 lines, every claim named. */
static void check_real_screen(const char *name, const char *json, void *arg)
{
	(void)arg;
	char err[512];
	struct run r;
	run_init(&r);
	ck_assert_msg(run_load(json, &r, err, sizeof(err)) == 0, "%s: %s", name, err);
	static const char *const langs[] = { "en", "id" };
	for (size_t l = 0; l < 2; l++) {
		i18n_init(langs[l], NULL, 0);
		bindtextdomain("ptlab", PTLAB_SRCDIR "/build/locale");
		struct verdict *v = judge_all(&r);
		struct report_opts o = { .width = WIDTH };
		char *text = render_opts(&render_text, &r, v, &o);
		char what[256];
		snprintf(what, sizeof(what), "%s (%s)", name, langs[l]);
		check_lines(text, WIDTH);
		ck_assert_msg(count_lines(text) <= 80, "%s: %zu lines", what, count_lines(text));
		check_all_claims(text, what);
		free(text);
		free(v);
	}
	i18n_init("en", NULL, 0);
	run_free(&r);
}

START_TEST(test_real_runs_one_screen)
{
	int seen = cli_each_real_run(check_real_screen, NULL);
	if (seen < 0) {
		fprintf(stderr, "note: report: no xz to unpack the real runs: not checked\n");
		return;
	}
	ck_assert_int_gt(seen, 0);
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("text");
	tcase_add_test(tc, test_text_golden);
	tcase_add_test(tc, test_text_color);
	tcase_add_test(tc, test_text_no_data);
	tcase_add_test(tc, test_text_round_drift);
	tcase_add_test(tc, test_text_server_parts);
	tcase_add_test(tc, test_text_concise);
	tcase_add_test(tc, test_markdown_golden);
	suite_add_tcase(s, tc);
	tc = tcase_create("real");
	tcase_add_test(tc, test_real_runs_one_screen);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	tc = tcase_create("json");
	tcase_add_test(tc, test_json_render);
	tcase_add_test(tc, test_gap_and_speedup_render);
	tcase_add_test(tc, test_json_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
