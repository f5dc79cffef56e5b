/* Read-only store queries for report weekly and backtest: see store_reports.h. */
#include "planner/store_reports.h"
#include "util/tm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int store_usage_demand(struct store *s, struct plan_demand *out, struct err *e)
{
	struct plan_demand d;
	char **models = NULL;
	size_t nmodels = 0, m, n, t;
	int64_t lo = INT64_MAX, hi = INT64_MIN, start;
	double *v = NULL;
	int rc;

	memset(&d, 0, sizeof(d));
	memset(out, 0, sizeof(*out));
	if ((rc = store_usage_models(s, &models, &nmodels, e)) < 0)
		return rc;
	if (nmodels == 0) {
		store_strv_free(models, nmodels);
		return err_set(e, ERR_INPUT, "no usage in %s: import some with capplan usage import "
			       "FILE.csv", store_path(s));
	}
	d.models = models;
	d.nmodels = nmodels;
	/* two passes: the grid first, then the values onto it */
	for (m = 0; m < nmodels; m++) {
		if ((rc = store_usage_series(s, models[m], INT64_MIN, INT64_MAX, &start, &v, &n,
					     e)) < 0)
			goto out;
		if (n) {
			lo = start < lo ? start : lo;
			hi = start + (int64_t)(n - 1) * TM_HOUR > hi ?
				start + (int64_t)(n - 1) * TM_HOUR : hi;
		}
		free(v);
		v = NULL;
	}
	if (lo > hi) {
		rc = err_set(e, ERR_INPUT, "no usage in %s", store_path(s));
		goto out;
	}
	d.start = lo;
	d.nhours = (size_t)((hi - lo) / TM_HOUR) + 1;
	if ((d.gpus = malloc((d.nmodels * d.nhours + 1) * sizeof(double))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (t = 0; t < d.nmodels * d.nhours; t++)
		d.gpus[t] = NAN;
	for (m = 0; m < nmodels; m++) {
		if ((rc = store_usage_series(s, models[m], INT64_MIN, INT64_MAX, &start, &v, &n,
					     e)) < 0)
			goto out;
		for (t = 0; t < n; t++)
			d.gpus[m * d.nhours + (size_t)((start - lo) / TM_HOUR) + t] = v[t];
		free(v);
		v = NULL;
	}
	*out = d;
	memset(&d, 0, sizeof(d));
out:
	free(v);
	plan_demand_release(&d);
	return rc;
}

int store_spot_history(struct store *s, const struct offering *offers, size_t n, int64_t start,
		       size_t nhours, double **out, struct err *e)
{
	static const char sql[] =
		"SELECT seen_at, spot_hourly FROM price_history WHERE provider = ?1 AND region = ?2"
		" AND instance_type = ?3 AND seen_at < ?4 ORDER BY seen_at, id";
	sqlite3_stmt *st = NULL;
	double *v = NULL;
	size_t o, t;
	int rc = 0, step;

	*out = NULL;
	if ((v = malloc((n * nhours + 1) * sizeof(*v))) == NULL)
		return err_nomem(e);
	for (t = 0; t < n * nhours; t++)
		v[t] = NAN;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK) {
		rc = store_fail(s, e, "reading price history");
		goto out;
	}
	for (o = 0; o < n; o++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, offers[o].provider, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, offers[o].region, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, offers[o].instance_type, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, start + (int64_t)nhours * TM_HOUR);
		/* rows come in time order: each one sets the price from its hour on */
		while ((step = sqlite3_step(st)) == SQLITE_ROW) {
			int64_t seen = sqlite3_column_int64(st, 0);
			double p = sqlite3_column_type(st, 1) == SQLITE_NULL ? NAN :
				   sqlite3_column_double(st, 1);
			size_t from = seen <= start ? 0 :
				      (size_t)((seen - start + TM_HOUR - 1) / TM_HOUR);

			for (t = from; t < nhours; t++)
				v[o * nhours + t] = p;
		}
		if (step != SQLITE_DONE) {
			rc = store_fail(s, e, "reading price history");
			goto out;
		}
	}
	*out = v;
	v = NULL;
out:
	sqlite3_finalize(st);
	free(v);
	return rc;
}

int store_plan_covering(struct store *s, int64_t from, int64_t end, int64_t *id, int *full,
			char **json, char **inputs_json, struct err *e)
{
	static const char sql[] =
		"SELECT id, result_json, inputs_json, start_ts <= ?1 AND start_ts + 3600 * horizon_hours >= ?2"
		" AS covers FROM plans WHERE start_ts < ?2 AND start_ts + 3600 * horizon_hours > ?1"
		" AND kind <> '" STORE_PLAN_COMMITMENTS "'"
		" ORDER BY covers DESC, id DESC LIMIT 1";
	sqlite3_stmt *st = NULL;
	int rc = 0, step;

	*id = 0;
	*full = 0;
	*json = NULL;
	*inputs_json = NULL;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "reading plans");
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, end);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *j = (const char *)sqlite3_column_text(st, 1);
		const char *in = (const char *)sqlite3_column_text(st, 2);

		*id = sqlite3_column_int64(st, 0);
		*full = sqlite3_column_int(st, 3);
		if ((*json = strdup(j ? j : "")) == NULL || (*inputs_json = strdup(in ? in : "{}")) ==
		    NULL) {
			free(*json);
			*json = NULL;
			rc = err_nomem(e);
		}
	} else if (step != SQLITE_DONE) {
		rc = store_fail(s, e, "reading plans");
	}
	sqlite3_finalize(st);
	return rc;
}

int store_forecast_covering(struct store *s, const char *gpu, int64_t from, int64_t end,
			    int64_t *run, struct err *e)
{
	static const char sql[] =
		"SELECT MAX(run_id) FROM forecasts WHERE gpu_model = ?1 AND ts >= ?2 AND ts < ?3";
	sqlite3_stmt *st = NULL;
	int rc = 0;

	*run = 0;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "reading forecasts");
	sqlite3_bind_text(st, 1, gpu, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, end);
	if (sqlite3_step(st) == SQLITE_ROW)
		*run = sqlite3_column_int64(st, 0);
	else
		rc = store_fail(s, e, "reading forecasts");
	sqlite3_finalize(st);
	return rc;
}
