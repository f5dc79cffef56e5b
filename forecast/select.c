/*
 * Fitting, rolling-origin cross-validation, the choice of `auto`, and conformal-style
 * intervals. Each candidate method is fitted once on the whole recent window; then, at each
 * origin a day apart over the last four weeks, it forecasts from the prefix with those
 * parameters (its states re-run, seasonal profiles re-estimated), and its signed errors
 * against what was observed are kept. `auto` keeps the candidate, or the mean of the best
 * k, or the median of all, whose errors are smallest; the kept errors, pooled by horizon band, give the
 * quantiles around the final forecast.
 */
#include "forecast/select.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { K_NAIVE, K_SNAIVE, K_SMEAN, K_SLEVEL, K_ETS, K_THETA, K_MSTL };

#define MAX_CAND 16
#ifndef FC_SHORT
#define FC_SHORT 672.0
#endif
#ifndef FC_WIDEN
#define FC_WIDEN 1.0
#endif

struct cand {
	int kind;
	size_t m;		/* K_SNAIVE's season */
	int theta;		/* K_MSTL: trend and remainder by Theta */
	struct fc_ets ets;
	struct fc_theta th;
	struct fc_mstl ms;
	double score;		/* cross-validated mean absolute error */
	char name[32];
};

static size_t longest(const struct fc_series *s)
{
	size_t i, m = 1;

	for (i = 0; i < s->ns; i++)
		if (s->seasons[i] > m)
			m = s->seasons[i];
	return m;
}

static void cand_fit(struct cand *c, const struct fc_series *s, double *ws)
{
	size_t seas[4] = { 0, 0, 0, 0 }, i;

	for (i = 0; i < s->ns; i++)
		seas[i] = s->seasons[i];
	switch (c->kind) {
	case K_ETS:
		fc_ets_fit(&c->ets, s->x, s->n, seas);
		break;
	case K_THETA:
		fc_theta_fit(&c->th, s->x, s->n, seas, ws);
		break;
	case K_MSTL:
		fc_mstl_fit(&c->ms, s->x, s->n, s->seasons, s->ns, c->theta, ws);
		break;
	default:
		break;
	}
}

static void cand_forecast(const struct cand *c, const double *x, size_t n, size_t h,
			  double *out, double *ws)
{
	switch (c->kind) {
	case K_SNAIVE:
		fc_snaive(x, n, c->m, h, out);
		break;
	case K_SMEAN:
		fc_smean(x, n, c->m, c->m >= 168 ? 5 : 10, h, out);
		break;
	case K_SLEVEL:
		fc_slevel(x, n, c->m, c->m >= 168 ? 5 : 10, h, out);
		break;
	case K_ETS:
		fc_ets_forecast(&c->ets, x, n, h, out);
		break;
	case K_THETA:
		fc_theta_forecast(&c->th, x, n, h, out, ws);
		break;
	case K_MSTL:
		fc_mstl_forecast(&c->ms, x, n, h, out, ws);
		break;
	default:
		fc_naive(x, n, h, out);
		break;
	}
}

static void add(struct cand *v, size_t *nc, int kind, size_t m, int theta, const char *name)
{
	struct cand *c = &v[(*nc)++];

	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->m = m;
	c->theta = theta;
	snprintf(c->name, sizeof(c->name), "%s", name);
}

/* The candidates for the requested method, given the seasons the history supports. */
static size_t candidates(struct cand *v, const struct fc_series *s, char *note, size_t nlen)
{
	size_t nc = 0, i, m = longest(s);
	char name[32];
	int has24 = 0, has168 = 0;

	for (i = 0; i < s->ns; i++) {
		has24 |= s->seasons[i] == 24;
		has168 |= s->seasons[i] == 168;
	}
	switch (s->method) {
	case FORECAST_NAIVE:
		add(v, &nc, K_NAIVE, 1, 0, "naive");
		break;
	case FORECAST_SNAIVE24:
	case FORECAST_SNAIVE168:
	case FORECAST_SNAIVE: {
		size_t want = s->method == FORECAST_SNAIVE24 ? 24
			: s->method == FORECAST_SNAIVE168 ? 168 : m;

		if (want > 1 && (want == m || (want == 24 && has24) || (want == 168 && has168))) {
			snprintf(name, sizeof(name), "snaive%zu", want);
			add(v, &nc, K_SNAIVE, want, 0, name);
		} else {
			add(v, &nc, K_NAIVE, 1, 0, "naive");
			snprintf(note + strlen(note), nlen - strlen(note), "%sno usable season for "
				 "seasonal naive: used the last value", note[0] ? "; " : "");
		}
		break;
	}
	case FORECAST_ETS:
		add(v, &nc, K_ETS, 1, 0, "ets");
		break;
	case FORECAST_THETA:
		add(v, &nc, K_THETA, 1, 0, "theta");
		break;
	case FORECAST_MSTL:
	case FORECAST_MSTL_THETA:
		add(v, &nc, K_MSTL, 1, s->method == FORECAST_MSTL_THETA,
		    s->method == FORECAST_MSTL_THETA ? "mstl-theta" : "mstl");
		break;
	default:
		add(v, &nc, K_NAIVE, 1, 0, "naive");
		if (s->ns > 0) {
			for (i = 0; i < s->ns; i++) {
				snprintf(name, sizeof(name), "snaive%zu", s->seasons[i]);
				add(v, &nc, K_SNAIVE, s->seasons[i], 0, name);
				snprintf(name, sizeof(name), "smedian%zu", s->seasons[i]);
				add(v, &nc, K_SMEAN, s->seasons[i], 0, name);
				snprintf(name, sizeof(name), "slevel%zu", s->seasons[i]);
				add(v, &nc, K_SLEVEL, s->seasons[i], 0, name);
			}
		}
		add(v, &nc, K_ETS, 1, 0, "ets");
		add(v, &nc, K_THETA, 1, 0, "theta");
		if (s->ns) {
			add(v, &nc, K_MSTL, 1, 0, "mstl");
			add(v, &nc, K_MSTL, 1, 1, "mstl-theta");
		}
		break;
	}
	return nc;
}

#define MEDIAN_ALL ((size_t)-1)

/* The median over the n arrays a[i * stride + j] at j (NAN when any is NAN); v: n doubles. */
static double median_of(const double *a, size_t n, size_t stride, size_t j, double *v)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		double x = a[i * stride + j];

		if (isnan(x))
			return NAN;
		for (k = i; k > 0 && v[k - 1] > x; k--)
			v[k] = v[k - 1];
		v[k] = x;
	}
	return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The cross-validated error of e[o * hcv + h] (NAN = none): its mean absolute value. */
static double cv_score(const double *e, size_t norig, size_t hcv)
{
	double sum = 0;
	size_t i, cnt = 0;

	for (i = 0; i < norig * hcv; i++)
		if (!isnan(e[i])) {
			sum += fabs(e[i]);
			cnt++;
		}
	return cnt ? sum / (double)cnt : HUGE_VAL;
}

/* Quantile levels, in the order of the result's arrays after mean. */
static const double levels[5] = { 0.10, 0.50, 0.90, 0.025, 0.975 };

/* Horizon bands [band_lo(b), band_lo(b + 1)): 0-3, 4-7, 8-15, 16-31, ... */
static size_t band_lo(size_t b)
{
	return b == 0 ? 0 : (size_t)4 << (b - 1);
}

static size_t band_of(size_t h)
{
	size_t b = 0;

	while (band_lo(b + 1) <= h)
		b++;
	return b;
}

/*
 * Offsets off[b][q] of each band from the errors err[o * hcv + h] (NAN = none), with the
 * finite-sample correction of split conformal prediction. Bands with fewer than 8 errors
 * borrow the band before, widened by the square root of the horizon ratio. The spread about
 * the median is then widened for correlated origins (below); upper offsets never shrink with
 * the horizon nor lower ones grow.
 */
static void band_offsets(double (*off)[5], size_t nb, const double *err, size_t norig,
			 size_t hcv, size_t step, double c, double *tmp)
{
	double wb[64];
	size_t b, o, h, k, q;

	for (b = 0; b < nb && b < 64; b++) {
		size_t lo = band_lo(b), hi = band_lo(b + 1) < hcv ? band_lo(b + 1) : hcv, nob = 0;
		double neff, span = (double)(lo + hi) / 2 + 1;

		k = 0;
		for (o = 0; o < norig; o++) {
			size_t k0 = k;

			for (h = lo; h < hi; h++)
				if (!isnan(err[o * hcv + h]))
					tmp[k++] = err[o * hcv + h];
			nob += k > k0;
		}
		/*
		 * Errors of nearby origins are correlated: at horizon h, origins step hours apart
		 * share all but step of their hours, so nob origins hold about nob * step / h
		 * independent errors, and raw quantiles of few of them under-cover. The spread
		 * about the median is widened by 1 + c / sqrt(that number).
		 */
		neff = (double)nob * (double)step / (span > (double)step ? span : (double)step);
		wb[b] = 1 + c / sqrt(neff > 1 ? neff : 1);
		if (k < 8 && b > 0) {
			double r = sqrt(((double)lo + (double)hi) / ((double)band_lo(b - 1) + (double)lo));

			wb[b] = wb[b - 1];
			for (q = 0; q < 5; q++)
				off[b][q] = off[b - 1][q] * (q == 1 ? 1 : r);
			continue;
		}
		if (k == 0) {
			for (q = 0; q < 5; q++)
				off[b][q] = 0;
			continue;
		}
		qsort(tmp, k, sizeof(*tmp), fc_cmp_double);
		for (q = 0; q < 5; q++) {
			double lv = levels[q], adj = (double)(k + 1) / (double)k;

			if (lv > 0.5)
				lv = 1 - (1 - lv) * adj < 0.5 ? 0.5 : 1 - (1 - lv) * adj;
			else if (lv < 0.5)
				lv = lv * adj > 0.5 ? 0.5 : lv * adj;
			lv = lv < 0 ? 0 : lv > 1 ? 1 : lv;
			off[b][q] = fc_quantile(tmp, k, lv);
		}
	}
	for (b = 0; b < nb && b < 64; b++)
		for (q = 0; q < 5; q++)
			if (q != 1)
				off[b][q] = off[b][1] + (off[b][q] - off[b][1]) * wb[b];
	for (b = 1; b < nb; b++) {
		if (off[b][2] < off[b - 1][2])
			off[b][2] = off[b - 1][2];
		if (off[b][4] < off[b - 1][4])
			off[b][4] = off[b - 1][4];
		if (off[b][0] > off[b - 1][0])
			off[b][0] = off[b - 1][0];
		if (off[b][3] > off[b - 1][3])
			off[b][3] = off[b - 1][3];
	}
}

/* Intervals with no cross-validation at all: in-sample lag-one changes, grown as sqrt(h). */
static void fallback_offsets(double (*off)[5], size_t nb, const double *x, size_t n,
			     double *tmp)
{
	size_t i, k = 0, b, q;

	/* a change up is as likely as one down: both signs, so the interval holds the forecast */
	for (i = 1; i < n; i++) {
		tmp[k++] = x[i] - x[i - 1];
		tmp[k++] = x[i - 1] - x[i];
	}
	if (k == 0)
		tmp[k++] = 0;
	qsort(tmp, k, sizeof(*tmp), fc_cmp_double);
	for (b = 0; b < nb; b++) {
		double r = sqrt((double)band_lo(b + 1) / 2.0);

		for (q = 0; q < 5; q++)
			off[b][q] = fc_quantile(tmp, k, levels[q]) * (q == 1 ? 1 : r);
	}
}

int fc_select_run(struct forecast_result *r, const struct fc_series *s, struct err *e)
{
	struct cand cv[MAX_CAND];
	size_t nc, i, j, o, h, norig = 0, hcv, step, minfit, best = 0, order[MAX_CAND], nb;
	size_t m = longest(s), origin[FC_CV_LOOKBACK], ncombo = 0, k;
	double *ws = NULL, *err = NULL, *fc = NULL, *tmp = NULL, (*off)[5] = NULL;
	double combo_score = HUGE_VAL;
	int rc = 0, use_combo = 0;

	nc = candidates(cv, s, r->note, sizeof(r->note));
	hcv = s->horizon < FC_CV_MAXH ? s->horizon : FC_CV_MAXH;
	/* origins a day apart, each leaving enough history to fit the longest season twice */
	minfit = 2 * m + 1 > 24 ? 2 * m + 1 : 24;
	if (minfit > s->n / 2 && s->n >= 8)
		minfit = s->n / 2 > 2 * m ? s->n / 2 : 2 * m;
	step = s->n > minfit + 4 * FC_CV_STEP ? FC_CV_STEP : 1 + (s->n > minfit ? (s->n - minfit) / 8 : 0);
	for (o = s->n; o > step && o - step >= minfit && norig < FC_CV_LOOKBACK / FC_CV_STEP;)
		origin[norig++] = (o -= step);
	nb = band_of(s->horizon > hcv ? s->horizon - 1 : hcv - 1) + 2;
	ws = malloc((8 * s->n + 4 * FC_MAX_PERIOD + 64) * sizeof(*ws));
	err = malloc(((nc + 1) * norig * hcv + 1) * sizeof(*err));
	fc = malloc((s->horizon + hcv + 1) * sizeof(*fc));
	tmp = malloc((norig * hcv + 2 * s->n + nc * s->horizon + 1) * sizeof(*tmp));
	off = malloc(nb * sizeof(*off));
	if (!ws || !err || !fc || !tmp || !off) {
		rc = err_nomem(e);
		goto out;
	}
	for (i = 0; i < nc; i++) {
		cand_fit(&cv[i], s, ws);
		for (j = 0; j < norig; j++) {
			double *ej = err + (i * norig + j) * hcv;

			o = origin[j];
			cand_forecast(&cv[i], s->x, o, hcv, fc, ws);
			for (h = 0; h < hcv; h++)
				ej[h] = o + h < s->n ? s->obs[o + h] - fc[h] : NAN;
		}
		cv[i].score = cv_score(err + i * norig * hcv, norig, hcv);
		order[i] = i;
	}
	/* rank by score (insertion sort: a handful of candidates) */
	for (i = 1; i < nc; i++)
		for (j = i; j > 0 && cv[order[j]].score < cv[order[j - 1]].score; j--) {
			size_t t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	best = order[0];
	/*
	 * Combinations: the mean of the best k for every k from 2 up. Its error is the mean of
	 * their errors, so no forecast is re-run; the smallest cross-validated error wins.
	 */
	for (k = 2; k <= nc && norig > 0; k++) {
		double *ec = err + nc * norig * hcv, sc;

		for (j = 0; j < norig * hcv; j++) {
			double v = 0;

			for (i = 0; i < k; i++)
				v += err[order[i] * norig * hcv + j];
			ec[j] = v / (double)k;
		}
		sc = cv_score(ec, norig, hcv);
		if (sc < combo_score) {
			combo_score = sc;
			ncombo = k;
		}
	}
	/* and the median of all candidates: robust when one of them goes astray */
	if (nc >= 3 && norig > 0) {
		double *ec = err + nc * norig * hcv, sc, v[MAX_CAND];

		for (j = 0; j < norig * hcv; j++)
			ec[j] = median_of(err, nc, norig * hcv, j, v);
		sc = cv_score(ec, norig, hcv);
		if (sc < combo_score) {
			combo_score = sc;
			ncombo = MEDIAN_ALL;
		}
	}
	use_combo = ncombo > 0 && combo_score < cv[best].score;
	if (use_combo) {
		double *ec = err + nc * norig * hcv, v[MAX_CAND];

		for (j = 0; j < norig * hcv; j++) {
			double a = 0;

			if (ncombo == MEDIAN_ALL) {
				ec[j] = median_of(err, nc, norig * hcv, j, v);
				continue;
			}
			for (i = 0; i < ncombo; i++)
				a += err[order[i] * norig * hcv + j];
			ec[j] = a / (double)ncombo;
		}
	}
	/* the final forecast, from the whole series */
	if (use_combo && ncombo == MEDIAN_ALL) {
		double *all = tmp, v[MAX_CAND];

		/* the median of every candidate's forecast, hour by hour (tmp is free here) */
		for (i = 0; i < nc; i++)
			cand_forecast(&cv[i], s->x, s->n, s->horizon, all + i * s->horizon, ws);
		for (h = 0; h < s->horizon; h++)
			r->mean[h] = median_of(all, nc, s->horizon, h, v);
	} else {
		for (h = 0; h < s->horizon; h++)
			r->mean[h] = 0;
		for (i = 0; i < (use_combo ? ncombo : 1); i++) {
			cand_forecast(&cv[use_combo ? order[i] : best], s->x, s->n, s->horizon, fc,
				      ws);
			for (h = 0; h < s->horizon; h++)
				r->mean[h] += fc[h] / (double)(use_combo ? ncombo : 1);
		}
	}
	if (use_combo) {
		if (ncombo == MEDIAN_ALL)
			snprintf(r->method, sizeof(r->method), "auto:median-of-all");
		else if (ncombo == nc)
			snprintf(r->method, sizeof(r->method), "auto:mean-of-all");
		else
			snprintf(r->method, sizeof(r->method), "auto:mean-of-%zu:%s", ncombo,
				 cv[order[0]].name);
	} else if (s->method == FORECAST_AUTO) {
		snprintf(r->method, sizeof(r->method), "auto:%s", cv[best].name);
	} else if (cv[best].kind == K_ETS) {
		fc_ets_name(&cv[best].ets, r->method, sizeof(r->method));
	} else if (cv[best].kind == K_THETA && cv[best].th.m > 1) {
		/* the seasonality test's verdict: which season was taken out, and how */
		snprintf(r->method, sizeof(r->method), "theta(%s%zu)", cv[best].th.mult ? "M" : "A",
			 cv[best].th.m);
	} else {
		snprintf(r->method, sizeof(r->method), "%s", cv[best].name);
	}
	if (norig > 0) {
		/*
		 * A short history's origins have seen fewer of the series' moods than four weeks
		 * would: its errors are widened more, up to twice as much for the shortest.
		 */
		double c = FC_WIDEN * (s->n < FC_SHORT ? 2 - (double)s->n / FC_SHORT : 1);

		band_offsets(off, nb, err + (use_combo ? nc : best) * norig * hcv, norig, hcv, step,
			     c, tmp);
	}
	else
		fallback_offsets(off, nb, s->x, s->n, tmp);
	for (h = 0; h < s->horizon; h++) {
		double *qs[5] = { r->p10, r->p50, r->p90, r->lo95, r->hi95 }, grow = 1;
		size_t b = band_of(h < hcv ? h : hcv - 1), q;

		/* past the cross-validated horizon errors keep growing like a random walk's */
		if (h >= hcv)
			grow = sqrt((double)(h + 1) / (double)hcv);
		for (q = 0; q < 5; q++)
			qs[q][h] = r->mean[h] + off[b][q] * (q == 1 ? 1 : grow);
	}
	if (norig == 0) {
		size_t len = strlen(r->note);

		snprintf(r->note + len, sizeof(r->note) - len, "%shistory of %zu hours is too short to "
			 "measure errors: intervals from hour-to-hour changes", len ? "; " : "", s->n);
	}
out:
	free(ws);
	free(err);
	free(fc);
	free(tmp);
	free(off);
	return rc;
}
