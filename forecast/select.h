#ifndef FORECAST_SELECT_H
#define FORECAST_SELECT_H
/* Private to forecast/: fitting, cross-validation, the choice of `auto`, the intervals. */
#include "forecast/fc.h"
#include "forecast/forecast.h"

/* Cross-validation origins reach this many hours back from the end (four weeks). */
#ifndef FC_CV_LOOKBACK
#define FC_CV_LOOKBACK 672
#endif
#ifndef FC_CV_STEP
#define FC_CV_STEP 24
#endif
/* Errors are measured up to this horizon; beyond it the widths grow as sqrt(h). */
#define FC_CV_MAXH 336

struct fc_series {
	double *x;		/* gap-filled, spikes smoothed: what the methods fit */
	double *obs;		/* as observed (NAN = missing): what errors are measured on */
	size_t n, horizon;
	size_t seasons[FORECAST_MAX_SEASONS], ns;	/* usable, ascending as given */
	enum forecast_method method;
};

int fc_result_new(struct forecast_result **out, size_t h, struct err *e);
/* Fills r (allocated for s->horizon) with the point forecast, quantiles and method name. */
int fc_select_run(struct forecast_result *r, const struct fc_series *s, struct err *e);

#endif
