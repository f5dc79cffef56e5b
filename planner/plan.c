/* The plan pipeline: offerings and demand to solver options, the solver, the report view. */
#include "planner/plan.h"
#include "planner/load.h"
#include "util/tm.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	free(r->quotas);
	free(r->qtext);
	free(r->fold_reserved);
	free(r->fold_spot);
	free(r->fold_od);
	free(r->demand);
	free(r->owned_gpus);
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

/* Is v allowed by the list policy at key (a sequence or one scalar)? Absent = everything. */
static int allowed(const struct config *cfg, const char *key, const char *v)
{
	const struct config_node *n = config_get(cfg, key);
	size_t i;

	if (n == NULL)
		return 1;
	if (config_node_str(n))
		return strcmp(config_node_str(n), v) == 0;
	for (i = 0; i < config_node_count(n); i++) {
		const char *s = config_node_str(config_node_at(n, i));

		if (s && strcmp(s, v) == 0)
			return 1;
	}
	return 0;
}

static int bad_item(const struct config *cfg, const struct config_node *n, const char *list,
		    size_t i, const char *what, struct err *e)
{
	return err_set(e, ERR_INPUT, "%s:%zu: \"%s\" item %zu: %s", config_path(cfg),
		       config_node_line(n), list, i + 1, what);
}

/* quotas: [{provider, region, gpus}] and [{provider, region, family, kind, vcpus}]. */
static int read_quotas(struct plan_result *r, const struct config *cfg, struct err *e)
{
	const struct config_node *n = config_get(cfg, "quotas"), *it;
	size_t i, nq, len = 0;
	int rc;

	if (n == NULL)
		return 0;
	if (!config_node_is_seq(n))
		return err_set(e, ERR_INPUT, "%s:%zu: \"quotas\" is not a list", config_path(cfg),
			       config_node_line(n));
	nq = config_node_count(n);
	if ((r->quotas = calloc(nq + 1, sizeof(*r->quotas))) == NULL ||
	    (r->qtext = calloc(nq + 1, 3 * 64)) == NULL)
		return err_nomem(e);
	for (i = 0; i < nq; i++) {
		struct solver_quota *q = &r->quotas[i];
		const char *prov, *reg, *fam, *kind;
		char *t = r->qtext + len;
		double g, v;

		it = config_node_at(n, i);
		prov = config_node_str(config_node_get(it, "provider"));
		reg = config_node_str(config_node_get(it, "region"));
		fam = config_node_str(config_node_get(it, "family"));
		kind = config_node_str(config_node_get(it, "kind"));
		if (!config_node_is_map(it) || !prov || !reg)
			return bad_item(cfg, it, "quotas", i, "needs provider and region", e);
		if ((rc = config_node_double(cfg, it, "gpus", NAN, &g, e)) < 0 ||
		    (rc = config_node_double(cfg, it, "vcpus", NAN, &v, e)) < 0)
			return rc;
		snprintf(t, 64, "%s", prov);
		snprintf(t + 64, 64, "%s", reg);
		q->provider = t;
		q->region = t + 64;
		len += 3 * 64;
		if (fam) {
			size_t k;

			snprintf(t + 128, 64, "%s", fam);
			for (k = 0; t[128 + k]; k++)
				t[128 + k] = (char)toupper((unsigned char)t[128 + k]);
			q->family = t + 128;
			if (isnan(v) || v < 0)
				return bad_item(cfg, it, "quotas", i, "a family quota needs \"vcpus\" >= 0",
						e);
			q->limit = v;
		} else {
			if (isnan(g) || g < 0)
				return bad_item(cfg, it, "quotas", i, "needs \"gpus\" >= 0 (or family and "
						"vcpus)", e);
			q->limit = g;
		}
		if (kind == NULL || strcmp(kind, "any") == 0)
			q->kind = SOLVER_QUOTA_ANY;
		else if (strcmp(kind, "ondemand") == 0)
			q->kind = SOLVER_QUOTA_ONDEMAND;
		else if (strcmp(kind, "spot") == 0)
			q->kind = SOLVER_QUOTA_SPOT;
		else
			return bad_item(cfg, it, "quotas", i, "\"kind\" is not ondemand or spot", e);
	}
	r->nquotas = nq;
	return 0;
}

static int read_policy(struct solver_problem *p, double *dflt_rate, const struct config *cfg,
		       struct err *e)
{
	int rc;

	if ((rc = config_double(cfg, "policy.max_spot_share", 0.4, &p->max_spot_share, e)) < 0 ||
	    (rc = config_double(cfg, "policy.max_spot_pool_share", NAN, &p->max_spot_pool_share,
				e)) < 0 ||
	    (rc = config_double(cfg, "policy.min_ondemand_share", 0, &p->min_ondemand_share, e)) < 0
	    || (rc = config_double(cfg, "policy.budget", NAN, &p->budget, e)) < 0 ||
	    (rc = config_double(cfg, "policy.default_spot_interruption_rate", NAN, dflt_rate, e)) < 0)
		return rc;
	if (p->max_spot_share < 0 || p->max_spot_share > 1)
		return err_set(e, ERR_INPUT, "%s: \"policy.max_spot_share\" is %g, not in 0..1",
			       config_path(cfg), p->max_spot_share);
	if (!isnan(p->max_spot_pool_share) && (p->max_spot_pool_share < 0 ||
					       p->max_spot_pool_share > 1))
		return err_set(e, ERR_INPUT, "%s: \"policy.max_spot_pool_share\" is %g, not in 0..1",
			       config_path(cfg), p->max_spot_pool_share);
	if (p->min_ondemand_share < 0 || p->min_ondemand_share > 1)
		return err_set(e, ERR_INPUT, "%s: \"policy.min_ondemand_share\" is %g, not in 0..1",
			       config_path(cfg), p->min_ondemand_share);
	if (!isnan(*dflt_rate) && (*dflt_rate < 0 || *dflt_rate >= 1))
		return err_set(e, ERR_INPUT, "%s: \"policy.default_spot_interruption_rate\" is %g, "
			       "not in [0, 1)", config_path(cfg), *dflt_rate);
	if (!isnan(p->budget) && p->budget < 0)
		return err_set(e, ERR_INPUT, "%s: \"policy.budget\" is negative", config_path(cfg));
	return 0;
}

/* The factor at which offerings of model serve class cls: 1 itself, substitutions, else 0. */
static int serve_factor(const struct config *cfg, const char *model, const char *cls,
			double *f, struct err *e)
{
	const struct config_node *n = config_get(cfg, "substitutions");
	size_t i;

	*f = strcmp(model, cls) == 0 ? 1 : 0;
	if (*f > 0 || n == NULL)
		return 0;
	for (i = 0; i < config_node_count(n); i++) {
		const struct config_node *it = config_node_at(n, i);
		const char *c = config_node_str(config_node_get(it, "class"));
		const char *m = config_node_str(config_node_get(it, "model"));
		char cc[32], mm[32];

		if (!c || !m)
			return bad_item(cfg, it, "substitutions", i, "needs class, model and factor", e);
		load_gpu_name(c, cc, sizeof(cc));
		load_gpu_name(m, mm, sizeof(mm));
		if (strcmp(cc, cls) || strcmp(mm, model))
			continue;
		/* check_substitutions has held every factor to its range */
		return config_node_double(cfg, it, "factor", 1, f, e);
	}
	return 0;
}

/*
 * A substitution factor is how many GPUs of the class one GPU of the model stands for: 1/100
 * to 100 holds every real pair of GPU models with room to spare. Beyond it is a slip (a factor
 * of 1e300 made one T4 cover all A100 demand), and would scale the solver's rows badly.
 */
#define PLAN_FACTOR_MIN 0.01
#define PLAN_FACTOR_MAX 100.0

/* Every substitutions item, checked whether or not this plan's demand comes to use it. */
static int check_substitutions(const struct config *cfg, struct err *e)
{
	const struct config_node *n = config_get(cfg, "substitutions");
	size_t i;
	double f;
	int rc;

	if (n == NULL)
		return 0;
	if (!config_node_is_seq(n))
		return err_set(e, ERR_INPUT, "%s:%zu: \"substitutions\" is not a list",
			       config_path(cfg), config_node_line(n));
	for (i = 0; i < config_node_count(n); i++) {
		const struct config_node *it = config_node_at(n, i);
		const struct config_node *fn = config_node_get(it, "factor");

		if (!config_node_str(config_node_get(it, "class")) ||
		    !config_node_str(config_node_get(it, "model")))
			return bad_item(cfg, it, "substitutions", i, "needs class, model and factor", e);
		if ((rc = config_node_double(cfg, it, "factor", 1, &f, e)) < 0)
			return rc;
		if (!(f >= PLAN_FACTOR_MIN && f <= PLAN_FACTOR_MAX))
			return err_set(e, ERR_INPUT, "%s:%zu: \"substitutions\" item %zu: \"factor\" is "
				       "%g, not in %g..%g (GPUs of the class one GPU of the model "
				       "stands for)", config_path(cfg), config_node_line(fn ? fn : it),
				       i + 1, f, PLAN_FACTOR_MIN, PLAN_FACTOR_MAX);
	}
	return 0;
}

/*
 * Adds count owned instances of the offering labelled id (nocase: compared without case), in
 * force for hours [0, hours) of the horizon (0 = all of it), to the option serving the
 * offering's own GPU model. An option carries one expiry, so commitments of one offering that
 * end at different hours go to twin options that sell nothing and only own (oi maps them to
 * the same offering): each commitment counts exactly until its own expiry, never after it.
 * Nothing is added when the offering is not planned here. opt has room for one more option.
 */
static void add_owned(struct solver_option *opt, size_t *oi, size_t *n, const char *id,
		      int nocase, int count, size_t hours)
{
	size_t o, k;

	for (o = 0; o < *n; o++)
		if ((nocase ? strcasecmp(opt[o].label, id) : strcmp(opt[o].label, id)) == 0 &&
		    opt[o].factor == 1)
			break;
	if (o == *n || count <= 0)
		return;		/* an offering of a GPU model not planned here */
	/* the option or twin that already owns with this expiry, or the option owning nothing */
	for (k = o; k < *n; k++)
		if (opt[k].label == opt[o].label && opt[k].cls == opt[o].cls &&
		    (opt[k].owned == 0 || opt[k].owned_hours == hours))
			break;
	if (k == *n) {
		opt[k] = opt[o];
		opt[k].ondemand = opt[k].spot = NAN;
		opt[k].reserved[SOLVER_TERM_1Y] = opt[k].reserved[SOLVER_TERM_3Y] = NAN;
		opt[k].owned = 0;
		oi[k] = oi[o];
		(*n)++;
	}
	opt[k].owned_hours = hours;
	opt[k].owned += count;
}

/*
 * Owned capacity that ends at time until covers the hours [0, *hours) of d's horizon (0 = all
 * of them): the whole hours before it, as an hour's demand needs the capacity all the hour.
 * Returns 0 when it covers no hour (expired before the horizon or during its first hour).
 */
static int hours_before(const struct plan_demand *d, int64_t until, size_t *hours)
{
	if (until < d->start + 3600)
		return 0;
	*hours = (size_t)((until - d->start) / 3600);
	if (*hours >= d->nhours)
		*hours = 0;
	return 1;
}

/* How many owned commitments the config lists (each may need a twin option). */
static size_t count_owned(const struct config *cfg)
{
	const struct config_node *c = config_get(cfg, "commitments");

	return c && config_node_is_seq(c) ? config_node_count(c) : 0;
}

/* Whether the catalog has the offering labelled id ("provider/region/instance_type"). */
static int in_catalog(const struct offering *offers, size_t noffers, const char *id)
{
	char oid[160];
	size_t i;

	for (i = 0; i < noffers; i++) {
		providers_offering_id(&offers[i], oid, sizeof(oid));
		if (strcmp(oid, id) == 0)
			return 1;
	}
	return 0;
}

/*
 * commitments: [{offering, count, expires}] already owned: sunk cost, cover until expiry.
 * An offering the catalog lacks is refused (a typo there silently planned as if nothing were
 * owned); one the catalog has but this plan does not use (its GPU model has no demand, or
 * its provider or region is not allowed) is left out without a word, as before.
 */
static int read_owned(struct solver_option *opt, size_t *oi, size_t *n,
		      const struct plan_demand *d, const struct offering *offers, size_t noffers,
		      const struct config *cfg, struct err *e)
{
	const struct config_node *c = config_get(cfg, "commitments");
	size_t i;
	int rc;

	if (c == NULL)
		return 0;
	if (!config_node_is_seq(c))
		return err_set(e, ERR_INPUT, "%s:%zu: \"commitments\" is not a list", config_path(cfg),
			       config_node_line(c));
	for (i = 0; i < config_node_count(c); i++) {
		const struct config_node *it = config_node_at(c, i);
		const char *id = config_node_str(config_node_get(it, "offering"));
		const char *exp = config_node_str(config_node_get(it, "expires"));
		double count;
		int64_t until = 0;
		size_t hours = 0;

		if (id == NULL)
			return bad_item(cfg, it, "commitments", i, "needs \"offering\"", e);
		if (!in_catalog(offers, noffers, id))
			return err_set(e, ERR_INPUT, "%s:%zu: \"commitments\" item %zu: offering "
				       "\"%s\" is not in the catalog (provider/region/instance_type, "
				       "as `capplan prices list` shows)", config_path(cfg),
				       config_node_line(config_node_get(it, "offering")), i + 1, id);
		if ((rc = config_node_double(cfg, it, "count", 1, &count, e)) < 0)
			return rc;
		if (!(count >= 0) || count != floor(count))
			return bad_item(cfg, it, "commitments", i, "\"count\" is not a whole number", e);
		if (count > 1e6)
			return bad_item(cfg, it, "commitments", i, "\"count\" is over 1000000", e);
		if (exp) {
			if (tm_parse(exp, &until) < 0)
				return bad_item(cfg, it, "commitments", i, "\"expires\" is not an ISO 8601 "
						"time", e);
			if (!hours_before(d, until, &hours))
				continue;	/* expired before the horizon */
		}
		add_owned(opt, oi, n, id, 0, (int)count, hours);
	}
	return 0;
}

/*
 * Commitments owned from the store (FOCUS imports). A spend-based one (a savings plan) names
 * no instance count, so it is left to the config's `commitments`; the count is the average
 * the export showed paid for, rounded; expires_by is the latest it can end (unknown: it
 * covers the whole horizon).
 */
static void read_owned_store(struct solver_option *opt, size_t *oi, size_t *n,
			     const struct plan_demand *d, const struct plan_opts *o)
{
	char id[160];
	size_t i, hours;

	for (i = 0; o && i < o->nowned; i++) {
		const struct store_commitment *c = &o->owned[i];
		int count = (int)floor(c->instances + 0.5);

		if (strcasecmp(c->category, "Spend") == 0 || c->instance_type[0] == '\0' || count < 1)
			continue;
		hours = 0;
		if (c->expires_by) {
			if (!hours_before(d, c->expires_by, &hours))
				continue;	/* expired before the horizon */
		}
		snprintf(id, sizeof(id), "%s/%s/%s", c->provider, c->region, c->instance_type);
		add_owned(opt, oi, n, id, 1, count, hours);
	}
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static int dcmp_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * Turns demand [m * H + t] into load-duration curves (plan_opts.ldc). The horizon is cut
 * where an owned commitment expires; inside each span the same owned capacity is in force
 * every hour, so sorting the span's hours (highest first) changes neither the optimum nor
 * which hours owned capacity covers, whereas sorting the whole horizon would hand expiring
 * capacity the peak hours. A span with more than 300 levels is rounded up to steps of
 * ceil(its hours / 300), each step at its highest value (never under-covers): without
 * expiries that is the whole curve in 300 steps, as before spans existed.
 */
static int ldc_shape(double *demand, size_t nmodels, size_t H, const struct solver_option *opt,
		     size_t n, struct err *e)
{
	size_t *cut, ncut = 0, m, s, t, i, L = 300;

	if ((cut = calloc(n + 2, sizeof(*cut))) == NULL)
		return err_nomem(e);
	cut[ncut++] = 0;
	for (i = 0; i < n; i++)
		if (opt[i].owned > 0 && opt[i].owned_hours > 0 && opt[i].owned_hours < H)
			cut[ncut++] = opt[i].owned_hours;
	cut[ncut++] = H;
	qsort(cut, ncut, sizeof(*cut), size_cmp);
	for (m = 0; m < nmodels; m++) {
		for (s = 0; s + 1 < ncut; s++) {
			double *v = demand + m * H + cut[s];
			size_t len = cut[s + 1] - cut[s], levels = 1, per = (len + L - 1) / L;

			if (len == 0)
				continue;
			qsort(v, len, sizeof(double), dcmp_desc);
			for (t = 1; t < len; t++)
				levels += v[t] != v[t - 1];
			if (levels > L)
				for (t = 0; t < len; t++)
					v[t] = v[t - t % per];	/* the step's highest value */
		}
	}
	free(cut);
	return 0;
}

int plan_run(struct plan_result **out, const struct offering *offers, size_t noffers,
	     const struct plan_demand *d, const struct config *cfg, const struct plan_opts *o,
	     struct err *e)
{
	struct plan_result *r = NULL;
	struct solver_option *opt = NULL;
	struct solver_problem p = SOLVER_PROBLEM_INIT;
	double *demand = NULL, rate;
	size_t *oi = NULL, i, m, t, n = 0, nr = 0, nopt_max = 0;
	char (*fam)[8] = NULL;
	int rc = 0;

	*out = NULL;
	/* every owned commitment may need a twin option (add_owned) */
	nopt_max = (noffers + 1) * (d->nmodels + 1) + count_owned(cfg) + (o ? o->nowned : 0);
	if ((r = calloc(1, sizeof(*r))) == NULL || (r->offers = calloc(noffers + 1,
	    sizeof(*r->offers))) == NULL || (r->ids = calloc(noffers + 1, sizeof(*r->ids))) == NULL ||
	    (r->roffers = calloc(noffers + 1, sizeof(*r->roffers))) == NULL ||
	    (opt = calloc(nopt_max, sizeof(*opt))) == NULL ||
	    (oi = calloc(nopt_max, sizeof(*oi))) == NULL ||
	    (fam = calloc(noffers + 1, sizeof(*fam))) == NULL ||
	    (demand = calloc(d->nmodels * d->nhours + 1, sizeof(*demand))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	if ((rc = read_policy(&p, &rate, cfg, e)) < 0 || (rc = read_quotas(r, cfg, e)) < 0 ||
	    (rc = check_substitutions(cfg, e)) < 0)
		goto out;
	r->max_spot_share = p.max_spot_share;
	/* offerings allowed and serving a GPU model in demand (itself or by substitution) */
	for (i = 0; i < noffers; i++) {
		int used = 0;

		if (!allowed(cfg, "policy.allowed_providers", offers[i].provider) ||
		    !allowed(cfg, "policy.allowed_regions", offers[i].region))
			continue;
		for (m = 0; m < d->nmodels; m++) {
			double f;
			struct solver_option *x = &opt[n];

			if ((rc = serve_factor(cfg, offers[i].gpu_model, d->models[m], &f, e)) < 0)
				goto out;
			if (f <= 0)
				continue;
			if (!used) {
				r->offers[nr] = offers[i];
				providers_offering_id(&offers[i], r->ids[nr], sizeof(r->ids[nr]));
				if (strcmp(offers[i].provider, "aws") == 0)
					fam[nr][0] = (char)toupper((unsigned char)offers[i].instance_type[0]);
				nr++;
				used = 1;
			}
			oi[n] = nr - 1;
			x->label = r->ids[nr - 1];
			x->provider = r->offers[nr - 1].provider;
			x->region = r->offers[nr - 1].region;
			x->family = fam[nr - 1][0] ? fam[nr - 1] : NULL;
			x->cls = m;
			x->factor = f;
			x->gpus = offers[i].gpus;
			x->vcpus = offers[i].vcpus;
			x->ondemand = offers[i].ondemand;
			x->spot = offers[i].spot;
			x->reserved[SOLVER_TERM_1Y] = offers[i].reserved_1y;
			x->reserved[SOLVER_TERM_3Y] = offers[i].reserved_3y;
			x->spot_interruption = isnan(offers[i].spot_interruption) ? rate :
					       offers[i].spot_interruption;
			/*
			 * A rate of 1 (the catalogs accept 0..1): spot is always taken back, so
			 * the offering has no usable spot capacity; the solver's rates are [0, 1)
			 * since it divides by what is delivered.
			 */
			if (x->spot_interruption >= 1) {
				x->spot = NAN;
				x->spot_interruption = 0;
			}
			n++;
		}
	}
	if ((rc = read_owned(opt, oi, &n, d, offers, noffers, cfg, e)) < 0)
		goto out;
	read_owned_store(opt, oi, &n, d, o);
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
				     "catalog%s", d->models[m], config_get(cfg, "policy.allowed_providers")
				     || config_get(cfg, "policy.allowed_regions") ? " that "
				     "policy.allowed_providers and allowed_regions allow" : "");
			if (config_get(cfg, "policy.allowed_providers") ||
			    config_get(cfg, "policy.allowed_regions"))
				rc = ERR_INFEASIBLE, e->code = ERR_INFEASIBLE;
			goto out;
		}
	}
	if (o->ldc && (rc = ldc_shape(demand, d->nmodels, d->nhours, opt, n, e)) < 0)
		goto out;
	/* owned GPUs in force per model and hour, for reports of what new commitments add */
	if ((r->owned_gpus = calloc(d->nmodels * d->nhours + 1, sizeof(double))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (i = 0; i < n; i++) {
		size_t until = opt[i].owned_hours ? opt[i].owned_hours : d->nhours;

		for (t = 0; opt[i].owned > 0 && t < until; t++)
			r->owned_gpus[opt[i].cls * d->nhours + t] += opt[i].owned * opt[i].gpus *
								      opt[i].factor;
	}
	r->noffers = nr;
	p.noptions = n;
	p.options = opt;
	p.nclasses = d->nmodels;
	p.classes = (const char *const *)d->models;
	p.nhours = d->nhours;
	p.demand = demand;
	p.time_limit = o->time_limit;
	p.relax = o->relax;
	p.no_reserve = o->no_reserve;
	p.duals = o->duals;
	p.nquotas = r->nquotas;
	p.quotas = r->quotas;
	if (o->write_lp && (rc = solver_write_lp(&p, o->write_lp, e)) < 0)
		goto out;
	if ((rc = solver_solve(&r->sp, &p, e)) < 0)
		goto out;
	for (i = 0; i < nr; i++) {
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
	r->rp.reserved = r->sp->reserved;
	r->rp.spot = r->sp->spot;
	r->rp.ondemand = r->sp->ondemand;
	if (n != nr) {
		/* an offering served several classes: the report counts its instances once each */
		if ((r->fold_reserved = calloc(nr * SOLVER_TERMS + 1, sizeof(int))) == NULL ||
		    (r->fold_spot = calloc(nr * d->nhours + 1, sizeof(double))) == NULL ||
		    (r->fold_od = calloc(nr * d->nhours + 1, sizeof(double))) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		for (i = 0; i < n; i++) {
			for (m = 0; m < SOLVER_TERMS; m++)
				r->fold_reserved[oi[i] * SOLVER_TERMS + m] +=
					r->sp->reserved[i * SOLVER_TERMS + m];
			for (t = 0; t < d->nhours; t++) {
				r->fold_spot[oi[i] * d->nhours + t] += r->sp->spot[i * d->nhours + t];
				r->fold_od[oi[i] * d->nhours + t] += r->sp->ondemand[i * d->nhours + t];
			}
		}
		r->rp.reserved = r->fold_reserved;
		r->rp.spot = r->fold_spot;
		r->rp.ondemand = r->fold_od;
	}
	r->rp.start = d->start;
	r->rp.nhours = d->nhours;
	r->rp.noffers = nr;
	r->rp.offers = r->roffers;
	r->rp.total_cost = r->sp->total_cost;
	r->rp.cost_reserved = r->sp->cost_reserved;
	r->rp.cost_spot = r->sp->cost_spot;
	r->rp.cost_ondemand = r->sp->cost_ondemand;
	r->rp.gap = r->sp->gap;
	r->rp.relaxed = o->relax;
	/* sorted levels, not hours: marked, so that no one runs a fleet from them */
	r->rp.kind = o->ldc ? STORE_PLAN_COMMITMENTS : NULL;
	r->rp.ondemand_only_cost = plan_ondemand_only_cost(offers, noffers, d);
	r->demand = demand;	/* the result owns it now */
	demand = NULL;
	*out = r;
	r = NULL;
out:
	plan_result_free(r);
	free(opt);
	free(oi);
	free(fam);
	free(demand);
	return rc;
}
