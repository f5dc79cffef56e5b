#ifndef SOLVER_H
#define SOLVER_H
/*
 * solver/: the cheapest mix of reserved, spot and on-demand capacity that covers hourly
 * demand under policy, solved with GLPK. Pure computation: no files, no HTTP, no sqlite.
 */
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
};
#define SOLVER_PROBLEM_INIT { 0, NULL, 0, NULL, 0, NULL, 0.4, 60.0, 0 }

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
};

/*
 * Solves p. Returns 0 with *out set, ERR_INFEASIBLE with the hours and constraints that
 * make it so in e, or ERR_INPUT for a malformed problem.
 */
int solver_solve(struct solver_plan **out, const struct solver_problem *p, struct err *e);
void solver_plan_free(struct solver_plan *plan);

#endif
