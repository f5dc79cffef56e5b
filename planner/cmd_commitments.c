/*
 * capplan commitments: the commitments a team already owns (reserved instances, savings
 * plans, committed use discounts), as derived from FOCUS exports by `usage import --focus`.
 * The planner treats them as owned: sunk cost until they expire.
 */
#include "planner/planner.h"
#include "planner/store_usage.h"
#include "util/jw.h"
#include "util/tm.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);

const struct cmd_entry cmd_commitments = {
	"commitments", "list commitments already owned (derived from FOCUS exports)",
	"usage: capplan commitments list [--gpu MODEL] [--json]\n\n"
	"list  prints the GPU commitments found in imported FOCUS exports (capplan usage import\n"
	"      --focus): the provider's CommitmentDiscountId, what it covers, the average count\n"
	"      paid for over the hours seen, the effective (amortized) price per instance-hour,\n"
	"      the hours used and unused, and expires_by: the first hour seen plus the term when\n"
	"      the export names it (the latest it can expire; empty when unknown)\n",
	run,
};

static void fmt_time(int64_t t, char out[TM_ISO_LEN])
{
	if (t)
		tm_format(t, out);
	else
		snprintf(out, TM_ISO_LEN, "-");
}

static int list(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct store_commitment *v = NULL;
	const char *gpu = NULL;
	char a[TM_ISO_LEN], b[TM_ISO_LEN], x[TM_ISO_LEN];
	size_t n = 0, i;
	int rc = 0, c, json = ctx->json;
	jw *w = NULL;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			gpu = optarg;
			break;
		case 'j':
			json = 1;
			break;
		default:
			return cmd_usage_error(&cmd_commitments, e, "unknown option \"%s\"",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_commitments, e, "unexpected argument \"%s\"",
				       argv[optind]);
	if ((rc = planner_config(ctx, &cfg, e)) < 0 || (rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	if ((rc = store_commitments_list(st, gpu, &v, &n, e)) < 0)
		goto out;
	if (json) {
		if ((w = jw_new(0)) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		jw_arr(w);
		for (i = 0; i < n; i++) {
			fmt_time(v[i].first_seen, a);
			fmt_time(v[i].last_seen, b);
			fmt_time(v[i].expires_by, x);
			jw_obj(w);
			jw_kstr(w, "id", v[i].id);
			jw_kstr(w, "source", v[i].source);
			jw_kstr(w, "provider", v[i].provider);
			jw_kstr(w, "region", v[i].region);
			jw_kstr(w, "category", v[i].category);
			jw_kstr(w, "type", v[i].type);
			jw_kstr(w, "instance_type", v[i].instance_type);
			jw_kstr(w, "gpu_model", v[i].gpu_model);
			jw_kint(w, "gpus_per_instance", v[i].gpus_per_instance);
			jw_knum(w, "instances", v[i].instances);
			jw_knum(w, "gpus", v[i].instances * v[i].gpus_per_instance);
			jw_knum(w, "effective_hourly", v[i].effective_hourly);
			jw_knum(w, "spend_hourly", v[i].spend_hourly);
			jw_knum(w, "used_hours", v[i].used_hours);
			jw_knum(w, "unused_hours", v[i].unused_hours);
			jw_kstr(w, "first_seen", a);
			jw_kstr(w, "last_seen", b);
			jw_kint(w, "term_months", v[i].term_months);
			jw_kstr(w, "expires_by", v[i].expires_by ? x : NULL);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		rc = jw_write(w, stdout, e);
		goto out;
	}
	if (n == 0) {
		cmd_info(ctx, "no commitments owned in the store: they come from FOCUS exports"
			 " (capplan usage import --focus FILE)\n");
		goto out;
	}
	printf("%-40s %-6s %-12s %-18s %-22s %-10s %9s %10s %10s %10s %-20s %-20s\n", "id",
	       "prov", "region", "type", "instance_type", "gpu_model", "instances",
	       "eff_hourly", "used_h", "unused_h", "last_seen", "expires_by");
	for (i = 0; i < n; i++) {
		fmt_time(v[i].last_seen, b);
		fmt_time(v[i].expires_by, x);
		printf("%-40s %-6s %-12s %-18s %-22s %-10s %9.2f %10.4f %10.1f %10.1f %-20s %-20s\n",
		       v[i].id, v[i].provider, v[i].region, v[i].type,
		       v[i].instance_type[0] ? v[i].instance_type : "(several)", v[i].gpu_model,
		       v[i].instances, v[i].effective_hourly, v[i].used_hours, v[i].unused_hours,
		       b, x);
	}
out:
	jw_free(w);
	free(v);
	store_close(st);
	config_free(cfg);
	return rc;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	if (argc < 2 || strcmp(argv[1], "list") != 0)
		return cmd_usage_error(&cmd_commitments, e, "commitments needs a subcommand: list");
	return list(ctx, argc - 1, argv + 1, e);
}
