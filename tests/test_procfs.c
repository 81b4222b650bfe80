// SPDX-License-Identifier: MIT
/*
 * Tests for core/procfs: each counter moves when the test causes what it
 * counts (faults and resident memory from touching fresh pages, a task
 * entry per thread, voluntary switches from blocking reads), a reaped pid
 * reads as gone, and /proc/meminfo fields are found or reported absent.
 * Only relative changes are asserted, with a wide margin, so that other
 * activity on the machine cannot make a test fail.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/procfs.h"
#include "suites.h"

#define REGION_BYTES (8u << 20)

START_TEST(test_self_basics)
{
	struct procfs_mem m;
	struct procfs_sched s;
	int tasks;

	ck_assert_int_eq(procfs_mem(0, &m), 0);
	ck_assert_uint_gt(m.rss_bytes, 0);
	ck_assert_uint_le(m.pss_bytes, m.rss_bytes);
	ck_assert_uint_le(m.anon_bytes, m.rss_bytes);
	ck_assert_int_eq(procfs_sched(0, &s), 0);
	ck_assert_int_ge(s.threads, 1);
	ck_assert_int_eq(procfs_task_count(0, &tasks), 0);
	ck_assert_int_eq(tasks, s.threads);
	/* The explicit pid reads the same process as 0. */
	ck_assert_int_eq(procfs_sched(getpid(), &s), 0);
	ck_assert_int_ge(s.threads, 1);
	ck_assert_int_eq(procfs_sched(-1, &s), -EINVAL);
}
END_TEST

START_TEST(test_touch_raises_rss_and_faults)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t pages = REGION_BYTES / (size_t)page;
	struct procfs_mem m0, m1;
	struct procfs_sched s0, s1;
	volatile char *p;

	p = mmap(NULL, REGION_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne((void *)p, MAP_FAILED);
	/* Huge pages would fault the region in a few 2 MiB steps. */
	madvise((void *)p, REGION_BYTES, MADV_NOHUGEPAGE);

	ck_assert_int_eq(procfs_mem(0, &m0), 0);
	ck_assert_int_eq(procfs_sched(0, &s0), 0);
	for (size_t i = 0; i < pages; i++)
		p[i * (size_t)page] = 1;
	ck_assert_int_eq(procfs_sched(0, &s1), 0);
	ck_assert_int_eq(procfs_mem(0, &m1), 0);

	ck_assert_uint_ge(m1.rss_bytes, m0.rss_bytes + REGION_BYTES / 2);
	ck_assert_uint_ge(m1.anon_bytes, m0.anon_bytes + REGION_BYTES / 2);
	ck_assert_uint_ge(s1.minor_faults, s0.minor_faults + pages / 2);
	ck_assert_uint_ge(s1.major_faults, s0.major_faults);
	munmap((void *)p, REGION_BYTES);
}
END_TEST

struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int started, release;
};

static void *thread_wait(void *arg)
{
	struct gate *g = arg;

	pthread_mutex_lock(&g->lock);
	g->started = 1;
	pthread_cond_broadcast(&g->cond);
	while (!g->release)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

START_TEST(test_task_count_follows_threads)
{
	struct gate g = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	struct procfs_sched s;
	pthread_t t;
	int before, during, after;

	ck_assert_int_eq(procfs_task_count(0, &before), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, thread_wait, &g), 0);
	pthread_mutex_lock(&g.lock);
	while (!g.started)
		pthread_cond_wait(&g.cond, &g.lock);
	pthread_mutex_unlock(&g.lock);

	ck_assert_int_eq(procfs_task_count(0, &during), 0);
	ck_assert_int_eq(during, before + 1);
	ck_assert_int_eq(procfs_sched(0, &s), 0);
	ck_assert_int_eq(s.threads, during);

	pthread_mutex_lock(&g.lock);
	g.release = 1;
	pthread_cond_broadcast(&g.cond);
	pthread_mutex_unlock(&g.lock);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(procfs_task_count(0, &after), 0);
	ck_assert_int_eq(after, before);
}
END_TEST

START_TEST(test_reaped_child_is_gone)
{
	struct procfs_mem m;
	struct procfs_sched s;
	int status, n;
	pid_t pid;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));

	ck_assert_int_eq(procfs_sched(pid, &s), -ENOENT);
	ck_assert_int_eq(procfs_mem(pid, &m), -ENOENT);
	ck_assert_int_eq(procfs_task_count(pid, &n), -ENOENT);
}
END_TEST

/*
 * Child for the switch test: echoes each byte of in to out, blocking on
 * every read, until in reaches end of file.
 */
__attribute__((noreturn)) static void echo_child(int in, int out)
{
	char c;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (read(in, &c, 1) == 1) {
		if (write(out, &c, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

START_TEST(test_blocked_child_switches_voluntarily)
{
	int to_child[2], from_child[2], status;
	struct procfs_sched s;
	uint64_t deadline;
	pid_t pid;
	char c = 'x';

	ck_assert_int_eq(pipe(to_child), 0);
	ck_assert_int_eq(pipe(from_child), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(to_child[1]);
		close(from_child[0]);
		echo_child(to_child[0], from_child[1]);
	}
	close(to_child[0]);
	close(from_child[1]);

	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(write(to_child[1], &c, 1), 1);
		ck_assert_int_eq(read(from_child[0], &c, 1), 1);
	}

	/*
	 * The child is now blocked (or about to block) reading an empty pipe;
	 * wait for the count to show it, with a generous deadline.
	 */
	deadline = clock_now_ns() + 5000000000ull;
	do {
		ck_assert_int_eq(procfs_sched(pid, &s), 0);
		if (s.voluntary_switches > 0)
			break;
		sched_yield();
	} while (clock_now_ns() < deadline);
	ck_assert_uint_gt(s.voluntary_switches, 0);
	ck_assert_int_eq(s.threads, 1);

	close(to_child[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(from_child[0]);
}
END_TEST

START_TEST(test_meminfo)
{
	uint64_t total = 0, avail = 0, v = 42;

	ck_assert_int_eq(procfs_meminfo("MemTotal", &total), 0);
	ck_assert_uint_gt(total, 0);
	/* kB converted to bytes: a multiple of 1024. */
	ck_assert_uint_eq(total % 1024, 0);
	ck_assert_int_eq(procfs_meminfo("MemAvailable", &avail), 0);
	ck_assert_uint_le(avail, total);
	ck_assert_int_eq(procfs_meminfo("NoSuchField", &v), -ENOENT);
	ck_assert_uint_eq(v, 42);
	/* A prefix of a real field is not that field. */
	ck_assert_int_eq(procfs_meminfo("MemTota", &v), -ENOENT);
	ck_assert_int_eq(procfs_meminfo("", &v), -EINVAL);
}
END_TEST

Suite *procfs_suite(void)
{
	Suite *s = suite_create("procfs");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_self_basics);
	tcase_add_test(tc, test_touch_raises_rss_and_faults);
	tcase_add_test(tc, test_task_count_follows_threads);
	tcase_add_test(tc, test_reaped_child_is_gone);
	tcase_add_test(tc, test_blocked_child_switches_voluntarily);
	tcase_add_test(tc, test_meminfo);
	suite_add_tcase(s, tc);
	return s;
}
