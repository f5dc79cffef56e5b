#ifndef PLANNER_WEEKLY_H
#define PLANNER_WEEKLY_H
/*
 * Gathers `capplan report weekly` from the store: the plan covering the week (as planned),
 * the usage of the week priced by realize_cover() under the commitments held (as used, per
 * provider: those imported from FOCUS exports when the store holds that provider's for the
 * week, else the plan's),
 * last week's forecast against what happened, next week's forecast, plan, commitment
 * recommendations and levers. The result owns everything its report view points to.
 */
#include <stdint.h>

#include "planner/cmd.h"
#include "planner/config.h"
#include "planner/store.h"
#include "reports/reports.h"
#include "util/err.h"

struct weekly;

/*
 * week_start is the Monday 00:00 UTC of the reported week. levers: re-plan next week to
 * price them (cfg is changed on the way and put back).
 */
int weekly_build(struct weekly **out, struct store *st, struct config *cfg,
		 int64_t week_start, int levers, struct err *e);
const struct reports_weekly *weekly_view(const struct weekly *w);
void weekly_free(struct weekly *w);

#endif
