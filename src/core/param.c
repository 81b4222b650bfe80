// SPDX-License-Identifier: MIT
/*
 * param: turns the text of a parameter (from a preset or the command line)
 * into the field of an experiment's own struct, through the param table.
 * The table says where the field is (offset), what unit its text carries
 * and which range is allowed; this file is the only code that writes those
 * fields, so every value an experiment sees has been range-checked.
 *
 * Failures are described here, once, as one whole translated sentence that
 * names the parameter, repeats the offending text and says what would have
 * been accepted: the caller only prints it. A field is written only when
 * all of its text is valid, so a bad list leaves the previous value intact.
 */
#include "core/param.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "util/xalloc.h"

/* Longest exact form of one int64_t value: sign, 19 digits, a suffix. */
#define EXACT_MAX 32

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int64_t *field_of(const struct param *p, void *base)
{
	return (int64_t *)((char *)base + p->offset);
}

/*
 * Parses one element (NUL-terminated) and checks its range. On failure
 * fills err with a sentence that quotes elem.
 */
static int parse_one(const struct param *p, const char *elem, int64_t *out, char *err,
		     size_t errlen)
{
	int64_t v;
	int rc = units_parse(elem, p->unit, &v);

	if (rc == -EINVAL) {
		set_err(err, errlen, _("invalid value \"%s\" for %s: expected %s"), elem, p->name,
			units_accepted(p->unit));
		return rc;
	}
	if (rc == 0 && v >= p->min && v <= p->max) {
		*out = v;
		return 0;
	}
	char lo[EXACT_MAX], hi[EXACT_MAX];
	units_format_exact(p->min, p->unit, lo, sizeof(lo));
	units_format_exact(p->max, p->unit, hi, sizeof(hi));
	set_err(err, errlen, _("value %s for %s is out of range: accepted from %s to %s"), elem,
		p->name, lo, hi);
	return -ERANGE;
}

/*
 * Splits text at commas into a whole list, parsed into *list. The count is
 * checked before any element, so an over-long list is -E2BIG whatever its
 * elements hold.
 */
static int parse_list(const struct param *p, const char *text, struct param_list *list, char *err,
		      size_t errlen)
{
	size_t n = 1;

	for (const char *c = text; *c; c++)
		n += *c == ',';
	if (n > PARAM_LIST_MAX) {
		set_err(err, errlen, _("too many values in \"%s\" for %s: at most %d are accepted"),
			text, p->name, PARAM_LIST_MAX);
		return -E2BIG;
	}

	char *copy = xstrdup(text);
	char *rest = copy;
	int rc = 0;

	memset(list, 0, sizeof(*list)); /* unused slots compare equal */
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *elem = strsep(&rest, ",");
		if (*elem == '\0') {
			set_err(err, errlen,
				_("empty element in \"%s\" for %s: expected values separated by "
				  "commas, each %s"),
				text, p->name, units_accepted(p->unit));
			rc = -EINVAL;
			break;
		}
		rc = parse_one(p, elem, &list->v[i], err, errlen);
		if (rc == 0)
			list->n = i + 1;
	}
	free(copy);
	return rc;
}

int param_parse(const struct param *p, void *base, const char *text, char *err, size_t errlen)
{
	if (!text)
		text = "";
	if (p->is_list) {
		struct param_list list;
		int rc = parse_list(p, text, &list, err, errlen);
		if (rc == 0)
			memcpy(field_of(p, base), &list, sizeof(list));
		return rc;
	}

	int64_t v;
	int rc = parse_one(p, text, &v, err, errlen);
	if (rc == 0)
		*field_of(p, base) = v;
	return rc;
}

const char *param_preset_text(const struct param *p, enum param_preset preset)
{
	const char *t = NULL;

	switch (preset) {
	case PRESET_QUICK:
		t = p->quick;
		break;
	case PRESET_FULL:
		t = p->full;
		break;
	case PRESET_DEFAULT:
		break;
	}
	return t ? t : p->def;
}

int param_apply_preset(const struct param *params, size_t n, void *base, enum param_preset preset,
		       char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		const struct param *p = &params[i];
		int rc = param_parse(p, base, param_preset_text(p, preset), err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

const struct param *param_find(const struct param *params, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (params[i].name && strcmp(params[i].name, name) == 0)
			return &params[i];
	return NULL;
}

char *param_format(const struct param *p, const void *base, char *buf, size_t size)
{
	const char *at = (const char *)base + p->offset;

	if (!p->is_list)
		return units_format_exact(*(const int64_t *)at, p->unit, buf, size);

	const struct param_list *list = (const struct param_list *)at;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < list->n && i < PARAM_LIST_MAX; i++) {
		char one[EXACT_MAX];
		units_format_exact(list->v[i], p->unit, one, sizeof(one));
		int w = snprintf(buf + used, size - used, "%s%s", i ? "," : "", one);
		if (w < 0 || (size_t)w >= size - used) {
			buf[used] = '\0'; /* keep whole elements only */
			break;
		}
		used += (size_t)w;
	}
	return buf;
}

int param_check_order(const char *experiment, const char *lo_name, int64_t lo, const char *hi_name,
		      int64_t hi, char *err, size_t errlen)
{
	if (lo <= hi)
		return 0;
	snprintf(err, errlen,
		 _("%s.%s (%lld) is above %s.%s (%lld): the minimum must not exceed the maximum"),
		 experiment, lo_name, (long long)lo, experiment, hi_name, (long long)hi);
	return -EINVAL;
}
