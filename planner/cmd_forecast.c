/*
 * capplan forecast: hourly demand quantiles per GPU model (or per series), from the store
 * or from files, and --backtest: the forecaster's own accuracy by rolling origins.
 */
#include "forecast/forecast.h"
#include "planner/load.h"
#include "planner/planner.h"
#include "util/csv.h"
#include "util/jw.h"
#include "util/ofile.h"
#include "util/tm.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);

const struct cmd_entry cmd_forecast = {
	"forecast", "forecast hourly GPU demand with prediction intervals",
	"usage: capplan forecast [--gpu MODEL] [--horizon 168] [--method METHOD] [--season 24,168]\n"
	"       capplan forecast --input FILE.csv [--horizon H] [--output FILE] [--json] [...]\n"
	"       capplan forecast --backtest [--origins 8] [--horizon 48] [--input FILE.csv] [--json]\n\n"
	"From the store: forecasts every GPU model with usage (or --gpu) past its last hour and\n"
	"stores the run for `capplan plan`. From files: --input is the usage CSV\n"
	"(timestamp,gpu_model,gpus), written out as timestamp,gpu_model,mean,p10,p50,p90,lo95,hi95,\n"
	"or series,timestamp,value with any series names, written out as\n"
	"series,timestamp,mean,p10,p50,p90,lo95,hi95 (to --output, default standard output; --json:\n"
	"{\"forecasts\":[{series or gpu_model, method, note, start, horizon, points:[{timestamp,\n"
	"mean, p10, p50, p90, lo95, hi95}]}]}). --output is replaced only when every series is done.\n"
	"METHOD: auto (default: config forecast.method), snaive, snaive24, snaive168, naive, ets,\n"
	"theta, mstl, mstl-theta. --backtest rolls the origin back --origins times by --horizon\n"
	"hours and prints sMAPE, MASE (scaled by seasonal naive, m=24), the coverage of the 95%\n"
	"interval and MSIS per series and overall, for each method and the snaive24 baseline.\n",
	run,
};

struct fc_args {
	const char *gpu, *input, *output;
	struct forecast_opts fo;
	int backtest, method_given, horizon_given, json;
	long origins;
};

/* A set of hourly series: names, first hours, values (NAN = missing). */
struct sset {
	size_t n, cap;
	char **names;
	int64_t *start;
	double **vals;
	size_t *len;
	int by_series;		/* came from series,timestamp,value */
	size_t dups;		/* duplicate hours averaged */
	size_t sparse;		/* series with under 48 observed hours over weeks */
};

static void sset_release(struct sset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->names[i]);
		free(s->vals[i]);
	}
	free(s->names);
	free(s->start);
	free(s->vals);
	free(s->len);
	memset(s, 0, sizeof(*s));
}

/* Adds a series (taking vals); on failure frees vals. */
static int sset_add(struct sset *s, const char *name, int64_t start, double *vals, size_t len,
		    struct err *e)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		char **nm = realloc(s->names, cap * sizeof(*nm));
		int64_t *st;
		double **vv;
		size_t *ln;

		if (nm)
			s->names = nm;
		st = nm ? realloc(s->start, cap * sizeof(*st)) : NULL;
		if (st)
			s->start = st;
		vv = st ? realloc(s->vals, cap * sizeof(*vv)) : NULL;
		if (vv)
			s->vals = vv;
		ln = vv ? realloc(s->len, cap * sizeof(*ln)) : NULL;
		if (!ln) {
			free(vals);
			return err_nomem(e);
		}
		s->len = ln;
		s->cap = cap;
	}
	if ((s->names[s->n] = err_strdup(name, e)) == NULL) {
		free(vals);
		return ERR_NOMEM;
	}
	s->start[s->n] = start;
	s->vals[s->n] = vals;
	s->len[s->n] = len;
	s->n++;
	return 0;
}

static int parse_seasons(const char *arg, size_t *out, struct err *e)
{
	const char *p = arg;
	size_t k = 0, j;

	memset(out, 0, FORECAST_MAX_SEASONS * sizeof(*out));
	while (*p) {
		char *end;
		long v;

		errno = 0;
		v = strtol(p, &end, 10);
		if (end == p || errno || v < 2 || v > 1024 || (*end && *end != ',') ||
		    k == FORECAST_MAX_SEASONS)
			return cmd_usage_error(&cmd_forecast, e, "--season \"%s\": give up to %d "
					       "periods of 2 to 1024 hours, such as 24,168", arg,
					       FORECAST_MAX_SEASONS);
		for (j = 0; j < k; j++)
			if (out[j] == (size_t)v)
				return cmd_usage_error(&cmd_forecast, e, "--season \"%s\": %ld is "
						       "given twice", arg, v);
		out[k++] = (size_t)v;
		p = *end ? end + 1 : end;
	}
	if (k == 0)
		return cmd_usage_error(&cmd_forecast, e, "--season needs periods, such as 24,168");
	return 0;
}

/* forecast.seasons in the config: a list of periods in hours, e.g. [24, 168]. */
static int config_seasons(const struct config *cfg, size_t *out, struct err *e)
{
	const struct config_node *n = config_get(cfg, "forecast.seasons");
	size_t i, k = 0;

	if (n == NULL)
		return 0;	/* the default: 24 and 168 */
	if (!config_node_is_seq(n) || config_node_count(n) == 0 ||
	    config_node_count(n) > FORECAST_MAX_SEASONS)
		return err_set(e, ERR_INPUT, "%s:%zu: \"forecast.seasons\" must be a list of 1 to %d "
			       "periods in hours, such as [24, 168]", config_path(cfg),
			       config_node_line(n), FORECAST_MAX_SEASONS);
	memset(out, 0, FORECAST_MAX_SEASONS * sizeof(*out));
	for (i = 0; i < config_node_count(n); i++) {
		const struct config_node *it = config_node_at(n, i);
		const char *v = config_node_str(it);
		char *end;
		long p;

		errno = 0;
		p = v ? strtol(v, &end, 10) : 0;
		if (v == NULL || end == v || *end || errno || p < 2 || p > 1024)
			return err_set(e, ERR_INPUT, "%s:%zu: \"forecast.seasons\" item \"%s\" is not a "
				       "period of 2 to 1024 hours", config_path(cfg),
				       config_node_line(it), v ? v : "(not a number)");
		out[k++] = (size_t)p;
	}
	return 0;
}

static int parse_args(struct fc_args *a, const struct config *cfg, int argc, char **argv,
		      struct err *e)
{
	static const struct option opts[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "horizon", required_argument, NULL, 'H' },
		{ "method", required_argument, NULL, 'm' },
		{ "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "season", required_argument, NULL, 's' },
		{ "backtest", no_argument, NULL, 'b' },
		{ "origins", required_argument, NULL, 'O' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *method = config_str(cfg, "forecast.method", "auto");
	long horizon;
	char *end;
	int c, rc;

	if ((rc = config_long(cfg, "forecast.horizon", 168, &horizon, e)) < 0)
		return rc;
	if ((rc = config_seasons(cfg, a->fo.seasons, e)) < 0)
		return rc;
	a->origins = 8;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'g': a->gpu = optarg; break;
		case 'i': a->input = optarg; break;
		case 'o': a->output = optarg; break;
		case 'b': a->backtest = 1; break;
		case 'j': a->json = 1; break;
		case 'm':
			method = optarg;
			a->method_given = 1;
			break;
		case 's':
			if ((rc = parse_seasons(optarg, a->fo.seasons, e)) < 0)
				return rc;
			break;
		case 'O':
			errno = 0;
			a->origins = strtol(optarg, &end, 10);
			if (*end || end == optarg || errno || a->origins < 1 || a->origins > 1000)
				return cmd_usage_error(&cmd_forecast, e, "--origins must be 1 to 1000");
			break;
		case 'H':
			errno = 0;
			horizon = strtol(optarg, &end, 10);
			if (*end || end == optarg || errno)
				horizon = -1;
			a->horizon_given = 1;
			break;
		default:
			return cmd_usage_error(&cmd_forecast, e, "unknown option or missing value "
					       "\"%s\"", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_forecast, e, "unexpected argument \"%s\"", argv[optind]);
	if (a->backtest && !a->horizon_given)
		horizon = 48;
	if (horizon < 1 || horizon > 24 * 366 * 3)
		return cmd_usage_error(&cmd_forecast, e, "--horizon must be 1 to 26352 hours");
	if (forecast_method_parse(method, &a->fo.method) < 0)
		return cmd_usage_error(&cmd_forecast, e, "unknown method \"%s\"", method);
	a->fo.horizon = (size_t)horizon;
	return 0;
}

/* Index of a name in s, or -1. A linear scan: files hold a handful of series. */
static long sset_find(const struct sset *s, const char *name, long hint)
{
	size_t i;

	if (hint >= 0 && (size_t)hint < s->n && strcmp(s->names[hint], name) == 0)
		return hint;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0)
			return (long)i;
	return -1;
}

struct obs {
	long series;
	int64_t ts;
	double v;
};

static int cmp_obs(const void *pa, const void *pb)
{
	const struct obs *a = pa, *b = pb;

	if (a->series != b->series)
		return a->series < b->series ? -1 : 1;
	return (a->ts > b->ts) - (a->ts < b->ts);
}

/*
 * Dense hours all series of one input may take together: 1,800 series of a year, 128 MB of
 * doubles. A tiny file of far-apart rows would otherwise ask for gigabytes.
 */
#define FC_MAX_DENSE_HOURS 16000000u

/* Turns sorted observations into dense hourly series (duplicates averaged). */
static int densify(struct sset *s, const struct obs *v, size_t n, struct err *e)
{
	size_t i = 0, j, k, total = 0;

	/* the whole span first: refuse before allocating, not after */
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && v[j].series == v[i].series; j++)
			;
		total += (size_t)((v[j - 1].ts - v[i].ts) / TM_HOUR) + 1;
		if (total > FC_MAX_DENSE_HOURS)
			return err_set(e, ERR_INPUT, "the series span %zu hours or more together (at "
				       "\"%s\"): more than capplan forecasts from one file (%u); split "
				       "the file", total, s->names[v[i].series], FC_MAX_DENSE_HOURS);
	}
	i = 0;

	while (i < n) {
		long id = v[i].series;
		int64_t first = v[i].ts, last;
		size_t len;
		double *vals, *cnt;

		for (j = i; j < n && v[j].series == id; j++)
			;
		last = v[j - 1].ts;
		len = (size_t)((last - first) / TM_HOUR) + 1;
		if (len > 24 * 366 * 20)
			return err_set(e, ERR_INPUT, "series \"%s\" spans more than 20 years of hours",
				       s->names[id]);
		if (j - i < 48 && len > 24 * 28)
			s->sparse++;	/* under 48 observed hours over four weeks or more */
		vals = malloc(len * sizeof(*vals));
		cnt = calloc(len, sizeof(*cnt));
		if (!vals || !cnt) {
			free(vals);
			free(cnt);
			return err_nomem(e);
		}
		for (k = 0; k < len; k++)
			vals[k] = NAN;
		for (k = i; k < j; k++) {
			size_t t = (size_t)((v[k].ts - first) / TM_HOUR);

			if (isnan(v[k].v))
				continue;
			vals[t] = cnt[t] > 0 ? vals[t] + v[k].v : v[k].v;
			cnt[t] += 1;
		}
		for (k = 0; k < len; k++)
			if (cnt[k] > 1) {
				vals[k] /= cnt[k];
				s->dups++;
			}
		free(cnt);
		free(s->vals[id]);
		s->vals[id] = vals;
		s->start[id] = first;
		s->len[id] = len;
		i = j;
	}
	return 0;
}

/* Reads series,timestamp,value: any series names, empty value = missing hour. */
static int read_series_csv(const char *path, struct sset *s, struct err *e)
{
	csv_reader *r = NULL;
	struct obs *v = NULL, *tmp;
	size_t n = 0, cap = 0;
	long hint = -1;
	int rc, cs, ct, cv;

	s->by_series = 1;
	if ((rc = csv_open(&r, path, e)) < 0)
		return rc;
	if ((rc = csv_next(r, e)) <= 0) {
		if (rc == 0)
			rc = err_set(e, ERR_INPUT, "%s: empty file", path);
		goto out;
	}
	cs = csv_find(r, "series");
	ct = csv_find(r, "timestamp");
	cv = csv_find(r, "value");
	if ((rc = load_header_once(r, "series", cs, path, e)) < 0 ||
	    (rc = load_header_once(r, "timestamp", ct, path, e)) < 0 ||
	    (rc = load_header_once(r, "value", cv, path, e)) < 0)
		goto out;
	while ((rc = csv_next(r, e)) == 1) {
		const char *name = csv_field(r, (size_t)cs);
		double val;
		int64_t ts;

		if (name[0] == '\0') {
			rc = err_set(e, ERR_INPUT, "%s:%zu: \"series\" is empty", path, csv_line(r));
			goto out;
		}
		if (tm_parse(csv_field(r, (size_t)ct), &ts) < 0 || ts % TM_HOUR) {
			rc = err_set(e, ERR_INPUT, "%s:%zu: \"timestamp\" is \"%s\", not an ISO 8601 "
				     "UTC time on the hour", path, csv_line(r),
				     csv_field(r, (size_t)ct));
			goto out;
		}
		if (load_number(csv_field(r, (size_t)cv), &val) < 0) {
			rc = err_set(e, ERR_INPUT, "%s:%zu: \"value\" is \"%s\", not a number", path,
				     csv_line(r), csv_field(r, (size_t)cv));
			goto out;
		}
		/* forecast_run's bound, said here with the file and line */
		if (fabs(val) > FORECAST_MAX_VALUE) {
			rc = err_set(e, ERR_INPUT, "%s:%zu: \"value\" is \"%s\", past %g in size",
				     path, csv_line(r), csv_field(r, (size_t)cv), FORECAST_MAX_VALUE);
			goto out;
		}
		if ((hint = sset_find(s, name, hint)) < 0) {
			if ((rc = sset_add(s, name, 0, NULL, 0, e)) < 0)
				goto out;
			hint = (long)s->n - 1;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			if ((tmp = realloc(v, cap * sizeof(*v))) == NULL) {
				rc = err_nomem(e);
				goto out;
			}
			v = tmp;
		}
		v[n].series = hint;
		v[n].ts = ts;
		v[n].v = val;
		n++;
	}
	if (rc < 0)
		goto out;
	if (n == 0) {
		rc = err_set(e, ERR_INPUT, "%s: no rows after the header", path);
		goto out;
	}
	qsort(v, n, sizeof(*v), cmp_obs);
	if ((rc = densify(s, v, n, e)) < 0)
		err_wrap(e, "%s", path);
out:
	free(v);
	csv_free(r);
	return rc;
}

/* Reads either CSV contract, telling them apart by the header. */
static int read_input(const char *path, struct sset *s, struct err *e)
{
	struct store_usage_row *rows = NULL;
	struct obs *v = NULL;
	csv_reader *r = NULL;
	size_t n = 0, i;
	long hint = -1;
	int rc, series;

	if ((rc = csv_open(&r, path, e)) < 0)
		return rc;
	rc = csv_next(r, e);
	series = rc == 1 && csv_find(r, "series") >= 0 && csv_find(r, "timestamp") >= 0 &&
		 csv_find(r, "value") >= 0;
	csv_free(r);
	if (rc < 0)
		return rc;
	if (series)
		return read_series_csv(path, s, e);
	if ((rc = load_usage_csv(path, &rows, &n, e)) < 0)
		goto out;
	if ((v = malloc(n * sizeof(*v))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((hint = sset_find(s, rows[i].gpu_model, hint)) < 0) {
			if ((rc = sset_add(s, rows[i].gpu_model, 0, NULL, 0, e)) < 0)
				goto out;
			hint = (long)s->n - 1;
		}
		v[i].series = hint;
		v[i].ts = rows[i].ts;
		v[i].v = rows[i].gpus;
	}
	qsort(v, n, sizeof(*v), cmp_obs);
	if ((rc = densify(s, v, n, e)) < 0)
		err_wrap(e, "%s", path);
out:
	free(v);
	free(rows);
	return rc;
}

static int read_store(struct cmd_ctx *ctx, struct fc_args *a, struct config *cfg,
		      struct store **stp, struct sset *s, struct err *e)
{
	char **models = NULL, gpu[32];
	size_t nmodels = 0, m, n;
	double *vals = NULL;
	int64_t start;
	int rc;

	if (a->gpu)
		load_gpu_name(a->gpu, gpu, sizeof(gpu));
	if ((rc = planner_store(ctx, cfg, stp, e)) < 0 ||
	    (rc = store_usage_models(*stp, &models, &nmodels, e)) < 0)
		goto out;
	if (nmodels == 0) {
		rc = err_set(e, ERR_INPUT, "no usage in %s: import some with capplan usage import "
			     "FILE.csv", store_path(*stp));
		goto out;
	}
	for (m = 0; m < nmodels; m++) {
		if (a->gpu && strcmp(models[m], gpu) != 0)
			continue;
		if ((rc = store_usage_series(*stp, models[m], INT64_MIN, INT64_MAX, &start, &vals,
					     &n, e)) < 0 ||
		    (rc = sset_add(s, models[m], start, vals, n, e)) < 0)
			goto out;
		vals = NULL;
	}
	if (s->n == 0)
		rc = err_set(e, ERR_INPUT, "no usage for GPU model \"%s\"", gpu);
out:
	free(vals);
	store_strv_free(models, nmodels);
	return rc;
}

static void write_csv_rows(FILE *f, const char *name, int by_series, int64_t start,
			   const struct forecast_result *r)
{
	char ts[TM_ISO_LEN];
	size_t h;

	for (h = 0; h < r->horizon; h++) {
		tm_format(start + (int64_t)h * TM_HOUR, ts);
		if (by_series) {
			csv_write_field(f, name);
			fprintf(f, ",%s", ts);
		} else {
			fprintf(f, "%s,", ts);
			csv_write_field(f, name);
		}
		fprintf(f, ",%.6f,%.6f,%.6f,%.6f,%.6f,%.6f\n", r->mean[h], r->p10[h], r->p50[h],
			r->p90[h], r->lo95[h], r->hi95[h]);
	}
}

/* --gpu, compared as the input names its series (GPU names are canonical in usage files). */
static int keep(const struct fc_args *a, const struct sset *s, size_t m)
{
	char gpu[32];

	if (a->gpu == NULL || !a->input)
		return 1;	/* the store was read for --gpu alone */
	if (s->by_series)
		return strcmp(a->gpu, s->names[m]) == 0;
	load_gpu_name(a->gpu, gpu, sizeof(gpu));
	return strcmp(gpu, s->names[m]) == 0;
}

/* One series' forecast as a JSON object of the "forecasts" list (--json). */
static void write_json_series(jw *w, const char *name, int by_series, int64_t start,
			      const struct forecast_result *r)
{
	char ts[TM_ISO_LEN];
	size_t h;

	jw_obj(w);
	jw_kstr(w, by_series ? "series" : "gpu_model", name);
	jw_kstr(w, "method", r->method);
	jw_kstr(w, "note", r->note);
	tm_format(start, ts);
	jw_kstr(w, "start", ts);
	jw_kint(w, "horizon", (int64_t)r->horizon);
	jw_key(w, "points");
	jw_arr(w);
	for (h = 0; h < r->horizon; h++) {
		tm_format(start + (int64_t)h * TM_HOUR, ts);
		jw_obj(w);
		jw_kstr(w, "timestamp", ts);
		jw_knum(w, "mean", r->mean[h]);
		jw_knum(w, "p10", r->p10[h]);
		jw_knum(w, "p50", r->p50[h]);
		jw_knum(w, "p90", r->p90[h]);
		jw_knum(w, "lo95", r->lo95[h]);
		jw_knum(w, "hi95", r->hi95[h]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

/*
 * Forecasts straight from a CSV; touches no store. Nothing is written unless every series
 * is done: --output is written beside its final name and renamed into place, standard output
 * is held in memory until the end, so a failed run leaves no half file (nor clobbers the
 * last good one) for a cron job to pick up.
 */
static int from_files(struct cmd_ctx *ctx, struct fc_args *a, struct sset *s, struct err *e)
{
	struct forecast_result *r = NULL;
	struct ofile of = OFILE_INIT;
	FILE *f = NULL, *mf = NULL;
	char *mem = NULL;
	size_t m, done = 0, memlen = 0;
	jw *w = NULL;
	int rc = 0;

	if (a->output) {
		if ((rc = ofile_open(&of, a->output, e)) < 0)
			goto out;
		f = of.f;
	} else if ((f = mf = open_memstream(&mem, &memlen)) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	if (ctx->json || a->json) {
		if ((w = jw_new(0)) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		jw_obj(w);
		jw_key(w, "forecasts");
		jw_arr(w);
	} else {
		fprintf(f, s->by_series ? "series,timestamp,mean,p10,p50,p90,lo95,hi95\n"
					: "timestamp,gpu_model,mean,p10,p50,p90,lo95,hi95\n");
	}
	for (m = 0; m < s->n; m++) {
		int64_t start = s->start[m] + (int64_t)s->len[m] * TM_HOUR;

		if (!keep(a, s, m))
			continue;
		if ((rc = forecast_run(&r, s->vals[m], s->len[m], &a->fo, e)) < 0) {
			err_wrap(e, "%s: %s", a->input, s->names[m]);
			goto out;
		}
		if (r->note[0])
			cmd_info(ctx, "capplan forecast: %s: %s\n", s->names[m], r->note);
		cmd_debug(ctx, "capplan forecast: %s: %s\n", s->names[m], r->method);
		if (w)
			write_json_series(w, s->names[m], s->by_series, start, r);
		else
			write_csv_rows(f, s->names[m], s->by_series, start, r);
		forecast_result_free(r);
		r = NULL;
		done++;
	}
	if (done == 0) {
		rc = err_set(e, ERR_INPUT, "%s: no series \"%s\"", a->input, a->gpu);
		goto out;
	}
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
		if ((rc = jw_write(w, f, e)) < 0)
			goto out;
	}
	if (a->output) {
		rc = ofile_commit(&of, e);
	} else {
		rc = fclose(mf) == 0 ? 0 : err_nomem(e);
		mf = NULL;
		if (rc == 0 && (fwrite(mem, 1, memlen, stdout) != memlen || fflush(stdout) != 0))
			rc = err_set(e, ERR_RUNTIME, "stdout: write failed");
	}
out:
	ofile_abort(&of);	/* nothing left to do after a commit */
	if (mf)
		fclose(mf);
	free(mem);
	jw_free(w);
	forecast_result_free(r);
	return rc;
}

static int to_store(struct cmd_ctx *ctx, struct fc_args *a, struct store *st, struct sset *s,
		    struct err *e)
{
	struct forecast_result *r = NULL;
	char ts[TM_ISO_LEN];
	const char *params;
	size_t m, h, k;
	int64_t start, run_id = 0;
	jw *w = NULL, *pw = jw_new(0);
	int rc;

	if (pw == NULL || (ctx->json && (w = jw_new(0)) == NULL)) {
		jw_free(pw);
		return err_nomem(e);
	}
	/* through the JSON writer: a GPU model is the user's text (quotes, backslashes) */
	jw_obj(pw);
	jw_kstr(pw, "gpu", a->gpu ? s->names[0] : "");
	jw_key(pw, "seasons");
	jw_arr(pw);
	for (k = 0; k < FORECAST_MAX_SEASONS && a->fo.seasons[k]; k++)
		jw_int(pw, (int64_t)a->fo.seasons[k]);
	jw_arr_end(pw);
	jw_obj_end(pw);
	if ((params = jw_text(pw, NULL)) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
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
		printf("%-12s %-26s %-20s %8s %8s %8s\n", "gpu_model", "method", "from", "mean",
		       "p90", "max_p90");
	}
	for (m = 0; m < s->n; m++) {
		double sm = 0, s90 = 0, mx = 0;

		if ((rc = forecast_run(&r, s->vals[m], s->len[m], &a->fo, e)) < 0) {
			err_wrap(e, "%s", s->names[m]);
			goto out;
		}
		start = s->start[m] + (int64_t)s->len[m] * TM_HOUR;
		if (r->note[0])
			cmd_info(ctx, "capplan forecast: %s: %s\n", s->names[m], r->note);
		if ((rc = store_forecast_put(st, run_id, s->names[m], r->method, start, r->horizon,
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
			jw_kstr(w, "gpu_model", s->names[m]);
			jw_kstr(w, "method", r->method);
			jw_kstr(w, "note", r->note);
			jw_kstr(w, "start", ts);
			jw_kint(w, "horizon", (int64_t)r->horizon);
			jw_knum(w, "mean_avg", sm / (double)r->horizon);
			jw_knum(w, "p90_avg", s90 / (double)r->horizon);
			jw_knum(w, "p90_max", mx);
			jw_obj_end(w);
		} else {
			printf("%-12s %-26s %-20s %8.2f %8.2f %8.2f\n", s->names[m], r->method, ts,
			       sm / (double)r->horizon, s90 / (double)r->horizon, mx);
		}
		forecast_result_free(r);
		r = NULL;
	}
	if ((rc = store_commit(st, e)) < 0)
		goto out;
	if (w) {
		jw_arr_end(w);
		jw_obj_end(w);
		rc = jw_write(w, stdout, e);
	}
out:
	if (rc < 0)
		store_rollback(st);
	jw_free(w);
	jw_free(pw);
	forecast_result_free(r);
	return rc;
}

static void score_json(jw *w, const char *key, const struct forecast_score *sc)
{
	jw_key(w, key);
	jw_obj(w);
	jw_knum(w, "smape", sc->smape);
	jw_knum(w, "mase", sc->mase);
	jw_knum(w, "coverage95", sc->cover95);
	jw_knum(w, "msis", sc->msis);
	jw_kint(w, "points", (int64_t)sc->points);
	jw_kint(w, "origins", (int64_t)sc->origins);
	jw_obj_end(w);
}

static void score_row(const char *series, const char *method, const struct forecast_score *sc)
{
	printf("%-24s %-11s %8.2f %8.3f %8.3f %9.2f %7zu\n", series, method, sc->smape, sc->mase,
	       sc->cover95, sc->msis, sc->points);
}

/*
 * The backtest: every series, every method (or --method and the baseline). Overall figures
 * are the means over series of sMAPE, MASE and MSIS, and the coverage pooled over points.
 */
static int backtest(struct cmd_ctx *ctx, struct fc_args *a, struct sset *s, struct err *e)
{
	static const enum forecast_method all[] = {
		FORECAST_SNAIVE24, FORECAST_SNAIVE168, FORECAST_ETS, FORECAST_THETA, FORECAST_MSTL,
		FORECAST_MSTL_THETA, FORECAST_AUTO,
	};
	enum { NM = sizeof(all) / sizeof(all[0]) };
	enum forecast_method meth[NM];
	struct forecast_score tot[NM], *sc = NULL;
	size_t nm = 0, m, k, nser[NM], cov[NM], done = 0;
	char *skipped = NULL;
	jw *w = NULL;
	int rc = 0;

	meth[nm++] = FORECAST_SNAIVE24;
	for (k = 1; k < NM; k++)
		if (!a->method_given || all[k] == a->fo.method)
			meth[nm++] = all[k];
	if (a->method_given && a->fo.method != FORECAST_SNAIVE24 && nm == 1)
		meth[nm++] = a->fo.method;
	memset(tot, 0, sizeof(tot));
	memset(nser, 0, sizeof(nser));
	memset(cov, 0, sizeof(cov));
	if ((sc = calloc(s->n * nm, sizeof(*sc))) == NULL ||
	    (skipped = calloc(s->n + 1, 1)) == NULL) {
		free(sc);
		return err_nomem(e);
	}
	for (m = 0; m < s->n; m++) {
		if (!keep(a, s, m))
			continue;
		for (k = 0; k < nm; k++) {
			struct forecast_opts o = a->fo;

			o.method = meth[k];
			if ((rc = forecast_backtest(&sc[m * nm + k], s->vals[m], s->len[m], &o,
						    (size_t)a->origins, e)) < 0)
				break;
		}
		if (rc == ERR_INPUT && s->n > 1) {
			/* one short series must not sink the scores of all the others */
			cmd_info(ctx, "capplan forecast: %s: skipped: %s\n", s->names[m], e->msg);
			memset(&sc[m * nm], 0, nm * sizeof(*sc));
			skipped[m] = 1;
			err_clear(e);
			rc = 0;
			continue;
		}
		if (rc < 0) {
			err_wrap(e, "%s", s->names[m]);
			goto out;
		}
		done++;
	}
	if (done == 0) {
		rc = a->gpu ? err_set(e, ERR_INPUT, "no series \"%s\" to backtest", a->gpu)
			    : err_set(e, ERR_INPUT, "no series long enough to backtest");
		goto out;
	}
	for (m = 0; m < s->n; m++)
		for (k = 0; k < nm; k++) {
			const struct forecast_score *p = &sc[m * nm + k];

			if (p->origins == 0 || isnan(p->mase))
				continue;
			tot[k].smape += p->smape;
			tot[k].mase += p->mase;
			tot[k].msis += p->msis;
			tot[k].points += p->points;
			tot[k].origins += p->origins;
			cov[k] += (size_t)llround(p->cover95 * (double)p->points);
			nser[k]++;
		}
	for (k = 0; k < nm; k++) {
		double d = nser[k] ? (double)nser[k] : NAN;

		tot[k].smape /= d;
		tot[k].mase /= d;
		tot[k].msis /= d;
		tot[k].cover95 = tot[k].points ? (double)cov[k] / (double)tot[k].points : NAN;
	}
	if (ctx->json || a->json) {
		if ((w = jw_new(0)) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		jw_obj(w);
		jw_kint(w, "horizon", (int64_t)a->fo.horizon);
		jw_kint(w, "origins", a->origins);
		jw_kstr(w, "baseline", "snaive24");
		jw_key(w, "series");
		jw_arr(w);
		for (m = 0; m < s->n; m++) {
			if (!keep(a, s, m) || skipped[m])
				continue;
			jw_obj(w);
			jw_kstr(w, "series", s->names[m]);
			jw_key(w, "methods");
			jw_obj(w);
			for (k = 0; k < nm; k++)
				score_json(w, forecast_method_name(meth[k]), &sc[m * nm + k]);
			jw_obj_end(w);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		jw_key(w, "overall");
		jw_obj(w);
		for (k = 0; k < nm; k++)
			score_json(w, forecast_method_name(meth[k]), &tot[k]);
		jw_obj_end(w);
		jw_obj_end(w);
		rc = jw_write(w, stdout, e);
		goto out;
	}
	printf("%-24s %-11s %8s %8s %8s %9s %7s\n", "series", "method", "sMAPE", "MASE",
	       "cover95", "MSIS", "points");
	for (m = 0; m < s->n; m++) {
		if (!keep(a, s, m) || skipped[m])
			continue;
		for (k = 0; k < nm; k++)
			score_row(s->names[m], forecast_method_name(meth[k]), &sc[m * nm + k]);
	}
	for (k = 0; k < nm; k++)
		score_row("(overall)", forecast_method_name(meth[k]), &tot[k]);
out:
	jw_free(w);
	free(sc);
	free(skipped);
	return rc;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct fc_args a;
	struct forecast_opts def = FORECAST_OPTS_INIT;
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct sset s;
	int rc;

	memset(&a, 0, sizeof(a));
	memset(&s, 0, sizeof(s));
	a.fo = def;
	if ((rc = planner_config(ctx, &cfg, e)) < 0)
		return rc;
	if ((rc = parse_args(&a, cfg, argc, argv, e)) < 0)
		goto out;
	if (a.output && (!a.input || a.backtest)) {
		rc = cmd_usage_error(&cmd_forecast, e, "--output goes with --input (not --backtest)");
		goto out;
	}
	if (a.input)
		rc = read_input(a.input, &s, e);
	else
		rc = read_store(ctx, &a, cfg, &st, &s, e);
	if (rc < 0)
		goto out;
	if (s.dups)
		cmd_info(ctx, "capplan forecast: %zu hours given more than once: averaged\n", s.dups);
	if (s.sparse)
		cmd_info(ctx, "capplan forecast: %zu series have under 48 observed hours spread over "
			 "four weeks or more: their forecasts rest on very little\n", s.sparse);
	if (a.backtest)
		rc = backtest(ctx, &a, &s, e);
	else if (a.input)
		rc = from_files(ctx, &a, &s, e);
	else
		rc = to_store(ctx, &a, st, &s, e);
out:
	sset_release(&s);
	store_close(st);
	config_free(cfg);
	return rc;
}
