/*
 * libFuzzer target: the FOCUS importer (planner/focus.c) over arbitrary bytes: header
 * lookup, dialect detection, SKU-details JSON, units, periods, hourly spreading.
 */
#include <stddef.h>
#include <stdint.h>

#include "planner/focus.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct focus_opts o = { NULL, 0, NULL, 0, 0 };
	struct focus_result *r = NULL;
	struct err e = ERR_INIT;
	size_t i, n = 0;

	if (focus_read_mem(&r, (const char *)data, size, "fuzz.csv", &o, &e) < 0)
		return 0;
	for (i = 0; i < r->nsources; i++)
		n += r->sources[i].nrows;
	focus_result_free(r);
	return n == (size_t)-1;
}
