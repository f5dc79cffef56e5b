/*
 * capplan apply: make the running fleet match the plan's current hour through the
 * providers' compute APIs. Show first, then act; never twice (idempotency tokens recorded
 * before each call), never on what is not capplan's (tags), one run at a time (lock),
 * an audit row per call.
 */
#include "planner/apply.h"
#include "planner/lock.h"
#include "planner/planner.h"
#include "planner/store_apply.h"
#include "util/buf.h"
#include "util/jw.h"
#include "util/tm.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e);

const struct cmd_entry cmd_apply = {
	"apply", "carry a fleet plan out through the provider APIs (dry run by default)",
	"usage: capplan apply [--plan ID|latest | --plan-file PLAN.json] [--at HOUR]\n"
	"                     [--dry-run | --yes] [--provider P] [--json]\n"
	"       capplan apply commitments --yes --i-understand-this-costs\n\n"
	"Takes a stored plan (default the latest) or a file written by `plan --json`, picks the\n"
	"plan's hour holding --at (default now, UTC), lists the instances capplan runs (tagged\n"
	"capplan:managed=true, capplan:plan, capplan:pool) and shows the difference per offering\n"
	"and purchase type. With --yes it launches and terminates (youngest first) to close it.\n"
	"Nothing without capplan's tags is touched, nor the instances of a GPU model the plan does\n"
	"not plan at all (kept as they run). Dry run unless --yes (apply.dry_run_default).\n"
	"Guard rails: apply.max_launch_per_run, apply.max_hourly_spend, apply.allowed_providers.\n"
	"Exit 0 done or dry run, 1 shortfall or failure, 2 refused by a guard rail or bad input.\n"
	"A `plan commitments` result (a load-duration curve, not a schedule) is never applied:\n"
	"\"latest\" skips it, and naming it (--plan ID, --plan-file) is refused (exit 2).\n"
	"`apply commitments` prints the commitments of the plan (default the latest of any kind)\n"
	"and the calls that would buy them; it never buys anything.\n",
	run,
};

struct apply_args {
	const char *plan, *plan_file, *at, *provider;
	int yes, dry, commitments, understand;
};

static int parse_args(struct apply_args *a, int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		{ "plan", required_argument, NULL, 'p' },
		{ "plan-file", required_argument, NULL, 'f' },
		{ "at", required_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "yes", no_argument, NULL, 'y' },
		{ "provider", required_argument, NULL, 'P' },
		{ "i-understand-this-costs", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	opterr = 0;
	if (argc > 1 && strcmp(argv[1], "commitments") == 0) {
		a->commitments = 1;
		argc--;
		argv++;
	}
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': a->plan = optarg; break;
		case 'f': a->plan_file = optarg; break;
		case 'a': a->at = optarg; break;
		case 'n': a->dry = 1; break;
		case 'y': a->yes = 1; break;
		case 'P': a->provider = optarg; break;
		case 'u': a->understand = 1; break;
		default:
			return cmd_usage_error(&cmd_apply, e, "unknown option \"%s\"",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_apply, e, "unexpected argument \"%s\"", argv[optind]);
	if (a->plan && a->plan_file)
		return cmd_usage_error(&cmd_apply, e, "--plan and --plan-file exclude each other");
	if (a->yes && a->dry)
		return cmd_usage_error(&cmd_apply, e, "--yes and --dry-run exclude each other");
	if (a->provider && strcmp(a->provider, "aws") && strcmp(a->provider, "gcp") &&
	    strcmp(a->provider, "azure"))
		return cmd_usage_error(&cmd_apply, e, "--provider is \"%s\": aws, gcp or azure",
				       a->provider);
	if (a->understand && !a->commitments)
		return cmd_usage_error(&cmd_apply, e, "--i-understand-this-costs belongs to "
				       "`apply commitments`");
	return 0;
}

/* --- the plan ------------------------------------------------------------------------ */

static int read_file(const char *path, char **out, struct err *e)
{
	FILE *f = fopen(path, "rb");
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	int rc = 0;

	*out = NULL;
	if (f == NULL)
		return err_set(e, ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) < 0) {
			rc = err_nomem(e);
			goto out;
		}
	if (ferror(f)) {
		rc = err_set(e, ERR_INPUT, "%s: read error", path);
		goto out;
	}
	if (buf_puts(&b, "") < 0) {
		rc = err_nomem(e);
		goto out;
	}
	*out = buf_detach(&b);
out:
	buf_release(&b);
	fclose(f);
	return rc;
}

/* The plan's id: stored plans by number; a file by its "plan" key, else a content hash. */
static void plan_id_of_file(const char *json, char *out, size_t n)
{
	const char *path[2] = { "plan", NULL };
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	yajl_val root = yajl_tree_parse(json, NULL, 0), v;
	size_t i;

	v = root ? yajl_tree_get(root, path, yajl_t_any) : NULL;
	if (v && YAJL_IS_STRING(v) && YAJL_GET_STRING(v)[0]) {
		snprintf(out, n, "%s", YAJL_GET_STRING(v));
	} else if (v && YAJL_IS_INTEGER(v)) {
		snprintf(out, n, "%lld", (long long)YAJL_GET_INTEGER(v));
	} else {
		EVP_Digest(json, strlen(json), md, &mdlen, EVP_sha256(), NULL);
		snprintf(out, n, "file-");
		for (i = 0; i < 6 && i < mdlen; i++)
			snprintf(out + 5 + 2 * i, n - 5 - 2 * i, "%02x", md[i]);
	}
	yajl_tree_free(root);
}

/*
 * A `plan commitments` result is a purchase recommendation over a load-duration curve: its
 * hours are demand levels sorted highest first, and running a fleet from them would launch
 * the year's peak now. Refused, whoever names it.
 */
static int not_a_schedule(const char *name, struct err *e)
{
	return err_set(e, ERR_INPUT, "%s is a purchase recommendation (`plan commitments`, a "
		       "load-duration curve), not an hourly schedule: use `apply commitments`",
		       name);
}

static int load_plan(const struct apply_args *a, struct store *st, struct plan_result **out,
		     char *id, size_t idn, struct err *e)
{
	char *json = NULL, name[64], kind[32];
	int64_t want = 0, got = 0;
	int rc;

	if (a->plan_file) {
		if ((rc = read_file(a->plan_file, &json, e)) < 0)
			return rc;
		plan_id_of_file(json, id, idn);
		rc = plan_from_json(out, json, a->plan_file, e);
		free(json);
		if (rc == 0 && !a->commitments && (*out)->rp.kind &&
		    strcmp((*out)->rp.kind, STORE_PLAN_COMMITMENTS) == 0)
			rc = not_a_schedule(a->plan_file, e);
		return rc;
	}
	if (a->plan && strcmp(a->plan, "latest") != 0) {
		char *end;

		errno = 0;
		want = strtoll(a->plan, &end, 10);
		if (*end || end == a->plan || errno || want <= 0)
			return cmd_usage_error(&cmd_apply, e, "--plan is \"%s\": a plan id or latest",
					       a->plan);
	}
	/* `apply commitments` prints purchases: any kind of plan has them, the latest is wanted */
	if ((rc = store_plan_get_kind(st, want, !a->commitments, &got, kind, sizeof(kind), &json,
				      e)) < 0)
		return rc;
	snprintf(id, idn, "%lld", (long long)got);
	snprintf(name, sizeof(name), "plan %lld", (long long)got);
	if (!a->commitments && strcmp(kind, STORE_PLAN_COMMITMENTS) == 0)
		rc = not_a_schedule(name, e);
	else
		rc = plan_from_json(out, json, name, e);
	free(json);
	return rc;
}

/* --- guard rails --------------------------------------------------------------------- */

static int provider_allowed(const struct config *cfg, const char *p)
{
	const struct config_node *n = config_get(cfg, "apply.allowed_providers");
	const char *s;
	size_t i;

	if (n == NULL)
		return 1;
	if (config_node_is_seq(n)) {
		for (i = 0; i < config_node_count(n); i++) {
			s = config_node_str(config_node_at(n, i));
			if (s && strcmp(s, p) == 0)
				return 1;
		}
		return 0;
	}
	if ((s = config_node_str(n)) == NULL || *s == '\0')
		return 1;
	/* a scalar: "aws, gcp" */
	while (*s) {
		size_t len;

		s += strspn(s, ", ");
		len = strcspn(s, ", ");
		if (len && len == strlen(p) && strncmp(s, p, len) == 0)
			return 1;
		s += len;
	}
	return 0;
}

/* Pools of providers not allowed are dropped; refused when the plan wants any there. */
static int guard_providers(struct apply_diff *d, const struct config *cfg, struct err *e)
{
	size_t i, j = 0;

	for (i = 0; i < d->n; i++) {
		if (!provider_allowed(cfg, d->pools[i].provider) && d->pools[i].target > 0)
			return err_set(e, ERR_INPUT, "guard rail \"apply.allowed_providers\" refuses: "
				       "the plan runs %d instances in pool \"%s\" and \"%s\" is not "
				       "an allowed provider", d->pools[i].target, d->pools[i].pool,
				       d->pools[i].provider);
	}
	for (i = 0; i < d->n; i++) {
		if (provider_allowed(cfg, d->pools[i].provider))
			d->pools[j++] = d->pools[i];
		else {
			free(d->pools[i].ids);
			free(d->pools[i].retag);
		}
	}
	d->n = j;
	return 0;
}

static int guard_spend(const struct apply_diff *d, const struct config *cfg, struct err *e)
{
	double max, cost = apply_hour_cost(d);
	int rc;

	if ((rc = config_double(cfg, "apply.max_hourly_spend", NAN, &max, e)) < 0)
		return rc;
	if (!isnan(max) && isnan(cost))
		return err_set(e, ERR_INPUT, "guard rail \"apply.max_hourly_spend\" refuses: pool "
			       "%s has a target but no %s price in the plan, so the hour's cost is "
			       "unknown", apply_unpriced(d)->pool, apply_unpriced(d)->purchase);
	if (!isnan(max) && cost > max + 1e-9)
		return err_set(e, ERR_INPUT, "guard rail \"apply.max_hourly_spend\" refuses: the "
			       "plan's hour costs %.2f USD, more than %.2f", cost, max);
	return 0;
}

static int guard_launch(const struct apply_diff *d, const struct config *cfg, struct err *e)
{
	long max;
	int rc, n = apply_launch_total(d);

	if ((rc = config_long(cfg, "apply.max_launch_per_run", -1, &max, e)) < 0)
		return rc;
	if (max >= 0 && n > max)
		return err_set(e, ERR_INPUT, "guard rail \"apply.max_launch_per_run\" refuses: this "
			       "run would launch %d instances, more than %ld", n, max);
	return 0;
}

/* --- providers ----------------------------------------------------------------------- */

struct audit_ctx {
	struct store *st;
	const char *plan;
	const struct cmd_ctx *ctx;
};

static void on_call(void *ud, const struct providers_call *c)
{
	struct audit_ctx *a = ud;
	struct err e = ERR_INIT;

	cmd_debug(a->ctx, "%s %s %s: %s%s%s\n", c->provider, c->region, c->operation, c->result,
		  c->error[0] ? ": " : "", c->error);
	if (store_apply_audit(a->st, tm_now(), a->plan, c, &e) < 0)
		fprintf(stderr, "capplan apply: audit log: %s\n", e.msg);
}

/* What one provider's client borrows: kept alive for the run. */
struct client {
	char provider[16];
	struct providers_compute_conf conf;
	const char **subnets, **zones, **zone_regions;
	char *ssh_key;
	providers_compute *pc;
};

static const char **node_strings(const struct config_node *n, size_t *count)
{
	const char **v;
	size_t i, k = 0;

	*count = 0;
	if (config_node_str(n) && *config_node_str(n)) {
		if ((v = calloc(1, sizeof(*v))) != NULL) {
			v[0] = config_node_str(n);
			*count = 1;
		}
		return v;
	}
	if ((v = calloc(config_node_count(n) + 1, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < config_node_count(n); i++)
		if (config_node_str(config_node_at(n, i)))
			v[k++] = config_node_str(config_node_at(n, i));
	*count = k;
	return v;
}

static int client_open(struct client *c, const char *provider, const struct config *cfg,
		       struct audit_ctx *ac, struct err *e)
{
	struct providers_compute_conf *f = &c->conf;
	int rc;

	memset(c, 0, sizeof(*c));
	snprintf(c->provider, sizeof(c->provider), "%s", provider);
	f->provider = c->provider;
	f->audit = on_call;
	f->audit_ctx = ac;
	if (strcmp(provider, "aws") == 0) {
		f->endpoint = config_str(cfg, "providers.aws.endpoints.ec2", NULL);
		f->launch_template = config_str(cfg, "providers.aws.launch_template", NULL);
		if ((c->subnets = node_strings(config_get(cfg, "providers.aws.subnets"),
					       &f->nsubnets)) == NULL)
			return err_nomem(e);
		f->subnets = c->subnets;
	} else if (strcmp(provider, "gcp") == 0) {
		const struct config_node *z = config_get(cfg, "providers.gcp.zones");
		size_t i, j, nz = 0;

		f->endpoint = config_str(cfg, "providers.gcp.endpoints.compute", NULL);
		f->token_endpoint = config_str(cfg, "providers.gcp.endpoints.token", NULL);
		f->project = config_str(cfg, "providers.gcp.project", NULL);
		f->image = config_str(cfg, "providers.gcp.image", NULL);
		f->network = config_str(cfg, "providers.gcp.network", "default");
		f->service_account_file = config_str(cfg, "providers.gcp.service_account_file",
						     getenv("GOOGLE_APPLICATION_CREDENTIALS"));
		for (i = 0; i < config_node_count(z); i++)
			nz += config_node_count(config_node_at(z, i)) +
			      (config_node_str(config_node_at(z, i)) ? 1 : 0);
		c->zones = calloc(nz + 1, sizeof(*c->zones));
		c->zone_regions = calloc(nz + 1, sizeof(*c->zone_regions));
		if (c->zones == NULL || c->zone_regions == NULL)
			return err_nomem(e);
		for (i = 0; i < config_node_count(z); i++) {
			const struct config_node *r = config_node_at(z, i);
			size_t cnt;
			const char **zs = node_strings(r, &cnt);

			if (zs == NULL)
				return err_nomem(e);
			for (j = 0; j < cnt && f->nzones < nz; j++) {
				c->zones[f->nzones] = zs[j];
				c->zone_regions[f->nzones++] = config_node_key(r);
			}
			free(zs);
		}
		f->zones = c->zones;
		f->zone_regions = c->zone_regions;
	} else {
		const char *kf;

		f->endpoint = config_str(cfg, "providers.azure.endpoints.arm", NULL);
		f->token_endpoint = config_str(cfg, "providers.azure.endpoints.login", NULL);
		f->subscription_id = config_str(cfg, "providers.azure.subscription_id", NULL);
		f->resource_group = config_str(cfg, "providers.azure.resource_group", NULL);
		f->azure_image = config_str(cfg, "providers.azure.image", NULL);
		f->subnet_id = config_str(cfg, "providers.azure.subnet_id", NULL);
		f->admin_user = config_str(cfg, "providers.azure.admin_user", "capplan");
		kf = config_str(cfg, "providers.azure.ssh_public_key_file", NULL);
		if (kf) {
			if ((rc = read_file(kf, &c->ssh_key, e)) < 0) {
				err_wrap(e, "\"providers.azure.ssh_public_key_file\"");
				return rc;
			}
			c->ssh_key[strcspn(c->ssh_key, "\r\n")] = '\0';
		}
		f->ssh_public_key = c->ssh_key;
	}
	if ((rc = config_long(cfg, "apply.retry_base_ms", 0, &f->backoff_base_ms, e)) < 0)
		return rc;
	if ((rc = providers_compute_new(&c->pc, f, e)) < 0)
		return rc;
	return 0;
}

static void client_close(struct client *c)
{
	providers_compute_free(c->pc);
	free(c->subnets);
	free(c->zones);
	free(c->zone_regions);
	free(c->ssh_key);
	memset(c, 0, sizeof(*c));
}

static struct client *client_for(struct client *v, size_t n, const char *provider)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].provider, provider) == 0)
			return &v[i];
	return NULL;
}

/*
 * Listings are eventually consistent: an instance launched a moment ago may not show yet.
 * What capplan itself launched within the last `apply.inflight_seconds` (default 600) and
 * did not terminate counts as running even when the listing misses it, so that a re-run
 * right after a crash does not launch it twice.
 */
static int add_inflight(struct store *st, const char *provider, const char *region,
			long window, struct providers_vm **v, size_t *nv,
			const struct cmd_ctx *ctx, struct err *e)
{
	struct providers_vm *f = NULL, *t;
	size_t nf = 0, i, j, n = *nv;
	int rc;

	if ((rc = store_apply_inflight(st, provider, region, tm_now() - window, &f, &nf, e)) < 0)
		return rc;
	if (nf && (t = realloc(*v, (n + nf) * sizeof(*t))) == NULL) {
		free(f);
		return err_nomem(e);
	} else if (nf) {
		*v = t;
	}
	for (i = 0; i < nf; i++) {
		for (j = 0; j < *nv; j++)
			if (strcmp((*v)[j].id, f[i].id) == 0)
				break;
		if (j < *nv)
			continue;
		cmd_debug(ctx, "%s %s: %s (%s) launched by capplan, not listed yet: counted\n",
			  provider, region, f[i].id, f[i].pool);
		(*v)[n++] = f[i];
	}
	*nv = n;
	free(f);
	return 0;
}

/* 1 when no pool of provider has instances to run this hour. */
static int provider_idle(const struct apply_diff *d, const char *provider)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->pools[i].provider, provider) == 0 && d->pools[i].target > 0)
			return 0;
	return 1;
}

static void drop_provider(struct apply_diff *d, const char *provider)
{
	char p[16];
	size_t i, j = 0;

	snprintf(p, sizeof(p), "%s", provider);	/* provider may point into a dropped pool */
	for (i = 0; i < d->n; i++) {
		if (strcmp(d->pools[i].provider, p) != 0)
			d->pools[j++] = d->pools[i];
		else {
			free(d->pools[i].ids);
			free(d->pools[i].retag);
		}
	}
	d->n = j;
}

/* --- acting -------------------------------------------------------------------------- */

/*
 * One launch into pool p under an idempotency token recorded before the call. An attempt
 * left "pending" (the run died during its call) is replayed with its own token and count,
 * so that the provider hands back what it already launched instead of launching again; a
 * finished attempt that still leaves a deficit starts the next attempt. standin: on-demand
 * instances for the spot pool p (apply.fallback_to_ondemand), under attempts of their own.
 * Returns 0 with r filled (the caller frees r->ids), or < 0 when the call failed.
 */
static int launch_attempt(struct apply_pool *p, struct client *c, struct store *st,
			  const struct apply_diff *d, int dry, int standin, const char *itype,
			  int want, struct providers_launch_result *r, struct err *e)
{
	struct providers_launch l;
	struct store_attempt at;
	char key[240];
	int found = 0, rc;

	memset(&l, 0, sizeof(l));
	memset(&at, 0, sizeof(at));
	memset(r, 0, sizeof(*r));
	/* standin 1: on-demand of the pool's type; 2: the pool's purchase type of itype */
	if (standin == 2)
		snprintf(key, sizeof(key), "%s+standin:%s", p->pool, itype);
	else
		snprintf(key, sizeof(key), "%s%s", p->pool, standin ? "+standin" : "");
	l.region = p->region;
	l.instance_type = standin == 2 ? itype : p->instance_type;
	l.pool = p->pool;
	l.plan = d->plan;
	l.spot = standin != 1 && strcmp(p->purchase, "spot") == 0;
	l.standin = standin != 0;
	l.count = want;
	l.target = p->target;
	l.max_price = NAN;
	l.dry_run = dry;
	if (dry) {
		apply_token(at.token, d->plan, d->hour, key, p->target, 0);
		l.token = at.token;
		return providers_compute_launch(c->pc, &l, r, e);
	}
	if ((rc = store_apply_attempt_last(st, d->plan, d->hour, key, p->target, &at, &found,
					   e)) < 0)
		return rc;
	if (found && strcmp(at.status, "pending") == 0) {
		l.count = at.count;	/* same token, same parameters */
	} else {
		at.attempt = found ? at.attempt + 1 : 1;
		at.count = want;
		apply_token(at.token, d->plan, d->hour, key, p->target, at.attempt);
		if ((rc = store_apply_attempt_new(st, d->plan, d->hour, key, p->target, &at,
						  tm_now(), e)) < 0)
			return rc;
	}
	l.token = at.token;
	if ((rc = providers_compute_launch(c->pc, &l, r, e)) < 0) {
		struct err e2 = ERR_INIT;

		/*
		 * The provider said it launched nothing: a later run starts a new attempt. Else
		 * (no answer, 5xx) the outcome is unknown and the attempt stays pending, to be
		 * replayed under the same token.
		 */
		if (r->answered || rc == ERR_INPUT)
			store_apply_attempt_finish(st, at.id, "failed", 0, tm_now(), &e2);
		return rc;
	}
	if ((rc = store_apply_launched(st, p->provider, p->region, p->pool, d->plan,
				       (const char (*)[128])r->ids, r->nids, tm_now(), e)) < 0)
		return rc;
	return store_apply_attempt_finish(st, at.id, "done", r->nids ? (int)r->nids : r->launched,
					  tm_now(), e);
}

/* Instances of r not already counted in p (a replay hands back listed ones). */
static int newly_launched(const struct apply_pool *p, const struct providers_launch_result *r)
{
	size_t i, k;
	int n = 0;

	if (r->nids == 0)
		return r->launched;
	for (i = 0; i < r->nids; i++) {
		for (k = 0; k < p->nids; k++)
			if (strcmp(p->ids[k], r->ids[i]) == 0)
				break;
		if (k == p->nids)
			n++;
	}
	return n;
}

/*
 * Another offering of the plan for pool p's shortfall (apply.fallback_offerings): same
 * provider, region, GPU model, GPUs per instance and purchase type, cheapest first after
 * the ones already tried (*after: index into d->pools). NULL when none is left.
 */
static const struct apply_pool *next_offering(const struct apply_diff *d,
					      const struct apply_pool *p, size_t *after)
{
	const struct apply_pool *best = NULL;
	size_t i, bi = 0;

	for (i = 0; i < d->n; i++) {
		const struct apply_pool *q = &d->pools[i];
		double qp = q->price, bp = best ? best->price : 0;

		if (!q->in_plan || q == p || strcmp(q->instance_type, p->instance_type) == 0 ||
		    strcmp(q->provider, p->provider) || strcmp(q->region, p->region) ||
		    strcmp(q->purchase, p->purchase) || strcmp(q->gpu_model, p->gpu_model) ||
		    q->gpus != p->gpus || isnan(qp))
			continue;
		/* strictly after the last one tried in (price, index) order */
		if (*after != (size_t)-1) {
			const struct apply_pool *l = &d->pools[*after];

			if (qp < l->price || (qp == l->price && i <= *after))
				continue;
		}
		if (best == NULL || qp < bp || (qp == bp && i < bi)) {
			best = q;
			bi = i;
		}
	}
	if (best)
		*after = bi;
	return best;
}

static int do_launch(struct apply_pool *p, struct client *c, struct store *st,
		     const struct apply_diff *d, int dry, int fallback, int fallback_offers,
		     struct err *e)
{
	struct providers_launch_result r, r2;
	char alts[256] = "";
	size_t after = (size_t)-1;
	const struct apply_pool *q;
	int rc, made, alt = 0;

	rc = launch_attempt(p, c, st, d, dry, 0, NULL, p->launch, &r, e);
	if (rc < 0) {
		snprintf(p->result, sizeof(p->result), "failed: %s", e->msg);
		p->failed = 1;
		err_clear(e);
		free(r.ids);
		return 0;
	}
	if (dry) {
		if (r.call[0])
			snprintf(p->result, sizeof(p->result), "dry run: would call %s", r.call);
		else
			snprintf(p->result, sizeof(p->result), "dry run: would succeed");
		free(r.ids);
		return 0;
	}
	made = newly_launched(p, &r);
	p->achieved += made;
	if (p->achieved > p->target)
		p->achieved = p->target;
	/* spot capacity short: on-demand stand-ins of the same offering, where policy says so */
	if (r.capacity && fallback && p->achieved < p->target &&
	    strcmp(p->purchase, "spot") == 0 && strcmp(p->provider, "azure") != 0) {
		rc = launch_attempt(p, c, st, d, 0, 1, NULL, p->target - p->achieved, &r2, e);
		if (rc < 0) {
			snprintf(p->result, sizeof(p->result), "partial: %d of %d: %s; fallback failed: "
				 "%s", made, p->launch, r.error, e->msg);
			err_clear(e);
			free(r2.ids);
			free(r.ids);
			return 0;
		}
		alt = newly_launched(p, &r2);
		p->achieved += alt;
		if (p->achieved > p->target)
			p->achieved = p->target;
		free(r2.ids);
		if (alt)
			snprintf(alts, sizeof(alts), "%d on-demand", alt);
	}
	/* then the plan's other offerings with the same GPUs, cheapest first */
	while (r.capacity && fallback_offers && p->achieved < p->target &&
	       strcmp(p->provider, "azure") != 0 && (q = next_offering(d, p, &after)) != NULL) {
		int k;

		rc = launch_attempt(p, c, st, d, 0, 2, q->instance_type, p->target - p->achieved, &r2,
				    e);
		if (rc < 0) {
			err_clear(e);
			free(r2.ids);
			continue;
		}
		k = newly_launched(p, &r2);
		p->achieved += k;
		if (p->achieved > p->target)
			p->achieved = p->target;
		if (k)
			snprintf(alts + strlen(alts), sizeof(alts) - strlen(alts), "%s%d %s",
				 alts[0] ? ", " : "", k, q->instance_type);
		alt += k;
		free(r2.ids);
	}
	if (r.capacity && alt)
		snprintf(p->result, sizeof(p->result), "partial: %d of %d: %s; fallback: %s "
			 "stand-ins", made, p->launch, r.error, alts);
	else if (r.capacity)
		snprintf(p->result, sizeof(p->result), "partial: %d of %d: %s", made, p->launch,
			 r.error);
	else
		snprintf(p->result, sizeof(p->result), "ok");
	free(r.ids);
	return 0;
}

static int do_terminate(struct apply_pool *p, struct client *c, struct store *st, int dry,
			struct err *e)
{
	const char **ids = calloc(p->nterm + 1, sizeof(*ids));
	size_t i;
	int rc;

	if (ids == NULL)
		return err_nomem(e);
	for (i = 0; i < p->nterm; i++)
		ids[i] = p->ids[i];
	/*
	 * Recorded before the call: a run killed during it must not count these as launched
	 * and still in flight. Should the call fail, the listing still shows them.
	 */
	rc = dry ? 0 : store_apply_terminated(st, p->provider, ids, p->nterm, e);
	if (rc == 0)
		rc = providers_compute_terminate(c->pc, p->region, p->pool, ids, p->nterm, dry, e);
	free(ids);
	if (rc < 0) {
		snprintf(p->result, sizeof(p->result), "failed: %s", e->msg);
		p->failed = 1;
		err_clear(e);
		return 0;
	}
	if (dry)
		snprintf(p->result, sizeof(p->result), "dry run: would terminate");
	else {
		snprintf(p->result, sizeof(p->result), "ok");
		p->achieved = p->running - (int)p->nterm;
	}
	return 0;
}

static void do_retag(struct apply_pool *p, struct client *c, const char *plan)
{
	const char **ids = calloc(p->nretag + 1, sizeof(*ids));
	struct err e = ERR_INIT;
	size_t i;

	if (ids == NULL)
		return;
	for (i = 0; i < p->nretag; i++)
		ids[i] = p->retag[i];
	/* a kept instance with an old plan tag is still counted by pool: failure is harmless */
	providers_compute_retag(c->pc, p->region, plan, ids, p->nretag, &e);
	free(ids);
}

/* --- output -------------------------------------------------------------------------- */

static int shown(const struct apply_pool *p)
{
	return p->target > 0 || p->running > 0;
}

static int print_json(const struct apply_diff *d, int dry, int shortfall, struct err *e)
{
	char ts[TM_ISO_LEN];
	jw *w = jw_new(0);
	size_t i, k;
	int rc;

	if (w == NULL)
		return err_nomem(e);
	tm_format(d->hour, ts);
	jw_obj(w);
	jw_kstr(w, "plan", d->plan);
	jw_kstr(w, "hour", ts);
	jw_kbool(w, "dry_run", dry);
	jw_key(w, "actions");
	jw_arr(w);
	for (i = 0; i < d->n; i++) {
		const struct apply_pool *p = &d->pools[i];

		if (!shown(p))
			continue;
		jw_obj(w);
		jw_kstr(w, "provider", p->provider);
		jw_kstr(w, "region", p->region);
		jw_kstr(w, "offering", p->instance_type);
		jw_kstr(w, "purchase", strcmp(p->purchase, "spot") == 0 ? "spot" : "ondemand");
		jw_kstr(w, "pool", p->pool);
		jw_kint(w, "running", p->running);
		jw_kint(w, "target", p->target);
		jw_kint(w, "launch", p->launch);
		jw_key(w, "terminate");
		jw_arr(w);
		for (k = 0; k < p->nterm; k++)
			jw_str(w, p->ids[k]);
		jw_arr_end(w);
		jw_kstr(w, "result", p->result[0] ? p->result : "noop");
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kint(w, "shortfall_gpus", shortfall);
	jw_obj_end(w);
	rc = jw_write(w, stdout, e);
	jw_free(w);
	return rc;
}

static void print_table(const struct apply_diff *d, int dry, int shortfall)
{
	char ts[TM_ISO_LEN];
	size_t i;
	int any = 0;

	tm_format(d->hour, ts);
	printf("plan %s, hour %s%s\n", d->plan, ts, dry ? " (dry run: nothing changed)" : "");
	printf("%-48s %7s %6s %6s %9s  %s\n", "pool", "running", "target", "launch", "terminate",
	       "result");
	for (i = 0; i < d->n; i++) {
		const struct apply_pool *p = &d->pools[i];

		if (!shown(p))
			continue;
		any = 1;
		printf("%-48s %7d %6d %6d %9zu  %s\n", p->pool, p->running, p->target, p->launch,
		       p->nterm, p->result[0] ? p->result : "noop");
	}
	if (!any)
		printf("(the plan runs nothing this hour and capplan runs nothing)\n");
	if (shortfall)
		printf("shortfall: %d GPUs\n", shortfall);
}

/* --- apply commitments --------------------------------------------------------------- */

/*
 * The GCP project and Azure subscription come from the config; where it lacks them a
 * <placeholder> stands in and a note says which key would fill it. What only the provider
 * can say (the reservation order id, a machine type's vCPUs and memory) stays a
 * <placeholder> naming the call that gives it.
 */
static int commitments(const struct apply_args *a, const struct config *cfg,
		       const struct plan_result *r, const char *id, struct err *e)
{
	const char *project = config_str(cfg, "providers.gcp.project", NULL);
	const char *sub = config_str(cfg, "providers.azure.subscription_id", NULL);
	size_t o, k;
	int any = 0, need_project = 0, need_sub = 0;

	if (!a->yes || !a->understand)
		return cmd_usage_error(&cmd_apply, e, "apply commitments needs --yes and "
				       "--i-understand-this-costs");
	printf("plan %s: commitments it holds (nothing is bought: these are the calls a person "
	       "would make)\n", id);
	for (o = 0; o < r->noffers; o++) {
		const struct offering *of = &r->offers[o];

		for (k = 0; k < 2; k++) {
			int cnt = r->sp->reserved[o * 2 + k];
			const char *term = k ? "3y" : "1y";

			if (cnt <= 0)
				continue;
			any = 1;
			printf("%s/%s/%s %s x%d\n", of->provider, of->region, of->instance_type, term,
			       cnt);
			if (strcmp(of->provider, "aws") == 0)
				printf("  ec2 DescribeReservedInstancesOfferings InstanceType=%s "
				       "OfferingClass=standard ProductDescription=Linux/UNIX "
				       "InstanceTenancy=default Duration=%d (region %s)\n"
				       "  ec2 PurchaseReservedInstancesOffering "
				       "ReservedInstancesOfferingId=<from above> InstanceCount=%d\n",
				       of->instance_type, k ? 94608000 : 31536000, of->region, cnt);
			else if (strcmp(of->provider, "gcp") == 0) {
				need_project |= project == NULL;
				printf("  POST compute/v1/projects/%s/regions/%s/commitments "
				       "{\"plan\":\"%s\",\"resources\":[<VCPU, MEMORY and ACCELERATOR "
				       "amounts of %d x %s: from machineTypes.get>]}\n",
				       project ? project : "<PROJECT>", of->region,
				       k ? "THIRTY_SIX_MONTH" : "TWELVE_MONTH", cnt, of->instance_type);
			} else {
				char body[512];

				need_sub |= sub == NULL;
				snprintf(body, sizeof(body), "{\"sku\":{\"name\":\"%s\"},\"location\":"
					 "\"%s\",\"properties\":{\"reservedResourceType\":"
					 "\"VirtualMachines\",\"billingScopeId\":\"/subscriptions/%s\","
					 "\"term\":\"%s\",\"quantity\":%d}}", of->instance_type,
					 of->region, sub ? sub : "<SUBSCRIPTION_ID>", k ? "P3Y" : "P1Y",
					 cnt);
				printf("  POST providers/Microsoft.Capacity/calculatePrice"
				       "?api-version=2022-11-01 %s\n"
				       "  PUT providers/Microsoft.Capacity/reservationOrders/"
				       "<reservationOrderId from above>?api-version=2022-11-01 %s\n",
				       body, body);
			}
		}
	}
	if (!any)
		printf("(none)\n");
	if (need_project)
		printf("note: providers.gcp.project is not set: <PROJECT> stands in for it\n");
	if (need_sub)
		printf("note: providers.azure.subscription_id is not set: <SUBSCRIPTION_ID> stands "
		       "in for it\n");
	return 0;
}

/* --- the run ------------------------------------------------------------------------- */

static int apply_main(struct cmd_ctx *ctx, const struct apply_args *a, struct config *cfg,
		      struct err *e)
{
	struct store *st = NULL;
	struct plan_result *r = NULL;
	struct apply_diff d;
	struct lock *lk = NULL;
	struct client cl[3];
	struct audit_ctx ac;
	struct providers_vm *all = NULL, *v = NULL;
	size_t ncl = 0, nall = 0, nv, i, j;
	char plan_id[48], lockpath[4200];
	int64_t at;
	int rc, dry, dflt, shortfall = 0, failed = 0, fallback, fallback_offers;
	long inflight;

	memset(&d, 0, sizeof(d));
	memset(cl, 0, sizeof(cl));
	if ((rc = config_bool(cfg, "apply.dry_run_default", 1, &dflt, e)) < 0)
		return rc;
	{
		/* every apply key is checked before anything is read or called */
		long l;
		double x;
		int b;

		if ((rc = config_long(cfg, "apply.max_launch_per_run", -1, &l, e)) < 0 ||
		    (rc = config_double(cfg, "apply.max_hourly_spend", NAN, &x, e)) < 0 ||
		    (rc = config_long(cfg, "apply.inflight_seconds", 600, &l, e)) < 0 ||
		    (rc = config_long(cfg, "apply.retry_base_ms", 0, &l, e)) < 0 ||
		    (rc = config_bool(cfg, "apply.fallback_to_ondemand", 0, &b, e)) < 0 ||
		    (rc = config_bool(cfg, "apply.fallback_offerings", 0, &b, e)) < 0)
			return rc;
	}
	dry = a->yes ? 0 : a->dry ? 1 : dflt;
	if (a->at) {
		if (tm_parse(a->at, &at) < 0)
			return cmd_usage_error(&cmd_apply, e, "--at is \"%s\", not an ISO time", a->at);
	} else {
		at = tm_now();
	}
	if ((rc = planner_store(ctx, cfg, &st, e)) < 0)
		goto out;
	if ((rc = load_plan(a, st, &r, plan_id, sizeof(plan_id), e)) < 0)
		goto out;
	if (a->commitments) {
		rc = commitments(a, cfg, r, plan_id, e);
		goto out;
	}
	if ((rc = apply_desired(&d, r, plan_id, at, a->provider, e)) < 0)
		goto out;
	if ((rc = config_long(cfg, "apply.inflight_seconds", 600, &inflight, e)) < 0 ||
	    (rc = config_bool(cfg, "apply.fallback_to_ondemand", 0, &fallback, e)) < 0 ||
	    (rc = config_bool(cfg, "apply.fallback_offerings", 0, &fallback_offers, e)) < 0)
		goto out;
	if ((rc = guard_providers(&d, cfg, e)) < 0 || (rc = guard_spend(&d, cfg, e)) < 0)
		goto out;
	/* one run at a time, from the first look at the fleet to the last call */
	snprintf(lockpath, sizeof(lockpath), "%s.lock", store_path(st));
	if ((rc = lock_acquire(&lk, lockpath, e)) < 0)
		goto out;
	ac.st = st;
	ac.plan = plan_id;
	ac.ctx = ctx;
	for (i = 0; i < d.n; i++) {
		if (client_for(cl, ncl, d.pools[i].provider))
			continue;
		if ((rc = client_open(&cl[ncl], d.pools[i].provider, cfg, &ac, e)) < 0) {
			client_close(&cl[ncl]);
			/*
			 * A provider the plan names but gives nothing this hour, with no settings to
			 * reach it: said, and left alone, rather than failing the providers that matter.
			 */
			if (rc == ERR_INPUT && provider_idle(&d, d.pools[i].provider)) {
				cmd_info(ctx, "capplan apply: %s left alone (the plan runs nothing there "
					 "this hour): %s\n", d.pools[i].provider, e->msg);
				err_clear(e);
				drop_provider(&d, d.pools[i].provider);
				i = (size_t)-1;	/* the pools moved: start over */
				rc = 0;
				continue;
			}
			goto out;
		}
		ncl++;
	}
	/* what runs: every (provider, region) the plan names */
	for (i = 0; i < d.n; i++) {
		struct providers_vm *t;

		for (j = 0; j < i; j++)
			if (strcmp(d.pools[j].provider, d.pools[i].provider) == 0 &&
			    strcmp(d.pools[j].region, d.pools[i].region) == 0)
				break;
		if (j < i)
			continue;
		if ((rc = providers_compute_list(client_for(cl, ncl, d.pools[i].provider)->pc,
						 d.pools[i].region, &v, &nv, e)) < 0) {
			err_wrap(e, "listing %s %s", d.pools[i].provider, d.pools[i].region);
			goto out;
		}
		if ((rc = add_inflight(st, d.pools[i].provider, d.pools[i].region, inflight, &v, &nv,
				       ctx, e)) < 0)
			goto out;
		if (nv && (t = realloc(all, (nall + nv) * sizeof(*all))) == NULL) {
			rc = err_nomem(e);
			goto out;
		} else if (nv) {
			all = t;
			memcpy(all + nall, v, nv * sizeof(*v));
			nall += nv;
		}
		free(v);
		v = NULL;
	}
	if ((rc = apply_reconcile(&d, all, nall, e)) < 0)
		goto out;
	if ((rc = guard_launch(&d, cfg, e)) < 0)
		goto out;
	/* make before break: launches first, then scale-down */
	for (i = 0; i < d.n; i++) {
		struct apply_pool *p = &d.pools[i];
		struct client *c = client_for(cl, ncl, p->provider);

		if (c == NULL)
			continue;
		if (p->launch > 0 &&
		    (rc = do_launch(p, c, st, &d, dry, fallback, fallback_offers, e)) < 0)
			goto out;
	}
	for (i = 0; i < d.n; i++) {
		struct apply_pool *p = &d.pools[i];
		struct client *c = client_for(cl, ncl, p->provider);

		if (c == NULL)
			continue;
		if (p->nterm > 0 && (rc = do_terminate(p, c, st, dry, e)) < 0)
			goto out;
		if (!dry && p->nretag > 0)
			do_retag(p, c, d.plan);
	}
	for (i = 0; i < d.n; i++) {
		const struct apply_pool *p = &d.pools[i];

		failed |= p->failed;
		if (!dry && p->achieved < p->target)
			shortfall += (p->target - p->achieved) * (p->gpus > 0 ? p->gpus : 1);
	}
	if (ctx->json)
		rc = print_json(&d, dry, shortfall, e);
	else if (!ctx->quiet)
		print_table(&d, dry, shortfall);
	if (rc == 0 && (shortfall || failed))
		rc = err_set(e, ERR_SHORTFALL, "the fleet does not match the plan: shortfall of %d "
			     "GPUs%s (see the table and capplan audit)", shortfall,
			     failed ? ", and calls failed" : "");
out:
	free(v);
	free(all);
	for (i = 0; i < ncl; i++)
		client_close(&cl[i]);
	lock_release(lk);
	apply_diff_release(&d);
	plan_result_free(r);
	store_close(st);
	return rc;
}

static int run(struct cmd_ctx *ctx, int argc, char **argv, struct err *e)
{
	struct apply_args a;
	struct config *cfg = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	if ((rc = parse_args(&a, argc, argv, e)) < 0)
		return rc;
	if ((rc = planner_config(ctx, &cfg, e)) < 0)
		return rc;
	rc = apply_main(ctx, &a, cfg, e);
	config_free(cfg);
	return rc;
}
