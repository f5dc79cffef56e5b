#ifndef PROVIDERS_H
#define PROVIDERS_H
/*
 * providers/: everything capplan knows about clouds. The normalized offering record
 * that crosses into planner/, the canonical GPU names shared by every importer, and
 * (later) the adapters that fetch catalogs and prices and carry out fleet changes.
 */
#include <stddef.h>

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

#endif
