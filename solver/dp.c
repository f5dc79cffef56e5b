/*
 * The structured solver for problems whose GPU models do not share a constraint (no quotas):
 * each class is solved on its own, exactly.
 *
 * Why it is exact: within a class, reserved GPUs are interchangeable for covering demand, so
 * the reserved decision reduces to the total G of reserved capacity units, bought at Rc(G),
 * the cheapest whole-instance mix of (offering, term) reaching G (a covering knapsack). Given
 * G every hour is an independent small covering problem h(d, G): spot (at most the spot cap,
 * an exact knapsack A) plus on-demand (a covering knapsack Co). Hours with the same demand and
 * owned capacity share h, so the cost of the whole horizon is
 *	F(G) = Rc(G) + sum over levels l of n_l * h_l(G)
 * and every G where Rc steps up is evaluated: the minimum over them is the proven optimum.
 *
 * Capacities are counted in integer units of 1/K GPU, K in {1, 10, 100, 1000} the smallest
 * that makes every offering's delivered GPUs whole (spot at 1 - interruption rate). When none
 * does, spot capacity is rounded down to 1/1000 GPU: the plan stays feasible and the
 * approximation is flagged.
 */
#include "solver/internal.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BIG DBL_MAX

struct item {			/* a knapsack item: count instances of an option (and term) */
	size_t opt;
	int term;
	long units;
	long count;
	double cost;
};

struct level {			/* hours that share demand and owned capacity */
	double d;		/* demand, GPUs */
	double owned;		/* owned capacity, class GPUs */
	long n;			/* hours */
	long dU, ownU, capU, floorU;
	long bestY, bestX;	/* the solution at the chosen G (units) */
	double rspot;		/* relax: spot GPUs per option are in the plan directly */
};

struct cls {
	const struct solver_problem *p;
	size_t c;
	long K;
	long maxU;
	struct item *res, *od, *sp;
	size_t nres, nod, nsp;
	double *Rc, *Co, *A;
	long *chR, *chC, *chA;	/* last item taken at each size, -1 none */
	long *ybp;		/* breakpoints of Co: largest y of each cost */
	size_t nybp;
	struct level *lv;
	size_t nlv;
	size_t *hour_level;	/* [t] */
};

static double opt_units(const struct solver_option *o)
{
	return o->gpus * (o->factor > 0 ? o->factor : 1);
}

static double spot_units(const struct solver_option *o)
{
	double q = isnan(o->spot_interruption) ? 0 : o->spot_interruption;

	return opt_units(o) * (1 - q);
}

double solver_delivered(const struct solver_option *o, int spot)
{
	return spot ? spot_units(o) : opt_units(o);
}

static int is_whole(double v)
{
	return fabs(v - floor(v + 0.5)) < 1e-6;
}

static long pick_scale(const struct solver_problem *p, size_t c, int *approx)
{
	static const long ks[] = { 1, 10, 100, 1000 };
	size_t i, o;

	for (i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		int ok = 1;

		for (o = 0; o < p->noptions && ok; o++) {
			if (p->options[o].cls != c)
				continue;
			ok = is_whole(opt_units(&p->options[o]) * ks[i]) &&
			     (isnan(p->options[o].spot) || is_whole(spot_units(&p->options[o]) * ks[i]));
		}
		if (ok)
			return ks[i];
	}
	*approx = 1;
	return 1000;
}

/* Units past this are no plan (the tables would be terabytes), and a double past
 * LONG_MAX cast to long is undefined: check the magnitude before every cast. */
#define MAX_UNITS 50000000L
#define SAT_UNITS 1e15

static long units_of(double gpus, long K)
{
	double u = floor(gpus * K + 1e-7);

	/* saturate: callers compare against the demand, which is checked against MAX_UNITS */
	if (!(u < SAT_UNITS))
		return (long)SAT_UNITS;
	return u > -SAT_UNITS ? (long)u : -(long)SAT_UNITS;
}

static int level_cmp(const void *a, const void *b)
{
	const struct level *x = a, *y = b;

	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	if (x->owned != y->owned)
		return x->owned < y->owned ? -1 : 1;
	return 0;
}

/* Owned class GPUs in hour t. */
static double owned_at(const struct solver_problem *p, size_t c, size_t t)
{
	double v = 0;
	size_t o;

	for (o = 0; o < p->noptions; o++) {
		const struct solver_option *x = &p->options[o];

		if (x->cls == c && x->owned > 0 && (x->owned_hours == 0 || t < x->owned_hours))
			v += x->owned * opt_units(x);
	}
	return v;
}

static void cls_release(struct cls *k)
{
	free(k->res);
	free(k->od);
	free(k->sp);
	free(k->Rc);
	free(k->Co);
	free(k->A);
	free(k->chR);
	free(k->chC);
	free(k->chA);
	free(k->ybp);
	free(k->lv);
	free(k->hour_level);
}

/* Covering knapsack: best[u] = cheapest mix reaching at least u units (cover) or exactly u. */
static void knapsack(double *best, long *ch, long n, const struct item *it, size_t nit,
		     int cover)
{
	long u;
	size_t i;

	best[0] = 0;
	ch[0] = -1;
	for (u = 1; u <= n; u++) {
		best[u] = BIG;
		ch[u] = -1;
		for (i = 0; i < nit; i++) {
			long prev = u - it[i].units;
			double v;

			if (prev < 0) {
				if (!cover)
					continue;
				prev = 0;
			}
			if (best[prev] >= BIG)
				continue;
			v = best[prev] + it[i].cost;
			if (v < best[u] - 1e-9 * (1 + v)) {
				best[u] = v;
				ch[u] = (long)i;
			}
		}
	}
	if (cover)	/* covering is monotone: never pay more to cover less */
		for (u = n - 1; u >= 0; u--)
			if (best[u + 1] < best[u]) {
				best[u] = best[u + 1];
				ch[u] = -2 - (u + 1);	/* "same as u + 1" */
			}
}

static int cls_setup(struct cls *k, const struct solver_problem *p, size_t c, int *approx,
		     struct err *e)
{
	size_t o, t, i, n;
	int term;
	double H = (double)p->nhours;

	memset(k, 0, sizeof(*k));
	k->p = p;
	k->c = c;
	k->K = pick_scale(p, c, approx);
	n = p->noptions * 2 + 1;
	if ((k->res = calloc(n, sizeof(*k->res))) == NULL ||
	    (k->od = calloc(n, sizeof(*k->od))) == NULL ||
	    (k->sp = calloc(n, sizeof(*k->sp))) == NULL ||
	    (k->lv = calloc(p->nhours + 1, sizeof(*k->lv))) == NULL ||
	    (k->hour_level = calloc(p->nhours + 1, sizeof(*k->hour_level))) == NULL)
		return err_nomem(e);
	for (o = 0; o < p->noptions; o++) {
		const struct solver_option *x = &p->options[o];
		long u = units_of(opt_units(x), k->K), us = units_of(spot_units(x), k->K);

		if (x->cls != c || u <= 0)
			continue;
		for (term = 0; term < SOLVER_TERMS && !p->no_reserve; term++)
			if (!isnan(x->reserved[term]))
				k->res[k->nres++] = (struct item){ o, term, u, 1, x->reserved[term] * H };
		if (!isnan(x->ondemand))
			k->od[k->nod++] = (struct item){ o, 0, u, 1, x->ondemand };
		if (!isnan(x->spot) && us > 0 && p->max_spot_share > 0)
			k->sp[k->nsp++] = (struct item){ o, 0, us, 1, x->spot };
	}
	for (t = 0; t < p->nhours; t++) {
		double d = p->demand[c * p->nhours + t];

		k->lv[t].d = isnan(d) || d < 0 ? 0 : d;
		k->lv[t].owned = owned_at(p, c, t);
		k->lv[t].n = 1;
	}
	qsort(k->lv, p->nhours, sizeof(*k->lv), level_cmp);
	for (t = 0, n = 0; t < p->nhours; t++) {
		if (n > 0 && level_cmp(&k->lv[n - 1], &k->lv[t]) == 0)
			k->lv[n - 1].n++;
		else
			k->lv[n++] = k->lv[t];
	}
	k->nlv = n;
	for (i = 0; i < k->nlv; i++) {
		struct level *l = &k->lv[i];

		if (!(l->d * k->K <= MAX_UNITS))
			return err_set(e, ERR_INPUT, "demand too large: %g GPUs for \"%s\" is past "
				       "what the planner can plan", l->d, p->classes[c]);
		l->dU = (long)ceil(l->d * k->K - 1e-7);
		l->ownU = units_of(l->owned, k->K);
		l->capU = units_of(p->max_spot_share * l->d, k->K);
		l->floorU = (long)ceil(p->min_ondemand_share * l->d * k->K - 1e-7);
		if (l->dU > k->maxU)
			k->maxU = l->dU;
	}
	for (t = 0; t < p->nhours; t++) {
		struct level key;
		double d = p->demand[c * p->nhours + t];
		size_t lo = 0, hi = k->nlv;

		key.d = isnan(d) || d < 0 ? 0 : d;
		key.owned = owned_at(p, c, t);
		while (lo + 1 < hi) {	/* levels are sorted: binary search */
			size_t mid = (lo + hi) / 2;

			if (level_cmp(&k->lv[mid], &key) <= 0)
				lo = mid;
			else
				hi = mid;
		}
		k->hour_level[t] = lo;
	}
	if (k->maxU > MAX_UNITS)
		return err_set(e, ERR_INPUT, "demand of %g GPUs for \"%s\" is too large to plan",
			       (double)k->maxU / k->K, p->classes[c]);
	n = (size_t)k->maxU + 1;
	if ((k->Rc = calloc(n, sizeof(double))) == NULL || (k->Co = calloc(n, sizeof(double))) == NULL
	    || (k->A = calloc(n, sizeof(double))) == NULL ||
	    (k->chR = calloc(n, sizeof(long))) == NULL || (k->chC = calloc(n, sizeof(long))) == NULL
	    || (k->chA = calloc(n, sizeof(long))) == NULL || (k->ybp = calloc(n, sizeof(long))) == NULL)
		return err_nomem(e);
	knapsack(k->Rc, k->chR, k->maxU, k->res, k->nres, 1);
	knapsack(k->Co, k->chC, k->maxU, k->od, k->nod, 1);
	knapsack(k->A, k->chA, k->maxU, k->sp, k->nsp, 0);
	/* breakpoints of Co: for each cost only the largest cover matters */
	for (i = 0; i < n; i++)
		if (k->Co[i] < BIG && (i + 1 == n || k->Co[i + 1] > k->Co[i]))
			k->ybp[k->nybp++] = (long)i;
	return 0;
}

/*
 * Cheapest spot cover of at least x units within the level's cap: smin[x] over 0..capU, with
 * the exact size it is reached at in sarg.
 */
static void spot_suffix(const struct cls *k, long capU, double *smin, long *sarg)
{
	long x;

	if (capU > k->maxU)
		capU = k->maxU;
	for (x = capU; x >= 0; x--) {
		smin[x] = k->A[x];
		sarg[x] = x;
		if (x < capU && smin[x + 1] <= smin[x]) {
			smin[x] = smin[x + 1];
			sarg[x] = sarg[x + 1];
		}
	}
}

/* Integer hour cost at reserved units G; sets *by, *bx to the chosen od and spot units. */
static double hour_int(const struct cls *k, const struct level *l, long G, const double *smin,
		       const long *sarg, long *by, long *bx)
{
	long R = l->dU - G - l->ownU, cap = l->capU < k->maxU ? l->capU : k->maxU;
	double best = BIG;
	size_t i;

	*by = -1;
	*bx = 0;
	if (R <= 0 && l->floorU <= 0) {
		*by = 0;
		return 0;
	}
	for (i = 0; i < k->nybp; i++) {
		long y = k->ybp[i], x;
		double v;

		if (y < l->floorU)
			continue;
		x = R - y > 0 ? R - y : 0;
		if (x <= cap && smin[x] < BIG) {
			v = k->Co[y] + smin[x];
			if (v < best - 1e-9 * (1 + v)) {
				best = v;
				*by = y;
				*bx = sarg[x];
			}
		}
		if (y >= R)
			break;
	}
	return best;
}

/* Relaxed hour cost (fractional spot and on-demand): greedy by price per delivered GPU. */
static double hour_relax(const struct cls *k, const struct level *l, long G, double *spotg,
			 double *odg, size_t *odopt)
{
	const struct solver_problem *p = k->p;
	double R = l->d - (double)G / k->K - l->owned, fl = p->min_ondemand_share * l->d;
	double capleft = p->max_spot_share * l->d, pool, po = BIG, cost, rem, od;
	size_t i;

	pool = isnan(p->max_spot_pool_share) ? BIG : p->max_spot_pool_share * l->d;
	*odopt = (size_t)-1;
	for (i = 0; i < k->nod; i++) {
		double v = k->od[i].cost / opt_units(&p->options[k->od[i].opt]);

		if (v < po) {
			po = v;
			*odopt = k->od[i].opt;
		}
	}
	for (i = 0; i < k->nsp; i++)
		spotg[i] = 0;
	od = fl;
	if (fl > 0 && po >= BIG)
		return BIG;
	rem = R - fl > 0 ? R - fl : 0;
	cost = fl > 0 ? fl * po : 0;
	while (rem > 1e-12 && capleft > 1e-12) {
		size_t bi = (size_t)-1;
		double bp = po, take;

		for (i = 0; i < k->nsp; i++) {
			double v = k->sp[i].cost / spot_units(&p->options[k->sp[i].opt]);

			if (spotg[i] < pool - 1e-12 && v < bp) {
				bp = v;
				bi = i;
			}
		}
		if (bi == (size_t)-1)
			break;
		take = rem;
		take = take < capleft ? take : capleft;
		take = take < pool - spotg[bi] ? take : pool - spotg[bi];
		spotg[bi] += take;
		rem -= take;
		capleft -= take;
		cost += take * bp;
	}
	if (rem > 1e-12) {
		if (po >= BIG)
			return BIG;
		od += rem;
		cost += rem * po;
	}
	*odg = od;
	return cost;
}

/* Adds the instances of a knapsack solution of size u to counts[opt * stride + ...]. */
static void unpack(const struct item *it, const long *ch, long u, double *counts,
		   size_t stride, size_t col, int *rcounts)
{
	while (u > 0) {
		long c = ch[u];

		if (c == -1)
			break;
		if (c <= -2) {
			u = -2 - c;
			continue;
		}
		if (rcounts)
			rcounts[it[c].opt * SOLVER_TERMS + (size_t)it[c].term] += (int)it[c].count;
		else
			counts[it[c].opt * stride + col] += (double)it[c].count;
		u -= it[c].units;
	}
}

struct shortfall {
	size_t hours;
	size_t first;
	double gpus;
};

/* Solves class c into plan. Returns ERR_INFEASIBLE with the hours that cannot be covered. */
static int solve_class(struct solver_plan *plan, const struct solver_problem *p, size_t c,
		       struct err *e)
{
	struct cls k;
	double *H = NULL, *smin = NULL, *spotg = NULL;
	long *Gs = NULL, *sarg = NULL;
	size_t nG = 0, i, g, t, best = 0;
	int rc = 0, approx = 0;
	long u;

	if ((rc = cls_setup(&k, p, c, &approx, e)) < 0)
		goto out;
	if (approx)
		plan->approx_units = 1;
	if ((Gs = calloc((size_t)k.maxU + 2, sizeof(long))) == NULL ||
	    (smin = calloc((size_t)k.maxU + 2, sizeof(double))) == NULL ||
	    (sarg = calloc((size_t)k.maxU + 2, sizeof(long))) == NULL ||
	    (spotg = calloc(k.nsp + 1, sizeof(double))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	/* the reserved sizes worth trying: where Rc steps up, the largest of each cost */
	for (u = 0; u <= k.maxU; u++)
		if (k.Rc[u] < BIG && (u == k.maxU || k.Rc[u + 1] > k.Rc[u]))
			Gs[nG++] = u;
	if (nG == 0 || Gs[0] != 0) {
		memmove(Gs + 1, Gs, nG * sizeof(*Gs));
		Gs[0] = 0;
		nG++;
	}
	if ((H = calloc(nG, sizeof(double))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (i = 0; i < k.nlv; i++) {
		struct level *l = &k.lv[i];

		if (!p->relax)
			spot_suffix(&k, l->capU, smin, sarg);
		for (g = 0; g < nG; g++) {
			double h;
			long by, bx;
			size_t oo;
			double odg;

			if (H[g] >= BIG)
				continue;
			h = p->relax ? hour_relax(&k, l, Gs[g], spotg, &odg, &oo)
				     : hour_int(&k, l, Gs[g], smin, sarg, &by, &bx);
			H[g] = h >= BIG ? BIG : H[g] + (double)l->n * h;
		}
	}
	for (g = 1; g < nG; g++)
		if (k.Rc[Gs[g]] + H[g] < k.Rc[Gs[best]] + H[best] - 1e-9 * (1 + H[best]))
			best = g;
	if (H[best] >= BIG) {
		/* explain with the most reserved capacity tried (none when reserving is off) */
		struct shortfall sf = { 0, 0, 0 };
		long G = Gs[nG - 1];

		for (t = 0; t < p->nhours; t++) {
			struct level *l = &k.lv[k.hour_level[t]];
			double cover = (double)(G + l->ownU) / k.K, need;

			need = l->d - cover - (k.nsp ? p->max_spot_share * l->d : 0);
			if (k.nod == 0 && (need > 1e-9 || l->floorU > 0)) {
				if (sf.hours++ == 0)
					sf.first = t;
				need = need > 0 ? need : p->min_ondemand_share * l->d;
				sf.gpus = need > sf.gpus ? need : sf.gpus;
			}
		}
		rc = err_set(e, ERR_INFEASIBLE, "\"%s\": %zu hours (first +%zuh) cannot be covered: "
			     "short by up to %.4g GPUs: %s", p->classes[c], sf.hours, sf.first,
			     sf.gpus, p->min_ondemand_share > 0 && k.nod == 0 ?
			     "policy.min_ondemand_share needs on-demand and none is offered (or "
			     "allowed)" : k.nres && !p->no_reserve ? "no on-demand offering" :
			     "spot cap policy.max_spot_share and no on-demand or reserved offering "
			     "(allowed)");
		goto out;
	}
	/* the plan at the best G */
	unpack(k.res, k.chR, Gs[best], NULL, 0, 0, plan->reserved);
	for (i = 0; i < k.nlv; i++) {
		struct level *l = &k.lv[i];
		double *sp1 = NULL, *od1 = NULL;

		if ((sp1 = calloc(p->noptions + 1, sizeof(double))) == NULL ||
		    (od1 = calloc(p->noptions + 1, sizeof(double))) == NULL) {
			free(sp1);
			rc = err_nomem(e);
			goto out;
		}
		if (p->relax) {
			double odg;
			size_t oo;

			hour_relax(&k, l, Gs[best], spotg, &odg, &oo);
			for (g = 0; g < k.nsp; g++)
				sp1[k.sp[g].opt] += spotg[g] / spot_units(&p->options[k.sp[g].opt]);
			if (odg > 0)
				od1[oo] += odg / opt_units(&p->options[oo]);
		} else {
			long by, bx;

			spot_suffix(&k, l->capU, smin, sarg);
			hour_int(&k, l, Gs[best], smin, sarg, &by, &bx);
			unpack(k.od, k.chC, by, od1, 1, 0, NULL);
			unpack(k.sp, k.chA, bx, sp1, 1, 0, NULL);
		}
		for (t = 0; t < p->nhours; t++) {
			size_t o;

			if (k.hour_level[t] != i)
				continue;
			for (o = 0; o < p->noptions; o++) {
				if (p->options[o].cls != c)
					continue;
				plan->spot[o * p->nhours + t] = sp1[o];
				plan->ondemand[o * p->nhours + t] = od1[o];
			}
		}
		free(sp1);
		free(od1);
	}
out:
	cls_release(&k);
	free(H);
	free(Gs);
	free(smin);
	free(sarg);
	free(spotg);
	return rc;
}

int solver_dp_solve(struct solver_plan *plan, const struct solver_problem *p, struct err *e)
{
	size_t c;
	int rc;

	for (c = 0; c < p->nclasses; c++)
		if ((rc = solve_class(plan, p, c, e)) < 0)
			return rc;
	plan->status = SOLVER_OPTIMAL;
	plan->gap = 0;
	return 0;
}
