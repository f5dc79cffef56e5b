/*
 * libFuzzer target: a GetProducts page (awsJson1.1) through the streaming parser, PriceList
 * strings parsed again as JSON documents. The input is fed in two chunks cut where its first
 * byte says, so token boundaries fall everywhere.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "providers/fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct providers_fetch_opts o;
	struct fetch_ctx c;
	struct aws_products *p = NULL;
	struct err e = ERR_INIT;
	size_t cut = size ? data[0] % size : 0, i;
	int rc;

	memset(&o, 0, sizeof(o));
	fetch_ctx_init(&c, &o);
	if (aws_products_new(&p, &c, "us-east-1", "fuzz", &e) < 0)
		return 0;
	rc = aws_products_feed(p, (const char *)data, cut, &e);
	if (rc == 0)
		rc = aws_products_feed(p, (const char *)data + cut, size - cut, &e);
	if (rc == 0)
		rc = aws_products_finish(p, &e);
	/* whatever was accepted must be a sane offering */
	for (i = 0; i < c.noffers; i++)
		if (c.offers[i].gpus <= 0)
			__builtin_trap();
	aws_products_free(p);
	fetch_ctx_release(&c);
	return 0;
}
