// SPDX-License-Identifier: MIT
/*
 * loadgen: an HTTP load generator for the `server` experiment, in the
 * manner of wrk and wrk2: one thread, epoll, non-blocking sockets to
 * 127.0.0.1. It runs in the calling process (the experiment starts it as a
 * process of its own, pinned away from the server) and writes everything
 * into a struct loadgen_result with no pointers, so that the result can
 * live in a shared mapping and outlive the generator.
 *
 * Two ways to load a server:
 * - closed loop (rate_per_s 0): `connections` connections each send the
 *   next request as soon as the response to the last one is in: the
 *   server's throughput. Latency is measured from the send.
 * - fixed rate (rate_per_s > 0): requests are due at a steady total rate,
 *   spread evenly over the connections. A request that cannot go out when
 *   it is due (its connection still waits for an earlier response, or no
 *   connection slot is free) goes out as soon as it can, and its latency is
 *   counted from when it was *due*, not from when it was sent: a stall of
 *   the server then shows in the latencies as it would to users arriving at
 *   that rate, instead of being hidden by the generator politely waiting
 *   (the coordinated omission that wrk2 corrects). Requests that could not
 *   even be sent before the end are counted failed.
 *
 * With keep-alive (churn false) connections stay open across requests and
 * are opened again when the server closes one or an error ends it. With
 * churn every request opens a connection, sends one request with
 * "Connection: close", reads the whole response and closes first with a
 * zero linger (a reset), so that no TIME_WAIT is left to exhaust the
 * ephemeral ports however many connections are made.
 *
 * A request fails when the connection cannot be made, is reset or closed
 * before the whole response, the response is not 200, it is malformed, or
 * no whole response came within timeout_ns. A failed connection in closed
 * loop waits LOADGEN_BACKOFF_NS before its next attempt, so that a dead
 * server is not hammered in a tight loop.
 *
 * The generator's own lack is no failure of the server: a request for
 * which it cannot make a socket, register it or find a local port
 * (EMFILE, ENFILE, ENOMEM, ENOSPC, EADDRNOTAVAIL) is counted apart, in
 * own_failures, never sent, and backs off as a refused one does. A run
 * with any is no measure of the server; the caller says why with
 * limit_explain(own_op, own_err). A refusal by a dead server stays a
 * failure: it is what a user would meet.
 *
 * The run ends by itself: when duration_ns has passed, or max_requests
 * requests have ended (either bound may be 0 for none, not both). Requests
 * still in flight at that moment get until min(timeout_ns,
 * LOADGEN_DRAIN_NS) to finish, then count as failed: at the end
 * sent == succeeded + failed, always.
 */
#ifndef PTLAB_CORE_LOADGEN_H
#define PTLAB_CORE_LOADGEN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/hist.h"
#include "core/limit.h"

#define LOADGEN_CONNECTIONS_MAX 1024
#define LOADGEN_SLICES_MAX 1024 /* timeline length; later completions go in the last slice */
#define LOADGEN_RESERVOIR 1024	/* latencies kept as raw samples */
#define LOADGEN_BACKOFF_NS 1000000ull
#define LOADGEN_DRAIN_NS 1000000000ull

struct loadgen_cfg {
	uint16_t port; /* on 127.0.0.1, host byte order */
	int connections; /* 1..LOADGEN_CONNECTIONS_MAX: open connections, or requests at once with churn */
	bool churn;	       /* a new connection for every request */
	uint32_t work_us;      /* > 0: GET /work?us=N, else GET / */
	uint64_t rate_per_s;   /* 0: closed loop; else the fixed total rate */
	uint64_t duration_ns;  /* stop sending after this long (0: no time bound) */
	uint64_t max_requests; /* stop after this many requests have ended (0: no count bound) */
	uint64_t timeout_ns;   /* a request without its whole response after this long fails */
	uint64_t slice_ns;     /* the timeline's resolution, > 0 */
	/*
	 * > 0: at this time after the start, connection 0 sends GET /poison in
	 * place of its next request. The poison is counted apart (it is meant
	 * to fail), never in sent, succeeded or failed.
	 */
	uint64_t poison_at_ns;
	uint64_t seed; /* for the reservoir */
};

/* Requests that ended in one slice of the timeline, by when they ended. */
struct loadgen_slice {
	uint32_t succeeded;
	uint32_t failed;
};

struct loadgen_result {
	uint64_t sent, succeeded, failed; /* sent == succeeded + failed */
	/* failed, by cause (they add up to failed) */
	uint64_t failed_connect, failed_closed, failed_timeout, failed_status, failed_unsent;
	uint64_t connects; /* connections opened successfully */
	/*
	 * Requests the generator could not make for want of a resource of its
	 * own (in none of the counts above), and the last such -errno with the
	 * kind of call it came from. Also set when loadgen_run() returns an
	 * error of its own.
	 */
	uint64_t own_failures;
	int own_err;
	enum limit_op own_op;
	uint64_t elapsed_ns; /* from the start to the end of the drain */
	/* Of the poison, when one was asked for. */
	bool poison_sent;
	uint64_t poison_sent_ns; /* after the start */
	/*
	 * The longest time after the poison with no request succeeding: from
	 * the poison to the first success, or between two successes, or from
	 * the last success to the end. recovered: some request sent after the
	 * poison succeeded.
	 */
	uint64_t poison_gap_ns;
	bool recovered;
	/*
	 * The time until requests succeed again: from the poison to the first
	 * success after the last request that failed since (to the first
	 * success after the poison, when none failed). UINT64_MAX when the
	 * run ended with no success after such a failure. Requests left in a
	 * backlog at the end (failed_unsent at the stop) are the generator's
	 * schedule, not an answer of the server: they do not count here.
	 */
	uint64_t poison_recover_ns;
	/* Every latency of a succeeded request. */
	struct hist latency;
	/* A uniform random sample of those latencies, in nanoseconds (reservoir sampling). */
	uint32_t n_reservoir;
	uint64_t reservoir[LOADGEN_RESERVOIR];
	uint32_t n_slices;
	struct loadgen_slice slices[LOADGEN_SLICES_MAX];
};

/*
 * Loads the server at cfg->port until a bound is reached, filling *out
 * (zeroed first). Returns 0, or -errno when the generator itself cannot
 * work (no epoll, no descriptors for even one connection: -EMFILE), or
 * -EINVAL for a bad configuration. Failures of the server are counted,
 * never returned.
 */
int loadgen_run(const struct loadgen_cfg *cfg, struct loadgen_result *out);

/*
 * The descriptors loadgen_run() opens at most with this many connections,
 * beyond those the process holds already (for limit_need_fds()).
 */
uint64_t loadgen_needs_fds(int connections);

#endif
