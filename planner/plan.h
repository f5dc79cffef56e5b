#ifndef PLANNER_PLAN_H
#define PLANNER_PLAN_H
/*
 * The plan pipeline shared by plan, whatif, backtest and report: offerings and hourly
 * demand in, a solved plan and its report view out. This is where planner/ maps
 * offerings to solver options and config policy to solver constraints.
 */
#include <stddef.h>
#include <stdint.h>

#include "planner/config.h"
#include "planner/store.h"
#include "planner/store_usage.h"
#include "providers/providers.h"
#include "reports/reports.h"
#include "solver/solver.h"
#include "util/err.h"

/* Hourly demand to cover, per GPU model. */
struct plan_demand {
	size_t nmodels;
	char **models;		/* canonical GPU model names */
	int64_t start;		/* first hour */
	size_t nhours;
	double *gpus;		/* [m * nhours + t]; NAN counts as 0 */
};
void plan_demand_release(struct plan_demand *d);
/* Builds demand from usage rows (as the demand CSV gives them): first to last hour. */
int plan_demand_from_rows(struct plan_demand *out, const struct store_usage_row *rows,
			  size_t n, struct err *e);

struct plan_opts {
	double time_limit;	/* seconds, default 60 */
	int relax;		/* fractional hourly counts */
	int no_reserve;		/* fleet: no new reserved capacity (owned commitments still count) */
	int duals;		/* marginal values of quotas and spot share (plan_result.sp) */
	const char *write_lp;	/* also write the model in CPLEX LP format here; NULL = no */
	/*
	 * Commitments owned as the store knows them (derived from FOCUS exports by `usage
	 * import --focus`), counted like config `commitments` entries: instance-based ones
	 * (reserved instances, reservations, CUDs) whose offering is in the catalog. Borrowed.
	 */
	const struct store_commitment *owned;
	size_t nowned;
	/*
	 * Plan d's hours as a load-duration curve (`plan commitments`): within each span of hours
	 * where the same owned commitments are in force (they end at their expiries), the hours
	 * are sorted highest demand first, and a span with more than 300 levels is rounded up to
	 * 300 steps. Prices are flat, so the optimum is the hourly model's (up to that rounding,
	 * which never under-covers); owned capacity counts only before it expires.
	 */
	int ldc;
};
#define PLAN_OPTS_INIT { 60.0, 0, 0, 0, NULL, NULL, 0, 0 }

struct plan_result {
	struct solver_plan *sp;
	size_t noffers;
	struct offering *offers;	/* the offerings the solver saw (owned copy) */
	char (*ids)[160];		/* their ids */
	struct reports_offer *roffers;
	struct reports_plan rp;		/* the report view; points into this result */
	/* The policy the plan was made under (from the config), for explanations. */
	size_t nquotas;
	struct solver_quota *quotas;	/* strings point into qtext */
	char *qtext;
	double max_spot_share;
	/* Per offering counts when substitution made one offering serve several classes. */
	int *fold_reserved;
	double *fold_spot, *fold_od;
	/*
	 * What the solver covered, [m * nhours + t] per GPU model of the demand: the demand (the
	 * curve when opts.ldc, in the plan's hour order) and the owned GPUs in force that hour.
	 */
	double *demand;
	double *owned_gpus;
};
void plan_result_free(struct plan_result *r);

/*
 * Plans demand d over the offerings, under the policy in cfg: policy.max_spot_share,
 * max_spot_pool_share, min_ondemand_share, default_spot_interruption_rate, budget,
 * allowed_providers, allowed_regions; quotas; commitments (owned, sunk cost: a list of
 * {offering, count, expires}; each covers only the hours before its own expiry, and one that
 * expired before d->start not at all); substitutions (a list of {class, model, factor}: an offering of
 * GPU model `model` may serve demand of `class`, each GPU counting as factor).
 * ERR_INFEASIBLE when no plan meets the constraints, ERR_INPUT when a GPU model has demand
 * but no offering.
 */
int plan_run(struct plan_result **out, const struct offering *offers, size_t noffers,
	     const struct plan_demand *d, const struct config *cfg, const struct plan_opts *o,
	     struct err *e);

/* The cheapest whole-instance all-on-demand cover of d over offers (NAN if impossible). */
double plan_ondemand_only_cost(const struct offering *offers, size_t noffers,
			       const struct plan_demand *d);



/*
 * Reads a plan written by `plan --json` (or stored) back into a result whose rp can be
 * rendered again or applied. name is used in errors (a file name, "plan 12"). A plan whose
 * "kind" is "commitments" (a load-duration curve) gets rp.kind = STORE_PLAN_COMMITMENTS.
 */
int plan_from_json(struct plan_result **out, const char *json, const char *name,
		   struct err *e);
#endif
