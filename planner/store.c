/* The sqlite store. Schema changes are new entries at the end of migrations[]. */
#include "planner/store.h"
#include "util/buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct store {
	sqlite3 *db;
	char *path;
};

/*
 * migrations[i] takes the schema from user_version i to i + 1. Never edit an entry that
 * has shipped: add one. Each runs in the same transaction as its version bump.
 */
static const char *const migrations[] = {
	/* 1: the foundation */
	"CREATE TABLE offerings("
	"  provider TEXT NOT NULL, region TEXT NOT NULL, instance_type TEXT NOT NULL,"
	"  gpu_model TEXT NOT NULL, gpus INTEGER NOT NULL, vcpus INTEGER NOT NULL DEFAULT 0,"
	"  memory_gib REAL NOT NULL DEFAULT 0,"
	"  ondemand_hourly REAL, spot_hourly REAL, reserved_1y_hourly REAL,"
	"  reserved_3y_hourly REAL, spot_interruption_rate REAL,"
	"  source TEXT NOT NULL, seen_at INTEGER NOT NULL,"
	"  PRIMARY KEY (provider, region, instance_type));"
	"CREATE TABLE price_history("
	"  id INTEGER PRIMARY KEY, provider TEXT NOT NULL, region TEXT NOT NULL,"
	"  instance_type TEXT NOT NULL, gpu_model TEXT NOT NULL, gpus INTEGER NOT NULL,"
	"  ondemand_hourly REAL, spot_hourly REAL, reserved_1y_hourly REAL,"
	"  reserved_3y_hourly REAL, spot_interruption_rate REAL,"
	"  source TEXT NOT NULL, seen_at INTEGER NOT NULL);"
	"CREATE INDEX price_history_key ON price_history(provider, region, instance_type, seen_at);"
	"CREATE TABLE usage("
	"  source TEXT NOT NULL, gpu_model TEXT NOT NULL, ts INTEGER NOT NULL,"
	"  gpus REAL NOT NULL, imported_at INTEGER NOT NULL,"
	"  PRIMARY KEY (source, gpu_model, ts));"
	"CREATE INDEX usage_model_ts ON usage(gpu_model, ts);"
	"CREATE TABLE forecast_runs("
	"  id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, method TEXT NOT NULL,"
	"  horizon INTEGER NOT NULL, params_json TEXT NOT NULL DEFAULT '{}');"
	"CREATE TABLE forecasts("
	"  run_id INTEGER NOT NULL REFERENCES forecast_runs(id) ON DELETE CASCADE,"
	"  gpu_model TEXT NOT NULL, ts INTEGER NOT NULL, method TEXT NOT NULL,"
	"  mean REAL, p10 REAL, p50 REAL, p90 REAL, lo95 REAL, hi95 REAL,"
	"  PRIMARY KEY (run_id, gpu_model, ts));"
	"CREATE TABLE plans("
	"  id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, kind TEXT NOT NULL,"
	"  start_ts INTEGER NOT NULL, horizon_hours INTEGER NOT NULL, total_cost REAL NOT NULL,"
	"  inputs_json TEXT NOT NULL, policy_json TEXT NOT NULL, result_json TEXT NOT NULL);",
	/*
	 * 2 (usage, issue 9): the imports that wrote usage (a re-import of a window replaces
	 * it; import_id orders two imports of the same second), commitments owned as derived
	 * from FOCUS exports.
	 */
	"CREATE TABLE usage_imports("
	"  id INTEGER PRIMARY KEY, source TEXT NOT NULL, kind TEXT NOT NULL,"
	"  from_ts INTEGER NOT NULL, to_ts INTEGER NOT NULL, rows INTEGER NOT NULL,"
	"  imported_at INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX usage_imports_source ON usage_imports(source, id);"
	"ALTER TABLE usage ADD COLUMN import_id INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX usage_source_ts ON usage(source, ts);"
	"CREATE TABLE commitments("
	"  id TEXT PRIMARY KEY, source TEXT NOT NULL, provider TEXT NOT NULL,"
	"  region TEXT NOT NULL DEFAULT '', category TEXT NOT NULL DEFAULT '',"
	"  type TEXT NOT NULL DEFAULT '', instance_type TEXT NOT NULL DEFAULT '',"
	"  gpu_model TEXT NOT NULL DEFAULT '', gpus_per_instance INTEGER NOT NULL DEFAULT 0,"
	"  instances REAL NOT NULL DEFAULT 0, effective_hourly REAL, spend_hourly REAL,"
	"  used_hours REAL NOT NULL DEFAULT 0, unused_hours REAL NOT NULL DEFAULT 0,"
	"  first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
	"  term_months INTEGER NOT NULL DEFAULT 0, expires_by INTEGER,"
	"  imported_at INTEGER NOT NULL);",
	/* 3 (apply, issue 8): an audit row per provider call; launch attempts behind idempotency tokens */
	"CREATE TABLE apply_audit("
	"  id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, plan TEXT NOT NULL DEFAULT '',"
	"  provider TEXT NOT NULL, region TEXT NOT NULL, operation TEXT NOT NULL,"
	"  request_id TEXT NOT NULL DEFAULT '', token TEXT NOT NULL DEFAULT '',"
	"  result TEXT NOT NULL, error TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX apply_audit_ts ON apply_audit(ts);"
	"CREATE TABLE apply_attempts("
	"  id INTEGER PRIMARY KEY, plan TEXT NOT NULL, hour INTEGER NOT NULL, pool TEXT NOT NULL,"
	"  target INTEGER NOT NULL, attempt INTEGER NOT NULL, count INTEGER NOT NULL,"
	"  token TEXT NOT NULL, status TEXT NOT NULL, launched INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  UNIQUE (plan, hour, pool, target, attempt));"
	"CREATE TABLE apply_instances("
	"  provider TEXT NOT NULL, id TEXT NOT NULL, region TEXT NOT NULL, pool TEXT NOT NULL,"
	"  plan TEXT NOT NULL, launched_at INTEGER NOT NULL,"
	"  terminated INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (provider, id));",
	/* 4 (providers, issue 4): spot price history per zone, and a log of every price fetch */
	"CREATE TABLE spot_history("
	"  provider TEXT NOT NULL, region TEXT NOT NULL, zone TEXT NOT NULL,"
	"  instance_type TEXT NOT NULL, ts INTEGER NOT NULL, price REAL NOT NULL,"
	"  seen_at INTEGER NOT NULL,"
	"  PRIMARY KEY (provider, region, instance_type, zone, ts, price));"
	"CREATE TABLE fetch_runs("
	"  id INTEGER PRIMARY KEY, provider TEXT NOT NULL, started_at INTEGER NOT NULL,"
	"  finished_at INTEGER NOT NULL, status TEXT NOT NULL, regions TEXT NOT NULL,"
	"  offerings INTEGER NOT NULL DEFAULT 0, spot_points INTEGER NOT NULL DEFAULT 0,"
	"  pages INTEGER NOT NULL DEFAULT 0, skipped INTEGER NOT NULL DEFAULT 0,"
	"  message TEXT NOT NULL DEFAULT '');",
};
#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int store_fail(struct store *s, struct err *e, const char *what)
{
	return err_set(e, ERR_RUNTIME, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int exec(struct store *s, const char *sql, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = err_set(e, ERR_RUNTIME, "%s: %s", s->path, msg ? msg : "sqlite error");

		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

int store_begin(struct store *s, struct err *e)
{
	return exec(s, "BEGIN IMMEDIATE", e);
}

int store_commit(struct store *s, struct err *e)
{
	return exec(s, "COMMIT", e);
}

void store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_schema_version(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int migrate(struct store *s, struct err *e)
{
	int rc = 0, v;
	char bump[64];

	if ((rc = store_begin(s, e)) < 0)
		return rc;
	v = store_schema_version(s);
	if (v < 0) {
		rc = store_fail(s, e, "reading the schema version");
		goto out;
	}
	if (v > NMIGRATIONS) {
		rc = err_set(e, ERR_RUNTIME, "%s: schema version %d is newer than this capplan (%d): "
			     "upgrade capplan", s->path, v, NMIGRATIONS);
		goto out;
	}
	for (; v < NMIGRATIONS; v++) {
		if ((rc = exec(s, migrations[v], e)) < 0) {
			err_wrap(e, "migration to schema %d", v + 1);
			goto out;
		}
		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", v + 1);
		if ((rc = exec(s, bump, e)) < 0)
			goto out;
	}
	rc = store_commit(s, e);
out:
	if (rc < 0)
		store_rollback(s);
	return rc;
}

int store_open(struct store **out, const char *path, struct err *e)
{
	int rc = 0;
	struct store *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (s == NULL || (s->path = strdup(path)) == NULL) {
		free(s);
		return err_nomem(e);
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		rc = err_set(e, ERR_RUNTIME, "%s: cannot open the store: %s", path,
			     s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(s->db, 10000);
	sqlite3_extended_result_codes(s->db, 1);
	if ((rc = exec(s, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
			  "PRAGMA synchronous=NORMAL;", e)) < 0)
		goto out;
	if ((rc = migrate(s, e)) < 0)
		goto out;
	/* the source preference of this connection (store_usage_prefer); empty = latest wins */
	if ((rc = exec(s, "CREATE TEMP TABLE usage_prefer(glob TEXT NOT NULL,"
			  " rank INTEGER NOT NULL)", e)) < 0)
		goto out;
	*out = s;
	s = NULL;
out:
	store_close(s);
	return rc;
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

sqlite3 *store_db(struct store *s)
{
	return s->db;
}

static void bind_price(sqlite3_stmt *st, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

static double col_price(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

int store_offerings_put(struct store *s, const struct offering *v, size_t n, const char *source,
			int64_t seen_at, struct err *e)
{
	static const char cur_sql[] =
		"INSERT OR REPLACE INTO offerings(provider, region, instance_type, gpu_model, gpus,"
		" vcpus, memory_gib, ondemand_hourly, spot_hourly, reserved_1y_hourly,"
		" reserved_3y_hourly, spot_interruption_rate, source, seen_at)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)";
	static const char hist_sql[] =
		"INSERT INTO price_history(provider, region, instance_type, gpu_model, gpus,"
		" ondemand_hourly, spot_hourly, reserved_1y_hourly, reserved_3y_hourly,"
		" spot_interruption_rate, source, seen_at)"
		" VALUES (?1,?2,?3,?4,?5,?8,?9,?10,?11,?12,?13,?14)";
	sqlite3_stmt *st[2] = { NULL, NULL };
	int rc = 0, k;
	size_t i;

	if (sqlite3_prepare_v2(s->db, cur_sql, -1, &st[0], NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, hist_sql, -1, &st[1], NULL) != SQLITE_OK) {
		rc = store_fail(s, e, "preparing offerings");
		goto out;
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < 2; k++) {
			sqlite3_stmt *q = st[k];

			sqlite3_reset(q);
			sqlite3_bind_text(q, 1, v[i].provider, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 2, v[i].region, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 3, v[i].instance_type, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 4, v[i].gpu_model, -1, SQLITE_STATIC);
			sqlite3_bind_int(q, 5, v[i].gpus);
			if (k == 0) {
				sqlite3_bind_int(q, 6, v[i].vcpus);
				sqlite3_bind_double(q, 7, v[i].memory_gib);
			}
			bind_price(q, 8, v[i].ondemand);
			bind_price(q, 9, v[i].spot);
			bind_price(q, 10, v[i].reserved_1y);
			bind_price(q, 11, v[i].reserved_3y);
			bind_price(q, 12, v[i].spot_interruption);
			sqlite3_bind_text(q, 13, source, -1, SQLITE_STATIC);
			sqlite3_bind_int64(q, 14, seen_at);
			if (sqlite3_step(q) != SQLITE_DONE) {
				rc = store_fail(s, e, "writing offerings");
				goto out;
			}
		}
	}
out:
	sqlite3_finalize(st[0]);
	sqlite3_finalize(st[1]);
	return rc;
}

static void copy_text(char *dst, size_t n, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

int store_offerings_list(struct store *s, const char *gpu, const char *provider,
			 struct store_offering **out, size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT provider, region, instance_type, gpu_model, gpus, vcpus, memory_gib,"
		" ondemand_hourly, spot_hourly, reserved_1y_hourly, reserved_3y_hourly,"
		" spot_interruption_rate, source, seen_at FROM offerings"
		" WHERE (?1 IS NULL OR gpu_model = ?1 COLLATE NOCASE)"
		" AND (?2 IS NULL OR provider = ?2 COLLATE NOCASE)"
		" ORDER BY provider, region, instance_type";
	sqlite3_stmt *st = NULL;
	struct store_offering *v = NULL, *tmp;
	size_t len = 0, cap = 0;
	int rc = 0, step;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = store_fail(s, e, "reading offerings");
		goto out;
	}
	sqlite3_bind_text(st, 1, gpu, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, provider, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_offering *r;

		if ((tmp = buf_grow_array(v, &cap, len + 1, sizeof(*v))) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		v = tmp;
		r = &v[len++];
		memset(r, 0, sizeof(*r));
		copy_text(r->o.provider, sizeof(r->o.provider), st, 0);
		copy_text(r->o.region, sizeof(r->o.region), st, 1);
		copy_text(r->o.instance_type, sizeof(r->o.instance_type), st, 2);
		copy_text(r->o.gpu_model, sizeof(r->o.gpu_model), st, 3);
		r->o.gpus = sqlite3_column_int(st, 4);
		r->o.vcpus = sqlite3_column_int(st, 5);
		r->o.memory_gib = sqlite3_column_double(st, 6);
		r->o.ondemand = col_price(st, 7);
		r->o.spot = col_price(st, 8);
		r->o.reserved_1y = col_price(st, 9);
		r->o.reserved_3y = col_price(st, 10);
		r->o.spot_interruption = col_price(st, 11);
		copy_text(r->source, sizeof(r->source), st, 12);
		r->seen_at = sqlite3_column_int64(st, 13);
	}
	if (step != SQLITE_DONE) {
		rc = store_fail(s, e, "reading offerings");
		goto out;
	}
	*out = v;
	*n = len;
	v = NULL;
out:
	free(v);
	sqlite3_finalize(st);
	return rc;
}

int store_usage_put(struct store *s, const char *source, const struct store_usage_row *rows,
		    size_t n, int64_t imported_at, struct err *e)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO usage(source, gpu_model, ts, gpus, imported_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *st = NULL;
	int rc = 0;
	size_t i;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "writing usage");
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, rows[i].gpu_model, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, rows[i].ts);
		sqlite3_bind_double(st, 4, rows[i].gpus);
		sqlite3_bind_int64(st, 5, imported_at);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = store_fail(s, e, "writing usage");
			break;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

void store_strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int store_strv_query(struct store *s, const char *sql, int64_t a1, int64_t a2, char ***out,
		     size_t *n, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char **v = NULL, **tmp;
	size_t len = 0, cap = 0;
	int rc = 0, step;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = store_fail(s, e, "reading");
		goto out;
	}
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, a1);
	if (sqlite3_bind_parameter_count(st) > 1)
		sqlite3_bind_int64(st, 2, a2);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		if ((tmp = buf_grow_array(v, &cap, len + 1, sizeof(*v))) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		v = tmp;
		if ((v[len] = strdup(t ? (const char *)t : "")) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		len++;
	}
	if (step != SQLITE_DONE) {
		rc = store_fail(s, e, "reading");
		goto out;
	}
	*out = v;
	*n = len;
	v = NULL;
	len = 0;
out:
	store_strv_free(v, len);
	sqlite3_finalize(st);
	return rc;
}

int store_usage_models(struct store *s, char ***out, size_t *n, struct err *e)
{
	return store_strv_query(s, "SELECT DISTINCT gpu_model FROM usage ORDER BY gpu_model", 0, 0,
				out, n, e);
}

/* Reads (ts, value) rows ordered by ts into an hourly array with NAN gaps. */
static int series_from_stmt(sqlite3_stmt *st, struct store *s, int64_t from, int64_t to,
			    int64_t *start, double **vals, size_t *n, struct err *e)
{
	double *v = NULL, *tmp;
	size_t len = 0, cap = 0;
	int64_t t0 = 0, ts;
	int rc = 0, step;

	*vals = NULL;
	*n = 0;
	*start = 0;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		size_t idx;

		ts = sqlite3_column_int64(st, 0);
		if (len == 0 && cap == 0)
			t0 = from != INT64_MIN ? from : ts;
		if (ts < t0 || (to != INT64_MAX && ts > to))
			continue;
		idx = (size_t)((ts - t0) / 3600);
		if (idx > 24u * 366 * 50) {
			rc = err_set(e, ERR_INPUT, "usage spans more than 50 years");
			goto out;
		}
		while (idx >= cap) {
			size_t ncap = cap ? cap * 2 : 1024, k;

			if ((tmp = realloc(v, ncap * sizeof(*v))) == NULL) {
				rc = err_nomem(e);
				goto out;
			}
			v = tmp;
			for (k = cap; k < ncap; k++)
				v[k] = NAN;
			cap = ncap;
		}
		v[idx] = col_price(st, 1);
		if (idx + 1 > len)
			len = idx + 1;
	}
	if (step != SQLITE_DONE) {
		rc = store_fail(s, e, "reading a series");
		goto out;
	}
	if (to != INT64_MAX && from != INT64_MIN && to >= from) {
		size_t want = (size_t)((to - from) / 3600) + 1, k;

		if (want > cap && (tmp = realloc(v, want * sizeof(*v))) != NULL) {
			v = tmp;
			for (k = cap; k < want; k++)
				v[k] = NAN;
			cap = want;
		}
		if (want <= cap)
			len = want;
		t0 = from;
	}
	*vals = v;
	*n = len;
	*start = t0;
	v = NULL;
out:
	free(v);
	return rc;
}

int store_usage_series(struct store *s, const char *gpu, int64_t from, int64_t to,
		       int64_t *start, double **vals, size_t *n, struct err *e)
{
	/*
	 * One source wins an hour, never a sum of two: the first of usage.prefer that has it
	 * (store_usage_prefer), else the most recently imported (import_id breaks a tie of
	 * two imports within the same second).
	 */
	static const char sql[] =
		"SELECT ts, gpus FROM (SELECT ts, gpus, ROW_NUMBER() OVER (PARTITION BY ts"
		"   ORDER BY COALESCE((SELECT MIN(p.rank) FROM temp.usage_prefer p"
		"     WHERE u.source GLOB p.glob), 1000000000),"
		"   imported_at DESC, import_id DESC) AS rn"
		"  FROM usage u WHERE gpu_model = ?1 AND ts >= ?2 AND ts <= ?3)"
		" WHERE rn = 1 ORDER BY ts";
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "reading usage");
	sqlite3_bind_text(st, 1, gpu, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	rc = series_from_stmt(st, s, from, to, start, vals, n, e);
	sqlite3_finalize(st);
	return rc;
}

int store_forecast_run_new(struct store *s, const char *method, size_t horizon,
			   const char *params_json, int64_t *id, struct err *e)
{
	static const char sql[] = "INSERT INTO forecast_runs(created_at, method, horizon, params_json)"
				  " VALUES (strftime('%s','now'), ?1, ?2, ?3)";
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "writing a forecast");
	sqlite3_bind_text(st, 1, method, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)horizon);
	sqlite3_bind_text(st, 3, params_json ? params_json : "{}", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_fail(s, e, "writing a forecast");
	else
		*id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return rc;
}

int store_forecast_put(struct store *s, int64_t run, const char *gpu, const char *method,
		       int64_t start, size_t n, const double *mean, const double *p10,
		       const double *p50, const double *p90, const double *lo95,
		       const double *hi95, struct err *e)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO forecasts(run_id, gpu_model, ts, method, mean, p10, p50, p90,"
		" lo95, hi95) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)";
	sqlite3_stmt *st = NULL;
	int rc = 0;
	size_t i;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "writing a forecast");
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, gpu, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, start + (int64_t)i * 3600);
		sqlite3_bind_text(st, 4, method, -1, SQLITE_STATIC);
		bind_price(st, 5, mean[i]);
		bind_price(st, 6, p10[i]);
		bind_price(st, 7, p50[i]);
		bind_price(st, 8, p90[i]);
		bind_price(st, 9, lo95[i]);
		bind_price(st, 10, hi95[i]);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = store_fail(s, e, "writing a forecast");
			break;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int store_forecast_latest(struct store *s, int64_t *run, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	*run = 0;
	if (sqlite3_prepare_v2(s->db, "SELECT MAX(id) FROM forecast_runs", -1, &st, NULL) !=
	    SQLITE_OK)
		return store_fail(s, e, "reading forecasts");
	if (sqlite3_step(st) == SQLITE_ROW)
		*run = sqlite3_column_int64(st, 0);
	else
		rc = store_fail(s, e, "reading forecasts");
	sqlite3_finalize(st);
	return rc;
}

int store_forecast_get(struct store *s, int64_t run, const char *gpu, const char *column,
		       int64_t *start, double **vals, size_t *n, struct err *e)
{
	static const char *const cols[] = { "mean", "p10", "p50", "p90", "lo95", "hi95" };
	char sql[160];
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	for (i = 0; i < 6; i++)
		if (strcmp(column, cols[i]) == 0)
			break;
	if (i == 6)
		return err_set(e, ERR_INPUT, "\"%s\" is not a forecast quantile", column);
	/* the column name comes from the fixed list above, never from input */
	snprintf(sql, sizeof(sql), "SELECT ts, %s FROM forecasts WHERE run_id = ?1 AND"
		 " gpu_model = ?2 ORDER BY ts", cols[i]);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "reading a forecast");
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, gpu, -1, SQLITE_STATIC);
	rc = series_from_stmt(st, s, INT64_MIN, INT64_MAX, start, vals, n, e);
	sqlite3_finalize(st);
	return rc;
}

int store_forecast_models(struct store *s, int64_t run, char ***out, size_t *n, struct err *e)
{
	return store_strv_query(s, "SELECT DISTINCT gpu_model FROM forecasts WHERE run_id = ?1"
				" ORDER BY gpu_model", run, 0, out, n, e);
}

int store_plan_put(struct store *s, const char *kind, int64_t start, size_t horizon,
		   double total_cost, const char *inputs_json, const char *policy_json,
		   const char *result_json, int64_t *id, struct err *e)
{
	static const char sql[] =
		"INSERT INTO plans(created_at, kind, start_ts, horizon_hours, total_cost,"
		" inputs_json, policy_json, result_json)"
		" VALUES (strftime('%s','now'), ?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "writing a plan");
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, start);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)horizon);
	sqlite3_bind_double(st, 4, total_cost);
	sqlite3_bind_text(st, 5, inputs_json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, policy_json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, result_json, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_fail(s, e, "writing a plan");
	else
		*id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	return rc;
}

int store_plan_get(struct store *s, int64_t id, int64_t *out_id, char **result_json,
		   struct err *e)
{
	char kind[32];

	return store_plan_get_kind(s, id, 1, out_id, kind, sizeof(kind), result_json, e);
}

int store_plan_get_kind(struct store *s, int64_t id, int hourly, int64_t *out_id, char *kind,
			size_t kindn, char **result_json, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = 0, step;

	*result_json = NULL;
	if (kindn)
		kind[0] = '\0';
	/* "latest" never means a load-duration curve unless asked: a cron `apply --plan latest`
	 * run after `plan commitments` must still find the fleet schedule */
	if (sqlite3_prepare_v2(s->db, id > 0 ?
			       "SELECT id, result_json, kind FROM plans WHERE id = ?1" :
			       hourly ? "SELECT id, result_json, kind FROM plans WHERE kind <> '"
					STORE_PLAN_COMMITMENTS "' ORDER BY id DESC LIMIT 1" :
			       "SELECT id, result_json, kind FROM plans ORDER BY id DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "reading a plan");
	if (id > 0)
		sqlite3_bind_int64(st, 1, id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 2);

		*out_id = sqlite3_column_int64(st, 0);
		if (kindn)
			snprintf(kind, kindn, "%s", k ? k : "");
		if ((*result_json = strdup((const char *)sqlite3_column_text(st, 1))) == NULL)
			rc = err_nomem(e);
	} else if (step == SQLITE_DONE) {
		rc = id > 0 ? err_set(e, ERR_INPUT, "no plan %lld in %s", (long long)id, s->path)
		     : hourly ? err_set(e, ERR_INPUT, "no hourly plan in %s yet: run capplan plan "
					"(`plan commitments` results are purchase recommendations, "
					"not schedules)", s->path)
			      : err_set(e, ERR_INPUT, "no plan in %s yet: run capplan plan", s->path);
	} else {
		rc = store_fail(s, e, "reading a plan");
	}
	sqlite3_finalize(st);
	return rc;
}
