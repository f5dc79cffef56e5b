/* capplan prices: the offering catalog (import, list; fetch and export from providers/). */
#include "planner/load.h"
#include "planner/planner.h"
#include "util/jw.h"
#include "util/tm.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);

const struct cmd_entry cmd_prices = {
	"prices", "the offering catalog: import, list, fetch, export",
	"usage: capplan prices import FILE.csv\n"
	"       capplan prices list [--gpu MODEL] [--provider P] [--json]\n"
	"       capplan prices fetch [--provider aws|gcp|azure] [--region R ...]\n\n"
	"import  adds the offerings of a CSV file (the offerings contract, see README.md) to\n"
	"        the store in one transaction: one bad row and nothing is stored\n"
	"list    prints the current catalog, with where and when each price was seen\n",
	run,
};

static int prices_import(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct offering *v = NULL;
	size_t n = 0;
	char source[512];
	int rc;

	if (argc != 2)
		return cmd_usage_error(&cmd_prices, e, "prices import takes one FILE.csv");
	/* read and check the whole file before touching the store */
	if ((rc = load_offerings_csv(argv[1], &v, &n, e)) < 0)
		goto out;
	if ((rc = planner_config(ctx, &cfg, e)) < 0 || (rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	snprintf(source, sizeof(source), "csv:%s", argv[1]);
	if ((rc = store_begin(st, e)) < 0)
		goto out;
	if ((rc = store_offerings_put(st, v, n, source, tm_now(), e)) < 0 ||
	    (rc = store_commit(st, e)) < 0) {
		store_rollback(st);
		goto out;
	}
	if (ctx->json)
		printf("{\"imported\":%zu,\"source\":\"csv\"}\n", n);
	else
		cmd_info(ctx, "imported %zu offerings from %s\n", n, argv[1]);
out:
	free(v);
	store_close(st);
	config_free(cfg);
	return rc;
}

static void print_price(double v)
{
	if (isnan(v))
		printf(" %9s", "-");
	else
		printf(" %9.4f", v);
}

static int prices_list(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "provider", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct store_offering *v = NULL;
	const char *gpu = NULL, *provider = NULL;
	char gpu_canon[32], id[256], seen[TM_ISO_LEN];
	size_t n = 0, i;
	jw *w = NULL;
	int rc = 0, c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'g')
			gpu = optarg;
		else if (c == 'p')
			provider = optarg;
		else
			return cmd_usage_error(&cmd_prices, e, "unknown option \"%s\"",
					       argv[optind - 1]);
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_prices, e, "unexpected argument \"%s\"", argv[optind]);
	if (gpu) {
		load_gpu_name(gpu, gpu_canon, sizeof(gpu_canon));
		gpu = gpu_canon;
	}
	if ((rc = planner_config(ctx, &cfg, e)) < 0 || (rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	if ((rc = store_offerings_list(st, gpu, provider, &v, &n, e)) < 0)
		goto out;
	if (ctx->json) {
		if ((w = jw_new(0)) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		jw_arr(w);
		for (i = 0; i < n; i++) {
			const struct offering *o = &v[i].o;

			providers_offering_id(o, id, sizeof(id));
			tm_format(v[i].seen_at, seen);
			jw_obj(w);
			jw_kstr(w, "offering", id);
			jw_kstr(w, "provider", o->provider);
			jw_kstr(w, "region", o->region);
			jw_kstr(w, "instance_type", o->instance_type);
			jw_kstr(w, "gpu_model", o->gpu_model);
			jw_kint(w, "gpus_per_instance", o->gpus);
			jw_kint(w, "vcpus", o->vcpus);
			jw_knum(w, "memory_gib", o->memory_gib);
			jw_knum(w, "ondemand_hourly", o->ondemand);
			jw_knum(w, "spot_hourly", o->spot);
			jw_knum(w, "reserved_1y_hourly", o->reserved_1y);
			jw_knum(w, "reserved_3y_hourly", o->reserved_3y);
			jw_knum(w, "spot_interruption_rate", o->spot_interruption);
			jw_kstr(w, "source", v[i].source);
			jw_kstr(w, "seen_at", seen);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		rc = jw_write(w, stdout, e);
		goto out;
	}
	if (n == 0) {
		cmd_info(ctx, "no offerings%s: import some with capplan prices import FILE.csv\n",
			 gpu || provider ? " match" : "");
		goto out;
	}
	printf("%-44s %-10s %4s %9s %9s %9s %9s %6s\n", "offering", "gpu", "gpus", "ondemand",
	       "spot", "res_1y", "res_3y", "int%");
	for (i = 0; i < n; i++) {
		const struct offering *o = &v[i].o;

		providers_offering_id(o, id, sizeof(id));
		printf("%-44s %-10s %4d", id, o->gpu_model, o->gpus);
		print_price(o->ondemand);
		print_price(o->spot);
		print_price(o->reserved_1y);
		print_price(o->reserved_3y);
		if (isnan(o->spot_interruption))
			printf(" %6s\n", "-");
		else
			printf(" %6.1f\n", 100 * o->spot_interruption);
	}
out:
	jw_free(w);
	free(v);
	store_close(st);
	config_free(cfg);
	return rc;
}

static int prices_later(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	(void)ctx;
	(void)argc;
	return err_set(e, ERR_INPUT, "\"prices %s\" is not available yet in this version", argv[0]);
}

static const struct {
	const char *name;
	int (*run)(struct cmd_ctx *, int, char **, struct err *);
} subs[] = {
	{ "import", prices_import },
	{ "list", prices_list },
	{ "fetch", prices_later },
	{ "export", prices_later },
	{ "history", prices_later },
};

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	size_t i;

	if (argc < 2)
		return cmd_usage_error(&cmd_prices, e, "prices needs a subcommand");
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (strcmp(subs[i].name, argv[1]) == 0)
			return subs[i].run(ctx, argc - 1, argv + 1, e);
	return cmd_usage_error(&cmd_prices, e, "unknown subcommand \"%s\"", argv[1]);
}
