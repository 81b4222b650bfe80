// SPDX-License-Identifier: MIT
/*
 * evidence: typed values and the one function that phrases them
 * (ev_render). See evidence.h.
 */
#include "core/evidence.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/units.h"
#include "util/i18n.h"
#include "util/xalloc.h"

const struct ev_form ev_forms_common[] = {
	{ "yes", N_("yes") },
	{ "no", N_("no") },
	/* What several experiments meet alike. */
	{ "arena", N_("cannot map the shared arena: {1}") },
	{ "two_cpus", N_("needs two CPUs: --cpus gives {1}") },
	{ "partner", N_("cannot start the partner: {1}") },
	{ "channel_open", N_("cannot open the channel: {1}") },
	{ "exchange", N_("the exchange failed: {1}") },
	/* The runner's reasons. */
	{ "runner.deadline", N_("killed after its deadline of {1}") },
	{ "runner.stopped", N_("stopped by {1}") },
	{ "runner.killed", N_("killed by {1}") },
	{ "runner.exit", N_("exited with status {1}") },
	{ "runner.not_run", N_("the run was interrupted before this experiment") },
	{ "runner.start", N_("cannot start the experiment process: {1}") },
	{ NULL, NULL },
};

/* One of eight rotating buffers, so that a message may hold several names. */
#define NAME_LEN 24
static char *name_buf(void)
{
	static __thread char bufs[8][NAME_LEN];
	static __thread unsigned next;
	return bufs[next++ % 8];
}

struct ev_val ev_signal(int signo)
{
	char *buf = name_buf();
	const char *abbrev = sigabbrev_np(signo);
	if (abbrev)
		snprintf(buf, NAME_LEN, "SIG%s", abbrev);
	else
		snprintf(buf, NAME_LEN, "signal %d", signo);
	return (struct ev_val){ .type = EV_SIGNAL, .s = buf };
}

struct ev_val ev_errno(int err)
{
	const char *name = strerrorname_np(err < 0 ? -err : err);
	if (!name) {
		char *buf = name_buf();
		snprintf(buf, NAME_LEN, "errno %d", err < 0 ? -err : err);
		name = buf;
	}
	return (struct ev_val){ .type = EV_ERRNO, .s = name };
}

const struct ev_msg *ev_note_set(struct ev_note *note, const char *form, const struct ev_val *vals,
				 size_t n)
{
	if (n > EV_NOTE_VALS)
		n = EV_NOTE_VALS;
	if (n)
		memcpy(note->vals, vals, n * sizeof(*vals));
	note->msg = (struct ev_msg){ .form = form, .vals = note->vals, .n_vals = n };
	return &note->msg;
}

void ev_msg_dup(struct ev_msg *dst, const struct ev_msg *src)
{
	struct ev_val *v = src->n_vals ? xcalloc(src->n_vals, sizeof(*v)) : NULL;
	for (size_t i = 0; i < src->n_vals; i++) {
		const struct ev_val *s = &src->vals[i];
		v[i] = *s;
		v[i].unit = s->unit ? xstrdup(s->unit) : NULL;
		v[i].s = s->s ? xstrdup(s->s) : NULL;
		if (s->type == EV_LIST && s->n_list) {
			int64_t *l = xmalloc(s->n_list * sizeof(*l));
			memcpy(l, s->list, s->n_list * sizeof(*l));
			v[i].list = l;
		} else {
			v[i].list = NULL;
			v[i].n_list = 0;
		}
		if (s->type == EV_MSG && s->msg) {
			struct ev_msg *m = xmalloc(sizeof(*m));
			ev_msg_dup(m, s->msg);
			v[i].msg = m;
		} else {
			v[i].msg = NULL;
		}
	}
	dst->form = src->form ? xstrdup(src->form) : NULL;
	dst->vals = v;
	dst->n_vals = src->n_vals;
}

void ev_msg_free(struct ev_msg *m)
{
	struct ev_val *v = (struct ev_val *)m->vals;
	for (size_t i = 0; i < m->n_vals; i++) {
		free((char *)v[i].unit);
		free((char *)v[i].s);
		free((int64_t *)v[i].list);
		if (v[i].msg) {
			ev_msg_free((struct ev_msg *)v[i].msg);
			free((struct ev_msg *)v[i].msg);
		}
	}
	free(v);
	free((char *)m->form);
	*m = (struct ev_msg){ 0 };
}

bool ev_msg_empty(const struct ev_msg *m)
{
	return !m->form && m->n_vals == 0;
}

static bool str_equal(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

bool ev_msg_equal(const struct ev_msg *a, const struct ev_msg *b)
{
	if (!str_equal(a->form, b->form) || a->n_vals != b->n_vals)
		return false;
	for (size_t i = 0; i < a->n_vals; i++) {
		const struct ev_val *x = &a->vals[i], *y = &b->vals[i];
		if (x->type != y->type || x->i != y->i || !str_equal(x->s, y->s) ||
		    !str_equal(x->unit, y->unit) || x->n_list != y->n_list ||
		    !(x->d == y->d || (isnan(x->d) && isnan(y->d))))
			return false;
		for (size_t k = 0; k < x->n_list; k++)
			if (x->list[k] != y->list[k])
				return false;
		if (x->type == EV_MSG &&
		    !(x->msg && y->msg ? ev_msg_equal(x->msg, y->msg) : x->msg == y->msg))
			return false;
	}
	return true;
}

static const char *const type_names[] = {
	[EV_COUNT] = "count", [EV_NUM] = "number",    [EV_WORD] = "word",
	[EV_TOKEN] = "token", [EV_SIGNAL] = "signal", [EV_ERRNO] = "errno",
	[EV_LIST] = "list",   [EV_MSG] = "message",   [EV_LEGACY] = "legacy",
};

const char *ev_type_name(enum ev_type t)
{
	return (size_t)t < sizeof(type_names) / sizeof(type_names[0]) ? type_names[t] : "?";
}

int ev_type_from_name(const char *s, enum ev_type *out)
{
	for (size_t i = 0; s && i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(s, type_names[i]) == 0) {
			*out = (enum ev_type)i;
			return 0;
		}
	return -1;
}

const char *ev_form_find(const struct ev_form *const *tables, const char *id)
{
	for (; id && tables && *tables; tables++)
		for (const struct ev_form *f = *tables; f->id; f++)
			if (strcmp(f->id, id) == 0)
				return f->text;
	return NULL;
}

int ev_form_arity(const char *text)
{
	int most = 0;
	for (const char *p = text; *p; p++) {
		if (*p != '{' && *p != '}')
			continue;
		if (*p == '}' || p[1] < '1' || p[1] > '9' || p[2] != '}')
			return -1;
		if (p[1] - '0' > most)
			most = p[1] - '0';
		p += 2;
	}
	return most;
}

/* Appends text to buf at *used, keeping the NUL; stops at the end. */
static void put(char *buf, size_t size, size_t *used, const char *text)
{
	size_t len = strlen(text), room = size - 1 - *used;
	if (len > room)
		len = room;
	memcpy(buf + *used, text, len);
	*used += len;
	buf[*used] = '\0';
}

static void render_num(double d, const char *unit, char *buf, size_t size)
{
	if (!unit)
		unit = "";
	if (!isfinite(d))
		snprintf(buf, size, "%s", _("n/a"));
	else if (strcmp(unit, "ns") == 0)
		units_format_ns(d, buf, size);
	else if (strcmp(unit, "bytes") == 0)
		units_format_bytes(d, buf, size);
	else if (strcmp(unit, "percent") == 0)
		snprintf(buf, size, "%.1f%%", d);
	else if (strcmp(unit, "x") == 0)
		snprintf(buf, size, "%.2f×", d);
	else if (unit[0])
		snprintf(buf, size, "%.3g %s", d, unit);
	else
		snprintf(buf, size, "%.3g", d);
	i18n_decimal(buf); /* for people: "25,3%" in Indonesian */
}

static void render_val(const struct ev_val *v, const struct ev_form *const *tables, char *buf,
		       size_t size)
{
	const char *word;
	size_t used = 0;
	buf[0] = '\0';
	switch (v->type) {
	case EV_COUNT:
		snprintf(buf, size, "%" PRId64, v->i);
		break;
	case EV_NUM:
		render_num(v->d, v->unit, buf, size);
		break;
	case EV_WORD:
		word = ev_form_find(tables, v->s);
		snprintf(buf, size, "%s", word ? _(word) : v->s ? v->s : "?");
		break;
	case EV_ERRNO:
		/* The C library's words for it, in the reader's language where it has them. */
		for (int e = 1; e < 4096 && v->s; e++)
			if (strerrorname_np(e) && strcmp(strerrorname_np(e), v->s) == 0) {
				snprintf(buf, size, "%s (%s)", strerror(e), v->s);
				return;
			}
		snprintf(buf, size, "%s", v->s ? v->s : "?");
		break;
	case EV_TOKEN:
	case EV_SIGNAL:
		snprintf(buf, size, "%s", v->s ? v->s : "?");
		break;
	case EV_LEGACY:
		/* TRANSLATORS: prose kept as ptlab 0.1.0 wrote it, in the language of that run. */
		snprintf(buf, size, _("“%s” (as recorded by ptlab 0.1.0)"), v->s ? v->s : "");
		break;
	case EV_LIST:
		for (size_t i = 0; i < v->n_list; i++) {
			char one[32];
			snprintf(one, sizeof(one), "%s%" PRId64, i ? ", " : "", v->list[i]);
			put(buf, size, &used, one);
		}
		break;
	case EV_MSG:
		if (v->msg)
			ev_render(v->msg, tables, buf, size);
		break;
	}
}

/* "form(v1, v2)" or "v1, v2": the values as they are, when no template fits. */
static void render_plain(const struct ev_msg *m, const struct ev_form *const *tables, char *buf,
			 size_t size, size_t *used)
{
	char one[512];
	if (m->form) {
		put(buf, size, used, m->form);
		put(buf, size, used, "(");
	}
	for (size_t i = 0; i < m->n_vals; i++) {
		render_val(&m->vals[i], tables, one, sizeof(one));
		if (i)
			put(buf, size, used, ", ");
		put(buf, size, used, one);
	}
	if (m->form)
		put(buf, size, used, ")");
}

/* The template filled with m's values, or m's values plainly when text is unfit. */
static char *fill(const char *text, const struct ev_msg *m, const struct ev_form *const *tables,
		  char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	if (!text || ev_form_arity(text) < 0 || (size_t)ev_form_arity(text) > m->n_vals) {
		render_plain(m, tables, buf, size, &used);
		return buf;
	}
	for (const char *p = text; *p;) {
		const char *brace = strchr(p, '{');
		size_t len = brace ? (size_t)(brace - p) : strlen(p);
		char piece[512];
		snprintf(piece, sizeof(piece), "%.*s", (int)(len < sizeof(piece) ? len : 511), p);
		put(buf, size, &used, piece);
		if (!brace)
			break;
		render_val(&m->vals[brace[1] - '1'], tables, piece, sizeof(piece));
		put(buf, size, &used, piece);
		p = brace + 3;
	}
	return buf;
}

char *ev_render(const struct ev_msg *m, const struct ev_form *const *tables, char *buf, size_t size)
{
	if (size == 0)
		return buf;
	const char *text = m->form ? ev_form_find(tables, m->form) : NULL;
	return fill(text ? _(text) : NULL, m, tables, buf, size);
}

char *ev_fill(const char *text, const struct ev_msg *m, char *buf, size_t size)
{
	return size ? fill(text, m, NULL, buf, size) : buf;
}
