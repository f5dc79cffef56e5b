#ifndef FORECAST_FC_H
#define FORECAST_FC_H
/*
 * Private to forecast/: the methods as pure functions over gap-free arrays. Every method
 * has a fit (parameters, once per series) and a forecast that re-runs its states over
 * y[0..n) with those parameters, so that rolling-origin cross-validation costs one cheap
 * filter per origin instead of one refit. Phases of seasons are absolute indices into y
 * (t % m), so a prefix y[0..o) forecasts with the same phases as the whole series.
 */
#include <stddef.h>

/* The longest season any method handles (a fixed array of seasonal states). */
#define FC_MAX_PERIOD 1024
/* Methods look at most this many recent hours: cost and memory per series stay bounded. */
#define FC_WINDOW 1344

/* --- optimizer (nm.c) -------------------------------------------------------------- */
typedef double (*fc_objective)(const double *x, void *ctx);
/*
 * Nelder-Mead over the box [lo, hi] (points are clamped into it), starting at x (in/out:
 * the best point found) after at most maxeval evaluations. Returns f at the best point.
 */
double fc_nelder_mead(fc_objective f, void *ctx, double *x, const double *lo,
		      const double *hi, size_t dim, size_t maxeval);

/* --- baselines (naive.c) ----------------------------------------------------------- */
void fc_naive(const double *y, size_t n, size_t h, double *out);
/* The value one season back (m = 1 is naive); needs n >= m. */
void fc_snaive(const double *y, size_t n, size_t m, size_t h, double *out);
/* The median of the same phase over the last k seasons (fewer when n < k m): seasonal naive
 * with its noise taken down. */
void fc_smean(const double *y, size_t n, size_t m, size_t k, size_t h, double *out);
/* The median shape of the last k seasons (deviations from each cycle's mean) on the level of
 * the last 24 hours: seasonal naive that follows a level shift within a day. */
void fc_slevel(const double *y, size_t n, size_t m, size_t k, size_t h, double *out);
/* The same with the level from the last nlev hours. */
void fc_slevel_n(const double *y, size_t n, size_t m, size_t k, size_t nlev, size_t h,
		 double *out);

/* --- exponential smoothing (ets.c) ------------------------------------------------- */
enum { FC_TREND_N, FC_TREND_A, FC_TREND_AD };
enum { FC_SEAS_N, FC_SEAS_A, FC_SEAS_M };

struct fc_ets {
	int trend, season;
	size_t m;		/* season length, 1 without season */
	size_t win;		/* the recent hours it runs over */
	double alpha, beta, gamma, phi;
	double sse, aicc;
};
/* Fits one form (trend, season, m) by least squares with Nelder-Mead. -1: not enough data. */
int fc_ets_fit_one(struct fc_ets *p, const double *y, size_t n, int trend, int season,
		   size_t m);
/*
 * Fits the forms that make sense for y (seasonal ones for each of seasons[0..4) (0-terminated)
 * with n >= 2m, multiplicative only on positive data) and keeps the smallest AICc. Never fails: with too
 * little data it is simple exponential smoothing.
 */
void fc_ets_fit(struct fc_ets *p, const double *y, size_t n, const size_t *seasons);
/* Forecasts h hours past y[n-1] with p's parameters; needs n >= 2 (2m when seasonal). */
void fc_ets_forecast(const struct fc_ets *p, const double *y, size_t n, size_t h,
		     double *out);
const char *fc_ets_name(const struct fc_ets *p, char *buf, size_t len);

/* --- theta (theta.c) ---------------------------------------------------------------- */
struct fc_theta {
	size_t m;		/* season used for the adjustment, 1 = none */
	int mult;		/* multiplicative adjustment (positive data) */
	double alpha;		/* the SES weight */
};
/*
 * The M4 Theta benchmark: a 90% seasonality test at lag m for each candidate season
 * (longest first), classical decomposition when it passes, then SES with half the drift of
 * the linear trend. ws holds 3 * n + m doubles.
 */
void fc_theta_fit(struct fc_theta *p, const double *y, size_t n, const size_t *seasons,
		  double *ws);
void fc_theta_forecast(const struct fc_theta *p, const double *y, size_t n, size_t h,
		       double *out, double *ws);

/* --- multiple seasonal decomposition (mstl.c) -------------------------------------- */
struct fc_mstl {
	size_t periods[4];
	size_t np;
	int use_theta;		/* trend+remainder by Theta, else by nonseasonal ETS */
	struct fc_ets ets;
	struct fc_theta theta;
};
/* ws holds 6 * n + the sum of the periods doubles. */
void fc_mstl_fit(struct fc_mstl *p, const double *y, size_t n, const size_t *periods,
		 size_t np, int use_theta, double *ws);
void fc_mstl_forecast(const struct fc_mstl *p, const double *y, size_t n, size_t h,
		      double *out, double *ws);

/* --- small helpers (prep.c) --------------------------------------------------------- */
/* Fills NAN in y[0..n) in place: a week back, else a day back, else the last value. */
void fc_fill_gaps(double *y, size_t n, size_t m_long);
/* Replaces one-off spikes (far outside the seasonal neighbours' spread) in place. */
void fc_clean_spikes(double *y, size_t n, const size_t *seasons);
double fc_mean(const double *y, size_t n);
/* A level shift must hold this many whole days to count, be this many typical day-to-day
 * changes and this share of the level before it (fc_last_break). */
#ifndef FC_BREAK_DAYS
#define FC_BREAK_DAYS 2
#endif
#ifndef FC_BREAK_K
#define FC_BREAK_K 3.0
#endif
#ifndef FC_BREAK_SEP
#define FC_BREAK_SEP 1.0
#endif
#ifndef FC_BREAK_REL
#define FC_BREAK_REL 0.2
#endif
/* The hour the level last moved for good (days on one side of the days before), else 0. */
size_t fc_last_break(const double *y, size_t n);
/* Centred moving average of length m (2 x m when m is even) into out[0..n); NAN at the ends. */
void fc_centred_ma(const double *y, size_t n, size_t m, double *out);
int fc_cmp_double(const void *a, const void *b);
/* The q-quantile of sorted v[0..n) by linear interpolation. */
double fc_quantile(const double *v, size_t n, double q);

#endif
