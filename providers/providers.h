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

#endif
