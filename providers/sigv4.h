#ifndef PROVIDERS_SIGV4_H
#define PROVIDERS_SIGV4_H
/*
 * AWS Signature Version 4 (OpenSSL HMAC-SHA256) and the AWS SDK conventions for credentials.
 * Private to providers/. Checked stage by stage against AWS's test suite (tests/data/providers/
 * sigv4). Each stage is a function so that the tests can compare it with the suite's files:
 *
 *	canonical request  ->  string to sign  ->  signature  ->  Authorization header
 *
 * For an HTTP request made through http.h, set r.sign = sigv4_http_sign and r.sign_arg to a
 * struct sigv4_signer: it adds X-Amz-Date, X-Amz-Security-Token (with temporary credentials)
 * and Authorization, signing host, x-amz-date, the security token and every header of the
 * request (Content-Type, X-Amz-Target, ...), and the SHA-256 of the body.
 *
 *	struct sigv4_creds cr;
 *	if ((rc = sigv4_creds_load(&cr, e)) < 0) goto out;
 *	struct sigv4_signer sg = { &cr, "us-east-1", "pricing" };
 *	r.sign = sigv4_http_sign; r.sign_arg = &sg;
 *	...
 *	sigv4_creds_clear(&cr);		// wipes the secret
 */
#include <stddef.h>
#include <stdint.h>

#include "providers/http.h"
#include "util/buf.h"
#include "util/err.h"

struct sigv4_creds {
	char access_key_id[128];
	char secret_access_key[128];
	char session_token[4096];	/* "" for long-term credentials */
	char source[64];		/* "environment" or "profile NAME": for messages, no secret */
};

/*
 * AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN) from the environment,
 * else the [AWS_PROFILE or "default"] section of AWS_SHARED_CREDENTIALS_FILE or
 * ~/.aws/credentials (aws_access_key_id, aws_secret_access_key, aws_session_token).
 * ERR_INPUT when none are found or a profile is incomplete (the message never holds a secret).
 */
int sigv4_creds_load(struct sigv4_creds *out, struct err *e);
/* Overwrites the secrets. */
void sigv4_creds_clear(struct sigv4_creds *c);

struct sigv4_header {
	const char *name;
	const char *value;
};

/* A request as it will be sent. Repeated header names are allowed (joined with commas). */
struct sigv4_input {
	const char *method;
	const char *path;		/* the path of the request line ("/" when empty) */
	const char *query;		/* what follows '?', or NULL */
	const struct sigv4_header *headers;
	size_t nheaders;
	const void *body;
	size_t body_len;
	int normalize_path;		/* 1 for every service but S3: drop "." and "..", merge "//" */
};

/*
 * The canonical request. signed_headers (may be NULL) receives "host;x-amz-date;...".
 * Query pairs are decoded then re-encoded (so raw or already-encoded input canonicalize alike)
 * and sorted by name, then value; the path is encoded once per segment as given.
 */
int sigv4_canonical_request(struct buf *out, struct buf *signed_headers,
			    const struct sigv4_input *in, struct err *e);
/* "AWS4-HMAC-SHA256\n<amz_date>\n<date>/<region>/<service>/aws4_request\n<hex sha256(creq)>" */
int sigv4_string_to_sign(struct buf *out, const char *amz_date, const char *region,
			 const char *service, const char *creq, size_t creq_len);
/* hex(HMAC(kSigning, sts)): the key derived from the secret, date, region and service. */
void sigv4_signature(char out[65], const char *secret, const char *amz_date, const char *region,
		     const char *service, const char *sts, size_t sts_len);
/* The Authorization header value for in (which must already hold X-Amz-Date and Host). */
int sigv4_authorization(struct buf *out, const struct sigv4_creds *c, const char *amz_date,
			const char *region, const char *service, const struct sigv4_input *in,
			struct err *e);
/* hex(sha256(data)) */
void sigv4_sha256_hex(char out[65], const void *data, size_t n);
/* Formats t as "YYYYMMDDTHHMMSSZ". */
void sigv4_amz_date(char out[17], int64_t t);

struct sigv4_signer {
	const struct sigv4_creds *creds;
	const char *region;		/* the endpoint's region, e.g. "us-east-1" */
	const char *service;		/* "pricing", "ec2" */
	int token_unsigned;		/* 1: add X-Amz-Security-Token after signing (rare) */
};
/* The http.h sign hook (see above). Uses the wall clock, never $CAPPLAN_NOW. */
int sigv4_http_sign(void *signer, const struct http_request *r, struct http_headers *out,
		    struct err *e);

/*
 * Where to send an AWS service's requests (service "pricing" or "ec2"): AWS_ENDPOINT_URL_<SVC>,
 * else AWS_ENDPOINT_URL, else configured (the config's providers.aws.endpoints.<svc>, may be
 * NULL or ""), else the public endpoint: https://api.pricing.us-east-1.amazonaws.com or
 * https://ec2.REGION.amazonaws.com. A trailing '/' is dropped. *from says which one won
 * ("AWS_ENDPOINT_URL_PRICING", "config", "default", ...).
 */
int sigv4_aws_endpoint(char *out, size_t n, const char *service, const char *region,
		       const char *configured, const char **from, struct err *e);

#endif
