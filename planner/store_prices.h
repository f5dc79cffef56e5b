#ifndef PLANNER_STORE_PRICES_H
#define PLANNER_STORE_PRICES_H
/*
 * The store's price-fetch tables (schema 2 of providers): spot price history, one row per
 * (provider, region, instance type, zone, timestamp, price), and the log of fetches.
 */
#include <stddef.h>
#include <stdint.h>

#include "planner/store.h"
#include "providers/providers.h"
#include "util/err.h"

/*
 * Replaces what an earlier fetch from source stored for provider in these regions with v:
 * rows the provider no longer lists disappear, others are updated, and every row gets a price
 * history entry. Call inside a transaction.
 */
int store_prices_replace(struct store *s, const char *provider, const char *const *regions,
			 size_t nregions, const char *source, const struct offering *v, size_t n,
			 int64_t seen_at, struct err *e);

/* Adds spot points (a point already stored is kept once). *added counts the new rows. */
int store_spot_put(struct store *s, const char *provider, const struct providers_spot_point *p,
		   size_t n, int64_t seen_at, size_t *added, struct err *e);

struct store_spot_row {
	char provider[16];
	struct providers_spot_point p;
	int64_t seen_at;
};
/*
 * Spot history, filtered by any non-NULL argument and ts >= since, ordered by provider,
 * region, instance type, zone, ts. Caller frees *out.
 */
int store_spot_list(struct store *s, const char *provider, const char *region, const char *type,
		    const char *zone, int64_t since, struct store_spot_row **out, size_t *n,
		    struct err *e);

/* Logs a fetch (status "ok" or "failed"); message never holds a secret. Its own statement. */
int store_fetch_log(struct store *s, const char *provider, const char *regions,
		    int64_t started_at, int64_t finished_at, const char *status, size_t offerings,
		    size_t spot_points, size_t pages, size_t skipped, const char *message,
		    struct err *e);

#endif
