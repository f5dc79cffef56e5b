#ifndef PLANNER_STORE_REPORTS_H
#define PLANNER_STORE_REPORTS_H
/* The store queries of report weekly and backtest (read only). */
#include <stddef.h>
#include <stdint.h>

#include "planner/plan.h"
#include "planner/store.h"
#include "util/err.h"

/*
 * Every GPU model's usage on one hourly grid, from the first stored hour of any model to
 * the last, NAN where an hour was not imported. Caller releases *out.
 */
int store_usage_demand(struct store *s, struct plan_demand *out, struct err *e);

/*
 * Spot prices of offers[0..n) for nhours hours from start, from the price history: each
 * hour takes the latest price seen at or before it, NAN when none was seen by then.
 * Caller frees *out ([o * nhours + t]).
 */
int store_spot_history(struct store *s, const struct offering *offers, size_t n, int64_t start,
		       size_t nhours, double **out, struct err *e);

/*
 * The plan for [from, end): the latest stored hourly plan (never a `plan commitments`
 * load-duration curve, whose hours are not the calendar's) whose horizon covers it all, else
 * the latest that overlaps it (*full = 0); *id = 0 when none. Caller frees *json.
 */
int store_plan_covering(struct store *s, int64_t from, int64_t end, int64_t *id, int *full,
			char **json, char **inputs_json, struct err *e);

/*
 * The latest forecast run for gpu with a forecast for some hour of [from, end), 0 when none.
 */
int store_forecast_covering(struct store *s, const char *gpu, int64_t from, int64_t end,
			    int64_t *run, struct err *e);

#endif
