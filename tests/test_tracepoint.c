// SPDX-License-Identifier: MIT
/*
 * Tests for core/tracepoint. The fallback first, on any machine: a tracefs
 * root that does not exist, or one that has no such event, says which.
 * Then, where this machine lets tlb:tlb_flush be read, a counter opens and
 * counts forwards; where it does not, the reason is one of the documented
 * ones. Only what holds everywhere is asserted: counts never go back.
 */
#include <errno.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "core/tracepoint.h"
#include "suites.h"

START_TEST(test_missing_root_is_no_tracefs)
{
	uint64_t id = 7;
	ck_assert_int_eq(tracepoint_id("/nonexistent/ptlab/tracing", "tlb", "tlb_flush", &id),
			 -ENODEV);
	ck_assert_uint_eq(id, 7);
}
END_TEST

/* A tracefs with events but not this one; and one that has it. */
START_TEST(test_fake_tracefs)
{
	char root[] = "/tmp/ptlab-tracefs-XXXXXX", path[256];
	uint64_t id = 0;
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/events", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(tracepoint_id(root, "tlb", "tlb_flush", &id), -ENOENT);
	snprintf(path, sizeof(path), "%s/events/tlb", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/events/tlb/tlb_flush", root);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/events/tlb/tlb_flush/id", root);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("1234\n", f);
	fclose(f);
	ck_assert_int_eq(tracepoint_id(root, "tlb", "tlb_flush", &id), 0);
	ck_assert_uint_eq(id, 1234);
	unlink(path);
	snprintf(path, sizeof(path), "%s/events/tlb/tlb_flush", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/events/tlb", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/events", root);
	rmdir(path);
	rmdir(root);
}
END_TEST

START_TEST(test_tlb_flush_where_readable)
{
	uint64_t id, a = 0, b = 0;
	int err = tracepoint_id(NULL, "tlb", "tlb_flush", &id);
	if (err) {
		ck_assert_msg(err == -ENODEV || err == -ENOENT || err == -EACCES || err == -EPERM,
			      "tracepoint_id: %d", err);
		return;
	}
	int fd = tracepoint_open_cpu(id, 0);
	if (fd < 0) {
		ck_assert_msg(fd == -EACCES || fd == -EPERM || fd == -ENOENT || fd == -ENODEV ||
				      fd == -EOPNOTSUPP || fd == -EINVAL,
			      "perf_event_open: %d (paranoid %d)", fd, tracepoint_paranoid());
		return;
	}
	ck_assert_int_eq(tracepoint_read(fd, &a), 0);
	for (int i = 0; i < 100; i++)
		sched_yield();
	ck_assert_int_eq(tracepoint_read(fd, &b), 0);
	ck_assert_uint_ge(b, a);
	close(fd);
}
END_TEST

Suite *tracepoint_suite(void)
{
	Suite *s = suite_create("tracepoint");
	TCase *tc = tcase_create("tracepoint");
	tcase_add_test(tc, test_missing_root_is_no_tracefs);
	tcase_add_test(tc, test_fake_tracefs);
	tcase_add_test(tc, test_tlb_flush_where_readable);
	suite_add_tcase(s, tc);
	return s;
}
