#ifndef PLANNER_PLANNER_H
#define PLANNER_PLANNER_H
/* Orchestration shared by the commands: opening config and store, the plan pipeline. */
#include <stddef.h>
#include <stdint.h>

#include "planner/cmd.h"
#include "planner/config.h"
#include "planner/store.h"
#include "util/err.h"

/* The configuration the global options point at (see config_open). */
int planner_config(const struct cmd_ctx *ctx, struct config **out, struct err *e);
/* Opens (creating) the store: --db, else "store" in the config, else ./capplan.db. */
int planner_store(const struct cmd_ctx *ctx, const struct config *cfg, struct store **out,
		  struct err *e);

struct offering;
/*
 * Spot at its expected price: the median of the spot history the store holds for each
 * offering (every zone) over the last policy.spot_price_window_hours (default 168) before the
 * newest point, when policy.spot_price is "median" (the default); "catalog" keeps the
 * catalog's price. Offerings without history keep the catalog's price. What plan and whatif
 * price spot at, so that whatif's baseline is the plan.
 */
int planner_spot_from_history(struct store *st, const struct config *cfg,
			      struct offering *offers, size_t n, struct err *e);

#endif
