/*
 * Parse throughput and peak memory of the price parsers: a generated GetProducts body of
 * --mb megabytes (default 256; one response, PriceList items of ~2.7 KB with OnDemand and
 * six Reserved terms, JSON strings inside JSON) and --pages Azure Retail Prices pages of 1,000
 * items (default 100). The body is generated in 64 KB chunks and fed as it is made, the way
 * a response arrives, so the figure is the parser's memory, not the body's. Only the time
 * spent inside the parsers is counted.
 *
 * usage: bench_parse [--mb N] [--pages N]
 * Prints MB/s per parser and the process's peak RSS; exits 1 when RSS reaches 64 MB.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "providers/fetch.h"
#include "util/buf.h"

/*
 * CPU time of this thread: the machine is shared, and wall time would count the minutes the
 * parser spent waiting for a core.
 */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

struct feeder {
	struct buf chunk;
	double busy;
	unsigned long long bytes;
	int (*feed)(void *, const char *, size_t, struct err *);
	void *arg;
	struct err *e;
};

/* Feeds the chunk to the parser once it holds 64 KB (or at the end). */
static int flush(struct feeder *f, int force)
{
	double t;
	int rc;

	if (f->chunk.len < 65536 && !force)
		return 0;
	t = now();
	rc = f->feed(f->arg, f->chunk.p, f->chunk.len, f->e);
	f->busy += now() - t;
	f->bytes += f->chunk.len;
	buf_reset(&f->chunk);
	return rc;
}

static const char *const aws_types[] = {
	"p4d.24xlarge", "p5.48xlarge", "g5.xlarge", "g6e.12xlarge", "g4dn.2xlarge",
	"m5.large", "c6i.4xlarge", "p3.8xlarge", "g6.48xlarge", "inf2.xlarge",
};

/* One PriceList document, as JSON text (then escaped into a string by the caller). */
static void product_doc(struct buf *d, unsigned long i)
{
	const char *t = aws_types[i % 10];
	static const char *const opts[][3] = {
		{ "1yr", "standard", "No Upfront" }, { "1yr", "standard", "Partial Upfront" },
		{ "1yr", "convertible", "All Upfront" }, { "3yr", "standard", "No Upfront" },
		{ "3yr", "standard", "Partial Upfront" }, { "3yr", "convertible", "All Upfront" },
	};
	int k;

	buf_reset(d);
	buf_printf(d, "{\"product\":{\"productFamily\":\"Compute Instance\",\"attributes\":{"
		   "\"enhancedNetworkingSupported\":\"Yes\",\"intelTurboAvailable\":\"No\","
		   "\"memory\":\"1,152 GiB\",\"dedicatedEbsThroughput\":\"19000 Mbps\","
		   "\"vcpu\":\"96\",\"classicnetworkingsupport\":\"false\",\"capacitystatus\":"
		   "\"Used\",\"locationType\":\"AWS Region\",\"storage\":\"8 x 1000 SSD\","
		   "\"instanceFamily\":\"GPU instance\",\"operatingSystem\":\"Linux\","
		   "\"regionCode\":\"us-east-1\",\"physicalProcessor\":\"Intel Xeon P-8275CL\","
		   "\"gpu\":\"8\",\"servicename\":\"Amazon Elastic Compute Cloud\",\"instanceType\":"
		   "\"%s\",\"tenancy\":\"Shared\",\"usagetype\":\"BoxUsage:%s\",\"normalizationSizeFactor\":"
		   "\"192\",\"preInstalledSw\":\"NA\",\"licenseModel\":\"No License required\","
		   "\"location\":\"US East (N. Virginia)\",\"operation\":\"RunInstances\"},"
		   "\"sku\":\"SKU%010lu\"},\"serviceCode\":\"AmazonEC2\",\"terms\":{\"OnDemand\":{"
		   "\"SKU%010lu.JRTCKXETXF\":{\"priceDimensions\":{\"SKU%010lu.JRTCKXETXF.6YS6EN2CT7\":{"
		   "\"unit\":\"Hrs\",\"endRange\":\"Inf\",\"description\":\"$32.7726 per On Demand "
		   "Linux instance hour\",\"appliesTo\":[],\"rateCode\":\"R\",\"beginRange\":\"0\","
		   "\"pricePerUnit\":{\"USD\":\"%lu.7726000000\"}}},\"sku\":\"S\",\"effectiveDate\":"
		   "\"2025-11-01T00:00:00Z\",\"offerTermCode\":\"JRTCKXETXF\",\"termAttributes\":{}}},"
		   "\"Reserved\":{", t, t, i, i, i, 10 + i % 50);
	for (k = 0; k < 6; k++)
		buf_printf(d, "%s\"SKU%010lu.T%d\":{\"priceDimensions\":{\"A\":{\"unit\":\"Quantity\","
			   "\"description\":\"Upfront Fee\",\"beginRange\":\"0\",\"pricePerUnit\":"
			   "{\"USD\":\"%d\"}},\"B\":{\"unit\":\"Hrs\",\"beginRange\":\"0\",\"endRange\":"
			   "\"Inf\",\"pricePerUnit\":{\"USD\":\"%d.49\"}}},\"effectiveDate\":"
			   "\"2025-11-01T00:00:00Z\",\"termAttributes\":{\"LeaseContractLength\":\"%s\","
			   "\"OfferingClass\":\"%s\",\"PurchaseOption\":\"%s\"}}", k ? "," : "", i, k,
			   100000 + k * 1000, 4 + k, opts[k][0], opts[k][1], opts[k][2]);
	buf_puts(d, "}},\"version\":\"20251120183000\",\"publicationDate\":\"2025-11-20T18:30:00Z\"}");
}

static int bench_aws(unsigned long long target, struct err *e)
{
	struct providers_fetch_opts o;
	struct fetch_ctx c;
	struct aws_products *p = NULL;
	struct feeder f;
	struct buf doc = BUF_INIT;
	unsigned long i = 0;
	size_t k;
	int rc;

	memset(&o, 0, sizeof(o));
	memset(&f, 0, sizeof(f));
	fetch_ctx_init(&c, &o);
	if ((rc = aws_products_new(&p, &c, "us-east-1", "bench", e)) < 0)
		return rc;
	f.feed = aws_products_feed;
	f.arg = p;
	f.e = e;
	buf_puts(&f.chunk, "{\"FormatVersion\":\"aws_v1\",\"PriceList\":[");
	while (f.bytes + f.chunk.len < target) {
		product_doc(&doc, i);
		if (i++)
			buf_putc(&f.chunk, ',');
		buf_putc(&f.chunk, '"');
		for (k = 0; k < doc.len; k++) {
			if (doc.p[k] == '"')
				buf_putc(&f.chunk, '\\');
			buf_putc(&f.chunk, doc.p[k]);
		}
		buf_putc(&f.chunk, '"');
		if ((rc = flush(&f, 0)) < 0)
			goto out;
	}
	buf_puts(&f.chunk, "],\"NextToken\":\"\"}");
	if ((rc = flush(&f, 1)) < 0)
		goto out;
	{
		double t = now();

		rc = aws_products_finish(p, e);
		f.busy += now() - t;
	}
	if (rc < 0)
		goto out;
	printf("GetProducts: %.1f MB in one body, %lu products, %zu offerings, %.2f CPU s in the "
	       "parser: %.1f MB/s\n", f.bytes / 1e6, i, c.noffers, f.busy, f.bytes / 1e6 / f.busy);
out:
	buf_release(&doc);
	buf_release(&f.chunk);
	aws_products_free(p);
	fetch_ctx_release(&c);
	return rc;
}

static const char *const az_skus[] = {
	"Standard_ND96asr_v4", "Standard_NC24ads_A100_v4", "Standard_D2s_v3", "Standard_E8s_v5",
	"Standard_NC4as_T4_v3", "Standard_ND96isr_H100_v5", "Standard_F4s_v2", "Standard_NV36ads_A10_v5",
};

static int bench_azure(int pages, struct err *e)
{
	struct providers_fetch_opts o;
	struct fetch_ctx c;
	double busy = 0;
	unsigned long long bytes = 0;
	int pg, rc = 0;

	memset(&o, 0, sizeof(o));
	fetch_ctx_init(&c, &o);
	for (pg = 0; pg < pages && rc == 0; pg++) {
		struct azure_page *p = NULL;
		struct feeder f;
		int i;

		memset(&f, 0, sizeof(f));
		if ((rc = azure_page_new(&p, &c, "bench", e)) < 0)
			break;
		f.feed = azure_page_feed;
		f.arg = p;
		f.e = e;
		buf_puts(&f.chunk, "{\"BillingCurrency\":\"USD\",\"CustomerEntityId\":\"Default\","
			 "\"CustomerEntityType\":\"Retail\",\"Items\":[");
		for (i = 0; i < 1000 && rc == 0; i++) {
			const char *sku = az_skus[(pg * 1000 + i) % 8];
			int kind = i % 5;

			buf_printf(&f.chunk, "%s{\"currencyCode\":\"USD\",\"tierMinimumUnits\":0.0,"
				   "\"retailPrice\":%d.197,\"unitPrice\":%d.197,\"armRegionName\":"
				   "\"eastus\",\"location\":\"US East\",\"effectiveStartDate\":"
				   "\"2024-05-01T00:00:00Z\",\"meterId\":\"3f0c9e8a-0000-4c1b-9d2e-%012d\","
				   "\"meterName\":\"X%s\",\"productId\":\"DZH318Z0BQ4C\",\"skuId\":"
				   "\"DZH318Z0BQ4C/00A1\",\"productName\":\"Virtual Machines X Series%s\","
				   "\"skuName\":\"X%s\",\"serviceName\":\"Virtual Machines\",\"serviceId\":"
				   "\"DZH313Z7MMC8\",\"serviceFamily\":\"Compute\",\"unitOfMeasure\":"
				   "\"1 Hour\",\"type\":\"%s\",%s\"isPrimaryMeterRegion\":true,"
				   "\"armSkuName\":\"%s\",\"savingsPlan\":[{\"unitPrice\":1.5,"
				   "\"retailPrice\":1.5,\"term\":\"3 Years\"},{\"unitPrice\":2.5,"
				   "\"retailPrice\":2.5,\"term\":\"1 Year\"}]}", i ? "," : "",
				   1 + i % 40, 1 + i % 40, pg * 1000 + i, kind == 1 ? " Spot" : "",
				   kind == 2 ? " Windows" : "", kind == 1 ? " Spot" : "",
				   kind == 3 ? "Reservation" : "Consumption",
				   kind == 3 ? "\"reservationTerm\":\"1 Year\"," : "", sku);
			rc = flush(&f, 0);
		}
		if (rc == 0) {
			buf_printf(&f.chunk, "],\"NextPageLink\":\"https://prices.azure.com/api/retail/"
				   "prices?$skip=%d\",\"Count\":1000}", (pg + 1) * 1000);
			rc = flush(&f, 1);
		}
		if (rc == 0) {
			double t = now();

			rc = azure_page_finish(p, e);
			f.busy += now() - t;
		}
		busy += f.busy;
		bytes += f.bytes;
		buf_release(&f.chunk);
		azure_page_free(p);
	}
	if (rc == 0)
		printf("Azure: %d pages x 1000 items, %.1f MB, %zu offerings, %.2f CPU s in the parser: "
		       "%.1f MB/s\n", pages, bytes / 1e6, c.noffers, busy, bytes / 1e6 / busy);
	fetch_ctx_release(&c);
	return rc;
}

int main(int argc, char **argv)
{
	struct err e = ERR_INIT;
	unsigned long long mb = 256;
	int pages = 100, i;
	long rss;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--mb") == 0 && i + 1 < argc)
			mb = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--pages") == 0 && i + 1 < argc)
			pages = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: bench_parse [--mb N] [--pages N]\n");
			return 2;
		}
	}
	if (bench_aws(mb * 1000000ULL, &e) < 0 || bench_azure(pages, &e) < 0) {
		fprintf(stderr, "bench_parse: %s\n", e.msg);
		return 1;
	}
	rss = peak_rss_kb();
	printf("peak RSS: %.1f MB (target < 64 MB)\n", rss / 1024.0);
	return rss >= 64 * 1024 ? 1 : 0;
}
