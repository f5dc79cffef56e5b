#include "planner/planner.h"

#include "planner/store_usage.h"

int planner_config(const struct cmd_ctx *ctx, struct config **out, struct err *e)
{
	return config_open(out, ctx->config_path, e);
}

/* usage.prefer (a list of sources, or one) decides overlapping usage for every command. */
static int apply_usage_prefer(struct store *s, const struct config *cfg, struct err *e)
{
	const struct config_node *n = cfg ? config_get(cfg, "usage.prefer") : NULL;
	const char *v[64];
	size_t k = 0, i;

	if (n == NULL)
		return 0;
	if (config_node_is_seq(n)) {
		for (i = 0; i < config_node_count(n) && k < 64; i++)
			if ((v[k] = config_node_str(config_node_at(n, i))) != NULL && *v[k])
				k++;
	} else if ((v[0] = config_node_str(n)) != NULL && *v[0]) {
		k = 1;
	}
	return store_usage_prefer(s, v, k, e);
}

int planner_store(const struct cmd_ctx *ctx, const struct config *cfg, struct store **out,
		  struct err *e)
{
	const char *path = ctx->db_path;
	int rc;

	if (path == NULL)
		path = cfg ? config_str(cfg, "store", "capplan.db") : "capplan.db";
	if ((rc = store_open(out, path, e)) < 0)
		return rc;
	if ((rc = apply_usage_prefer(*out, cfg, e)) < 0) {
		store_close(*out);
		*out = NULL;
	}
	return rc;
}
