#ifndef FORECAST_H
#define FORECAST_H
/*
 * forecast/: hourly series in, future quantiles out. Pure computation over arrays of
 * doubles: no files, no sqlite, no GPU names. A missing hour is NAN in the input.
 */
#include <stddef.h>

#include "util/err.h"

enum forecast_method {
	FORECAST_AUTO = 0,
	FORECAST_NAIVE,
	FORECAST_SNAIVE,	/* seasonal naive with the longest season (default 168) */
	FORECAST_ETS,
	FORECAST_MSTL,
	FORECAST_THETA
};

#define FORECAST_MAX_SEASONS 4

struct forecast_opts {
	enum forecast_method method;
	size_t horizon;				/* hours ahead, > 0 */
	size_t seasons[FORECAST_MAX_SEASONS];	/* periods in hours; 0 terminates */
};
/* auto, 168 hours ahead, seasons of 24 and 168 hours */
#define FORECAST_OPTS_INIT { FORECAST_AUTO, 168, { 24, 168, 0, 0 } }

/* The forecast of one series: arrays of `horizon` values, quantiles clipped at 0. */
struct forecast_result {
	size_t horizon;
	double *mean;
	double *p10, *p50, *p90;	/* the 80% interval is p10..p90 */
	double *lo95, *hi95;
	char method[32];	/* the method used in the end, e.g. "snaive168" */
	char note[256];		/* why a fallback happened, "" when none */
};

/* Parses "auto", "naive", "snaive", "ets", "mstl", "theta"; -1 when unknown. */
int forecast_method_parse(const char *s, enum forecast_method *out);
const char *forecast_method_name(enum forecast_method m);

/*
 * Forecasts y[0..n) (hourly, NAN = missing) o->horizon hours past its end. The result is
 * the caller's: forecast_result_free() it. ERR_INPUT when the series is empty or all missing.
 */
int forecast_run(struct forecast_result **out, const double *y, size_t n,
		 const struct forecast_opts *o, struct err *e);
void forecast_result_free(struct forecast_result *r);

#endif
