// SPDX-License-Identifier: MIT
/*
 * evidence: what an experiment saw, as data. A message is a form (the id
 * of a sentence in the catalogue, or none for a bare value) and typed
 * values: a count, a number with its unit, a word from a closed
 * vocabulary (yes, no, whole_process...), a token shown as it is (a path,
 * a checksum, a CPU list), a signal or errno name, a list of counts, or a
 * nested message. No sentence is stored: a message is phrased in the
 * reader's language when it is rendered (ev_render), so a run recorded in
 * one language reads wholly in another.
 *
 * A form's text is a translatable template whose values are written {1},
 * {2}... in any order (a translation may reorder them). Forms live in
 * tables: each experiment declares its own in its descriptor, the modules
 * below keep theirs (ev_forms_common here, limit_forms in core/limit).
 * A word is looked up in the same tables by its own name; a word no table
 * knows is shown as it is.
 *
 * Building a message borrows: the values point at the caller's strings,
 * and ev_msg_dup makes an owned copy (freed by ev_msg_free).
 */
#ifndef PTLAB_CORE_EVIDENCE_H
#define PTLAB_CORE_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ev_type {
	EV_COUNT,  /* i */
	EV_NUM,	   /* d in unit (a unit name of ptlab's JSON: "ns", "bytes", "percent", "x") */
	EV_WORD,   /* s: a word of a form table, translated */
	EV_TOKEN,  /* s: shown as it is, in every language */
	EV_SIGNAL, /* s: "SIGSEGV" */
	EV_ERRNO,  /* s: "EPERM" */
	EV_LIST,   /* list[0..n_list): counts */
	EV_MSG,	   /* msg: a nested message */
	EV_LEGACY, /* s: prose written by ptlab 0.1.0, shown verbatim and marked */
};

struct ev_msg;

struct ev_val {
	enum ev_type type;
	int64_t i;
	double d;
	const char *unit;
	const char *s;
	const int64_t *list;
	size_t n_list;
	const struct ev_msg *msg;
};

struct ev_msg {
	const char *form; /* NULL: the values alone, joined by ", " */
	const struct ev_val *vals;
	size_t n_vals;
};

/* One sentence of the catalogue: {"crash.survivors", N_("{1} of {2} finished")}. */
struct ev_form {
	const char *id;
	const char *text; /* N_(); NULL ends a table */
};

/* Values, borrowed (a compound literal: valid in the enclosing block). */
#define ev_count(x) ((struct ev_val){ .type = EV_COUNT, .i = (int64_t)(x) })
#define ev_num(x, u) ((struct ev_val){ .type = EV_NUM, .d = (double)(x), .unit = (u) })
#define ev_word(w) ((struct ev_val){ .type = EV_WORD, .s = (w) })
#define ev_yesno(b) ev_word((b) ? "yes" : "no")
#define ev_token(t) ((struct ev_val){ .type = EV_TOKEN, .s = (t) })
#define ev_list(p, n) ((struct ev_val){ .type = EV_LIST, .list = (p), .n_list = (n) })
#define ev_nested(m) ((struct ev_val){ .type = EV_MSG, .msg = (m) })
/*
 * A signal's and an errno's name ("SIGSEGV", "EPERM"; "signal 40", "errno
 * 200" when unnamed), in one of eight rotating buffers of the thread: a
 * message may hold up to eight of them.
 */
struct ev_val ev_signal(int signo);
struct ev_val ev_errno(int err); /* err or -err */

/* A message of a form and values given inline: EV_MSG_OF("form", ev_count(1), ...). */
#define EV_MSG_OF(form_, ...)                                                                      \
	((struct ev_msg){ .form = (form_),                                                         \
			  .vals = (const struct ev_val[]){ __VA_ARGS__ },                          \
			  .n_vals = sizeof((const struct ev_val[]){ __VA_ARGS__ }) /               \
				    sizeof(struct ev_val) })

/*
 * A message that carries its values with it, for a function that returns
 * one (core/limit): the strings it points at are static or in text.
 */
#define EV_NOTE_VALS 4
struct ev_note {
	struct ev_msg msg;
	struct ev_val vals[EV_NOTE_VALS];
	char text[64];
};
/* Fills note with form and up to EV_NOTE_VALS values; returns &note->msg. */
const struct ev_msg *ev_note_set(struct ev_note *note, const char *form, const struct ev_val *vals,
				 size_t n);

/* Deep copies and frees (an owned message: every string and list is the message's). */
void ev_msg_dup(struct ev_msg *dst, const struct ev_msg *src);
void ev_msg_free(struct ev_msg *m);
bool ev_msg_empty(const struct ev_msg *m); /* no form and no value */
/* Same form and values (numbers compared exactly, NaN equal to NaN). */
bool ev_msg_equal(const struct ev_msg *a, const struct ev_msg *b);

/* Stable names of the types for JSON ("count", "number"...); -1 when unknown. */
const char *ev_type_name(enum ev_type t);
int ev_type_from_name(const char *s, enum ev_type *out);

/*
 * The template of form id in the NULL-terminated list of tables, or NULL.
 * Untranslated: pass it through gettext to read it.
 */
const char *ev_form_find(const struct ev_form *const *tables, const char *id);

/*
 * The highest {N} of a template (0 for none), or -1 when it holds a brace
 * that is not a placeholder {1}..{9}.
 */
int ev_form_arity(const char *text);

/*
 * Writes m in the reader's language into buf (always NUL-terminated,
 * truncated if short); returns buf. A form no table knows, or given the
 * wrong number of values, is written "form(v1, v2)" so nothing is lost.
 */
char *ev_render(const struct ev_msg *m, const struct ev_form *const *tables, char *buf,
		size_t size);

/*
 * A template already chosen and translated (a chart's title, a plural
 * chosen by ngettext) filled with m's values (m's form is ignored); same
 * contract as ev_render.
 */
char *ev_fill(const char *text, const struct ev_msg *m, char *buf, size_t size);

/* The forms and words every module may use (yes, no; the runner's reasons). */
extern const struct ev_form ev_forms_common[];

#endif
