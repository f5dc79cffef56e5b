/* The CSV contracts: offerings in, offerings out, usage in. */
#include "planner/load.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/tm.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char load_offerings_header[] =
	"provider,region,instance_type,gpu_model,gpus_per_instance,vcpus,memory_gib,"
	"ondemand_hourly,spot_hourly,reserved_1y_hourly,reserved_3y_hourly,spot_interruption_rate";

enum { O_PROVIDER, O_REGION, O_TYPE, O_GPU, O_GPUS, O_VCPUS, O_MEM, O_OD, O_SPOT, O_R1Y,
       O_R3Y, O_RATE, O_NCOLS };
static const char *const offer_cols[O_NCOLS] = {
	"provider", "region", "instance_type", "gpu_model", "gpus_per_instance", "vcpus",
	"memory_gib", "ondemand_hourly", "spot_hourly", "reserved_1y_hourly",
	"reserved_3y_hourly", "spot_interruption_rate"
};
/* the columns a row cannot do without */
static const int offer_required[O_NCOLS] = { 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0 };

int load_header_once(const csv_reader *r, const char *name, int col, const char *path,
		     struct err *e)
{
	if (col >= 0 && csv_find_after(r, name, col) >= 0)
		return err_set(e, ERR_INPUT, "%s:%zu: \"%s\" is a column twice in the header: "
			       "which one holds the values?", path, csv_line(r), name);
	return 0;
}

int load_number(const char *s, double *v)
{
	char *end;
	const char *p = s;
	size_t len;

	while (*p == ' ' || *p == '\t')
		p++;
	len = strlen(p);
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len == 0) {
		*v = NAN;
		return 1;
	}
	errno = 0;
	*v = strtod(p, &end);
	if (end != p + len || errno == ERANGE || !isfinite(*v) ||
	    /* strtod takes hex and "inf": the contract is decimal numbers */
	    strpbrk(p, "xXnN") != NULL)
		return -1;
	return 0;
}

static void trim_copy(char *dst, size_t n, const char *src)
{
	size_t len;

	while (*src == ' ' || *src == '\t')
		src++;
	len = strlen(src);
	while (len && isspace((unsigned char)src[len - 1]))
		len--;
	if (len >= n)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

void load_gpu_name(const char *raw, char *out, size_t n)
{
	char t[96];
	const char *c;

	trim_copy(t, sizeof(t), raw);
	c = providers_gpu_canonical(t);
	snprintf(out, n, "%s", c ? c : t);
}

static int text_field(const csv_reader *r, int col, const char *name, char *dst, size_t n,
		      struct err *e)
{
	const char *s = csv_field(r, (size_t)col);
	size_t i;

	trim_copy(dst, n, s);
	if (strlen(s) >= n)
		return err_set(e, ERR_INPUT, "%s:%zu: \"%s\" is longer than %zu characters",
			       csv_name(r), csv_line(r), name, n - 1);
	for (i = 0; dst[i]; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
			return err_set(e, ERR_INPUT, "%s:%zu: \"%s\" has a control character",
				       csv_name(r), csv_line(r), name);
	return 0;
}

static int number_field(const csv_reader *r, int col, const char *name, double *v,
			struct err *e)
{
	if (col < 0) {
		*v = NAN;
		return 0;
	}
	if (load_number(csv_field(r, (size_t)col), v) < 0)
		return err_set(e, ERR_INPUT, "%s:%zu: \"%s\" is \"%s\", not a number", csv_name(r),
			       csv_line(r), name, csv_field(r, (size_t)col));
	return 0;
}

static int whole_field(const csv_reader *r, int col, const char *name, int *v, int required,
		       struct err *e)
{
	double d;
	int rc;

	*v = 0;
	if (col < 0)
		return 0;
	rc = load_number(csv_field(r, (size_t)col), &d);
	if (rc == 1 && !required)
		return 0;
	if (rc != 0 || d != floor(d) || d < 0 || d > 1e6)
		return err_set(e, ERR_INPUT, "%s:%zu: \"%s\" is \"%s\", not a whole number",
			       csv_name(r), csv_line(r), name, csv_field(r, (size_t)col));
	*v = (int)d;
	return 0;
}

static int check_columns(const csv_reader *r, int nc, size_t nfields, struct err *e)
{
	/* a short row means a lost comma: never guess which column is missing */
	if (csv_nfields(r) < nfields)
		return err_set(e, ERR_INPUT, "%s:%zu: %zu fields where the header has %zu",
			       csv_name(r), csv_line(r), csv_nfields(r), nfields);
	(void)nc;
	return 0;
}

int load_offerings_csv(const char *path, struct offering **out, size_t *n, struct err *e)
{
	csv_reader *r = NULL;
	struct offering *v = NULL, *tmp;
	size_t len = 0, cap = 0, nheader, i, j;
	int col[O_NCOLS], rc;

	*out = NULL;
	*n = 0;
	if ((rc = csv_open(&r, path, e)) < 0)
		goto out;
	if ((rc = csv_next(r, e)) <= 0) {
		if (rc == 0)
			rc = err_set(e, ERR_INPUT, "%s: empty file: expected the header \"%s\"", path,
				     load_offerings_header);
		goto out;
	}
	nheader = csv_nfields(r);
	for (i = 0; i < O_NCOLS; i++) {
		col[i] = csv_find(r, offer_cols[i]);
		if (col[i] < 0 && offer_required[i]) {
			rc = err_set(e, ERR_INPUT, "%s:%zu: no \"%s\" column in the header", path,
				     csv_line(r), offer_cols[i]);
			goto out;
		}
		if ((rc = load_header_once(r, offer_cols[i], col[i], path, e)) < 0)
			goto out;
	}
	while ((rc = csv_next(r, e)) == 1) {
		struct offering *o;
		char id[256];

		/* a comment row ("# source: ...") documents where prices come from */
		if (csv_field(r, 0)[0] == '#')
			continue;
		if ((rc = check_columns(r, O_NCOLS, nheader, e)) < 0)
			goto out;
		if ((tmp = buf_grow_array(v, &cap, len + 1, sizeof(*v))) == NULL) {
			rc = err_nomem(e);
			goto out;
		}
		v = tmp;
		o = &v[len];
		memset(o, 0, sizeof(*o));
		if ((rc = text_field(r, col[O_PROVIDER], "provider", o->provider,
				     sizeof(o->provider), e)) < 0 ||
		    (rc = text_field(r, col[O_REGION], "region", o->region, sizeof(o->region),
				     e)) < 0 ||
		    (rc = text_field(r, col[O_TYPE], "instance_type", o->instance_type,
				     sizeof(o->instance_type), e)) < 0 ||
		    (rc = text_field(r, col[O_GPU], "gpu_model", o->gpu_model,
				     sizeof(o->gpu_model), e)) < 0)
			goto out;
		for (j = 0; o->provider[j]; j++)
			o->provider[j] = (char)tolower((unsigned char)o->provider[j]);
		load_gpu_name(o->gpu_model, o->gpu_model, sizeof(o->gpu_model));
		if ((rc = whole_field(r, col[O_GPUS], "gpus_per_instance", &o->gpus, 1, e)) < 0 ||
		    (rc = whole_field(r, col[O_VCPUS], "vcpus", &o->vcpus, 0, e)) < 0 ||
		    (rc = number_field(r, col[O_MEM], "memory_gib", &o->memory_gib, e)) < 0 ||
		    (rc = number_field(r, col[O_OD], "ondemand_hourly", &o->ondemand, e)) < 0 ||
		    (rc = number_field(r, col[O_SPOT], "spot_hourly", &o->spot, e)) < 0 ||
		    (rc = number_field(r, col[O_R1Y], "reserved_1y_hourly", &o->reserved_1y,
				       e)) < 0 ||
		    (rc = number_field(r, col[O_R3Y], "reserved_3y_hourly", &o->reserved_3y,
				       e)) < 0 ||
		    (rc = number_field(r, col[O_RATE], "spot_interruption_rate",
				       &o->spot_interruption, e)) < 0)
			goto out;
		if (isnan(o->memory_gib))
			o->memory_gib = 0;
		if ((rc = providers_offering_check(o, e)) < 0) {
			err_wrap(e, "%s:%zu", path, csv_line(r));
			goto out;
		}
		providers_offering_id(o, id, sizeof(id));
		for (j = 0; j < len; j++) {
			if (strcmp(v[j].provider, o->provider) == 0 &&
			    strcmp(v[j].region, o->region) == 0 &&
			    strcmp(v[j].instance_type, o->instance_type) == 0) {
				rc = err_set(e, ERR_INPUT, "%s:%zu: offering \"%s\" appears twice",
					     path, csv_line(r), id);
				goto out;
			}
		}
		len++;
	}
	if (rc < 0)
		goto out;
	if (len == 0) {
		rc = err_set(e, ERR_INPUT, "%s: no offerings after the header", path);
		goto out;
	}
	*out = v;
	*n = len;
	v = NULL;
	rc = 0;
out:
	free(v);
	csv_free(r);
	return rc;
}

static void write_price(FILE *f, double v)
{
	fputc(',', f);
	if (!isnan(v))
		fprintf(f, "%.17g", v);
}

int load_offerings_write(FILE *f, const struct offering *v, size_t n, struct err *e)
{
	size_t i;

	fprintf(f, "%s\n", load_offerings_header);
	for (i = 0; i < n; i++) {
		csv_write_field(f, v[i].provider);
		fputc(',', f);
		csv_write_field(f, v[i].region);
		fputc(',', f);
		csv_write_field(f, v[i].instance_type);
		fputc(',', f);
		csv_write_field(f, v[i].gpu_model);
		fprintf(f, ",%d,", v[i].gpus);
		if (v[i].vcpus)
			fprintf(f, "%d", v[i].vcpus);
		fputc(',', f);
		if (v[i].memory_gib)
			fprintf(f, "%.17g", v[i].memory_gib);
		write_price(f, v[i].ondemand);
		write_price(f, v[i].spot);
		write_price(f, v[i].reserved_1y);
		write_price(f, v[i].reserved_3y);
		write_price(f, v[i].spot_interruption);
		fputc('\n', f);
	}
	if (ferror(f))
		return err_set(e, ERR_RUNTIME, "writing offerings: %s", strerror(errno));
	return 0;
}

/* qsort has no context argument in C11: the rows being ordered by index */
static const struct store_usage_row *dup_rows;

static int cmp_usage(const void *a, const void *b)
{
	const struct store_usage_row *x = a, *y = b;
	int c = strcmp(x->gpu_model, y->gpu_model);

	if (c)
		return c;
	return (x->ts > y->ts) - (x->ts < y->ts);
}

static int cmp_index(const void *a, const void *b)
{
	return cmp_usage(&dup_rows[*(const size_t *)a], &dup_rows[*(const size_t *)b]);
}

/* Finds two rows for the same (gpu_model, hour) and names both lines. */
static int check_duplicates(const char *path, const struct store_usage_row *v,
			    const size_t *lines, size_t len, struct err *e)
{
	size_t *order = malloc(len * sizeof(*order)), i;
	int rc = 0;

	if (order == NULL)
		return err_nomem(e);
	for (i = 0; i < len; i++)
		order[i] = i;
	dup_rows = v;
	qsort(order, len, sizeof(*order), cmp_index);
	dup_rows = NULL;
	for (i = 1; i < len; i++) {
		const struct store_usage_row *a = &v[order[i - 1]], *b = &v[order[i]];

		if (a->ts == b->ts && strcmp(a->gpu_model, b->gpu_model) == 0) {
			char ts[TM_ISO_LEN];
			size_t l1 = lines[order[i - 1]], l2 = lines[order[i]];

			tm_format(a->ts, ts);
			rc = err_set(e, ERR_INPUT, "%s:%zu: %s %s appears twice (first at line %zu)",
				     path, l1 > l2 ? l1 : l2, ts, a->gpu_model, l1 < l2 ? l1 : l2);
			break;
		}
	}
	free(order);
	return rc;
}

int load_usage_csv(const char *path, struct store_usage_row **out, size_t *n, struct err *e)
{
	csv_reader *r = NULL;
	struct store_usage_row *v = NULL, *tmp;
	size_t *lines = NULL, *ltmp;
	size_t len = 0, cap = 0, nheader;
	int cts, cgpu, cval, rc;

	*out = NULL;
	*n = 0;
	if ((rc = csv_open(&r, path, e)) < 0)
		goto out;
	if ((rc = csv_next(r, e)) <= 0) {
		if (rc == 0)
			rc = err_set(e, ERR_INPUT, "%s: empty file: expected the header "
				     "\"timestamp,gpu_model,gpus\"", path);
		goto out;
	}
	nheader = csv_nfields(r);
	cts = csv_find(r, "timestamp");
	cgpu = csv_find(r, "gpu_model");
	cval = csv_find(r, "gpus");
	if (cts < 0 || cgpu < 0 || cval < 0) {
		rc = err_set(e, ERR_INPUT, "%s:%zu: the header must have \"timestamp\", \"gpu_model\" "
			     "and \"gpus\" columns", path, csv_line(r));
		goto out;
	}
	if ((rc = load_header_once(r, "timestamp", cts, path, e)) < 0 ||
	    (rc = load_header_once(r, "gpu_model", cgpu, path, e)) < 0 ||
	    (rc = load_header_once(r, "gpus", cval, path, e)) < 0)
		goto out;
	while ((rc = csv_next(r, e)) == 1) {
		struct store_usage_row *u;
		double g;

		if (csv_field(r, 0)[0] == '#')
			continue;
		if ((rc = check_columns(r, 3, nheader, e)) < 0)
			goto out;
		if (len == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((tmp = realloc(v, cap * sizeof(*v))) == NULL ||
			    (v = tmp, (ltmp = realloc(lines, cap * sizeof(*lines))) == NULL)) {
				rc = err_nomem(e);
				goto out;
			}
			lines = ltmp;
		}
		u = &v[len];
		if (tm_parse(csv_field(r, (size_t)cts), &u->ts) < 0) {
			rc = err_set(e, ERR_INPUT, "%s:%zu: \"timestamp\" is \"%s\", not an ISO 8601 "
				     "UTC time such as 2026-12-01T00:00:00Z", path, csv_line(r),
				     csv_field(r, (size_t)cts));
			goto out;
		}
		/* a year 1 or 9999 row would make every later read span millennia: refuse it */
		if (u->ts < LOAD_MIN_TIME || u->ts >= LOAD_MAX_TIME) {
			rc = err_set(e, ERR_INPUT, "%s:%zu: \"timestamp\" %s is outside 2000-2099", path,
				     csv_line(r), csv_field(r, (size_t)cts));
			goto out;
		}
		if (u->ts % 3600 != 0) {
			rc = err_set(e, ERR_INPUT, "%s:%zu: \"timestamp\" %s is not on the hour", path,
				     csv_line(r), csv_field(r, (size_t)cts));
			goto out;
		}
		if ((rc = text_field(r, cgpu, "gpu_model", u->gpu_model, sizeof(u->gpu_model),
				     e)) < 0)
			goto out;
		if (u->gpu_model[0] == '\0' || strchr(u->gpu_model, ' ') ||
		    strchr(u->gpu_model, '/')) {
			rc = err_set(e, ERR_INPUT, "%s:%zu: \"gpu_model\" is empty or has spaces or "
				     "slashes", path, csv_line(r));
			goto out;
		}
		load_gpu_name(u->gpu_model, u->gpu_model, sizeof(u->gpu_model));
		if (load_number(csv_field(r, (size_t)cval), &g) != 0 || g < 0 || g > 1e7) {
			rc = err_set(e, ERR_INPUT, "%s:%zu: \"gpus\" is \"%s\", not a number of GPUs "
				     "(0 or more)", path, csv_line(r), csv_field(r, (size_t)cval));
			goto out;
		}
		u->gpus = g;
		lines[len] = csv_line(r);
		len++;
	}
	if (rc < 0)
		goto out;
	if (len == 0) {
		rc = err_set(e, ERR_INPUT, "%s: no usage rows after the header", path);
		goto out;
	}
	/* a file that says two things of one hour is wrong: say where, never pick one */
	if ((rc = check_duplicates(path, v, lines, len, e)) < 0)
		goto out;
	qsort(v, len, sizeof(*v), cmp_usage);
	*out = v;
	*n = len;
	v = NULL;
	rc = 0;
out:
	free(v);
	free(lines);
	csv_free(r);
	return rc;
}
