/* Spot history and the fetch log (see store_prices.h). */
#include "planner/store_prices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_prices_replace(struct store *s, const char *provider, const char *const *regions,
			 size_t nregions, const char *source, const struct offering *v, size_t n,
			 int64_t seen_at, struct err *e)
{
	static const char sql[] =
		"DELETE FROM offerings WHERE provider = ?1 AND region = ?2 AND source = ?3";
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "replacing offerings");
	for (i = 0; i < nregions; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, provider, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, regions[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, source, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = store_fail(s, e, "replacing offerings");
			goto out;
		}
	}
	rc = store_offerings_put(s, v, n, source, seen_at, e);
out:
	sqlite3_finalize(st);
	return rc;
}

int store_spot_put(struct store *s, const char *provider, const struct providers_spot_point *p,
		   size_t n, int64_t seen_at, size_t *added, struct err *e)
{
	static const char sql[] =
		"INSERT OR IGNORE INTO spot_history(provider, region, zone, instance_type, ts, price,"
		" seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = 0;

	*added = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "writing spot history");
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, provider, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, p[i].region, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, p[i].zone, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, p[i].instance_type, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, p[i].ts);
		sqlite3_bind_double(st, 6, p[i].price);
		sqlite3_bind_int64(st, 7, seen_at);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = store_fail(s, e, "writing spot history");
			break;
		}
		*added += (size_t)sqlite3_changes(db);
	}
	sqlite3_finalize(st);
	return rc;
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

int store_spot_list(struct store *s, const char *provider, const char *region, const char *type,
		    const char *zone, int64_t since, struct store_spot_row **out, size_t *n,
		    struct err *e)
{
	static const char sql[] =
		"SELECT provider, region, zone, instance_type, ts, price, seen_at FROM spot_history"
		" WHERE (?1 IS NULL OR provider = ?1) AND (?2 IS NULL OR region = ?2)"
		" AND (?3 IS NULL OR instance_type = ?3) AND (?4 IS NULL OR zone = ?4)"
		" AND ts >= ?5 ORDER BY provider, region, instance_type, zone, ts, price";
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	struct store_spot_row *v = NULL, *t;
	size_t len = 0, cap = 0;
	int rc = 0, step;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "reading spot history");
	sqlite3_bind_text(st, 1, provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, zone, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, since);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_spot_row *r;

		if (len == cap) {
			cap = cap ? 2 * cap : 64;
			if ((t = realloc(v, cap * sizeof(*v))) == NULL) {
				rc = err_nomem(e);
				goto out;
			}
			v = t;
		}
		r = &v[len++];
		memset(r, 0, sizeof(*r));
		copy_col(r->provider, sizeof(r->provider), st, 0);
		copy_col(r->p.region, sizeof(r->p.region), st, 1);
		copy_col(r->p.zone, sizeof(r->p.zone), st, 2);
		copy_col(r->p.instance_type, sizeof(r->p.instance_type), st, 3);
		r->p.ts = sqlite3_column_int64(st, 4);
		r->p.price = sqlite3_column_double(st, 5);
		r->seen_at = sqlite3_column_int64(st, 6);
	}
	if (step != SQLITE_DONE) {
		rc = store_fail(s, e, "reading spot history");
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

int store_fetch_log(struct store *s, const char *provider, const char *regions,
		    int64_t started_at, int64_t finished_at, const char *status, size_t offerings,
		    size_t spot_points, size_t pages, size_t skipped, const char *message,
		    struct err *e)
{
	static const char sql[] =
		"INSERT INTO fetch_runs(provider, started_at, finished_at, status, regions, offerings,"
		" spot_points, pages, skipped, message) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)";
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "logging a fetch");
	sqlite3_bind_text(st, 1, provider, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, started_at);
	sqlite3_bind_int64(st, 3, finished_at);
	sqlite3_bind_text(st, 4, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, regions, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)offerings);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)spot_points);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)pages);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)skipped);
	sqlite3_bind_text(st, 10, message ? message : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = store_fail(s, e, "logging a fetch");
	sqlite3_finalize(st);
	return rc;
}
