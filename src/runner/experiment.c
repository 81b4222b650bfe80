// SPDX-License-Identifier: MIT
/*
 * experiment: the calls an experiment makes. Each record is one line of
 * JSON written to the runner's pipe by io_write_all(). The runner keeps
 * only complete lines, so a record is whole or absent when the experiment
 * dies mid-write. Records may take several write() calls (beyond PIPE_BUF
 * bytes), so only the experiment's own process may call these: a process
 * unit reports through the shared arena instead, never through exp_*().
 */
#include "runner/experiment.h"

#include <errno.h>
#include <jansson.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/io.h"
#include "core/limit.h"
#include "model/json.h"
#include "util/xalloc.h"

static void send(struct exp_ctx *ctx, json_t *o)
{
	if (!o)
		return;
	char *text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!text)
		return;
	size_t len = strlen(text);
	text = xrealloc(text, len + 2);
	text[len] = '\n';
	/* A dead runner means nobody reads: the experiment ends with SIGPIPE or here. */
	io_write_all(ctx->out_fd, text, len + 1);
	free(text);
}

#ifdef PTLAB_TESTING
/* A figure the descriptor does not declare, or with a condition it does not name, is a bug. */
static void check_record(const struct exp_ctx *ctx, const char *name, enum metric_unit unit,
			 enum direction dir, const struct mparam *params, size_t n_params)
{
	if (!ctx->figures)
		return;
	const struct figure_decl *d = figure_declared(ctx->figures, name);
	bool ok = d && d->unit == unit && d->dir == dir;
	for (size_t i = 0; ok && i < n_params; i++) {
		ok = false;
		for (const char *const *k = d->conditions; k && *k && !ok; k++)
			ok = strcmp(*k, params[i].key) == 0;
	}
	if (!ok) {
		fprintf(stderr, "ptlab: figure %s is not declared as recorded\n", name);
		abort();
	}
}
#else
#define check_record(ctx, name, unit, dir, params, n_params) ((void)0)
#endif

void exp_record(struct exp_ctx *ctx, const char *name, enum metric_unit unit, enum direction dir,
		const struct sample_set *s, const struct mparam *params, size_t n_params)
{
	check_record(ctx, name, unit, dir, params, n_params);
	struct metric m = {
		.name = (char *)name,
		.unit = (char *)metric_unit_name(unit),
		.dir = dir,
		.params = (struct mparam *)params,
		.n_params = n_params,
		.batch = s->batch ? s->batch : 1,
		.raw = s->raw,
		.n = s->n,
		.warmup = s->warmup,
	};
	if (s->n == 0)
		return;
	metric_summarize(&m);
	json_t *o = json_object();
	json_object_set_new(o, "t", json_string("metric"));
	json_object_set_new(o, "m", json_from_metric(&m));
	send(ctx, o);
	/*
	 * The JSON tree of a large sample set leaves freed heap behind; give
	 * it back, or every later fork of the experiment copies its page
	 * tables and the instrument shows in its own figures.
	 */
	malloc_trim(0);
}

void exp_forms(const struct experiment *exp, const struct ev_form *out[4])
{
	size_t n = 0;
	if (exp && exp->forms)
		out[n++] = exp->forms;
	out[n++] = limit_forms;
	out[n++] = ev_forms_common;
	out[n] = NULL;
}

#ifdef PTLAB_TESTING
/* A message whose form no table of the experiment holds, or short of values, is a bug. */
static void check_msg(const struct exp_ctx *ctx, const struct ev_msg *m)
{
	if (!ctx->forms)
		return;
	const char *text = m->form ? ev_form_find(ctx->forms, m->form) : NULL;
	if ((m->form && !text) ||
	    (text && (ev_form_arity(text) < 0 || (size_t)ev_form_arity(text) > m->n_vals))) {
		fprintf(stderr, "ptlab: form %s is not declared or short of values\n", m->form);
		abort();
	}
	for (size_t i = 0; i < m->n_vals; i++)
		if (m->vals[i].type == EV_MSG && m->vals[i].msg)
			check_msg(ctx, m->vals[i].msg);
}
#else
#define check_msg(ctx, m) ((void)(ctx), (void)(m))
#endif

/* {"t": type, key: value, "m": message} */
static json_t *msg_record(const struct exp_ctx *ctx, const char *type, const char *key,
			  const char *value, const struct ev_msg *m)
{
	check_msg(ctx, m);
	json_t *o = json_object();
	json_object_set_new(o, "t", json_string(type));
	if (key)
		json_object_set_new(o, key, json_string(value));
	json_object_set_new(o, "m", json_from_msg(m));
	return o;
}

void exp_observe_msg(struct exp_ctx *ctx, const char *name, const struct ev_msg *m)
{
	send(ctx, msg_record(ctx, "obs", "name", name, m));
}

void exp_fact(struct exp_ctx *ctx, const char *name, bool yes)
{
	exp_observe(ctx, name, NULL, ev_yesno(yes));
}

void exp_skip_msg(struct exp_ctx *ctx, const char *what, const struct ev_msg *m)
{
	send(ctx, msg_record(ctx, "skip", "what", what, m));
}

static int end_with(struct exp_ctx *ctx, const char *outcome, int code, const struct ev_msg *m)
{
	send(ctx, msg_record(ctx, "end", "outcome", outcome, m));
	return code;
}

int exp_unsupported_msg(struct exp_ctx *ctx, const struct ev_msg *m)
{
	return end_with(ctx, "skipped", -ENOTSUP, m);
}

int exp_fail_msg(struct exp_ctx *ctx, const struct ev_msg *m)
{
	return end_with(ctx, "failed", -EIO, m);
}

__attribute__((format(printf, 1, 0))) static char *vformat(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		return xstrdup("?");
	return s;
}

void exp_progress(struct exp_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *v = vformat(fmt, ap);
	va_end(ap);
	json_t *o = json_object();
	json_object_set_new(o, "t", json_string("progress"));
	json_object_set_new(o, "text", json_string(v));
	send(ctx, o);
	free(v);
}

int exp_cpu(const struct exp_ctx *ctx, size_t i)
{
	return ctx->n_cpus ? ctx->cpus[i % ctx->n_cpus] : -1;
}

struct sampler_cfg exp_sampler_cfg(const struct exp_ctx *ctx, uint32_t min_samples,
				   uint32_t max_samples, uint64_t budget_ns, uint64_t max_batch)
{
	struct sampler_cfg c = {
		.min_samples = min_samples,
		.max_samples = max_samples > min_samples ? max_samples : min_samples,
		.budget_ns = budget_ns,
		.warmup_ns = budget_ns / 10,
		.target_ns = sampler_target_ns(&ctx->clock),
		.max_batch = max_batch,
	};
	return c;
}

struct sampler_cfg exp_sampler_round(const struct exp_ctx *ctx, uint32_t samples,
				     uint32_t max_samples, uint64_t budget_ns, uint32_t rounds,
				     uint32_t round, uint64_t batch, uint64_t max_batch)
{
	uint32_t lo = samples / rounds + (round < samples % rounds);
	uint32_t hi = max_samples / rounds + (round < max_samples % rounds);
	struct sampler_cfg c = exp_sampler_cfg(ctx, lo ? lo : 1, hi, budget_ns / rounds, max_batch);
	c.batch = batch;
	return c;
}

struct mparam mparam_num(const char *key, int64_t v, char *buf, size_t size)
{
	snprintf(buf, size, "%lld", (long long)v);
	return (struct mparam){ .key = (char *)key, .str = buf, .num = v, .is_num = true };
}

struct mparam mparam_str(const char *key, const char *v)
{
	return (struct mparam){ .key = (char *)key, .str = (char *)v };
}
