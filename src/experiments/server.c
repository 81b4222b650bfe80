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
 * with no work and with work_us of CPU work per request, in `rounds`
 * rounds (every model in each round, forwards then backwards, a fresh
 * server each time, so that a drift of the machine lands on every model
 * alike), each round with 1/rounds of `duration`:
 * - a warm-up run, then a measured closed-loop run;
 * - throughput: the successes of each time slice of the run (1/20 of the
 *   duration, at most 20 ms; the first, ramp-up, left out), as requests
 *   per second, so that the median has an interval; the rounds of a figure
 *   merge into one. A slice with no request served at all is a stall, not
 *   a rate: an observation says how many there were;
 * - latency: a uniform sample of every successful request's latency (the
 *   generator's reservoir), and the percentiles of all of them, over the
 *   rounds, from its histogram;
 * - the server's PSS and its number of tasks, read a few times during the
 *   run.
 *
 * Then the poison, `poisons` windows per model, the models in turn as
 * above, each window with a fresh server: a fixed-rate load (so that what
 * is lost is counted against a steady arrival of users, not against a
 * generator that stops asking) runs for `window`, and a quarter into it one
 * request asks GET /poison, whose handler writes through NULL. One
 * supervisor, in this process and the same for every model, watches the
 * server process it started (a pidfd: it knows at once) and starts a dead
 * one again on the same port; the prefork master restarting its own
 * workers is that model's own behaviour, said apart. Recorded: per model,
 * as facts, whether the process that took the poison still serves, the
 * requests that failed and the time until requests succeed again (at
 * their worst over the windows); the requests lost (failed, plus the
 * poisoned one itself), the longest time with no request succeeding, the
 * restarts of each kind, and the availability timeline of the first
 * window.
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
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

#define SLICES 20		 /* a load's duration in slices, or... */
#define SLICE_MAX_NS 20000000ull /* ...slices of this, when shorter: a throughput sample */
#define MEM_READS 4		 /* PSS and task reads during a measured run */
#define POISONS_MAX 64		 /* windows per model */
#define ROUNDS_MAX 20		 /* rounds of the measured loads */
#define ROUND_MIN_NS 20000000ll	 /* a round's share of the duration: slices of 1 ms at least */
#define TIMEOUT_NS 1000000000ull /* a request without its response after this fails */
#define N_LOADS 4		 /* keep-alive and churn, each without and with work */
#define STARTS_MAX 256		 /* starts of one model recorded (every round, window, restart) */
#define RESTART_TRIES 50	 /* a restart whose port is still taken tries again... */
#define RESTART_PAUSE_NS 1000000ull /* ...after this */
#define WATCH_POLL_MS 1		    /* without pidfds, the supervisor looks this often */
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
	int64_t rounds;
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

/* One measured configuration of a model, over the rounds. */
struct load_acc {
	enum load_kind load;
	uint32_t work_us;
	bool dropped;		/* a load of it was void: skipped, measured no more */
	bool measured;		/* some round was recorded */
	struct hist *lat;	/* every round's latencies */
	uint64_t failed[7];	/* failed, sent, then by cause, as server.failures reads them */
	uint64_t slices, empty; /* throughput slices, and those with no request served */
	uint64_t deaths;	/* the server died under this plain load */
};

/* What the poison did to one model, over its windows. */
struct poison_acc {
	bool dropped;
	uint64_t lost[POISONS_MAX], gap[POISONS_MAX], restart[POISONS_MAX];
	size_t n, n_restart, survived, recovered;
	uint64_t sent, succeeded;
	uint64_t worst_failed;	/* the most requests failed in one window */
	uint64_t worst_recover; /* the longest time until success again; UINT64_MAX: never */
	uint64_t supervised;	/* starts by ptlab's supervisor */
	uint64_t own_restarts;	/* handlers the server started again by itself (prefork) */
};

/* One model: its figures over the rounds and its poison windows. */
struct model_slot {
	enum httpd_model model;
	bool dropped;			/* it cannot start: skipped once */
	uint64_t starts_ns[STARTS_MAX]; /* how long each start of this model took */
	size_t n_starts;
	struct load_acc loads[N_LOADS];
	size_t n_loads;
	struct poison_acc poison;
};

/* Where things run, and the server running now. */
struct server_state {
	struct exp_ctx *ctx;
	const struct server_params *p;
	struct server_shared *sh;
	const int *server_cpus;
	size_t n_server_cpus;
	int client_cpu;
	struct model_slot *slot; /* the model whose server runs */
	struct httpd h;
	bool alive;
	uint64_t supervised; /* restarts by the supervisor during the last load */
};

/* One load for the generator's process: what to do, and where to write it. */
struct load_job {
	struct loadgen_cfg cfg;
	struct loadgen_result *out;
};

/* The server of the state's model, as httpd_start() takes it, on port (0: any). */
static struct httpd_cfg server_cfg(const struct server_state *st, enum httpd_model model,
				   uint16_t port)
{
	return (struct httpd_cfg){
		.model = model,
		.workers = (int)st->p->workers,
		.cpus = st->server_cpus,
		.n_cpus = st->n_server_cpus,
		.armed = true,
		.stats = &st->sh->stats,
		.port = port,
	};
}

/*
 * Whether the model's server and the generator fit under the descriptor
 * and task limits together. Returns 0, or -errno with why filled.
 */
static int model_fits(const struct server_state *st, enum httpd_model model, struct ev_note *why)
{
	struct httpd_cfg cfg = server_cfg(st, model, 0);
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

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/*
 * Starts the slot's server (timed: what a start costs), on port (0: a new
 * one). A port still held a moment after a death is tried again. Returns
 * 0 or -errno; the caller decides what a failure means.
 */
static int server_launch(struct server_state *st, uint16_t port)
{
	struct model_slot *slot = st->slot;
	struct httpd_cfg cfg = server_cfg(st, slot->model, port);
	int err;
	for (int i = 0;; i++) {
		uint64_t t0 = clock_now_ns();
		err = httpd_start(&st->h, &cfg);
		if (!err) {
			if (slot->n_starts < STARTS_MAX)
				slot->starts_ns[slot->n_starts++] = clock_now_ns() - t0;
			st->alive = true;
			return 0;
		}
		if (err != -EADDRINUSE || i + 1 >= RESTART_TRIES)
			break;
		sleep_ns(RESTART_PAUSE_NS);
	}
	st->alive = false;
	return err;
}

/* Says why the slot's server cannot start, once, and drops the model. */
static void drop_model(struct server_state *st, int err)
{
	struct ev_note note;
	/* A process, a worker or a thread of the server: the thread wording covers all. */
	exp_skip(st->ctx, httpd_model_name(st->slot->model), "server.cannot_start",
		 ev_nested(limit_note(LIMIT_THREAD, err, &note)));
	st->slot->dropped = true;
}

/* A fresh server of the slot's model, its counts zeroed. Returns 0 or -errno (the model dropped). */
static int server_begin(struct server_state *st, struct model_slot *slot)
{
	st->slot = slot;
	memset(&st->sh->stats, 0, sizeof(st->sh->stats));
	int err = server_launch(st, 0);
	if (err)
		drop_model(st, err);
	return err;
}

static void server_end(struct server_state *st)
{
	httpd_stop(&st->h, NULL);
	st->alive = false;
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

/* A descriptor that becomes readable when pid ends, or -1 (then the watch polls). */
static int watch_fd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

static void unwatch(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Whether the process pid has ended, without reaping it. */
static bool ended(pid_t pid)
{
	siginfo_t si = { 0 };
	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid;
}

/*
 * The supervisor: one policy for every model. When the server process
 * that ptlab started has ended, it is reaped and started again at once on
 * the same port. A prefork master restarting its workers is the model's
 * own doing and never seen here: the master lives on.
 */
static void supervise(struct server_state *st)
{
	if (!st->alive || httpd_alive(&st->h, NULL))
		return;
	uint16_t port = st->h.port;
	st->supervised++;
	if (server_launch(st, port)) {
		/* Not started again: what follows is refused, and the next load starts it anew. */
		st->alive = false;
	}
}

/*
 * Runs the generator as a process of its own on the client CPU, reading
 * the server's memory `reads` times while it runs (pss and tasks, may be
 * NULL when reads is 0), and supervising the server meanwhile (supervise()).
 * Returns 0, or -errno when the generator could not start or failed
 * itself, with *op the kind of call that failed.
 */
static int run_load(struct server_state *st, const struct loadgen_cfg *cfg, size_t reads,
		    uint64_t *pss, uint64_t *tasks, size_t *n_reads, enum limit_op *op)
{
	struct load_job job = { *cfg, &st->sh->lg };
	struct unit u;
	struct unit_end end;
	uint64_t t0 = clock_now_ns();
	*op = LIMIT_PROCESS;
	st->supervised = 0;
	int err = unit_start(&u, UNIT_PROCESS, loadgen_main, &job, st->client_cpu);
	if (err)
		return err;
	*n_reads = 0;
	size_t next_read = 1;
	int gen_fd = watch_fd(u.pid), srv_fd = st->alive ? watch_fd(st->h.pid) : -1;
	for (;;) {
		supervise(st);
		if (st->alive && srv_fd < 0 && gen_fd >= 0) {
			/* Watching a new server: not inherited by the one started next. */
			srv_fd = watch_fd(st->h.pid);
		}
		uint64_t now = clock_now_ns();
		while (next_read <= reads &&
		       now >= t0 + cfg->duration_ns * next_read / (reads + 1)) {
			if (server_memory(&st->h, &pss[*n_reads], &tasks[*n_reads]) == 0)
				(*n_reads)++;
			next_read++;
		}
		if (ended(u.pid))
			break;
		int timeout = -1;
		if (next_read <= reads) {
			uint64_t at = t0 + cfg->duration_ns * next_read / (reads + 1);
			now = clock_now_ns();
			timeout = at > now ? (int)((at - now + 999999) / 1000000) : 0;
		}
		if (gen_fd < 0 || (st->alive && srv_fd < 0))
			timeout = timeout >= 0 && timeout < WATCH_POLL_MS ? timeout : WATCH_POLL_MS;
		struct pollfd pf[2] = { { .fd = gen_fd, .events = POLLIN },
					{ .fd = srv_fd, .events = POLLIN } };
		poll(pf, 2, timeout);
		if (srv_fd >= 0 && (pf[1].revents & (POLLIN | POLLHUP | POLLERR)))
			unwatch(&srv_fd); /* the server ended: supervise() starts it again */
	}
	unwatch(&gen_fd);
	unwatch(&srv_fd);
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

/*
 * Records a void load: skipped with its reason. From the second round on
 * the figure already holds the earlier rounds: the skip says from which
 * round it stops (the reason still ends with the limit).
 */
static void skip_from_round(struct exp_ctx *ctx, const char *what, const struct ev_msg *why,
			    unsigned round)
{
	if (round == 0)
		exp_skip_msg(ctx, what, why);
	else
		exp_skip(ctx, what, "server.from_round", ev_count(round + 1), ev_nested(why));
}

/*
 * The throughput slice of a measured run: 1/SLICES of the whole duration,
 * at most SLICE_MAX_NS, the same in every round; the machine's short
 * stalls (a few milliseconds on a busy host) then stay within a slice
 * instead of emptying it. Never so short that a round overflows the
 * generator's timeline.
 */
static uint64_t slice_of(const struct server_params *p)
{
	uint64_t share = (uint64_t)p->duration_ns / (uint64_t)p->rounds;
	uint64_t slice = (uint64_t)p->duration_ns / SLICES;
	if (slice > SLICE_MAX_NS)
		slice = SLICE_MAX_NS;
	if (slice < share / (LOADGEN_SLICES_MAX - 2) + 1)
		slice = share / (LOADGEN_SLICES_MAX - 2) + 1;
	return slice;
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

/* The condition text of a load of a model. */
static void load_cond(const struct model_slot *slot, const struct load_acc *a, char *buf,
		      size_t size)
{
	snprintf(buf, size, "model=%s load=%s work_us=%u", httpd_model_name(slot->model),
		 load_names[a->load], a->work_us);
}

/* The latency percentiles over every round, the longest and the count, from the histogram. */
static void observe_percentiles(struct exp_ctx *ctx, const struct hist *lat, const char *cond)
{
	char name[192];
	snprintf(name, sizeof(name), "latency_percentiles %s", cond);
	exp_observe(ctx, name, "server.percentiles", ev_num(hist_percentile(lat, 50), "ns"),
		    ev_num(hist_percentile(lat, 90), "ns"), ev_num(hist_percentile(lat, 99), "ns"),
		    ev_num(hist_percentile(lat, 99.9), "ns"), ev_num(lat->max_ns, "ns"),
		    ev_count(lat->count));
}

/*
 * Throughput per slice of the run's duration, the first left out (ramp-up:
 * the connections are opened in it), and what follows the duration (the
 * drain); *empty: slices with no request served.
 */
static size_t throughput_samples(const struct loadgen_result *r, uint64_t duration_ns,
				 uint64_t slice_ns, uint64_t *out, uint64_t *empty)
{
	size_t n = 0, last = (size_t)(duration_ns / slice_ns);
	if (last > r->n_slices)
		last = r->n_slices;
	for (size_t i = 1; i < last; i++) {
		out[n++] = (uint64_t)r->slices[i].succeeded * 1000000000u / slice_ns;
		*empty += r->slices[i].succeeded == 0;
	}
	return n;
}

/*
 * One round of one configuration: warm-up, then the run (1/rounds of the
 * duration each), then the round's figures; the runner merges the rounds
 * of a figure. The latency histogram, the failures and the empty slices
 * add up in the slot, said once after the last round.
 */
static void measure(struct server_state *st, struct load_acc *a, unsigned round)
{
	struct exp_ctx *ctx = st->ctx;
	const char *model = httpd_model_name(st->slot->model);
	uint64_t pss[MEM_READS], tasks[MEM_READS], tput[LOADGEN_SLICES_MAX];
	uint64_t share = (uint64_t)st->p->duration_ns / (uint64_t)st->p->rounds;
	size_t n_reads = 0;
	char wbuf[32], cond[160];
	struct load_why why;
	const struct ev_msg *void_why;
	enum limit_op op;
	if (a->dropped)
		return;
	load_cond(st->slot, a, cond, sizeof(cond));
	exp_progress(ctx, _("round %u of %u: %s"), round + 1, (unsigned)st->p->rounds, cond);

	struct loadgen_cfg cfg = load_cfg(st, a->load, a->work_us, share / 4);
	int err = run_load(st, &cfg, 0, NULL, NULL, &n_reads, &op);
	uint64_t own0 = atomic_load(&st->sh->stats.own_failures);
	uint64_t died = st->supervised;
	if (!err) {
		cfg = load_cfg(st, a->load, a->work_us, share);
		cfg.slice_ns = slice_of(st->p);
		err = run_load(st, &cfg, MEM_READS, pss, tasks, &n_reads, &op);
		died += st->supervised;
	}
	if ((void_why = load_void(st, err, op, own0, &why))) {
		skip_from_round(ctx, cond, void_why, round);
		a->dropped = true;
		return;
	}
	const struct loadgen_result *r = &st->sh->lg;
	struct mparam mp[] = {
		mparam_str("model", model),
		mparam_str("load", load_names[a->load]),
		mparam_num("work_us", a->work_us, wbuf, sizeof(wbuf)),
	};
	size_t n_mp = sizeof(mp) / sizeof(mp[0]);
	struct sample_set set = { .batch = 1 };
	set.n = throughput_samples(r, share, cfg.slice_ns, tput, &a->empty);
	a->slices += set.n;
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
	hist_merge(a->lat, &r->latency);
	const uint64_t f[] = { r->failed,	 r->sent,	    r->failed_connect,
			       r->failed_closed, r->failed_timeout, r->failed_status,
			       r->failed_unsent };
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		a->failed[i] += f[i];
	a->deaths += died;
	a->measured = true;
}

/* What a configuration's rounds add up to: percentiles, failures, stalls, deaths. */
static void observe_load(struct server_state *st, const struct model_slot *slot,
			 const struct load_acc *a)
{
	struct exp_ctx *ctx = st->ctx;
	char cond[160], name[192];
	if (!a->measured)
		return;
	load_cond(slot, a, cond, sizeof(cond));
	observe_percentiles(ctx, a->lat, cond);
	if (a->failed[0]) {
		/* Why requests failed under plain load (none should). */
		snprintf(name, sizeof(name), "failures %s", cond);
		exp_observe(ctx, name, "server.failures", ev_count(a->failed[0]),
			    ev_count(a->failed[1]), ev_count(a->failed[2]), ev_count(a->failed[3]),
			    ev_count(a->failed[4]), ev_count(a->failed[5]), ev_count(a->failed[6]));
	}
	if (a->empty) {
		/* A stall, not a rate: a median of such slices is no throughput. */
		snprintf(name, sizeof(name), "empty_slices %s", cond);
		exp_observe(ctx, name, "server.empty_slices", ev_count(a->empty),
			    ev_count(a->slices));
	}
	if (a->deaths) {
		snprintf(name, sizeof(name), "died %s", cond);
		exp_observe(ctx, name, "server.died", ev_token(httpd_model_name(slot->model)),
			    ev_count(a->deaths));
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
	snprintf(name, sizeof(name), "timeline model=%s", httpd_model_name(st->slot->model));
	exp_observe(st->ctx, name, "server.timeline", ev_num(slice_ns, "ns"),
		    ev_num(r->poison_sent_ns, "ns"), ev_list(ok, r->n_slices),
		    ev_list(failed, r->n_slices));
	free(ok);
	free(failed);
}

/*
 * One poison window of the slot's model (the window-th of its windows),
 * its server fresh and supervised like every other: a fixed-rate load,
 * the poison a quarter into it. Adds what it did to the slot.
 */
static void poison_window(struct server_state *st, unsigned window)
{
	struct exp_ctx *ctx = st->ctx;
	const struct server_params *p = st->p;
	struct poison_acc *pa = &st->slot->poison;
	const char *model = httpd_model_name(st->slot->model);
	char name[96];
	struct load_why why;
	const struct ev_msg *void_why;
	enum limit_op op;
	size_t n_reads;

	snprintf(name, sizeof(name), "poison model=%s", model);
	exp_progress(ctx, _("model=%s poison %" PRId64 " of %" PRId64), model, (int64_t)window + 1,
		     p->poisons);
	pid_t pid = st->h.pid;
	struct loadgen_cfg cfg = load_cfg(st, LOAD_KEEPALIVE, 0, (uint64_t)p->window_ns);
	cfg.rate_per_s = (uint64_t)p->rate;
	cfg.poison_at_ns = (uint64_t)p->window_ns / 4;
	uint64_t own0 = atomic_load(&st->sh->stats.own_failures);
	int err = run_load(st, &cfg, 0, NULL, NULL, &n_reads, &op);
	if ((void_why = load_void(st, err, op, own0, &why))) {
		/* One void window voids the figure: its windows are one sample. */
		skip_from_round(ctx, name, void_why, window);
		pa->dropped = true;
		return;
	}
	const struct loadgen_result *r = &st->sh->lg;
	pa->supervised += st->supervised;
	if (!r->poison_sent)
		return;
	if (pa->n == 0)
		observe_timeline(st, cfg.slice_ns);
	/* Lived: the process that took the poison still serves, never started again. */
	bool lived = st->supervised == 0 && st->h.pid == pid && httpd_alive(&st->h, NULL);
	pa->lost[pa->n] = r->failed + 1; /* the poisoned request itself */
	pa->gap[pa->n] = r->poison_gap_ns;
	pa->n++;
	pa->sent += r->sent;
	pa->succeeded += r->succeeded;
	pa->recovered += r->recovered;
	pa->survived += lived;
	/* Refused, reset, timed out or a bad status: not what was still unsent at the end. */
	uint64_t failed = r->failed - r->failed_unsent;
	if (failed > pa->worst_failed)
		pa->worst_failed = failed;
	if (r->poison_recover_ns > pa->worst_recover || pa->n == 1)
		pa->worst_recover = r->poison_recover_ns;
	/* The server's own restarts (a fresh server per window: its counts are this window's). */
	struct httpd_stats *s = &st->sh->stats;
	uint64_t restarts = atomic_load(&s->restarts);
	pa->own_restarts += restarts;
	if (restarts && atomic_load(&s->handler_deaths) && pa->n_restart < POISONS_MAX)
		pa->restart[pa->n_restart++] =
			atomic_load(&s->last_restart_ns) - atomic_load(&s->last_death_ns);
}

/* A model's poison figures, and what its crashes did, as facts. */
static void poison_record(struct server_state *st, const struct model_slot *slot)
{
	struct exp_ctx *ctx = st->ctx;
	const struct poison_acc *pa = &slot->poison;
	const char *model = httpd_model_name(slot->model);
	char name[96];
	if (pa->n == 0)
		return;
	struct mparam mp[] = { mparam_str("model", model) };
	struct sample_set set = { .batch = 1, .n = pa->n, .raw = (uint64_t *)pa->lost };
	exp_record(ctx, "poison_lost", MU_REQUESTS, DIR_LOWER_IS_BETTER, &set, mp, 1);
	set.raw = (uint64_t *)pa->gap;
	exp_record(ctx, "poison_gap", MU_NS, DIR_LOWER_IS_BETTER, &set, mp, 1);
	if (pa->n_restart) {
		set.n = pa->n_restart;
		set.raw = (uint64_t *)pa->restart;
		exp_record(ctx, "worker_restart", MU_NS, DIR_LOWER_IS_BETTER, &set, mp, 1);
	}
	snprintf(name, sizeof(name), "poison model=%s", model);
	exp_observe(ctx, name, "server.poison", ev_count(pa->survived), ev_count(pa->n),
		    ev_count(pa->recovered),
		    ev_num(pa->sent ? 100.0 * (double)pa->succeeded / (double)pa->sent : 0.0,
			   "percent"),
		    ev_count(pa->sent));
	/* The facts, at their worst over the windows: survived every crash, failed, back after. */
	snprintf(name, sizeof(name), "isolation model=%s", model);
	exp_observe(
		ctx, name, "server.isolation", ev_yesno(pa->survived == pa->n),
		ev_count(pa->worst_failed),
		ev_num(pa->worst_recover == UINT64_MAX ? NAN : (double)pa->worst_recover, "ns"));
	/* Who started what again: ptlab's supervisor, the same for all; the model's own master. */
	snprintf(name, sizeof(name), "supervisor model=%s", model);
	exp_observe(ctx, name, "server.supervisor", ev_count(pa->supervised), ev_count(pa->n));
	if (pa->own_restarts) {
		snprintf(name, sizeof(name), "own_restarts model=%s", model);
		exp_observe(ctx, name, "server.own_restarts", ev_token(model),
			    ev_count(pa->own_restarts), ev_count(pa->n));
	}
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

/* The i-th of n in a round: forwards in even rounds, backwards in odd ones. */
static size_t in_turn(unsigned round, size_t i, size_t n)
{
	return round % 2 ? n - 1 - i : i;
}

/*
 * The models are measured in rounds, every model in each round, forwards
 * in even rounds and backwards in odd ones, each with a fresh server: a
 * drift of the machine then lands on every model alike instead of on
 * whichever ran during it. Then the poison windows, in turn the same way.
 */
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

	struct model_slot *slots = xcalloc(HTTPD_MODEL_COUNT, sizeof(*slots));
	for (int m = 0; m < HTTPD_MODEL_COUNT; m++) {
		struct model_slot *slot = &slots[m];
		slot->model = (enum httpd_model)m;
		for (size_t l = 0; l < 2; l++)
			for (size_t w = 0; w < (p->work_us ? 2u : 1u); w++) {
				struct load_acc *a = &slot->loads[slot->n_loads++];
				a->load = l ? LOAD_CHURN : LOAD_KEEPALIVE;
				a->work_us = w ? (uint32_t)p->work_us : 0;
				a->lat = xcalloc(1, sizeof(*a->lat));
				hist_init(a->lat);
			}
		if (model_fits(&st, slot->model, &why)) {
			exp_skip(ctx, httpd_model_name(slot->model), "server.cannot_start",
				 ev_nested(&why.msg));
			slot->dropped = true;
		}
	}

	for (unsigned round = 0; round < (unsigned)p->rounds; round++)
		for (size_t i = 0; i < HTTPD_MODEL_COUNT; i++) {
			struct model_slot *slot = &slots[in_turn(round, i, HTTPD_MODEL_COUNT)];
			if (slot->dropped || server_begin(&st, slot))
				continue;
			for (size_t l = 0; l < slot->n_loads; l++) {
				if (!st.alive && (err = server_launch(&st, 0))) {
					drop_model(&st, err);
					break;
				}
				measure(&st, &slot->loads[in_turn(round, l, slot->n_loads)], round);
			}
			server_end(&st);
		}
	for (unsigned w = 0; w < (unsigned)p->poisons; w++)
		for (size_t i = 0; i < HTTPD_MODEL_COUNT; i++) {
			struct model_slot *slot = &slots[in_turn(w, i, HTTPD_MODEL_COUNT)];
			if (slot->dropped || slot->poison.dropped || server_begin(&st, slot))
				continue;
			poison_window(&st, w);
			server_end(&st);
		}

	for (int m = 0; m < HTTPD_MODEL_COUNT; m++) {
		struct model_slot *slot = &slots[m];
		for (size_t l = 0; l < slot->n_loads; l++) {
			observe_load(&st, slot, &slot->loads[l]);
			free(slot->loads[l].lat);
		}
		poison_record(&st, slot);
		if (slot->n_starts) {
			struct mparam mp[] = { mparam_str("model", httpd_model_name(slot->model)) };
			struct sample_set set = { .batch = 1,
						  .n = slot->n_starts,
						  .raw = slot->starts_ns };
			exp_record(ctx, "server_start", MU_NS, DIR_LOWER_IS_BETTER, &set, mp, 1);
		}
	}
	free(slots);
	shm_arena_destroy(&arena);
	return 0;
}

static int server_check(const void *params, char *err, size_t errlen)
{
	const struct server_params *p = params;
	if (p->duration_ns / p->rounds < ROUND_MIN_NS) {
		snprintf(err, errlen,
			 _("server.duration (%" PRId64 " ms) shared over server.rounds (%" PRId64
			   ") leaves under %d ms a round; give a longer duration or fewer rounds"),
			 p->duration_ns / 1000000, p->rounds, (int)(ROUND_MIN_NS / 1000000));
		return -EINVAL;
	}
	if (p->connections <= p->workers)
		return 0;
	snprintf(err, errlen,
		 _("server.connections (%" PRId64 ") is above server.workers (%" PRId64
		   "): a pool worker serves one keep-alive connection at a time, so the "
		   "others would wait for ever; give at least as many workers as connections"),
		 p->connections, p->workers);
	return -EINVAL;
}

/*
 * Five models, each four runs (with a quarter more of warm-up) shared over
 * the rounds, a start and a stop per round and per poison window, and the
 * poison windows, three times over.
 */
static uint64_t server_deadline(const void *params)
{
	const struct server_params *p = params;
	uint64_t per_model = 4 * (uint64_t)p->duration_ns * 5 / 4 +
			     (uint64_t)p->poisons * ((uint64_t)p->window_ns + 2 * TIMEOUT_NS) +
			     (uint64_t)(p->rounds + p->poisons) * 200000000ull;
	return 3 * HTTPD_MODEL_COUNT * per_model + 60000000000ull;
}

static const char *const server_claims[] = { "app.server", NULL };

static const struct param server_param_table[] = {
	{ "workers", N_("worker processes of prefork, threads of the pool"), UNIT_COUNT, false,
	  offsetof(struct server_params, workers), "8", NULL, NULL, 1, HTTPD_WORKERS_MAX },
	{ "connections", N_("connections of the load, or requests at once with churn"), UNIT_COUNT,
	  false, offsetof(struct server_params, connections), "8", NULL, NULL, 1,
	  LOADGEN_CONNECTIONS_MAX },
	{ "duration", N_("measured time of each load, shared over the rounds"), UNIT_DURATION,
	  false, offsetof(struct server_params, duration_ns), "1s", "400ms", "3s", 100000000,
	  600000000000 },
	{ "work_us", N_("microseconds of CPU work per request in the loads with work (0: none)"),
	  UNIT_COUNT, false, offsetof(struct server_params, work_us), "100", NULL, NULL, 0,
	  HTTP_WORK_MAX_US },
	{ "rounds", N_("rounds over all models that share each load's duration"), UNIT_COUNT, false,
	  offsetof(struct server_params, rounds), "3", NULL, "5", 1, ROUNDS_MAX },
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
	{ "server.died", N_("the {1} server died {2} times under plain load") },
	{ "server.empty_slices", N_("{1} of {2} time slices had no request served at all: a stall "
				    "of the server or of the machine, not a rate") },
	{ "server.from_round", N_("from round {1} on (the earlier rounds are kept): {2}") },
	{ "server.isolation",
	  N_("the server that took the poison still serves, never started again: {1}; at worst {2} "
	     "requests failed; time until requests succeeded again, at worst: {3} (n/a: not within "
	     "the window)") },
	{ "server.supervisor", N_("ptlab's supervisor, the same for every model, started the dead "
				  "server again {1} times over {2} crashes") },
	{ "server.own_restarts", N_("the {1} server started {2} of its own workers again by "
				    "itself over {3} crashes: the model's own behaviour, not "
				    "ptlab's supervisor") },
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
	  .y_label = N_("throughput (requests/s)"),
	  .series = { { .names = throughput_only,
			.where = no_work,
			.key = "load",
			.words = load_labels } },
	  .cat_key = "model" },
	{ .id = "server-latency",
	  .kind = CHART_PERCENTILES,
	  .title = N_("Latency percentiles per model, keep-alive, no work"),
	  .x_label = N_("percentile"),
	  .y_label = N_("latency of a request"),
	  .series = { { .names = percentiles_only, .where = keepalive_no_work, .key = "model" } },
	  .log_y = true },
	/* Availability around the poisoned request: one process model, one thread model. */
	{ .id = "server-timeline",
	  .kind = CHART_TIMELINE,
	  .title =
		  N_("Requests per {1} slice under a fixed rate, the poisoned request sent at {2}"),
	  .x_label = N_("time since the load began"),
	  .y_label = N_("requests per slice"),
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
		     "one request whose handler writes through NULL, every dead server started "
		     "again by one supervisor, the same for every model: whether the server "
		     "lived, the requests that failed, the time until requests succeeded "
		     "again. The models are measured in rounds, in turn."),
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
