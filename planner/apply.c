/* apply's reconcile logic: desired counts per pool, the diff, the tokens. No I/O. */
#include "planner/apply.h"
#include "util/tm.h"

#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const purchases[3] = { "spot", "ondemand", "reserved" };

void apply_diff_release(struct apply_diff *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->pools[i].ids);
		free(d->pools[i].retag);
	}
	free(d->pools);
	free(d->models);
	memset(d, 0, sizeof(*d));
}

/* Adds m to the plan's GPU models unless it is there. */
static int add_model(struct apply_diff *d, const char *m, struct err *e)
{
	char (*t)[32];
	size_t i;

	for (i = 0; i < d->nmodels; i++)
		if (strcmp(d->models[i], m) == 0)
			return 0;
	if ((t = realloc(d->models, (d->nmodels + 1) * sizeof(*t))) == NULL)
		return err_nomem(e);
	d->models = t;
	snprintf(d->models[d->nmodels++], sizeof(d->models[0]), "%s", m);
	return 0;
}

static int plans_model(const struct apply_diff *d, const char *m)
{
	size_t i;

	for (i = 0; i < d->nmodels; i++)
		if (strcmp(d->models[i], m) == 0)
			return 1;
	return 0;
}

static struct apply_pool *add_pool(struct apply_diff *d, struct err *e)
{
	struct apply_pool *t = realloc(d->pools, (d->n + 1) * sizeof(*t));

	if (t == NULL) {
		err_nomem(e);
		return NULL;
	}
	d->pools = t;
	t = &d->pools[d->n++];
	memset(t, 0, sizeof(*t));
	t->price = NAN;
	return t;
}

/* Counts are instances; a relaxed plan's 2.3 needs 3 to cover its GPUs. */
static int whole(double c)
{
	if (!(c > 1e-9))
		return 0;
	return (int)ceil(c - 1e-9);
}

int apply_desired(struct apply_diff *d, const struct plan_result *r, const char *plan,
		  int64_t at, const char *provider, struct err *e)
{
	const struct reports_plan *rp = &r->rp;
	int64_t hour = tm_floor_hour(at);
	char a[TM_ISO_LEN], b[TM_ISO_LEN], h[TM_ISO_LEN];
	size_t nh = rp->nhours, o, k, t;

	memset(d, 0, sizeof(*d));
	snprintf(d->plan, sizeof(d->plan), "%s", plan);
	d->hour = hour;
	if (nh == 0 || hour < rp->start || hour >= rp->start + (int64_t)nh * TM_HOUR) {
		tm_format(rp->start, a);
		tm_format(rp->start + (int64_t)nh * TM_HOUR, b);
		tm_format(hour, h);
		return err_set(e, ERR_INPUT, "plan %s covers %s to %s, not the hour %s: plan again "
			       "or pass --at", plan, a, b, h);
	}
	t = (size_t)((hour - rp->start) / TM_HOUR);
	for (o = 0; o < r->noffers; o++) {
		const struct offering *of = &r->offers[o];

		/* every provider's: --provider narrows the pools, not what the plan plans */
		if (add_model(d, of->gpu_model, e) < 0) {
			apply_diff_release(d);
			return ERR_NOMEM;
		}
		if (provider && strcmp(provider, of->provider) != 0)
			continue;
		for (k = 0; k < 3; k++) {
			struct apply_pool *p = add_pool(d, e);
			double cost;

			if (p == NULL) {
				apply_diff_release(d);
				return ERR_NOMEM;
			}
			snprintf(p->provider, sizeof(p->provider), "%s", of->provider);
			snprintf(p->region, sizeof(p->region), "%s", of->region);
			snprintf(p->instance_type, sizeof(p->instance_type), "%s", of->instance_type);
			snprintf(p->purchase, sizeof(p->purchase), "%s", purchases[k]);
			snprintf(p->pool, sizeof(p->pool), "%s/%s/%s/%s", of->provider, of->region,
				 of->instance_type, purchases[k]);
			p->gpus = of->gpus;
			snprintf(p->gpu_model, sizeof(p->gpu_model), "%s", of->gpu_model);
			p->in_plan = 1;
			if (k == 0) {
				p->target = whole(r->sp->spot[o * nh + t]);
				p->price = of->spot;
				cost = p->target * of->spot;
			} else if (k == 1) {
				p->target = whole(r->sp->ondemand[o * nh + t]);
				p->price = of->ondemand;
				cost = p->target * of->ondemand;
			} else {
				int r1 = r->sp->reserved[o * 2], r3 = r->sp->reserved[o * 2 + 1];

				p->target = r1 + r3;
				p->price = of->ondemand;
				cost = (r1 ? r1 * of->reserved_1y : 0) + (r3 ? r3 * of->reserved_3y : 0);
			}
			p->hour_cost = p->target ? cost : 0;
		}
	}
	return 0;
}

/* Splits "provider/region/type/purchase"; 0 when pool has that form. */
static int parse_pool(const char *pool, struct apply_pool *p)
{
	char pur[16];

	if (sscanf(pool, "%15[^/]/%47[^/]/%63[^/]/%15s", p->provider, p->region,
		   p->instance_type, pur) != 4)
		return -1;
	if (strcmp(pur, "spot") && strcmp(pur, "ondemand") && strcmp(pur, "reserved"))
		return -1;
	snprintf(p->purchase, sizeof(p->purchase), "%s", pur);
	snprintf(p->pool, sizeof(p->pool), "%s", pool);
	return 0;
}

static const struct providers_vm *sort_base;

/*
 * The order instances leave in: on-demand stand-ins for a spot pool first (they cost more),
 * then youngest first; ties by id, so that every run picks the same instances.
 */
static int by_age(const void *a, const void *b)
{
	const struct providers_vm *x = &sort_base[*(const size_t *)a];
	const struct providers_vm *y = &sort_base[*(const size_t *)b];

	if (x->standin != y->standin)
		return x->standin ? -1 : 1;
	if (x->launched != y->launched)
		return x->launched > y->launched ? -1 : 1;
	return -strcmp(x->id, y->id);
}

int apply_reconcile(struct apply_diff *d, const struct providers_vm *v, size_t n,
		    struct err *e)
{
	size_t *idx = NULL, i, j, k;
	int rc = 0;

	if (n && (idx = calloc(n, sizeof(*idx))) == NULL)
		return err_nomem(e);
	for (i = 0; i < n; i++)
		idx[i] = i;
	sort_base = v;
	if (n)
		qsort(idx, n, sizeof(*idx), by_age);
	/*
	 * Managed instances of pools the plan does not name: their target is 0 (the plan moved
	 * that GPU model elsewhere), unless the plan plans nothing of their GPU model at all: a
	 * plan made for one model says nothing about the others' fleets.
	 */
	for (i = 0; i < n; i++) {
		const struct providers_instance *it;
		struct apply_pool tmp, *p;

		for (j = 0; j < d->n; j++)
			if (strcmp(d->pools[j].pool, v[i].pool) == 0)
				break;
		if (j < d->n)
			continue;
		memset(&tmp, 0, sizeof(tmp));
		if (parse_pool(v[i].pool, &tmp) < 0)
			continue;	/* not a pool capplan wrote: never touched */
		if ((p = add_pool(d, e)) == NULL) {
			rc = ERR_NOMEM;
			goto out;
		}
		*p = tmp;
		p->price = NAN;
		it = providers_instance_lookup(p->provider, p->instance_type);
		if (it && !plans_model(d, it->gpu_model)) {
			p->kept = 1;
			snprintf(p->gpu_model, sizeof(p->gpu_model), "%s", it->gpu_model);
		}
	}
	for (j = 0; j < d->n; j++) {
		struct apply_pool *p = &d->pools[j];

		free(p->ids);
		free(p->retag);
		p->ids = NULL;
		p->retag = NULL;
		p->nids = p->nretag = p->nterm = 0;
		p->running = p->launch = 0;
		for (k = 0; k < n; k++)
			if (strcmp(v[idx[k]].pool, p->pool) == 0)
				p->running++;
		if (p->running &&
		    ((p->ids = calloc((size_t)p->running, sizeof(*p->ids))) == NULL ||
		     (p->retag = calloc((size_t)p->running, sizeof(*p->retag))) == NULL)) {
			rc = err_nomem(e);
			goto out;
		}
		for (k = 0; k < n; k++) {
			const struct providers_vm *x = &v[idx[k]];

			if (strcmp(x->pool, p->pool) != 0)
				continue;
			snprintf(p->ids[p->nids++], sizeof(p->ids[0]), "%s", x->id);
		}
		if (p->kept) {
			p->target = p->achieved = p->running;
			snprintf(p->result, sizeof(p->result), "kept: plan %s plans no %s", d->plan,
				 p->gpu_model);
			continue;
		}
		if (p->running > p->target)
			p->nterm = (size_t)(p->running - p->target);
		else
			p->launch = p->target - p->running;
		/* the instances kept from another plan take this plan's tag */
		for (k = 0; k < n; k++) {
			const struct providers_vm *x = &v[idx[k]];
			size_t m;

			if (strcmp(x->pool, p->pool) != 0 || strcmp(x->plan, d->plan) == 0)
				continue;
			for (m = 0; m < p->nterm; m++)
				if (strcmp(p->ids[m], x->id) == 0)
					break;
			if (m == p->nterm)
				snprintf(p->retag[p->nretag++], sizeof(p->retag[0]), "%s", x->id);
		}
		p->achieved = p->running;
	}
out:
	free(idx);
	return rc;
}

const struct apply_pool *apply_unpriced(const struct apply_diff *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->pools[i].target > 0 &&
		    (!(d->pools[i].hour_cost >= 0) || !isfinite(d->pools[i].hour_cost)))
			return &d->pools[i];
	return NULL;
}

double apply_hour_cost(const struct apply_diff *d)
{
	double c = 0;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->pools[i].target > 0) {
			/* an unpriced pool makes the hour's cost unknown, never cheaper */
			if (!(d->pools[i].hour_cost >= 0) || !isfinite(d->pools[i].hour_cost))
				return NAN;
			c += d->pools[i].hour_cost;
		}
	return c;
}

int apply_launch_total(const struct apply_diff *d)
{
	int c = 0;
	size_t i;

	for (i = 0; i < d->n; i++)
		c += d->pools[i].launch;
	return c;
}

void apply_token(char out[65], const char *plan, int64_t hour, const char *pool, int target,
		 int attempt)
{
	char msg[512];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t i;

	snprintf(msg, sizeof(msg), "%s\n%lld\n%s\n%d\n%d", plan, (long long)hour, pool, target,
		 attempt);
	if (EVP_Digest(msg, strlen(msg), md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen < 24) {
		out[0] = '\0';
		return;
	}
	memcpy(out, "capplan-", 8);
	for (i = 0; i < 24; i++)
		snprintf(out + 8 + 2 * i, 3, "%02x", md[i]);
}
