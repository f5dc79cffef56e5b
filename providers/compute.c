/*
 * The provider-neutral compute interface: dispatch to ec2.c, gce.c or arm.c, and what
 * they share (requests, audit reports, label and UUID forms).
 */
#include "providers/compute_int.h"

#include <ctype.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int providers_compute_new(providers_compute **out, const struct providers_compute_conf *conf,
			  struct err *e)
{
	providers_compute *pc;
	int rc;

	*out = NULL;
	if ((pc = calloc(1, sizeof(*pc))) == NULL)
		return err_nomem(e);
	pc->conf = *conf;
	if (strcmp(conf->provider, "aws") == 0)
		rc = ec2_init(pc, e);
	else if (strcmp(conf->provider, "gcp") == 0)
		rc = gce_init(pc, e);
	else if (strcmp(conf->provider, "azure") == 0)
		rc = arm_init(pc, e);
	else
		rc = err_set(e, ERR_INPUT, "provider \"%s\" has no compute client (aws, gcp, azure)",
			     conf->provider);
	if (rc < 0) {
		providers_compute_free(pc);
		return rc;
	}
	*out = pc;
	return 0;
}

void providers_compute_free(providers_compute *pc)
{
	if (pc == NULL)
		return;
	if (pc->ops && pc->ops->release)
		pc->ops->release(pc);
	free(pc->bearer);
	free(pc);
}

int providers_compute_has_dry_run(const providers_compute *pc)
{
	return pc->ops->has_dry_run;
}

int providers_compute_list(providers_compute *pc, const char *region,
			   struct providers_vm **out, size_t *n, struct err *e)
{
	*out = NULL;
	*n = 0;
	return pc->ops->list(pc, region, out, n, e);
}

int providers_compute_launch(providers_compute *pc, const struct providers_launch *l,
			     struct providers_launch_result *r, struct err *e)
{
	memset(r, 0, sizeof(*r));
	return pc->ops->launch(pc, l, r, e);
}

int providers_compute_terminate(providers_compute *pc, const char *region, const char *pool,
				const char *const *ids, size_t n, int dry_run, struct err *e)
{
	if (n == 0)
		return 0;
	return pc->ops->terminate(pc, region, pool, ids, n, dry_run, e);
}

int providers_compute_retag(providers_compute *pc, const char *region, const char *plan,
			    const char *const *ids, size_t n, struct err *e)
{
	if (n == 0 || pc->ops->retag == NULL)
		return 0;
	return pc->ops->retag(pc, region, plan, ids, n, e);
}

void providers_pool_label(const char *pool, char *out, size_t n)
{
	size_t i, j = 0;

	if (n == 0)
		return;
	for (i = 0; pool[i] && j + 1 < n && j < 63; i++) {
		unsigned char c = (unsigned char)pool[i];

		if (isalnum(c))
			out[j++] = (char)tolower(c);
		else if (c == '-' || c == '_')
			out[j++] = (char)c;
		else if (c == '/')
			out[j++] = '_';
		else
			out[j++] = '-';
	}
	out[j] = '\0';
}

void providers_uuid5(const char *s, char out[37])
{
	/* the RFC 4122 URL namespace */
	static const unsigned char ns[16] = { 0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
					      0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8 };
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	size_t i, j = 0;

	out[0] = '\0';
	if (c == NULL)
		return;
	if (EVP_DigestInit_ex(c, EVP_sha1(), NULL) != 1 || EVP_DigestUpdate(c, ns, 16) != 1 ||
	    EVP_DigestUpdate(c, s, strlen(s)) != 1 || EVP_DigestFinal_ex(c, md, &mdlen) != 1) {
		EVP_MD_CTX_free(c);
		return;
	}
	EVP_MD_CTX_free(c);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		snprintf(out + j, 3, "%02x", md[i]);
		j += 2;
	}
	out[j] = '\0';
}

void compute_audit(providers_compute *pc, const char *region, const char *op,
		   const char *request_id, const char *token, const char *result,
		   const char *error)
{
	struct providers_call c;

	if (pc->conf.audit == NULL)
		return;
	c.provider = pc->conf.provider;
	c.region = region ? region : "";
	c.operation = op;
	c.request_id = request_id ? request_id : "";
	c.token = token ? token : "";
	c.result = result;
	c.error = error ? error : "";
	pc->conf.audit(pc->conf.audit_ctx, &c);
}

int compute_check_url(const char *url, const char *key, struct err *e)
{
	static const char *const loop[] = { "http://127.", "http://localhost", "http://[::1]" };
	size_t i;

	if (strncmp(url, "https://", 8) == 0)
		return 0;
	for (i = 0; i < 3; i++)
		if (strncmp(url, loop[i], strlen(loop[i])) == 0)
			return 0;
	return err_set(e, ERR_INPUT, "\"%s\" is \"%s\": plain http is allowed only to loopback",
		       key, url);
}

