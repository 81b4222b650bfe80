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

static json_t *text_record(const char *type, const char *k1, const char *v1, const char *k2,
			   const char *v2)
{
	json_t *o = json_object();
	json_object_set_new(o, "t", json_string(type));
	json_object_set_new(o, k1, json_string(v1));
	if (k2)
		json_object_set_new(o, k2, json_string(v2));
	return o;
}

void exp_record(struct exp_ctx *ctx, const char *name, const char *unit, enum direction dir,
		const struct sample_set *s, const struct mparam *params, size_t n_params)
{
	struct metric m = {
		.name = (char *)name,
		.unit = (char *)unit,
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

__attribute__((format(printf, 1, 0))) static char *vformat(const char *fmt, va_list ap)
{
	char *s;
	if (vasprintf(&s, fmt, ap) < 0)
		return xstrdup("?");
	return s;
}

void exp_observe(struct exp_ctx *ctx, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *v = vformat(fmt, ap);
	va_end(ap);
	send(ctx, text_record("obs", "name", name, "value", v));
	free(v);
}

void exp_skip(struct exp_ctx *ctx, const char *what, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *v = vformat(fmt, ap);
	va_end(ap);
	send(ctx, text_record("skip", "what", what, "reason", v));
	free(v);
}

void exp_progress(struct exp_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *v = vformat(fmt, ap);
	va_end(ap);
	send(ctx, text_record("progress", "text", v, NULL, NULL));
	free(v);
}

__attribute__((format(printf, 4, 0))) static int end_with(struct exp_ctx *ctx, const char *outcome,
							  int code, const char *fmt, va_list ap)
{
	char *v = vformat(fmt, ap);
	send(ctx, text_record("end", "outcome", outcome, "reason", v));
	free(v);
	return code;
}

int exp_unsupported(struct exp_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = end_with(ctx, "skipped", -ENOTSUP, fmt, ap);
	va_end(ap);
	return r;
}

int exp_fail(struct exp_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = end_with(ctx, "failed", -EIO, fmt, ap);
	va_end(ap);
	return r;
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
