/*
 * GCP: the Cloud Billing Catalog API, Compute Engine's SKUs (service 6F81-5844-456A). A GPU
 * VM has no price of its own: it is composed per region and usage type from its family's
 * vCPU and RAM SKUs and its GPU's SKU: vCPUs x Core + GiB x Ram + GPUs x GPU. Usage types:
 * OnDemand (on-demand), Preemptible (spot), Commit1Yr and Commit3Yr (committed use).
 */
#include "providers/fetch.h"
#include "providers/jstream.h"
#include "util/buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GCP_MAX_PAGES 20000
#define GCP_SERVICE "6F81-5844-456A"
#define GCP_MAX_TIERS 8
#define GCP_MAX_REGIONS 256

enum { U_OD, U_SPOT, U_C1Y, U_C3Y, U_N };
enum { C_CPU, C_RAM, C_GPU };

struct gcp_rate {
	char family[24];	/* "A2", "N1 Predefined", ... for CPU/RAM; the GPU key for GPUs */
	int comp, usage;
	char region[32];
	double price;		/* USD per vCPU-hour, GiB-hour or GPU-hour */
};

struct gcp_prices {
	struct fetch_ctx *c;
	struct gcp_rate *v;
	size_t n, cap;
};

struct gcp_sku {
	char desc[256], family[32], group[32], usage[32], unit[24], currency[8];
	double display_qty;
	char regions[GCP_MAX_REGIONS][32];
	size_t nregions;
	int pricing;		/* pricingInfo entries seen: only the first (current) is read */
	struct {
		double start;
		double units, nanos;
		int have_units, have_nanos;
	} tier[GCP_MAX_TIERS];
	int ntiers;
	char bad[96];
};

struct gcp_page {
	struct gcp_prices *g;
	struct jstream *j;
	struct gcp_sku s;
	char next[4096];
	int saw_skus;
	struct err *e;
};

int gcp_prices_new(struct gcp_prices **out, struct fetch_ctx *c, struct err *e)
{
	struct gcp_prices *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (g == NULL)
		return err_nomem(e);
	g->c = c;
	*out = g;
	return 0;
}

void gcp_prices_free(struct gcp_prices *g)
{
	if (g == NULL)
		return;
	free(g->v);
	free(g);
}

static struct gcp_rate *rate_find(struct gcp_prices *g, const char *family, int comp, int usage,
				  const char *region)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->v[i].comp == comp && g->v[i].usage == usage &&
		    strcmp(g->v[i].family, family) == 0 && strcmp(g->v[i].region, region) == 0)
			return &g->v[i];
	return NULL;
}

static int rate_put(struct gcp_prices *g, const char *family, int comp, int usage,
		    const char *region, double price, struct err *e)
{
	struct gcp_rate *r = rate_find(g, family, comp, usage, region);

	if (r) {
		/* two SKUs for the same thing (old "Preemptible" and new "Spot Preemptible"): the lower */
		if (price < r->price)
			r->price = price;
		return 0;
	}
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 128;
		struct gcp_rate *t = realloc(g->v, cap * sizeof(*t));

		if (t == NULL)
			return err_nomem(e);
		g->v = t;
		g->cap = cap;
	}
	r = &g->v[g->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->family, sizeof(r->family), "%s", family);
	snprintf(r->region, sizeof(r->region), "%s", region);
	r->comp = comp;
	r->usage = usage;
	r->price = price;
	return 0;
}

/* The GPU key of a SKU description ("Nvidia Tesla A100 80GB GPU running in ..."), or NULL. */
static const char *gpu_key(const char *d)
{
	if (strstr(d, "H100 80GB Mega") || strstr(d, "H100 Mega 80GB") ||
	    strstr(d, "H100 80GB Plus"))
		return "H100MEGA";
	if (strstr(d, "H100 80GB"))
		return "H100";
	if (strstr(d, "H200"))
		return "H200";
	if (strstr(d, "A100 80GB"))
		return "A10080";
	if (strstr(d, "A100"))
		return "A100";
	if (strstr(d, " L4 "))
		return "L4";
	if (strstr(d, " T4 "))
		return "T4";
	if (strstr(d, " V100 "))
		return "V100";
	return NULL;
}

/* The GPU key of an accelerator type of the instance table. */
static const char *accel_key(const char *acc)
{
	static const char *const m[][2] = {
		{ "nvidia-tesla-a100", "A100" }, { "nvidia-a100-80gb", "A10080" },
		{ "nvidia-h100-80gb", "H100" }, { "nvidia-h100-mega-80gb", "H100MEGA" },
		{ "nvidia-h200-141gb", "H200" }, { "nvidia-l4", "L4" },
		{ "nvidia-tesla-t4", "T4" }, { "nvidia-tesla-v100", "V100" },
	};
	size_t i;

	for (i = 0; acc && i < sizeof(m) / sizeof(m[0]); i++)
		if (strcmp(m[i][0], acc) == 0)
			return m[i][1];
	return NULL;
}

/* The SKU family of an instance family of the table. */
static const char *family_key(const char *fam)
{
	static const char *const m[][2] = {
		{ "a2", "A2" }, { "a3", "A3" }, { "a3-mega", "A3 Mega" }, { "a3-ultra", "A3 Ultra" },
		{ "g2", "G2" }, { "n1", "N1 Predefined" },
	};
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strcmp(m[i][0], fam) == 0)
			return m[i][1];
	return NULL;
}

/*
 * CPU and RAM SKUs: "[Spot Preemptible ]A2 Instance Core running in Americas",
 * "N1 Predefined Instance Ram running in ...", "Commitment v1: A2 Cpu in Americas for 1 Year"
 * (N1's commitments have no family: "Commitment v1: Cpu in ..."). Fills the family; returns
 * C_CPU, C_RAM or -1.
 */
static int cpu_ram(const char *d, char *family, size_t n)
{
	const char *p = d, *q;
	int comp = -1;

	if (strncmp(p, "Commitment v1: ", 15) == 0) {
		p += 15;
		if ((q = strstr(p, "Cpu in ")) != NULL)
			comp = C_CPU;
		else if ((q = strstr(p, "Ram in ")) != NULL)
			comp = C_RAM;
		else
			return -1;
		if (q == p) {
			snprintf(family, n, "N1 Predefined");
			return comp;
		}
		fetch_copy(family, n, p, (size_t)(q - p - (q > p && q[-1] == ' ')));
		return comp;
	}
	if (strncmp(p, "Spot Preemptible ", 17) == 0)
		p += 17;
	else if (strncmp(p, "Preemptible ", 12) == 0)
		p += 12;
	if ((q = strstr(p, " Instance Core running in ")) != NULL)
		comp = C_CPU;
	else if ((q = strstr(p, " Instance Ram running in ")) != NULL)
		comp = C_RAM;
	else
		return -1;
	fetch_copy(family, n, p, (size_t)(q - p));
	return comp;
}

static void sku_bad(struct gcp_sku *s, const char *why)
{
	if (s->bad[0] == '\0')
		snprintf(s->bad, sizeof(s->bad), "%s", why);
}

static int sku_apply(struct gcp_page *p, struct err *e)
{
	struct gcp_sku *s = &p->s;
	struct fetch_ctx *c = p->g->c;
	char family[32];
	const char *key;
	double price;
	int usage, comp, best = -1, i, rc;
	size_t k, r;

	/* some Spot SKUs say usageType OnDemand (SkyPilot #8125): the description decides */
	if (strncmp(s->desc, "Spot Preemptible ", 17) == 0 || strncmp(s->desc, "Preemptible ", 12) == 0)
		usage = strcmp(s->usage, "OnDemand") == 0 || strcmp(s->usage, "Preemptible") == 0 ?
			U_SPOT : -1;
	else if (strcmp(s->usage, "OnDemand") == 0)
		usage = U_OD;
	else if (strcmp(s->usage, "Preemptible") == 0)
		usage = U_SPOT;
	else if (strcmp(s->usage, "Commit1Yr") == 0)
		usage = U_C1Y;
	else if (strcmp(s->usage, "Commit3Yr") == 0)
		usage = U_C3Y;
	else
		usage = -1;
	if (usage < 0 || strcmp(s->family, "Compute") != 0 || strstr(s->desc, "Sole Tenancy") ||
	    strstr(s->desc, "Custom") || strstr(s->desc, "Workstation") ||
	    strstr(s->desc, "DWS") || strstr(s->desc, "Reserved")) {
		c->ignored++;
		return 0;
	}
	if (strcmp(s->group, "GPU") == 0) {
		if ((key = gpu_key(s->desc)) == NULL) {
			c->ignored++;
			return 0;
		}
		snprintf(family, sizeof(family), "%s", key);
		comp = C_GPU;
	} else if (strcmp(s->group, "CPU") == 0 || strcmp(s->group, "RAM") == 0 ||
		   strcmp(s->group, "N1Standard") == 0) {
		if ((comp = cpu_ram(s->desc, family, sizeof(family))) < 0) {
			c->ignored++;
			return 0;
		}
	} else {
		c->ignored++;
		return 0;
	}
	if (s->bad[0]) {
		fetch_skip(c, "gcp: sku \"%.80s\": %s", s->desc, s->bad);
		return 0;
	}
	if (comp == C_RAM ? strcmp(s->unit, "GiBy.h") != 0 : strcmp(s->unit, "h") != 0) {
		fetch_skip(c, "gcp: sku \"%.80s\": usage unit \"%s\" is not %s", s->desc, s->unit,
			   comp == C_RAM ? "GiBy.h" : "h");
		return 0;
	}
	if (s->currency[0] && strcmp(s->currency, "USD") != 0) {
		fetch_skip(c, "gcp: sku \"%.80s\": currency \"%s\" is not USD", s->desc, s->currency);
		return 0;
	}
	/*
	 * The tier that covers a VM running all month: the highest tier starting at or below
	 * 730 units (the first tier is sometimes free, the last can start far beyond).
	 */
	for (i = 0; i < s->ntiers; i++)
		if (s->tier[i].start <= 730 && (best < 0 || s->tier[i].start >= s->tier[best].start))
			best = i;
	if (best < 0 || !s->tier[best].have_units) {
		fetch_skip(c, "gcp: sku \"%.80s\": no usable tiered rate", s->desc);
		return 0;
	}
	price = s->tier[best].units + s->tier[best].nanos / 1e9;
	if (s->display_qty > 0)
		price /= s->display_qty;
	if (price == 0) {
		c->ignored++;	/* $0 SKUs are reserved-capacity placeholders (opencost) */
		return 0;
	}
	if (!(price > 0) || !isfinite(price) || price > PROVIDERS_MAX_HOURLY) {
		fetch_skip(c, "gcp: sku \"%.80s\": price %g is not believable", s->desc, price);
		return 0;
	}
	for (k = 0; k < s->nregions; k++) {
		for (r = 0; c->o && r < c->o->nregions; r++)
			if (strcmp(c->o->regions[r], s->regions[k]) == 0)
				break;
		if (c->o && c->o->nregions && r == c->o->nregions)
			continue;
		if ((rc = rate_put(p->g, family, comp, usage, s->regions[k], price, e)) < 0)
			return rc;
	}
	return 0;
}

static int num(struct gcp_page *p, int type, const char *s, size_t n, double *v, const char *f)
{
	/* units is an int64 written as a string; the other numbers are JSON numbers */
	if ((type != JS_NUMBER && type != JS_STRING) || fetch_number(s, n, v) < 0) {
		char why[64];

		snprintf(why, sizeof(why), "\"%s\" is not a number", f);
		sku_bad(&p->s, why);
		return -1;
	}
	return 0;
}

static int page_scalar(void *arg, struct jstream *j, int type, const char *s, size_t n)
{
	struct gcp_page *p = arg;
	struct gcp_sku *k = &p->s;
	size_t depth = jstream_depth(j);

	if (depth == 0)
		return jstream_fail(j, p->e, "the response is not a JSON object");
	if (depth == 1) {
		if (strcmp(jstream_key(j, 1), "nextPageToken") != 0)
			return 0;
		if (type == JS_NULL) {
			p->next[0] = '\0';
			return 0;
		}
		if (type != JS_STRING || n >= sizeof(p->next))
			return jstream_fail(j, p->e, "\"nextPageToken\" is not a short string");
		fetch_copy(p->next, sizeof(p->next), s, n);
		return 0;
	}
	if (depth < 3 || strcmp(jstream_key(j, 1), "skus") != 0)
		return 0;
	if (depth == 3) {
		if (strcmp(jstream_key(j, 3), "description") == 0) {
			if (type != JS_STRING)
				sku_bad(k, "\"description\" is not a string");
			else
				fetch_copy(k->desc, sizeof(k->desc), s, n);
		}
		return 0;
	}
	if (depth == 4 && strcmp(jstream_key(j, 3), "category") == 0 && type == JS_STRING) {
		const char *f = jstream_key(j, 4);

		if (strcmp(f, "resourceFamily") == 0)
			fetch_copy(k->family, sizeof(k->family), s, n);
		else if (strcmp(f, "resourceGroup") == 0)
			fetch_copy(k->group, sizeof(k->group), s, n);
		else if (strcmp(f, "usageType") == 0)
			fetch_copy(k->usage, sizeof(k->usage), s, n);
		return 0;
	}
	if (depth == 4 && jstream_at(j, "skus", "[]", "serviceRegions", "[]", NULL)) {
		if (type != JS_STRING)
			sku_bad(k, "a \"serviceRegions\" entry is not a string");
		else if (k->nregions < GCP_MAX_REGIONS)
			fetch_copy(k->regions[k->nregions++], sizeof(k->regions[0]), s, n);
		return 0;
	}
	if (strcmp(jstream_key(j, 3), "pricingInfo") != 0 || k->pricing != 1 || depth < 6 ||
	    strcmp(jstream_key(j, 5), "pricingExpression") != 0)
		return 0;
	if (depth == 6) {
		const char *f = jstream_key(j, 6);

		if (strcmp(f, "usageUnit") == 0 && type == JS_STRING)
			fetch_copy(k->unit, sizeof(k->unit), s, n);
		else if (strcmp(f, "displayQuantity") == 0)
			num(p, type, s, n, &k->display_qty, "displayQuantity");
		return 0;
	}
	if (strcmp(jstream_key(j, 6), "tieredRates") != 0 || k->ntiers == 0 ||
	    k->ntiers > GCP_MAX_TIERS)
		return 0;
	if (depth == 8 && strcmp(jstream_key(j, 8), "startUsageAmount") == 0) {
		num(p, type, s, n, &k->tier[k->ntiers - 1].start, "startUsageAmount");
	} else if (depth == 9 && strcmp(jstream_key(j, 8), "unitPrice") == 0) {
		const char *f = jstream_key(j, 9);

		if (strcmp(f, "units") == 0) {
			if (num(p, type, s, n, &k->tier[k->ntiers - 1].units, "units") == 0)
				k->tier[k->ntiers - 1].have_units = 1;
		} else if (strcmp(f, "nanos") == 0) {
			num(p, type, s, n, &k->tier[k->ntiers - 1].nanos, "nanos");
		} else if (strcmp(f, "currencyCode") == 0 && type == JS_STRING) {
			fetch_copy(k->currency, sizeof(k->currency), s, n);
		}
	}
	return 0;
}

static int page_open(void *arg, struct jstream *j, int is_map)
{
	struct gcp_page *p = arg;
	struct gcp_sku *k = &p->s;
	size_t depth = jstream_depth(j);

	if (depth == 1 && !is_map)
		return jstream_fail(j, p->e, "the response is not a JSON object");
	if (depth == 2 && strcmp(jstream_key(j, 1), "skus") == 0) {
		if (is_map)
			return jstream_fail(j, p->e, "\"skus\" is not an array");
		p->saw_skus = 1;
	}
	if (depth == 3 && is_map && jstream_at(j, "skus", "[]", "{}", NULL)) {
		memset(k, 0, sizeof(*k));
		k->display_qty = 1;
	} else if (depth == 5 && is_map &&
		   jstream_at(j, "skus", "[]", "pricingInfo", "[]", "{}", NULL)) {
		k->pricing++;
	} else if (depth == 8 && is_map && k->pricing == 1 &&
		   jstream_at(j, "skus", "[]", "pricingInfo", "[]", "pricingExpression",
			      "tieredRates", "[]", "{}", NULL)) {
		if (k->ntiers < GCP_MAX_TIERS) {
			k->ntiers++;
		} else {
			sku_bad(k, "more tiered rates than capplan reads");
			k->ntiers = GCP_MAX_TIERS + 1;
		}
	}
	return 0;
}

static int page_close(void *arg, struct jstream *j, int is_map)
{
	struct gcp_page *p = arg;

	if (jstream_depth(j) == 3 && is_map && jstream_at(j, "skus", "[]", "{}", NULL)) {
		if (p->s.ntiers > GCP_MAX_TIERS)
			p->s.ntiers = GCP_MAX_TIERS;
		return sku_apply(p, p->e);
	}
	return 0;
}

static const struct jstream_handler handler = { page_scalar, page_open, page_close };

int gcp_page_new(struct gcp_page **out, struct gcp_prices *g, const char *what, struct err *e)
{
	struct gcp_page *p = calloc(1, sizeof(*p));
	int rc;

	*out = NULL;
	if (p == NULL)
		return err_nomem(e);
	p->g = g;
	if ((rc = jstream_new(&p->j, &handler, p, what, e)) < 0) {
		free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void gcp_page_free(struct gcp_page *p)
{
	if (p == NULL)
		return;
	jstream_free(p->j);
	free(p);
}

int gcp_page_feed(void *arg, const char *data, size_t n, struct err *e)
{
	struct gcp_page *p = arg;

	p->e = e;
	return jstream_feed(p->j, data, n, e);
}

int gcp_page_reset(void *arg, struct err *e)
{
	struct gcp_page *p = arg;

	/* SKUs read twice keep their price: rate_put keeps the lower of equal prices */
	p->next[0] = '\0';
	p->saw_skus = 0;
	return jstream_reset(p->j, e);
}

int gcp_page_finish(struct gcp_page *p, struct err *e)
{
	int rc;

	p->e = e;
	if ((rc = jstream_finish(p->j, e)) < 0)
		return rc;
	if (!p->saw_skus)
		return err_set(e, ERR_INPUT, "the response has no \"skus\" array");
	return 0;
}

const char *gcp_page_next(const struct gcp_page *p)
{
	return p->next;
}

int gcp_compose(struct gcp_prices *g, struct err *e)
{
	struct fetch_ctx *c = g->c;
	const struct providers_instance *it;
	size_t i, r;
	int u, rc;

	for (r = 0; r < c->o->nregions; r++) {
		const char *region = c->o->regions[r];

		for (i = 0; (it = providers_instance_at(i)) != NULL; i++) {
			const char *fk, *gk;
			double price[U_N];
			int any = 0;
			struct offering *o;

			if (strcmp(it->provider, "gcp") != 0 || (fk = family_key(it->family)) == NULL ||
			    (gk = accel_key(it->accelerator)) == NULL)
				continue;
			for (u = 0; u < U_N; u++) {
				struct gcp_rate *core = rate_find(g, fk, C_CPU, u, region);
				struct gcp_rate *ram = rate_find(g, fk, C_RAM, u, region);
				struct gcp_rate *gpu = rate_find(g, gk, C_GPU, u, region);

				price[u] = NAN;
				/* all three parts or no price: a VM without its GPU is not this VM */
				if (core == NULL || ram == NULL || gpu == NULL)
					continue;
				price[u] = it->vcpus * core->price + it->memory_gib * ram->price +
					   it->gpus * gpu->price;
				if (!fetch_price_ok(price[u])) {
					fetch_skip(c, "gcp/%s/%s: composed price %g is not believable",
						   region, it->type, price[u]);
					price[u] = NAN;
					continue;
				}
				any = 1;
			}
			if (!any)
				continue;
			if ((rc = fetch_offering(c, region, it, &o, e)) < 0)
				return rc;
			o->ondemand = price[U_OD];
			o->spot = price[U_SPOT];
			o->reserved_1y = price[U_C1Y];
			o->reserved_3y = price[U_C3Y];
		}
	}
	return 0;
}

int gcp_fetch(struct fetch_ctx *c, struct err *e)
{
	struct gcp_prices *g = NULL;
	struct gcp_page *p = NULL;
	struct buf url = BUF_INIT;
	char base[512], token[4096] = "", what[96];
	size_t len;
	int page, rc = 0;

	if (c->o->api_key == NULL || *c->o->api_key == '\0')
		return err_set(e, ERR_INPUT, "gcp: no API key: set \"providers.gcp.api_key\" in the "
			       "config or CAPPLAN_GCP_API_KEY");
	snprintf(base, sizeof(base), "%s", c->o->endpoint && *c->o->endpoint ?
		 c->o->endpoint : "https://cloudbilling.googleapis.com");
	len = strlen(base);
	while (len && base[len - 1] == '/')
		base[--len] = '\0';
	if (!http_url_allowed(base))
		return err_set(e, ERR_INPUT, "gcp: \"providers.gcp.endpoints.billing\" must be an "
			       "https:// URL (plain http:// only for loopback addresses)");
	if ((rc = gcp_prices_new(&g, c, e)) < 0)
		return rc;
	for (page = 1; page <= GCP_MAX_PAGES; page++) {
		struct http_request r = HTTP_REQUEST_INIT;

		buf_reset(&url);
		if (buf_printf(&url, "%s/v1/services/%s/skus?key=", base, GCP_SERVICE) < 0 ||
		    http_urlencode(&url, c->o->api_key, strlen(c->o->api_key)) < 0 ||
		    buf_puts(&url, "&currencyCode=USD&pageSize=5000") < 0 ||
		    (token[0] && (buf_puts(&url, "&pageToken=") < 0 ||
				  http_urlencode(&url, token, strlen(token)) < 0))) {
			rc = err_nomem(e);
			goto out;
		}
		snprintf(what, sizeof(what), "billing catalog page %d", page);
		if ((rc = gcp_page_new(&p, g, what, e)) < 0)
			goto out;
		r.url = buf_str(&url);
		r.on_data = gcp_page_feed;
		r.on_reset = gcp_page_reset;
		r.arg = p;
		if ((rc = http_do(c->http, &r, NULL, e)) < 0) {
			rc = fetch_body_fail(c, rc, "GET", NULL, e);
			goto out;
		}
		if ((rc = gcp_page_finish(p, e)) < 0) {
			rc = fetch_body_fail(c, rc, "GET", r.url, e);
			goto out;
		}
		c->pages++;
		fetch_progress(c, "gcp: billing catalog page %d", page);
		if (gcp_page_next(p)[0] == '\0')
			break;
		if (strcmp(gcp_page_next(p), token) == 0) {
			rc = err_set(e, ERR_RUNTIME, "gcp: %s repeats the same nextPageToken", what);
			goto out;
		}
		snprintf(token, sizeof(token), "%s", gcp_page_next(p));
		gcp_page_free(p);
		p = NULL;
	}
	if (page > GCP_MAX_PAGES) {
		rc = err_set(e, ERR_RUNTIME, "gcp: billing catalog: more than %d pages",
			     GCP_MAX_PAGES);
		goto out;
	}
	rc = gcp_compose(g, e);
out:
	/* the URL holds the key: wipe it */
	if (url.p)
		memset(url.p, 0, url.cap);
	buf_release(&url);
	gcp_page_free(p);
	gcp_prices_free(g);
	return rc;
}
