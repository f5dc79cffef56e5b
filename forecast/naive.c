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
