/* The policy backtest: see backtest.h. */
#include "planner/backtest.h"
#include "planner/realize.h"
#include "util/tm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* S_HOLD: the whole-window perfect-foresight plan, its commitments held from the start */
enum { S_REAL, S_HEUR, S_HOLD, NSTRAT };

/* What the replay keeps about the catalog: the offerings of each GPU model. */
struct bt {
	const struct offering *offers;
	size_t noffers;
	const struct plan_demand *u;
	const struct backtest_prices *prices;
	double share;
	size_t *idx;		/* [m * noffers + i]: offering indices of model m */
	size_t *nidx;		/* [m] */
	int *gpus;		/* scratch, [noffers] */
	double *spot, *od, *sp_out, *od_out;	/* scratch, [noffers] */
	int *own[NSTRAT];	/* [o * 2 + term] instances held */
	struct backtest_result *r;
	size_t bcap;
};

static double hourly_reserved(const struct offering *o, int term)
{
	return term == 0 ? o->reserved_1y : o->reserved_3y;
}

static double spot_at(const struct bt *b, size_t o, int64_t ts)
{
	const struct backtest_prices *p = b->prices;

	if (p && p->spot && ts >= p->start && ts < p->start + (int64_t)p->nhours * TM_HOUR) {
		double v = p->spot[o * p->nhours + (size_t)((ts - p->start) / TM_HOUR)];

		if (!isnan(v))
			return v;
	}
	return b->offers[o].spot;
}

static int add_buy(struct bt *b, int64_t week, int strategy, size_t o, int term, int count,
		   struct err *e)
{
	struct backtest_result *r = b->r;

	if (r->nbuys == b->bcap) {
		size_t cap = b->bcap ? 2 * b->bcap : 16;
		struct backtest_buy *v = realloc(r->buys, cap * sizeof(*v));

		if (v == NULL)
			return err_nomem(e);
		r->buys = v;
		b->bcap = cap;
	}
	r->buys[r->nbuys].week = week;
	r->buys[r->nbuys].strategy = strategy;
	r->buys[r->nbuys].offer = o;
	r->buys[r->nbuys].term = term;
	r->buys[r->nbuys].count = count;
	r->nbuys++;
	return 0;
}

/* Raises what strategy s holds to want (commitments are never sold back). */
static int top_up(struct bt *b, int s, int64_t week, size_t o, int term, int want, struct err *e)
{
	int *have = &b->own[s][o * 2 + (size_t)term];

	if (want <= *have)
		return 0;
	{
		int add = want - *have;

		*have = want;
		return add_buy(b, week, s, o, term, add, e);
	}
}

/* USD one hour costs strategy s: its commitments plus the cheapest cover of the rest. */
static int pay_hour(struct bt *b, int s, size_t t, double *cost, struct err *e)
{
	const struct plan_demand *u = b->u;
	int64_t ts = u->start + (int64_t)t * TM_HOUR;
	double total = 0;
	size_t m, i, o;
	int rc;

	for (o = 0; o < b->noffers; o++)
		for (i = 0; i < 2; i++)
			if (b->own[s][o * 2 + i] > 0)
				total += b->own[s][o * 2 + i] * hourly_reserved(&b->offers[o], (int)i);
	for (m = 0; m < u->nmodels; m++) {
		struct realize_hour h;
		double held = 0, c;

		for (i = 0; i < b->nidx[m]; i++) {
			o = b->idx[m * b->noffers + i];
			b->gpus[i] = b->offers[o].gpus;
			b->spot[i] = spot_at(b, o, ts);
			b->od[i] = b->offers[o].ondemand;
			held += (double)(b->own[s][o * 2] + b->own[s][o * 2 + 1]) * b->offers[o].gpus;
		}
		h.n = b->nidx[m];
		h.idx = b->idx + m * b->noffers;
		h.gpus = b->gpus;
		h.spot = b->spot;
		h.ondemand = b->od;
		h.demand = u->gpus[m * u->nhours + t];
		h.reserved_gpus = held;
		h.max_spot_share = b->share;
		if ((rc = realize_cover(&h, b->sp_out, b->od_out, &c, e)) < 0)
			return err_wrap(e, "%s at hour %zu", u->models[m], t);
		total += c;
	}
	*cost = total;
	return 0;
}

/* The cheapest single-offering whole-instance on-demand cover (as plan_ondemand_only_cost). */
static double ondemand_hour(const struct bt *b, size_t t)
{
	const struct plan_demand *u = b->u;
	double total = 0;
	size_t m, i;

	for (m = 0; m < u->nmodels; m++) {
		double need = u->gpus[m * u->nhours + t], best = INFINITY;

		if (isnan(need) || need <= 0)
			continue;
		for (i = 0; i < b->nidx[m]; i++) {
			const struct offering *of = &b->offers[b->idx[m * b->noffers + i]];
			double c;

			if (isnan(of->ondemand))
				continue;
			c = ceil(need / of->gpus - 1e-9) * of->ondemand;
			best = c < best ? c : best;
		}
		total += isinf(best) ? NAN : best;
	}
	return total;
}

/*
 * The perfect-foresight week: the least any policy can pay for hours [t0, t0 + nh) under
 * pay_hour's accounting. A policy's commitments are fixed within a week (they are bought at
 * its start), are paid by the hour while held, and only the GPUs they hold per model enter
 * the cover of that model's hours; so whatever a policy bought before or this week, its
 * week costs at least, per GPU model m, min over g of
 *     nh x R_m(g) + sum over the week's hours t of realize_cover(demand, g held, spot at t)
 * where R_m(g) is the cheapest hourly price of commitments holding exactly g GPUs of m (an
 * unbounded knapsack over m's offerings and terms). g runs to D + G - 1 (D the week's peak
 * in whole GPUs, G the largest instance): past D the cover is free, and a cheapest holding
 * of at least D GPUs never exceeds D + G - 1 (dropping an instance would still hold D).
 * This is a lower bound for every strategy in every week, not a plan a policy can follow
 * (it may hold fewer commitments in a later week than in an earlier one).
 */
static int pf_week(struct bt *b, size_t t0, size_t nh, double *cost, struct err *e)
{
	const struct plan_demand *u = b->u;
	double *rg = NULL, *cov = NULL, *sum = NULL, total = 0;
	size_t m, i, t, g, ng = 0;
	int rc = 0;

	for (m = 0; m < u->nmodels; m++) {
		double peak = 0, best = INFINITY;
		size_t top, maxg = 0;
		int term;

		for (t = t0; t < t0 + nh; t++) {
			double v = u->gpus[m * u->nhours + t];

			if (!isnan(v) && v > peak)
				peak = v;
		}
		top = peak > 1e-9 ? (size_t)ceil(peak - 1e-9) : 0;
		for (i = 0; i < b->nidx[m]; i++) {
			const struct offering *of = &b->offers[b->idx[m * b->noffers + i]];

			for (term = 0; term < 2; term++)
				if (!isnan(hourly_reserved(of, term)) && of->gpus > 0 &&
				    (size_t)of->gpus > maxg)
					maxg = (size_t)of->gpus;
		}
		ng = top + (maxg ? maxg : 1);	/* holdings 0 .. top + maxg - 1 */
		free(rg);
		free(cov);
		free(sum);
		cov = sum = NULL;
		if ((rg = malloc(ng * sizeof(*rg))) == NULL ||
		    (cov = malloc((top + 1) * sizeof(*cov))) == NULL ||
		    (sum = calloc(top + 1, sizeof(*sum))) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		rg[0] = 0;
		for (g = 1; g < ng; g++) {
			rg[g] = INFINITY;
			for (i = 0; i < b->nidx[m]; i++) {
				const struct offering *of = &b->offers[b->idx[m * b->noffers + i]];

				for (term = 0; term < 2; term++) {
					double p = hourly_reserved(of, term);

					if (isnan(p) || of->gpus <= 0 || (size_t)of->gpus > g ||
					    isinf(rg[g - (size_t)of->gpus]))
						continue;
					if (rg[g - (size_t)of->gpus] + p < rg[g])
						rg[g] = rg[g - (size_t)of->gpus] + p;
				}
			}
		}
		for (t = t0; t < t0 + nh; t++) {
			int64_t ts = u->start + (int64_t)t * TM_HOUR;
			struct realize_hour h;

			for (i = 0; i < b->nidx[m]; i++) {
				size_t o = b->idx[m * b->noffers + i];

				b->gpus[i] = b->offers[o].gpus;
				b->spot[i] = spot_at(b, o, ts);
				b->od[i] = b->offers[o].ondemand;
			}
			memset(&h, 0, sizeof(h));
			h.n = b->nidx[m];
			h.idx = b->idx + m * b->noffers;
			h.gpus = b->gpus;
			h.spot = b->spot;
			h.ondemand = b->od;
			h.demand = u->gpus[m * u->nhours + t];
			h.max_spot_share = b->share;
			if ((rc = realize_cover_curve(&h, top + 1, cov, e)) < 0) {
				err_wrap(e, "%s at hour %zu", u->models[m], t);
				goto out;
			}
			for (g = 0; g <= top; g++)
				sum[g] += cov[g];
		}
		for (g = 0; g < ng; g++) {
			double c = (double)nh * rg[g] + sum[g < top ? g : top];

			if (!isinf(rg[g]) && c < best)
				best = c;
		}
		total += best;
	}
	*cost = total;
out:
	free(rg);
	free(cov);
	free(sum);
	return rc;
}

/* Maps the plan's reserved counts back to catalog indices and raises strategy s to them. */
static int take_commitments(struct bt *b, int s, int64_t week, const struct plan_result *pr,
			    struct err *e)
{
	char id[160];
	size_t i, o;
	int k, rc;

	for (i = 0; i < pr->noffers; i++)
		for (k = 0; k < 2; k++) {
			if (pr->sp->reserved[i * 2 + (size_t)k] <= 0)
				continue;
			for (o = 0; o < b->noffers; o++) {
				providers_offering_id(&b->offers[o], id, sizeof(id));
				if (strcmp(id, pr->ids[i]) == 0)
					break;
			}
			if (o == b->noffers)
				continue;
			if ((rc = top_up(b, s, week, o, k, pr->sp->reserved[i * 2 + (size_t)k], e)) < 0)
				return rc;
		}
	return 0;
}

static int cmp_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y) - (x > y);
}

/*
 * The heuristic: per GPU model, the cheapest commitment per GPU (offering and term) breaks
 * even against the cheapest on-demand GPU when used a share be = reserved/on-demand of the
 * hours; reserve the highest level the last 30 days reached in at least that share.
 */
static int heuristic_week(struct bt *b, int64_t week, size_t t0, struct err *e)
{
	const struct plan_demand *u = b->u;
	size_t m, i, lo = t0 > 720 ? t0 - 720 : 0, n, k;
	double *v = NULL;
	int rc = 0;

	if ((v = malloc((t0 - lo + 1) * sizeof(*v))) == NULL)
		return err_nomem(e);
	for (m = 0; m < u->nmodels; m++) {
		double best_r = INFINITY, best_od = INFINITY, level;
		size_t bo = 0;
		int bt = 0, term;

		for (i = 0; i < b->nidx[m]; i++) {
			const struct offering *of = &b->offers[b->idx[m * b->noffers + i]];

			for (term = 0; term < 2; term++) {
				double pg = hourly_reserved(of, term) / of->gpus;

				if (!isnan(pg) && pg < best_r) {
					best_r = pg;
					bo = b->idx[m * b->noffers + i];
					bt = term;
				}
			}
			if (!isnan(of->ondemand) && of->ondemand / of->gpus < best_od)
				best_od = of->ondemand / of->gpus;
		}
		if (isinf(best_r) || isinf(best_od) || best_r >= best_od)
			continue;
		for (n = 0, k = lo; k < t0; k++)
			if (!isnan(u->gpus[m * u->nhours + k]))
				v[n++] = u->gpus[m * u->nhours + k];
		if (n == 0)
			continue;
		qsort(v, n, sizeof(*v), cmp_desc);
		/* the level reached in at least ceil(be * n) of the n hours */
		k = (size_t)ceil(best_r / best_od * (double)n - 1e-9);
		level = v[(k ? k : 1) - 1];
		if ((rc = top_up(b, S_HEUR, week, bo, bt,
				 (int)floor(level / b->offers[bo].gpus + 1e-9), e)) < 0)
			break;
	}
	free(v);
	return rc;
}

static const double *pick_quantile(const struct forecast_result *f, const char *q)
{
	if (strcmp(q, "p50") == 0)
		return f->p50;
	if (strcmp(q, "hi95") == 0)
		return f->hi95;
	if (strcmp(q, "mean") == 0)
		return f->mean;
	return f->p90;
}

/* The policy's plan for one week: forecast each model from the hours before t0, then plan. */
static int policy_week(struct bt *b, const struct backtest_opts *o, const char *quantile,
		       int64_t week, size_t t0, size_t nh, double *mae, struct err *e)
{
	const struct plan_demand *u = b->u;
	struct forecast_opts fo = o->fo;
	struct forecast_result *f = NULL;
	struct plan_result *pr = NULL;
	struct plan_demand d;
	double err_sum = 0;
	size_t m, t, cnt = 0;
	int rc = 0;

	memset(&d, 0, sizeof(d));
	d.nmodels = u->nmodels;
	d.models = u->models;	/* borrowed: d is not released */
	d.start = week;
	d.nhours = nh;
	if ((d.gpus = calloc(u->nmodels * nh + 1, sizeof(*d.gpus))) == NULL)
		return err_nomem(e);
	fo.horizon = nh;
	for (m = 0; m < u->nmodels; m++) {
		const double *q;

		if ((rc = forecast_run(&f, u->gpus + m * u->nhours, t0, &fo, e)) < 0) {
			err_wrap(e, "forecasting %s for the week of %lld", u->models[m],
				 (long long)week);
			goto out;
		}
		q = pick_quantile(f, quantile);
		for (t = 0; t < nh; t++) {
			double real = u->gpus[m * u->nhours + t0 + t];

			/* a millionth of a GPU is noise: without the rounding, a forecast of
			 * 4.000000000001 would ask for a fifth GPU */
			d.gpus[m * nh + t] = q[t] > 0 ? round(q[t] * 1e6) / 1e6 : 0;
			if (!isnan(real)) {
				err_sum += fabs(real - f->mean[t]);
				cnt++;
			}
		}
		forecast_result_free(f);
		f = NULL;
	}
	*mae = cnt ? err_sum / (double)cnt : NAN;
	if ((rc = plan_run(&pr, b->offers, b->noffers, &d, o->cfg, &o->po, e)) < 0) {
		err_wrap(e, "planning the week of hour %zu", t0);
		goto out;
	}
	rc = take_commitments(b, S_REAL, week, pr, e);
out:
	plan_result_free(pr);
	forecast_result_free(f);
	free(d.gpus);
	return rc;
}

static double held_gpus(const struct bt *b, int s)
{
	double g = 0;
	size_t o;

	for (o = 0; o < b->noffers; o++)
		g += (double)(b->own[s][o * 2] + b->own[s][o * 2 + 1]) * b->offers[o].gpus;
	return g;
}

void backtest_result_free(struct backtest_result *r)
{
	if (r == NULL)
		return;
	free(r->weeks);
	free(r->buys);
	free(r);
}

int backtest_run(struct backtest_result **out, const struct offering *offers, size_t noffers,
		 const struct plan_demand *usage, const struct backtest_prices *prices,
		 const struct backtest_opts *o, struct err *e)
{
	struct bt b;
	struct backtest_result *r = NULL;
	struct plan_result *pf = NULL;
	struct plan_demand real;
	const char *quantile;
	int64_t uend = usage->start + (int64_t)usage->nhours * TM_HOUR;
	size_t m, i, w, t, t_from, t_end, nweeks;
	int rc = 0, s;

	*out = NULL;
	memset(&b, 0, sizeof(b));
	if (o->from % TM_HOUR || o->end % TM_HOUR || o->end <= o->from)
		return err_set(e, ERR_INPUT, "the backtest window is empty");
	if (o->from < usage->start + 24 * TM_HOUR)
		return err_set(e, ERR_INPUT, "the window starts before a day of usage history: "
			       "the first week would be forecast from nothing");
	if (o->end > uend)
		return err_set(e, ERR_INPUT, "the window ends after the last hour of usage");
	/*
	 * The replay's plans matter only through the commitments they buy (the fleet is bought
	 * against real demand, hour by hour), and a commitment sized to a p90 forecast pays a
	 * year for a once-in-ten-hours peak: commitments follow the median unless told.
	 */
	quantile = config_str(o->cfg, "policy.commit_quantile", "p50");
	if (strcmp(quantile, "p50") && strcmp(quantile, "p90") && strcmp(quantile, "hi95") &&
	    strcmp(quantile, "mean"))
		return err_set(e, ERR_INPUT, "%s: \"policy.commit_quantile\" is \"%s\": use p50, p90, "
			       "hi95 or mean", config_path(o->cfg), quantile);
	t_from = (size_t)((o->from - usage->start) / TM_HOUR);
	t_end = (size_t)((o->end - usage->start) / TM_HOUR);
	nweeks = (t_end - t_from + 167) / 168;
	b.offers = offers;
	b.noffers = noffers;
	b.u = usage;
	b.prices = prices;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->weeks = calloc(nweeks, sizeof(*r->weeks))) == NULL ||
	    (b.idx = calloc(usage->nmodels * noffers + 1, sizeof(*b.idx))) == NULL ||
	    (b.nidx = calloc(usage->nmodels + 1, sizeof(*b.nidx))) == NULL ||
	    (b.gpus = calloc(noffers + 1, sizeof(*b.gpus))) == NULL ||
	    (b.spot = calloc(noffers + 1, sizeof(double))) == NULL ||
	    (b.od = calloc(noffers + 1, sizeof(double))) == NULL ||
	    (b.sp_out = calloc(noffers + 1, sizeof(double))) == NULL ||
	    (b.od_out = calloc(noffers + 1, sizeof(double))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (s = 0; s < NSTRAT; s++)
		if ((b.own[s] = calloc(2 * noffers + 1, sizeof(int))) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
	b.r = r;
	if ((rc = config_double(o->cfg, "policy.max_spot_share", 0.4, &b.share, e)) < 0)
		goto out;
	r->max_spot_share = b.share;
	snprintf(r->quantile, sizeof(r->quantile), "%s", quantile);
	for (m = 0; m < usage->nmodels; m++) {
		for (i = 0; i < noffers; i++)
			if (strcmp(offers[i].gpu_model, usage->models[m]) == 0)
				b.idx[m * noffers + b.nidx[m]++] = i;
		if (b.nidx[m] == 0) {
			rc = err_set(e, ERR_INPUT, "GPU model \"%s\" has usage but no offering in the "
				     "catalog", usage->models[m]);
			goto out;
		}
	}
	/*
	 * The plan held from the start: the LP over the real demand of the whole window, its
	 * commitments bought in the first hour. An achievable reference, not a bound: holding
	 * one level for the whole window, it can pay more than a policy that tops up later
	 * (in a week, or over the window). The bound is pf_week's.
	 */
	memset(&real, 0, sizeof(real));
	real.nmodels = usage->nmodels;
	real.models = usage->models;
	real.start = o->from;
	real.nhours = t_end - t_from;
	if ((real.gpus = calloc(usage->nmodels * real.nhours + 1, sizeof(double))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (m = 0; m < usage->nmodels; m++)
		for (t = 0; t < real.nhours; t++)
			real.gpus[m * real.nhours + t] = usage->gpus[m * usage->nhours + t_from + t];
	rc = plan_run(&pf, offers, noffers, &real, o->cfg, &o->po, e);
	free(real.gpus);
	if (rc < 0) {
		err_wrap(e, "perfect-foresight plan over the window");
		goto out;
	}
	r->perfect_foresight_lp = pf->sp->total_cost;
	if ((rc = take_commitments(&b, S_HOLD, o->from, pf, e)) < 0)
		goto out;
	for (w = 0; w < nweeks; w++) {
		struct backtest_week *wk = &r->weeks[w];
		size_t t0 = t_from + 168 * w, nh = t_end - t0 < 168 ? t_end - t0 : 168;

		wk->start = usage->start + (int64_t)t0 * TM_HOUR;
		wk->nhours = nh;
		if ((rc = policy_week(&b, o, quantile, wk->start, t0, nh, &wk->forecast_mae, e)) < 0 ||
		    (rc = heuristic_week(&b, wk->start, t0, e)) < 0)
			goto out;
		for (t = t0; t < t0 + nh; t++) {
			double c;

			if ((rc = pay_hour(&b, S_REAL, t, &c, e)) < 0)
				goto out;
			wk->realized += c;
			if ((rc = pay_hour(&b, S_HEUR, t, &c, e)) < 0)
				goto out;
			wk->heuristic += c;
			if ((rc = pay_hour(&b, S_HOLD, t, &c, e)) < 0)
				goto out;
			wk->perfect_foresight_hold += c;
			wk->all_ondemand += ondemand_hour(&b, t);
			for (m = 0; m < usage->nmodels; m++) {
				double v = usage->gpus[m * usage->nhours + t];

				wk->demand_gpu_hours += isnan(v) ? 0 : v;
			}
		}
		if ((rc = pf_week(&b, t0, nh, &wk->perfect_foresight, e)) < 0)
			goto out;
		wk->reserved_gpus = held_gpus(&b, S_REAL);
		wk->heuristic_reserved_gpus = held_gpus(&b, S_HEUR);
		r->realized += wk->realized;
		r->heuristic += wk->heuristic;
		r->perfect_foresight += wk->perfect_foresight;
		r->perfect_foresight_hold += wk->perfect_foresight_hold;
		r->all_ondemand += wk->all_ondemand;
	}
	r->nweeks = nweeks;
	*out = r;
	r = NULL;
out:
	plan_result_free(pf);
	for (s = 0; s < NSTRAT; s++)
		free(b.own[s]);
	free(b.idx);
	free(b.nidx);
	free(b.gpus);
	free(b.spot);
	free(b.od);
	free(b.sp_out);
	free(b.od_out);
	backtest_result_free(r);
	return rc;
}
