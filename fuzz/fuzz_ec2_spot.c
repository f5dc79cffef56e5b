/* libFuzzer target: a DescribeSpotPriceHistory XML page through libxml2's push parser. */
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
	struct ec2_spot *s = NULL;
	struct err e = ERR_INIT;
	size_t cut = size ? data[0] % size : 0, i;
	int rc;

	memset(&o, 0, sizeof(o));
	fetch_ctx_init(&c, &o);
	if (ec2_spot_new(&s, &c, "us-east-1", "fuzz", &e) < 0)
		return 0;
	rc = ec2_spot_feed(s, (const char *)data, cut, &e);
	if (rc == 0)
		rc = ec2_spot_feed(s, (const char *)data + cut, size - cut, &e);
	if (rc == 0)
		rc = ec2_spot_finish(s, &e);
	for (i = 0; i < c.nspot; i++)
		if (!(c.spot[i].price > 0) || !isfinite(c.spot[i].price))
			__builtin_trap();
	ec2_spot_free(s);
	fetch_ctx_release(&c);
	return 0;
}
