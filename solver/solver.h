#ifndef SOLVER_H
#define SOLVER_H
/*
 * solver/: the cheapest mix of reserved, spot and on-demand capacity that covers hourly
 * demand under policy, solved with GLPK. Pure computation: no files, no HTTP, no sqlite.
 */
#include <math.h>
#include <stddef.h>

#include "util/err.h"

enum { SOLVER_TERM_1Y = 0, SOLVER_TERM_3Y = 1, SOLVER_TERMS = 2 };

/* One offering as the solver sees it. Strings are borrowed from the caller. */
struct solver_option {
	const char *label;	/* "provider/region/instance_type" */
	const char *provider;
	const char *region;
	size_t cls;		/* index of the demand class its GPUs serve */
	double gpus;		/* GPUs per instance, > 0 */
	int vcpus;		/* 0 = unknown */
	double ondemand;	/* USD per instance-hour; NAN = not offered */
	double spot;
	double reserved[SOLVER_TERMS];	/* effective hourly over the term; NAN = not offered */
	double spot_interruption;	/* NAN = unknown (counts fully) */
	/* Fields below are optional: zero (calloc) means "none". */
	double factor;		/* class GPUs each of its GPUs counts as (substitution); 0 = 1 */
	const char *family;	/* instance family for vCPU quotas ("P", "G"); NULL = none */
	int owned;		/* instances already committed (sunk cost: they cost nothing) */
	size_t owned_hours;	/* ... covering hours [0, owned_hours); 0 = the whole horizon */
};

enum solver_quota_kind { SOLVER_QUOTA_ANY = 0, SOLVER_QUOTA_ONDEMAND = 1, SOLVER_QUOTA_SPOT = 2 };

/*
 * At most limit GPUs (family NULL: physical GPUs of every model and purchase type) or vCPUs
 * (family set: instances of that family and kind; on-demand includes reserved and owned, as
 * AWS counts them) running in provider/region in any hour.
 */
struct solver_quota {
	const char *provider;
	const char *region;
	const char *family;
	enum solver_quota_kind kind;
	double limit;
};

struct solver_problem {
	size_t noptions;
	const struct solver_option *options;
	size_t nclasses;
	const char *const *classes;	/* names of the demand classes (GPU models) */
	size_t nhours;
	const double *demand;		/* GPUs to cover, [cls * nhours + t] */
	double max_spot_share;		/* spot GPUs <= share x demand per class and hour */
	double time_limit;		/* seconds; <= 0 means 60 */
	int relax;			/* hourly counts may be fractional */
	/* Policy beyond issue 3; the defaults (INIT) leave each off. */
	double max_spot_pool_share;	/* spot GPUs of one offering <= share x demand; NAN = off */
	double min_ondemand_share;	/* on-demand GPUs >= share x demand; 0 = off */
	double budget;			/* USD over the horizon; NAN = none */
	int no_reserve;			/* fleet: buy no new reserved capacity */
	size_t nquotas;
	const struct solver_quota *quotas;
	int duals;			/* fill plan->quota_value and spot_share_value */
};
#define SOLVER_PROBLEM_INIT { 0, NULL, 0, NULL, 0, NULL, 0.4, 60.0, 0, NAN, 0, NAN, 0, 0, NULL, 0 }

enum solver_status {
	SOLVER_OPTIMAL = 0,	/* proven optimal (gap 0) */
	SOLVER_FEASIBLE = 1	/* the time limit came first: best plan found, gap > 0 */
};

/* A plan: counts per option; the caller owns it (solver_plan_free). */
struct solver_plan {
	enum solver_status status;
	size_t noptions, nhours;
	double total_cost;	/* exactly what the counts below cost */
	double cost_reserved, cost_spot, cost_ondemand;
	double gap;		/* proven relative gap to the optimum, 0 when optimal */
	int *reserved;		/* [o * SOLVER_TERMS + term] instances held for the whole horizon */
	double *spot;		/* [o * nhours + t] instances */
	double *ondemand;	/* [o * nhours + t] instances */
	double lower_bound;	/* proven lower bound on the optimum */
	/* With problem.duals: USD saved over the horizon by one more unit of each quota (GPU or
	 * vCPU in every hour), and by one more point (0.01) of max_spot_share. */
	double *quota_value;	/* [nquotas] */
	double spot_share_value;
	int approx_units;	/* spot rates were rounded down to 1/1000 GPU (still feasible) */
};

/*
 * Solves p. Returns 0 with *out set, ERR_INFEASIBLE with the hours and constraints that
 * make it so in e, or ERR_INPUT for a malformed problem.
 */
int solver_solve(struct solver_plan **out, const struct solver_problem *p, struct err *e);
void solver_plan_free(struct solver_plan *plan);

/*
 * Writes the straightforward model of p (a column per offering and hour) in CPLEX LP format,
 * so that `glpsol --lp FILE` finds the same optimum as solver_solve.
 */
int solver_write_lp(const struct solver_problem *p, const char *path, struct err *e);

/*
 * Solves p as one GLPK MILP over every offering and hour (identical hours merged), with the
 * time limit: the reference the structured solver is tested against, and the path taken
 * when quotas couple GPU models.
 */
int solver_solve_milp(struct solver_plan **out, const struct solver_problem *p, struct err *e);

/* Recomputes what the counts of plan cost under p (the plan's own totals are set from it). */
double solver_plan_cost(const struct solver_problem *p, const struct solver_plan *plan);

#endif
