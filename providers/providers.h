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

/* --- compute: what `apply` needs from a cloud (providers/compute.c, ec2.c, gce.c, arm.c) --- */

/*
 * The tags (labels on GCP) that mark an instance as capplan's. Nothing without
 * PROVIDERS_TAG_MANAGED=true is ever listed, launched into or terminated.
 */
#define PROVIDERS_TAG_MANAGED "capplan:managed"
#define PROVIDERS_TAG_PLAN "capplan:plan"
#define PROVIDERS_TAG_POOL "capplan:pool"
/*
 * Instances standing in for a pool that lacked capacity (apply.fallback_*): on-demand for a
 * spot pool, or another offering of the plan with the same GPUs. They carry the pool's tag.
 */
#define PROVIDERS_TAG_STANDIN "capplan:standin"

/* A running (or pending) capplan-managed instance. */
struct providers_vm {
	char id[128];		/* aws "i-...", gcp "ZONE/NAME", azure "SCALESET/INSTANCEID" */
	char region[48];
	char zone[48];
	char instance_type[64];
	char pool[160];		/* "provider/region/instance_type/spot|ondemand|reserved" */
	char plan[48];
	long long launched;	/* seconds since the epoch; 0 = unknown */
	int standin;		/* standing in for its pool (another purchase type or offering) */
};

/*
 * One call made to a provider, as the audit log keeps it. Strings are borrowed for the
 * duration of the callback; none holds a secret (no token, key or signature).
 */
struct providers_call {
	const char *provider, *region, *operation;
	const char *request_id;	/* the provider's, "" when it gave none */
	const char *token;	/* the idempotency token sent, "" when none */
	const char *result;	/* "ok", "dry-run-ok", "error", "partial" */
	const char *error;	/* provider error code and message, "" when none */
};
typedef void (*providers_audit_fn)(void *ctx, const struct providers_call *c);

/* Where and how to launch: filled by planner/ from the config. Strings are borrowed. */
struct providers_compute_conf {
	const char *provider;		/* "aws", "gcp", "azure" */
	const char *endpoint;		/* ec2 / compute / arm base URL, NULL = the real one */
	const char *token_endpoint;	/* gcp token / azure login base URL, NULL = the real one */
	/* aws */
	const char *launch_template;	/* a name, or an id "lt-..." */
	const char *const *subnets;
	size_t nsubnets;
	/* gcp */
	const char *project, *image, *network, *service_account_file;
	const char *const *zone_regions;	/* zones[i] lies in zone_regions[i] */
	const char *const *zones;
	size_t nzones;
	/* azure */
	const char *subscription_id, *resource_group, *azure_image, *subnet_id, *admin_user,
		*ssh_public_key;	/* the key's text, not its file */
	long backoff_base_ms;		/* first retry pause (http.c); 0 = its default */
	/* every call is reported here (may be NULL) */
	providers_audit_fn audit;
	void *audit_ctx;
};

/* A launch into one pool. */
struct providers_launch {
	const char *region, *instance_type, *pool, *plan;
	int spot;		/* 1 spot, 0 on-demand (reserved pools run on-demand) */
	int standin;		/* for pool l->pool, of instance_type and spot as given (aws, gcp) */
	int count;		/* instances to add */
	int target;		/* the pool's absolute size after the launch (azure PUTs it) */
	double max_price;	/* spot bid, USD/hour; NAN = up to the on-demand price */
	const char *token;	/* idempotency token: ASCII [a-z0-9-], at most 64 characters */
	int dry_run;		/* aws: DryRun=true; others: no call is made */
};

/* What a launch achieved. ids is the caller's (free()). */
struct providers_launch_result {
	int launched;		/* instances now launching (<= count) */
	char (*ids)[128];
	size_t nids;
	int capacity;		/* 1 when capacity or quota kept some from launching */
	char error[512];	/* the provider's code and message for what did not launch */
	char call[512];		/* dry run without a provider dry run: the call it would make */
	/*
	 * On a failure: 1 when the provider answered that it launched nothing (a 4xx, a failed
	 * operation), so a new attempt may follow; 0 when the outcome is unknown (no answer, 5xx
	 * after the retries): the attempt is replayed under the same token.
	 */
	int answered;
};

typedef struct providers_compute providers_compute;

/* A client for conf->provider; checks the settings it needs (ERR_INPUT naming the key). */
int providers_compute_new(providers_compute **out, const struct providers_compute_conf *conf,
			  struct err *e);
void providers_compute_free(providers_compute *pc);
/* 1 when the provider has a dry run of its own (aws); else dry runs make no call. */
int providers_compute_has_dry_run(const providers_compute *pc);
/* The capplan-managed pending or running instances in region. Caller frees *out. */
int providers_compute_list(providers_compute *pc, const char *region,
			   struct providers_vm **out, size_t *n, struct err *e);
/*
 * Launches into a pool. Capacity and quota errors are not failures: r says what did not
 * launch (r->capacity). Other errors return ERR_RUNTIME. A dry run that would succeed
 * returns 0 with r->launched = 0.
 */
int providers_compute_launch(providers_compute *pc, const struct providers_launch *l,
			     struct providers_launch_result *r, struct err *e);
/* Terminates instances of one pool in region (ids as listed). */
int providers_compute_terminate(providers_compute *pc, const char *region, const char *pool,
				const char *const *ids, size_t n, int dry_run, struct err *e);
/* Sets capplan:plan on instances kept from an earlier plan (aws only; others no-op). */
int providers_compute_retag(providers_compute *pc, const char *region, const char *plan,
			    const char *const *ids, size_t n, struct err *e);

/*
 * The label-safe form of a pool for GCP (lower-case letters, digits, "-" and "_", at most
 * 63 characters): "gcp/us-central1/a2-highgpu-1g/spot" -> "gcp_us-central1_a2-highgpu-1g_spot".
 */
void providers_pool_label(const char *pool, char *out, size_t n);
/* A name-based (version 5, SHA-1) UUID of s in the URL namespace: GCE requestId. */
void providers_uuid5(const char *s, char out[37]);

/* --- Prometheus: hourly GPUs in use (providers/prometheus.c) ------------------------------- */

/*
 * The default queries (config usage.prometheus.query, --query dcgm|kube). DCGM: GPUs busy per
 * model, with an explicit 0 for a model whose exporter reports GPUs but none busy (the "or"
 * side); an hour where no exporter reports is absent: a gap, not 0. kube-state-metrics: GPUs
 * requested by pods, joined to the node's GPU product label (exposed only when the node label
 * nvidia.com/gpu.product is in --metric-labels-allowlist).
 */
extern const char providers_prometheus_dcgm_query[];
extern const char providers_prometheus_dcgm_label[];	/* "modelName" */
extern const char providers_prometheus_kube_query[];
extern const char providers_prometheus_kube_label[];	/* "label_nvidia_com_gpu_product" */

struct prometheus_query {
	const char *url;		/* base URL ("https://prom.example.com:9090[/prefix]") */
	const char *query;		/* PromQL */
	const char *gpu_label;		/* the label that names the GPU model */
	int64_t start, end;		/* hour starts, inclusive; step is one hour */
	const char *bearer_token;	/* "Authorization: Bearer", or NULL */
	const char *username;		/* basic auth when not NULL (and no token) */
	const char *password;
	size_t max_points;		/* per series and request; 0 = 10,000 (server limit 11,000) */
	int max_attempts;		/* 0 = the HTTP client's defaults */
	long backoff_base_ms;
	long timeout_ms;
};

/* One hour of one GPU model: the sum of the series whose label maps to that model. */
struct prometheus_sample {
	int64_t ts;
	char gpu_model[32];
	double gpus;
};

struct prometheus_result {
	struct prometheus_sample *v;	/* by model, then hour; hours without a sample are absent */
	size_t n;
	size_t requests;		/* query_range calls made (one per chunk) */
	size_t series;			/* series read over all chunks */
	size_t unlabeled;		/* series without the GPU label, left out */
};

/*
 * Runs q over [start, end] in chunks under the server's points-per-series limit, parsing each
 * matrix as it streams (yajl callbacks). Timestamps may be JSON integers or floats; values
 * "NaN"/"Inf" are gaps. A Prometheus error ("status":"error", errorType, error) is returned
 * as it was written, ERR_RUNTIME. GPU label values map to canonical names (DCGM's spaces and
 * kube-state-metrics' dashes alike); unknown ones are kept as written. *out is the caller's.
 */
int providers_prometheus_fetch(struct prometheus_result **out, const struct prometheus_query *q,
			       struct err *e);
void providers_prometheus_result_free(struct prometheus_result *r);
/* "prometheus:" + the URL without userinfo or secret parameters: the usage source name. */
void providers_prometheus_source(const char *url, char *out, size_t n);

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
