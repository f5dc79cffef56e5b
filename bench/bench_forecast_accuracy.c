/*
 * The forecaster's accuracy bar: rolling-origin backtests of every method on real hourly
 * series, printed as one table (mean sMAPE, mean MASE, pooled 95% coverage, mean MSIS).
 *
 *   build/bench/bench_forecast_accuracy [--horizon 48] [--origins 8] [--per-series] FILE...
 *
 * FILE is either `series,timestamp,value` (the ../shared/data/hourly files) or a GPU trace
 * `hour,...` (../shared/data/gputrace/derived_*.csv: the last column, hour 0 = 2023-01-01).
 */
#include "forecast/forecast.h"
#include "util/csv.h"
#include "util/tm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct series {
	char name[96];
	int64_t start;
	size_t n, cap;
	double *y;
};

static struct series *all;
static size_t nall, capall;

static struct series *get(const char *name)
{
	if (nall && strcmp(all[nall - 1].name, name) == 0)
		return &all[nall - 1];
	if (nall == capall) {
		capall = capall ? 2 * capall : 64;
		all = realloc(all, capall * sizeof(*all));
		if (!all)
			exit(1);
	}
	memset(&all[nall], 0, sizeof(all[nall]));
	snprintf(all[nall].name, sizeof(all[nall].name), "%s", name);
	return &all[nall++];
}

static void put(struct series *s, int64_t ts, double v)
{
	size_t i;

	if (s->n == 0)
		s->start = ts;
	if (ts < s->start)
		return;
	i = (size_t)((ts - s->start) / TM_HOUR);
	while (i >= s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->y = realloc(s->y, s->cap * sizeof(double));
		if (!s->y)
			exit(1);
	}
	while (s->n <= i)
		s->y[s->n++] = NAN;
	s->y[i] = v;
}

static void load(const char *path)
{
	csv_reader *r = NULL;
	struct err e = ERR_INIT;
	int ci_s, ci_t, ci_v, trace = 0;
	char name[96];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

	if (csv_open(&r, path, &e) < 0 || csv_next(r, &e) != 1) {
		fprintf(stderr, "%s\n", e.msg);
		exit(2);
	}
	ci_s = csv_find(r, "series");
	ci_t = csv_find(r, "timestamp");
	ci_v = csv_find(r, "value");
	if (ci_s < 0 || ci_t < 0 || ci_v < 0) {
		if (csv_find(r, "hour") != 0) {
			fprintf(stderr, "%s: neither series,timestamp,value nor hour,...\n", path);
			exit(2);
		}
		trace = 1;
		ci_v = (int)csv_nfields(r) - 1;
		snprintf(name, sizeof(name), "%s", base);
		get(name);
	}
	while (csv_next(r, &e) == 1) {
		int64_t ts;
		double v;
		char *end;

		if (trace) {
			ts = tm_from_civil(2023, 1, 1) + (int64_t)strtol(csv_field(r, 0), NULL, 10) * TM_HOUR;
		} else if (tm_parse(csv_field(r, (size_t)ci_t), &ts) < 0) {
			continue;
		}
		v = strtod(csv_field(r, (size_t)ci_v), &end);
		if (end == csv_field(r, (size_t)ci_v))
			continue;
		put(trace ? &all[nall - 1] : get(csv_field(r, (size_t)ci_s)), ts, v);
	}
	csv_free(r);
}

int main(int argc, char **argv)
{
	static const enum forecast_method methods[] = {
		FORECAST_SNAIVE24, FORECAST_SNAIVE168, FORECAST_NAIVE, FORECAST_ETS,
		FORECAST_THETA, FORECAST_MSTL, FORECAST_MSTL_THETA, FORECAST_AUTO,
	};
	enum { NM = sizeof(methods) / sizeof(methods[0]) };
	double smape[NM] = { 0 }, mase[NM] = { 0 }, msis[NM] = { 0 }, cov[NM] = { 0 };
	size_t pts[NM] = { 0 }, ns[NM] = { 0 }, horizon = 48, origins = 8, i, k;
	int per = 0, only = -1;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--horizon") == 0 && i + 1 < (size_t)argc)
			horizon = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--origins") == 0 && i + 1 < (size_t)argc)
			origins = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--per-series") == 0)
			per = 1;
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < (size_t)argc)
			only = atoi(argv[++i]);
		else
			load(argv[i]);
	}
	if (nall == 0) {
		fprintf(stderr, "usage: bench_forecast_accuracy [--horizon H] [--origins K] "
			"[--per-series] FILE...\n");
		return 2;
	}
	for (i = 0; i < nall; i++) {
		for (k = 0; k < NM; k++) {
			struct forecast_opts o = FORECAST_OPTS_INIT;
			struct forecast_score sc;
			struct err e = ERR_INIT;

			if (only >= 0 && (size_t)only != k && k != 0)
				continue;
			o.method = methods[k];
			o.horizon = horizon;
			if (forecast_backtest(&sc, all[i].y, all[i].n, &o, origins, &e) < 0) {
				fprintf(stderr, "%s: %s\n", all[i].name, e.msg);
				continue;
			}
			if (per)
				printf("%-34s %-11s %8.2f %7.3f %6.3f %8.2f  %s\n", all[i].name,
				       forecast_method_name(methods[k]), sc.smape, sc.mase,
				       sc.cover95, sc.msis, sc.method);
			if (isnan(sc.mase))
				continue;
			smape[k] += sc.smape;
			mase[k] += sc.mase;
			msis[k] += sc.msis;
			cov[k] += sc.cover95 * (double)sc.points;
			pts[k] += sc.points;
			ns[k]++;
		}
		free(all[i].y);
	}
	printf("%zu series, horizon %zu, %zu origins\n", nall, horizon, origins);
	printf("%-11s %6s %8s %8s %9s %8s %10s\n", "method", "series", "sMAPE", "MASE",
	       "vs_snv24", "cover95", "MSIS");
	for (k = 0; k < NM; k++) {
		if (!ns[k])
			continue;
		printf("%-11s %6zu %8.2f %8.3f %8.1f%% %8.3f %10.2f\n",
		       forecast_method_name(methods[k]), ns[k], smape[k] / (double)ns[k],
		       mase[k] / (double)ns[k],
		       100 * (1 - (mase[k] / (double)ns[k]) / (mase[0] / (double)ns[0])),
		       cov[k] / (double)pts[k], msis[k] / (double)ns[k]);
	}
	free(all);
	return 0;
}
