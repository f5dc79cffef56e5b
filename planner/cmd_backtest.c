/* capplan backtest: replay the policy over past weeks against three references. */
#include "planner/backtest.h"
#include "planner/load.h"
#include "planner/planner.h"
#include "planner/store_reports.h"
#include "reports/reports.h"
#include "util/tm.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);

const struct cmd_entry cmd_backtest = {
	"backtest", "replay the policy over past weeks against the alternatives",
	"usage: capplan backtest --from DATE --to DATE [--policy FILE] [--format md|json]\n"
	"       capplan backtest --from DATE --to DATE --offerings FILE.csv --usage FILE.csv\n\n"
	"Replays history week by week from --from to --to (dates, both included): forecasts each\n"
	"week from the usage known before it, plans it, buys the plan's commitments (they stay\n"
	"paid for to the end of the window) and pays for what really happened: real demand, spot\n"
	"at the stored price history (the catalog's price where there is none), the shortfall\n"
	"on demand. Compares that with all on-demand, the commitment heuristic (reserve the\n"
	"level used in at least a break-even share of the last 30 days' hours, the rest spot and\n"
	"on-demand), perfect foresight and the perfect-foresight plan held from the start.\n"
	"Perfect foresight is a lower bound in every week: the least any strategy could pay\n"
	"for the week knowing its real demand, with commitments chosen afresh for the week and\n"
	"every hour priced like the policy's. The plan held from the start (the LP over the\n"
	"real demand of the whole window, its commitments bought in the first hour) is one a\n"
	"policy could follow; a policy that tops up later can pay less than it.\n"
	"Each week's plan covers the forecast's policy.commit_quantile (default p50: what is\n"
	"bought there is a commitment; the fleet of each hour is bought against real demand).\n"
	"--policy FILE is a configuration used instead of the configuration (its policy.* keys:\n"
	"max_spot_share, commit_quantile, quotas, ...).\n"
	"--json prints {\"realized\", \"all_ondemand\", \"heuristic\", \"perfect_foresight\",\n"
	"\"perfect_foresight_hold\", \"weeks\": [...]}, costs in USD over the whole window.\n",
	run,
};

struct bt_args {
	const char *from, *to, *policy, *offerings, *usage, *format;
	struct plan_opts po;
};

static int parse_args(struct bt_args *a, const struct cmd_ctx *ctx, int argc, char **argv,
		      struct err *e)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "policy", required_argument, NULL, 'p' },
		{ "offerings", required_argument, NULL, 'o' },
		{ "usage", required_argument, NULL, 'u' },
		{ "format", required_argument, NULL, 'F' },
		{ "time-limit", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	a->format = ctx->json ? "json" : "md";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': a->from = optarg; break;
		case 't': a->to = optarg; break;
		case 'p': a->policy = optarg; break;
		case 'o': a->offerings = optarg; break;
		case 'u': a->usage = optarg; break;
		case 'F': a->format = optarg; break;
		case 'T':
			if ((rc = cmd_time_limit(&cmd_backtest, optarg, &a->po.time_limit, e)) < 0)
				return rc;
			break;
		default:
			return cmd_usage_error(&cmd_backtest, e, "unknown option \"%s\"",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_backtest, e, "unexpected argument \"%s\"", argv[optind]);
	if (!a->from || !a->to)
		return cmd_usage_error(&cmd_backtest, e, "--from DATE and --to DATE are required");
	if (!a->offerings != !a->usage)
		return cmd_usage_error(&cmd_backtest, e, "--offerings and --usage go together");
	if (strcmp(a->format, "md") && strcmp(a->format, "json"))
		return cmd_usage_error(&cmd_backtest, e, "--format is \"%s\": use md or json",
				       a->format);
	return 0;
}

/* A date is its whole day; a time is its hour. end is one past the last hour of --to. */
static int parse_window(const struct bt_args *a, int64_t *from, int64_t *end, struct err *e)
{
	int64_t t;

	if (tm_parse(a->from, &t) < 0)
		return cmd_usage_error(&cmd_backtest, e, "--from is \"%s\", not a date", a->from);
	*from = tm_floor_hour(t);
	if (tm_parse(a->to, &t) < 0)
		return cmd_usage_error(&cmd_backtest, e, "--to is \"%s\", not a date", a->to);
	*end = strlen(a->to) == 10 ? t + TM_DAY : tm_floor_hour(t) + TM_HOUR;
	if (*end <= *from)
		return cmd_usage_error(&cmd_backtest, e, "--to is before --from");
	return 0;
}

/* Usage rows onto an hourly grid with NAN for hours not in the file. */
static int demand_from_file(const char *path, struct plan_demand *d, struct err *e)
{
	struct store_usage_row *rows = NULL;
	size_t n = 0, i, m;
	int rc;

	if ((rc = load_usage_csv(path, &rows, &n, e)) < 0 ||
	    (rc = plan_demand_from_rows(d, rows, n, e)) < 0)
		goto out;
	for (i = 0; i < d->nmodels * d->nhours; i++)
		d->gpus[i] = NAN;
	for (i = 0; i < n; i++)
		for (m = 0; m < d->nmodels; m++)
			if (strcmp(d->models[m], rows[i].gpu_model) == 0)
				d->gpus[m * d->nhours + (size_t)((rows[i].ts - d->start) / TM_HOUR)] =
					rows[i].gpus;
out:
	free(rows);
	return rc;
}

static int print(const struct bt_args *a, const struct backtest_result *r,
		 const struct offering *offers, int64_t from, int64_t end, struct err *e)
{
	static const char *const strategies[3] = { "realized", "heuristic",
						    "perfect_foresight_hold" };
	static const char *const terms[2] = { "1y", "3y" };
	struct reports_backtest b;
	struct reports_bt_week *weeks = NULL;
	struct reports_bt_buy *buys = NULL;
	char (*ids)[160] = NULL;
	size_t i;
	int rc;

	if ((weeks = calloc(r->nweeks + 1, sizeof(*weeks))) == NULL ||
	    (buys = calloc(r->nbuys + 1, sizeof(*buys))) == NULL ||
	    (ids = calloc(r->nbuys + 1, sizeof(*ids))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	memset(&b, 0, sizeof(b));
	b.from = from;
	b.end = end;
	b.realized = r->realized;
	b.all_ondemand = r->all_ondemand;
	b.heuristic = r->heuristic;
	b.perfect_foresight = r->perfect_foresight;
	b.perfect_foresight_hold = r->perfect_foresight_hold;
	b.perfect_foresight_lp = r->perfect_foresight_lp;
	b.max_spot_share = r->max_spot_share;
	b.quantile = r->quantile;
	for (i = 0; i < r->nweeks; i++) {
		weeks[i].start = r->weeks[i].start;
		weeks[i].nhours = r->weeks[i].nhours;
		weeks[i].realized = r->weeks[i].realized;
		weeks[i].all_ondemand = r->weeks[i].all_ondemand;
		weeks[i].heuristic = r->weeks[i].heuristic;
		weeks[i].perfect_foresight = r->weeks[i].perfect_foresight;
		weeks[i].perfect_foresight_hold = r->weeks[i].perfect_foresight_hold;
		weeks[i].demand_gpu_hours = r->weeks[i].demand_gpu_hours;
		weeks[i].reserved_gpus = r->weeks[i].reserved_gpus;
		weeks[i].heuristic_reserved_gpus = r->weeks[i].heuristic_reserved_gpus;
		weeks[i].forecast_mae = r->weeks[i].forecast_mae;
	}
	for (i = 0; i < r->nbuys; i++) {
		providers_offering_id(&offers[r->buys[i].offer], ids[i], sizeof(ids[i]));
		buys[i].week = r->buys[i].week;
		buys[i].strategy = strategies[r->buys[i].strategy];
		buys[i].offering = ids[i];
		buys[i].term = terms[r->buys[i].term];
		buys[i].count = r->buys[i].count;
	}
	b.nweeks = r->nweeks;
	b.weeks = weeks;
	b.nbuys = r->nbuys;
	b.buys = buys;
	rc = strcmp(a->format, "json") == 0 ? reports_backtest_json(stdout, &b, e)
					    : reports_backtest_md(stdout, &b, e);
out:
	free(weeks);
	free(buys);
	free(ids);
	return rc;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct bt_args a;
	struct plan_opts def = PLAN_OPTS_INIT;
	struct forecast_opts fdef = FORECAST_OPTS_INIT;
	struct backtest_opts o;
	struct backtest_prices prices;
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct store_offering *so = NULL;
	struct offering *offers = NULL;
	struct plan_demand usage;
	struct backtest_result *r = NULL;
	double *spot = NULL;
	size_t noffers = 0, i;
	const char *method;
	int rc;

	memset(&a, 0, sizeof(a));
	memset(&usage, 0, sizeof(usage));
	memset(&o, 0, sizeof(o));
	memset(&prices, 0, sizeof(prices));
	a.po = def;
	if ((rc = parse_args(&a, ctx, argc, argv, e)) < 0 ||
	    (rc = parse_window(&a, &o.from, &o.end, e)) < 0)
		return rc;
	if (a.policy)
		rc = config_load(&cfg, a.policy, e);
	else
		rc = planner_config(ctx, &cfg, e);
	if (rc < 0)
		goto out;
	if (a.offerings) {
		if ((rc = load_offerings_csv(a.offerings, &offers, &noffers, e)) < 0 ||
		    (rc = demand_from_file(a.usage, &usage, e)) < 0)
			goto out;
	} else {
		if ((rc = planner_store(ctx, cfg, &st, e)) < 0 ||
		    (rc = store_offerings_list(st, NULL, NULL, &so, &noffers, e)) < 0)
			goto out;
		if (noffers == 0) {
			rc = err_set(e, ERR_INPUT, "no offerings in %s: run capplan prices import "
				     "FILE.csv", store_path(st));
			goto out;
		}
		if ((offers = calloc(noffers, sizeof(*offers))) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		for (i = 0; i < noffers; i++)
			offers[i] = so[i].o;
		if ((rc = store_usage_demand(st, &usage, e)) < 0 ||
		    (rc = store_spot_history(st, offers, noffers, o.from,
					     (size_t)((o.end - o.from) / TM_HOUR), &spot, e)) < 0)
			goto out;
		prices.start = o.from;
		prices.nhours = (size_t)((o.end - o.from) / TM_HOUR);
		prices.spot = spot;
	}
	o.cfg = cfg;
	o.po = a.po;
	o.fo = fdef;
	method = config_str(cfg, "forecast.method", "auto");
	if (forecast_method_parse(method, &o.fo.method) < 0) {
		rc = err_set(e, ERR_INPUT, "%s: \"forecast.method\" is \"%s\": unknown",
			     config_path(cfg), method);
		goto out;
	}
	if ((rc = backtest_run(&r, offers, noffers, &usage, a.offerings ? NULL : &prices, &o,
			       e)) < 0)
		goto out;
	rc = print(&a, r, offers, o.from, o.end, e);
out:
	backtest_result_free(r);
	plan_demand_release(&usage);
	free(spot);
	free(offers);
	free(so);
	store_close(st);
	config_free(cfg);
	return rc;
}
