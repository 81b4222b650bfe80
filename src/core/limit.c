// SPDX-License-Identifier: MIT
/*
 * limit: resource-limit failures in words. See limit.h.
 *
 * RLIMIT_NPROC binds only processes without CAP_SYS_RESOURCE or
 * CAP_SYS_ADMIN: for root, EAGAIN from fork() is a system-wide limit
 * (kernel.threads-max, kernel.pid_max, the pids cgroup), whatever ulimit -u
 * says. glibc's pthread_create() returns EAGAIN both for the thread limit
 * and for a stack it could not map: under a finite RLIMIT_AS the stack is
 * tried again here, and a refusal names the address-space limit.
 *
 * The checks before the fact count what is already taken: the descriptors
 * this process holds below the limit (from /proc/self/fd, or by asking each
 * number when no descriptor is left to read it with), and the tasks of the
 * real user (every /proc/PID/status whose real uid is the user's).
 */
#include "core/limit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "util/i18n.h"

/* Without /proc/self/fd, descriptors at or above this are not asked about. */
#define FD_PROBE_MAX 65536

#ifdef PTLAB_TESTING
bool limit_checks_off;
#define CHECKS_OFF limit_checks_off
#else
#define CHECKS_OFF false
#endif

/* The soft limit of res, or false when it is unlimited (or unknown). */
static bool finite_limit(int res, uint64_t *value)
{
	struct rlimit rl;
	if (getrlimit(res, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return false;
	*value = (uint64_t)rl.rlim_cur;
	return true;
}

/* Whether this process could open one more descriptor now. */
static bool fd_free(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno != EMFILE;
	close(fd);
	return true;
}

/* Whether a thread's default stack no longer fits under a finite RLIMIT_AS. */
static bool stack_does_not_fit(void)
{
	uint64_t as;
	size_t stack = 8u << 20;
	pthread_attr_t attr;
	if (!finite_limit(RLIMIT_AS, &as))
		return false;
	if (pthread_getattr_default_np(&attr) == 0) {
		pthread_attr_getstacksize(&attr, &stack);
		pthread_attr_destroy(&attr);
	}
	void *p = mmap(NULL, stack, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return errno == ENOMEM;
	munmap(p, stack);
	return false;
}

/* An integer from a /proc/sys file, or -1. */
static long sysctl_long(const char *path)
{
	long v = -1;
	FILE *f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* The local port range, "32768-60999", or "?" when unreadable. */
static const char *port_range(char *buf, size_t size)
{
	long lo = -1, hi = -1;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
	if (f) {
		if (fscanf(f, "%ld %ld", &lo, &hi) != 2)
			lo = -1;
		fclose(f);
	}
	if (lo < 0)
		snprintf(buf, size, "?");
	else
		snprintf(buf, size, "%ld-%ld", lo, hi);
	return buf;
}

const struct ev_form limit_forms[] = {
	{ "limit.file_max", N_("the system's open-file limit is reached (fs.file-max)") },
	{ "limit.nofile", N_("the open-file limit is reached (ulimit -n: {1})") },
	{ "limit.stack_as",
	  N_("a thread's stack does not fit under the address-space limit (ulimit -v: {1})") },
	{ "limit.nproc", N_("the process limit is reached (ulimit -u: {1})") },
	{ "limit.tasks_max", N_("the system's limit on processes and threads is reached "
				"(kernel.threads-max, kernel.pid_max or the pids cgroup)") },
	{ "limit.msgqueue", N_("the POSIX message-queue limit is reached (ulimit -q: {1})") },
	{ "limit.as", N_("the address-space limit is reached (ulimit -v: {1})") },
	{ "limit.epoll",
	  N_("the limit on epoll watches is reached (fs.epoll.max_user_watches: {1})") },
	{ "limit.ports", N_("no local port is free (net.ipv4.ip_local_port_range: {1})") },
	{ "limit.mq_max", N_("the system's limit on POSIX message queues is reached "
			     "(fs.mqueue.queues_max: {1})") },
	{ "limit.msgmni", N_("the system's limit on System V message queues is reached "
			     "(kernel.msgmni: {1})") },
	{ "limit.sem", N_("the system's limit on System V semaphores is reached (kernel.sem)") },
	{ "limit.need_fds", N_("needs {1} open files, the open-file limit is {2} (ulimit -n)") },
	{ "limit.need_tasks",
	  N_("needs {1} processes and threads, the process limit is {2} (ulimit -u)") },
	{ NULL, NULL },
};

#define NOTE(note, form, ...)                                                                      \
	ev_note_set((note), (form), (const struct ev_val[]){ __VA_ARGS__ },                        \
		    sizeof((const struct ev_val[]){ __VA_ARGS__ }) / sizeof(struct ev_val))
#define NOTE0(note, form) ev_note_set((note), (form), NULL, 0)

static const struct ev_msg *explain_fd(int err, struct ev_note *note)
{
	uint64_t n;
	if (err == -ENFILE)
		return NOTE0(note, "limit.file_max");
	if (finite_limit(RLIMIT_NOFILE, &n))
		return NOTE(note, "limit.nofile", ev_count(n));
	return NOTE(note, NULL, ev_errno(err));
}

/*
 * EAGAIN from creating a process or a thread. A thread's stack that does
 * not fit now names ulimit -v; so does any thread's EAGAIN under a finite
 * ulimit -v when ulimit -u cannot be the cause (unlimited, or root): the
 * thread may have been started in a child whose address space was fuller
 * than this one.
 */
static const struct ev_msg *explain_tasks(enum limit_op op, struct ev_note *note)
{
	uint64_t n, as;
	bool nproc = geteuid() != 0 && finite_limit(RLIMIT_NPROC, &n);
	if (op == LIMIT_THREAD && finite_limit(RLIMIT_AS, &as) && (!nproc || stack_does_not_fit()))
		return NOTE(note, "limit.stack_as", ev_num(as, "bytes"));
	if (nproc)
		return NOTE(note, "limit.nproc", ev_count(n));
	return NOTE0(note, "limit.tasks_max");
}

const struct ev_msg *limit_note(enum limit_op op, int err, struct ev_note *note)
{
	uint64_t n;

	if (err == -EMFILE && op == LIMIT_POSIX_MQ && fd_free() &&
	    finite_limit(RLIMIT_MSGQUEUE, &n))
		/* mq_open() says EMFILE when the queue's bytes exceed RLIMIT_MSGQUEUE. */
		return NOTE(note, "limit.msgqueue", ev_num(n, "bytes"));
	if (err == -EMFILE || err == -ENFILE)
		return explain_fd(err, note);
	if (err == -EAGAIN && (op == LIMIT_PROCESS || op == LIMIT_THREAD))
		return explain_tasks(op, note);
	if (err == -ENOMEM && (op == LIMIT_MAP || op == LIMIT_THREAD) &&
	    finite_limit(RLIMIT_AS, &n))
		return NOTE(note, "limit.as", ev_num(n, "bytes"));
	if (err == -ENOSPC && op == LIMIT_EPOLL)
		return NOTE(note, "limit.epoll",
			    ev_count(sysctl_long("/proc/sys/fs/epoll/max_user_watches")));
	/* connect() says EAGAIN for want of a port on some kernels. */
	if ((err == -EADDRNOTAVAIL || err == -EAGAIN) && op == LIMIT_CONNECT)
		return NOTE(note, "limit.ports",
			    ev_token(port_range(note->text, sizeof(note->text))));
	if (err == -ENOSPC && op == LIMIT_POSIX_MQ)
		return NOTE(note, "limit.mq_max",
			    ev_count(sysctl_long("/proc/sys/fs/mqueue/queues_max")));
	if (err == -ENOSPC && op == LIMIT_SYSV_MSG)
		return NOTE(note, "limit.msgmni", ev_count(sysctl_long("/proc/sys/kernel/msgmni")));
	/* EINVAL: kernel.sem allows fewer semaphores per set than asked for. */
	if ((err == -ENOSPC || err == -EINVAL) && op == LIMIT_SYSV_SEM)
		return NOTE0(note, "limit.sem");
	return NOTE(note, NULL, ev_errno(err));
}

static const struct ev_form *const own_tables[] = { limit_forms, ev_forms_common, NULL };

const char *limit_explain(enum limit_op op, int err, char *buf, size_t size)
{
	struct ev_note note;
	return ev_render(limit_note(op, err, &note), own_tables, buf, size);
}

/*
 * The descriptors this process holds: *below, those under n (they leave
 * fewer numbers free under the limit n), and *all of them (one inherited
 * above a limit lowered later takes a number under a higher one).
 */
static void fds_held(uint64_t n, uint64_t *below, uint64_t *all)
{
	DIR *d = opendir("/proc/self/fd");
	*below = *all = 0;
	if (d) {
		struct dirent *e;
		int own = dirfd(d);
		while ((e = readdir(d))) {
			char *end;
			long fd = strtol(e->d_name, &end, 10);
			if (e->d_name[0] == '.' || *end != '\0' || fd == own)
				continue;
			(*all)++;
			*below += (uint64_t)fd < n;
		}
		closedir(d);
		return;
	}
	/* No /proc, or no descriptor left to read it with: ask each number. */
	for (uint64_t fd = 0; fd < n && fd < FD_PROBE_MAX; fd++)
		*below += fcntl((int)fd, F_GETFD) != -1;
	*all = *below;
}

int limit_need_fds(uint64_t need, struct ev_note *note)
{
	uint64_t n, below, all;
	if (CHECKS_OFF || !finite_limit(RLIMIT_NOFILE, &n))
		return 0;
	fds_held(n, &below, &all);
	if (below + need <= n)
		return 0;
	/* A limit of total always fits: it leaves at least total - all free numbers. */
	uint64_t total = all + need;
	NOTE(note, "limit.need_fds", ev_count(total), ev_count(n));
	return -EMFILE;
}

/* The tasks (threads of every process) whose real uid is uid, as far as /proc shows them. */
static uint64_t user_tasks(uid_t uid)
{
	uint64_t tasks = 0;
	struct dirent *e;
	char path[64], line[128];
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/status", e->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		unsigned long real = (unsigned long)-1, threads = 0;
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "Uid: %lu", &real) == 1 && real != (unsigned long)uid)
				break;
			if (sscanf(line, "Threads: %lu", &threads) == 1)
				break;
		}
		fclose(f);
		if (real == (unsigned long)uid)
			tasks += threads;
	}
	closedir(d);
	return tasks;
}

int limit_need_tasks(uint64_t need, struct ev_note *note)
{
	uint64_t n;
	if (CHECKS_OFF || geteuid() == 0 || !finite_limit(RLIMIT_NPROC, &n))
		return 0;
	uint64_t total = user_tasks(getuid()) + need;
	if (total <= n)
		return 0;
	NOTE(note, "limit.need_tasks", ev_count(total), ev_count(n));
	return -EAGAIN;
}
