#ifndef PLANNER_LOAD_H
#define PLANNER_LOAD_H
/*
 * The CSV contracts users script against (see README.md): offerings, usage/demand and
 * forecasts. Every row is checked before anything is returned: the first bad one is an
 * ERR_INPUT "FILE:LINE: what is wrong", so that callers can keep the store unchanged.
 */
#include <stddef.h>
#include <stdio.h>

#include "planner/store.h"
#include "providers/providers.h"
#include "util/csv.h"
#include "util/err.h"

/* The offerings CSV header, in order. */
extern const char load_offerings_header[];

int load_offerings_csv(const char *path, struct offering **out, size_t *n, struct err *e);
/* Writes the offerings CSV contract, prices at full precision. */
int load_offerings_write(FILE *f, const struct offering *v, size_t n, struct err *e);

/* The times usage may carry: 2000-01-01 to 2099-12-31 (UTC). */
#define LOAD_MIN_TIME 946684800LL
#define LOAD_MAX_TIME 4102444800LL

/* Usage or demand: timestamp,gpu_model,gpus (hours on the hour, GPUs >= 0). */
int load_usage_csv(const char *path, struct store_usage_row **out, size_t *n, struct err *e);

/*
 * Parses a number the way every CSV contract does: the whole field, finite. Returns 0, 1 when
 * the field is empty (v = NAN), or -1 when it is not a number.
 */
int load_number(const char *s, double *v);
/*
 * ERR_INPUT "FILE:LINE: "NAME" is a column twice in the header" when the header row r names
 * column name again after col (found by csv_find); 0 otherwise, or when col < 0.
 */
int load_header_once(const csv_reader *r, const char *name, int col, const char *path,
		     struct err *e);

/* GPU model names: canonical when capplan knows the name, else as written (trimmed). */
void load_gpu_name(const char *raw, char *out, size_t n);

#endif
