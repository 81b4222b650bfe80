// SPDX-License-Identifier: MIT
/*
 * json: the result model to JSON and back, with jansson. The schema is
 * versioned ("schema": "ptlab-run", "schema_version": 1) and documented in
 * doc/json-schema.md. Writing keeps integers exact (raw samples, bytes,
 * seeds as JSON integers; a uint64_t above INT64_MAX, in practice only a
 * seed, as a string of decimal digits), writes non-finite numbers as
 * null, and checks
 * every insertion. Reading validates types and required fields and
 * rejects a malformed or foreign document with a sentence that names the
 * problem (and for a parse error, the line and column).
 *
 * Summaries (struct summary) are written for readers' convenience but
 * never read back: metric_summarize() recomputes them from the raw
 * samples, so a saved run is judged exactly as a fresh one.
 */
#ifndef PTLAB_MODEL_JSON_H
#define PTLAB_MODEL_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "model/run.h"

/* New references; NULL only on allocation failure. */
json_t *json_from_run(const struct run *r);
json_t *json_from_result(const struct exp_result *e);
json_t *json_from_metric(const struct metric *m);
json_t *json_from_sysinfo(const struct sysinfo *s);
/* A message of evidence: {"form": "...", "values": [{"count": 3}, {"word": "yes"}]}. */
json_t *json_from_msg(const struct ev_msg *m);

/*
 * Readers fill a zeroed/initialised destination. They return 0, or -EINVAL
 * with err (size errlen) holding one translated sentence that names the
 * offending field (e.g. "experiments[0].metrics[2].raw[5]: expected a
 * non-negative integer"). On error the destination may be partly filled;
 * the caller frees it as usual.
 */
int run_from_json(const json_t *root, struct run *out, char *err, size_t errlen);
int result_from_json(const json_t *o, struct exp_result *out, char *err, size_t errlen);
int metric_from_json(const json_t *o, struct metric *out, char *err, size_t errlen);
int sysinfo_from_json(const json_t *o, struct sysinfo *out, char *err, size_t errlen);
/* A message, or a string of ptlab 0.1.0 kept as data where it reads as data, else verbatim. */
int msg_from_json(const json_t *o, struct ev_msg *out, char *err, size_t errlen);

/*
 * Loads a run from a file. Returns 0, -errno when the file cannot be read
 * (err names the file and the reason), or -EINVAL for a parse error (err
 * gives file:line:column and jansson's text) or a foreign/invalid document
 * (wrong or missing "schema", a newer schema_version, a bad field).
 */
int run_load(const char *path, struct run *out, char *err, size_t errlen);

/* The largest file run_load() reads (-EFBIG beyond): ten times a full run on many CPUs. */
#define RUN_FILE_MAX (128u << 20)

/*
 * Writes the run to path by the rule of core/outfile.h (atomically through
 * a temporary file in the same folder), with `extra` (may be NULL) merged into the top-level
 * object — the JSON renderer adds the verdicts that way. Returns 0 or
 * -errno.
 */
int run_save(const struct run *r, const json_t *extra, const char *path);

#endif
