/*
 * The forecaster's entry point: method names, the result type, and the pipeline of
 * forecast_run (prepare the series, decide which seasons its history supports, then let
 * select.c fit, cross-validate and forecast).
 */
#include "forecast/forecast.h"
#include "forecast/select.h"

#ifndef FC_BREAK_ON
#define FC_BREAK_ON 1
#endif

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[] = {
	[FORECAST_AUTO] = "auto", [FORECAST_NAIVE] = "naive", [FORECAST_SNAIVE] = "snaive",
	[FORECAST_ETS] = "ets", [FORECAST_MSTL] = "mstl", [FORECAST_THETA] = "theta",
	[FORECAST_SNAIVE24] = "snaive24", [FORECAST_SNAIVE168] = "snaive168",
	[FORECAST_MSTL_THETA] = "mstl-theta",
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

int fc_result_new(struct forecast_result **out, size_t h, struct err *e)
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

int forecast_run(struct forecast_result **out, const double *y, size_t n,
		 const struct forecast_opts *o, struct err *e)
{
	struct fc_series s;
	struct forecast_result *r = NULL;
	size_t first = n, i, base, hist, k, cut = 0;
	int rc;

	*out = NULL;
	memset(&s, 0, sizeof(s));
	if (o->horizon == 0)
		return err_set(e, ERR_INPUT, "the horizon must be at least one hour");
	for (i = 0; i < n; i++)
		if (!isnan(y[i])) {
			if (!isfinite(y[i]))
				return err_set(e, ERR_INPUT, "hour %zu is not a finite number", i);
			/* no real series is this large, and sums of squares of it overflow */
			if (fabs(y[i]) > FORECAST_MAX_VALUE)
				return err_set(e, ERR_INPUT, "hour %zu: %g is out of range (at most "
					       "%g in magnitude)", i, y[i], FORECAST_MAX_VALUE);
			if (first == n)
				first = i;
		}
	if (first == n)
		return err_set(e, ERR_INPUT, "the series has no observed value");
	if ((rc = fc_result_new(&r, o->horizon, e)) < 0)
		return rc;
	hist = n - first;
	/* only the recent past is used: cost and memory per series do not grow with history */
	base = hist > FC_WINDOW + FC_CV_LOOKBACK ? n - (FC_WINDOW + FC_CV_LOOKBACK) : first;
	s.n = n - base;
	s.horizon = o->horizon;
	s.method = o->method;
	if ((s.x = malloc(2 * s.n * sizeof(double))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	s.obs = s.x + s.n;
	memcpy(s.x, y + base, s.n * sizeof(double));
	memcpy(s.obs, y + base, s.n * sizeof(double));
	/* seasons the history can carry: two full cycles at least (else say so) */
	for (i = 0; i < FORECAST_MAX_SEASONS && o->seasons[i]; i++) {
		size_t m = o->seasons[i];

		if (m < 2 || m > FC_MAX_PERIOD)
			continue;
		if (hist < 2 * m) {
			k = strlen(r->note);
			snprintf(r->note + k, sizeof(r->note) - k, "%shistory of %zu hours is under "
				 "two %zu-hour cycles: that season is left out", k ? "; " : "",
				 hist, m);
			continue;
		}
		s.seasons[s.ns++] = m;
	}
	fc_fill_gaps(s.x, s.n, s.ns ? s.seasons[s.ns - 1] : 1);
	fc_clean_spikes(s.x, s.n, s.seasons);
	/*
	 * After a level shift the hours before it mislead: seasonal medians average both
	 * levels and the cross-validation ranks methods on a regime that is gone. `auto` fits
	 * and forecasts on the hours since (its seasons again those they can carry).
	 */
	if (o->method == FORECAST_AUTO && FC_BREAK_ON && (cut = fc_last_break(s.x, s.n)) > 0) {
		size_t ns = 0;

		s.x += cut;
		s.obs += cut;
		s.n -= cut;
		for (i = 0; i < s.ns; i++)
			if (s.n >= 2 * s.seasons[i])
				s.seasons[ns++] = s.seasons[i];
		s.ns = ns;
		k = strlen(r->note);
		snprintf(r->note + k, sizeof(r->note) - k, "%sthe level moved %zu hours ago: "
			 "fitted on the hours since", k ? "; " : "", s.n);
	}
	if ((rc = fc_select_run(r, &s, e)) < 0)
		goto out;
	/*
	 * Demand is never negative: clip at 0, unless the history itself goes below zero
	 * (then it is not a demand series, and a clip would only be wrong).
	 */
	for (i = first; i < n; i++)
		if (y[i] < 0)
			break;
	for (k = 0; k < 6 * o->horizon; k++)
		if (!(r->mean[k] >= 0) && (i == n || isnan(r->mean[k])))
			r->mean[k] = 0;
	*out = r;
	r = NULL;
out:
	free(s.x ? s.x - cut : NULL);
	forecast_result_free(r);
	return rc;
}
