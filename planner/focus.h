#ifndef PLANNER_FOCUS_H
#define PLANNER_FOCUS_H
/*
 * The FOCUS importer: reads a cost and usage export (FOCUS 1.0 to 1.2, as AWS Data Exports,
 * Azure Cost Management and Google's FOCUS view write it; .csv or .csv.gz) as a stream and
 * derives hourly GPUs in use per GPU model and source ("focus:aws", ...), and the
 * commitments already owned. Memory is bounded by the longest row, the hours covered and
 * the distinct SKUs and commitments seen, never by the size of the file.
 */
#include <stddef.h>
#include <stdint.h>

#include "planner/store.h"
#include "planner/store_usage.h"
#include "providers/providers.h"
#include "util/err.h"

/* Why a row was skipped as malformed (counted per reason; --strict makes any fatal). */
enum focus_reason {
	FOCUS_BAD_FIELDS,	/* not as many fields as the header */
	FOCUS_BAD_PERIOD,	/* ChargePeriodStart/End not a time in 2000..2100, or not start < end */
	FOCUS_BAD_QUANTITY,	/* ConsumedQuantity not a number in 0..1e7 GPUs */
	FOCUS_BAD_UNIT,		/* ConsumedUnit not a time unit on a GPU row */
	FOCUS_BAD_SKU_DETAILS,	/* x_SkuDetails not a JSON object */
	FOCUS_BAD_COST,		/* EffectiveCost on a commitment row not in 0..1000/h */
	FOCUS_NREASONS
};
/* PricingCategory, as the clouds write it in any case ("committed" in Google's exports). */
enum focus_pricing { FOCUS_STANDARD, FOCUS_DYNAMIC, FOCUS_COMMITTED, FOCUS_OTHER, FOCUS_NPRICING };
const char *focus_pricing_name(int pricing);

/* A short phrase for a reason ("ConsumedQuantity is not a number"). */
const char *focus_reason_text(int reason);

/*
 * Finds the GPU model and GPUs per instance of an instance type; returns 1 when found.
 * The importer tries the offering catalog first, then this (the adapters' built-in table).
 */
typedef int (*focus_instance_fn)(const char *provider, const char *instance_type,
				 char *gpu_model, size_t n, int *gpus);

struct focus_opts {
	const struct offering *catalog;	/* the offering catalog in the store (borrowed) */
	size_t ncatalog;
	focus_instance_fn builtin;	/* may be NULL */
	int strict;			/* the first malformed row is an ERR_INPUT */
	int64_t imported_at;		/* stamped on the commitments */
};

/* The usage of one provider in the export. */
struct focus_source {
	char name[32];			/* "focus:aws", "focus:azure", "focus:gcp", ... */
	int64_t from, to;		/* the hours its usage rows cover, inclusive */
	int spread_daily;		/* some rows were a day or longer: spread evenly */
	struct store_usage_row *rows;	/* every hour of [from, to] per GPU model seen */
	size_t nrows;
};

/* A row that looks like GPU usage but matched no known instance type or GPU SKU. */
struct focus_unmatched {
	char provider[16];
	char sku_id[128];
	char what[96];			/* the instance type or SKU description */
	unsigned long long rows;
	double quantity;		/* ConsumedQuantity in hours */
};

struct focus_result {
	unsigned long long rows;		/* data rows read */
	unsigned long long not_usage;		/* ChargeCategory not Usage (or a correction) */
	unsigned long long gpu_rows;		/* GPU usage rows counted */
	unsigned long long commitment_fees;	/* RI fees, unused commitments, CUD fee rows */
	unsigned long long malformed[FOCUS_NREASONS];
	size_t first_malformed_line[FOCUS_NREASONS];
	double gpu_hours;			/* total GPU-hours counted */
	/* ... by PricingCategory (any case): Standard, Dynamic (spot), Committed, other */
	double gpu_hours_by_pricing[FOCUS_NPRICING];
	struct focus_source *sources;
	size_t nsources;
	struct store_commitment *commitments;	/* GPU commitments, by id */
	size_t ncommitments;
	size_t other_commitments;		/* commitments that covered no GPU instance */
	struct focus_unmatched *unmatched;	/* by rows, most first */
	size_t nunmatched;
	unsigned long long unmatched_rows;
};

/* Reads path. *out is the caller's: focus_result_free() it. */
int focus_read(struct focus_result **out, const char *path, const struct focus_opts *o,
	       struct err *e);
/* The same over bytes in memory (not copied); name is used in messages. */
int focus_read_mem(struct focus_result **out, const char *data, size_t len, const char *name,
		   const struct focus_opts *o, struct err *e);
void focus_result_free(struct focus_result *r);

#endif
