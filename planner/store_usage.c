/* Usage per source, the source preference, and commitments owned (see store_usage.h). */
#include "planner/store_usage.h"
#include "util/buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_text(char *dst, size_t n, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

static void bind_num(sqlite3_stmt *st, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

static double col_num(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

int store_usage_import(struct store *s, const char *source, const char *kind, int64_t from,
		       int64_t to, const struct store_usage_row *rows, size_t n,
		       int64_t imported_at, const char *note, struct err *e)
{
	static const char del_sql[] =
		"DELETE FROM usage WHERE source = ?1 AND ts >= ?2 AND ts <= ?3";
	static const char imp_sql[] =
		"INSERT INTO usage_imports(source, kind, from_ts, to_ts, rows, imported_at, note)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	static const char put_sql[] =
		"INSERT OR REPLACE INTO usage(source, gpu_model, ts, gpus, imported_at, import_id)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	int64_t id;
	int rc = 0;
	size_t i;

	/* the same window from the same source replaces: never double counts */
	if (sqlite3_prepare_v2(db, del_sql, -1, &st, NULL) != SQLITE_OK) {
		rc = store_fail(s, e, "replacing usage");
		goto out;
	}
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_fail(s, e, "replacing usage");
		goto out;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, imp_sql, -1, &st, NULL) != SQLITE_OK) {
		rc = store_fail(s, e, "recording an import");
		goto out;
	}
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, to);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)n);
	sqlite3_bind_int64(st, 6, imported_at);
	sqlite3_bind_text(st, 7, note ? note : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = store_fail(s, e, "recording an import");
		goto out;
	}
	id = sqlite3_last_insert_rowid(db);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, put_sql, -1, &st, NULL) != SQLITE_OK) {
		rc = store_fail(s, e, "writing usage");
		goto out;
	}
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, rows[i].gpu_model, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, rows[i].ts);
		sqlite3_bind_double(st, 4, rows[i].gpus);
		sqlite3_bind_int64(st, 5, imported_at);
		sqlite3_bind_int64(st, 6, id);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = store_fail(s, e, "writing usage");
			goto out;
		}
	}
out:
	sqlite3_finalize(st);
	return rc;
}

int store_usage_sources(struct store *s, struct store_usage_source **out, size_t *n,
			struct err *e)
{
	/* sources with usage rows; their latest import when one was recorded */
	static const char sql[] =
		"SELECT u.source, COALESCE(i.kind, ''), COALESCE(i.from_ts, u.lo),"
		" COALESCE(i.to_ts, u.hi), COALESCE(i.imported_at, u.at), COALESCE(i.rows, u.cnt),"
		" COALESCE(i.note, '')"
		" FROM (SELECT source, MIN(ts) lo, MAX(ts) hi, MAX(imported_at) at, COUNT(*) cnt"
		"   FROM usage GROUP BY source) u"
		" LEFT JOIN usage_imports i ON i.id = (SELECT MAX(id) FROM usage_imports j"
		"   WHERE j.source = u.source)"
		" ORDER BY u.source";
	sqlite3_stmt *st = NULL;
	struct store_usage_source *v = NULL, *tmp;
	size_t len = 0, cap = 0;
	int rc = 0, step;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK) {
		rc = store_fail(s, e, "reading usage sources");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_usage_source *r;

		if ((tmp = buf_grow_array(v, &cap, len + 1, sizeof(*v))) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		v = tmp;
		r = &v[len++];
		memset(r, 0, sizeof(*r));
		copy_text(r->source, sizeof(r->source), st, 0);
		copy_text(r->kind, sizeof(r->kind), st, 1);
		r->from = sqlite3_column_int64(st, 2);
		r->to = sqlite3_column_int64(st, 3);
		r->imported_at = sqlite3_column_int64(st, 4);
		r->rows = sqlite3_column_int64(st, 5);
		copy_text(r->note, sizeof(r->note), st, 6);
	}
	if (step != SQLITE_DONE) {
		rc = store_fail(s, e, "reading usage sources");
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

int store_usage_focus_providers(struct store *s, int64_t from, int64_t end, char ***out,
				size_t *n, struct err *e)
{
	/* to_ts is the last hour start covered (inclusive) */
	return store_strv_query(s, "SELECT DISTINCT substr(source, 7) FROM usage_imports"
				" WHERE kind = 'focus' AND source GLOB 'focus:?*' AND from_ts < ?2"
				" AND to_ts >= ?1 ORDER BY 1", from, end, out, n, e);
}

/* Escapes GLOB's special characters so that a plain name matches only itself. */
static void glob_literal(char *dst, size_t n, const char *src)
{
	size_t k = 0;

	for (; *src && k + 4 < n; src++) {
		if (*src == '*' || *src == '?' || *src == '[') {
			dst[k++] = '[';
			dst[k++] = *src;
			dst[k++] = ']';
		} else {
			dst[k++] = *src;
		}
	}
	dst[k] = '\0';
}

int store_usage_prefer(struct store *s, const char *const *sources, size_t n, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	char g[1200];
	int rc = 0, k;
	size_t i;

	if (sqlite3_exec(db, "DELETE FROM temp.usage_prefer", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, e, "setting usage.prefer");
	if (sqlite3_prepare_v2(db, "INSERT INTO temp.usage_prefer(glob, rank) VALUES (?1, ?2)",
			       -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "setting usage.prefer");
	for (i = 0; i < n; i++) {
		int has_glob = strpbrk(sources[i], "*?[") != NULL;
		int is_kind = strchr(sources[i], ':') == NULL;

		/* "prometheus" means every prometheus:URL; "focus:aws" only itself */
		for (k = 0; k < (is_kind && !has_glob ? 2 : 1); k++) {
			if (has_glob)
				snprintf(g, sizeof(g), "%s", sources[i]);
			else
				glob_literal(g, sizeof(g) - 4, sources[i]);
			if (k == 1)
				strcat(g, ":*");
			sqlite3_reset(st);
			sqlite3_bind_text(st, 1, g, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
			if (sqlite3_step(st) != SQLITE_DONE) {
				rc = store_fail(s, e, "setting usage.prefer");
				goto out;
			}
		}
	}
out:
	sqlite3_finalize(st);
	return rc;
}

int store_commitments_put(struct store *s, const struct store_commitment *v, size_t n,
			  struct err *e)
{
	/*
	 * A later export replaces the figures, but the commitment was already running when an
	 * earlier export saw it: the earliest first_seen stays, and expires_by (first_seen +
	 * term) moves back with it.
	 */
	static const char sql[] =
		"INSERT INTO commitments(id, source, provider, region, category, type,"
		" instance_type, gpu_model, gpus_per_instance, instances, effective_hourly,"
		" spend_hourly, used_hours, unused_hours, first_seen, last_seen, term_months,"
		" expires_by, imported_at)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19)"
		" ON CONFLICT(id) DO UPDATE SET source = excluded.source,"
		" provider = excluded.provider, region = excluded.region,"
		" category = excluded.category, type = excluded.type,"
		" instance_type = excluded.instance_type, gpu_model = excluded.gpu_model,"
		" gpus_per_instance = excluded.gpus_per_instance, instances = excluded.instances,"
		" effective_hourly = excluded.effective_hourly, spend_hourly = excluded.spend_hourly,"
		" used_hours = excluded.used_hours, unused_hours = excluded.unused_hours,"
		" expires_by = excluded.expires_by - (excluded.first_seen -"
		"   MIN(commitments.first_seen, excluded.first_seen)),"
		" first_seen = MIN(commitments.first_seen, excluded.first_seen),"
		" last_seen = MAX(commitments.last_seen, excluded.last_seen),"
		" term_months = excluded.term_months, imported_at = excluded.imported_at";
	sqlite3_stmt *st = NULL;
	int rc = 0;
	size_t i;

	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "writing commitments");
	for (i = 0; i < n; i++) {
		const struct store_commitment *c = &v[i];

		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, c->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, c->source, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, c->provider, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, c->region, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, c->category, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, c->type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, c->instance_type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, c->gpu_model, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 9, c->gpus_per_instance);
		sqlite3_bind_double(st, 10, c->instances);
		bind_num(st, 11, c->effective_hourly);
		bind_num(st, 12, c->spend_hourly);
		sqlite3_bind_double(st, 13, c->used_hours);
		sqlite3_bind_double(st, 14, c->unused_hours);
		sqlite3_bind_int64(st, 15, c->first_seen);
		sqlite3_bind_int64(st, 16, c->last_seen);
		sqlite3_bind_int(st, 17, c->term_months);
		if (c->expires_by)
			sqlite3_bind_int64(st, 18, c->expires_by);
		else
			sqlite3_bind_null(st, 18);
		sqlite3_bind_int64(st, 19, c->imported_at);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = store_fail(s, e, "writing commitments");
			break;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int store_commitments_list(struct store *s, const char *gpu, struct store_commitment **out,
			   size_t *n, struct err *e)
{
	static const char sql[] =
		"SELECT id, source, provider, region, category, type, instance_type, gpu_model,"
		" gpus_per_instance, instances, effective_hourly, spend_hourly, used_hours,"
		" unused_hours, first_seen, last_seen, term_months, COALESCE(expires_by, 0),"
		" imported_at FROM commitments"
		" WHERE (?1 IS NULL OR gpu_model = ?1 COLLATE NOCASE)"
		" ORDER BY gpu_model = '', gpu_model, id";
	sqlite3_stmt *st = NULL;
	struct store_commitment *v = NULL, *tmp;
	size_t len = 0, cap = 0;
	int rc = 0, step;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK) {
		rc = store_fail(s, e, "reading commitments");
		goto out;
	}
	sqlite3_bind_text(st, 1, gpu, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_commitment *c;

		if ((tmp = buf_grow_array(v, &cap, len + 1, sizeof(*v))) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		v = tmp;
		c = &v[len++];
		memset(c, 0, sizeof(*c));
		copy_text(c->id, sizeof(c->id), st, 0);
		copy_text(c->source, sizeof(c->source), st, 1);
		copy_text(c->provider, sizeof(c->provider), st, 2);
		copy_text(c->region, sizeof(c->region), st, 3);
		copy_text(c->category, sizeof(c->category), st, 4);
		copy_text(c->type, sizeof(c->type), st, 5);
		copy_text(c->instance_type, sizeof(c->instance_type), st, 6);
		copy_text(c->gpu_model, sizeof(c->gpu_model), st, 7);
		c->gpus_per_instance = sqlite3_column_int(st, 8);
		c->instances = sqlite3_column_double(st, 9);
		c->effective_hourly = col_num(st, 10);
		c->spend_hourly = col_num(st, 11);
		c->used_hours = sqlite3_column_double(st, 12);
		c->unused_hours = sqlite3_column_double(st, 13);
		c->first_seen = sqlite3_column_int64(st, 14);
		c->last_seen = sqlite3_column_int64(st, 15);
		c->term_months = sqlite3_column_int(st, 16);
		c->expires_by = sqlite3_column_int64(st, 17);
		c->imported_at = sqlite3_column_int64(st, 18);
	}
	if (step != SQLITE_DONE) {
		rc = store_fail(s, e, "reading commitments");
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
