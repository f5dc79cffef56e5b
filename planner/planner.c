#include "planner/planner.h"

#include <stdio.h>
#include <string.h>

int planner_config(const struct cmd_ctx *ctx, struct config **out, struct err *e)
{
	return config_open(out, ctx->config_path, e);
}

int planner_store(const struct cmd_ctx *ctx, const struct config *cfg, struct store **out,
		  struct err *e)
{
	char path[4096];
	const char *p = ctx->db_path, *cfgpath, *slash;

	if (p == NULL) {
		p = cfg ? config_str(cfg, "store", "capplan.db") : "capplan.db";
		cfgpath = cfg ? config_path(cfg) : "";
		slash = strrchr(cfgpath, '/');
		/*
		 * A relative "store" is relative to the configuration file, so that a cron job
		 * run from anywhere with --config /etc/capplan/capplan.yaml finds the same store.
		 */
		if (p[0] != '/' && slash != NULL) {
			snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - cfgpath), cfgpath, p);
			p = path;
		}
	}
	return store_open(out, p, e);
}
