/* Streaming JSON with a key path: yajl's callbacks plus a fixed-depth stack. */
#include "providers/jstream.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

struct jstream {
	yajl_handle y;
	const struct jstream_handler *h;
	void *arg;
	char what[96];
	size_t depth;
	int is_map[JSTREAM_MAX_DEPTH + 1];
	char key[JSTREAM_MAX_DEPTH + 1][JSTREAM_MAX_KEY];
	unsigned long long offset;	/* bytes fed before the current chunk */
	int rc;				/* what a handler returned, to tell it from a syntax error */
	struct err *e;
	int too_deep;
	int fired;			/* a callback ran during the current chunk */
	unsigned long long quiet;	/* bytes fed since the last chunk in which one ran */
};

static int push(struct jstream *j, int is_map)
{
	j->fired = 1;
	if (j->depth == JSTREAM_MAX_DEPTH) {
		j->too_deep = 1;
		return 0;
	}
	j->depth++;
	j->is_map[j->depth] = is_map;
	j->key[j->depth][0] = '\0';
	if (j->h->open && (j->rc = j->h->open(j->arg, j, is_map)) < 0)
		return 0;
	return 1;
}

static int pop(struct jstream *j, int is_map)
{
	j->fired = 1;
	if (j->h->close && (j->rc = j->h->close(j->arg, j, is_map)) < 0)
		return 0;
	if (j->depth)
		j->depth--;
	return 1;
}

static int scalar(struct jstream *j, int type, const char *s, size_t n)
{
	j->fired = 1;
	if (j->h->scalar && (j->rc = j->h->scalar(j->arg, j, type, s, n)) < 0)
		return 0;
	return 1;
}

static int cb_null(void *c)
{
	return scalar(c, JS_NULL, "null", 4);
}

static int cb_bool(void *c, int b)
{
	return scalar(c, JS_BOOL, b ? "true" : "false", b ? 4 : 5);
}

static int cb_number(void *c, const char *s, size_t n)
{
	return scalar(c, JS_NUMBER, s, n);
}

static int cb_string(void *c, const unsigned char *s, size_t n)
{
	return scalar(c, JS_STRING, (const char *)s, n);
}

static int cb_start_map(void *c)
{
	return push(c, 1);
}

static int cb_map_key(void *c, const unsigned char *s, size_t n)
{
	struct jstream *j = c;

	j->fired = 1;
	if (n >= JSTREAM_MAX_KEY)
		n = JSTREAM_MAX_KEY - 1;
	memcpy(j->key[j->depth], s, n);
	j->key[j->depth][n] = '\0';
	return 1;
}

static int cb_end_map(void *c)
{
	return pop(c, 1);
}

static int cb_start_array(void *c)
{
	return push(c, 0);
}

static int cb_end_array(void *c)
{
	return pop(c, 0);
}

static const yajl_callbacks callbacks = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string, cb_start_map, cb_map_key, cb_end_map,
	cb_start_array, cb_end_array,
};

static int make(struct jstream *j, struct err *e)
{
	if (j->y)
		yajl_free(j->y);
	j->depth = 0;
	j->offset = 0;
	j->rc = 0;
	j->too_deep = 0;
	j->quiet = 0;
	if ((j->y = yajl_alloc(&callbacks, NULL, j)) == NULL)
		return err_nomem(e);
	return 0;
}

int jstream_new(struct jstream **out, const struct jstream_handler *h, void *arg,
		const char *what, struct err *e)
{
	struct jstream *j = calloc(1, sizeof(*j));
	int rc;

	*out = NULL;
	if (j == NULL)
		return err_nomem(e);
	j->h = h;
	j->arg = arg;
	snprintf(j->what, sizeof(j->what), "%s", what ? what : "JSON");
	if ((rc = make(j, e)) < 0) {
		free(j);
		return rc;
	}
	*out = j;
	return 0;
}

void jstream_free(struct jstream *j)
{
	if (j == NULL)
		return;
	if (j->y)
		yajl_free(j->y);
	free(j);
}

int jstream_reset(struct jstream *j, struct err *e)
{
	return make(j, e);
}

static int status(struct jstream *j, yajl_status st, const char *p, size_t n, struct err *e)
{
	unsigned char *msg;
	size_t at;

	if (st == yajl_status_ok)
		return 0;
	if (j->rc < 0)
		return j->rc;	/* the handler filled e */
	at = (size_t)j->offset + (p ? yajl_get_bytes_consumed(j->y) : 0);
	if (j->too_deep)
		return err_set(e, ERR_INPUT, "%s: byte %zu: nested deeper than %d levels", j->what,
			       at, JSTREAM_MAX_DEPTH);
	msg = yajl_get_error(j->y, 0, (const unsigned char *)p, n);
	err_set(e, ERR_INPUT, "%s: byte %zu: not valid JSON: %s", j->what, at,
		msg ? (const char *)msg : "parse error");
	if (msg)
		yajl_free_error(j->y, msg);
	{
		/* yajl's message ends with a newline */
		size_t len = strlen(e->msg);

		while (len && (e->msg[len - 1] == '\n' || e->msg[len - 1] == ' '))
			e->msg[--len] = '\0';
	}
	return ERR_INPUT;
}

int jstream_feed(struct jstream *j, const char *p, size_t n, struct err *e)
{
	yajl_status st;
	int rc;

	j->e = e;
	j->fired = 0;
	st = yajl_parse(j->y, (const unsigned char *)p, n);
	rc = status(j, st, p, n, e);
	j->offset += n;
	j->quiet = j->fired ? 0 : j->quiet + n;
	if (rc == 0 && j->quiet > JSTREAM_MAX_TOKEN)
		return err_set(e, ERR_INPUT, "%s: byte %llu: no JSON value ends within %u bytes "
			       "(a runaway answer)", j->what, j->offset, JSTREAM_MAX_TOKEN);
	return rc;
}

int jstream_finish(struct jstream *j, struct err *e)
{
	yajl_status st;

	j->e = e;
	st = yajl_complete_parse(j->y);
	if (st != yajl_status_ok && j->rc >= 0) {
		return err_set(e, ERR_INPUT, "%s: byte %llu: the JSON document is truncated or "
			       "malformed", j->what, j->offset);
	}
	return status(j, st, NULL, 0, e);
}

size_t jstream_depth(const struct jstream *j)
{
	return j->depth;
}

const char *jstream_key(const struct jstream *j, size_t i)
{
	if (i == 0 || i > j->depth || !j->is_map[i])
		return "";
	return j->key[i];
}

int jstream_in_array(const struct jstream *j, size_t i)
{
	return i >= 1 && i <= j->depth && !j->is_map[i];
}

int jstream_at(const struct jstream *j, ...)
{
	va_list ap;
	const char *s;
	size_t i = 0;
	int ok = 1;

	va_start(ap, j);
	while ((s = va_arg(ap, const char *)) != NULL) {
		i++;
		if (i > j->depth) {
			ok = 0;
			break;
		}
		if (strcmp(s, "*") == 0)
			continue;
		if (strcmp(s, "[]") == 0) {
			if (j->is_map[i])
				ok = 0;
		} else if (strcmp(s, "{}") == 0) {
			if (!j->is_map[i])
				ok = 0;
		} else if (!j->is_map[i] || strcmp(j->key[i], s) != 0) {
			ok = 0;
		}
		if (!ok)
			break;
	}
	va_end(ap);
	return ok && i == j->depth;
}

int jstream_fail(struct jstream *j, struct err *e, const char *fmt, ...)
{
	char msg[700];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(e, ERR_INPUT, "%s: byte %llu: %s", j->what,
		       j->offset + (j->y ? yajl_get_bytes_consumed(j->y) : 0), msg);
}
