/* The HTTP client of providers/: libcurl with retries, streaming and provider error decoding. */
#include "providers/http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#define ERRBODY_MAX (64 * 1024)

struct http_client {
	struct http_opts o;
	char provider[32];
	char user_agent[64];
	char *noproxy;
	CURL *curl;
	unsigned long attempts;
	unsigned long long rng;
};

/* What one attempt saw. */
struct attempt {
	const struct http_request *r;
	long status;
	int delivered;		/* bytes went to on_data during this attempt */
	int abort_rc;		/* what on_data returned when it refused */
	struct err *e;
	struct buf errbody;	/* first ERRBODY_MAX bytes of a non-2xx body */
	long amz_retry_after_ms;
	char amz_error_type[128];
};

static int curl_ready;

int http_headers_add(struct http_headers *h, const char *name, const char *value, struct err *e)
{
	size_t len;
	char *s;

	if (h->n == HTTP_MAX_HEADERS)
		return err_set(e, ERR_RUNTIME, "too many request headers");
	len = strlen(name) + strlen(value) + 3;
	if ((s = malloc(len)) == NULL)
		return err_nomem(e);
	snprintf(s, len, "%s: %s", name, value);
	h->v[h->n++] = s;
	return 0;
}

const char *http_headers_get(const struct http_headers *h, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; h && i < h->n; i++)
		if (strncasecmp(h->v[i], name, n) == 0 && h->v[i][n] == ':')
			return h->v[i] + n + (h->v[i][n + 1] == ' ' ? 2 : 1);
	return NULL;
}

void http_headers_release(struct http_headers *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->v[i]);
	h->n = 0;
}

int http_urlencode(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			if (buf_putc(b, (char)c) < 0)
				return ERR_NOMEM;
		} else {
			char t[3] = { '%', hex[c >> 4], hex[c & 15] };

			if (buf_add(b, t, 3) < 0)
				return ERR_NOMEM;
		}
	}
	return 0;
}

/* Query parameters whose value is a secret: dropped from every URL we print. */
static int secret_param(const char *name, size_t n)
{
	static const char *const secrets[] = {
		"key", "api_key", "apikey", "signature", "sig", "token", "access_token",
		"code", "password", "secret", "client_secret", "x-amz-signature",
		"x-amz-credential", "x-amz-security-token", "awsaccesskeyid", "se", "skoid",
	};
	size_t i;

	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		if (strlen(secrets[i]) == n && strncasecmp(secrets[i], name, n) == 0)
			return 1;
	return 0;
}

void http_redact_url(const char *url, char *out, size_t n)
{
	const char *p = url, *q, *at, *slash;
	size_t k = 0;
	int first = 1;

#define PUT(s, len) do { size_t l_ = (len); if (k + l_ >= n) l_ = n - 1 - k; \
	memcpy(out + k, (s), l_); k += l_; } while (0)
	if (n == 0)
		return;
	out[0] = '\0';
	if (url == NULL)
		return;
	/* scheme://userinfo@host: the userinfo goes */
	if ((q = strstr(p, "://")) != NULL) {
		PUT(p, (size_t)(q + 3 - p));
		p = q + 3;
		slash = p + strcspn(p, "/?#");
		at = memchr(p, '@', (size_t)(slash - p));
		if (at)
			p = at + 1;
	}
	q = strchr(p, '?');
	if (q == NULL) {
		PUT(p, strcspn(p, "#"));
		out[k] = '\0';
		return;
	}
	PUT(p, (size_t)(q - p));
	p = q + 1;
	while (*p && *p != '#') {
		size_t len = strcspn(p, "&#"), nlen = strcspn(p, "=&#");

		if (nlen > len)
			nlen = len;
		if (!secret_param(p, nlen) && len > 0) {
			PUT(first ? "?" : "&", 1);
			PUT(p, len);
			first = 0;
		}
		p += len;
		if (*p == '&')
			p++;
	}
	out[k] = '\0';
#undef PUT
}

static int loopback_host(const char *h)
{
	if (strcasecmp(h, "localhost") == 0 || strcmp(h, "[::1]") == 0 || strcmp(h, "::1") == 0)
		return 1;
	return strncmp(h, "127.", 4) == 0 && strspn(h, "0123456789.") == strlen(h);
}

int http_url_allowed(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int ok = 0;

	if (u == NULL || url == NULL)
		goto out;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	if (strcasecmp(scheme, "https") == 0)
		ok = 1;
	else if (strcasecmp(scheme, "http") == 0)
		ok = loopback_host(host);
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

int http_client_new(struct http_client **out, const struct http_opts *o, struct err *e)
{
	struct http_client *c;
	const char *env;
	struct buf np = BUF_INIT;
	int rc = 0;

	*out = NULL;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return err_set(e, ERR_RUNTIME, "libcurl failed to initialise");
		curl_ready = 1;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return err_nomem(e);
	c->o = *o;
	snprintf(c->provider, sizeof(c->provider), "%s", o->provider ? o->provider : "http");
	snprintf(c->user_agent, sizeof(c->user_agent), "%s",
		 o->user_agent ? o->user_agent : "capplan/0.1");
	if (c->o.max_attempts < 1)
		c->o.max_attempts = 1;
	if (c->o.backoff_cap_ms < c->o.backoff_base_ms)
		c->o.backoff_cap_ms = c->o.backoff_base_ms;
	c->rng = (unsigned long long)time(NULL) * 6364136223846793005ULL ^
		 ((unsigned long long)getpid() << 17) ^ (unsigned long long)(uintptr_t)c;
	/* loopback never goes through a proxy; the user's no_proxy list is kept */
	env = getenv("no_proxy");
	if (env == NULL || *env == '\0')
		env = getenv("NO_PROXY");
	if (env && *env && buf_printf(&np, "%s,", env) < 0) {
		rc = err_nomem(e);
		goto out;
	}
	if (buf_puts(&np, "127.0.0.1,localhost,::1") < 0) {
		rc = err_nomem(e);
		goto out;
	}
	c->noproxy = buf_detach(&np);
	if ((c->curl = curl_easy_init()) == NULL) {
		rc = err_set(e, ERR_RUNTIME, "libcurl: cannot create a handle");
		goto out;
	}
	*out = c;
	c = NULL;
out:
	buf_release(&np);
	http_client_free(c);
	return rc;
}

void http_client_free(struct http_client *c)
{
	if (c == NULL)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free(c->noproxy);
	free(c);
}

unsigned long http_attempts(const struct http_client *c)
{
	return c->attempts;
}

/*
 * Keeps the header line p (n bytes, CRLF included) in r->resp_headers when r wants it. A
 * status line starts a new response (the final one follows any 1xx): what was kept goes.
 */
static int keep_header(const struct http_request *r, const char *p, size_t n, struct err *e)
{
	const char *const *w;
	size_t nl, v;
	char *s;

	if (r->want_headers == NULL || r->resp_headers == NULL)
		return 0;
	if (n > 5 && strncmp(p, "HTTP/", 5) == 0) {
		http_headers_release(r->resp_headers);
		return 0;
	}
	while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == '\n' || p[n - 1] == ' ' ||
			 p[n - 1] == '\t'))
		n--;
	for (w = r->want_headers; *w; w++) {
		nl = strlen(*w);
		if (n <= nl || p[nl] != ':' || strncasecmp(p, *w, nl) != 0)
			continue;
		if (http_headers_get(r->resp_headers, *w) != NULL)
			return 0;	/* the first of repeated headers counts */
		if (r->resp_headers->n == HTTP_MAX_HEADERS)
			return err_set(e, ERR_RUNTIME, "too many response headers wanted");
		for (v = nl + 1; v < n && (p[v] == ' ' || p[v] == '\t'); v++)
			;
		if ((s = malloc(nl + 2 + (n - v) + 1)) == NULL)
			return err_nomem(e);
		snprintf(s, nl + 2 + (n - v) + 1, "%s: %.*s", *w, (int)(n - v), p + v);
		r->resp_headers->v[r->resp_headers->n++] = s;
		return 0;
	}
	return 0;
}

static size_t on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct attempt *a = arg;
	size_t n = size * nmemb, k;
	int rc;

	if ((rc = keep_header(a->r, p, n, a->e)) < 0) {
		a->abort_rc = rc;
		return 0;	/* CURLE_WRITE_ERROR */
	}
	if (n > 18 && strncasecmp(p, "x-amz-retry-after:", 18) == 0) {
		a->amz_retry_after_ms = strtol(p + 18, NULL, 10);
	} else if (n > 18 && strncasecmp(p, "x-amzn-ErrorType:", 17) == 0) {
		const char *v = p + 17;

		while (v < p + n && *v == ' ')
			v++;
		k = (size_t)(p + n - v);
		if (k >= sizeof(a->amz_error_type))
			k = sizeof(a->amz_error_type) - 1;
		memcpy(a->amz_error_type, v, k);
		a->amz_error_type[k] = '\0';
		a->amz_error_type[strcspn(a->amz_error_type, ":\r\n")] = '\0';
	}
	return n;
}

static size_t on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct attempt *a = arg;
	size_t n = size * nmemb;
	int rc;

	if (a->status >= 200 && a->status < 300) {
		if (a->r->on_data == NULL)
			return n;
		a->delivered = 1;
		if ((rc = a->r->on_data(a->r->arg, p, n, a->e)) < 0) {
			a->abort_rc = rc;
			return 0;	/* CURLE_WRITE_ERROR */
		}
		return n;
	}
	if (a->errbody.len < ERRBODY_MAX) {
		size_t k = n;

		if (a->errbody.len + k > ERRBODY_MAX)
			k = ERRBODY_MAX - a->errbody.len;
		if (buf_add(&a->errbody, p, k) < 0)
			return 0;
	}
	return n;
}

/* curl fills the status once the headers are in: read it before the first body byte */
struct body_ctx {
	struct attempt *a;
	CURL *curl;
	int have_status;
};

static size_t on_body_first(char *p, size_t size, size_t nmemb, void *arg)
{
	struct body_ctx *b = arg;

	if (!b->have_status) {
		curl_easy_getinfo(b->curl, CURLINFO_RESPONSE_CODE, &b->a->status);
		b->have_status = 1;
	}
	return on_body(p, size, nmemb, b->a);
}

/* Copies a provider message into out on one line, without control characters. */
static void copy_line(char *out, size_t n, const char *s, size_t len)
{
	size_t k = 0, i;

	for (i = 0; i < len && s[i] && k + 1 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		out[k++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	out[k] = '\0';
	while (k > 0 && out[k - 1] == ' ')
		out[--k] = '\0';
}

/* Case-insensitive strstr (strcasestr is a GNU extension). */
static char *ci_find(char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s; s++)
		if (strncasecmp(s, needle, n) == 0)
			return s;
	return NULL;
}

/* Replaces every occurrence of secret in msg (size mn) by "[redacted]", and a prefix of it
 * that ends msg (a message cut short in the middle of the secret). */
static void redact_value(char *msg, size_t mn, const char *secret)
{
	static const char mark[] = "[redacted]";
	size_t sl = strlen(secret), ml, k;
	char *p;

	if (sl < 4)
		return;		/* too short to be a credential; would mangle ordinary words */
	while ((p = strstr(msg, secret)) != NULL) {
		ml = strlen(msg);
		if (sl >= sizeof(mark) - 1) {	/* shorter: in place */
			memcpy(p, mark, sizeof(mark) - 1);
			memmove(p + sizeof(mark) - 1, p + sl, ml - (size_t)(p - msg) - sl + 1);
		} else if (ml - sl + sizeof(mark) - 1 < mn) {
			memmove(p + sizeof(mark) - 1, p + sl, ml - (size_t)(p - msg) - sl + 1);
			memcpy(p, mark, sizeof(mark) - 1);
		} else {
			*p = '\0';	/* no room for the mark: the rest goes */
		}
	}
	ml = strlen(msg);
	for (k = ml < sl ? ml : sl - 1; k >= 6; k--)
		if (memcmp(msg + ml - k, secret, k) == 0) {
			msg[ml - k] = '\0';
			break;
		}
}

/* A header whose value is a credential: its name says so. */
static int secret_header(const char *h)
{
	static const char *const words[] = { "auth", "token", "key", "secret", "cookie",
					     "signature", "credential", "password", NULL };
	size_t n = strcspn(h, ":"), i, j;

	for (i = 0; words[i]; i++)
		for (j = 0; j + strlen(words[i]) <= n; j++)
			if (strncasecmp(h + j, words[i], strlen(words[i])) == 0)
				return 1;
	return 0;
}

static void redact_header(char *msg, size_t mn, const char *h)
{
	const char *v = strchr(h, ':'), *sp;

	if (v == NULL || !secret_header(h))
		return;
	v += 1 + (v[1] == ' ');
	redact_value(msg, mn, v);
	/* "Bearer XYZ", "AWS4-HMAC-SHA256 Credential=..., Signature=...": each part too */
	while ((sp = strpbrk(v, " ,=")) != NULL) {
		v = sp + 1;
		while (*v == ' ')
			v++;
		if (strcspn(v, " ,") >= 8) {
			char part[4096];

			snprintf(part, sizeof(part), "%.*s", (int)strcspn(v, " ,"), v);
			redact_value(msg, mn, part);
		}
	}
}

/*
 * A provider's message may echo what it was sent: AWS's SignatureDoesNotMatch carries the
 * canonical request, x-amz-security-token included. Errors go to stderr, the store and the
 * audit log, so the message is cut where request headers start being echoed, and every
 * credential this request knows is replaced.
 */
static void scrub_message(char *msg, size_t mn, const struct http_request *r,
			  const struct http_headers *sh, int cut_echo)
{
	/* header names as echoed ("authorization:" with its colon: not prose like Azure's) */
	static const char *const cut[] = { "x-amz-security-token", "authorization:", NULL };
	size_t i, k;
	char *p;

	for (i = 0; cut_echo && cut[i]; i++)
		if ((p = ci_find(msg, cut[i])) != NULL) {
			*p = '\0';
			k = strlen(msg);
			while (k > 0 && (msg[k - 1] == ' ' || msg[k - 1] == '\''))
				msg[--k] = '\0';
			if (k + 7 < mn)
				memcpy(msg + k, " [cut]", 7);
		}
	for (i = 0; r->headers && r->headers[i]; i++)
		redact_header(msg, mn, r->headers[i]);
	for (i = 0; sh && i < sh->n; i++)
		redact_header(msg, mn, sh->v[i]);
	for (i = 0; r->secrets && r->secrets[i]; i++)
		redact_value(msg, mn, r->secrets[i]);
}

static const char *tree_str(yajl_val v, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val s = yajl_tree_get(v, path, yajl_t_any);

	return YAJL_IS_STRING(s) ? YAJL_GET_STRING(s) : NULL;
}

/* The first element named name in the tree (depth first). */
static xmlNode *xml_find(xmlNode *n, const char *name)
{
	xmlNode *r;

	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)name) == 0)
			return n;
		if ((r = xml_find(n->children, name)) != NULL)
			return r;
	}
	return NULL;
}

/*
 * Reads the provider error code and message from a (bounded) error body: AWS JSON 1.x
 * ({"__type":"ns#Code","message"}), EC2 and other Query APIs (<Response><Errors><Error>
 * <Code>), Google and Azure ({"error":{"code","status","message"}}), Prometheus
 * ({"errorType","error"}).
 */
static void decode_error(const struct buf *body, const char *amz_type, char *code, size_t cn,
			 char *msg, size_t mn)
{
	const char *s = buf_str(body);
	size_t len = body->len;

	code[0] = msg[0] = '\0';
	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	if (len && *s == '{') {
		char ebuf[64];
		yajl_val t = yajl_tree_parse(s, ebuf, sizeof(ebuf));

		if (t) {
			const char *c = tree_str(t, "__type"), *m = tree_str(t, "message");
			const char *epath[] = { "error", NULL };
			yajl_val ev = yajl_tree_get(t, epath, yajl_t_object);

			if (m == NULL)
				m = tree_str(t, "Message");
			if (c == NULL)
				c = tree_str(t, "code");
			/* Prometheus: {"status":"error","errorType":"bad_data","error":"..."} */
			if (c == NULL)
				c = tree_str(t, "errorType");
			if (m == NULL)
				m = tree_str(t, "error");
			if (ev) {
				const char *st = tree_str(ev, "status");
				const char *cc = tree_str(ev, "code");

				c = st ? st : cc ? cc : c;
				m = tree_str(ev, "message") ? tree_str(ev, "message") : m;
			}
			if (c) {
				const char *h = strchr(c, '#');

				if (h)
					c = h + 1;
				copy_line(code, cn, c, strcspn(c, ":"));
			}
			if (m)
				copy_line(msg, mn, m, strlen(m));
			yajl_tree_free(t);
		}
	} else if (len && *s == '<') {
		xmlDoc *d = xmlReadMemory(s, (int)len, "error.xml", NULL,
					  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		xmlNode *root = d ? xmlDocGetRootElement(d) : NULL;
		xmlNode *c = root ? xml_find(root, "Code") : NULL;
		xmlNode *m = root ? xml_find(root, "Message") : NULL;

		if (c) {
			xmlChar *t = xmlNodeGetContent(c);

			if (t)
				copy_line(code, cn, (const char *)t, strlen((const char *)t));
			xmlFree(t);
		}
		if (m) {
			xmlChar *t = xmlNodeGetContent(m);

			if (t)
				copy_line(msg, mn, (const char *)t, strlen((const char *)t));
			xmlFree(t);
		}
		xmlFreeDoc(d);
	}
	if (code[0] == '\0' && amz_type && amz_type[0])
		copy_line(code, cn, amz_type, strlen(amz_type));
	if (strlen(msg) > 300)
		strcpy(msg + 297, "...");
}

static int retryable_code(const char *code, const char *const *extra)
{
	/* botocore's throttling and transient codes, Google's and Azure's */
	static const char *const codes[] = {
		"Throttling", "ThrottlingException", "ThrottledException",
		"RequestThrottledException", "TooManyRequestsException",
		"ProvisionedThroughputExceededException", "TransactionInProgressException",
		"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
		"RequestThrottled", "SlowDown", "PriorRequestNotComplete",
		"EC2ThrottledException", "InternalErrorException", "InternalError",
		"InternalFailure", "ServiceUnavailable", "ServiceUnavailableException",
		"Unavailable", "RequestTimeout", "RequestTimeoutException",
		"RESOURCE_EXHAUSTED", "UNAVAILABLE", "INTERNAL", "DEADLINE_EXCEEDED",
		"ServerBusy", "TooManyRequests", "OperationTimedOut",
	};
	size_t i;

	if (code == NULL || *code == '\0')
		return 0;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i]) == 0)
			return 1;
	for (; extra && *extra; extra++)
		if (strcmp(code, *extra) == 0)
			return 1;
	return 0;
}

static int retryable_curl(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
		return 1;
	default:
		return 0;
	}
}

static double rnd01(struct http_client *c)
{
	/* xorshift64*: jitter only, nothing secret */
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return (double)((c->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static void sleep_ms(long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int setup(struct http_client *c, const struct http_request *r, struct curl_slist **hl,
		 struct http_headers *signed_h, struct body_ctx *bc, char *cerr, struct err *e)
{
	CURL *h = c->curl;
	const char *const *p;
	size_t i;
	int rc;

	curl_easy_reset(h);
	if (r->sign && (rc = r->sign(r->sign_arg, r, signed_h, e)) < 0)
		return rc;
	for (p = r->headers; p && *p; p++)
		if ((*hl = curl_slist_append(*hl, *p)) == NULL)
			return err_nomem(e);
	for (i = 0; i < signed_h->n; i++)
		if ((*hl = curl_slist_append(*hl, signed_h->v[i])) == NULL)
			return err_nomem(e);
	/* no "Expect: 100-continue" round trip on POST */
	if ((*hl = curl_slist_append(*hl, "Expect:")) == NULL)
		return err_nomem(e);
	curl_easy_setopt(h, CURLOPT_URL, r->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hl);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->o.connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->o.timeout_ms);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_NOPROXY, c->noproxy);
	curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body_first);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, bc);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, bc->a);
	if (r->body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body);
	}
	if (r->method && strcmp(r->method, "GET") != 0 &&
	    !(strcmp(r->method, "POST") == 0 && r->body))
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r->method);
	return 0;
}

int http_do(struct http_client *c, const struct http_request *r, long *status, struct err *e)
{
	char url[1024], cerr[CURL_ERROR_SIZE], code[128], msg[512], why[800];
	const char *method = r->method ? r->method : "GET";
	int attempt, rc = 0;

	if (status)
		*status = 0;
	if (r->resp_headers)
		http_headers_release(r->resp_headers);
	http_redact_url(r->url, url, sizeof(url));
	if (!http_url_allowed(r->url))
		return err_set(e, ERR_INPUT, "%s: \"%s\" is not an https:// URL (plain http:// is "
			       "only for loopback addresses)", c->provider, url);
	for (attempt = 1;; attempt++) {
		struct attempt a;
		struct body_ctx bc;
		struct curl_slist *hl = NULL;
		struct http_headers sh = HTTP_HEADERS_INIT;
		CURLcode cc;
		curl_off_t ra = -1;
		long wait_ms = 0, retry_after_ms = -1;
		int retry = 0;

		memset(&a, 0, sizeof(a));
		a.r = r;
		a.e = e;
		bc.a = &a;
		bc.curl = c->curl;
		bc.have_status = 0;
		cerr[0] = '\0';
		code[0] = msg[0] = '\0';
		c->attempts++;
		if (r->resp_headers)
			http_headers_release(r->resp_headers);
		if ((rc = setup(c, r, &hl, &sh, &bc, cerr, e)) < 0) {
			curl_slist_free_all(hl);
			http_headers_release(&sh);
			return rc;
		}
		cc = curl_easy_perform(c->curl);
		curl_slist_free_all(hl);
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &a.status);
		if (status)
			*status = a.status;
		if (a.abort_rc < 0) {
			/* the parser refused the body: its message says why; a retry would not help */
			buf_release(&a.errbody);
			http_headers_release(&sh);
			return err_wrap(e, "%s: %s %s", c->provider, method, url);
		}
		if (cc == CURLE_OK && a.status >= 200 && a.status < 300) {
			buf_release(&a.errbody);
			http_headers_release(&sh);
			return 0;
		}
		if (cc != CURLE_OK) {
			snprintf(why, sizeof(why), "%s", cerr[0] ? cerr : curl_easy_strerror(cc));
			retry = retryable_curl(cc);
			if (cc == CURLE_OPERATION_TIMEDOUT)
				snprintf(why, sizeof(why), "timed out (%s)",
					 cerr[0] ? cerr : curl_easy_strerror(cc));
		} else {
			decode_error(&a.errbody, a.amz_error_type, code, sizeof(code), msg,
				     sizeof(msg));
			scrub_message(msg, sizeof(msg), r, &sh, 1);
			scrub_message(code, sizeof(code), r, &sh, 0);
			snprintf(why, sizeof(why), "HTTP %ld%s%s%s%s", a.status, code[0] ? ": " : "",
				 code, msg[0] ? ": " : "", msg);
			retry = a.status == 429 || a.status >= 500 || retryable_code(code,
										r->retry_codes);
			/* in seconds, as the server wrote it: "Retry-After: 9223372036854775807" too */
			if (curl_easy_getinfo(c->curl, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
				retry_after_ms = ra > LONG_MAX / 1000 ? LONG_MAX : (long)ra * 1000;
			if (a.amz_retry_after_ms > 0 && a.amz_retry_after_ms > retry_after_ms)
				retry_after_ms = a.amz_retry_after_ms;
		}
		buf_release(&a.errbody);
		http_headers_release(&sh);
		if (!retry || attempt >= c->o.max_attempts) {
			if (attempt > 1)
				return err_set(e, ERR_RUNTIME, "%s: %s %s: %s (after %d attempts)",
					       c->provider, method, url, why, attempt);
			return err_set(e, ERR_RUNTIME, "%s: %s %s: %s", c->provider, method, url, why);
		}
		if (retry_after_ms > c->o.retry_after_max_ms)
			return err_set(e, ERR_RUNTIME, "%s: %s %s: %s (asks to retry after %ld s)",
				       c->provider, method, url, why, retry_after_ms / 1000);
		{
			long cap = c->o.backoff_base_ms;
			int k;

			for (k = 1; k < attempt && cap < c->o.backoff_cap_ms; k++)
				cap *= 2;
			if (cap > c->o.backoff_cap_ms)
				cap = c->o.backoff_cap_ms;
			wait_ms = (long)(rnd01(c) * (double)cap);
			if (wait_ms < retry_after_ms)
				wait_ms = retry_after_ms;
		}
		if (c->o.on_retry) {
			char line[1024];

			snprintf(line, sizeof(line), "%s: %s %s: %s; retry %d of %d in %.1f s",
				 c->provider, method, url, why, attempt, c->o.max_attempts - 1,
				 (double)wait_ms / 1000);
			c->o.on_retry(c->o.on_retry_arg, line);
		}
		sleep_ms(wait_ms);
		if (a.delivered && r->on_reset && (rc = r->on_reset(r->arg, e)) < 0)
			return rc;
	}
}

struct collect {
	struct buf *b;
	size_t max;
};

static int collect_data(void *arg, const char *p, size_t n, struct err *e)
{
	struct collect *c = arg;

	if (c->b->len + n > c->max)
		return err_set(e, ERR_RUNTIME, "response body is over %zu bytes", c->max);
	if (buf_add(c->b, p, n) < 0)
		return err_nomem(e);
	return 0;
}

static int collect_reset(void *arg, struct err *e)
{
	struct collect *c = arg;

	(void)e;
	buf_reset(c->b);
	return 0;
}

int http_fetch(struct http_client *c, const struct http_request *r, struct buf *out, size_t max,
	       long *status, struct err *e)
{
	struct http_request q = *r;
	struct collect col = { out, max };

	buf_reset(out);
	q.on_data = collect_data;
	q.on_reset = collect_reset;
	q.arg = &col;
	return http_do(c, &q, status, e);
}
