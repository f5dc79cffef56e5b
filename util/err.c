#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * A message is printed as one line (capplan CMD: MESSAGE), and parts of it come from
 * elsewhere: a server's error text, yajl's messages (which end in a newline), a file name.
 * Control characters become spaces (no line breaks, no terminal escapes) and trailing
 * blanks go; UTF-8 is kept.
 */
static void one_line(char *s)
{
	size_t n = 0, i;

	for (i = 0; s[i]; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = ' ';
		if (s[i] != ' ')
			n = i + 1;
	}
	s[n] = '\0';
}

int err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	one_line(e->msg);
	return code;
}

int err_wrap(struct err *e, const char *fmt, ...)
{
	char head[512], old[sizeof(e->msg)];
	va_list ap;

	if (e == NULL)
		return ERR_RUNTIME;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	snprintf(e->msg, sizeof(e->msg), "%s: %s", head, old);
	one_line(e->msg);
	return e->code;
}

int err_nomem(struct err *e)
{
	return err_set(e, ERR_NOMEM, "out of memory");
}

void err_clear(struct err *e)
{
	if (e) {
		e->code = 0;
		e->msg[0] = '\0';
	}
}

int err_exit_code(int rc)
{
	switch (rc) {
	case ERR_OK: return 0;
	case ERR_INPUT: return 2;
	case ERR_INFEASIBLE: return 3;
	default: return 1;
	}
}

void *err_malloc(size_t n, struct err *e)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		err_nomem(e);
	return p;
}

void *err_calloc(size_t n, size_t size, struct err *e)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		err_nomem(e);
	return p;
}

char *err_strdup(const char *s, struct err *e)
{
	char *p = strdup(s ? s : "");

	if (p == NULL)
		err_nomem(e);
	return p;
}
