/* capplan audit: the log of every provider call apply made (no secret is ever in it). */
#include "planner/planner.h"
#include "planner/store_apply.h"
#include "util/jw.h"
#include "util/tm.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);

const struct cmd_entry cmd_audit = {
	"audit", "show the audit log of provider calls made by apply",
	"usage: capplan audit [--since TIME] [--json]\n\n"
	"One row per provider call: time, plan, provider, region, operation, the provider's\n"
	"request id, the idempotency token, the result and the error. --since takes an ISO\n"
	"time or date (UTC).\n",
	run,
};

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct store_audit_row *v = NULL;
	int64_t since = INT64_MIN;
	size_t n = 0, i;
	char ts[TM_ISO_LEN];
	jw *w = NULL;
	int c, rc;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's' && tm_parse(optarg, &since) == 0)
			continue;
		if (c == 's')
			return cmd_usage_error(&cmd_audit, e, "--since is \"%s\", not an ISO time",
					       optarg);
		return cmd_usage_error(&cmd_audit, e, "unknown option \"%s\"", argv[optind - 1]);
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_audit, e, "unexpected argument \"%s\"", argv[optind]);
	if ((rc = planner_config(ctx, &cfg, e)) < 0 || (rc = planner_store(ctx, cfg, &st, e)) < 0 ||
	    (rc = store_apply_audit_list(st, since, &v, &n, e)) < 0)
		goto out;
	if (ctx->json) {
		if ((w = jw_new(0)) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		jw_arr(w);
		for (i = 0; i < n; i++) {
			tm_format(v[i].ts, ts);
			jw_obj(w);
			jw_kstr(w, "time", ts);
			jw_kstr(w, "plan", v[i].plan);
			jw_kstr(w, "provider", v[i].provider);
			jw_kstr(w, "region", v[i].region);
			jw_kstr(w, "operation", v[i].operation);
			jw_kstr(w, "request_id", v[i].request_id);
			jw_kstr(w, "token", v[i].token);
			jw_kstr(w, "result", v[i].result);
			jw_kstr(w, "error", v[i].error);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		rc = jw_write(w, stdout, e);
		goto out;
	}
	printf("%-20s %-6s %-6s %-14s %-20s %-36s %-56s %-10s %s\n", "time", "plan", "cloud",
	       "region", "operation", "request_id", "token", "result", "error");
	for (i = 0; i < n; i++) {
		tm_format(v[i].ts, ts);
		printf("%-20s %-6s %-6s %-14s %-20s %-36s %-56s %-10s %s\n", ts, v[i].plan,
		       v[i].provider, v[i].region, v[i].operation,
		       v[i].request_id[0] ? v[i].request_id : "-", v[i].token[0] ? v[i].token : "-",
		       v[i].result, v[i].error);
	}
out:
	jw_free(w);
	free(v);
	store_close(st);
	config_free(cfg);
	return rc;
}
