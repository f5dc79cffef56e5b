/*
 * The forecaster measuring itself: rolling origins back through the history, each origin a
 * fresh forecast_run on the prefix, scored on the hours after it with the M4 measures
 * (sMAPE, MASE, coverage and MSIS of the 95% interval).
 */
#include "forecast/forecast.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Mean absolute change over lag m within y[0..n) (pairs with both hours observed). */
static double mae_lag(const double *y, size_t n, size_t m)
{
	double s = 0;
	size_t i, k = 0;

	for (i = m; i < n; i++)
		if (!isnan(y[i]) && !isnan(y[i - m])) {
			s += fabs(y[i] - y[i - m]);
			k++;
		}
	return k ? s / (double)k : NAN;
}

int forecast_backtest(struct forecast_score *out, const double *y, size_t n,
		      const struct forecast_opts *o, size_t origins, struct err *e)
{
	struct forecast_result *r = NULL;
	double ssmape = 0, smase = 0, smsis = 0, scale;
	size_t k, h, cover = 0, npts = 0, nmase = 0;
	const double alpha = 0.05;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->smape = out->mase = out->cover95 = out->msis = NAN;
	if (o->horizon == 0)
		return err_set(e, ERR_INPUT, "the horizon must be at least one hour");
	for (k = 1; k <= origins; k++) {
		size_t org;

		if (k * o->horizon > n || n - k * o->horizon < 48)
			break;
		org = n - k * o->horizon;
		/* a scale at rounding level (an exactly periodic series) is no scale */
		scale = mae_lag(y, org, 24);
		if (!(scale > 1e-9 * (1 + mae_lag(y, org, 1))))
			scale = mae_lag(y, org, 1);
		if ((rc = forecast_run(&r, y, org, o, e)) < 0) {
			if (rc != ERR_INPUT)
				goto out;
			rc = 0;	/* a prefix with no observation: nothing to score there */
			err_clear(e);
			continue;
		}
		out->origins++;
		snprintf(out->method, sizeof(out->method), "%s", r->method);
		for (h = 0; h < o->horizon; h++) {
			double a = y[org + h], f = r->mean[h], lo = r->lo95[h], hi = r->hi95[h];
			double is;

			if (isnan(a))
				continue;
			npts++;
			ssmape += fabs(a) + fabs(f) > 0 ? 200 * fabs(a - f) / (fabs(a) + fabs(f)) : 0;
			/* rounding must not push a point out of a zero-width interval */
			cover += a >= lo - 1e-9 * (1 + fabs(a)) && a <= hi + 1e-9 * (1 + fabs(a));
			is = hi - lo + (a < lo ? 2 / alpha * (lo - a) : 0)
			     + (a > hi ? 2 / alpha * (a - hi) : 0);
			if (scale > 0) {
				smase += fabs(a - f) / scale;
				smsis += is / scale;
				nmase++;
			}
		}
		forecast_result_free(r);
		r = NULL;
	}
	if (out->origins == 0) {
		rc = err_set(e, ERR_INPUT, "%zu hours of history leave no backtest origin with "
			     "48 hours before it (horizon %zu)", n, o->horizon);
		goto out;
	}
	out->points = npts;
	if (npts) {
		out->smape = ssmape / (double)npts;
		out->cover95 = (double)cover / (double)npts;
	}
	if (nmase) {
		out->mase = smase / (double)nmase;
		out->msis = smsis / (double)nmase;
	}
out:
	forecast_result_free(r);
	return rc;
}
