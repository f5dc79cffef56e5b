/*
 * The Azure Resource Manager client: one Virtual Machine Scale Set per pool (offering and
 * purchase type), created or scaled by a PUT with the absolute capacity (a replay is
 * harmless by construction), Spot with evictionPolicy Delete and billingProfile.maxPrice;
 * scale-in deletes chosen VMs (POST .../delete with instance ids). Long operations are
 * polled through their Azure-AsyncOperation URL. ARM has no dry run: a dry run reads state
 * and says which call it would make.
 */
#include "providers/compute_int.h"
#include "providers/http.h"
#include "util/jw.h"
#include "util/tm.h"

#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <yajl/yajl_tree.h>

#define ARM_API "api-version=2024-07-01"
#define ARM_MAX_PAGES 10000	/* as GCE's and EC2's listings */

struct arm {
	char base[512];
	char sets[1200];	/* .../providers/Microsoft.Compute/virtualMachineScaleSets */
	struct http_client *http;
};

/* What the calls below read of an ARM answer. */
struct arm_resp {
	long status;
	char request_id[128];	/* x-ms-request-id */
	char async_op[1024];	/* Azure-AsyncOperation: the status URL of a long operation */
	long retry_after;	/* seconds, -1 when absent */
	char code[128];		/* provider error code of a status >= 300 */
	char error[600];	/* "Code: message", or "HTTP n", for a status the caller rejects */
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
	static const char *const codes[] = {
		"AllocationFailed", "ZonalAllocationFailed", "OverconstrainedAllocationRequest",
		"OverconstrainedZonalAllocationRequest", "SkuNotAvailable", "QuotaExceeded",
		"OperationNotAllowed", "SpotMaxPriceTooLow", "NotAvailableForSubscription",
	};
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i]) == 0)
			return 1;
	return 0;
}

/* The scale set of a pool: "capplan-" and 12 hex digits of its SHA-256 (tags hold the pool). */
static void set_name(const char *pool, char out[32])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	EVP_Digest(pool, strlen(pool), md, &n, EVP_sha256(), NULL);
	memcpy(out, "capplan-", 8);
	for (i = 0; i < 6; i++)
		snprintf(out + 8 + 2 * i, 3, "%02x", md[i]);
}

/*
 * Splits http.c's error line "azure: METHOD URL: HTTP 409: Code: message" into r's code
 * and error (http.c has read the provider's {"error":{...}} body).
 */
static void split_error(struct arm_resp *r, const char *msg)
{
	char hs[32];
	const char *m;
	size_t n;

	snprintf(hs, sizeof(hs), "HTTP %ld: ", r->status);
	if ((m = strstr(msg, hs)) == NULL) {
		snprintf(r->code, sizeof(r->code), "HTTP%ld", r->status);
		snprintf(r->error, sizeof(r->error), "HTTP %ld", r->status);
		return;
	}
	m += strlen(hs);
	n = strcspn(m, ": ");
	if (m[n] == ':')
		snprintf(r->code, sizeof(r->code), "%.*s", (int)n, m);
	else
		snprintf(r->code, sizeof(r->code), "HTTP%ld", r->status);
	snprintf(r->error, sizeof(r->error), "%s", m);
}

/*
 * One ARM call through http.c (throttling and 5xx retried with its backoff and Retry-After).
 * Returns 0 with r filled and the parsed body of a 2xx answer in *out (NULL when empty); an
 * HTTP error is an answer too: 0 with *out NULL and r->code, r->error set. ERR_* when no
 * answer came. The bearer token goes only to the configured ARM origin.
 */
static int arm_call(providers_compute *pc, const char *method, const char *url,
		    const char *body, struct arm_resp *r, yajl_val *out, struct err *e)
{
	static const char *const want[] = {
		"x-ms-request-id", "Azure-AsyncOperation", "Retry-After", NULL,
	};
	struct arm *x = pc->impl;
	struct http_request q = HTTP_REQUEST_INIT;
	struct http_headers got = HTTP_HEADERS_INIT;
	struct buf auth = BUF_INIT, resp = BUF_INIT;
	const char *headers[4], *v;
	size_t n;
	int rc;

	*out = NULL;
	memset(r, 0, sizeof(*r));
	r->retry_after = -1;
	/* the whole origin: "https://management.azure.com@elsewhere/" starts with it too */
	n = strlen(x->base);
	if (strncmp(url, x->base, n) != 0 || (url[n] != '/' && url[n] != '?' && url[n] != '\0'))
		return err_set(e, ERR_RUNTIME, "azure: refusing to send the token to an address "
			       "outside \"providers.azure.endpoints.arm\"");
	if ((rc = oauth_azure_token(pc, e)) < 0)
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
	q.want_headers = want;
	q.resp_headers = &got;
	rc = http_fetch(x->http, &q, &resp, 64u << 20, &r->status, e);
	if ((v = http_headers_get(&got, "x-ms-request-id")) != NULL)
		snprintf(r->request_id, sizeof(r->request_id), "%s", v);
	if ((v = http_headers_get(&got, "Azure-AsyncOperation")) != NULL)
		snprintf(r->async_op, sizeof(r->async_op), "%s", v);
	if ((v = http_headers_get(&got, "Retry-After")) != NULL)
		r->retry_after = strtol(v, NULL, 10);
	if (rc == 0) {
		snprintf(r->error, sizeof(r->error), "HTTP %ld", r->status);
		if (resp.len && (*out = yajl_tree_parse(buf_str(&resp), NULL, 0)) == NULL)
			rc = err_set(e, ERR_RUNTIME, "azure: %s: the answer is not JSON", method);
	} else if (r->status >= 300) {
		split_error(r, e->msg);
		err_clear(e);
		rc = 0;
	}
	memset(auth.p, 0, auth.len);
	buf_release(&auth);
	buf_release(&resp);
	http_headers_release(&got);
	return rc;
}

/*
 * Polls Azure-AsyncOperation until Succeeded, Failed or Canceled. Returns 0 and fills
 * code/msg on a failure; "" on success.
 */
static int poll_async(providers_compute *pc, const char *async, char *code, size_t cn,
		      char *msg, size_t mn, struct err *e)
{
	struct arm_resp r;
	yajl_val doc = NULL;
	char url[1024];
	int i, rc = 0;

	code[0] = msg[0] = '\0';
	snprintf(url, sizeof(url), "%s", async);
	for (i = 0; i < 600; i++) {
		const char *st;

		if ((rc = arm_call(pc, "GET", url, NULL, &r, &doc, e)) < 0)
			return rc;
		st = jstr(jget(doc, "status"));
		if (r.status >= 300) {
			snprintf(msg, mn, "%s", r.error);
			snprintf(code, cn, "HTTP%ld", r.status);
			break;
		}
		if (strcmp(st, "Succeeded") == 0)
			break;
		if (strcmp(st, "Failed") == 0 || strcmp(st, "Canceled") == 0) {
			yajl_val er = jget(doc, "error");

			snprintf(code, cn, "%s", er ? jstr(jget(er, "code")) : st);
			snprintf(msg, mn, "%s", er ? jstr(jget(er, "message")) : st);
			break;
		}
		yajl_tree_free(doc);
		doc = NULL;
		{
			/* as often as the operation's Retry-After asks, within 1 to 60 s */
			struct timespec ts = { 1, 0 };

			if (r.retry_after > 1)
				ts.tv_sec = r.retry_after > 60 ? 60 : r.retry_after;
			nanosleep(&ts, NULL);
		}
	}
	if (i == 600)
		rc = err_set(e, ERR_RUNTIME, "azure: an operation did not finish in 10 minutes");
	yajl_tree_free(doc);
	return rc;
}

/* --- list ---------------------------------------------------------------------------- */

/*
 * Moves url to the page's nextLink ("" after the last page). A link back to the same page or
 * more than ARM_MAX_PAGES pages is a server gone wrong: followed, it would list (and audit)
 * forever.
 */
static int next_link(char *url, size_t n, yajl_val doc, int *pages, struct err *e)
{
	const char *next = jstr(jget(doc, "nextLink"));

	if (next[0] && strcmp(next, url) == 0)
		return err_set(e, ERR_RUNTIME, "azure: a \"nextLink\" points at the same page");
	if (next[0] && ++*pages >= ARM_MAX_PAGES)
		return err_set(e, ERR_RUNTIME, "azure: a listing runs over %d pages", ARM_MAX_PAGES);
	snprintf(url, n, "%s", next);
	return 0;
}

/* The VMs of one scale set: the ones being deleted or failed do not count. */
static int list_vms(providers_compute *pc, const char *region, yajl_val set,
		    struct providers_vm **v, size_t *n, size_t *cap, struct err *e)
{
	struct arm *x = pc->impl;
	const char *name = jstr(jget(set, "name"));
	yajl_val tags = jget(set, "tags"), doc = NULL, vals;
	struct arm_resp r;
	char url[2048];
	size_t i;
	int rc = 0, pages = 0;

	snprintf(url, sizeof(url), "%s/%s/virtualMachines?%s", x->sets, name, ARM_API);
	while (url[0]) {
		if ((rc = arm_call(pc, "GET", url, NULL, &r, &doc, e)) < 0)
			return rc;
		if (r.status != 200) {
			compute_audit(pc, region, "virtualMachineScaleSetVMs.list", r.request_id, "",
				      "error", r.error);
			rc = err_set(e, ERR_RUNTIME, "azure %s: listing the VMs of %s: %s", region, name,
				     r.error);
			goto out;
		}
		compute_audit(pc, region, "virtualMachineScaleSetVMs.list", r.request_id, "", "ok",
			      "");
		vals = jget(doc, "value");
		for (i = 0; YAJL_IS_ARRAY(vals) && i < YAJL_GET_ARRAY(vals)->len; i++) {
			yajl_val vm = YAJL_GET_ARRAY(vals)->values[i], props = jget(vm, "properties");
			const char *ps = jstr(jget(props, "provisioningState"));
			struct providers_vm *t;
			int64_t when;

			if (strcmp(ps, "Deleting") == 0 || strcmp(ps, "Failed") == 0)
				continue;
			if (*n == *cap) {
				size_t nc = *cap ? *cap * 2 : 32;

				if ((t = realloc(*v, nc * sizeof(*t))) == NULL) {
					rc = err_nomem(e);
					goto out;
				}
				*v = t;
				*cap = nc;
			}
			t = &(*v)[(*n)++];
			memset(t, 0, sizeof(*t));
			snprintf(t->id, sizeof(t->id), "%s/%s", name, jstr(jget(vm, "instanceId")));
			snprintf(t->region, sizeof(t->region), "%s", region);
			snprintf(t->instance_type, sizeof(t->instance_type), "%s",
				 jstr(jget(jget(set, "sku"), "name")));
			snprintf(t->pool, sizeof(t->pool), "%s", jstr(jget(tags, PROVIDERS_TAG_POOL)));
			snprintf(t->plan, sizeof(t->plan), "%s", jstr(jget(tags, PROVIDERS_TAG_PLAN)));
			t->launched = tm_parse(jstr(jget(props, "timeCreated")), &when) == 0 ? when : 0;
		}
		if ((rc = next_link(url, sizeof(url), doc, &pages, e)) < 0)
			goto out;
		yajl_tree_free(doc);
		doc = NULL;
	}
out:
	yajl_tree_free(doc);
	return rc;
}

static int arm_list(providers_compute *pc, const char *region, struct providers_vm **out,
		    size_t *n, struct err *e)
{
	struct arm *x = pc->impl;
	struct providers_vm *v = NULL;
	struct arm_resp r;
	yajl_val doc = NULL, vals;
	char url[2048];
	size_t cap = 0, cnt = 0, i;
	int rc = 0, pages = 0;

	snprintf(url, sizeof(url), "%s?%s", x->sets, ARM_API);
	while (url[0]) {
		if ((rc = arm_call(pc, "GET", url, NULL, &r, &doc, e)) < 0)
			goto out;
		if (r.status != 200) {
			compute_audit(pc, region, "virtualMachineScaleSets.list", r.request_id, "",
				      "error", r.error);
			rc = err_set(e, ERR_RUNTIME, "azure %s: listing scale sets: %s", region,
				     r.error);
			goto out;
		}
		compute_audit(pc, region, "virtualMachineScaleSets.list", r.request_id, "", "ok", "");
		vals = jget(doc, "value");
		for (i = 0; YAJL_IS_ARRAY(vals) && i < YAJL_GET_ARRAY(vals)->len; i++) {
			yajl_val set = YAJL_GET_ARRAY(vals)->values[i], tags = jget(set, "tags");

			/* only capplan's scale sets, in this region */
			if (strcmp(jstr(jget(tags, PROVIDERS_TAG_MANAGED)), "true") != 0 ||
			    jstr(jget(tags, PROVIDERS_TAG_POOL))[0] == '\0' ||
			    strcasecmp(jstr(jget(set, "location")), region) != 0)
				continue;
			if ((rc = list_vms(pc, region, set, &v, &cnt, &cap, e)) < 0)
				goto out;
		}
		if ((rc = next_link(url, sizeof(url), doc, &pages, e)) < 0)
			goto out;
		yajl_tree_free(doc);
		doc = NULL;
	}
	*out = v;
	*n = cnt;
	v = NULL;
out:
	free(v);
	yajl_tree_free(doc);
	return rc;
}

/* --- launch: PUT the scale set with the pool's absolute size ------------------------- */

static int set_body(providers_compute *pc, const struct providers_launch *l, char **out,
		    struct err *e)
{
	char pub[64] = "", offer[128] = "", sku[128] = "", ver[64] = "", prefix[16], path[300];
	const char *text;
	size_t len;
	jw *w;

	*out = NULL;
	if (pc->conf.azure_image == NULL ||
	    sscanf(pc->conf.azure_image, "%63[^:]:%127[^:]:%127[^:]:%63s", pub, offer, sku,
		   ver) != 4)
		return err_set(e, ERR_INPUT, "\"providers.azure.image\" must be a URN "
			       "publisher:offer:sku:version");
	if (pc->conf.subnet_id == NULL)
		return err_set(e, ERR_INPUT, "\"providers.azure.subnet_id\" is not set");
	if (pc->conf.ssh_public_key == NULL)
		return err_set(e, ERR_INPUT, "\"providers.azure.ssh_public_key_file\" is not set");
	if ((w = jw_new(0)) == NULL)
		return err_nomem(e);
	snprintf(prefix, sizeof(prefix), "capplan");
	snprintf(path, sizeof(path), "/home/%s/.ssh/authorized_keys", pc->conf.admin_user);
	jw_obj(w);
	jw_kstr(w, "location", l->region);
	jw_key(w, "tags");
	jw_obj(w);
	jw_kstr(w, PROVIDERS_TAG_MANAGED, "true");
	jw_kstr(w, PROVIDERS_TAG_PLAN, l->plan);
	jw_kstr(w, PROVIDERS_TAG_POOL, l->pool);
	jw_obj_end(w);
	jw_key(w, "sku");
	jw_obj(w);
	jw_kstr(w, "name", l->instance_type);
	jw_kstr(w, "tier", "Standard");
	jw_kint(w, "capacity", l->target);
	jw_obj_end(w);
	jw_key(w, "properties");
	jw_obj(w);
	jw_kstr(w, "orchestrationMode", "Uniform");
	jw_key(w, "upgradePolicy");
	jw_obj(w);
	jw_kstr(w, "mode", "Manual");
	jw_obj_end(w);
	jw_kbool(w, "overprovision", 0);	/* extra VMs would be billed GPUs */
	jw_key(w, "virtualMachineProfile");
	jw_obj(w);
	if (l->spot) {
		jw_kstr(w, "priority", "Spot");
		jw_kstr(w, "evictionPolicy", "Delete");
		jw_key(w, "billingProfile");
		jw_obj(w);
		/* -1: pay up to the on-demand price, never evicted for price */
		jw_knum(w, "maxPrice", isnan(l->max_price) ? -1 : l->max_price);
		jw_obj_end(w);
	} else {
		jw_kstr(w, "priority", "Regular");
	}
	jw_key(w, "storageProfile");
	jw_obj(w);
	jw_key(w, "imageReference");
	jw_obj(w);
	jw_kstr(w, "publisher", pub);
	jw_kstr(w, "offer", offer);
	jw_kstr(w, "sku", sku);
	jw_kstr(w, "version", ver);
	jw_obj_end(w);
	jw_key(w, "osDisk");
	jw_obj(w);
	jw_kstr(w, "createOption", "FromImage");
	jw_obj_end(w);
	jw_obj_end(w);
	jw_key(w, "osProfile");
	jw_obj(w);
	jw_kstr(w, "computerNamePrefix", prefix);
	jw_kstr(w, "adminUsername", pc->conf.admin_user);
	jw_key(w, "linuxConfiguration");
	jw_obj(w);
	jw_kbool(w, "disablePasswordAuthentication", 1);
	jw_key(w, "ssh");
	jw_obj(w);
	jw_key(w, "publicKeys");
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "path", path);
	jw_kstr(w, "keyData", pc->conf.ssh_public_key);
	jw_obj_end(w);
	jw_arr_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_key(w, "networkProfile");
	jw_obj(w);
	jw_key(w, "networkInterfaceConfigurations");
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "name", "capplan-nic");
	jw_key(w, "properties");
	jw_obj(w);
	jw_kbool(w, "primary", 1);
	jw_key(w, "ipConfigurations");
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "name", "capplan-ip");
	jw_key(w, "properties");
	jw_obj(w);
	jw_key(w, "subnet");
	jw_obj(w);
	jw_kstr(w, "id", pc->conf.subnet_id);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_arr_end(w);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_arr_end(w);
	jw_obj_end(w);
	jw_obj_end(w);	/* virtualMachineProfile */
	jw_obj_end(w);	/* properties */
	jw_obj_end(w);
	text = jw_text(w, &len);
	if (text == NULL || (*out = strdup(text)) == NULL) {
		jw_free(w);
		return err_nomem(e);
	}
	jw_free(w);
	return 0;
}

/* VMs of the scale set now (for what a PUT achieved). */
static int count_vms(providers_compute *pc, const char *region, const char *name, int *count,
		     struct err *e)
{
	struct arm *x = pc->impl;
	struct providers_vm *v = NULL;
	size_t n = 0, cap = 0;
	yajl_val set = NULL;
	char json[256];
	int rc;

	(void)x;
	snprintf(json, sizeof(json), "{\"name\":\"%s\",\"tags\":{}}", name);
	if ((set = yajl_tree_parse(json, NULL, 0)) == NULL)
		return err_nomem(e);
	rc = list_vms(pc, region, set, &v, &n, &cap, e);
	*count = (int)n;
	free(v);
	yajl_tree_free(set);
	return rc;
}

static int arm_launch(providers_compute *pc, const struct providers_launch *l,
		      struct providers_launch_result *res, struct err *e)
{
	struct arm *x = pc->impl;
	struct arm_resp r;
	yajl_val doc = NULL;
	char name[32], url[1400], code[128], msg[400], em[600];
	char *body = NULL;
	int rc, now = 0, before = l->target - l->count;

	set_name(l->pool, name);
	if (l->standin)	/* a scale set has one priority: no on-demand stand-ins in it */
		return err_set(e, ERR_INPUT, "azure: no on-demand stand-ins in a spot scale set");
	if (l->dry_run) {
		snprintf(res->call, sizeof(res->call), "PUT .../virtualMachineScaleSets/%s "
			 "sku.capacity=%d priority=%s", name, l->target, l->spot ? "Spot" : "Regular");
		return 0;
	}
	if ((rc = set_body(pc, l, &body, e)) < 0)
		goto out;
	snprintf(url, sizeof(url), "%s/%s?%s", x->sets, name, ARM_API);
	if ((rc = arm_call(pc, "PUT", url, body, &r, &doc, e)) < 0)
		goto out;
	if (r.status != 200 && r.status != 201) {
		if (is_capacity(r.code)) {
			compute_audit(pc, l->region, "virtualMachineScaleSets.createOrUpdate",
				      r.request_id, l->token, "partial", r.error);
			res->capacity = 1;
			snprintf(res->error, sizeof(res->error), "%s", r.error);
			goto out;
		}
		compute_audit(pc, l->region, "virtualMachineScaleSets.createOrUpdate", r.request_id,
			      l->token, "error", r.error);
		res->answered = r.status >= 400 && r.status < 500;
		rc = err_set(e, ERR_RUNTIME, "azure %s: PUT scale set %s: HTTP %ld %s", l->region,
			     name, r.status, r.error);
		goto out;
	}
	code[0] = msg[0] = '\0';
	if (r.async_op[0] && (rc = poll_async(pc, r.async_op, code, sizeof(code), msg, sizeof(msg),
					      e)) < 0)
		goto out;
	snprintf(em, sizeof(em), "%s%s%s", code, code[0] ? ": " : "", msg);
	if (code[0] && !is_capacity(code)) {
		compute_audit(pc, l->region, "virtualMachineScaleSets.createOrUpdate", r.request_id,
			      l->token, "error", em);
		res->answered = 1;	/* a PUT of the absolute size: replaying it is harmless anyway */
		rc = err_set(e, ERR_RUNTIME, "azure %s: scale set %s: %s", l->region, name, em);
		goto out;
	}
	if ((rc = count_vms(pc, l->region, name, &now, e)) < 0)
		goto out;
	res->launched = now > before ? now - before : 0;
	if (res->launched > l->count)
		res->launched = l->count;
	if (res->launched < l->count) {
		res->capacity = 1;
		snprintf(res->error, sizeof(res->error), "%s",
			 code[0] ? em : "fewer instances than asked for");
	}
	compute_audit(pc, l->region, "virtualMachineScaleSets.createOrUpdate", r.request_id,
		      l->token, res->capacity ? "partial" : "ok", res->capacity ? res->error : "");
out:
	free(body);
	yajl_tree_free(doc);
	return rc;
}

/* --- terminate: delete chosen VMs of a scale set ------------------------------------- */

static int arm_terminate(providers_compute *pc, const char *region, const char *pool,
			 const char *const *ids, size_t n, int dry_run, struct err *e)
{
	struct arm *x = pc->impl;
	struct arm_resp r;
	yajl_val doc = NULL;
	char set[64], url[1400], code[128], msg[400], em[600];
	const char *text, *slash;
	size_t i, len;
	jw *w = NULL;
	int rc = 0;

	(void)pool;
	/* a pool is one scale set: every id is "SET/INSTANCEID" of the same set */
	if ((slash = strchr(ids[0], '/')) == NULL || (size_t)(slash - ids[0]) >= sizeof(set))
		return err_set(e, ERR_RUNTIME, "azure: \"%s\" is not SCALESET/INSTANCEID", ids[0]);
	snprintf(set, sizeof(set), "%.*s", (int)(slash - ids[0]), ids[0]);
	if (dry_run)
		return 0;
	if ((w = jw_new(0)) == NULL)
		return err_nomem(e);
	jw_obj(w);
	jw_key(w, "instanceIds");
	jw_arr(w);
	for (i = 0; i < n; i++) {
		if (strncmp(ids[i], set, strlen(set)) != 0 || ids[i][strlen(set)] != '/') {
			rc = err_set(e, ERR_RUNTIME, "azure: \"%s\" is not in scale set %s", ids[i], set);
			goto out;
		}
		jw_str(w, ids[i] + strlen(set) + 1);
	}
	jw_arr_end(w);
	jw_obj_end(w);
	if ((text = jw_text(w, &len)) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	snprintf(url, sizeof(url), "%s/%s/delete?%s", x->sets, set, ARM_API);
	if ((rc = arm_call(pc, "POST", url, text, &r, &doc, e)) < 0)
		goto out;
	if (r.status != 200 && r.status != 202) {
		compute_audit(pc, region, "virtualMachineScaleSets.deleteInstances", r.request_id, "",
			      "error", r.error);
		rc = err_set(e, ERR_RUNTIME, "azure %s: deleting VMs of %s: HTTP %ld %s", region, set,
			     r.status, r.error);
		goto out;
	}
	code[0] = msg[0] = '\0';
	if (r.async_op[0] && (rc = poll_async(pc, r.async_op, code, sizeof(code), msg, sizeof(msg),
					      e)) < 0)
		goto out;
	snprintf(em, sizeof(em), "%s%s%s", code, code[0] ? ": " : "", msg);
	compute_audit(pc, region, "virtualMachineScaleSets.deleteInstances", r.request_id, "",
		      code[0] ? "error" : "ok", em);
	if (code[0])
		rc = err_set(e, ERR_RUNTIME, "azure %s: deleting VMs of %s: %s", region, set, em);
out:
	jw_free(w);
	yajl_tree_free(doc);
	return rc;
}

static void arm_release(providers_compute *pc)
{
	struct arm *x = pc->impl;

	if (x)
		http_client_free(x->http);
	free(x);
	pc->impl = NULL;
}

static const struct compute_ops arm_ops = {
	0, arm_list, arm_launch, arm_terminate, NULL, arm_release,
};

int arm_init(providers_compute *pc, struct err *e)
{
	struct http_opts o = HTTP_OPTS_INIT;
	struct arm *x = calloc(1, sizeof(*x));
	size_t n;
	int rc;

	if (x == NULL)
		return err_nomem(e);
	pc->impl = x;
	pc->ops = &arm_ops;
	if (pc->conf.subscription_id == NULL || pc->conf.resource_group == NULL)
		return err_set(e, ERR_INPUT, "\"providers.azure.subscription_id\" and "
			       "\"providers.azure.resource_group\" must be set to apply on azure");
	if (pc->conf.admin_user == NULL)
		pc->conf.admin_user = "capplan";
	snprintf(x->base, sizeof(x->base), "%s",
		 pc->conf.endpoint ? pc->conf.endpoint : "https://management.azure.com");
	n = strlen(x->base);
	if (n && x->base[n - 1] == '/')
		x->base[n - 1] = '\0';
	if ((rc = compute_check_url(x->base, "providers.azure.endpoints.arm", e)) < 0)
		return rc;
	snprintf(x->sets, sizeof(x->sets), "%s/subscriptions/%s/resourceGroups/%s/providers/"
		 "Microsoft.Compute/virtualMachineScaleSets", x->base, pc->conf.subscription_id,
		 pc->conf.resource_group);
	o.provider = "azure";
	if (pc->conf.backoff_base_ms > 0)
		o.backoff_base_ms = pc->conf.backoff_base_ms;
	return http_client_new(&x->http, &o, e);
}
