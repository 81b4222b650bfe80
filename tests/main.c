// SPDX-License-Identifier: MIT
/*
 * The test runner: every suite in one SRunner, so that Check prints one
 * summary line at the end. Check forks each test (CK_FORK), which is what
 * lets tests whose code forks, crashes or hangs run safely.
 */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(stats_suite());
	Suite *(*const more[])(void) = {
		units_suite,	 param_suite,  sysinfo_suite, procfs_suite,   json_suite,
		sampler_suite,	 unit_suite,   claims_suite,  catalog_suite,  runner_suite,
		report_suite,	 create_suite, switch_suite,  channel_suite,  ipc_suite,
		isolation_suite, crash_suite,  memory_suite,  sync_suite,     parallel_suite,
		http_suite,	 hist_suite,   httpd_suite,   loadgen_suite,  server_suite,
		svg_suite,	 html_suite,   formats_suite, compare_suite,  po_suite,
		cli_suite,	 robust_suite, limit_suite,   evidence_suite, tracepoint_suite,
	};
	for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		srunner_add_suite(sr, more[i]());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
