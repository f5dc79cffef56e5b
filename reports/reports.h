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
	double spot_interruption;	/* expected share of spot lost per hour; 0 or NAN = unknown */
};

/* A marginal value the solver priced: one more unit of a constraint saves usd over the plan. */
struct reports_dual {
	const char *kind;	/* "quota_gpus", "quota_vcpus" or "spot_share_point" */
	const char *provider, *region, *family;	/* the quota's; NULL where none */
	double usd;
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
	size_t nduals;		/* with `plan --duals`: written as "duals" in the JSON */
	const struct reports_dual *duals;
	/*
	 * NULL for an hourly schedule; "commitments" for a plan made over a load-duration curve
	 * (`plan commitments`), whose hours are sorted demand levels: written as "kind" in the
	 * JSON so that a plan file says it is not a schedule.
	 */
	const char *kind;
};

/*
 * The `plan --json` contract: {"horizon_hours", "total_cost", "cost": {...}, "reserved": [...],
 * "hours": [{"timestamp", "spot": {...}, "ondemand": {...}}], "gap"}.
 */
int reports_plan_json(FILE *f, const struct reports_plan *p, struct err *e);
/* A short Markdown summary: cost vs all on-demand, the mix, the reserved counts. */
int reports_plan_md(FILE *f, const struct reports_plan *p, struct err *e);


/* --- what-if --------------------------------------------------------------------------- */

/* Risk of a plan: spot share of its GPU-hours and expected spot interruptions. */
struct reports_risk {
	double gpu_hours[3];		/* reserved, spot, on-demand */
	double spot_share;		/* spot GPU-hours / all GPU-hours */
	double interruptions;		/* sum over hours of spot instances x interruption rate */
	int reserved_instances;
	double reserved_gpus;
};
/* Computes the mix and risk of p (offers' spot_interruption NAN or 0 counts as 0). */
void reports_plan_risk(const struct reports_plan *p, struct reports_risk *out);

struct reports_whatif {
	const struct reports_plan *baseline, *scenario;
	size_t nsets;
	const char *const *sets;	/* the --set assumptions as written */
};
/* {"assumptions": [...], "baseline": PLAN, "scenario": PLAN, "delta": {...}}; PLAN is the
 * plan --json object plus "mix" and "risk". */
int reports_whatif_json(FILE *f, const struct reports_whatif *w, struct err *e);
/* The two plans side by side: cost, mix, reserved counts, risk. */
int reports_whatif_md(FILE *f, const struct reports_whatif *w, struct err *e);

/* --- backtest -------------------------------------------------------------------------- */

struct reports_bt_week {
	int64_t start;
	size_t nhours;
	double realized, all_ondemand, heuristic, perfect_foresight;	/* USD */
	double demand_gpu_hours, reserved_gpus, heuristic_reserved_gpus, forecast_mae;
	double perfect_foresight_hold;	/* the whole-window plan held from the start */
};
struct reports_bt_buy {
	int64_t week;
	const char *strategy;		/* "realized", "heuristic", "perfect_foresight_hold" */
	const char *offering;
	const char *term;		/* "1y", "3y" */
	int count;
};
struct reports_backtest {
	int64_t from, end;		/* the window: [from, end) */
	double realized, all_ondemand, heuristic, perfect_foresight, perfect_foresight_lp;
	/* perfect_foresight is a lower bound week by week (planner/backtest.h); the plan held
	 * from the start is an achievable reference that a policy can beat */
	double perfect_foresight_hold;
	double max_spot_share;
	const char *quantile;
	size_t nweeks;
	const struct reports_bt_week *weeks;
	size_t nbuys;
	const struct reports_bt_buy *buys;
};
/* {"realized", "all_ondemand", "heuristic", "perfect_foresight", "weeks": [...], ...} */
int reports_backtest_json(FILE *f, const struct reports_backtest *b, struct err *e);
int reports_backtest_md(FILE *f, const struct reports_backtest *b, struct err *e);

/* --- the weekly FinOps report ---------------------------------------------------------- */

enum { REPORTS_RESERVED = 0, REPORTS_SPOT = 1, REPORTS_ONDEMAND = 2, REPORTS_NTYPES = 3 };
/* Which spend a charge belongs to. */
enum { REPORTS_PLANNED = 0, REPORTS_USED = 1, REPORTS_NEXT = 2, REPORTS_NBASES = 3 };

/*
 * One offering, day and purchase type of one basis (the FOCUS granularity). Costs are
 * rounded to the cent when the charge is made, and every total of every format is a sum
 * of charges: that is how the formats agree to the cent.
 */
struct reports_charge {
	int basis;		/* REPORTS_PLANNED, REPORTS_USED or REPORTS_NEXT */
	int64_t day;		/* 00:00 UTC */
	size_t offer;		/* index into offers */
	int type;		/* REPORTS_RESERVED, ... */
	int term;		/* reserved: 0 = 1y, 1 = 3y */
	double quantity;	/* instance-hours */
	double gpu_hours;
	double cost;		/* USD, whole cents */
	double list_cost;	/* the same instance-hours at the on-demand price, whole cents */
};

/* One GPU model over the reported week and the next (2 x 168 hours from week_start). */
struct reports_model_week {
	const char *gpu_model;
	size_t nhours;			/* 336 */
	const double *actual;		/* GPUs in use, NAN = not imported */
	const double *mean, *p10, *p90, *lo95, *hi95;	/* forecast band, NAN = none */
	/* GPUs held by commitments each hour: the reported week as "as used" counts them
	 * (see by_provider: per provider the plan's, or those imported from FOCUS exports),
	 * next week as planned */
	const double *reserved;
	double demand_gpu_hours;	/* last week, real */
	double reserved_gpu_hours;	/* last week, held */
	double reserved_used_gpu_hours;	/* last week, min(real, held) summed */
	double utilization;		/* used / held, NAN without commitments or usage */
	double coverage;		/* used reserved / real demand, NAN without usage */
	double mase;			/* last week's forecast mean against what happened */
	double cover80, cover95;	/* share of hours inside p10..p90 and lo95..hi95 */
	double ondemand_only;		/* cheapest all-on-demand cover of last week's real usage */
};

/* A commitment the next week's plan recommends. */
struct reports_commit {
	size_t offer;
	int term;
	int count;
	double hourly;		/* USD per instance-hour, effective over the term */
	double breakeven;	/* share of hours it must be used to beat on-demand */
	double expected_use;	/* share of next week's hours the forecast mean uses it */
	double weekly_saving;	/* against the same GPU-hours on demand, at expected use */
};

/*
 * A commitment the organisation held last week, as imported from FOCUS exports (`capplan
 * commitments list`): what "as used" priced for its provider (see by_provider).
 */
struct reports_held {
	const char *id;		/* the provider's CommitmentDiscountId */
	size_t offer;		/* index into offers */
	int term;		/* 0 = 1y (or not said by the export), 1 = 3y */
	int count;		/* instances: the average the export showed paid for, rounded */
	double hourly;		/* USD per instance-hour, amortized (EffectiveCost) */
	int64_t from, until;	/* the hours of the week it was held: [from, until) */
	int64_t expires_by;	/* the latest it can expire; 0 = unknown */
};

/* Where "as used" took one provider's commitments from. */
struct reports_commit_source {
	const char *provider;	/* "aws", ... */
	const char *source;	/* "focus" or "plan" */
};

/* A lever: what moving one constraint would save next week (negative = would cost). */
struct reports_lever {
	const char *name;	/* "policy.max_spot_share +0.1", "provider gcp", ... */
	const char *what;	/* one line for people */
	double saving;		/* USD per week */
};

struct reports_weekly {
	const char *week;		/* "2026-W47" */
	int64_t week_start;		/* Monday 00:00 UTC of the reported week */
	const char *plan_id;		/* the plan covering it, NULL when none */
	const char *next_plan_id;
	size_t noffers;
	const struct reports_offer *offers;
	size_t ncharges;
	const struct reports_charge *charges;
	int has_usage;			/* REPORTS_USED charges exist */
	size_t nmodels;
	const struct reports_model_week *models;
	size_t ncommits;
	const struct reports_commit *commits;
	size_t nlevers;
	const struct reports_lever *levers;
	size_t nnotes;
	const char *const *notes;	/* what was missing and what was done about it */
	/*
	 * Whose commitments "as used" (utilization, coverage, reserved spend) counts, decided
	 * per provider (see by_provider): "focus" = every provider listed counts those imported
	 * from FOCUS exports (held), "plan" = every one counts the week's plan's (also when
	 * none is listed but there is a plan), "mixed" = some of each, NULL = none (no plan and
	 * nothing imported).
	 */
	const char *commitments_source;
	/*
	 * Per provider, sorted: "focus" when the store holds that provider's FOCUS data for the
	 * week (a `usage import --focus` of its export overlapping the week, or an imported
	 * commitment of it held in the week: then what the export shows held is all that
	 * counts, none held meaning none), else "plan" when the week's plan reserved capacity
	 * there. A provider with neither has no commitments to count and is not listed.
	 */
	size_t nby_provider;
	const struct reports_commit_source *by_provider;
	size_t nheld;
	const struct reports_held *held;	/* the imported commitments counted */
};

/* Sums charges of one basis; type -1 = all types; offer (size_t)-1 = all offerings. */
double reports_weekly_total(const struct reports_weekly *w, int basis, int type, size_t offer);

int reports_weekly_md(FILE *f, const struct reports_weekly *w, struct err *e);
int reports_weekly_json(FILE *f, const struct reports_weekly *w, struct err *e);
/* One row per offering, day and pricing category, FOCUS column names. */
int reports_weekly_csv(FILE *f, const struct reports_weekly *w, struct err *e);
/* One self-contained HTML file: inline CSS and SVG, no scripts, every data string escaped. */
int reports_weekly_html(FILE *f, const struct reports_weekly *w, struct err *e);

/* Writes s HTML-escaped (& < > " '). */
void reports_html_escape(FILE *f, const char *s);

#endif
