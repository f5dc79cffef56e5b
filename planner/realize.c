/* The hourly covering problem priced exactly: see realize.h. */
#include "planner/realize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Two unbounded knapsacks over GPU counts: sp[k] the cheapest spot fleet of exactly k GPUs
 * (k <= the spot cap), od[j] the cheapest on-demand fleet of at least j GPUs. The answer
 * is min over k of sp[k] + od[max(0, need - k)]. Exactly k, not "at least", for spot:
 * the cap is on GPUs bought, so a fleet that overshoots the cap is not allowed. Neither
 * table depends on the commitments held (only need does), so realize_cover_curve prices
 * every holding from one pair of tables, with the same numbers realize_cover uses.
 */
struct tables {
	double *sp, *od;
	int *spc, *odc;
};

static void tables_free(struct tables *t)
{
	free(t->sp);
	free(t->spc);
	free(t->od);
	free(t->odc);
}

static int tables_build(struct tables *t, const struct realize_hour *h, long cap, long need,
			struct err *e)
{
	long k, j;
	size_t i;

	memset(t, 0, sizeof(*t));
	if ((t->sp = malloc((size_t)(cap + 1) * sizeof(*t->sp))) == NULL ||
	    (t->spc = malloc((size_t)(cap + 1) * sizeof(*t->spc))) == NULL ||
	    (t->od = malloc((size_t)(need + 1) * sizeof(*t->od))) == NULL ||
	    (t->odc = malloc((size_t)(need + 1) * sizeof(*t->odc))) == NULL) {
		tables_free(t);
		return err_nomem(e);
	}
	t->sp[0] = 0;
	t->spc[0] = -1;
	for (k = 1; k <= cap; k++) {
		t->sp[k] = INFINITY;
		t->spc[k] = -1;
		for (i = 0; i < h->n; i++) {
			double c;

			if (isnan(h->spot[i]) || h->gpus[i] > k || isinf(t->sp[k - h->gpus[i]]))
				continue;
			c = t->sp[k - h->gpus[i]] + h->spot[i];
			if (c < t->sp[k] - 1e-12) {
				t->sp[k] = c;
				t->spc[k] = (int)i;
			}
		}
	}
	t->od[0] = 0;
	t->odc[0] = -1;
	for (j = 1; j <= need; j++) {
		t->od[j] = INFINITY;
		t->odc[j] = -1;
		for (i = 0; i < h->n; i++) {
			long rest = j - h->gpus[i] > 0 ? j - h->gpus[i] : 0;
			double c;

			if (isnan(h->ondemand[i]) || isinf(t->od[rest]))
				continue;
			c = t->od[rest] + h->ondemand[i];
			if (c < t->od[j] - 1e-12) {
				t->od[j] = c;
				t->odc[j] = (int)i;
			}
		}
	}
	return 0;
}

/* GPUs still to buy when held GPUs are committed, and the spot cap that applies to them. */
static long need_of(double d, double held)
{
	double resid = d - held;

	return resid > 1e-9 ? (long)ceil(resid - 1e-9) : 0;
}

static long cap_of(const struct realize_hour *h, double d, long need)
{
	long cap = (long)floor(h->max_spot_share * d + 1e-9);

	if (cap > need + 64)
		cap = need + 64;	/* no instance has more than 64 GPUs: more spot is waste */
	return cap < 0 ? 0 : cap;
}

/* The cheapest split of need GPUs between spot (k <= cap) and on-demand; -1 if none. */
static long best_split(const struct tables *t, long cap, long need, double *best)
{
	long k, best_k = -1;

	*best = INFINITY;
	for (k = 0; k <= cap; k++) {
		long rest = need - k > 0 ? need - k : 0;
		double c = t->sp[k] + t->od[rest];

		if (c < *best - 1e-12) {
			*best = c;
			best_k = k;
		}
	}
	return best_k;
}

int realize_cover(const struct realize_hour *h, double *spot_out, double *od_out, double *cost,
		  struct err *e)
{
	double d = isnan(h->demand) || h->demand < 0 ? 0 : h->demand, best;
	long need = need_of(d, h->reserved_gpus), cap, k, j, best_k;
	struct tables t;
	int rc;

	memset(spot_out, 0, h->n * sizeof(*spot_out));
	memset(od_out, 0, h->n * sizeof(*od_out));
	*cost = 0;
	if (need == 0)
		return 0;
	cap = cap_of(h, d, need);
	if ((rc = tables_build(&t, h, cap, need, e)) < 0)
		return rc;
	if ((best_k = best_split(&t, cap, need, &best)) < 0) {
		rc = err_set(e, ERR_INFEASIBLE, "no offering can cover %ld GPUs on demand", need);
		goto out;
	}
	for (k = best_k; k > 0; k -= h->gpus[t.spc[k]])
		spot_out[t.spc[k]] += 1;
	for (j = need - best_k > 0 ? need - best_k : 0; j > 0; j -= h->gpus[t.odc[j]])
		od_out[t.odc[j]] += 1;
	*cost = best;
out:
	tables_free(&t);
	return rc;
}

int realize_cover_curve(const struct realize_hour *h, size_t nheld, double *cost, struct err *e)
{
	double d = isnan(h->demand) || h->demand < 0 ? 0 : h->demand;
	long need0 = need_of(d, 0), cap0 = cap_of(h, d, need0);
	struct tables t;
	size_t g;
	int rc = 0;

	for (g = 0; g < nheld; g++)
		cost[g] = 0;
	if (need0 == 0 || nheld == 0)
		return 0;
	/* the tables of the largest need hold those of every smaller one as prefixes */
	if ((rc = tables_build(&t, h, cap0, need0, e)) < 0)
		return rc;
	for (g = 0; g < nheld; g++) {
		long need = need_of(d, (double)g);

		if (need == 0)
			break;
		if (best_split(&t, cap_of(h, d, need), need, &cost[g]) < 0) {
			rc = err_set(e, ERR_INFEASIBLE, "no offering can cover %ld GPUs on demand",
				     need);
			break;
		}
	}
	tables_free(&t);
	return rc;
}
