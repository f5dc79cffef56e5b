/* capplan prices: the offering catalog (import, list; fetch and export from providers/). */
#include "planner/load.h"
#include "planner/planner.h"
#include "planner/store_prices.h"
#include "util/buf.h"
#include "util/jw.h"
#include "util/ofile.h"
#include "util/tm.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);

const struct cmd_entry cmd_prices = {
	"prices", "the offering catalog: import, list, fetch, export",
	"usage: capplan prices import FILE.csv\n"
	"       capplan prices list [--gpu MODEL] [--provider P] [--json]\n"
	"       capplan prices fetch [--provider aws|gcp|azure] [--region R ...]\n"
	"       capplan prices export FILE.csv [--gpu MODEL] [--provider P]\n"
	"       capplan prices history [--provider P] [--region R] [--type T] [--zone Z]\n"
	"                              [--since TIME] [--json]\n\n"
	"import  adds the offerings of a CSV file (the offerings contract, see README.md) to\n"
	"        the store in one transaction: one bad row and nothing is stored\n"
	"list    prints the current catalog, with where and when each price was seen\n"
	"fetch   pulls GPU offerings, prices and spot history from the providers' price APIs\n"
	"        (AWS Price List + EC2 spot history, Azure Retail Prices, GCP Cloud Billing\n"
	"        Catalog). Regions: repeated --region, else providers.<p>.regions in the config.\n"
	"        Endpoints: providers.aws.endpoints.pricing / .ec2 (AWS_ENDPOINT_URL* win),\n"
	"        providers.azure.endpoints.prices, providers.gcp.endpoints.billing. GCP needs\n"
	"        providers.gcp.api_key or CAPPLAN_GCP_API_KEY. Each provider is all or nothing:\n"
	"        on failure its last good catalog stays and the command exits 1.\n"
	"export  writes the current catalog as an offerings CSV (\"-\" for stdout)\n"
	"history prints the stored spot price history (one row per zone and time)\n",
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

/* --- fetch ------------------------------------------------------------------------------- */

#define MAX_REGIONS 64

struct progress {
	const struct cmd_ctx *ctx;
	int tty;
	int shown;
};

static void on_progress(void *arg, const char *line)
{
	struct progress *p = arg;

	if (p->ctx->quiet)
		return;
	if (p->ctx->verbose) {
		fprintf(stderr, "capplan: %s\n", line);
	} else if (p->tty) {
		/* one line, rewritten in place */
		fprintf(stderr, "\r\033[K%.*s", 150, line);
		p->shown = 1;
	}
}

static void progress_done(struct progress *p)
{
	if (p->shown)
		fprintf(stderr, "\r\033[K");
	p->shown = 0;
}

static int config_ms(const struct config *cfg, const char *key, double scale, long *out,
		     struct err *e)
{
	double v;
	int rc;

	if ((rc = config_double(cfg, key, 0, &v, e)) < 0)
		return rc;
	if (v < 0 || v * scale > 86400000.0)
		return err_set(e, ERR_INPUT, "%s: \"%s\" is %g, out of range", config_path(cfg), key,
			       v);
	*out = (long)(v * scale + 0.5);
	return 0;
}

/* The regions of provider p: --region, else providers.<p>.regions, else the defaults. */
static int regions_of(const struct config *cfg, const char *p, const char **flags, size_t nflags,
		      const char **out, size_t *n, struct err *e)
{
	char key[64];
	const struct config_node *node;
	const char *const *def;
	size_t i;

	*n = 0;
	if (nflags) {
		for (i = 0; i < nflags; i++)
			out[(*n)++] = flags[i];
		return 0;
	}
	snprintf(key, sizeof(key), "providers.%s.regions", p);
	if ((node = config_get(cfg, key)) != NULL) {
		if (!config_node_is_seq(node))
			return err_set(e, ERR_INPUT, "%s:%zu: \"%s\" is not a list of regions",
				       config_path(cfg), config_node_line(node), key);
		for (i = 0; i < config_node_count(node) && *n < MAX_REGIONS; i++) {
			const char *r = config_node_str(config_node_at(node, i));

			if (r == NULL || *r == '\0' || strpbrk(r, " /\t") != NULL)
				return err_set(e, ERR_INPUT, "%s:%zu: \"%s\" item %zu is not a region "
					       "name", config_path(cfg),
					       config_node_line(config_node_at(node, i)), key, i);
			out[(*n)++] = r;
		}
		if (*n)
			return 0;
	}
	for (def = providers_default_regions(p); def && *def; def++)
		out[(*n)++] = *def;
	return 0;
}

static int fetch_one(struct cmd_ctx *ctx, const struct config *cfg, struct store *st,
		     const char *p, const char **rflags, size_t nrflags, jw *w, struct err *e)
{
	struct providers_fetch_opts o;
	struct providers_catalog *cat = NULL;
	struct progress pr = { ctx, isatty(2), 0 };
	const char *regions[MAX_REGIONS];
	char key[96], source[32], rlist[1024] = "";
	size_t nregions = 0, i, added = 0;
	int64_t started = tm_now();
	long attempts;
	int rc;

	memset(&o, 0, sizeof(o));
	if ((rc = regions_of(cfg, p, rflags, nrflags, regions, &nregions, e)) < 0)
		return rc;
	for (i = 0; i < nregions; i++)
		snprintf(rlist + strlen(rlist), sizeof(rlist) - strlen(rlist), "%s%s",
			 i ? "," : "", regions[i]);
	o.provider = p;
	o.regions = regions;
	o.nregions = nregions;
	if (strcmp(p, "aws") == 0) {
		o.endpoint = config_str(cfg, "providers.aws.endpoints.pricing", NULL);
		o.endpoint_ec2 = config_str(cfg, "providers.aws.endpoints.ec2", NULL);
	} else if (strcmp(p, "azure") == 0) {
		o.endpoint = config_str(cfg, "providers.azure.endpoints.prices", NULL);
	} else {
		o.endpoint = config_str(cfg, "providers.gcp.endpoints.billing", NULL);
		o.api_key = getenv("CAPPLAN_GCP_API_KEY");
		if (o.api_key == NULL || *o.api_key == '\0')
			o.api_key = config_str(cfg, "providers.gcp.api_key", NULL);
	}
	if ((rc = config_ms(cfg, "providers.http.timeout_seconds", 1000, &o.timeout_ms, e)) < 0 ||
	    (rc = config_ms(cfg, "providers.http.connect_timeout_seconds", 1000,
			    &o.connect_timeout_ms, e)) < 0 ||
	    (rc = config_ms(cfg, "providers.http.backoff_base_ms", 1, &o.backoff_base_ms, e)) < 0 ||
	    (rc = config_ms(cfg, "providers.http.backoff_cap_ms", 1, &o.backoff_cap_ms, e)) < 0 ||
	    (rc = config_long(cfg, "providers.http.max_attempts", 0, &attempts, e)) < 0)
		return rc;
	if (attempts < 0 || attempts > 20)
		return err_set(e, ERR_INPUT, "%s: \"providers.http.max_attempts\" is %ld, not in "
			       "1..20", config_path(cfg), attempts);
	o.max_attempts = (int)attempts;
	o.now = started;
	o.progress = on_progress;
	o.progress_arg = &pr;
	snprintf(key, sizeof(key), "%s: fetching %s", p, rlist);
	on_progress(&pr, key);
	rc = providers_fetch(&cat, &o, e);
	progress_done(&pr);
	if (rc < 0) {
		struct err le = ERR_INIT;

		/* the failure is logged on its own; the catalog is left as it was */
		if (store_begin(st, &le) == 0) {
			if (store_fetch_log(st, p, rlist, started, tm_now(), "failed", 0, 0, 0, 0,
					    e->msg, &le) < 0 || store_commit(st, &le) < 0)
				store_rollback(st);
		}
		return rc;
	}
	if (cat->n == 0) {
		struct err le = ERR_INIT;

		/* an answer with nothing usable (every record bad) must not empty a good catalog */
		rc = err_set(e, ERR_RUNTIME, "%s: no usable offerings in %s: %zu bad records "
			     "skipped%s%s; the last good catalog is kept", p, rlist, cat->skipped,
			     cat->skipped ? ", first: " : "", cat->first_skip);
		if (store_begin(st, &le) == 0) {
			if (store_fetch_log(st, p, rlist, started, tm_now(), "failed", 0, cat->nspot,
					    cat->pages, cat->skipped, e->msg, &le) < 0 ||
			    store_commit(st, &le) < 0)
				store_rollback(st);
		}
		goto out;
	}
	snprintf(source, sizeof(source), "fetch:%s", p);
	if ((rc = store_begin(st, e)) < 0)
		goto out;
	if ((rc = store_prices_replace(st, p, regions, nregions, source, cat->offerings, cat->n,
				       started, e)) < 0 ||
	    (rc = store_spot_put(st, p, cat->spot, cat->nspot, started, &added, e)) < 0 ||
	    (rc = store_fetch_log(st, p, rlist, started, tm_now(), "ok", cat->n, cat->nspot,
				  cat->pages, cat->skipped, cat->first_skip, e)) < 0 ||
	    (rc = store_commit(st, e)) < 0) {
		store_rollback(st);
		goto out;
	}
	if (w) {
		jw_obj(w);
		jw_kstr(w, "provider", p);
		jw_kstr(w, "regions", rlist);
		jw_kint(w, "offerings", (int64_t)cat->n);
		jw_kint(w, "spot_points", (int64_t)cat->nspot);
		jw_kint(w, "spot_points_new", (int64_t)added);
		jw_kint(w, "pages", (int64_t)cat->pages);
		jw_kint(w, "skipped", (int64_t)cat->skipped);
		jw_kint(w, "ignored", (int64_t)cat->ignored);
		jw_obj_end(w);
	}
	/* bad records are always said (unless -q): a partial catalog should not pass unnoticed */
	if (!ctx->quiet && (pr.tty || ctx->verbose || cat->skipped))
		fprintf(stderr, "capplan: %s: %zu offerings in %s, %zu spot prices (%zu new), "
			"%zu pages, %zu bad records skipped%s%s\n", p, cat->n, rlist, cat->nspot,
			added, cat->pages, cat->skipped, cat->skipped ? ", first: " : "",
			cat->first_skip);
out:
	providers_catalog_free(cat);
	return rc;
}

static int prices_fetch(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "provider", required_argument, NULL, 'p' },
		{ "region", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const all[] = { "aws", "azure", "gcp" };
	const char *plist[3], *rflags[MAX_REGIONS];
	size_t np = 0, nr = 0, i, failed = 0;
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct err first = ERR_INIT;
	jw *w = NULL;
	int rc = 0, c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'p') {
			for (i = 0; i < 3 && strcmp(all[i], optarg) != 0; i++)
				;
			if (i == 3)
				return cmd_usage_error(&cmd_prices, e, "\"%s\" is not a provider "
						       "(aws, gcp, azure)", optarg);
			if (np < 3)
				plist[np++] = all[i];
		} else if (c == 'r') {
			if (nr == MAX_REGIONS)
				return cmd_usage_error(&cmd_prices, e, "more than %d regions",
						       MAX_REGIONS);
			if (*optarg == '\0' || strpbrk(optarg, " /\t") != NULL)
				return cmd_usage_error(&cmd_prices, e, "\"%s\" is not a region name",
						       optarg);
			rflags[nr++] = optarg;
		} else {
			return cmd_usage_error(&cmd_prices, e, "unknown option \"%s\"",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_prices, e, "unexpected argument \"%s\"", argv[optind]);
	if ((rc = planner_config(ctx, &cfg, e)) < 0)
		goto out;
	if (np == 0) {
		/* the providers the config talks about, else all three */
		for (i = 0; i < 3; i++) {
			char key[32];

			snprintf(key, sizeof(key), "providers.%s", all[i]);
			if (config_get(cfg, key))
				plist[np++] = all[i];
		}
		if (np == 0)
			for (i = 0; i < 3; i++)
				plist[np++] = all[i];
	}
	if ((rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	if (ctx->json) {
		if ((w = jw_new(0)) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		jw_arr(w);
	}
	for (i = 0; i < np; i++) {
		struct err pe = ERR_INIT;
		int prc = fetch_one(ctx, cfg, st, plist[i], rflags, nr, w, &pe);

		if (prc < 0) {
			if (failed++ == 0) {
				first = pe;
				rc = prc;
			}
			/* every failure is said; the last one travels back as the command's error */
			if (np > 1)
				fprintf(stderr, "capplan prices: %s\n", pe.msg);
		}
	}
	if (w) {
		jw_arr_end(w);
		if (jw_write(w, stdout, e) < 0 && rc == 0)
			rc = ERR_RUNTIME;
	}
	if (failed) {
		if (np > 1)
			rc = err_set(e, first.code, "fetch failed for %zu of %zu providers (see above)",
				     failed, np);
		else
			*e = first;
	}
out:
	jw_free(w);
	store_close(st);
	config_free(cfg);
	return rc;
}

/* --- export ------------------------------------------------------------------------------ */

static int prices_export(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "provider", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct store_offering *v = NULL;
	struct offering *o = NULL;
	const char *gpu = NULL, *provider = NULL, *path;
	struct ofile of = OFILE_INIT;
	char gpu_canon[32];
	size_t n = 0, i;
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
	if (optind + 1 != argc)
		return cmd_usage_error(&cmd_prices, e, "prices export takes one FILE.csv");
	path = argv[optind];
	if (gpu) {
		load_gpu_name(gpu, gpu_canon, sizeof(gpu_canon));
		gpu = gpu_canon;
	}
	if ((rc = planner_config(ctx, &cfg, e)) < 0 || (rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	if ((rc = store_offerings_list(st, gpu, provider, &v, &n, e)) < 0)
		goto out;
	if (n && (o = calloc(n, sizeof(*o))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (i = 0; i < n; i++)
		o[i] = v[i].o;
	if (strcmp(path, "-") == 0) {
		rc = load_offerings_write(stdout, o, n, e);
		goto out;
	}
	/* written beside the target and renamed: a reader never sees half a file */
	if ((rc = ofile_open(&of, path, e)) < 0 ||
	    (rc = load_offerings_write(of.f, o, n, e)) < 0 || (rc = ofile_commit(&of, e)) < 0)
		goto out;
	cmd_info(ctx, "exported %zu offerings to %s\n", n, path);
out:
	ofile_abort(&of);
	free(o);
	free(v);
	store_close(st);
	config_free(cfg);
	return rc;
}

/* --- history ----------------------------------------------------------------------------- */

static int prices_history(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "provider", required_argument, NULL, 'p' },
		{ "region", required_argument, NULL, 'r' },
		{ "type", required_argument, NULL, 't' },
		{ "zone", required_argument, NULL, 'z' },
		{ "since", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct store_spot_row *v = NULL;
	const char *provider = NULL, *region = NULL, *type = NULL, *zone = NULL;
	int64_t since = INT64_MIN;
	char ts[TM_ISO_LEN], seen[TM_ISO_LEN];
	size_t n = 0, i;
	jw *w = NULL;
	int rc = 0, c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			provider = optarg;
			break;
		case 'r':
			region = optarg;
			break;
		case 't':
			type = optarg;
			break;
		case 'z':
			zone = optarg;
			break;
		case 's':
			if (tm_parse(optarg, &since) < 0)
				return cmd_usage_error(&cmd_prices, e, "--since \"%s\" is not an ISO "
						       "time", optarg);
			break;
		default:
			return cmd_usage_error(&cmd_prices, e, "unknown option \"%s\"",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_prices, e, "unexpected argument \"%s\"", argv[optind]);
	if ((rc = planner_config(ctx, &cfg, e)) < 0 || (rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	if ((rc = store_spot_list(st, provider, region, type, zone, since, &v, &n, e)) < 0)
		goto out;
	if (ctx->json) {
		if ((w = jw_new(0)) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		jw_arr(w);
		for (i = 0; i < n; i++) {
			tm_format(v[i].p.ts, ts);
			tm_format(v[i].seen_at, seen);
			jw_obj(w);
			jw_kstr(w, "provider", v[i].provider);
			jw_kstr(w, "region", v[i].p.region);
			jw_kstr(w, "zone", v[i].p.zone);
			jw_kstr(w, "instance_type", v[i].p.instance_type);
			jw_kstr(w, "timestamp", ts);
			jw_knum(w, "spot_hourly", v[i].p.price);
			jw_kstr(w, "seen_at", seen);
			jw_obj_end(w);
		}
		jw_arr_end(w);
		rc = jw_write(w, stdout, e);
		goto out;
	}
	if (n == 0) {
		cmd_info(ctx, "no spot history%s: run capplan prices fetch --provider aws\n",
			 provider || region || type || zone ? " matches" : "");
		goto out;
	}
	printf("%-8s %-16s %-18s %-20s %-20s %s\n", "provider", "region", "zone", "instance_type",
	       "timestamp", "spot_hourly");
	for (i = 0; i < n; i++) {
		char price[40];

		tm_format(v[i].p.ts, ts);
		jw_format_number(v[i].p.price, price, sizeof(price));
		printf("%-8s %-16s %-18s %-20s %-20s %s\n", v[i].provider, v[i].p.region,
		       v[i].p.zone, v[i].p.instance_type, ts, price);
	}
out:
	jw_free(w);
	free(v);
	store_close(st);
	config_free(cfg);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(struct cmd_ctx *, int, char **, struct err *);
} subs[] = {
	{ "import", prices_import },
	{ "list", prices_list },
	{ "fetch", prices_fetch },
	{ "export", prices_export },
	{ "history", prices_history },
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
