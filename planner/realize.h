#ifndef PLANNER_REALIZE_H
#define PLANNER_REALIZE_H
/*
 * Paying for what happened: given the commitments held, the real demand of an hour and
 * that hour's prices, the cheapest whole-instance spot and on-demand fleet that covers
 * it under the spot share (spot GPUs <= share x demand). This is the same hourly covering
 * problem the solver solves once the reserved counts are fixed, solved exactly by dynamic
 * programming over GPU counts, so that a backtest, a weekly report's "as used" spend and
 * a perfect-foresight plan are all priced by one rule.
 */
#include <stddef.h>

#include "providers/providers.h"
#include "util/err.h"

/* One hour of one GPU model: which offerings serve it and at what prices. */
struct realize_hour {
	size_t n;			/* offerings of this GPU model */
	const size_t *idx;		/* their indices into the caller's offering array */
	const int *gpus;		/* [n] GPUs per instance */
	const double *spot;		/* [n] USD per instance-hour this hour, NAN = none */
	const double *ondemand;		/* [n] */
	double demand;			/* GPUs in use (real), NAN or <= 0 = none */
	double reserved_gpus;		/* GPUs held by commitments */
	double max_spot_share;
};

/*
 * Fills spot_out[n] and od_out[n] (instances) and *cost (USD, spot + on-demand only).
 * ERR_INFEASIBLE when no on-demand offering can cover the shortfall.
 */
int realize_cover(const struct realize_hour *h, double *spot_out, double *od_out, double *cost,
		  struct err *e);

/*
 * What realize_cover's *cost would be with g GPUs held (h->reserved_gpus is ignored), for
 * every g in [0, nheld): cost[g], the very numbers realize_cover computes, from one pair of
 * tables. The perfect-foresight week of a backtest searches every holding with it.
 */
int realize_cover_curve(const struct realize_hour *h, size_t nheld, double *cost,
			struct err *e);

#endif
