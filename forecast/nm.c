/*
 * Nelder-Mead simplex search in a box. The smoothing weights live in [0, 1], so points are
 * clamped into the box rather than penalised: the objective is always evaluated at a
 * feasible point and the simplex can slide along a bound.
 */
#include "forecast/fc.h"

#include <string.h>

#define NM_MAXDIM 6

static void clamp(double *x, const double *lo, const double *hi, size_t dim)
{
	size_t i;

	for (i = 0; i < dim; i++)
		x[i] = x[i] < lo[i] ? lo[i] : x[i] > hi[i] ? hi[i] : x[i];
}

double fc_nelder_mead(fc_objective f, void *ctx, double *x, const double *lo,
		      const double *hi, size_t dim, size_t maxeval)
{
	double p[NM_MAXDIM + 1][NM_MAXDIM], fv[NM_MAXDIM + 1];
	double c[NM_MAXDIM], xr[NM_MAXDIM], xe[NM_MAXDIM], fr, fe;
	size_t i, j, nev = 0, best, worst, second;

	if (dim == 0 || dim > NM_MAXDIM)
		return f(x, ctx);
	clamp(x, lo, hi, dim);
	for (i = 0; i <= dim; i++) {
		memcpy(p[i], x, dim * sizeof(double));
		if (i > 0) {
			double step = 0.1 * (hi[i - 1] - lo[i - 1]);

			/* step inward when the start sits on the upper bound */
			p[i][i - 1] += p[i][i - 1] + step > hi[i - 1] ? -step : step;
		}
		clamp(p[i], lo, hi, dim);
		fv[i] = f(p[i], ctx);
		nev++;
	}
	while (nev < maxeval) {
		best = worst = 0;
		for (i = 1; i <= dim; i++) {
			if (fv[i] < fv[best])
				best = i;
			if (fv[i] > fv[worst])
				worst = i;
		}
		second = best;
		for (i = 0; i <= dim; i++)
			if (i != worst && fv[i] > fv[second])
				second = i;
		/* converged: the simplex values agree to a relative 1e-10 */
		if (fv[worst] - fv[best] <= 1e-10 * (fv[best] < 0 ? -fv[best] : fv[best]) + 1e-300)
			break;
		for (j = 0; j < dim; j++) {
			c[j] = 0;
			for (i = 0; i <= dim; i++)
				if (i != worst)
					c[j] += p[i][j];
			c[j] /= (double)dim;
			xr[j] = c[j] + (c[j] - p[worst][j]);
		}
		clamp(xr, lo, hi, dim);
		fr = f(xr, ctx);
		nev++;
		if (fr < fv[best]) {
			for (j = 0; j < dim; j++)
				xe[j] = c[j] + 2 * (c[j] - p[worst][j]);
			clamp(xe, lo, hi, dim);
			fe = f(xe, ctx);
			nev++;
			if (fe < fr) {
				memcpy(p[worst], xe, dim * sizeof(double));
				fv[worst] = fe;
			} else {
				memcpy(p[worst], xr, dim * sizeof(double));
				fv[worst] = fr;
			}
		} else if (fr < fv[second]) {
			memcpy(p[worst], xr, dim * sizeof(double));
			fv[worst] = fr;
		} else {
			/* contract toward the better of the worst point and its reflection */
			const double *from = fr < fv[worst] ? xr : p[worst];

			for (j = 0; j < dim; j++)
				xe[j] = c[j] + 0.5 * (from[j] - c[j]);
			fe = f(xe, ctx);
			nev++;
			if (fe < (fr < fv[worst] ? fr : fv[worst])) {
				memcpy(p[worst], xe, dim * sizeof(double));
				fv[worst] = fe;
			} else {
				/* shrink everything toward the best point */
				for (i = 0; i <= dim; i++) {
					if (i == best)
						continue;
					for (j = 0; j < dim; j++)
						p[i][j] = p[best][j] + 0.5 * (p[i][j] - p[best][j]);
					fv[i] = f(p[i], ctx);
					nev++;
				}
			}
		}
	}
	best = 0;
	for (i = 1; i <= dim; i++)
		if (fv[i] < fv[best])
			best = i;
	memcpy(x, p[best], dim * sizeof(double));
	return fv[best];
}
