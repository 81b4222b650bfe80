// SPDX-License-Identifier: MIT
/*
 * Evidence as data: every type phrased, the fallbacks that lose nothing,
 * every form of every table well made and translated with the same
 * placeholders, ptlab 0.1.0's prose converted where it reads as data, and
 * every real run walked: each form known, each translated, no sentence
 * stored by a run of schema 2.
 */
#include <check.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "core/evidence.h"
#include "core/limit.h"
#include "experiments/catalog.h"
#include "exp_test.h"
#include "model/json.h"
#include "suites.h"
#include "util/i18n.h"

#ifndef PTLAB_SRCDIR
#define PTLAB_SRCDIR "."
#endif

static const struct ev_form test_forms[] = {
	{ "t.two", "{2} before {1}" },
	{ "t.one", "only {1}" },
	{ "t.bad", "a {brace}" },
	{ "whole_process", "the whole process" },
	{ NULL, NULL },
};

static const char *render(const struct ev_msg *m)
{
	static char buf[512];
	const struct ev_form *tables[] = { test_forms, limit_forms, ev_forms_common, NULL };
	return ev_render(m, tables, buf, sizeof(buf));
}

START_TEST(test_render_every_type)
{
	static const int64_t list[] = { 3, -1, 20 };
	struct ev_msg limit = EV_MSG_OF("limit.nofile", ev_count(6));
	ck_assert_str_eq(render(&EV_MSG_OF(NULL, ev_count(-42))), "-42");
	ck_assert_str_eq(render(&EV_MSG_OF(NULL, ev_num(1500, "ns"))), "1.50 µs");
	ck_assert_str_eq(render(&EV_MSG_OF(NULL, ev_num(4096, "bytes"))), "4.00 KiB");
	ck_assert_str_eq(render(&EV_MSG_OF(NULL, ev_num(12.5, "percent"))), "12.5%");
	ck_assert_str_eq(render(&EV_MSG_OF(NULL, ev_num(1.954, "x"))), "1.95×");
	ck_assert_str_eq(render(&EV_MSG_OF(NULL, ev_num(NAN, "ns"))), "n/a");
	ck_assert_str_eq(render(&EV_MSG_OF(NULL, ev_word("whole_process"))), "the whole process");
	ck_assert_str_eq(render(&EV_MSG_OF(NULL, ev_word("unheard_of"))), "unheard_of");
	ck_assert_str_eq(render(&EV_MSG_OF(NULL, ev_token("/tmp/a b"))), "/tmp/a b");
	ck_assert_str_eq(render(&EV_MSG_OF(NULL, ev_signal(SIGSEGV))), "SIGSEGV");
	char perm[128];
	snprintf(perm, sizeof(perm), "%s (EPERM)", strerror(EPERM));
	ck_assert_str_eq(render(&EV_MSG_OF(NULL, ev_errno(-EPERM))), perm);
	ck_assert_str_eq(render(&EV_MSG_OF(NULL, ev_list(list, 3))), "3, -1, 20");
	ck_assert_str_eq(render(&EV_MSG_OF("t.two", ev_count(1), ev_word("yes"))), "yes before 1");
	ck_assert_str_eq(render(&EV_MSG_OF("t.one", ev_nested(&limit))),
			 "only the open-file limit is reached (ulimit -n: 6)");
	ck_assert_str_eq(render(&EV_MSG_OF(NULL, ev_count(1), ev_token("b"))), "1, b");
	struct ev_val legacy = { .type = EV_LEGACY, .s = "kept" };
	ck_assert_str_eq(render(&(struct ev_msg){ .vals = &legacy, .n_vals = 1 }),
			 "“kept” (as recorded by ptlab 0.1.0)");
}
END_TEST

/* A form nobody knows, a bad template, too few values: the values are still all there. */
START_TEST(test_render_fallbacks)
{
	ck_assert_str_eq(render(&EV_MSG_OF("t.unknown", ev_count(1), ev_token("x"))),
			 "t.unknown(1, x)");
	ck_assert_str_eq(render(&EV_MSG_OF("t.bad", ev_count(1))), "t.bad(1)");
	ck_assert_str_eq(render(&EV_MSG_OF("t.two", ev_count(1))), "t.two(1)");
	char tiny[8];
	const struct ev_form *tables[] = { test_forms, NULL };
	ev_render(&EV_MSG_OF("t.two", ev_count(123456), ev_count(7)), tables, tiny, sizeof(tiny));
	ck_assert_str_eq(tiny, "7 befor");
	ck_assert_int_eq(ev_form_arity("{1} and {3}"), 3);
	ck_assert_int_eq(ev_form_arity("none"), 0);
	ck_assert_int_eq(ev_form_arity("{0}"), -1);
	ck_assert_int_eq(ev_form_arity("{12}"), -1);
	ck_assert_int_eq(ev_form_arity("a } b"), -1);
}
END_TEST

/* Copies are deep and equal; a changed value is not equal. */
START_TEST(test_dup_equal)
{
	static const int64_t list[] = { 1, 2 };
	struct ev_msg inner = EV_MSG_OF("limit.nofile", ev_count(6));
	struct ev_msg m = EV_MSG_OF("t.two", ev_list(list, 2), ev_nested(&inner));
	struct ev_msg copy, other;
	ev_msg_dup(&copy, &m);
	ck_assert(ev_msg_equal(&m, &copy));
	ck_assert_ptr_ne(copy.vals[0].list, list);
	ev_msg_dup(&other, &EV_MSG_OF("t.two", ev_list(list, 1), ev_nested(&inner)));
	ck_assert(!ev_msg_equal(&m, &other));
	ev_msg_free(&copy);
	ev_msg_free(&other);
	ck_assert(ev_msg_empty(&copy));
}
END_TEST

/* Every table an experiment's evidence is phrased with, for each experiment. */
static void tables_of(size_t i, const struct ev_form *out[4])
{
	exp_forms(catalog[i], out);
}

/* Well made: valid placeholders, no id twice among the tables one experiment reads. */
START_TEST(test_forms_well_made)
{
	for (size_t i = 0; catalog[i]; i++) {
		const struct ev_form *tables[4];
		tables_of(i, tables);
		for (size_t t = 0; tables[t]; t++)
			for (const struct ev_form *f = tables[t]; f->id; f++) {
				ck_assert_msg(ev_form_arity(f->text) >= 0, "%s: %s", f->id,
					      f->text);
				ck_assert_msg(ev_form_find(tables, f->id) == f->text,
					      "%s: form %s declared twice", catalog[i]->name,
					      f->id);
			}
	}
}
END_TEST

/* The placeholders of a text, as a bit set; -1 for a malformed one. */
static int placeholders(const char *text)
{
	int set = 0;
	if (ev_form_arity(text) < 0)
		return -1;
	for (const char *p = strchr(text, '{'); p; p = strchr(p + 1, '{'))
		set |= 1 << (p[1] - '0');
	return set;
}

/* Switches this test's process to Indonesian, with the catalogue of the source tree. */
static void speak_indonesian(void)
{
	i18n_init("id", NULL, 0);
	bindtextdomain("ptlab", PTLAB_SRCDIR "/build/locale");
	ck_assert_str_eq(i18n_language(), "id");
	ck_assert_str_ne(gettext("yes"), "yes");
}

/* Every form and word has an Indonesian text with the same placeholders. */
START_TEST(test_forms_translated)
{
	speak_indonesian();
	for (size_t i = 0; catalog[i]; i++) {
		const struct ev_form *tables[4];
		tables_of(i, tables);
		for (size_t t = 0; tables[t]; t++)
			for (const struct ev_form *f = tables[t]; f->id; f++) {
				const char *id = gettext(f->text);
				ck_assert_msg(id != f->text, "%s: no Indonesian for \"%s\"", f->id,
					      f->text);
				ck_assert_msg(placeholders(id) == placeholders(f->text),
					      "%s: \"%s\" and \"%s\" differ in placeholders", f->id,
					      f->text, id);
			}
	}
}
END_TEST

/* ptlab 0.1.0's strings: what reads as data becomes data, the rest is kept and marked. */
START_TEST(test_legacy_strings)
{
	static const struct {
		const char *text;
		enum ev_type type;
	} cases[] = {
		{ "yes", EV_WORD },
		{ "no", EV_WORD },
		{ "-12", EV_COUNT },
		{ "200000", EV_COUNT },
		{ "00ff00ff00ff00ff", EV_TOKEN },
		{ "SIGSEGV", EV_SIGNAL },
		{ "EPERM", EV_ERRNO },
		{ "12414,12415", EV_LIST },
		{ "0,1,0,1", EV_LIST },
		{ "seen", EV_LEGACY },
		{ "1,,2", EV_LEGACY },
		{ "3 of 3", EV_LEGACY },
		{ "SIGSEGV: x", EV_LEGACY },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ev_msg m = { 0 };
		char err[256];
		json_t *s = json_string(cases[i].text);
		ck_assert_int_eq(msg_from_json(s, &m, err, sizeof(err)), 0);
		ck_assert_uint_eq(m.n_vals, 1);
		ck_assert_msg(m.vals[0].type == cases[i].type, "%s: %s", cases[i].text,
			      ev_type_name(m.vals[0].type));
		json_decref(s);
		ev_msg_free(&m);
	}
}
END_TEST

/* A message's forms and words, and its nested ones, each checked by fn. */
typedef void msg_check(const char *where, const struct ev_msg *m, const struct ev_form *const *t,
		       bool schema2);

static void walk(const char *where, const struct ev_msg *m, const struct ev_form *const *t,
		 bool schema2, msg_check *fn)
{
	fn(where, m, t, schema2);
	for (size_t i = 0; i < m->n_vals; i++)
		if (m->vals[i].type == EV_MSG && m->vals[i].msg)
			walk(where, m->vals[i].msg, t, schema2, fn);
}

/*
 * In Indonesian: every form a run names is known and translated, every
 * word a table knows too; a run of schema 2 stores no prose (no legacy
 * value, no token with a space in it).
 */
static void check_msg(const char *where, const struct ev_msg *m, const struct ev_form *const *t,
		      bool schema2)
{
	const char *text = m->form ? ev_form_find(t, m->form) : NULL;
	ck_assert_msg(!m->form || text, "%s: unknown form %s", where, m->form);
	ck_assert_msg(!text || gettext(text) != text, "%s: %s untranslated", where, m->form);
	for (size_t i = 0; i < m->n_vals; i++) {
		const struct ev_val *v = &m->vals[i];
		const char *word = v->type == EV_WORD ? ev_form_find(t, v->s) : NULL;
		ck_assert_msg(!word || gettext(word) != word, "%s: word %s untranslated", where,
			      v->s);
		ck_assert_msg(!schema2 || v->type != EV_LEGACY, "%s: prose stored", where);
		ck_assert_msg(!schema2 || v->type != EV_TOKEN || !strchr(v->s, ' '),
			      "%s: a token that reads as a sentence: %s", where, v->s);
	}
}

static void check_real_run(const char *name, const char *json, void *arg)
{
	(void)arg;
	char err[512];
	struct run r;
	run_init(&r);
	ck_assert_msg(run_load(json, &r, err, sizeof(err)) == 0, "%s: %s", name, err);
	bool schema2 = r.schema_version >= 2;
	for (size_t i = 0; i < r.n_results; i++) {
		const struct exp_result *e = &r.results[i];
		const struct ev_form *t[4];
		char where[256];
		exp_forms(catalog_find(e->name), t);
		snprintf(where, sizeof(where), "%s %s reason", name, e->name);
		walk(where, &e->reason, t, schema2, check_msg);
		for (size_t k = 0; k < e->n_obs; k++) {
			snprintf(where, sizeof(where), "%s %s", name, e->obs[k].name);
			walk(where, &e->obs[k].msg, t, schema2, check_msg);
		}
		for (size_t k = 0; k < e->n_skips; k++) {
			snprintf(where, sizeof(where), "%s skip %s", name, e->skips[k].what);
			walk(where, &e->skips[k].reason, t, schema2, check_msg);
		}
	}
	run_free(&r);
}

START_TEST(test_real_runs_evidence)
{
	speak_indonesian();
	int seen = cli_each_real_run(check_real_run, NULL);
	if (seen < 0) {
		fprintf(stderr, "note: evidence: no xz to unpack the real runs\n");
		return;
	}
	ck_assert_int_gt(seen, 0);
}
END_TEST

Suite *evidence_suite(void)
{
	Suite *s = suite_create("evidence");
	TCase *tc = tcase_create("render");
	tcase_add_test(tc, test_render_every_type);
	tcase_add_test(tc, test_render_fallbacks);
	tcase_add_test(tc, test_dup_equal);
	tcase_add_test(tc, test_legacy_strings);
	suite_add_tcase(s, tc);
	TCase *forms = tcase_create("forms");
	tcase_add_test(forms, test_forms_well_made);
	tcase_add_test(forms, test_forms_translated);
	tcase_set_timeout(forms, 30);
	suite_add_tcase(s, forms);
	TCase *real = tcase_create("real");
	tcase_add_test(real, test_real_runs_evidence);
	tcase_set_timeout(real, 120);
	suite_add_tcase(s, real);
	return s;
}
