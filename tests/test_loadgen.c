// SPDX-License-Identifier: MIT
/*
 * loadgen against a tiny HTTP server of the test's own (one thread with its
 * own epoll; not core/httpd, so that a bug there cannot pass for one here).
 * The server answers every complete request head with a fixed 200, or with
 * 500, or closes in the middle of the response, or never answers; it can
 * stall once, and it closes the connection a GET /poison arrives on.
 *
 * Every run checks the accounting (sent == succeeded + failed, failed is
 * the sum of its causes, the timeline, histogram and reservoir agree with
 * the counts). Times are asserted only as lower bounds, or as upper bounds
 * seconds above the expected, so that a slow machine still passes; that
 * nothing spins is asserted by the thread's CPU time against its wall time.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/hist.h"
#include "core/loadgen.h"
#include "suites.h"

#define MS 1000000ull
#define SRV_FDS 1024 /* the server keeps connections whose descriptor is below */
#define IDLE_CLOSE_MS 5

enum srv_mode {
	SRV_OK,		 /* 200 with a body */
	SRV_500,	 /* 500, keep-alive */
	SRV_CLOSE_MID,	 /* part of a 200, then close */
	SRV_SILENT,	 /* reads, never answers */
	SRV_QUIET_CLOSE, /* 200 without "Connection: close", then close */
	SRV_GARBAGE,	 /* not HTTP */
	SRV_HUGE,	 /* a 200 whose body is larger than any the generator takes */
	SRV_IDLE_CLOSE,	 /* 200, keep-alive, but closes a connection idle for IDLE_CLOSE_MS */
};

struct srv_conn {
	int fd;
	uint64_t idle_since_ns;
	size_t len;
	char buf[4096];
};

struct srv {
	int lfd, epfd, stopfd;
	uint16_t port;
	enum srv_mode mode;
	uint64_t stall_after; /* > 0: this request (1-based) waits stall_ms before its answer */
	unsigned stall_ms;
	/* Written by the server thread only; read after srv_stop(). */
	uint64_t requests, poisons;
	bool stalled;
	struct srv_conn *conns[SRV_FDS];
	pthread_t thread;
};

static const char resp_200[] = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nptlab: hello\n";
static const char resp_200_close[] = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n"
				     "Connection: close\r\n\r\nptlab: hello\n";
static const char resp_500[] = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n";
static const char resp_garbage[] = "SSH-2.0-OpenSSH\r\n\r\n";
static const char resp_huge[] = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"
				"0123456789012345678901234567890123456789012345678901234567890123";

static struct loadgen_result res; /* large: kept off the stack */

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Writes all of buf; the responses are tiny, so waiting for room is rare and short. */
static int srv_write(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };
			if (poll(&p, 1, 1000) <= 0)
				return -1;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void srv_drop(struct srv *s, struct srv_conn *c)
{
	s->conns[c->fd] = NULL;
	close(c->fd);
	free(c);
}

/* Answers the request head buf[0..head); false: close the connection. */
static bool srv_answer(struct srv *s, struct srv_conn *c, size_t head)
{
	bool close_after = memmem(c->buf, head, "Connection: close", 17) != NULL;
	if (memmem(c->buf, head, "/poison", 7)) {
		s->poisons++;
		return false;
	}
	s->requests++;
	if (s->stall_ms && s->requests == s->stall_after) {
		s->stalled = true;
		sleep_ms(s->stall_ms);
	}
	switch (s->mode) {
	case SRV_SILENT:
		return true;
	case SRV_CLOSE_MID:
		srv_write(c->fd, resp_200, 20);
		return false;
	case SRV_500:
		return srv_write(c->fd, resp_500, sizeof(resp_500) - 1) == 0 && !close_after;
	case SRV_QUIET_CLOSE:
		srv_write(c->fd, resp_200, sizeof(resp_200) - 1);
		return false;
	case SRV_GARBAGE:
		srv_write(c->fd, resp_garbage, sizeof(resp_garbage) - 1);
		return false;
	case SRV_HUGE:
		srv_write(c->fd, resp_huge, sizeof(resp_huge) - 1);
		for (int i = 0; i < 64; i++) /* 4 KiB more: past any buffer */
			srv_write(c->fd, resp_huge + sizeof(resp_huge) - 65, 64);
		return true;
	case SRV_OK:
	case SRV_IDLE_CLOSE:
		break;
	}
	if (close_after) {
		srv_write(c->fd, resp_200_close, sizeof(resp_200_close) - 1);
		return false;
	}
	c->idle_since_ns = clock_now_ns();
	return srv_write(c->fd, resp_200, sizeof(resp_200) - 1) == 0;
}

static void srv_input(struct srv *s, struct srv_conn *c)
{
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		srv_drop(s, c);
		return;
	}
	c->len += (size_t)n;
	const char *end;
	while ((end = memmem(c->buf, c->len, "\r\n\r\n", 4))) {
		size_t head = (size_t)(end + 4 - c->buf);
		if (!srv_answer(s, c, head)) {
			srv_drop(s, c);
			return;
		}
		memmove(c->buf, c->buf + head, c->len - head);
		c->len -= head;
	}
	if (c->len == sizeof(c->buf))
		srv_drop(s, c);
}

static void srv_accept(struct srv *s)
{
	int fd;
	while ((fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct srv_conn *c = fd < SRV_FDS ? calloc(1, sizeof(*c)) : NULL;
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
		if (!c || epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->idle_since_ns = clock_now_ns();
		s->conns[fd] = c;
	}
}

static void *srv_main(void *arg)
{
	struct srv *s = arg;
	struct epoll_event ev[64];
	for (;;) {
		int n = epoll_wait(s->epfd, ev, 64, s->mode == SRV_IDLE_CLOSE ? 1 : -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NULL;
		for (int fd = 0; s->mode == SRV_IDLE_CLOSE && fd < SRV_FDS; fd++) {
			struct srv_conn *c = s->conns[fd];
			if (c && c->len == 0 &&
			    clock_now_ns() - c->idle_since_ns >= IDLE_CLOSE_MS * MS)
				srv_drop(s, c);
		}
		for (int i = 0; i < n; i++) {
			if (ev[i].data.ptr == &s->stopfd)
				return NULL;
			if (ev[i].data.ptr == &s->lfd)
				srv_accept(s);
			else
				srv_input(s, ev[i].data.ptr);
		}
	}
}

/* A socket bound to a free port of 127.0.0.1; *port gets the port. */
static int bound_socket(uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static void srv_start(struct srv *s, enum srv_mode mode)
{
	memset(s, 0, sizeof(*s));
	s->mode = mode;
	s->lfd = bound_socket(&s->port);
	ck_assert_int_eq(listen(s->lfd, 1024), 0);
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->stopfd = eventfd(0, EFD_CLOEXEC);
	ck_assert_int_ge(s->epfd, 0);
	ck_assert_int_ge(s->stopfd, 0);
	struct epoll_event l = { .events = EPOLLIN, .data.ptr = &s->lfd };
	struct epoll_event st = { .events = EPOLLIN, .data.ptr = &s->stopfd };
	ck_assert_int_eq(epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lfd, &l), 0);
	ck_assert_int_eq(epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->stopfd, &st), 0);
	ck_assert_int_eq(pthread_create(&s->thread, NULL, srv_main, s), 0);
}

static void srv_stop(struct srv *s)
{
	uint64_t one = 1;
	ck_assert_int_eq(write(s->stopfd, &one, sizeof(one)), (ssize_t)sizeof(one));
	ck_assert_int_eq(pthread_join(s->thread, NULL), 0);
	for (int fd = 0; fd < SRV_FDS; fd++)
		if (s->conns[fd])
			srv_drop(s, s->conns[fd]);
	close(s->stopfd);
	close(s->epfd);
	close(s->lfd);
}

static struct loadgen_cfg base_cfg(uint16_t port)
{
	return (struct loadgen_cfg){
		.port = port,
		.connections = 4,
		.timeout_ns = 2000 * MS,
		.slice_ns = 10 * MS,
		.seed = 42,
	};
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* What must hold after any run, whatever the server did. */
static void check_accounting(const struct loadgen_result *r)
{
	uint64_t ok = 0, bad = 0;
	ck_assert_uint_eq(r->sent, r->succeeded + r->failed);
	ck_assert_uint_eq(r->failed, r->failed_connect + r->failed_closed + r->failed_timeout +
					     r->failed_status + r->failed_unsent);
	ck_assert_uint_eq(r->latency.count, r->succeeded);
	ck_assert_uint_ge(r->n_slices, 1);
	ck_assert_uint_le(r->n_slices, LOADGEN_SLICES_MAX);
	for (uint32_t i = 0; i < LOADGEN_SLICES_MAX; i++) {
		if (i >= r->n_slices) {
			ck_assert_uint_eq(r->slices[i].succeeded + r->slices[i].failed, 0);
			continue;
		}
		ok += r->slices[i].succeeded;
		bad += r->slices[i].failed;
	}
	ck_assert_uint_eq(ok, r->succeeded);
	ck_assert_uint_eq(bad, r->failed);
	ck_assert_uint_eq(r->n_reservoir,
			  r->succeeded < LOADGEN_RESERVOIR ? r->succeeded : LOADGEN_RESERVOIR);
	for (uint32_t i = 0; i < r->n_reservoir; i++) {
		ck_assert_uint_ge(r->reservoir[i], r->latency.min_ns);
		ck_assert_uint_le(r->reservoir[i], r->latency.max_ns);
	}
	if (!r->poison_sent)
		ck_assert(!r->recovered && r->poison_gap_ns == 0 && r->poison_sent_ns == 0 &&
			  r->poison_recover_ns == UINT64_MAX);
}

/* Runs cfg against whatever listens on cfg->port; checks the accounting. */
static void run_ok(const struct loadgen_cfg *cfg)
{
	int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	ck_assert_int_eq(loadgen_run(cfg, &res), 0);
	ck_assert_int_eq(prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), slack); /* put back */
	check_accounting(&res);
}

START_TEST(test_closed_keepalive)
{
	struct srv s;
	srv_start(&s, SRV_OK);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.max_requests = 500;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert_uint_eq(res.sent, 500);
	ck_assert_uint_eq(res.succeeded, 500);
	ck_assert_uint_eq(res.failed, 0);
	ck_assert_uint_eq(res.latency.count, 500);
	ck_assert_uint_eq(res.n_reservoir, 500 < LOADGEN_RESERVOIR ? 500 : LOADGEN_RESERVOIR);
	ck_assert_uint_eq(res.connects, (uint64_t)cfg.connections); /* kept alive throughout */
	ck_assert_uint_eq(s.requests, 500);
	ck_assert(!res.poison_sent);
}
END_TEST

START_TEST(test_closed_work_path)
{
	struct srv s;
	srv_start(&s, SRV_OK);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.max_requests = 20;
	cfg.work_us = 5;
	cfg.connections = 1;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert_uint_eq(res.succeeded, 20);
}
END_TEST

START_TEST(test_closed_duration)
{
	struct srv s;
	srv_start(&s, SRV_OK);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.duration_ns = 200 * MS;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert_uint_ge(res.elapsed_ns, cfg.duration_ns);
	ck_assert_uint_lt(res.elapsed_ns, cfg.duration_ns + 5000 * MS);
	ck_assert_uint_gt(res.succeeded, 0);
	ck_assert_uint_eq(res.failed, 0);
	ck_assert_uint_ge(res.n_slices, cfg.duration_ns / cfg.slice_ns);
}
END_TEST

/* More successes than the reservoir holds: it is full, of latencies really seen. */
START_TEST(test_reservoir_full)
{
	struct srv s;
	srv_start(&s, SRV_OK);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.max_requests = 3 * LOADGEN_RESERVOIR;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert_uint_eq(res.succeeded, cfg.max_requests);
	ck_assert_uint_eq(res.n_reservoir, LOADGEN_RESERVOIR);
}
END_TEST

START_TEST(test_churn)
{
	struct srv s;
	srv_start(&s, SRV_OK);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.max_requests = 300;
	cfg.churn = true;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert_uint_eq(res.sent, 300);
	ck_assert_uint_eq(res.succeeded, 300);
	ck_assert_uint_ge(res.connects, 300);
	ck_assert_uint_eq(s.requests, 300);
}
END_TEST

/* Nothing listens on a port bound without listen: every connect is refused, with backoff. */
START_TEST(test_no_server_closed_loop)
{
	uint16_t port;
	int fd = bound_socket(&port);
	struct loadgen_cfg cfg = base_cfg(port);
	cfg.connections = 2;
	cfg.duration_ns = 100 * MS;
	uint64_t cpu0 = thread_cpu_ns();
	run_ok(&cfg);
	uint64_t cpu = thread_cpu_ns() - cpu0;
	close(fd);
	ck_assert_uint_gt(res.sent, 0);
	ck_assert_uint_eq(res.failed, res.sent);
	ck_assert_uint_eq(res.failed_connect, res.sent);
	ck_assert_uint_eq(res.connects, 0);
	ck_assert_uint_ge(res.elapsed_ns, cfg.duration_ns);
	ck_assert_uint_lt(res.elapsed_ns, cfg.duration_ns + 5000 * MS);
	/* At most one attempt per connection per backoff: a dead server is not hammered. */
	ck_assert_uint_le(res.sent,
			  (uint64_t)cfg.connections * (res.elapsed_ns / LOADGEN_BACKOFF_NS + 1));
	ck_assert_uint_lt(cpu, res.elapsed_ns / 2);
}
END_TEST

/* Fixed rate to a dead server: each due request tries its connect, and fails. */
START_TEST(test_no_server_fixed_rate)
{
	uint16_t port;
	int fd = bound_socket(&port);
	struct loadgen_cfg cfg = base_cfg(port);
	cfg.rate_per_s = 1000;
	cfg.duration_ns = 100 * MS;
	uint64_t cpu0 = thread_cpu_ns();
	run_ok(&cfg);
	uint64_t cpu = thread_cpu_ns() - cpu0;
	close(fd);
	ck_assert_uint_eq(res.sent, 100);
	ck_assert_uint_eq(res.failed, 100);
	ck_assert_uint_gt(res.failed_connect, 0);
	ck_assert_uint_eq(res.failed_connect + res.failed_unsent, 100);
	ck_assert_uint_lt(res.elapsed_ns, cfg.duration_ns + 5000 * MS);
	ck_assert_uint_lt(cpu, res.elapsed_ns / 2);
}
END_TEST

START_TEST(test_status_500)
{
	struct srv s;
	srv_start(&s, SRV_500);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.max_requests = 50;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert_uint_eq(res.sent, 50);
	ck_assert_uint_eq(res.failed_status, 50);
	ck_assert_uint_eq(res.succeeded, 0);
	ck_assert_uint_eq(res.latency.count, 0);
}
END_TEST

START_TEST(test_closed_mid_response)
{
	struct srv s;
	srv_start(&s, SRV_CLOSE_MID);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.max_requests = 50;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert_uint_eq(res.sent, 50);
	ck_assert_uint_eq(res.failed_closed, 50);
	ck_assert_uint_ge(res.connects, 50); /* each failure costs its connection */
}
END_TEST

/* A server that never answers: requests time out, and the generator sleeps meanwhile. */
START_TEST(test_timeout)
{
	struct srv s;
	srv_start(&s, SRV_SILENT);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.connections = 2;
	cfg.max_requests = 6;
	cfg.timeout_ns = 50 * MS;
	uint64_t cpu0 = thread_cpu_ns();
	run_ok(&cfg);
	uint64_t cpu = thread_cpu_ns() - cpu0;
	srv_stop(&s);
	ck_assert_uint_eq(res.sent, 6);
	ck_assert_uint_eq(res.failed_timeout, 6);
	ck_assert_uint_ge(res.elapsed_ns, 3 * cfg.timeout_ns); /* three rounds of two */
	ck_assert_uint_lt(cpu, res.elapsed_ns / 2);
}
END_TEST

/*
 * Still in flight when the time is up, with a timeout longer than the
 * drain: the drain waits LOADGEN_DRAIN_NS, not the timeout, then they fail.
 */
START_TEST(test_drain)
{
	struct srv s;
	srv_start(&s, SRV_SILENT);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.connections = 3;
	cfg.duration_ns = 20 * MS;
	cfg.timeout_ns = 10 * LOADGEN_DRAIN_NS;
	cfg.slice_ns = MS / 10; /* the drain ends far past the last slice */
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert_uint_eq(res.sent, 3);
	ck_assert_uint_eq(res.failed_timeout, 3);
	ck_assert_uint_ge(res.elapsed_ns, cfg.duration_ns + LOADGEN_DRAIN_NS);
	ck_assert_uint_lt(res.elapsed_ns, cfg.timeout_ns);
	ck_assert_uint_eq(res.n_slices, LOADGEN_SLICES_MAX);
	ck_assert_uint_eq(res.slices[LOADGEN_SLICES_MAX - 1].failed, 3);
}
END_TEST

/* Responses that are not HTTP, or too long to take: failed_status. */
START_TEST(test_malformed)
{
	static const enum srv_mode modes[] = { SRV_GARBAGE, SRV_HUGE };
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct srv s;
		srv_start(&s, modes[i]);
		struct loadgen_cfg cfg = base_cfg(s.port);
		cfg.max_requests = 20;
		run_ok(&cfg);
		srv_stop(&s);
		ck_assert_uint_eq(res.failed_status, 20);
	}
}
END_TEST

/*
 * A server that closes after each answer without saying so: at a low fixed
 * rate the close is seen long before the next request is due, so every
 * request gets a connection of its own and succeeds.
 */
START_TEST(test_server_closes_idle)
{
	struct srv s;
	srv_start(&s, SRV_QUIET_CLOSE);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.rate_per_s = 500;
	cfg.duration_ns = 100 * MS;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert_uint_eq(res.sent, 50);
	ck_assert_uint_eq(res.succeeded, 50);
	ck_assert_uint_eq(res.connects, 50);
}
END_TEST

/*
 * Fixed rate to a server that never answers: each connection's first
 * request holds it past the end, so the rest of its share is never sent.
 */
START_TEST(test_fixed_rate_unsent)
{
	struct srv s;
	srv_start(&s, SRV_SILENT);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.connections = 2;
	cfg.rate_per_s = 1000;
	cfg.duration_ns = 100 * MS;
	cfg.timeout_ns = 200 * MS;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert_uint_eq(res.sent, 100);
	ck_assert_uint_eq(res.failed, 100);
	ck_assert_uint_ge(res.failed_unsent, 1);
	ck_assert_uint_eq(res.failed_unsent + res.failed_timeout, 100);
}
END_TEST

/*
 * A poison the server never answers holds connection 0 past the deadlines
 * of the requests due behind it: they fail as timed out without being
 * sent, and everything still adds up.
 */
START_TEST(test_poison_stuck)
{
	struct srv s;
	srv_start(&s, SRV_SILENT);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.connections = 2;
	cfg.rate_per_s = 1000;
	cfg.duration_ns = 120 * MS;
	cfg.timeout_ns = 30 * MS;
	cfg.poison_at_ns = 10 * MS;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert(res.poison_sent);
	ck_assert(!res.recovered);
	ck_assert_uint_eq(res.sent, 120);
	ck_assert_uint_eq(res.failed, 120);
	ck_assert_uint_eq(res.poison_gap_ns, res.elapsed_ns - res.poison_sent_ns);
	ck_assert_uint_eq(res.poison_recover_ns, UINT64_MAX); /* never succeeded again */
}
END_TEST

/* Latencies at least `from` ns long, from the histogram's buckets. */
static uint64_t hist_count_from(const struct hist *h, uint64_t from)
{
	uint64_t n = 0;
	for (size_t b = hist_bucket(from); b < HIST_BUCKETS; b++)
		n += h->buckets[b];
	return n;
}

/*
 * A server that closes keep-alive connections idle for a few milliseconds
 * (a keep-alive timeout): the generator sees the close while idle and
 * opens a new connection for the next request, due long after.
 */
START_TEST(test_server_idle_timeout)
{
	struct srv s;
	srv_start(&s, SRV_IDLE_CLOSE);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.connections = 1;
	cfg.rate_per_s = 20; /* 50 ms apart: ten times the server's idle limit */
	cfg.duration_ns = 200 * MS;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert_uint_eq(res.sent, 4);
	ck_assert_uint_ge(res.succeeded, 3);
	ck_assert_uint_ge(res.connects, 3);
}
END_TEST

/*
 * A 100 ms stall at 2000 requests/s: the requests due during the stall carry
 * it. Without the correction only the few in flight at its start (one per
 * connection) would be slow; with it, those due in its first half, about
 * a hundred, all wait at least 50 ms.
 */
START_TEST(test_fixed_rate_stall)
{
	struct srv s;
	srv_start(&s, SRV_OK);
	s.stall_after = 100;
	s.stall_ms = 100;
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.rate_per_s = 2000;
	cfg.duration_ns = 300 * MS;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert(s.stalled);
	ck_assert_uint_ge(res.sent, 300);
	ck_assert_uint_le(res.sent, 900);
	/* Due times are computed, not counted: sent is exactly rate * duration. */
	ck_assert_uint_eq(res.sent, 600);
	ck_assert_uint_ge(res.succeeded, res.sent / 2);
	ck_assert_uint_ge(res.latency.max_ns, 100 * MS);
	ck_assert_uint_ge(hist_count_from(&res.latency, 55 * MS), 4 * (uint64_t)cfg.connections);
}
END_TEST

/* The poison goes out on connection 0, is counted apart, and the load recovers. */
START_TEST(test_poison_fixed_rate)
{
	struct srv s;
	srv_start(&s, SRV_OK);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.rate_per_s = 1000;
	cfg.duration_ns = 300 * MS;
	cfg.poison_at_ns = 100 * MS;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert_uint_eq(s.poisons, 1);
	ck_assert(res.poison_sent);
	ck_assert_uint_ge(res.poison_sent_ns, cfg.poison_at_ns);
	ck_assert_uint_eq(res.sent, 300); /* the poison is not among them */
	ck_assert_uint_eq(s.requests, res.succeeded);
	ck_assert(res.recovered);
	ck_assert_uint_gt(res.poison_gap_ns, 0);
	ck_assert_uint_le(res.poison_gap_ns, res.elapsed_ns - res.poison_sent_ns);
	ck_assert_uint_le(res.poison_recover_ns, res.elapsed_ns - res.poison_sent_ns);
	ck_assert_uint_ge(res.connects, (uint64_t)cfg.connections + 1); /* connection 0 again */
}
END_TEST

START_TEST(test_poison_closed_loop)
{
	struct srv s;
	srv_start(&s, SRV_OK);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.max_requests = 200;
	cfg.poison_at_ns = 1;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert(res.poison_sent);
	ck_assert_uint_eq(s.poisons, 1);
	ck_assert_uint_eq(res.sent, 200);
	ck_assert_uint_eq(res.succeeded, 200);
	ck_assert(res.recovered);
}
END_TEST

/* A poison time past the end: never sent, nothing about it reported. */
START_TEST(test_poison_too_late)
{
	struct srv s;
	srv_start(&s, SRV_OK);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.max_requests = 50;
	cfg.poison_at_ns = 3600000 * MS;
	run_ok(&cfg);
	srv_stop(&s);
	ck_assert(!res.poison_sent);
	ck_assert_uint_eq(s.poisons, 0);
}
END_TEST

START_TEST(test_bad_config)
{
	struct loadgen_cfg good = base_cfg(8080);
	good.max_requests = 1;
	struct loadgen_cfg c;
	c = good, c.connections = 0;
	ck_assert_int_eq(loadgen_run(&c, &res), -EINVAL);
	c = good, c.connections = LOADGEN_CONNECTIONS_MAX + 1;
	ck_assert_int_eq(loadgen_run(&c, &res), -EINVAL);
	c = good, c.slice_ns = 0;
	ck_assert_int_eq(loadgen_run(&c, &res), -EINVAL);
	c = good, c.max_requests = 0, c.duration_ns = 0;
	ck_assert_int_eq(loadgen_run(&c, &res), -EINVAL);
	c = good, c.timeout_ns = 0;
	ck_assert_int_eq(loadgen_run(&c, &res), -EINVAL);
	c = good, c.port = 0;
	ck_assert_int_eq(loadgen_run(&c, &res), -EINVAL);
	c = good, c.duration_ns = UINT64_MAX;
	ck_assert_int_eq(loadgen_run(&c, &res), -EINVAL);
	ck_assert_int_eq(loadgen_run(NULL, &res), -EINVAL);
	ck_assert_int_eq(loadgen_run(&good, NULL), -EINVAL);
}
END_TEST

/* With room for the epoll descriptor but no socket, the generator cannot work at all. */
START_TEST(test_no_descriptors)
{
	uint16_t port;
	int fd = bound_socket(&port);
	struct rlimit old, low;
	int lowest = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(lowest, 0);
	close(lowest);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)lowest + 1; /* epoll takes the last one */
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	struct loadgen_cfg cfg = base_cfg(port);
	cfg.max_requests = 10;
	int err = loadgen_run(&cfg, &res);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	close(fd);
	ck_assert_int_eq(err, -EMFILE);
}
END_TEST

/*
 * The generator's own lack is no failure of the server: in a child with
 * room for its epoll set, a timerfd and two sockets, eight connections
 * against a server that answers everything (in the parent, with every
 * descriptor it likes) make the requests they can; the others are counted
 * apart as EMFILE of a descriptor, never sent, and none fails. Closed loop
 * with keep-alive, with churn, and at a fixed rate.
 */
START_TEST(test_own_failures_apart)
{
	struct srv s;
	srv_start(&s, SRV_OK);
	struct loadgen_result *r =
		mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(r, MAP_FAILED);
	struct loadgen_cfg cfg = base_cfg(s.port);
	cfg.connections = 8;
	cfg.max_requests = 200;
	cfg.churn = _i == 1;
	cfg.rate_per_s = _i == 2 ? 4000 : 0;
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit low;
		int lowest = open("/dev/null", O_RDONLY | O_CLOEXEC);
		close(lowest);
		getrlimit(RLIMIT_NOFILE, &low);
		low.rlim_cur = (rlim_t)lowest + 4;
		if (lowest < 0 || setrlimit(RLIMIT_NOFILE, &low) != 0)
			_exit(100);
		_exit(-loadgen_run(&cfg, r));
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	srv_stop(&s);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the generator ended %d",
		      status);
	check_accounting(r);
	ck_assert_uint_gt(r->own_failures, 0);
	ck_assert_int_eq(r->own_err, -EMFILE);
	ck_assert_int_eq(r->own_op, LIMIT_FD);
	ck_assert_uint_eq(r->failed, 0);
	ck_assert_uint_gt(r->succeeded, 0);
	/* Every request the bound allows was begun: made, or counted as not made. */
	ck_assert_uint_eq(r->sent + r->own_failures, cfg.max_requests);
	munmap(r, sizeof(*r));
}
END_TEST

Suite *loadgen_suite(void)
{
	Suite *s = suite_create("loadgen");
	TCase *tc = tcase_create("loadgen");
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_closed_keepalive);
	tcase_add_test(tc, test_closed_work_path);
	tcase_add_test(tc, test_closed_duration);
	tcase_add_test(tc, test_reservoir_full);
	tcase_add_test(tc, test_churn);
	tcase_add_test(tc, test_no_server_closed_loop);
	tcase_add_test(tc, test_no_server_fixed_rate);
	tcase_add_test(tc, test_status_500);
	tcase_add_test(tc, test_closed_mid_response);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_drain);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_server_closes_idle);
	tcase_add_test(tc, test_server_idle_timeout);
	tcase_add_test(tc, test_fixed_rate_stall);
	tcase_add_test(tc, test_fixed_rate_unsent);
	tcase_add_test(tc, test_poison_stuck);
	tcase_add_test(tc, test_poison_fixed_rate);
	tcase_add_test(tc, test_poison_closed_loop);
	tcase_add_test(tc, test_poison_too_late);
	tcase_add_test(tc, test_bad_config);
	tcase_add_test(tc, test_no_descriptors);
	tcase_add_loop_test(tc, test_own_failures_apart, 0, 3);
	suite_add_tcase(s, tc);
	return s;
}
