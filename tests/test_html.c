// SPDX-License-Identifier: MIT
/*
 * Tests of the HTML report (report/html.c, report/html_charts.c and the
 * embedded shell) on a run made by hand: `create` at two sizes, a pair of
 * `switch` figures with a working set, a `server` result with the
 * observations its charts read, and a `sync` that timed out. The page is
 * checked for its structure rather than byte for byte (the charts'
 * geometry belongs to svg.c): it is one document that nests properly, it
 * refers to nothing outside itself, every chart the data allows is there
 * once and no other, every SVG is well-formed XML, the seeds' table has a
 * row per claim, and the embedded JSON is the run with its verdicts.
 *
 * When chromium is on PATH, a real browser opens the page headless: no
 * console error, a screenshot, and every chart and the legend in the DOM
 * it built; then, in a 390-pixel frame, a copy of the page with a script
 * of the test's measures itself: no sideways scrolling, the legend's
 * badges, and chart text of 11 CSS pixels or more. Without chromium that
 * test passes with a note on stderr.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "claims/claims.h"
#include "model/json.h"
#include "model/run.h"
#include "report/html.h"
#include "report/report.h"
#include "exp_test.h"
#include "suites.h"
#include "util/xalloc.h"

#ifndef PTLAB_SRCDIR
#define PTLAB_SRCDIR "."
#endif

Suite *html_suite(void);

/* The shell as embedded (report/html_template.c). */
extern const char ptlab_html_template[];
extern const size_t ptlab_html_template_size;

#define MIB (1024LL * 1024)
#define GIB (1024 * MIB)
#define N_SAMPLES 11 /* a verdict needs CLAIM_VERDICT_SAMPLES */
#define DATA_OPEN "<script type=\"application/json\" id=\"ptlab-data\">"
#define BROWSER_LIMIT_S 60

static const char *const expected_charts[] = {
	"create-methods",    "create-memory",  "switch-placement", "switch-working-set",
	"server-throughput", "server-latency", "server-timeline",  NULL,
};
/* Their experiments are absent or empty: no chart, and no word about it. */
static const char *const absent_charts[] = {
	"ipc-latency",	     "ipc-bandwidth",	  "memory-per-unit",   "sync-cost-thread",
	"sync-cost-process", "parallel-cpu-work", "parallel-mem-work", NULL,
};
static const char nasty[] = "a </script> <!-- & \"quoted\" 'single' <b>bold</b> -->";

/*
 * Adds a figure whose conditions are "key=value" strings (a value that is
 * an integer is numeric too) and whose N_SAMPLES samples of one operation
 * lie close to base.
 */
static void add_figure(struct exp_result *e, const char *name, const char *unit, double base,
		       const char *const *conds)
{
	struct mparam p[8];
	char keys[8][32], vals[8][64];
	size_t np = 0;
	for (; *conds && np < 8; conds++, np++) {
		const char *eq = strchr(*conds, '=');
		ck_assert_ptr_nonnull(eq);
		snprintf(keys[np], sizeof(keys[np]), "%.*s", (int)(eq - *conds), *conds);
		snprintf(vals[np], sizeof(vals[np]), "%s", eq + 1);
		char *end;
		long long v = strtoll(eq + 1, &end, 10);
		p[np] = (struct mparam){ .key = keys[np],
					 .str = vals[np],
					 .num = v,
					 .is_num = end != eq + 1 && *end == '\0' };
	}
	uint64_t raw[N_SAMPLES];
	for (size_t i = 0; i < N_SAMPLES; i++)
		raw[i] = (uint64_t)(base * (1.0 + 0.002 * (double)((i * 5) % N_SAMPLES)));
	struct metric m = { .name = (char *)name,
			    .unit = (char *)unit,
			    .dir = strcmp(unit, "ns") == 0 ? DIR_LOWER_IS_BETTER
							   : DIR_HIGHER_IS_BETTER,
			    .params = p,
			    .n_params = np,
			    .batch = 1,
			    .raw = raw,
			    .n = N_SAMPLES };
	ck_assert_ptr_nonnull(exp_result_add_metric(e, &m));
}

#define FIG(e, name, unit, base, ...)                                                              \
	add_figure(e, name, unit, base, (const char *const[]){ __VA_ARGS__, NULL })

static void add_create(struct exp_result *e, const char *extra, const char *rss, double scale)
{
	char x[48], r[48];
	snprintf(x, sizeof(x), "extra_bytes=%s", extra);
	snprintf(r, sizeof(r), "parent_rss_bytes=%s", rss);
	FIG(e, "fork", "ns", 150000 * scale, x, r, "kind=process", "placement=same-cpu");
	FIG(e, "vfork", "ns", 24000, x, r, "kind=process", "placement=same-cpu");
	FIG(e, "pthread_create", "ns", 19000, x, r, "kind=thread", "placement=same-cpu");
}

/* The hand-made run: nothing in it comes from this machine. */
static void make_run(struct run *r, bool noisy)
{
	run_init(r);
	r->ptlab_version = xstrdup("0.1.0");
	r->started = xstrdup("2026-11-22T23:10:00Z");
	r->preset = xstrdup("quick");
	r->seed = 42;
	r->cpus = xstrdup("0-3");
	struct sysinfo *s = &r->env;
	snprintf(s->cpu_model, sizeof(s->cpu_model), "Test CPU <9000> & co");
	s->cpus_online = s->cpus_allowed = s->cores = 4;
	s->packages = s->threads_per_core = 1;
	snprintf(s->kernel, sizeof(s->kernel), "6.1.0-test");
	snprintf(s->machine, sizeof(s->machine), "x86_64");
	snprintf(s->hostname, sizeof(s->hostname), "testhost");
	s->virtualized = true;
	snprintf(s->hypervisor, sizeof(s->hypervisor), "KVM");
	snprintf(s->thp, sizeof(s->thp), "madvise");
	s->loadavg1 = noisy ? 3.5 : 0.25;
	s->mem_total_bytes = 8 * GIB;
	s->mem_available_bytes = 6 * GIB;
	snprintf(s->glibc, sizeof(s->glibc), "2.36");
	s->clock.overhead_ns = 20.5;
	s->clock.resolution_ns = 20;
	snprintf(s->clock.source, sizeof(s->clock.source), "tsc");
	/* The machine facts: a PVM guest that shows bhyve's CPUID signature. */
	snprintf(s->hypervisor_cpuid, sizeof(s->hypervisor_cpuid), "bhyve bhyve ");
	snprintf(s->hypervisor_kernel, sizeof(s->hypervisor_kernel), "PVM");
	s->invpcid = SYSINFO_NO;
	s->pti = SYSINFO_YES;
	s->null_syscall_ns = 812.5;
	s->tlb_entries = 3072;
	s->n_caches = 2;
	s->caches[0] = (struct sysinfo_cache){ 1, "Data", 48 * 1024 };
	s->caches[1] = (struct sysinfo_cache){ 3, "Unified", 32 * MIB };
	s->n_vulns = 2;
	snprintf(s->vulns[0].name, sizeof(s->vulns[0].name), "meltdown");
	snprintf(s->vulns[0].text, sizeof(s->vulns[0].text), "Mitigation: PTI");
	snprintf(s->vulns[1].name, sizeof(s->vulns[1].name), "spectre_v2");
	snprintf(s->vulns[1].text, sizeof(s->vulns[1].text), "Mitigation: <Retpolines> & IBPB");

	struct exp_result *e = run_add_result(r, "create");
	e->duration_ns = 4250000000ull;
	exp_result_add_param(e, "extra", "16MiB", false, 0);
	add_create(e, "0", "1800000", 1);
	add_create(e, "16777216", "18577216", 4.8);
	exp_result_add_skip(e, "posix_spawn extra_bytes=0",
			    EV_TEXT("no program to execute was given"));

	e = run_add_result(r, "switch");
	e->duration_ns = 2000000000ull;
	FIG(e, "futex", "ns", 4400, "working_set_bytes=0", "kind=process", "placement=same-cpu");
	FIG(e, "futex", "ns", 4200, "working_set_bytes=0", "kind=thread", "placement=same-cpu");
	FIG(e, "futex", "ns", 9000, "working_set_bytes=16384", "kind=process",
	    "placement=same-cpu");
	FIG(e, "futex", "ns", 8800, "working_set_bytes=16384", "kind=thread", "placement=same-cpu");
	FIG(e, "alone", "ns", 300, "working_set_bytes=0");
	FIG(e, "alone", "ns", 4000, "working_set_bytes=16384");

	e = run_add_result(r, "server");
	e->duration_ns = 9000000000ull;
	static const char *const models[] = { "prefork", "thread_pool" };
	static const int64_t ok[2][7] = { { 30, 30, 30, 30, 30, 30, 0 },
					  { 30, 30, 30, 30, 30, 2, 0 } };
	static const int64_t failed[2][7] = { { 0, 0, 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0, 28, 30 } };
	for (size_t i = 0; i < 2; i++) {
		char m[64], name[128];
		snprintf(m, sizeof(m), "model=%s", models[i]);
		FIG(e, "throughput", "requests/s", 100000 + 20000 * (double)i, m, "load=keepalive",
		    "work_us=0");
		FIG(e, "throughput", "requests/s", 3000 + 20000 * (double)i, m, "load=churn",
		    "work_us=0");
		snprintf(name, sizeof(name), "latency_percentiles %s load=keepalive work_us=0", m);
		exp_result_add_obs(e, name,
				   &EV_MSG_OF("server.percentiles", ev_num(67583, "ns"),
					      ev_num(108543, "ns"), ev_num(208895, "ns"),
					      ev_num(1769471, "ns"), ev_num(37315271, "ns"),
					      ev_count(41547)));
		snprintf(name, sizeof(name), "timeline %s", m);
		exp_result_add_obs(e, name,
				   &EV_MSG_OF("server.timeline", ev_num(15000000, "ns"),
					      ev_num(76000000, "ns"), ev_list(ok[i], 7),
					      ev_list(failed[i], 7)));
	}
	exp_result_add_obs(e, "note", EV_TEXT(nasty));

	e = run_add_result(r, "sync");
	e->outcome = OUTCOME_TIMED_OUT;
	e->exit_code = -1;
	e->signal = 9;
	exp_result_set_reason(e, &EV_MSG_OF("runner.deadline", ev_num(2e9, "ns")));
}

/* Renders r into a new string (caller frees). */
static char *render_page(const struct run *r)
{
	struct verdict *v = xcalloc(claims_count(), sizeof(*v));
	claims_judge_all(r, v);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	struct report_opts o = { .width = 80 };
	ck_assert_int_eq(render_html.render(f, r, v, &o), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(strlen(buf), len);
	free(v);
	return buf;
}

static char *standard_page(void)
{
	struct run r;
	make_run(&r, true);
	char *page = render_page(&r);
	run_free(&r);
	return page;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* The page without the embedded JSON (whose strings are data, not markup). */
static char *markup_only(const char *page)
{
	char *copy = xstrdup(page);
	char *open = strstr(copy, DATA_OPEN);
	if (open) {
		char *close = strstr(open, "</script>");
		ck_assert_ptr_nonnull(close);
		memmove(open, close + strlen("</script>"), strlen(close + strlen("</script>")) + 1);
	}
	return copy;
}

/* ---- A small well-formedness checker. ---- */

static bool is_void(const char *name)
{
	static const char *const voids[] = { "area",   "base",	"br",	 "col",	 "embed",
					     "hr",     "img",	"input", "link", "meta",
					     "source", "track", "wbr",	 NULL };
	for (const char *const *v = voids; *v; v++)
		if (strcmp(*v, name) == 0)
			return true;
	return false;
}

/* Checks an entity at s ('&'); returns its length or 0. */
static size_t entity_len(const char *s)
{
	static const char *const named[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", NULL };
	for (const char *const *n = named; *n; n++)
		if (strncmp(s, *n, strlen(*n)) == 0)
			return strlen(*n);
	size_t i = 1;
	if (s[i++] != '#')
		return 0;
	bool hex = s[i] == 'x';
	i += hex;
	size_t digits = 0;
	while (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]))
		i++, digits++;
	return digits && s[i] == ';' ? i + 1 : 0;
}

/*
 * Whether s[0..len) nests properly; err gets the first problem. xml: every
 * element ends (or closes itself) and attributes have values, as in SVG;
 * otherwise HTML: void elements have no end, script and style hold raw
 * text, comments and the doctype are skipped. Both: attribute values are
 * quoted, every '&' starts a known entity, no '<' or '>' is left bare.
 */
static bool well_formed(const char *s, size_t len, bool xml, char *err, size_t errlen)
{
	char stack[128][32];
	size_t depth = 0, i = 0;
#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return false;                                                                      \
	} while (0)
	while (i < len) {
		if (s[i] == '&') {
			size_t n = entity_len(s + i);
			if (!n)
				FAIL("bad entity at %zu: %.20s", i, s + i);
			i += n;
			continue;
		}
		if (s[i] == '>')
			FAIL("bare '>' at %zu: %.40s", i, s + (i > 20 ? i - 20 : 0));
		if (s[i] != '<') {
			i++;
			continue;
		}
		if (strncmp(s + i, "<!--", 4) == 0) {
			const char *end = strstr(s + i + 4, "-->");
			if (!end)
				FAIL("comment without end at %zu", i);
			i = (size_t)(end - s) + 3;
			continue;
		}
		if (s[i + 1] == '!') {
			const char *end = memchr(s + i, '>', len - i);
			if (xml || !end)
				FAIL("declaration at %zu", i);
			i = (size_t)(end - s) + 1;
			continue;
		}
		bool closing = s[i + 1] == '/';
		size_t j = i + 1 + closing, k = 0;
		char name[32];
		while (j < len && (isalnum((unsigned char)s[j]) || s[j] == '-' || s[j] == ':') &&
		       k + 1 < sizeof(name))
			name[k++] = s[j++];
		name[k] = '\0';
		if (!k)
			FAIL("bare '<' at %zu: %.30s", i, s + i);
		if (closing) {
			if (s[j] != '>')
				FAIL("end tag </%s without '>'", name);
			if (!depth || strcmp(stack[depth - 1], name) != 0)
				FAIL("</%s> closes <%s> at %zu", name,
				     depth ? stack[depth - 1] : "", i);
			depth--;
			i = j + 1;
			continue;
		}
		bool self = false;
		for (;;) {
			while (isspace((unsigned char)s[j]))
				j++;
			if (s[j] == '>')
				break;
			if (s[j] == '/' && s[j + 1] == '>') {
				self = true;
				j++;
				break;
			}
			size_t a = j;
			while (s[j] && !isspace((unsigned char)s[j]) && !strchr("=/>\"'<", s[j]))
				j++;
			if (j == a)
				FAIL("bad attribute in <%s> at %zu: %.30s", name, j, s + j);
			if (s[j] != '=') {
				if (xml)
					FAIL("attribute without value in <%s>", name);
				continue;
			}
			char q = s[++j];
			if (q != '"' && q != '\'')
				FAIL("unquoted attribute in <%s> at %zu", name, j);
			for (j++; s[j] && s[j] != q; j++) {
				if (s[j] == '<')
					FAIL("'<' in an attribute of <%s>", name);
				if (s[j] == '&' && !entity_len(s + j))
					FAIL("bad entity in an attribute of <%s>", name);
			}
			if (!s[j])
				FAIL("attribute without end in <%s>", name);
			j++;
		}
		i = j + 1;
		if (self || (!xml && is_void(name)))
			continue;
		if (!xml && (strcmp(name, "script") == 0 || strcmp(name, "style") == 0)) {
			char end[40];
			snprintf(end, sizeof(end), "</%s>", name);
			const char *e = strstr(s + i, end);
			if (!e)
				FAIL("<%s> without end", name);
			i = (size_t)(e - s) + strlen(end);
			continue;
		}
		if (depth == sizeof(stack) / sizeof(stack[0]))
			FAIL("nested too deep at %zu", i);
		snprintf(stack[depth++], sizeof(stack[0]), "%s", name);
	}
	if (depth)
		FAIL("<%s> not closed", stack[depth - 1]);
	return true;
#undef FAIL
}

START_TEST(test_checker)
{
	char err[200];
	static const char *const good[] = { "<a x=\"1\"><b/>t &amp; &#39;</a>", "<g></g>" };
	static const char *const bad[] = { "<a><b></a></b>", "<a x=1/>",     "<a>&nbsp</a>",
					   "<a>x > y</a>",   "<a x=\"<\"/>", "<a>" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(well_formed(good[i], strlen(good[i]), true, err, sizeof(err)),
			      "%s: %s", good[i], err);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!well_formed(bad[i], strlen(bad[i]), true, err, sizeof(err)), "%s",
			      bad[i]);
	static const char html[] = "<!DOCTYPE html><p>a<br>b<details open>x</details></p>"
				   "<style>a > b {}</style>";
	ck_assert_msg(well_formed(html, strlen(html), false, err, sizeof(err)), "%s", err);
}
END_TEST

/* ---- The page. ---- */

START_TEST(test_template_embedded)
{
	ck_assert_uint_eq(strlen(ptlab_html_template), ptlab_html_template_size);
	FILE *f = fopen(PTLAB_SRCDIR "/src/report/template.html", "rb");
	ck_assert_ptr_nonnull(f);
	char *file = xmalloc(ptlab_html_template_size + 2);
	size_t got = fread(file, 1, ptlab_html_template_size + 1, f);
	fclose(f);
	ck_assert_uint_eq(got, ptlab_html_template_size);
	ck_assert_int_eq(memcmp(file, ptlab_html_template, got), 0);
	free(file);
	static const char *const markers[] = { "{{lang}}", "{{title}}", "<!--ptlab:body-->",
					       "<!--ptlab:data-->", NULL };
	for (const char *const *m = markers; *m; m++)
		ck_assert_msg(count(ptlab_html_template, *m) == 1, "%s", *m);
}
END_TEST

START_TEST(test_page_shell)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(html_page_begin(f, "a <title> & \"more\""), 0);
	fputs("<p>body</p>\n", f);
	ck_assert_int_eq(html_page_end(f, NULL), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "<title>a &lt;title&gt; &amp; &quot;more&quot;</title>"));
	ck_assert_ptr_nonnull(strstr(buf, "<html lang=\"en\">"));
	ck_assert_ptr_null(strstr(buf, "{{"));
	ck_assert_ptr_null(strstr(buf, "<!--ptlab:"));
	ck_assert_ptr_null(strstr(buf, "ptlab-data"));
	char err[200];
	ck_assert_msg(well_formed(buf, len, false, err, sizeof(err)), "%s", err);
	free(buf);
}
END_TEST

START_TEST(test_structure)
{
	char *page = standard_page();
	char err[200];
	ck_assert_int_eq(strncmp(page, "<!DOCTYPE html>", 15), 0);
	ck_assert_ptr_nonnull(strstr(page, "<html lang=\"en\">"));
	ck_assert_ptr_nonnull(strstr(page, "<meta charset=\"utf-8\">"));
	ck_assert_ptr_null(strstr(page, "{{"));
	ck_assert_msg(well_formed(page, strlen(page), false, err, sizeof(err)), "%s", err);
	/* The warnings: a busy machine, an experiment that did not end. */
	ck_assert_ptr_nonnull(strstr(page, "the 1-minute load average is 3.50 on 4 CPUs"));
	ck_assert_ptr_nonnull(strstr(page, "killed after its deadline of 2.00 s"));
	ck_assert_uint_ge(count(page, "class=\"warning\""), 2);
	/* Text from the run is escaped wherever it lands. */
	ck_assert_ptr_nonnull(strstr(page, "Test CPU &lt;9000&gt; &amp; co"));
	ck_assert_ptr_null(strstr(page, "<b>bold</b>"));
	/* Every id once; every experiment a section; the environment, the raw data. */
	char *markup = markup_only(page);
	for (const char *p = markup; (p = strstr(p, " id=\"")) != NULL;) {
		p += 5;
		const char *q = strchr(p, '"');
		char needle[128];
		snprintf(needle, sizeof(needle), " id=\"%.*s\"", (int)(q - p), p);
		ck_assert_msg(count(markup, needle) == 1, "%s more than once", needle);
	}
	static const char *const sections[] = { "id=\"exp-create\"",  "id=\"exp-switch\"",
						"id=\"exp-server\"",  "id=\"exp-sync\"",
						"id=\"environment\"", "id=\"raw\"",
						"id=\"seeds\"",	      "id=\"claims\"" };
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		ck_assert_msg(strstr(markup, sections[i]), "%s missing", sections[i]);
	free(markup);
	free(page);
}
END_TEST

/* The environment lists every machine fact, and a run without them lists none. */
START_TEST(test_environment)
{
	char *page = standard_page();
	static const char *const shown[] = {
		"virtual machine (CPUID: bhyve, kernel: PVM)",
		"<dt>hypervisor, by its CPUID signature</dt><dd>&quot;bhyve bhyve &quot;</dd>",
		"<dt>hypervisor, in the kernel&#39;s words</dt><dd>PVM</dd>",
		"<dt>INVPCID</dt><dd>no</dd>",
		"<dt>page-table isolation (PTI)</dt><dd>on</dd>",
		"<dt>a null system call (getppid)</dt><dd>812 ns</dd>",
		"<dt>L1 data cache</dt><dd>48.0 KiB</dd>",
		"<dt>L3 unified cache</dt><dd>32.0 MiB</dd>",
		"<dt>TLB entries (4 KiB pages)</dt><dd>3072</dd>",
		"<dt>meltdown</dt><dd>Mitigation: PTI</dd>",
		"<dt>spectre_v2</dt><dd>Mitigation: &lt;Retpolines&gt; &amp; IBPB</dd>",
	};
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		ck_assert_msg(strstr(page, shown[i]), "%s missing", shown[i]);
	free(page);

	/* A run of ptlab 0.1.0: the facts unknown, none of them listed. */
	struct run r;
	make_run(&r, false);
	struct sysinfo *s = &r.env;
	s->hypervisor_cpuid[0] = s->hypervisor_kernel[0] = '\0';
	s->invpcid = s->pti = SYSINFO_UNKNOWN;
	s->null_syscall_ns = NAN;
	s->tlb_entries = -1;
	s->n_caches = s->n_vulns = 0;
	page = render_page(&r);
	ck_assert_ptr_nonnull(strstr(page, "virtual machine (KVM)"));
	static const char *const hidden[] = { "INVPCID",	  "page-table isolation",
					      "null system call", "cache</dt>",
					      "TLB entries (",	  "CPU vulnerabilities" };
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		ck_assert_msg(!strstr(page, hidden[i]), "%s shown", hidden[i]);
	free(page);
	run_free(&r);
}
END_TEST

START_TEST(test_self_contained)
{
	char *page = standard_page();
	for (const char *p = page; (p = strstr(p, "http://")) != NULL; p++)
		ck_assert_msg(strncmp(p, "http://www.w3.org/2000/svg\"", 27) == 0, "%.60s", p);
	ck_assert_ptr_null(strstr(page, "https://"));
	char *markup = markup_only(page);
	ck_assert_ptr_null(strstr(markup, "src="));
	ck_assert_ptr_null(strstr(markup, "url("));
	ck_assert_ptr_null(strstr(markup, "@import"));
	/* Every link stays in the page and finds its target. */
	size_t links = 0;
	for (const char *p = markup; (p = strstr(p, "href=")) != NULL; p += 5, links++) {
		ck_assert_msg(p[5] == '"' && p[6] == '#', "%.40s", p);
		const char *end = strchr(p + 7, '"');
		char target[128];
		snprintf(target, sizeof(target), "id=\"%.*s\"", (int)(end - (p + 7)), p + 7);
		ck_assert_msg(strstr(markup, target), "no %s", target);
	}
	ck_assert_uint_gt(links, 5);
	free(markup);
	free(page);
}
END_TEST

START_TEST(test_charts)
{
	char *page = standard_page();
	char needle[96], err[200];
	for (const char *const *id = expected_charts; *id; id++) {
		snprintf(needle, sizeof(needle), "<svg id=\"%s\"", *id);
		ck_assert_msg(count(page, needle) == 1, "%s: %zu", *id, count(page, needle));
	}
	for (const char *const *id = absent_charts; *id; id++) {
		snprintf(needle, sizeof(needle), "id=\"%s\"", *id);
		ck_assert_msg(!strstr(page, needle), "%s should be absent", *id);
	}
	/* Every chart is an XML document of its own. */
	size_t n = 0;
	for (const char *p = page; (p = strstr(p, "<svg")) != NULL; n++) {
		const char *end = strstr(p, "</svg>");
		ck_assert_ptr_nonnull(end);
		end += strlen("</svg>");
		ck_assert_msg(well_formed(p, (size_t)(end - p), true, err, sizeof(err)), "%s", err);
		ck_assert_ptr_nonnull(memmem(p, (size_t)(end - p), "<title>", 7));
		p = end;
	}
	ck_assert_uint_eq(n, 7);
	free(page);
}
END_TEST

START_TEST(test_seeds_table)
{
	char *page = standard_page();
	const char *start = strstr(page, "<table class=\"seeds\">");
	ck_assert_ptr_nonnull(start);
	const char *end = strstr(start, "</table>");
	char *table = strndup(start, (size_t)(end - start));
	/* A header row, then one row per claim of the catalogue. */
	ck_assert_uint_eq(count(table, "<tr"), claims_count() + 1);
	for (size_t i = 0; i < claims_count(); i++) {
		char needle[96];
		snprintf(needle, sizeof(needle), "<code>%s</code>", claims[i].id);
		ck_assert_msg(count(table, needle) == 1, "%s", claims[i].id);
	}
	ck_assert_ptr_nonnull(strstr(table, "<span class=\"badge v-holds\">"));
	ck_assert_ptr_nonnull(strstr(table, "<span class=\"badge v-no_data\">"));
	ck_assert_ptr_nonnull(strstr(table, "href=\"#claim-create.cost\""));
	/* A claim whose experiment did not run has a row, but no block to link to. */
	ck_assert_ptr_null(strstr(table, "href=\"#claim-ipc.needed\""));
	ck_assert_ptr_null(strstr(page, "id=\"claim-ipc.needed\""));
	ck_assert_ptr_nonnull(
		strstr(page, "<details class=\"claim\" id=\"claim-create.cost\" open>"));
	/* A ratio judged per condition shows its sides at the largest one. */
	const char *tlb = strstr(page, "id=\"claim-switch.tlb\"");
	ck_assert_ptr_nonnull(tlb);
	const char *tlb_end = strstr(tlb, "</details>");
	const char *cond = strstr(tlb, "working_set_bytes=16.0 KiB");
	ck_assert_msg(cond && cond < tlb_end, "switch.tlb's sides are not at 16 KiB");
	ck_assert_ptr_null(memmem(tlb, (size_t)(tlb_end - tlb), "working_set_bytes=0 B", 21));
	free(table);
	free(page);
}
END_TEST

/* The legend under the seeds' table: every verdict's badge with a sentence. */
START_TEST(test_legend)
{
	static const char *const statuses[] = { "holds",	  "holds_small", "negligible",
						"reversed_small", "reversed",	 "inconclusive",
						"split",	  "observed",	 "not_observed",
						"no_data",	  "not_measured" };
	char *page = standard_page();
	const char *seeds = strstr(page, "<section id=\"seeds\">");
	ck_assert_ptr_nonnull(seeds);
	const char *table_end = strstr(seeds, "</table>");
	const char *legend = strstr(seeds, "<div class=\"legend\" id=\"legend\">");
	const char *end = strstr(seeds, "</section>");
	ck_assert_msg(legend && legend > table_end && legend < end, "no legend under the table");
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		char needle[128];
		snprintf(needle, sizeof(needle),
			 "<div data-verdict=\"%s\"><dt><span class=\"badge v-%s\">", statuses[i],
			 statuses[i]);
		const char *item = strstr(legend, needle);
		ck_assert_msg(item && item < end, "%s not in the legend", statuses[i]);
		const char *dd = strstr(item, "<dd>");
		ck_assert_msg(dd && dd[4] != '<' && strlen(dd) > 30, "%s has no meaning",
			      statuses[i]);
	}
	ck_assert_ptr_nonnull(strstr(legend, "margin of ×1.10 and a threshold of ×1.25"));
	free(page);
}
END_TEST

/* The text of every <text> of the chart id, each followed by '|' (caller frees). */
static char *chart_texts(const char *page, const char *id)
{
	char needle[96], *buf = NULL;
	size_t len = 0;
	snprintf(needle, sizeof(needle), "<svg id=\"%s\"", id);
	const char *p = strstr(page, needle), *end = p ? strstr(p, "</svg>") : NULL;
	ck_assert_msg(p && end, "%s missing", id);
	FILE *f = open_memstream(&buf, &len);
	while ((p = strstr(p, "<text")) != NULL && p < end) {
		p = strchr(p, '>') + 1;
		fprintf(f, "%.*s|", (int)strcspn(p, "<"), p);
	}
	fclose(f);
	return buf;
}

/*
 * The charts' words: axis titles in the unit of their ticks, rates per
 * second, conditions translated with their raw words kept, and failures
 * as marks above zero with a legend entry.
 */
START_TEST(test_chart_words)
{
	char *page = standard_page();
	for (const char *p = page; (p = strstr(p, "<svg")) != NULL; p++) {
		const char *end = strstr(p, "</svg>");
		ck_assert_msg(!memmem(p, (size_t)(end - p), "(ns)", 4), "an axis says (ns)");
		ck_assert_msg(!memmem(p, (size_t)(end - p), "(bytes)", 7), "an axis says (bytes)");
	}
	char *t = chart_texts(page, "switch-placement");
	/* longer than the axis: on two lines */
	ck_assert_msg(strstr(t, "|time per round trip,|two switches (µs)|"), "%s", t);
	ck_assert_msg(strstr(t, "|same CPU|") && !strstr(t, "same-cpu"), "%s", t);
	ck_assert_msg(strstr(t, "|4|") && !strstr(t, " µs|"), "%s", t); /* plain ticks, in µs */
	free(t);
	ck_assert_ptr_nonnull(strstr(page, " data-value=\"same-cpu\">same CPU</text>"));
	ck_assert_ptr_nonnull(strstr(page, " data-value=\"process\">processes</text>"));

	t = chart_texts(page, "server-throughput");
	ck_assert_msg(strstr(t, "|throughput (requests/s)|"), "%s", t);
	free(t);

	t = chart_texts(page, "server-timeline");
	ck_assert_msg(strstr(t, "|time since the load began (ms)|"), "%s", t);
	ck_assert_msg(strstr(t, "|requests per slice|"), "%s", t);
	ck_assert_msg(strstr(t, "|thread_pool: failed|") && strstr(t, "|prefork: failed|"), "%s",
		      t);
	ck_assert_msg(!strstr(t, "|-"), "a negative tick: %s", t);
	free(t);
	/* thread_pool's failures: two slices, two crosses of their own colour */
	const char *tl = strstr(page, "<svg id=\"server-timeline\"");
	const char *marks = strstr(tl, "<g class=\"s3\" data-value=\"thread_pool\">");
	ck_assert_ptr_nonnull(marks);
	const char *marks_end = strstr(marks, "</g>");
	ck_assert_uint_eq(count(marks, "<path") - count(marks_end, "<path"), 2);
	ck_assert_ptr_nonnull(strstr(marks, "thread_pool: failed, 82.5 ms: 28</title>"));

	t = chart_texts(page, "create-methods");
	ck_assert_msg(strstr(t, "|time to create and|reap one (µs)|"), "%s", t);
	ck_assert_msg(strstr(t, "|160|"), "%s", t);
	free(t);
	free(page);
}
END_TEST

/*
 * The JSON embedded in page, checked for what could break out of its
 * element, "<\/" turned back into "</" and parsed (new reference).
 */
static json_t *embedded_json(const char *page)
{
	const char *open = strstr(page, DATA_OPEN);
	ck_assert_ptr_nonnull(open);
	ck_assert_uint_eq(count(page, DATA_OPEN), 1);
	open += strlen(DATA_OPEN);
	const char *close = strstr(open, "</script>");
	ck_assert_ptr_nonnull(close);
	char *text = strndup(open, (size_t)(close - open));
	/* Nothing inside can end the element or open a comment. */
	ck_assert_ptr_null(strstr(text, "</"));
	ck_assert_ptr_null(strstr(text, "<!--"));
	for (char *p; (p = strstr(text, "<\\/")) != NULL;)
		memmove(p + 1, p + 2, strlen(p + 2) + 1);
	json_error_t jerr;
	json_t *got = json_loads(text, 0, &jerr);
	ck_assert_msg(got != NULL, "%s at %d:%d", jerr.text, jerr.line, jerr.column);
	free(text);
	return got;
}

/* Whether root loads back as a run. */
static void loads_as_run(const json_t *root, size_t n_results)
{
	struct run back;
	char err[256];
	run_init(&back);
	ck_assert_msg(run_from_json(root, &back, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(back.n_results, n_results);
	run_free(&back);
}

START_TEST(test_embedded_json)
{
	struct run r;
	make_run(&r, false);
	char *page = render_page(&r);
	json_t *got = embedded_json(page);
	json_t *verdicts = json_object_get(got, "verdicts");
	ck_assert(json_is_array(verdicts));
	ck_assert_uint_eq(json_array_size(verdicts), claims_count());
	ck_assert_int_eq(json_object_del(got, "verdicts"), 0);
	json_t *want = json_from_run(&r);
	ck_assert_msg(json_equal(got, want), "the embedded JSON differs from json_from_run");
	/* The nasty observation came through intact. */
	const char *note = NULL;
	json_t *obs = json_object_get(json_array_get(json_object_get(got, "experiments"), 2),
				      "observations");
	for (size_t i = 0; i < json_array_size(obs); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(obs, i), "key")),
			   "note") == 0)
			note = json_string_value(json_object_get(
				json_array_get(json_object_get(json_array_get(obs, i), "values"),
					       0),
				"token"));
	ck_assert_ptr_nonnull(note);
	ck_assert_str_eq(note, nasty);
	ck_assert_ptr_null(strstr(page, "raw_total"));
	loads_as_run(got, r.n_results);
	json_decref(want);
	json_decref(got);
	free(page);
	run_free(&r);
}
END_TEST

/*
 * A run too large for a page: the figure with the most samples keeps 200
 * of them, evenly spaced over its rounds, and says how many it had; its
 * summary stays that of all; a small figure keeps everything; the page
 * stays under 2 MB and its JSON still loads as a run.
 */
START_TEST(test_thinned_data)
{
	enum {
		BIG = 300000
	};
	struct run r;
	run_init(&r);
	r.started = xstrdup("2026-11-22T23:10:00Z");
	struct exp_result *e = run_add_result(&r, "bulk");
	uint64_t *raw = xmalloc(BIG * sizeof(*raw));
	for (size_t i = 0; i < BIG; i++)
		raw[i] = 1000000 + (i * 7919) % 1000;
	size_t rounds[] = { 100000, 200000 };
	struct metric m = { .name = "samples",
			    .unit = "ns",
			    .batch = 1,
			    .raw = raw,
			    .n = BIG,
			    .rounds = rounds,
			    .n_rounds = 2 };
	ck_assert_ptr_nonnull(exp_result_add_metric(e, &m));
	free(raw);
	FIG(e, "small", "ns", 1000, "kind=thread");
	char *page = render_page(&r);
	ck_assert_uint_lt(strlen(page), 2 * 1024 * 1024);
	json_t *got = embedded_json(page);
	json_t *metrics =
		json_object_get(json_array_get(json_object_get(got, "experiments"), 0), "metrics");
	json_t *big = json_array_get(metrics, 0), *small = json_array_get(metrics, 1);
	ck_assert_uint_eq(json_array_size(json_object_get(big, "raw")), 200);
	ck_assert_int_eq(json_integer_value(json_object_get(big, "raw_total")), BIG);
	json_t *kept = json_object_get(big, "rounds");
	ck_assert_uint_eq(json_array_size(kept), 2);
	ck_assert_int_eq(json_integer_value(json_array_get(kept, 0)), 67);
	ck_assert_int_eq(json_integer_value(json_array_get(kept, 1)), 133);
	json_t *whole = json_from_metric(&r.results[0].metrics[0]);
	ck_assert(json_equal(json_object_get(big, "summary"), json_object_get(whole, "summary")));
	ck_assert_ptr_null(json_object_get(small, "raw_total"));
	ck_assert_uint_eq(json_array_size(json_object_get(small, "raw")), N_SAMPLES);
	ck_assert_ptr_nonnull(strstr(page, "raw_total says how many it had"));
	loads_as_run(got, 1);
	json_decref(whole);
	json_decref(got);
	free(page);
	run_free(&r);
}
END_TEST

/* A run of results without figures: no chart, no empty frame, still a page. */
START_TEST(test_no_data)
{
	struct run r;
	run_init(&r);
	r.started = xstrdup("2026-11-22T23:10:00Z");
	static const char *const names[] = { "create", "switch",   "ipc",    "memory",
					     "sync",   "parallel", "server", NULL };
	for (const char *const *n = names; *n; n++)
		run_add_result(&r, *n)->outcome = OUTCOME_NOT_RUN;
	char *page = render_page(&r);
	char err[200];
	ck_assert_ptr_null(strstr(page, "<svg"));
	ck_assert_ptr_null(strstr(page, "class=\"charts\""));
	ck_assert_msg(well_formed(page, strlen(page), false, err, sizeof(err)), "%s", err);
	free(page);
	run_free(&r);
}
END_TEST

/* ---- A real browser, when there is one. ---- */

static bool find_program(const char *name, char *buf, size_t size)
{
	const char *path = getenv("PATH");
	while (path && *path) {
		size_t n = strcspn(path, ":");
		snprintf(buf, size, "%.*s/%s", (int)n, path, name);
		if (n && access(buf, X_OK) == 0)
			return true;
		path += n + (path[n] == ':');
	}
	return false;
}

/*
 * Runs argv with stdout and stderr into files, in a process group of its
 * own that is killed after limit_s seconds. Returns the wait status, or -1
 * when it had to be killed.
 */
static int run_bounded(char *const argv[], const char *out_path, const char *err_path, int limit_s)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setpgid(0, 0);
		int o = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid);
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	for (int waited = 0; waited < limit_s * 20; waited++) {
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		nanosleep(&tick, NULL);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t cap = 0;
	FILE *m = open_memstream(&buf, &cap);
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, got, m);
	fclose(f);
	fclose(m);
	if (len)
		*len = cap;
	return buf;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/*
 * The page measures itself as a phone shows it: the width it is given and
 * the width it lays out at (wider is a page that scrolls sideways), the
 * badges of the verdicts' legend, and the smallest text of the charts in
 * CSS pixels (its font size times the scale of its drawing, which shrinks
 * with the page). What it finds it posts to the frame that holds it.
 */
static const char measure_script[] =
	"<script>addEventListener('load', function () {"
	" var w = window.innerWidth, min = 1e9, n = 0, small = '', wide = '';"
	" document.querySelectorAll('figure.chart svg text').forEach(function (t) {"
	"  if (!t.getBoundingClientRect().width) return;"
	"  var m = t.getScreenCTM();"
	"  var px = parseFloat(getComputedStyle(t).fontSize) *"
	"   Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));"
	"  n++; if (px < min) { min = px; small = t.textContent; } });"
	" document.querySelectorAll('body *').forEach(function (e) {"
	"  if (!wide && e.getBoundingClientRect().right > w + 1 && !e.closest('.scroll'))"
	"   wide = e.tagName + '.' + (e.getAttribute('class') || ''); });"
	" parent.postMessage('width=' + w + ' scroll=' + document.documentElement.scrollWidth +"
	"  ' legend=' + document.querySelectorAll('#legend [data-verdict] .badge').length +"
	"  ' texts=' + n + ' min=' + min.toFixed(2) + ' smallest=' + small + ' wide=' + wide, '*');"
	"});</script>\n";

/*
 * A headless chromium window is at least 500 pixels wide, so the phone is
 * a 390-pixel frame; the frame writes what the page posted into its own
 * DOM, which --dump-dom prints.
 */
static const char phone_frame[] =
	"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"margin:0\">"
	"<pre id=\"found\">nothing</pre>"
	"<iframe src=\"measured.html\" style=\"width:390px;height:800px;border:0\"></iframe>"
	"<script>addEventListener('message', function (e) {"
	" document.getElementById('found').textContent = e.data; });</script>"
	"</body></html>\n";

static void write_file(const char *path, const char *a, size_t a_len, const char *b)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fwrite(a, 1, a_len, f);
	fputs(b, f);
	ck_assert_int_eq(fclose(f), 0);
}

/*
 * Runs chromium headless on url with the action (--screenshot=..., or
 * --dump-dom into out) in a window of size "W,H", and checks that it ended
 * well with nothing on its console: no page script but the test's own
 * runs, so any console line or exception is an error.
 */
static void chromium_run(char *chromium, char *user, char *size, char *action, char *url,
			 const char *out, const char *errs)
{
	char window[64];
	snprintf(window, sizeof(window), "--window-size=%s", size);
	char *argv[] = { chromium,
			 "--headless=new",
			 "--no-sandbox",
			 "--disable-gpu",
			 "--no-first-run",
			 "--hide-scrollbars",
			 "--enable-logging=stderr",
			 "--v=0",
			 "--virtual-time-budget=2000",
			 user,
			 window,
			 action,
			 url,
			 NULL };
	int st = run_bounded(argv, out, errs, BROWSER_LIMIT_S);
	ck_assert_msg(st != -1, "chromium ran past %d s", BROWSER_LIMIT_S);
	char *log = slurp(errs, NULL);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "chromium: status %d: %s", st,
		      log ? log : "");
	ck_assert_msg(!log || (!strstr(log, "CONSOLE") && !strstr(log, "Uncaught")), "%s", log);
	free(log);
}

START_TEST(test_browser)
{
	char chromium[4096];
	if (!find_program("chromium", chromium, sizeof(chromium)) &&
	    !find_program("chromium-browser", chromium, sizeof(chromium))) {
		fprintf(stderr, "no chromium: browser check skipped\n");
		return;
	}
	char dir[] = "/tmp/ptlab-html-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char page_path[128], measured[128], phone[128], png[128], dom[128], found[128], errs[128],
		profile[128], url[160], phone_url[160], shot[160], user[160];
	snprintf(page_path, sizeof(page_path), "%s/page.html", dir);
	snprintf(measured, sizeof(measured), "%s/measured.html", dir);
	snprintf(phone, sizeof(phone), "%s/phone.html", dir);
	snprintf(png, sizeof(png), "%s/page.png", dir);
	snprintf(dom, sizeof(dom), "%s/dom.html", dir);
	snprintf(found, sizeof(found), "%s/found.html", dir);
	snprintf(errs, sizeof(errs), "%s/stderr.txt", dir);
	snprintf(profile, sizeof(profile), "%s/profile", dir);
	snprintf(url, sizeof(url), "file://%s", page_path);
	snprintf(phone_url, sizeof(phone_url), "file://%s", phone);
	snprintf(shot, sizeof(shot), "--screenshot=%s", png);
	snprintf(user, sizeof(user), "--user-data-dir=%s", profile);
	char *page = standard_page();
	write_file(page_path, page, strlen(page), "");
	/* The copy that measures itself: the script just before </body>. */
	const char *body_end = NULL;
	for (const char *p = page; (p = strstr(p, "</body>")) != NULL; p++)
		body_end = p;
	ck_assert_ptr_nonnull(body_end);
	write_file(measured, page, (size_t)(body_end - page), measure_script);
	FILE *f = fopen(measured, "a");
	ck_assert_ptr_nonnull(f);
	fputs(body_end, f);
	ck_assert_int_eq(fclose(f), 0);
	write_file(phone, "", 0, phone_frame);
	free(page);

	chromium_run(chromium, user, "1200,3000", shot, url, "/dev/null", errs);
	chromium_run(chromium, user, "1200,3000", "--dump-dom", url, dom, errs);
	chromium_run(chromium, user, "600,900", "--dump-dom", phone_url, found, errs);

	size_t len = 0;
	char *img = slurp(png, &len);
	ck_assert_msg(img && len > 10000, "screenshot missing or empty (%zu bytes)", len);
	ck_assert_int_eq(memcmp(img, "\x89PNG\r\n\x1a\n", 8), 0);
	uint32_t width = (uint32_t)(unsigned char)img[16] << 24 |
			 (uint32_t)(unsigned char)img[17] << 16 |
			 (uint32_t)(unsigned char)img[18] << 8 | (unsigned char)img[19];
	ck_assert_uint_eq(width, 1200);
	free(img);
	char *built = slurp(dom, NULL);
	ck_assert_ptr_nonnull(built);
	for (const char *const *id = expected_charts; *id; id++) {
		char needle[96];
		snprintf(needle, sizeof(needle), "id=\"%s\"", *id);
		ck_assert_msg(strstr(built, needle), "%s not in the browser's DOM", *id);
	}
	ck_assert_ptr_nonnull(strstr(built, "id=\"ptlab-data\""));
	ck_assert_ptr_nonnull(strstr(built, "id=\"legend\""));
	free(built);

	/* On a 390-pixel phone: no sideways scrolling, the legend, chart text of 11 px or more. */
	char *report = slurp(found, NULL);
	ck_assert_ptr_nonnull(report);
	const char *at = strstr(report, "<pre id=\"found\">");
	ck_assert_ptr_nonnull(at);
	at += strlen("<pre id=\"found\">");
	int w = 0, scroll = 0, legend = 0, texts = 0;
	double min = 0;
	ck_assert_msg(sscanf(at, "width=%d scroll=%d legend=%d texts=%d min=%lf", &w, &scroll,
			     &legend, &texts, &min) == 5,
		      "the page did not measure itself: %.300s", at);
	ck_assert_msg(w == 390, "%.300s", at);
	ck_assert_msg(scroll <= w, "the page is wider than the phone: %.300s", at);
	ck_assert_msg(legend == 11, "%.300s", at);
	ck_assert_msg(texts >= 50, "%.300s", at);
	ck_assert_msg(min >= 11, "chart text below 11 px: %.300s", at);
	free(report);

	ck_assert_int_eq(nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}
END_TEST

Suite *html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("page");
	tcase_add_test(tc, test_checker);
	tcase_add_test(tc, test_template_embedded);
	tcase_add_test(tc, test_page_shell);
	tcase_add_test(tc, test_structure);
	tcase_add_test(tc, test_environment);
	tcase_add_test(tc, test_self_contained);
	tcase_add_test(tc, test_charts);
	tcase_add_test(tc, test_seeds_table);
	tcase_add_test(tc, test_legend);
	tcase_add_test(tc, test_chart_words);
	tcase_add_test(tc, test_embedded_json);
	tcase_add_test(tc, test_thinned_data);
	tcase_add_test(tc, test_no_data);
	suite_add_tcase(s, tc);
	tc = tcase_create("browser");
	tcase_set_timeout(tc, 2 * BROWSER_LIMIT_S + 30);
	tcase_add_test(tc, test_browser);
	suite_add_tcase(s, tc);
	return s;
}
