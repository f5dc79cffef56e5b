/* providers_fetch(): the adapters' common ground and the hand-over to planner/. */
#include "providers/fetch.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fetch_ctx_init(struct fetch_ctx *c, const struct providers_fetch_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->o = o;
}

void fetch_ctx_release(struct fetch_ctx *c)
{
	free(c->offers);
	free(c->spot);
	http_client_free(c->http);
	memset(c, 0, sizeof(*c));
}

void fetch_copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

struct offering *fetch_find(struct fetch_ctx *c, const char *region, const char *type)
{
	size_t i;

	for (i = 0; i < c->noffers; i++)
		if (strcmp(c->offers[i].instance_type, type) == 0 &&
		    strcmp(c->offers[i].region, region) == 0)
			return &c->offers[i];
	return NULL;
}

int fetch_offering(struct fetch_ctx *c, const char *region, const struct providers_instance *it,
		   struct offering **out, struct err *e)
{
	struct offering *o;

	if ((o = fetch_find(c, region, it->type)) != NULL) {
		*out = o;
		return 0;
	}
	if (c->noffers == c->capoffers) {
		size_t cap = c->capoffers ? 2 * c->capoffers : 64;
		struct offering *t = realloc(c->offers, cap * sizeof(*t));

		if (t == NULL)
			return err_nomem(e);
		c->offers = t;
		c->capoffers = cap;
	}
	o = &c->offers[c->noffers++];
	memset(o, 0, sizeof(*o));
	snprintf(o->provider, sizeof(o->provider), "%s", it->provider);
	snprintf(o->region, sizeof(o->region), "%s", region);
	snprintf(o->instance_type, sizeof(o->instance_type), "%s", it->type);
	snprintf(o->gpu_model, sizeof(o->gpu_model), "%s", it->gpu_model);
	o->gpus = it->gpus;
	o->vcpus = it->vcpus;
	o->memory_gib = it->memory_gib;
	o->ondemand = o->spot = o->reserved_1y = o->reserved_3y = NAN;
	o->spot_interruption = NAN;
	*out = o;
	return 0;
}

int fetch_spot_add(struct fetch_ctx *c, const struct providers_spot_point *p, struct err *e)
{
	if (c->nspot == c->capspot) {
		size_t cap = c->capspot ? 2 * c->capspot : 256;
		struct providers_spot_point *t = realloc(c->spot, cap * sizeof(*t));

		if (t == NULL)
			return err_nomem(e);
		c->spot = t;
		c->capspot = cap;
	}
	c->spot[c->nspot++] = *p;
	return 0;
}

void fetch_progress(struct fetch_ctx *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (c->o == NULL || c->o->progress == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	c->o->progress(c->o->progress_arg, line);
}

void fetch_skip(struct fetch_ctx *c, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	c->skipped++;
	if (c->first_skip[0] == '\0')
		snprintf(c->first_skip, sizeof(c->first_skip), "%s", line);
	/* a body of a million bad records must not print a million lines */
	if (c->skipped <= 20)
		fetch_progress(c, "skipped: %s", line);
}

int fetch_body_fail(struct fetch_ctx *c, int rc, const char *method, const char *url,
		    struct err *e)
{
	char red[1024];

	if (rc == ERR_INPUT)
		rc = e->code = ERR_RUNTIME;
	if (url && rc != ERR_NOMEM) {
		http_redact_url(url, red, sizeof(red));
		err_wrap(e, "%s: %s %s", c->o && c->o->provider ? c->o->provider : "http", method,
			 red);
	}
	return rc;
}

int fetch_number(const char *s, size_t n, double *v)
{
	char tmp[64], *end;
	size_t i;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	/* decimal only: strtod would take "nan", "inf" and hex */
	for (i = 0; i < n; i++)
		if (!strchr("0123456789+-.eE", s[i]))
			return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	*v = strtod(tmp, &end);
	if (end != tmp + n || errno == ERANGE || !isfinite(*v))
		return -1;
	return 0;
}

int fetch_price_ok(double v)
{
	return isfinite(v) && v > 0 && v <= PROVIDERS_MAX_HOURLY;
}

double providers_median(double *v, size_t n)
{
	size_t i, j;

	if (n == 0)
		return NAN;
	/* insertion sort: a region has a handful of zones */
	for (i = 1; i < n; i++) {
		double x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

const char *const *providers_default_regions(const char *provider)
{
	static const char *const aws[] = { "us-east-1", "us-west-2", "eu-west-1", NULL };
	static const char *const azure[] = { "eastus", "westus2", "westeurope", NULL };
	static const char *const gcp[] = { "us-central1", "us-east1", "europe-west4", NULL };

	if (provider == NULL)
		return NULL;
	if (strcmp(provider, "aws") == 0)
		return aws;
	if (strcmp(provider, "azure") == 0)
		return azure;
	if (strcmp(provider, "gcp") == 0)
		return gcp;
	return NULL;
}

void providers_catalog_free(struct providers_catalog *c)
{
	if (c == NULL)
		return;
	free(c->offerings);
	free(c->spot);
	free(c);
}

static void progress_retry(void *arg, const char *line)
{
	struct fetch_ctx *c = arg;

	fetch_progress(c, "%s", line);
}

int providers_fetch(struct providers_catalog **out, const struct providers_fetch_opts *o,
		    struct err *e)
{
	struct http_opts ho = HTTP_OPTS_INIT;
	struct providers_catalog *cat = NULL;
	struct fetch_ctx c;
	size_t i, k;
	int rc;

	*out = NULL;
	fetch_ctx_init(&c, o);
	if (o->provider == NULL || providers_default_regions(o->provider) == NULL) {
		rc = err_set(e, ERR_INPUT, "\"%s\" is not a provider capplan fetches (aws, gcp, azure)",
			     o->provider ? o->provider : "");
		goto out;
	}
	if (o->nregions == 0) {
		rc = err_set(e, ERR_INPUT, "%s: no regions to fetch", o->provider);
		goto out;
	}
	ho.provider = o->provider;
	if (o->connect_timeout_ms > 0)
		ho.connect_timeout_ms = o->connect_timeout_ms;
	if (o->timeout_ms > 0)
		ho.timeout_ms = o->timeout_ms;
	if (o->max_attempts > 0)
		ho.max_attempts = o->max_attempts;
	if (o->backoff_base_ms > 0)
		ho.backoff_base_ms = o->backoff_base_ms;
	if (o->backoff_cap_ms > 0)
		ho.backoff_cap_ms = o->backoff_cap_ms;
	ho.on_retry = progress_retry;
	ho.on_retry_arg = &c;
	if ((rc = http_client_new(&c.http, &ho, e)) < 0)
		goto out;
	if (strcmp(o->provider, "aws") == 0)
		rc = aws_fetch(&c, e);
	else if (strcmp(o->provider, "azure") == 0)
		rc = azure_fetch(&c, e);
	else
		rc = gcp_fetch(&c, e);
	if (rc < 0)
		goto out;
	if ((cat = calloc(1, sizeof(*cat))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	if (c.noffers && (cat->offerings = calloc(c.noffers, sizeof(*cat->offerings))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	/* the last gate: every offering handed over passes the contract's own check */
	for (i = k = 0; i < c.noffers; i++) {
		struct err ce = ERR_INIT;
		char id[256];

		if (providers_offering_check(&c.offers[i], &ce) < 0) {
			providers_offering_id(&c.offers[i], id, sizeof(id));
			fetch_skip(&c, "%s: %s", id, ce.msg);
			continue;
		}
		cat->offerings[k++] = c.offers[i];
	}
	cat->n = k;
	cat->spot = c.spot;
	cat->nspot = c.nspot;
	c.spot = NULL;
	cat->skipped = c.skipped;
	cat->ignored = c.ignored;
	cat->pages = c.pages;
	snprintf(cat->first_skip, sizeof(cat->first_skip), "%s", c.first_skip);
	*out = cat;
	cat = NULL;
out:
	providers_catalog_free(cat);
	fetch_ctx_release(&c);
	return rc;
}
