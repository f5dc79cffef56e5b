/*
 * The FOCUS importer. What the clouds really write, and so what this does:
 * - only ChargeCategory Usage rows of running capacity count: not purchases, credits,
 *   adjustments, taxes, corrections (refunds), RI fees (AWS HeavyUsage) or unused
 *   commitment hours, even where these carry a quantity;
 * - ConsumedQuantity is converted by ConsumedUnit (Google: seconds; AWS, Azure: hours);
 *   PricingQuantity never counts as usage (Azure prices in 100-hour blocks);
 * - AWS: the instance type is in x_UsageType ("[REGION-]BoxUsage:TYPE", "SpotUsage:TYPE"),
 *   else in the charge description ("... per On Demand Linux g5.xlarge Instance Hour") or
 *   SkuPriceDetails; Azure: in x_SkuDetails' "ServiceType" (JSON); Google bills GPUs as
 *   their own SKU rows ("Nvidia Tesla T4 GPU running in Americas"), counted per GPU;
 * - a row's GPU-hours are spread evenly over the hours of its charge period (Azure rows
 *   are daily).
 */
#include "planner/focus.h"

#include "util/csv.h"
#include "util/tm.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yajl/yajl_tree.h>

#define MAX_SOURCES 16
#define MAX_MODELS 250
#define MAX_UNMATCHED 1000	/* distinct SKUs listed; more are still counted */
#define MAX_COMMITMENTS 100000
#define MAX_PERIOD (62 * TM_DAY)
#define MAX_GPUS 1e7			/* the usage CSV's bound (planner/load.c) */
#define MAX_HOURLY 1000.0		/* USD per instance-hour: the offerings CSV's bound */
#define MIN_TIME 946684800LL		/* 2000-01-01: earlier is a broken clock */
#define MAX_TIME 4102444800LL		/* 2100-01-01 */

const char *focus_reason_text(int reason)
{
	static const char *const text[FOCUS_NREASONS] = {
		"not as many fields as the header",
		"ChargePeriodStart/ChargePeriodEnd is not a time or not start < end",
		"ConsumedQuantity is not a number in 0..1e7 GPUs",
		"ConsumedUnit is not a unit of time",
		"x_SkuDetails is not a JSON object",
		"EffectiveCost is not a number in 0..1000 USD per instance-hour",
	};
	return reason >= 0 && reason < FOCUS_NREASONS ? text[reason] : "malformed";
}

const char *focus_pricing_name(int pricing)
{
	static const char *const names[FOCUS_NPRICING] = { "Standard", "Dynamic", "Committed",
							   "Other" };
	return pricing >= 0 && pricing < FOCUS_NPRICING ? names[pricing] : "Other";
}

static int pricing_of(const char *s)
{
	if (strcasecmp(s, "Standard") == 0)
		return FOCUS_STANDARD;
	if (strcasecmp(s, "Dynamic") == 0)
		return FOCUS_DYNAMIC;
	if (strcasecmp(s, "Committed") == 0)
		return FOCUS_COMMITTED;
	return FOCUS_OTHER;
}

/* The columns used; -1 when the export has no such column. */
enum col {
	C_CATEGORY, C_CLASS, C_START, C_END, C_QTY, C_UNIT, C_PRICING_CAT, C_CD_ID, C_CD_STATUS,
	C_CD_CATEGORY, C_CD_TYPE, C_CD_NAME, C_PROVIDER, C_REGION, C_SKU, C_DESC, C_USAGE_TYPE,
	C_SKU_DETAILS, C_SKU_PRICE_DETAILS, C_EFFECTIVE, C_PRICING_QTY, C_PRICING_UNIT,
	C_SKU_TERM, NCOLS
};
static const char *const col_names[NCOLS] = {
	"ChargeCategory", "ChargeClass", "ChargePeriodStart", "ChargePeriodEnd",
	"ConsumedQuantity", "ConsumedUnit", "PricingCategory", "CommitmentDiscountId",
	"CommitmentDiscountStatus", "CommitmentDiscountCategory", "CommitmentDiscountType",
	"CommitmentDiscountName", "ProviderName", "RegionId", "SkuId", "ChargeDescription",
	"x_UsageType", "x_SkuDetails", "SkuPriceDetails", "EffectiveCost", "PricingQuantity",
	"PricingUnit", "x_SkuTerm",
};

/* An instance type of the catalog, for bsearch by "provider/type" (lower case). */
struct inst {
	char key[96];
	char gpu_model[32];
	int gpus;
};

/* Hour aggregates: open addressing on (hour, source, model). */
struct cell {
	uint64_t key;		/* 0 = empty */
	double v;
};

struct commit_acc {
	struct store_commitment c;
	double cost;		/* EffectiveCost of its usage rows, used and unused */
	int64_t first, last_end;
	int mixed;		/* covered more than one instance type */
};

struct unm_acc {
	struct focus_unmatched u;
};

struct src_acc {
	char provider[16];
	int64_t first, last_end;	/* over its usage rows */
	int spread_daily;
	unsigned char models[MAX_MODELS];	/* models seen in this source */
};

struct ctx {
	const struct focus_opts *o;
	csv_reader *r;
	int col[NCOLS];
	size_t nheader;
	struct inst *inst;
	size_t ninst;
	struct cell *cells;
	size_t ncells, cap;
	char models[MAX_MODELS][32];
	size_t nmodels;
	struct src_acc src[MAX_SOURCES];
	size_t nsrc;
	struct commit_acc *com;
	size_t ncom, comcap;
	struct unm_acc *unm;
	size_t nunm, unmcap;
	/* one-entry caches: consecutive rows mostly share their times and provider */
	char start_s[40], end_s[40], prov_s[64];
	int64_t start_t, end_t;
	int prov_i;
	struct focus_result *res;
};

static const char *field(const struct ctx *c, enum col k)
{
	const char *s;

	if (c->col[k] < 0)
		return "";
	s = csv_field(c->r, (size_t)c->col[k]);
	/* the FOCUS sample data writes NULL for empty */
	return strcmp(s, "NULL") == 0 ? "" : s;
}

static void lower_copy(char *dst, size_t n, const char *src)
{
	size_t k = 0;

	for (; *src && k + 1 < n; src++)
		dst[k++] = (char)tolower((unsigned char)*src);
	dst[k] = '\0';
}

static int inst_cmp(const void *a, const void *b)
{
	return strcmp(((const struct inst *)a)->key, ((const struct inst *)b)->key);
}

static int build_catalog(struct ctx *c, struct err *e)
{
	size_t i;

	if (c->o->ncatalog == 0)
		return 0;
	if ((c->inst = err_calloc(c->o->ncatalog, sizeof(*c->inst), e)) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < c->o->ncatalog; i++) {
		const struct offering *f = &c->o->catalog[i];
		char t[80];

		lower_copy(t, sizeof(t), f->instance_type);
		snprintf(c->inst[c->ninst].key, sizeof(c->inst[c->ninst].key), "%s/%s", f->provider,
			 t);
		snprintf(c->inst[c->ninst].gpu_model, sizeof(c->inst[c->ninst].gpu_model), "%s",
			 f->gpu_model);
		c->inst[c->ninst].gpus = f->gpus;
		c->ninst++;
	}
	qsort(c->inst, c->ninst, sizeof(*c->inst), inst_cmp);
	return 0;
}

/* The GPU model and count of an instance type: the catalog, then the built-in table. */
static int lookup_instance(struct ctx *c, const char *provider, const char *type, char *gpu,
			   size_t n, int *gpus)
{
	struct inst key, *hit;
	char t[80];

	lower_copy(t, sizeof(t), type);
	snprintf(key.key, sizeof(key.key), "%s/%s", provider, t);
	hit = c->ninst ? bsearch(&key, c->inst, c->ninst, sizeof(*c->inst), inst_cmp) : NULL;
	if (hit) {
		snprintf(gpu, n, "%s", hit->gpu_model);
		*gpus = hit->gpus;
		return *gpus > 0;
	}
	if (c->o->builtin && c->o->builtin(provider, type, gpu, n, gpus) == 1 && *gpus > 0)
		return 1;
	return 0;
}

static const char *provider_of(const char *name, char *out, size_t n)
{
	char l[64];

	lower_copy(l, sizeof(l), name);
	if (strstr(l, "amazon") || strcmp(l, "aws") == 0)
		snprintf(out, n, "aws");
	else if (strstr(l, "microsoft") || strstr(l, "azure"))
		snprintf(out, n, "azure");
	else if (strstr(l, "google") || strcmp(l, "gcp") == 0)
		snprintf(out, n, "gcp");
	else if (l[0] == '\0')
		snprintf(out, n, "unknown");
	else {
		size_t k;

		for (k = 0; l[k] && k + 1 < n && isalnum((unsigned char)l[k]); k++)
			out[k] = l[k];
		out[k] = '\0';
		if (k == 0)
			snprintf(out, n, "other");
	}
	return out;
}

/* The source index of this row's provider (cached), or -1 when too many providers. */
static int source_of(struct ctx *c)
{
	const char *p = field(c, C_PROVIDER);
	char prov[16];
	size_t i;

	if (c->prov_i >= 0 && strcmp(p, c->prov_s) == 0)
		return c->prov_i;
	provider_of(p, prov, sizeof(prov));
	for (i = 0; i < c->nsrc; i++)
		if (strcmp(c->src[i].provider, prov) == 0)
			break;
	if (i == c->nsrc) {
		if (c->nsrc == MAX_SOURCES)
			return -1;
		memset(&c->src[i], 0, sizeof(c->src[i]));
		snprintf(c->src[i].provider, sizeof(c->src[i].provider), "%s", prov);
		c->src[i].first = INT64_MAX;
		c->src[i].last_end = INT64_MIN;
		c->nsrc++;
	}
	snprintf(c->prov_s, sizeof(c->prov_s), "%s", p);
	c->prov_i = (int)i;
	return c->prov_i;
}

static int parse_time_cached(const char *s, char *cache, size_t n, int64_t *cached, int64_t *out)
{
	if (strcmp(s, cache) == 0 && cache[0]) {
		*out = *cached;
		return 0;
	}
	if (tm_parse(s, out) < 0)
		return -1;
	snprintf(cache, n, "%s", s);
	*cached = *out;
	return 0;
}

/* Hours per unit of a ConsumedUnit ("Hours", "1 Hour", "seconds", "100 Hours"); 0 = not time. */
static double unit_hours(const char *u)
{
	static const struct {
		const char *name;
		double hours;
	} units[] = {
		{ "hours", 1 }, { "hour", 1 }, { "hrs", 1 }, { "hr", 1 }, { "h", 1 },
		{ "seconds", 1.0 / 3600 }, { "second", 1.0 / 3600 }, { "s", 1.0 / 3600 },
		{ "sec", 1.0 / 3600 }, { "minutes", 1.0 / 60 }, { "minute", 1.0 / 60 },
		{ "min", 1.0 / 60 }, { "days", 24 }, { "day", 24 },
	};
	char l[48], *p = l, *end;
	double mult = 1;
	size_t i;

	lower_copy(l, sizeof(l), u);
	while (*p == ' ')
		p++;
	if (isdigit((unsigned char)*p)) {
		mult = strtod(p, &end);
		if (!(mult > 0))
			return 0;
		p = end;
		while (*p == ' ')
			p++;
	}
	/* "GPU-Hours", "Instance Hours", "GPU seconds": the last word is the unit */
	for (end = p + strlen(p); end > p && (end[-1] == ' '); end--)
		end[-1] = '\0';
	for (end = p + strlen(p); end > p && end[-1] != ' ' && end[-1] != '-'; end--)
		;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].name) == 0)
			return mult * units[i].hours;
	return 0;
}

static int model_index(struct ctx *c, const char *gpu)
{
	size_t i;

	for (i = 0; i < c->nmodels; i++)
		if (strcmp(c->models[i], gpu) == 0)
			return (int)i;
	if (c->nmodels == MAX_MODELS)
		return -1;
	snprintf(c->models[c->nmodels], sizeof(c->models[0]), "%s", gpu);
	return (int)c->nmodels++;
}

static uint64_t cell_key(int64_t hour, int src, int model)
{
	return ((uint64_t)(hour / TM_HOUR) << 16) | ((uint64_t)src << 8) | (uint64_t)model;
}

static struct cell *cell_find(struct cell *cells, size_t cap, uint64_t key)
{
	size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);

	while (cells[i].key != 0 && cells[i].key != key)
		i = (i + 1) & (cap - 1);
	return &cells[i];
}

static int cell_add(struct ctx *c, uint64_t key, double v, struct err *e)
{
	struct cell *x;

	if ((c->ncells + 1) * 2 > c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 4096, i;
		struct cell *n = err_calloc(ncap, sizeof(*n), e);

		if (n == NULL)
			return ERR_NOMEM;
		for (i = 0; i < c->cap; i++)
			if (c->cells[i].key)
				*cell_find(n, ncap, c->cells[i].key) = c->cells[i];
		free(c->cells);
		c->cells = n;
		c->cap = ncap;
	}
	x = cell_find(c->cells, c->cap, key);
	if (x->key == 0) {
		x->key = key;
		c->ncells++;
	}
	x->v += v;
	return 0;
}

/* Spreads gpu_hours evenly over the hours of [start, end). */
static int add_usage(struct ctx *c, int src, int model, int64_t start, int64_t end,
		     double gpu_hours, struct err *e)
{
	int64_t h, dur = end - start;
	int rc;

	for (h = tm_floor_hour(start); h < end; h += TM_HOUR) {
		int64_t a = h > start ? h : start, b = h + TM_HOUR < end ? h + TM_HOUR : end;

		if ((rc = cell_add(c, cell_key(h, src, model), gpu_hours * (double)(b - a) /
				   (double)dur, e)) < 0)
			return rc;
	}
	c->src[src].models[model] = 1;
	return 0;
}

static int malformed(struct ctx *c, int reason, struct err *e)
{
	struct focus_result *r = c->res;

	if (c->o->strict)
		return err_set(e, ERR_INPUT, "%s:%zu: %s (--strict)", csv_name(c->r), csv_line(c->r),
			       focus_reason_text(reason));
	if (r->malformed[reason]++ == 0)
		r->first_malformed_line[reason] = csv_line(c->r);
	return 0;
}

/* A number field; 0 ok, -1 not a number (empty is NAN, ok). */
static int number(const char *s, double *v)
{
	char *end;

	if (*s == '\0') {
		*v = NAN;
		return 0;
	}
	*v = strtod(s, &end);
	while (*end == ' ')
		end++;
	return *end == '\0' && isfinite(*v) ? 0 : -1;
}

/* Looks like an AWS instance type: "g5.xlarge", "p4d.24xlarge", "m7i-flex.large". */
static int aws_type_like(const char *s, size_t len)
{
	const char *dot = memchr(s, '.', len);
	size_t i;

	if (dot == NULL || dot == s || dot + 1 == s + len || !islower((unsigned char)s[0]))
		return 0;
	for (i = 0; i < len; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '.' &&
		    s[i] != '-')
			return 0;
	return isdigit((unsigned char)dot[-1]) || isalpha((unsigned char)dot[-1]);
}

/* GPU families, to list types the tables do not know: p2..p6, g3..g6, gr6, dl1. */
static int aws_gpu_family(const char *t)
{
	return (t[0] == 'p' && isdigit((unsigned char)t[1])) ||
	       (t[0] == 'g' && (isdigit((unsigned char)t[1]) ||
				(t[1] == 'r' && isdigit((unsigned char)t[2])))) ||
	       strncmp(t, "dl1", 3) == 0;
}

/* The instance type in "... per On Demand Linux g5.xlarge Instance Hour"; 0 when none. */
static int aws_type_from_desc(const char *d, char *out, size_t n)
{
	const char *p = strstr(d, " Instance Hour"), *q;

	if (p == NULL)
		return 0;
	for (q = p; q > d && q[-1] != ' '; q--)
		;
	if ((size_t)(p - q) >= n || !aws_type_like(q, (size_t)(p - q)))
		return 0;
	memcpy(out, q, (size_t)(p - q));
	out[p - q] = '\0';
	return 1;
}

/* A string member of a small JSON object (SKU details); 1 found, 0 not, -1 not JSON. */
static int json_member(const char *json, const char *const *keys, char *out, size_t n)
{
	char errbuf[128];
	yajl_val v = yajl_tree_parse(json, errbuf, sizeof(errbuf)), s;
	int found = 0;
	size_t i;

	if (v == NULL || !YAJL_IS_OBJECT(v)) {
		yajl_tree_free(v);
		return -1;
	}
	for (i = 0; keys[i] && !found; i++) {
		const char *path[2] = { keys[i], NULL };

		s = yajl_tree_get(v, path, yajl_t_string);
		if (s && YAJL_GET_STRING(s)[0]) {
			snprintf(out, n, "%s", YAJL_GET_STRING(s));
			found = 1;
		}
	}
	yajl_tree_free(v);
	return found;
}

/* The GPU model named in a Google SKU description ("Nvidia Tesla A100 80GB GPU ..."). */
static const char *gcp_gpu_model(const char *d)
{
	char tok[8][32], pair[64];
	const char *p = d, *g;
	size_t nt = 0, i, k;

	while (*p && nt < 8) {
		while (*p == ' ')
			p++;
		for (k = 0; *p && *p != ' '; p++)
			if (k + 1 < sizeof(tok[0]))
				tok[nt][k++] = *p;
		if (k) {
			tok[nt][k] = '\0';
			nt++;
		}
	}
	for (i = 0; i < nt; i++) {
		/* a model name starts with a letter and has a digit: "T4", "A100", "H100" */
		if (strcasecmp(tok[i], "nvidia") == 0 || strcasecmp(tok[i], "tesla") == 0 ||
		    !isalpha((unsigned char)tok[i][0]) || strpbrk(tok[i], "0123456789") == NULL)
			continue;
		/* a memory size that follows is part of the name: "A100 80GB" */
		if (i + 1 < nt && isdigit((unsigned char)tok[i + 1][0]) &&
		    strstr(tok[i + 1], "GB")) {
			snprintf(pair, sizeof(pair), "%s-%s", tok[i], tok[i + 1]);
			if ((g = providers_gpu_canonical(pair)) != NULL)
				return g;
		}
		if ((g = providers_gpu_canonical(tok[i])) != NULL)
			return g;
	}
	return NULL;
}

static int note_unmatched(struct ctx *c, const char *provider, const char *what, double hours,
			  struct err *e)
{
	const char *sku = field(c, C_SKU);
	size_t i;

	c->res->unmatched_rows++;
	for (i = 0; i < c->nunm; i++)
		if (strcmp(c->unm[i].u.sku_id, sku) == 0 &&
		    strcmp(c->unm[i].u.provider, provider) == 0)
			break;
	if (i == c->nunm) {
		if (c->nunm == MAX_UNMATCHED)
			return 0;
		if (c->nunm == c->unmcap) {
			size_t ncap = c->unmcap ? c->unmcap * 2 : 16;
			struct unm_acc *n = realloc(c->unm, ncap * sizeof(*n));

			if (n == NULL)
				return err_nomem(e);
			c->unm = n;
			c->unmcap = ncap;
		}
		memset(&c->unm[i], 0, sizeof(c->unm[i]));
		snprintf(c->unm[i].u.provider, sizeof(c->unm[i].u.provider), "%s", provider);
		snprintf(c->unm[i].u.sku_id, sizeof(c->unm[i].u.sku_id), "%s", sku);
		snprintf(c->unm[i].u.what, sizeof(c->unm[i].u.what), "%s", what);
		c->nunm++;
	}
	c->unm[i].u.rows++;
	if (isfinite(hours))
		c->unm[i].u.quantity += hours;
	return 0;
}

/* The term of a commitment in months, from its name, type, description or x_SkuTerm. */
static int term_months(struct ctx *c)
{
	const char *cols[] = { field(c, C_CD_NAME), field(c, C_CD_TYPE), field(c, C_DESC) };
	const char *t = field(c, C_SKU_TERM);
	char l[256];
	size_t i;

	if (*t && atoi(t) > 0)
		return atoi(t);
	for (i = 0; i < 3; i++) {
		lower_copy(l, sizeof(l), cols[i]);
		if (strstr(l, "3 year") || strstr(l, "3yr") || strstr(l, "3 yr") ||
		    strstr(l, "three year") || strstr(l, "36 month"))
			return 36;
		if (strstr(l, "1 year") || strstr(l, "1yr") || strstr(l, "1 yr") ||
		    strstr(l, "one year") || strstr(l, "12 month"))
			return 12;
	}
	return 0;
}

static struct commit_acc *commitment(struct ctx *c, const char *id, const char *provider,
				     struct err *e)
{
	size_t i;

	/* exports hold few commitments: a linear scan from the last one found is enough */
	for (i = c->ncom; i-- > 0;)
		if (strcmp(c->com[i].c.id, id) == 0)
			return &c->com[i];
	if (c->ncom == MAX_COMMITMENTS) {
		err_set(e, ERR_INPUT, "%s: more than %d commitments", csv_name(c->r),
			MAX_COMMITMENTS);
		return NULL;
	}
	if (c->ncom == c->comcap) {
		size_t ncap = c->comcap ? c->comcap * 2 : 16;
		struct commit_acc *n = realloc(c->com, ncap * sizeof(*n));

		if (n == NULL) {
			err_nomem(e);
			return NULL;
		}
		c->com = n;
		c->comcap = ncap;
	}
	memset(&c->com[c->ncom], 0, sizeof(c->com[0]));
	snprintf(c->com[c->ncom].c.id, sizeof(c->com[0].c.id), "%s", id);
	snprintf(c->com[c->ncom].c.provider, sizeof(c->com[0].c.provider), "%s", provider);
	c->com[c->ncom].first = INT64_MAX;
	c->com[c->ncom].last_end = INT64_MIN;
	return &c->com[c->ncom++];
}

/* One data row. Returns 0 (counted or skipped) or a negative error. */
static int do_row(struct ctx *c, struct err *e)
{
	struct focus_result *res = c->res;
	const char *cat, *cd_id, *status, *provider;
	char type[96] = "", gpu[32] = "", what[96] = "";
	int src, gpus = 0, model, gpu_like = 0, fee = 0, unused, rc;
	int64_t start, end;
	double qty, hours_per, inst_hours, cost = NAN;
	struct commit_acc *ca = NULL;

	if (csv_nfields(c->r) != c->nheader)
		return malformed(c, FOCUS_BAD_FIELDS, e);
	cat = field(c, C_CATEGORY);
	cd_id = field(c, C_CD_ID);
	if (strcasecmp(cat, "Usage") != 0 || strcasecmp(field(c, C_CLASS), "Correction") == 0) {
		res->not_usage++;
		/* a purchase row still names the commitment bought */
		if (*cd_id && strcasecmp(cat, "Purchase") == 0 && (src = source_of(c)) >= 0 &&
		    commitment(c, cd_id, c->src[src].provider, e) == NULL)
			return ERR_INPUT;
		return 0;
	}
	if ((src = source_of(c)) < 0)
		return 0;
	provider = c->src[src].provider;
	if (parse_time_cached(field(c, C_START), c->start_s, sizeof(c->start_s), &c->start_t,
			      &start) < 0 ||
	    parse_time_cached(field(c, C_END), c->end_s, sizeof(c->end_s), &c->end_t, &end) < 0 ||
	    !(start < end) || end - start > MAX_PERIOD || start < MIN_TIME || end > MAX_TIME)
		return malformed(c, FOCUS_BAD_PERIOD, e);
	/* the window this export covers for its provider: re-importing it replaces */
	if (start < c->src[src].first)
		c->src[src].first = start;
	if (end > c->src[src].last_end)
		c->src[src].last_end = end;

	status = field(c, C_CD_STATUS);
	unused = strcasecmp(status, "Unused") == 0;
	/* what ran: an instance type (AWS, Azure) or a GPU SKU (Google) */
	if (strcmp(provider, "aws") == 0) {
		const char *ut = field(c, C_USAGE_TYPE), *colon;

		if (*ut) {
			if ((colon = strchr(ut, ':')) == NULL)
				return 0;
			if (strstr(ut, "HeavyUsage") != NULL)
				fee = 1;	/* the RI's own fee, not capacity running */
			else if (strstr(ut, "BoxUsage") == NULL && strstr(ut, "SpotUsage") == NULL &&
				 strstr(ut, "DedicatedUsage") == NULL &&
				 strstr(ut, "HostUsage") == NULL)
				return 0;
			snprintf(type, sizeof(type), "%s", colon + 1);
		} else if (!aws_type_from_desc(field(c, C_DESC), type, sizeof(type))) {
			static const char *const keys[] = { "InstanceType", "x_InstanceType",
							    "instanceType", "instance_type", NULL };
			const char *d = field(c, C_SKU_PRICE_DETAILS);

			if (*d == '\0' || strstr(d, "nstance") == NULL ||
			    json_member(d, keys, type, sizeof(type)) != 1)
				return 0;
		}
		gpu_like = aws_gpu_family(type);
	} else if (strcmp(provider, "azure") == 0) {
		static const char *const keys[] = { "ServiceType", "VMSize", "ArmSkuName", NULL };
		const char *d = field(c, C_SKU_DETAILS);
		int j;

		if (*d == '\0' || (strstr(d, "ServiceType") == NULL && strstr(d, "VMSize") == NULL &&
				       strstr(d, "ArmSkuName") == NULL))
			return 0;
		if ((j = json_member(d, keys, type, sizeof(type))) < 0)
			return malformed(c, FOCUS_BAD_SKU_DETAILS, e);
		if (j == 0)
			return 0;
		gpu_like = strncasecmp(type, "Standard_N", 10) == 0;
	} else if (strcmp(provider, "gcp") == 0) {
		const char *d = field(c, C_DESC), *g;

		if (strstr(d, "GPU") == NULL)
			return 0;
		/* a CUD's own fee ("Commitment v1: Nvidia L4 GPU in Americas for 1 Year") */
		if (strncasecmp(d, "Commitment", 10) == 0)
			fee = 1;
		gpu_like = 1;
		snprintf(what, sizeof(what), "%s", d);
		if ((g = gcp_gpu_model(d)) != NULL) {
			snprintf(gpu, sizeof(gpu), "%s", g);
			snprintf(type, sizeof(type), "%s", g);
			gpus = 1;
		}
	} else {
		if (!aws_type_from_desc(field(c, C_DESC), type, sizeof(type)))
			return 0;
	}

	if (gpus == 0 && type[0] && !lookup_instance(c, provider, type, gpu, sizeof(gpu), &gpus))
		gpus = 0;
	if (what[0] == '\0')
		snprintf(what, sizeof(what), "%s", type);

	/* quantity in instance-hours; unused commitment rows carry none (FOCUS 1.0 says null) */
	if (number(field(c, C_QTY), &qty) < 0 || qty < 0)
		return gpu_like || gpus ? malformed(c, FOCUS_BAD_QUANTITY, e) : 0;
	if (isnan(qty) && (unused || fee)) {
		if (number(field(c, C_PRICING_QTY), &qty) < 0 || !(qty >= 0))
			qty = 0;
		hours_per = unit_hours(field(c, C_PRICING_UNIT));
	} else {
		hours_per = unit_hours(field(c, C_UNIT));
	}
	if (isnan(qty))
		qty = 0;
	if (hours_per == 0) {
		if (gpus == 0 && !gpu_like)
			return 0;
		if (unused || fee)
			hours_per = 0;
		else
			return malformed(c, FOCUS_BAD_UNIT, e);
	}
	inst_hours = qty * hours_per;
	/* the usage CSV's bound: at most 1e7 GPUs (instances, when not known) all the period */
	if (inst_hours * (gpus ? gpus : 1) > MAX_GPUS * (double)(end - start) / TM_HOUR)
		return malformed(c, FOCUS_BAD_QUANTITY, e);

	if (*cd_id) {
		/*
		 * The commitment's effective price is its rows' cost over their hours: a
		 * negative cost (-50) or 1e308 became a price of -50 or 1e308 USD an hour
		 * that the planner counts as owned capacity. The offerings CSV's bound holds.
		 */
		if (number(field(c, C_EFFECTIVE), &cost) < 0 || cost < 0 ||
		    cost > MAX_HOURLY * MAX_GPUS * (double)(end - start) / TM_HOUR ||
		    (inst_hours > 0 && cost / inst_hours > MAX_HOURLY))
			return malformed(c, FOCUS_BAD_COST, e);
		if ((ca = commitment(c, cd_id, provider, e)) == NULL)
			return ERR_INPUT;
	}
	if (gpus == 0) {
		if (gpu_like && !fee && !unused && (rc = note_unmatched(c, provider, what,
									 inst_hours, e)) < 0)
			return rc;
		return 0;	/* not a GPU instance: a CPU commitment stays out of the list */
	}
	if (ca) {
		struct store_commitment *k = &ca->c;

		if (k->gpu_model[0] == '\0') {
			snprintf(k->gpu_model, sizeof(k->gpu_model), "%s", gpu);
			snprintf(k->instance_type, sizeof(k->instance_type), "%s", type);
			k->gpus_per_instance = gpus;
			snprintf(k->region, sizeof(k->region), "%s", field(c, C_REGION));
			snprintf(k->category, sizeof(k->category), "%s", field(c, C_CD_CATEGORY));
			snprintf(k->type, sizeof(k->type), "%s", field(c, C_CD_TYPE));
			snprintf(k->source, sizeof(k->source), "focus:%s", provider);
		} else if (strcasecmp(k->instance_type, type) != 0) {
			ca->mixed = 1;
		}
		if (k->term_months == 0)
			k->term_months = term_months(c);
		/*
		 * A fee row (AWS HeavyUsage, Google "Commitment v1: ...") only names the
		 * commitment: its cost is amortized into the usage and unused rows already.
		 */
		if (!fee || unused) {
			if (unused)
				k->unused_hours += inst_hours;
			else
				k->used_hours += inst_hours;
			if (isfinite(cost))
				ca->cost += cost;
			if (start < ca->first)
				ca->first = start;
			if (end > ca->last_end)
				ca->last_end = end;
		}
	}
	if (unused || fee) {
		res->commitment_fees++;
		return 0;
	}
	if (end - start >= TM_DAY)
		c->src[src].spread_daily = 1;
	if ((model = model_index(c, gpu)) < 0)
		return err_set(e, ERR_INPUT, "%s: more than %d GPU models", csv_name(c->r),
			       MAX_MODELS);
	res->gpu_rows++;
	res->gpu_hours += inst_hours * gpus;
	res->gpu_hours_by_pricing[pricing_of(field(c, C_PRICING_CAT))] += inst_hours * gpus;
	return add_usage(c, src, model, start, end, inst_hours * gpus, e);
}

static int row_cmp(const void *a, const void *b)
{
	const struct store_usage_row *x = a, *y = b;
	int k = strcmp(x->gpu_model, y->gpu_model);

	return k ? k : (x->ts > y->ts) - (x->ts < y->ts);
}

static int unm_cmp(const void *a, const void *b)
{
	const struct focus_unmatched *x = a, *y = b;

	if (x->rows != y->rows)
		return x->rows < y->rows ? 1 : -1;
	return strcmp(x->sku_id, y->sku_id);
}

/* Dense hourly rows per source: every hour of its window for every model it had. */
static int finish(struct ctx *c, struct err *e)
{
	struct focus_result *res = c->res;
	size_t i, m, k;

	if ((res->sources = err_calloc(c->nsrc ? c->nsrc : 1, sizeof(*res->sources), e)) == NULL)
		return ERR_NOMEM;
	for (i = 0; i < c->nsrc; i++) {
		struct src_acc *s = &c->src[i];
		struct focus_source *o = &res->sources[res->nsources];
		size_t nm = 0, hours;
		int64_t h;

		if (s->first == INT64_MAX)
			continue;	/* no usage rows at all */
		res->nsources++;
		snprintf(o->name, sizeof(o->name), "focus:%s", s->provider);
		o->from = tm_floor_hour(s->first);
		o->to = tm_floor_hour(s->last_end - 1);
		o->spread_daily = s->spread_daily;
		for (m = 0; m < c->nmodels; m++)
			nm += s->models[m];
		hours = (size_t)((o->to - o->from) / TM_HOUR) + 1;
		if (nm == 0)
			continue;
		if (hours > 24u * 366 * 5)
			return err_set(e, ERR_INPUT, "%s: %s usage spans more than 5 years",
				       csv_name(c->r), s->provider);
		if ((o->rows = err_calloc(nm * hours, sizeof(*o->rows), e)) == NULL)
			return ERR_NOMEM;
		for (m = 0; m < c->nmodels; m++) {
			if (!s->models[m])
				continue;
			for (h = o->from, k = 0; k < hours; k++, h += TM_HOUR) {
				struct store_usage_row *r = &o->rows[o->nrows++];
				struct cell *x = c->cap ? cell_find(c->cells, c->cap,
								    cell_key(h, (int)i, (int)m)) : NULL;

				r->ts = h;
				snprintf(r->gpu_model, sizeof(r->gpu_model), "%s", c->models[m]);
				/* a bill is complete for its window: an hour without rows ran none */
				r->gpus = x && x->key ? x->v : 0;
			}
		}
		qsort(o->rows, o->nrows, sizeof(*o->rows), row_cmp);
	}
	/* commitments: the window seen gives the average count and the prices */
	if (c->ncom && (res->commitments = err_calloc(c->ncom, sizeof(*res->commitments), e)) ==
	    NULL)
		return ERR_NOMEM;
	for (i = 0; i < c->ncom; i++) {
		struct commit_acc *a = &c->com[i];
		struct store_commitment *sc = &res->commitments[res->ncommitments];
		double window, inst;

		if (a->c.gpu_model[0] == '\0' || a->first == INT64_MAX) {
			res->other_commitments++;
			continue;
		}
		*sc = a->c;
		if (a->mixed)
			sc->instance_type[0] = '\0';
		sc->first_seen = tm_floor_hour(a->first);
		sc->last_seen = tm_floor_hour(a->last_end - 1);
		window = (double)(a->last_end - a->first) / TM_HOUR;
		inst = sc->used_hours + sc->unused_hours;
		sc->instances = window > 0 ? inst / window : 0;
		sc->effective_hourly = inst > 0 ? a->cost / inst : NAN;
		sc->spend_hourly = window > 0 ? a->cost / window : NAN;
		sc->expires_by = sc->term_months ?
			sc->first_seen + (int64_t)sc->term_months * 365 * TM_DAY / 12 : 0;
		sc->imported_at = c->o->imported_at;
		res->ncommitments++;
	}
	if (c->nunm) {
		if ((res->unmatched = err_calloc(c->nunm, sizeof(*res->unmatched), e)) == NULL)
			return ERR_NOMEM;
		for (i = 0; i < c->nunm; i++)
			res->unmatched[i] = c->unm[i].u;
		res->nunmatched = c->nunm;
		qsort(res->unmatched, res->nunmatched, sizeof(*res->unmatched), unm_cmp);
	}
	return 0;
}

static int read_all(struct focus_result **out, csv_reader *r, const char *path,
		    const struct focus_opts *o, struct err *e);

int focus_read(struct focus_result **out, const char *path, const struct focus_opts *o,
	       struct err *e)
{
	csv_reader *r = NULL;
	int rc;

	*out = NULL;
	if ((rc = csv_open(&r, path, e)) < 0)
		return rc;
	return read_all(out, r, path, o, e);
}

int focus_read_mem(struct focus_result **out, const char *data, size_t len, const char *name,
		   const struct focus_opts *o, struct err *e)
{
	csv_reader *r = NULL;
	int rc;

	*out = NULL;
	if ((rc = csv_open_mem(&r, data, len, name, e)) < 0)
		return rc;
	return read_all(out, r, name, o, e);
}

/* Reads the export from r (which it frees). */
static int read_all(struct focus_result **out, csv_reader *r, const char *path,
		    const struct focus_opts *o, struct err *e)
{
	struct ctx c;
	struct focus_result *res = NULL;
	int rc, k;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.o = o;
	c.prov_i = -1;
	if ((res = err_calloc(1, sizeof(*res), e)) == NULL) {
		csv_free(r);
		return ERR_NOMEM;
	}
	c.res = res;
	c.r = r;
	if ((rc = build_catalog(&c, e)) < 0)
		goto out;
	if ((rc = csv_next(c.r, e)) < 0)
		goto out;
	if (rc == 0) {
		rc = err_set(e, ERR_INPUT, "%s: empty: no FOCUS header", path);
		goto out;
	}
	for (k = 0; k < NCOLS; k++)
		c.col[k] = csv_find(c.r, col_names[k]);
	c.nheader = csv_nfields(c.r);
	for (k = C_CATEGORY; k <= C_UNIT; k++) {
		if (c.col[k] < 0) {
			rc = err_set(e, ERR_INPUT, "%s:1: no \"%s\" column: not a FOCUS export",
				     path, col_names[k]);
			goto out;
		}
	}
	if (c.col[C_PROVIDER] < 0) {
		rc = err_set(e, ERR_INPUT, "%s:1: no \"ProviderName\" column: not a FOCUS export",
			     path);
		goto out;
	}
	while ((rc = csv_next(c.r, e)) == 1) {
		res->rows++;
		if ((rc = do_row(&c, e)) < 0)
			goto out;
	}
	if (rc < 0)
		goto out;
	if ((rc = finish(&c, e)) < 0)
		goto out;
	*out = res;
	res = NULL;
out:
	focus_result_free(res);
	csv_free(c.r);
	free(c.inst);
	free(c.cells);
	free(c.com);
	free(c.unm);
	return rc;
}

void focus_result_free(struct focus_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nsources; i++)
		free(r->sources[i].rows);
	free(r->sources);
	free(r->commitments);
	free(r->unmatched);
	free(r);
}
