/*
 * AWS: the Price List Query API (GetProducts, awsJson1.1) for on-demand and reserved prices,
 * and EC2 DescribeSpotPriceHistory (Query API, XML) for spot prices. Both signed with SigV4.
 */
#include "providers/fetch.h"
#include "providers/jstream.h"
#include "providers/sigv4.h"
#include "util/buf.h"
#include "util/jw.h"
#include "util/tm.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AWS_MAX_PAGES 20000
#define AWS_MAX_TOKEN 4096

/* --- one PriceList element ---------------------------------------------------------------- */

struct aws_term {
	int reserved;		/* 0 = OnDemand */
	char lease[16], klass[24], purchase[32];
	double hrs, upfront;
	int have_hrs, bad;
	char why[96];
	/* the dimension being read */
	char unit[24], begin[24];
	double price;
	int have_price, price_bad;
};

struct aws_doc {
	struct fetch_ctx *c;
	const char *region;
	char type[64], region_code[48], os[32], tenancy[32], capacity[32], presw[32];
	char license[48], family[48];
	int have_license, have_presw, have_capacity;
	double od, r1, r3;
	int od_bad;
	char bad[128];		/* the first reason a price of this product was refused */
	struct aws_term t;
};

static void doc_bad(struct aws_doc *d, const char *why)
{
	if (d->bad[0] == '\0')
		snprintf(d->bad, sizeof(d->bad), "%s", why);
}

static int doc_scalar(void *arg, struct jstream *j, int type, const char *s, size_t n)
{
	struct aws_doc *d = arg;
	size_t depth = jstream_depth(j);
	const char *k1 = jstream_key(j, 1);

	if (depth == 3 && strcmp(k1, "product") == 0 &&
	    strcmp(jstream_key(j, 2), "attributes") == 0) {
		const char *k = jstream_key(j, 3);

		if (type != JS_STRING)
			return 0;
		if (strcmp(k, "instanceType") == 0)
			fetch_copy(d->type, sizeof(d->type), s, n);
		else if (strcmp(k, "regionCode") == 0)
			fetch_copy(d->region_code, sizeof(d->region_code), s, n);
		else if (strcmp(k, "operatingSystem") == 0)
			fetch_copy(d->os, sizeof(d->os), s, n);
		else if (strcmp(k, "tenancy") == 0)
			fetch_copy(d->tenancy, sizeof(d->tenancy), s, n);
		else if (strcmp(k, "capacitystatus") == 0) {
			fetch_copy(d->capacity, sizeof(d->capacity), s, n);
			d->have_capacity = 1;
		} else if (strcmp(k, "preInstalledSw") == 0) {
			fetch_copy(d->presw, sizeof(d->presw), s, n);
			d->have_presw = 1;
		} else if (strcmp(k, "licenseModel") == 0) {
			fetch_copy(d->license, sizeof(d->license), s, n);
			d->have_license = 1;
		}
		return 0;
	}
	if (depth == 2 && strcmp(k1, "product") == 0 &&
	    strcmp(jstream_key(j, 2), "productFamily") == 0 && type == JS_STRING) {
		fetch_copy(d->family, sizeof(d->family), s, n);
		return 0;
	}
	/* terms.<kind>.<term code>.{termAttributes,priceDimensions.<dimension code>} */
	if (strcmp(k1, "terms") != 0 || depth < 5)
		return 0;
	if (depth == 5 && strcmp(jstream_key(j, 4), "termAttributes") == 0 && type == JS_STRING) {
		const char *k = jstream_key(j, 5);

		if (strcmp(k, "LeaseContractLength") == 0)
			fetch_copy(d->t.lease, sizeof(d->t.lease), s, n);
		else if (strcmp(k, "OfferingClass") == 0)
			fetch_copy(d->t.klass, sizeof(d->t.klass), s, n);
		else if (strcmp(k, "PurchaseOption") == 0)
			fetch_copy(d->t.purchase, sizeof(d->t.purchase), s, n);
		return 0;
	}
	if (strcmp(jstream_key(j, 4), "priceDimensions") != 0)
		return 0;
	if (depth == 6) {
		const char *k = jstream_key(j, 6);

		if (strcmp(k, "unit") == 0)
			fetch_copy(d->t.unit, sizeof(d->t.unit), s, type == JS_STRING ? n : 0);
		else if (strcmp(k, "beginRange") == 0)
			fetch_copy(d->t.begin, sizeof(d->t.begin), s, n);
	} else if (depth == 7 && strcmp(jstream_key(j, 6), "pricePerUnit") == 0 &&
		   strcmp(jstream_key(j, 7), "USD") == 0) {
		/* prices are strings in the API; a bare number is read the same way */
		if ((type != JS_STRING && type != JS_NUMBER) ||
		    fetch_number(s, n, &d->t.price) < 0)
			d->t.price_bad = 1;
		else
			d->t.have_price = 1;
	}
	return 0;
}

static int doc_open(void *arg, struct jstream *j, int is_map)
{
	struct aws_doc *d = arg;
	size_t depth = jstream_depth(j);

	if (!is_map || strcmp(jstream_key(j, 1), "terms") != 0)
		return 0;
	if (depth == 4) {
		memset(&d->t, 0, sizeof(d->t));
		d->t.reserved = strcmp(jstream_key(j, 2), "Reserved") == 0;
		if (!d->t.reserved && strcmp(jstream_key(j, 2), "OnDemand") != 0)
			d->t.bad = 1;	/* another kind of term: not ours */
	} else if (depth == 6 && strcmp(jstream_key(j, 4), "priceDimensions") == 0) {
		d->t.unit[0] = d->t.begin[0] = '\0';
		d->t.have_price = d->t.price_bad = 0;
	}
	return 0;
}

static int doc_close(void *arg, struct jstream *j, int is_map)
{
	struct aws_doc *d = arg;
	size_t depth = jstream_depth(j);
	struct aws_term *t = &d->t;

	if (!is_map || strcmp(jstream_key(j, 1), "terms") != 0)
		return 0;
	if (depth == 6 && strcmp(jstream_key(j, 4), "priceDimensions") == 0) {
		if (t->price_bad || !t->have_price) {
			t->bad = 1;
			snprintf(t->why, sizeof(t->why), "a price dimension has no USD price");
		} else if (strcmp(t->unit, "Hrs") == 0) {
			/* tiered hourly prices: the tier that starts at zero is the list price */
			if (t->begin[0] == '\0' || strcmp(t->begin, "0") == 0) {
				t->hrs += t->price;
				t->have_hrs = 1;
			}
		} else if (strcmp(t->unit, "Quantity") == 0) {
			t->upfront += t->price;
		} else {
			t->bad = 1;
			snprintf(t->why, sizeof(t->why), "unit \"%.24s\" is neither Hrs nor Quantity",
				 t->unit);
		}
		if (t->price < 0)
			t->bad = 1, snprintf(t->why, sizeof(t->why), "a negative price");
	} else if (depth == 4) {
		double eff;

		if (t->bad) {
			if (t->why[0])
				doc_bad(d, t->why);
			return 0;
		}
		if (!t->reserved) {
			if (t->have_hrs && !(t->hrs >= d->od)) {
				d->od = t->hrs;
			}
			if (!t->have_hrs)
				doc_bad(d, "an OnDemand term without an hourly price");
			return 0;
		}
		/* standard reserved terms only: convertible ones are not what the contract prices */
		if (strcmp(t->klass, "standard") != 0)
			return 0;
		if (strcmp(t->lease, "1yr") == 0 || strcmp(t->lease, "1 yr") == 0) {
			eff = t->hrs + t->upfront / 8760.0;
			if (!fetch_price_ok(eff))
				doc_bad(d, "a 1yr reserved price out of range");
			else if (!(eff >= d->r1))
				d->r1 = eff;
		} else if (strcmp(t->lease, "3yr") == 0 || strcmp(t->lease, "3 yr") == 0) {
			eff = t->hrs + t->upfront / 26280.0;
			if (!fetch_price_ok(eff))
				doc_bad(d, "a 3yr reserved price out of range");
			else if (!(eff >= d->r3))
				d->r3 = eff;
		}
	}
	return 0;
}

static const struct jstream_handler doc_handler = { doc_scalar, doc_open, doc_close };

static int doc_apply(struct aws_doc *d, struct err *e)
{
	struct fetch_ctx *c = d->c;
	const struct providers_instance *it;
	struct offering *o;
	int rc;

	/* the request's filters, checked again: a record that does not match is not ours */
	if ((d->family[0] && strcmp(d->family, "Compute Instance") != 0) ||
	    strcmp(d->os, "Linux") != 0 || strcmp(d->tenancy, "Shared") != 0 ||
	    (d->have_capacity && strcmp(d->capacity, "Used") != 0) ||
	    (d->have_presw && strcmp(d->presw, "NA") != 0) ||
	    (d->have_license && strcmp(d->license, "No License required") != 0) ||
	    (d->region_code[0] && strcmp(d->region_code, d->region) != 0)) {
		c->ignored++;
		return 0;
	}
	if (d->type[0] == '\0') {
		fetch_skip(c, "aws %s: a product without instanceType", d->region);
		return 0;
	}
	if ((it = providers_instance_lookup("aws", d->type)) == NULL) {
		c->ignored++;
		return 0;
	}
	if (d->bad[0]) {
		fetch_skip(c, "aws/%s/%s: %s", d->region, d->type, d->bad);
		return 0;
	}
	if (!isnan(d->od) && !fetch_price_ok(d->od)) {
		fetch_skip(c, "aws/%s/%s: on-demand price %g is not a believable hourly price",
			   d->region, d->type, d->od);
		return 0;
	}
	if (isnan(d->od) && isnan(d->r1) && isnan(d->r3)) {
		c->ignored++;
		return 0;
	}
	if ((rc = fetch_offering(c, d->region, it, &o, e)) < 0)
		return rc;
	if (!isnan(d->od) && !(d->od >= o->ondemand))
		o->ondemand = d->od;
	if (!isnan(d->r1) && !(d->r1 >= o->reserved_1y))
		o->reserved_1y = d->r1;
	if (!isnan(d->r3) && !(d->r3 >= o->reserved_3y))
		o->reserved_3y = d->r3;
	return 0;
}

static int parse_doc(struct fetch_ctx *c, struct jstream *j, struct aws_doc *d,
		     const char *doc, size_t n, struct err *e)
{
	struct err pe = ERR_INIT;
	int rc;

	if ((rc = jstream_feed(j, doc, n, &pe)) < 0 || (rc = jstream_finish(j, &pe)) < 0) {
		if (rc == ERR_NOMEM)
			return err_nomem(e);
		/* the page itself is sound: one unreadable product is a counted skip */
		fetch_skip(c, "aws %s: a PriceList item: %s", d->region, pe.msg);
		return 0;
	}
	return doc_apply(d, e);
}

static void doc_init(struct aws_doc *d, struct fetch_ctx *c, const char *region)
{
	memset(d, 0, sizeof(*d));
	d->c = c;
	d->region = region;
	d->od = d->r1 = d->r3 = NAN;
}

int aws_product_doc(struct fetch_ctx *c, const char *region, const char *doc, size_t n,
		    struct err *e)
{
	struct aws_doc d;
	struct jstream *j = NULL;
	int rc;

	doc_init(&d, c, region);
	if ((rc = jstream_new(&j, &doc_handler, &d, "PriceList item", e)) < 0)
		return rc;
	rc = parse_doc(c, j, &d, doc, n, e);
	jstream_free(j);
	return rc;
}

/* --- a GetProducts page ----------------------------------------------------------------- */

struct aws_products {
	struct fetch_ctx *c;
	char region[48];
	struct jstream *outer, *inner;
	struct aws_doc doc;
	char token[AWS_MAX_TOKEN];
	int saw_pricelist;
	struct err *e;
};

static int page_scalar(void *arg, struct jstream *j, int type, const char *s, size_t n)
{
	struct aws_products *p = arg;
	size_t depth = jstream_depth(j);
	int rc;

	if (depth == 0)
		return jstream_fail(j, p->e, "the response is not a JSON object");
	if (depth == 1 && strcmp(jstream_key(j, 1), "NextToken") == 0) {
		if (type == JS_NULL) {
			p->token[0] = '\0';
			return 0;
		}
		if (type != JS_STRING || n >= sizeof(p->token))
			return jstream_fail(j, p->e, "\"NextToken\" is not a string of under %d bytes",
					    AWS_MAX_TOKEN);
		fetch_copy(p->token, sizeof(p->token), s, n);
		return 0;
	}
	if (depth == 2 && jstream_at(j, "PriceList", "[]", NULL)) {
		if (type != JS_STRING)
			return jstream_fail(j, p->e, "a \"PriceList\" item is not a string");
		if ((rc = jstream_reset(p->inner, p->e)) < 0)
			return rc;
		doc_init(&p->doc, p->c, p->region);
		return parse_doc(p->c, p->inner, &p->doc, s, n, p->e);
	}
	return 0;
}

static int page_open(void *arg, struct jstream *j, int is_map)
{
	struct aws_products *p = arg;

	if (jstream_depth(j) == 1 && !is_map)
		return jstream_fail(j, p->e, "the response is not a JSON object");
	if (jstream_depth(j) == 1)
		return 0;
	if (jstream_depth(j) == 2 && strcmp(jstream_key(j, 1), "PriceList") == 0) {
		if (is_map)
			return jstream_fail(j, p->e, "\"PriceList\" is not an array");
		p->saw_pricelist = 1;
	}
	return 0;
}

static const struct jstream_handler page_handler = { page_scalar, page_open, NULL };

int aws_products_new(struct aws_products **out, struct fetch_ctx *c, const char *region,
		     const char *what, struct err *e)
{
	struct aws_products *p = calloc(1, sizeof(*p));
	int rc;

	*out = NULL;
	if (p == NULL)
		return err_nomem(e);
	p->c = c;
	snprintf(p->region, sizeof(p->region), "%s", region);
	if ((rc = jstream_new(&p->outer, &page_handler, p, what, e)) < 0 ||
	    (rc = jstream_new(&p->inner, &doc_handler, &p->doc, "PriceList item", e)) < 0) {
		aws_products_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void aws_products_free(struct aws_products *p)
{
	if (p == NULL)
		return;
	jstream_free(p->outer);
	jstream_free(p->inner);
	free(p);
}

int aws_products_feed(void *arg, const char *data, size_t n, struct err *e)
{
	struct aws_products *p = arg;

	p->e = e;
	return jstream_feed(p->outer, data, n, e);
}

int aws_products_reset(void *arg, struct err *e)
{
	struct aws_products *p = arg;

	/*
	 * A retried page is read again from its start. Prices already taken from its first part
	 * are kept: the accumulator takes the minimum, so reading a product twice changes nothing.
	 */
	p->token[0] = '\0';
	p->saw_pricelist = 0;
	return jstream_reset(p->outer, e);
}

int aws_products_finish(struct aws_products *p, struct err *e)
{
	int rc;

	p->e = e;
	if ((rc = jstream_finish(p->outer, e)) < 0)
		return rc;
	if (!p->saw_pricelist)
		return err_set(e, ERR_INPUT, "the response has no \"PriceList\" array");
	return 0;
}

const char *aws_products_next_token(const struct aws_products *p)
{
	return p->token;
}

/* --- DescribeSpotPriceHistory ------------------------------------------------------------- */

struct ec2_spot {
	struct fetch_ctx *c;
	char region[48];
	char what[96];
	xmlParserCtxtPtr x;
	xmlSAXHandler sax;
	int depth, in_set, in_item, root_ok, root_seen;
	char field[32];		/* the element whose text is being read */
	struct buf text;
	char type[64], desc[64], price[48], ts[48], zone[48];
	char token[AWS_MAX_TOKEN];
	int rc;
	struct err *e;
	struct err cb_err;
};

static void spot_item_end(struct ec2_spot *s)
{
	struct providers_spot_point pt;
	double v;
	int64_t t;

	if (providers_instance_lookup("aws", s->type) == NULL ||
	    (strcmp(s->desc, "Linux/UNIX") != 0 && strcmp(s->desc, "Linux/UNIX (Amazon VPC)") != 0)) {
		s->c->ignored++;
		return;
	}
	if (fetch_number(s->price, strlen(s->price), &v) < 0 || !fetch_price_ok(v)) {
		fetch_skip(s->c, "aws/%s/%s: spot price \"%s\" is not a believable hourly price",
			   s->region, s->type, s->price);
		return;
	}
	if (tm_parse(s->ts, &t) < 0) {
		fetch_skip(s->c, "aws/%s/%s: spot timestamp \"%s\" is not a time", s->region,
			   s->type, s->ts);
		return;
	}
	if (s->zone[0] == '\0' || strpbrk(s->zone, " /\t") != NULL) {
		fetch_skip(s->c, "aws/%s/%s: spot price without a usable availabilityZone",
			   s->region, s->type);
		return;
	}
	memset(&pt, 0, sizeof(pt));
	snprintf(pt.region, sizeof(pt.region), "%s", s->region);
	snprintf(pt.zone, sizeof(pt.zone), "%s", s->zone);
	snprintf(pt.instance_type, sizeof(pt.instance_type), "%s", s->type);
	pt.ts = t;
	pt.price = v;
	if (fetch_spot_add(s->c, &pt, &s->cb_err) < 0) {
		s->rc = ERR_NOMEM;
		xmlStopParser(s->x);
	}
}

static void sax_start(void *ctx, const xmlChar *local, const xmlChar *prefix,
		      const xmlChar *uri, int nns, const xmlChar **ns, int nattr, int ndef,
		      const xmlChar **attrs)
{
	struct ec2_spot *s = ctx;
	const char *name = (const char *)local;

	(void)prefix, (void)uri, (void)nns, (void)ns, (void)nattr, (void)ndef, (void)attrs;
	s->depth++;
	s->field[0] = '\0';
	buf_reset(&s->text);
	if (s->depth == 1) {
		s->root_seen = 1;
		s->root_ok = strcmp(name, "DescribeSpotPriceHistoryResponse") == 0;
		if (!s->root_ok) {
			s->rc = err_set(&s->cb_err, ERR_INPUT, "%s: the root element is <%.40s>, not "
					"<DescribeSpotPriceHistoryResponse>", s->what, name);
			xmlStopParser(s->x);
		}
	} else if (s->depth == 2) {
		s->in_set = strcmp(name, "spotPriceHistorySet") == 0;
		if (strcmp(name, "nextToken") == 0)
			snprintf(s->field, sizeof(s->field), "nextToken");
	} else if (s->depth == 3 && s->in_set && strcmp(name, "item") == 0) {
		s->in_item = 1;
		s->type[0] = s->desc[0] = s->price[0] = s->ts[0] = s->zone[0] = '\0';
	} else if (s->depth == 4 && s->in_item) {
		snprintf(s->field, sizeof(s->field), "%.31s", name);
	}
}

static void sax_chars(void *ctx, const xmlChar *ch, int len)
{
	struct ec2_spot *s = ctx;

	/* only leaf fields we read; a bounded amount of text each */
	if (s->field[0] == '\0' || s->text.len + (size_t)len > AWS_MAX_TOKEN)
		return;
	if (buf_add(&s->text, ch, (size_t)len) < 0) {
		s->rc = err_nomem(&s->cb_err);
		xmlStopParser(s->x);
	}
}

static void sax_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri)
{
	struct ec2_spot *s = ctx;
	const char *t = buf_str(&s->text);

	(void)local, (void)prefix, (void)uri;
	if (s->field[0]) {
		if (s->depth == 2)
			snprintf(s->token, sizeof(s->token), "%s", t);
		else if (strcmp(s->field, "instanceType") == 0)
			snprintf(s->type, sizeof(s->type), "%s", t);
		else if (strcmp(s->field, "productDescription") == 0)
			snprintf(s->desc, sizeof(s->desc), "%s", t);
		else if (strcmp(s->field, "spotPrice") == 0)
			snprintf(s->price, sizeof(s->price), "%s", t);
		else if (strcmp(s->field, "timestamp") == 0)
			snprintf(s->ts, sizeof(s->ts), "%s", t);
		else if (strcmp(s->field, "availabilityZone") == 0)
			snprintf(s->zone, sizeof(s->zone), "%s", t);
		s->field[0] = '\0';
		buf_reset(&s->text);
	}
	if (s->depth == 3 && s->in_item) {
		s->in_item = 0;
		spot_item_end(s);
	} else if (s->depth == 2) {
		s->in_set = 0;
	}
	s->depth--;
}

static void sax_silent(void *ctx, const char *msg, ...)
{
	(void)ctx, (void)msg;
}

static int spot_make(struct ec2_spot *s, struct err *e)
{
	if (s->x) {
		xmlFreeParserCtxt(s->x);
		s->x = NULL;
	}
	s->depth = s->in_set = s->in_item = s->root_ok = s->root_seen = 0;
	s->token[0] = '\0';
	s->rc = 0;
	memset(&s->sax, 0, sizeof(s->sax));
	s->sax.initialized = XML_SAX2_MAGIC;
	s->sax.startElementNs = sax_start;
	s->sax.endElementNs = sax_end;
	s->sax.characters = sax_chars;
	s->sax.error = sax_silent;
	s->sax.warning = sax_silent;
	if ((s->x = xmlCreatePushParserCtxt(&s->sax, s, NULL, 0, "spot.xml")) == NULL)
		return err_nomem(e);
	/* no network, no external entities, no DTD loading: a response is data, not a program */
	xmlCtxtUseOptions(s->x, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	return 0;
}

int ec2_spot_new(struct ec2_spot **out, struct fetch_ctx *c, const char *region,
		 const char *what, struct err *e)
{
	struct ec2_spot *s = calloc(1, sizeof(*s));
	int rc;

	*out = NULL;
	if (s == NULL)
		return err_nomem(e);
	s->c = c;
	snprintf(s->region, sizeof(s->region), "%s", region);
	snprintf(s->what, sizeof(s->what), "%s", what);
	if ((rc = spot_make(s, e)) < 0) {
		ec2_spot_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void ec2_spot_free(struct ec2_spot *s)
{
	if (s == NULL)
		return;
	if (s->x)
		xmlFreeParserCtxt(s->x);
	buf_release(&s->text);
	free(s);
}

static int spot_status(struct ec2_spot *s, int xrc, struct err *e)
{
	const xmlError *xe;

	if (s->rc < 0) {
		*e = s->cb_err;
		return s->rc;
	}
	if (xrc == 0 && s->x->wellFormed)
		return 0;
	xe = xmlCtxtGetLastError(s->x);
	err_set(e, ERR_INPUT, "%s: line %d: not well-formed XML: %s", s->what, xe ? xe->line : 0,
		xe && xe->message ? xe->message : "parse error");
	{
		size_t len = strlen(e->msg);

		while (len && (e->msg[len - 1] == '\n' || e->msg[len - 1] == ' '))
			e->msg[--len] = '\0';
	}
	return ERR_INPUT;
}

int ec2_spot_feed(void *arg, const char *data, size_t n, struct err *e)
{
	struct ec2_spot *s = arg;
	int xrc = 0;

	while (n > 0 && xrc == 0) {
		int k = n > (1 << 20) ? (1 << 20) : (int)n;

		xrc = xmlParseChunk(s->x, data, k, 0);
		data += k;
		n -= (size_t)k;
		if (s->rc < 0 || !s->x->wellFormed)
			break;
	}
	return spot_status(s, xrc, e);
}

int ec2_spot_reset(void *arg, struct err *e)
{
	/* spot points of the first try are kept: duplicates are merged by the store's key */
	return spot_make(arg, e);
}

int ec2_spot_finish(struct ec2_spot *s, struct err *e)
{
	int rc, xrc = xmlParseChunk(s->x, NULL, 0, 1);

	if ((rc = spot_status(s, xrc, e)) < 0)
		return rc;
	if (!s->root_seen)
		return err_set(e, ERR_INPUT, "%s: the response is empty", s->what);
	return 0;
}

const char *ec2_spot_next_token(const struct ec2_spot *s)
{
	return s->token;
}

int aws_spot_summarize(struct fetch_ctx *c, struct err *e)
{
	struct zone_latest {
		const char *zone;
		int64_t ts;
		double price;
	} *z = NULL;
	double *v = NULL;
	size_t i, k, nz;
	int rc = 0;

	if (c->nspot == 0)
		return 0;
	if ((z = calloc(c->nspot, sizeof(*z))) == NULL || (v = calloc(c->nspot, sizeof(*v))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	for (i = 0; i < c->noffers; i++) {
		struct offering *o = &c->offers[i];

		nz = 0;
		for (k = 0; k < c->nspot; k++) {
			const struct providers_spot_point *p = &c->spot[k];
			size_t m;

			if (strcmp(p->instance_type, o->instance_type) != 0 ||
			    strcmp(p->region, o->region) != 0)
				continue;
			for (m = 0; m < nz && strcmp(z[m].zone, p->zone) != 0; m++)
				;
			if (m == nz) {
				z[nz].zone = p->zone;
				z[nz].ts = p->ts;
				z[nz++].price = p->price;
			} else if (p->ts > z[m].ts) {
				z[m].ts = p->ts;
				z[m].price = p->price;
			}
		}
		for (k = 0; k < nz; k++)
			v[k] = z[k].price;
		if (nz)
			o->spot = providers_median(v, nz);
	}
	/* a type with spot prices but no on-demand or reserved record still becomes an offering */
out:
	free(z);
	free(v);
	return rc;
}

/* --- the fetch --------------------------------------------------------------------------- */

/* The signing region of a pricing endpoint: api.pricing.<region>.amazonaws.com, else us-east-1. */
static void pricing_region(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "api.pricing.");

	snprintf(out, n, "us-east-1");
	if (p) {
		p += 12;
		fetch_copy(out, n, p, strcspn(p, "./:"));
	}
}

static int products_body(struct buf *b, const char *region, const char *token, struct err *e)
{
	static const char *const f[][2] = {
		{ "instanceFamily", "GPU instance" }, { "operatingSystem", "Linux" },
		{ "tenancy", "Shared" }, { "preInstalledSw", "NA" }, { "capacitystatus", "Used" },
		{ "licenseModel", "No License required" },
	};
	jw *w = jw_new(0);
	const char *t;
	size_t i, len;
	int rc = 0;

	if (w == NULL)
		return err_nomem(e);
	jw_obj(w);
	jw_kstr(w, "ServiceCode", "AmazonEC2");
	jw_kstr(w, "FormatVersion", "aws_v1");
	jw_kint(w, "MaxResults", 100);
	if (token && *token)
		jw_kstr(w, "NextToken", token);
	jw_key(w, "Filters");
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "Type", "TERM_MATCH");
	jw_kstr(w, "Field", "regionCode");
	jw_kstr(w, "Value", region);
	jw_obj_end(w);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		jw_obj(w);
		jw_kstr(w, "Type", "TERM_MATCH");
		jw_kstr(w, "Field", f[i][0]);
		jw_kstr(w, "Value", f[i][1]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	buf_reset(b);
	if ((t = jw_text(w, &len)) == NULL || buf_add(b, t, len) < 0)
		rc = err_nomem(e);
	jw_free(w);
	return rc;
}

static int fetch_products(struct fetch_ctx *c, const struct sigv4_signer *sg, const char *url,
			  const char *region, struct err *e)
{
	static const char *const hdrs[] = { "Content-Type: application/x-amz-json-1.1",
					    "X-Amz-Target: AWSPriceListService.GetProducts", NULL };
	const char *secrets[] = { sg->creds->secret_access_key, sg->creds->session_token, NULL };
	struct buf body = BUF_INIT;
	char token[AWS_MAX_TOKEN] = "", what[128];
	struct aws_products *p = NULL;
	int page, rc = 0, restarted = 0;

	for (page = 1; page <= AWS_MAX_PAGES; page++) {
		struct http_request r = HTTP_REQUEST_INIT;

		aws_products_free(p);
		p = NULL;
		if ((rc = products_body(&body, region, token, e)) < 0)
			goto out;
		snprintf(what, sizeof(what), "GetProducts %s page %d", region, page);
		if ((rc = aws_products_new(&p, c, region, what, e)) < 0)
			goto out;
		r.method = "POST";
		r.url = url;
		r.headers = hdrs;
		r.body = body.p;
		r.body_len = body.len;
		r.sign = sigv4_http_sign;
		r.sign_arg = (void *)sg;
		r.secrets = secrets;
		r.on_data = aws_products_feed;
		r.on_reset = aws_products_reset;
		r.arg = p;
		if ((rc = http_do(c->http, &r, NULL, e)) < 0) {
			/*
			 * A NextToken that expired or went bad mid-way: start the region over once
			 * without it (prices already read are kept: the lowest wins, so reading a
			 * product twice changes nothing).
			 */
			if (!restarted && token[0] && (strstr(e->msg, ": ExpiredNextTokenException") ||
						       strstr(e->msg, ": InvalidNextTokenException"))) {
				fetch_progress(c, "aws: %s: NextToken refused at page %d, starting over",
					       region, page);
				restarted = 1;
				token[0] = '\0';
				page = 0;
				err_clear(e);
				continue;
			}
			rc = fetch_body_fail(c, rc, "POST", NULL, e);
			goto out;
		}
		if ((rc = aws_products_finish(p, e)) < 0) {
			rc = fetch_body_fail(c, rc, "POST", url, e);
			goto out;
		}
		c->pages++;
		fetch_progress(c, "aws: %s: GetProducts page %d", region, page);
		if (aws_products_next_token(p)[0] == '\0')
			goto out;
		if (strcmp(aws_products_next_token(p), token) == 0) {
			rc = err_set(e, ERR_RUNTIME, "aws: GetProducts %s: page %d repeats the same "
				     "NextToken", region, page);
			goto out;
		}
		snprintf(token, sizeof(token), "%s", aws_products_next_token(p));
	}
	rc = err_set(e, ERR_RUNTIME, "aws: GetProducts %s: more than %d pages", region,
		     AWS_MAX_PAGES);
out:
	aws_products_free(p);
	buf_release(&body);
	return rc;
}

static int spot_body(struct buf *b, const char *token, int64_t start, int64_t end)
{
	const struct providers_instance *it;
	char iso[TM_ISO_LEN];
	size_t i;
	int n = 0;

	buf_reset(b);
	if (buf_puts(b, "Action=DescribeSpotPriceHistory&Version=2016-11-15") < 0)
		return ERR_NOMEM;
	for (i = 0; (it = providers_instance_at(i)) != NULL; i++) {
		if (strcmp(it->provider, "aws") != 0)
			continue;
		if (buf_printf(b, "&InstanceType.%d=", ++n) < 0 ||
		    http_urlencode(b, it->type, strlen(it->type)) < 0)
			return ERR_NOMEM;
	}
	if (buf_puts(b, "&ProductDescription.1=Linux%2FUNIX"
		     "&ProductDescription.2=Linux%2FUNIX%20%28Amazon%20VPC%29") < 0)
		return ERR_NOMEM;
	tm_format(start, iso);
	if (buf_puts(b, "&StartTime=") < 0 || http_urlencode(b, iso, strlen(iso)) < 0)
		return ERR_NOMEM;
	tm_format(end, iso);
	if (buf_puts(b, "&EndTime=") < 0 || http_urlencode(b, iso, strlen(iso)) < 0 ||
	    buf_puts(b, "&MaxResults=1000") < 0)
		return ERR_NOMEM;
	if (token && *token && (buf_puts(b, "&NextToken=") < 0 ||
				http_urlencode(b, token, strlen(token)) < 0))
		return ERR_NOMEM;
	return 0;
}

static int fetch_spot(struct fetch_ctx *c, const struct sigv4_creds *cr, const char *region,
		      struct err *e)
{
	static const char *const hdrs[] = {
		"Content-Type: application/x-www-form-urlencoded; charset=utf-8", NULL };
	struct sigv4_signer sg = { cr, region, "ec2", 0 };
	const char *secrets[] = { cr->secret_access_key, cr->session_token, NULL };
	struct buf body = BUF_INIT;
	char url[512], token[AWS_MAX_TOKEN] = "", what[128];
	const char *from;
	struct ec2_spot *s = NULL;
	int64_t now = c->o->now ? c->o->now : tm_now();
	int days = c->o->spot_history_days > 0 ? c->o->spot_history_days : 7, page, rc;

	if ((rc = sigv4_aws_endpoint(url, sizeof(url), "ec2", region, c->o->endpoint_ec2, &from,
				     e)) < 0)
		return rc;
	/* the Query API posts to the root path */
	if (strlen(url) + 2 < sizeof(url))
		strcat(url, "/");
	for (page = 1; page <= AWS_MAX_PAGES; page++) {
		struct http_request r = HTTP_REQUEST_INIT;

		if (spot_body(&body, token, now - (int64_t)days * TM_DAY, now) < 0) {
			rc = err_nomem(e);
			goto out;
		}
		snprintf(what, sizeof(what), "DescribeSpotPriceHistory %s page %d", region,
			 page);
		if ((rc = ec2_spot_new(&s, c, region, what, e)) < 0)
			goto out;
		r.method = "POST";
		r.url = url;
		r.headers = hdrs;
		r.body = body.p;
		r.body_len = body.len;
		r.sign = sigv4_http_sign;
		r.sign_arg = &sg;
		r.secrets = secrets;
		r.on_data = ec2_spot_feed;
		r.on_reset = ec2_spot_reset;
		r.arg = s;
		if ((rc = http_do(c->http, &r, NULL, e)) < 0) {
			rc = fetch_body_fail(c, rc, "POST", NULL, e);
			goto out;
		}
		if ((rc = ec2_spot_finish(s, e)) < 0) {
			rc = fetch_body_fail(c, rc, "POST", url, e);
			goto out;
		}
		c->pages++;
		fetch_progress(c, "aws: %s: DescribeSpotPriceHistory page %d", region, page);
		if (ec2_spot_next_token(s)[0] == '\0')
			goto out;
		if (strcmp(ec2_spot_next_token(s), token) == 0) {
			rc = err_set(e, ERR_RUNTIME, "aws: DescribeSpotPriceHistory %s: page %d "
				     "repeats the same nextToken", region, page);
			goto out;
		}
		snprintf(token, sizeof(token), "%s", ec2_spot_next_token(s));
		ec2_spot_free(s);
		s = NULL;
	}
	rc = err_set(e, ERR_RUNTIME, "aws: DescribeSpotPriceHistory %s: more than %d pages",
		     region, AWS_MAX_PAGES);
out:
	ec2_spot_free(s);
	buf_release(&body);
	return rc;
}

int aws_fetch(struct fetch_ctx *c, struct err *e)
{
	struct sigv4_creds *cr = NULL;
	struct sigv4_signer sg;
	char url[512], sregion[48];
	const char *from;
	size_t i;
	int rc;

	if ((cr = calloc(1, sizeof(*cr))) == NULL)
		return err_nomem(e);
	if ((rc = sigv4_creds_load(cr, e)) < 0)
		goto out;
	if ((rc = sigv4_aws_endpoint(url, sizeof(url), "pricing", NULL, c->o->endpoint, &from,
				     e)) < 0)
		goto out;
	if (strlen(url) + 2 < sizeof(url))
		strcat(url, "/");
	pricing_region(url, sregion, sizeof(sregion));
	sg.creds = cr;
	sg.region = sregion;
	sg.service = "pricing";
	sg.token_unsigned = 0;
	for (i = 0; i < c->o->nregions; i++) {
		const char *region = c->o->regions[i];

		if ((rc = fetch_products(c, &sg, url, region, e)) < 0 ||
		    (rc = fetch_spot(c, cr, region, e)) < 0)
			goto out;
	}
	/* spot prices of types that had no price-list record: offerings of their own */
	for (i = 0; i < c->nspot; i++) {
		const struct providers_instance *it =
			providers_instance_lookup("aws", c->spot[i].instance_type);
		struct offering *o;

		if (it && (rc = fetch_offering(c, c->spot[i].region, it, &o, e)) < 0)
			goto out;
	}
	if ((rc = aws_spot_summarize(c, e)) < 0)
		goto out;
	for (i = 0; i < c->noffers; i++)
		c->offers[i].spot_interruption =
			providers_aws_interruption_rate(c->offers[i].region,
							c->offers[i].instance_type);
out:
	if (cr)
		sigv4_creds_clear(cr);
	free(cr);
	return rc;
}
