/* libFuzzer target: the RFC 4180 reader over arbitrary bytes (quotes, CR/LF, BOM, NULs). */
#include <stddef.h>
#include <stdint.h>

#include "util/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	csv_reader *r = NULL;
	struct err e = ERR_INIT;
	size_t i, total = 0;

	if (csv_open_mem(&r, (const char *)data, size, "fuzz.csv", &e) < 0)
		return 0;
	while (csv_next(r, &e) == 1) {
		for (i = 0; i < csv_nfields(r); i++)
			total += csv_field(r, i)[0] != '\0';
		(void)csv_find(r, "gpu_model");
	}
	csv_free(r);
	return total == (size_t)-1;
}
