#include "planner/planner.h"

int planner_config(const struct cmd_ctx *ctx, struct config **out, struct err *e)
{
	return config_open(out, ctx->config_path, e);
}

int planner_store(const struct cmd_ctx *ctx, const struct config *cfg, struct store **out,
		  struct err *e)
{
	const char *path = ctx->db_path;

	if (path == NULL)
		path = cfg ? config_str(cfg, "store", "capplan.db") : "capplan.db";
	return store_open(out, path, e);
}
