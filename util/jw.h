#ifndef UTIL_JW_H
#define UTIL_JW_H
/*
 * A JSON writer over yajl_gen: numbers in their shortest round-trip form, NAN as null,
 * strings escaped by yajl. Errors are sticky: check jw_failed() (or the jw_finish result)
 * once at the end.
 */
#include <stdint.h>
#include <stdio.h>

#include "util/err.h"

typedef struct jw jw;

/* pretty: indent with two spaces. Returns NULL when out of memory. */
jw *jw_new(int pretty);
void jw_free(jw *w);
void jw_obj(jw *w);
void jw_obj_end(jw *w);
void jw_arr(jw *w);
void jw_arr_end(jw *w);
void jw_key(jw *w, const char *k);
void jw_str(jw *w, const char *s);	/* NULL writes null */
void jw_num(jw *w, double v);		/* NAN or infinities write null */
void jw_int(jw *w, int64_t v);
void jw_bool(jw *w, int v);
void jw_null(jw *w);
/*
 * A sum of money in USD: rounded to a millionth of a dollar, so that sums of hourly prices
 * print as 263.8196 and not as the 263.81959999999992 a double holds.
 */
void jw_money(jw *w, double usd);
void jw_kmoney(jw *w, const char *k, double usd);
/* key + value in one call */
void jw_kstr(jw *w, const char *k, const char *s);
void jw_knum(jw *w, const char *k, double v);
void jw_kint(jw *w, const char *k, int64_t v);
void jw_kbool(jw *w, const char *k, int v);
int jw_failed(const jw *w);
/* The text so far (borrowed), NULL after a failure. */
const char *jw_text(jw *w, size_t *len);
/* Writes the text and a newline to f. */
int jw_write(jw *w, FILE *f, struct err *e);
/* Formats v as JSON would: the shortest text that reads back to the same double. */
void jw_format_number(double v, char *out, size_t n);

#endif
