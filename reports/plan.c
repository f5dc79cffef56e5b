/* A plan as JSON (the `plan --json` contract) and as a short Markdown summary. */
#include "reports/reports.h"
#include "reports/rp.h"
#include "util/jw.h"
#include "util/tm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const term_names[2] = { "1y", "3y" };

void rp_plan_json_obj(jw *w, const struct reports_plan *p, int with_risk)
{
	char ts[TM_ISO_LEN];
	size_t o, t, k;

	jw_obj(w);
	if (p->id)
		jw_kstr(w, "plan", p->id);
	tm_format(p->start, ts);
	jw_kstr(w, "start", ts);
	if (p->kind)
		jw_kstr(w, "kind", p->kind);
	jw_kint(w, "horizon_hours", (int64_t)p->nhours);
	jw_kmoney(w, "total_cost", p->total_cost);
	jw_key(w, "cost");
	jw_obj(w);
	jw_kmoney(w, "reserved", p->cost_reserved);
	jw_kmoney(w, "spot", p->cost_spot);
	jw_kmoney(w, "ondemand", p->cost_ondemand);
	jw_obj_end(w);
	jw_knum(w, "gap", p->gap);
	jw_kbool(w, "relaxed", p->relaxed);
	jw_kmoney(w, "ondemand_only_cost", p->ondemand_only_cost);
	jw_key(w, "reserved");
	jw_arr(w);
	for (o = 0; o < p->noffers; o++)
		for (k = 0; k < 2; k++)
			if (p->reserved[o * 2 + k] > 0) {
				jw_obj(w);
				jw_kstr(w, "offering", p->offers[o].id);
				jw_kstr(w, "term", term_names[k]);
				jw_kint(w, "count", p->reserved[o * 2 + k]);
				jw_kstr(w, "gpu_model", p->offers[o].gpu_model);
				jw_knum(w, "hourly", p->offers[o].reserved[k]);
				jw_obj_end(w);
			}
	jw_arr_end(w);
	jw_key(w, "hours");
	jw_arr(w);
	for (t = 0; t < p->nhours; t++) {
		tm_format(p->start + (int64_t)t * TM_HOUR, ts);
		jw_obj(w);
		jw_kstr(w, "timestamp", ts);
		for (k = 0; k < 2; k++) {
			const double *c = k == 0 ? p->spot : p->ondemand;

			jw_key(w, k == 0 ? "spot" : "ondemand");
			jw_obj(w);
			for (o = 0; o < p->noffers; o++)
				if (c[o * p->nhours + t] > 0)
					jw_knum(w, p->offers[o].id, c[o * p->nhours + t]);
			jw_obj_end(w);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "offerings");
	jw_arr(w);
	for (o = 0; o < p->noffers; o++) {
		const struct reports_offer *of = &p->offers[o];

		jw_obj(w);
		jw_kstr(w, "offering", of->id);
		jw_kstr(w, "provider", of->provider);
		jw_kstr(w, "region", of->region);
		jw_kstr(w, "instance_type", of->instance_type);
		jw_kstr(w, "gpu_model", of->gpu_model);
		jw_knum(w, "gpus_per_instance", of->gpus);
		jw_knum(w, "ondemand_hourly", of->ondemand);
		jw_knum(w, "spot_hourly", of->spot);
		jw_knum(w, "reserved_1y_hourly", of->reserved[0]);
		jw_knum(w, "reserved_3y_hourly", of->reserved[1]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	if (p->nduals) {
		jw_key(w, "duals");
		jw_arr(w);
		for (o = 0; o < p->nduals; o++) {
			const struct reports_dual *d = &p->duals[o];

			jw_obj(w);
			jw_kstr(w, "constraint", d->kind);
			if (d->provider)
				jw_kstr(w, "provider", d->provider);
			if (d->region)
				jw_kstr(w, "region", d->region);
			if (d->family)
				jw_kstr(w, "family", d->family);
			jw_kmoney(w, "saves_usd", d->usd);
			jw_obj_end(w);
		}
		jw_arr_end(w);
	}
	if (with_risk) {
		jw_key(w, "risk");
		rp_risk_obj(w, p);
	}
	jw_obj_end(w);
}

int reports_plan_json(FILE *f, const struct reports_plan *p, struct err *e)
{
	jw *w = jw_new(0);
	int rc;

	if (w == NULL)
		return err_nomem(e);
	rp_plan_json_obj(w, p, 0);
	rc = jw_write(w, f, e);
	jw_free(w);
	return rc;
}

/* GPU-hours of one GPU model by purchase type: 0 reserved, 1 spot, 2 on-demand. */
static void gpu_hours(const struct reports_plan *p, const char *model, double out[3])
{
	size_t o, t;

	out[0] = out[1] = out[2] = 0;
	for (o = 0; o < p->noffers; o++) {
		if (model && strcmp(p->offers[o].gpu_model, model) != 0)
			continue;
		out[0] += p->offers[o].gpus * (double)(p->reserved[o * 2] + p->reserved[o * 2 + 1]) *
			  (double)p->nhours;
		for (t = 0; t < p->nhours; t++) {
			out[1] += p->offers[o].gpus * p->spot[o * p->nhours + t];
			out[2] += p->offers[o].gpus * p->ondemand[o * p->nhours + t];
		}
	}
}

static double pct(double part, double whole)
{
	return whole > 0 ? 100.0 * part / whole : 0;
}

int reports_plan_md(FILE *f, const struct reports_plan *p, struct err *e)
{
	char from[TM_ISO_LEN], to[TM_ISO_LEN];
	double h[3], tot;
	size_t o, k, i;
	const char **models = NULL;
	size_t nmodels = 0;
	int any = 0;

	tm_format(p->start, from);
	tm_format(p->start + (int64_t)p->nhours * TM_HOUR, to);
	fprintf(f, "# capplan plan%s%s\n\n", p->id ? " " : "", p->id ? p->id : "");
	fprintf(f, "%zu hours from %s to %s.\n\n", p->nhours, from, to);
	if (p->kind)
		fprintf(f, "A purchase recommendation (`plan commitments`): its hours are demand "
			"levels sorted highest first, not a schedule to apply.\n\n");
	fprintf(f, "| | USD |\n|---|---:|\n");
	fprintf(f, "| **plan total** | **%.2f** |\n", p->total_cost);
	fprintf(f, "| reserved | %.2f |\n| spot | %.2f |\n| on-demand | %.2f |\n",
		p->cost_reserved, p->cost_spot, p->cost_ondemand);
	if (!isnan(p->ondemand_only_cost) && p->ondemand_only_cost > 0) {
		fprintf(f, "| all on-demand | %.2f |\n", p->ondemand_only_cost);
		fprintf(f, "| **saving** | **%.2f (%.1f%%)** |\n",
			p->ondemand_only_cost - p->total_cost,
			pct(p->ondemand_only_cost - p->total_cost, p->ondemand_only_cost));
	}
	if (p->gap > 0)
		fprintf(f, "\nThe time limit came first: this plan is within %.3f%% of the optimum.\n",
			100 * p->gap);
	if ((models = calloc(p->noffers + 1, sizeof(*models))) == NULL)
		return err_nomem(e);
	for (o = 0; o < p->noffers; o++) {
		for (i = 0; i < nmodels; i++)
			if (strcmp(models[i], p->offers[o].gpu_model) == 0)
				break;
		if (i == nmodels)
			models[nmodels++] = p->offers[o].gpu_model;
	}
	fprintf(f, "\n## Mix (GPU-hours)\n\n| GPU model | reserved | spot | on-demand |\n"
		   "|---|---:|---:|---:|\n");
	for (i = 0; i <= nmodels; i++) {
		gpu_hours(p, i < nmodels ? models[i] : NULL, h);
		tot = h[0] + h[1] + h[2];
		if (i < nmodels && tot == 0)
			continue;
		fprintf(f, "| %s | %.0f (%.0f%%) | %.0f (%.0f%%) | %.0f (%.0f%%) |\n",
			i < nmodels ? models[i] : "**all**", h[0], pct(h[0], tot), h[1],
			pct(h[1], tot), h[2], pct(h[2], tot));
	}
	free(models);
	fprintf(f, "\n## Reserved instances\n\n");
	for (o = 0; o < p->noffers; o++)
		for (k = 0; k < 2; k++)
			if (p->reserved[o * 2 + k] > 0) {
				if (!any)
					fprintf(f, "| offering | term | count | GPUs | USD/h each |\n"
						   "|---|---|---:|---:|---:|\n");
				any = 1;
				fprintf(f, "| %s | %s | %d | %.0f | %.4f |\n", p->offers[o].id,
					term_names[k], p->reserved[o * 2 + k],
					p->offers[o].gpus * p->reserved[o * 2 + k],
					p->offers[o].reserved[k]);
			}
	if (!any)
		fprintf(f, "None: reserving would not pay for itself over this demand.\n");
	return ferror(f) ? err_set(e, ERR_RUNTIME, "writing the report failed") : 0;
}
