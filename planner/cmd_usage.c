/* capplan usage: hourly GPU usage history (import, show). */
#include "planner/focus.h"
#include "planner/load.h"
#include "planner/store_usage.h"
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
	"usage", "hourly GPU usage history: import (CSV, FOCUS, Prometheus), show",
	"usage: capplan usage import FILE.csv\n"
	"       capplan usage import --focus FILE.csv[.gz] [--strict]\n"
	"       capplan usage import --prometheus URL [--query dcgm|kube|PROMQL]\n"
	"                            [--from DATE --to DATE] [--gpu-label LABEL]\n"
	"       capplan usage show [--gpu MODEL] [--from DATE] [--to DATE] [--gaps] [--csv|--json]\n\n"
	"import  stores hourly GPUs in use per GPU model, per source (\"csv:FILE\", \"focus:aws\",\n"
	"        \"prometheus:URL\"), in one transaction; importing the same window from the same\n"
	"        source again replaces it. Where sources overlap for a model and hour, config\n"
	"        usage.prefer (a list of sources or kinds) decides, else the latest import:\n"
	"        never their sum.\n"
	"        FILE.csv: timestamp,gpu_model,gpus (hours in ISO 8601 UTC)\n"
	"        --focus: a FOCUS cost and usage export (AWS, Azure, Google); GPU usage rows are\n"
	"        matched to GPU instance types through the offering catalog and the built-in\n"
	"        table; commitments owned are derived (capplan commitments list). Malformed rows\n"
	"        are skipped and counted per reason (exit 0); --strict makes them fatal (exit 2)\n"
	"        --prometheus: GET /api/v1/query_range, step 1h, by default the last 30 days;\n"
	"        --query dcgm (the default; config usage.prometheus.query): GPUs busy per model\n"
	"        from the DCGM exporter, 0 where the exporter reports none busy; kube: GPUs\n"
	"        requested by running pods, by the node's nvidia.com/gpu.product label\n"
	"        (kube-state-metrics); or any PromQL with --gpu-label naming the model label.\n"
	"        An hour without a sample is a gap, not 0. Auth: CAPPLAN_PROMETHEUS_TOKEN\n"
	"        (bearer), or usage.prometheus.username + CAPPLAN_PROMETHEUS_PASSWORD (basic)\n"
	"show    prints per GPU model the hours stored, gaps and recent levels, then the sources;\n"
	"        --csv prints the usage CSV contract; --gaps lists the missing hours; dates are\n"
	"        inclusive\n",
	run,
};

/*
 * The adapters' built-in table of GPU instance types (providers/), after the catalog.
 * Returns 1 when found.
 */
static int usage_builtin_instance(const char *provider, const char *type, char *gpu, size_t n,
				  int *gpus)
{
	const struct providers_instance *pi = providers_instance_lookup(provider, type);

	if (pi == NULL || pi->gpus <= 0)
		return 0;
	snprintf(gpu, n, "%s", pi->gpu_model);
	*gpus = pi->gpus;
	return 1;
}

static int usage_import_prometheus(struct cmd_ctx *ctx, const char *url, const char *query,
				   const char *label, int64_t from, int64_t to, struct err *e);

/* The hours [*from, *to] that rows cover. */
static void rows_window(const struct store_usage_row *v, size_t n, int64_t *from, int64_t *to)
{
	size_t i;

	*from = INT64_MAX;
	*to = INT64_MIN;
	for (i = 0; i < n; i++) {
		if (v[i].ts < *from)
			*from = v[i].ts;
		if (v[i].ts > *to)
			*to = v[i].ts;
	}
}

static int import_csv(struct cmd_ctx *ctx, const char *path, struct err *e)
{
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct store_usage_row *v = NULL;
	size_t n = 0;
	char source[512];
	const char *base;
	int64_t from, to;
	int rc;

	if ((rc = load_usage_csv(path, &v, &n, e)) < 0)
		goto out;
	if ((rc = planner_config(ctx, &cfg, e)) < 0 || (rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	base = strrchr(path, '/');
	snprintf(source, sizeof(source), "csv:%s", base ? base + 1 : path);
	rows_window(v, n, &from, &to);
	if ((rc = store_begin(st, e)) < 0)
		goto out;
	if ((n && (rc = store_usage_import(st, source, "csv", from, to, v, n, tm_now(), NULL,
					   e)) < 0) ||
	    (rc = store_commit(st, e)) < 0) {
		store_rollback(st);
		goto out;
	}
	if (ctx->json)
		printf("{\"imported\":%zu,\"source\":\"%s\"}\n", n, "csv");
	else
		cmd_info(ctx, "imported %zu hourly rows from %s\n", n, path);
out:
	free(v);
	store_close(st);
	config_free(cfg);
	return rc;
}

static const char spread_note[] = "daily rows spread evenly over their hours";

static void print_focus_summary(const struct cmd_ctx *ctx, const char *path,
				const struct focus_result *r)
{
	size_t i;
	int k;

	cmd_info(ctx, "%s: %llu rows: %llu GPU usage rows, %.6g GPU-hours; %llu not usage;"
		 " %llu commitment fee or unused rows\n", path, r->rows, r->gpu_rows, r->gpu_hours,
		 r->not_usage, r->commitment_fees);
	if (r->gpu_hours > 0) {
		cmd_info(ctx, "  GPU-hours by PricingCategory:");
		for (k = 0; k < FOCUS_NPRICING; k++)
			cmd_info(ctx, " %s %.6g", focus_pricing_name(k), r->gpu_hours_by_pricing[k]);
		cmd_info(ctx, "\n");
	}
	for (i = 0; i < r->nsources; i++) {
		char a[TM_ISO_LEN], b[TM_ISO_LEN];

		tm_format(r->sources[i].from, a);
		tm_format(r->sources[i].to, b);
		cmd_info(ctx, "  %s: %s .. %s, %zu hourly rows%s%s\n", r->sources[i].name, a, b,
			 r->sources[i].nrows, r->sources[i].spread_daily ? "; " : "",
			 r->sources[i].spread_daily ? spread_note : "");
	}
	for (k = 0; k < FOCUS_NREASONS; k++)
		if (r->malformed[k])
			cmd_info(ctx, "  skipped %llu malformed rows: %s (first at line %zu)\n",
				 r->malformed[k], focus_reason_text(k), r->first_malformed_line[k]);
	if (r->unmatched_rows) {
		cmd_info(ctx, "  %llu rows look like GPU usage but match no known instance type or"
			 " GPU SKU (add them to the catalog: capplan prices import):\n",
			 r->unmatched_rows);
		for (i = 0; i < r->nunmatched && i < 20; i++)
			cmd_info(ctx, "    SkuId %s (%s %s): %llu rows, %.6g hours\n",
				 r->unmatched[i].sku_id[0] ? r->unmatched[i].sku_id : "(none)",
				 r->unmatched[i].provider, r->unmatched[i].what,
				 r->unmatched[i].rows, r->unmatched[i].quantity);
		if (r->nunmatched > 20)
			cmd_info(ctx, "    ... and %zu more SkuIds\n", r->nunmatched - 20);
	}
	cmd_info(ctx, "  %zu GPU commitments owned (capplan commitments list)", r->ncommitments);
	if (r->other_commitments)
		cmd_info(ctx, "; %zu commitments without GPU instances left out", r->other_commitments);
	cmd_info(ctx, "\n");
}

static void json_focus_summary(const struct focus_result *r, jw *w)
{
	size_t i;
	int k;

	jw_obj(w);
	jw_kstr(w, "kind", "focus");
	jw_kint(w, "rows", (int64_t)r->rows);
	jw_kint(w, "gpu_rows", (int64_t)r->gpu_rows);
	jw_knum(w, "gpu_hours", r->gpu_hours);
	jw_key(w, "gpu_hours_by_pricing");
	jw_obj(w);
	for (k = 0; k < FOCUS_NPRICING; k++)
		jw_knum(w, focus_pricing_name(k), r->gpu_hours_by_pricing[k]);
	jw_obj_end(w);
	jw_kint(w, "not_usage_rows", (int64_t)r->not_usage);
	jw_kint(w, "commitment_fee_rows", (int64_t)r->commitment_fees);
	jw_key(w, "sources");
	jw_arr(w);
	for (i = 0; i < r->nsources; i++) {
		char a[TM_ISO_LEN], b[TM_ISO_LEN];

		tm_format(r->sources[i].from, a);
		tm_format(r->sources[i].to, b);
		jw_obj(w);
		jw_kstr(w, "source", r->sources[i].name);
		jw_kstr(w, "from", a);
		jw_kstr(w, "to", b);
		jw_kint(w, "hourly_rows", (int64_t)r->sources[i].nrows);
		jw_kbool(w, "daily_rows_spread", r->sources[i].spread_daily);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "malformed");
	jw_obj(w);
	for (k = 0; k < FOCUS_NREASONS; k++)
		if (r->malformed[k])
			jw_kint(w, focus_reason_text(k), (int64_t)r->malformed[k]);
	jw_obj_end(w);
	jw_kint(w, "unmatched_rows", (int64_t)r->unmatched_rows);
	jw_key(w, "unmatched");
	jw_arr(w);
	for (i = 0; i < r->nunmatched; i++) {
		jw_obj(w);
		jw_kstr(w, "sku_id", r->unmatched[i].sku_id);
		jw_kstr(w, "provider", r->unmatched[i].provider);
		jw_kstr(w, "what", r->unmatched[i].what);
		jw_kint(w, "rows", (int64_t)r->unmatched[i].rows);
		jw_knum(w, "hours", r->unmatched[i].quantity);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kint(w, "commitments", (int64_t)r->ncommitments);
	jw_obj_end(w);
}

static int import_focus(struct cmd_ctx *ctx, const char *path, int strict, struct err *e)
{
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct store_offering *cat = NULL;
	struct offering *offers = NULL;
	struct focus_result *r = NULL;
	struct focus_opts o;
	size_t ncat = 0, i;
	int64_t now = tm_now();
	jw *w = NULL;
	int rc;

	if ((rc = planner_config(ctx, &cfg, e)) < 0 || (rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	if ((rc = store_offerings_list(st, NULL, NULL, &cat, &ncat, e)) < 0)
		goto out;
	if (ncat && (offers = err_calloc(ncat, sizeof(*offers), e)) == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < ncat; i++)
		offers[i] = cat[i].o;
	memset(&o, 0, sizeof(o));
	o.catalog = offers;
	o.ncatalog = ncat;
	o.builtin = usage_builtin_instance;
	o.strict = strict;
	o.imported_at = now;
	/* the whole export is read before the store is touched: --strict leaves it unchanged */
	if ((rc = focus_read(&r, path, &o, e)) < 0)
		goto out;
	if ((rc = store_begin(st, e)) < 0)
		goto out;
	for (i = 0; i < r->nsources; i++) {
		if ((rc = store_usage_import(st, r->sources[i].name, "focus", r->sources[i].from,
					     r->sources[i].to, r->sources[i].rows,
					     r->sources[i].nrows, now,
					     r->sources[i].spread_daily ? spread_note : NULL,
					     e)) < 0)
			break;
	}
	if (rc == 0)
		rc = store_commitments_put(st, r->commitments, r->ncommitments, e);
	if (rc < 0 || (rc = store_commit(st, e)) < 0) {
		store_rollback(st);
		goto out;
	}
	print_focus_summary(ctx, path, r);
	if (ctx->json) {
		if ((w = jw_new(0)) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		json_focus_summary(r, w);
		rc = jw_write(w, stdout, e);
	}
out:
	jw_free(w);
	focus_result_free(r);
	free(offers);
	free(cat);
	store_close(st);
	config_free(cfg);
	return rc;
}

static int parse_day(const char *s, int end, int64_t *out, struct err *e);

static int usage_import(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "focus", required_argument, NULL, 'F' },
		{ "prometheus", required_argument, NULL, 'P' },
		{ "query", required_argument, NULL, 'Q' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "gpu-label", required_argument, NULL, 'L' },
		{ "strict", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *focus = NULL, *prom = NULL, *query = NULL, *label = NULL;
	int64_t from = INT64_MIN, to = INT64_MAX;
	int c, rc, strict = 0, focus_operand = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'F':
			/*
			 * "--focus --strict FILE": --focus took the next option as its file.
			 * Give that option back and take FILE from the operands below.
			 */
			if (optarg[0] == '-' && optarg[1] == '-' && optarg[2] != '\0' &&
			    optarg == argv[optind - 1]) {
				optind--;
				focus_operand = 1;
			} else {
				focus = optarg;
			}
			break;
		case 'P':
			prom = optarg;
			break;
		case 'Q':
			query = optarg;
			break;
		case 'L':
			label = optarg;
			break;
		case 'f':
			if ((rc = parse_day(optarg, 0, &from, e)) < 0)
				return rc;
			break;
		case 't':
			if ((rc = parse_day(optarg, 1, &to, e)) < 0)
				return rc;
			break;
		case 's':
			strict = 1;
			break;
		default:
			return cmd_usage_error(&cmd_usage, e, "unknown option \"%s\"",
					       argv[optind - 1]);
		}
	}
	if (focus_operand && !focus && optind < argc)
		focus = argv[optind++];
	if ((focus != NULL) + (prom != NULL) + (optind < argc) != 1 || argc - optind > 1)
		return cmd_usage_error(&cmd_usage, e, "usage import takes one FILE.csv, --focus FILE"
				       " or --prometheus URL");
	if (!prom && (query || label || from != INT64_MIN || to != INT64_MAX))
		return cmd_usage_error(&cmd_usage, e, "--query, --gpu-label, --from and --to go with"
				       " --prometheus");
	if (focus)
		return import_focus(ctx, focus, strict, e);
	if (prom)
		return usage_import_prometheus(ctx, prom, query, label, from, to, e);
	return import_csv(ctx, argv[optind], e);
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

/* The sources after the table, with what `usage show` must say about them. */
static int print_sources(struct store *st, struct err *e)
{
	struct store_usage_source *v = NULL;
	char a[TM_ISO_LEN], b[TM_ISO_LEN], at[TM_ISO_LEN];
	size_t n = 0, i;
	int rc;

	if ((rc = store_usage_sources(st, &v, &n, e)) < 0)
		return rc;
	printf("\n%-40s %-20s %-20s %-20s %s\n", "source", "from", "to", "imported", "note");
	for (i = 0; i < n; i++) {
		tm_format(v[i].from, a);
		tm_format(v[i].to, b);
		tm_format(v[i].imported_at, at);
		printf("%-40s %-20s %-20s %-20s %s\n", v[i].source, a, b, at, v[i].note);
	}
	free(v);
	return 0;
}

/* Lists the runs of missing hours per model within [from, to] (or what is stored). */
static int usage_gaps(struct cmd_ctx *ctx, const char *gpu, int64_t from, int64_t to, int csv,
		      struct err *e)
{
	struct config *cfg = NULL;
	struct store *st = NULL;
	char **models = NULL, a[TM_ISO_LEN], b[TM_ISO_LEN];
	size_t nmodels = 0, m, i, j, total = 0;
	jw *w = NULL;
	int rc;

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
	} else if (csv) {
		printf("gpu_model,from,to,hours\n");
	} else {
		printf("%-12s %-20s %-20s %6s\n", "gpu_model", "from", "to", "hours");
	}
	for (m = 0; m < nmodels; m++) {
		double *vals = NULL;
		int64_t start;
		size_t n;

		if (gpu && strcmp(models[m], gpu) != 0)
			continue;
		if ((rc = store_usage_series(st, models[m], from, to, &start, &vals, &n, e)) < 0)
			goto out;
		for (i = 0; i < n; i = j) {
			if (!isnan(vals[i])) {
				j = i + 1;
				continue;
			}
			for (j = i; j < n && isnan(vals[j]); j++)
				;
			total += j - i;
			tm_format(start + (int64_t)i * TM_HOUR, a);
			tm_format(start + (int64_t)(j - 1) * TM_HOUR, b);
			if (w) {
				jw_obj(w);
				jw_kstr(w, "gpu_model", models[m]);
				jw_kstr(w, "from", a);
				jw_kstr(w, "to", b);
				jw_kint(w, "hours", (int64_t)(j - i));
				jw_obj_end(w);
			} else if (csv) {
				csv_write_field(stdout, models[m]);
				printf(",%s,%s,%zu\n", a, b, j - i);
			} else {
				printf("%-12s %-20s %-20s %6zu\n", models[m], a, b, j - i);
			}
		}
		free(vals);
	}
	if (w) {
		jw_arr_end(w);
		rc = jw_write(w, stdout, e);
	} else if (!csv) {
		cmd_info(ctx, "%zu missing hours\n", total);
	}
out:
	jw_free(w);
	store_strv_free(models, nmodels);
	store_close(st);
	config_free(cfg);
	return rc;
}

static int usage_show(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "csv", no_argument, NULL, 'c' },
		{ "gaps", no_argument, NULL, 'G' },
		{ NULL, 0, NULL, 0 },
	};
	struct config *cfg = NULL;
	struct store *st = NULL;
	char **models = NULL, gpu_canon[32], ts[TM_ISO_LEN], ts2[TM_ISO_LEN];
	const char *gpu = NULL;
	size_t nmodels = 0, m, i;
	int64_t from = INT64_MIN, to = INT64_MAX;
	int rc = 0, c, csv = 0, gaps = 0;
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
		case 'G':
			gaps = 1;
			break;
		default:
			return cmd_usage_error(&cmd_usage, e, "unknown option \"%s\"",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_usage, e, "unexpected argument \"%s\"", argv[optind]);
	if (csv && ctx->json)
		return cmd_usage_error(&cmd_usage, e, "--csv and --json: choose one");
	if (gaps)
		return usage_gaps(ctx, gpu, from, to, csv, e);
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
	} else if (!csv) {
		rc = print_sources(st, e);
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

static int usage_import_prometheus(struct cmd_ctx *ctx, const char *url, const char *query,
				   const char *label, int64_t from, int64_t to, struct err *e)
{
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct prometheus_query q;
	struct prometheus_result *r = NULL;
	struct store_usage_row *rows = NULL;
	char source[600], a[TM_ISO_LEN], b[TM_ISO_LEN];
	const char *env;
	long max_points = 0, attempts = 0, backoff = 0;
	size_t i, models = 0;
	int64_t now = tm_now();
	int rc;

	if ((rc = planner_config(ctx, &cfg, e)) < 0)
		goto out;
	memset(&q, 0, sizeof(q));
	q.url = url;
	if (query == NULL)
		query = config_str(cfg, "usage.prometheus.query", "dcgm");
	if (strcmp(query, "dcgm") == 0) {
		q.query = providers_prometheus_dcgm_query;
		q.gpu_label = providers_prometheus_dcgm_label;
	} else if (strcmp(query, "kube") == 0) {
		q.query = providers_prometheus_kube_query;
		q.gpu_label = providers_prometheus_kube_label;
	} else {
		q.query = query;
		q.gpu_label = config_str(cfg, "usage.prometheus.gpu_label",
					 providers_prometheus_dcgm_label);
	}
	if (label)
		q.gpu_label = label;
	/* dates inclusive; by default the last 30 days up to the last complete hour */
	if (to == INT64_MAX)
		to = tm_floor_hour(now) - TM_HOUR;
	if (from == INT64_MIN)
		from = to - 30 * (int64_t)TM_DAY + TM_HOUR;
	q.start = tm_floor_hour(from);
	q.end = tm_floor_hour(to);
	if (q.end < q.start) {
		rc = err_set(e, ERR_INPUT, "--from is after --to");
		goto out;
	}
	/* secrets from the environment win over the file; they never reach a message or the store */
	env = getenv("CAPPLAN_PROMETHEUS_TOKEN");
	q.bearer_token = env && *env ? env : config_str(cfg, "usage.prometheus.token", NULL);
	q.username = config_str(cfg, "usage.prometheus.username", NULL);
	env = getenv("CAPPLAN_PROMETHEUS_PASSWORD");
	q.password = env && *env ? env : config_str(cfg, "usage.prometheus.password", NULL);
	if ((rc = config_long(cfg, "usage.prometheus.max_points", 0, &max_points, e)) < 0 ||
	    (rc = config_long(cfg, "usage.prometheus.max_attempts", 0, &attempts, e)) < 0 ||
	    (rc = config_long(cfg, "usage.prometheus.backoff_ms", 0, &backoff, e)) < 0)
		goto out;
	if (max_points < 0 || max_points > 11000) {
		rc = err_set(e, ERR_INPUT, "\"usage.prometheus.max_points\" is %ld, not in 1..11000",
			     max_points);
		goto out;
	}
	q.max_points = (size_t)max_points;
	q.max_attempts = (int)attempts;
	q.backoff_base_ms = backoff;
	providers_prometheus_source(url, source, sizeof(source));
	if ((rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	cmd_debug(ctx, "prometheus: %s: %s (label %s)\n", source, q.query, q.gpu_label);
	if ((rc = providers_prometheus_fetch(&r, &q, e)) < 0)
		goto out;
	if (r->n && (rows = err_calloc(r->n, sizeof(*rows), e)) == NULL) {
		rc = ERR_NOMEM;
		goto out;
	}
	for (i = 0; i < r->n; i++) {
		rows[i].ts = r->v[i].ts;
		snprintf(rows[i].gpu_model, sizeof(rows[i].gpu_model), "%s", r->v[i].gpu_model);
		rows[i].gpus = r->v[i].gpus;
		models += i == 0 || strcmp(r->v[i].gpu_model, r->v[i - 1].gpu_model) != 0;
	}
	if ((rc = store_begin(st, e)) < 0)
		goto out;
	if ((rc = store_usage_import(st, source, "prometheus", q.start, q.end, rows, r->n, now,
				     NULL, e)) < 0 ||
	    (rc = store_commit(st, e)) < 0) {
		store_rollback(st);
		goto out;
	}
	tm_format(q.start, a);
	tm_format(q.end, b);
	cmd_info(ctx, "imported %zu hourly rows of %zu GPU models from %s, %s .. %s (%zu requests,"
		 " %zu series", r->n, models, source, a, b, r->requests, r->series);
	if (r->unlabeled)
		cmd_info(ctx, "; %zu series without the \"%s\" label left out", r->unlabeled,
			 q.gpu_label);
	cmd_info(ctx, "); hours without a sample are gaps (usage show --gaps)\n");
	if (ctx->json)
		printf("{\"imported\":%zu,\"models\":%zu,\"requests\":%zu,\"series\":%zu}\n", r->n,
		       models, r->requests, r->series);
out:
	free(rows);
	providers_prometheus_result_free(r);
	store_close(st);
	config_free(cfg);
	return rc;
}
