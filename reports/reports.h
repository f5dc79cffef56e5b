#ifndef REPORTS_H
#define REPORTS_H
/*
 * reports/: renders plans, forecasts and spend as Markdown, HTML+SVG, CSV and JSON.
 * Input records are plain structs filled by planner/; every string in them is borrowed.
 * Nothing here knows GLPK, HTTP or sqlite.
 */
#include <stdint.h>
#include <stdio.h>

#include "util/err.h"

/* An offering as a report shows it. */
struct reports_offer {
	const char *id;		/* "provider/region/instance_type" */
	const char *provider;
	const char *region;
	const char *instance_type;
	const char *gpu_model;
	double gpus;
	double ondemand, spot, reserved[2];	/* USD per instance-hour, NAN = not offered */
};

/* A plan over nhours hours from start; counts laid out as in solver_plan. */
struct reports_plan {
	int64_t start;		/* first hour, seconds since the epoch (UTC) */
	size_t nhours;
	size_t noffers;
	const struct reports_offer *offers;
	const int *reserved;	/* [o * 2 + term], term 0 = 1y, 1 = 3y */
	const double *spot;	/* [o * nhours + t] */
	const double *ondemand;	/* [o * nhours + t] */
	double total_cost, cost_reserved, cost_spot, cost_ondemand;
	double gap;		/* proven relative gap, 0 when optimal */
	double ondemand_only_cost;	/* cheapest all-on-demand cover of the same demand, NAN unknown */
	int relaxed;		/* counts may be fractional */
	const char *id;		/* plan id in the store, NULL when not stored */
};

/*
 * The `plan --json` contract: {"horizon_hours", "total_cost", "cost": {...}, "reserved": [...],
 * "hours": [{"timestamp", "spot": {...}, "ondemand": {...}}], "gap"}.
 */
int reports_plan_json(FILE *f, const struct reports_plan *p, struct err *e);
/* A short Markdown summary: cost vs all on-demand, the mix, the reserved counts. */
int reports_plan_md(FILE *f, const struct reports_plan *p, struct err *e);

#endif
