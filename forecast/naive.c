/* The baselines every other method must beat: the last value, and the value a season back. */
#include "forecast/fc.h"

void fc_naive(const double *y, size_t n, size_t h, double *out)
{
	size_t i;

	for (i = 0; i < h; i++)
		out[i] = y[n - 1];
}

void fc_snaive(const double *y, size_t n, size_t m, size_t h, double *out)
{
	size_t i;

	if (m < 1 || m > n) {
		fc_naive(y, n, h, out);
		return;
	}
	/* hour n+i repeats hour n-m+(i mod m): the last season, over and over */
	for (i = 0; i < h; i++)
		out[i] = y[n - m + i % m];
}

void fc_smean(const double *y, size_t n, size_t m, size_t k, size_t h, double *out)
{
	double v[16];
	size_t i, j, kk = m && n / m < k ? n / m : k;

	if (kk > 16)
		kk = 16;
	if (m < 1 || kk < 1) {
		fc_naive(y, n, h, out);
		return;
	}
	/* hour n+i: the median of the same phase over the last kk seasons (a dropout or a
	 * burst in one of them does not move it) */
	for (i = 0; i < h && i < m; i++) {
		for (j = 0; j < kk; j++) {
			size_t a = j;
			double x = y[n - (j + 1) * m + i % m];

			while (a > 0 && v[a - 1] > x) {
				v[a] = v[a - 1];
				a--;
			}
			v[a] = x;
		}
		out[i] = kk % 2 ? v[kk / 2] : 0.5 * (v[kk / 2 - 1] + v[kk / 2]);
	}
	for (; i < h; i++)
		out[i] = out[i % m];
}

void fc_slevel(const double *y, size_t n, size_t m, size_t k, size_t h, double *out)
{
	fc_slevel_n(y, n, m, k, 24, h, out);
}

void fc_slevel_n(const double *y, size_t n, size_t m, size_t k, size_t nlev, size_t h,
		 double *out)
{
	double p[FC_MAX_PERIOD], v[16], c[16], lvl = 0;
	size_t i, j, kk = m && n / m < k ? n / m : k, nl;

	if (kk > 16)
		kk = 16;
	if (m < 2 || m > FC_MAX_PERIOD || kk < 1) {
		fc_naive(y, n, h, out);
		return;
	}
	for (j = 0; j < kk; j++)
		c[j] = fc_mean(y + n - (j + 1) * m, m);
	/* the shape: each phase's median deviation from its cycle's mean */
	for (i = 0; i < m; i++) {
		for (j = 0; j < kk; j++) {
			size_t a = j;
			double x = y[n - (j + 1) * m + i] - c[j];

			while (a > 0 && v[a - 1] > x) {
				v[a] = v[a - 1];
				a--;
			}
			v[a] = x;
		}
		p[i] = kk % 2 ? v[kk / 2] : 0.5 * (v[kk / 2 - 1] + v[kk / 2]);
	}
	/* the level: the last nlev hours with the shape taken out, so a shift shows soon */
	nl = n < nlev ? n : nlev;
	if (nl < 1)
		nl = 1;
	/* hour i's phase: p[0] is hour n - m's, and nl may reach back past it */
	for (i = n - nl; i < n; i++)
		lvl += y[i] - p[(i + m - n % m) % m];
	lvl /= (double)nl;
	for (i = 0; i < h; i++)
		out[i] = lvl + p[i % m];
}
