/*
 * The forecaster's entry point and its simplest method: seasonal naive (the value one
 * season back) with empirical intervals from its own in-sample errors.
 */
#include "forecast/forecast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[] = {
	[FORECAST_AUTO] = "auto", [FORECAST_NAIVE] = "naive", [FORECAST_SNAIVE] = "snaive",
	[FORECAST_ETS] = "ets", [FORECAST_MSTL] = "mstl", [FORECAST_THETA] = "theta",
};

int forecast_method_parse(const char *s, enum forecast_method *out)
{
	size_t i;

	for (i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++)
		if (strcmp(s, method_names[i]) == 0) {
			*out = (enum forecast_method)i;
			return 0;
		}
	return -1;
}

const char *forecast_method_name(enum forecast_method m)
{
	return (size_t)m < sizeof(method_names) / sizeof(method_names[0]) ? method_names[m] : "?";
}

void forecast_result_free(struct forecast_result *r)
{
	if (r == NULL)
		return;
	free(r->mean);
	free(r);
}

static int result_new(struct forecast_result **out, size_t h, struct err *e)
{
	struct forecast_result *r = calloc(1, sizeof(*r));
	double *block;

	*out = NULL;
	if (r == NULL || (block = calloc(6 * h, sizeof(double))) == NULL) {
		free(r);
		return err_nomem(e);
	}
	r->horizon = h;
	r->mean = block;	/* one block, six arrays: freed with mean */
	r->p10 = block + h;
	r->p50 = block + 2 * h;
	r->p90 = block + 3 * h;
	r->lo95 = block + 4 * h;
	r->hi95 = block + 5 * h;
	*out = r;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile of sorted v[0..n) by linear interpolation (type 7). */
static double quantile(const double *v, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t i = (size_t)pos;

	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (pos - (double)i) * (v[i + 1] - v[i]);
}

/* The last observed value at or before index i, stepping back a season over gaps. */
static double season_back(const double *y, size_t n, size_t m, size_t i)
{
	while (i < n) {
		if (!isnan(y[i]))
			return y[i];
		if (i < m)
			break;
		i -= m;
	}
	return NAN;
}

int forecast_run(struct forecast_result **out, const double *y, size_t n,
		 const struct forecast_opts *o, struct err *e)
{
	struct forecast_result *r = NULL;
	double *res = NULL, last = NAN;
	size_t m = 1, nres = 0, i, h, k;
	int rc;

	*out = NULL;
	if (o->horizon == 0)
		return err_set(e, ERR_INPUT, "the horizon must be at least one hour");
	for (i = 0; i < FORECAST_MAX_SEASONS && o->seasons[i]; i++)
		if (o->seasons[i] > m)
			m = o->seasons[i];
	for (i = n; i-- > 0;)
		if (!isnan(y[i])) {
			last = y[i];
			break;
		}
	if (isnan(last))
		return err_set(e, ERR_INPUT, "the series has no observed value");
	if ((rc = result_new(&r, o->horizon, e)) < 0)
		return rc;
	/* a season needs two full cycles to measure its own errors; else fall back */
	while (m > 1 && n < 2 * m)
		m = m >= 168 ? 24 : 1;
	snprintf(r->method, sizeof(r->method), m > 1 ? "snaive%zu" : "naive", m);
	if (o->method != FORECAST_SNAIVE && o->method != FORECAST_AUTO)
		snprintf(r->note, sizeof(r->note), "method \"%s\" is not available yet: used %s",
			 forecast_method_name(o->method), r->method);
	else if (m == 1)
		snprintf(r->note, sizeof(r->note), "history of %zu hours is too short for a daily "
			 "season: used the last value", n);
	if ((res = malloc((n + 1) * sizeof(*res))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (i = m; i < n; i++)
		if (!isnan(y[i]) && !isnan(y[i - m]))
			res[nres++] = y[i] - y[i - m];
	if (nres == 0)
		res[nres++] = 0;
	qsort(res, nres, sizeof(*res), cmp_double);
	for (h = 0; h < o->horizon; h++) {
		double point, scale;

		k = h / m;		/* whole seasons past the end */
		point = m > 1 ? season_back(y, n, m, n - m + h % m) : last;
		if (isnan(point))
			point = last;
		scale = sqrt((double)(k + 1));	/* errors of k+1 seasonal steps add up */
		r->mean[h] = point;
		r->p50[h] = point + scale * quantile(res, nres, 0.5);
		r->p10[h] = point + scale * quantile(res, nres, 0.1);
		r->p90[h] = point + scale * quantile(res, nres, 0.9);
		r->lo95[h] = point + scale * quantile(res, nres, 0.025);
		r->hi95[h] = point + scale * quantile(res, nres, 0.975);
	}
	/* demand is never negative */
	for (i = 0; i < 6 * o->horizon; i++)
		if (r->mean[i] < 0)
			r->mean[i] = 0;
	*out = r;
	r = NULL;
out:
	free(res);
	forecast_result_free(r);
	return rc;
}
