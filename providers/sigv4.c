/* AWS Signature Version 4, AWS credentials and endpoints. */
#include "providers/sigv4.h"

#include <ctype.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/tm.h"

void sigv4_sha256_hex(char out[65], const void *data, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	if (EVP_Digest(data, n, md, &len, EVP_sha256(), NULL) != 1)
		len = 0;
	for (i = 0; i < len && i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * i] = '\0';
}

void sigv4_amz_date(char out[17], int64_t t)
{
	char iso[TM_ISO_LEN];

	/* "YYYY-MM-DDTHH:MM:SSZ" -> "YYYYMMDDTHHMMSSZ" */
	tm_format(t, iso);
	snprintf(out, 17, "%.4s%.2s%.2sT%.2s%.2s%.2sZ", iso, iso + 5, iso + 8, iso + 11, iso + 14,
		 iso + 17);
}

/* Appends s percent-encoded the SigV4 way; keep_slash for paths. */
static int enc(struct buf *b, const char *s, size_t n, int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
		    (keep_slash && c == '/')) {
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

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decodes s[0..n) into b ('+' stays '+': SigV4 never reads it as a space). */
static int dec(struct buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			if (buf_putc(b, (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]))) < 0)
				return ERR_NOMEM;
			i += 2;
		} else if (buf_putc(b, s[i]) < 0) {
			return ERR_NOMEM;
		}
	}
	return 0;
}

/*
 * RFC 3986 dot-segment removal plus merging of repeated slashes, the normalization AWS's
 * suite expects for every service but S3. The trailing slash is kept.
 */
static int normalize(struct buf *out, const char *path)
{
	const char *segs[256];
	size_t lens[256], n = 0, i;
	const char *p = path;
	int trailing = 0;

	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		if (*p == '\0') {
			trailing = 1;
			break;
		}
		len = strcspn(p, "/");
		if (len == 1 && p[0] == '.') {
			trailing = p[1] == '\0' || p[1] == '/';
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (n)
				n--;
			trailing = 1;
		} else {
			if (n == 256)
				return ERR_INPUT;
			segs[n] = p;
			lens[n++] = len;
			trailing = 0;
		}
		p += len;
		if (*p == '/' && p[1] == '\0')
			trailing = 1;
	}
	if (buf_putc(out, '/') < 0)
		return ERR_NOMEM;
	for (i = 0; i < n; i++) {
		if (buf_add(out, segs[i], lens[i]) < 0)
			return ERR_NOMEM;
		if ((i + 1 < n || trailing) && buf_putc(out, '/') < 0)
			return ERR_NOMEM;
	}
	return 0;
}

struct qpair {
	char *k;
	char *v;
};

static int cmp_qpair(const void *a, const void *b)
{
	const struct qpair *x = a, *y = b;
	int c = strcmp(x->k, y->k);

	return c ? c : strcmp(x->v, y->v);
}

static int canonical_query(struct buf *out, const char *q)
{
	struct qpair *v = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	while (q && *q) {
		size_t len = strcspn(q, "&"), klen = strcspn(q, "=");
		struct buf raw = BUF_INIT, k = BUF_INIT, val = BUF_INIT;

		if (klen > len)
			klen = len;
		if (len == 0) {
			q++;
			continue;
		}
		if (n == cap) {
			struct qpair *t;

			cap = cap ? 2 * cap : 8;
			if ((t = realloc(v, cap * sizeof(*v))) == NULL) {
				rc = ERR_NOMEM;
				goto out;
			}
			v = t;
		}
		if (dec(&raw, q, klen) < 0 || enc(&k, buf_str(&raw), raw.len, 0) < 0) {
			buf_release(&raw);
			buf_release(&k);
			rc = ERR_NOMEM;
			goto out;
		}
		buf_reset(&raw);
		if (klen < len && (dec(&raw, q + klen + 1, len - klen - 1) < 0 ||
				   enc(&val, buf_str(&raw), raw.len, 0) < 0)) {
			buf_release(&raw);
			buf_release(&k);
			buf_release(&val);
			rc = ERR_NOMEM;
			goto out;
		}
		buf_release(&raw);
		if (buf_puts(&k, "") < 0 || buf_puts(&val, "") < 0) {
			buf_release(&k);
			buf_release(&val);
			rc = ERR_NOMEM;
			goto out;
		}
		v[n].k = buf_detach(&k);
		v[n].v = buf_detach(&val);
		n++;
		q += len;
		if (*q == '&')
			q++;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_qpair);
	for (i = 0; i < n; i++)
		if (buf_printf(out, "%s%s=%s", i ? "&" : "", v[i].k, v[i].v) < 0) {
			rc = ERR_NOMEM;
			goto out;
		}
out:
	for (i = 0; i < n; i++) {
		free(v[i].k);
		free(v[i].v);
	}
	free(v);
	return rc;
}

struct hdr {
	char name[128];
	const struct sigv4_header *src;
	size_t order;
};

static int cmp_hdr(const void *a, const void *b)
{
	const struct hdr *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Appends a header value trimmed, with runs of spaces collapsed to one. */
static int put_value(struct buf *b, const char *s)
{
	int space = 0, any = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t') {
			space = 1;
			continue;
		}
		if (space && any && buf_putc(b, ' ') < 0)
			return ERR_NOMEM;
		if (buf_putc(b, *s) < 0)
			return ERR_NOMEM;
		space = 0;
		any = 1;
	}
	return buf_puts(b, "");
}

int sigv4_canonical_request(struct buf *out, struct buf *signed_headers,
			    const struct sigv4_input *in, struct err *e)
{
	struct hdr *h = NULL;
	struct buf path = BUF_INIT, sh = BUF_INIT;
	char hash[65];
	size_t i, j;
	int rc = 0;

	buf_reset(out);
	if (in->nheaders && (h = calloc(in->nheaders, sizeof(*h))) == NULL)
		return err_nomem(e);
	if (buf_printf(out, "%s\n", in->method) < 0)
		goto nomem;
	if (in->normalize_path) {
		rc = normalize(&path, in->path && *in->path ? in->path : "/");
		if (rc == ERR_INPUT) {
			rc = err_set(e, ERR_INPUT, "sigv4: path has too many segments");
			goto out;
		}
		if (rc < 0)
			goto nomem;
	} else if (buf_puts(&path, in->path && *in->path ? in->path : "/") < 0) {
		goto nomem;
	}
	if (enc(out, buf_str(&path), path.len, 1) < 0 || buf_putc(out, '\n') < 0 ||
	    canonical_query(out, in->query) < 0 || buf_putc(out, '\n') < 0)
		goto nomem;
	for (i = 0; i < in->nheaders; i++) {
		size_t k;

		for (k = 0; in->headers[i].name[k] && k + 1 < sizeof(h[i].name); k++)
			h[i].name[k] = (char)tolower((unsigned char)in->headers[i].name[k]);
		h[i].name[k] = '\0';
		h[i].src = &in->headers[i];
		h[i].order = i;
	}
	if (in->nheaders)
		qsort(h, in->nheaders, sizeof(*h), cmp_hdr);
	for (i = 0; i < in->nheaders; i = j) {
		if (buf_printf(out, "%s:", h[i].name) < 0 ||
		    buf_printf(&sh, "%s%s", i ? ";" : "", h[i].name) < 0)
			goto nomem;
		/* repeated names: values joined with commas in the order they came */
		for (j = i; j < in->nheaders && strcmp(h[j].name, h[i].name) == 0; j++) {
			if ((j > i && buf_putc(out, ',') < 0) || put_value(out, h[j].src->value) < 0)
				goto nomem;
		}
		if (buf_putc(out, '\n') < 0)
			goto nomem;
	}
	sigv4_sha256_hex(hash, in->body ? in->body : "", in->body ? in->body_len : 0);
	if (buf_printf(out, "\n%s\n%s", buf_str(&sh), hash) < 0)
		goto nomem;
	if (signed_headers) {
		buf_reset(signed_headers);
		if (buf_puts(signed_headers, buf_str(&sh)) < 0)
			goto nomem;
	}
	goto out;
nomem:
	rc = err_nomem(e);
out:
	free(h);
	buf_release(&path);
	buf_release(&sh);
	return rc;
}

int sigv4_string_to_sign(struct buf *out, const char *amz_date, const char *region,
			 const char *service, const char *creq, size_t creq_len)
{
	char hash[65];

	buf_reset(out);
	sigv4_sha256_hex(hash, creq, creq_len);
	return buf_printf(out, "AWS4-HMAC-SHA256\n%s\n%.8s/%s/%s/aws4_request\n%s", amz_date,
			  amz_date, region, service, hash);
}

static void hmac(unsigned char out[32], const void *key, size_t klen, const void *msg, size_t n)
{
	unsigned int len = 32;

	if (HMAC(EVP_sha256(), key, (int)klen, msg, n, out, &len) == NULL)
		memset(out, 0, 32);
}

void sigv4_signature(char out[65], const char *secret, const char *amz_date, const char *region,
		     const char *service, const char *sts, size_t sts_len)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char k[32], sig[32];
	char kstart[160];
	int i;

	snprintf(kstart, sizeof(kstart), "AWS4%s", secret);
	hmac(k, kstart, strlen(kstart), amz_date, 8);
	hmac(k, k, 32, region, strlen(region));
	hmac(k, k, 32, service, strlen(service));
	hmac(k, k, 32, "aws4_request", 12);
	hmac(sig, k, 32, sts, sts_len);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[sig[i] >> 4];
		out[2 * i + 1] = hex[sig[i] & 15];
	}
	out[64] = '\0';
	/* the derived key and the prefixed secret do not outlive the call */
	memset(kstart, 0, sizeof(kstart));
	memset(k, 0, sizeof(k));
}

int sigv4_authorization(struct buf *out, const struct sigv4_creds *c, const char *amz_date,
			const char *region, const char *service, const struct sigv4_input *in,
			struct err *e)
{
	struct buf creq = BUF_INIT, sh = BUF_INIT, sts = BUF_INIT;
	char sig[65];
	int rc;

	buf_reset(out);
	if ((rc = sigv4_canonical_request(&creq, &sh, in, e)) < 0)
		goto out;
	if (sigv4_string_to_sign(&sts, amz_date, region, service, buf_str(&creq), creq.len) < 0) {
		rc = err_nomem(e);
		goto out;
	}
	sigv4_signature(sig, c->secret_access_key, amz_date, region, service, buf_str(&sts),
			sts.len);
	if (buf_printf(out, "AWS4-HMAC-SHA256 Credential=%s/%.8s/%s/%s/aws4_request, "
		       "SignedHeaders=%s, Signature=%s", c->access_key_id, amz_date, region,
		       service, buf_str(&sh), sig) < 0)
		rc = err_nomem(e);
out:
	buf_release(&creq);
	buf_release(&sh);
	buf_release(&sts);
	return rc;
}

int sigv4_http_sign(void *signer, const struct http_request *r, struct http_headers *out,
		    struct err *e)
{
	const struct sigv4_signer *sg = signer;
	struct sigv4_header hv[HTTP_MAX_HEADERS + 4];
	char names[HTTP_MAX_HEADERS][128], amz_date[17], hostport[300];
	CURLU *u = curl_url();
	char *host = NULL, *port = NULL, *path = NULL, *query = NULL;
	struct sigv4_input in;
	struct buf auth = BUF_INIT;
	const char *const *p;
	size_t n = 0;
	int rc = 0;

	if (u == NULL)
		return err_nomem(e);
	if (curl_url_set(u, CURLUPART_URL, r->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK) {
		rc = err_set(e, ERR_INPUT, "sigv4: cannot parse the request URL");
		goto out;
	}
	curl_url_get(u, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT);
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	/* the Host header curl sends: host, plus the port when it is not the scheme's default */
	snprintf(hostport, sizeof(hostport), "%s%s%s", host, port ? ":" : "", port ? port : "");
	sigv4_amz_date(amz_date, (int64_t)time(NULL));
	hv[n].name = "Host";
	hv[n++].value = hostport;
	hv[n].name = "X-Amz-Date";
	hv[n++].value = amz_date;
	if (sg->creds->session_token[0] && !sg->token_unsigned) {
		hv[n].name = "X-Amz-Security-Token";
		hv[n++].value = sg->creds->session_token;
	}
	for (p = r->headers; p && *p && n < HTTP_MAX_HEADERS; p++) {
		const char *colon = strchr(*p, ':');
		size_t len = colon ? (size_t)(colon - *p) : 0, idx = n;

		/* "Name:" alone removes a curl default header: nothing is sent, nothing signed */
		if (colon == NULL || colon[1 + strspn(colon + 1, " ")] == '\0' ||
		    len >= sizeof(names[0]))
			continue;
		memcpy(names[idx], *p, len);
		names[idx][len] = '\0';
		hv[n].name = names[idx];
		hv[n++].value = colon + 1 + strspn(colon + 1, " ");
	}
	memset(&in, 0, sizeof(in));
	in.method = r->method ? r->method : (r->body ? "POST" : "GET");
	in.path = path;
	in.query = query;
	in.headers = hv;
	in.nheaders = n;
	in.body = r->body;
	in.body_len = r->body ? r->body_len : 0;
	in.normalize_path = 1;
	if ((rc = sigv4_authorization(&auth, sg->creds, amz_date, sg->region, sg->service, &in,
				      e)) < 0)
		goto out;
	if ((rc = http_headers_add(out, "X-Amz-Date", amz_date, e)) < 0)
		goto out;
	if (sg->creds->session_token[0] &&
	    (rc = http_headers_add(out, "X-Amz-Security-Token", sg->creds->session_token, e)) < 0)
		goto out;
	rc = http_headers_add(out, "Authorization", buf_str(&auth), e);
out:
	buf_release(&auth);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	return rc;
}

/* --- credentials ---------------------------------------------------------------------- */

void sigv4_creds_clear(struct sigv4_creds *c)
{
	volatile char *p = (volatile char *)c;
	size_t i;

	for (i = 0; i < sizeof(*c); i++)
		p[i] = 0;
}

static void trim(char *s)
{
	size_t len = strlen(s), k = 0;

	while (len && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	while (isspace((unsigned char)s[k]))
		k++;
	memmove(s, s + k, len - k + 1);
}

static int set_field(char *dst, size_t n, const char *v, const char *what, struct err *e)
{
	if (strlen(v) >= n)
		return err_set(e, ERR_INPUT, "aws credentials: \"%s\" is too long", what);
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

int sigv4_creds_load(struct sigv4_creds *out, struct err *e)
{
	const char *id = getenv("AWS_ACCESS_KEY_ID"), *sec = getenv("AWS_SECRET_ACCESS_KEY");
	const char *tok = getenv("AWS_SESSION_TOKEN"), *profile = getenv("AWS_PROFILE");
	const char *file = getenv("AWS_SHARED_CREDENTIALS_FILE"), *home = getenv("HOME");
	char path[1024], line[8192], section[256] = "";
	FILE *f = NULL;
	int rc = 0, in_profile = 0, found = 0;
	size_t lineno = 0;

	memset(out, 0, sizeof(*out));
	if (id && *id && sec && *sec) {
		if ((rc = set_field(out->access_key_id, sizeof(out->access_key_id), id,
				    "AWS_ACCESS_KEY_ID", e)) < 0 ||
		    (rc = set_field(out->secret_access_key, sizeof(out->secret_access_key), sec,
				    "AWS_SECRET_ACCESS_KEY", e)) < 0 ||
		    (tok && (rc = set_field(out->session_token, sizeof(out->session_token), tok,
					    "AWS_SESSION_TOKEN", e)) < 0))
			goto out;
		snprintf(out->source, sizeof(out->source), "environment");
		return 0;
	}
	if (profile == NULL || *profile == '\0')
		profile = "default";
	if (file && *file)
		snprintf(path, sizeof(path), "%s", file);
	else if (home && *home)
		snprintf(path, sizeof(path), "%s/.aws/credentials", home);
	else
		return err_set(e, ERR_INPUT, "aws: no credentials: set AWS_ACCESS_KEY_ID and "
			       "AWS_SECRET_ACCESS_KEY, or write ~/.aws/credentials");
	if ((f = fopen(path, "r")) == NULL)
		return err_set(e, ERR_INPUT, "aws: no credentials: AWS_ACCESS_KEY_ID is not set "
			       "and %s cannot be read", path);
	while (fgets(line, sizeof(line), f)) {
		char *eq;

		lineno++;
		trim(line);
		if (line[0] == '#' || line[0] == ';' || line[0] == '\0')
			continue;
		if (line[0] == '[') {
			char *end = strchr(line, ']');

			if (end == NULL) {
				rc = err_set(e, ERR_INPUT, "%s:%zu: a section header without ']'",
					     path, lineno);
				goto out;
			}
			*end = '\0';
			snprintf(section, sizeof(section), "%s", line + 1);
			trim(section);
			in_profile = strcmp(section, profile) == 0;
			found |= in_profile;
			continue;
		}
		if (!in_profile || (eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		trim(line);
		trim(eq + 1);
		if (strcasecmp(line, "aws_access_key_id") == 0)
			rc = set_field(out->access_key_id, sizeof(out->access_key_id), eq + 1,
				       "aws_access_key_id", e);
		else if (strcasecmp(line, "aws_secret_access_key") == 0)
			rc = set_field(out->secret_access_key, sizeof(out->secret_access_key),
				       eq + 1, "aws_secret_access_key", e);
		else if (strcasecmp(line, "aws_session_token") == 0)
			rc = set_field(out->session_token, sizeof(out->session_token), eq + 1,
				       "aws_session_token", e);
		if (rc < 0)
			goto out;
	}
	if (!found) {
		rc = err_set(e, ERR_INPUT, "aws: %s has no profile [%s]", path, profile);
		goto out;
	}
	if (out->access_key_id[0] == '\0' || out->secret_access_key[0] == '\0') {
		rc = err_set(e, ERR_INPUT, "aws: profile [%s] in %s lacks aws_access_key_id or "
			     "aws_secret_access_key", profile, path);
		goto out;
	}
	snprintf(out->source, sizeof(out->source), "profile %.50s", profile);
out:
	if (f)
		fclose(f);
	memset(line, 0, sizeof(line));
	if (rc < 0)
		sigv4_creds_clear(out);
	return rc;
}

/* --- endpoints ------------------------------------------------------------------------ */

int sigv4_aws_endpoint(char *out, size_t n, const char *service, const char *region,
		       const char *configured, const char **from, struct err *e)
{
	char var[64];
	const char *v, *src;
	size_t i, len;

	snprintf(var, sizeof(var), "AWS_ENDPOINT_URL_%s", service);
	for (i = 17; var[i]; i++)
		var[i] = (char)toupper((unsigned char)var[i]);
	if ((v = getenv(var)) != NULL && *v) {
		src = strcmp(service, "pricing") == 0 ? "AWS_ENDPOINT_URL_PRICING" :
			strcmp(service, "ec2") == 0 ? "AWS_ENDPOINT_URL_EC2" : "AWS_ENDPOINT_URL_*";
	} else if ((v = getenv("AWS_ENDPOINT_URL")) != NULL && *v) {
		src = "AWS_ENDPOINT_URL";
	} else if (configured && *configured) {
		v = configured;
		src = "config";
	} else {
		v = NULL;
		src = "default";
	}
	if (v == NULL) {
		if (strcmp(service, "pricing") == 0)
			snprintf(out, n, "https://api.pricing.us-east-1.amazonaws.com");
		else
			snprintf(out, n, "https://%s.%s.amazonaws.com", service,
				 region && *region ? region : "us-east-1");
	} else {
		if (strlen(v) >= n)
			return err_set(e, ERR_INPUT, "aws: the %s endpoint from %s is too long",
				       service, src);
		snprintf(out, n, "%s", v);
	}
	len = strlen(out);
	while (len > 0 && out[len - 1] == '/')
		out[--len] = '\0';
	if (from)
		*from = src;
	if (!http_url_allowed(out))
		return err_set(e, ERR_INPUT, "aws: the %s endpoint from %s must be https:// (plain "
			       "http:// only for loopback addresses)", service, src);
	return 0;
}
