/*
 * The EC2 compute client: Query API (version 2016-11-15) over SigV4. CreateFleet of type
 * instant for launches (launch template from config, price-capacity-optimized spot),
 * DescribeInstances filtered on capplan's tag and pending/running with paging,
 * TerminateInstances, CreateTags. DryRun=true answers DryRunOperation when a call would
 * have worked.
 */
#include "providers/compute_int.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "providers/http.h"
#include "providers/sigv4.h"
#include "util/tm.h"

#define EC2_VERSION "2016-11-15"

struct ec2 {
	CURL *esc;		/* only for curl_easy_escape */
	struct http_client *http;
	struct sigv4_creds creds;
};

/* Capacity and quota: what launches partly instead of failing. */
static int is_capacity(const char *code)
{
	static const char *const codes[] = {
		"InsufficientInstanceCapacity", "InsufficientCapacity", "InstanceLimitExceeded",
		"VcpuLimitExceeded", "MaxSpotInstanceCountExceeded", "SpotMaxPriceTooLow",
		"InsufficientFreeAddressesInSubnet", "UnfulfillableCapacity",
		"InsufficientHostCapacity", "InsufficientReservedInstanceCapacity",
	};
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i]) == 0)
			return 1;
	return 0;
}

/* --- the request ----------------------------------------------------------------------- */

static int add_param(providers_compute *pc, struct buf *b, const char *k, const char *v,
		     struct err *e)
{
	struct ec2 *x = pc->impl;
	char *ek = curl_easy_escape(x->esc, k, 0), *ev = curl_easy_escape(x->esc, v, 0);
	int rc = 0;

	if (ek == NULL || ev == NULL || buf_printf(b, "%s%s=%s", b->len ? "&" : "", ek, ev) < 0)
		rc = err_nomem(e);
	curl_free(ek);
	curl_free(ev);
	return rc;
}

static int add_paramf(providers_compute *pc, struct buf *b, const char *v, struct err *e,
		      const char *kfmt, ...) __attribute__((format(printf, 5, 6)));

static int add_paramf(providers_compute *pc, struct buf *b, const char *v, struct err *e,
		      const char *kfmt, ...)
{
	char k[256];
	va_list ap;

	va_start(ap, kfmt);
	vsnprintf(k, sizeof(k), kfmt, ap);
	va_end(ap);
	return add_param(pc, b, k, v, e);
}

/* Error code and message of an EC2 error body (<Response><Errors><Error>). */
struct ec2_error {
	char code[96], message[384], request_id[128];
};

static xmlNode *child(xmlNode *n, const char *name)
{
	for (n = n ? n->children : NULL; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

static void text_of(xmlNode *n, char *out, size_t len)
{
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;

	snprintf(out, len, "%s", t ? (const char *)t : "");
	xmlFree(t);
}


/* 1 when root is EC2's answer to the call in params: <ActionResponse> for Action=Action. */
static int answers_action(const xmlNode *root, const struct buf *params)
{
	const char *p = buf_str(params), *a = NULL, *name = (const char *)root->name;
	size_t n;

	for (; p && *p; p += strcspn(p, "&"), p += *p == '&') {
		if (strncmp(p, "Action=", 7) == 0) {
			a = p + 7;
			break;
		}
	}
	if (a == NULL)
		return 0;
	n = strcspn(a, "&");
	return strncmp(name, a, n) == 0 && strcmp(name + n, "Response") == 0;
}

/*
 * POSTs one Query API call through http.c (SigV4-signed before every attempt; throttling,
 * 5xx and Retry-After handled there). On an HTTP answer returns 0: *doc holds a 2xx body,
 * or *status >= 400 and er the provider's error code and message.
 */
static int ec2_call(providers_compute *pc, const char *region, const struct buf *params,
		    long *status, xmlDoc **doc, struct ec2_error *er, struct err *e)
{
	static const char *const retry[] = { "RequestLimitExceeded", "Throttling", NULL };
	static const char *const headers[] = {
		"Content-Type: application/x-www-form-urlencoded; charset=utf-8", NULL,
	};
	struct ec2 *x = pc->impl;
	struct http_request q = HTTP_REQUEST_INIT;
	struct sigv4_signer sg;
	struct buf body = BUF_INIT;
	const char *secrets[] = { x->creds.secret_access_key, x->creds.session_token, NULL };
	char url[1024];
	const char *from;
	int rc;

	*doc = NULL;
	*status = 0;
	memset(er, 0, sizeof(*er));
	if ((rc = sigv4_aws_endpoint(url, sizeof(url), "ec2", region, pc->conf.endpoint, &from,
				     e)) < 0)
		return rc;
	memset(&sg, 0, sizeof(sg));
	sg.creds = &x->creds;
	sg.region = region;
	sg.service = "ec2";
	q.method = "POST";
	q.url = url;
	q.headers = headers;
	q.body = buf_str(params);
	q.body_len = params->len;
	q.sign = sigv4_http_sign;
	q.sign_arg = &sg;
	q.secrets = secrets;
	q.retry_codes = retry;
	rc = http_fetch(x->http, &q, &body, 64u << 20, status, e);
	if (rc == 0) {
		*doc = xmlReadMemory(buf_str(&body), (int)body.len, "ec2.xml", NULL,
				     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (*doc == NULL || xmlDocGetRootElement(*doc) == NULL) {
			xmlFreeDoc(*doc);
			*doc = NULL;
			rc = err_set(e, ERR_RUNTIME, "ec2 %s: the answer is not XML", region);
		} else if (!answers_action(xmlDocGetRootElement(*doc), params)) {
			/*
			 * A proxy's or portal's HTML page is well-formed enough to parse: read as
			 * DescribeInstances it would be an empty fleet (and everything launched
			 * again), as CreateFleet nothing launched. An unknown outcome instead.
			 */
			rc = err_set(e, ERR_RUNTIME, "ec2 %s: the answer is a <%.64s> document, not "
				     "EC2's", region,
				     (const char *)xmlDocGetRootElement(*doc)->name);
			xmlFreeDoc(*doc);
			*doc = NULL;
		}
	} else if (*status >= 400) {
		/* http.c read the code and message: "... HTTP 412: DryRunOperation: text" */
		char hs[32];
		const char *m;

		snprintf(hs, sizeof(hs), "HTTP %ld: ", *status);
		if ((m = strstr(e->msg, hs)) != NULL) {
			m += strlen(hs);
			snprintf(er->code, sizeof(er->code), "%.*s", (int)strcspn(m, ": "), m);
			m += strcspn(m, ":");
			if (*m == ':')
				m += 2;
			snprintf(er->message, sizeof(er->message), "%s", m);
		} else {
			snprintf(er->code, sizeof(er->code), "HTTP%ld", *status);
			snprintf(er->message, sizeof(er->message), "%s", e->msg);
		}
		err_clear(e);
		rc = 0;
	}
	buf_release(&body);
	return rc;
}

/* Turns a failed answer into an audit row and ERR_RUNTIME naming code and message. */
static int call_failed(providers_compute *pc, const char *region, const char *op,
		       const char *token, long status, const struct ec2_error *er, struct err *e)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "%s: %s", er->code, er->message);
	compute_audit(pc, region, op, er->request_id, token, "error", msg);
	return err_set(e, ERR_RUNTIME, "ec2 %s %s: HTTP %ld %s", region, op, status, msg);
}

static void request_id(xmlDoc *doc, char *out, size_t n)
{
	text_of(child(xmlDocGetRootElement(doc), "requestId"), out, n);
}

/* --- DescribeInstances -------------------------------------------------------------------- */

static int parse_instances(xmlDoc *doc, const char *region, struct providers_vm **v,
			   size_t *n, size_t *cap, struct err *e)
{
	xmlNode *set = child(xmlDocGetRootElement(doc), "reservationSet"), *res, *it, *in;

	for (res = set ? set->children : NULL; res; res = res->next) {
		if (res->type != XML_ELEMENT_NODE)
			continue;
		for (it = child(res, "instancesSet") ? child(res, "instancesSet")->children : NULL;
		     it; it = it->next) {
			struct providers_vm *x;
			xmlNode *tag;
			char when[64], managed[16] = "";
			int64_t t;

			if (it->type != XML_ELEMENT_NODE)
				continue;
			if (*n == *cap) {
				size_t nc = *cap ? *cap * 2 : 32;
				struct providers_vm *nv = realloc(*v, nc * sizeof(**v));

				if (nv == NULL)
					return err_nomem(e);
				*v = nv;
				*cap = nc;
			}
			x = &(*v)[*n];
			memset(x, 0, sizeof(*x));
			text_of(child(it, "instanceId"), x->id, sizeof(x->id));
			text_of(child(it, "instanceType"), x->instance_type, sizeof(x->instance_type));
			text_of(child(child(it, "placement"), "availabilityZone"), x->zone,
				sizeof(x->zone));
			snprintf(x->region, sizeof(x->region), "%s", region);
			text_of(child(it, "launchTime"), when, sizeof(when));
			x->launched = tm_parse(when, &t) == 0 ? t : 0;
			in = child(it, "tagSet");
			for (tag = in ? in->children : NULL; tag; tag = tag->next) {
				char k[128], val[256];

				if (tag->type != XML_ELEMENT_NODE)
					continue;
				text_of(child(tag, "key"), k, sizeof(k));
				text_of(child(tag, "value"), val, sizeof(val));
				if (strcmp(k, PROVIDERS_TAG_POOL) == 0)
					snprintf(x->pool, sizeof(x->pool), "%s", val);
				else if (strcmp(k, PROVIDERS_TAG_PLAN) == 0)
					snprintf(x->plan, sizeof(x->plan), "%s", val);
				else if (strcmp(k, PROVIDERS_TAG_MANAGED) == 0)
					snprintf(managed, sizeof(managed), "%s", val);
				else if (strcmp(k, PROVIDERS_TAG_STANDIN) == 0)
					x->standin = 1;
			}
			/* the filter asked for it; checked again: never touch what is not ours */
			if (strcmp(managed, "true") == 0 && x->id[0] && x->pool[0])
				(*n)++;
		}
	}
	return 0;
}

static int ec2_list(providers_compute *pc, const char *region, struct providers_vm **out,
		    size_t *n, struct err *e)
{
	struct providers_vm *v = NULL;
	size_t cap = 0, cnt = 0;
	char next[2048] = "", tok[2048], rid[128];
	struct buf p = BUF_INIT;
	struct ec2_error er;
	xmlDoc *doc = NULL;
	long status;
	int rc = 0, pages = 0;

	do {
		buf_reset(&p);
		if ((rc = add_param(pc, &p, "Action", "DescribeInstances", e)) < 0 ||
		    (rc = add_param(pc, &p, "Version", EC2_VERSION, e)) < 0 ||
		    (rc = add_param(pc, &p, "Filter.1.Name", "tag:" PROVIDERS_TAG_MANAGED, e)) < 0 ||
		    (rc = add_param(pc, &p, "Filter.1.Value.1", "true", e)) < 0 ||
		    (rc = add_param(pc, &p, "Filter.2.Name", "instance-state-name", e)) < 0 ||
		    (rc = add_param(pc, &p, "Filter.2.Value.1", "pending", e)) < 0 ||
		    (rc = add_param(pc, &p, "Filter.2.Value.2", "running", e)) < 0 ||
		    (rc = add_param(pc, &p, "MaxResults", "1000", e)) < 0 ||
		    (next[0] && (rc = add_param(pc, &p, "NextToken", next, e)) < 0))
			goto out;
		xmlFreeDoc(doc);
		if ((rc = ec2_call(pc, region, &p, &status, &doc, &er, e)) < 0)
			goto out;
		if (doc == NULL) {
			rc = call_failed(pc, region, "DescribeInstances", "", status, &er, e);
			goto out;
		}
		request_id(doc, rid, sizeof(rid));
		compute_audit(pc, region, "DescribeInstances", rid, "", "ok", "");
		if ((rc = parse_instances(doc, region, &v, &cnt, &cap, e)) < 0)
			goto out;
		text_of(child(xmlDocGetRootElement(doc), "nextToken"), tok, sizeof(tok));
		/* a token back to the page just read would list it again until the cap */
		if (tok[0] && strcmp(tok, next) == 0) {
			rc = err_set(e, ERR_RUNTIME, "ec2 %s DescribeInstances: a nextToken points at "
				     "the same page", region);
			goto out;
		}
		snprintf(next, sizeof(next), "%s", tok);
		if (++pages > 10000) {
			rc = err_set(e, ERR_RUNTIME, "ec2 %s DescribeInstances: more than 10000 pages",
				     region);
			goto out;
		}
	} while (next[0]);
	*out = v;
	*n = cnt;
	v = NULL;
out:
	free(v);
	xmlFreeDoc(doc);
	buf_release(&p);
	return rc;
}

/* --- CreateFleet ------------------------------------------------------------------------ */

static int fleet_params(providers_compute *pc, const struct providers_launch *l, struct buf *p,
			struct err *e)
{
	const char *lt = pc->conf.launch_template;
	const char *ctype = l->spot ? "spot" : "on-demand";
	char num[32];
	size_t k, nover = pc->conf.nsubnets ? pc->conf.nsubnets : 1;
	int rc;

	snprintf(num, sizeof(num), "%d", l->count);
	if ((rc = add_param(pc, p, "Action", "CreateFleet", e)) < 0 ||
	    (rc = add_param(pc, p, "Version", EC2_VERSION, e)) < 0 ||
	    (rc = add_param(pc, p, "Type", "instant", e)) < 0 ||
	    (rc = add_param(pc, p, "ClientToken", l->token, e)) < 0 ||
	    (rc = add_param(pc, p, strncmp(lt, "lt-", 3) == 0 ?
			    "LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId" :
			    "LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName",
			    lt, e)) < 0 ||
	    (rc = add_param(pc, p, "LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version",
			    "$Default", e)) < 0)
		return rc;
	for (k = 0; k < nover; k++) {
		if ((rc = add_paramf(pc, p, l->instance_type, e,
				     "LaunchTemplateConfigs.1.Overrides.%zu.InstanceType", k + 1)) < 0)
			return rc;
		if (pc->conf.nsubnets &&
		    (rc = add_paramf(pc, p, pc->conf.subnets[k], e,
				     "LaunchTemplateConfigs.1.Overrides.%zu.SubnetId", k + 1)) < 0)
			return rc;
	}
	if ((rc = add_param(pc, p, "TargetCapacitySpecification.TotalTargetCapacity", num, e)) < 0 ||
	    (rc = add_param(pc, p, "TargetCapacitySpecification.DefaultTargetCapacityType", ctype,
			    e)) < 0 ||
	    (rc = add_param(pc, p, l->spot ? "TargetCapacitySpecification.SpotTargetCapacity" :
			    "TargetCapacitySpecification.OnDemandTargetCapacity", num, e)) < 0)
		return rc;
	if (l->spot) {
		if ((rc = add_param(pc, p, "SpotOptions.AllocationStrategy",
				    "price-capacity-optimized", e)) < 0)
			return rc;
	} else if ((rc = add_param(pc, p, "OnDemandOptions.AllocationStrategy", "lowest-price",
				   e)) < 0) {
		return rc;
	}
	if ((rc = add_param(pc, p, "TagSpecification.1.ResourceType", "instance", e)) < 0 ||
	    (rc = add_param(pc, p, "TagSpecification.1.Tag.1.Key", PROVIDERS_TAG_MANAGED, e)) < 0 ||
	    (rc = add_param(pc, p, "TagSpecification.1.Tag.1.Value", "true", e)) < 0 ||
	    (rc = add_param(pc, p, "TagSpecification.1.Tag.2.Key", PROVIDERS_TAG_PLAN, e)) < 0 ||
	    (rc = add_param(pc, p, "TagSpecification.1.Tag.2.Value", l->plan, e)) < 0 ||
	    (rc = add_param(pc, p, "TagSpecification.1.Tag.3.Key", PROVIDERS_TAG_POOL, e)) < 0 ||
	    (rc = add_param(pc, p, "TagSpecification.1.Tag.3.Value", l->pool, e)) < 0)
		return rc;
	if (l->standin) {
		char what[128];

		/* what stands in: "g5.2xlarge/spot", "p4d.24xlarge/ondemand" */
		snprintf(what, sizeof(what), "%s/%s", l->instance_type, l->spot ? "spot" : "ondemand");
		if ((rc = add_param(pc, p, "TagSpecification.1.Tag.4.Key", PROVIDERS_TAG_STANDIN,
				    e)) < 0 ||
		    (rc = add_param(pc, p, "TagSpecification.1.Tag.4.Value", what, e)) < 0)
			return rc;
	}
	if (l->dry_run && (rc = add_param(pc, p, "DryRun", "true", e)) < 0)
		return rc;
	return 0;
}

static int ec2_launch(providers_compute *pc, const struct providers_launch *l,
		      struct providers_launch_result *res, struct err *e)
{
	struct buf p = BUF_INIT;
	struct ec2_error er;
	xmlDoc *doc = NULL;
	xmlNode *root, *it, *ids, *id;
	char rid[128], msg[512];
	size_t cap = 0;
	long status;
	int rc;

	if (pc->conf.launch_template == NULL) {
		rc = err_set(e, ERR_INPUT, "\"providers.aws.launch_template\" is not set: apply "
			     "launches from a launch template (a name or an id lt-...)");
		goto out;
	}
	if ((rc = fleet_params(pc, l, &p, e)) < 0 ||
	    (rc = ec2_call(pc, l->region, &p, &status, &doc, &er, e)) < 0)
		goto out;
	if (doc == NULL) {
		if (l->dry_run && strcmp(er.code, "DryRunOperation") == 0) {
			compute_audit(pc, l->region, "CreateFleet", er.request_id, l->token,
				      "dry-run-ok", "DryRunOperation");
			goto out;
		}
		if (is_capacity(er.code)) {
			/* nothing launched, but not a failure of the run: a shortfall */
			snprintf(msg, sizeof(msg), "%s: %s", er.code, er.message);
			compute_audit(pc, l->region, "CreateFleet", er.request_id, l->token, "partial",
				      msg);
			res->capacity = 1;
			snprintf(res->error, sizeof(res->error), "%s", msg);
			goto out;
		}
		res->answered = status >= 400 && status < 500;
		rc = call_failed(pc, l->region, "CreateFleet", l->token, status, &er, e);
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	request_id(doc, rid, sizeof(rid));
	for (it = child(root, "fleetInstanceSet") ? child(root, "fleetInstanceSet")->children : NULL;
	     it; it = it->next) {
		if (it->type != XML_ELEMENT_NODE || (ids = child(it, "instanceIds")) == NULL)
			continue;
		for (id = ids->children; id; id = id->next) {
			if (id->type != XML_ELEMENT_NODE)
				continue;
			if (res->nids == cap) {
				size_t nc = cap ? cap * 2 : 16;
				char (*t)[128] = realloc(res->ids, nc * sizeof(*t));

				if (t == NULL) {
					rc = err_nomem(e);
					goto out;
				}
				res->ids = t;
				cap = nc;
			}
			text_of(id, res->ids[res->nids], sizeof(res->ids[0]));
			if (res->ids[res->nids][0])
				res->nids++;
		}
	}
	res->launched = (int)res->nids;
	msg[0] = '\0';
	for (it = child(root, "errorSet") ? child(root, "errorSet")->children : NULL; it;
	     it = it->next) {
		char code[96], m[300];

		if (it->type != XML_ELEMENT_NODE)
			continue;
		text_of(child(it, "errorCode"), code, sizeof(code));
		text_of(child(it, "errorMessage"), m, sizeof(m));
		if (msg[0] == '\0')
			snprintf(msg, sizeof(msg), "%s: %s", code, m);
	}
	if (res->launched < l->count) {
		res->capacity = 1;
		snprintf(res->error, sizeof(res->error), "%s",
			 msg[0] ? msg : "fewer instances than asked for");
	}
	compute_audit(pc, l->region, "CreateFleet", rid, l->token,
		      res->launched < l->count ? "partial" : "ok", res->capacity ? res->error : "");
out:
	xmlFreeDoc(doc);
	buf_release(&p);
	return rc;
}

/* --- TerminateInstances, CreateTags ---------------------------------------------------- */

static int ids_call(providers_compute *pc, const char *region, const char *op,
		    const char *const *ids, size_t n, const char *plan, int dry, struct err *e)
{
	struct buf p = BUF_INIT;
	struct ec2_error er;
	xmlDoc *doc = NULL;
	char rid[128];
	size_t i;
	long status;
	int rc;
	int tags = strcmp(op, "CreateTags") == 0;

	if ((rc = add_param(pc, &p, "Action", op, e)) < 0 ||
	    (rc = add_param(pc, &p, "Version", EC2_VERSION, e)) < 0)
		goto out;
	for (i = 0; i < n; i++)
		if ((rc = add_paramf(pc, &p, ids[i], e, tags ? "ResourceId.%zu" : "InstanceId.%zu",
				     i + 1)) < 0)
			goto out;
	if (tags && ((rc = add_param(pc, &p, "Tag.1.Key", PROVIDERS_TAG_PLAN, e)) < 0 ||
		     (rc = add_param(pc, &p, "Tag.1.Value", plan, e)) < 0))
		goto out;
	if (dry && (rc = add_param(pc, &p, "DryRun", "true", e)) < 0)
		goto out;
	if ((rc = ec2_call(pc, region, &p, &status, &doc, &er, e)) < 0)
		goto out;
	if (doc == NULL) {
		if (dry && strcmp(er.code, "DryRunOperation") == 0) {
			compute_audit(pc, region, op, er.request_id, "", "dry-run-ok",
				      "DryRunOperation");
			goto out;
		}
		rc = call_failed(pc, region, op, "", status, &er, e);
		goto out;
	}
	request_id(doc, rid, sizeof(rid));
	compute_audit(pc, region, op, rid, "", "ok", "");
out:
	xmlFreeDoc(doc);
	buf_release(&p);
	return rc;
}

static int ec2_terminate(providers_compute *pc, const char *region, const char *pool,
			 const char *const *ids, size_t n, int dry_run, struct err *e)
{
	size_t i;
	int rc;

	(void)pool;
	/* at most 1000 ids per call */
	for (i = 0; i < n; i += 1000)
		if ((rc = ids_call(pc, region, "TerminateInstances", ids + i,
				   n - i > 1000 ? 1000 : n - i, NULL, dry_run, e)) < 0)
			return rc;
	return 0;
}

static int ec2_retag(providers_compute *pc, const char *region, const char *plan,
		     const char *const *ids, size_t n, struct err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i += 1000)
		if ((rc = ids_call(pc, region, "CreateTags", ids + i, n - i > 1000 ? 1000 : n - i,
				   plan, 0, e)) < 0)
			return rc;
	return 0;
}

static void ec2_release(providers_compute *pc)
{
	struct ec2 *x = pc->impl;

	if (x) {
		curl_easy_cleanup(x->esc);
		http_client_free(x->http);
		sigv4_creds_clear(&x->creds);
	}
	free(x);
	pc->impl = NULL;
}

static const struct compute_ops ec2_ops = {
	1, ec2_list, ec2_launch, ec2_terminate, ec2_retag, ec2_release,
};

int ec2_init(providers_compute *pc, struct err *e)
{
	struct http_opts o = HTTP_OPTS_INIT;
	struct ec2 *x = calloc(1, sizeof(*x));
	int rc;

	if (x == NULL)
		return err_nomem(e);
	pc->impl = x;
	pc->ops = &ec2_ops;
	if ((x->esc = curl_easy_init()) == NULL)
		return err_nomem(e);
	o.provider = "aws";
	o.backoff_base_ms = pc->conf.backoff_base_ms > 0 ? pc->conf.backoff_base_ms : 1000;
	if ((rc = http_client_new(&x->http, &o, e)) < 0)
		return rc;
	if ((rc = sigv4_creds_load(&x->creds, e)) < 0)
		return err_wrap(e, "apply on aws");
	return 0;
}
