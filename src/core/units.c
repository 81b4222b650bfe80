// SPDX-License-Identifier: MIT
/*
 * units: one table per kind of value, read in both directions. Parsing looks
 * the suffix up in the table; exact formatting picks the largest entry that
 * divides the value; human formatting walks the entries marked for display,
 * smallest first, until the number fits under 1000. A spelling added to a
 * table is therefore understood and printed everywhere at once, and the
 * parser and the printers cannot drift apart (wrk's units.c has the same
 * shape).
 *
 * Parsing is done by hand rather than with strtod(): strtod() follows the
 * locale's decimal point, accepts signs, spaces, hex and exponents, and
 * rounds, while a parameter wants an exact integer number of base units.
 * A fraction is kept as a reduced ratio n/den, so "1.5GiB" is computed
 * exactly and "1.3" (a count) is refused instead of rounded.
 */
#include "core/units.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util/i18n.h"

/* How a table entry is used besides parsing. */
enum {
	UF_EXACT = 1 << 0, /* the canonical spelling for units_format_exact() */
	UF_HUMAN = 1 << 1, /* a display unit for the human formatters */
};

struct unit_name {
	const char *name; /* the suffix after the number ("" for none) */
	int64_t mult;	  /* base units per one; for UNIT_BOOL, the value */
	unsigned flags;
};

#define KIB ((int64_t)1 << 10)
#define MIB ((int64_t)1 << 20)
#define GIB ((int64_t)1 << 30)
#define TIB ((int64_t)1 << 40)

/*
 * Every table lists its UF_HUMAN entries in ascending order; at most one
 * UF_EXACT entry per multiplier.
 */
static const struct unit_name byte_units[] = {
	{ "", 1, UF_EXACT },
	{ "B", 1, UF_HUMAN },
	{ "k", KIB, 0 },
	{ "K", KIB, 0 },
	{ "KiB", KIB, UF_EXACT | UF_HUMAN },
	{ "kiB", KIB, 0 },
	{ "KB", 1000, 0 },
	{ "kB", 1000, UF_EXACT },
	{ "M", MIB, 0 },
	{ "MiB", MIB, UF_EXACT | UF_HUMAN },
	{ "MB", 1000000, UF_EXACT },
	{ "G", GIB, 0 },
	{ "GiB", GIB, UF_EXACT | UF_HUMAN },
	{ "GB", 1000000000, UF_EXACT },
	{ "T", TIB, 0 },
	{ "TiB", TIB, UF_EXACT | UF_HUMAN },
	{ "TB", 1000000000000, UF_EXACT },
	{ NULL, 0, 0 },
};

/* "us" is the spelling for command lines and JSON, "µs" the one for people. */
static const struct unit_name duration_units[] = {
	{ "", 1, 0 },
	{ "ns", 1, UF_EXACT | UF_HUMAN },
	{ "us", 1000, UF_EXACT },
	{ "µs", 1000, UF_HUMAN }, /* U+00B5 MICRO SIGN */
	{ "μs", 1000, 0 },	  /* U+03BC, what Greek keyboards type */
	{ "ms", 1000000, UF_EXACT | UF_HUMAN },
	{ "s", 1000000000, UF_EXACT | UF_HUMAN },
	{ "min", 60000000000, UF_EXACT },
	{ NULL, 0, 0 },
};

static const struct unit_name count_units[] = {
	{ "", 1, UF_EXACT },	       { "k", 1000, UF_EXACT }, { "M", 1000000, UF_EXACT },
	{ "G", 1000000000, UF_EXACT }, { NULL, 0, 0 },
};

/* For booleans the whole text is the name and mult is the value. */
static const struct unit_name bool_units[] = {
	{ "yes", 1, UF_EXACT }, { "no", 0, UF_EXACT }, { "1", 1, 0 },
	{ "0", 0, 0 },		{ "on", 1, 0 },	       { "off", 0, 0 },
	{ "true", 1, 0 },	{ "false", 0, 0 },     { NULL, 0, 0 },
};

static const struct unit_name *table_of(enum unit_kind kind)
{
	switch (kind) {
	case UNIT_COUNT:
		return count_units;
	case UNIT_BYTES:
		return byte_units;
	case UNIT_DURATION:
		return duration_units;
	case UNIT_BOOL:
		return bool_units;
	}
	return NULL;
}

static const struct unit_name *lookup(const struct unit_name *t, const char *name)
{
	for (; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t r = a % b;
		a = b;
		b = r;
	}
	return a;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * More significant fraction digits than this cannot be typed on purpose;
 * the limit keeps 10^digits inside uint64_t.
 */
#define FRAC_DIGITS_MAX 18

/*
 * Parses "<digits>[.<digits>]<suffix>" against table t. Syntax is checked
 * completely before any arithmetic, so malformed text is always -EINVAL
 * and only well-formed text can be -ERANGE.
 */
static int parse_number(const char *s, const struct unit_name *t, int64_t *out)
{
	const char *ip = s, *fp = NULL;
	size_t ilen = 0, flen = 0;

	while (is_digit(ip[ilen]))
		ilen++;
	if (ilen == 0)
		return -EINVAL;
	const char *p = ip + ilen;
	if (*p == '.') {
		fp = p + 1;
		while (is_digit(fp[flen]))
			flen++;
		if (flen == 0)
			return -EINVAL;
		p = fp + flen;
	}
	const struct unit_name *u = lookup(t, p);
	if (!u)
		return -EINVAL;

	/* The fraction as n/den in lowest terms, trailing zeros dropped. */
	while (flen > 0 && fp[flen - 1] == '0')
		flen--;
	if (flen > FRAC_DIGITS_MAX)
		return -EINVAL;
	uint64_t n = 0, den = 1;
	for (size_t i = 0; i < flen; i++) {
		n = n * 10 + (uint64_t)(fp[i] - '0');
		den *= 10;
	}
	uint64_t mult = (uint64_t)u->mult;
	uint64_t frac = 0;
	if (n) {
		uint64_t g = gcd_u64(n, den);
		n /= g;
		den /= g;
		if (mult % den != 0)
			return -EINVAL;	 /* not a whole number of base units */
		frac = n * (mult / den); /* n < den, so this stays below mult */
	}

	uint64_t whole = 0;
	for (size_t i = 0; i < ilen; i++) {
		if (__builtin_mul_overflow(whole, 10, &whole) ||
		    __builtin_add_overflow(whole, (uint64_t)(ip[i] - '0'), &whole))
			return -ERANGE;
	}
	uint64_t v;
	if (__builtin_mul_overflow(whole, mult, &v) || __builtin_add_overflow(v, frac, &v) ||
	    v > (uint64_t)INT64_MAX)
		return -ERANGE;
	*out = (int64_t)v;
	return 0;
}

int units_parse(const char *s, enum unit_kind kind, int64_t *out)
{
	const struct unit_name *t = table_of(kind);

	if (!s || !t)
		return -EINVAL;
	if (kind == UNIT_BOOL) {
		const struct unit_name *u = lookup(t, s);
		if (!u)
			return -EINVAL;
		*out = u->mult;
		return 0;
	}
	return parse_number(s, t, out);
}

const char *units_accepted(enum unit_kind kind)
{
	switch (kind) {
	case UNIT_COUNT:
		return _("a count such as 100, 10k, 2M or 1G");
	case UNIT_BYTES:
		return _("a size such as 4096, 4k, 64KiB, 1MiB or 2G");
	case UNIT_DURATION:
		return _("a duration such as 500ns, 20us, 250ms, 1.5s or 2min");
	case UNIT_BOOL:
		return _("yes or no (also on/off, true/false, 1/0)");
	}
	return "";
}

/*
 * Formats |v| (finite) with the UF_HUMAN entries of t: the first unit in
 * which the value, rounded to three significant digits, is below 1000, or
 * the last one. The precision is decided on the rounded value so that
 * 9.996 becomes "10.0" and 999.7 moves up to "1.00" of the next unit.
 */
static char *format_human(double v, const struct unit_name *t, char *buf, size_t size)
{
	const char *sign = "";
	const struct unit_name *u = NULL, *base = NULL;
	double x = 0;

	if (!isfinite(v)) {
		snprintf(buf, size, "%s", _("n/a"));
		return buf;
	}
	if (v < 0) {
		sign = "-";
		v = -v;
	}
	for (; t->name; t++) {
		if (!(t->flags & UF_HUMAN))
			continue;
		if (!base)
			base = t;
		u = t;
		x = v / (double)t->mult;
		if (x < 999.5)
			break;
	}
	if (u == base && x == floor(x))
		snprintf(buf, size, "%s%.0f %s", sign, x, u->name);
	else if (x < 0.9995)
		snprintf(buf, size, "%s%.3f %s", sign, x, u->name);
	else if (x < 9.995)
		snprintf(buf, size, "%s%.2f %s", sign, x, u->name);
	else if (x < 99.95)
		snprintf(buf, size, "%s%.1f %s", sign, x, u->name);
	else
		snprintf(buf, size, "%s%.0f %s", sign, x, u->name);
	return i18n_decimal(buf);
}

char *units_format_ns(double ns, char *buf, size_t size)
{
	return format_human(ns, duration_units, buf, size);
}

char *units_format_bytes(double bytes, char *buf, size_t size)
{
	return format_human(bytes, byte_units, buf, size);
}

char *units_format_exact(int64_t v, enum unit_kind kind, char *buf, size_t size)
{
	const struct unit_name *t = table_of(kind);
	const struct unit_name *best = NULL;

	if (kind == UNIT_BOOL) {
		for (; t->name; t++) {
			if ((t->flags & UF_EXACT) && t->mult == v) {
				snprintf(buf, size, "%s", t->name);
				return buf;
			}
		}
		snprintf(buf, size, "%" PRId64, v);
		return buf;
	}

	/* Negated in unsigned arithmetic so that INT64_MIN is no overflow. */
	uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
	for (; t && t->name; t++) {
		if (!(t->flags & UF_EXACT))
			continue;
		uint64_t m = (uint64_t)t->mult;
		if (mag == 0 ? (!best || t->mult < best->mult)
			     : (mag % m == 0 && (!best || t->mult > best->mult)))
			best = t;
	}
	if (!best) {
		snprintf(buf, size, "%" PRId64, v);
		return buf;
	}
	snprintf(buf, size, "%s%" PRIu64 "%s", v < 0 ? "-" : "", mag / (uint64_t)best->mult,
		 best->name);
	return buf;
}
