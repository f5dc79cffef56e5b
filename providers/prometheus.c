/*
 * The Prometheus HTTP API client for usage history: GET /api/v1/query_range with a one-hour
 * step, in chunks under the server's limit of 11,000 points per series, the matrix parsed
 * with yajl's callback parser as the body streams in (a year of hours for many series never
 * sits in memory as text).
 */
#include "providers/providers.h"

#include "providers/http.h"
#include "providers/jstream.h"
#include "util/buf.h"

#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#define STEP 3600
#define DEFAULT_POINTS 10000
#define MAX_MODELS 256
#define MAX_DEPTH 64
#define MAX_GPUS 1e7		/* the usage CSV's bound (planner/load.c) */
#define MIN_TIME 946684800LL	/* 2000-01-01: usage before it is a broken clock */
#define MAX_TIME 4102444800LL	/* 2100-01-01 */

const char providers_prometheus_dcgm_query[] =
	"count by (modelName) (DCGM_FI_DEV_GPU_UTIL > 0)"
	" or count by (modelName) (DCGM_FI_DEV_GPU_UTIL) * 0";
const char providers_prometheus_dcgm_label[] = "modelName";
/* requests of running pods only (a completed pod keeps its request series until deleted) */
const char providers_prometheus_kube_query[] =
	"sum by (label_nvidia_com_gpu_product) ("
	"(kube_pod_container_resource_requests{resource=\"nvidia_com_gpu\"}"
	" * on (namespace, pod) group_left () (kube_pod_status_phase{phase=\"Running\"} == 1))"
	" * on (node) group_left (label_nvidia_com_gpu_product) kube_node_labels)";
const char providers_prometheus_kube_label[] = "label_nvidia_com_gpu_product";

enum frame { F_TOP, F_DATA, F_RESULT, F_SERIES, F_METRIC, F_VALUES, F_POINT, F_SKIP };
enum key { K_NONE, K_STATUS, K_ERROR_TYPE, K_ERROR, K_DATA, K_RESULT_TYPE, K_RESULT, K_METRIC,
	   K_VALUES, K_VALUE, K_GPU_LABEL };

struct point {
	int model;
	int64_t ts;
	double v;
};

struct parser {
	const struct prometheus_query *q;
	yajl_handle y;
	enum frame stack[MAX_DEPTH];
	enum key keys[MAX_DEPTH];
	int depth;
	/* the document */
	char status[16], error_type[64], error[512], result_type[16];
	/* the series being read: its model and its points (the metric may come last) */
	char label[96];
	int has_label;
	int point_idx;
	int64_t point_ts;
	double point_v;
	int point_ok;
	struct point *sp;
	size_t nsp, capsp;
	/* this chunk's points, merged only once the body is complete (a retry starts over) */
	struct point *cp;
	size_t ncp, capcp;
	size_t series, unlabeled;
	/* models by canonical name */
	char (*models)[32];
	size_t nmodels;
	struct err *e;
	int failed;
	int fired;			/* a callback ran during the current chunk */
	unsigned long long quiet;	/* bytes fed since the last chunk in which one ran */
	char safe_url[512];	/* without userinfo or secret parameters: for messages */
};

static int fail(struct parser *p, int code, const char *what)
{
	err_set(p->e, code, "prometheus: %s: %s", p->safe_url, what);
	p->failed = 1;
	return 0;	/* yajl: stop */
}

static enum frame top(const struct parser *p)
{
	return p->depth ? p->stack[p->depth - 1] : F_SKIP;
}

static enum key topkey(const struct parser *p)
{
	return p->depth ? p->keys[p->depth - 1] : K_NONE;
}

static int push(struct parser *p, enum frame f)
{
	if (p->depth == MAX_DEPTH)
		return fail(p, ERR_RUNTIME, "JSON nested too deep");
	p->stack[p->depth] = f;
	p->keys[p->depth] = K_NONE;
	p->depth++;
	return 1;
}

static int model_of(struct parser *p, const char *raw)
{
	const char *c = providers_gpu_canonical(raw);
	char name[32];
	size_t i;

	snprintf(name, sizeof(name), "%s", c ? c : raw);
	for (i = 0; i < p->nmodels; i++)
		if (strcmp(p->models[i], name) == 0)
			return (int)i;
	if (p->nmodels == MAX_MODELS)
		return -1;
	snprintf(p->models[p->nmodels], sizeof(p->models[0]), "%s", name);
	return (int)p->nmodels++;
}

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *n;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 256;
	while (ncap < need)
		ncap *= 2;
	if ((n = realloc(*v, ncap * size)) == NULL)
		return ERR_NOMEM;
	*v = n;
	*cap = ncap;
	return 0;
}

/* A series is complete: its points go to the chunk under its model. */
static int end_series(struct parser *p)
{
	int m;
	size_t i;

	p->series++;
	if (!p->has_label || p->label[0] == '\0') {
		p->unlabeled++;
		p->nsp = 0;
		return 1;
	}
	if ((m = model_of(p, p->label)) < 0)
		return fail(p, ERR_RUNTIME, "more than 256 GPU models");
	if (grow((void **)&p->cp, &p->capcp, p->ncp + p->nsp, sizeof(*p->cp)) < 0) {
		err_nomem(p->e);
		p->failed = 1;
		return 0;
	}
	for (i = 0; i < p->nsp; i++) {
		p->cp[p->ncp] = p->sp[i];
		p->cp[p->ncp++].model = m;
	}
	p->nsp = 0;
	return 1;
}

static int on_start_map(void *ctx)
{
	struct parser *p = ctx;
	enum frame f = top(p);
	enum key k = topkey(p);

	p->fired = 1;
	if (p->depth == 0)
		return push(p, F_TOP);
	if (f == F_TOP && k == K_DATA)
		return push(p, F_DATA);
	if (f == F_RESULT) {
		p->has_label = 0;
		p->label[0] = '\0';
		p->nsp = 0;
		return push(p, F_SERIES);
	}
	if (f == F_SERIES && k == K_METRIC)
		return push(p, F_METRIC);
	return push(p, F_SKIP);
}

static int on_map_key(void *ctx, const unsigned char *s, size_t len)
{
	struct parser *p = ctx;
	enum key k = K_NONE;

	p->fired = 1;
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(s, lit, len) == 0)
	switch (top(p)) {
	case F_TOP:
		k = IS("status") ? K_STATUS : IS("errorType") ? K_ERROR_TYPE :
		    IS("error") ? K_ERROR : IS("data") ? K_DATA : K_NONE;
		break;
	case F_DATA:
		k = IS("resultType") ? K_RESULT_TYPE : IS("result") ? K_RESULT : K_NONE;
		break;
	case F_SERIES:
		k = IS("metric") ? K_METRIC : IS("values") ? K_VALUES : IS("value") ? K_VALUE :
		    K_NONE;
		break;
	case F_METRIC:
		k = len == strlen(p->q->gpu_label) && memcmp(s, p->q->gpu_label, len) == 0 ?
		    K_GPU_LABEL : K_NONE;
		break;
	default:
		break;
	}
#undef IS
	if (p->depth)
		p->keys[p->depth - 1] = k;
	return 1;
}

static int on_end_map(void *ctx)
{
	struct parser *p = ctx;
	enum frame f = top(p);

	p->fired = 1;
	p->depth--;
	if (f == F_SERIES)
		return end_series(p);
	return 1;
}

static int on_start_array(void *ctx)
{
	struct parser *p = ctx;
	enum frame f = top(p);
	enum key k = topkey(p);

	p->fired = 1;
	if (f == F_DATA && k == K_RESULT)
		return push(p, F_RESULT);
	if ((f == F_SERIES && k == K_VALUES))
		return push(p, F_VALUES);
	if ((f == F_VALUES) || (f == F_SERIES && k == K_VALUE)) {
		p->point_idx = 0;
		p->point_ok = 1;
		return push(p, F_POINT);
	}
	return push(p, F_SKIP);
}

static int on_end_array(void *ctx)
{
	struct parser *p = ctx;
	enum frame f = top(p);

	p->fired = 1;
	p->depth--;
	if (f != F_POINT)
		return 1;
	/* a sample: [ts, "value"]; NaN and infinities are no sample (a gap) */
	if (p->point_idx != 2 || !p->point_ok || !isfinite(p->point_v))
		return 1;
	/* the bound the usage CSV has: a value outside it is a broken query, not usage */
	if (p->point_v < 0 || p->point_v > MAX_GPUS)
		return fail(p, ERR_RUNTIME, "a sample value is outside 0..1e7 GPUs");
	if (p->point_ts < MIN_TIME || p->point_ts >= MAX_TIME)
		return fail(p, ERR_RUNTIME, "a sample time is outside 2000-01-01..2100-01-01");
	if (grow((void **)&p->sp, &p->capsp, p->nsp + 1, sizeof(*p->sp)) < 0) {
		err_nomem(p->e);
		p->failed = 1;
		return 0;
	}
	p->sp[p->nsp].ts = p->point_ts;
	p->sp[p->nsp].v = p->point_v;
	p->sp[p->nsp].model = -1;
	p->nsp++;
	return 1;
}

/* Timestamps are JSON numbers: integers or floats (1700000000 or 1700000000.5). */
static int on_number(void *ctx, const char *s, size_t len)
{
	struct parser *p = ctx;
	char t[64];
	double v;
	char *end;

	p->fired = 1;
	if (top(p) != F_POINT)
		return 1;
	if (len >= sizeof(t)) {
		p->point_ok = 0;
		p->point_idx++;
		return 1;
	}
	memcpy(t, s, len);
	t[len] = '\0';
	v = strtod(t, &end);
	if (p->point_idx == 0) {
		if (*end != '\0' || !isfinite(v))
			p->point_ok = 0;
		else if (v < MIN_TIME || v >= MAX_TIME)	/* checked before the cast: no UB */
			p->point_ts = v < MIN_TIME ? MIN_TIME - STEP : MAX_TIME;
		else	/* the hour the sample stands for (rounded: 1700002800.000 is that hour) */
			p->point_ts = (int64_t)floor((v + 0.5) / STEP) * STEP;
	} else if (p->point_idx == 1) {
		p->point_v = v;		/* a value written as a number (not Prometheus' own form) */
	}
	p->point_idx++;
	return 1;
}

static void copy_str(char *dst, size_t n, const unsigned char *s, size_t len)
{
	if (len >= n)
		len = n - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
	struct parser *p = ctx;
	enum frame f = top(p);
	enum key k = topkey(p);
	char t[64], *end;

	p->fired = 1;
	if (f == F_TOP) {
		if (k == K_STATUS)
			copy_str(p->status, sizeof(p->status), s, len);
		else if (k == K_ERROR_TYPE)
			copy_str(p->error_type, sizeof(p->error_type), s, len);
		else if (k == K_ERROR)
			copy_str(p->error, sizeof(p->error), s, len);
	} else if (f == F_DATA && k == K_RESULT_TYPE) {
		copy_str(p->result_type, sizeof(p->result_type), s, len);
	} else if (f == F_METRIC && k == K_GPU_LABEL) {
		copy_str(p->label, sizeof(p->label), s, len);
		p->has_label = 1;
	} else if (f == F_POINT) {
		if (p->point_idx == 1) {
			copy_str(t, sizeof(t), s, len);
			/* "NaN", "+Inf", "-Inf" parse to non-finite values: gaps */
			p->point_v = strtod(t, &end);
			if (len == 0 || len >= sizeof(t) || *end != '\0')
				p->point_ok = 0;
		} else if (p->point_idx == 0) {
			p->point_ok = 0;
		}
		p->point_idx++;
	}
	return 1;
}

static int on_scalar(void *ctx)
{
	struct parser *p = ctx;

	p->fired = 1;
	if (top(p) == F_POINT) {
		p->point_ok = 0;
		p->point_idx++;
	}
	return 1;
}

static int on_bool(void *ctx, int b)
{
	(void)b;
	return on_scalar(ctx);
}

static const yajl_callbacks callbacks = {
	on_scalar, on_bool, NULL, NULL, on_number, on_string, on_start_map, on_map_key,
	on_end_map, on_start_array, on_end_array,
};

static int parser_reset(void *arg, struct err *e)
{
	struct parser *p = arg;

	if (p->y)
		yajl_free(p->y);
	if ((p->y = yajl_alloc(&callbacks, NULL, p)) == NULL)
		return err_nomem(e);
	p->depth = 0;
	p->status[0] = p->error_type[0] = p->error[0] = p->result_type[0] = '\0';
	p->nsp = p->ncp = 0;
	p->series = p->unlabeled = 0;
	p->failed = 0;
	p->quiet = 0;
	p->e = e;
	return 0;
}

static int parser_feed(void *arg, const char *data, size_t n, struct err *e)
{
	struct parser *p = arg;
	yajl_status st;

	p->e = e;
	p->fired = 0;
	st = yajl_parse(p->y, (const unsigned char *)data, n);
	p->quiet = p->fired ? 0 : p->quiet + n;
	if (p->failed)
		return e->code ? e->code : ERR_RUNTIME;
	if (st != yajl_status_ok) {
		unsigned char *m = yajl_get_error(p->y, 0, NULL, 0);

		err_set(e, ERR_RUNTIME, "prometheus: %s: the answer is not JSON: %s", p->safe_url,
			m ? (const char *)m : "parse error");
		yajl_free_error(p->y, m);
		return ERR_RUNTIME;
	}
	/* a token that never ends: yajl would buffer it and lex it again at every chunk */
	if (p->quiet > JSTREAM_MAX_TOKEN)
		return err_set(e, ERR_RUNTIME, "prometheus: %s: no JSON value ends within %u bytes "
			       "(a runaway answer)", p->safe_url, JSTREAM_MAX_TOKEN);
	return 0;
}

static int parser_finish(struct parser *p, const char *url, struct err *e)
{
	if (yajl_complete_parse(p->y) != yajl_status_ok || p->failed)
		return p->failed && e->code ? e->code :
		       err_set(e, ERR_RUNTIME, "prometheus: %s: the answer is not complete JSON", url);
	/* an error inside a 2xx answer (proxies, partial responses): as Prometheus wrote it */
	if (strcmp(p->status, "success") != 0)
		return err_set(e, ERR_RUNTIME, "prometheus: %s: %s%s%s", url,
			       p->error_type[0] ? p->error_type : p->status[0] ? p->status :
			       "no status", p->error[0] ? ": " : "", p->error);
	if (p->result_type[0] && strcmp(p->result_type, "matrix") != 0 &&
	    strcmp(p->result_type, "vector") != 0)
		return err_set(e, ERR_RUNTIME, "prometheus: %s: the result is a %s, not a matrix",
			       url, p->result_type);
	return 0;
}

void providers_prometheus_source(const char *url, char *out, size_t n)
{
	char r[512];
	size_t len;

	http_redact_url(url, r, sizeof(r));
	len = strlen(r);
	while (len > 0 && r[len - 1] == '/')
		r[--len] = '\0';
	snprintf(out, n, "prometheus:%s", r);
}

/* "Authorization: Basic base64(user:password)" (libcrypto's encoder). */
static int basic_auth(struct buf *hdr, const char *user, const char *pass, struct err *e)
{
	struct buf raw = BUF_INIT;
	unsigned char *enc = NULL;
	int rc = 0;

	if (buf_printf(&raw, "%s:%s", user, pass ? pass : "") < 0 ||
	    (enc = malloc(4 * (raw.len / 3 + 1) + 1)) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	EVP_EncodeBlock(enc, (const unsigned char *)raw.p, (int)raw.len);
	if (buf_printf(hdr, "Authorization: Basic %s", (const char *)enc) < 0)
		rc = err_nomem(e);
out:
	/* the secret does not outlive the request */
	if (raw.p)
		memset(raw.p, 0, raw.len);
	buf_release(&raw);
	free(enc);
	return rc;
}

static int point_cmp(const void *a, const void *b)
{
	const struct prometheus_sample *x = a, *y = b;
	int k = strcmp(x->gpu_model, y->gpu_model);

	return k ? k : (x->ts > y->ts) - (x->ts < y->ts);
}

int providers_prometheus_fetch(struct prometheus_result **out, const struct prometheus_query *q,
			       struct err *e)
{
	struct http_opts ho = HTTP_OPTS_INIT;
	struct http_client *c = NULL;
	struct parser p;
	struct prometheus_result *res = NULL;
	struct buf url = BUF_INIT, auth = BUF_INIT;
	double *sum[MAX_MODELS];	/* per model, per hour: NAN = no sample */
	size_t hours, points, i, m;
	const char *headers[2] = { NULL, NULL };
	char safe[512];
	int64_t s;
	int rc = 0;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	memset(sum, 0, sizeof(sum));
	p.q = q;
	http_redact_url(q->url, safe, sizeof(safe));
	snprintf(p.safe_url, sizeof(p.safe_url), "%s", safe);
	if (q->end < q->start || q->start % STEP || q->end % STEP)
		return err_set(e, ERR_INPUT, "prometheus: the range must be whole hours, start <= end");
	hours = (size_t)((q->end - q->start) / STEP) + 1;
	if (hours > 24u * 366 * 10)
		return err_set(e, ERR_INPUT, "prometheus: more than 10 years of hours asked");
	points = q->max_points ? q->max_points : DEFAULT_POINTS;
	if ((res = calloc(1, sizeof(*res))) == NULL ||
	    (p.models = calloc(MAX_MODELS, sizeof(*p.models))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	ho.provider = "prometheus";
	if (q->max_attempts)
		ho.max_attempts = q->max_attempts;
	if (q->backoff_base_ms)
		ho.backoff_base_ms = q->backoff_base_ms;
	if (q->timeout_ms)
		ho.timeout_ms = q->timeout_ms;
	if ((rc = http_client_new(&c, &ho, e)) < 0)
		goto out;
	if (q->bearer_token && q->bearer_token[0]) {
		if (buf_printf(&auth, "Authorization: Bearer %s", q->bearer_token) < 0) {
			rc = err_nomem(e);
			goto out;
		}
		headers[0] = auth.p;
	} else if (q->username && q->username[0]) {
		if ((rc = basic_auth(&auth, q->username, q->password, e)) < 0)
			goto out;
		headers[0] = auth.p;
	}
	if ((rc = parser_reset(&p, e)) < 0)
		goto out;
	for (s = q->start; s <= q->end; s += (int64_t)points * STEP) {
		struct http_request r = HTTP_REQUEST_INIT;
		int64_t ce = s + (int64_t)(points - 1) * STEP;
		/* a base with parameters (a proxy's "?org=7"): they follow ours, not the path */
		size_t k, base = strcspn(q->url, "?#");
		const char *extra = q->url[base] == '?' ? q->url + base + 1 : "";
		long status;

		if (ce > q->end)
			ce = q->end;
		while (base > 0 && q->url[base - 1] == '/')
			base--;
		buf_reset(&url);
		if (buf_add(&url, q->url, base) < 0 || buf_puts(&url, "/api/v1/query_range?query=") < 0 ||
		    http_urlencode(&url, q->query, strlen(q->query)) < 0 ||
		    buf_printf(&url, "&start=%lld&end=%lld&step=%d", (long long)s, (long long)ce,
			       STEP) < 0 ||
		    (extra[0] && extra[0] != '#' &&
		     buf_printf(&url, "&%.*s", (int)strcspn(extra, "#"), extra) < 0)) {
			rc = err_nomem(e);
			goto out;
		}
		if ((rc = parser_reset(&p, e)) < 0)
			goto out;
		r.url = url.p;
		r.headers = headers[0] ? headers : NULL;
		r.on_data = parser_feed;
		r.on_reset = parser_reset;
		r.arg = &p;
		res->requests++;
		if ((rc = http_do(c, &r, &status, e)) < 0)
			goto out;
		if ((rc = parser_finish(&p, safe, e)) < 0)
			goto out;
		/* merge this chunk: series of one model add up (spellings, label sets) */
		for (k = 0; k < p.ncp; k++) {
			const struct point *x = &p.cp[k];
			size_t h;

			if (x->ts < s || x->ts > ce)
				continue;	/* outside what was asked: not ours to store */
			if (sum[x->model] == NULL) {
				if ((sum[x->model] = malloc(hours * sizeof(double))) == NULL) {
					rc = err_nomem(e);
					goto out;
				}
				for (h = 0; h < hours; h++)
					sum[x->model][h] = NAN;
			}
			h = (size_t)((x->ts - q->start) / STEP);
			if (isnan(sum[x->model][h]))
				sum[x->model][h] = x->v;
			else
				sum[x->model][h] += x->v;
		}
		res->series += p.series;
		res->unlabeled += p.unlabeled;
	}
	for (m = 0; m < p.nmodels; m++)
		for (i = 0; sum[m] && i < hours; i++)
			res->n += !isnan(sum[m][i]);
	if (res->n && (res->v = calloc(res->n, sizeof(*res->v))) == NULL) {
		rc = err_nomem(e);
		goto out;
	}
	res->n = 0;
	for (m = 0; m < p.nmodels; m++) {
		for (i = 0; sum[m] && i < hours; i++) {
			if (isnan(sum[m][i]))
				continue;
			res->v[res->n].ts = q->start + (int64_t)i * STEP;
			snprintf(res->v[res->n].gpu_model, sizeof(res->v[0].gpu_model), "%s",
				 p.models[m]);
			res->v[res->n++].gpus = sum[m][i];
		}
	}
	if (res->n)	/* an empty matrix leaves v NULL: qsort wants a real pointer */
		qsort(res->v, res->n, sizeof(*res->v), point_cmp);
	*out = res;
	res = NULL;
out:
	if (auth.p)
		memset(auth.p, 0, auth.len);
	buf_release(&auth);
	buf_release(&url);
	if (p.y)
		yajl_free(p.y);
	free(p.sp);
	free(p.cp);
	free(p.models);
	for (m = 0; m < MAX_MODELS; m++)
		free(sum[m]);
	http_client_free(c);
	providers_prometheus_result_free(res);
	return rc;
}

void providers_prometheus_result_free(struct prometheus_result *r)
{
	if (r == NULL)
		return;
	free(r->v);
	free(r);
}
