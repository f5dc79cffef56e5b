/*
 * Exponential smoothing in the ETS family with additive errors: level, an optional additive
 * or damped trend, an optional additive or multiplicative season (Holt-Winters). Smoothing
 * weights are fitted by least squares with Nelder-Mead; initial states come from the first
 * cycles by the classical heuristic (fitting them too would add m dimensions for little gain).
 * The form is chosen by AICc, as in Hyndman's ETS.
 */
#include "forecast/fc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The recent hours a form runs over: four seasons (at least four weeks of hours). */
static size_t ets_window(size_t n, size_t m)
{
	size_t w = m > 1 && 4 * m > 672 ? 4 * m : 672;

	return w < n ? w : n;
}

/*
 * Runs the filter over y[n-win..n) and returns the sum of squared one-step errors; with out,
 * also writes the h forecasts past the end. Returns HUGE_VAL when a multiplicative state
 * leaves the positive numbers.
 */
static double ets_run(const struct fc_ets *p, const double *y, size_t n, size_t h,
		      double *out)
{
	double s[FC_MAX_PERIOD], l, b = 0, sse = 0, a = p->alpha, be = p->beta, g = p->gamma;
	double phi = p->trend == FC_TREND_AD ? p->phi : 1;
	size_t m = p->season != FC_SEAS_N ? p->m : 1, win = p->win < n ? p->win : n;
	size_t s0 = n - win, t, j, ph;
	int mult = p->season == FC_SEAS_M, has_b = p->trend != FC_TREND_N;

	if (p->season != FC_SEAS_N) {
		double c1 = fc_mean(y + s0, m), c2 = fc_mean(y + s0 + m, m), sm = 0;

		b = has_b ? (c2 - c1) / (double)m : 0;
		for (j = 0; j < m; j++) {
			double off = b * ((double)j - (double)(m - 1) / 2);
			double v1 = y[s0 + j], v2 = y[s0 + m + j];

			ph = (s0 + j) % m;
			s[ph] = mult ? 0.5 * (v1 / (c1 + off) + v2 / (c2 + off))
				     : 0.5 * ((v1 - c1 - off) + (v2 - c2 - off));
			sm += s[ph];
		}
		/* a season shifts shape, not level: mean 0 (additive) or 1 (multiplicative) */
		for (j = 0; j < m; j++)
			s[j] = mult ? s[j] * (double)m / sm : s[j] - sm / (double)m;
		l = c1 - b * ((double)(m - 1) / 2) - b;
	} else {
		size_t k = win / 2 < 12 ? win / 2 : 12;

		if (has_b && k >= 1) {
			double c1 = fc_mean(y + s0, k), c2 = fc_mean(y + s0 + k, k);

			b = (c2 - c1) / (double)k;
			l = c1 - b * ((double)(k - 1) / 2) - b;
		} else {
			l = y[s0];
		}
		s[0] = mult ? 1 : 0;
	}
	ph = s0 % m;
	for (t = s0; t < n; t++) {
		double yt = y[t], f, lnew, e;

		f = mult ? (l + phi * b) * s[ph] : l + phi * b + s[ph];
		e = yt - f;
		sse += e * e;
		if (mult) {
			lnew = a * (yt / s[ph]) + (1 - a) * (l + phi * b);
			if (!(lnew > 1e-10))
				return HUGE_VAL;
			s[ph] = g * (yt / lnew) + (1 - g) * s[ph];
		} else {
			lnew = a * (yt - s[ph]) + (1 - a) * (l + phi * b);
			if (p->season == FC_SEAS_A)
				s[ph] = g * (yt - lnew) + (1 - g) * s[ph];
		}
		if (has_b)
			b = be * (lnew - l) + (1 - be) * phi * b;
		l = lnew;
		if (++ph == m)
			ph = 0;
	}
	if (out) {
		double damp = 0, pw = 1;

		for (j = 0; j < h; j++) {
			pw *= phi;
			damp += pw;
			out[j] = mult ? (l + damp * b) * s[ph] : l + damp * b + s[ph];
			if (++ph == m)
				ph = 0;
		}
	}
	return isfinite(sse) ? sse : HUGE_VAL;
}

struct fit_ctx {
	struct fc_ets *p;
	const double *y;
	size_t n;
};

static void unpack(struct fc_ets *p, const double *x)
{
	size_t k = 0;

	p->alpha = x[k++];
	if (p->trend != FC_TREND_N)
		p->beta = x[k++];
	if (p->season != FC_SEAS_N)
		p->gamma = x[k++];
	if (p->trend == FC_TREND_AD)
		p->phi = x[k++];
}

static double objective(const double *x, void *vctx)
{
	struct fit_ctx *c = vctx;

	unpack(c->p, x);
	return ets_run(c->p, c->y, c->n, 0, NULL);
}

int fc_ets_fit_one(struct fc_ets *p, const double *y, size_t n, int trend, int season,
		   size_t m)
{
	double x[4], lo[4], hi[4], sse, ms = 0;
	size_t dim = 0, k, N, i;
	struct fit_ctx c;

	memset(p, 0, sizeof(*p));
	p->trend = trend;
	p->season = season;
	p->m = season != FC_SEAS_N ? m : 1;
	p->phi = 1;
	p->win = ets_window(n, p->m);
	if (p->m > FC_MAX_PERIOD || p->win < 2 * p->m || p->win < 4)
		return -1;
	if (season == FC_SEAS_M)
		for (i = n - p->win; i < n; i++)
			if (!(y[i] > 0))
				return -1;
	x[dim] = 0.5, lo[dim] = 1e-4, hi[dim++] = 0.9999;
	if (trend != FC_TREND_N)
		x[dim] = 0.05, lo[dim] = 1e-4, hi[dim++] = 0.5;
	if (season != FC_SEAS_N)
		x[dim] = 0.1, lo[dim] = 1e-4, hi[dim++] = 0.9999;
	if (trend == FC_TREND_AD)
		x[dim] = 0.95, lo[dim] = 0.8, hi[dim++] = 0.98;
	c.p = p;
	c.y = y;
	c.n = n;
	sse = fc_nelder_mead(objective, &c, x, lo, hi, dim, 30 + 35 * dim);
	unpack(p, x);
	N = p->win;
	/* parameters: the weights and the initial states (level, trend, m - 1 seasonal) */
	k = dim + 1 + (trend != FC_TREND_N) + (season != FC_SEAS_N ? p->m - 1 : 0);
	for (i = n - N; i < n; i++)
		ms += y[i] * y[i];
	/* an exact fit must not be -inf: then the form with fewer parameters wins the tie */
	if (sse < 1e-24 * (ms + 1))
		sse = 1e-24 * (ms + 1);
	p->sse = sse;
	p->aicc = N > k + 1 && isfinite(sse)
		? (double)N * log(sse / (double)N) + 2.0 * (double)k
		  + 2.0 * (double)k * (double)(k + 1) / (double)(N - k - 1)
		: HUGE_VAL;
	return isfinite(p->aicc) ? 0 : -1;
}

void fc_ets_fit(struct fc_ets *p, const double *y, size_t n, const size_t *seasons)
{
	static const int forms[][2] = {
		{ FC_TREND_N, FC_SEAS_N }, { FC_TREND_A, FC_SEAS_N }, { FC_TREND_AD, FC_SEAS_N },
		{ FC_TREND_N, FC_SEAS_A }, { FC_TREND_AD, FC_SEAS_A },
		{ FC_TREND_N, FC_SEAS_M }, { FC_TREND_AD, FC_SEAS_M },
	};
	struct fc_ets cand;
	size_t i, k, m;
	int have = 0;

	/* every season in turn: AICc weighs a weekly season's 167 states against a daily one */
	for (k = 0; k == 0 || (k < 4 && seasons[k - 1] && seasons[k]); k++) {
		m = seasons[k] > 1 ? seasons[k] : 1;
		for (i = k ? 3 : 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
			if (forms[i][1] != FC_SEAS_N && m < 2)
				continue;
			if (fc_ets_fit_one(&cand, y, n, forms[i][0], forms[i][1], m) < 0)
				continue;
			if (!have || cand.aicc < p->aicc) {
				*p = cand;
				have = 1;
			}
		}
	}
	if (!have) {
		/* too short for any fit: simple exponential smoothing with a middling weight */
		memset(p, 0, sizeof(*p));
		p->trend = FC_TREND_N;
		p->season = FC_SEAS_N;
		p->m = 1;
		p->alpha = 0.5;
		p->phi = 1;
		p->win = n;
		p->aicc = HUGE_VAL;
	}
}

void fc_ets_forecast(const struct fc_ets *p, const double *y, size_t n, size_t h,
		     double *out)
{
	struct fc_ets q = *p;

	/* a shorter prefix than the fit saw: fall back to what it can still initialise */
	if (q.season != FC_SEAS_N && n < 2 * q.m)
		q.season = FC_SEAS_N;
	if (n < 2) {
		fc_naive(y, n, h, out);
		return;
	}
	if (ets_run(&q, y, n, h, out) == HUGE_VAL) {
		q.season = FC_SEAS_N;
		q.trend = FC_TREND_N;
		ets_run(&q, y, n, h, out);
	}
}

const char *fc_ets_name(const struct fc_ets *p, char *buf, size_t len)
{
	static const char *const tn[] = { "N", "A", "Ad" }, *const sn[] = { "N", "A", "M" };

	if (p->season != FC_SEAS_N)
		snprintf(buf, len, "ets(A,%s,%s%zu)", tn[p->trend], sn[p->season], p->m);
	else
		snprintf(buf, len, "ets(A,%s,N)", tn[p->trend]);
	return buf;
}
