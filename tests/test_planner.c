/*
 * planner/: the CLI contracts of the foundation, driven through the sanitized binary:
 * init, prices import/list, usage import/show, config errors, exit codes, and that bad
 * input leaves the store exactly as it was.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "planner/config.h"
#include "planner/load.h"
#include "planner/store.h"
#include "tests/testutil.h"

static const char good_offers[] =
	"provider,region,instance_type,gpu_model,gpus_per_instance,vcpus,memory_gib,"
	"ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,spot_interruption_rate\n"
	"aws,us-east-1,p4d.24xlarge,A100-40GB,8,96,1152,32.7726,10.815,19.2217,11.5725,0.05\n"
	"gcp,us-central1,a2-highgpu-1g,NVIDIA A100-SXM4-40GB,1,12,85,3.673385,,,,\n"
	"\"azure\",\"eastus\",\"Standard_NC4as_T4_v3\",T4,1,4,28,0.526,0.1578,0.32612,0.2104,\r\n";

/* Runs capplan with --db and --config in dir; returns the exit status. */
static int cap(const char *dir, const char *args, char **out, char **err)
{
	char full[2048];

	snprintf(full, sizeof(full), "--db '%s/s.db' --config '%s/c.yaml' %s", dir, dir, args);
	return tu_capplan(dir, full, out, err);
}

static void fresh(const char **dir)
{
	*dir = tu_tmpdir();
	tu_write(tu_path(*dir, "c.yaml"), "policy:\n  max_spot_share: 0.4\n");
}

static long count_rows(const char *dir, const char *table)
{
	char sql[256], *out = NULL;
	long n = -1;

	snprintf(sql, sizeof(sql), "python3 -c \"import sqlite3;print(sqlite3.connect('s.db')"
		 ".execute('select count(*) from %s').fetchone()[0])\"", table);
	if (tu_sh(dir, sql, &out, NULL) == 0)
		n = strtol(out, NULL, 10);
	free(out);
	return n;
}

static void test_help_version_unknown(void)
{
	char *out = NULL, *err = NULL;

	CU_ASSERT_EQUAL(tu_capplan(NULL, "--help", &out, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "exit status"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "3  plan infeasible"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "prices"));
	free(out);
	CU_ASSERT_EQUAL(tu_capplan(NULL, "--version", &out, NULL), 0);
	CU_ASSERT_EQUAL(strncmp(out, "capplan ", 8), 0);
	free(out);
	CU_ASSERT_EQUAL(tu_capplan(NULL, "frobnicate", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown command \"frobnicate\""));
	free(err);
	CU_ASSERT_EQUAL(tu_capplan(NULL, "", NULL, NULL), 2);
	CU_ASSERT_EQUAL(tu_capplan(NULL, "prices list --bogus", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--bogus"));
	free(err);
	CU_ASSERT_EQUAL(tu_capplan(NULL, "plan --help", &out, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "usage: capplan plan"));
	free(out);
}

static void test_init(void)
{
	const char *dir = tu_tmpdir();
	char *out = NULL, *text;
	struct config *c = NULL;
	struct err e = ERR_INIT;
	double share;

	CU_ASSERT_EQUAL_FATAL(tu_capplan(dir, "--json init", &out, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"config_written\":true"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"schema\":"));
	free(out);
	text = tu_read(tu_path(dir, "capplan.yaml"), NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "# "));	/* commented */
	free(text);
	/* the default configuration parses and says what the defaults are */
	CU_ASSERT_EQUAL_FATAL(config_load(&c, tu_path(dir, "capplan.yaml"), &e), 0);
	CU_ASSERT_EQUAL(config_double(c, "policy.max_spot_share", -1, &share, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(share, 0.4, 1e-12);
	CU_ASSERT_STRING_EQUAL(config_str(c, "store", ""), "capplan.db");
	{
		long l = 0;

		/* a new user's apply has a launch guard from the start */
		CU_ASSERT_EQUAL(config_long(c, "apply.max_launch_per_run", -1, &l, &e), 0);
		CU_ASSERT_EQUAL(l, 64);
	}
	config_free(c);
	text = tu_read(tu_path(dir, "capplan.db"), NULL);
	CU_ASSERT_PTR_NOT_NULL(text);	/* the store was created beside it */
	free(text);
	/* a second init keeps the file someone may have edited */
	tu_write(tu_path(dir, "capplan.yaml"), "store: other.db\n");
	CU_ASSERT_EQUAL(tu_capplan(dir, "init -q", NULL, NULL), 0);
	text = tu_read(tu_path(dir, "capplan.yaml"), NULL);
	CU_ASSERT_STRING_EQUAL(text, "store: other.db\n");
	free(text);
}

static void test_prices_import_list(void)
{
	const char *dir;
	char *out = NULL, *err = NULL;

	fresh(&dir);
	tu_write(tu_path(dir, "o.csv"), good_offers);
	CU_ASSERT_EQUAL_FATAL(cap(dir, "prices import o.csv", NULL, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "imported 3 offerings"));
	free(err);
	CU_ASSERT_EQUAL(cap(dir, "prices list --json --gpu A100", &out, NULL), 0);
	/* the GCP row's "NVIDIA A100-SXM4-40GB" was made canonical; empty prices are null */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"offering\":\"gcp/us-central1/a2-highgpu-1g\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"spot_hourly\":null"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"ondemand_hourly\":32.7726"));
	CU_ASSERT_PTR_NULL(strstr(out, "azure"));
	free(out);
	CU_ASSERT_EQUAL(cap(dir, "prices list --provider azure", &out, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "azure/eastus/Standard_NC4as_T4_v3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0.5260"));
	free(out);
	/* importing again updates the catalog and adds to the price history */
	CU_ASSERT_EQUAL(cap(dir, "-q prices import o.csv", NULL, NULL), 0);
	CU_ASSERT_EQUAL(count_rows(dir, "offerings"), 3);
	CU_ASSERT_EQUAL(count_rows(dir, "price_history"), 6);
}

/* Each bad file: exit 2, an error naming FILE:LINE and the field, the store unchanged. */
static void test_prices_import_bad_rows(void)
{
	static const struct {
		const char *row;
		const char *expect;
	} bad[] = {
		{ "aws,us-east-1,x.large,T4,1,4,16,abc,,,,\n", "o.csv:3: \"ondemand_hourly\" is \"abc\"" },
		{ "aws,us-east-1,x.large,T4,0,4,16,1,,,,\n", "o.csv:3: \"gpus_per_instance\"" },
		{ "aws,us-east-1,x.large,T4,1,4,16,-1,,,,\n", "o.csv:3: \"ondemand_hourly\" is -1" },
		{ "aws,us-east-1,x.large,T4,1,4,16,nan,,,,\n", "o.csv:3: \"ondemand_hourly\"" },
		{ "aws,us-east-1,x.large,T4,1,4,16,1e9,,,,\n", "o.csv:3: \"ondemand_hourly\"" },
		{ "aws,us-east-1,x.large,T4,1,4,16,1,,,,1.5\n", "o.csv:3: \"spot_interruption_rate\"" },
		{ "aws,us-east-1,x.large,T4,1,4,16,,,,,\n", "o.csv:3: no price at all" },
		{ "aws,us-east-1,x.large,T4,1\n", "o.csv:3: 5 fields where the header has 12" },
		{ "aws,,x.large,T4,1,4,16,1,,,,\n", "o.csv:3: \"region\" is empty" },
		{ "aws,us-east-1,p4d.24xlarge,A100-40GB,8,96,1152,1,,,,\n", "appears twice" },
		{ "aws,us-east-1,\"unterminated,T4,1,4,16,1,,,,\n", "o.csv:3: quoted field is not closed" },
	};
	const char *dir;
	char text[2048], *err = NULL;
	size_t i;

	fresh(&dir);
	tu_write(tu_path(dir, "ok.csv"), good_offers);
	CU_ASSERT_EQUAL_FATAL(cap(dir, "-q prices import ok.csv", NULL, NULL), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s%s%s",
			 "provider,region,instance_type,gpu_model,gpus_per_instance,vcpus,memory_gib,"
			 "ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
			 "spot_interruption_rate\n",
			 "aws,us-east-1,p4d.24xlarge,A100-40GB,8,96,1152,99,,,,\n", bad[i].row);
		tu_write(tu_path(dir, "o.csv"), text);
		CU_ASSERT_EQUAL(cap(dir, "prices import o.csv", NULL, &err), 2);
		if (strstr(err, bad[i].expect) == NULL)
			fprintf(stderr, "\ncase %zu: expected \"%s\" in: %s", i, bad[i].expect, err);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].expect));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "o.csv:"));
		CU_ASSERT_EQUAL(strchr(err, '\n'), err + strlen(err) - 1);	/* one line */
		free(err);
		err = NULL;
	}
	/* nothing of the bad files reached the store: the good first row was not kept either */
	CU_ASSERT_EQUAL(count_rows(dir, "offerings"), 3);
	CU_ASSERT_EQUAL(count_rows(dir, "price_history"), 3);
	tu_write(tu_path(dir, "h.csv"), "provider,region\naws,x\n");
	CU_ASSERT_EQUAL(cap(dir, "prices import h.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "h.csv:1: no \"instance_type\" column"));
	free(err);
	CU_ASSERT_EQUAL(cap(dir, "prices import missing.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing.csv: cannot open"));
	free(err);
}

static void test_usage_import_show(void)
{
	const char *dir;
	char *out = NULL, *err = NULL;

	fresh(&dir);
	tu_write(tu_path(dir, "u.csv"),
		 "timestamp,gpu_model,gpus\n"
		 "2026-11-01T00:00:00Z,A100,4\n"
		 "2026-11-01T01:00:00Z,A100-40GB,6\n"
		 "2026-11-01T03:00:00Z,A100-40GB,5\n"
		 "2026-11-01T00:00:00Z,T4,2.5\n");
	CU_ASSERT_EQUAL_FATAL(cap(dir, "-q usage import u.csv", NULL, NULL), 0);
	CU_ASSERT_EQUAL(cap(dir, "usage show --json", &out, NULL), 0);
	/* "A100" and "A100-40GB" are one model; 02:00 is a missing hour */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "{\"gpu_model\":\"A100-40GB\",\"first\":\"2026-11-01T00:00:00Z\","
				      "\"last\":\"2026-11-01T03:00:00Z\",\"hours\":3,\"missing_hours\":1,"
				      "\"min\":4,\"mean\":5,\"max\":6}"));
	free(out);
	CU_ASSERT_EQUAL(cap(dir, "usage show --csv --json", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "--csv and --json: choose one"));
	free(err);
	err = NULL;
	CU_ASSERT_EQUAL(cap(dir, "usage show --csv --gpu T4", &out, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "timestamp,gpu_model,gpus\n2026-11-01T00:00:00Z,T4,2.5\n");
	free(out);
	CU_ASSERT_EQUAL(cap(dir, "usage show --csv --from 2026-11-01T01:00:00Z --to 2026-11-01 --gpu A100",
			    &out, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "timestamp,gpu_model,gpus\n2026-11-01T01:00:00Z,A100-40GB,6\n"
				    "2026-11-01T03:00:00Z,A100-40GB,5\n");
	free(out);
	/* bad rows: exit 2, FILE:LINE, nothing stored */
	tu_write(tu_path(dir, "b.csv"), "timestamp,gpu_model,gpus\n2026-11-02T00:00:00Z,T4,1\n"
					"2026-11-02T00:30:00Z,T4,1\n");
	CU_ASSERT_EQUAL(cap(dir, "usage import b.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "b.csv:3: \"timestamp\" 2026-11-02T00:30:00Z is not on the hour"));
	free(err);
	tu_write(tu_path(dir, "b.csv"), "timestamp,gpu_model,gpus\n2026-11-02T00:00:00Z,T4,1\n"
					"2026-11-02T01:00:00Z,T4,-3\n");
	CU_ASSERT_EQUAL(cap(dir, "usage import b.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "b.csv:3: \"gpus\" is \"-3\""));
	free(err);
	tu_write(tu_path(dir, "b.csv"), "timestamp,gpu_model,gpus\n2026-11-02T00:00:00Z,T4,1\n"
					"2026-11-02T01:00:00Z,T4,1\n2026-11-02T00:00:00Z,T4,2\n");
	CU_ASSERT_EQUAL(cap(dir, "usage import b.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "b.csv:4: 2026-11-02T00:00:00Z T4 appears twice (first at line 2)"));
	free(err);
	tu_write(tu_path(dir, "b.csv"), "when,gpu_model,gpus\n");
	CU_ASSERT_EQUAL(cap(dir, "usage import b.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "b.csv:1: the header must have"));
	free(err);
	CU_ASSERT_EQUAL(count_rows(dir, "usage"), 4);
}

static void test_config_errors(void)
{
	const char *dir = tu_tmpdir();
	char *err = NULL, args[1024];

	tu_write(tu_path(dir, "bad.yaml"), "policy:\n  max_spot_share: [1, 2\n");
	snprintf(args, sizeof(args), "--config '%s' --db '%s' prices list", tu_path(dir, "bad.yaml"),
		 tu_path(dir, "s.db"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad.yaml:"));
	free(err);
	snprintf(args, sizeof(args), "--config '%s' prices list", tu_path(dir, "none.yaml"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "none.yaml: cannot open"));
	free(err);
	tu_write(tu_path(dir, "list.yaml"), "- a\n- b\n");
	snprintf(args, sizeof(args), "--config '%s' prices list", tu_path(dir, "list.yaml"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "list.yaml:1: the configuration must be a mapping"));
	free(err);
	/* a folder where the file should be: said so (libyaml only says "input error") */
	snprintf(args, sizeof(args), "mkdir -p '%s'", tu_path(dir, "folder.yaml"));
	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, args, NULL, NULL), 0);
	snprintf(args, sizeof(args), "--config '%s' prices list", tu_path(dir, "folder.yaml"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "folder.yaml: cannot read: Is a directory"));
	free(err);
}

/*
 * A key given twice: the last one counts (as it always has: configs are overridden by
 * appending), with a warning naming both lines. Aliases can expand a small file into
 * millions of nodes ("billion laughs"): refused at load, before they take the memory.
 */
static void test_config_duplicates_and_alias_bomb(void)
{
	const char *dir = tu_tmpdir();
	struct config *c = NULL;
	struct err e = ERR_INIT;
	char *err = NULL, args[1024];
	double v;

	tu_write(tu_path(dir, "dup.yaml"),
		 "policy:\n  max_spot_share: 0.1\n  budget: 100\n  max_spot_share: 0.9\n");
	CU_ASSERT_EQUAL_FATAL(config_load(&c, tu_path(dir, "dup.yaml"), &e), 0);
	CU_ASSERT_EQUAL(config_double(c, "policy.max_spot_share", 0, &v, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(v, 0.9, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(config_warning(c), "dup.yaml:4: \"policy.max_spot_share\" is "
				      "given twice (first at line 2): the last one counts"));
	config_free(c);
	c = NULL;
	/* the same key in two different mappings, or in two list items, is no duplicate */
	tu_write(tu_path(dir, "ok.yaml"),
		 "policy:\n  budget: 5\napply:\n  budget: 6\n"
		 "quotas:\n  - {provider: aws, region: r1, gpus: 1}\n"
		 "  - {provider: aws, region: r2, gpus: 2}\n");
	CU_ASSERT_EQUAL_FATAL(config_load(&c, tu_path(dir, "ok.yaml"), &e), 0);
	CU_ASSERT_EQUAL(config_double(c, "policy.budget", 0, &v, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(v, 5, 0);
	CU_ASSERT_STRING_EQUAL(config_warning(c), "");
	config_free(c);
	c = NULL;
	tu_write(tu_path(dir, "dupq.yaml"),
		 "quotas:\n  - {provider: aws, region: r1, gpus: 1, gpus: 3}\n");
	CU_ASSERT_EQUAL_FATAL(config_load(&c, tu_path(dir, "dupq.yaml"), &e), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(config_warning(c), "dupq.yaml:2: \"quotas.0.gpus\" is given "
				      "twice"));
	config_free(c);
	c = NULL;
	/* 9^8 = 43 million scalars from eight lines: refused, not expanded */
	tu_write(tu_path(dir, "bomb.yaml"),
		 "a: &a [x, x, x, x, x, x, x, x, x]\n"
		 "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		 "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		 "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		 "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		 "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		 "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
		 "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n");
	CU_ASSERT_EQUAL(config_load(&c, tu_path(dir, "bomb.yaml"), &e), ERR_INPUT);
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "bomb.yaml: more than 100000 keys and values"));
	snprintf(args, sizeof(args), "--config '%s' prices list", tu_path(dir, "bomb.yaml"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, NULL, &err), 2);
	free(err);
	/* the command warns and goes on (exit 0); -q keeps it quiet */
	snprintf(args, sizeof(args), "--config '%s' --db s.db prices list", tu_path(dir, "dup.yaml"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, NULL, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "capplan: warning: "));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "dup.yaml:4: \"policy.max_spot_share\" is given "
					     "twice (first at line 2): the last one counts\n"));
	free(err);
	snprintf(args, sizeof(args), "-q --config '%s' --db s.db prices list",
		 tu_path(dir, "dup.yaml"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, NULL, &err), 0);
	CU_ASSERT_PTR_NULL(err && strstr(err, "warning"));
	free(err);
	/* a misspelt top-level key ("quota:" for quotas) is ignored, with a warning naming it
	 * (at the line its value starts);
	 * the keys capplan reads, and the default config, warn nothing */
	tu_write(tu_path(dir, "typo.yaml"), "policy:\n  max_spot_share: 0.3\n"
		 "quota:\n  - {provider: aws, region: us-east-1, gpus: 8}\n");
	snprintf(args, sizeof(args), "--config '%s' --db s.db prices list",
		 tu_path(dir, "typo.yaml"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, NULL, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "capplan: warning: "));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "typo.yaml:4: \"quota\" is not a key capplan "
					     "reads (misspelt?): it is ignored\n"));
	CU_ASSERT_PTR_NULL(err && strstr(err, "\"policy\""));
	free(err);
	/* and so are misspelt keys of the sections whose keys are fixed: policy, apply, forecast */
	tu_write(tu_path(dir, "typo2.yaml"), "policy:\n  max_spot_shar: 0.1\n  budget: 100\n"
		 "apply:\n  max_launch_per_rum: 4\nforecast:\n  horizon: 24\n");
	snprintf(args, sizeof(args), "--config '%s' --db s.db prices list",
		 tu_path(dir, "typo2.yaml"));
	CU_ASSERT_EQUAL(tu_capplan(dir, args, NULL, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "typo2.yaml:2: \"policy.max_spot_shar\" is not "
					     "a key capplan reads (misspelt?): it is ignored\n"));
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "typo2.yaml:5: \"apply.max_launch_per_rum\""));
	CU_ASSERT_PTR_NULL(err && strstr(err, "budget"));
	CU_ASSERT_PTR_NULL(err && strstr(err, "horizon"));
	free(err);
	CU_ASSERT_EQUAL(tu_capplan(dir, "--config init.yaml --db i.db init", NULL, NULL), 0);
	CU_ASSERT_EQUAL(tu_capplan(dir, "--config init.yaml --db i.db prices list", NULL, &err), 0);
	CU_ASSERT_PTR_NULL(err && strstr(err, "warning"));
	free(err);
}

static void test_config_paths(void)
{
	const char *dir = tu_tmpdir();
	struct config *c = NULL;
	struct err e = ERR_INIT;
	double v;
	long l;
	int b;

	tu_write(tu_path(dir, "c.yaml"),
		 "policy:\n  max_spot_share: 0.25\n  budget: lots\n"
		 "quotas:\n  - {provider: aws, region: us-east-1, gpus: 64}\n"
		 "  - provider: gcp\n    region: us-central1\n    gpus: 8\n"
		 "apply:\n  dry_run_default: yes\n  max_launch_per_run: 4\n");
	CU_ASSERT_EQUAL_FATAL(config_load(&c, tu_path(dir, "c.yaml"), &e), 0);
	CU_ASSERT_EQUAL(config_double(c, "policy.max_spot_share", 0, &v, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(v, 0.25, 0);
	CU_ASSERT_EQUAL(config_double(c, "policy.budget", 0, &v, &e), ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "c.yaml:3: \"policy.budget\" is \"lots\", not a number"));
	CU_ASSERT_EQUAL(config_double(c, "policy.absent", 7, &v, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(v, 7, 0);
	CU_ASSERT_EQUAL(config_node_count(config_get(c, "quotas")), 2);
	CU_ASSERT_STRING_EQUAL(config_str(c, "quotas.1.region", ""), "us-central1");
	CU_ASSERT_EQUAL(config_long(c, "quotas.0.gpus", 0, &l, &e), 0);
	CU_ASSERT_EQUAL(l, 64);
	CU_ASSERT_EQUAL(config_bool(c, "apply.dry_run_default", 0, &b, &e), 0);
	CU_ASSERT_EQUAL(b, 1);
	CU_ASSERT_EQUAL(config_set(c, "policy.max_spot_share", "0.1", &e), 0);
	CU_ASSERT_EQUAL(config_set(c, "provider.gcp", "off", &e), 0);
	CU_ASSERT_EQUAL(config_double(c, "policy.max_spot_share", 0, &v, &e), 0);
	CU_ASSERT_DOUBLE_EQUAL(v, 0.1, 0);
	CU_ASSERT_STRING_EQUAL(config_str(c, "provider.gcp", ""), "off");
	config_free(c);
}

static void test_store_migrations_and_rollback(void)
{
	const char *dir = tu_tmpdir();
	struct store *s = NULL;
	struct err e = ERR_INIT;
	struct store_usage_row row = { 3600, "T4", 2 };
	double *vals = NULL;
	int64_t start;
	size_t n;
	int v;
	char *out = NULL;

	CU_ASSERT_EQUAL_FATAL(store_open(&s, tu_path(dir, "m.db"), &e), 0);
	v = store_schema_version(s);
	CU_ASSERT(v >= 1);
	store_close(s);
	/* reopening migrates nothing and keeps the version */
	CU_ASSERT_EQUAL_FATAL(store_open(&s, tu_path(dir, "m.db"), &e), 0);
	CU_ASSERT_EQUAL(store_schema_version(s), v);
	/* a rolled-back write leaves nothing */
	CU_ASSERT_EQUAL(store_begin(s, &e), 0);
	CU_ASSERT_EQUAL(store_usage_put(s, "csv:x", &row, 1, 10, &e), 0);
	store_rollback(s);
	CU_ASSERT_EQUAL(store_usage_series(s, "T4", INT64_MIN, INT64_MAX, &start, &vals, &n, &e), 0);
	CU_ASSERT_EQUAL(n, 0);
	free(vals);
	store_close(s);
	CU_ASSERT_EQUAL(tu_sh(dir, "python3 -c \"import sqlite3;print(sqlite3.connect('m.db')"
			    ".execute('pragma journal_mode').fetchone()[0])\"", &out, NULL), 0);
	CU_ASSERT_STRING_EQUAL(out, "wal\n");
	free(out);
	/* a store from a newer capplan is refused, not damaged */
	CU_ASSERT_EQUAL(tu_sh(dir, "python3 -c \"import sqlite3;c=sqlite3.connect('m.db');"
			    "c.execute('pragma user_version=999');c.commit()\"", NULL, NULL), 0);
	CU_ASSERT_EQUAL(store_open(&s, tu_path(dir, "m.db"), &e), ERR_RUNTIME);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "newer than this capplan"));
}

static void test_gpu_names(void)
{
	char b[32];

	load_gpu_name("NVIDIA A100-SXM4-40GB", b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "A100-40GB");
	load_gpu_name("NVIDIA-A100-SXM4-80GB", b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "A100-80GB");
	load_gpu_name("nvidia-tesla-t4", b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "T4");
	load_gpu_name("NVIDIA L40S", b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "L40S");
	load_gpu_name("L4", b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "L4");
	load_gpu_name("NVIDIA H100 80GB HBM3", b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "H100-80GB");
	load_gpu_name(" MyCustomAccel ", b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "MyCustomAccel");
}

static void test_store_path_relative_to_config(void)
{
	const char *dir = tu_tmpdir();
	char args[1024], *text;

	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, "mkdir -p etc elsewhere", NULL, NULL), 0);
	tu_write(tu_path(dir, "etc/capplan.yaml"), "store: rel.db\n");
	snprintf(args, sizeof(args), "--config '%s/etc/capplan.yaml' usage show",  dir);
	CU_ASSERT_EQUAL(tu_capplan(tu_path(dir, "elsewhere"), args, NULL, NULL), 0);
	text = tu_read(tu_path(dir, "etc/rel.db"), NULL);
	CU_ASSERT_PTR_NOT_NULL(text);
	free(text);
	text = tu_read(tu_path(dir, "elsewhere/rel.db"), NULL);
	CU_ASSERT_PTR_NULL(text);
	free(text);
}

static void test_usage_times_out_of_range(void)
{
	const char *dir;
	char *err = NULL;

	fresh(&dir);
	tu_write(tu_path(dir, "ok.csv"), "timestamp,gpu_model,gpus\n2026-11-01T00:00:00Z,T4,1\n");
	CU_ASSERT_EQUAL_FATAL(cap(dir, "-q usage import ok.csv", NULL, NULL), 0);
	tu_write(tu_path(dir, "u.csv"), "timestamp,gpu_model,gpus\n2026-11-02T00:00:00Z,T4,1\n"
					"9999-12-31T23:00:00Z,T4,1\n");
	CU_ASSERT_EQUAL(cap(dir, "usage import u.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "u.csv:3: \"timestamp\" 9999-12-31T23:00:00Z is outside"));
	free(err);
	tu_write(tu_path(dir, "u.csv"), "timestamp,gpu_model,gpus\n1999-12-31T23:00:00Z,T4,1\n");
	CU_ASSERT_EQUAL(cap(dir, "usage import u.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "u.csv:2:"));
	free(err);
	CU_ASSERT_EQUAL(count_rows(dir, "usage"), 1);
}

/* forecast --input: far-apart rows are refused before memory is taken; short series skipped */
static void test_forecast_input_bounds(void)
{
	const char *dir;
	char *out = NULL, *err = NULL, *text;
	size_t len = 0, cap_ = 0;
	int i, h;

	fresh(&dir);
	text = malloc(cap_ = 1 << 16);
	len = (size_t)snprintf(text, cap_, "series,timestamp,value\n");
	for (i = 0; i < 300; i++)
		len += (size_t)snprintf(text + len, cap_ - len, "s%d,2000-01-01T00:00:00Z,1\n"
					"s%d,2019-12-31T00:00:00Z,2\n", i, i);
	tu_write(tu_path(dir, "sparse.csv"), text);
	CU_ASSERT_EQUAL(cap(dir, "forecast --input sparse.csv --horizon 24", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "more than capplan forecasts from one file"));
	free(err);
	/* two series of 30 days and one of 30 hours: the short one is skipped, said, not fatal */
	len = (size_t)snprintf(text, cap_, "series,timestamp,value\n");
	for (i = 0; i < 3; i++)
		for (h = 0; h < (i < 2 ? 720 : 30); h++)
			len += (size_t)snprintf(text + len, cap_ - len, "s%d,2026-01-%02dT%02d:00:00Z,%d\n",
						i, 1 + h / 24, h % 24, 10 + h % 24);
	tu_write(tu_path(dir, "bt.csv"), text);
	free(text);
	CU_ASSERT_EQUAL(cap(dir, "forecast --backtest --input bt.csv --horizon 24 --origins 3 --json",
			    &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "s2: skipped:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"series\":\"s1\""));
	CU_ASSERT_PTR_NULL(strstr(out, "\"series\":\"s2\""));
	free(out);
	free(err);
}

/* forecast.seasons in the config is read (a bad one names its line); --season wins */
static void test_forecast_config_seasons(void)
{
	const char *dir;
	char *err = NULL, *out = NULL;

	fresh(&dir);
	tu_write(tu_path(dir, "c.yaml"), "forecast:\n  seasons: [24, 0]\n");
	tu_write(tu_path(dir, "u.csv"), "timestamp,gpu_model,gpus\n2026-11-02T00:00:00Z,T4,1\n");
	CU_ASSERT_EQUAL(cap(dir, "forecast --input u.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "c.yaml:2: \"forecast.seasons\" item \"0\""));
	free(err);
	tu_write(tu_path(dir, "c.yaml"), "forecast:\n  seasons: [12]\n");
	CU_ASSERT_EQUAL(cap(dir, "forecast --input u.csv --season 24 --horizon 2", &out, NULL), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "2026-11-02T01:00:00Z,T4,"));
	free(out);
}

/*
 * The plan's inputs and policy are stored as JSON (report weekly reads the forecast run back
 * from them): a config path with a quote and a backslash, longer than any fixed buffer, must
 * still make valid JSON that names it whole.
 */
static void test_plan_inputs_json(void)
{
	const char *dir = tu_tmpdir();
	char sub[700], cfgpath[1024], args[2048], *out = NULL, *err = NULL, *text;
	size_t len = 0, cap_ = 1 << 16;
	int h;

	/* two folders of 200 characters: the path is past 400 characters */
	snprintf(sub, sizeof(sub), "%s/%0200d/%0200d", dir, 1, 2);
	snprintf(args, sizeof(args), "mkdir -p '%s'", sub);
	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, args, NULL, NULL), 0);
	snprintf(cfgpath, sizeof(cfgpath), "%s/we\"ird\\name.yaml", sub);
	tu_write(cfgpath, "policy:\n  max_spot_share: 0.25\n");
	tu_write(tu_path(dir, "o.csv"), "provider,region,instance_type,gpu_model,gpus_per_instance,"
		 "vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		 "spot_interruption_rate\naws,us-east-1,g4dn.xlarge,T4,1,4,16,1.0,0.3,0.5,,\n");
	text = malloc(cap_);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	len = (size_t)snprintf(text, cap_, "timestamp,gpu_model,gpus\n");
	for (h = 0; h < 72; h++)
		len += (size_t)snprintf(text + len, cap_ - len, "2026-11-%02dT%02d:00:00Z,T4,%d\n",
					1 + h / 24, h % 24, 4 + h % 3);
	tu_write(tu_path(dir, "u.csv"), text);
	free(text);
	snprintf(args, sizeof(args), "B=\"$CAPPLAN_BIN\"; C='%s'; \"$B\" --db s.db --config \"$C\" "
		 "prices import o.csv && \"$B\" --db s.db --config \"$C\" usage import u.csv && "
		 "\"$B\" -q --db s.db --config \"$C\" forecast --horizon 24 && "
		 "\"$B\" --db s.db --config \"$C\" plan --json > /dev/null", cfgpath);
	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, args, NULL, &err), 0);
	free(err);
	err = NULL;
	tu_write(tu_path(dir, "check.py"),
		 "import json, sqlite3, sys\n"
		 "db = sqlite3.connect('s.db')\n"
		 "row = db.execute("
		 "'select inputs_json, policy_json from plans order by id desc').fetchone()\n"
		 "i, p = json.loads(row[0]), json.loads(row[1])\n"
		 "f = json.loads(db.execute('select params_json from forecast_runs "
		 "order by id desc').fetchone()[0])\n"
		 "print(i['config'] == sys.argv[1], i['forecast_run'], i['quantile'], "
		 "p['max_spot_share'], p['relax'], f['gpu'], f['seasons'])\n");
	snprintf(args, sizeof(args), "python3 check.py '%s'", cfgpath);
	CU_ASSERT_EQUAL(tu_sh(dir, args, &out, &err), 0);
	CU_ASSERT_STRING_EQUAL(out ? out : "", "True 1 p90 0.25 False  [24, 168]\n");
	if (err && *err)
		fprintf(stderr, "%s\n", err);
	free(out);
	free(err);
	out = err = NULL;
	/* a forecast run's parameters too: a GPU model named with a quote and a backslash */
	tu_write(tu_path(dir, "g.csv"), "timestamp,gpu_model,gpus\n"
		 "2026-11-01T00:00:00Z,\"Z\"\"q\\w\",3\n2026-11-01T01:00:00Z,\"Z\"\"q\\w\",4\n");
	CU_ASSERT_EQUAL_FATAL(tu_sh(dir, "B=\"$CAPPLAN_BIN\"; \"$B\" --db s.db usage import g.csv && "
				    "\"$B\" -q --db s.db forecast --gpu 'Z\"q\\w' --horizon 2 --season 24",
				    NULL, NULL), 0);
	CU_ASSERT_EQUAL(tu_sh(dir, args, &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, " Z\"q\\w [24]\n"));
	free(out);
	free(err);
}

/*
 * A spot interruption rate of 1 (prices import takes 0..1, as the README says) means spot is
 * always taken back: `plan` uses no spot of that offering, where it exited 2 ("interruption
 * rate 1 is not in 0..1"). One offering, 1 GPU, on demand 10, spot 4; 10 GPUs for 2 hours;
 * max_spot_share 1. Rate 0: 10 spot x 4 x 2 = 80. Rate 0.5: each spot GPU delivers half, 20 x 4
 * x 2 = 160 (still under on demand's 200). Rate 1: all on demand, 10 x 10 x 2 = 200.
 */
static void test_plan_interruption_rate_one(void)
{
	static const char *const rate[3] = { "0", "0.5", "1" };
	static const char *const cost[3] = {
		"\"total_cost\":80,\"cost\":{\"reserved\":0,\"spot\":80,\"ondemand\":0}",
		"\"total_cost\":160,\"cost\":{\"reserved\":0,\"spot\":160,\"ondemand\":0}",
		"\"total_cost\":200,\"cost\":{\"reserved\":0,\"spot\":0,\"ondemand\":200}",
	};
	const char *dir = tu_tmpdir();
	char text[512], *out = NULL, *err = NULL;
	int i;

	tu_write(tu_path(dir, "s1.yaml"), "store: s.db\npolicy:\n  max_spot_share: 1\n");
	tu_write(tu_path(dir, "d.csv"), "timestamp,gpu_model,gpus\n"
		 "2026-12-01T00:00:00Z,H100,10\n2026-12-01T01:00:00Z,H100,10\n");
	for (i = 0; i < 3; i++) {
		snprintf(text, sizeof(text), "provider,region,instance_type,gpu_model,"
			 "gpus_per_instance,vcpus,memory_gib,ondemand_hourly,spot_hourly,"
			 "reserved_1y_hourly,reserved_3y_hourly,spot_interruption_rate\n"
			 "aws,us-east-1,s1,H100,1,8,64,10,4,,,%s\n", rate[i]);
		tu_write(tu_path(dir, "o.csv"), text);
		CU_ASSERT_EQUAL(tu_capplan(dir, "--config s1.yaml prices import o.csv", &out, &err),
				0);
		free(out);
		free(err);
		CU_ASSERT_EQUAL(tu_capplan(dir, "--config s1.yaml plan --offerings o.csv --demand "
					   "d.csv --json", &out, &err), 0);
		CU_ASSERT_PTR_NOT_NULL(out && strstr(out, cost[i]));
		if (i == 2)
			CU_ASSERT_PTR_NULL(err && strstr(err, "interruption") ? err : NULL);
		free(out);
		free(err);
	}
}

/*
 * plan.c's config lists. substitutions: a factor of 1e300 let one T4 cover all A100 demand
 * (cost 2 for 20 GPU-hours); factors outside 0.01..100 are refused with the config line,
 * whether or not the demand uses the item. Hand case: T4 on demand 1, A100-80GB on demand 10,
 * 10 A100-80GB for 2 hours; factor 0.5: 20 T4 an hour (20 < 100), 40 in all.
 * commitments: an offering not in the catalog was ignored by plan and plan fleet; it is
 * refused (exit 2, FILE:LINE); one in the catalog whose GPU model has no demand still counts
 * for nothing, without a word.
 */
static void test_plan_config_lists_checked(void)
{
	const char *dir = tu_tmpdir();
	char *out = NULL, *err = NULL;

	tu_write(tu_path(dir, "o.csv"), "provider,region,instance_type,gpu_model,gpus_per_instance,"
		 "vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		 "spot_interruption_rate\n"
		 "aws,us-east-1,t4,T4,1,4,16,1,,,,\n"
		 "aws,us-east-1,a100,A100-80GB,1,8,64,10,,,,\n"
		 "aws,us-east-1,h1,H100,1,8,64,20,,,,\n");
	tu_write(tu_path(dir, "d.csv"), "timestamp,gpu_model,gpus\n"
		 "2026-12-01T00:00:00Z,A100-80GB,10\n2026-12-01T01:00:00Z,A100-80GB,10\n");
	tu_write(tu_path(dir, "x.yaml"), "policy:\n  max_spot_share: 0\nsubstitutions:\n"
		 "  - {class: A100-80GB, model: T4, factor: 0.5}\n");
	CU_ASSERT_EQUAL(tu_capplan(dir, "--config x.yaml plan --offerings o.csv --demand d.csv "
				   "--json", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"total_cost\":40,"));
	free(out);
	free(err);
	tu_write(tu_path(dir, "x.yaml"), "policy:\n  max_spot_share: 0\nsubstitutions:\n"
		 "  - {class: A100-80GB, model: T4,\n     factor: 1e300}\n");
	CU_ASSERT_EQUAL(tu_capplan(dir, "--config x.yaml plan --offerings o.csv --demand d.csv "
				   "--json", &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "x.yaml:5: \"substitutions\" item 1: "
					     "\"factor\" is 1e+300, not in 0.01..100"));
	CU_ASSERT_PTR_NULL(out && strstr(out, "total_cost") ? out : NULL);
	free(out);
	free(err);
	/* an item this demand never uses, and the low end */
	tu_write(tu_path(dir, "x.yaml"), "substitutions:\n"
		 "  - {class: A100-80GB, model: T4, factor: 0.5}\n"
		 "  - {class: L4, model: T4, factor: 0.001}\n");
	CU_ASSERT_EQUAL(tu_capplan(dir, "--config x.yaml plan fleet --offerings o.csv --demand "
				   "d.csv", &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "x.yaml:3: \"substitutions\" item 2: "
					     "\"factor\" is 0.001"));
	free(out);
	free(err);
	/* commitments: a typo is refused by plan and plan fleet */
	tu_write(tu_path(dir, "x.yaml"), "commitments:\n"
		 "  - {offering: aws/us-east-1/a100, count: 1}\n"
		 "  - {offering: aws/us-east-1/a10O, count: 4}\n");
	CU_ASSERT_EQUAL(tu_capplan(dir, "--config x.yaml plan --offerings o.csv --demand d.csv",
				   &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "x.yaml:3: \"commitments\" item 2: offering "
					     "\"aws/us-east-1/a10O\" is not in the catalog"));
	free(out);
	free(err);
	CU_ASSERT_EQUAL(tu_capplan(dir, "--config x.yaml plan fleet --offerings o.csv --demand "
				   "d.csv", &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "x.yaml:3: \"commitments\" item 2"));
	free(out);
	free(err);
	/* in the catalog, its GPU model without demand: nothing to cover, no error; the A100 one
	 * owned covers 1 GPU: 9 x 10 x 2 = 180 */
	tu_write(tu_path(dir, "x.yaml"), "policy:\n  max_spot_share: 0\ncommitments:\n"
		 "  - {offering: aws/us-east-1/a100, count: 1}\n"
		 "  - {offering: aws/us-east-1/h1, count: 4}\n");
	CU_ASSERT_EQUAL(tu_capplan(dir, "--config x.yaml plan --offerings o.csv --demand d.csv "
				   "--json", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "\"total_cost\":180,"));
	free(out);
	free(err);
}

/*
 * forecast --input: a value too large to forecast (1e308: the intervals came out "inf" in the
 * CSV, exit 0) is refused with its line; a large but sane series forecasts to finite numbers.
 */
static void test_forecast_input_huge_values(void)
{
	const char *dir;
	char *out = NULL, *err = NULL;

	fresh(&dir);
	tu_write(tu_path(dir, "s.csv"), "series,timestamp,value\na,2026-11-01T00:00:00Z,1\n"
		 "a,2026-11-01T01:00:00Z,1e308\n");
	CU_ASSERT_EQUAL(cap(dir, "forecast --input s.csv --horizon 2", &out, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "s.csv:3: \"value\" is \"1e308\", past 1e+15 in "
					     "size"));
	free(out);
	free(err);
	tu_write(tu_path(dir, "s.csv"), "series,timestamp,value\na,2026-11-01T00:00:00Z,-1e15\n"
		 "a,2026-11-01T01:00:00Z,1e15\n");
	CU_ASSERT_EQUAL(cap(dir, "forecast --input s.csv --horizon 2", &out, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "a,2026-11-01T03:00:00Z,"));
	CU_ASSERT_PTR_NULL(out && strstr(out, "inf"));
	CU_ASSERT_PTR_NULL(out && strstr(out, "nan"));
	free(out);
	free(err);
}

/*
 * Output that cannot be written is a failure: prices list --json, usage show --csv and
 * report to a full disk exited 0 with nothing written.
 */
static void test_stdout_write_failure(void)
{
	const char *dir;
	char *err = NULL;

	fresh(&dir);
	tu_write(tu_path(dir, "o.csv"), "provider,region,instance_type,gpu_model,gpus_per_instance,"
		 "vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		 "spot_interruption_rate\naws,us-east-1,g4dn.xlarge,T4,1,4,16,1.0,0.3,0.5,,\n");
	CU_ASSERT_EQUAL_FATAL(cap(dir, "prices import o.csv", NULL, NULL), 0);
	CU_ASSERT_EQUAL(cap(dir, "prices list --json > /dev/full", NULL, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "capplan prices: standard output: write failed: "
					     "No space left on device"));
	free(err);
	err = NULL;
	CU_ASSERT_EQUAL(cap(dir, "prices export - > /dev/full", NULL, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "standard output: write failed"));
	free(err);
	/* the same commands to a file that can be written succeed */
	CU_ASSERT_EQUAL(cap(dir, "prices list --json > out.json", NULL, NULL), 0);
	/* an export into a folder that is not there names the file asked for, not our
	 * temporary one beside it */
	err = NULL;
	CU_ASSERT_EQUAL(cap(dir, "prices export no/such/dir/x.csv", NULL, &err), 1);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "capplan prices: no/such/dir/x.csv: cannot write: "
					     "No such file or directory"));
	CU_ASSERT_PTR_NULL(err && strstr(err, ".tmp."));
	free(err);
}

/*
 * A header naming a column twice is ambiguous: timestamp,gpu_model,gpus,gpus took the first
 * gpus silently. Refused (exit 2, the store unchanged) in the usage, offerings and series
 * CSVs.
 */
static void test_csv_header_twice(void)
{
	const char *dir;
	char *err = NULL;

	fresh(&dir);
	tu_write(tu_path(dir, "u.csv"), "timestamp,gpu_model,gpus\n2026-11-01T00:00:00Z,T4,3\n");
	CU_ASSERT_EQUAL_FATAL(cap(dir, "usage import u.csv", NULL, NULL), 0);
	tu_write(tu_path(dir, "u2.csv"), "timestamp,gpu_model,gpus,gpus\n"
		 "2026-11-01T01:00:00Z,T4,3,9\n");
	CU_ASSERT_EQUAL(cap(dir, "usage import u2.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "u2.csv:1: \"gpus\" is a column twice in the "
					     "header"));
	free(err);
	err = NULL;
	CU_ASSERT_EQUAL(count_rows(dir, "usage"), 1);
	tu_write(tu_path(dir, "o.csv"), "provider,region,instance_type,gpu_model,gpus_per_instance,"
		 "vcpus,memory_gib,ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,"
		 "spot_interruption_rate,ondemand_hourly\n"
		 "aws,us-east-1,g4dn.xlarge,T4,1,4,16,1.0,0.3,0.5,,,9.0\n");
	CU_ASSERT_EQUAL(cap(dir, "prices import o.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "o.csv:1: \"ondemand_hourly\" is a column twice"));
	free(err);
	err = NULL;
	CU_ASSERT_EQUAL(count_rows(dir, "offerings"), 0);
	tu_write(tu_path(dir, "s.csv"), "series,timestamp,series,value\n"
		 "a,2026-11-01T00:00:00Z,b,1\n");
	CU_ASSERT_EQUAL(cap(dir, "forecast --input s.csv", NULL, &err), 2);
	CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "s.csv:1: \"series\" is a column twice"));
	free(err);
	/* other columns, however many, are still extra and ignored */
	tu_write(tu_path(dir, "u3.csv"), "note,timestamp,gpu_model,note,gpus\n"
		 "x,2026-11-01T02:00:00Z,T4,y,4\n");
	CU_ASSERT_EQUAL(cap(dir, "usage import u3.csv", NULL, NULL), 0);
	CU_ASSERT_EQUAL(count_rows(dir, "usage"), 2);
}

void planner_suite_register(void)
{
	CU_pSuite s = CU_add_suite("planner", NULL, NULL);

	CU_add_test(s, "cli: --help, --version, unknown command and flags", test_help_version_unknown);
	CU_add_test(s, "init: commented config, store, keeps an edited config", test_init);
	CU_add_test(s, "prices import and list", test_prices_import_list);
	CU_add_test(s, "prices import: bad rows exit 2, FILE:LINE, store unchanged",
		    test_prices_import_bad_rows);
	CU_add_test(s, "usage import and show; bad rows", test_usage_import_show);
	CU_add_test(s, "config: bad YAML and missing files exit 2 with file and line",
		    test_config_errors);
	CU_add_test(s, "config: dotted paths, typed getters, set", test_config_paths);
	CU_add_test(s, "config: a key given twice warns (last counts), alias bombs refused",
		    test_config_duplicates_and_alias_bomb);
	CU_add_test(s, "store: migrations, WAL, rollback, newer schema refused",
		    test_store_migrations_and_rollback);
	CU_add_test(s, "GPU names made canonical", test_gpu_names);
	CU_add_test(s, "a relative store path is relative to the config file",
		    test_store_path_relative_to_config);
	CU_add_test(s, "usage times outside 2000-2099 are refused", test_usage_times_out_of_range);
	CU_add_test(s, "forecast --input: span bound, short series skipped in backtest",
		    test_forecast_input_bounds);
	CU_add_test(s, "forecast.seasons from the config", test_forecast_config_seasons);
	CU_add_test(s, "plan: inputs and policy stored as valid JSON whatever the config path",
		    test_plan_inputs_json);
	CU_add_test(s, "forecast --input: values too large to forecast are refused",
		    test_forecast_input_huge_values);
	CU_add_test(s, "cli: output that cannot be written exits 1", test_stdout_write_failure);
	CU_add_test(s, "csv: a column named twice in a header is refused", test_csv_header_twice);
	CU_add_test(s, "plan: a spot interruption rate of 1 is no usable spot, not an error",
		    test_plan_interruption_rate_one);
	CU_add_test(s, "plan: substitution factors in 0.01..100, commitments in the catalog",
		    test_plan_config_lists_checked);
}
