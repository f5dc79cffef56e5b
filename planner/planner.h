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

#endif
