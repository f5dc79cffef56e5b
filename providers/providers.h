#ifndef PROVIDERS_H
#define PROVIDERS_H
/*
 * providers/: everything capplan knows about clouds. The normalized offering record
 * that crosses into planner/, the canonical GPU names shared by every importer, and
 * (later) the adapters that fetch catalogs and prices and carry out fleet changes.
 */
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* One purchasable offering: a (provider, region, instance type) and its prices. */
struct offering {
	char provider[16];	/* "aws", "gcp", "azure" (any lower-case name is accepted) */
	char region[48];
	char instance_type[64];
	char gpu_model[32];	/* canonical: "H100-80GB", "A100-40GB", "L4", ... */
	int gpus;		/* GPUs per instance, > 0 */
	int vcpus;		/* 0 = unknown */
	double memory_gib;	/* 0 = unknown */
	/* USD per instance-hour; NAN = not offered. Reserved: effective hourly over the term. */
	double ondemand;
	double spot;
	double reserved_1y;
	double reserved_3y;
	double spot_interruption;	/* expected fraction of spot capacity lost per hour; NAN = unknown */
};

/* Writes "provider/region/instance_type", the offering id of every contract. */
void providers_offering_id(const struct offering *o, char *out, size_t n);

/*
 * Checks an offering's fields are sane (names present and printable, gpus > 0, prices
 * finite, >= 0 and under PROVIDERS_MAX_HOURLY, the rate in 0..1). Returns 0, or ERR_INPUT
 * naming the first bad field in e (without location: the caller adds file and line).
 */
#define PROVIDERS_MAX_HOURLY 1000.0
int providers_offering_check(const struct offering *o, struct err *e);

/*
 * Maps a GPU name as the clouds, DCGM or kube-state-metrics spell it ("NVIDIA A100-SXM4-40GB",
 * "NVIDIA-A100-SXM4-40GB", "nvidia-tesla-t4", "H100") to the canonical name. Returns NULL
 * when the name is unknown. Canonical names map to themselves.
 */
const char *providers_gpu_canonical(const char *raw);

/*
 * The built-in table of GPU instance types (facts from the providers' documentation; sizes
 * with a fraction of a GPU are left out). Types are spelled as each API spells them: AWS
 * "p4d.24xlarge", Azure armSkuName "Standard_ND96asr_v4", GCP machine types "a2-highgpu-1g"
 * and, for N1 VMs with attached GPUs, "n1-standard-8+t4x1" (machine "+" accelerator "x" count).
 * Entries are static: pointers stay valid for the life of the program.
 */
struct providers_instance {
	const char *provider;		/* "aws", "gcp", "azure" */
	const char *type;
	const char *gpu_model;		/* canonical GPU name */
	int gpus;
	int vcpus;
	double memory_gib;		/* 0 = not in the table */
	const char *family;		/* AWS "p4d", Azure "NDasrA100_v4", GCP "a2", "a3", "g2", "n1" */
	const char *machine;		/* GCP: the machine type ("n1-standard-8"); else == type */
	const char *accelerator;	/* GCP accelerator type ("nvidia-tesla-t4"); NULL elsewhere */
};
/* The entry for (provider, type), or NULL. Azure types match with or without "Standard_". */
const struct providers_instance *providers_instance_lookup(const char *provider, const char *type);
/* The i-th entry (iteration), NULL past the end. */
const struct providers_instance *providers_instance_at(size_t i);

/* --- fetching catalogs from the providers' price APIs ---------------------------------------- */

/* One observed spot price: AWS per zone and time (DescribeSpotPriceHistory). */
struct providers_spot_point {
	char region[48];
	char zone[48];
	char instance_type[64];
	int64_t ts;		/* when the price took effect, seconds since the epoch */
	double price;		/* USD per instance-hour */
};

/* What a fetch needs to know. Strings are borrowed for the duration of the call. */
struct providers_fetch_opts {
	const char *provider;		/* "aws", "gcp" or "azure" */
	const char *const *regions;	/* the regions to fetch (provider spelling) */
	size_t nregions;
	/*
	 * Base URLs (config providers.<p>.endpoints.*), NULL for the public endpoints: AWS
	 * "pricing" and "ec2" (AWS_ENDPOINT_URL* win over these), Azure "prices", GCP "billing".
	 */
	const char *endpoint;		/* aws pricing, azure prices, gcp billing */
	const char *endpoint_ec2;	/* aws only */
	const char *api_key;		/* gcp only: the Cloud Billing API key (secret) */
	/* HTTP behaviour: 0 = the http.h defaults */
	long connect_timeout_ms;
	long timeout_ms;
	int max_attempts;
	long backoff_base_ms;
	long backoff_cap_ms;
	int64_t now;			/* the fetch's "now" (spot history window end) */
	int spot_history_days;		/* AWS spot history window; 0 = 7 days */
	/* One line per page or retry, for a progress display. May be NULL. */
	void (*progress)(void *arg, const char *line);
	void *progress_arg;
};

/* The result of a fetch: offerings ready for the store, and spot history. Caller frees. */
struct providers_catalog {
	struct offering *offerings;
	size_t n;
	struct providers_spot_point *spot;
	size_t nspot;
	size_t skipped;			/* records refused as bad (logged through progress) */
	size_t ignored;			/* records that are not ours (not a GPU type, Windows...) */
	size_t pages;			/* HTTP pages read */
	char first_skip[256];		/* why the first bad record was refused, "" when none */
};
void providers_catalog_free(struct providers_catalog *c);

/*
 * Fetches one provider's GPU catalog for the given regions: the instance table joined with
 * on-demand, spot and reserved/committed prices, and (AWS) spot history. All or nothing: on
 * any failure *out stays NULL and e says what failed (provider, URL without secrets, HTTP
 * status, provider code and message). Bad records are skipped and counted, never returned.
 */
int providers_fetch(struct providers_catalog **out, const struct providers_fetch_opts *o,
		    struct err *e);

/*
 * The AWS Spot Instance Advisor's interruption bucket for (region, type), Linux, turned into
 * an hourly rate: the bucket's midpoint p (2.5%, 7.5%, 12.5%, 17.5%, 25% for ">20%") as a
 * monthly share under a constant hazard, -ln(1 - p) / 730. NAN when the feed has no entry.
 * The feed is a trimmed mid-2025 snapshot built into capplan (providers/spot_advisor.c).
 */
double providers_aws_interruption_rate(const char *region, const char *type);

/* The default regions of a provider when the config names none. NULL-terminated, static. */
const char *const *providers_default_regions(const char *provider);

/*
 * The order statistic spot prices use: the median of v (sorted in place), NAN when n == 0.
 * Even counts give the mean of the two middle values.
 */
double providers_median(double *v, size_t n);

#endif
