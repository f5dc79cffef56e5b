/*
 * The forecaster's accuracy bar: rolling-origin backtests of every method on real hourly
 * series, printed as one table (mean sMAPE, mean MASE, pooled 95% coverage, mean MSIS).
 *
 *   build/bench/bench_forecast_accuracy [--horizon 48] [--origins 8] [--per-series] [--by-file]
 *                                       [--oracle] FILE...
 *
 * --by-file adds the table of every input file on its own. --oracle adds a row no forecaster
 * can reach: for every held-out window, the best of the methods above chosen with hindsight of
 * that window. It bounds what choosing between these methods could ever gain.
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
	int file;		/* index of the input file */
	int64_t start;
	size_t n, cap;
	double *y;
};

static struct series *all;
static size_t nall, capall;
static int nfile;
static const char *files[16];

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
	all[nall].file = nfile - 1;
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

	if (nfile == (int)(sizeof(files) / sizeof(files[0]))) {
		fprintf(stderr, "at most %zu files\n", sizeof(files) / sizeof(files[0]));
		exit(2);
	}
	files[nfile++] = base;
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

/* One method's scores on one series, summed over the windows (weighted by their points). */
struct acc {
	double smape, mase, msis, cover, pts, mpts;
	char method[32];
};

enum { NM_MAX = 16 };

/* The table of the series of file `file` (-1: all): mean over series, pooled coverage. */
static void table(const char *title, struct acc (*a)[NM_MAX + 1], int file, size_t nm,
		  const enum forecast_method *methods, int oracle)
{
	size_t i, k, ns;
	double base = NAN;

	printf("%s\n%-11s %6s %8s %8s %9s %8s %10s\n", title, "method", "series", "sMAPE", "MASE",
	       "vs_snv24", "cover95", "MSIS");
	for (k = 0; k < nm + (oracle ? 1 : 0); k++) {
		double sm = 0, ma = 0, mi = 0, cov = 0, pts = 0;

		ns = 0;
		for (i = 0; i < nall; i++) {
			const struct acc *x = &a[i][k];

			if ((file >= 0 && all[i].file != file) || !(x->mpts > 0))
				continue;
			sm += x->smape / x->pts;
			ma += x->mase / x->mpts;
			mi += x->msis / x->mpts;
			cov += x->cover;
			pts += x->pts;
			ns++;
		}
		if (ns == 0)
			continue;
		if (k == 0)
			base = ma / (double)ns;
		printf("%-11s %6zu %8.2f %8.3f %8.1f%% %8.3f %10.2f\n",
		       k < nm ? forecast_method_name(methods[k]) : "oracle", ns,
		       k < nm ? sm / (double)ns : NAN, ma / (double)ns,
		       100 * (1 - (ma / (double)ns) / base), k < nm ? cov / pts : NAN,
		       k < nm ? mi / (double)ns : NAN);
	}
}

int main(int argc, char **argv)
{
	static const enum forecast_method methods[] = {
		FORECAST_SNAIVE24, FORECAST_SNAIVE168, FORECAST_NAIVE, FORECAST_ETS,
		FORECAST_THETA, FORECAST_MSTL, FORECAST_MSTL_THETA, FORECAST_AUTO,
	};
	enum { NM = sizeof(methods) / sizeof(methods[0]) };
	struct acc (*a)[NM_MAX + 1];
	size_t horizon = 48, origins = 8, i, k, w;
	int per = 0, only = -1, byfile = 0, oracle = 0, f;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--horizon") == 0 && i + 1 < (size_t)argc)
			horizon = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--origins") == 0 && i + 1 < (size_t)argc)
			origins = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--per-series") == 0)
			per = 1;
		else if (strcmp(argv[i], "--by-file") == 0)
			byfile = 1;
		else if (strcmp(argv[i], "--oracle") == 0)
			oracle = 1;
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < (size_t)argc)
			only = atoi(argv[++i]);
		else
			load(argv[i]);
	}
	if (nall == 0 || horizon == 0) {
		fprintf(stderr, "usage: bench_forecast_accuracy [--horizon H] [--origins K] "
			"[--per-series] [--by-file] [--oracle] FILE...\n");
		return 2;
	}
	if ((a = calloc(nall, sizeof(*a))) == NULL)
		return 1;
	for (i = 0; i < nall; i++) {
		/*
		 * Window w (w = 1..origins) is the backtest of the series cut (w - 1) windows
		 * short with one origin: the same forecasts and scales as forecast_backtest with
		 * `origins` origins, kept apart so that the oracle can choose per window.
		 */
		for (w = 1; w <= origins; w++) {
			size_t nw = all[i].n - (w - 1) * horizon;
			double best = HUGE_VAL, bestpts = 0;

			if (w * horizon > all[i].n || all[i].n - w * horizon < 48)
				break;
			for (k = 0; k < NM; k++) {
				struct forecast_opts o = FORECAST_OPTS_INIT;
				struct forecast_score sc;
				struct err e = ERR_INIT;
				struct acc *x = &a[i][k];

				if (only >= 0 && (size_t)only != k && k != 0)
					continue;
				o.method = methods[k];
				o.horizon = horizon;
				if (forecast_backtest(&sc, all[i].y, nw, &o, 1, &e) < 0) {
					fprintf(stderr, "%s: %s\n", all[i].name, e.msg);
					continue;
				}
				if (w == 1)
					snprintf(x->method, sizeof(x->method), "%s", sc.method);
				if (sc.points == 0 || isnan(sc.mase))
					continue;
				x->smape += sc.smape * (double)sc.points;
				x->cover += sc.cover95 * (double)sc.points;
				x->pts += (double)sc.points;
				x->mase += sc.mase * (double)sc.points;
				x->msis += sc.msis * (double)sc.points;
				x->mpts += (double)sc.points;
				if (sc.mase < best) {
					best = sc.mase;
					bestpts = (double)sc.points;
				}
			}
			if (bestpts > 0) {
				a[i][NM].mase += best * bestpts;
				a[i][NM].mpts += bestpts;
			}
		}
		if (per)
			for (k = 0; k < NM; k++) {
				const struct acc *x = &a[i][k];

				if (x->mpts > 0)
					printf("%-34s %-11s %8.2f %7.3f %6.3f %8.2f  %s\n", all[i].name,
					       forecast_method_name(methods[k]), x->smape / x->pts,
					       x->mase / x->mpts, x->cover / x->pts, x->msis / x->mpts,
					       x->method);
			}
		free(all[i].y);
	}
	printf("%zu series, horizon %zu, %zu origins\n", nall, horizon, origins);
	table("all files", a, -1, NM, methods, oracle);
	for (f = 0; byfile && nfile > 1 && f < nfile; f++) {
		char title[128];

		snprintf(title, sizeof(title), "\n%s", files[f]);
		table(title, a, f, NM, methods, oracle);
	}
	free(a);
	free(all);
	return 0;
}
