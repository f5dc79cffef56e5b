/* libFuzzer target: an Azure Retail Prices page through the streaming parser. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "providers/fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct providers_fetch_opts o;
	struct fetch_ctx c;
	struct azure_page *p = NULL;
	struct err e = ERR_INIT;
	size_t cut = size ? data[0] % size : 0, i;
	int rc;

	memset(&o, 0, sizeof(o));
	fetch_ctx_init(&c, &o);
	if (azure_page_new(&p, &c, "fuzz", &e) < 0)
		return 0;
	rc = azure_page_feed(p, (const char *)data, cut, &e);
	if (rc == 0)
		rc = azure_page_feed(p, (const char *)data + cut, size - cut, &e);
	if (rc == 0)
		rc = azure_page_finish(p, &e);
	for (i = 0; i < c.noffers; i++)
		if (!isnan(c.offers[i].ondemand) && !(c.offers[i].ondemand > 0))
			__builtin_trap();
	azure_page_free(p);
	fetch_ctx_release(&c);
	return 0;
}
