/* The apply tables of the store (schema in store.c migrations[]). */
#include "planner/store_apply.h"
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

/* Runs one prepared write in its own transaction. */
static int write_one(struct store *s, sqlite3_stmt *q, const char *what, struct err *e)
{
	int rc;

	if ((rc = store_begin(s, e)) < 0)
		return rc;
	if (sqlite3_step(q) != SQLITE_DONE) {
		rc = store_fail(s, e, what);
		store_rollback(s);
		return rc;
	}
	return store_commit(s, e);
}

int store_apply_audit(struct store *s, int64_t ts, const char *plan,
		      const struct providers_call *c, struct err *e)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if (sqlite3_prepare_v2(store_db(s),
			       "INSERT INTO apply_audit(ts, plan, provider, region, operation,"
			       " request_id, token, result, error) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
			       -1, &q, NULL) != SQLITE_OK)
		return store_fail(s, e, "writing the audit log");
	sqlite3_bind_int64(q, 1, ts);
	sqlite3_bind_text(q, 2, plan ? plan : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, c->provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, c->region, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, c->operation, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, c->request_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, c->token, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 8, c->result, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 9, c->error, -1, SQLITE_STATIC);
	rc = write_one(s, q, "writing the audit log", e);
	sqlite3_finalize(q);
	return rc;
}

int store_apply_audit_list(struct store *s, int64_t since, struct store_audit_row **out,
			   size_t *n, struct err *e)
{
	sqlite3_stmt *q = NULL;
	struct store_audit_row *v = NULL, *t;
	size_t cap = 0, k = 0;
	int rc = 0, step;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(store_db(s),
			       "SELECT id, ts, plan, provider, region, operation, request_id, token,"
			       " result, error FROM apply_audit WHERE ts >= ?1 ORDER BY id",
			       -1, &q, NULL) != SQLITE_OK)
		return store_fail(s, e, "reading the audit log");
	sqlite3_bind_int64(q, 1, since);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if ((t = buf_grow_array(v, &cap, k + 1, sizeof(*v))) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		v = t;
		t = &v[k++];
		t->id = sqlite3_column_int64(q, 0);
		t->ts = sqlite3_column_int64(q, 1);
		copy_col(t->plan, sizeof(t->plan), q, 2);
		copy_col(t->provider, sizeof(t->provider), q, 3);
		copy_col(t->region, sizeof(t->region), q, 4);
		copy_col(t->operation, sizeof(t->operation), q, 5);
		copy_col(t->request_id, sizeof(t->request_id), q, 6);
		copy_col(t->token, sizeof(t->token), q, 7);
		copy_col(t->result, sizeof(t->result), q, 8);
		copy_col(t->error, sizeof(t->error), q, 9);
	}
	if (step != SQLITE_DONE) {
		rc = store_fail(s, e, "reading the audit log");
		goto out;
	}
	*out = v;
	*n = k;
	v = NULL;
out:
	free(v);
	sqlite3_finalize(q);
	return rc;
}

int store_apply_attempt_last(struct store *s, const char *plan, int64_t hour, const char *pool,
			     int target, struct store_attempt *out, int *found, struct err *e)
{
	sqlite3_stmt *q = NULL;
	int rc = 0, step;

	memset(out, 0, sizeof(*out));
	*found = 0;
	if (sqlite3_prepare_v2(store_db(s),
			       "SELECT id, attempt, count, launched, token, status FROM apply_attempts"
			       " WHERE plan = ?1 AND hour = ?2 AND pool = ?3 AND target = ?4"
			       " ORDER BY attempt DESC LIMIT 1", -1, &q, NULL) != SQLITE_OK)
		return store_fail(s, e, "reading launch attempts");
	sqlite3_bind_text(q, 1, plan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, hour);
	sqlite3_bind_text(q, 3, pool, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 4, target);
	step = sqlite3_step(q);
	if (step == SQLITE_ROW) {
		out->id = sqlite3_column_int64(q, 0);
		out->attempt = sqlite3_column_int(q, 1);
		out->count = sqlite3_column_int(q, 2);
		out->launched = sqlite3_column_int(q, 3);
		copy_col(out->token, sizeof(out->token), q, 4);
		copy_col(out->status, sizeof(out->status), q, 5);
		*found = 1;
	} else if (step != SQLITE_DONE) {
		rc = store_fail(s, e, "reading launch attempts");
	}
	sqlite3_finalize(q);
	return rc;
}

int store_apply_attempt_new(struct store *s, const char *plan, int64_t hour, const char *pool,
			    int target, struct store_attempt *a, int64_t now, struct err *e)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if (sqlite3_prepare_v2(store_db(s),
			       "INSERT INTO apply_attempts(plan, hour, pool, target, attempt, count,"
			       " token, status, launched, created_at, updated_at)"
			       " VALUES (?1,?2,?3,?4,?5,?6,?7,'pending',0,?8,?8)", -1, &q, NULL) !=
	    SQLITE_OK)
		return store_fail(s, e, "recording a launch attempt");
	sqlite3_bind_text(q, 1, plan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, hour);
	sqlite3_bind_text(q, 3, pool, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 4, target);
	sqlite3_bind_int(q, 5, a->attempt);
	sqlite3_bind_int(q, 6, a->count);
	sqlite3_bind_text(q, 7, a->token, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 8, now);
	rc = write_one(s, q, "recording a launch attempt", e);
	if (rc == 0) {
		a->id = sqlite3_last_insert_rowid(store_db(s));
		snprintf(a->status, sizeof(a->status), "pending");
	}
	sqlite3_finalize(q);
	return rc;
}

int store_apply_attempt_finish(struct store *s, int64_t id, const char *status, int launched,
			       int64_t now, struct err *e)
{
	sqlite3_stmt *q = NULL;
	int rc;

	if (sqlite3_prepare_v2(store_db(s),
			       "UPDATE apply_attempts SET status = ?1, launched = ?2, updated_at = ?3"
			       " WHERE id = ?4", -1, &q, NULL) != SQLITE_OK)
		return store_fail(s, e, "recording a launch outcome");
	sqlite3_bind_text(q, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, launched);
	sqlite3_bind_int64(q, 3, now);
	sqlite3_bind_int64(q, 4, id);
	rc = write_one(s, q, "recording a launch outcome", e);
	sqlite3_finalize(q);
	return rc;
}

int store_apply_launched(struct store *s, const char *provider, const char *region,
			 const char *pool, const char *plan, const char (*ids)[128], size_t n,
			 int64_t now, struct err *e)
{
	sqlite3_stmt *q = NULL;
	size_t i;
	int rc;

	if (n == 0)
		return 0;
	if ((rc = store_begin(s, e)) < 0)
		return rc;
	if (sqlite3_prepare_v2(store_db(s),
			       "INSERT OR IGNORE INTO apply_instances(provider, id, region, pool, plan,"
			       " launched_at) VALUES (?1,?2,?3,?4,?5,?6)", -1, &q, NULL) != SQLITE_OK) {
		rc = store_fail(s, e, "recording launched instances");
		goto out;
	}
	for (i = 0; i < n; i++) {
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, provider, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, ids[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 3, region, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, pool, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 5, plan, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 6, now);
		if (sqlite3_step(q) != SQLITE_DONE) {
			rc = store_fail(s, e, "recording launched instances");
			goto out;
		}
	}
	rc = store_commit(s, e);
out:
	if (rc < 0)
		store_rollback(s);
	sqlite3_finalize(q);
	return rc;
}

int store_apply_terminated(struct store *s, const char *provider, const char *const *ids,
			   size_t n, struct err *e)
{
	sqlite3_stmt *q = NULL;
	size_t i;
	int rc;

	if (n == 0)
		return 0;
	if ((rc = store_begin(s, e)) < 0)
		return rc;
	if (sqlite3_prepare_v2(store_db(s), "UPDATE apply_instances SET terminated = 1"
			       " WHERE provider = ?1 AND id = ?2", -1, &q, NULL) != SQLITE_OK) {
		rc = store_fail(s, e, "recording terminated instances");
		goto out;
	}
	for (i = 0; i < n; i++) {
		sqlite3_reset(q);
		sqlite3_bind_text(q, 1, provider, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, ids[i], -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE) {
			rc = store_fail(s, e, "recording terminated instances");
			goto out;
		}
	}
	rc = store_commit(s, e);
out:
	if (rc < 0)
		store_rollback(s);
	sqlite3_finalize(q);
	return rc;
}

int store_apply_inflight(struct store *s, const char *provider, const char *region,
			 int64_t since, struct providers_vm **out, size_t *n,
			 struct err *e)
{
	sqlite3_stmt *q = NULL;
	struct providers_vm *v = NULL, *t;
	size_t cap = 0, k = 0;
	int rc = 0, step;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(store_db(s),
			       "SELECT id, pool, plan, launched_at FROM apply_instances"
			       " WHERE provider = ?1 AND region = ?2 AND launched_at >= ?3"
			       " AND terminated = 0 ORDER BY id", -1, &q, NULL) != SQLITE_OK)
		return store_fail(s, e, "reading launched instances");
	sqlite3_bind_text(q, 1, provider, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, since);
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		if ((t = buf_grow_array(v, &cap, k + 1, sizeof(*v))) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		v = t;
		t = &v[k++];
		memset(t, 0, sizeof(*t));
		copy_col(t->id, sizeof(t->id), q, 0);
		copy_col(t->pool, sizeof(t->pool), q, 1);
		copy_col(t->plan, sizeof(t->plan), q, 2);
		snprintf(t->region, sizeof(t->region), "%s", region);
		t->launched = sqlite3_column_int64(q, 3);
	}
	if (step != SQLITE_DONE) {
		rc = store_fail(s, e, "reading launched instances");
		goto out;
	}
	*out = v;
	*n = k;
	v = NULL;
out:
	free(v);
	sqlite3_finalize(q);
	return rc;
}
