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
#include <sys/resource.h>
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

static const enum unit_type kinds[] = { UNIT_PROCESS, UNIT_THREAD };

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
	j->cpu = sched_getcpu();
	return 0;
}

START_TEST(test_both_kinds_share_the_arena)
{
	struct shm_arena a;
	ck_assert_int_eq(shm_arena_create(&a, 4096), 0);

	for (size_t k = 0; k < 2; k++) {
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
		/* A process unit is another process; a thread unit is this one. */
		if (kinds[k] == UNIT_PROCESS)
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
	for (size_t k = 0; k < 2; k++) {
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

	for (size_t k = 0; k < 2; k++) {
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
	ck_assert_int_eq(unit_start(&u, UNIT_THREAD, write_job, j, CPU_SETSIZE), -EINVAL);
	shm_arena_destroy(&a);
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
	suite_add_tcase(s, tc);

	tc = tcase_create("io");
	tcase_add_loop_test(tc, test_io_large_payload_through_pipe, 0, 2);
	tcase_add_test(tc, test_io_short_at_eof_and_errors);
	suite_add_tcase(s, tc);
	return s;
}
