/* Reading a plan's JSON back (the `plan --json` contract) with yajl's tree parser. */
#include "planner/plan.h"
#include "util/tm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

static double num(yajl_val v)
{
	return YAJL_IS_NUMBER(v) ? YAJL_GET_DOUBLE(v) : NAN;
}

static yajl_val get(yajl_val obj, const char *key)
{
	const char *path[2] = { key, NULL };

	return yajl_tree_get(obj, path, yajl_t_any);
}

/*
 * An offering's price from a plan file: absent or null is "no price" (NAN); anything else
 * must be finite and in 0..PROVIDERS_MAX_HOURLY, as the catalogs guarantee, because apply's
 * spend guard sums these (a negative or non-number price would let a plan slip under it).
 */
static int price(yajl_val o, const char *key, double *out, const char *name, size_t i,
		 struct err *e)
{
	yajl_val v = get(o, key);

	*out = NAN;
	if (v == NULL || YAJL_IS_NULL(v))
		return 0;
	if (!YAJL_IS_NUMBER(v) || !isfinite(YAJL_GET_DOUBLE(v)) || YAJL_GET_DOUBLE(v) < 0 ||
	    YAJL_GET_DOUBLE(v) > PROVIDERS_MAX_HOURLY)
		return err_set(e, ERR_INPUT, "%s: offerings[%zu] \"%s\" is not null or a number "
			       "in 0..%g", name, i, key, PROVIDERS_MAX_HOURLY);
	*out = YAJL_GET_DOUBLE(v);
	return 0;
}

int plan_from_json(struct plan_result **out, const char *json, const char *name,
		   struct err *e)
{
	char errbuf[256];
	yajl_val root, offs, hours, res, cost;
	struct plan_result *r = NULL;
	size_t n, nh, i, t, k;
	int rc = 0;

	*out = NULL;
	if ((root = yajl_tree_parse(json, errbuf, sizeof(errbuf))) == NULL) {
		errbuf[strcspn(errbuf, "\n")] = '\0';
		return err_set(e, ERR_INPUT, "%s: not valid JSON: %s", name, errbuf);
	}
	offs = get(root, "offerings");
	hours = get(root, "hours");
	res = get(root, "reserved");
	cost = get(root, "cost");
	if (!YAJL_IS_OBJECT(root) || !YAJL_IS_ARRAY(offs) || !YAJL_IS_ARRAY(hours) ||
	    !YAJL_IS_ARRAY(res) || !YAJL_IS_OBJECT(cost)) {
		rc = err_set(e, ERR_INPUT, "%s: not a capplan plan (needs \"offerings\", \"hours\", "
			     "\"reserved\" and \"cost\")", name);
		goto out;
	}
	n = YAJL_GET_ARRAY(offs)->len;
	nh = YAJL_GET_ARRAY(hours)->len;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->sp = calloc(1, sizeof(*r->sp))) == NULL ||
	    (r->offers = calloc(n + 1, sizeof(*r->offers))) == NULL ||
	    (r->ids = calloc(n + 1, sizeof(*r->ids))) == NULL ||
	    (r->roffers = calloc(n + 1, sizeof(*r->roffers))) == NULL ||
	    (r->sp->reserved = calloc(2 * n + 1, sizeof(int))) == NULL ||
	    (r->sp->spot = calloc(n * nh + 1, sizeof(double))) == NULL ||
	    (r->sp->ondemand = calloc(n * nh + 1, sizeof(double))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (i = 0; i < n; i++) {
		yajl_val o = YAJL_GET_ARRAY(offs)->values[i];
		const char *id = YAJL_GET_STRING(get(o, "offering"));
		const char *gm = YAJL_GET_STRING(get(o, "gpu_model"));
		struct offering *of = &r->offers[i];

		if (id == NULL || gm == NULL ||
		    sscanf(id, "%15[^/]/%47[^/]/%63s", of->provider, of->region,
			   of->instance_type) != 3) {
			rc = err_set(e, ERR_INPUT, "%s: offerings[%zu] has no valid \"offering\" id or "
				     "\"gpu_model\"", name, i);
			goto out;
		}
		snprintf(of->gpu_model, sizeof(of->gpu_model), "%s", gm);
		snprintf(r->ids[i], sizeof(r->ids[i]), "%s", id);
		of->gpus = 0;
		if (num(get(o, "gpus_per_instance")) >= 1 && num(get(o, "gpus_per_instance")) <= 64)
			of->gpus = (int)num(get(o, "gpus_per_instance"));
		if (of->gpus == 0) {
			rc = err_set(e, ERR_INPUT, "%s: offerings[%zu] \"gpus_per_instance\" is not a "
				     "whole number in 1..64", name, i);
			goto out;
		}
		if ((rc = price(o, "ondemand_hourly", &of->ondemand, name, i, e)) < 0 ||
		    (rc = price(o, "spot_hourly", &of->spot, name, i, e)) < 0 ||
		    (rc = price(o, "reserved_1y_hourly", &of->reserved_1y, name, i, e)) < 0 ||
		    (rc = price(o, "reserved_3y_hourly", &of->reserved_3y, name, i, e)) < 0)
			goto out;
		of->spot_interruption = NAN;
		r->roffers[i].id = r->ids[i];
		r->roffers[i].provider = of->provider;
		r->roffers[i].region = of->region;
		r->roffers[i].instance_type = of->instance_type;
		r->roffers[i].gpu_model = of->gpu_model;
		r->roffers[i].gpus = of->gpus;
		r->roffers[i].ondemand = of->ondemand;
		r->roffers[i].spot = of->spot;
		r->roffers[i].reserved[0] = of->reserved_1y;
		r->roffers[i].reserved[1] = of->reserved_3y;
	}
	for (k = 0; k < YAJL_GET_ARRAY(res)->len; k++) {
		yajl_val x = YAJL_GET_ARRAY(res)->values[k];
		const char *id = YAJL_GET_STRING(get(x, "offering"));
		const char *term = YAJL_GET_STRING(get(x, "term"));
		double c = num(get(x, "count"));

		for (i = 0; id && i < n; i++)
			if (strcmp(r->ids[i], id) == 0)
				break;
		if (id == NULL || i == n || term == NULL || !(c >= 0 && c <= 1e6) ||
		    (strcmp(term, "1y") && strcmp(term, "3y"))) {
			rc = err_set(e, ERR_INPUT, "%s: reserved[%zu] names no offering of the plan or "
				     "has a bad term or count", name, k);
			goto out;
		}
		r->sp->reserved[i * 2 + (term[0] == '3')] = (int)c;
	}
	for (t = 0; t < nh; t++) {
		yajl_val h = YAJL_GET_ARRAY(hours)->values[t];
		const char *ts = YAJL_GET_STRING(get(h, "timestamp"));
		int64_t when;

		if (ts == NULL || tm_parse(ts, &when) < 0) {
			rc = err_set(e, ERR_INPUT, "%s: hours[%zu] has no valid \"timestamp\"", name, t);
			goto out;
		}
		if (t == 0)
			r->rp.start = when;
		else if (when != r->rp.start + (int64_t)t * TM_HOUR) {
			rc = err_set(e, ERR_INPUT, "%s: hours[%zu] is not the hour after hours[%zu]",
				     name, t, t - 1);
			goto out;
		}
		for (k = 0; k < 2; k++) {
			yajl_val m = get(h, k == 0 ? "spot" : "ondemand");
			double *dst = k == 0 ? r->sp->spot : r->sp->ondemand;
			size_t j;

			if (m == NULL)
				continue;
			if (!YAJL_IS_OBJECT(m)) {
				rc = err_set(e, ERR_INPUT, "%s: hours[%zu] \"%s\" is not an object", name,
					     t, k == 0 ? "spot" : "ondemand");
				goto out;
			}
			for (j = 0; j < YAJL_GET_OBJECT(m)->len; j++) {
				const char *id = YAJL_GET_OBJECT(m)->keys[j];
				double c = num(YAJL_GET_OBJECT(m)->values[j]);

				for (i = 0; i < n; i++)
					if (strcmp(r->ids[i], id) == 0)
						break;
				if (i == n || !(c >= 0 && c <= 1e6)) {
					rc = err_set(e, ERR_INPUT, "%s: hours[%zu] names \"%s\", which is not "
						     "an offering of the plan, or a bad count", name, t, id);
					goto out;
				}
				dst[i * nh + t] = c;
			}
		}
	}
	r->noffers = n;
	r->sp->noptions = n;
	r->sp->nhours = nh;
	r->sp->total_cost = num(get(root, "total_cost"));
	r->sp->cost_reserved = num(get(cost, "reserved"));
	r->sp->cost_spot = num(get(cost, "spot"));
	r->sp->cost_ondemand = num(get(cost, "ondemand"));
	r->sp->gap = isnan(num(get(root, "gap"))) ? 0 : num(get(root, "gap"));
	r->rp.nhours = nh;
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
	r->rp.relaxed = YAJL_IS_TRUE(get(root, "relaxed"));
	{
		const char *kind = YAJL_GET_STRING(get(root, "kind"));

		if (kind && strcmp(kind, STORE_PLAN_COMMITMENTS) == 0)
			r->rp.kind = STORE_PLAN_COMMITMENTS;
	}
	r->rp.ondemand_only_cost = num(get(root, "ondemand_only_cost"));
	*out = r;
	r = NULL;
out:
	plan_result_free(r);
	yajl_tree_free(root);
	return rc;
}
