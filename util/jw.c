#include "util/jw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

struct jw {
	yajl_gen g;
	int failed;
};

jw *jw_new(int pretty)
{
	jw *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	if ((w->g = yajl_gen_alloc(NULL)) == NULL) {
		free(w);
		return NULL;
	}
	if (pretty) {
		yajl_gen_config(w->g, yajl_gen_beautify, 1);
		yajl_gen_config(w->g, yajl_gen_indent_string, "  ");
	}
	return w;
}

void jw_free(jw *w)
{
	if (w == NULL)
		return;
	yajl_gen_free(w->g);
	free(w);
}

static void check(jw *w, yajl_gen_status st)
{
	if (st != yajl_gen_status_ok)
		w->failed = 1;
}

void jw_obj(jw *w) { check(w, yajl_gen_map_open(w->g)); }
void jw_obj_end(jw *w) { check(w, yajl_gen_map_close(w->g)); }
void jw_arr(jw *w) { check(w, yajl_gen_array_open(w->g)); }
void jw_arr_end(jw *w) { check(w, yajl_gen_array_close(w->g)); }
void jw_null(jw *w) { check(w, yajl_gen_null(w->g)); }
void jw_bool(jw *w, int v) { check(w, yajl_gen_bool(w->g, v != 0)); }

void jw_key(jw *w, const char *k)
{
	check(w, yajl_gen_string(w->g, (const unsigned char *)k, strlen(k)));
}

void jw_str(jw *w, const char *s)
{
	if (s == NULL)
		jw_null(w);
	else
		check(w, yajl_gen_string(w->g, (const unsigned char *)s, strlen(s)));
}

void jw_format_number(double v, char *out, size_t n)
{
	int prec;

	if (v == 0) {
		snprintf(out, n, "0");
		return;
	}
	for (prec = 15; prec <= 17; prec++) {
		snprintf(out, n, "%.*g", prec, v);
		if (strtod(out, NULL) == v)
			break;
	}
}

void jw_num(jw *w, double v)
{
	char b[40];

	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	jw_format_number(v, b, sizeof(b));
	check(w, yajl_gen_number(w->g, b, strlen(b)));
}

void jw_money(jw *w, double usd)
{
	jw_num(w, isfinite(usd) ? round(usd * 1e6) / 1e6 : usd);
}

void jw_kmoney(jw *w, const char *k, double usd)
{
	jw_key(w, k);
	jw_money(w, usd);
}

void jw_int(jw *w, int64_t v)
{
	check(w, yajl_gen_integer(w->g, (long long)v));
}

void jw_kstr(jw *w, const char *k, const char *s) { jw_key(w, k); jw_str(w, s); }
void jw_knum(jw *w, const char *k, double v) { jw_key(w, k); jw_num(w, v); }
void jw_kint(jw *w, const char *k, int64_t v) { jw_key(w, k); jw_int(w, v); }
void jw_kbool(jw *w, const char *k, int v) { jw_key(w, k); jw_bool(w, v); }

int jw_failed(const jw *w)
{
	return w == NULL || w->failed;
}

const char *jw_text(jw *w, size_t *len)
{
	const unsigned char *p;
	size_t l;

	if (jw_failed(w) || yajl_gen_get_buf(w->g, &p, &l) != yajl_gen_status_ok)
		return NULL;
	if (len)
		*len = l;
	return (const char *)p;
}

int jw_write(jw *w, FILE *f, struct err *e)
{
	size_t len;
	const char *t = jw_text(w, &len);

	if (t == NULL)
		return err_set(e, ERR_RUNTIME, "building JSON output failed");
	fwrite(t, 1, len, f);
	if (len == 0 || t[len - 1] != '\n')
		fputc('\n', f);
	return 0;
}
