/* capplan plan: the cheapest reserved/spot/on-demand mix covering demand under policy. */
#include "planner/load.h"
#include "planner/plan.h"
#include "planner/planner.h"
#include "planner/store_prices.h"
#include "util/jw.h"
#include "util/tm.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);

const struct cmd_entry cmd_plan = {
	"plan", "plan reserved, spot and on-demand capacity for the forecast",
	"usage: capplan plan [--time-limit SECONDS] [--relax] [--duals] [--write-lp FILE] [--json]\n"
	"       capplan plan --offerings FILE.csv --demand FILE.csv [--json]\n"
	"       capplan plan fleet [--horizon 168] [--offerings F --demand F] [--relax] [--json]\n"
	"       capplan plan commitments [--horizon 8760] [--offerings F --demand F] [--json]\n\n"
	"From the store: covers the latest forecast's policy.cover_quantile (default p90) per\n"
	"GPU model and hour with the current catalog, stores the plan and prints it. From files:\n"
	"covers the demand CSV (timestamp,gpu_model,gpus) as it is, without a store.\n"
	"The plan is the proven optimum of the integer program; if --time-limit (default 60 s)\n"
	"comes first, the best plan found is printed with its proven gap (\"gap\" in --json).\n"
	"Exit 3 when no plan meets the constraints, with the hours, constraints and GPUs short.\n"
	"fleet        spot and on-demand per hour for the next --horizon hours (default 168),\n"
	"             buying no new reserved capacity (owned `commitments:` in the config count)\n"
	"commitments  what to reserve: demand (repeated to --horizon hours, default 8760) as a\n"
	"             load-duration curve; per offering and term the count, break-even and\n"
	"             expected utilization and the yearly saving against on-demand. Owned\n"
	"             commitments count only until they expire: new ones cover what is left\n"
	"--duals      marginal values: one more quota GPU per region, one more point of spot share\n"
	"--write-lp   the model in CPLEX LP format (glpsol --lp FILE reproduces the objective)\n",
	run,
};

enum plan_mode { MODE_PLAN, MODE_FLEET, MODE_COMMITMENTS };

struct plan_args {
	const char *offerings, *demand;
	struct plan_opts po;
	enum plan_mode mode;
	long horizon;		/* 0 = the demand as it is */
};

static int parse_args(struct plan_args *a, int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "offerings", required_argument, NULL, 'o' },
		{ "demand", required_argument, NULL, 'd' },
		{ "time-limit", required_argument, NULL, 't' },
		{ "relax", no_argument, NULL, 'r' },
		{ "duals", no_argument, NULL, 'u' },
		{ "write-lp", required_argument, NULL, 'w' },
		{ "horizon", required_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c, rc;

	optind = 1;
	opterr = 0;
	if (argc > 1 && strcmp(argv[1], "fleet") == 0) {
		a->mode = MODE_FLEET;
		a->horizon = 168;
		a->po.no_reserve = 1;
		argc--;
		argv++;
	} else if (argc > 1 && strcmp(argv[1], "commitments") == 0) {
		a->mode = MODE_COMMITMENTS;
		a->horizon = 8760;
		a->po.ldc = 1;
		argc--;
		argv++;
	}
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'o': a->offerings = optarg; break;
		case 'd': a->demand = optarg; break;
		case 'r': a->po.relax = 1; break;
		case 'u': a->po.duals = 1; break;
		case 'w': a->po.write_lp = optarg; break;
		case 'h':
			errno = 0;
			a->horizon = strtol(optarg, &end, 10);
			if (*end || end == optarg || errno || a->horizon < 1 || a->horizon > 3 * 8784 ||
			    a->mode == MODE_PLAN)
				return cmd_usage_error(&cmd_plan, e, "--horizon is \"%s\": hours in "
						       "1..26352, for plan fleet or plan commitments",
						       optarg);
			break;
		case 't':
			if ((rc = cmd_time_limit(&cmd_plan, optarg, &a->po.time_limit, e)) < 0)
				return rc;
			break;
		default:
			return cmd_usage_error(&cmd_plan, e, "unknown option \"%s\"",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_plan, e, "unexpected argument \"%s\"", argv[optind]);
	if (!a->offerings != !a->demand)
		return cmd_usage_error(&cmd_plan, e, "--offerings and --demand go together");
	return 0;
}

static int print_plan(const struct cmd_ctx *ctx, const struct plan_result *r, struct err *e)
{
	if (r->sp->status != SOLVER_OPTIMAL)
		fprintf(stderr, "capplan plan: not proven optimal (--time-limit, or the whole-instance "
			"fleet's gap target): the plan is within %.4f%% of the optimum (gap %.6f)\n",
			100 * r->sp->gap, r->sp->gap);
	if (ctx->json)
		return reports_plan_json(stdout, &r->rp, e);
	return reports_plan_md(stdout, &r->rp, e);
}

/*
 * Fits demand to the mode: fleet plans the first --horizon hours; commitments repeats the
 * demand to --horizon hours, and plan_run (opts.ldc) turns each GPU model's hours into its
 * load-duration curve, cut where owned commitments expire.
 */
static int shape_demand(struct plan_demand *d, const struct plan_args *a, struct err *e)
{
	size_t H, m, t;
	double *g;

	if (a->mode == MODE_PLAN || a->horizon <= 0)
		return 0;
	H = (size_t)a->horizon;
	if (a->mode == MODE_FLEET) {
		if (H >= d->nhours)
			return 0;
		for (m = 0; m < d->nmodels; m++)
			memmove(d->gpus + m * H, d->gpus + m * d->nhours, H * sizeof(double));
		d->nhours = H;
		return 0;
	}
	if ((g = calloc(d->nmodels * H + 1, sizeof(double))) == NULL)
		return err_nomem(e);
	for (m = 0; m < d->nmodels; m++) {
		for (t = 0; t < H; t++) {
			double x = d->gpus[m * d->nhours + t % d->nhours];

			g[m * H + t] = isnan(x) || x < 0 ? 0 : x;
		}
	}
	free(d->gpus);
	d->gpus = g;
	d->nhours = H;
	return 0;
}

/*
 * Per offering and term: count, break-even and expected utilization, yearly saving. New
 * commitments serve what owned capacity in force leaves of each hour's demand (r->demand is
 * the curve the solver covered, r->owned_gpus what was owned in each of its hours).
 */
static int print_commitments(const struct cmd_ctx *ctx, const struct plan_result *r,
			     const struct plan_demand *d, struct err *e)
{
	size_t o, m, t, H = d->nhours;
	double *stack = NULL;
	jw *w = NULL;
	int k, rc = 0;

	if ((stack = calloc(d->nmodels + 1, sizeof(double))) == NULL ||
	    (ctx->json && (w = jw_new(0)) == NULL))
		return err_nomem(e);
	if (w) {
		jw_obj(w);
		jw_kint(w, "horizon_hours", (int64_t)H);
		jw_kmoney(w, "total_cost", r->rp.total_cost);
		jw_knum(w, "gap", r->rp.gap);
		jw_key(w, "commitments");
		jw_arr(w);
	} else {
		printf("# Commitments for %zu hours (load-duration curve)\n\n", H);
		printf("| offering | term | count | break-even utilization | expected utilization "
		       "| yearly saving (USD) |\n|---|---|---:|---:|---:|---:|\n");
	}
	for (o = 0; o < r->noffers; o++) {
		const struct offering *x = &r->offers[o];

		for (m = 0; m < d->nmodels; m++)
			if (strcmp(d->models[m], x->gpu_model) == 0)
				break;
		for (k = 0; k < SOLVER_TERMS; k++) {
			int n = r->rp.reserved[o * SOLVER_TERMS + (size_t)k];
			double price = k ? x->reserved_3y : x->reserved_1y, lo, hi, used = 0, odg = INFINITY;
			double be, util, saving;
			size_t i;

			if (n <= 0 || m == d->nmodels)
				continue;
			/* this block of reserved GPUs sits above the blocks listed before it */
			lo = stack[m];
			hi = lo + (double)n * x->gpus;
			stack[m] = hi;
			for (t = 0; t < H; t++) {
				double v = r->demand[m * H + t] - r->owned_gpus[m * H + t] - lo;

				used += v <= 0 ? 0 : v > hi - lo ? hi - lo : v;
			}
			for (i = 0; i < r->noffers; i++)
				if (strcmp(r->offers[i].gpu_model, x->gpu_model) == 0 &&
				    !isnan(r->offers[i].ondemand) &&
				    r->offers[i].ondemand / r->offers[i].gpus < odg)
					odg = r->offers[i].ondemand / r->offers[i].gpus;
			be = isnan(x->ondemand) ? NAN : price / x->ondemand;
			util = used / ((hi - lo) * (double)H);
			saving = (used * odg - (double)n * price * (double)H) * 8760.0 / (double)H;
			if (w) {
				jw_obj(w);
				jw_kstr(w, "offering", r->ids[o]);
				jw_kstr(w, "term", k ? "3y" : "1y");
				jw_kint(w, "count", n);
				jw_knum(w, "break_even_utilization", be);
				jw_knum(w, "expected_utilization", util);
				jw_kmoney(w, "yearly_saving", isinf(odg) ? NAN : saving);
				jw_obj_end(w);
			} else {
				printf("| %s | %s | %d | %.1f%% | %.1f%% | %.2f |\n", r->ids[o],
				       k ? "3y" : "1y", n, 100 * be, 100 * util, saving);
			}
		}
	}
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
		rc = jw_write(w, stdout, e);
		if (rc == 0)
			putchar('\n');
	} else {
		printf("\nTotal cost of the plan over the horizon: %.2f USD\n", r->rp.total_cost);
	}
	jw_free(w);
	free(stack);
	return rc;
}

/* --duals: what one more unit of each quota and one more point of spot share save. */
/*
 * The marginal values of `--duals`: in the JSON as "duals" (filled before printing), in
 * Markdown as a section after the plan.
 */
static int fill_duals(struct plan_result *r, struct reports_dual **out, struct err *e)
{
	struct reports_dual *d;
	size_t q, n = 0;

	*out = NULL;
	if (r->sp == NULL || r->sp->quota_value == NULL)
		return 0;
	if ((d = calloc(r->nquotas + 1, sizeof(*d))) == NULL)
		return err_nomem(e);
	for (q = 0; q < r->nquotas; q++, n++) {
		d[n].kind = r->quotas[q].family ? "quota_vcpus" : "quota_gpus";
		d[n].provider = r->quotas[q].provider;
		d[n].region = r->quotas[q].region;
		d[n].family = r->quotas[q].family;
		d[n].usd = r->sp->quota_value[q];
	}
	if (!isnan(r->sp->spot_share_value)) {
		d[n].kind = "spot_share_point";
		d[n++].usd = r->sp->spot_share_value;
	}
	r->rp.duals = d;
	r->rp.nduals = n;
	*out = d;
	return 0;
}

static void print_duals(FILE *f, const struct plan_result *r)
{
	size_t q;

	if (r->sp == NULL || r->sp->quota_value == NULL)
		return;
	fprintf(f, "\n## Marginal values\n\n");
	for (q = 0; q < r->nquotas; q++)
		fprintf(f, "- +1 quota %s in %s/%s%s%s saves %.2f USD over the horizon\n",
		       r->quotas[q].family ? "vCPU" : "GPU", r->quotas[q].provider,
		       r->quotas[q].region, r->quotas[q].family ? " family " : "",
		       r->quotas[q].family ? r->quotas[q].family : "", r->sp->quota_value[q]);
	if (!isnan(r->sp->spot_share_value))
		fprintf(f, "- +1 point of policy.max_spot_share (%g -> %g) saves %.2f USD over the "
		       "horizon\n", r->max_spot_share, r->max_spot_share + 0.01,
		       r->sp->spot_share_value);
}

static int output(const struct cmd_ctx *ctx, const struct plan_args *a,
		  struct plan_result *r, const struct plan_demand *d, struct err *e)
{
	struct reports_dual *duals = NULL;
	int rc;

	if (a->po.duals && ctx->json && a->mode != MODE_COMMITMENTS &&
	    (rc = fill_duals(r, &duals, e)) < 0)
		return rc;
	if (a->mode == MODE_COMMITMENTS) {
		if (r->sp->status != SOLVER_OPTIMAL)
			fprintf(stderr, "capplan plan: not proven optimal within --time-limit: gap "
				"%.6f\n", r->sp->gap);
		rc = print_commitments(ctx, r, d, e);
	} else {
		rc = print_plan(ctx, r, e);
	}
	/* `plan commitments --json` has its own document: its duals stay on stderr */
	if (rc == 0 && a->po.duals && (!ctx->json || a->mode == MODE_COMMITMENTS))
		print_duals(ctx->json ? stderr : stdout, r);
	r->rp.duals = NULL;	/* borrowed for the printing only */
	r->rp.nduals = 0;
	free(duals);
	/* nothing is wrong (the plan still covers demand): say it only when asked (-v) */
	if (r->sp->approx_units)
		cmd_debug(ctx, "capplan plan: spot capacity after interruption rates was rounded "
			  "down to 1/1000 GPU (the plan still covers demand)\n");
	return rc;
}

static int from_files(struct cmd_ctx *ctx, struct plan_args *a, struct config *cfg,
		      struct err *e)
{
	struct offering *offers = NULL;
	struct store_usage_row *rows = NULL;
	struct plan_demand d;
	struct plan_result *r = NULL;
	size_t noffers = 0, nrows = 0;
	int rc;

	memset(&d, 0, sizeof(d));
	if ((rc = load_offerings_csv(a->offerings, &offers, &noffers, e)) < 0 ||
	    (rc = load_usage_csv(a->demand, &rows, &nrows, e)) < 0 ||
	    (rc = plan_demand_from_rows(&d, rows, nrows, e)) < 0 ||
	    (rc = shape_demand(&d, a, e)) < 0)
		goto out;
	if ((rc = plan_run(&r, offers, noffers, &d, cfg, &a->po, e)) < 0)
		goto out;
	rc = output(ctx, a, r, &d, e);
out:
	plan_result_free(r);
	plan_demand_release(&d);
	free(rows);
	free(offers);
	return rc;
}

/* Demand from the latest forecast run: the quantile the policy covers. */
static int demand_from_forecast(struct store *st, const struct config *cfg, struct plan_demand *d,
				int64_t *run, const char **quantile, struct err *e)
{
	char **models = NULL;
	size_t nmodels = 0, m, n, t;
	double *vals = NULL;
	int64_t start;
	int rc;

	*quantile = config_str(cfg, "policy.cover_quantile", "p90");
	if (strcmp(*quantile, "p50") && strcmp(*quantile, "p90") && strcmp(*quantile, "hi95") &&
	    strcmp(*quantile, "mean"))
		return err_set(e, ERR_INPUT, "%s: \"policy.cover_quantile\" is \"%s\": use p50, p90, "
			       "hi95 or mean", config_path(cfg), *quantile);
	if ((rc = store_forecast_latest(st, run, e)) < 0)
		return rc;
	if (*run == 0)
		return err_set(e, ERR_INPUT, "no forecast in %s: run capplan forecast first",
			       store_path(st));
	if ((rc = store_forecast_models(st, *run, &models, &nmodels, e)) < 0)
		return rc;
	memset(d, 0, sizeof(*d));
	d->models = models;
	d->nmodels = nmodels;
	models = NULL;
	for (m = 0; m < d->nmodels; m++) {
		if ((rc = store_forecast_get(st, *run, d->models[m], *quantile, &start, &vals, &n,
					     e)) < 0)
			goto out;
		if (m == 0) {
			d->start = start;
			d->nhours = n;
			if ((d->gpus = calloc(d->nmodels * n + 1, sizeof(double))) == NULL) {
				rc = err_nomem(e);
				goto out;
			}
		} else if (start != d->start || n != d->nhours) {
			/* models forecast from different last hours: plan their common window */
			rc = err_set(e, ERR_INPUT, "forecast run %lld covers different hours for "
				     "\"%s\" and \"%s\": forecast them together from usage that ends at "
				     "the same hour", (long long)*run, d->models[0], d->models[m]);
			goto out;
		}
		for (t = 0; t < n; t++)
			d->gpus[m * n + t] = vals[t];
		free(vals);
		vals = NULL;
	}
out:
	free(vals);
	if (rc < 0)
		plan_demand_release(d);
	return rc;
}

static int dcmp_asc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* (see planner.h; whatif prices its baseline the same way) */
int planner_spot_from_history(struct store *st, const struct config *cfg,
			      struct offering *offers, size_t n, struct err *e)
{
	const char *how = config_str(cfg, "policy.spot_price", "median");
	struct store_spot_row *rows = NULL;
	double window, *v = NULL;
	size_t nrows = 0, i, j, k;
	int64_t newest = 0;
	int rc;

	if (strcmp(how, "catalog") == 0)
		return 0;
	if (strcmp(how, "median") != 0)
		return err_set(e, ERR_INPUT, "%s: \"policy.spot_price\" is \"%s\": use median or "
			       "catalog", config_path(cfg), how);
	if ((rc = config_double(cfg, "policy.spot_price_window_hours", 168, &window, e)) < 0)
		return rc;
	if (!(window > 0))
		return err_set(e, ERR_INPUT, "%s: \"policy.spot_price_window_hours\" must be > 0",
			       config_path(cfg));
	if ((rc = store_spot_list(st, NULL, NULL, NULL, NULL, INT64_MIN, &rows, &nrows, e)) < 0)
		return rc;
	for (i = 0; i < nrows; i++)
		newest = rows[i].p.ts > newest ? rows[i].p.ts : newest;
	if (nrows && (v = calloc(nrows, sizeof(double))) == NULL) {
		free(rows);
		return err_nomem(e);
	}
	for (i = 0; i < n; i++) {
		for (j = 0, k = 0; j < nrows; j++)
			if (rows[j].p.ts >= newest - (int64_t)(window * 3600) &&
			    strcmp(rows[j].provider, offers[i].provider) == 0 &&
			    strcmp(rows[j].p.region, offers[i].region) == 0 &&
			    strcmp(rows[j].p.instance_type, offers[i].instance_type) == 0)
				v[k++] = rows[j].p.price;
		if (k == 0)
			continue;
		qsort(v, k, sizeof(double), dcmp_asc);
		offers[i].spot = k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
	}
	free(v);
	free(rows);
	return 0;
}

/* A writer's text as a heap string the caller frees; NULL when the writer failed. */
static char *text_dup(jw *w)
{
	size_t len = 0;
	const char *t = jw_text(w, &len);

	return t ? strndup(t, len) : NULL;
}

/*
 * The plan's inputs and policy as the store keeps them (report weekly reads the forecast run
 * back from the inputs). Through the JSON writer: the config path is the user's text, with
 * any quotes, backslashes and length, and must not break the document.
 */
static int plan_meta_json(char **inputs, char **policy, int64_t run_id, const char *quantile,
			  size_t noffers, const char *config, double share, int relax,
			  struct err *e)
{
	jw *w = jw_new(0), *p = jw_new(0);
	int rc = 0;

	*inputs = *policy = NULL;
	if (w && p) {
		jw_obj(w);
		jw_kint(w, "forecast_run", run_id);
		jw_kstr(w, "quantile", quantile);
		jw_kint(w, "offerings", (int64_t)noffers);
		jw_kstr(w, "config", config);
		jw_obj_end(w);
		jw_obj(p);
		jw_knum(p, "max_spot_share", share);
		jw_kstr(p, "cover_quantile", quantile);
		jw_kbool(p, "relax", relax);
		jw_obj_end(p);
		*inputs = text_dup(w);
		*policy = text_dup(p);
	}
	if (*inputs == NULL || *policy == NULL) {
		free(*inputs);
		free(*policy);
		*inputs = *policy = NULL;
		rc = err_nomem(e);
	}
	jw_free(w);
	jw_free(p);
	return rc;
}

static int from_store(struct cmd_ctx *ctx, struct plan_args *a, struct config *cfg,
		      struct err *e)
{
	struct store *st = NULL;
	struct store_offering *so = NULL;
	struct store_commitment *owned = NULL;
	struct offering *offers = NULL;
	struct plan_demand d;
	struct plan_result *r = NULL;
	const char *quantile;
	char *result = NULL, *inputs = NULL, *policy = NULL, idbuf[32];
	size_t noffers = 0, len = 0, i;
	int64_t run_id, plan_id = 0;
	double share;
	FILE *mem = NULL;
	int rc;

	memset(&d, 0, sizeof(d));
	if ((rc = planner_store(ctx, cfg, &st, e)) < 0 ||
	    (rc = demand_from_forecast(st, cfg, &d, &run_id, &quantile, e)) < 0 ||
	    (rc = shape_demand(&d, a, e)) < 0 ||
	    (rc = store_offerings_list(st, NULL, NULL, &so, &noffers, e)) < 0)
		goto out;
	/* commitments owned, from imported FOCUS exports (capplan commitments list) */
	if ((rc = store_commitments_list(st, NULL, &owned, &a->po.nowned, e)) < 0)
		goto out;
	a->po.owned = owned;
	if (noffers == 0) {
		rc = err_set(e, ERR_INPUT, "no offerings in %s: run capplan prices import FILE.csv",
			     store_path(st));
		goto out;
	}
	if ((offers = calloc(noffers, sizeof(*offers))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (i = 0; i < noffers; i++)
		offers[i] = so[i].o;
	if ((rc = planner_spot_from_history(st, cfg, offers, noffers, e)) < 0)
		goto out;
	if ((rc = plan_run(&r, offers, noffers, &d, cfg, &a->po, e)) < 0)
		goto out;
	/* the stored result carries the plan's id, so a re-read plan names itself */
	if ((rc = config_double(cfg, "policy.max_spot_share", 0.4, &share, e)) < 0)
		goto out;
	if ((rc = plan_meta_json(&inputs, &policy, run_id, quantile, noffers, config_path(cfg),
				 share, a->po.relax, e)) < 0)
		goto out;
	if ((rc = store_begin(st, e)) < 0)
		goto out;
	if ((rc = store_plan_put(st, a->mode == MODE_FLEET ? "fleet" : a->mode == MODE_COMMITMENTS ?
				 "commitments" : "plan", d.start, d.nhours, r->rp.total_cost, inputs, policy,
				 "{}", &plan_id, e)) < 0)
		goto out;
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)plan_id);
	r->rp.id = idbuf;
	if ((mem = open_memstream(&result, &len)) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	rc = reports_plan_json(mem, &r->rp, e);
	fclose(mem);
	mem = NULL;
	if (rc < 0)
		goto out;
	{
		sqlite3_stmt *q = NULL;

		if (sqlite3_prepare_v2(store_db(st), "UPDATE plans SET result_json = ?1 WHERE id = ?2",
				       -1, &q, NULL) != SQLITE_OK) {
			rc = store_fail(st, e, "writing a plan");
			goto out;
		}
		sqlite3_bind_text(q, 1, result, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, plan_id);
		if (sqlite3_step(q) != SQLITE_DONE)
			rc = store_fail(st, e, "writing a plan");
		sqlite3_finalize(q);
		if (rc < 0)
			goto out;
	}
	if ((rc = store_commit(st, e)) < 0)
		goto out;
	cmd_debug(ctx, "plan %lld stored in %s\n", (long long)plan_id, store_path(st));
	rc = output(ctx, a, r, &d, e);
out:
	if (rc < 0 && st)
		store_rollback(st);
	free(result);
	free(inputs);
	free(policy);
	plan_result_free(r);
	plan_demand_release(&d);
	free(offers);
	free(so);
	free(owned);
	a->po.owned = NULL;
	a->po.nowned = 0;
	store_close(st);
	return rc;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct plan_args a;
	struct plan_opts def = PLAN_OPTS_INIT;
	struct config *cfg = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	a.po = def;
	if ((rc = parse_args(&a, argc, argv, e)) < 0)
		return rc;
	if ((rc = planner_config(ctx, &cfg, e)) < 0)
		return rc;
	rc = a.offerings ? from_files(ctx, &a, cfg, e) : from_store(ctx, &a, cfg, e);
	config_free(cfg);
	return rc;
}
