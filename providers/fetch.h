#ifndef PROVIDERS_FETCH_H
#define PROVIDERS_FETCH_H
/*
 * What the three price adapters share (private to providers/): the fetch context that
 * accumulates offerings and spot points, counted skips, prices read from text, and each
 * adapter's streaming response parsers (exposed here for fuzz/ and bench/).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "providers/http.h"
#include "providers/providers.h"
#include "util/err.h"

struct fetch_ctx {
	const struct providers_fetch_opts *o;
	struct http_client *http;
	struct offering *offers;	/* one per (region, instance type), prices NAN until seen */
	size_t noffers, capoffers;
	struct providers_spot_point *spot;
	size_t nspot, capspot;
	size_t skipped, ignored, pages;
	char first_skip[256];
};

/* o may be a zeroed struct (parsers alone: fuzz, bench). No HTTP client is made here. */
void fetch_ctx_init(struct fetch_ctx *c, const struct providers_fetch_opts *o);
void fetch_ctx_release(struct fetch_ctx *c);
/* The accumulated offering of (region, type), created from the instance table entry. */
int fetch_offering(struct fetch_ctx *c, const char *region, const struct providers_instance *it,
		   struct offering **out, struct err *e);
/* The offering of (region, type) when one exists, else NULL. */
struct offering *fetch_find(struct fetch_ctx *c, const char *region, const char *type);
int fetch_spot_add(struct fetch_ctx *c, const struct providers_spot_point *p, struct err *e);
/* Counts a refused record and logs why (the first reason is kept for the summary). */
void fetch_skip(struct fetch_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fetch_progress(struct fetch_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Reads a decimal price from text (the whole text, finite). Returns 0, or -1 when it is not a
 * number. fetch_price_ok says whether a per-hour price is believable: > 0 and <= the cap.
 */
int fetch_number(const char *s, size_t n, double *v);
int fetch_price_ok(double v);
/*
 * A response that could not be read is the provider's failure, not the user's: ERR_INPUT from
 * a parser becomes ERR_RUNTIME, and e is prefixed with "PROVIDER: METHOD URL" (no secrets)
 * when url is not NULL (http_do's own errors carry it already: pass NULL).
 */
int fetch_body_fail(struct fetch_ctx *c, int rc, const char *method, const char *url,
		    struct err *e);
/* Copies s[0..n) into a fixed field, NUL-terminated, truncating. */
void fetch_copy(char *dst, size_t cap, const char *s, size_t n);

/* --- AWS --------------------------------------------------------------------------------- */
int aws_fetch(struct fetch_ctx *c, struct err *e);

/* GetProducts responses: one parser per page, fed as the body arrives. */
struct aws_products;
int aws_products_new(struct aws_products **out, struct fetch_ctx *c, const char *region,
		     const char *what, struct err *e);
void aws_products_free(struct aws_products *p);
int aws_products_feed(void *p, const char *data, size_t n, struct err *e);
int aws_products_reset(void *p, struct err *e);
int aws_products_finish(struct aws_products *p, struct err *e);
/* NextToken of the page ("" when the last page). */
const char *aws_products_next_token(const struct aws_products *p);
/* Decodes one PriceList element (a JSON document) into the context. */
int aws_product_doc(struct fetch_ctx *c, const char *region, const char *doc, size_t n,
		    struct err *e);

/* DescribeSpotPriceHistory responses (XML, libxml2's push parser). */
struct ec2_spot;
int ec2_spot_new(struct ec2_spot **out, struct fetch_ctx *c, const char *region,
		 const char *what, struct err *e);
void ec2_spot_free(struct ec2_spot *p);
int ec2_spot_feed(void *p, const char *data, size_t n, struct err *e);
int ec2_spot_reset(void *p, struct err *e);
int ec2_spot_finish(struct ec2_spot *p, struct err *e);
const char *ec2_spot_next_token(const struct ec2_spot *p);
/* Sets each AWS offering's spot price: the median over zones of each zone's latest price. */
int aws_spot_summarize(struct fetch_ctx *c, struct err *e);

/* --- Azure ------------------------------------------------------------------------------- */
int azure_fetch(struct fetch_ctx *c, struct err *e);

struct azure_page;
int azure_page_new(struct azure_page **out, struct fetch_ctx *c, const char *what,
		   struct err *e);
void azure_page_free(struct azure_page *p);
int azure_page_feed(void *p, const char *data, size_t n, struct err *e);
int azure_page_reset(void *p, struct err *e);
int azure_page_finish(struct azure_page *p, struct err *e);
/* NextPageLink ("" when null or absent) and how many items the page held. */
const char *azure_page_next(const struct azure_page *p);
size_t azure_page_items(const struct azure_page *p);

/* --- GCP --------------------------------------------------------------------------------- */
int gcp_fetch(struct fetch_ctx *c, struct err *e);

/* The SKU prices collected over all pages, then composed into VM prices. */
struct gcp_prices;
int gcp_prices_new(struct gcp_prices **out, struct fetch_ctx *c, struct err *e);
void gcp_prices_free(struct gcp_prices *g);
struct gcp_page;
int gcp_page_new(struct gcp_page **out, struct gcp_prices *g, const char *what, struct err *e);
void gcp_page_free(struct gcp_page *p);
int gcp_page_feed(void *p, const char *data, size_t n, struct err *e);
int gcp_page_reset(void *p, struct err *e);
int gcp_page_finish(struct gcp_page *p, struct err *e);
const char *gcp_page_next(const struct gcp_page *p);
/* Composes every GCP instance of the table in the context's regions from the SKUs seen. */
int gcp_compose(struct gcp_prices *g, struct err *e);

#endif
