/* capplan report: a stored plan as Markdown or JSON. */
#include "planner/plan.h"
#include "planner/planner.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);

const struct cmd_entry cmd_report = {
	"report", "report a stored plan (Markdown or JSON)",
	"usage: capplan report [--plan ID|latest] [--format md|json] [--out FILE]\n\n"
	"Renders a stored plan (default: the latest): cost against all on-demand, the mix by\n"
	"purchase type and GPU model, and the reserved counts.\n",
	run,
};

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "plan", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct plan_result *r = NULL;
	const char *format = ctx->json ? "json" : "md", *outpath = NULL;
	char *json = NULL, name[64], idbuf[32];
	long long want = 0;
	int64_t id = 0;
	FILE *f = stdout;
	char *end;
	int rc = 0, c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (strcmp(optarg, "latest") == 0) {
				want = 0;
				break;
			}
			errno = 0;
			want = strtoll(optarg, &end, 10);
			if (*end || end == optarg || want <= 0)
				return cmd_usage_error(&cmd_report, e, "--plan is \"%s\", not a plan id",
						       optarg);
			break;
		case 'f': format = optarg; break;
		case 'o': outpath = optarg; break;
		default:
			return cmd_usage_error(&cmd_report, e, "unknown option \"%s\"",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_report, e, "unexpected argument \"%s\"", argv[optind]);
	if (strcmp(format, "md") && strcmp(format, "json"))
		return cmd_usage_error(&cmd_report, e, "--format is \"%s\": use md or json", format);
	if ((rc = planner_config(ctx, &cfg, e)) < 0 || (rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	if ((rc = store_plan_get(st, want, &id, &json, e)) < 0)
		goto out;
	snprintf(name, sizeof(name), "plan %lld", (long long)id);
	if ((rc = plan_from_json(&r, json, name, e)) < 0)
		goto out;
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	r->rp.id = idbuf;
	if (outpath && (f = fopen(outpath, "w")) == NULL) {
		rc = err_set(e, ERR_RUNTIME, "%s: cannot write: %s", outpath, strerror(errno));
		goto out;
	}
	rc = strcmp(format, "json") == 0 ? reports_plan_json(f, &r->rp, e)
					 : reports_plan_md(f, &r->rp, e);
out:
	if (f && f != stdout && fclose(f) != 0 && rc == 0)
		rc = err_set(e, ERR_RUNTIME, "%s: write failed", outpath);
	plan_result_free(r);
	free(json);
	store_close(st);
	config_free(cfg);
	return rc;
}
