#ifndef PLANNER_APPLY_H
#define PLANNER_APPLY_H
/*
 * apply's reconcile logic, without I/O: the plan's counts for one hour per pool, the
 * difference against what runs, the idempotency tokens. cmd_apply.c drives the providers
 * and the store around it.
 *
 * A pool is "provider/region/instance_type/purchase" with purchase spot, ondemand or
 * reserved; reserved pools run as on-demand instances (the commitment is a billing matter).
 */
#include <stddef.h>
#include <stdint.h>

#include "planner/plan.h"
#include "providers/providers.h"
#include "util/err.h"

struct apply_pool {
	char pool[160];
	char provider[16], region[48], instance_type[64];
	char purchase[16];	/* "spot", "ondemand", "reserved" */
	int gpus;		/* per instance (0 when the pool is not in the plan) */
	char gpu_model[32];
	double hour_cost;	/* USD the plan's hour spends in this pool */
	double price;		/* USD per instance-hour (spot bid for spot), NAN unknown */
	int in_plan;
	int kept;		/* a GPU model the plan does not plan: left as it runs */
	int target;
	/* from the listing */
	int running;
	char (*ids)[128];	/* running ids, youngest first after apply_reconcile */
	size_t nids;
	/* the actions */
	int launch;
	size_t nterm;		/* the first nterm of ids are terminated */
	size_t nretag;		/* kept ids whose capplan:plan is another plan */
	char (*retag)[128];
	/* the outcome */
	int achieved;		/* instances in the pool after the run */
	int failed;
	char result[512];
};

struct apply_diff {
	char plan[48];
	int64_t hour;
	size_t n;
	struct apply_pool *pools;
	char (*models)[32];	/* the GPU models the plan plans (any provider) */
	size_t nmodels;
};
void apply_diff_release(struct apply_diff *d);

/*
 * The plan's counts for the hour holding at, one pool per offering and purchase type
 * (zero counts included, so that a pool scaled to 0 is terminated). provider NULL = all.
 * Fractional counts (relaxed plans) are rounded up. ERR_INPUT when the plan does not
 * cover that hour.
 */
int apply_desired(struct apply_diff *d, const struct plan_result *r, const char *plan,
		  int64_t at, const char *provider, struct err *e);

/*
 * Adds what runs (capplan-managed instances only) and decides the actions: launch up to
 * the target; above it terminate on-demand stand-ins first, then the youngest. Instances of a
 * pool the plan does not name get a pool with target 0, unless their instance type is one of
 * a GPU model the plan does not plan at all (a plan of one model, after `forecast --gpu`):
 * those are kept as they run (pool->kept, result says why). Call once with every listed
 * instance.
 */
int apply_reconcile(struct apply_diff *d, const struct providers_vm *v, size_t n,
		    struct err *e);

/*
 * USD the hour costs under the plan (NAN when a pool with a target has no price for its
 * purchase type: see apply_unpriced), and instances to launch.
 */
double apply_hour_cost(const struct apply_diff *d);
const struct apply_pool *apply_unpriced(const struct apply_diff *d);
int apply_launch_total(const struct apply_diff *d);

/*
 * The idempotency token of a launch: "capplan-" and 48 hex digits of SHA-256 over plan,
 * hour, pool, target and attempt (56 ASCII characters: within EC2's 64).
 */
void apply_token(char out[65], const char *plan, int64_t hour, const char *pool, int target,
		 int attempt);

#endif
