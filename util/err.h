#ifndef UTIL_ERR_H
#define UTIL_ERR_H
/*
 * The error type every module fills. Functions that can fail return 0 or a negative
 * ERR_* code and write one lower-case line into a struct err naming the file, line,
 * field or URL concerned. Only planner/ prints it (and maps the code to an exit status).
 */
#include <stddef.h>

enum {
	ERR_OK = 0,
	ERR_RUNTIME = -1,	/* I/O, network, a dependency failed: exit 1 */
	ERR_INPUT = -2,		/* bad flags, config, CSV, JSON: exit 2 */
	ERR_INFEASIBLE = -3,	/* no plan meets the constraints: exit 3 */
	ERR_NOMEM = -4,		/* out of memory: exit 1 */
	ERR_SHORTFALL = -5	/* apply could not reach the plan: exit 1 */
};

struct err {
	int code;
	char msg[1024];
};
#define ERR_INIT { 0, "" }

/* Sets e (may be NULL) and returns code, so that `return err_set(e, ...)` reads well. */
int err_set(struct err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefixes the existing message with "what: " (for context added on the way up). */
int err_wrap(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int err_nomem(struct err *e);
void err_clear(struct err *e);
/* 0 ok, 1 runtime, 2 usage or input, 3 infeasible. */
int err_exit_code(int rc);

/* Allocation helpers that never return NULL silently: they fill e on failure. */
void *err_malloc(size_t n, struct err *e);
void *err_calloc(size_t n, size_t size, struct err *e);
char *err_strdup(const char *s, struct err *e);

#endif
