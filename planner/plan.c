/* The plan pipeline: offerings and demand to solver options, the solver, the report view. */
#include "planner/plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plan_demand_release(struct plan_demand *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nmodels; i++)
		free(d->models[i]);
	free(d->models);
	free(d->gpus);
	memset(d, 0, sizeof(*d));
}

int plan_demand_from_rows(struct plan_demand *out, const struct store_usage_row *rows,
			  size_t n, struct err *e)
{
	struct plan_demand d;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	size_t i, m;
	int rc = 0;

	memset(&d, 0, sizeof(d));
	memset(out, 0, sizeof(*out));
	if (n == 0)
		return err_set(e, ERR_INPUT, "no demand rows");
	if ((d.models = calloc(n, sizeof(*d.models))) == NULL)
		return err_nomem(e);
	for (i = 0; i < n; i++) {
		lo = rows[i].ts < lo ? rows[i].ts : lo;
		hi = rows[i].ts > hi ? rows[i].ts : hi;
		for (m = 0; m < d.nmodels; m++)
			if (strcmp(d.models[m], rows[i].gpu_model) == 0)
				break;
		if (m == d.nmodels) {
			if ((d.models[m] = strdup(rows[i].gpu_model)) == NULL) {
				rc = err_nomem(e);
				goto out;
			}
			d.nmodels++;
		}
	}
	d.start = lo;
	d.nhours = (size_t)((hi - lo) / 3600) + 1;
	if (d.nhours > 24 * 366 * 3) {
		rc = err_set(e, ERR_INPUT, "demand spans %zu hours: more than three years",
			     d.nhours);
		goto out;
	}
	if ((d.gpus = calloc(d.nmodels * d.nhours, sizeof(*d.gpus))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (i = 0; i < n; i++) {
		for (m = 0; m < d.nmodels; m++)
			if (strcmp(d.models[m], rows[i].gpu_model) == 0)
				break;
		d.gpus[m * d.nhours + (size_t)((rows[i].ts - lo) / 3600)] = rows[i].gpus;
	}
	*out = d;
	memset(&d, 0, sizeof(d));
out:
	plan_demand_release(&d);
	return rc;
}

void plan_result_free(struct plan_result *r)
{
	if (r == NULL)
		return;
	solver_plan_free(r->sp);
	free(r->offers);
	free(r->ids);
	free(r->roffers);
	free(r);
}

double plan_ondemand_only_cost(const struct offering *offers, size_t noffers,
			       const struct plan_demand *d)
{
	double total = 0;
	size_t m, t, o;

	for (m = 0; m < d->nmodels; m++) {
		for (t = 0; t < d->nhours; t++) {
			double need = d->gpus[m * d->nhours + t], best = INFINITY;

			if (isnan(need) || need <= 0)
				continue;
			/* one offering per hour: whole instances of the cheapest cover */
			for (o = 0; o < noffers; o++) {
				double c;

				if (strcmp(offers[o].gpu_model, d->models[m]) != 0 ||
				    isnan(offers[o].ondemand))
					continue;
				c = ceil(need / offers[o].gpus - 1e-9) * offers[o].ondemand;
				best = c < best ? c : best;
			}
			if (isinf(best))
				return NAN;
			total += best;
		}
	}
	return total;
}

int plan_run(struct plan_result **out, const struct offering *offers, size_t noffers,
	     const struct plan_demand *d, const struct config *cfg, const struct plan_opts *o,
	     struct err *e)
{
	struct plan_result *r = NULL;
	struct solver_option *opt = NULL;
	struct solver_problem p = SOLVER_PROBLEM_INIT;
	double *demand = NULL;
	size_t i, m, t, n = 0;
	int rc = 0;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL || (r->offers = calloc(noffers + 1,
	    sizeof(*r->offers))) == NULL || (r->ids = calloc(noffers + 1, sizeof(*r->ids))) == NULL ||
	    (r->roffers = calloc(noffers + 1, sizeof(*r->roffers))) == NULL ||
	    (opt = calloc(noffers + 1, sizeof(*opt))) == NULL ||
	    (demand = calloc(d->nmodels * d->nhours + 1, sizeof(*demand))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	if ((rc = config_double(cfg, "policy.max_spot_share", 0.4, &p.max_spot_share, e)) < 0)
		goto out;
	if (p.max_spot_share < 0 || p.max_spot_share > 1) {
		rc = err_set(e, ERR_INPUT, "%s: \"policy.max_spot_share\" is %g, not in 0..1",
			     config_path(cfg), p.max_spot_share);
		goto out;
	}
	/* only offerings of a GPU model in demand take part */
	for (i = 0; i < noffers; i++) {
		for (m = 0; m < d->nmodels; m++)
			if (strcmp(offers[i].gpu_model, d->models[m]) == 0)
				break;
		if (m == d->nmodels)
			continue;
		r->offers[n] = offers[i];
		providers_offering_id(&offers[i], r->ids[n], sizeof(r->ids[n]));
		opt[n].label = r->ids[n];
		opt[n].provider = r->offers[n].provider;
		opt[n].region = r->offers[n].region;
		opt[n].cls = m;
		opt[n].gpus = offers[i].gpus;
		opt[n].vcpus = offers[i].vcpus;
		opt[n].ondemand = offers[i].ondemand;
		opt[n].spot = offers[i].spot;
		opt[n].reserved[SOLVER_TERM_1Y] = offers[i].reserved_1y;
		opt[n].reserved[SOLVER_TERM_3Y] = offers[i].reserved_3y;
		opt[n].spot_interruption = offers[i].spot_interruption;
		n++;
	}
	for (m = 0; m < d->nmodels; m++) {
		int has = 0, need = 0;

		for (i = 0; i < n; i++)
			has |= opt[i].cls == m;
		for (t = 0; t < d->nhours; t++) {
			double v = d->gpus[m * d->nhours + t];

			demand[m * d->nhours + t] = isnan(v) || v < 0 ? 0 : v;
			need |= demand[m * d->nhours + t] > 0;
		}
		if (need && !has) {
			rc = err_set(e, ERR_INPUT, "GPU model \"%s\" has demand but no offering in the "
				     "catalog", d->models[m]);
			goto out;
		}
	}
	r->noffers = n;
	p.noptions = n;
	p.options = opt;
	p.nclasses = d->nmodels;
	p.classes = (const char *const *)d->models;
	p.nhours = d->nhours;
	p.demand = demand;
	p.time_limit = o->time_limit;
	p.relax = o->relax;
	if ((rc = solver_solve(&r->sp, &p, e)) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		struct reports_offer *ro = &r->roffers[i];

		ro->id = r->ids[i];
		ro->provider = r->offers[i].provider;
		ro->region = r->offers[i].region;
		ro->instance_type = r->offers[i].instance_type;
		ro->gpu_model = r->offers[i].gpu_model;
		ro->gpus = r->offers[i].gpus;
		ro->ondemand = r->offers[i].ondemand;
		ro->spot = r->offers[i].spot;
		ro->reserved[0] = r->offers[i].reserved_1y;
		ro->reserved[1] = r->offers[i].reserved_3y;
	}
	r->rp.start = d->start;
	r->rp.nhours = d->nhours;
	r->rp.noffers = n;
	r->rp.offers = r->roffers;
	r->rp.reserved = r->sp->reserved;
	r->rp.spot = r->sp->spot;
	r->rp.ondemand = r->sp->ondemand;
	r->rp.total_cost = r->sp->total_cost;
	r->rp.cost_reserved = r->sp->cost_reserved;
	r->rp.cost_spot = r->sp->cost_spot;
	r->rp.cost_ondemand = r->sp->cost_ondemand;
	r->rp.gap = r->sp->gap;
	r->rp.relaxed = o->relax;
	r->rp.ondemand_only_cost = plan_ondemand_only_cost(offers, noffers, d);
	*out = r;
	r = NULL;
out:
	plan_result_free(r);
	free(opt);
	free(demand);
	return rc;
}
