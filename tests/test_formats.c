// SPDX-License-Identifier: MIT
/*
 * Tests of the machine renderers (report/csv.c, report/openmetrics.c) on
 * a run made by hand: two experiments, figures in ns, bytes, requests/s
 * and requests, conditions whose values hold commas, quotes, newlines,
 * ';', '=', '\' and a byte that is not UTF-8, keys that are not label
 * names, one figure of a single sample, and two figures that differ only
 * in batch. Its verdicts are judged with claims_judge_all().
 *
 * CSV: the header exactly, one record per metric, every record read back
 * with a small RFC 4180 parser written here (CRLF, quoted fields), the
 * statistics reading back to the summary's doubles exactly.
 * OpenMetrics: every line is checked by a small validator written here
 * (descriptors before samples, families contiguous and never repeated,
 * names and label names valid, label values escaped and UTF-8, finite
 * values, no series twice, "# EOF\n" last), then exact lines are looked
 * for. When `promtool` is on PATH, `promtool check metrics` must accept
 * the output without a single warning (it parses the Prometheus text
 * format, as the node_exporter textfile collector does, and ignores the
 * OpenMetrics-only `# UNIT` and `# EOF` comment lines); without it the
 * test says "no promtool: structural check only" on stderr and passes.
 * Both formats must come out the same under a decimal-comma LC_NUMERIC
 * when the machine has such a locale (skipped otherwise).
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "claims/claims.h"
#include "model/run.h"
#include "report/report.h"
#include "suites.h"
#include "util/xalloc.h"

Suite *formats_suite(void);

/* A value with everything CSV and OpenMetrics must escape. */
#define NASTY "a,b \"c\"\nd;e=f\\g"

static void add(struct exp_result *e, const char *name, const char *unit, enum direction dir,
		const struct mparam *params, size_t n_params, const uint64_t *raw, size_t n,
		uint64_t batch)
{
	struct metric m = {
		.name = (char *)name,
		.unit = (char *)unit,
		.dir = dir,
		.params = (struct mparam *)params,
		.n_params = n_params,
		.batch = batch,
		.raw = (uint64_t *)raw,
		.n = n,
	};
	exp_result_add_metric(e, &m);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The hand-made run every test renders. */
static void make_run(struct run *r)
{
	/* Per operation: fork 150.4 µs, pthread_create 19 µs (timed four at a time). */
	static const uint64_t fork0[] = { 151200, 149800, 150400, 150100, 152900, 149500, 150800 };
	static const uint64_t pthread0[] = { 75600, 76400, 75200, 77200, 76000, 74800, 76800 };
	static const uint64_t tput[] = { 10000, 10100, 10200, 10300, 10400 };
	static const uint64_t pss[] = { 1572864 };
	static const uint64_t lost[] = { 0, 2, 1 };
	static const uint64_t rtt1[] = { 5000, 5100, 4900, 5050, 4950, 5020 };
	static const uint64_t rtt8[] = { 36000, 36800, 35200, 36400, 35600, 36100 };

	run_init(r);
	r->ptlab_version = xstrdup("0.1.0");
	r->started = xstrdup("2026-11-22T23:10:00Z");
	r->preset = xstrdup("quick");
	r->seed = 42;
	r->cpus = xstrdup("0-3");
	snprintf(r->env.hostname, sizeof(r->env.hostname), "lab\"box\\1");
	snprintf(r->env.cpu_model, sizeof(r->env.cpu_model), "Test CPU \xff 9000");
	snprintf(r->env.kernel, sizeof(r->env.kernel), "6.1.0-test");
	snprintf(r->env.machine, sizeof(r->env.machine), "x86_64");

	struct exp_result *e = run_add_result(r, "create");
	e->duration_ns = 4250000000ull;
	struct mparam fork_p[] = {
		{ .key = "extra_bytes", .str = "0", .num = 0, .is_num = true },
		{ .key = "kind", .str = "process" },
		{ .key = "note", .str = NASTY },
	};
	struct mparam thread_p[] = {
		{ .key = "extra_bytes", .str = "0", .num = 0, .is_num = true },
		{ .key = "kind", .str = "thread" },
	};
	add(e, "fork", "ns", DIR_LOWER_IS_BETTER, fork_p, N(fork_p), fork0, N(fork0), 1);
	add(e, "pthread_create", "ns", DIR_LOWER_IS_BETTER, thread_p, N(thread_p), pthread0,
	    N(pthread0), 4);

	e = run_add_result(r, "toy");
	e->outcome = OUTCOME_INTERRUPTED;
	e->duration_ns = 1500000000ull;
	struct mparam tput_p[] = {
		{ .key = "model", .str = "thread_pool" },
		{ .key = "Work-US", .str = "50", .num = 50, .is_num = true },
		{ .key = "load", .str = NASTY },
	};
	struct mparam pss_p[] = {
		{ .key = "9lives", .str = "x" }, { .key = "metric", .str = "m" },
		{ .key = "__x", .str = "y" },	 { .key = "a-b", .str = "1" },
		{ .key = "a_b", .str = "2" },
	};
	struct mparam lost_p[] = {
		{ .key = "model", .str = "prefork" },
		{ .key = "empty", .str = "" },
	};
	struct mparam rtt_p[] = { { .key = "bytes", .str = "64", .num = 64, .is_num = true } };
	add(e, "throughput", "requests/s", DIR_HIGHER_IS_BETTER, tput_p, N(tput_p), tput, N(tput),
	    1);
	add(e, "pss", "bytes", DIR_LOWER_IS_BETTER, pss_p, N(pss_p), pss, N(pss), 1);
	add(e, "lost", "requests", DIR_NONE, lost_p, N(lost_p), lost, N(lost), 1);
	add(e, "rtt", "ns", DIR_LOWER_IS_BETTER, rtt_p, N(rtt_p), rtt1, N(rtt1), 1);
	add(e, "rtt", "ns", DIR_LOWER_IS_BETTER, rtt_p, N(rtt_p), rtt8, N(rtt8), 8);
}

static struct verdict *judge_all(const struct run *r)
{
	struct verdict *v = xcalloc(claims_count(), sizeof(*v));
	claims_judge_all(r, v);
	return v;
}

static struct verdict *verdict_of(struct verdict *v, const char *id)
{
	const struct claim *c = claims_find(id);
	ck_assert_ptr_nonnull(c);
	return &v[c - claims];
}

/* Renders r with its verdicts into a new string (caller frees). */
static char *render(const struct renderer *rd, const struct run *r, const struct verdict *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	struct report_opts o = { .width = 80 };
	ck_assert_int_eq(rd->render(f, r, v, &o), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(strlen(buf), len);
	return buf;
}

/* ---- CSV ---------------------------------------------------------------- */

#define CSV_HEADER                                                                                 \
	"experiment,metric,conditions,unit,direction,batch,n,median,ci_low,ci_high,ci_level,mean," \
	"sd,min,max,p5,p95,mad,outliers,round_spread\r\n"
#define CSV_COLUMNS 20

struct csv {
	char ***rec; /* rec[i][j]: field j of record i */
	size_t *n_fields;
	size_t n;
};

/*
 * A strict RFC 4180 reader: records end in CRLF (the last one too),
 * fields are plain or quoted with quotes doubled; a bare CR or LF outside
 * quotes, or a quote inside a plain field, fails the test.
 */
static void csv_parse(const char *s, struct csv *out)
{
	memset(out, 0, sizeof(*out));
	size_t cap = 0;
	while (*s) {
		xgrow((void **)&out->rec, &cap, out->n + 1, sizeof(*out->rec));
		out->n_fields = xrealloc(out->n_fields, cap * sizeof(*out->n_fields));
		char **fields = NULL;
		size_t nf = 0, fcap = 0;
		for (;;) {
			char *f = xmalloc(strlen(s) + 1);
			size_t len = 0;
			if (*s == '"') {
				for (s++;; s++) {
					ck_assert_msg(*s, "unterminated quoted field");
					if (*s == '"' && s[1] == '"')
						f[len++] = '"', s++;
					else if (*s == '"')
						break;
					else
						f[len++] = *s;
				}
				s++;
			} else {
				for (; *s && *s != ',' && *s != '\r' && *s != '\n'; s++) {
					ck_assert_msg(*s != '"', "quote in a plain field");
					f[len++] = *s;
				}
			}
			f[len] = '\0';
			xgrow((void **)&fields, &fcap, nf + 1, sizeof(*fields));
			fields[nf++] = f;
			if (*s == ',') {
				s++;
				continue;
			}
			ck_assert_msg(s[0] == '\r' && s[1] == '\n', "record not ended by CRLF");
			s += 2;
			break;
		}
		out->rec[out->n] = fields;
		out->n_fields[out->n++] = nf;
	}
}

static void csv_free(struct csv *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t j = 0; j < c->n_fields[i]; j++)
			free(c->rec[i][j]);
		free(c->rec[i]);
	}
	free(c->rec);
	free(c->n_fields);
}

/* A field that must read back, whole, to x exactly (empty when x is not finite). */
static void check_num(const char *field, double x)
{
	if (!isfinite(x)) {
		ck_assert_str_eq(field, "");
		return;
	}
	char *end;
	double got = strtod(field, &end);
	ck_assert_msg(*field && *end == '\0', "not a number: \"%s\"", field);
	ck_assert_msg(got == x, "\"%s\" reads back as %.17g, not %.17g", field, got, x);
}

START_TEST(test_csv)
{
	struct run r;
	make_run(&r);
	struct verdict *v = judge_all(&r);
	char *text = render(&render_csv, &r, v);
	ck_assert_int_eq(strncmp(text, CSV_HEADER, strlen(CSV_HEADER)), 0);

	struct csv c;
	csv_parse(text, &c);
	ck_assert_uint_eq(c.n, 1 + 2 + 5);
	size_t row = 1;
	for (size_t i = 0; i < r.n_results; i++) {
		const struct exp_result *e = &r.results[i];
		for (size_t j = 0; j < e->n_metrics; j++, row++) {
			const struct metric *m = &e->metrics[j];
			char **f = c.rec[row];
			ck_assert_uint_eq(c.n_fields[row], CSV_COLUMNS);
			ck_assert_str_eq(f[0], e->name);
			ck_assert_str_eq(f[1], m->name);
			ck_assert_str_eq(f[3], m->unit);
			ck_assert_str_eq(f[4], direction_name(m->dir));
			ck_assert_uint_eq(strtoull(f[5], NULL, 10), m->batch);
			ck_assert_uint_eq(strtoull(f[6], NULL, 10), m->n);
			const double want[] = { m->sum.median,	 m->sum.ci_lo, m->sum.ci_hi,
						m->sum.ci_level, m->sum.mean,  m->sum.sd,
						m->sum.min,	 m->sum.max,   m->sum.p5,
						m->sum.p95,	 m->sum.mad };
			for (size_t k = 0; k < N(want); k++)
				check_num(f[7 + k], want[k]);
			ck_assert_uint_eq(strtoull(f[18], NULL, 10), m->sum.outliers);
			check_num(f[19], m->round_spread);
		}
	}
	/* fork, exactly: 7 samples, so the interval is [min, max] at 1 - 2/128. */
	ck_assert_str_eq(c.rec[1][2], "extra_bytes=0;kind=process;note=a,b \"c\"\nd\\;e\\=f\\\\g");
	ck_assert_str_eq(c.rec[1][7], "150400");
	ck_assert_str_eq(c.rec[1][8], "149500");
	ck_assert_str_eq(c.rec[1][9], "152900");
	ck_assert_str_eq(c.rec[1][10], "0.984375");
	ck_assert_str_eq(c.rec[1][18], "0");
	ck_assert_str_eq(c.rec[1][19], "1");
	/* pthread_create: per operation, raw totals over a batch of 4. */
	ck_assert_str_eq(c.rec[2][7], "19000");
	ck_assert_str_eq(c.rec[2][5], "4");
	/* One sample: its interval is the sample itself, covering nothing. */
	ck_assert_str_eq(c.rec[4][2], "9lives=x;metric=m;__x=y;a-b=1;a_b=2");
	ck_assert_str_eq(c.rec[4][6], "1");
	ck_assert_str_eq(c.rec[4][7], "1572864");
	ck_assert_str_eq(c.rec[4][8], "1572864");
	ck_assert_str_eq(c.rec[4][10], "0");
	ck_assert_str_eq(c.rec[5][2], "model=prefork;empty=");
	/* The nasty value on the wire: quoted, quotes doubled, the LF kept inside. */
	ck_assert_ptr_nonnull(
		strstr(text, "\r\ntoy,throughput,\"model=thread_pool;Work-US=50;load=a,b "
			     "\"\"c\"\"\nd\\;e\\=f\\\\g\",requests/s,higher_is_better,1,5,10200,"));
	csv_free(&c);
	free(text);
	free(v);
	run_free(&r);
}
END_TEST

/* No results: the header alone. A metric without samples: empty statistics. */
START_TEST(test_csv_empty)
{
	struct run r;
	run_init(&r);
	struct verdict *v = judge_all(&r);
	char *text = render(&render_csv, &r, v);
	ck_assert_str_eq(text, CSV_HEADER);
	free(text);

	struct exp_result *e = run_add_result(&r, "none");
	struct mparam p[] = { { .key = "k", .str = "v" } };
	struct metric m = {
		.name = "nothing", .unit = "ns", .params = p, .n_params = 1, .batch = 1
	};
	exp_result_add_metric(e, &m);
	text = render(&render_csv, &r, v);
	ck_assert_str_eq(text,
			 CSV_HEADER "none,nothing,k=v,ns,lower_is_better,1,0,,,,,,,,,,,,,\r\n");
	free(text);
	free(v);
	run_free(&r);
}
END_TEST

/* ---- OpenMetrics -------------------------------------------------------- */

static bool name_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (!first && c >= '0' && c <= '9');
}

/* Length of the name at s ([a-zA-Z_][a-zA-Z0-9_]*), 0 if none. */
static size_t name_len(const char *s)
{
	size_t n = 0;
	while (name_char(s[n], n == 0))
		n++;
	return n;
}

/* Whether s[0..n) is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF). */
static bool valid_utf8(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t len = c < 0x80		      ? 1
			     : c >= 0xc2 && c <= 0xdf ? 2
			     : c >= 0xe0 && c <= 0xef ? 3
			     : c >= 0xf0 && c <= 0xf4 ? 4
						      : 0;
		if (len == 0 || i + len > n)
			return false;
		unsigned cp = len == 1 ? c : c & (0x7f >> len);
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		static const unsigned min[] = { 0, 0, 0x80, 0x800, 0x10000 };
		if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
	}
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct om_stats {
	size_t families, samples;
};

/*
 * Checks text line by line as described in the file's comment and
 * returns its counts. Every failure names the line.
 */
static struct om_stats om_validate(const char *text)
{
	struct om_stats st = { 0 };
	size_t len = strlen(text);
	ck_assert_msg(len >= 6 && strcmp(text + len - 6, "# EOF\n") == 0,
		      "no \"# EOF\\n\" at the end");
	char **families = NULL, **series = NULL;
	size_t cap_f = 0, cap_s = 0, n_series = 0;
	const char *cur = NULL; /* the family being read */
	bool help = false, type = false, unit = false, samples = false, eof = false;
	size_t lineno = 0;
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		size_t ll = (size_t)(nl - line);
		char *l = strndup(line, ll);
		lineno++;
		ck_assert_msg(!eof, "line %zu: after # EOF", lineno);
		ck_assert_msg(strchr(l, '\r') == NULL, "line %zu: CR", lineno);
		ck_assert_msg(valid_utf8((const unsigned char *)l, ll), "line %zu: not UTF-8",
			      lineno);
		if (strcmp(l, "# EOF") == 0) {
			eof = true;
		} else if (l[0] == '#') {
			char kw[8] = "";
			size_t n = 0;
			ck_assert_msg(sscanf(l, "# %7s ", kw) == 1 && l[1] == ' ', "line %zu: %s",
				      lineno, l);
			const char *name = l + 2 + strlen(kw) + 1;
			n = name_len(name);
			ck_assert_msg(n > 0 && name[n] == ' ' && name[n + 1], "line %zu: %s",
				      lineno, l);
			if (strcmp(kw, "HELP") == 0) {
				/* A new family: never seen before, the one before it done. */
				for (size_t i = 0; i < st.families; i++)
					ck_assert_msg(strncmp(families[i], name, n) != 0 ||
							      families[i][n] != '\0',
						      "line %zu: family repeated: %s", lineno, l);
				xgrow((void **)&families, &cap_f, st.families + 1,
				      sizeof(*families));
				families[st.families] = strndup(name, n);
				cur = families[st.families++];
				help = true, type = unit = samples = false;
				ck_assert_msg(strpbrk(name + n + 1, "\\\"") == NULL,
					      "line %zu: HELP needs no escapes", lineno);
			} else {
				ck_assert_msg(cur && strncmp(cur, name, n) == 0 && cur[n] == '\0' &&
						      help && !samples,
					      "line %zu: descriptor out of place: %s", lineno, l);
				if (strcmp(kw, "TYPE") == 0) {
					ck_assert_msg(!type, "line %zu: second TYPE", lineno);
					ck_assert_str_eq(name + n + 1, "gauge");
					type = true;
				} else {
					ck_assert_str_eq(kw, "UNIT");
					ck_assert_msg(type && !unit, "line %zu: UNIT out of place",
						      lineno);
					const char *u = name + n + 1;
					size_t ul = strlen(u);
					ck_assert_msg(name_len(u) == ul && n > ul + 1 &&
							      strncmp(name + n - ul, u, ul) == 0 &&
							      name[n - ul - 1] == '_',
						      "line %zu: name does not end in its unit",
						      lineno);
					unit = true;
				}
			}
		} else {
			size_t n = name_len(l);
			ck_assert_msg(cur && type && strncmp(l, cur, n) == 0 && cur[n] == '\0',
				      "line %zu: sample outside its family: %s", lineno, l);
			ck_assert_msg(strncmp(l, "ptlab_", 6) == 0, "line %zu: prefix", lineno);
			for (size_t i = 0; i < n; i++)
				ck_assert_msg(!(l[i] >= 'A' && l[i] <= 'Z'), "line %zu: case",
					      lineno);
			samples = true;
			st.samples++;
			/* Labels: name="value", escapes \\ \" \n only; canonical form sorted. */
			char **pairs = NULL;
			size_t n_pairs = 0, cap_p = 0;
			const char *p = l + n;
			if (*p == '{') {
				p++;
				while (*p != '}') {
					size_t ln = name_len(p);
					ck_assert_msg(ln > 0 && p[ln] == '=' && p[ln + 1] == '"',
						      "line %zu: bad label at %s", lineno, p);
					ck_assert_msg(strncmp(p, "__", 2) != 0, "line %zu: __",
						      lineno);
					const char *start = p;
					for (p += ln + 2; *p != '"'; p++) {
						ck_assert_msg(*p, "line %zu: unterminated value",
							      lineno);
						if (*p == '\\') {
							p++;
							ck_assert_msg(*p == '\\' || *p == '"' ||
									      *p == 'n',
								      "line %zu: bad escape",
								      lineno);
						}
					}
					p++;
					xgrow((void **)&pairs, &cap_p, n_pairs + 1, sizeof(*pairs));
					pairs[n_pairs++] = strndup(start, (size_t)(p - start));
					for (size_t i = 0; i + 1 < n_pairs; i++)
						ck_assert_msg(strncmp(pairs[i], start, ln + 1) != 0,
							      "line %zu: label twice", lineno);
					if (*p == ',')
						p++;
					else
						ck_assert_msg(*p == '}', "line %zu: after value",
							      lineno);
				}
				p++;
			}
			ck_assert_msg(*p == ' ', "line %zu: no value", lineno);
			char *end;
			double x = strtod(p + 1, &end);
			ck_assert_msg(end != p + 1 && *end == '\0' && isfinite(x),
				      "line %zu: value (or timestamp) not one finite number",
				      lineno);
			qsort(pairs, n_pairs, sizeof(*pairs), cmp_str);
			size_t klen = n + 2;
			for (size_t i = 0; i < n_pairs; i++)
				klen += strlen(pairs[i]) + 1;
			char *key = xmalloc(klen);
			size_t k = 0;
			memcpy(key, l, n), k = n;
			key[k++] = '{';
			for (size_t i = 0; i < n_pairs; i++) {
				memcpy(key + k, pairs[i], strlen(pairs[i]));
				k += strlen(pairs[i]);
				key[k++] = ',';
				free(pairs[i]);
			}
			key[k] = '\0';
			free(pairs);
			xgrow((void **)&series, &cap_s, n_series + 1, sizeof(*series));
			series[n_series++] = key;
		}
		free(l);
		line = nl + 1;
	}
	ck_assert(eof);
	qsort(series, n_series, sizeof(*series), cmp_str);
	for (size_t i = 1; i < n_series; i++)
		ck_assert_msg(strcmp(series[i - 1], series[i]) != 0, "series twice: %s", series[i]);
	for (size_t i = 0; i < n_series; i++)
		free(series[i]);
	free(series);
	for (size_t i = 0; i < st.families; i++)
		free(families[i]);
	free(families);
	return st;
}

/* Whether text holds line exactly. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

#define ASSERT_LINE(text, line) ck_assert_msg(has_line(text, line), "missing line: %s", line)

/* promtool's full path when it is on PATH (caller frees), else NULL. */
static char *find_promtool(void)
{
	const char *path = getenv("PATH");
	if (!path)
		return NULL;
	char *copy = xstrdup(path), *save = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/promtool", dir);
		if (access(full, X_OK) == 0) {
			free(copy);
			return full;
		}
		free(full);
	}
	free(copy);
	return NULL;
}

/*
 * `promtool check metrics` on text (stdin) must exit 0 and print nothing:
 * no parse error, no lint warning. Without promtool, says so and passes.
 */
static void promtool_check(const char *text)
{
	char *promtool = find_promtool();
	if (!promtool) {
		fprintf(stderr, "no promtool: structural check only\n");
		return;
	}
	char path[] = "/tmp/ptlab-formats-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	char *cmd = xasprintf("'%s' check metrics < '%s' 2>&1", promtool, path);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char said[4096];
	size_t got = fread(said, 1, sizeof(said) - 1, p);
	said[got] = '\0';
	int status = pclose(p);
	unlink(path);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0 && got == 0,
		      "promtool check metrics (status %d) said: %s", status, said);
	free(cmd);
	free(promtool);
}

/* The labels of the fork figure, escaped as the output must have them. */
#define FORK_LABELS                                                                                \
	"experiment=\"create\",metric=\"fork\",extra_bytes=\"0\",kind=\"process\","                \
	"note=\"a,b \\\"c\\\"\\nd;e=f\\\\g\""

START_TEST(test_om)
{
	struct run r;
	make_run(&r);
	struct verdict *v = judge_all(&r);
	/* Seven samples a side: an interval, but too few for a verdict (CLAIM_VERDICT_SAMPLES). */
	ck_assert_int_eq(verdict_of(v, "create.cost")->status, V_INCONCLUSIVE);
	char *text = render(&render_openmetrics, &r, v);
	struct om_stats st = om_validate(text);

	/* The run, its experiments. */
	ASSERT_LINE(text, "# TYPE ptlab_run_info gauge");
	ASSERT_LINE(text,
		    "ptlab_run_info{version=\"0.1.0\",preset=\"quick\",seed=\"42\",cpus=\"0-3\","
		    "started=\"2026-11-22T23:10:00Z\",hostname=\"lab\\\"box\\\\1\","
		    "kernel=\"6.1.0-test\",machine=\"x86_64\","
		    "cpu_model=\"Test CPU ? 9000\"} 1");
	ASSERT_LINE(text, "ptlab_experiment_outcome{experiment=\"create\",outcome=\"ok\"} 1");
	ASSERT_LINE(text, "ptlab_experiment_outcome{experiment=\"toy\",outcome=\"interrupted\"} 1");
	ASSERT_LINE(text, "# UNIT ptlab_experiment_duration_seconds seconds");
	ASSERT_LINE(text, "ptlab_experiment_duration_seconds{experiment=\"create\"} 4.25");
	ASSERT_LINE(text, "ptlab_experiment_duration_seconds{experiment=\"toy\"} 1.5");

	/* Times in seconds, per operation. */
	ASSERT_LINE(text, "# UNIT ptlab_time_median_seconds seconds");
	ASSERT_LINE(text, "ptlab_time_median_seconds{" FORK_LABELS "} 0.0001504");
	ASSERT_LINE(text, "ptlab_time_ci_low_seconds{" FORK_LABELS "} 0.0001495");
	ASSERT_LINE(text, "ptlab_time_ci_high_seconds{" FORK_LABELS "} 0.0001529");
	ASSERT_LINE(text,
		    "ptlab_time_median_seconds{experiment=\"create\",metric=\"pthread_create\","
		    "extra_bytes=\"0\",kind=\"thread\"} 1.9e-05");
	ASSERT_LINE(text, "ptlab_samples{" FORK_LABELS "} 7");
	ASSERT_LINE(text, "ptlab_ci_coverage_ratio{" FORK_LABELS "} 0.984375");
	ASSERT_LINE(text, "ptlab_round_spread_ratio{" FORK_LABELS "} 1");
	/* Same name and conditions, two batches: both carry their batch. */
	ASSERT_LINE(text,
		    "ptlab_time_median_seconds{experiment=\"toy\",metric=\"rtt\",bytes=\"64\","
		    "batch=\"1\"} 5.01e-06");
	ASSERT_LINE(text,
		    "ptlab_time_median_seconds{experiment=\"toy\",metric=\"rtt\",bytes=\"64\","
		    "batch=\"8\"} 4.50625e-06");
	/* Rates and other units carry the recorded unit. */
	ASSERT_LINE(text, "# UNIT ptlab_rate_median_per_second per_second");
	ASSERT_LINE(text,
		    "ptlab_rate_median_per_second{experiment=\"toy\",metric=\"throughput\","
		    "model=\"thread_pool\",work_us=\"50\",load=\"a,b \\\"c\\\"\\nd;e=f\\\\g\","
		    "unit=\"requests/s\"} 10200");
	/* Keys made label names; an empty value is no label. */
	ASSERT_LINE(text, "ptlab_size_median_bytes{experiment=\"toy\",metric=\"pss\","
			  "param_9lives=\"x\",metric_=\"m\",param___x=\"y\",a_b=\"1\",a_b_=\"2\"} "
			  "1572864");
	ASSERT_LINE(text,
		    "ptlab_ci_coverage_ratio{experiment=\"toy\",metric=\"pss\","
		    "param_9lives=\"x\",metric_=\"m\",param___x=\"y\",a_b=\"1\",a_b_=\"2\"} 0");
	ASSERT_LINE(text, "ptlab_value_median{experiment=\"toy\",metric=\"lost\",model=\"prefork\","
			  "unit=\"requests\"} 1");
	ck_assert_ptr_null(strstr(text, "# UNIT ptlab_value_median"));

	/* Verdicts: every claim once, and the ratio create.cost rests on. */
	ASSERT_LINE(text, "ptlab_verdict{claim=\"create.cost\",status=\"inconclusive\"} 1");
	/* The ratio the verdict rests on, reading back exactly. */
	const char *rl = strstr(text, "\nptlab_claim_ratio{claim=\"create.cost\"} ");
	ck_assert_ptr_nonnull(rl);
	ck_assert(strtod(strchr(rl, '}') + 2, NULL) == verdict_of(v, "create.cost")->ratio.ratio);
	ck_assert_double_eq_tol(verdict_of(v, "create.cost")->ratio.ratio, 150400.0 / 19000.0,
				1e-12);
	ASSERT_LINE(text, "# UNIT ptlab_claim_ratio ratio");
	size_t verdicts = 0;
	for (const char *p = text; (p = strstr(p, "\nptlab_verdict{")) != NULL; p++)
		verdicts++;
	ck_assert_uint_eq(verdicts, claims_count());

	/*
	 * Count: run_info 1; outcome and duration 2 each; 7 figures with a
	 * median, two interval ends, samples, coverage and spread (6 each); the
	 * verdicts, and the ratios of the measured ratio claims.
	 */
	size_t ratios = 0;
	for (const char *p = text; (p = strstr(p, "\nptlab_claim_")) != NULL; p++)
		ratios++;
	ck_assert_uint_ge(ratios, 3);
	ck_assert_uint_eq(st.samples, 1 + 2 + 2 + 7 * 6 + claims_count() + ratios);
	ck_assert_str_eq(text + strlen(text) - 6, "# EOF\n");
	promtool_check(text);
	free(text);
	free(v);
	run_free(&r);
}
END_TEST

/* Non-finite ratios and interval ends leave their samples out; nothing else changes. */
START_TEST(test_om_non_finite)
{
	struct run r;
	make_run(&r);
	struct verdict *v = judge_all(&r);
	struct verdict *cost = verdict_of(v, "create.cost");
	cost->ratio.lo = NAN;
	cost->ratio.hi = INFINITY;
	char *text = render(&render_openmetrics, &r, v);
	om_validate(text);
	ck_assert_ptr_nonnull(strstr(text, "\nptlab_claim_ratio{claim=\"create.cost\"} "));
	ck_assert_ptr_null(strstr(text, "ptlab_claim_ci_low_ratio{claim=\"create.cost\"}"));
	ck_assert_ptr_null(strstr(text, "ptlab_claim_ci_high_ratio{claim=\"create.cost\"}"));
	ck_assert_ptr_null(strstr(text, "NaN"));
	ck_assert_ptr_null(strstr(text, "Inf"));
	promtool_check(text);
	free(text);
	free(v);
	run_free(&r);
}
END_TEST

/*
 * Clashes: the same conditions in another order are the same label set
 * (so both get their batch); two figures identical but for the unit
 * (ns and us, one family) keep the first; a repeated experiment name is
 * written once. An empty run is still a valid exposition.
 */
START_TEST(test_om_clashes)
{
	static const uint64_t raw[] = { 10, 11, 12, 13, 14, 15 };
	struct run r;
	run_init(&r);
	struct verdict *v = judge_all(&r);
	char *text = render(&render_openmetrics, &r, v);
	om_validate(text);
	ck_assert_ptr_null(strstr(text, "ptlab_time"));
	ck_assert_ptr_nonnull(strstr(text, "\nptlab_verdict{"));
	promtool_check(text);
	free(text);

	struct exp_result *e = run_add_result(&r, "x");
	struct mparam ab[] = { { .key = "a", .str = "1" }, { .key = "b", .str = "2" } };
	struct mparam ba[] = { { .key = "b", .str = "2" }, { .key = "a", .str = "1" } };
	add(e, "m", "ns", DIR_LOWER_IS_BETTER, ab, 2, raw, N(raw), 1);
	add(e, "m", "ns", DIR_LOWER_IS_BETTER, ba, 2, raw, N(raw), 2);
	add(e, "u", "ns", DIR_LOWER_IS_BETTER, ab, 2, raw, N(raw), 1);
	add(e, "u", "us", DIR_LOWER_IS_BETTER, ab, 2, raw, N(raw), 1);
	run_add_result(&r, "x");
	free(v);
	v = judge_all(&r);
	text = render(&render_openmetrics, &r, v);
	struct om_stats st = om_validate(text);
	ASSERT_LINE(text, "ptlab_time_median_seconds{experiment=\"x\",metric=\"m\",a=\"1\",b=\"2\","
			  "batch=\"1\"} 1.25e-08");
	ASSERT_LINE(text, "ptlab_time_median_seconds{experiment=\"x\",metric=\"m\",b=\"2\",a=\"1\","
			  "batch=\"2\"} 6.25e-09");
	ASSERT_LINE(text,
		    "ptlab_time_median_seconds{experiment=\"x\",metric=\"u\",a=\"1\",b=\"2\"} "
		    "1.25e-08");
	ck_assert_ptr_null(strstr(text, "1.25e-05"));
	ASSERT_LINE(text, "ptlab_experiment_outcome{experiment=\"x\",outcome=\"ok\"} 1");
	/* run_info, 1 outcome, 1 duration, 3 figures x 6 series, the verdicts. */
	ck_assert_uint_eq(st.samples, 1 + 1 + 1 + 3 * 6 + claims_count());
	promtool_check(text);
	free(text);
	free(v);
	run_free(&r);
}
END_TEST

/* ---- Both ----------------------------------------------------------------- */

/*
 * A decimal-comma LC_NUMERIC changes nothing in either format (the
 * renderers write in the C locale whatever the process's). Skipped when
 * the machine has no such locale.
 */
START_TEST(test_decimal_comma)
{
	static const char *const names[] = { "de_DE.UTF-8", "de_DE.utf8",  "fr_FR.UTF-8",
					     "fr_FR.utf8",  "nl_NL.UTF-8", "it_IT.UTF-8",
					     "ru_RU.UTF-8", "id_ID.UTF-8", "pt_BR.UTF-8",
					     "de_DE",	    "fr_FR",	   NULL };
	struct run r;
	make_run(&r);
	struct verdict *v = judge_all(&r);
	char *csv = render(&render_csv, &r, v);
	char *om = render(&render_openmetrics, &r, v);
	const char *found = NULL;
	for (size_t i = 0; names[i] && !found; i++)
		if (setlocale(LC_NUMERIC, names[i]) &&
		    strcmp(localeconv()->decimal_point, ",") == 0)
			found = names[i];
	if (!found) {
		fprintf(stderr, "no decimal-comma locale: locale check skipped\n");
	} else {
		char buf[16];
		snprintf(buf, sizeof(buf), "%.1f", 0.5);
		ck_assert_str_eq(buf, "0,5"); /* the locale does bite printf */
		char *csv2 = render(&render_csv, &r, v);
		char *om2 = render(&render_openmetrics, &r, v);
		ck_assert_str_eq(csv2, csv);
		ck_assert_str_eq(om2, om);
		free(csv2);
		free(om2);
	}
	setlocale(LC_NUMERIC, "C");
	ck_assert_ptr_nonnull(strstr(om, " 0.0001504\n"));
	free(csv);
	free(om);
	free(v);
	run_free(&r);
}
END_TEST

/* A write error is reported as -EIO by both. */
START_TEST(test_write_error)
{
	struct run r;
	make_run(&r);
	struct verdict *v = judge_all(&r);
	struct report_opts o = { .width = 80 };
	const struct renderer *rds[] = { &render_csv, &render_openmetrics };
	for (size_t i = 0; i < N(rds); i++) {
		FILE *f = fopen("/dev/full", "w");
		if (!f) {
			fprintf(stderr, "no /dev/full: write error check skipped\n");
			break;
		}
		setvbuf(f, NULL, _IONBF, 0);
		ck_assert_int_eq(rds[i]->render(f, &r, v, &o), -EIO);
		fclose(f);
	}
	free(v);
	run_free(&r);
}
END_TEST

Suite *formats_suite(void)
{
	Suite *s = suite_create("formats");
	TCase *tc = tcase_create("csv");
	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_csv_empty);
	suite_add_tcase(s, tc);
	tc = tcase_create("openmetrics");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_om);
	tcase_add_test(tc, test_om_non_finite);
	tcase_add_test(tc, test_om_clashes);
	suite_add_tcase(s, tc);
	tc = tcase_create("both");
	tcase_add_test(tc, test_decimal_comma);
	tcase_add_test(tc, test_write_error);
	suite_add_tcase(s, tc);
	return s;
}
