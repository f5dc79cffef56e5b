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
	FORECAST_THETA,
	FORECAST_SNAIVE24,	/* seasonal naive, m = 24: the baseline of MASE */
	FORECAST_SNAIVE168,
	FORECAST_MSTL_THETA	/* MSTL with the trend and remainder by Theta */
};

#define FORECAST_MAX_SEASONS 4

struct forecast_opts {
	enum forecast_method method;
	size_t horizon;				/* hours ahead, > 0 */
	size_t seasons[FORECAST_MAX_SEASONS];	/* periods in hours; 0 terminates */
};
/* auto, 168 hours ahead, seasons of 24 and 168 hours */
#define FORECAST_OPTS_INIT { FORECAST_AUTO, 168, { 24, 168, 0, 0 } }

/* The forecast of one series: arrays of `horizon` values, clipped at 0 (see below). */
struct forecast_result {
	size_t horizon;
	double *mean;
	double *p10, *p50, *p90;	/* the 80% interval is p10..p90 */
	double *lo95, *hi95;
	char method[32];	/* the method used in the end, e.g. "snaive168" */
	char note[256];		/* why a fallback happened, "" when none */
};

/*
 * Methods (see forecast/fc.h for the parts):
 * - auto: every method below, and for each season the seasonal median (the median of the
 *   same hour over the last 10 days, or 5 weeks) and the level-following seasonal median
 *   (that median shape on the level of the last day), are cross-validated at rolling
 *   origins a day apart over the last four weeks, for the requested horizon (at most 336 h); the one with
 *   the smallest mean absolute error wins, or the mean of the best k (k = 2..all), or the
 *   median of all, when that does better;
 * - naive, snaive (the longest season), snaive24, snaive168;
 * - ets: Holt-Winters with none/additive/damped trend and none/additive/multiplicative
 *   season (each usable season), weights by least squares (Nelder-Mead), form by AICc;
 * - mstl, mstl-theta: daily and weekly seasons taken out, the rest by ETS or Theta;
 * - theta: the M4 benchmark form with a seasonality test and classical adjustment.
 * Every method fits on at most the last 1,344 hours. The intervals of every method are
 * empirical quantiles of its own out-of-sample errors at the same origins (pooled over
 * horizon bands that double in length, never narrower than a shorter horizon's band, the
 * spread widened by 1 + c / sqrt(n_eff), n_eff = origins x 24 / h being about the number of
 * independent errors, c = 1, up to 2 for histories under eight weeks and 3 under four),
 * growing as sqrt(h)
 * past 336 h. Gaps are interpolated (up to 3 h) or filled a week (else a
 * day) back; isolated spikes are smoothed before fitting; seasons without two full cycles of
 * history are dropped (and result->note says so). Quantiles are clipped at 0 unless the
 * history itself goes negative.
 */

/* Parses "auto", "naive", "snaive", "ets", "mstl", "theta", "snaive24", "snaive168",
 * "mstl-theta"; -1 when unknown. */
int forecast_method_parse(const char *s, enum forecast_method *out);
const char *forecast_method_name(enum forecast_method m);

/* The largest magnitude of an hour's value forecast_run accepts. */
#define FORECAST_MAX_VALUE 1e15

/*
 * Forecasts y[0..n) (hourly, NAN = missing) o->horizon hours past its end. The result is
 * the caller's: forecast_result_free() it. ERR_INPUT when the series is empty or all missing,
 * or a value is infinite or beyond FORECAST_MAX_VALUE.
 */
int forecast_run(struct forecast_result **out, const double *y, size_t n,
		 const struct forecast_opts *o, struct err *e);
void forecast_result_free(struct forecast_result *r);

/*
 * Accuracy of one method on one series by rolling origins: origin k (k = 1..origins) is
 * n - k * horizon hours, each forecast o->horizon hours from y[0..origin) and compared with
 * the observed hours after it. MASE and MSIS are scaled by the in-sample mean absolute
 * error of seasonal naive with m = 24 (lag one when the history is shorter).
 */
struct forecast_score {
	double smape;		/* mean symmetric APE, percent (0 when both values are 0) */
	double mase;		/* mean absolute scaled error */
	double cover95;		/* share of held-out hours inside lo95..hi95 */
	double msis;		/* mean scaled interval score of the 95% interval */
	size_t points;		/* held-out hours scored */
	size_t origins;		/* origins that fitted in the history */
	char method[32];	/* what the last origin used */
};
/* ERR_INPUT when not even one origin leaves 48 hours of history. */
int forecast_backtest(struct forecast_score *out, const double *y, size_t n,
		      const struct forecast_opts *o, size_t origins, struct err *e);

#endif
