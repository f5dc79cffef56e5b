#ifndef PLANNER_STORE_USAGE_H
#define PLANNER_STORE_USAGE_H
/*
 * Usage kept per source ("csv:FILE", "focus:aws", "prometheus:URL"), the imports that wrote
 * it, the source preference that picks one source per (GPU model, hour), and the
 * commitments a team already owns (derived from FOCUS exports). Writes go inside a
 * transaction the caller holds (store_begin/store_commit): an import is one transaction.
 */
#include <stddef.h>
#include <stdint.h>

#include "planner/store.h"
#include "util/err.h"

/*
 * Replaces what source had for the hours [from, to] (inclusive, hour starts) with rows
 * (which must lie inside that window) and records the import; note is shown by
 * `usage show` ("daily rows spread evenly over their hours"), may be NULL. Inside a
 * transaction. A later import of the same window from the same source replaces this one.
 */
int store_usage_import(struct store *s, const char *source, const char *kind, int64_t from,
		       int64_t to, const struct store_usage_row *rows, size_t n,
		       int64_t imported_at, const char *note, struct err *e);

/* The latest import of each source. */
struct store_usage_source {
	char source[512];
	char kind[32];
	int64_t from, to;	/* hours covered by that import, inclusive */
	int64_t imported_at;
	long long rows;
	char note[256];
};
/* Every source with usage, ordered by name. Caller frees *out. */
int store_usage_sources(struct store *s, struct store_usage_source **out, size_t *n,
			struct err *e);

/*
 * The providers ("aws", "gcp", ...) whose FOCUS export was imported (`usage import --focus`,
 * sources "focus:PROVIDER") for hours overlapping [from, end), sorted, each once. Every
 * import counts, not only the latest of each source: an older export still covers its
 * window. Caller frees with store_strv_free.
 */
int store_usage_focus_providers(struct store *s, int64_t from, int64_t end, char ***out,
				size_t *n, struct err *e);

/*
 * Sets the source preference of this connection (config `usage.prefer`): where sources
 * overlap for a model and hour, the first listed wins, then unlisted sources by latest
 * import. An entry is a source name ("focus:aws"), a kind ("prometheus" = every
 * "prometheus:*"), or a glob ("csv:*"). n = 0 restores "latest imported wins".
 * store_usage_series() reads through it.
 */
int store_usage_prefer(struct store *s, const char *const *sources, size_t n, struct err *e);

/* --- commitments already owned -------------------------------------------------------- */

struct store_commitment {
	char id[256];		/* the provider's CommitmentDiscountId */
	char source[64];	/* "focus:aws", ... */
	char provider[16];
	char region[48];
	char category[16];	/* "Usage" (instances) or "Spend" (a dollar amount per hour) */
	char type[64];		/* "Reserved Instance", "Savings Plan", "Committed Use Discount" */
	char instance_type[64];	/* the GPU instance type it covered, "" when several or none */
	char gpu_model[32];
	int gpus_per_instance;
	double instances;	/* average instances it paid for over the window seen */
	double effective_hourly;	/* USD per instance-hour, amortized (EffectiveCost) */
	double spend_hourly;	/* USD per hour the commitment costs, used or not */
	double used_hours;	/* instance-hours used, unused in the window seen */
	double unused_hours;
	int64_t first_seen, last_seen;	/* hour starts of the window seen in exports */
	int term_months;	/* 12, 36, or 0 when the export does not say */
	int64_t expires_by;	/* first_seen + term: the latest it can expire; 0 = unknown */
	int64_t imported_at;
};
/* Adds or replaces commitments by id. Inside a transaction. */
int store_commitments_put(struct store *s, const struct store_commitment *v, size_t n,
			  struct err *e);
/*
 * The commitments owned, GPU ones first by model, then by id; gpu not NULL filters.
 * Caller frees *out.
 */
int store_commitments_list(struct store *s, const char *gpu, struct store_commitment **out,
			   size_t *n, struct err *e);

#endif
