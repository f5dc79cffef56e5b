/*
 * usage: the FOCUS importer in each cloud's dialect, usage per source (replace, prefer,
 * gaps), commitments owned, and the Prometheus client against tests/fakeprom.
 * Expected figures are worked out by hand from the rows of tests/data/usage/ (see the
 * comments in gen_fixtures.py beside each row).
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "planner/config.h"
#include "planner/focus.h"
#include "planner/plan.h"
#include "planner/store_usage.h"
#include "providers/providers.h"
#include "tests/testutil.h"
#include "util/tm.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

static int builtin(const char *provider, const char *type, char *gpu, size_t n, int *gpus)
{
	const struct providers_instance *pi = providers_instance_lookup(provider, type);

	if (pi == NULL)
		return 0;
	snprintf(gpu, n, "%s", pi->gpu_model);
	*gpus = pi->gpus;
	return 1;
}

static struct focus_result *read_fixture(const char *name, const struct offering *cat,
					 size_t ncat)
{
	struct focus_opts o;
	struct focus_result *r = NULL;
	struct err e = ERR_INIT;
	char rel[256];
	int rc;

	memset(&o, 0, sizeof(o));
	o.catalog = cat;
	o.ncatalog = ncat;
	o.builtin = builtin;
	o.imported_at = 1000;
	snprintf(rel, sizeof(rel), "tests/data/usage/%s", name);
	rc = focus_read(&r, tu_src(rel), &o, &e);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0)
		fprintf(stderr, "%s\n", e.msg);
	return r;
}

/* The GPUs of model at hour ts in a source's rows; -1 when no such row. */
static double at(const struct focus_source *s, const char *model, const char *iso)
{
	int64_t ts;
	size_t i;

	if (tm_parse(iso, &ts) < 0)
		return -2;
	for (i = 0; i < s->nrows; i++)
		if (s->rows[i].ts == ts && strcmp(s->rows[i].gpu_model, model) == 0)
			return s->rows[i].gpus;
	return -1;
}

static size_t model_rows(const struct focus_source *s, const char *model)
{
	size_t i, n = 0;

	for (i = 0; i < s->nrows; i++)
		n += strcmp(s->rows[i].gpu_model, model) == 0;
	return n;
}

static void test_focus_aws10(void)
{
	struct focus_result *r = read_fixture("aws_focus10.csv", NULL, 0);
	const struct focus_source *s;
	const struct store_commitment *c;
	int64_t t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->rows, 16);
	/* p4d 1 + 2 + 1 (RI) instance-hours x 8 GPUs, g5 0.5 + 0.25 */
	CU_ASSERT_EQUAL(r->gpu_rows, 5);
	CU_ASSERT(NEAR(r->gpu_hours, 32.75));
	CU_ASSERT(NEAR(r->gpu_hours_by_pricing[FOCUS_STANDARD], 24.25));
	CU_ASSERT(NEAR(r->gpu_hours_by_pricing[FOCUS_DYNAMIC], 0.5));
	CU_ASSERT(NEAR(r->gpu_hours_by_pricing[FOCUS_COMMITTED], 8));
	CU_ASSERT_EQUAL(r->not_usage, 4);	/* credit, tax, purchase, correction */
	CU_ASSERT_EQUAL(r->commitment_fees, 2);	/* HeavyUsage fee, unused RI hour */
	CU_ASSERT_EQUAL(r->malformed[FOCUS_BAD_QUANTITY], 1);
	CU_ASSERT_EQUAL(r->first_malformed_line[FOCUS_BAD_QUANTITY], 16);
	CU_ASSERT_EQUAL(r->malformed[FOCUS_BAD_PERIOD], 1);
	CU_ASSERT_EQUAL(r->first_malformed_line[FOCUS_BAD_PERIOD], 17);
	CU_ASSERT_EQUAL_FATAL(r->nsources, 1);
	s = &r->sources[0];
	CU_ASSERT_STRING_EQUAL(s->name, "focus:aws");
	CU_ASSERT_EQUAL(s->spread_daily, 0);
	tm_parse("2026-11-01T00:00:00Z", &t);
	CU_ASSERT_EQUAL(s->from, t);
	CU_ASSERT_EQUAL(s->to, t + 3 * TM_HOUR);	/* the unused RI row's hour is covered */
	CU_ASSERT_EQUAL(s->nrows, 8);
	CU_ASSERT(NEAR(at(s, "A100-40GB", "2026-11-01T00:00:00Z"), 8));
	CU_ASSERT(NEAR(at(s, "A100-40GB", "2026-11-01T01:00:00Z"), 16));
	CU_ASSERT(NEAR(at(s, "A100-40GB", "2026-11-01T02:00:00Z"), 8));
	CU_ASSERT(NEAR(at(s, "A100-40GB", "2026-11-01T03:00:00Z"), 0));	/* an explicit zero */
	CU_ASSERT(NEAR(at(s, "A10G", "2026-11-01T00:00:00Z"), 0.5));
	CU_ASSERT(NEAR(at(s, "A10G", "2026-11-01T01:00:00Z"), 0.25));
	CU_ASSERT(NEAR(at(s, "A10G", "2026-11-01T02:00:00Z"), 0));
	CU_ASSERT_EQUAL_FATAL(r->nunmatched, 1);
	CU_ASSERT_STRING_EQUAL(r->unmatched[0].sku_id, "P9UNKNOWNSKU");
	CU_ASSERT_STRING_EQUAL(r->unmatched[0].what, "p9.48xlarge");
	CU_ASSERT_EQUAL(r->unmatched_rows, 1);
	/* the RI: used hour 2 (20), unused hour 3 (20): 1 instance at 20/h, 1-year term */
	CU_ASSERT_EQUAL_FATAL(r->ncommitments, 1);
	c = &r->commitments[0];
	CU_ASSERT_STRING_EQUAL(c->id, "arn:aws:ec2:us-east-1:123456789012:reserved-instances/ri-0a1b2c");
	CU_ASSERT_STRING_EQUAL(c->gpu_model, "A100-40GB");
	CU_ASSERT_STRING_EQUAL(c->instance_type, "p4d.24xlarge");
	CU_ASSERT_STRING_EQUAL(c->type, "Reserved Instance");
	CU_ASSERT_STRING_EQUAL(c->category, "Usage");
	CU_ASSERT_EQUAL(c->gpus_per_instance, 8);
	CU_ASSERT(NEAR(c->used_hours, 1));
	CU_ASSERT(NEAR(c->unused_hours, 1));
	CU_ASSERT(NEAR(c->instances, 1));
	CU_ASSERT(NEAR(c->effective_hourly, 20));
	CU_ASSERT_EQUAL(c->term_months, 12);
	CU_ASSERT_EQUAL(c->first_seen, t + 2 * TM_HOUR);
	CU_ASSERT_EQUAL(c->expires_by, t + 2 * TM_HOUR + 365 * (int64_t)TM_DAY);
	focus_result_free(r);
}

static void test_focus_aws12(void)
{
	struct focus_result *r = read_fixture("aws_focus12.csv", NULL, 0);
	const struct focus_source *s;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* description p4d 8 + SkuPriceDetails g5 1 + savings-plan p4d 8 */
	CU_ASSERT(NEAR(r->gpu_hours, 17));
	CU_ASSERT_EQUAL(r->not_usage, 1);
	CU_ASSERT_EQUAL_FATAL(r->nsources, 1);
	s = &r->sources[0];
	CU_ASSERT(NEAR(at(s, "A100-40GB", "2026-11-01T00:00:00Z"), 8));
	CU_ASSERT(NEAR(at(s, "A100-40GB", "2026-11-01T01:00:00Z"), 8));
	CU_ASSERT(NEAR(at(s, "A10G", "2026-11-01T00:00:00Z"), 1));
	CU_ASSERT(NEAR(at(s, "A10G", "2026-11-01T01:00:00Z"), 0));
	CU_ASSERT_EQUAL_FATAL(r->ncommitments, 1);
	CU_ASSERT_STRING_EQUAL(r->commitments[0].category, "Spend");
	CU_ASSERT_STRING_EQUAL(r->commitments[0].type, "Savings Plan");
	CU_ASSERT(NEAR(r->commitments[0].spend_hourly, 15));
	CU_ASSERT_EQUAL(r->commitments[0].term_months, 36);
	focus_result_free(r);
}

static void test_focus_azure(void)
{
	struct focus_result *r = read_fixture("azure_focus.csv", NULL, 0);
	const struct focus_source *s;
	const struct store_commitment *c;
	int64_t t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* 48 x 1 + 12 x 8 on day 1; 24 x 1 reserved + 10 x 1 A10 on day 2 */
	CU_ASSERT(NEAR(r->gpu_hours, 178));
	CU_ASSERT_EQUAL(r->gpu_rows, 4);
	CU_ASSERT_EQUAL(r->malformed[FOCUS_BAD_SKU_DETAILS], 1);
	CU_ASSERT_EQUAL_FATAL(r->nsources, 1);
	s = &r->sources[0];
	CU_ASSERT_STRING_EQUAL(s->name, "focus:azure");
	CU_ASSERT_EQUAL(s->spread_daily, 1);
	CU_ASSERT_EQUAL(model_rows(s, "A100-80GB"), 48);
	/* daily rows spread evenly: 48 GPU-hours over 24 hours is 2 every hour */
	CU_ASSERT(NEAR(at(s, "A100-80GB", "2026-11-01T00:00:00Z"), 2));
	CU_ASSERT(NEAR(at(s, "A100-80GB", "2026-11-01T23:00:00Z"), 2));
	CU_ASSERT(NEAR(at(s, "A100-80GB", "2026-11-02T05:00:00Z"), 1));
	CU_ASSERT(NEAR(at(s, "A100-40GB", "2026-11-01T12:00:00Z"), 4));
	CU_ASSERT(NEAR(at(s, "A100-40GB", "2026-11-02T12:00:00Z"), 0));
	CU_ASSERT(NEAR(at(s, "A10", "2026-11-02T12:00:00Z"), 10.0 / 24));
	CU_ASSERT(NEAR(at(s, "A10", "2026-11-01T12:00:00Z"), 0));
	CU_ASSERT_EQUAL_FATAL(r->nunmatched, 1);
	CU_ASSERT_STRING_EQUAL(r->unmatched[0].sku_id, "AZND1024ZZ");
	CU_ASSERT(NEAR(r->unmatched[0].quantity, 7));
	CU_ASSERT_EQUAL_FATAL(r->ncommitments, 1);
	c = &r->commitments[0];
	CU_ASSERT_STRING_EQUAL(c->gpu_model, "A100-80GB");
	CU_ASSERT(NEAR(c->effective_hourly, 2.5));
	CU_ASSERT(NEAR(c->instances, 1));
	CU_ASSERT_EQUAL(c->term_months, 12);	/* x_SkuTerm */
	tm_parse("2027-11-02T00:00:00Z", &t);
	CU_ASSERT_EQUAL(c->expires_by, t);
	focus_result_free(r);
}

static void test_focus_google(void)
{
	struct focus_result *r = read_fixture("gcp_focus.csv", NULL, 0);
	const struct focus_source *s;
	const struct store_commitment *c;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* GPU-seconds / 3600: T4 2, A100 80GB 4, spot L4 0.5, CUD L4 1 */
	CU_ASSERT(NEAR(r->gpu_hours, 7.5));
	/* Google writes pricing categories in lower case */
	CU_ASSERT(NEAR(r->gpu_hours_by_pricing[FOCUS_STANDARD], 6));
	CU_ASSERT(NEAR(r->gpu_hours_by_pricing[FOCUS_DYNAMIC], 0.5));
	CU_ASSERT(NEAR(r->gpu_hours_by_pricing[FOCUS_COMMITTED], 1));
	CU_ASSERT_EQUAL(r->gpu_rows, 4);
	CU_ASSERT_EQUAL(r->not_usage, 1);
	CU_ASSERT_EQUAL(r->commitment_fees, 1);
	CU_ASSERT_EQUAL_FATAL(r->nsources, 1);
	s = &r->sources[0];
	CU_ASSERT_STRING_EQUAL(s->name, "focus:gcp");
	CU_ASSERT(NEAR(at(s, "T4", "2026-11-01T00:00:00Z"), 2));
	CU_ASSERT(NEAR(at(s, "T4", "2026-11-01T01:00:00Z"), 0));
	CU_ASSERT(NEAR(at(s, "A100-80GB", "2026-11-01T00:00:00Z"), 4));
	CU_ASSERT(NEAR(at(s, "L4", "2026-11-01T01:00:00Z"), 1.5));
	CU_ASSERT(NEAR(at(s, "L4", "2026-11-01T00:00:00Z"), 0));
	CU_ASSERT_EQUAL(model_rows(s, "T4"), 2);
	CU_ASSERT_EQUAL_FATAL(r->nunmatched, 1);
	CU_ASSERT_STRING_EQUAL(r->unmatched[0].sku_id, "F00D-0000-0001");
	CU_ASSERT_EQUAL_FATAL(r->ncommitments, 1);
	c = &r->commitments[0];
	CU_ASSERT_STRING_EQUAL(c->gpu_model, "L4");
	CU_ASSERT(NEAR(c->used_hours, 1));
	CU_ASSERT(NEAR(c->unused_hours, 0));
	CU_ASSERT(NEAR(c->effective_hourly, 0.56));
	CU_ASSERT_EQUAL(c->term_months, 12);
	focus_result_free(r);
}

static void test_focus_sample(void)
{
	struct offering cat[1];
	struct focus_result *r;
	size_t i;
	double m60 = 0, a10g = 0;

	/* without g3.4xlarge in the catalog: listed by SkuId, not counted */
	r = read_fixture("focus_sample_trimmed.csv", NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->rows, 93);
	CU_ASSERT(NEAR(r->gpu_hours, 6.283056));
	CU_ASSERT_EQUAL_FATAL(r->nunmatched, 1);
	CU_ASSERT_STRING_EQUAL(r->unmatched[0].sku_id, "SQ37ZQ2CZ2H95VDC");
	CU_ASSERT_EQUAL(r->unmatched[0].rows, 2);
	CU_ASSERT_EQUAL(r->ncommitments, 0);	/* savings plans on t2/t3/c5 only */
	CU_ASSERT_EQUAL(r->other_commitments, 2);
	focus_result_free(r);

	/* the catalog in the store adds it: 1.686667 hours of one M60 */
	memset(cat, 0, sizeof(cat));
	snprintf(cat[0].provider, sizeof(cat[0].provider), "aws");
	snprintf(cat[0].region, sizeof(cat[0].region), "us-west-2");
	snprintf(cat[0].instance_type, sizeof(cat[0].instance_type), "g3.4xlarge");
	snprintf(cat[0].gpu_model, sizeof(cat[0].gpu_model), "M60");
	cat[0].gpus = 1;
	r = read_fixture("focus_sample_trimmed.csv", cat, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(NEAR(r->gpu_hours, 6.283056 + 1.686667));
	CU_ASSERT_EQUAL(r->nunmatched, 0);
	for (i = 0; i < r->sources[0].nrows; i++) {
		if (strcmp(r->sources[0].rows[i].gpu_model, "M60") == 0)
			m60 += r->sources[0].rows[i].gpus;
		else if (strcmp(r->sources[0].rows[i].gpu_model, "A10G") == 0)
			a10g += r->sources[0].rows[i].gpus;
	}
	CU_ASSERT(NEAR(m60, 1.686667));
	CU_ASSERT(NEAR(a10g, 6.283056));
	CU_ASSERT_STRING_EQUAL(r->sources[0].name, "focus:aws");
	focus_result_free(r);
}

/* --- through the binary ------------------------------------------------------------- */

static char *run_ok(const char *dir, const char *args)
{
	char *out = NULL, *err = NULL;
	int rc = tu_capplan(dir, args, &out, &err);

	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0)
		fprintf(stderr, "capplan %s: %d: %s\n", args, rc, err ? err : "");
	free(err);
	return out;
}

static void test_cli_strict_and_skips(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *out, *err = NULL, *before, *after;
	int rc;

	snprintf(args, sizeof(args), "--db u.db usage import --focus %s",
		 tu_src("tests/data/usage/gcp_focus.csv"));
	free(run_ok(dir, args));
	before = run_ok(dir, "--db u.db usage show --csv");
	/* --strict: the first malformed row is fatal, exit 2, the store as it was */
	snprintf(args, sizeof(args), "--db u.db usage import --strict --focus %s",
		 tu_src("tests/data/usage/aws_focus10.csv"));
	rc = tu_capplan(dir, args, NULL, &err);
	CU_ASSERT_EQUAL(rc, 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "aws_focus10.csv:16: ConsumedQuantity"));
	free(err);
	after = run_ok(dir, "--db u.db usage show --csv");
	CU_ASSERT_STRING_EQUAL(before, after);
	free(after);
	out = run_ok(dir, "--db u.db commitments list --json");
	CU_ASSERT_PTR_NULL(strstr(out, "ri-0a1b2c"));
	free(out);
	/* without it: skipped with a count per reason, exit 0 */
	snprintf(args, sizeof(args), "--db u.db usage import --focus %s",
		 tu_src("tests/data/usage/aws_focus10.csv"));
	rc = tu_capplan(dir, args, NULL, &err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "skipped 1 malformed rows: ConsumedQuantity"));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "SkuId P9UNKNOWNSKU"));
	free(err);
	out = run_ok(dir, "--db u.db commitments list --json");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"id\":\"arn:aws:ec2:us-east-1:123456789012:"
				      "reserved-instances/ri-0a1b2c\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"effective_hourly\":20,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"gpus\":8,"));
	free(out);
	free(before);
}

/* A FOCUS row's bounds: at most 1e7 GPUs, times in 2000..2100; "--focus --strict FILE" too. */
static void test_cli_focus_bounds(void)
{
	const char *dir = tu_tmpdir();
	char *src = tu_read(tu_src("tests/data/usage/gcp_focus.csv"), NULL), *nl, *row, *t;
	char *err = NULL, *out;
	char buf[16384];
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	nl = strchr(src, '\n');
	CU_ASSERT_PTR_NOT_NULL_FATAL(nl);
	*nl = '\0';
	row = nl + 1;	/* the T4 row: 7200 seconds in 2026-11-01 00:00..01:00 */
	*strchr(row, '\n') = '\0';
	CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(row, ",7200,seconds,"));
	/* 1e300 seconds of a T4 in one hour */
	t = strstr(row, ",7200,seconds,");
	snprintf(buf, sizeof(buf), "%s\n%.*s,1e300,seconds,%s\n", src, (int)(t - row), row,
		 t + strlen(",7200,seconds,"));
	tu_write(tu_path(dir, "huge.csv"), buf);
	rc = tu_capplan(dir, "--db u.db usage import --focus --strict huge.csv", NULL, &err);
	CU_ASSERT_EQUAL(rc, 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "huge.csv:2: ConsumedQuantity is not a number"
					     " in 0..1e7 GPUs (--strict)"));
	free(err);
	err = NULL;
	/* the same period in year 1 and in 9999: malformed, counted (fatal with --strict) */
	t = strstr(row, "2026-11-01 01:00:00 UTC,2026-11-01 00:00:00 UTC");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	snprintf(buf, sizeof(buf), "%s\n%.*s0001-11-01 01:00:00 UTC,0001-11-01 00:00:00 UTC%s\n"
		 "%.*s9999-11-01 01:00:00 UTC,9999-11-01 00:00:00 UTC%s\n", src, (int)(t - row),
		 row, t + 47, (int)(t - row), row, t + 47);
	tu_write(tu_path(dir, "old.csv"), buf);
	rc = tu_capplan(dir, "--db u.db usage import --strict --focus old.csv", NULL, &err);
	CU_ASSERT_EQUAL(rc, 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "old.csv:2: ChargePeriodStart"));
	free(err);
	err = NULL;
	rc = tu_capplan(dir, "--db u.db usage import --focus old.csv", NULL, &err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "skipped 2 malformed rows: ChargePeriodStart"));
	free(err);
	out = run_ok(dir, "--db u.db usage show --csv");
	CU_ASSERT_STRING_EQUAL(out, "timestamp,gpu_model,gpus\n");
	free(out);
	free(src);
}

/* src with the first "from" replaced by "to" (the caller frees); NULL when from is absent. */
static char *replace_once(const char *src, const char *from, const char *to)
{
	const char *at = strstr(src, from);
	size_t n;
	char *s;

	if (at == NULL)
		return NULL;
	n = strlen(src) - strlen(from) + strlen(to) + 1;
	if ((s = malloc(n)) == NULL)
		return NULL;
	snprintf(s, n, "%.*s%s%s", (int)(at - src), src, to, at + strlen(from));
	return s;
}

/*
 * A commitment row's EffectiveCost becomes the commitment's effective price: -50 or 1e308
 * (or 2000 USD for one instance-hour) were stored as that price, even with --strict. Now
 * malformed: counted and skipped, fatal with --strict, the store unchanged.
 */
static void test_cli_commitment_cost_bounds(void)
{
	static const char *const bad[] = { "-50", "1e308", "2000" };
	const char *dir = tu_tmpdir();
	char *src = tu_read(tu_src("tests/data/usage/aws_focus12.csv"), NULL), *f, *err = NULL;
	char *out, to[64], args[1024];
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(to, sizeof(to), ",Hours,,%s,,Committed,", bad[i]);
		f = replace_once(src, ",Hours,,15,,Committed,", to);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		tu_write(tu_path(dir, "bad.csv"), f);
		free(f);
		CU_ASSERT_EQUAL(tu_capplan(dir, "--db u.db usage import --strict --focus bad.csv",
					   NULL, &err), 2);
		CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "bad.csv:4: EffectiveCost is not a number "
						     "in 0..1000 USD per instance-hour (--strict)"));
		free(err);
		err = NULL;
		out = run_ok(dir, "--db u.db commitments list --json");
		CU_ASSERT_STRING_EQUAL(out, "[]\n");
		free(out);
	}
	/* without --strict: skipped and counted; the usage of the other rows is imported */
	CU_ASSERT_EQUAL(tu_capplan(dir, "--db u.db usage import --focus bad.csv", NULL, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "skipped 1 malformed rows: EffectiveCost"));
	free(err);
	out = run_ok(dir, "--db u.db commitments list --json");
	CU_ASSERT_STRING_EQUAL(out, "[]\n");
	free(out);
	/* the fixture as it is: one commitment at 15 USD an hour */
	snprintf(args, sizeof(args), "--db u.db usage import --focus --strict '%s'",
		 tu_src("tests/data/usage/aws_focus12.csv"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, NULL, NULL), 0);
	out = run_ok(dir, "--db u.db commitments list --json");
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"effective_hourly\":15,"));
	free(out);
	free(src);
}

static void test_cli_reimport_replaces(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *a, *b;
	char cmd[1200];

	/* a gzip export imports the same as the plain one */
	snprintf(cmd, sizeof(cmd), "gzip -c '%s' > aws.csv.gz",
		 tu_src("tests/data/usage/aws_focus10.csv"));
	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, cmd, NULL, NULL), 0);
	snprintf(args, sizeof(args), "--db u.db usage import --focus %s",
		 tu_src("tests/data/usage/aws_focus10.csv"));
	free(run_ok(dir, args));
	a = run_ok(dir, "--db u.db usage show --csv");
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "2026-11-01T01:00:00Z,A100-40GB,16\n"));
	free(run_ok(dir, "--db u.db usage import --focus aws.csv.gz"));
	b = run_ok(dir, "--db u.db usage show --csv");
	CU_ASSERT_STRING_EQUAL(a, b);	/* never double counted */
	free(a);
	free(b);

	/* a usage CSV imported twice, the second time with fewer hours: the window is replaced */
	tu_write(tu_path(dir, "h.csv"), "timestamp,gpu_model,gpus\n"
		 "2026-12-01T00:00:00Z,H100,3\n2026-12-01T01:00:00Z,H100,4\n"
		 "2026-12-01T02:00:00Z,H100,5\n");
	free(run_ok(dir, "--db u.db usage import h.csv"));
	tu_write(tu_path(dir, "h.csv"), "timestamp,gpu_model,gpus\n"
		 "2026-12-01T00:00:00Z,H100,6\n2026-12-01T02:00:00Z,H100,7\n");
	free(run_ok(dir, "--db u.db usage import h.csv"));
	a = run_ok(dir, "--db u.db usage show --csv --gpu H100");
	CU_ASSERT_STRING_EQUAL(a, "timestamp,gpu_model,gpus\n2026-12-01T00:00:00Z,H100-80GB,6\n"
			       "2026-12-01T02:00:00Z,H100-80GB,7\n");
	free(a);
	a = run_ok(dir, "--db u.db usage show --gaps --csv --gpu H100");
	CU_ASSERT_STRING_EQUAL(a, "gpu_model,from,to,hours\n"
			       "H100-80GB,2026-12-01T01:00:00Z,2026-12-01T01:00:00Z,1\n");
	free(a);
	/* dates inclusive: --to a day means through its last hour */
	a = run_ok(dir, "--db u.db usage show --gaps --csv --gpu H100 --from 2026-12-01"
		   " --to 2026-12-01");
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "H100-80GB,2026-12-01T03:00:00Z,2026-12-01T23:00:00Z,21\n"));
	free(a);
}

static void test_cli_prefer(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *a;

	/* the CSV says 5 A100-40GB at 00:00, the AWS export says 8 */
	tu_write(tu_path(dir, "a.csv"), "timestamp,gpu_model,gpus\n2026-11-01T00:00:00Z,A100-40GB,5\n");
	free(run_ok(dir, "--db u.db usage import a.csv"));
	snprintf(args, sizeof(args), "--db u.db usage import --focus %s",
		 tu_src("tests/data/usage/aws_focus10.csv"));
	free(run_ok(dir, args));
	/* default: the latest import wins (same second: the later import), never 13 */
	a = run_ok(dir, "--db u.db usage show --csv --gpu A100-40GB --to 2026-11-01T00:00:00Z");
	CU_ASSERT_STRING_EQUAL(a, "timestamp,gpu_model,gpus\n2026-11-01T00:00:00Z,A100-40GB,8\n");
	free(a);
	tu_write(tu_path(dir, "c.yaml"), "store: u.db\nusage:\n  prefer: [\"csv:a.csv\"]\n");
	a = run_ok(dir, "--config c.yaml usage show --csv --gpu A100-40GB --to 2026-11-01T00:00:00Z");
	CU_ASSERT_STRING_EQUAL(a, "timestamp,gpu_model,gpus\n2026-11-01T00:00:00Z,A100-40GB,5\n");
	free(a);
	/* a kind names every source of it */
	tu_write(tu_path(dir, "c.yaml"), "store: u.db\nusage:\n  prefer: [prometheus, csv]\n");
	a = run_ok(dir, "--config c.yaml usage show --csv --gpu A100-40GB --to 2026-11-01T00:00:00Z");
	CU_ASSERT_STRING_EQUAL(a, "timestamp,gpu_model,gpus\n2026-11-01T00:00:00Z,A100-40GB,5\n");
	free(a);
	/* re-importing the CSV makes it the latest: it wins without a preference */
	free(run_ok(dir, "--db u.db usage import a.csv"));
	tu_write(tu_path(dir, "c.yaml"), "store: u.db\nusage:\n  prefer: [\"focus:aws\"]\n");
	a = run_ok(dir, "--db u.db usage show --csv --gpu A100-40GB --to 2026-11-01T00:00:00Z");
	CU_ASSERT_STRING_EQUAL(a, "timestamp,gpu_model,gpus\n2026-11-01T00:00:00Z,A100-40GB,5\n");
	free(a);
	a = run_ok(dir, "--config c.yaml usage show --csv --gpu A100-40GB --to 2026-11-01T00:00:00Z");
	CU_ASSERT_STRING_EQUAL(a, "timestamp,gpu_model,gpus\n2026-11-01T00:00:00Z,A100-40GB,8\n");
	free(a);
}

static void test_cli_commitment_first_seen_kept(void)
{
	const char *dir = tu_tmpdir();
	char cmd[1200], *a;

	/* the December export of the same RI, then November's, then December's again */
	snprintf(cmd, sizeof(cmd), "sed 's/2026-11-01T/2026-12-01T/g' '%s' > dec.csv && cp '%s' nov.csv",
		 tu_src("tests/data/usage/aws_focus10.csv"), tu_src("tests/data/usage/aws_focus10.csv"));
	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, cmd, NULL, NULL), 0);
	free(run_ok(dir, "-q --db u.db usage import --focus dec.csv"));
	free(run_ok(dir, "-q --db u.db usage import --focus nov.csv"));
	free(run_ok(dir, "-q --db u.db usage import --focus dec.csv"));
	a = run_ok(dir, "--db u.db commitments list --json");
	/* running since November at the latest: a 1-year term ends by November 2027 */
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "\"first_seen\":\"2026-11-01T02:00:00Z\","
				      "\"last_seen\":\"2026-12-01T03:00:00Z\",\"term_months\":12,"
				      "\"expires_by\":\"2027-11-01T02:00:00Z\""));
	free(a);
	/* and the two months of usage are both kept: different windows of one source */
	a = run_ok(dir, "--db u.db usage show --csv --gpu A100-40GB");
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "2026-11-01T01:00:00Z,A100-40GB,16\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "2026-12-01T01:00:00Z,A100-40GB,16\n"));
	free(a);
}

static void test_cli_show_notes_spread(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *a;

	snprintf(args, sizeof(args), "--db u.db usage import --focus %s",
		 tu_src("tests/data/usage/azure_focus.csv"));
	free(run_ok(dir, args));
	a = run_ok(dir, "--db u.db usage show");
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "focus:azure"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "daily rows spread evenly over their hours"));
	free(a);
}

/* DCGM's modelName (spaces) and GPU feature discovery's node label (dashes) alike. */
static void test_gpu_spellings(void)
{
	CU_ASSERT_STRING_EQUAL(providers_gpu_canonical("NVIDIA H100 80GB HBM3"), "H100-80GB");
	CU_ASSERT_STRING_EQUAL(providers_gpu_canonical("NVIDIA-H100-80GB-HBM3"), "H100-80GB");
	CU_ASSERT_STRING_EQUAL(providers_gpu_canonical("NVIDIA A100-SXM4-40GB"), "A100-40GB");
	CU_ASSERT_STRING_EQUAL(providers_gpu_canonical("NVIDIA-A100-SXM4-80GB"), "A100-80GB");
	CU_ASSERT_STRING_EQUAL(providers_gpu_canonical("Tesla-T4"), "T4");
	CU_ASSERT_STRING_EQUAL(providers_gpu_canonical("Tesla V100-SXM2-16GB"), "V100-16GB");
	CU_ASSERT_STRING_EQUAL(providers_gpu_canonical("Tesla-V100-SXM2-32GB"), "V100-32GB");
	CU_ASSERT_STRING_EQUAL(providers_gpu_canonical("NVIDIA RTX A6000"), "RTX-A6000");
	CU_ASSERT_STRING_EQUAL(providers_gpu_canonical("NVIDIA-A10G"), "A10G");
	CU_ASSERT_STRING_EQUAL(providers_gpu_canonical("NVIDIA A40"), "A40");
}

/* A commitment from a FOCUS export is owned capacity to the planner: sunk cost. */
static void test_owned_commitment_plans(void)
{
	struct offering off;
	struct store_usage_row rows[24];
	struct store_commitment c;
	struct plan_demand d;
	struct plan_opts po = PLAN_OPTS_INIT;
	struct plan_result *r = NULL;
	struct config *cfg = NULL;
	struct err e = ERR_INIT;
	double without;
	int64_t t0;
	int i;

	memset(&off, 0, sizeof(off));
	snprintf(off.provider, sizeof(off.provider), "aws");
	snprintf(off.region, sizeof(off.region), "us-east-1");
	snprintf(off.instance_type, sizeof(off.instance_type), "p4d.24xlarge");
	snprintf(off.gpu_model, sizeof(off.gpu_model), "A100-40GB");
	off.gpus = 8;
	off.ondemand = 32.7726;
	off.spot = off.reserved_1y = off.reserved_3y = off.spot_interruption = NAN;
	tm_parse("2026-12-01T00:00:00Z", &t0);
	for (i = 0; i < 24; i++) {
		rows[i].ts = t0 + i * TM_HOUR;
		snprintf(rows[i].gpu_model, sizeof(rows[i].gpu_model), "A100-40GB");
		rows[i].gpus = 8;
	}
	memset(&d, 0, sizeof(d));
	CU_ASSERT_EQUAL_FATAL(plan_demand_from_rows(&d, rows, 24, &e), 0);
	CU_ASSERT_EQUAL_FATAL(config_empty(&cfg, &e), 0);
	/* without: one p4d on demand for 24 hours */
	CU_ASSERT_EQUAL_FATAL(plan_run(&r, &off, 1, &d, cfg, &po, &e), 0);
	without = r->rp.total_cost;
	CU_ASSERT(fabs(without - 24 * 32.7726) < 1e-6);
	plan_result_free(r);
	r = NULL;
	/* the reserved instance of aws_focus10.csv, expiring after the horizon: it covers all */
	memset(&c, 0, sizeof(c));
	snprintf(c.id, sizeof(c.id), "ri-0a1b2c");
	snprintf(c.provider, sizeof(c.provider), "aws");
	snprintf(c.region, sizeof(c.region), "us-east-1");
	snprintf(c.category, sizeof(c.category), "Usage");
	snprintf(c.instance_type, sizeof(c.instance_type), "p4d.24xlarge");
	snprintf(c.gpu_model, sizeof(c.gpu_model), "A100-40GB");
	c.gpus_per_instance = 8;
	c.instances = 1;
	c.expires_by = t0 + 365 * (int64_t)TM_DAY;
	po.owned = &c;
	po.nowned = 1;
	CU_ASSERT_EQUAL_FATAL(plan_run(&r, &off, 1, &d, cfg, &po, &e), 0);
	CU_ASSERT(fabs(r->rp.total_cost) < 1e-6);
	plan_result_free(r);
	r = NULL;
	/* expiring after 10 hours: 14 hours on demand */
	c.expires_by = t0 + 10 * TM_HOUR;
	CU_ASSERT_EQUAL_FATAL(plan_run(&r, &off, 1, &d, cfg, &po, &e), 0);
	CU_ASSERT(fabs(r->rp.total_cost - 14 * 32.7726) < 1e-6);
	plan_result_free(r);
	config_free(cfg);
	plan_demand_release(&d);
}

/*
 * Two FOCUS commitments of one offering (1 p4d each) ending at hours 10 and 20 of a day whose
 * odd hours need one p4d (8 GPUs): own 16 GPUs in hours 0-9, 8 in 10-19, none in 20-23, so
 * only hours 21 and 23 go on demand (2 x 32.7726; counting both until the earlier expiry, as
 * one expiry per offering did, put 7 hours on demand). As a load-duration curve (opts.ldc)
 * the same: each span between expiries is sorted on its own, highest first.
 */
static void test_owned_two_expiries(void)
{
	struct offering off;
	struct store_usage_row rows[24];
	struct store_commitment c[2];
	struct plan_demand d;
	struct plan_opts po = PLAN_OPTS_INIT;
	struct plan_result *r = NULL;
	struct config *cfg = NULL;
	struct err e = ERR_INIT;
	int64_t t0;
	int i, ldc;

	memset(&off, 0, sizeof(off));
	snprintf(off.provider, sizeof(off.provider), "aws");
	snprintf(off.region, sizeof(off.region), "us-east-1");
	snprintf(off.instance_type, sizeof(off.instance_type), "p4d.24xlarge");
	snprintf(off.gpu_model, sizeof(off.gpu_model), "A100-40GB");
	off.gpus = 8;
	off.ondemand = 32.7726;
	off.spot = off.reserved_1y = off.reserved_3y = off.spot_interruption = NAN;
	tm_parse("2026-12-01T00:00:00Z", &t0);
	for (i = 0; i < 24; i++) {
		rows[i].ts = t0 + i * TM_HOUR;
		snprintf(rows[i].gpu_model, sizeof(rows[i].gpu_model), "A100-40GB");
		rows[i].gpus = i % 2 ? 8 : 0;
	}
	memset(&d, 0, sizeof(d));
	CU_ASSERT_EQUAL_FATAL(plan_demand_from_rows(&d, rows, 24, &e), 0);
	CU_ASSERT_EQUAL_FATAL(config_empty(&cfg, &e), 0);
	memset(c, 0, sizeof(c));
	for (i = 0; i < 2; i++) {
		snprintf(c[i].id, sizeof(c[i].id), "ri-%d", i);
		snprintf(c[i].provider, sizeof(c[i].provider), "aws");
		snprintf(c[i].region, sizeof(c[i].region), "us-east-1");
		snprintf(c[i].category, sizeof(c[i].category), "Usage");
		snprintf(c[i].instance_type, sizeof(c[i].instance_type), "p4d.24xlarge");
		snprintf(c[i].gpu_model, sizeof(c[i].gpu_model), "A100-40GB");
		c[i].gpus_per_instance = 8;
		c[i].instances = 1;
		c[i].expires_by = t0 + (10 + 10 * i) * TM_HOUR;
	}
	po.owned = c;
	po.nowned = 2;
	for (ldc = 0; ldc < 2; ldc++) {
		po.ldc = ldc;
		CU_ASSERT_EQUAL_FATAL(plan_run(&r, &off, 1, &d, cfg, &po, &e), 0);
		CU_ASSERT(fabs(r->rp.total_cost - 2 * 32.7726) < 1e-6);
		CU_ASSERT_EQUAL(r->noffers, 1);
		CU_ASSERT_DOUBLE_EQUAL(r->owned_gpus[9], 16, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(r->owned_gpus[10], 8, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(r->owned_gpus[19], 8, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(r->owned_gpus[20], 0, 1e-9);
		/* chronological: hour 1 needs 8, hour 2 none; the curve: 8 8 8 8 8 0 0 0 0 0 | ... */
		CU_ASSERT_DOUBLE_EQUAL(r->demand[1], 8, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(r->demand[2], ldc ? 8 : 0, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(r->demand[5], ldc ? 0 : 8, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(r->demand[10], ldc ? 8 : 0, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(r->demand[21], 8, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(r->demand[22], 0, 1e-9);
		CU_ASSERT_DOUBLE_EQUAL(r->demand[20], ldc ? 8 : 0, 1e-9);
		plan_result_free(r);
		r = NULL;
	}
	config_free(cfg);
	plan_demand_release(&d);
}

/* --- Prometheus, against tests/fakeprom ------------------------------------------------- */

/* Starts the fake in dir with args; returns its port (0 on failure). Stopped by stop_fake. */
static int start_fake(const char *dir, const char *args)
{
	char cmd[2048], *port;
	int i, p = 0;

	snprintf(cmd, sizeof(cmd), "python3 '%s' --port-file pf --log log %s >fake.out 2>&1 &"
		 " echo $! > fake.pid", tu_src("tests/fakeprom/fakeprom.py"), args);
	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, cmd, NULL, NULL), 0);
	for (i = 0; i < 100 && p == 0; i++) {
		if ((port = tu_read(tu_path(dir, "pf"), NULL)) != NULL) {
			p = atoi(port);
			free(port);
		} else {
			tu_sh(dir, "sleep 0.05", NULL, NULL);
		}
	}
	CU_ASSERT_NOT_EQUAL(p, 0);
	return p;
}

static void stop_fake(const char *dir)
{
	/* only the process this test started, by its id */
	tu_sh(dir, "kill $(cat fake.pid) 2>/dev/null; rm -f pf", NULL, NULL);
}

/* How many lines of the fake's request log contain needle. */
static int log_count(const char *dir, const char *needle)
{
	char *log = tu_read(tu_path(dir, "log"), NULL), *p;
	int n = 0;

	for (p = log; p && (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	free(log);
	return n;
}

static void test_prom_dcgm_zeros_and_gaps(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *a;
	int port = start_fake(dir, "--float-ts");

	/*
	 * 2026-10-24: hour k is h = 498000 + k; A100 busy = h % 9 = (3 + k) % 9, T4 none busy,
	 * no exporter at 10:00..12:00. The default query's "or ... * 0" gives explicit zeros.
	 */
	snprintf(args, sizeof(args), "--db u.db usage import --prometheus http://127.0.0.1:%d/"
		 " --from 2026-10-24 --to 2026-10-24", port);
	free(run_ok(dir, args));
	a = run_ok(dir, "--db u.db usage show --csv --gpu A100-40GB");
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "2026-10-24T00:00:00Z,A100-40GB,3\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "2026-10-24T05:00:00Z,A100-40GB,8\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "2026-10-24T06:00:00Z,A100-40GB,0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "2026-10-24T13:00:00Z,A100-40GB,7\n"));
	CU_ASSERT_PTR_NULL(strstr(a, "2026-10-24T11:00:00Z"));
	free(a);
	a = run_ok(dir, "--db u.db usage show --csv --gpu T4");
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "2026-10-24T06:00:00Z,T4,0\n"));
	free(a);
	a = run_ok(dir, "--db u.db usage show --gaps --csv --from 2026-10-24 --to 2026-10-24");
	CU_ASSERT_STRING_EQUAL(a, "gpu_model,from,to,hours\n"
			       "A100-40GB,2026-10-24T10:00:00Z,2026-10-24T12:00:00Z,3\n"
			       "T4,2026-10-24T10:00:00Z,2026-10-24T12:00:00Z,3\n");
	free(a);
	a = run_ok(dir, "--db u.db usage show --json");
	/* 21 hours each: 24 less the outage */
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "\"gpu_model\":\"T4\",\"first\":\"2026-10-24T00:00:00Z\","
				      "\"last\":\"2026-10-24T23:00:00Z\",\"hours\":21,"
				      "\"missing_hours\":3"));
	free(a);
	CU_ASSERT_EQUAL(log_count(dir, "\"step\": 3600.0"), 1);
	CU_ASSERT_EQUAL(log_count(dir, "or count by (modelName) (DCGM_FI_DEV_GPU_UTIL) * 0"), 1);

	/* a base URL with its own parameters: they go after ours, the path stays the API's */
	snprintf(args, sizeof(args), "--db w.db usage import --prometheus"
		 " 'http://127.0.0.1:%d/?org=7&token=t0ps3cr3t' --from 2026-10-24 --to 2026-10-24",
		 port);
	free(run_ok(dir, args));
	a = run_ok(dir, "--db w.db usage show --csv --gpu A100-40GB");
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "2026-10-24T05:00:00Z,A100-40GB,8\n"));
	free(a);
	CU_ASSERT_EQUAL(log_count(dir, "\"step\": 3600.0"), 2);


	snprintf(args, sizeof(args), "--db v.db usage import --prometheus http://127.0.0.1:%d"
		 " --query 'count by (modelName) (DCGM_FI_DEV_GPU_UTIL > 0)'"
		 " --from 2026-10-24 --to 2026-10-24", port);
	free(run_ok(dir, args));
	a = run_ok(dir, "--db v.db usage show --csv");
	CU_ASSERT_PTR_NULL(strstr(a, "T4"));
	CU_ASSERT_PTR_NULL(strstr(a, "2026-10-24T06:00:00Z"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "2026-10-24T05:00:00Z,A100-40GB,8\n"));
	free(a);
	stop_fake(dir);
}

static void test_prom_kube_and_chunks(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *a, *b;
	int port = start_fake(dir, "");

	/* GPUs requested, the node label with dashes: (h % 5) * 2 = (k % 5) * 2, L4 1 */
	snprintf(args, sizeof(args), "--db u.db usage import --prometheus http://127.0.0.1:%d"
		 " --query kube --from 2026-10-24 --to 2026-10-24", port);
	free(run_ok(dir, args));
	a = run_ok(dir, "--db u.db usage show --csv");
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "2026-10-24T03:00:00Z,A100-40GB,6\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "2026-10-24T05:00:00Z,A100-40GB,0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "2026-10-24T03:00:00Z,L4,1\n"));
	CU_ASSERT_EQUAL(log_count(dir, "kube_pod_container_resource_requests"), 1);

	/* chunks of 10 points: 24 hours are 3 requests, and the same numbers */
	tu_write(tu_path(dir, "c.yaml"), "store: w.db\nusage:\n  prometheus:\n"
		 "    query: kube\n    max_points: 10\n");
	snprintf(args, sizeof(args), "--config c.yaml usage import --prometheus http://127.0.0.1:%d"
		 " --from 2026-10-24 --to 2026-10-24", port);
	free(run_ok(dir, args));
	b = run_ok(dir, "--db w.db usage show --csv");
	CU_ASSERT_STRING_EQUAL(a, b);
	free(a);
	free(b);
	CU_ASSERT_EQUAL(log_count(dir, "\"points\": 10}"), 2);
	CU_ASSERT_EQUAL(log_count(dir, "\"points\": 4}"), 1);

	/* two years (17,520 hours) by default: under the 11,000-point limit in 2 requests */
	tu_sh(dir, ": > log", NULL, NULL);
	snprintf(args, sizeof(args), "--db x.db usage import --prometheus http://127.0.0.1:%d"
		 " --query kube --from 2025-01-01 --to 2026-12-31", port);
	free(run_ok(dir, args));
	CU_ASSERT_EQUAL(log_count(dir, "\"points\": 10000}"), 1);
	CU_ASSERT_EQUAL(log_count(dir, "\"points\": 7520}"), 1);
	CU_ASSERT_EQUAL(log_count(dir, "query_range"), 2);
	a = run_ok(dir, "--db x.db usage show --csv --gpu L4 --from 2026-02-21T06:00:00Z"
		   " --to 2026-02-21T07:00:00Z");
	/* hour 10,000 from 2025-01-01 (the second chunk's first) and the one before it */
	CU_ASSERT_STRING_EQUAL(a, "timestamp,gpu_model,gpus\n2026-02-21T06:00:00Z,L4,1\n"
			       "2026-02-21T07:00:00Z,L4,1\n");
	free(a);
	stop_fake(dir);
}

static void test_prom_errors(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *err = NULL, *before, *after;
	int port, rc;

	port = start_fake(dir, "--error bad_data");
	tu_write(tu_path(dir, "a.csv"), "timestamp,gpu_model,gpus\n2026-10-24T00:00:00Z,L4,2\n");
	free(run_ok(dir, "--db u.db usage import a.csv"));
	before = run_ok(dir, "--db u.db usage show --csv");
	snprintf(args, sizeof(args), "--db u.db usage import --prometheus http://127.0.0.1:%d"
		 " --from 2026-10-24 --to 2026-10-24", port);
	rc = tu_capplan(dir, args, NULL, &err);
	CU_ASSERT_EQUAL(rc, 1);
	/* Prometheus' own errorType and error, as written */
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "HTTP 400: bad_data: 1:7: parse error: "
					     "unexpected \"}\" in aggregation"));
	free(err);
	after = run_ok(dir, "--db u.db usage show --csv");
	CU_ASSERT_STRING_EQUAL(before, after);
	free(after);
	stop_fake(dir);

	/* "status":"error" inside a 200 */
	port = start_fake(dir, "--error in_body");
	snprintf(args, sizeof(args), "--db u.db usage import --prometheus http://127.0.0.1:%d"
		 " --from 2026-10-24 --to 2026-10-24", port);
	rc = tu_capplan(dir, args, NULL, &err);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "execution: query processing would load too "
					     "many samples into memory in query execution"));
	free(err);
	after = run_ok(dir, "--db u.db usage show --csv");
	CU_ASSERT_STRING_EQUAL(before, after);
	free(after);
	free(before);
	stop_fake(dir);

	/* one 6 MiB label value in a well-formed 200: refused at 4 MiB, nothing imported */
	port = start_fake(dir, "--error runaway");
	snprintf(args, sizeof(args), "--db u.db usage import --prometheus http://127.0.0.1:%d"
		 " --from 2026-10-24 --to 2026-10-24", port);
	before = run_ok(dir, "--db u.db usage show --csv");
	rc = tu_capplan(dir, args, NULL, &err);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "no JSON value ends within 4194304 bytes"));
	CU_ASSERT_PTR_NULL(err && strstr(err, "attempts"));
	free(err);
	after = run_ok(dir, "--db u.db usage show --csv");
	CU_ASSERT_STRING_EQUAL(before, after);
	free(after);
	free(before);
	stop_fake(dir);

	/* 503 once: retried (fast backoff from the config), then imported */
	port = start_fake(dir, "--error unavailable");
	tu_write(tu_path(dir, "c.yaml"), "store: u.db\nusage:\n  prometheus:\n"
		 "    backoff_ms: 10\n");
	snprintf(args, sizeof(args), "--config c.yaml usage import --prometheus"
		 " http://127.0.0.1:%d --from 2026-10-24 --to 2026-10-24", port);
	free(run_ok(dir, args));
	CU_ASSERT_EQUAL(log_count(dir, "query_range"), 2);
	stop_fake(dir);
}

/* An empty matrix imports nothing (qsort never sees NULL); out-of-range samples fail. */
static void test_prom_empty_and_bounds(void)
{
	const char *dir = tu_tmpdir();
	static const char *const bad[] = { "neg_value", "huge_value", "huge_ts", "old_ts" };
	static const char *const why[] = { "outside 0..1e7 GPUs", "outside 0..1e7 GPUs",
					   "outside 2000-01-01..2100-01-01",
					   "outside 2000-01-01..2100-01-01" };
	char args[1024], *err = NULL, *before, *after;
	int port = start_fake(dir, ""), rc;
	size_t i;

	tu_write(tu_path(dir, "a.csv"), "timestamp,gpu_model,gpus\n2026-10-24T00:00:00Z,L4,2\n");
	free(run_ok(dir, "--db u.db usage import a.csv"));
	before = run_ok(dir, "--db u.db usage show --csv");
	snprintf(args, sizeof(args), "--db u.db usage import --prometheus http://127.0.0.1:%d"
		 " --query up --gpu-label modelName --from 2026-10-24 --to 2026-10-24", port);
	rc = tu_capplan(dir, args, NULL, &err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NULL(err && strstr(err, "runtime error"));
	free(err);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = NULL;
		snprintf(args, sizeof(args), "--db u.db usage import --prometheus"
			 " http://127.0.0.1:%d --query %s --gpu-label modelName"
			 " --from 2026-10-25 --to 2026-10-25", port, bad[i]);
		rc = tu_capplan(dir, args, NULL, &err);
		CU_ASSERT_EQUAL(rc, 1);
		CU_ASSERT_PTR_NOT_NULL(err && strstr(err, why[i]));
		CU_ASSERT_PTR_NULL(err && strstr(err, "runtime error"));
		free(err);
	}
	after = run_ok(dir, "--db u.db usage show --csv");
	CU_ASSERT_STRING_EQUAL(before, after);
	free(after);
	free(before);
	stop_fake(dir);
}

static void test_prom_auth(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *out = NULL, *err = NULL, *db;
	int port, rc;

	port = start_fake(dir, "--token s3cret-T0KEN");
	snprintf(args, sizeof(args), "--db u.db usage import --prometheus http://127.0.0.1:%d"
		 " --from 2026-10-24 --to 2026-10-24", port);
	rc = tu_capplan(dir, args, NULL, &err);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "HTTP 401"));
	free(err);
	CU_ASSERT_EQUAL(log_count(dir, "\"auth\": \"none\""), 1);
	/* the token from the environment is sent, and appears nowhere */
	snprintf(args, sizeof(args), "-v --db u.db usage import --prometheus http://127.0.0.1:%d"
		 " --from 2026-10-24 --to 2026-10-24", port);
	setenv("CAPPLAN_PROMETHEUS_TOKEN", "s3cret-T0KEN", 1);
	rc = tu_capplan(dir, args, &out, &err);
	unsetenv("CAPPLAN_PROMETHEUS_TOKEN");
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(log_count(dir, "\"auth\": \"bearer-ok\""), 1);
	CU_ASSERT_PTR_NULL(out && strstr(out, "s3cret"));
	CU_ASSERT_PTR_NULL(err && strstr(err, "s3cret"));
	free(out);
	free(err);
	stop_fake(dir);

	/* basic auth from the URL's userinfo: sent, and the password never stored */
	port = start_fake(dir, "--basic alice:pa55word");
	snprintf(args, sizeof(args), "--db u.db usage import --prometheus"
		 " http://alice:pa55word@127.0.0.1:%d --from 2026-10-24 --to 2026-10-24", port);
	rc = tu_capplan(dir, args, &out, &err);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_PTR_NULL(err && strstr(err, "pa55word"));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(log_count(dir, "\"auth\": \"basic-ok\""), 1);
	/* and from the config */
	tu_write(tu_path(dir, "c.yaml"), "store: u.db\nusage:\n  prometheus:\n"
		 "    username: alice\n    password: pa55word\n");
	snprintf(args, sizeof(args), "--config c.yaml usage import --prometheus"
		 " http://127.0.0.1:%d --from 2026-10-25 --to 2026-10-25", port);
	free(run_ok(dir, args));
	CU_ASSERT_EQUAL(log_count(dir, "\"auth\": \"basic-ok\""), 2);
	out = run_ok(dir, "--db u.db usage show");
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "prometheus:http://127.0.0.1:"));
	CU_ASSERT_PTR_NULL(strstr(out, "pa55word"));
	free(out);
	free(run_ok(dir, "--db u.db usage show --csv"));	/* checkpoints nothing: read only */
	tu_sh(dir, "cat u.db u.db-wal > all.bin 2>/dev/null", NULL, NULL);
	{
		size_t len = 0, i, hits = 0;

		db = tu_read(tu_path(dir, "all.bin"), &len);
		CU_ASSERT_PTR_NOT_NULL(db);
		for (i = 0; db && i + 8 <= len; i++)
			hits += memcmp(db + i, "pa55word", 8) == 0 || memcmp(db + i, "s3cret-T", 8) == 0;
		CU_ASSERT_EQUAL(hits, 0);
	}
	free(db);
	stop_fake(dir);
}

void usage_suite_register(void)
{
	CU_pSuite s = CU_add_suite("usage", NULL, NULL);

	CU_add_test(s, "focus: AWS 1.0 (x_UsageType, RI, fees, credits, malformed)", test_focus_aws10);
	CU_add_test(s, "focus: AWS 1.2 (description, SkuPriceDetails, savings plan)", test_focus_aws12);
	CU_add_test(s, "focus: Azure daily rows spread, x_SkuDetails, reservation", test_focus_azure);
	CU_add_test(s, "focus: Google GPU SKUs in seconds, UTC, CUD", test_focus_google);
	CU_add_test(s, "focus: the FinOps sample, catalog vs unmatched", test_focus_sample);
	CU_add_test(s, "cli: --strict exits 2 with the store unchanged; skips counted",
		    test_cli_strict_and_skips);
	CU_add_test(s, "cli: a commitment's EffectiveCost outside 0..1000 an hour is malformed",
		    test_cli_commitment_cost_bounds);
	CU_add_test(s, "cli: FOCUS quantities and times out of range; options in any order",
		    test_cli_focus_bounds);
	CU_add_test(s, "cli: re-import replaces its window; gaps; gzip", test_cli_reimport_replaces);
	CU_add_test(s, "cli: usage.prefer decides overlaps, else the latest", test_cli_prefer);
	CU_add_test(s, "cli: usage show says daily rows were spread", test_cli_show_notes_spread);
	CU_add_test(s, "cli: a commitment keeps the first hour any export saw it",
		    test_cli_commitment_first_seen_kept);
	CU_add_test(s, "gpu names: DCGM and kube-state-metrics spellings", test_gpu_spellings);
	CU_add_test(s, "plan: a commitment from FOCUS is owned until it expires",
		    test_owned_commitment_plans);
	CU_add_test(s, "plan: two FOCUS commitments of one offering, each until its expiry",
		    test_owned_two_expiries);
	CU_add_test(s, "prometheus: DCGM explicit zeros vs gaps, float timestamps",
		    test_prom_dcgm_zeros_and_gaps);
	CU_add_test(s, "prometheus: kube-state-metrics join; chunks under 11,000 points",
		    test_prom_kube_and_chunks);
	CU_add_test(s, "prometheus: errors as written, store unchanged; 503 retried",
		    test_prom_errors);
	CU_add_test(s, "prometheus: bearer and basic auth sent, never logged or stored",
		    test_prom_auth);
	CU_add_test(s, "prometheus: empty matrix; values and times out of range fail",
		    test_prom_empty_and_bounds);
}
