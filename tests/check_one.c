// SPDX-License-Identifier: MIT
/*
 * Runs one suite alone while a module is being written:
 *   gcc ... -DSUITE=stats_suite tests/check_one.c tests/test_stats.c ...
 */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(SUITE());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
