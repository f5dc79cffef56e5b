/*
 * Runs every CUnit suite. Each tests/test_<module>.c defines <module>_suite_register();
 * the Makefile generates suites.h listing them, so a new suite needs no edit here.
 * Exits non-zero on any failure. CAPPLAN_SUITE=name runs one suite.
 */
#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/testutil.h"

#define X(fn) void fn(void);
#include "suites.h"
#undef X

int main(void)
{
	unsigned fails;

	tu_init();
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
#define X(fn) fn();
#include "suites.h"
#undef X
	CU_basic_set_mode(getenv("CAPPLAN_TEST_VERBOSE") ? CU_BRM_VERBOSE : CU_BRM_NORMAL);
	if (getenv("CAPPLAN_SUITE")) {
		CU_pSuite s = CU_get_suite(getenv("CAPPLAN_SUITE"));

		if (s == NULL) {
			fprintf(stderr, "no suite %s\n", getenv("CAPPLAN_SUITE"));
			return 2;
		}
		CU_basic_run_suite(s);
	} else {
		CU_basic_run_tests();
	}
	fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed() +
		tu_sanitizer_reports;
	if (tu_sanitizer_reports)
		fprintf(stderr, "%u sanitizer report(s) from child processes: see above\n",
			tu_sanitizer_reports);
	if (CU_get_error() != CUE_SUCCESS)
		fails++;
	printf("\n%u passed, %u failed\n", CU_get_number_of_tests_run() - CU_get_number_of_tests_failed(),
	       CU_get_number_of_tests_failed());
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
