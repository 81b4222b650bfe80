// SPDX-License-Identifier: MIT
/*
 * json: the result model to JSON and back (model/json.h); the layout is
 * documented field by field in doc/json-schema.md, and the two must change
 * together (with RUN_SCHEMA_VERSION when a reader of the old version would
 * misread the new one; new fields alone need no bump, since readers
 * ignore keys they do not know).
 *
 * Exactness. jansson's integers are 64-bit signed, ptlab's counters are
 * 64-bit unsigned. Every uint64_t is written as a JSON integer when it fits
 * (any measured time or size does) and otherwise as a string of decimal
 * digits (a random seed does, half of the time). Readers accept exactly
 * those two forms, and take the string form only for values above
 * INT64_MAX, so one value has one spelling and write -> read -> write
 * gives the same bytes. Doubles go out with 17 significant digits (exact
 * round trip), and as null when they are NaN or infinite.
 *
 * Writing checks every insertion: json_object_set_new() and
 * json_array_append_new() take the value's reference even when they fail
 * (and fail on a NULL value), so `if (set(o, "k", make()))` neither leaks
 * nor needs a NULL check of its own.
 *
 * Reading builds a path for every value it looks at
 * ("experiments[0].metrics[2].raw[5]") and names it in the one sentence it
 * returns. Everything the writer writes is required, except that "reason"
 * may be null, "summary" is never read (summaries are recomputed from the
 * raw samples), and the environment's fields added after ptlab 0.1.0 may
 * be absent: a run of 0.1.0 loads with them unknown.
 */
#include "model/json.h"
#include "model/rawscan.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"
#include "core/outfile.h"
#include "util/i18n.h"
#include "util/xalloc.h"

/* Long enough for any path this schema has ("experiments[12].metrics[3].raw[4095]"). */
#define PATH_LEN 256

/* ---------------------------------------------------------------- writing */

static int set(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new(o, key, v);
}

static json_t *u64_json(uint64_t v)
{
	if (v <= (uint64_t)INT64_MAX)
		return json_integer((json_int_t)v);
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return json_string(buf);
}

static json_t *real_json(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/*
 * A JSON string of s ("" for NULL). jansson refuses text that is not
 * UTF-8; a CPU model or host name read from the system might not be, and
 * losing the whole run over it would be absurd, so such text is written
 * with every non-ASCII byte replaced by '?'.
 */
static json_t *str_json(const char *s)
{
	if (!s)
		s = "";
	json_t *j = json_string(s);
	if (j)
		return j;
	char *c = xstrdup(s);
	for (char *p = c; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(c);
	free(c);
	return j;
}

/* Parameters as an object of key: integer-or-string, in their order. */
static json_t *params_json(const struct mparam *p, size_t n)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *v = p[i].is_num ? json_integer((json_int_t)p[i].num) : str_json(p[i].str);
		if (set(o, p[i].key, v))
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* [lo, hi] */
static json_t *pair_json(double lo, double hi)
{
	json_t *a = json_array();
	if (!a)
		return NULL;
	if (json_array_append_new(a, real_json(lo)) || json_array_append_new(a, real_json(hi))) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/*
 * The modes of a figure with more than one (core/modes.h): each mode's
 * median, share, bounds and samples, in ascending order. Never read back.
 */
static json_t *modes_json(const struct modes *md)
{
	json_t *a = json_array();
	if (!a)
		return NULL;
	for (size_t i = 0; i < md->count; i++) {
		const struct mode *m = &md->m[i];
		json_t *o = json_object();
		if (json_array_append_new(a, o) || set(o, "median", real_json(m->median)) ||
		    set(o, "share", real_json(m->share)) || set(o, "lo", real_json(m->lo)) ||
		    set(o, "hi", real_json(m->hi)) || set(o, "n", u64_json(m->n))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *summary_json(const struct summary *s, const struct modes *md)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	if (md->count > 1 && (set(o, "modes", modes_json(md)) ||
			      set(o, "modes_in_stretches", json_boolean(modes_in_stretches(md))))) {
		json_decref(o);
		return NULL;
	}
	if (set(o, "n", u64_json(s->n)) || set(o, "median", real_json(s->median)) ||
	    set(o, "ci95", pair_json(s->ci_lo, s->ci_hi)) ||
	    set(o, "ci_level", real_json(s->ci_level)) || set(o, "p5", real_json(s->p5)) ||
	    set(o, "p95", real_json(s->p95)) || set(o, "mad", real_json(s->mad)) ||
	    set(o, "mean", real_json(s->mean)) || set(o, "sd", real_json(s->sd)) ||
	    set(o, "min", real_json(s->min)) || set(o, "max", real_json(s->max)) ||
	    set(o, "outliers", u64_json(s->outliers))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* One metric, its raw samples exact and its summary for readers' convenience. */
json_t *json_from_metric(const struct metric *m)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	if (set(o, "name", str_json(m->name)) || set(o, "unit", str_json(m->unit)) ||
	    set(o, "direction", json_string(direction_name(m->dir))) ||
	    set(o, "params", params_json(m->params, m->n_params)) ||
	    set(o, "batch", u64_json(m->batch)) || set(o, "warmup", u64_json(m->warmup)))
		goto fail;
	json_t *raw = json_array();
	if (set(o, "raw", raw))
		goto fail;
	for (size_t i = 0; i < m->n; i++)
		if (json_array_append_new(raw, u64_json(m->raw[i])))
			goto fail;
	if (m->n_rounds > 1) {
		json_t *rounds = json_array();
		if (set(o, "rounds", rounds))
			goto fail;
		for (size_t i = 0; i < m->n_rounds; i++)
			if (json_array_append_new(rounds, u64_json(m->rounds[i])))
				goto fail;
	}
	if (set(o, "summary", summary_json(&m->sum, &m->modes)))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/*
 * The environment is described by tables, one line per field, so that the
 * writer and the reader cannot disagree on a name or a type. A field
 * marked optional (FIELD_NEW: added after ptlab 0.1.0) may be absent when
 * read, and is then set to its kind's "unknown": "", -1, NaN or
 * SYSINFO_UNKNOWN.
 */
enum fkind {
	F_STR,
	F_INT,
	F_BOOL,
	F_U64,
	F_REAL,
	F_FLAG /* enum sysinfo_flag: true, false, or null when unknown */
};

struct field {
	const char *key;
	enum fkind kind;
	size_t off;
	size_t size; /* of the member: the buffer size for F_STR */
	bool optional;
};

#define FIELD_OPT(type, member, kind, opt)                                                         \
	{                                                                                          \
#member, kind, offsetof(type, member), sizeof(((type *)0)->member), opt            \
	}
#define FIELD(type, member, kind) FIELD_OPT(type, member, kind, false)
#define FIELD_NEW(type, member, kind) FIELD_OPT(type, member, kind, true)

static const struct field sysinfo_fields[] = {
	FIELD(struct sysinfo, cpu_model, F_STR),
	FIELD(struct sysinfo, cpus_online, F_INT),
	FIELD(struct sysinfo, cpus_allowed, F_INT),
	FIELD(struct sysinfo, cores, F_INT),
	FIELD(struct sysinfo, packages, F_INT),
	FIELD(struct sysinfo, threads_per_core, F_INT),
	FIELD(struct sysinfo, kernel, F_STR),
	FIELD(struct sysinfo, machine, F_STR),
	FIELD(struct sysinfo, hostname, F_STR),
	FIELD(struct sysinfo, virtualized, F_BOOL),
	FIELD(struct sysinfo, hypervisor, F_STR),
	FIELD(struct sysinfo, pcid, F_BOOL),
	FIELD(struct sysinfo, governor, F_STR),
	FIELD(struct sysinfo, idle_governor, F_STR),
	FIELD(struct sysinfo, thp, F_STR),
	FIELD(struct sysinfo, loadavg1, F_REAL),
	FIELD(struct sysinfo, mem_total_bytes, F_U64),
	FIELD(struct sysinfo, mem_available_bytes, F_U64),
	FIELD(struct sysinfo, glibc, F_STR),
	FIELD(struct sysinfo, compiler, F_STR),
	FIELD_NEW(struct sysinfo, hypervisor_cpuid, F_STR),
	FIELD_NEW(struct sysinfo, hypervisor_kernel, F_STR),
	FIELD_NEW(struct sysinfo, invpcid, F_FLAG),
	FIELD_NEW(struct sysinfo, pti, F_FLAG),
	FIELD_NEW(struct sysinfo, null_syscall_ns, F_REAL),
	FIELD_NEW(struct sysinfo, tlb_entries, F_INT),
};

static const struct field cache_fields[] = {
	FIELD(struct sysinfo_cache, level, F_INT),
	FIELD(struct sysinfo_cache, type, F_STR),
	FIELD(struct sysinfo_cache, size_bytes, F_U64),
};

static const struct field clock_fields[] = {
	FIELD(struct clock_info, overhead_ns, F_REAL),
	FIELD(struct clock_info, resolution_ns, F_U64),
	FIELD(struct clock_info, reported_resolution_ns, F_U64),
	FIELD(struct clock_info, source, F_STR),
};

#define N_FIELDS(t) (sizeof(t) / sizeof((t)[0]))

/* Adds the n fields of the struct at base to o. Returns 0 or -1. */
static int fields_json(json_t *o, const void *base, const struct field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *p = (const char *)base + f[i].off;
		json_t *v = NULL;
		switch (f[i].kind) {
		case F_STR: {
			/* A fixed buffer filled by someone else: never trust its NUL. */
			char *s = strndup(p, f[i].size);
			if (!s)
				return -1;
			v = str_json(s);
			free(s);
			break;
		}
		case F_INT:
			v = json_integer(*(const int *)p);
			break;
		case F_BOOL:
			v = json_boolean(*(const bool *)p);
			break;
		case F_U64:
			v = u64_json(*(const uint64_t *)p);
			break;
		case F_REAL:
			v = real_json(*(const double *)p);
			break;
		case F_FLAG: {
			enum sysinfo_flag flag = *(const enum sysinfo_flag *)p;
			v = flag == SYSINFO_UNKNOWN ? json_null()
						    : json_boolean(flag == SYSINFO_YES);
			break;
		}
		}
		if (set(o, f[i].key, v))
			return -1;
	}
	return 0;
}

/* The caches as an array of {level, type, size_bytes}. */
static json_t *caches_json(const struct sysinfo *s)
{
	json_t *a = json_array();
	if (!a)
		return NULL;
	for (int i = 0; i < s->n_caches && i < SYSINFO_CACHES_MAX; i++) {
		json_t *c = json_object();
		if (json_array_append_new(a, c) ||
		    fields_json(c, &s->caches[i], cache_fields, N_FIELDS(cache_fields))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* The vulnerabilities as an object, file name -> the kernel's line. */
static json_t *vulns_json(const struct sysinfo *s)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	for (int i = 0; i < s->n_vulns && i < SYSINFO_VULNS_MAX; i++) {
		const struct sysinfo_vuln *v = &s->vulns[i];
		char name[sizeof(v->name) + 1], text[sizeof(v->text) + 1];
		/* Fixed buffers filled by someone else: never trust their NUL. */
		snprintf(name, sizeof(name), "%.*s", (int)sizeof(v->name), v->name);
		snprintf(text, sizeof(text), "%.*s", (int)sizeof(v->text), v->text);
		/* A key that is not UTF-8 would make jansson refuse it. */
		for (char *c = name; *c; c++)
			if ((unsigned char)*c >= 0x80)
				*c = '?';
		if (set(o, name, str_json(text))) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* Every field of s, the clock as a nested object. */
json_t *json_from_sysinfo(const struct sysinfo *s)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	if (fields_json(o, s, sysinfo_fields, N_FIELDS(sysinfo_fields)) ||
	    set(o, "caches", caches_json(s)) || set(o, "vulnerabilities", vulns_json(s)))
		goto fail;
	json_t *clock = json_object();
	if (set(o, "clock", clock))
		goto fail;
	if (fields_json(clock, &s->clock, clock_fields, N_FIELDS(clock_fields)))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* One typed value: {"count": 3}, {"number": 1.5, "unit": "ns"}, {"word": "yes"}... */
static json_t *val_json(const struct ev_val *v)
{
	json_t *o = json_object(), *l;
	const char *key = ev_type_name(v->type);
	switch (v->type) {
	case EV_COUNT:
		if (set(o, key, json_integer((json_int_t)v->i)))
			goto fail;
		break;
	case EV_NUM:
		if (set(o, key, real_json(v->d)) || (v->unit && set(o, "unit", str_json(v->unit))))
			goto fail;
		break;
	case EV_LIST:
		l = json_array();
		if (set(o, key, l))
			goto fail;
		for (size_t i = 0; i < v->n_list; i++)
			if (json_array_append_new(l, json_integer((json_int_t)v->list[i])))
				goto fail;
		break;
	case EV_MSG:
		if (set(o, key, json_from_msg(v->msg)))
			goto fail;
		break;
	default:
		if (set(o, key, str_json(v->s)))
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

json_t *json_from_msg(const struct ev_msg *m)
{
	json_t *o = json_object(), *vals = json_array();
	if (!m || !o || (m->form && set(o, "form", str_json(m->form))) || set(o, "values", vals))
		goto fail;
	for (size_t i = 0; i < m->n_vals; i++)
		if (json_array_append_new(vals, val_json(&m->vals[i])))
			goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

json_t *json_from_result(const struct exp_result *e)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	if (set(o, "name", str_json(e->name)) ||
	    set(o, "outcome", json_string(outcome_name(e->outcome))) ||
	    set(o, "reason", ev_msg_empty(&e->reason) ? json_null() : json_from_msg(&e->reason)) ||
	    set(o, "signal", json_integer(e->signal)) ||
	    set(o, "exit_code", json_integer(e->exit_code)) ||
	    set(o, "duration_ns", u64_json(e->duration_ns)) ||
	    set(o, "params", params_json(e->params, e->n_params)))
		goto fail;

	json_t *metrics = json_array();
	if (set(o, "metrics", metrics))
		goto fail;
	for (size_t i = 0; i < e->n_metrics; i++)
		if (json_array_append_new(metrics, json_from_metric(&e->metrics[i])))
			goto fail;

	json_t *obs = json_array();
	if (set(o, "observations", obs))
		goto fail;
	for (size_t i = 0; i < e->n_obs; i++) {
		json_t *ob = json_from_msg(&e->obs[i].msg);
		if (json_array_append_new(obs, ob) || set(ob, "key", str_json(e->obs[i].name)))
			goto fail;
	}

	json_t *skips = json_array();
	if (set(o, "skips", skips))
		goto fail;
	for (size_t i = 0; i < e->n_skips; i++) {
		json_t *s = json_object();
		if (json_array_append_new(skips, s) || set(s, "what", str_json(e->skips[i].what)) ||
		    set(s, "reason", json_from_msg(&e->skips[i].reason)))
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

json_t *json_from_run(const struct run *r)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	if (set(o, "schema", json_string(RUN_SCHEMA)) ||
	    set(o, "schema_version", json_integer(RUN_SCHEMA_VERSION)) ||
	    set(o, "ptlab_version", str_json(r->ptlab_version)) ||
	    set(o, "started", str_json(r->started)) || set(o, "preset", str_json(r->preset)) ||
	    set(o, "seed", u64_json(r->seed)) || set(o, "cpus", str_json(r->cpus)) ||
	    set(o, "environment", json_from_sysinfo(&r->env)))
		goto fail;
	json_t *exps = json_array();
	if (set(o, "experiments", exps))
		goto fail;
	for (size_t i = 0; i < r->n_results; i++)
		if (json_array_append_new(exps, json_from_result(&r->results[i])))
			goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* ---------------------------------------------------------------- reading */

struct rd {
	char *err;
	size_t errlen;
	struct raw_table *raws; /* when the text was scanned: an integer under "raw" is an index */
};

/* Formats the one error sentence (fmt is translated) and returns -EINVAL. */
__attribute__((format(printf, 2, 3))) static int fail(struct rd *rd, const char *fmt, ...)
{
	if (rd->err && rd->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(rd->err, rd->errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/*
 * "path.key", or "key" at the top; join_idx() gives "path[i]". Both return
 * buf (PATH_LEN bytes). A path too long for it is cut: it only ever
 * appears in a message.
 */
static const char *join(char *buf, const char *path, const char *key)
{
	if (snprintf(buf, PATH_LEN, "%s%s%s", path, *path ? "." : "", key) >= PATH_LEN)
		buf[PATH_LEN - 1] = '\0';
	return buf;
}

static const char *join_idx(char *buf, const char *path, size_t i)
{
	if (snprintf(buf, PATH_LEN, "%s[%zu]", path, i) >= PATH_LEN)
		buf[PATH_LEN - 1] = '\0';
	return buf;
}

/* The member key of o, or -EINVAL naming it when it is absent. */
static int need(struct rd *rd, const json_t *o, const char *path, const char *key, json_t **out)
{
	char p[PATH_LEN];
	*out = json_object_get(o, key);
	if (!*out)
		return fail(rd, _("%s: required field is missing"), join(p, path, key));
	return 0;
}

/*
 * A uint64_t in one of the two forms the writer uses: a non-negative JSON
 * integer, or a string of decimal digits for a value above INT64_MAX.
 */
static int u64_value(struct rd *rd, const json_t *v, const char *path, uint64_t *out)
{
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t len = strlen(s);
		if (len > 0 && len <= 20 && strspn(s, "0123456789") == len) {
			char *end;
			errno = 0;
			unsigned long long x = strtoull(s, &end, 10);
			if (errno == 0 && *end == '\0' && x > (unsigned long long)INT64_MAX) {
				*out = x;
				return 0;
			}
		}
	}
	return fail(rd, _("%s: expected a non-negative integer"), path);
}

static int rd_u64(struct rd *rd, const json_t *o, const char *path, const char *key, uint64_t *out)
{
	char p[PATH_LEN];
	json_t *v;
	int err = need(rd, o, path, key, &v);
	return err ? err : u64_value(rd, v, join(p, path, key), out);
}

static int rd_size(struct rd *rd, const json_t *o, const char *path, const char *key, size_t *out)
{
	uint64_t v;
	int err = rd_u64(rd, o, path, key, &v);
	if (!err)
		*out = (size_t)v;
	return err;
}

static int rd_int(struct rd *rd, const json_t *o, const char *path, const char *key, int *out)
{
	char p[PATH_LEN];
	json_t *v;
	int err = need(rd, o, path, key, &v);
	if (err)
		return err;
	if (!json_is_integer(v) || json_integer_value(v) < INT_MIN ||
	    json_integer_value(v) > INT_MAX)
		return fail(rd, _("%s: expected an integer between %d and %d"), join(p, path, key),
			    INT_MIN, INT_MAX);
	*out = (int)json_integer_value(v);
	return 0;
}

static int rd_bool(struct rd *rd, const json_t *o, const char *path, const char *key, bool *out)
{
	char p[PATH_LEN];
	json_t *v;
	int err = need(rd, o, path, key, &v);
	if (err)
		return err;
	if (!json_is_boolean(v))
		return fail(rd, _("%s: expected true or false"), join(p, path, key));
	*out = json_is_true(v);
	return 0;
}

/* A number, or null read as NaN (the writer's spelling of a non-finite value). */
static int rd_real(struct rd *rd, const json_t *o, const char *path, const char *key, double *out)
{
	char p[PATH_LEN];
	json_t *v;
	int err = need(rd, o, path, key, &v);
	if (err)
		return err;
	if (json_is_null(v)) {
		*out = NAN;
		return 0;
	}
	if (!json_is_number(v))
		return fail(rd, _("%s: expected a number or null"), join(p, path, key));
	*out = json_number_value(v);
	return 0;
}

/* The string member key, without copying it. */
static int rd_str_ref(struct rd *rd, const json_t *o, const char *path, const char *key,
		      const char **out)
{
	char p[PATH_LEN];
	json_t *v;
	int err = need(rd, o, path, key, &v);
	if (err)
		return err;
	if (!json_is_string(v))
		return fail(rd, _("%s: expected a string"), join(p, path, key));
	*out = json_string_value(v);
	return 0;
}

/* A copy of the string member key into *out (which the caller frees). */
static int rd_str(struct rd *rd, const json_t *o, const char *path, const char *key, char **out)
{
	const char *s;
	int err = rd_str_ref(rd, o, path, key, &s);
	if (!err)
		*out = xstrdup(s);
	return err;
}

/*
 * Copies s into a buffer of size bytes. A longer string (from a newer
 * ptlab with larger buffers) is cut, never in the middle of a UTF-8
 * sequence.
 */
static void copy_truncated(char *buf, size_t size, const char *s)
{
	size_t len = strlen(s);
	if (len >= size) {
		len = size - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
}

static int rd_object(struct rd *rd, const json_t *o, const char *path, const char *key,
		     json_t **out)
{
	char p[PATH_LEN];
	int err = need(rd, o, path, key, out);
	if (err)
		return err;
	if (!json_is_object(*out))
		return fail(rd, _("%s: expected an object"), join(p, path, key));
	return 0;
}

static int rd_array(struct rd *rd, const json_t *o, const char *path, const char *key, json_t **out)
{
	char p[PATH_LEN];
	int err = need(rd, o, path, key, out);
	if (err)
		return err;
	if (!json_is_array(*out))
		return fail(rd, _("%s: expected an array"), join(p, path, key));
	return 0;
}

/* Sets an optional field that is absent to its kind's "unknown". */
static void field_unknown(const struct field *f, char *p)
{
	switch (f->kind) {
	case F_STR:
		p[0] = '\0';
		break;
	case F_INT:
		*(int *)p = -1;
		break;
	case F_BOOL:
		*(bool *)p = false;
		break;
	case F_U64:
		*(uint64_t *)p = 0;
		break;
	case F_REAL:
		*(double *)p = NAN;
		break;
	case F_FLAG:
		*(enum sysinfo_flag *)p = SYSINFO_UNKNOWN;
		break;
	}
}

/* true, false, or null (unknown). */
static int rd_flag(struct rd *rd, const json_t *o, const char *path, const char *key,
		   enum sysinfo_flag *out)
{
	char p[PATH_LEN];
	json_t *v;
	int err = need(rd, o, path, key, &v);
	if (err)
		return err;
	if (json_is_null(v))
		*out = SYSINFO_UNKNOWN;
	else if (json_is_boolean(v))
		*out = json_is_true(v) ? SYSINFO_YES : SYSINFO_NO;
	else
		return fail(rd, _("%s: expected true, false or null"), join(p, path, key));
	return 0;
}

/* Fills the struct at base from the n fields of the object o (at path). */
static int fields_from_json(struct rd *rd, const json_t *o, const char *path, void *base,
			    const struct field *f, size_t n)
{
	int err = 0;
	for (size_t i = 0; i < n && !err; i++) {
		char *p = (char *)base + f[i].off;
		const char *s;
		if (f[i].optional && !json_object_get(o, f[i].key)) {
			field_unknown(&f[i], p);
			continue;
		}
		switch (f[i].kind) {
		case F_STR:
			err = rd_str_ref(rd, o, path, f[i].key, &s);
			if (!err)
				copy_truncated(p, f[i].size, s);
			break;
		case F_INT:
			err = rd_int(rd, o, path, f[i].key, (int *)p);
			break;
		case F_BOOL:
			err = rd_bool(rd, o, path, f[i].key, (bool *)p);
			break;
		case F_U64:
			err = rd_u64(rd, o, path, f[i].key, (uint64_t *)p);
			break;
		case F_REAL:
			err = rd_real(rd, o, path, f[i].key, (double *)p);
			break;
		case F_FLAG:
			err = rd_flag(rd, o, path, f[i].key, (enum sysinfo_flag *)p);
			break;
		}
	}
	return err;
}

/* The optional "caches" array; absent means none known. A longer one is cut. */
static int caches_read(struct rd *rd, const json_t *o, const char *path, struct sysinfo *out)
{
	char p[PATH_LEN], pi[PATH_LEN];
	json_t *a;
	out->n_caches = 0;
	if (!json_object_get(o, "caches"))
		return 0;
	int err = rd_array(rd, o, path, "caches", &a);
	if (err)
		return err;
	join(p, path, "caches");
	for (size_t i = 0; !err && i < json_array_size(a); i++) {
		json_t *c = json_array_get(a, i);
		join_idx(pi, p, i);
		if (!json_is_object(c))
			return fail(rd, _("%s: expected an object"), pi);
		if (i >= SYSINFO_CACHES_MAX)
			continue;
		err = fields_from_json(rd, c, pi, &out->caches[i], cache_fields,
				       N_FIELDS(cache_fields));
		if (!err)
			out->n_caches++;
	}
	return err;
}

static int cmp_vuln(const void *a, const void *b)
{
	return strcmp(((const struct sysinfo_vuln *)a)->name,
		      ((const struct sysinfo_vuln *)b)->name);
}

/* The optional "vulnerabilities" object; absent means none known. A larger one is cut. */
static int vulns_read(struct rd *rd, const json_t *o, const char *path, struct sysinfo *out)
{
	char p[PATH_LEN], pk[PATH_LEN];
	const char *key;
	json_t *obj, *v;
	out->n_vulns = 0;
	if (!json_object_get(o, "vulnerabilities"))
		return 0;
	int err = rd_object(rd, o, path, "vulnerabilities", &obj);
	if (err)
		return err;
	join(p, path, "vulnerabilities");
	json_object_foreach(obj, key, v)
	{
		if (!json_is_string(v))
			return fail(rd, _("%s: expected a string"), join(pk, p, key));
		if (out->n_vulns >= SYSINFO_VULNS_MAX)
			continue;
		struct sysinfo_vuln *d = &out->vulns[out->n_vulns++];
		copy_truncated(d->name, sizeof(d->name), key);
		copy_truncated(d->text, sizeof(d->text), json_string_value(v));
	}
	qsort(out->vulns, (size_t)out->n_vulns, sizeof(out->vulns[0]), cmp_vuln);
	return 0;
}

static int sysinfo_read(struct rd *rd, const json_t *o, const char *path, struct sysinfo *out)
{
	json_t *clock;
	char p[PATH_LEN];
	int err = fields_from_json(rd, o, path, out, sysinfo_fields, N_FIELDS(sysinfo_fields));
	if (!err)
		err = caches_read(rd, o, path, out);
	if (!err)
		err = vulns_read(rd, o, path, out);
	if (!err)
		err = rd_object(rd, o, path, "clock", &clock);
	if (!err)
		err = fields_from_json(rd, clock, join(p, path, "clock"), &out->clock, clock_fields,
				       N_FIELDS(clock_fields));
	return err;
}

int sysinfo_from_json(const json_t *o, struct sysinfo *out, char *err, size_t errlen)
{
	struct rd rd = { .err = err, .errlen = errlen };
	if (!json_is_object(o))
		return fail(&rd, _("%s: expected an object"), "environment");
	return sysinfo_read(&rd, o, "", out);
}

/*
 * The parameters object at path.key into a new array (*out, *n, and *cap
 * when given). *n counts the entries filled so far, so that a caller
 * freeing after an error frees exactly those.
 */
static int params_read(struct rd *rd, const json_t *parent, const char *path, const char *key,
		       struct mparam **out, size_t *n, size_t *cap)
{
	char ppath[PATH_LEN], p[PATH_LEN];
	json_t *o, *v;
	const char *k;
	int err = rd_object(rd, parent, path, key, &o);
	if (err)
		return err;
	join(ppath, path, key);
	if (json_object_size(o) == 0)
		return 0;
	*out = xcalloc(json_object_size(o), sizeof(**out));
	if (cap)
		*cap = json_object_size(o);
	json_object_foreach(o, k, v)
	{
		struct mparam *m = &(*out)[*n];
		if (json_is_integer(v)) {
			m->is_num = true;
			m->num = json_integer_value(v);
			m->str = xasprintf("%" PRId64, m->num);
		} else if (json_is_string(v)) {
			m->str = xstrdup(json_string_value(v));
		} else {
			return fail(rd, _("%s: expected an integer or a string"),
				    join(p, ppath, k));
		}
		m->key = xstrdup(k);
		(*n)++;
	}
	return 0;
}

/* The optional "rounds": sample counts that must add up to the raw samples. */
static int rounds_read(struct rd *rd, const json_t *o, const char *path, struct metric *out)
{
	char p[PATH_LEN], rp[PATH_LEN];
	const json_t *a = json_object_get(o, "rounds");
	size_t total = 0;
	if (!a)
		return 0;
	join(rp, path, "rounds");
	if (!json_is_array(a) || json_array_size(a) == 0)
		return fail(rd, _("%s: expected an array of sample counts"), rp);
	out->n_rounds = json_array_size(a);
	out->rounds = xcalloc(out->n_rounds, sizeof(*out->rounds));
	for (size_t i = 0; i < out->n_rounds; i++) {
		uint64_t v;
		int err = u64_value(rd, json_array_get(a, i), join_idx(p, rp, i), &v);
		if (err)
			return err;
		if (v == 0 || v > out->n - total)
			return fail(rd, _("%s: expected a count from 1 to the samples left (%zu)"),
				    join_idx(p, rp, i), out->n - total);
		out->rounds[i] = (size_t)v;
		total += (size_t)v;
	}
	if (total != out->n)
		return fail(rd, _("%s: the rounds hold %zu samples, raw has %zu"), rp, total,
			    out->n);
	return 0;
}

/* The samples of the array raw (at rp) into out->raw and out->n. */
static int raw_read(struct rd *rd, const json_t *raw, const char *rp, struct metric *out)
{
	char p[PATH_LEN];
	size_t n = json_array_size(raw);
	if (n == 0)
		return fail(rd, _("%s: expected at least one sample"), rp);
	out->raw = xmalloc(n * sizeof(*out->raw));
	out->n = n;
	for (size_t i = 0; i < n; i++) {
		/* The common case first: the path is built only for a message. */
		const json_t *v = json_array_get(raw, i);
		int err;
		if (json_is_integer(v) && json_integer_value(v) >= 0)
			out->raw[i] = (uint64_t)json_integer_value(v);
		else if ((err = u64_value(rd, v, join_idx(p, rp, i), &out->raw[i])))
			return err;
	}
	return 0;
}

static int metric_read(struct rd *rd, const json_t *o, const char *path, struct metric *out)
{
	char p[PATH_LEN], rp[PATH_LEN];
	const char *dir;
	json_t *raw;
	int err;

	if (!json_is_object(o))
		return fail(rd, _("%s: expected an object"), path);
	if ((err = rd_str(rd, o, path, "name", &out->name)) ||
	    (err = rd_str(rd, o, path, "unit", &out->unit)) ||
	    (err = rd_str_ref(rd, o, path, "direction", &dir)))
		return err;
	if (direction_from_name(dir, &out->dir))
		return fail(rd, _("%s: unknown direction \"%s\""), join(p, path, "direction"), dir);
	if ((err = params_read(rd, o, path, "params", &out->params, &out->n_params, NULL)) ||
	    (err = rd_u64(rd, o, path, "batch", &out->batch)) ||
	    (err = rd_size(rd, o, path, "warmup", &out->warmup)))
		return err;
	join(rp, path, "raw");
	raw = json_object_get(o, "raw");
	if (rd->raws && json_is_integer(raw)) {
		/* Read by rawscan: plain integers, at least one. */
		if (raw_table_take(rd->raws, (uint64_t)json_integer_value(raw), &out->raw, &out->n))
			return fail(rd, _("%s: expected an array"), rp);
	} else if ((err = rd_array(rd, o, path, "raw", &raw))) {
		return err;
	}
	if (out->batch < 1)
		return fail(rd, _("%s: expected an integer of at least 1"), join(p, path, "batch"));
	if (!out->raw && (err = raw_read(rd, raw, rp, out)))
		return err;
	if ((err = rounds_read(rd, o, path, out)))
		return err;
	if (metric_summarize(out))
		return fail(rd, _("%s: the samples cannot be summarised"), rp);
	return 0;
}

int metric_from_json(const json_t *o, struct metric *out, char *err, size_t errlen)
{
	struct rd rd = { .err = err, .errlen = errlen };
	return metric_read(&rd, o, "", out);
}

/*
 * A value of ptlab 0.1.0, which stored prose: what can be read as data
 * becomes data (yes/no a word, an integer a count, a checksum a token),
 * the rest is kept verbatim and marked as such (EV_LEGACY).
 */
/*
 * Sentences of ptlab 0.1.0 (in English) that carry data, with the form
 * that replaced each. In a pattern, {c} is an integer (a count), {r} a
 * plain number, {x} a number followed by "x" (a ratio), {p} a number
 * followed by "%", {t} a time as 0.1.0 printed it ("60.5 µs"), {b} a
 * size ("8.00 MiB"), {e} an errno name; anything else must match as it
 * is.
 */
static const struct {
	const char *pattern, *form;
} legacy_sentences[] = {
	{ "{r} switches per round trip; {t} per switch", "switch.per_switch" },
	{ "{r} switches per round trip, not 2: the figure is not two plain switches (a waiter "
	  "found the token back before sleeping, or was preempted); {t} per switch",
	  "switch.not_two" },
	{ "{x}, efficiency {p}", "parallel.speedup" },
	{ "expected {c}, seen {c}, lost {c}", "sync.lost" },
	{ "expected {c}, seen {c}, lost {c} (try {c})", "sync.lost_try" },
	{ "{e}: recovered", "sync.recovered" },
	{ "the server lived through {c} of {c} crashes; requests succeeded again within the "
	  "window after {c} of them; {p} of {c} requests succeeded",
	  "server.poison" },
	{ "{c} of {c} samples fell below zero (noise) and count as 0", "memory.below_zero" },
	{ "{b} virtual, {b} resident", "memory.thread_stack" },
};

/* A number with one of the unit names of units (each with its factor), into *out. */
static const char *legacy_quantity(const char *p, const char *const *units, const double *factor,
				   double *out)
{
	char *end;
	double v = strtod(p, &end);
	if (end == p || *end != ' ')
		return NULL;
	for (size_t i = 0; units[i]; i++) {
		size_t len = strlen(units[i]);
		if (strncmp(end + 1, units[i], len) == 0) {
			*out = v * factor[i];
			return end + 1 + len;
		}
	}
	return NULL;
}

/* Reads one {token} of a legacy pattern at p into v; returns the text after it or NULL. */
static const char *legacy_token(char tok, const char *p, struct ev_val *v)
{
	static const char *const times[] = { "ns", "µs", "us", "ms", "s", NULL };
	static const double time_factor[] = { 1, 1e3, 1e3, 1e6, 1e9 };
	static const char *const sizes[] = { "KiB", "MiB", "GiB", "TiB", "B", NULL };
	static const double size_factor[] = { 1024.0, 1048576.0, 1073741824.0, 1099511627776.0, 1 };
	char *end;
	switch (tok) {
	case 'c':
		*v = ev_count(strtoll(p, &end, 10));
		return end == p ? NULL : end;
	case 'r':
	case 'x':
	case 'p':
		*v = ev_num(strtod(p, &end), tok == 'x' ? "x" : tok == 'p' ? "percent" : NULL);
		if (end == p || (tok == 'x' && *end != 'x') || (tok == 'p' && *end != '%'))
			return NULL;
		return tok == 'r' ? end : end + 1;
	case 't':
		*v = ev_num(0, "ns");
		return legacy_quantity(p, times, time_factor, &v->d);
	case 'b':
		*v = ev_num(0, "bytes");
		return legacy_quantity(p, sizes, size_factor, &v->d);
	case 'e':
		*v = (struct ev_val){ .type = EV_ERRNO, .s = p };
		return p + strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
	}
	return NULL;
}

/* A sentence of legacy_sentences as its form, into out; false when none matches. */
static bool legacy_sentence(const char *text, struct ev_msg *out)
{
	for (size_t k = 0; k < sizeof(legacy_sentences) / sizeof(legacy_sentences[0]); k++) {
		struct ev_val v[8];
		char names[8][32];
		size_t n = 0;
		const char *p = text, *pat = legacy_sentences[k].pattern;
		while (p && *pat) {
			if (pat[0] == '{' && pat[2] == '}' && n < 8) {
				p = legacy_token(pat[1], p, &v[n]);
				if (p && v[n].type == EV_ERRNO) {
					snprintf(names[n], sizeof(names[n]), "%.*s",
						 (int)(p - v[n].s), v[n].s);
					v[n].s = names[n];
				}
				n++;
				pat += 3;
			} else {
				p = *p == *pat ? p + 1 : NULL;
				pat++;
			}
		}
		if (p && *p == '\0' && *pat == '\0') {
			ev_msg_dup(out, &(struct ev_msg){ .form = legacy_sentences[k].form,
							  .vals = v,
							  .n_vals = n });
			return true;
		}
	}
	return false;
}

/* Counts separated by commas into a new array (caller frees); *n their number. */
static int64_t *legacy_counts(const char *text, size_t *n)
{
	size_t cap = 1;
	for (const char *p = text; *p; p++)
		cap += *p == ',';
	int64_t *v = xcalloc(cap, sizeof(*v));
	*n = 0;
	for (const char *p = text; *n < cap;) {
		char *end;
		v[(*n)++] = strtoll(p, &end, 10);
		if (*end != ',')
			break;
		p = end + 1;
	}
	return v;
}

/*
 * The two observations of ptlab 0.1.0 that the HTML charts read, as the
 * forms that replaced them: the server's "p50=...ns p90=...ns p99=...ns
 * p99.9=...ns max=...ns n=..." and "slice=...ns poison=...ns ok=a,b,...
 * failed=a,b,...". Returns false for any other text.
 */
static bool legacy_server(const char *key, const char *text, struct ev_msg *out)
{
	unsigned long long p[5], n;
	if (strncmp(key, "latency_percentiles ", 20) == 0 &&
	    sscanf(text, "p50=%lluns p90=%lluns p99=%lluns p99.9=%lluns max=%lluns n=%llu", &p[0],
		   &p[1], &p[2], &p[3], &p[4], &n) == 6) {
		ev_msg_dup(out, &EV_MSG_OF("server.percentiles", ev_num(p[0], "ns"),
					   ev_num(p[1], "ns"), ev_num(p[2], "ns"),
					   ev_num(p[3], "ns"), ev_num(p[4], "ns"), ev_count(n)));
		return true;
	}
	const char *ok = strstr(text, " ok="), *failed = strstr(text, " failed=");
	if (strncmp(key, "timeline ", 9) != 0 || !ok || !failed ||
	    sscanf(text, "slice=%lluns poison=%lluns", &p[0], &p[1]) != 2)
		return false;
	size_t n_ok, n_failed;
	int64_t *a = legacy_counts(ok + 4, &n_ok), *b = legacy_counts(failed + 8, &n_failed);
	ev_msg_dup(out, &EV_MSG_OF("server.timeline", ev_num(p[0], "ns"), ev_num(p[1], "ns"),
				   ev_list(a, n_ok), ev_list(b, n_failed)));
	free(a);
	free(b);
	return true;
}

static void legacy_msg(const char *text, struct ev_msg *out)
{
	struct ev_val v = { .type = EV_LEGACY, .s = text };
	int64_t *list = NULL;
	char *end;
	size_t len = strlen(text), upper = strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
	if (strcmp(text, "yes") == 0 || strcmp(text, "no") == 0) {
		v.type = EV_WORD;
	} else if (len > 0 && len < 20 && (v.i = strtoll(text, &end, 10), *end == '\0') &&
		   (text[0] == '-' || (text[0] >= '0' && text[0] <= '9'))) {
		v.type = EV_COUNT;
	} else if (len == 16 && strspn(text, "0123456789abcdef") == 16) {
		v.type = EV_TOKEN;
	} else if (len > 3 && upper == len && strncmp(text, "SIG", 3) == 0) {
		v.type = EV_SIGNAL;
	} else if (len > 1 && upper == len && text[0] == 'E') {
		v.type = EV_ERRNO;
	} else if (len > 0 && strspn(text, "0123456789,") == len && text[0] != ',' &&
		   text[len - 1] != ',' && !strstr(text, ",,")) {
		list = legacy_counts(text, &v.n_list);
		v.type = EV_LIST;
		v.list = list;
	} else if (legacy_sentence(text, out)) {
		return;
	}
	ev_msg_dup(out, &(struct ev_msg){ .vals = &v, .n_vals = 1 });
	free(list);
}

static int msg_read(struct rd *rd, const json_t *o, const char *path, struct ev_msg *out);

/* One typed value; strings stay borrowed from o (the caller copies the message). */
static int val_read(struct rd *rd, const json_t *o, const char *path, struct ev_val *v,
		    struct ev_msg **nested)
{
	const char *k;
	json_t *x;
	char p[PATH_LEN];
	if (!json_is_object(o))
		return fail(rd, _("%s: expected an object"), path);
	json_object_foreach((json_t *)o, k, x)
	{
		if (strcmp(k, "unit") == 0 || ev_type_from_name(k, &v->type))
			continue;
		join(p, path, k);
		switch (v->type) {
		case EV_COUNT:
			if (!json_is_integer(x))
				return fail(rd, _("%s: expected an integer"), p);
			v->i = json_integer_value(x);
			return 0;
		case EV_NUM:
			if (!json_is_number(x) && !json_is_null(x))
				return fail(rd, _("%s: expected a number or null"), p);
			v->d = json_is_null(x) ? NAN : json_number_value(x);
			v->unit = json_string_value(json_object_get(o, "unit"));
			return 0;
		case EV_LIST: {
			if (!json_is_array(x))
				return fail(rd, _("%s: expected an array"), p);
			int64_t *l = xcalloc(json_array_size(x) + 1, sizeof(*l));
			for (size_t i = 0; i < json_array_size(x); i++)
				l[i] = json_integer_value(json_array_get(x, i));
			v->list = l;
			v->n_list = json_array_size(x);
			return 0;
		}
		case EV_MSG:
			*nested = xcalloc(1, sizeof(**nested));
			v->msg = *nested;
			return msg_read(rd, x, p, *nested);
		default:
			if (!json_is_string(x))
				return fail(rd, _("%s: expected a string"), p);
			v->s = json_string_value(x);
			return 0;
		}
	}
	return fail(rd,
		    _("%s: expected one of count, number, word, token, signal, errno, list, "
		      "message, legacy"),
		    path);
}

/* A message {"form": ..., "values": [...]}, or a string of ptlab 0.1.0 (legacy_msg). */
static int msg_read(struct rd *rd, const json_t *o, const char *path, struct ev_msg *out)
{
	char p[PATH_LEN], ap[PATH_LEN];
	json_t *a;
	int err = 0;
	if (json_is_string(o)) {
		legacy_msg(json_string_value(o), out);
		return 0;
	}
	if (!json_is_object(o))
		return fail(rd, _("%s: expected an object"), path);
	if ((err = rd_array(rd, o, path, "values", &a)))
		return err;
	size_t n = json_array_size(a);
	struct ev_val *v = xcalloc(n + 1, sizeof(*v));
	struct ev_msg **nested = xcalloc(n + 1, sizeof(*nested));
	join(ap, path, "values");
	for (size_t i = 0; i < n && !err; i++)
		err = val_read(rd, json_array_get(a, i), join_idx(p, ap, i), &v[i], &nested[i]);
	if (!err)
		ev_msg_dup(out,
			   &(struct ev_msg){ .form = json_string_value(json_object_get(o, "form")),
					     .vals = v,
					     .n_vals = n });
	for (size_t i = 0; i < n; i++) {
		if (v[i].type == EV_LIST)
			free((int64_t *)v[i].list);
		if (nested[i]) {
			ev_msg_free(nested[i]);
			free(nested[i]);
		}
	}
	free(nested);
	free(v);
	return err;
}

int msg_from_json(const json_t *o, struct ev_msg *out, char *err, size_t errlen)
{
	struct rd rd = { .err = err, .errlen = errlen };
	return msg_read(&rd, o, "", out);
}

static int skip_read(struct rd *rd, const json_t *o, const char *path, struct exp_result *e)
{
	const char *what;
	char p[PATH_LEN];
	struct ev_msg reason = { 0 };
	json_t *r;
	int err;
	if (!json_is_object(o))
		return fail(rd, _("%s: expected an object"), path);
	if ((err = rd_str_ref(rd, o, path, "what", &what)) ||
	    (err = need(rd, o, path, "reason", &r)) ||
	    (err = msg_read(rd, r, join(p, path, "reason"), &reason)))
		return err;
	exp_result_add_skip(e, what, &reason);
	ev_msg_free(&reason);
	return 0;
}

/* An observation of schema 2: {"key": ..., "form": ..., "values": [...]}. */
static int obs_read(struct rd *rd, const json_t *o, const char *path, struct exp_result *e)
{
	const char *key;
	struct ev_msg msg = { 0 };
	int err;
	if (!json_is_object(o))
		return fail(rd, _("%s: expected an object"), path);
	if ((err = rd_str_ref(rd, o, path, "key", &key)) || (err = msg_read(rd, o, path, &msg))) {
		ev_msg_free(&msg);
		return err;
	}
	exp_result_add_obs(e, key, &msg);
	ev_msg_free(&msg);
	return 0;
}

static int result_read(struct rd *rd, const json_t *o, const char *path, struct exp_result *out)
{
	char p[PATH_LEN], ap[PATH_LEN];
	const char *s, *k;
	json_t *v, *a;
	int err;

	if (!json_is_object(o))
		return fail(rd, _("%s: expected an object"), path);
	if ((err = rd_str(rd, o, path, "name", &out->name)) ||
	    (err = rd_str_ref(rd, o, path, "outcome", &s)))
		return err;
	if (outcome_from_name(s, &out->outcome))
		return fail(rd, _("%s: unknown outcome \"%s\""), join(p, path, "outcome"), s);
	if ((err = need(rd, o, path, "reason", &v)))
		return err;
	if (!json_is_null(v) && (err = msg_read(rd, v, join(p, path, "reason"), &out->reason)))
		return err;
	if ((err = rd_int(rd, o, path, "signal", &out->signal)) ||
	    (err = rd_int(rd, o, path, "exit_code", &out->exit_code)) ||
	    (err = rd_u64(rd, o, path, "duration_ns", &out->duration_ns)) ||
	    (err = params_read(rd, o, path, "params", &out->params, &out->n_params,
			       &out->cap_params)))
		return err;

	if ((err = rd_array(rd, o, path, "metrics", &a)))
		return err;
	join(ap, path, "metrics");
	for (size_t i = 0; i < json_array_size(a); i++) {
		xgrow((void **)&out->metrics, &out->cap_metrics, out->n_metrics + 1,
		      sizeof(*out->metrics));
		struct metric *m = &out->metrics[out->n_metrics++];
		memset(m, 0, sizeof(*m));
		if ((err = metric_read(rd, json_array_get(a, i), join_idx(p, ap, i), m)))
			return err;
	}

	/* Schema 1 (ptlab 0.1.0): an object of strings; schema 2: an array of messages. */
	if ((err = need(rd, o, path, "observations", &a)))
		return err;
	join(ap, path, "observations");
	if (json_is_object(a)) {
		json_object_foreach(a, k, v)
		{
			struct ev_msg msg = { 0 };
			if (!json_is_string(v))
				return fail(rd, _("%s: expected a string"), join(p, ap, k));
			if (!legacy_server(k, json_string_value(v), &msg))
				legacy_msg(json_string_value(v), &msg);
			exp_result_add_obs(out, k, &msg);
			ev_msg_free(&msg);
		}
	} else if (json_is_array(a)) {
		for (size_t i = 0; i < json_array_size(a); i++)
			if ((err = obs_read(rd, json_array_get(a, i), join_idx(p, ap, i), out)))
				return err;
	} else {
		return fail(rd, _("%s: expected an array"), ap);
	}

	if ((err = rd_array(rd, o, path, "skips", &a)))
		return err;
	join(ap, path, "skips");
	for (size_t i = 0; i < json_array_size(a); i++)
		if ((err = skip_read(rd, json_array_get(a, i), join_idx(p, ap, i), out)))
			return err;
	return 0;
}

int result_from_json(const json_t *o, struct exp_result *out, char *err, size_t errlen)
{
	struct rd rd = { .err = err, .errlen = errlen };
	return result_read(&rd, o, "", out);
}

/*
 * Checks the document's identity before anything else, so that a foreign
 * file is called foreign rather than reported for its first odd field.
 */
static int run_read(struct rd *rd, const json_t *root, struct run *out)
{
	char p[PATH_LEN];
	json_t *v, *a;
	int ret;

	if (!json_is_object(root))
		return fail(rd, _("not a ptlab run: the document is not a JSON object"));
	v = json_object_get(root, "schema");
	if (!json_is_string(v))
		return fail(rd, _("not a ptlab run: it has no \"schema\" string"));
	if (strcmp(json_string_value(v), RUN_SCHEMA) != 0)
		return fail(rd, _("not a ptlab run: its schema is \"%s\", not \"%s\""),
			    json_string_value(v), RUN_SCHEMA);
	if ((ret = need(rd, root, "", "schema_version", &v)))
		return ret;
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return fail(rd, _("%s: expected a positive integer"), "schema_version");
	if (json_integer_value(v) > RUN_SCHEMA_VERSION)
		return fail(rd,
			    _("this run was written by a newer ptlab (schema version %lld; this "
			      "one reads up to %d)"),
			    (long long)json_integer_value(v), RUN_SCHEMA_VERSION);
	out->schema_version = (unsigned)json_integer_value(v);

	if ((ret = rd_str(rd, root, "", "ptlab_version", &out->ptlab_version)) ||
	    (ret = rd_str(rd, root, "", "started", &out->started)) ||
	    (ret = rd_str(rd, root, "", "preset", &out->preset)) ||
	    (ret = rd_u64(rd, root, "", "seed", &out->seed)) ||
	    (ret = rd_str(rd, root, "", "cpus", &out->cpus)) ||
	    (ret = rd_object(rd, root, "", "environment", &v)) ||
	    (ret = sysinfo_read(rd, v, "environment", &out->env)) ||
	    (ret = rd_array(rd, root, "", "experiments", &a)))
		return ret;
	for (size_t i = 0; i < json_array_size(a); i++) {
		xgrow((void **)&out->results, &out->cap_results, out->n_results + 1,
		      sizeof(*out->results));
		struct exp_result *e = &out->results[out->n_results++];
		memset(e, 0, sizeof(*e));
		if ((ret = result_read(rd, json_array_get(a, i), join_idx(p, "experiments", i), e)))
			return ret;
	}
	return 0;
}

int run_from_json(const json_t *root, struct run *out, char *err, size_t errlen)
{
	struct rd rd = { .err = err, .errlen = errlen };
	return run_read(&rd, root, out);
}

/* ------------------------------------------------------------ files */

__attribute__((format(printf, 3, 4))) static void set_err(char *err, size_t errlen, const char *fmt,
							  ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * Reads all of fd into a new buffer (*len bytes, NUL-terminated), at most
 * RUN_FILE_MAX bytes: a larger file, or an endless one (/dev/zero, a FIFO
 * that never ends), gives -EFBIG before it can take the memory. A regular
 * file's size is known in advance and decides at once. Returns 0 or -errno.
 */
static int read_capped(int fd, const struct stat *st, char **out, size_t *len)
{
	if (S_ISREG(st->st_mode) && st->st_size > (off_t)RUN_FILE_MAX)
		return -EFBIG;
	/* Never more than one byte past the cap: that byte says the file is larger. */
	size_t cap = S_ISREG(st->st_mode) ? (size_t)st->st_size + 1 : 1u << 16, used = 0;
	char *buf = xmalloc(cap + 1);
	for (;;) {
		ssize_t n = io_read_full(fd, buf + used, cap - used);
		if (n < 0 || used + (size_t)n > RUN_FILE_MAX) {
			free(buf);
			return n < 0 ? (int)n : -EFBIG;
		}
		used += (size_t)n;
		if (used < cap)
			break; /* the end of the file */
		cap = cap * 2 > RUN_FILE_MAX + 1 ? RUN_FILE_MAX + 1 : cap * 2;
		buf = xrealloc(buf, cap + 1);
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	return 0;
}

/*
 * Reads the file itself rather than leaving it to json_load_file(), so
 * that a missing or unreadable file returns its errno instead of a parse
 * error, and no file can take more memory than RUN_FILE_MAX. Duplicate
 * keys are rejected: in a result file they can only mean corruption or a
 * hand edit gone wrong.
 */
int run_load(const char *path, struct run *out, char *err, size_t errlen)
{
	json_error_t jerr;
	struct stat st;
	char inner[512], *text = NULL;
	size_t len = 0;
	int ret;

	/* O_NONBLOCK: a FIFO that no one writes is no run, and must not hang. */
	int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = errno;
		set_err(err, errlen, _("cannot open %s: %s"), path, strerror(ret));
		return -ret;
	}
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 || fstat(fd, &st) != 0)
		ret = -errno;
	else if (S_ISDIR(st.st_mode))
		ret = -EISDIR;
	else
		ret = read_capped(fd, &st, &text, &len);
	close(fd);
	if (ret == -EFBIG) {
		set_err(err, errlen,
			_("%s is larger than %u MiB, far more than a run saved by ptlab holds: it "
			  "is "
			  "not read"),
			path, (unsigned)(RUN_FILE_MAX >> 20));
		return ret;
	}
	if (ret) {
		set_err(err, errlen, _("cannot read %s: %s"), path, strerror(-ret));
		return ret;
	}
	/* The raw samples first, by a scanner of their own (model/rawscan.h). */
	struct raw_table raws;
	raw_table_scan(text, len, &raws);
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (!root) {
		raw_table_free(&raws);
		set_err(err, errlen, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
		return -EINVAL;
	}
	inner[0] = '\0';
	struct rd rd = { .err = inner, .errlen = sizeof(inner), .raws = &raws };
	ret = run_read(&rd, root, out);
	if (ret)
		set_err(err, errlen, "%s: %s", path, inner);
	json_decref(root);
	raw_table_free(&raws);
	return ret;
}

/* Written by outfile_write() (core/outfile.h): atomically, never through a planted link. */
int run_save(const struct run *r, const json_t *extra, const char *path)
{
	int ret = 0;

	if (extra && !json_is_object(extra))
		return -EINVAL;
	json_t *root = json_from_run(r);
	if (!root)
		return -ENOMEM;
	/*
	 * json_object_update() only takes new references to extra's values;
	 * the cast drops a const that jansson's prototype lacks.
	 */
	if (extra && json_object_update(root, (json_t *)extra)) {
		ret = -ENOMEM;
		goto out_root;
	}
	char *text = json_dumps(root, JSON_INDENT(1));
	if (!text) {
		ret = -ENOMEM;
		goto out_root;
	}
	size_t len = strlen(text);
	text = xrealloc(text, len + 2);
	memcpy(text + len, "\n", 2);
	ret = outfile_write(path, text, len + 1, NULL);
	free(text);
out_root:
	json_decref(root);
	return ret;
}
