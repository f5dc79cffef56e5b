/*
 * The Compute Engine client (REST v1, OAuth bearer token from the service account):
 * instances.bulkInsert (provisioningModel SPOT or STANDARD, capplan's labels, the exact pool
 * in the metadata) with a requestId derived from the idempotency token, instances.list with
 * a label filter and paging, instances.delete, and zone operations waited on until DONE.
 * GCE has no dry run: a dry run reads state and says which call it would make.
 */
#include "providers/compute_int.h"
#include "providers/http.h"
#include "util/jw.h"
#include "util/tm.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_tree.h>

struct gce {
	struct http_client *http;
	char base[512];
};

static yajl_val jget(yajl_val o, const char *k)
{
	const char *path[2] = { k, NULL };

	return o ? yajl_tree_get(o, path, yajl_t_any) : NULL;
}

static const char *jstr(yajl_val v)
{
	const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;

	return s ? s : "";
}

static int is_capacity(const char *code)
{
	return strstr(code, "RESOURCE_POOL_EXHAUSTED") != NULL || strstr(code, "QUOTA") != NULL ||
	       strcmp(code, "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS") == 0 ||
	       strcmp(code, "UNSUPPORTED_OPERATION") == 0 || strstr(code, "STOCKOUT") != NULL;
}

/* Code and message from http.c's error line "... HTTP 409: CODE: message". */
static void split_error(const char *msg, long status, char *code, size_t cn, char *text,
			size_t tn)
{
	char hs[32];
	const char *m;

	snprintf(hs, sizeof(hs), "HTTP %ld: ", status);
	if ((m = strstr(msg, hs)) == NULL) {
		snprintf(code, cn, "HTTP%ld", status);
		snprintf(text, tn, "%s", msg);
		return;
	}
	m += strlen(hs);
	snprintf(code, cn, "%.*s", (int)strcspn(m, ": "), m);
	m += strcspn(m, ":");
	snprintf(text, tn, "%s", *m == ':' ? m + 2 : m);
}

/*
 * One JSON call. Returns 0 with *out parsed on 2xx; on an HTTP error returns 0 with *out
 * NULL and code/text filled (status in *status); ERR_* when no answer came.
 */
static int gce_call(providers_compute *pc, const char *method, const char *url,
		    const char *body, yajl_val *out, long *status, char *code, size_t cn,
		    char *text, size_t tn, struct err *e)
{
	struct gce *x = pc->impl;
	struct http_request q = HTTP_REQUEST_INIT;
	struct buf auth = BUF_INIT, resp = BUF_INIT;
	const char *headers[4];
	int rc;

	*out = NULL;
	*status = 0;
	code[0] = text[0] = '\0';
	if ((rc = oauth_gcp_token(pc, e)) < 0)
		return rc;
	if (buf_printf(&auth, "Authorization: Bearer %s", pc->bearer) < 0)
		return err_nomem(e);
	headers[0] = auth.p;
	headers[1] = "Content-Type: application/json";
	headers[2] = "Accept: application/json";
	headers[3] = NULL;
	q.method = method;
	q.url = url;
	q.headers = headers;
	q.body = body;
	q.body_len = body ? strlen(body) : 0;
	rc = http_fetch(x->http, &q, &resp, 64u << 20, status, e);
	if (rc == 0) {
		if ((*out = yajl_tree_parse(buf_str(&resp), NULL, 0)) == NULL)
			rc = err_set(e, ERR_RUNTIME, "gcp: %s: the answer is not JSON", method);
	} else if (*status >= 400) {
		split_error(e->msg, *status, code, cn, text, tn);
		err_clear(e);
		rc = 0;
	}
	memset(auth.p, 0, auth.len);
	buf_release(&auth);
	buf_release(&resp);
	return rc;
}

static void zone_url(const providers_compute *pc, const char *zone, char *out, size_t n)
{
	const struct gce *x = pc->impl;

	snprintf(out, n, "%s/compute/v1/projects/%s/zones/%s", x->base, pc->conf.project, zone);
}

/* The zones configured for region (providers.gcp.zones). */
static size_t zones_of(const providers_compute *pc, const char *region, const char **out,
		       size_t max)
{
	size_t i, k = 0;

	for (i = 0; i < pc->conf.nzones && k < max; i++)
		if (strcmp(pc->conf.zone_regions[i], region) == 0)
			out[k++] = pc->conf.zones[i];
	return k;
}

static int need_zones(size_t n, const char *region, struct err *e)
{
	if (n == 0)
		return err_set(e, ERR_INPUT, "\"providers.gcp.zones\" has no zone for region \"%s\" "
			       "(a map from region to a list of zones)", region);
	return 0;
}

/* Waits on a zone operation until DONE; *op is replaced by the final one. */
static int wait_op(providers_compute *pc, const char *zone, yajl_val *op, struct err *e)
{
	char url[1200], code[96], text[400];
	long status;
	int i, rc;

	for (i = 0; i < 60 && strcmp(jstr(jget(*op, "status")), "DONE") != 0; i++) {
		yajl_val next = NULL;

		zone_url(pc, zone, url, sizeof(url));
		snprintf(url + strlen(url), sizeof(url) - strlen(url), "/operations/%s/wait",
			 jstr(jget(*op, "name")));
		if ((rc = gce_call(pc, "POST", url, "", &next, &status, code, sizeof(code), text,
				   sizeof(text), e)) < 0)
			return rc;
		if (next == NULL)
			return err_set(e, ERR_RUNTIME, "gcp %s: waiting for operation %s: HTTP %ld %s: "
				       "%s", zone, jstr(jget(*op, "name")), status, code, text);
		yajl_tree_free(*op);
		*op = next;
	}
	if (strcmp(jstr(jget(*op, "status")), "DONE") != 0)
		return err_set(e, ERR_RUNTIME, "gcp %s: operation %s is not done after 60 waits", zone,
			       jstr(jget(*op, "name")));
	return 0;
}

/* The first error of a finished operation, "" when none. */
static void op_error(yajl_val op, char *code, size_t cn, char *text, size_t tn)
{
	yajl_val errs = jget(jget(op, "error"), "errors");

	code[0] = text[0] = '\0';
	if (YAJL_IS_ARRAY(errs) && YAJL_GET_ARRAY(errs)->len) {
		yajl_val e0 = YAJL_GET_ARRAY(errs)->values[0];

		snprintf(code, cn, "%s", jstr(jget(e0, "code")));
		snprintf(text, tn, "%s", jstr(jget(e0, "message")));
	}
}

/* --- list ---------------------------------------------------------------------------- */

static int add_instance(yajl_val it, const char *region, const char *zone,
			struct providers_vm **v, size_t *n, size_t *cap, struct err *e)
{
	yajl_val labels = jget(it, "labels"), items = jget(jget(it, "metadata"), "items");
	const char *st = jstr(jget(it, "status")), *mt = jstr(jget(it, "machineType"));
	struct providers_vm *x;
	int64_t t;
	size_t i;

	/* only what capplan labelled, and only what runs or is about to */
	if (strcmp(jstr(jget(labels, "capplan-managed")), "true") != 0)
		return 0;
	if (strcmp(st, "PROVISIONING") && strcmp(st, "STAGING") && strcmp(st, "RUNNING"))
		return 0;
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		struct providers_vm *nv = realloc(*v, nc * sizeof(*nv));

		if (nv == NULL)
			return err_nomem(e);
		*v = nv;
		*cap = nc;
	}
	x = &(*v)[*n];
	memset(x, 0, sizeof(*x));
	snprintf(x->id, sizeof(x->id), "%s/%s", zone, jstr(jget(it, "name")));
	snprintf(x->region, sizeof(x->region), "%s", region);
	snprintf(x->zone, sizeof(x->zone), "%s", zone);
	snprintf(x->instance_type, sizeof(x->instance_type), "%s",
		 strrchr(mt, '/') ? strrchr(mt, '/') + 1 : mt);
	x->launched = tm_parse(jstr(jget(it, "creationTimestamp")), &t) == 0 ? t : 0;
	x->standin = strcmp(jstr(jget(labels, "capplan-standin")), "true") == 0;
	for (i = 0; YAJL_IS_ARRAY(items) && i < YAJL_GET_ARRAY(items)->len; i++) {
		yajl_val m = YAJL_GET_ARRAY(items)->values[i];

		if (strcmp(jstr(jget(m, "key")), "capplan-pool") == 0)
			snprintf(x->pool, sizeof(x->pool), "%s", jstr(jget(m, "value")));
		else if (strcmp(jstr(jget(m, "key")), "capplan-plan") == 0)
			snprintf(x->plan, sizeof(x->plan), "%s", jstr(jget(m, "value")));
	}
	if (x->pool[0])
		(*n)++;
	return 0;
}

static int gce_list(providers_compute *pc, const char *region, struct providers_vm **out,
		    size_t *n, struct err *e)
{
	const char *zones[32];
	size_t nz = zones_of(pc, region, zones, 32), z, cap = 0, cnt = 0, i;
	struct providers_vm *v = NULL;
	struct buf url = BUF_INIT;
	char base[1024], code[96], text[400], next[1024];
	yajl_val page = NULL;
	long status;
	int rc, pages = 0;

	if ((rc = need_zones(nz, region, e)) < 0)
		return rc;
	for (z = 0; z < nz; z++) {
		next[0] = '\0';
		zone_url(pc, zones[z], base, sizeof(base));
		do {
			const char *filter = "labels.capplan-managed = \"true\"";
			yajl_val items;

			buf_reset(&url);
			if (buf_printf(&url, "%s/instances?maxResults=500&filter=", base) < 0 ||
			    http_urlencode(&url, filter, strlen(filter)) < 0 ||
			    (next[0] && (buf_puts(&url, "&pageToken=") < 0 ||
					 http_urlencode(&url, next, strlen(next)) < 0))) {
				rc = err_nomem(e);
				goto out;
			}
			yajl_tree_free(page);
			if ((rc = gce_call(pc, "GET", url.p, NULL, &page, &status, code, sizeof(code),
					   text, sizeof(text), e)) < 0)
				goto out;
			if (page == NULL) {
				compute_audit(pc, region, "instances.list", "", "", "error", code);
				rc = err_set(e, ERR_RUNTIME, "gcp %s instances.list: HTTP %ld %s: %s",
					     zones[z], status, code, text);
				goto out;
			}
			/*
			 * "items" is left out of an empty zone's list, so a 200 that is some other
			 * JSON (a gateway's {}) would read as no instances, and all be launched again.
			 */
			if (strcmp(jstr(jget(page, "kind")), "compute#instanceList") != 0) {
				compute_audit(pc, region, "instances.list", "", "", "error",
					      "not an instance list");
				rc = err_set(e, ERR_RUNTIME, "gcp %s instances.list: the answer is not an "
					     "instance list (no \"kind\": \"compute#instanceList\")",
					     zones[z]);
				goto out;
			}
			compute_audit(pc, region, "instances.list", "", "", "ok", "");
			items = jget(page, "items");
			for (i = 0; YAJL_IS_ARRAY(items) && i < YAJL_GET_ARRAY(items)->len; i++)
				if ((rc = add_instance(YAJL_GET_ARRAY(items)->values[i], region, zones[z],
						       &v, &cnt, &cap, e)) < 0)
					goto out;
			/* a token back to the page just read would list it again until the cap */
			if (next[0] && strcmp(jstr(jget(page, "nextPageToken")), next) == 0) {
				rc = err_set(e, ERR_RUNTIME, "gcp %s instances.list: a nextPageToken "
					     "points at the same page", zones[z]);
				goto out;
			}
			snprintf(next, sizeof(next), "%s", jstr(jget(page, "nextPageToken")));
			if (++pages > 10000) {
				rc = err_set(e, ERR_RUNTIME, "gcp instances.list: more than 10000 pages");
				goto out;
			}
		} while (next[0]);
	}
	*out = v;
	*n = cnt;
	v = NULL;
out:
	yajl_tree_free(page);
	buf_release(&url);
	free(v);
	return rc;
}

/* --- launch -------------------------------------------------------------------------- */

static int bulk_body(providers_compute *pc, const struct providers_launch *l, int count,
		     char **out, struct err *e)
{
	const struct providers_instance *ty = providers_instance_lookup("gcp", l->instance_type);
	const char *machine = ty && ty->machine ? ty->machine : l->instance_type;
	char pool_label[80], plan_label[80], pattern[64], hex[17], net[300];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const char *text;
	size_t len, i;
	jw *w = jw_new(0);

	*out = NULL;
	if (w == NULL)
		return err_nomem(e);
	providers_pool_label(l->pool, pool_label, sizeof(pool_label));
	providers_pool_label(l->plan, plan_label, sizeof(plan_label));
	EVP_Digest(l->pool, strlen(l->pool), md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < 4; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	snprintf(pattern, sizeof(pattern), "capplan-%s-####", hex);
	if (strchr(pc->conf.network, '/'))
		snprintf(net, sizeof(net), "%s", pc->conf.network);
	else
		snprintf(net, sizeof(net), "global/networks/%s", pc->conf.network);
	jw_obj(w);
	jw_kint(w, "count", count);
	jw_kint(w, "minCount", 1);	/* launch what can be launched: the rest is a shortfall */
	jw_kstr(w, "namePattern", pattern);
	jw_key(w, "instanceProperties");
	jw_obj(w);
	jw_kstr(w, "machineType", machine);
	jw_key(w, "labels");
	jw_obj(w);
	jw_kstr(w, "capplan-managed", "true");
	jw_kstr(w, "capplan-plan", plan_label);
	jw_kstr(w, "capplan-pool", pool_label);
	if (l->standin)
		jw_kstr(w, "capplan-standin", "true");
	jw_obj_end(w);
	jw_key(w, "metadata");
	jw_obj(w);
	jw_key(w, "items");
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "key", "capplan-pool");
	jw_kstr(w, "value", l->pool);
	jw_obj_end(w);
	jw_obj(w);
	jw_kstr(w, "key", "capplan-plan");
	jw_kstr(w, "value", l->plan);
	jw_obj_end(w);
	jw_arr_end(w);
	jw_obj_end(w);
	jw_key(w, "scheduling");
	jw_obj(w);
	jw_kstr(w, "provisioningModel", l->spot ? "SPOT" : "STANDARD");
	if (l->spot)
		jw_kstr(w, "instanceTerminationAction", "DELETE");
	jw_kstr(w, "onHostMaintenance", "TERMINATE");	/* GPUs cannot live-migrate */
	jw_kbool(w, "automaticRestart", !l->spot);
	jw_obj_end(w);
	if (ty && ty->accelerator && strchr(l->instance_type, '+')) {
		jw_key(w, "guestAccelerators");
		jw_arr(w);
		jw_obj(w);
		jw_kstr(w, "acceleratorType", ty->accelerator);
		jw_kint(w, "acceleratorCount", ty->gpus);
		jw_obj_end(w);
		jw_arr_end(w);
	}
	jw_key(w, "disks");
	jw_arr(w);
	jw_obj(w);
	jw_kbool(w, "boot", 1);
	jw_kbool(w, "autoDelete", 1);
	jw_key(w, "initializeParams");
	jw_obj(w);
	jw_kstr(w, "sourceImage", pc->conf.image);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_arr_end(w);
	jw_key(w, "networkInterfaces");
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "network", net);
	jw_obj_end(w);
	jw_arr_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
	text = jw_text(w, &len);
	if (text == NULL || (*out = strdup(text)) == NULL) {
		jw_free(w);
		return err_nomem(e);
	}
	jw_free(w);
	return 0;
}

/* How many a finished bulkInsert created in zone (its metadata), else all or none. */
static int created_of(yajl_val op, const char *zone, int count)
{
	yajl_val per = jget(jget(op, "instancesBulkInsertOperationMetadata"), "perLocationStatus");
	char key[128];
	const char *path[3] = { key, "createdVmCount", NULL };
	yajl_val c;
	char code[96], text[32];

	snprintf(key, sizeof(key), "zones/%s", zone);
	if (per && (c = yajl_tree_get(per, path, yajl_t_number)) != NULL)
		return (int)YAJL_GET_INTEGER(c);
	op_error(op, code, sizeof(code), text, sizeof(text));
	return code[0] ? 0 : count;
}

static int gce_launch(providers_compute *pc, const struct providers_launch *l,
		      struct providers_launch_result *r, struct err *e)
{
	const char *zones[32];
	size_t nz = zones_of(pc, l->region, zones, 32), z;
	char url[1400], base[1024], rid[37], seed[200], code[96], text[400];
	char *body = NULL;
	yajl_val op = NULL;
	long status;
	int rc, left = l->count;

	if ((rc = need_zones(nz, l->region, e)) < 0)
		return rc;
	if (pc->conf.image == NULL)
		return err_set(e, ERR_INPUT, "\"providers.gcp.image\" is not set (the boot image of "
			       "launched instances)");
	if (l->dry_run) {
		zone_url(pc, zones[0], base, sizeof(base));
		snprintf(r->call, sizeof(r->call), "POST %s/instances/bulkInsert count=%d "
			 "provisioningModel=%s", base + strlen(((struct gce *)pc->impl)->base),
			 l->count, l->spot ? "SPOT" : "STANDARD");
		return 0;
	}
	/* zone after zone of the region until the count is met: capacity differs by zone */
	for (z = 0; z < nz && left > 0; z++) {
		int made;

		free(body);
		body = NULL;
		if ((rc = bulk_body(pc, l, left, &body, e)) < 0)
			goto out;
		/* one requestId per (token, zone): a replay returns the same operation */
		snprintf(seed, sizeof(seed), "%s/%s/%d", l->token, zones[z], left);
		providers_uuid5(seed, rid);
		zone_url(pc, zones[z], base, sizeof(base));
		snprintf(url, sizeof(url), "%s/instances/bulkInsert?requestId=%s", base, rid);
		yajl_tree_free(op);
		op = NULL;
		if ((rc = gce_call(pc, "POST", url, body, &op, &status, code, sizeof(code), text,
				   sizeof(text), e)) < 0)
			goto out;
		if (op == NULL) {
			char m[512];

			snprintf(m, sizeof(m), "%s: %s", code, text);
			if (is_capacity(code)) {
				compute_audit(pc, l->region, "instances.bulkInsert", "", rid, "partial", m);
				r->capacity = 1;
				snprintf(r->error, sizeof(r->error), "%s", m);
				continue;
			}
			compute_audit(pc, l->region, "instances.bulkInsert", "", rid, "error", m);
			r->answered = r->launched == 0 && status >= 400 && status < 500;
			rc = err_set(e, ERR_RUNTIME, "gcp %s instances.bulkInsert: HTTP %ld %s", zones[z],
				     status, m);
			goto out;
		}
		if ((rc = wait_op(pc, zones[z], &op, e)) < 0)
			goto out;
		made = created_of(op, zones[z], left);
		op_error(op, code, sizeof(code), text, sizeof(text));
		if (made > left)
			made = left;
		left -= made;
		r->launched += made;
		if (code[0] || made == 0) {
			char m[512];

			snprintf(m, sizeof(m), "%s: %s", code[0] ? code : "NONE_CREATED", text);
			compute_audit(pc, l->region, "instances.bulkInsert", jstr(jget(op, "name")), rid,
				      made ? "partial" : (is_capacity(code) ? "partial" : "error"), m);
			if (!is_capacity(code) && made == 0 && code[0]) {
				r->answered = r->launched == 0;
				rc = err_set(e, ERR_RUNTIME, "gcp %s instances.bulkInsert: %s", zones[z], m);
				goto out;
			}
			r->capacity = 1;
			snprintf(r->error, sizeof(r->error), "%s", m);
		} else {
			compute_audit(pc, l->region, "instances.bulkInsert", jstr(jget(op, "name")), rid,
				      made < l->count ? "partial" : "ok", "");
		}
	}
	if (r->launched < l->count && r->error[0] == '\0')
		snprintf(r->error, sizeof(r->error), "fewer instances than asked for");
	/* another zone made up for a full one: no shortfall */
	r->capacity = r->launched < l->count;
	if (!r->capacity)
		r->error[0] = '\0';
out:
	yajl_tree_free(op);
	free(body);
	return rc;
}

/* --- terminate ----------------------------------------------------------------------- */

static int gce_terminate(providers_compute *pc, const char *region, const char *pool,
			 const char *const *ids, size_t n, int dry_run, struct err *e)
{
	char url[1400], base[1024], zone[64], name[128], rid[37], seed[300], code[96], text[400];
	yajl_val op = NULL;
	long status;
	size_t i;
	int rc = 0;

	(void)pool;
	for (i = 0; i < n; i++) {
		if (sscanf(ids[i], "%63[^/]/%127s", zone, name) != 2)
			return err_set(e, ERR_RUNTIME, "gcp: \"%s\" is not ZONE/NAME", ids[i]);
		if (dry_run)
			continue;
		/*
		 * Names come back (the pattern's numbers are reused), so the seed holds a 10-minute
		 * window too: a retry or a re-run soon after shares the requestId, a later delete of
		 * a new instance of the same name does not.
		 */
		snprintf(seed, sizeof(seed), "delete/%s/%lld", ids[i], (long long)time(NULL) / 600);
		providers_uuid5(seed, rid);
		zone_url(pc, zone, base, sizeof(base));
		snprintf(url, sizeof(url), "%s/instances/%s?requestId=%s", base, name, rid);
		yajl_tree_free(op);
		op = NULL;
		if ((rc = gce_call(pc, "DELETE", url, NULL, &op, &status, code, sizeof(code), text,
				   sizeof(text), e)) < 0)
			goto out;
		if (op == NULL) {
			char m[512];

			snprintf(m, sizeof(m), "%s: %s", code, text);
			if (status == 404) {	/* already gone: what was asked for */
				compute_audit(pc, region, "instances.delete", "", rid, "ok", m);
				continue;
			}
			compute_audit(pc, region, "instances.delete", "", rid, "error", m);
			rc = err_set(e, ERR_RUNTIME, "gcp %s instances.delete %s: HTTP %ld %s", zone,
				     name, status, m);
			goto out;
		}
		if ((rc = wait_op(pc, zone, &op, e)) < 0)
			goto out;
		op_error(op, code, sizeof(code), text, sizeof(text));
		compute_audit(pc, region, "instances.delete", jstr(jget(op, "name")), rid,
			      code[0] ? "error" : "ok", code);
		if (code[0]) {
			rc = err_set(e, ERR_RUNTIME, "gcp %s instances.delete %s: %s: %s", zone, name,
				     code, text);
			goto out;
		}
	}
out:
	yajl_tree_free(op);
	return rc;
}

static void gce_release(providers_compute *pc)
{
	struct gce *x = pc->impl;

	if (x)
		http_client_free(x->http);
	free(x);
	pc->impl = NULL;
}

static const struct compute_ops gce_ops = {
	0, gce_list, gce_launch, gce_terminate, NULL, gce_release,
};

int gce_init(providers_compute *pc, struct err *e)
{
	struct http_opts o = HTTP_OPTS_INIT;
	struct gce *x = calloc(1, sizeof(*x));
	size_t n;

	if (x == NULL)
		return err_nomem(e);
	pc->impl = x;
	pc->ops = &gce_ops;
	if (pc->conf.project == NULL)
		return err_set(e, ERR_INPUT, "\"providers.gcp.project\" is not set");
	if (pc->conf.network == NULL)
		pc->conf.network = "default";
	snprintf(x->base, sizeof(x->base), "%s",
		 pc->conf.endpoint ? pc->conf.endpoint : "https://compute.googleapis.com");
	n = strlen(x->base);
	if (n && x->base[n - 1] == '/')
		x->base[n - 1] = '\0';
	o.provider = "gcp";
	if (pc->conf.backoff_base_ms > 0)
		o.backoff_base_ms = pc->conf.backoff_base_ms;
	return http_client_new(&x->http, &o, e);
}
