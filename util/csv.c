#include "util/csv.h"
#include "util/buf.h"

#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <zlib.h>

struct csv_reader {
	char *name;
	gzFile gz;		/* NULL when reading from memory */
	const char *mem;
	size_t mem_len, mem_pos;
	unsigned char in[65536];
	size_t in_len, in_pos;
	int eof;
	struct buf row;		/* field bytes, each field NUL-terminated */
	size_t *starts;		/* offsets of the fields in row */
	size_t nfields, cap;
	size_t line, row_line;
	unsigned long long offset;
	int first;
};

static int csv_new(csv_reader **out, const char *name, struct err *e)
{
	csv_reader *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (r == NULL || (r->name = strdup(name)) == NULL) {
		free(r);
		return err_nomem(e);
	}
	r->line = 1;
	r->first = 1;
	*out = r;
	return 0;
}

int csv_open(csv_reader **out, const char *path, struct err *e)
{
	int rc;
	csv_reader *r = NULL;

	*out = NULL;
	if ((rc = csv_new(&r, path, e)) < 0)
		return rc;
	if (strcmp(path, "-") == 0)
		r->gz = gzdopen(dup(0), "rb");
	else
		r->gz = gzopen(path, "rb");
	if (r->gz == NULL) {
		rc = err_set(e, ERR_INPUT, "%s: cannot open: %s", path, strerror(errno));
		csv_free(r);
		return rc;
	}
	gzbuffer(r->gz, 1 << 17);
	*out = r;
	return 0;
}

int csv_open_mem(csv_reader **out, const char *data, size_t len, const char *name,
		 struct err *e)
{
	int rc;

	if ((rc = csv_new(out, name, e)) < 0)
		return rc;
	(*out)->mem = data;
	(*out)->mem_len = len;
	return 0;
}

/* Returns the next byte, -1 at the end, -2 on a read error. */
static int csv_getc(csv_reader *r)
{
	if (r->in_pos == r->in_len) {
		if (r->eof)
			return -1;
		if (r->gz) {
			int n = gzread(r->gz, r->in, sizeof(r->in));

			int zerr = Z_OK;

			/*
			 * A truncated .gz gives its last bytes, then 0 with Z_BUF_ERROR ("unexpected
			 * end of file"): an error, not the end (a plain file ends with Z_OK).
			 */
			if (n < 0 || (n == 0 && (gzerror(r->gz, &zerr), zerr != Z_OK)))
				return -2;
			r->in_len = (size_t)n;
		} else {
			size_t n = r->mem_len - r->mem_pos;

			if (n > sizeof(r->in))
				n = sizeof(r->in);
			memcpy(r->in, r->mem + r->mem_pos, n);
			r->mem_pos += n;
			r->in_len = n;
		}
		r->in_pos = 0;
		if (r->in_len == 0) {
			r->eof = 1;
			return -1;
		}
	}
	r->offset++;
	return r->in[r->in_pos++];
}

static int csv_peek(csv_reader *r)
{
	int c = csv_getc(r);

	if (c >= 0) {
		r->in_pos--;
		r->offset--;
	}
	return c;
}

/* buf_putc without a call per byte while there is room: the reader's hot path */
static inline int row_putc(struct buf *b, char c)
{
	if (b->len + 2 <= b->cap) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
		return 0;
	}
	return buf_putc(b, c);
}

static int csv_end_field(csv_reader *r)
{
	if (row_putc(&r->row, '\0') < 0)
		return ERR_NOMEM;
	r->nfields++;
	if (r->nfields >= r->cap) {
		size_t cap = r->cap * 2;
		size_t *s = realloc(r->starts, cap * sizeof(*s));

		if (s == NULL)
			return ERR_NOMEM;
		r->starts = s;
		r->cap = cap;
	}
	r->starts[r->nfields] = r->row.len;
	return 0;
}

int csv_next(csv_reader *r, struct err *e)
{
	int c, quoted, any;

	if (r->cap == 0) {
		if ((r->starts = malloc(32 * sizeof(*r->starts))) == NULL)
			return err_nomem(e);
		r->cap = 32;
	}
	buf_reset(&r->row);
	r->nfields = 0;
	r->starts[0] = 0;
	r->row_line = r->line;
	any = 0;
	quoted = 0;

	if (r->first) {
		r->first = 0;
		/* a UTF-8 byte order mark is not part of the first header */
		if (csv_peek(r) == 0xEF) {
			unsigned char bom[3];
			int i;

			for (i = 0; i < 3; i++)
				bom[i] = (unsigned char)csv_getc(r);
			if (!(bom[1] == 0xBB && bom[2] == 0xBF)) {
				if (buf_add(&r->row, bom, 3) < 0)
					return err_nomem(e);
				any = 1;
			}
		}
	}
	for (;;) {
		c = csv_getc(r);
		if (c == -2)
			return err_set(e, ERR_INPUT, "%s:%zu: truncated or corrupt gzip stream",
				       r->name, r->line);
		if (r->row.len > CSV_MAX_ROW)
			return err_set(e, ERR_INPUT, "%s:%zu: row longer than %u bytes",
				       r->name, r->row_line, CSV_MAX_ROW);
		if (quoted) {
			if (c == -1)
				return err_set(e, ERR_INPUT,
					       "%s:%zu: quoted field is not closed before the end of the file",
					       r->name, r->row_line);
			if (c == '"') {
				if (csv_peek(r) == '"') {
					csv_getc(r);
					if (row_putc(&r->row, '"') < 0)
						return err_nomem(e);
				} else {
					quoted = 0;
				}
				continue;
			}
			if (c == '\n')
				r->line++;
			if (row_putc(&r->row, (char)c) < 0)
				return err_nomem(e);
			continue;
		}
		if (c == -1) {
			if (!any && r->row.len == 0 && r->nfields == 0)
				return 0;
			break;
		}
		if (c == '\r') {
			if (csv_peek(r) == '\n')
				continue;
			c = '\n';	/* a lone CR ends a line too */
		}
		if (c == '\n') {
			r->line++;
			if (!any && r->row.len == 0 && r->nfields == 0) {
				r->row_line = r->line;
				continue;	/* blank line */
			}
			break;
		}
		any = 1;
		if (c == ',') {
			if (csv_end_field(r) < 0)
				return err_nomem(e);
			continue;
		}
		if (c == '"' && r->row.len == r->starts[r->nfields]) {
			quoted = 1;	/* a quote opens a field only at its start */
			continue;
		}
		if (row_putc(&r->row, (char)c) < 0)
			return err_nomem(e);
	}
	if (csv_end_field(r) < 0)
		return err_nomem(e);
	return 1;
}

size_t csv_nfields(const csv_reader *r)
{
	return r->nfields;
}

const char *csv_field(const csv_reader *r, size_t i)
{
	if (i >= r->nfields)
		return "";
	return r->row.p + r->starts[i];
}

size_t csv_line(const csv_reader *r)
{
	return r->row_line;
}

const char *csv_name(const csv_reader *r)
{
	return r->name;
}

unsigned long long csv_offset(const csv_reader *r)
{
	return r->offset;
}

int csv_find_after(const csv_reader *r, const char *name, int after)
{
	size_t i, n = strlen(name);

	for (i = after < 0 ? 0 : (size_t)after + 1; i < r->nfields; i++) {
		const char *f = csv_field(r, i);
		size_t len;

		while (*f == ' ')
			f++;
		len = strlen(f);
		while (len && f[len - 1] == ' ')
			len--;
		if (len == n && memcmp(f, name, n) == 0)
			return (int)i;
	}
	return -1;
}

int csv_find(const csv_reader *r, const char *name)
{
	return csv_find_after(r, name, -1);
}

void csv_free(csv_reader *r)
{
	if (r == NULL)
		return;
	if (r->gz)
		gzclose(r->gz);
	buf_release(&r->row);
	free(r->starts);
	free(r->name);
	free(r);
}

void csv_write_field(FILE *f, const char *s)
{
	if (s[strcspn(s, ",\"\r\n")] == '\0' && s[0] != ' ') {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}
