#include "planner/planner.h"

#include "planner/store_usage.h"

#include <stdio.h>
#include <string.h>

/*
 * The top-level keys some command reads. Any other is ignored, which for a misspelt
 * "quota:" or "polcy:" meant planning without the quotas or policy the user wrote: warned.
 * A new top-level key is added here.
 */
static const char *const top_keys[] = {
	"apply", "commitments", "forecast", "policy", "providers", "quotas", "store",
	"substitutions", "usage", NULL
};

/*
 * The keys of the sections whose keys are fixed: a "max_spot_shar: 0.1" under policy meant
 * planning with the default spot share of 0.4. Others (providers, usage) nest further.
 */
static const char *const policy_keys[] = {
	"allowed_providers", "allowed_regions", "budget", "commit_quantile", "cover_quantile",
	"default_spot_interruption_rate", "max_spot_pool_share", "max_spot_share",
	"min_ondemand_share", "spot_price", "spot_price_window_hours", NULL
};
static const char *const apply_keys[] = {
	"allowed_providers", "dry_run_default", "fallback_offerings", "fallback_to_ondemand",
	"inflight_seconds", "max_hourly_spend", "max_launch_per_run", "retry_base_ms", NULL
};
static const char *const forecast_keys[] = { "horizon", "method", "seasons", NULL };

static const struct {
	const char *section;		/* NULL: the top level */
	const char *const *keys;
} known[] = {
	{ NULL, top_keys },
	{ "policy", policy_keys },
	{ "apply", apply_keys },
	{ "forecast", forecast_keys },
};

static void warn_unknown_keys(const struct cmd_ctx *ctx, const struct config *cfg)
{
	size_t s, i, k;

	for (s = 0; s < sizeof(known) / sizeof(known[0]); s++) {
		const struct config_node *map = config_get(cfg, known[s].section);
		const char *const *keys = known[s].keys;

		if (map == NULL || (known[s].section && !config_node_is_map(map)))
			continue;
		for (i = 0; i < config_node_count(map); i++) {
			const struct config_node *n = config_node_at(map, i);
			const char *key = config_node_key(n);

			for (k = 0; key && keys[k] && strcmp(key, keys[k]) != 0; k++)
				;
			if (key && keys[k] == NULL)
				cmd_info(ctx, "capplan: warning: %s:%zu: \"%s%s%s\" is not a key capplan "
					 "reads (misspelt?): it is ignored\n", config_path(cfg),
					 config_node_line(n), known[s].section ? known[s].section : "",
					 known[s].section ? "." : "", key);
		}
	}
}

int planner_config(const struct cmd_ctx *ctx, struct config **out, struct err *e)
{
	int rc = config_open(out, ctx->config_path, e);

	if (rc == 0 && config_warning(*out)[0])
		cmd_info(ctx, "capplan: warning: %s\n", config_warning(*out));
	if (rc == 0)
		warn_unknown_keys(ctx, *out);
	return rc;
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
	char path[4096];
	const char *p = ctx->db_path, *cfgpath, *slash;
	int rc;

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
	if ((rc = store_open(out, p, e)) < 0)
		return rc;
	if ((rc = apply_usage_prefer(*out, cfg, e)) < 0) {
		store_close(*out);
		*out = NULL;
	}
	return rc;
}
