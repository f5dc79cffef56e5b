/*
 * libFuzzer target: the forecaster on hostile numbers. The first bytes choose the method, the
 * horizon and the seasons; the rest are the hours, as doubles (NAN = missing; huge, tiny,
 * negative and infinite values included). Whatever comes in, forecast_run either refuses it
 * (ERR_INPUT) or returns finite quantiles in order: p10 <= p50 <= p90, lo95 <= p10,
 * p90 <= hi95. UBSan and ASan catch the rest.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/forecast.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A quantile order broken only by rounding is not broken. */
static int le(double a, double b)
{
	return a <= b + 1e-9 * (1 + fabs(a) + fabs(b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum forecast_method meth[] = {
		FORECAST_AUTO, FORECAST_NAIVE, FORECAST_SNAIVE, FORECAST_ETS, FORECAST_MSTL,
		FORECAST_THETA, FORECAST_SNAIVE24, FORECAST_SNAIVE168, FORECAST_MSTL_THETA,
	};
	static const size_t periods[] = { 0, 2, 3, 7, 12, 24, 168 };
	struct forecast_opts o = FORECAST_OPTS_INIT;
	struct forecast_result *r = NULL;
	struct err e = ERR_INIT;
	size_t n, i, h;
	double *y;

	if (size < 4)
		return 0;
	o.method = meth[data[0] % (sizeof(meth) / sizeof(meth[0]))];
	o.horizon = 1 + data[1] % 200;
	o.seasons[0] = periods[data[2] % 7];
	o.seasons[1] = o.seasons[0] ? periods[data[3] % 7] : 0;
	o.seasons[2] = 0;
	data += 4;
	size -= 4;
	/* a few thousand hours at most: the window of history the methods look at */
	n = size / sizeof(double);
	if (n > 4000)
		n = 4000;
	if ((y = malloc((n ? n : 1) * sizeof(*y))) == NULL)
		return 0;
	memcpy(y, data, n * sizeof(*y));
	if (forecast_run(&r, y, n, &o, &e) == 0) {
		for (h = 0; h < r->horizon; h++) {
			double q[6] = { r->lo95[h], r->p10[h], r->p50[h], r->p90[h], r->hi95[h],
					r->mean[h] };

			for (i = 0; i < 6; i++)
				if (!isfinite(q[i]))
					abort();
			for (i = 0; i + 1 < 5; i++)
				if (!le(q[i], q[i + 1]))
					abort();
		}
		forecast_result_free(r);
	}
	free(y);
	return 0;
}
