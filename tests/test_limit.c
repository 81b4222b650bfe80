// SPDX-License-Identifier: MIT
/*
 * Tests of core/limit's checks before the fact, both ways: under a lowered
 * RLIMIT_NOFILE, what fits gives 0 and what does not gives -EMFILE with a
 * phrase naming the total and the limit, and a limit of that total is
 * enough; the same for RLIMIT_NPROC as a user it binds (nobody, when run as
 * root, in a child), and never for root. Then the phrases of the failures
 * met during a measurement that the server experiment added (an epoll
 * watch, a local port). Limits are changed in this test's own process (Check
 * forks each test) or in a child, and put back.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/limit.h"
#include "suites.h"

/* Sets the soft limit of res to cur, saving the old limits in *old. */
static void set_soft(int res, rlim_t cur, struct rlimit *old)
{
	ck_assert_int_eq(getrlimit(res, old), 0);
	struct rlimit low = *old;
	low.rlim_cur = cur;
	ck_assert_int_eq(setrlimit(res, &low), 0);
}

static const struct ev_form *const tables[] = { limit_forms, ev_forms_common, NULL };

/* A check before the fact, with its evidence phrased into why. */
static int phrased(int (*check)(uint64_t, struct ev_note *), uint64_t need, char *why, size_t size)
{
	struct ev_note note;
	int err = check(need, &note);
	if (err)
		ev_render(&note.msg, tables, why, size);
	return err;
}

#define need_fds(n, why, size) phrased(limit_need_fds, n, why, size)
#define need_tasks(n, why, size) phrased(limit_need_tasks, n, why, size)

START_TEST(test_fds_both_ways)
{
	char why[160], tail[96];
	unsigned long long total = 0;
	struct rlimit old, unused;
	int lowest = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(lowest, 0);
	close(lowest);

	rlim_t lim = (rlim_t)lowest + 5; /* five numbers free, and any held above */
	set_soft(RLIMIT_NOFILE, lim, &old);
	ck_assert_int_eq(need_fds(0, why, sizeof(why)), 0);
	ck_assert_int_eq(need_fds(5, why, sizeof(why)), 0);
	ck_assert_int_eq(need_fds(6, why, sizeof(why)), -EMFILE);
	snprintf(tail, sizeof(tail), " open files, the open-file limit is %llu (ulimit -n)",
		 (unsigned long long)lim);
	ck_assert_msg(sscanf(why, "needs %llu", &total) == 1 && strstr(why, tail) &&
			      total > (unsigned long long)lim,
		      "%s", why);
	/* The total it names is enough. */
	set_soft(RLIMIT_NOFILE, (rlim_t)total, &unused);
	ck_assert_int_eq(need_fds(6, why, sizeof(why)), 0);

	/* The test build can turn the check off. */
	set_soft(RLIMIT_NOFILE, lim, &unused);
	limit_checks_off = true;
	ck_assert_int_eq(need_fds(1000, why, sizeof(why)), 0);
	limit_checks_off = false;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
}
END_TEST

/* What a child checking tasks saw, in a shared mapping. */
struct task_check {
	int short_err, enough_err;
	unsigned long long total;
	char why[160];
};

/*
 * RLIMIT_NPROC as a user it binds: in a child, as nobody when this is
 * root. A limit of 1 is short by at least the child itself; a limit of the
 * total it names is enough. Root is never held back by it.
 */
START_TEST(test_tasks_both_ways)
{
	struct task_check *tc =
		mmap(NULL, sizeof(*tc), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(tc, MAP_FAILED);
	struct passwd *pw = geteuid() == 0 ? getpwnam("nobody") : NULL;
	if (geteuid() == 0 && !pw) {
		fprintf(stderr, "tasks both ways skipped: no user nobody\n");
		return;
	}
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rl;
		char root_why[160];
		if (geteuid() == 0) {
			/* Root first: not bound, whatever the limit. */
			getrlimit(RLIMIT_NPROC, &rl);
			rl.rlim_cur = 1;
			if (setrlimit(RLIMIT_NPROC, &rl) != 0 ||
			    need_tasks(1000, root_why, sizeof(root_why)) != 0)
				_exit(2);
			if (setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
				_exit(3);
		}
		getrlimit(RLIMIT_NPROC, &rl);
		rl.rlim_cur = 1;
		if (setrlimit(RLIMIT_NPROC, &rl) != 0)
			_exit(4);
		tc->short_err = need_tasks(1, tc->why, sizeof(tc->why));
		if (sscanf(tc->why, "needs %llu", &tc->total) != 1 || tc->total > rl.rlim_max)
			_exit(5);
		rl.rlim_cur = (rlim_t)tc->total;
		if (setrlimit(RLIMIT_NPROC, &rl) != 0)
			_exit(6);
		char unused[160];
		tc->enough_err = need_tasks(1, unused, sizeof(unused));
		_exit(0);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child ended %d (%s)", status,
		      tc->why);
	ck_assert_int_eq(tc->short_err, -EAGAIN);
	ck_assert_uint_ge(tc->total, 2);
	ck_assert_msg(strstr(tc->why, " processes and threads, the process limit is 1 (ulimit -u)"),
		      "%s", tc->why);
	ck_assert_int_eq(tc->enough_err, 0);
	munmap(tc, sizeof(*tc));
}
END_TEST

/* The failures met during a load, each in words that name what to raise. */
START_TEST(test_explain_load_failures)
{
	char buf[256];
	struct rlimit old;
	set_soft(RLIMIT_NOFILE, 64, &old);
	ck_assert_str_eq(limit_explain(LIMIT_FD, -EMFILE, buf, sizeof(buf)),
			 "the open-file limit is reached (ulimit -n: 64)");
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
	ck_assert_ptr_nonnull(strstr(limit_explain(LIMIT_EPOLL, -ENOSPC, buf, sizeof(buf)),
				     "(fs.epoll.max_user_watches: "));
	ck_assert_ptr_nonnull(strstr(limit_explain(LIMIT_CONNECT, -EADDRNOTAVAIL, buf, sizeof(buf)),
				     "(net.ipv4.ip_local_port_range: "));
	/* No limit explains a refusal: it reads as strerror() does. */
	char refused[128];
	snprintf(refused, sizeof(refused), "%s (ECONNREFUSED)", strerror(ECONNREFUSED));
	ck_assert_str_eq(limit_explain(LIMIT_CONNECT, -ECONNREFUSED, buf, sizeof(buf)), refused);
}
END_TEST

Suite *limit_suite(void)
{
	Suite *s = suite_create("limit");
	TCase *tc = tcase_create("limit");
	tcase_add_test(tc, test_fds_both_ways);
	tcase_add_test(tc, test_tasks_both_ways);
	tcase_add_test(tc, test_explain_load_failures);
	suite_add_tcase(s, tc);
	return s;
}
