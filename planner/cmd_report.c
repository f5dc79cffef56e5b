/* capplan report: a stored plan as Markdown or JSON; report weekly: the FinOps week. */
#include "planner/load.h"
#include "planner/plan.h"
#include "planner/planner.h"
#include "planner/weekly.h"
#include "util/ofile.h"
#include "util/tm.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);

const struct cmd_entry cmd_report = {
	"report", "report a stored plan, or the week (report weekly)",
	"usage: capplan report [--plan ID|latest] [--format md|json] [--out FILE]\n"
	"       capplan report weekly [--week 2026-W47] [--format md|html|csv|json] [--out FILE]\n"
	"                             [--no-levers]\n\n"
	"Renders a stored plan (default: the latest hourly one, never a `plan commitments`\n"
	"result): cost against all on-demand, the mix by purchase type and GPU model, and the\n"
	"reserved counts.\n\n"
	"report weekly: the ISO week (default: the last complete one) against the latest stored\n"
	"hourly plan covering it: spend by provider, GPU model and purchase type as planned and,\n"
	"where usage was imported, as used (the commitments held, the rest of each hour's real\n"
	"demand bought at the cheapest spot and on-demand mix under the spot share); commitment\n"
	"utilization and coverage. The commitments held are chosen per provider: those imported\n"
	"from FOCUS exports (capplan commitments list) when the store holds that provider's\n"
	"FOCUS data for the week (an export imported over it, or an imported commitment held\n"
	"in it; none held then means none), else the plan's. The report says which\n"
	"(\"commitments_source\": focus, plan or mixed, and \"commitments_source_by_provider\"\n"
	"in json). Last week's forecast against what happened (MASE, interval coverage);\n"
	"savings against all on-demand. Then next\n"
	"week: the forecast band, the fleet plan, the commitments it recommends with their\n"
	"break-even, and the three largest levers (priced by re-planning next week on the LP\n"
	"relaxation with one thing moved; --no-levers skips that). html is one self-contained\n"
	"file with inline SVG charts; csv is one row per offering, day and pricing category\n"
	"with FOCUS column names. Costs are rounded to the cent per row and every total is a\n"
	"sum of rows, in every format.\n",
	run,
};

static int weekly(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "week", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "no-levers", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct weekly *w = NULL;
	const char *format = ctx->json ? "json" : "md", *outpath = NULL, *week = NULL;
	int64_t start;
	int rc = 0, c, levers = 1;
	struct ofile of = OFILE_INIT;
	FILE *f = stdout;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'w': week = optarg; break;
		case 'f': format = optarg; break;
		case 'o': outpath = optarg; break;
		case 'n': levers = 0; break;
		default:
			return cmd_usage_error(&cmd_report, e, "unknown option \"%s\"",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_report, e, "unexpected argument \"%s\"", argv[optind]);
	if (strcmp(format, "md") && strcmp(format, "json") && strcmp(format, "html") &&
	    strcmp(format, "csv"))
		return cmd_usage_error(&cmd_report, e, "--format is \"%s\": use md, html, csv or json",
				       format);
	if (week == NULL)
		start = tm_week_start(tm_now()) - 7 * TM_DAY;	/* the last complete week */
	else if (tm_parse_isoweek(week, &start) < 0 || start < LOAD_MIN_TIME ||
		 start >= LOAD_MAX_TIME)
		return cmd_usage_error(&cmd_report, e, "--week is \"%s\", not an ISO week like "
				       "2026-W47 (years 2000 to 2099)", week);
	if ((rc = planner_config(ctx, &cfg, e)) < 0 || (rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	if ((rc = weekly_build(&w, st, cfg, start, levers, e)) < 0)
		goto out;
	if (outpath) {
		if ((rc = ofile_open(&of, outpath, e)) < 0)
			goto out;
		f = of.f;
	}
	if (strcmp(format, "json") == 0)
		rc = reports_weekly_json(f, weekly_view(w), e);
	else if (strcmp(format, "csv") == 0)
		rc = reports_weekly_csv(f, weekly_view(w), e);
	else if (strcmp(format, "html") == 0)
		rc = reports_weekly_html(f, weekly_view(w), e);
	else
		rc = reports_weekly_md(f, weekly_view(w), e);
	if (rc == 0 && outpath)
		rc = ofile_commit(&of, e);
out:
	ofile_abort(&of);
	weekly_free(w);
	store_close(st);
	config_free(cfg);
	return rc;
}

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
	char *json = NULL, name[64], idbuf[32], kind[32];
	long long want = 0;
	int64_t id = 0;
	struct ofile of = OFILE_INIT;
	FILE *f = stdout;
	char *end;
	int rc = 0, c;

	if (argc > 1 && strcmp(argv[1], "weekly") == 0)
		return weekly(ctx, argc - 1, argv + 1, e);
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
	/* the default is the latest hourly plan; a commitments plan is shown when named */
	if ((rc = store_plan_get_kind(st, want, 1, &id, kind, sizeof(kind), &json, e)) < 0)
		goto out;
	snprintf(name, sizeof(name), "plan %lld", (long long)id);
	if ((rc = plan_from_json(&r, json, name, e)) < 0)
		goto out;
	/* rows stored before results said their kind: the column knows it */
	if (strcmp(kind, STORE_PLAN_COMMITMENTS) == 0)
		r->rp.kind = STORE_PLAN_COMMITMENTS;
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	r->rp.id = idbuf;
	if (outpath) {
		if ((rc = ofile_open(&of, outpath, e)) < 0)
			goto out;
		f = of.f;
	}
	rc = strcmp(format, "json") == 0 ? reports_plan_json(f, &r->rp, e)
					 : reports_plan_md(f, &r->rp, e);
	if (rc == 0 && outpath)
		rc = ofile_commit(&of, e);
out:
	ofile_abort(&of);
	plan_result_free(r);
	free(json);
	store_close(st);
	config_free(cfg);
	return rc;
}
