// SPDX-License-Identifier: MIT
/*
 * param: an experiment's parameters, declared once in a table (name, kind,
 * where the value lives in the experiment's own struct, default / quick /
 * full values, range, help). The core parses user text with units, checks
 * ranges, and hands the experiment a filled, const struct. No option
 * globals, no lookup of a setting by its name inside an experiment.
 */
#ifndef PTLAB_CORE_PARAM_H
#define PTLAB_CORE_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/units.h"

#define PARAM_LIST_MAX 16

/* A list value ("1MiB,16MiB,1GiB"): every element has the param's unit. */
struct param_list {
	size_t n;
	int64_t v[PARAM_LIST_MAX];
};

struct param {
	const char *name; /* [a-z_]+, unique within the experiment */
	const char *help; /* N_() */
	enum unit_kind unit;
	bool is_list;	   /* the field is a struct param_list, else int64_t */
	size_t offset;	   /* offsetof(the experiment's struct, field) */
	const char *def;   /* value text for the default mode */
	const char *quick; /* value text under --quick; NULL: def */
	const char *full;  /* value text under --full; NULL: def */
	int64_t min, max;  /* inclusive range of every element */
};

/*
 * Which of a param's value texts to use. PRESET_DEFAULT (the def text) is
 * last so that the first two keep their values.
 */
enum param_preset {
	PRESET_QUICK,
	PRESET_FULL,
	PRESET_DEFAULT
};

/*
 * Parses text for p into the struct at base (p->offset). A list is
 * comma-separated; every element is parsed with p->unit and checked
 * against [min, max]. Returns 0, -EINVAL (malformed text or an empty list
 * element), -ERANGE (outside [min, max], or too large for int64_t) or
 * -E2BIG (a list longer than PARAM_LIST_MAX). The field is written only on
 * success. On failure err (size errlen; may be NULL when errlen is 0)
 * receives one whole translated sentence naming the parameter, the bad
 * value and what is accepted.
 */
int param_parse(const struct param *p, void *base, const char *text, char *err, size_t errlen);

/*
 * Fills every field of base with the preset's values (param_preset_text()).
 * Returns 0 or the first error, with err filled as by param_parse().
 */
int param_apply_preset(const struct param *params, size_t n, void *base, enum param_preset preset,
		       char *err, size_t errlen);

/* Finds a param by name among the first n; NULL if none. */
const struct param *param_find(const struct param *params, size_t n, const char *name);

/*
 * The value in base formatted exactly ("1MiB,16MiB"), for JSON and `list`;
 * param_parse() of the result gives the same value. Writes into buf (size
 * >= 1; always NUL-terminated; a list that does not fit keeps only the
 * elements that do) and returns buf.
 */
char *param_format(const struct param *p, const void *base, char *buf, size_t size);

/*
 * A joint check for two parameters of one experiment where the first must
 * not exceed the second (a minimum and a maximum). Returns 0, or -EINVAL
 * with one sentence in err naming both as EXPERIMENT.PARAM with values.
 */
int param_check_order(const char *experiment, const char *lo_name, int64_t lo, const char *hi_name,
		      int64_t hi, char *err, size_t errlen);

/* The text a preset uses for p: quick or full, falling back to def. */
const char *param_preset_text(const struct param *p, enum param_preset preset);

#endif
