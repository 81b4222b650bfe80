// SPDX-License-Identifier: MIT
/*
 * loadgen: the load generator of the `server` experiment (loadgen.h says
 * what it measures): one thread, one epoll set, one non-blocking socket per
 * connection slot, fixed memory, so that it never limits or disturbs the
 * server it measures.
 *
 * Coordinated omission, first. A closed-loop generator, or a naive
 * fixed-rate one, asks again only once answered: when the server stalls
 * for 100 ms it stops asking, and the stall shows as one slow request
 * among thousands, although real users kept arriving. So in fixed-rate
 * mode request k is *due* at start + k * 1e9 / rate, belongs to connection
 * k mod connections, and its latency counts from its due time, whenever it
 * goes out. A connection still busy when its next request falls due sends
 * its backlog back to back once free, each request carrying its wait; one
 * whose timeout runs out in the backlog fails as timed out unsent; what is
 * left in a backlog at the end fails as never sent. How many are due is
 * computed from the clock (an absolute schedule), so a late wake-up
 * catches up in one step and shifts nothing after it.
 *
 * Timing. The loop sleeps in epoll until the earliest of: the next due
 * request, the earliest deadline or end of backoff, the end of sending,
 * the end of the drain, to the nanosecond: epoll_pwait2 (Linux 5.11, glibc
 * 2.35) takes such a timeout; without it a timerfd armed at that absolute
 * time joins the set (one descriptor more). The thread's timer slack
 * (50 us by default, added to every timed sleep) is 1 ns for the run. A
 * request goes out some tens of microseconds after its due time on an
 * idle machine, where millisecond timeouts would make it half a
 * millisecond. A batch of events is stamped with one clock read when epoll
 * returns: every response in it was in by then. Deadlines and backoffs are
 * found by a scan of every connection, but only once the earliest known
 * is reached (a cached minimum, possibly early, never late): O(connections)
 * per timeout interval, not per event.
 *
 * Sockets are registered once, edge-triggered for input and output: a
 * keep-alive request costs a send and a recv or two, no epoll_ctl. Every
 * socket gets linger {1, 0} at birth, so every close is a reset and leaves
 * no TIME_WAIT. An event carries its connection's index and a generation
 * bumped at every close: an event of a socket closed earlier in the same
 * batch is dropped, not applied to its successor.
 *
 * Caveats: in closed loop latency runs from when a request is begun, which
 * includes the connect when it needs one (churn, or after the server
 * closed one); and a saturated generator's own lateness is charged to the
 * server in fixed-rate mode, as by any generator correcting for
 * coordinated omission, so it needs a CPU of its own.
 */
#include "core/loadgen.h"

#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/http.h"
#include "core/stats.h"

#define NS_PER_S 1000000000ull
#define TIME_MAX_NS (UINT64_MAX >> 2)  /* about 146 years: sums of times cannot overflow */
#define IN_MAX (4 * HTTP_RESPONSE_MAX) /* a longer response is malformed */
#define EVENTS_MAX 256
#define REQUEST_MAX 128
#define TIMER_EVENT UINT64_MAX /* the epoll data of the timerfd */

/* The test build moves a few bytes per call to drive the partial paths. */
#ifdef PTLAB_TESTING
#define IO_CHUNK 7
#else
#define IO_CHUNK IN_MAX
#endif

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 35))
#define HAVE_EPOLL_PWAIT2 1
#endif

static const char poison_request[] = "GET /poison HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

enum conn_state {
	CONN_IDLE,	 /* no request: no socket (fd -1), or a kept-alive one */
	CONN_CONNECTING, /* the request waits for its connection */
	CONN_SENDING,	 /* the request is partly out */
	CONN_WAITING,	 /* the request is out; the response is read */
};

/* How a request ended; all but OUT_OK are causes of failure. */
enum outcome {
	OUT_OK,
	OUT_CONNECT,
	OUT_CLOSED,
	OUT_TIMEOUT,
	OUT_STATUS,
	OUT_UNSENT,
};

struct conn {
	int fd;	      /* -1: no socket */
	uint32_t gen; /* bumped at every close: events of an older socket are stale */
	enum conn_state state;
	bool poison;	      /* the request in flight is the poison (counted apart) */
	bool after_poison;    /* it was begun after the poison */
	uint64_t start_ns;    /* latency origin: the due time (fixed rate) or the begin */
	uint64_t deadline_ns; /* start_ns + timeout */
	uint64_t ready_ns;    /* closed loop: no request begins before (backoff) */
	uint64_t next_k;      /* fixed rate: its oldest request not yet begun */
	const char *req;
	size_t req_len, req_off;
	size_t in_len;
	char in[IN_MAX];
};

/* One run: the configuration, the result being filled, and the loop's state. */
struct lg {
	const struct loadgen_cfg *cfg;
	struct loadgen_result *out;
	struct conn *conns;
	int epfd;
	int tfd;	/* without epoll_pwait2: the timer, else -1 */
	int n_open;	/* sockets open */
	int err;	/* a failure of the generator itself: ends the run */
	bool stopping;	/* no request begins any more; in-flight ones drain */
	bool no_pwait2; /* epoll_pwait2 answered ENOSYS */
	uint64_t start_ns, drain_end_ns, poison_ns;
	uint64_t armed_ns;   /* what the timerfd is armed for */
	uint64_t k_due;	     /* fixed rate: requests due so far */
	uint64_t k_end;	     /* fixed rate: requests due before a bound */
	uint64_t inflight;   /* counted requests begun and not ended */
	uint64_t wake_ns;    /* earliest deadline or backoff end known (may be early) */
	uint64_t last_ok_ns; /* after the poison: the poison, then the last success */
	uint64_t recover_ns; /* after the poison: the first success since the last failure, or 0 */
	bool failed_since;   /* a request failed after the poison, and none succeeded since */
	struct rng rng;	     /* for the reservoir */
	size_t req_len;
	char req[REQUEST_MAX];
};

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint32_t add_sat32(uint32_t a, uint64_t n)
{
	return n > UINT32_MAX - a ? UINT32_MAX : (uint32_t)(a + n);
}

/* Requests begun and ended or under way: the sent ones and those the generator could not make. */
static uint64_t begun(const struct lg *lg)
{
	return lg->out->sent + lg->out->own_failures;
}

/* Fixed rate: when request k falls due. */
static uint64_t due_ns(const struct lg *lg, uint64_t k)
{
	return lg->start_ns + (uint64_t)((unsigned __int128)k * NS_PER_S / lg->cfg->rate_per_s);
}

/*
 * Fixed rate: how many requests fall due at most el_ns after the start,
 * capped at cap. Request k is due when floor(k * 1e9 / rate) <= el, that
 * is k * 1e9 < (el + 1) * rate: ceil((el + 1) * rate / 1e9) of them.
 */
static uint64_t due_by(const struct lg *lg, uint64_t el_ns, uint64_t cap)
{
	unsigned __int128 n =
		((unsigned __int128)(el_ns + 1) * lg->cfg->rate_per_s + NS_PER_S - 1) / NS_PER_S;
	return n < cap ? (uint64_t)n : cap;
}

static struct loadgen_slice *slice_at(struct lg *lg, uint64_t now)
{
	uint64_t i = (now - lg->start_ns) / lg->cfg->slice_ns;
	return &lg->out->slices[i < LOADGEN_SLICES_MAX ? i : LOADGEN_SLICES_MAX - 1];
}

/* Counts n requests ended at now for cause o (not OUT_OK). */
static void count_failed(struct lg *lg, enum outcome o, uint64_t n, uint64_t now)
{
	struct loadgen_result *r = lg->out;
	uint64_t *cause[] = {
		[OUT_CONNECT] = &r->failed_connect, [OUT_CLOSED] = &r->failed_closed,
		[OUT_TIMEOUT] = &r->failed_timeout, [OUT_STATUS] = &r->failed_status,
		[OUT_UNSENT] = &r->failed_unsent,
	};
	struct loadgen_slice *s = slice_at(lg, now);
	*cause[o] += n;
	r->failed += n;
	s->failed = add_sat32(s->failed, n);
	if (r->poison_sent && o != OUT_UNSENT)
		lg->failed_since = true;
}

/* Counts one success at now: timeline, histogram, reservoir, poison gap. */
static void count_succeeded(struct lg *lg, uint64_t latency_ns, bool after_poison, uint64_t now)
{
	struct loadgen_result *r = lg->out;
	struct loadgen_slice *s = slice_at(lg, now);
	r->succeeded++;
	s->succeeded = add_sat32(s->succeeded, 1);
	hist_add(&r->latency, latency_ns);
	/*
	 * Algorithm R: the first LOADGEN_RESERVOIR fill it; the i-th after
	 * them replaces a uniformly chosen slot with probability R / i, which
	 * leaves every success so far in the reservoir with probability R / i.
	 */
	if (r->succeeded <= LOADGEN_RESERVOIR) {
		r->reservoir[r->n_reservoir++] = latency_ns;
	} else {
		uint64_t j = rng_below(&lg->rng, r->succeeded);
		if (j < LOADGEN_RESERVOIR)
			r->reservoir[j] = latency_ns;
	}
	if (r->poison_sent) {
		if (now - lg->last_ok_ns > r->poison_gap_ns)
			r->poison_gap_ns = now - lg->last_ok_ns;
		lg->last_ok_ns = now;
		r->recovered = r->recovered || after_poison;
		if (lg->failed_since || !lg->recover_ns)
			lg->recover_ns = now;
		lg->failed_since = false;
	}
}

static void conn_close(struct lg *lg, struct conn *c)
{
	if (c->fd < 0)
		return;
	close(c->fd); /* linger {1, 0}: a reset, no TIME_WAIT */
	c->fd = -1;
	c->gen++;
	lg->n_open--;
}

/*
 * The one way a request ends, in success or for any cause: counts it
 * (unless it is the poison), closes the socket unless keep, and leaves the
 * connection idle; a failed connect in closed loop backs off first. The
 * caller pumps the connection for its next request.
 */
static void conn_end(struct lg *lg, struct conn *c, enum outcome o, bool keep, uint64_t now)
{
	if (!keep)
		conn_close(lg, c);
	c->state = CONN_IDLE;
	c->ready_ns = o == OUT_CONNECT ? now + LOADGEN_BACKOFF_NS : now;
	if (c->poison) {
		c->poison = false;
		return;
	}
	lg->inflight--;
	if (o == OUT_OK)
		count_succeeded(lg, now - c->start_ns, c->after_poison, now);
	else
		count_failed(lg, o, 1, now);
}

/* Sends what is left of the request; once it is all out, waits for the response. */
static void conn_send(struct lg *lg, struct conn *c, uint64_t now)
{
	while (c->req_off < c->req_len) {
		size_t want = c->req_len - c->req_off;
		ssize_t n = send(c->fd, c->req + c->req_off, want < IO_CHUNK ? want : IO_CHUNK,
				 MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_end(lg, c, OUT_CLOSED, false, now);
			return; /* else the next EPOLLOUT edge resumes */
		}
		c->req_off += (size_t)n;
	}
	c->state = CONN_WAITING;
}

/*
 * Reads until the whole response is in or the socket is empty (the
 * registration is edge-triggered). Not 200, malformed, or longer than the
 * buffer: failed_status. The connection is kept unless churn, the server
 * said close, or it already closed its side (events holds EPOLLRDHUP: a
 * request sent there would only fail); bytes past the response were never
 * asked for, so then it is out of step and is closed too.
 */
static void conn_recv(struct lg *lg, struct conn *c, uint32_t events, uint64_t now)
{
	for (;;) {
		size_t room = sizeof(c->in) - c->in_len;
		if (room == 0) {
			conn_end(lg, c, OUT_STATUS, false, now);
			return;
		}
		ssize_t n = recv(c->fd, c->in + c->in_len, room < IO_CHUNK ? room : IO_CHUNK, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			conn_end(lg, c, OUT_CLOSED, false, now);
			return;
		}
		c->in_len += (size_t)n;
		struct http_response r;
		int got = http_response_parse(c->in, c->in_len, &r);
		if (got == 0)
			continue;
		bool ok = got > 0 && r.status == 200;
		bool keep = got > 0 && !lg->cfg->churn && !r.close && r.length == c->in_len &&
			    !(events & (EPOLLRDHUP | EPOLLHUP));
		conn_end(lg, c, ok ? OUT_OK : OUT_STATUS, keep, now);
		return;
	}
}

/* An idle kept-alive socket became readable: the server closed it, or talks out of turn. */
static void conn_idle_input(struct lg *lg, struct conn *c)
{
	char junk[16];
	ssize_t n;
	do
		n = recv(c->fd, junk, sizeof(junk), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return;
	conn_close(lg, c);
}

static void conn_connected(struct lg *lg, struct conn *c, uint64_t now)
{
	lg->out->connects++;
	c->state = CONN_SENDING;
	conn_send(lg, c, now);
}

/*
 * The request c was to begin could not be made for want of a resource of
 * the generator's own (err: -errno of a call of kind op): it is taken back
 * from sent and counted apart, and the connection backs off as after a
 * refusal. With no socket of the run open the generator cannot work at
 * all: err ends the run.
 */
static void conn_own_failure(struct lg *lg, struct conn *c, enum limit_op op, int err, uint64_t now)
{
	struct loadgen_result *r = lg->out;
	conn_close(lg, c);
	c->state = CONN_IDLE;
	c->ready_ns = now + LOADGEN_BACKOFF_NS;
	r->own_err = err;
	r->own_op = op;
	if (lg->n_open == 0)
		lg->err = err;
	if (c->poison) {
		c->poison = false; /* counted apart already; the run is void anyway */
		return;
	}
	lg->inflight--;
	r->sent--;
	r->own_failures++;
}

/* Whether connect()'s errno is the generator's own lack (no local port, no memory). */
static bool connect_own_errno(int e)
{
	return e == EADDRNOTAVAIL || e == EAGAIN || e == ENOBUFS || e == ENOMEM;
}

/*
 * Opens the connection c's request needs. A connect refused at once (on
 * loopback it often is) ends the request here; one in progress finishes
 * on EPOLLOUT or EPOLLERR. A socket that cannot be made or registered, or
 * a connect without a local port, is the generator's own failure, not the
 * server's (conn_own_failure()).
 */
static void conn_connect(struct lg *lg, struct conn *c, uint64_t now)
{
	static const int one = 1;
	static const struct linger reset = { .l_onoff = 1, .l_linger = 0 };
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(lg->cfg->port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
		.data.u64 = (uint64_t)c->gen << 32 | (uint64_t)(c - lg->conns),
	};
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		conn_own_failure(lg, c, LIMIT_FD, -errno, now);
		return;
	}
	lg->n_open++;
	if (setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
	    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset)) < 0) {
		conn_own_failure(lg, c, LIMIT_FD, -errno, now);
		return;
	}
	if (epoll_ctl(lg->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
		conn_own_failure(lg, c, LIMIT_EPOLL, -errno, now);
		return;
	}
	if (connect(c->fd, (const struct sockaddr *)&sa, sizeof(sa)) == 0) {
		conn_connected(lg, c, now);
		return;
	}
	if (errno == EINPROGRESS || errno == EINTR) { /* EINTR: it goes on all the same */
		c->state = CONN_CONNECTING;
		return;
	}
	if (connect_own_errno(errno))
		conn_own_failure(lg, c, LIMIT_CONNECT, -errno, now);
	else
		conn_end(lg, c, OUT_CONNECT, false, now);
}

/*
 * Begins c's next request, latency counted from start_ns. Connection 0
 * sends the poison instead once its time has come; the request it
 * replaces then goes after it.
 */
static void conn_begin(struct lg *lg, struct conn *c, uint64_t start_ns, uint64_t now)
{
	const struct loadgen_cfg *cfg = lg->cfg;
	struct loadgen_result *r = lg->out;
	c->poison = c == lg->conns && now >= lg->poison_ns && !r->poison_sent;
	if (c->poison) {
		r->poison_sent = true;
		r->poison_sent_ns = now - lg->start_ns;
		lg->last_ok_ns = now;
		start_ns = now;
		c->req = poison_request;
		c->req_len = sizeof(poison_request) - 1;
	} else {
		r->sent++;
		lg->inflight++;
		if (cfg->rate_per_s)
			c->next_k += (uint64_t)cfg->connections;
		c->after_poison = r->poison_sent;
		c->req = lg->req;
		c->req_len = lg->req_len;
	}
	c->start_ns = start_ns;
	c->deadline_ns = start_ns + cfg->timeout_ns;
	c->req_off = c->in_len = 0;
	c->state = CONN_SENDING;
	if (now >= c->deadline_ns) { /* it waited out its timeout in the backlog */
		conn_end(lg, c, OUT_TIMEOUT, true, now);
		return;
	}
	lg->wake_ns = min_u64(lg->wake_ns, c->deadline_ns);
	if (c->fd >= 0)
		conn_send(lg, c, now);
	else
		conn_connect(lg, c, now);
}

/*
 * Begins what c may begin now. Fixed rate: its due requests, back to back
 * while they end at once (a refused connect fails each in turn). Closed
 * loop: one request, once its backoff is over; one that ends at once is
 * followed on the next pass of the loop, so that no bound is overrun.
 */
static void pump(struct lg *lg, struct conn *c, uint64_t now)
{
	const struct loadgen_cfg *cfg = lg->cfg;
	if (cfg->rate_per_s) {
		while (c->state == CONN_IDLE && !lg->stopping && !lg->err && c->next_k < lg->k_due)
			conn_begin(lg, c, due_ns(lg, c->next_k), now);
		return;
	}
	if (c->state != CONN_IDLE || lg->stopping || lg->err)
		return;
	if ((cfg->max_requests && begun(lg) >= cfg->max_requests) ||
	    (cfg->duration_ns && now - lg->start_ns >= cfg->duration_ns))
		return;
	if (now >= c->ready_ns)
		conn_begin(lg, c, now, now);
	if (c->state == CONN_IDLE)
		lg->wake_ns = min_u64(lg->wake_ns, c->ready_ns);
}

/* Ends the requests past their deadline, starts those past their backoff. */
static void scan(struct lg *lg, uint64_t now)
{
	lg->wake_ns = UINT64_MAX;
	for (int i = 0; i < lg->cfg->connections; i++) {
		struct conn *c = &lg->conns[i];
		if (c->state != CONN_IDLE && now >= c->deadline_ns)
			conn_end(lg, c, OUT_TIMEOUT, false, now);
		pump(lg, c, now);
		if (c->state != CONN_IDLE)
			lg->wake_ns = min_u64(lg->wake_ns, c->deadline_ns);
	}
}

/* Fixed rate: makes due what the clock says is, and hands it to idle connections. */
static void advance_due(struct lg *lg, uint64_t now)
{
	uint64_t n = (uint64_t)lg->cfg->connections;
	uint64_t from = lg->k_due;
	lg->k_due = due_by(lg, now - lg->start_ns, lg->k_end);
	for (uint64_t k = from; k < lg->k_due && k < from + n; k++)
		pump(lg, &lg->conns[k % n], now);
}

/* No request begins any more; what is left in a backlog is never sent. */
static void stop(struct lg *lg, uint64_t now)
{
	uint64_t n = (uint64_t)lg->cfg->connections;
	lg->stopping = true;
	lg->drain_end_ns = now + min_u64(lg->cfg->timeout_ns, LOADGEN_DRAIN_NS);
	for (uint64_t i = 0; lg->cfg->rate_per_s && i < n; i++) {
		struct conn *c = &lg->conns[i];
		if (c->next_k >= lg->k_due)
			continue;
		uint64_t left = (lg->k_due - 1 - c->next_k) / n + 1;
		c->next_k += left * n;
		lg->out->sent += left;
		count_failed(lg, OUT_UNSENT, left, now);
	}
}

/* The earliest moment the loop has something to do; UINT64_MAX for none. */
static uint64_t next_event(const struct lg *lg)
{
	const struct loadgen_cfg *cfg = lg->cfg;
	uint64_t next = lg->wake_ns;
	if (lg->stopping)
		return min_u64(next, lg->drain_end_ns);
	if (cfg->duration_ns)
		next = min_u64(next, lg->start_ns + cfg->duration_ns);
	if (cfg->rate_per_s && lg->k_due < lg->k_end)
		next = min_u64(next, due_ns(lg, lg->k_due));
	return next;
}

/*
 * Without epoll_pwait2: arms a timerfd in the set at the absolute time
 * next (UINT64_MAX disarms it), made at the first need. It is registered
 * edge-triggered, so it need not be read: its events are only wake-ups.
 */
static int arm_timer(struct lg *lg, uint64_t next)
{
	if (lg->tfd < 0) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.u64 = TIMER_EVENT };
		lg->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
		if (lg->tfd < 0 || epoll_ctl(lg->epfd, EPOLL_CTL_ADD, lg->tfd, &ev) < 0)
			return -errno;
	}
	struct itimerspec its = { .it_value = { 0, 0 } };
	if (next != UINT64_MAX)
		its.it_value = (struct timespec){ .tv_sec = (time_t)(next / NS_PER_S),
						  .tv_nsec = (long)(next % NS_PER_S) };
	if (timerfd_settime(lg->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		return -errno;
	lg->armed_ns = next;
	return 0;
}

/*
 * Waits for events until next at the latest (UINT64_MAX: no limit), to
 * the nanosecond: epoll_pwait2's own timeout, else the timerfd (re-armed
 * only when next changes; one armed for a time still ahead has not fired
 * yet, so waiting on it cannot hang). Returns how many events, 0 on a
 * signal, or -errno.
 */
static int wait_events(struct lg *lg, struct epoll_event *ev, uint64_t now, uint64_t next)
{
	uint64_t left = next > now ? next - now : 0;
	int n;
#ifdef HAVE_EPOLL_PWAIT2
	if (!lg->no_pwait2) {
		struct timespec ts = { .tv_sec = (time_t)(left / NS_PER_S),
				       .tv_nsec = (long)(left % NS_PER_S) };
		n = epoll_pwait2(lg->epfd, ev, EVENTS_MAX, next == UINT64_MAX ? NULL : &ts, NULL);
		if (n >= 0)
			return n;
		if (errno != ENOSYS)
			return errno == EINTR ? 0 : -errno;
		lg->no_pwait2 = true;
	}
#endif
	if (left && next != lg->armed_ns) {
		int err = arm_timer(lg, next);
		if (err)
			return err;
	}
	n = epoll_wait(lg->epfd, ev, EVENTS_MAX, left ? -1 : 0);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	return n;
}

static void conn_event(struct lg *lg, struct conn *c, uint32_t events, uint64_t now)
{
	const uint32_t input = EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR;
	if (c->state == CONN_CONNECTING) {
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		int soerr = 0;
		socklen_t len = sizeof(soerr);
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
			soerr = errno;
		if (soerr || !(events & EPOLLOUT))
			conn_end(lg, c, OUT_CONNECT, false, now);
		else
			conn_connected(lg, c, now);
		return;
	}
	if (c->state == CONN_SENDING)
		conn_send(lg, c, now);
	if (c->state == CONN_WAITING && (events & input))
		conn_recv(lg, c, events, now);
	else if (c->state == CONN_IDLE && c->fd >= 0 && (events & input))
		conn_idle_input(lg, c);
}

/* The run itself, between setup and teardown; returns 0 or lg->err. */
static int run(struct lg *lg)
{
	const struct loadgen_cfg *cfg = lg->cfg;
	struct loadgen_result *r = lg->out;
	struct epoll_event ev[EVENTS_MAX];
	uint64_t now = clock_now_ns();
	lg->start_ns = now;
	lg->wake_ns = now; /* the first scan starts every closed-loop connection */
	lg->poison_ns = cfg->poison_at_ns ? now + cfg->poison_at_ns : UINT64_MAX;
	lg->k_end = cfg->max_requests ? cfg->max_requests : UINT64_MAX;
	if (cfg->rate_per_s && cfg->duration_ns)
		lg->k_end = due_by(lg, cfg->duration_ns - 1, lg->k_end);
	for (;;) {
		if (cfg->rate_per_s && !lg->stopping)
			advance_due(lg, now);
		if (now >= lg->wake_ns)
			scan(lg, now);
		if (!lg->stopping &&
		    ((cfg->duration_ns && now - lg->start_ns >= cfg->duration_ns) ||
		     (cfg->max_requests && begun(lg) >= cfg->max_requests)))
			stop(lg, now);
		if (lg->err || (lg->stopping && (lg->inflight == 0 || now >= lg->drain_end_ns)))
			break;
		int n = wait_events(lg, ev, now, next_event(lg));
		if (n < 0) { /* its timerfd could not be made, or epoll itself failed */
			lg->err = r->own_err = n;
			r->own_op = LIMIT_FD;
			break;
		}
		now = clock_now_ns();
		for (int i = 0; i < n; i++) {
			if (ev[i].data.u64 == TIMER_EVENT)
				continue;
			struct conn *c = &lg->conns[(uint32_t)ev[i].data.u64];
			if ((uint32_t)(ev[i].data.u64 >> 32) != c->gen)
				continue; /* of a socket closed earlier in this batch */
			conn_event(lg, c, ev[i].events, now);
			pump(lg, c, now);
		}
	}
	/* What the drain did not see end has timed out. */
	for (int i = 0; i < cfg->connections; i++)
		if (lg->conns[i].state != CONN_IDLE)
			conn_end(lg, &lg->conns[i], OUT_TIMEOUT, false, now);
	r->elapsed_ns = now - lg->start_ns;
	r->n_slices = (uint32_t)min_u64(r->elapsed_ns / cfg->slice_ns + 1, LOADGEN_SLICES_MAX);
	if (r->poison_sent && now - lg->last_ok_ns > r->poison_gap_ns)
		r->poison_gap_ns = now - lg->last_ok_ns;
	r->poison_recover_ns = UINT64_MAX;
	if (r->poison_sent && lg->recover_ns && !lg->failed_since)
		r->poison_recover_ns = lg->recover_ns - (lg->start_ns + r->poison_sent_ns);
	return lg->err;
}

static bool cfg_valid(const struct loadgen_cfg *cfg)
{
	return cfg->port != 0 && cfg->connections >= 1 &&
	       cfg->connections <= LOADGEN_CONNECTIONS_MAX && cfg->slice_ns > 0 &&
	       cfg->timeout_ns > 0 && (cfg->duration_ns || cfg->max_requests) &&
	       cfg->duration_ns <= TIME_MAX_NS && cfg->timeout_ns <= TIME_MAX_NS &&
	       cfg->poison_at_ns <= TIME_MAX_NS;
}

int loadgen_run(const struct loadgen_cfg *cfg, struct loadgen_result *out)
{
	if (!cfg || !out || !cfg_valid(cfg))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	hist_init(&out->latency);
	struct lg lg = { .cfg = cfg, .out = out, .epfd = -1, .tfd = -1 };
	rng_seed(&lg.rng, cfg->seed);
	char path[32] = "/";
	if (cfg->work_us)
		snprintf(path, sizeof(path), "/work?us=%" PRIu32, cfg->work_us);
	lg.req_len = (size_t)snprintf(lg.req, sizeof(lg.req),
				      "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n", path,
				      cfg->churn ? "Connection: close\r\n" : "");
	lg.conns = calloc((size_t)cfg->connections, sizeof(*lg.conns));
	if (!lg.conns) {
		out->own_err = -ENOMEM;
		out->own_op = LIMIT_MAP;
		return -ENOMEM;
	}
	for (int i = 0; i < cfg->connections; i++) {
		lg.conns[i].fd = -1;
		lg.conns[i].next_k = (uint64_t)i;
	}
	int err = 0;
	lg.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (lg.epfd < 0) {
		err = out->own_err = -errno;
		out->own_op = LIMIT_FD;
		goto free_conns;
	}
	/* The thread's timer slack would make every timed wake-up up to 50 us late. */
	int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	prctl(PR_SET_TIMERSLACK, 1ul, 0, 0, 0);
	err = run(&lg);
	if (slack > 0)
		prctl(PR_SET_TIMERSLACK, (unsigned long)slack, 0, 0, 0);
	for (int i = 0; i < cfg->connections; i++)
		conn_close(&lg, &lg.conns[i]);
	if (lg.tfd >= 0)
		close(lg.tfd);
	close(lg.epfd);
free_conns:
	free(lg.conns);
	return err;
}

uint64_t loadgen_needs_fds(int connections)
{
	/* A socket per connection, the epoll set, the timerfd where epoll_pwait2 is missing. */
	return (uint64_t)(connections > 0 ? connections : 0) + 2;
}
