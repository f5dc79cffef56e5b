/* Gathering the weekly FinOps report from the store: see weekly.h. */
#include "planner/weekly.h"
#include "planner/plan.h"
#include "planner/realize.h"
#include "planner/store_reports.h"
#include "planner/store_usage.h"
#include "util/tm.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yajl/yajl_tree.h>

#define WK 168
#define WK2 (2 * WK)
#define NDAYS 14
/* accumulator slots per offering: reserved 1y, reserved 3y, spot, on-demand */
#define NSLOT 4
/* series per model: actual, mean, p10, p90, lo95, hi95, reserved */
#define NSER 7

struct weekly {
	struct reports_weekly rw;
	char week[TM_ISO_LEN];
	char plan_id[32], next_plan_id[32];
	size_t noffers, ocap;
	struct offering *offs;
	char (*ids)[160];
	struct reports_offer *roffers;
	double *qty, *cost;		/* [((basis * NDAYS + day) * noffers + o) * NSLOT + k] */
	struct reports_charge *charges;
	size_t ncharges;
	size_t nmodels;
	char **names;
	double *ser;			/* [(m * NSER + s) * WK2 + t] */
	struct reports_model_week *models;
	struct reports_commit *commits;
	size_t ncommits;
	struct reports_lever levers[3];
	char lever_name[3][96], lever_what[3][200];
	size_t nlevers;
	char *notes[16];
	size_t nnotes;
	double share;
	/* commitments imported from FOCUS exports held during the week: "as used" counts them
	 * for their providers instead of the plan's (see owned_load, sources) */
	struct reports_held *held;
	char (*held_ids)[256];
	size_t nheld;
	/* per provider, sorted: whose commitments "as used" counts (see sources) */
	struct prov_src *provs;
	struct reports_commit_source *by_provider;
	size_t nprovs;
};

struct prov_src {
	char name[32];
	int focus;	/* the store holds this provider's FOCUS data for the week */
};

static void note(struct weekly *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct weekly *w, const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	if (w->nnotes == sizeof(w->notes) / sizeof(w->notes[0]))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((w->notes[w->nnotes] = strdup(buf)) != NULL)
		w->nnotes++;
}

void weekly_free(struct weekly *w)
{
	size_t i;

	if (w == NULL)
		return;
	free(w->offs);
	free(w->ids);
	free(w->roffers);
	free(w->qty);
	free(w->cost);
	free(w->charges);
	for (i = 0; i < w->nmodels; i++)
		free(w->names[i]);
	free(w->names);
	free(w->ser);
	free(w->models);
	free(w->commits);
	free(w->held);
	free(w->held_ids);
	free(w->provs);
	free(w->by_provider);
	for (i = 0; i < w->nnotes; i++)
		free(w->notes[i]);
	free(w);
}

const struct reports_weekly *weekly_view(const struct weekly *w)
{
	return &w->rw;
}

/* The index of an offering in the report's universe, adding it when new. */
static int offer_add(struct weekly *w, const struct offering *o, const char *id, size_t *idx,
		     struct err *e)
{
	size_t i;

	for (i = 0; i < w->noffers; i++)
		if (strcmp(w->ids[i], id) == 0) {
			*idx = i;
			return 0;
		}
	if (w->noffers == w->ocap) {
		size_t cap = w->ocap ? 2 * w->ocap : 16;
		struct offering *no = realloc(w->offs, cap * sizeof(*no));
		char (*ni)[160];

		if (no == NULL)
			return err_nomem(e);
		w->offs = no;
		if ((ni = realloc(w->ids, cap * sizeof(*ni))) == NULL)
			return err_nomem(e);
		w->ids = ni;
		w->ocap = cap;
	}
	w->offs[w->noffers] = *o;
	snprintf(w->ids[w->noffers], sizeof(w->ids[0]), "%s", id);
	*idx = w->noffers++;
	return 0;
}

static int model_add(struct weekly *w, const char *name, struct err *e)
{
	size_t i;
	char **v;

	for (i = 0; i < w->nmodels; i++)
		if (strcmp(w->names[i], name) == 0)
			return 0;
	if ((v = realloc(w->names, (w->nmodels + 1) * sizeof(*v))) == NULL)
		return err_nomem(e);
	w->names = v;
	if ((w->names[w->nmodels] = strdup(name)) == NULL)
		return err_nomem(e);
	w->nmodels++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static double *ser(struct weekly *w, size_t m, int s)
{
	return w->ser + ((size_t)m * NSER + (size_t)s) * WK2;
}

static void acc(struct weekly *w, int basis, size_t day, size_t o, int k, double q, double c)
{
	size_t i = ((size_t)basis * NDAYS + day) * w->noffers * NSLOT + o * NSLOT + (size_t)k;

	w->qty[i] += q;
	w->cost[i] += c;
}

/* Maps a plan's offering i to the universe. */
static size_t plan_offer(const struct weekly *w, const struct plan_result *p, size_t i)
{
	size_t o;

	for (o = 0; o < w->noffers; o++)
		if (strcmp(w->ids[o], p->ids[i]) == 0)
			return o;
	return 0;	/* not reached: every plan offering was added */
}

/*
 * Planned spend of plan p over hours [from, from + n) of the window (t = hours from the
 * week start), into basis.
 */
static void planned(struct weekly *w, const struct plan_result *p, int basis, size_t from,
		    size_t n)
{
	int64_t ws = w->rw.week_start;
	size_t t, i;

	for (t = from; t < from + n; t++) {
		int64_t ts = ws + (int64_t)t * TM_HOUR;
		size_t tp;

		if (ts < p->rp.start || ts >= p->rp.start + (int64_t)p->rp.nhours * TM_HOUR)
			continue;
		tp = (size_t)((ts - p->rp.start) / TM_HOUR);
		for (i = 0; i < p->noffers; i++) {
			const struct offering *of = &p->offers[i];
			size_t o = plan_offer(w, p, i), day = t / 24;
			double s = p->rp.spot[i * p->rp.nhours + tp];
			double d = p->rp.ondemand[i * p->rp.nhours + tp];
			int r1 = p->rp.reserved[i * 2], r3 = p->rp.reserved[i * 2 + 1];

			if (r1 > 0)
				acc(w, basis, day, o, 0, r1, r1 * of->reserved_1y);
			if (r3 > 0)
				acc(w, basis, day, o, 1, r3, r3 * of->reserved_3y);
			if (s > 0)
				acc(w, basis, day, o, 2, s, s * of->spot);
			if (d > 0)
				acc(w, basis, day, o, 3, d, d * of->ondemand);
		}
	}
}

/*
 * Whether "as used" takes provider's commitments from FOCUS exports (1) or from the
 * week's plan (0): decided once per provider by sources().
 */
static int prov_focus(const struct weekly *w, const char *provider)
{
	size_t i;

	for (i = 0; i < w->nprovs; i++)
		if (strcasecmp(w->provs[i].name, provider) == 0)
			return w->provs[i].focus;
	return 0;
}

/* GPUs plan p holds in commitments for GPU model name. */
static double held(const struct plan_result *p, const char *name)
{
	double g = 0;
	size_t i;

	for (i = 0; p && i < p->noffers; i++)
		if (strcmp(p->offers[i].gpu_model, name) == 0)
			g += (double)(p->rp.reserved[i * 2] + p->rp.reserved[i * 2 + 1]) *
			     p->offers[i].gpus;
	return g;
}

/* GPUs of model name that the imported commitments held at hour ts. */
static double owned_gpus(const struct weekly *w, const char *name, int64_t ts)
{
	double g = 0;
	size_t i;

	for (i = 0; i < w->nheld; i++) {
		const struct reports_held *h = &w->held[i];
		const struct offering *of = &w->offs[h->offer];

		if (ts >= h->from && ts < h->until && strcmp(of->gpu_model, name) == 0)
			g += (double)h->count * of->gpus;
	}
	return g;
}

/*
 * GPUs of model name held at hour ts as "as used" counts them: per provider, the imported
 * ones where the store has the provider's FOCUS data for the week, else p's.
 */
static double held_used(const struct weekly *w, const struct plan_result *p, const char *name,
			int64_t ts)
{
	double g = owned_gpus(w, name, ts);
	size_t i;

	for (i = 0; p && i < p->noffers; i++)
		if (strcmp(p->offers[i].gpu_model, name) == 0 &&
		    !prov_focus(w, p->offers[i].provider))
			g += (double)(p->rp.reserved[i * 2] + p->rp.reserved[i * 2 + 1]) *
			     p->offers[i].gpus;
	return g;
}

/*
 * The commitments imported from FOCUS exports (capplan commitments list) that were held
 * during the week: from the first hour an export showed them (a bill proves no earlier
 * hour) to expires_by (unknown: still held). Counted as plan.c counts owned ones: the
 * average instances the export showed paid for, rounded, at the amortized price per
 * instance-hour. A spend-based commitment (a savings plan) names no instance count: it is
 * left out with a note, as the planner leaves it to the config.
 */
static int owned_load(struct weekly *w, struct store *st, struct err *e)
{
	struct store_commitment *v = NULL;
	struct store_offering *so = NULL;
	int64_t ws = w->rw.week_start, we = ws + WK * TM_HOUR;
	size_t n = 0, nso = 0, i, k, o;
	int rc;

	if ((rc = store_commitments_list(st, NULL, &v, &n, e)) < 0 ||
	    (rc = store_offerings_list(st, NULL, NULL, &so, &nso, e)) < 0)
		goto out;
	if ((w->held = calloc(n + 1, sizeof(*w->held))) == NULL ||
	    (w->held_ids = calloc(n + 1, sizeof(*w->held_ids))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct store_commitment *c = &v[i];
		int64_t from = c->first_seen > ws ? c->first_seen : ws;
		int64_t until = c->expires_by && c->expires_by < we ? c->expires_by : we;
		int count = (int)floor(c->instances + 0.5);
		struct reports_held *h = &w->held[w->nheld];
		struct offering of;
		char id[160];

		if (c->gpu_model[0] == '\0' || from >= until)
			continue;	/* not a GPU commitment, or not held during the week */
		if (strcasecmp(c->category, "Spend") == 0 || c->instance_type[0] == '\0' ||
		    count < 1 || !(c->effective_hourly >= 0)) {
			note(w, "commitment %s (%s) names no instance count: not counted as used",
			     c->id, c->type[0] ? c->type : "spend-based");
			continue;
		}
		memset(&of, 0, sizeof(of));
		for (k = 0; k < nso; k++)
			if (!strcasecmp(so[k].o.provider, c->provider) &&
			    !strcasecmp(so[k].o.region, c->region) &&
			    !strcasecmp(so[k].o.instance_type, c->instance_type))
				break;
		if (k < nso) {
			of = so[k].o;
		} else {	/* not in the catalog: what the export says, without list prices */
			snprintf(of.provider, sizeof(of.provider), "%s", c->provider);
			snprintf(of.region, sizeof(of.region), "%s", c->region);
			snprintf(of.instance_type, sizeof(of.instance_type), "%s", c->instance_type);
			snprintf(of.gpu_model, sizeof(of.gpu_model), "%s", c->gpu_model);
			of.gpus = c->gpus_per_instance > 0 ? c->gpus_per_instance : 1;
			of.ondemand = of.spot = of.reserved_1y = of.reserved_3y = NAN;
			of.spot_interruption = NAN;
		}
		providers_offering_id(&of, id, sizeof(id));
		if ((rc = offer_add(w, &of, id, &o, e)) < 0 || (rc = model_add(w, of.gpu_model, e)) < 0)
			goto out;
		snprintf(w->held_ids[w->nheld], sizeof(w->held_ids[0]), "%s", c->id);
		h->id = w->held_ids[w->nheld];
		h->offer = o;
		h->term = c->term_months >= 36;
		h->count = count;
		h->hourly = c->effective_hourly;
		h->from = from;
		h->until = until;
		h->expires_by = c->expires_by;
		if (from > ws || until < we)
			note(w, "commitment %s was held %lld of the week's %d hours (first seen in an "
			     "export, or expired)", c->id, (long long)((until - from) / TM_HOUR), WK);
		w->nheld++;
	}
out:
	free(v);
	free(so);
	return rc;
}

/*
 * Adds provider to the list (or marks it focus): see sources().
 */
static int prov_add(struct weekly *w, size_t *cap, const char *provider, int focus,
		    struct err *e)
{
	size_t i;

	for (i = 0; i < w->nprovs; i++)
		if (strcasecmp(w->provs[i].name, provider) == 0) {
			w->provs[i].focus |= focus;
			return 0;
		}
	if (w->nprovs == *cap) {
		size_t nc = *cap ? 2 * *cap : 4;
		struct prov_src *v = realloc(w->provs, nc * sizeof(*v));

		if (v == NULL)
			return err_nomem(e);
		w->provs = v;
		*cap = nc;
	}
	snprintf(w->provs[w->nprovs].name, sizeof(w->provs[0].name), "%s", provider);
	w->provs[w->nprovs++].focus = focus;
	return 0;
}

static int prov_cmp(const void *a, const void *b)
{
	return strcmp(((const struct prov_src *)a)->name, ((const struct prov_src *)b)->name);
}

/*
 * Whose commitments "as used" counts, per provider. A FinOps team imports one provider's
 * FOCUS export at a time, so the choice cannot be all or nothing: a provider is "focus"
 * when the store holds its FOCUS data for the week (an import of its export overlapping
 * the week, or one of its imported commitments held in the week), and then what the export
 * shows held is all that counts for it (an export that shows none held means none, not the
 * plan's). Every other provider where the plan reserved capacity keeps the plan's. Runs
 * after owned_load (w->held) and before anything counts commitments.
 */
static int sources(struct weekly *w, struct store *st, const struct plan_result *pl,
		   struct err *e)
{
	int64_t ws = w->rw.week_start;
	char **fp = NULL;
	size_t nfp = 0, cap = 0, i, k, nfocus = 0;
	int rc;

	if ((rc = store_usage_focus_providers(st, ws, ws + WK * TM_HOUR, &fp, &nfp, e)) < 0)
		goto out;
	for (i = 0; i < nfp; i++)
		if ((rc = prov_add(w, &cap, fp[i], 1, e)) < 0)
			goto out;
	for (i = 0; i < w->nheld; i++)
		if ((rc = prov_add(w, &cap, w->offs[w->held[i].offer].provider, 1, e)) < 0)
			goto out;
	for (i = 0; pl && i < pl->noffers; i++)
		if (pl->rp.reserved[i * 2] + pl->rp.reserved[i * 2 + 1] > 0 &&
		    (rc = prov_add(w, &cap, pl->offers[i].provider, 0, e)) < 0)
			goto out;
	if (w->nprovs)
		qsort(w->provs, w->nprovs, sizeof(*w->provs), prov_cmp);
	if ((w->by_provider = calloc(w->nprovs + 1, sizeof(*w->by_provider))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (i = 0; i < w->nprovs; i++) {
		const struct prov_src *ps = &w->provs[i];
		int planned_n = 0, held_n = 0;

		w->by_provider[i].provider = ps->name;
		w->by_provider[i].source = ps->focus ? "focus" : "plan";
		nfocus += ps->focus != 0;
		if (!ps->focus)
			continue;
		/* the plan reserved here but the export shows nothing held: say why it drops */
		for (k = 0; pl && k < pl->noffers; k++)
			if (strcasecmp(pl->offers[k].provider, ps->name) == 0)
				planned_n += pl->rp.reserved[k * 2] + pl->rp.reserved[k * 2 + 1];
		for (k = 0; k < w->nheld; k++)
			held_n += strcasecmp(w->offs[w->held[k].offer].provider, ps->name) == 0;
		if (planned_n > 0 && held_n == 0)
			note(w, "%s: its FOCUS export covers the week and shows no commitment "
			     "held, so the plan's %d %s commitments are not counted as used",
			     ps->name, planned_n, ps->name);
	}
	w->rw.commitments_source = w->nprovs == 0 ? (pl ? "plan" : NULL) :
				   nfocus == w->nprovs ? "focus" : nfocus ? "mixed" : "plan";
	w->rw.nby_provider = w->nprovs;
	w->rw.by_provider = w->by_provider;
out:
	store_strv_free(fp, nfp);
	return rc;
}

/*
 * As used: the commitments held (per provider, imported from FOCUS exports when the store
 * has the provider's for the week, else p's), the rest of each hour's real demand bought
 * cheapest under p.
 */
static int used(struct weekly *w, const struct plan_result *p, struct err *e)
{
	int64_t ws = w->rw.week_start;
	size_t n = p->noffers, t, i, m, k, covered = 0, seen = 0;
	size_t *idx = NULL;
	int *gpus = NULL;
	double *sp = NULL, *od = NULL, *so = NULL, *oo = NULL;
	int rc = 0;

	if ((idx = calloc(n + 1, sizeof(*idx))) == NULL || (gpus = calloc(n + 1, sizeof(int))) ==
	    NULL || (sp = calloc(n + 1, sizeof(double))) == NULL ||
	    (od = calloc(n + 1, sizeof(double))) == NULL ||
	    (so = calloc(n + 1, sizeof(double))) == NULL ||
	    (oo = calloc(n + 1, sizeof(double))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (t = 0; t < WK; t++) {
		int64_t ts = ws + (int64_t)t * TM_HOUR;
		int any = 0;

		for (m = 0; m < w->nmodels; m++)
			any |= !isnan(ser(w, m, 0)[t]);
		if (!any)
			continue;
		seen++;
		if (ts < p->rp.start || ts >= p->rp.start + (int64_t)p->rp.nhours * TM_HOUR)
			continue;
		covered++;
		for (i = 0; i < w->nheld; i++) {
			const struct reports_held *hd = &w->held[i];

			if (ts >= hd->from && ts < hd->until)
				acc(w, REPORTS_USED, t / 24, hd->offer, hd->term, hd->count,
				    hd->count * hd->hourly);
		}
		for (i = 0; i < n; i++) {
			int r1 = p->rp.reserved[i * 2], r3 = p->rp.reserved[i * 2 + 1];

			if (prov_focus(w, p->offers[i].provider))
				continue;	/* counted from the imported ones above */
			if (r1 > 0)
				acc(w, REPORTS_USED, t / 24, plan_offer(w, p, i), 0, r1,
				    r1 * p->offers[i].reserved_1y);
			if (r3 > 0)
				acc(w, REPORTS_USED, t / 24, plan_offer(w, p, i), 1, r3,
				    r3 * p->offers[i].reserved_3y);
		}
		for (m = 0; m < w->nmodels; m++) {
			struct realize_hour h;
			double c;

			memset(&h, 0, sizeof(h));
			for (i = 0; i < n; i++)
				if (strcmp(p->offers[i].gpu_model, w->names[m]) == 0) {
					idx[h.n] = i;
					gpus[h.n] = p->offers[i].gpus;
					sp[h.n] = p->offers[i].spot;
					od[h.n] = p->offers[i].ondemand;
					h.n++;
				}
			h.idx = idx;
			h.gpus = gpus;
			h.spot = sp;
			h.ondemand = od;
			h.demand = ser(w, m, 0)[t];
			h.reserved_gpus = held_used(w, p, w->names[m], ts);
			h.max_spot_share = w->share;
			if (isnan(h.demand) || h.demand <= 0)
				continue;
			if (h.n == 0 && h.reserved_gpus >= h.demand - 1e-9)
				continue;	/* all held: nothing to buy */
			if (h.n == 0) {
				if (t == 0 || seen == 1)
					note(w, "%s had usage but the plan has no offering for it: its "
					     "spend as used is not counted", w->names[m]);
				continue;
			}
			if ((rc = realize_cover(&h, so, oo, &c, e)) < 0) {
				err_wrap(e, "pricing %s as used", w->names[m]);
				goto out;
			}
			for (k = 0; k < h.n; k++) {
				size_t o = plan_offer(w, p, idx[k]);

				if (so[k] > 0)
					acc(w, REPORTS_USED, t / 24, o, 2, so[k], so[k] * sp[k]);
				if (oo[k] > 0)
					acc(w, REPORTS_USED, t / 24, o, 3, oo[k], oo[k] * od[k]);
			}
		}
	}
	w->rw.has_usage = covered > 0;
	if (seen && covered < seen)
		note(w, "the plan covers %zu of the %zu hours with usage: spend as used counts those",
		     covered, seen);
	else if (seen < WK && seen)
		note(w, "usage was imported for %zu of the week's %d hours", seen, WK);
out:
	free(idx);
	free(gpus);
	free(sp);
	free(od);
	free(so);
	free(oo);
	return rc;
}

static double cents(double v)
{
	return round(v * 100) / 100;
}

/* Turns the accumulators into charges, each rounded to the cent once. */
static int make_charges(struct weekly *w, struct err *e)
{
	size_t b, d, o, k, n = 0, cap = 0;
	struct reports_charge *v = NULL, *nv;

	for (b = 0; b < REPORTS_NBASES; b++)
		for (d = 0; d < NDAYS; d++)
			for (o = 0; o < w->noffers; o++)
				for (k = 0; k < NSLOT; k++) {
					size_t i = ((b * NDAYS + d) * w->noffers + o) * NSLOT + k;
					struct reports_charge *c;
					double od = w->offs[o].ondemand;

					if (w->qty[i] <= 0)
						continue;
					if (n == cap) {
						cap = cap ? 2 * cap : 64;
						if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
							free(v);
							return err_nomem(e);
						}
						v = nv;
					}
					c = &v[n++];
					c->basis = (int)b;
					c->day = w->rw.week_start + (int64_t)d * TM_DAY;
					c->offer = o;
					c->type = k < 2 ? REPORTS_RESERVED : k == 2 ? REPORTS_SPOT :
					    REPORTS_ONDEMAND;
					c->term = k == 1;
					c->quantity = w->qty[i];
					c->gpu_hours = w->qty[i] * w->offs[o].gpus;
					c->cost = cents(w->cost[i]);
					c->list_cost = isnan(od) ? NAN : cents(w->qty[i] * od);
				}
	w->charges = v;
	w->ncharges = n;
	return 0;
}

/* Copies a stored series into the window at its hours. */
static void place(double *dst, int64_t ws, int64_t start, const double *v, size_t n, size_t lo,
		  size_t hi)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int64_t ts = start + (int64_t)i * TM_HOUR;
		int64_t t = (ts - ws) / TM_HOUR;

		if (ts < ws || t < (int64_t)lo || t >= (int64_t)hi)
			continue;
		dst[t] = v[i];
	}
}

static int load_forecast(struct weekly *w, struct store *st, size_t m, int64_t run, size_t lo,
			 size_t hi, struct err *e)
{
	static const char *const cols[5] = { "mean", "p10", "p90", "lo95", "hi95" };
	double *v = NULL;
	int64_t start;
	size_t n, c;
	int rc;

	for (c = 0; c < 5; c++) {
		if ((rc = store_forecast_get(st, run, w->names[m], cols[c], &start, &v, &n, e)) < 0)
			return rc;
		place(ser(w, m, 1 + (int)c), w->rw.week_start, start, v, n, lo, hi);
		free(v);
		v = NULL;
	}
	return 0;
}

/* Accuracy of last week's forecast: MASE against the seasonal naive of the history before. */
static int metrics(struct weekly *w, struct store *st, size_t m, struct reports_model_week *mw,
		   const struct plan_result *pl, struct err *e)
{
	const double *a = ser(w, m, 0), *mean = ser(w, m, 1), *p10 = ser(w, m, 2),
		     *p90 = ser(w, m, 3), *lo = ser(w, m, 4), *hi = ser(w, m, 5);
	double *hist = NULL, err_sum = 0, scale = 0;
	size_t t, n = 0, nerr = 0, nscale = 0, c80 = 0, c95 = 0, nband = 0, season;
	int64_t start;
	int rc;

	for (t = 0; t < WK; t++) {
		if (isnan(a[t]))
			continue;
		mw->demand_gpu_hours += a[t];
		if (pl || w->nheld) {
			double hr = held_used(w, pl, w->names[m], w->rw.week_start +
					      (int64_t)t * TM_HOUR);

			mw->reserved_gpu_hours += hr;
			mw->reserved_used_gpu_hours += fmin(a[t], hr);
		}
		if (!isnan(mean[t])) {
			err_sum += fabs(a[t] - mean[t]);
			nerr++;
		}
		if (!isnan(p10[t]) && !isnan(p90[t])) {
			nband++;
			c80 += a[t] >= p10[t] - 1e-9 && a[t] <= p90[t] + 1e-9;
			c95 += a[t] >= lo[t] - 1e-9 && a[t] <= hi[t] + 1e-9;
		}
	}
	mw->utilization = mw->reserved_gpu_hours > 0 ?
			  mw->reserved_used_gpu_hours / mw->reserved_gpu_hours : NAN;
	mw->coverage = mw->demand_gpu_hours > 0 ?
		       mw->reserved_used_gpu_hours / mw->demand_gpu_hours : NAN;
	mw->cover80 = nband ? (double)c80 / (double)nband : NAN;
	mw->cover95 = nband ? (double)c95 / (double)nband : NAN;
	mw->mase = NAN;
	if (nerr == 0)
		return 0;
	if ((rc = store_usage_series(st, w->names[m], INT64_MIN, w->rw.week_start - TM_HOUR,
				     &start, &hist, &n, e)) < 0)
		return rc;
	/* the in-sample error of the seasonal naive forecast: weekly when there is enough */
	season = n >= 2 * WK ? WK : n >= 48 ? 24 : 1;
	for (t = season; t < n; t++)
		if (!isnan(hist[t]) && !isnan(hist[t - season])) {
			scale += fabs(hist[t] - hist[t - season]);
			nscale++;
		}
	free(hist);
	if (nscale && scale > 0)
		mw->mase = (err_sum / (double)nerr) / (scale / (double)nscale);
	return 0;
}

/* The cheapest whole-instance all-on-demand cover of model m's real usage last week. */
static double ondemand_only(const struct weekly *w, size_t m, const double *a)
{
	double total = 0;
	size_t t, o;

	for (t = 0; t < WK; t++) {
		double best = INFINITY;

		if (isnan(a[t]) || a[t] <= 0)
			continue;
		for (o = 0; o < w->noffers; o++) {
			const struct offering *of = &w->offs[o];

			if (strcmp(of->gpu_model, w->names[m]) || isnan(of->ondemand))
				continue;
			best = fmin(best, ceil(a[t] / of->gpus - 1e-9) * of->ondemand);
		}
		if (isinf(best))
			return NAN;
		total += best;
	}
	return cents(total);
}

/* Next week's commitments with their break-even against on-demand. */
static int commitments(struct weekly *w, const struct plan_result *pn, struct err *e)
{
	size_t i, k, m, t;

	if ((w->commits = calloc(2 * pn->noffers + 1, sizeof(*w->commits))) == NULL)
		return err_nomem(e);
	for (i = 0; i < pn->noffers; i++)
		for (k = 0; k < 2; k++) {
			const struct offering *of = &pn->offers[i];
			struct reports_commit *c = &w->commits[w->ncommits];
			double od = of->ondemand, hgpus, use = 0;
			size_t nh = 0;

			if (pn->rp.reserved[i * 2 + k] <= 0)
				continue;
			if (isnan(od)) {	/* no on-demand here: the model's cheapest per GPU */
				double best = INFINITY;
				size_t o;

				for (o = 0; o < w->noffers; o++)
					if (!strcmp(w->offs[o].gpu_model, of->gpu_model) &&
					    !isnan(w->offs[o].ondemand))
						best = fmin(best, w->offs[o].ondemand /
							    w->offs[o].gpus);
				od = best * of->gpus;
			}
			c->offer = plan_offer(w, pn, i);
			c->term = (int)k;
			c->count = pn->rp.reserved[i * 2 + k];
			c->hourly = k ? of->reserved_3y : of->reserved_1y;
			c->breakeven = isinf(od) || od <= 0 ? NAN : c->hourly / od;
			/* expected use: the share of the held GPUs next week's mean forecast fills */
			hgpus = held(pn, of->gpu_model);
			c->expected_use = NAN;
			for (m = 0; m < w->nmodels; m++)
				if (!strcmp(w->names[m], of->gpu_model))
					for (t = WK; t < WK2; t++)
						if (!isnan(ser(w, m, 1)[t]) && hgpus > 0) {
							use += fmin(1, ser(w, m, 1)[t] / hgpus);
							nh++;
						}
			if (nh)
				c->expected_use = use / (double)nh;
			c->weekly_saving = isnan(c->expected_use) || isinf(od) ? NAN :
				cents((c->expected_use * od - c->hourly) * c->count * WK);
			w->ncommits++;
		}
	return 0;
}

static yajl_val jget(yajl_val o, const char *k)
{
	const char *path[2] = { k, NULL };

	return yajl_tree_get(o, path, yajl_t_any);
}

/* Next week's demand as the plan saw it: the forecast run and quantile of its inputs. */
static int plan_inputs_demand(struct store *st, const char *inputs, struct plan_demand *d,
			      const char *quantile_override, struct err *e)
{
	yajl_val root = yajl_tree_parse(inputs, NULL, 0), run, q;
	char **models = NULL;
	size_t nmodels = 0, m, n, t;
	double *v = NULL;
	int64_t start, run_id;
	const char *quantile;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	run = root ? jget(root, "forecast_run") : NULL;
	q = root ? jget(root, "quantile") : NULL;
	if (!YAJL_IS_INTEGER(run)) {
		yajl_tree_free(root);
		return 1;	/* not a plan of the store's forecast */
	}
	run_id = YAJL_GET_INTEGER(run);
	quantile = quantile_override ? quantile_override : YAJL_IS_STRING(q) ? YAJL_GET_STRING(q) :
		   "p90";
	if ((rc = store_forecast_models(st, run_id, &models, &nmodels, e)) < 0)
		goto out;
	if (nmodels == 0) {
		rc = 1;
		goto out;
	}
	d->models = models;
	d->nmodels = nmodels;
	models = NULL;
	for (m = 0; m < nmodels; m++) {
		if ((rc = store_forecast_get(st, run_id, d->models[m], quantile, &start, &v, &n,
					     e)) < 0)
			goto out;
		if (m == 0) {
			d->start = start;
			d->nhours = n;
			if ((d->gpus = calloc(nmodels * n + 1, sizeof(double))) == NULL) {
				rc = err_nomem(e);
				goto out;
			}
		} else if (start != d->start || n != d->nhours) {
			rc = 1;
			goto out;
		}
		for (t = 0; t < n; t++)
			d->gpus[m * n + t] = v[t];
		free(v);
		v = NULL;
	}
out:
	free(v);
	store_strv_free(models, nmodels);
	if (rc != 0)
		plan_demand_release(d);
	yajl_tree_free(root);
	return rc;
}

static int lever_cmp(const void *a, const void *b)
{
	double x = fabs(((const struct reports_lever *)a)->saving);
	double y = fabs(((const struct reports_lever *)b)->saving);

	return (x < y) - (x > y);
}

/*
 * The three largest levers, on the LP relaxation of next week's plan: each binding quota by
 * the solver's dual (a tenth more quota), and by re-planning with one thing moved at a
 * time: the spot share up 10 points, the covered quantile down to the median, each provider
 * left out. The re-plans are finite differences: they price the whole step, not the first
 * unit, so a constraint that stops binding half-way is not over-counted.
 */
static int levers(struct weekly *w, struct store *st, struct config *cfg, const char *inputs,
		  struct err *e)
{
	struct plan_opts po = PLAN_OPTS_INIT;
	struct store_offering *so = NULL;
	struct offering *offs = NULL, *sub = NULL;
	struct plan_demand d, d50;
	struct plan_result *r = NULL;
	struct reports_lever cand[16];
	char names[16][96], whats[16][200], buf[32], prov[8][16];
	size_t n = 0, nc = 0, i, j, np = 0, ns;
	double base, share;
	int rc, have50 = 0;
	const char *q = config_str(cfg, "policy.cover_quantile", "p90");

	memset(&d, 0, sizeof(d));
	memset(&d50, 0, sizeof(d50));
	po.relax = 1;
	po.time_limit = 20;
	if ((rc = plan_inputs_demand(st, inputs, &d, NULL, e)) != 0) {
		if (rc > 0) {
			note(w, "levers need next week's plan to come from a stored forecast: none");
			rc = 0;
		}
		goto out;
	}
	if ((rc = store_offerings_list(st, NULL, NULL, &so, &n, e)) < 0)
		goto out;
	if ((offs = calloc(n + 1, sizeof(*offs))) == NULL || (sub = calloc(n + 1,
								      sizeof(*sub))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (i = 0; i < n; i++)
		offs[i] = so[i].o;
	po.duals = 1;
	if ((rc = plan_run(&r, offs, n, &d, cfg, &po, e)) < 0)
		goto soft;
	po.duals = 0;
	base = r->rp.total_cost;
	/* quotas are priced by the solver's duals: USD per GPU (or vCPU) of quota over the
	 * horizon, scaled here to a step of a tenth of the quota (at least one unit) */
	for (i = 0; r->sp->quota_value && i < r->nquotas && nc < 8; i++) {
		const struct solver_quota *qu = &r->quotas[i];
		double step = fmax(1, floor(qu->limit / 10));

		if (!(r->sp->quota_value[i] > 0.005))
			continue;
		snprintf(names[nc], sizeof(names[0]), "quota %s/%s%s%s %.0f -> %.0f", qu->provider,
			 qu->region, qu->family ? " family " : "", qu->family ? qu->family : "",
			 qu->limit, qu->limit + step);
		snprintf(whats[nc], sizeof(whats[0]), "the quota binds: each more %s is worth %.2f "
			 "USD next week (solver dual)", qu->family ? "vCPU" : "GPU",
			 r->sp->quota_value[i]);
		cand[nc].saving = step * r->sp->quota_value[i];
		nc++;
	}
	plan_result_free(r);
	r = NULL;
	share = w->share;
	if (share < 1) {
		snprintf(buf, sizeof(buf), "%.17g", fmin(1, share + 0.1));
		if ((rc = config_set(cfg, "policy.max_spot_share", buf, e)) < 0)
			goto out;
		rc = plan_run(&r, offs, n, &d, cfg, &po, e);
		snprintf(buf, sizeof(buf), "%.17g", share);
		config_set(cfg, "policy.max_spot_share", buf, NULL);
		if (rc < 0)
			goto soft;
		snprintf(names[nc], sizeof(names[0]), "policy.max_spot_share %.2f -> %.2f", share,
			 fmin(1, share + 0.1));
		snprintf(whats[nc], sizeof(whats[0]), "allow %.0f%% of each hour's demand on spot "
			 "instead of %.0f%% (more interruptions to absorb)", 100 * fmin(1, share + 0.1),
			 100 * share);
		cand[nc].saving = base - r->rp.total_cost;
		nc++;
		plan_result_free(r);
		r = NULL;
	}
	if (strcmp(q, "p50") != 0 && plan_inputs_demand(st, inputs, &d50, "p50", e) == 0) {
		have50 = 1;
		if ((rc = plan_run(&r, offs, n, &d50, cfg, &po, e)) < 0)
			goto soft;
		snprintf(names[nc], sizeof(names[0]), "policy.cover_quantile %s -> p50", q);
		snprintf(whats[nc], sizeof(whats[0]), "plan on the median forecast instead of %s "
			 "(the shortfall is bought on demand when it comes)", q);
		cand[nc].saving = base - r->rp.total_cost;
		nc++;
		plan_result_free(r);
		r = NULL;
	}
	for (i = 0; i < n && np < 8; i++) {
		for (j = 0; j < np; j++)
			if (!strcmp(prov[j], offs[i].provider))
				break;
		if (j == np)
			snprintf(prov[np++], sizeof(prov[0]), "%s", offs[i].provider);
	}
	for (j = 0; j < np && np > 1 && nc < 16; j++) {
		/*
		 * The provider's offerings serve no GPU model rather than leave the catalog: a
		 * config commitment naming one is still an offering plan_run knows (as whatif's
		 * provider.NAME=off does it).
		 */
		for (ns = 0, i = 0; i < n; i++) {
			sub[ns] = offs[i];
			if (strcmp(offs[i].provider, prov[j]) == 0)
				sub[ns].gpu_model[0] = '\0';
			ns++;
		}
		if (plan_run(&r, sub, ns, &d, cfg, &po, e) < 0) {
			err_clear(e);
			snprintf(names[nc], sizeof(names[0]), "provider %s", prov[j]);
			snprintf(whats[nc], sizeof(whats[0]), "without %s no plan covers next week",
				 prov[j]);
			cand[nc].saving = -INFINITY;
			nc++;
			continue;
		}
		snprintf(names[nc], sizeof(names[0]), "provider %s", prov[j]);
		snprintf(whats[nc], sizeof(whats[0]), "%s carries part of the cheapest plan: "
			 "leaving it out would cost this much more", prov[j]);
		cand[nc].saving = base - r->rp.total_cost;
		if (cand[nc].saving > -0.005) {
			snprintf(whats[nc], sizeof(whats[0]), "%s is not needed: leaving it out costs "
				 "nothing", prov[j]);
		}
		nc++;
		plan_result_free(r);
		r = NULL;
	}
	for (i = 0; i < nc; i++) {
		cand[i].name = names[i];
		cand[i].what = whats[i];
	}
	qsort(cand, nc, sizeof(cand[0]), lever_cmp);
	for (i = 0; i < nc && w->nlevers < 3; i++) {
		size_t k = w->nlevers++;

		snprintf(w->lever_name[k], sizeof(w->lever_name[0]), "%s", cand[i].name);
		snprintf(w->lever_what[k], sizeof(w->lever_what[0]), "%s", cand[i].what);
		w->levers[k].name = w->lever_name[k];
		w->levers[k].what = w->lever_what[k];
		w->levers[k].saving = isinf(cand[i].saving) ? NAN : cents(cand[i].saving);
	}
	goto out;
soft:
	/* a lever that cannot be priced is a note, not a failed report */
	note(w, "levers not priced: %s", e->msg);
	err_clear(e);
	rc = 0;
out:
	(void)have50;
	plan_result_free(r);
	plan_demand_release(&d);
	plan_demand_release(&d50);
	free(offs);
	free(sub);
	free(so);
	return rc;
}

static int load_plan(struct store *st, int64_t from, int64_t end, struct plan_result **out,
		     char *idbuf, size_t idlen, char **inputs, const char *what, struct weekly *w,
		     struct err *e)
{
	char *json = NULL, name[64];
	int64_t id;
	int full, rc;

	*out = NULL;
	if ((rc = store_plan_covering(st, from, end, &id, &full, &json, inputs, e)) < 0)
		return rc;
	if (id == 0) {
		note(w, "no stored plan covers %s", what);
		return 0;
	}
	snprintf(name, sizeof(name), "plan %lld", (long long)id);
	rc = plan_from_json(out, json, name, e);
	free(json);
	if (rc < 0)
		return rc;
	snprintf(idbuf, idlen, "%lld", (long long)id);
	if (!full)
		note(w, "plan %lld covers only part of %s", (long long)id, what);
	return 0;
}

int weekly_build(struct weekly **out, struct store *st, struct config *cfg, int64_t week_start,
		 int want_levers, struct err *e)
{
	struct weekly *w = NULL;
	struct plan_result *pl = NULL, *pn = NULL;
	char **um = NULL, *in_l = NULL, *in_n = NULL;
	size_t num = 0, i, m, t;
	double *v = NULL;
	int64_t start, run;
	size_t n;
	int rc;

	*out = NULL;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return err_nomem(e);
	w->rw.week_start = week_start;
	tm_format_isoweek(week_start, w->week);
	w->rw.week = w->week;
	if ((rc = config_double(cfg, "policy.max_spot_share", 0.4, &w->share, e)) < 0)
		goto out;
	if ((rc = load_plan(st, week_start, week_start + WK * TM_HOUR, &pl, w->plan_id,
			    sizeof(w->plan_id), &in_l, "the week", w, e)) < 0 ||
	    (rc = load_plan(st, week_start + WK * TM_HOUR, week_start + WK2 * TM_HOUR, &pn,
			    w->next_plan_id, sizeof(w->next_plan_id), &in_n, "next week", w, e)) < 0)
		goto out;
	w->rw.plan_id = pl ? w->plan_id : NULL;
	w->rw.next_plan_id = pn ? w->next_plan_id : NULL;
	for (i = 0; pl && i < pl->noffers; i++)
		if ((rc = offer_add(w, &pl->offers[i], pl->ids[i], &n, e)) < 0 ||
		    (rc = model_add(w, pl->offers[i].gpu_model, e)) < 0)
			goto out;
	for (i = 0; pn && i < pn->noffers; i++)
		if ((rc = offer_add(w, &pn->offers[i], pn->ids[i], &n, e)) < 0 ||
		    (rc = model_add(w, pn->offers[i].gpu_model, e)) < 0)
			goto out;
	if ((rc = owned_load(w, st, e)) < 0)
		goto out;
	if ((rc = sources(w, st, pl, e)) < 0)
		goto out;
	/* the planner prices owned commitments at 0 (sunk cost): say so where the two differ */
	if (w->nheld && pl)
		note(w, "as used counts what the commitments imported from FOCUS exports cost; "
		     "the plan counted commitments already owned as sunk (0 USD), so planned "
		     "spend leaves them out");
	if ((rc = store_usage_models(st, &um, &num, e)) < 0)
		goto out;
	for (i = 0; i < num; i++)
		if ((rc = model_add(w, um[i], e)) < 0)
			goto out;
	/* qsort wants a real pointer even for zero items: an empty store has none */
	if (w->nmodels)
		qsort(w->names, w->nmodels, sizeof(*w->names), cmp_str);
	if ((w->ser = malloc((w->nmodels * NSER * WK2 + 1) * sizeof(double))) == NULL ||
	    (w->models = calloc(w->nmodels + 1, sizeof(*w->models))) == NULL ||
	    (w->qty = calloc(REPORTS_NBASES * NDAYS * w->noffers * NSLOT + 1, sizeof(double))) ==
	    NULL || (w->cost = calloc(REPORTS_NBASES * NDAYS * w->noffers * NSLOT + 1,
				      sizeof(double))) == NULL ||
	    (w->roffers = calloc(w->noffers + 1, sizeof(*w->roffers))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (i = 0; i < w->nmodels * NSER * WK2; i++)
		w->ser[i] = NAN;
	/* the series: usage, forecasts (last week's run for the week, the latest for the next) */
	for (m = 0; m < w->nmodels; m++) {
		if ((rc = store_usage_series(st, w->names[m], week_start,
					     week_start + (WK - 1) * TM_HOUR, &start, &v, &n, e)) < 0)
			goto out;
		place(ser(w, m, 0), week_start, start, v, n, 0, WK);
		free(v);
		v = NULL;
		if ((rc = store_forecast_covering(st, w->names[m], week_start,
						  week_start + WK * TM_HOUR, &run, e)) < 0 ||
		    (run && (rc = load_forecast(w, st, m, run, 0, WK, e)) < 0))
			goto out;
		if ((rc = store_forecast_covering(st, w->names[m], week_start + WK * TM_HOUR,
						  week_start + WK2 * TM_HOUR, &run, e)) < 0 ||
		    (run && (rc = load_forecast(w, st, m, run, WK, WK2, e)) < 0))
			goto out;
		/* last week: what "as used" counts as held; next week: what is planned */
		for (t = 0; t < WK2; t++)
			ser(w, m, 6)[t] = t < WK ? held_used(w, pl, w->names[m], week_start +
							     (int64_t)t * TM_HOUR) :
				held(pn, w->names[m]);
	}
	if (pl)
		planned(w, pl, REPORTS_PLANNED, 0, WK);
	if (pn)
		planned(w, pn, REPORTS_NEXT, WK, WK);
	if (pl && (rc = used(w, pl, e)) < 0)
		goto out;
	if ((rc = make_charges(w, e)) < 0)
		goto out;
	for (m = 0; m < w->nmodels; m++) {
		struct reports_model_week *mw = &w->models[m];

		mw->gpu_model = w->names[m];
		mw->nhours = WK2;
		mw->actual = ser(w, m, 0);
		mw->mean = ser(w, m, 1);
		mw->p10 = ser(w, m, 2);
		mw->p90 = ser(w, m, 3);
		mw->lo95 = ser(w, m, 4);
		mw->hi95 = ser(w, m, 5);
		mw->reserved = ser(w, m, 6);
		if ((rc = metrics(w, st, m, mw, pl, e)) < 0)
			goto out;
		mw->ondemand_only = ondemand_only(w, m, mw->actual);
	}
	if (pn && (rc = commitments(w, pn, e)) < 0)
		goto out;
	if (pn && want_levers && (rc = levers(w, st, cfg, in_n, e)) < 0)
		goto out;
	for (i = 0; i < w->noffers; i++) {
		struct reports_offer *ro = &w->roffers[i];

		ro->id = w->ids[i];
		ro->provider = w->offs[i].provider;
		ro->region = w->offs[i].region;
		ro->instance_type = w->offs[i].instance_type;
		ro->gpu_model = w->offs[i].gpu_model;
		ro->gpus = w->offs[i].gpus;
		ro->ondemand = w->offs[i].ondemand;
		ro->spot = w->offs[i].spot;
		ro->reserved[0] = w->offs[i].reserved_1y;
		ro->reserved[1] = w->offs[i].reserved_3y;
		ro->spot_interruption = w->offs[i].spot_interruption;
	}
	w->rw.noffers = w->noffers;
	w->rw.offers = w->roffers;
	w->rw.ncharges = w->ncharges;
	w->rw.charges = w->charges;
	w->rw.nmodels = w->nmodels;
	w->rw.models = w->models;
	w->rw.ncommits = w->ncommits;
	w->rw.commits = w->commits;
	w->rw.nlevers = w->nlevers;
	w->rw.levers = w->levers;
	w->rw.nheld = w->nheld;
	w->rw.held = w->held;
	w->rw.nnotes = w->nnotes;
	w->rw.notes = (const char *const *)w->notes;
	*out = w;
	w = NULL;
out:
	free(v);
	free(in_l);
	free(in_n);
	store_strv_free(um, num);
	plan_result_free(pl);
	plan_result_free(pn);
	weekly_free(w);
	return rc;
}
