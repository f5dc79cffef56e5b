#ifndef REPORTS_RP_H
#define REPORTS_RP_H
/* Private to reports/: helpers the renderers share. Not part of the module's face. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "reports/reports.h"
#include "util/jw.h"

/* Writes p as the plan --json object into w; with_risk adds "risk" (rp_risk_obj). */
void rp_plan_json_obj(jw *w, const struct reports_plan *p, int with_risk);
/* {"reserved_gpu_hours", "spot_gpu_hours", "ondemand_gpu_hours", "spot_share",
 *  "expected_interruptions", "reserved_instances", "reserved_gpus"} */
void rp_risk_obj(jw *w, const struct reports_plan *p);

/* A chart's data: up to 8 named series of n points, drawn as lines or a band. */
struct rp_chart {
	const char *title;
	const char *y_label;
	int64_t start;		/* x axis: hours from start */
	size_t n;
	double ymax;		/* 0 = from the data */
};

/* SVG charts (svg.c). Every label is escaped. */
void rp_svg_band(FILE *f, const struct rp_chart *c, const double *actual, const double *p10,
		 const double *p90, const double *lo95, const double *hi95, const double *mean,
		 const double *reserved, size_t split);
/* Stacked bars: ndays x REPORTS_NTYPES values. */
void rp_svg_stacked(FILE *f, const char *title, const int64_t *days, size_t ndays,
		    const double (*v)[REPORTS_NTYPES]);
/* Horizontal bars of shares 0..1 (NAN drawn as "n/a"). */
void rp_svg_bars(FILE *f, const char *title, const char *const *labels, const double *a,
		 const double *b, const char *a_name, const char *b_name, size_t n);

/* One sentence on whose commitments the week "as used" counted (weekly.c), plain text. */
void rp_source_line(const struct reports_weekly *w, char *out, size_t n);

/* Weekly report sums (weekly.c): whole cents. */
double rp_cents(double v);
double rp_sum(const struct reports_weekly *w, int basis, int type, const char *provider,
	      const char *model);
double rp_ondemand_only(const struct reports_weekly *w);
size_t rp_keys(const struct reports_weekly *w, int by_model, const char **out, size_t max);
void rp_next_forecast(const struct reports_model_week *m, double *mean, double *p10,
		      double *p90, double *peak);

extern const char *const rp_type_names[REPORTS_NTYPES];	/* "reserved", "spot", "on-demand" */
extern const char *const rp_term_names[2];

#endif
