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
	size_t i, j, kk = m && n / m < k ? n / m : k;

	if (m < 1 || kk < 1) {
		fc_naive(y, n, h, out);
		return;
	}
	/* hour n+i: the mean of the same phase over the last kk seasons */
	for (i = 0; i < h && i < m; i++) {
		double s = 0;

		for (j = 1; j <= kk; j++)
			s += y[n - j * m + i % m];
		out[i] = s / (double)kk;
	}
	for (; i < h; i++)
		out[i] = out[i % m];
}
