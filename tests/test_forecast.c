/* forecast/: methods on series with known answers, intervals, edge cases, the CLI. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/fc.h"
#include "forecast/forecast.h"
#include "tests/testutil.h"

#define PI 3.14159265358979323846

static double sine(size_t t)
{
	return 10 + 3 * sin(2 * PI * (double)t / 24);
}

/* A deterministic noise in [-0.5, 0.5): tests must not depend on a random seed. */
static double noise(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (double)((*s >> 8) & 0xffff) / 65536.0 - 0.5;
}

static struct forecast_result *run(const double *y, size_t n, enum forecast_method m,
				   size_t h, const size_t *seasons)
{
	struct forecast_opts o = FORECAST_OPTS_INIT;
	struct forecast_result *r = NULL;
	struct err e = ERR_INIT;
	size_t i;

	o.method = m;
	o.horizon = h;
	if (seasons)
		for (i = 0; i < FORECAST_MAX_SEASONS; i++)
			o.seasons[i] = seasons[i];
	CU_ASSERT_EQUAL(forecast_run(&r, y, n, &o, &e), 0);
	if (r == NULL)
		fprintf(stderr, "forecast_run: %s\n", e.msg);
	return r;
}

static void test_method_names(void)
{
	enum forecast_method m;

	CU_ASSERT_EQUAL(forecast_method_parse("mstl-theta", &m), 0);
	CU_ASSERT_EQUAL(m, FORECAST_MSTL_THETA);
	CU_ASSERT_EQUAL(forecast_method_parse("snaive", &m), 0);
	CU_ASSERT_EQUAL(m, FORECAST_SNAIVE);
	CU_ASSERT_EQUAL(forecast_method_parse("arima", &m), -1);
	CU_ASSERT_STRING_EQUAL(forecast_method_name(FORECAST_SNAIVE24), "snaive24");
}

static void test_snaive_repeats_last_season(void)
{
	static const size_t s24[4] = { 24, 0, 0, 0 };
	double y[500];
	unsigned seed = 7;
	struct forecast_result *r;
	size_t i;

	for (i = 0; i < 500; i++)
		y[i] = 100 + 20 * noise(&seed) + (double)(i % 24);
	r = run(y, 500, FORECAST_SNAIVE, 60, s24);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_STRING_EQUAL(r->method, "snaive24");
	for (i = 0; i < 60; i++)
		CU_ASSERT_DOUBLE_EQUAL(r->mean[i], y[500 - 24 + i % 24], 1e-12);
	forecast_result_free(r);
	/* with the weekly season too, plain snaive is the longest one */
	{
		double *w = malloc(24 * 7 * 5 * sizeof(*w));
		size_t n = 24 * 7 * 5;

		for (i = 0; i < n; i++)
			w[i] = (double)(i % 168) + noise(&seed);
		r = run(w, n, FORECAST_SNAIVE, 200, NULL);
		CU_ASSERT_STRING_EQUAL(r->method, "snaive168");
		CU_ASSERT_DOUBLE_EQUAL(r->mean[0], w[n - 168], 1e-12);
		CU_ASSERT_DOUBLE_EQUAL(r->mean[199], w[n - 168 + 31], 1e-12);
		forecast_result_free(r);
		free(w);
	}
}

static void test_sine_exact(void)
{
	static const enum forecast_method ms[] = {
		FORECAST_SNAIVE24, FORECAST_SNAIVE, FORECAST_ETS, FORECAST_THETA, FORECAST_MSTL,
		FORECAST_MSTL_THETA, FORECAST_AUTO,
	};
	size_t n = 24 * 40, i, k;
	double *y = malloc(n * sizeof(*y));

	for (i = 0; i < n; i++)
		y[i] = sine(i);
	for (k = 0; k < sizeof(ms) / sizeof(ms[0]); k++) {
		struct forecast_result *r = run(y, n, ms[k], 168, NULL);
		double worst = 0;

		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		for (i = 0; i < 168; i++)
			if (fabs(r->mean[i] - sine(n + i)) > worst)
				worst = fabs(r->mean[i] - sine(n + i));
		if (worst > 1e-6)
			fprintf(stderr, "\n%s (%s): off by %g\n", forecast_method_name(ms[k]),
				r->method, worst);
		CU_ASSERT(worst < 1e-6);
		/* no error in cross-validation: the intervals collapse on the forecast */
		CU_ASSERT_DOUBLE_EQUAL(r->hi95[100], r->mean[100], 1e-6);
		CU_ASSERT_DOUBLE_EQUAL(r->lo95[100], r->mean[100], 1e-6);
		forecast_result_free(r);
	}
	free(y);
}

static void test_holt_continues_a_line(void)
{
	static const size_t none[4] = { 0, 0, 0, 0 };
	double y[300];
	struct forecast_result *r;
	size_t i;

	for (i = 0; i < 300; i++)
		y[i] = 5 + 2 * (double)i;
	r = run(y, 300, FORECAST_ETS, 48, none);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_STRING_EQUAL(r->method, "ets(A,A,N)");	/* AICc picks Holt, undamped */
	for (i = 0; i < 48; i++)
		CU_ASSERT_DOUBLE_EQUAL(r->mean[i], 5 + 2 * (double)(300 + i), 1e-6);
	forecast_result_free(r);
}

/* A season whose swing grows with the level: AICc must prefer the multiplicative form. */
static void test_ets_multiplicative(void)
{
	static const size_t s24[4] = { 24, 0, 0, 0 };
	size_t n = 24 * 30, i;
	double *y = malloc(n * sizeof(*y));
	struct forecast_result *r;

	for (i = 0; i < n; i++)
		y[i] = (20 + 0.1 * (double)i) * (1 + 0.5 * sin(2 * PI * (double)i / 24));
	r = run(y, n, FORECAST_ETS, 24, s24);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_STRING_EQUAL(r->method, "ets(A,Ad,M24)");
	/* one hour ahead: (20 + 72) x 1 = 92, within a few tenths */
	CU_ASSERT_DOUBLE_EQUAL(r->mean[0], 92, 0.3);
	forecast_result_free(r);
	free(y);
}

/* Theta's seasonality test: a daily cycle is found and taken out; white noise has none. */
static void test_theta_seasonality_test(void)
{
	static const size_t s24[4] = { 24, 0, 0, 0 };
	size_t n = 24 * 20, i;
	double *y = malloc(n * sizeof(*y));
	unsigned seed = 9;
	struct forecast_result *r;

	for (i = 0; i < n; i++)
		y[i] = sine(i) + 0.2 * noise(&seed);
	r = run(y, n, FORECAST_THETA, 24, s24);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_STRING_EQUAL(r->method, "theta(M24)");
	CU_ASSERT(fabs(r->mean[6] - sine(n + 6)) < 0.3);
	forecast_result_free(r);
	for (i = 0; i < n; i++)
		y[i] = 10 + noise(&seed);
	r = run(y, n, FORECAST_THETA, 24, s24);
	CU_ASSERT_STRING_EQUAL(r->method, "theta");
	CU_ASSERT(fabs(r->mean[6] - 10) < 0.3);
	forecast_result_free(r);
	free(y);
}

static void test_intervals_widen(void)
{
	size_t n = 24 * 70, i, h;
	double *y = malloc(n * sizeof(*y)), lvl = 50;
	unsigned seed = 11;
	static const enum forecast_method ms[] = { FORECAST_SNAIVE24, FORECAST_ETS, FORECAST_AUTO };

	/* a random walk under a daily cycle: the further ahead, the less is known */
	for (i = 0; i < n; i++) {
		lvl += noise(&seed);
		y[i] = lvl + 5 * sin(2 * PI * (double)i / 24) + noise(&seed);
	}
	for (i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		struct forecast_result *r = run(y, n, ms[i], 168, NULL);

		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		for (h = 1; h < 168; h++) {
			CU_ASSERT(r->hi95[h] - r->mean[h] >= r->hi95[h - 1] - r->mean[h - 1] - 1e-9);
			CU_ASSERT(r->mean[h] - r->lo95[h] >= r->mean[h - 1] - r->lo95[h - 1] - 1e-9);
		}
		if (!(r->hi95[167] - r->lo95[167] > 1.2 * (r->hi95[0] - r->lo95[0])))
			fprintf(stderr, "\n%s: %g %g %g\n", r->method, r->hi95[0] - r->lo95[0],
				r->hi95[30] - r->lo95[30], r->hi95[167] - r->lo95[167]);
		CU_ASSERT(r->hi95[167] - r->lo95[167] > 1.2 * (r->hi95[0] - r->lo95[0]));
		for (h = 0; h < 168; h++) {
			CU_ASSERT(r->lo95[h] <= r->p10[h] && r->p10[h] <= r->p50[h]);
			CU_ASSERT(r->p50[h] <= r->p90[h] && r->p90[h] <= r->hi95[h]);
		}
		forecast_result_free(r);
	}
	free(y);
}

static void test_gaps_filled_a_week_back(void)
{
	size_t n = 24 * 30, i;
	double *y = malloc(n * sizeof(*y));
	struct forecast_result *r;

	for (i = 0; i < n; i++)
		y[i] = sine(i);
	for (i = 300; i < 340; i++)
		y[i] = NAN;		/* a gap of 40 hours */
	for (i = n - 5; i < n; i++)
		y[i] = NAN;		/* and the last five hours missing */
	y[0] = NAN;
	r = run(y, n, FORECAST_SNAIVE24, 48, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (i = 0; i < 48; i++)
		CU_ASSERT_DOUBLE_EQUAL(r->mean[i], sine(n + i), 1e-9);
	forecast_result_free(r);
	r = run(y, n, FORECAST_MSTL, 48, NULL);
	for (i = 0; i < 48; i++)
		CU_ASSERT_DOUBLE_EQUAL(r->mean[i], sine(n + i), 1e-6);
	forecast_result_free(r);
	free(y);
}

static void test_zeros_and_never_negative(void)
{
	size_t n = 400, i, h;
	double *y = calloc(n, sizeof(*y));
	struct forecast_result *r;
	unsigned seed = 3;

	r = run(y, n, FORECAST_AUTO, 72, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (h = 0; h < 72; h++) {
		CU_ASSERT_EQUAL(r->mean[h], 0);
		CU_ASSERT_EQUAL(r->hi95[h], 0);
		CU_ASSERT_EQUAL(r->lo95[h], 0);
	}
	forecast_result_free(r);
	/* intermittent demand: mostly zero, sometimes a burst; nothing may go below zero */
	for (i = 0; i < n; i++)
		y[i] = noise(&seed) > 0.3 ? 8 + 10 * noise(&seed) : 0;
	r = run(y, n, FORECAST_AUTO, 72, NULL);
	for (h = 0; h < 72; h++) {
		CU_ASSERT(r->lo95[h] >= 0 && r->p10[h] >= 0 && r->mean[h] >= 0);
		CU_ASSERT(isfinite(r->hi95[h]) && r->hi95[h] > 0);
	}
	forecast_result_free(r);
	free(y);
}

static void test_short_history(void)
{
	double y[100];
	struct forecast_result *r;
	struct forecast_opts o = FORECAST_OPTS_INIT;
	struct err e = ERR_INIT;
	size_t i;

	for (i = 0; i < 100; i++)
		y[i] = sine(i);
	/* four days: the weekly season is dropped, and the note says so */
	r = run(y, 100, FORECAST_AUTO, 24, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(r->note, "168-hour"));
	for (i = 0; i < 24; i++)
		CU_ASSERT_DOUBLE_EQUAL(r->mean[i], sine(100 + i), 1e-6);
	forecast_result_free(r);
	/* ten hours: no season at all, the last value */
	r = run(y + 90, 10, FORECAST_SNAIVE, 5, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_STRING_EQUAL(r->method, "naive");
	CU_ASSERT_PTR_NOT_NULL(strstr(r->note, "24-hour"));
	CU_ASSERT_DOUBLE_EQUAL(r->mean[4], y[99], 1e-12);
	forecast_result_free(r);
	/* six rising hours: too few for any cross-validation; the interval comes from the hourly
	 * changes, both ways, around the last value */
	{
		static const double up[6] = { 1, 2, 3, 4, 5, 6 };

		r = run(up, 6, FORECAST_AUTO, 4, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		CU_ASSERT_PTR_NOT_NULL(strstr(r->note, "too short to measure errors"));
		CU_ASSERT(r->lo95[0] < r->mean[0] && r->mean[0] < r->hi95[0]);
		CU_ASSERT(r->hi95[3] - r->lo95[3] >= r->hi95[0] - r->lo95[0]);
		forecast_result_free(r);
	}
	/* one hour still forecasts; none is an input error */
	r = run(y, 1, FORECAST_AUTO, 3, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_DOUBLE_EQUAL(r->mean[2], y[0], 1e-12);
	forecast_result_free(r);
	for (i = 0; i < 10; i++)
		y[i] = NAN;
	r = NULL;
	CU_ASSERT_EQUAL(forecast_run(&r, y, 10, &o, &e), ERR_INPUT);
	CU_ASSERT_PTR_NULL(r);
	o.horizon = 0;
	CU_ASSERT_EQUAL(forecast_run(&r, y + 20, 10, &o, &e), ERR_INPUT);
	/* values whose squares overflow are refused, naming the hour (found by fuzz_forecast) */
	o.horizon = 3;
	for (i = 0; i < 10; i++)
		y[i] = 5;
	y[7] = -2e15;
	CU_ASSERT_EQUAL(forecast_run(&r, y, 10, &o, &e), ERR_INPUT);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "hour 7: -2e+15 is out of range"));
	y[7] = 1e15;
	CU_ASSERT_EQUAL(forecast_run(&r, y, 10, &o, &e), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(isfinite(r->hi95[2]));
	forecast_result_free(r);
}

static void test_spike_and_level_shift(void)
{
	size_t n = 24 * 35, i;
	double *y = malloc(n * sizeof(*y));
	struct forecast_result *r;

	for (i = 0; i < n; i++)
		y[i] = sine(i);
	/* a one-off burst 30 hours before the end (a rising hour of the cycle) */
	y[n - 30] += 1000;
	r = run(y, n, FORECAST_SNAIVE24, 24, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* hour n-30+24 of the season would repeat the burst without cleaning */
	CU_ASSERT(fabs(r->mean[18] - sine(n + 18)) < 0.5);
	forecast_result_free(r);
	/* a level shift 10 days before the end: the forecast follows the new level */
	for (i = 0; i < n; i++)
		y[i] = sine(i) + (i >= n - 240 ? 40 : 0);
	r = run(y, n, FORECAST_AUTO, 48, NULL);
	for (i = 0; i < 48; i++)
		CU_ASSERT(fabs(r->mean[i] - (sine(n + i) + 40)) < 2);
	forecast_result_free(r);
	free(y);
}

/* The seasonal profile on a recent level, worked by hand: m = 2, the last two cycles {1, 9}
 * (mean 5, shape -4, +4) and {1, 3} (mean 2, shape -1, +1) give the median shape -2.5, +2.5. */
static void test_slevel_recent_level(void)
{
	const double y[6] = { 1, 3, 1, 3, 1, 9 };
	double out[4];

	/* the level of the last hour alone: 9 - 2.5 */
	fc_slevel_n(y, 6, 2, 2, 1, 4, out);
	CU_ASSERT_DOUBLE_EQUAL(out[0], 4.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(out[1], 9.0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(out[2], 4.0, 1e-12);
	/* of the last two: ((1 + 2.5) + (9 - 2.5)) / 2 = 5 */
	fc_slevel_n(y, 6, 2, 2, 2, 4, out);
	CU_ASSERT_DOUBLE_EQUAL(out[0], 2.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(out[3], 7.5, 1e-12);
	/* more hours than the history: all of it, (3.5 + 0.5 + 3.5 + 0.5 + 3.5 + 6.5) / 6 */
	fc_slevel_n(y, 6, 2, 2, 100, 2, out);
	CU_ASSERT_DOUBLE_EQUAL(out[0], 18.0 / 6 - 2.5, 1e-12);
}

/* A step 100 hours before the end: the last whole days after it are four (96 hours); a
 * steady ramp and a weekly rhythm are no step. */
static void test_last_break(void)
{
	size_t n = 24 * 30, i;
	double *y = malloc(n * sizeof(*y));

	for (i = 0; i < n; i++)
		y[i] = sine(i) + (i >= n - 100 ? 40 : 0);
	CU_ASSERT_EQUAL(fc_last_break(y, n), n - 96);
	/* a fall is a step too, and a one-day burst is not */
	for (i = 0; i < n; i++)
		y[i] = sine(i) + (i >= n - 100 ? -9 : 0) + (i >= n - 300 && i < n - 276 ? 50 : 0);
	CU_ASSERT_EQUAL(fc_last_break(y, n), n - 96);
	for (i = 0; i < n; i++)
		y[i] = sine(i) + 0.1 * (double)i;
	CU_ASSERT_EQUAL(fc_last_break(y, n), 0);
	for (i = 0; i < n; i++)
		y[i] = sine(i) + ((i / 24) % 7 >= 5 ? 20 : 0);
	CU_ASSERT_EQUAL(fc_last_break(y, n), 0);
	/* under FC_BREAK_DAYS + 3 days there is nothing to compare */
	CU_ASSERT_EQUAL(fc_last_break(y, 24 * 4), 0);
	free(y);
}

static void test_backtest_scores(void)
{
	size_t n = 24 * 40, i;
	double *y = malloc(n * sizeof(*y));
	struct forecast_opts o = FORECAST_OPTS_INIT;
	struct forecast_score sc;
	struct err e = ERR_INIT;

	for (i = 0; i < n; i++)
		y[i] = sine(i);
	o.method = FORECAST_SNAIVE24;
	o.horizon = 48;
	CU_ASSERT_EQUAL_FATAL(forecast_backtest(&sc, y, n, &o, 8, &e), 0);
	CU_ASSERT_EQUAL(sc.origins, 8);
	CU_ASSERT_EQUAL(sc.points, 8 * 48);
	CU_ASSERT_DOUBLE_EQUAL(sc.mase, 0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(sc.smape, 0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(sc.cover95, 1, 1e-12);
	/* naive on the sine: the error at step h is |y(o+h) - y(o-1)|; the scale (seasonal
	 * naive m = 24 in sample) is 0, so MASE falls back to lag one: known in closed form */
	o.method = FORECAST_NAIVE;
	o.horizon = 24;
	CU_ASSERT_EQUAL_FATAL(forecast_backtest(&sc, y, n, &o, 1, &e), 0);
	{
		double s1 = 0, s2 = 0;

		for (i = 1; i < n - 24; i++)
			s1 += fabs(sine(i) - sine(i - 1));
		s1 /= (double)(n - 25);
		for (i = 0; i < 24; i++)
			s2 += fabs(sine(n - 24 + i) - sine(n - 25));
		CU_ASSERT_DOUBLE_EQUAL(sc.mase, s2 / 24 / s1, 1e-9);
	}
	/* too short for any origin */
	CU_ASSERT_EQUAL(forecast_backtest(&sc, y, 60, &o, 8, &e), ERR_INPUT);
	free(y);
}

/* --- the CLI ------------------------------------------------------------------------ */

static char *cli(const char *dir, const char *args, int want)
{
	char *out = NULL, *err = NULL;
	int rc = tu_capplan(dir, args, &out, &err);

	if (rc != want)
		fprintf(stderr, "\ncapplan %s: exit %d, want %d: %s\n", args, rc, want, err);
	CU_ASSERT_EQUAL(rc, want);
	free(err);
	return out;
}

static void test_cli_usage_file(void)
{
	const char *dir = tu_tmpdir(), *out = tu_path(dir, "fc.csv");
	char args[1024], *o, *text;

	/* Sunday's profile (weekend hours at 10) for a one-day season, Monday's (14) for a week */
	snprintf(args, sizeof(args), "forecast --input '%s' --horizon 24 --method snaive "
		 "--season 24 --output '%s'", tu_src("tests/data/forecast/usage_3w.csv"), out);
	free(cli(dir, args, 0));
	text = tu_read(out, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_EQUAL(strncmp(text, "timestamp,gpu_model,mean,p10,p50,p90,lo95,hi95\n", 47), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n2026-03-23T09:00:00Z,A100-40GB,10.000000,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n2026-03-23T08:00:00Z,A100-40GB,8.000000,"));
	/* H100 grows a GPU a day: last day's level, its 05:00 gaps interpolated across */
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "\n2026-03-23T05:00:00Z,H100-80GB,22.000000,"));
	free(text);
	snprintf(args, sizeof(args), "forecast --input '%s' --horizon 24 --method snaive --gpu a100",
		 tu_src("tests/data/forecast/usage_3w.csv"));
	o = cli(dir, args, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "\n2026-03-23T09:00:00Z,A100-40GB,14.000000,"));
	CU_ASSERT_PTR_NULL(strstr(o, "H100-80GB"));
	free(o);
}

/* --json carries what the CSV does; a failed run leaves --output as it was and no temp file. */
static void test_cli_json_and_output(void)
{
	const char *dir = tu_tmpdir(), *out = tu_path(dir, "fc.csv");
	char args[1024], *o, *text;

	snprintf(args, sizeof(args), "forecast --input '%s' --horizon 24 --method snaive "
		 "--season 24 --json", tu_src("tests/data/forecast/usage_3w.csv"));
	o = cli(dir, args, 0);
	CU_ASSERT_EQUAL(strncmp(o, "{\"forecasts\":[{\"gpu_model\":\"A100-40GB\",",
			       strlen("{\"forecasts\":[{\"gpu_model\":\"A100-40GB\",")), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "\"start\":\"2026-03-23T00:00:00Z\",\"horizon\":24,"));
	/* the same Sunday profile as the CSV test: 10 GPUs at 09:00, 8 at 08:00 */
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "{\"timestamp\":\"2026-03-23T09:00:00Z\",\"mean\":10,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "{\"timestamp\":\"2026-03-23T08:00:00Z\",\"mean\":8,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "\"gpu_model\":\"H100-80GB\""));
	CU_ASSERT_PTR_NULL(strstr(o, "timestamp,gpu_model"));
	free(o);

	tu_write(out, "the last good forecast\n");
	snprintf(args, sizeof(args), "forecast --input '%s' --horizon 24 --gpu nosuch "
		 "--output '%s'", tu_src("tests/data/forecast/usage_3w.csv"), out);
	free(cli(dir, args, 2));
	text = tu_read(out, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text, "the last good forecast\n");
	free(text);
	o = NULL;
	tu_sh(dir, "ls -A | grep -c tmp", &o, NULL);
	CU_ASSERT_STRING_EQUAL(o ? o : "", "0\n");
	free(o);
	/* nor half a table on standard output: the good series before the bad one stay unsaid */
	tu_write(tu_path(dir, "big.csv"), "series,timestamp,value\n"
		 "a,2026-01-01T00:00:00Z,1\na,2026-01-01T01:00:00Z,2\n"
		 "b,2026-01-01T00:00:00Z,1\nb,2026-01-01T01:00:00Z,1e300\n");
	o = cli(dir, "forecast --input big.csv --horizon 2", 2);
	CU_ASSERT_STRING_EQUAL(o ? o : "(null)", "");
	free(o);
}

static void test_cli_series_file(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *o;

	snprintf(args, sizeof(args), "forecast --input '%s' --horizon 24 --method snaive24",
		 tu_src("tests/data/forecast/series_dup.csv"));
	o = cli(dir, args, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(strncmp(o, "series,timestamp,mean,p10,p50,p90,lo95,hi95\n", 44), 0);
	/* hour 70 was given as 22 and 24: averaged */
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "\n\"east, main\",2026-03-05T22:00:00Z,23.000000,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "\n\"east, main\",2026-03-05T03:00:00Z,3.000000,"));
	/* west's empty last hour is a gap, filled from a day before */
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "\nwest,2026-03-05T23:00:00Z,5.000000,5.000000,"));
	free(o);
}

static void test_cli_backtest_json(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *o;

	snprintf(args, sizeof(args), "forecast --backtest --json --origins 2 --horizon 24 "
		 "--method snaive168 --input '%s'", tu_src("tests/data/forecast/usage_3w.csv"));
	o = cli(dir, args, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "{\"horizon\":24,\"origins\":2,\"baseline\":\"snaive24\""));
	/* A100 repeats every week exactly: a perfect weekly naive, a covering interval */
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "{\"series\":\"A100-40GB\",\"methods\":{\"snaive24\":{"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "\"snaive168\":{\"smape\":0,\"mase\":0,\"coverage95\":1,"
				  "\"msis\":0,\"points\":48,\"origins\":2}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "\"overall\":{\"snaive24\":{"));
	free(o);
	/* the table names every method, the baseline first */
	snprintf(args, sizeof(args), "forecast --backtest --origins 1 --input '%s'",
		 tu_src("tests/data/forecast/usage_3w.csv"));
	o = cli(dir, args, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "(overall)                snaive24"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "(overall)                auto"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "H100-80GB                mstl"));
	free(o);
}

static void test_cli_store(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *o;

	snprintf(args, sizeof(args), "--db fc.db usage import '%s'",
		 tu_src("tests/data/forecast/usage_3w.csv"));
	free(cli(dir, args, 0));
	o = cli(dir, "--db fc.db forecast --json --method snaive --horizon 24", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "\"gpu_model\":\"A100-40GB\",\"method\":\"snaive168\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "\"start\":\"2026-03-23T00:00:00Z\""));
	free(o);
	o = cli(dir, "--db fc.db forecast --backtest --origins 1 --horizon 24 --method ets --json", 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(o, "\"ets\":{"));
	free(o);
}

static void test_cli_bad_input(void)
{
	const char *dir = tu_tmpdir();
	char *err = NULL;
	char args[1024];

	free(cli(dir, "forecast --method arima --input x.csv", 2));
	free(cli(dir, "forecast --horizon 0 --input x.csv", 2));
	free(cli(dir, "forecast --season 24,x --input x.csv", 2));
	CU_ASSERT_EQUAL(tu_capplan(dir, "forecast --season 24,24 --input x.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "--season \"24,24\": 24 is given twice"));
	free(err);
	err = NULL;
	free(cli(dir, "forecast --origins 0 --backtest", 2));
	free(cli(dir, "forecast --bogus", 2));
	free(cli(dir, "forecast --backtest --output o.csv", 2));
	tu_write(tu_path(dir, "bad.csv"), "series,timestamp,value\na,2026-01-01T00:00:00Z,1\n"
		 "a,2026-01-01T01:30:00Z,2\n");
	CU_ASSERT_EQUAL(tu_capplan(dir, "forecast --input bad.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.csv:3: \"timestamp\""));
	free(err);
	tu_write(tu_path(dir, "bad2.csv"), "series,timestamp,value\na,2026-01-01T00:00:00Z,lots\n");
	CU_ASSERT_EQUAL(tu_capplan(dir, "forecast --input bad2.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad2.csv:2: \"value\""));
	free(err);
	snprintf(args, sizeof(args), "forecast --input '%s' --backtest --horizon 400",
		 tu_src("tests/data/forecast/series_dup.csv"));
	free(cli(dir, args, 2));	/* three days hold no 400-hour origin */
}

/* Noise about a fixed daily profile: the same hour yesterday carries yesterday's noise, a
 * median over days does not; auto must find that, and its intervals must hold the points. */
static void test_auto_beats_snaive_on_noise(void)
{
	size_t n = 24 * 60, i;
	double *y = malloc(n * sizeof(*y));
	struct forecast_opts o = FORECAST_OPTS_INIT;
	struct forecast_score base, a;
	struct err e = ERR_INIT;
	unsigned seed = 5;

	for (i = 0; i < n; i++)
		y[i] = sine(i) + 4 * (noise(&seed) + noise(&seed));
	o.horizon = 48;
	o.method = FORECAST_SNAIVE24;
	CU_ASSERT_EQUAL_FATAL(forecast_backtest(&base, y, n, &o, 8, &e), 0);
	o.method = FORECAST_AUTO;
	CU_ASSERT_EQUAL_FATAL(forecast_backtest(&a, y, n, &o, 8, &e), 0);
	/* snaive's error is the difference of two noises: MASE near 1 by construction */
	CU_ASSERT(base.mase > 0.85 && base.mase < 1.15);
	CU_ASSERT(a.mase < 0.85 * base.mase);	/* 0.76 of it when this was written */
	CU_ASSERT(a.cover95 >= 0.9 && a.cover95 <= 1.0);
	CU_ASSERT_EQUAL(a.points, 8 * 48);
	free(y);
}

void forecast_suite_register(void)
{
	CU_pSuite s = CU_add_suite("forecast", NULL, NULL);

	CU_add_test(s, "method names", test_method_names);
	CU_add_test(s, "snaive repeats the last season", test_snaive_repeats_last_season);
	CU_add_test(s, "a pure sine is forecast exactly", test_sine_exact);
	CU_add_test(s, "holt continues a line", test_holt_continues_a_line);
	CU_add_test(s, "ets picks a multiplicative season", test_ets_multiplicative);
	CU_add_test(s, "theta tests for seasonality", test_theta_seasonality_test);
	CU_add_test(s, "intervals widen with the horizon", test_intervals_widen);
	CU_add_test(s, "gaps are filled a week back", test_gaps_filled_a_week_back);
	CU_add_test(s, "zeros, never negative", test_zeros_and_never_negative);
	CU_add_test(s, "short histories fall back and say so", test_short_history);
	CU_add_test(s, "spikes and level shifts", test_spike_and_level_shift);
	CU_add_test(s, "seasonal profile on a recent level", test_slevel_recent_level);
	CU_add_test(s, "the last level shift", test_last_break);
	CU_add_test(s, "backtest scores", test_backtest_scores);
	CU_add_test(s, "auto beats snaive on noise", test_auto_beats_snaive_on_noise);
	CU_add_test(s, "cli: usage file in, forecast file out", test_cli_usage_file);
	CU_add_test(s, "cli: series file", test_cli_series_file);
	CU_add_test(s, "cli: --json, and --output only replaced on success", test_cli_json_and_output);
	CU_add_test(s, "cli: backtest", test_cli_backtest_json);
	CU_add_test(s, "cli: from the store", test_cli_store);
	CU_add_test(s, "cli: bad flags and rows exit 2", test_cli_bad_input);
}
