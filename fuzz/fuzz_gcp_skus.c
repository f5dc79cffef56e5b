/*
 * libFuzzer target: a Cloud Billing Catalog page of SKUs through the streaming parser, then
 * the VM price composition for one region.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "providers/fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const regions[] = { "us-central1" };
	struct providers_fetch_opts o;
	struct fetch_ctx c;
	struct gcp_prices *g = NULL;
	struct gcp_page *p = NULL;
	struct err e = ERR_INIT;
	size_t cut = size ? data[0] % size : 0, i;
	int rc;

	memset(&o, 0, sizeof(o));
	o.provider = "gcp";
	o.regions = regions;
	o.nregions = 1;
	fetch_ctx_init(&c, &o);
	if (gcp_prices_new(&g, &c, &e) < 0 || gcp_page_new(&p, g, "fuzz", &e) < 0)
		goto out;
	rc = gcp_page_feed(p, (const char *)data, cut, &e);
	if (rc == 0)
		rc = gcp_page_feed(p, (const char *)data + cut, size - cut, &e);
	if (rc == 0)
		rc = gcp_page_finish(p, &e);
	if (rc == 0 && gcp_compose(g, &e) == 0)
		for (i = 0; i < c.noffers; i++)
			if (!isnan(c.offers[i].ondemand) && !(c.offers[i].ondemand > 0))
				__builtin_trap();
out:
	gcp_page_free(p);
	gcp_prices_free(g);
	fetch_ctx_release(&c);
	return 0;
}
