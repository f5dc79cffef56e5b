#ifndef PLANNER_STORE_H
#define PLANNER_STORE_H
/*
 * The sqlite store: WAL mode, schema versioned by PRAGMA user_version with forward
 * migrations, prepared statements only, every write inside a transaction.
 * Reads return NAN for NULL prices.
 */
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "providers/providers.h"
#include "util/err.h"

struct store;

/* Opens (creating and migrating) the store at path. */
int store_open(struct store **out, const char *path, struct err *e);
void store_close(struct store *s);
const char *store_path(const struct store *s);
/* The handle, for planner/ files that keep their own queries (store_*.c). */
sqlite3 *store_db(struct store *s);
int store_schema_version(struct store *s);

/* Transactions: BEGIN IMMEDIATE, so that a writer waits for another instead of failing late. */
int store_begin(struct store *s, struct err *e);
int store_commit(struct store *s, struct err *e);
void store_rollback(struct store *s);
/* Wraps a sqlite result code into e with context; returns ERR_RUNTIME. */
int store_fail(struct store *s, struct err *e, const char *what);
/*
 * Runs a one-column text query into a string vector (caller frees with store_strv_free),
 * binding a1 to ?1 and a2 to ?2 where the query has them: for the store_*.c files.
 */
int store_strv_query(struct store *s, const char *sql, int64_t a1, int64_t a2, char ***out,
		     size_t *n, struct err *e);

/* --- offerings ---------------------------------------------------------------------- */

/*
 * Adds offerings seen at seen_at from source ("csv:FILE", "aws", ...): each becomes the
 * current row of its (provider, region, instance_type) and a row of price history.
 * Call inside a transaction.
 */
int store_offerings_put(struct store *s, const struct offering *v, size_t n, const char *source,
			int64_t seen_at, struct err *e);

/* A current offering with where and when it was seen. */
struct store_offering {
	struct offering o;
	char source[128];
	int64_t seen_at;
};
/* The current catalog, filtered when gpu/provider are not NULL, ordered by id. Caller frees. */
int store_offerings_list(struct store *s, const char *gpu, const char *provider,
			 struct store_offering **out, size_t *n, struct err *e);

/* --- usage -------------------------------------------------------------------------- */

struct store_usage_row {
	int64_t ts;		/* hour start, seconds since the epoch */
	char gpu_model[32];
	double gpus;
};
/*
 * Stores rows from source, replacing what that source had for the same (gpu_model, hour).
 * Call inside a transaction.
 */
int store_usage_put(struct store *s, const char *source, const struct store_usage_row *rows,
		    size_t n, int64_t imported_at, struct err *e);
/* GPU models with usage, sorted. Caller frees with store_strv_free. */
int store_usage_models(struct store *s, char ***out, size_t *n, struct err *e);
void store_strv_free(char **v, size_t n);
/*
 * The hourly series of one GPU model from its first to its last stored hour (or within
 * [from, to] when those are not INT64_MIN/INT64_MAX), NAN for missing hours. Where several
 * sources cover an hour the most recently imported wins. Caller frees *vals.
 */
int store_usage_series(struct store *s, const char *gpu, int64_t from, int64_t to,
		       int64_t *start, double **vals, size_t *n, struct err *e);

/* --- forecasts ---------------------------------------------------------------------- */

/* Creates a forecast run and returns its id. Inside a transaction. */
int store_forecast_run_new(struct store *s, const char *method, size_t horizon,
			   const char *params_json, int64_t *id, struct err *e);
/* One GPU model's forecast of a run: arrays of n values from start. */
int store_forecast_put(struct store *s, int64_t run, const char *gpu, const char *method,
		       int64_t start, size_t n, const double *mean, const double *p10,
		       const double *p50, const double *p90, const double *lo95,
		       const double *hi95, struct err *e);
/* The latest run's id, 0 when there is none. */
int store_forecast_latest(struct store *s, int64_t *run, struct err *e);
/* A quantile column ("mean", "p10", "p50", "p90", "lo95", "hi95") of a run for one model. */
int store_forecast_get(struct store *s, int64_t run, const char *gpu, const char *column,
		       int64_t *start, double **vals, size_t *n, struct err *e);
/* The GPU models of a run, sorted. */
int store_forecast_models(struct store *s, int64_t run, char ***out, size_t *n, struct err *e);

/* --- plans -------------------------------------------------------------------------- */

/* Stores a plan (inputs, policy and result as JSON) and returns its id. Inside a transaction. */
int store_plan_put(struct store *s, const char *kind, int64_t start, size_t horizon,
		   double total_cost, const char *inputs_json, const char *policy_json,
		   const char *result_json, int64_t *id, struct err *e);
/*
 * Plan kinds (the plans.kind column): "plan" and "fleet" are hourly schedules, whose hours
 * apply carries out; "commitments" (STORE_PLAN_COMMITMENTS) is a purchase recommendation
 * planned over a load-duration curve: its hours are demand levels sorted highest first, not
 * hours of the calendar, so nothing may run a fleet from them.
 */
#define STORE_PLAN_COMMITMENTS "commitments"
/* A plan's result JSON; id 0 = the latest hourly schedule (not a commitments plan).
 * Caller frees *result_json. */
int store_plan_get(struct store *s, int64_t id, int64_t *out_id, char **result_json,
		   struct err *e);
/*
 * The same with the plan's kind copied into kind (kindn bytes); id 0 = the latest plan that
 * is an hourly schedule when hourly, else the latest of any kind. Caller frees *result_json.
 */
int store_plan_get_kind(struct store *s, int64_t id, int hourly, int64_t *out_id, char *kind,
			size_t kindn, char **result_json, struct err *e);

#endif
