/*
 * providers/: SigV4 against AWS's own test suite, the HTTP client's guards, the instance
 * table, the response parsers, and `capplan prices fetch` against the fake cloud.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "providers/http.h"
#include "providers/providers.h"
#include "providers/sigv4.h"
#include "tests/testutil.h"

/* --- SigV4: the official suite ------------------------------------------------------------ */

#define SUITE_DATE "20150830T123600Z"
#define SUITE_SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

/*
 * Every case of the 2015 suite that applies to a signer for non-S3 services. Skipped:
 * get-header-value-multiline (an obsolete folded header, which no HTTP client sends and whose
 * expected value AWS itself changed in 2020). The normalize-path cases run with normalization
 * on, as every non-S3 service requires.
 */
static const char *const sigv4_cases[] = {
	"get-header-key-duplicate", "get-header-value-order", "get-header-value-trim",
	"get-unreserved", "get-utf8", "get-vanilla", "get-vanilla-empty-query-key",
	"get-vanilla-query", "get-vanilla-query-order-key", "get-vanilla-query-order-key-case",
	"get-vanilla-query-order-value", "get-vanilla-query-unreserved", "get-vanilla-utf8-query",
	"post-header-key-case", "post-header-key-sort", "post-header-value-case", "post-vanilla",
	"post-vanilla-empty-query-value", "post-vanilla-query", "post-x-www-form-urlencoded",
	"post-x-www-form-urlencoded-parameters",
	"normalize-path/get-relative", "normalize-path/get-relative-relative",
	"normalize-path/get-slash", "normalize-path/get-slash-dot-slash",
	"normalize-path/get-slash-pointless-dot", "normalize-path/get-slashes",
	"normalize-path/get-space",
	"post-sts-token/post-sts-header-before", "post-sts-token/post-sts-header-after",
};

static char *case_file(const char *c, const char *ext)
{
	char rel[512];
	const char *base = strrchr(c, '/');

	snprintf(rel, sizeof(rel), "tests/data/providers/sigv4/%s/%s.%s", c, base ? base + 1 : c,
		 ext);
	return tu_read(tu_src(rel), NULL);
}

/* Parses a suite .req in place: request line split on its first and last space. */
static int parse_req(char *req, struct sigv4_input *in, struct sigv4_header *h, size_t maxh,
		     char **pathbuf)
{
	char *eol = strchr(req, '\n'), *sp1, *sp2, *p, *q;
	size_t n = 0;

	memset(in, 0, sizeof(*in));
	if (eol == NULL)
		eol = req + strlen(req);
	*eol = '\0';
	sp1 = strchr(req, ' ');
	sp2 = strrchr(req, ' ');
	if (sp1 == NULL || sp2 == sp1)
		return -1;
	*sp1 = '\0';
	*sp2 = '\0';
	in->method = req;
	*pathbuf = strdup(sp1 + 1);
	if ((q = strchr(*pathbuf, '?')) != NULL) {
		*q = '\0';
		in->query = q + 1;
	}
	in->path = *pathbuf;
	p = eol + 1;
	while (p < req + 1 || *p) {
		char *end = strchr(p, '\n'), *colon;

		if (end)
			*end = '\0';
		if (*p == '\0') {	/* blank line: the body follows */
			if (end) {
				in->body = end + 1;
				in->body_len = strlen(end + 1);
			}
			break;
		}
		colon = strchr(p, ':');
		if (colon == NULL || n == maxh)
			return -1;
		*colon = '\0';
		h[n].name = p;
		h[n].value = colon + 1;
		n++;
		if (end == NULL)
			break;
		p = end + 1;
	}
	in->headers = h;
	in->nheaders = n;
	in->normalize_path = 1;
	return 0;
}

static void test_sigv4_suite(void)
{
	struct sigv4_creds cr;
	size_t i;
	int passed = 0;

	memset(&cr, 0, sizeof(cr));
	strcpy(cr.access_key_id, "AKIDEXAMPLE");
	strcpy(cr.secret_access_key, SUITE_SECRET);
	for (i = 0; i < sizeof(sigv4_cases) / sizeof(sigv4_cases[0]); i++) {
		const char *c = sigv4_cases[i];
		char *req = case_file(c, "req"), *creq = case_file(c, "creq");
		char *sts = case_file(c, "sts"), *authz = case_file(c, "authz");
		char *sreq = case_file(c, "sreq"), *path = NULL, sig[65];
		struct sigv4_header h[16];
		struct sigv4_input in;
		struct buf got = BUF_INIT, sh = BUF_INIT;
		struct err e = ERR_INIT;
		int ok = 1;

		CU_ASSERT_PTR_NOT_NULL_FATAL(req);
		CU_ASSERT_PTR_NOT_NULL_FATAL(creq);
		CU_ASSERT_PTR_NOT_NULL_FATAL(sts);
		CU_ASSERT_PTR_NOT_NULL_FATAL(authz);
		CU_ASSERT_EQUAL_FATAL(parse_req(req, &in, h, 16, &path), 0);
		/* stage 1: the canonical request */
		CU_ASSERT_EQUAL(sigv4_canonical_request(&got, &sh, &in, &e), 0);
		if (strcmp(buf_str(&got), creq) != 0) {
			fprintf(stderr, "\nsigv4 %s: canonical request\n%s\n--- expected\n%s\n", c,
				buf_str(&got), creq);
			ok = 0;
		}
		/* stage 2: the string to sign, from the expected canonical request */
		CU_ASSERT_EQUAL(sigv4_string_to_sign(&got, SUITE_DATE, "us-east-1", "service", creq,
						     strlen(creq)), 0);
		if (strcmp(buf_str(&got), sts) != 0) {
			fprintf(stderr, "\nsigv4 %s: string to sign differs\n", c);
			ok = 0;
		}
		/* stage 3: the signature, from the expected string to sign */
		sigv4_signature(sig, SUITE_SECRET, SUITE_DATE, "us-east-1", "service", sts,
				strlen(sts));
		if (strstr(authz, sig) == NULL) {
			fprintf(stderr, "\nsigv4 %s: signature %s differs\n", c, sig);
			ok = 0;
		}
		/* all stages at once: the Authorization header, and the signed request holds it */
		CU_ASSERT_EQUAL(sigv4_authorization(&got, &cr, SUITE_DATE, "us-east-1", "service",
						    &in, &e), 0);
		if (strcmp(buf_str(&got), authz) != 0) {
			fprintf(stderr, "\nsigv4 %s: authorization\n%s\n--- expected\n%s\n", c,
				buf_str(&got), authz);
			ok = 0;
		}
		if (sreq == NULL || strstr(sreq, buf_str(&got)) == NULL)
			ok = 0;
		CU_ASSERT(ok);
		passed += ok;
		buf_release(&got);
		buf_release(&sh);
		free(req);
		free(creq);
		free(sts);
		free(authz);
		free(sreq);
		free(path);
	}
	CU_ASSERT_EQUAL(passed, 30);
}

/* The http.h hook signs what curl will send: host with port, the token, the target header. */
static void test_sigv4_http_hook(void)
{
	static const char *const hdrs[] = { "Content-Type: application/x-amz-json-1.1",
					    "X-Amz-Target: AWSPriceListService.GetProducts", NULL };
	struct sigv4_creds cr;
	struct sigv4_signer sg = { &cr, "us-east-1", "pricing", 0 };
	struct http_request r = HTTP_REQUEST_INIT;
	struct http_headers out = HTTP_HEADERS_INIT;
	struct err e = ERR_INIT;

	memset(&cr, 0, sizeof(cr));
	strcpy(cr.access_key_id, "AKIDEXAMPLE");
	strcpy(cr.secret_access_key, SUITE_SECRET);
	strcpy(cr.session_token, "TOKEN123");
	r.method = "POST";
	r.url = "http://127.0.0.1:8080/";
	r.headers = hdrs;
	r.body = "{}";
	r.body_len = 2;
	CU_ASSERT_EQUAL_FATAL(sigv4_http_sign(&sg, &r, &out, &e), 0);
	CU_ASSERT_EQUAL_FATAL(out.n, 3);
	CU_ASSERT_EQUAL(strncmp(out.v[0], "X-Amz-Date: 20", 14), 0);
	CU_ASSERT_STRING_EQUAL(out.v[1], "X-Amz-Security-Token: TOKEN123");
	CU_ASSERT_PTR_NOT_NULL(strstr(out.v[2], "SignedHeaders=content-type;host;x-amz-date;"
					       "x-amz-security-token;x-amz-target, Signature="));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.v[2], "Credential=AKIDEXAMPLE/"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out.v[2], "/us-east-1/pricing/aws4_request"));
	http_headers_release(&out);
	/* the unsigned-token variant (suite case post-sts-header-after) */
	sg.token_unsigned = 1;
	CU_ASSERT_EQUAL_FATAL(sigv4_http_sign(&sg, &r, &out, &e), 0);
	CU_ASSERT_EQUAL_FATAL(out.n, 3);
	CU_ASSERT_STRING_EQUAL(out.v[1], "X-Amz-Security-Token: TOKEN123");
	CU_ASSERT_PTR_NOT_NULL(strstr(out.v[2], "SignedHeaders=content-type;host;x-amz-date;"
					       "x-amz-target, "));
	http_headers_release(&out);
}

static void test_sigv4_creds_and_endpoints(void)
{
	const char *dir = tu_tmpdir(), *from = NULL;
	struct sigv4_creds cr;
	struct err e = ERR_INIT;
	char url[256];

	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_SESSION_TOKEN");
	tu_write(tu_path(dir, "creds"), "[default]\naws_access_key_id = AKDEF\n"
		 "aws_secret_access_key = sdef\n\n[prod]\n# comment\naws_access_key_id=AKPROD\n"
		 "aws_secret_access_key= sprod \naws_session_token = tprod\n[half]\n"
		 "aws_access_key_id = X\n");
	setenv("AWS_SHARED_CREDENTIALS_FILE", tu_path(dir, "creds"), 1);
	unsetenv("AWS_PROFILE");
	CU_ASSERT_EQUAL(sigv4_creds_load(&cr, &e), 0);
	CU_ASSERT_STRING_EQUAL(cr.access_key_id, "AKDEF");
	CU_ASSERT_STRING_EQUAL(cr.secret_access_key, "sdef");
	CU_ASSERT_STRING_EQUAL(cr.session_token, "");
	setenv("AWS_PROFILE", "prod", 1);
	CU_ASSERT_EQUAL(sigv4_creds_load(&cr, &e), 0);
	CU_ASSERT_STRING_EQUAL(cr.access_key_id, "AKPROD");
	CU_ASSERT_STRING_EQUAL(cr.secret_access_key, "sprod");
	CU_ASSERT_STRING_EQUAL(cr.session_token, "tprod");
	CU_ASSERT_STRING_EQUAL(cr.source, "profile prod");
	setenv("AWS_PROFILE", "half", 1);
	CU_ASSERT_EQUAL(sigv4_creds_load(&cr, &e), ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "[half]"));
	setenv("AWS_PROFILE", "nope", 1);
	CU_ASSERT_EQUAL(sigv4_creds_load(&cr, &e), ERR_INPUT);
	/* the environment wins over the file */
	setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "senv", 1);
	CU_ASSERT_EQUAL(sigv4_creds_load(&cr, &e), 0);
	CU_ASSERT_STRING_EQUAL(cr.access_key_id, "AKENV");
	CU_ASSERT_STRING_EQUAL(cr.source, "environment");
	sigv4_creds_clear(&cr);
	CU_ASSERT_EQUAL(cr.secret_access_key[0], '\0');
	unsetenv("AWS_ACCESS_KEY_ID");
	unsetenv("AWS_SECRET_ACCESS_KEY");
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_SHARED_CREDENTIALS_FILE");

	/* endpoints: per-service variable, then AWS_ENDPOINT_URL, then config, then AWS */
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_PRICING");
	unsetenv("AWS_ENDPOINT_URL_EC2");
	CU_ASSERT_EQUAL(sigv4_aws_endpoint(url, sizeof(url), "ec2", "eu-west-1", NULL, &from, &e),
			0);
	CU_ASSERT_STRING_EQUAL(url, "https://ec2.eu-west-1.amazonaws.com");
	CU_ASSERT_STRING_EQUAL(from, "default");
	CU_ASSERT_EQUAL(sigv4_aws_endpoint(url, sizeof(url), "pricing", "eu-west-1",
					   "http://127.0.0.1:9/", &from, &e), 0);
	CU_ASSERT_STRING_EQUAL(url, "http://127.0.0.1:9");
	CU_ASSERT_STRING_EQUAL(from, "config");
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:7", 1);
	CU_ASSERT_EQUAL(sigv4_aws_endpoint(url, sizeof(url), "pricing", NULL,
					   "http://127.0.0.1:9/", &from, &e), 0);
	CU_ASSERT_STRING_EQUAL(url, "http://127.0.0.1:7");
	setenv("AWS_ENDPOINT_URL_PRICING", "http://localhost:6", 1);
	CU_ASSERT_EQUAL(sigv4_aws_endpoint(url, sizeof(url), "pricing", NULL, NULL, &from, &e), 0);
	CU_ASSERT_STRING_EQUAL(url, "http://localhost:6");
	CU_ASSERT_STRING_EQUAL(from, "AWS_ENDPOINT_URL_PRICING");
	CU_ASSERT_EQUAL(sigv4_aws_endpoint(url, sizeof(url), "ec2", "us-east-1", NULL, &from, &e),
			0);
	CU_ASSERT_STRING_EQUAL(url, "http://127.0.0.1:7");
	setenv("AWS_ENDPOINT_URL_EC2", "http://example.com", 1);
	CU_ASSERT_EQUAL(sigv4_aws_endpoint(url, sizeof(url), "ec2", "us-east-1", NULL, &from, &e),
			ERR_INPUT);
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_PRICING");
	unsetenv("AWS_ENDPOINT_URL_EC2");
}

/* --- HTTP client guards ------------------------------------------------------------------- */

static void test_http_redact_and_allow(void)
{
	char out[256];

	http_redact_url("https://cloudbilling.googleapis.com/v1/services/6F81-5844-456A/skus?"
			"key=AIzaSECRET&currencyCode=USD&pageToken=abc", out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "https://cloudbilling.googleapis.com/v1/services/"
			       "6F81-5844-456A/skus?currencyCode=USD&pageToken=abc");
	http_redact_url("https://user:pw@h.example/p?X-Amz-Signature=s&a=1&X-Amz-Credential=c"
			"&X-Amz-Security-Token=t", out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "https://h.example/p?a=1");
	http_redact_url("http://127.0.0.1:1/?sig=1&token=2", out, sizeof(out));
	CU_ASSERT_STRING_EQUAL(out, "http://127.0.0.1:1/");
	http_redact_url("http://127.0.0.1:1/x", out, 12);
	CU_ASSERT_STRING_EQUAL(out, "http://127.");
	CU_ASSERT(http_url_allowed("https://prices.azure.com/api/retail/prices"));
	CU_ASSERT(http_url_allowed("http://127.0.0.1:8080"));
	CU_ASSERT(http_url_allowed("http://127.1.2.3/"));
	CU_ASSERT(http_url_allowed("http://localhost:1/"));
	CU_ASSERT(http_url_allowed("http://[::1]:8080/"));
	CU_ASSERT(!http_url_allowed("http://prices.azure.com/"));
	CU_ASSERT(!http_url_allowed("http://127.0.0.1.evil.example/"));
	CU_ASSERT(!http_url_allowed("ftp://127.0.0.1/"));
	CU_ASSERT(!http_url_allowed("file:///etc/passwd"));
	CU_ASSERT(!http_url_allowed("not a url"));
}

static void test_http_refuses_plain_http(void)
{
	struct http_opts o = HTTP_OPTS_INIT;
	struct http_client *c = NULL;
	struct http_request r = HTTP_REQUEST_INIT;
	struct err e = ERR_INIT;

	o.provider = "azure";
	CU_ASSERT_EQUAL_FATAL(http_client_new(&c, &o, &e), 0);
	r.url = "http://prices.azure.com/api/retail/prices?key=SECRET";
	CU_ASSERT_EQUAL(http_do(c, &r, NULL, &e), ERR_INPUT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "azure: \"http://prices.azure.com/api/retail/prices\""));
	CU_ASSERT_PTR_NULL(strstr(e.msg, "SECRET"));
	CU_ASSERT_EQUAL(http_attempts(c), 0);
	http_client_free(c);
}

/* --- the instance table ------------------------------------------------------------------- */

static void test_instance_table(void)
{
	const struct providers_instance *p;
	size_t i;

	p = providers_instance_lookup("aws", "p4d.24xlarge");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->gpu_model, "A100-40GB");
	CU_ASSERT_EQUAL(p->gpus, 8);
	CU_ASSERT_EQUAL(p->vcpus, 96);
	CU_ASSERT_DOUBLE_EQUAL(p->memory_gib, 1152, 1e-9);
	p = providers_instance_lookup("aws", "g6e.48xlarge");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->gpu_model, "L40S");
	CU_ASSERT_EQUAL(p->gpus, 8);
	CU_ASSERT_STRING_EQUAL(providers_instance_lookup("aws", "p3dn.24xlarge")->gpu_model,
			       "V100-32GB");
	CU_ASSERT_STRING_EQUAL(providers_instance_lookup("aws", "p5en.48xlarge")->gpu_model, "H200");
	CU_ASSERT_EQUAL(providers_instance_lookup("aws", "g4dn.metal")->gpus, 8);
	CU_ASSERT_PTR_NULL(providers_instance_lookup("aws", "m5.large"));
	CU_ASSERT_PTR_NULL(providers_instance_lookup("gcp", "p4d.24xlarge"));
	p = providers_instance_lookup("gcp", "a2-highgpu-1g");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->vcpus, 12);
	CU_ASSERT_DOUBLE_EQUAL(p->memory_gib, 85, 1e-9);
	CU_ASSERT_STRING_EQUAL(p->accelerator, "nvidia-tesla-a100");
	p = providers_instance_lookup("gcp", "a3-megagpu-8g");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->gpu_model, "H100-80GB");
	CU_ASSERT_EQUAL(p->vcpus, 208);
	CU_ASSERT_EQUAL(providers_instance_lookup("gcp", "g2-standard-96")->gpus, 8);
	p = providers_instance_lookup("gcp", "n1-standard-8+t4x1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->machine, "n1-standard-8");
	CU_ASSERT_DOUBLE_EQUAL(p->memory_gib, 30, 1e-9);
	p = providers_instance_lookup("azure", "Standard_ND96asr_v4");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(p->gpu_model, "A100-40GB");
	CU_ASSERT_PTR_EQUAL(providers_instance_lookup("azure", "ND96asr_v4"), p);
	CU_ASSERT_STRING_EQUAL(providers_instance_lookup("azure", "NC40ads_H100_v5")->gpu_model,
			       "H100-NVL-94GB");
	CU_ASSERT_EQUAL(providers_instance_lookup("azure", "Standard_NC64as_T4_v3")->gpus, 4);
	/* every entry is a sane offering and its GPU name is canonical */
	for (i = 0; (p = providers_instance_at(i)) != NULL; i++) {
		CU_ASSERT(p->gpus >= 1 && p->gpus <= 16);
		CU_ASSERT(p->vcpus >= 4);
		CU_ASSERT_PTR_NOT_NULL(providers_gpu_canonical(p->gpu_model));
		if (providers_gpu_canonical(p->gpu_model))
			CU_ASSERT_STRING_EQUAL(providers_gpu_canonical(p->gpu_model), p->gpu_model);
	}
	CU_ASSERT(i > 80);
}

void providers_suite_register(void)
{
	CU_pSuite s = CU_add_suite("providers", NULL, NULL);

	CU_add_test(s, "sigv4 official suite", test_sigv4_suite);
	CU_add_test(s, "sigv4 http hook", test_sigv4_http_hook);
	CU_add_test(s, "sigv4 credentials and endpoints", test_sigv4_creds_and_endpoints);
	CU_add_test(s, "http redaction and loopback rule", test_http_redact_and_allow);
	CU_add_test(s, "http refuses plain http", test_http_refuses_plain_http);
	CU_add_test(s, "instance table", test_instance_table);
}
