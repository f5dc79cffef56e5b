/* The hourly covering problem priced exactly: see realize.h. */
#include "planner/realize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Two unbounded knapsacks over GPU counts: sp[k] the cheapest spot fleet of exactly k GPUs
 * (k <= the spot cap), od[j] the cheapest on-demand fleet of at least j GPUs. The answer
 * is min over k of sp[k] + od[max(0, need - k)]. Exactly k, not "at least", for spot:
 * the cap is on GPUs bought, so a fleet that overshoots the cap is not allowed.
 */
int realize_cover(const struct realize_hour *h, double *spot_out, double *od_out, double *cost,
		  struct err *e)
{
	double d = isnan(h->demand) || h->demand < 0 ? 0 : h->demand;
	double resid = d - h->reserved_gpus;
	long need = resid > 1e-9 ? (long)ceil(resid - 1e-9) : 0;
	long cap = (long)floor(h->max_spot_share * d + 1e-9), k, j, best_k = -1;
	double *sp = NULL, *od = NULL, best = INFINITY;
	int *spc = NULL, *odc = NULL;
	size_t i;
	int rc = 0;

	memset(spot_out, 0, h->n * sizeof(*spot_out));
	memset(od_out, 0, h->n * sizeof(*od_out));
	*cost = 0;
	if (need == 0)
		return 0;
	if (cap > need + 64)
		cap = need + 64;	/* no instance has more than 64 GPUs: more spot is waste */
	if (cap < 0)
		cap = 0;
	if ((sp = malloc((size_t)(cap + 1) * sizeof(*sp))) == NULL ||
	    (spc = malloc((size_t)(cap + 1) * sizeof(*spc))) == NULL ||
	    (od = malloc((size_t)(need + 1) * sizeof(*od))) == NULL ||
	    (odc = malloc((size_t)(need + 1) * sizeof(*odc))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	sp[0] = 0;
	spc[0] = -1;
	for (k = 1; k <= cap; k++) {
		sp[k] = INFINITY;
		spc[k] = -1;
		for (i = 0; i < h->n; i++) {
			double c;

			if (isnan(h->spot[i]) || h->gpus[i] > k || isinf(sp[k - h->gpus[i]]))
				continue;
			c = sp[k - h->gpus[i]] + h->spot[i];
			if (c < sp[k] - 1e-12) {
				sp[k] = c;
				spc[k] = (int)i;
			}
		}
	}
	od[0] = 0;
	odc[0] = -1;
	for (j = 1; j <= need; j++) {
		od[j] = INFINITY;
		odc[j] = -1;
		for (i = 0; i < h->n; i++) {
			long rest = j - h->gpus[i] > 0 ? j - h->gpus[i] : 0;
			double c;

			if (isnan(h->ondemand[i]) || isinf(od[rest]))
				continue;
			c = od[rest] + h->ondemand[i];
			if (c < od[j] - 1e-12) {
				od[j] = c;
				odc[j] = (int)i;
			}
		}
	}
	for (k = 0; k <= cap; k++) {
		long rest = need - k > 0 ? need - k : 0;
		double c = sp[k] + od[rest];

		if (c < best - 1e-12) {
			best = c;
			best_k = k;
		}
	}
	if (best_k < 0) {
		rc = err_set(e, ERR_INFEASIBLE, "no offering can cover %ld GPUs on demand", need);
		goto out;
	}
	for (k = best_k; k > 0; k -= h->gpus[spc[k]])
		spot_out[spc[k]] += 1;
	for (j = need - best_k > 0 ? need - best_k : 0; j > 0; j -= h->gpus[odc[j]])
		od_out[odc[j]] += 1;
	*cost = best;
out:
	free(sp);
	free(spc);
	free(od);
	free(odc);
	return rc;
}
