// SPDX-License-Identifier: MIT
/*
 * Tests of report/svg: the structure of every chart kind, never its
 * pixels. Each output goes through a small well-formedness checker
 * (balanced tags, quoted and unique attributes, entities only, no '<' or
 * '>' in text) and is searched for what a reader must find in it: the
 * ids, the title, every legend label, tick labels in the axis's unit, and
 * nothing that must never be there (NaN, infinities, exponents, links,
 * commas in coordinates). Degenerate inputs (one point, all equal, all
 * NaN, non-positive values on a log axis) are checked for their outcome.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/svg.h"
#include "suites.h"

Suite *svg_suite(void);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KIB 1024.0
#define MIB (1024.0 * 1024)
#define GIB (1024.0 * 1024 * 1024)

/* Renders c into a heap string (never NULL); *rc gets the return value. */
static char *render(const struct svg_chart *c, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	*rc = svg_chart_write(f, c);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == ':' || c == '.';
}

/* Past an entity at p ('&'), or NULL when it is not one XML knows. */
static const char *entity_end(const char *p)
{
	static const char *const names[] = { "amp;", "lt;", "gt;", "quot;", "apos;" };
	p++;
	if (*p == '#') {
		p++;
		bool hex = *p == 'x';
		const char *d = p += hex;
		while (hex ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p))
			p++;
		return p > d && *p == ';' ? p + 1 : NULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strncmp(p, names[i], strlen(names[i])) == 0)
			return p + strlen(names[i]);
	return NULL;
}

/*
 * NULL when s is well-formed XML content (a sequence of elements and
 * text), else what is wrong. Coordinate attributes must hold no comma (a
 * decimal comma from the locale).
 */
static const char *xml_check(const char *s)
{
	const char *open[64];
	size_t open_len[64], depth = 0;
	const char *p = s;

	while (*p) {
		if (*p == '&') {
			if (!(p = entity_end(p)))
				return "bad entity in text";
			continue;
		}
		if (*p == '>')
			return "raw > in text";
		if (*p++ != '<')
			continue;
		if (*p == '/') {
			size_t n = 0;
			while (name_char(p[1 + n]))
				n++;
			if (!depth || n != open_len[depth - 1] ||
			    strncmp(p + 1, open[depth - 1], n))
				return "close tag does not match";
			depth--;
			p += 1 + n;
			if (*p++ != '>')
				return "junk in a close tag";
			continue;
		}
		size_t n = 0, n_attrs = 0;
		const char *attrs[32];
		size_t attr_len[32];
		while (name_char(p[n]))
			n++;
		if (!n || depth == ARRAY_SIZE(open))
			return "tag without a name, or too deep";
		open[depth] = p;
		open_len[depth++] = n;
		p += n;
		for (;;) {
			bool space = false;
			while (*p == ' ' || *p == '\n')
				p++, space = true;
			if (p[0] == '/' && p[1] == '>') {
				depth--;
				p += 2;
				break;
			}
			if (*p == '>') {
				p++;
				break;
			}
			size_t an = 0;
			while (name_char(p[an]))
				an++;
			if (!an || !space || n_attrs == ARRAY_SIZE(attrs))
				return "bad attribute";
			for (size_t i = 0; i < n_attrs; i++)
				if (attr_len[i] == an && !strncmp(attrs[i], p, an))
					return "attribute given twice";
			attrs[n_attrs] = p;
			attr_len[n_attrs++] = an;
			char name[16];
			snprintf(name, sizeof(name), " %.*s ", (int)(an < 12 ? an : 12), p);
			bool coord = strstr(" d x y cx cy r width height viewBox transform ", name);
			p += an;
			if (*p++ != '=')
				return "attribute without a value";
			char q = *p++;
			if (q != '"' && q != '\'')
				return "unquoted attribute";
			while (*p && *p != q) {
				if (*p == '<')
					return "< in an attribute";
				if (coord && *p == ',')
					return "comma in a coordinate";
				if (*p == '&') {
					if (!(p = entity_end(p)))
						return "bad entity in an attribute";
				} else {
					p++;
				}
			}
			if (!*p++)
				return "unterminated attribute";
		}
	}
	return depth ? "unclosed element" : NULL;
}

/* A number written with an exponent: a digit, 'e', an optional sign, a digit. */
static bool has_exponent(const char *s)
{
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)p[0]) || (p[1] != 'e' && p[1] != 'E'))
			continue;
		const char *d = p + 2 + (p[2] == '+' || p[2] == '-');
		if (isdigit((unsigned char)*d))
			return true;
	}
	return false;
}

/* Everything every chart must satisfy; returns out for more checks (caller frees). */
static char *render_ok(const struct svg_chart *c)
{
	int rc;
	char *out = render(c, &rc);
	char want[128];

	ck_assert_msg(rc == 0, "%s: rc %d", c->id, rc);
	const char *bad = xml_check(out);
	ck_assert_msg(bad == NULL, "%s: %s", c->id, bad);
	ck_assert_msg(strncmp(out, "<figure", 7) == 0, "%s", c->id);
	ck_assert_uint_eq(count(out, "<svg"), 1);
	snprintf(want, sizeof(want), "<figure class=\"chart\" id=\"fig-%s\">", c->id);
	ck_assert_ptr_nonnull(strstr(out, want));
	snprintf(want, sizeof(want), "<svg id=\"%s\" ", c->id);
	ck_assert_ptr_nonnull(strstr(out, want));
	ck_assert_ptr_nonnull(strstr(out, "<figcaption>"));
	ck_assert_ptr_nonnull(strstr(out, "<title>"));
	/* one width and one text size for every chart: equal kinds show at equal sizes */
	snprintf(want, sizeof(want), "viewBox=\"0 0 %d ", SVG_WIDTH);
	ck_assert_ptr_nonnull(strstr(out, want));
	snprintf(want, sizeof(want), "font-size=\"%d\"", SVG_FONT);
	ck_assert_ptr_nonnull(strstr(out, want));
	ck_assert_ptr_nonnull(strstr(out, "preserveAspectRatio=\"xMidYMid meet\""));
	ck_assert_ptr_nonnull(strstr(out, "class=\"axis\""));
	ck_assert_ptr_nonnull(strstr(out, "class=\"grid\""));
	/* responsive: the svg element has no fixed size */
	const char *svg = strstr(out, "<svg"), *end = strchr(svg, '>');
	ck_assert_ptr_null(memmem(svg, (size_t)(end - svg), " width=", 7));
	ck_assert_ptr_null(memmem(svg, (size_t)(end - svg), " height=", 8));
	ck_assert_uint_eq(count(out, "http://"), 1);
	ck_assert_ptr_nonnull(strstr(out, "xmlns=\"http://www.w3.org/2000/svg\""));
	ck_assert_ptr_null(strstr(out, "https://"));
	ck_assert_ptr_null(strcasestr(out, "nan"));
	ck_assert_ptr_null(strcasestr(out, "inf"));
	ck_assert_ptr_null(strstr(out, "n/a"));
	ck_assert_msg(!has_exponent(out), "%s: exponent", c->id);
	ck_assert_ptr_null(strstr(out, "style="));
	ck_assert_ptr_null(strstr(out, "=\"#")); /* no colour, only classes */
	ck_assert_ptr_null(strstr(out, "rgb("));
	if (c->title && !strpbrk(c->title, "<>&\"'"))
		ck_assert_ptr_nonnull(strstr(out, c->title));
	for (size_t s = 0; s < c->n_series; s++) {
		ck_assert_msg(strstr(out, c->series[s].label), "%s: %s", c->id, c->series[s].label);
		snprintf(want, sizeof(want), "class=\"s%zu\"", s);
		ck_assert_ptr_nonnull(strstr(out, want));
	}
	if (c->ref_label) {
		ck_assert_ptr_nonnull(strstr(out, c->ref_label));
		ck_assert_ptr_nonnull(strstr(out, "class=\"ref\""));
	}
	if (c->ideal_label) {
		ck_assert_ptr_nonnull(strstr(out, c->ideal_label));
		ck_assert_ptr_nonnull(strstr(out, "class=\"ideal\""));
	}
	return out;
}

/* Fixtures: one of each kind of chart the report draws. */

static const char *const create_cats[] = { "fork", "vfork", "posix_spawn", "pthread_create" };
static const double create_y[] = { 61200, 18400, 24100, 9100 };
static const double create_lo[] = { 60100, 18000, NAN, 8800 };
static const double create_hi[] = { 62800, 19100, NAN, 9700 };
static const struct svg_series create_series[] = {
	{ "median", 4, NULL, create_y, create_lo, create_hi, NULL, false },
};
static const struct svg_chart create_chart = {
	.id = "create-latency",
	.title = "Creation latency per method",
	.x_label = "method",
	.y_label = "latency",
	.kind = SVG_BARS,
	.y_unit = SVG_UNIT_NS,
	.categories = create_cats,
	.n_categories = 4,
	.series = create_series,
	.n_series = 1,
};

static const double mem_x[] = { 1 * MIB, 16 * MIB, 256 * MIB, 1 * GIB, 4 * GIB, 16 * GIB };
static const double fork_y[] = { 60e3, 180e3, 1.9e6, 7.2e6, 29e6, 118e6 };
static const double fork_lo[] = { 58e3, 170e3, 1.8e6, 7.0e6, 27e6, 110e6 };
static const double fork_hi[] = { 63e3, 190e3, 2.0e6, 7.5e6, 31e6, 125e6 };
static const double thread_y[] = { 9e3, 9.1e3, 9e3, 9.2e3, 9e3, 9.1e3 };
static const struct svg_series fork_series[] = {
	{ "fork", 6, mem_x, fork_y, fork_lo, fork_hi, NULL, false },
	{ "pthread_create", 6, mem_x, thread_y, NULL, NULL, NULL, false },
};
static const struct svg_chart fork_chart = {
	.id = "fork-memory",
	.title = "fork latency against parent memory",
	.x_label = "parent memory",
	.y_label = "latency",
	.kind = SVG_LINES,
	.x_unit = SVG_UNIT_BYTES,
	.y_unit = SVG_UNIT_NS,
	.log_x = true,
	.log_y = true,
	.series = fork_series,
	.n_series = 2,
};

static const char *const ipc_cats[14] = {
	"pipe",
	"socketpair stream",
	"socketpair dgram",
	"unix stream",
	"unix dgram",
	"tcp loopback",
	"udp loopback",
	"posix mq",
	"sysv mq",
	"shm + futex",
	"shm + semaphore",
	"eventfd",
	"signal (rt)",
	"a category label much longer than any other",
};
static const double ipc_proc[14] = { 4.1e3, 4.5e3, 4.8e3, 5.2e3, 5.0e3, 12e3,  11e3,
				     3.9e3, 4.0e3, 1.2e3, 2.5e3, 3.3e3, 6.1e3, 7e3 };
static const double ipc_thread[14] = { 3.8e3, 4.2e3, 4.4e3, 4.9e3, 4.7e3, 11e3,	 10e3,
				       3.6e3, 3.7e3, 0.4e3, 2.1e3, 3.0e3, 5.5e3, 6e3 };
static const struct svg_series ipc_series[] = {
	{ "process", 14, NULL, ipc_proc, NULL, NULL, NULL, false },
	{ "thread", 14, NULL, ipc_thread, NULL, NULL, NULL, false },
};
static const struct svg_chart ipc_chart = {
	.id = "ipc-latency",
	.title = "IPC round trip per mechanism",
	.y_label = "round trip",
	.kind = SVG_BARS,
	.y_unit = SVG_UNIT_NS,
	.categories = ipc_cats,
	.n_categories = 14,
	.series = ipc_series,
	.n_series = 2,
};

static const char *const mem_cats[] = { "process", "thread" };
static const double mem_rss[] = { 1.2 * MIB, 8 * KIB };
static const double mem_pt[] = { 40 * KIB, 0 };
static const double mem_stack[] = { 132 * KIB, 8 * MIB };
static const struct svg_series mem_series[] = {
	{ "private RSS", 2, NULL, mem_rss, NULL, NULL, NULL, false },
	{ "page tables", 2, NULL, mem_pt, NULL, NULL, NULL, false },
	{ "stack (virtual)", 2, NULL, mem_stack, NULL, NULL, NULL, false },
};
static const struct svg_chart mem_chart = {
	.id = "memory-per-unit",
	.title = "Memory per unit",
	.y_label = "bytes",
	.kind = SVG_STACKED,
	.y_unit = SVG_UNIT_BYTES,
	.categories = mem_cats,
	.n_categories = 2,
	.series = mem_series,
	.n_series = 3,
};

static const double units_x[] = { 1, 2, 4, 8, 16 };
static const double speed_proc[] = { 1, 1.9, 3.7, 6.8, 9.5 };
static const double speed_thread[] = { 1, 1.95, 3.8, 7.1, 10.2 };
static const struct svg_series speed_series[] = {
	{ "processes", 5, units_x, speed_proc, NULL, NULL, NULL, false },
	{ "threads", 5, units_x, speed_thread, NULL, NULL, NULL, false },
};
static const struct svg_chart speed_chart = {
	.id = "speedup",
	.title = "Speed-up against unit count",
	.x_label = "units",
	.y_label = "speed-up",
	.kind = SVG_LINES,
	.series = speed_series,
	.n_series = 2,
	.ideal_label = "ideal (y = x)",
};

static const double bw_x[] = { 64, 1 * KIB, 16 * KIB, 256 * KIB, 4 * MIB };
static const double bw_pipe[] = { 150e6, 1.9e9, 4.1e9, 5.0e9, 4.2e9 };
static const double bw_shm[] = { 90e6, 1.2e9, 7.5e9, 11e9, 9e9 };
static const struct svg_series bw_series[] = {
	{ "pipe", 5, bw_x, bw_pipe, NULL, NULL, NULL, false },
	{ "shared memory", 5, bw_x, bw_shm, NULL, NULL, NULL, false },
};
static const struct svg_chart bw_chart = {
	.id = "ipc-bandwidth",
	.title = "Bandwidth against message size",
	.x_label = "message size",
	.y_label = "bandwidth",
	.kind = SVG_LINES,
	.x_unit = SVG_UNIT_BYTES,
	.y_unit = SVG_UNIT_BYTES_PER_S,
	.log_x = true,
	.series = bw_series,
	.n_series = 2,
	.ref_label = "memcpy ceiling",
	.ref_y = 14e9,
};

static const struct svg_chart *const all_charts[] = {
	&create_chart, &fork_chart, &ipc_chart, &mem_chart, &speed_chart, &bw_chart,
};

START_TEST(test_escape)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	svg_escape(f, "a<b & \"c\" 'd' >\x01");
	svg_escape(f, NULL);
	fclose(f);
	ck_assert_str_eq(buf, "a&lt;b &amp; &quot;c&quot; &#39;d&#39; &gt; ");
	free(buf);
}
END_TEST

START_TEST(test_every_kind)
{
	const struct svg_chart *c = all_charts[_i];
	free(render_ok(c));
}
END_TEST

START_TEST(test_classes)
{
	char *out = render_ok(&create_chart);
	ck_assert_ptr_nonnull(strstr(out, "class=\"err\""));
	ck_assert_uint_eq(count(out, "</rect>"), 4); /* the bars, with a tooltip each */
	/* one interval is NaN: three error bars of three strokes each */
	const char *err = strstr(out, "class=\"err\"");
	ck_assert_uint_eq(count(err, "M") - count(strchr(err, '\n'), "M"), 9);
	free(out);

	out = render_ok(&fork_chart);
	ck_assert_ptr_nonnull(strstr(out, "class=\"band s0\""));
	ck_assert_ptr_null(strstr(out, "band s1"));
	ck_assert_uint_eq(count(out, "<circle"), 12);
	ck_assert_ptr_nonnull(strstr(out, ">1 MiB<"));
	ck_assert_ptr_nonnull(strstr(out, ">4 GiB<"));
	ck_assert_ptr_nonnull(strstr(out, ">10 µs<"));
	ck_assert_ptr_nonnull(strstr(out, ">100 ms<"));
	free(out);

	out = render_ok(&speed_chart);
	ck_assert_ptr_nonnull(strstr(out, "stroke-dasharray"));
	ck_assert_ptr_null(strstr(out, "class=\"ref\""));
	free(out);
}
END_TEST

START_TEST(test_title_escaped)
{
	struct svg_chart c = create_chart;
	c.title = "a<b & \"c\"";
	c.x_label = "x's";
	char *out = render_ok(&c);
	ck_assert_uint_eq(count(out, "a&lt;b &amp; &quot;c&quot;"), 3);
	ck_assert_ptr_null(strstr(out, "a<b"));
	ck_assert_ptr_nonnull(strstr(out, "x&#39;s"));
	free(out);
}
END_TEST

START_TEST(test_log_skips_nonpositive)
{
	static const double x[] = { 0, -1, 10, 100, 1000 };
	static const double y[] = { 5, 5, -3, 20, 30 };
	struct svg_series s = { "s", 5, x, y, NULL, NULL, NULL, false };
	struct svg_chart c = { .id = "log",
			       .title = "log",
			       .kind = SVG_LINES,
			       .log_x = true,
			       .log_y = true,
			       .series = &s,
			       .n_series = 1 };
	char *out = render_ok(&c);
	ck_assert_uint_eq(count(out, "<circle"), 2);
	free(out);

	/* linear axes keep them all */
	c.log_x = c.log_y = false;
	out = render_ok(&c);
	ck_assert_uint_eq(count(out, "<circle"), 5);
	free(out);

	/* bars on a log axis: the zero and the negative bar are left out */
	static const double by[] = { 0, -2, 300 };
	static const char *const cats[] = { "a", "b", "c" };
	struct svg_series bs = { "b", 3, NULL, by, NULL, NULL, NULL, false };
	struct svg_chart bc = { .id = "logbars",
				.title = "t",
				.kind = SVG_BARS,
				.log_y = true,
				.categories = cats,
				.n_categories = 3,
				.series = &bs,
				.n_series = 1 };
	out = render_ok(&bc);
	ck_assert_uint_eq(count(out, "</rect>"), 1);
	free(out);

	/* nothing positive: nothing to draw */
	static const double none[] = { 0, -1, -2 };
	bs.y = none;
	int rc;
	out = render(&bc, &rc);
	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(test_one_point)
{
	static const double x[] = { 4096 }, y[] = { 812 };
	struct svg_series s = { "only", 1, x, y, NULL, NULL, NULL, false };
	struct svg_chart c = { .id = "one",
			       .title = "one",
			       .kind = SVG_LINES,
			       .x_unit = SVG_UNIT_BYTES,
			       .y_unit = SVG_UNIT_NS,
			       .series = &s,
			       .n_series = 1 };
	for (int logs = 0; logs < 4; logs++) {
		c.log_x = logs & 1;
		c.log_y = logs & 2;
		char *out = render_ok(&c);
		ck_assert_uint_eq(count(out, "<circle"), 1);
		free(out);
	}
	static const char *const cats[] = { "x" };
	struct svg_series bs = { "bar", 1, NULL, y, NULL, NULL, NULL, false };
	struct svg_chart bc = { .id = "one-bar",
				.title = "t",
				.kind = SVG_BARS,
				.categories = cats,
				.n_categories = 1,
				.series = &bs,
				.n_series = 1 };
	char *out = render_ok(&bc);
	ck_assert_uint_eq(count(out, "</rect>"), 1);
	free(out);
}
END_TEST

START_TEST(test_all_equal)
{
	static const double x[] = { 3, 3, 3 }, y[] = { 7, 7, 7 }, zero[] = { 0, 0, 0 };
	static const char *const cats[] = { "a", "b", "c" };
	struct svg_series s = { "eq", 3, x, y, NULL, NULL, NULL, false };
	struct svg_chart c = {
		.id = "eq", .title = "eq", .kind = SVG_LINES, .series = &s, .n_series = 1
	};
	for (int kind = 0; kind < 3; kind++) {
		c.kind = kind == 0 ? SVG_LINES : kind == 1 ? SVG_BARS : SVG_STACKED;
		c.categories = kind ? cats : NULL;
		c.n_categories = kind ? 3 : 0;
		for (int z = 0; z < 2; z++) {
			s.y = z ? zero : y;
			free(render_ok(&c));
		}
		c.log_y = true;
		s.y = y;
		free(render_ok(&c));
		c.log_y = false;
	}
}
END_TEST

START_TEST(test_all_nan)
{
	static const double x[] = { 1, 2 }, y[] = { NAN, INFINITY };
	static const char *const cats[] = { "a", "b" };
	struct svg_series s = { "none", 2, x, y, NULL, NULL, NULL, false };
	struct svg_chart c = { .id = "gaps",
			       .title = "t",
			       .kind = SVG_LINES,
			       .series = &s,
			       .n_series = 1,
			       .categories = cats,
			       .n_categories = 2 };
	for (int kind = 0; kind < 3; kind++) {
		int rc;
		c.kind = kind == 0 ? SVG_LINES : kind == 1 ? SVG_BARS : SVG_STACKED;
		char *out = render(&c, &rc);
		ck_assert_int_eq(rc, -EINVAL);
		ck_assert_str_eq(out, "");
		free(out);
	}
	/* NaN in the middle of a line breaks it and leaves the point out */
	static const double x3[] = { 1, 2, 3, 4 }, y3[] = { 1, NAN, 3, 4 };
	struct svg_series s3 = { "gap", 4, x3, y3, NULL, NULL, NULL, false };
	c.kind = SVG_LINES;
	c.series = &s3;
	char *out = render_ok(&c);
	ck_assert_uint_eq(count(out, "<circle"), 3);
	const char *line = strstr(out, "<g class=\"s0\"><path");
	ck_assert_ptr_nonnull(line);
	ck_assert_uint_eq(count(line, "M") - count(strstr(line, "/>"), "M"), 2);
	free(out);
}
END_TEST

START_TEST(test_invalid)
{
	struct svg_chart c = create_chart;
	int rc;
	char *out;

	c.n_series = 0;
	out = render(&c, &rc);
	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_str_eq(out, "");
	free(out);
	c.n_series = SVG_SERIES_MAX + 1;
	free(render(&c, &rc));
	ck_assert_int_eq(rc, -EINVAL);
	c.n_series = 1;
	c.id = "Not an id";
	free(render(&c, &rc));
	ck_assert_int_eq(rc, -EINVAL);
	c.id = "ok";
	c.n_categories = 3; /* the series has 4 */
	free(render(&c, &rc));
	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_int_eq(svg_chart_write(stdout, NULL), -EINVAL);
	ck_assert_int_eq(svg_chart_write(NULL, &create_chart), -EINVAL);

	/* a stream that cannot be written */
	FILE *ro = fopen("/dev/null", "r");
	ck_assert_ptr_nonnull(ro);
	ck_assert_int_eq(svg_chart_write(ro, &create_chart), -EIO);
	fclose(ro);
}
END_TEST

START_TEST(test_fourteen_categories)
{
	char *out = render_ok(&ipc_chart);
	for (size_t i = 0; i < 13; i++)
		ck_assert_msg(strstr(out, ipc_cats[i]), "%s", ipc_cats[i]);
	ck_assert_ptr_nonnull(strstr(out, "rotate(-45"));
	ck_assert_uint_eq(count(out, "rotate(-45"), 14);
	/* the long label is cut, and whole in its tooltip */
	ck_assert_ptr_nonnull(strstr(out, "…<title>a category label much longer"));
	ck_assert_uint_eq(count(out, "</rect>"), 28);
	ck_assert_uint_lt(strlen(out), 16000);
	free(out);

	/* few short categories stay horizontal */
	static const char *const few[] = { "fork", "vfork", "spawn", "thread" };
	struct svg_chart c = create_chart;
	c.categories = few;
	out = render_ok(&c);
	ck_assert_ptr_null(strstr(out, "rotate(-45"));
	free(out);
}
END_TEST

START_TEST(test_tick_labels)
{
	static const char *const cats[] = { "a", "b" };
	static const double ns[] = { 800, 2500 }, plain[] = { 100, 12345 };
	struct svg_series s = { "s", 2, NULL, ns, NULL, NULL, NULL, false };
	struct svg_chart c = { .id = "ticks",
			       .title = "t",
			       .kind = SVG_BARS,
			       .y_unit = SVG_UNIT_NS,
			       .categories = cats,
			       .n_categories = 2,
			       .series = &s,
			       .n_series = 1 };
	char *out = render_ok(&c);
	ck_assert_ptr_nonnull(strstr(out, ">0<"));
	ck_assert_ptr_nonnull(strstr(out, ">0.5 µs<"));
	ck_assert_ptr_nonnull(strstr(out, ">2.5 µs<"));
	free(out);

	c.y_unit = SVG_UNIT_NONE;
	s.y = plain;
	out = render_ok(&c);
	ck_assert_ptr_nonnull(strstr(out, ">14k<"));
	ck_assert_ptr_nonnull(strstr(out, "12.3k</title>"));
	free(out);

	/* bytes on a linear axis step in binary units */
	static const double bytes[] = { 100 * KIB, 900 * KIB };
	c.y_unit = SVG_UNIT_BYTES;
	s.y = bytes;
	out = render_ok(&c);
	ck_assert_ptr_nonnull(strstr(out, ">200 KiB<"));
	free(out);

	/* two decades get 2 and 5 between the decades */
	static const double x[] = { 1, 2 }, y[] = { 100, 10000 };
	struct svg_series ls = { "l", 2, x, y, NULL, NULL, NULL, false };
	struct svg_chart lc = { .id = "decades",
				.title = "t",
				.kind = SVG_LINES,
				.y_unit = SVG_UNIT_NS,
				.log_y = true,
				.series = &ls,
				.n_series = 1 };
	out = render_ok(&lc);
	ck_assert_ptr_nonnull(strstr(out, ">200 ns<"));
	ck_assert_ptr_nonnull(strstr(out, ">5 µs<"));
	ck_assert_ptr_nonnull(strstr(out, ">10 µs<"));
	free(out);

	/* octaves on a bytes log axis */
	static const double bx[] = { 4 * KIB, 1 * MIB };
	ls.x = bx;
	lc.x_unit = SVG_UNIT_BYTES;
	lc.log_x = true;
	out = render_ok(&lc);
	ck_assert_ptr_nonnull(strstr(out, ">4 KiB<"));
	ck_assert_ptr_nonnull(strstr(out, ">1 MiB<"));
	free(out);
}
END_TEST

START_TEST(test_huge_range)
{
	static const double x[] = { 1, 2, 3, 4 }, y[] = { 1e-3, 1, 1e6, 1e12 };
	struct svg_series s = { "huge", 4, x, y, NULL, NULL, NULL, false };
	struct svg_chart c = { .id = "huge",
			       .title = "t",
			       .kind = SVG_LINES,
			       .log_y = true,
			       .series = &s,
			       .n_series = 1 };
	char *out = render_ok(&c);
	const char *ticks = strstr(out, "<g text-anchor=\"end\">");
	ck_assert_uint_le(count(ticks, "<text") - count(strstr(ticks, "</g>"), "<text"), 8);
	ck_assert_ptr_nonnull(strstr(out, ">1<"));
	free(out);

	c.log_y = false;
	out = render_ok(&c);
	free(out);

	static const double big[] = { 1e-190, -1e199, 1e199, 1e250 };
	s.y = big;
	out = render_ok(&c);
	free(out);
	c.log_y = true;
	out = render_ok(&c);
	free(out);
}
END_TEST

START_TEST(test_size)
{
	static double x[300], y1[300], y2[300];
	for (size_t i = 0; i < 300; i++) {
		x[i] = (double)i * 0.1;
		y1[i] = 1000 + (double)(i % 17) * 13;
		y2[i] = (double)(i % 5);
	}
	struct svg_series s[] = { { "succeeded", 300, x, y1, NULL, NULL, NULL, false },
				  { "failed", 300, x, y2, NULL, NULL, NULL, false } };
	struct svg_chart c = { .id = "timeline",
			       .title = "Availability",
			       .kind = SVG_LINES,
			       .x_label = "time (s)",
			       .y_label = "requests",
			       .series = s,
			       .n_series = 2 };
	char *out = render_ok(&c);
	ck_assert_ptr_null(strstr(out, "<circle")); /* too dense for markers */
	ck_assert_uint_lt(strlen(out), 12000);
	free(out);

	size_t total = 0;
	for (size_t i = 0; i < ARRAY_SIZE(all_charts); i++) {
		out = render_ok(all_charts[i]);
		total += strlen(out);
		free(out);
	}
	ck_assert_uint_lt(total / ARRAY_SIZE(all_charts), 8000);
}
END_TEST

START_TEST(test_negative_bars)
{
	static const char *const cats[] = { "gain", "loss" };
	static const double y[] = { 10, -5 };
	struct svg_series s = { "delta", 2, NULL, y, NULL, NULL, NULL, false };
	struct svg_chart c = { .id = "neg",
			       .title = "t",
			       .kind = SVG_BARS,
			       .categories = cats,
			       .n_categories = 2,
			       .series = &s,
			       .n_series = 1 };
	char *out = render_ok(&c);
	ck_assert_ptr_nonnull(strstr(out, ">-2<"));
	ck_assert_uint_eq(count(out, "</rect>"), 2);
	free(out);
	c.kind = SVG_STACKED;
	free(render_ok(&c));
}
END_TEST

START_TEST(test_reference_lines)
{
	/* a reference that cannot be placed is neither drawn nor named */
	struct svg_chart c = bw_chart;
	c.log_y = true;
	c.ref_y = 0;
	int rc;
	char *out = render(&c, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_null(strstr(out, "memcpy ceiling"));
	free(out);

	/* the ideal line on mixed axes is a curve, drawn all the same */
	c = speed_chart;
	c.log_x = true;
	free(render_ok(&c));
	c.log_y = true;
	free(render_ok(&c));

	/* every label of eight series reaches the legend */
	static const char *const labels[SVG_SERIES_MAX] = { "one",  "two", "three", "four",
							    "five", "six", "seven", "eight" };
	struct svg_series s[SVG_SERIES_MAX];
	for (size_t i = 0; i < SVG_SERIES_MAX; i++)
		s[i] = (struct svg_series){ labels[i], 5,    units_x, speed_proc,
					    NULL,      NULL, NULL,    false };
	c = speed_chart;
	c.series = s;
	c.n_series = SVG_SERIES_MAX;
	c.ref_label = "ceiling";
	c.ref_y = 12;
	out = render_ok(&c);
	ck_assert_ptr_nonnull(strstr(out, "class=\"s7\""));
	free(out);
}
END_TEST

/* The text of the first <text> element holding needle, or "" (a static buffer). */
static const char *text_with(const char *out, const char *needle)
{
	static char buf[256];
	const char *at = strstr(out, needle), *open, *close;
	buf[0] = '\0';
	if (!at)
		return buf;
	for (open = at; open > out && strncmp(open, "<text", 5) != 0; open--)
		;
	open = strchr(open, '>');
	close = strstr(at, "</text>");
	if (open && close && close > open)
		snprintf(buf, sizeof(buf), "%.*s", (int)(close - open - 1), open + 1);
	return buf;
}

START_TEST(test_axis_units)
{
	/* linear: one unit, in the title; the ticks plain numbers in it */
	char *out = render_ok(&create_chart);
	ck_assert_ptr_nonnull(strstr(out, ">latency (µs)<"));
	ck_assert_ptr_nonnull(strstr(out, ">20<"));
	ck_assert_ptr_null(strstr(out, ">20 µs<"));
	ck_assert_ptr_nonnull(
		strstr(out, "<title>median, fork: 61.2 µs</title>")); /* tooltips keep it */
	free(out);

	/* logarithmic over several units: each tick its own, the title none */
	out = render_ok(&fork_chart);
	ck_assert_ptr_nonnull(strstr(out, ">latency<"));
	ck_assert_ptr_nonnull(strstr(out, ">parent memory<"));
	ck_assert_ptr_nonnull(strstr(out, ">10 µs<"));
	ck_assert_ptr_nonnull(strstr(out, ">100 ms<"));
	free(out);

	/* logarithmic within one unit: the title says it */
	static const double x[] = { 1, 2, 3 }, y[] = { 1500, 4000, 9000 };
	struct svg_series s = { "s", 3, x, y, NULL, NULL, NULL, false };
	struct svg_chart c = { .id = "one-unit",
			       .title = "t",
			       .x_label = "x",
			       .y_label = "round trip",
			       .kind = SVG_LINES,
			       .y_unit = SVG_UNIT_NS,
			       .log_y = true,
			       .series = &s,
			       .n_series = 1 };
	out = render_ok(&c);
	ck_assert_ptr_nonnull(strstr(out, ">round trip (µs)<"));
	ck_assert_ptr_nonnull(strstr(out, ">2<"));
	ck_assert_ptr_null(strstr(out, ">2 µs<"));
	free(out);

	/* rates carry /s: linear in the title, logarithmic on each tick */
	out = render_ok(&bw_chart);
	ck_assert_ptr_nonnull(strstr(out, ">bandwidth (GiB/s)<"));
	ck_assert_ptr_null(strstr(out, "GiB<"));
	free(out);
	struct svg_chart bw = bw_chart;
	bw.log_y = true;
	out = render_ok(&bw);
	ck_assert_ptr_nonnull(strstr(out, ">bandwidth<"));
	ck_assert_ptr_nonnull(strstr(out, " GiB/s<"));
	ck_assert_ptr_nonnull(strstr(out, " MiB/s<"));
	ck_assert_ptr_null(strstr(out, "GiB<"));
	free(out);
}
END_TEST

START_TEST(test_count_ticks)
{
	/* a count axis ticks whole numbers only: 1, 2, never 1.2 */
	static const double x[] = { 1, 2 }, y[] = { 1, 1.9 };
	struct svg_series s = { "processes", 2, x, y, NULL, NULL, NULL, false };
	struct svg_chart c = { .id = "count",
			       .title = "t",
			       .x_label = "units",
			       .y_label = "speed-up (×)",
			       .kind = SVG_LINES,
			       .x_unit = SVG_UNIT_COUNT,
			       .series = &s,
			       .n_series = 1 };
	char *out = render_ok(&c);
	const char *xt = strstr(out, "<g text-anchor=\"middle\">");
	ck_assert_ptr_nonnull(xt);
	ck_assert_ptr_nonnull(strstr(xt, ">1<"));
	ck_assert_ptr_nonnull(strstr(xt, ">2<"));
	ck_assert_ptr_null(strstr(xt, ">1.2<"));
	ck_assert_ptr_null(strstr(xt, ">1.5<"));
	free(out);

	/* one count only: whole ticks around it */
	static const double three[] = { 3, 3 };
	s.x = three;
	out = render_ok(&c);
	xt = strstr(out, "<g text-anchor=\"middle\">");
	ck_assert_ptr_nonnull(strstr(xt, ">3<"));
	for (const char *t = strstr(xt, "<text"); t; t = strstr(t + 1, "<text")) {
		const char *v = strchr(t, '>') + 1;
		ck_assert_msg(!isdigit((unsigned char)*v) || !strchr(text_with(t, v), '.'),
			      "x tick %s", text_with(t, v));
	}
	free(out);

	/* a count on y: whole steps even over a small range */
	c.x_unit = SVG_UNIT_NONE;
	c.y_unit = SVG_UNIT_COUNT;
	s.x = x;
	static const double small[] = { 0, 3 };
	s.y = small;
	out = render_ok(&c);
	ck_assert_ptr_nonnull(strstr(out, ">1<"));
	ck_assert_ptr_null(strstr(out, ">0.5<"));
	free(out);
}
END_TEST

START_TEST(test_marks)
{
	/* failures as marks of their own, above zero, in the legend */
	static const double x[] = { 10, 20, 30, 40, 50, 60 }, ok[] = { 30, 30, 0, 0, 30, 30 };
	static const double fx[] = { 30, 40 }, failed[] = { 28, 30 };
	struct svg_series s[] = {
		{ "thread_pool: succeeded", 6, x, ok, NULL, NULL, "thread_pool", false },
		{ "thread_pool: failed", 2, fx, failed, NULL, NULL, "thread_pool", true },
		{ "prefork: failed", 0, NULL, NULL, NULL, NULL, NULL, true }
	};
	struct svg_chart c = { .id = "timeline",
			       .title = "t",
			       .x_label = "time",
			       .y_label = "requests per slice",
			       .kind = SVG_LINES,
			       .x_unit = SVG_UNIT_NS,
			       .y_unit = SVG_UNIT_COUNT,
			       .series = s,
			       .n_series = 3 };
	char *out = render_ok(&c);
	const char *marks = strstr(out, "<g class=\"s1\"");
	ck_assert_ptr_nonnull(marks);
	const char *end = strstr(marks, "</g>");
	/* two crosses with their tooltips, no line, no circle */
	ck_assert_uint_eq(count(marks, "<path") - count(end, "<path"), 2);
	ck_assert_uint_eq(count(marks, "<circle") - count(end, "<circle"), 0);
	ck_assert_ptr_nonnull(strstr(marks, "<title>thread_pool: failed, 30 ns: 28</title>"));
	/* no value below zero: the y ticks start at 0 */
	ck_assert_ptr_null(strstr(out, ">-"));
	/* the legend names both failure series, the empty one too */
	const char *legend = strstr(out, "<g class=\"legend\">");
	ck_assert_ptr_nonnull(strstr(legend, ">thread_pool: failed<"));
	ck_assert_ptr_nonnull(strstr(legend, ">prefork: failed<"));
	ck_assert_ptr_nonnull(strstr(legend, "data-value=\"thread_pool\""));
	ck_assert_ptr_nonnull(strstr(out, "<g class=\"s0\" data-value=\"thread_pool\">"));
	free(out);
}
END_TEST

START_TEST(test_category_values)
{
	/* translated categories keep their raw words */
	static const char *const cats[] = { "même CPU", "deux CPU", "libre" };
	static const char *const raw[] = { "same-cpu", "cross-cpu", NULL };
	static const double y[] = { 8e3, 20e3, 22e3 };
	struct svg_series s = { "processus", 3, NULL, y, NULL, NULL, "process", false };
	struct svg_chart c = { .id = "words",
			       .title = "t",
			       .kind = SVG_BARS,
			       .y_unit = SVG_UNIT_NS,
			       .categories = cats,
			       .category_values = raw,
			       .n_categories = 3,
			       .series = &s,
			       .n_series = 1 };
	char *out = render_ok(&c);
	ck_assert_ptr_nonnull(strstr(out, " data-value=\"same-cpu\">même CPU</text>"));
	ck_assert_ptr_nonnull(strstr(out, " data-value=\"cross-cpu\">deux CPU</text>"));
	ck_assert_ptr_nonnull(strstr(out, "\">libre</text>"));
	ck_assert_uint_eq(count(out, "data-value=\"process\""), 2); /* bars and legend */
	free(out);
}
END_TEST

START_TEST(test_long_titles)
{
	/* an axis title longer than its axis takes two lines, cut at a space */
	struct svg_chart c = create_chart;
	c.y_label = "time per round trip between two units on two CPUs, two switches";
	c.x_label = "a long title under the horizontal axis that cannot fit on one line of it";
	char *out = render_ok(&c);
	ck_assert_uint_eq(count(out, "transform=\"rotate(-90)\""), 2);
	const char *first = strstr(out, "rotate(-90)");
	char one[256], two[256];
	snprintf(one, sizeof(one), "%s", text_with(first, strchr(first, '>') + 1));
	first = strstr(first + 1, "rotate(-90)");
	snprintf(two, sizeof(two), "%s", text_with(first, strchr(first, '>') + 1));
	ck_assert_str_eq(one, "time per round trip between two units");
	ck_assert_str_eq(two, "on two CPUs, two switches (µs)");
	ck_assert_ptr_nonnull(strstr(out, ">a long title under the horizontal axis<"));
	ck_assert_ptr_nonnull(strstr(out, ">that cannot fit on one line of it<"));
	free(out);
}
END_TEST

Suite *svg_suite(void)
{
	Suite *s = suite_create("svg");
	TCase *tc = tcase_create("svg");
	tcase_add_test(tc, test_escape);
	tcase_add_loop_test(tc, test_every_kind, 0, (int)ARRAY_SIZE(all_charts));
	tcase_add_test(tc, test_classes);
	tcase_add_test(tc, test_title_escaped);
	tcase_add_test(tc, test_log_skips_nonpositive);
	tcase_add_test(tc, test_one_point);
	tcase_add_test(tc, test_all_equal);
	tcase_add_test(tc, test_all_nan);
	tcase_add_test(tc, test_invalid);
	tcase_add_test(tc, test_fourteen_categories);
	tcase_add_test(tc, test_tick_labels);
	tcase_add_test(tc, test_huge_range);
	tcase_add_test(tc, test_size);
	tcase_add_test(tc, test_negative_bars);
	tcase_add_test(tc, test_reference_lines);
	tcase_add_test(tc, test_axis_units);
	tcase_add_test(tc, test_count_ticks);
	tcase_add_test(tc, test_marks);
	tcase_add_test(tc, test_category_values);
	tcase_add_test(tc, test_long_titles);
	suite_add_tcase(s, tc);
	return s;
}
