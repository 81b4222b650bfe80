// SPDX-License-Identifier: MIT
/*
 * httpd: the five server models of httpd.h. Each is one run function in
 * the model table at the end; everything else is shared, so that a
 * difference measured between two models is the unit that runs a
 * connection and nothing else:
 *
 * - answer() answers the requests a connection's buffer holds, pipelined
 *   ones in order, for every model; serve_connection() runs it for one
 *   connection of a blocking model (the answers to one read go out in one
 *   write), the event loop for each of its connections;
 * - worker_loop() is the prefork worker and the pool thread, the same
 *   code (accept one connection, serve it to the end, again);
 * - run_acceptor() is the acceptor of both per-connection models; only
 *   what it starts per connection differs (a fork or a detached thread).
 *
 * Readiness: httpd_start() forks the server with a pipe; the server writes
 * one int into it, 0 once it is ready (every worker forked or started), or
 * a positive errno when it could not get there, and then _exit()s. End of
 * file without that int means the server died before saying anything
 * (-ECHILD).
 *
 * Stopping: the acceptor and the master of the process models keep
 * SIGTERM and SIGCHLD blocked except inside ppoll(), whose mask opens
 * them: a SIGTERM handler sets the one flag, an empty SIGCHLD handler
 * wakes the wait, and neither signal can slip in between a check and the
 * wait. On SIGTERM they SIGKILL their children, reap them all and exit 0.
 * The threaded models and the event loop end by SIGTERM's default action.
 */
#include "core/httpd.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/http.h"
#include "core/io.h"
#include "core/limit.h"

/* A request head of HTTP_HEAD_MAX always fits, with room for a pipelined next request. */
#define CONN_IN_BYTES (HTTP_HEAD_MAX + 1024)
#define CONN_OUT_BYTES (8 * HTTP_RESPONSE_MAX) /* responses queued per connection */
#define EV_CONNS_MAX 4096		       /* event loop: more are accepted and closed */
#define EV_BATCH 64
/* A connection thread: holds serve_connection()'s buffers many times over, also under ASan. */
#define THREAD_STACK_BYTES (64 * 1024)
#define ACCEPT_BACKOFF_NS 1000000L /* after EMFILE and the like, so a full table does not spin */
#define REFORK_RETRY_NS 100000000L /* prefork: a failed replacement is tried again after this */
#define STOP_POLL_NS 1000000L	   /* httpd_stop(): how often it looks during the grace */
#define KIDS_BATCH 256

/* A field of the shared stats, or NULL when the caller shares none. */
#define STAT(s, field) ((s)->cfg.stats ? &(s)->cfg.stats->field : NULL)

/* Set by SIGTERM in the acceptor or master of a process model. */
static volatile sig_atomic_t stop_requested;

/* The server, as its process sees it; built by httpd_start() before the fork. */
struct server {
	struct httpd_cfg cfg;
	int listen_fd;
	int ready_fd;			  /* the readiness pipe until reported, then -1 */
	pid_t pid;			  /* the server process (the parent of its children) */
	sigset_t wait_mask;		  /* process models: the mask inside ppoll() */
	pid_t workers[HTTPD_WORKERS_MAX]; /* prefork: a pid, 0 to refork, -1 gone for good */
};

static void pause_ns(long ns)
{
	struct timespec ts = { 0, ns };
	nanosleep(&ts, NULL);
}

/* One more in a shared counter (may be NULL) and, with stamp, when. */
static void count(_Atomic uint64_t *counter, _Atomic uint64_t *stamp)
{
	if (stamp)
		atomic_store_explicit(stamp, clock_now_ns(), memory_order_relaxed);
	if (counter)
		atomic_fetch_add_explicit(counter, 1, memory_order_relaxed);
}

/*
 * A resource the server could not have (err: -errno of a call of kind op),
 * for the caller to void what it measured meanwhile. Errors that are no
 * lack of a resource are not counted.
 */
static void count_own(const struct server *s, enum limit_op op, int err)
{
	if (!s->cfg.stats || (err != -EMFILE && err != -ENFILE && err != -ENOBUFS &&
			      err != -ENOMEM && err != -EAGAIN && err != -ENOSPC))
		return;
	atomic_store_explicit(&s->cfg.stats->own_err, err, memory_order_relaxed);
	atomic_store_explicit(&s->cfg.stats->own_op, (int)op, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->cfg.stats->own_failures, 1, memory_order_relaxed);
}

/* waitpid() for one pid, through EINTR. */
static pid_t reap(pid_t pid, int *status)
{
	pid_t r;
	do
		r = waitpid(pid, status, 0);
	while (r < 0 && errno == EINTR);
	return r;
}

/*
 * Every process of the server: a well-behaved child, no core file, and a
 * vanished client cannot kill it. It stays dumpable: a process that is not
 * can no longer have its /proc/PID/smaps_rollup read by an unprivileged
 * parent, and the server's memory is one of the figures.
 */
static void server_child_setup(pid_t parent)
{
	struct rlimit none = { 0, 0 };
	unit_child_setup(parent);
	signal(SIGPIPE, SIG_IGN);
	setrlimit(RLIMIT_CORE, &none);
}

/* Tells httpd_start() the server is ready (err 0) or why not (-errno), once. */
static void report(struct server *s, int err)
{
	int status = -err;
	if (s->ready_fd < 0)
		return;
	io_write_all(s->ready_fd, &status, sizeof(status));
	close(s->ready_fd);
	s->ready_fd = -1;
}

/* The state letter and parent pid from /proc/PID/stat. Returns 0 or -ENOENT. */
static int proc_stat(pid_t pid, char *state, pid_t *ppid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	size_t len = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[len] = '\0';
	char *p = strrchr(buf, ')'); /* the command name may hold spaces and ')' */
	return p && sscanf(p + 1, " %c %d", state, ppid) == 2 ? 0 : -ENOENT;
}

/*
 * The children of pid (zombies too), at most max: from each task's
 * children file, or where the kernel has none (CONFIG_PROC_CHILDREN off)
 * from the parent pid of every process.
 */
static size_t list_children(pid_t pid, pid_t *out, size_t max)
{
	char path[64];
	size_t n = 0;
	bool have_file = false;
	struct dirent *e;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		long tid = strtol(e->d_name, NULL, 10);
		snprintf(path, sizeof(path), "/proc/%d/task/%ld/children", (int)pid, tid);
		FILE *f = tid > 0 ? fopen(path, "re") : NULL;
		int kid;
		if (!f)
			continue;
		have_file = true;
		while (n < max && fscanf(f, "%d", &kid) == 1)
			out[n++] = kid;
		fclose(f);
	}
	closedir(d);
	if (have_file || !(d = opendir("/proc")))
		return n;
	while (n < max && (e = readdir(d))) {
		pid_t id = (pid_t)strtol(e->d_name, NULL, 10), ppid;
		char state;
		if (id > 0 && proc_stat(id, &state, &ppid) == 0 && ppid == pid)
			out[n++] = id;
	}
	closedir(d);
	return n;
}

/*
 * SIGTERM in a process model: SIGKILL every child, reap them all, exit 0.
 * No child can appear meanwhile (only this thread forks them). A child
 * missed by the listing still dies by its PR_SET_PDEATHSIG.
 */
static _Noreturn void end_children_and_exit(void)
{
	pid_t kids[KIDS_BATCH];
	size_t n;
	bool reaped = true;
	while (reaped && (n = list_children(getpid(), kids, KIDS_BATCH)) > 0) {
		reaped = false;
		for (size_t i = 0; i < n; i++)
			kill(kids[i], SIGKILL);
		for (size_t i = 0; i < n; i++)
			reaped |= reap(kids[i], NULL) > 0;
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	_exit(0);
}

/* SIGTERM sets the flag; SIGCHLD only interrupts ppoll(). */
static void on_signal(int sig)
{
	if (sig == SIGTERM)
		stop_requested = 1;
}

/* Process models: catch SIGTERM and SIGCHLD, blocked except inside ppoll(&s->wait_mask). */
static void catch_signals(struct server *s)
{
	/* No SA_RESTART: a signal ends the wait with EINTR. */
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_NOCLDSTOP };
	sigset_t both;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&both);
	sigaddset(&both, SIGTERM);
	sigaddset(&both, SIGCHLD);
	sigprocmask(SIG_BLOCK, &both, &s->wait_mask);
}

/*
 * Reaps every ended child without blocking. A death by a signal is a
 * handler death; a prefork worker's slot is emptied to be forked again
 * (or marked gone, when it left by itself: its socket is broken).
 */
static void reap_children(struct server *s)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		bool killed = WIFSIGNALED(status);
		if (killed)
			count(STAT(s, handler_deaths), STAT(s, last_death_ns));
		if (s->cfg.model != HTTPD_PREFORK)
			continue;
		for (int i = 0; i < s->cfg.workers; i++)
			if (s->workers[i] == pid)
				s->workers[i] = killed ? 0 : -1;
	}
}

/* TCP_NODELAY; a blocking connection also gives up after HTTPD_IDLE_NS without progress. */
static void conn_options(int fd, bool blocking)
{
	int one = 1;
	struct timeval idle = { .tv_sec = HTTPD_IDLE_NS / 1000000000u }; /* whole seconds */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (blocking) {
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &idle, sizeof(idle));
	}
}

/*
 * Accepts one connection (flags: SOCK_NONBLOCK or 0), sets its options and
 * counts it. Returns the descriptor; -EAGAIN for a miss worth retrying (a
 * signal, nothing pending, an aborted connection; no descriptor or memory
 * left, after ACCEPT_BACKOFF_NS, counted as the server's own lack when a
 * connection waits); another -errno when the listening socket itself is
 * broken.
 */
static int accept_conn(const struct server *s, int flags)
{
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | flags);
	if (fd < 0) {
		int err = errno;
		if (err == EBADF || err == EINVAL || err == ENOTSOCK || err == EOPNOTSUPP)
			return -err;
		if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
			/*
			 * Linux looks for a free descriptor before it looks for a
			 * connection: a full table is a lack only when one waits.
			 */
			struct pollfd waiting = { .fd = s->listen_fd, .events = POLLIN };
			if (poll(&waiting, 1, 0) == 1)
				count_own(s, LIMIT_FD, -err);
			pause_ns(ACCEPT_BACKOFF_NS);
		}
		return -EAGAIN;
	}
	conn_options(fd, !(flags & SOCK_NONBLOCK));
	count(STAT(s, connections), NULL);
	return fd;
}

/* A connection: bounded buffers, so bounded memory. */
struct conn {
	int fd;
	uint32_t events; /* event loop: what epoll watches now */
	bool closing;	 /* a closing reply is queued: close once out is sent */
	size_t in_len, out_off, out_len;
	char in[CONN_IN_BYTES];
	char out[CONN_OUT_BYTES];
};

/* A new connection on fd; the buffers are left as they are (no 13 KiB memset per connection). */
static void conn_init(struct conn *c, int fd)
{
	c->fd = fd;
	c->events = EPOLLIN;
	c->closing = false;
	c->in_len = c->out_off = c->out_len = 0;
}

/*
 * Queues the answer to every complete request in c->in, in order, while
 * c->out has room for one more response: the one code every model answers
 * with. Returns true when it stopped for lack of room (more may be
 * answered once out is sent).
 */
static bool answer(const struct server *s, struct conn *c)
{
	if (c->out_off > 0) {
		c->out_len -= c->out_off;
		memmove(c->out, c->out + c->out_off, c->out_len);
		c->out_off = 0;
	}
	while (!c->closing) {
		size_t room = sizeof(c->out) - c->out_len, n, used;
		if (room < HTTP_RESPONSE_MAX)
			return true;
		enum http_action a = http_handle(c->in, c->in_len, s->cfg.armed,
						 c->out + c->out_len, room, &n, &used);
		if (a == HTTP_NEED_MORE)
			break;
		if (used == 0 || used > c->in_len) {
			c->closing = true;
			break;
		}
		c->out_len += n;
		count(STAT(s, requests), NULL);
		c->in_len -= used;
		memmove(c->in, c->in + used, c->in_len);
		c->closing = a == HTTP_REPLY_CLOSE;
	}
	return false;
}

/*
 * Serves one connection of a blocking model, then closes fd: answers the
 * requests each read brings, in order, in one write, until the client
 * closes, an error or the idle limit ends it, or a reply says close. The
 * buffers live on the stack (THREAD_STACK_BYTES holds them).
 */
static void serve_connection(const struct server *s, int fd)
{
	struct conn c;
	conn_init(&c, fd);
	for (;;) {
		bool full = answer(s, &c);
		if (c.out_len > 0 && io_write_all(fd, c.out, c.out_len) != 0)
			break;
		c.out_len = 0;
		if (c.closing)
			break;
		if (full)
			continue;
		ssize_t n = recv(fd, c.in + c.in_len, sizeof(c.in) - c.in_len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* end of file, error, or idle (EAGAIN from SO_RCVTIMEO) */
		c.in_len += (size_t)n;
	}
	close(fd);
}

/* The prefork worker and the pool thread. Returns only when the listening socket is broken. */
static void worker_loop(const struct server *s)
{
	for (;;) {
		int fd = accept_conn(s, 0);
		if (fd >= 0)
			serve_connection(s, fd);
		else if (fd != -EAGAIN)
			return;
	}
}

/* Starts fn(arg) in a detached thread with a small stack. Returns 0 or -errno. */
static int start_detached(void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	pthread_t t;
	size_t stack = THREAD_STACK_BYTES;
	int err = pthread_attr_init(&attr);
	if (err)
		return -err;
	if (stack < (size_t)PTHREAD_STACK_MIN)
		stack = (size_t)PTHREAD_STACK_MIN;
	err = pthread_attr_setstacksize(&attr, stack);
	if (!err)
		err = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (!err)
		err = pthread_create(&t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return -err;
}

struct conn_job {
	const struct server *s;
	int fd;
};

static void *conn_thread(void *arg)
{
	struct conn_job job = *(struct conn_job *)arg;
	free(arg);
	serve_connection(job.s, job.fd);
	return NULL;
}

/* Runs one connection in a thread of its own, which then owns fd. Returns 0 or -errno. */
static int spawn_thread(const struct server *s, int fd)
{
	struct conn_job *job = malloc(sizeof(*job));
	if (!job)
		return -ENOMEM;
	job->s = s;
	job->fd = fd;
	int err = start_detached(conn_thread, job);
	if (err)
		free(job);
	return err;
}

/*
 * Forks a child of the server that serves the connection fd (the caller
 * keeps and closes its copy), or with fd -1 a prefork worker. Returns the
 * pid or -errno.
 */
static pid_t fork_handler(const struct server *s, int fd)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid < 0 ? -errno : pid;
	server_child_setup(s->pid);
	if (s->ready_fd >= 0)
		close(s->ready_fd);
	if (fd < 0) {
		worker_loop(s);
		_exit(1);
	}
	close(s->listen_fd);
	serve_connection(s, fd);
	_exit(0);
}

/*
 * Process and thread per connection: accept, start one unit for the
 * connection, again. The process acceptor waits in ppoll() (so SIGTERM and
 * SIGCHLD reach it only there) on a non-blocking listening socket and
 * reaps after every wake. A connection that gets no unit is closed.
 */
static int run_acceptor(struct server *s)
{
	bool procs = s->cfg.model == HTTPD_PROCESS_PER_CONN;
	if (procs)
		catch_signals(s);
	report(s, 0);
	for (;;) {
		if (procs) {
			struct pollfd pfd = { .fd = s->listen_fd, .events = POLLIN };
			reap_children(s);
			if (stop_requested)
				end_children_and_exit();
			if (ppoll(&pfd, 1, NULL, &s->wait_mask) <= 0)
				continue;
		}
		int fd = accept_conn(s, 0);
		if (fd == -EAGAIN)
			continue;
		if (fd < 0)
			return fd;
		/* A connection that gets no unit is only closed; the lack is counted. */
		int err = procs ? (int)fork_handler(s, fd) : spawn_thread(s, fd);
		if (err < 0)
			count_own(s, procs ? LIMIT_PROCESS : LIMIT_THREAD, err);
		if (procs || err < 0)
			close(fd);
	}
}

/* Forks a worker into every empty slot of the prefork pool. Returns 0 or the first -errno. */
static int fill_pool(struct server *s, bool restart)
{
	for (int i = 0; i < s->cfg.workers; i++) {
		if (s->workers[i] != 0)
			continue;
		pid_t pid = fork_handler(s, -1);
		if (pid < 0)
			return pid;
		s->workers[i] = pid;
		if (restart)
			count(STAT(s, restarts), STAT(s, last_restart_ns));
	}
	return 0;
}

/* Prefork: the master forks the pool, then only reaps and reforks until SIGTERM. */
static int run_prefork(struct server *s)
{
	catch_signals(s);
	int err = fill_pool(s, false);
	if (err)
		return err; /* the workers forked so far die with the master */
	report(s, 0);
	for (;;) {
		struct timespec retry = { 0, REFORK_RETRY_NS };
		reap_children(s);
		if (stop_requested)
			end_children_and_exit();
		err = fill_pool(s, true);
		if (err)
			count_own(s, LIMIT_PROCESS, err);
		ppoll(NULL, 0, err ? &retry : NULL, &s->wait_mask);
	}
}

static void *pool_thread(void *arg)
{
	worker_loop(arg);
	return NULL;
}

/* Thread pool: cfg.workers threads run the prefork worker's loop; the main thread only waits. */
static int run_pool(struct server *s)
{
	for (int i = 0; i < s->cfg.workers; i++) {
		int err = start_detached(pool_thread, s);
		if (err)
			return err;
	}
	report(s, 0);
	for (;;)
		pause();
}

/* Sends what c->out holds until the socket would block. Returns 0 or -errno. */
static int ev_flush(struct conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	return 0;
}

/*
 * One readiness event of a connection: read, answer, send, and watch for
 * what comes next: input only while no output waits (the back pressure
 * that bounds the buffers), output only while some does. Returns false
 * when the connection is to be closed: end of file, an error, or a
 * closing reply sent.
 */
static bool ev_step(const struct server *s, int ep, struct conn *c, uint32_t events)
{
	if (events & EPOLLIN) {
		ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return false;
		if (n > 0)
			c->in_len += (size_t)n;
	} else if (events & (EPOLLERR | EPOLLHUP)) {
		return false;
	}
	for (;;) {
		bool full = answer(s, c);
		if (ev_flush(c) != 0)
			return false;
		if (!full || c->out_len != 0)
			break;
	}
	if (c->closing && c->out_len == 0)
		return false;
	uint32_t want = c->out_len ? EPOLLOUT : EPOLLIN;
	if (want != c->events) {
		struct epoll_event ev = { .events = want, .data.ptr = c };
		if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) != 0)
			return false;
		c->events = want;
	}
	return true;
}

/* Accepts what is pending (a batch at most); beyond EV_CONNS_MAX a connection is closed at once. */
static void ev_accept(const struct server *s, int ep, int *open)
{
	for (int i = 0; i < EV_BATCH; i++) {
		int fd = accept_conn(s, SOCK_NONBLOCK);
		if (fd < 0)
			return;
		struct conn *c = *open < EV_CONNS_MAX ? malloc(sizeof(*c)) : NULL;
		if (c) {
			struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
			conn_init(c, fd);
			if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0) {
				(*open)++;
				continue;
			}
			count_own(s, LIMIT_EPOLL, -errno);
			free(c);
		} else if (*open < EV_CONNS_MAX) {
			count_own(s, LIMIT_MAP, -ENOMEM);
		}
		close(fd);
	}
}

/* The event loop: one thread, level-triggered epoll; the listening socket's data.ptr is NULL. */
static int run_event_loop(struct server *s)
{
	struct epoll_event evs[EV_BATCH], lev = { .events = EPOLLIN, .data.ptr = NULL };
	int open = 0;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		return -errno;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, s->listen_fd, &lev) != 0)
		return -errno;
	report(s, 0);
	for (;;) {
		int n = epoll_wait(ep, evs, EV_BATCH, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			if (!c) {
				ev_accept(s, ep, &open);
			} else if (!ev_step(s, ep, c, evs[i].events)) {
				close(c->fd); /* also leaves the epoll set */
				free(c);
				open--;
			}
		}
	}
}

/* The model table: names, what runs the server, whether one crash ends it all. */
static const struct model_desc {
	const char *name;
	int (*run)(struct server *s); /* returns only on failure: -errno */
	bool shares_fate;
	bool pool;	  /* takes cfg->workers */
	bool nonblocking; /* waits for connections in ppoll() or epoll, not in accept() */
} models[HTTPD_MODEL_COUNT] = {
	[HTTPD_PROCESS_PER_CONN] = { "process_per_connection", run_acceptor, false, false, true },
	[HTTPD_PREFORK] = { "prefork", run_prefork, false, true, false },
	[HTTPD_THREAD_PER_CONN] = { "thread_per_connection", run_acceptor, true, false, false },
	[HTTPD_THREAD_POOL] = { "thread_pool", run_pool, true, true, false },
	[HTTPD_EVENT_LOOP] = { "event_loop", run_event_loop, true, false, true },
};

/* The server process: set up, run the model; reports a failure and leaves by _exit(). */
static _Noreturn void server_main(struct server *s, pid_t parent)
{
	int err = 0;
	server_child_setup(parent);
	prctl(PR_SET_NAME, "ptlab-httpd");
	s->pid = getpid();
	if (s->cfg.n_cpus > 0)
		err = unit_pin_self_to(s->cfg.cpus, s->cfg.n_cpus);
	if (!err)
		err = models[s->cfg.model].run(s);
	report(s, err < 0 ? err : -EPROTO);
	_exit(1);
}

/*
 * The listening socket on 127.0.0.1, on *port, or on a port the kernel
 * picks when *port is 0 (then *port is set). Returns 0 or -errno.
 */
static int open_listener(bool nonblocking, int *fd_out, uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(*port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int one = 1, err;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(fd, SOMAXCONN) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
		err = -errno;
		close(fd);
		return err;
	}
	*fd_out = fd;
	*port = ntohs(a.sin_port);
	return 0;
}

const char *httpd_model_name(enum httpd_model m)
{
	return (unsigned)m < HTTPD_MODEL_COUNT ? models[m].name : "?";
}

int httpd_model_from_name(const char *s, enum httpd_model *out)
{
	for (int m = 0; m < HTTPD_MODEL_COUNT; m++) {
		if (strcmp(s, models[m].name) == 0) {
			*out = (enum httpd_model)m;
			return 0;
		}
	}
	return -EINVAL;
}

bool httpd_model_shares_fate(enum httpd_model m)
{
	return (unsigned)m < HTTPD_MODEL_COUNT && models[m].shares_fate;
}

void httpd_needs(const struct httpd_cfg *cfg, int connections, struct httpd_needs *out)
{
	uint64_t conns = connections > 0 ? (uint64_t)connections : 0;
	uint64_t workers = cfg->workers > 0 ? (uint64_t)cfg->workers : 1;
	uint64_t fds = 0, tasks = 1;
	switch (cfg->model) {
	case HTTPD_PROCESS_PER_CONN: /* the acceptor: listener, readiness pipe, one accepted */
		fds = 3;
		tasks += conns;
		break;
	case HTTPD_PREFORK: /* a worker: listener and its connection */
		fds = 2;
		tasks += workers;
		break;
	case HTTPD_THREAD_PER_CONN: /* listener and every connection */
		fds = 1 + conns;
		tasks += conns;
		break;
	case HTTPD_THREAD_POOL: /* listener, readiness pipe, a connection per busy thread */
		fds = 2 + (workers < conns ? workers : conns);
		tasks += workers;
		break;
	case HTTPD_EVENT_LOOP: /* listener, epoll set, every connection */
	default:
		fds = 2 + conns;
		break;
	}
	/* httpd_start() holds the listener and both ends of the readiness pipe. */
	out->fds = fds > 3 ? fds : 3;
	out->tasks = tasks;
}

int httpd_start(struct httpd *h, const struct httpd_cfg *cfg)
{
	struct server s = { .cfg = *cfg, .listen_fd = -1, .ready_fd = -1 };
	int ready[2], status = 0, err;
	memset(h, 0, sizeof(*h));
	h->port = cfg->port;
	if ((unsigned)cfg->model >= HTTPD_MODEL_COUNT || (cfg->n_cpus > 0 && !cfg->cpus))
		return -EINVAL;
	if (models[cfg->model].pool && (cfg->workers < 1 || cfg->workers > HTTPD_WORKERS_MAX))
		return -EINVAL;
	err = open_listener(models[cfg->model].nonblocking, &s.listen_fd, &h->port);
	if (err)
		return err;
	if (pipe2(ready, O_CLOEXEC) != 0) {
		err = -errno;
		goto close_listener;
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		err = -errno;
		close(ready[1]);
		goto close_ready;
	}
	if (pid == 0) {
		close(ready[0]);
		s.ready_fd = ready[1];
		server_main(&s, parent);
	}
	close(ready[1]);
	ssize_t got = io_read_full(ready[0], &status, sizeof(status));
	if (got == (ssize_t)sizeof(status) && status == 0) {
		h->model = cfg->model;
		h->pid = pid;
		h->running = true;
		err = 0;
		goto close_ready;
	}
	err = got == (ssize_t)sizeof(status) && status > 0 ? -status : got < 0 ? (int)got : -ECHILD;
	kill(pid, SIGKILL); /* it is leaving anyway; never wait on a server stuck half-way */
	reap(pid, NULL);
close_ready:
	close(ready[0]);
close_listener:
	close(s.listen_fd);
	return err;
}

bool httpd_alive(struct httpd *h, struct unit_end *end)
{
	int status;
	if (!h->running)
		return false;
	pid_t r = waitpid(h->pid, &status, WNOHANG);
	if (r == 0)
		return true;
	h->running = false;
	if (end && r == h->pid)
		unit_decode_status(status, end);
	else if (end)
		*end = (struct unit_end){ .code = -1 }; /* reaped elsewhere: how it ended is lost */
	return false;
}

int httpd_stop(struct httpd *h, struct unit_end *end)
{
	struct unit_end e;
	int status;
	if (!h->running)
		return 0;
	if (!httpd_alive(h, &e))
		goto done;
	kill(h->pid, SIGTERM);
	for (uint64_t limit = clock_now_ns() + HTTPD_STOP_GRACE_NS; clock_now_ns() < limit;) {
		if (!httpd_alive(h, &e))
			goto done;
		pause_ns(STOP_POLL_NS);
	}
	pid_t pids[KIDS_BATCH];
	size_t n = httpd_pids(h, pids, KIDS_BATCH);
	for (size_t i = n; i-- > 1;)
		kill(pids[i], SIGKILL); /* the children, then the server; any beyond die with it */
	kill(h->pid, SIGKILL);
	if (reap(h->pid, &status) < 0)
		return -errno;
	h->running = false;
	unit_decode_status(status, &e);
done:
	if (end)
		*end = e;
	return 0;
}

size_t httpd_pids(const struct httpd *h, pid_t *pids, size_t max)
{
	pid_t ppid;
	char state;
	if (!h->running || max == 0 || proc_stat(h->pid, &state, &ppid) != 0 || state == 'Z')
		return 0;
	pids[0] = h->pid;
	return 1 + list_children(h->pid, pids + 1, max - 1);
}
