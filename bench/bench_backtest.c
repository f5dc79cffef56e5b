/*
 * The backtest quality bar: on the last WEEKS weeks of the two hourly GPU series derived
 * from the Alibaba traces (../shared/data/gputrace/), with a catalog's prices, the default
 * policy's realized cost against the commitment heuristic, all on-demand, perfect
 * foresight (the weekly lower bound: no strategy pays less in any week) and the
 * perfect-foresight plan held from the start (the whole-window LP, an achievable reference
 * a policy that tops up can beat). Prints one table per series and one for both together;
 * a line counts the weeks where a strategy came in under the bound (0 unless it is broken).
 *
 * usage: bench_backtest OFFERINGS.csv DLRM.csv OPENB.csv [DLRM_GPU [OPENB_GPU [WEEKS [SHARE]]]]
 *   defaults: A100-40GB, T4, 4 weeks, max_spot_share 0.4. Both series are laid on one clock
 *   ending 2026-11-22T23:00Z (a Sunday), hour by hour.
 */
#include "planner/backtest.h"
#include "planner/load.h"
#include "util/csv.h"
#include "util/tm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct series {
	const char *model;
	double *v;
	size_t n;
};

static int read_series(const char *path, const char *col, struct series *s)
{
	csv_reader *r = NULL;
	struct err e = ERR_INIT;
	size_t cap = 0;
	int c;

	if (csv_open(&r, path, &e) < 0 || csv_next(r, &e) != 1) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	if ((c = csv_find(r, col)) < 0) {
		fprintf(stderr, "%s: no column %s\n", path, col);
		csv_free(r);
		return -1;
	}
	while (csv_next(r, &e) == 1) {
		if (s->n == cap) {
			cap = cap ? 2 * cap : 1024;
			s->v = realloc(s->v, cap * sizeof(double));
		}
		s->v[s->n++] = atof(csv_field(r, (size_t)c));
	}
	csv_free(r);
	return 0;
}

static int run(const char *title, const struct offering *offers, size_t noffers,
	       struct series *ss, size_t ns, size_t weeks, struct config *cfg)
{
	int64_t end = tm_from_civil(2026, 11, 23) * TM_DAY;
	struct plan_demand d;
	struct backtest_opts o;
	struct forecast_opts fo = FORECAST_OPTS_INIT;
	struct plan_opts po = PLAN_OPTS_INIT;
	struct backtest_result *r = NULL;
	struct err e = ERR_INIT;
	size_t m, t, maxn = 0, w, below = 0;
	struct timespec t0, t1;
	char ts[TM_ISO_LEN];

	for (m = 0; m < ns; m++)
		maxn = ss[m].n > maxn ? ss[m].n : maxn;
	memset(&d, 0, sizeof(d));
	d.nmodels = ns;
	d.models = calloc(ns, sizeof(char *));
	d.nhours = maxn;
	d.start = end - (int64_t)maxn * TM_HOUR;
	d.gpus = malloc(ns * maxn * sizeof(double));
	for (m = 0; m < ns; m++) {
		d.models[m] = strdup(ss[m].model);
		for (t = 0; t < maxn; t++)
			d.gpus[m * maxn + t] = t + ss[m].n >= maxn ? ss[m].v[t + ss[m].n - maxn] : NAN;
	}
	memset(&o, 0, sizeof(o));
	o.from = end - (int64_t)weeks * 168 * TM_HOUR;
	o.end = end;
	o.cfg = cfg;
	o.po = po;
	o.fo = fo;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (backtest_run(&r, offers, noffers, &d, NULL, &o, &e) < 0) {
		fprintf(stderr, "%s: %s\n", title, e.msg);
		plan_demand_release(&d);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("\n## %s: %zu weeks, spot share %.2f, commit to %s (%.1f s)\n\n", title, weeks,
	       r->max_spot_share, r->quantile,
	       (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
	printf("| strategy | USD | vs perfect foresight |\n|---|---:|---:|\n");
	printf("| policy (realized) | %.2f | %.3fx |\n", r->realized,
	       r->realized / r->perfect_foresight);
	printf("| commitment heuristic (same spot share) | %.2f | %.3fx |\n", r->heuristic,
	       r->heuristic / r->perfect_foresight);
	printf("| all on-demand | %.2f | %.3fx |\n", r->all_ondemand,
	       r->all_ondemand / r->perfect_foresight);
	printf("| perfect foresight (weekly lower bound) | %.2f | 1.000x |\n",
	       r->perfect_foresight);
	printf("| perfect-foresight plan held from the start | %.2f | %.3fx |\n",
	       r->perfect_foresight_hold, r->perfect_foresight_hold / r->perfect_foresight);
	printf("(its LP total %.2f)\n", r->perfect_foresight_lp);
	for (w = 0; w < r->nweeks; w++) {
		const struct backtest_week *k = &r->weeks[w];

		tm_format_date(k->start, ts);
		printf("  week %s: realized %.2f heuristic %.2f pf %.2f held-pf %.2f od %.2f held "
		       "%.0f/%.0f GPUs mae %.2f\n", ts, k->realized, k->heuristic,
		       k->perfect_foresight, k->perfect_foresight_hold, k->all_ondemand,
		       k->reserved_gpus, k->heuristic_reserved_gpus, k->forecast_mae);
		below += (k->realized < k->perfect_foresight - 1e-6) +
			 (k->heuristic < k->perfect_foresight - 1e-6);
	}
	printf("weeks where a strategy paid less than perfect foresight: %zu\n", below);
	backtest_result_free(r);
	plan_demand_release(&d);
	return 0;
}

int main(int argc, char **argv)
{
	struct offering *offers = NULL;
	struct series s[2];
	struct config *cfg = NULL;
	struct err e = ERR_INIT;
	size_t noffers = 0, weeks = 4;
	char share[32];
	int rc = 0;

	if (argc < 4) {
		fprintf(stderr, "usage: %s OFFERINGS.csv DLRM.csv OPENB.csv [DLRM_GPU [OPENB_GPU "
			"[WEEKS [SHARE [QUANTILE]]]]]\n", argv[0]);
		return 2;
	}
	memset(s, 0, sizeof(s));
	s[0].model = argc > 4 ? argv[4] : "A100-40GB";
	s[1].model = argc > 5 ? argv[5] : "T4";
	if (argc > 6)
		weeks = (size_t)atoi(argv[6]);
	if (load_offerings_csv(argv[1], &offers, &noffers, &e) < 0 || config_empty(&cfg, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	if (argc > 7) {
		snprintf(share, sizeof(share), "%s", argv[7]);
		config_set(cfg, "policy.max_spot_share", share, &e);
	}
	if (argc > 8)
		config_set(cfg, "policy.commit_quantile", argv[8], &e);
	if (read_series(argv[2], "gpu_in_use", &s[0]) < 0 ||
	    read_series(argv[3], "gpu_in_use_whole_devices", &s[1]) < 0)
		return 1;
	printf("# backtest on the derived Alibaba GPU series (%s as %s, %s as %s)\n", argv[2],
	       s[0].model, argv[3], s[1].model);
	rc |= run("DLRM alone", offers, noffers, &s[0], 1, weeks, cfg);
	rc |= run("OpenB alone", offers, noffers, &s[1], 1, weeks, cfg);
	rc |= run("both", offers, noffers, s, 2, weeks, cfg);
	free(s[0].v);
	free(s[1].v);
	free(offers);
	config_free(cfg);
	return rc ? 1 : 0;
}
