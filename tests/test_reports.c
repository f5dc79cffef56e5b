/*
 * reports/ and the commands that render through it: report weekly (every format against
 * golden files, hand-worked figures, HTML escaping, Chromium rendering), whatif and backtest
 * (hand-worked small cases), and bad flags.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "planner/backtest.h"
#include "planner/realize.h"
#include "planner/store.h"
#include "planner/store_prices.h"
#include "planner/store_reports.h"
#include "planner/store_usage.h"
#include "reports/reports.h"
#include "tests/testutil.h"
#include "util/csv.h"
#include "util/tm.h"

#define WK 168

/* 2026-W47 starts Monday 2026-11-16 */
static int64_t w47(void)
{
	return tm_from_civil(2026, 11, 16) * TM_DAY;
}

static yajl_val jpath(yajl_val v, const char *a, const char *b, const char *c)
{
	const char *p[4] = { a, b, c, NULL };

	return yajl_tree_get(v, p, yajl_t_any);
}

static double jnum(yajl_val v, const char *a, const char *b, const char *c)
{
	yajl_val x = jpath(v, a, b, c);

	return x && YAJL_IS_NUMBER(x) ? YAJL_GET_DOUBLE(x) : NAN;
}

/* A string member, "" when absent or not a string (never NULL: asserts compare it). */
static const char *jstr(yajl_val v, const char *a, const char *b)
{
	yajl_val x = jpath(v, a, b, NULL);
	const char *str = YAJL_IS_STRING(x) ? YAJL_GET_STRING(x) : NULL;

	return str ? str : "";
}

/* Members of a JSON object, 0 when it is not one. */
static size_t jlen(yajl_val v)
{
	return YAJL_IS_OBJECT(v) ? YAJL_GET_OBJECT(v)->len : 0;
}

/* Writes a plan through the plan --json writer and stores it. */
static void put_plan(struct store *st, struct reports_offer *ro, size_t no, int64_t start,
		     const int *reserved, const double *spot, const double *od, double rc,
		     double sc, double oc)
{
	struct reports_plan p;
	struct err e = ERR_INIT;
	char *json = NULL;
	size_t len = 0;
	int64_t id;
	FILE *f = open_memstream(&json, &len);

	memset(&p, 0, sizeof(p));
	p.start = start;
	p.nhours = WK;
	p.noffers = no;
	p.offers = ro;
	p.reserved = reserved;
	p.spot = spot;
	p.ondemand = od;
	p.cost_reserved = rc;
	p.cost_spot = sc;
	p.cost_ondemand = oc;
	p.total_cost = rc + sc + oc;
	p.ondemand_only_cost = NAN;
	CU_ASSERT_EQUAL_FATAL(reports_plan_json(f, &p, &e), 0);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(store_begin(st, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_plan_put(st, "plan", start, WK, p.total_cost, "{}", "{}", json,
					     &id, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_commit(st, &e), 0);
	free(json);
}

/*
 * report weekly takes "the latest plan covering the week": a `plan commitments` result (8760
 * sorted levels from the same start) covers every week on paper but is no schedule, so the
 * hourly plan 1 is the week's even though plan 2 is later and covers it fully.
 */
static void test_weekly_skips_commitments_plan(void)
{
	const char *dir = tu_tmpdir();
	struct store *st = NULL;
	struct err e = ERR_INIT;
	char *json = NULL, *inputs = NULL;
	int64_t id1 = 0, id2 = 0, id = -1, from = w47();
	int full = -1;

	CU_ASSERT_EQUAL_FATAL(store_open(&st, tu_path(dir, "st.db"), &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_begin(st, &e), 0);
	CU_ASSERT_EQUAL(store_plan_put(st, "plan", from, WK, 10, "{}", "{}", "{\"a\":1}", &id1,
				       &e), 0);
	CU_ASSERT_EQUAL(store_plan_put(st, "commitments", from, 8760, 5, "{}", "{}", "{\"b\":2}",
				       &id2, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_commit(st, &e), 0);
	CU_ASSERT_EQUAL(store_plan_covering(st, from, from + WK * TM_HOUR, &id, &full, &json,
					    &inputs, &e), 0);
	CU_ASSERT_EQUAL(id, id1);
	CU_ASSERT_EQUAL(full, 1);
	CU_ASSERT_STRING_EQUAL(json ? json : "", "{\"a\":1}");
	free(json);
	free(inputs);
	/* the week after: only the curve "covers" it, and it is not taken */
	CU_ASSERT_EQUAL(store_plan_covering(st, from + WK * TM_HOUR, from + 2 * WK * TM_HOUR, &id,
					    &full, &json, &inputs, &e), 0);
	CU_ASSERT_EQUAL(id, 0);
	CU_ASSERT_PTR_NULL(json);
	free(json);
	free(inputs);
	store_close(st);
}

static void put_forecast(struct store *st, const char *gpu, int64_t start, double mean,
			 double p10, double p90, double lo, double hi)
{
	double m[WK], a[WK], b[WK], c[WK], d[WK];
	struct err e = ERR_INIT;
	int64_t run;
	size_t t;

	for (t = 0; t < WK; t++) {
		m[t] = mean;
		a[t] = p10;
		b[t] = p90;
		c[t] = lo;
		d[t] = hi;
	}
	CU_ASSERT_EQUAL_FATAL(store_begin(st, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_forecast_run_new(st, "test", WK, "{}", &run, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_forecast_put(st, run, gpu, "test", start, WK, m, a, m, b, c, d,
						 &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_commit(st, &e), 0);
}

/*
 * The weekly fixture, worked by hand (see the asserts in test_weekly_figures):
 * offerings T4 (aws, 1 GPU: on-demand 0.5, spot 0.2, 1y 0.3, 3y 0.2) and A100 (gcp, 1 GPU:
 * on-demand 3.0, spot 1.0, 1y 2.0). Week 46: history, T4 2 or 3 GPUs by alternate days, A100
 * 1 or 2. Week 47 (reported): T4 3 GPUs every hour; A100 1 GPU the first 84 hours, 2 after.
 * Plan 1 (week 47): 2 T4 1y reserved, 1 T4 spot and 1 A100 on-demand every hour.
 * Plan 2 (week 48): 3 T4 3y reserved, 2 A100 on-demand every hour.
 * res1, when not NULL, replaces plan 1's reserved counts ([offering * 2 + term]).
 */
static const char *weekly_store_res(const char *gpu_t4, const char *region, const char *itype,
				    const int *res1_in)
{
	static char dir[600];
	struct store *st = NULL;
	struct err e = ERR_INIT;
	struct offering of[2];
	struct reports_offer ro[2];
	struct store_usage_row rows[4 * WK];
	char ids[2][160];
	int res1[4] = { 2, 0, 0, 0 }, res2[4] = { 0, 3, 0, 0 };
	double sp1[2 * WK], od1[2 * WK], sp2[2 * WK], od2[2 * WK];
	size_t t, n = 0, i;

	if (res1_in)
		memcpy(res1, res1_in, sizeof(res1));
	snprintf(dir, sizeof(dir), "%s", tu_tmpdir());
	CU_ASSERT_EQUAL_FATAL(store_open(&st, tu_path(dir, "capplan.db"), &e), 0);
	memset(of, 0, sizeof(of));
	snprintf(of[0].provider, sizeof(of[0].provider), "aws");
	snprintf(of[0].region, sizeof(of[0].region), "%s", region);
	snprintf(of[0].instance_type, sizeof(of[0].instance_type), "%s", itype);
	snprintf(of[0].gpu_model, sizeof(of[0].gpu_model), "%s", gpu_t4);
	of[0].gpus = 1;
	of[0].ondemand = 0.5;
	of[0].spot = 0.2;
	of[0].reserved_1y = 0.3;
	of[0].reserved_3y = 0.2;
	of[0].spot_interruption = NAN;
	snprintf(of[1].provider, sizeof(of[1].provider), "gcp");
	snprintf(of[1].region, sizeof(of[1].region), "us-central1");
	snprintf(of[1].instance_type, sizeof(of[1].instance_type), "a2-highgpu-1g");
	snprintf(of[1].gpu_model, sizeof(of[1].gpu_model), "A100-40GB");
	of[1].gpus = 1;
	of[1].ondemand = 3.0;
	of[1].spot = 1.0;
	of[1].reserved_1y = 2.0;
	of[1].reserved_3y = NAN;
	of[1].spot_interruption = NAN;
	CU_ASSERT_EQUAL_FATAL(store_begin(st, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_offerings_put(st, of, 2, "test", w47() - 30 * TM_DAY, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_commit(st, &e), 0);
	for (t = 0; t < 2 * WK; t++) {
		int64_t ts = w47() - WK * TM_HOUR + (int64_t)t * TM_HOUR;
		int hist = t < WK, day = (int)(t / 24) % 2;
		size_t tw = t - WK;

		rows[n].ts = ts;
		snprintf(rows[n].gpu_model, sizeof(rows[n].gpu_model), "%s", gpu_t4);
		rows[n++].gpus = hist ? 2 + day : 3;
		rows[n].ts = ts;
		snprintf(rows[n].gpu_model, sizeof(rows[n].gpu_model), "A100-40GB");
		rows[n++].gpus = hist ? 1 + day : tw < 84 ? 1 : 2;
	}
	CU_ASSERT_EQUAL_FATAL(store_begin(st, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_usage_put(st, "test", rows, n, w47() + 7 * TM_DAY, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_commit(st, &e), 0);
	put_forecast(st, gpu_t4, w47(), 2.5, 2.0, 3.0, 1.5, 3.5);
	put_forecast(st, "A100-40GB", w47(), 1.25, 1.0, 1.5, 0.5, 2.5);
	put_forecast(st, gpu_t4, w47() + WK * TM_HOUR, 3.0, 2.5, 3.5, 2.0, 4.0);
	put_forecast(st, "A100-40GB", w47() + WK * TM_HOUR, 2.0, 1.5, 2.5, 1.0, 3.0);
	for (i = 0; i < 2; i++) {
		providers_offering_id(&of[i], ids[i], sizeof(ids[i]));
		memset(&ro[i], 0, sizeof(ro[i]));
		ro[i].id = ids[i];
		ro[i].provider = of[i].provider;
		ro[i].region = of[i].region;
		ro[i].instance_type = of[i].instance_type;
		ro[i].gpu_model = of[i].gpu_model;
		ro[i].gpus = of[i].gpus;
		ro[i].ondemand = of[i].ondemand;
		ro[i].spot = of[i].spot;
		ro[i].reserved[0] = of[i].reserved_1y;
		ro[i].reserved[1] = of[i].reserved_3y;
	}
	for (t = 0; t < WK; t++) {
		sp1[t] = 1;		/* T4 spot */
		od1[t] = 0;
		sp1[WK + t] = 0;
		od1[WK + t] = 1;	/* A100 on demand */
		sp2[t] = sp2[WK + t] = od2[t] = 0;
		od2[WK + t] = 2;
	}
	put_plan(st, ro, 2, w47(), res1, sp1, od1, 100.8, 33.6, 504);
	put_plan(st, ro, 2, w47() + WK * TM_HOUR, res2, sp2, od2, 100.8, 0, 1008);
	store_close(st);
	return dir;
}

static const char *weekly_store(const char *gpu_t4, const char *region, const char *itype)
{
	return weekly_store_res(gpu_t4, region, itype, NULL);
}

static void golden(const char *name, const char *got)
{
	char rel[200];
	const char *path;
	char *want;

	snprintf(rel, sizeof(rel), "tests/data/reports/%s", name);
	path = tu_src(rel);
	if (getenv("CAPPLAN_UPDATE_GOLDEN")) {
		tu_write(path, got);
		return;
	}
	want = tu_read(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(want);
	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n%s differs from the output: CAPPLAN_UPDATE_GOLDEN=1 rewrites it "
			"once the change is checked\n", path);
	free(want);
}

static char *weekly(const char *dir, const char *format)
{
	char args[200], *out = NULL, *err = NULL;
	int rc;

	snprintf(args, sizeof(args), "--db capplan.db report weekly --week 2026-W47 --no-levers "
		 "--format %s", format);
	rc = tu_capplan(dir, args, &out, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0)
		fprintf(stderr, "%s\n", err);
	free(err);
	return out;
}

static void test_weekly_golden(void)
{
	const char *dir = weekly_store("T4", "us-east-1", "g4dn.xlarge");
	static const char *const fmts[4] = { "md", "json", "csv", "html" };
	char name[32];
	size_t i;

	for (i = 0; i < 4; i++) {
		char *out = weekly(dir, fmts[i]);

		snprintf(name, sizeof(name), "weekly.%s", fmts[i]);
		if (out)
			golden(name, out);
		free(out);
	}
}

/* The figures worked by hand, from the JSON, and the CSV's cents agree with them. */
static void test_weekly_figures(void)
{
	const char *dir = weekly_store("T4", "us-east-1", "g4dn.xlarge");
	char *json = weekly(dir, "json"), *csv = weekly(dir, "csv"), *md = weekly(dir, "md");
	yajl_val root, models;
	csv_reader *r = NULL;
	struct err e = ERR_INIT;
	double used = 0, planned = 0, next = 0, list = 0;
	int cost, basis, lc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(json);
	root = yajl_tree_parse(json, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	/* planned: 2 x 0.3 x 168 reserved, 1 x 0.2 x 168 spot, 1 x 3.0 x 168 on demand */
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "planned", "reserved"), 100.80, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "planned", "spot"), 33.60, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "planned", "ondemand"), 504.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "planned", "total"), 638.40, 1e-9);
	/* used: T4 3 GPUs = 2 held + 1 spot (cap floor(0.4 x 3) = 1); A100 has no spot room
	 * (floor(0.4 x 2) = 0): 84 h x 1 x 3.0 + 84 h x 2 x 3.0 = 756 */
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "spot"), 33.60, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "ondemand"), 756.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "total"), 890.40, 1e-9);
	/* all on-demand: T4 3 x 0.5 x 168 = 252, A100 756: 1008; saving 117.60 */
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "all_ondemand", NULL), 1008.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "savings_vs_all_ondemand", NULL), 117.60,
			       1e-9);
	/* nothing imported from FOCUS exports: the plan's commitments, as before */
	{
		yajl_val held = jpath(root, "last_week", "commitments_held", NULL);

		yajl_val src = jpath(root, "last_week", "commitments_source_by_provider", NULL);

		CU_ASSERT_STRING_EQUAL(jstr(root, "last_week", "commitments_source"), "plan");
		CU_ASSERT(YAJL_IS_ARRAY(held) && YAJL_GET_ARRAY(held)->len == 0);
		/* only aws has commitments (the plan's); gcp has none to count either way */
		CU_ASSERT_EQUAL(jlen(src), 1);
		CU_ASSERT_STRING_EQUAL(jstr(src, "aws", NULL), "plan");
	}
	models = jpath(root, "last_week", "models", NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(models) && YAJL_GET_ARRAY(models)->len == 2);
	{
		yajl_val a100 = YAJL_GET_ARRAY(models)->values[0], t4 = YAJL_GET_ARRAY(models)->values[1];

		/* T4: 2 held, all used (utilization 1), covering 2 of 3 GPUs */
		CU_ASSERT_DOUBLE_EQUAL(jnum(t4, "commitment_utilization", NULL, NULL), 1.0, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(t4, "commitment_coverage", NULL, NULL), 2.0 / 3, 1e-9);
		/* T4 MASE: |3 - 2.5| over the daily naive's error on week 46 (1): 0.5 */
		CU_ASSERT_DOUBLE_EQUAL(jnum(t4, "mase", NULL, NULL), 0.5, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(t4, "interval_coverage_80", NULL, NULL), 1.0, 1e-9);
		/* A100: errors 0.25 and 0.75 half the week each: 0.5; 2 GPUs leave p10..p90 */
		CU_ASSERT_DOUBLE_EQUAL(jnum(a100, "mase", NULL, NULL), 0.5, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(a100, "interval_coverage_80", NULL, NULL), 0.5, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(a100, "interval_coverage_95", NULL, NULL), 1.0, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(a100, "commitment_coverage", NULL, NULL), 0.0, 1e-9);
	}
	/* next week: 3 x 0.2 x 168 reserved + 2 x 3.0 x 168 on demand; the 3y T4 breaks even at
	 * 0.2 / 0.5 = 40% use, expected use 100% (mean 3 of 3 held): (0.5 - 0.2) x 3 x 168 */
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "next_week", "plan", "total"), 1108.80, 1e-9);
	{
		yajl_val c = jpath(root, "next_week", "commitments", NULL);

		CU_ASSERT_FATAL(YAJL_IS_ARRAY(c) && YAJL_GET_ARRAY(c)->len == 1);
		c = YAJL_GET_ARRAY(c)->values[0];
		CU_ASSERT_DOUBLE_EQUAL(jnum(c, "breakeven_use", NULL, NULL), 0.4, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(c, "expected_use", NULL, NULL), 1.0, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(c, "weekly_saving", NULL, NULL), 151.20, 1e-9);
	}
	yajl_tree_free(root);
	/* the CSV: one row per offering, day and category; its cents sum to the same totals */
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	CU_ASSERT_EQUAL_FATAL(csv_open_mem(&r, csv, strlen(csv), "weekly.csv", &e), 0);
	CU_ASSERT_EQUAL_FATAL(csv_next(r, &e), 1);
	cost = csv_find(r, "EffectiveCost");
	lc = csv_find(r, "ListCost");
	basis = csv_find(r, "x_Basis");
	CU_ASSERT_FATAL(cost >= 0 && basis >= 0 && lc >= 0);
	CU_ASSERT(csv_find(r, "ChargePeriodStart") == 0);
	CU_ASSERT(csv_find(r, "PricingCategory") >= 0 && csv_find(r, "ConsumedQuantity") >= 0 &&
		  csv_find(r, "ConsumedUnit") >= 0 && csv_find(r, "SkuId") >= 0 &&
		  csv_find(r, "RegionId") >= 0 && csv_find(r, "ProviderName") >= 0);
	while (csv_next(r, &e) == 1) {
		double v = atof(csv_field(r, (size_t)cost));
		const char *b = csv_field(r, (size_t)basis);

		if (strcmp(b, "used") == 0) {
			used += v;
			list += atof(csv_field(r, (size_t)lc));
		} else if (strcmp(b, "planned") == 0) {
			planned += v;
		} else {
			next += v;
		}
	}
	csv_free(r);
	CU_ASSERT_DOUBLE_EQUAL(used, 890.40, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(planned, 638.40, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(next, 1108.80, 1e-6);
	/* list: every used instance-hour at on-demand: T4 3 x 0.5 x 168 + A100 756 */
	CU_ASSERT_DOUBLE_EQUAL(list, 1008.00, 1e-6);
	/* Markdown shows the same cents */
	CU_ASSERT_PTR_NOT_NULL(md && strstr(md, "| **total** | 638.40 | 890.40 |"));
	CU_ASSERT_PTR_NOT_NULL(md && strstr(md, "| **saving vs all on-demand** | | 117.60 |"));
	CU_ASSERT_PTR_NOT_NULL(md && strstr(md, "Commitments as used: the week's plan's (none "
					    "imported from FOCUS exports for the week)."));
	free(json);
	free(csv);
	free(md);
}

static void commitment(struct store_commitment *c, const char *id, const char *provider,
		       const char *region, const char *category, const char *itype,
		       const char *gpu, double instances, double hourly, int64_t first_seen,
		       int term_months, int64_t expires_by)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->source, sizeof(c->source), "focus:%s", provider);
	snprintf(c->provider, sizeof(c->provider), "%s", provider);
	snprintf(c->region, sizeof(c->region), "%s", region);
	snprintf(c->category, sizeof(c->category), "%s", category);
	snprintf(c->type, sizeof(c->type), "%s", strcmp(category, "Spend") ? "Reserved Instance" :
		 "Savings Plan");
	snprintf(c->instance_type, sizeof(c->instance_type), "%s", itype);
	snprintf(c->gpu_model, sizeof(c->gpu_model), "%s", gpu);
	c->gpus_per_instance = 1;
	c->instances = instances;
	c->effective_hourly = hourly;
	c->spend_hourly = instances * hourly;
	c->first_seen = first_seen;
	c->last_seen = first_seen + 30 * TM_DAY;
	c->term_months = term_months;
	c->expires_by = expires_by;
}

/*
 * The weekly fixture plus commitments imported from FOCUS exports, worked by hand. Held in
 * 2026-W47: "ri-t4" 4 x g4dn.xlarge (T4) at 0.25 USD/h, 3y, no known expiry; "cud-a100"
 * 1.4 x a2-highgpu-1g (A100, counted as 1, as the planner rounds) at 2.0 USD/h, 1y, expiring
 * at hour 120 (Saturday 00:00). Not held: a savings plan (no instance count: a note), an RI
 * that expired before the week and one first seen after it. The plan's own 2 T4 1y are not
 * held: "as used" must not count them.
 */
static void test_weekly_focus_commitments(void)
{
	const char *dir = weekly_store("T4", "us-east-1", "g4dn.xlarge");
	struct store_commitment c[5];
	struct store *st = NULL;
	struct err e = ERR_INIT;
	int64_t ws = w47();
	char *json, *md, *csv;
	yajl_val root, models, held, notes;
	csv_reader *r = NULL;
	double used = 0;
	size_t i;
	int sp = 0;

	commitment(&c[0], "ri-t4", "aws", "us-east-1", "Usage", "g4dn.xlarge", "T4", 4, 0.25,
		   ws - 100 * TM_DAY, 36, 0);
	c[0].expires_by = 0;	/* the export does not say: still held */
	commitment(&c[1], "cud-a100", "gcp", "us-central1", "Usage", "a2-highgpu-1g", "A100-40GB",
		   1.4, 2.0, ws + 120 * TM_HOUR - 365 * TM_DAY, 12, ws + 120 * TM_HOUR);
	commitment(&c[2], "sp-t4", "aws", "us-east-1", "Spend", "", "T4", 2, 0.1,
		   ws - 10 * TM_DAY, 12, ws + 300 * TM_DAY);
	commitment(&c[3], "ri-old", "aws", "us-east-1", "Usage", "g4dn.xlarge", "T4", 5, 0.3,
		   ws - 400 * TM_DAY, 12, ws - TM_DAY);
	commitment(&c[4], "ri-new", "aws", "us-east-1", "Usage", "g4dn.xlarge", "T4", 5, 0.3,
		   ws + 7 * TM_DAY, 12, ws + 372 * TM_DAY);
	CU_ASSERT_EQUAL_FATAL(store_open(&st, tu_path(dir, "capplan.db"), &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_begin(st, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_commitments_put(st, c, 5, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_commit(st, &e), 0);
	store_close(st);

	json = weekly(dir, "json");
	md = weekly(dir, "md");
	csv = weekly(dir, "csv");
	CU_ASSERT_PTR_NOT_NULL_FATAL(json);
	root = yajl_tree_parse(json, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_STRING_EQUAL(jstr(root, "last_week", "commitments_source"), "focus");
	{
		yajl_val src = jpath(root, "last_week", "commitments_source_by_provider", NULL);

		CU_ASSERT_EQUAL(jlen(src), 2);
		CU_ASSERT_STRING_EQUAL(jstr(src, "aws", NULL), "focus");
		CU_ASSERT_STRING_EQUAL(jstr(src, "gcp", NULL), "focus");
	}
	/* reserved: T4 4 x 0.25 x 168 = 168 (3y); A100 1 x 2.0 x 120 = 240 (1y) */
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "reserved"), 408.00, 1e-9);
	/* T4: 3 GPUs, 4 held: nothing bought. A100: hours 84..119 2 GPUs, 1 held, no spot room
	 * (floor(0.4 x 2) = 0): 36 x 3.0; hours 120..167 2 GPUs, none held: 48 x 2 x 3.0 */
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "spot"), 0.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "ondemand"), 396.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "total"), 804.00, 1e-9);
	/* the plan's view is unchanged */
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "planned", "total"), 638.40, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "all_ondemand", NULL), 1008.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "savings_vs_all_ondemand", NULL), 204.00,
			       1e-9);
	models = jpath(root, "last_week", "models", NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(models) && YAJL_GET_ARRAY(models)->len == 2);
	{
		yajl_val a100 = YAJL_GET_ARRAY(models)->values[0], t4 = YAJL_GET_ARRAY(models)->values[1];

		/* T4: 4 x 168 held, 3 x 168 used and demanded */
		CU_ASSERT_DOUBLE_EQUAL(jnum(t4, "reserved_gpu_hours", NULL, NULL), 672, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(t4, "reserved_used_gpu_hours", NULL, NULL), 504, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(t4, "commitment_utilization", NULL, NULL), 0.75, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(t4, "commitment_coverage", NULL, NULL), 1.0, 1e-9);
		/* A100: 1 held for 120 hours, each used (demand 1 or 2); demand 84 + 2 x 84 */
		CU_ASSERT_DOUBLE_EQUAL(jnum(a100, "reserved_gpu_hours", NULL, NULL), 120, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(a100, "demand_gpu_hours", NULL, NULL), 252, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(a100, "commitment_utilization", NULL, NULL), 1.0, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(a100, "commitment_coverage", NULL, NULL), 120.0 / 252,
				       1e-9);
	}
	held = jpath(root, "last_week", "commitments_held", NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(held) && YAJL_GET_ARRAY(held)->len == 2);
	for (i = 0; i < 2; i++) {
		yajl_val h = YAJL_GET_ARRAY(held)->values[i];
		const char *id = jstr(h, "id", NULL);
		int a100 = strcmp(id, "cud-a100") == 0;

		CU_ASSERT(a100 || strcmp(id, "ri-t4") == 0);
		CU_ASSERT_DOUBLE_EQUAL(jnum(h, "count", NULL, NULL), a100 ? 1 : 4, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(h, "hourly", NULL, NULL), a100 ? 2.0 : 0.25, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(h, "hours", NULL, NULL), a100 ? 120 : 168, 1e-9);
		CU_ASSERT_STRING_EQUAL(jstr(h, "term", NULL), a100 ? "1y" : "3y");
		CU_ASSERT_STRING_EQUAL(jstr(h, "expires_by", NULL), a100 ? "2026-11-21T00:00:00Z" : "");
		CU_ASSERT(a100 || YAJL_IS_NULL(jpath(h, "expires_by", NULL, NULL)));
	}
	notes = jpath(root, "notes", NULL, NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(notes));
	for (i = 0; i < YAJL_GET_ARRAY(notes)->len; i++) {
		yajl_val nv = YAJL_GET_ARRAY(notes)->values[i];
		const char *n = YAJL_IS_STRING(nv) ? YAJL_GET_STRING(nv) : NULL;

		sp += n && strstr(n, "sp-t4") && strstr(n, "not counted as used");
		CU_ASSERT(n && !strstr(n, "ri-old") && !strstr(n, "ri-new"));
	}
	CU_ASSERT_EQUAL(sp, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "the plan counted commitments already owned as sunk"));
	yajl_tree_free(root);
	/* the CSV's used rows sum to the same cents; the T4 RI is a 3y committed row */
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	CU_ASSERT_EQUAL_FATAL(csv_open_mem(&r, csv, strlen(csv), "weekly.csv", &e), 0);
	CU_ASSERT_EQUAL_FATAL(csv_next(r, &e), 1);
	{
		int cost = csv_find(r, "EffectiveCost"), basis = csv_find(r, "x_Basis");
		int term = csv_find(r, "x_CommitmentTerm"), sku = csv_find(r, "SkuId");
		int t4_3y = 0;

		CU_ASSERT_FATAL(cost >= 0 && basis >= 0 && term >= 0 && sku >= 0);
		while (csv_next(r, &e) == 1) {
			if (strcmp(csv_field(r, (size_t)basis), "used") != 0)
				continue;
			used += atof(csv_field(r, (size_t)cost));
			t4_3y += !strcmp(csv_field(r, (size_t)sku), "g4dn.xlarge") &&
				 !strcmp(csv_field(r, (size_t)term), "3y");
		}
		CU_ASSERT_EQUAL(t4_3y, 7);
	}
	csv_free(r);
	CU_ASSERT_DOUBLE_EQUAL(used, 804.00, 1e-6);
	CU_ASSERT_PTR_NOT_NULL(md && strstr(md, "| **total** | 638.40 | 804.00 |"));
	CU_ASSERT_PTR_NOT_NULL(md && strstr(md, "Commitments as used: 2 held, imported from FOCUS "
					    "exports (capplan commitments list), 3.00 USD/h"));
	CU_ASSERT_PTR_NOT_NULL(md && strstr(md, "| T4 | 504 | 672 | 75.0% | 100.0% |"));
	free(json);
	free(md);
	free(csv);
}

/*
 * The same through the real importer: `usage import --focus` of the AWS fixture (an RI of
 * 1 p4d.24xlarge, 8 x A100-40GB, at 20 USD per instance-hour, "1yr", first seen on
 * 2026-11-01) makes it held all of W47, and "as used" counts it instead of the plan's T4.
 */
static void test_weekly_focus_import(void)
{
	const char *dir = weekly_store("T4", "us-east-1", "g4dn.xlarge");
	char args[600], *json = NULL;
	yajl_val root, models;

	snprintf(args, sizeof(args), "--db capplan.db usage import --focus %s",
		 tu_src("tests/data/usage/aws_focus10.csv"));
	CU_ASSERT_EQUAL_FATAL(tu_capplan(dir, args, NULL, NULL), 0);
	json = weekly(dir, "json");
	CU_ASSERT_PTR_NOT_NULL_FATAL(json);
	root = yajl_tree_parse(json, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_STRING_EQUAL(jstr(root, "last_week", "commitments_source"), "focus");
	/* the export is AWS's (held all W47); the plan reserved nothing on gcp: not listed */
	CU_ASSERT_EQUAL(jlen(jpath(root, "last_week", "commitments_source_by_provider", NULL)), 1);
	CU_ASSERT_STRING_EQUAL(jstr(jpath(root, "last_week", "commitments_source_by_provider",
					  NULL), "aws", NULL), "focus");
	/* reserved 20 x 168 = 3360; the A100s (1 or 2) fit in the RI's 8; T4, none held: 1 spot
	 * (floor(0.4 x 3)) and 2 on demand each hour: 168 x 0.2 and 168 x 2 x 0.5 */
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "reserved"), 3360.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "spot"), 33.60, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "ondemand"), 168.00, 1e-9);
	models = jpath(root, "last_week", "models", NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(models) && YAJL_GET_ARRAY(models)->len >= 2);
	{
		yajl_val a100 = YAJL_GET_ARRAY(models)->values[0];
		yajl_val t4 = YAJL_GET_ARRAY(models)->values[YAJL_GET_ARRAY(models)->len - 1];

		CU_ASSERT_STRING_EQUAL(jstr(a100, "gpu_model", NULL), "A100-40GB");
		CU_ASSERT_STRING_EQUAL(jstr(t4, "gpu_model", NULL), "T4");
		/* 252 GPU-hours used of 8 x 168 held */
		CU_ASSERT_DOUBLE_EQUAL(jnum(a100, "commitment_utilization", NULL, NULL),
				       252.0 / 1344, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(a100, "commitment_coverage", NULL, NULL), 1.0, 1e-9);
		/* the plan's 2 T4 1y were never bought: none held */
		CU_ASSERT_DOUBLE_EQUAL(jnum(t4, "reserved_gpu_hours", NULL, NULL), 0, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(t4, "commitment_coverage", NULL, NULL), 0, 1e-9);
	}
	yajl_tree_free(root);
	free(json);
}

/* Records a `usage import --focus` of provider's export over hours [from, to]: T4 3 GPUs. */
static void focus_usage(struct store *st, const char *provider, int64_t from, int64_t to)
{
	struct store_usage_row rows[400];
	struct err e = ERR_INIT;
	char source[32];
	size_t n = 0;
	int64_t ts;

	for (ts = from; ts <= to && n < 400; ts += TM_HOUR, n++) {
		memset(&rows[n], 0, sizeof(rows[n]));
		rows[n].ts = ts;
		snprintf(rows[n].gpu_model, sizeof(rows[n].gpu_model), "T4");
		rows[n].gpus = 3;
	}
	snprintf(source, sizeof(source), "focus:%s", provider);
	CU_ASSERT_EQUAL_FATAL(store_begin(st, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_usage_import(st, source, "focus", from, to, rows, n,
						 w47() + 8 * TM_DAY, NULL, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_commit(st, &e), 0);
}

/*
 * Per provider, worked by hand: the weekly fixture with a plan 1 that reserved 2 T4 1y on
 * aws (0.3 USD/h) and 1 A100 1y on gcp (2.0 USD/h), and only an AWS FOCUS export imported:
 * usage over W47 and "ri-t4", 3 x g4dn.xlarge at 0.25 USD/h, 3y, held all week. AWS counts
 * the import, GCP keeps the plan's.
 *   T4 (aws): 3 held, 3 GPUs every hour: nothing bought; 3 x 0.25 x 168 = 126.00 reserved.
 *   A100 (gcp): 1 held (plan): 1 x 2.0 x 168 = 336.00 reserved; hours 84..167 2 GPUs, 1 left,
 *   no spot room (floor(0.4 x 2) = 0): 84 x 3.0 = 252.00 on demand.
 *   used: reserved 462.00, spot 0, on demand 252.00, total 714.00; all on-demand 1008.00,
 *   saving 294.00. Before the choice was per provider, the AWS import dropped the GCP
 *   reservation too: A100 84 x 3.0 + 84 x 2 x 3.0 = 756 on demand, total 882.00.
 */
static void test_weekly_focus_per_provider(void)
{
	static const int res[4] = { 2, 0, 1, 0 };
	const char *dir = weekly_store_res("T4", "us-east-1", "g4dn.xlarge", res);
	struct store_commitment c;
	struct store *st = NULL;
	struct err e = ERR_INIT;
	int64_t ws = w47();
	char *json, *md, *csv, *html;
	yajl_val root, bp, models, held, src;
	csv_reader *r = NULL;
	double used = 0, gcp_1y = 0;
	int ngcp_1y = 0;

	commitment(&c, "ri-t4", "aws", "us-east-1", "Usage", "g4dn.xlarge", "T4", 3, 0.25,
		   ws - 100 * TM_DAY, 36, 0);
	CU_ASSERT_EQUAL_FATAL(store_open(&st, tu_path(dir, "capplan.db"), &e), 0);
	focus_usage(st, "aws", ws, ws + (WK - 1) * TM_HOUR);
	CU_ASSERT_EQUAL_FATAL(store_begin(st, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_commitments_put(st, &c, 1, &e), 0);
	CU_ASSERT_EQUAL_FATAL(store_commit(st, &e), 0);
	store_close(st);

	json = weekly(dir, "json");
	md = weekly(dir, "md");
	csv = weekly(dir, "csv");
	html = weekly(dir, "html");
	CU_ASSERT_PTR_NOT_NULL_FATAL(json);
	root = yajl_tree_parse(json, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_STRING_EQUAL(jstr(root, "last_week", "commitments_source"), "mixed");
	src = jpath(root, "last_week", "commitments_source_by_provider", NULL);
	CU_ASSERT_EQUAL(jlen(src), 2);
	CU_ASSERT_STRING_EQUAL(jstr(src, "aws", NULL), "focus");
	CU_ASSERT_STRING_EQUAL(jstr(src, "gcp", NULL), "plan");
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "reserved"), 462.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "spot"), 0.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "ondemand"), 252.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "total"), 714.00, 1e-9);
	bp = jpath(root, "last_week", "used", "by_provider");
	CU_ASSERT_DOUBLE_EQUAL(jnum(bp, "aws", "reserved", NULL), 126.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(bp, "aws", "total", NULL), 126.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(bp, "gcp", "reserved", NULL), 336.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(bp, "gcp", "ondemand", NULL), 252.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(bp, "gcp", "total", NULL), 588.00, 1e-9);
	/* planned is the plan's: 2 x 0.3 x 168 + 1 x 2.0 x 168, 1 T4 spot, 1 A100 on demand */
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "planned", "reserved"), 436.80, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "planned", "total"), 974.40, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "all_ondemand", NULL), 1008.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "savings_vs_all_ondemand", NULL), 294.00,
			       1e-9);
	models = jpath(root, "last_week", "models", NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(models) && YAJL_GET_ARRAY(models)->len == 2);
	{
		yajl_val a100 = YAJL_GET_ARRAY(models)->values[0];
		yajl_val t4 = YAJL_GET_ARRAY(models)->values[1];

		/* A100: the plan's 1 held all 168 hours, always used; demand 84 + 2 x 84 */
		CU_ASSERT_DOUBLE_EQUAL(jnum(a100, "reserved_gpu_hours", NULL, NULL), 168, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(a100, "reserved_used_gpu_hours", NULL, NULL), 168,
				       1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(a100, "commitment_utilization", NULL, NULL), 1.0,
				       1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(a100, "commitment_coverage", NULL, NULL), 168.0 / 252,
				       1e-9);
		/* T4: the import's 3 held, not the plan's 2: all used, all demand covered */
		CU_ASSERT_DOUBLE_EQUAL(jnum(t4, "reserved_gpu_hours", NULL, NULL), 504, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(t4, "commitment_utilization", NULL, NULL), 1.0, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(jnum(t4, "commitment_coverage", NULL, NULL), 1.0, 1e-9);
	}
	held = jpath(root, "last_week", "commitments_held", NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(held) && YAJL_GET_ARRAY(held)->len == 1);
	CU_ASSERT_STRING_EQUAL(jstr(YAJL_GET_ARRAY(held)->values[0], "id", NULL), "ri-t4");
	CU_ASSERT_PTR_NULL(strstr(json, "shows no commitment held"));
	yajl_tree_free(root);
	/* the CSV agrees to the cent; the GCP reservation is 7 daily 1y committed rows of 48 */
	CU_ASSERT_PTR_NOT_NULL_FATAL(csv);
	CU_ASSERT_EQUAL_FATAL(csv_open_mem(&r, csv, strlen(csv), "weekly.csv", &e), 0);
	CU_ASSERT_EQUAL_FATAL(csv_next(r, &e), 1);
	{
		int cost = csv_find(r, "EffectiveCost"), basis = csv_find(r, "x_Basis");
		int term = csv_find(r, "x_CommitmentTerm"), prov = csv_find(r, "ProviderName");

		CU_ASSERT_FATAL(cost >= 0 && basis >= 0 && term >= 0 && prov >= 0);
		while (csv_next(r, &e) == 1) {
			double v = atof(csv_field(r, (size_t)cost));

			if (strcmp(csv_field(r, (size_t)basis), "used") != 0)
				continue;
			used += v;
			if (!strcmp(csv_field(r, (size_t)prov), "gcp") &&
			    !strcmp(csv_field(r, (size_t)term), "1y")) {
				gcp_1y += v;
				ngcp_1y++;
			}
		}
	}
	csv_free(r);
	CU_ASSERT_DOUBLE_EQUAL(used, 714.00, 1e-6);
	CU_ASSERT_EQUAL(ngcp_1y, 7);
	CU_ASSERT_DOUBLE_EQUAL(gcp_1y, 336.00, 1e-6);
	CU_ASSERT_PTR_NOT_NULL(md && strstr(md, "| **total** | 974.40 | 714.00 |"));
	CU_ASSERT_PTR_NOT_NULL(md && strstr(md, "Commitments as used, per provider: aws from "
					    "FOCUS exports (1 held, 0.75 USD/h when all are held); "
					    "gcp the week's plan's (no FOCUS export of gcp covers "
					    "the week)."));
	CU_ASSERT_PTR_NOT_NULL(html && strstr(html, "Commitments as used, per provider: aws "
					      "from FOCUS exports (1 held, 0.75 USD/h when all "
					      "are held); gcp the week&#39;s plan&#39;s (no FOCUS "
					      "export of gcp covers the week).</p>"));
	free(json);
	free(md);
	free(csv);
	free(html);
}

/* The report's JSON, parsed (the caller frees). */
static yajl_val weekly_json(const char *dir)
{
	char *json = weekly(dir, "json");
	yajl_val root = json ? yajl_tree_parse(json, NULL, 0) : NULL;

	free(json);
	return root;
}

/*
 * "Imported and none held" means none: the same plan (2 T4 1y on aws, 1 A100 1y on gcp),
 * an AWS FOCUS export and no commitment at all in the store.
 * First the export covers the hours before W47 only (to 2026-11-15T23:00): it says nothing
 * about the week, so both providers keep the plan's: T4 2 held + 1 spot (floor(0.4 x 3)):
 * 100.80 + 33.60; A100 336.00 + 252.00 as in test_weekly_focus_per_provider: 722.40.
 * Then a second export whose first hour is W47's last (overlap by one hour is enough): AWS
 * held none, so T4 buys 1 spot and 2 on demand each hour (33.60 + 2 x 0.5 x 168 = 168.00);
 * used: reserved 336.00, spot 33.60, on demand 420.00, total 789.60. Before the choice was
 * per provider, no commitment imported meant the plan's everywhere: 722.40 again.
 */
static void test_weekly_focus_none_held(void)
{
	static const int res[4] = { 2, 0, 1, 0 };
	const char *dir = weekly_store_res("T4", "us-east-1", "g4dn.xlarge", res);
	struct store *st = NULL;
	struct err e = ERR_INIT;
	int64_t ws = w47();
	char **prov = NULL, *md;
	size_t nprov = 0;
	yajl_val root, src, models, notes;
	size_t i;
	int said = 0;

	CU_ASSERT_EQUAL_FATAL(store_open(&st, tu_path(dir, "capplan.db"), &e), 0);
	focus_usage(st, "aws", ws - 48 * TM_HOUR, ws - TM_HOUR);
	CU_ASSERT_EQUAL(store_usage_focus_providers(st, ws, ws + WK * TM_HOUR, &prov, &nprov, &e),
			0);
	CU_ASSERT_EQUAL(nprov, 0);
	store_strv_free(prov, nprov);
	store_close(st);

	root = weekly_json(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_STRING_EQUAL(jstr(root, "last_week", "commitments_source"), "plan");
	src = jpath(root, "last_week", "commitments_source_by_provider", NULL);
	CU_ASSERT_EQUAL(jlen(src), 2);
	CU_ASSERT_STRING_EQUAL(jstr(src, "aws", NULL), "plan");
	CU_ASSERT_STRING_EQUAL(jstr(src, "gcp", NULL), "plan");
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "reserved"), 436.80, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "total"), 722.40, 1e-9);
	yajl_tree_free(root);

	CU_ASSERT_EQUAL_FATAL(store_open(&st, tu_path(dir, "capplan.db"), &e), 0);
	focus_usage(st, "aws", ws + (WK - 1) * TM_HOUR, ws + 200 * TM_HOUR);
	CU_ASSERT_EQUAL(store_usage_focus_providers(st, ws, ws + WK * TM_HOUR, &prov, &nprov, &e),
			0);
	CU_ASSERT_FATAL(nprov == 1);
	CU_ASSERT_STRING_EQUAL(prov[0], "aws");
	store_strv_free(prov, nprov);
	store_close(st);

	root = weekly_json(dir);
	md = weekly(dir, "md");
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_STRING_EQUAL(jstr(root, "last_week", "commitments_source"), "mixed");
	src = jpath(root, "last_week", "commitments_source_by_provider", NULL);
	CU_ASSERT_EQUAL(jlen(src), 2);
	CU_ASSERT_STRING_EQUAL(jstr(src, "aws", NULL), "focus");
	CU_ASSERT_STRING_EQUAL(jstr(src, "gcp", NULL), "plan");
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "reserved"), 336.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "spot"), 33.60, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "ondemand"), 420.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "total"), 789.60, 1e-9);
	models = jpath(root, "last_week", "models", NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(models) && YAJL_GET_ARRAY(models)->len == 2);
	CU_ASSERT_DOUBLE_EQUAL(jnum(YAJL_GET_ARRAY(models)->values[1], "reserved_gpu_hours", NULL,
				    NULL), 0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(YAJL_GET_ARRAY(models)->values[0], "reserved_gpu_hours", NULL,
				    NULL), 168, 1e-9);
	notes = jpath(root, "notes", NULL, NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(notes));
	for (i = 0; i < YAJL_GET_ARRAY(notes)->len; i++) {
		yajl_val nv = YAJL_GET_ARRAY(notes)->values[i];
		const char *n = YAJL_IS_STRING(nv) ? YAJL_GET_STRING(nv) : NULL;

		said += n && strcmp(n, "aws: its FOCUS export covers the week and shows no "
				    "commitment held, so the plan's 2 aws commitments are not "
				    "counted as used") == 0;
	}
	CU_ASSERT_EQUAL(said, 1);
	CU_ASSERT_PTR_NOT_NULL(md && strstr(md, "Commitments as used, per provider: aws from "
					    "FOCUS exports (none held); gcp the week's plan's (no "
					    "FOCUS export of gcp covers the week)."));
	yajl_tree_free(root);
	free(md);
}

/*
 * test_weekly_focus_per_provider through the real importer: `usage import --focus` of an
 * AWS export of W47 (tests/data/reports/aws_focus_w47.csv: 3 g4dn.xlarge all week under
 * the RI "ri-t4w47", 18 USD a day) over the plan that reserved 2 T4 on aws and 1 A100 on
 * gcp. The importer derives 3 instances (504 instance-hours over the 168 hours seen) at
 * 126 / 504 = 0.25 USD/h, 3y: the same figures, 714.00 used.
 */
static void test_weekly_focus_import_per_provider(void)
{
	static const int res[4] = { 2, 0, 1, 0 };
	const char *dir = weekly_store_res("T4", "us-east-1", "g4dn.xlarge", res);
	char args[600];
	yajl_val root, src, held, h;

	snprintf(args, sizeof(args), "--db capplan.db usage import --focus %s",
		 tu_src("tests/data/reports/aws_focus_w47.csv"));
	CU_ASSERT_EQUAL_FATAL(tu_capplan(dir, args, NULL, NULL), 0);
	root = weekly_json(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_STRING_EQUAL(jstr(root, "last_week", "commitments_source"), "mixed");
	src = jpath(root, "last_week", "commitments_source_by_provider", NULL);
	CU_ASSERT_EQUAL(jlen(src), 2);
	CU_ASSERT_STRING_EQUAL(jstr(src, "aws", NULL), "focus");
	CU_ASSERT_STRING_EQUAL(jstr(src, "gcp", NULL), "plan");
	held = jpath(root, "last_week", "commitments_held", NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(held) && YAJL_GET_ARRAY(held)->len == 1);
	h = YAJL_GET_ARRAY(held)->values[0];
	CU_ASSERT_STRING_EQUAL(jstr(h, "id", NULL),
			       "arn:aws:ec2:us-east-1:123456789012:reserved-instances/ri-t4w47");
	CU_ASSERT_DOUBLE_EQUAL(jnum(h, "count", NULL, NULL), 3, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(h, "hourly", NULL, NULL), 0.25, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(h, "hours", NULL, NULL), 168, 1e-9);
	CU_ASSERT_STRING_EQUAL(jstr(h, "term", NULL), "3y");
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "reserved"), 462.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "ondemand"), 252.00, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "last_week", "used", "total"), 714.00, 1e-9);
	yajl_tree_free(root);
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	while (s && (s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* Hostile names: script tags, quotes, ampersands and very long names stay data. */
static void test_weekly_escaping(void)
{
	const char *gpu = "<script>x</script>&\"'";
	const char *region = "<script>alert(1)<&\"'";
	const char *itype = "\"><img_src=x_onerror=alert(1)>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
	const char *dir = weekly_store(gpu, region, itype);
	char *html = weekly(dir, "html"), *csv = weekly(dir, "csv"), *md = weekly(dir, "md");
	char *json = weekly(dir, "json"), *lower, *p;
	csv_reader *r = NULL;
	struct err e = ERR_INIT;
	yajl_val root;
	int found = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(html);
	lower = strdup(html);
	for (p = lower; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	CU_ASSERT_PTR_NULL(strstr(lower, "<script"));
	CU_ASSERT_PTR_NULL(strstr(lower, "<img"));
	free(lower);
	CU_ASSERT(count(html, "&lt;script&gt;x&lt;/script&gt;&amp;&quot;&#39;") >= 3);
	CU_ASSERT(count(html, "&quot;&gt;&lt;img_src=x_onerror=alert(1)&gt;") >= 1);
	/* the SVG labels are cut to fit, the tables wrap */
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "overflow-wrap:anywhere"));
	/* CSV: quoted, and reads back to the very names */
	CU_ASSERT_EQUAL_FATAL(csv_open_mem(&r, csv, strlen(csv), "weekly.csv", &e), 0);
	CU_ASSERT_EQUAL(csv_next(r, &e), 1);
	while (csv_next(r, &e) == 1)
		if (strcmp(csv_field(r, 2), "aws") == 0) {
			CU_ASSERT_STRING_EQUAL(csv_field(r, 3), region);
			CU_ASSERT_STRING_EQUAL(csv_field(r, 4), itype);
			found++;
		}
	CU_ASSERT(found > 0);
	csv_free(r);
	/* Markdown: no pipe or newline can break a table row */
	CU_ASSERT_PTR_NOT_NULL(md && strstr(md, gpu));
	/* JSON: the names read back exactly */
	root = json ? yajl_tree_parse(json, NULL, 0) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	{
		yajl_val m = jpath(root, "last_week", "models", NULL);
		size_t i;

		found = 0;
		for (i = 0; YAJL_IS_ARRAY(m) && i < YAJL_GET_ARRAY(m)->len; i++) {
			yajl_val g = jpath(YAJL_GET_ARRAY(m)->values[i], "gpu_model", NULL, NULL);

			const char *name = YAJL_IS_STRING(g) ? YAJL_GET_STRING(g) : NULL;

			found += name && strcmp(name, gpu) == 0;
		}
		CU_ASSERT_EQUAL(found, 1);
	}
	yajl_tree_free(root);
	free(html);
	free(csv);
	free(md);
	free(json);
}

/* The HTML renders in headless Chromium: a screenshot is made and the DOM has the charts. */
/* Chromium makes requests of its own (component updates, sync, DNS prefetch) that
 * --disable-background-networking alone does not stop: resolve nothing but loopback and
 * turn the rest off so the test never leaves 127.0.0.1. */
#define OFFLINE_CHROMIUM "--headless --no-sandbox --disable-gpu " \
	"--disable-background-networking --disable-component-update --disable-sync " \
	"--disable-default-apps --no-first-run --no-proxy-server " \
	"--host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1' "

/* A store just made by init (no usage, prices or plans) still reports, with its notes:
 * before the fix qsort got a NULL array (UBSan; testutil fails the run on the report). */
static void test_weekly_empty(void)
{
	const char *dir = tu_tmpdir();
	char *out = NULL, *err = NULL;
	int rc;

	CU_ASSERT_EQUAL_FATAL(tu_capplan(dir, "init", NULL, NULL), 0);
	rc = tu_capplan(dir, "report weekly --week 2026-W47", &out, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "%s\n", err ? err : "");
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "- no stored plan covers the week\n"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "- no stored plan covers next week\n"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "| **total** | 0.00 | n/a |"));
	free(out);
	free(err);
}

static void test_weekly_chromium(void)
{
	const char *dir = weekly_store("T4", "us-east-1", "g4dn.xlarge");
	char *out = NULL, *err = NULL, *png;
	size_t len = 0;
	int rc;

	CU_ASSERT_EQUAL_FATAL(tu_capplan(dir, "--db capplan.db report weekly --week 2026-W47 "
					 "--no-levers --format html --out weekly.html", NULL, NULL), 0);
	rc = tu_sh(dir, "command -v chromium", NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(rc, 0);	/* scripts/deps.sh installs it */
	rc = tu_sh(dir, "P=$(mktemp -d) && chromium " OFFLINE_CHROMIUM
		   "--user-data-dir=$P --window-size=1200,2400 --screenshot=$PWD/shot.png "
		   "file://$PWD/weekly.html; rc=$?; rm -rf $P; exit $rc", NULL, NULL);
	CU_ASSERT_EQUAL(rc, 0);
	png = tu_read(tu_path(dir, "shot.png"), &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(png);
	CU_ASSERT(len > 20000);
	CU_ASSERT(memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0);
	free(png);
	rc = tu_sh(dir, "P=$(mktemp -d) && chromium " OFFLINE_CHROMIUM
		   "--user-data-dir=$P --dump-dom file://$PWD/weekly.html; rc=$?; rm -rf $P; exit $rc",
		   &out, &err);
	CU_ASSERT_EQUAL(rc, 0);
	/* the browser's DOM: two demand charts, the stacked costs, the utilization bars */
	CU_ASSERT_EQUAL(count(out, "class=\"chart chart-band\""), 2);
	CU_ASSERT_EQUAL(count(out, "class=\"chart chart-stacked\""), 1);
	CU_ASSERT_EQUAL(count(out, "class=\"chart chart-bars\""), 1);
	CU_ASSERT(count(out, "<polygon") >= 4);	/* the bands */
	free(out);
	free(err);
}

/* realize_cover on hand-checked hours. */
static void test_realize(void)
{
	size_t idx[2] = { 0, 1 };
	int gpus[2] = { 1, 8 };
	double spot[2] = { 0.3, 2.0 }, od[2] = { 1.0, 7.0 }, so[2], oo[2], cost;
	struct realize_hour h = { 2, idx, gpus, spot, od, 10, 0, 0.5 };
	struct err e = ERR_INIT;

	/* 10 GPUs, spot up to 5: 5 spot x 0.3 (an 8-GPU spot is 2.0: over the cap) + on demand
	 * for 5: 5 x 1.0 < one 8-GPU at 7.0 */
	CU_ASSERT_EQUAL(realize_cover(&h, so, oo, &cost, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(cost, 6.5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(so[0], 5, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(oo[0], 5, 1e-9);
	/* 16 GPUs, 4 held, spot up to 8: one 8-GPU spot (2.0) covers 8 of the 12 left, and 4
	 * on demand (4.0) the rest: 6.0 */
	h.demand = 16;
	h.reserved_gpus = 4;
	CU_ASSERT_EQUAL(realize_cover(&h, so, oo, &cost, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(cost, 6.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(so[1], 1, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(oo[0], 4, 1e-9);
	/* held capacity covers it all; fractional demand rounds up to whole GPUs */
	h.demand = 3.5;
	CU_ASSERT_EQUAL(realize_cover(&h, so, oo, &cost, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(cost, 0, 1e-9);
	h.demand = 4.2;
	h.max_spot_share = 0;
	CU_ASSERT_EQUAL(realize_cover(&h, so, oo, &cost, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(cost, 1.0, 1e-9);
	/* no on-demand anywhere: infeasible */
	od[0] = od[1] = NAN;
	CU_ASSERT_EQUAL(realize_cover(&h, so, oo, &cost, &e), ERR_INFEASIBLE);
}

/* realize_cover_curve gives, for every holding, exactly what realize_cover charges. */
static void test_realize_curve(void)
{
	size_t idx[3] = { 0, 1, 2 }, g;
	int gpus[3] = { 1, 8, 4 };
	double spot[3] = { 0.3, 2.0, 1.1 }, od[3] = { 1.0, 7.0, 3.9 }, so[3], oo[3], cost;
	double demand[5] = { 10, 16, 4.2, 37.5, 0 }, curve[48];
	struct realize_hour h = { 3, idx, gpus, spot, od, 10, 0, 0.5 };
	struct err e = ERR_INIT;
	size_t i;

	for (i = 0; i < 5; i++) {
		h.demand = demand[i];
		h.max_spot_share = i == 2 ? 0 : 0.4;
		CU_ASSERT_EQUAL_FATAL(realize_cover_curve(&h, 48, curve, &e), 0);
		for (g = 0; g < 48; g++) {
			h.reserved_gpus = (double)g;
			CU_ASSERT_EQUAL_FATAL(realize_cover(&h, so, oo, &cost, &e), 0);
			CU_ASSERT_EQUAL(curve[g], cost);	/* the same numbers, not close ones */
		}
	}
	/* hand-checked: 10 GPUs, 3 held, spot up to 4: one 4-GPU spot (1.1, under 4 x 0.3)
	 * and 3 on demand (3 x 1.0, under the 4-GPU 3.9): 4.1 */
	h.demand = 10;
	h.max_spot_share = 0.4;
	CU_ASSERT_EQUAL_FATAL(realize_cover_curve(&h, 12, curve, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(curve[3], 4.1, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(curve[10], 0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(curve[11], 0, 1e-9);
}

static int bad(const char *args)
{
	char *err = NULL;
	int rc = tu_capplan(tu_tmpdir(), args, NULL, &err);

	/* one line naming the problem */
	CU_ASSERT(err && strlen(err) > 0 && strchr(err, '\n') == strrchr(err, '\n'));
	free(err);
	return rc;
}

/* Like bad(), in dir (where the files named exist), and the one line must name want. */
static int bad_for(const char *dir, const char *args, const char *want)
{
	char *err = NULL;
	int rc = tu_capplan(dir, args, NULL, &err);

	CU_ASSERT(err && strlen(err) > 0 && strchr(err, '\n') == strrchr(err, '\n'));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, want));
	if (err && !strstr(err, want))
		fprintf(stderr, "capplan %s: wanted \"%s\", got %s", args, want, err);
	free(err);
	return rc;
}

static void test_bad_flags(void)
{
	const char *dir = tu_tmpdir();

	/* real, valid files: the error must be the flag's, not a missing file's */
	tu_write(tu_path(dir, "a.csv"), "provider,region,instance_type,gpu_model,"
		 "gpus_per_instance,vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,"
		 "reserved_3y_hourly,spot_interruption_rate\n"
		 "aws,us-east-1,g4dn.xlarge,T4,1,4,16,1.0,0.3,0.5,,\n");
	tu_write(tu_path(dir, "b.csv"), "timestamp,gpu_model,gpus\n"
		 "2026-12-01T00:00:00Z,T4,4\n2026-12-01T01:00:00Z,T4,2\n");
	CU_ASSERT_EQUAL(tu_capplan(dir, "whatif --offerings a.csv --demand b.csv --set "
				   "'demand*=1'", NULL, NULL), 0);
	CU_ASSERT_EQUAL(bad_for(dir, "whatif --set nonsense --offerings a.csv --demand b.csv",
				"--set \"nonsense\" is not KEY=VALUE"), 2);
	CU_ASSERT_EQUAL(bad_for(dir, "whatif --offerings a.csv", "--offerings and --demand go "
				"together"), 2);
	CU_ASSERT_EQUAL(bad_for(dir, "backtest --from 2026-11-01 --to 2026-11-02 --offerings a.csv",
				"--offerings and --usage go together"), 2);
	/* an assumption that overflows, or a discount past 100%, is no scenario: before the
	 * fix both printed a plan (the first through undefined casts in the solver) */
	CU_ASSERT_EQUAL(bad_for(dir, "whatif --offerings a.csv --demand b.csv --set "
				"'demand*=1e308'", "--set \"demand*=1e308\""), 2);
	CU_ASSERT_EQUAL(bad_for(dir, "whatif --offerings a.csv --demand b.csv --set "
				"'demand+=1e300'", "--set \"demand+=1e300\""), 2);
	CU_ASSERT_EQUAL(bad_for(dir, "whatif --offerings a.csv --demand b.csv --set "
				"'demand*=1e7'", "past 1e+07"), 2);
	/* a negative scale was clipped to no demand at all: a typo, not a scenario */
	CU_ASSERT_EQUAL(bad_for(dir, "whatif --offerings a.csv --demand b.csv --set "
				"'demand*=-1'", "demand cannot be negative"), 2);
	CU_ASSERT_EQUAL(tu_capplan(dir, "whatif --offerings a.csv --demand b.csv --set "
				   "'demand-=3'", NULL, NULL), 0);
	CU_ASSERT_EQUAL(bad_for(dir, "whatif --offerings a.csv --demand b.csv --set "
				"reserved_discount+=5", "--set \"reserved_discount+=5\""), 2);
	CU_ASSERT_EQUAL(bad_for(dir, "whatif --offerings a.csv --demand b.csv --set "
				"reserved_discount-=1", "within 0..1"), 2);
	CU_ASSERT_EQUAL(bad_for(dir, "whatif --offerings a.csv --demand b.csv --set "
				"'ondemand_price*=1e308' --set 'ondemand_price*=10'",
				"--set \"ondemand_price*=10\""), 2);
	CU_ASSERT_EQUAL(bad("report weekly --format pdf"), 2);
	CU_ASSERT_EQUAL(bad("report weekly --week 2026-W99"), 2);
	/* ISO weeks that parse but that no store can hold (usage is 2000-2099) */
	CU_ASSERT_EQUAL(bad_for(dir, "report weekly --week 0000-W01", "years 2000 to 2099"), 2);
	CU_ASSERT_EQUAL(bad_for(dir, "report weekly --week 2100-W01", "years 2000 to 2099"), 2);
	CU_ASSERT_EQUAL(bad("report weekly --week yesterday"), 2);
	CU_ASSERT_EQUAL(bad("report weekly --bogus"), 2);
	CU_ASSERT_EQUAL(bad("report weekly extra"), 2);
	CU_ASSERT_EQUAL(bad("whatif --bogus"), 2);
	CU_ASSERT_EQUAL(bad("whatif --format pdf"), 2);
	CU_ASSERT_EQUAL(bad("backtest"), 2);
	CU_ASSERT_EQUAL(bad("backtest --from 2026-11-01"), 2);
	CU_ASSERT_EQUAL(bad("backtest --from soon --to 2026-11-02"), 2);
	CU_ASSERT_EQUAL(bad("backtest --from 2026-11-09 --to 2026-11-02"), 2);
	CU_ASSERT_EQUAL(bad("backtest --from 2026-11-01 --to 2026-11-02 --format pdf"), 2);
}


/* Writes hourly usage rows of one GPU model: hours [0, n) from start, gpus(t). */
static void write_usage(const char *path, int64_t start, size_t n, double (*gpus)(size_t))
{
	FILE *f = fopen(path, "w");
	char ts[TM_ISO_LEN];
	size_t t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fprintf(f, "timestamp,gpu_model,gpus\n");
	for (t = 0; t < n; t++) {
		tm_format(start + (int64_t)t * TM_HOUR, ts);
		fprintf(f, "%s,T4,%g\n", ts, gpus(t));
	}
	fclose(f);
}

/* A week of history at 4 GPUs, then the window: a week at 4, a week at 4 then 8 from its
 * 85th hour. */
static double bt_gpus(size_t t)
{
	return t >= 2 * WK + 84 ? 8 : 4;
}

/*
 * The backtest's accounting on a hand-worked two-week window. One T4 offering: on demand
 * 1.0, spot 0.3, 1y reserved 0.5 (break-even at half the hours); spot at most half of each
 * hour's demand; the policy commits to the forecast mean.
 * - Policy: the forecast is 4 GPUs, 2 spot at most; reserving 2 costs 0.5 x 2 + 0.3 x 2 =
 *   1.6 an hour (3 cost 1.8, 4 cost 2.0). Week 1: 1.6 x 168 = 268.80. Week 2 forecasts 4
 *   again (no top-up); its 84 hours at 8 GPUs pay 1.0 held + 4 spot 1.2 + 2 on demand 2.0
 *   = 4.2: 84 x 1.6 + 84 x 4.2 = 487.20. Total 756.00.
 * - The perfect-foresight plan held from the start: over the real 336 hours r = 2 costs
 *   252 x 1.6 + 84 x 4.2 = 756.00 (r = 3: 764.40, r = 4: 772.80).
 * - Perfect foresight (the bound, week by week): week 1 r = 2, 268.80; week 2 r = 4:
 *   84 x 2.0 + 84 x (2.0 + 4 spot 1.2) = 436.80 (r = 2: 487.20, r = 3: 84 x 1.8 + 84 x
 *   (1.5 + 1.2 + 1.0) = 462.00, r = 5: 84 x 2.5 + 84 x (2.5 + 0.9) = 495.60). Total 705.60.
 * - Heuristic: 4 GPUs were used in every hour of the history, above the 50% break-even:
 *   reserve 4: 252 x 2.0 + 84 x (2.0 + 4 spot 1.2) = 772.80.
 * - All on demand: 168 x 4 + 84 x 4 + 84 x 8 = 1680.00.
 */
static void test_backtest_two_weeks(void)
{
	const char *dir = tu_tmpdir();
	char *out = NULL, *err = NULL;
	yajl_val root, weeks;
	int rc;

	tu_write(tu_path(dir, "o.csv"), "provider,region,instance_type,gpu_model,gpus_per_instance,"
		 "vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		 "spot_interruption_rate\naws,us-east-1,g4dn.xlarge,T4,1,4,16,1.0,0.3,0.5,,\n");
	tu_write(tu_path(dir, "p.yaml"), "policy:\n  max_spot_share: 0.5\n  commit_quantile: mean\n");
	write_usage(tu_path(dir, "u.csv"), tm_from_civil(2026, 10, 26) * TM_DAY, 3 * WK, bt_gpus);
	rc = tu_capplan(dir, "backtest --from 2026-11-02 --to 2026-11-15 --offerings o.csv "
			"--usage u.csv --policy p.yaml --json", &out, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "%s\n", err);
	root = out ? yajl_tree_parse(out, NULL, 0) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "realized", NULL, NULL), 756.00, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "perfect_foresight", NULL, NULL), 705.60, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "perfect_foresight_hold", NULL, NULL), 756.00, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "heuristic", NULL, NULL), 772.80, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "all_ondemand", NULL, NULL), 1680.00, 1e-6);
	weeks = jpath(root, "weeks", NULL, NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(weeks) && YAJL_GET_ARRAY(weeks)->len == 2);
	CU_ASSERT_DOUBLE_EQUAL(jnum(YAJL_GET_ARRAY(weeks)->values[0], "realized", NULL, NULL),
			       268.80, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(YAJL_GET_ARRAY(weeks)->values[1], "realized", NULL, NULL),
			       487.20, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(YAJL_GET_ARRAY(weeks)->values[1], "heuristic", NULL, NULL),
			       436.80, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(YAJL_GET_ARRAY(weeks)->values[0], "perfect_foresight", NULL,
				    NULL), 268.80, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(YAJL_GET_ARRAY(weeks)->values[1], "perfect_foresight", NULL,
				    NULL), 436.80, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(YAJL_GET_ARRAY(weeks)->values[0], "reserved_gpus", NULL, NULL),
			       2, 1e-9);
	yajl_tree_free(root);
	free(out);
	free(err);
	/* a window with no history before it cannot be forecast */
	CU_ASSERT_EQUAL(tu_capplan(dir, "backtest --from 2026-10-26 --to 2026-11-01 --offerings "
				   "o.csv --usage u.csv", NULL, NULL), 2);
	/* nor one past the usage */
	CU_ASSERT_EQUAL(tu_capplan(dir, "backtest --from 2026-11-02 --to 2026-11-30 --offerings "
				   "o.csv --usage u.csv", NULL, NULL), 2);
}

static double wi_gpus(size_t t)
{
	(void)t;
	return 4;
}

static double whatif_total(const char *dir, const char *sets, const char *which)
{
	char args[600], *out = NULL, *err = NULL;
	yajl_val root;
	double v;
	int rc;

	snprintf(args, sizeof(args), "whatif --offerings o.csv --demand d.csv %s --json", sets);
	rc = tu_capplan(dir, args, &out, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "%s: %s\n", sets, err);
	root = out ? yajl_tree_parse(out, NULL, 0) : NULL;
	v = root ? jnum(root, which, "total_cost", NULL) : NAN;
	if (root && strcmp(which, "scenario") == 0) {
		/* PLAN has the plan --json keys, and the delta is scenario - baseline */
		CU_ASSERT(YAJL_IS_OBJECT(jpath(root, "baseline", "cost", NULL)));
		CU_ASSERT(YAJL_IS_ARRAY(jpath(root, "scenario", "reserved", NULL)));
		CU_ASSERT(YAJL_IS_ARRAY(jpath(root, "scenario", "hours", NULL)));
		CU_ASSERT_DOUBLE_EQUAL(jnum(root, "delta", "total_cost", NULL),
				       v - jnum(root, "baseline", "total_cost", NULL), 1e-9);
	}
	yajl_tree_free(root);
	free(out);
	free(err);
	return v;
}

/*
 * What-if on a hand-worked case: 4 T4 GPUs for 2 hours; aws on demand 1.0, spot 0.3, 1y
 * 0.5; gcp on demand 1.2, spot 0.25, 1y 0.6; spot at most half of each hour's demand.
 */
static void test_whatif(void)
{
	const char *dir = tu_tmpdir();
	char *out = NULL;
	yajl_val root;

	tu_write(tu_path(dir, "o.csv"), "provider,region,instance_type,gpu_model,gpus_per_instance,"
		 "vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		 "spot_interruption_rate\n"
		 "aws,us-east-1,g4dn.xlarge,T4,1,4,16,1.0,0.3,0.5,,\n"
		 "gcp,us-central1,n1-t4,T4,1,4,16,1.2,0.25,0.6,,\n");
	/* the same with interruption rates: the solver counts a spot GPU as 1 - rate */
	tu_write(tu_path(dir, "o2.csv"), "provider,region,instance_type,gpu_model,gpus_per_instance,"
		 "vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		 "spot_interruption_rate\n"
		 "aws,us-east-1,g4dn.xlarge,T4,1,4,16,1.0,0.3,0.5,,0.01\n"
		 "gcp,us-central1,n1-t4,T4,1,4,16,1.2,0.25,0.6,,0.02\n");
	tu_write(tu_path(dir, "c.yaml"), "policy:\n  max_spot_share: 0.5\n");
	write_usage(tu_path(dir, "d.csv"), tm_from_civil(2026, 12, 1) * TM_DAY, 2, wi_gpus);
	/* spot at most 2 of 4: 2 reserved (1.0) + 2 gcp spot (0.5) = 1.5 an hour */
	CU_ASSERT_DOUBLE_EQUAL(whatif_total(dir, "--config c.yaml", "baseline"), 3.00, 1e-9);
	/* without gcp, spot is aws's 0.3: 1.6 an hour */
	CU_ASSERT_DOUBLE_EQUAL(whatif_total(dir, "--config c.yaml --set provider.gcp=off",
					    "scenario"), 3.20, 1e-9);
	/* no spot at all: 4 reserved, 2.0 an hour */
	CU_ASSERT_DOUBLE_EQUAL(whatif_total(dir, "--config c.yaml --set policy.max_spot_share=0",
					    "scenario"), 4.00, 1e-9);
	/* twice the demand: 4 reserved + 4 gcp spot = 3.0 an hour */
	CU_ASSERT_DOUBLE_EQUAL(whatif_total(dir, "--config c.yaml --set 'demand*=2'", "scenario"),
			       6.00, 1e-9);
	/* spot twice as dear: 0.5 at gcp; 2, 3 or 4 reserved all cost 2.0 an hour */
	CU_ASSERT_DOUBLE_EQUAL(whatif_total(dir, "--config c.yaml --set 'spot_price*=2'",
					    "scenario"), 4.00, 1e-9);
	/* 10 points more discount: aws 1y at 0.4: 0.8 + 0.5 = 1.3 an hour */
	CU_ASSERT_DOUBLE_EQUAL(whatif_total(dir, "--config c.yaml --set 'reserved_discount+=0.1'",
					    "scenario"), 2.60, 1e-9);
	/* at most 1 GPU in us-central1: 1 gcp spot + 1 aws spot: 1.0 + 0.25 + 0.3 = 1.55 */
	CU_ASSERT_DOUBLE_EQUAL(whatif_total(dir, "--config c.yaml --set region.us-central1.quota=1",
					    "scenario"), 3.10, 1e-9);
	/* two assumptions apply in order: spot share +0.1 then demand x 1.5 */
	CU_ASSERT(!isnan(whatif_total(dir, "--config c.yaml --set 'policy.max_spot_share+=0.1' "
				      "--set 'demand*=1.5'", "scenario")));
	/* risk with interruption rates: 2 spot GPUs count 1.96, so the baseline holds 3
	 * reserved + 2 gcp spot an hour: 2 x 2 h x 2% = 0.08 interruptions, spot 4 of 10
	 * GPU-hours; without gcp, 4 reserved (2.0 an hour beats 1.5 + 2 x 0.3) and no spot */
	CU_ASSERT_EQUAL(tu_capplan(dir, "whatif --config c.yaml --offerings o2.csv --demand d.csv "
				   "--set provider.gcp=off --json", &out, NULL), 0);
	root = out ? yajl_tree_parse(out, NULL, 0) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "baseline", "risk", "expected_interruptions"), 0.08, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "scenario", "risk", "expected_interruptions"), 0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "baseline", "risk", "spot_share"), 0.4, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "delta", "reserved_instances", NULL), 1, 1e-9);
	yajl_tree_free(root);
	free(out);
	out = NULL;
	/* Markdown side by side */
	CU_ASSERT_EQUAL(tu_capplan(dir, "whatif --config c.yaml --offerings o.csv --demand d.csv "
				   "--set provider.gcp=off --format md", &out, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "| **total USD** | **3.00** | **3.20** | "
					     "**+0.20 (+6.7%)** |"));
	free(out);
	/* an assumption naming nothing is an input error */
	CU_ASSERT_EQUAL(tu_capplan(dir, "whatif --offerings o.csv --demand d.csv --set "
				   "provider.oracle=off", NULL, NULL), 2);
	/* so is a configuration key nothing reads (it showed a scenario equal to the baseline):
	 * a misspelt policy key, or one of apply's */
	CU_ASSERT_EQUAL(tu_capplan(dir, "whatif --config c.yaml --offerings o.csv --demand d.csv "
				   "--set policy.max_spot_shar=0", NULL, &out), 2);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "--set \"policy.max_spot_shar=0\": nothing in the "
					     "plan reads \"policy.max_spot_shar\" (misspelt?)"));
	free(out);
	out = NULL;
	CU_ASSERT_EQUAL(tu_capplan(dir, "whatif --offerings o.csv --demand d.csv --set "
				   "policy.max_spot_share=0 --set apply.max_launch_per_run=3", NULL,
				   &out), 2);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"apply.max_launch_per_run=3\": nothing"));
	free(out);
}

/* The store path of backtest prices as the file path does when the history is one catalog. */
static void test_backtest_store(void)
{
	const char *dir = tu_tmpdir();
	char *out = NULL, *err = NULL;
	yajl_val root;
	int rc;

	tu_write(tu_path(dir, "o.csv"), "provider,region,instance_type,gpu_model,gpus_per_instance,"
		 "vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		 "spot_interruption_rate\naws,us-east-1,g4dn.xlarge,T4,1,4,16,1.0,0.3,0.5,,\n");
	tu_write(tu_path(dir, "p.yaml"), "policy:\n  max_spot_share: 0.5\n  commit_quantile: mean\n");
	write_usage(tu_path(dir, "u.csv"), tm_from_civil(2026, 10, 26) * TM_DAY, 3 * WK, bt_gpus);
	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, "CAPPLAN_NOW=2026-10-01T00:00:00Z \"$CAPPLAN_BIN\" --db s.db "
				    "prices import o.csv && \"$CAPPLAN_BIN\" --db s.db usage import u.csv",
				    NULL, NULL), 0);
	rc = tu_capplan(dir, "--db s.db backtest --from 2026-11-02 --to 2026-11-15 --policy p.yaml "
			"--json", &out, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "%s\n", err);
	root = out ? yajl_tree_parse(out, NULL, 0) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "realized", NULL, NULL), 756.00, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "heuristic", NULL, NULL), 772.80, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "all_ondemand", NULL, NULL), 1680.00, 1e-6);
	yajl_tree_free(root);
	free(out);
	free(err);
	out = NULL;
	/* the Markdown table */
	CU_ASSERT_EQUAL(tu_capplan(dir, "--db s.db backtest --from 2026-11-02 --to 2026-11-15 "
				   "--policy p.yaml", &out, NULL), 0);
	/* against the bound, 705.60: 756.00 / 705.60 and 772.80 / 705.60 */
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "| policy (realized) | 756.00 | 1.071x |"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "| commitment heuristic | 772.80 | 1.095x |"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "| perfect foresight (lower bound) | 705.60 | "
					     "1.000x |"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "| perfect-foresight plan held from the start | "
					     "756.00 | 1.071x |"));
	free(out);
}

/* History at 1 GPU for a week, then the window: a week at 1, a week at 5. */
static double bound_gpus(size_t t)
{
	return t >= 2 * WK ? 5 : 1;
}

/*
 * Perfect foresight is a lower bound in every week, on a hand-worked case where the old one
 * (the whole-window plan, held from the start) was not. One T4 offering: on demand 1.0,
 * 1y reserved 0.4, no spot (share 0); the policy commits to the forecast mean.
 * - Policy: the forecast is 1 GPU both weeks (the history is flat): it reserves 1. Week 1:
 *   168 x 0.4 = 67.20. Week 2: 168 x (0.4 + 4 on demand) = 739.20. Total 806.40.
 * - Held from the start (the LP over both weeks): r reserved cost 168 x (0.8 r + (1 - r)+ +
 *   (5 - r)+): r = 5 is cheapest (672.00; r = 4 705.60, r = 1 806.40); week 1 pays 5 x 0.4 x
 *   168 = 336.00 for 1 GPU of demand: more than the policy's 67.20. That was the reported
 *   "perfect foresight": a policy beat it in a week.
 * - Perfect foresight, week by week: week 1 holds 1 (67.20); week 2 holds 5 (168 x 2.0 =
 *   336.00; 4: 168 x 2.6, 6: 168 x 2.4). Total 403.20: below every strategy in every week.
 * - Heuristic: 1 GPU was used in every hour of the last 30 days (>= 40% break-even):
 *   reserve 1, as the policy: 806.40. All on demand: 168 x 1 + 168 x 5 = 1008.00.
 */
static void test_backtest_bound_hand(void)
{
	static const double real[2] = { 67.20, 739.20 }, pf[2] = { 67.20, 336.00 };
	static const double hold[2] = { 336.00, 336.00 };
	const char *dir = tu_tmpdir();
	char *out = NULL, *err = NULL;
	yajl_val root, weeks;
	size_t w;
	int rc;

	tu_write(tu_path(dir, "o.csv"), "provider,region,instance_type,gpu_model,gpus_per_instance,"
		 "vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		 "spot_interruption_rate\naws,us-east-1,g4dn.xlarge,T4,1,4,16,1.0,0.3,0.4,,\n");
	tu_write(tu_path(dir, "p.yaml"), "policy:\n  max_spot_share: 0\n  commit_quantile: mean\n");
	write_usage(tu_path(dir, "u.csv"), tm_from_civil(2026, 10, 26) * TM_DAY, 3 * WK,
		    bound_gpus);
	rc = tu_capplan(dir, "backtest --from 2026-11-02 --to 2026-11-15 --offerings o.csv "
			"--usage u.csv --policy p.yaml --json", &out, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "%s\n", err);
	root = out ? yajl_tree_parse(out, NULL, 0) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "realized", NULL, NULL), 806.40, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "perfect_foresight", NULL, NULL), 403.20, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "perfect_foresight_hold", NULL, NULL), 672.00, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "perfect_foresight_lp", NULL, NULL), 672.00, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "heuristic", NULL, NULL), 806.40, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "all_ondemand", NULL, NULL), 1008.00, 1e-6);
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "realized_vs_perfect_foresight", NULL, NULL), 2.0, 1e-9);
	weeks = jpath(root, "weeks", NULL, NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(weeks) && YAJL_GET_ARRAY(weeks)->len == 2);
	for (w = 0; w < 2; w++) {
		yajl_val k = YAJL_GET_ARRAY(weeks)->values[w];

		CU_ASSERT_DOUBLE_EQUAL(jnum(k, "realized", NULL, NULL), real[w], 1e-6);
		CU_ASSERT_DOUBLE_EQUAL(jnum(k, "perfect_foresight", NULL, NULL), pf[w], 1e-6);
		CU_ASSERT_DOUBLE_EQUAL(jnum(k, "perfect_foresight_hold", NULL, NULL), hold[w], 1e-6);
		CU_ASSERT(jnum(k, "realized", NULL, NULL) >=
			  jnum(k, "perfect_foresight", NULL, NULL) - 1e-6);
	}
	/* the old figure is no bound: week 1 of the plan held from the start costs more */
	CU_ASSERT(jnum(YAJL_GET_ARRAY(weeks)->values[0], "perfect_foresight_hold", NULL, NULL) >
		  jnum(YAJL_GET_ARRAY(weeks)->values[0], "realized", NULL, NULL));
	yajl_tree_free(root);
	free(out);
	free(err);
}

/* A deterministic demand with a daily cycle, a trend, a step and noise (fractional GPUs). */
static double inv_demand(size_t m, size_t t, double peak)
{
	unsigned long x = (unsigned long)(t * 2654435761UL + m * 40503UL) % 1000UL;
	double v = peak * (0.55 + 0.25 * sin((double)(t % 24) * 2 * M_PI / 24) +
			   0.1 * (double)t / (double)(8 * WK)) + (double)x / 1000.0 * 2 - 1;

	if (t >= 5 * WK + 40)
		v += peak * 0.2;
	return v > 0 ? round(v * 100) / 100 : 0;
}

/* The cheapest week of T4 by brute force over every holding of its three commitments. */
static double brute_week(const struct offering *of, const struct plan_demand *u, size_t t0,
			 double share, const double *hist, size_t hist_t0, size_t hist_n)
{
	size_t idx[2] = { 0, 1 }, t;
	int gpus[2] = { of[0].gpus, of[1].gpus }, a, b, c;
	double spot[2] = { of[0].spot, of[1].spot }, od[2] = { of[0].ondemand, of[1].ondemand };
	double so[2], oo[2], best = INFINITY;
	struct realize_hour h = { 2, idx, gpus, spot, od, 0, 0, share };
	struct err e = ERR_INIT;

	/* g4dn.xlarge 1y and 3y (1 GPU), g4dn.12xlarge 1y (4 GPUs): the peak is under 15
	 * GPUs, so a cheapest holding has at most 15 + 3 */
	for (a = 0; a <= 18; a++)
		for (b = 0; a + b <= 18; b++)
			for (c = 0; a + b + 4 * c <= 18; c++) {
				double wk = (double)WK * (a * of[0].reserved_1y + b * of[0].reserved_3y +
							  c * of[1].reserved_1y), cost;

				h.reserved_gpus = a + b + 4 * c;
				for (t = t0; t < t0 + WK && wk < best; t++) {
					size_t k;

					for (k = 0; k < 2; k++) {
						double v = hist[k * hist_n + t - hist_t0];

						spot[k] = isnan(v) ? of[k].spot : v;
					}
					h.demand = u->gpus[t];
					if (realize_cover(&h, so, oo, &cost, &e) < 0)
						return NAN;
					wk += cost;
				}
				best = wk < best ? wk : best;
			}
	return best;
}

/*
 * Over a multi-week run (spot prices that move by the hour, fractional demand, multi-GPU
 * instances, two GPU models), no strategy pays less than perfect foresight in any week,
 * and perfect foresight is the exact optimum of the week (brute force, T4 alone).
 */
static void test_backtest_bound_invariant(void)
{
	struct offering of[4];
	const char *models[2] = { "T4", "A100-40GB" };
	struct plan_demand u;
	struct backtest_prices pr;
	struct backtest_opts o;
	struct backtest_result *r = NULL;
	struct config *cfg = NULL;
	struct plan_opts po = PLAN_OPTS_INIT;
	struct forecast_opts fo = FORECAST_OPTS_INIT;
	struct err e = ERR_INIT;
	double *spot = NULL;
	size_t m, t, w, i, nmodels;
	int64_t start = tm_from_civil(2026, 9, 7) * TM_DAY;

	memset(of, 0, sizeof(of));
	snprintf(of[0].provider, sizeof(of[0].provider), "aws");
	snprintf(of[0].region, sizeof(of[0].region), "us-east-1");
	snprintf(of[0].instance_type, sizeof(of[0].instance_type), "g4dn.xlarge");
	snprintf(of[0].gpu_model, sizeof(of[0].gpu_model), "T4");
	of[0].gpus = 1;
	of[0].ondemand = 0.526;
	of[0].spot = 0.19;
	of[0].reserved_1y = 0.3085;
	of[0].reserved_3y = 0.1857;
	of[1] = of[0];
	snprintf(of[1].instance_type, sizeof(of[1].instance_type), "g4dn.12xlarge");
	of[1].gpus = 4;
	of[1].ondemand = 1.9;
	of[1].spot = 0.7;
	of[1].reserved_1y = 0.7;
	of[1].reserved_3y = NAN;
	of[2] = of[0];
	snprintf(of[2].instance_type, sizeof(of[2].instance_type), "p4d.24xlarge");
	snprintf(of[2].gpu_model, sizeof(of[2].gpu_model), "A100-40GB");
	of[2].gpus = 8;
	of[2].ondemand = 32.77;
	of[2].spot = 10.8;
	of[2].reserved_1y = 19.22;
	of[2].reserved_3y = 11.57;
	of[3] = of[2];
	snprintf(of[3].provider, sizeof(of[3].provider), "gcp");
	snprintf(of[3].instance_type, sizeof(of[3].instance_type), "a2-highgpu-1g");
	of[3].gpus = 1;
	of[3].ondemand = 3.67;
	of[3].spot = 1.29;
	of[3].reserved_1y = 2.31;
	of[3].reserved_3y = 1.65;
	CU_ASSERT_EQUAL_FATAL(config_empty(&cfg, &e), 0);
	for (nmodels = 1; nmodels <= 2; nmodels++) {
		memset(&u, 0, sizeof(u));
		u.nmodels = nmodels;
		u.models = (char **)models;
		u.start = start;
		u.nhours = 9 * WK;
		u.gpus = calloc(nmodels * u.nhours, sizeof(double));
		spot = calloc(4 * 4 * WK, sizeof(double));
		CU_ASSERT_PTR_NOT_NULL_FATAL(u.gpus);
		CU_ASSERT_PTR_NOT_NULL_FATAL(spot);
		for (m = 0; m < nmodels; m++)
			for (t = 0; t < u.nhours; t++)
				u.gpus[m * u.nhours + t] = inv_demand(m, t, m ? 40 : 10);
		/* a gap in the usage counts as no demand */
		u.gpus[5 * WK + 3] = NAN;
		/* spot from the history: it moves by the hour, one hour has no quote */
		for (i = 0; i < 4; i++)
			for (t = 0; t < 4 * WK; t++)
				spot[i * 4 * WK + t] = of[i].spot * (0.7 + 0.6 * (double)((t * 7 + i) % 13)
								     / 12.0);
		spot[0 * 4 * WK + 30] = NAN;
		pr.start = start + 5 * WK * TM_HOUR;
		pr.nhours = 4 * WK;
		pr.spot = spot;
		memset(&o, 0, sizeof(o));
		o.from = pr.start;
		o.end = start + (int64_t)u.nhours * TM_HOUR;
		o.cfg = cfg;
		o.po = po;
		o.fo = fo;
		CU_ASSERT_EQUAL_FATAL(backtest_run(&r, of, 4, &u, &pr, &o, &e), 0);
		CU_ASSERT_EQUAL(r->nweeks, 4);
		for (w = 0; w < r->nweeks; w++) {
			const struct backtest_week *k = &r->weeks[w];

			CU_ASSERT(k->realized >= k->perfect_foresight - 1e-6);
			CU_ASSERT(k->heuristic >= k->perfect_foresight - 1e-6);
			CU_ASSERT(k->perfect_foresight_hold >= k->perfect_foresight - 1e-6);
			CU_ASSERT(k->all_ondemand >= k->perfect_foresight - 1e-6);
			if (nmodels == 1 && w < 2)
				CU_ASSERT_DOUBLE_EQUAL(k->perfect_foresight,
						       brute_week(of, &u, 5 * WK + w * WK, 0.4, spot,
								  5 * WK, 4 * WK), 1e-6);
			if (k->realized < k->perfect_foresight - 1e-6)
				fprintf(stderr, "week %zu: realized %.6f < perfect foresight %.6f\n",
					w, k->realized, k->perfect_foresight);
		}
		CU_ASSERT(r->realized >= r->perfect_foresight - 1e-6);
		CU_ASSERT(r->heuristic >= r->perfect_foresight - 1e-6);
		backtest_result_free(r);
		r = NULL;
		free(u.gpus);
		free(spot);
	}
	config_free(cfg);
}

/*
 * Levers, end to end through the real forecaster and solver: the store gets a catalog and
 * usage, `forecast` and `plan` run, and the weekly report prices three levers. Raising the
 * spot share can only lower the LP's cost: that lever never costs.
 */
/* total_cost of capplan ARGS (a plan --json) run in dir; NAN on failure. */
static double plan_total(const char *dir, const char *args)
{
	char *out = NULL;
	yajl_val root;
	double v = NAN;

	CU_ASSERT_EQUAL(tu_capplan(dir, args, &out, NULL), 0);
	if ((root = out ? yajl_tree_parse(out, NULL, 0) : NULL) != NULL)
		v = jnum(root, "total_cost", NULL, NULL);
	yajl_tree_free(root);
	free(out);
	return v;
}

/* 10 to 22 GPUs in a fixed scramble: a forecast with a band, so p50 and p90 differ. */
static double noisy_gpus(size_t t)
{
	return 10 + (double)(t * 7919 % 13);
}

/*
 * whatif from the store: --set policy.cover_quantile=p50 plans the forecast's p50 (it
 * planned the baseline's p90 and showed no change). The scenario must cost exactly what the
 * baseline costs when the config itself says p50.
 */
static void test_whatif_cover_quantile(void)
{
	const char *dir = tu_tmpdir();
	char *out = NULL, *err = NULL;
	yajl_val root;
	double base90, scen50, base50;

	tu_write(tu_path(dir, "o.csv"), "provider,region,instance_type,gpu_model,gpus_per_instance,"
		 "vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		 "spot_interruption_rate\n"
		 "aws,us-east-1,g4dn.xlarge,T4,1,4,16,1.0,0.3,0.5,,\n");
	tu_write(tu_path(dir, "p50.yaml"), "policy:\n  cover_quantile: p50\n");
	write_usage(tu_path(dir, "u.csv"), tm_from_civil(2026, 10, 26) * TM_DAY, 3 * WK, noisy_gpus);
	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, "B=\"$CAPPLAN_BIN\"; \"$B\" --db s.db prices import o.csv && "
				    "\"$B\" --db s.db usage import u.csv && \"$B\" -q --db s.db forecast",
				    NULL, &err), 0);
	free(err);
	err = NULL;
	CU_ASSERT_EQUAL(tu_capplan(dir, "--db s.db whatif --set policy.cover_quantile=p50 --json",
				   &out, &err), 0);
	root = out ? yajl_tree_parse(out, NULL, 0) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	base90 = jnum(root, "baseline", "total_cost", NULL);
	scen50 = jnum(root, "scenario", "total_cost", NULL);
	yajl_tree_free(root);
	free(out);
	free(err);
	out = err = NULL;
	CU_ASSERT_EQUAL(tu_capplan(dir, "--config p50.yaml --db s.db whatif --set demand*=1 --json",
				   &out, NULL), 0);
	root = out ? yajl_tree_parse(out, NULL, 0) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	base50 = jnum(root, "baseline", "total_cost", NULL);
	yajl_tree_free(root);
	free(out);
	out = NULL;
	CU_ASSERT(scen50 < base90);	/* the p50 band is below the p90 one */
	CU_ASSERT_DOUBLE_EQUAL(scen50, base50, 1e-6);
	/* a value the planner cannot cover names the assumption */
	CU_ASSERT_EQUAL(tu_capplan(dir, "--db s.db whatif --set policy.cover_quantile=p99", NULL,
				   &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "--set \"policy.cover_quantile=p99\": use p50, "
					     "p90, hi95 or mean"));
	free(err);
	err = NULL;
	/*
	 * With spot history in the store plan prices spot at its median (0.15 here, not the
	 * catalog's 0.3): whatif's baseline is that plan (it was priced at the catalog's), and
	 * --set policy.spot_price=catalog is the plan with spot_price: catalog in the config.
	 */
	{
		struct providers_spot_point pt[2];
		struct store *st = NULL;
		struct err e = ERR_INIT;
		size_t added = 0;
		double plan_median, plan_catalog;

		memset(pt, 0, sizeof(pt));
		snprintf(pt[0].region, sizeof(pt[0].region), "us-east-1");
		snprintf(pt[0].zone, sizeof(pt[0].zone), "us-east-1a");
		snprintf(pt[0].instance_type, sizeof(pt[0].instance_type), "g4dn.xlarge");
		pt[1] = pt[0];
		snprintf(pt[1].zone, sizeof(pt[1].zone), "us-east-1b");
		pt[0].ts = pt[1].ts = tm_from_civil(2026, 11, 15) * TM_DAY;
		pt[0].price = 0.1;
		pt[1].price = 0.2;
		CU_ASSERT_EQUAL_FATAL(store_open(&st, tu_path(dir, "s.db"), &e), 0);
		CU_ASSERT_EQUAL(store_spot_put(st, "aws", pt, 2, pt[0].ts, &added, &e), 0);
		CU_ASSERT_EQUAL(added, 2);
		store_close(st);
		tu_write(tu_path(dir, "cat.yaml"), "policy:\n  spot_price: catalog\n");
		plan_median = plan_total(dir, "--db s.db plan --json");
		plan_catalog = plan_total(dir, "--config cat.yaml --db s.db plan --json");
		CU_ASSERT(plan_median < plan_catalog);
		CU_ASSERT_EQUAL(tu_capplan(dir, "--db s.db whatif --set demand*=1 --json", &out,
					   NULL), 0);
		root = out ? yajl_tree_parse(out, NULL, 0) : NULL;
		CU_ASSERT_PTR_NOT_NULL_FATAL(root);
		CU_ASSERT_DOUBLE_EQUAL(jnum(root, "baseline", "total_cost", NULL), plan_median, 1e-6);
		yajl_tree_free(root);
		free(out);
		out = NULL;
		CU_ASSERT_EQUAL(tu_capplan(dir, "--db s.db whatif --set policy.spot_price=catalog "
					   "--json", &out, NULL), 0);
		root = out ? yajl_tree_parse(out, NULL, 0) : NULL;
		CU_ASSERT_PTR_NOT_NULL_FATAL(root);
		CU_ASSERT_DOUBLE_EQUAL(jnum(root, "baseline", "total_cost", NULL), plan_median, 1e-6);
		CU_ASSERT_DOUBLE_EQUAL(jnum(root, "scenario", "total_cost", NULL), plan_catalog,
				       1e-6);
		yajl_tree_free(root);
		free(out);
	}
}

/*
 * The "provider gcp" lever plans next week without gcp. A config commitment of a gcp offering
 * must not make that plan an error (an offering not in the catalog is refused since plan.c
 * checks config commitments against it): the lever leaves gcp's offerings in the catalog
 * serving nothing, so it is priced (gcp carries part of the plan), not "no plan covers".
 */
static void test_weekly_provider_lever_owned(void)
{
	const char *dir = tu_tmpdir();
	char *out = NULL, *err = NULL;
	yajl_val root, lv;
	size_t i;
	int seen = 0;

	tu_write(tu_path(dir, "o.csv"), "provider,region,instance_type,gpu_model,gpus_per_instance,"
		 "vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		 "spot_interruption_rate\n"
		 "aws,us-east-1,g4dn.xlarge,T4,1,4,16,1.0,0.3,0.5,,\n"
		 "gcp,us-central1,n1-t4,T4,1,4,16,1.2,0.25,0.6,,\n");
	tu_write(tu_path(dir, "c.yaml"), "commitments:\n  - {offering: gcp/us-central1/n1-t4, "
		 "count: 1}\n");
	write_usage(tu_path(dir, "u.csv"), tm_from_civil(2026, 10, 26) * TM_DAY, 3 * WK, bt_gpus);
	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, "B=\"$CAPPLAN_BIN\"; C='--config c.yaml --db s.db'; "
				    "\"$B\" $C prices import o.csv && \"$B\" $C usage import u.csv && "
				    "\"$B\" -q $C forecast && \"$B\" $C plan --json > /dev/null", NULL,
				    NULL), 0);
	CU_ASSERT_EQUAL(tu_capplan(dir, "--config c.yaml --db s.db report weekly --week 2026-W46 "
				   "--format json", &out, &err), 0);
	root = out ? yajl_tree_parse(out, NULL, 0) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	lv = jpath(root, "next_week", "levers", NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(lv));
	for (i = 0; i < YAJL_GET_ARRAY(lv)->len; i++) {
		yajl_val l = YAJL_GET_ARRAY(lv)->values[i];
		const char *name = YAJL_GET_STRING(jpath(l, "name", NULL, NULL));
		const char *what = YAJL_GET_STRING(jpath(l, "what", NULL, NULL));

		if (name == NULL || strcmp(name, "provider gcp") != 0)
			continue;
		seen = 1;
		CU_ASSERT(what && strncmp(what, "gcp carries part", 16) == 0);
		CU_ASSERT(isfinite(jnum(l, "weekly_saving", NULL, NULL)));
	}
	CU_ASSERT(seen);
	yajl_tree_free(root);
	free(out);
	free(err);
}

static void test_weekly_levers(void)
{
	const char *dir = tu_tmpdir();
	char *out = NULL, *err = NULL;
	yajl_val root, lv;
	size_t i;
	int rc;

	tu_write(tu_path(dir, "o.csv"), "provider,region,instance_type,gpu_model,gpus_per_instance,"
		 "vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		 "spot_interruption_rate\n"
		 "aws,us-east-1,g4dn.xlarge,T4,1,4,16,1.0,0.3,0.5,,\n"
		 "gcp,us-central1,n1-t4,T4,1,4,16,1.2,0.25,0.6,,\n");
	write_usage(tu_path(dir, "u.csv"), tm_from_civil(2026, 10, 26) * TM_DAY, 3 * WK, bt_gpus);
	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, "B=\"$CAPPLAN_BIN\"; \"$B\" --db s.db prices import o.csv && "
				    "\"$B\" --db s.db usage import u.csv && \"$B\" -q --db s.db forecast && "
				    "\"$B\" --db s.db plan --json > /dev/null", NULL, &err), 0);
	free(err);
	err = NULL;
	/* the plan starts 2026-11-16: it is next week's of the report on week 2026-W46 */
	rc = tu_capplan(dir, "--db s.db report weekly --week 2026-W46 --format json", &out, &err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc)
		fprintf(stderr, "%s\n", err);
	root = out ? yajl_tree_parse(out, NULL, 0) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	lv = jpath(root, "next_week", "levers", NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(lv));
	CU_ASSERT_EQUAL(YAJL_GET_ARRAY(lv)->len, 3);
	for (i = 0; i < YAJL_GET_ARRAY(lv)->len; i++) {
		yajl_val l = YAJL_GET_ARRAY(lv)->values[i];
		yajl_val name = jpath(l, "name", NULL, NULL);
		const char *nm = YAJL_IS_STRING(name) ? YAJL_GET_STRING(name) : NULL;

		CU_ASSERT_PTR_NOT_NULL(nm);
		if (nm && strncmp(nm, "policy.max_spot_share", 21) == 0)
			CU_ASSERT(jnum(l, "weekly_saving", NULL, NULL) >= 0);
	}
	/* next week's plan is there and prices its commitments */
	CU_ASSERT(jnum(root, "next_week", "plan", "total") > 0);
	yajl_tree_free(root);
	free(out);
	free(err);
	out = err = NULL;
	/* whatif from the store: the latest forecast is the baseline; twice the demand costs
	 * more, and the delta is the difference of the two totals */
	CU_ASSERT_EQUAL(tu_capplan(dir, "--db s.db whatif --set 'demand*=2' --json", &out, NULL), 0);
	root = out ? yajl_tree_parse(out, NULL, 0) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	CU_ASSERT(jnum(root, "scenario", "total_cost", NULL) > jnum(root, "baseline", "total_cost",
								     NULL));
	CU_ASSERT_DOUBLE_EQUAL(jnum(root, "delta", "total_cost", NULL),
			       jnum(root, "scenario", "total_cost", NULL) -
			       jnum(root, "baseline", "total_cost", NULL), 1e-9);
	yajl_tree_free(root);
	free(out);
	out = NULL;
	/* a binding quota is priced by the solver's dual: one provider, the cheap region capped
	 * at 2 GPUs (so no provider levers compete with it) */
	tu_write(tu_path(dir, "o2.csv"), "provider,region,instance_type,gpu_model,gpus_per_instance,"
		 "vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		 "spot_interruption_rate\n"
		 "aws,us-east-1,g4dn.xlarge,T4,1,4,16,1.0,0.3,0.5,,\n"
		 "aws,us-west-2,g4dn.xlarge,T4,1,4,16,2.0,0.9,1.5,,\n");
	tu_write(tu_path(dir, "q.yaml"), "quotas:\n  - {provider: aws, region: us-east-1, gpus: 2}\n");
	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, "B=\"$CAPPLAN_BIN\"; \"$B\" --db q.db prices import o2.csv && "
				    "\"$B\" --db q.db usage import u.csv && \"$B\" -q --db q.db forecast && "
				    "\"$B\" --config q.yaml --db q.db plan --json > /dev/null", NULL, NULL), 0);
	rc = tu_capplan(dir, "--config q.yaml --db q.db report weekly --week 2026-W46 --json", &out,
			&err);
	CU_ASSERT_EQUAL(rc, 0);
	root = out ? yajl_tree_parse(out, NULL, 0) : NULL;
	CU_ASSERT_PTR_NOT_NULL_FATAL(root);
	lv = jpath(root, "next_week", "levers", NULL);
	CU_ASSERT_FATAL(YAJL_IS_ARRAY(lv));
	{
		int quota = 0;

		for (i = 0; i < YAJL_GET_ARRAY(lv)->len; i++) {
			yajl_val l = YAJL_GET_ARRAY(lv)->values[i];
			yajl_val name = jpath(l, "name", NULL, NULL);
			const char *nm = YAJL_IS_STRING(name) ? YAJL_GET_STRING(name) : NULL;

			if (nm && strncmp(nm, "quota aws/us-east-1 2 -> 3", 26) == 0) {
				quota = 1;
				/* worth something, and never more than the widest price gap
				 * between the regions (1.0 an hour) for every hour of the week */
				CU_ASSERT(jnum(l, "weekly_saving", NULL, NULL) > 0);
				CU_ASSERT(jnum(l, "weekly_saving", NULL, NULL) <= 1.0 * 168 + 1e-6);
			}
		}
		CU_ASSERT(quota);
	}
	yajl_tree_free(root);
	free(out);
	free(err);
}

void reports_suite_register(void)
{
	CU_pSuite s = CU_add_suite("reports", NULL, NULL);

	CU_add_test(s, "realize_cover on hand-checked hours", test_realize);
	CU_add_test(s, "realize_cover_curve is realize_cover for every holding", test_realize_curve);
	CU_add_test(s, "weekly: golden md, json, csv, html", test_weekly_golden);
	CU_add_test(s, "weekly: hand-worked figures agree to the cent", test_weekly_figures);
	CU_add_test(s, "weekly: hostile names are escaped", test_weekly_escaping);
	CU_add_test(s, "weekly: html renders in headless chromium", test_weekly_chromium);
	CU_add_test(s, "weekly: an empty store reports its notes", test_weekly_empty);
	CU_add_test(s, "weekly: as used counts the commitments imported from FOCUS",
		    test_weekly_focus_commitments);
	CU_add_test(s, "weekly: FOCUS import end to end", test_weekly_focus_import);
	CU_add_test(s, "weekly: commitments as used per provider (AWS import, GCP plan)",
		    test_weekly_focus_per_provider);
	CU_add_test(s, "weekly: a provider's export that shows none held means none",
		    test_weekly_focus_none_held);
	CU_add_test(s, "weekly: per provider through usage import --focus",
		    test_weekly_focus_import_per_provider);
	CU_add_test(s, "backtest: hand-worked two-week accounting", test_backtest_two_weeks);
	CU_add_test(s, "backtest: the store path", test_backtest_store);
	CU_add_test(s, "backtest: perfect foresight is a weekly lower bound (hand-worked)",
		    test_backtest_bound_hand);
	CU_add_test(s, "backtest: no strategy pays below perfect foresight in any week",
		    test_backtest_bound_invariant);
	CU_add_test(s, "weekly: levers through the real forecaster and solver", test_weekly_levers);
	CU_add_test(s, "weekly: a provider lever with a config commitment of that provider",
		    test_weekly_provider_lever_owned);
	CU_add_test(s, "whatif: hand-worked scenarios", test_whatif);
	CU_add_test(s, "whatif: the baseline is the plan (spot history); cover_quantile, spot_price",
		    test_whatif_cover_quantile);
	CU_add_test(s, "bad flags exit 2", test_bad_flags);
	CU_add_test(s, "report weekly: a plan commitments result is not the week's plan",
		    test_weekly_skips_commitments_plan);
}
