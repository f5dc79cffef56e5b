#ifndef PROVIDERS_HTTP_H
#define PROVIDERS_HTTP_H
/*
 * The one HTTP client of providers/ (libcurl). Private to providers/: planner/ never sees it.
 *
 * What it guarantees, so that no adapter has to think about it again:
 *  - TLS verification is always on; plain http:// is refused unless the host is a loopback
 *    address (127.0.0.0/8, ::1, localhost): that is how tests talk to the fake cloud.
 *  - connect and total timeouts per attempt; gzip/deflate accepted; proxies from the usual
 *    environment variables (http_proxy, https_proxy, no_proxy; loopback is never proxied);
 *    no redirects are followed.
 *  - retries on 429, 5xx, transport errors, timeouts and the providers' throttling codes
 *    (RequestLimitExceeded, ThrottlingException, RESOURCE_EXHAUSTED, ...), with capped
 *    exponential backoff and full jitter (delay = rand[0,1) * min(base * 2^(n-1), cap)),
 *    and never sooner than a Retry-After / x-amz-retry-after header asks.
 *  - the body of a 2xx response is streamed to on_data as it arrives (memory stays bounded
 *    however large it is); before a retry on_reset is called so the parser starts over.
 *    Error bodies (status >= 400) are not streamed: the first 64 KB are kept, and the provider
 *    error code and message are read from them (AWS JSON "__type"/"message", EC2/Query XML
 *    <Code>/<Message>, Google and Azure {"error":{...}}).
 *  - error messages read: `PROVIDER: METHOD URL: HTTP 503: RequestLimitExceeded: Request
 *    limit exceeded. (after 5 attempts)`, where URL has userinfo and secret query parameters
 *    (key, signature, token, X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token,
 *    access_token, sig, code, password, ...) removed. Header values are never printed.
 *
 * Usage:
 *
 *	struct http_opts o = HTTP_OPTS_INIT;
 *	struct http_client *c = NULL;
 *	struct http_request r = HTTP_REQUEST_INIT;
 *	long status;
 *
 *	o.provider = "gcp";
 *	if ((rc = http_client_new(&c, &o, e)) < 0)
 *		goto out;
 *	r.url = url;				// secrets in the query are fine: errors strip them
 *	r.on_data = my_parser_feed;		// int (*)(void *arg, const char *p, size_t n, err*)
 *	r.on_reset = my_parser_reset;		// may be NULL when on_data keeps no state
 *	r.arg = parser;
 *	rc = http_do(c, &r, &status, e);	// 0 only for a complete 2xx body
 *	...
 *	http_client_free(c);
 *
 * For a small body there is http_fetch() (collects up to a limit into a struct buf). AWS
 * requests set r.sign = sigv4_http_sign with r.sign_arg a struct sigv4_signer (sigv4.h): the
 * hook runs before every attempt, so a retried request carries a fresh X-Amz-Date.
 * A client is not thread-safe; use one per thread.
 */
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

struct http_client;

struct http_opts {
	const char *provider;		/* names errors: "aws", "gcp", "azure", "prometheus" */
	long connect_timeout_ms;	/* per attempt; default 10 s */
	long timeout_ms;		/* whole transfer per attempt; default 300 s */
	int max_attempts;		/* including the first; default 5, 1 = no retry */
	long backoff_base_ms;		/* default 1000 */
	long backoff_cap_ms;		/* default 20000 */
	long retry_after_max_ms;	/* a longer Retry-After fails at once; default 120000 */
	const char *user_agent;		/* default "capplan/0.1" */
	/* Told of each retry before the wait (one line, no headers): progress output. May be NULL. */
	void (*on_retry)(void *arg, const char *line);
	void *on_retry_arg;
};
#define HTTP_OPTS_INIT { NULL, 10000, 300000, 5, 1000, 20000, 120000, NULL, NULL, NULL }

/* Headers as "Name: value" strings, owned by the list. */
#define HTTP_MAX_HEADERS 24
struct http_headers {
	size_t n;
	char *v[HTTP_MAX_HEADERS];
};
#define HTTP_HEADERS_INIT { 0, { NULL } }
/* Appends "name: value". ERR_NOMEM, or ERR_RUNTIME when the list is full. */
int http_headers_add(struct http_headers *h, const char *name, const char *value, struct err *e);
void http_headers_release(struct http_headers *h);
/* The value of the first header called name (any case) in h, borrowed from h; NULL if none. */
const char *http_headers_get(const struct http_headers *h, const char *name);

struct http_request {
	const char *method;		/* "GET" (default when NULL), "POST", "DELETE", ... */
	const char *url;
	const char *const *headers;	/* NULL-terminated "Name: value" strings, or NULL */
	const char *body;		/* request body (POST), or NULL */
	size_t body_len;
	/*
	 * Called before every attempt to add headers that depend on the moment (signatures).
	 * It sees the final method, URL, static headers and body. May be NULL.
	 */
	int (*sign)(void *sign_arg, const struct http_request *r, struct http_headers *out,
		    struct err *e);
	void *sign_arg;
	/* 2xx body chunks. Return < 0 (with e filled) to abort: the error is not retried. */
	int (*on_data)(void *arg, const char *data, size_t n, struct err *e);
	/* Before a retry that follows a partly delivered body: start the parser over. */
	int (*on_reset)(void *arg, struct err *e);
	void *arg;
	/* Extra provider error codes to retry on (NULL-terminated), besides the built-in list. */
	const char *const *retry_codes;
	/*
	 * Response headers to keep: NULL-terminated names (matched without regard to case), or
	 * NULL. Those of the final response (the last attempt's, whatever its status, interim
	 * 1xx responses skipped) are stored in *resp_headers as "Name: value" with Name spelt as
	 * in want_headers; it is released and refilled by every call, and is the caller's to
	 * release with http_headers_release(). Read values with http_headers_get().
	 */
	const char *const *want_headers;
	struct http_headers *resp_headers;
	/*
	 * Values never to show in an error (a secret key that signs but is never sent):
	 * NULL-terminated, or NULL. Provider messages are also cut at "x-amz-security-token" and
	 * "Authorization" (AWS echoes its canonical request), and the values of credential
	 * headers sent (Authorization, tokens, keys) are replaced by "[redacted]".
	 */
	const char *const *secrets;
};
#define HTTP_REQUEST_INIT { NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
			    NULL, NULL }

int http_client_new(struct http_client **out, const struct http_opts *o, struct err *e);
void http_client_free(struct http_client *c);

/*
 * Performs r with retries. Returns 0 when a 2xx body was delivered completely (*status set),
 * ERR_INPUT when the URL is refused (bad scheme, plain http to a non-loopback host),
 * ERR_RUNTIME for HTTP/transport failures after the retries, or what on_data returned.
 * status may be NULL.
 */
int http_do(struct http_client *c, const struct http_request *r, long *status, struct err *e);

/* Like http_do, collecting the body into out (reset first); a body over max bytes fails. */
int http_fetch(struct http_client *c, const struct http_request *r, struct buf *out, size_t max,
	       long *status, struct err *e);

/* Writes url without userinfo and without secret query parameters (for messages). */
void http_redact_url(const char *url, char *out, size_t n);

/* 1 when url's scheme is https, or http to a loopback host; 0 otherwise. */
int http_url_allowed(const char *url);

/* Form/query encoding (RFC 3986 unreserved kept, everything else %XX): appends to b. */
int http_urlencode(struct buf *b, const char *s, size_t n);

/* How many attempts the client made in total (tests and progress lines). */
unsigned long http_attempts(const struct http_client *c);

#endif
