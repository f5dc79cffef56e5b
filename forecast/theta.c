/*
 * The Theta method in the form that served as the M4 competition's benchmark: test for
 * seasonality at lag m (90% one-sided, against the ACF's own standard error), take it out by
 * classical decomposition when present, forecast with simple exponential smoothing plus half
 * the slope of the least-squares line (Hyndman and Billah's equivalence), and put the season
 * back.
 */
#include "forecast/fc.h"

#include <math.h>
#include <string.h>

static size_t theta_window(size_t n)
{
	return n < FC_WINDOW ? n : FC_WINDOW;
}

/* The seasonality test on x[0..n) at lag m. */
static int seasonal_test(const double *x, size_t n, size_t m)
{
	double mu = fc_mean(x, n), var = 0, sum2 = 0, r = 0, limit;
	size_t k, t;

	if (m < 2 || n < 3 * m)
		return 0;
	for (t = 0; t < n; t++)
		var += (x[t] - mu) * (x[t] - mu);
	if (!(var > 0))
		return 0;
	for (k = 1; k <= m; k++) {
		double c = 0;

		for (t = k; t < n; t++)
			c += (x[t] - mu) * (x[t - k] - mu);
		r = c / var;
		if (k < m)
			sum2 += r * r;
	}
	limit = 1.645 / sqrt((double)n) * sqrt(1 + 2 * sum2);
	return fabs(r) > limit;
}

/*
 * Seasonal indices of y[s0..n) (absolute phases) by classical decomposition into idx[0..m),
 * and the adjusted series into x[0..n-s0). ws: n - s0 + m doubles.
 */
static void decompose(const struct fc_theta *p, const double *y, size_t n, size_t s0,
		      double *idx, double *x, double *ws)
{
	size_t m = p->m, win = n - s0, t, j;
	double *ma = ws, *cnt = ws + win, sm = 0;

	fc_centred_ma(y + s0, win, m, ma);
	for (j = 0; j < m; j++)
		idx[j] = cnt[j] = 0;
	for (t = 0; t < win; t++) {
		if (isnan(ma[t]))
			continue;
		j = (s0 + t) % m;
		idx[j] += p->mult ? y[s0 + t] / ma[t] : y[s0 + t] - ma[t];
		cnt[j] += 1;
	}
	for (j = 0; j < m; j++) {
		idx[j] = cnt[j] > 0 ? idx[j] / cnt[j] : (p->mult ? 1 : 0);
		sm += idx[j];
	}
	for (j = 0; j < m; j++)
		idx[j] = p->mult ? idx[j] * (double)m / sm : idx[j] - sm / (double)m;
	for (t = 0; t < win; t++) {
		j = (s0 + t) % m;
		x[t] = p->mult ? y[s0 + t] / idx[j] : y[s0 + t] - idx[j];
	}
}

struct ses_ctx {
	const double *x;
	size_t n;
};

static double ses_sse(const double *a, void *vctx)
{
	const struct ses_ctx *c = vctx;
	double l = c->x[0], sse = 0, e;
	size_t t;

	for (t = 1; t < c->n; t++) {
		e = c->x[t] - l;
		sse += e * e;
		l += a[0] * e;
	}
	return sse;
}

/* The adjusted series of y's window into x; returns its length. */
static size_t adjusted(const struct fc_theta *p, const double *y, size_t n, double *x,
		       double *idx, double *ws)
{
	size_t win = theta_window(n), s0 = n - win;

	if (p->m > 1)
		decompose(p, y, n, s0, idx, x, ws);
	else
		memcpy(x, y + s0, win * sizeof(*x));
	return win;
}

void fc_theta_fit(struct fc_theta *p, const double *y, size_t n, const size_t *seasons,
		  double *ws)
{
	size_t win = theta_window(n), s0 = n - win, i, best = 1, t;
	double *x = ws, *idx = ws + n, lo = 0.01, hi = 0.99, a = 0.5;
	struct ses_ctx c;
	int pos = 1;

	for (t = s0; t < n; t++)
		if (!(y[t] > 0))
			pos = 0;
	for (i = 0; i < 4 && seasons[i]; i++)
		if (seasons[i] > best && seasons[i] <= FC_MAX_PERIOD &&
		    seasonal_test(y + s0, win, seasons[i]))
			best = seasons[i];
	p->m = best;
	p->mult = pos;
	p->alpha = 0.5;
	win = adjusted(p, y, n, x, idx, ws + n + best);
	if (win < 3)
		return;
	c.x = x;
	c.n = win;
	fc_nelder_mead(ses_sse, &c, &a, &lo, &hi, 1, 40);
	p->alpha = a;
}

void fc_theta_forecast(const struct fc_theta *p, const double *y, size_t n, size_t h,
		       double *out, double *ws)
{
	struct fc_theta q = *p;
	double *x = ws, *idx = ws + n, l, sx = 0, st = 0, stt = 0, stx = 0, b = 0, a, tail;
	size_t win, t, j;

	if (q.m > 1 && theta_window(n) < 2 * q.m + 1)
		q.m = 1;	/* a prefix too short for its season (cross-validation) */
	win = adjusted(&q, y, n, x, idx, ws + n + q.m);
	a = q.alpha;
	l = x[0];
	for (t = 0; t < win; t++) {
		double tt = (double)t;

		if (t > 0)
			l += a * (x[t] - l);
		sx += x[t];
		st += tt;
		stt += tt * tt;
		stx += tt * x[t];
	}
	if (win > 1)
		b = ((double)win * stx - st * sx) / ((double)win * stt - st * st);
	tail = (1 - pow(1 - a, (double)win)) / a;
	for (j = 0; j < h; j++) {
		double f = l + 0.5 * b * ((double)j + tail);
		size_t ph = q.m > 1 ? (n + j) % q.m : 0;

		out[j] = q.m > 1 ? (q.mult ? f * idx[ph] : f + idx[ph]) : f;
	}
}
