/*
 * Multiple seasonal decomposition in the spirit of MSTL: hourly usage has a daily and a
 * weekly cycle, and no single Holt-Winters season holds both. Each season in turn is taken
 * out of the series less the other seasons, as the recency-weighted mean of each phase of its
 * detrended values (a centred moving average of one period is the trend); two passes let
 * the two seasons settle. The adjusted series (trend + remainder) is forecast by
 * nonseasonal ETS or by Theta, and the seasons are added back.
 */
#include "forecast/fc.h"

#include <math.h>
#include <string.h>

/* The memory of the seasonal profiles, in hours: recent weeks count most. */
#ifndef MSTL_MEMORY
#define MSTL_MEMORY 504.0
#endif
#define MSTL_PASSES 2

static size_t mstl_window(size_t n)
{
	return n < FC_WINDOW ? n : FC_WINDOW;
}

/*
 * Decomposes y's window: the profiles go to prof (periods laid end to end), the adjusted
 * series to adj[0..win). ws: 3 * win + max period doubles. Returns win.
 */
static size_t decompose(const struct fc_mstl *p, const double *y, size_t n, double *prof,
			double *adj, double *ws)
{
	size_t win = mstl_window(n), s0 = n - win, off[4], tot = 0, it, i, j, t;
	double *x = ws, *ma = ws + win, *wsum = ws + 2 * win;

	for (i = 0; i < p->np; i++) {
		off[i] = tot;
		tot += p->periods[i];
	}
	for (j = 0; j < tot; j++)
		prof[j] = 0;
	for (it = 0; it < MSTL_PASSES; it++) {
		for (i = 0; i < p->np; i++) {
			size_t m = p->periods[i];
			double *s = prof + off[i], lam = exp(-(double)m / MSTL_MEMORY), w, sm = 0;

			if (win < 2 * m + 1)
				continue;
			for (t = 0; t < win; t++) {
				double v = y[s0 + t];
				size_t q;

				for (q = 0; q < p->np; q++)
					if (q != i)
						v -= prof[off[q] + (s0 + t) % p->periods[q]];
				x[t] = v;
			}
			fc_centred_ma(x, win, m, ma);
			for (j = 0; j < m; j++)
				s[j] = wsum[j] = 0;
			/* walk back from the end a cycle at a time; each older cycle weighs lam less */
			w = 1;
			for (t = win; t-- > 0;) {
				if ((win - 1 - t) % m == 0 && t != win - 1)
					w *= lam;
				if (isnan(ma[t]))
					continue;
				j = (s0 + t) % m;
				s[j] += w * (x[t] - ma[t]);
				wsum[j] += w;
			}
			for (j = 0; j < m; j++) {
				s[j] = wsum[j] > 0 ? s[j] / wsum[j] : 0;
				sm += s[j];
			}
			for (j = 0; j < m; j++)
				s[j] -= sm / (double)m;
		}
	}
	for (t = 0; t < win; t++) {
		double v = y[s0 + t];

		for (i = 0; i < p->np; i++)
			v -= prof[off[i] + (s0 + t) % p->periods[i]];
		adj[t] = v;
	}
	return win;
}

static size_t total_periods(const struct fc_mstl *p)
{
	size_t i, tot = 0;

	for (i = 0; i < p->np; i++)
		tot += p->periods[i];
	return tot;
}

void fc_mstl_fit(struct fc_mstl *p, const double *y, size_t n, const size_t *periods,
		 size_t np, int use_theta, double *ws)
{
	static const size_t none[4] = { 0, 0, 0, 0 };
	size_t i, win = mstl_window(n), tot;
	double *prof, *adj, *rest;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < np && p->np < 4; i++)
		if (periods[i] > 1 && periods[i] <= FC_MAX_PERIOD && win >= 2 * periods[i] + 1)
			p->periods[p->np++] = periods[i];
	p->use_theta = use_theta;
	tot = total_periods(p);
	prof = ws;
	adj = ws + tot;
	rest = adj + win;
	win = decompose(p, y, n, prof, adj, rest);
	if (use_theta)
		fc_theta_fit(&p->theta, adj, win, none, rest);
	else
		fc_ets_fit(&p->ets, adj, win, none);
}

void fc_mstl_forecast(const struct fc_mstl *p, const double *y, size_t n, size_t h,
		      double *out, double *ws)
{
	size_t tot = total_periods(p), win = mstl_window(n), i, j, off;
	double *prof = ws, *adj = ws + tot, *rest = adj + win;

	win = decompose(p, y, n, prof, adj, rest);
	if (p->use_theta)
		fc_theta_forecast(&p->theta, adj, win, h, out, rest);
	else
		fc_ets_forecast(&p->ets, adj, win, h, out);
	for (j = 0; j < h; j++) {
		off = 0;
		for (i = 0; i < p->np; i++) {
			out[j] += prof[off + (n + j) % p->periods[i]];
			off += p->periods[i];
		}
	}
}
