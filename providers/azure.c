/*
 * Azure: the Retail Prices API (no authentication), Virtual Machines meters of each region,
 * followed through NextPageLink. Linux only; Consumption (on-demand), " Spot" meters and
 * Reservation 1 Year / 3 Years (whose unitPrice is the whole term's price).
 */
#include "providers/fetch.h"
#include "providers/jstream.h"
#include "util/buf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AZURE_MAX_PAGES 20000
#define AZURE_API_VERSION "2023-01-01-preview"

struct azure_item {
	char currency[8], region[48], sku[80], sku_name[96], product[128], service[48];
	char type[32], term[24], uom[24];
	double price;
	int have_price, primary_false;
	char bad[96];
};

struct azure_page {
	struct fetch_ctx *c;
	struct jstream *j;
	struct azure_item it;
	struct buf next;
	size_t items;
	int saw_items;
	struct err *e;
};

static void item_bad(struct azure_item *it, const char *why)
{
	if (it->bad[0] == '\0')
		snprintf(it->bad, sizeof(it->bad), "%s", why);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Applies one item to the catalog: the classification rules of the issue and PROVIDERS.md. */
static int item_apply(struct azure_page *p, struct err *e)
{
	struct azure_item *it = &p->it;
	struct fetch_ctx *c = p->c;
	const struct providers_instance *in;
	struct offering *o;
	double v;
	int kind, rc;	/* 0 on-demand, 1 spot, 2 reserved 1y, 3 reserved 3y */
	size_t i;
	int region_ok = 0;

	if (strcmp(it->service, "Virtual Machines") != 0 || strstr(it->product, "Windows") ||
	    strstr(it->product, "Cloud Services") || strcmp(it->type, "DevTestConsumption") == 0 ||
	    ends_with(it->sku_name, " Low Priority") || it->primary_false) {
		c->ignored++;
		return 0;
	}
	if ((in = providers_instance_lookup("azure", it->sku)) == NULL) {
		c->ignored++;
		return 0;
	}
	for (i = 0; c->o && i < c->o->nregions; i++)
		if (strcmp(c->o->regions[i], it->region) == 0)
			region_ok = 1;
	if (c->o && c->o->nregions && !region_ok) {
		c->ignored++;
		return 0;
	}
	if (it->bad[0]) {
		fetch_skip(c, "azure/%s/%s: %s", it->region, it->sku, it->bad);
		return 0;
	}
	if (!it->have_price) {
		fetch_skip(c, "azure/%s/%s: an item without \"unitPrice\"", it->region, it->sku);
		return 0;
	}
	if (strcmp(it->currency, "USD") != 0) {
		fetch_skip(c, "azure/%s/%s: currency \"%s\" is not USD", it->region, it->sku,
			   it->currency);
		return 0;
	}
	if (strcmp(it->type, "Consumption") == 0) {
		kind = ends_with(it->sku_name, " Spot") ? 1 : 0;
		v = it->price;
		if (strcmp(it->uom, "1 Hour") != 0) {
			fetch_skip(c, "azure/%s/%s: unit \"%s\" is not \"1 Hour\"", it->region,
				   it->sku, it->uom);
			return 0;
		}
	} else if (strcmp(it->type, "Reservation") == 0) {
		/* the reservation's unitPrice is the whole term, whatever unitOfMeasure says */
		if (strcmp(it->term, "1 Year") == 0) {
			kind = 2;
			v = it->price / 8760.0;
		} else if (strcmp(it->term, "3 Years") == 0) {
			kind = 3;
			v = it->price / 26280.0;
		} else {
			c->ignored++;	/* 5 Years: not a term the planner buys */
			return 0;
		}
	} else {
		c->ignored++;
		return 0;
	}
	if (!fetch_price_ok(v)) {
		/* $0 meters are not yet generally available (SkyPilot): a counted skip too */
		fetch_skip(c, "azure/%s/%s: price %g per hour is not believable", it->region,
			   it->sku, v);
		return 0;
	}
	if ((rc = fetch_offering(c, it->region, in, &o, e)) < 0)
		return rc;
	switch (kind) {
	case 0:
		if (!(v >= o->ondemand))
			o->ondemand = v;
		break;
	case 1:
		if (!(v >= o->spot))
			o->spot = v;
		break;
	case 2:
		if (!(v >= o->reserved_1y))
			o->reserved_1y = v;
		break;
	default:
		if (!(v >= o->reserved_3y))
			o->reserved_3y = v;
		break;
	}
	return 0;
}

static int page_scalar(void *arg, struct jstream *j, int type, const char *s, size_t n)
{
	struct azure_page *p = arg;
	struct azure_item *it = &p->it;
	size_t depth = jstream_depth(j);
	const char *k;

	if (depth == 0)
		return jstream_fail(j, p->e, "the response is not a JSON object");
	if (depth == 1) {
		if (strcmp(jstream_key(j, 1), "NextPageLink") != 0)
			return 0;
		buf_reset(&p->next);
		if (type == JS_NULL)
			return 0;
		if (type != JS_STRING || n > 8192)
			return jstream_fail(j, p->e, "\"NextPageLink\" is not a URL string");
		return buf_add(&p->next, s, n) < 0 ? err_nomem(p->e) : 0;
	}
	if (depth != 3 || !jstream_at(j, "Items", "[]", "*", NULL))
		return 0;
	k = jstream_key(j, 3);
#define TEXT(field, name) \
	if (strcmp(k, name) == 0) { \
		if (type == JS_STRING) \
			fetch_copy(it->field, sizeof(it->field), s, n); \
		else if (type != JS_NULL) \
			item_bad(it, "\"" name "\" is not a string"); \
		return 0; \
	}
	TEXT(currency, "currencyCode")
	TEXT(region, "armRegionName")
	TEXT(sku, "armSkuName")
	TEXT(sku_name, "skuName")
	TEXT(product, "productName")
	TEXT(service, "serviceName")
	TEXT(type, "type")
	TEXT(term, "reservationTerm")
	TEXT(uom, "unitOfMeasure")
#undef TEXT
	if (strcmp(k, "unitPrice") == 0) {
		if (type != JS_NUMBER || fetch_number(s, n, &it->price) < 0)
			item_bad(it, "\"unitPrice\" is not a number");
		else
			it->have_price = 1;
	} else if (strcmp(k, "isPrimaryMeterRegion") == 0 && type == JS_BOOL) {
		it->primary_false = s[0] == 'f';
	}
	return 0;
}

static int page_open(void *arg, struct jstream *j, int is_map)
{
	struct azure_page *p = arg;
	size_t depth = jstream_depth(j);

	if (depth == 1 && !is_map)
		return jstream_fail(j, p->e, "the response is not a JSON object");
	if (depth == 2 && strcmp(jstream_key(j, 1), "Items") == 0) {
		if (is_map)
			return jstream_fail(j, p->e, "\"Items\" is not an array");
		p->saw_items = 1;
	}
	if (depth == 3 && jstream_at(j, "Items", "[]", "{}", NULL))
		memset(&p->it, 0, sizeof(p->it));
	else if (depth == 3 && jstream_at(j, "Items", "[]", "[]", NULL))
		return jstream_fail(j, p->e, "an \"Items\" entry is not an object");
	return 0;
}

static int page_close(void *arg, struct jstream *j, int is_map)
{
	struct azure_page *p = arg;

	if (jstream_depth(j) == 3 && is_map && jstream_at(j, "Items", "[]", "{}", NULL)) {
		p->items++;
		return item_apply(p, p->e);
	}
	return 0;
}

static const struct jstream_handler handler = { page_scalar, page_open, page_close };

int azure_page_new(struct azure_page **out, struct fetch_ctx *c, const char *what,
		   struct err *e)
{
	struct azure_page *p = calloc(1, sizeof(*p));
	int rc;

	*out = NULL;
	if (p == NULL)
		return err_nomem(e);
	p->c = c;
	if ((rc = jstream_new(&p->j, &handler, p, what, e)) < 0) {
		free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void azure_page_free(struct azure_page *p)
{
	if (p == NULL)
		return;
	jstream_free(p->j);
	buf_release(&p->next);
	free(p);
}

int azure_page_feed(void *arg, const char *data, size_t n, struct err *e)
{
	struct azure_page *p = arg;

	p->e = e;
	return jstream_feed(p->j, data, n, e);
}

int azure_page_reset(void *arg, struct err *e)
{
	struct azure_page *p = arg;

	/* items already applied are applied again with the same result (minimum per price) */
	buf_reset(&p->next);
	p->items = 0;
	p->saw_items = 0;
	return jstream_reset(p->j, e);
}

int azure_page_finish(struct azure_page *p, struct err *e)
{
	int rc;

	p->e = e;
	if ((rc = jstream_finish(p->j, e)) < 0)
		return rc;
	if (!p->saw_items)
		return err_set(e, ERR_INPUT, "the response has no \"Items\" array");
	return 0;
}

const char *azure_page_next(const struct azure_page *p)
{
	return buf_str(&p->next);
}

size_t azure_page_items(const struct azure_page *p)
{
	return p->items;
}

/* "scheme://host[:port]" of url, the part a NextPageLink must share with the endpoint. */
static size_t origin_len(const char *url)
{
	const char *p = strstr(url, "://");

	if (p == NULL)
		return 0;
	p += 3;
	return (size_t)(p - url) + strcspn(p, "/?#");
}

static int first_url(struct buf *u, const char *base, const char *region)
{
	char filter[256];

	snprintf(filter, sizeof(filter), "serviceName eq 'Virtual Machines' and "
		 "armRegionName eq '%s'", region);
	buf_reset(u);
	if (buf_printf(u, "%s/api/retail/prices?api-version=%s&meterRegion=%%27primary%%27"
		       "&$filter=", base, AZURE_API_VERSION) < 0 ||
	    http_urlencode(u, filter, strlen(filter)) < 0)
		return ERR_NOMEM;
	return 0;
}

static int fetch_region(struct fetch_ctx *c, const char *base, const char *region, struct err *e)
{
	struct buf url = BUF_INIT, prev = BUF_INIT;
	struct azure_page *p = NULL;
	char what[128];
	size_t olen = origin_len(base);
	int page, rc = 0;

	if (first_url(&url, base, region) < 0) {
		rc = err_nomem(e);
		goto out;
	}
	for (page = 1; page <= AZURE_MAX_PAGES; page++) {
		struct http_request r = HTTP_REQUEST_INIT;
		const char *next;

		snprintf(what, sizeof(what), "retail prices %s page %d", region, page);
		if ((rc = azure_page_new(&p, c, what, e)) < 0)
			goto out;
		r.url = buf_str(&url);
		r.on_data = azure_page_feed;
		r.on_reset = azure_page_reset;
		r.arg = p;
		if ((rc = http_do(c->http, &r, NULL, e)) < 0) {
			rc = fetch_body_fail(c, rc, "GET", NULL, e);
			goto out;
		}
		if ((rc = azure_page_finish(p, e)) < 0) {
			rc = fetch_body_fail(c, rc, "GET", r.url, e);
			goto out;
		}
		c->pages++;
		fetch_progress(c, "azure: %s: page %d, %zu items", region, page,
			       azure_page_items(p));
		next = azure_page_next(p);
		if (*next == '\0')
			goto out;
		/* a link elsewhere than the endpoint we were given is not followed */
		if (olen == 0 || strncmp(next, base, olen) != 0 ||
		    (next[olen] != '/' && next[olen] != '?')) {
			rc = err_set(e, ERR_RUNTIME, "azure: %s: \"NextPageLink\" leaves the endpoint "
				     "%.*s", what, (int)olen, base);
			goto out;
		}
		buf_reset(&prev);
		if (buf_puts(&prev, buf_str(&url)) < 0) {
			rc = err_nomem(e);
			goto out;
		}
		buf_reset(&url);
		if (buf_puts(&url, next) < 0 ||
		    /* one implementation saw the link drop api-version: put it back */
		    (strstr(next, "api-version=") == NULL &&
		     buf_printf(&url, "%sapi-version=%s", strchr(next, '?') ? "&" : "?",
				AZURE_API_VERSION) < 0)) {
			rc = err_nomem(e);
			goto out;
		}
		if (strcmp(buf_str(&url), buf_str(&prev)) == 0) {
			rc = err_set(e, ERR_RUNTIME, "azure: %s: \"NextPageLink\" points at the same "
				     "page", what);
			goto out;
		}
		azure_page_free(p);
		p = NULL;
	}
	rc = err_set(e, ERR_RUNTIME, "azure: retail prices %s: more than %d pages", region,
		     AZURE_MAX_PAGES);
out:
	azure_page_free(p);
	buf_release(&url);
	buf_release(&prev);
	return rc;
}

int azure_fetch(struct fetch_ctx *c, struct err *e)
{
	char base[512];
	size_t i, len;
	int rc;

	snprintf(base, sizeof(base), "%s", c->o->endpoint && *c->o->endpoint ?
		 c->o->endpoint : "https://prices.azure.com");
	len = strlen(base);
	while (len && base[len - 1] == '/')
		base[--len] = '\0';
	if (!http_url_allowed(base))
		return err_set(e, ERR_INPUT, "azure: \"providers.azure.endpoints.prices\" must be an "
			       "https:// URL (plain http:// only for loopback addresses)");
	for (i = 0; i < c->o->nregions; i++)
		if ((rc = fetch_region(c, base, c->o->regions[i], e)) < 0)
			return rc;
	return 0;
}
