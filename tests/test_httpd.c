// SPDX-License-Identifier: MIT
/*
 * Tests for core/httpd: every model, started armed with two workers and
 * shared stats, is driven by a small blocking client on plain sockets. It
 * must answer GET / and GET /work, pipelined requests in order, a
 * malformed request with 400 and a close, and a request sent one byte at
 * a time, while an idle connection that sits mid-request does not stop
 * another from being served. The poison ends the whole server by SIGSEGV
 * where the model shares fate (the threads and the event loop) and only
 * its handler elsewhere: the server keeps serving, counts the death, and
 * prefork refills its pool. After httpd_stop() nothing is left: no child
 * of the test, none of the server's processes, and the port refuses.
 * Every process of the server ignores SIGPIPE and may dump no core.
 * Every wait is bounded; no time is asserted.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/http.h"
#include "core/httpd.h"
#include "core/limit.h"
#include "suites.h"

#define WORKERS 2
#define CLIENT_WAIT_S 5		    /* a client read gives up after this long */
#define EVENT_WAIT_NS 5000000000ull /* the longest wait for a death, a restart */
#define PIDS_MAX 64

#define GET(path) "GET " path " HTTP/1.1\r\nHost: ptlab\r\n\r\n"
#define GET_CLOSE(path) "GET " path " HTTP/1.1\r\nHost: ptlab\r\nConnection: close\r\n\r\n"

/* A blocking client; buf keeps bytes past the last response read. */
struct client {
	int fd;
	size_t len;
	char buf[4096];
	char body[HTTP_RESPONSE_MAX + 1]; /* the last response's body, NUL-terminated */
	bool close;			  /* the last response said Connection: close */
};

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Connects to 127.0.0.1:port. Returns the socket or -errno. */
static int dial(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval wait = { .tv_sec = CLIENT_WAIT_S };
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof(wait));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof(wait));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static void client_open(struct client *c, uint16_t port)
{
	memset(c, 0, sizeof(*c));
	c->fd = dial(port);
	ck_assert_int_ge(c->fd, 0);
}

/* Sends s in one write. */
static void client_send(struct client *c, const char *s)
{
	size_t len = strlen(s);
	ck_assert_int_eq(send(c->fd, s, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* Sends s one byte at a time, with a short pause after each. */
static void client_trickle(struct client *c, const char *s)
{
	for (; *s; s++) {
		ck_assert_int_eq(send(c->fd, s, 1, MSG_NOSIGNAL), 1);
		pause_ms(1);
	}
}

/*
 * Reads the next whole response. Returns its status (body in c->body), 0
 * when the server closed first, or -errno (-EAGAIN: nothing within
 * CLIENT_WAIT_S; -EPROTO: not a response).
 */
static int client_read(struct client *c)
{
	struct http_response r;
	for (;;) {
		int p = http_response_parse(c->buf, c->len, &r);
		if (p < 0)
			return p;
		if (p == 1)
			break;
		if (c->len == sizeof(c->buf))
			return -ENOBUFS;
		ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? 0 : -errno;
		c->len += (size_t)n;
	}
	ck_assert_uint_le(r.body_length, HTTP_RESPONSE_MAX);
	memcpy(c->body, c->buf + r.length - r.body_length, r.body_length);
	c->body[r.body_length] = '\0';
	c->close = r.close;
	c->len -= r.length;
	memmove(c->buf, c->buf + r.length, c->len);
	return r.status;
}

/* The server closed the connection: nothing more comes, end of file (or a reset when allowed). */
static void client_expect_closed(struct client *c, bool reset_ok)
{
	char byte;
	ck_assert_uint_eq(c->len, 0);
	ssize_t n = recv(c->fd, &byte, 1, 0);
	int err = errno;
	ck_assert_msg(n == 0 || (reset_ok && n < 0 && err == ECONNRESET),
		      "recv gave %zd (%s), not end of file", n, strerror(err));
}

static void client_close(struct client *c)
{
	close(c->fd);
	c->fd = -1;
}

static struct httpd_stats *stats_map(void)
{
	struct httpd_stats *st =
		mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(st, MAP_FAILED);
	return st;
}

static uint64_t stat_get(_Atomic uint64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

static void start(struct httpd *h, enum httpd_model m, bool armed, struct httpd_stats *st)
{
	struct httpd_cfg cfg = { .model = m, .workers = WORKERS, .armed = armed, .stats = st };
	int err = httpd_start(h, &cfg);
	ck_assert_msg(err == 0, "%s: httpd_start: %s", httpd_model_name(m), strerror(-err));
	ck_assert(h->running);
	ck_assert_int_eq(h->model, m);
	ck_assert_int_gt(h->port, 0);
}

/* How many processes the server has: 1, plus the prefork pool. */
static size_t expected_pids(enum httpd_model m)
{
	return m == HTTPD_PREFORK ? 1 + WORKERS : 1;
}

/* Waits, bounded, until the server's process count is n. */
static bool wait_pids(const struct httpd *h, size_t n)
{
	pid_t pids[PIDS_MAX];
	for (uint64_t limit = clock_now_ns() + EVENT_WAIT_NS; clock_now_ns() < limit; pause_ms(1))
		if (httpd_pids(h, pids, PIDS_MAX) == n)
			return true;
	return false;
}

/* Waits, bounded, until *v reaches at least want. */
static bool wait_stat(_Atomic uint64_t *v, uint64_t want)
{
	for (uint64_t limit = clock_now_ns() + EVENT_WAIT_NS; clock_now_ns() < limit; pause_ms(1))
		if (stat_get(v) >= want)
			return true;
	return false;
}

/* No child of this process is left, not even a zombie. */
static void assert_no_children(void)
{
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

/* The line of /proc/PID/file that starts with key, into line. Returns whether there is one. */
static bool proc_line(pid_t pid, const char *file, const char *key, char *line, size_t cap)
{
	char path[64];
	bool found = false;
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, (int)cap, f))
		found = strncmp(line, key, strlen(key)) == 0;
	fclose(f);
	return found;
}

/*
 * Waits, bounded, until pid ignores SIGPIPE: a connection process just
 * forked may not have set its signals up yet.
 */
static bool wait_sigpipe_ignored(pid_t pid)
{
	char line[256];
	unsigned long long ignored;
	for (uint64_t limit = clock_now_ns() + EVENT_WAIT_NS; clock_now_ns() < limit; pause_ms(1))
		if (proc_line(pid, "status", "SigIgn:", line, sizeof(line)) &&
		    sscanf(line, "SigIgn: %llx", &ignored) == 1 &&
		    (ignored & (1ull << (SIGPIPE - 1))))
			return true;
	return false;
}

/*
 * Stops the server and checks that nothing is left: a running server
 * ends cleanly (exit 0 or SIGTERM), no child of ours remains, every
 * process the server had is gone, and its port refuses connections.
 */
static void stop_clean(struct httpd *h)
{
	pid_t pids[PIDS_MAX];
	size_t n = httpd_pids(h, pids, PIDS_MAX);
	bool was_running = h->running;
	struct unit_end end = { .code = -2 };
	ck_assert_int_eq(httpd_stop(h, &end), 0);
	ck_assert(!h->running);
	if (was_running)
		ck_assert_msg((!end.signalled && end.code == 0) ||
				      (end.signalled && end.signal == SIGTERM),
			      "%s ended with code %d, signal %d", httpd_model_name(h->model),
			      end.code, end.signal);
	assert_no_children();
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(kill(pids[i], 0) != 0 && errno == ESRCH, "pid %d is left",
			      (int)pids[i]);
	ck_assert_int_eq(httpd_pids(h, pids, PIDS_MAX), 0);
	ck_assert_int_eq(dial(h->port), -ECONNREFUSED);
}

START_TEST(test_serves_in_order)
{
	enum httpd_model m = (enum httpd_model)_i;
	struct httpd_stats *st = stats_map();
	struct httpd h;
	struct client c, idle;
	pid_t pids[PIDS_MAX];
	start(&h, m, true, st);
	ck_assert_uint_eq(httpd_pids(&h, pids, PIDS_MAX), expected_pids(m));
	ck_assert_int_eq(pids[0], h.pid);

	client_open(&c, h.port);
	client_send(&c, GET("/"));
	ck_assert_int_eq(client_read(&c), 200);
	ck_assert_str_eq(c.body, HTTP_BODY);
	ck_assert(!c.close);
	client_send(&c, GET("/work?us=100"));
	ck_assert_int_eq(client_read(&c), 200);

	/* Three requests in one write, three answers. */
	client_send(&c, GET("/") GET("/work?us=10") GET("/"));
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(client_read(&c), 200);
		ck_assert_str_eq(c.body, HTTP_BODY);
	}
	/* In order: the 404 comes second, the closing reply last, then the close. */
	client_send(&c, GET("/") GET("/no-such-page") GET_CLOSE("/"));
	ck_assert_int_eq(client_read(&c), 200);
	ck_assert_int_eq(client_read(&c), 404);
	ck_assert_int_eq(client_read(&c), 200);
	ck_assert(c.close);
	client_expect_closed(&c, false);
	client_close(&c);
	ck_assert_uint_eq(stat_get(&st->connections), 1);
	ck_assert_uint_eq(stat_get(&st->requests), 8);
	ck_assert_uint_eq(stat_get(&st->handler_deaths), 0);
	ck_assert_uint_eq(stat_get(&st->restarts), 0);

	/* A connection still open mid-request does not keep the server from stopping. */
	client_open(&idle, h.port);
	client_send(&idle, "GET / HT");
	stop_clean(&h);
	client_close(&idle);
	munmap(st, sizeof(*st));
}
END_TEST

START_TEST(test_malformed_closes)
{
	enum httpd_model m = (enum httpd_model)_i;
	struct httpd h;
	struct client c;
	start(&h, m, true, NULL);
	client_open(&c, h.port);
	client_send(&c, "GET / HTTP/1.1\r\nHost: ptlab\r\n\r\n"
			"GET nowhere\r\n\r\n");
	ck_assert_int_eq(client_read(&c), 200);
	ck_assert_int_eq(client_read(&c), 400);
	client_expect_closed(&c, false);
	client_close(&c);
	stop_clean(&h);
}
END_TEST

START_TEST(test_slow_client)
{
	enum httpd_model m = (enum httpd_model)_i;
	struct httpd_stats *st = stats_map();
	struct httpd h;
	struct client slow, other;
	start(&h, m, true, st);

	/* One connection sits mid-request, holding a worker where there are workers... */
	client_open(&slow, h.port);
	client_trickle(&slow, "GET /work?us=10 HTTP/1.1\r\nHost: ptlab\r\n");
	/* ...and another is served meanwhile. */
	client_open(&other, h.port);
	client_send(&other, GET_CLOSE("/"));
	ck_assert_int_eq(client_read(&other), 200);
	client_expect_closed(&other, false);
	client_close(&other);
	/* The slow request, finished a byte at a time, is answered. */
	client_trickle(&slow, "\r\n");
	ck_assert_int_eq(client_read(&slow), 200);
	ck_assert_str_eq(slow.body, HTTP_BODY);
	client_close(&slow);
	ck_assert_uint_eq(stat_get(&st->connections), 2);
	stop_clean(&h);
	munmap(st, sizeof(*st));
}
END_TEST

START_TEST(test_poison)
{
	enum httpd_model m = (enum httpd_model)_i;
	struct httpd_stats *st = stats_map();
	struct httpd h;
	struct client p, c;
	start(&h, m, true, st);
	client_open(&p, h.port);
	client_send(&p, GET("/poison"));
	int got = client_read(&p);
	ck_assert_msg(got == 0 || got == -ECONNRESET, "the poison was answered: %d", got);
	client_close(&p);

	if (httpd_model_shares_fate(m)) {
		struct unit_end end = { 0 };
		bool ended = false;
		for (uint64_t limit = clock_now_ns() + EVENT_WAIT_NS;
		     !ended && clock_now_ns() < limit; pause_ms(1))
			ended = !httpd_alive(&h, &end);
		ck_assert_msg(ended, "%s outlived its poisoned handler", httpd_model_name(m));
		ck_assert(end.signalled);
		ck_assert_int_eq(end.signal, SIGSEGV);
		ck_assert_uint_eq(stat_get(&st->handler_deaths), 0);
		stop_clean(&h);
		munmap(st, sizeof(*st));
		return;
	}

	/* Only the handler died: the server serves on and counts the death. */
	client_open(&c, h.port);
	client_send(&c, GET_CLOSE("/"));
	ck_assert_int_eq(client_read(&c), 200);
	client_close(&c);
	ck_assert(wait_stat(&st->handler_deaths, 1));
	ck_assert(wait_stat(&st->last_death_ns, 1));
	if (m == HTTPD_PREFORK) {
		ck_assert(wait_stat(&st->restarts, 1));
		ck_assert(wait_stat(&st->last_restart_ns, stat_get(&st->last_death_ns)));
	} else {
		ck_assert_uint_eq(stat_get(&st->restarts), 0);
	}
	ck_assert_msg(wait_pids(&h, expected_pids(m)), "the pool is not back to its size");
	ck_assert(httpd_alive(&h, NULL));
	ck_assert_uint_eq(stat_get(&st->handler_deaths), 1);

	/* And a new connection after the refill is served too. */
	client_open(&c, h.port);
	client_send(&c, GET_CLOSE("/"));
	ck_assert_int_eq(client_read(&c), 200);
	client_close(&c);
	stop_clean(&h);
	munmap(st, sizeof(*st));
}
END_TEST

/*
 * Every process of the server, a connection process and prefork workers
 * included, ignores SIGPIPE (a client that vanishes must not kill it) and
 * may write no core file.
 */
/*
 * What the server experiment's supervisor does: a server that died is
 * started again on the port it had, and serves there; a port still held
 * by a living server is refused.
 */
START_TEST(test_restart_on_port)
{
	enum httpd_model m = (enum httpd_model)_i;
	struct httpd h, other;
	struct client c;
	start(&h, m, true, NULL);
	uint16_t port = h.port;
	struct httpd_cfg cfg = { .model = m, .workers = WORKERS, .armed = true, .port = port };
	ck_assert_int_eq(httpd_start(&other, &cfg), -EADDRINUSE);
	ck_assert(!other.running);
	if (httpd_model_shares_fate(m)) {
		client_open(&c, port);
		client_send(&c, GET("/poison"));
		client_read(&c);
		client_close(&c);
		bool ended = false;
		for (uint64_t limit = clock_now_ns() + EVENT_WAIT_NS;
		     !ended && clock_now_ns() < limit; pause_ms(1))
			ended = !httpd_alive(&h, NULL);
		ck_assert_msg(ended, "%s outlived its poisoned handler", httpd_model_name(m));
	} else {
		stop_clean(&h);
	}
	int err = httpd_start(&h, &cfg);
	ck_assert_msg(err == 0, "%s: again on port %u: %s", httpd_model_name(m), port,
		      strerror(-err));
	ck_assert_uint_eq(h.port, port);
	client_open(&c, port);
	client_send(&c, GET_CLOSE("/"));
	ck_assert_int_eq(client_read(&c), 200);
	client_close(&c);
	stop_clean(&h);
}
END_TEST

START_TEST(test_processes_set_up)
{
	enum httpd_model m = (enum httpd_model)_i;
	struct httpd h;
	struct client idle;
	pid_t pids[PIDS_MAX];
	char line[256];
	start(&h, m, true, NULL);
	client_open(&idle, h.port);
	client_send(&idle, "GET / HT");
	size_t want = expected_pids(m) + (m == HTTPD_PROCESS_PER_CONN);
	ck_assert(wait_pids(&h, want));
	size_t n = httpd_pids(&h, pids, PIDS_MAX);
	for (size_t i = 0; i < n; i++) {
		unsigned long long soft, hard;
		ck_assert_msg(wait_sigpipe_ignored(pids[i]), "pid %d takes SIGPIPE", (int)pids[i]);
		ck_assert(proc_line(pids[i], "limits", "Max core file size", line, sizeof(line)));
		ck_assert_int_eq(sscanf(line, "Max core file size %llu %llu", &soft, &hard), 2);
		ck_assert_uint_eq(soft, 0);
		ck_assert_uint_eq(hard, 0);
	}
	stop_clean(&h);
	client_close(&idle);
}
END_TEST

START_TEST(test_unarmed_poison_is_a_404)
{
	struct httpd h;
	struct client c;
	start(&h, HTTPD_EVENT_LOOP, false, NULL);
	client_open(&c, h.port);
	client_send(&c, GET("/poison"));
	ck_assert_int_eq(client_read(&c), 404);
	client_close(&c);
	ck_assert(httpd_alive(&h, NULL));
	stop_clean(&h);
}
END_TEST

START_TEST(test_names)
{
	enum httpd_model m = HTTPD_EVENT_LOOP;
	static const char *const names[HTTPD_MODEL_COUNT] = {
		"process_per_connection",
		"prefork",
		"thread_per_connection",
		"thread_pool",
		"event_loop",
	};
	for (int i = 0; i < HTTPD_MODEL_COUNT; i++) {
		ck_assert_str_eq(httpd_model_name((enum httpd_model)i), names[i]);
		ck_assert_int_eq(httpd_model_from_name(names[i], &m), 0);
		ck_assert_int_eq(m, i);
	}
	m = HTTPD_PREFORK;
	ck_assert_int_eq(httpd_model_from_name("forking", &m), -EINVAL);
	ck_assert_int_eq(httpd_model_from_name("", &m), -EINVAL);
	ck_assert_int_eq(httpd_model_from_name("Prefork", &m), -EINVAL);
	ck_assert_int_eq(m, HTTPD_PREFORK);
	ck_assert(!httpd_model_shares_fate(HTTPD_PROCESS_PER_CONN));
	ck_assert(!httpd_model_shares_fate(HTTPD_PREFORK));
	ck_assert(httpd_model_shares_fate(HTTPD_THREAD_PER_CONN));
	ck_assert(httpd_model_shares_fate(HTTPD_THREAD_POOL));
	ck_assert(httpd_model_shares_fate(HTTPD_EVENT_LOOP));
}
END_TEST

/*
 * A refused configuration starts nothing; a server that fails to set up
 * says why; running out of descriptors comes back as -EMFILE.
 */
START_TEST(test_refusals)
{
	struct httpd h;
	struct httpd_cfg cfg = { .model = HTTPD_PREFORK, .workers = 0 };
	ck_assert_int_eq(httpd_start(&h, &cfg), -EINVAL);
	cfg.model = HTTPD_THREAD_POOL;
	cfg.workers = HTTPD_WORKERS_MAX + 1;
	ck_assert_int_eq(httpd_start(&h, &cfg), -EINVAL);
	cfg.model = HTTPD_MODEL_COUNT;
	cfg.workers = 1;
	ck_assert_int_eq(httpd_start(&h, &cfg), -EINVAL);
	assert_no_children();

	/* A CPU no machine has: the server cannot pin itself and reports EINVAL through the pipe. */
	static const int no_cpu[] = { CPU_SETSIZE - 1 };
	cfg.model = HTTPD_THREAD_POOL;
	cfg.cpus = no_cpu;
	cfg.n_cpus = 1;
	ck_assert_int_eq(httpd_start(&h, &cfg), -EINVAL);
	ck_assert(!h.running);
	assert_no_children();

	/* Out of descriptors: -EMFILE as such, for the caller to skip. */
	struct rlimit old, none;
	int lowest = dup(0);
	ck_assert_int_ge(lowest, 0);
	close(lowest);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	none = old;
	none.rlim_cur = (rlim_t)lowest;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &none), 0);
	cfg.cpus = NULL;
	cfg.n_cpus = 0;
	int err = httpd_start(&h, &cfg);
	setrlimit(RLIMIT_NOFILE, &old);
	ck_assert_int_eq(err, -EMFILE);
	assert_no_children();
}
END_TEST

/*
 * httpd_needs() both ways, for the models that hold a descriptor per
 * connection: under a limit of exactly what it says for two connections,
 * two clients are served with nothing lacking; a third cannot be accepted,
 * and the server counts that lack (EMFILE, of a descriptor) for its caller
 * to void the figure, instead of passing it for the load's doing.
 */
START_TEST(test_needs_and_own_failures)
{
	static const enum httpd_model models[] = { HTTPD_THREAD_PER_CONN, HTTPD_EVENT_LOOP };
	enum httpd_model m = models[_i];
	struct httpd_stats *st = stats_map();
	struct httpd_cfg cfg = { .model = m, .workers = WORKERS, .stats = st };
	struct httpd_needs need;
	struct client c[3];
	struct rlimit old, low;
	struct httpd h;

	httpd_needs(&cfg, 2, &need);
	ck_assert_uint_ge(need.fds, 3);
	ck_assert_uint_eq(need.tasks, m == HTTPD_THREAD_PER_CONN ? 3 : 1);
	int lowest = dup(0);
	ck_assert_int_ge(lowest, 0);
	close(lowest);
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)lowest + need.fds; /* the server inherits this limit */
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
	int err = httpd_start(&h, &cfg);
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	ck_assert_msg(err == 0, "%s: httpd_start: %s", httpd_model_name(m), strerror(-err));

	for (int i = 0; i < 2; i++) {
		client_open(&c[i], h.port);
		client_send(&c[i], GET("/"));
		ck_assert_int_eq(client_read(&c[i]), 200);
	}
	ck_assert_uint_eq(stat_get(&st->own_failures), 0);
	client_open(&c[2], h.port); /* the kernel completes it; the server cannot take it */
	client_send(&c[2], GET("/"));
	ck_assert_msg(wait_stat(&st->own_failures, 1), "%s counted no failure of its own",
		      httpd_model_name(m));
	ck_assert_int_eq(atomic_load(&st->own_err), -EMFILE);
	ck_assert_int_eq(atomic_load(&st->own_op), LIMIT_FD);
	for (int i = 0; i < 3; i++)
		client_close(&c[i]);
	stop_clean(&h);
	munmap(st, sizeof(*st));
}
END_TEST

/* The server and its prefork workers run only on the CPU they were given. */
START_TEST(test_pinned)
{
	struct httpd h;
	pid_t pids[PIDS_MAX];
	cpu_set_t allowed, got;
	int cpu = -1;
	ck_assert_int_eq(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
	for (int i = CPU_SETSIZE - 1; i >= 0; i--)
		if (CPU_ISSET(i, &allowed))
			cpu = i;
	struct httpd_cfg cfg = {
		.model = HTTPD_PREFORK, .workers = WORKERS, .cpus = &cpu, .n_cpus = 1
	};
	ck_assert_int_eq(httpd_start(&h, &cfg), 0);
	size_t n = httpd_pids(&h, pids, PIDS_MAX);
	ck_assert_uint_eq(n, 1 + WORKERS);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(sched_getaffinity(pids[i], sizeof(got), &got), 0);
		ck_assert_int_eq(CPU_COUNT(&got), 1);
		ck_assert(CPU_ISSET(cpu, &got));
	}
	stop_clean(&h);
}
END_TEST

Suite *httpd_suite(void)
{
	Suite *s = suite_create("httpd");
	TCase *tc = tcase_create("models");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_serves_in_order, 0, HTTPD_MODEL_COUNT);
	tcase_add_loop_test(tc, test_malformed_closes, 0, HTTPD_MODEL_COUNT);
	tcase_add_loop_test(tc, test_slow_client, 0, HTTPD_MODEL_COUNT);
	tcase_add_loop_test(tc, test_poison, 0, HTTPD_MODEL_COUNT);
	tcase_add_loop_test(tc, test_restart_on_port, 0, HTTPD_MODEL_COUNT);
	tcase_add_loop_test(tc, test_processes_set_up, 0, HTTPD_MODEL_COUNT);
	tcase_add_test(tc, test_unarmed_poison_is_a_404);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_refusals);
	tcase_add_loop_test(tc, test_needs_and_own_failures, 0, 2);
	tcase_add_test(tc, test_pinned);
	suite_add_tcase(s, tc);
	return s;
}
