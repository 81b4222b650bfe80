// SPDX-License-Identifier: MIT
/*
 * server: the seeds' web server, for real. Threads "to handle many
 * requests efficiently", processes "for isolation": one small HTTP/1.1
 * server (core/http.h) in five models (core/httpd.h: process per
 * connection, prefork, thread per connection, thread pool, event loop)
 * loaded on loopback by ptlab's own generator (core/loadgen.h).
 *
 * Placement: the generator (and this process, which only watches) runs on
 * the first CPU of --cpus, the server on the others; with one CPU they
 * share it, and the report says so. The server is a fork of ptlab, so it
 * shares ptlab's code pages with this process: its proportional set size
 * (PSS, summed over the server's processes) charges it only its share.
 *
 * Per model, for keep-alive and for a new connection per request (churn),
 * with no work and with work_us of CPU work per request:
 * - a warm-up run, then a measured closed-loop run of `duration`;
 * - throughput: the successes of each of 20 time slices of the run (the
 *   first and the last, ramp-up and drain, left out), as requests per
 *   second, so that the median has an interval;
 * - latency: a uniform sample of every successful request's latency (the
 *   generator's reservoir), and the percentiles of all of them from its
 *   histogram;
 * - the server's PSS and its number of tasks, read a few times during the
 *   run.
 *
 * Then the poison, `poisons` times: a fixed-rate load (so that what is
 * lost is counted against a steady arrival of users, not against a
 * generator that stops asking) runs for `window`, and a quarter into it one
 * request asks GET /poison, whose handler writes through NULL. Recorded:
 * the requests lost (failed, plus the poisoned one itself), the longest
 * time with no request succeeding, whether the server lived, and the
 * availability timeline of the first window. No supervisor restarts a dead
 * server inside the window (the prefork master restarts its own workers;
 * that is the model); ptlab restarts it between windows and records how
 * long a start of each model takes, which is what a supervisor would add.
 *
 * Limits: before anything starts, the descriptors and tasks the generator
 * and each model's server need at once are checked against ulimit -n and
 * ulimit -u (core/limit.h); what does not fit is skipped with the numbers.
 * A limit met during a load anyway (a connection's process that outlives
 * its client, a user starting more) is ptlab's own lack, not the server's
 * behaviour: the generator counts its own failures apart from the
 * server's, the server counts what it could not have, and a load with any
 * of either is skipped, never recorded. A dead server's refusals are no
 * such lack: they are the poison's figure.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "runner/experiment.h"
#include "core/limit.h"
#include "core/hist.h"
#include "core/http.h"
#include "core/httpd.h"
#include "core/loadgen.h"
#include "core/procfs.h"
#include "core/shm.h"
#include "core/unit.h"
#include "util/i18n.h"
#include "util/xalloc.h"

#define SLICES 20		 /* of a measured run: throughput samples */
#define MEM_READS 4		 /* PSS and task reads during a measured run */
#define POISONS_MAX 64		 /* windows per model */
#define TIMEOUT_NS 1000000000ull /* a request without its response after this fails */
/*
 * Descriptors beyond the counted ones: a connection the server accepts
 * before it has seen the client reset the last one (churn), a /proc file.
 */
#define FD_MARGIN 2

struct server_params {
	int64_t workers;
	int64_t connections;
	int64_t duration_ns;
	int64_t work_us;
	int64_t poisons;
	int64_t window_ns;
	int64_t rate;
};

enum load_kind {
	LOAD_KEEPALIVE,
	LOAD_CHURN,
};

static const char *const load_names[] = { [LOAD_KEEPALIVE] = "keepalive", [LOAD_CHURN] = "churn" };

/* What the server and the generator write, and this process reads. */
struct server_shared {
	struct httpd_stats stats;
	struct loadgen_result lg;
};

/* Where things run, and one model's server. */
struct server_state {
	struct exp_ctx *ctx;
	const struct server_params *p;
	struct server_shared *sh;
	const int *server_cpus;
	size_t n_server_cpus;
	int client_cpu;
	enum httpd_model model;
	struct httpd h;
	uint64_t starts_ns[POISONS_MAX + 1]; /* how long each start of this model took */
	size_t n_starts;
	bool alive;
};

/* One load for the generator's process: what to do, and where to write it. */
struct load_job {
	struct loadgen_cfg cfg;
	struct loadgen_result *out;
};

/* The server of the state's model, as httpd_start() takes it. */
static struct httpd_cfg server_cfg(const struct server_state *st)
{
	return (struct httpd_cfg){
		.model = st->model,
		.workers = (int)st->p->workers,
		.cpus = st->server_cpus,
		.n_cpus = st->n_server_cpus,
		.armed = true,
		.stats = &st->sh->stats,
	};
}

/*
 * Whether the model's server and the generator fit under the descriptor
 * and task limits together. Returns 0, or -errno with why filled.
 */
static int model_fits(const struct server_state *st, struct ev_note *why)
{
	struct httpd_cfg cfg = server_cfg(st);
	struct httpd_needs need;
	httpd_needs(&cfg, (int)st->p->connections, &need);
	uint64_t fds = loadgen_needs_fds((int)st->p->connections);
	int err = limit_need_fds((need.fds > fds ? need.fds : fds) + FD_MARGIN, why);
	return err ? err : limit_need_tasks(need.tasks + 1, why); /* and the generator */
}

/* The generator's process: runs one load into the shared result; exits 0 or with errno. */
static int loadgen_main(void *arg)
{
	const struct load_job *job = arg;
	int err = loadgen_run(&job->cfg, job->out);
	return err ? -err : 0;
}

static void state_note_start(struct server_state *st, uint64_t ns)
{
	if (st->n_starts < sizeof(st->starts_ns) / sizeof(st->starts_ns[0]))
		st->starts_ns[st->n_starts++] = ns;
}

/*
 * Starts the model's server (timed: what a restart costs). Returns 0 or
 * -errno; a limit turns into a skip of the whole model.
 */
static int server_start(struct server_state *st)
{
	struct httpd_cfg cfg = server_cfg(st);
	uint64_t t0 = clock_now_ns();
	int err = httpd_start(&st->h, &cfg);
	if (err) {
		/* A process, a worker or a thread of the server: the thread wording covers all. */
		struct ev_note note;
		exp_skip(st->ctx, httpd_model_name(st->model), "server.cannot_start",
			 ev_nested(limit_note(LIMIT_THREAD, err, &note)));
		return err;
	}
	state_note_start(st, clock_now_ns() - t0);
	st->alive = true;
	return 0;
}

static void sleep_until(uint64_t t)
{
	uint64_t now = clock_now_ns();
	if (now >= t)
		return;
	struct timespec ts = { (time_t)((t - now) / 1000000000u), (long)((t - now) % 1000000000u) };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* The server's PSS (summed over its processes) and its tasks, at this moment. */
static int server_memory(const struct httpd *h, uint64_t *pss, uint64_t *tasks)
{
	pid_t pids[HTTPD_WORKERS_MAX + LOADGEN_CONNECTIONS_MAX + 1];
	size_t n = httpd_pids(h, pids, sizeof(pids) / sizeof(pids[0]));
	size_t read = 0;
	*pss = *tasks = 0;
	for (size_t i = 0; i < n; i++) {
		struct procfs_mem m;
		int t;
		if (procfs_mem(pids[i], &m) == 0) {
			*pss += m.pss_bytes;
			read++;
		}
		if (procfs_task_count(pids[i], &t) == 0)
			*tasks += (uint64_t)t;
	}
	return read ? 0 : -ESRCH;
}

/*
 * Runs the generator as a process of its own on the client CPU, reading
 * the server's memory `reads` times while it runs (pss and tasks, may be
 * NULL when reads is 0). Returns 0, or -errno when the generator could not
 * start or failed itself, with *op the kind of call that failed.
 */
static int run_load(struct server_state *st, const struct loadgen_cfg *cfg, size_t reads,
		    uint64_t *pss, uint64_t *tasks, size_t *n_reads, enum limit_op *op)
{
	struct load_job job = { *cfg, &st->sh->lg };
	struct unit u;
	struct unit_end end;
	uint64_t t0 = clock_now_ns();
	*op = LIMIT_PROCESS;
	int err = unit_start(&u, UNIT_PROCESS, loadgen_main, &job, st->client_cpu);
	if (err)
		return err;
	*n_reads = 0;
	for (size_t i = 1; i <= reads; i++) {
		sleep_until(t0 + cfg->duration_ns * i / (reads + 1));
		if (server_memory(&st->h, &pss[*n_reads], &tasks[*n_reads]) == 0)
			(*n_reads)++;
	}
	err = unit_wait(&u, &end);
	if (err)
		return err;
	if (end.signalled)
		return -EINTR;
	*op = st->sh->lg.own_op; /* what loadgen_run() failed in, when it failed */
	return end.code ? -end.code : 0;
}

/* Why a load is void: the reason, and the limit it ends with (nested in it). */
struct load_why {
	struct ev_note reason;
	struct ev_note limit;
};

/*
 * Why the load just run is no measure of the server, or NULL when it is
 * one: the generator failed (err, in a call of kind op), or it or the
 * server lacked a resource of its own during the load (the server's count
 * went past own0). The reason, in why, ends with the limit.
 */
static const struct ev_msg *load_void(struct server_state *st, int err, enum limit_op op,
				      uint64_t own0, struct load_why *why)
{
	const struct loadgen_result *r = &st->sh->lg;
	struct httpd_stats *stats = &st->sh->stats;
	uint64_t server_own = atomic_load(&stats->own_failures) - own0;
	if (err) {
		struct ev_val v[] = { ev_nested(limit_note(op, err, &why->limit)) };
		return ev_note_set(&why->reason, "server.load_failed", v, 1);
	}
	if (r->own_failures) {
		struct ev_val v[] = {
			ev_count(r->own_failures),
			ev_nested(limit_note(r->own_op, r->own_err, &why->limit)),
		};
		return ev_note_set(&why->reason, "server.load_own", v, 2);
	}
	if (server_own) {
		struct ev_val v[] = {
			ev_count(server_own),
			ev_nested(limit_note((enum limit_op)atomic_load(&stats->own_op),
					     atomic_load(&stats->own_err), &why->limit)),
		};
		return ev_note_set(&why->reason, "server.server_own", v, 2);
	}
	return NULL;
}

static struct loadgen_cfg load_cfg(const struct server_state *st, enum load_kind load,
				   uint32_t work_us, uint64_t duration_ns)
{
	return (struct loadgen_cfg){
		.port = st->h.port,
		.connections = (int)st->p->connections,
		.churn = load == LOAD_CHURN,
		.work_us = work_us,
		.duration_ns = duration_ns,
		.timeout_ns = TIMEOUT_NS,
		.slice_ns = duration_ns / SLICES ? duration_ns / SLICES : 1,
		.seed = st->ctx->seed,
	};
}

/* The latency percentiles, the longest and the count, from the histogram. */
static void observe_percentiles(struct server_state *st, const char *cond)
{
	const struct hist *lat = &st->sh->lg.latency;
	char name[192];
	snprintf(name, sizeof(name), "latency_percentiles %s", cond);
	exp_observe(st->ctx, name, "server.percentiles", ev_num(hist_percentile(lat, 50), "ns"),
		    ev_num(hist_percentile(lat, 90), "ns"), ev_num(hist_percentile(lat, 99), "ns"),
		    ev_num(hist_percentile(lat, 99.9), "ns"), ev_num(lat->max_ns, "ns"),
		    ev_count(lat->count));
}

/* Why requests failed under plain load (none should). */
static void observe_failures(struct server_state *st, const char *cond)
{
	const struct loadgen_result *r = &st->sh->lg;
	if (r->failed == 0)
		return;
	char name[192];
	snprintf(name, sizeof(name), "failures %s", cond);
	exp_observe(st->ctx, name, "server.failures", ev_count(r->failed), ev_count(r->sent),
		    ev_count(r->failed_connect), ev_count(r->failed_closed),
		    ev_count(r->failed_timeout), ev_count(r->failed_status),
		    ev_count(r->failed_unsent));
}

/* Throughput per slice, leaving out the first (ramp-up) and the last (drain). */
static size_t throughput_samples(const struct loadgen_result *r, uint64_t slice_ns, uint64_t *out)
{
	size_t n = 0, last = r->n_slices < SLICES ? r->n_slices : SLICES;
	for (size_t i = 1; i + 1 < last; i++)
		out[n++] = (uint64_t)r->slices[i].succeeded * 1000000000u / slice_ns;
	return n;
}

/* One measured configuration: warm-up, then the run, then every figure. */
static void measure(struct server_state *st, enum load_kind load, uint32_t work_us)
{
	struct exp_ctx *ctx = st->ctx;
	const char *model = httpd_model_name(st->model);
	uint64_t pss[MEM_READS], tasks[MEM_READS], tput[SLICES];
	size_t n_reads = 0;
	char wbuf[32], cond[160];
	struct load_why why;
	const struct ev_msg *void_why;
	enum limit_op op;
	snprintf(cond, sizeof(cond), "model=%s load=%s work_us=%u", model, load_names[load],
		 work_us);
	exp_progress(ctx, "%s", cond);

	struct loadgen_cfg cfg = load_cfg(st, load, work_us, (uint64_t)st->p->duration_ns / 4);
	int err = run_load(st, &cfg, 0, NULL, NULL, &n_reads, &op);
	uint64_t own0 = atomic_load(&st->sh->stats.own_failures);
	if (!err) {
		cfg = load_cfg(st, load, work_us, (uint64_t)st->p->duration_ns);
		err = run_load(st, &cfg, MEM_READS, pss, tasks, &n_reads, &op);
	}
	if ((void_why = load_void(st, err, op, own0, &why))) {
		exp_skip_msg(ctx, cond, void_why);
		st->alive = httpd_alive(&st->h, NULL);
		return;
	}
	const struct loadgen_result *r = &st->sh->lg;
	struct mparam mp[] = {
		mparam_str("model", model),
		mparam_str("load", load_names[load]),
		mparam_num("work_us", work_us, wbuf, sizeof(wbuf)),
	};
	size_t n_mp = sizeof(mp) / sizeof(mp[0]);
	struct sample_set set = { .batch = 1 };
	set.n = throughput_samples(r, cfg.slice_ns, tput);
	set.raw = tput;
	if (set.n)
		exp_record(ctx, "throughput", MU_REQUESTS_PER_S, DIR_HIGHER_IS_BETTER, &set, mp,
			   n_mp);
	set.n = r->n_reservoir;
	set.raw = (uint64_t *)r->reservoir;
	if (set.n)
		exp_record(ctx, "latency", MU_NS, DIR_LOWER_IS_BETTER, &set, mp, n_mp);
	set.n = n_reads;
	set.raw = pss;
	if (set.n) {
		exp_record(ctx, "server_pss", MU_BYTES, DIR_LOWER_IS_BETTER, &set, mp, n_mp);
		set.raw = tasks;
		exp_record(ctx, "server_tasks", MU_TASKS, DIR_NONE, &set, mp, n_mp);
	}
	observe_percentiles(st, cond);
	observe_failures(st, cond);
	if (!httpd_alive(&st->h, NULL)) {
		st->alive = false;
		exp_observe(ctx, "died", "server.died", ev_token(model));
	}
}

/* The first window, slice by slice: requests that succeeded and that failed. */
static void observe_timeline(struct server_state *st, uint64_t slice_ns)
{
	const struct loadgen_result *r = &st->sh->lg;
	int64_t *ok = xcalloc(r->n_slices + 1, sizeof(*ok));
	int64_t *failed = xcalloc(r->n_slices + 1, sizeof(*failed));
	char name[96];
	for (uint32_t i = 0; i < r->n_slices; i++) {
		ok[i] = r->slices[i].succeeded;
		failed[i] = r->slices[i].failed;
	}
	snprintf(name, sizeof(name), "timeline model=%s", httpd_model_name(st->model));
	exp_observe(st->ctx, name, "server.timeline", ev_num(slice_ns, "ns"),
		    ev_num(r->poison_sent_ns, "ns"), ev_list(ok, r->n_slices),
		    ev_list(failed, r->n_slices));
	free(ok);
	free(failed);
}

/* The poison windows of one model; the figures and what the poison did. */
static void poison(struct server_state *st)
{
	struct exp_ctx *ctx = st->ctx;
	const struct server_params *p = st->p;
	const char *model = httpd_model_name(st->model);
	uint64_t lost[POISONS_MAX], gap[POISONS_MAX], restart[POISONS_MAX];
	size_t n = 0, n_restart = 0, survived = 0, recovered = 0;
	uint64_t sent = 0, succeeded = 0;
	struct unit_end end = { 0 };
	char name[96];
	struct load_why why;
	const struct ev_msg *void_why;
	enum limit_op op;

	snprintf(name, sizeof(name), "poison model=%s", model);
	for (int64_t i = 0; i < p->poisons; i++) {
		if (!st->alive) {
			httpd_stop(&st->h, NULL);
			if (server_start(st))
				break;
		}
		exp_progress(ctx, _("model=%s poison %" PRId64 " of %" PRId64), model, i + 1,
			     p->poisons);
		uint64_t deaths = atomic_load(&st->sh->stats.handler_deaths);
		uint64_t restarts = atomic_load(&st->sh->stats.restarts);
		struct loadgen_cfg cfg = load_cfg(st, LOAD_KEEPALIVE, 0, (uint64_t)p->window_ns);
		cfg.rate_per_s = (uint64_t)p->rate;
		cfg.poison_at_ns = (uint64_t)p->window_ns / 4;
		size_t n_reads;
		uint64_t own0 = atomic_load(&st->sh->stats.own_failures);
		int err = run_load(st, &cfg, 0, NULL, NULL, &n_reads, &op);
		if ((void_why = load_void(st, err, op, own0, &why))) {
			/* One void window voids the figure: its windows are one sample. */
			exp_skip_msg(ctx, name, void_why);
			st->alive = httpd_alive(&st->h, NULL);
			return;
		}
		const struct loadgen_result *r = &st->sh->lg;
		if (!r->poison_sent)
			continue;
		if (n == 0)
			observe_timeline(st, cfg.slice_ns);
		lost[n] = r->failed + 1; /* the poisoned request itself */
		gap[n] = r->poison_gap_ns;
		n++;
		sent += r->sent;
		succeeded += r->succeeded;
		recovered += r->recovered;
		st->alive = httpd_alive(&st->h, &end);
		survived += st->alive;
		uint64_t now_restarts = atomic_load(&st->sh->stats.restarts);
		if (now_restarts > restarts && atomic_load(&st->sh->stats.handler_deaths) > deaths)
			restart[n_restart++] = atomic_load(&st->sh->stats.last_restart_ns) -
					       atomic_load(&st->sh->stats.last_death_ns);
	}
	if (n == 0)
		return;
	struct mparam mp[] = { mparam_str("model", model) };
	struct sample_set set = { .batch = 1, .n = n, .raw = lost };
	exp_record(ctx, "poison_lost", MU_REQUESTS, DIR_LOWER_IS_BETTER, &set, mp, 1);
	set.raw = gap;
	exp_record(ctx, "poison_gap", MU_NS, DIR_LOWER_IS_BETTER, &set, mp, 1);
	if (n_restart) {
		set.n = n_restart;
		set.raw = restart;
		exp_record(ctx, "worker_restart", MU_NS, DIR_LOWER_IS_BETTER, &set, mp, 1);
	}
	exp_observe(ctx, name, "server.poison", ev_count(survived), ev_count(n),
		    ev_count(recovered),
		    ev_num(sent ? 100.0 * (double)succeeded / (double)sent : 0.0, "percent"),
		    ev_count(sent));
}

/* The CPUs: the generator on the first, the server on the others (or the same one). */
static const char *place(struct server_state *st)
{
	struct exp_ctx *ctx = st->ctx;
	st->client_cpu = exp_cpu(ctx, 0);
	if (ctx->n_cpus >= 2) {
		st->server_cpus = ctx->cpus + 1;
		st->n_server_cpus = ctx->n_cpus - 1;
		return "separate";
	}
	st->server_cpus = ctx->cpus;
	st->n_server_cpus = ctx->n_cpus;
	return "shared";
}

static int server_run(struct exp_ctx *ctx, const void *params)
{
	const struct server_params *p = params;
	struct shm_arena arena;
	struct ev_note why;
	/* The generator and a server of one process must fit, or nothing can be measured. */
	int err = limit_need_fds(loadgen_needs_fds((int)p->connections) + FD_MARGIN, &why);
	if (!err)
		err = limit_need_tasks(2, &why);
	if (err)
		return exp_unsupported_msg(ctx, &why.msg);
	err = shm_arena_create(&arena, sizeof(struct server_shared));
	if (err == -ENOMEM)
		return exp_unsupported(ctx, "arena", ev_nested(limit_note(LIMIT_MAP, err, &why)));
	if (err)
		return exp_fail(ctx, "arena", ev_errno(err));
	struct server_state st = { .ctx = ctx, .p = p, .sh = arena.base };
	if (strcmp(place(&st), "separate") == 0) {
		int64_t *server_cpus = xcalloc(st.n_server_cpus, sizeof(*server_cpus));
		for (size_t i = 0; i < st.n_server_cpus; i++)
			server_cpus[i] = st.server_cpus[i];
		exp_observe(ctx, "placement", "server.placement_separate", ev_count(st.client_cpu),
			    ev_list(server_cpus, st.n_server_cpus));
		free(server_cpus);
	} else {
		exp_observe(ctx, "placement", "server.placement_shared", ev_count(st.client_cpu));
	}
	/* The experiment process watches from the generator's CPU, out of the server's way. */
	if (st.client_cpu >= 0)
		unit_pin_self(st.client_cpu);

	for (int m = 0; m < HTTPD_MODEL_COUNT; m++) {
		memset(&st.sh->stats, 0, sizeof(st.sh->stats));
		st.model = (enum httpd_model)m;
		st.n_starts = 0;
		if (model_fits(&st, &why)) {
			exp_skip(ctx, httpd_model_name(st.model), "server.cannot_start",
				 ev_nested(&why.msg));
			continue;
		}
		if (server_start(&st))
			continue;
		static const enum load_kind loads[] = { LOAD_KEEPALIVE, LOAD_CHURN };
		for (size_t l = 0; l < 2; l++) {
			uint32_t works[] = { 0, (uint32_t)p->work_us };
			for (size_t w = 0; w < (p->work_us ? 2u : 1u); w++) {
				if (!st.alive) {
					httpd_stop(&st.h, NULL);
					if (server_start(&st))
						break;
				}
				measure(&st, loads[l], works[w]);
			}
		}
		poison(&st);
		httpd_stop(&st.h, NULL);
		struct mparam mp[] = { mparam_str("model", httpd_model_name(st.model)) };
		struct sample_set set = { .batch = 1, .n = st.n_starts, .raw = st.starts_ns };
		exp_record(ctx, "server_start", MU_NS, DIR_LOWER_IS_BETTER, &set, mp, 1);
	}
	shm_arena_destroy(&arena);
	return 0;
}

static int server_check(const void *params, char *err, size_t errlen)
{
	const struct server_params *p = params;
	if (p->connections <= p->workers)
		return 0;
	snprintf(err, errlen,
		 _("server.connections (%" PRId64 ") is above server.workers (%" PRId64
		   "): a pool worker serves one keep-alive connection at a time, so the "
		   "others would wait for ever; give at least as many workers as connections"),
		 p->connections, p->workers);
	return -EINVAL;
}

/* Five models, each four runs (with a quarter more of warm-up) and the poison windows, three times over. */
static uint64_t server_deadline(const void *params)
{
	const struct server_params *p = params;
	uint64_t per_model = 4 * (uint64_t)p->duration_ns * 5 / 4 +
			     (uint64_t)p->poisons * ((uint64_t)p->window_ns + 2 * TIMEOUT_NS);
	return 3 * HTTPD_MODEL_COUNT * per_model + 60000000000ull;
}

static const char *const server_claims[] = { "app.server", NULL };

static const struct param server_param_table[] = {
	{ "workers", N_("worker processes of prefork, threads of the pool"), UNIT_COUNT, false,
	  offsetof(struct server_params, workers), "8", NULL, NULL, 1, HTTPD_WORKERS_MAX },
	{ "connections", N_("connections of the load, or requests at once with churn"), UNIT_COUNT,
	  false, offsetof(struct server_params, connections), "8", NULL, NULL, 1,
	  LOADGEN_CONNECTIONS_MAX },
	{ "duration", N_("measured time of each load"), UNIT_DURATION, false,
	  offsetof(struct server_params, duration_ns), "1s", "400ms", "3s", 100000000,
	  600000000000 },
	{ "work_us", N_("microseconds of CPU work per request in the loads with work (0: none)"),
	  UNIT_COUNT, false, offsetof(struct server_params, work_us), "100", NULL, NULL, 0,
	  HTTP_WORK_MAX_US },
	{ "poisons", N_("poisoned requests per model, each in its own window"), UNIT_COUNT, false,
	  offsetof(struct server_params, poisons), "5", "3", "10", 1, POISONS_MAX },
	{ "window", N_("the load around each poisoned request"), UNIT_DURATION, false,
	  offsetof(struct server_params, window_ns), "500ms", "300ms", "1s", 40000000,
	  60000000000 },
	{ "rate", N_("requests per second of the load around the poison"), UNIT_COUNT, false,
	  offsetof(struct server_params, rate), "2000", NULL, NULL, 10, 1000000 },
};

static const struct ev_form forms[] = {
	{ "server.cannot_start", N_("cannot start the server: {1}") },
	{ "server.percentiles",
	  N_("p50 {1}, p90 {2}, p99 {3}, p99.9 {4}, longest {5}, {6} requests") },
	{ "server.timeline", N_("slices of {1}, the poisoned request sent at {2}; succeeded per "
				"slice {3}; failed per slice {4}") },
	{ "server.load_failed", N_("the load generator failed: {1}") },
	{ "server.load_own", N_("the load generator could not make {1} of its requests: {2}") },
	{ "server.server_own", N_("the server met a limit {1} times during the load: {2}") },
	{ "server.failures", N_("{1} of {2} requests failed: {3} connections refused, {4} closed "
				"early, {5} timed out, {6} bad status, {7} never sent") },
	{ "server.died", N_("the {1} server died under plain load") },
	{ "server.poison", N_("the server lived through {1} of {2} crashes; requests succeeded "
			      "again within the window after {3} of them; {4} of {5} requests "
			      "succeeded") },
	{ "server.placement_separate",
	  N_("the load generator runs on CPU {1}, the server on CPU {2}") },
	{ "server.placement_shared", N_("the load generator and the server share CPU {1}") },
	{ NULL, NULL },
};

static const char *const throughput_figures[] = { "throughput", NULL };
static const char *const latency_figures[] = { "latency", NULL };
static const char *const pss_figures[] = { "server_pss", NULL };
static const char *const tasks_figures[] = { "server_tasks", NULL };
static const char *const load_conditions[] = { "model", "load", "work_us", NULL };
static const char *const lost_figures[] = { "poison_lost", NULL };
static const char *const time_figures[] = { "poison_gap", "worker_restart", "server_start", NULL };
static const char *const model_conditions[] = { "model", NULL };

static const struct figure_decl figures[] = {
	{ throughput_figures, MU_REQUESTS_PER_S, DIR_HIGHER_IS_BETTER, load_conditions },
	{ latency_figures, MU_NS, DIR_LOWER_IS_BETTER, load_conditions },
	{ pss_figures, MU_BYTES, DIR_LOWER_IS_BETTER, load_conditions },
	{ tasks_figures, MU_TASKS, DIR_NONE, load_conditions },
	{ lost_figures, MU_REQUESTS, DIR_LOWER_IS_BETTER, model_conditions },
	{ time_figures, MU_NS, DIR_LOWER_IS_BETTER, model_conditions },
	{ .names = NULL },
};

static const char *const throughput_only[] = { "throughput", NULL };
static const char *const percentiles_only[] = { "latency_percentiles", NULL };
static const char *const timeline_only[] = { "timeline", NULL };
static const char *const no_work[] = { "work_us=0", NULL };
static const char *const keepalive_no_work[] = { "load=keepalive", "work_us=0", NULL };
static const struct ev_form load_labels[] = {
	{ "keepalive", N_("keep-alive") },
	{ "churn", N_("a connection per request") },
	{ NULL, NULL },
};
/* The models whose timeline is drawn, one of each kind, in order of preference. */
static const struct ev_form process_models[] = {
	{ "prefork", "prefork" },
	{ "process_per_connection", "process_per_connection" },
	{ NULL, NULL },
};
static const struct ev_form thread_models[] = {
	{ "thread_pool", "thread_pool" },
	{ "thread_per_connection", "thread_per_connection" },
	{ "event_loop", "event_loop" },
	{ NULL, NULL },
};
static const struct chart_decl charts[] = {
	{ .id = "server-throughput",
	  .kind = CHART_BARS,
	  .title = N_("Throughput per model, no work per request"),
	  .x_label = N_("concurrency model"),
	  .y_label = N_("requests per second"),
	  .series = { { .names = throughput_only,
			.where = no_work,
			.key = "load",
			.words = load_labels } },
	  .cat_key = "model" },
	{ .id = "server-latency",
	  .kind = CHART_PERCENTILES,
	  .title = N_("Latency percentiles per model, keep-alive, no work"),
	  .x_label = N_("percentile"),
	  .y_label = N_("latency of a request (ns)"),
	  .series = { { .names = percentiles_only, .where = keepalive_no_work, .key = "model" } },
	  .log_y = true },
	/* Availability around the poisoned request: one process model, one thread model. */
	{ .id = "server-timeline",
	  .kind = CHART_TIMELINE,
	  .title =
		  N_("Requests per {1} slice under a fixed rate, the poisoned request sent at {2}"),
	  .x_label = N_("time since the load began (ms)"),
	  .y_label = N_("requests per slice: succeeded up, failed down"),
	  .series = { { .names = timeline_only, .key = "model", .words = process_models },
		      { .names = timeline_only, .key = "model", .words = thread_models } } },
	{ .id = NULL },
};

const struct experiment exp_server = {
	.name = "server",
	.title = N_("One small web server in five concurrency models, loaded and poisoned"),
	.method = N_("An HTTP/1.1 server on 127.0.0.1 as a process per connection, a prefork "
		     "pool, a thread per connection, a thread pool and a single-threaded epoll "
		     "event loop, loaded by ptlab's own epoll generator on another CPU: "
		     "keep-alive and a new connection per request, with and without CPU work "
		     "per request; throughput per time slice, latency percentiles, the server's "
		     "memory (PSS over its processes) and tasks. Then, under a fixed-rate load, "
		     "one request whose handler writes through NULL: the requests lost, the "
		     "longest time without a success, whether the server lived."),
	.claims = server_claims,
	.params = server_param_table,
	.n_params = sizeof(server_param_table) / sizeof(server_param_table[0]),
	.params_size = sizeof(struct server_params),
	.run = server_run,
	.check = server_check,
	.deadline = server_deadline,
	.deadline_ns = { 120000000000ull, 900000000000ull },
	.quick_suite = true,
	.forms = forms,
	.figures = figures,
	.charts = charts,
};
