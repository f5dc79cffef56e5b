#ifndef PLANNER_BACKTEST_H
#define PLANNER_BACKTEST_H
/*
 * Replaying a policy over history, week by week: forecast from what was known at the start
 * of each week, plan, buy the plan's commitments (they stay paid for until the window ends:
 * terms are a year or more), and pay for what really happened with realize_cover(). The
 * same replay prices all on-demand, the commitment heuristic (reserve the level used in at
 * least a break-even share of the last 30 days' hours), perfect foresight and the plan held
 * from the start.
 *
 * Perfect foresight is a lower bound, week by week, on what any strategy pays under the
 * replay's accounting: per week, the cheapest commitments for that week's real demand (as
 * if they could be chosen afresh each week) plus the cheapest cover of each of its hours,
 * priced exactly as the policy is (realize_cover, the hour's spot price, the spot share).
 * So realized >= perfect_foresight and heuristic >= perfect_foresight in every week and in
 * sum. The bound is not a plan a policy can follow: commitments cannot be sold back.
 * The plan held from the start (perfect_foresight_hold) is one that can: the LP over the
 * real demand of the whole window with its commitments bought in the first hour. It is not
 * a bound: a policy that tops up later can beat it in a week or over the window.
 */
#include <stddef.h>
#include <stdint.h>

#include "forecast/forecast.h"
#include "planner/config.h"
#include "planner/plan.h"
#include "providers/providers.h"
#include "util/err.h"

/* Spot prices per offering and hour (NAN = use the catalog's), or none at all. */
struct backtest_prices {
	int64_t start;
	size_t nhours;
	const double *spot;	/* [o * nhours + t], o indexing the offerings given to the run */
};

struct backtest_opts {
	int64_t from;		/* first hour of the window */
	int64_t end;		/* one past its last hour */
	const struct config *cfg;	/* policy.max_spot_share, policy.commit_quantile (p50) */
	struct plan_opts po;
	struct forecast_opts fo;	/* horizon is set per week */
};

/* A commitment bought during the replay. */
struct backtest_buy {
	int64_t week;		/* start of the week it was bought in */
	int strategy;		/* 0 realized (the policy), 1 heuristic, 2 the perfect-foresight
				 * plan held from the start */
	size_t offer;		/* index into the offerings */
	int term;		/* 0 = 1y, 1 = 3y */
	int count;		/* instances added */
};

struct backtest_week {
	int64_t start;
	size_t nhours;
	double realized, all_ondemand, heuristic, perfect_foresight;	/* USD this week */
	double perfect_foresight_hold;
	double demand_gpu_hours;
	double reserved_gpus;		/* GPUs the policy held at the end of the week */
	double heuristic_reserved_gpus;
	double forecast_mae;		/* mean |real - forecast mean| per model-hour */
};

struct backtest_result {
	double realized, all_ondemand, heuristic, perfect_foresight;	/* USD, whole window */
	double perfect_foresight_hold;	/* the plan held from the start, priced as the rest */
	double perfect_foresight_lp;	/* that LP's own total (equal to perfect_foresight_hold
					 * when spot prices do not vary within the window) */
	double max_spot_share;
	char quantile[8];		/* the forecast quantile the policy planned on */
	size_t nweeks;
	struct backtest_week *weeks;
	size_t nbuys;
	struct backtest_buy *buys;
};
void backtest_result_free(struct backtest_result *r);

/*
 * Replays [o->from, o->end) over usage (the whole real history: the forecast of a week
 * sees only the hours before it). offers are the catalog; prices may be NULL.
 * ERR_INPUT when the window is not inside the usage or leaves no history before it.
 */
int backtest_run(struct backtest_result **out, const struct offering *offers, size_t noffers,
		 const struct plan_demand *usage, const struct backtest_prices *prices,
		 const struct backtest_opts *o, struct err *e);

#endif
