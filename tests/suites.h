// SPDX-License-Identifier: MIT
/* Every test suite; tests/main.c runs them all, tests/check_one.c one. */
#ifndef PTLAB_TESTS_SUITES_H
#define PTLAB_TESTS_SUITES_H

#include <check.h>

Suite *stats_suite(void);
Suite *units_suite(void);
Suite *param_suite(void);
Suite *sysinfo_suite(void);
Suite *procfs_suite(void);
Suite *json_suite(void);
Suite *sampler_suite(void);
Suite *unit_suite(void);
Suite *limit_suite(void);
Suite *evidence_suite(void);
Suite *claims_suite(void);
/* The tests of claims/mechanism.c and claims/claims_why.c, added to the claims suite. */
void mechanism_tcases(Suite *s);
Suite *catalog_suite(void);
Suite *runner_suite(void);
Suite *report_suite(void);
Suite *create_suite(void);
Suite *switch_suite(void);
Suite *channel_suite(void);
Suite *ipc_suite(void);
Suite *isolation_suite(void);
Suite *crash_suite(void);
Suite *memory_suite(void);
Suite *sync_suite(void);
Suite *parallel_suite(void);
Suite *http_suite(void);
Suite *hist_suite(void);
Suite *httpd_suite(void);
Suite *loadgen_suite(void);
Suite *server_suite(void);
Suite *svg_suite(void);
Suite *html_suite(void);
Suite *formats_suite(void);
Suite *compare_suite(void);
Suite *po_suite(void);
Suite *cli_suite(void);
Suite *robust_suite(void);
Suite *tracepoint_suite(void);

#endif
