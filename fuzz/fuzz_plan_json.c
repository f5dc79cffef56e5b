/* libFuzzer target: reading a plan back from JSON (apply --plan-file takes user files). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "planner/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan_result *r = NULL;
	struct err e = ERR_INIT;
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (plan_from_json(&r, s, "fuzz.json", &e) == 0)
		plan_result_free(r);
	free(s);
	return 0;
}
