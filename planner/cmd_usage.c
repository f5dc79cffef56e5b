/* capplan usage: hourly GPU usage history (import, show). */
#include "planner/load.h"
#include "planner/planner.h"
#include "util/csv.h"
#include "util/jw.h"
#include "util/tm.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);

const struct cmd_entry cmd_usage = {
	"usage", "hourly GPU usage history: import, show",
	"usage: capplan usage import FILE.csv\n"
	"       capplan usage show [--gpu MODEL] [--from DATE] [--to DATE] [--csv|--json]\n\n"
	"import  stores a usage CSV (timestamp,gpu_model,gpus; hours in ISO 8601 UTC) in one\n"
	"        transaction; importing the same file again replaces its hours\n"
	"show    prints per GPU model the hours stored, gaps and recent levels; --csv prints\n"
	"        the usage CSV contract; dates are inclusive\n",
	run,
};

static int usage_import(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct store_usage_row *v = NULL;
	size_t n = 0;
	char source[512];
	const char *base;
	int rc;

	if (argc != 2)
		return cmd_usage_error(&cmd_usage, e, "usage import takes one FILE.csv");
	if ((rc = load_usage_csv(argv[1], &v, &n, e)) < 0)
		goto out;
	if ((rc = planner_config(ctx, &cfg, e)) < 0 || (rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	base = strrchr(argv[1], '/');
	snprintf(source, sizeof(source), "csv:%s", base ? base + 1 : argv[1]);
	if ((rc = store_begin(st, e)) < 0)
		goto out;
	if ((rc = store_usage_put(st, source, v, n, tm_now(), e)) < 0 ||
	    (rc = store_commit(st, e)) < 0) {
		store_rollback(st);
		goto out;
	}
	if (ctx->json)
		printf("{\"imported\":%zu,\"source\":\"%s\"}\n", n, "csv");
	else
		cmd_info(ctx, "imported %zu hourly rows from %s\n", n, argv[1]);
out:
	free(v);
	store_close(st);
	config_free(cfg);
	return rc;
}

static int parse_day(const char *s, int end, int64_t *out, struct err *e)
{
	if (tm_parse(s, out) < 0)
		return err_set(e, ERR_INPUT, "\"%s\" is not a date (YYYY-MM-DD) or ISO 8601 time", s);
	/* dates are inclusive: --to 2026-11-30 means through 23:00 of that day */
	if (end && strlen(s) == 10)
		*out += TM_DAY - TM_HOUR;
	return 0;
}

static int usage_show(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "csv", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct config *cfg = NULL;
	struct store *st = NULL;
	char **models = NULL, gpu_canon[32], ts[TM_ISO_LEN], ts2[TM_ISO_LEN];
	const char *gpu = NULL;
	size_t nmodels = 0, m, i;
	int64_t from = INT64_MIN, to = INT64_MAX;
	int rc = 0, c, csv = 0;
	jw *w = NULL;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'g':
			load_gpu_name(optarg, gpu_canon, sizeof(gpu_canon));
			gpu = gpu_canon;
			break;
		case 'f':
			if ((rc = parse_day(optarg, 0, &from, e)) < 0)
				return rc;
			break;
		case 't':
			if ((rc = parse_day(optarg, 1, &to, e)) < 0)
				return rc;
			break;
		case 'c':
			csv = 1;
			break;
		default:
			return cmd_usage_error(&cmd_usage, e, "unknown option \"%s\"",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_usage, e, "unexpected argument \"%s\"", argv[optind]);
	if ((rc = planner_config(ctx, &cfg, e)) < 0 || (rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	if ((rc = store_usage_models(st, &models, &nmodels, e)) < 0)
		goto out;
	if (ctx->json && !csv) {
		if ((w = jw_new(0)) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		jw_arr(w);
	}
	if (csv)
		printf("timestamp,gpu_model,gpus\n");
	else if (!ctx->json)
		printf("%-12s %-20s %-20s %6s %6s %8s %8s %8s\n", "gpu_model", "first", "last",
		       "hours", "gaps", "min", "mean", "max");
	for (m = 0; m < nmodels; m++) {
		double *vals = NULL, sum = 0, lo = INFINITY, hi = -INFINITY;
		int64_t start;
		size_t n, have = 0;

		if (gpu && strcmp(models[m], gpu) != 0)
			continue;
		if ((rc = store_usage_series(st, models[m], from, to, &start, &vals, &n, e)) < 0)
			goto out;
		for (i = 0; i < n; i++) {
			if (isnan(vals[i]))
				continue;
			have++;
			sum += vals[i];
			lo = vals[i] < lo ? vals[i] : lo;
			hi = vals[i] > hi ? vals[i] : hi;
			if (csv) {
				tm_format(start + (int64_t)i * TM_HOUR, ts);
				printf("%s,", ts);
				csv_write_field(stdout, models[m]);
				printf(",%.17g\n", vals[i]);
			}
		}
		tm_format(start, ts);
		tm_format(start + (int64_t)(n ? n - 1 : 0) * TM_HOUR, ts2);
		if (w) {
			jw_obj(w);
			jw_kstr(w, "gpu_model", models[m]);
			jw_kstr(w, "first", have ? ts : NULL);
			jw_kstr(w, "last", have ? ts2 : NULL);
			jw_kint(w, "hours", (int64_t)have);
			jw_kint(w, "missing_hours", (int64_t)(n - have));
			jw_knum(w, "min", have ? lo : NAN);
			jw_knum(w, "mean", have ? sum / (double)have : NAN);
			jw_knum(w, "max", have ? hi : NAN);
			jw_obj_end(w);
		} else if (!csv && have) {
			printf("%-12s %-20s %-20s %6zu %6zu %8.2f %8.2f %8.2f\n", models[m], ts, ts2,
			       have, n - have, lo, sum / (double)have, hi);
		}
		free(vals);
	}
	if (w) {
		jw_arr_end(w);
		rc = jw_write(w, stdout, e);
	} else if (!csv && nmodels == 0) {
		cmd_info(ctx, "no usage stored: import some with capplan usage import FILE.csv\n");
	}
out:
	jw_free(w);
	store_strv_free(models, nmodels);
	store_close(st);
	config_free(cfg);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(struct cmd_ctx *, int, char **, struct err *);
} subs[] = {
	{ "import", usage_import },
	{ "show", usage_show },
};

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	size_t i;

	if (argc < 2)
		return cmd_usage_error(&cmd_usage, e, "usage needs a subcommand");
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(subs[i].name, argv[1]) == 0)
			return subs[i].run(ctx, argc - 1, argv + 1, e);
	return cmd_usage_error(&cmd_usage, e, "unknown subcommand \"%s\"", argv[1]);
}
