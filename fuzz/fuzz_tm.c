/* libFuzzer target: ISO 8601 times and weeks, as every CSV and flag gives them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/tm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64], back[TM_ISO_LEN];
	int64_t t, t2;

	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (tm_parse(s, &t) == 0 && t > -62135596800LL && t < 253402300799LL) {
		/* what we format we must read back to the same second */
		tm_format(t, back);
		if (tm_parse(back, &t2) != 0 || t2 != t)
			abort();
	}
	if (tm_parse_isoweek(s, &t) == 0) {
		tm_format_isoweek(t, back);
		if (tm_parse_isoweek(back, &t2) != 0 || t2 != t)
			abort();
	}
	return 0;
}
