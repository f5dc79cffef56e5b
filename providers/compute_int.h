#ifndef PROVIDERS_COMPUTE_INT_H
#define PROVIDERS_COMPUTE_INT_H
/*
 * Private to providers/: the table each compute client (ec2.c, gce.c, arm.c) fills, what
 * they share and the OAuth token helpers (oauth.c). Every request goes through http.c.
 */
#include "providers/providers.h"
#include "util/buf.h"

struct compute_ops {
	int has_dry_run;
	int (*list)(providers_compute *pc, const char *region, struct providers_vm **out,
		    size_t *n, struct err *e);
	int (*launch)(providers_compute *pc, const struct providers_launch *l,
		      struct providers_launch_result *r, struct err *e);
	int (*terminate)(providers_compute *pc, const char *region, const char *pool,
			 const char *const *ids, size_t n, int dry_run, struct err *e);
	int (*retag)(providers_compute *pc, const char *region, const char *plan,
		     const char *const *ids, size_t n, struct err *e);
	void (*release)(providers_compute *pc);
};

struct providers_compute {
	const struct compute_ops *ops;
	struct providers_compute_conf conf;	/* strings borrowed from the caller */
	char *bearer;				/* gcp/azure access token (never logged) */
	long long bearer_expires;
	void *impl;
};

int ec2_init(providers_compute *pc, struct err *e);
int gce_init(providers_compute *pc, struct err *e);
int arm_init(providers_compute *pc, struct err *e);

/* Reports one call to the audit callback. */
void compute_audit(providers_compute *pc, const char *region, const char *op,
		   const char *request_id, const char *token, const char *result,
		   const char *error);

/* Plain http only to loopback; anything else https. ERR_INPUT naming key otherwise. */
int compute_check_url(const char *url, const char *key, struct err *e);

/* OAuth (oauth.c): a GCP access token from a service-account JSON (signed RS256 JWT). */
int oauth_gcp_token(providers_compute *pc, struct err *e);
/* OAuth: an Azure token for a service principal (client credentials). */
int oauth_azure_token(providers_compute *pc, struct err *e);

#endif
