#ifndef PLANNER_STORE_APPLY_H
#define PLANNER_STORE_APPLY_H
/*
 * The store's apply tables: the audit log (a row per provider call) and launch attempts
 * (the idempotency bookkeeping). Each write is its own committed transaction, so that a
 * run killed at any moment leaves every call it made on record.
 */
#include <stddef.h>
#include <stdint.h>

#include "planner/store.h"
#include "providers/providers.h"
#include "util/err.h"

/* Appends one audit row. Never given a secret (providers_call holds none). */
int store_apply_audit(struct store *s, int64_t ts, const char *plan,
		      const struct providers_call *c, struct err *e);

struct store_audit_row {
	int64_t id, ts;
	char plan[48], provider[16], region[48], operation[48], request_id[128], token[80];
	char result[16], error[512];
};
/* Rows at or after since, oldest first. Caller frees *out. */
int store_apply_audit_list(struct store *s, int64_t since, struct store_audit_row **out,
			   size_t *n, struct err *e);

/* A launch attempt for one (plan, hour, pool, target). */
struct store_attempt {
	int64_t id;
	int attempt;		/* 1, 2, ... */
	int count;		/* instances asked for */
	int launched;
	char token[80];
	char status[16];	/* "pending" (sent, outcome unknown), "done", "failed" */
};
/* The latest attempt of that key; *found 0 when none. */
int store_apply_attempt_last(struct store *s, const char *plan, int64_t hour, const char *pool,
			     int target, struct store_attempt *out, int *found, struct err *e);
/* Records an attempt as "pending" before its call is made; sets a->id. */
int store_apply_attempt_new(struct store *s, const char *plan, int64_t hour, const char *pool,
			    int target, struct store_attempt *a, int64_t now, struct err *e);
/* Records the outcome. */
int store_apply_attempt_finish(struct store *s, int64_t id, const char *status, int launched,
			       int64_t now, struct err *e);

/*
 * Instances apply launched, so that a run trusts its own creates while the provider's
 * listing has not caught up (it is eventually consistent). Each call commits.
 */
int store_apply_launched(struct store *s, const char *provider, const char *region,
			 const char *pool, const char *plan, const char (*ids)[128], size_t n,
			 int64_t now, struct err *e);
int store_apply_terminated(struct store *s, const char *provider, const char *const *ids,
			   size_t n, struct err *e);
/* Launched at or after since and not terminated by capplan. Caller frees *out. */
int store_apply_inflight(struct store *s, const char *provider, const char *region,
			 int64_t since, struct providers_vm **out, size_t *n,
			 struct err *e);

#endif
