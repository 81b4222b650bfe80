// SPDX-License-Identifier: MIT
/*
 * units: one table of units that parses what users type and formats what
 * humans read. Sizes are binary when they say so (KiB, MiB, GiB, TiB) and
 * also for the short forms k, M, G, T (as dd and most benchmark tools do:
 * `4k` is 4096 bytes); KB/MB/GB/TB (and kB) are decimal. Durations take ns,
 * us (or µs), ms, s, min; a bare number is nanoseconds. Counts take a bare
 * integer or k/M/G as powers of 1000. Booleans take 1/0, yes/no, on/off,
 * true/false. Suffixes are case-sensitive: only the spellings listed in the
 * table are accepted.
 * Parsing never accepts trailing junk, a sign, spaces, an empty number, or a
 * value that overflows int64_t. A fraction ("1.5GiB", "0.5s") is accepted
 * when the result is a whole number of base units.
 */
#ifndef PTLAB_CORE_UNITS_H
#define PTLAB_CORE_UNITS_H

#include <stddef.h>
#include <stdint.h>

enum unit_kind {
	UNIT_COUNT,    /* plain number, optional k/M/G (x1000) */
	UNIT_BYTES,    /* size in bytes */
	UNIT_DURATION, /* time, stored in nanoseconds */
	UNIT_BOOL,     /* 0/1, yes/no, on/off, true/false */
};

/*
 * Parses s as a value of the given kind into *out. Returns 0, -EINVAL for
 * malformed text (NULL, no digits, unknown suffix, junk, a sign, a fraction
 * that does not give a whole number of base units), or -ERANGE when the
 * value does not fit in int64_t. *out is written only on success.
 * A bare number is bytes for UNIT_BYTES and nanoseconds for UNIT_DURATION.
 * Parsing does not depend on the locale.
 */
int units_parse(const char *s, enum unit_kind kind, int64_t *out);

/*
 * The accepted forms for a kind, as a translated noun phrase for error
 * messages ("a size such as 4096, 4k, 64KiB, 1MiB or 2G"). Static storage.
 */
const char *units_accepted(enum unit_kind kind);

/*
 * Human formatting with three significant digits and a unit chosen to keep
 * the number in [1, 1000): "812 ns", "12.3 µs", "1.05 ms", "2.50 s",
 * "512 B", "4.00 KiB". Below one base unit: "0.512 ns". A whole number in
 * the base unit prints without decimals ("512 B"). Negative values carry a
 * '-'. Writes into buf (size >= 1; always NUL-terminated, truncated if
 * short) and returns buf. Non-finite values print as "n/a". The decimal
 * separator is the one for people of the catalogue's language
 * (i18n_decimal_point: "12,3 µs" in Indonesian): these are for people
 * only; whatever is parsed back uses units_format_exact().
 */
char *units_format_ns(double ns, char *buf, size_t size);
char *units_format_bytes(double bytes, char *buf, size_t size);

/*
 * Exact formatting for the command line and the JSON parameters: the
 * largest unit of the kind's table that divides the value ("1GiB",
 * "250ms", 4096 -> "4KiB", 3 -> "3", count 2000 -> "2k", duration 3 ->
 * "3ns"); zero uses the smallest unit ("0", "0ns"). Booleans print
 * "yes"/"no" (any other value as its number). Negative values carry a '-'
 * (which units_parse rejects). units_parse() of the result gives v back.
 * Same buffer contract as above; returns buf.
 */
char *units_format_exact(int64_t v, enum unit_kind kind, char *buf, size_t size);

#endif
