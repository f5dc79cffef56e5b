/*
 * OAuth 2.0 access tokens for the compute clients. GCP: a JWT signed RS256 with the
 * service account's private key (OpenSSL), exchanged at the token endpoint (RFC 7523).
 * Azure: client credentials of a service principal, scope management.azure.com/.default
 * whatever endpoint ARM calls go to. Tokens live in memory only: never logged, never stored.
 */
#include "providers/compute_int.h"
#include "providers/http.h"
#include "util/jw.h"
#include "util/tm.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_tree.h>

#define GCP_SCOPE "https://www.googleapis.com/auth/compute"
#define AZURE_SCOPE "https://management.azure.com/.default"

static yajl_val jget(yajl_val o, const char *k)
{
	const char *path[2] = { k, NULL };

	return yajl_tree_get(o, path, yajl_t_any);
}

/*
 * A token's expires_in in seconds, clamped to 0..OAUTH_MAX_LIFETIME: a server's huge,
 * negative or non-number value must not overflow the cast (undefined) nor keep a token
 * forever; 0 only makes the next call fetch a new one. 3600 when absent.
 */
#define OAUTH_MAX_LIFETIME 86400.0
static long long lifetime(yajl_val exp)
{
	const char *str = YAJL_IS_STRING(exp) ? YAJL_GET_STRING(exp) : NULL;
	double s = 3600;

	if (YAJL_IS_NUMBER(exp))
		s = YAJL_GET_DOUBLE(exp);
	else if (str != NULL)
		s = strtod(str, NULL);
	if (!(s >= 0))		/* negative or NaN */
		s = 0;
	if (s > OAUTH_MAX_LIFETIME)
		s = OAUTH_MAX_LIFETIME;
	return (long long)s;
}

static const char *jstr(yajl_val v)
{
	const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;

	return s ? s : "";
}

/* base64url without padding (RFC 7515) */
static int b64url(struct buf *out, const unsigned char *p, size_t n, struct err *e)
{
	size_t cap = 4 * ((n + 2) / 3) + 1, i;
	unsigned char *t = malloc(cap);
	int len;

	if (t == NULL)
		return err_nomem(e);
	len = EVP_EncodeBlock(t, p, (int)n);
	for (i = 0; i < (size_t)len; i++) {
		if (t[i] == '+')
			t[i] = '-';
		else if (t[i] == '/')
			t[i] = '_';
	}
	while (len > 0 && t[len - 1] == '=')
		len--;
	if (buf_add(out, t, (size_t)len) < 0) {
		free(t);
		return err_nomem(e);
	}
	free(t);
	return 0;
}

static int read_all(const char *path, struct buf *b, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	if (f == NULL)
		return err_set(e, ERR_INPUT, "gcp service account file \"%s\" cannot be read", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, n) < 0) {
			fclose(f);
			return err_nomem(e);
		}
	fclose(f);
	if (buf_puts(b, "") < 0)
		return err_nomem(e);
	return 0;
}

/* The token exchange: POST form, read access_token and expires_in. */
static int exchange(providers_compute *pc, const char *provider, const char *url,
		    const char *form, struct err *e)
{
	static const char *const headers[] = {
		"Content-Type: application/x-www-form-urlencoded", "Accept: application/json", NULL,
	};
	struct http_opts o = HTTP_OPTS_INIT;
	struct http_client *c = NULL;
	struct http_request q = HTTP_REQUEST_INIT;
	struct buf body = BUF_INIT;
	yajl_val root = NULL, tok, exp;
	long status = 0;
	int rc;

	o.provider = provider;
	if (pc->conf.backoff_base_ms > 0)
		o.backoff_base_ms = pc->conf.backoff_base_ms;
	if ((rc = http_client_new(&c, &o, e)) < 0)
		goto out;
	q.method = "POST";
	q.url = url;
	q.headers = headers;
	q.body = form;
	q.body_len = strlen(form);
	if ((rc = http_fetch(c, &q, &body, 1u << 20, &status, e)) < 0) {
		/* http.c strips secrets from URLs; the form (which holds them) is never shown */
		compute_audit(pc, "", "oauth.token", "", "", "error", e->msg);
		err_wrap(e, "%s token", provider);
		goto out;
	}
	compute_audit(pc, "", "oauth.token", "", "", "ok", "");
	root = yajl_tree_parse(buf_str(&body), NULL, 0);
	tok = root ? jget(root, "access_token") : NULL;
	exp = root ? jget(root, "expires_in") : NULL;
	if (jstr(tok)[0] == '\0') {
		rc = err_set(e, ERR_RUNTIME, "%s token: the answer has no \"access_token\"", provider);
		goto out;
	}
	free(pc->bearer);
	if ((pc->bearer = strdup(jstr(tok))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	/* Azure sends expires_in as a string, Google as a number */
	pc->bearer_expires = (long long)time(NULL) + lifetime(exp) - 60;
out:
	yajl_tree_free(root);
	if (body.p)
		memset(body.p, 0, body.len);	/* held the token */
	buf_release(&body);
	http_client_free(c);
	return rc;
}

static int form_add(struct buf *b, const char *k, const char *v, struct err *e)
{
	if ((b->len && buf_putc(b, '&') < 0) || buf_puts(b, k) < 0 || buf_putc(b, '=') < 0 ||
	    http_urlencode(b, v, strlen(v)) < 0)
		return err_nomem(e);
	return 0;
}

int oauth_gcp_token(providers_compute *pc, struct err *e)
{
	struct buf file = BUF_INIT, jwt = BUF_INIT, form = BUF_INIT;
	yajl_val root = NULL, email, key, turi;
	char url[1024];
	const char *hdr = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", *claims;
	unsigned char *sig = NULL;
	size_t siglen = 0, clen;
	BIO *bio = NULL;
	EVP_PKEY *pk = NULL;
	EVP_MD_CTX *md = NULL;
	jw *w = NULL;
	long long now = (long long)time(NULL);
	int rc = 0;

	if (pc->bearer && pc->bearer_expires > now)
		return 0;
	if (pc->conf.service_account_file == NULL)
		return err_set(e, ERR_INPUT, "gcp: no service account: set "
			       "\"providers.gcp.service_account_file\" or GOOGLE_APPLICATION_CREDENTIALS");
	if ((rc = read_all(pc->conf.service_account_file, &file, e)) < 0)
		goto out;
	root = yajl_tree_parse(buf_str(&file), NULL, 0);
	email = root ? jget(root, "client_email") : NULL;
	key = root ? jget(root, "private_key") : NULL;
	turi = root ? jget(root, "token_uri") : NULL;
	if (!YAJL_IS_STRING(email) || !YAJL_IS_STRING(key)) {
		rc = err_set(e, ERR_INPUT, "%s: not a service account key (needs \"client_email\" and "
			     "\"private_key\")", pc->conf.service_account_file);
		goto out;
	}
	if (pc->conf.token_endpoint)
		snprintf(url, sizeof(url), "%s/token", pc->conf.token_endpoint);
	else
		snprintf(url, sizeof(url), "%s", jstr(turi)[0] ? jstr(turi) :
			 "https://oauth2.googleapis.com/token");
	/* the claims: issuer, scope, audience (the endpoint the assertion is for), times */
	if ((w = jw_new(0)) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	jw_obj(w);
	jw_kstr(w, "iss", jstr(email));
	jw_kstr(w, "scope", GCP_SCOPE);
	jw_kstr(w, "aud", url);
	jw_kint(w, "iat", now);
	jw_kint(w, "exp", now + 3600);
	jw_obj_end(w);
	if ((claims = jw_text(w, &clen)) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	if ((rc = b64url(&jwt, (const unsigned char *)hdr, strlen(hdr), e)) < 0 ||
	    buf_putc(&jwt, '.') < 0 ||
	    (rc = b64url(&jwt, (const unsigned char *)claims, clen, e)) < 0)
		goto out;
	bio = BIO_new_mem_buf(jstr(key), -1);
	pk = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
	if (pk == NULL) {
		rc = err_set(e, ERR_INPUT, "%s: \"private_key\" is not a PEM private key",
			     pc->conf.service_account_file);
		goto out;
	}
	if ((md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, pk) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, (const unsigned char *)jwt.p, jwt.len) != 1 ||
	    (sig = malloc(siglen)) == NULL ||
	    EVP_DigestSign(md, sig, &siglen, (const unsigned char *)jwt.p, jwt.len) != 1) {
		rc = err_set(e, ERR_RUNTIME, "gcp: signing the token request failed");
		goto out;
	}
	if (buf_putc(&jwt, '.') < 0 || (rc = b64url(&jwt, sig, siglen, e)) < 0)
		goto out;
	if ((rc = form_add(&form, "grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer",
			   e)) < 0 || (rc = form_add(&form, "assertion", jwt.p, e)) < 0)
		goto out;
	rc = exchange(pc, "gcp", url, form.p, e);
out:
	jw_free(w);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pk);
	BIO_free(bio);
	free(sig);
	yajl_tree_free(root);
	if (file.p)
		memset(file.p, 0, file.len);	/* held the private key */
	buf_release(&file);
	buf_release(&jwt);
	buf_release(&form);
	return rc;
}

int oauth_azure_token(providers_compute *pc, struct err *e)
{
	const char *tenant = getenv("AZURE_TENANT_ID"), *id = getenv("AZURE_CLIENT_ID");
	const char *secret = getenv("AZURE_CLIENT_SECRET");
	const char *base = pc->conf.token_endpoint ? pc->conf.token_endpoint :
			   "https://login.microsoftonline.com";
	struct buf form = BUF_INIT;
	char url[1024];
	int rc;

	if (pc->bearer && pc->bearer_expires > (long long)time(NULL))
		return 0;
	if (!tenant || !*tenant || !id || !*id || !secret || !*secret)
		return err_set(e, ERR_INPUT, "azure: set AZURE_TENANT_ID, AZURE_CLIENT_ID and "
			       "AZURE_CLIENT_SECRET (a service principal) to apply on azure");
	snprintf(url, sizeof(url), "%s/%s/oauth2/v2.0/token", base, tenant);
	if ((rc = form_add(&form, "grant_type", "client_credentials", e)) < 0 ||
	    (rc = form_add(&form, "client_id", id, e)) < 0 ||
	    (rc = form_add(&form, "client_secret", secret, e)) < 0 ||
	    (rc = form_add(&form, "scope", AZURE_SCOPE, e)) < 0)
		goto out;
	rc = exchange(pc, "azure", url, form.p, e);
out:
	if (form.p)
		memset(form.p, 0, form.len);	/* held the secret */
	buf_release(&form);
	return rc;
}
