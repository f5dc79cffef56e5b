/* capplan whatif: the plan under changed assumptions, side by side with the baseline. */
#include "planner/load.h"
#include "planner/plan.h"
#include "planner/planner.h"
#include "reports/reports.h"
#include "util/tm.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);

const struct cmd_entry cmd_whatif = {
	"whatif", "compare the plan under changed assumptions with the baseline",
	"usage: capplan whatif --set ASSUMPTION [--set ...] [--format md|json]\n"
	"       capplan whatif --offerings FILE.csv --demand FILE.csv --set ... [--json]\n\n"
	"Plans the baseline (as `capplan plan` would) and the scenario, and prints them side by\n"
	"side: cost, mix, reserved counts and risk (spot share, expected interruptions).\n"
	"Assumptions (repeat --set):\n"
	"  demand*=1.5  demand+=8           scale or add GPUs to every hour's demand\n"
	"  spot_price*=1.3                  also ondemand_price, reserved_price (*=, +=, -=, =)\n"
	"  reserved_discount+=0.05          reserved prices move by 0.05 x the on-demand price\n"
	"  provider.gcp=off                 leave a provider (or region.NAME=off) out\n"
	"  region.us-east-1.quota=64        at most 64 GPUs running there in any hour\n"
	"  policy.max_spot_share=0.2        any configuration key (=, or *= += -= on numbers)\n"
	"--json prints {\"baseline\": PLAN, \"scenario\": PLAN, \"delta\": {...}}, PLAN being the\n"
	"plan --json object with \"risk\" added.\n",
	run,
};

#define MAX_SETS 64

struct wi_args {
	const char *offerings, *demand, *format;
	const char *sets[MAX_SETS];
	size_t nsets;
	struct plan_opts po;
};

static int parse_args(struct wi_args *a, const struct cmd_ctx *ctx, int argc, char **argv,
		      struct err *e)
{
	static const struct option opts[] = {
		{ "set", required_argument, NULL, 's' },
		{ "offerings", required_argument, NULL, 'o' },
		{ "demand", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "time-limit", required_argument, NULL, 't' },
		{ "relax", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	a->format = ctx->json ? "json" : "md";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (a->nsets == MAX_SETS)
				return cmd_usage_error(&cmd_whatif, e, "at most %d --set", MAX_SETS);
			a->sets[a->nsets++] = optarg;
			break;
		case 'o': a->offerings = optarg; break;
		case 'd': a->demand = optarg; break;
		case 'f': a->format = optarg; break;
		case 'r': a->po.relax = 1; break;
		case 't':
			if ((rc = cmd_time_limit(&cmd_whatif, optarg, &a->po.time_limit, e)) < 0)
				return rc;
			break;
		default:
			return cmd_usage_error(&cmd_whatif, e, "unknown option \"%s\"",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_whatif, e, "unexpected argument \"%s\"", argv[optind]);
	if (!a->offerings != !a->demand)
		return cmd_usage_error(&cmd_whatif, e, "--offerings and --demand go together");
	if (strcmp(a->format, "md") && strcmp(a->format, "json"))
		return cmd_usage_error(&cmd_whatif, e, "--format is \"%s\": use md or json",
				       a->format);
	return 0;
}

/* One assumption split: key, operator ('=', '*', '+', '-') and value text. */
struct assumption {
	char key[128];
	char op;
	const char *value;
	double num;		/* value as a number, NAN when it is not one */
};

static int split(const char *s, struct assumption *x, struct err *e)
{
	const char *eq = strchr(s, '=');
	size_t klen;

	if (eq == NULL || eq == s)
		return cmd_usage_error(&cmd_whatif, e, "--set \"%s\" is not KEY=VALUE, KEY*=X, KEY+=X "
				       "or KEY-=X", s);
	x->op = '=';
	klen = (size_t)(eq - s);
	if (strchr("*+-", eq[-1])) {
		x->op = eq[-1];
		klen--;
	}
	if (klen == 0 || klen >= sizeof(x->key))
		return cmd_usage_error(&cmd_whatif, e, "--set \"%s\": the key is empty or too long", s);
	memcpy(x->key, s, klen);
	x->key[klen] = '\0';
	x->value = eq + 1;
	if (load_number(x->value, &x->num) != 0)
		x->num = NAN;
	if (x->op != '=' && isnan(x->num))
		return cmd_usage_error(&cmd_whatif, e, "--set \"%s\": \"%s\" is not a number", s,
				       x->value);
	return 0;
}

static double apply_op(double v, const struct assumption *x)
{
	switch (x->op) {
	case '*': return v * x->num;
	case '+': return v + x->num;
	case '-': return v - x->num;
	default: return x->num;
	}
}

/* A demand past this (GPUs an hour, per model) is a typo, not a scenario: the solver
 * would price nothing sensible, and its integer units would overflow. */
#define MAX_DEMAND 1e7

/* Returns -1 when the price overflows (e.g. *=1e308): an infinite price is no scenario. */
static int price_op(double *p, const struct assumption *x)
{
	if (!isnan(*p)) {
		*p = apply_op(*p, x);
		if (!isfinite(*p))
			return -1;
		if (*p < 0)
			*p = 0;
	}
	return 0;
}

/*
 * Applies one assumption to the scenario's offerings, demand or config. Offerings left out
 * (provider or region off) are marked by an empty gpu_model and dropped by the caller.
 */
static int apply(const char *text, struct offering *offers, size_t n, struct plan_demand *d,
		 struct config *cfg, struct err *e)
{
	struct assumption x;
	char buf[64], name[128];
	size_t i, hit = 0;
	int rc;

	if ((rc = split(text, &x, e)) < 0)
		return rc;
	if (strcmp(x.key, "demand") == 0) {
		if (isnan(x.num))
			return cmd_usage_error(&cmd_whatif, e, "--set \"%s\": not a number", text);
		/* demand-=8 may reach 0 (clipped); a negative demand or scale is a typo */
		if (x.num < 0 && (x.op == '*' || x.op == '='))
			return cmd_usage_error(&cmd_whatif, e, "--set \"%s\": demand cannot be "
					       "negative", text);
		for (i = 0; i < d->nmodels * d->nhours; i++) {
			double v;

			if (isnan(d->gpus[i]))
				continue;
			v = apply_op(d->gpus[i], &x);
			if (!isfinite(v) || v > MAX_DEMAND)
				return cmd_usage_error(&cmd_whatif, e, "--set \"%s\": demand of %g GPUs "
						       "an hour is past %g", text, v, MAX_DEMAND);
			d->gpus[i] = fmax(0, v);
		}
		return 0;
	}
	if (strcmp(x.key, "spot_price") == 0 || strcmp(x.key, "ondemand_price") == 0 ||
	    strcmp(x.key, "reserved_price") == 0) {
		if (isnan(x.num))
			return cmd_usage_error(&cmd_whatif, e, "--set \"%s\": not a number", text);
		for (i = 0; i < n; i++) {
			if (x.key[0] == 's')
				rc = price_op(&offers[i].spot, &x);
			else if (x.key[0] == 'o')
				rc = price_op(&offers[i].ondemand, &x);
			else
				rc = price_op(&offers[i].reserved_1y, &x) |
				     price_op(&offers[i].reserved_3y, &x);
			if (rc)
				return cmd_usage_error(&cmd_whatif, e, "--set \"%s\": the price is "
						       "no longer a finite number", text);
		}
		return 0;
	}
	if (strcmp(x.key, "reserved_discount") == 0) {
		/* the discount is 1 - reserved/on-demand: moving it by x moves the price by
		 * x times the on-demand price */
		if (isnan(x.num))
			return cmd_usage_error(&cmd_whatif, e, "--set \"%s\": not a number", text);
		for (i = 0; i < n; i++) {
			double od = offers[i].ondemand, *r[2] = { &offers[i].reserved_1y,
								  &offers[i].reserved_3y };
			int k;

			for (k = 0; k < 2 && !isnan(od) && od > 0; k++) {
				double disc;

				if (isnan(*r[k]))
					continue;
				disc = apply_op(1 - *r[k] / od, &x);
				/* a discount is a share of the on-demand price: past 1 the
				 * reserved price would be free (or paid to us), below 0 dearer
				 * than on demand; neither is a scenario, so say so */
				if (!(disc >= 0 && disc <= 1))
					return cmd_usage_error(&cmd_whatif, e, "--set \"%s\": the "
							       "reserved discount of %s %s would be "
							       "%g: it must stay within 0..1", text,
							       offers[i].provider,
							       offers[i].instance_type, disc);
				*r[k] = od * (1 - disc);
			}
		}
		return 0;
	}
	if (sscanf(x.key, "provider.%127s", name) == 1 && strchr(name, '.') == NULL) {
		if (strcmp(x.value, "off") && strcmp(x.value, "on"))
			return cmd_usage_error(&cmd_whatif, e, "--set \"%s\": use on or off", text);
		for (i = 0; i < n; i++)
			if (strcmp(offers[i].provider, name) == 0) {
				hit++;
				if (strcmp(x.value, "off") == 0)
					offers[i].gpu_model[0] = '\0';
			}
		if (hit == 0)
			return err_set(e, ERR_INPUT, "--set \"%s\": no offering of provider \"%s\"",
				       text, name);
		return 0;
	}
	if (strncmp(x.key, "region.", 7) == 0) {
		const char *rest = x.key + 7, *dot = strrchr(rest, '.');
		const char *provider = NULL;

		if (dot && strcmp(dot, ".quota") == 0) {
			snprintf(name, sizeof(name), "%.*s", (int)(dot - rest), rest);
			if (isnan(x.num) || x.num < 0 || x.op != '=')
				return cmd_usage_error(&cmd_whatif, e, "--set \"%s\": a quota is "
						       "region.NAME.quota=GPUS", text);
			for (i = 0; i < n; i++)
				if (strcmp(offers[i].region, name) == 0)
					provider = offers[i].provider;
			if (provider == NULL)
				return err_set(e, ERR_INPUT, "--set \"%s\": no offering in region \"%s\"",
					       text, name);
			snprintf(buf, sizeof(buf), "%.17g", x.num);
			{
				const char *kv[6] = { "provider", provider, "region", name, "gpus", buf };

				return config_seq_append(cfg, "quotas", kv, 6, e);
			}
		}
		if (strcmp(x.value, "off") && strcmp(x.value, "on"))
			return cmd_usage_error(&cmd_whatif, e, "--set \"%s\": use on, off or "
					       "region.NAME.quota=GPUS", text);
		for (i = 0; i < n; i++)
			if (strcmp(offers[i].region, rest) == 0) {
				hit++;
				if (strcmp(x.value, "off") == 0)
					offers[i].gpu_model[0] = '\0';
			}
		if (hit == 0)
			return err_set(e, ERR_INPUT, "--set \"%s\": no offering in region \"%s\"", text,
				       rest);
		return 0;
	}
	/* any other key is configuration */
	if (x.op != '=') {
		double v;

		if ((rc = config_double(cfg, x.key, NAN, &v, e)) < 0)
			return rc;
		if (isnan(v) && strcmp(x.key, "policy.max_spot_share") == 0)
			v = 0.4;	/* the documented default */
		if (isnan(v))
			return err_set(e, ERR_INPUT, "--set \"%s\": \"%s\" has no value to change",
				       text, x.key);
		if (!isfinite(apply_op(v, &x)))
			return cmd_usage_error(&cmd_whatif, e, "--set \"%s\": \"%s\" is no longer a "
					       "finite number", text, x.key);
		snprintf(buf, sizeof(buf), "%.17g", apply_op(v, &x));
		return config_set(cfg, x.key, buf, e);
	}
	return config_set(cfg, x.key, x.value, e);
}

/* The latest forecast run's policy.cover_quantile per model and hour (as plan does). */
static int demand_from_store(struct store *st, const struct config *cfg, struct plan_demand *d,
			     struct err *e)
{
	const char *q = config_str(cfg, "policy.cover_quantile", "p90");
	char **models = NULL;
	size_t nmodels = 0, m, n, t;
	double *vals = NULL;
	int64_t run_id, start;
	int rc;

	memset(d, 0, sizeof(*d));
	if (strcmp(q, "p50") && strcmp(q, "p90") && strcmp(q, "hi95") && strcmp(q, "mean"))
		return err_set(e, ERR_INPUT, "%s: \"policy.cover_quantile\" is \"%s\": use p50, p90, "
			       "hi95 or mean", config_path(cfg), q);
	if ((rc = store_forecast_latest(st, &run_id, e)) < 0)
		return rc;
	if (run_id == 0)
		return err_set(e, ERR_INPUT, "no forecast in %s: run capplan forecast first, or give "
			       "--offerings and --demand", store_path(st));
	if ((rc = store_forecast_models(st, run_id, &models, &nmodels, e)) < 0)
		return rc;
	d->models = models;
	d->nmodels = nmodels;
	for (m = 0; m < nmodels; m++) {
		if ((rc = store_forecast_get(st, run_id, models[m], q, &start, &vals, &n, e)) < 0)
			goto out;
		if (m == 0) {
			d->start = start;
			d->nhours = n;
			if ((d->gpus = calloc(nmodels * n + 1, sizeof(double))) == NULL) {
				rc = err_nomem(e);
				goto out;
			}
		} else if (start != d->start || n != d->nhours) {
			rc = err_set(e, ERR_INPUT, "forecast run %lld covers different hours for \"%s\" "
				     "and \"%s\"", (long long)run_id, models[0], models[m]);
			goto out;
		}
		for (t = 0; t < n; t++)
			d->gpus[m * n + t] = vals[t];
		free(vals);
		vals = NULL;
	}
out:
	free(vals);
	if (rc < 0)
		plan_demand_release(d);
	return rc;
}

/* The result's report view also carries the interruption rates (for the risk columns). */
static void add_rates(struct plan_result *r)
{
	size_t i;

	for (i = 0; i < r->noffers; i++)
		r->roffers[i].spot_interruption = r->offers[i].spot_interruption;
}

/*
 * The key of an assumption that goes to the configuration (not demand, prices, a provider
 * or a region), NULL otherwise: the same dispatch as apply().
 */
static const char *config_key(const char *text, char *key, size_t n)
{
	const char *eq = strchr(text, '=');
	size_t klen;

	if (eq == NULL || eq == text)
		return NULL;
	klen = (size_t)(eq - text) - (strchr("*+-", eq[-1]) ? 1 : 0);
	snprintf(key, n, "%.*s", (int)klen, text);
	if (strcmp(key, "demand") == 0 || strcmp(key, "spot_price") == 0 ||
	    strcmp(key, "ondemand_price") == 0 || strcmp(key, "reserved_price") == 0 ||
	    strcmp(key, "reserved_discount") == 0 || strncmp(key, "region.", 7) == 0 ||
	    (strncmp(key, "provider.", 9) == 0 && strchr(key + 9, '.') == NULL))
		return NULL;
	return key;
}

/* A copy of demand d into out (released with plan_demand_release). */
static int demand_copy(struct plan_demand *out, const struct plan_demand *d, struct err *e)
{
	size_t i;

	if ((out->gpus = calloc(d->nmodels * d->nhours + 1, sizeof(double))) == NULL ||
	    (out->models = calloc(d->nmodels + 1, sizeof(char *))) == NULL)
		return err_nomem(e);
	memcpy(out->gpus, d->gpus, d->nmodels * d->nhours * sizeof(double));
	for (i = 0; i < d->nmodels; i++)
		if ((out->models[out->nmodels++] = strdup(d->models[i])) == NULL)
			return err_nomem(e);
	out->start = d->start;
	out->nhours = d->nhours;
	return 0;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct wi_args a;
	struct plan_opts def = PLAN_OPTS_INIT;
	struct config *cfg = NULL, *scfg = NULL, *fcfg = NULL;
	struct store *st = NULL;
	struct store_offering *so = NULL;
	struct offering *offers = NULL, *soffers = NULL;
	struct store_usage_row *rows = NULL;
	struct plan_demand d, sd;
	struct plan_result *base = NULL, *scen = NULL;
	struct reports_whatif w;
	size_t noffers = 0, nrows = 0, ns = 0, i;
	unsigned long reads[MAX_SETS];
	int read_early[MAX_SETS];
	char key[128];
	const char *q;
	int rc;

	memset(&a, 0, sizeof(a));
	memset(&d, 0, sizeof(d));
	memset(&sd, 0, sizeof(sd));
	a.po = def;
	if ((rc = parse_args(&a, ctx, argc, argv, e)) < 0)
		return rc;
	if ((rc = planner_config(ctx, &cfg, e)) < 0 ||
	    (rc = config_open(&scfg, ctx->config_path, e)) < 0 ||
	    (rc = config_open(&fcfg, ctx->config_path, e)) < 0)
		goto out;
	if (a.offerings) {
		if ((rc = load_offerings_csv(a.offerings, &offers, &noffers, e)) < 0 ||
		    (rc = load_usage_csv(a.demand, &rows, &nrows, e)) < 0 ||
		    (rc = plan_demand_from_rows(&d, rows, nrows, e)) < 0)
			goto out;
	} else {
		if ((rc = planner_store(ctx, cfg, &st, e)) < 0 ||
		    (rc = demand_from_store(st, cfg, &d, e)) < 0 ||
		    (rc = store_offerings_list(st, NULL, NULL, &so, &noffers, e)) < 0)
			goto out;
		if (noffers == 0) {
			rc = err_set(e, ERR_INPUT, "no offerings in %s: run capplan prices import "
				     "FILE.csv", store_path(st));
			goto out;
		}
		if ((offers = calloc(noffers, sizeof(*offers))) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		for (i = 0; i < noffers; i++)
			offers[i] = so[i].o;
	}
	/* the scenario: copies of offerings, demand and config, changed in --set order */
	if ((soffers = calloc(noffers + 1, sizeof(*soffers))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	memcpy(soffers, offers, noffers * sizeof(*offers));
	/*
	 * Some keys are read before the plan: from the store, spot is priced from its history
	 * (policy.spot_price, as plan does: the baseline is the plan) and the demand is the
	 * forecast's policy.cover_quantile. The scenario reads them from its configuration as
	 * it stands after every --set (fcfg); else policy.cover_quantile=p50 planned the
	 * baseline's p90 and showed +0.00.
	 */
	for (i = 0; i < a.nsets; i++)
		if (config_key(a.sets[i], key, sizeof(key)) &&
		    (rc = apply(a.sets[i], NULL, 0, NULL, fcfg, e)) < 0)
			goto out;
	for (i = 0; i < a.nsets; i++)
		if (config_key(a.sets[i], key, sizeof(key)))
			reads[i] = config_reads(fcfg, key);
	if (st) {
		q = config_str(fcfg, "policy.cover_quantile", "p90");
		if (strcmp(q, "p50") && strcmp(q, "p90") && strcmp(q, "hi95") && strcmp(q, "mean")) {
			rc = cmd_usage_error(&cmd_whatif, e, "--set \"policy.cover_quantile=%s\": use "
					     "p50, p90, hi95 or mean", q);
			goto out;
		}
		if ((rc = planner_spot_from_history(st, cfg, offers, noffers, e)) < 0 ||
		    (rc = planner_spot_from_history(st, fcfg, soffers, noffers, e)) < 0 ||
		    (rc = demand_from_store(st, fcfg, &sd, e)) < 0)
			goto out;
	} else if ((rc = demand_copy(&sd, &d, e)) < 0) {
		goto out;
	}
	for (i = 0; i < a.nsets; i++)
		read_early[i] = config_key(a.sets[i], key, sizeof(key)) &&
				config_reads(fcfg, key) > reads[i];
	for (i = 0; i < a.nsets; i++)
		if ((rc = apply(a.sets[i], soffers, noffers, &sd, scfg, e)) < 0)
			goto out;
	for (i = 0; i < noffers; i++)
		if (soffers[i].gpu_model[0])
			soffers[ns++] = soffers[i];
	if ((rc = plan_run(&base, offers, noffers, &d, cfg, &a.po, e)) < 0) {
		err_wrap(e, "baseline");
		goto out;
	}
	for (i = 0; i < a.nsets; i++)
		if (config_key(a.sets[i], key, sizeof(key)))
			reads[i] = config_reads(scfg, key);
	if ((rc = plan_run(&scen, soffers, ns, &sd, scfg, &a.po, e)) < 0) {
		err_wrap(e, "scenario");
		goto out;
	}
	/*
	 * A configuration key the scenario never looked at (neither above nor in its plan)
	 * changed nothing: most likely misspelt (policy.max_spot_shar=0.2), and a what-if
	 * showing "+0.00" for it misleads.
	 */
	for (i = 0; i < a.nsets; i++) {
		if (config_key(a.sets[i], key, sizeof(key)) == NULL || read_early[i] ||
		    config_reads(scfg, key) > reads[i])
			continue;
		rc = cmd_usage_error(&cmd_whatif, e, "--set \"%s\": nothing in the plan reads \"%s\" "
				     "(misspelt?)", a.sets[i], key);
		goto out;
	}
	add_rates(base);
	add_rates(scen);
	memset(&w, 0, sizeof(w));
	w.baseline = &base->rp;
	w.scenario = &scen->rp;
	w.nsets = a.nsets;
	w.sets = a.sets;
	rc = strcmp(a.format, "json") == 0 ? reports_whatif_json(stdout, &w, e)
					   : reports_whatif_md(stdout, &w, e);
out:
	plan_result_free(base);
	plan_result_free(scen);
	plan_demand_release(&d);
	plan_demand_release(&sd);
	free(rows);
	free(offers);
	free(soffers);
	free(so);
	store_close(st);
	config_free(cfg);
	config_free(scfg);
	config_free(fcfg);
	return rc;
}
