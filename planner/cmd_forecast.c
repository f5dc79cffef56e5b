/* capplan forecast: hourly demand quantiles per GPU model, from the store or from files. */
#include "forecast/forecast.h"
#include "planner/load.h"
#include "planner/plan.h"
#include "planner/planner.h"
#include "util/jw.h"
#include "util/tm.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);

const struct cmd_entry cmd_forecast = {
	"forecast", "forecast hourly GPU demand with prediction intervals",
	"usage: capplan forecast [--gpu MODEL] [--horizon 168] [--method auto|snaive|ets|mstl|theta]\n"
	"       capplan forecast --input FILE.csv [--horizon H] [--output FILE.csv]\n\n"
	"From the store: forecasts every GPU model with usage (or --gpu) past its last hour and\n"
	"stores the run for `capplan plan`. From files: reads the usage CSV contract and writes\n"
	"timestamp,gpu_model,mean,p10,p50,p90,lo95,hi95 to --output (default standard output).\n",
	run,
};

struct fc_args {
	const char *gpu, *input, *output;
	struct forecast_opts fo;
};

static int parse_args(struct fc_args *a, const struct config *cfg, int argc, char **argv,
		      struct err *e)
{
	static const struct option opts[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "horizon", required_argument, NULL, 'H' },
		{ "method", required_argument, NULL, 'm' },
		{ "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *method = config_str(cfg, "forecast.method", "auto");
	long horizon;
	char *end;
	int c, rc;

	if ((rc = config_long(cfg, "forecast.horizon", 168, &horizon, e)) < 0)
		return rc;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'g': a->gpu = optarg; break;
		case 'i': a->input = optarg; break;
		case 'o': a->output = optarg; break;
		case 'm': method = optarg; break;
		case 'H':
			errno = 0;
			horizon = strtol(optarg, &end, 10);
			if (*end || end == optarg || errno)
				horizon = -1;
			break;
		default:
			return cmd_usage_error(&cmd_forecast, e, "unknown option \"%s\"",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_forecast, e, "unexpected argument \"%s\"", argv[optind]);
	if (horizon < 1 || horizon > 24 * 366 * 3)
		return cmd_usage_error(&cmd_forecast, e, "--horizon must be 1 to 26352 hours");
	if (forecast_method_parse(method, &a->fo.method) < 0)
		return cmd_usage_error(&cmd_forecast, e, "unknown method \"%s\"", method);
	a->fo.horizon = (size_t)horizon;
	return 0;
}

static void write_csv_rows(FILE *f, const char *model, int64_t start,
			   const struct forecast_result *r)
{
	char ts[TM_ISO_LEN];
	size_t h;

	for (h = 0; h < r->horizon; h++) {
		tm_format(start + (int64_t)h * TM_HOUR, ts);
		fprintf(f, "%s,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n", ts, model, r->mean[h], r->p10[h],
			r->p50[h], r->p90[h], r->lo95[h], r->hi95[h]);
	}
}

/* Forecasts straight from a usage CSV; touches no store. */
static int from_files(struct cmd_ctx *ctx, struct fc_args *a, struct err *e)
{
	struct store_usage_row *rows = NULL;
	struct plan_demand d;
	struct forecast_result *r = NULL;
	FILE *f = stdout;
	size_t n = 0, m;
	int rc;

	memset(&d, 0, sizeof(d));
	if ((rc = load_usage_csv(a->input, &rows, &n, e)) < 0 ||
	    (rc = plan_demand_from_rows(&d, rows, n, e)) < 0)
		goto out;
	/* plan_demand fills missing hours with 0: a forecaster needs to see them as gaps */
	for (m = 0; m < d.nmodels * d.nhours; m++)
		d.gpus[m] = NAN;
	for (m = 0; m < n; m++) {
		size_t k, t = (size_t)((rows[m].ts - d.start) / TM_HOUR);

		for (k = 0; k < d.nmodels; k++)
			if (strcmp(d.models[k], rows[m].gpu_model) == 0)
				d.gpus[k * d.nhours + t] = rows[m].gpus;
	}
	if (a->output && (f = fopen(a->output, "w")) == NULL) {
		rc = err_set(e, ERR_RUNTIME, "%s: cannot write: %s", a->output, strerror(errno));
		goto out;
	}
	fprintf(f, "timestamp,gpu_model,mean,p10,p50,p90,lo95,hi95\n");
	for (m = 0; m < d.nmodels; m++) {
		if (a->gpu && strcmp(a->gpu, d.models[m]) != 0)
			continue;
		if ((rc = forecast_run(&r, d.gpus + m * d.nhours, d.nhours, &a->fo, e)) < 0) {
			err_wrap(e, "%s: %s", a->input, d.models[m]);
			goto out;
		}
		if (r->note[0])
			cmd_info(ctx, "capplan forecast: %s: %s\n", d.models[m], r->note);
		write_csv_rows(f, d.models[m], d.start + (int64_t)d.nhours * TM_HOUR, r);
		forecast_result_free(r);
		r = NULL;
	}
	if (ferror(f))
		rc = err_set(e, ERR_RUNTIME, "%s: write failed", a->output ? a->output : "stdout");
out:
	if (f && f != stdout && fclose(f) != 0 && rc == 0)
		rc = err_set(e, ERR_RUNTIME, "%s: write failed", a->output);
	forecast_result_free(r);
	plan_demand_release(&d);
	free(rows);
	return rc;
}

static int from_store(struct cmd_ctx *ctx, struct fc_args *a, struct config *cfg, struct err *e)
{
	struct store *st = NULL;
	struct forecast_result *r = NULL;
	char **models = NULL, gpu[32], ts[TM_ISO_LEN], params[256];
	size_t nmodels = 0, m, n, done = 0, h;
	double *vals = NULL;
	int64_t start, run_id = 0;
	jw *w = NULL;
	int rc;

	if (a->gpu)
		load_gpu_name(a->gpu, gpu, sizeof(gpu));
	if ((rc = planner_store(ctx, cfg, &st, e)) < 0 ||
	    (rc = store_usage_models(st, &models, &nmodels, e)) < 0)
		goto out;
	if (nmodels == 0) {
		rc = err_set(e, ERR_INPUT, "no usage in %s: import some with capplan usage import "
			     "FILE.csv", store_path(st));
		goto out;
	}
	if (ctx->json && (w = jw_new(0)) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	snprintf(params, sizeof(params), "{\"gpu\":\"%s\"}", a->gpu ? gpu : "");
	if ((rc = store_begin(st, e)) < 0)
		goto out;
	if ((rc = store_forecast_run_new(st, forecast_method_name(a->fo.method), a->fo.horizon,
					 params, &run_id, e)) < 0)
		goto out;
	if (w) {
		jw_obj(w);
		jw_kint(w, "run", run_id);
		jw_key(w, "forecasts");
		jw_arr(w);
	} else {
		printf("%-12s %-10s %-20s %8s %8s %8s\n", "gpu_model", "method", "from", "mean",
		       "p90", "max_p90");
	}
	for (m = 0; m < nmodels; m++) {
		double sm = 0, s90 = 0, mx = 0;

		if (a->gpu && strcmp(models[m], gpu) != 0)
			continue;
		free(vals);
		vals = NULL;
		if ((rc = store_usage_series(st, models[m], INT64_MIN, INT64_MAX, &start, &vals, &n,
					     e)) < 0)
			goto out;
		if ((rc = forecast_run(&r, vals, n, &a->fo, e)) < 0) {
			err_wrap(e, "%s", models[m]);
			goto out;
		}
		start += (int64_t)n * TM_HOUR;
		if (r->note[0])
			cmd_info(ctx, "capplan forecast: %s: %s\n", models[m], r->note);
		if ((rc = store_forecast_put(st, run_id, models[m], r->method, start, r->horizon,
					     r->mean, r->p10, r->p50, r->p90, r->lo95, r->hi95,
					     e)) < 0)
			goto out;
		for (h = 0; h < r->horizon; h++) {
			sm += r->mean[h];
			s90 += r->p90[h];
			mx = r->p90[h] > mx ? r->p90[h] : mx;
		}
		tm_format(start, ts);
		if (w) {
			jw_obj(w);
			jw_kstr(w, "gpu_model", models[m]);
			jw_kstr(w, "method", r->method);
			jw_kstr(w, "note", r->note);
			jw_kstr(w, "start", ts);
			jw_kint(w, "horizon", (int64_t)r->horizon);
			jw_knum(w, "mean_avg", sm / (double)r->horizon);
			jw_knum(w, "p90_avg", s90 / (double)r->horizon);
			jw_knum(w, "p90_max", mx);
			jw_obj_end(w);
		} else {
			printf("%-12s %-10s %-20s %8.2f %8.2f %8.2f\n", models[m], r->method, ts,
			       sm / (double)r->horizon, s90 / (double)r->horizon, mx);
		}
		forecast_result_free(r);
		r = NULL;
		done++;
	}
	if (done == 0) {
		rc = err_set(e, ERR_INPUT, "no usage for GPU model \"%s\"", gpu);
		goto out;
	}
	if ((rc = store_commit(st, e)) < 0)
		goto out;
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
		rc = jw_write(w, stdout, e);
	}
out:
	if (rc < 0 && st)
		store_rollback(st);
	jw_free(w);
	free(vals);
	forecast_result_free(r);
	store_strv_free(models, nmodels);
	store_close(st);
	return rc;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct fc_args a;
	struct forecast_opts def = FORECAST_OPTS_INIT;
	struct config *cfg = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	a.fo = def;
	if ((rc = planner_config(ctx, &cfg, e)) < 0)
		return rc;
	if ((rc = parse_args(&a, cfg, argc, argv, e)) < 0)
		goto out;
	if (a.output && !a.input) {
		rc = cmd_usage_error(&cmd_forecast, e, "--output goes with --input");
		goto out;
	}
	rc = a.input ? from_files(ctx, &a, e) : from_store(ctx, &a, cfg, e);
out:
	config_free(cfg);
	return rc;
}
