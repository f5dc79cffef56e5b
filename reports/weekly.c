/*
 * The weekly FinOps report as Markdown, JSON and FOCUS-style CSV. Every figure is a sum
 * of charges that were rounded to the cent once (see struct reports_charge), rounded again
 * after summing only to drop floating-point dust: so each format shows the same cents.
 */
#include "reports/reports.h"
#include "reports/rp.h"
#include "util/csv.h"
#include "util/jw.h"
#include "util/tm.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const basis_names[REPORTS_NBASES] = { "planned", "used", "next_week" };
static const char *const type_keys[REPORTS_NTYPES] = { "reserved", "spot", "ondemand" };
/* FOCUS PricingCategory values */
static const char *const focus_category[REPORTS_NTYPES] = { "Committed", "Dynamic", "Standard" };

double rp_cents(double v)
{
	return round(v * 100) / 100;
}

/* Sum of charges of a basis, filtered by type (-1 = all), provider and GPU model (NULL = all). */
double rp_sum(const struct reports_weekly *w, int basis, int type, const char *provider,
	      const char *model)
{
	double s = 0;
	size_t i;

	for (i = 0; i < w->ncharges; i++) {
		const struct reports_charge *c = &w->charges[i];
		const struct reports_offer *o = &w->offers[c->offer];

		if (c->basis != basis || (type >= 0 && c->type != type) ||
		    (provider && strcmp(o->provider, provider)) ||
		    (model && strcmp(o->gpu_model, model)))
			continue;
		s += c->cost;
	}
	return rp_cents(s);
}

double reports_weekly_total(const struct reports_weekly *w, int basis, int type, size_t offer)
{
	double s = 0;
	size_t i;

	for (i = 0; i < w->ncharges; i++) {
		const struct reports_charge *c = &w->charges[i];

		if (c->basis == basis && (type < 0 || c->type == type) &&
		    (offer == (size_t)-1 || c->offer == offer))
			s += c->cost;
	}
	return rp_cents(s);
}

/* The cheapest all-on-demand cover of last week's real usage, all models. */
double rp_ondemand_only(const struct reports_weekly *w)
{
	double s = 0;
	size_t m;

	for (m = 0; m < w->nmodels; m++) {
		if (isnan(w->models[m].ondemand_only))
			return NAN;
		s += w->models[m].ondemand_only;
	}
	return rp_cents(s);
}

/* Distinct providers (or GPU models) of the offerings that have charges, in order met. */
size_t rp_keys(const struct reports_weekly *w, int by_model, const char **out, size_t max)
{
	size_t i, j, n = 0;

	for (i = 0; i < w->ncharges; i++) {
		const struct reports_offer *o = &w->offers[w->charges[i].offer];
		const char *k = by_model ? o->gpu_model : o->provider;

		for (j = 0; j < n; j++)
			if (strcmp(out[j], k) == 0)
				break;
		if (j == n && n < max)
			out[n++] = k;
	}
	/* sorted, so that every format lists them in the same order whatever the plan's */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(out[j - 1], out[j]) > 0; j--) {
			const char *t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return n;
}

/* Appends to out (of size n, holding len bytes); truncates, never overflows. */
static size_t cat(char *out, size_t n, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static size_t cat(char *out, size_t n, size_t len, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (len + 1 >= n)
		return len;
	va_start(ap, fmt);
	k = vsnprintf(out + len, n - len, fmt, ap);
	va_end(ap);
	if (k < 0)
		return len;
	return len + (size_t)k < n ? len + (size_t)k : n - 1;
}

/* Some providers' commitments from FOCUS exports, the others' from the plan: each named. */
static void mixed_line(const struct reports_weekly *w, char *out, size_t n)
{
	size_t len = 0, i, k;

	len = cat(out, n, len, "Commitments as used, per provider:");
	for (i = 0; i < w->nby_provider; i++) {
		const struct reports_commit_source *s = &w->by_provider[i];
		const char *sep = i + 1 < w->nby_provider ? ";" : ".";
		size_t nh = 0;
		double h = 0;

		if (strcmp(s->source, "focus") != 0) {
			len = cat(out, n, len, " %s the week's plan's (no FOCUS export of %s "
				  "covers the week)%s", s->provider, s->provider, sep);
			continue;
		}
		for (k = 0; k < w->nheld; k++)
			if (strcmp(w->offers[w->held[k].offer].provider, s->provider) == 0) {
				nh++;
				h += (double)w->held[k].count * w->held[k].hourly;
			}
		if (nh)
			len = cat(out, n, len, " %s from FOCUS exports (%zu held, %.2f USD/h "
				  "when all are held)%s", s->provider, nh, h, sep);
		else
			len = cat(out, n, len, " %s from FOCUS exports (none held)%s", s->provider,
				  sep);
	}
}

/* One sentence on whose commitments "as used" counted (plain text, no markup). */
void rp_source_line(const struct reports_weekly *w, char *out, size_t n)
{
	double h = 0;
	size_t i;

	for (i = 0; i < w->nheld; i++)
		h += (double)w->held[i].count * w->held[i].hourly;
	if (w->commitments_source && strcmp(w->commitments_source, "focus") == 0)
		snprintf(out, n, "Commitments as used: %zu held, imported from FOCUS exports "
			 "(capplan commitments list), %.2f USD/h when all are held.", w->nheld, h);
	else if (w->commitments_source && strcmp(w->commitments_source, "mixed") == 0)
		mixed_line(w, out, n);
	else if (w->commitments_source)
		snprintf(out, n, "Commitments as used: the week's plan's (none imported from FOCUS "
			 "exports for the week).");
	else
		snprintf(out, n, "Commitments as used: none (no plan for the week, none imported).");
}

/* Average, average of two bounds and peak of a forecast column over next week. */
void rp_next_forecast(const struct reports_model_week *m, double *mean, double *p10,
		      double *p90, double *peak)
{
	size_t t, n = 0;

	*mean = *p10 = *p90 = *peak = 0;
	for (t = m->nhours / 2; t < m->nhours; t++) {
		if (isnan(m->mean[t]))
			continue;
		*mean += m->mean[t];
		*p10 += m->p10[t];
		*p90 += m->p90[t];
		*peak = fmax(*peak, m->p90[t]);
		n++;
	}
	if (n == 0) {
		*mean = *p10 = *p90 = *peak = NAN;
		return;
	}
	*mean /= (double)n;
	*p10 /= (double)n;
	*p90 /= (double)n;
}

static void md_pct(FILE *f, double v)
{
	if (isnan(v))
		fprintf(f, " n/a |");
	else
		fprintf(f, " %.1f%% |", 100 * v);
}

static void md_usd(FILE *f, double v)
{
	if (isnan(v))
		fprintf(f, " n/a |");
	else
		fprintf(f, " %.2f |", v);
}

/* Markdown cells must not break the table: pipes and newlines become spaces. */
static void md_text(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '|' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

int reports_weekly_md(FILE *f, const struct reports_weekly *w, struct err *e)
{
	char a[TM_ISO_LEN], b[TM_ISO_LEN], line[1024];
	const char *keys[64];
	double od = rp_ondemand_only(w);
	size_t i, n, m;
	int k, u = w->has_usage;

	tm_format_date(w->week_start, a);
	tm_format_date(w->week_start + 6 * TM_DAY, b);
	fprintf(f, "# capplan weekly report %s\n\n%s to %s (UTC). ", w->week, a, b);
	fprintf(f, "Plan for the week: %s; plan for next week: %s.\n\n",
		w->plan_id ? w->plan_id : "none", w->next_plan_id ? w->next_plan_id : "none");
	fprintf(f, "## Last week\n\n### Spend (USD)\n\n| | planned | used |\n|---|---:|---:|\n");
	for (k = 0; k < REPORTS_NTYPES; k++) {
		fprintf(f, "| %s |", rp_type_names[k]);
		md_usd(f, rp_sum(w, REPORTS_PLANNED, k, NULL, NULL));
		md_usd(f, u ? rp_sum(w, REPORTS_USED, k, NULL, NULL) : NAN);
		fprintf(f, "\n");
	}
	fprintf(f, "| **total** |");
	md_usd(f, rp_sum(w, REPORTS_PLANNED, -1, NULL, NULL));
	md_usd(f, u ? rp_sum(w, REPORTS_USED, -1, NULL, NULL) : NAN);
	fprintf(f, "\n| all on-demand (real usage) | |");
	md_usd(f, u ? od : NAN);
	fprintf(f, "\n| **saving vs all on-demand** | |");
	md_usd(f, u && !isnan(od) ? rp_cents(od - rp_sum(w, REPORTS_USED, -1, NULL, NULL)) : NAN);
	fprintf(f, "\n");
	for (k = 0; k < 2; k++) {
		n = rp_keys(w, k, keys, 64);
		if (n == 0)
			continue;
		fprintf(f, "\n### By %s (USD)\n\n| %s | planned | used |\n|---|---:|---:|\n",
			k ? "GPU model" : "provider", k ? "GPU model" : "provider");
		for (i = 0; i < n; i++) {
			fprintf(f, "| ");
			md_text(f, keys[i]);
			fprintf(f, " |");
			md_usd(f, rp_sum(w, REPORTS_PLANNED, -1, k ? NULL : keys[i], k ? keys[i] : NULL));
			md_usd(f, u ? rp_sum(w, REPORTS_USED, -1, k ? NULL : keys[i], k ? keys[i] : NULL)
				    : NAN);
			fprintf(f, "\n");
		}
	}
	{
		const char *pv[64], *gm[64];
		size_t np = rp_keys(w, 0, pv, 64), ng = rp_keys(w, 1, gm, 64), x, g;
		int any = 0;

		for (x = 0; x < np; x++)
			for (g = 0; g < ng; g++)
				for (k = 0; k < REPORTS_NTYPES; k++) {
					double pl = rp_sum(w, REPORTS_PLANNED, k, pv[x], gm[g]);
					double us = u ? rp_sum(w, REPORTS_USED, k, pv[x], gm[g]) : NAN;

					if (pl == 0 && !(us > 0))
						continue;
					if (!any)
						fprintf(f, "\n### By provider, GPU model and purchase type "
							   "(USD)\n\n| provider | GPU model | type | planned "
							   "| used |\n|---|---|---|---:|---:|\n");
					any = 1;
					fprintf(f, "| ");
					md_text(f, pv[x]);
					fprintf(f, " | ");
					md_text(f, gm[g]);
					fprintf(f, " | %s |", rp_type_names[k]);
					md_usd(f, pl);
					md_usd(f, us);
					fprintf(f, "\n");
				}
	}
	fprintf(f, "\n### Commitments and forecast accuracy\n\n");
	rp_source_line(w, line, sizeof(line));
	md_text(f, line);
	fprintf(f, "\n\n| GPU model | real GPU-hours | "
		   "reserved GPU-hours | utilization | coverage | MASE | in 80%% band | in 95%% band |\n"
		   "|---|---:|---:|---:|---:|---:|---:|---:|\n");
	for (m = 0; m < w->nmodels; m++) {
		const struct reports_model_week *x = &w->models[m];

		fprintf(f, "| ");
		md_text(f, x->gpu_model);
		fprintf(f, " | %.0f | %.0f |", x->demand_gpu_hours, x->reserved_gpu_hours);
		md_pct(f, x->utilization);
		md_pct(f, x->coverage);
		if (isnan(x->mase))
			fprintf(f, " n/a |");
		else
			fprintf(f, " %.2f |", x->mase);
		md_pct(f, x->cover80);
		md_pct(f, x->cover95);
		fprintf(f, "\n");
	}
	fprintf(f, "\n## Next week\n\n### Forecast (GPUs)\n\n| GPU model | mean | p10 | p90 | "
		   "peak p90 |\n|---|---:|---:|---:|---:|\n");
	for (m = 0; m < w->nmodels; m++) {
		double mean, p10, p90, peak;

		rp_next_forecast(&w->models[m], &mean, &p10, &p90, &peak);
		fprintf(f, "| ");
		md_text(f, w->models[m].gpu_model);
		if (isnan(mean))
			fprintf(f, " | n/a | n/a | n/a | n/a |\n");
		else
			fprintf(f, " | %.1f | %.1f | %.1f | %.1f |\n", mean, p10, p90, peak);
	}
	fprintf(f, "\n### Fleet plan (USD)\n\n| | planned |\n|---|---:|\n");
	for (k = 0; k < REPORTS_NTYPES; k++) {
		fprintf(f, "| %s |", rp_type_names[k]);
		md_usd(f, rp_sum(w, REPORTS_NEXT, k, NULL, NULL));
		fprintf(f, "\n");
	}
	fprintf(f, "| **total** |");
	md_usd(f, rp_sum(w, REPORTS_NEXT, -1, NULL, NULL));
	fprintf(f, "\n\n### Commitment recommendations\n\n");
	if (w->ncommits == 0)
		fprintf(f, "None: next week's plan reserves nothing.\n");
	else
		fprintf(f, "| offering | term | count | USD/h each | break-even use | expected use | "
			   "weekly saving USD |\n|---|---|---:|---:|---:|---:|---:|\n");
	for (i = 0; i < w->ncommits; i++) {
		const struct reports_commit *c = &w->commits[i];

		fprintf(f, "| ");
		md_text(f, w->offers[c->offer].id);
		fprintf(f, " | %s | %d | %.4f |", rp_term_names[c->term], c->count, c->hourly);
		md_pct(f, c->breakeven);
		md_pct(f, c->expected_use);
		md_usd(f, c->weekly_saving);
		fprintf(f, "\n");
	}
	fprintf(f, "\n### Largest levers\n\n");
	if (w->nlevers == 0)
		fprintf(f, "Not priced in this report.\n");
	for (i = 0; i < w->nlevers; i++) {
		fprintf(f, "%zu. **", i + 1);
		md_text(f, w->levers[i].name);
		fprintf(f, "**: ");
		md_text(f, w->levers[i].what);
		if (isnan(w->levers[i].saving))
			fprintf(f, " (no feasible plan without it)\n");
		else
			fprintf(f, " (%s %.2f USD a week)\n", w->levers[i].saving >= 0 ? "saves" : "costs",
				fabs(w->levers[i].saving));
	}
	if (w->nnotes) {
		fprintf(f, "\n## Notes\n\n");
		for (i = 0; i < w->nnotes; i++) {
			fprintf(f, "- ");
			md_text(f, w->notes[i]);
			fprintf(f, "\n");
		}
	}
	return ferror(f) ? err_set(e, ERR_RUNTIME, "writing the report failed") : 0;
}

static void json_spend(jw *j, const struct reports_weekly *w, int basis)
{
	const char *keys[64];
	size_t i, n;
	int k, by;

	jw_obj(j);
	jw_knum(j, "total", rp_sum(w, basis, -1, NULL, NULL));
	for (k = 0; k < REPORTS_NTYPES; k++)
		jw_knum(j, type_keys[k], rp_sum(w, basis, k, NULL, NULL));
	for (by = 0; by < 2; by++) {
		jw_key(j, by ? "by_gpu_model" : "by_provider");
		jw_obj(j);
		n = rp_keys(w, by, keys, 64);
		for (i = 0; i < n; i++) {
			jw_key(j, keys[i]);
			jw_obj(j);
			jw_knum(j, "total", rp_sum(w, basis, -1, by ? NULL : keys[i], by ? keys[i] : NULL));
			for (k = 0; k < REPORTS_NTYPES; k++)
				jw_knum(j, type_keys[k], rp_sum(w, basis, k, by ? NULL : keys[i],
								by ? keys[i] : NULL));
			jw_obj_end(j);
		}
		jw_obj_end(j);
	}
	jw_obj_end(j);
}

int reports_weekly_json(FILE *f, const struct reports_weekly *w, struct err *e)
{
	char ts[TM_ISO_LEN];
	double od = rp_ondemand_only(w);
	jw *j = jw_new(0);
	size_t i;
	int rc;

	if (j == NULL)
		return err_nomem(e);
	jw_obj(j);
	jw_kstr(j, "week", w->week);
	tm_format(w->week_start, ts);
	jw_kstr(j, "start", ts);
	tm_format(w->week_start + 7 * TM_DAY, ts);
	jw_kstr(j, "end", ts);
	jw_kstr(j, "plan", w->plan_id);
	jw_kstr(j, "next_plan", w->next_plan_id);
	jw_key(j, "last_week");
	jw_obj(j);
	jw_key(j, "planned");
	json_spend(j, w, REPORTS_PLANNED);
	jw_key(j, "used");
	if (w->has_usage)
		json_spend(j, w, REPORTS_USED);
	else
		jw_null(j);
	jw_kmoney(j, "all_ondemand", w->has_usage ? od : NAN);
	jw_knum(j, "savings_vs_all_ondemand", w->has_usage && !isnan(od) ?
		rp_cents(od - rp_sum(w, REPORTS_USED, -1, NULL, NULL)) : NAN);
	jw_key(j, "models");
	jw_arr(j);
	for (i = 0; i < w->nmodels; i++) {
		const struct reports_model_week *m = &w->models[i];

		jw_obj(j);
		jw_kstr(j, "gpu_model", m->gpu_model);
		jw_knum(j, "demand_gpu_hours", m->demand_gpu_hours);
		jw_knum(j, "reserved_gpu_hours", m->reserved_gpu_hours);
		jw_knum(j, "reserved_used_gpu_hours", m->reserved_used_gpu_hours);
		jw_knum(j, "commitment_utilization", m->utilization);
		jw_knum(j, "commitment_coverage", m->coverage);
		jw_knum(j, "mase", m->mase);
		jw_knum(j, "interval_coverage_80", m->cover80);
		jw_knum(j, "interval_coverage_95", m->cover95);
		jw_kmoney(j, "all_ondemand", m->ondemand_only);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_kstr(j, "commitments_source", w->commitments_source);
	jw_key(j, "commitments_source_by_provider");
	jw_obj(j);
	for (i = 0; i < w->nby_provider; i++)
		jw_kstr(j, w->by_provider[i].provider, w->by_provider[i].source);
	jw_obj_end(j);
	jw_key(j, "commitments_held");
	jw_arr(j);
	for (i = 0; i < w->nheld; i++) {
		const struct reports_held *h = &w->held[i];

		jw_obj(j);
		jw_kstr(j, "id", h->id);
		jw_kstr(j, "offering", w->offers[h->offer].id);
		jw_kstr(j, "term", rp_term_names[h->term]);
		jw_kint(j, "count", h->count);
		jw_knum(j, "hourly", h->hourly);
		jw_kint(j, "hours", (h->until - h->from) / TM_HOUR);
		if (h->expires_by) {
			tm_format(h->expires_by, ts);
			jw_kstr(j, "expires_by", ts);
		} else {
			jw_kstr(j, "expires_by", NULL);
		}
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_obj_end(j);
	jw_key(j, "next_week");
	jw_obj(j);
	jw_key(j, "plan");
	json_spend(j, w, REPORTS_NEXT);
	jw_key(j, "forecast");
	jw_arr(j);
	for (i = 0; i < w->nmodels; i++) {
		double mean, p10, p90, peak;

		rp_next_forecast(&w->models[i], &mean, &p10, &p90, &peak);
		jw_obj(j);
		jw_kstr(j, "gpu_model", w->models[i].gpu_model);
		jw_knum(j, "mean", mean);
		jw_knum(j, "p10", p10);
		jw_knum(j, "p90", p90);
		jw_knum(j, "peak_p90", peak);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_key(j, "commitments");
	jw_arr(j);
	for (i = 0; i < w->ncommits; i++) {
		const struct reports_commit *c = &w->commits[i];

		jw_obj(j);
		jw_kstr(j, "offering", w->offers[c->offer].id);
		jw_kstr(j, "term", rp_term_names[c->term]);
		jw_kint(j, "count", c->count);
		jw_knum(j, "hourly", c->hourly);
		jw_knum(j, "breakeven_use", c->breakeven);
		jw_knum(j, "expected_use", c->expected_use);
		jw_kmoney(j, "weekly_saving", c->weekly_saving);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_key(j, "levers");
	jw_arr(j);
	for (i = 0; i < w->nlevers; i++) {
		jw_obj(j);
		jw_kstr(j, "name", w->levers[i].name);
		jw_kstr(j, "what", w->levers[i].what);
		jw_kmoney(j, "weekly_saving", w->levers[i].saving);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_obj_end(j);
	jw_key(j, "charges");
	jw_arr(j);
	for (i = 0; i < w->ncharges; i++) {
		const struct reports_charge *c = &w->charges[i];

		jw_obj(j);
		jw_kstr(j, "basis", basis_names[c->basis]);
		tm_format_date(c->day, ts);
		jw_kstr(j, "day", ts);
		jw_kstr(j, "offering", w->offers[c->offer].id);
		jw_kstr(j, "pricing_category", type_keys[c->type]);
		if (c->type == REPORTS_RESERVED)
			jw_kstr(j, "term", rp_term_names[c->term]);
		jw_knum(j, "instance_hours", c->quantity);
		jw_knum(j, "gpu_hours", c->gpu_hours);
		jw_kmoney(j, "cost", c->cost);
		jw_kmoney(j, "list_cost", c->list_cost);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_key(j, "notes");
	jw_arr(j);
	for (i = 0; i < w->nnotes; i++)
		jw_str(j, w->notes[i]);
	jw_arr_end(j);
	jw_obj_end(j);
	rc = jw_write(j, f, e);
	jw_free(j);
	return rc;
}

int reports_weekly_csv(FILE *f, const struct reports_weekly *w, struct err *e)
{
	char a[TM_ISO_LEN], b[TM_ISO_LEN], q[64];
	size_t i;

	fprintf(f, "ChargePeriodStart,ChargePeriodEnd,ProviderName,RegionId,SkuId,PricingCategory,"
		   "CommitmentDiscountCategory,EffectiveCost,ListCost,ConsumedQuantity,ConsumedUnit,"
		   "BillingCurrency,x_Basis,x_OfferingId,x_GpuModel,x_GpuHours,x_CommitmentTerm\n");
	for (i = 0; i < w->ncharges; i++) {
		const struct reports_charge *c = &w->charges[i];
		const struct reports_offer *o = &w->offers[c->offer];

		tm_format(c->day, a);
		tm_format(c->day + TM_DAY, b);
		fprintf(f, "%s,%s,", a, b);
		csv_write_field(f, o->provider);
		fputc(',', f);
		csv_write_field(f, o->region);
		fputc(',', f);
		csv_write_field(f, o->instance_type);
		fprintf(f, ",%s,%s,%.2f,", focus_category[c->type],
			c->type == REPORTS_RESERVED ? "Usage" : "", c->cost);
		if (!isnan(c->list_cost))
			fprintf(f, "%.2f", c->list_cost);
		jw_format_number(c->quantity, q, sizeof(q));
		fprintf(f, ",%s,Hours,USD,%s,", q, basis_names[c->basis]);
		csv_write_field(f, o->id);
		fputc(',', f);
		csv_write_field(f, o->gpu_model);
		jw_format_number(c->gpu_hours, q, sizeof(q));
		fprintf(f, ",%s,%s\n", q, c->type == REPORTS_RESERVED ? rp_term_names[c->term] : "");
	}
	return ferror(f) ? err_set(e, ERR_RUNTIME, "writing the report failed") : 0;
}
