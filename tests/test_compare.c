// SPDX-License-Identifier: MIT
/*
 * Tests of `ptlab compare` (report/compare.c) on runs made by hand, so
 * that every difference is known in advance: between run A and run B one
 * time doubles (slower), one stays put (same), one drops (faster), a rate
 * doubles (faster, and better), a size stays put, one figure is only in B,
 * one has a single sample in B (undecided), and create.cost goes from
 * holds to negligible. The parent's resident memory, a reading create
 * records as a condition, differs between the runs and must not keep the
 * figures apart. Run C is a third run on another machine; run D is A
 * without the create experiment (so create.cost has no verdict there), and
 * an odd experiment only D has.
 *
 * The text must fit 80 columns (code points, not bytes) with no trailing
 * spaces, colour must only add codes, and the HTML must escape every name
 * and keep its tables balanced.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims/claims.h"
#include "model/run.h"
#include "report/compare.h"
#include "util/xalloc.h"

Suite *compare_suite(void);

#define WIDTH 80
#define SAMPLES 50

/* A run under construction: which variant, and the parent RSS it read. */
enum variant {
	RUN_A,
	RUN_B,
	RUN_C,
	RUN_D
};

/*
 * Adds a metric of n samples around median: a fixed zig-zag within ±2%,
 * shifted by salt so that two runs never hold the very same values.
 */
static void add_metric(struct exp_result *e, const char *name, const char *unit, enum direction dir,
		       const struct mparam *params, size_t n_params, double median, size_t n,
		       unsigned salt)
{
	uint64_t *raw = xcalloc(n, sizeof(*raw));
	for (size_t i = 0; i < n; i++) {
		double j = (double)((i * 7 + salt) % 41) / 40.0 - 0.5; /* [-0.5, 0.5] */
		raw[i] = (uint64_t)(median * (1.0 + 0.04 * j));
	}
	struct metric m = {
		.name = (char *)name,
		.unit = (char *)unit,
		.dir = dir,
		.params = (struct mparam *)params,
		.n_params = n_params,
		.batch = 1,
		.raw = raw,
		.n = n,
	};
	exp_result_add_metric(e, &m);
	free(raw);
}

/* A creation figure with create's four conditions, rss the parent's resident memory. */
static void add_create(struct exp_result *e, const char *name, int64_t rss, double median_ns,
		       size_t n, unsigned salt)
{
	char rss_txt[32];
	snprintf(rss_txt, sizeof(rss_txt), "%lld", (long long)rss);
	struct mparam p[] = {
		{ .key = "extra_bytes", .str = "0", .num = 0, .is_num = true },
		{ .key = "parent_rss_bytes", .str = rss_txt, .num = rss, .is_num = true },
		{ .key = "kind",
		  .str = strcmp(name, "pthread_create") == 0 ? "thread" : "process" },
		{ .key = "placement", .str = "same-cpu" },
	};
	add_metric(e, name, "ns", DIR_LOWER_IS_BETTER, p, 4, median_ns, n, salt);
}

static void set_machine(struct run *r, const char *cpu, int cpus, const char *kernel)
{
	struct sysinfo *s = &r->env;
	snprintf(s->cpu_model, sizeof(s->cpu_model), "%s", cpu);
	s->cpus_online = s->cpus_allowed = cpus;
	s->cores = cpus;
	s->packages = 1;
	snprintf(s->kernel, sizeof(s->kernel), "%s", kernel);
	s->virtualized = true;
	snprintf(s->hypervisor, sizeof(s->hypervisor), "KVM");
	s->loadavg1 = 0.1;
}

static void make_run(struct run *r, enum variant v)
{
	unsigned salt = (unsigned)v * 13 + 5;
	run_init(r);
	r->ptlab_version = xstrdup("0.1.0");
	r->started = xstrdup(v == RUN_A ? "2026-11-22T10:00:00Z" : "2026-11-23T10:00:00Z");
	r->preset = xstrdup("quick");
	r->seed = 7;
	r->cpus = xstrdup("all");
	if (v == RUN_C)
		set_machine(r, "Other CPU 5000", 8, "6.6.0-other");
	else
		set_machine(r, "Test CPU 9000 @ 3.00GHz", 4, "6.1.0-test");

	/* create: fork 150 µs in A and C, 20 µs in B; pthread_create 19 µs everywhere. */
	struct exp_result *e;
	if (v == RUN_D) {
		e = run_add_result(r, "lonely");
		add_metric(e, "one", "ns", DIR_LOWER_IS_BETTER, NULL, 0, 1000, SAMPLES, salt);
		add_metric(e, "two", "ns", DIR_LOWER_IS_BETTER, NULL, 0, 2000, SAMPLES, salt);
		goto no_create;
	}
	e = run_add_result(r, "create");
	int64_t rss = 2000000 + (int64_t)v * 65536;
	add_create(e, "fork", rss, v == RUN_B ? 20000 : 150000, SAMPLES, salt);
	add_create(e, "pthread_create", rss, 19000, SAMPLES, salt + 3);
	add_create(e, "vfork", rss, 24000, v == RUN_B ? 1 : SAMPLES, salt);
	if (v == RUN_B)
		add_create(e, "clone_vm", rss, 20000, SAMPLES, salt);

no_create:
	/* switch: futex 5 µs in A (and D), 10 µs in B, 15 µs in C. */
	e = run_add_result(r, "switch");
	struct mparam sw[] = { { .key = "kind", .str = "process" },
			       { .key = "placement", .str = "same-cpu" } };
	add_metric(e, "futex", "ns", DIR_LOWER_IS_BETTER, sw, 2,
		   v == RUN_D ? 5000 : 5000.0 * (1 + (int)v), SAMPLES, salt);

	/* server: 10k requests/s in A, 20k in B and C. */
	e = run_add_result(r, "server");
	struct mparam sv[] = { { .key = "model", .str = "thread_pool" } };
	add_metric(e, "throughput", "requests/s", DIR_HIGHER_IS_BETTER, sv, 1,
		   v == RUN_A ? 10000 : 20000, SAMPLES, salt);

	/* memory: 1 MiB per unit everywhere. */
	e = run_add_result(r, "memory");
	struct mparam mem[] = { { .key = "kind", .str = "process" },
				{ .key = "units", .str = "8", .num = 8, .is_num = true } };
	add_metric(e, "pss_per_unit", "bytes", DIR_LOWER_IS_BETTER, mem, 2, 1048576, SAMPLES, salt);

	/* odd: names that need escaping, and ones too long for a line. */
	e = run_add_result(r, "odd<&>");
	struct mparam odd[] = {
		{ .key = "mode", .str = "<x & \"y\">" },
		{ .key = "a_condition_with_a_rather_long_name",
		  .str = "and_a_value_that_is_longer_still_than_the_name_of_its_key_"
			 "xxxxxxxxxxxxxxx" },
	};
	add_metric(e, "a<b&c'd", "count", DIR_NONE, odd, 2, 40, SAMPLES, salt);
	add_metric(e,
		   "an_exceedingly_long_metric_name_that_no_terminal_line_of_eighty_columns_"
		   "could_ever_hold_whole",
		   "widgets per fortnight", DIR_NONE, odd, 1, 123456789, SAMPLES, salt);
}

/* The inputs for runs r[0..n), judged. Free with free_inputs. */
static struct compare_input *make_inputs(struct run *r, const enum variant *vs, size_t n)
{
	static const char *const labels[] = { "a.json", "b.json", "c.json", "d.json" };
	struct compare_input *in = xcalloc(n, sizeof(*in));
	for (size_t k = 0; k < n; k++) {
		make_run(&r[k], vs[k]);
		struct verdict *v = xcalloc(claims_count(), sizeof(*v));
		claims_judge_all(&r[k], v);
		in[k] = (struct compare_input){ &r[k], v, labels[vs[k]] };
	}
	return in;
}

static void free_inputs(struct run *r, struct compare_input *in, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		free((void *)in[k].v);
		run_free(&r[k]);
	}
	free(in);
}

static char *render(int (*fn)(FILE *, const struct compare_input *, size_t,
			      const struct report_opts *),
		    const struct compare_input *in, size_t n, bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	struct report_opts o = { .color = color, .width = WIDTH };
	ck_assert_int_eq(fn(f, in, n, &o), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static const struct verdict *verdict_of(const struct compare_input *in, const char *id)
{
	for (size_t i = 0; i < claims_count(); i++)
		if (strcmp(in->v[i].claim->id, id) == 0)
			return &in->v[i];
	ck_abort_msg("no claim %s", id);
	return NULL;
}

/*
 * The block of a figure in the text: its heading line (two spaces, then
 * heading) and the lines indented deeper that follow. Caller frees.
 */
static char *block(const char *text, const char *heading)
{
	char *needle = xasprintf("\n  %s ", heading);
	const char *s = strstr(text, needle);
	ck_assert_msg(s != NULL, "no figure \"%s\" in:\n%s", heading, text);
	free(needle);
	s++;
	const char *end = strchr(s, '\n');
	while (end && strncmp(end + 1, "   ", 3) == 0)
		end = strchr(end + 1, '\n');
	size_t len = end ? (size_t)(end - s) : strlen(s);
	char *b = xmalloc(len + 1);
	memcpy(b, s, len);
	b[len] = '\0';
	return b;
}

/*
 * The line of run tag ("[2]") in a block, its continuation lines (indented
 * deeper) joined to it by one space. Caller frees.
 */
static char *run_line(const char *blk, const char *tag)
{
	char *needle = xasprintf("    %s", tag);
	const char *s = strstr(blk, needle);
	ck_assert_msg(s != NULL, "no line %s in:\n%s", tag, blk);
	free(needle);
	char *line = xmalloc(strlen(s) + 1), *w = line;
	for (;;) {
		const char *end = strchr(s, '\n');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		memcpy(w, s, len);
		w += len;
		if (!end || strncmp(end + 1, "     ", 5) != 0)
			break;
		s = end + 1;
		while (*s == ' ')
			s++;
		*w++ = ' ';
	}
	*w = '\0';
	return line;
}

static void assert_has(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle) != NULL, "\"%s\" not in:\n%s", needle, hay);
}

/* Every line fits width code points and ends without a space. */
static void check_lines(const char *text, size_t width)
{
	size_t line = 1, cols = 0;
	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			ck_assert_msg(p == text || p[-1] != ' ', "line %zu ends in a space", line);
			line++;
			cols = 0;
		} else if (((unsigned char)*p & 0xc0) != 0x80) {
			cols++;
			ck_assert_msg(cols <= width, "line %zu is wider than %zu columns", line,
				      width);
		}
	}
}

START_TEST(test_two_runs)
{
	struct run r[2];
	const enum variant vs[] = { RUN_A, RUN_B };
	struct compare_input *in = make_inputs(r, vs, 2);
	char *text = render(compare_render_text, in, 2, false);

	/* A time that doubled: ratio 2, significant, slower. */
	char *b = block(text, "futex");
	char *l = run_line(b, "[2]");
	assert_has(l, "10.0 [");
	assert_has(l, "] µs n=50");
	assert_has(l, "×2.00 [");
	assert_has(l, " slower");
	free(l);
	l = run_line(b, "[1]");
	assert_has(l, "5.00 [");
	ck_assert_ptr_null(strstr(l, "×")); /* the reference has no ratio */
	free(l);
	free(b);

	/* The same time: negligible, "same". */
	b = block(text, "pthread_create");
	l = run_line(b, "[2]");
	assert_has(l, "×1.00 [");
	assert_has(l, " same");
	free(l);
	free(b);

	/* A time that fell: faster; the reading parent_rss_bytes kept nothing apart. */
	b = block(text, "fork");
	l = run_line(b, "[2]");
	assert_has(l, "20.0 [");
	assert_has(l, " faster");
	ck_assert_ptr_null(strstr(l, "slightly"));
	free(l);
	free(b);
	ck_assert_ptr_null(strstr(text, "parent_rss_bytes"));
	ck_assert_ptr_null(strstr(text, "fork extra_bytes=0 kind=process placement=same-cpu\n"
					"    [1] —"));

	/* Only in B. */
	b = block(text, "clone_vm");
	l = run_line(b, "[1]");
	ck_assert_str_eq(l, "    [1] —");
	free(l);
	l = run_line(b, "[2]");
	assert_has(l, "20.0 [");
	ck_assert_ptr_null(strstr(l, "×"));
	free(l);
	free(b);

	/* One sample: a bare ratio, undecided. */
	b = block(text, "vfork");
	l = run_line(b, "[2]");
	assert_has(l, "n=1 ×");
	ck_assert_msg(l[strlen(l) - 1] == '?', "not undecided: %s", l);
	free(l);
	free(b);

	/* A rate that doubled: faster. */
	b = block(text, "throughput");
	l = run_line(b, "[2]");
	assert_has(l, "20k [");
	assert_has(l, "] requests/s n=50");
	assert_has(l, "×2.00 [");
	assert_has(l, " faster");
	free(l);
	free(b);

	/* A size that stayed put. */
	b = block(text, "pss_per_unit");
	l = run_line(b, "[2]");
	assert_has(l, "1.00 [");
	assert_has(l, " same");
	free(l);
	free(b);

	/* The verdicts: create.cost holds in A and is negligible in B; nothing else moved. */
	ck_assert_int_eq(verdict_of(&in[0], "create.cost")->status, V_HOLDS);
	ck_assert_int_eq(verdict_of(&in[1], "create.cost")->status, V_NEGLIGIBLE);
	char *head =
		xasprintf("Verdicts that differ: 1 (%zu unchanged, 0 judged in only some runs)",
			  claims_count() - 1);
	assert_has(text, head);
	free(head);
	const char *vs_at = strstr(text, "create.cost:");
	ck_assert_ptr_nonnull(vs_at);
	ck_assert_ptr_nonnull(strstr(vs_at, "    [1] holds ×7."));
	ck_assert_ptr_nonnull(strstr(vs_at, "    [2] negligible ×1.0"));
	/* Verdicts come before the figures, and the note says how to read them. */
	ck_assert(vs_at < strstr(text, "Figures: "));
	assert_has(text, "1.25");
	assert_has(text, "[2] against [1]: 2 better, 1 worse");
	assert_has(text, "[1] a.json (reference)");
	assert_has(text,
		   "Test CPU 9000 @ 3.00GHz, 4 CPUs, Linux 6.1.0-test, virtual machine (KVM)");
	ck_assert_ptr_null(strstr(text, "different machines"));

	/* Experiments in order, each once. */
	const char *c = strstr(text, "\ncreate\n"), *s = strstr(text, "\nswitch\n");
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(s);
	ck_assert(c < s);
	ck_assert(strstr(c, "  clone_vm") < s); /* a figure only B has joins its experiment */
	ck_assert_ptr_null(strstr(c + 1, "\ncreate\n"));
	free(text);
	free_inputs(r, in, 2);
}
END_TEST

/* Width, trailing spaces, and colour that only adds codes. */
START_TEST(test_text_layout)
{
	struct run r[3];
	const enum variant vs[] = { RUN_A, RUN_B, RUN_C };
	struct compare_input *in = make_inputs(r, vs, 3);
	char *plain = render(compare_render_text, in, 3, false);
	check_lines(plain, WIDTH);
	ck_assert_ptr_null(strchr(plain, '\033'));
	assert_has(plain, "an_exceedingly_long_metric_name");

	char *color = render(compare_render_text, in, 3, true);
	ck_assert_ptr_nonnull(strchr(color, '\033'));
	/* Strip "\033[...m" and the rest must be the plain text. */
	char *stripped = xstrdup(color), *w = stripped;
	for (const char *p = color; *p;) {
		if (*p == '\033') {
			p = strchr(p, 'm');
			ck_assert_ptr_nonnull(p);
			p++;
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
	ck_assert_str_eq(stripped, plain);
	free(stripped);
	free(color);
	free(plain);
	free_inputs(r, in, 3);
}
END_TEST

/* Three runs: every ratio is to the first; another machine is said. */
START_TEST(test_three_runs)
{
	struct run r[3];
	const enum variant vs[] = { RUN_A, RUN_B, RUN_C };
	struct compare_input *in = make_inputs(r, vs, 3);
	char *text = render(compare_render_text, in, 3, false);
	char *b = block(text, "futex");
	char *l = run_line(b, "[3]");
	assert_has(l, "15.0 [");
	assert_has(l, "×3.00 ["); /* over A's 5 µs, not B's 10 µs */
	assert_has(l, " slower");
	free(l);
	free(b);
	b = block(text, "clone_vm");
	l = run_line(b, "[3]");
	ck_assert_str_eq(l, "    [3] —");
	free(l);
	free(b);
	/* C's create.cost holds like A's: the change is B's alone, still listed. */
	const char *at = strstr(text, "create.cost:");
	ck_assert_ptr_nonnull(at);
	ck_assert_ptr_nonnull(strstr(at, "    [3] holds"));
	assert_has(text, "[3] c.json");
	assert_has(text, "Other CPU 5000, 8 CPUs");
	assert_has(text, "different machines");
	assert_has(text, "[3] against [1]:");
	free(text);
	free_inputs(r, in, 3);
}
END_TEST

/* The first run given is the reference, whichever it is. */
START_TEST(test_reference_first)
{
	struct run r[2];
	const enum variant vs[] = { RUN_B, RUN_A };
	struct compare_input *in = make_inputs(r, vs, 2);
	char *text = render(compare_render_text, in, 2, false);
	assert_has(text, "[1] b.json (reference)");
	char *b = block(text, "futex");
	char *l = run_line(b, "[2]");
	assert_has(l, "5.00 [");
	assert_has(l, "×0.500 [0.4"); /* three significant digits below 1 too */
	assert_has(l, " faster");
	free(l);
	free(b);
	b = block(text, "throughput");
	l = run_line(b, "[2]");
	assert_has(l, " slower");
	free(l);
	free(b);
	/* clone_vm is B's: first in B's order, missing in A. */
	b = block(text, "clone_vm");
	l = run_line(b, "[2]");
	ck_assert_str_eq(l, "    [2] —");
	free(l);
	free(b);
	free(text);
	free_inputs(r, in, 2);
}
END_TEST

/*
 * A claim one run cannot judge is not a changed verdict; an experiment one
 * run lacks is said once, its figures not listed one by one.
 */
START_TEST(test_missing_experiment)
{
	struct run r[2];
	const enum variant vs[] = { RUN_A, RUN_D };
	struct compare_input *in = make_inputs(r, vs, 2);
	ck_assert_int_eq(verdict_of(&in[1], "create.cost")->status, V_NO_DATA);
	char *text = render(compare_render_text, in, 2, false);
	check_lines(text, WIDTH);
	/* create.cost and create.memory (one size: inconclusive, too few sizes) in [1] only. */
	char *head =
		xasprintf("Verdicts that differ: 0 (%zu unchanged, 2 judged in only some runs)",
			  claims_count() - 2);
	assert_has(text, head);
	free(head);
	assert_has(text, "No data in [2]: create.cost, create.memory.");
	ck_assert_ptr_null(strstr(text, "create.cost:"));
	assert_has(text, "\ncreate\n  [2] not in this run\n  3 figures, only in [1]: nothing to "
			 "compare them with.\n");
	assert_has(text, "\nlonely\n  [1] not in this run\n  2 figures, only in [2]: nothing to "
			 "compare them with.\n");
	ck_assert_ptr_null(strstr(text, "  fork "));
	/* The futex figures are the same in A and D. */
	char *b = block(text, "futex");
	char *l = run_line(b, "[2]");
	assert_has(l, " same");
	free(l);
	free(b);
	assert_has(text, "[2] against [1]: 1 better, 0 worse, 4 same, 0 undecided (?), 5 missing");
	char *html = render(compare_render_html, in, 2, false);
	assert_has(html, "No data in [2]: create.cost, create.memory.");
	assert_has(html, "3 figures, only in [1]");
	free(html);
	free(text);
	free_inputs(r, in, 2);
}
END_TEST

/* Occurrences of s in text. */
static size_t count(const char *text, const char *s)
{
	size_t n = 0;
	for (const char *p = strstr(text, s); p; p = strstr(p + 1, s))
		n++;
	return n;
}

/* The row of a figure in the HTML, from its <tr> to its </tr>. Caller frees. */
static char *html_row(const char *html, const char *name)
{
	char *needle = xasprintf("<tr><th scope=\"row\">%s", name);
	const char *s = strstr(html, needle);
	ck_assert_msg(s != NULL, "no row %s", name);
	free(needle);
	const char *e = strstr(s, "</tr>");
	ck_assert_ptr_nonnull(e);
	char *row = xmalloc((size_t)(e - s) + 1);
	memcpy(row, s, (size_t)(e - s));
	row[e - s] = '\0';
	return row;
}

START_TEST(test_html)
{
	struct run r[3];
	const enum variant vs[] = { RUN_A, RUN_B, RUN_C };
	struct compare_input *in = make_inputs(r, vs, 3);
	char *html = render(compare_render_html, in, 3, false);

	/* Every figure's name, and the odd ones escaped. */
	for (size_t e = 0; e < r[1].n_results; e++)
		for (size_t i = 0; i < r[1].results[e].n_metrics; i++) {
			const char *name = r[1].results[e].metrics[i].name;
			if (!strpbrk(name, "<&'"))
				ck_assert_msg(count(html, name) >= 1, "%s missing", name);
		}
	assert_has(html, "a&lt;b&amp;c");
	assert_has(html, "odd&lt;&amp;&gt;");
	assert_has(html, "mode=&lt;x &amp; ");
	ck_assert_ptr_null(strstr(html, "a<b"));
	ck_assert_ptr_null(strstr(html, "odd<"));
	ck_assert_ptr_null(strstr(html, "<x &"));

	/* Balanced tables. */
	ck_assert_uint_gt(count(html, "<table"), 5);
	ck_assert_uint_eq(count(html, "<table"), count(html, "</table>"));
	ck_assert_uint_eq(count(html, "<thead>"), count(html, "</thead>"));
	ck_assert_uint_eq(count(html, "<tbody>"), count(html, "</tbody>"));
	ck_assert_uint_eq(count(html, "<tr>") + count(html, "<tr "), count(html, "</tr>"));
	ck_assert_uint_eq(count(html, "<td>") + count(html, "<td "), count(html, "</td>"));
	ck_assert_uint_eq(count(html, "<th>") + count(html, "<th "), count(html, "</th>"));
	ck_assert_uint_eq(count(html, "<span"), count(html, "</span>"));
	ck_assert_uint_eq(count(html, "<div"), count(html, "</div>"));
	ck_assert_uint_eq(count(html, "<section>"), count(html, "</section>"));
	ck_assert_uint_eq(count(html, "<main>"), 1);
	ck_assert_uint_eq(count(html, "</main>"), 1);
	ck_assert_uint_eq(count(html, "<html"), 1);
	ck_assert_uint_eq(count(html, "</html>"), 1);
	assert_has(html, "[2] against [1]: 2 better, 1 worse");

	/* Classes by direction, badges by verdict. */
	char *row = html_row(html, "futex");
	assert_has(row, "<td class=\"worse\">×2.00 [");
	assert_has(row, "<td class=\"worse\">×3.00 [");
	free(row);
	row = html_row(html, "throughput");
	assert_has(row, "<td class=\"better\">×2.00 [");
	free(row);
	row = html_row(html, "pthread_create");
	assert_has(row, "<td class=\"same\">");
	free(row);
	row = html_row(html, "vfork");
	assert_has(row, "<td class=\"unknown\">×");
	assert_has(row, " ?</td>");
	free(row);
	row = html_row(html, "clone_vm");
	assert_has(row, "<td>—</td><td>20.0 [");
	free(row);
	assert_has(html, "<span class=\"badge v-holds\">holds ×7.");
	assert_has(html, "<span class=\"badge v-negligible\">negligible ×1.0");
	assert_has(html, "<code>create.cost</code>");
	free(html);
	free_inputs(r, in, 3);
}
END_TEST

/* A figure recorded twice in one run (two batches) pairs with its twin, not with itself. */
START_TEST(test_duplicate_figure)
{
	struct run r[2];
	const enum variant vs[] = { RUN_A, RUN_B };
	struct compare_input *in = make_inputs(r, vs, 2);
	struct mparam sw[] = { { .key = "kind", .str = "process" },
			       { .key = "placement", .str = "same-cpu" } };
	for (size_t k = 0; k < 2; k++) {
		struct exp_result *e = &r[k].results[1];
		ck_assert_str_eq(e->name, "switch");
		add_metric(e, "futex", "ns", DIR_LOWER_IS_BETTER, sw, 2, 7000.0 * (1 + k), 5,
			   (unsigned)k);
	}
	char *text = render(compare_render_text, in, 2, false);
	const char *first = strstr(text, "\n  futex ");
	ck_assert_ptr_nonnull(first);
	const char *second = strstr(first + 1, "\n  futex ");
	ck_assert_ptr_nonnull(second);
	char *b = block(second, "futex");
	char *l = run_line(b, "[2]");
	assert_has(l, "n=5 ×2.00");
	free(l);
	free(b);
	free(text);
	free_inputs(r, in, 2);
}
END_TEST

/*
 * A run set beside itself is said to be the same run, once, in the
 * header; a copy started at another time holds identical figures; "?" is
 * explained once, before the first one, and again in the header only
 * when the identical runs have one.
 */
START_TEST(test_same_run)
{
	struct run r[3];
	const enum variant same[] = { RUN_A, RUN_A, RUN_B };
	struct compare_input *in = make_inputs(r, same, 3);
	char *text = render(compare_render_text, in, 3, false);
	check_lines(text, WIDTH);
	ck_assert_uint_eq(count(text, "are the same run"), 1);
	assert_has(text, "[2] and [1] are the same run: same start time, same machine, identical "
			 "figures.\nEvery ratio is 1.\n");
	ck_assert_ptr_null(strstr(text, "[3] and [1]"));
	ck_assert_ptr_null(strstr(text, "identical figures, though"));
	ck_assert_uint_eq(count(text, "\"?\" means undecided"), 1);
	ck_assert(strstr(text, "\"?\" means undecided") < strstr(text, "undecided (?)"));
	char *html = render(compare_render_html, in, 3, false);
	ck_assert_uint_eq(count(html, "are the same run"), 1);
	ck_assert_uint_eq(count(html, "means undecided"), 1);
	free(html);
	free(text);
	free_inputs(r, in, 3);

	/* Another start time, the same figures; B has a "?" (one sample of vfork). */
	const enum variant copies[] = { RUN_B, RUN_B };
	in = make_inputs(r, copies, 2);
	free(r[1].started);
	r[1].started = xstrdup("2026-11-24T10:00:00Z");
	text = render(compare_render_text, in, 2, false);
	check_lines(text, WIDTH);
	ck_assert_ptr_null(strstr(text, "same run:"));
	assert_has(text, "[2] and [1] hold identical figures, though they are not the same run.");
	assert_has(text, "themselves, not a change.\n");
	char *b = block(text, "vfork");
	char *l = run_line(b, "[2]");
	ck_assert_msg(l[strlen(l) - 1] == '?', "not undecided: %s", l);
	free(l);
	free(b);
	free(text);

	/* One sample changed in one figure: no longer identical. */
	r[1].results[0].metrics[0].raw[0]++;
	text = render(compare_render_text, in, 2, false);
	ck_assert_ptr_null(strstr(text, "identical figures"));
	free(text);
	free_inputs(r, in, 2);

	/* Two runs that differ: neither note; "?" still explained once. */
	const enum variant differ[] = { RUN_A, RUN_B };
	in = make_inputs(r, differ, 2);
	text = render(compare_render_text, in, 2, false);
	ck_assert_ptr_null(strstr(text, "same run"));
	ck_assert_ptr_null(strstr(text, "identical figures"));
	ck_assert_uint_eq(count(text, "\"?\" means undecided"), 1);
	free(text);
	free_inputs(r, in, 2);
}
END_TEST

Suite *compare_suite(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("compare");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_two_runs);
	tcase_add_test(tc, test_text_layout);
	tcase_add_test(tc, test_three_runs);
	tcase_add_test(tc, test_reference_first);
	tcase_add_test(tc, test_html);
	tcase_add_test(tc, test_duplicate_figure);
	tcase_add_test(tc, test_missing_experiment);
	tcase_add_test(tc, test_same_run);
	suite_add_tcase(s, tc);
	return s;
}
