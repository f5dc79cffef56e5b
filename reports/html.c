/*
 * The weekly report as one self-contained HTML file: inline CSS and SVG, no scripts, no
 * fetches. Every string that comes from data (offering ids, GPU model names, notes) goes
 * through reports_html_escape(); numbers are formatted here and need none.
 */
#include "reports/reports.h"
#include "reports/rp.h"
#include "util/tm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char css[] =
	"body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#222;"
	"max-width:1100px}"
	"h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;"
	"margin-top:32px}h3{font-size:15px}"
	"table{border-collapse:collapse;margin:8px 0 16px}"
	"td,th{border:1px solid #ddd;padding:4px 8px;font-size:13px;max-width:420px;"
	"overflow-wrap:anywhere;word-break:break-word}"
	"th{background:#f4f6f8;text-align:left}td.n{text-align:right;font-variant-numeric:"
	"tabular-nums}"
	".cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;"
	"padding:10px 14px;min-width:150px}.card b{display:block;font-size:20px}"
	".card span{font-size:12px;color:#555}svg.chart{display:block;margin:8px 0;max-width:100%;"
	"height:auto}.note{color:#555;font-size:13px}";

static void esc(FILE *f, const char *s)
{
	reports_html_escape(f, s);
}

static void td_usd(FILE *f, double v)
{
	if (isnan(v))
		fprintf(f, "<td class=\"n\">n/a</td>");
	else
		fprintf(f, "<td class=\"n\">%.2f</td>", v);
}

static void td_pct(FILE *f, double v)
{
	if (isnan(v))
		fprintf(f, "<td class=\"n\">n/a</td>");
	else
		fprintf(f, "<td class=\"n\">%.1f%%</td>", 100 * v);
}

static void td_text(FILE *f, const char *s)
{
	fprintf(f, "<td>");
	esc(f, s);
	fprintf(f, "</td>");
}

static void card(FILE *f, double v, const char *what)
{
	fprintf(f, "<div class=\"card\"><b>");
	if (isnan(v))
		fprintf(f, "n/a");
	else
		fprintf(f, "%.2f", v);
	fprintf(f, "</b><span>%s</span></div>", what);
}

int reports_weekly_html(FILE *f, const struct reports_weekly *w, struct err *e)
{
	char a[TM_ISO_LEN], b[TM_ISO_LEN], line[1024];
	const char *keys[64];
	const char **labels = NULL;
	double od = rp_ondemand_only(w), used = rp_sum(w, REPORTS_USED, -1, NULL, NULL);
	double (*daily)[REPORTS_NTYPES] = NULL, *ua = NULL, *ub = NULL;
	int64_t days[14];
	size_t i, n, m;
	int k, u = w->has_usage;

	if ((daily = calloc(14, sizeof(*daily))) == NULL ||
	    (labels = calloc(w->nmodels + 1, sizeof(*labels))) == NULL ||
	    (ua = calloc(w->nmodels + 1, sizeof(double))) == NULL ||
	    (ub = calloc(w->nmodels + 1, sizeof(double))) == NULL) {
		free(daily);
		free(labels);
		free(ua);
		return err_nomem(e);
	}
	tm_format_date(w->week_start, a);
	tm_format_date(w->week_start + 6 * TM_DAY, b);
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		   "<title>capplan weekly report %s</title><style>%s</style></head><body>\n",
		w->week, css);
	fprintf(f, "<h1>capplan weekly report %s</h1>\n<p>%s to %s (UTC). Plan for the week: ",
		w->week, a, b);
	esc(f, w->plan_id ? w->plan_id : "none");
	fprintf(f, "; plan for next week: ");
	esc(f, w->next_plan_id ? w->next_plan_id : "none");
	fprintf(f, ".</p>\n<div class=\"cards\">");
	card(f, rp_sum(w, REPORTS_PLANNED, -1, NULL, NULL), "USD planned last week");
	card(f, u ? used : NAN, "USD as used last week");
	card(f, u && !isnan(od) ? rp_cents(od - used) : NAN, "USD saved vs all on-demand");
	card(f, rp_sum(w, REPORTS_NEXT, -1, NULL, NULL), "USD planned next week");
	fprintf(f, "</div>\n<h2>Last week</h2>\n<h3>Spend (USD)</h3>\n<table><tr><th></th>"
		   "<th>planned</th><th>used</th></tr>\n");
	for (k = 0; k < REPORTS_NTYPES; k++) {
		fprintf(f, "<tr><td>%s</td>", rp_type_names[k]);
		td_usd(f, rp_sum(w, REPORTS_PLANNED, k, NULL, NULL));
		td_usd(f, u ? rp_sum(w, REPORTS_USED, k, NULL, NULL) : NAN);
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "<tr><th>total</th>");
	td_usd(f, rp_sum(w, REPORTS_PLANNED, -1, NULL, NULL));
	td_usd(f, u ? used : NAN);
	fprintf(f, "</tr>\n<tr><td>all on-demand (real usage)</td><td></td>");
	td_usd(f, u ? od : NAN);
	fprintf(f, "</tr>\n<tr><th>saving vs all on-demand</th><td></td>");
	td_usd(f, u && !isnan(od) ? rp_cents(od - used) : NAN);
	fprintf(f, "</tr></table>\n");
	for (k = 0; k < 2; k++) {
		n = rp_keys(w, k, keys, 64);
		if (n == 0)
			continue;
		fprintf(f, "<h3>By %s (USD)</h3>\n<table><tr><th>%s</th><th>planned</th>"
			   "<th>used</th></tr>\n", k ? "GPU model" : "provider",
			k ? "GPU model" : "provider");
		for (i = 0; i < n; i++) {
			fprintf(f, "<tr>");
			td_text(f, keys[i]);
			td_usd(f, rp_sum(w, REPORTS_PLANNED, -1, k ? NULL : keys[i], k ? keys[i] : NULL));
			td_usd(f, u ? rp_sum(w, REPORTS_USED, -1, k ? NULL : keys[i], k ? keys[i] : NULL)
				    : NAN);
			fprintf(f, "</tr>\n");
		}
		fprintf(f, "</table>\n");
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
						fprintf(f, "<h3>By provider, GPU model and purchase type "
							   "(USD)</h3>\n<table><tr><th>provider</th><th>GPU "
							   "model</th><th>type</th><th>planned</th><th>used"
							   "</th></tr>\n");
					any = 1;
					fprintf(f, "<tr>");
					td_text(f, pv[x]);
					td_text(f, gm[g]);
					fprintf(f, "<td>%s</td>", rp_type_names[k]);
					td_usd(f, pl);
					td_usd(f, us);
					fprintf(f, "</tr>\n");
				}
		if (any)
			fprintf(f, "</table>\n");
	}
	/* cost per day by purchase type: last week as used (or planned), next week planned */
	for (i = 0; i < w->ncharges; i++) {
		const struct reports_charge *c = &w->charges[i];
		size_t d = (size_t)((c->day - w->week_start) / TM_DAY);

		if (d < 14 && (c->basis == REPORTS_NEXT ||
			       c->basis == (u ? REPORTS_USED : REPORTS_PLANNED)))
			daily[d][c->type] += c->cost;
	}
	for (i = 0; i < 14; i++)
		days[i] = w->week_start + (int64_t)i * TM_DAY;
	rp_svg_stacked(f, u ? "Cost per day by purchase type (last week as used, next week planned)"
			    : "Cost per day by purchase type (planned)", days, 14,
		       (const double (*)[REPORTS_NTYPES])daily);
	fprintf(f, "<h3>Commitments and forecast accuracy</h3>\n<p>");
	rp_source_line(w, line, sizeof(line));
	esc(f, line);
	fprintf(f, "</p>\n<table><tr><th>GPU model</th>"
		   "<th>real GPU-hours</th><th>reserved GPU-hours</th><th>utilization</th>"
		   "<th>coverage</th><th>MASE</th><th>in 80%% band</th><th>in 95%% band</th></tr>\n");
	for (m = 0; m < w->nmodels; m++) {
		const struct reports_model_week *x = &w->models[m];

		fprintf(f, "<tr>");
		td_text(f, x->gpu_model);
		fprintf(f, "<td class=\"n\">%.0f</td><td class=\"n\">%.0f</td>", x->demand_gpu_hours,
			x->reserved_gpu_hours);
		td_pct(f, x->utilization);
		td_pct(f, x->coverage);
		if (isnan(x->mase))
			fprintf(f, "<td class=\"n\">n/a</td>");
		else
			fprintf(f, "<td class=\"n\">%.2f</td>", x->mase);
		td_pct(f, x->cover80);
		td_pct(f, x->cover95);
		fprintf(f, "</tr>\n");
		labels[m] = x->gpu_model;
		ua[m] = x->utilization;
		ub[m] = x->coverage;
	}
	fprintf(f, "</table>\n");
	rp_svg_bars(f, "Commitment utilization and coverage last week", labels, ua, ub,
		    "utilization (used / held)", "coverage (reserved / demand)", w->nmodels);
	fprintf(f, "<h2>Demand and forecast</h2>\n");
	for (m = 0; m < w->nmodels; m++) {
		const struct reports_model_week *x = &w->models[m];
		struct rp_chart c;
		char title[200];

		snprintf(title, sizeof(title), "%s: real usage vs forecast band (GPUs)", x->gpu_model);
		memset(&c, 0, sizeof(c));
		c.title = title;
		c.y_label = "";
		c.start = w->week_start;
		c.n = x->nhours;
		rp_svg_band(f, &c, x->actual, x->p10, x->p90, x->lo95, x->hi95, x->mean, x->reserved,
			    x->nhours / 2);
	}
	fprintf(f, "<h2>Next week</h2>\n<h3>Forecast (GPUs)</h3>\n<table><tr><th>GPU model</th>"
		   "<th>mean</th><th>p10</th><th>p90</th><th>peak p90</th></tr>\n");
	for (m = 0; m < w->nmodels; m++) {
		double mean, p10, p90, peak;

		rp_next_forecast(&w->models[m], &mean, &p10, &p90, &peak);
		fprintf(f, "<tr>");
		td_text(f, w->models[m].gpu_model);
		if (isnan(mean))
			fprintf(f, "<td>n/a</td><td>n/a</td><td>n/a</td><td>n/a</td>");
		else
			fprintf(f, "<td class=\"n\">%.1f</td><td class=\"n\">%.1f</td>"
				   "<td class=\"n\">%.1f</td><td class=\"n\">%.1f</td>", mean, p10, p90,
				peak);
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "</table>\n<h3>Fleet plan (USD)</h3>\n<table><tr><th></th><th>planned</th></tr>\n");
	for (k = 0; k < REPORTS_NTYPES; k++) {
		fprintf(f, "<tr><td>%s</td>", rp_type_names[k]);
		td_usd(f, rp_sum(w, REPORTS_NEXT, k, NULL, NULL));
		fprintf(f, "</tr>\n");
	}
	fprintf(f, "<tr><th>total</th>");
	td_usd(f, rp_sum(w, REPORTS_NEXT, -1, NULL, NULL));
	fprintf(f, "</tr></table>\n<h3>Commitment recommendations</h3>\n");
	if (w->ncommits == 0)
		fprintf(f, "<p>None: next week's plan reserves nothing.</p>\n");
	else
		fprintf(f, "<table><tr><th>offering</th><th>term</th><th>count</th><th>USD/h each</th>"
			   "<th>break-even use</th><th>expected use</th><th>weekly saving USD</th>"
			   "</tr>\n");
	for (i = 0; i < w->ncommits; i++) {
		const struct reports_commit *c = &w->commits[i];

		fprintf(f, "<tr>");
		td_text(f, w->offers[c->offer].id);
		fprintf(f, "<td>%s</td><td class=\"n\">%d</td><td class=\"n\">%.4f</td>",
			rp_term_names[c->term], c->count, c->hourly);
		td_pct(f, c->breakeven);
		td_pct(f, c->expected_use);
		td_usd(f, c->weekly_saving);
		fprintf(f, "</tr>\n");
	}
	if (w->ncommits)
		fprintf(f, "</table>\n");
	fprintf(f, "<h3>Largest levers</h3>\n");
	if (w->nlevers == 0)
		fprintf(f, "<p>Not priced in this report.</p>\n");
	else
		fprintf(f, "<ol>\n");
	for (i = 0; i < w->nlevers; i++) {
		fprintf(f, "<li><b>");
		esc(f, w->levers[i].name);
		fprintf(f, "</b>: ");
		esc(f, w->levers[i].what);
		if (isnan(w->levers[i].saving))
			fprintf(f, " (no feasible plan without it)</li>\n");
		else
			fprintf(f, " (%s %.2f USD a week)</li>\n",
				w->levers[i].saving >= 0 ? "saves" : "costs", fabs(w->levers[i].saving));
	}
	if (w->nlevers)
		fprintf(f, "</ol>\n");
	if (w->nnotes) {
		fprintf(f, "<h2>Notes</h2>\n<ul class=\"note\">\n");
		for (i = 0; i < w->nnotes; i++) {
			fprintf(f, "<li>");
			esc(f, w->notes[i]);
			fprintf(f, "</li>\n");
		}
		fprintf(f, "</ul>\n");
	}
	fprintf(f, "</body></html>\n");
	free(daily);
	free(labels);
	free(ua);
	free(ub);
	return ferror(f) ? err_set(e, ERR_RUNTIME, "writing the report failed") : 0;
}
