// SPDX-License-Identifier: MIT
/*
 * rawscan: takes the raw samples out of a run's JSON text before jansson
 * parses the rest.
 *
 * A full run holds about a million raw samples, nine in ten of the
 * document's values; jansson makes each one an object of its own, and
 * that was half the time `ptlab report` took. This scanner walks the text
 * once, knows strings (so that "raw" inside a string is not a key), and
 * reads every array under a "raw" key that holds only plain integers
 * (digits, no sign, no leading zero, at most INT64_MAX) into a table. In
 * the text, such an array is overwritten by its index in the table, padded
 * with spaces (newlines kept, so jansson's line and column numbers stay
 * true). An array it does not read (empty, a string for a total above
 * INT64_MAX, anything unusual) is left to jansson and to the reader's own
 * checks.
 *
 * So that an integer under "raw" always means "this entry of the table",
 * the scanner gives up and leaves the whole text as it was when a "raw"
 * key holds anything but an array, or when a key is written with an
 * escape (it could read "raw" once decoded).
 */
#ifndef PTLAB_MODEL_RAWSCAN_H
#define PTLAB_MODEL_RAWSCAN_H

#include <stddef.h>
#include <stdint.h>

struct raw_table {
	size_t n;
	uint64_t **v; /* v[i]: array i, owned until taken; NULL once taken */
	size_t *len;
};

/*
 * Scans text[0..len) and rewrites it in place as described above, filling
 * t (free with raw_table_free). With nothing read, or when it gave up, t
 * is empty and the text as it was.
 */
void raw_table_scan(char *text, size_t len, struct raw_table *t);

/*
 * Takes array i of t: *out (the caller frees it) and *n. Returns 0, or
 * -ENOENT when there is no such array or it was taken before.
 */
int raw_table_take(struct raw_table *t, uint64_t i, uint64_t **out, size_t *n);

void raw_table_free(struct raw_table *t);

#endif
