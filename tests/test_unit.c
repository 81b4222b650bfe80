// SPDX-License-Identifier: MIT
/*
 * Tests for core/unit and core/io. A unit runs the same function as a
 * process or a thread: both kinds write into one shared arena and the
 * parent sees both writes; a process unit killed by a signal reports that
 * signal; an exit code comes back unchanged from either kind; a pinned unit
 * runs on its CPU. io_write_all / io_read_full move a payload far larger
 * than a pipe buffer intact — in the PTLAB_TESTING build every call moves
 * at most 7 bytes, so this drives the partial-read and partial-write loops
 * thousands of times — and survive EINTR.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/io.h"
#include "core/shm.h"
#include "core/unit.h"
#include "suites.h"

/* Crashing children must not leave core files behind. */
static void no_core_dumps(void)
{
	struct rlimit rl = { 0, 0 };
	setrlimit(RLIMIT_CORE, &rl);
}

static const enum unit_type kinds[] = { UNIT_PROCESS, UNIT_THREAD, UNIT_SHARED_VM };
#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

/* The CPU the caller runs on, by the system call: glibc's sched_getcpu() is wrong in clone_vm. */
static int raw_getcpu(void)
{
	unsigned cpu = 0;
	return syscall(SYS_getcpu, &cpu, NULL, NULL) == 0 ? (int)cpu : -1;
}

/* What a unit writes into the arena; the parent reads it back. */
struct job {
	int value;   /* in: what to write */
	int written; /* out: value, written by the unit */
	pid_t pid;   /* out: getpid() inside the unit */
	int cpu;     /* out: sched_getcpu() inside the unit */
};

static int write_job(void *arg)
{
	struct job *j = arg;
	j->written = j->value;
	j->pid = getpid();
	j->cpu = raw_getcpu();
	return 0;
}

START_TEST(test_both_kinds_share_the_arena)
{
	struct shm_arena a;
	ck_assert_int_eq(shm_arena_create(&a, 4096), 0);

	for (size_t k = 0; k < N_KINDS; k++) {
		if (!unit_kind_supported(kinds[k]))
			continue; /* clone_vm under ThreadSanitizer */
		struct job *j = shm_arena_alloc(&a, sizeof(*j), 64);
		ck_assert_ptr_nonnull(j);
		j->value = 1000 + (int)k;

		struct unit u;
		struct unit_end end;
		ck_assert_int_eq(unit_start(&u, kinds[k], write_job, j, -1), 0);
		ck_assert(u.running);
		ck_assert_int_eq(unit_wait(&u, &end), 0);
		ck_assert(!u.running);
		ck_assert(!end.signalled);
		ck_assert_int_eq(end.code, 0);
		ck_assert_int_eq(j->written, 1000 + (int)k);
		/* A process or clone_vm unit is another process; a thread unit is this one. */
		if (kinds[k] != UNIT_THREAD)
			ck_assert_int_ne(j->pid, getpid());
		else
			ck_assert_int_eq(j->pid, getpid());
		/* A unit is waited for once. */
		ck_assert_int_eq(unit_wait(&u, &end), -ECHILD);
	}
	shm_arena_destroy(&a);
}
END_TEST

static const int crash_signals[] = { SIGSEGV, SIGABRT, SIGKILL };

static int crash(void *arg)
{
	int sig = *(const int *)arg;
	if (sig == SIGABRT)
		abort();
	raise(sig);
	return 0; /* not reached */
}

START_TEST(test_process_crash_reports_signal)
{
	int sig = crash_signals[_i];
	struct unit u;
	struct unit_end end;

	no_core_dumps();
	ck_assert_int_eq(unit_start(&u, UNIT_PROCESS, crash, &sig, -1), 0);
	ck_assert_int_eq(unit_wait(&u, &end), 0);
	ck_assert(end.signalled);
	ck_assert_int_eq(end.signal, sig);
}
END_TEST

/* A signal ignored or handled by the parent is back to its default in a process unit. */
START_TEST(test_process_resets_dispositions)
{
	int sig = SIGTERM;
	struct unit u;
	struct unit_end end;

	signal(SIGTERM, SIG_IGN);
	ck_assert_int_eq(unit_start(&u, UNIT_PROCESS, crash, &sig, -1), 0);
	ck_assert_int_eq(unit_wait(&u, &end), 0);
	ck_assert(end.signalled);
	ck_assert_int_eq(end.signal, SIGTERM);
	signal(SIGTERM, SIG_DFL);
}
END_TEST

static int return_arg(void *arg)
{
	return *(const int *)arg;
}

START_TEST(test_exit_code_passthrough)
{
	static const int codes[] = { 0, 1, 42, 255 };
	for (size_t k = 0; k < N_KINDS; k++) {
		if (!unit_kind_supported(kinds[k]))
			continue; /* clone_vm under ThreadSanitizer */
		for (size_t c = 0; c < sizeof(codes) / sizeof(codes[0]); c++) {
			int code = codes[c];
			struct unit u;
			struct unit_end end;
			ck_assert_int_eq(unit_start(&u, kinds[k], return_arg, &code, -1), 0);
			ck_assert_int_eq(unit_wait(&u, &end), 0);
			ck_assert_msg(!end.signalled, "%s", unit_type_name(kinds[k]));
			ck_assert_int_eq(end.code, code);
		}
	}
}
END_TEST

START_TEST(test_pinning)
{
	cpu_set_t allowed;
	struct shm_arena a;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
	ck_assert_int_eq(shm_arena_create(&a, 4096), 0);
	/* Every allowed CPU, up to a few: the first and the last say the most. */
	int cpus[4], n = 0;
	for (int c = 0; c < CPU_SETSIZE && n < 4; c++)
		if (CPU_ISSET(c, &allowed))
			cpus[n++] = c;
	for (int c = CPU_SETSIZE - 1; c >= 0 && n > 0; c--) {
		if (CPU_ISSET(c, &allowed)) {
			cpus[n - 1] = c;
			break;
		}
	}
	ck_assert_int_gt(n, 0);

	for (size_t k = 0; k < N_KINDS; k++) {
		if (!unit_kind_supported(kinds[k]))
			continue; /* clone_vm under ThreadSanitizer */
		for (int i = 0; i < n; i++) {
			struct job *j = shm_arena_alloc(&a, sizeof(*j), 64);
			ck_assert_ptr_nonnull(j);
			j->cpu = -1;
			struct unit u;
			struct unit_end end;
			ck_assert_int_eq(unit_start(&u, kinds[k], write_job, j, cpus[i]), 0);
			ck_assert_int_eq(u.cpu, cpus[i]);
			ck_assert_int_eq(unit_wait(&u, &end), 0);
			ck_assert(!end.signalled);
			ck_assert_int_eq(end.code, 0);
			ck_assert_msg(j->cpu == cpus[i], "%s pinned to %d ran on %d",
				      unit_type_name(kinds[k]), cpus[i], j->cpu);
		}
	}
	/* Pinning a thread unit leaves the starting thread's affinity alone. */
	cpu_set_t after;
	ck_assert_int_eq(sched_getaffinity(0, sizeof(after), &after), 0);
	ck_assert(CPU_EQUAL(&allowed, &after));
	shm_arena_destroy(&a);
}
END_TEST

/* A CPU the process may not use: the function never runs unpinned. */
START_TEST(test_pinning_to_unavailable_cpu)
{
	cpu_set_t allowed;
	struct shm_arena a;
	int cpu = -1;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
	for (int c = CPU_SETSIZE - 1; c >= 0 && cpu < 0; c--)
		if (!CPU_ISSET(c, &allowed))
			cpu = c;
	if (cpu < 0)
		return; /* every CPU_SETSIZE CPU is ours: nothing to test */
	ck_assert_int_eq(shm_arena_create(&a, 4096), 0);
	struct job *j = shm_arena_alloc(&a, sizeof(*j), 64);
	ck_assert_ptr_nonnull(j);
	j->value = 7;

	struct unit u;
	struct unit_end end;
	/* A thread cannot be created there. */
	ck_assert_int_eq(unit_start(&u, UNIT_THREAD, write_job, j, cpu), -EINVAL);
	ck_assert(!u.running);
	/* A process unit leaves with 126 before the function runs. */
	ck_assert_int_eq(unit_start(&u, UNIT_PROCESS, write_job, j, cpu), 0);
	ck_assert_int_eq(unit_wait(&u, &end), 0);
	ck_assert(!end.signalled);
	ck_assert_int_eq(end.code, 126);
	ck_assert_int_eq(j->written, 0);
	/* So does a clone_vm unit (where the build can start one). */
	if (!unit_kind_supported(UNIT_SHARED_VM)) {
		shm_arena_destroy(&a);
		return;
	}
	ck_assert_int_eq(unit_start(&u, UNIT_SHARED_VM, write_job, j, cpu), 0);
	ck_assert_int_eq(unit_wait(&u, &end), 0);
	ck_assert(!end.signalled);
	ck_assert_int_eq(end.code, 126);
	ck_assert_int_eq(j->written, 0);
	ck_assert_int_eq(unit_start(&u, UNIT_THREAD, write_job, j, CPU_SETSIZE), -EINVAL);
	shm_arena_destroy(&a);
}
END_TEST

/* ---- clone_vm ------------------------------------------------------- */

/* Not in the arena: only a unit on this address space can change it. */
static int plain_word;

struct vm_job {
	int child_errno; /* out: errno after a call that failed in the child */
	pid_t pid, ppid; /* out: the child's getpid() and getppid() */
	pid_t tgid;	 /* out: the thread group, by the system call */
};

/* Writes a plain variable, fails a call on purpose, and says who it is: system calls only. */
static int vm_body(void *arg)
{
	struct vm_job *j = arg;
	plain_word = 4242;
	if (close(-1) != 0)
		j->child_errno = errno;
	j->pid = getpid();
	j->ppid = getppid();
	j->tgid = (pid_t)syscall(SYS_getpid);
	return 9;
}

static size_t count_tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	size_t n = 0;
	ck_assert_ptr_nonnull(d);
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/*
 * A clone_vm unit is a process of its own (its own PID, this process its
 * parent) on this address space (a plain variable it writes is seen
 * here); its errno is not the caller's; once waited for it leaves no
 * child, no thread and no stack behind.
 */
START_TEST(test_shared_vm_is_a_process_on_our_memory)
{
	struct vm_job j = { 0 };
	struct unit u;
	struct unit_end end;
	size_t tasks = count_tasks();
	if (!unit_kind_supported(UNIT_SHARED_VM))
		return; /* ThreadSanitizer's build: not startable */

	ck_assert_str_eq(unit_type_name(UNIT_SHARED_VM), "clone_vm");
	ck_assert_int_eq(unit_limit_op(UNIT_SHARED_VM), LIMIT_PROCESS);
	plain_word = 0;
	ck_assert_int_eq(unit_start(&u, UNIT_SHARED_VM, vm_body, &j, -1), 0);
	errno = 0;
	ck_assert(u.running);
	ck_assert_int_gt(u.pid, 0);
	ck_assert_ptr_nonnull(u.stack);
	ck_assert_int_eq(unit_wait(&u, &end), 0);
	ck_assert_int_eq(errno, 0); /* the child's EBADF went to its own errno */
	ck_assert(!u.running);
	ck_assert(!end.signalled);
	ck_assert_int_eq(end.code, 9);
	ck_assert_int_eq(plain_word, 4242);
	ck_assert_int_eq(j.child_errno, EBADF);
	ck_assert_int_eq(j.pid, u.pid);
	ck_assert_int_ne(j.pid, getpid());
	ck_assert_int_eq(j.tgid, j.pid); /* a thread group of its own */
	ck_assert_int_eq(j.ppid, getpid());
	/* Nothing left: no child to reap, no donor thread, no stack. */
	ck_assert_ptr_null(u.stack);
	ck_assert_int_eq(count_tasks(), tasks);
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
	ck_assert_int_eq(unit_wait(&u, &end), -ECHILD);
}
END_TEST

/* kill(getpid()) by the system call: raise() would aim at the cloning thread. */
static int crash_raw(void *arg)
{
	kill(getpid(), *(const int *)arg);
	return 0;
}

/* A clone_vm unit killed by a signal says so; dispositions are its own, reset to default. */
START_TEST(test_shared_vm_signalled)
{
	if (!unit_kind_supported(UNIT_SHARED_VM))
		return; /* ThreadSanitizer's build: not startable */
	static const int sigs[] = { SIGTERM, SIGKILL, SIGSEGV };
	no_core_dumps();
	signal(SIGTERM, SIG_IGN);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		int sig = sigs[i];
		struct unit u;
		struct unit_end end;
		ck_assert_int_eq(unit_start(&u, UNIT_SHARED_VM, crash_raw, &sig, -1), 0);
		ck_assert_int_eq(unit_wait(&u, &end), 0);
		ck_assert(end.signalled);
		ck_assert_int_eq(end.signal, sig);
	}
	/* The child's reset did not touch this process's disposition. */
	struct sigaction sa;
	ck_assert_int_eq(sigaction(SIGTERM, NULL, &sa), 0);
	ck_assert_ptr_eq((void *)sa.sa_handler, (void *)SIG_IGN);
	signal(SIGTERM, SIG_DFL);
}
END_TEST

/* Many in a row, some at once: every one is reaped and its stack given back. */
START_TEST(test_shared_vm_many)
{
	if (!unit_kind_supported(UNIT_SHARED_VM))
		return; /* ThreadSanitizer's build: not startable */
	enum {
		N = 8
	};
	struct vm_job j[N];
	struct unit u[N];
	struct unit_end end;
	size_t tasks = count_tasks();
	for (int round = 0; round < 4; round++) {
		memset(j, 0, sizeof(j));
		for (int i = 0; i < N; i++)
			ck_assert_int_eq(unit_start(&u[i], UNIT_SHARED_VM, vm_body, &j[i], -1), 0);
		for (int i = 0; i < N; i++) {
			ck_assert_int_eq(unit_wait(&u[i], &end), 0);
			ck_assert_int_eq(end.code, 9);
			ck_assert_int_eq(j[i].pid, u[i].pid);
		}
	}
	ck_assert_int_eq(count_tasks(), tasks);
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
}
END_TEST

START_TEST(test_pin_self_rejects_bad_cpu)
{
	ck_assert_int_eq(unit_pin_self(-1), -EINVAL);
	ck_assert_int_eq(unit_pin_self(CPU_SETSIZE), -EINVAL);
	ck_assert_str_eq(unit_type_name(UNIT_PROCESS), "process");
	ck_assert_str_eq(unit_type_name(UNIT_THREAD), "thread");
}
END_TEST

/* ---- io ---- */

#define PAYLOAD_BYTES (200u * 1024u)
#define PIECES 16

struct writer {
	int fd;
	const unsigned char *buf;
	size_t len;
	pthread_t poke; /* thread to interrupt between pieces, when poke_it */
	bool poke_it;
	int err;
};

static volatile sig_atomic_t pokes;

static void on_poke(int sig)
{
	(void)sig;
	pokes++;
}

/* Writes the payload in PIECES calls, poking the reader with SIGUSR1 before each. */
static void *writer_main(void *p)
{
	struct writer *w = p;
	size_t piece = w->len / PIECES + 1;
	for (size_t off = 0; off < w->len; off += piece) {
		size_t n = w->len - off < piece ? w->len - off : piece;
		if (w->poke_it)
			pthread_kill(w->poke, SIGUSR1);
		int err = io_write_all(w->fd, w->buf + off, n);
		if (err) {
			w->err = err;
			break;
		}
	}
	close(w->fd);
	return NULL;
}

static unsigned char *make_payload(size_t len)
{
	unsigned char *b = malloc(len);
	ck_assert_ptr_nonnull(b);
	uint32_t x = 2463534242u; /* xorshift: no period a short read could hide in */
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b[i] = (unsigned char)x;
	}
	return b;
}

START_TEST(test_io_large_payload_through_pipe)
{
	bool poke_it = _i == 1;
	int fds[2];
	unsigned char *src = make_payload(PAYLOAD_BYTES);
	unsigned char *dst = calloc(1, PAYLOAD_BYTES + 16);
	ck_assert_ptr_nonnull(dst);

	if (poke_it) {
		/* No SA_RESTART: a blocked read returns EINTR, which io_read_full must retry. */
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_poke;
		sigemptyset(&sa.sa_mask);
		ck_assert_int_eq(sigaction(SIGUSR1, &sa, NULL), 0);
	}
	ck_assert_int_eq(pipe(fds), 0);
	long pipe_bytes = fcntl(fds[0], F_GETPIPE_SZ);
	ck_assert_int_gt(pipe_bytes, 0);
	ck_assert_int_gt(PAYLOAD_BYTES, pipe_bytes); /* the writer must block on a full pipe */

	struct writer w = {
		.fd = fds[1],
		.buf = src,
		.len = PAYLOAD_BYTES,
		.poke = pthread_self(),
		.poke_it = poke_it,
	};
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, writer_main, &w), 0);
	ssize_t got = io_read_full(fds[0], dst, PAYLOAD_BYTES);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(w.err, 0);
	ck_assert_int_eq(got, (ssize_t)PAYLOAD_BYTES);
	ck_assert(memcmp(src, dst, PAYLOAD_BYTES) == 0);
	/* Pokes sent while one is pending merge: at least one arrived. */
	if (poke_it)
		ck_assert_int_ge(pokes, 1);
	/* The writer closed its end: nothing more, and end of file reads as 0. */
	ck_assert_int_eq(io_read_full(fds[0], dst, 16), 0);
	close(fds[0]);
	free(src);
	free(dst);
}
END_TEST

START_TEST(test_io_short_at_eof_and_errors)
{
	int fds[2];
	char buf[100];

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(io_write_all(fds[1], "0123456789abcdefghij", 20), 0);
	close(fds[1]);
	/* Fewer bytes than asked only at end of file, and all of them. */
	ck_assert_int_eq(io_read_full(fds[0], buf, sizeof(buf)), 20);
	ck_assert(memcmp(buf, "0123456789abcdefghij", 20) == 0);
	ck_assert_int_eq(io_read_full(fds[0], buf, 0), 0);
	close(fds[0]);

	/* Errors come back as -errno. */
	ck_assert_int_eq(io_read_full(fds[0], buf, sizeof(buf)), -EBADF);
	ck_assert_int_eq(io_write_all(fds[1], buf, 10), -EBADF);
	ck_assert_int_eq(io_write_all(fds[1], buf, 0), 0); /* nothing to write: no call */

	/* A pipe nobody reads: EPIPE (SIGPIPE ignored, as the runner does). */
	signal(SIGPIPE, SIG_IGN);
	ck_assert_int_eq(pipe(fds), 0);
	close(fds[0]);
	ck_assert_int_eq(io_write_all(fds[1], buf, 10), -EPIPE);
	close(fds[1]);
}
END_TEST

Suite *unit_suite(void)
{
	Suite *s = suite_create("unit");
	TCase *tc = tcase_create("unit");
	tcase_add_test(tc, test_both_kinds_share_the_arena);
	tcase_add_loop_test(tc, test_process_crash_reports_signal, 0,
			    (int)(sizeof(crash_signals) / sizeof(crash_signals[0])));
	tcase_add_test(tc, test_process_resets_dispositions);
	tcase_add_test(tc, test_exit_code_passthrough);
	tcase_add_test(tc, test_pinning);
	tcase_add_test(tc, test_pinning_to_unavailable_cpu);
	tcase_add_test(tc, test_pin_self_rejects_bad_cpu);
	tcase_add_test(tc, test_shared_vm_is_a_process_on_our_memory);
	tcase_add_test(tc, test_shared_vm_signalled);
	tcase_add_test(tc, test_shared_vm_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("io");
	tcase_add_loop_test(tc, test_io_large_payload_through_pipe, 0, 2);
	tcase_add_test(tc, test_io_short_at_eof_and_errors);
	suite_add_tcase(s, tc);
	return s;
}
