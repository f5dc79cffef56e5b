#ifndef UTIL_CSV_H
#define UTIL_CSV_H
/*
 * A streaming RFC 4180 reader: quoted fields may hold commas, quotes ("") and newlines;
 * a UTF-8 byte order mark and CRLF line ends are accepted. Memory is bounded by the
 * longest row (at most CSV_MAX_ROW bytes), however long the file. Files ending in .gz
 * are decompressed on the fly (zlib).
 */
#include <stddef.h>
#include <stdio.h>

#include "util/err.h"

#define CSV_MAX_ROW (4u << 20)

typedef struct csv_reader csv_reader;

/* Opens path ("-" is standard input). The reader is the caller's: csv_free() it. */
int csv_open(csv_reader **out, const char *path, struct err *e);
/* Reads from memory (not copied: data must outlive the reader); name is used in errors. */
int csv_open_mem(csv_reader **out, const char *data, size_t len, const char *name,
		 struct err *e);
/*
 * Reads the next row. Returns 1 when a row was read, 0 at the end, or ERR_INPUT with
 * "NAME:LINE: ..." in e (an unterminated quote, a row over CSV_MAX_ROW). Blank lines
 * are skipped.
 */
int csv_next(csv_reader *r, struct err *e);
size_t csv_nfields(const csv_reader *r);
/* The i-th field of the current row, "" past the end. Borrowed until the next csv_next. */
const char *csv_field(const csv_reader *r, size_t i);
/* The line (1-based) where the current row began. */
size_t csv_line(const csv_reader *r);
const char *csv_name(const csv_reader *r);
/* Bytes consumed so far (of the decompressed stream). */
unsigned long long csv_offset(const csv_reader *r);
/*
 * Index of a column by name in the current row (used on the header row), matching
 * case-sensitively after trimming spaces; -1 when absent.
 */
int csv_find(const csv_reader *r, const char *name);
/*
 * The column named name after column `after` (a header that names a column twice is
 * ambiguous: which one holds the values?), -1 when none.
 */
int csv_find_after(const csv_reader *r, const char *name, int after);
void csv_free(csv_reader *r);

/* Writes s as one CSV field, quoted when it has to be. */
void csv_write_field(FILE *f, const char *s);

#endif
