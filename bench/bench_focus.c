/*
 * bench_focus: FOCUS import speed (rows per second) and peak memory (RSS) on a big export.
 *
 *   build/bench/bench_focus [--mb 1024] [--keep] [FILE.csv[.gz]]
 *
 * Without FILE it writes a generated AWS-style FOCUS 1.0 export of about --mb megabytes
 * (rows as long as the FinOps sample's, a GPU instance row in four, a month of hours) to
 * $TMPDIR, then reads it with focus_read() as `usage import --focus` does. The claim: any
 * size in under 100 MB of RSS, since the reader streams and the aggregates are per hour.
 */
#include "planner/focus.h"
#include "util/tm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static int builtin(const char *provider, const char *type, char *gpu, size_t n, int *gpus)
{
	const struct providers_instance *pi = providers_instance_lookup(provider, type);

	if (pi == NULL)
		return 0;
	snprintf(gpu, n, "%s", pi->gpu_model);
	*gpus = pi->gpus;
	return 1;
}

/* Writes about mb megabytes of FOCUS 1.0 rows; returns the rows written. */
static unsigned long long generate(const char *path, long mb)
{
	static const char *const types[] = {
		"p4d.24xlarge", "g5.xlarge", "c5.2xlarge", "m5.large", "p5.48xlarge", "t3.micro",
		"g6.12xlarge", "r6i.xlarge",
	};
	static const char *const kinds[] = { "BoxUsage", "SpotUsage", "BoxUsage", "EBS:VolumeUsage" };
	FILE *f = fopen(path, "w");
	unsigned long long rows = 0, bytes = 0, limit = (unsigned long long)mb << 20;
	char start[TM_ISO_LEN], end[TM_ISO_LEN];
	int64_t t0 = tm_from_civil(2026, 10, 1) * TM_DAY;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	bytes += (unsigned long long)fprintf(f,
		"AvailabilityZone,BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,"
		"BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,"
		"ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,CommitmentDiscountCategory,"
		"CommitmentDiscountId,CommitmentDiscountName,CommitmentDiscountStatus,"
		"CommitmentDiscountType,ConsumedQuantity,ConsumedUnit,ContractedCost,"
		"ContractedUnitPrice,EffectiveCost,InvoiceIssuerName,ListCost,ListUnitPrice,"
		"PricingCategory,PricingQuantity,PricingUnit,ProviderName,PublisherName,RegionId,"
		"RegionName,ResourceId,ResourceName,ResourceType,ServiceCategory,ServiceName,SkuId,"
		"SkuPriceId,SubAccountId,SubAccountName,Tags,x_UsageType\n");
	while (bytes < limit) {
		unsigned long long i = rows;
		int64_t h = t0 + (int64_t)(i % 744) * TM_HOUR;
		const char *type = types[(i / 7) % 8], *kind = kinds[i % 4];

		tm_format(h, start);
		tm_format(h + TM_HOUR, end);
		bytes += (unsigned long long)fprintf(f,
			"us-east-1a,%.6f,123456789012,SunBird,USD,2026-11-01T00:00:00Z,"
			"2026-10-01T00:00:00Z,Usage,,\"$1.0 per On Demand Linux %s Instance Hour\","
			"Usage-Based,%s,%s,,,,,,%.6f,Hours,0,0,%.6f,\"Amazon Web Services, Inc.\","
			"%.6f,1.0,Standard,1,Hours,AWS,\"Amazon Web Services, Inc.\",us-east-1,"
			"US East (N. Virginia),arn:aws:ec2:us-east-1:123456789012:instance/i-%016llx,,"
			"instance,Compute,Amazon Elastic Compute Cloud,SKU%llu,SKU%llu.JRTCKXETXF,"
			"123456789012,Zenith Eclipse,\"{\"\"application\"\": \"\"BrightLensMatrix\"\","
			" \"\"environment\"\": \"\"prod\"\", \"\"business_unit\"\": \"\"ViennaAI\"\"}\","
			"USE1-%s:%s\n",
			(double)(i % 100) / 7.0, type, end, start, (double)(i % 4 + 1) / 4.0,
			(double)(i % 100) / 7.0, (double)(i % 100) / 7.0, i, i % 997, i % 997, kind,
			type);
		rows++;
	}
	fclose(f);
	return rows;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	char tmp[512];
	long mb = 1024;
	int keep = 0, i, k, generated = 0;
	struct focus_opts o;
	struct focus_result *r = NULL;
	struct err e = ERR_INIT;
	double t, secs, cpu;
	clock_t c0;
	long rss0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--mb") == 0 && i + 1 < argc)
			mb = atol(argv[++i]);
		else if (strcmp(argv[i], "--keep") == 0)
			keep = 1;
		else
			path = argv[i];
	}
	if (path == NULL) {
		const char *d = getenv("TMPDIR");

		snprintf(tmp, sizeof(tmp), "%s/bench_focus_%ld.csv", d ? d : "/tmp", (long)getpid());
		unsigned long long n;

		t = now_s();
		printf("generating %ld MB of FOCUS rows in %s ...\n", mb, tmp);
		fflush(stdout);
		n = generate(tmp, mb);
		printf("  %llu rows in %.1f s\n", n, now_s() - t);
		path = tmp;
		generated = 1;
	}
	rss0 = peak_rss_kb();
	memset(&o, 0, sizeof(o));
	o.builtin = builtin;
	t = now_s();
	c0 = clock();
	if (focus_read(&r, path, &o, &e) < 0) {
		fprintf(stderr, "bench_focus: %s\n", e.msg);
		return 1;
	}
	secs = now_s() - t;
	cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
	printf("%s: %llu rows in %.2f s wall (%.0f rows/s), %.2f s CPU (%.0f rows/s);"
	       " %llu GPU rows, %.6g GPU-hours\n", path, r->rows, secs, (double)r->rows / secs,
	       cpu, (double)r->rows / cpu, r->gpu_rows, r->gpu_hours);
	for (k = 0; k < FOCUS_NREASONS; k++)
		if (r->malformed[k])
			printf("  malformed: %llu %s\n", r->malformed[k], focus_reason_text(k));
	printf("peak RSS: %.1f MB (%.1f MB before reading; claim: under 100 MB)\n",
	       (double)peak_rss_kb() / 1024, (double)rss0 / 1024);
	focus_result_free(r);
	if (generated && !keep)
		unlink(path);
	return peak_rss_kb() < 100 * 1024 ? 0 : 1;
}
