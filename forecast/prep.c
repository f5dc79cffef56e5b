/*
 * Making real usage forecastable: gaps filled from the same hour a week or a day before
 * (the best guess of a seasonal series), one-off spikes replaced by their neighbours so
 * that a single burst does not become next week's forecast, and small numeric helpers.
 */
#include "forecast/fc.h"

#include <math.h>
#include <stdlib.h>

void fc_fill_gaps(double *y, size_t n, size_t m_long)
{
	double last = NAN;
	size_t i, j, k;

	for (i = 0; i < n; i++)
		if (!isnan(y[i])) {
			last = y[i];
			break;
		}
	for (i = 0; i < n; i++) {
		if (!isnan(y[i])) {
			last = y[i];
			continue;
		}
		for (j = i; j < n && isnan(y[j]); j++)
			;
		/* a few missing hours between two observed ones: a straight line across */
		if (i > 0 && j < n && j - i <= 3) {
			for (k = i; k < j; k++)
				y[k] = y[i - 1] + (y[j] - y[i - 1]) * (double)(k - i + 1)
				       / (double)(j - i + 1);
			i = j - 1;
			continue;
		}
		/* longer gaps: the same hour a week (else a day) before; filled in order, so a
		 * week-long gap still copies a filled week */
		for (k = i; k < j; k++) {
			if (m_long > 1 && k >= m_long)
				y[k] = y[k - m_long];
			else if (k >= 24 && m_long >= 24)
				y[k] = y[k - 24];
			else
				y[k] = last;
			if (isnan(y[k]))
				y[k] = last;
		}
		i = j - 1;
	}
}

static double median_small(double *v, size_t k)
{
	qsort(v, k, sizeof(*v), fc_cmp_double);
	return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

void fc_clean_spikes(double *y, size_t n, const size_t *seasons)
{
	double *d, s, v[6];
	size_t i, k, nd = 0;

	(void)seasons;
	if (n < 8 || (d = malloc(n * sizeof(*d))) == NULL)
		return;	/* cleaning is a refinement: without memory the series stays as it is */
	for (i = 1; i < n; i++)
		d[nd++] = fabs(y[i] - y[i - 1]);
	s = 1.4826 * median_small(d, nd);
	free(d);
	if (!(s > 0))
		return;
	/*
	 * A spike stands far out from both hours beside it, in the same direction, and from
	 * the same hour a day before and after. A level shift moves its neighbours too, so it is
	 * left alone; the last hour is never touched (it may be the start of a new level).
	 */
	for (i = 1; i + 1 < n; i++) {
		double a = y[i] - y[i - 1], b = y[i] - y[i + 1], med;

		if (fabs(a) < 8 * s || fabs(b) < 8 * s || (a > 0) != (b > 0))
			continue;
		k = 0;
		v[k++] = y[i - 1];
		v[k++] = y[i + 1];
		if (i >= 24)
			v[k++] = y[i - 24];
		if (i + 24 < n)
			v[k++] = y[i + 24];
		med = median_small(v, k);
		if (fabs(y[i] - med) > 8 * s)
			y[i] = med;
	}
}

double fc_mean(const double *y, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += y[i];
	return n ? s / (double)n : 0;
}

void fc_centred_ma(const double *y, size_t n, size_t m, double *out)
{
	size_t i, half = m / 2;
	double s = 0;

	for (i = 0; i < n; i++)
		out[i] = NAN;
	if (m < 2 || n < m + 1) {
		if (m < 2)
			for (i = 0; i < n; i++)
				out[i] = y[i];
		return;
	}
	if (m % 2) {
		for (i = 0; i < m; i++)
			s += y[i];
		for (i = half; ; i++) {
			out[i] = s / (double)m;
			if (i + half + 1 >= n)
				break;
			s += y[i + half + 1] - y[i - half];
		}
		return;
	}
	/* even m: the 2 x m average, half weights at both ends of an m+1 window */
	for (i = 0; i <= m; i++)
		s += y[i];
	for (i = half; ; i++) {
		out[i] = (s - 0.5 * (y[i - half] + y[i + half])) / (double)m;
		if (i + half + 1 >= n)
			break;
		s += y[i + half + 1] - y[i - half];
	}
}

int fc_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double fc_quantile(const double *v, size_t n, double q)
{
	double pos;
	size_t i;

	if (n == 0)
		return 0;
	pos = q * (double)(n - 1);
	if (pos <= 0)
		return v[0];
	i = (size_t)pos;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (pos - (double)i) * (v[i + 1] - v[i]);
}

/*
 * The hour where the level last moved for good, or 0. Daily means are taken on days that end
 * at y[n-1]; a break between day j (0 = the last) and j + 1 needs every one of the at least
 * FC_BREAK_DAYS days after it on one side of every one of up to seven days before it (a
 * weekly rhythm or one odd day does not pass that), and the medians of the two sides apart
 * by more than FC_BREAK_K day-to-day changes and FC_BREAK_REL of the level before.
 */
size_t fc_last_break(const double *y, size_t n)
{
	double d[64], v[64], dd[64], sig, lo, hi;
	size_t nd = n / 24, j, i, a, b;

	if (nd > 64)
		nd = 64;
	if (nd < FC_BREAK_DAYS + 3)
		return 0;
	for (j = 0; j < nd; j++)
		d[j] = fc_mean(y + n - 24 * (j + 1), 24);
	for (j = 0; j + 1 < nd; j++)
		dd[j] = fabs(d[j] - d[j + 1]);
	qsort(dd, nd - 1, sizeof(*dd), fc_cmp_double);
	sig = 1.4826 * fc_quantile(dd, nd - 1, 0.5);
	for (j = FC_BREAK_DAYS - 1; j + 3 < nd && j < 21; j++) {
		double after, before, lo_a = HUGE_VAL, hi_a = -HUGE_VAL;

		b = j + 1 + 7 < nd ? j + 1 + 7 : nd;
		lo = HUGE_VAL;
		hi = -HUGE_VAL;
		for (i = 0; i <= j; i++) {
			v[i] = d[i];
			lo_a = d[i] < lo_a ? d[i] : lo_a;
			hi_a = d[i] > hi_a ? d[i] : hi_a;
		}
		qsort(v, j + 1, sizeof(*v), fc_cmp_double);
		after = fc_quantile(v, j + 1, 0.5);
		for (a = 0, i = j + 1; i < b; i++, a++) {
			v[a] = d[i];
			lo = d[i] < lo ? d[i] : lo;
			hi = d[i] > hi ? d[i] : hi;
		}
		qsort(v, a, sizeof(*v), fc_cmp_double);
		before = fc_quantile(v, a, 0.5);
		if (!(lo_a > hi || hi_a < lo))
			continue;
		/* a step, not a ramp or a restless stretch: the gap between the two sides is
		 * wider than the spread within either */
		if ((lo_a > hi ? lo_a - hi : lo - hi_a) < FC_BREAK_SEP *
		    (hi - lo > hi_a - lo_a ? hi - lo : hi_a - lo_a))
			continue;
		if (fabs(after - before) > FC_BREAK_K * sig &&
		    fabs(after - before) > FC_BREAK_REL * fabs(before))
			return n - 24 * (j + 1);
	}
	return 0;
}
