// SPDX-License-Identifier: MIT
/*
 * httpd: one small HTTP server (core/http.h answers every request) in the
 * five concurrency models the seeds and the textbooks argue about. The
 * models differ only in what runs a connection; the code that serves one
 * connection is the same for the four blocking models:
 *
 * - process per connection: an acceptor forks one child per connection;
 * - prefork: a master forks N worker processes that all accept() on the
 *   one listening socket and serve one connection at a time; the master
 *   restarts a worker that dies;
 * - thread per connection: an acceptor starts one thread per connection;
 * - thread pool: N threads that all accept() and serve one connection at a
 *   time (the prefork loop, run by threads);
 * - event loop: one thread, non-blocking sockets and epoll, every
 *   connection multiplexed, pipelined requests answered in order.
 *
 * The server always runs in a process of its own (httpd_start() forks it),
 * so that the poisoned request can crash it without touching the caller.
 * Every process of the server gets PR_SET_PDEATHSIG and no core dump.
 * It listens on 127.0.0.1, on a port the kernel picks (or the one the
 * caller gives, to start a dead server again); the caller keeps no
 * copy of the listening socket, so a dead server refuses connections
 * instead of queueing them.
 *
 * A blocking model closes a connection that stays idle HTTPD_IDLE_NS, so a
 * silent client cannot hold a worker for ever; the event loop needs no
 * such limit (an idle connection costs it nothing but memory).
 */
#ifndef PTLAB_CORE_HTTPD_H
#define PTLAB_CORE_HTTPD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/unit.h"

#define HTTPD_WORKERS_MAX 256
#define HTTPD_IDLE_NS 10000000000ull	  /* a blocking model drops a connection idle this long */
#define HTTPD_STOP_GRACE_NS 2000000000ull /* httpd_stop(): SIGTERM, then SIGKILL after this */

enum httpd_model {
	HTTPD_PROCESS_PER_CONN,
	HTTPD_PREFORK,
	HTTPD_THREAD_PER_CONN,
	HTTPD_THREAD_POOL,
	HTTPD_EVENT_LOOP,
	HTTPD_MODEL_COUNT,
};

/*
 * What the server counts, in memory the caller shares with it (a
 * MAP_SHARED mapping made before httpd_start(), e.g. from core/shm.h), so
 * the counts survive the server's death. All relaxed atomics.
 */
struct httpd_stats {
	_Atomic uint64_t connections; /* accepted */
	_Atomic uint64_t requests;    /* responses sent, any status */
	_Atomic uint64_t
		handler_deaths; /* connection processes or prefork workers that died by a signal */
	_Atomic uint64_t restarts; /* prefork workers started again by the master */
	_Atomic uint64_t
		last_restart_ns; /* prefork: the clock_now_ns() at which the last replacement started */
	_Atomic uint64_t
		last_death_ns; /* the clock_now_ns() at which the master or acceptor reaped the last dead handler */
	/*
	 * What the server could not have for want of a resource of its own: a
	 * descriptor or memory for accept(), a process for a connection or a
	 * prefork worker, a thread, an epoll watch. Each is the server's lack,
	 * not the load's doing, so a figure taken meanwhile is void. own_err:
	 * the last -errno, own_op: its kind of call (an enum limit_op), for
	 * limit_explain().
	 */
	_Atomic uint64_t own_failures;
	_Atomic int own_err;
	_Atomic int own_op;
};

struct httpd_cfg {
	enum httpd_model model;
	int workers;	 /* prefork and thread pool: the pool size, 1..HTTPD_WORKERS_MAX */
	const int *cpus; /* the CPUs the whole server may run on (NULL: any) */
	size_t n_cpus;
	bool armed; /* GET /poison crashes its handler (http_handle()'s armed) */
	/*
	 * The port to listen on, host byte order; 0: one the kernel picks. A
	 * supervisor that restarts a dead server gives the port it had, so
	 * that its clients find it again (SO_REUSEADDR: the dead server's
	 * closing connections do not hold the port).
	 */
	uint16_t port;
	struct httpd_stats *stats; /* shared with the caller; may be NULL */
};

struct httpd {
	enum httpd_model model;
	pid_t pid;     /* the server process: acceptor, master or the single process */
	uint16_t port; /* on 127.0.0.1, host byte order */
	bool running;  /* started and not yet reaped */
};

/* Stable names ("process_per_connection", "prefork", "thread_per_connection", "thread_pool", "event_loop") and back. */
const char *httpd_model_name(enum httpd_model m);
int httpd_model_from_name(const char *s, enum httpd_model *out);
/* Whether a crash in one handler ends the whole server in this model (the threads and the event loop). */
bool httpd_model_shares_fate(enum httpd_model m);

/* What a server needs at once, beyond the descriptors it inherits. */
struct httpd_needs {
	uint64_t fds;	/* descriptors of its busiest process (and of the caller while it starts) */
	uint64_t tasks; /* processes and threads together, the server process included */
};

/*
 * What a server of cfg needs while `connections` clients are connected,
 * for limit_need_fds() and limit_need_tasks() before it starts. A
 * connection's unit that outlives its client (a process not yet reaped, a
 * descriptor not yet closed) is not counted: the caller adds a margin.
 */
void httpd_needs(const struct httpd_cfg *cfg, int connections, struct httpd_needs *out);

/*
 * Opens the listening socket, forks the server process, and returns once
 * it is ready to accept (every worker of a pool started). Returns 0 with
 * *h filled, or -errno (-EAGAIN when the process or thread limit is
 * reached, -EMFILE when descriptors run out: callers make those skips;
 * -EADDRINUSE when cfg->port is taken).
 */
int httpd_start(struct httpd *h, const struct httpd_cfg *cfg);

/*
 * Whether the server process still runs; when it has ended, reaps it,
 * fills *end (may be NULL) and clears h->running. Never blocks.
 */
bool httpd_alive(struct httpd *h, struct unit_end *end);

/*
 * Stops the server: SIGTERM (a process model then kills and reaps its
 * children and exits 0; a threaded one simply ends by it), SIGKILL to the
 * server and every child still there after HTTPD_STOP_GRACE_NS, and reaps
 * the server. Fills *end (may be NULL) with how it ended. A server that
 * already died is only reaped. Returns 0 or -errno.
 */
int httpd_stop(struct httpd *h, struct unit_end *end);

/*
 * The server's processes: its own pid first, then its children (connection
 * processes, prefork workers), at most max. Returns the count (0 when the
 * server is gone).
 */
size_t httpd_pids(const struct httpd *h, pid_t *pids, size_t max);

#endif
